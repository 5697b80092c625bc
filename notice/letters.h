#ifndef COUNCIL_MILTER_LETTERS_H
#define COUNCIL_MILTER_LETTERS_H

/*
 * letters: the notices council-milter and council-review send, as whole
 * RFC 5322 messages ready for sendmail: to the author of a held message, to
 * the council's review_to address, to the author of a message the Clerk
 * returned, and the Clerk's digest. Plain English; each says what happened,
 * why (the clause and the evidence) and what happens next. Each carries
 * Auto-Submitted: auto-generated and, given a key, the marker that lets the
 * daemon pass it unjudged (marker.h).
 *
 * Conventions: functions return newly allocated text (g_free).
 */

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "audit/marker.h"

/* One finding, as the journal records it. */
struct letter_finding {
	const char *rule;	/* rule id */
	const char *action;
	const char *clause;
	const char *evidence;
};

/* What a letter says about one held message. Any field may be NULL/0. */
struct letter_held {
	const char *queue_id;
	const char *message_id;	/* without angle brackets */
	const char *subject;
	const char *author;	/* the From: address */
	const char *author_name;
	const char *submitter;	/* AUTH login or envelope sender */
	const char *const *rcpts;
	size_t n_rcpts;
	const struct letter_finding *findings;
	size_t n_findings;
	time_t held_at;		/* 0: not known */
};

/* Who writes, and when. KEY NULL: the letter is not marked (it will be
   judged like any other message). */
struct letter_from {
	const struct conf *conf;
	const struct conf_council *council;
	const struct marker_key *key;
	time_t now;
};

/* To the author: your message is held for the Clerk, why, what next. */
char *letter_hold_author(const struct letter_from *from, const struct letter_held *held,
			 const char *to);
/* To review_to: what is held, the evidence, and the council-review commands. */
char *letter_hold_review(const struct letter_from *from, const struct letter_held *held);
/* To the author: the Clerk returned (deleted) your message, with NOTE. */
char *letter_returned(const struct letter_from *from, const struct letter_held *held,
		      const char *to, const char *note);
/* To review_to: the N messages held for this council (N may be 0). */
char *letter_digest(const struct letter_from *from, const struct letter_held *held, size_t n);

/* Where the author of a held message is told, or NULL: the From: address
   when it is a person of COUNCIL, else the envelope sender when it is inside
   COUNCIL; never an outside address (a forged From: must not draw mail). */
const char *letter_author_rcpt(const struct conf *conf, const struct conf_council *council,
			       const char *author, const char *mail_from);

#endif
