/*
 * The directory: the hash tables from normalised address (address.c) to
 * person and from domain to council, and the lookups. Built once at load time, read-only afterwards, so lookups from
 * many threads need no lock.
 */
#include <string.h>

#include "conf/conf_private.h"

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
	char delim;
	bool fold = folding(conf, &delim);

	return conf_normalise(addr, fold, delim);
}

const struct conf_person *conf_person_lookup(const struct conf *conf, const char *addr)
{
	const struct conf_person *p;
	char *key;

	if (conf == NULL || (key = conf_address_normalise(conf, addr)) == NULL)
		return NULL;
	p = g_hash_table_lookup(conf->priv->people, key);
	g_free(key);
	return p;
}

const struct conf_council *conf_council_find(const struct conf *conf, const char *name)
{
	for (size_t i = 0; name != NULL && i < conf->n_councils; i++) {
		const struct conf_council *c = &conf->councils[i];
		if (g_ascii_strcasecmp(c->name, name) == 0)
			return c;
		for (size_t d = 0; d < c->n_domains; d++)
			if (g_ascii_strcasecmp(c->domains[d], name) == 0)
				return c;
	}
	return NULL;
}

const struct conf_council *conf_council_by_domain(const struct conf *conf, const char *addr)
{
	const struct conf_council *c;
	char *d;

	if (conf == NULL || (d = conf_domain_normalise(addr)) == NULL)
		return NULL;
	c = g_hash_table_lookup(conf->priv->domains, d);
	g_free(d);
	return c;
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
	const char *d;
	char *domain;
	GHashTable *set;
	ptrdiff_t i;
	bool found = false;

	if (conf == NULL || council == NULL)
		return false;
	i = council - conf->councils;
	if (i < 0 || (size_t)i >= conf->n_councils || (set = conf->priv->press[i]) == NULL)
		return false;
	if ((domain = conf_domain_normalise(addr)) == NULL)
		return false;
	for (d = domain; d != NULL && !found; d = strchr(d, '.'), d = d != NULL ? d + 1 : NULL)
		found = g_hash_table_lookup(set, d) != NULL;
	g_free(domain);
	return found;
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
	bool fold = conf->daemon.subaddress_folding;
	char delim = conf->daemon.subaddress_delimiter;

	for (size_t i = 0; i < n; i++) {
		const struct conf_address_place *a = &addrs[i], *first;
		const char *written = a->address;
		char *where, *q, *buf = conf_normalise(written, fold, delim);
		const char *key;

		if (buf == NULL)
			continue;	/* already reported by the schema */
		first = g_hash_table_lookup(seen, buf);
		if (first == NULL) {
			key = conf_strdup(conf, buf);
			g_hash_table_insert(seen, (gpointer)key, (gpointer)a);
			g_hash_table_insert(conf->priv->people, (gpointer)key, (gpointer)a->person);
			g_free(buf);
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
		g_free(buf);
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
