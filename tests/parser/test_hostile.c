/* Hostile shapes (issue 15, tests/messages/hostile/): what the parser holds
   must grow with the message, not with its square, and what it cuts to stay
   bounded must say so. Costs are measured in bench/hostile-scaling.sh; here
   the sizes the model holds are checked, which do not depend on the machine. */
#include "helpers.h"
#include "parser/parser-private.h"

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>

#define DIR "messages/hostile/"

/* Finding 2: a chain of forwarded blocks. Each block's text is its own and
   nothing else's: the model holds each line of the body once, however many
   blocks there are (before: every block held the whole rest of the body). */
static void test_forward_chain(void **state)
{
	static const char *const files[] = {
		"forward-markers.eml", "original-message-blocks.eml",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *path = g_strconcat(DIR, files[i], NULL);
		size_t len, total = 0;
		char *raw = fixture_read(path, &len);
		struct parser_message *msg = fixture_parse(path, NULL);

		expect_uint(path, "n_embedded", msg->n_embedded, 400);
		for (size_t k = 0; k < msg->n_embedded; k++) {
			char *subject = g_strdup_printf("roof %zu", k);
			char *text = g_strdup_printf("block %zu words", k);

			expect_str(path, "embedded subject", msg->embedded[k].subject, subject);
			expect_str(path, "embedded text", msg->embedded[k].text, text);
			total += strlen(msg->embedded[k].text);
			g_free(subject);
			g_free(text);
		}
		if (total > len)
			fail_msg("%s: embedded texts: got %zu bytes in all, want at most the "
				 "message's %zu", path, total, len);
		free(raw);
		g_free(path);
		parser_message_free(&msg);
	}
}

/* Finding 3: libxml2 compares each attribute of a tag with every earlier
   one, and looks for each end tag down the whole stack of open elements.
   The pre-pass keeps at most max_html_attributes of a tag, reading tags
   as libxml2 does and leaving comments, scripts and styles as they are. */
static void test_bound_attributes(void **state)
{
	static const struct {
		const char *html;
		unsigned max;
		const char *want;	/* NULL: nothing cut */
	} cases[] = {
		{ "<p a=1 b=2>x</p>", 2, NULL },
		{ "<p a=1 b=2>x</p>", 1, "<p a=1 >x</p>" },
		{ "<P A=\"x>y\" b c>z", 1, "<P A=\"x>y\" >z" },
		{ "<p a='1' b='>' c>z", 1, "<p a='1' >z" },
		{ "<br a b/>", 1, "<br a />" },
		{ "<p a b=\"open to the end", 1, "<p a " },
		{ "<p \"x\" 'y' a>", 1, NULL },		/* bogus: libxml2 skips them */
		{ "<!-- <p a b c> -->", 1, NULL },
		{ "<!-- --!><p a b>", 1, "<!-- --!><p a >" },
		{ "<script>if (a<b c d e) f();</script><p a b>", 1,
		  "<script>if (a<b c d e) f();</script><p a >" },
		{ "<STYLE>p<b c d></STYLE><p a b>", 1, "<STYLE>p<b c d></STYLE><p a >" },
		{ "< p a b c>", 1, NULL },			/* not a tag */
		{ "a < b, b > c", 1, NULL },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		size_t len = 0;
		bool cut;
		char *got = html_bound_attributes(cases[i].html, strlen(cases[i].html), cases[i].max,
						  &len, &cut);

		if (cases[i].want == NULL) {
			if (got != NULL || cut)
				fail_msg("%s (max %u): got \"%s\", want nothing cut", cases[i].html,
					 cases[i].max, got);
		} else {
			if (got == NULL || !cut || len != strlen(got))
				fail_msg("%s (max %u): got nothing cut, want \"%s\"", cases[i].html,
					 cases[i].max, cases[i].want);
			expect_str(cases[i].html, "bounded", got, cases[i].want);
		}
		g_free(got);
	}
}

/* The whole path: the cut is flagged (the message counts as read only in
   part), and the text inside and after the tag is still read. */
static void test_html_limits(void **state)
{
	static const struct {
		const char *file;
		unsigned flag;
		const char *read[2], *unread;	/* in own_text, not in it (NULL: none) */
	} cases[] = {
		{ "html-attributes.eml", PARSER_FLAG_HTML_ATTRIBUTE_LIMIT,
		  { "words inside the big tag", "words after the big tag" }, NULL },
		{ "html-stray-end-tags.eml", PARSER_FLAG_HTML_DEPTH_LIMIT,
		  { "3,000 open elements", "3,000 open elements" }, "deep words" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *path = g_strconcat(DIR, cases[i].file, NULL);
		struct parser_message *msg = fixture_parse(path, NULL);

		expect_uint(path, "limit flag", msg->flags & cases[i].flag, cases[i].flag);
		expect_uint(path, "counts as incomplete",
			    (msg->flags & PARSER_FLAGS_INCOMPLETE & cases[i].flag) != 0, 1);
		expect_contains(path, "own_text", msg->own_text, cases[i].read[0]);
		expect_contains(path, "own_text", msg->own_text, cases[i].read[1]);
		if (cases[i].unread != NULL)
			expect_lacks(path, "own_text", msg->own_text, cases[i].unread);
		g_free(path);
		parser_message_free(&msg);
	}
}

/* Lines that made the segmenter's patterns backtrack (a sign-off followed
   by a run of capitals; lines of '@' ending almost like an attribution):
   44 s for 17 KB before. What they mean is unchanged: they are the
   author's own words, and the real sign-off still starts the signature.
   (The cost is measured by bench/hostile-scaling.sh, signoff-names and
   addr-wrote.) */
static void test_backtracking_lines(void **state)
{
	const char *path = DIR "regex-backtracking.eml";
	struct parser_message *msg = fixture_parse(path, NULL);

	expect_uint(path, "sign-off lines in own_text", count_occurrences(msg->own_text, "Regards, AAAA"),
		    50);
	expect_uint(path, "'@' lines in own_text", count_occurrences(msg->own_text, " wrot:"), 50);
	expect_str(path, "signature", msg->signature, "Kind regards,\nAnn Jones");
	expect_str(path, "quoted_text", msg->quoted_text, "");
	parser_message_free(&msg);
}

/* Text declared UTF-8 with one invalid byte, or cut by max_text_bytes in
   the middle of a character, is UTF-8 with a replacement character, not
   the whole text read again as windows-1252: that turned every accented
   letter and typographic quote into two or three others ("I\xe2\x80\x99m"
   into "I\xc3\xa2\xe2\x82\xac\xe2\x84\xa2m"), so phrases with them went unseen, and
   tripled the text the rules read. */
static void test_utf8_kept(void **state)
{
	const char *path = DIR "utf8-invalid-byte.eml";
	struct parser_message *msg = fixture_parse(path, NULL);
	/* cut after 4097 bytes: in the middle of the 2-byte \xc3\xa9 */
	const struct parser_limits cut = { .max_text_bytes = 4097 };
	GString *long_text = g_string_new("From: a@example.org\nSubject: accents\nMIME-Version: 1.0\n"
					  "Content-Type: text/plain; charset=utf-8\n\n");
	struct parser_message *cut_msg;
	const char *error;

	expect_contains(path, "own_text", msg->own_text,
			"I\xe2\x80\x99m instructing you to book the hall for the caf\xc3\xa9");
	expect_contains(path, "own_text", msg->own_text, "byte: \xef\xbf\xbd and the rest");
	parser_message_free(&msg);

	for (int i = 0; i < 4000; i++)
		g_string_append(long_text, "\xc3\xa9");
	assert_int_equal(parser_parse(long_text->str, long_text->len, &cut, &cut_msg, &error), 0);
	expect_uint("4,000 x U+00E9 cut at 4,097 bytes", "PARSER_FLAG_TEXT_TRUNCATED",
		    (cut_msg->flags & PARSER_FLAG_TEXT_TRUNCATED) != 0, 1);
	expect_uint("4,000 x U+00E9 cut at 4,097 bytes", "own_text bytes", strlen(cut_msg->own_text),
		    4096);
	expect_lacks("4,000 x U+00E9 cut at 4,097 bytes", "own_text", cut_msg->own_text, "\xc3\x83");
	parser_message_free(&cut_msg);
	g_string_free(long_text, TRUE);
}

/* Header lines past max_header_bytes are left out before GMime reads
   them: each costs GMime and the model many times its size (2 MB of
   header fields took 60 MB). The body, whose MIME fields came first, is
   still the one readers see and gets the footer in the right place. */
static void test_header_cut(void **state)
{
	const char *path = DIR "header-fields.eml";
	const struct parser_limits lim = { .max_header_bytes = 8192 };
	const struct parser_footer footer = { .text = "Header notice.", .html = NULL };
	size_t len;
	char *raw = fixture_read(path, &len);
	struct parser_message *msg;
	struct parser_annotated *ann = NULL;
	enum parser_annotate_status status;
	const char *error;

	assert_int_equal(parser_parse(raw, len, &lim, &msg, &error), 0);
	expect_uint(path, "PARSER_FLAG_HEADER_LIMIT", (msg->flags & PARSER_FLAG_HEADER_LIMIT) != 0, 1);
	/* 8 KiB hold about 250 of the 2,000 X-Classification fields */
	if (msg->n_classifications == 0 || msg->n_classifications > 8192 / 28)
		fail_msg("%s: classifications read: got %zu, want those in the first 8 KiB", path,
			 msg->n_classifications);
	expect_str(path, "own_text", msg->own_text, "Issue 15: 2,000 header fields after the MIME "
		   "fields.");
	assert_int_equal(parser_annotate(msg, &footer, &status, &ann, &error), 0);
	expect_uint(path, "annotate status (0 = DONE)", status, PARSER_ANNOTATE_DONE);
	if (!g_str_has_prefix(ann->body, "Issue 15: 2,000 header fields after the MIME fields.\r\n"))
		fail_msg("%s: annotated body: got \"%.60s\", want it to start with the body", path,
			 ann->body);
	expect_contains(path, "annotated body", ann->body, "Header notice.");
	parser_annotated_free(&ann);
	parser_message_free(&msg);
	free(raw);
}

/* Finding 5(c): a multipart/alternative of two text/plain parts. Mail
   clients show the last alternative they can; the filter read only the
   first and wrote the footer only there. Every alternative is read now,
   and every one gets the footer. */
static void test_alternatives(void **state)
{
	const char *path = DIR "alternative-two-plain.eml";
	const struct parser_footer footer = { .text = "Alternative notice.", .html = NULL };
	struct parser_message *msg = fixture_parse(path, NULL);
	struct parser_annotated *ann = NULL;
	enum parser_annotate_status status;
	const char *error;

	expect_contains(path, "own_text", msg->own_text, "the first of two text/plain");
	expect_contains(path, "own_text", msg->own_text, "please book the hall for the campaign");
	assert_int_equal(parser_annotate(msg, &footer, &status, &ann, &error), 0);
	expect_uint(path, "annotate status (0 = DONE)", status, PARSER_ANNOTATE_DONE);
	expect_uint(path, "bodies with the footer", ann->n_text_parts, 2);
	expect_uint(path, "footers in the new body", count_occurrences(ann->body,
								      "Alternative notice."), 2);
	parser_annotated_free(&ann);
	parser_message_free(&msg);
}

/* Finding 5(b): what is signed or encrypted, and so never gets the
   footer, must be a real inline PGP block at the start of the body or a
   multipart/signed with a real signature; fakes are ordinary text and
   multiparts, read and footered as mail programs show them. (The real
   ones, tests/messages/parser/model/, still refuse: test_annotate.) */
static void test_fake_signatures(void **state)
{
	static const struct {
		const char *file;
		const char *read;	/* in own_text */
	} cases[] = {
		{ "pgp-lines-anywhere.eml", "The hall is booked for Friday." },
		{ "pgp-begin-not-armour.eml", "The hall is booked for Friday." },
		{ "pgp-armour-then-text.eml", "readable text after the block" },
		{ "signed-junk-signature.eml", "a junk signature" },
		{ "signed-wrong-protocol.eml", "not of the protocol's type" },
		{ "signed-pkcs7-junk.eml", "holding no SignedData" },
		{ "signed-empty-signature.eml", "signature part is empty" },
	};
	const struct parser_footer footer = { .text = "Signature notice.", .html = NULL };

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *path = g_strconcat(DIR, cases[i].file, NULL);
		struct parser_message *msg = fixture_parse(path, NULL);
		struct parser_annotated *ann = NULL;
		enum parser_annotate_status status;
		const char *error;

		expect_uint(path, "flags SIGNED|ENCRYPTED",
			    msg->flags & (PARSER_FLAG_SIGNED | PARSER_FLAG_ENCRYPTED), 0);
		expect_contains(path, "own_text", msg->own_text, cases[i].read);
		assert_int_equal(parser_annotate(msg, &footer, &status, &ann, &error), 0);
		expect_uint(path, "annotate status (0 = DONE)", status, PARSER_ANNOTATE_DONE);
		expect_contains(path, "annotated body", ann->body, "Signature notice.");
		parser_annotated_free(&ann);
		g_free(path);
		parser_message_free(&msg);
	}
}

/* Elements whose content a mail program does not show, or not as text. */
static bool hides(xmlNodePtr n)
{
	static const char *const names[] = {
		"script", "style", "title", "textarea", "template", "noscript", "select", "head",
		"object", "svg", "math", "iframe", "noembed", "noframes", "xmp", "details", NULL
	};
	xmlChar *style;
	bool hidden = false;

	for (const char *const *k = names; *k != NULL; k++)
		if (xmlStrcasecmp(n->name, (const xmlChar *)*k) == 0)
			return true;
	if (xmlHasProp(n, (const xmlChar *)"hidden") != NULL)
		return true;
	style = xmlGetProp(n, (const xmlChar *)"style");
	if (style != NULL) {
		char *s = g_ascii_strdown((const char *)style, -1);

		g_strdelimit(s, " \t", '_');
		hidden = strstr(s, "display:none") != NULL || strstr(s, "display_:none") != NULL ||
			 strstr(s, "visibility:hidden") != NULL;
		g_free(s);
		xmlFree(style);
	}
	return hidden;
}

/* The element of class council-mail-notice under N, or NULL (iterative). */
static xmlNodePtr find_notice(xmlNodePtr n)
{
	while (n != NULL) {
		if (n->type == XML_ELEMENT_NODE) {
			xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
			bool found = cls != NULL && xmlStrcmp(cls, (const xmlChar *)
							      "council-mail-notice") == 0;

			xmlFree(cls);
			if (found)
				return n;
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		}
		while (n != NULL && n->next == NULL)
			n = n->parent;
		if (n != NULL)
			n = n->next;
	}
	return NULL;
}

/* The fixture messages/hostile/html-footer-NAME.eml annotated (DONE). */
static struct parser_annotated *annotate_html_fixture(const char *name)
{
	const struct parser_footer footer = { .text = "Footer words for the reader.", .html = NULL };
	char *path = g_strdup_printf(DIR "html-footer-%s.eml", name);
	struct parser_message *msg = fixture_parse(path, NULL);
	struct parser_annotated *ann = NULL;
	enum parser_annotate_status status;
	const char *error;

	assert_int_equal(parser_annotate(msg, &footer, &status, &ann, &error), 0);
	expect_uint(path, "annotate status (0 = DONE)", status, PARSER_ANNOTATE_DONE);
	parser_message_free(&msg);
	g_free(path);
	return ann;
}

/* Finding 5(a): the HTML footer went in before </body> as written, so a
   body ending inside a comment, a <style>, a <title>, a tag, a hidden
   element... swallowed it. Each is ended before the footer now: read back
   with libxml2's HTML parser, the footer is an element outside anything
   that hides, and its words are in the text. */
static void test_html_footer(void **state)
{
	static const char *const files[] = {
		"comment", "style", "title", "textarea", "script", "noscript", "template",
		"hidden-div", "span-in-div", "formatting", "table-scope", "attribute", "select",
		"details", "no-body-end", "bogus", "empty",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		const char *path = files[i];
		struct parser_annotated *ann = annotate_html_fixture(files[i]);
		htmlDocPtr doc;
		xmlNodePtr notice;
		char *text;

		expect_str(path, "new Content-Type (none: the HTML part itself)",
			   ann->content_type != NULL ? ann->content_type : "", "");
		doc = htmlReadMemory(ann->body, (int)ann->body_len, NULL, "UTF-8",
				     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				     HTML_PARSE_NONET);
		assert_non_null(doc);
		notice = find_notice(xmlDocGetRootElement(doc));
		if (notice == NULL)
			fail_msg("%s: no notice element in the annotated HTML: \"%s\"", path, ann->body);
		for (xmlNodePtr a = notice; a != NULL && a->type == XML_ELEMENT_NODE; a = a->parent)
			if (hides(a))
				fail_msg("%s: the notice is inside <%s>: \"%s\"", path, a->name, ann->body);
		text = html_to_text(ann->body, ann->body_len, NULL, NULL);
		expect_contains(path, "the annotated HTML as text", text, "Footer words for the reader.");
		g_free(text);
		xmlFreeDoc(doc);
		parser_annotated_free(&ann);
	}
}

/* Where no footer in the HTML could be seen (nothing ends <plaintext>;
   "<!-->" is a whole comment to browsers and an open one to libxml2),
   the message is wrapped: the notice is a plain-text part of its own. */
static void test_html_footer_wrapped(void **state)
{
	static const char *const files[] = { "plaintext", "empty-comment" };

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		const char *path = files[i];
		struct parser_annotated *ann = annotate_html_fixture(files[i]);

		if (ann->content_type == NULL || !g_str_has_prefix(ann->content_type,
								   "multipart/mixed;"))
			fail_msg("%s: new Content-Type: got %s, want multipart/mixed", path,
				 ann->content_type != NULL ? ann->content_type : "(unchanged)");
		expect_contains(path, "new body", ann->body, "Content-Type: text/plain");
		expect_contains(path, "new body", ann->body, "Footer words for the reader.");
		parser_annotated_free(&ann);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_chain),
		cmocka_unit_test(test_bound_attributes),
		cmocka_unit_test(test_html_limits),
		cmocka_unit_test(test_backtracking_lines),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_header_cut),
		cmocka_unit_test(test_alternatives),
		cmocka_unit_test(test_fake_signatures),
		cmocka_unit_test(test_html_footer),
		cmocka_unit_test(test_html_footer_wrapped),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
