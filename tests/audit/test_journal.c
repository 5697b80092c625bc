/* The audit journal: lines never interleave under concurrent writers and
   reopens, a rotated file is let go on reopen, the engine writes one line per
   decision with what the Clerk needs, and a failed write turns the verdict
   into a tempfail (or, configured so, lets it stand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "helpers.h"
#include "audit/audit.h"
#include "parser/parser.h"

#define WRITERS 8
#define LINES_EACH 400
#define REOPENS 200

struct writer {
	struct journal *journal;
	int id;
	int failures;
};

/* Lines of very different lengths (up to ~20 KB, past a pipe or page). */
static char *test_line(int writer, int seq)
{
	JsonBuilder *b = journal_line_begin("test");
	size_t pad = (size_t)((seq * 7919 + writer * 104729) % 20000);
	char *padding = g_strnfill(pad, (char)('a' + writer));

	json_builder_set_member_name(b, "writer");
	json_builder_add_int_value(b, writer);
	json_builder_set_member_name(b, "seq");
	json_builder_add_int_value(b, seq);
	journal_add_string(b, "pad", padding);
	g_free(padding);
	return journal_line_end(b);
}

static void *write_lines(void *arg)
{
	struct writer *w = arg;

	for (int seq = 0; seq < LINES_EACH; seq++) {
		char *line = test_line(w->id, seq);
		const char *error;
		if (journal_append(w->journal, line, seq % 50 == 0, &error) < 0) {
			print_error("writer %d line %d: %s\n", w->id, seq, error);
			w->failures++;
		}
		g_free(line);
	}
	return NULL;
}

static void *reopen_often(void *arg)
{
	struct writer *w = arg;

	for (int i = 0; i < REOPENS; i++) {
		const char *error;
		if (journal_reopen(w->journal, &error) < 0) {
			print_error("reopen %d: %s\n", i, error);
			w->failures++;
		}
	}
	return NULL;
}

struct seen {
	int count[WRITERS][LINES_EACH];
	int bad;
	int lines;
};

static bool check_line(JsonObject *o, void *ctx)
{
	struct seen *s = ctx;
	int w = (int)json_object_get_int_member_with_default(o, "writer", -1);
	int seq = (int)json_object_get_int_member_with_default(o, "seq", -1);
	const char *pad = json_object_get_string_member_with_default(o, "pad", "");
	const char *event = json_object_get_string_member_with_default(o, "event", "");

	s->lines++;
	if (w < 0 || w >= WRITERS || seq < 0 || seq >= LINES_EACH || strcmp(event, "test") != 0 ||
	    strlen(pad) != (size_t)((seq * 7919 + w * 104729) % 20000) ||
	    strspn(pad, (char[]){ (char)('a' + w), 0 }) != strlen(pad)) {
		s->bad++;
		return true;
	}
	s->count[w][seq]++;
	return true;
}

/* Many writers and a thread reopening all the while: every line whole,
   each exactly once. */
static void test_concurrent(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	const char *error;
	struct journal *journal;
	struct writer w[WRITERS + 1];
	GThread *threads[WRITERS + 1];
	struct seen *seen = g_new0(struct seen, 1);

	if (journal_open(path, &journal, &error) < 0)
		fail_msg("journal_open: %s", error);
	for (int i = 0; i <= WRITERS; i++) {
		w[i] = (struct writer){ journal, i, 0 };
		threads[i] = g_thread_new("journal", i < WRITERS ? write_lines : reopen_often,
					  &w[i]);
	}
	for (int i = 0; i <= WRITERS; i++) {
		g_thread_join(threads[i]);
		assert_int_equal(w[i].failures, 0);
	}
	journal_close(&journal);
	assert_null(journal);

	if (journal_foreach(path, check_line, seen, &error) < 0)
		fail_msg("journal_foreach: %s", error);
	char *text;
	size_t len;
	assert_true(g_file_get_contents(path, &text, &len, NULL));
	size_t newlines = 0;
	for (size_t i = 0; i < len; i++)
		newlines += text[i] == '\n';
	g_free(text);
	if (seen->lines != WRITERS * LINES_EACH || seen->bad != 0 ||
	    newlines != (size_t)(WRITERS * LINES_EACH))
		fail_msg("lines: got %d parsed (%d broken), %zu newlines; want %d whole lines",
			 seen->lines, seen->bad, newlines, WRITERS * LINES_EACH);
	for (int i = 0; i < WRITERS; i++)
		for (int k = 0; k < LINES_EACH; k++)
			if (seen->count[i][k] != 1)
				fail_msg("writer %d line %d: got it %d times, want once", i, k,
					 seen->count[i][k]);
	g_free(seen);
	g_free(path);
	test_rmdir(&root);
}

static bool count_line(JsonObject *o, void *ctx)
{
	(*(int *)ctx)++;
	return true;
}

static int lines_in(const char *path)
{
	int n = 0;
	const char *error;

	if (journal_foreach(path, count_line, &n, &error) < 0)
		return -1;
	return n;
}

/* logrotate renames the file: the next line goes to a new file under the
   configured name, SIGUSR1 (journal_reopen) or not, so that the daemon and
   council-review, which opens the name each time, write one chain. */
static void test_rotation(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	char *old = g_strconcat(path, ".1", NULL), *older = g_strconcat(path, ".2", NULL);
	const char *error;
	struct journal *journal;

	assert_int_equal(journal_open(path, &journal, &error), 0);
	assert_int_equal(journal_append(journal, "{\"n\":1}", false, &error), 0);
	assert_int_equal(g_rename(path, old), 0);
	assert_int_equal(journal_append(journal, "{\"n\":2}", true, &error), 0);
	if (lines_in(old) != 1 || lines_in(path) != 1)
		fail_msg("after a rename: got %d lines in the old file and %d in the new, want 1 "
			 "and 1", lines_in(old), lines_in(path));
	assert_int_equal(g_rename(old, older), 0);
	assert_int_equal(g_rename(path, old), 0);
	assert_int_equal(journal_reopen(journal, &error), 0);
	assert_int_equal(journal_append(journal, "{\"n\":3}", true, &error), 0);
	if (lines_in(older) != 1 || lines_in(old) != 1 || lines_in(path) != 1)
		fail_msg("after rotation and reopen: got %d, %d and %d lines, want 1 in each",
			 lines_in(older), lines_in(old), lines_in(path));
	/* A line with a line break would break the one-line-per-record rule. */
	assert_int_equal(journal_append(journal, "{\"n\":\n4}", false, &error), -1);
	assert_non_null(strstr(error, "line break"));
	journal_close(&journal);
	g_free(path);
	g_free(old);
	g_free(older);
	test_rmdir(&root);
}

/* ---- through the engine -------------------------------------------------- */

static struct engine *journal_engine(const char *root, const char *journal, const char *failure)
{
	struct conf *conf = test_conf("journal", root, "JOURNAL", journal, "FAILURE", failure,
				      "NOTIFY", "true", NULL);
	struct engine *engine;
	const char *error;

	if (engine_new(conf, false, true, &engine, &error) < 0)
		fail_msg("engine_new: %s", error);
	conf_unref(&conf);
	return engine;
}

static JsonObject *last_line(const char *path, JsonParser *parser)
{
	char *text;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("cannot read %s", path);
	char **lines = g_strsplit(g_strchomp(text), "\n", -1);
	guint n = g_strv_length(lines);
	assert_true(n > 0);
	if (!json_parser_load_from_data(parser, lines[n - 1], -1, NULL))
		fail_msg("last journal line is not JSON: %s", lines[n - 1]);
	g_strfreev(lines);
	g_free(text);
	return json_node_get_object(json_parser_get_root(parser));
}

static const char *str(JsonObject *o, const char *name)
{
	return json_object_get_string_member_with_default(o, name, "(missing)");
}

/* One line per decision, with the envelope, the author, the findings with
   their evidence, and the action. */
static void test_decision_lines(void **state)
{
	static const char *const to_supplier[] = { "accounts@benchcraft.example.com", NULL };
	static const char *const bcc[] = { "clerk@ashcombe-pc.gov.uk",
					   "cllr.jones@ashcombe-pc.gov.uk", NULL };
	static const char *const to_resident[] = { "m.wood@example.org", NULL };
	static const struct {
		const char *fixture, *from;
		const char *const *rcpts;
		const char *auth;
		const char *action, *rule, *evidence, *message_id, *author, *subject;
	} cases[] = {
		{ "messages/demo/06-councillor-commits-council-to-pay.eml",
		  "cllr.smith@ashcombe-pc.gov.uk", to_supplier, "jsmith", "hold",
		  "obligation-in-member-name", "the council will pay",
		  "demo-06.obligation@ashcombe-pc.gov.uk", "cllr.smith@ashcombe-pc.gov.uk",
		  "Bench repairs on the green" },
		{ "messages/demo/02-councillor-blind-copies-councillor.eml",
		  "cllr.smith@ashcombe-pc.gov.uk", bcc, NULL, "annotate", "silent-copy",
		  "cllr.jones@ashcombe-pc.gov.uk", "demo-02.bcc@ashcombe-pc.gov.uk",
		  "cllr.smith@ashcombe-pc.gov.uk", "Playground inspection report" },
		{ "messages/demo/01-clean-clerk-replies-to-resident.eml", "clerk@ashcombe-pc.gov.uk",
		  to_resident, NULL, "accept", NULL, NULL, "demo-01.clean@ashcombe-pc.gov.uk",
		  "clerk@ashcombe-pc.gov.uk", "Re: Allotment waiting list" },
	};
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	struct engine *engine = journal_engine(root, path, "tempfail");
	JsonParser *parser = json_parser_new();
	GRegex *iso = g_regex_new("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", 0, 0, NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct engine_message *msg = test_message(engine, cases[i].fixture, cases[i].from,
							  cases[i].rcpts);
		char *qid = g_strdup_printf("4F2A1B3C%02zu", i);
		engine_message_set_queue_id(msg, qid);
		engine_message_set_auth(msg, cases[i].auth);
		struct engine_result *res = engine_run(engine, msg);
		assert_null(res->journal_error);
		JsonObject *o = last_line(path, parser);
		const char *submitter = cases[i].auth != NULL ? cases[i].auth : cases[i].from;

		const struct {
			const char *name, *got, *want;
		} fields[] = {
			{ "event", str(o, "event"), "decision" },
			{ "queue_id", str(o, "queue_id"), qid },
			{ "message_id", str(o, "message_id"), cases[i].message_id },
			{ "council", str(o, "council"), "Ashcombe Parish Council" },
			{ "author", str(o, "author"), cases[i].author },
			{ "submitter", str(o, "submitter"), submitter },
			{ "mail_from", str(o, "mail_from"), cases[i].from },
			{ "subject", str(o, "subject"), cases[i].subject },
			{ "action", str(o, "action"), cases[i].action },
		};
		for (size_t k = 0; k < G_N_ELEMENTS(fields); k++)
			if (g_strcmp0(fields[k].got, fields[k].want) != 0)
				fail_msg("%s: %s: got \"%s\", want \"%s\"", cases[i].fixture,
					 fields[k].name, fields[k].got, fields[k].want);
		if (!g_regex_match(iso, str(o, "time"), 0, NULL))
			fail_msg("time: got \"%s\", want ISO 8601 UTC", str(o, "time"));
		JsonArray *rcpts = json_object_get_array_member(o, "recipients");
		assert_int_equal(json_array_get_length(rcpts), g_strv_length((char **)cases[i].rcpts));
		assert_string_equal(json_array_get_string_element(rcpts, 0), cases[i].rcpts[0]);
		JsonArray *found = json_object_get_array_member(o, "findings");
		if (cases[i].rule == NULL) {
			assert_int_equal(json_array_get_length(found), 0);
		} else {
			JsonObject *f = json_array_get_object_element(found, 0);
			if (strcmp(str(f, "rule"), cases[i].rule) != 0 ||
			    strstr(str(f, "evidence"), cases[i].evidence) == NULL ||
			    strcmp(str(f, "clause"), "(missing)") == 0)
				fail_msg("%s: finding: got %s / %s, want %s with evidence [%s] and "
					 "a clause", cases[i].fixture, str(f, "rule"),
					 str(f, "evidence"), cases[i].rule, cases[i].evidence);
		}
		engine_result_free(&res);
		engine_message_free(&msg);
		g_free(qid);
	}
	assert_int_equal(lines_in(path), G_N_ELEMENTS(cases));
	g_regex_unref(iso);
	g_object_unref(parser);
	engine_free(&engine);
	g_free(path);
	test_rmdir(&root);
}

static bool any_hidden(JsonNode *node)
{
	if (JSON_NODE_HOLDS_VALUE(node))
		return json_node_get_value_type(node) == G_TYPE_STRING &&
		       test_hidden_char(json_node_get_string(node)) != NULL;
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *a = json_node_get_array(node);
		for (guint i = 0; i < json_array_get_length(a); i++)
			if (any_hidden(json_array_get_element(a, i)))
				return true;
	}
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		GList *members = json_object_get_values(json_node_get_object(node));
		bool found = false;
		for (GList *l = members; l != NULL && !found; l = l->next)
			found = any_hidden(l->data);
		g_list_free(members);
		return found;
	}
	return false;
}

/* A message whose Subject and To: carry U+202E (right-to-left override)
   and its kind: the journal keeps its words but none of those characters,
   in any field (issue 15, finding 9). */
static void test_journal_bidi(void **state)
{
	static const char *const press[] = { "news@ashcombe-gazette.co.uk", NULL };
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	struct engine *engine = journal_engine(root, path, "tempfail");
	JsonParser *parser = json_parser_new();
	struct engine_message *msg = test_message(engine,
						  "messages/hostile/bidi-subject-and-to.eml",
						  "cllr.jones@ashcombe-pc.gov.uk", press);
	struct engine_result *res = engine_run(engine, msg);
	JsonObject *o = last_line(path, parser);
	JsonNode *node = json_node_init_object(json_node_alloc(), o);

	if (any_hidden(node) ||
	    strstr(str(o, "subject"), "staffing fdp.troper for members") == NULL)
		fail_msg("journal: got subject \"%s\" (a format character somewhere: %d), want the "
			 "words without U+202E", str(o, "subject"), any_hidden(node));
	json_node_unref(node);
	engine_result_free(&res);
	engine_message_free(&msg);
	g_object_unref(parser);
	engine_free(&engine);
	g_free(path);
	test_rmdir(&root);
}

/* A journal that cannot be written (/dev/full: every write fails with "no
   space"): tempfail by default, nothing applied; with "continue" the
   verdict stands. Either way the result says why and keeps the line. */
static void test_write_failure(void **state)
{
	static const char *const outside[] = { "d.ferris@example.net", NULL };
	static const struct {
		const char *failure;
		enum engine_status status;
		const char *action;
	} cases[] = {
		{ "tempfail", ENGINE_TEMPFAIL, "tempfail" },
		{ "continue", ENGINE_CONTINUE, "hold" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *root = test_tmpdir();
		struct engine *engine = journal_engine(root, "/dev/full", cases[i].failure);
		struct engine_message *msg = test_message(
		    engine, "messages/demo/04-confidential-briefing-forwarded-to-resident.eml",
		    "cllr.jones@ashcombe-pc.gov.uk", outside);
		struct engine_result *res = engine_run(engine, msg);

		if (res->status != cases[i].status ||
		    strcmp(engine_result_action(res), cases[i].action) != 0)
			fail_msg("journal_failure=%s: got %s, want %s", cases[i].failure,
				 engine_result_action(res), cases[i].action);
		if (res->journal_error == NULL || strstr(res->journal_error, "/dev/full") == NULL ||
		    res->journal_line == NULL || strstr(res->journal_line, "\"hold\"") == NULL)
			fail_msg("journal_failure=%s: got error \"%s\" and line %s, want both",
				 cases[i].failure, res->journal_error, res->journal_line);
		if (cases[i].status == ENGINE_TEMPFAIL &&
		    (res->n_ops != 0 || g_strcmp0(res->reply_code, "451") != 0 ||
		     g_strcmp0(res->reply_xcode, "4.3.0") != 0))
			fail_msg("tempfail: got %zu ops and reply %s %s, want none and 451 4.3.0",
				 res->n_ops, res->reply_code, res->reply_xcode);
		if (strstr(res->summary, "journal=not written") == NULL)
			fail_msg("summary: got \"%s\", want it to say the journal was not written",
				 res->summary);
		engine_result_free(&res);
		engine_message_free(&msg);
		engine_free(&engine);
		test_rmdir(&root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_decision_lines),
		cmocka_unit_test(test_journal_bidi),
		cmocka_unit_test(test_write_failure),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return failed;
}
