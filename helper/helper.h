#ifndef COUNCIL_HELPER_H
#define COUNCIL_HELPER_H

/*
 * council-review-helper: the narrow privileged path behind the Clerk's web
 * page (Postfix's postdrop/postqueue split). It runs as root, listens on a
 * unix socket only root and the web page's user may use, and answers the
 * requests of reviewers/channel.h, each on the hold library (hold/hold.h)
 * scoped to the councils the reviewers file says the reviewer serves, as
 * the actor { REVIEWER, "web" }. main.c is the socket and the signals;
 * serve.c answers one request, and is what the tests drive.
 */

#include <stddef.h>

#include "hold/hold.h"

/* How many review actions "recent" returns at most. */
#define HELPER_RECENT_MAX 50
/* How much of a message "show" sends: enough for its text and the list of
   its parts; the page never shows more text than that anyway. */
#define HELPER_SHOW_MAX (16 * 1024 * 1024)

struct helper {
	struct conf *conf;
	/* A new queue backend for each request (the hold takes it over):
	   Postfix's, or a test's. */
	struct hold_queue *(*new_queue)(void *ctx);
	void *queue_ctx;
};

/* The answer (a JSON object, one line; g_free) to the request LINE (LEN
   bytes) from the web page; *SUMMARY_R (g_free) says in a few words what
   was asked and what came of it, for the log. */
char *helper_answer(struct helper *helper, const char *line, size_t len, char **summary_r);

#endif
