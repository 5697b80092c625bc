#ifndef COUNCIL_MILTER_METRICS_H
#define COUNCIL_MILTER_METRICS_H

/*
 * The daemon's counters for the administrator, in Prometheus's text
 * exposition format (version 0.0.4): messages by what happened to them,
 * findings by rule, messages deferred by cause, journal failures, the time
 * judging takes (a histogram), the messages held for review (from the
 * journal, so council-review's releases count), and the configuration's
 * generation, reload failures and whether the last reload worked.
 *
 * Counting is lock-free and costs a few atomic adds per message. The text
 * is served over HTTP on a loopback port or a unix socket (libmicrohttpd,
 * its own thread) and/or written to a node-exporter textfile every
 * interval, as conf's struct conf_metrics says (metrics-serve.c).
 *
 * Errors: as util.h says. Thread-safe.
 */

#include <stdbool.h>

#include "conf/conf.h"

/* Why a message was deferred (a 4xx): each is a label value of
   council_milter_tempfails_total. */
enum milter_tempfail {
	MILTER_TEMPFAIL_LIMIT,		/* a limit of the configuration */
	MILTER_TEMPFAIL_PARSE,		/* the message could not be parsed */
	MILTER_TEMPFAIL_JUDGE,		/* the rules failed (WordNet, the thread store) */
	MILTER_TEMPFAIL_FOOTER,		/* the footer could not be written */
	MILTER_TEMPFAIL_JOURNAL,	/* the decision could not be recorded */
	MILTER_TEMPFAIL_MTA_REFUSED,	/* the MTA refused an operation */
	MILTER_TEMPFAIL_NO_CONFIG,	/* no configuration loaded */
	MILTER_TEMPFAIL_PROTOCOL,	/* the milter protocol out of step */
	MILTER_TEMPFAIL_STOPPING,	/* the filter is stopping */
	MILTER_TEMPFAIL_COUNT
};

/* The engine's cause ("limit", "parse", ...; NULL) as a cause. */
enum milter_tempfail milter_tempfail_from_engine(const char *cause);

/* One message's outcome: ACTION is "accept", "annotate", "hold", "reject"
   or "tempfail" (engine_result_action's words). */
void milter_metrics_message(const char *action);
/* One of our own notices, passed unjudged (not a message judged). */
void milter_metrics_notice(void);
void milter_metrics_finding(enum conf_rule rule);
void milter_metrics_tempfail(enum milter_tempfail cause);
void milter_metrics_journal_failure(void);
void milter_metrics_judge_seconds(double seconds);
/* A configuration installed (start-up, a reload). */
void milter_metrics_generation(void);
void milter_metrics_reload_failed(void);

/* Where held messages are counted from (the configured journal); until
   set, council_milter_held_messages is not reported. */
void milter_metrics_set_journal(const char *path);

/* The exposition, every metric with its HELP and TYPE (g_free). */
char *milter_metrics_text(void);

/* Before the daemon forks, as its user: bind the endpoint METRICS names and
   write the textfile once, so that a mistake stops the start with its
   reason. 0 when there is nothing to do. */
int milter_metrics_open(const struct conf_metrics *metrics, const char **error_r);
/* After signals are blocked (so the threads made here never take one):
   serve the endpoint and start writing the textfile. */
int milter_metrics_start(const char **error_r);
/* Whether METRICS (a reload's) differs from what was set up at start-up,
   which stays in force until a restart. */
bool milter_metrics_changed(const struct conf_metrics *metrics);
/* At a stop: the textfile written a last time, the endpoint closed. */
void milter_metrics_stop(void);

#endif
