/*
 * Evasions of the text rules and markings by the text itself (issue 15,
 * finding 7): look-alike letters from other scripts, invisible characters,
 * letters spaced or dotted apart, HTML that hides or only shows text, text
 * in alternatives and parts a first text/plain leaves out, and header
 * values written the way mail programs read them. Each fixture is a message
 * someone could send; the judge must read it as a mail client shows it.
 * Fixtures: tests/messages/hostile/evasion/; directory: tests/policy/conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "judge_test.h"

#define DIR "hostile/evasion/"
#define MAX_FINDINGS 3

struct want {
	const char *rule, *action;
	const char *evidence;	/* substring; NULL: not checked */
};

struct evasion_case {
	const char *eml;
	const char *from;
	const char *rcpt;
	const char *action;
	struct want findings[MAX_FINDINGS];
};

#define A(x) x "@ashcombe-tc.gov.uk"
#define KAY "r.kay@homemail.example"
#define PRESS "news@ashcombe-gazette.example"
#define CONF_HOLD(ev) { "confidential", "hold", ev }
#define CAPACITY { "capacity", "annotate", "no capacity statement" }
#define INSTRUCTS { "member-instructs-staff", "annotate", "for the hedges on Mill Lane to be cut" }
/* A marked message from Cllr Jones to a resident: held, and the capacity
   statement added (her text says in what capacity she writes nowhere). */
#define MARKED(file, ev) { DIR file, A("cllr.jones"), KAY, "hold", { CONF_HOLD(ev), CAPACITY } }
#define INSTRUCTION(file) { DIR file, A("cllr.jones"), A("parks"), "annotate", { INSTRUCTS } }
#define NO_CAPACITY(file) { DIR file, A("cllr.hughes"), PRESS, "annotate", { CAPACITY } }

static const struct evasion_case cases[] = {
	/* Look-alike letters: Cyrillic and Greek read as the Latin they mimic */
	MARKED("homoglyph-subject.eml", "marking \"confidential\" in subject"),
	MARKED("homoglyph-banner.eml", "read as \"confidential\""),
	MARKED("homoglyph-whole-script.eml", "read as \"exempt\""),
	MARKED("homoglyph-cyrillic-i.eml", "read as \"not for publication\""),
	/* ... but Russian is Russian: no marking in it */
	{ DIR "russian-letter.eml", A("cllr.jones"), KAY, "annotate", { CAPACITY } },

	/* Invisible characters (default ignorable code points) are not there */
	MARKED("invisible-banner.eml", "banner \"CONFIDENTIAL\" in body line 1"),
	MARKED("invisible-subject.eml", "marking \"not for publication\" in subject"),
	INSTRUCTION("invisible-instruction.eml"),

	/* Letters spaced, dotted or hyphenated apart */
	MARKED("spaced-banner.eml", "read as \"confidential\""),
	MARKED("dotted-banner.eml", "read as \"confidential\""),
	MARKED("hyphen-banner.eml", "read as \"confidential\""),
	MARKED("spaced-words-banner.eml", "read as \"not for publication\""),
	MARKED("spaced-subject.eml", "marking \"confidential\" in subject"),
	INSTRUCTION("spaced-instruction.eml"),
	{ DIR "single-letters-prose.eml", A("cllr.jones"), A("parks"), "accept", { { NULL } } },

	/* Sensitivity: as a mail program reads it */
	MARKED("sensitivity-space.eml", "Sensitivity: Company Confidential header"),
	MARKED("sensitivity-quoted.eml", "Sensitivity: \"Company-Confidential\" header"),
	MARKED("sensitivity-comment.eml", "Sensitivity: Company-Confidential (x) header"),
	MARKED("sensitivity-case.eml", "COMPANY_confidential header"),
	{ DIR "sensitivity-normal.eml", A("cllr.jones"), KAY, "annotate", { CAPACITY } },

	/* "exempt from publication" marks; "exempt from VAT" does not */
	MARKED("exempt-from-publication.eml", "banner \"EXEMPT FROM PUBLICATION\""),
	MARKED("exempt-from-disclosure-subject.eml", "marking \"exempt from disclosure\""),
	{ DIR "exempt-from-vat.eml", A("cllr.jones"), KAY, "annotate", { CAPACITY } },

	/* HTML: what is shown is read as shown ... */
	MARKED("html-banner-hidden-span.eml", "banner \"CONFIDENTIAL\" in body"),
	/* ... what is hidden does not state a capacity ... */
	NO_CAPACITY("html-capacity-display-none.eml"),
	NO_CAPACITY("html-capacity-font-size-0.eml"),
	NO_CAPACITY("html-capacity-visibility.eml"),
	NO_CAPACITY("html-capacity-hidden-attr.eml"),
	NO_CAPACITY("html-capacity-opacity.eml"),
	{ DIR "html-capacity-shown-again.eml", A("cllr.hughes"), PRESS, "accept", { { NULL } } },
	/* ... but hidden or seldom shown text is still read for markings and
	   instructions */
	MARKED("html-hidden-banner.eml", "banner \"CONFIDENTIAL\""),
	MARKED("html-noscript-banner.eml", "banner \"CONFIDENTIAL\""),
	MARKED("html-svg-banner.eml", "banner \"NOT FOR PUBLICATION\""),
	MARKED("html-css-content-banner.eml", "banner \"CONFIDENTIAL\""),
	INSTRUCTION("html-hidden-instruction.eml"),
	/* hidden text at the end of a shown line does not part it from the
	   next ("Please" / "arrange") */
	INSTRUCTION("html-hidden-between-lines.eml"),
	/* a hidden reply marker does not turn what follows into a quotation */
	INSTRUCTION("html-hidden-reply-marker.eml"),

	/* Every alternative and every inline text part is read */
	INSTRUCTION("alternative-html-only-instruction.eml"),
	INSTRUCTION("alternative-two-plain.eml"),
	NO_CAPACITY("alternative-capacity-plain-only.eml"),
	INSTRUCTION("text-part-with-filename.eml"),
	INSTRUCTION("text-part-name-only.eml"),
	INSTRUCTION("fake-encrypted.eml"),
	INSTRUCTION("fake-encrypted-two-parts.eml"),
	/* A carried message, however it is encoded */
	{ DIR "inline-rfc822.eml", A("cllr.hughes"), KAY, "hold",
	  { CONF_HOLD("banner \"NOT FOR PUBLICATION\""), CAPACITY } },
	{ DIR "rfc822-base64.eml", A("cllr.hughes"), KAY, "hold",
	  { CONF_HOLD("banner \"NOT FOR PUBLICATION\""), CAPACITY } },
	{ DIR "rfc822-quoted-printable.eml", A("cllr.hughes"), KAY, "hold",
	  { CONF_HOLD("banner \"NOT FOR PUBLICATION\""), CAPACITY } },
	{ DIR "rfc822-top-level.eml", A("cllr.hughes"), KAY, "hold",
	  { CONF_HOLD("marking \"confidential\" in attached message subject"), CAPACITY } },
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

static void describe(GString *s, const struct policy_verdict *v)
{
	g_string_append_printf(s, "%s [", conf_action_name(v->action));
	for (size_t k = 0; k < v->n_findings; k++)
		g_string_append_printf(s, " %s=%s (%s)", conf_rule_id(v->findings[k].rule),
				       conf_action_name(v->findings[k].action),
				       v->findings[k].evidence);
	g_string_append(s, " ]");
}

static bool verdict_is(const struct evasion_case *c, const struct policy_verdict *v)
{
	size_t n = 0;

	while (n < MAX_FINDINGS && c->findings[n].rule != NULL)
		n++;
	if (strcmp(conf_action_name(v->action), c->action) != 0 || v->n_findings != n)
		return false;
	for (size_t k = 0; k < n; k++) {
		const struct want *w = &c->findings[k];
		const struct policy_finding *f = &v->findings[k];

		if (strcmp(conf_rule_id(f->rule), w->rule) != 0 ||
		    strcmp(conf_action_name(f->action), w->action) != 0 ||
		    (w->evidence != NULL && strstr(f->evidence, w->evidence) == NULL))
			return false;
	}
	return true;
}

static struct policy_verdict *judge(const char *eml, const char *from, const char *rcpt)
{
	const char *rcpts[] = { rcpt };
	struct policy_envelope env = { .mail_from = from, .rcpts = rcpts, .n_rcpts = 1,
				       .now = TEST_NOW };
	struct parser_message *msg = test_parse(eml);
	struct policy_verdict *v = NULL;
	const char *error = NULL;

	if (policy_judge(conf, &env, msg, NULL, &v, &error) != 0)
		fail_msg("%s: policy_judge failed: %s", eml, error);
	parser_message_free(&msg);
	return v;
}

static void test_evasions(void **state)
{
	GString *err = g_string_new(NULL);
	unsigned failed = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct evasion_case *c = &cases[i];
		struct policy_verdict *v = judge(c->eml, c->from, c->rcpt);

		if (!verdict_is(c, v)) {
			g_string_append_printf(err, "\n%s: got ", c->eml);
			describe(err, v);
			g_string_append_printf(err, "\n  want %s [", c->action);
			for (size_t k = 0; k < MAX_FINDINGS && c->findings[k].rule != NULL; k++)
				g_string_append_printf(err, " %s=%s (...%s...)", c->findings[k].rule,
						       c->findings[k].action,
						       c->findings[k].evidence ?
						       c->findings[k].evidence : "");
			g_string_append(err, " ]");
			/* cmocka cuts long messages: one case at a time */
			print_error("%s\n", err->str);
			g_string_truncate(err, 0);
			failed++;
		}
		policy_verdict_free(&v);
	}
	if (failed > 0)
		fail_msg("%u of %zu cases: got a different verdict", failed, G_N_ELEMENTS(cases));
	g_string_free(err, TRUE);
}

/* Finding 13b, after finding 13a: the names of the Cc: the sender wrote
   are kept as written (the engine appends the Clerk to the field as it
   came, parser_address_list_append), so a malformed encoded word there is
   never decoded into something else; the policy hands over the Clerk's
   mailbox alone. How encoded words are decoded elsewhere (evidence, the
   model) is tests/parser/test_shown.c's. */
static void test_encoded_names(void **state)
{
	struct policy_verdict *v = judge(DIR "encoded-words-malformed.eml", A("cllr.jones"),
					 A("parks"));

	(void)state;
	if (v->cc_append == NULL || strstr(v->cc_append, A("clerk")) == NULL ||
	    strstr(v->cc_append, "homemail.example") != NULL)
		fail_msg("Cc to append: got \"%s\", want the Clerk's mailbox alone",
			 v->cc_append ? v->cc_append : "(none)");
	policy_verdict_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evasions),
		cmocka_unit_test(test_encoded_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
