#ifndef COUNCIL_REVIEWERS_CHANNEL_H
#define COUNCIL_REVIEWERS_CHANNEL_H

/*
 * channel: what the web page (council-review-web, unprivileged) may ask of
 * its privileged helper (council-review-helper, root), and nothing more:
 * Postfix's postdrop/postqueue split. One request per connection to the
 * helper's unix socket: a JSON object on one line, then the answer, a JSON
 * object, and the connection closes.
 *
 *   list    REVIEWER             the held mail of REVIEWER's councils
 *   show    REVIEWER ID          one of them, and its text
 *   release REVIEWER ID VERDICT [NOTE]
 *   return  REVIEWER ID VERDICT NOTE
 *   recent  REVIEWER             the latest review actions on their councils
 *   event   NAME EVENT ADDRESS   a sign-in, a failed one, a sign-out, for the
 *                                journal
 *
 * Every field is checked on decoding, by one function that both sides use,
 * and the helper checks again what only it can (that ID is held for a
 * council the reviewer serves). Answers: {"ok": true, ...} or {"ok": false,
 * "failure": KIND, "error": TEXT}, KIND one of the CHANNEL_FAILURE_ words.
 *
 * Errors (util.h): -1 with *error_r.
 */

#include <stdbool.h>
#include <stddef.h>

#include <json-glib/json-glib.h>

enum channel_op {
	CHANNEL_LIST = 0,
	CHANNEL_SHOW,
	CHANNEL_RELEASE,
	CHANNEL_RETURN,
	CHANNEL_RECENT,
	CHANNEL_EVENT,
};

/* What the journal may be told of a reviewer's session. */
#define CHANNEL_EVENTS "signin", "signin-failed", "signin-refused", "signout"

#define CHANNEL_FAILURE_NOT_FOUND "not-found"	/* no such message held for them */
#define CHANNEL_FAILURE_REFUSED "refused"	/* a request not allowed */
#define CHANNEL_FAILURE_FAILED "failed"		/* the queue, the journal */

#define CHANNEL_NOTE_MAX 2000		/* characters */
#define CHANNEL_REQUEST_MAX 65536	/* bytes of one request */

struct channel_request {
	enum channel_op op;
	char *reviewer;		/* every op; for event, the name as typed */
	char *id;		/* show, release, return */
	char *verdict;		/* release, return: "breach", "breach-allowed",
				   "no-breach" */
	char *note;		/* release (may be NULL), return */
	char *event;		/* event: one of CHANNEL_EVENTS */
	char *address;		/* event: the browser's IP address */
};

void channel_request_free(struct channel_request **request);

/* REQUEST as its line (no newline; g_free); NULL when it would not decode. */
char *channel_request_encode(const struct channel_request *request, const char **error_r);

/* LINE (LEN bytes) as a request, every field checked: the op and the event
   are known; names, ids, verdicts and addresses in their forms; a note is
   UTF-8 of at most CHANNEL_NOTE_MAX characters without control characters
   but line breaks; what an op needs is there and nothing else is. */
int channel_request_decode(const char *line, size_t len, struct channel_request **request_r,
			   const char **error_r);

/* Send REQUEST to the helper at SOCKET_PATH and read its answer (at most
   MAX_ANSWER bytes, within TIMEOUT_MS); *ANSWER_R: the object (unref). */
int channel_call(const char *socket_path, const struct channel_request *request,
		 size_t max_answer, int timeout_ms, JsonObject **answer_r, const char **error_r);

/* A note made fit for the journal and a letter: valid UTF-8, control
   characters but '\n' dropped, CRLF as '\n', trimmed (g_free). */
char *channel_note_clean(const char *note);

#endif
