/*
 * Who is involved, however their addresses are written (issue 15): the
 * recipients (quoted local parts, source routes, address literals, long
 * local parts, international domains, addresses nobody can read: never
 * dropped, never "safer") and the author (the strictest of From: and the
 * submitter). Fixtures: tests/messages/hostile/; directories:
 * tests/policy/conf/councils.conf and idn.conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "judge_test.h"

#define MAX_RCPTS 4
#define MAX_FINDINGS 3

struct want {
	const char *rule;
	const char *evidence;		/* substring; NULL: any */
};

struct address_case {
	const char *eml;		/* under tests/messages/hostile/ */
	const char *mail_from;
	const char *rcpts[MAX_RCPTS];	/* envelope, NULL-terminated */
	const char *auth;
	const char *action;
	struct want findings[MAX_FINDINGS];	/* in report order, all of them */
	const char *not_evidence;	/* no finding's evidence contains this */
};

static struct conf *councils, *idn;

static struct conf *load(const char *name)
{
	char *path = test_path(name), *phrases = test_path(TEST_PHRASES);
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;

	if (conf_load(path, phrases, &conf, &errors) != 0)
		fail_msg("%s: got %zu errors, first \"%s\"; want none", name, errors->n_lines,
			 errors->lines[0]);
	g_free(path);
	g_free(phrases);
	return conf;
}

static int group_setup(void **state)
{
	parser_init();
	councils = test_conf_load();
	idn = load("policy/conf/idn.conf");
	return 0;
}

static int group_teardown(void **state)
{
	conf_unref(&councils);
	conf_unref(&idn);
	parser_shutdown();
	return 0;
}

static void check(GString *err, const struct address_case *c, const struct policy_verdict *v)
{
	size_t want_n = 0;

	while (want_n < MAX_FINDINGS && c->findings[want_n].rule != NULL)
		want_n++;
	if (strcmp(conf_action_name(v->action), c->action) != 0)
		g_string_append_printf(err, "\n  action: got %s, want %s",
				       conf_action_name(v->action), c->action);
	if (v->n_findings != want_n)
		g_string_append_printf(err, "\n  findings: got %zu, want %zu", v->n_findings,
				       want_n);
	for (size_t i = 0; i < v->n_findings; i++) {
		const struct policy_finding *f = &v->findings[i];
		const struct want *w = i < want_n ? &c->findings[i] : NULL;

		if (w == NULL || strcmp(conf_rule_id(f->rule), w->rule) != 0)
			g_string_append_printf(err, "\n  finding %zu: got %s (%s), want %s", i,
					       conf_rule_id(f->rule), f->evidence,
					       w != NULL ? w->rule : "none");
		else if (w->evidence != NULL && strstr(f->evidence, w->evidence) == NULL)
			g_string_append_printf(err, "\n  %s: got evidence \"%s\", want it to "
					       "contain \"%s\"", w->rule, f->evidence, w->evidence);
		if (c->not_evidence != NULL && strstr(f->evidence, c->not_evidence) != NULL)
			g_string_append_printf(err, "\n  %s: got evidence \"%s\", want no \"%s\"",
					       conf_rule_id(f->rule), f->evidence,
					       c->not_evidence);
	}
}

static void run(struct conf *conf, const struct address_case *cases, size_t n)
{
	size_t failed = 0;

	for (size_t i = 0; i < n; i++) {
		const struct address_case *c = &cases[i];
		char *name = g_strdup_printf("hostile/%s", c->eml);
		struct parser_message *msg = test_parse(name);
		struct policy_envelope env = {
			.mail_from = c->mail_from, .rcpts = c->rcpts, .auth_login = c->auth,
			.now = TEST_NOW,
		};
		struct policy_verdict *v = NULL;
		const char *error = NULL;
		GString *err = g_string_new(NULL);

		while (env.n_rcpts < MAX_RCPTS && c->rcpts[env.n_rcpts] != NULL)
			env.n_rcpts++;
		if (policy_judge(conf, &env, msg, NULL, &v, &error) != 0)
			fail_msg("%s: policy_judge failed: %s", name, error);
		check(err, c, v);
		if (err->len > 0) {
			print_error("case %zu, %s (from %s, auth %s):%s\n", i, c->eml, c->mail_from,
				    c->auth ? c->auth : "none", err->str);
			failed++;
		}
		g_string_free(err, TRUE);
		policy_verdict_free(&v);
		parser_message_free(&msg);
		g_free(name);
	}
	if (failed > 0)
		fail_msg("%zu of %zu cases failed", failed, n);
}

#define A(x) x "@ashcombe-tc.gov.uk"
#define HUGHES A("cllr.hughes")
#define OUTSIDE "(outside the council)"

/* Finding 1: recipients in every form the MTA accepts. */
static const struct address_case recipients[] = {
	/* A confidential forward to a resident, however her address is written. */
	{ .eml = "address-quoted-local-confidential.eml", .mail_from = HUGHES,
	  .rcpts = { "\"r.kay\"@homemail.example" }, .action = "hold",
	  .findings = { { "confidential", "to r.kay@homemail.example " OUTSIDE },
			{ "capacity", NULL } } },
	{ .eml = "address-literal-confidential.eml", .mail_from = HUGHES,
	  .rcpts = { "<r.kay@[192.0.2.1]>" }, .action = "hold",
	  .findings = { { "confidential", "to r.kay@[192.0.2.1] " OUTSIDE },
			{ "capacity", NULL } } },
	{ .eml = "address-long-local-confidential.eml", .mail_from = HUGHES,
	  .rcpts = { "rosemary.kay.of.mill.lane.cottages.near.the.old.bridge.at.ashcombe"
		     ".on.the.river@homemail.example" }, .action = "hold",
	  .findings = { { "confidential", "to rosemary.kay.of.mill.lane" },
			{ "capacity", NULL } } },
	{ .eml = "address-quoted-local-confidential.eml", .mail_from = HUGHES,
	  .rcpts = { "<@relay.example:\"r.kay\"@homemail.example>" }, .action = "hold",
	  .findings = { { "confidential", "to r.kay@homemail.example " OUTSIDE },
			{ "capacity", NULL } } },
	/* Nobody can read it: still a third party, as written. */
	{ .eml = "address-blind-confidential.eml", .mail_from = HUGHES,
	  .rcpts = { A("clerk"), "<\"r.kay@homemail.example>" }, .action = "hold",
	  .findings = { { "confidential", "to <\"r.kay@homemail.example> " OUTSIDE },
			{ "capacity", NULL } } },
	/* ...and in To: alone, where GMime cannot read the field. */
	{ .eml = "address-unreadable-to-confidential.eml", .mail_from = HUGHES,
	  .rcpts = { A("clerk") }, .action = "hold",
	  .findings = { { "confidential", "to r.kay@homemail.example (Mrs R Kay " OUTSIDE },
			{ "capacity", NULL } } },
	/* A phrase with no '@' in To: names nobody: the officer's briefing to
	   councillors by blind copy stays an annotation, not a hold. With
	   nobody addressed openly, each councillor is copied silently on what
	   the other receives (doc/rules.md, silent-copy). */
	{ .eml = "address-undisclosed-officer-briefing.eml", .mail_from = A("clerk"),
	  .rcpts = { A("cllr.jones"), HUGHES }, .action = "annotate",
	  .findings = { { "silent-copy", "blind copy to cllr.jones@ashcombe-tc.gov.uk" },
			{ "confidential", "from an officer to cllr.jones" } } },

	/* Blind copies to a councillor, however the envelope writes them. */
	{ .eml = "address-quoted-open-councillor.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk"), "\"cllr.smith\"@ashcombe-tc.gov.uk" }, .action = "annotate",
	  .findings = { { "silent-copy", "blind copy to cllr.smith@ashcombe-tc.gov.uk "
			  "(Cllr Jane Smith)" } } },
	{ .eml = "address-quoted-open-councillor.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk"), "<@relay.example:cllr.smith@ashcombe-tc.gov.uk>" },
	  .action = "annotate",
	  .findings = { { "silent-copy", "blind copy to cllr.smith@ashcombe-tc.gov.uk" } } },
	{ .eml = "address-quoted-open-councillor.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk"), "Cllr.Smith+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		     "aaaaaaaaaaaaaaaaaaaa@Ashcombe-TC.gov.uk" }, .action = "annotate",
	  .findings = { { "silent-copy", "blind copy to cllr.smith@ashcombe-tc.gov.uk" } } },
	/* The quoted forms in To: are open recipients: no blind copy. */
	{ .eml = "address-quoted-open-councillor.eml", .mail_from = A("cllr.jones"),
	  .rcpts = { A("clerk"), HUGHES }, .action = "accept" },
};

static void test_recipients(void **state)
{
	run(councils, recipients, G_N_ELEMENTS(recipients));
}

/* Finding 6: the author is the strictest of the people involved (SPEC 2:
   From: in whose name, AUTH and the envelope sender who submitted it). Each
   fixture commits the council to pay a contractor: a councillor may not. */
#define OBLIGATION "obligation-in-member-name"
#define LIST "bounces@lists.example"
#define GREENWAYS "info@greenways-landscaping.example"

static const struct address_case authors[] = {
	/* A councillor's login, the Clerk's From:. */
	{ .eml = "author-from-clerk.eml", .mail_from = HUGHES, .rcpts = { GREENWAYS },
	  .auth = HUGHES, .action = "hold",
	  .findings = { { OBLIGATION, "submitted by cllr.hughes@ashcombe-tc.gov.uk (AUTH, "
			  "Cllr Tom Hughes) as clerk@ashcombe-tc.gov.uk" },
			{ "capacity", "submitted by cllr.hughes@ashcombe-tc.gov.uk (AUTH" } } },
	/* ...without AUTH, the envelope sender says who submitted it. */
	{ .eml = "author-from-clerk.eml", .mail_from = HUGHES, .rcpts = { GREENWAYS },
	  .action = "hold",
	  .findings = { { OBLIGATION, "submitted by cllr.hughes@ashcombe-tc.gov.uk (envelope "
			  "sender, Cllr Tom Hughes) as clerk@ashcombe-tc.gov.uk" },
			{ "capacity", NULL } } },
	/* The Clerk, with her own login, may commit the council. */
	{ .eml = "author-from-clerk.eml", .mail_from = A("clerk"), .rcpts = { GREENWAYS },
	  .auth = A("clerk"), .action = "accept" },
	/* A council address that is nobody's. */
	{ .eml = "author-from-council-address.eml", .mail_from = A("info"),
	  .rcpts = { GREENWAYS }, .auth = "Cllr.Hughes@Ashcombe-TC.gov.uk", .action = "hold",
	  .findings = { { OBLIGATION, "as info@ashcombe-tc.gov.uk" }, { "capacity", NULL } } },
	{ .eml = "author-from-council-address.eml", .mail_from = A("info"),
	  .rcpts = { GREENWAYS }, .auth = A("clerk"), .action = "accept" },
	/* Two From: mailboxes, a councillor second. */
	{ .eml = "author-two-from.eml", .mail_from = A("clerk"), .rcpts = { GREENWAYS },
	  .auth = A("clerk"), .action = "hold",
	  .findings = { { OBLIGATION, "judged as written by Cllr Tom Hughes "
			  "<cllr.hughes@ashcombe-tc.gov.uk>, one of 2 From: mailboxes" },
			{ "capacity", NULL } } },
	/* A quoted From: is the councillor's, read as such. */
	{ .eml = "author-quoted-from.eml", .mail_from = LIST, .rcpts = { GREENWAYS },
	  .action = "hold", .findings = { { OBLIGATION, NULL }, { "capacity", NULL } },
	  .not_evidence = "submitted by" },
	/* A From: nobody can read, and none at all: the submitter. */
	{ .eml = "author-unreadable-from.eml", .mail_from = HUGHES, .rcpts = { GREENWAYS },
	  .action = "hold",
	  .findings = { { OBLIGATION, "as cllr.hughes@ashcombe-tc.gov.uk (Tom Hughes" },
			{ "capacity", NULL } } },
	{ .eml = "author-no-from.eml", .mail_from = LIST, .rcpts = { GREENWAYS },
	  .auth = HUGHES, .action = "hold",
	  .findings = { { OBLIGATION, "submitted by cllr.hughes@ashcombe-tc.gov.uk (AUTH, "
			  "Cllr Tom Hughes) with no From: address" },
			{ "capacity", NULL } } },
	/* A councillor's own listed address is hers: nothing to explain. */
	{ .eml = "author-listed-personal.eml", .mail_from = A("cllr.smith"),
	  .rcpts = { GREENWAYS }, .auth = A("cllr.smith"), .action = "hold",
	  .findings = { { OBLIGATION, NULL }, { "capacity", NULL } },
	  .not_evidence = "submitted by" },
	/* An address she did not list: judged as her, and the evidence says why. */
	{ .eml = "author-unlisted-personal.eml", .mail_from = "janesmith1970@webmail.example",
	  .rcpts = { GREENWAYS }, .auth = A("cllr.smith"), .action = "hold",
	  .findings = { { OBLIGATION, "submitted by cllr.smith@ashcombe-tc.gov.uk (AUTH, Cllr "
			  "Jane Smith) as janesmith1970@webmail.example" },
			{ "capacity", NULL } } },
};

static void test_authors(void **state)
{
	run(councils, authors, G_N_ELEMENTS(authors));
}

/* Finding 12: domains compared in one form (IDNA A-labels), whichever form
   the config, the envelope (A-labels) and GMime (U-labels in headers) use. */
#define BUE(x) x "@xn--brgerau-tc-9db.example"

static const struct address_case international[] = {
	/* Configured as a U-label; the envelope carries A-labels. */
	{ .eml = "idn-blind-copy.eml", .mail_from = BUE("cllr.weiss"),
	  .rcpts = { BUE("clerk"), BUE("cllr.roth") }, .action = "annotate",
	  .findings = { { "silent-copy", "blind copy to cllr.roth@xn--brgerau-tc-9db.example "
			  "(Cllr Lena Roth)" } } },
	{ .eml = "idn-blind-copy.eml", .mail_from = BUE("cllr.weiss"),
	  .rcpts = { "clerk@Bürgerau-TC.example", "CLLR.ROTH@BÜRGERAU-TC.EXAMPLE" },
	  .action = "annotate",
	  .findings = { { "silent-copy", "(Cllr Lena Roth)" } } },
	/* Configured as an A-label; GMime gives the From: header's U-label.
	   The envelope sender is a list's, so only From: names the author. */
	{ .eml = "idn-a-label-author.eml", .mail_from = "bounces@lists.example",
	  .rcpts = { "info@greenways-landscaping.example" }, .action = "hold",
	  .findings = { { "obligation-in-member-name", "commitment \"We will pay your invoice" },
			{ "capacity", NULL } } },
	/* Not valid IDNA: as written, so nobody of the council: a third party. */
	{ .eml = "idn-blind-copy.eml", .mail_from = BUE("cllr.weiss"),
	  .rcpts = { BUE("clerk"), "cllr.roth@xn--brgerau-tc-zzz.example" },
	  .action = "annotate",
	  .findings = { { "capacity", "to cllr.roth@xn--brgerau-tc-zzz.example (outside the "
			  "council)" } } },
};

static void test_international(void **state)
{
	run(idn, international, G_N_ELEMENTS(international));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_authors),
		cmocka_unit_test(test_international),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
