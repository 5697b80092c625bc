/*
 * pre-election: in the council's configured pre-election period, a
 * councillor's mail to the press is handled more strictly (held for the
 * Clerk by default): town-council-2023 11.5(g), with 9.4(b).
 *
 * 11.5(g) excepts a member "contacted as an election candidate or political
 * party activist": a message that says so in the author's own words is no
 * finding (the capacity rule still asks for a capacity statement, which
 * that sentence is).
 */
#include "policy/judge.h"

static const char *const candidate_words[] = {
	"as a candidate", "as an election candidate", "as the candidate", "as a party candidate",
	"as a party activist", "as a political party activist", "in my capacity as a candidate",
	"as candidate for", "as a candidate for", "as your candidate",
};
const struct judge_word_list judge_candidate_words = {
	candidate_words, G_N_ELEMENTS(candidate_words)
};

void rule_pre_election(struct judge *j)
{
	const struct conf_council *c = j->council;
	const struct judge_rcpt *press;
	const struct phrase_set *cand;
	struct phrase_match m;
	struct policy_finding *f;
	bool candidate = false;
	char *from, *to;

	if (c->pre_election_start == 0 || !judge_is_councillor(j->author))
		return;
	if (j->env->now < c->pre_election_start || j->env->now > c->pre_election_end)
		return;
	if ((press = judge_first_class(j, RCPT_PRESS)) == NULL)
		return;
	cand = judge_words(j, JUDGE_WORDS_CANDIDATE);
	if (j->subject != NULL)
		candidate = phrase_match_range(cand, j->subject, 0, G_MAXSIZE, &m);
	/* As for capacity: only a statement the reader is shown counts. */
	judge_prepare_shown(j);
	candidate = candidate || phrase_match_range(cand, j->body_shown, 0, G_MAXSIZE, &m) ||
		    phrase_match_range(cand, j->signature_shown, 0, G_MAXSIZE, &m);
	if (candidate || judge_says_as(j->subject, judge_candidate_roles) ||
	    judge_says_as(j->body_shown, judge_candidate_roles) ||
	    judge_says_as(j->signature_shown, judge_candidate_roles))
		return;
	from = notice_date(c->pre_election_start);
	to = notice_date(c->pre_election_end);
	f = judge_add_finding(j, CONF_RULE_PRE_ELECTION,
			      g_strdup_printf("to %s (press) during the pre-election period "
					      "%s to %s", press->addr, from, to));
	f->notice_text = notice_pre_election(j);
	g_free(from);
	g_free(to);
}
