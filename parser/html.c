/*
 * HTML to plain text with libxml2's HTML parser, for the rules to read.
 * The DOM is walked iteratively (parent/next pointers), never recursively.
 * What libxml2 is handed, and how deep it may nest, is bounded in
 * html-bound.c (its costs grow with attributes per tag and with depth);
 * the input is already bounded by max_text_bytes.
 *
 * Two kinds of text come out (parser-private.h): what a mail client shows,
 * as it shows it, and what it does not (hidden by CSS, or in elements few
 * clients render), each on lines of its own marked TEXT_MARK_HIDDEN, so
 * that the rules can read it for markings and instructions but never count
 * it as something the author said to the reader.
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
	/* Hidden text since the last shown line ended, lines separated by
	   '\n', each with its quote marks: written after that line. */
	GString *hidden;
	bool hidden_line_start, hidden_space;
	struct css_sheet sheet;	/* the document's <style> rules */
};

/* The visibility of an element's text, inherited down the tree. */
struct vis {
	bool gone;		/* hidden for good: display:none, noscript ... */
	bool invisible, tiny, clear;
};

static bool vis_hidden(const struct vis *v)
{
	return v->gone || v->invisible || v->tiny || v->clear;
}

static bool name_in(const xmlChar *name, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (xmlStrcasecmp(name, (const xmlChar *)*list) == 0)
			return true;
	}
	return false;
}

/* Never shown, never read as text. <style> is read for what its rules hide
   and for its content: strings. */
static const char *const skipped[] = {
	"script", "style", "title", "template", NULL
};
/* Rendered by some mail clients and not by others (scripts never run, so
   <noscript> often shows; inline SVG text; an object's fallback): read, as
   hidden text. <head> should hold nothing shown. */
static const char *const seldom_shown[] = {
	"noscript", "svg", "object", "head", NULL
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

/* Hidden text: a new line of it, when the current one has something. */
static void hidden_break(struct html_out *o)
{
	if (!o->hidden_line_start)
		g_string_append_c(o->hidden, '\n');
	o->hidden_line_start = true;
	o->hidden_space = false;
}

/* Hidden text T, white space collapsed, control characters as spaces. */
static void hidden_text(struct html_out *o, const char *t)
{
	for (; *t != '\0'; t = g_utf8_next_char(t)) {
		gunichar c = g_utf8_get_char(t);

		if (g_unichar_isspace(c) || c < 0x20 || c == 0x7f || c == 0xa0) {
			o->hidden_space = !o->hidden_line_start;
			continue;
		}
		if (o->hidden_line_start) {
			for (unsigned i = 0; i < o->quote && i < HTML_MAX_QUOTE_MARKS; i++)
				g_string_append(o->hidden, "> ");
			o->hidden_line_start = false;
		} else if (o->hidden_space) {
			g_string_append_c(o->hidden, ' ');
		}
		o->hidden_space = false;
		g_string_append_len(o->hidden, t, g_utf8_next_char(t) - t);
	}
}

/* Hidden TEXT of several lines, each a line of its own. */
static void hidden_text_lines(struct html_out *o, const char *text)
{
	gchar **lines = g_strsplit(text, "\n", -1);

	for (gchar **l = lines; *l != NULL; l++) {
		hidden_text(o, *l);
		hidden_break(o);
	}
	g_strfreev(lines);
}

/* The hidden lines so far, after the shown text that has just ended. */
static void hidden_flush(struct html_out *o)
{
	const char *p = o->hidden->str, *end = p + o->hidden->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;

		if (e > p) {
			g_string_append(o->s, TEXT_MARK_HIDDEN);
			g_string_append_len(o->s, p, e - p);
			g_string_append_c(o->s, '\n');
		}
		p = e + 1;
	}
	g_string_truncate(o->hidden, 0);
	o->hidden_line_start = true;
	o->hidden_space = false;
}

static void out_newline(struct html_out *o)
{
	if (!o->line_start)
		g_string_append_c(o->s, '\n');
	o->line_start = true;
	o->space = false;
}

/* The end of a paragraph, a quotation's edge, a mark: the hidden lines so
   far are written here. Not at every line break: the shown lines of one
   paragraph stay together, so that a hidden span after "Please<br>" cannot
   part it from "arrange" (phrases match across line breaks, not across
   paragraphs); and not after a quotation starts, so that hidden text stays
   on the side of it where it was. */
static void out_break(struct html_out *o)
{
	out_newline(o);
	if (o->hidden->len > 0)
		hidden_flush(o);
}

static void out_blank_line(struct html_out *o)
{
	out_break(o);
	if (o->s->len > 0 && !(o->s->len >= 2 && o->s->str[o->s->len - 2] == '\n'))
		g_string_append_c(o->s, '\n');
}

static void out_mark(struct html_out *o, const char *mark)
{
	out_break(o);
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

/* An element's own attributes the walk needs, read in one pass over them. */
struct attrs {
	xmlChar *style, *cls, *id, *alt;
	bool hidden;
};

static void attrs_read(xmlNodePtr node, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	for (xmlAttrPtr p = node->properties; p != NULL; p = p->next) {
		xmlChar **slot = NULL;

		if (p->name == NULL)
			continue;
		if (xmlStrcasecmp(p->name, (const xmlChar *)"style") == 0)
			slot = &a->style;
		else if (xmlStrcasecmp(p->name, (const xmlChar *)"class") == 0)
			slot = &a->cls;
		else if (xmlStrcasecmp(p->name, (const xmlChar *)"id") == 0)
			slot = &a->id;
		else if (xmlStrcasecmp(p->name, (const xmlChar *)"alt") == 0)
			slot = &a->alt;
		else if (xmlStrcasecmp(p->name, (const xmlChar *)"hidden") == 0)
			a->hidden = true;
		if (slot != NULL && *slot == NULL)
			*slot = xmlNodeListGetString(node->doc, p->children, 1);
	}
}

static void attrs_clear(struct attrs *a)
{
	xmlFree(a->style);
	xmlFree(a->cls);
	xmlFree(a->id);
	xmlFree(a->alt);
}

/* The visibility of NODE's text, from its parent's (PARENT), the style
   sheet's rules and its own style and hidden attributes. */
static struct vis element_vis(const struct html_out *o, xmlNodePtr node, const struct attrs *a,
			      const struct vis *parent)
{
	struct css_hiding h = { .gone = a->hidden || name_in(node->name, seldom_shown) };
	struct vis v = *parent;

	css_sheet_match(&o->sheet, (const char *)a->cls, (const char *)a->id, &h);
	if (a->style != NULL)
		css_declarations((const char *)a->style, strlen((const char *)a->style), &h, NULL);
	v.gone |= h.gone;
	if (h.invisible != CSS_UNSET)
		v.invisible = h.invisible == CSS_ON;
	if (h.tiny != CSS_UNSET)
		v.tiny = h.tiny == CSS_ON;
	if (h.clear != CSS_UNSET)
		v.clear = h.clear == CSS_ON;
	return v;
}

static bool is_block(const xmlChar *name)
{
	return name_in(name, paragraphs) || name_in(name, blocks) ||
	       xmlStrcasecmp(name, (const xmlChar *)"br") == 0;
}

/* Entering NODE: quote and <pre> nesting, which leave_element undoes. A
   shown quotation starts on a line of its own, after the hidden lines. */
static void count_nesting(struct html_out *o, xmlNodePtr node, bool gone)
{
	if (is_quote(node)) {
		if (!gone)
			out_break(o);
		o->quote++;
	}
	if (xmlStrcasecmp(node->name, (const xmlChar *)"pre") == 0)
		o->pre++;
}

/* An element that is gone makes no structure in the shown text (as
   display:none makes no box): its line breaks separate hidden lines only,
   and it writes no reply or rule marks. Quote and <pre> nesting is counted
   all the same, so that hidden quoted text keeps its quote marks. */
static void enter_gone(struct html_out *o, xmlNodePtr node)
{
	const xmlChar *name = node->name;

	if (is_block(name) || is_quote(node) || name_in(name, seldom_shown))
		hidden_break(o);
	else if (xmlStrcasecmp(name, (const xmlChar *)"td") == 0 ||
		 xmlStrcasecmp(name, (const xmlChar *)"th") == 0)
		o->hidden_space = !o->hidden_line_start;
	count_nesting(o, node, true);
}

/* An element whose text is hidden but whose box is there (visibility,
   font size, colour) still breaks lines; it makes no marks. */
static void enter_element(struct html_out *o, xmlNodePtr node, const struct vis *v)
{
	const xmlChar *name = node->name;
	bool hidden = vis_hidden(v);

	if (v->gone) {
		enter_gone(o, node);
		return;
	}
	if (hidden && is_block(name))
		hidden_break(o);
	if (xmlStrcasecmp(name, (const xmlChar *)"br") == 0) {
		out_line_prefix(o);
		out_newline(o);
		return;
	}
	if (xmlStrcasecmp(name, (const xmlChar *)"hr") == 0) {
		if (!hidden)
			out_mark(o, TEXT_MARK_HR);
		return;
	}
	if (!hidden && is_outlook_reply_header(node))
		out_mark(o, TEXT_MARK_QUOTE_REST);
	if (name_in(name, paragraphs))
		out_blank_line(o);
	else if (name_in(name, blocks))
		out_newline(o);
	else if (xmlStrcasecmp(name, (const xmlChar *)"td") == 0 ||
		 xmlStrcasecmp(name, (const xmlChar *)"th") == 0)
		o->space = !o->line_start;
	count_nesting(o, node, false);
}

static void leave_element(struct html_out *o, xmlNodePtr node, const struct vis *v)
{
	const xmlChar *name = node->name;

	if (is_quote(node)) {
		if (v->gone)
			hidden_break(o);
		else
			out_break(o);
		if (o->quote > 0)
			o->quote--;
	}
	if (xmlStrcasecmp(name, (const xmlChar *)"pre") == 0 && o->pre > 0)
		o->pre--;
	if (v->gone || vis_hidden(v)) {
		if (is_block(name) || name_in(name, seldom_shown))
			hidden_break(o);
	}
	if (v->gone) {
		/* no box, no line break */
	} else if (name_in(name, paragraphs)) {
		out_blank_line(o);
	} else if (name_in(name, blocks)) {
		out_newline(o);
	}
}

/* Every <style> of the document into the sheet, before the walk: rules
   apply to elements before and after them. Iterative. */
static void read_style_sheets(struct html_out *o, xmlNodePtr root)
{
	xmlNodePtr node = root;

	while (node != NULL) {
		bool style = node->type == XML_ELEMENT_NODE &&
			     xmlStrcasecmp(node->name, (const xmlChar *)"style") == 0;

		if (style) {
			xmlChar *css = xmlNodeGetContent(node);

			if (css != NULL)
				css_sheet_read(&o->sheet, (const char *)css, strlen((const char *)css));
			xmlFree(css);
		}
		if (!style && node->type == XML_ELEMENT_NODE && node->children != NULL) {
			node = node->children;
			continue;
		}
		while (node != NULL && node->next == NULL) {
			node = node->parent;
			if (node != NULL && node->type != XML_ELEMENT_NODE)
				node = NULL;
		}
		if (node != NULL)
			node = node->next;
	}
}

static bool descend(xmlNodePtr node)
{
	return node->type == XML_ELEMENT_NODE && node->children != NULL &&
	       !name_in(node->name, skipped);
}

/* An element's text that is not in its children: image alt text, which a
   client shows when it does not load the image (Outlook, by default). */
static void element_own_text(struct html_out *o, xmlNodePtr node, const struct attrs *a)
{
	if (a->alt != NULL && *a->alt != '\0' &&
	    xmlStrcasecmp(node->name, (const xmlChar *)"img") == 0) {
		hidden_break(o);
		hidden_text(o, (const char *)a->alt);
		hidden_break(o);
	}
}

char *html_to_text(const char *html, size_t len, const struct html_limits *lim,
		   unsigned *flags_r)
{
	struct html_out o = {
		.s = g_string_new(NULL), .line_start = true, .hidden = g_string_new(NULL),
		.hidden_line_start = true,
	};
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(struct vis));
	const struct vis shown = { 0 };
	unsigned ignored = 0;
	htmlDocPtr doc;
	xmlNodePtr node;

	css_sheet_init(&o.sheet);
	if (len == 0 || len > INT_MAX)
		goto out;
	doc = html_read_bounded(html, len, lim, flags_r != NULL ? flags_r : &ignored);
	if (doc == NULL)
		goto out;
	node = xmlDocGetRootElement(doc);
	read_style_sheets(&o, node);
	if (o.sheet.content->len > 0) {
		/* What content: adds to the page: read, as hidden text. */
		hidden_break(&o);
		hidden_text_lines(&o, o.sheet.content->str);
	}
	while (node != NULL) {
		const struct vis *parent = stack->len > 0 ?
			&g_array_index(stack, struct vis, stack->len - 1) : &shown;
		struct vis v = *parent;

		if (node->type == XML_ELEMENT_NODE && !name_in(node->name, skipped)) {
			struct attrs a;

			attrs_read(node, &a);
			v = element_vis(&o, node, &a, parent);
			enter_element(&o, node, &v);
			element_own_text(&o, node, &a);
			attrs_clear(&a);
		} else if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
			if (vis_hidden(parent))
				hidden_text(&o, (const char *)node->content);
			else
				out_text(&o, (const char *)node->content);
		}
		if (descend(node)) {
			g_array_append_val(stack, v);
			node = node->children;
			continue;
		}
		/* Leave this node and every ancestor that has no next sibling. */
		for (;;) {
			if (node->type == XML_ELEMENT_NODE && !name_in(node->name, skipped) &&
			    node->children != NULL) {
				const struct vis *own = &g_array_index(stack, struct vis,
								       stack->len - 1);

				leave_element(&o, node, own);
				g_array_set_size(stack, stack->len - 1);
			}
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
	out_break(&o);
out:
	g_array_free(stack, TRUE);
	css_sheet_clear(&o.sheet);
	g_string_free(o.hidden, TRUE);
	return utf8_clean(g_string_free(o.s, FALSE));
}
