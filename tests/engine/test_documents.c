/*
 * Attached documents read by the real worker (council-extract, as built),
 * through the engine as the daemon and the judge run it: a marked PDF is
 * held and an unmarked Word file passes; a worker killed, aborting,
 * spinning or sleeping in the middle of a document (its test hook) gives
 * the configured on_incomplete answer within the time limit, and the
 * engine then serves the next message as usual; a reader that cannot be
 * run at all is on_error's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "helpers.h"
#include "engine/engine-private.h"
#include "parser/parser.h"

#define CLERK "clerk@ashcombe-tc.gov.uk"

static const char *const to_solicitor[] = { "cases@lawfirm.example", NULL };

struct fixture {
	char *root;
	char *reader;
};

static int setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->root = test_tmpdir();
	f->reader = g_build_filename(g_getenv("COUNCIL_BINARY_DIR"), "extractor",
				     "council-extract", NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	g_unsetenv(ENGINE_EXTRACT_TEST_HOOK);
	test_rmdir(&f->root);
	g_free(f->reader);
	g_free(f);
	return 0;
}

static struct engine *engine_with(struct fixture *f, const char *on_incomplete,
				  const char *reader, const char *seconds)
{
	struct conf *conf = test_conf("documents", f->root, "ON_INCOMPLETE", on_incomplete,
				      "READER", reader, "SECONDS", seconds, NULL);
	struct engine *engine;
	const char *error;

	if (engine_new(conf, false, false, &engine, &error) < 0)
		fail_msg("engine_new: %s", error);
	conf_unref(&conf);
	return engine;
}

static struct engine_result *run(struct engine *engine, const char *fixture)
{
	char *rel = g_strconcat("messages/attachments/", fixture, NULL);
	struct engine_message *msg = test_message(engine, rel, CLERK, to_solicitor);
	struct engine_result *res = engine_run(engine, msg);

	engine_message_free(&msg);
	g_free(rel);
	return res;
}

static void test_real_worker(void **state)
{
	struct fixture *f = *state;
	struct engine *engine = engine_with(f, "hold", f->reader, "10");
	struct engine_result *res = run(engine, "libreoffice-heading-pdf.eml");

	if (strcmp(engine_result_action(res), "hold") != 0 || res->verdict->n_findings != 1 ||
	    strstr(res->verdict->findings[0].evidence, "marking \"NOT FOR PUBLICATION\" in a "
		   "heading on page 1 of attachment \"Item 9 report.pdf\"") == NULL)
		fail_msg("marked PDF: got %s (%s), want hold with its evidence",
			 engine_result_action(res), res->summary);
	engine_result_free(&res);
	res = run(engine, "libreoffice-prose-docx.eml");
	if (strcmp(engine_result_action(res), "accept") != 0)
		fail_msg("prose docx: got %s (%s), want accept", engine_result_action(res),
			 res->summary);
	engine_result_free(&res);
	res = run(engine, "zip-bomb-docx.eml");
	if (strcmp(engine_result_action(res), "hold") != 0 ||
	    strstr(res->summary, "unpacks to more than 100 times its size") == NULL ||
	    strstr(res->journal_line, "\"unread\"") == NULL)
		fail_msg("zip bomb: got %s (%s), want hold, not read", engine_result_action(res),
			 res->summary);
	engine_result_free(&res);
	engine_free(&engine);
}

/* Each way a worker can go wrong, under each on_incomplete: the answer is
   on_incomplete's, in time, and the next message is judged as ever. */
static void test_worker_failures(void **state)
{
	static const struct {
		const char *hook;
		const char *why;	/* in the summary's unread=(...) */
	} hooks[] = {
		{ "kill", "its reader was killed by signal 9" },
		{ "abort", "its reader was killed by signal 6" },
		{ "hang", "was not read within 1 seconds (limits.max_attachment_seconds)" },
		{ "sleep", "was not read within 1 seconds (limits.max_attachment_seconds)" },
	};
	static const struct {
		const char *on_incomplete, *action;
	} answers[] = { { "hold", "hold" }, { "reject", "reject" }, { "accept", "accept" } };
	struct fixture *f = *state;

	for (size_t a = 0; a < G_N_ELEMENTS(answers); a++) {
		struct engine *engine = engine_with(f, answers[a].on_incomplete, f->reader, "1");

		for (size_t h = 0; h < G_N_ELEMENTS(hooks); h++) {
			gint64 start = g_get_monotonic_time(), took;
			struct engine_result *res;

			g_setenv(ENGINE_EXTRACT_TEST_HOOK, hooks[h].hook, TRUE);
			res = run(engine, "python-none-docx.eml");
			took = (g_get_monotonic_time() - start) / 1000;
			g_unsetenv(ENGINE_EXTRACT_TEST_HOOK);
			if (strcmp(engine_result_action(res), answers[a].action) != 0 ||
			    strstr(res->summary, hooks[h].why) == NULL || res->error != NULL)
				fail_msg("%s with on_incomplete=%s: got %s (%s), want %s, \"%s\"",
					 hooks[h].hook, answers[a].on_incomplete,
					 engine_result_action(res), res->summary, answers[a].action,
					 hooks[h].why);
			if (strcmp(answers[a].action, "reject") == 0 &&
			    strstr(res->reply_text, "could not be checked in full") == NULL)
				fail_msg("%s: reject reply: got %s", hooks[h].hook, res->reply_text);
			/* One second to read, and no more. */
			if (took > 5000)
				fail_msg("%s: took %lld ms, want about 1 s at most", hooks[h].hook,
					 (long long)took);
			engine_result_free(&res);

			/* The next message, its worker well: judged as ever. */
			res = run(engine, "python-heading-docx.eml");
			if (strcmp(engine_result_action(res), "hold") != 0 ||
			    res->verdict->n_findings != 1 || res->verdict->unread != NULL)
				fail_msg("after %s: got %s (%s), want hold with a finding",
					 hooks[h].hook, engine_result_action(res), res->summary);
			engine_result_free(&res);
		}
		engine_free(&engine);
	}
}

/* Text or junk given a document's name needs no parser: it is answered
   without starting a worker, the same whether the worker is there or not
   (so the test runs each with the real reader and with none at all). */
static void test_not_documents(void **state)
{
	struct fixture *f = *state;
	const char *readers[] = { f->reader, "/nonexistent/council-extract" };

	for (size_t r = 0; r < G_N_ELEMENTS(readers); r++) {
		struct engine *engine = engine_with(f, "hold", readers[r], "10");
		struct engine_result *res = run(engine, "text-named-pdf.eml");

		if (strcmp(engine_result_action(res), "hold") != 0 || res->error != NULL ||
		    res->verdict->n_findings != 1 ||
		    strstr(res->verdict->findings[0].evidence, "\"CONFIDENTIAL\"") == NULL ||
		    strstr(res->verdict->findings[0].evidence, "Item 9 note.pdf") == NULL)
			fail_msg("text named .pdf, reader %s: got %s (%s), want hold for its "
				 "marking", readers[r], engine_result_action(res), res->summary);
		engine_result_free(&res);
		res = run(engine, "junk-named-docx.eml");
		if (strcmp(engine_result_action(res), "accept") != 0 || res->error != NULL ||
		    res->verdict->unread != NULL)
			fail_msg("binary named .docx, reader %s: got %s (%s), want accept, "
				 "nothing to read", readers[r], engine_result_action(res),
				 res->summary);
		engine_result_free(&res);
		engine_free(&engine);
	}
}

/* A reader that cannot be run is the filter's own failure: on_error's
   answer (tempfail), never a message passed unread. */
static void test_reader_missing(void **state)
{
	struct fixture *f = *state;
	struct engine *engine = engine_with(f, "accept", "/nonexistent/council-extract", "10");
	struct engine_result *res = run(engine, "python-heading-docx.eml");

	if (res->status != ENGINE_TEMPFAIL || res->error == NULL ||
	    strstr(res->error, "could not be run") == NULL)
		fail_msg("missing reader: got %s (%s), want tempfail", engine_result_action(res),
			 res->summary);
	engine_result_free(&res);
	engine_free(&engine);
}

static int group_setup(void **state)
{
	parser_init();
	return 0;
}

static int group_teardown(void **state)
{
	parser_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_worker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worker_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_documents, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
