/* The web page's doors: signing in (its own CSRF token), the sign-in
   limits, sessions (fixation, idle and total lifetime, a new password, the
   cookie's attributes), signing out, and the CSRF token of every POST. */
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

static void expect_redirect(struct web_response *res, const char *what, const char *location)
{
	if (res->status != 303 || g_strcmp0(res->location, location) != 0)
		fail_msg("%s: got %u to %s, want 303 to %s", what, res->status, res->location,
			 location);
	web_response_done(res);
}

/* The session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS only;
   the sign-in journalled with the address; GET pages before and after. */
static void test_signin(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };

	expect_redirect(web_send(t, &b, "GET", "/held", NULL), "/held signed out",
			"/signin?next=/held");
	expect_redirect(web_send(t, &b, "GET", "/", NULL), "/", "/held");
	struct web_response *res = web_send(t, &b, "GET", "/signin?next=/held/" ASHCOMBE_ID, NULL);
	char *token = form_token(res->body->str);
	assert_non_null(token);
	assert_non_null(strstr(res->body->str, "value=\"/held/" ASHCOMBE_ID "\""));
	assert_non_null(strstr(res->body->str, "<label for=\"password\">"));
	web_response_done(res);
	res = web_send(t, &b, "POST", "/signin", "csrf", token, "name", "tom", "password",
		       PASSWORD, "next", "/held/" ASHCOMBE_ID, NULL);
	const char *cookie = cookie_line(res, WEB_COOKIE);
	if (cookie == NULL || strstr(cookie, "; HttpOnly") == NULL ||
	    strstr(cookie, "; SameSite=Strict") == NULL || strstr(cookie, "Secure") != NULL ||
	    strstr(cookie, "Path=/;") == NULL)
		fail_msg("session cookie: got [%s]", cookie);
	expect_redirect(res, "signing in", "/held/" ASHCOMBE_ID);
	res = web_send(t, &b, "GET", "/held", NULL);
	assert_int_equal(res->status, 200);
	assert_non_null(strstr(res->body->str, "Signed in as <strong>tom</strong>"));
	web_response_done(res);
	char *got = journal_events(t, "web");
	assert_string_equal(got, "signin tom\n");
	g_free(got);
	assert_non_null(strstr(t->log->str, "signin: \"tom\" from 127.0.0.1"));

	/* Somewhere else after signing in? Only our own pages. */
	browser_clear(&b);
	res = web_send(t, &b, "GET", "/signin", NULL);
	g_free(token);
	token = form_token(res->body->str);
	web_response_done(res);
	expect_redirect(web_send(t, &b, "POST", "/signin", "csrf", token, "name", "tom",
				 "password", PASSWORD, "next", "https://evil.example/x", NULL),
			"next elsewhere", "/held");
	g_free(token);
	browser_clear(&b);
}

/* HTTPS: our own TLS, or the proxy's word from this host only. */
static void test_secure(void **state)
{
	struct webtest *t = *state;
	struct browser direct = { .forwarded_proto = "https", .peer = "192.0.2.7" };
	struct browser proxied = { .forwarded_proto = "https", .forwarded_for = "198.51.100.4" };
	struct web_response *res;

	res = web_send(t, &direct, "GET", "/signin", NULL);
	assert_null(strstr(cookie_line(res, WEB_SIGNIN_COOKIE), "Secure"));
	web_response_done(res);
	res = web_send(t, &proxied, "GET", "/signin", NULL);
	assert_non_null(strstr(cookie_line(res, WEB_SIGNIN_COOKIE), "; Secure"));
	web_response_done(res);
	sign_in(t, &proxied, "rita");
	res = web_send(t, &proxied, "GET", "/held", NULL);
	/* Headers: nothing may run, frame, sniff or be kept. */
	assert_int_equal(res->status, 200);
	browser_clear(&direct);
	browser_clear(&proxied);
	web_response_done(res);
	/* The journal has the browser's address, as the proxy gave it. */
	char *text = NULL;
	g_file_get_contents(t->journal, &text, NULL, NULL);
	assert_non_null(strstr(text, "\"address\":\"198.51.100.4\""));
	g_free(text);
}

static void add_header(void *ctx, const char *name, const char *value)
{
	g_string_append_printf(ctx, "%s: %s\n", name, value);
}

static void test_headers(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };
	struct web_response *res = web_send(t, &b, "GET", "/signin", NULL);
	GString *h = g_string_new(NULL);

	web_response_headers(res, add_header, h);
	static const char *const want[] = {
		"Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'none'; "
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'\n",
		"X-Content-Type-Options: nosniff\n", "X-Frame-Options: DENY\n",
		"Cache-Control: no-store\n", "Referrer-Policy: no-referrer\n",
		"Content-Type: text/html; charset=utf-8\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		if (strstr(h->str, want[i]) == NULL)
			fail_msg("want %s in:\n%s", want[i], h->str);
	assert_null(strstr(h->str, "Strict-Transport-Security"));
	assert_null(strstr(res->body->str, "<script"));
	g_string_free(h, TRUE);
	web_response_done(res);
	browser_clear(&b);
}

/* The sign-in form's own token: without it, or another's, nobody signs in. */
static void test_signin_csrf(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 }, other = { 0 };
	struct web_response *res = web_send(t, &other, "GET", "/signin", NULL);
	char *theirs = form_token(res->body->str);

	web_response_done(res);
	web_response_done(web_send(t, &b, "GET", "/signin", NULL));
	static const char *const tokens[] = { NULL, "", "x" };
	for (size_t i = 0; i < 4; i++) {
		const char *token = i < 3 ? tokens[i] : theirs;
		res = token != NULL ?
			web_send(t, &b, "POST", "/signin", "csrf", token, "name", "tom", "password",
				 PASSWORD, NULL) :
			web_send(t, &b, "POST", "/signin", "name", "tom", "password", PASSWORD,
				 NULL);
		if (res->status != 403 || cookie_line(res, WEB_COOKIE) != NULL)
			fail_msg("token %zu: got %u", i, res->status);
		web_response_done(res);
	}
	assert_null(b.session);
	g_free(theirs);
	browser_clear(&b);
	browser_clear(&other);
}

/* Sign in as NAME with PASSWORD, on the form whose token is *TOKEN, which
   becomes the token of the form the answer shows (if any). */
static struct web_response *try_signin(struct webtest *t, struct browser *b, char **token,
				       const char *name, const char *password)
{
	struct web_response *res = web_send(t, b, "POST", "/signin", "csrf", *token, "name",
					    name, "password", password, NULL);
	char *fresh = form_token(res->body->str);

	if (fresh != NULL) {
		g_free(*token);
		*token = fresh;
	}
	return res;
}

/* Wrong passwords: the same words for a wrong name; after
   signin_failures_account (5) the account waits, even with the right
   password; after signin_failures_address (20) the address does; each
   in the journal; the window ends. */
static void test_limits(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };
	struct web_response *res = web_send(t, &b, "GET", "/signin", NULL);
	char *token = form_token(res->body->str);

	web_response_done(res);
	for (int i = 0; i < 5; i++) {
		res = try_signin(t, &b, &token, i == 0 ? "nobody" : "tom", "wrong password");
		if (res->status != 200 || strstr(res->body->str, "That name and password do not "
						 "match") == NULL || b.session != NULL)
			fail_msg("wrong %d: got %u", i, res->status);
		web_response_done(res);
	}
	web_response_done(try_signin(t, &b, &token, "tom", "wrong again"));
	res = try_signin(t, &b, &token, "tom", PASSWORD);
	if (res->status != 429 || strstr(res->body->str, "Please wait 15 minutes") == NULL ||
	    b.session != NULL)
		fail_msg("the sixth, right: got %u:\n%s", res->status, res->body->str);
	web_response_done(res);
	char *got = journal_events(t, "web");
	assert_string_equal(got, "signin-failed nobody\nsignin-failed tom\nsignin-failed tom\n"
			    "signin-failed tom\nsignin-failed tom\nsignin-failed tom\n"
			    "signin-refused tom\n");
	g_free(got);
	/* Another account from the same address still may: 6 failures so far. */
	sign_in(t, &b, "rita");
	browser_clear(&b);
	res = web_send(t, &b, "GET", "/signin", NULL);
	g_free(token);
	token = form_token(res->body->str);
	web_response_done(res);
	for (int i = 0; i < 14; i++) {
		char *name = g_strdup_printf("guess%d", i);
		web_response_done(try_signin(t, &b, &token, name, "x-x-x-x-x-x"));
		g_free(name);
	}
	res = try_signin(t, &b, &token, "deputy", PASSWORD);
	assert_int_equal(res->status, 429);
	web_response_done(res);
	/* From elsewhere (through the proxy), deputy may. */
	struct browser away = { .forwarded_for = "203.0.113.9" };
	sign_in(t, &away, "deputy");
	browser_clear(&away);
	/* Fifteen minutes on, tom may again. */
	t->now += 15 * 60;
	sign_in(t, &b, "tom");
	browser_clear(&b);
	g_free(token);
}

/* A name as typed is remembered by its first 64 bytes, a name's most: a
   long one costs no more memory, and cannot dodge the limit. */
static void test_long_name(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };
	struct web_response *res = web_send(t, &b, "GET", "/signin", NULL);
	char *token = form_token(res->body->str);
	char *longer = g_strnfill(5000, 'x'), *other = g_strnfill(65, 'x');

	web_response_done(res);
	other[64] = 'y';
	for (int i = 0; i < 5; i++)
		web_response_done(try_signin(t, &b, &token, longer, "wrong password"));
	res = try_signin(t, &b, &token, other, "wrong password");
	assert_int_equal(res->status, 429);
	web_response_done(res);
	g_free(longer);
	g_free(other);
	g_free(token);
	browser_clear(&b);
}

/* A session token the server did not make is never adopted: signing in
   while presenting one gets a new one, and the planted one stays useless.
   A sign-in form token planted from another browser is refused. */
static void test_fixation(void **state)
{
	struct webtest *t = *state;
	struct browser attacker = { 0 }, victim = { 0 };

	sign_in(t, &attacker, "rita");
	char *planted = g_strdup("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	victim.session = g_strdup(planted);
	expect_redirect(web_send(t, &victim, "GET", "/held", NULL), "a planted token",
			"/signin?next=/held");
	sign_in(t, &victim, "tom");
	assert_string_not_equal(victim.session, planted);
	assert_string_not_equal(victim.session, attacker.session);
	struct browser other = { .session = planted };
	expect_redirect(web_send(t, &other, "GET", "/held", NULL), "the planted token after",
			"/signin?next=/held");
	struct web_response *res = web_send(t, &victim, "GET", "/held", NULL);
	assert_non_null(strstr(res->body->str, "Signed in as <strong>tom</strong>"));
	web_response_done(res);
	browser_clear(&attacker);
	browser_clear(&victim);
	browser_clear(&other);
}

/* Signing out ends the session on the server: the cookie, kept by
   someone, opens nothing after; signing out needs the token too. */
static void test_signout(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };

	sign_in(t, &b, "tom");
	char *kept = g_strdup(b.session);
	struct web_response *res = web_send(t, &b, "GET", "/held", NULL);
	char *token = form_token(res->body->str);
	web_response_done(res);
	res = web_send(t, &b, "POST", "/signout", NULL);
	assert_int_equal(res->status, 403);
	web_response_done(res);
	res = web_send(t, &b, "POST", "/signout", "csrf", token, NULL);
	assert_int_equal(res->status, 200);
	assert_non_null(strstr(res->body->str, "You have signed out"));
	assert_non_null(strstr(cookie_line(res, WEB_COOKIE), "Max-Age=0"));
	web_response_done(res);
	struct browser thief = { .session = kept };
	expect_redirect(web_send(t, &thief, "GET", "/held/" ASHCOMBE_ID, NULL),
			"the cookie after signing out", "/signin?next=/held/" ASHCOMBE_ID);
	res = web_send(t, &thief, "POST", "/held/" ASHCOMBE_ID "/release", "csrf", token,
		       "verdict", "breach", "confirm", "yes", NULL);
	assert_int_equal(res->status, 303);
	web_response_done(res);
	assert_string_equal(t->fake->calls->str, "");
	char *got = journal_events(t, "web");
	assert_string_equal(got, "signin tom\nsignout tom\n");
	g_free(got);
	g_free(token);
	browser_clear(&b);
	browser_clear(&thief);
}

/* Idle for session_idle (30 minutes), or older than session_lifetime (12
   hours) however busy: ended. A new password, or removal, ends it too. */
static void test_expiry(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };
	struct web_response *res;

	sign_in(t, &b, "tom");
	t->now += 29 * 60;
	res = web_send(t, &b, "GET", "/held", NULL);
	assert_int_equal(res->status, 200);
	web_response_done(res);
	t->now += 30 * 60;
	expect_redirect(web_send(t, &b, "GET", "/held", NULL), "idle", "/signin?next=/held");

	sign_in(t, &b, "tom");
	for (int i = 0; i < 25; i++) {
		t->now += 29 * 60;
		res = web_send(t, &b, "GET", "/decisions", NULL);
		if (i < 24 && res->status != 200)
			fail_msg("busy, step %d: got %u", i, res->status);
		if (i == 24 && res->status != 303)
			fail_msg("after 12 hours: got %u", res->status);
		web_response_done(res);
	}

	sign_in(t, &b, "tom");
	struct reviewers *rs;
	const char *error;
	const char *path = t->helper.conf->daemon.web.reviewers;
	assert_int_equal(reviewers_load(path, &rs, &error), 0);
	assert_int_equal(reviewers_set_password(rs, "tom", "another fine password", &error), 0);
	assert_int_equal(reviewers_save(rs, path, 0, &error), 0);
	reviewers_free(&rs);
	expect_redirect(web_send(t, &b, "GET", "/held", NULL), "a new password",
			"/signin?next=/held");
	assert_non_null(strstr(t->log->str, "the password was changed"));
	browser_clear(&b);
}

/* Every POST needs the session's token: without it or with another's,
   nothing is done. */
static void test_csrf(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 }, other = { 0 };

	sign_in(t, &b, "deputy");
	sign_in(t, &other, "deputy");
	struct web_response *res = web_send(t, &other, "GET", "/held", NULL);
	char *theirs = form_token(res->body->str);
	web_response_done(res);
	res = web_send(t, &b, "POST", "/held/" ASHCOMBE_ID "/release", "verdict", "breach",
		       "confirm", "yes", NULL);
	assert_int_equal(res->status, 403);
	web_response_done(res);
	res = web_send(t, &b, "POST", "/held/" BRAMLEY_ID "/return", "csrf", theirs,
		       "verdict", "breach", "note", "No.", "confirm", "yes", NULL);
	assert_int_equal(res->status, 403);
	assert_non_null(strstr(res->body->str, "Nothing was done"));
	web_response_done(res);
	assert_string_equal(t->fake->calls->str, "");
	assert_non_null(strstr(t->log->str, "refused a form without the session's token"));
	g_free(theirs);
	browser_clear(&b);
	browser_clear(&other);
}

/* Behind a proxy at a path (review_url's): every link, form, redirect and
   cookie carries it. */
static void test_base(void **state)
{
	struct webtest *t = *state;
	struct browser b = { 0 };

	g_free(t->app->base);
	t->app->base = g_strdup("/review");
	struct web_response *res = web_send(t, &b, "GET", "/signin", NULL);
	char *token = form_token(res->body->str);
	assert_non_null(strstr(res->body->str, "action=\"/review/signin\""));
	assert_non_null(strstr(res->body->str, "href=\"/review/style.css\""));
	assert_non_null(strstr(cookie_line(res, WEB_SIGNIN_COOKIE), "Path=/review/signin;"));
	web_response_done(res);
	res = web_send(t, &b, "POST", "/signin", "csrf", token, "name", "tom", "password",
		       PASSWORD, NULL);
	assert_non_null(strstr(cookie_line(res, WEB_COOKIE), "Path=/review/;"));
	expect_redirect(res, "signing in under /review", "/review/held");
	res = web_send(t, &b, "GET", "/held", NULL);
	assert_non_null(strstr(res->body->str, "href=\"/review/held/" ASHCOMBE_ID "\""));
	web_response_done(res);
	g_free(token);
	browser_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_signin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signin_csrf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base, setup, teardown),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return failed;
}
