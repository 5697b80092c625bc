/*
 * What CSS does to the text a reader sees, as far as a mail client renders
 * it: declarations that hide text (display:none, visibility:hidden, a font
 * size of zero, opacity:0, transparent colour, a zero-size box that clips,
 * a position far off the page, Outlook's mso-hide:all), simple style sheet
 * rules that hide a class or an id, and the strings that content:
 * properties add to the page. html.c applies them to the document.
 *
 * Not a CSS engine: selectors other than ".name", "tag.name" and "#id", and
 * rules inside @media and other at-rules, are not matched. What is missed
 * that way counts as shown, which only matters for text that is meant to
 * satisfy a rule (a capacity statement): hidden or not, text is read for
 * markings and instructions. Every scan here is linear in its input.
 */
#include "parser/parser-private.h"

#include <stdlib.h>
#include <string.h>

/* Text set this far off the page (in any unit) is not on it. */
#define OFF_PAGE (-999.0)

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && g_ascii_isspace(*p))
		p++;
	return p;
}

/* The end of a CSS comment starting at P ("/" "*"), or END. */
static const char *skip_comment(const char *p, const char *end)
{
	for (p += 2; p + 1 < end; p++) {
		if (p[0] == '*' && p[1] == '/')
			return p + 2;
	}
	return end;
}

/* A CSS string at P (its quote character first) decoded into OUT (may be
   NULL); returns the position after it. Escapes: \HHHHHH (one space after
   it is part of it), \ and a line break (nothing), \ and any character. */
static const char *read_string(const char *p, const char *end, GString *out)
{
	char quote = *p++;

	while (p < end && *p != quote) {
		if (*p == '\n')
			return p;	/* unterminated: ends at the line */
		if (*p != '\\' || p + 1 >= end) {
			if (out != NULL)
				g_string_append_c(out, *p);
			p++;
			continue;
		}
		p++;
		if (g_ascii_isxdigit(*p)) {
			gunichar c = 0;
			int n = 0;

			for (; n < 6 && p < end && g_ascii_isxdigit(*p); n++, p++)
				c = c * 16 + (gunichar)g_ascii_xdigit_value(*p);
			if (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
				p++;
			if (out != NULL && g_unichar_validate(c) && c != 0)
				g_string_append_unichar(out, c);
		} else if (*p == '\n') {
			p++;
		} else {
			if (out != NULL)
				g_string_append_c(out, *p);
			p++;
		}
	}
	return p < end ? p + 1 : end;
}

/* P past the string or comment that starts there, or P itself when none
   does: what the scanners below step over whole. */
static const char *skip_quoted(const char *p, const char *end)
{
	if (*p == '"' || *p == '\'')
		return read_string(p, end, NULL);
	if (*p == '/' && p + 1 < end && p[1] == '*')
		return skip_comment(p, end);
	return p;
}

/* The number at the start of V (after its sign), and its unit into UNIT
   (lower case, at most 7 characters). False when V does not start with a
   number. */
static bool read_length(const char *v, double *num_r, char unit[8])
{
	char *rest;
	size_t n = 0;

	if (!(g_ascii_isdigit(*v) || *v == '.' || *v == '-' || *v == '+'))
		return false;
	*num_r = g_ascii_strtod(v, &rest);
	if (rest == v)
		return false;
	while (n < 7 && g_ascii_isalpha(rest[n])) {
		unit[n] = g_ascii_tolower(rest[n]);
		n++;
	}
	if (n == 0 && rest[0] == '%')
		unit[n++] = '%';
	unit[n] = '\0';
	return true;
}

static bool unit_is(const char *unit, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(unit, *list) == 0)
			return true;
	}
	return false;
}

/* A font size: zero or under two pixels hides (ON); an absolute size
   shows (OFF); a size relative to the parent's keeps the parent's. */
static enum css_tri font_size(const char *v)
{
	static const char *const relative[] = { "em", "ex", "ch", "%", NULL };
	static const char *const keep[] = { "inherit", "unset", "revert", NULL };
	double num;
	char unit[8];

	if (!read_length(v, &num, unit))
		return unit_is(v, keep) ? CSS_UNSET : CSS_OFF;	/* "small", "medium" */
	if (num <= 0.0)
		return CSS_ON;
	if ((strcmp(unit, "px") == 0 && num < 2.0) || (strcmp(unit, "pt") == 0 && num < 1.5))
		return CSS_ON;
	return unit_is(unit, relative) ? CSS_UNSET : CSS_OFF;
}

/* The size in the "font" shorthand ("bold 0/0 a", "12px Arial"). */
static enum css_tri font_shorthand(const char *v)
{
	gchar **tokens = g_strsplit_set(v, " \t", -1);
	enum css_tri t = CSS_UNSET;

	for (gchar **tok = tokens; *tok != NULL && t == CSS_UNSET; tok++) {
		double num;
		char unit[8];

		if (**tok != '\0' && read_length(*tok, &num, unit))
			t = font_size(*tok);
	}
	g_strfreev(tokens);
	return t;
}

static bool is_zero_length(const char *v)
{
	double num;
	char unit[8];

	return read_length(v, &num, unit) && num == 0.0;
}

/* Colour transparent: "transparent", rgba()/hsla() with alpha 0, #RGBA and
   #RRGGBBAA with alpha 0. */
static enum css_tri colour(const char *v)
{
	size_t n = strlen(v);

	if (strcmp(v, "inherit") == 0 || strcmp(v, "currentcolor") == 0 || strcmp(v, "unset") == 0)
		return CSS_UNSET;
	if (strcmp(v, "transparent") == 0)
		return CSS_ON;
	if (v[0] == '#' && (n == 5 || n == 9))
		return v[n - 1] == '0' && (n == 5 || v[n - 2] == '0') ? CSS_ON : CSS_OFF;
	if (n > 0 && v[n - 1] == ')' && (g_str_has_prefix(v, "rgba(") || g_str_has_prefix(v, "hsla(") ||
					 g_str_has_prefix(v, "rgb(") || g_str_has_prefix(v, "hsl("))) {
		const char *last = v + n - 1;
		double a;
		char unit[8];

		while (last > v && last[-1] != ',' && last[-1] != '/')
			last--;
		if (last > v && read_length(last, &a, unit) &&
		    (strcmp(unit, "%") == 0 ? a <= 5.0 : a <= 0.05))
			return CSS_ON;
	}
	return CSS_OFF;
}

struct decl_state {
	struct css_hiding *h;
	bool zero_size, clips;
};

/* One declaration NAME: VALUE (both trimmed, lower case, !important gone). */
static void declaration(struct decl_state *st, const char *name, const char *value)
{
	struct css_hiding *h = st->h;
	double num;
	char unit[8];

	if (strcmp(name, "display") == 0) {
		if (strcmp(value, "none") == 0)
			h->gone = true;
	} else if (strcmp(name, "visibility") == 0) {
		if (strcmp(value, "hidden") == 0 || strcmp(value, "collapse") == 0)
			h->invisible = CSS_ON;
		else if (strcmp(value, "visible") == 0)
			h->invisible = CSS_OFF;
	} else if (strcmp(name, "opacity") == 0) {
		if (read_length(value, &num, unit) &&
		    (strcmp(unit, "%") == 0 ? num <= 5.0 : num <= 0.05))
			h->gone = true;
	} else if (strcmp(name, "font-size") == 0) {
		h->tiny = font_size(value);
	} else if (strcmp(name, "font") == 0) {
		enum css_tri t = font_shorthand(value);

		if (t != CSS_UNSET)
			h->tiny = t;
	} else if (strcmp(name, "color") == 0) {
		h->clear = colour(value);
	} else if (strcmp(name, "mso-hide") == 0) {
		if (strcmp(value, "all") == 0)
			h->gone = true;
	} else if (strcmp(name, "height") == 0 || strcmp(name, "max-height") == 0 ||
		   strcmp(name, "width") == 0 || strcmp(name, "max-width") == 0) {
		st->zero_size |= is_zero_length(value);
	} else if (strcmp(name, "overflow") == 0 || strcmp(name, "overflow-x") == 0 ||
		   strcmp(name, "overflow-y") == 0) {
		st->clips |= strcmp(value, "hidden") == 0 || strcmp(value, "clip") == 0;
	} else if (strcmp(name, "text-indent") == 0 || strcmp(name, "left") == 0 ||
		   strcmp(name, "top") == 0 || strcmp(name, "margin-left") == 0 ||
		   strcmp(name, "margin-top") == 0) {
		if (read_length(value, &num, unit) && num <= OFF_PAGE)
			h->gone = true;
	}
}

/* The strings of a content: value, concatenated, into OUT. */
static void content_strings(const char *p, const char *end, GString *out)
{
	size_t before = out->len;

	while (p < end) {
		if (*p == '"' || *p == '\'')
			p = read_string(p, end, out);
		else
			p++;
	}
	if (out->len > before)
		g_string_append_c(out, '\n');
}

/* The end of the declaration starting at P: the next ';' outside strings
   and parentheses, or END. */
static const char *declaration_end(const char *p, const char *end)
{
	unsigned parens = 0;

	while (p < end) {
		const char *q = skip_quoted(p, end);

		if (q != p) {
			p = q;
			continue;
		}
		if (*p == '(')
			parens++;
		else if (*p == ')' && parens > 0)
			parens--;
		else if (*p == ';' && parens == 0)
			return p;
		p++;
	}
	return end;
}

/* A copy of [P, END) trimmed, comments out, lower case, without
   "!important". */
static char *clean_value(const char *p, const char *end)
{
	GString *s = g_string_new(NULL);
	char *bang;

	p = skip_space(p, end);
	while (p < end) {
		if (*p == '/' && p + 1 < end && p[1] == '*') {
			p = skip_comment(p, end);
			continue;
		}
		g_string_append_c(s, g_ascii_tolower(*p));
		p++;
	}
	if ((bang = strchr(s->str, '!')) != NULL)
		g_string_truncate(s, (gsize)(bang - s->str));
	while (s->len > 0 && g_ascii_isspace(s->str[s->len - 1]))
		g_string_truncate(s, s->len - 1);
	return g_string_free(s, FALSE);
}

void css_declarations(const char *decls, size_t len, struct css_hiding *h, GString *content_r)
{
	const char *p = decls, *end = decls + len;
	struct decl_state st = { .h = h };

	while (p < end) {
		const char *e = declaration_end(p, end), *colon = p;
		char *name, *value;

		while (colon < e && *colon != ':')
			colon++;
		if (colon < e) {
			name = clean_value(p, colon);
			if (strcmp(name, "content") == 0) {
				if (content_r != NULL)
					content_strings(colon + 1, e, content_r);
			} else {
				value = clean_value(colon + 1, e);
				declaration(&st, name, value);
				g_free(value);
			}
			g_free(name);
		}
		p = e < end ? e + 1 : end;
	}
	if (st.zero_size && st.clips)
		h->gone = true;
}

void css_hiding_apply(struct css_hiding *to, const struct css_hiding *from)
{
	to->gone |= from->gone;
	if (from->invisible != CSS_UNSET)
		to->invisible = from->invisible;
	if (from->tiny != CSS_UNSET)
		to->tiny = from->tiny;
	if (from->clear != CSS_UNSET)
		to->clear = from->clear;
}

static bool hides(const struct css_hiding *h)
{
	return h->gone || h->invisible == CSS_ON || h->tiny == CSS_ON || h->clear == CSS_ON;
}

/* ---- style sheets ---- */

void css_sheet_init(struct css_sheet *sheet)
{
	sheet->classes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	sheet->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	sheet->content = g_string_new(NULL);
}

void css_sheet_clear(struct css_sheet *sheet)
{
	if (sheet->classes == NULL)
		return;
	g_hash_table_destroy(sheet->classes);
	g_hash_table_destroy(sheet->ids);
	g_string_free(sheet->content, TRUE);
	memset(sheet, 0, sizeof(*sheet));
}

/* A selector of one simple class or id ("p.note", ".note", "#n1"): its
   table and name, or false. */
static bool simple_selector(struct css_sheet *sheet, const char *sel, GHashTable **table_r,
			    const char **name_r)
{
	const char *p = sel;

	while (g_ascii_isalnum(*p))	/* an element name first, or none */
		p++;
	if (*p != '.' && *p != '#')
		return false;
	*table_r = *p == '.' ? sheet->classes : sheet->ids;
	*name_r = ++p;
	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
			return false;
	}
	return true;
}

/* A rule's selectors (a comma-separated list) hide with H. */
static void add_rule(struct css_sheet *sheet, const char *prelude, const struct css_hiding *h)
{
	gchar **sels = g_strsplit(prelude, ",", -1);

	for (gchar **s = sels; *s != NULL; s++) {
		GHashTable *table;
		const char *name;
		struct css_hiding *old;

		g_strstrip(*s);
		if (!simple_selector(sheet, *s, &table, &name))
			continue;
		old = g_hash_table_lookup(table, name);
		if (old == NULL) {
			old = g_new0(struct css_hiding, 1);
			g_hash_table_insert(table, g_strdup(name), old);
		}
		css_hiding_apply(old, h);
	}
	g_strfreev(sels);
}

void css_sheet_read(struct css_sheet *sheet, const char *css, size_t len)
{
	const char *p = css, *end = css + len, *start = css;
	unsigned depth = 0, at_depth = 0;	/* at_depth: levels opened by at-rules */

	while (p < end) {
		const char *skipped = skip_quoted(p, end);

		if (skipped != p) {
			p = skipped;
			continue;
		}
		if (*p == '{') {
			const char *pre = skip_space(start, p), *body = p + 1, *q = body;
			bool nested = false;

			/* A block that holds blocks (@media) opens a level; one
			   that does not is a rule: its declarations. */
			while (q < end && *q != '}' && *q != '{') {
				const char *n = skip_quoted(q, end);

				q = n != q ? n : q + 1;
			}
			nested = q < end && *q == '{';
			if (nested) {
				depth++;
				if (pre < p && *pre == '@')
					at_depth++;
				start = p = body;
				continue;
			}
			{
				struct css_hiding h = { 0 };
				char *prelude = g_strndup(pre, (gsize)(p - pre));

				css_declarations(body, (size_t)(q - body), &h, sheet->content);
				if (hides(&h) && at_depth == 0 && *prelude != '@')
					add_rule(sheet, prelude, &h);
				g_free(prelude);
			}
			start = p = q < end ? q + 1 : end;
			continue;
		}
		if (*p == '}') {
			if (depth > 0) {
				if (at_depth >= depth)
					at_depth--;
				depth--;
			}
			start = p + 1;
		} else if (*p == ';' && depth == at_depth) {
			start = p + 1;	/* "@import ...;" and other statements */
		}
		p++;
	}
}

void css_sheet_match(const struct css_sheet *sheet, const char *cls, const char *id,
		     struct css_hiding *h)
{
	const struct css_hiding *r;

	if (cls != NULL && g_hash_table_size(sheet->classes) > 0) {
		const char *p = cls;

		while (*p != '\0') {
			const char *e;
			char *name;

			while (g_ascii_isspace(*p))
				p++;
			for (e = p; *e != '\0' && !g_ascii_isspace(*e); e++)
				;
			if (e == p)
				break;
			name = g_strndup(p, (gsize)(e - p));
			if ((r = g_hash_table_lookup(sheet->classes, name)) != NULL)
				css_hiding_apply(h, r);
			g_free(name);
			p = e;
		}
	}
	if (id != NULL && (r = g_hash_table_lookup(sheet->ids, id)) != NULL)
		css_hiding_apply(h, r);
}
