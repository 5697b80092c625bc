#ifndef COUNCIL_WEB_H
#define COUNCIL_WEB_H

/*
 * council-review-web: the Clerk's web page, a front end of the hold library
 * that never touches the mail queue itself. It runs as its own unprivileged
 * user; whatever needs root (list, show, release, return, the journal) it
 * asks council-review-helper through reviewers/channel.h, for the reviewer
 * signed in.
 *
 * The program in layers, each testable without the next:
 *   server.c   libmicrohttpd: a request in, a response out (main.c starts it)
 *   app.c      routes, signing in and out, sessions, CSRF, the actions
 *   pages.c    the pages: the held list, one message, confirmations, decisions
 *   html.c     the one function that puts text into HTML, and the frame
 *   session.c  sessions, sign-in tokens and sign-in limits, on a given clock
 *   backend.c  the helper over its socket (tests put a fake in its place)
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "conf/conf.h"
#include "reviewers/channel.h"
#include "reviewers/reviewers.h"

#define WEB_COOKIE "council_session"
#define WEB_SIGNIN_COOKIE "council_signin"
#define WEB_FORM_MAX 65536		/* bytes of one POST body */
#define WEB_SESSIONS_MAX 10000
#define WEB_LIMIT_KEYS_MAX 100000	/* accounts and addresses remembered */
/* Another council's message, one not held, one gone: the same words. */
#define WEB_NOT_FOUND "No such message is held for your councils. Somebody may have " \
	"released or returned it already."

/* ---- a request and its response (server.c <-> app.c) ---------------------- */

struct web_request {
	const char *method;		/* "GET", "HEAD", "POST", ... */
	const char *path;		/* decoded, without the query */
	const char *next;		/* the query's "next", or NULL */
	const char *cookie;		/* WEB_COOKIE's value, or NULL */
	const char *signin_cookie;	/* WEB_SIGNIN_COOKIE's value, or NULL */
	GHashTable *form;		/* POST fields (name -> value), or NULL */
	bool form_bad;			/* a body that is not a form, or too big */
	const char *peer;		/* the connection's IP address */
	const char *forwarded_for;	/* X-Forwarded-For, or NULL */
	const char *forwarded_proto;	/* X-Forwarded-Proto, or NULL */
	bool tls;			/* served over our own TLS */
	time_t now;
};

struct web_response {
	unsigned status;
	const char *content_type;	/* NULL: text/html; charset=utf-8 */
	GString *body;
	char *location;			/* a redirect's Location, or NULL */
	GPtrArray *cookies;		/* Set-Cookie values (char *) */
	bool cacheable;			/* the stylesheet; every page is no-store */
	bool https;			/* the browser came over HTTPS */
};

void web_response_init(struct web_response *res);
void web_response_clear(struct web_response *res);
/* Every header RES goes out with (ADD(CTX, name, value) for each): its
   type, where it redirects, its cookies, and those that keep a page from
   being cached, framed, sniffed or made to run or load anything. */
void web_response_headers(const struct web_response *res,
			  void (*add)(void *ctx, const char *name, const char *value), void *ctx);

/* ---- the helper, or a fake ------------------------------------------------- */

struct web_backend {
	/* REQUEST's answer (json_object_unref); -1 when there is none. */
	int (*call)(struct web_backend *backend, const struct channel_request *request,
		    JsonObject **answer_r, const char **error_r);
	void (*free)(struct web_backend *backend);
};

/* The helper at SOCKET_PATH. */
struct web_backend *web_backend_helper(const char *socket_path);

/* ---- sessions and sign-in limits (session.c) ------------------------------- */

struct web_session {
	char *reviewer;
	char *hash;			/* the reviewer's password hash at sign-in:
					   a new password ends the session */
	char csrf[44];			/* the token every form carries */
	char *flash;			/* what the next page says first, or NULL */
	time_t created, last_seen;
};

struct web_sessions;

struct web_sessions *web_sessions_new(time_t idle, time_t lifetime);
void web_sessions_free(struct web_sessions **sessions);
/* A new session for REVIEWER (HASH: their password hash), and its token
   for the cookie (g_free). At most WEB_SESSIONS_MAX: the oldest goes. */
struct web_session *web_session_new(struct web_sessions *sessions, const char *reviewer,
				    const char *hash, time_t now, char **token_r);
/* The live session TOKEN names, its clock started again; NULL for any
   other token (unknown, idle too long, too old: such a one is ended). */
struct web_session *web_session_find(struct web_sessions *sessions, const char *token,
				     time_t now);
void web_session_end(struct web_sessions *sessions, struct web_session *session);
size_t web_sessions_count(const struct web_sessions *sessions);

/* Equal strings, in a time that does not depend on where they differ. */
bool web_equal(const char *a, const char *b);

/* The sign-in form's token: a random value for its cookie (g_free), and
   the value the form carries with it, a MAC of it under a key made at start
   (g_free). No state is kept for somebody who has not signed in. */
char *web_signin_cookie_new(void);
char *web_signin_token(const char *cookie);

struct web_limits;

struct web_limits *web_limits_new(unsigned per_account, unsigned per_address, time_t window);
void web_limits_free(struct web_limits **limits);
/* Must ACCOUNT or ADDRESS wait? *WAIT_R: for how long. */
bool web_limits_blocked(struct web_limits *limits, const char *account, const char *address,
			time_t now, time_t *wait_r);
/* A failed sign-in; KNOWN: ACCOUNT is a reviewer (always remembered; other
   names only while there is room). */
void web_limits_failed(struct web_limits *limits, const char *account, bool known,
		       const char *address, time_t now);
void web_limits_succeeded(struct web_limits *limits, const char *account);

/* ---- HTML (html.c) ------------------------------------------------------------ */

/* THE function that puts text into HTML: TEXT (any bytes; NULL as "") made
   valid UTF-8, without hidden or control characters but line breaks and
   tabs, with & < > " ' escaped. Every value from a message, the journal, a
   reviewer or the helper enters a page through here, once. */
void html_text(GString *out, const char *text);

/* FMT with its arguments: each %s through html_text, %d %u %ld %lu %zu as
   numbers, %% a '%'. FMT itself is our own markup. */
void html_printf(GString *out, const char *fmt, ...);

/* The page's frame: the head, the site header (with the reviewer's name
   and the sign-out form when SESSION is signed in), <main>; and its end.
   BASE: the prefix of every path (review_url's path; "" for none). */
void html_begin(GString *out, const char *base, const char *title,
		const struct web_session *session);
void html_end(GString *out);

/* The stylesheet, our own (no CDN): readable on a phone, visible focus. */
extern const char html_stylesheet[];

/* ---- the application (app.c, pages.c) ------------------------------------------ */

struct web_app {
	struct conf *conf;
	struct web_backend *backend;
	struct web_sessions *sessions;
	struct web_limits *limits;
	char *base;			/* review_url's path, or "" */
	/* The reviewers file as last read, and what it was then. */
	struct reviewers *reviewers;
	char *reviewers_error;		/* why it cannot be read, or NULL */
	struct { dev_t dev; ino_t ino; time_t mtime; long mtime_ns; off_t size; } seen;
	bool seen_valid;
	void (*log)(const char *line);	/* NULL: stderr */
};

/* The page for CONF (referenced), asking BACKEND (taken over). */
struct web_app *web_app_new(struct conf *conf, struct web_backend *backend);
void web_app_free(struct web_app **app);

/* Answer REQ into RES (initialised here). */
void web_handle(struct web_app *app, const struct web_request *req, struct web_response *res);

/* pages.c: each fills RES for the signed-in SESSION. */
void page_held(struct web_app *app, struct web_session *s, struct web_response *res);
void page_message(struct web_app *app, struct web_session *s, const char *id,
		  struct web_response *res);
void page_confirm(struct web_app *app, struct web_session *s, const char *id, bool release,
		  const char *verdict, const char *note, const char *problem,
		  struct web_response *res);
void page_decisions(struct web_app *app, struct web_session *s, struct web_response *res);
/* A page that says one thing (an error, "not found"), with STATUS. */
void page_say(struct web_app *app, struct web_session *s, unsigned status, const char *title,
	      const char *text, struct web_response *res);

/* Ask the helper, as REVIEWER; *ANSWER_R is a successful answer
   (json_object_unref). -1: *FAILURE_R is the answer's failure word (or
   "failed" when there was no answer) and *ERROR_R its words. */
int web_ask(struct web_app *app, struct channel_request *req, JsonObject **answer_r,
	    const char **failure_r, const char **error_r);

/* The log line LINE (stderr, or app->log). */
void web_log(struct web_app *app, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
