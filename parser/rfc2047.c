/*
 * RFC 2047 encoded words, decoded strictly: a word is decoded when all of
 * it is valid (base64 of the right alphabet and length, quoted-printable
 * escapes of two hex digits, bytes valid in their charset; a charset
 * nobody knows is read as undeclared text is), and left as written when
 * it is not, so that a malformed word
 * reads as what was sent rather than as bytes made up from it. GMime's
 * lenient decoder turns "=?utf-8?B?!!!notbase64?=" into "??[jǺ" and loses
 * a character split over two words; evidence and notices show these names.
 *
 * Adjacent encoded words (white space between them is not text, RFC 2047
 * 6.2) of one charset are decoded together, so a character split over two
 * words comes out whole. Missing base64 padding is forgiven. Linear.
 */
#include "parser/parser-private.h"

#include <string.h>

struct word {
	const char *start, *end;	/* the whole "=?...?=" */
	char *charset;			/* language suffix (RFC 2231) removed */
	GByteArray *bytes;		/* transfer-decoded; NULL: not valid */
};

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Base64 TEXT[0, N) strictly (padding may be missing), or NULL. */
static GByteArray *decode_b(const char *text, size_t n)
{
	size_t data = n, pad = 0;
	char *padded;
	guchar *raw;
	gsize len;
	GByteArray *out;

	while (data > 0 && text[data - 1] == '=' && pad < 2) {
		data--;
		pad++;
	}
	if (data == 0 || data % 4 == 1)
		return NULL;
	for (size_t i = 0; i < data; i++) {
		if (!g_ascii_isalnum(text[i]) && text[i] != '+' && text[i] != '/')
			return NULL;
	}
	if (pad > 0 && (data + pad) % 4 != 0)
		return NULL;
	padded = g_strndup(text, data);
	while (strlen(padded) % 4 != 0) {
		char *more = g_strconcat(padded, "=", NULL);

		g_free(padded);
		padded = more;
	}
	raw = g_base64_decode(padded, &len);
	g_free(padded);
	out = g_byte_array_new_take(raw, len);
	return out;
}

/* Quoted-printable (RFC 2047 "Q") TEXT[0, N) strictly, or NULL. */
static GByteArray *decode_q(const char *text, size_t n)
{
	GByteArray *out = g_byte_array_sized_new((guint)n);

	for (size_t i = 0; i < n; i++) {
		guint8 c = (guint8)text[i];

		if (c == '_') {
			c = ' ';
		} else if (c == '=') {
			if (i + 2 >= n || !g_ascii_isxdigit(text[i + 1]) ||
			    !g_ascii_isxdigit(text[i + 2])) {
				g_byte_array_free(out, TRUE);
				return NULL;
			}
			c = (guint8)(g_ascii_xdigit_value(text[i + 1]) * 16 +
				     g_ascii_xdigit_value(text[i + 2]));
			i += 2;
		} else if (c < 0x21 || c > 0x7e) {
			g_byte_array_free(out, TRUE);
			return NULL;
		}
		g_byte_array_append(out, &c, 1);
	}
	return out;
}

/* An encoded word at P ("=?charset?B|Q?text?="), filled into W; false when
   there is none there, and then *SKIP_R is where the next one may start:
   past text that had no "?=" before white space, which no word starting
   inside it can have either (so a scan is never repeated). */
static bool parse_word(const char *p, const char *end, struct word *w, const char **skip_r)
{
	const char *cs = p + 2, *q, *enc, *text, *close;

	*skip_r = p + 1;
	if (end - p < 8 || p[0] != '=' || p[1] != '?')
		return false;
	for (q = cs; q < end && *q != '?' && !is_wsp(*q) && q - cs < 64; q++)
		;
	if (q == cs || q + 3 > end || *q != '?')
		return false;
	enc = q + 1;
	if (enc[1] != '?' || strchr("BbQq", enc[0]) == NULL || enc[0] == '\0')
		return false;
	text = enc + 2;
	for (close = text; close + 1 < end && !(close[0] == '?' && close[1] == '=') &&
	     !is_wsp(*close); close++)
		;
	if (close + 1 >= end || close[0] != '?' || close[1] != '=') {
		*skip_r = close;
		return false;
	}
	w->start = p;
	w->end = close + 2;
	w->charset = g_strndup(cs, (gsize)(q - cs));
	if (strchr(w->charset, '*') != NULL)
		*strchr(w->charset, '*') = '\0';
	w->bytes = enc[0] == 'B' || enc[0] == 'b' ? decode_b(text, (size_t)(close - text)) :
		decode_q(text, (size_t)(close - text));
	return true;
}

static void word_clear(struct word *w)
{
	g_free(w->charset);
	if (w->bytes != NULL)
		g_byte_array_free(w->bytes, TRUE);
}

/* BYTES in CHARSET as UTF-8, or NULL when they are not valid in it. A
   charset nobody knows is read as undeclared text is (charset.c: UTF-8
   when valid, else windows-1252). */
static char *convert_strict(const GByteArray *bytes, const char *charset)
{
	const char *name = g_mime_charset_iconv_name(charset);
	GError *err = NULL;
	gsize read = 0, written = 0;
	char *out;

	if (memchr(bytes->data, '\0', bytes->len) != NULL)
		return NULL;
	out = g_convert((const gchar *)bytes->data, bytes->len, "UTF-8", name, &read, &written,
			&err);
	if (out == NULL && err != NULL && err->domain == G_CONVERT_ERROR &&
	    err->code == G_CONVERT_ERROR_NO_CONVERSION) {
		size_t n;

		g_clear_error(&err);
		return charset_to_utf8((const char *)bytes->data, bytes->len, NULL, &n);
	}
	g_clear_error(&err);
	if (out != NULL && read != bytes->len) {
		g_free(out);
		return NULL;
	}
	return out;
}

/* Text between encoded words, as it is: read as UTF-8 (else windows-1252)
   for a decoded value; verbatim for an address list GMime reads next. */
static void emit_between(GString *out, const char *text, size_t len, bool reencode)
{
	if (reencode) {
		g_string_append_len(out, text, (gssize)len);
	} else {
		size_t n;
		char *u = charset_to_utf8(text, len, NULL, &n);

		g_string_append_len(out, u, (gssize)n);
		g_free(u);
	}
}

/* Words[FROM, TO) of one charset decoded together into OUT; false when the
   bytes are not valid together. */
static bool decode_group(GString *out, GArray *words, guint from, guint to)
{
	GByteArray *all = g_byte_array_new();
	char *text;

	for (guint i = from; i < to; i++) {
		const struct word *w = &g_array_index(words, struct word, i);

		g_byte_array_append(all, w->bytes->data, w->bytes->len);
	}
	text = convert_strict(all, g_array_index(words, struct word, from).charset);
	g_byte_array_free(all, TRUE);
	if (text == NULL)
		return false;
	g_string_append(out, text);
	g_free(text);
	return true;
}

/* A run of adjacent encoded words to OUT: groups of one charset decoded
   together, else one by one, else kept as written (with the white space
   beside it, which is text next to a word kept as written). REENCODE: the
   whole run as one UTF-8 word (GMime joins adjacent words' base64 before
   decoding it, and loses characters when one of them is padded). */
static void emit_run(GString *out, GArray *words, bool reencode)
{
	GString *text = g_string_new(NULL);
	bool prev_decoded = false;
	guint i = 0;

	while (i < words->len) {
		const struct word *w = &g_array_index(words, struct word, i);
		guint j = i + 1;

		if (w->bytes != NULL) {
			while (j < words->len) {
				const struct word *x = &g_array_index(words, struct word, j);

				if (x->bytes == NULL || g_ascii_strcasecmp(x->charset, w->charset) != 0)
					break;
				j++;
			}
			if (decode_group(text, words, i, j) || decode_group(text, words, i, j = i + 1)) {
				i = j;
				prev_decoded = true;
				continue;
			}
		}
		{
			const char *start = i > 0 && prev_decoded ?
				g_array_index(words, struct word, i - 1).end : w->start;
			const char *end = i + 1 < words->len ?
				g_array_index(words, struct word, i + 1).start : w->end;

			emit_between(text, start, (size_t)(end - start), false);
		}
		prev_decoded = false;
		i = j;
	}
	if (reencode) {
		char *b64 = g_base64_encode((const guchar *)text->str, text->len);

		g_string_append_printf(out, "=?UTF-8?B?%s?=", b64);
		g_free(b64);
	} else {
		g_string_append_len(out, text->str, (gssize)text->len);
	}
	g_string_free(text, TRUE);
}

/* May an encoded word start at P, given the text before it? Not in an
   address (after '@', inside <...>, or right before '@'). */
static bool word_allowed(const char *value, const char *p, const struct word *w, const char *end,
			 bool in_angle)
{
	if (in_angle)
		return false;
	if (p > value && p[-1] == '@')
		return false;
	return w->end >= end || *w->end != '@';
}

/* VALUE with its encoded words decoded (REENCODE: written again as valid
   UTF-8 words, for GMime's address parser); ADDRESS: an address list, in
   whose addresses no word is read. */
static char *rewrite(const char *value, size_t len, bool reencode, bool address)
{
	GString *out = g_string_sized_new(len);
	GArray *run = g_array_new(FALSE, FALSE, sizeof(struct word));
	const char *p = value, *end = value + len, *copied = value;
	bool in_angle = false, in_quote = false;

	while (p < end) {
		struct word w;
		const char *q, *skip;

		if (address && !in_quote && (*p == '<' || *p == '>'))
			in_angle = *p == '<';
		if (address && *p == '"' && (p == value || p[-1] != '\\'))
			in_quote = !in_quote;
		if (*p != '=') {
			p++;
			continue;
		}
		if (!parse_word(p, end, &w, &skip)) {
			p = skip;
			continue;
		}
		if (address && !word_allowed(value, p, &w, end, in_angle)) {
			word_clear(&w);
			p = w.end;
			continue;
		}
		/* The text before the run as it is, then the run. */
		emit_between(out, copied, (size_t)(p - copied), reencode);
		g_array_append_val(run, w);
		for (p = w.end, q = p; ; p = q) {
			struct word next;

			while (q < end && is_wsp(*q))
				q++;
			if (q >= end || !parse_word(q, end, &next, &skip))
				break;
			if (address && !word_allowed(value, q, &next, end, in_angle)) {
				word_clear(&next);
				break;
			}
			g_array_append_val(run, next);
			q = next.end;
		}
		emit_run(out, run, reencode);
		for (guint i = 0; i < run->len; i++)
			word_clear(&g_array_index(run, struct word, i));
		g_array_set_size(run, 0);
		copied = p;
	}
	emit_between(out, copied, (size_t)(end - copied), reencode);
	g_array_free(run, TRUE);
	return g_string_free(out, FALSE);
}

char *rfc2047_decode_text(const char *raw)
{
	GString *unfolded = g_string_new(NULL);
	char *out;

	/* Unfold (RFC 5322 2.2.3): the line breaks go, the white space stays. */
	for (const char *p = raw != NULL ? raw : ""; *p != '\0'; p++) {
		if (*p != '\r' && *p != '\n')
			g_string_append_c(unfolded, *p);
	}
	out = rewrite(unfolded->str, unfolded->len, false, false);
	g_string_free(unfolded, TRUE);
	return g_strstrip(utf8_clean(out));
}

char *rfc2047_strict_addresses(const char *raw)
{
	const char *v = raw != NULL ? raw : "";

	return rewrite(v, strlen(v), true, true);
}
