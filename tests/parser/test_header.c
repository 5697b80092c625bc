/* Header values we write: sanitised (no header injection from message
   data) and folded (RFC 5322 2.2.3). */
#include "helpers.h"

#include <glib.h>
#include <string.h>

static const struct {
	const char *in;
	size_t max;
	const char *want;
} sanitise_cases[] = {
	{ "Cllr Ann Jones", 0, "Cllr Ann Jones" },
	/* the injection: a CRLF and a new field */
	{ "Cllr Ann\r\nBcc: evil@example.net", 0, "Cllr Ann Bcc: evil@example.net" },
	{ "a\rb\nc\td", 0, "a b c d" },
	{ "\x1b[31mred\x7f", 0, "[31mred" },
	{ "next\xc2\x85line", 0, "next line" },			/* U+0085 NEL */
	{ "para\xe2\x80\xa8graph", 0, "para graph" },		/* U+2028 */
	{ "  lots   of\t\tspace  ", 0, "lots of space" },
	{ "caf\xe9", 0, "caf\xef\xbf\xbd" },			/* invalid UTF-8 */
	{ "Zoë Smith", 0, "Zoë Smith" },
	/* cut at a character boundary, never inside é (2 bytes) */
	{ "ééééé", 5, "éé" },
	{ "ééééé", 4, "éé" },
	{ "ab cd", 3, "ab" },
	{ "", 0, "" },
	{ NULL, 0, "" },
};

static void test_sanitise(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(sanitise_cases); i++) {
		char *got = parser_header_sanitise(sanitise_cases[i].in, sanitise_cases[i].max);
		char *what = g_strdup_printf("sanitise case %zu", i);

		expect_str("parser_header_sanitise", what, got, sanitise_cases[i].want);
		g_free(what);
		g_free(got);
	}
}

/* The default bound is the RFC 5322 line limit. */
static void test_sanitise_default_bound(void **state)
{
	char *in = g_strnfill(5000, 'x');
	char *got = parser_header_sanitise(in, 0);

	expect_uint("parser_header_sanitise", "default length bound", strlen(got), 998);
	g_free(got);
	g_free(in);
}

static const struct {
	const char *name, *value, *want;
} fold_cases[] = {
	{ "X-Council", "short value", "short value" },
	{ "X-Council-Notice", "one two three four five six seven eight nine ten eleven twelve "
	  "thirteen fourteen fifteen",
	  "one two three four five six seven eight nine ten eleven\n"
	  "\ttwelve thirteen fourteen fifteen" },
	/* a word longer than a line stays whole, on a line of its own */
	{ "X-Long", "a " "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  " c", "a\n\tbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  "bbbbbbbbbbbb\n\tc" },
	{ "X-Empty", "", "" },
};

static void test_fold(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(fold_cases); i++) {
		char *got = parser_header_fold(fold_cases[i].name, fold_cases[i].value);
		char *what = g_strdup_printf("fold case %zu", i);

		expect_str("parser_header_fold", what, got, fold_cases[i].want);
		g_free(what);
		g_free(got);
	}
}

/* Any value of words: lines of at most 78 octets (name included on the
   first), continuations start with a tab, unfolding gives the words back. */
static void test_fold_properties(void **state)
{
	GString *value = g_string_new(NULL);

	for (unsigned i = 0; i < 400; i++)
		g_string_append_printf(value, "%sword%u", i > 0 ? " " : "", i * 7919 % 100000);
	char *folded = parser_header_fold("X-Council-Result", value->str);
	gchar **lines = g_strsplit(folded, "\n", -1);
	GString *unfolded = g_string_new(NULL);

	for (gchar **l = lines; *l != NULL; l++) {
		size_t width = strlen(*l) + (l == lines ? strlen("X-Council-Result: ") : 0);

		if (width > 78)
			fail_msg("fold: line %td: got %zu octets, want at most 78", l - lines, width);
		if (l != lines && (*l)[0] != '\t')
			fail_msg("fold: line %td: got \"%s\", want a tab first", l - lines, *l);
		g_string_append(unfolded, l == lines ? *l : *l + 1);
		if (l[1] != NULL)
			g_string_append_c(unfolded, ' ');
	}
	expect_str("fold", "unfolded", unfolded->str, value->str);
	g_string_free(unfolded, TRUE);
	g_strfreev(lines);
	g_free(folded);
	g_string_free(value, TRUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitise),
		cmocka_unit_test(test_sanitise_default_bound),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_properties),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
