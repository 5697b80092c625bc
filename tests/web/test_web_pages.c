/* The web page's pages: each reviewer sees and acts on their own councils'
   held mail only; whatever a message says enters the page escaped, once,
   and nothing from it can run; no path leads anywhere but the pages; an
   action needs a confirmation, a verdict, and for a return a note. */
#include "webtest.h"

#include <string.h>

#include "parser/parser.h"

static int setup(void **state)
{
	*state = webtest_new();
	return 0;
}

static int teardown(void **state)
{
	struct webtest *t = *state;

	webtest_free(&t);
	return 0;
}

static char *escaped(const char *text)
{
	GString *out = g_string_new(NULL);

	html_text(out, text);
	return g_string_free(out, FALSE);
}

/* The one function: every character that means something in HTML, and
   nothing a reader cannot see. */
static void test_html_text(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "<script>alert('x')</script>",
		  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" },
		{ "a & b \"c\"", "a &amp; b &quot;c&quot;" },
		{ "&lt;", "&amp;lt;" },
		{ "line\nnext\ttab", "line\nnext\ttab" },
		{ "bell\x07" "esc\x1b[31m", "bell esc [31m" },
		{ "\xe2\x80\xae" "reversed", "reversed" },
		{ "caf\xc3\xa9 \xff", "caf\xc3\xa9 \xef\xbf\xbd" },
		{ "\xc2\x85" "next line", " next line" },
		{ NULL, "" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = escaped(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("html_text(%s): got [%s], want [%s]", cases[i].in, got,
				 cases[i].want);
		g_free(got);
	}
	GString *out = g_string_new(NULL);
	html_printf(out, "<p title=\"%s\">%u%% %zu</p>", "\"><script>", 3u, (size_t)7);
	assert_string_equal(out->str, "<p title=\"&quot;&gt;&lt;script&gt;\">3% 7</p>");
	g_string_free(out, TRUE);
}

static struct web_response *get(struct webtest *t, struct browser *b, const char *path,
				unsigned want)
{
	struct web_response *res = web_send(t, b, "GET", path, NULL);

	if (res->status != want)
		fail_msg("GET %s: got %u, want %u:\n%s", path, res->status, want, res->body->str);
	return res;
}

/* Each reviewer's list is their councils' mail; another council's message,
   or one council-milter did not hold, is "not found" however asked. */
static void test_scope(void **state)
{
	struct webtest *t = *state;
	struct browser tom = { 0 }, rita = { 0 }, deputy = { 0 };

	sign_in(t, &tom, "tom");
	sign_in(t, &rita, "rita");
	sign_in(t, &deputy, "deputy");
	struct web_response *res = get(t, &tom, "/held", 200);
	assert_non_null(strstr(res->body->str, ASHCOMBE_ID));
	assert_null(strstr(res->body->str, BRAMLEY_ID));
	assert_null(strstr(res->body->str, OTHER_ID));
	assert_non_null(strstr(res->body->str, "1 message is held for you to review"));
	web_response_done(res);
	res = get(t, &deputy, "/held", 200);
	assert_non_null(strstr(res->body->str, ASHCOMBE_ID));
	assert_non_null(strstr(res->body->str, BRAMLEY_ID));
	web_response_done(res);
	static const char *const away[] = { "/held/" BRAMLEY_ID, "/held/" OTHER_ID,
					    "/held/FFFF0000" };
	for (size_t i = 0; i < G_N_ELEMENTS(away); i++) {
		res = get(t, &tom, away[i], 404);
		assert_non_null(strstr(res->body->str,
				       "No such message is held for your councils"));
		web_response_done(res);
	}
	char *token = NULL;
	res = get(t, &rita, "/held", 200);
	token = form_token(res->body->str);
	web_response_done(res);
	res = web_send(t, &rita, "POST", "/held/" ASHCOMBE_ID "/release", "csrf", token,
		       "verdict", "breach", "confirm", "yes", NULL);
	assert_int_equal(res->status, 404);
	web_response_done(res);
	res = web_send(t, &rita, "POST", "/held/" ASHCOMBE_ID "/return", "csrf", token,
		       "verdict", "breach", "note", "No.", NULL);
	assert_int_equal(res->status, 404);	/* the confirmation too */
	web_response_done(res);
	assert_string_equal(t->fake->calls->str, "");
	g_free(token);
	browser_clear(&tom);
	browser_clear(&rita);
	browser_clear(&deputy);
}

/* Stored XSS through the subject, the display name, the body, the HTML
   body and the attachment name: each payload is on the page as text, and
   the page has no element or attribute that could run. */
static void test_escaping(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };

	sign_in(t, &b, "tom");
	static const char *const pages[] = { "/held", "/held/" ASHCOMBE_ID };
	for (size_t i = 0; i < G_N_ELEMENTS(pages); i++) {
		struct web_response *res = get(t, &b, pages[i], 200);
		const char *body = res->body->str;
		const char *payloads[] = {
			"&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt;",
			"&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; Jane Smith",
			i == 1 ? "&lt;img src=x onerror=alert(&#39;file&#39;)&gt;.pdf" : NULL,
			i == 1 ? "&lt;script&gt;alert(&#39;html-escaped&#39;)&lt;/script&gt;" :
				 NULL,
			i == 1 ? "[hidden from readers] hidden words for the filter" : NULL,
			i == 1 ? "&lt;img src=x onerror=alert(&#39;subject-img&#39;)&gt;" : NULL,
		};
		for (size_t k = 0; k < G_N_ELEMENTS(payloads); k++)
			if (payloads[k] != NULL && strstr(body, payloads[k]) == NULL)
				fail_msg("%s: want [%s] in:\n%s", pages[i], payloads[k], body);
		static const char *const never[] = { "<script", "<img", "onerror=\"", "<form "
						     "action=\"https", "javascript:", "<iframe",
						     "<style", "tracker.example" };
		for (size_t k = 0; k < G_N_ELEMENTS(never); k++)
			if (strstr(body, never[k]) != NULL)
				fail_msg("%s: [%s] on the page:\n%s", pages[i], never[k], body);
		web_response_done(res);
	}
	browser_clear(&b);
}

/* Only the pages: no path, encoded or not, reaches a file or anything
   else; signed in or not. */
static void test_paths(void **state)
{
	struct webtest *t = *state;
	struct browser in = { 0 }, out = { 0 };
	static const char *const paths[] = {
		"/../etc/passwd", "/held/../../etc/passwd", "/style.css/../../etc/passwd",
		"/held/" ASHCOMBE_ID "/../../etc/passwd", "/held/..%2f..%2fetc%2fpasswd",
		"/held/A1B2C3D4E5/", "/held//A1B2C3D4E5", "/HELD", "/held/A1B2C3D4E5.eml",
		"/etc/passwd", "/held/%00", "/held/A1B2C3D4E5\n", "//held", "/signin/../held",
		"/held/" ASHCOMBE_ID "/release/x",
	};

	sign_in(t, &in, "tom");
	for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
		struct browser *bs[] = { &in, &out };
		for (size_t k = 0; k < 2; k++) {
			struct web_response *res = web_send(t, bs[k], "GET", paths[i], NULL);
			if (res->status != 404 || strstr(res->body->str, "root:") != NULL)
				fail_msg("%s (%s): got %u", paths[i], k == 0 ? "signed in" :
					 "signed out", res->status);
			web_response_done(res);
		}
	}
	struct web_response *res = web_send(t, &in, "DELETE", "/held/" ASHCOMBE_ID, NULL);
	assert_int_equal(res->status, 405);
	web_response_done(res);
	res = web_send(t, &in, "GET", "/style.css", NULL);
	assert_true(res->cacheable && strstr(res->content_type, "text/css") != NULL);
	web_response_done(res);
	browser_clear(&in);
}

/* Release: a form, a confirmation with the verdict, then done and said;
   return: the note is required. The journal has each. */
static void test_actions(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };

	sign_in(t, &b, "deputy");
	struct web_response *res = get(t, &b, "/held/" ASHCOMBE_ID, 200);
	char *token = form_token(res->body->str);
	assert_non_null(strstr(res->body->str, "action=\"/held/" ASHCOMBE_ID "/release\""));
	assert_non_null(strstr(res->body->str, "value=\"no-breach\" required"));
	assert_non_null(strstr(res->body->str, "<label for=\"return-note\">"));
	web_response_done(res);

	/* No verdict: asked again, nothing done. */
	res = web_send(t, &b, "POST", "/held/" ASHCOMBE_ID "/release", "csrf", token, "confirm",
		       "yes", NULL);
	assert_int_equal(res->status, 400);
	assert_non_null(strstr(res->body->str, "Choose your verdict"));
	web_response_done(res);
	/* A return without a note: asked for one. */
	res = web_send(t, &b, "POST", "/held/" ASHCOMBE_ID "/return", "csrf", token, "verdict",
		       "breach", "note", "  \n ", "confirm", "yes", NULL);
	assert_int_equal(res->status, 400);
	assert_non_null(strstr(res->body->str, "Write a note for the author"));
	web_response_done(res);
	/* The confirmation: what will happen, and the verdict in words. */
	res = web_send(t, &b, "POST", "/held/" BRAMLEY_ID "/release", "csrf", token, "verdict",
		       "breach-allowed", "note", "Agreed <b>by</b> the chair", NULL);
	assert_int_equal(res->status, 200);
	assert_non_null(strstr(res->body->str, "Release this message?"));
	assert_non_null(strstr(res->body->str, "A breach, but allowed"));
	assert_non_null(strstr(res->body->str, "value=\"Agreed &lt;b&gt;by&lt;/b&gt; the chair\""));
	assert_non_null(strstr(res->body->str, "name=\"confirm\" value=\"yes\""));
	web_response_done(res);
	assert_string_equal(t->fake->calls->str, "");
	/* Confirmed. */
	res = web_send(t, &b, "POST", "/held/" BRAMLEY_ID "/release", "csrf", token, "verdict",
		       "breach-allowed", "note", "Agreed by the chair", "confirm", "yes", NULL);
	assert_int_equal(res->status, 303);
	assert_string_equal(res->location, "/held");
	web_response_done(res);
	res = web_send(t, &b, "POST", "/held/" ASHCOMBE_ID "/return", "csrf", token, "verdict",
		       "breach", "note", "Please ask me to order it.", "confirm", "yes", NULL);
	assert_int_equal(res->status, 303);
	web_response_done(res);
	assert_string_equal(t->fake->calls->str,
			    "release " BRAMLEY_ID "\nremove " ASHCOMBE_ID "\n");
	res = get(t, &b, "/held", 200);
	assert_non_null(strstr(res->body->str, "Returned " ASHCOMBE_ID " to its author"));
	assert_non_null(strstr(res->body->str, "cllr.smith@ashcombe-pc.gov.uk has been sent"));
	assert_non_null(strstr(res->body->str, "Nothing is held for you to review"));
	web_response_done(res);
	res = get(t, &b, "/held", 200);		/* said once */
	assert_null(strstr(res->body->str, "Returned "));
	web_response_done(res);
	char *got = journal_events(t, "review");
	assert_string_equal(got, "show deputy\nrelease deputy\ndelete deputy\n");
	g_free(got);
	res = get(t, &b, "/decisions", 200);
	assert_non_null(strstr(res->body->str, "A breach, but allowed"));
	assert_non_null(strstr(res->body->str, "Returned to its author"));
	assert_non_null(strstr(res->body->str, "Bench repairs &lt;script&gt;"));
	assert_null(strstr(res->body->str, "<script"));
	web_response_done(res);
	g_free(token);
	browser_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_text),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return failed;
}
