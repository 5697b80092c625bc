/* The texts of errors, and text for people (see util.h). */
#include "util/util.h"

#include <stdarg.h>
#include <string.h>

/* One text per thread; a thread's last one is freed when the thread ends. */
static GPrivate error_text = G_PRIVATE_INIT(g_free);

const char *util_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_private_replace(&error_text, text);	/* frees the one before */
	return text;
}

bool util_char_hidden(gunichar c)
{
	return g_unichar_type(c) == G_UNICODE_FORMAT || c == 0x034f || c == 0x115f ||
	       c == 0x1160 || c == 0x3164 || c == 0xffa0;
}

char *util_text_visible(const char *s, gssize len)
{
	char *valid = g_utf8_make_valid(s != NULL ? s : "", s != NULL ? len : 0);
	GString *out = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == 0x2028 || c == 0x2029)
			g_string_append_c(out, ' ');
		else if (!util_char_hidden(c))
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}

char *util_text_ascii(const char *text)
{
	char *visible = util_text_visible(text, -1);
	/* GLib's own transliteration tables; the C locale's, whatever ours. */
	char *ascii = g_str_to_ascii(visible, "C");

	for (char *p = ascii; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			*p = ' ';
	g_free(visible);
	return ascii;
}
