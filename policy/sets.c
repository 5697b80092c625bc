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
#include "policy/lang.h"

#include <string.h>

#define ATTACHMENT_KEY "policy/phrase-sets"
#define LEXICON_KEY "policy/lexicon"

struct council_sets {
	struct phrase_set *sets[CONF_PHRASES_COUNT];
	struct lang_list *lists[LANG_LISTS];
};

struct policy_sets {
	size_t n_councils;
	struct council_sets **council;	/* same index as conf->councils; each set once */
	struct phrase_set *fixed[JUDGE_WORDS_COUNT];
};

static const struct judge_word_list *const fixed_lists[JUDGE_WORDS_COUNT] = {
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
		for (size_t k = 0; k < LANG_LISTS; k++)
			lang_list_free(&s->council[i]->lists[k]);
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

/* The ways a message names its own council: "Harwick Town Council",
   "Harwick council". */
static struct lang_list *council_names(const struct conf_council *council)
{
	const char *name = council->name;
	char *entries[3] = { NULL };
	const char *kinds[] = { " Town Council", " Parish Council", " Village Council",
				" Community Council", " City Council", " Council" };
	struct lang_list *list;

	if (g_str_has_prefix(name, "The ") || g_str_has_prefix(name, "the "))
		name += 4;
	entries[0] = g_ascii_strdown(name, -1);
	for (size_t k = 0; k < G_N_ELEMENTS(kinds) && entries[1] == NULL; k++) {
		if (g_str_has_suffix(name, kinds[k]) && strlen(name) > strlen(kinds[k])) {
			char *place = g_strndup(name, strlen(name) - strlen(kinds[k]));

			entries[1] = g_strdup_printf("%s council", place);
			g_free(place);
		}
	}
	list = lang_list_new((const char *const *)entries, entries[1] != NULL ? 2 : 1);
	g_free(entries[0]);
	g_free(entries[1]);
	return list;
}

static struct council_sets *council_sets_of(const struct conf *conf,
					    const struct conf_council *council)
{
	static const enum conf_phrase_set list_sets[LANG_LISTS] = {
		[LANG_LIST_INFORMATION] = CONF_PHRASES_INFORMATION,
		[LANG_LIST_COURTESY] = CONF_PHRASES_COURTESY,
		[LANG_LIST_COMMITMENT] = CONF_PHRASES_COMMITMENT,
		[LANG_LIST_PARTY] = CONF_PHRASES_PARTY,
		[LANG_LIST_CAMPAIGN] = CONF_PHRASES_PARTY_POLITICAL,
	};
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
		for (size_t k = 0; k < LANG_LISTS; k++) {
			const struct conf_phrases *p = &council->phrases[list_sets[k]];

			cs->lists[k] = k == LANG_LIST_COUNCIL_NAMES ? council_names(council) :
				       lang_list_new(p->phrases, p->n_phrases);
		}
		g_once_init_leave(slot, cs);
	}
	return *slot;
}

const struct phrase_set *const *judge_council_sets(const struct conf *conf,
						   const struct conf_council *council)
{
	return (const struct phrase_set *const *)council_sets_of(conf, council)->sets;
}

void judge_council_lists(const struct conf *conf, const struct conf_council *council,
			 struct lang_lists *lists_r)
{
	struct lang_list *const *l = council_sets_of(conf, council)->lists;

	*lists_r = (struct lang_lists){
		.information = l[LANG_LIST_INFORMATION], .courtesy = l[LANG_LIST_COURTESY],
		.commitment = l[LANG_LIST_COMMITMENT], .party = l[LANG_LIST_PARTY],
		.campaign = l[LANG_LIST_CAMPAIGN], .council_names = l[LANG_LIST_COUNCIL_NAMES],
	};
}

/* The lexicon, read once per configuration. A lexicon that cannot be read
   is kept as its error, so every judgement under this configuration fails
   the same way (tempfail by default) and policy_prepare can say why. */
struct lexicon_slot {
	struct lang_lexicon *lex;
	char *error;
};

static void *lexicon_create(const struct conf *conf)
{
	struct lexicon_slot *slot = g_new0(struct lexicon_slot, 1);

	if (lang_lexicon_new(conf->daemon.wordnet_dir, &slot->lex, &slot->error) < 0 &&
	    slot->error == NULL)
		slot->error = g_strdup("cannot read WordNet's lexicon");
	return slot;
}

static void lexicon_destroy(void *data)
{
	struct lexicon_slot *slot = data;

	lang_lexicon_free(&slot->lex);
	g_free(slot->error);
	g_free(slot);
}

const struct lang_lexicon *judge_lexicon(const struct conf *conf, const char **error_r)
{
	struct lexicon_slot *slot = conf_attachment(conf, LEXICON_KEY, lexicon_create,
						    lexicon_destroy);

	if (slot->lex == NULL)
		*error_r = slot->error;
	return slot->lex;
}

int policy_prepare(const struct conf *conf, const char **error_r)
{
	return judge_lexicon(conf, error_r) != NULL ? 0 : -1;
}

const struct phrase_set *judge_words(const struct judge *j, enum judge_words words)
{
	return sets_of(j->conf)->fixed[words];
}
