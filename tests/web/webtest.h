#ifndef COUNCIL_TEST_WEBTEST_H
#define COUNCIL_TEST_WEBTEST_H

/* The web page's tests: the application (web_handle) behind the real
   helper code (helper_answer), in-process, on a queue in memory and a real
   journal and reviewers file in a temporary folder; and a "browser" that
   keeps its cookies and sends requests on a clock the test sets. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fake-queue.h"
#include "helper/helper.h"
#include "helpers.h"
#include "web/web.h"

#define PASSWORD "correct horse battery"
#define ASHCOMBE_ID "A1B2C3D4E5"	/* hostile.eml, Ashcombe's */
#define BRAMLEY_ID "0F1E2D3C4B"		/* Bramley's */
#define OTHER_ID "99AA88BB77"		/* not held by council-milter */

struct webtest {
	char *root, *journal;
	struct fake_queue *fake;
	struct helper helper;
	struct web_app *app;
	time_t now;
	GString *log;			/* the page's log lines */
};

/* Reviewers: tom (Ashcombe), rita (Bramley), deputy (both); all PASSWORD. */
struct webtest *webtest_new(void);
void webtest_free(struct webtest **t);

/* What a browser keeps. */
struct browser {
	char *session;			/* WEB_COOKIE's value, or NULL */
	char *signin;			/* WEB_SIGNIN_COOKIE's value, or NULL */
	const char *peer;		/* NULL: 127.0.0.1 */
	const char *forwarded_for, *forwarded_proto;
};

void browser_clear(struct browser *b);

/* METHOD PATH (with "?next=..." allowed) from B, with the form fields given
   as NAME, VALUE pairs ending with NULL; the response (web_response_clear),
   its cookies kept by B. */
struct web_response *web_send(struct webtest *t, struct browser *b, const char *method,
			      const char *path, ...) G_GNUC_NULL_TERMINATED;
void web_response_done(struct web_response *res);

/* The value of the hidden field "csrf" in BODY (g_free), or NULL. */
char *form_token(const char *body);

/* Sign B in as NAME; fails the test unless it works. */
void sign_in(struct webtest *t, struct browser *b, const char *name);

/* The journal's lines with "event" EVENT, as "action by" each. */
char *journal_events(struct webtest *t, const char *event);

/* The Set-Cookie value of RES for NAME, or NULL. */
const char *cookie_line(const struct web_response *res, const char *name);

#endif
