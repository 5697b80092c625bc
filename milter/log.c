/* Daemon logging (see log.h). */
#include "milter/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool log_stderr = true;
static bool log_journal;	/* stderr is journald's stream: "<N>" prefixes */
static gint log_level = LOG_INFO;
static int log_facility = LOG_MAIL;
static void (*log_hook)(int priority, const char *line);

/* JOURNAL_STREAM is "DEVICE:INODE" of the stream systemd connected to
   stdout/stderr; it is inherited, so compare it with what fd 2 really is. */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return false;
	return fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void milter_log_init(bool to_stderr)
{
	log_stderr = to_stderr;
	log_journal = to_stderr && stderr_is_journal();
	if (!to_stderr)
		openlog("council-milter", LOG_PID | LOG_NDELAY, log_facility);
}

/* A setting's name and the LOG_* value it stands for. */
struct name_value {
	const char *name;
	int value;
};

/* The value of NAME in TABLE (N entries), or -1. */
static int value_of(const struct name_value *table, size_t n, const char *name)
{
	for (size_t i = 0; name != NULL && i < n; i++)
		if (strcmp(name, table[i].name) == 0)
			return table[i].value;
	return -1;
}

/* Called from the main thread (start, reload); openlog() takes the same
   lock as syslog(), so lines being logged meanwhile are not lost. */
void milter_log_set_facility(int facility)
{
	if (facility < 0 || facility == log_facility)
		return;
	log_facility = facility;
	if (!log_stderr)
		openlog("council-milter", LOG_PID | LOG_NDELAY, facility);
}

int milter_log_facility_from_name(const char *name)
{
	static const struct name_value facilities[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	return value_of(facilities, G_N_ELEMENTS(facilities), name);
}

void milter_log_set_level(int priority)
{
	g_atomic_int_set(&log_level, priority);
}

int milter_log_level_from_name(const char *name)
{
	static const struct name_value levels[] = {
		{ "error", LOG_ERR }, { "warning", LOG_WARNING }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG },
	};

	return value_of(levels, G_N_ELEMENTS(levels), name);
}

bool milter_log_enabled(int priority)
{
	return priority <= g_atomic_int_get(&log_level);
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

	if (!milter_log_enabled(priority))
		return;
	va_start(ap, fmt);
	char *line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (log_hook != NULL)
		log_hook(priority, line);
	else if (log_journal)
		fprintf(stderr, "<%d>%s%s\n", priority, level_name(priority), line);
	else if (log_stderr)
		/* One fprintf per line: stdio locks the stream, so lines from
		   several connections never interleave. */
		fprintf(stderr, "council-milter[%ld]: %s%s\n", (long)getpid(),
			level_name(priority), line);
	else
		syslog(priority, "%s%s", level_name(priority), line);
	g_free(line);
}
