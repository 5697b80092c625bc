/* Disguised words (policy/disguise.c) as the phrase normalisation reads
   them: invisible characters, look-alike letters of other scripts, letters
   spaced apart; and what must stay as it is (Russian, accents, single
   letters in prose). Inputs are short texts, not messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy/disguise.h"
#include "policy/phrase.h"

struct norm_case {
	const char *in, *want;
};

static void check_cases(const char *what, const struct norm_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = phrase_normalise(cases[i].in);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s case %zu (\"%s\"): got \"%s\", want \"%s\"", what, i,
				 cases[i].in, got, cases[i].want);
		g_free(got);
	}
}

/* Every invisible character of issue 15, and the ones stripped before,
   inside a word: gone, without a gap. */
static void test_invisible(void **state)
{
	static const gunichar invisible[] = {
		0x2060, 0x034F, 0x180E, 0x2062, 0x200E, 0x202A, 0x061C, 0xE0041, 0x1D173,
		0x200B, 0x200C, 0x200D, 0xFEFF, 0x00AD, 0x2061, 0x2066, 0x202E, 0xFE0F, 0x3164,
		0x115F, 0xE0001, 0xE01EF, 0x1BCA0,
	};

	for (size_t i = 0; i < G_N_ELEMENTS(invisible); i++) {
		char ch[8] = { 0 };
		char *in, *got;

		g_unichar_to_utf8(invisible[i], ch);
		in = g_strdup_printf("CON%sFIDENTIAL %s", ch, ch);
		got = phrase_normalise(in);
		if (strcmp(got, "confidential") != 0)
			fail_msg("U+%04X: got \"%s\", want \"confidential\"", invisible[i], got);
		g_free(got);
		g_free(in);
	}
}

static void test_lookalike(void **state)
{
	static const struct norm_case cases[] = {
		/* mixed with Latin: Cyrillic С, О, Е, А */
		{ "\xd0\xa1ONFIDENTIAL", "confidential" },
		{ "\xd0\xa1\xd0\x9eNFID\xd0\x95NTI\xd0\x90L", "confidential" },
		/* upper case Cyrillic І reads as I, not l */
		{ "PUBL\xd0\x86\xd0\xa1\xd0\x90T\xd0\x86\xd0\x9eN", "publication" },
		/* lower case look-alikes: Cyrillic а, е, о, р, с */
		{ "pl\xd0\xb5\xd0\xb0s\xd0\xb5 \xd0\xb0rr\xd0\xb0ng\xd0\xb5", "please arrange" },
		/* every letter a look-alike, Cyrillic and Greek, no Latin */
		{ "\xd0\x95\xce\xa7\xce\x95\xd0\x9c\xd0\xa0\xce\xa4", "exempt" },
		/* with invisible characters at either end and inside */
		{ "\xe2\x81\xa0\xd0\xa1O\xe2\x80\x8bNFIDENTIAL\xe2\x81\xa0", "confidential" },
		/* Russian with an invisible character: the character goes, the
		   word stays Russian */
		{ "\xd0\xa1\xd0\xbf\xd0\xb0\xe2\x80\x8b\xd1\x81\xd0\xb8\xd0\xb1\xd0\xbe",
		  "\xd1\x81\xd0\xbf\xd0\xb0\xd1\x81\xd0\xb8\xd0\xb1\xd0\xbe" },
		/* Latin small capitals and dotless i */
		{ "\xe1\xb4\x84onf\xc4\xb1" "dential", "confidential" },
		/* Russian stays Russian: a word with a letter that looks like no
		   Latin one is left alone, every letter of it */
		{ "\xd0\xa1\xd0\xbf\xd0\xb0\xd1\x81\xd0\xb8\xd0\xb1\xd0\xbe \xd0\xb7\xd0\xb0 "
		  "\xd0\xbf\xd0\xb8\xd1\x81\xd1\x8c\xd0\xbc\xd0\xbe",
		  "\xd1\x81\xd0\xbf\xd0\xb0\xd1\x81\xd0\xb8\xd0\xb1\xd0\xbe \xd0\xb7\xd0\xb0 "
		  "\xd0\xbf\xd0\xb8\xd1\x81\xd1\x8c\xd0\xbc\xd0\xbe" },
		/* Greek with an accent: left alone */
		{ "\xce\x91\xce\xbb\xce\xad\xce\xbe\xce\xb1\xce\xbd\xce\xb4\xcf\x81\xce\xbf\xcf\x82",
		  "\xce\xb1\xce\xbb\xce\xad\xce\xbe\xce\xb1\xce\xbd\xce\xb4\xcf\x81\xce\xbf\xcf\x83" },
		/* Latin with accents is Latin: not touched */
		{ "caf\xc3\xa9 na\xc3\xafve \xc3\xa9t\xc3\xa9", "caf\xc3\xa9 na\xc3\xafve \xc3\xa9t\xc3\xa9" },
		/* ordinary English keeps its m, I and l (skeletons: rn, l, l) */
		{ "I am Mill Lane", "i am mill lane" },
		{ "Modern d\xc3\xa9" "cor", "modern d\xc3\xa9" "cor" },
	};

	check_cases("look-alike", cases, G_N_ELEMENTS(cases));
}

static void test_spaced(void **state)
{
	static const struct norm_case cases[] = {
		{ "C O N F I D E N T I A L", "confidential" },
		{ "C.O.N.F.I.D.E.N.T.I.A.L", "confidential" },
		{ "c-o-n-f-i-d-e-n-t-i-a-l", "confidential" },
		{ "C. O. N. F. I. D. E. N. T. I. A. L.", "confidential." },
		{ "c_o_n_f_i_d_e_n_t_i_a_l: item 7", "confidential: item 7" },
		{ "N O T   F O R   P U B L I C A T I O N", "not for publication" },
		{ "N.O.T F.O.R P.U.B.L.I.C.A.T.I.O.N", "not for publication" },
		{ "** C O N F I D E N T I A L **", "** confidential **" },
		{ "P L E A S E  A R R A N G E the hedges", "please arrange the hedges" },
		/* with look-alikes and invisible characters in between */
		{ "\xd0\xa1 \xd0\x9e N\xe2\x80\x8b F I D E N T I A L", "confidential" },
		/* single letters in prose, short runs, abbreviations: as written */
		{ "I a m told", "i a m told" },
		{ "options a b c", "options a b c" },
		{ "U.S.A. and e.g. the U.K.", "u.s.a. and e.g. the u.k." },
		{ "Plan B is A-OK", "plan b is a-ok" },
		{ "x - y", "x - y" },
		{ "a  b  c", "a b c" },
		/* mixed separators are not one run */
		{ "C.O N-F", "c.o n-f" },
	};

	check_cases("spaced", cases, G_N_ELEMENTS(cases));
}

/* What disguise_undo reports: the evidence says "read as" for these. */
static void test_flags(void **state)
{
	static const struct {
		const char *in;
		unsigned want;
	} cases[] = {
		{ "CONFIDENTIAL", 0 },
		{ "Caf\xc3\xa9", 0 },
		{ "CON\xe2\x81\xa0" "FIDENTIAL", DISGUISE_INVISIBLE },
		{ "\xd0\xa1ONFIDENTIAL", DISGUISE_LOOKALIKE },
		{ "C O N F I D E N T I A L", DISGUISE_SPACED },
		{ "\xd0\xa1 O N F\xc2\xad", DISGUISE_LOOKALIKE | DISGUISE_SPACED | DISGUISE_INVISIBLE },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *out = g_string_new(NULL);
		unsigned got = disguise_undo(cases[i].in, strlen(cases[i].in), out);

		if (got != cases[i].want)
			fail_msg("flags case %zu (\"%s\"): got %#x, want %#x", i, cases[i].in, got,
				 cases[i].want);
		g_string_free(out, TRUE);
	}
}

/* "exempt from publication" marks although "!exempt from" is an exception;
   "exempt from VAT" does not. As a label and as a match. */
static void test_exempt_from(void **state)
{
	static const char *const phrases[] = {
		"exempt", "exempt from publication", "exempt from disclosure", "!exempt from",
	};
	static const struct {
		const char *text;
		const char *want;	/* NULL: no label, no match */
	} cases[] = {
		{ "EXEMPT FROM PUBLICATION", "exempt from publication" },
		{ "Exempt from disclosure - item 7", "exempt from disclosure" },
		{ "EXEMPT FROM VAT", NULL },
		{ "Exempt from the charge", NULL },
		{ "EXEMPT", "exempt" },
	};
	struct phrase_set *set = phrase_set_new(phrases, G_N_ELEMENTS(phrases));

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *label = NULL;
		bool is_label = phrase_set_label(set, cases[i].text, false, &label);
		struct phrase_text *t = phrase_text_new(cases[i].text);
		GArray *all = phrase_match_all(set, t);
		const char *match = all->len > 0 ? g_array_index(all, struct phrase_match, 0).phrase :
			NULL;

		if (g_strcmp0(is_label ? label : NULL, cases[i].want) != 0)
			fail_msg("label \"%s\": got %s, want %s", cases[i].text,
				 is_label ? label : "none", cases[i].want ? cases[i].want : "none");
		if (g_strcmp0(match, cases[i].want) != 0)
			fail_msg("match \"%s\": got %s, want %s", cases[i].text,
				 match ? match : "none", cases[i].want ? cases[i].want : "none");
		g_array_unref(all);
		phrase_text_free(&t);
	}
	phrase_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invisible),
		cmocka_unit_test(test_lookalike),
		cmocka_unit_test(test_spaced),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_exempt_from),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
