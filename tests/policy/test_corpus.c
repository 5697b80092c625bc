/*
 * Every third-party message in ../shared/corpus (rspamd, mime4j: real and
 * malformed mail) is parsed and judged against the test directory. None of
 * their senders is in it, so each must be accepted with no finding and a
 * council=none result header, and nothing may crash or leak (ASan build).
 * The envelope names a councillor as recipient, so a message would be
 * judged if its sender were wrongly taken for one of ours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "judge_test.h"

/* Corpus messages read so far; the corpus README lists 291. */
#define CORPUS_MIN 291

static void judge_file(const struct conf *conf, const char *path, GString *err)
{
	static const char *const rcpts[] = { "cllr.jones@ashcombe-tc.gov.uk",
					     "someone@example.org" };
	struct policy_envelope env = { .mail_from = "", .rcpts = rcpts, .n_rcpts = 2,
				       .now = TEST_NOW };
	struct parser_message *msg = NULL;
	struct policy_verdict *v = NULL;
	const char *error = NULL;
	char *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, NULL)) {
		g_string_append_printf(err, "\n  %s: cannot read", path);
		return;
	}
	if (parser_parse(data, len, NULL, &msg, &error) != 0) {
		g_string_append_printf(err, "\n  %s: parse: got error %s, want a model", path,
				       error);
	} else if (policy_judge(conf, &env, msg, NULL, &v, &error) != 0) {
		g_string_append_printf(err, "\n  %s: judge: got error %s, want a verdict", path,
				       error);
	} else if (v->action != CONF_ACTION_NONE || v->n_findings != 0 || v->council != NULL ||
		   strstr(v->result_header, "council=none; action=accept") == NULL) {
		g_string_append_printf(err, "\n  %s: got action %s, %zu findings, header \"%s\"; "
				       "want accept, none, council=none", path,
				       conf_action_name(v->action), v->n_findings,
				       v->result_header);
	}
	policy_verdict_free(&v);
	parser_message_free(&msg);
	g_free(data);
}

static void test_corpus(void **state)
{
	static const char *const dirs[] = { "rspamd", "mime4j" };
	const char *shared = g_getenv("COUNCIL_SHARED_DIR");
	struct conf *conf;
	GString *err = g_string_new(NULL);
	size_t n = 0;

	if (shared == NULL)
		shared = "../../shared";
	parser_init();
	conf = test_conf_load();
	for (size_t d = 0; d < G_N_ELEMENTS(dirs); d++) {
		char *dir = g_build_filename(shared, "corpus", dirs[d], NULL);
		GDir *gd = g_dir_open(dir, 0, NULL);
		const char *name;

		if (gd == NULL)
			fail_msg("cannot open the corpus folder %s", dir);
		while ((name = g_dir_read_name(gd)) != NULL) {
			char *path;

			if (!g_str_has_suffix(name, ".eml") && !g_str_has_suffix(name, ".msg"))
				continue;
			path = g_build_filename(dir, name, NULL);
			judge_file(conf, path, err);
			g_free(path);
			n++;
		}
		g_dir_close(gd);
		g_free(dir);
	}
	conf_unref(&conf);
	parser_shutdown();
	if (n < CORPUS_MIN)
		g_string_append_printf(err, "\n  messages judged: got %zu, want at least %d", n,
				       CORPUS_MIN);
	if (err->len > 0)
		fail_msg("%s", err->str);
	g_string_free(err, TRUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
