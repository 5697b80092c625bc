/*
 * Checks that span keys, after the schema walk: people and their
 * addresses, the directory hashes (duplicates), rule settings (profile plus
 * overrides), pre-election dates, the Clerk, council names, phrase lists.
 * Fills the public, immutable struct conf.
 */
#include <stdio.h>
#include <string.h>

#include "conf/load.h"

bool conf_parse_date(const char *s, GDateYear *y, GDateMonth *m, GDateDay *d)
{
	unsigned yy, mm, dd;
	char tail;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%c", &yy, &mm, &dd, &tail) != 3)
		return false;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
			return false;
	}
	if (yy < 1970 || yy > 2100 ||
	    !g_date_valid_dmy((GDateDay)dd, (GDateMonth)mm, (GDateYear)yy))
		return false;
	*y = (GDateYear)yy;
	*m = (GDateMonth)mm;
	*d = (GDateDay)dd;
	return true;
}

struct build {
	struct schema_ctx *ctx;
	GArray *addrs;			/* struct conf_address_place */
	GArray *domains;		/* struct conf_domain_place */
	GArray *press;
};

static const config_setting_t *member(const struct schema_node *node, const char *name)
{
	if (node->setting == NULL || name == NULL)
		return NULL;
	return config_setting_get_member(node->setting, name);
}

static const char *member_path(struct schema_ctx *ctx, const struct schema_node *node,
			       const char *name)
{
	char *path = g_strconcat(node->path, ".", name, NULL);

	g_ptr_array_add(ctx->temp, path);
	return path;
}

static void error_member(struct schema_ctx *ctx, const struct schema_node *node, const char *name,
			 const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* An error about NODE's key NAME, at that key's line (the group's if absent). */
static void error_member(struct schema_ctx *ctx, const struct schema_node *node, const char *name,
			 const char *fmt, ...)
{
	const config_setting_t *s = member(node, name);
	va_list args;
	char *msg;

	va_start(args, fmt);
	msg = g_strdup_vprintf(fmt, args);
	va_end(args);
	conf_error_add(ctx->errors, s != NULL ? schema_file(ctx, s) : node->file,
		       s != NULL ? schema_line(s) : node->line,
		       name != NULL ? member_path(ctx, node, name) : node->path, "%s", msg);
	g_free(msg);
}

/* Normalised (lower-case) domains, with where each was written. */
static const char *const *domain_list(struct build *b, const struct schema_node *node,
				      const char *key, const struct conf_council *council,
				      GArray *places, size_t *n_r)
{
	const config_setting_t *list = member(node, key);
	int n = list != NULL && config_setting_is_aggregate(list) ? config_setting_length(list) : 0;
	const char **out = conf_alloc(b->ctx->conf, sizeof(char *) * (size_t)(n + 1));
	size_t count = 0;

	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		struct conf_domain_place place;
		char *d;

		if (s == NULL || conf_check_domain(s) != NULL || (d = conf_domain_normalise(s)) == NULL)
			continue;	/* reported by the schema */
		out[count++] = conf_strdup(b->ctx->conf, d);
		g_free(d);
		place.council = council;
		place.domain = out[count - 1];
		place.path = g_strdup_printf("%s.%s[%d]", node->path, key, i);
		g_ptr_array_add(b->ctx->temp, (char *)place.path);
		place.file = conf_strdup(b->ctx->conf, schema_file(b->ctx, e));
		place.line = schema_line(e);
		g_array_append_val(places, place);
	}
	*n_r = count;
	return out;
}

static void person_places(struct build *b, const struct person_load *pl,
			  const struct conf_person *person)
{
	const config_setting_t *list = member(&pl->node, "addresses");
	int n = list != NULL && config_setting_is_aggregate(list) ? config_setting_length(list) : 0;

	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		struct conf_address_place place;

		if (s == NULL || conf_check_address(s) != NULL)
			continue;	/* reported by the schema */
		place.person = person;
		place.address = conf_strdup(b->ctx->conf, s);
		place.path = g_strdup_printf("%s.addresses[%d]", pl->node.path, i);
		g_ptr_array_add(b->ctx->temp, (char *)place.path);
		place.file = conf_strdup(b->ctx->conf, schema_file(b->ctx, e));
		place.line = schema_line(e);
		g_array_append_val(b->addrs, place);
	}
}

static void copy_people(struct build *b, const struct council_load *cl, struct conf_council *c)
{
	size_t n = cl->n_councillors + cl->n_officers;
	struct conf_person *people = conf_alloc(b->ctx->conf, sizeof(*people) * n);
	int n_keys = config_setting_length(cl->node.setting);

	for (size_t i = 0; i < n; i++) {
		bool officer = i >= cl->n_councillors;
		const struct person_load *pl = officer ? &cl->officers[i - cl->n_councillors] :
							 &cl->councillors[i];
		struct conf_person *p = &people[i];

		*p = pl->p;
		if (!officer)
			p->role = CONF_ROLE_COUNCILLOR;
		p->council = c;
		p->file = pl->node.file;
		p->line = pl->node.line;
	}
	/* Addresses in the order written, so that a duplicate is reported at
	   its second mention whichever list comes first. */
	for (int k = 0; k < n_keys; k++) {
		const char *key = config_setting_name(config_setting_get_elem(cl->node.setting,
									      (unsigned)k));

		for (size_t i = 0; strcmp(key, "councillors") == 0 && i < cl->n_councillors; i++)
			person_places(b, &cl->councillors[i], &people[i]);
		for (size_t i = 0; strcmp(key, "officers") == 0 && i < cl->n_officers; i++)
			person_places(b, &cl->officers[i], &people[cl->n_councillors + i]);
	}
	c->people = people;
	c->n_people = n;
}

/* Keys of a rule override that only make sense for one rule. */
static void check_override_keys(struct build *b, const struct council_load *cl)
{
	for (int r = 0; r < CONF_RULE_COUNT; r++) {
		const struct rule_load *o = &cl->rules[r];
		const char *id = conf_rule_id((enum conf_rule)r);

		if (member(&o->node, "include_staff") != NULL && r != CONF_RULE_SILENT_COPY)
			error_member(b->ctx, &o->node, "include_staff",
				     "applies to rule silent-copy only, not to %s", id);
		if (member(&o->node, "copy_clerk") != NULL && r != CONF_RULE_MEMBER_INSTRUCTS_STAFF)
			error_member(b->ctx, &o->node, "copy_clerk",
				     "applies to rule member-instructs-staff only, not to %s", id);
	}
}

/* The profile's rules, then the council's overrides. */
static void rule_settings(struct build *b, const struct council_load *cl, struct conf_council *c)
{
	const struct conf_profile *profile = c->profile;

	for (int r = 0; r < CONF_RULE_COUNT; r++) {
		const struct conf_profile_rule *pr = &profile->rules[r];
		const struct rule_load *o = &cl->rules[r];
		struct conf_rule_setting *out = &c->rules[r];

		out->enabled = pr->enabled;
		out->action = pr->enabled ? pr->default_action : CONF_ACTION_NONE;
		out->clause = pr->clause;
		out->quote = pr->quote;
		if (o->node.setting == NULL)
			continue;
		out->include_staff = o->include_staff;
		out->copy_clerk = o->copy_clerk;
		conf_exceptions_build(b->ctx, &o->node, "except_recipients",
				      b->ctx->conf->daemon.subaddress_folding,
				      b->ctx->conf->daemon.subaddress_delimiter,
				      &out->except_recipients, &out->n_except_recipients);
		conf_exceptions_build(b->ctx, &o->node, "except_senders",
				      b->ctx->conf->daemon.subaddress_folding,
				      b->ctx->conf->daemon.subaddress_delimiter,
				      &out->except_senders, &out->n_except_senders);
		if (o->action == CONF_ACTION_NONE) {
			out->enabled = false;
			out->action = CONF_ACTION_NONE;
			continue;
		}
		if (!pr->enabled) {
			bool both = member(&o->node, "action") != NULL &&
				    member(&o->node, "clause") != NULL;

			if (!both)
				error_member(b->ctx, &o->node, NULL,
					     "rule %s is not in the %s profile: its protocol, the "
					     "%s, has no such rule; to enable it anyway give both "
					     "'action' and 'clause' (the clause of your own "
					     "protocol to cite)", conf_rule_id((enum conf_rule)r),
					     profile->id, profile->protocol);
			if (o->action < 0 || o->clause == NULL)
				continue;	/* reported, here or by the schema */
			out->enabled = true;
		}
		if (o->action > 0)
			out->action = (enum conf_action)o->action;
		if (o->clause != NULL) {
			/* The profile's quote is from its own clause, not this one. */
			out->clause = o->clause;
			out->quote = NULL;
		}
	}
}

static time_t local_time(const char *date, int h, int m, int s)
{
	GDateYear y = 1970;
	GDateMonth mo = G_DATE_JANUARY;
	GDateDay d = 1;
	struct tm tm = { 0 };

	if (!conf_parse_date(date, &y, &mo, &d))
		return (time_t)-1;	/* the schema checked the form already */
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t conf_day_time(const char *date, int h, int m, int s)
{
	return date != NULL ? local_time(date, h, m, s) : (time_t)-1;
}

static void pre_election(struct build *b, const struct council_load *cl, struct conf_council *c)
{
	const struct period_load *pe = &cl->pre_election;

	if (pe->node.setting == NULL || pe->start == NULL || pe->end == NULL)
		return;
	if (strcmp(pe->end, pe->start) < 0) {
		error_member(
		    b->ctx, &pe->node, "end",
		    "\"%s\" is before the start \"%s\"; expected a date on or after the start",
		    pe->end, pe->start);
		return;
	}
	c->pre_election_start = local_time(pe->start, 0, 0, 0);
	c->pre_election_end = local_time(pe->end, 23, 59, 59);
}

static void check_clerk(struct build *b, const struct council_load *cl,
			const struct conf_council *c)
{
	const struct conf_person *p;
	char *q;

	if (c->clerk == NULL || conf_check_address(c->clerk) != NULL)
		return;
	p = conf_person_lookup(b->ctx->conf, c->clerk);
	q = schema_quote(c->clerk);
	if (p == NULL)
		error_member(b->ctx, &cl->node, "clerk",
			     "%s is not the address of any officer of %s; expected the address of "
			     "an officer with role \"clerk\" (list the Clerk under officers)", q,
			     c->name);
	else if (p->council != c)
		error_member(
		    b->ctx, &cl->node, "clerk",
		    "%s belongs to %s of %s; expected the address of an officer of %s with "
		    "role \"clerk\"",
		    q, p->name, p->council->name, c->name);
	else if (p->role == CONF_ROLE_COUNCILLOR)
		error_member(b->ctx, &cl->node, "clerk",
			     "%s belongs to councillor %s; expected the address of an officer with "
			     "role \"clerk\"", q, p->name);
	else if (p->role != CONF_ROLE_CLERK)
		error_member(
		    b->ctx, &cl->node, "clerk",
		    "%s belongs to %s, whose role is \"staff\"; expected the address of an "
		    "officer with role \"clerk\"",
		    q, p->name);
	g_free(q);
}

static void check_names(struct build *b, struct top_load *top)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (size_t i = 0; i < top->n_councils; i++) {
		const struct council_load *cl = &top->councils[i], *first;
		char *key;

		if (cl->c.name == NULL)
			continue;
		key = g_utf8_casefold(cl->c.name, -1);
		first = g_hash_table_lookup(seen, key);
		if (first == NULL) {
			g_hash_table_insert(seen, key, (gpointer)cl);
			continue;
		}
		error_member(b->ctx, &cl->node, "name",
			     "council \"%s\" is already defined at %s (line %d); expected a name "
			     "of its own", cl->c.name, first->node.path, first->node.line);
		g_free(key);
	}
	g_hash_table_destroy(seen);
}

/* The web page's settings that go together: a certificate needs its key;
   the reviewers file is by default beside the configuration file; the link
   in notices is kept without a trailing '/', so that paths are appended to
   it as they are. */
static void web_settings(struct schema_ctx *ctx, struct top_load *top)
{
	struct conf_daemon *d = &ctx->conf->daemon;
	struct conf_web *w = &d->web;

	if (w->reviewers == NULL) {
		char *path = g_build_filename(ctx->base_dir, "reviewers", NULL);
		w->reviewers = conf_strdup(ctx->conf, path);
		g_free(path);
	}

	if ((w->tls_certificate == NULL) != (w->tls_key == NULL))
		error_member(ctx, &top->web.node,
			     w->tls_key == NULL ? "tls_certificate" : "tls_key",
			     "is given without %s; expected both (the page serves HTTPS "
			     "itself) or neither (a reverse proxy serves HTTPS)",
			     w->tls_key == NULL ? "tls_key" : "tls_certificate");
	if (d->review_url != NULL) {
		char *url = g_strdup(d->review_url);
		size_t len = strlen(url);
		while (len > 0 && url[len - 1] == '/')
			url[--len] = '\0';
		d->review_url = conf_strdup(ctx->conf, url);
		g_free(url);
	}
}

void conf_build(struct schema_ctx *ctx, struct top_load *top, const char *phrase_dir_override)
{
	struct conf *conf = ctx->conf;
	struct conf_council *councils;
	struct conf_phrases shipped[CONF_PHRASES_COUNT] = { { 0 } };
	const config_setting_t *pd;
	struct build b = {
		.ctx = ctx,
		.addrs = g_array_new(FALSE, FALSE, sizeof(struct conf_address_place)),
		.domains = g_array_new(FALSE, FALSE, sizeof(struct conf_domain_place)),
		.press = g_array_new(FALSE, FALSE, sizeof(struct conf_domain_place)),
	};

	conf->daemon = top->d;
	conf->daemon.limits = top->limits.v;
	conf->daemon.thread_store = top->store.v;
	if (member(&top->node, "document_reader") == NULL)
		conf->daemon.document_reader = conf_strdup(conf, conf_default_document_reader());
	conf->daemon.metrics = top->metrics.v;
	conf->daemon.web = top->web.v;
	web_settings(ctx, top);
	if (conf->daemon.authserv_id == NULL)
		conf->daemon.authserv_id = conf_strdup(conf, g_get_host_name());
	if (phrase_dir_override != NULL)
		conf->daemon.phrase_dir = conf_strdup(conf, phrase_dir_override);

	councils = conf_alloc(conf, sizeof(*councils) * (top->n_councils + 1));
	conf->councils = councils;
	conf->n_councils = top->n_councils;
	for (size_t i = 0; i < top->n_councils; i++) {
		const struct council_load *cl = &top->councils[i];
		struct conf_council *c = &councils[i];

		*c = cl->c;
		c->file = cl->node.file;
		c->line = cl->node.line;
		c->profile = conf_profile_find(cl->profile);
		c->domains = domain_list(&b, &cl->node, "domains", c, b.domains, &c->n_domains);
		c->press_domains = domain_list(&b, &cl->node, "press_domains", c, b.press,
					       &c->n_press_domains);
		if (c->review_to == NULL)
			c->review_to = c->clerk;
		copy_people(&b, cl, c);
		check_override_keys(&b, cl);
		if (c->profile != NULL)
			rule_settings(&b, cl, c);
		pre_election(&b, cl, c);
	}
	conf_directory_build(conf, (void *)b.addrs->data, b.addrs->len, (void *)b.domains->data,
			     b.domains->len, (void *)b.press->data, b.press->len, ctx->errors);
	check_names(&b, top);
	for (size_t i = 0; i < top->n_councils; i++)
		check_clerk(&b, &top->councils[i], &councils[i]);

	pd = phrase_dir_override == NULL ? member(&top->node, "phrase_dir") : NULL;
	if (phrase_dir_override == NULL && pd == NULL)
		conf->daemon.phrase_dir = conf_strdup(conf, conf_default_phrase_dir());
	if (conf_phrases_read(conf, conf->daemon.phrase_dir,
			      pd != NULL ? schema_file(ctx, pd) : ctx->file, schema_line(pd),
			      shipped, ctx->errors) == 0) {
		for (size_t i = 0; i < top->n_councils; i++)
			conf_phrases_merge(conf, shipped, top->councils[i].phrases,
					   councils[i].phrases);
	}
	g_array_free(b.addrs, TRUE);
	g_array_free(b.domains, TRUE);
	g_array_free(b.press, TRUE);
}
