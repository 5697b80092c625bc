#ifndef COUNCIL_UTIL_H
#define COUNCIL_UTIL_H

/*
 * util: what every library shares, below conf/ and parser/: error texts,
 * and text fit to show a person.
 *
 * The error contract (DEVELOPERS.md, "Errors"): a function that can fail
 * returns int, 0 or -1, and on -1 sets const char **error_r to a text the
 * caller never frees. A fixed text is a string literal; a text made at run
 * time comes from util_error(), which keeps it for the calling thread until
 * that thread's next util_error(). So a caller uses the text, or copies it
 * (g_strdup), before it calls anything else that can fail; a callee may
 * quote its callee's text in its own (util_error("...: %s", error)).
 */

#include <stdbool.h>

#include <glib.h>

/* FMT formatted, kept for this thread until its next call (the arguments may
   point into the text kept before: they are read first). */
const char *util_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/*
 * Text for people. Whatever comes from a message (a Subject, a name, an
 * address, evidence quoting the body) and is shown to a person (an SMTP
 * reply, a notice, council-review's output, the journal, a header we add)
 * goes through util_text_visible first, so that nobody reads text reordered
 * or hidden by characters they cannot see; an SMTP reply goes through
 * util_text_ascii.
 */

/* Characters that change how the text around them reads but are not seen:
   Unicode format characters (Cf: the bidirectional controls U+202A-202E,
   U+2066-2069, U+200E-200F, U+061C; zero-width characters; U+FEFF; tags)
   and the invisible fillers U+034F, U+115F, U+1160, U+3164, U+FFA0. */
bool util_char_hidden(gunichar c);

/* S (LEN bytes, -1: to its NUL) as valid UTF-8 without hidden characters,
   the Unicode line and paragraph separators made spaces. g_free. */
char *util_text_visible(const char *s, gssize len);

/* TEXT for an SMTP reply: visible, then ASCII (an e with a diaeresis becomes
   "e", an en dash "-"; what has no ASCII spelling, '?'), every control
   character but '\n' a space. g_free. */
char *util_text_ascii(const char *text);

#endif
