/* parser_view: what a reviewer is shown of a message. The header fields
   decoded; the text a mail client shows, HTML as plain text (no markup
   left to run), what HTML hides kept and marked; every other part listed
   and never opened. Not escaped: that is the web page's one function. */
#include <string.h>

#include "helpers.h"

static struct parser_view *view_of(const char *path, struct parser_message **msg_r)
{
	struct parser_view *view;
	const char *error;

	*msg_r = fixture_parse(path, NULL);
	if (parser_view(*msg_r, 0, &view, &error) < 0)
		fail_msg("%s: %s", path, error);
	return view;
}

static const char *field(const struct parser_view *v, const char *name)
{
	for (size_t i = 0; i < v->n_fields; i++)
		if (strcmp(v->fields[i].name, name) == 0)
			return v->fields[i].value;
	return NULL;
}

static void test_hostile(void **state)
{
	const char *path = "messages/web/hostile.eml";
	struct parser_message *msg;
	struct parser_view *v = view_of(path, &msg);

	expect_contains(path, "Subject", field(v, "Subject"), "<script>alert('subject')</script>");
	expect_contains(path, "From", field(v, "From"), "cllr.smith@ashcombe-pc.gov.uk");
	expect_str(path, "the first field", v->fields[0].name, "Date");
	/* multipart/alternative: the HTML a client shows, as text only. */
	expect_uint(path, "texts", v->n_texts, 1);
	const char *text = v->texts[0].text;
	expect_str(path, "type", v->texts[0].content_type, "text/html");
	expect_contains(path, "text", text, "the council will pay your invoice");
	expect_contains(path, "escaped text stays text", text, "<script>alert('html-escaped')");
	expect_contains(path, "hidden text, marked", text,
			"[hidden from readers] hidden words for the filter");
	expect_lacks(path, "no script", text, "alert('html')");
	expect_lacks(path, "no image", text, "onerror");
	expect_lacks(path, "no form", text, "evil.example.net");
	expect_lacks(path, "no link", text, "javascript:");
	expect_lacks(path, "no style", text, "color: red");
	expect_lacks(path, "no marks", text, "\x1e");
	/* The plain alternative and the PDF: listed, never opened. */
	expect_uint(path, "files", v->n_files, 2);
	expect_str(path, "alternative", v->files[0].content_type, "text/plain");
	expect_contains(path, "alternative note", v->files[0].note, "alternative");
	expect_str(path, "attachment", v->files[1].filename,
		   "<img src=x onerror=alert('file')>.pdf");
	expect_str(path, "attachment type", v->files[1].content_type, "application/pdf");
	if (v->files[1].size == 0 || v->files[1].note != NULL)
		fail_msg("%s: the attachment: size %zu, note %s", path, v->files[1].size,
			 v->files[1].note);
	parser_view_free(&v);
	parser_message_free(&msg);
}

/* A plain message: its text as written (the notice the filter added
   included), and nothing listed. */
static void test_plain(void **state)
{
	const char *path = "messages/demo/06-councillor-commits-council-to-pay.eml";
	struct parser_message *msg;
	struct parser_view *v = view_of(path, &msg);

	expect_uint(path, "texts", v->n_texts, 1);
	expect_contains(path, "text", v->texts[0].text, "I confirm\nthe council will pay");
	expect_uint(path, "files", v->n_files, 0);
	expect_str(path, "To", field(v, "To"), "Benchcraft Ltd <accounts@benchcraft.example.com>");
	parser_view_free(&v);
	parser_message_free(&msg);
}

/* The text budget: what is over it is cut, and said to be. */
static void test_budget(void **state)
{
	const char *path = "messages/demo/06-councillor-commits-council-to-pay.eml";
	struct parser_message *msg = fixture_parse(path, NULL);
	struct parser_view *v;
	const char *error;

	assert_int_equal(parser_view(msg, 40, &v, &error), 0);
	if (strlen(v->texts[0].text) > 40 || !v->texts[0].truncated)
		fail_msg("budget 40: got %zu bytes, truncated %d", strlen(v->texts[0].text),
			 v->texts[0].truncated);
	parser_view_free(&v);
	parser_message_free(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_budget),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
