/* The report (audit.h) on a journal fixture whose counts are known
   (tests/audit/report/: a rotated file and the current one, two councils,
   March 2025 with lines before and after it): messages by action, findings
   by rule and clause, holds released, returned and expired, the median time
   to review, the busiest senders, each rule's precision from the reviewers'
   verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "audit/audit.h"

#define A "Ashcombe Parish Council"
#define B "Bramley Town Council"
#define MARCH 1740787200	/* 2025-03-01T00:00:00Z */
#define APRIL 1743465600	/* 2025-04-01T00:00:00Z */

/* Run from tests/audit. */
static const char *const files[] = { "report/journal.jsonl.1", "report/journal.jsonl" };

static struct report *build(const char *council, time_t since, time_t until)
{
	struct report *r;
	const char *error;

	if (report_build(files, G_N_ELEMENTS(files), since, until, council, &r, &error) < 0)
		fail_msg("report_build: %s", error);
	return r;
}

static void want(const char *what, unsigned long got, unsigned long wanted)
{
	if (got != wanted)
		fail_msg("%s: got %lu, want %lu", what, got, wanted);
}

struct finding_want {
	const char *rule, *clause;
	unsigned long n;
};

struct sender_want {
	const char *address;
	unsigned long held;
};

struct precision_want {
	const char *rule;
	unsigned long verdicts, breach, allowed, no_breach;
};

static const struct {
	const char *council;
	unsigned long judged, actions[REPORT_ACTIONS], notices;
	unsigned long held, still_held, released, returned, expired, reviewed;
	gint64 median;
	struct finding_want findings[8];
	struct sender_want senders[4];
	struct precision_want precision[3];
	unsigned long unknown;
} cases[] = {
	{ A, 10, { 1, 1, 5, 1, 2 }, 1, 5, 1, 4, 1, 0, 5, 86400,
	  { { "capacity", "12.5", 1 }, { "confidential", "10.7 (with 10.3, 8.14)", 3 },
	    { "obligation-in-member-name", "12.4 (with 12.2, 2.9)", 3 },
	    { "party-political", "14.3", 1 }, { "silent-copy", "12.1", 1 } },
	  { { "cllr.smith@ashcombe-pc.gov.uk", 3 }, { "cllr.jones@ashcombe-pc.gov.uk", 2 } },
	  { { "confidential", 1, 0, 0, 1 }, { "obligation-in-member-name", 3, 2, 1, 0 } }, 1 },
	{ B, 1, { 0, 0, 1, 0, 0 }, 0, 1, 0, 0, 0, 1, 0, -1,
	  { { "obligation-in-member-name", "12.4", 1 } },
	  { { "cllr.shah@bramley-tc.gov.uk", 1 } }, { { NULL } }, 0 },
	{ NULL, 12, { 2, 1, 6, 1, 2 }, 1, 6, 1, 4, 1, 1, 5, 86400,
	  { { "capacity", "12.5", 1 }, { "confidential", "10.7 (with 10.3, 8.14)", 3 },
	    { "obligation-in-member-name", "12.4", 1 },
	    { "obligation-in-member-name", "12.4 (with 12.2, 2.9)", 3 },
	    { "party-political", "14.3", 1 }, { "silent-copy", "12.1", 1 } },
	  { { "cllr.smith@ashcombe-pc.gov.uk", 3 }, { "cllr.jones@ashcombe-pc.gov.uk", 2 },
	    { "cllr.shah@bramley-tc.gov.uk", 1 } },
	  { { "confidential", 1, 0, 0, 1 }, { "obligation-in-member-name", 3, 2, 1, 0 } }, 1 },
};

static void test_march(void **state)
{
	for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
		struct report *r = build(cases[c].council, MARCH, APRIL);
		char *what = g_strdup_printf("%s, March", cases[c].council != NULL ?
					     cases[c].council : "every council");

		print_message("%s\n", what);
		want("judged", r->judged, cases[c].judged);
		for (int a = 0; a < REPORT_ACTIONS; a++)
			want(report_action_names[a], r->actions[a], cases[c].actions[a]);
		want("notices", r->notices, cases[c].notices);
		want("held", r->held, cases[c].held);
		want("still held", r->still_held, cases[c].still_held);
		want("released", r->released, cases[c].released);
		want("returned", r->returned, cases[c].returned);
		want("expired", r->expired, cases[c].expired);
		want("reviewed", r->reviewed, cases[c].reviewed);
		if (r->median_review_seconds != cases[c].median)
			fail_msg("median: got %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT,
				 r->median_review_seconds, cases[c].median);

		guint n = 0;
		while (n < G_N_ELEMENTS(cases[c].findings) && cases[c].findings[n].rule != NULL)
			n++;
		want("finding rows", r->findings->len, n);
		for (guint i = 0; i < n; i++) {
			const struct report_finding *f =
				&g_array_index(r->findings, struct report_finding, i);
			const struct finding_want *w = &cases[c].findings[i];
			if (strcmp(f->rule, w->rule) != 0 || strcmp(f->clause, w->clause) != 0 ||
			    f->n != w->n)
				fail_msg("finding %u: got %s %s %lu, want %s %s %lu", i, f->rule,
					 f->clause, f->n, w->rule, w->clause, w->n);
		}
		n = 0;
		while (n < G_N_ELEMENTS(cases[c].senders) && cases[c].senders[n].address != NULL)
			n++;
		want("senders", r->senders->len, n);
		for (guint i = 0; i < n; i++) {
			const struct report_sender *s =
				&g_array_index(r->senders, struct report_sender, i);
			if (strcmp(s->address, cases[c].senders[i].address) != 0 ||
			    s->held != cases[c].senders[i].held || s->name == NULL)
				fail_msg("sender %u: got %s (%s) %lu, want %s %lu", i, s->address,
					 s->name, s->held, cases[c].senders[i].address,
					 cases[c].senders[i].held);
		}
		n = 0;
		while (n < G_N_ELEMENTS(cases[c].precision) && cases[c].precision[n].rule != NULL)
			n++;
		want("precision rows", r->precision->len, n);
		for (guint i = 0; i < n; i++) {
			const struct report_precision *p =
				&g_array_index(r->precision, struct report_precision, i);
			const struct precision_want *w = &cases[c].precision[i];
			if (strcmp(p->rule, w->rule) != 0 || p->verdicts != w->verdicts ||
			    p->breach != w->breach || p->allowed != w->allowed ||
			    p->no_breach != w->no_breach)
				fail_msg("precision %u: got %s %lu/%lu/%lu/%lu, want %s "
					 "%lu/%lu/%lu/%lu", i, p->rule, p->verdicts, p->breach,
					 p->allowed, p->no_breach, w->rule, w->verdicts,
					 w->breach, w->allowed, w->no_breach);
		}
		want("verdicts not understood", r->verdicts_unknown, cases[c].unknown);
		want("lines", r->lines, 25);
		want("unreadable lines", r->unreadable, 1);
		g_free(what);
		report_free(&r);
	}
}

/* April: H3 expired (returned by the expiry job), Q9 judged; nothing held
   in April, so nothing still held. A period with no lines: all zero. */
static void test_other_periods(void **state)
{
	struct report *r = build(A, APRIL, APRIL + 30 * 86400);

	want("April judged", r->judged, 1);
	want("April accept", r->actions[REPORT_ACCEPT], 1);
	want("April expired", r->expired, 1);
	want("April held", r->held, 0);
	want("April senders", r->senders->len, 0);
	if (r->median_review_seconds != -1)
		fail_msg("April median: got %" G_GINT64_FORMAT ", want none",
			 r->median_review_seconds);
	report_free(&r);

	r = build(NULL, 0, MARCH - 5 * 86400);
	want("before: judged", r->judged, 0);
	want("before: findings", r->findings->len, 0);
	report_free(&r);

	/* February: H0 held then, still held when February ended. */
	r = build(A, MARCH - 28 * 86400, MARCH);
	want("February held", r->held, 1);
	want("February still held", r->still_held, 1);
	want("February released", r->released, 0);
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_march),
		cmocka_unit_test(test_other_periods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
