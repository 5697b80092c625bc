/* Stub: replaced by the real loader (issue 3). */
#include "conf/conf.h"

#include <glib.h>

int conf_load(const char *path, const char *phrase_dir_override, struct conf **conf_r,
	      struct conf_errors **errors_r)
{
	struct conf_errors *e = g_new0(struct conf_errors, 1);
	e->lines = g_new0(char *, 2);
	e->lines[0] = g_strdup_printf("%s: not implemented yet", path);
	e->n_lines = 1;
	*conf_r = NULL;
	*errors_r = e;
	return -1;
}

void conf_errors_free(struct conf_errors **errors)
{
	if (*errors == NULL)
		return;
	g_strfreev((*errors)->lines);
	g_free(*errors);
	*errors = NULL;
}

struct conf *conf_ref(struct conf *conf) { return conf; }
void conf_unref(struct conf **conf) { *conf = NULL; }

char *conf_address_normalise(const struct conf *conf, const char *addr) { return g_ascii_strdown(addr, -1); }
const struct conf_person *conf_person_lookup(const struct conf *conf, const char *addr) { return NULL; }
const struct conf_council *conf_council_by_domain(const struct conf *conf, const char *addr) { return NULL; }
bool conf_address_in_council(const struct conf *conf, const struct conf_council *council, const char *addr) { return false; }
bool conf_address_is_press(const struct conf *conf, const struct conf_council *council, const char *addr) { return false; }
const struct conf_profile *conf_profile_find(const char *id) { return NULL; }
const struct conf_profile *const *conf_profiles(size_t *n_r) { *n_r = 0; return NULL; }
const char *conf_rule_id(enum conf_rule rule) { return "unknown"; }
int conf_rule_parse(const char *id, enum conf_rule *rule_r) { return -1; }
const char *conf_action_name(enum conf_action action) { return "accept"; }
int conf_action_parse(const char *name, enum conf_action *action_r) { return -1; }
const char *conf_phrase_set_name(enum conf_phrase_set set) { return "unknown"; }
