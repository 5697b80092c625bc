#ifndef COUNCIL_UTIL_H
#define COUNCIL_UTIL_H

/*
 * util: what every library shares, below conf/ and parser/.
 *
 * The error contract (DEVELOPERS.md, "Errors"): a function that can fail
 * returns int, 0 or -1, and on -1 sets const char **error_r to a text the
 * caller never frees. A fixed text is a string literal; a text made at run
 * time comes from util_error(), which keeps it for the calling thread until
 * that thread's next util_error(). So a caller uses the text, or copies it
 * (g_strdup), before it calls anything else that can fail; a callee may
 * quote its callee's text in its own (util_error("...: %s", error)).
 */

#include <glib.h>

/* FMT formatted, kept for this thread until its next call (the arguments may
   point into the text kept before: they are read first). */
const char *util_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#endif
