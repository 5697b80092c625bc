/* parser_address_list_append: mailboxes added after an address-list field
   as written; only what the field leaves open is closed (issue 15). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "parser/parser.h"

#define ADD "Clerk <c@x.org>"

static void test_append(void **state)
{
	static const struct {
		const char *values[3];	/* NULL-terminated */
		const char *want;
	} cases[] = {
		{ { NULL }, ADD },
		{ { "a@x.org", NULL }, "a@x.org, " ADD },
		{ { "a@x.org, ", NULL }, "a@x.org, " ADD },
		{ { "a@x.org,,  ", "", "  ", }, "a@x.org, " ADD },
		/* kept as written */
		{ { "Team: a@x.org, b@x.org;", NULL }, "Team: a@x.org, b@x.org;, " ADD },
		{ { "a@x.org (Alice (the chair))", NULL }, "a@x.org (Alice (the chair)), " ADD },
		{ { "=?utf-8?q?Si=C3=A2n?= <s@x.org>", NULL },
		  "=?utf-8?q?Si=C3=A2n?= <s@x.org>, " ADD },
		{ { "\"Kay; R: (x\" <k@x.org>", NULL }, "\"Kay; R: (x\" <k@x.org>, " ADD },
		{ { "<@relay.example:a@x.org>", NULL }, "<@relay.example:a@x.org>, " ADD },
		{ { "a@[IPv6:2001:db8::1]", NULL }, "a@[IPv6:2001:db8::1], " ADD },
		{ { "a@x.org (it's \\) fine)", NULL }, "a@x.org (it's \\) fine), " ADD },
		/* left open: closed */
		{ { "Team: a@x.org,", NULL }, "Team: a@x.org;, " ADD },
		{ { "a@x.org (Alice", NULL }, "a@x.org (Alice), " ADD },
		{ { "a@x.org (Alice (the", NULL }, "a@x.org (Alice (the)), " ADD },
		{ { "\"Alice <a@x.org>", NULL }, "\"Alice <a@x.org>\", " ADD },
		{ { "Alice <a@x.org", NULL }, "Alice <a@x.org>, " ADD },
		{ { "a@[192.0.2.1", NULL }, "a@[192.0.2.1], " ADD },
		{ { "\"ends in a backslash\\", NULL }, "\"ends in a backslash\\\\\", " ADD },
		{ { "a@x.org (ends in a backslash\\", NULL },
		  "a@x.org (ends in a backslash\\\\), " ADD },
		/* several fields become one */
		{ { "Team: a@x.org", "b@x.org (Bob", NULL },
		  "Team: a@x.org;, b@x.org (Bob), " ADD },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		size_t n = 0;
		char *got;

		while (n < 3 && cases[i].values[n] != NULL)
			n++;
		got = parser_address_list_append(cases[i].values, n, ADD);
		if (strcmp(got, cases[i].want) != 0) {
			print_error("case %zu: got [%s]\n  want [%s]\n", i, got, cases[i].want);
			failures++;
		}
		g_free(got);
	}
	if (failures > 0)
		fail_msg("%d of %zu cases failed", failures, G_N_ELEMENTS(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
