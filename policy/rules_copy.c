/*
 * silent-copy: no blind copies of member/officer correspondence to other
 * councillors (town-council-2023 12.1; Ilminster "Correspondence").
 *
 * Blind recipients are envelope recipients (or Bcc: header addresses) that
 * are not in To/Cc after normalisation. The author's own addresses, all of
 * them, are never blind copies. A blind copy counts when it goes to a
 * councillor, or to an officer when the council sets include_staff.
 */
#include "policy/judge.h"

static bool counts(const struct judge *j, const struct judge_rcpt *r,
		   const struct conf_rule_setting *s)
{
	if (r->open || !r->envelope || r->own || r->person == NULL || judge_rcpt_excepted(j, r))
		return false;
	if (r->cls == RCPT_COUNCILLOR)
		return true;
	return s->include_staff && (r->cls == RCPT_STAFF || r->cls == RCPT_CLERK);
}

void rule_silent_copy(struct judge *j)
{
	const struct conf_rule_setting *s = judge_rule(j, CONF_RULE_SILENT_COPY);
	GPtrArray *people, *mailboxes;
	GString *evidence;
	bool correspondence = false;
	unsigned open = 0, blind_people = 0;
	struct policy_finding *f;

	/* Member/officer correspondence: a person of the council writes
	   openly to another person of the council. With nobody addressed
	   openly ("To: undisclosed-recipients:;"), every recipient is blind,
	   and a councillor among them is copied silently on what the others
	   of the council receive: two of them make it correspondence. */
	if (j->author == NULL)
		return;
	for (guint i = 0; i < j->rcpts->len; i++) {
		const struct judge_rcpt *r = &g_array_index(j->rcpts, struct judge_rcpt, i);

		if (r->own)
			continue;
		correspondence |= r->open && r->person != NULL;
		open += r->open;
		blind_people += !r->open && r->person != NULL;
	}
	if (!correspondence && !(open == 0 && blind_people >= 2))
		return;

	people = g_ptr_array_new();
	mailboxes = g_ptr_array_new_with_free_func(g_free);
	evidence = g_string_new(NULL);
	for (guint i = 0; i < j->rcpts->len; i++) {
		const struct judge_rcpt *r = &g_array_index(j->rcpts, struct judge_rcpt, i);
		char *label;

		if (!counts(j, r, s))
			continue;
		label = judge_person_label(r->person);
		if (evidence->len > 0)
			g_string_append(evidence, "; ");
		g_string_append_printf(evidence, "blind copy to %s (%s)", r->addr, label);
		g_ptr_array_add(mailboxes, g_strdup_printf("%s <%s>", label, r->addr));
		g_ptr_array_add(people, (gpointer)r->person);
		g_free(label);
	}
	if (people->len > 0) {
		char *hdr;

		g_ptr_array_add(mailboxes, NULL);
		hdr = g_strjoinv(", ", (char **)mailboxes->pdata);
		f = judge_add_finding(j, CONF_RULE_SILENT_COPY, g_string_free(evidence, FALSE));
		f->notice_text = notice_silent_copy(j->council, people);
		judge_add_header(j, CONF_RULE_SILENT_COPY, POLICY_COPIED_TO_HEADER, hdr);
		g_free(hdr);
	} else {
		g_string_free(evidence, TRUE);
	}
	g_ptr_array_free(people, TRUE);
	g_ptr_array_free(mailboxes, TRUE);
}
