/* council-review-helper: one request from the web page, answered (see
   helper.h). Everything in the request was checked by channel_request_decode;
   what only this side can know (who the reviewer is, which councils they
   serve, what is held for those) is checked here, by the hold library. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "reviewers/channel.h"
#include "reviewers/reviewers.h"
#include "util/util.h"

/* Not held, or held for a council the reviewer does not serve: the same
   words, so that a reviewer learns nothing of other councils' mail. */
#define NOT_FOUND "no such message is held for your councils"

static char *answer_text(JsonBuilder *b)
{
	return journal_json_text(b, false);
}

static JsonBuilder *ok_begin(void)
{
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "ok");
	json_builder_add_boolean_value(b, TRUE);
	return b;
}

static char *ok_end(JsonBuilder *b)
{
	json_builder_end_object(b);
	return answer_text(b);
}

static char *failure(const char *kind, const char *error)
{
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "ok");
	json_builder_add_boolean_value(b, FALSE);
	journal_add_string(b, "failure", kind);
	journal_add_string(b, "error", error);
	json_builder_end_object(b);
	return answer_text(b);
}

static char *hold_failed(struct hold *hold, const char *error)
{
	switch (hold_failure(hold)) {
	case HOLD_NOT_HELD:
	case HOLD_NOT_YOURS:
		return failure(CHANNEL_FAILURE_NOT_FOUND, NOT_FOUND);
	default:
		return failure(CHANNEL_FAILURE_FAILED, error);
	}
}

/* ---- recent decisions ----------------------------------------------------- */

struct recent {
	const struct reviewer *reviewer;
	GQueue lines;			/* JsonObject *, oldest first, at most MAX */
};

static const char *member_str(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n != NULL && JSON_NODE_HOLDS_VALUE(n) &&
		json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n) : NULL;
}

static bool recent_line(JsonObject *o, void *ctx)
{
	struct recent *r = ctx;
	const char *action = member_str(o, "action");

	if (g_strcmp0(member_str(o, "event"), "review") != 0 ||
	    (g_strcmp0(action, "release") != 0 && g_strcmp0(action, "delete") != 0) ||
	    !reviewer_serves(r->reviewer, member_str(o, "council")))
		return true;
	g_queue_push_tail(&r->lines, json_object_ref(o));
	if (r->lines.length > HELPER_RECENT_MAX)
		json_object_unref(g_queue_pop_head(&r->lines));
	return true;
}

static char *recent(struct helper *h, const struct reviewer *reviewer)
{
	static const char *const fields[] = { "time", "action", "queue_id", "council",
					      "author", "subject", "by", "via", "verdict", "note",
					      "notified" };
	struct recent r = { .reviewer = reviewer };
	char *rotated = g_strconcat(h->conf->daemon.journal, ".1", NULL);
	const char *files[] = { rotated, h->conf->daemon.journal };
	const char *error;

	g_queue_init(&r.lines);
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
		if (g_file_test(files[i], G_FILE_TEST_EXISTS) &&
		    journal_foreach(files[i], recent_line, &r, &error) < 0) {
			g_queue_clear_full(&r.lines, (GDestroyNotify)json_object_unref);
			g_free(rotated);
			return failure(CHANNEL_FAILURE_FAILED, error);
		}
	g_free(rotated);
	JsonBuilder *b = ok_begin();
	json_builder_set_member_name(b, "decisions");
	json_builder_begin_array(b);
	for (GList *l = r.lines.tail; l != NULL; l = l->prev) {	/* newest first */
		json_builder_begin_object(b);
		for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
			journal_add_string(b, fields[i], member_str(l->data, fields[i]));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	g_queue_clear_full(&r.lines, (GDestroyNotify)json_object_unref);
	return ok_end(b);
}

/* ---- the journal's record of a session ------------------------------------- */

static char *event(struct helper *h, const struct channel_request *req)
{
	struct journal *journal;
	const char *error;

	if (journal_open(h->conf->daemon.journal, &journal, &error) < 0)
		return failure(CHANNEL_FAILURE_FAILED, error);
	JsonBuilder *b = journal_line_begin("web");
	journal_add_string(b, "action", req->event);
	journal_add_string(b, "by", req->reviewer);
	journal_add_string(b, "address", req->address);
	char *line = journal_line_end(b);
	int ret = journal_append(journal, line, false, &error);
	g_free(line);
	journal_close(&journal);
	return ret < 0 ? failure(CHANNEL_FAILURE_FAILED, error) : ok_end(ok_begin());
}

/* ---- the held mail ----------------------------------------------------------- */

static char *list(struct hold *hold)
{
	GPtrArray *items;
	const char *error;
	time_t now = time(NULL);

	if (hold_list(hold, &items, NULL, &error) < 0)
		return hold_failed(hold, error);
	JsonBuilder *b = ok_begin();
	json_builder_set_member_name(b, "held");
	json_builder_begin_array(b);
	for (guint i = 0; i < items->len; i++)
		hold_item_json(b, items->pdata[i], now);
	json_builder_end_array(b);
	g_ptr_array_unref(items);
	return ok_end(b);
}

static char *show(struct hold *hold, const char *id, const struct actor *actor)
{
	struct hold_item *item;
	struct hold_report report;
	const char *error;
	char *text;
	size_t len;

	if (hold_show(hold, id, actor, &item, &text, &len, &report, &error) < 0)
		return hold_failed(hold, error);
	JsonBuilder *b = ok_begin();
	json_builder_set_member_name(b, "item");
	hold_item_json(b, item, time(NULL));
	/* The message's bytes as they are (any charset, even none), as much of
	   them as a page can use. */
	json_builder_set_member_name(b, "message_truncated");
	json_builder_add_boolean_value(b, len > HELPER_SHOW_MAX);
	char *b64 = g_base64_encode((const guchar *)text, MIN(len, (size_t)HELPER_SHOW_MAX));
	journal_add_string(b, "message_base64", b64);
	journal_add_string(b, "warning", report.warning);
	g_free(b64);
	g_free(text);
	hold_item_free(item);
	return ok_end(b);
}

static char *act(struct hold *hold, const struct channel_request *req,
		 const struct actor *actor)
{
	struct hold_report report;
	enum hold_verdict verdict = HOLD_VERDICT_NONE;
	const char *error;
	char *note = req->note != NULL ? channel_note_clean(req->note) : NULL;
	int ret;

	if (hold_verdict_parse(req->verdict, &verdict) < 0) {
		g_free(note);
		return failure(CHANNEL_FAILURE_REFUSED, "no such verdict");
	}
	if (req->op == CHANNEL_RELEASE)
		ret = hold_release(hold, req->id, actor,
				   note != NULL && *note != '\0' ? note : NULL, verdict, &report,
				   &error);
	else
		ret = hold_delete(hold, req->id, actor, note, verdict, &report, &error);
	g_free(note);
	if (ret < 0 && !report.done)
		return hold_failed(hold, error);
	JsonBuilder *b = ok_begin();
	journal_add_string(b, "notified", report.notified);
	journal_add_string(b, "notice_error", report.notice_error);
	/* Done, but not recorded: the reviewer must know. */
	journal_add_string(b, "warning", ret < 0 ? error : report.unmarked);
	return ok_end(b);
}

/* The journal, when it does not exist yet, made as council-milter's own
   (the daemon's user, mode 0640): made by root here, the daemon could not
   append to it, and would defer every message. */
static void journal_made_for_daemon(const struct conf *conf)
{
	const char *path = conf->daemon.journal;
	struct stat st;

	if (geteuid() != 0 || lstat(path, &st) == 0 || errno != ENOENT)
		return;
	struct passwd *pw = getpwnam(conf->daemon.user);
	if (pw == NULL)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return;
	if (fchown(fd, pw->pw_uid, pw->pw_gid) < 0)
		(void)unlink(path);	/* better root's when written than a stray */
	close(fd);
}

/* ---- one request -------------------------------------------------------------- */

static const char *const op_words[] = {
	[CHANNEL_LIST] = "list", [CHANNEL_SHOW] = "show", [CHANNEL_RELEASE] = "release",
	[CHANNEL_RETURN] = "return", [CHANNEL_RECENT] = "recent", [CHANNEL_EVENT] = "event",
};

static bool answer_ok(const char *answer)
{
	return g_str_has_prefix(answer, "{\"ok\":true");
}

char *helper_answer(struct helper *h, const char *line, size_t len, char **summary_r)
{
	struct channel_request *req;
	struct reviewers *rs = NULL;
	const char *error;
	char *answer;

	if (channel_request_decode(line, len, &req, &error) < 0) {
		*summary_r = g_strdup_printf("refused a request: %s", error);
		return failure(CHANNEL_FAILURE_REFUSED, error);
	}
	journal_made_for_daemon(h->conf);
	if (req->op == CHANNEL_EVENT) {
		answer = event(h, req);
		goto out;
	}
	if (reviewers_load(h->conf->daemon.web.reviewers, &rs, &error) < 0) {
		answer = failure(CHANNEL_FAILURE_FAILED, error);
		goto out;
	}
	const struct reviewer *reviewer = reviewers_find(rs, req->reviewer);
	if (reviewer == NULL) {
		answer = failure(CHANNEL_FAILURE_REFUSED, "no such reviewer");
		goto out;
	}
	if (req->op == CHANNEL_RECENT) {
		answer = recent(h, reviewer);
		goto out;
	}
	GPtrArray *councils = g_ptr_array_new();
	for (size_t i = 0; i < h->conf->n_councils; i++)
		if (reviewer_serves(reviewer, h->conf->councils[i].name))
			g_ptr_array_add(councils, (gpointer)&h->conf->councils[i]);
	struct hold *hold = hold_new(h->conf, h->new_queue(h->queue_ctx));
	hold_set_scopes(hold, (const struct conf_council *const *)councils->pdata, councils->len);
	g_ptr_array_unref(councils);
	struct actor actor = { reviewer->name, "web" };
	if (req->op == CHANNEL_LIST)
		answer = list(hold);
	else if (req->op == CHANNEL_SHOW)
		answer = show(hold, req->id, &actor);
	else
		answer = act(hold, req, &actor);
	hold_free(&hold);
out:
	*summary_r = g_strdup_printf("%s %s %s: %s", req->reviewer, op_words[req->op],
				     req->id != NULL ? req->id : req->event != NULL ? req->event :
				     "", answer_ok(answer) ? "done" : answer);
	reviewers_free(&rs);
	channel_request_free(&req);
	return answer;
}
