#ifndef COUNCIL_MILTER_LOG_H
#define COUNCIL_MILTER_LOG_H

/*
 * Daemon logging: syslog facility mail, or stderr in the foreground (-f).
 * Per-message lines start with the queue id ("4F2a1B3c: ..."), as Postfix's
 * do, so an administrator can grep one message through both logs.
 */

#include <stdbool.h>
#include <syslog.h>

#include <glib.h>

void milter_log_init(bool to_stderr);
void milter_log(int priority, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Tests capture what would be logged: HOOK gets every line (NULL: off). */
void milter_log_set_hook(void (*hook)(int priority, const char *line));

#endif
