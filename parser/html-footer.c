/*
 * Where the footer goes in an HTML body, and what must come before it so
 * that a mail program shows it (issue 15, finding 5(a)). Inserted before
 * </body> as written, the footer was swallowed by whatever the body left
 * open: a comment, <style>, <title>, <textarea>, <script>, a tag cut off
 * inside an attribute value, or an element that hides what it holds
 * (<div style="display:none">, <template>, <select>, <details>...).
 *
 * The HTML is read once as an HTML5 parser tokenises it (what WebKit,
 * Gecko and Blink do), keeping the state at the insertion point (before the
 * last real </body>, else at the end): in a comment, in the raw text of
 * <script>/<style>/<title>..., inside a tag or an attribute value, and the
 * elements open there. The text put before the footer ends each in turn
 * ("-->", "</style>", "\">", "</div>"...). The stack of open elements is
 * kept as an over-estimate: an end tag closes elements only where an HTML5
 * parser certainly does; an end tag we add for an element a browser has
 * closed already is ignored by it, while one we leave out could keep the
 * footer hidden.
 *
 * Where no footer could be seen (<plaintext>, which nothing ends; a
 * <frameset>; "<!-->", which browsers and libxml2 read differently; nesting
 * beyond HTML_FOOTER_MAX_OPEN) the caller wraps the message instead: the
 * notice then comes as a plain-text part of its own. The footer's own
 * inline styles (annotate.c) keep style sheets in the body from hiding it.
 */
#include "parser/parser-private.h"

#include <string.h>

#define HTML_FOOTER_MAX_OPEN 4096

enum text_mode { M_DATA, M_RAWTEXT, M_RCDATA, M_SCRIPT };

struct html_scan {
	const char *p, *end;
	GPtrArray *open;	/* element names (lower case), bottom first */
	unsigned foreign;	/* open svg/math elements */
	enum text_mode mode;
	const char *raw_name;	/* the element whose raw text we are in */
	/* how the text ends, when it ends inside something */
	enum { END_DATA, END_COMMENT, END_BOGUS, END_CDATA, END_TAG, END_RAW } ended;
	char quote;		/* END_TAG: the open attribute value's quote, or 0 */
	char *cut_tag;		/* END_TAG: its name (g_free) */
	bool cut_end;		/* END_TAG: an end tag */
	bool hopeless;		/* no footer could be seen: wrap instead */
	const char *last_body;	/* start of the last real </body>, or NULL */
};

static bool in_list(const char *name, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(name, *list) == 0)
			return true;
	}
	return false;
}

static const char *const void_elements[] = {
	"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img",
	"input", "keygen", "link", "meta", "param", "source", "track", "wbr", NULL
};
/* End tags that remove only their own element (adoption agency; the form
   element pointer): the elements above it may stay open. */
static const char *const own_only[] = {
	"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
	"tt", "u", "form", NULL
};
/* Elements an end tag does not look past (HTML5 "has an element in scope"). */
static const char *const scope_limits[] = {
	"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
	"foreignobject", "desc", NULL
};
/* HTML5 "special" elements: an end tag of another name stops at them. */
static const char *const special[] = {
	"address", "applet", "area", "article", "aside", "base", "basefont", "bgsound",
	"blockquote", "body", "br", "button", "caption", "center", "col", "colgroup", "dd",
	"details", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure",
	"footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
	"header", "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "li", "link",
	"listing", "main", "marquee", "menu", "meta", "nav", "noembed", "noframes", "noscript",
	"object", "ol", "p", "param", "plaintext", "pre", "script", "search", "section",
	"select", "source", "style", "summary", "table", "tbody", "td", "template", "textarea",
	"tfoot", "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp", NULL
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void pop_to(struct html_scan *s, guint n)
{
	while (s->open->len > n) {
		char *name = g_ptr_array_steal_index(s->open, s->open->len - 1);

		if (s->foreign > 0 && (strcmp(name, "svg") == 0 || strcmp(name, "math") == 0))
			s->foreign--;
		g_free(name);
	}
}

static void end_tag(struct html_scan *s, const char *name)
{
	bool own = in_list(name, own_only), is_special = in_list(name, special);

	if (strcmp(name, "body") == 0 || strcmp(name, "html") == 0 || strcmp(name, "br") == 0)
		return;		/* they close nothing on the stack */
	for (guint i = s->open->len; i-- > 0;) {
		const char *e = g_ptr_array_index(s->open, i);

		if (strcmp(e, name) == 0) {
			if (own) {
				g_free(g_ptr_array_steal_index(s->open, i));
				if (s->foreign > 0 && (strcmp(name, "svg") == 0 ||
						       strcmp(name, "math") == 0))
					s->foreign--;
			} else {
				pop_to(s, i);
			}
			return;
		}
		if (!own && (in_list(e, scope_limits) || (!is_special && in_list(e, special)) ||
			     (strcmp(name, "li") == 0 && (strcmp(e, "ol") == 0 ||
							  strcmp(e, "ul") == 0)) ||
			     (strcmp(name, "p") == 0 && strcmp(e, "button") == 0)))
			return;		/* not in scope: the end tag is ignored */
	}
}

static void start_tag(struct html_scan *s, char *name)
{
	if (strcmp(name, "plaintext") == 0 || strcmp(name, "frameset") == 0)
		s->hopeless = true;
	/* html and body are the document's own (a browser makes them once,
	   whatever comes first), head is closed by anything else: none of
	   them holds the footer, and none is ended before it */
	if (in_list(name, void_elements) || in_list(name, (const char *const[]){ "html", "body",
										 "head", NULL })) {
		g_free(name);
		return;
	}
	if (strcmp(name, "svg") == 0 || strcmp(name, "math") == 0)
		s->foreign++;
	else if (s->foreign == 0 && strcmp(name, "script") == 0)
		s->mode = M_SCRIPT;
	else if (s->foreign == 0 && in_list(name, (const char *const[]){ "style", "xmp", "iframe",
									"noembed", "noframes",
									NULL }))
		s->mode = M_RAWTEXT;
	else if (s->foreign == 0 && in_list(name, (const char *const[]){ "title", "textarea",
									NULL }))
		s->mode = M_RCDATA;
	g_ptr_array_add(s->open, name);
	if (s->mode != M_DATA)
		s->raw_name = name;
	if (s->open->len > HTML_FOOTER_MAX_OPEN)
		s->hopeless = true;
}

/* A tag from its '<' at s->p: its name (lower case, g_free) and whether it
   is an end tag; s->p after its '>'. NULL with s->ended = END_TAG when the
   text ends inside it. */
static char *read_tag(struct html_scan *s, bool *end_r)
{
	const char *p = s->p + 1, *name;
	char quote = 0;
	char *out;

	*end_r = *p == '/';
	if (*end_r)
		p++;
	name = p;
	while (p < s->end && !is_blank(*p) && *p != '/' && *p != '>')
		p++;
	out = g_ascii_strdown(name, p - name);
	/* attributes: a quote opens a value only after '=' */
	while (p < s->end && *p != '>') {
		if (*p == '=') {
			p++;
			while (p < s->end && is_blank(*p))
				p++;
			if (p < s->end && (*p == '"' || *p == '\'')) {
				const char *q = memchr(p + 1, *p, (size_t)(s->end - p - 1));

				if (q == NULL) {
					quote = *p;
					p = s->end;
					break;
				}
				p = q + 1;
			}
			continue;
		}
		p++;
	}
	if (p >= s->end) {
		s->ended = END_TAG;
		s->quote = quote;
		s->cut_tag = out;
		s->cut_end = *end_r;
		s->p = s->end;
		return NULL;
	}
	s->p = p + 1;
	return out;
}

/* Raw text (style, title...) up to its end tag "</NAME" followed by a blank,
   '/' or '>'; s->p at that end tag, or the text ends inside it. */
static void skip_raw(struct html_scan *s, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = s->p; (p = memchr(p, '<', (size_t)(s->end - p))) != NULL; p++) {
		if ((size_t)(s->end - p) > n + 2 && p[1] == '/' &&
		    g_ascii_strncasecmp(p + 2, name, n) == 0 &&
		    (is_blank(p[n + 2]) || p[n + 2] == '/' || p[n + 2] == '>')) {
			s->p = p;
			return;
		}
	}
	s->ended = END_RAW;
	s->p = s->end;
}

static bool starts_ci(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && g_ascii_strncasecmp(p, s, n) == 0;
}

/* Script data with its escaped and double-escaped states (HTML5 8.2.4):
   s->p at the "</script" that ends it, or the text ends inside it. */
static void skip_script(struct html_scan *s)
{
	enum { DATA, ESCAPED, DOUBLE } st = DATA;
	const char *p = s->p;

	for (; p < s->end; p++) {
		if (*p == '-' && st != DATA && starts_ci(p, s->end, "-->")) {
			st = DATA;
			p += 2;
		} else if (*p != '<') {
			continue;
		} else if (st == DATA && starts_ci(p, s->end, "<!--")) {
			st = ESCAPED;
			p += 3;
		} else if (starts_ci(p, s->end, "</script") && p + 8 < s->end &&
			   (is_blank(p[8]) || p[8] == '/' || p[8] == '>')) {
			if (st != DOUBLE) {
				s->p = p;
				return;
			}
			st = ESCAPED;
		} else if (st == ESCAPED && starts_ci(p, s->end, "<script") && p + 7 < s->end &&
			   (is_blank(p[7]) || p[7] == '/' || p[7] == '>')) {
			st = DOUBLE;
		}
	}
	s->ended = END_RAW;
	s->p = s->end;
}

/* Past the markup at s->p ("<!", "<?", "</" + other): a comment, CDATA in
   svg/math, or a bogus comment to the next '>'. */
static void skip_markup(struct html_scan *s)
{
	const char *p = s->p, *q;

	if (starts_ci(p, s->end, "<!--")) {
		if (starts_ci(p + 4, s->end, ">") || starts_ci(p + 4, s->end, "->")) {
			s->hopeless = true;	/* "<!-->": ended for browsers, not libxml2 */
			s->p = p + 4;
			return;
		}
		for (q = p + 4; q + 3 <= s->end; q++) {
			if (q[0] == '-' && q[1] == '-' && (q[2] == '>' || starts_ci(q + 2, s->end, "!>"))) {
				s->p = q + (q[2] == '>' ? 3 : 4);
				return;
			}
		}
		s->ended = END_COMMENT;
		s->p = s->end;
		return;
	}
	if (s->foreign > 0 && starts_ci(p, s->end, "<![CDATA[")) {
		for (q = p + 9; q + 3 <= s->end; q++) {
			if (memcmp(q, "]]>", 3) == 0) {
				s->p = q + 3;
				return;
			}
		}
		s->ended = END_CDATA;
		s->p = s->end;
		return;
	}
	q = memchr(p, '>', (size_t)(s->end - p));
	if (q == NULL) {
		s->ended = END_BOGUS;
		s->p = s->end;
		return;
	}
	s->p = q + 1;
}

/* Tokenise [s->p, STOP). */
static void scan(struct html_scan *s, const char *stop)
{
	s->end = stop;
	while (s->p < s->end && !s->hopeless) {
		if (s->mode != M_DATA) {
			const char *name = s->raw_name;

			if (s->mode == M_SCRIPT)
				skip_script(s);
			else
				skip_raw(s, name);
			if (s->p >= s->end)
				return;
			s->mode = M_DATA;	/* at its end tag, read below */
		}
		const char *lt = memchr(s->p, '<', (size_t)(s->end - s->p));

		if (lt == NULL || lt + 1 >= s->end) {
			s->p = s->end;		/* a '<' at the very end is text */
			return;
		}
		s->p = lt;
		if (g_ascii_isalpha(lt[1]) || (lt[1] == '/' && lt + 2 < s->end &&
					       g_ascii_isalpha(lt[2]))) {
			bool is_end;
			char *name = read_tag(s, &is_end);

			if (name == NULL)
				return;
			if (is_end) {
				if (strcmp(name, "body") == 0)
					s->last_body = lt;
				end_tag(s, name);
				g_free(name);
			} else {
				start_tag(s, name);
			}
		} else if (lt[1] == '/' && lt + 2 < s->end && lt[2] == '>') {
			s->p = lt + 3;		/* "</>": nothing */
		} else if (lt[1] == '!' || lt[1] == '?' || lt[1] == '/') {
			skip_markup(s);
		} else {
			s->p = lt + 1;		/* '<' as text */
		}
	}
}

/* What ends everything open in state S (NULL: nothing can), S freed. */
static char *closers(struct html_scan *s)
{
	GString *close = g_string_new(NULL);
	bool ok;

	switch (s->ended) {
	case END_COMMENT:
		g_string_append(close, "-->");
		break;
	case END_BOGUS:
		g_string_append(close, ">");
		break;
	case END_CDATA:
		g_string_append(close, "]]>");
		break;
	case END_TAG:
		/* the tag, completed, takes effect: an element it opens is
		   closed below with the rest */
		if (s->quote != 0)
			g_string_append_c(close, s->quote);
		g_string_append(close, ">");
		if (s->cut_end) {
			end_tag(s, s->cut_tag);
			g_free(s->cut_tag);
		} else {
			start_tag(s, s->cut_tag);
		}
		s->cut_tag = NULL;
		break;
	case END_RAW:
	case END_DATA:
		break;
	}
	if (s->mode == M_SCRIPT && s->ended == END_RAW)
		g_string_append(close, "-->");	/* out of an escaped script first */
	for (guint i = s->open->len; i-- > 0;)
		g_string_append_printf(close, "</%s>", (const char *)g_ptr_array_index(s->open, i));
	ok = !s->hopeless;
	g_ptr_array_free(s->open, TRUE);
	s->open = NULL;
	return g_string_free(close, !ok);
}

char *html_footer_closers(const char *html, size_t len)
{
	struct html_scan s = { .p = html, .open = g_ptr_array_new_with_free_func(g_free) };

	if (len == 0 || html == NULL) {
		g_ptr_array_free(s.open, TRUE);
		return g_strdup("");	/* (an empty body's bytes may be NULL) */
	}
	scan(&s, html + len);
	return closers(&s);
}

bool html_footer_place(const char *html, size_t len, size_t *at_r, char **close_r)
{
	struct html_scan s = { .p = html, .open = g_ptr_array_new_with_free_func(g_free) };
	const char *at;

	if (len == 0 || html == NULL) {
		g_ptr_array_free(s.open, TRUE);
		*at_r = 0;	/* an empty body (its bytes may be NULL): nothing open */
		*close_r = g_strdup("");
		return true;
	}
	scan(&s, html + len);
	at = s.last_body != NULL && !s.hopeless ? s.last_body : html + len;
	if (at != html + len) {
		/* again, to the insertion point: the state there */
		g_free(s.cut_tag);
		g_ptr_array_set_size(s.open, 0);
		struct html_scan again = { .p = html, .open = s.open };

		s = again;
		scan(&s, at);
	}
	*at_r = (size_t)(at - html);
	*close_r = closers(&s);
	return *close_r != NULL;
}
