/* The reviewers file (Argon2id hashes, councils, written whole) and the
   channel between the web page and its helper: every request decoded and
   checked by the one function both sides use. */
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

#include "helpers.h"
#include "reviewers/channel.h"
#include "reviewers/reviewers.h"

static const char *const ashcombe[] = { "Ashcombe Parish Council" };
static const char *const both[] = { "Ashcombe Parish Council", "Bramley Town Council" };

/* Add, verify, serve, change, remove; and the file written and read back. */
static void test_accounts(void **state)
{
	char *root = test_tmpdir();
	char *path = g_build_filename(root, "reviewers", NULL);
	struct reviewers *rs = reviewers_new(), *back = NULL;
	const char *error;

	if (reviewers_add(rs, "tom", "correct horse battery", ashcombe, 1, &error) < 0 ||
	    reviewers_add(rs, "deputy@ashcombe-pc.gov.uk", "staple battery horse", both, 2,
			  &error) < 0)
		fail_msg("add: %s", error);
	assert_int_equal(reviewers_add(rs, "tom", "another good one", ashcombe, 1, &error), -1);
	assert_non_null(strstr(error, "already"));
	const struct reviewer *tom = reviewers_find(rs, "tom");
	assert_true(g_str_has_prefix(tom->hash, "$argon2id$"));
	assert_true(reviewer_verify(tom, "correct horse battery"));
	assert_false(reviewer_verify(tom, "correct horse batterY"));
	assert_false(reviewer_verify(NULL, "correct horse battery"));
	assert_true(reviewer_serves(tom, "Ashcombe Parish Council"));
	assert_false(reviewer_serves(tom, "Bramley Town Council"));
	assert_false(reviewer_serves(tom, "ashcombe parish council"));

	if (reviewers_save(rs, path, getgid(), &error) < 0)
		fail_msg("save: %s", error);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	if ((st.st_mode & 07777) != 0640)
		fail_msg("mode: got %o, want 640", st.st_mode & 07777);
	if (reviewers_load(path, &back, &error) < 0)
		fail_msg("load: %s", error);
	assert_int_equal(reviewers_count(back), 2);
	const struct reviewer *d = reviewers_find(back, "deputy@ashcombe-pc.gov.uk");
	assert_int_equal(d->n_councils, 2);
	assert_string_equal(d->councils[1], "Bramley Town Council");
	assert_true(reviewer_verify(reviewers_find(back, "tom"), "correct horse battery"));

	/* A new password: the old one no longer works. A changed mode stays. */
	chmod(path, 0600);
	char *old_hash = g_strdup(reviewers_find(back, "tom")->hash);
	if (reviewers_set_password(back, "tom", "a brand new password", &error) < 0 ||
	    reviewers_remove(back, "deputy@ashcombe-pc.gov.uk", &error) < 0 ||
	    reviewers_save(back, path, getgid(), &error) < 0)
		fail_msg("change: %s", error);
	reviewers_free(&back);
	assert_int_equal(reviewers_load(path, &back, &error), 0);
	tom = reviewers_find(back, "tom");
	assert_string_not_equal(tom->hash, old_hash);
	assert_false(reviewer_verify(tom, "correct horse battery"));
	assert_true(reviewer_verify(tom, "a brand new password"));
	assert_null(reviewers_find(back, "deputy@ashcombe-pc.gov.uk"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(reviewers_remove(back, "nobody", &error), -1);
	assert_int_equal(reviewers_set_password(back, "nobody", "long enough one", &error), -1);
	g_free(old_hash);
	reviewers_free(&back);
	reviewers_free(&rs);

	/* No file: no reviewers. */
	g_unlink(path);
	assert_int_equal(reviewers_load(path, &back, &error), 0);
	assert_int_equal(reviewers_count(back), 0);
	reviewers_free(&back);
	g_free(path);
	test_rmdir(&root);
}

/* What a name and a password may be. */
static void test_rules(void **state)
{
	static const struct { const char *name; bool ok; } names[] = {
		{ "tom", true }, { "t.brown@ashcombe-pc.gov.uk", true }, { "a+b_c-d", true },
		{ "", false }, { "-rf", false }, { "tom brown", false }, { "tom\tx", false },
		{ "tom:x", false }, { "caf\xc3\xa9", false }, { "../etc", false },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	};
	static const struct { const char *pw; bool ok; } passwords[] = {
		{ "correct horse battery", true }, { "caf\xc3\xa9 caf\xc3\xa9 x", true },
		{ "short", false }, { "nine char", false }, { "with a\ttab inside", false },
		{ "with a line\nbreak", false },
	};
	const char *error;
	struct reviewers *rs = reviewers_new();

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (reviewers_name_valid(names[i].name) != names[i].ok)
			fail_msg("name \"%s\": got %d, want %d", names[i].name, !names[i].ok,
				 names[i].ok);
	for (size_t i = 0; i < G_N_ELEMENTS(passwords); i++)
		if ((reviewers_password_ok(passwords[i].pw, &error) == 0) != passwords[i].ok)
			fail_msg("password \"%s\": got %d, want %d", passwords[i].pw,
				 !passwords[i].ok, passwords[i].ok);
	assert_int_equal(reviewers_add(rs, "tom", "short", ashcombe, 1, &error), -1);
	assert_int_equal(reviewers_add(rs, "tom", "long enough here", ashcombe, 0, &error), -1);
	assert_int_equal(reviewers_count(rs), 0);
	reviewers_free(&rs);
}

/* A file not in the form is refused whole, with its line. */
static void test_bad_files(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "# ok\ntom\t$argon2id$v=19$x\n", ":2: expected NAME, HASH" },
		{ "tom\t$2y$10$abc\tAshcombe Parish Council\n", ":1: the password hash" },
		{ "\n\nto m\t$argon2id$v=19$x\tAshcombe\n", ":3: the name" },
		{ "tom\t$argon2id$v=19$x\tA\nann\t$argon2id$v=19$y\tB\ntom\t$argon2id$z\tC\n",
		  ":3: the reviewer \"tom\" is there twice" },
		{ "tom\t$argon2id$v=19$x\tA\x01" "B\n", ":1: a council's name" },
		{ "tom\t$argon2id$v=19$x\tA\n\xff\n", "is not text" },
	};
	char *root = test_tmpdir();
	char *path = g_build_filename(root, "reviewers", NULL);
	struct reviewers *rs;
	const char *error;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_file_set_contents(path, cases[i].text, -1, NULL);
		if (reviewers_load(path, &rs, &error) == 0 || rs != NULL ||
		    strstr(error, cases[i].want) == NULL)
			fail_msg("case %zu: got [%s], want [%s]", i, rs != NULL ? "loaded" : error,
				 cases[i].want);
	}
	g_free(path);
	test_rmdir(&root);
}

/* ---- the channel ---------------------------------------------------------- */

static void roundtrip(const struct channel_request *in)
{
	const char *error;
	struct channel_request *out;
	char *line = channel_request_encode(in, &error);

	if (line == NULL)
		fail_msg("encode: %s", error);
	if (channel_request_decode(line, strlen(line), &out, &error) < 0)
		fail_msg("decode %s: %s", line, error);
	assert_int_equal(out->op, in->op);
	assert_string_equal(out->reviewer, in->reviewer);
	if (g_strcmp0(out->id, in->id) != 0 || g_strcmp0(out->note, in->note) != 0 ||
	    g_strcmp0(out->verdict, in->verdict) != 0 || g_strcmp0(out->event, in->event) != 0 ||
	    g_strcmp0(out->address, in->address) != 0)
		fail_msg("roundtrip of %s differs", line);
	channel_request_free(&out);
	g_free(line);
}

static void test_channel_ok(void **state)
{
	const struct channel_request good[] = {
		{ .op = CHANNEL_LIST, .reviewer = "tom" },
		{ .op = CHANNEL_RECENT, .reviewer = "tom" },
		{ .op = CHANNEL_SHOW, .reviewer = "tom", .id = "4F2A1B3C5D" },
		{ .op = CHANNEL_RELEASE, .reviewer = "tom", .id = "4F2A1B3C5D",
		  .verdict = "breach-allowed" },
		{ .op = CHANNEL_RELEASE, .reviewer = "tom", .id = "4F2A1B3C5D",
		  .verdict = "no-breach", .note = "Checked by phone." },
		{ .op = CHANNEL_RETURN, .reviewer = "tom", .id = "4F2A1B3C5D", .verdict = "breach",
		  .note = "Please ask me.\nThank you, caf\xc3\xa9." },
		{ .op = CHANNEL_EVENT, .reviewer = "who <knows>", .event = "signin-failed",
		  .address = "2001:db8::7" },
		{ .op = CHANNEL_EVENT, .reviewer = "tom", .event = "signout",
		  .address = "192.0.2.7" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++)
		roundtrip(&good[i]);
}

static void test_channel_refused(void **state)
{
	char *long_note = g_strnfill(2001, 'x');
	char *long_line = g_strdup_printf("{\"op\":\"list\",\"reviewer\":\"tom\",\"x\":\"%*s\"}",
					  70000, "");
	char *note_field = g_strdup_printf("{\"op\":\"return\",\"reviewer\":\"tom\",\"id\":\"A1\","
					   "\"verdict\":\"breach\",\"note\":\"%s\"}", long_note);
	const char *bad[] = {
		"", "[]", "{\"op\":\"list\"}", "{\"op\":\"delete\",\"reviewer\":\"tom\"}",
		"{\"op\":\"list\",\"reviewer\":\"tom\",\"id\":\"A1\"}",
		"{\"op\":\"list\",\"reviewer\":\"tom\",\"extra\":\"x\"}",
		"{\"op\":\"list\",\"reviewer\":\"tom x\"}",
		"{\"op\":\"list\",\"reviewer\":7}",
		"{\"op\":\"show\",\"reviewer\":\"tom\"}",
		"{\"op\":\"show\",\"reviewer\":\"tom\",\"id\":\"../../etc/passwd\"}",
		"{\"op\":\"show\",\"reviewer\":\"tom\",\"id\":\"A1B2 -d ALL\"}",
		"{\"op\":\"release\",\"reviewer\":\"tom\",\"id\":\"A1\"}",
		"{\"op\":\"release\",\"reviewer\":\"tom\",\"id\":\"A1\",\"verdict\":\"fine\"}",
		"{\"op\":\"return\",\"reviewer\":\"tom\",\"id\":\"A1\",\"verdict\":\"breach\"}",
		"{\"op\":\"return\",\"reviewer\":\"tom\",\"id\":\"A1\",\"verdict\":\"breach\","
		"\"note\":\"\"}",
		"{\"op\":\"return\",\"reviewer\":\"tom\",\"id\":\"A1\",\"verdict\":\"breach\","
		"\"note\":\"a\\u0007bell\"}",
		"{\"op\":\"list\",\"reviewer\":\"tom\",\"note\":\"x\"}",
		"{\"op\":\"event\",\"reviewer\":\"tom\",\"event\":\"signin\"}",
		"{\"op\":\"event\",\"reviewer\":\"tom\",\"event\":\"sudo\","
		"\"address\":\"1.2.3.4\"}",
		"{\"op\":\"event\",\"reviewer\":\"tom\",\"event\":\"signin\",\"address\":\"x\"}",
		"{\"op\":\"event\",\"reviewer\":\"a\\nb\",\"event\":\"signin\","
		"\"address\":\"1.2.3.4\"}",
		note_field, long_line,
	};
	struct channel_request *r;
	const char *error;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		if (channel_request_decode(bad[i], strlen(bad[i]), &r, &error) == 0 || r != NULL)
			fail_msg("accepted %.200s", bad[i]);
	/* A NUL inside the line is refused, not cut short. */
	const char nul[] = "{\"op\":\"list\",\"reviewer\":\"tom\"}\0{\"op\":\"x\"}";
	assert_int_equal(channel_request_decode(nul, sizeof(nul) - 1, &r, &error), -1);
	/* Encoding refuses what decoding would. */
	struct channel_request no_note = { .op = CHANNEL_RETURN, .reviewer = "tom", .id = "A1",
					   .verdict = "breach" };
	assert_null(channel_request_encode(&no_note, &error));
	g_free(long_note);
	g_free(long_line);
	g_free(note_field);
}

static void test_note_clean(void **state)
{
	char *got = channel_note_clean("  Please\r\nask me\x07 first \xe2\x80\xae"
				       "reversed \xff ");

	assert_string_equal(got, "Please\nask me first reversed \xef\xbf\xbd");
	g_free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_channel_ok),
		cmocka_unit_test(test_channel_refused),
		cmocka_unit_test(test_note_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
