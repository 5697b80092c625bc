/*
 * Header values we write: nothing from message data may end a header line
 * early or smuggle in another header (CR, LF, NUL, other controls), and
 * long values are folded the way RFC 5322 2.2.3 expects.
 */
#include "parser/parser-private.h"

#include <string.h>

#define FOLD_WIDTH 78
#define SANITISE_DEFAULT_MAX 998

/* parser_header_sanitise for VALUE in plain ASCII: the same result without
   decoding characters (a control or a space is one byte, and every byte is
   a character boundary). */
static char *sanitise_ascii(const char *value, size_t max_len)
{
	/* never longer than VALUE: written in place, without a call a byte */
	char *out = g_malloc(strlen(value) + 1), *w = out;
	bool space = false;

	for (const char *p = value; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c == 0x7f) {
			space = w > out;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = (char)c;
	}
	if ((size_t)(w - out) > max_len) {
		w = out + max_len;
		while (w > out && w[-1] == ' ')
			w--;
	}
	*w = '\0';
	return out;
}

char *parser_header_sanitise(const char *value, size_t max_len)
{
	const char *v = value != NULL ? value : "";
	bool ascii = true;

	if (max_len == 0)
		max_len = SANITISE_DEFAULT_MAX;
	for (const char *p = v; *p != '\0' && ascii; p++)
		ascii = (unsigned char)*p < 0x80;
	if (ascii)
		return sanitise_ascii(v, max_len);

	char *valid = g_utf8_make_valid(v, -1);
	GString *s = g_string_sized_new(strlen(valid));
	bool space = false;

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		/* C0 and C1 controls, DEL, and the Unicode line separators. */
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 ||
		    c == 0x2029 || c == ' ') {
			space = s->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(s, ' ');
		space = false;
		g_string_append_len(s, p, g_utf8_next_char(p) - p);
	}
	g_free(valid);
	if (s->len > max_len) {
		/* Cut at a character boundary at or before max_len. */
		const char *cut = g_utf8_find_prev_char(s->str, s->str + max_len + 1);

		g_string_truncate(s, cut != NULL ? (gsize)(cut - s->str) : 0);
		while (s->len > 0 && s->str[s->len - 1] == ' ')
			g_string_truncate(s, s->len - 1);
	}
	return g_string_free(s, FALSE);
}

char *parser_header_fold(const char *name, const char *value)
{
	GString *out = g_string_new(NULL);
	size_t col = strlen(name != NULL ? name : "") + 2;	/* "Name: " */
	const char *p = value != NULL ? value : "";
	bool first = true;

	while (*p != '\0') {
		const char *w;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		n = (size_t)(p - w);
		if (first) {
			first = false;
		} else if (col + 1 + n > FOLD_WIDTH) {
			g_string_append(out, "\n\t");
			col = 1;
		} else {
			g_string_append_c(out, ' ');
			col++;
		}
		g_string_append_len(out, w, (gssize)n);
		col += n;
	}
	return g_string_free(out, FALSE);
}
