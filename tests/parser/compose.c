#include "compose.h"

#include <glib.h>
#include <string.h>

static void add_field(GString *out, const char *name, const char *value)
{
	char *folded = parser_header_fold(name, value);
	char **lines = g_strsplit(folded, "\n", -1);

	g_string_append_printf(out, "%s: ", name);
	for (char **l = lines; *l != NULL; l++)
		g_string_append_printf(out, "%s\r\n", *l);
	g_strfreev(lines);
	g_free(folded);
}

char *compose_message(const char *data, size_t len, const struct parser_annotated *a,
		      size_t *len_r)
{
	static const char *const names[] = { "Content-Type", "Content-Transfer-Encoding",
					     "MIME-Version" };
	const char *values[] = { a->content_type, a->content_transfer_encoding, a->mime_version };
	bool done[3] = { false, false, false };
	size_t hlen = parser_header_length(data, len);
	GString *out = g_string_sized_new(hlen + a->body_len + 256);
	size_t pos = 0;
	bool skipping = false;

	while (pos < hlen) {
		const char *nl = memchr(data + pos, '\n', hlen - pos);
		size_t raw = nl != NULL ? (size_t)(nl - (data + pos)) + 1 : hlen - pos;
		size_t n = nl != NULL ? raw - 1 : raw;
		int which = -1;

		if (n > 0 && data[pos + n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (data[pos] == ' ' || data[pos] == '\t') {
			if (!skipping)
				g_string_append_printf(out, "%.*s\r\n", (int)n, data + pos);
			pos += raw;
			continue;
		}
		for (int i = 0; i < 3; i++) {
			size_t k = strlen(names[i]);

			if (values[i] != NULL && n > k && g_ascii_strncasecmp(data + pos, names[i], k) == 0 &&
			    (data[pos + k] == ':' || data[pos + k] == ' '))
				which = i;
		}
		skipping = which >= 0;
		if (which < 0)
			g_string_append_printf(out, "%.*s\r\n", (int)n, data + pos);
		else if (!done[which]) {
			add_field(out, names[which], values[which]);
			done[which] = true;
		}
		pos += raw;
	}
	for (int i = 0; i < 3; i++) {
		if (values[i] != NULL && !done[i])
			add_field(out, names[i], values[i]);
	}
	g_string_append(out, "\r\n");
	g_string_append_len(out, a->body, (gssize)a->body_len);
	*len_r = out->len;
	return g_string_free(out, FALSE);
}

char *compose_mta_view(const char *data, size_t len, size_t *len_r)
{
	size_t hlen = parser_header_length(data, len);
	bool blank = hlen >= 1 && data[hlen - 1] == '\n' &&
		(hlen == 1 || data[hlen - 2] == '\n' ||
		 (hlen >= 3 && data[hlen - 2] == '\r' && data[hlen - 3] == '\n'));
	GString *out = g_string_sized_new(len + 2);

	g_string_append_len(out, data, (gssize)hlen);
	if (!blank && hlen < len)
		g_string_append_c(out, '\n');
	g_string_append_len(out, data + hlen, (gssize)(len - hlen));
	*len_r = out->len;
	return g_string_free(out, FALSE);
}
