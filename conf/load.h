#ifndef COUNCIL_CONF_LOAD_H
#define COUNCIL_CONF_LOAD_H

/* What the schema walker fills in (load.c), and the checks across keys
   that turn it into the public struct conf (council.c). */

#include "conf/schema.h"

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
	const char **except_recipients;	/* as written; conf_exceptions_build */
	size_t n_except_recipients;
	const char **except_senders;
	size_t n_except_senders;
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

struct metrics_load {
	struct schema_node node;
	struct conf_metrics v;
};

struct web_load {
	struct schema_node node;
	struct conf_web v;
};

struct top_load {
	struct schema_node node;
	struct conf_daemon d;
	struct limits_load limits;
	struct store_load store;
	struct metrics_load metrics;
	struct web_load web;
	struct council_load *councils;
	size_t n_councils;
};

/* Parse "YYYY-MM-DD" (1970..2100, a real day). */
bool conf_parse_date(const char *s, GDateYear *y, GDateMonth *m, GDateDay *d);

/* The exceptions listed under KEY ("except_recipients") of the rule
   settings RULE, in their normal form; an entry listed twice is an error. */
void conf_exceptions_build(struct schema_ctx *ctx, const struct schema_node *rule,
			   const char *key, bool fold, char delim,
			   const struct conf_exception **list_r, size_t *n_r);

/* Checks across keys, the directory and the phrase lists; fills ctx->conf. */
void conf_build(struct schema_ctx *ctx, struct top_load *top, const char *phrase_dir_override);
/* The phrase_dir used when neither the config nor -P names one (load.c). */
const char *conf_default_phrase_dir(void);
/* The document_reader used when the config names none (load.c). */
const char *conf_default_document_reader(void);

#endif
