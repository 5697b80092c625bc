/*
 * Address syntax: the strict checks of what an administrator writes in the
 * config, and the one normal form every address is compared in, whatever
 * form it arrives in (an SMTP path, a header's addr-spec, the config).
 *
 * The normal form follows what RFC 5321 and 5322 let two spellings of one
 * mailbox differ by: angle brackets and a source route ("<@relay:a@b>")
 * dropped; a quoted local part unquoted when it needs no quotes
 * ("\"d.ferris\"@x" is d.ferris@x) and otherwise quoted one way; case
 * folded (SPEC 2: addresses match case-insensitively); a "+tag" folded when
 * the config says so; the domain in one form, its IDNA A-label
 * ("xn--bcher-kva.example" for "bücher.example"), or, when it is no valid
 * IDNA name, kept as written; an address literal ("[192.0.2.1]") kept as it
 * is. What cannot be read at all gets no normal form (NULL): the policy
 * treats it as a third party, never as nobody.
 */
#include <string.h>

#include <idn2.h>

#include "conf/conf_private.h"

#define LOCAL_MAX 64
#define DOMAIN_MAX 253
#define LABEL_MAX 63
/* Longer input is not read as an address (an SMTP command line is at most
   512 octets, a header line 998): it gets no normal form. */
#define NORMALISE_INPUT_MAX 2048

struct span {
	const char *p;
	size_t len;
};

/* Lookups normalise every address they are given: keep these cheap. */
static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

static inline bool local_char_bad(unsigned char c)
{
	switch (c) {
	case '(': case ')': case '<': case '>': case '[': case ']':
	case '\\': case ',': case ';': case ':': case '"':
		return true;
	default:
		return c <= ' ' || c == 0x7f;
	}
}

static bool is_ascii(struct span s)
{
	for (size_t i = 0; i < s.len; i++) {
		if ((unsigned char)s.p[i] >= 0x80)
			return false;
	}
	return true;
}

/* Does D need IDNA at all? Plain ASCII names compare lower-cased as they
   are (an "ab--cd" label, which IDNA2008 refuses, stays a usable name). */
static bool needs_idna(struct span d)
{
	if (!is_ascii(d))
		return true;
	for (size_t i = 0; i + 4 <= d.len; i++) {
		if ((i == 0 || d.p[i - 1] == '.') && g_ascii_strncasecmp(d.p + i, "xn--", 4) == 0)
			return true;
	}
	return false;
}

/* The A-label form of a domain that needs IDNA (g_free), or NULL with
   *why_r set when it is not a valid IDNA2008 name. UTS #46 mapping
   (non-transitional, as Postfix's SMTPUTF8 support uses) folds case and
   width, so "BÜCHER.example" and "bücher.example" are one name. */
static char *idna_to_ascii(struct span d, const char **why_r)
{
	char *in = g_strndup(d.p, d.len), *out = NULL, *copy;
	int rc = idn2_to_ascii_8z(in, &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);

	g_free(in);
	if (rc != IDN2_OK) {
		*why_r = idn2_strerror(rc);
		return NULL;
	}
	copy = g_ascii_strdown(out, -1);
	idn2_free(out);
	return copy;
}

static const char *check_domain_span(struct span d)
{
	size_t label = 0;

	if (d.len > 0 && d.p[d.len - 1] == '.')
		d.len--;		/* a fully qualified "example.org." */
	if (d.len == 0)
		return "has no domain after the '@'; expected name@domain";
	if (d.p[0] == '[')
		return "has an address literal for a domain; expected a domain name";
	if (d.len > DOMAIN_MAX)
		return "has a domain longer than 253 characters";
	if (!is_ascii(d) && !g_utf8_validate(d.p, (gssize)d.len, NULL))
		return "is not valid UTF-8";
	for (size_t i = 0; i <= d.len; i++) {
		unsigned char c = i < d.len ? (unsigned char)d.p[i] : '.';

		if (c == '.') {
			if (label == 0)
				return "has an empty label in its domain (two dots in a row?)";
			if (d.p[i - 1] == '-' || d.p[i - label] == '-')
				return "has a domain label that starts or ends with '-'";
			label = 0;
		} else if (g_ascii_isalnum(c) || c == '-' || c >= 0x80) {
			if (++label > LABEL_MAX)
				return "has a domain label longer than 63 characters";
		} else {
			return "has a character that is not allowed in a domain name";
		}
	}
	if (needs_idna(d)) {
		const char *why;
		char *a = idna_to_ascii(d, &why);

		if (a == NULL)
			return "has a domain that is not a valid international domain name "
			       "(IDNA2008); write it as its registry shows it";
		g_free(a);
	}
	return NULL;
}

/* Find the address in S: "addr", "<addr>" or "Name <addr>", trimmed. The
   strict form the config accepts. */
static const char *split_address(const char *s, struct span *local_r, struct span *domain_r)
{
	const char *start = s, *end, *at, *lt;

	while (g_ascii_isspace(*start))
		start++;
	end = start + strlen(start);
	while (end > start && g_ascii_isspace(end[-1]))
		end--;
	lt = memrchr(start, '<', (size_t)(end - start));
	if (lt != NULL) {
		const char *gt = memchr(lt, '>', (size_t)(end - lt));

		if (gt == NULL)
			return "has a '<' without a closing '>'";
		start = lt + 1;
		end = gt;
	} else if (memchr(start, '>', (size_t)(end - start)) != NULL) {
		return "has a '>' without an opening '<'";
	}
	if (start == end)
		return "is empty; expected name@domain";
	if ((size_t)(end - start) > CONF_ADDRESS_MAX)
		return "is longer than 254 characters";
	at = memrchr(start, '@', (size_t)(end - start));
	if (at == NULL)
		return "has no '@'; expected name@domain";
	local_r->p = start;
	local_r->len = (size_t)(at - start);
	domain_r->p = at + 1;
	domain_r->len = (size_t)(end - at - 1);
	if (local_r->len == 0)
		return "has nothing before the '@'; expected name@domain";
	if (local_r->len > LOCAL_MAX)
		return "has a part before the '@' longer than 64 characters";
	for (size_t i = 0; i < local_r->len; i++) {
		unsigned char c = (unsigned char)local_r->p[i];

		if (c == '@')
			return "has more than one '@'";
		if (local_char_bad(c))
			return "has a space or a character not allowed before the '@'";
	}
	if (!is_ascii(*local_r) && !g_utf8_validate(local_r->p, (gssize)local_r->len, NULL))
		return "is not valid UTF-8";
	return check_domain_span(*domain_r);
}

const char *conf_check_address(const char *s)
{
	struct span local, domain;

	return split_address(s, &local, &domain);
}

const char *conf_address_problem(const char *addr)
{
	return conf_check_address(addr);
}

const char *conf_check_domain(const char *s)
{
	struct span d = { s, strlen(s) };

	if (strchr(s, '@') != NULL)
		return "is an address; expected a domain name such as \"example.org\"";
	return check_domain_span(d);
}

/* ---- the normal form ---- */

/* RFC 5322 atext (printable ASCII but the specials), and any UTF-8 (RFC
   6531). Every lookup runs this on every character: no library calls. */
static inline bool atext(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if (c <= ' ' || c == 0x7f)
		return false;
	switch (c) {
	case '"': case '(': case ')': case ',': case '.': case ':': case ';':
	case '<': case '>': case '@': case '[': case '\\': case ']':
		return false;
	default:
		return true;
	}
}

/* A character no domain name (nor our reading of one) holds. */
static inline bool domain_char_bad(unsigned char c)
{
	if (c <= ' ' || c == 0x7f)
		return true;
	switch (c) {
	case '@': case '<': case '>': case '(': case ')': case '[': case ']':
	case '\\': case ',': case ';': case ':': case '"':
		return true;
	default:
		return false;
	}
}

/* The end of the quoted string starting at P (on its '"'), or NULL when
   it is not closed before END. */
static const char *quoted_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '"')
			return p;
	}
	return NULL;
}

/* Where the addr-spec is in [*START, *END): inside the last "<...>" not in
   quotes, when there is one ("Name <addr>", "<addr>"). False when the
   brackets do not pair. */
static bool angle_content(const char **start, const char **end)
{
	const char *lt = NULL, *gt = NULL;

	for (const char *p = *start; p < *end; p++) {
		if (*p == '"') {
			if ((p = quoted_end(p, *end)) == NULL)
				return false;
		} else if (*p == '<') {
			lt = p;
			gt = NULL;
		} else if (*p == '>') {
			if (lt == NULL || gt != NULL)
				return false;
			gt = p;
		}
	}
	if (lt == NULL)
		return true;
	if (gt == NULL)
		return false;
	*start = lt + 1;
	*end = gt;
	return true;
}

/* Skip an RFC 5321 source route, "@a.example,@b.example:", at *START. */
static bool skip_route(const char **start, const char *end)
{
	const char *p = *start;

	if (p >= end || *p != '@')
		return true;
	for (; p < end && *p != ':'; p++) {
		unsigned char c = (unsigned char)*p;

		if (!(g_ascii_isalnum(c) || c >= 0x80 || strchr("@.,-[]", c) != NULL))
			return false;
	}
	if (p >= end)
		return false;
	*start = p + 1;
	return true;
}

/* The local part's value: its words (atoms or quoted strings) joined by
   dots, quotes and backslashes taken away (obs-local-part included). */
static bool local_value(struct span l, GString *out)
{
	const char *p = l.p, *end = l.p + l.len;
	bool word = false;	/* a word since the last dot */

	if (l.len == 0)
		return false;
	while (p < end) {
		if (*p == '.') {
			if (!word)
				return false;	/* ".a", "a..b" */
			g_string_append_c(out, '.');
			word = false;
			p++;
		} else if (*p == '"') {
			const char *q = quoted_end(p, end);

			if (word || q == NULL)
				return false;
			for (p++; p < q; p++) {
				if (*p == '\\')
					p++;
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					return false;
				g_string_append_c(out, *p);
			}
			p = q + 1;
			word = true;
		} else {
			if (word && p[-1] == '"')
				return false;	/* "a"b */
			if (!atext((unsigned char)*p))
				return false;
			g_string_append_c(out, *p++);
			word = true;
		}
	}
	return word;
}

static bool dot_atom(const char *s, size_t len)
{
	bool word = false;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (!word)
				return false;
			word = false;
		} else if (!atext((unsigned char)s[i])) {
			return false;
		} else {
			word = true;
		}
	}
	return word;
}

/* Append S lower-cased: ASCII in place, anything else via GLib (NFC, so
   that two spellings of one accented letter are one). */
static void append_lower(GString *out, struct span s)
{
	char *nfc, *down;

	if (is_ascii(s)) {
		for (size_t i = 0; i < s.len; i++)
			g_string_append_c(out, lower(s.p[i]));
		return;
	}
	nfc = g_utf8_normalize(s.p, (gssize)s.len, G_NORMALIZE_NFC);
	down = g_utf8_strdown(nfc != NULL ? nfc : "", -1);
	g_string_append(out, down);
	g_free(down);
	g_free(nfc);
}

/* The domain D in its one form, appended to OUT; false when D is not a
   domain (nor an address literal) at all. */
static bool append_domain(GString *out, struct span d)
{
	const char *why;
	char *a;

	if (d.len > 0 && d.p[d.len - 1] == '.')
		d.len--;
	if (d.len == 0)
		return false;
	if (d.p[0] == '[') {
		/* An address literal, as it is: never a council's domain. */
		if (d.p[d.len - 1] != ']' || memchr(d.p + 1, '[', d.len - 1) != NULL ||
		    memchr(d.p, ']', d.len - 1) != NULL || memchr(d.p, '\\', d.len) != NULL)
			return false;
		append_lower(out, d);
		return true;
	}
	for (size_t i = 0; i < d.len; i++)
		if (domain_char_bad((unsigned char)d.p[i]))
			return false;
	if (!needs_idna(d) || (a = idna_to_ascii(d, &why)) == NULL) {
		/* Not IDNA: kept as written, so it matches only itself. */
		append_lower(out, d);
		return true;
	}
	g_string_append(out, a);
	g_free(a);
	return true;
}

/* Split S into its local part and domain, the way an SMTP path or an
   addr-spec is written; false when it is no address. */
static bool liberal_split(const char *s, struct span *local_r, struct span *domain_r)
{
	const char *start = s, *end, *at = NULL;
	size_t len = strlen(s);

	if (len > NORMALISE_INPUT_MAX)
		return false;
	end = s + len;
	while (start < end && g_ascii_isspace(*start))
		start++;
	while (end > start && g_ascii_isspace(end[-1]))
		end--;
	if (!angle_content(&start, &end) || !skip_route(&start, end))
		return false;
	for (const char *p = start; p < end; p++) {
		if (*p == '"') {
			if ((p = quoted_end(p, end)) == NULL)
				return false;
		} else if (*p == '@') {
			at = p;
		}
	}
	if (at == NULL)
		return false;
	local_r->p = start;
	local_r->len = (size_t)(at - start);
	domain_r->p = at + 1;
	domain_r->len = (size_t)(end - at - 1);
	return g_utf8_validate(start, end - start, NULL);
}

/* The common case, a plain ASCII addr-spec with no quotes and a domain
   that needs no IDNA, in one allocation: lookups normalise every address
   they are given. NULL when the address is not that simple. */
static char *normalise_plain(struct span local, struct span domain, bool fold, char delim)
{
	char *out = g_malloc(local.len + domain.len + 2), *p = out;
	size_t keep = local.len;
	bool word = false;

	if (domain.len > 0 && domain.p[domain.len - 1] == '.')
		domain.len--;
	if (domain.len == 0 || domain.p[0] == '[')
		goto slow;
	for (size_t i = 0; i < local.len; i++) {
		unsigned char c = (unsigned char)local.p[i];

		if (c >= 0x80 || (c == '.' ? !word : !atext(c)))
			goto slow;
		word = c != '.';
		if (fold && c == (unsigned char)delim && i > 0 && keep == local.len)
			keep = i;
		if (keep == local.len)
			*p++ = lower((char)c);
	}
	if (!word)
		goto slow;
	*p++ = '@';
	for (size_t i = 0; i < domain.len; i++) {
		unsigned char c = (unsigned char)domain.p[i];

		if (c >= 0x80 || domain_char_bad(c))
			goto slow;
		if ((i == 0 || domain.p[i - 1] == '.') && domain.len - i >= 4 &&
		    g_ascii_strncasecmp(domain.p + i, "xn--", 4) == 0)
			goto slow;
		*p++ = lower((char)c);
	}
	*p = '\0';
	return out;
slow:
	g_free(out);
	return NULL;
}

char *conf_normalise(const char *addr, bool fold, char delim)
{
	struct span local, domain;
	GString *value, *out;
	const char *tag;
	char *plain;

	if (addr == NULL || !liberal_split(addr, &local, &domain))
		return NULL;
	if ((plain = normalise_plain(local, domain, fold, delim)) != NULL)
		return plain;
	value = g_string_sized_new(local.len);
	if (!local_value(local, value)) {
		g_string_free(value, TRUE);
		return NULL;
	}
	/* "+tag" folding, as Postfix's recipient_delimiter; a local part that
	   starts with the delimiter is left alone. */
	if (fold && (tag = memchr(value->str, delim, value->len)) != NULL && tag > value->str)
		g_string_truncate(value, (gsize)(tag - value->str));
	out = g_string_sized_new(local.len + domain.len + 3);
	if (dot_atom(value->str, value->len)) {
		append_lower(out, (struct span){ value->str, value->len });
	} else {
		/* It needs its quotes: one way of writing them. */
		GString *q = g_string_new("\"");

		for (size_t i = 0; i < value->len; i++) {
			if (value->str[i] == '"' || value->str[i] == '\\')
				g_string_append_c(q, '\\');
			g_string_append_c(q, value->str[i]);
		}
		g_string_append_c(q, '"');
		append_lower(out, (struct span){ q->str, q->len });
		g_string_free(q, TRUE);
	}
	g_string_free(value, TRUE);
	g_string_append_c(out, '@');
	if (!append_domain(out, domain)) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

char *conf_domain_normalise(const char *s)
{
	struct span local, domain;
	GString *out;

	if (s == NULL)
		return NULL;
	if (strchr(s, '@') != NULL) {
		if (!liberal_split(s, &local, &domain))
			return NULL;
	} else {
		domain.p = s;
		while (g_ascii_isspace(*domain.p))
			domain.p++;
		domain.len = strlen(domain.p);
		while (domain.len > 0 && g_ascii_isspace(domain.p[domain.len - 1]))
			domain.len--;
		if (domain.len > NORMALISE_INPUT_MAX ||
		    !g_utf8_validate(domain.p, (gssize)domain.len, NULL))
			return NULL;
	}
	/* An address literal is no domain name: it belongs to no council. */
	if (domain.len > 0 && domain.p[0] == '[')
		return NULL;
	out = g_string_sized_new(domain.len);
	if (!append_domain(out, domain)) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}
