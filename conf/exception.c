/*
 * A rule's exceptions (except_recipients, except_senders): who a rule does
 * not apply to, per council. Each entry names one address, everyone at one
 * domain ("@county.gov.uk") or everyone of one directory role
 * ("role:clerk"), and is kept in the normal form addresses are compared in
 * (ADDRESS MATCHING in council-milter.conf(5)).
 */
#include <string.h>

#include "conf/load.h"

#define ROLE_PREFIX "role:"

static const struct schema_name role_names[] = {
	{ "councillor", CONF_EXCEPT_ROLE_COUNCILLOR },
	{ "officer", CONF_EXCEPT_ROLE_CLERK | CONF_EXCEPT_ROLE_STAFF },
	{ "clerk", CONF_EXCEPT_ROLE_CLERK },
	{ "staff", CONF_EXCEPT_ROLE_STAFF },
	{ NULL, 0 },
};

static const struct schema_name *role_named(const char *name)
{
	for (const struct schema_name *r = role_names; r->name != NULL; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

const char *conf_check_exception(const char *s)
{
	const char *why;

	if (g_str_has_prefix(s, ROLE_PREFIX))
		return role_named(s + strlen(ROLE_PREFIX)) != NULL ? NULL :
			"names no directory role; expected \"role:councillor\", "
			"\"role:officer\", \"role:clerk\" or \"role:staff\"";
	if (s[0] == '@') {
		if ((why = conf_check_domain(s + 1)) != NULL)
			return "is not \"@\" and a domain name; expected e.g. "
			       "\"@auditors.example.co.uk\"";
		return NULL;
	}
	if (strchr(s, '@') == NULL)
		return "is not an address, \"@domain\" or \"role:NAME\"; expected e.g. "
		       "\"monitoring.officer@district.gov.uk\", \"@county.gov.uk\" or "
		       "\"role:clerk\"";
	return conf_check_address(s);
}

bool conf_exception_matches(const struct conf_exception *e, const char *addr, unsigned roles)
{
	const char *at;

	switch (e->kind) {
	case CONF_EXCEPT_ROLE:
		return (e->roles & roles) != 0;
	case CONF_EXCEPT_DOMAIN:
		at = addr != NULL ? strrchr(addr, '@') : NULL;
		return at != NULL && strcmp(at + 1, e->value) == 0;
	case CONF_EXCEPT_ADDRESS:
	default:
		return addr != NULL && strcmp(addr, e->value) == 0;
	}
}

/* ENTRY (valid: the schema has checked it) in its normal form. */
static bool exception_parse(struct conf *conf, const char *entry, bool fold, char delim,
			    struct conf_exception *e)
{
	const struct schema_name *role;
	char *norm;

	memset(e, 0, sizeof(*e));
	if (g_str_has_prefix(entry, ROLE_PREFIX)) {
		if ((role = role_named(entry + strlen(ROLE_PREFIX))) == NULL)
			return false;
		e->kind = CONF_EXCEPT_ROLE;
		e->value = role->name;
		e->roles = (unsigned)role->value;
		return true;
	}
	if (entry[0] == '@') {
		e->kind = CONF_EXCEPT_DOMAIN;
		norm = conf_domain_normalise(entry + 1);
	} else {
		e->kind = CONF_EXCEPT_ADDRESS;
		norm = conf_normalise(entry, fold, delim);
	}
	if (norm == NULL)
		return false;
	e->value = conf_strdup(conf, norm);
	g_free(norm);
	return true;
}

void conf_exceptions_build(struct schema_ctx *ctx, const struct schema_node *rule,
			   const char *key, bool fold, char delim,
			   const struct conf_exception **list_r, size_t *n_r)
{
	const config_setting_t *list = rule->setting != NULL ?
		config_setting_get_member(rule->setting, key) : NULL;
	int n = list != NULL && config_setting_is_aggregate(list) ? config_setting_length(list) : 0;
	struct conf_exception *out;
	size_t count = 0;

	*list_r = NULL;
	*n_r = 0;
	if (n == 0)
		return;
	out = conf_alloc(ctx->conf, sizeof(*out) * (size_t)n);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned)i);
		const char *entry = config_setting_get_string(s);
		struct conf_exception e;
		size_t k;

		if (entry == NULL || conf_check_exception(entry) != NULL ||
		    !exception_parse(ctx->conf, entry, fold, delim, &e))
			continue;	/* reported by the schema */
		e.written = conf_strdup(ctx->conf, entry);
		e.file = conf_strdup(ctx->conf, schema_file(ctx, s));
		e.line = schema_line(s);
		for (k = 0; k < count; k++)
			if (out[k].kind == e.kind && strcmp(out[k].value, e.value) == 0)
				break;
		if (k < count) {
			char *q = schema_quote(entry);
			char *path = g_strdup_printf("%s.%s[%d]", rule->path, key, i);

			conf_error_add(ctx->errors, e.file, e.line, path,
				       "%s is listed already (line %d); expected each entry once",
				       q, out[k].line);
			g_free(path);
			g_free(q);
			continue;
		}
		out[count++] = e;
	}
	*list_r = out;
	*n_r = count;
}
