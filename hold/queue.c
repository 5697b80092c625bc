/*
 * What the queue backends share (hold.h, hold-private.h): queue ids and
 * entries, running the MTA's tools, and the choice of backend by the
 * configuration's mta.
 */
#include "hold/hold-private.h"

#include <string.h>
#include <sys/wait.h>

#include "util/util.h"

#define ID_MAX 64

bool hold_id_valid(const char *id)
{
	size_t len = id != NULL ? strlen(id) : 0;

	if (len == 0 || len > ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isalnum(id[i]))
			return false;
	return true;
}

void hold_entry_free(struct hold_entry *e)
{
	if (e == NULL)
		return;
	g_free(e->queue_id);
	g_free(e->sender);
	g_strfreev(e->rcpts);
	g_free(e);
}

int hold_run_tool(char *const *argv, char **out_r, size_t *len_r, char **err_r,
		  bool (*is_refusal)(const char *said), bool *denied_r, const char **error_r)
{
	char *out = NULL, *err = NULL;
	size_t len = 0;
	int status;
	int ret = spawn_run(argv, NULL, 0, &out, &len, &err, &status, error_r);

	if (denied_r != NULL)
		*denied_r = false;
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		char *how = spawn_status_text(status);
		/* Some tools say it on stdout (Sendmail's mailq). */
		char *said = g_strstrip(g_strconcat(err, *err != '\0' && *out != '\0' ? "; " : "",
						    out, NULL));
		if (denied_r != NULL && is_refusal != NULL)
			*denied_r = is_refusal(said);
		*error_r = util_error("%s %s: %s", argv[0], how,
				      *said != '\0' ? said : "(it said nothing)");
		g_free(said);
		g_free(how);
		ret = -1;
	}
	if (ret == 0 && out_r != NULL) {
		*out_r = out;
		out = NULL;
		if (len_r != NULL)
			*len_r = len;
	}
	if (ret == 0 && err_r != NULL) {
		*err_r = err;
		err = NULL;
	}
	g_free(out);
	g_free(err);
	return ret;
}

struct hold_queue *hold_queue_new(const struct conf *conf, const char *config)
{
	switch (conf->daemon.mta) {
	case CONF_MTA_SENDMAIL:
		return hold_queue_sendmail(conf->daemon.sendmail, config);
	case CONF_MTA_POSTFIX:
	default:
		return hold_queue_postfix(config);
	}
}
