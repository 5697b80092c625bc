/* Phrase matcher: normalisation, word boundaries, line numbers, exceptions,
   sentences and marking labels. Inputs are short texts, not messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "policy/phrase.h"

static void test_normalise(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Please  ARRANGE\n the hall", "please arrange the hall" },
		{ "  leading and trailing  ", "leading and trailing" },
		{ "\xef\xac\x81le", "file" },				/* fi ligature, NFKC */
		/* case folding of sharp s */
		{ "STRASSE stra\xc3\x9f" "e", "strasse strasse" },
		{ "I\xe2\x80\x99m here", "i'm here" },			/* typographic apostrophe */
		{ "\xe2\x80\x9cquoted\xe2\x80\x9d", "\"quoted\"" },
		{ "pre\xe2\x80\x93" "election", "pre-election" },	/* en dash */
		{ "non\xc2\xa0" "breaking", "non breaking" },		/* NBSP */
		{ "zero\xe2\x80\x8bwidth", "zerowidth" },
		/* full-width letters */
		{ "\xef\xbc\xb0\xef\xbc\xac\xef\xbc\xa5\xef\xbc\xa1\xef\xbc\xb3"
		  "\xef\xbc\xa5", "please" },
		{ "caf\x65\xcc\x81", "caf\xc3\xa9" },	/* combining accent composed */
		{ "bad \xff utf8", "bad \xef\xbf\xbd utf8" },		/* repaired, not dropped */
		/* The ASCII fast path and the general path agree. */
		{ "It`s\x7fOK\tnow", "it's ok now" },
		{ "It`s\x7fOK\tnow \xc3\xa9", "it's ok now \xc3\xa9" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = phrase_normalise(cases[i].in);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("normalise case %zu: got \"%s\", want \"%s\"", i, got,
				 cases[i].want);
		g_free(got);
	}
}

/* Long lines are normalised in pieces (issue 15: g_utf8_normalize's time
   grows with the square of what it is given): the result must be the one
   the whole line would give, whatever falls at a cut. */
static void test_normalise_long(void **state)
{
	static const struct {
		const char *unit, *want;	/* UNIT repeated N times gives WANT N times */
	} cases[] = {
		{ "e\xcc\x81", "\xc3\xa9" },			/* e + combining acute */
		{ "\xc3\x89", "\xc3\xa9" },			/* É folded */
		{ "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "\xed\x95\x9c" },	/* Hangul jamo */
		{ "\xea\xb0\x80\xe1\x86\xa8", "\xea\xb0\x81" },	/* syllable + final */
		{ "\xe0\xad\x87\xe0\xac\xbe", "\xe0\xad\x8b" },	/* Oriya vowel signs */
		{ "a\xcc\xa3\xcc\x81", "\xe1\xba\xa1\xcc\x81" },	/* dot below, acute */
		{ "\xef\xbc\xa1", "a" },				/* full-width A */
		{ "\xc2\xa8", " \xcc\x88" },			/* diaeresis: space + mark */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t n = 1; n <= 700; n += 233) {
			GString *in = g_string_new(NULL), *want = g_string_new(NULL);

			for (size_t k = 0; k < n; k++) {
				g_string_append(in, cases[i].unit);
				g_string_append(want, cases[i].want);
			}
			char *got = phrase_normalise(in->str);
			char *whole = g_strstrip(g_strdup(want->str));

			if (strcmp(got, whole) != 0)
				fail_msg("normalise case %zu x %zu: got %zu bytes, want %zu bytes%s", i, n,
					 strlen(got), strlen(whole),
					 strncmp(got, whole, 40) != 0 ? " (differs at the start)" : "");
			g_free(got);
			g_free(whole);
			g_string_free(in, TRUE);
			g_string_free(want, TRUE);
		}
	}
}

static const char *const instruction[] = {
	"please arrange", "please send", "!please send me", "!please send us", "you must",
	"!you must have", "order", "i'm instructing you",
};

static void test_match(void **state)
{
	static const struct {
		const char *text;
		const char *want_phrase;	/* NULL: no match */
		unsigned want_line;
	} cases[] = {
		{ "Please arrange the hall for Tuesday.", "please arrange", 1 },
		{ "PLEASE ARRANGE the hall", "please arrange", 1 },
		{ "Hello Amy,\n\nCould you\nplease arrange the hall", "please arrange", 4 },
		{ "Could you please\narrange the hall", "please arrange", 1 },	/* across a line */
		{ "Could you please\n\narrange the hall", NULL, 0 },	/* not across paragraphs */
		{ "I am pleased to arrange", NULL, 0 },
		{ "please arranged it", NULL, 0 },		/* word boundary at end */
		{ "Please send me the minutes", NULL, 0 },			/* exception */
		{ "Please send us the figures", NULL, 0 },
		{ "Please send the contractor round", "please send", 1 },
		{ "You must have seen it", NULL, 0 },
		{ "You must remove the sign", "you must", 1 },
		{ "The border is fine", NULL, 0 },		/* "order" inside a word */
		{ "In order, as agreed", "order", 1 },
		{ "I\xe2\x80\x99m instructing you to stop", "i'm instructing you", 1 },
		{ "", NULL, 0 },
	};
	struct phrase_set *set = phrase_set_new(instruction, G_N_ELEMENTS(instruction));

	assert_int_equal(phrase_set_count(set), 5);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct phrase_text *t = phrase_text_new(cases[i].text);
		GArray *all = phrase_match_all(set, t);
		const char *got = all->len > 0 ? g_array_index(all, struct phrase_match, 0).phrase
					       : NULL;
		unsigned line = all->len > 0 ? g_array_index(all, struct phrase_match, 0).line : 0;

		if (g_strcmp0(got, cases[i].want_phrase) != 0 || line != cases[i].want_line)
			fail_msg("match case %zu (%s): got \"%s\" line %u, want \"%s\" line %u", i,
				 cases[i].text, got ? got : "(none)", line,
				 cases[i].want_phrase ? cases[i].want_phrase : "(none)",
				 cases[i].want_line);
		g_array_unref(all);
		phrase_text_free(&t);
	}
	phrase_set_free(&set);
}

static void test_sentence(void **state)
{
	static const struct {
		const char *text, *at, *want;
	} cases[] = {
		{ "Please print this. Our leaflet is ready!", "leaflet", "our leaflet is ready" },
		{ "Can you print our leaflet? Thanks", "leaflet", "can you print our leaflet" },
		{ "Version 2.5 of our leaflet", "leaflet", "version 2.5 of our leaflet" },
		{ "First para\n\nour leaflet here", "leaflet", "our leaflet here" },
		{ "one line\nour leaflet", "leaflet", "one line our leaflet" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct phrase_text *t = phrase_text_new(cases[i].text);
		const char *str = phrase_text_str(t);
		size_t s, e;
		char *got;

		phrase_text_sentence(t, (size_t)(strstr(str, cases[i].at) - str), &s, &e);
		got = g_strstrip(g_strndup(str + s, e - s));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("sentence case %zu: got \"%s\", want \"%s\"", i, got,
				 cases[i].want);
		g_free(got);
		phrase_text_free(&t);
	}
}

static const char *const markings[] = {
	"confidential", "private and confidential", "not for publication", "exempt",
	"exempt information", "!confidential waste",
};

static void test_label(void **state)
{
	static const struct {
		const char *line;
		bool trailing;
		const char *want;	/* NULL: not a label */
	} cases[] = {
		{ "CONFIDENTIAL", false, "confidential" },
		{ "Confidential", false, "confidential" },
		{ "Confidential: budget for 2026", false, "confidential" },
		{ "CONFIDENTIAL Budget notes", false, "confidential" },
		{ "[Confidential] Budget", false, "confidential" },
		{ "Budget (Confidential)", false, "confidential" },
		{ "Budget - Confidential", true, "confidential" },
		{ "Budget - Confidential", false, NULL },
		{ "** Not for publication **", false, "not for publication" },
		{ "> NOT FOR PUBLICATION", false, "not for publication" },
		{ "EXEMPT INFORMATION - Paragraph 3", false, "exempt information" },
		{ "Exempt", false, "exempt" },
		{ "Private and Confidential", false, "private and confidential" },
		{ "Confidential waste bin is full", false, NULL },	/* words follow */
		{ "CONFIDENTIAL WASTE collection", false, NULL },	/* exception */
		{ "I'll keep this confidential.", false, NULL },
		{ "I'll keep this confidential", true, NULL },
		{ "Exempt from the charge", false, NULL },
		{ "Confidentiality agreement", false, NULL },
		{ "", false, NULL },
	};
	struct phrase_set *set = phrase_set_new(markings, G_N_ELEMENTS(markings));

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *got = NULL;

		if (!phrase_set_label(set, cases[i].line, cases[i].trailing, &got))
			got = NULL;
		if (g_strcmp0(got, cases[i].want) != 0)
			fail_msg("label case %zu (%s): got \"%s\", want \"%s\"", i, cases[i].line,
				 got ? got : "(none)", cases[i].want ? cases[i].want : "(none)");
	}
	phrase_set_free(&set);
}

/* The set's first-word index finds exactly what a plain search for each
   phrase on word boundaries finds (phrase_find_word), on random texts. */
static void test_index_equals_search(void **state)
{
	static const char *const vocab[] = {
		"please", "arrange", "send", "me", "you", "must", "have", "order", "orders",
		"border", "i'm", "instructing", "caf\xc3\xa9", "\xef\xac\x81le", ",", ".", "\n",
		"\n\n", "re-election", "council's", "councillor", "-", "'", "PLEASE",
	};
	static const char *const phrases[] = {
		"please arrange", "please send", "you must", "order", "i'm instructing you",
		"council's", "re-election", "caf\xc3\xa9", "file", "'s", "- please",
	};
	struct phrase_set *set = phrase_set_new(phrases, G_N_ELEMENTS(phrases));
	GRand *rand = g_rand_new_with_seed(20260601);

	for (int round = 0; round < 200; round++) {
		GString *text = g_string_new(NULL);
		struct phrase_text *t;
		GArray *all;
		size_t want = 0;

		for (int w = 0; w < 60; w++) {
			g_string_append(text, vocab[g_rand_int_range(rand, 0, G_N_ELEMENTS(vocab))]);
			if (g_rand_boolean(rand))
				g_string_append_c(text, ' ');
		}
		t = phrase_text_new(text->str);
		all = phrase_match_all(set, t);
		for (size_t k = 0; k < G_N_ELEMENTS(phrases); k++) {
			char *norm = phrase_normalise(phrases[k]);
			size_t from = 0, at;

			while (phrase_find_word(phrase_text_str(t), norm, from, &at)) {
				bool found = false;

				for (guint i = 0; i < all->len && !found; i++) {
					const struct phrase_match *m =
						&g_array_index(all, struct phrase_match, i);

					found = m->start == at && strcmp(m->phrase, phrases[k]) == 0;
				}
				if (!found)
					fail_msg("round %d: \"%s\" at %zu in \"%s\": got no match, "
						 "want one", round, phrases[k], at, phrase_text_str(t));
				want++;
				from = at + 1;
			}
			g_free(norm);
		}
		if (all->len != want)
			fail_msg("round %d: got %u matches, want %zu in \"%s\"", round, all->len,
				 want, phrase_text_str(t));
		g_array_unref(all);
		phrase_text_free(&t);
		g_string_free(text, TRUE);
	}
	g_rand_free(rand);
	phrase_set_free(&set);
}

/* phrase_nfkc is GLib's NFKC, taken piece by piece: the same for strings
   drawn from characters that decompose, compose, reorder and are left
   alone, mixed, and for every line of the corpus read as UTF-8. */
static void check_nfkc(const char *s, const char *what)
{
	char *want = g_utf8_normalize(s, -1, G_NORMALIZE_NFKC);
	char *got = phrase_nfkc(s);

	if (want == NULL || strcmp(got, want) != 0)
		fail_msg("%s [%s]: got [%s], want [%s]", what, s, got, want);
	g_free(want);
	g_free(got);
}

static void test_nfkc(void **state)
{
	static const gunichar pool[] = {
		'a', 'e', 'o', ' ', '.', 'A', 0x00e9, 0x00c5, 0x0301, 0x0308, 0x0327, 0x0323,
		0x0306, 0x0438, 0x0439, 0x0415, 0x0401, 0x0435, 0x0308, 0x1100, 0x1161, 0x11a8,
		0xac00, 0xd55c, 0xfb01, 0x2460, 0xff76, 0xff9e, 0x3099, 0x304b, 0x00bd, 0x2126,
		0x212b, 0x0b47, 0x0b3e, 0x0b57, 0x0dd9, 0x0dcf, 0x1b05, 0x1b35, 0x0344, 0x0f73,
		0x0fb2, 0x0f80, 0x1e0a, 0x0307, 0x00a0, 0x2028, 0x1d15e, 0x1d165, 0x2f800,
		0x0645, 0xfef5, 0x05d0, 0x05b8, 0x200b, 0x00ad,
	};
	GRand *rand = g_rand_new_with_seed(21);
	const char *shared = getenv("COUNCIL_SHARED_DIR");

	for (unsigned n = 0; n < 200000; n++) {
		GString *s = g_string_new(NULL);
		unsigned len = (unsigned)g_rand_int_range(rand, 0, 12);

		for (unsigned k = 0; k < len; k++)
			g_string_append_unichar(s, pool[g_rand_int_range(rand, 0,
									 G_N_ELEMENTS(pool))]);
		check_nfkc(s->str, "random");
		g_string_free(s, TRUE);
	}
	g_rand_free(rand);
	if (shared == NULL)
		fail_msg("COUNCIL_SHARED_DIR is not set (ctest sets it)");
	const char *dirs[] = { "corpus/rspamd", "corpus/mime4j" };
	for (size_t d = 0; d < G_N_ELEMENTS(dirs); d++) {
		char *dir = g_build_filename(shared, dirs[d], NULL);
		GDir *gd = g_dir_open(dir, 0, NULL);
		const char *name;

		if (gd == NULL)
			fail_msg("%s: cannot open", dir);
		while ((name = g_dir_read_name(gd)) != NULL) {
			char *path = g_build_filename(dir, name, NULL), *data;

			if (g_file_get_contents(path, &data, NULL, NULL)) {
				char *valid = g_utf8_make_valid(data, -1);
				char **lines = g_strsplit(valid, "\n", -1);

				for (char **l = lines; *l != NULL; l++)
					check_nfkc(*l, path);
				g_strfreev(lines);
				g_free(valid);
				g_free(data);
			}
			g_free(path);
		}
		g_dir_close(gd);
		g_free(dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_nfkc),
		cmocka_unit_test(test_normalise_long),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_sentence),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_index_equals_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
