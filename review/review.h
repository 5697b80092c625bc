#ifndef COUNCIL_MILTER_REVIEW_H
#define COUNCIL_MILTER_REVIEW_H

/*
 * council-review, the Clerk's command: the held messages of Postfix's hold
 * queue (queue.h) joined by queue id with the daemon's journal (journal.h),
 * and what the Clerk does with them. review.c has the commands,
 * review-held.c the join and how one held message is shown.
 */

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "conf/conf.h"
#include "notice/notice.h"
#include "hold/queue.h"

/* sysexits.h values */
#define REVIEW_EX_USAGE 64
#define REVIEW_EX_NOINPUT 66	/* no such held message */
#define REVIEW_EX_UNAVAILABLE 69	/* a Postfix tool failed */
#define REVIEW_EX_SOFTWARE 70	/* the journal cannot be read */
#define REVIEW_EX_CANTCREAT 73	/* the journal cannot be written */
#define REVIEW_EX_TEMPFAIL 75	/* done, but a notice could not be sent */
#define REVIEW_EX_NOPERM 77	/* not allowed: what is needed is said */
#define REVIEW_EX_CONFIG 78

/* One held message: the queue's facts, the daemon's decision line (NULL when
   the journal has none) and what a letter says about it. */
struct review_held {
	struct queue_entry *entry;		/* borrowed from the queue listing */
	JsonObject *record;			/* referenced */
	const struct conf_council *council;	/* NULL: not known */
	struct letter_held letter;		/* strings borrowed from the above */
	struct letter_finding *findings;
	const char *hold_reason;
	char *subject, *author, *message_id;	/* from the message when the
						   journal has no record */
};

void review_held_free(struct review_held *h);

/* The decision lines of the journal at PATH (and of PATH.1, its last
   rotation), by queue id, the latest winning. ENOENT is an empty journal;
   -1 with *error_r when it cannot be read (*eacces_r: for lack of
   permission). */
int review_journal_index(const char *path, GHashTable **index_r, bool *eacces_r,
			 const char **error_r);

/* Join each queue entry (struct queue_entry *) of HELD with INDEX. The
   result owns its review_held's; entries stay owned by HELD. */
GPtrArray *review_join(const struct conf *conf, GPtrArray *held, GHashTable *index);

/* Fill what the journal did not say (no record) from the message text. */
void review_fill_from_message(struct review_held *h, const struct conf *conf,
			      const char *message, size_t len);

/* Print H for a person (list, show); for the machine (list --json). */
void review_print_held(FILE *out, const struct review_held *h, time_t now);
void review_json_held(JsonBuilder *b, const struct review_held *h, time_t now);

/* Write S to OUT with control characters (terminal escapes in hostile
   mail) shown as '?'. */
void review_print_safe(FILE *out, const char *s, size_t len);

#endif
