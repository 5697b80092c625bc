/*
 * What libxml2's HTML parser is handed, and how deep it may go, so that its
 * cost stays linear in the HTML (issue 15, finding 3).
 *
 * libxml2 2.9 checks each attribute of a start tag against every earlier
 * one (duplicates) and appends each to the end of the element's list, so
 * one tag with 50,000 attributes took 14 s. Each end tag, and each <body>,
 * is looked for down the whole stack of open elements, so 50,000 unclosed
 * elements followed by stray end tags cost the same square. Both are
 * bounded here: a linear pre-pass keeps at most max_attributes attributes
 * of each start tag, and the parser is stopped when more than max_depth
 * elements are open. Either cut sets a flag (PARSER_FLAG_HTML_*_LIMIT), so
 * the message counts as read only in part: what was cut could hide text
 * or change what is shown.
 *
 * The pre-pass reads tags as libxml2 2.9's htmlParseStartTag does (name
 * characters, blanks, quoted and unquoted values), and passes over
 * comments and the content of <script> and <style> as libxml2 does, so
 * that it changes nothing libxml2 would not read as attributes.
 */
#include "parser/parser-private.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <limits.h>
#include <string.h>

/* libxml2's IS_BLANK_CH and its HTML name characters. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_start(char c)
{
	return g_ascii_isalpha(c) || c == '_' || c == ':' || c == '.';
}

static bool is_name_char(char c)
{
	return g_ascii_isalnum(c) || c == ':' || c == '-' || c == '_' || c == '.';
}

struct scan {
	const char *p, *end;
};

static bool at_tag_end(const struct scan *s)
{
	return s->p >= s->end || *s->p == '>' ||
	       (*s->p == '/' && s->p + 1 < s->end && s->p[1] == '>');
}

static void skip_blanks(struct scan *s)
{
	while (s->p < s->end && is_blank(*s->p))
		s->p++;
}

/* One attribute, from its first character: true when it has a name (a
   bogus one, which libxml2 skips without keeping, gives false). */
static bool skip_attribute(struct scan *s)
{
	if (!is_name_start(*s->p)) {
		while (s->p < s->end && !is_blank(*s->p) && !at_tag_end(s))
			s->p++;
		return false;
	}
	while (s->p < s->end && is_name_char(*s->p))
		s->p++;
	skip_blanks(s);
	if (s->p >= s->end || *s->p != '=')
		return true;
	s->p++;
	skip_blanks(s);
	if (s->p < s->end && (*s->p == '"' || *s->p == '\'')) {
		const char *q = memchr(s->p + 1, *s->p, (size_t)(s->end - s->p - 1));

		s->p = q != NULL ? q + 1 : s->end;
	} else {
		while (s->p < s->end && !is_blank(*s->p) && *s->p != '>')
			s->p++;
	}
	return true;
}

/* Where raw text started by <NAME> ends ("</name", any case, as libxml2
   reads script and style), or END. */
static const char *raw_text_end(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (; (p = memchr(p, '<', (size_t)(end - p))) != NULL; p++) {
		if ((size_t)(end - p) >= n + 2 && p[1] == '/' &&
		    g_ascii_strncasecmp(p + 2, name, n) == 0)
			return p;
	}
	return end;
}

/* End of the comment whose "<!--" is at P: after "-->" or "--!>", or END. */
static const char *comment_end(const char *p, const char *end)
{
	for (p += 4; p + 3 <= end; p++) {
		if (p[0] == '-' && p[1] == '-' && p[2] == '>')
			return p + 3;
		if (p + 4 <= end && memcmp(p, "--!>", 4) == 0)
			return p + 4;
	}
	return end;
}

char *html_bound_attributes(const char *html, size_t len, unsigned max_attributes,
			    size_t *len_r, bool *cut_r)
{
	struct scan s = { html, html + len };
	GString *out = NULL;
	const char *copied = html;	/* HTML before this is in OUT */

	*cut_r = false;
	while (s.p < s.end && (s.p = memchr(s.p, '<', (size_t)(s.end - s.p))) != NULL) {
		if (s.end - s.p >= 4 && memcmp(s.p, "<!--", 4) == 0) {
			s.p = comment_end(s.p, s.end);
			continue;
		}
		if (s.end - s.p < 2 || !(g_ascii_isalpha(s.p[1]) || s.p[1] == '_' || s.p[1] == ':')) {
			s.p++;
			continue;
		}
		/* a start tag */
		const char *name = ++s.p, *raw = NULL;
		unsigned n = 0;

		while (s.p < s.end && is_name_char(*s.p))
			s.p++;
		if (s.p - name == 6 && g_ascii_strncasecmp(name, "script", 6) == 0)
			raw = "script";
		else if (s.p - name == 5 && g_ascii_strncasecmp(name, "style", 5) == 0)
			raw = "style";
		skip_blanks(&s);
		while (!at_tag_end(&s)) {
			const char *attr = s.p;

			if (skip_attribute(&s) && ++n > max_attributes) {
				/* Keep what came before this one and the tag's end. */
				if (out == NULL)
					out = g_string_sized_new(len);
				g_string_append_len(out, copied, attr - copied);
				while (!at_tag_end(&s)) {
					skip_attribute(&s);
					skip_blanks(&s);
				}
				copied = s.p;
				*cut_r = true;
				break;
			}
			skip_blanks(&s);
		}
		if (raw != NULL && s.p < s.end && *s.p == '>')
			s.p = raw_text_end(s.p + 1, s.end, raw);
	}
	if (out == NULL)
		return NULL;
	g_string_append_len(out, copied, html + len - copied);
	*len_r = out->len;
	return g_string_free(out, FALSE);
}

/* ---- the parse, stopped past max_depth open elements ---- */

struct depth_guard {
	startElementSAXFunc start;	/* libxml2's own tree builder */
	unsigned max_depth;
	bool cut;
};

static void bounded_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	htmlParserCtxtPtr ctxt = ctx;
	struct depth_guard *g = ctxt->_private;

	g->start(ctx, name, atts);
	if (ctxt->nameNr > 0 && (unsigned)ctxt->nameNr > g->max_depth && !g->cut) {
		g->cut = true;
		xmlStopParser(ctxt);
	}
}

xmlDocPtr html_read_bounded(const char *html, size_t len, const struct html_limits *lim,
			    unsigned *flags_r)
{
	unsigned max_attributes = lim != NULL && lim->max_attributes != 0 ?
		lim->max_attributes : PARSER_DEFAULT_HTML_ATTRIBUTES;
	struct depth_guard guard = {
		.max_depth = lim != NULL && lim->max_depth != 0 ? lim->max_depth :
			PARSER_DEFAULT_HTML_DEPTH,
	};
	htmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	size_t bounded_len = 0;
	bool cut;
	char *bounded = html_bound_attributes(html, len, max_attributes, &bounded_len, &cut);

	if (cut)
		*flags_r |= PARSER_FLAG_HTML_ATTRIBUTE_LIMIT;
	if (bounded != NULL) {
		html = bounded;
		len = bounded_len;
	}
	ctxt = len <= INT_MAX ? htmlNewParserCtxt() : NULL;
	if (ctxt == NULL || ctxt->sax == NULL) {
		if (ctxt != NULL)
			htmlFreeParserCtxt(ctxt);
		g_free(bounded);
		return NULL;
	}
	guard.start = ctxt->sax->startElement;
	ctxt->sax->startElement = bounded_start;
	ctxt->_private = &guard;
	/* XML_PARSE_HUGE lifts the tree builder's silent stop at 256 levels
	   (text could hide past it); our own max_depth stops it, and says so. */
	doc = htmlCtxtReadMemory(ctxt, html, (int)len, NULL, "UTF-8",
				 HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				 HTML_PARSE_NONET | HTML_PARSE_COMPACT | XML_PARSE_HUGE);
	if (guard.cut)
		*flags_r |= PARSER_FLAG_HTML_DEPTH_LIMIT;
	htmlFreeParserCtxt(ctxt);
	g_free(bounded);
	return doc;
}
