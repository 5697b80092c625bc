/*
 * What counts as signed or encrypted (issue 15, finding 5). Such a body is
 * never changed (SPEC 4), so the footer is refused and the notice can only
 * go in a header: the claim must be hard to fake. Two lines "-----BEGIN PGP
 * MESSAGE-----" and "-----END PGP MESSAGE-----" anywhere in a body, or a
 * multipart/signed wrapper around a junk "signature", were enough.
 *
 * Signatures are not verified (there are no keys here); what is checked is
 * the form a real one has, which a mail program would act on:
 *
 * - inline PGP: the first body text starts (after blank lines) with an
 *   armoured block, "-----BEGIN PGP SIGNED MESSAGE-----" with its Hash:
 *   lines and the signed text and then a signature block, or "-----BEGIN
 *   PGP MESSAGE-----", and nothing but blank lines follows the block's END
 *   line. An armour block is: header lines ("Key: value"), a blank line,
 *   base64 lines, an optional "=" checksum line, the END line; its data
 *   starts with an OpenPGP packet of the right kind.
 * - multipart/signed: two parts, a protocol parameter naming a signature
 *   type we know, a second part of exactly that type holding a signature of
 *   that kind (PGP armour with a signature packet; a DER PKCS #7 SignedData).
 *
 * Anything else is ordinary text or an ordinary multipart: read, and
 * footered, as mail clients show it.
 */
#include "parser/parser-private.h"

#include <string.h>

/* OpenPGP packet tags (RFC 4880 4.3) a block may start with. */
#define TAG_PKESK 1
#define TAG_SIGNATURE 2
#define TAG_SKESK 3
#define TAG_ONE_PASS 4
#define TAG_COMPRESSED 8
#define TAG_LITERAL 11

/* The packet tag of the first byte of OpenPGP data, or -1 (bit 7 clear). */
static int packet_tag(guint8 b)
{
	if ((b & 0x80) == 0)
		return -1;
	return (b & 0x40) != 0 ? b & 0x3f : (b >> 2) & 0x0f;
}

static bool is_base64_line(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isalnum(s[i]) && s[i] != '+' && s[i] != '/' && s[i] != '=')
			return false;
	}
	return true;
}

/* Lines of TEXT, without their ends; a cursor over them. */
struct lines {
	const char *p, *end;
	const char *line;
	size_t len;
};

static bool next_line(struct lines *l)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	l->line = l->p;
	l->len = nl != NULL ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
	l->p = nl != NULL ? nl + 1 : l->end;
	while (l->len > 0 && (l->line[l->len - 1] == '\r' || l->line[l->len - 1] == ' ' ||
			      l->line[l->len - 1] == '\t'))
		l->len--;
	return true;
}

static bool line_is(const struct lines *l, const char *s)
{
	return l->len == strlen(s) && memcmp(l->line, s, l->len) == 0;
}

/* An armour block after its BEGIN line, to its END line (consumed). TAGS
   (-1 ended) are the packet kinds its data may start with. */
static bool armour(struct lines *l, const char *end_line, const int *tags)
{
	GString *b64 = g_string_new(NULL);
	bool ok = false, body = false;

	/* header lines, then the blank line */
	while (next_line(l) && l->len > 0) {
		const char *colon = memchr(l->line, ':', l->len);

		if (colon == NULL || colon == l->line || colon + 1 >= l->line + l->len ||
		    colon[1] != ' ')
			goto out;
	}
	if (l->len != 0)
		goto out;
	while (next_line(l)) {
		if (line_is(l, end_line)) {
			body = b64->len > 0;
			break;
		}
		if (l->line[0] == '=' && l->len == 5 && is_base64_line(l->line + 1, 4))
			continue;	/* the CRC-24 checksum */
		if (!is_base64_line(l->line, l->len))
			goto out;
		if (b64->len < 8)
			g_string_append_len(b64, l->line, (gssize)l->len);
	}
	if (body) {
		gsize n = 0;
		char first[9] = { 0 };
		guchar *data;

		memcpy(first, b64->str, MIN(b64->len, 8));	/* 8 characters: 6 bytes */
		data = g_base64_decode(first, &n);
		for (const int *t = tags; n > 0 && *t >= 0 && !ok; t++)
			ok = packet_tag(data[0]) == *t;
		g_free(data);
	}
out:
	g_string_free(b64, TRUE);
	return ok;
}

static const int signature_tags[] = { TAG_SIGNATURE, -1 };
static const int message_tags[] = {
	TAG_PKESK, TAG_SKESK, TAG_ONE_PASS, TAG_COMPRESSED, TAG_LITERAL, TAG_SIGNATURE, -1
};

/* Only blank lines left. */
static bool rest_blank(struct lines *l)
{
	while (next_line(l)) {
		if (l->len > 0)
			return false;
	}
	return true;
}

unsigned pgp_inline_kind(const char *text, size_t len)
{
	struct lines l = { text, text + len, NULL, 0 };

	while (next_line(&l) && l.len == 0)
		;
	if (l.line == NULL)
		return 0;
	if (line_is(&l, "-----BEGIN PGP MESSAGE-----"))
		return armour(&l, "-----END PGP MESSAGE-----", message_tags) && rest_blank(&l) ?
			PARSER_FLAG_ENCRYPTED : 0;
	if (!line_is(&l, "-----BEGIN PGP SIGNED MESSAGE-----"))
		return 0;
	/* Hash: lines (none in newer versions), a blank line, the signed text
	   (its dash lines escaped "- "), then the signature block */
	while (next_line(&l) && l.len > 0) {
		if (l.len < 6 || memcmp(l.line, "Hash: ", 6) != 0)
			return 0;
	}
	if (l.len != 0)
		return 0;
	while (next_line(&l)) {
		if (line_is(&l, "-----BEGIN PGP SIGNATURE-----"))
			return armour(&l, "-----END PGP SIGNATURE-----", signature_tags) &&
			       rest_blank(&l) ? PARSER_FLAG_SIGNED : 0;
		if (l.len > 0 && l.line[0] == '-' && (l.len < 2 || l.line[1] != ' '))
			return 0;	/* an unescaped dash line inside the signed text */
	}
	return 0;
}

/* DER SignedData: SEQUENCE { OID 1.2.840.113549.1.7.2, ... }, in its first
   bytes whatever the length encoding. */
static bool pkcs7_signed_data(const guint8 *p, size_t n)
{
	static const guint8 oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07,
				      0x02 };

	if (n < sizeof(oid) + 2 || p[0] != 0x30)
		return false;
	for (size_t i = 2; i + sizeof(oid) <= n && i <= 6; i++) {
		if (memcmp(p + i, oid, sizeof(oid)) == 0)
			return true;
	}
	return false;
}

bool signed_multipart_is_real(GMimeObject *obj)
{
	GMimeMultipart *mp;
	GMimeObject *sig;
	const char *protocol;
	char *type;
	bool ok = false;

	if (!GMIME_IS_MULTIPART(obj))
		return false;
	mp = GMIME_MULTIPART(obj);
	protocol = g_mime_object_get_content_type_parameter(obj, "protocol");
	if (protocol == NULL || g_mime_multipart_get_count(mp) != 2)
		return false;
	sig = g_mime_multipart_get_part(mp, 1);
	if (!GMIME_IS_PART(sig))
		return false;
	type = model_mime_type(sig);
	if (g_ascii_strcasecmp(type, protocol) == 0) {
		bool truncated;
		GByteArray *data = part_decoded_content(GMIME_PART(sig), 64 * 1024, &truncated);

		if (data->len == 0) {
			ok = false;	/* no signature (and data->data may be NULL) */
		} else if (strcmp(type, "application/pgp-signature") == 0) {
			char *text = g_strndup((const char *)data->data, data->len);
			struct lines l = { text, text + strlen(text), NULL, 0 };

			while (next_line(&l) && l.len == 0)
				;
			ok = l.line != NULL && line_is(&l, "-----BEGIN PGP SIGNATURE-----") &&
			     armour(&l, "-----END PGP SIGNATURE-----", signature_tags);
			g_free(text);
		} else if (strcmp(type, "application/pkcs7-signature") == 0 ||
			   strcmp(type, "application/x-pkcs7-signature") == 0) {
			ok = pkcs7_signed_data(data->data, data->len);
		}
		g_byte_array_free(data, TRUE);
	}
	g_free(type);
	return ok;
}
