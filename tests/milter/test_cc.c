/* The Clerk copied openly (member-instructs-staff with copy_clerk) joins
   Cc: as the sender wrote it: groups, comments and encoded words stay what
   they were, several Cc: fields become one, and what a field leaves open
   (a group, a comment) is closed so that the Clerk stands on her own
   (issue 15). Through the real policy, engine and rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "helpers.h"
#include "parser/parser.h"

static const char *const to_grounds[] = { "grounds@ashcombe-pc.gov.uk", NULL };

#define CLERK ", Tom Brown <clerk@ashcombe-pc.gov.uk>"

static const char *next_line(const char *p)
{
	p = strstr(p, "\r\n");
	return p != NULL ? p + 2 : NULL;
}

/* The rendered message's Cc: fields, each unfolded (CRLF TAB -> space). */
static GPtrArray *cc_fields(const char *rendered)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const char *end = strstr(rendered, "\r\n\r\n");

	for (const char *p = rendered; p != NULL && p < end; p = next_line(p)) {
		if (g_ascii_strncasecmp(p, "Cc:", 3) != 0)
			continue;
		const char *q = p + 3;
		GString *v = g_string_new(NULL);

		while (*q == ' ')
			q++;
		for (; q < end; q++) {
			if (q[0] == '\r' && q[1] == '\n' && (q[2] == '\t' || q[2] == ' ')) {
				g_string_append_c(v, ' ');
				q += 2;
			} else if (q[0] == '\r' && q[1] == '\n') {
				break;
			} else {
				g_string_append_c(v, *q);
			}
		}
		g_ptr_array_add(out, g_string_free(v, FALSE));
	}
	return out;
}

static void test_cc(void **state)
{
	static const struct {
		const char *fixture;
		const char *want;	/* the one Cc: field, unfolded */
	} cases[] = {
		{ "messages/hostile/cc-group-comment-encoded.eml",
		  "Friends of the Green: a.resident@example.org (Alice, our chair), "
		  "=?utf-8?q?Si=C3=A2n_Evans?= <sian@example.org>;, "
		  "\"Kay, R.\" <r.kay@example.org>, b.resident@example.org (Bob)" CLERK },
		{ "messages/hostile/cc-two-fields-left-open.eml",
		  "Friends of the Green: a.resident@example.org, "
		  "=?utf-8?q?Bob=0D=0ABcc=3A_x@example.net?= <b.resident@example.org>;, "
		  "c.resident@example.org (Carol)" CLERK },
		/* No Cc: at all: one is added. */
		{ "messages/hostile/cc-none.eml", CLERK + 2 },
	};
	char *root = test_tmpdir();
	struct engine *engine = test_engine("copy-clerk", root);
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct engine_message *msg =
			test_message(engine, cases[i].fixture, "cllr.jones@ashcombe-pc.gov.uk",
				     to_grounds);
		struct engine_result *res = engine_run(engine, msg);
		size_t len;
		char *got = engine_render(msg, res, &len);
		GPtrArray *cc = got != NULL ? cc_fields(got) : g_ptr_array_new();

		if (cc->len != 1 || strcmp(cc->pdata[0], cases[i].want) != 0) {
			print_error("%s: got %u Cc: field(s), first [%s]\n  want one: [%s]\n",
				    cases[i].fixture, cc->len,
				    cc->len > 0 ? (char *)cc->pdata[0] : "(none)", cases[i].want);
			failures++;
		}
		if (got != NULL && strstr(got, "\nBcc:") != NULL) {
			print_error("%s: an encoded CR LF became a Bcc: header\n",
				    cases[i].fixture);
			failures++;
		}
		g_ptr_array_free(cc, TRUE);
		g_free(got);
		engine_result_free(&res);
		engine_message_free(&msg);
	}
	engine_free(&engine);
	test_rmdir(&root);
	if (failures > 0)
		fail_msg("%d of %zu cases failed", failures, G_N_ELEMENTS(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cc),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return failed;
}
