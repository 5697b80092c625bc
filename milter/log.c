/* Daemon logging (see log.h). */
#include "milter/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static bool log_stderr = true;
static void (*log_hook)(int priority, const char *line);

void milter_log_init(bool to_stderr)
{
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog("council-milter", LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void milter_log_set_hook(void (*hook)(int priority, const char *line))
{
	log_hook = hook;
}

static const char *level_name(int priority)
{
	switch (priority) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
		return "fatal: ";
	case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	default:
		return "";
	}
}

void milter_log(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (log_hook != NULL)
		log_hook(priority, line);
	else if (log_stderr)
		/* One fprintf per line: stdio locks the stream, so lines from
		   several connections never interleave. */
		fprintf(stderr, "council-milter[%ld]: %s%s\n", (long)getpid(),
			level_name(priority), line);
	else
		syslog(priority, "%s%s", level_name(priority), line);
	g_free(line);
}
