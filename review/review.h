#ifndef COUNCIL_REVIEW_H
#define COUNCIL_REVIEW_H

/*
 * council-review, the Clerk's command: a front end of the hold library
 * (hold/hold.h), which does the work. main.c reads the command line, checks
 * the caller's power, calls the library and chooses the words and the exit
 * status; print.c shows a held message to a person; users.c manages the
 * reviewers of the web page.
 */

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "hold/hold.h"

/* sysexits.h values */
#define REVIEW_EX_USAGE 64
#define REVIEW_EX_DATAERR 65	/* the journal's chain is broken */
#define REVIEW_EX_NOINPUT 66	/* no such held message */
#define REVIEW_EX_UNAVAILABLE 69	/* a mail server tool failed */
#define REVIEW_EX_SOFTWARE 70	/* the journal cannot be read */
#define REVIEW_EX_CANTCREAT 73	/* the journal cannot be written */
#define REVIEW_EX_TEMPFAIL 75	/* done, but a notice could not be sent */
#define REVIEW_EX_NOPERM 77	/* not allowed: what is needed is said */
#define REVIEW_EX_CONFIG 78

/* "council-review: " and the message on stderr; returns STATUS. */
int review_say(int status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
int review_vsay(int status, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
/* A usage error said, with the pointer to --help; returns REVIEW_EX_USAGE. */
int review_usage_error(const char *what);

/* The journal's commands (report.c, evidence.c): they read the journal and
   its rotations, and nothing else. */
struct review_journal {
	const char *path;		/* the configured journal */
	const char *council;		/* the scope's name; NULL: every council */
};

enum review_format { REVIEW_TEXT, REVIEW_CSV, REVIEW_JSON };

/* report: SINCE and UNTIL as given (NULL: last month). */
int review_report(const struct review_journal *journal, const char *since, const char *until,
		  enum review_format format);
/* verify: FILES (oldest first), or the journal and its rotations when N is 0. */
int review_verify(const struct review_journal *journal, const char *const *files, size_t n);
/* export: every line about ID (a queue id or a Message-ID). */
int review_export(const struct review_journal *journal, const char *id, bool json);

/* council-review user add|passwd|del|list (users.c): ARGV[0] is "user",
   ARGV[1] the sub-command; the exit status. */
int review_users(struct conf *conf, int argc, char **argv);

/* Print ITEM for a person (list, show). */
void review_print_held(FILE *out, const struct hold_item *item, time_t now);

/* Write S to OUT with control characters (terminal escapes in hostile
   mail) shown as '?' and hidden ones (util.h: U+202E and its kind) left
   out. */
void review_print_safe(FILE *out, const char *s, size_t len);

#endif
