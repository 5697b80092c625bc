/* The daemon's counters and their text (see metrics.h). */
#include "milter/metrics.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "audit/audit.h"

static const char *const actions[] = { "accept", "annotate", "hold", "reject", "tempfail" };
#define N_ACTIONS G_N_ELEMENTS(actions)

static const char *const causes[MILTER_TEMPFAIL_COUNT] = {
	"limit", "parse", "judge", "footer", "journal", "mta_refused", "no_configuration",
	"protocol", "stopping",
};

/* Judging takes milliseconds; a slow one (a large message, a loaded
   machine) seconds; milter_content_timeout is minutes. */
static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
				  1, 2.5, 5, 10, 30 };
#define N_BUCKETS G_N_ELEMENTS(buckets)

static atomic_ullong messages[N_ACTIONS];
static atomic_ullong findings[CONF_RULE_COUNT];
static atomic_ullong tempfails[MILTER_TEMPFAIL_COUNT];
static atomic_ullong journal_failures;
static atomic_ullong notices;
static atomic_ullong judge_buckets[N_BUCKETS];	/* each its own, summed when written */
static atomic_ullong judge_count;
static atomic_ullong judge_nanoseconds;
static atomic_ullong generation;
static atomic_ullong reload_failures;
static atomic_int last_reload_ok = 1;
static atomic_llong started_at;

/* What is held, from the journal: queue id -> when it was held. */
static GMutex held_lock;
static struct journal_follow *held_follow;
static GHashTable *held;
static char *held_error;	/* the journal could not be read: why */

enum milter_tempfail milter_tempfail_from_engine(const char *cause)
{
	for (int i = 0; cause != NULL && i < MILTER_TEMPFAIL_COUNT; i++)
		if (strcmp(cause, causes[i]) == 0)
			return (enum milter_tempfail)i;
	return MILTER_TEMPFAIL_JUDGE;	/* an internal error of the judging */
}

void milter_metrics_message(const char *action)
{
	for (size_t i = 0; action != NULL && i < N_ACTIONS; i++)
		if (strcmp(action, actions[i]) == 0)
			atomic_fetch_add(&messages[i], 1);
}

void milter_metrics_notice(void)
{
	atomic_fetch_add(&notices, 1);
}

void milter_metrics_finding(enum conf_rule rule)
{
	if (rule < CONF_RULE_COUNT)
		atomic_fetch_add(&findings[rule], 1);
}

void milter_metrics_tempfail(enum milter_tempfail cause)
{
	if (cause < MILTER_TEMPFAIL_COUNT)
		atomic_fetch_add(&tempfails[cause], 1);
}

void milter_metrics_journal_failure(void)
{
	atomic_fetch_add(&journal_failures, 1);
}

void milter_metrics_judge_seconds(double seconds)
{
	for (size_t i = 0; i < N_BUCKETS; i++) {
		if (seconds <= buckets[i]) {
			atomic_fetch_add(&judge_buckets[i], 1);
			break;
		}
	}
	atomic_fetch_add(&judge_count, 1);
	atomic_fetch_add(&judge_nanoseconds, (unsigned long long)(seconds * 1e9));
}

void milter_metrics_generation(void)
{
	long long never = 0;
	atomic_compare_exchange_strong(&started_at, &never,
				       (long long)(g_get_real_time() / G_USEC_PER_SEC));
	atomic_fetch_add(&generation, 1);
	atomic_store(&last_reload_ok, 1);
}

void milter_metrics_reload_failed(void)
{
	atomic_fetch_add(&reload_failures, 1);
	atomic_store(&last_reload_ok, 0);
}

void milter_metrics_set_journal(const char *path)
{
	g_mutex_lock(&held_lock);
	journal_follow_free(&held_follow);
	if (held != NULL)
		g_hash_table_unref(held);
	held = NULL;
	if (path != NULL) {
		held_follow = journal_follow_new(path);
		held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	}
	g_mutex_unlock(&held_lock);
}

/* A line of the journal: a hold adds its queue id, a release, return or
   expiry (or a later decision on a reused id) takes it away. */
static bool held_line(JsonObject *o, void *ctx)
{
	const char *event = journal_member_string(o, "event");
	const char *action = journal_member_string(o, "action");
	const char *qid = journal_member_string(o, "queue_id");
	const char *time = journal_member_string(o, "time");

	if (qid == NULL)
		return true;
	if (g_strcmp0(event, "decision") == 0 && g_strcmp0(action, "hold") == 0) {
		GDateTime *t = time != NULL ? g_date_time_new_from_iso8601(time, NULL) : NULL;
		gint64 *at = g_new(gint64, 1);
		*at = t != NULL ? g_date_time_to_unix(t) : g_get_real_time() / G_USEC_PER_SEC;
		if (t != NULL)
			g_date_time_unref(t);
		g_hash_table_replace(held, g_strdup(qid), at);
	} else if (g_strcmp0(event, "decision") == 0 ||
		   (g_strcmp0(event, "mta-refused") == 0 && g_strcmp0(action, "hold") != 0) ||
		   (g_strcmp0(event, "review") == 0 && (g_strcmp0(action, "release") == 0 ||
							g_strcmp0(action, "delete") == 0 ||
							g_strcmp0(action, "return") == 0))) {
		g_hash_table_remove(held, qid);
	}
	return true;
}

static void counter(GString *s, const char *name, const char *help, unsigned long long v)
{
	g_string_append_printf(s, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
			       name, name, v);
}

static void gauge(GString *s, const char *name, const char *help, long long v)
{
	g_string_append_printf(s, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, name,
			       name, v);
}

static void labelled(GString *s, const char *name, const char *help, const char *label,
		     const char *const *values, atomic_ullong *counts, size_t n)
{
	g_string_append_printf(s, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(s, "%s{%s=\"%s\"} %llu\n", name, label, values[i],
				       atomic_load(&counts[i]));
}

static void histogram(GString *s)
{
	const char *name = "council_milter_judge_duration_seconds";
	unsigned long long cumulative = 0;
	char num[G_ASCII_DTOSTR_BUF_SIZE];

	g_string_append_printf(s, "# HELP %s Time to judge a message, from its end to the "
			       "verdict.\n# TYPE %s histogram\n", name, name);
	for (size_t i = 0; i < N_BUCKETS; i++) {
		cumulative += atomic_load(&judge_buckets[i]);
		g_string_append_printf(s, "%s_bucket{le=\"%s\"} %llu\n", name,
				       g_ascii_dtostr(num, sizeof(num), buckets[i]), cumulative);
	}
	unsigned long long count = atomic_load(&judge_count);
	g_string_append_printf(s, "%s_bucket{le=\"+Inf\"} %llu\n", name, count);
	g_ascii_formatd(num, sizeof(num), "%.6f", (double)atomic_load(&judge_nanoseconds) / 1e9);
	g_string_append_printf(s, "%s_sum %s\n%s_count %llu\n", name, num, name, count);
}

/* The held messages, brought up to date from the journal. */
static void held_gauges(GString *s)
{
	const char *error;

	g_mutex_lock(&held_lock);
	if (held_follow == NULL) {
		g_mutex_unlock(&held_lock);
		return;
	}
	if (journal_follow_read(held_follow, held_line, NULL, &error) < 0) {
		g_free(held_error);
		held_error = g_strdup(error);
	} else {
		g_clear_pointer(&held_error, g_free);
	}
	gint64 now = g_get_real_time() / G_USEC_PER_SEC, oldest = now;
	GHashTableIter it;
	gpointer at;
	g_hash_table_iter_init(&it, held);
	while (g_hash_table_iter_next(&it, NULL, &at))
		oldest = MIN(oldest, *(gint64 *)at);
	gauge(s, "council_milter_held_messages", "Messages held for review and not yet "
	      "released, returned or expired, as the journal records them.",
	      g_hash_table_size(held));
	gauge(s, "council_milter_held_oldest_seconds", "How long the longest-held message "
	      "has waited (0: none held).", now - oldest);
	gauge(s, "council_milter_journal_readable", "1 when the journal could be read for "
	      "the held messages, 0 when not (the log says why).", held_error == NULL);
	g_mutex_unlock(&held_lock);
}

char *milter_metrics_text(void)
{
	GString *s = g_string_new(NULL);
	const char *rules[CONF_RULE_COUNT];

	for (int i = 0; i < CONF_RULE_COUNT; i++)
		rules[i] = conf_rule_id((enum conf_rule)i);
	labelled(s, "council_milter_messages_total", "Messages judged, by what happened to "
		 "them.", "action", actions, messages, N_ACTIONS);
	counter(s, "council_milter_notices_total", "The filter's own notices (hold notices, "
		"digests), passed unjudged.", atomic_load(&notices));
	labelled(s, "council_milter_findings_total", "Findings, by rule (a message may have "
		 "several).", "rule", rules, findings, CONF_RULE_COUNT);
	labelled(s, "council_milter_tempfails_total", "Messages the sending server was asked "
		 "to retry, by cause.", "cause", causes, tempfails, MILTER_TEMPFAIL_COUNT);
	counter(s, "council_milter_journal_failures_total", "Journal lines that could not be "
		"written (each is in the log instead).", atomic_load(&journal_failures));
	histogram(s);
	held_gauges(s);
	gauge(s, "council_milter_config_generation", "Configurations loaded since the start "
	      "(1: only the first).", (long long)atomic_load(&generation));
	counter(s, "council_milter_config_reload_failures_total", "Reloads refused: the "
		"configuration had errors, and the one in force stayed.",
		atomic_load(&reload_failures));
	gauge(s, "council_milter_config_last_reload_successful", "0 when the last reload was "
	      "refused, else 1.", atomic_load(&last_reload_ok));
	gauge(s, "council_milter_start_time_seconds", "When the filter started, in seconds "
	      "since 1970.", atomic_load(&started_at));
	g_string_append_printf(s, "# HELP council_milter_build_info The version running.\n"
			       "# TYPE council_milter_build_info gauge\n"
			       "council_milter_build_info{version=\"%s\"} 1\n", COUNCIL_VERSION);
	return g_string_free(s, FALSE);
}
