/* Notices: the key and the marker (a valid marker from the null sender passes
   unjudged, a forged one is judged like any other message), the sendmail argv
   (fixed, no shell: metacharacters arrive as plain bytes, the environment is
   empty), sending in the background with failures logged, and the words of
   the letters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "helpers.h"
#include "notice/notice.h"
#include "milter/log.h"
#include "audit/audit.h"
#include "milter/notify.h"
#include "parser/parser.h"

static struct marker_key *load_key(const char *path, bool create)
{
	struct marker_key *key = NULL;
	const char *error;

	if (marker_key_load(path, create, &key, &error) < 0)
		fail_msg("marker_key_load %s: %s", path, error);
	return key;
}

/* The facts of a notice for the marker tests, changed by CHANGE (may be NULL). */
struct facts_case {
	const char *name;
	const char *id, *subject, *type, *body;
	const char *rcpts[3];
	long offset;		/* checked this many seconds after it was made */
	bool want;
};

static struct marker_facts facts_of(const struct facts_case *c)
{
	struct marker_facts f = {
		.headers = { c->id, "Tue, 4 Mar 2025 11:30:00 +0000", c->subject, c->type, "8bit" },
		.rcpts = c->rcpts, .n_rcpts = c->rcpts[1] != NULL ? 2 : 1,
		.body = c->body, .body_len = strlen(c->body),
	};
	return f;
}

/* Created private on first use, the same on every load after; the HMAC
   binds the marker to the notice (its Message-ID, Date, Subject, content
   type, envelope recipients and body) until it expires; a key others can
   read is refused. */
static void test_key_and_marker(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "notice.key", NULL);
	struct marker_key *key = load_key(path, true), *again = load_key(path, false);
	struct stat st;
	const char *error;
	const time_t made = 1741087800;

	assert_int_equal(stat(path, &st), 0);
	if ((st.st_mode & 0777) != 0600)
		fail_msg("key mode: got %04o, want 0600", st.st_mode & 0777);
	static const struct facts_case sent = {
		"as sent", "<n1@example.org>", "Your message is held", "text/plain; charset=utf-8",
		"Line one.\nLine two.\n", { "a@example.org", "b@example.org", NULL }, 0, true };
	struct marker_facts f = facts_of(&sent);
	char *value = marker_value(key, &f, made);
	static const struct facts_case cases[] = {
		sent,
		{ "as received: CRLF, folded, brackets, other case and order",
		  "  n1@example.org ", "Your message\r\n\tis  held",
		  "text/plain;\r\n charset=utf-8",
		  "Line one.\r\nLine two.\r\n\r\n", { "B@example.org", "a@example.org", NULL },
		  60, true },
		{ "just before it expires", "<n1@example.org>", "Your message is held",
		  "text/plain; charset=utf-8", "Line one.\nLine two.\n",
		  { "a@example.org", "b@example.org", NULL }, MARKER_LIFETIME - 1, true },
		{ "expired", "<n1@example.org>", "Your message is held",
		  "text/plain; charset=utf-8", "Line one.\nLine two.\n",
		  { "a@example.org", "b@example.org", NULL }, MARKER_LIFETIME + 1, false },
		{ "another Message-ID", "<n2@example.org>", "Your message is held",
		  "text/plain; charset=utf-8", "Line one.\nLine two.\n",
		  { "a@example.org", "b@example.org", NULL }, 0, false },
		{ "another body", "<n1@example.org>", "Your message is held",
		  "text/plain; charset=utf-8", "Line one.\nPay account 12345678.\n",
		  { "a@example.org", "b@example.org", NULL }, 0, false },
		{ "another recipient", "<n1@example.org>", "Your message is held",
		  "text/plain; charset=utf-8", "Line one.\nLine two.\n",
		  { "a@example.org", "press@example.net", NULL }, 0, false },
		{ "fewer recipients", "<n1@example.org>", "Your message is held",
		  "text/plain; charset=utf-8", "Line one.\nLine two.\n",
		  { "a@example.org", NULL, NULL }, 0, false },
		{ "another Subject", "<n1@example.org>", "URGENT: pay now",
		  "text/plain; charset=utf-8", "Line one.\nLine two.\n",
		  { "a@example.org", "b@example.org", NULL }, 0, false },
		{ "another content type", "<n1@example.org>", "Your message is held",
		  "text/html; charset=utf-8", "Line one.\nLine two.\n",
		  { "a@example.org", "b@example.org", NULL }, 0, false },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct marker_facts got_facts = facts_of(&cases[i]);
		bool got = marker_valid(again, &got_facts, value, made + cases[i].offset);
		if (got != cases[i].want)
			fail_msg("marker_valid, %s: got %d, want %d", cases[i].name, got,
				 cases[i].want);
	}
	/* Values that are not this notice's. */
	char *later = g_strdup(value);
	later[3] = later[3] == '9' ? '8' : '9';	/* another expiry, same HMAC */
	const char *bad[] = { later, "", "v1 6f1ed002ab5595859014ebf0951522d9a4e2b4d8e8a3",
			      "v2 99999999999 0000" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		if (marker_valid(again, &f, bad[i], made))
			fail_msg("marker_valid(\"%s\"): got 1, want 0", bad[i]);
	g_free(later);
	/* A different installation's key never validates ours. */
	char *other_path = g_build_filename(root, "other.key", NULL);
	struct marker_key *other = load_key(other_path, true);
	assert_false(marker_valid(other, &f, value, made));

	assert_int_equal(chmod(path, 0644), 0);
	struct marker_key *refused = NULL;
	assert_int_equal(marker_key_load(path, false, &refused, &error), -1);
	if (strstr(error, "0600") == NULL)
		fail_msg("open key file: got \"%s\", want it to ask for mode 0600", error);
	assert_int_equal(g_file_set_contents(other_path, "not a key\n", -1, NULL), TRUE);
	assert_int_equal(chmod(other_path, 0600), 0);
	assert_int_equal(marker_key_load(other_path, false, &refused, &error), -1);
	assert_non_null(strstr(error, "hexadecimal"));
	assert_null(refused);

	marker_key_free(&key);
	marker_key_free(&again);
	marker_key_free(&other);
	assert_null(key);
	g_free(value);
	g_free(path);
	g_free(other_path);
	test_rmdir(&root);
}

/* A notice as council-milter writes it, for the unit config's council. */
static char *a_notice(struct engine *engine, const struct marker_key *key)
{
	const struct conf *conf = engine_conf(engine);
	static const char *const rcpts[] = { "accounts@benchcraft.example.com" };
	static const struct letter_finding found[] = {
		{ "obligation-in-member-name", "hold", "12.4",
		  "phrase \"the council will pay\" in body line 4" },
	};
	struct letter_held held = {
		.queue_id = "4F2A1B3C5D", .message_id = "demo-06.obligation@ashcombe-pc.gov.uk",
		.subject = "Bench repairs on the green", .author = "cllr.smith@ashcombe-pc.gov.uk",
		.author_name = "Jane Smith", .rcpts = rcpts, .n_rcpts = 1,
		.findings = found, .n_findings = 1,
	};
	struct letter_from from = { conf, &conf->councils[0], key, time(NULL) };

	return letter_hold_author(&from, &held, "cllr.smith@ashcombe-pc.gov.uk");
}

static struct engine_result *run_text(struct engine *engine, const char *text,
				      const char *mail_from, const char *rcpt)
{
	struct engine_message *msg = engine_message_new(engine);

	engine_message_set_sender(msg, mail_from);
	engine_message_add_rcpt(msg, rcpt);
	assert_int_equal(engine_message_load(msg, text, strlen(text)), 0);
	struct engine_result *res = engine_run(engine, msg);
	engine_message_free(&msg);
	return res;
}

/* TEXT with the first FROM replaced by TO (g_free). */
static char *replaced(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	assert_non_null(at);
	return g_strdup_printf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* Our marked notice from <> passes unjudged, with the marker removed; the
   same from a real sender, an unmarked one, or a forged marker is judged
   (and the marker removed all the same). A marker binds the notice it came
   with (issue 15, finding 8): replayed with other words in the body, to
   another recipient, or under another Subject, it is judged. */
static void test_own_notice(void **state)
{
	char *root = test_tmpdir();
	struct conf *conf = test_conf("unit", root, NULL);
	struct engine *engine;
	const char *error;

	if (engine_new(conf, false, true, &engine, &error) < 0)
		fail_msg("engine_new: %s", error);
	conf_unref(&conf);
	const struct marker_key *key = engine_marker_key(engine);
	assert_non_null(key);
	char *marked = a_notice(engine, key), *unmarked = a_notice(engine, NULL);
	char *forged = test_read("messages/milter/forged-notice.eml", NULL);
	char *other_body = replaced(marked, "please do not send it again.",
				    "please pay the invoice to account 12345678 today.");
	char *other_subject = replaced(marked, "Subject: ", "Subject: URGENT: ");
	static const char *const delete_marker = "delete Council-Policy-Notice 1";
	const struct {
		const char *name, *text, *mail_from, *rcpt;
		bool own;
		const char *ops;	/* the ops, exactly, or NULL: judged */
		const char *action;
	} cases[] = {
		{ "marked, from <>", marked, "", "cllr.smith@ashcombe-pc.gov.uk", true,
		  delete_marker, "accept" },
		{ "marked, from a person", marked, "clerk@ashcombe-pc.gov.uk",
		  "cllr.smith@ashcombe-pc.gov.uk", false, NULL, NULL },
		{ "unmarked, from <>", unmarked, "", "cllr.smith@ashcombe-pc.gov.uk", false, NULL,
		  NULL },
		{ "forged marker, from <>", forged, "", "accounts@benchcraft.example.com", false,
		  NULL, "hold" },
		{ "marker replayed with another body", other_body, "",
		  "cllr.smith@ashcombe-pc.gov.uk", false, NULL, NULL },
		{ "marker replayed to another recipient", marked, "",
		  "news@ashcombe-gazette.co.uk", false, NULL, NULL },
		{ "marker replayed under another Subject", other_subject, "",
		  "cllr.smith@ashcombe-pc.gov.uk", false, NULL, NULL },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct engine_result *res = run_text(engine, cases[i].text, cases[i].mail_from,
						     cases[i].rcpt);
		char *ops = test_ops_describe(res);
		bool judged = strstr(ops, "insert Council-Policy-Results") != NULL;

		if (res->own_notice != cases[i].own || judged == cases[i].own)
			fail_msg("%s: got own_notice=%d, judged=%d (ops: %s), want own_notice=%d",
				 cases[i].name, res->own_notice, judged, ops, cases[i].own);
		if (cases[i].ops != NULL && strcmp(ops, cases[i].ops) != 0)
			fail_msg("%s: ops: got \"%s\", want \"%s\"", cases[i].name, ops,
				 cases[i].ops);
		if (strstr(cases[i].text, "Council-Policy-Notice") != NULL &&
		    strstr(ops, delete_marker) == NULL)
			fail_msg("%s: ops: got \"%s\", want the marker deleted", cases[i].name, ops);
		if (cases[i].action != NULL &&
		    strcmp(engine_result_action(res), cases[i].action) != 0)
			fail_msg("%s: action: got %s, want %s", cases[i].name,
				 engine_result_action(res), cases[i].action);
		g_free(ops);
		engine_result_free(&res);
	}
	g_free(marked);
	g_free(unmarked);
	g_free(forged);
	g_free(other_body);
	g_free(other_subject);
	engine_free(&engine);
	test_rmdir(&root);
}

/* The argv is fixed: no shell, no option can be smuggled in a recipient. */
static void test_sendmail_argv(void **state)
{
	static const char quoted[] = "\"x;touch${IFS}pwned\"@example.org";
	char long_addr[300];
	static const struct {
		const char *sendmail, *rcpt;
		bool ok;
	} cases[] = {
		{ "/usr/sbin/sendmail", "clerk@ashcombe-pc.gov.uk", true },
		{ "/usr/sbin/sendmail", quoted, true },	/* metacharacters: just bytes */
		{ "sendmail", "clerk@ashcombe-pc.gov.uk", false },	/* no PATH lookup */
		{ "/usr/sbin/sendmail", "-bs@x.org", false },	/* would be an option */
		{ "/usr/sbin/sendmail", "a b@x.org", false },
		{ "/usr/sbin/sendmail", "a\n@x.org", false },
		{ "/usr/sbin/sendmail", "", false },
		{ "/usr/sbin/sendmail", "clerk", false },
		{ "/usr/sbin/sendmail", NULL, false },
		{ NULL, "clerk@ashcombe-pc.gov.uk", false },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char **argv = spawn_sendmail_argv(cases[i].sendmail, cases[i].rcpt);
		if ((argv != NULL) != cases[i].ok)
			fail_msg("argv for \"%s\": got %s, want %s", cases[i].rcpt,
				 argv != NULL ? "one" : "refused", cases[i].ok ? "one" : "refused");
		if (argv != NULL) {
			const char *want[] = { cases[i].sendmail, "-i", "-f", "<>", "--",
					       cases[i].rcpt, NULL };
			for (size_t k = 0; k < G_N_ELEMENTS(want); k++)
				if (g_strcmp0(argv[k], want[k]) != 0)
					fail_msg("argv[%zu]: got \"%s\", want \"%s\"", k, argv[k],
						 want[k]);
		}
		g_strfreev(argv);
	}
	memset(long_addr, 'a', sizeof(long_addr) - 1);
	long_addr[sizeof(long_addr) - 1] = '\0';
	long_addr[10] = '@';
	assert_null(spawn_sendmail_argv("/usr/sbin/sendmail", long_addr));
}

static GString *log_lines;

/* Reaper threads log concurrently. */
static GMutex log_lock;

static void log_hook(int priority, const char *line)
{
	g_mutex_lock(&log_lock);
	g_string_append_printf(log_lines, "%s\n", line);
	g_mutex_unlock(&log_lock);
}

/* Through the real fork/execve: the recipient with shell metacharacters
   arrives as one argument and nothing is run; the environment is empty;
   the letter arrives on stdin; a failing sendmail is logged, not fatal. */
static void test_send_no_shell(void **state)
{
	char *root = test_tmpdir(), *sendmail = test_fake_sendmail(root);
	static const char rcpt[] = "\"x;touch${IFS}pwned;\"@example.org";
	static const char letter[] = "Subject: test\n\nA notice.\n.\nStill the notice.\n";
	char *cwd = g_get_current_dir();

	log_lines = g_string_new(NULL);
	milter_log_set_hook(log_hook);
	assert_true(chdir(root) == 0);	/* where an injected "touch pwned" would land */
	assert_true(milter_notify_send(sendmail, rcpt, letter, "T1: test notice"));
	milter_notify_shutdown();	/* waits for it */

	GPtrArray *sent = test_sent(root);
	assert_int_equal(sent->len, 1);
	JsonObject *o = sent->pdata[0];
	JsonArray *argv = json_object_get_array_member(o, "argv");
	const char *want[] = { sendmail, "-i", "-f", "<>", "--", rcpt };
	assert_int_equal(json_array_get_length(argv), G_N_ELEMENTS(want));
	for (guint k = 0; k < G_N_ELEMENTS(want); k++)
		if (strcmp(json_array_get_string_element(argv, k), want[k]) != 0)
			fail_msg("argv[%u]: got \"%s\", want \"%s\"", k,
				 json_array_get_string_element(argv, k), want[k]);
	assert_int_equal(json_array_get_length(json_object_get_array_member(o, "env")), 0);
	assert_string_equal(json_object_get_string_member(o, "stdin"), letter);
	char *pwned = g_build_filename(root, "pwned", NULL);
	assert_false(g_file_test(pwned, G_FILE_TEST_EXISTS));
	if (strstr(log_lines->str, "T1: test notice: handed to sendmail") == NULL)
		fail_msg("log: got \"%s\", want the notice logged as handed over", log_lines->str);
	g_ptr_array_free(sent, TRUE);

	/* sendmail fails (exit 75): logged with the status; nothing crashes. */
	char *status = g_build_filename(root, "status", NULL);
	assert_true(g_file_set_contents(status, "75\n", -1, NULL));
	g_string_truncate(log_lines, 0);
	assert_true(milter_notify_send(sendmail, "clerk@ashcombe-pc.gov.uk", letter, "T2: test"));
	milter_notify_shutdown();
	if (strstr(log_lines->str, "T2: test: not sent: sendmail exited with status 75") == NULL)
		fail_msg("log: got \"%s\", want the failure and its status", log_lines->str);
	/* A sendmail that is not there. */
	g_string_truncate(log_lines, 0);
	char *missing = g_build_filename(root, "no-such-sendmail", NULL);
	assert_true(milter_notify_send(missing, "clerk@ashcombe-pc.gov.uk", letter, "T3: test"));
	milter_notify_shutdown();
	if (strstr(log_lines->str, "T3: test: not sent: sendmail could not be run") == NULL)
		fail_msg("log: got \"%s\", want \"could not be run\"", log_lines->str);
	/* An address that cannot be handed over safely is refused up front. */
	assert_false(milter_notify_send(sendmail, "-bs@x.org", letter, "T4: test"));

	milter_log_set_hook(NULL);
	g_string_free(log_lines, TRUE);
	assert_true(chdir(cwd) == 0);
	g_free(cwd);
	g_free(missing);
	g_free(status);
	g_free(pwned);
	g_free(sendmail);
	test_rmdir(&root);
}

/* Text from a hostile message reaches the Clerk and the author without the
   characters that reorder or hide what they read (issue 15, finding 9):
   U+202E (right-to-left override) and its kind in the Subject, the
   author's name, the evidence and the note appear in no letter, neither in
   its Subject (decoded) nor in its body. */
static void test_letters_bidi(void **state)
{
	char *root = test_tmpdir();
	struct conf *conf = test_conf("unit", root, NULL);
	static const char *const rcpts[] = { "d.ferris@example.net" };
	static const struct letter_finding found[] = {
		{ "confidential", "hold", "10.7",
		  "marked \"CONFIDENTIAL\" in the subject; to \xe2\x80\xae"
		  "ten.elpmaxe@sirref.d" },
	};
	struct letter_held held = {
		.queue_id = "4F2A1B3C5D", .message_id = "x1@ashcombe-pc.gov.uk",
		.subject = "Invoice \xe2\x80\xae" "fdp.exe\xe2\x80\xac for the hall \xe2\x80\x8b",
		.author = "cllr.jones@ashcombe-pc.gov.uk", .author_name = "Ann \xe2\x81\xa7Jones",
		.submitter = "cllr.jones@ashcombe-pc.gov.uk", .rcpts = rcpts, .n_rcpts = 1,
		.findings = found, .n_findings = 1, .held_at = time(NULL),
	};
	struct letter_from from = { conf, &conf->councils[0], NULL, time(NULL) };
	char *texts[] = {
		letter_hold_author(&from, &held, held.author),
		letter_hold_review(&from, &held),
		letter_returned(&from, &held, held.author, "Send it \xe2\x80\xaeyllaitnedifnoc."),
		letter_digest(&from, &held, 1),
	};

	for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
		struct parser_message *pm = NULL;
		const char *error;

		if (parser_parse(texts[i], strlen(texts[i]), NULL, &pm, &error) < 0)
			fail_msg("letter %zu does not parse: %s", i, error);
		if (test_hidden_char(pm->subject) != NULL || test_hidden_char(texts[i]) != NULL)
			fail_msg("letter %zu: a format character in its Subject \"%s\" or its "
				 "text:\n%s", i, pm->subject, texts[i]);
		if (i != 3 && strstr(pm->subject, "Invoice fdp.exe for the hall") == NULL)
			fail_msg("letter %zu: Subject: got \"%s\", want the words kept", i,
				 pm->subject);
		parser_message_free(&pm);
		g_free(texts[i]);
	}
	conf_unref(&conf);
	test_rmdir(&root);
}

/* With review_url, the letters to review_to link to the message's page on
   the web page (and only there: never a link that acts); without it, none.
   The expiry letters say what happens and when. */
static void test_letters_review_link(void **state)
{
	char *root = test_tmpdir();
	char *journal = g_build_filename(root, "journal.jsonl", NULL);
	struct conf *with = test_conf("hold", root, "JOURNAL", journal, NULL);
	struct conf *without = test_conf("unit", root, NULL);
	static const char *const rcpts[] = { "accounts@benchcraft.example.com" };
	struct letter_held held = {
		.queue_id = "4F2A1B3C5D", .subject = "Bench repairs",
		.author = "cllr.jones@ashcombe-pc.gov.uk", .author_name = "Ann Jones",
		.rcpts = rcpts, .n_rcpts = 1, .held_at = 1700000000,
	};
	const char *link = "https://mail.ashcombe-pc.gov.uk/review/held/4F2A1B3C5D";
	struct letter_from from = { with, &with->councils[0], NULL, 1700000000 };
	char *letters[] = { letter_hold_review(&from, &held), letter_digest(&from, &held, 1),
			    letter_expiry_reminder(&from, &held, 1700000000 + 7 * 86400) };

	for (size_t i = 0; i < G_N_ELEMENTS(letters); i++) {
		if (strstr(letters[i], link) == NULL)
			fail_msg("letter %zu: want the link %s in:\n%s", i, link, letters[i]);
		g_free(letters[i]);
	}
	char *author = letter_hold_author(&from, &held, held.author);
	assert_null(strstr(author, "/held/"));	/* the author has no page to review */
	g_free(author);
	char *expired = letter_expired(&from, &held, held.author, 7);
	GRegex *ws = g_regex_new("\\s+", 0, 0, NULL);
	char *flat = g_regex_replace_literal(ws, expired, -1, 0, " ", 0, NULL);
	if (strstr(flat, "nobody reviewed it within 7 days") == NULL ||
	    strstr(flat, "not delivered to anyone") == NULL)
		fail_msg("expired: got\n%s", expired);
	g_free(flat);
	g_free(expired);
	g_regex_unref(ws);

	from.conf = without;
	from.council = &without->councils[0];
	char *plain = letter_hold_review(&from, &held);
	assert_null(strstr(plain, "http"));
	assert_non_null(strstr(plain, "sudo council-review show 4F2A1B3C5D"));
	g_free(plain);
	held.queue_id = "4F2A/../x";
	assert_null(letter_review_link(with, &held));
	conf_unref(&with);
	conf_unref(&without);
	g_free(journal);
	test_rmdir(&root);
}

/* The letters are messages a reader and a parser both understand: the
   subject (non-ASCII included) survives encoding, and each says what the
   reader needs. */
static void test_letters(void **state)
{
	char *root = test_tmpdir();
	struct conf *conf = test_conf("unit", root, NULL);
	static const char *const rcpts[] = { "d.ferris@example.net" };
	static const struct letter_finding found[] = {
		{ "confidential", "hold", "10.7",
		  "marked \"CONFIDENTIAL\" in the subject; to d.ferris@example.net" },
	};
	struct letter_held held = {
		.queue_id = "4F2A1B3C5D", .message_id = "x1@ashcombe-pc.gov.uk",
		.subject = "Fwd: CONFIDENTIAL \xe2\x80\x93 staffing brief for the caf\xc3\xa9",
		.author = "cllr.jones@ashcombe-pc.gov.uk", .author_name = "Ann Jones",
		.submitter = "cllr.jones@ashcombe-pc.gov.uk", .rcpts = rcpts, .n_rcpts = 1,
		.findings = found, .n_findings = 1, .held_at = time(NULL) - 3 * 86400,
	};
	struct letter_from from = { conf, &conf->councils[0], NULL, time(NULL) };
	struct {
		const char *name;
		char *text;
		const char *to, *subject_has;
		const char *says[4];
	} cases[] = {
		{ "hold, to the author", letter_hold_author(&from, &held, held.author), held.author,
		  "is held for the Clerk", { "Clause 10.7", "release it", "return it to you",
					     "4F2A1B3C5D" } },
		{ "hold, to review_to", letter_hold_review(&from, &held), "clerk@ashcombe-pc.gov.uk",
		  "Held for review", { "sudo council-review show 4F2A1B3C5D",
				       "confidential (hold), clause 10.7",
				       "d.ferris@example.net", "release 4F2A1B3C5D" } },
		{ "returned", letter_returned(&from, &held, held.author,
					      "Please send it to councillors only."),
		  held.author, "was not sent", { "Please send it to councillors only.",
						 "not delivered to anyone", "Clause 10.7",
						 "4F2A1B3C5D" } },
		{ "digest", letter_digest(&from, &held, 1), "clerk@ashcombe-pc.gov.uk",
		  "1 message held for review", { "4F2A1B3C5D, held 3 days ago", "Ann Jones",
						 "confidential (clause 10.7)",
						 "sudo council-review list" } },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct parser_message *pm = NULL;
		const char *error;
		const char *text = cases[i].text;

		if (parser_parse(text, strlen(text), NULL, &pm, &error) < 0)
			fail_msg("%s: does not parse: %s", cases[i].name, error);
		const struct parser_address_list *to = &pm->fields[PARSER_TO];
		if (to->n != 1 || strcmp(to->items[0].addr, cases[i].to) != 0)
			fail_msg("%s: To: got %s, want %s", cases[i].name,
				 to->n > 0 ? to->items[0].addr : "none", cases[i].to);
		if (strstr(pm->subject, cases[i].subject_has) == NULL ||
		    (i != 3 && strstr(pm->subject, "caf\xc3\xa9") == NULL))
			fail_msg("%s: Subject: got \"%s\", want [%s] and the held subject",
				 cases[i].name, pm->subject, cases[i].subject_has);
		/* Words wrap across lines: compare with the line ends unwrapped. */
		GRegex *ws = g_regex_new("\\n {0,4}(?=\\S)", 0, 0, NULL);
		char *flat = g_regex_replace_literal(ws, text, -1, 0, " ", 0, NULL);
		g_regex_unref(ws);
		for (size_t k = 0; k < G_N_ELEMENTS(cases[i].says); k++)
			if (strstr(flat, cases[i].says[k]) == NULL)
				fail_msg("%s: want [%s] in:\n%s", cases[i].name, cases[i].says[k],
					 text);
		g_free(flat);
		if (strstr(text, "\nAuto-Submitted: auto-generated\n") == NULL)
			fail_msg("%s: no Auto-Submitted header", cases[i].name);
		/* No long lines: the body is wrapped for a reader. */
		char **lines = g_strsplit(strstr(text, "\n\n"), "\n", -1);
		for (char **l = lines; *l != NULL; l++)
			if (g_utf8_strlen(*l, -1) > 78)
				fail_msg("%s: line of %ld characters: %s", cases[i].name,
					 g_utf8_strlen(*l, -1), *l);
		g_strfreev(lines);
		parser_message_free(&pm);
		g_free(cases[i].text);
	}
	/* Nothing held: the digest says so (sent only with --always). */
	char *none = letter_digest(&from, NULL, 0);
	assert_non_null(strstr(none, "Nothing is held for review at Ashcombe Parish Council."));
	g_free(none);
	/* Who hears about a held message: never an outside From: address. */
	static const struct {
		const char *author, *mail_from, *want;
	} who[] = {
		{ "cllr.jones@ashcombe-pc.gov.uk", "cllr.jones@ashcombe-pc.gov.uk",
		  "cllr.jones@ashcombe-pc.gov.uk" },
		{ "someone@example.org", "cllr.smith@ashcombe-pc.gov.uk",
		  "cllr.smith@ashcombe-pc.gov.uk" },
		{ "someone@example.org", "someone@example.org", NULL },
		{ NULL, "", NULL },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(who); i++) {
		const char *got = letter_author_rcpt(conf, &conf->councils[0], who[i].author,
						     who[i].mail_from);
		if (g_strcmp0(got, who[i].want) != 0)
			fail_msg("author %s / sender %s: got %s, want %s", who[i].author,
				 who[i].mail_from, got, who[i].want);
	}
	conf_unref(&conf);
	test_rmdir(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_and_marker),
		cmocka_unit_test(test_own_notice),
		cmocka_unit_test(test_sendmail_argv),
		cmocka_unit_test(test_send_no_shell),
		cmocka_unit_test(test_letters),
		cmocka_unit_test(test_letters_review_link),
		cmocka_unit_test(test_letters_bidi),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return failed;
}
