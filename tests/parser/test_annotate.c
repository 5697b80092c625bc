/* The footer writer, case by case (fixtures in messages/parser/annotate/):
   what happens to each body's transfer encoding and charset, where the
   footer goes, what is never touched, and the top-level MIME header values
   the milter must change. The output is read back with GMime itself. */
#include "helpers.h"
#include "compose.h"

#include <glib.h>
#include <gmime/gmime.h>
#include <string.h>

#define DIR "messages/parser/annotate/"
#define TEST_FOOTER "Test notice for the parser suite.\nZoë's £5 line."

struct leaf_want {
	int leaf;		/* index among leaves in document order; -1 ends */
	const char *cte;	/* transfer encoding, as GMime names it */
	const char *charset;	/* NULL: no charset parameter */
	unsigned footers;	/* BEGIN lines in the decoded text (text parts) */
	const char *text_has;	/* in the decoded text, CRLF read as LF */
};

struct annotate_case {
	const char *file;
	const char *footer;	/* NULL: TEST_FOOTER */
	enum parser_annotate_status status;
	unsigned n_text_parts;
	const char *content_type;	/* prefix of the new top-level value; NULL: unchanged */
	const char *cte;		/* new top-level value; NULL: unchanged */
	const char *mime_version;
	struct leaf_want leaves[4];
};

#define END_LEAVES { -1, NULL, NULL, 0, NULL }

static const struct annotate_case cases[] = {
	/* QP stays QP, the charset can say the footer */
	{ "plain-qp.eml", NULL, PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "quoted-printable", "utf-8", 1,
	      "“grass cutting” contract is £1,200 for the year; 2 + 2 = 4.\n\n"
	      "---- Council mail notice ----\nTest notice for the parser suite.\nZoë's £5 line.\n"
	      "---- End of council mail notice ----" }, END_LEAVES } },
	{ "plain-base64.eml", NULL, PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "base64", "utf-8", 1, "café included.\nSecond line.\n\n---- Council mail notice" },
	    END_LEAVES } },
	/* 7bit cannot carry the footer: quoted-printable, UTF-8, at the top */
	{ "plain-7bit-ascii.eml", NULL, PARSER_ANNOTATE_DONE, 1, "text/plain; charset=utf-8",
	  "quoted-printable", NULL,
	  { { 0, "quoted-printable", "utf-8", 1, "Plain ASCII words, no footer yet.\n\n----" },
	    END_LEAVES } },
	/* ... but an ASCII footer leaves 7bit and us-ascii alone */
	{ "plain-7bit-ascii.eml", "An ASCII notice.", PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "7bit", "us-ascii", 1, "no footer yet.\n\n---- Council mail notice ----\n"
	      "An ASCII notice.\n---- End of council mail notice ----" }, END_LEAVES } },
	/* ISO-8859-1 can say "Zoë's £5": kept, and so is 8bit */
	{ "plain-8bit-latin1.eml", NULL, PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "8bit", "iso-8859-1", 1, "The café on the green pays £40 rent.\n\n"
	      "---- Council mail notice ----\nTest notice for the parser suite.\nZoë's £5 line." },
	    END_LEAVES } },
	/* KOI8-R cannot: the part becomes UTF-8 (its own header rewritten),
	   the attachment next to it is untouched */
	{ "plain-koi8r-converted.eml", NULL, PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "8bit", "utf-8", 1, "Привет Ильминстер\n\n---- Council mail notice ----" },
	    { 1, "base64", NULL, 0, NULL }, END_LEAVES } },
	/* not ASCII-compatible: re-encoded to UTF-8, the top-level type says so */
	{ "plain-utf16.eml", NULL, PARSER_ANNOTATE_DONE, 1, "text/plain; charset=utf-8", NULL, NULL,
	  { { 0, "base64", "utf-8", 1, "Sixteen bits\n\n---- Council mail notice" }, END_LEAVES } },
	/* before the last </BODY>, whatever its case; the charset stays (the
	   HTML footer writes non-ASCII as character references); its own
	   inline styles keep the body's style sheets off it */
	{ "html-body-uppercase.eml", NULL, PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "quoted-printable", "windows-1252", 1,
	      "Café opening on Friday.</P>\n<div class=\"council-mail-notice\" style=\"display:block "
	      "!important;" },
	    { 0, "quoted-printable", "windows-1252", 1, "\">Test notice for the parser suite.<br>\n"
	      "Zo&#235;'s &#163;5 line.</p><p style=\"" },
	    { 0, "quoted-printable", "windows-1252", 1,
	      "\">---- End of council mail notice ----</p></div>\n</BODY>\n</HTML>" },
	    END_LEAVES } },
	{ "html-no-body.eml", NULL, PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "7bit", "utf-8", 1,
	      "without a body element.</p>\n<div class=\"council-mail-notice\" style=" },
	    END_LEAVES } },
	/* both alternatives (the HTML inside multipart/related); never the
	   text attachment, the image, the PDF or the attached message */
	{ "mixed-alternative-attachments.eml", NULL, PARSER_ANNOTATE_DONE, 2, NULL, NULL, NULL,
	  { { 0, "quoted-printable", "utf-8", 1, "Please find the papers attached.\n\n----" },
	    { 1, "base64", "utf-8", 1, "<img src=\"cid:crest\"><div class=\"council-mail-notice\" "
	      "style=" },
	    { 3, "7bit", "us-ascii", 0, "Minutes of the last meeting: not to be changed." },
	    { 4, "base64", NULL, 0, NULL } } },
	/* only the first text/plain of a multipart/mixed */
	{ "mixed-two-plain.eml", NULL, PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "quoted-printable", "utf-8", 1, "Words before the picture." },
	    { 1, "base64", NULL, 0, NULL },
	    { 2, "7bit", "us-ascii", 0, "Words after the picture." }, END_LEAVES } },
	/* no text body: a new text part and the original, under multipart/mixed */
	{ "no-text-part.eml", NULL, PARSER_ANNOTATE_DONE, 1, "multipart/mixed; boundary=", "7bit",
	  NULL, { { 0, "quoted-printable", "utf-8", 1, "Test notice for the parser suite." },
		  { 1, "base64", NULL, 0, NULL }, END_LEAVES } },
	{ "text-attachment-only.eml", NULL, PARSER_ANNOTATE_DONE, 1, "multipart/mixed; boundary=",
	  NULL, NULL, { { 0, "quoted-printable", "utf-8", 1, NULL },
			{ 1, "7bit", "us-ascii", 0, "which is an attachment and stays as it is." },
			END_LEAVES } },
	/* SMTP's CRLF and no final line end */
	{ "crlf-no-final-newline.eml", NULL, PARSER_ANNOTATE_DONE, 1, "text/plain; charset=utf-8",
	  "quoted-printable", NULL,
	  { { 0, "quoted-printable", "utf-8", 1,
	      "with CRLF line ends and no final newline\n\n---- Council mail notice ----" },
	    END_LEAVES } },
	/* no MIME-Version: a new Content-Type needs one to count */
	{ "no-mime-version.eml", NULL, PARSER_ANNOTATE_DONE, 1, "text/plain; charset=utf-8",
	  "quoted-printable", "1.0",
	  { { 0, "quoted-printable", "utf-8", 1, "No MIME headers at all in this one.\n\n----" },
	    END_LEAVES } },
	{ "no-mime-version.eml", "An ASCII notice.", PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "7bit", NULL, 1, "in this one.\n\n---- Council mail notice ----" }, END_LEAVES } },
	/* second pass through the MTA */
	{ "already-annotated.eml", NULL, PARSER_ANNOTATE_ALREADY, 0, NULL, NULL, NULL,
	  { END_LEAVES } },
	/* another notice is not this one */
	{ "already-annotated.eml", "A different notice.", PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "quoted-printable", "utf-8", 2, "A different notice." }, END_LEAVES } },
	/* our footer only in the quoted part: this message has none yet */
	{ "quoted-footer-only.eml", NULL, PARSER_ANNOTATE_DONE, 1, NULL, NULL, NULL,
	  { { 0, "quoted-printable", "utf-8", 2, "> ---- End of council mail notice ----\n\n"
	      "---- Council mail notice ----" }, END_LEAVES } },
	/* two Content-Type fields: readers differ on what the message is, so
	   nothing in it is edited; it is wrapped whole, both fields kept, and
	   each reader reads it one level down as before (GMime: the last) */
	{ "conflicting-content-type.eml", NULL, PARSER_ANNOTATE_DONE, 1,
	  "multipart/mixed; boundary=", NULL, NULL,
	  { { 0, "quoted-printable", "utf-8", 1, "Test notice for the parser suite." },
	    { 1, "7bit", "us-ascii", 0, "--c\nContent-Type: text/plain; charset=us-ascii\n\n"
	      "GMime reads the last Content-Type, other readers the first.\n--c--" },
	    END_LEAVES } },
	/* a line in the text that some parsers take for a delimiter: editing
	   the text could move the footer, or the structure, for them: wrapped */
	{ "delimiter-like-line.eml", NULL, PARSER_ANNOTATE_DONE, 1, "multipart/mixed; boundary=",
	  NULL, NULL,
	  { { 0, "quoted-printable", "utf-8", 1, "Test notice for the parser suite." },
	    { 1, "7bit", "us-ascii", 0, "by prefix ends this part there.\n--council-b-and-more\n"
	      "The end of the text, for GMime." },
	    { 2, "base64", NULL, 0, NULL }, END_LEAVES } },
	/* signed or encrypted: never changed */
	{ "../model/multipart-signed.eml", NULL, PARSER_ANNOTATE_REFUSED, 0, NULL, NULL, NULL,
	  { END_LEAVES } },
	{ "../model/multipart-encrypted.eml", NULL, PARSER_ANNOTATE_REFUSED, 0, NULL, NULL, NULL,
	  { END_LEAVES } },
	{ "../model/smime-enveloped.eml", NULL, PARSER_ANNOTATE_REFUSED, 0, NULL, NULL, NULL,
	  { END_LEAVES } },
	{ "../model/smime-opaque-signed.eml", NULL, PARSER_ANNOTATE_REFUSED, 0, NULL, NULL, NULL,
	  { END_LEAVES } },
	{ "../model/pgp-inline-signed.eml", NULL, PARSER_ANNOTATE_REFUSED, 0, NULL, NULL, NULL,
	  { END_LEAVES } },
	{ "../model/pgp-inline-encrypted.eml", NULL, PARSER_ANNOTATE_REFUSED, 0, NULL, NULL, NULL,
	  { END_LEAVES } },
};

/* Leaves in document order (message/rfc822 parts are leaves here). */
static GPtrArray *leaves(GMimeMessage *m)
{
	GPtrArray *out = g_ptr_array_new(), *stack = g_ptr_array_new();

	g_ptr_array_add(stack, g_mime_message_get_mime_part(m));
	while (stack->len > 0) {
		GMimeObject *o = g_ptr_array_steal_index(stack, stack->len - 1);

		if (!GMIME_IS_MULTIPART(o)) {
			g_ptr_array_add(out, o);
			continue;
		}
		for (int i = g_mime_multipart_get_count(GMIME_MULTIPART(o)) - 1; i >= 0; i--)
			g_ptr_array_add(stack, g_mime_multipart_get_part(GMIME_MULTIPART(o), i));
	}
	g_ptr_array_free(stack, TRUE);
	return out;
}

static char *decoded_text(GMimeObject *o)
{
	char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(o));
	GString *s = g_string_new(NULL);

	for (const char *p = t != NULL ? t : ""; *p != '\0'; p++) {
		if (!(p[0] == '\r' && p[1] == '\n'))
			g_string_append_c(s, *p);
	}
	g_free(t);
	return g_string_free(s, FALSE);
}

static void expect_optional(const char *path, const char *what, const char *got, const char *want,
			    bool prefix)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL)
		fail_msg("%s: %s: got %s, want %s", path, what, got != NULL ? got : "NULL (unchanged)",
			 want != NULL ? want : "NULL (unchanged)");
	if (prefix ? !g_str_has_prefix(got, want) : strcmp(got, want) != 0)
		fail_msg("%s: %s: got \"%s\", want \"%s\"%s", path, what, got, want,
			 prefix ? " at the start" : "");
}

static void check_leaves(const char *path, const struct annotate_case *c, const char *msg,
			 size_t len)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(msg, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	GPtrArray *ls;

	if (m == NULL)
		fail_msg("%s: GMime cannot read the annotated message", path);
	ls = leaves(m);
	for (int i = 0; i < 4 && c->leaves[i].leaf >= 0; i++) {
		const struct leaf_want *w = &c->leaves[i];
		char *what = g_strdup_printf("leaf %d", w->leaf);
		GMimeObject *o;

		if ((guint)w->leaf >= ls->len)
			fail_msg("%s: %s: the annotated message has only %u leaves", path, what, ls->len);
		o = g_ptr_array_index(ls, w->leaf);
		expect_str(path, what, g_mime_content_encoding_to_string(
				   g_mime_part_get_content_encoding(GMIME_PART(o))) ?: "7bit", w->cte);
		expect_optional(path, what, g_mime_object_get_content_type_parameter(o, "charset"),
				w->charset, false);
		if (GMIME_IS_TEXT_PART(o)) {
			char *text = decoded_text(o);

			expect_uint(path, what, count_occurrences(text, PARSER_FOOTER_BEGIN), w->footers);
			if (w->text_has != NULL)
				expect_contains(path, what, text, w->text_has);
			g_free(text);
		}
		g_free(what);
	}
	g_ptr_array_free(ls, TRUE);
	g_object_unref(m);
	g_object_unref(p);
	g_object_unref(s);
}

static void test_cases(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct annotate_case *c = &cases[i];
		char *path = g_strconcat(DIR, c->file, NULL);
		struct parser_footer f = { c->footer != NULL ? c->footer : TEST_FOOTER, NULL };
		size_t len, clen;
		char *data = fixture_read(path, &len), *composed;
		struct parser_message *msg, *again;
		struct parser_annotated *ann;
		enum parser_annotate_status status;
		const char *error;

		if (parser_parse(data, len, NULL, &msg, &error) < 0 ||
		    parser_annotate(msg, &f, &status, &ann, &error) < 0)
			fail_msg("%s: %s", path, error);
		expect_uint(path, "status (0 done, 1 already, 2 refused)", status, c->status);
		if (status != PARSER_ANNOTATE_DONE) {
			if (ann != NULL)
				fail_msg("%s: got an annotation with status %d", path, status);
			parser_message_free(&msg);
			free(data);
			g_free(path);
			continue;
		}
		expect_uint(path, "n_text_parts", ann->n_text_parts, c->n_text_parts);
		expect_optional(path, "Content-Type", ann->content_type, c->content_type, true);
		expect_optional(path, "Content-Transfer-Encoding", ann->content_transfer_encoding,
				c->cte, false);
		expect_optional(path, "MIME-Version", ann->mime_version, c->mime_version, false);
		for (size_t k = 0; k < ann->body_len; k++) {
			if (ann->body[k] == '\n' && (k == 0 || ann->body[k - 1] != '\r'))
				fail_msg("%s: bare LF at body offset %zu, want CRLF line ends", path, k);
		}
		composed = compose_message(data, len, ann, &clen);
		check_leaves(path, c, composed, clen);

		/* the second pass does nothing */
		if (parser_parse(composed, clen, NULL, &again, &error) < 0)
			fail_msg("%s: re-parse: %s", path, error);
		parser_annotated_free(&ann);
		if (parser_annotate(again, &f, &status, &ann, &error) < 0)
			fail_msg("%s: %s", path, error);
		expect_uint(path, "second pass status (1 = already)", status, PARSER_ANNOTATE_ALREADY);
		parser_message_free(&again);
		g_free(composed);
		parser_message_free(&msg);
		free(data);
		g_free(path);
	}
}

/* Bad calls get an error, not a crash. */
static void test_bad_calls(void **state)
{
	struct parser_message *msg = fixture_parse(DIR "plain-qp.eml", NULL);
	struct parser_footer none = { NULL, NULL };
	struct parser_annotated *ann = (void *)1;
	enum parser_annotate_status status;
	const char *error = NULL;

	assert_int_equal(parser_annotate(msg, &none, &status, &ann, &error), -1);
	assert_non_null(error);
	assert_null(ann);
	parser_message_free(&msg);
	assert_null(msg);
	parser_message_free(&msg);	/* twice is harmless */
	parser_annotated_free(&ann);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bad_calls),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
