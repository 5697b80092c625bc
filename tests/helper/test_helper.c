/* council-review-helper's answers (helper_answer), on a queue in memory and
   a real journal: each reviewer sees and acts on their own councils' held
   mail only (anything else is "not found", in the same words), every
   action is journalled with the reviewer and "via web", and a request that
   is not one is refused before anything is looked at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "fake-queue.h"
#include "helper/helper.h"
#include "helpers.h"
#include "parser/parser.h"
#include "reviewers/reviewers.h"

struct fixture {
	char *root, *journal;
	struct fake_queue *fake;
	struct helper helper;
};

static struct hold_queue *same_queue(void *ctx)
{
	return &((struct fake_queue *)ctx)->q;
}

static int setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);
	static const char *const a[] = { "Ashcombe Parish Council" };
	static const char *const b[] = { "Bramley Town Council" };
	static const char *const ab[] = { "Ashcombe Parish Council", "Bramley Town Council" };
	struct reviewers *rs = reviewers_new();
	const char *error;

	f->root = test_tmpdir();
	f->journal = g_build_filename(f->root, "journal.jsonl", NULL);
	f->helper.conf = test_conf("hold", f->root, "JOURNAL", f->journal, NULL);
	g_free(test_fake_sendmail(f->root));
	f->fake = fake_queue_new();
	f->helper.new_queue = same_queue;
	f->helper.queue_ctx = f->fake;
	fake_queue_add(f->fake, "A1B2C3D4E5", 1700000000, "cllr.jones@ashcombe-pc.gov.uk",
		       "accounts@benchcraft.example.com", "messages/web/hostile.eml");
	fake_queue_add(f->fake, "0F1E2D3C4B", 1700000100, "cllr.shah@bramley-tc.gov.uk",
		       "press@bramley-gazette.example.com",
		       "messages/demo/06-councillor-commits-council-to-pay.eml");
	fake_queue_add(f->fake, "99AA88BB77", 1690000000, "someone@example.org",
		       "clerk@ashcombe-pc.gov.uk", "messages/milter/no-subject.eml");
	fake_decision(f->journal, "A1B2C3D4E5", "Ashcombe Parish Council",
		      "cllr.jones@ashcombe-pc.gov.uk", "Ann Jones", "Bench repairs");
	fake_decision(f->journal, "0F1E2D3C4B", "Bramley Town Council",
		      "cllr.shah@bramley-tc.gov.uk", "Dev Shah", "Press statement");
	if (reviewers_add(rs, "tom", "correct horse battery", a, 1, &error) < 0 ||
	    reviewers_add(rs, "rita", "correct horse battery", b, 1, &error) < 0 ||
	    reviewers_add(rs, "deputy", "correct horse battery", ab, 2, &error) < 0 ||
	    reviewers_save(rs, f->helper.conf->daemon.web.reviewers, 0, &error) < 0)
		fail_msg("reviewers: %s", error);
	reviewers_free(&rs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	conf_unref(&f->helper.conf);
	fake_queue_free(&f->fake);
	g_free(f->journal);
	test_rmdir(&f->root);
	g_free(f);
	return 0;
}

/* The answer to LINE, parsed (json_object_unref). */
static JsonObject *ask(struct fixture *f, const char *line)
{
	char *summary;
	char *answer = helper_answer(&f->helper, line, strlen(line), &summary);
	JsonParser *p = json_parser_new();

	if (strchr(answer, '\n') != NULL || !json_parser_load_from_data(p, answer, -1, NULL))
		fail_msg("not one line of JSON: %s", answer);
	JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(p)));
	g_object_unref(p);
	g_free(answer);
	g_free(summary);
	return o;
}

static const char *failure_of(JsonObject *o)
{
	return json_object_get_boolean_member(o, "ok") ? "ok" :
		json_object_get_string_member(o, "failure");
}

static gint by_text(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The queue ids REVIEWER is listed, sorted, space-separated. */
static char *listed(struct fixture *f, const char *reviewer)
{
	char *line = g_strdup_printf("{\"op\":\"list\",\"reviewer\":\"%s\"}", reviewer);
	JsonObject *o = ask(f, line);
	JsonArray *held = json_object_get_array_member(o, "held");
	GPtrArray *ids = g_ptr_array_new();

	for (guint i = 0; i < json_array_get_length(held); i++)
		g_ptr_array_add(ids, (gpointer)json_object_get_string_member(
			json_array_get_object_element(held, i), "queue_id"));
	g_ptr_array_sort(ids, by_text);
	g_ptr_array_add(ids, NULL);
	char *out = g_strjoinv(" ", (char **)ids->pdata);
	g_ptr_array_unref(ids);
	json_object_unref(o);
	g_free(line);
	return out;
}

/* The journal's last line (json_object_unref). */
static JsonObject *last_line(struct fixture *f)
{
	char *text = NULL;

	g_file_get_contents(f->journal, &text, NULL, NULL);
	char **lines = g_strsplit(g_strstrip(text), "\n", -1);
	JsonParser *p = json_parser_new();
	json_parser_load_from_data(p, lines[g_strv_length(lines) - 1], -1, NULL);
	JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(p)));
	g_object_unref(p);
	g_strfreev(lines);
	g_free(text);
	return o;
}

static void test_scope(void **state)
{
	static const struct { const char *who, *want; } cases[] = {
		{ "tom", "A1B2C3D4E5" }, { "rita", "0F1E2D3C4B" },
		{ "deputy", "0F1E2D3C4B A1B2C3D4E5" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = listed(f, cases[i].who);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("list as %s: got [%s], want [%s]", cases[i].who, got,
				 cases[i].want);
		g_free(got);
	}
	/* Another council's message, and one council-milter did not hold: the
	   same "not found", and nothing done. */
	static const char *const refused[] = {
		"{\"op\":\"show\",\"reviewer\":\"rita\",\"id\":\"A1B2C3D4E5\"}",
		"{\"op\":\"show\",\"reviewer\":\"tom\",\"id\":\"99AA88BB77\"}",
		"{\"op\":\"release\",\"reviewer\":\"tom\",\"id\":\"0F1E2D3C4B\","
		"\"verdict\":\"breach\"}",
		"{\"op\":\"return\",\"reviewer\":\"rita\",\"id\":\"A1B2C3D4E5\","
		"\"verdict\":\"breach\",\"note\":\"no\"}",
		"{\"op\":\"release\",\"reviewer\":\"deputy\",\"id\":\"99AA88BB77\","
		"\"verdict\":\"no-breach\"}",
		"{\"op\":\"show\",\"reviewer\":\"tom\",\"id\":\"FFFFFFFF\"}",
	};
	const char *words = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
		JsonObject *o = ask(f, refused[i]);
		if (strcmp(failure_of(o), "not-found") != 0)
			fail_msg("%s: got %s, want not-found", refused[i], failure_of(o));
		const char *error = json_object_get_string_member(o, "error");
		if (words != NULL && strcmp(words, error) != 0)
			fail_msg("%s: says [%s], the others [%s]", refused[i], error, words);
		words = i == 0 ? g_intern_string(error) : words;
		json_object_unref(o);
	}
	assert_string_equal(f->fake->calls->str, "");
}

static void test_show(void **state)
{
	struct fixture *f = *state;
	JsonObject *o = ask(f, "{\"op\":\"show\",\"reviewer\":\"tom\",\"id\":\"A1B2C3D4E5\"}");

	assert_string_equal(failure_of(o), "ok");
	gsize len;
	guchar *raw = g_base64_decode(json_object_get_string_member(o, "message_base64"), &len);
	size_t want_len;
	char *want = test_read("messages/web/hostile.eml", &want_len);
	assert_int_equal(len, want_len);
	assert_memory_equal(raw, want, len);
	JsonObject *item = json_object_get_object_member(o, "item");
	assert_string_equal(json_object_get_string_member(item, "council"),
			    "Ashcombe Parish Council");
	g_free(raw);
	g_free(want);
	json_object_unref(o);
	o = last_line(f);
	assert_string_equal(json_object_get_string_member(o, "action"), "show");
	assert_string_equal(json_object_get_string_member(o, "by"), "tom");
	assert_string_equal(json_object_get_string_member(o, "via"), "web");
	json_object_unref(o);
}

/* Release and return: done, journalled with the reviewer, "via web", the
   verdict and the note; the author told; recent shows each council's own. */
static void test_actions(void **state)
{
	struct fixture *f = *state;
	JsonObject *o = ask(f, "{\"op\":\"release\",\"reviewer\":\"rita\",\"id\":\"0F1E2D3C4B\","
			    "\"verdict\":\"breach-allowed\",\"note\":\"Agreed at the meeting.\"}");

	assert_string_equal(failure_of(o), "ok");
	json_object_unref(o);
	o = last_line(f);
	char *got = g_strdup_printf("%s %s %s by=%s via=%s verdict=%s note=%s",
				    json_object_get_string_member(o, "event"),
				    json_object_get_string_member(o, "action"),
				    json_object_get_string_member(o, "queue_id"),
				    json_object_get_string_member(o, "by"),
				    json_object_get_string_member(o, "via"),
				    json_object_get_string_member(o, "verdict"),
				    json_object_get_string_member(o, "note"));
	assert_string_equal(got, "review release 0F1E2D3C4B by=rita via=web "
			    "verdict=breach-allowed note=Agreed at the meeting.");
	g_free(got);
	json_object_unref(o);

	o = ask(f, "{\"op\":\"return\",\"reviewer\":\"tom\",\"id\":\"A1B2C3D4E5\","
		"\"verdict\":\"breach\",\"note\":\"Please ask me to order it.\\nThanks.\"}");
	assert_string_equal(failure_of(o), "ok");
	assert_string_equal(json_object_get_string_member(o, "notified"),
			    "cllr.jones@ashcombe-pc.gov.uk");
	json_object_unref(o);
	assert_string_equal(f->fake->calls->str, "release 0F1E2D3C4B\nremove A1B2C3D4E5\n");
	o = last_line(f);
	assert_string_equal(json_object_get_string_member(o, "note"),
			    "Please ask me to order it.\nThanks.");
	assert_string_equal(json_object_get_string_member(o, "verdict"), "breach");
	json_object_unref(o);

	o = ask(f, "{\"op\":\"recent\",\"reviewer\":\"tom\"}");
	JsonArray *d = json_object_get_array_member(o, "decisions");
	if (json_array_get_length(d) != 1 ||
	    strcmp(json_object_get_string_member(json_array_get_object_element(d, 0),
						 "queue_id"), "A1B2C3D4E5") != 0)
		fail_msg("recent for tom: got %u decisions", json_array_get_length(d));
	json_object_unref(o);
	o = ask(f, "{\"op\":\"recent\",\"reviewer\":\"deputy\"}");
	d = json_object_get_array_member(o, "decisions");
	assert_int_equal(json_array_get_length(d), 2);	/* newest first */
	assert_string_equal(json_object_get_string_member(json_array_get_object_element(d, 0),
							  "action"), "delete");
	json_object_unref(o);
}

/* Sessions in the journal; and what is not a request, or not a reviewer's,
   refused before anything is looked at. */
static void test_events_and_refusals(void **state)
{
	struct fixture *f = *state;
	JsonObject *o = ask(f, "{\"op\":\"event\",\"reviewer\":\"<b>mallory</b>\","
			    "\"event\":\"signin-failed\",\"address\":\"192.0.2.9\"}");

	assert_string_equal(failure_of(o), "ok");
	json_object_unref(o);
	o = last_line(f);
	assert_string_equal(json_object_get_string_member(o, "event"), "web");
	assert_string_equal(json_object_get_string_member(o, "action"), "signin-failed");
	assert_string_equal(json_object_get_string_member(o, "by"), "<b>mallory</b>");
	assert_string_equal(json_object_get_string_member(o, "address"), "192.0.2.9");
	json_object_unref(o);

	static const char *const refused[] = {
		"{\"op\":\"list\",\"reviewer\":\"mallory\"}",
		"{\"op\":\"list\",\"reviewer\":\"tom\",\"council\":\"Bramley Town Council\"}",
		"{\"op\":\"show\",\"reviewer\":\"tom\",\"id\":\"A1B2C3D4E5; rm -rf /\"}",
		"{\"op\":\"release\",\"reviewer\":\"tom\",\"id\":\"A1B2C3D4E5\"}",
		"not json at all",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
		o = ask(f, refused[i]);
		if (strcmp(failure_of(o), "refused") != 0)
			fail_msg("%s: got %s, want refused", refused[i], failure_of(o));
		json_object_unref(o);
	}
	assert_string_equal(f->fake->calls->str, "");
	/* A reviewer removed from the file is no longer one. */
	struct reviewers *rs;
	const char *error;
	reviewers_load(f->helper.conf->daemon.web.reviewers, &rs, &error);
	reviewers_remove(rs, "tom", &error);
	reviewers_save(rs, f->helper.conf->daemon.web.reviewers, 0, &error);
	reviewers_free(&rs);
	o = ask(f, "{\"op\":\"list\",\"reviewer\":\"tom\"}");
	assert_string_equal(failure_of(o), "refused");
	json_object_unref(o);
}

/* The journal, made here first, is the daemon's (user), not root's. */
static void test_journal_owner(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	if (geteuid() != 0)
		skip();
	unlink(f->journal);
	JsonObject *o = ask(f, "{\"op\":\"event\",\"reviewer\":\"tom\",\"event\":\"signin\","
			    "\"address\":\"192.0.2.9\"}");
	json_object_unref(o);
	assert_int_equal(stat(f->journal, &st), 0);
	struct passwd *pw = getpwnam("nobody");
	if (st.st_uid != pw->pw_uid || (st.st_mode & 0777) != 0640)
		fail_msg("the journal: uid %u mode %o, want %u and 640", st.st_uid,
			 st.st_mode & 0777, pw->pw_uid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_owner, setup, teardown),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return failed;
}
