/*
 * council-review report: what the journal says about a period, counted (the
 * audit library's report_build), as text for the Clerk's report to the
 * council, or as CSV or JSON for a spreadsheet or a script.
 */
#include "review/review.h"

#include <string.h>

#include "audit/audit.h"
#include "util/util.h"

static const char *const action_words[REPORT_ACTIONS] = {
	"passed unchanged", "passed with a notice", "held for review", "refused",
	"deferred (the filter could not judge them; the sender retried)",
};

static void amount(GString *out, gint64 n, const char *unit)
{
	g_string_append_printf(out, "%s%" G_GINT64_FORMAT " %s%s", out->len > 0 ? " " : "", n,
			       unit, n == 1 ? "" : "s");
}

/* "3 days 4 hours", "2 hours 5 minutes", "1 day", "40 minutes". */
static char *duration(gint64 s)
{
	GString *out = g_string_new(NULL);
	static const struct {
		gint64 seconds;
		const char *unit;
	} units[] = { { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" } };

	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		if (s < units[i].seconds && !(i == G_N_ELEMENTS(units) - 1 && out->len == 0))
			continue;
		amount(out, s / units[i].seconds, units[i].unit);
		gint64 rest = s % units[i].seconds / (i + 1 < G_N_ELEMENTS(units) ?
						      units[i + 1].seconds : 1);
		if (rest > 0 && i + 1 < G_N_ELEMENTS(units))
			amount(out, rest, units[i + 1].unit);
		break;
	}
	return g_string_free(out, FALSE);
}

static char *day_text(time_t t, const char *format)
{
	GDateTime *d = g_date_time_new_from_unix_utc(t);
	char *text = g_date_time_format(d, format);

	g_date_time_unref(d);
	return text;
}

/* The period as a person says it: "1 March 2025 to 31 March 2025". */
static char *period_text(const struct report *r)
{
	char *from = day_text(r->since, "%-d %B %Y");
	char *to = day_text(r->until - 1, "%-d %B %Y");
	char *text = strcmp(from, to) == 0 ? g_strdup(from) : g_strdup_printf("%s to %s", from, to);

	g_free(from);
	g_free(to);
	return text;
}

static unsigned percent(unsigned long part, unsigned long whole)
{
	return whole == 0 ? 0 : (unsigned)((part * 100 + whole / 2) / whole);
}

static void print_text(FILE *out, const struct report *r, const char *journal)
{
	char *period = period_text(r);

	fprintf(out, "Council mail report: %s\n%s (times in UTC), from the journal %s\n\n",
		r->council != NULL ? r->council : "every council", period, journal);
	fprintf(out, "Messages judged: %lu\n", r->judged);
	for (int a = 0; a < REPORT_ACTIONS; a++)
		if (r->actions[a] > 0 || a != REPORT_TEMPFAIL)
			fprintf(out, "  %6lu  %s\n", r->actions[a], action_words[a]);
	if (r->notices > 0)
		fprintf(out, "  (and %lu of the filter's own notices, passed unjudged)\n",
			r->notices);

	fprintf(out, "\nFindings, by rule and the protocol's clause:\n");
	if (r->findings->len == 0)
		fprintf(out, "  none\n");
	for (guint i = 0; i < r->findings->len; i++) {
		const struct report_finding *f = &g_array_index(r->findings,
								struct report_finding, i);
		static const char *const done[REPORT_ACTIONS] = {
			"", "annotated", "held", "refused", "deferred",
		};
		GString *how = g_string_new(NULL);
		for (int a = REPORT_ACTIONS - 1; a >= REPORT_ANNOTATE; a--)
			if (f->by_action[a] > 0)
				g_string_append_printf(how, "%s%lu %s", how->len > 0 ? ", " : "",
						       f->by_action[a], done[a]);
		if (f->monitor > 0)
			g_string_append_printf(how, "%s%lu monitored only", how->len > 0 ? ", " :
					       "", f->monitor);
		fprintf(out, "  %6lu  %s, clause %s%s%s%s\n", f->n, f->rule,
			*f->clause != '\0' ? f->clause : "(none)", how->len > 0 ? " (" : "",
			how->str, how->len > 0 ? ")" : "");
		g_string_free(how, TRUE);
	}

	fprintf(out, "\nHeld for review: %lu\n", r->held);
	fprintf(out, "  %6lu  released by the Clerk (or a deputy)\n", r->released);
	fprintf(out, "  %6lu  returned to their authors with a note\n", r->returned);
	fprintf(out, "  %6lu  expired unreviewed (hold_expiry)\n", r->expired);
	fprintf(out, "  %6lu  of this period's still held when it ended\n", r->still_held);
	if (r->median_review_seconds >= 0) {
		char *d = duration(r->median_review_seconds);
		fprintf(out, "  Median time from hold to review: %s (%lu reviewed)\n", d,
			r->reviewed);
		g_free(d);
	} else {
		fprintf(out, "  Median time from hold to review: none reviewed\n");
	}

	fprintf(out, "\nBusiest senders of held mail:\n");
	if (r->senders->len == 0)
		fprintf(out, "  none\n");
	for (guint i = 0; i < r->senders->len; i++) {
		const struct report_sender *s = &g_array_index(r->senders, struct report_sender, i);
		fprintf(out, "  %6lu  ", s->held);
		char *who = s->name != NULL ? g_strdup_printf("%s <%s>", s->name, s->address) :
			g_strdup(s->address);
		review_print_safe(out, who, strlen(who));
		fputc('\n', out);
		g_free(who);
	}

	fprintf(out, "\nThe reviewers' verdicts on holds, by rule (precision: the share that "
		"were breaches):\n");
	if (r->precision->len == 0)
		fprintf(out, "  none recorded in this period\n");
	for (guint i = 0; i < r->precision->len; i++) {
		const struct report_precision *p = &g_array_index(r->precision,
								  struct report_precision, i);
		fprintf(out, "  %s: %u%% of %lu (%lu breach%s held rightly, %lu breach%s allowed, "
			"%lu no breach)\n", p->rule, percent(p->breach + p->allowed, p->verdicts),
			p->verdicts, p->breach, p->breach == 1 ? "" : "es", p->allowed,
			p->allowed == 1 ? "" : "es", p->no_breach);
	}
	if (r->verdicts_unknown > 0)
		fprintf(out, "  (%lu verdict%s not understood, left out)\n", r->verdicts_unknown,
			r->verdicts_unknown == 1 ? "" : "s");
	if (r->unreadable > 0)
		fprintf(out, "\n%lu line%s of the journal could not be read (cut short?); "
			"council-review verify checks it.\n", r->unreadable,
			r->unreadable == 1 ? "" : "s");
	g_free(period);
}

/* One CSV field: quoted when it holds a comma, quote or line break, and
   never read as a formula by a spreadsheet (a leading =, +, - or @). */
static void csv_field(GString *out, const char *s)
{
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
	bool quote = formula || s[strcspn(s, ",\"\r\n")] != '\0';

	if (quote)
		g_string_append_c(out, '"');
	if (formula)
		g_string_append_c(out, '\'');
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	if (quote)
		g_string_append_c(out, '"');
}

static void csv_row(GString *out, const struct report *r, const char *section,
		    const char *name, const char *detail, gint64 value)
{
	char *since = day_text(r->since, "%Y-%m-%d"), *until = day_text(r->until - 1, "%Y-%m-%d");
	const char *fields[] = { r->council != NULL ? r->council : "", since, until, section,
				 name, detail != NULL ? detail : "" };

	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
		char *visible = util_text_visible(fields[i], -1);
		csv_field(out, visible);
		g_string_append_c(out, ',');
		g_free(visible);
	}
	g_string_append_printf(out, "%" G_GINT64_FORMAT "\r\n", value);
	g_free(since);
	g_free(until);
}

static void print_csv(FILE *out, const struct report *r)
{
	GString *s = g_string_new("council,since,until,section,name,detail,value\r\n");

	csv_row(s, r, "messages", "judged", NULL, (gint64)r->judged);
	for (int a = 0; a < REPORT_ACTIONS; a++)
		csv_row(s, r, "action", report_action_names[a], NULL, (gint64)r->actions[a]);
	csv_row(s, r, "messages", "own notices", NULL, (gint64)r->notices);
	for (guint i = 0; i < r->findings->len; i++) {
		const struct report_finding *f = &g_array_index(r->findings,
								struct report_finding, i);
		csv_row(s, r, "finding", f->rule, f->clause, (gint64)f->n);
	}
	csv_row(s, r, "holds", "held", NULL, (gint64)r->held);
	csv_row(s, r, "holds", "released", NULL, (gint64)r->released);
	csv_row(s, r, "holds", "returned", NULL, (gint64)r->returned);
	csv_row(s, r, "holds", "expired", NULL, (gint64)r->expired);
	csv_row(s, r, "holds", "still held", NULL, (gint64)r->still_held);
	csv_row(s, r, "holds", "reviewed", NULL, (gint64)r->reviewed);
	if (r->median_review_seconds >= 0)
		csv_row(s, r, "holds", "median seconds to review", NULL,
			r->median_review_seconds);
	for (guint i = 0; i < r->senders->len; i++) {
		const struct report_sender *p = &g_array_index(r->senders, struct report_sender, i);
		csv_row(s, r, "sender", p->address, p->name, (gint64)p->held);
	}
	for (guint i = 0; i < r->precision->len; i++) {
		const struct report_precision *p = &g_array_index(r->precision,
								  struct report_precision, i);
		csv_row(s, r, "verdicts", p->rule, "reviewed", (gint64)p->verdicts);
		csv_row(s, r, "verdicts", p->rule, "breach", (gint64)p->breach);
		csv_row(s, r, "verdicts", p->rule, "breach allowed", (gint64)p->allowed);
		csv_row(s, r, "verdicts", p->rule, "no breach", (gint64)p->no_breach);
		csv_row(s, r, "verdicts", p->rule, "precision percent",
			percent(p->breach + p->allowed, p->verdicts));
	}
	fwrite(s->str, 1, s->len, out);
	g_string_free(s, TRUE);
}

static void json_count(JsonBuilder *b, const char *name, gint64 n)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, n);
}

static void print_json(FILE *out, const struct report *r, const char *journal)
{
	JsonBuilder *b = json_builder_new();
	char *since = day_text(r->since, "%Y-%m-%dT%H:%M:%SZ");
	char *until = day_text(r->until, "%Y-%m-%dT%H:%M:%SZ");

	json_builder_begin_object(b);
	journal_add_string(b, "council", r->council);
	journal_add_string(b, "since", since);
	journal_add_string(b, "until", until);
	journal_add_string(b, "journal", journal);
	json_count(b, "judged", (gint64)r->judged);
	json_builder_set_member_name(b, "actions");
	json_builder_begin_object(b);
	for (int a = 0; a < REPORT_ACTIONS; a++)
		json_count(b, report_action_names[a], (gint64)r->actions[a]);
	json_builder_end_object(b);
	json_count(b, "own_notices", (gint64)r->notices);
	json_builder_set_member_name(b, "findings");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->findings->len; i++) {
		const struct report_finding *f = &g_array_index(r->findings,
								struct report_finding, i);
		json_builder_begin_object(b);
		journal_add_string(b, "rule", f->rule);
		journal_add_string(b, "clause", f->clause);
		json_count(b, "count", (gint64)f->n);
		for (int a = REPORT_ANNOTATE; a < REPORT_ACTIONS; a++)
			json_count(b, report_action_names[a], (gint64)f->by_action[a]);
		json_count(b, "monitor", (gint64)f->monitor);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "holds");
	json_builder_begin_object(b);
	json_count(b, "held", (gint64)r->held);
	json_count(b, "released", (gint64)r->released);
	json_count(b, "returned", (gint64)r->returned);
	json_count(b, "expired", (gint64)r->expired);
	json_count(b, "still_held", (gint64)r->still_held);
	json_count(b, "reviewed", (gint64)r->reviewed);
	json_builder_set_member_name(b, "median_seconds_to_review");
	if (r->median_review_seconds >= 0)
		json_builder_add_int_value(b, r->median_review_seconds);
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "busiest_senders");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->senders->len; i++) {
		const struct report_sender *p = &g_array_index(r->senders, struct report_sender, i);
		json_builder_begin_object(b);
		journal_add_string(b, "address", p->address);
		journal_add_string(b, "name", p->name);
		json_count(b, "held", (gint64)p->held);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "verdicts");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->precision->len; i++) {
		const struct report_precision *p = &g_array_index(r->precision,
								  struct report_precision, i);
		json_builder_begin_object(b);
		journal_add_string(b, "rule", p->rule);
		json_count(b, "reviewed", (gint64)p->verdicts);
		json_count(b, "breach", (gint64)p->breach);
		json_count(b, "breach_allowed", (gint64)p->allowed);
		json_count(b, "no_breach", (gint64)p->no_breach);
		json_builder_set_member_name(b, "precision");
		json_builder_add_double_value(b, p->verdicts == 0 ? 0.0 :
					      (double)(p->breach + p->allowed) /
					      (double)p->verdicts);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_count(b, "verdicts_not_understood", (gint64)r->verdicts_unknown);
	json_count(b, "lines_not_read", (gint64)r->unreadable);
	json_builder_end_object(b);
	char *text = journal_json_text(b, true);
	fprintf(out, "%s\n", text);
	g_free(text);
	g_free(since);
	g_free(until);
}

/* "2025-03-01" (that day's midnight, UTC) or a full ISO 8601 time; END:
   a day means up to the end of it. */
static int parse_time(const char *s, bool end, time_t *t_r)
{
	GDateTime *d = NULL;
	int y, m, day;
	char extra;

	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &day, &extra) == 3 && strlen(s) == 10) {
		d = g_date_time_new_utc(y, m, day, 0, 0, 0);
		if (d != NULL && end) {
			GDateTime *next = g_date_time_add_days(d, 1);
			g_date_time_unref(d);
			d = next;
		}
	} else {
		GTimeZone *utc = g_time_zone_new_utc();
		d = g_date_time_new_from_iso8601(s, utc);
		g_time_zone_unref(utc);
	}
	if (d == NULL)
		return -1;
	*t_r = (time_t)g_date_time_to_unix(d);
	g_date_time_unref(d);
	return 0;
}

int review_report(const struct review_journal *j, const char *since, const char *until,
		  enum review_format format)
{
	time_t from, to;
	const char *error;
	struct report *r;

	/* By default last month, as a council's meeting reviews it. */
	GDateTime *now = g_date_time_new_now_utc();
	GDateTime *this_month = g_date_time_new_utc(g_date_time_get_year(now),
						    g_date_time_get_month(now), 1, 0, 0, 0);
	GDateTime *last_month = g_date_time_add_months(this_month, -1);
	from = (time_t)g_date_time_to_unix(last_month);
	to = (time_t)g_date_time_to_unix(this_month);
	g_date_time_unref(now);
	g_date_time_unref(this_month);
	g_date_time_unref(last_month);
	if (since != NULL && parse_time(since, false, &from) < 0)
		return review_usage_error("--since: not a date; give YYYY-MM-DD, e.g. 2025-03-01");
	if (until != NULL && parse_time(until, true, &to) < 0)
		return review_usage_error("--until: not a date; give YYYY-MM-DD (that day "
					  "included), e.g. 2025-03-31");
	if (to <= from)
		return review_usage_error("--until is before --since: nothing to report");

	GPtrArray *files = journal_files(j->path);
	int ret = report_build((const char *const *)files->pdata, files->len, from, to,
			       j->council, &r, &error);
	g_ptr_array_unref(files);
	if (ret < 0)
		return review_say(REVIEW_EX_SOFTWARE, "%s", error);
	if (format == REVIEW_CSV)
		print_csv(stdout, r);
	else if (format == REVIEW_JSON)
		print_json(stdout, r, j->path);
	else
		print_text(stdout, r, j->path);
	report_free(&r);
	return 0;
}
