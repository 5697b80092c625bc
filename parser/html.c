/*
 * HTML to plain text with libxml2's HTML parser, for the rules to read.
 * The DOM is walked iteratively (parent/next pointers), never recursively.
 * What libxml2 is handed, and how deep it may nest, is bounded in
 * html-bound.c (its costs grow with attributes per tag and with depth);
 * the input is already bounded by max_text_bytes.
 */
#include "parser/parser-private.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <string.h>

#define HTML_MAX_QUOTE_MARKS 8

struct html_out {
	GString *s;
	unsigned quote;		/* blockquote nesting */
	unsigned pre;		/* inside <pre> */
	bool line_start;	/* nothing written on the current line yet */
	bool space;		/* a space is due before the next word */
};

static bool name_in(const xmlChar *name, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (xmlStrcasecmp(name, (const xmlChar *)*list) == 0)
			return true;
	}
	return false;
}

static const char *const skipped[] = {
	"script", "style", "head", "title", "template", "noscript", "object", "svg", NULL
};
static const char *const blocks[] = {
	"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul",
	"ol", "dl", "dt", "dd", "section", "article", "header", "footer", "address",
	"center", "form", "fieldset", "nav", "aside", "main", "figure", "figcaption",
	"caption", "blockquote", "body", "html", "tbody", "thead", "tfoot", NULL
};
static const char *const paragraphs[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", NULL
};

static void out_newline(struct html_out *o)
{
	if (!o->line_start)
		g_string_append_c(o->s, '\n');
	o->line_start = true;
	o->space = false;
}

static void out_blank_line(struct html_out *o)
{
	out_newline(o);
	if (o->s->len > 0 && !(o->s->len >= 2 && o->s->str[o->s->len - 2] == '\n'))
		g_string_append_c(o->s, '\n');
}

static void out_mark(struct html_out *o, const char *mark)
{
	out_newline(o);
	g_string_append(o->s, mark);
	g_string_append_c(o->s, '\n');
}

static void out_line_prefix(struct html_out *o)
{
	if (!o->line_start)
		return;
	/* A few marks say "quoted" as well as many: a hostile nesting depth
	   must not multiply the output. */
	for (unsigned i = 0; i < o->quote && i < HTML_MAX_QUOTE_MARKS; i++)
		g_string_append(o->s, "> ");
	o->line_start = false;
	o->space = false;
}

static void out_text(struct html_out *o, const char *t)
{
	while (*t != '\0') {
		gunichar c = g_utf8_get_char(t);
		const char *next = g_utf8_next_char(t);

		if (c == '\n' && o->pre > 0) {
			out_line_prefix(o);
			out_newline(o);
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xa0 ||
			   c == '\f' || c == '\v') {
			if (o->pre > 0) {
				out_line_prefix(o);
				g_string_append_c(o->s, ' ');
			} else if (!o->line_start) {
				o->space = true;
			}
		} else if (c < 0x20 || c == 0x7f) {
			/* control characters: never let them reach the segmenter */
			if (!o->line_start)
				o->space = true;
		} else {
			out_line_prefix(o);
			if (o->space)
				g_string_append_c(o->s, ' ');
			o->space = false;
			g_string_append_len(o->s, t, next - t);
		}
		t = next;
	}
}

static bool has_class_prefix(xmlNodePtr node, const char *prefix)
{
	xmlChar *cls = xmlGetProp(node, (const xmlChar *)"class");
	bool found = false;

	if (cls == NULL)
		return false;
	gchar **tokens = g_strsplit_set((const char *)cls, " \t\r\n", -1);
	for (gchar **t = tokens; *t != NULL && !found; t++)
		found = g_str_has_prefix(*t, prefix);
	g_strfreev(tokens);
	xmlFree(cls);
	return found;
}

static bool is_quote(xmlNodePtr node)
{
	return xmlStrcasecmp(node->name, (const xmlChar *)"blockquote") == 0 ||
	       has_class_prefix(node, "gmail_quote") || has_class_prefix(node, "yahoo_quoted");
}

static bool is_outlook_reply_header(xmlNodePtr node)
{
	xmlChar *id = xmlGetProp(node, (const xmlChar *)"id");
	bool yes = id != NULL && xmlStrcasecmp(id, (const xmlChar *)"divRplyFwdMsg") == 0;

	xmlFree(id);
	return yes;
}

static void enter_element(struct html_out *o, xmlNodePtr node)
{
	const xmlChar *name = node->name;

	if (xmlStrcasecmp(name, (const xmlChar *)"br") == 0) {
		out_line_prefix(o);
		out_newline(o);
		return;
	}
	if (xmlStrcasecmp(name, (const xmlChar *)"hr") == 0) {
		out_mark(o, TEXT_MARK_HR);
		return;
	}
	if (is_outlook_reply_header(node))
		out_mark(o, TEXT_MARK_QUOTE_REST);
	if (name_in(name, paragraphs))
		out_blank_line(o);
	else if (name_in(name, blocks))
		out_newline(o);
	else if (xmlStrcasecmp(name, (const xmlChar *)"td") == 0 ||
		 xmlStrcasecmp(name, (const xmlChar *)"th") == 0)
		o->space = !o->line_start;
	if (is_quote(node))
		o->quote++;
	if (xmlStrcasecmp(name, (const xmlChar *)"pre") == 0)
		o->pre++;
}

static void leave_element(struct html_out *o, xmlNodePtr node)
{
	const xmlChar *name = node->name;

	if (is_quote(node)) {
		out_newline(o);
		if (o->quote > 0)
			o->quote--;
	}
	if (xmlStrcasecmp(name, (const xmlChar *)"pre") == 0 && o->pre > 0)
		o->pre--;
	if (name_in(name, paragraphs))
		out_blank_line(o);
	else if (name_in(name, blocks))
		out_newline(o);
}

static bool descend(xmlNodePtr node)
{
	return node->type == XML_ELEMENT_NODE && node->children != NULL &&
	       !name_in(node->name, skipped);
}

char *html_to_text(const char *html, size_t len, const struct html_limits *lim,
		   unsigned *flags_r)
{
	struct html_out o = { .s = g_string_new(NULL), .line_start = true };
	unsigned ignored = 0;
	htmlDocPtr doc;
	xmlNodePtr node;

	if (len == 0 || len > INT_MAX)
		return g_string_free(o.s, FALSE);
	doc = html_read_bounded(html, len, lim, flags_r != NULL ? flags_r : &ignored);
	if (doc == NULL)
		return g_string_free(o.s, FALSE);
	node = xmlDocGetRootElement(doc);
	while (node != NULL) {
		if (node->type == XML_ELEMENT_NODE && !name_in(node->name, skipped))
			enter_element(&o, node);
		else if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
			out_text(&o, (const char *)node->content);
		if (descend(node)) {
			node = node->children;
			continue;
		}
		/* Leave this node and every ancestor that has no next sibling. */
		for (;;) {
			if (node->type == XML_ELEMENT_NODE && !name_in(node->name, skipped) &&
			    node->children != NULL)
				leave_element(&o, node);
			if (node->next != NULL) {
				node = node->next;
				break;
			}
			node = node->parent;
			if (node == NULL || node->type != XML_ELEMENT_NODE) {
				node = NULL;
				break;
			}
		}
	}
	xmlFreeDoc(doc);
	return utf8_clean(g_string_free(o.s, FALSE));
}
