/*
 * The lexicon: which words are verbs, and how often each is a verb rather
 * than a noun or an adjective, from WordNet (Debian's wordnet-base).
 *
 *   index.verb    every verb lemma ("chase", "sort_out")
 *   index.noun,   which of those are also nouns or adjectives
 *   index.adj
 *   cntlist.rev   how often each sense was seen in the SemCor corpus:
 *                 "book" 59 times a noun and 5 times a verb, "move" 280
 *                 times a verb; that settles "Book club is off" vs "Move
 *                 the bins"
 *   verb.exc      irregular forms ("found" -> find, "cut" -> cut), so that
 *                 "Found the keys" is not read as the verb "to found"
 *
 * and from index.noun the two-word nouns that start with a verb ("mince
 * pie", "order form", "check list"), so that "tea, mince pies and the
 * band" is a list of things and not an order to mince anything.
 * A few verbs of outdoor work that WordNet lacks ("strim") are added.
 *
 * Read once per configuration; afterwards read-only, shared by threads.
 */
#include "policy/lang-private.h"

#include <stdio.h>
#include <string.h>

struct lang_lexicon {
	GHashTable *words;	/* folded lemma -> struct lex_word */
	GHashTable *forms;	/* irregular form -> its lemma ("went" -> "go") */
	GHashTable *compounds;	/* "mince pie": nouns of a verb and a noun */
	GStringChunk *chunk;
	size_t n_verbs;
};

/* Cap for corpus counts: they only need to compare. */
#define COUNT_CAP 60000

static struct lex_word *word_entry(struct lang_lexicon *lex, const char *w, size_t len, bool add)
{
	char key[128];
	struct lex_word *e;

	if (len == 0 || len >= sizeof(key))
		return NULL;
	memcpy(key, w, len);
	key[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (key[i] == '_')
			key[i] = ' ';
	e = g_hash_table_lookup(lex->words, key);
	if (e == NULL && add) {
		e = g_new0(struct lex_word, 1);
		g_hash_table_insert(lex->words, g_string_chunk_insert(lex->chunk, key), e);
	}
	return e;
}

static int read_file(const char *dir, const char *name, char **text_r, size_t *len_r,
		     char **error_r)
{
	char *path = g_build_filename(dir, name, NULL);
	GError *error = NULL;
	gsize len = 0;
	int ret = 0;

	*len_r = 0;
	if (g_file_get_contents(path, text_r, &len, &error)) {
		*len_r = len;
	} else {
		*error_r = g_strdup_printf("cannot read WordNet's %s: %s (install the "
					   "wordnet-base package, or set wordnet_dir)",
					   path, error->message);
		g_error_free(error);
		ret = -1;
	}
	g_free(path);
	return ret;
}

/* The line at *P (ending before END), NUL-terminated in place; *P moves to
   the next. memchr, not strchr: a string search through the whole of a
   5 MB file for each line would be quadratic under ASan's
   strict_string_checks, and needlessly slow anywhere. */
static char *next_line(char **p, char *end)
{
	char *line = *p, *nl;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (nl != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = end;
	}
	return line;
}

/* A line of index.noun ("mince_pie n ..."), SP its first space: a noun
   of two words whose first word is a verb. */
static void add_compound(struct lang_lexicon *lex, const char *line, const char *sp)
{
	const char *us = memchr(line, '_', (size_t)(sp - line));
	char key[128];
	const struct lex_word *e;

	if (us == NULL || (size_t)(sp - line) >= sizeof(key) ||
	    memchr(us + 1, '_', (size_t)(sp - us - 1)) != NULL)
		return;
	memcpy(key, line, (size_t)(us - line));
	key[us - line] = '\0';
	e = g_hash_table_lookup(lex->words, key);
	if (e == NULL || !(e->flags & LEX_VERB))
		return;
	memcpy(key, line, (size_t)(sp - line));
	key[sp - line] = '\0';
	key[us - line] = ' ';
	g_hash_table_add(lex->compounds, g_string_chunk_insert(lex->chunk, key));
}

/* Each line of an index file: "lemma pos ...". License lines start with
   two spaces. FLAG is set on the lemmas; with ONLY_KNOWN, only on lemmas
   already in the table (the verbs). */
static void read_index(struct lang_lexicon *lex, char *text, size_t len, unsigned flag,
		       bool only_known)
{
	char *p = text, *end = text + len, *line;

	while ((line = next_line(&p, end)) != NULL) {
		char *sp = strchr(line, ' ');
		struct lex_word *e;

		if (line[0] == ' ' || sp == NULL)
			continue;
		if (flag == LEX_NOUN)
			add_compound(lex, line, sp);
		e = word_entry(lex, line, (size_t)(sp - line), !only_known);
		if (e == NULL)
			continue;
		if (flag == LEX_VERB && !(e->flags & LEX_VERB))
			lex->n_verbs++;
		e->flags |= flag;
	}
}

/* Verbs of a council's outdoor work that WordNet does not list, each
   taken to be a verb first. */
static void add_missing_verbs(struct lang_lexicon *lex)
{
	static const char *const verbs[] = {
		"strim", "jetwash", "rotavate", "rotovate", "weedkill", "litterpick",
		"deadhead", "powerwash",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(verbs); i++) {
		struct lex_word *e = word_entry(lex, verbs[i], strlen(verbs[i]), true);

		if (!(e->flags & LEX_VERB))
			lex->n_verbs++;
		e->flags |= LEX_VERB;
		/* a verb first in a council's mail ("deadhead the planters") */
		e->verb = MAX(e->verb, (unsigned)e->noun + e->adj + 1);
	}
}

/* cntlist.rev: "sense_key sense_number count", the key "lemma%ss_type:...".
   ss_type 1 noun, 2 verb, 3 adjective, 4 adverb, 5 adjective satellite. */
static void read_counts(struct lang_lexicon *lex, char *text, size_t len)
{
	char *p = text, *end = text + len, *line;

	while ((line = next_line(&p, end)) != NULL) {
		char *pct = strchr(line, '%'), *sp;
		struct lex_word *e;
		long count;

		if (pct == NULL || (sp = strrchr(line, ' ')) == NULL)
			continue;
		e = word_entry(lex, line, (size_t)(pct - line), false);
		if (e == NULL)
			continue;
		count = strtol(sp + 1, NULL, 10);
		if (count <= 0)
			continue;
		switch (pct[1]) {
		case '1':
			e->noun = (guint16)MIN(e->noun + count, COUNT_CAP);
			break;
		case '2':
			e->verb = (guint16)MIN(e->verb + count, COUNT_CAP);
			break;
		case '3':
		case '5':
			e->adj = (guint16)MIN(e->adj + count, COUNT_CAP);
			break;
		default:
			break;
		}
	}
}

/* verb.exc: "inflected lemma". An inflected form of another verb ("found"
   of find, "left" of leave) is marked, so it is not taken for a base form;
   every form is marked a participle candidate. */
static void read_exceptions(struct lang_lexicon *lex, char *text, size_t len)
{
	char *p = text, *end = text + len, *line;

	while ((line = next_line(&p, end)) != NULL) {
		char *sp = strchr(line, ' '), *lemma;
		struct lex_word *e;
		size_t n;

		if (sp == NULL)
			continue;
		lemma = sp + 1;
		n = strcspn(lemma, " \r");
		e = word_entry(lex, line, (size_t)(sp - line), true);
		if (e == NULL)
			continue;
		e->flags |= LEX_INFLECTED;
		if ((size_t)(sp - line) == n && strncmp(line, lemma, n) == 0)
			continue;
		/* verb.exc lists -s and -ing forms too ("programmes",
		   "cutting"): only the others are a past form of another
		   lemma ("found", "rang") */
		if (line[sp - line - 1] != 's' &&
		    !((size_t)(sp - line) > 3 && strncmp(sp - 3, "ing", 3) == 0))
			e->flags |= LEX_OTHER_LEMMA;
		lemma[n] = '\0';
		*sp = '\0';
		if (!g_hash_table_contains(lex->forms, line))
			g_hash_table_insert(lex->forms, g_string_chunk_insert(lex->chunk, line),
					    g_string_chunk_insert(lex->chunk, lemma));
	}
}

int lang_lexicon_new(const char *dir, struct lang_lexicon **lex_r, char **error_r)
{
	static const char *const names[] = {
		"index.verb", "index.noun", "index.adj", "cntlist.rev", "verb.exc",
	};
	char *texts[G_N_ELEMENTS(names)] = { NULL };
	size_t lens[G_N_ELEMENTS(names)] = { 0 };
	struct lang_lexicon *lex;
	int ret = 0;

	*lex_r = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(names) && ret == 0; i++)
		ret = read_file(dir, names[i], &texts[i], &lens[i], error_r);
	if (ret < 0) {
		for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
			g_free(texts[i]);
		return -1;
	}
	lex = g_new0(struct lang_lexicon, 1);
	lex->words = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	lex->forms = g_hash_table_new(g_str_hash, g_str_equal);
	lex->compounds = g_hash_table_new(g_str_hash, g_str_equal);
	lex->chunk = g_string_chunk_new(64 * 1024);
	/* The irregular forms first, so that "broken" or "fallen" is known
	   as an adjective too ("the two broken benches"). */
	read_index(lex, texts[0], lens[0], LEX_VERB, false);
	read_exceptions(lex, texts[4], lens[4]);
	read_index(lex, texts[1], lens[1], LEX_NOUN, true);
	read_index(lex, texts[2], lens[2], LEX_ADJ, true);
	read_counts(lex, texts[3], lens[3]);
	add_missing_verbs(lex);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		g_free(texts[i]);
	if (lex->n_verbs < 1000) {
		*error_r = g_strdup_printf("WordNet's %s/index.verb lists only %zu verbs; "
					   "expected the full lexicon (wordnet-base)",
					   dir, lex->n_verbs);
		lang_lexicon_free(&lex);
		return -1;
	}
	*lex_r = lex;
	return 0;
}

void lang_lexicon_free(struct lang_lexicon **lex)
{
	if (*lex == NULL)
		return;
	g_hash_table_destroy((*lex)->words);
	g_hash_table_destroy((*lex)->forms);
	g_hash_table_destroy((*lex)->compounds);
	g_string_chunk_free((*lex)->chunk);
	g_free(*lex);
	*lex = NULL;
}

size_t lang_lexicon_verbs(const struct lang_lexicon *lex)
{
	return lex->n_verbs;
}

bool lex_noun_compound(const struct lang_lexicon *lex, const char *first, const char *second)
{
	char key[128];
	int n = snprintf(key, sizeof(key), "%s %s", first, second);
	size_t len;

	if (n < 0 || (size_t)n >= sizeof(key))
		return false;
	if (g_hash_table_contains(lex->compounds, key))
		return true;
	/* the plural: "pies", "boxes", "lorries" */
	len = (size_t)n;
	if (len > 3 && strcmp(key + len - 3, "ies") == 0) {
		strcpy(key + len - 3, "y");
		if (g_hash_table_contains(lex->compounds, key))
			return true;
		snprintf(key, sizeof(key), "%s %s", first, second);
	}
	if (len > 2 && key[len - 1] == 's') {
		key[len - 1] = '\0';
		if (g_hash_table_contains(lex->compounds, key))
			return true;
		if (len > 3 && key[len - 2] == 'e') {
			key[len - 2] = '\0';
			return g_hash_table_contains(lex->compounds, key);
		}
	}
	return false;
}

/* "re-seed", "double-check", "pre-book": the verb after a prefix. */
static const char *unprefixed(const char *word)
{
	static const char *const prefixes[] = { "re-", "double-", "pre-", "co-" };

	if (word[0] != 'r' && word[0] != 'd' && word[0] != 'p' && word[0] != 'c')
		return NULL;	/* the first letters of every prefix: most words */
	for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++)
		if (g_str_has_prefix(word, prefixes[i]) && word[strlen(prefixes[i])] != '\0')
			return word + strlen(prefixes[i]);
	return NULL;
}

const struct lex_word *lex_lookup(const struct lang_lexicon *lex, const char *word)
{
	const struct lex_word *e = g_hash_table_lookup(lex->words, word);
	const char *rest;

	if (e == NULL && (rest = unprefixed(word)) != NULL)
		e = g_hash_table_lookup(lex->words, rest);
	/* "dead-head", "proof-read": WordNet writes them as one word */
	if (e == NULL && (rest = strchr(word, '-')) != NULL && rest > word && rest[1] != '\0' &&
	    strchr(rest + 1, '-') == NULL && strlen(word) < 64) {
		char joined[64];
		size_t n = (size_t)(rest - word);

		memcpy(joined, word, n);
		strcpy(joined + n, rest + 1);
		e = g_hash_table_lookup(lex->words, joined);
	}
	return e;
}

bool lex_is_verb(const struct lang_lexicon *lex, const char *word)
{
	const struct lex_word *e = lex_lookup(lex, word);

	return e != NULL && (e->flags & LEX_VERB);
}

bool lex_tok_is_verb(const struct lang_lexicon *lex, const struct lang_text *text, size_t i)
{
	/* The rules ask of the same words again and again; the answer is
	   kept in the token (for one lexicon: the text's first) */
	struct lang_text *t = (struct lang_text *)text;
	struct tok *tok = TOK(t, i);
	const struct lex_word *e;

	if (t->lex == NULL)
		t->lex = lex;
	if (t->lex != lex)
		return lex_is_verb(lex, tok->w);
	if (!(tok->flags & TOK_LEX_KNOWN)) {
		tok->lex = lex_lookup(lex, tok->w);
		tok->flags |= TOK_LEX_KNOWN;
	}
	e = tok->lex;
	return e != NULL && (e->flags & LEX_VERB);
}

bool lex_verb_first(const struct lang_lexicon *lex, const char *word)
{
	const struct lex_word *e = lex_lookup(lex, word);
	unsigned other;

	if (e == NULL || !(e->flags & LEX_VERB))
		return false;
	if (!(e->flags & (LEX_NOUN | LEX_ADJ)))
		return true;
	other = (unsigned)e->noun + e->adj;
	/* Seen more often as a verb than as anything else (add-one smoothed:
	   a word never counted either way is not a verb first). */
	return (unsigned)e->verb + 1 > other + 1 && e->verb > 0;
}

/* "-ed" and "-ing" forms: strip the ending and look for the lemma, with the
   usual spelling changes (moved -> move, stopped -> stop, tried -> try,
   moving -> move, cutting -> cut). */
static bool stem_is_verb(const struct lang_lexicon *lex, const char *w, size_t len,
			 const char *suffix)
{
	size_t s = strlen(suffix), n;
	char buf[64];

	if (len <= s + 1 || len - s + 2 >= sizeof(buf) || strcmp(w + len - s, suffix) != 0)
		return false;
	n = len - s;
	memcpy(buf, w, n);
	buf[n] = '\0';
	if (lex_is_verb(lex, buf))			/* sorted -> sort */
		return true;
	buf[n] = 'e';
	buf[n + 1] = '\0';
	if (lex_is_verb(lex, buf))			/* moved -> move */
		return true;
	if (n >= 2 && buf[n - 1] == buf[n - 2]) {	/* stopped -> stop */
		buf[n - 1] = '\0';
		if (lex_is_verb(lex, buf))
			return true;
	}
	if (strcmp(suffix, "ed") == 0 && n >= 2 && w[n - 1] == 'i') {	/* tried -> try */
		memcpy(buf, w, n - 1);
		buf[n - 1] = 'y';
		buf[n] = '\0';
		if (lex_is_verb(lex, buf))
			return true;
	}
	return false;
}

bool lex_lemma(const struct lang_lexicon *lex, const char *word, char *buf, size_t size)
{
	static const char *const suffixes[] = { "ing", "ed", "d", "es", "s" };
	const char *irregular = g_hash_table_lookup(lex->forms, word);
	size_t len = strlen(word);

	if (irregular != NULL) {
		g_strlcpy(buf, irregular, size);
		return true;
	}
	if (lex_is_verb(lex, word)) {
		g_strlcpy(buf, word, size);
		return true;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		size_t s = strlen(suffixes[i]), n;

		if (len <= s + 1 || len - s + 2 >= size || strcmp(word + len - s, suffixes[i]) != 0)
			continue;
		n = len - s;
		memcpy(buf, word, n);
		buf[n] = '\0';
		if (lex_is_verb(lex, buf))
			return true;
		buf[n] = 'e';
		buf[n + 1] = '\0';
		if (lex_is_verb(lex, buf))
			return true;
		if (n >= 2 && buf[n - 1] == buf[n - 2]) {
			buf[n - 1] = '\0';
			if (lex_is_verb(lex, buf))
				return true;
		}
		if (word[n - 1] == 'i') {
			buf[n - 1] = 'y';
			buf[n] = '\0';
			if (lex_is_verb(lex, buf))
				return true;
		}
	}
	return false;
}

bool lex_is_participle(const struct lang_lexicon *lex, const char *word)
{
	/* Participles the same as their verb, which verb.exc does not list
	   ("could the grass be cut", "have it put back") */
	static const char *const invariant[] = {
		"cut", "put", "set", "shut", "hit", "let", "cost", "hurt", "spread", "split",
		"burst", "cast", "quit", "rid", "shed", "slit", "upset", "broadcast", "read",
		"reset", "recut", "preset", "offset",
	};
	const struct lex_word *e = lex_lookup(lex, word);
	size_t len = strlen(word);

	for (size_t i = 0; i < G_N_ELEMENTS(invariant); i++)
		if (strcmp(word, invariant[i]) == 0)
			return true;
	if (e != NULL && (e->flags & LEX_INFLECTED))
		return true;
	return stem_is_verb(lex, word, len, "ed") || stem_is_verb(lex, word, len, "d");
}

bool lex_is_gerund(const struct lang_lexicon *lex, const char *word)
{
	return stem_is_verb(lex, word, strlen(word), "ing");
}

bool lex_is_past(const struct lang_lexicon *lex, const char *word)
{
	const struct lex_word *e = lex_lookup(lex, word);

	/* verb.exc also lists some -ing and -s forms ("cutting cut") */
	if (e != NULL && (e->flags & LEX_OTHER_LEMMA) && !g_str_has_suffix(word, "ing"))
		return true;
	return !lex_is_verb(lex, word) && lex_is_participle(lex, word);
}
