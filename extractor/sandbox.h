#ifndef COUNCIL_EXTRACTOR_SANDBOX_H
#define COUNCIL_EXTRACTOR_SANDBOX_H

/* Internal to council-extract: the limits and the system call filter the
   worker runs under (sandbox.c). Functions return 0, or -1 with *error_r
   (static text). */

#include <stdbool.h>
#include <stddef.h>

struct sandbox_limits {
	unsigned cpu_seconds;	/* SIGXCPU after this much CPU time */
	size_t memory;		/* address space; 0: unlimited */
	size_t max_output;	/* the largest file the worker may write */
};

/* Close every descriptor but 0, 1 and 2, and set the resource limits. */
int sandbox_limits(const struct sandbox_limits *limits, const char **error_r);
/* Install the system call filter: from now on no file can be opened and
   only the calls that computing and writing need are allowed. */
int sandbox_enter(const char **error_r);
/* Does this build install a filter (not under the sanitizers, nor on an
   architecture it does not know)? */
bool sandbox_filtered(void);

#endif
