/* The Clerk's actions on held messages (see hold.h). */
#include "hold/hold-private.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "util/util.h"

struct hold {
	struct conf *conf;
	struct hold_queue *queue;
	enum hold_failure failure;
	GPtrArray *scope;		/* const struct conf_council *; NULL: every council */
	GPtrArray *items;		/* what hold_expire acted on, for its report */
	struct marker_key *key;		/* to mark notices; NULL when unreadable */
	bool key_tried;
	char *key_error;		/* why there is no key */
	char *account;			/* the account this process runs as */
	GPtrArray *texts;		/* the texts of the last action's report */
};

struct hold *hold_new(struct conf *conf, struct hold_queue *queue)
{
	struct hold *h = g_new0(struct hold, 1);
	struct passwd *pw = getpwuid(getuid());

	h->conf = conf_ref(conf);
	h->queue = queue;
	h->account = pw != NULL ? g_strdup(pw->pw_name) : g_strdup_printf("uid %u", getuid());
	h->texts = g_ptr_array_new_with_free_func(g_free);
	h->items = g_ptr_array_new_with_free_func((GDestroyNotify)hold_item_free);
	return h;
}

void hold_free(struct hold **hold_p)
{
	struct hold *h = *hold_p;

	if (h == NULL)
		return;
	h->queue->free(h->queue);
	marker_key_free(&h->key);
	g_free(h->key_error);
	g_free(h->account);
	g_ptr_array_unref(h->texts);
	g_ptr_array_unref(h->items);
	if (h->scope != NULL)
		g_ptr_array_unref(h->scope);
	conf_unref(&h->conf);
	g_free(h);
	*hold_p = NULL;
}

enum hold_failure hold_failure(const struct hold *h)
{
	return h->failure;
}

void hold_set_scopes(struct hold *h, const struct conf_council *const *councils, size_t n)
{
	if (h->scope != NULL)
		g_ptr_array_unref(h->scope);
	h->scope = g_ptr_array_new();
	for (size_t i = 0; i < n; i++)
		g_ptr_array_add(h->scope, (gpointer)councils[i]);
}

void hold_set_scope(struct hold *h, const struct conf_council *council)
{
	if (council != NULL) {
		hold_set_scopes(h, &council, 1);
	} else if (h->scope != NULL) {
		g_ptr_array_unref(h->scope);
		h->scope = NULL;
	}
}

static const char *const verdict_names[] = {
	[HOLD_VERDICT_BREACH] = "breach",
	[HOLD_VERDICT_BREACH_ALLOWED] = "breach-allowed",
	[HOLD_VERDICT_NO_BREACH] = "no-breach",
};

static const char *const verdict_words[] = {
	[HOLD_VERDICT_BREACH] = "a breach, held rightly",
	[HOLD_VERDICT_BREACH_ALLOWED] = "a breach, but allowed",
	[HOLD_VERDICT_NO_BREACH] = "no breach: the filter was wrong",
};

const char *hold_verdict_name(enum hold_verdict v)
{
	return v > HOLD_VERDICT_NONE && v <= HOLD_VERDICT_NO_BREACH ? verdict_names[v] : NULL;
}

const char *hold_verdict_words(enum hold_verdict v)
{
	return v > HOLD_VERDICT_NONE && v <= HOLD_VERDICT_NO_BREACH ? verdict_words[v] :
		"no verdict given";
}

int hold_verdict_parse(const char *name, enum hold_verdict *verdict_r)
{
	for (int v = HOLD_VERDICT_BREACH; v <= HOLD_VERDICT_NO_BREACH; v++)
		if (name != NULL && strcmp(name, verdict_names[v]) == 0) {
			*verdict_r = (enum hold_verdict)v;
			return 0;
		}
	return -1;
}

const struct conf_council *hold_find_council(const struct conf *conf, const char *name)
{
	return conf_council_find(conf, name);
}

static bool council_in_scope(const struct hold *h, const struct conf_council *council)
{
	if (h->scope == NULL)
		return true;
	for (guint i = 0; i < h->scope->len; i++)
		if (council == h->scope->pdata[i])
			return true;
	return false;
}

/* Held by us, for a council in the scope. */
static bool ours_in_scope(const struct hold *h, const struct hold_item *item)
{
	return item->in_journal && council_in_scope(h, item->council);
}

static int fail(struct hold *h, enum hold_failure kind, const char *error, const char **error_r)
{
	h->failure = kind;
	*error_r = error;
	return -1;
}

/* TEXT (taken over), kept for the report until the next action. */
static const char *keep(struct hold *h, char *text)
{
	g_ptr_array_add(h->texts, text);
	return text;
}

static void begin(struct hold *h, struct hold_report *report)
{
	h->failure = HOLD_OK;
	g_ptr_array_set_size(h->texts, 0);
	g_ptr_array_set_size(h->items, 0);
	if (report != NULL)
		memset(report, 0, sizeof(*report));
}

/* ---- what is held -------------------------------------------------------- */

static gint oldest_first(gconstpointer a, gconstpointer b)
{
	const struct hold_item *x = *(struct hold_item *const *)a;
	const struct hold_item *y = *(struct hold_item *const *)b;

	return x->entry->arrival < y->entry->arrival ? -1 : x->entry->arrival >
		y->entry->arrival;
}

/* Every message in the hold queue joined with the journal (in_journal: held
   by us), oldest first; NULL on failure. */
static GPtrArray *listing(struct hold *h, const char **error_r)
{
	GPtrArray *entries;
	GHashTable *index;
	const char *error;
	bool denied, eacces;

	if (h->queue->list(h->queue, &entries, &denied, &error) < 0) {
		fail(h, denied ? HOLD_DENIED : HOLD_QUEUE_FAILED,
		     util_error("cannot list the hold queue: %s", error), error_r);
		return NULL;
	}
	if (held_journal_index(h->conf->daemon.journal, &index, &eacces, &error) < 0) {
		if (eacces)
			fail(h, HOLD_DENIED, util_error("%s. Reading it needs membership of the "
							"group council-review, or sudo; see "
							"council-review(8).", error), error_r);
		else
			fail(h, HOLD_JOURNAL_UNREADABLE, error, error_r);
		g_ptr_array_unref(entries);
		return NULL;
	}
	GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)hold_item_free);
	g_ptr_array_set_free_func(entries, NULL);	/* the items take them over */
	for (guint i = 0; i < entries->len; i++)
		g_ptr_array_add(items, held_item_new(h->conf, entries->pdata[i], index));
	g_ptr_array_unref(entries);
	g_hash_table_unref(index);
	g_ptr_array_sort(items, oldest_first);
	return items;
}

/* Ours, in the scope, from ALL (freed); *OTHERS_R: the rest. */
static GPtrArray *ours_only(const struct hold *h, GPtrArray *all, size_t *others_r)
{
	GPtrArray *mine = g_ptr_array_new_with_free_func((GDestroyNotify)hold_item_free);

	*others_r = 0;
	for (guint i = 0; i < all->len; i++) {
		if (ours_in_scope(h, all->pdata[i]))
			g_ptr_array_add(mine, g_ptr_array_steal_index(all, i--));
		else
			++*others_r;
	}
	g_ptr_array_unref(all);
	return mine;
}

int hold_list(struct hold *h, GPtrArray **items_r, size_t *others_r, const char **error_r)
{
	size_t others;

	begin(h, NULL);
	GPtrArray *all = listing(h, error_r);
	if (all == NULL)
		return -1;
	*items_r = ours_only(h, all, &others);
	if (others_r != NULL)
		*others_r = others;
	return 0;
}

/* The message ID council-milter held, in the scope, taken out of a fresh
   listing (hold_item_free); NULL, with the reason, for anything else. */
static struct hold_item *one_held(struct hold *h, const char *id, const char **error_r)
{
	GPtrArray *items = listing(h, error_r);
	struct hold_item *found = NULL;

	if (items == NULL)
		return NULL;
	for (guint i = 0; i < items->len && found == NULL; i++)
		if (strcmp(((struct hold_item *)items->pdata[i])->entry->queue_id, id) == 0)
			found = g_ptr_array_steal_index(items, i);
	g_ptr_array_unref(items);
	if (found == NULL) {
		fail(h, HOLD_NOT_HELD, util_error("%s is not in the hold queue (released or "
						  "deleted already?)", id), error_r);
	} else if (!found->in_journal) {
		fail(h, HOLD_NOT_HELD, util_error("%s was not held by council-milter (the journal "
						  "has no record of holding it): it is left "
						  "alone", id), error_r);
	} else if (!ours_in_scope(h, found)) {
		fail(h, HOLD_NOT_YOURS, h->scope->len == 1 ?
		     util_error("%s is not held for %s: it is not yours to act on", id,
				((const struct conf_council *)h->scope->pdata[0])->name) :
		     util_error("%s is not held for a council you review: it is not yours to act "
				"on", id), error_r);
	} else {
		return found;
	}
	hold_item_free(found);
	return NULL;
}

/* ---- the journal and notices --------------------------------------------- */

/* Before acting: an action that cannot be recorded is not taken. */
static int journal_writable(struct hold *h, const char **error_r)
{
	const char *path = h->conf->daemon.journal;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	int e = errno;
	return fail(h, e == EACCES ? HOLD_DENIED : HOLD_JOURNAL_UNWRITABLE,
		    util_error("cannot write to the journal %s: %s; nothing was done, since it "
			       "could not be recorded", path, g_strerror(e)), error_r);
}

/* The review line: what ACTOR did with ITEM, and their verdict on it. */
static int record(struct hold *h, const char *action, const struct hold_item *item,
		  const struct actor *actor, const char *note, enum hold_verdict verdict,
		  const char *notified, const char **error_r)
{
	struct journal *journal;

	if (journal_open(h->conf->daemon.journal, &journal, error_r) < 0)
		return -1;
	JsonBuilder *b = journal_line_begin("review");
	journal_add_string(b, "action", action);
	journal_add_string(b, "queue_id", item->entry->queue_id);
	journal_add_string(b, "message_id", item->letter.message_id);
	journal_add_string(b, "council", item->council != NULL ? item->council->name : NULL);
	journal_add_string(b, "author", item->letter.author);
	journal_add_string(b, "subject", item->letter.subject);
	journal_add_string(b, "by", actor->who);
	journal_add_string(b, "via", actor->via);
	journal_add_string(b, "account", h->account);
	journal_add_string(b, "note", note);
	if (verdict != HOLD_VERDICT_NONE)
		journal_add_string(b, "verdict", hold_verdict_name(verdict));
	if (notified != NULL)
		journal_add_string(b, "notified", notified);
	char *text = journal_line_end(b);
	int ret = journal_append(journal, text, true, error_r);
	g_free(text);
	journal_close(&journal);
	return ret;
}

/* The notice key, loaded on first use; NULL (and REPORT told why) when it
   cannot be read: the notice then goes unmarked. */
static const struct marker_key *notice_key(struct hold *h, struct hold_report *report)
{
	const char *error;

	if (!h->key_tried &&
	    marker_key_load(h->conf->daemon.notice_key, false, &h->key, &error) < 0)
		h->key_error = g_strdup(error);
	h->key_tried = true;
	if (h->key == NULL)
		report->unmarked = h->key_error;
	return h->key;
}

/* Hand LETTER to sendmail for RCPT; -1 with *why_r (a sentence) when it was
   not sent. */
static int send_letter(struct hold *h, const char *rcpt, const char *letter,
		       const char **why_r)
{
	char **argv = spawn_sendmail_argv(h->conf->daemon.sendmail, rcpt);
	char *out = NULL, *err = NULL;
	const char *error;
	int status = 0;

	if (argv == NULL) {
		*why_r = keep(h, g_strdup_printf("cannot send to \"%s\": not an address sendmail "
						 "can be given safely", rcpt));
		return -1;
	}
	int ret = spawn_run(argv, letter, strlen(letter), &out, NULL, &err, &status, &error);
	if (ret < 0) {
		*why_r = keep(h, g_strdup_printf("the notice to %s was not sent: %s", rcpt, error));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *how = spawn_status_text(status);
		*why_r = keep(h, g_strdup_printf("the notice to %s was not sent: %s %s: %s", rcpt,
						 argv[0], how, g_strstrip(err)));
		g_free(how);
		ret = -1;
	}
	g_strfreev(argv);
	g_free(out);
	g_free(err);
	return ret;
}

/* ---- the actions --------------------------------------------------------- */

int hold_show(struct hold *h, const char *id, const struct actor *actor,
	      struct hold_item **item_r, char **text_r, size_t *len_r,
	      struct hold_report *report, const char **error_r)
{
	const char *error;

	begin(h, report);
	struct hold_item *item = one_held(h, id, error_r);
	if (item == NULL)
		return -1;
	if (h->queue->read(h->queue, id, text_r, len_r, &error) < 0) {
		hold_item_free(item);
		return fail(h, HOLD_QUEUE_FAILED, util_error("cannot read %s: %s", id, error),
			    error_r);
	}
	if (record(h, "show", item, actor, NULL, HOLD_VERDICT_NONE, NULL, &error) < 0)
		report->warning = keep(h, g_strdup(error));
	*item_r = item;
	return 0;
}

/* Before release or delete: the journal can record it, and ID is ours
   (hold_item_free); NULL, with the reason, when not. */
static struct hold_item *act_on(struct hold *h, const char *id, struct hold_report *report,
				const char **error_r)
{
	begin(h, report);
	if (journal_writable(h, error_r) < 0)
		return NULL;
	return one_held(h, id, error_r);
}

/* Deliver ITEM (ours, in the scope), as hold_release says. */
static int release_item(struct hold *h, const struct hold_item *item, const struct actor *actor,
			const char *note, enum hold_verdict verdict, struct hold_report *report,
			const char **error_r)
{
	const char *id = item->entry->queue_id, *error;

	if (h->queue->release(h->queue, id, &error) < 0)
		return fail(h, HOLD_QUEUE_FAILED, util_error("%s was not released: %s", id, error),
			    error_r);
	report->done = true;
	if (record(h, "release", item, actor, note, verdict, NULL, &error) < 0)
		return fail(h, HOLD_JOURNAL_UNWRITABLE, util_error(
			"%s was released, but the journal could not record it: %s", id, error),
			error_r);
	return 0;
}

/* Delete ITEM and tell its author: NOTE from a person, or (EXPIRED) that
   nobody reviewed it in time. As hold_delete. */
static int delete_item(struct hold *h, const struct hold_item *item, const struct actor *actor,
		       const char *note, enum hold_verdict verdict, bool expired,
		       struct hold_report *report, const char **error_r)
{
	const char *id = item->entry->queue_id, *error;
	const char *author = item->council == NULL ? NULL :
		letter_author_rcpt(h->conf, item->council, item->letter.author,
				   item->entry->sender);

	if (h->queue->remove(h->queue, id, &error) < 0)
		return fail(h, HOLD_QUEUE_FAILED, util_error("%s was not deleted: %s", id, error),
			    error_r);
	report->done = true;
	if (author != NULL) {
		struct letter_from from = { h->conf, item->council, notice_key(h, report),
					    time(NULL) };
		unsigned days = h->conf->daemon.hold_expiry_days;
		char *letter = expired ? letter_expired(&from, &item->letter, author, days) :
			letter_returned(&from, &item->letter, author, note);
		if (send_letter(h, author, letter, &report->notice_error) < 0)
			author = NULL;
		g_free(letter);
	}
	if (author != NULL)
		report->notified = keep(h, g_strdup(author));
	if (record(h, "delete", item, actor, note, verdict, author, &error) < 0)
		return fail(h, HOLD_JOURNAL_UNWRITABLE, util_error(
			"%s was deleted, but the journal could not record it: %s", id, error),
			error_r);
	return 0;
}

int hold_release(struct hold *h, const char *id, const struct actor *actor,
		 const char *note, enum hold_verdict verdict, struct hold_report *report,
		 const char **error_r)
{
	struct hold_item *item = act_on(h, id, report, error_r);

	if (item == NULL)
		return -1;
	int ret = release_item(h, item, actor, note, verdict, report, error_r);
	hold_item_free(item);
	return ret;
}

int hold_delete(struct hold *h, const char *id, const struct actor *actor,
		const char *note, enum hold_verdict verdict, struct hold_report *report,
		const char **error_r)
{
	struct hold_item *item = act_on(h, id, report, error_r);

	if (item == NULL)
		return -1;
	int ret = delete_item(h, item, actor, note, verdict, false, report, error_r);
	hold_item_free(item);
	return ret;
}

int hold_digest(struct hold *h, bool always, struct hold_digest **digests_r, size_t *n_r,
		size_t *unassigned_r, struct hold_report *report, const char **error_r)
{
	size_t others;

	begin(h, report);
	GPtrArray *all = listing(h, error_r);
	if (all == NULL)
		return -1;
	GPtrArray *items = ours_only(h, all, &others);
	GArray *digests = g_array_new(FALSE, TRUE, sizeof(struct hold_digest));
	for (size_t c = 0; c < h->conf->n_councils; c++) {
		const struct conf_council *council = &h->conf->councils[c];
		if (!council_in_scope(h, council))
			continue;
		GArray *mine = g_array_new(FALSE, FALSE, sizeof(struct letter_held));
		for (guint i = 0; i < items->len; i++) {
			const struct hold_item *item = items->pdata[i];
			if (item->council == council)
				g_array_append_val(mine, item->letter);
		}
		if (mine->len > 0 || always) {
			struct hold_digest d = { council, mine->len, false, NULL };
			struct letter_from from = { h->conf, council, notice_key(h, report),
						    time(NULL) };
			char *letter = letter_digest(&from, (struct letter_held *)mine->data,
						     mine->len);
			d.sent = send_letter(h, council->review_to, letter, &d.notice_error) == 0;
			g_free(letter);
			g_array_append_val(digests, d);
		}
		g_array_unref(mine);
	}
	*unassigned_r = 0;
	for (guint i = 0; i < items->len; i++)
		*unassigned_r += ((const struct hold_item *)items->pdata[i])->council == NULL;
	g_ptr_array_unref(items);
	*n_r = digests->len;
	*digests_r = (struct hold_digest *)g_array_free(digests, FALSE);
	return 0;
}

/* ---- expiry -------------------------------------------------------------- */

#define DAY (24 * 3600)

/* The reminder to ITEM's council's review_to, and its journal line. */
static int remind(struct hold *h, const struct hold_item *item, const struct actor *actor,
		  time_t expires, struct hold_report *report, const char **error_r)
{
	struct letter_from from = { h->conf, item->council, notice_key(h, report), time(NULL) };
	char *letter = letter_expiry_reminder(&from, &item->letter, expires);
	const char *why, *error;
	int ret = send_letter(h, item->council->review_to, letter, &why);

	g_free(letter);
	if (ret < 0) {
		*error_r = why;
		return -1;
	}
	if (record(h, "remind", item, actor, NULL, HOLD_VERDICT_NONE, item->council->review_to,
		   &error) < 0) {
		*error_r = keep(h, g_strdup_printf("the reminder was sent, but the journal could "
						   "not record it: %s", error));
		return -1;
	}
	return 0;
}

int hold_expire(struct hold *h, time_t now, struct hold_expiry **expiries_r, size_t *n_r,
		struct hold_report *report, const char **error_r)
{
	static const struct actor expiry = { "council-milter", "hold_expiry" };
	time_t keep_for = (time_t)h->conf->daemon.hold_expiry_days * DAY;
	GArray *done = g_array_new(FALSE, TRUE, sizeof(struct hold_expiry));
	size_t others;

	begin(h, report);
	*expiries_r = NULL;
	*n_r = 0;
	if (keep_for == 0) {
		g_array_free(done, TRUE);
		return 0;
	}
	if (journal_writable(h, error_r) < 0) {
		g_array_free(done, TRUE);
		return -1;
	}
	GPtrArray *all = listing(h, error_r);
	if (all == NULL) {
		g_array_free(done, TRUE);
		return -1;
	}
	GPtrArray *items = ours_only(h, all, &others);
	char *note = g_strdup_printf("not reviewed within %u days (hold_expiry)",
				     h->conf->daemon.hold_expiry_days);
	for (guint i = 0; i < items->len; i++) {
		struct hold_item *item = items->pdata[i];
		time_t expires = item->entry->arrival + keep_for;
		struct hold_expiry e = { .item = item };
		struct hold_report one = { 0 };
		const char *error = NULL;

		if (item->council == NULL || item->entry->arrival <= 0 || now < expires - DAY)
			continue;
		if (now < expires) {
			if (item->reminded)
				continue;
			e.action = HOLD_EXPIRY_REMINDED;
			e.done = remind(h, item, &expiry, expires, &one, &error) == 0;
		} else if (item->council->on_hold_expiry == CONF_EXPIRY_RELEASE) {
			e.action = HOLD_EXPIRY_RELEASED;
			e.done = release_item(h, item, &expiry, note, HOLD_VERDICT_NONE, &one,
					      &error) == 0;
		} else {
			e.action = HOLD_EXPIRY_RETURNED;
			e.done = delete_item(h, item, &expiry, note, HOLD_VERDICT_NONE, true, &one,
					     &error) == 0;
			e.notified = one.notified;
			if (e.done && one.notice_error != NULL)
				error = one.notice_error;
		}
		/* A failure's text is util_error's until the next one: keep it. */
		e.error = error != NULL ? keep(h, g_strdup(error)) : NULL;
		if (one.unmarked != NULL)
			report->unmarked = one.unmarked;
		g_array_append_val(done, e);
	}
	g_free(note);
	/* The items the report points at live until the next action. */
	for (guint i = items->len; i-- > 0;)
		g_ptr_array_add(h->items, g_ptr_array_steal_index(items, i));
	g_ptr_array_unref(items);
	h->failure = HOLD_OK;
	*n_r = done->len;
	*expiries_r = (struct hold_expiry *)g_array_free(done, FALSE);
	return 0;
}
