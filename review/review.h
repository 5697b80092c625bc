#ifndef COUNCIL_REVIEW_H
#define COUNCIL_REVIEW_H

/*
 * council-review, the Clerk's command: a front end of the hold library
 * (hold/hold.h), which does the work. main.c reads the command line, checks
 * the caller's power, calls the library and chooses the words and the exit
 * status; print.c shows a held message to a person.
 */

#include <stdio.h>
#include <time.h>

#include "hold/hold.h"

/* sysexits.h values */
#define REVIEW_EX_USAGE 64
#define REVIEW_EX_NOINPUT 66	/* no such held message */
#define REVIEW_EX_UNAVAILABLE 69	/* a mail server tool failed */
#define REVIEW_EX_SOFTWARE 70	/* the journal cannot be read */
#define REVIEW_EX_CANTCREAT 73	/* the journal cannot be written */
#define REVIEW_EX_TEMPFAIL 75	/* done, but a notice could not be sent */
#define REVIEW_EX_NOPERM 77	/* not allowed: what is needed is said */
#define REVIEW_EX_CONFIG 78

/* Print ITEM for a person (list, show). */
void review_print_held(FILE *out, const struct hold_item *item, time_t now);

/* Write S to OUT with control characters (terminal escapes in hostile
   mail) shown as '?' and hidden ones (util.h: U+202E and its kind) left
   out. */
void review_print_safe(FILE *out, const char *s, size_t len);

#endif
