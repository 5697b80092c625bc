/*
 * The loader beyond the error fixtures: defaults, relative paths, file and
 * phrase-list errors, phrase merging, pre-election times, and the
 * reference count under threads.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_test.h"
#include "conf/conf_private.h"

static char *abs_path(const char *rel)
{
	return g_canonicalize_filename(rel, NULL);
}

static void test_defaults(void **state)
{
	struct conf *conf = test_load_ok("conf/valid/minimal.conf");
	const struct conf_daemon *d = &conf->daemon;
	const struct {
		const char *key;
		const char *got;
		const char *want;
	} strings[] = {
		{ "socket", d->socket, "unix:/run/council-milter/council-milter.sock" },
		{ "user", d->user, "council-milter" },
		{ "socket_group", d->socket_group, "postfix" },
		{ "journal", d->journal, "/var/lib/council-milter/journal.jsonl" },
		{ "sendmail", d->sendmail, "/usr/sbin/sendmail" },
		{ "notice_key", d->notice_key, "/var/lib/council-milter/notice.key" },
		{ "authserv_id", d->authserv_id, g_get_host_name() },
		{ "log_level", d->log_level, "info" },
		{ "log_facility", d->log_facility, "mail" },
		{ "phrase_dir (override)", d->phrase_dir, test_phrase_dir() },
		{ "thread_store.path", d->thread_store.path, "/var/lib/council-milter/threads" },
		{ "councils[0].review_to", conf->councils[0].review_to,
		  "clerk@ashcombe-pc.gov.uk" },
	};
	const struct {
		const char *key;
		unsigned long long got;
		unsigned long long want;
	} numbers[] = {
		{ "socket_mode", d->socket_mode, 0660 },
		{ "on_error", d->on_error, CONF_ON_ERROR_TEMPFAIL },
		{ "on_incomplete", d->on_incomplete, CONF_ACTION_HOLD },
		{ "on_footer_refused", d->on_footer_refused, CONF_ACTION_HOLD },
		{ "journal_failure", d->journal_failure, CONF_JOURNAL_TEMPFAIL },
		{ "mta", d->mta, CONF_MTA_POSTFIX },
		{ "timeout", d->timeout_seconds, 300 },
		{ "subaddress_folding", d->subaddress_folding, true },
		{ "subaddress_delimiter", (unsigned char)d->subaddress_delimiter, '+' },
		{ "notify", d->notify, true },
		{ "limits.max_message_bytes", d->limits.max_message_bytes, 64ULL << 20 },
		{ "limits.max_header_bytes", d->limits.max_header_bytes, 1ULL << 20 },
		{ "limits.max_depth", d->limits.max_depth, 32 },
		{ "limits.max_parts", d->limits.max_parts, 1000 },
		{ "limits.max_text_bytes", d->limits.max_text_bytes, 1ULL << 20 },
		{ "limits.max_html_attributes", d->limits.max_html_attributes, 100 },
		{ "limits.max_html_depth", d->limits.max_html_depth, 256 },
		{ "limits.max_recipients", d->limits.max_recipients, 10000 },
		{ "thread_store.retention_days", d->thread_store.retention_days, 365 },
		{ "thread_store.max_entries", d->thread_store.max_entries, 100000 },
		{ "councils[0].n_press_domains", conf->councils[0].n_press_domains, 0 },
		{ "councils[0].pre_election_start",
		  (unsigned long long)conf->councils[0].pre_election_start, 0 },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(strings); i++) {
		if (g_strcmp0(strings[i].got, strings[i].want) != 0) {
			print_error("%s: got \"%s\", want \"%s\"\n", strings[i].key,
				    strings[i].got, strings[i].want);
			failures++;
		}
	}
	for (size_t i = 0; i < G_N_ELEMENTS(numbers); i++) {
		if (numbers[i].got != numbers[i].want) {
			print_error("%s: got %llu, want %llu\n", numbers[i].key, numbers[i].got,
				    numbers[i].want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	conf_unref(&conf);
	assert_null(conf);
}

/* Settings given in the file, relative paths resolved against its folder. */
static void test_settings_and_paths(void **state)
{
	struct conf *conf = test_load_ok("conf/valid/multi.conf");
	char *dir = abs_path("conf/valid");
	char *journal = g_build_filename(dir, "state", "journal.jsonl", NULL);
	char *threads = g_build_filename(dir, "state", "threads", NULL);
	char *self = abs_path("conf/valid/multi.conf");

	assert_string_equal(conf->path, self);
	assert_string_equal(conf->daemon.journal, journal);
	assert_string_equal(conf->daemon.thread_store.path, threads);
	assert_string_equal(conf->daemon.socket, "inet:8894@127.0.0.1");
	assert_int_equal(conf->daemon.socket_mode, 0600);
	assert_int_equal(conf->daemon.on_error, CONF_ON_ERROR_ACCEPT);
	assert_int_equal(conf->daemon.mta, CONF_MTA_SENDMAIL);
	assert_string_equal(conf->daemon.authserv_id, "mx.hosting.example");
	assert_int_equal(conf->daemon.limits.max_recipients, 200);
	assert_int_equal(conf->daemon.limits.max_depth, 8);
	assert_int_equal(conf->daemon.limits.max_parts, 1000);	/* untouched: default */
	assert_int_equal(conf->daemon.thread_store.retention_days, 30);
	assert_int_equal(conf->daemon.thread_store.max_entries, 500);
	assert_int_equal(conf->n_councils, 3);
	assert_string_equal(conf->councils[0].review_to, "review@ashcombe-pc.gov.uk");
	/* Domains are kept lower-case. */
	assert_int_equal(conf->councils[0].n_domains, 2);
	assert_string_equal(conf->councils[0].domains[1], "ashcombe.example");
	/* People: councillors first, then officers, each knowing its council. */
	assert_int_equal(conf->councils[0].n_people, 4);
	assert_string_equal(conf->councils[0].people[0].name, "Jane Smith");
	assert_int_equal(conf->councils[0].people[0].role, CONF_ROLE_COUNCILLOR);
	assert_int_equal(conf->councils[0].people[0].titles, CONF_TITLE_MAYOR | CONF_TITLE_CHAIR);
	assert_string_equal(conf->councils[0].people[0].capacity, "Cllr Smith writes as Mayor.");
	assert_int_equal(conf->councils[0].people[0].line, 19);
	assert_string_equal(conf->councils[0].people[0].addresses[1], "Jane.Smith@Example.com");
	assert_int_equal(conf->councils[0].people[3].role, CONF_ROLE_STAFF);	/* default role */
	assert_ptr_equal(conf->councils[1].people[0].council, &conf->councils[1]);
	assert_int_equal(conf->councils[1].people[0].titles, CONF_TITLE_LEADER);
	assert_null(conf->councils[1].people[0].ward);
	assert_int_equal(conf->councils[0].line, 11);
	g_free(dir);
	g_free(journal);
	g_free(threads);
	g_free(self);
	conf_unref(&conf);
}

static void test_relative_phrase_dir(void **state)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	char *want = abs_path("../policy/phrases");

	assert_int_equal(conf_load("conf/other/phrase-dir-ok.conf", NULL, &conf, &errors), 0);
	assert_null(errors);
	assert_string_equal(conf->daemon.phrase_dir, want);
	assert_true(conf->councils[0].phrases[CONF_PHRASES_COURTESY].n_phrases > 0);
	g_free(want);
	conf_unref(&conf);
}

/* No phrase_dir in the config and no -P: the installed lists, or, for a
   binary not yet installed, the source tree's (the demo, the tests, an
   administrator trying --judge from a build). Either way it loads. */
static void test_default_phrase_dir(void **state)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	char *instruction;

	assert_int_equal(conf_load("conf/valid/minimal.conf", NULL, &conf, &errors), 0);
	assert_null(errors);
	instruction = g_build_filename(conf->daemon.phrase_dir, "instruction.txt", NULL);
	if (!g_file_test(instruction, G_FILE_TEST_IS_REGULAR))
		fail_msg("phrase_dir: got %s, want a folder holding instruction.txt",
			 conf->daemon.phrase_dir);
	assert_true(conf->councils[0].phrases[CONF_PHRASES_COURTESY].n_phrases > 0);
	g_free(instruction);
	conf_unref(&conf);
}

/* Errors from conf_load itself rather than from a key. */
static void test_file_errors(void **state)
{
	const struct {
		const char *path;
		const char *phrase_dir;		/* NULL: the configured one */
		const char *want[3];
	} cases[] = {
		{ "conf/valid/no-such.conf", NULL,
		  { "conf/valid/no-such.conf: cannot read the config file: "
		    "No such file or directory" } },
		{ "conf/valid", NULL, { "conf/valid: is a folder; expected a config file" } },
		/* Read up to the cap (CONF_FILE_MAX), never without end (issue 15). */
		{ "/dev/zero", NULL,
		  { "/dev/zero: the configuration is larger than 16 MiB (with the files it "
		    "includes), the most council-milter reads; is this the right file?" } },
		{ "conf/valid/minimal.conf", "/nonexistent/phrases",
		  { "conf/valid/minimal.conf: phrase_dir: \"/nonexistent/phrases\" does not exist; "
		    "expected the folder holding council-milter's phrase lists "
		    "(instruction.txt and the others)" } },
		{ "conf/valid/minimal.conf", "conf/valid/minimal.conf",
		  { "conf/valid/minimal.conf: phrase_dir: \"conf/valid/minimal.conf\" is not a "
		    "folder; expected the folder holding council-milter's phrase lists "
		    "(instruction.txt and the others)" } },
		{ "conf/valid/minimal.conf", "conf/valid",
		  { "conf/valid/minimal.conf: phrase_dir: cannot read the phrase list "
		    "\"conf/valid/instruction.txt\": No such file or directory" } },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct conf *conf = NULL;
		struct conf_errors *errors = NULL;
		size_t n_want = 0;

		while (n_want < G_N_ELEMENTS(cases[i].want) && cases[i].want[n_want] != NULL)
			n_want++;
		if (conf_load(cases[i].path, cases[i].phrase_dir, &conf, &errors) == 0) {
			print_error("%s: got a valid config, want errors\n", cases[i].path);
			conf_unref(&conf);
			failures++;
			continue;
		}
		/* A missing folder of lists gives one line per list: check the first. */
		for (size_t j = 0; j < n_want; j++) {
			const char *got = j < errors->n_lines ? errors->lines[j] : "(nothing)";

			if (strcmp(got, cases[i].want[j]) != 0) {
				print_error("%s error %zu:\n  got  %s\n  want %s\n", cases[i].path,
					    j + 1, got, cases[i].want[j]);
				failures++;
			}
		}
		conf_errors_free(&errors);
	}
	assert_int_equal(failures, 0);
}

/* The shipped list is read as the policy helper documents it: '#' comments,
   blank lines skipped, whitespace trimmed. */
static void test_phrase_lists(void **state)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	char *text = NULL, *path = g_build_filename(test_phrase_dir(), "information.txt", NULL);
	char *bad, *want;
	char **lines;
	size_t shipped = 0;
	const struct conf_phrases *ash, *borley;

	conf = test_load_ok("conf/valid/multi.conf");
	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]);
		if (l[0] != '\0' && l[0] != '#')
			shipped++;
	}
	ash = &conf->councils[0].phrases[CONF_PHRASES_INFORMATION];
	borley = &conf->councils[1].phrases[CONF_PHRASES_INFORMATION];
	assert_true(shipped > 0);
	assert_int_equal(borley->n_phrases, shipped);
	assert_int_equal(ash->n_phrases, shipped + 2);
	assert_string_equal(ash->phrases[shipped], "sort it out");
	assert_string_equal(ash->phrases[shipped + 1], "get it done");
	assert_string_equal(ash->phrases[0], borley->phrases[0]);
	/* Every shipped list loaded; instruction.txt ships empty (the
	   grammar finds requests; a council adds its own words there). */
	for (int set = 0; set < CONF_PHRASES_COUNT; set++)
		if (set == CONF_PHRASES_INSTRUCTION)
			assert_int_equal(conf->councils[2].phrases[set].n_phrases, 0);
		else
			assert_true(conf->councils[2].phrases[set].n_phrases > 0);
	conf_unref(&conf);

	/* A fault in a shipped list is named by the list's (resolved) path and
	   line; the other lines of the lists are fine. */
	assert_int_equal(conf_load("conf/other/phrase-dir.conf", NULL, &conf, &errors), -1);
	bad = abs_path("conf/phrases-bad/capacity.txt");
	want = g_strdup_printf("%s:3: the phrase is not valid UTF-8; expected UTF-8 text", bad);
	assert_int_equal(errors->n_lines, 1);
	assert_string_equal(errors->lines[0], want);
	conf_errors_free(&errors);
	g_free(bad);
	g_free(want);

	/* Trimmed, comments dropped, blank lines skipped, case kept. */
	conf = test_load_ok_from("conf/other/phrases-ok.conf", NULL);
	for (int set = 0; set < CONF_PHRASES_COUNT; set++) {
		const struct conf_phrases *p = &conf->councils[0].phrases[set];

		assert_int_equal(p->n_phrases, 3);
		assert_string_equal(p->phrases[0], "phrase one");
		assert_string_equal(p->phrases[1], "phrase two");
		assert_string_equal(p->phrases[2], "On Behalf Of The Council");
	}
	conf_unref(&conf);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
}

/* Local time: start 00:00:00 of the first day, end 23:59:59 of the last. */
static void test_pre_election(void **state)
{
	const struct {
		const char *tz;
		time_t start, end;
	} cases[] = {
		{ "UTC0", 1805932800 /* 2027-03-25T00:00:00Z */,
		  1809647999 /* 2027-05-06T23:59:59Z */ },
		{ "Europe/London", 1805932800 /* GMT until 28 March */,
		  1809644399 /* 23:59:59 BST = 22:59:59Z */ },
	};
	char *old = g_strdup(g_getenv("TZ"));

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct conf *conf;

		setenv("TZ", cases[i].tz, 1);
		tzset();
		conf = test_load_ok("conf/valid/multi.conf");
		if (conf->councils[0].pre_election_start != cases[i].start ||
		    conf->councils[0].pre_election_end != cases[i].end)
			fail_msg("TZ=%s: got %lld..%lld, want %lld..%lld", cases[i].tz,
				 (long long)conf->councils[0].pre_election_start,
				 (long long)conf->councils[0].pre_election_end,
				 (long long)cases[i].start, (long long)cases[i].end);
		assert_int_equal(conf->councils[1].pre_election_start, 0);
		conf_unref(&conf);
	}
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	g_free(old);
}

/* Exceptions in their normal form, with where each was written; a rule
   without any has none; matching by address, domain and role. */
static void test_exceptions(void **state)
{
	struct conf *conf = test_load_ok("conf/valid/exceptions.conf");
	const struct conf_rule_setting *conf_rule =
		&conf->councils[0].rules[CONF_RULE_CONFIDENTIAL];
	const struct conf_rule_setting *cap = &conf->councils[0].rules[CONF_RULE_CAPACITY];
	const struct {
		enum conf_exception_kind kind;
		const char *value, *written;
		int line;
	} want[] = {
		{ CONF_EXCEPT_ADDRESS, "monitoring.officer@district.gov.uk",
		  "Monitoring.Officer+papers@District.GOV.uk", 12 },
		{ CONF_EXCEPT_DOMAIN, "auditors.example.co.uk", "@Auditors.Example.co.uk", 13 },
		{ CONF_EXCEPT_DOMAIN, "xn--bcher-kva.example", "@bücher.example", 13 },
		{ CONF_EXCEPT_ROLE, "officer", "role:officer", 13 },
	};

	assert_int_equal(conf_rule->n_except_recipients, G_N_ELEMENTS(want));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		const struct conf_exception *e = &conf_rule->except_recipients[i];

		if (e->kind != want[i].kind || strcmp(e->value, want[i].value) != 0 ||
		    strcmp(e->written, want[i].written) != 0 || e->line != want[i].line ||
		    strcmp(e->file, "conf/valid/exceptions.conf") != 0)
			fail_msg("exception %zu: got %d '%s' ('%s', %s:%d), want %d '%s' "
				 "('%s', line %d)", i, e->kind, e->value, e->written, e->file,
				 e->line, want[i].kind, want[i].value, want[i].written,
				 want[i].line);
	}
	assert_int_equal(conf_rule->n_except_senders, 1);
	assert_int_equal(conf_rule->except_senders[0].roles, CONF_EXCEPT_ROLE_CLERK);
	assert_int_equal(cap->n_except_senders, 1);
	assert_int_equal(cap->except_senders[0].roles, CONF_EXCEPT_ROLE_COUNCILLOR);
	assert_int_equal(cap->n_except_recipients, 0);
	assert_int_equal(conf->councils[0].rules[CONF_RULE_SILENT_COPY].n_except_recipients, 0);

	/* Matching: exact address; a domain and not its subdomains nor a
	   look-alike suffix; a role by its bits. */
	assert_true(conf_exception_matches(&conf_rule->except_recipients[0],
					   "monitoring.officer@district.gov.uk", 0));
	assert_false(conf_exception_matches(&conf_rule->except_recipients[0],
					    "monitoring.officer@district.gov.uk.example", 0));
	assert_true(conf_exception_matches(&conf_rule->except_recipients[1],
					   "jo@auditors.example.co.uk", 0));
	assert_false(conf_exception_matches(&conf_rule->except_recipients[1],
					    "jo@mail.auditors.example.co.uk", 0));
	assert_false(conf_exception_matches(&conf_rule->except_recipients[1],
					    "jo@fakeauditors.example.co.uk", 0));
	assert_false(conf_exception_matches(&conf_rule->except_recipients[1], NULL, 0));
	assert_true(conf_exception_matches(&conf_rule->except_recipients[3], "x@y",
					   CONF_EXCEPT_ROLE_STAFF));
	assert_true(conf_exception_matches(&conf_rule->except_recipients[3], NULL,
					   CONF_EXCEPT_ROLE_CLERK));
	assert_false(conf_exception_matches(&conf_rule->except_recipients[3], "x@y",
					    CONF_EXCEPT_ROLE_COUNCILLOR));
	assert_false(conf_exception_matches(&conf_rule->except_recipients[3], "x@y", 0));
	conf_unref(&conf);
}

#define THREADS 4
#define ROUNDS 20000

static gpointer hammer(gpointer data)
{
	struct conf *shared = data;

	for (int i = 0; i < ROUNDS; i++) {
		struct conf *mine = conf_ref(shared);

		if (conf_person_lookup(mine, "cllr.smith@ashcombe-pc.gov.uk") == NULL)
			return GINT_TO_POINTER(1);
		conf_unref(&mine);
		if (mine != NULL)
			return GINT_TO_POINTER(1);
	}
	return NULL;
}

/* Readers on several threads pin and release one config; the last unref
   frees it (ASan reports any leak or use after free). */
static void test_refcount(void **state)
{
	struct conf *conf = test_load_ok("conf/valid/multi.conf");
	struct conf *second = conf_ref(conf);
	GThread *threads[THREADS];

	assert_ptr_equal(second, conf);
	assert_int_equal(g_atomic_int_get(&conf->priv->refcount), 2);
	for (int i = 0; i < THREADS; i++)
		threads[i] = g_thread_new("hammer", hammer, conf);
	for (int i = 0; i < THREADS; i++)
		assert_null(g_thread_join(threads[i]));
	assert_int_equal(g_atomic_int_get(&conf->priv->refcount), 2);
	conf_unref(&second);
	assert_null(second);
	assert_int_equal(g_atomic_int_get(&conf->priv->refcount), 1);
	assert_non_null(conf_person_lookup(conf, "clerk@borley-tc.gov.uk"));
	conf_unref(&conf);
	assert_null(conf);
	conf_unref(&conf);	/* NULL is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_settings_and_paths),
		cmocka_unit_test(test_relative_phrase_dir),
		cmocka_unit_test(test_default_phrase_dir),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_phrase_lists),
		cmocka_unit_test(test_pre_election),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_refcount),
	};

	test_chdir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
