/*
 * Rule exceptions (except_recipients, except_senders), table-driven: for
 * each rule, its fixture is a finding without exceptions; an exception for
 * a recipient's address, a whole domain, a directory role, and for the
 * sender (by one of her addresses, their domain and her role) each stop it,
 * and the verdict records what was stopped; a recipient no exception names
 * keeps the finding, about that recipient.
 * Fixtures: tests/messages/exceptions/ (all from Cllr Jane Smith);
 * directories: tests/policy/conf/exceptions/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "judge_test.h"
#include "policy/judge.h"

#define MAX_RCPTS 4
#define SMITH "cllr.smith@ashcombe-tc.gov.uk"
#define A(local) local "@ashcombe-tc.gov.uk"
#define IN_PERIOD ((time_t)1807358400)	/* 2027-04-10 12:00 UTC */

struct exception_case {
	const char *conf;		/* under tests/policy/conf/exceptions/ */
	const char *eml;		/* under tests/messages/exceptions/ */
	const char *rcpts[MAX_RCPTS];	/* envelope; NULL-terminated */
	time_t now;			/* 0: TEST_NOW */
	const char *findings;		/* the rules found, in order, space-separated ("" none) */
	const char *evidence;		/* substring of one finding's evidence */
	const char *excepted;		/* the rules exceptions stopped (check_exception) */
	const char *exception;		/* substring of the first one's exception text */
	const char *stopped;		/* substring of the evidence it would have had */
};

static const struct exception_case cases[] = {
	/* ---- silent-copy: blind copies; include_staff, so the Clerk counts ---- */
	{ "none.conf", "silent-copy.eml", { A("admin"), A("cllr.hughes") }, 0,
	  "silent-copy", "blind copy to cllr.hughes@ashcombe-tc.gov.uk", NULL, NULL, NULL },
	{ "recipients.conf", "silent-copy.eml", { A("admin"), A("cllr.hughes") }, 0, "", NULL,
	  "silent-copy", "except_recipients \"cllr.hughes@ashcombe-tc.gov.uk\" for "
	  "cllr.hughes@ashcombe-tc.gov.uk", "blind copy to cllr.hughes@ashcombe-tc.gov.uk" },
	{ "recipients.conf", "silent-copy.eml", { A("admin"), "tom.hughes@parishmail.example" }, 0,
	  "", NULL, "silent-copy",
	  "except_recipients \"@parishmail.example\" for tom.hughes@parishmail.example",
	  "blind copy to tom.hughes@parishmail.example (Cllr Tom Hughes)" },
	{ "recipients.conf", "silent-copy.eml", { A("admin"), A("clerk") }, 0, "", NULL,
	  "silent-copy", "except_recipients \"role:clerk\" for clerk@ashcombe-tc.gov.uk",
	  "blind copy to clerk@ashcombe-tc.gov.uk (Helen Marsh)" },
	/* Not named: the finding stays, about the one who is not excepted. */
	{ "recipients.conf", "silent-copy.eml", { A("admin"), A("cllr.hughes"), A("cllr.raman") },
	  0, "silent-copy", "blind copy to cllr.raman@ashcombe-tc.gov.uk (Cllr Priya Raman)",
	  NULL, NULL, NULL },

	/* ---- obligation-in-member-name: to someone outside the council ---- */
	{ "none.conf", "obligation.eml", { "info@greenways-landscaping.example" }, 0,
	  "obligation-in-member-name", "to info@greenways-landscaping.example", NULL, NULL, NULL },
	{ "recipients.conf", "obligation.eml", { "info@greenways-landscaping.example" }, 0, "",
	  NULL, "obligation-in-member-name",
	  "except_recipients \"info@greenways-landscaping.example\"", "We will pay your invoice" },
	{ "recipients.conf", "obligation.eml", { "highways@county.example" }, 0, "", NULL,
	  "obligation-in-member-name",
	  "except_recipients \"@county.example\" for highways@county.example",
	  "to highways@county.example (outside the council)" },
	{ "recipients.conf", "obligation.eml",
	  { "highways@county.example", "bookings@hedges-contractor.example" }, 0,
	  "obligation-in-member-name", "to bookings@hedges-contractor.example", NULL, NULL, NULL },

	/* ---- member-instructs-staff: to staff ---- */
	{ "none.conf", "instructs-staff.eml", { A("parks") }, 0, "member-instructs-staff",
	  "to parks@ashcombe-tc.gov.uk (staff)", NULL, NULL, NULL },
	{ "recipients.conf", "instructs-staff.eml", { A("parks") }, 0, "", NULL,
	  "member-instructs-staff", "except_recipients \"parks@ashcombe-tc.gov.uk\"",
	  "Please arrange for the benches" },
	{ "recipients.conf", "instructs-staff.eml", { "amy.green@parishmail.example" }, 0, "", NULL,
	  "member-instructs-staff",
	  "except_recipients \"@parishmail.example\" for amy.green@parishmail.example",
	  "to amy.green@parishmail.example (staff)" },
	/* Nobody in To:, so both are blind: with include_staff, a silent copy. */
	{ "recipients.conf", "instructs-staff.eml", { A("parks"), A("admin") }, 0,
	  "silent-copy member-instructs-staff", "to admin@ashcombe-tc.gov.uk (staff)", NULL, NULL, NULL },

	/* By role alone: every member of staff, by any of their addresses. */
	{ "recipient-roles.conf", "instructs-staff.eml", { A("parks"), A("admin") }, 0, "", NULL,
	  "member-instructs-staff", "except_recipients \"role:staff\" for parks@ashcombe-tc.gov.uk",
	  "to parks@ashcombe-tc.gov.uk (staff)" },
	{ "recipient-roles.conf", "instructs-staff.eml", { "amy.green@parishmail.example" }, 0, "",
	  NULL, "member-instructs-staff",
	  "except_recipients \"role:staff\" for amy.green@parishmail.example",
	  "to amy.green@parishmail.example (staff)" },

	/* ---- confidential: the Monitoring Officer and the auditors ---- */
	{ "none.conf", "confidential.eml", { "monitoring.officer@district.example" }, 0,
	  "confidential", "to monitoring.officer@district.example (outside the council)", NULL, NULL, NULL },
	{ "recipients.conf", "confidential.eml",
	  { "monitoring.officer@district.example", "jo@auditors.example" }, 0, "", NULL,
	  "confidential", "except_recipients \"monitoring.officer@district.example\" for "
	  "monitoring.officer@district.example; except_recipients \"@auditors.example\" for "
	  "jo@auditors.example", "marking \"confidential\" in subject" },
	{ "recipients.conf", "confidential.eml",
	  { "monitoring.officer@district.example", "pat@residents.example" }, 0,
	  "confidential", "to pat@residents.example (outside the council)", NULL, NULL, NULL },

	/* ---- capacity: to the press ---- */
	{ "none.conf", "capacity.eml", { "news@ashcombe-gazette.example" }, 0, "capacity",
	  "to news@ashcombe-gazette.example (press)", NULL, NULL, NULL },
	{ "recipients.conf", "capacity.eml", { "news@ashcombe-gazette.example" }, 0, "", NULL,
	  "capacity", "except_recipients \"news@ashcombe-gazette.example\"",
	  "no capacity statement" },
	{ "recipients.conf", "capacity.eml", { "editor@parish-magazine.example" }, 0, "", NULL,
	  "capacity", "except_recipients \"@parish-magazine.example\"",
	  "to editor@parish-magazine.example (outside the council)" },
	{ "recipients.conf", "capacity.eml",
	  { "news@ashcombe-gazette.example", "desk@other-paper.example" }, 0, "capacity",
	  "to desk@other-paper.example", NULL, NULL, NULL },

	/* ---- party-political: to officers ---- */
	{ "none.conf", "party-political.eml", { A("clerk") }, 0, "party-political",
	  "to clerk@ashcombe-tc.gov.uk (the Clerk)", NULL, NULL, NULL },
	{ "recipients.conf", "party-political.eml", { A("clerk") }, 0, "", NULL,
	  "party-political", "except_recipients \"role:clerk\" for clerk@ashcombe-tc.gov.uk",
	  "party reference \"Lib Dem\"" },
	/* Staff asked: member-instructs-staff excepts parks as well. */
	{ "recipients.conf", "party-political.eml", { A("parks") }, 0, "", NULL,
	  "party-political member-instructs-staff", "except_recipients \"parks@ashcombe-tc.gov.uk\"",
	  "to parks@ashcombe-tc.gov.uk (staff)" },
	{ "recipients.conf", "party-political.eml", { A("admin") }, 0,
	  "member-instructs-staff party-political", "to admin@ashcombe-tc.gov.uk (staff)", NULL, NULL, NULL },

	/* "role:officer" is the Clerk and staff alike. */
	{ "recipient-roles.conf", "party-political.eml", { A("clerk") }, 0, "", NULL,
	  "party-political", "except_recipients \"role:officer\" for clerk@ashcombe-tc.gov.uk",
	  "party reference \"Lib Dem\"" },
	{ "recipient-roles.conf", "party-political.eml", { A("parks") }, 0, "", NULL,
	  "party-political member-instructs-staff",
	  "except_recipients \"role:officer\" for parks@ashcombe-tc.gov.uk",
	  "to parks@ashcombe-tc.gov.uk (staff)" },

	/* ---- pre-election: to the press in the period ---- */
	{ "none.conf", "pre-election.eml", { "news@ashcombe-gazette.example" }, IN_PERIOD,
	  "pre-election", "to news@ashcombe-gazette.example (press) during the pre-election", NULL, NULL, NULL },
	{ "recipients.conf", "pre-election.eml", { "news@ashcombe-gazette.example" }, IN_PERIOD,
	  "", NULL, "pre-election", "except_recipients \"news@ashcombe-gazette.example\"",
	  "during the pre-election period" },
	{ "recipients.conf", "pre-election.eml", { "studio@ashcombe-radio.example" }, IN_PERIOD,
	  "", NULL, "pre-election",
	  "except_recipients \"@ashcombe-radio.example\" for studio@ashcombe-radio.example",
	  "to studio@ashcombe-radio.example (press)" },
	{ "recipients.conf", "pre-election.eml",
	  { "news@ashcombe-gazette.example", "desk@ashcombe-gazette.example" }, IN_PERIOD,
	  "pre-election", "to desk@ashcombe-gazette.example (press)", NULL, NULL, NULL },
};

/* The sender's exceptions stop every rule's finding for her: by one of her
   addresses (not the one the message came from), its domain, her role. */
struct sender_case {
	const char *eml;
	const char *rcpts[MAX_RCPTS];
	time_t now;
	const char *rule;
	const char *stopped;
};

static const struct sender_case sender_cases[] = {
	{ "silent-copy.eml", { A("admin"), A("cllr.hughes") }, 0, "silent-copy",
	  "blind copy to cllr.hughes@ashcombe-tc.gov.uk" },
	{ "obligation.eml", { "info@greenways-landscaping.example" }, 0,
	  "obligation-in-member-name", "We will pay your invoice" },
	{ "instructs-staff.eml", { A("parks") }, 0, "member-instructs-staff",
	  "Please arrange for the benches" },
	{ "confidential.eml", { "monitoring.officer@district.example" }, 0, "confidential",
	  "marking \"confidential\" in subject" },
	{ "capacity.eml", { "news@ashcombe-gazette.example" }, 0, "capacity",
	  "no capacity statement" },
	{ "party-political.eml", { A("clerk") }, 0, "party-political", "Lib Dem" },
	{ "pre-election.eml", { "news@ashcombe-gazette.example" }, IN_PERIOD, "pre-election",
	  "during the pre-election period" },
};

static const struct {
	const char *conf;
	const char *entry;
} sender_confs[] = {
	{ "sender-address.conf", "except_senders \"jane.smith@homemail.example\" for the author "
	  "Cllr Jane Smith" },
	{ "sender-domain.conf", "except_senders \"@homemail.example\" for the author Cllr Jane "
	  "Smith" },
	{ "sender-role.conf", "except_senders \"role:councillor\" for the author Cllr Jane Smith" },
};

static GHashTable *confs;	/* name -> struct conf * */

static int group_setup(void **state)
{
	parser_init();
	confs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return 0;
}

static int group_teardown(void **state)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, confs);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct conf *c = value;

		conf_unref(&c);
	}
	g_hash_table_destroy(confs);
	parser_shutdown();
	return 0;
}

static struct conf *conf_named(const char *name)
{
	struct conf *c = g_hash_table_lookup(confs, name);
	char *rel;

	if (c != NULL)
		return c;
	rel = g_strconcat("policy/conf/exceptions/", name, NULL);
	c = test_conf_load_file(rel);
	g_free(rel);
	g_hash_table_insert(confs, g_strdup(name), c);
	return c;
}

static struct policy_verdict *judge(const char *conf_name, const char *eml,
				    const char *const *rcpts, time_t now, const char *from)
{
	char *rel = g_strconcat("exceptions/", eml, NULL);
	struct parser_message *msg = test_parse(rel);
	struct policy_envelope env = {
		.mail_from = from,
		.rcpts = rcpts,
		.now = now != 0 ? now : TEST_NOW,
	};
	struct policy_verdict *v = NULL;
	const char *error = NULL;

	while (env.n_rcpts < MAX_RCPTS && rcpts[env.n_rcpts] != NULL)
		env.n_rcpts++;
	if (policy_judge(conf_named(conf_name), &env, msg, NULL, &v, &error) != 0)
		fail_msg("%s: policy_judge failed: %s", eml, error);
	parser_message_free(&msg);
	g_free(rel);
	return v;
}

static char *rules_found(const struct policy_verdict *v)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < v->n_findings; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? " " : "",
				       conf_rule_id(v->findings[i].rule));
	return g_string_free(s, FALSE);
}

/* RULES (space-separated; NULL: none) are the rules the verdict records an
   exception for, each once; the first one's entry names EXCEPTION and
   would have had the evidence STOPPED. */
static void check_exception(GString *err, const struct policy_verdict *v, const char *rules,
			    const char *exception, const char *stopped)
{
	char **want = g_strsplit(rules != NULL ? rules : "", " ", -1);
	size_t n_want = rules != NULL ? g_strv_length(want) : 0;

	for (size_t i = 0; i < v->n_exceptions; i++) {
		const struct policy_exception *x = &v->exceptions[i];
		const char *id = conf_rule_id(x->rule);

		if (!g_strv_contains((const char *const *)want, id) || rules == NULL)
			g_string_append_printf(err, "\n  exceptions: got one for %s (%s), want %s",
					       id, x->exception, rules != NULL ? rules : "none");
		if (n_want == 0 || strcmp(id, want[0]) != 0)
			continue;
		if (strstr(x->exception, exception) == NULL)
			g_string_append_printf(err, "\n  %s exception: got \"%s\", want it to "
					       "contain \"%s\"", id, x->exception, exception);
		if (strstr(x->evidence, stopped) == NULL)
			g_string_append_printf(err, "\n  %s stopped: got \"%s\", want it to "
					       "contain \"%s\"", id, x->evidence, stopped);
	}
	for (size_t k = 0; k < n_want; k++) {
		size_t n = 0;

		for (size_t i = 0; i < v->n_exceptions; i++)
			n += strcmp(conf_rule_id(v->exceptions[i].rule), want[k]) == 0;
		if (n != 1)
			g_string_append_printf(err, "\n  exceptions for %s: got %zu, want 1",
					       want[k], n);
	}
	g_strfreev(want);
}

/* Does one of V's findings have EVIDENCE in its evidence? */
static bool evidence_found(const struct policy_verdict *v, const char *evidence)
{
	for (size_t i = 0; i < v->n_findings; i++)
		if (strstr(v->findings[i].evidence, evidence) != NULL)
			return true;
	return false;
}

static void test_cases(void **state)
{
	GString *all = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct exception_case *c = &cases[i];
		struct policy_verdict *v = judge(c->conf, c->eml, c->rcpts, c->now, SMITH);
		GString *err = g_string_new(NULL);
		char *found = rules_found(v);

		if (strcmp(found, c->findings) != 0)
			g_string_append_printf(err, "\n  findings: got \"%s\", want \"%s\"", found,
					       c->findings);
		else if (c->evidence != NULL && !evidence_found(v, c->evidence))
			g_string_append_printf(err, "\n  evidence: got \"%s\", want one to contain "
					       "\"%s\"", v->findings[0].evidence, c->evidence);
		check_exception(err, v, c->excepted, c->exception, c->stopped);
		if (err->len > 0)
			g_string_append_printf(all, "\ncase %zu (%s, %s, to %s):%s", i, c->conf,
					       c->eml, c->rcpts[0], err->str);
		g_string_free(err, TRUE);
		g_free(found);
		policy_verdict_free(&v);
	}
	if (all->len > 0)
		fail_msg("%s", all->str);
	g_string_free(all, TRUE);
}

static void test_sender_cases(void **state)
{
	GString *all = g_string_new(NULL);

	for (size_t k = 0; k < G_N_ELEMENTS(sender_confs); k++) {
		for (size_t i = 0; i < G_N_ELEMENTS(sender_cases); i++) {
			const struct sender_case *c = &sender_cases[i];
			struct policy_verdict *v = judge(sender_confs[k].conf, c->eml, c->rcpts,
							 c->now, SMITH);
			GString *err = g_string_new(NULL);
			char *found = rules_found(v);

			if (*found != '\0')
				g_string_append_printf(err, "\n  findings: got \"%s\", want none",
						       found);
			check_exception(err, v, c->rule, sender_confs[k].entry, c->stopped);
			if (err->len > 0)
				g_string_append_printf(all, "\n%s, %s:%s", sender_confs[k].conf,
						       c->eml, err->str);
			g_string_free(err, TRUE);
			g_free(found);
			policy_verdict_free(&v);
		}
	}
	if (all->len > 0)
		fail_msg("%s", all->str);
	g_string_free(all, TRUE);
}

/* A sender exception names the author as the rules judge her, so a From:
   the sender chose cannot claim it: with the Clerk's role excepted, the
   Clerk's confidential paper to a solicitor is no finding (and recorded
   as excepted), but the same message sent by a councillor with her own
   login under the Clerk's From: is held. */
static void test_sender_is_the_judged_author(void **state)
{
	struct conf *conf = conf_named("sender-clerk.conf");
	struct parser_message *msg = test_parse("town-council-2023/confidential-attachment.eml");
	const char *rcpts[] = { "cases@lawfirm.example" };
	struct policy_envelope env = {
		.mail_from = A("clerk"), .rcpts = rcpts, .n_rcpts = 1, .now = TEST_NOW,
	};
	struct policy_verdict *v = NULL;
	const char *error = NULL;

	assert_int_equal(policy_judge(conf, &env, msg, NULL, &v, &error), 0);
	assert_int_equal(v->action, CONF_ACTION_NONE);
	assert_int_equal(v->n_findings, 0);
	assert_int_equal(v->n_exceptions, 1);
	assert_int_equal(v->exceptions[0].rule, CONF_RULE_CONFIDENTIAL);
	assert_non_null(strstr(v->exceptions[0].exception,
			       "except_senders \"role:clerk\" for the author Helen Marsh"));
	policy_verdict_free(&v);

	env.auth_login = SMITH;
	assert_int_equal(policy_judge(conf, &env, msg, NULL, &v, &error), 0);
	assert_int_equal(v->action, CONF_ACTION_HOLD);
	assert_true(v->n_findings >= 1);
	assert_int_equal(v->findings[0].rule, CONF_RULE_CONFIDENTIAL);
	assert_non_null(strstr(v->findings[0].evidence, "submitted by cllr.smith"));
	assert_int_equal(v->n_exceptions, 0);
	policy_verdict_free(&v);
	parser_message_free(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_sender_cases),
		cmocka_unit_test(test_sender_is_the_judged_author),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
