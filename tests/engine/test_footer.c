/* The footer path of the engine: an annotate verdict with a footer becomes
   a new body (in 64 KiB chunks through the seam), the changed MIME headers,
   and the footer listed in the judge's JSON. Needs the real footer writer
   (parser_annotate, issue 4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "helpers.h"
#include "engine/engine-private.h"
#include "parser/parser.h"

static const char *const to_clerk[] = { "clerk@ashcombe-pc.gov.uk", NULL };

static void test_footer(void **state)
{
	char *root = test_tmpdir();
	struct engine *engine = test_engine("unit", root);
	struct engine_message *msg = test_message(engine, "messages/milter/plain-lf.eml",
						  "cllr.smith@ashcombe-pc.gov.uk", to_clerk);
	struct engine_result *res = engine_run_verdict(engine, msg,
						       test_v_footer(engine_conf(engine)));
	char *ops = test_ops_describe(res);
	const char *want_ops = "insert Council-Policy-Results; replace_body";

	if (strcmp(ops, want_ops) != 0)
		fail_msg("ops:\ngot  %s\nwant %s", ops, want_ops);
	if (g_strcmp0(res->footer_added, "Copied to: Cllr Ann Jones") != 0)
		fail_msg("footer_added: got %s, want the footer text", res->footer_added);

	size_t len;
	char *got = engine_render(msg, res, &len);
	static const char *const want[] = { "Copied to: Cllr Ann Jones", PARSER_FOOTER_BEGIN,
					    "Could we have the inspection report" };
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		if (got == NULL || strstr(got, want[i]) == NULL)
			fail_msg("rendered: got\n%s\nwant it to contain [%s]", got, want[i]);

	char *json = engine_result_json(res);
	if (strstr(json, "\"footers\" : [\n    \"Copied to: Cllr Ann Jones\"\n  ]") == NULL)
		fail_msg("JSON: got %s, want footers [\"Copied to: Cllr Ann Jones\"]", json);
	g_free(json);
	g_free(got);
	g_free(ops);
	engine_result_free(&res);
	engine_message_free(&msg);
	engine_free(&engine);
	test_rmdir(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_footer),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return failed;
}
