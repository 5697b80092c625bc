/*
 * The compiled phrase sets, kept per loaded configuration (conf_attachment)
 * rather than compiled again for every message: compiling the council's
 * sets was a fifth of the judge's time. A council's sets are compiled the
 * first time a message for it is judged (a directory of 500 councils costs
 * nothing up front); the rules' fixed word lists once per configuration.
 * A reload brings a new struct conf, so new sets; the old ones go with the
 * old configuration's last reference. Compiled sets are read-only, so the
 * daemon's threads share them.
 */
#include "policy/judge.h"

#define ATTACHMENT_KEY "policy/phrase-sets"

struct council_sets {
	struct phrase_set *sets[CONF_PHRASES_COUNT];
};

struct policy_sets {
	size_t n_councils;
	struct council_sets **council;	/* same index as conf->councils; each set once */
	struct phrase_set *fixed[JUDGE_WORDS_COUNT];
};

static const struct judge_word_list *const fixed_lists[JUDGE_WORDS_COUNT] = {
	[JUDGE_WORDS_REQUEST] = &judge_request_words,
	[JUDGE_WORDS_COUNCIL_NAME] = &judge_council_name_words,
	[JUDGE_WORDS_CANDIDATE] = &judge_candidate_words,
};

static void *sets_create(const struct conf *conf)
{
	struct policy_sets *s = g_new0(struct policy_sets, 1);

	s->n_councils = conf->n_councils;
	s->council = g_new0(struct council_sets *, MAX(conf->n_councils, 1));
	for (size_t i = 0; i < JUDGE_WORDS_COUNT; i++)
		s->fixed[i] = phrase_set_new(fixed_lists[i]->words, fixed_lists[i]->n);
	return s;
}

static void sets_destroy(void *data)
{
	struct policy_sets *s = data;

	for (size_t i = 0; i < s->n_councils; i++) {
		if (s->council[i] == NULL)
			continue;
		for (size_t k = 0; k < CONF_PHRASES_COUNT; k++)
			phrase_set_free(&s->council[i]->sets[k]);
		g_free(s->council[i]);
	}
	g_free(s->council);
	for (size_t i = 0; i < JUDGE_WORDS_COUNT; i++)
		phrase_set_free(&s->fixed[i]);
	g_free(s);
}

static struct policy_sets *sets_of(const struct conf *conf)
{
	return conf_attachment(conf, ATTACHMENT_KEY, sets_create, sets_destroy);
}

const struct phrase_set *const *judge_council_sets(const struct conf *conf,
						   const struct conf_council *council)
{
	struct policy_sets *s = sets_of(conf);
	size_t i = (size_t)(council - conf->councils);
	struct council_sets **slot;

	g_return_val_if_fail(i < s->n_councils, NULL);
	slot = &s->council[i];
	/* Once per council, whichever thread gets there first; the others
	   wait for it and then read the same sets. */
	if (g_once_init_enter(slot)) {
		struct council_sets *cs = g_new0(struct council_sets, 1);

		for (size_t k = 0; k < CONF_PHRASES_COUNT; k++)
			cs->sets[k] = phrase_set_new(council->phrases[k].phrases,
						     council->phrases[k].n_phrases);
		g_once_init_leave(slot, cs);
	}
	return (const struct phrase_set *const *)(*slot)->sets;
}

const struct phrase_set *judge_words(const struct judge *j, enum judge_words words)
{
	return sets_of(j->conf)->fixed[words];
}
