/*
 * The rules, per profile: each clause a profile enforces with a positive
 * fixture and a hard negative (quoted instruction, self-Bcc, officer
 * instruction, mayor's or chair's representation, casual "confidential").
 * Fixtures: tests/messages/<profile>/; directory: tests/policy/conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "judge_test.h"
#include "policy/judge.h"

#define MAX_RCPTS 6
#define MAX_FINDINGS 4
/* The thread store expires entries against the wall clock: cases that use
   it judge "now". */
#define WALL_CLOCK ((time_t)-1)

struct want_finding {
	const char *rule;
	const char *action;
	const char *clause;
	const char *evidence;	/* substring */
};

struct judge_case {
	const char *eml;			/* under tests/messages/ */
	const char *mail_from;
	const char *rcpts[MAX_RCPTS];		/* envelope; NULL-terminated */
	const char *auth;
	time_t now;				/* 0: TEST_NOW; WALL_CLOCK: time(NULL) */
	const char *prime;			/* judged first, same thread store */
	const char *council;			/* NULL: none */
	const char *action;
	struct want_finding findings[MAX_FINDINGS];
	const char *footer;			/* substring of the footer */
	const char *header;			/* "Name: value substring" of an extra header */
	const char *add_rcpt;			/* an added recipient */
	const char *cc;				/* the mailboxes added to Cc: */
	const char *result;			/* substring of the result header */
	const char *reply;			/* substring of the reject reply */
	const char *hold;			/* substring of the hold reason */
};

static struct conf *conf;

static int group_setup(void **state)
{
	parser_init();
	conf = test_conf_load();
	return 0;
}

static int group_teardown(void **state)
{
	conf_unref(&conf);
	parser_shutdown();
	return 0;
}

static bool has_control(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return true;
	return false;
}

static void check_finding(GString *err, const struct policy_verdict *v, size_t i,
			  const struct want_finding *w)
{
	const struct policy_finding *f = &v->findings[i];

	if (strcmp(conf_rule_id(f->rule), w->rule) != 0)
		g_string_append_printf(err, "\n  finding %zu: got rule %s, want %s", i,
				       conf_rule_id(f->rule), w->rule);
	if (strcmp(conf_action_name(f->action), w->action) != 0)
		g_string_append_printf(err, "\n  %s: got action %s, want %s", w->rule,
				       conf_action_name(f->action), w->action);
	if (strcmp(f->clause, w->clause) != 0)
		g_string_append_printf(err, "\n  %s: got clause \"%s\", want \"%s\"", w->rule,
				       f->clause, w->clause);
	if (w->evidence != NULL && strstr(f->evidence, w->evidence) == NULL)
		g_string_append_printf(err, "\n  %s: got evidence \"%s\", "
				       "want it to contain \"%s\"", w->rule, f->evidence,
				       w->evidence);
	if (has_control(f->evidence))
		g_string_append_printf(err, "\n  %s: evidence has a control character", w->rule);
	/* Every notice cites the protocol's own clause or section. */
	if (f->notice_text == NULL || strstr(f->notice_text, f->clause) == NULL)
		g_string_append_printf(err, "\n  %s: got notice \"%s\", want it to cite \"%s\"",
				       w->rule, f->notice_text ? f->notice_text : "(none)",
				       f->clause);
}

static void check_outputs(GString *err, const struct judge_case *c,
			  const struct policy_verdict *v)
{
	bool header_found = c->header == NULL, annotates = false;

	/* Every finding of annotate or more, and only those, bring a notice. */
	for (size_t i = 0; i < v->n_findings; i++)
		annotates |= v->findings[i].action >= CONF_ACTION_ANNOTATE;
	if (annotates != (v->footer_text != NULL))
		g_string_append_printf(err, "\n  footer: got \"%s\", want %s",
				       v->footer_text ? v->footer_text : "(none)",
				       annotates ? "one" : "none");
	if (v->footer_text != NULL) {
		/* Wrapped at 76 characters: compare with line breaks as spaces. */
		char *flat = g_strdup(v->footer_text);
		char **lines = g_strsplit(v->footer_text, "\n", -1);

		g_strdelimit(flat, "\n", ' ');
		if (c->footer != NULL && strstr(flat, c->footer) == NULL)
			g_string_append_printf(err, "\n  footer: got \"%s\", "
					       "want it to contain \"%s\"", flat, c->footer);
		for (size_t i = 0; lines[i] != NULL; i++)
			if (g_utf8_strlen(lines[i], -1) > 76 && strchr(lines[i], ' ') != NULL)
				g_string_append_printf(err, "\n  footer line: got %ld characters, "
						       "want at most 76: \"%s\"",
						       (long)g_utf8_strlen(lines[i], -1), lines[i]);
		g_strfreev(lines);
		g_free(flat);
	} else if (c->footer != NULL) {
		g_string_append_printf(err, "\n  footer: got none, want it to contain \"%s\"",
				       c->footer);
	}
	if (v->footer_text != NULL && v->footer_html == NULL)
		g_string_append(err, "\n  footer_html: got none, want the HTML form too");
	for (size_t i = 0; i < v->n_headers; i++) {
		char *line = g_strdup_printf("%s: %s", v->headers[i].name, v->headers[i].value);

		if (c->header != NULL && strstr(line, c->header) != NULL)
			header_found = true;
		if (has_control(line))
			g_string_append_printf(err, "\n  header \"%s\" has a control character",
					       line);
		g_free(line);
	}
	if (!header_found)
		g_string_append_printf(err, "\n  headers: got %zu, none containing \"%s\"",
				       v->n_headers, c->header);
	if (c->add_rcpt != NULL) {
		bool found = false;

		for (size_t i = 0; i < v->n_add_rcpts; i++)
			found |= strcmp(v->add_rcpts[i], c->add_rcpt) == 0;
		if (!found || v->cc_append == NULL || strstr(v->cc_append, c->add_rcpt) == NULL)
			g_string_append_printf(err, "\n  add_rcpts/cc: got %zu added, Cc+ \"%s\"; "
					       "want %s", v->n_add_rcpts,
					       v->cc_append ? v->cc_append : "(none)", c->add_rcpt);
		if (c->cc != NULL && (v->cc_append == NULL || strcmp(v->cc_append, c->cc) != 0))
			g_string_append_printf(err, "\n  cc: got \"%s\", want \"%s\"",
					       v->cc_append ? v->cc_append : "(none)", c->cc);
	} else if (v->n_add_rcpts != 0) {
		g_string_append_printf(err, "\n  add_rcpts: got %s, want none", v->add_rcpts[0]);
	}
	if (c->result != NULL && strstr(v->result_header, c->result) == NULL)
		g_string_append_printf(err, "\n  result header: got \"%s\", "
				       "want it to contain \"%s\"", v->result_header, c->result);
	if (c->reply != NULL && (v->reject_text == NULL || strstr(v->reject_text, c->reply) == NULL))
		g_string_append_printf(err, "\n  reject text: got \"%s\", want it to contain \"%s\"",
				       v->reject_text ? v->reject_text : "(none)", c->reply);
	if ((v->action == CONF_ACTION_REJECT) != (v->reject_text != NULL) ||
	    (v->reject_text != NULL && strchr(v->reject_text, '\r') != NULL))
		g_string_append(err, "\n  reject text: want one exactly when the action is reject, "
				"without CR");
	if (c->hold != NULL && (v->hold_reason == NULL || strstr(v->hold_reason, c->hold) == NULL))
		g_string_append_printf(err, "\n  hold reason: got \"%s\", "
				       "want it to contain \"%s\"",
				       v->hold_reason ? v->hold_reason : "(none)", c->hold);
	if ((v->action == CONF_ACTION_HOLD) != (v->hold_reason != NULL))
		g_string_append(err, "\n  hold reason: want one exactly when the action is hold");
	if (has_control(v->result_header) || has_control(v->hold_reason) ||
	    has_control(v->cc_append))
		g_string_append(err, "\n  a header value or the hold reason has a control "
				"character");
}

static struct policy_verdict *judge(const char *eml, const struct judge_case *c,
				    struct policy_thread_store *store)
{
	struct parser_message *msg = test_parse(eml);
	size_t n = 0;
	struct policy_envelope env = {
		.mail_from = c->mail_from != NULL ? c->mail_from : "",
		.rcpts = c->rcpts,
		.auth_login = c->auth,
		.now = c->now == WALL_CLOCK ? time(NULL) : c->now != 0 ? c->now : TEST_NOW,
	};
	struct policy_verdict *v = NULL;
	const char *error = NULL;

	while (n < MAX_RCPTS && c->rcpts[n] != NULL)
		n++;
	env.n_rcpts = n;
	if (policy_judge(conf, &env, msg, store, &v, &error) != 0)
		fail_msg("%s: policy_judge failed: %s", eml, error);
	parser_message_free(&msg);
	return v;
}

static void run_cases(const struct judge_case *cases, size_t n)
{
	GString *all = g_string_new(NULL);

	for (size_t i = 0; i < n; i++) {
		const struct judge_case *c = &cases[i];
		struct policy_thread_store *store = NULL;
		struct policy_verdict *v;
		GString *err = g_string_new(NULL);
		const char *e = NULL;
		size_t want_n = 0;

		assert_int_equal(policy_thread_store_open(NULL, 30, 100, false, &store, &e), 0);
		if (c->prime != NULL) {
			v = judge(c->prime, c, store);
			policy_verdict_free(&v);
		}
		v = judge(c->eml, c, store);

		if (strcmp(conf_action_name(v->action), c->action) != 0)
			g_string_append_printf(err, "\n  action: got %s, want %s",
					       conf_action_name(v->action), c->action);
		if (g_strcmp0(v->council ? v->council->name : NULL, c->council) != 0)
			g_string_append_printf(err, "\n  council: got %s, want %s",
					       v->council ? v->council->name : "(none)",
					       c->council ? c->council : "(none)");
		while (want_n < MAX_FINDINGS && c->findings[want_n].rule != NULL)
			want_n++;
		if (v->n_findings != want_n) {
			g_string_append_printf(err, "\n  findings: got %zu [", v->n_findings);
			for (size_t k = 0; k < v->n_findings; k++)
				g_string_append_printf(err, " %s=%s (%s)",
						       conf_rule_id(v->findings[k].rule),
						       conf_action_name(v->findings[k].action),
						       v->findings[k].evidence);
			g_string_append_printf(err, " ], want %zu", want_n);
		} else {
			for (size_t k = 0; k < want_n; k++)
				check_finding(err, v, k, &c->findings[k]);
		}
		check_outputs(err, c, v);
		if (err->len > 0)
			g_string_append_printf(all, "\n%s:%s", c->eml, err->str);
		g_string_free(err, TRUE);
		policy_verdict_free(&v);
		policy_thread_store_close(&store);
	}
	if (all->len > 0)
		fail_msg("%s", all->str);
	g_string_free(all, TRUE);
}

#define A(x) x "@ashcombe-tc.gov.uk"
#define ASHCOMBE "Ashcombe Town Council"
#define T23 "town-council-2023/"
#define PRESS_A "news@ashcombe-gazette.example"
#define IN_PERIOD ((time_t)1807358400)	/* 2027-04-10 12:00 UTC */

static const struct judge_case town_council_2023[] = {
	/* silent-copy 12.1 */
	{ .eml = T23 "silent-copy-bcc.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk"), A("Cllr.Hughes") }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "silent-copy", "annotate", "12.1",
			  "blind copy to cllr.hughes@ashcombe-tc.gov.uk (Cllr Tom Hughes)" } },
	  .footer = "Copied to: Cllr Tom Hughes",
	  .header = "Council-Policy-Copied-To: Cllr Tom Hughes <cllr.hughes@ashcombe-tc.gov.uk>",
	  .result = "mail.test.example; council=\"Ashcombe Town Council\"; "
		    "profile=town-council-2023; action=annotate; "
		    "silent-copy=annotate (clause=12.1)" },
	{ .eml = T23 "silent-copy-self.eml", .mail_from = A("cllr.smith"),
	  .rcpts = { A("clerk"), "Jane.Smith+bcc@homemail.example" }, .council = ASHCOMBE,
	  .action = "accept", .result = "action=accept; rules=none" },
	/* Nobody addressed openly: everyone blind. A councillor copied
	   silently beside the Clerk; one councillor alone is no copy. */
	{ .eml = T23 "silent-copy-undisclosed.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk"), A("cllr.hughes") }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "silent-copy", "annotate", "12.1",
			  "blind copy to cllr.hughes@ashcombe-tc.gov.uk (Cllr Tom Hughes)" } },
	  .footer = "Copied to: Cllr Tom Hughes" },
	{ .eml = T23 "silent-copy-undisclosed-one.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("cllr.hughes") }, .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "silent-copy-staff-only.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk"), A("admin") }, .council = ASHCOMBE, .action = "accept" },

	/* obligation-in-member-name 12.4; capacity 12.5 alongside */
	{ .eml = T23 "obligation-payment.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "info@greenways-landscaping.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "obligation-in-member-name", "hold", "12.4 (with 12.2, 2.9)",
			  "commitment \"We will pay your invoice when the work is finished\" "
			  "(commitment) in body line 4; to info@greenways-landscaping"
			  ".example (outside the council)" },
			{ "capacity", "annotate", "12.5 (with 11.5(a))",
			  "no capacity statement" } },
	  .footer = "Cllr Tom Hughes writes as a ward councillor for Castle Ward",
	  .hold = "obligation-in-member-name (clause 12.4 (with 12.2, 2.9)): "
		  "commitment \"We will pay your invoice",
	  .result = "action=hold; obligation-in-member-name=hold (clause=12.4); "
		    "capacity=annotate (clause=12.5)" },
	{ .eml = T23 "obligation-mayor-representation.eml", .mail_from = A("cllr.smith"),
	  .rcpts = { "minister@housing.example" }, .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "obligation-instruction.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "bookings@hedges-contractor.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "obligation-in-member-name", "hold", "12.4 (with 12.2, 2.9)",
			  "instruction \"Please arrange for the council's hedges on Mill Lane to be "
			  "cut next week\" (imperative) in body line 3" } } },
	{ .eml = T23 "obligation-instruction-resident.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "p.gale@homemail.example" }, .council = ASHCOMBE, .action = "accept" },
	/* The bill sent to the council by its name; another name is not it */
	{ .eml = T23 "obligation-billed-to-council.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "office@valeskips.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "obligation-in-member-name", "hold", "12.4 (with 12.2, 2.9)",
			  "phrase \"invoice to\" in body line 2; to office@valeskips.example "
			  "(outside the council)" } } },
	{ .eml = T23 "obligation-billed-to-shop.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "office@valeskips.example" }, .council = ASHCOMBE, .action = "accept" },
	/* ... or by its kind, "the town council"; not another council */
	{ .eml = T23 "obligation-billed-to-kind.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "office@valeskips.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "obligation-in-member-name", "hold", "12.4 (with 12.2, 2.9)",
			  "phrase \"send the bill to\" in body line 2; to office@valeskips.example "
			  "(outside the council)" } } },
	{ .eml = T23 "obligation-billed-to-county.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "office@valeskips.example" }, .council = ASHCOMBE, .action = "accept" },
	/* the supplier told to start; a payment promised in plain words */
	{ .eml = T23 "obligation-start-work.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "mike@tregunna-roofing.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "obligation-in-member-name", "hold", "12.4 (with 12.2, 2.9)",
			  "phrase \"happy for you to start\" in body line 1; to "
			  "mike@tregunna-roofing.example (outside the council)" } } },
	{ .eml = T23 "obligation-square-up.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "andy@dobsongroundworks.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "obligation-in-member-name", "hold", "12.4 (with 12.2, 2.9)", NULL } } },
	/* A commitment denied ("I cannot promise that the council will fund")
	   commits nobody */
	{ .eml = T23 "obligation-denied.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "secretary@eastfieldca.example" }, .council = ASHCOMBE, .action = "accept" },

	/* member-instructs-staff 2.9 (with 4.6), copy_clerk on */
	{ .eml = T23 "instructs-staff.eml", .mail_from = A("cllr.jones"), .rcpts = { A("parks") },
	  .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"Please arrange for the benches on the green to be repainted "
			  "before the fete\" (imperative) in body line 3; to parks@ashcombe-tc.gov.uk "
			  "(staff)" } },
	  .footer = "Note for Kevin Shaw: this request comes directly from Cllr Ann Jones",
	  .add_rcpt = A("clerk") },
	/* A yes to the officer's own proposal is the instruction; a yes to
	   an offer of information is not */
	{ .eml = T23 "instructs-staff-approval.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"Yes please Kevin, sixty should do it.\" (approval) in body "
			  "line 1; to parks@ashcombe-tc.gov.uk (staff)" } },
	  .add_rcpt = A("clerk") },
	{ .eml = T23 "instructs-staff-approval-fetch.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "accept" },
	/* ... the offer read whole though the quote wraps it over two lines */
	{ .eml = T23 "instructs-staff-approval-fetch-wrapped.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "accept" },
	/* ... or the councillor's papers brought round to her */
	{ .eml = T23 "instructs-staff-approval-bring-to-you.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "accept" },
	/* One of the officer's options chosen, by name; not a document */
	{ .eml = T23 "instructs-staff-choice.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"The Thornbury one, Kevin.\" (approval) in body "
			  "line 1; to parks@ashcombe-tc.gov.uk (staff)" } },
	  .add_rcpt = A("clerk") },
	{ .eml = T23 "instructs-staff-choice-fetch.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "accept" },
	/* ... or in the officer's own words ("Thursday please" under "Tuesday
	   or Thursday?"); not an option turned down */
	{ .eml = T23 "instructs-staff-choice-day.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"Thursday please Kevin, the craft group are in on Tuesday "
			  "mornings.\" (approval) in body line 1; to parks@ashcombe-tc.gov.uk "
			  "(staff)" } },
	  .add_rcpt = A("clerk") },
	{ .eml = T23 "instructs-staff-choice-neither.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "accept" },
	/* options offered by a bare question ("X or Y - which?") are work
	   offered; how papers reach the councillor is not */
	{ .eml = T23 "instructs-staff-choice-which.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"The Stihl, Kevin.\" (approval) in body line 1; to "
			  "parks@ashcombe-tc.gov.uk (staff)" } },
	  .add_rcpt = A("clerk") },
	{ .eml = T23 "instructs-staff-choice-delivery.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "accept" },
	/* Message data in headers we write: CR/LF gone, non-ASCII names encoded. */
	{ .eml = T23 "instructs-staff-cc-injection.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks"), "bob@homemail.example", "sian@homemail.example" },
	  .council = ASHCOMBE, .action = "hold",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)", NULL },
			{ "confidential", "hold", "10.7 (with 10.3, 8.14)",
			  "in attachment name 'Exempt X-Evil: yes.pdf'" } },
	  .footer = "Note for Kevin Shaw", .add_rcpt = A("clerk"),
	  /* Only the Clerk: the engine appends her to Cc: as written
	     (tests/milter/test_cc.c), never decoding the encoded words. */
	  .cc = "Helen Marsh <clerk@ashcombe-tc.gov.uk>" },
	{ .eml = T23 "instructs-staff-quoted.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "instructs-staff-officer.eml", .mail_from = A("clerk"),
	  .rcpts = { A("parks") }, .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "instructs-staff-to-clerk.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk") }, .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "instructs-staff-factual.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { A("admin") }, .council = ASHCOMBE, .action = "accept" },

	/* confidential 10.7: every kind of marking, the thread, the negatives */
	{ .eml = T23 "confidential-forward-banner.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { "r.kay@homemail.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "confidential", "hold", "10.7 (with 10.3, 8.14)",
			  "banner \"CONFIDENTIAL\"" },
			{ "capacity", "annotate", "12.5 (with 11.5(a))", NULL } },
	  .footer = "This message is marked confidential", .hold = "confidential (clause 10.7" },
	{ .eml = T23 "confidential-subject-press.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { PRESS_A }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "confidential", "hold", "10.7 (with 10.3, 8.14)",
			  "marking \"confidential\" in subject; to news@ashcombe-gazette.example "
			  "(press)" },
			{ "capacity", "annotate", "12.5 (with 11.5(a))", "(press)" } },
	  .footer = "Cllr Ann Jones writes as a ward councillor for Mill Ward" },
	{ .eml = T23 "confidential-attachment.eml", .mail_from = A("clerk"),
	  .rcpts = { "cases@lawfirm.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "confidential", "hold", "10.7 (with 10.3, 8.14)",
			  "marking \"exempt report\" in attachment name "
			  "'Exempt report - item 7.pdf'" } },
	  .footer = "marked confidential" },
	{ .eml = T23 "confidential-sensitivity.eml", .mail_from = A("cllr.smith"),
	  .rcpts = { "d.ross@homemail.example" }, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "confidential", "hold", "10.7 (with 10.3, 8.14)",
			  "Sensitivity: Company-Confidential header" } },
	  .footer = "marked confidential" },
	{ .eml = T23 "confidential-officer-to-cllr.eml", .mail_from = A("clerk"),
	  .rcpts = { A("cllr.jones") }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "confidential", "annotate", "10.7 (with 10.3, 8.14)",
			  "marking \"confidential\" in subject; from an officer" } },
	  .footer = "Confidential: this message is for Cllr Ann Jones only" },
	{ .eml = T23 "confidential-casual.eml", .mail_from = A("clerk"),
	  .rcpts = { "r.kay@homemail.example" }, .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "confidential-inside.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk") }, .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "confidential-thread-reply.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { "pat@homemail.example" }, .council = ASHCOMBE,
	  .prime = T23 "confidential-officer-to-cllr.eml", .now = WALL_CLOCK, .action = "hold",
	  .findings = { { "confidential", "hold", "10.7 (with 10.3, 8.14)",
			  "reply to confidential message <staffing-1@ashcombe-tc.gov.uk>" },
			{ "capacity", "annotate", "12.5 (with 11.5(a))", NULL } },
	  .footer = "marked confidential" },
	{ .eml = T23 "confidential-thread-reply.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { "pat@homemail.example" }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "capacity", "annotate", "12.5 (with 11.5(a))", NULL } },
	  .footer = "writes as" },	/* the same reply with nothing in the store */

	/* capacity 12.5 (with 11.5(a)) */
	{ .eml = T23 "capacity-press.eml", .mail_from = A("cllr.hughes"), .rcpts = { PRESS_A },
	  .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "capacity", "annotate", "12.5 (with 11.5(a))",
			  "no capacity statement in the author's text; to "
			  "news@ashcombe-gazette.example (press)" } },
	  .footer = "Cllr Tom Hughes writes as a ward councillor for Castle Ward (Ashcombe Town "
		    "Council), not on behalf of the council." },
	{ .eml = T23 "capacity-stated.eml", .mail_from = A("cllr.hughes"), .rcpts = { PRESS_A },
	  .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "capacity-signed-title.eml", .mail_from = A("cllr.smith"),
	  .rcpts = { PRESS_A }, .council = ASHCOMBE, .action = "accept" },
	/* "Jane Smith, Mayor": the title after the name on one line */
	{ .eml = T23 "capacity-title-after-name.eml", .mail_from = A("cllr.smith"),
	  .rcpts = { PRESS_A }, .council = ASHCOMBE, .action = "accept" },
	/* "Castle Ward councillor, Ashcombe Town Council": the ward's name
	   before the title */
	{ .eml = T23 "capacity-ward-before-title.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { PRESS_A }, .council = ASHCOMBE, .action = "accept" },
	/* ... but not a word that only starts like one */
	{ .eml = T23 "capacity-name-comma-prose.eml", .mail_from = A("cllr.smith"),
	  .rcpts = { PRESS_A }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "capacity", "annotate", "12.5 (with 11.5(a))", NULL } } },
	{ .eml = T23 "capacity-title-in-prose.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { PRESS_A }, .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "capacity", "annotate", "12.5 (with 11.5(a))", NULL } },
	  .footer = "Cllr Tom Hughes writes as a ward councillor" },
	{ .eml = T23 "capacity-configured.eml", .mail_from = A("cllr.raman"), .rcpts = { PRESS_A },
	  .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "capacity", "annotate", "12.5 (with 11.5(a))", NULL } },
	  .footer = "Cllr Raman writes as a ward member for Mill Ward." },

	/* party-political 14.3 (with 8.3) */
	/* Asked of staff without the Clerk: member-instructs-staff too. */
	{ .eml = T23 "party-political.eml", .mail_from = A("cllr.jones"), .rcpts = { A("admin") },
	  .council = ASHCOMBE, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"Could you print 200 copies of our leaflet for Saturday's "
			  "canvassing\" (modal request) in body line 3" },
			{ "party-political", "annotate", "14.3 (with 8.3)",
			  "party reference \"canvassing\" with a request \"Could you print 200 "
			  "copies of our leaflet for Saturday's canvassing?\" in body line 3; to "
			  "admin@ashcombe-tc.gov.uk (staff)" } },
	  .add_rcpt = A("clerk"),
	  .footer = "appears to ask for party-political or campaigning work" },
	{ .eml = T23 "party-passing.eml", .mail_from = A("cllr.jones"), .rcpts = { A("clerk") },
	  .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "party-officer-election.eml", .mail_from = A("clerk"),
	  .rcpts = { A("cllr.jones"), A("cllr.hughes") }, .council = ASHCOMBE, .action = "accept" },

	/* pre-election 11.5(g) (with 9.4(b)) */
	{ .eml = T23 "pre-election-press.eml", .mail_from = A("cllr.hughes"), .rcpts = { PRESS_A },
	  .now = IN_PERIOD, .council = ASHCOMBE, .action = "hold",
	  .findings = { { "pre-election", "hold", "11.5(g) (with 9.4(b))",
			  "to news@ashcombe-gazette.example (press) during the pre-election "
			  "period 25 March 2027 to 6 May 2027" } },
	  .footer = "sent to the press during the pre-election period, 25 March 2027 to 6 May "
		    "2027. It is the councillor's own statement",
	  .hold = "pre-election (clause 11.5(g) (with 9.4(b)))" },
	{ .eml = T23 "pre-election-press.eml", .mail_from = A("cllr.hughes"), .rcpts = { PRESS_A },
	  .council = ASHCOMBE, .action = "accept" },	/* outside the period */
	{ .eml = T23 "pre-election-candidate.eml", .mail_from = A("cllr.hughes"),
	  .rcpts = { PRESS_A }, .now = IN_PERIOD, .council = ASHCOMBE, .action = "accept" },

	/* council selection */
	{ .eml = T23 "select-by-auth.eml", .mail_from = "tom.h@otherisp.example",
	  .rcpts = { A("clerk") }, .auth = A("cllr.hughes"), .council = ASHCOMBE,
	  .action = "accept", .result = "council=\"Ashcombe Town Council\"" },
	{ .eml = T23 "select-by-auth.eml", .mail_from = A("cllr.hughes"), .rcpts = { A("clerk") },
	  .council = ASHCOMBE, .action = "accept" },	/* by envelope sender */
	{ .eml = T23 "select-by-domain.eml", .mail_from = A("info"), .rcpts = { PRESS_A },
	  .council = ASHCOMBE, .action = "accept" },
	{ .eml = T23 "select-none.eml", .mail_from = "stranger@example.net",
	  .rcpts = { "someone@example.org" }, .council = NULL, .action = "accept",
	  .result = "mail.test.example; council=none; action=accept; rules=none" },
};

#define B(x) x "@brookfield-tc.gov.uk"
#define BROOKFIELD "Brookfield Town Council"
#define ILM "ilminster/"

static const struct judge_case ilminster[] = {
	{ .eml = ILM "silent-copy-bcc.eml", .mail_from = B("clerk"),
	  .rcpts = { B("cllr.patel"), B("cllr.price") }, .council = BROOKFIELD,
	  .action = "annotate",
	  .findings = { { "silent-copy", "annotate", "Correspondence",
			  "blind copy to cllr.price@brookfield-tc.gov.uk (Cllr Owen Price)" } },
	  .footer = "CC councillor Owen Price.",
	  .result = "silent-copy=annotate (clause=Correspondence)" },
	{ .eml = ILM "silent-copy-self.eml", .mail_from = B("cllr.price"),
	  .rcpts = { B("clerk"), "owen.price@homemail.example" }, .council = BROOKFIELD,
	  .action = "accept" },
	{ .eml = ILM "obligation-quote.eml", .mail_from = B("cllr.patel"),
	  .rcpts = { "quotes@builders.example" }, .council = BROOKFIELD, .action = "hold",
	  .findings = { { "obligation-in-member-name", "hold", "Correspondence",
			  "commitment \"We accept your quote of 4,200 pounds for the roof repairs to "
			  "the pavilion\" (commitment) in body line 3" } },
	  .hold = "obligation-in-member-name (clause Correspondence)" },
	{ .eml = ILM "chair-representation.eml", .mail_from = B("cllr.patel"),
	  .rcpts = { "mp@parliament.example" }, .council = BROOKFIELD, .action = "accept" },
	{ .eml = ILM "instructs-staff.eml", .mail_from = B("cllr.price"), .rcpts = { B("office") },
	  .council = BROOKFIELD, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "Some general principles",
			  "request \"I need you to move the notice board to the library by Friday\" "
			  "(want) in body line 3" } },
	  .footer = "Councillors should not give instructions directly to the Proper Officer's "
		    "staff",
	  .result = "member-instructs-staff=annotate (clause=\"Some general principles\")" },
	{ .eml = ILM "instructs-staff-quoted.eml", .mail_from = B("cllr.price"),
	  .rcpts = { B("office") }, .council = BROOKFIELD, .action = "accept" },
	{ .eml = ILM "confidential-forward.eml", .mail_from = B("cllr.dunn"),
	  .rcpts = { "j.cole@homemail.example" }, .council = BROOKFIELD, .action = "hold",
	  .findings = { { "confidential", "hold", "Correspondence",
			  "marking \"confidential\" in subject" } } },
	{ .eml = ILM "confidential-casual.eml", .mail_from = B("cllr.dunn"),
	  .rcpts = { "j.cole@homemail.example" }, .council = BROOKFIELD, .action = "accept" },
	/* A request to staff without the Clerk: member-instructs-staff too. */
	{ .eml = ILM "party-political.eml", .mail_from = B("cllr.price"), .rcpts = { B("office") },
	  .council = BROOKFIELD, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "Some general principles",
			  "request \"Could the office photocopy 300 leaflets for our campaign in "
			  "South Ward\" (modal request) in body line 3" },
			{ "party-political", "annotate", "Councillors (what officers can expect)",
			  "party reference \"our campaign\" with a request" } } },
	{ .eml = ILM "party-passing.eml", .mail_from = B("cllr.price"), .rcpts = { B("clerk") },
	  .council = BROOKFIELD, .action = "accept" },
};

#define H(x) x "@harwood-tc.gov.uk"
#define HARWOOD "Harwood Town Council"

static const struct judge_case chard[] = {
	{ .eml = "chard/instructs-staff.eml", .mail_from = H("cllr.ellis"),
	  .rcpts = { H("deputy") }, .council = HARWOOD, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.3",
			  "request \"Please book the Guildhall for the 14th\" (imperative) in body "
			  "line 3" } },
	  .footer = "A Councillor acting as an individual cannot give instructions to a Council "
		    "employee." },
	{ .eml = "chard/instructs-staff-officer.eml", .mail_from = H("clerk"),
	  .rcpts = { H("deputy") }, .council = HARWOOD, .action = "accept" },
	{ .eml = "chard/confidential-forward.eml", .mail_from = H("cllr.ward"),
	  .rcpts = { "neighbour@homemail.example" }, .council = HARWOOD, .action = "hold",
	  .findings = { { "confidential", "hold", "2.7", "banner \"NOT FOR PUBLICATION\"" } } },
	{ .eml = "chard/confidential-casual.eml", .mail_from = H("cllr.ward"),
	  .rcpts = { "neighbour@homemail.example" }, .council = HARWOOD, .action = "accept" },
	{ .eml = "chard/confidential-officer-to-cllr.eml", .mail_from = H("clerk"),
	  .rcpts = { H("cllr.ellis") }, .council = HARWOOD, .action = "annotate",
	  .findings = { { "confidential", "annotate", "2.7",
			  "marking \"not for publication\" in subject" } },
	  .footer = "this message is for Cllr Mark Ellis only" },
};

#define N(x) x "@netherby-pc.org.uk"
#define NETHERBY "Netherby Parish Council"

static const struct judge_case little_glemham[] = {
	{ .eml = "little-glemham/instructs-staff.eml", .mail_from = N("george.bell"),
	  .rcpts = { N("lengthsman") }, .council = NETHERBY, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "4.2",
			  "request \"I want you to clear the ditch on Church Lane this week\" (want) "
			  "in body line 3" } },
	  .footer = "even if he/she has been styled as 'Leader' of the council" },
	{ .eml = "little-glemham/instructs-staff-to-clerk.eml", .mail_from = N("george.bell"),
	  .rcpts = { N("clerk") }, .council = NETHERBY, .action = "accept" },
	{ .eml = "little-glemham/party-political.eml", .mail_from = N("george.bell"),
	  .rcpts = { N("clerk") }, .council = NETHERBY, .action = "annotate",
	  .findings = { { "party-political", "annotate", "2.3 (with 4.2)",
			  "party reference \"party newsletter\" with a request \"Can you print 150 "
			  "copies of the party newsletter on the parish printer?\" in body line 3; "
			  "to clerk@netherby-pc.org.uk "
			  "(the Clerk)" } } },
	{ .eml = "little-glemham/party-passing.eml", .mail_from = N("fay.moss"),
	  .rcpts = { N("clerk") }, .council = NETHERBY, .action = "accept" },
};

#define W(x) x "@wold-pc.org.uk"
#define WOLD "Wold Parish Council"

static const struct judge_case twywell[] = {
	{ .eml = "twywell/instructs-staff.eml", .mail_from = W("ian.frost"),
	  .rcpts = { W("caretaker") }, .council = WOLD, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.2.3",
			  "request \"Please make sure the hall is unlocked at 6pm on Thursday for the "
			  "band\" (imperative) in body line 3" } },
	  .footer = "Note for Sam Ode: this request comes directly from Cllr Ian Frost" },
	{ .eml = "twywell/instructs-staff-factual.eml", .mail_from = W("meg.lowe"),
	  .rcpts = { W("caretaker") }, .council = WOLD, .action = "accept" },
	{ .eml = "twywell/instructs-staff-officer.eml", .mail_from = W("clerk"),
	  .rcpts = { W("caretaker") }, .council = WOLD, .action = "accept" },
};

#define K(x) x "@kingsmead-tc.gov.uk"
#define KINGSMEAD "Kingsmead Town Council"

/* Per-council overrides of the profile: reject, monitor, include_staff. */
static const struct judge_case overrides[] = {
	{ .eml = "policy-overrides/silent-copy-staff.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("clerk"), K("office") }, .council = KINGSMEAD, .action = "reject",
	  .findings = { { "silent-copy", "reject", "12.1",
			  "blind copy to office@kingsmead-tc.gov.uk (Eve Long)" } },
	  .reply = "Clause 12.1, no blind copies of member/officer correspondence: blind copy "
		   "to office@kingsmead-tc.gov.uk (Eve Long).\nPut everyone who should see it in "
		   "To or Cc" },
	{ .eml = "policy-overrides/capacity-monitor.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { "news@kingsmead-post.example" }, .council = KINGSMEAD, .action = "monitor",
	  .findings = { { "capacity", "monitor", "12.5 (with 11.5(a))", NULL } },
	  .result = "action=monitor; capacity=monitor (clause=12.5)" },
	/* A councillor's instruction to staff nested 40 levels deep, below the
	   depth the parser reads (32): the rules saw nothing to find, and what
	   they did not see they cannot pass as checked: held (on_incomplete). */
	{ .eml = "policy-overrides/incomplete-nested-cllr.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("office") }, .council = KINGSMEAD, .action = "hold",
	  .hold = "not checked in full: parts nested deeper than 32 levels (limits.max_depth)",
	  .result = "action=hold; incomplete=max_depth; rules=none" },
	/* An HTML tag with 150 attributes, the last hiding the paragraph: the
	   attributes past max_html_attributes are left out (issue 15), so what
	   the rules read is not what a reader sees: held (on_incomplete). */
	{ .eml = "policy-overrides/incomplete-html-attributes-cllr.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("office") }, .council = KINGSMEAD, .action = "hold",
	  .hold = "not checked in full: an HTML tag with more than 100 attributes "
		  "(limits.max_html_attributes)",
	  .result = "incomplete=max_html_attributes" },
	/* Two text/plain alternatives, the instruction only in the last, the
	   one mail clients show: every alternative is read (issue 15). */
	{ .eml = "policy-overrides/alternative-instruction-cllr.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("office") }, .council = KINGSMEAD, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"Please cut them back this week\" (imperative)" } } },
	/* A real PGP/MIME signature: the body is never changed, so the notice
	   the instruction needs cannot go in it, and a notice in a header only
	   is one nobody reads: held (on_footer_refused, default hold). */
	{ .eml = "policy-overrides/signed-instruction-cllr.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("office") }, .council = KINGSMEAD, .action = "hold",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"please cut the hedges on Mill Lane this week\" "
			  "(imperative)" } },
	  .hold = "notice cannot be added to the body (signed; on_footer_refused) | "
		  "member-instructs-staff (clause 2.9 (with 4.6)): request \"please cut the "
		  "hedges on Mill Lane this week\" (imperative)",
	  .result = "action=hold" },
	/* The same with a junk "signature": an ordinary multipart, annotated
	   (issue 15: a fake signature skipped the notice). */
	{ .eml = "policy-overrides/fake-signed-instruction-cllr.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("office") }, .council = KINGSMEAD, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)",
			  "request \"please cut the hedges on Mill Lane this week\" "
			  "(imperative)" } },
	  .result = "action=annotate" },
	/* The same shape from outside the council: no council's rules apply. */
	{ .eml = "policy-overrides/incomplete-nested-outsider.eml",
	  .mail_from = "resident@example.org", .rcpts = { K("office") }, .action = "accept" },
};

static void test_town_council_2023(void **state)
{
	run_cases(town_council_2023, G_N_ELEMENTS(town_council_2023));
}

static void test_ilminster(void **state)
{
	run_cases(ilminster, G_N_ELEMENTS(ilminster));
}

static void test_chard(void **state)
{
	run_cases(chard, G_N_ELEMENTS(chard));
}

static void test_little_glemham(void **state)
{
	run_cases(little_glemham, G_N_ELEMENTS(little_glemham));
}

static void test_twywell(void **state)
{
	run_cases(twywell, G_N_ELEMENTS(twywell));
}

static void test_overrides(void **state)
{
	run_cases(overrides, G_N_ELEMENTS(overrides));
}

/* on_incomplete set otherwise: a config that sets it and @includes the test
   directory stands in for the shared one while these cases run. */
static const struct judge_case incomplete_reject[] = {
	{ .eml = "policy-overrides/incomplete-nested-cllr.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("office") }, .council = KINGSMEAD, .action = "reject",
	  .reply = "Message not sent: it could not be checked in full against Kingsmead Town "
		   "Council's",
	  .result = "action=reject; incomplete=max_depth" },
};
static const struct judge_case incomplete_accept[] = {
	{ .eml = "policy-overrides/incomplete-nested-cllr.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("office") }, .council = KINGSMEAD, .action = "accept",
	  .result = "action=accept; incomplete=max_depth; rules=none" },
};

/* on_footer_refused = "annotate": the council takes header-only notices on
   signed mail (SPEC 4 "held or annotated by header only, as configured"). */
static const struct judge_case footer_refused_annotate[] = {
	{ .eml = "policy-overrides/signed-instruction-cllr.eml", .mail_from = K("cllr.cross"),
	  .rcpts = { K("office") }, .council = KINGSMEAD, .action = "annotate",
	  .findings = { { "member-instructs-staff", "annotate", "2.9 (with 4.6)", NULL } },
	  .result = "action=annotate" },
};

static void run_with(const char *setting, const struct judge_case *cases, size_t n)
{
	char *dir = g_dir_make_tmp("council-judge-XXXXXX", NULL);
	char *path = g_build_filename(dir, "on-incomplete.conf", NULL);
	char *inc = test_path(TEST_CONF), *phrases = test_path(TEST_PHRASES);
	/* libconfig 1.5 names @include files relative to the including file's
	   folder, even absolute ones: climb from the temporary folder to /. */
	GString *up = g_string_new("");
	char *text;

	for (const char *p = dir; *p != '\0'; p++)
		if (*p == '/' && p[1] != '\0')
			g_string_append(up, up->len ? "/.." : "..");
	text = g_strdup_printf("%s\n@include \"%s%s\"\n", setting, up->str, inc);
	g_string_free(up, TRUE);
	struct conf *shared = conf, *other = NULL;
	struct conf_errors *errors = NULL;

	assert_non_null(dir);
	assert_true(g_file_set_contents(path, text, -1, NULL));
	if (conf_load(path, phrases, &other, &errors) != 0)
		fail_msg("loading %s: got %zu errors, first \"%s\"; want none", setting,
			 errors->n_lines, errors->lines[0]);
	conf = other;
	run_cases(cases, n);
	conf = shared;
	conf_unref(&other);
	g_unlink(path);
	g_rmdir(dir);
	g_free(text);
	g_free(inc);
	g_free(phrases);
	g_free(path);
	g_free(dir);
}

static void test_on_incomplete(void **state)
{
	run_with("on_incomplete = \"reject\";", incomplete_reject,
		 G_N_ELEMENTS(incomplete_reject));
	run_with("on_incomplete = \"accept\";", incomplete_accept,
		 G_N_ELEMENTS(incomplete_accept));
	run_with("on_footer_refused = \"annotate\";", footer_refused_annotate,
		 G_N_ELEMENTS(footer_refused_annotate));
}

/* The compiled phrase sets are kept with the loaded configuration: every
   judgement for a council reads the same sets (compiled once, not per
   message); each council has its own; a reload (a new configuration) gets
   new ones, and the old go with the old configuration. */
static void test_sets_kept_per_config(void **state)
{
	const struct phrase_set *const *a, *const *again, *const *b, *const *reloaded;
	struct conf *other;

	assert_true(conf->n_councils >= 2);
	a = judge_council_sets(conf, &conf->councils[0]);
	again = judge_council_sets(conf, &conf->councils[0]);
	b = judge_council_sets(conf, &conf->councils[1]);
	assert_non_null(a);
	assert_ptr_equal(a, again);
	assert_ptr_not_equal(a, b);
	for (size_t k = 0; k < CONF_PHRASES_COUNT; k++) {
		assert_ptr_equal(a[k], again[k]);
		assert_ptr_not_equal(a[k], b[k]);
	}
	assert_true(phrase_set_count(a[CONF_PHRASES_CONFIDENTIAL]) > 0);

	other = test_conf_load();
	reloaded = judge_council_sets(other, &other->councils[0]);
	assert_ptr_not_equal(reloaded, a);
	assert_ptr_not_equal(reloaded[CONF_PHRASES_INSTRUCTION], a[CONF_PHRASES_INSTRUCTION]);
	conf_unref(&other);
	/* The first configuration's sets are untouched by the other's end. */
	assert_ptr_equal(judge_council_sets(conf, &conf->councils[0]), a);
	assert_true(phrase_set_count(a[CONF_PHRASES_CONFIDENTIAL]) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_town_council_2023),
		cmocka_unit_test(test_ilminster),
		cmocka_unit_test(test_chard),
		cmocka_unit_test(test_little_glemham),
		cmocka_unit_test(test_twywell),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_on_incomplete),
		cmocka_unit_test(test_sets_kept_per_config),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
