/*
 * Error reporting, table-driven from files: each tests/conf/cases/NAME.conf
 * must fail to load with exactly the lines of NAME.errors (file:line, key,
 * message), all of them in one pass; or, when it loads, fail the system
 * check -n and start-up run (conf_check_system, as its configured user)
 * with exactly those lines. Add a case by adding the two files.
 */
#include <string.h>

#include "conf_test.h"

#define CASES_DIR "conf/cases"

static char **read_lines(const char *path)
{
	char *text = NULL;
	char **lines;
	size_t n;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("%s: cannot read the expected errors (each case needs a .errors file)",
			 path);
	g_strchomp(text);
	lines = g_strsplit(text, "\n", -1);
	n = g_strv_length(lines);
	if (n == 1 && lines[0][0] == '\0') {
		g_strfreev(lines);
		lines = g_new0(char *, 1);
	}
	g_free(text);
	return lines;
}

static void test_case(void **state)
{
	const char *name = *state;
	char *conf_path = g_strdup_printf("%s/%s.conf", CASES_DIR, name);
	char *want_path = g_strdup_printf("%s/%s.errors", CASES_DIR, name);
	char **want = read_lines(want_path);
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	size_t n_want = g_strv_length(want), mismatches = 0;

	if (conf_load(conf_path, test_phrase_dir(), &conf, &errors) == 0) {
		/* It loads: then what it names on this system must be wrong, as
		   -n and start-up find it (conf_check_system, the configured user). */
		int ok = conf_check_system(conf, NULL, false, &errors);

		conf_unref(&conf);
		if (ok == 0)
			fail_msg("%s: got a valid config, want %zu errors", conf_path, n_want);
	}
	assert_null(conf);
	assert_non_null(errors);
	for (size_t i = 0; i < MAX(n_want, errors->n_lines); i++) {
		const char *got = i < errors->n_lines ? errors->lines[i] : "(nothing)";
		const char *exp = i < n_want ? want[i] : "(nothing)";

		if (strcmp(got, exp) != 0) {
			print_error("%s error %zu:\n  got  %s\n  want %s\n", name, i + 1, got, exp);
			mismatches++;
		}
	}
	if (mismatches > 0)
		fail_msg("%s: %zu of %zu error lines differ (got %zu lines, want %zu)", name,
			 mismatches, MAX(n_want, errors->n_lines), errors->n_lines, n_want);
	conf_errors_free(&errors);
	assert_null(errors);
	g_strfreev(want);
	g_free(conf_path);
	g_free(want_path);
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	GDir *dir;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	struct CMUnitTest *tests;
	const char *entry;
	int failed;

	test_chdir();
	dir = g_dir_open(CASES_DIR, 0, NULL);
	if (dir == NULL) {
		fprintf(stderr, "cannot open %s (run from tests/)\n", CASES_DIR);
		return 1;
	}
	while ((entry = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_suffix(entry, ".conf") && !g_str_has_prefix(entry, "inc-"))
			g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 5));
	}
	g_dir_close(dir);
	g_ptr_array_sort(names, cmp_names);
	if (names->len == 0) {
		fprintf(stderr, "no cases in %s\n", CASES_DIR);
		return 1;
	}
	tests = g_new0(struct CMUnitTest, names->len);
	for (guint i = 0; i < names->len; i++) {
		tests[i].name = names->pdata[i];
		tests[i].test_func = test_case;
		tests[i].initial_state = names->pdata[i];
	}
	failed = _cmocka_run_group_tests("conf_cases", tests, names->len, NULL, NULL);
	g_free(tests);
	g_ptr_array_free(names, TRUE);
	return failed;
}
