#ifndef COUNCIL_HOLD_H
#define COUNCIL_HOLD_H

/*
 * hold: the Clerk's actions on the messages council-milter held, as a
 * library for every front end: council-review today, the web page and the
 * links in e-mail next. List what is held, show one as its recipients would
 * see it, release it, delete it with a note for its author, send the
 * digest. Each held message is the MTA's queue entry joined by queue id with
 * the daemon's decision in the journal; each action is written to the
 * journal with who took it (struct actor), and release and delete do
 * nothing that cannot be recorded. Only what the journal records as held by
 * council-milter is ours: mail held by anything else (an administrator's
 * postsuper -h, a header_checks HOLD) is left alone. A hold may be scoped to
 * one council (hold_set_scope), as a Clerk's sudo rule pins it.
 *
 * Where the MTA keeps held mail is a backend, struct hold_queue: Postfix's
 * hold queue through its own tools (hold_queue_postfix), Sendmail's
 * quarantine (hold_queue_sendmail), the one the configuration's mta names
 * (hold_queue_new); the tests use a fake. An expiry job
 * (hold_expiry, SPEC 6) is one more front end: hold_list, then hold_delete
 * or hold_release for what is older than it keeps, as the actor
 * { "council-milter", "hold_expiry" }.
 *
 * Nothing here prints or exits. Errors (util.h): -1 with *error_r, a
 * sentence for a person; hold_failure() says which kind of failure it was,
 * for the front end's exit status or answer. What an action did besides
 * (the notice to the author) is in its struct hold_report, whose texts
 * belong to the struct hold until its next action.
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "conf/conf.h"
#include "notice/notice.h"

/* Who took an action, for the journal: the person (a login, a reviewer of
   the web page, or the account when nobody else is known) and how they came
   ("council-review", "sudo", "web", "hold_expiry"). */
struct actor {
	const char *who;
	const char *via;
};

/* One message in the MTA's hold queue, as its backend lists it. */
struct hold_entry {
	char *queue_id;
	time_t arrival;
	long size;
	char *sender;		/* "" for <> */
	char **rcpts;		/* NULL-terminated */
	size_t n_rcpts;
};

void hold_entry_free(struct hold_entry *entry);

/* Where the MTA keeps held mail. Each function returns 0, or -1 with
   *error_r quoting the MTA's tool; list sets *denied_r when the MTA refused
   for lack of permission (false otherwise). */
struct hold_queue {
	/* The held messages, in any order (struct hold_entry *, the array
	   frees them). */
	int (*list)(struct hold_queue *q, GPtrArray **entries_r, bool *denied_r,
		    const char **error_r);
	/* Message ID as its recipients would get it (headers and body). */
	int (*read)(struct hold_queue *q, const char *id, char **text_r, size_t *len_r,
		    const char **error_r);
	/* Let ID go on to its recipients; delete it. Each fails unless the MTA
	   acted on exactly that one message. */
	int (*release)(struct hold_queue *q, const char *id, const char **error_r);
	int (*remove)(struct hold_queue *q, const char *id, const char **error_r);
	void (*free)(struct hold_queue *q);
};

/* Postfix's hold queue: postqueue -j to list (any user may), postcat to
   read, postsuper -H / -d to release or delete (root only), run without a
   shell. CONFIG_DIR (NULL: the default) is passed as "-c DIR". */
struct hold_queue *hold_queue_postfix(const char *config_dir);

/* Sendmail's quarantine, through SENDMAIL, Sendmail's sendmail program (an
   absolute path; the configuration's sendmail): "-bp -qQ" (mailq -qQ) to
   list, the queue files to read, "-qQ -qI<id> -Q" to release (then "-qI<id>"
   to deliver it at once), and, since Sendmail has no command for it, the
   queue files removed under Sendmail's own lock to delete (root only, as
   the queue is). CF (NULL: Sendmail's default) is passed as "-C CF". */
struct hold_queue *hold_queue_sendmail(const char *sendmail, const char *cf);

/* The backend CONF's mta names: Postfix's with CONFIG as its -c DIR, or
   Sendmail's with CONFIG as its -C FILE (NULL: the MTA's default). */
struct hold_queue *hold_queue_new(const struct conf *conf, const char *config);

/* A queue id: 1 to 64 letters and digits (Postfix's short and long forms,
   Sendmail's). */
bool hold_id_valid(const char *id);

/* One held message: the queue's facts, and what the journal's decision line
   (or, failing that, the message) says about it. */
struct hold_item {
	struct hold_entry *entry;
	const struct conf_council *council;	/* NULL: not known */
	struct letter_held letter;		/* the facts for people and letters */
	const char *hold_reason;		/* NULL: not recorded */
	bool in_journal;			/* the journal records that council-milter
						   held it: true for all hold_list gives */
	bool reminded;				/* the journal records the expiry reminder */
	void *private_;				/* the library's */
};

void hold_item_free(struct hold_item *item);

/* ITEM as a JSON object (list --json, the web page): queue_id,
   arrival_time, age_seconds, council, author, author_name, sender,
   recipients, subject, message_id, rules, hold_reason, in_journal. */
void hold_item_json(JsonBuilder *b, const struct hold_item *item, time_t now);

enum hold_failure {
	HOLD_OK = 0,
	HOLD_NOT_HELD,		/* no such message held by council-milter */
	HOLD_NOT_YOURS,		/* held for a council outside the scope */
	HOLD_DENIED,		/* not allowed: the journal or the queue refused us */
	HOLD_QUEUE_FAILED,	/* the MTA's tool failed */
	HOLD_JOURNAL_UNREADABLE,	/* the journal cannot be read */
	HOLD_JOURNAL_UNWRITABLE,	/* it cannot be written: before an action,
					   nothing was done; after, see done */
};

/* The reviewer's verdict on the hold itself, kept in the journal with the
   release or the return, so that each rule's precision on a council's own
   mail can be reported (Microsoft Purview's communication compliance asks
   its reviewers the same). */
enum hold_verdict {
	HOLD_VERDICT_NONE = 0,		/* not given */
	HOLD_VERDICT_BREACH,		/* "breach": a breach, held rightly */
	HOLD_VERDICT_BREACH_ALLOWED,	/* "breach-allowed": a breach, but allowed */
	HOLD_VERDICT_NO_BREACH,		/* "no-breach": no breach, the filter was wrong */
};

/* The verdict's word in the journal and on command lines (NULL for NONE);
   its words for people ("a breach, held rightly"); a word back to the
   verdict (-1: not one of the three). */
const char *hold_verdict_name(enum hold_verdict verdict);
const char *hold_verdict_words(enum hold_verdict verdict);
int hold_verdict_parse(const char *name, enum hold_verdict *verdict_r);

/* What an action did besides its main effect. */
struct hold_report {
	bool done;			/* released or deleted, even when the call then
					   failed (the journal could not record it) */
	const char *notified;		/* delete: the author told, NULL: not told */
	const char *notice_error;	/* a notice was due and not sent: why */
	const char *unmarked;		/* notices went out unmarked (judged like any
					   other message): why */
	const char *warning;		/* show: the journal line was not written */
};

struct hold;

/* What the daemon of CONF (referenced) held in QUEUE (taken over). */
struct hold *hold_new(struct conf *conf, struct hold_queue *queue);
void hold_free(struct hold **hold);

/* The kind of the last failure (HOLD_OK after a success). */
enum hold_failure hold_failure(const struct hold *hold);

/* From now on, only what is held for COUNCIL (one of the hold's
   configuration's; NULL: every council's). */
void hold_set_scope(struct hold *hold, const struct conf_council *council);
/* Only what is held for one of the N COUNCILS (a reviewer's; N may be 0:
   nothing at all). Copied. */
void hold_set_scopes(struct hold *hold, const struct conf_council *const *councils, size_t n);

/* The council of CONF whose name (in any case) or one of whose domains is
   NAME; NULL when none is. */
const struct conf_council *hold_find_council(const struct conf *conf, const char *name);

/* The messages council-milter held (in the scope), oldest first (struct
   hold_item *, the array frees them); *OTHERS_R (may be NULL): how many
   more the queue holds that are not ours or not in the scope. */
int hold_list(struct hold *hold, GPtrArray **items_r, size_t *others_r,
	      const char **error_r);

/* The held message ID (hold_item_free) and its text as its recipients would
   get it (g_free); the showing is journalled (a line that cannot be written
   is a warning in REPORT). */
int hold_show(struct hold *hold, const char *id, const struct actor *actor,
	      struct hold_item **item_r, char **text_r, size_t *len_r,
	      struct hold_report *report_r, const char **error_r);

/* Deliver ID; NOTE (may be NULL) and VERDICT are kept in the journal. */
int hold_release(struct hold *hold, const char *id, const struct actor *actor,
		 const char *note, enum hold_verdict verdict, struct hold_report *report_r,
		 const char **error_r);

/* Delete ID: never delivered; its author (the From: address when a person
   of its council, else the envelope sender when inside it; never outside)
   is sent NOTE and the reasons. A notice that cannot be sent is reported,
   not a failure. NOTE and VERDICT are kept in the journal. */
int hold_delete(struct hold *hold, const char *id, const struct actor *actor,
		const char *note, enum hold_verdict verdict, struct hold_report *report_r,
		const char **error_r);

/* The digest for one council: how many of its messages are held, and
   whether review_to was sent the digest (notice_error: why not). */
struct hold_digest {
	const struct conf_council *council;
	size_t n_held;
	bool sent;
	const char *notice_error;
};

/* Send each council (in the scope) with something held (ALWAYS: every one)
   the digest.
   *DIGESTS_R (g_free; texts the hold's) has one entry per council sent to
   or failed, in configuration order; *UNASSIGNED_R counts held messages of
   no council in the configuration. */
int hold_digest(struct hold *hold, bool always, struct hold_digest **digests_r,
		size_t *n_r, size_t *unassigned_r, struct hold_report *report_r,
		const char **error_r);

/* What hold_expire did with one held message. */
enum hold_expiry_action {
	HOLD_EXPIRY_REMINDED,		/* review_to was told it expires within a day */
	HOLD_EXPIRY_RETURNED,		/* deleted; its author told (notified) */
	HOLD_EXPIRY_RELEASED,		/* delivered (on_hold_expiry = "release") */
};

struct hold_expiry {
	const struct hold_item *item;	/* the hold's until its next action */
	enum hold_expiry_action action;
	bool done;			/* false: it failed, see error */
	const char *error;		/* why it failed, or why a notice was not sent */
	const char *notified;		/* returned: the author told, NULL: not told */
};

/* Held mail past the configuration's hold_expiry at NOW (in the scope):
   each message held longer is returned to its author with a notice, or
   released when its council says so; each within a day of it whose council's
   review_to was not yet reminded is reminded, once. Everything is in the
   journal, as the actor { "council-milter", "hold_expiry" }. Messages of no
   council in the configuration are left alone (nobody could be told).
   *EXPIRIES_R (g_free; the items and texts the hold's until its next action)
   has one entry per message acted on; -1 only when nothing could be looked
   at (the queue or the journal), or the journal cannot record anything. */
int hold_expire(struct hold *hold, time_t now, struct hold_expiry **expiries_r, size_t *n_r,
		struct hold_report *report_r, const char **error_r);

#endif
