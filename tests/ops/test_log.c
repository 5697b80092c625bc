/*
 * Daemon log lines (milter/log.h): log_level decides what is written; a
 * line on stderr reads "council-milter[PID]: error: ...", and on systemd's
 * journal stream "<3>error: ..." so journald records its priority.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "milter/log.h"

static GPtrArray *captured;

static void hook(int priority, const char *line)
{
	g_ptr_array_add(captured, g_strdup_printf("%d %s", priority, line));
}

static void test_level_names(void **state)
{
	static const struct {
		const char *name;
		int want;
	} cases[] = {
		{ "error", LOG_ERR }, { "warning", LOG_WARNING }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG }, { "notice", -1 }, { "INFO", -1 }, { "", -1 },
		{ NULL, -1 },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int got = milter_log_level_from_name(cases[i].name);
		if (got != cases[i].want) {
			print_error("level \"%s\": got %d, want %d\n",
				    cases[i].name != NULL ? cases[i].name : "(null)", got,
				    cases[i].want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* Which of one line per priority each log_level lets through. */
static void test_level_filters(void **state)
{
	static const struct {
		const char *level;
		const char *want;	/* priorities logged, in order */
	} cases[] = {
		{ "error", "3" },
		{ "warning", "3 4" },
		{ "info", "3 4 5 6" },
		{ "debug", "3 4 5 6 7" },
	};
	static const int priorities[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };
	int failures = 0;

	milter_log_set_hook(hook);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *got = g_string_new(NULL);

		captured = g_ptr_array_new_with_free_func(g_free);
		milter_log_set_level(milter_log_level_from_name(cases[i].level));
		for (size_t k = 0; k < G_N_ELEMENTS(priorities); k++)
			milter_log(priorities[k], "QUEUEID: line %d", priorities[k]);
		for (size_t k = 0; k < captured->len; k++)
			g_string_append_printf(got, "%s%c", k > 0 ? " " : "",
					       ((char *)captured->pdata[k])[0]);
		if (strcmp(got->str, cases[i].want) != 0) {
			print_error("log_level %s: got priorities \"%s\", want \"%s\"\n",
				    cases[i].level, got->str, cases[i].want);
			failures++;
		}
		if (milter_log_enabled(LOG_DEBUG) != (strcmp(cases[i].level, "debug") == 0)) {
			print_error("log_level %s: milter_log_enabled(LOG_DEBUG) wrong\n",
				    cases[i].level);
			failures++;
		}
		g_string_free(got, TRUE);
		g_ptr_array_unref(captured);
	}
	milter_log_set_hook(NULL);
	milter_log_set_level(LOG_INFO);
	assert_int_equal(failures, 0);
}

/* Run two lines through milter_log with stderr on a file and JOURNAL_STREAM
   set as MODE says; return what was written. */
enum stream { PLAIN, JOURNAL, OTHER_JOURNAL };

static char *write_lines(enum stream mode)
{
	char path[] = "/tmp/council-log-XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDERR_FILENO);
	struct stat st;
	char *text = NULL;

	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	if (mode == PLAIN) {
		unsetenv("JOURNAL_STREAM");
	} else {
		char *env = g_strdup_printf("%llu:%llu", (unsigned long long)st.st_dev,
					    (unsigned long long)st.st_ino +
					    (mode == OTHER_JOURNAL ? 1 : 0));
		setenv("JOURNAL_STREAM", env, 1);
		g_free(env);
	}
	fflush(stderr);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	milter_log_init(true);
	milter_log(LOG_ERR, "4F2A1B3C5D: could not judge");
	milter_log(LOG_INFO, "4F2A1B3C5D: council=none");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	unsetenv("JOURNAL_STREAM");
	milter_log_init(true);
	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	unlink(path);
	return text;
}

static void test_stderr_formats(void **state)
{
	char *plain = g_strdup_printf("council-milter[%ld]: error: 4F2A1B3C5D: could not judge\n"
				      "council-milter[%ld]: 4F2A1B3C5D: council=none\n",
				      (long)getpid(), (long)getpid());
	const struct {
		const char *what;
		enum stream mode;
		const char *want;
	} cases[] = {
		{ "stderr", PLAIN, plain },
		{ "journal stream", JOURNAL,
		  "<3>error: 4F2A1B3C5D: could not judge\n<6>4F2A1B3C5D: council=none\n" },
		{ "JOURNAL_STREAM of another stream", OTHER_JOURNAL, plain },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = write_lines(cases[i].mode);
		if (strcmp(got, cases[i].want) != 0) {
			print_error("%s: got \"%s\", want \"%s\"\n", cases[i].what, got,
				    cases[i].want);
			failures++;
		}
		g_free(got);
	}
	g_free(plain);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_level_filters),
		cmocka_unit_test(test_stderr_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
