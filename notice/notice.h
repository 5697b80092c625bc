#ifndef COUNCIL_NOTICE_H
#define COUNCIL_NOTICE_H

/*
 * notice: the letters council-milter and council-review send, and how they
 * (and the Postfix tools) are run.
 *
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

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "audit/audit.h"
#include "conf/conf.h"

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
/* To review_to: what is held, the evidence, the link to its page on the web
   page (review_url) and the council-review commands. */
char *letter_hold_review(const struct letter_from *from, const struct letter_held *held);
/* To the author: the Clerk returned (deleted) your message, with NOTE. */
char *letter_returned(const struct letter_from *from, const struct letter_held *held,
		      const char *to, const char *note);
/* To review_to: the N messages held for this council (N may be 0). */
char *letter_digest(const struct letter_from *from, const struct letter_held *held, size_t n);
/* To review_to: HELD will leave the queue at EXPIRES (returned to its
   author, or released, as the council's on_hold_expiry says) unless
   somebody reviews it first. */
char *letter_expiry_reminder(const struct letter_from *from, const struct letter_held *held,
			     time_t expires);
/* To the author: nobody reviewed your message within DAYS days, so it was
   returned unsent, with why it was held. */
char *letter_expired(const struct letter_from *from, const struct letter_held *held,
		     const char *to, unsigned days);
/* The page of HELD on the web page (review_url/held/QUEUEID), or NULL when
   no review_url is configured (g_free). */
char *letter_review_link(const struct conf *conf, const struct letter_held *held);

/* Where the author of a held message is told, or NULL: the From: address
   when it is a person of COUNCIL, else the envelope sender when it is inside
   COUNCIL; never an outside address (a forged From: must not draw mail). */
const char *letter_author_rcpt(const struct conf *conf, const struct conf_council *council,
			       const char *author, const char *mail_from);

/*
 * spawn: run a helper program (the MTA's sendmail, postqueue, postcat,
 * postsuper) the careful way: fork and execve of an absolute path with a
 * fixed argv and an empty environment, default signal mask and SIGPIPE, and
 * none of our descriptors but stdin, stdout and stderr. Never a shell, never
 * a PATH lookup. Safe to call from any thread (the child calls only
 * async-signal-safe functions before execve).
 *
 * Errors: as util.h says.
 */

/* The argv for handing one message to the MTA's sendmail interface from the
   null sender: { SENDMAIL, "-i", "-f", "<>", "--", RCPT, NULL } (g_strfreev).
   NULL when SENDMAIL is not an absolute path or RCPT is not one plain address
   (empty, over 254 bytes, no '@', a leading '-', blanks or control
   characters). */
char **spawn_sendmail_argv(const char *sendmail, const char *rcpt);

/* Start ARGV[0] with ARGV, INPUT (INPUT_LEN bytes) on its stdin, stdout to
   /dev/null, stderr shared with ours. Returns at once; the caller reaps
   *pid_r. */
int spawn_start(char *const *argv, const char *input, size_t input_len, pid_t *pid_r,
		const char **error_r);

/* Run ARGV to its end with INPUT on stdin (NULL: empty), keeping what it
   writes: *out_r and *err_r (NUL-terminated; *out_len_r bytes of stdout) and
   its wait status. Fails only when it cannot be started or waited for. */
int spawn_run(char *const *argv, const char *input, size_t input_len, char **out_r,
	      size_t *out_len_r, char **err_r, int *status_r, const char **error_r);

/* As spawn_run, with the environment ENVP (NULL: empty) and a deadline: a
   child still running TIMEOUT_MS after it started is killed (SIGKILL), and
   *timed_out_r set. At most MAX_OUT bytes of its stdout and 4 KiB of its
   stderr are kept. */
int spawn_run_timed(char *const *argv, char *const *envp, const char *input, size_t input_len,
		    unsigned timeout_ms, size_t max_out, char **out_r, size_t *out_len_r,
		    char **err_r, int *status_r, bool *timed_out_r, const char **error_r);

/* A wait status in words: "exited with status 75", "killed by signal 9".
   g_free. */
char *spawn_status_text(int status);

#endif
