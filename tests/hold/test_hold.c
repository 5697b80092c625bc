/* The hold library on a fake queue: the queue joined with the journal's
   decisions, each action and what it records, the author's notice, the
   digest, and each kind of failure the front ends tell apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "audit/audit.h"
#include "helpers.h"
#include "hold/hold.h"
#include "parser/parser.h"

/* ---- a fake queue -------------------------------------------------------- */

struct fake_queue {
	struct hold_queue q;
	GPtrArray *entries;		/* struct hold_entry *, what is held */
	GString *calls;			/* "release ID\n", "remove ID\n" */
	bool deny;			/* list: refused for lack of permission */
	const char *list_error;		/* list: the tool fails */
	const char *act_error;		/* release, remove: the tool fails */
	char *break_journal;		/* release: make this journal unwritable */
};

static struct fake_queue *fq(struct hold_queue *q)
{
	return (struct fake_queue *)q;
}

static struct hold_entry *entry_copy(const struct hold_entry *e)
{
	struct hold_entry *c = g_new0(struct hold_entry, 1);

	c->queue_id = g_strdup(e->queue_id);
	c->arrival = e->arrival;
	c->size = e->size;
	c->sender = g_strdup(e->sender);
	c->rcpts = g_strdupv(e->rcpts);
	c->n_rcpts = e->n_rcpts;
	return c;
}

static int f_list(struct hold_queue *q, GPtrArray **entries_r, bool *denied_r,
		  const char **error_r)
{
	*denied_r = fq(q)->deny;
	if (fq(q)->deny || fq(q)->list_error != NULL) {
		*error_r = fq(q)->deny ? "postqueue: fatal: User nobody(65534) is not allowed "
			"to view the mail queue" : fq(q)->list_error;
		return -1;
	}
	*entries_r = g_ptr_array_new_with_free_func((GDestroyNotify)hold_entry_free);
	for (guint i = 0; i < fq(q)->entries->len; i++)
		g_ptr_array_add(*entries_r, entry_copy(fq(q)->entries->pdata[i]));
	return 0;
}

static int f_read(struct hold_queue *q, const char *id, char **text_r, size_t *len_r,
		  const char **error_r)
{
	/* The one held by something else: from outside any council. */
	const char *file = strcmp(id, "99AA88BB77") == 0 ? "messages/milter/no-subject.eml" :
		"messages/demo/06-councillor-commits-council-to-pay.eml";

	*text_r = test_read(file, len_r);
	return 0;
}

static int take(struct hold_queue *q, const char *what, const char *id, const char **error_r)
{
	g_string_append_printf(fq(q)->calls, "%s %s\n", what, id);
	if (fq(q)->act_error != NULL) {
		*error_r = fq(q)->act_error;
		return -1;
	}
	for (guint i = 0; i < fq(q)->entries->len; i++)
		if (strcmp(((struct hold_entry *)fq(q)->entries->pdata[i])->queue_id, id) == 0) {
			g_ptr_array_remove_index(fq(q)->entries, i);
			return 0;
		}
	*error_r = "postsuper did not act on it";
	return -1;
}

static int f_release(struct hold_queue *q, const char *id, const char **error_r)
{
	if (fq(q)->break_journal != NULL) {
		/* The disk goes away between the check and the record. */
		g_unlink(fq(q)->break_journal);
		g_mkdir(fq(q)->break_journal, 0700);
	}
	return take(q, "release", id, error_r);
}

static int f_remove(struct hold_queue *q, const char *id, const char **error_r)
{
	return take(q, "remove", id, error_r);
}

static void f_free(struct hold_queue *q)
{
	/* The test owns the fake: it looks at it after hold_free. */
}

static void fake_add(struct fake_queue *f, const char *id, time_t arrival, const char *sender,
		     const char *rcpt)
{
	struct hold_entry *e = g_new0(struct hold_entry, 1);

	e->queue_id = g_strdup(id);
	e->arrival = arrival;
	e->sender = g_strdup(sender);
	e->rcpts = g_new0(char *, 2);
	e->rcpts[0] = g_strdup(rcpt);
	e->n_rcpts = 1;
	g_ptr_array_add(f->entries, e);
}

/* ---- the fixture: a config, a journal, a fake queue ---------------------- */

struct fixture {
	char *root, *journal;
	struct conf *conf;
	struct fake_queue fake;
	struct hold *hold;
};

static const struct actor clerk = { "tom", "sudo" };

/* The daemon's decision to hold ID, as engine_journal_line writes it. */
static void decision(struct fixture *f, const char *id, const char *action,
		     const char *council, const char *author, const char *subject)
{
	struct journal *j;
	const char *error;
	JsonBuilder *b = journal_line_begin("decision");

	journal_add_string(b, "queue_id", id);
	journal_add_string(b, "message_id", "m-" "1@example.org");
	journal_add_string(b, "council", council);
	journal_add_string(b, "author", author);
	journal_add_string(b, "author_name", "Ann Jones");
	journal_add_string(b, "submitter", author);
	journal_add_string(b, "subject", subject);
	json_builder_set_member_name(b, "findings");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	journal_add_string(b, "rule", "obligation-in-member-name");
	journal_add_string(b, "action", "hold");
	journal_add_string(b, "clause", "12.2");
	journal_add_string(b, "evidence", "phrase \"the council will pay\" in body line 4");
	json_builder_end_object(b);
	json_builder_end_array(b);
	journal_add_string(b, "action", action);
	journal_add_string(b, "hold_reason", "obligation-in-member-name (clause 12.2)");
	char *line = journal_line_end(b);
	if (journal_open(f->journal, &j, &error) < 0 || journal_append(j, line, false, &error) < 0)
		fail_msg("writing the journal: %s", error);
	journal_close(&j);
	g_free(line);
}

static int setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->root = test_tmpdir();
	f->journal = g_build_filename(f->root, "journal.jsonl", NULL);
	f->conf = test_conf("hold", f->root, "JOURNAL", f->journal, NULL);
	g_free(test_fake_sendmail(f->root));
	f->fake.q = (struct hold_queue){ f_list, f_read, f_release, f_remove, f_free };
	f->fake.entries = g_ptr_array_new_with_free_func((GDestroyNotify)hold_entry_free);
	f->fake.calls = g_string_new(NULL);
	fake_add(&f->fake, "A1B2C3D4E5", 1700000000, "cllr.jones@ashcombe-pc.gov.uk",
		 "accounts@benchcraft.example.com");
	fake_add(&f->fake, "0F1E2D3C4B", 1700000100, "cllr.shah@bramley-tc.gov.uk",
		 "press@bramley-gazette.example.com");
	fake_add(&f->fake, "99AA88BB77", 1690000000, "someone@example.org",
		 "clerk@ashcombe-pc.gov.uk");
	decision(f, "A1B2C3D4E5", "hold", "Ashcombe Parish Council",
		 "cllr.jones@ashcombe-pc.gov.uk", "Bench repairs on the green");
	decision(f, "0F1E2D3C4B", "hold", "Bramley Town Council", "cllr.shah@bramley-tc.gov.uk",
		 "Press statement");
	f->hold = hold_new(f->conf, &f->fake.q);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hold_free(&f->hold);
	conf_unref(&f->conf);
	g_ptr_array_unref(f->fake.entries);
	g_string_free(f->fake.calls, TRUE);
	g_rmdir(f->journal);		/* when a test made it a folder */
	g_free(f->fake.break_journal);
	g_free(f->journal);
	test_rmdir(&f->root);
	g_free(f);
	return 0;
}

/* The journal's last line, parsed (json_object_unref). */
static JsonObject *last_line(const struct fixture *f)
{
	char *text = NULL;

	if (!g_file_get_contents(f->journal, &text, NULL, NULL))
		fail_msg("cannot read the journal %s", f->journal);
	char **lines = g_strsplit(g_strstrip(text), "\n", -1);
	guint n = g_strv_length(lines);
	JsonParser *p = json_parser_new();

	if (n == 0 || !json_parser_load_from_data(p, lines[n - 1], -1, NULL))
		fail_msg("the journal %s has no last line", f->journal);
	JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(p)));
	g_object_unref(p);
	g_strfreev(lines);
	g_free(text);
	return o;
}

static const char *str(JsonObject *o, const char *name)
{
	return json_object_has_member(o, name) && !json_object_get_null_member(o, name) ?
		json_object_get_string_member(o, name) : "(null)";
}

/* ---- the tests ----------------------------------------------------------- */

/* The queue joined with the journal, oldest first: what the daemon decided
   (council, evidence, hold reason) is with each held message it held; what
   something else held (99AA88BB77: no decision in the journal) is left out
   and counted. */
static void test_list(void **state)
{
	struct fixture *f = *state;
	GPtrArray *items;
	const char *error;
	size_t others;

	if (hold_list(f->hold, &items, &others, &error) < 0)
		fail_msg("hold_list: %s", error);
	assert_int_equal(others, 1);
	GString *got = g_string_new(NULL);
	for (guint i = 0; i < items->len; i++) {
		const struct hold_item *it = items->pdata[i];
		g_string_append_printf(got, "%s %s %s %zu;", it->entry->queue_id,
				       it->in_journal ? "journal" : "-",
				       it->council != NULL ? it->council->name : "none",
				       it->letter.n_findings);
	}
	const char *want = "A1B2C3D4E5 journal Ashcombe Parish Council 1;"
		"0F1E2D3C4B journal Bramley Town Council 1;";
	if (strcmp(got->str, want) != 0)
		fail_msg("list:\ngot  %s\nwant %s", got->str, want);
	const struct hold_item *a = items->pdata[0];
	if (g_strcmp0(a->letter.findings[0].evidence,
		      "phrase \"the council will pay\" in body line 4") != 0 ||
	    g_strcmp0(a->hold_reason, "obligation-in-member-name (clause 12.2)") != 0 ||
	    g_strcmp0(a->letter.subject, "Bench repairs on the green") != 0)
		fail_msg("A1B2C3D4E5: got evidence [%s], reason [%s], subject [%s]",
			 a->letter.findings[0].evidence, a->hold_reason, a->letter.subject);
	g_string_free(got, TRUE);
	g_ptr_array_unref(items);
}

/* Release: the queue lets it go, and the journal says who, how, and the
   note; a message not held is refused and nothing is done. */
static void test_release(void **state)
{
	struct fixture *f = *state;
	struct hold_report report;
	const char *error;

	if (hold_release(f->hold, "A1B2C3D4E5", &clerk, "Confirmed by phone",
			 HOLD_VERDICT_BREACH_ALLOWED, &report, &error) < 0)
		fail_msg("hold_release: %s", error);
	if (strcmp(f->fake.calls->str, "release A1B2C3D4E5\n") != 0 || !report.done)
		fail_msg("queue calls: got [%s] (done %d), want one release", f->fake.calls->str,
			 report.done);
	JsonObject *o = last_line(f);
	char *got = g_strdup_printf("%s %s %s by=%s via=%s note=%s verdict=%s", str(o, "event"),
				    str(o, "action"), str(o, "queue_id"), str(o, "by"),
				    str(o, "via"), str(o, "note"), str(o, "verdict"));
	if (strcmp(got, "review release A1B2C3D4E5 by=tom via=sudo "
		   "note=Confirmed by phone verdict=breach-allowed") != 0 ||
	    !json_object_has_member(o, "account"))
		fail_msg("journal: got %s", got);
	g_free(got);
	json_object_unref(o);

	g_string_truncate(f->fake.calls, 0);
	assert_int_equal(hold_release(f->hold, "A1B2C3D4E5", &clerk, NULL,
				      HOLD_VERDICT_NONE, &report, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_NOT_HELD);
	if (strstr(error, "A1B2C3D4E5 is not in the hold queue") == NULL || report.done ||
	    f->fake.calls->len != 0)
		fail_msg("again: got [%s], calls [%s]; want not held, nothing done", error,
			 f->fake.calls->str);
}

/* Each failure is told apart, and nothing is done that cannot be recorded. */
static void test_failures(void **state)
{
	struct fixture *f = *state;
	struct hold_report report;
	GPtrArray *items;
	const char *error;

	f->fake.deny = true;
	assert_int_equal(hold_list(f->hold, &items, NULL, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_DENIED);
	f->fake.deny = false;

	f->fake.list_error = "postqueue: fatal: Queue report unavailable - mail system is down";
	assert_int_equal(hold_list(f->hold, &items, NULL, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_QUEUE_FAILED);
	if (strstr(error, "cannot list the hold queue: postqueue: fatal: Queue report "
		   "unavailable") == NULL)
		fail_msg("the tool's words: got [%s]", error);
	f->fake.list_error = NULL;

	/* The journal cannot be read (a link to itself; as root, modes would
	   not stop us). */
	char *moved = g_strconcat(f->journal, ".saved", NULL);
	g_rename(f->journal, moved);
	assert_int_equal(symlink(f->journal, f->journal), 0);
	assert_int_equal(hold_list(f->hold, &items, NULL, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_JOURNAL_UNREADABLE);
	g_unlink(f->journal);
	g_rename(moved, f->journal);
	g_free(moved);

	/* The journal cannot be written: nothing is done. */
	struct conf *conf = test_conf("hold", f->root, "JOURNAL",
				      "/nonexistent-council-dir/journal.jsonl", NULL);
	struct hold *h = hold_new(conf, &f->fake.q);
	conf_unref(&conf);
	assert_int_equal(hold_release(h, "A1B2C3D4E5", &clerk, NULL,
				      HOLD_VERDICT_NONE, &report, &error), -1);
	assert_int_equal(hold_failure(h), HOLD_JOURNAL_UNWRITABLE);
	if (strstr(error, "nothing was done") == NULL || f->fake.calls->len != 0 || report.done)
		fail_msg("journal unwritable: got [%s], calls [%s]", error, f->fake.calls->str);
	hold_free(&h);

	/* The tool fails: not released, nothing recorded. */
	f->fake.act_error = "postsuper: fatal: A1B2C3D4E5: no such file";
	assert_int_equal(hold_release(f->hold, "A1B2C3D4E5", &clerk, NULL,
				      HOLD_VERDICT_NONE, &report, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_QUEUE_FAILED);
	JsonObject *o = last_line(f);
	if (report.done || strstr(error, "A1B2C3D4E5 was not released: postsuper") == NULL ||
	    strcmp(str(o, "event"), "decision") != 0)
		fail_msg("tool failed: got [%s], done %d, last journal line %s", error,
			 report.done, str(o, "event"));
	json_object_unref(o);
	f->fake.act_error = NULL;

	/* Released, and then the journal cannot record it: done, and said. */
	f->fake.break_journal = g_strdup(f->journal);
	assert_int_equal(hold_release(f->hold, "A1B2C3D4E5", &clerk, NULL,
				      HOLD_VERDICT_NONE, &report, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_JOURNAL_UNWRITABLE);
	if (!report.done || strstr(error, "was released, but the journal could not record it") ==
	    NULL)
		fail_msg("after the release: got [%s] done %d", error, report.done);
}

/* Delete: the queue deletes it, its author (a person of the council) is
   sent the note and the reasons, the journal says whom it told. */
static void test_delete(void **state)
{
	struct fixture *f = *state;
	struct hold_report report;
	struct marker_key *key;
	const char *error;
	char *key_path = g_build_filename(f->root, "notice.key", NULL);

	if (marker_key_load(key_path, true, &key, &error) < 0)
		fail_msg("notice key: %s", error);
	marker_key_free(&key);
	if (hold_delete(f->hold, "A1B2C3D4E5", &clerk, "Please ask me to order it.",
			HOLD_VERDICT_BREACH, &report, &error) < 0)
		fail_msg("hold_delete: %s", error);
	if (strcmp(f->fake.calls->str, "remove A1B2C3D4E5\n") != 0 ||
	    g_strcmp0(report.notified, "cllr.jones@ashcombe-pc.gov.uk") != 0 ||
	    report.notice_error != NULL || report.unmarked != NULL)
		fail_msg("delete: calls [%s], notified %s, notice error %s, unmarked %s",
			 f->fake.calls->str, report.notified, report.notice_error,
			 report.unmarked);
	GPtrArray *sent = test_sent(f->root);
	assert_int_equal(sent->len, 1);
	const char *letter = json_object_get_string_member(sent->pdata[0], "stdin");
	char **words = g_strsplit_set(letter, " \n", -1);
	char *flat = g_strjoinv(" ", words);

	g_strfreev(words);
	if (strstr(flat, "Please ask me to order it.") == NULL ||
	    strstr(letter, "Council-Policy-Notice: v") == NULL)
		fail_msg("the author's notice: got\n%s\nwant the note, marked", letter);
	g_free(flat);
	g_ptr_array_unref(sent);
	JsonObject *o = last_line(f);
	if (strcmp(str(o, "action"), "delete") != 0 ||
	    strcmp(str(o, "notified"), "cllr.jones@ashcombe-pc.gov.uk") != 0 ||
	    strcmp(str(o, "verdict"), "breach") != 0)
		fail_msg("journal: action %s, notified %s, verdict %s", str(o, "action"),
			 str(o, "notified"), str(o, "verdict"));
	json_object_unref(o);
	g_free(key_path);
}

/* A notice that cannot be sent (sendmail fails) is reported: the message
   is deleted all the same, and the journal does not claim a notice. */
static void test_delete_notice_fails(void **state)
{
	struct fixture *f = *state;
	struct hold_report report;
	const char *error;
	char *status = g_build_filename(f->root, "status", NULL);

	g_file_set_contents(status, "75\n", -1, NULL);
	assert_int_equal(hold_delete(f->hold, "A1B2C3D4E5", &clerk, "No.", HOLD_VERDICT_NONE,
				     &report, &error), 0);
	if (!report.done || report.notified != NULL || report.notice_error == NULL ||
	    strstr(report.notice_error, "the notice to cllr.jones@ashcombe-pc.gov.uk was not "
		   "sent") == NULL || report.unmarked == NULL)
		fail_msg("got done %d, notified %s, notice error [%s], unmarked [%s]",
			 report.done, report.notified, report.notice_error, report.unmarked);
	JsonObject *o = last_line(f);
	assert_false(json_object_has_member(o, "notified"));
	json_object_unref(o);
	g_unlink(status);
	g_free(status);
}

/* Show: the text as its recipients would get it, and the showing recorded. */
static void test_show(void **state)
{
	struct fixture *f = *state;
	struct hold_report report;
	struct hold_item *item;
	const char *error;
	char *text;
	size_t len;

	if (hold_show(f->hold, "0F1E2D3C4B", &clerk, &item, &text, &len, &report, &error) < 0)
		fail_msg("hold_show: %s", error);
	if (strstr(text, "the council will pay") == NULL ||
	    strcmp(item->council->name, "Bramley Town Council") != 0 || report.warning != NULL)
		fail_msg("show: council %s, warning %s", item->council->name, report.warning);
	JsonObject *o = last_line(f);
	assert_string_equal(str(o, "action"), "show");
	json_object_unref(o);
	hold_item_free(item);
	g_free(text);
}

/* The digest: each council with something held hears of it; ALWAYS: every
   council, with nothing held too. */
static void test_digest(void **state)
{
	struct fixture *f = *state;
	struct hold_digest *d;
	struct hold_report report;
	size_t n, unassigned;
	const char *error;

	g_ptr_array_remove_index(f->fake.entries, 1);	/* nothing held for Bramley */
	if (hold_digest(f->hold, false, &d, &n, &unassigned, &report, &error) < 0)
		fail_msg("hold_digest: %s", error);
	if (n != 1 || strcmp(d[0].council->name, "Ashcombe Parish Council") != 0 ||
	    d[0].n_held != 1 || !d[0].sent)
		fail_msg("digest: got %zu digests, the first %s with %zu held, sent %d", n,
			 n > 0 ? d[0].council->name : "-", n > 0 ? d[0].n_held : 0,
			 n > 0 ? d[0].sent : 0);
	g_free(d);
	GPtrArray *sent = test_sent(f->root);
	if (sent->len != 1 || strstr(json_object_get_string_member(sent->pdata[0], "stdin"),
				     "1 message held for review at Ashcombe") == NULL)
		fail_msg("digest letters: got %u", sent->len);
	g_ptr_array_unref(sent);

	if (hold_digest(f->hold, true, &d, &n, &unassigned, &report, &error) < 0)
		fail_msg("hold_digest --always: %s", error);
	if (n != 2 || d[1].n_held != 0 || !d[1].sent)
		fail_msg("digest --always: got %zu digests", n);
	g_free(d);
}

/* Only what council-milter held is acted on (issue 15, finding 10): a
   message something else held is refused and left in the queue, and so is
   one whose queue id the journal knows from an earlier message (a decision
   dated before it arrived, or a hold already released). */
static void test_only_ours(void **state)
{
	struct fixture *f = *state;
	struct hold_report report;
	const char *error;
	time_t later = time(NULL) + 3600;

	assert_int_equal(hold_release(f->hold, "99AA88BB77", &clerk, NULL,
				      HOLD_VERDICT_NONE, &report, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_NOT_HELD);
	if (strstr(error, "99AA88BB77 was not held by council-milter") == NULL ||
	    f->fake.calls->len != 0 || report.done)
		fail_msg("held by something else: got [%s], calls [%s]", error,
			 f->fake.calls->str);

	/* A1B2C3D4E5 again, arriving after its old decision was written. */
	g_ptr_array_remove_index(f->fake.entries, 0);
	fake_add(&f->fake, "A1B2C3D4E5", later, "x@example.org", "y@example.org");
	assert_int_equal(hold_delete(f->hold, "A1B2C3D4E5", &clerk, "No.",
				     HOLD_VERDICT_NONE, &report, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_NOT_HELD);

	/* 0F1E2D3C4B released by the Clerk, then held again by something else. */
	if (hold_release(f->hold, "0F1E2D3C4B", &clerk, NULL,
			 HOLD_VERDICT_NONE, &report, &error) < 0)
		fail_msg("release: %s", error);
	fake_add(&f->fake, "0F1E2D3C4B", 1700000100, "x@example.org", "y@example.org");
	GPtrArray *items;
	size_t others;
	assert_int_equal(hold_list(f->hold, &items, &others, &error), 0);
	if (items->len != 0 || others != 3)
		fail_msg("list: got %u of ours and %zu others, want 0 and 3", items->len, others);
	g_ptr_array_unref(items);
	assert_string_equal(f->fake.calls->str, "release 0F1E2D3C4B\n");
}

/* A hold scoped to one council (--council, as a Clerk's sudo rule pins it)
   lists, shows, acts on and digests that council's held mail only. */
static void test_scope(void **state)
{
	struct fixture *f = *state;
	struct hold_report report;
	struct hold_digest *d;
	GPtrArray *items;
	const char *error;
	size_t others, n, unassigned;

	assert_ptr_equal(hold_find_council(f->conf, "ashcombe-pc.gov.uk"), &f->conf->councils[0]);
	assert_ptr_equal(hold_find_council(f->conf, "bramley town council"),
			 &f->conf->councils[1]);
	assert_null(hold_find_council(f->conf, "ashcombe"));
	hold_set_scope(f->hold, hold_find_council(f->conf, "ashcombe-pc.gov.uk"));

	assert_int_equal(hold_list(f->hold, &items, &others, &error), 0);
	if (items->len != 1 || others != 2 ||
	    strcmp(((struct hold_item *)items->pdata[0])->entry->queue_id, "A1B2C3D4E5") != 0)
		fail_msg("scoped list: got %u (others %zu), want A1B2C3D4E5 alone", items->len,
			 others);
	g_ptr_array_unref(items);

	assert_int_equal(hold_release(f->hold, "0F1E2D3C4B", &clerk, NULL,
				      HOLD_VERDICT_NONE, &report, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_NOT_YOURS);
	if (strstr(error, "0F1E2D3C4B is not held for Ashcombe Parish Council") == NULL ||
	    f->fake.calls->len != 0)
		fail_msg("another council's: got [%s], calls [%s]", error, f->fake.calls->str);
	struct hold_item *item;
	char *text;
	size_t len;
	assert_int_equal(hold_show(f->hold, "0F1E2D3C4B", &clerk, &item, &text, &len, &report,
				   &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_NOT_YOURS);

	assert_int_equal(hold_digest(f->hold, true, &d, &n, &unassigned, &report, &error), 0);
	if (n != 1 || d[0].council != &f->conf->councils[0] || d[0].n_held != 1)
		fail_msg("scoped digest: got %zu digests", n);
	g_free(d);
}

/* A reviewer of several councils sees and acts on theirs, and no other's;
   of none, on nothing. */
static void test_scopes(void **state)
{
	struct fixture *f = *state;
	const struct conf_council *both[] = { &f->conf->councils[1], &f->conf->councils[0] };
	struct hold_report report;
	GPtrArray *items;
	const char *error;
	size_t others;

	hold_set_scopes(f->hold, both, 2);
	assert_int_equal(hold_list(f->hold, &items, &others, &error), 0);
	if (items->len != 2 || others != 1)
		fail_msg("two councils: got %u (others %zu), want 2 and 1", items->len, others);
	g_ptr_array_unref(items);
	hold_set_scopes(f->hold, both, 0);
	assert_int_equal(hold_list(f->hold, &items, &others, &error), 0);
	if (items->len != 0 || others != 3)
		fail_msg("no council: got %u (others %zu), want 0 and 3", items->len, others);
	g_ptr_array_unref(items);
	assert_int_equal(hold_release(f->hold, "A1B2C3D4E5", &clerk, NULL, HOLD_VERDICT_NONE,
				      &report, &error), -1);
	assert_int_equal(hold_failure(f->hold), HOLD_NOT_YOURS);
	if (strstr(error, "is not held for a council you review") == NULL ||
	    f->fake.calls->len != 0)
		fail_msg("no council: got [%s], calls [%s]", error, f->fake.calls->str);
	hold_set_scope(f->hold, NULL);
	assert_int_equal(hold_list(f->hold, &items, &others, &error), 0);
	assert_int_equal(items->len, 2);
	g_ptr_array_unref(items);
}

/* The verdicts' words, both ways. */
static void test_verdicts(void **state)
{
	static const char *const names[] = { "breach", "breach-allowed", "no-breach" };
	enum hold_verdict v;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(hold_verdict_parse(names[i], &v), 0);
		assert_string_equal(hold_verdict_name(v), names[i]);
	}
	assert_string_equal(hold_verdict_words(HOLD_VERDICT_NO_BREACH),
			    "no breach: the filter was wrong");
	assert_int_equal(hold_verdict_parse("Breach", &v), -1);
	assert_int_equal(hold_verdict_parse(NULL, &v), -1);
	assert_null(hold_verdict_name(HOLD_VERDICT_NONE));
}

#define DAY (24 * 3600)

/* A letter sendmail was given, its lines run together (g_free). */
static char *flat_letter(JsonObject *run)
{
	char **words = g_strsplit_set(json_object_get_string_member(run, "stdin"), " \t\n", -1);
	char *flat = g_strjoinv(" ", words);

	g_strfreev(words);
	return flat;
}

/* The journal's lines of EVENT and ACTION as "queue_id by via
   [notified]", one per line. */
static char *journal_of(struct fixture *f, const char *action)
{
	GString *out = g_string_new(NULL);
	char *text = NULL;

	g_file_get_contents(f->journal, &text, NULL, NULL);
	char **lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	JsonParser *p = json_parser_new();
	for (char **l = lines; *l != NULL; l++) {
		if (**l == '\0' || !json_parser_load_from_data(p, *l, -1, NULL))
			continue;
		JsonObject *o = json_node_get_object(json_parser_get_root(p));
		if (strcmp(str(o, "event"), "review") == 0 && strcmp(str(o, "action"), action) == 0)
			g_string_append_printf(out, "%s %s %s %s\n", str(o, "queue_id"),
					       str(o, "by"), str(o, "via"), str(o, "notified"));
	}
	g_object_unref(p);
	g_strfreev(lines);
	g_free(text);
	return g_string_free(out, FALSE);
}

/* hold_expiry (7 days): a day before, review_to is reminded, once; after
   it, Ashcombe's message is returned to its author with the expiry notice,
   and Bramley's (on_hold_expiry = "release") delivered; each in the
   journal as council-milter's hold_expiry. */
static void test_expire(void **state)
{
	struct fixture *f = *state;
	struct hold_expiry *done;
	struct hold_report report;
	const char *error;
	size_t n;

	/* Six days and a half: both within a day of it. */
	assert_int_equal(hold_expire(f->hold, 1700000000 + 6 * DAY + DAY / 2, &done, &n, &report,
				     &error), 0);
	if (n != 2 || done[0].action != HOLD_EXPIRY_REMINDED || !done[0].done ||
	    done[1].action != HOLD_EXPIRY_REMINDED || !done[1].done || f->fake.calls->len != 0)
		fail_msg("a day before: got %zu, calls [%s]", n, f->fake.calls->str);
	g_free(done);
	char *got = journal_of(f, "remind");
	assert_string_equal(got, "A1B2C3D4E5 council-milter hold_expiry clerk@ashcombe-pc.gov.uk\n"
			    "0F1E2D3C4B council-milter hold_expiry review@bramley-tc.gov.uk\n");
	g_free(got);
	GPtrArray *sent = test_sent(f->root);
	assert_int_equal(sent->len, 2);
	const char *letter;
	char *flat = flat_letter(sent->pdata[0]);
	if (strstr(flat, "returned to its author unsent") == NULL)
		fail_msg("Ashcombe's reminder: got\n%s", flat);
	g_free(flat);
	flat = flat_letter(sent->pdata[1]);
	if (strstr(flat, "it will be released") == NULL)
		fail_msg("Bramley's reminder: got\n%s", flat);
	g_free(flat);
	g_ptr_array_unref(sent);

	/* Once only. */
	assert_int_equal(hold_expire(f->hold, 1700000000 + 6 * DAY + DAY / 2 + 600, &done, &n,
				     &report, &error), 0);
	assert_int_equal(n, 0);
	g_free(done);

	/* Past it: returned and released. */
	assert_int_equal(hold_expire(f->hold, 1700000100 + 7 * DAY, &done, &n, &report, &error),
			 0);
	if (n != 2 || done[0].action != HOLD_EXPIRY_RETURNED || !done[0].done ||
	    g_strcmp0(done[0].notified, "cllr.jones@ashcombe-pc.gov.uk") != 0 ||
	    done[1].action != HOLD_EXPIRY_RELEASED || !done[1].done)
		fail_msg("after it: got %zu: %d %d %s", n, n > 0 ? (int)done[0].action : -1,
			 n > 0 ? done[0].done : -1, n > 0 ? done[0].notified : "-");
	g_free(done);
	assert_string_equal(f->fake.calls->str, "remove A1B2C3D4E5\nrelease 0F1E2D3C4B\n");
	got = journal_of(f, "delete");
	assert_string_equal(got, "A1B2C3D4E5 council-milter hold_expiry "
			    "cllr.jones@ashcombe-pc.gov.uk\n");
	g_free(got);
	got = journal_of(f, "release");
	assert_string_equal(got, "0F1E2D3C4B council-milter hold_expiry (null)\n");
	g_free(got);
	sent = test_sent(f->root);
	bool told = false;
	for (guint i = 0; i < sent->len; i++) {
		letter = json_object_get_string_member(sent->pdata[i], "stdin");
		flat = flat_letter(sent->pdata[i]);
		told |= strstr(flat, "nobody reviewed it within 7 days") != NULL &&
			strstr(letter, "To: <cllr.jones@ashcombe-pc.gov.uk>") != NULL;
		g_free(flat);
	}
	assert_true(told);
	g_ptr_array_unref(sent);
}

/* Expiry keeps to the scope, and leaves alone what is not due. */
static void test_expire_scope(void **state)
{
	struct fixture *f = *state;
	struct hold_expiry *done;
	struct hold_report report;
	const char *error;
	size_t n;

	assert_int_equal(hold_expire(f->hold, 1700000000 + 5 * DAY, &done, &n, &report, &error),
			 0);
	assert_int_equal(n, 0);
	g_free(done);
	hold_set_scope(f->hold, &f->conf->councils[1]);
	assert_int_equal(hold_expire(f->hold, 1700000100 + 8 * DAY, &done, &n, &report, &error),
			 0);
	if (n != 1 || strcmp(done[0].item->entry->queue_id, "0F1E2D3C4B") != 0)
		fail_msg("scoped to Bramley: got %zu", n);
	g_free(done);
	assert_string_equal(f->fake.calls->str, "release 0F1E2D3C4B\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_notice_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scopes, setup, teardown),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_scope, setup, teardown),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return failed;
}
