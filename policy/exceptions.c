/*
 * The council's rule exceptions (except_recipients, except_senders in
 * conf_rule_setting): a recipient an exception names is never the one a
 * finding is about, and mail from a sender it names is not judged by the
 * rule. Where an exception stops a finding, the verdict records the finding
 * it stopped (struct policy_exception) for the Clerk's audit: the rule is
 * run once more with its exceptions ignored, which happens only when an
 * exception names someone in this message.
 */
#include "policy/judge.h"

#include <string.h>

#define LISTED_MAX 5		/* recipients named in one exception entry */

static unsigned class_roles(enum rcpt_class cls)
{
	switch (cls) {
	case RCPT_COUNCILLOR:
		return CONF_EXCEPT_ROLE_COUNCILLOR;
	case RCPT_CLERK:
		return CONF_EXCEPT_ROLE_CLERK;
	case RCPT_STAFF:
		return CONF_EXCEPT_ROLE_STAFF;
	default:
		return 0;
	}
}

static unsigned person_roles(const struct conf_person *p)
{
	switch (p->role) {
	case CONF_ROLE_COUNCILLOR:
		return CONF_EXCEPT_ROLE_COUNCILLOR;
	case CONF_ROLE_CLERK:
		return CONF_EXCEPT_ROLE_CLERK;
	case CONF_ROLE_STAFF:
	default:
		return CONF_EXCEPT_ROLE_STAFF;
	}
}

/* The first entry of LIST naming ADDR (normalised, or NULL) or ROLES. */
static const struct conf_exception *named(const struct conf_exception *list, size_t n,
					  const char *addr, unsigned roles)
{
	for (size_t i = 0; i < n; i++)
		if (conf_exception_matches(&list[i], addr, roles))
			return &list[i];
	return NULL;
}

/* The entry of SETTING's except_senders naming the author, or NULL. A
   person of the directory (as the rules judge the author, so that a From:
   the sender chose cannot claim someone else's exception) is named by role
   or by any of their addresses; anyone else by every From: mailbox, or
   without one by the envelope sender. */
static const struct conf_exception *sender_entry(const struct judge *j,
						 const struct conf_rule_setting *s)
{
	const struct parser_address_list *from = &j->msg->fields[PARSER_FROM];
	const struct conf_exception *e = NULL;

	if (s->n_except_senders == 0)
		return NULL;
	if (j->author != NULL) {
		e = named(s->except_senders, s->n_except_senders, NULL, person_roles(j->author));
		for (size_t i = 0; e == NULL && i < j->author->n_addresses; i++) {
			char *addr = conf_address_normalise(j->conf, j->author->addresses[i]);

			e = named(s->except_senders, s->n_except_senders, addr, 0);
			g_free(addr);
		}
		return e;
	}
	if (from->n == 0) {
		char *addr = conf_address_normalise(j->conf, j->env->mail_from);

		e = named(s->except_senders, s->n_except_senders, addr, 0);
		g_free(addr);
		return e;
	}
	for (size_t i = 0; i < from->n; i++) {
		char *addr = conf_address_normalise(j->conf, from->items[i].addr);
		const struct conf_exception *this =
			named(s->except_senders, s->n_except_senders, addr, 0);

		g_free(addr);
		if (this == NULL)
			return NULL;
		e = e != NULL ? e : this;
	}
	return e;
}

void judge_exceptions_prepare(struct judge *j)
{
	for (int rule = 0; rule < CONF_RULE_COUNT; rule++) {
		const struct conf_rule_setting *s = &j->council->rules[rule];

		if (sender_entry(j, s) != NULL)
			j->sender_excepted |= 1u << rule;
		for (guint i = 0; s->n_except_recipients > 0 && i < j->rcpts->len; i++) {
			struct judge_rcpt *r = &g_array_index(j->rcpts, struct judge_rcpt, i);

			if (named(s->except_recipients, s->n_except_recipients, r->addr,
				  class_roles(r->cls)) != NULL)
				r->excepted |= 1u << rule;
		}
	}
}

bool judge_rcpt_excepted(const struct judge *j, const struct judge_rcpt *r)
{
	return !j->ignore_exceptions && (r->excepted & (1u << j->rule)) != 0;
}

void judge_finding_clear(struct policy_finding *f)
{
	g_free(f->evidence);
	g_free(f->notice_text);
	g_free(f->notice_html);
	g_strfreev(f->add_rcpts);
}

/* 'except_senders "role:clerk" for the author Helen Marsh <clerk@x>', or
   'except_recipients "@auditors.example.co.uk" for jo@auditors...; ...'. */
static char *describe(const struct judge *j, enum conf_rule rule, bool sender)
{
	const struct conf_rule_setting *s = &j->council->rules[rule];
	GString *out = g_string_new(NULL);
	unsigned listed = 0, more = 0;

	if (sender) {
		const struct conf_exception *e = sender_entry(j, s);
		const struct parser_address_list *from = &j->msg->fields[PARSER_FROM];
		char *who = j->author != NULL ? judge_person_label(j->author) :
			g_strdup(from->n > 0 ? from->items[0].addr : j->env->mail_from);

		g_string_append_printf(out, "except_senders \"%s\" for the author %s",
				       e != NULL ? e->written : "?", who);
		g_free(who);
		return g_string_free(out, FALSE);
	}
	for (guint i = 0; i < j->rcpts->len; i++) {
		const struct judge_rcpt *r = &g_array_index(j->rcpts, struct judge_rcpt, i);
		const struct conf_exception *e;

		if ((r->excepted & (1u << rule)) == 0)
			continue;
		if (listed == LISTED_MAX) {
			more++;
			continue;
		}
		e = named(s->except_recipients, s->n_except_recipients, r->addr,
			  class_roles(r->cls));
		g_string_append_printf(out, "%sexcept_recipients \"%s\" for %s",
				       listed > 0 ? "; " : "", e != NULL ? e->written : "?",
				       r->addr);
		listed++;
	}
	if (more > 0)
		g_string_append_printf(out, "; and %u more recipients", more);
	return g_string_free(out, FALSE);
}

/* RULE once more with its exceptions ignored: each finding it makes now
   is one an exception stopped, recorded as such and taken back. */
static void what_was_stopped(struct judge *j, enum conf_rule rule, void (*fn)(struct judge *j),
			     bool sender)
{
	guint findings = j->findings->len, headers = j->headers->len;

	j->ignore_exceptions = true;
	fn(j);
	j->ignore_exceptions = false;
	for (guint i = findings; i < j->findings->len; i++) {
		struct policy_finding *f = &g_array_index(j->findings, struct policy_finding, i);
		struct policy_exception x = {
			.rule = rule,
			.exception = describe(j, rule, sender),
			.evidence = g_steal_pointer(&f->evidence),
		};
		char *clean = parser_header_sanitise(x.exception, 600);

		g_free(x.exception);
		x.exception = clean;
		judge_finding_clear(f);
		g_array_append_val(j->exceptions, x);
	}
	g_array_set_size(j->findings, findings);
	for (guint i = headers; i < j->headers->len; i++) {
		struct judge_header *h = &g_array_index(j->headers, struct judge_header, i);

		g_free(h->name);
		g_free(h->value);
	}
	g_array_set_size(j->headers, headers);
}

void judge_run_rule(struct judge *j, enum conf_rule rule, void (*fn)(struct judge *j))
{
	guint before = j->findings->len;
	bool rcpt_excepted = false;

	j->rule = rule;
	if ((j->sender_excepted & (1u << rule)) != 0) {
		what_was_stopped(j, rule, fn, true);
		return;
	}
	fn(j);
	if (j->findings->len > before)
		return;
	for (guint i = 0; i < j->rcpts->len && !rcpt_excepted; i++)
		rcpt_excepted = (g_array_index(j->rcpts, struct judge_rcpt, i).excepted &
				 (1u << rule)) != 0;
	if (rcpt_excepted)
		what_was_stopped(j, rule, fn, false);
}
