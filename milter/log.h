#ifndef COUNCIL_MILTER_LOG_H
#define COUNCIL_MILTER_LOG_H

/*
 * Daemon logging: syslog (facility mail unless log_facility says otherwise),
 * or stderr in the foreground (-f).
 * Per-message lines start with the queue id ("4F2a1B3c: ..."), as Postfix's
 * do, so an administrator can grep one message through both logs.
 *
 * When stderr is systemd's journal (JOURNAL_STREAM names it), each line
 * carries its level as a "<N>" prefix, which journald takes as the line's
 * priority, and no "council-milter[PID]:" of its own (journald adds it).
 */

#include <stdbool.h>
#include <syslog.h>

#include <glib.h>

void milter_log_init(bool to_stderr);
void milter_log(int priority, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Lines less important than PRIORITY (a LOG_* value) are not logged;
   LOG_INFO until set. */
void milter_log_set_level(int priority);
/* The LOG_* value of a log_level setting ("error", "warning", "info",
   "debug"), or -1 for anything else. */
int milter_log_level_from_name(const char *name);
/* Log to syslog under FACILITY (a LOG_* facility) from now on; LOG_MAIL
   until set. Nothing changes when logging to stderr. */
void milter_log_set_facility(int facility);
/* The LOG_* facility of a log_facility setting ("mail", "daemon", "user",
   "local0" .. "local7"), or -1 for anything else. */
int milter_log_facility_from_name(const char *name);
/* Whether a line of PRIORITY would be logged (to skip building it). */
bool milter_log_enabled(int priority);

/* Tests capture what would be logged: HOOK gets every line (NULL: off). */
void milter_log_set_hook(void (*hook)(int priority, const char *line));

#endif
