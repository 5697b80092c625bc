/*
 * The loader: the schema of council-milter.conf (every key once, with its
 * type, default, bounds and whether it is required), then the checks that
 * span keys (clerk, rule overrides, dates, duplicates), then the finished,
 * immutable struct conf. Every error found is reported, in file order
 * within each pass, as "file:line: key: message".
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/schema.h"

#ifndef COUNCIL_PHRASE_DIR
#define COUNCIL_PHRASE_DIR "/usr/share/council-milter/phrases"
#endif

#define KiB 1024LL
#define MiB (1024LL * 1024)
#define GiB (1024LL * 1024 * 1024)

#define TEXT_MAX 200		/* names, wards, parties, clauses, phrases */
#define CAPACITY_MAX 500	/* a footer sentence */
#define UNIX_PATH_MAX 107	/* sizeof(sun_path) - 1 */

/* What the walker fills in; copied into the public structs afterwards. */
struct person_load {
	struct schema_node node;
	struct conf_person p;
};

struct rule_load {
	struct schema_node node;
	int action;			/* -1: not given; CONF_ACTION_NONE: "off" */
	const char *clause;
	bool include_staff;
	bool copy_clerk;
};

struct period_load {
	struct schema_node node;
	const char *start;
	const char *end;
};

struct council_load {
	struct schema_node node;
	struct conf_council c;
	const char *profile;
	struct person_load *councillors;
	size_t n_councillors;
	struct person_load *officers;
	size_t n_officers;
	struct rule_load rules[CONF_RULE_COUNT];
	struct conf_phrase_extra phrases[CONF_PHRASES_COUNT];
	struct period_load pre_election;
};

struct limits_load {
	struct schema_node node;
	struct conf_limits v;
};

struct store_load {
	struct schema_node node;
	struct conf_thread_store v;
};

struct top_load {
	struct schema_node node;
	struct conf_daemon d;
	struct limits_load limits;
	struct store_load store;
	struct council_load *councils;
	size_t n_councils;
};

/* ---- value checks: NULL when fine, else what follows the quoted value ---- */

static const char *check_socket(const char *s)
{
	const char *rest;
	char *end;
	unsigned long port;

	if (g_str_has_prefix(s, "unix:") || g_str_has_prefix(s, "local:")) {
		rest = strchr(s, ':') + 1;
		if (rest[0] != '/')
			return "has a relative socket path; expected \"unix:/absolute/path.sock\"";
		if (strlen(rest) > UNIX_PATH_MAX)
			return "has a socket path longer than 107 bytes (the system's limit)";
		return NULL;
	}
	if (g_str_has_prefix(s, "inet:") || g_str_has_prefix(s, "inet6:")) {
		rest = strchr(s, ':') + 1;
		if (!g_ascii_isdigit(rest[0]))
			return "has no port number; expected \"inet:PORT@HOST\", e.g. \"inet:8894@127.0.0.1\"";
		port = strtoul(rest, &end, 10);
		if (port == 0 || port > 65535)
			return "has a port outside 1..65535";
		if (*end == '\0')
			return NULL;
		if (*end != '@' || end[1] == '\0')
			return "is not \"inet:PORT@HOST\"; expected e.g. \"inet:8894@127.0.0.1\"";
		return NULL;
	}
	return "is not a milter socket; expected \"unix:/path/to.sock\" or \"inet:PORT@HOST\"";
}

static const char *check_account(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("._-", *p) == NULL)
			return "is not a user or group name; expected letters, digits, '.', '_' or '-'";
	}
	return NULL;
}

static const char *check_absolute(const char *s)
{
	return s[0] == '/' ? NULL : "is not an absolute path; expected e.g. \"/usr/sbin/sendmail\"";
}

static const char *check_authserv(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr(".-_", *p) == NULL)
			return "is not a host name; expected e.g. \"mail.example.org\"";
	}
	return NULL;
}

static const char *check_delimiter(const char *s)
{
	if (s[1] != '\0')
		return "is not one character; expected e.g. \"+\" or \"-\"";
	if (g_ascii_isalnum(s[0]) || s[0] == '@' || s[0] == ' ' || (unsigned char)s[0] >= 0x80)
		return "cannot separate a tag; expected a punctuation character such as \"+\"";
	return NULL;
}

static bool parse_date(const char *s, GDateYear *y, GDateMonth *m, GDateDay *d)
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
	if (yy < 1970 || yy > 2100 || !g_date_valid_dmy((GDateDay)dd, (GDateMonth)mm, (GDateYear)yy))
		return false;
	*y = (GDateYear)yy;
	*m = (GDateMonth)mm;
	*d = (GDateDay)dd;
	return true;
}

static const char *check_date(const char *s)
{
	GDateYear y;
	GDateMonth m;
	GDateDay d;

	return parse_date(s, &y, &m, &d) ? NULL :
		"is not a date; expected YYYY-MM-DD between 1970 and 2100, e.g. \"2027-04-01\"";
}

/* ---- the schema ---- */

static const struct schema_name action_choices[] = {
	{ "monitor", CONF_ACTION_MONITOR }, { "annotate", CONF_ACTION_ANNOTATE },
	{ "hold", CONF_ACTION_HOLD }, { "reject", CONF_ACTION_REJECT },
	{ "off", CONF_ACTION_NONE }, { NULL, 0 },
};

static const struct schema_name role_choices[] = {
	{ "clerk", CONF_ROLE_CLERK }, { "staff", CONF_ROLE_STAFF }, { NULL, 0 },
};

static const struct schema_name title_choices[] = {
	{ "mayor", CONF_TITLE_MAYOR }, { "chair", CONF_TITLE_CHAIR },
	{ "vice-chair", CONF_TITLE_VICE_CHAIR }, { "leader", CONF_TITLE_LEADER }, { NULL, 0 },
};

static const struct schema_name on_error_choices[] = {
	{ "tempfail", CONF_ON_ERROR_TEMPFAIL }, { "accept", CONF_ON_ERROR_ACCEPT },
	{ "reject", CONF_ON_ERROR_REJECT }, { NULL, 0 },
};

static const struct schema_name log_level_choices[] = {
	{ "error", 0 }, { "warning", 1 }, { "info", 2 }, { "debug", 3 }, { NULL, 0 },
};

#define P(field) offsetof(struct person_load, p.field)
#define ADDRESSES(count) \
	{ .name = "addresses", .type = SCHEMA_STRINGS, .required = true, .offset = P(addresses), \
	  .count_offset = P(n_addresses), .min = 1, .check = conf_check_address, \
	  .expected = "a list of e-mail addresses [ \"name@domain\", ... ]", \
	  .item = "an e-mail address, name@domain" }
#define NAME \
	{ .name = "name", .type = SCHEMA_STRING, .required = true, .offset = P(name), \
	  .max = TEXT_MAX, .expected = "the person's name, e.g. \"Jane Smith\"" }

static const struct schema councillor_schema = {
	.section = "COUNCILLORS",
	.size = sizeof(struct person_load),
	.keys = (const struct schema_key[]) {
		NAME,
		ADDRESSES(),
		{ .name = "ward", .type = SCHEMA_STRING, .offset = P(ward), .max = TEXT_MAX,
		  .expected = "the councillor's ward, e.g. \"Town Ward\"" },
		{ .name = "titles", .type = SCHEMA_FLAGS, .offset = P(titles),
		  .names = title_choices, .noun = "title", .item = "a title" },
		{ .name = "party", .type = SCHEMA_STRING, .offset = P(party), .max = TEXT_MAX,
		  .expected = "the councillor's party, e.g. \"Independent\"" },
		{ .name = "capacity", .type = SCHEMA_STRING, .offset = P(capacity),
		  .max = CAPACITY_MAX, .expected = "a sentence for the footer, e.g. "
		  "\"Cllr Smith writes as ward member for Town Ward.\"" },
		{ .name = NULL },
	},
};

static const struct schema officer_schema = {
	.section = "OFFICERS",
	.size = sizeof(struct person_load),
	.keys = (const struct schema_key[]) {
		NAME,
		ADDRESSES(),
		{ .name = "role", .type = SCHEMA_ENUM, .offset = P(role),
		  .def_num = CONF_ROLE_STAFF, .names = role_choices, .noun = "role" },
		{ .name = NULL },
	},
};
#undef NAME
#undef ADDRESSES
#undef P

#define R(field) offsetof(struct rule_load, field)
static const struct schema rule_schema = {
	.section = "RULE SETTINGS",
	.size = sizeof(struct rule_load),
	.keys = (const struct schema_key[]) {
		{ .name = "action", .type = SCHEMA_ENUM, .offset = R(action), .def_num = -1,
		  .names = action_choices, .noun = "action" },
		{ .name = "clause", .type = SCHEMA_STRING, .offset = R(clause), .max = TEXT_MAX,
		  .expected = "the clause to cite, e.g. \"12.1\"" },
		{ .name = "include_staff", .type = SCHEMA_BOOL, .offset = R(include_staff) },
		{ .name = "copy_clerk", .type = SCHEMA_BOOL, .offset = R(copy_clerk) },
		{ .name = NULL },
	},
};
#undef R

static const struct schema period_schema = {
	.section = "PRE-ELECTION PERIOD",
	.size = sizeof(struct period_load),
	.keys = (const struct schema_key[]) {
		{ .name = "start", .type = SCHEMA_STRING, .required = true,
		  .offset = offsetof(struct period_load, start), .check = check_date,
		  .expected = "the first day, YYYY-MM-DD" },
		{ .name = "end", .type = SCHEMA_STRING, .required = true,
		  .offset = offsetof(struct period_load, end), .check = check_date,
		  .expected = "the last day (polling day), YYYY-MM-DD" },
		{ .name = NULL },
	},
};

static const struct schema_key rule_elem = {
	.name = "(rule)", .type = SCHEMA_GROUP, .offset = 0, .sub = &rule_schema,
};

static const struct schema_key phrases_elem = {
	.name = "(phrases)", .type = SCHEMA_STRINGS, .max = TEXT_MAX,
	.offset = offsetof(struct conf_phrase_extra, phrases),
	.count_offset = offsetof(struct conf_phrase_extra, n_phrases),
	.expected = "a list of phrases [ \"...\", ... ]", .item = "a phrase",
};

#define C(field) offsetof(struct council_load, field)
static const struct schema council_schema = {
	.section = "COUNCILS",
	.size = sizeof(struct council_load),
	.keys = (const struct schema_key[]) {
		{ .name = "name", .type = SCHEMA_STRING, .required = true, .offset = C(c.name),
		  .max = TEXT_MAX, .expected = "the council's name, e.g. \"Ashcombe Parish Council\"" },
		{ .name = "profile", .type = SCHEMA_KEYWORD, .required = true, .offset = C(profile),
		  .names = conf_profile_choices, .noun = "profile" },
		{ .name = "domains", .type = SCHEMA_STRINGS, .required = true, .min = 1,
		  .offset = C(c.domains), .count_offset = C(c.n_domains),
		  .check = conf_check_domain, .item = "a domain name",
		  .expected = "a list of the council's mail domains [ \"example-pc.gov.uk\" ]" },
		{ .name = "clerk", .type = SCHEMA_STRING, .required = true, .offset = C(c.clerk),
		  .check = conf_check_address,
		  .expected = "the Clerk's address (an officer with role \"clerk\")" },
		{ .name = "review_to", .type = SCHEMA_STRING, .offset = C(c.review_to),
		  .check = conf_check_address,
		  .expected = "the address that reviews held mail (default: the Clerk)" },
		{ .name = "press_domains", .type = SCHEMA_STRINGS, .offset = C(c.press_domains),
		  .count_offset = C(c.n_press_domains), .check = conf_check_domain,
		  .item = "a domain name",
		  .expected = "a list of press domains [ \"example-gazette.co.uk\" ]" },
		{ .name = "councillors", .type = SCHEMA_GROUPS, .offset = C(councillors),
		  .count_offset = C(n_councillors), .sub = &councillor_schema,
		  .expected = "a list of councillors ( { name = \"...\"; addresses = [ ... ]; }, ... )" },
		{ .name = "officers", .type = SCHEMA_GROUPS, .offset = C(officers),
		  .count_offset = C(n_officers), .sub = &officer_schema,
		  .expected = "a list of officers ( { name = \"...\"; addresses = [ ... ]; "
			      "role = \"clerk\"; }, ... )" },
		{ .name = "rules", .type = SCHEMA_MAP, .offset = C(rules), .names = conf_rule_choices,
		  .noun = "rule id", .elem = &rule_elem, .stride = sizeof(struct rule_load),
		  .expected = "a group of rule settings { silent-copy = { action = \"hold\"; }; }" },
		{ .name = "phrases", .type = SCHEMA_MAP, .offset = C(phrases),
		  .names = conf_phrase_set_choices, .noun = "phrase set", .elem = &phrases_elem,
		  .stride = sizeof(struct conf_phrase_extra),
		  .expected = "a group of phrase lists { instruction = [ \"...\" ]; }" },
		{ .name = "pre_election", .type = SCHEMA_GROUP, .offset = C(pre_election),
		  .sub = &period_schema,
		  .expected = "a group { start = \"YYYY-MM-DD\"; end = \"YYYY-MM-DD\"; }" },
		{ .name = NULL },
	},
};
#undef C

#define L(field) offsetof(struct limits_load, v.field)
static const struct schema limits_schema = {
	.section = "LIMITS",
	.size = sizeof(struct limits_load),
	.keys = (const struct schema_key[]) {
		{ .name = "max_message_bytes", .type = SCHEMA_SIZE, .offset = L(max_message_bytes),
		  .def_num = 64 * MiB, .min = 64 * KiB, .max = 1 * GiB, .unit = "bytes" },
		{ .name = "max_header_bytes", .type = SCHEMA_SIZE, .offset = L(max_header_bytes),
		  .def_num = 1 * MiB, .min = 8 * KiB, .max = 64 * MiB, .unit = "bytes" },
		{ .name = "max_depth", .type = SCHEMA_UINT, .offset = L(max_depth),
		  .def_num = 32, .min = 1, .max = 256, .unit = "levels" },
		{ .name = "max_parts", .type = SCHEMA_UINT, .offset = L(max_parts),
		  .def_num = 1000, .min = 1, .max = 100000, .unit = "parts" },
		{ .name = "max_text_bytes", .type = SCHEMA_SIZE, .offset = L(max_text_bytes),
		  .def_num = 1 * MiB, .min = 4 * KiB, .max = 64 * MiB, .unit = "bytes" },
		{ .name = "max_recipients", .type = SCHEMA_UINT, .offset = L(max_recipients),
		  .def_num = 10000, .min = 1, .max = 1000000, .unit = "recipients" },
		{ .name = NULL },
	},
};
#undef L

#define S(field) offsetof(struct store_load, v.field)
static const struct schema store_schema = {
	.section = "THREAD STORE",
	.size = sizeof(struct store_load),
	.keys = (const struct schema_key[]) {
		{ .name = "path", .type = SCHEMA_PATH, .offset = S(path),
		  .def_str = "/var/lib/council-milter/threads", .max = 4095 },
		{ .name = "retention_days", .type = SCHEMA_UINT, .offset = S(retention_days),
		  .def_num = 365, .min = 1, .max = 3650, .unit = "days" },
		{ .name = "max_entries", .type = SCHEMA_UINT, .offset = S(max_entries),
		  .def_num = 100000, .min = 100, .max = 10000000, .unit = "entries" },
		{ .name = NULL },
	},
};
#undef S

#define D(field) offsetof(struct top_load, d.field)
static const struct schema top_schema = {
	.section = "DAEMON SETTINGS",
	.size = sizeof(struct top_load),
	.keys = (const struct schema_key[]) {
		{ .name = "socket", .type = SCHEMA_STRING, .offset = D(socket),
		  .def_str = "unix:/run/council-milter/council-milter.sock", .check = check_socket },
		{ .name = "user", .type = SCHEMA_STRING, .offset = D(user), .max = 32,
		  .def_str = "council-milter", .check = check_account },
		{ .name = "socket_group", .type = SCHEMA_STRING, .offset = D(socket_group),
		  .max = 32, .def_str = "postfix", .check = check_account },
		{ .name = "socket_mode", .type = SCHEMA_OCTAL, .offset = D(socket_mode),
		  .def_num = 0660, .min = 0, .max = 0777 },
		{ .name = "journal", .type = SCHEMA_PATH, .offset = D(journal), .max = 4095,
		  .def_str = "/var/lib/council-milter/journal.jsonl" },
		{ .name = "sendmail", .type = SCHEMA_STRING, .offset = D(sendmail), .max = 4095,
		  .def_str = "/usr/sbin/sendmail", .check = check_absolute },
		{ .name = "authserv_id", .type = SCHEMA_STRING, .offset = D(authserv_id),
		  .max = 253, .def_str = NULL, .check = check_authserv },
		{ .name = "log_level", .type = SCHEMA_KEYWORD, .offset = D(log_level),
		  .def_str = "info", .names = log_level_choices, .noun = "log level" },
		{ .name = "on_error", .type = SCHEMA_ENUM, .offset = D(on_error),
		  .def_num = CONF_ON_ERROR_TEMPFAIL, .names = on_error_choices,
		  .noun = "on_error value" },
		{ .name = "timeout", .type = SCHEMA_UINT, .offset = D(timeout_seconds),
		  .def_num = 300, .min = 5, .max = 3600, .unit = "seconds" },
		{ .name = "subaddress_folding", .type = SCHEMA_BOOL, .offset = D(subaddress_folding),
		  .def_num = true },
		{ .name = "subaddress_delimiter", .type = SCHEMA_CHAR,
		  .offset = D(subaddress_delimiter), .def_num = '+', .check = check_delimiter },
		{ .name = "phrase_dir", .type = SCHEMA_PATH, .offset = D(phrase_dir), .max = 4095,
		  .def_str = COUNCIL_PHRASE_DIR },
		{ .name = "notify", .type = SCHEMA_BOOL, .offset = D(notify), .def_num = true },
		{ .name = "limits", .type = SCHEMA_GROUP, .offset = offsetof(struct top_load, limits),
		  .sub = &limits_schema },
		{ .name = "thread_store", .type = SCHEMA_GROUP,
		  .offset = offsetof(struct top_load, store), .sub = &store_schema },
		{ .name = "councils", .type = SCHEMA_GROUPS, .required = true, .min = 1,
		  .offset = offsetof(struct top_load, councils),
		  .count_offset = offsetof(struct top_load, n_councils), .sub = &council_schema,
		  .expected = "a list of councils ( { name = \"...\"; profile = \"...\"; ... }, ... )" },
		{ .name = NULL },
	},
};
#undef D

const struct schema *const conf_schemas[] = {
	&top_schema, &limits_schema, &store_schema, &council_schema, &councillor_schema,
	&officer_schema, &rule_schema, &period_schema, NULL,
};

/* ---- checks across keys ---- */

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
	char buf[CONF_ADDRESS_MAX + 1];
	size_t count = 0;

	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		struct conf_domain_place place;

		if (s == NULL || conf_check_domain(s) != NULL || !conf_domain_into(s, buf, sizeof(buf)))
			continue;	/* reported by the schema */
		out[count++] = conf_strdup(b->ctx->conf, buf);
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
		if (o->action == CONF_ACTION_NONE) {
			out->enabled = false;
			out->action = CONF_ACTION_NONE;
			continue;
		}
		if (!pr->enabled) {
			if (member(&o->node, "action") == NULL || member(&o->node, "clause") == NULL)
				error_member(b->ctx, &o->node, NULL,
					     "rule %s is not in the %s profile: its protocol, the %s, "
					     "has no such rule; to enable it anyway give both 'action' "
					     "and 'clause' (the clause of your own protocol to cite)",
					     conf_rule_id((enum conf_rule)r), profile->id,
					     profile->protocol);
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
	GDateYear y;
	GDateMonth mo;
	GDateDay d;
	struct tm tm = { 0 };

	parse_date(date, &y, &mo, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void pre_election(struct build *b, const struct council_load *cl, struct conf_council *c)
{
	const struct period_load *pe = &cl->pre_election;

	if (pe->node.setting == NULL || pe->start == NULL || pe->end == NULL)
		return;
	if (strcmp(pe->end, pe->start) < 0) {
		error_member(b->ctx, &pe->node, "end",
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
		error_member(b->ctx, &cl->node, "clerk",
			     "%s belongs to %s of %s; expected the address of an officer of %s with "
			     "role \"clerk\"", q, p->name, p->council->name, c->name);
	else if (p->role == CONF_ROLE_COUNCILLOR)
		error_member(b->ctx, &cl->node, "clerk",
			     "%s belongs to councillor %s; expected the address of an officer with "
			     "role \"clerk\"", q, p->name);
	else if (p->role != CONF_ROLE_CLERK)
		error_member(b->ctx, &cl->node, "clerk",
			     "%s belongs to %s, whose role is \"staff\"; expected the address of an "
			     "officer with role \"clerk\"", q, p->name);
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

static void build(struct schema_ctx *ctx, struct top_load *top, const char *phrase_dir_override)
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
	if (conf_phrases_read(conf, conf->daemon.phrase_dir, pd != NULL ? schema_file(ctx, pd) : ctx->file,
			      schema_line(pd), shipped, ctx->errors) == 0) {
		for (size_t i = 0; i < top->n_councils; i++)
			conf_phrases_merge(conf, shipped, top->councils[i].phrases,
					   councils[i].phrases);
	}
	g_array_free(b.addrs, TRUE);
	g_array_free(b.domains, TRUE);
	g_array_free(b.press, TRUE);
}

/* ---- conf_load ---- */

static struct conf *conf_new(const char *path)
{
	struct conf *conf = g_new0(struct conf, 1);
	char *abs = g_canonicalize_filename(path, NULL);

	conf->priv = g_new0(struct conf_private, 1);
	conf->priv->refcount = 1;
	conf->priv->strings = g_string_chunk_new(4096);
	conf->priv->blocks = g_ptr_array_new_with_free_func(g_free);
	conf->path = conf_strdup(conf, abs);
	g_free(abs);
	return conf;
}

static bool readable(const char *path, struct conf_error_list *errors)
{
	struct stat st;
	FILE *f;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		conf_error_add(errors, path, 0, NULL, "is a folder; expected a config file");
		return false;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		conf_error_add(errors, path, 0, NULL, "cannot read the config file: %s",
			       g_strerror(errno));
		return false;
	}
	fclose(f);
	return true;
}

int conf_load(const char *path, const char *phrase_dir_override, struct conf **conf_r,
	      struct conf_errors **errors_r)
{
	struct conf_error_list errors;
	struct conf *conf = conf_new(path);
	char *dir = g_path_get_dirname(conf->path);
	char *include_dir = g_path_get_dirname(path);	/* messages name files as the user does */
	struct schema_ctx ctx = {
		.conf = conf, .errors = &errors, .temp = g_ptr_array_new_with_free_func(g_free),
		.file = path, .base_dir = dir, .include_dir = include_dir,
	};
	struct top_load top;
	config_t cfg;

	*conf_r = NULL;
	*errors_r = NULL;
	conf_error_list_init(&errors);
	config_init(&cfg);
	config_set_include_dir(&cfg, include_dir);
	if (!readable(path, &errors)) {
		/* reported */
	} else if (!config_read_file(&cfg, path)) {
		conf_error_add(&errors, config_error_file(&cfg) != NULL ? config_error_file(&cfg) : path,
			       config_error_line(&cfg), NULL, "%s", config_error_text(&cfg));
	} else {
		schema_defaults(&top_schema, &top);
		schema_walk(&ctx, config_root_setting(&cfg), "", &top_schema, &top);
		build(&ctx, &top, phrase_dir_override);
	}
	config_destroy(&cfg);
	g_ptr_array_free(ctx.temp, TRUE);
	g_free(dir);
	g_free(include_dir);

	*errors_r = conf_error_list_finish(&errors);
	if (*errors_r != NULL) {
		conf_free(conf);
		return -1;
	}
	*conf_r = conf;
	return 0;
}
