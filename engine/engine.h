#ifndef COUNCIL_ENGINE_H
#define COUNCIL_ENGINE_H

/*
 * engine: the one code path from "a message and its envelope" to "what the
 * MTA must do", shared by the daemon's callbacks and the offline judge
 * (--judge), so the judge tells the truth about the daemon. No libmilter
 * here: the daemon turns engine_op's into smfi_* calls through its seam.
 *
 * Errors: as util.h says. engine_run itself never fails: an internal error becomes a
 * result whose status follows the configured on_error.
 */

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"
#include "policy/policy.h"

struct engine;				/* one configuration's judge */
struct engine_message;			/* one message being received */
struct engine_shared;			/* per process: thread store, journal, notice key */
struct journal;
struct marker_key;

/* What a daemon keeps for its whole life, across reloads: one thread store,
   one journal and the notice key, opened from the first configuration (a
   second store on the same file could lose entries when either compacts it).
   Each generation's engine borrows them. Reference-counted; the last unref
   closes them. Returns -1 when one cannot be opened. */
int engine_shared_open(const struct conf *conf, struct engine_shared **shared_r,
		       const char **error_r);
struct engine_shared *engine_shared_ref(struct engine_shared *shared);
void engine_shared_unref(struct engine_shared **shared);
/* NULL when CONF names the files and settings in use; else a text naming
   what changed, which takes effect only at a restart (g_free). */
char *engine_shared_changes(const struct engine_shared *shared, const struct conf *conf);
/* Open the journal's path again (log rotation). Returns -1 when it cannot,
   the old file staying in use. */
int engine_shared_reopen(struct engine_shared *shared, const char **error_r);
struct journal *engine_shared_journal(struct engine_shared *shared);
const struct marker_key *engine_shared_key(const struct engine_shared *shared);

/* An engine with state of its own. The engine pins CONF (conf_ref);
   engine_free drops it. USE_JOURNAL: the state is a private engine_shared
   (thread store, journal, notice key) opened from CONF; false: a thread
   store only, no journal and no notice key (the judge). STORE_READ_ONLY
   (without USE_JOURNAL): the judge looks at the confidential-thread store
   but never writes it. */
int engine_new(struct conf *conf, bool store_read_only, bool use_journal,
	       struct engine **engine_r, const char **error_r);
/* An engine on CONF that borrows SHARED (the daemon's; referenced until
   engine_free): decisions are journalled, and marked notices recognised. */
struct engine *engine_new_shared(struct conf *conf, struct engine_shared *shared);
void engine_free(struct engine **engine);
struct conf *engine_conf(struct engine *engine);
/* The notice key of the shared state, NULL without one. */
const struct marker_key *engine_marker_key(const struct engine *engine);
/* Append LINE to the journal, as journal_append does; 0 without a journal.
   For what happens after engine_run (the MTA refusing an operation). */
int engine_journal_append(struct engine *engine, const char *line, bool sync,
			  const char **error_r);

/* Receiving a message: headers in arrival order, then body chunks. Both
   are appended to one growable buffer, the message as the MTA would write
   it, which engine_run parses in place: the message is held once (never
   copied per chunk, nor again for the parser). The message takes its
   limits (max_message_bytes, max_recipients) from ENGINE's config; it does
   not pin ENGINE, which must outlive it. */
struct engine_message *engine_message_new(const struct engine *engine);
void engine_message_free(struct engine_message **msg);
void engine_message_set_sender(struct engine_message *msg, const char *mail_from);
/* Returns -1 once the message has more recipients than the configured limit. */
int engine_message_add_rcpt(struct engine_message *msg, const char *rcpt);
void engine_message_set_auth(struct engine_message *msg, const char *login);
/* Judge the message as at NOW (what day it is decides the pre-election
   period); 0, the default: the time it is judged. */
void engine_message_set_time(struct engine_message *msg, time_t now);
void engine_message_set_queue_id(struct engine_message *msg, const char *queue_id);
/* The queue id set above, or NULL. */
const char *engine_message_queue_id(const struct engine_message *msg);
/* The SMTP AUTH login, or NULL. */
const char *engine_message_auth(const struct engine_message *msg);
/* The envelope sender ("" for <>), or NULL before set_sender. */
const char *engine_message_sender(const struct engine_message *msg);
/* The envelope recipients so far; *n_r their number. */
const char *const *engine_message_rcpts(const struct engine_message *msg, size_t *n_r);
/* Return -1 once the message exceeds the configured size limit; what
   arrives after that is not kept, and engine_run gives on_error's verdict. */
int engine_message_add_header(struct engine_message *msg, const char *name, const char *value);
int engine_message_add_body(struct engine_message *msg, const unsigned char *chunk, size_t len);
/* Load a whole RFC 5322 message from a buffer (the judge): splits the
   header block into add_header calls and the rest into the body, LF or CRLF
   line endings, the body converted to CRLF as an MTA passes it. Returns -1
   when a limit is exceeded (as above). */
int engine_message_load(struct engine_message *msg, const char *data, size_t len);
/* The message is larger than max_message_bytes, as the judge finds while it
   reads a file: as if that many bytes had arrived (nothing more is kept,
   and engine_run gives on_error's verdict). */
void engine_message_too_large(struct engine_message *msg);
/* The configured max_message_bytes (0: none). */
size_t engine_message_max_bytes(const struct engine_message *msg);

/* Once the header block is complete (before the first body chunk, or at end
   of message), decide from the envelope and the header block alone whether
   any rule of any council can apply. True: none can, and engine_run answers
   from what has arrived: the rest of the body is neither needed nor kept
   (engine_message_add_body drops it, and it does not count against
   max_message_bytes), so a daemon tells the MTA to skip it. False: the
   whole message is judged. The first answer stands; headers added after
   it are not looked at again. */
bool engine_message_decide(struct engine *engine, struct engine_message *msg);

enum engine_status {
	ENGINE_CONTINUE = 0,	/* deliver (possibly modified / quarantined) */
	ENGINE_REJECT,		/* 550 5.7.1 with reply text */
	ENGINE_TEMPFAIL		/* 4xx: the MTA keeps it and retries */
};

enum engine_op_kind {
	ENGINE_OP_DELETE_HEADER,	/* name, index (1-based among that name) */
	ENGINE_OP_CHANGE_HEADER,	/* name, index, value */
	ENGINE_OP_INSERT_HEADER,	/* at the top: name, value */
	ENGINE_OP_ADD_HEADER,		/* at the end: name, value */
	ENGINE_OP_ADD_RCPT,		/* value = address */
	ENGINE_OP_REPLACE_BODY,		/* body, body_len */
	ENGINE_OP_QUARANTINE		/* value = reason */
};

struct engine_op {
	enum engine_op_kind kind;
	char *name;
	int index;			/* 1-based among headers of that name */
	char *value;
	char *body;
	size_t body_len;
};

struct engine_result {
	enum engine_status status;
	struct policy_verdict *verdict;	/* NULL after an internal error */
	struct engine_op *ops;		/* in the order they must be applied */
	size_t n_ops;
	char *reply_code, *reply_xcode, *reply_text;	/* REJECT and TEMPFAIL */
	char *error;			/* internal error text, NULL when none */
	const char *cause;		/* why it was not judged, for the metrics:
					   "limit", "parse", "judge", "footer" or
					   "journal" (not recorded); NULL: judged */
	char *summary;			/* one log line (without the queue id) */
	char *journal_line;		/* the decision as one JSON object, no
					   newline (built even without a journal) */
	char *journal_error;		/* why it could not be journalled, NULL
					   when written or when there is no journal */
	bool own_notice;		/* our own marked notice: passed unjudged */
	char *message_id;		/* facts of the message for notices and the
					   journal, NULL when absent: Message-ID
					   value (no angle brackets), */
	char *subject;			/* decoded Subject, */
	char *author;			/* the From: address */
	char *footer_added;		/* the footer text written into the body,
					   NULL when none */
	const char *footer_refused;	/* why a footer was not written ("signed",
					   "encrypted", "body cannot be changed"),
					   NULL when not refused */
};

/* What the MTA is told about a message that cannot be judged (an internal
   error, a limit, the MTA refusing an operation, a protocol out of step), as
   on_error says: engine_run's own answer, so the daemon and the judge never
   differ. A result with status, reply and ops only; REASON is kept in
   error. ENGINE NULL (no configuration loaded): tempfail. MSG NULL (nothing
   received yet): no forged copies of our headers to remove. OURS_WRITTEN:
   our result header is already on the message (the MTA refused a later
   operation), so "accept" changes it rather than adding a second. */
struct engine_result *engine_error_result(const struct engine *engine,
					  const struct engine_message *msg, bool ours_written,
					  const char *reason);

/* Judge MSG and compute what the MTA must do; journal it when the engine
   has a journal (flushed to disk first for a hold or reject). When the line
   cannot be written, journal_failure decides: the result becomes a tempfail,
   or stands. Always returns a result. */
struct engine_result *engine_run(struct engine *engine, struct engine_message *msg);
void engine_result_free(struct engine_result **res);

/* The message as it would be delivered (headers and body after the ops),
   for --output and for tests. Returns a newly allocated buffer (g_free). */
char *engine_render(const struct engine_message *msg, const struct engine_result *res,
		    size_t *len_r);

/* The judge's JSON (SPEC 6): action, rules, headers, footers, reply,
   council, error. Returns a newly allocated string (g_free). */
char *engine_result_json(const struct engine_result *res);

/* "accept", "annotate", "hold", "reject" or "tempfail": what happens to the
   message (monitor-only findings count as accept). */
const char *engine_result_action(const struct engine_result *res);

#endif
