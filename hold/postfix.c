/*
 * The Postfix backend of hold.h: Postfix's hold queue through its own tools,
 * run with spawn (fixed argv, no shell, empty environment): postqueue -j to
 * list, postcat -bh -q to read, postsuper -H / -d to release or delete.
 */
#include "hold/hold-private.h"

#include <string.h>
#include <sys/wait.h>

#include "util/util.h"

/* Where Debian (and Postfix's default install) puts the tools. */
#ifndef COUNCIL_POSTFIX_SBINDIR
#define COUNCIL_POSTFIX_SBINDIR "/usr/sbin"
#endif

struct postfix_queue {
	struct hold_queue q;	/* first: the backend's functions */
	char *config_dir;	/* -c DIR, or NULL */
};

/* Postfix's own words when it refuses us (this machine, Postfix 3.7):
   postqueue "User nobody(65534) is not allowed to view the mail queue" (exit
   69, as for a mail system that is down, so the words decide), postcat
   "...: Permission denied", postsuper "use of this command is reserved for
   the superuser". */
static bool refused(const char *err)
{
	return strstr(err, "is not allowed to") != NULL ||
	       strstr(err, "Permission denied") != NULL ||
	       strstr(err, "reserved for the superuser") != NULL;
}

/* Run TOOL [-c CONFIG_DIR] ARGS...; its stdout in *out_r (when not NULL).
   Fails when it cannot run or exits non-zero, with what it said. */
static int run_tool(const struct postfix_queue *pq, const char *tool, const char *const *args,
		    char **out_r, size_t *len_r, char **err_r, bool *denied_r,
		    const char **error_r)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(argv, g_strdup_printf("%s/%s", COUNCIL_POSTFIX_SBINDIR, tool));
	if (pq->config_dir != NULL) {
		g_ptr_array_add(argv, g_strdup("-c"));
		g_ptr_array_add(argv, g_strdup(pq->config_dir));
	}
	for (; *args != NULL; args++)
		g_ptr_array_add(argv, g_strdup(*args));
	g_ptr_array_add(argv, NULL);
	int ret = hold_run_tool((char *const *)argv->pdata, out_r, len_r, err_r, refused,
				denied_r, error_r);
	g_ptr_array_unref(argv);
	return ret;
}

static struct hold_entry *entry_of(JsonObject *o)
{
	struct hold_entry *e = g_new0(struct hold_entry, 1);
	JsonArray *rcpts = json_object_has_member(o, "recipients") ?
		json_object_get_array_member(o, "recipients") : NULL;
	guint n = rcpts != NULL ? json_array_get_length(rcpts) : 0;

	e->queue_id = g_strdup(json_object_get_string_member_with_default(o, "queue_id", ""));
	e->arrival = (time_t)json_object_get_int_member_with_default(o, "arrival_time", 0);
	e->size = (long)json_object_get_int_member_with_default(o, "message_size", 0);
	e->sender = g_strdup(json_object_get_string_member_with_default(o, "sender", ""));
	e->rcpts = g_new0(char *, n + 1);
	for (guint i = 0; i < n; i++) {
		JsonNode *node = json_array_get_element(rcpts, i);
		JsonObject *r = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
		e->rcpts[e->n_rcpts++] = g_strdup(r != NULL ?
			json_object_get_string_member_with_default(r, "address", "") : "");
	}
	return e;
}

static int pq_list(struct hold_queue *q, GPtrArray **entries_r, bool *denied_r,
		   const char **error_r)
{
	static const char *const args[] = { "-j", NULL };
	char *out = NULL;

	if (run_tool((struct postfix_queue *)q, "postqueue", args, &out, NULL, NULL, denied_r,
		     error_r) < 0)
		return -1;
	GPtrArray *held = g_ptr_array_new_with_free_func((GDestroyNotify)hold_entry_free);
	JsonParser *parser = json_parser_new();
	char **lines = g_strsplit(out, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		if (**l == '\0')
			continue;
		if (!json_parser_load_from_data(parser, *l, -1, NULL) ||
		    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
			continue;
		JsonObject *o = json_node_get_object(json_parser_get_root(parser));
		if (g_strcmp0(json_object_get_string_member_with_default(o, "queue_name", ""),
			      "hold") == 0)
			g_ptr_array_add(held, entry_of(o));
	}
	g_strfreev(lines);
	g_object_unref(parser);
	g_free(out);
	*entries_r = held;
	return 0;
}

static int pq_read(struct hold_queue *q, const char *id, char **text_r, size_t *len_r,
		   const char **error_r)
{
	/* -b -h: the message as delivered, without Postfix's envelope records. */
	const char *const args[] = { "-b", "-h", "-q", id, NULL };

	return run_tool((struct postfix_queue *)q, "postcat", args, text_r, len_r, NULL, NULL,
			error_r);
}

/* postsuper reports on stderr, e.g. "postsuper: Released from hold: 1 message". */
static int postsuper(struct postfix_queue *pq, const char *option, const char *id,
		     const char *done, const char **error_r)
{
	const char *const args[] = { option, id, "hold", NULL };
	char *err = NULL;
	char *want = g_strdup_printf("%s: 1 message", done);
	int ret = run_tool(pq, "postsuper", args, NULL, NULL, &err, NULL, error_r);

	if (ret == 0 && strstr(err, want) == NULL) {
		*error_r = util_error("postsuper %s %s did not act on it (%s)", option, id,
				      *g_strstrip(err) != '\0' ? err : "it said nothing");
		ret = -1;
	}
	g_free(want);
	g_free(err);
	return ret;
}

static int pq_release(struct hold_queue *q, const char *id, const char **error_r)
{
	struct postfix_queue *pq = (struct postfix_queue *)q;

	if (postsuper(pq, "-H", id, "Released from hold", error_r) < 0)
		return -1;
	/* Out of hold it waits in the deferred queue for the next run: ask
	   for it now. Not a failure when this does not work: the queue
	   manager gets to it anyway. */
	const char *const args[] = { "-i", id, NULL };
	const char *error;
	(void)run_tool(pq, "postqueue", args, NULL, NULL, NULL, NULL, &error);
	return 0;
}

static int pq_remove(struct hold_queue *q, const char *id, const char **error_r)
{
	return postsuper((struct postfix_queue *)q, "-d", id, "Deleted", error_r);
}

static void pq_free(struct hold_queue *q)
{
	struct postfix_queue *pq = (struct postfix_queue *)q;

	g_free(pq->config_dir);
	g_free(pq);
}

struct hold_queue *hold_queue_postfix(const char *config_dir)
{
	struct postfix_queue *pq = g_new0(struct postfix_queue, 1);

	pq->q = (struct hold_queue){ pq_list, pq_read, pq_release, pq_remove, pq_free };
	pq->config_dir = g_strdup(config_dir);
	return &pq->q;
}
