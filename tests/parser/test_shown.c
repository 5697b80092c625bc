/* What a mail client shows and what it does not (issue 15, finding 7), and
   encoded words in header fields read strictly (finding 13b):
   own_text holds every text part, every alternative and the text HTML
   hides, each hidden run on a line of its own; own_text_shown only what a
   client shows. Hidden text makes no structure: no signature, quotation,
   reply header or footer of ours. Fixtures in messages/parser/text/ and
   messages/hostile/evasion/. */
#include "helpers.h"

#include <glib.h>
#include <string.h>

#define MAXW 24

struct shown_case {
	const char *file;
	const char *both[MAXW];		/* in own_text and own_text_shown */
	const char *hidden[MAXW];	/* in own_text, not in own_text_shown */
	const char *neither[MAXW];	/* in neither */
	const char *quoted[MAXW];	/* in quoted_text */
};

static const struct shown_case cases[] = {
	{ "parser/text/hidden-structure.eml",
	  { "\nCONFIDENTIAL\n", "Please move the bins to the car park.", "shown on wide screens",
	    "shown child", "twelve pixels", "not clipped" },
	  { "xq1", "hidden by class", "hidden by font size rule", "hidden by id rule",
	    "hidden parent", "still zero", "clipped away", "transparent words", "alpha words",
	    "far off the page", "faded out", "outlook hides this", "font shorthand zero",
	    "logo words", "noscript words", "svg words", "forged notice" },
	  { "hidden quoted words", "shown quoted words", "\x1e" },
	  { "hidden quoted words", "shown quoted words" } },
	/* a hidden reply marker or rule quotes nothing */
	{ "parser/text/hidden-reply-marker.eml",
	  { "Please move the bins to the car park.", "From: someone" }, { NULL }, { "\x1e" },
	  { NULL } },
	/* text cannot forge the marks HTML conversion writes */
	{ "parser/text/forged-marks-plain.eml",
	  { "Please move the bins to the car park.", "forged hidden line" }, { NULL },
	  { "\x1e" }, { NULL } },
	/* CSS content: strings are read, not shown; comments and other
	   properties' strings are neither */
	{ "parser/text/css-content.eml",
	  { "Hello." }, { "CONFIDENTIAL", "EXEMPT" }, { "in a comment", "bogus" }, { NULL } },
	/* of the alternatives, the last is shown */
	{ "parser/text/alternative-both-read.eml",
	  { "HTML words" }, { "Plain words" }, { NULL }, { NULL } },
	{ "hostile/evasion/alternative-two-plain.eml",
	  { "Please arrange for the hedges" }, { "Thanks for the update" }, { NULL }, { NULL } },
	/* a text part with a file name, and what only looks encrypted */
	{ "hostile/evasion/text-part-with-filename.eml",
	  { "Thanks for the update", "Please arrange for the hedges" }, { NULL }, { NULL },
	  { NULL } },
	{ "hostile/evasion/fake-encrypted-two-parts.eml",
	  { "Please arrange for the hedges" }, { NULL }, { "Version: 1" }, { NULL } },
};

static void check_words(const char *path, const char *what, const char *text,
			const char *const *words, bool want)
{
	for (int i = 0; i < MAXW && words[i] != NULL; i++) {
		if (want)
			expect_contains(path, what, text, words[i]);
		else
			expect_lacks(path, what, text, words[i]);
	}
}

static void test_shown(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct shown_case *c = &cases[i];
		char *path = g_strconcat("messages/", c->file, NULL);
		struct parser_message *msg = fixture_parse(path, NULL);
		/* lines, so that a word alone on its line can be asked for */
		char *own = g_strconcat("\n", msg->own_text, "\n", NULL);
		char *shown = g_strconcat("\n", msg->own_text_shown, "\n", NULL);

		check_words(path, "own_text", own, c->both, true);
		check_words(path, "own_text_shown", shown, c->both, true);
		check_words(path, "own_text", own, c->hidden, true);
		check_words(path, "own_text_shown", shown, c->hidden, false);
		check_words(path, "own_text", own, c->neither, false);
		check_words(path, "own_text_shown", shown, c->neither, false);
		check_words(path, "quoted_text", msg->quoted_text, c->quoted, true);
		/* hidden "-- " makes no signature, a hidden footer is none of ours */
		expect_str(path, "signature", msg->signature, "");
		expect_uint(path, "PARSER_FLAG_ANNOTATED", (msg->flags & PARSER_FLAG_ANNOTATED) != 0,
			    0);
		expect_uint(path, "PARSER_FLAG_ENCRYPTED", (msg->flags & PARSER_FLAG_ENCRYPTED) != 0,
			    0);
		g_free(own);
		g_free(shown);
		g_free(path);
		parser_message_free(&msg);
	}
}

/* The usual plain and HTML pair that say the same words (wrapped
   differently) put them in own_text once, not twice: the rules read each
   sentence once. (Alternatives that differ are each read: above.) */
static void test_alternative_same_words(void **state)
{
	const char *path = "messages/parser/text/alternative-same-words.eml";
	struct parser_message *msg = fixture_parse(path, NULL);
	const char *first = strstr(msg->own_text, "pane of glass");

	(void)state;
	assert_non_null(first);
	assert_null(strstr(first + 1, "pane of glass"));
	expect_contains(path, "own_text_shown", msg->own_text_shown, "pane of glass");
	parser_message_free(&msg);
}

/* A message/rfc822 part sent base64 or quoted-printable is read as the
   message it carries, as mail clients read it. */
static void test_encoded_rfc822(void **state)
{
	static const char *const files[] = {
		"messages/hostile/evasion/inline-rfc822.eml",
		"messages/hostile/evasion/rfc822-base64.eml",
		"messages/hostile/evasion/rfc822-quoted-printable.eml",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		struct parser_message *msg = fixture_parse(files[i], NULL);

		expect_uint(files[i], "n_embedded", msg->n_embedded, 1);
		if (msg->n_embedded == 1) {
			expect_str(files[i], "embedded subject", msg->embedded[0].subject,
				   "Mill Lane complaint");
			expect_contains(files[i], "embedded text", msg->embedded[0].text,
					"NOT FOR PUBLICATION");
		}
		expect_contains(files[i], "quoted_text", msg->quoted_text,
				"The complaint names a member of staff.");
		parser_message_free(&msg);
	}
}

/* Encoded messages inside encoded messages: each level is decoded once,
   and all of them together at most the message's size or max_text_bytes
   (the larger): past that, the rest is left unread and the message says
   so, whatever the nesting. */
static void test_encoded_rfc822_budget(void **state)
{
	static const char *const file = "messages/hostile/evasion/rfc822-nested-qp.eml";
	/* all its text (about 9 KB) fits; its nested levels decoded (about
	   17 KB) do not fit in 12 KB, nor in its 11.6 KB */
	const struct parser_limits small = { .max_text_bytes = 12 * 1024 };
	struct parser_message *msg = fixture_parse(file, NULL);

	expect_uint(file, "n_embedded (default limits)", msg->n_embedded, 4);
	expect_uint(file, "PARSER_FLAG_TEXT_TRUNCATED (default limits)",
		    (msg->flags & PARSER_FLAG_TEXT_TRUNCATED) != 0, 0);
	parser_message_free(&msg);
	msg = fixture_parse(file, &small);
	expect_uint(file, "PARSER_FLAG_TEXT_TRUNCATED (12 KB)",
		    (msg->flags & PARSER_FLAG_TEXT_TRUNCATED) != 0, 1);
	expect_uint(file, "n_embedded (12 KB) below 4", msg->n_embedded < 4, 1);
	parser_message_free(&msg);
}

/* Issue 15, finding 13b: RFC 2047 encoded words decoded where valid and
   kept as written where not, never made up (GMime's lenient decoder gave
   "??[jǺ" and "Siân Eva" here, and lost characters split over words). */
static void test_encoded_words(void **state)
{
	static const char *const file = "messages/hostile/evasion/encoded-words-malformed.eml";
	static const struct {
		const char *addr, *name;
	} want[] = {
		{ "bob@homemail.example", "=?utf-8?B?!!!notbase64?= Bob" },
		{ "sian@homemail.example", "Si\xc3\xa2n Evans" },	/* base64 unpadded */
		{ "e1@homemail.example", "\xc3\xa9\xc3\xa9" },	/* two padded words */
		{ "euro@homemail.example", "\xe2\x82\xac" },		/* split over two */
		{ "ff@homemail.example", "=?utf-8?q?=FF=FE?=" },	/* not UTF-8 */
		{ "=?utf-8?q?local?=@homemail.example", "" },		/* an address: as is */
	};
	struct parser_message *msg = fixture_parse(file, NULL);
	const struct parser_address_list *cc = &msg->fields[PARSER_CC];

	expect_uint(file, "Cc addresses", cc->n, G_N_ELEMENTS(want));
	for (size_t i = 0; i < G_N_ELEMENTS(want) && i < cc->n; i++) {
		expect_str(file, "Cc address", cc->items[i].addr, want[i].addr);
		expect_str(file, want[i].addr, cc->items[i].name, want[i].name);
	}
	expect_str(file, "To name", msg->fields[PARSER_TO].items[0].name, "Kevin Shaw");
	expect_str(file, "subject", msg->subject, "=?utf-8?B?!!!notbase64?= and hedges");
	parser_message_free(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shown),
		cmocka_unit_test(test_alternative_same_words),
		cmocka_unit_test(test_encoded_rfc822),
		cmocka_unit_test(test_encoded_rfc822_budget),
		cmocka_unit_test(test_encoded_words),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
