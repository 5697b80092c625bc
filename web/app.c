/*
 * council-review-web: the routes, signing in and out, sessions and CSRF,
 * and the actions (see web.h). A link only ever opens a page; anything that
 * changes something is a POST with the session's CSRF token, from a signed-in
 * reviewer, after a confirmation.
 */
#include "web/web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/util.h"

void web_response_init(struct web_response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
	res->body = g_string_new(NULL);
	res->cookies = g_ptr_array_new_with_free_func(g_free);
}

void web_response_clear(struct web_response *res)
{
	if (res->body != NULL)
		g_string_free(res->body, TRUE);
	if (res->cookies != NULL)
		g_ptr_array_unref(res->cookies);
	g_free(res->location);
	memset(res, 0, sizeof(*res));
}

/* Nothing may run, load or frame: the pages need no script, image or
   font, only their own stylesheet, and forms only go home. */
#define CSP "default-src 'none'; style-src 'self'; img-src 'none'; form-action 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'"

void web_response_headers(const struct web_response *res,
			  void (*add)(void *ctx, const char *name, const char *value), void *ctx)
{
	add(ctx, "Content-Type", res->content_type != NULL ? res->content_type :
	    "text/html; charset=utf-8");
	if (res->location != NULL)
		add(ctx, "Location", res->location);
	for (guint i = 0; i < res->cookies->len; i++)
		add(ctx, "Set-Cookie", res->cookies->pdata[i]);
	add(ctx, "Cache-Control", res->cacheable ? "max-age=3600" : "no-store");
	add(ctx, "Content-Security-Policy", CSP);
	add(ctx, "X-Content-Type-Options", "nosniff");
	add(ctx, "X-Frame-Options", "DENY");
	add(ctx, "Referrer-Policy", "no-referrer");
	add(ctx, "Cross-Origin-Opener-Policy", "same-origin");
	add(ctx, "Cross-Origin-Resource-Policy", "same-origin");
	if (res->https)
		add(ctx, "Strict-Transport-Security", "max-age=31536000");
}

void web_log(struct web_app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *visible = util_text_visible(line, -1);
	if (app->log != NULL)
		app->log(visible);
	else
		fprintf(stderr, "council-review-web: %s\n", visible);
	g_free(visible);
	g_free(line);
}

/* The path of review_url: the prefix the reverse proxy takes off, which
   every link and cookie must put back. */
static char *base_of(const char *url)
{
	const char *p = url != NULL ? strstr(url, "://") : NULL;

	if (p == NULL || (p = strchr(p + 3, '/')) == NULL)
		return g_strdup("");
	return g_strdup(p);
}

struct web_app *web_app_new(struct conf *conf, struct web_backend *backend)
{
	struct web_app *app = g_new0(struct web_app, 1);
	const struct conf_web *w = &conf->daemon.web;

	app->conf = conf_ref(conf);
	app->backend = backend;
	app->sessions = web_sessions_new((time_t)w->session_idle_minutes * 60,
					 (time_t)w->session_hours * 3600);
	app->limits = web_limits_new(w->signin_failures_account, w->signin_failures_address,
				     (time_t)w->signin_lockout_minutes * 60);
	app->base = base_of(conf->daemon.review_url);
	return app;
}

void web_app_free(struct web_app **app_p)
{
	struct web_app *app = *app_p;

	if (app == NULL)
		return;
	app->backend->free(app->backend);
	web_sessions_free(&app->sessions);
	web_limits_free(&app->limits);
	reviewers_free(&app->reviewers);
	g_free(app->reviewers_error);
	g_free(app->base);
	conf_unref(&app->conf);
	g_free(app);
	*app_p = NULL;
}

/* ---- the reviewers file, read again when it changes ------------------------ */

static const struct reviewers *current_reviewers(struct web_app *app)
{
	const char *path = app->conf->daemon.web.reviewers, *error;
	struct stat st;
	bool got = stat(path, &st) == 0;

	if (got && app->seen_valid && st.st_dev == app->seen.dev && st.st_ino == app->seen.ino &&
	    st.st_mtim.tv_sec == app->seen.mtime && st.st_mtim.tv_nsec == app->seen.mtime_ns &&
	    st.st_size == app->seen.size)
		return app->reviewers;
	reviewers_free(&app->reviewers);
	g_clear_pointer(&app->reviewers_error, g_free);
	app->seen_valid = false;
	if (reviewers_load(path, &app->reviewers, &error) < 0) {
		app->reviewers_error = g_strdup(error);
		web_log(app, "error: %s: nobody can sign in until it is mended", error);
		return NULL;
	}
	if (got) {
		app->seen.dev = st.st_dev;
		app->seen.ino = st.st_ino;
		app->seen.mtime = st.st_mtim.tv_sec;
		app->seen.mtime_ns = st.st_mtim.tv_nsec;
		app->seen.size = st.st_size;
		app->seen_valid = true;
	}
	return app->reviewers;
}

/* ---- the browser: where it is, how it came --------------------------------- */

static bool loopback(const char *ip)
{
	return ip != NULL && (g_str_has_prefix(ip, "127.") || strcmp(ip, "::1") == 0 ||
			      g_str_has_prefix(ip, "::ffff:127."));
}

static bool proxied(const struct web_app *app, const struct web_request *req)
{
	return app->conf->daemon.web.trust_proxy && loopback(req->peer);
}

/* The browser's address: the proxy's word for it (the last address it
   added) when the proxy is trusted, else the connection's. */
static char *client_address(const struct web_app *app, const struct web_request *req)
{
	unsigned char buf[16];

	if (proxied(app, req) && req->forwarded_for != NULL) {
		const char *last = strrchr(req->forwarded_for, ',');
		char *ip = g_strstrip(g_strdup(last != NULL ? last + 1 : req->forwarded_for));
		if (inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1)
			return ip;
		g_free(ip);
	}
	return g_strdup(req->peer != NULL ? req->peer : "0.0.0.0");
}

static bool https(const struct web_app *app, const struct web_request *req)
{
	return req->tls || (proxied(app, req) && req->forwarded_proto != NULL &&
			    g_ascii_strcasecmp(req->forwarded_proto, "https") == 0);
}

static void set_cookie(struct web_app *app, struct web_response *res, const char *name,
		       const char *value, const char *path, const char *max_age)
{
	g_ptr_array_add(res->cookies, g_strdup_printf("%s=%s; Path=%s%s%s%s; HttpOnly; "
						      "SameSite=Strict%s", name, value,
						      app->base, path, max_age != NULL ?
						      "; Max-Age=" : "",
						      max_age != NULL ? max_age : "",
						      res->https ? "; Secure" : ""));
}

static void redirect(struct web_app *app, struct web_response *res, const char *path,
		     const char *next)
{
	res->status = 303;
	res->location = g_strdup_printf("%s%s%s%s", app->base, path, next != NULL ? "?next=" : "",
					next != NULL ? next : "");
}

/* ---- asking the helper ------------------------------------------------------ */

int web_ask(struct web_app *app, struct channel_request *req, JsonObject **answer_r,
	    const char **failure_r, const char **error_r)
{
	JsonObject *answer = NULL;

	*failure_r = CHANNEL_FAILURE_FAILED;
	if (app->backend->call(app->backend, req, &answer, error_r) < 0) {
		web_log(app, "error: %s", *error_r);
		return -1;
	}
	if (json_object_get_boolean_member_with_default(answer, "ok", FALSE)) {
		*answer_r = answer;
		return 0;
	}
	static const char *const known[] = { CHANNEL_FAILURE_NOT_FOUND, CHANNEL_FAILURE_REFUSED,
					     CHANNEL_FAILURE_FAILED };
	const char *failure = json_object_get_string_member_with_default(answer, "failure", "");
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
		if (strcmp(failure, known[i]) == 0)
			*failure_r = known[i];
	*error_r = util_error("%s", json_object_get_string_member_with_default(
		answer, "error", "the helper gave no reason"));
	json_object_unref(answer);
	return -1;
}

/* The journal's record of a session: its failure is logged, not shown. */
static void journal_event(struct web_app *app, const char *event, const char *name,
			  const char *address)
{
	char *typed = g_utf8_make_valid(name != NULL ? name : "", -1);
	struct channel_request req = { .op = CHANNEL_EVENT, .event = (char *)event,
				       .address = (char *)address };
	JsonObject *answer;
	const char *failure, *error;

	/* A name as typed, at most 64 bytes of it and none of its controls. */
	GString *clean = g_string_new(NULL);
	for (const char *p = typed; *p != '\0' && clean->len < 60; p = g_utf8_next_char(p))
		if ((unsigned char)*p >= 0x20 && *p != 0x7f)
			g_string_append_len(clean, p, g_utf8_next_char(p) - p);
	req.reviewer = clean->str;
	if (web_ask(app, &req, &answer, &failure, &error) == 0)
		json_object_unref(answer);
	else
		web_log(app, "error: the journal did not record %s by \"%s\" from %s: %s", event,
			clean->str, address, error);
	web_log(app, "%s: \"%s\" from %s", event, clean->str, address);
	g_string_free(clean, TRUE);
	g_free(typed);
}

/* ---- signing in and out ----------------------------------------------------- */

/* Where a sign-in goes on to: one of our pages, never anywhere else. */
static const char *next_page(const char *next)
{
	static const char *const pages[] = { "/held", "/decisions" };

	if (next == NULL)
		return "/held";
	for (size_t i = 0; i < G_N_ELEMENTS(pages); i++)
		if (strcmp(next, pages[i]) == 0)
			return next;
	if (g_str_has_prefix(next, "/held/") && strlen(next) <= 6 + 64 && next[6] != '\0') {
		for (const char *p = next + 6; *p != '\0'; p++)
			if (!g_ascii_isalnum(*p))
				return "/held";
		return next;
	}
	return "/held";
}

static void signin_form(struct web_app *app, struct web_response *res, unsigned status,
			const char *heading, const char *problem, const char *name,
			const char *next)
{
	char *cookie = web_signin_cookie_new(), *token = web_signin_token(cookie);
	GString *out = res->body;

	res->status = status;
	set_cookie(app, res, WEB_SIGNIN_COOKIE, cookie, "/signin", "3600");
	html_begin(out, app->base, "Sign in", NULL);
	g_string_append(out, heading != NULL ? heading :
			"<h1>Sign in to review held mail</h1>\n");
	if (problem != NULL)
		html_printf(out, "<div class=\"problem\" role=\"alert\"><h2>There is a problem</h2>"
			    "<p>%s</p></div>\n", problem);
	html_printf(out,
		    "<form method=\"post\" action=\"%s/signin\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		    "<input type=\"hidden\" name=\"next\" value=\"%s\">\n"
		    "<p><label for=\"name\">Your reviewer name</label>\n"
		    "<input type=\"text\" id=\"name\" name=\"name\" value=\"%s\" "
		    "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
		    "required></p>\n"
		    "<p><label for=\"password\">Password</label>\n"
		    "<input type=\"password\" id=\"password\" name=\"password\" "
		    "autocomplete=\"current-password\" required></p>\n"
		    "<p><button type=\"submit\">Sign in</button></p>\n</form>\n"
		    "<p class=\"muted\">Your mail administrator gives you your name and password "
		    "(council-review user add). After %u minutes without use you are signed out."
		    "</p>\n", app->base, token, next_page(next), name != NULL ? name : "",
		    app->conf->daemon.web.session_idle_minutes);
	html_end(out);
	g_free(cookie);
	g_free(token);
}

static const char *field(const struct web_request *req, const char *name)
{
	return req->form != NULL ? g_hash_table_lookup(req->form, name) : NULL;
}

static void signin(struct web_app *app, const struct web_request *req, struct web_response *res,
		   const char *address)
{
	const char *name = field(req, "name"), *password = field(req, "password");
	const char *next = field(req, "next");
	char *expected = req->signin_cookie != NULL ? web_signin_token(req->signin_cookie) : NULL;
	bool form_ok = web_equal(field(req, "csrf"), expected);
	time_t wait;

	g_free(expected);
	if (!form_ok) {
		signin_form(app, res, 403, NULL, "The sign-in form had expired or did not come "
			    "from this page. Please sign in again.", NULL, next);
		return;
	}
	if (name == NULL || password == NULL || *name == '\0' || *password == '\0') {
		signin_form(app, res, 200, NULL, "Enter your reviewer name and your password.",
			    name, next);
		return;
	}
	/* Counted by the name as typed, but never more of it than a name can
	   be: a name is 64 bytes at most. */
	char *account = g_strndup(name, 64);
	bool blocked = web_limits_blocked(app->limits, account, address, req->now, &wait);
	g_free(account);
	if (blocked) {
		long minutes = (long)(wait + 59) / 60;
		char *text = g_strdup_printf("Too many attempts to sign in have failed. Please "
					     "wait %ld minute%s and try again.", minutes,
					     minutes == 1 ? "" : "s");
		journal_event(app, "signin-refused", name, address);
		signin_form(app, res, 429, NULL, text, name, next);
		g_free(text);
		return;
	}
	const struct reviewers *rs = current_reviewers(app);
	const struct reviewer *r = rs != NULL && reviewers_name_valid(name) ?
		reviewers_find(rs, name) : NULL;
	if (!reviewer_verify(r, password)) {
		account = g_strndup(name, 64);
		web_limits_failed(app->limits, account, r != NULL, address, req->now);
		g_free(account);
		journal_event(app, "signin-failed", name, address);
		signin_form(app, res, 200, NULL, rs == NULL ? "Signing in is not possible at the "
			    "moment: the list of reviewers cannot be read. Please tell your mail "
			    "administrator." : "That name and password do not match. Check them "
			    "and try again.", name, next);
		return;
	}
	web_limits_succeeded(app->limits, name);
	char *token;
	web_session_new(app->sessions, r->name, r->hash, req->now, &token);
	set_cookie(app, res, WEB_COOKIE, token, "/", NULL);
	set_cookie(app, res, WEB_SIGNIN_COOKIE, "", "/signin", "0");
	g_free(token);
	journal_event(app, "signin", r->name, address);
	redirect(app, res, next_page(next), NULL);
}

/* The session REQ's cookie names, if it is live and its reviewer still is
   one, with the same password. */
static struct web_session *session_of(struct web_app *app, const struct web_request *req)
{
	struct web_session *s = web_session_find(app->sessions, req->cookie, req->now);

	if (s == NULL)
		return NULL;
	const struct reviewers *rs = current_reviewers(app);
	const struct reviewer *r = rs != NULL ? reviewers_find(rs, s->reviewer) : NULL;
	if (r == NULL || !web_equal(r->hash, s->hash)) {
		web_log(app, "ended %s's session: %s", s->reviewer, r == NULL ?
			"no longer a reviewer" : "the password was changed");
		web_session_end(app->sessions, s);
		return NULL;
	}
	return s;
}

/* ---- the actions -------------------------------------------------------------- */

static bool verdict_known(const char *v)
{
	return v != NULL && (strcmp(v, "breach") == 0 || strcmp(v, "breach-allowed") == 0 ||
			     strcmp(v, "no-breach") == 0);
}

static void act(struct web_app *app, struct web_session *s, const struct web_request *req,
		const char *id, bool release, struct web_response *res)
{
	const char *verdict = field(req, "verdict"), *confirm = field(req, "confirm");
	char *note = channel_note_clean(field(req, "note") != NULL ? field(req, "note") : "");
	const char *problem = NULL;

	if (!verdict_known(verdict))
		problem = "Choose your verdict on the hold.";
	else if (!release && *note == '\0')
		problem = "Write a note for the author: why it was returned, and how to send it "
			  "properly.";
	else if (g_utf8_strlen(note, -1) > CHANNEL_NOTE_MAX)
		problem = "The note is too long: at most 2000 characters.";
	if (problem != NULL || g_strcmp0(confirm, "yes") != 0) {
		page_confirm(app, s, id, release, verdict_known(verdict) ? verdict : NULL, note,
			     problem, res);
		g_free(note);
		return;
	}
	struct channel_request rq = {
		.op = release ? CHANNEL_RELEASE : CHANNEL_RETURN, .reviewer = s->reviewer,
		.id = (char *)id, .verdict = (char *)verdict,
		.note = *note != '\0' ? note : NULL,
	};
	JsonObject *answer;
	const char *failure, *error;
	if (web_ask(app, &rq, &answer, &failure, &error) < 0) {
		if (strcmp(failure, CHANNEL_FAILURE_NOT_FOUND) == 0)
			page_say(app, s, 404, "Not found", WEB_NOT_FOUND, res);
		else
			page_say(app, s, 502, "Nothing was done", error, res);
		g_free(note);
		return;
	}
	const char *notified = json_object_get_string_member_with_default(answer, "notified",
									   NULL);
	const char *warning = json_object_get_string_member_with_default(answer, "warning", NULL);
	g_free(s->flash);
	if (release)
		s->flash = g_strdup_printf("Released %s: it is on its way to its recipients, with "
					   "its notices.%s%s", id, warning != NULL ? " " : "",
					   warning != NULL ? warning : "");
	else
		s->flash = g_strdup_printf("Returned %s to its author: it will not be delivered. "
					   "%s%s%s", id, notified != NULL ? "Its author " :
					   "Its author could not be told",
					   notified != NULL ? notified : "",
					   notified != NULL ? " has been sent your note." : ".");
	web_log(app, "%s %s %s (%s)", s->reviewer, release ? "released" : "returned", id, verdict);
	json_object_unref(answer);
	g_free(note);
	redirect(app, res, "/held", NULL);
}

/* ---- routes ---------------------------------------------------------------------- */

/* ID from "/held/ID" + TAIL ("" or "/release"): letters and digits. */
static bool held_path(const char *path, const char *tail, char id_r[65])
{
	if (!g_str_has_prefix(path, "/held/"))
		return false;
	const char *id = path + 6;
	size_t n = strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
	if (n == 0 || n > 64 || strcmp(id + n, tail) != 0)
		return false;
	memcpy(id_r, id, n);
	id_r[n] = '\0';
	return true;
}

void web_handle(struct web_app *app, const struct web_request *req, struct web_response *res)
{
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	bool post = strcmp(req->method, "POST") == 0;
	char *address = client_address(app, req);
	char id[65];

	web_response_init(res);
	res->https = https(app, req);
	if (strcmp(req->path, "/style.css") == 0 && get) {
		res->content_type = "text/css; charset=utf-8";
		res->cacheable = true;
		g_string_append(res->body, html_stylesheet);
		goto out;
	}
	if (!get && !post) {
		page_say(app, NULL, 405, "Not allowed", "This page is read with GET and its forms "
			 "are sent with POST.", res);
		goto out;
	}
	if (post && req->form_bad) {
		page_say(app, NULL, 400, "Not a form", "What was sent is not one of this page's "
			 "forms.", res);
		goto out;
	}
	if (strcmp(req->path, "/") == 0) {
		redirect(app, res, "/held", NULL);
		goto out;
	}
	if (strcmp(req->path, "/signin") == 0) {
		if (get)
			signin_form(app, res, 200, NULL, NULL, NULL, req->next);
		else
			signin(app, req, res, address);
		goto out;
	}
	struct web_session *s = session_of(app, req);
	bool known = strcmp(req->path, "/held") == 0 || strcmp(req->path, "/decisions") == 0 ||
		strcmp(req->path, "/signout") == 0 || held_path(req->path, "", id) ||
		held_path(req->path, "/release", id) || held_path(req->path, "/return", id);
	if (!known) {
		page_say(app, s, 404, "Not found", "There is no such page.", res);
		goto out;
	}
	if (s == NULL) {
		/* Never act, and never show, without a session; a page asked
		   for is where signing in leads. */
		redirect(app, res, "/signin", get && next_page(req->path) == req->path ?
			 req->path : NULL);
		goto out;
	}
	if (post && !web_equal(field(req, "csrf"), s->csrf)) {
		web_log(app, "refused a form without the session's token: %s %s by %s from %s",
			req->method, req->path, s->reviewer, address);
		page_say(app, s, 403, "This form cannot be used", "The form did not come from this "
			 "page, or it is out of date. Nothing was done. Go back, reload the page "
			 "and try again.", res);
		goto out;
	}
	if (strcmp(req->path, "/signout") == 0 && post) {
		char *name = g_strdup(s->reviewer);
		web_session_end(app->sessions, s);
		set_cookie(app, res, WEB_COOKIE, "", "/", "0");
		journal_event(app, "signout", name, address);
		g_free(name);
		signin_form(app, res, 200, "<h1>You have signed out</h1>\n<p class=\"lead\">Sign "
			    "in again to review held mail.</p>\n", NULL, NULL, NULL);
	} else if (strcmp(req->path, "/held") == 0 && get) {
		page_held(app, s, res);
		g_clear_pointer(&s->flash, g_free);	/* said once */
	} else if (strcmp(req->path, "/decisions") == 0 && get) {
		page_decisions(app, s, res);
		g_clear_pointer(&s->flash, g_free);
	} else if (held_path(req->path, "", id) && get) {
		page_message(app, s, id, res);
		g_clear_pointer(&s->flash, g_free);
	} else if (held_path(req->path, "/release", id) && post) {
		act(app, s, req, id, true, res);
	} else if (held_path(req->path, "/return", id) && post) {
		act(app, s, req, id, false, res);
	} else {
		page_say(app, s, 405, "Not allowed", "This page is read with GET and its forms "
			 "are sent with POST.", res);
	}
out:
	g_free(address);
}
