/* The author's own text, quoted text and signature (fixtures in
   messages/parser/text/): each case names words that must land in one of
   the three and words that must not land in own text. */
#include "helpers.h"

#include <glib.h>
#include <string.h>

#define DIR "messages/parser/text/"
#define MAXW 4
#define NO_EMBEDDED NULL, NULL, NULL, false

struct text_case {
	const char *file;
	const char *own[MAXW];		/* in own_text */
	const char *not_own[MAXW];	/* not in own_text */
	const char *quoted[MAXW];	/* in quoted_text */
	const char *sig[MAXW];		/* in signature; {""} alone: empty */
	int n_embedded;			/* -1: not checked */
	const char *emb_subject, *emb_sensitivity, *emb_text;
	bool emb_attached;
};

static const struct text_case cases[] = {
	{ "reply-gmail-plain.eml",
	  { "Yes, please confirm the booking for the Scouts." },
	  { "cancel the hall", "wrote:", "older question" },
	  { "On Mon, 3 Jun 2024 at 10:15, Tom Brown", "> Shall I cancel", "> > An older" },
	  { "" }, 0, NO_EMBEDDED },
	{ "reply-wrapped-attribution.eml",
	  { "ask for three quotes" }, { "approve payment", "wrote:", "Clerk to the Council" },
	  { "Tom Brown - Clerk to the Council <\nclerk@ilminster-tc.gov.uk> wrote:",
	    "> Please approve payment" }, { "" }, 0, NO_EMBEDDED },
	{ "reply-interleaved.eml",
	  { "They are, I checked them last night.", "The agenda goes out on Friday." },
	  { "Are the minutes ready", "And the agenda?", "wrote:" },
	  { "Tom Brown <clerk@ilminster-tc.gov.uk> wrote:", "> And the agenda?" }, { "" }, 0, NO_EMBEDDED },
	{ "outlook-original-message.eml",
	  { "Fine by me." }, { "swing seats", "Original Message" },
	  { "-----Original Message-----", "Please order the new swing seats" }, { "" }, 0, NO_EMBEDDED },
	{ "outlook-header-block.eml",
	  { "Agreed, let us discuss it at committee." }, { "water bill", "____", "Sent:" },
	  { "________________________________\nFrom: Tom Brown", "Please pay the water bill" },
	  { "" }, 0, NO_EMBEDDED },
	/* "FW:" makes an Outlook header block a forward */
	{ "outlook-forward.eml",
	  { "For your information." }, { "disclose" },
	  { "Subject: Exempt item: Station Road land" }, { "" }, 1,
	  "Exempt item: Station Road land", "Confidential",
	  "The owner has asked us not to disclose the price.", false },
	{ "gmail-forward.eml",
	  { "Thought you should see this." }, { "budget figures", "Forwarded message" },
	  { "---------- Forwarded message ---------", "The budget figures" }, { "" }, 1,
	  "Confidential briefing on the budget", "",
	  "The budget figures are not for publication until Thursday.", false },
	{ "apple-forward.eml",
	  { "See below." }, { "restructure", "Begin forwarded" },
	  { "Begin forwarded message:", "The restructure" }, { "" }, 1,
	  "Not for publication: staffing", "", "The restructure will be announced next month.",
	  false },
	{ "thunderbird-forward.eml",
	  { "Forwarding as promised." }, { "contractor" },
	  { "-------- Forwarded Message --------" }, { "" }, 1,
	  "Tree works in the park", "", "The contractor starts on Monday.", false },
	{ "signature-dashes.eml",
	  { "The road will close for two days in July." }, { "Ward Councillor", "-- " },
	  { "" }, { "Cllr Ann Jones\nWard Councillor for Town Ward\nIlminster Town Council" }, 0, NO_EMBEDDED },
	{ "signoff-kind-regards.eml",
	  { "The road will close for two days in July." }, { "Kind regards", "Tel:" },
	  { "" }, { "Kind regards,", "Ward Councillor for Town Ward", "Tel: 01460 000000" }, 0, NO_EMBEDDED },
	/* top-posted: the signature ends where the quote starts */
	{ "signoff-top-posted.eml",
	  { "The road will close for two days in July." }, { "Mayor", "When will" },
	  { "> When will the road close?" }, { "Best wishes, Ann Jones\nMayor of Ilminster" }, 0, NO_EMBEDDED },
	/* "Thanks," opening a message, and sentences after a sign-off, are
	   the author's words, not a signature */
	{ "signoff-not-a-signature.eml",
	  { "Thanks,", "Please pay the invoice from Green Ltd today.", "5,000 pounds" }, { "" },
	  { "" }, { "" }, 0, NO_EMBEDDED },
	/* our footers leave all three, quoted or not */
	{ "earlier-footers.eml",
	  { "Noted, thank you." }, { "Council mail notice", "ward member", "Copied to" },
	  { "> The road will close in July." }, { "" }, 0, NO_EMBEDDED },
	{ "html-gmail-quote.eml",
	  { "Please move the bins to the car park." },
	  { "Ignore this title", "color: red", "do not read me", "Where should" },
	  { "> On Mon, 3 Jun 2024 at 10:15, Tom Brown <clerk@ilminster-tc.gov.uk> wrote:",
	    "> > Where should the bins go?" }, { "Thanks." }, 0, NO_EMBEDDED },
	{ "html-outlook-divrplyfwdmsg.eml",
	  { "I support the new benches." }, { "six benches", "From:" },
	  { "From: Tom Brown <clerk@ilminster-tc.gov.uk>\nSent: 03 June 2024 10:15",
	    "Please order six benches" }, { "" }, 0, NO_EMBEDDED },
	{ "html-hr-from.eml",
	  { "Switch-on is at six." }, { "Sparks", "From:" },
	  { "From: Tom Brown", "Please buy the new lights from Sparks Ltd for £400." }, { "" }, 0, NO_EMBEDDED },
	{ "html-apple-blockquote.eml",
	  { "Count me in for the litter pick." },
	  { "Who can help", "Council mail notice", "ward member" },
	  { "> Who can help on Saturday?", "> > Nested older text." }, { "" }, 0, NO_EMBEDDED },
	/* every alternative is read (test_shown.c: the HTML one is shown) */
	{ "alternative-both-read.eml",
	  { "Plain words: the shelter needs repair.", "HTML words: the shelter needs repair." },
	  { "" }, { "" }, { "" }, 0, NO_EMBEDDED },
	{ "rfc822-attached.eml",
	  { "Please see the attached message." }, { "disciplinary" },
	  { "The disciplinary hearing is on Friday." }, { "" }, 1,
	  "Exempt: staff matter", "Company-Confidential", "The disciplinary hearing is on Friday.",
	  true },
};

static void check_words(const char *path, const char *what, const char *text,
			const char *const *words, bool want)
{
	for (int i = 0; i < MAXW && words[i] != NULL; i++) {
		if (words[i][0] == '\0') {
			if (want && i == 0 && words[1] == NULL)
				expect_str(path, what, text, "");
			continue;
		}
		if (want)
			expect_contains(path, what, text, words[i]);
		else
			expect_lacks(path, what, text, words[i]);
	}
}

static void test_segments(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct text_case *c = &cases[i];
		char *path = g_strconcat(DIR, c->file, NULL);
		struct parser_message *msg = fixture_parse(path, NULL);

		check_words(path, "own_text", msg->own_text, c->own, true);
		check_words(path, "own_text", msg->own_text, c->not_own, false);
		check_words(path, "quoted_text", msg->quoted_text, c->quoted, true);
		check_words(path, "signature", msg->signature, c->sig, true);
		if (c->n_embedded >= 0)
			expect_uint(path, "n_embedded", msg->n_embedded, (unsigned long)c->n_embedded);
		if (c->emb_subject != NULL && msg->n_embedded > 0) {
			expect_str(path, "embedded subject", msg->embedded[0].subject, c->emb_subject);
			expect_str(path, "embedded sensitivity", msg->embedded[0].sensitivity,
				   c->emb_sensitivity);
			expect_str(path, "embedded text", msg->embedded[0].text, c->emb_text);
			expect_uint(path, "embedded attached", msg->embedded[0].attached,
				    c->emb_attached);
		}
		g_free(path);
		parser_message_free(&msg);
	}
}

/* Footers found unquoted mark the message as annotated; quoted ones do not. */
static void test_annotated_flag(void **state)
{
	static const struct {
		const char *file;
		bool annotated;
	} flag_cases[] = {
		{ "earlier-footers.eml", true },
		{ "html-apple-blockquote.eml", true },
		{ "reply-gmail-plain.eml", false },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(flag_cases); i++) {
		char *path = g_strconcat(DIR, flag_cases[i].file, NULL);
		struct parser_message *msg = fixture_parse(path, NULL);

		expect_uint(path, "PARSER_FLAG_ANNOTATED",
			    (msg->flags & PARSER_FLAG_ANNOTATED) != 0, flag_cases[i].annotated);
		g_free(path);
		parser_message_free(&msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_annotated_flag),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
