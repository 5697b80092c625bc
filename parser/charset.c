/*
 * Charsets and transfer encodings of text parts. Mail lies about its
 * charset often enough that nothing here may fail: what cannot be
 * converted becomes U+FFFD, and undeclared 8-bit text is read as UTF-8
 * when it is valid UTF-8, else as windows-1252 (what such text nearly
 * always is). Text declared UTF-8 stays UTF-8, its invalid bytes U+FFFD,
 * as mail clients show it: read again as windows-1252 for one bad byte,
 * every accented letter and typographic quote in it became two or three
 * other characters, and phrases with them went unseen.
 */
#include "parser/parser-private.h"

#include <errno.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd"

char *utf8_clean(char *s)
{
	char *v;

	if (g_utf8_validate(s, -1, NULL))
		return s;
	v = g_utf8_make_valid(s, -1);
	g_free(s);
	return v;
}

static bool is_utf8_name(const char *name)
{
	return g_ascii_strcasecmp(name, "utf-8") == 0 || g_ascii_strcasecmp(name, "utf8") == 0;
}

static bool is_ascii_name(const char *name)
{
	return g_ascii_strcasecmp(name, "us-ascii") == 0 || g_ascii_strcasecmp(name, "ascii") == 0 ||
	       g_ascii_strcasecmp(name, "ANSI_X3.4-1968") == 0;
}

/* Convert with CD, replacing what cannot be converted by U+FFFD. */
static void iconv_lossy(GIConv cd, const char *bytes, size_t len, GString *out)
{
	gchar *inp = (gchar *)bytes;
	gsize inleft = len;
	char buf[4096];

	while (inleft > 0) {
		gchar *outp = buf;
		gsize outleft = sizeof(buf);
		gsize r = g_iconv(cd, &inp, &inleft, &outp, &outleft);

		g_string_append_len(out, buf, outp - buf);
		if (r != (gsize)-1)
			continue;
		if (errno == E2BIG)
			continue;
		g_string_append(out, REPLACEMENT);
		if (errno != EILSEQ)
			break;		/* EINVAL: truncated sequence at the end */
		inp++;
		inleft--;
		g_iconv(cd, NULL, NULL, NULL, NULL);
	}
	{
		gchar *outp = buf;
		gsize outleft = sizeof(buf);

		g_iconv(cd, NULL, NULL, &outp, &outleft);
		g_string_append_len(out, buf, outp - buf);
	}
}

static bool convert_from(const char *bytes, size_t len, const char *iconv_name, GString *out)
{
	GIConv cd = g_mime_iconv_open("UTF-8", iconv_name);

	if (cd == (GIConv)-1)
		return false;
	iconv_lossy(cd, bytes, len, out);
	g_mime_iconv_close(cd);
	return true;
}

char *charset_to_utf8(const char *bytes, size_t len, const char *charset, size_t *len_r)
{
	GString *out = g_string_sized_new(len + 16);
	const char *name = charset != NULL && *charset != '\0' ?
		g_mime_charset_iconv_name(charset) : NULL;
	bool done = false;

	if (name != NULL && !is_utf8_name(name) && !is_ascii_name(name))
		done = convert_from(bytes, len, name, out);
	if (!done) {
		if (g_utf8_validate(bytes, (gssize)len, NULL))
			g_string_append_len(out, bytes, (gssize)len);
		else if ((name != NULL && is_utf8_name(name)) || !convert_from(bytes, len, "CP1252", out)) {
			char *v = g_utf8_make_valid(bytes, (gssize)len);

			g_string_append(out, v);
			g_free(v);
		}
	}
	*len_r = out->len;
	return g_string_free(out, FALSE);
}

size_t utf8_whole_chars(const guint8 *p, size_t len)
{
	size_t i = len, lead;

	/* the last lead byte among the final three bytes, if any */
	while (i > 0 && len - i < 4 && (p[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || len - i >= 4 || p[i - 1] < 0xc0)
		return len;
	lead = p[i - 1] >= 0xf0 ? 4 : p[i - 1] >= 0xe0 ? 3 : 2;
	return len - (i - 1) < lead ? i - 1 : len;
}

bool charset_ascii_compatible(const char *charset)
{
	static const char probe[] = "Az09 .,;:=<>/-+!?'\"()&#\r\n\t";
	const char *name;
	gsize n = 0;
	char *conv;
	bool same;

	if (charset == NULL || *charset == '\0')
		return true;
	name = g_mime_charset_iconv_name(charset);
	if (is_utf8_name(name) || is_ascii_name(name))
		return true;
	conv = g_convert(probe, sizeof(probe) - 1, name, "UTF-8", NULL, &n, NULL);
	same = conv != NULL && n == sizeof(probe) - 1 && memcmp(conv, probe, n) == 0;
	g_free(conv);
	return same;
}

char *charset_from_utf8(const char *utf8, size_t len, const char *charset, size_t *len_r)
{
	const char *name;
	gsize n = 0;
	char *conv;

	if (charset == NULL || *charset == '\0' || is_ascii_name(charset)) {
		for (size_t i = 0; i < len; i++) {
			if ((unsigned char)utf8[i] >= 0x80)
				return NULL;
		}
		*len_r = len;
		return g_strndup(utf8, len);
	}
	if (!charset_ascii_compatible(charset))
		return NULL;
	name = g_mime_charset_iconv_name(charset);
	if (is_utf8_name(name)) {
		*len_r = len;
		return g_strndup(utf8, len);
	}
	conv = g_convert(utf8, (gssize)len, name, "UTF-8", NULL, &n, NULL);
	if (conv == NULL)
		return NULL;
	*len_r = n;
	return conv;
}

/* part_decoded_content for content held in memory (the parser keeps the
   message's bytes, and each part's content is a window on them): the
   same decoding GMime's basic filter does (g_mime_encoding_step, then
   _flush at the end), a chunk of input at a time as the filter stream
   reads it, without the three stream and filter objects. False (nothing
   written) when the content is not such a window. */
static bool decode_in_memory(GMimeStream *raw, GMimeContentEncoding enc, size_t max,
			     GByteArray *out, bool *truncated_r)
{
	GMimeStreamMem *mem;
	GMimeEncoding state;
	const guint8 *p, *end;
	gint64 start = raw->bound_start, stop = raw->bound_end;

	/* GMime's filter reads uuencoded content from its "begin" line, which
	   the bare decoder does not look for */
	if (!GMIME_IS_STREAM_MEM(raw) || enc == GMIME_CONTENT_ENCODING_UUENCODE)
		return false;
	mem = GMIME_STREAM_MEM(raw);
	if (mem->buffer == NULL || start < 0 || (gint64)mem->buffer->len < start)
		return false;
	if (stop < 0 || stop > (gint64)mem->buffer->len)
		stop = (gint64)mem->buffer->len;
	if (stop < start)
		return false;
	p = mem->buffer->data + start;
	end = mem->buffer->data + stop;
	g_mime_encoding_init_decode(&state, enc);
	for (;;) {
		size_t in = MIN((size_t)(end - p), 4096), n;
		guint at = out->len;
		bool last = p + in >= end;

		g_byte_array_set_size(out, at + (guint)g_mime_encoding_outlen(&state, in) + 16);
		n = last ? g_mime_encoding_flush(&state, (const char *)p, in, (char *)out->data + at)
			 : g_mime_encoding_step(&state, (const char *)p, in, (char *)out->data + at);
		g_byte_array_set_size(out, at + (guint)n);
		if (out->len > max) {
			g_byte_array_set_size(out, (guint)max);
			*truncated_r = true;
			break;
		}
		p += in;
		if (last)
			break;
	}
	return true;
}

GByteArray *part_decoded_content(GMimePart *part, size_t max, bool *truncated_r)
{
	GByteArray *out = g_byte_array_new();
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *raw, *sub, *filtered;
	GMimeFilter *decoder;
	guint8 buf[4096];

	*truncated_r = false;
	if (w == NULL || (raw = g_mime_data_wrapper_get_stream(w)) == NULL)
		return out;
	if (decode_in_memory(raw, g_mime_data_wrapper_get_encoding(w), max, out, truncated_r))
		return out;
	/* A private view of the content: reading must not move the stream
	   the annotator serialises from. */
	sub = g_mime_stream_substream(raw, raw->bound_start, raw->bound_end);
	filtered = g_mime_stream_filter_new(sub);
	decoder = g_mime_filter_basic_new(g_mime_data_wrapper_get_encoding(w), FALSE);
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), decoder);
	g_object_unref(decoder);
	for (;;) {
		ssize_t n = g_mime_stream_read(filtered, (char *)buf, sizeof(buf));

		if (n <= 0)
			break;
		if (out->len + (size_t)n > max) {
			g_byte_array_append(out, buf, (guint)(max - out->len));
			*truncated_r = true;
			break;
		}
		g_byte_array_append(out, buf, (guint)n);
	}
	g_object_unref(filtered);
	g_object_unref(sub);
	return out;
}
