/* Stub: replaced by the rules (issue 5). */
#include "policy/policy.h"

#include <glib.h>

int policy_thread_store_open(const char *path, unsigned retention_days, unsigned max_entries,
			     bool read_only, struct policy_thread_store **store_r,
			     const char **error_r)
{
	*store_r = NULL;
	return 0;
}

void policy_thread_store_close(struct policy_thread_store **store) { *store = NULL; }
bool policy_thread_store_contains(struct policy_thread_store *store, const char *message_id) { return false; }
int policy_thread_store_add(struct policy_thread_store *store, const char *message_id, time_t now,
			    const char **error_r) { return 0; }

int policy_judge(const struct conf *conf, const struct policy_envelope *env,
		 const struct parser_message *msg, struct policy_thread_store *store,
		 struct policy_verdict **verdict_r, const char **error_r)
{
	struct policy_verdict *v = g_new0(struct policy_verdict, 1);
	v->result_header = policy_result_header_none(conf, "not judged");
	*verdict_r = v;
	return 0;
}

void policy_verdict_free(struct policy_verdict **verdict)
{
	if (*verdict == NULL)
		return;
	g_free((*verdict)->result_header);
	g_free(*verdict);
	*verdict = NULL;
}

char *policy_result_header_none(const struct conf *conf, const char *reason)
{
	return g_strdup_printf("%s; council=none; action=accept (%s)",
			       conf->daemon.authserv_id ? conf->daemon.authserv_id : "localhost",
			       reason);
}
