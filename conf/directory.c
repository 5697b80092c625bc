/*
 * The directory: address syntax and normalisation, the hash tables from
 * normalised address to person and from domain to council, and the
 * lookups. Built once at load time, read-only afterwards, so lookups from
 * many threads need no lock.
 */
#include <string.h>

#include "conf/conf_private.h"

#define LOCAL_MAX 64
#define DOMAIN_MAX 253
#define LABEL_MAX 63

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
	return NULL;
}

/* Find the address in S: "addr", "<addr>" or "Name <addr>", trimmed. */
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

const char *conf_check_domain(const char *s)
{
	struct span d = { s, strlen(s) };

	if (strchr(s, '@') != NULL)
		return "is an address; expected a domain name such as \"example.org\"";
	return check_domain_span(d);
}

/* Append SPAN lower-cased: ASCII in place, anything else via GLib. */
static bool append_lower(char *buf, size_t size, size_t *pos, struct span s)
{
	char *down;
	size_t n;

	if (is_ascii(s)) {
		if (*pos + s.len >= size)
			return false;
		for (size_t i = 0; i < s.len; i++)
			buf[(*pos)++] = lower(s.p[i]);
		return true;
	}
	down = g_utf8_strdown(s.p, (gssize)s.len);
	n = strlen(down);
	if (*pos + n >= size) {
		g_free(down);
		return false;
	}
	memcpy(buf + *pos, down, n);
	*pos += n;
	g_free(down);
	return true;
}

bool conf_normalise_into(const char *addr, bool fold, char delim, char *buf, size_t size)
{
	struct span local, domain;
	size_t pos = 0;
	const char *tag;

	if (addr == NULL || split_address(addr, &local, &domain) != NULL)
		return false;
	if (domain.p[domain.len - 1] == '.')
		domain.len--;
	/* "+tag" folding, as Postfix's recipient_delimiter; a local part that
	   starts with the delimiter is left alone. */
	if (fold && (tag = memchr(local.p, delim, local.len)) != NULL && tag > local.p)
		local.len = (size_t)(tag - local.p);
	if (!append_lower(buf, size, &pos, local) || pos + 1 >= size)
		return false;
	buf[pos++] = '@';
	if (!append_lower(buf, size, &pos, domain))
		return false;
	buf[pos] = '\0';
	return true;
}

bool conf_domain_into(const char *s, char *buf, size_t size)
{
	struct span local, domain;
	size_t pos = 0;

	if (s == NULL)
		return false;
	if (strchr(s, '@') != NULL) {
		if (split_address(s, &local, &domain) != NULL)
			return false;
	} else {
		domain.p = s;
		while (g_ascii_isspace(*domain.p))
			domain.p++;
		domain.len = strlen(domain.p);
		while (domain.len > 0 && g_ascii_isspace(domain.p[domain.len - 1]))
			domain.len--;
		if (check_domain_span(domain) != NULL)
			return false;
	}
	if (domain.p[domain.len - 1] == '.')
		domain.len--;
	if (!append_lower(buf, size, &pos, domain))
		return false;
	buf[pos] = '\0';
	return true;
}

static bool folding(const struct conf *conf, char *delim_r)
{
	if (conf == NULL) {
		*delim_r = '+';
		return true;
	}
	*delim_r = conf->daemon.subaddress_delimiter;
	return conf->daemon.subaddress_folding;
}

char *conf_address_normalise(const struct conf *conf, const char *addr)
{
	char buf[CONF_ADDRESS_MAX + 1], delim;
	bool fold = folding(conf, &delim);

	return conf_normalise_into(addr, fold, delim, buf, sizeof(buf)) ? g_strdup(buf) : NULL;
}

const struct conf_person *conf_person_lookup(const struct conf *conf, const char *addr)
{
	char buf[CONF_ADDRESS_MAX + 1], delim;
	bool fold = folding(conf, &delim);

	if (conf == NULL || !conf_normalise_into(addr, fold, delim, buf, sizeof(buf)))
		return NULL;
	return g_hash_table_lookup(conf->priv->people, buf);
}

const struct conf_council *conf_council_by_domain(const struct conf *conf, const char *addr)
{
	char buf[CONF_ADDRESS_MAX + 1];

	if (conf == NULL || !conf_domain_into(addr, buf, sizeof(buf)))
		return NULL;
	return g_hash_table_lookup(conf->priv->domains, buf);
}

bool conf_address_in_council(const struct conf *conf, const struct conf_council *council,
			     const char *addr)
{
	const struct conf_person *person = conf_person_lookup(conf, addr);

	if (council == NULL)
		return false;
	if (person != NULL)
		return person->council == council;
	return conf_council_by_domain(conf, addr) == council;
}

/* Press domains match their subdomains too: a reporter may write from
   news.gazette.example when the council listed gazette.example. */
bool conf_address_is_press(const struct conf *conf, const struct conf_council *council,
			   const char *addr)
{
	char buf[CONF_ADDRESS_MAX + 1];
	const char *d = buf;
	GHashTable *set;
	ptrdiff_t i;

	if (conf == NULL || council == NULL || !conf_domain_into(addr, buf, sizeof(buf)))
		return false;
	i = council - conf->councils;
	if (i < 0 || (size_t)i >= conf->n_councils || (set = conf->priv->press[i]) == NULL)
		return false;
	for (;;) {
		if (g_hash_table_lookup(set, d) != NULL)
			return true;
		if ((d = strchr(d, '.')) == NULL)
			return false;
		d++;
	}
}

static char *place_text(const char *file, int line, const char *path, const char *this_file)
{
	if (line <= 0)
		return g_strdup(path);
	if (strcmp(file, this_file) != 0)
		return g_strdup_printf("%s (%s:%d)", path, file, line);
	return g_strdup_printf("%s (line %d)", path, line);
}

static void add_addresses(struct conf *conf, const struct conf_address_place *addrs, size_t n,
			  struct conf_error_list *errors)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	char buf[CONF_ADDRESS_MAX + 1];
	bool fold = conf->daemon.subaddress_folding;
	char delim = conf->daemon.subaddress_delimiter;

	for (size_t i = 0; i < n; i++) {
		const struct conf_address_place *a = &addrs[i], *first;
		const char *written = a->address;
		char *where, *q;
		const char *key;

		if (!conf_normalise_into(written, fold, delim, buf, sizeof(buf)))
			continue;	/* already reported by the schema */
		first = g_hash_table_lookup(seen, buf);
		if (first == NULL) {
			key = conf_strdup(conf, buf);
			g_hash_table_insert(seen, (gpointer)key, (gpointer)a);
			g_hash_table_insert(conf->priv->people, (gpointer)key, (gpointer)a->person);
			continue;
		}
		where = place_text(first->file, first->line, first->path, a->file);
		q = g_strdup_printf("\"%s\"", written);
		if (strcmp(written, buf) != 0) {
			char *tmp = g_strdup_printf("%s (\"%s\" once normalised)", q, buf);
			g_free(q);
			q = tmp;
		}
		if (first->person == a->person)
			conf_error_add(errors, a->file, a->line, a->path,
				       "address %s is listed twice for %s, first at %s", q,
				       a->person->name, where);
		else
			conf_error_add(errors, a->file, a->line, a->path,
				       "address %s of %s (%s) is already listed for %s (%s) at "
				       "%s; an address can belong to one person only", q,
				       a->person->name, a->person->council->name,
				       first->person->name, first->person->council->name, where);
		g_free(where);
		g_free(q);
	}
	g_hash_table_destroy(seen);
}

static void add_domains(struct conf *conf, const struct conf_domain_place *domains, size_t n,
			GHashTable *places, struct conf_error_list *errors)
{
	for (size_t i = 0; i < n; i++) {
		const struct conf_domain_place *d = &domains[i], *first;
		char *where;

		first = g_hash_table_lookup(places, d->domain);
		if (first == NULL) {
			g_hash_table_insert(places, (gpointer)d->domain, (gpointer)d);
			g_hash_table_insert(conf->priv->domains, (gpointer)d->domain,
					    (gpointer)d->council);
			continue;
		}
		where = place_text(first->file, first->line, first->path, d->file);
		if (first->council == d->council)
			conf_error_add(errors, d->file, d->line, d->path,
				       "domain \"%s\" is listed twice, first at %s", d->domain,
				       where);
		else
			conf_error_add(errors, d->file, d->line, d->path,
				       "domain \"%s\" of %s already belongs to %s at %s; a domain "
				       "can belong to one council only",
				       d->domain, d->council->name, first->council->name, where);
		g_free(where);
	}
}

static void add_press(struct conf *conf, const struct conf_domain_place *press, size_t n,
		      GHashTable *council_domains, struct conf_error_list *errors)
{
	for (size_t i = 0; i < n; i++) {
		const struct conf_domain_place *p = &press[i], *owner;
		size_t c = (size_t)(p->council - conf->councils);
		GHashTable **set = &conf->priv->press[c];
		char *where;

		owner = g_hash_table_lookup(council_domains, p->domain);
		if (owner != NULL) {
			where = place_text(owner->file, owner->line, owner->path, p->file);
			conf_error_add(errors, p->file, p->line, p->path,
				       "press domain \"%s\" is a mail domain of %s at %s; a "
				       "council's own mail is never press",
				       p->domain, owner->council->name, where);
			g_free(where);
			continue;
		}
		if (*set == NULL)
			*set = g_hash_table_new(g_str_hash, g_str_equal);
		owner = g_hash_table_lookup(*set, p->domain);
		if (owner == NULL) {
			g_hash_table_insert(*set, (gpointer)p->domain, (gpointer)p);
			continue;
		}
		where = place_text(owner->file, owner->line, owner->path, p->file);
		conf_error_add(errors, p->file, p->line, p->path,
			       "press domain \"%s\" is listed twice, first at %s", p->domain,
			       where);
		g_free(where);
	}
}

void conf_directory_build(struct conf *conf, const struct conf_address_place *addrs, size_t n_addrs,
			  const struct conf_domain_place *domains, size_t n_domains,
			  const struct conf_domain_place *press, size_t n_press,
			  struct conf_error_list *errors)
{
	GHashTable *places = g_hash_table_new(g_str_hash, g_str_equal);

	conf->priv->people = g_hash_table_new(g_str_hash, g_str_equal);
	conf->priv->domains = g_hash_table_new(g_str_hash, g_str_equal);
	conf->priv->press = g_new0(GHashTable *, conf->n_councils > 0 ? conf->n_councils : 1);
	add_addresses(conf, addrs, n_addrs, errors);
	add_domains(conf, domains, n_domains, places, errors);
	add_press(conf, press, n_press, places, errors);
	g_hash_table_destroy(places);
}
