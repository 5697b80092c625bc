/*
 * The language layer's questions: requests, commitments and party
 * references, clause by clause (lang.h).
 *
 * A clause starts a sentence, or follows a comma, colon, bracket or dash,
 * or the words "so", "then", "but"; "and"/"or" start one only for a modal
 * request or after "please"/"then"/"also"/"just" ("... and then send the
 * invoice"), since "they come on Tuesdays and empty the bins" shares its
 * subject. After a comma, a bare verb continues a verb list when the clause
 * before it has a modal with its verb ("the contractor will trim the
 * hedges, cut the grass and clear the gullies"): no imperative there.
 *
 * The word lists below are grammar (closed classes: determiners,
 * pronouns, auxiliaries, fillers), fixed like the rules; the open lexicon
 * is WordNet's (lexicon.c) and the curated lists are data (lang.h).
 */
#include "policy/lang-private.h"
#include "policy/phrase.h"

#include <string.h>

/* ---- word-sequence lists ---- */

struct list_entry {
	GArray *toks;		/* struct tok of the entry (its own lang_text) */
	struct lang_text *text;
};

#define LIST_BITS 4096

struct lang_list {
	GHashTable *by_first;	/* first word -> GPtrArray of struct list_entry */
	GHashTable *except_by_first;	/* the same for "!" entries */
	GPtrArray *entries;
	size_t max_except;	/* longest exception, in words */
	/* The hashes of by_first's words, one bit each: most words of a
	   text start no entry, and one bit says so without a lookup. */
	guint64 first_bits[LIST_BITS / 64];
};

static inline bool list_may_start(const struct lang_list *list, guint32 hash)
{
	return (list->first_bits[(hash % LIST_BITS) / 64] >> (hash % 64)) & 1;
}

static void entry_free(gpointer p)
{
	struct list_entry *e = p;

	lang_text_free(&e->text);
	g_free(e);
}

struct lang_list *lang_list_new(const char *const *entries, size_t n)
{
	struct lang_list *list = g_new0(struct lang_list, 1);

	list->entries = g_ptr_array_new_with_free_func(entry_free);
	list->by_first = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					       (GDestroyNotify)g_ptr_array_unref);
	list->except_by_first = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						      (GDestroyNotify)g_ptr_array_unref);
	for (size_t i = 0; i < n; i++) {
		bool except = entries[i] != NULL && entries[i][0] == '!';
		GHashTable *index = except ? list->except_by_first : list->by_first;
		struct list_entry *e;
		GPtrArray *bucket;

		if (entries[i] == NULL)
			continue;
		e = g_new0(struct list_entry, 1);
		e->text = lang_text_new(entries[i] + (except ? 1 : 0));
		e->toks = e->text->toks;
		if (e->toks->len == 0) {
			entry_free(e);
			continue;
		}
		if (except)
			list->max_except = MAX(list->max_except, e->toks->len);
		g_ptr_array_add(list->entries, e);
		bucket = g_hash_table_lookup(index, TOK(e->text, 0)->w);
		if (bucket == NULL) {
			bucket = g_ptr_array_new();
			g_hash_table_insert(index, (gpointer)TOK(e->text, 0)->w, bucket);
		}
		if (!except) {
			guint32 h = TOK(e->text, 0)->hash;

			list->first_bits[(h % LIST_BITS) / 64] |= (guint64)1 << (h % 64);
		}
		g_ptr_array_add(bucket, e);
	}
	return list;
}

void lang_list_free(struct lang_list **list)
{
	if (*list == NULL)
		return;
	g_hash_table_destroy((*list)->by_first);
	g_hash_table_destroy((*list)->except_by_first);
	g_ptr_array_unref((*list)->entries);
	g_free(*list);
	*list = NULL;
}

/* A word written with a capital: not just because it starts a sentence. */
static bool capitalised(const struct tok *t)
{
	return (t->flags & TOK_UPPER) ||
	       ((t->flags & TOK_CAP) && !(t->flags & TOK_SENTENCE_FIRST));
}

bool lang_list_at(const struct lang_list *list, const struct lang_text *t, size_t i, size_t end,
		  size_t *len_r)
{
	return lang_list_at_as(list, t, i, end, NULL, len_r);
}

/* At the start of a sentence, a capital proves the name when what
   follows is what a party has: "Reform meeting thurs 7.30", "Labour group
   tonight". */
static bool party_noun_after(const struct lang_text *t, size_t i, const struct tok *got)
{
	static const char *const nouns[] = {
		"meeting", "group", "leaflet", "leaflets", "survey", "newsletter", "stall",
		"candidate", "candidates", "councillors", "members", "branch", "surgery",
		"campaign", "canvass", "canvassing", "rally", "agm", "posters", "team", "focus",
		"association", "party", NULL,
	};

	if (!(got->flags & TOK_CAP) || i + 1 >= t->toks->len)
		return false;
	for (size_t k = 0; nouns[k] != NULL; k++)
		if (strcmp(TOK(t, i + 1)->w, nouns[k]) == 0)
			return true;
	return false;
}

/* Does entry E match at token I (FIRST, if not NULL, read for token I's
   word)? */
static bool entry_at(const struct list_entry *e, const struct lang_text *t, size_t i, size_t end,
		     const char *first, bool any_case)
{
	size_t n = e->toks->len;

	if (i + n > end)
		return false;
	for (size_t m = 0; m < n; m++) {
		const struct tok *want = &g_array_index(e->toks, struct tok, m);
		const struct tok *got = TOK(t, i + m);

		if (strcmp(want->w, "*") == 0)
			continue;
		if (strcmp(want->w, m == 0 && first != NULL ? first : got->w) != 0)
			return false;
		/* "the party's" wants the possessive, "party" does not */
		if ((want->flags & TOK_POSSESSIVE) && !(got->flags & TOK_POSSESSIVE))
			return false;
		/* "Labour" in the list: only "Labour" in the text. At the start
		   of a sentence the capital proves nothing, unless a longer
		   entry agrees ("Green Party"). */
		if (!any_case && (want->flags & TOK_CAP) && !(got->flags & TOK_UPPER) &&
		    !(n > 1 ? (got->flags & TOK_CAP) != 0 :
		      capitalised(got) || party_noun_after(t, i + m, got)))
			return false;
	}
	return true;
}

/* Is the match at I covered by an exception ("!Conservative Club" over
   "Conservative")? */
static bool excepted(const struct lang_list *list, const struct lang_text *t, size_t i,
		     size_t end, const char *first)
{
	size_t from = i >= list->max_except ? i - list->max_except + 1 : 0;

	for (size_t s = from; s <= i && list->max_except > 0; s++) {
		GPtrArray *bucket = g_hash_table_lookup(list->except_by_first,
							s == i && first != NULL ? first : TOK(t, s)->w);

		for (guint k = 0; bucket != NULL && k < bucket->len; k++) {
			const struct list_entry *e = bucket->pdata[k];

			if (s + e->toks->len > i &&
			    entry_at(e, t, s, end, s == i ? first : NULL, false))
				return true;
		}
	}
	return false;
}

/* The longest entry of LIST at I, 0 when none. */
static size_t longest_at(const struct lang_list *list, const struct lang_text *t, size_t i,
			 size_t end, const char *first, bool any_case)
{
	GPtrArray *bucket;
	size_t best = 0;

	if (!list_may_start(list, first != NULL ? g_str_hash(first) : TOK(t, i)->hash))
		return 0;
	bucket = g_hash_table_lookup(list->by_first, first != NULL ? first : TOK(t, i)->w);
	for (guint k = 0; bucket != NULL && k < bucket->len; k++) {
		const struct list_entry *e = bucket->pdata[k];

		if (e->toks->len > best && entry_at(e, t, i, end, first, any_case))
			best = e->toks->len;
	}
	return best;
}

bool lang_list_at_as(const struct lang_list *list, const struct lang_text *t, size_t i,
		     size_t end, const char *first, size_t *len_r)
{
	size_t best;

	if (list == NULL || i >= end)
		return false;
	best = longest_at(list, t, i, end, first, false);
	if (best == 0 || excepted(list, t, i, end, first))
		return false;
	if (len_r != NULL)
		*len_r = best;
	return true;
}

/* ---- closed classes ---- */

/* A word list: at file scope a compound literal (static); inside a
   function SET is redefined below, after the closed classes. */
#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define SET WORDS

/* The first letters compared before the rest: most words of a text are
   in no list, and every question asks about many lists. */
static inline bool in_set(const char *w, const char *const *set)
{
	for (; *set != NULL; set++)
		if ((*set)[0] == w[0] && strcmp(w, *set) == 0)
			return true;
	return false;
}

static const char *const *const MODALS =
	SET("could", "can", "would", "will", "might", "may");
/* Finite verbs that show a clause has its subject already: "Paint was
   delivered", "Skip hire is booked". */
static const char *const *const AUXILIARIES =
	SET("is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could",
	    "should", "shall", "may", "might", "must", "does", "did", "do", "am", "been", "being",
	    "seems", "looks", "needs", "wants", "went", "got", "came", "says", "said", "goes");
/* What an object or a particle after a verb looks like: "Book us in",
   "Order more bags", "Paint the railings". */
static const char *const *const OBJECT_START =
	SET("the", "a", "an", "this", "that", "these", "those", "some", "any", "all", "every",
	    "each", "both", "another", "more", "extra", "enough", "our", "my", "your", "his",
	    "her", "their", "its", "us", "them", "it", "him", "me", "everyone", "everybody",
	    "someone", "somebody", "something", "anything", "everything", "whatever", "up",
	    "out", "in", "off", "back", "down", "round", "around", "over", "away", "on",
	    "through", "together", "ahead", "forward", "aside", "along", "asap", "today",
	    "tomorrow", "now", "please", "one", "two", "three", "four", "five", "six", "ten",
	    "twenty", "fifty", "half", "plenty", "lots", "whoever", "em");
static const char *const *const DETERMINERS =
	SET("the", "a", "an", "this", "that", "these", "those", "our", "my", "your", "his",
	    "her", "their", "its", "some", "any", "every", "each", "no", "another", "more");
/* Words that cannot start an imperative though WordNet lists them as
   verbs. */
static const char *const *const NOT_IMPERATIVE =
	SET("be", "hope", "thank", "thanks", "wish", "like", "love", "sorry", "welcome", "need",
	    "want", "guess", "suppose", "reckon", "think", "believe", "know", "understand",
	    "agree", "gather", "assume", "appreciate", "regard", "regards", "cheers", "kind",
	    "best", "well", "still", "even", "last", "second", "sound", "mean", "bet", "say",
	    "fancy", "hear", "will", "can", "may", "must", "shall", "might", "would", "could",
	    "should", "does", "did", "am", "is", "are", "was", "were", "has", "had", "having",
	    "being", "been", "apologise", "apologize", "congratulate", "wonder", "doubt",
	    "expect", "seem", "happen", "just", "also", "then", "so", "and", "but", "or", "no",
	    "yes", "not", "i", "we", "you", "they", "he", "she", "it", "hi", "hello", "dear",
	    "morning", "afternoon", "evening", "fine", "great", "good", "sure", "ok", "okay",
	    "lovely", "brilliant", "excellent", "nice", "further", "re", "as", "about",
	    "sounds", "looks", "regarding", "following", "attached", "enclosed", "happy", "glad",
	    "pleased", "shame", "pity", "worry", "relax", "rest", "enjoy", "excuse", "forgive",
	    "pardon", "cheer", "smile", "laugh", "sigh", "apologies", "bless", "speak", "talk",
	    "chat", "catch");
/* Skipped at the start of a clause. */
static const char *const *const FILLERS =
	SET("please", "pls", "plz", "kindly", "just", "also", "then", "so", "and", "or", "but",
	    "ok", "okay", "right", "oh", "now", "anyway", "actually", "firstly", "secondly",
	    "champion", "brill", "smashing", "ace", "cheers", "ta", "super", "lovely", "perfect",
	    "thirdly", "finally", "lastly", "next", "meanwhile", "otherwise", "again", "ideally",
	    "basically", "honestly", "seriously", "btw", "ps", "nb", "yes", "yeah",
	    "additionally", "plus", "quickly", "urgently", "definitely", "certainly", "perhaps",
	    "maybe", "possibly", "obviously", "hopefully", "first", "still", "though",
	    "although", "thing", "too", "anyhow", "sorry", "hi", "hello", "hey", "morning",
	    "mate", "guys", "folks", "hiya", "nevertheless", "however");
/* Between "could you" and the verb. */
static const char *const *const ADVERBS =
	SET("please", "pls", "possibly", "just", "kindly", "perhaps", "maybe", "also", "quickly",
	    "still", "then", "now", "urgently", "definitely", "both", "all", "first", "really",
	    "ever", "somehow", "actually", "always", "once", "again", "today", "tomorrow",
	    "therefore", "certainly", "happily", "gladly", "hereby", "formally", "finally",
	    "either", "personally", "two", "guys", "too", "yourself");
/* "would you like to", "can you believe": no request. */
static const char *const *const NOT_REQUEST_AFTER_MODAL =
	SET("like", "care", "prefer", "want", "fancy", "believe", "imagine", "remember",
	    "recall", "think", "guess", "not", "know", "hear", "wait", "manage", "afford",
	    "cope", "understand", "be");
/* Verbs of meeting, visiting and deciding: "let's meet", "can we talk",
   "do you want to come to the quiz", "we need to decide" ask the reader
   for no task. */
static const char *const *const SOCIAL =
	SET("come", "meet", "attend", "visit", "join", "chat", "talk", "speak", "discuss",
	    "watch", "enjoy", "decide", "agree", "think", "consider", "review", "wait", "hope",
	    "see", "catch", "sit", "stay", "relax", "rest", "listen", "vote", "go", "swing",
	    "wander", "head", "remember", "bear", "celebrate", "pray");
/* ... and with these, of someone outside the council, no order for work
   ("could you come and look at the roof", "could you ring me"). */
static const char *const *const NOT_ORDER =
	SET("call", "ring", "phone", "email", "write", "reply", "respond", "contact", "quote",
	    "look", "advise", "help", "report", "tell", "let", "fill", "share", "thank", "keep",
	    "read", "note", "have", "pop", "drop", "send", "ask", "check", "find", "get", "come",
	    "confirm", "consider", "explain", "forward", "give", "show", "see", "treat",
	    "regard",
	    /* an MP or a body asked to speak up: "to press the Post Office to
	       reconsider" is representation, no work bought */
	    "press", "urge", "lobby", "reconsider", "intervene", "oppose", "reverse");
/* Verbs that take a question after them: "check whether", "find out
   when", "ask the county if". */
static const char *const *const FINDING =
	SET("check", "double-check", "find", "ask", "see", "look", "work", "figure",
	    "establish", "ascertain", "investigate", "verify", "enquire", "inquire", "query",
	    "research", "dig");
static const char *const *const WH =
	SET("whether", "if", "when", "what", "where", "who", "how", "which", "why", "whose");
/* Verbs that take a clause ("check the lights are working", "tell the
   club they can't park"): a finite verb later is no sign of a subject. */
static const char *const *const CLAUSAL =
	SET("check", "ensure", "see", "tell", "ask", "let", "remember", "confirm", "say",
	    "note", "make", "insist", "inform", "warn", "remind", "explain", "show", "mind",
	    "double-check", "find", "hope", "think", "know");
/* Subordinators and pronouns: the start of another clause ("Move the
   bins that are ..."). */
static const char *const *const NEW_CLAUSE =
	SET("that", "which", "who", "whom", "whose", "if", "when", "where", "because", "as",
	    "while", "until", "before", "after", "since", "once", "so", "though", "although",
	    "unless", "i", "we", "you", "they", "he", "she", "it", "there", "whether", "or",
	    "and", "but", "what", "how", "than");
/* Subject words of someone other than the council. */
static const char *const *const OTHER_BODIES =
	SET("district", "county", "borough", "city", "unitary", "neighbouring", "other",
	    "government", "highways", "school", "club", "church");
/* Who can be asked in "could the office ..." and who cannot. */
static const char *const *const NOT_AGENTS =
	SET("council", "committee", "public", "residents", "people", "members", "councillors",
	    "i", "we", "they", "he", "she", "it", "there", "this", "that", "meeting", "weather",
	    "government", "county", "district", "school", "police");
static const char *const *const NEGATIONS = SET("not", "never", "no", "unable", "cannot");
static const char *const *const PERSONAL =
	SET("my", "myself", "own", "personally", "ourselves", "wife", "husband", "daughter",
	    "son", "family", "mum", "dad", "partner", "grandson", "granddaughter", "i");

/* What a party's campaign makes or holds: "the labour leaflets" names a
   party in lower case as surely as "Labour" does. */
/* Words after which a clause starts ("..., so please send it"), and
   those that join a second verb to a first ("and then send it"). */
static const char *const *const LINKS = SET("so", "then", "but", "though", "although");
static const char *const *const COORDINATORS = SET("and", "or", "plus");

static const char *const *const CAMPAIGN_NOUNS =
	SET("leaflet", "leaflets", "newsletter", "newsletters", "survey", "surveys", "stall",
	    "surgery", "canvass", "canvassers", "candidate", "candidates", "group", "party",
	    "members", "member", "activists", "branch", "campaign", "poster", "posters",
	    "manifesto", "fundraiser", "agent", "association", "councillors", "councillor",
	    "petition", "flyers", "mailing", "mailshot", "hustings");

/* Inside a function a compound literal is built on the stack each time
   the line runs (GCC stored every word's address, for every question
   asked of every word); a static array is built once. File-scope lists
   below this point are written WORDS(...). */
#undef SET
#define SET(...) __extension__({ static const char *const set_[] = { __VA_ARGS__, NULL }; set_; })

/* The closed classes above, as bits of one table built once, so that a
   word's membership is one hash lookup when the text is read rather than
   a string comparison for each word of each class at each question. */
enum word_class {
	C_MODALS,
	C_AUXILIARIES,
	C_OBJECT_START,
	C_DETERMINERS,
	C_NOT_IMPERATIVE,
	C_FILLERS,
	C_ADVERBS,
	C_NOT_REQUEST_AFTER_MODAL,
	C_SOCIAL,
	C_NOT_ORDER,
	C_FINDING,
	C_WH,
	C_CLAUSAL,
	C_NEW_CLAUSE,
	C_OTHER_BODIES,
	C_NOT_AGENTS,
	C_NEGATIONS,
	C_PERSONAL,
	C_CAMPAIGN_NOUNS,
	C_LINKS,
	C_COORDINATORS,
	C_COUNT
};

static const char *const *const *const CLASSES[C_COUNT] = {
	&MODALS, &AUXILIARIES, &OBJECT_START, &DETERMINERS, &NOT_IMPERATIVE, &FILLERS, &ADVERBS,
	&NOT_REQUEST_AFTER_MODAL, &SOCIAL, &NOT_ORDER, &FINDING, &WH, &CLAUSAL, &NEW_CLAUSE,
	&OTHER_BODIES, &NOT_AGENTS, &NEGATIONS, &PERSONAL, &CAMPAIGN_NOUNS, &LINKS,
	&COORDINATORS,
};
G_STATIC_ASSERT(G_N_ELEMENTS(CLASSES) <= 32);

/* The hashes of every class's words, one bit each (as word lists'
   first_bits): most words of a text are in no class. */
static guint64 class_bits[LIST_BITS / 64];

static GHashTable *class_table(void)
{
	static GHashTable *table;

	if (g_once_init_enter(&table)) {
		GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);

		for (size_t k = 0; k < G_N_ELEMENTS(CLASSES); k++)
			for (const char *const *w = *CLASSES[k]; *w != NULL; w++) {
				guint32 bits = GPOINTER_TO_UINT(g_hash_table_lookup(t, *w));
				guint32 h = g_str_hash(*w);

				g_hash_table_insert(t, (gpointer)*w, GUINT_TO_POINTER(bits | (1u << k)));
				class_bits[(h % LIST_BITS) / 64] |= (guint64)1 << (h % 64);
			}
		g_once_init_leave(&table, t);
	}
	return table;
}

guint32 lang_word_classes(const char *word)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(class_table(), word));
}

guint32 lang_word_classes_hashed(const char *word, guint32 hash)
{
	GHashTable *table = class_table();

	if (!((class_bits[(hash % LIST_BITS) / 64] >> (hash % 64)) & 1))
		return 0;
	return GPOINTER_TO_UINT(g_hash_table_lookup(table, word));
}


/* ---- one sentence ---- */

struct ctx {
	const struct lang *lang;
	const struct lang_text *t;
	size_t sentence;	/* its index */
	size_t first, end;	/* the sentence's tokens */
	bool question;		/* it ends with '?' */
};

static const char *W(const struct ctx *c, size_t i)
{
	return i < c->end ? TOK(c->t, i)->w : "";
}

static bool IS(const struct ctx *c, size_t i, const char *word)
{
	const char *w = W(c, i);

	return w[0] == word[0] && strcmp(w, word) == 0;
}

/* Is word I one of SET (a word list of one question)? */
static bool IN(const struct ctx *c, size_t i, const char *const *set)
{
	return i < c->end && in_set(W(c, i), set);
}

/* Is word I of the closed class CLS (one of CLASSES)? */
static bool INC(const struct ctx *c, size_t i, enum word_class cls)
{
	return i < c->end && ((TOK(c->t, i)->classes >> cls) & 1);
}

static bool is_word(const struct ctx *c, size_t i)
{
	return i < c->end && (TOK(c->t, i)->flags & TOK_WORD);
}

static bool has_flag(const struct ctx *c, size_t i, unsigned flag)
{
	return i < c->end && (TOK(c->t, i)->flags & flag);
}

static bool is_punct(const struct ctx *c, size_t i, const char *p)
{
	const struct tok *t;

	if (i >= c->end)
		return false;
	t = TOK(c->t, i);
	return !(t->flags & (TOK_WORD | TOK_NUMBER)) && t->w[0] == p[0] && t->w[1] == p[1];
}

static bool list_at(const struct ctx *c, const struct lang_list *list, size_t i, size_t *len_r)
{
	return lang_list_at(list, c->t, i, c->end, len_r);
}

static const struct lang_lexicon *LEX(const struct ctx *c)
{
	return c->lang->lex;
}

static bool is_verb(const struct ctx *c, size_t i)
{
	return is_word(c, i) && lex_tok_is_verb(LEX(c), c->t, i);
}

/* The verb lemma of word I into BUF ("going" -> go), or NULL. */
static const char *lemma(const struct ctx *c, size_t i, char *buf, size_t size)
{
	return is_word(c, i) && lex_lemma(LEX(c), W(c, i), buf, size) ? buf : NULL;
}

static size_t skip_set(const struct ctx *c, size_t i, const char *const *set)
{
	while (i < c->end && (IN(c, i, set) || is_punct(c, i, ",")))
		i++;
	return i;
}

enum verdict_kind { V_NONE = 0, V_COURTESY, V_INFO, V_REQUEST };

struct verdict {
	enum verdict_kind kind;
	const char *how;
	size_t at;		/* the deciding word */
	bool task;		/* asks for a task, not a visit or a talk (lang_hit) */
	bool order;		/* orders work or goods (lang_hit) */
};

static struct verdict none(void)
{
	return (struct verdict){ .kind = V_NONE };
}

static struct verdict make(enum verdict_kind kind, const char *how, size_t at, bool task)
{
	return (struct verdict){ .kind = kind, .how = how, .at = at, .task = task, .order = task };
}

/* A request whose verb (lemma LEM) says what kind of request it is. */
static struct verdict request(const char *how, size_t at, const char *lem)
{
	struct verdict v = make(V_REQUEST, how, at, !in_set(lem, SOCIAL));

	v.order = v.task && !in_set(lem, NOT_ORDER);
	return v;
}

/* ... with the words after it: "take a look" orders nothing. */
static struct verdict request_at(const struct ctx *c, const char *how, size_t at, const char *lem)
{
	struct verdict v = request(how, at, lem);

	if (IN(c, at + 1, SET("a", "an")) &&
	    IN(c, at + 2, SET("look", "peek", "glance", "quick", "closer", "view")))
		v.order = false;
	/* "I should be obliged if you would attend to it": deal with it, not
	   attend a meeting */
	if (strcmp(lem, "attend") == 0 && IS(c, at + 1, "to") &&
	    IN(c, at + 2, SET("it", "this", "that", "them", "the"))) {
		v.task = true;
		v.order = true;
	}
	return v;
}

static struct verdict info(size_t at)
{
	return make(V_INFO, "request for information", at, false);
}

/* What happens at a meeting or to a decision ("the meeting is to be held
   on Tuesday", "for the fete to be held in June"): no one's task. */
static const char *const *const EVENT_PARTICIPLES =
	WORDS("held", "discussed", "decided", "considered", "chaired", "attended", "announced",
	    "debated", "agreed", "expected", "hoped", "found", "seen", "heard", "welcomed",
	    "opened", "elected", "voted");

/* Only a request for a task counts: "do you want to come to the quiz?" is
   an invitation. */
static struct verdict task_only(struct verdict v)
{
	return v.kind == V_REQUEST && !v.task ? none() : v;
}

/* No question looks further into a clause than this many words, so that a
   text without punctuation costs time in proportion to its length. */
#define CLAUSE_MAX 64

/* The end of the clause starting at I (exclusive). */
static size_t clause_end(const struct ctx *c, size_t i)
{
	size_t end = MIN(c->end, i + CLAUSE_MAX);

	for (; i < end; i++)
		if (is_punct(c, i, ",") || is_punct(c, i, ";") || is_punct(c, i, ":") ||
		    is_punct(c, i, ".") || is_punct(c, i, "?") || is_punct(c, i, "!") ||
		    is_punct(c, i, "("))
			return i;
	return end;
}

/* "me" or "us" as the one who receives: "send me", "send it to me",
   "get them back to us"; not "to the Clerk rather than to me". */
static bool to_me(const struct ctx *c, size_t verb)
{
	size_t end = clause_end(c, verb);

	if (IN(c, verb + 1, SET("me", "us")))
		return true;
	for (size_t i = verb + 1; i + 1 < end; i++) {
		if (IN(c, i, SET("than", "not", "instead")))
			return false;
		if (IS(c, i, "to") && IN(c, i + 1, SET("me", "us")))
			return true;
	}
	return false;
}

/* A participle or gerund used as a verb, not as an adjective or noun
   ("the verges cut", not "the damaged sign" or "this meeting"). */
static bool verb_form(const struct ctx *c, size_t k)
{
	const char *w = W(c, k);
	size_t n = strlen(w);

	if (INC(c, k - 1, C_DETERMINERS) || !is_word(c, k))
		return false;
	if (lex_is_participle(LEX(c), w) || lex_is_gerund(LEX(c), w))
		return true;
	/* "rehung", "repainted": a participle again */
	if (n > 5 && strncmp(w, "re", 2) == 0 && lex_is_participle(LEX(c), w + 2) &&
	    !lex_is_gerund(LEX(c), w + 2))
		return true;
	/* "proof-read", "re-hung": a participle with its prefix */
	const char *dash = strrchr(w, '-');

	if (dash != NULL && dash > w && dash[1] != '\0' && dash - w <= 6 &&
	    lex_is_participle(LEX(c), dash + 1) && !lex_is_gerund(LEX(c), dash + 1))
		return true;
	/* "strimmed": a verb WordNet does not know, in its -ed form */
	return n >= 6 && strcmp(w + n - 2, "ed") == 0 && lex_lookup(LEX(c), w) == NULL;
}

/* A short noun phrase at I followed by a participle, a gerund or a
   particle ("the verges cut", "them repainted", "the bins moving", "the
   keys back"). Returns the index of that word, or 0. */
static size_t object_then_verb(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i);

	/* "last weekend's canvass returns typed up": a possessive first */
	if (!INC(c, i, C_OBJECT_START) && !has_flag(c, i, TOK_CAP) &&
	    !(is_word(c, i) && (has_flag(c, i, TOK_POSSESSIVE) ||
				has_flag(c, i + 1, TOK_POSSESSIVE))))
		return 0;
	for (size_t k = i + 1; k < end && k <= i + 10; k++) {
		/* "a dozen chairs and a table set out": things listed */
		if (IS(c, k, "and") && (INC(c, k + 1, C_DETERMINERS) || has_flag(c, k + 1, TOK_NUMBER)))
			continue;
		if (IN(c, k, SET("and", "or", "but", "because", "if", "when", "so")) ||
		    (INC(c, k, C_AUXILIARIES) && !IS(c, k, "got")))
			return 0;
		/* "the quote in writing": how it comes, not what is done */
		if (IS(c, k, "writing") && IS(c, k - 1, "in"))
			continue;
		if (verb_form(c, k) || IN(c, k, SET("done", "sorted", "fixed")) ||
		    (IN(c, k, SET("back", "out", "away", "up", "down", "off", "cut", "put", "set",
				  "shut")) && !INC(c, k - 1, C_DETERMINERS)))
			return k;
		/* "the hall to be open by six", not "the town to be the first
		   heart-safe town in the county": a state to be made, not
		   what something should become */
		if (IS(c, k, "to") && IS(c, k + 1, "be"))
			return INC(c, k + 2, C_DETERMINERS) ? 0 : k;
	}
	return 0;
}

/* A task after "and" or "to" later in the clause ("come back and reset
   the clock", "come in early to open up"). */
static size_t task_later(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i);
	char buf[64];

	for (size_t k = i + 1; k + 1 < end; k++) {
		const char *lem;

		if (!IN(c, k, SET("and", "to")) || (IS(c, k, "to") && INC(c, k - 1, C_WH)))
			continue;
		k = k + 1 < end && IN(c, k + 1, SET("then", "also", "just")) ? k + 1 : k;
		lem = lemma(c, k + 1, buf, sizeof(buf));
		/* "pass on my apologies to Sue": a name, not "to sue" */
		if (has_flag(c, k + 1, TOK_CAP) && !has_flag(c, k + 1, TOK_UPPER))
			continue;
		if (lem != NULL && !in_set(lem, SOCIAL) && !in_set(lem, NOT_REQUEST_AFTER_MODAL) &&
		    !list_at(c, c->lang->lists.information, k + 1, NULL) &&
		    !list_at(c, c->lang->lists.courtesy, k + 1, NULL))
			return k + 1;
	}
	return 0;
}

/* "have the contractor come back", "have the bins emptied": returns the
   verb's index or 0. */
static size_t delegated(const struct ctx *c, size_t i)
{
	size_t k = object_then_verb(c, i), end = clause_end(c, i);

	if (k != 0)
		return k;
	if (!INC(c, i, C_OBJECT_START) && !has_flag(c, i, TOK_CAP))
		return 0;
	/* "have someone clear the ditch": after a pronoun, the verb */
	if (IN(c, i, SET("someone", "somebody", "them", "him", "her", "us", "everyone")) &&
	    is_verb(c, i + 1) && !INC(c, i + 1, C_AUXILIARIES))
		return i + 1;
	for (k = i + 1; k < end && k <= i + 5; k++) {
		/* "get the hall cleaner to do the kitchen" */
		if (IS(c, k, "to") && is_verb(c, k + 1))
			return k + 1;
		if (is_verb(c, k) && lex_verb_first(LEX(c), W(c, k)) && !INC(c, k, C_OBJECT_START) &&
		    !INC(c, k - 1, C_DETERMINERS) &&
		    (!INC(c, k, C_AUXILIARIES) || (IS(c, k, "do") && INC(c, k + 1, C_OBJECT_START))))
			return k;
	}
	return 0;
}

/* A subject and then a word of CLS: "you could", "the team could", "the
   draft minutes from the planning meeting could". Returns the index of
   that word, or 0. */
static size_t subject_then(const struct ctx *c, size_t i, enum word_class cls)
{
	if (IN(c, i, SET("you", "someone", "somebody", "anyone", "anybody", "they", "he",
			 "she", "we", "i", "it", "this", "that")))
		return INC(c, i + 1, cls) ? i + 1 : 0;
	if (!INC(c, i, C_DETERMINERS) && !has_flag(c, i, TOK_CAP))
		return 0;
	for (size_t k = i + 1; k < c->end && k <= i + 10 && is_word(c, k); k++) {
		if (INC(c, k, cls))
			return k;
		if (INC(c, k, C_AUXILIARIES) || INC(c, k, C_NEW_CLAUSE))
			return 0;
	}
	return 0;
}

/* "Send us five tonnes of rock salt", "bring me 20 chairs": an amount
   is goods, ordered, though "send us" mostly asks for information. */
static bool goods_ordered(const struct ctx *c, size_t i)
{
	return IN(c, i, SET("send", "get", "bring", "give", "deliver")) &&
	       IN(c, i + 1, SET("me", "us")) &&
	       (has_flag(c, i + 2, TOK_NUMBER) ||
		IN(c, i + 2, SET("two", "three", "four", "five", "six", "seven", "eight", "nine",
				 "ten", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty",
				 "hundred", "dozen", "several")));
}

/* A verb phrase at I, after "please", "could you", "I need you to" ...:
   asking for information, a courtesy, or a request. */
static struct verdict verb_phrase(const struct ctx *c, size_t i, const char *how)
{
	char buf[64];
	const char *lem;
	size_t k;

	i = skip_set(c, i, ADVERBS);
	if (i >= c->end || !is_word(c, i))
		return none();
	lem = lemma(c, i, buf, sizeof(buf));
	/* "let me have 50 of the council's timetable cards": goods, though
	   "let me have" alone asks for information */
	if (lem != NULL && strcmp(lem, "let") == 0 && IN(c, i + 1, SET("me", "us")) &&
	    IS(c, i + 2, "have") && has_flag(c, i + 3, TOK_NUMBER))
		return make(V_REQUEST, how, i, true);
	if (lang_list_at_as(c->lang->lists.courtesy, c->t, i, c->end, lem, NULL))
		/* "pop round and put the rules up" */
		return (k = task_later(c, i)) != 0 ? request(how, k, lemma(c, k, buf, sizeof(buf))) :
		       make(V_COURTESY, how, i, false);
	if (goods_ordered(c, i))
		return make(V_REQUEST, how, i, true);
	/* "give us a pitch near the Corn Exchange", "give me a hand with the
	   chairs": a thing or help given, not facts */
	if (lem != NULL && strcmp(lem, "give") == 0 && IN(c, i + 1, SET("me", "us", "them")) &&
	    IN(c, i + 2, SET("a", "an")) && is_word(c, i + 3) &&
	    !IN(c, i + 3, SET("call", "ring", "shout", "bell", "buzz", "tinkle", "quote", "price",
			      "update", "idea", "list", "copy", "breakdown", "figure", "number",
			      "date", "answer", "reply", "summary", "estimate", "heads-up",
			      "rough", "brief", "quick", "steer", "view", "sense", "note",
			      "word", "lift", "chance", "moment", "minute", "second")))
		return make(V_REQUEST, how, i, true);
	if (lang_list_at_as(c->lang->lists.information, c->t, i, c->end, lem, NULL))
		/* "send me", "look up": information fetched is work for a
		   party, though not an instruction (party-political) */
		return make(V_INFO, "request for information", i,
			    lem != NULL && (in_set(lem, SET("send", "forward", "email", "give",
							     "look", "dig", "get", "show")) ||
					    /* "let me have a list of the addresses" */
					    (strcmp(lem, "let") == 0 && IS(c, i + 2, "have") &&
					     INC(c, i + 3, C_DETERMINERS) &&
					     !IN(c, i + 4, SET("thoughts", "views", "view",
							       "comments", "opinion", "feedback",
							       "answer", "reply", "advice")))));
	if (lem == NULL) {
		/* "re-hang", "strim": a verb form WordNet does not know,
		   followed by what follows a verb */
		if (INC(c, i + 1, C_OBJECT_START) && strchr(W(c, i), '-') == NULL &&
		    !has_flag(c, i, TOK_CAP) && lex_lookup(LEX(c), W(c, i)) == NULL &&
		    (strlen(W(c, i)) > 3 ||
		     /* "rod them out", "jet it off" */
		     (IN(c, i + 1, SET("it", "them")) &&
		      IN(c, i + 2, SET("out", "off", "up", "down", "through", "back")))))
			return request(how, i, "do");
		return none();
	}
	if (in_set(lem, NOT_REQUEST_AFTER_MODAL) || has_flag(c, i, TOK_POSSESSIVE) ||
	    IN(c, i + 1, SET("yourself", "yourselves")))
		return none();
	/* check whether, find out when, ask the county if */
	if (in_set(lem, FINDING)) {
		size_t end = clause_end(c, i);

		for (k = i + 1; k < end && k <= i + 5; k++) {
			if (IS(c, k, "to") && in_set(lem, SET("ask", "tell")))
				return request("delegation", i, "do");
			/* "ask the hall committee if we can have the back room":
			   a request passed on, not a question of fact */
			if (IN(c, k, SET("if", "whether")) && in_set(lem, SET("ask", "see")) &&
			    subject_then(c, k + 1, C_MODALS) != 0)
				return request("delegation", i, lem);
			if (INC(c, k, C_WH) || IS(c, k, "about") || (IS(c, k, "for") && IS(c, i, "ask")))
				return info(i);
			if (is_verb(c, k) && !INC(c, k, C_OBJECT_START) && k > i + 1 &&
			    !INC(c, k - 1, C_DETERMINERS))
				break;
		}
	}
	/* "could you let us have your rates" (not "let's have the baskets
	   up", an imperative read elsewhere) */
	if (strcmp(lem, "let") == 0 && IN(c, i + 1, SET("us", "me")) &&
	    IN(c, i + 2, SET("have", "know", "see"))) {
		/* "let me have 50 of the council's timetable cards": goods */
		if (IS(c, i + 2, "have") && has_flag(c, i + 3, TOK_NUMBER))
			return make(V_REQUEST, how, i, true);
		/* "let me have a list of the addresses": something fetched
		   (work for a party, though no instruction); not "let me have
		   your thoughts" */
		return make(V_INFO, "request for information", i,
			    IS(c, i + 2, "have") && INC(c, i + 3, C_DETERMINERS) &&
			    !IN(c, i + 4, SET("thoughts", "views", "view", "comments", "opinion",
					      "feedback", "answer", "reply", "advice")));
	}
	if (in_set(lem, SET("send", "forward", "email", "e-mail", "pass", "post", "give", "get",
			    "bring", "copy", "show", "drop")) && to_me(c, i) &&
	    /* "send us 200 metres of bunting" orders goods */
	    !(IN(c, i + 1, SET("me", "us")) && has_flag(c, i + 2, TOK_NUMBER)))
		return make(V_INFO, "request for information", i, true);	/* a fetch */
	if (in_set(lem, SET("have", "get", "make"))) {
		/* "have a look at the gate" asks something small of the
		   reader; "we need to have a look" asks nothing */
		if (strcmp(lem, "have") == 0 && IN(c, i + 1, SET("a", "an"))) {
			k = skip_set(c, i + 2, SET("quick", "proper", "good", "little", "closer",
						   "careful", "brief"));
			if (IN(c, k, SET("look", "word", "go", "try", "rummage", "dig", "read",
					 "check", "glance", "peek", "read-through")))
				return request(how, i, "have");
			/* "have a skip dropped at the car park": something
			   done by someone else, its participle after it */
			for (k = i + 2; k < c->end && k <= i + 5 && is_word(c, k); k++)
				if (k > i + 2 && lex_is_past(LEX(c), W(c, k)) &&
				    !INC(c, k, C_AUXILIARIES) &&
				    (k + 1 >= c->end || !is_word(c, k + 1) ||
				     INC(c, k + 1, C_OBJECT_START) ||
				     IN(c, k + 1, SET("at", "in", "on", "by", "off", "out", "up",
						      "down", "back", "round", "before", "outside",
						      "near", "to", "into", "onto", "from"))))
					return request(strcmp(how, "imperative") == 0 ? "delegation" : how,
						       k, "do");
			return none();
		}
		if ((k = delegated(c, i + 1)) != 0)
			return request(strcmp(how, "imperative") == 0 ? "delegation" : how, k, "do");
		if (strcmp(lem, "have") == 0)
			return none();
	}
	/* "the minutes could go up on the website": going up is done */
	if (in_set(lem, SET("go", "come")) &&
	    IN(c, i + 1, SET("up", "out", "back", "down", "round", "through", "over", "off",
			     "ahead", "in", "into", "on", "onto")) &&
	    !(strcmp(lem, "come") == 0 && IN(c, i + 1, SET("round", "over", "in", "along"))))
	{
		/* "can the cones come off the bays" is a task; "could someone
		   come out and take a look" orders no work */
		struct verdict v = request(how, i, "do");

		v.order = strcmp(lem, "go") == 0;
		return v;
	}
	/* "Would you see to the booking forms this week?": attend to them */
	if (strcmp(lem, "see") == 0 && IS(c, i + 1, "to") && !IS(c, i + 2, "it") &&
	    (INC(c, i + 2, C_DETERMINERS) || has_flag(c, i + 2, TOK_POSSESSIVE)))
		return make(V_REQUEST, how, i, true);
	/* "Please include a price per call-out and a seasonal retainer",
	   "give us a breakdown of the costs": what a quote should say is
	   asked for, not ordered */
	if (in_set(lem, SET("include", "give", "provide", "quote", "state", "show", "itemise",
			    "itemize", "add", "list"))) {
		k = skip_set(c, i + 1, SET("us", "me", "the", "a", "an", "your", "separate",
					   "full", "rough", "fixed", "firm", "total", "itemised"));
		if (IN(c, k, SET("price", "prices", "quote", "quotation", "estimate", "estimates",
				 "cost", "costs", "costing", "costings", "breakdown", "rate", "rates",
				 "figure", "figures", "fee", "fees", "charge", "charges")))
			return info(i);
	}
	/* "See that it is fitted before her visit", "see to it that the
	   leads go out": the reader made answerable for it being done */
	if (strcmp(lem, "see") == 0 &&
	    (IS(c, i + 1, "that") || (IS(c, i + 1, "to") && IS(c, i + 2, "it") &&
				      IS(c, i + 3, "that")))) {
		size_t end = clause_end(c, i);

		for (k = i + 2; k < c->end && k <= i + 10 && (k < end || k == i + 2); k++)
			if (k > i + 2 && (verb_form(c, k) || (is_verb(c, k) &&
							     !INC(c, k - 1, C_DETERMINERS) &&
							     !INC(c, k, C_AUXILIARIES))))
				return make(V_REQUEST, how, i, true);
	}
	if (in_set(lem, SOCIAL) && (k = task_later(c, i)) != 0) {
		/* "come and have a look and give us a price" orders nothing */
		struct verdict v = verb_phrase(c, k, how);

		return v.kind == V_REQUEST ? v : request(how, k, "do");
	}
	return request_at(c, how, i, lem);
}

/* After "you could" / "someone would": "mind moving", "be able to",
   "be so kind as to", "see if you can". */
static struct verdict modal_tail(const struct ctx *c, size_t j, const char *how)
{
	char buf[64];

	j = skip_set(c, j, ADVERBS);
	if (IS(c, j, "mind")) {
		const char *w, *lem;

		/* "would you mind terribly ordering" */
		j = skip_set(c, j + 1, SET("terribly", "awfully", "very", "much", "too", "at",
					   "all", "just", "please")) - 1;
		w = W(c, j + 1);
		lem = lemma(c, j + 1, buf, sizeof(buf));
		size_t n = strlen(w);

		/* "would you mind strimming": a verb WordNet does not know */
		if (lem == NULL && n > 5 && strcmp(w + n - 3, "ing") == 0)
			return request(how, j + 1, "do");
		if (lem == NULL || !lex_is_gerund(LEX(c), w))
			return none();
		return verb_phrase(c, j + 1, how);
	}
	if (IS(c, j, "be") && IN(c, j + 1, SET("able", "willing", "happy", "prepared", "kind",
					       "good", "ok", "okay", "so", "free"))) {
		size_t k = j + 2;

		while (k < c->end && !IS(c, k, "to") && k < j + 6)
			k++;
		/* "would you be happy for me to pass your details on": leave
		   asked for the author's own step */
		if (IS(c, k - 1, "me") && IS(c, k - 2, "for"))
			return none();
		return IS(c, k, "to") ? verb_phrase(c, k + 1, how) : none();
	}
	/* "would you be a star and crop the photo", "be an angel and" */
	if (IS(c, j, "be") && IN(c, j + 1, SET("a", "an"))) {
		for (size_t k = j + 3; k < c->end && k <= j + 5 && is_word(c, k); k++)
			if (IS(c, k, "and"))
				return verb_phrase(c, k + 1, how);
		return none();
	}
	if (IS(c, j, "see") && IN(c, j + 1, SET("if", "whether")))
		return IS(c, j + 2, "you") && IN(c, j + 3, SET("can", "could")) ?
		       verb_phrase(c, j + 4, how) : info(j);
	/* "... if the planters could be watered every day" */
	if (IS(c, j, "be") && verb_form(c, j + 1))
		return make(V_REQUEST, how, j + 1, true);
	return verb_phrase(c, j, how);
}

/* "you", "the office", "your engineer", "one of the team", "Jenny":
   someone who can be asked. Returns the index of the word after it (the
   verb), or 0. */
static size_t agent(const struct ctx *c, size_t i)
{
	size_t j = i;

	if (IN(c, j, SET("you", "u", "ya", "someone", "somebody", "anyone", "anybody"))) {
		j++;
		if (IS(c, j, "and") && has_flag(c, j + 1, TOK_CAP))
			j += 2;	/* "you and Jenny" */
		/* "can someone in the office help fold them", "could anyone
		   from the grounds team": who, then the verb */
		if (!IN(c, i, SET("you", "u", "ya")) && IN(c, j, SET("in", "from", "at", "on")) &&
		    IN(c, j + 1, SET("the", "your", "our"))) {
			for (size_t k = j + 2; k < c->end && k <= j + 5 && is_word(c, k); k++)
				if (k > j + 2 && is_verb(c, k) && lex_verb_first(LEX(c), W(c, k)) &&
				    !INC(c, k, C_AUXILIARIES))
					return k;
		}
		return j;
	}
	if (IN(c, j, SET("the", "your", "our", "one"))) {
		j++;
		if (IS(c, j, "of") && IN(c, j + 1, SET("you", "us", "them")))
			return j + 2;	/* "could one of you put the cones out" */
		if (IS(c, j, "of"))
			j += 2;	/* "one of the team" */
		/* The noun phrase ends where a verb with its object starts
		   ("your team mow the pitches": "team" can be a verb too). */
		bool councils = false;

		for (size_t k = j; k < c->end && k < j + 9 && is_word(c, k); k++) {
			/* "could the council's Facebook page share it": what the
			   council's staff run speaks for them; not "the council's
			   budget" */
			if (INC(c, k, C_NOT_AGENTS) && has_flag(c, k, TOK_POSSESSIVE) &&
			    IN(c, k, SET("council", "committee")) && !councils) {
				councils = true;
				continue;
			}
			/* "can the council lend us the gazebo": the council asked
			   for something for the writer, which its officers give;
			   not "can the council afford it" */
			if (k == j && IS(c, k, "council") && !has_flag(c, k, TOK_POSSESSIVE) &&
			    IN(c, k + 1, SET("lend", "loan", "give", "let", "send", "print",
					     "provide", "supply", "photocopy", "copy")) &&
			    IN(c, k + 2, SET("us", "me")))
				return k + 1;
			/* "can the council put it in the newsletter", "could the
			   council advertise it on the Facebook page": what its
			   officers publish; not "can the council put it to a vote" */
			if (k == j && IS(c, k, "council") && !has_flag(c, k, TOK_POSSESSIVE) &&
			    IN(c, k + 1, SET("put", "post", "share", "advertise", "publicise",
					     "publicize", "promote", "include", "mention"))) {
				for (size_t m = k + 2; m < c->end && m <= k + 8; m++)
					if (IN(c, m, SET("newsletter", "website", "facebook", "page",
							 "noticeboard", "noticeboards", "magazine",
							 "twitter", "feed")))
						return k + 1;
			}
			if (INC(c, k, C_NOT_AGENTS))
				return 0;
			if (k > j && is_verb(c, k) &&
			    (INC(c, k + 1, C_OBJECT_START) || lex_verb_first(LEX(c), W(c, k)) ||
			     !is_word(c, k + 1)))
				return councils && !IN(c, k - 1, SET("page", "website", "site",
								     "facebook", "newsletter",
								     "magazine", "office", "team",
								     "staff", "twitter", "feed",
								     "account", "noticeboard",
								     "handyman", "caretaker",
								     "lengthsman", "groundsman",
								     "gardener", "warden",
								     "officer", "clerk")) ?
				       0 : k;
		}
		return 0;
	}
	if (has_flag(c, j, TOK_CAP) && !has_flag(c, j, TOK_SENTENCE_FIRST) && !is_verb(c, j) &&
	    !INC(c, j, C_NOT_AGENTS))
		return j + 1;
	return 0;
}

/* Modal and softened requests at I: "could you (possibly) ring ...",
   "would you be able to", "any chance you could", "I'd appreciate it if
   you", "if you could ...", "could the office send ...". */
/* The formal letter's request: "I would ask that the minutes be put up",
   "Might I suggest that the switch-on be moved", "I should like to
   propose that you write to them", "Perhaps you would be kind enough to
   post him a copy". */
static struct verdict formal_request(const struct ctx *c, size_t i)
{
	size_t j = IN(c, i, SET("perhaps", "maybe")) ? i + 1 : i, k;
	bool insist;

	if (IS(c, j, "you") && IN(c, j + 1, SET("would", "could", "might", "will")) &&
	    IS(c, j + 2, "be")) {
		k = skip_set(c, j + 3, SET("so", "very"));
		if (IN(c, k, SET("kind", "good")) && IN(c, k + 1, SET("enough", "as")) &&
		    IS(c, k + 2, "to"))
			return verb_phrase(c, k + 3, "modal request");
		return none();
	}
	if (IS(c, j, "i")) {
		j = skip_set(c, j + 1, SET("really", "do", "therefore", "respectfully", "now"));
		if (IN(c, j, SET("would", "should", "will", "must")))
			j++;
		j = skip_set(c, j, SET("really", "respectfully", "therefore", "now"));
		if (IS(c, j, "like") && IS(c, j + 1, "to"))
			j += 2;
	} else if (IN(c, j, SET("might", "may", "can", "could")) && IS(c, j + 1, "i")) {
		j += 2;
		/* "Might I trouble you to pop a notice in the window", "could
		   I prevail upon you to" */
		if (IN(c, j, SET("trouble", "bother", "impose")) && IS(c, j + 1, "you") &&
		    IS(c, j + 2, "to"))
			return verb_phrase(c, j + 3, "modal request");
		if (IS(c, j, "prevail") && IN(c, j + 1, SET("on", "upon")) &&
		    IS(c, j + 2, "you") && IS(c, j + 3, "to"))
			return verb_phrase(c, j + 4, "modal request");
	} else {
		return none();
	}
	if (!IN(c, j, SET("ask", "suggest", "request", "propose", "recommend", "insist",
			  "require", "stipulate", "direct")))
		return none();
	insist = IN(c, j, SET("insist", "require"));
	j++;
	/* "I ask you please to close the gate" */
	if (IS(c, j, "you") && IS(c, skip_set(c, j + 1, SET("please", "kindly")), "to"))
		return task_only(verb_phrase(c, skip_set(c, j + 1, SET("please", "kindly")) + 1,
					     "modal request"));
	if (IS(c, j, "that"))
		j++;
	if (IS(c, j, "you"))
		return task_only(verb_phrase(c, j + 1, "modal request"));
	/* the subjunctive: "that the minutes (should) be put up" */
	for (k = j; k + 1 < c->end && k <= j + 14 && (is_word(c, k) || has_flag(c, k, TOK_NUMBER));
	     k++) {
		/* "the salt bins on Top Road and by the school be filled":
		   "and" joining two places is no new clause */
		if (INC(c, k, C_NEW_CLAUSE) && k > j &&
		    !(IS(c, k, "and") && IN(c, k + 1, SET("by", "on", "at", "in", "near",
							  "outside", "behind"))))
			break;
		if (IS(c, k, "be") && k > j && verb_form(c, k + 1))
			return make(V_REQUEST, "modal request", k + 1, true);
		/* "I must insist that the heating is on by six" */
		if (IN(c, k, SET("is", "are")) && k > j &&
		    IN(c, k + 1, SET("on", "off", "open", "shut", "closed", "ready", "unlocked",
				     "locked", "done", "sorted", "fixed", "cleared")) &&
		    !IS(c, k + 2, "the"))
			return make(V_REQUEST, "modal request", k + 1, true);
		/* "Might I suggest the ride-on goes in for its service now" */
		if (k > j + 1 && INC(c, j, C_DETERMINERS) && IN(c, k, SET("goes", "go", "comes")) &&
		    IN(c, k + 1, SET("in", "out", "up", "down", "back", "off", "ahead", "round")))
			return make(V_REQUEST, "modal request", k, true);
		/* "Might I suggest the page gets updated at some point" */
		if (IN(c, k, SET("gets", "get")) && k > j && INC(c, j, C_DETERMINERS) &&
		    verb_form(c, k + 1) && lex_is_participle(LEX(c), W(c, k + 1)))
			return make(V_REQUEST, "modal request", k + 1, true);
		/* "I insist that the glass is replaced this week" */
		/* "Might I suggest they are given a going-over"; not "I suggest
		   the matter is discussed at the meeting" */
		if (IN(c, k, SET("is", "are")) && k > j && verb_form(c, k + 1) &&
		    (insist || !IN(c, k + 1, EVENT_PARTICIPLES)))
			return make(V_REQUEST, "modal request", k + 1, true);
	}
	return none();
}

/* Past "I wonder whether", "I was wondering if", "I wondered whether":
   the index after it, or I. */
static size_t wondering(const struct ctx *c, size_t i)
{
	size_t j = i;

	if (!IS(c, j, "i"))
		return i;
	j++;
	if (IN(c, j, SET("was", "am", "were", "just", "did")))
		j++;
	if (!IN(c, j, SET("wonder", "wondered", "wondering")) ||
	    !IN(c, j + 1, SET("if", "whether")))
		return i;
	return j + 2;
}

static struct verdict modal_request(const struct ctx *c, size_t i)
{
	size_t j, k;
	struct verdict formal = formal_request(c, i);

	if (formal.kind != V_NONE)
		return formal;

	if (INC(c, i, C_MODALS)) {
		/* "if our group wanted a room, would we pay the same rate?":
		   what would happen to us, asked; "would we be able to have the
		   hall" still asks */
		if (IS(c, i + 1, "we") && IN(c, i, SET("would", "will", "might")) &&
		    !(IS(c, i + 2, "be") && IS(c, i + 3, "able")))
			return none();
		if (IN(c, i + 1, SET("we", "i"))) {	/* can we get the grass cut */
			struct verdict v;

			k = skip_set(c, i + 2, SET("please", "just", "also", "possibly"));
			/* "could we have the pitch by the fountain", "can I have
			   the keys": asking to be given something */
			/* "can I have a printout of the register by Friday?": a
			   document fetched, information */
			if (IS(c, k, "have") && IN(c, k + 1, SET("a", "an")) &&
			    IN(c, k + 2, SET("printout", "print-out", "copy", "list", "map", "plan",
					     "spreadsheet")))
				return make(V_INFO, "request for information", k, true);	/* a fetch */
			if (IS(c, k, "have") && INC(c, k + 1, C_DETERMINERS) &&
			    !IN(c, k + 1, SET("a", "an"))) {
				v = make(V_REQUEST, "modal request", k, true);
				v.order = false;
				return v;
			}
			/* "would we be able to get the hedge cut" */
			if (IS(c, k, "be") && IS(c, k + 1, "able") && IS(c, k + 2, "to"))
				k += 3;
			if (IS(c, i + 1, "we")) {
				/* "could we borrow ten of yours": asked as a favour,
				   no work ordered from the reader */
				v = verb_phrase(c, k, "modal request");
				v.order = false;
				return v.kind == V_INFO ? v : task_only(v);
			}
		}
		if (IS(c, i + 1, "i") && IN(c, i + 2, SET("ask", "get")) &&
		    (k = agent(c, i + 3)) != 0 && IS(c, k, "to"))
			return verb_phrase(c, k + 1, "modal request");
		if ((k = agent(c, i + 1)) != 0 && k < c->end) {
			struct verdict v;

			/* "can the Market Hall hold 200 people?", "can the ramps
			   take BMX bikes?": what a thing can bear is a question
			   of fact */
			if (IN(c, i, SET("can", "could", "will")) && c->question && k > i + 2 &&
			    IN(c, i + 1, SET("the", "our", "this", "that")) &&
			    IN(c, k, SET("hold", "seat", "fit", "accommodate", "cope", "handle",
					 "bear", "support", "take", "carry", "manage")) &&
			    !IN(c, k - 1, SET("lads", "team", "staff", "caretaker", "contractor",
					      "contractors", "office", "crew", "volunteers", "guys",
					      "clerk", "lengthsman", "gardener", "handyman")))
				return info(k);
			v = modal_tail(c, k, "modal request");

			/* "can the flags go to half mast": a thing that goes
			   somewhere is moved by someone */
			if (v.kind == V_REQUEST && !v.task && IN(c, i + 1, SET("the", "your", "our")) &&
			    IN(c, k, SET("go", "come")))
				v.task = true;

			/* "could the council fund it?": only "you" may be
			   asked for more than work */
			v = IN(c, i + 1, SET("you", "u", "ya")) ? v : task_only(v);
			if (v.kind != V_NONE)
				return v;
		}
	}
	/* "can the Quay toilets be opened at 7", "could the village hall be
	   opened and the heating put on" */
	if (IN(c, i, SET("can", "could", "would", "will")) && INC(c, i + 1, C_DETERMINERS)) {
		for (k = i + 2; k < c->end && k <= i + 10 && is_word(c, k); k++) {
			/* "could the council chamber be made available": a
			   word that names a body may name what is its */
			if (INC(c, k, C_NOT_AGENTS) && !IS(c, k, "this") &&
			    !(IN(c, k, SET("council", "parish", "town")) && k == i + 2 &&
			      is_word(c, k + 1) && !lex_verb_first(LEX(c), W(c, k + 1)) &&
			      !INC(c, k + 1, C_MODALS)))
				break;
			if (IS(c, k, "be")) {
				if (verb_form(c, k + 1) || IS(c, k + 1, "done"))
					return make(V_REQUEST, "modal request", k + 1, true);
				break;
			}
		}
	}
	/* "can it go in the council newsletter", "could they be moved" */
	if (IN(c, i, SET("can", "could", "will", "would")) && IN(c, i + 1, SET("it", "this", "they",
									    "these", "those", "that")) &&
	    IN(c, i + 2, SET("go", "be", "come", "get"))) {
		struct verdict v = task_only(IN(c, i + 2, SET("be", "get")) ?
					     (verb_form(c, i + 3) ?
					      make(V_REQUEST, "modal request", i + 3, true) : none()) :
					     verb_phrase(c, i + 2, "modal request"));

		if (v.kind != V_NONE)
			return v;
	}
	/* "have you got a minute this week to look at the door", "do you
	   have time to", "got five minutes to" */
	if ((IS(c, i, "have") && IS(c, i + 1, "you")) || (IS(c, i, "do") && IS(c, i + 1, "you") &&
							  IS(c, i + 2, "have")) ||
	    IS(c, i, "got")) {
		for (k = i + 1; k < c->end && k <= i + 8; k++) {
			if (IN(c, k, SET("minute", "moment", "time", "minutes", "sec", "chance")) ) {
				size_t m;

				for (m = k + 1; m < c->end && m <= k + 4 && !IS(c, m, "to"); m++)
					;
				if (IS(c, m, "to"))
					return task_only(verb_phrase(c, m + 1, "modal request"));
				break;
			}
		}
	}
	/* "Somebody must check it today", "someone must to check it",
	   "someone needs to ring them": a task for whoever reads it */
	if (IN(c, i, SET("someone", "somebody")) &&
	    (IN(c, i + 1, SET("must", "should")) ||
	     (IN(c, i + 1, SET("needs", "has", "ought")) && IS(c, i + 2, "to")))) {
		bool author_will = false;

		/* "... and I will at the meeting": the author takes it on */
		for (size_t m = i + 3; m + 1 < c->end && m < i + CLAUSE_MAX && !author_will; m++)
			author_will = IS(c, m, "i") && IN(c, m + 1, SET("will", "shall", "can"));
		k = i + 2 + IS(c, i + 2, "to");
		if (!IN(c, k, SET("have", "be")) && !author_will)
			return task_only(verb_phrase(c, k, "need"));
	}
	/* "u ok to pay the water bill today?": "are" left out (a question
	   even without its mark: "stan u ok to open the guildhall at 7") */
	if (IN(c, i, SET("you", "u")) && IN(c, i + 1, SET("ok", "okay", "able", "alright")) &&
	    IS(c, i + 2, "to") && (c->question || !IS(c, i + 1, "able")))
		return verb_phrase(c, i + 3, "modal request");
	/* are you able to / are you ok to */
	if (IS(c, i, "are") && IS(c, i + 1, "you") &&
	    IN(c, i + 2, SET("able", "ok", "okay", "happy", "free", "around")) && IS(c, i + 3, "to"))
		return verb_phrase(c, i + 4, "modal request");
	/* do you think you could / do you mind / do you want to (work) */
	if (IS(c, i, "do") && IS(c, i + 1, "you")) {
		if (IN(c, i + 2, SET("think", "reckon")) && IS(c, i + 3, "you") && INC(c, i + 4, C_MODALS))
			return modal_tail(c, i + 5, "modal request");
		if (IS(c, i + 2, "mind"))
			return modal_tail(c, i + 2, "modal request");
		if (IS(c, i + 2, "want") && IS(c, i + 3, "to"))
			return task_only(verb_phrase(c, i + 4, "modal request"));
		return none();
	}
	/* "Want to give the plumber a ring?" */
	if (c->question && IS(c, i, "want") && IS(c, i + 1, "to"))
		return task_only(verb_phrase(c, i + 2, "modal request"));
	/* "is possible you print the leaflets this week?" */
	if (IS(c, i, "is") && IS(c, i + 1, "possible") && IN(c, i + 2, SET("you", "to")))
		return task_only(verb_phrase(c, i + 3, "modal request"));
	/* "If is possible to repair it this week I will be very thankful",
	   "if it's possible to get it done by Friday" */
	if (IS(c, i, "if") && (IS(c, i + 1, "is") || (IS(c, i + 1, "it") && IS(c, i + 2, "is")))) {
		j = i + 2 + IS(c, i + 1, "it");
		if (IS(c, j, "possible") && IS(c, j + 1, "to"))
			return task_only(verb_phrase(c, j + 2, "modal request"));
	}
	/* "how about giving the bus shelter a lick of paint?" */
	if (IN(c, i, SET("how", "what")) && IS(c, i + 1, "about") && c->question &&
	    lex_is_gerund(LEX(c), W(c, i + 2)) && INC(c, i + 3, C_OBJECT_START))
		return task_only(verb_phrase(c, i + 2, "suggestion"));
	/* is it possible / would it be possible (for you) to; "I wonder
	   whether it might be possible for the minutes to be typed up" */
	j = wondering(c, i);
	if ((IS(c, i, "is") && IS(c, i + 1, "it") && IS(c, i + 2, "possible")) ||
	    (IN(c, i, SET("would", "will")) && IS(c, i + 1, "it") && IS(c, i + 2, "be") &&
	     IN(c, i + 3, SET("possible", "ok", "okay"))) ||
	    (j > i && IS(c, j, "it") && IN(c, j + 1, SET("might", "would", "could", "will")) &&
	     IS(c, j + 2, "be") && IN(c, j + 3, SET("possible", "ok", "okay")))) {
		size_t from;

		j = from = j > i ? j + 4 : i + 3 + !IS(c, i, "is");
		while (j < c->end && !IS(c, j, "to") && j < from + 12)
			j++;
		/* "for the minutes to be typed up": the passive of the task */
		if (IS(c, j, "to") && IS(c, j + 1, "be") && verb_form(c, j + 2) &&
		    !IN(c, j + 2, EVENT_PARTICIPLES) && IS(c, from, "for"))
			return make(V_REQUEST, "modal request", j + 2, true);
		return IS(c, j, "to") ? verb_phrase(c, j + 1, "modal request") : none();
	}
	/* "Can I twist your arm to put a poster up?" */
	if (IN(c, i, SET("can", "could", "may", "might")) && IS(c, i + 1, "i") &&
	    IS(c, i + 2, "twist") && IS(c, i + 3, "your") && IS(c, i + 4, "arm") &&
	    IS(c, i + 5, "to"))
		return task_only(verb_phrase(c, i + 6, "modal request"));
	/* "Can I leave that with you?", "I'll leave it with you": the matter
	   handed over; not "can I leave the keys with you" */
	if (((IN(c, i, SET("can", "could", "may")) && IS(c, i + 1, "i")) ||
	     (IS(c, i, "i") && IS(c, i + 1, "will"))) &&
	    IS(c, i + 2, "leave") && IN(c, i + 3, SET("that", "this", "it")) &&
	    IS(c, i + 4, "with") && IS(c, i + 5, "you"))
		return make(V_REQUEST, "modal request", i + 2, true);
	/* "Would it be a terrible imposition to ask you to drop the keys
	   round?", "would it be too much trouble to ring them?" */
	if (IN(c, i, SET("would", "will", "is")) && IS(c, i + 1, "it") &&
	    (IS(c, i + 2, "be") || IS(c, i, "is"))) {
		bool bother = false;

		for (j = i + 2; j < c->end && j < i + 9 && !IS(c, j, "to"); j++)
			bother = bother || IN(c, j, SET("imposition", "bother", "cheek", "trouble",
							 "nuisance", "much", "pain"));
		if (bother && IS(c, j, "to")) {
			if (IS(c, j + 1, "ask") && IN(c, j + 2, SET("you", "someone")) &&
			    IS(c, j + 3, "to"))
				j += 3;
			return task_only(verb_phrase(c, j + 1, "modal request"));
		}
	}
	/* (is there) any chance / any way (that) you could / of getting;
	   "I don't suppose there's any possibility of getting" */
	j = wondering(c, i);
	if (IS(c, j, "i") && IS(c, j + 1, "do") && IS(c, j + 2, "not") &&
	    IN(c, j + 3, SET("suppose", "imagine")))
		j += 4;
	if (IS(c, j, "is") && IS(c, j + 1, "there"))
		j += 2;
	/* "I was wondering if there was any chance the heating could" */
	else if (IS(c, j, "there") && IN(c, j + 1, SET("is", "was")) && j > i)
		j += 2;
	/* "is there any reason the gate can't be fixed this week?", "any
	   reason you couldn't ring them today?": asked as a question */
	if (IS(c, j, "any") && IS(c, j + 1, "reason") && c->question) {
		size_t subj = j + 2 + IN(c, j + 2, SET("why", "that"));

		for (k = subj; k + 2 < c->end && k <= subj + 10 && is_word(c, k); k++) {
			if (!IN(c, k, SET("can", "could", "should", "would")) || !IS(c, k + 1, "not"))
				continue;
			if (IS(c, k + 2, "be") && verb_form(c, k + 3))
				return make(V_REQUEST, "modal request", k + 3, true);
			/* "any reason the newsletter can't go out this week?" */
			if (IN(c, k + 2, SET("go", "come")) && k > subj)
				return make(V_REQUEST, "modal request", k + 2, true);
			if (IN(c, subj, SET("you", "someone", "somebody", "we")))
				return task_only(verb_phrase(c, k + 2, "modal request"));
			break;
		}
		return none();
	}
	if (IS(c, j, "any") && IN(c, j + 1, SET("chance", "way", "hope", "possibility"))) {
		j += 2;
		if (IS(c, j, "that"))
			j++;
		/* "any chance you could", "any way the draft minutes could go
		   up on the website" */
		if ((k = subject_then(c, j, C_MODALS)) != 0) {
			struct verdict v = modal_tail(c, k + 1, "modal request");

			/* "any way it could go near the entrance": a thing
			   that goes somewhere is moved by someone */
			if (v.kind == V_REQUEST && !v.task && IN(c, k + 1, SET("go", "come")))
				v.task = true;
			return IN(c, j, SET("you", "someone", "somebody")) ? v : task_only(v);
		}
		if (IS(c, j, "of")) {
			j++;
			if (IN(c, j, SET("you", "someone")))
				j++;
			/* "any chance of the goalposts going up" */
			if (INC(c, j, C_DETERMINERS))
				for (k = j + 1; k < c->end && k <= j + 5 && is_word(c, k); k++)
					if (lex_is_gerund(LEX(c), W(c, k)))
						return make(V_REQUEST, "modal request", k, true);
			return lex_is_gerund(LEX(c), W(c, j)) ? verb_phrase(c, j, "modal request")
							      : none();
		}
		return none();
	}
	/* (it) might be worth ringing / would be a good idea to / it'd
	   probably be sensible to get on to the scaffolders; "I wondered
	   whether it might be worth asking the Brownies" */
	j = wondering(c, i);
	if (j > i && IS(c, j, "it") && IN(c, j + 1, SET("might", "would", "could")) &&
	    IS(c, j + 2, "be") && IS(c, j + 3, "worth") && lex_is_gerund(LEX(c), W(c, j + 4)))
		return task_only(verb_phrase(c, j + 4, "suggestion"));
	j = IS(c, i, "it") ? i + 1 : i;
	if (IN(c, j, SET("might", "would", "could", "may", "will", "is")) &&
	    (IS(c, j, "is") || IS(c, skip_set(c, j + 1, SET("probably", "definitely", "really",
							     "also", "perhaps")), "be"))) {
		k = IS(c, j, "is") ? j + 1 :
		    skip_set(c, j + 1, SET("probably", "definitely", "really", "also", "perhaps")) + 1;
		k = skip_set(c, k, SET("really", "probably", "definitely", "also"));
		if (IS(c, i, "it") && IN(c, k, SET("sensible", "wise", "best", "advisable")) &&
		    IS(c, k + 1, "to") && (INC(c, k + 3, C_OBJECT_START) ||
					   IN(c, k + 3, SET("on", "onto", "in", "round"))))
			return task_only(verb_phrase(c, k + 2, "suggestion"));
		if (IS(c, k, "worth") && lex_is_gerund(LEX(c), W(c, k + 1)))
			return task_only(verb_phrase(c, k + 1, "suggestion"));
		/* "it would be good to get the verges strimmed", "it'd be
		   great to have the hall open by six" */
		if (IS(c, i, "it") && !IS(c, j, "is") &&
		    IN(c, k, SET("good", "great", "nice", "helpful", "ideal", "lovely", "brilliant",
				 "useful", "grand", "handy", "fab")) &&
		    IS(c, k + 1, "to") && IN(c, k + 2, SET("get", "have")))
			return task_only(verb_phrase(c, k + 2, "suggestion"));
		/* "it would be good to turn off the instant confirmation": a
		   task with its object, not "good to see you" or "good to
		   catch up" (SOCIAL, no task) */
		if (IS(c, i, "it") && !IS(c, j, "is") &&
		    IN(c, k, SET("good", "helpful", "useful", "sensible", "better", "best")) &&
		    IS(c, k + 1, "to") && is_verb(c, k + 2) &&
		    (INC(c, k + 3, C_OBJECT_START) ||
		     (IN(c, k + 3, SET("off", "on", "up", "out", "down", "back")) &&
		      INC(c, k + 4, C_OBJECT_START))))
			return task_only(verb_phrase(c, k + 2, "suggestion"));
		if (IN(c, k, SET("an", "a")) && IS(c, k + 1 + IS(c, k + 1, "good"), "idea") &&
		    IS(c, k + 2 + IS(c, k + 1, "good"), "to"))
			return task_only(verb_phrase(c, k + 3 + IS(c, k + 1, "good"), "suggestion"));
	}
	/* "best if you lock the barrier at 9", "it'd be better if you rang
	   them first": the reader told what to do, kindly */
	j = i;
	if (IS(c, j, "it")) {
		j = skip_set(c, j + 1, SET("would", "will", "might", "is", "probably", "be",
					   "definitely", "really"));
		if (j == i + 1)
			j = i;
	}
	if (IN(c, j, SET("best", "better")) && IS(c, j + 1, "if") &&
	    IN(c, j + 2, SET("you", "u", "someone"))) {
		k = j + 3 + (INC(c, j + 3, C_MODALS) ? 1 : 0);
		if (lex_is_past(LEX(c), W(c, k)) && !IS(c, k, "could"))
			return make(V_REQUEST, "suggestion", k, true);
		return task_only(verb_phrase(c, k, "suggestion"));
	}
	/* I wonder / I was wondering (if) you could */
	j = i;
	if (IS(c, j, "i")) {
		j++;
		if (IN(c, j, SET("was", "am", "were")))
			j++;
		if (IN(c, j, SET("wonder", "wondered", "wondering")) &&
		    IN(c, j + 1, SET("if", "whether")) &&
		    (k = subject_then(c, j + 2, C_MODALS)) != 0)
			return modal_tail(c, k + 1, "modal request");
	}
	/* I'd be grateful if you could / I'd appreciate it if you would /
	   it'd be great if you could / it would really help if / if you could /
	   (I'd be) grateful if you could */
	j = i;
	if (IN(c, j, SET("i", "it", "we", "that", "grateful", "appreciated", "obliged"))) {
		k = IN(c, j, SET("grateful", "appreciated", "obliged")) ? j : j + 1;
		if (IN(c, k, SET("would", "will", "really", "do", "should", "is", "might")))
			k++;
		k = skip_set(c, k, SET("therefore", "also", "indeed", "certainly", "be", "really",
				       "so", "very", "most", "extremely", "ever", "such", "a", "big"));
		if (IN(c, k, SET("grateful", "obliged", "glad", "great", "good", "helpful",
				 "brilliant", "lovely", "useful", "ideal", "fab", "fantastic", "amazing",
				 "fabulous", "terrific", "splendid", "excellent", "awesome",
				 "perfect", "appreciated", "marvellous", "wonderful", "handy",
				 "appreciate", "help", "helpful", "nice", "smashing", "super",
				 "love", "like"))) {
			k++;
			if (IS(c, k, "it"))
				k++;
			if (IS(c, k, "if"))
				j = k;
		}
	}
	/* "it'd make life a lot easier for those of us who work away if the
	   papers came out a week before": a long welcome, then "if" */
	if (j == i && IS(c, i, "it") && IN(c, i + 1, SET("would", "will", "might"))) {
		bool welcome = false;

		for (k = i + 2; k < c->end && k <= i + 14 && !IS(c, k, "if"); k++)
			welcome |= IN(c, k, SET("easier", "help", "helpful", "better", "great",
						"ideal", "appreciated", "simpler", "quicker"));
		if (welcome && IS(c, k, "if"))
			j = k;
	}
	/* "I'd appreciate it if you paid the Scouts' grant this week", "...
	   if you cut back the hedge this week" */
	if (IS(c, j, "if") && j > i && IS(c, j + 1, "you") && lex_is_past(LEX(c), W(c, j + 2)))
		return make(V_REQUEST, "modal request", j + 2, true);
	if (IS(c, j, "if") && j > i && IS(c, j + 1, "you") && is_verb(c, j + 2) &&
	    lex_verb_first(LEX(c), W(c, j + 2)) && !INC(c, j + 2, C_AUXILIARIES) &&
	    INC(c, j + 3, C_OBJECT_START)) {
		struct verdict v = verb_phrase(c, j + 2, "modal request");

		if (v.kind != V_NONE)
			return v;
	}
	/* "it would help if the agenda went out a week early": a wish for a
	   task, after words that welcome it */
	if (IS(c, j, "if") && j > i && (k = subject_then(c, j + 1, C_MODALS)) == 0 &&
	    INC(c, j + 1, C_DETERMINERS) && !IN(c, j + 1, SET("a", "an"))) {
		for (k = j + 2; k < c->end && k <= j + 12 && is_word(c, k); k++) {
			if (INC(c, k, C_NOT_AGENTS) || INC(c, k, C_NEW_CLAUSE))
				break;
			if (lex_is_past(LEX(c), W(c, k)) && !INC(c, k - 1, C_DETERMINERS))
				return make(V_REQUEST, "modal request", k, true);
		}
	}
	if (IS(c, j, "if") && (k = subject_then(c, j + 1, C_MODALS)) != 0 &&
	    IN(c, k, SET("could", "would", "can", "might"))) {
		struct verdict v = modal_tail(c, k + 1, "modal request");

		/* "grateful if a copy of the regulations could go to him by
		   post": a thing that goes to someone is sent by someone */
		if (v.kind == V_REQUEST && !v.task && INC(c, j + 1, C_DETERMINERS) &&
		    IN(c, k + 1, SET("go", "come")) &&
		    IN(c, k + 2, SET("to", "out", "up", "round", "in", "off", "back")))
			v.task = true;
		/* "if you can make it to the meeting" invites */
		return IS(c, k, "can") ? (v.kind == V_INFO ? v : task_only(v)) : v;
	}
	return none();
}

/* "I trust you will arrange for the grass to be cut", "I hope you can
   get the bins moved"; "just a reminder to put the bins out". */
static struct verdict trust(const struct ctx *c, size_t i)
{
	size_t k;

	/* "I take it the grit bins will be full by then": the same, put
	   as what the author counts on */
	if (IS(c, i, "i") && IS(c, i + 1, "take") && IS(c, i + 2, "it") && !c->question &&
	    INC(c, i + 3 + IS(c, i + 3, "that"), C_DETERMINERS)) {
		k = i + 3 + IS(c, i + 3, "that");
		for (size_t m = k + 1; m + 2 < c->end && m <= k + 10 && is_word(c, m); m++)
			if (IN(c, m, SET("will", "would", "can")) && IS(c, m + 1, "be") &&
			    (verb_form(c, m + 2) ||
			     IN(c, m + 2, SET("full", "ready", "done", "up", "down", "open", "clear",
					      "out", "sorted", "fixed", "back"))))
				return make(V_REQUEST, "request", m + 2, true);
		return none();
	}
	if (IS(c, i, "i") && IN(c, i + 1, SET("trust", "hope", "assume", "expect", "presume"))) {
		k = i + 2 + IS(c, i + 2, "that");
		if (IN(c, k, SET("you", "someone", "the")) && (k = subject_then(c, k, C_MODALS)) != 0)
			return task_only(verb_phrase(c, k + 1, "request"));
		return none();
	}
	k = IS(c, i, "a") ? i + 1 : i;
	k = skip_set(c, k, SET("quick", "gentle", "friendly", "little", "final", "polite"));
	if (IS(c, k, "reminder") && IS(c, k + 1, "to"))
		return task_only(verb_phrase(c, k + 2, "request"));
	return none();
}

/* "you'll need to", "you must", "you should", "you could just ring" */
static struct verdict directive(const struct ctx *c, size_t i)
{
	size_t j;

	if (!IS(c, i, "you"))
		return none();
	j = i + 1;
	if (IN(c, j, SET("will", "would", "may", "might", "have", "had", "are", "really")) &&
	    !(IN(c, j, SET("might", "may")) && !IS(c, j + 1, "want")))
		j++;
	if (IN(c, j, SET("could", "might")) && !IN(c, j + 1, SET("have", "be")))
		return task_only(verb_phrase(c, j + 1, "suggestion"));
	if (IN(c, j, SET("need", "must", "should", "ought", "got", "have", "want", "better", "to"))) {
		if (IN(c, j, SET("should", "must")) && IN(c, j + 1, SET("have", "be", "know")))
			return none();	/* "you should have told me": a complaint */
		j++;
		if (IS(c, j, "to"))
			j++;
		if (IN(c, j, SET("know", "be", "have", "remember", "understand", "realise",
				 "realize", "see", "appreciate", "not")))
			return none();
		return verb_phrase(c, j, "directive");
	}
	return none();
}

/* "What I'd like you to do is ring the hire company", "what we need is
   for someone to ...": the request after "is". */
static struct verdict cleft(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i), k;

	if (!IS(c, i, "what") || !IN(c, i + 1, SET("i", "we")))
		return none();
	/* "what I'd like you to do, when you have a moment, is write ..." */
	end = c->end;
	for (k = i + 2; k < end && k <= i + 16; k++)
		if (IS(c, k, "is") && (IN(c, k - 1, SET("do", "need", "want", "like")) ||
				       is_punct(c, k - 1, ",")))
			break;
	if (k >= end || k > i + 16)
		return none();
	k++;
	/* "... is for the leaves to be cleared off the steps" */
	if (IS(c, k, "for") && INC(c, k + 1, C_DETERMINERS)) {
		for (size_t m = k + 2; m < end && m <= k + 8; m++)
			if (IS(c, m, "to") && IS(c, m + 1, "be") && verb_form(c, m + 2))
				return make(V_REQUEST, "request", m + 2, true);
	}
	if (IS(c, k, "for") && IN(c, k + 1, SET("you", "someone", "somebody")) && IS(c, k + 2, "to"))
		k += 3;
	else if (IS(c, k, "to"))
		k++;
	return verb_phrase(c, k, "request");
}

/* A noun phrase at I and then one of WORDS ("the Legion want"), within a
   few words: the index of that word, or 0. */
static size_t subject_then_word(const struct ctx *c, size_t i, const char *const *words)
{
	for (size_t k = i + 1; k < c->end && k <= i + 5 && is_word(c, k); k++) {
		if (IN(c, k, words))
			return k;
		if (INC(c, k, C_AUXILIARIES) || INC(c, k, C_NEW_CLAUSE) || is_verb(c, k))
			return 0;
	}
	return 0;
}

/* "I'd be grateful for a list of the residents" asks for something to be
   fetched; "... for your view" asks for information. Neither orders work. */
static struct verdict grateful_for(const struct ctx *c, size_t k)
{
	struct verdict v;

	for (size_t m = k; m < k + 4 && m < c->end; m++)
		if (IN(c, m, SET("view", "views", "thoughts", "advice", "comments", "opinion",
				 "reply", "response", "guidance", "confirmation", "help",
				 "feedback", "input", "answer")))
			return info(m);
	v = make(V_REQUEST, "want", k, true);
	v.order = false;
	return v;
}

/* Wants and needs with an object: "I need you to", "I want them
   repainted", "I'd like the hall cleaned", "We need the bins moving",
   "need the trestles up by 9", "we need to get the fence fixed". */
/* "Mrs Kaur at 14 Station Road needs a copy of the regulations in the
   post", "Mr Patel wants an answer by Friday": a named resident's need
   for something the office sends, told to staff, is the thing to do. Not
   "Mr Jones needs a hip operation" (nothing the office sends). Returns
   the word of the thing needed, or 0. */
static size_t resident_needs(const struct ctx *c, size_t i)
{
	size_t k, end = clause_end(c, i);

	if (!IN(c, i, SET("mr", "mrs", "ms", "miss", "dr")) || !has_flag(c, i + 1, TOK_CAP))
		return 0;
	for (k = i + 2; k < end && k <= i + 9; k++) {
		if (IN(c, k, SET("needs", "wants", "would")) &&
		    (!IS(c, k, "would") || IN(c, k + 1, SET("like", "need")))) {
			size_t n = k + 1 + IS(c, k, "would");

			if (IN(c, n, SET("a", "an", "the", "another", "some")))
				n++;
			if (IS(c, n, "copy") || IN(c, n, SET(
				    "form", "forms", "letter", "reply", "answer", "response",
				    "receipt", "refund", "key", "keys", "map", "plan", "leaflet",
				    "application", "details", "quote", "invoice", "list",
				    "certificate", "permit", "call", "callback", "word",
				    "booking", "visit", "confirmation", "decision")))
				return n;
			/* "needs the allotment rules posted to him" */
			return INC(c, k + 1 + IS(c, k, "would"), C_DETERMINERS) ?
			       object_then_verb(c, k + 1 + IS(c, k, "would")) : 0;
		}
		if (INC(c, k, C_AUXILIARIES))
			return 0;	/* "Mrs Kaur has had a letter" */
	}
	return 0;
}

/* Is the noun phrase at J facts for the author ("the figures", "the
   latest numbers", "your bank details")? Needing them asks for
   information. */
static bool facts_at(const struct ctx *c, size_t j)
{
	j = skip_set(c, j, SET("the", "your", "those", "these", "some", "any", "this", "that",
			       "latest", "final", "current", "updated", "up-to-date", "exact",
			       "rough", "new", "full", "correct", "right"));
	return IN(c, j, SET("figures", "numbers", "details", "information", "info", "dates",
			    "date", "times", "breakdown", "totals", "total", "balance", "answer",
			    "answers", "facts", "stats", "statistics", "data", "costings",
			    "contact", "address", "postcode", "quote", "quotes", "quotation",
			    "quotations", "estimate", "estimates", "prices", "price", "brochure"));
}

static struct verdict want(const struct ctx *c, size_t i)
{
	size_t j = i, k;
	bool we;

	/* "... and would be grateful for a list": the subject left out */
	if (IN(c, j, SET("would", "should")) && IS(c, j + 1, "be") &&
	    IN(c, j + 2, SET("grateful", "glad", "obliged")) && IS(c, j + 3, "for") &&
	    INC(c, j + 4, C_DETERMINERS))
		return grateful_for(c, j + 4);
	if (IN(c, j, SET("i", "we"))) {
		/* "Do we need to bring anything?": asking, not telling */
		if (j > c->first && c->question && IN(c, j - 1, SET("do", "did", "does", "shall")))
			return none();
		we = IS(c, j, "we");
		j++;
		j = skip_set(c, j, SET("would", "do", "really", "also", "just", "still", "will",
				       "definitely", "urgently", "therefore", "now", "desperately",
				       "should", "nevertheless", "therefore", "respectfully"));
		/* "I'm going to need the projector set up" */
		if (IN(c, j, SET("am", "are")) && IS(c, j + 1, "going") && IS(c, j + 2, "to") &&
		    IN(c, j + 3, SET("need", "want")))
			j += 3;
		/* "I'd be grateful for a list of the residents who wrote in" */
		if (IS(c, j, "be") && IN(c, j + 1, SET("grateful", "glad", "obliged")) &&
		    IS(c, j + 2, "for") && INC(c, j + 3, C_DETERMINERS))
			return grateful_for(c, j + 3);
		/* "I was rather hoping someone might be able to look at the
		   bench", "I'm hoping you could" */
		k = skip_set(c, j, SET("was", "am", "were", "had", "been", "rather", "really",
				       "so"));
		if (IS(c, k, "hoping")) {
			k = skip_set(c, k + 1, SET("that"));
			if (IN(c, k, SET("you", "someone", "somebody")) &&
			    IN(c, k + 1, SET("might", "could", "would", "will", "can"))) {
				size_t v = k + 2;

				if (IS(c, v, "be") && IS(c, v + 1, "able") && IS(c, v + 2, "to"))
					v += 3;
				return task_only(verb_phrase(c, v, "want"));
			}
		}
	} else if (IN(c, j, SET("need", "want"))) {
		we = false;	/* "need the trestles up by 9" */
	} else if (IS(c, j, "the") && (k = subject_then_word(c, j, SET("would"))) != 0 &&
		   IS(c, k + 1, "like") && IN(c, k + 2, SET("you", "someone")) &&
		   is_verb(c, k + 3 + IS(c, k + 3, "to"))) {
		/* "The association would like you (to) put his poster up" */
		return task_only(verb_phrase(c, k + 3 + IS(c, k + 3, "to"), "want"));
	} else if (IS(c, j, "the") && (k = subject_then_word(c, j, SET("want", "wants"))) != 0 &&
		   object_then_verb(c, k + 1) != 0) {
		/* "the conservatives want the hall set up for Saturday" */
		return make(V_REQUEST, "want", object_then_verb(c, k + 1), true);
	} else if (IN(c, j, SET("someone", "somebody")) &&
		   ((IN(c, j + 1, SET("needs", "has", "ought")) && IS(c, j + 2, "to")) ||
		    (IN(c, j + 1, SET("should", "must")) && is_verb(c, j + 2)))) {
		/* "Somebody needs to ring the fallen stock people today"; not
		   "somebody needs to tell the county, and I will" */
		for (k = j + 2; k + 1 < c->end; k++)
			if (IS(c, k, "i") && IN(c, k + 1, SET("will", "shall", "can", "am")))
				return none();
		k = j + 2 + IS(c, j + 2, "to");
		return task_only(verb_phrase(c, k, "need"));
	} else if ((k = resident_needs(c, j)) != 0) {
		return make(V_REQUEST, "need", k, true);
	} else {
		return none();
	}
	/* "we need to get the fence fixed", not "we need to talk" */
	if (we && ((IN(c, j, SET("need", "have", "must", "ought")) && IS(c, j + 1, "to")) ||
		   (IS(c, j, "must") && is_verb(c, j + 1)))) {
		k = j + (IS(c, j + 1, "to") ? 2 : 1);
		/* "we need to have a proper think", "we must have a look" */
		if (IS(c, k, "have") && IN(c, k + 1, SET("a", "an")))
			return none();
		return task_only(verb_phrase(c, k, "need"));
	}
	/* "I am instructing you to pay", "I'm asking you to" */
	k = IS(c, j, "am") || IS(c, j, "are") ? j + 1 : j;
	/* "I am writing to instruct you to replace the lantern" */
	if (IS(c, k, "writing") && IS(c, k + 1, "to"))
		k += 2;
	if (IN(c, k, SET("instructing", "asking", "telling", "requesting", "directing",
			 "ordering", "instruct", "ask", "tell", "direct", "order", "require")) &&
	    IN(c, k + 1, SET("you", "someone")) && IS(c, k + 2, "to"))
		return verb_phrase(c, k + 3, "instruction");
	if (!IN(c, j, SET("need", "want", "like", "love", "expect", "require", "prefer")))
		return none();
	j++;
	/* "I need that you help me": a request in another language's order */
	if (IS(c, j, "that") && IS(c, j + 1, "you") && is_verb(c, j + 2) &&
	    IN(c, j - 1, SET("need", "want", "like", "prefer")))
		return task_only(verb_phrase(c, j + 2, "want"));
	/* "I want them for the finance group on Tuesday": why, not what */
	if (IN(c, j, SET("them", "it", "these", "those", "this")) && IS(c, j + 1, "for"))
		return none();
	/* "Just need the figures for my ward report": information, fetched */
	if (IN(c, j - 1, SET("need", "want")) && facts_at(c, j) && object_then_verb(c, j) == 0)
		return make(V_INFO, "request for information", j - 1, true);
	/* "need 20 more chairs in the chamber", "we'll need: - six extra
	   bins ...": an amount of something, or a list of what is needed */
	if (IS(c, j - 1, "need") && (has_flag(c, j, TOK_NUMBER) ||
				    IN(c, j, SET("more", "extra", "another", "several")) ||
				    (IS(c, j, "a") && IN(c, j + 1, SET("dozen", "couple", "few"))) ||
				    (is_punct(c, j, ":") && j + 1 >= c->end)))
		return make(V_REQUEST, "need", j, true);
	/* "I'll expect to see the bin dates on the noticeboard by Friday" */
	if (IS(c, j - 1, "expect") && IS(c, j, "to") && IN(c, j + 1, SET("see", "find", "have")) &&
	    IS(c, j + 2, "the"))
		j += 2;
	/* "need the cones at the rec by 7": things wanted somewhere by a time;
	   "I'll expect the variance report on my desk by Monday" */
	/* "I want it next to the council stand", "want the stall beside the
	   gate": a thing wanted in a place */
	if ((IN(c, j - 1, SET("need", "want", "expect", "require", "see", "find", "have")) &&
	     IS(c, j, "the")) ||
	    /* not a supplier told "we'd need them by November" (a condition) */
	    (IN(c, j - 1, SET("need", "want")) && IN(c, j, SET("it", "them")) &&
	     !IS(c, j - 2, "would"))) {
		for (k = j + 1; k < clause_end(c, j) && k <= j + 12; k++)
			if ((IN(c, k, SET("at", "in", "on", "by", "before", "for", "beside",
					  "behind", "outside", "opposite")) ||
			     (IS(c, k, "next") && IS(c, k + 1, "to") && k++)) &&
			    (has_flag(c, k + 1, TOK_NUMBER) || INC(c, k + 1, C_DETERMINERS) ||
			     IN(c, k + 1, SET("tomorrow", "tonight", "today", "friday", "monday",
					      "tuesday", "wednesday", "thursday", "saturday",
					      "sunday", "sat", "sun", "fri", "noon")))) {
				struct verdict v = make(V_REQUEST, "need", j, true);

				/* "we need them by the 6th if that's doable", to a
				   supplier asked for a price: a date for something
				   not yet ordered */
				v.order = IS(c, j, "the") &&
					  !(IS(c, j - 2, "would") && IN(c, j - 1, SET("need", "want")));
				return v;
			}
	}
	if ((k = object_then_verb(c, j)) != 0) {
		struct verdict v = make(V_REQUEST, "want", k, true);

		/* "We'd need (want) it done before November, if it goes
		   ahead": a condition put to a supplier, no order */
		v.order = !(IN(c, j - 1, SET("need", "want")) && IS(c, j - 2, "would"));
		return v;
	}
	if ((k = agent(c, j)) != 0 || IN(c, j, SET("them", "him", "her", "it", "this"))) {
		k = k != 0 ? k : j + 1;
		if (IS(c, k, "to") && !IS(c, k + 1, "be")) {
			struct verdict v = verb_phrase(c, k + 1, "want");

			return v.kind == V_NONE ? none() : v;
		}
	}
	return none();
}

static struct verdict needs_doing_at(const struct ctx *c, size_t i);

/* "The verges need cutting", "the gate needs fixing before Saturday". */
/* Past up to two adjectives that are not verbs ("a proper deep clean",
   "a good hard scrub"). */
/* What someone "wants a ..." that is no work: "wants a word", "needs a
   break". */
static const char *const *const TALK_NOUNS =
	WORDS("copy", "word", "chat", "reply", "answer", "call", "ring", "update", "meeting", "list",
	    "quote", "chance", "break", "rest", "holiday", "drink", "say", "vote", "go", "laugh",
	    "talk");

static size_t skip_adjectives(const struct ctx *c, size_t m)
{
	for (int n = 0; n < 2 && is_word(c, m) && m + 1 < c->end; n++) {
		const struct lex_word *e = lex_lookup(LEX(c), W(c, m));

		/* the lexicon holds verbs only: other adjectives are the
		   intensifiers of work */
		if (!(e != NULL ? (e->flags & LEX_ADJ) && !lex_is_verb(LEX(c), W(c, m)) :
				  IN(c, m, SET("deep", "hard", "thorough", "full", "real", "big",
					       "general", "professional", "final", "spring"))) ||
		    !is_verb(c, m + 1))
			break;
		m++;
	}
	return m;
}


static struct verdict needs_doing(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i);

	/* "Ideally the gate would be locked at dusk", "It's high time the
	   bins were emptied", "My preference is for the hall to be
	   repainted": what should happen, said to the one who does it */
	if (IN(c, i, SET("ideally", "preferably")) && INC(c, i + 1, C_DETERMINERS)) {
		for (size_t k = i + 2; k + 2 < end && k <= i + 10 && is_word(c, k); k++)
			if (IN(c, k, SET("would", "should", "could")) && IS(c, k + 1, "be") &&
			    (verb_form(c, k + 2) || IN(c, k + 2, SET("open", "ready", "up", "out"))))
				return make(V_REQUEST, "need", k + 2, true);
	}
	if (IS(c, i, "it") && IS(c, i + 1, "is") && IN(c, i + 2, SET("high", "about")) &&
	    IS(c, i + 3, "time") && INC(c, i + 4 + IS(c, i + 4, "that"), C_DETERMINERS)) {
		for (size_t k = i + 5; k + 1 < end && k <= i + 14 && is_word(c, k); k++) {
			if (IN(c, k, SET("was", "were")) && verb_form(c, k + 1))
				return make(V_REQUEST, "need", k + 1, true);
			/* "high time those curtains went off to be cleaned" */
			if (IN(c, k, SET("went", "came")) &&
			    IN(c, k + 1, SET("off", "out", "in", "up", "back", "down", "away")))
				return make(V_REQUEST, "need", k, true);
		}
	}
	/* "the simplest thing would be a short note going out with the
	   invoices", "the best thing is to ring them", "the easiest way would
	   be for you to collect it": a suggestion of what the reader does */
	if (IS(c, i, "the") && IN(c, i + 1, SET("simplest", "best", "easiest", "quickest",
						 "obvious", "sensible", "fairest")) &&
	    IN(c, i + 2, SET("thing", "option", "answer", "solution", "way", "plan"))) {
		size_t j = i + 3;

		if (IS(c, j, "would") && IS(c, j + 1, "be"))
			j += 2;
		else if (IS(c, j, "is"))
			j++;
		else
			j = 0;
		if (j != 0 && IS(c, j, "to") && is_verb(c, j + 1))
			return task_only(verb_phrase(c, j + 1, "suggestion"));
		if (j != 0 && IS(c, j, "if") && IN(c, j + 1, SET("you", "someone", "somebody")) &&
		    is_verb(c, j + 2))
			return task_only(verb_phrase(c, j + 2, "suggestion"));
		if (j != 0 && (INC(c, j, C_DETERMINERS) || IS(c, j, "for")))
			for (size_t k = j + 1; k + 1 < end && k <= j + 8 && is_word(c, k); k++) {
				if (IN(c, k, SET("council", "committee", "meeting", "councillors")))
					break;
				if (IS(c, k, "to") && is_verb(c, k + 1) && IS(c, j, "for"))
					return task_only(verb_phrase(c, k + 1, "suggestion"));
				if (IN(c, k, SET("going", "being", "put", "sent")) && !IS(c, j, "for"))
					return make(V_REQUEST, "suggestion", k, true);
			}
	}
	/* "What I'd really like is for the map to go in the middle pages",
	   "what we need is for you to ring them" */
	if (IS(c, i, "what") && IN(c, i + 1, SET("i", "we"))) {
		size_t j = skip_set(c, i + 2, SET("would", "really", "do", "actually", "most"));

		if (IN(c, j, SET("like", "want", "need", "love", "prefer")) && IS(c, j + 1, "is") &&
		    IS(c, j + 2, "for") && (INC(c, j + 3, C_DETERMINERS) ||
					    IN(c, j + 3, SET("you", "it", "them"))))
			/* "for it to be left uncut": the pronoun is the thing */
			for (size_t k = j + 3 + !IN(c, j + 3, SET("it", "them"));
			     k + 1 < end && k <= j + 12 && is_word(c, k); k++) {
				/* "for the council to think again": a decision wished for */
				if (IN(c, k, SET("council", "committee", "councillors", "members",
						 "chair", "meeting")))
					break;
				if (IS(c, k, "to") && is_verb(c, k + 1)) {
					if (IS(c, k + 1, "be") && verb_form(c, k + 2))
						return make(V_REQUEST, "want", k + 2, true);
					/* not "for it to stop raining" */
					if (IN(c, j + 3, SET("it", "them")))
						break;
					return make(V_REQUEST, "want", k + 1, true);
				}
			}
	}
	/* "Could do with being cut back before the 8th", "Needs cutting
	   back hard": the thing needing it named in the sentence before */
	if (i == c->first && IN(c, i, SET("could", "would")) && IS(c, i + 1, "do") &&
	    IS(c, i + 2, "with") && IS(c, i + 3, "being") && verb_form(c, i + 4))
		return make(V_REQUEST, "need", i + 4, true);
	if (i == c->first && IS(c, i, "needs") && lex_is_gerund(LEX(c), W(c, i + 1)) &&
	    !IN(c, i + 1, SET("saying", "doing", "thinking", "checking", "looking", "discussing",
			      "asking", "deciding", "agreeing")))
		return make(V_REQUEST, "need", i + 1, true);
	/* "a couple of cones round it wouldn't go amiss": a hint at work */
	if (INC(c, i, C_DETERMINERS) || IN(c, i, SET("some", "couple"))) {
		for (size_t k = i + 1; k + 3 < end + 1 && k <= i + 12 && is_word(c, k); k++)
			if (IS(c, k, "would") && IS(c, k + 1, "not") && IS(c, k + 2, "go") &&
			    IS(c, k + 3, "amiss")) {
				for (size_t m = i; m < k; m++)
					if (IN(c, m, SET("tea", "coffee", "drink", "pint", "biscuit",
							 "cake", "holiday", "break", "rest", "word",
							 "thanks", "apology")))
						return none();
				return make(V_REQUEST, "need", i, true);
			}
		/* "Some pansies in it before Thursday's reception would make my
		   day", "a couple of cones by the gate would be lovely": a
		   thing wished for somewhere or by a time; not "a new bench
		   would be lovely", an opinion */
		bool placed = false;

		for (size_t k = i + 1; k + 3 < end + 1 && k <= i + 12 && is_word(c, k) &&
				       IN(c, i, SET("some", "a", "an", "another", "more", "couple"));
		     k++) {
			/* "a chat at the meeting would be great", "a good turnout
			   on Saturday would be lovely": no work */
			if (!placed && (IN(c, k, TALK_NOUNS) ||
					IN(c, k, SET("turnout", "crowd", "response", "weather", "day",
						     "night", "evening", "time", "result", "win",
						     "audience", "sunshine", "rain"))))
				break;
			placed |= IN(c, k, SET("in", "on", "by", "before", "outside", "round",
					       "around", "at", "along", "beside", "behind"));
			if (!placed || !IS(c, k, "would"))
				continue;
			if (IS(c, k + 4, "if") || IS(c, k + 3, "if"))
				break;
			size_t m = skip_set(c, k + 2, SET("very", "really", "most", "so", "just"));

			if ((IS(c, k + 1, "make") && IN(c, k + 2, SET("my", "our")) &&
			     IS(c, k + 3, "day")) ||
			    (IS(c, k + 1, "be") &&
			     IN(c, m, SET("lovely", "great", "grand", "ideal", "brilliant",
					  "wonderful", "appreciated", "welcome", "fab", "fantastic",
					  "perfect", "marvellous", "super", "smashing", "helpful"))))
				return make(V_REQUEST, "need", i, true);
			break;
		}
	}
	/* "It is necessary that someone look at it quickly", "it's vital
	   that the gate is locked": what must be done, said to the one who
	   does it */
	if (IS(c, i, "it") && IS(c, i + 1, "is") &&
	    IN(c, skip_set(c, i + 2, SET("really", "very", "absolutely")),
	       SET("necessary", "essential", "vital", "imperative", "important", "urgent")) &&
	    IS(c, skip_set(c, i + 2, SET("really", "very", "absolutely")) + 1, "that")) {
		size_t j = skip_set(c, i + 2, SET("really", "very", "absolutely")) + 2;

		if (IN(c, j, SET("someone", "somebody", "you")) && is_verb(c, j + 1) &&
		    !lex_is_past(LEX(c), W(c, j + 1)))
			return task_only(verb_phrase(c, j + 1, "need"));
		for (size_t k = j + 1; k + 1 < end && k <= j + 8 && is_word(c, k); k++)
			if (IN(c, k, SET("is", "are", "be")) && verb_form(c, k + 1) &&
			    !IN(c, k + 1, EVENT_PARTICIPLES))
				return make(V_REQUEST, "need", k + 1, true);
	}
	/* "you may wish to order a new set", "you might want to ring them" */
	if (IS(c, i, "you") && IN(c, i + 1, SET("may", "might")) &&
	    IN(c, i + 2, SET("wish", "want", "like")) && IS(c, i + 3, "to"))
		return task_only(verb_phrase(c, i + 4, "suggestion"));
	/* "Wreath stand to be placed left of the memorial": a note's order;
	   not "Happy to be quoted", the author's own feeling */
	if (i == c->first && !c->question &&
	    !IN(c, i, SET("happy", "glad", "pleased", "delighted", "willing", "keen", "proud",
			  "honoured", "honored", "sorry", "ready", "able", "likely", "sure",
			  "due", "about", "going", "hoping", "waiting", "yet", "still", "content"))) {
		for (size_t k = i + 1; k + 2 < end && k <= i + 4 && is_word(c, k); k++) {
			if (is_verb(c, k) && lex_verb_first(LEX(c), W(c, k)) && !IS(c, k, "stand"))
				break;
			if (IS(c, k, "to") && IS(c, k + 1, "be") && verb_form(c, k + 2) &&
			    !IN(c, k + 2, EVENT_PARTICIPLES) && !INC(c, i, C_NOT_AGENTS))
				return make(V_REQUEST, "need", k + 2, true);
		}
	}
	/* "I'd much rather the new benches went in before the frost" */
	if (IS(c, i, "i") && IS(c, i + 1, "would") &&
	    IN(c, skip_set(c, i + 2, SET("much", "far", "really")), SET("rather", "sooner")) &&
	    INC(c, skip_set(c, i + 2, SET("much", "far", "really")) + 1, C_DETERMINERS)) {
		size_t j = skip_set(c, i + 2, SET("much", "far", "really")) + 2;

		for (size_t k = j; k + 1 < end && k <= j + 8 && is_word(c, k); k++) {
			if (IN(c, k, SET("was", "were")) && verb_form(c, k + 1))
				return make(V_REQUEST, "need", k + 1, true);
			if (IN(c, k, SET("went", "came", "got", "stayed")))
				return make(V_REQUEST, "need", k, true);
			if (IN(c, k, SET("did", "didn", "not", "never", "wasn", "weren")))
				break;
		}
	}
	/* "It's about time somebody cleared the ditch" */
	if (IS(c, i, "it") && IS(c, i + 1, "is") && IN(c, i + 2, SET("high", "about")) &&
	    IS(c, i + 3, "time") && IN(c, i + 4, SET("somebody", "someone", "you")) &&
	    !IS(c, i + 5, "were") &&
	    (lex_is_participle(LEX(c), W(c, i + 5)) || lex_is_past(LEX(c), W(c, i + 5))) &&
	    (INC(c, i + 6, C_DETERMINERS) ||
	     /* "... somebody cleared it before it freezes" */
	     (IN(c, i + 6, SET("it", "them")) &&
	      (!is_word(c, i + 7) || IN(c, i + 7, SET("before", "by", "up", "out", "back",
							"off", "properly", "today", "now")))))) {
		char buf[32];
		const char *lem = lemma(c, i + 5, buf, sizeof(buf));

		bool moved = false;

		/* "somebody took the old poster off the noticeboard": taken
		   somewhere, not "took a holiday" */
		for (size_t m = i + 6; m < end && m <= i + 14 && !moved &&
				       (is_word(c, m) || has_flag(c, m, TOK_NUMBER)); m++)
			moved = IN(c, m, SET("off", "down", "away", "out", "back", "in", "up"));
		/* not "high time you had a holiday", "someone told the truth" */
		if (lem != NULL && (!in_set(lem, SET("have", "tell", "say", "take", "know", "learn",
						     "see", "hear", "go", "give", "make")) ||
				    (strcmp(lem, "take") == 0 && moved)))
			return make(V_REQUEST, "need", i + 5, true);
	}
	if (IN(c, i, SET("my", "our")) && IN(c, i + 1, SET("preference", "wish")) &&
	    ((IS(c, i + 2, "is") && IS(c, i + 3, "for")) ||
	     (IS(c, i + 2, "would") && IS(c, i + 3, "be") && IS(c, i + 4, "for")))) {
		for (size_t k = i + 4; k + 2 < end && k <= i + 13 && is_word(c, k); k++)
			if (IS(c, k, "to") && IS(c, k + 1, "be") && verb_form(c, k + 2) &&
			    !IN(c, k + 2, EVENT_PARTICIPLES))
				return make(V_REQUEST, "need", k + 2, true);
	}

	/* "Needs a gentle scrub, no bleach, before November." */
	/* "Chew Green wants a last cut": a place by its name */
	if (has_flag(c, i, TOK_CAP) && !INC(c, i, C_DETERMINERS) && !INC(c, i, C_NOT_AGENTS) &&
	    !IN(c, i, SET("i", "he", "she", "we", "you", "they"))) {
		size_t k = i + 1;

		while (k < c->end && k < i + 4 && has_flag(c, k, TOK_CAP))
			k++;
		/* "Mill Lane bench wants a coat of preservative": the thing
		   at the place */
		if (k > i + 1 && is_word(c, k) && !has_flag(c, k, TOK_CAP) &&
		    !IN(c, k, SET("needs", "wants")) && !lex_verb_first(LEX(c), W(c, k)) &&
		    IN(c, k + 1, SET("needs", "wants")))
			k++;
		if (k > i + 1 && IN(c, k, SET("needs", "wants")) && IN(c, k + 1, SET("a", "another")))
			return needs_doing(c, k);
	}
	if (IN(c, i, SET("needs", "wants")) && IN(c, i + 1, SET("a", "another"))) {
		size_t m = skip_set(c, i + 2, SET("good", "proper", "quick", "decent", "gentle",
						   "bit", "of", "a", "little", "thorough", "last",
						   "final", "first", "fresh"));

		if (is_verb(c, m) && !INC(c, m, C_AUXILIARIES) && !IN(c, m, TALK_NOUNS))
			return make(V_REQUEST, "need", m, true);
	}
	/* "bollard knocked flat again, needs straightening before Monday";
	   on a line of its own ("needs doing before sat") with its when */
	if (IN(c, i, SET("needs", "wants")) && lex_is_gerund(LEX(c), W(c, i + 1)) &&
	    (i > c->first || IN(c, i + 2, SET("before", "by", "asap", "today", "tomorrow",
					     "tonight", "this", "urgently", "please", "pls",
					     "soon", "now"))))
		return make(V_REQUEST, "need", i + 1, true);
	/* "In this heat the hanging baskets need watering": after a phrase
	   put first without its comma */
	if (IN(c, i, SET("in", "on", "at", "with", "after", "before", "during", "for", "by"))) {
		for (size_t d = i + 1; d < end && d <= i + 8; d++)
			if (IN(c, d, SET("the", "our")) && d > i + 1) {
				struct verdict v = needs_doing_at(c, d);

				if (v.kind != V_NONE)
					return v;
			}
	}
	return needs_doing_at(c, i);
}

/* "it should be in your account by now", "should have arrived already":
   what the author expects has happened, not a task */
static bool expected_by_now(const struct ctx *c, size_t k, size_t end)
{
	if (IS(c, k, "in") && IS(c, k + 1, "your"))
		return true;
	/* "the works should be in the spring": when, not where */
	if (IN(c, k, SET("in", "on", "at")) &&
	    IN(c, k + 1 + IN(c, k + 1, SET("the", "early", "late", "next")),
	       SET("spring", "summer", "autumn", "winter", "january", "february", "march",
		   "april", "may", "june", "july", "august", "september", "october", "november",
		   "december", "new", "year", "week", "month", "morning", "afternoon")))
		return true;
	for (; k < end; k++)
		if ((IS(c, k, "by") && IS(c, k + 1, "now")) || IS(c, k, "already"))
			return true;
	return false;
}

/* "the hall needs a new roof before long", "... at some point": a need
   seen from afar is an observation, not a job for this week */
static bool someday(const struct ctx *c, size_t k, size_t end)
{
	for (; k < end; k++)
		if ((IS(c, k, "before") && IS(c, k + 1, "long")) || IS(c, k, "eventually") ||
		    (IS(c, k, "at") && IS(c, k + 1, "some") && IS(c, k + 2, "point")) ||
		    (IS(c, k, "in") && IN(c, k + 1 + IS(c, k + 1, "the"),
					  SET("future", "long", "due", "years"))) ||
		    (IS(c, k, "one") && IN(c, k + 1, SET("day", "of"))))
			return true;
	return false;
}

static struct verdict needs_doing_at(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i);

	/* "bench by the slipway needs doing before sat": a thing named
	   first in its sentence, without "the" */
	/* (or first after the name spoken to: "Dennis, snow plough blade on
	   the quad wants fitting") */
	bool first = i == c->first ||
		     (i == c->first + 2 && is_punct(c, i - 1, ",") && has_flag(c, c->first, TOK_CAP) &&
		      !is_verb(c, c->first) && !INC(c, c->first, C_FILLERS));

	if (!IN(c, i, SET("the", "this", "that", "these", "those", "it", "they", "our")) &&
	    !(first && is_word(c, i) && !INC(c, i, C_NOT_AGENTS) &&
	      !INC(c, i, C_DETERMINERS) && !INC(c, i, C_NEW_CLAUSE) && !INC(c, i, C_WH) &&
	      !INC(c, i, C_MODALS) && !INC(c, i, C_AUXILIARIES) &&
	      !IN(c, i, SET("everyone", "everybody", "someone", "somebody", "nobody", "anyone",
			    "he", "she", "i", "we", "you", "people", "everything", "whoever",
			    "whatever", "anybody", "nothing", "something")) &&
	      !lex_verb_first(LEX(c), W(c, i))))
		return none();
	for (size_t k = i + 1; k + 1 < end && k <= i + 10; k++) {
		size_t m = k + 1;

		if (IN(c, k, SET("need", "needs", "want", "wants"))) {
			size_t o;

			if (someday(c, m, end))
				return none();

			/* "the coffee morning needs the urns on by ten" */
			if (INC(c, m, C_DETERMINERS) && (o = object_then_verb(c, m)) != 0)
				return make(V_REQUEST, "need", o, true);
			if (INC(c, m, C_DETERMINERS) && IN(c, m + 2, SET("on", "off", "out", "up")))
				return make(V_REQUEST, "need", m + 2, true);
			/* "the verges need cutting", "the culvert needs rodding out" */
			if (lex_is_gerund(LEX(c), W(c, m)) ||
			    (g_str_has_suffix(W(c, m), "ing") && strlen(W(c, m)) > 5 &&
			     lex_lookup(LEX(c), W(c, m)) == NULL))
				return make(V_REQUEST, "need", m, true);
			/* "the flag needs to go to half mast", "... to be moved",
			   "the heating needs to be on from six" */
			if (IS(c, m, "to") && (IS(c, m + 1, "be") ?
					       (verb_form(c, m + 2) || IN(c, m + 2, SET(
						"on", "off", "up", "down", "out", "in", "open",
						"ready", "done", "locked", "unlocked", "clear",
						/* "the stall needs to be somewhere other
						   than next to the generator" */
						"somewhere", "elsewhere", "nearer", "further")))
					       : IN(c, m + 1, SET("go", "come", "move"))))
				return make(V_REQUEST, "need", m + 1, true);
			/* "it needs a new battery pack", "the gate wants a
			   replacement hinge": a part to be fitted */
			if (IN(c, m, SET("a", "an")) &&
			    IN(c, m + 1, SET("new", "replacement", "fresh", "spare")) &&
			    is_word(c, m + 2) && !lex_verb_first(LEX(c), W(c, m + 2)) &&
			    !INC(c, m + 2, C_NOT_AGENTS) &&
			    !IN(c, m + 2, TALK_NOUNS) && k > i + (IS(c, i, "it") ? 0 : 1) &&
			    !IN(c, k - 1, SET("council", "village", "town", "parish", "community",
					      "area", "ward", "county", "country", "world", "club",
					      "group", "society", "team", "committee", "association",
					      "school", "church", "party")))
				return make(V_REQUEST, "need", m + 2, true);
			/* "the hedge wants a good trim" */
			if (IN(c, m, SET("a", "another")))
				m = skip_adjectives(c, skip_set(c, m + 1, SET("good", "proper", "quick",
									   "decent", "bit", "of", "a",
									   "little")));
			if (m > k + 1 && is_verb(c, m) &&
			    !IN(c, m, TALK_NOUNS) &&
			    (m + 1 >= end || !is_word(c, m + 1) ||
			     IN(c, m + 1, SET("before", "by", "on", "at", "this", "next", "soon",
					      "asap", "today", "tomorrow", "in", "when", "please",
					      "sometime", "ready", "every", "each", "twice", "daily",
					      "tonight", "weekly", "while", "now", "of", "over",
					      "up", "round"))))
				return make(V_REQUEST, "need", m, true);
		}
		/* "The hall should be opened at seven", "the flag should be at
		   half mast": what a thing should be, said to the one who does it */
		if (IN(c, k, SET("should", "must")) && IS(c, k + 1, "be") &&
		    (verb_form(c, k + 2) || IN(c, k + 2, SET("at", "on", "up", "down", "out",
							     "open", "ready", "in"))) &&
		    !expected_by_now(c, k + 2, end))
			return make(V_REQUEST, "need", k + 2, true);
		/* "the hedge could do with being cut back" */
		if (IN(c, k, SET("could", "would")) && IS(c, k + 1, "do") && IS(c, k + 2, "with") &&
		    IS(c, k + 3, "being") && verb_form(c, k + 4))
			return make(V_REQUEST, "need", k + 4, true);
		/* "the grass round the shelter could do with a cut" */
		if (IN(c, k, SET("could", "would")) && IS(c, k + 1, "do") && IS(c, k + 2, "with") &&
		    IN(c, k + 3, SET("a", "another"))) {
			size_t w = skip_adjectives(c, skip_set(c, k + 4, SET("good", "proper", "quick",
									     "bit", "of", "a", "little",
									     "fresh", "new")));

			if (is_verb(c, w) && !IN(c, w, TALK_NOUNS))
				return make(V_REQUEST, "need", w, true);
		}
		/* "the gutters really ought to be cleared before winter" */
		if (IS(c, k, "ought") && IS(c, k + 1, "to") && IS(c, k + 2, "be") &&
		    verb_form(c, k + 3))
			return make(V_REQUEST, "need", k + 3, true);
		/* "It really ought to go out in this week's payment run" */
		if (IS(c, k, "ought") && IS(c, k + 1, "to") && IN(c, k + 2, SET("go", "come")) &&
		    IN(c, k + 3, SET("out", "in", "up", "off", "back", "ahead", "round", "down")))
			return make(V_REQUEST, "need", k + 2, true);
		/* "A good sweep before Sunday's match wouldn't go amiss" */
		if (IS(c, k, "would") && IS(c, k + 1, "not") && IS(c, k + 2, "go") &&
		    IS(c, k + 3, "amiss") && i < k)
			return make(V_REQUEST, "need", i, true);
		/* "Ideally the gate would be locked at dusk" */
		if (IS(c, k, "would") && IS(c, k + 1, "be") && verb_form(c, k + 2) && i > c->first &&
		    IN(c, i - 1, SET("ideally", "preferably")))
			return make(V_REQUEST, "need", k + 2, true);
		/* "The civic award letters are to be posted today": an order in
		   the passive; not "the meeting is to be held on Tuesday" */
		if (IN(c, k, SET("is", "are")) && IS(c, k + 1, "to") && IS(c, k + 2, "be") &&
		    verb_form(c, k + 3) && !IN(c, k + 3, EVENT_PARTICIPLES))
			return make(V_REQUEST, "need", k + 3, true);
		/* "the invoice should go out this week": a thing sent on its
		   way, by the one who is told */
		if (IN(c, k, SET("should", "must")) && IN(c, k + 1, SET("go", "come")) &&
		    IN(c, k + 2, SET("out", "up", "down", "back", "off", "round")) &&
		    !expected_by_now(c, k + 3, end))
			return make(V_REQUEST, "need", k + 1, true);
		/* "the flag will need to go to half mast": the need to come */
		if (IN(c, k, SET("will", "would", "may", "might", "shall")) &&
		    IN(c, k + 1, SET("need", "want")))
			continue;
		if (INC(c, k, C_AUXILIARIES) || IS(c, k, "and"))
			break;
	}
	return none();
}

/* A request with no verb: "Bunting up on Market Place by Saturday pls",
   "Christmas tree lights on a timer please": a noun phrase, a particle
   that says what should become of it, and "please" last. */
static struct verdict verbless(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i), last = end;
	bool particle = false;

	while (last > i && !is_word(c, last - 1))
		last--;
	if (last <= i + 1)
		return none();
	if (!IN(c, last - 1, SET("please", "pls", "plz"))) {
		/* "Cones out on Sea Lane Thurs morning": a plural thing, where it
		   should go, first in its sentence and with no verb anywhere */
		size_t n;

		/* first in its sentence, or after the name it is said to
		   ("Lorraine - forty chairs out ...") */
		if (i != c->first && !(i == c->first + 2 && is_punct(c, i - 1, "-") &&
				       has_flag(c, c->first, TOK_CAP)))
			return none();
		/* how many ("forty chairs", "20 cones"), and where ("Church
		   Lane verges"): capitalised words before the thing */
		if (has_flag(c, i, TOK_NUMBER) ||
		    IN(c, i, SET("two", "three", "four", "five", "six", "eight", "ten", "twelve",
				 "twenty", "thirty", "forty", "fifty", "sixty", "hundred")))
			i++;
		else
			for (size_t k = i; k < i + 3 && has_flag(c, k, TOK_CAP) &&
			     (!is_verb(c, k) || has_flag(c, k + 1, TOK_CAP)) &&
			     !INC(c, k, C_NOT_IMPERATIVE) && !INC(c, k, C_DETERMINERS); k++)
				if (is_word(c, k + 1) && !has_flag(c, k + 1, TOK_CAP) &&
				    IN(c, k + 2, SET("out", "up", "down", "back", "cut", "trimmed",
						     "cleared", "emptied", "swept", "mown"))) {
					i = k + 1;
					break;
				}
		n = strlen(W(c, i));
		if (!is_word(c, i) || W(c, i)[n - 1] != 's' || INC(c, i, C_NOT_IMPERATIVE) ||
		    is_verb(c, i) || last <= i + 2 ||	/* "Heads up" alone says where nothing goes */
		    !IN(c, i + 1, SET("out", "up", "down", "back", "away", "in", "off", "cut",
				      "trimmed", "cleared", "emptied", "moved", "swept", "mown")))
			return none();
		for (size_t k = i + 2; k < end; k++)
			if (INC(c, k, C_AUXILIARIES) || (is_verb(c, k) && !INC(c, k - 1, C_DETERMINERS) &&
							 lex_verb_first(LEX(c), W(c, k))))
				return none();
		return make(V_REQUEST, "request", i, true);
	}
	for (size_t k = i; k + 1 < last; k++) {
		if (INC(c, k, C_AUXILIARIES) || (is_verb(c, k) && k == i) ||
		    IN(c, k, SET("i", "we", "you", "yes", "thanks", "thank", "no", "more")))
			return none();
		particle |= k > i && IN(c, k, SET("up", "down", "out", "back", "on", "off", "away",
						  "in", "done", "sorted", "fixed", "cleared",
						  "emptied", "cut", "moved"));
		/* "the grass by the war memorial by friday please": a thing
		   and when it is due */
		particle |= k > i + 1 && INC(c, i, C_DETERMINERS) && IN(c, k, SET("by", "before")) &&
			    IN(c, k + 1, SET("monday", "tuesday", "wednesday", "thursday", "friday",
					     "saturday", "sunday", "tomorrow", "tonight", "mon",
					     "tue", "wed", "thu", "thurs", "fri", "sat", "sun",
					     "noon", "lunchtime", "teatime"));
	}
	return particle ? make(V_REQUEST, "request", i, true) : none();
}

/* "a new bulb for the porch light would be much appreciated": what is
   wanted, and its welcome. Not "any thoughts would be appreciated": views
   are information. */
static struct verdict appreciated(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i);

	for (size_t k = i + 1; k + 2 < end && k <= i + 10; k++) {
		size_t m;

		if (!IN(c, k, SET("would", "will")) || !IS(c, k + 1, "be"))
			continue;
		m = skip_set(c, k + 2, SET("much", "greatly", "really", "very", "most", "so"));
		if (!IN(c, m, SET("appreciated", "welcome", "welcomed")))
			return none();
		for (size_t h = i; h < k; h++)
			if (IN(c, h, SET("thoughts", "views", "comments", "feedback", "response",
					 "reply", "answer", "advice", "information", "news", "update",
					 "updates", "details", "ideas", "help", "suggestions",
					 "attendance", "support", "company", "partner", "husband",
					 "wife", "family", "children", "kids", "friends", "guests",
					 "everyone", "anyone", "all", "guest", "friend")))
				return none();
		return INC(c, i, C_AUXILIARIES) || IN(c, i, SET("i", "we", "it", "you", "this",
							    "that")) ?
		       none() : make(V_REQUEST, "request", m, true);
	}
	return none();
}

/* Does the clause before [.., I) have a modal with its verb ("will trim")?
   Then a bare verb after a comma continues its list. */
static bool verb_list_before(const struct ctx *c, size_t i)
{
	/* near it only: a sentence of thousands of commas costs no more per
	   clause than a short one (issue 15) */
	for (size_t k = MAX(c->first, i > CLAUSE_MAX ? i - CLAUSE_MAX : 0); k + 1 < i; k++) {
		if (!IN(c, k, SET("will", "would", "can", "could", "should", "must", "shall",
				  "may", "might", "to")))
			continue;
		/* "the flood gate won't shut proper, get it looked at": a
		   fault, then an order; not a list under one modal */
		if (IS(c, k + 1, "not"))
			continue;
		for (size_t m = k + 1; m < i && m <= k + 3; m++)
			if (is_verb(c, m) && !INC(c, m, C_OBJECT_START))
				return true;
	}
	return false;
}

/* A finite verb later in the clause with nothing to start a new clause
   before it: the first word was a noun, the clause's subject ("Cover for
   the caretaker while he's away is all sorted" has "while"; "Repair work
   on the clock tower starts in March" has none). */
static bool finite_later(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i);

	for (size_t k = i + 1; k < end && k <= i + 10; k++) {
		const char *w = W(c, k);
		const struct lex_word *e = lex_lookup(LEX(c), w);

		if (INC(c, k, C_NEW_CLAUSE))
			return false;
		/* "Fill the grit bin on Bridge Street will you": a tag, not
		   the clause's verb */
		if (INC(c, k, C_MODALS) && IS(c, k + 1, "you") && k + 2 >= end)
			return false;
		if (INC(c, k - 1, C_DETERMINERS))
			continue;	/* "the broken bench" */
		/* A finite verb: an auxiliary, or an irregular past ("rang");
		   an -ed form may be a participle ("get the bins emptied"). */
		/* ... not one that is an adjective too ("two broken benches") */
		if (INC(c, k, C_AUXILIARIES) ||
		    (e != NULL && (e->flags & LEX_OTHER_LEMMA) && !(e->flags & LEX_ADJ) &&
		     !lex_is_verb(LEX(c), w) && !g_str_has_suffix(w, "ing")))
			return true;
	}
	return false;
}

/* A base-form verb first: "Chase the electrician", "Book us in", "Get the
   lights sorted", "Have the contractor come back", "Don't forget to". */
static bool odd_capitals(const struct ctx *c);

static struct verdict imperative(const struct ctx *c, size_t i, bool after_please)
{
	const struct tok *t;
	const char *w;
	size_t k;

	if (i >= c->end || !is_word(c, i))
		return none();
	t = TOK(c->t, i);
	w = t->w;
	if (list_at(c, c->lang->lists.courtesy, i, NULL))
		return make(V_COURTESY, "courtesy", i, false);
	if (list_at(c, c->lang->lists.information, i, NULL))
		return goods_ordered(c, i) ? verb_phrase(c, i, "imperative") : info(i);
	/* "Just tell them to meet me at the Co-op at 4": where to meet the
	   author, passed on; no work */
	if (IN(c, i, SET("tell", "ask")) && IN(c, i + 1, SET("them", "him", "her", "everyone")) &&
	    IS(c, i + 2, "to") && IN(c, i + 3, SET("meet", "come", "join", "wait")) &&
	    IN(c, i + 4, SET("me", "us", "at", "for", "outside")))
		return make(V_COURTESY, "courtesy", i, false);
	if (IS(c, i, "do") && IS(c, i + 1, "not")) {
		/* "don't forget to lock up" / "the keys"; not "don't forget
		   it's my last meeting" */
		if (IS(c, i + 2, "forget"))
			return INC(c, i + 3, C_NEW_CLAUSE) && !IS(c, i + 3, "to") ? none() :
			       make(V_REQUEST, "imperative", i + 2, true);
		/* "Don't even think about coming in till you're right", "don't
		   rush back", "don't you dare check your emails": care for the
		   reader, no work */
		size_t after = skip_set(c, i + 2, SET("even", "ever", "you", "u"));

		if (IN(c, after, SET("think", "worry", "bother", "rush", "hurry", "feel", "dare",
				 "trouble", "panic", "fret", "overdo")))
			return none();
		/* "don't book anything in yet": a prohibition orders no work */
		struct verdict v = task_only(verb_phrase(c, i + 2, "imperative"));

		v.order = false;
		return v;
	}
	/* "Yes do that please", "do it": the reader's proposal, agreed to */
	if (IS(c, i, "do") && IN(c, i + 1, SET("that", "this", "it")) && !c->question &&
	    (i + 2 >= c->end || !is_word(c, i + 2) ||
	     IN(c, i + 2, SET("please", "pls", "then", "now", "asap", "today", "thanks", "ta",
			      "cheers", "if", "as", "first", "straight", "when"))))
		return make(V_REQUEST, "imperative", i, true);
	/* "Do both if you've got time", "Do the second one, Kirsty": one
	   of the reader's proposals, chosen */
	if (IS(c, i, "do") && !c->question &&
	    (IS(c, i + 1, "both") ||
	     (IS(c, i + 1, "the") && IN(c, i + 2, SET("first", "second", "third", "other", "last",
						     "cheaper", "quicker", "bigger", "smaller",
						     "larger", "easier", "former", "latter")))) &&
	    !IN(c, i + 2, SET("of")))
		return make(V_REQUEST, "imperative", i, true);
	/* "Go with the cheaper one", "go for the Honda": a choice made for
	   the reader to act on */
	if (IS(c, i, "go") && IN(c, i + 1, SET("with", "for")) && !c->question &&
	    IN(c, i + 2, SET("the", "option", "a", "both", "whichever", "that", "this", "your")))
		return make(V_REQUEST, "imperative", i, true);
	/* "Cheers Bob for doing the lights": thanks to a name */
	if (i > c->first && IN(c, i - 1, SET("cheers", "thanks", "ta")) &&
	    has_flag(c, i, TOK_CAP) && IS(c, i + 1, "for"))
		return none();
	/* "Pat x", "Sue xx": a name signing off with a kiss */
	if (has_flag(c, i, TOK_CAP) && IN(c, i + 1, SET("x", "xx", "xxx", "xo")) &&
	    !is_word(c, i + 2))
		return none();
	/* "Miss Pryor," "Mark Turner rang": a name, not an order */
	if (IN(c, i, SET("miss", "mark", "will", "bill", "pat", "sue", "rob", "grant", "frank",
			 "jack", "ray", "don", "dawn", "carol", "hazel", "rose", "joy")) &&
	    has_flag(c, i + 1, TOK_CAP) && !INC(c, i + 1, C_DETERMINERS) &&
	    !has_flag(c, i + 1, TOK_UPPER) && !IN(c, i + 1, SET("i", "it")))
		return none();
	/* "Please pass on the parish council's thanks to your team", "send
	   the chairman's best wishes": a message of goodwill carried */
	if (IN(c, i, SET("pass", "send", "give", "convey", "extend"))) {
		for (size_t m = i + 1; m < c->end && m <= i + 8 && is_word(c, m); m++) {
			if (IN(c, m, SET("thanks", "apologies", "regards", "congratulations",
					 "wishes", "condolences", "sympathies", "love", "gratitude")))
				return make(V_COURTESY, "courtesy", i, false);
			/* "pass the leaflets to Jo and ring her": another verb
			   with its object, another clause */
			if (m > i + 1 && is_verb(c, m) && lex_verb_first(LEX(c), W(c, m)) &&
			    INC(c, m + 1, C_OBJECT_START) && !IN(c, m, SET("on", "best", "warm")) &&
			    !has_flag(c, m - 1, TOK_POSSESSIVE) && !INC(c, m - 1, C_DETERMINERS))
				break;
		}
	}
	/* "Would you and Sue like to come?": after "and", a capital in the
	   middle of a sentence is a name, not an order */
	if (i > c->first + 1 && IN(c, i - 1, SET("and", "or")) && has_flag(c, i, TOK_CAP) &&
	    !has_flag(c, i, TOK_UPPER) && !odd_capitals(c))
		return none();
	/* "Hold fire for now please", "hold off till the council decides":
	   wait, which orders nothing */
	if (IN(c, i, SET("hold", "hang")) && IN(c, i + 1, SET("fire", "off"))) {
		struct verdict v = make(V_REQUEST, "imperative", i, true);

		v.order = false;
		return v;
	}
	/* "First time in years nobody's turned up without a table!" */
	if (IS(c, i, "time") && i > c->first &&
	    IN(c, i - 1, SET("first", "last", "next", "every", "each", "second", "third")))
		return none();
	/* "Kindly do the needful" */
	if (IS(c, i, "do") && IS(c, i + 1, "the") && IS(c, i + 2, "needful"))
		return make(V_REQUEST, "imperative", i, true);
	/* "Do me a favour and put the heating on" */
	if (IS(c, i, "do") && IN(c, i + 1, SET("me", "us")) && IS(c, i + 2, "a") &&
	    IN(c, i + 3, SET("favour", "favor")) && IS(c, i + 4, "and") && is_verb(c, i + 5))
		return imperative(c, i + 5, true);
	if (IS(c, i, "do"))
		return is_verb(c, i + 1) && !INC(c, i + 1, C_NOT_IMPERATIVE) ?
		       imperative(c, i + 1, true) : none();
	if (IS(c, i, "let")) {
		if (IS(c, i + 1, "us"))		/* let's get the bins moved */
			return task_only(verb_phrase(c, i + 2, "let's"));
		if (IS(c, i + 1, "me"))		/* "let me say", "let me check" */
			return none();
		return make(V_REQUEST, "imperative", i, true);
	}
	if (IS(c, i, "have") && (c->question || IN(c, i + 1, SET("you", "we", "they", "i"))))
		return none();		/* "Have the new bins arrived?" */
	/* "scratch that", "ignore my last message": an earlier request
	   withdrawn */
	if (IN(c, i, SET("scratch", "ignore", "disregard", "forget", "cancel")) &&
	    ((IN(c, i + 1, SET("that", "this", "it")) && !is_word(c, i + 2)) ||
	     (IN(c, i + 1, SET("my", "the", "that", "this")) &&
	      IN(c, i + 2, SET("last", "previous", "earlier"))) ||
	     /* "scratch what I said about the Tuesday" */
	     (IS(c, i + 1, "what") && IN(c, i + 2, SET("i", "we")) &&
	      IN(c, i + 3, SET("said", "wrote", "asked", "sent", "put", "mentioned")))))
		return make(V_COURTESY, "courtesy", i, false);
	/* "Take the afternoon off", "Go home early and get warm", "look after
	   yourself": for the reader's own good, no work */
	if ((IS(c, i, "take") && skip_set(c, i + 1, SET("the", "a", "this", "that", "some",
							     "tomorrow", "friday", "monday", "day",
							     "afternoon", "morning", "week", "time",
							     "rest", "of")) > i + 1 &&
	     IS(c, skip_set(c, i + 1, SET("the", "a", "this", "that", "some", "tomorrow",
					  "friday", "monday", "day", "afternoon", "morning",
					  "week", "time", "rest", "of")), "off")) ||
	    (IS(c, i, "go") && IS(c, i + 1, "home")) ||
	    (IS(c, i, "get") && (IN(c, i + 1, SET("warm", "well", "better")) ||
				 (IS(c, i + 1, "some") && IN(c, i + 2, SET("rest", "sleep"))))) ||
	    (IS(c, i, "look") && IS(c, i + 1, "after") && IN(c, i + 2, SET("yourself",
								       "yourselves"))) ||
	    (IS(c, i, "put") && IS(c, i + 1, "your") && IS(c, i + 2, "feet")))
		return make(V_COURTESY, "courtesy", i, false);
	/* "Bob how much salt is left?": a name (seen more as a noun) before
	   a question */
	if (has_flag(c, i, TOK_CAP) && IN(c, i + 1, SET("how", "what", "when", "where", "who")) &&
	    !lex_verb_first(LEX(c), w))
		return none();
	/* "count me in for the meal", "put me down for two tickets": the
	   author's own place */
	if (IN(c, i, SET("count", "put", "sign", "pencil")) && IS(c, i + 1, "me") &&
	    IN(c, i + 2, SET("in", "out", "down", "up")))
		return make(V_COURTESY, "courtesy", i, false);
	/* "remember to lock up", "do remember the buttonholes"; not "remember
	   that the hall is shut" */
	if (IS(c, i, "remember"))
		return IS(c, i + 1, "to") || (INC(c, i + 1, C_DETERMINERS) && !IS(c, i + 1, "that")) ?
		       make(V_REQUEST, "imperative", i, true) : none();
	if (IS(c, i, "mind"))
		return (IS(c, i + 1, "you") && is_verb(c, i + 2) && !INC(c, i + 2, C_NOT_IMPERATIVE)) ||
		       (INC(c, i + 1, C_DETERMINERS) && finite_later(c, i + 1)) ?
		       make(V_REQUEST, "imperative", i, true) : none();
	if (IS(c, i, "feel") && IS(c, i + 1, "free") && IS(c, i + 2, "to"))
		return task_only(verb_phrase(c, i + 3, "imperative"));
	if (IN(c, i, SET("try", "go", "come")) && IN(c, i + 1, SET("to", "and")) &&
	    is_verb(c, i + 2))
		return task_only(verb_phrase(c, i + 2, "imperative"));

	/* "Pressure wash the war memorial steps", "Litter pick the park": a
	   noun, then a verb with its object */
	if ((!is_verb(c, i) || !lex_verb_first(LEX(c), w)) && is_word(c, i) &&
	    !INC(c, i, C_NOT_IMPERATIVE) &&
	    !INC(c, i, C_DETERMINERS) && !has_flag(c, i, TOK_POSSESSIVE) && is_verb(c, i + 1) &&
	    lex_verb_first(LEX(c), W(c, i + 1)) && !INC(c, i + 1, C_AUXILIARIES) &&
	    INC(c, i + 2, C_DETERMINERS) && lex_lookup(LEX(c), w) != NULL)
		return verb_phrase(c, i + 1, "imperative");
	if (!is_verb(c, i) || in_set(w, NOT_IMPERATIVE) || (t->flags & TOK_POSSESSIVE))
		return none();
	/* "tea, mince pies and the band", "Order form attached": a noun of
	   two words (not a verb and its particle: "mop up the water") */
	if (is_word(c, i + 1) && !INC(c, i + 1, C_OBJECT_START) &&
	    !IN(c, i + 1, SET("up", "out", "off", "back", "down", "in", "on", "away", "round",
			      "over", "through", "along", "about", "around", "by")) &&
	    lex_noun_compound(LEX(c), w, W(c, i + 1)))
		return none();
	{
		const struct lex_word *e = lex_lookup(LEX(c), w);

		if (e != NULL && (e->flags & LEX_OTHER_LEMMA))
			return none();		/* "found", "saw": past forms first */
	}
	/* "Print 300 copies", "Order 20 chairs"; not "Plot 14" */
	if (i + 1 >= c->end ||
	    (!is_word(c, i + 1) && !(has_flag(c, i + 1, TOK_NUMBER) && is_word(c, i + 2)))) {
		/* A lone word ("Agreed.", "Move!") asks little; after "please"
		   it is a request ("please proceed"). */
		return after_please && !c->question ? verb_phrase(c, i, "imperative") : none();
	}
	if (INC(c, i + 1, C_AUXILIARIES) || IS(c, i + 1, "of") ||
	    IN(c, i + 1, SET("yourself", "yourselves")))
		return none();
	/* "Bob sorted it", "Mark rang": a name and a past verb */
	if (lex_is_past(LEX(c), W(c, i + 1)) && !INC(c, i + 1, C_OBJECT_START))
		return none();
	/* "Mark Thompson called", "Chase Farm has been in touch" */
	if (has_flag(c, i + 1, TOK_CAP) && !INC(c, i + 1, C_OBJECT_START) &&
	    (INC(c, i + 2, C_AUXILIARIES) || lex_is_past(LEX(c), W(c, i + 2))))
		return none();
	/* "get the verges done", "have the cleaner do the kitchen": these
	   take a verb after their object */
	if (!in_set(w, CLAUSAL) && !in_set(w, SET("get", "have", "make", "keep", "leave")) &&
	    finite_later(c, i))
		return none();
	if ((lex_verb_first(LEX(c), w) && !c->t->headline) || after_please)
		return verb_phrase(c, i, "imperative");
	/* "Grit bin at Church Lane - refill before the frost": in a subject
	   line, the thing, a dash, and what to do with it by when */
	if (c->t->headline && lex_verb_first(LEX(c), w) && i > c->first + 1 &&
	    is_punct(c, i - 1, "-") &&
	    IN(c, i + 1, SET("before", "by", "asap", "today", "tomorrow", "tonight", "please",
			     "pls", "urgently", "now", "this", "next", "on")))
		return verb_phrase(c, i, "imperative");
	/* "Tree on Station Hill", "Tree down in Mill Lane": a noun (seen
	   more as one) and where it is, a place with a name */
	if (!lex_verb_first(LEX(c), w)) {
		k = i + 1 + IN(c, i + 1, SET("down", "up", "out", "over", "back"));
		if (IN(c, k, SET("on", "in", "at", "by", "near", "outside", "behind", "opposite")) &&
		    has_flag(c, k + 1, TOK_CAP) && !INC(c, k + 1, C_DETERMINERS))
			return none();
	}
	/* "Bin in the members' room": in a subject line, a noun (seen more
	   as one) and where it is; in a letter, "Book in the plumber" */
	if (c->t->headline && !lex_verb_first(LEX(c), w) &&
	    IN(c, i + 1, SET("in", "on", "at", "by")) &&
	    IN(c, i + 2, SET("the", "a", "an", "our", "my", "your", "their")) &&
	    !lex_is_verb(LEX(c), W(c, i + 3)))
		return none();
	/* Seen more as a noun or adjective ("Book club", "Clear skies"), or
	   in a subject line, which is mostly a noun phrase ("Notice board"):
	   a verb only with an object or a particle ("Book us in"). */
	if (INC(c, i + 1, C_OBJECT_START) || has_flag(c, i + 1, TOK_NUMBER | TOK_POSSESSIVE))
		return verb_phrase(c, i, "imperative");
	k = i;	/* an object-less noun: no request */
	(void)k;
	return none();
}

/* Does the clause at I send something "to" someone other than the author
   ("send a copy of the brief to their secretary")? */
static bool sends_to_other(const struct ctx *c, size_t i)
{
	size_t end = clause_end(c, i);

	if (!IN(c, i, SET("send", "forward", "email", "e-mail", "post", "pass", "give", "copy")))
		return false;
	for (size_t k = i + 1; k + 1 < end; k++)
		if (IS(c, k, "to") && is_word(c, k + 1) &&
		    !IN(c, k + 1, SET("me", "us", "myself", "both", "my", "our", "be")))
			return true;
	return false;
}

/* Are the words from FIRST to I all fillers ("champion alan leave the
   signs out")? */
static bool only_fillers(const struct ctx *c, size_t first, size_t i)
{
	for (size_t k = first; k < i; k++)
		if (!INC(c, k, C_FILLERS))
			return false;
	return true;
}

/* The first request (or information request) of the clause at I. */
static struct verdict clause_request(const struct ctx *c, size_t i, bool coordinated)
{
	size_t start = i;
	bool please = false, softened = false;
	struct verdict v;

	/* fillers, and a name being spoken to ("Kevin please ...") */
	for (;;) {
		/* "Lovely job on the verges": praise before its noun, no
		   filler before a verb */
		if (IN(c, i, SET("lovely", "champion", "brill", "smashing", "ace", "super",
				 "perfect")) &&
		    IN(c, i + 1, SET("job", "jobs", "work", "stuff", "news", "effort", "idea",
				     "result", "turnout", "display", "show", "day", "weather")))
			break;
		if (INC(c, i, C_FILLERS) && !(IS(c, i, "first") && INC(c, i + 1, C_OBJECT_START))) {
			please |= IN(c, i, SET("please", "pls", "plz", "kindly"));
			softened |= IN(c, i, SET("then", "also", "just"));
			i++;
		} else if (i + 1 < c->end && has_flag(c, i, TOK_CAP) && !is_verb(c, i) &&
			   !INC(c, i, C_WH) && !INC(c, i, C_NOT_IMPERATIVE) && !INC(c, i, C_DETERMINERS) &&
			   (IN(c, i + 1, SET("please", "pls")) || is_punct(c, i + 1, "-") ||
			    (INC(c, i + 1, C_MODALS) && IN(c, i + 2, SET("you", "u"))))) {
			i++;	/* "Lee can you get the lads to ..." */
		} else if (is_punct(c, i, "-") || is_punct(c, i, "\"")) {
			i++;
		} else {
			break;
		}
	}
	/* "I rang them to say \"sort your timetable out\"": words the author
	   said to someone else, reported */
	size_t mark = is_punct(c, start, "\"") ? start :
		      start > c->first && is_punct(c, start - 1, "\"") ? start - 1 : 0;

	if (mark > c->first) {
		size_t q = mark - 1;

		if ((is_punct(c, q, ",") || is_punct(c, q, ":")) && q > c->first)
			q--;
		if (IN(c, q, SET("him", "her", "them", "me", "us")) && q > c->first)
			q--;	/* "I told him: \"get off the green\"" */
		if (IN(c, q, SET("say", "said", "saying", "says", "told", "tell", "telling",
				 "asked", "asking", "wrote", "writing", "shouted", "replied",
				 "answered", "yelled", "went")))
			return none();
	}
	/* "Is it a set menu or just order on the night?": the other half of
	   a question's choice, asked about, not ordered */
	if (c->question && start > c->first && IS(c, start - 1, "or"))
		return none();
	/* "(train and lunch, receipts scanned in)": two nouns in brackets,
	   not two orders */
	if (i > c->first && is_punct(c, i - 1, "(") && IS(c, i + 1, "and") && is_word(c, i + 2) &&
	    !is_word(c, i + 3))
		return none();
	/* "No leave em out till Friday": a no to the officer's offer, then
	   what to do instead; not "no need to", "no worries" */
	if (i == c->first && IN(c, i, SET("no", "nah", "nope")) && is_verb(c, i + 1) &&
	    lex_verb_first(LEX(c), W(c, i + 1)) &&
	    !IN(c, i + 1, SET("need", "worries", "problem", "rush", "way", "chance", "idea",
			      "thanks", "matter", "doubt", "hurry", "change", "news", "reply",
			      "answer", "sign", "word", "call", "show")) &&
	    INC(c, i + 2, C_OBJECT_START))
		i++;
	/* "would you still want me on the gate, or will you scale it back?":
	   the other half of a question about the author's own part */
	if (c->question && start > c->first && (IS(c, start - 1, "or") || IS(c, start, "or"))) {
		/* near it only: a question of a thousand "or"s costs no more
		   per clause than a short one */
		for (size_t k = MAX(c->first, start > CLAUSE_MAX ? start - CLAUSE_MAX : 0);
		     k + 1 < start; k++)
			if (IN(c, k, SET("me", "i")))
				return none();
	}
	/* "Please to call the plumber", "please you book the band": a
	   request in another language's word order */
	if (please && IN(c, i, SET("to", "you", "u")) && is_verb(c, i + 1) &&
	    !INC(c, i + 1, C_MODALS) && !INC(c, i + 1, C_AUXILIARIES) &&
	    (lex_verb_first(LEX(c), W(c, i + 1)) || INC(c, i + 2, C_OBJECT_START))) {
		v = verb_phrase(c, i + 1, "imperative");
		if (v.kind != V_NONE)
			return v;
	}
	/* "In that case book the small room", "in the meantime have someone
	   clear the ditch" */
	if (IS(c, i, "in") && ((IS(c, i + 1, "that") && IS(c, i + 2, "case")) ||
			       (IS(c, i + 1, "the") && IN(c, i + 2, SET("meantime", "meanwhile")))))
		i += 3;
	else if (IS(c, i, "if") && IN(c, i + 1, SET("so", "not")) && !is_word(c, i + 2))
		i += 2;
	/* "pete the conservatives want ...", "alan leave the signs out",
	   "darren dont forget": a name first in the sentence (no word
	   WordNet knows, no preposition), outside a subject line */
	if (only_fillers(c, c->first, i) && !c->t->headline && is_word(c, i) &&
	    (lex_lookup(LEX(c), W(c, i)) == NULL ||
	     (c->t->readers != NULL && g_hash_table_contains(c->t->readers, W(c, i)))) &&
	    strlen(W(c, i)) >= 3 &&
	    !INC(c, i, C_NOT_IMPERATIVE) && !INC(c, i, C_DETERMINERS) && !INC(c, i, C_FILLERS) &&
	    !INC(c, i, C_NEW_CLAUSE) && !INC(c, i, C_MODALS) && !INC(c, i, C_OBJECT_START) &&
	    !IN(c, i, SET("with", "from", "for", "into", "about", "after", "before", "during",
			  "third", "second", "first", "last", "next")) &&
	    ((is_verb(c, i + 1) && lex_verb_first(LEX(c), W(c, i + 1)) &&
	      (INC(c, i + 2, C_OBJECT_START) || INC(c, i + 2, C_DETERMINERS))) ||
	     (IS(c, i + 1, "do") && IS(c, i + 2, "not")) ||
	     IN(c, i + 1, SET("the", "our"))))
		i++;
	/* "Jade book us in the small hall": a name (seen more as a noun)
	   before a verb in its base form with its object */
	if (i == c->first && has_flag(c, i, TOK_CAP) && !c->t->headline && i + 2 < c->end &&
	    !lex_verb_first(LEX(c), W(c, i)) && !INC(c, i, C_DETERMINERS) &&
	    !INC(c, i, C_NOT_IMPERATIVE) && !INC(c, i, C_FILLERS) &&
	    is_verb(c, i + 1) &&
	    !g_str_has_suffix(W(c, i + 1), "s") && !g_str_has_suffix(W(c, i + 1), "ed") &&
	    IN(c, i + 2, SET("us", "me", "them", "it", "him", "her")))
		i++;
	/* "hiya gary can u ...", "derek mate could u ...": greetings and
	   names before a modal request, with no comma to mark them */
	for (size_t m = i + 1; m < c->end && m <= i + 3; m++) {
		if ((INC(c, m, C_MODALS) && IN(c, m + 1, SET("you", "u", "someone", "we"))) ||
		    (IS(c, m, "any") && IN(c, m + 1, SET("chance", "way"))) ||
		    (IS(c, m, "is") && IS(c, m + 1, "there") && IS(c, m + 2, "any")) ||
		    /* "hi dave how about giving ...", "julie u ok to pay ..." */
		    (IN(c, m, SET("how", "what")) && IS(c, m + 1, "about") && c->question) ||
		    (IN(c, m, SET("you", "u")) && IN(c, m + 1, SET("ok", "okay", "able", "alright")) &&
		     IS(c, m + 2, "to") && (c->question || !IS(c, m + 1, "able"))) ||
		    /* "becky need 20 more chairs", "Kevin please ..." */
		    (m == i + 1 && IN(c, m, SET("need", "please")) &&
		     has_flag(c, i, TOK_SENTENCE_FIRST) && !is_verb(c, i))) {
			bool names = true;

			for (size_t k = i; k < m && names; k++)
				names = is_word(c, k) && !INC(c, k, C_WH) &&
					!INC(c, k, C_NEW_CLAUSE) && !INC(c, k, C_AUXILIARIES) &&
					!INC(c, k, C_DETERMINERS) && !INC(c, k, C_NOT_AGENTS);
			if (names)
				i = m;
			break;
		}
	}
	if (i >= c->end)
		return none();
	/* "I can't make any promises": a verb its modal denies, no order */
	if (i >= c->first + 2 && IS(c, i - 1, "not") && INC(c, i - 2, C_MODALS))
		return none();
	/* "Please you can fix it before weekend?", "You can call the
	   electrician for come and see this?": a request in the word order of
	   another language */
	if ((please || c->question) && IN(c, i, SET("you", "u")) &&
	    IN(c, i + 1, SET("can", "could", "will")) && is_verb(c, i + 2)) {
		v = modal_tail(c, i + 2, "modal request");
		if (v.kind != V_NONE)
			return v;
	}
	v = modal_request(c, i);
	if (v.kind != V_NONE)
		return v;
	if (IS(c, i, "be") && IN(c, i + 1, SET("a", "an"))) {
		v = modal_tail(c, i, "imperative");	/* "be an angel and pop the kettle on" */
		if (v.kind != V_NONE)
			return v;
	}
	v = directive(c, i);
	if (v.kind != V_NONE)
		return v;
	v = want(c, i);
	if (v.kind != V_NONE)
		return v;
	v = cleft(c, i);
	if (v.kind != V_NONE)
		return v;
	v = trust(c, i);
	if (v.kind != V_NONE)
		return v;
	v = needs_doing(c, i);
	if (v.kind != V_NONE)
		return v;
	v = verbless(c, i);
	if (v.kind != V_NONE)
		return v;
	v = appreciated(c, i);
	if (v.kind != V_NONE)
		return v;
	/* A bare verb after "and" shares its subject unless a word marks a
	   new request ("and then send ..."); after a comma, it continues a
	   verb list. */
	/* In a question the modal carries over: "Can u dig out the map and
	   leave it in reception?" asks for both. */
	if (coordinated && !please && !softened &&
	    !(c->question && is_word(c, c->first) && INC(c, c->first, C_MODALS) &&
	      IN(c, c->first + 1, SET("you", "u", "ya", "someone")) &&
	      /* "... and send it over" fetches, like the first; "... and send
		 a copy to Mrs Opie" is work for someone else */
	      !(IN(c, i, SET("send", "forward", "email", "e-mail", "pass", "post", "give", "get",
			     "bring", "copy", "show", "drop", "let", "tell")) &&
		!sends_to_other(c, i))))
		return none();
	if (start > c->first && !please && is_punct(c, start - 1, ",") && verb_list_before(c, start))
		return none();
	return imperative(c, i, please);
}

/* Could the word at I be the subject of a plural verb ("the lads get",
   "the council get", "we all get")? */
static bool plural_subject(const struct ctx *c, size_t i)
{
	const char *w = W(c, i);
	size_t n = strlen(w);

	return (n > 2 && w[n - 1] == 's' && w[n - 2] != 's') ||
	       IN(c, i, SET("council", "committee", "staff", "police", "people", "team", "folk",
			     "children", "men", "women", "public", "family", "club", "group",
			     "board", "management", "government", "press", "media", "all",
			     "both", "who", "someone", "somebody", "anyone", "everyone",
			     "nobody", "u", "ya", "yous", "me", "myself", "themselves",
			     "ourselves", "yourself", "yourselves"));
}

/* A sentence written as one unpunctuated run, the way mail is typed on a
   phone, in lower case: "alan the beck's over the road about a foot deep
   get the flood signs out", "the top rail's snapped get up there and fix
   it". A verb with its object or particle starts a new clause there when
   the word before cannot be its subject or govern it: not a closed-class
   word (pronoun, determiner, preposition, auxiliary), not a plural or
   collective noun, not a verb that takes a bare verb ("help clear the",
   "go get the") and not an adverb ("we always get the"). A writer who capitalises also
   punctuates, so a capitalised sentence is left alone. */
/* Capitals at random ("Mel The Bowls club Want the Main hall ... Send
   them the Invoice"), as a phone's dictation writes: two or more verbs
   capitalised inside the sentence, so a capital first word says nothing
   of how the writer punctuates. */
static bool odd_capitals(const struct ctx *c)
{
	unsigned n = 0;

	for (size_t k = c->first + 1; k < c->end && k <= c->first + 40 && n < 2; k++)
		n += has_flag(c, k, TOK_CAP) && !has_flag(c, k, TOK_UPPER) && is_verb(c, k) &&
		     lex_verb_first(LEX(c), W(c, k)) && !is_punct(c, k - 1, ".");
	return n >= 2;
}

static bool run_on(const struct ctx *c, size_t i)
{
	const char *p;

	bool number_before = has_flag(c, i - 1, TOK_NUMBER) &&
			     IN(c, i + 1, SET("it", "them", "him", "me", "us"));

	/* the cheap tests first: odd_capitals looks at forty words */
	if (c->t->headline || c->question ||
	    i < c->first + 6 || !(is_word(c, i - 1) || number_before) || !is_verb(c, i) ||
	    /* "blast turn it down": a pronoun object makes a verb of a word
	       seen more often as a noun */
	    !(lex_verb_first(LEX(c), W(c, i)) ||
	      IN(c, i + 1, SET("it", "them", "him", "me", "us"))) ||
	    INC(c, i, C_NOT_IMPERATIVE) ||
	    lex_is_past(LEX(c), W(c, i)) || g_str_has_suffix(W(c, i), "ing") ||
	    !(INC(c, i + 1, C_OBJECT_START) || has_flag(c, i + 1, TOK_NUMBER)) ||
	    (has_flag(c, c->first, TOK_CAP) && !odd_capitals(c)))
		return false;
	/* punctuated: the writer marks clauses (the sentence's first mark,
	   found once when it was read: no look back from every word) */
	if (SENT(c->t, c->sentence)->first_mark < i)
		return false;
	p = W(c, i - 1);
	if (INC(c, i - 1, C_DETERMINERS) || INC(c, i - 1, C_AUXILIARIES) ||
	    INC(c, i - 1, C_MODALS) || INC(c, i - 1, C_NEW_CLAUSE) || INC(c, i - 1, C_WH) ||
	    INC(c, i - 1, C_COORDINATORS) || INC(c, i - 1, C_LINKS) ||
	    INC(c, i - 1, C_ADVERBS) || INC(c, i - 1, C_NOT_AGENTS) ||
	    IN(c, i - 1, SET("i", "you", "we", "they", "he", "she", "it", "to", "not", "never",
			     "of", "for", "with", "by", "from", "at", "on", "in", "into", "onto",
			     "about", "than", "like", "let", "lets", "help", "make", "made",
			     "go", "come", "see", "watch", "hear", "dare", "need", "try",
			     "bother", "must", "should", "shall", "might", "please", "did",
			     "didnt", "dont", "cant", "wont", "cannot", "only", "just", "even",
			     "also", "still", "ever", "rather", "sooner", "would", "instead")) ||
	    g_str_has_suffix(p, "ly") || plural_subject(c, i - 1) ||
	    has_flag(c, i - 1, TOK_POSSESSIVE))
		return false;
	/* "the chairs we ordered arrive the same day": a clause with its
	   subject pronoun before the verb, inside a longer subject */
	if (lex_is_past(LEX(c), p) &&
	    IN(c, i - 2, SET("i", "you", "we", "they", "he", "she", "u")))
		return false;
	return true;
}

/* Where clauses start: the sentence start, and after , : ( - so then but;
   "and"/"or" start a coordinated clause. */
static bool clause_start(const struct ctx *c, size_t i, bool *coordinated_r)
{
	*coordinated_r = false;
	if (i == c->first)
		return true;
	if (is_punct(c, i - 1, ",") || is_punct(c, i - 1, ":") || is_punct(c, i - 1, "(") ||
	    is_punct(c, i - 1, "-") || is_punct(c, i - 1, "\""))
		return true;
	/* not "I heard nothing but praise", "all but finished": "but" as
	   "except" */
	if (is_word(c, i - 1) && INC(c, i - 1, C_LINKS) && !IN(c, i, SET("that", "much", "many")) &&
	    /* "the Clerk would then take it to the council": "then" inside
	       a verb phrase, not a new clause */
	    !(IS(c, i - 1, "then") && i >= c->first + 2 &&
	      (INC(c, i - 2, C_MODALS) || INC(c, i - 2, C_AUXILIARIES))) &&
	    !(IS(c, i - 1, "but") && i >= c->first + 2 &&
	      IN(c, i - 2, SET("nothing", "anything", "everything", "none", "all", "everyone",
			       "anyone", "nobody", "everybody"))))
		return true;
	if (is_word(c, i - 1) && INC(c, i - 1, C_COORDINATORS)) {
		*coordinated_r = true;
		return true;
	}
	/* A request that starts after an opening without a comma: "if
	   you're up that way could you have a look", "As Leader of the
	   council I am instructing you to pay", "So for the next meeting on
	   the 24th I'd like you to run off six copies" */
	if (INC(c, i, C_MODALS) && (IN(c, i + 1, SET("you", "someone", "it", "this", "they")) ||
				    (IS(c, i + 1, "one") && IS(c, i + 2, "of")) ||
				    (IS(c, i + 1, "the") && is_word(c, i - 1))) &&
	    !INC(c, i - 1, C_WH) && !(i >= c->first + 2 && INC(c, i - 2, C_WH)) &&
	    !IN(c, i - 1, SET("that", "what")))
		return true;
	/* "the long and short of it is that the lifebelt needs replacing",
	   "the main thing is the gate needs a new chain": what the author
	   sums up, after "is (that)" */
	if (i >= c->first + 2 && IN(c, i, SET("the", "this", "these", "our")) &&
	    (IN(c, i - 1, SET("is", "was")) ||
	     (IS(c, i - 1, "that") && IN(c, i - 2, SET("is", "was")))))
		return true;
	/* "when you've a minute the grass round the shelter could do with a
	   cut": after the reader's spare moment, the thing to be done */
	if (i > c->first + 2 && IN(c, i - 1, SET("minute", "moment", "chance", "sec", "second",
						    "mo")) &&
	    IN(c, i, SET("the", "our", "this", "that", "those", "these"))) {
		for (size_t k = i - 2; k >= c->first && k + 6 >= i; k--) {
			if (IN(c, k, SET("when", "whenever", "if", "once")))
				return true;
			if (k == 0)
				break;
		}
	}
	/* "When it dries out a bit it'd be great if you could run the
	   mower": a welcome after an opening clause without its comma */
	if (IS(c, i, "it") && IN(c, i + 1, SET("would", "might", "will")) && IS(c, i + 2, "be") &&
	    i > c->first + 2 && !INC(c, i - 1, C_NEW_CLAUSE) &&
	    IN(c, c->first, SET("if", "when", "once", "whenever", "after", "before", "while",
				"as", "since")))
		return true;
	/* "the invoice from the hedge man you must pay until Friday": the
	   thing first, then the reader told what to do with it */
	if (IS(c, i, "you") && IN(c, i + 1, SET("must", "should")) && is_word(c, i - 1) &&
	    !INC(c, i - 1, C_NEW_CLAUSE) && !INC(c, i - 1, C_WH) && !INC(c, i - 1, C_MODALS) &&
	    !INC(c, i - 1, C_AUXILIARIES) && !INC(c, i - 1, C_LINKS) && is_verb(c, i + 2) &&
	    !IN(c, i + 2, SET("have", "be", "know", "see", "remember")))
		return true;
	/* "I think it would be good to turn off the instant confirmation",
	   "I reckon the gutters need clearing": the view, then what it asks */
	if (i >= c->first + 2 && IN(c, i, SET("it", "the", "we", "you")) &&
	    IN(c, i - 1 - IS(c, i - 1, "that"), SET("think", "reckon", "suppose", "feel")) &&
	    IN(c, i - 2 - IS(c, i - 1, "that"), SET("i", "we")))
		return true;
	if (IN(c, i, SET("i", "we")) && !INC(c, i - 1, C_NEW_CLAUSE) &&
	    IN(c, i + 1, SET("am", "are", "need", "want", "would", "instruct", "expect",
			     "require", "should", "will")))
		return true;
	/* Mail written on a phone runs its sentences together: "the dog bin
	   is overflowing again get it emptied today", "salt bin top of
	   church hill empty fill it b4 the frost". A verb with its object
	   after a word that ends a statement starts a new one. */
	if (is_word(c, i - 1) && IN(c, i - 1, SET("again", "now", "today", "tonight", "tomorrow",
						   "please", "thanks", "cheers", "mate", "ok",
						   "asap", "anyway", "empty", "full",
						   "broken", "overflowing", "blocked", "flooded",
						   "down", "out", "off", "loose", "missing",
						   "stolen", "rank", "lethal", "dangerous", "bits",
						   "pieces", "mess", "disgrace", "shambles",
						   "yesterday", "ages", "weekend")) &&
	    is_verb(c, i) &&
	    /* "sort it": a noun is not followed by a pronoun object */
	    (lex_verb_first(LEX(c), W(c, i)) || IN(c, i + 1, SET("it", "them"))) &&
	    (INC(c, i + 1, C_OBJECT_START) || has_flag(c, i + 1, TOK_NUMBER)) &&
	    !INC(c, i, C_NOT_IMPERATIVE))
		return true;
	/* "... kicked the slats out needs doing before sat": the need, its
	   subject the thing just named */
	if (is_word(c, i - 1) && IN(c, i - 1, SET("out", "off", "down", "again", "broken", "loose",
						   "missing", "damaged", "smashed", "snapped")) &&
	    IN(c, i, SET("needs", "wants")) && lex_is_gerund(LEX(c), W(c, i + 1)))
		return true;
	if (run_on(c, i))
		return true;
	/* After a subordinate clause without its comma: "when you're up at
	   the pinfold have a look at the wall", "if it's loose take the top
	   stones off" */
	if (IN(c, c->first, SET("if", "when", "once", "whenever", "after", "before", "while")) &&
	    !c->question && !INC(c, c->first + 1, C_AUXILIARIES) &&
	    i > c->first + 2 && is_verb(c, i) && !INC(c, i - 1, C_MODALS) &&
	    !INC(c, i - 1, C_AUXILIARIES) && !IN(c, i - 1, SET("to", "you", "they", "we", "i",
							      "he", "she")) &&
	    !INC(c, i - 1, C_DETERMINERS) && !INC(c, i, C_NOT_IMPERATIVE) &&
	    (IS(c, i, "have") ? IN(c, i + 1, SET("a", "an")) :
			       (INC(c, i + 1, C_OBJECT_START) && lex_verb_first(LEX(c), W(c, i)))))
		return true;
	return false;
}

/* ---- commitments ---- */

/* Is the clause's subject at I the council ("the council", "the parish
   council", "Brookfield Parish Council", its own name, "we")? *NEXT_R
   gets the word after it. */
static bool council_subject(const struct ctx *c, size_t i, size_t *next_r)
{
	size_t len, j;

	if (IN(c, i, SET("we", "us"))) {
		*next_r = i + 1;
		return true;
	}
	if (list_at(c, c->lang->lists.council_names, i, &len)) {
		*next_r = i + len;
		return true;
	}
	/* "council'll sort your fee" (a phone's English) */
	if (IS(c, i, "council") && IN(c, i + 1, SET("will", "shall", "is", "has")) &&
	    !(i > c->first && has_flag(c, i - 1, TOK_CAP) && !INC(c, i - 1, C_DETERMINERS) &&
	      !IN(c, i - 1, SET("parish", "town", "village", "community")))) {
		*next_r = i + 1;
		return true;
	}
	j = i;
	if (IN(c, j, SET("the", "our")))
		j++;
	else if (!has_flag(c, j, TOK_CAP) || INC(c, j, C_OTHER_BODIES))
		return false;
	/* "Brookfield Parish Council", "the town council": capitalised
	   place names before the kind of council, not another body's */
	while (j < c->end && j < i + 4 && has_flag(c, j, TOK_CAP) && !INC(c, j, C_OTHER_BODIES) &&
	       !IN(c, j, SET("parish", "town", "village", "community", "council", "pc", "tc")))
		j++;
	if (INC(c, j, C_OTHER_BODIES))
		return false;
	/* "Somerset Council will fund the crossing": a place's own council
	   with no "parish" or "town" is a principal authority (the council's
	   own name is in council_names, above) */
	if (IS(c, j, "council") && j > i && has_flag(c, j - 1, TOK_CAP) &&
	    !IN(c, j - 1, SET("the", "our", "parish", "town", "village", "community")))
		return false;
	if (IN(c, j, SET("parish", "town", "village", "community")))
		j++;
	if (IN(c, j, SET("council", "pc", "tc", "committee")) && !has_flag(c, j, TOK_POSSESSIVE) &&
	    (j > i + 1 || IN(c, i, SET("the", "our")))) {
		*next_r = j + 1;
		return true;
	}
	return false;
}

/* Is there a personal word ("my", "own") in the clause from K? */
static bool personal(const struct ctx *c, size_t k)
{
	size_t end = clause_end(c, k);

	/* up to a dash too: "... will reimburse you - please send me your
	   receipts and I'll pass them on" */
	for (size_t m = k; m < end && !is_punct(c, m, "-"); m++) {
		/* "we accept the terms and I'll sign it": another clause,
		   with its own subject */
		if (m > k && IN(c, m, SET("and", "but", "so")) &&
		    IN(c, m + 1, SET("i", "we", "he", "she", "they", "you")))
			break;
		if (INC(c, m, C_PERSONAL))
			return true;
	}
	return false;
}

/* Does "we", "us" or "our" at I speak for the author's family or friends
   rather than the council? A personal word ("my", "wife", "own") in its
   sentence or the one before says so: "I'll pay for my raffle tickets.
   We'll pay for Sandra's meal too." */
static bool personal_we(const struct lang_text *t, size_t sentence, size_t i)
{
	const struct sentence *sn = SENT(t, sentence);
	size_t from = sn->first;

	if (strcmp(TOK(t, i)->w, "we") != 0 && strcmp(TOK(t, i)->w, "us") != 0 &&
	    strcmp(TOK(t, i)->w, "our") != 0)
		return false;
	if (sentence > 0 && SENT(t, sentence - 1)->paragraph == sn->paragraph)
		from = SENT(t, sentence - 1)->first;
	/* near it: a text without full stops costs no more than one with */
	from = MAX(from, i >= CLAUSE_MAX ? i - CLAUSE_MAX : 0);
	for (size_t m = from; m < sn->end && m < i + CLAUSE_MAX; m++)
		if (((TOK(t, m)->classes >> C_PERSONAL) & 1) && strcmp(TOK(t, m)->w, "i") != 0)
			return true;
	return false;
}

static struct verdict clause_commit(const struct ctx *c, size_t i, unsigned depth);
static size_t commit_modal(const struct ctx *c, size_t j);

/* A commitment verb phrase at K: "pay", "cover the cost", "go ahead",
   "place an order", "confirm the booking", "confirm that we will ...",
   also "going ahead" and "accepts"; "extend the hire and pay the extra". */
static bool commit_verb(const struct ctx *c, size_t k, unsigned depth, size_t *verb_r)
{
	size_t end = clause_end(c, k);
	char buf[64];
	const char *lem;

	k = skip_set(c, k, ADVERBS);
	lem = lemma(c, k, buf, sizeof(buf));
	if (lem != NULL && strcmp(lem, "confirm") == 0) {
		size_t m = k + 1;

		if (IS(c, m, "that"))
			m++;
		if (IN(c, m, SET("the", "your", "this", "our")) &&
		    IN(c, m + 1, SET("booking", "order", "quote", "quotation", "estimate",
				     "appointment", "contract", "purchase", "reservation",
				     "acceptance", "agreement", "instruction")))
			goto found;
		if (depth < 2 && clause_commit(c, m, depth + 1).kind == V_REQUEST)
			goto found;
		/* "the council can confirm it will sign" */
		if (IS(c, m, "it") && commit_modal(c, m + 1) != 0 &&
		    commit_verb(c, commit_modal(c, m + 1), depth + 1, verb_r))
			return true;
		return false;
	}
	/* "we'll have the larger one", "we'll take two", "we'll have the
	   deluxe package": one of what was offered, chosen */
	if (lem != NULL && (strcmp(lem, "have") == 0 || strcmp(lem, "take") == 0)) {
		size_t m = k + 1;

		/* "we'll have the two coaches ... at £780", "we'll have the
		   buffet for 40 at £12 a head, as you suggested": what was
		   offered, at its price */
		if (IS(c, m, "the")) {
			for (size_t p = m + 1; p + 1 < end && p <= m + 16; p++) {
				if (INC(c, p, C_NEW_CLAUSE) && !IS(c, p, "and"))
					break;
				/* a price, not a time: "at £780", "at your price" */
				if ((IS(c, p, "at") && ((is_punct(c, p + 1, "£") &&
							has_flag(c, p + 2, TOK_NUMBER)) ||
						       (IN(c, p + 1, SET("your", "the")) &&
							IN(c, p + 2, SET("price", "rate", "quote",
									 "quoted"))))) ||
				    (IS(c, p, "as") && IS(c, p + 1, "you") &&
				     IN(c, p + 2, SET("suggested", "quoted", "proposed", "offered"))))
					goto found;
			}
		}
		/* "we'll have the 200m at your price" */
		if (IS(c, m, "the") && has_flag(c, m + 1, TOK_NUMBER))
			m++;
		if ((has_flag(c, m, TOK_NUMBER) ||
		     IN(c, m, SET("two", "three", "four", "five", "six", "ten", "twelve", "both"))) &&
		    !IN(c, m + 1, SET("minutes", "weeks", "days", "hours", "months", "years")))
			goto found;
		if (IS(c, m, "the") && is_word(c, m + 1)) {
			const char *w = W(c, m + 1);
			size_t n = strlen(w);

			if ((n > 5 && (g_str_has_suffix(w, "er") || g_str_has_suffix(w, "est")) &&
			     IN(c, m + 2, SET("one", "ones", "option", "package", "model", "size",
					      "version", "quote", "offer", "deal"))) ||
			    IN(c, m + 1, SET("deluxe", "premium", "standard", "basic", "cheaper",
					     "dearer", "bigger", "smaller", "larger")))
				goto found;
		}
	}
	if (!lang_list_at_as(c->lang->lists.commitment, c->t, k, c->end, lem, NULL)) {
		/* "we'll extend the hire by a day and pay the extra" */
		for (size_t m = k + 1; m + 1 < end; m++)
			if (IS(c, m, "and") && lang_list_at_as(c->lang->lists.commitment, c->t,
							       m + 1, c->end,
							       lemma(c, m + 1, buf, sizeof(buf)),
							       NULL)) {
				k = m + 1;
				goto found;
			}
		return false;
	}
found:
	if (personal(c, k))
		return false;
	*verb_r = k;
	return true;
}

/* What commits after a subject: "will", "'ll", "shall", "is happy to",
   "has agreed to", "can confirm", "would like to", "are going ahead", or
   the present ("we accept"). Returns the index of the verb, or 0 when the
   words after the subject commit to nothing (a question, a negation,
   "will consider"). */
static size_t commit_modal(const struct ctx *c, size_t j)
{
	size_t k;

	j = skip_set(c, j, ADVERBS);
	if (INC(c, j, C_NEGATIONS))
		return 0;
	if (!IN(c, j, SET("will", "shall", "would", "can", "is", "are", "am", "have", "has",
			  "do", "does", "wish", "want", "intend", "intends", "plan", "plans",
			  "agree", "agrees", "undertake", "undertakes", "hereby", "d", "may"))) {
		/* the present that performs the act ("we accept your
		   quote", "the council agrees to pay"), not the past ("we
		   paid the deposit last week") nor a habit ("the council pay
		   the contractor direct") */
		if (!IN(c, j, SET("accept", "accepts", "approve", "approves", "confirm",
				  "confirms", "authorise", "authorises", "authorize",
				  "authorizes", "commission", "commissions", "appoint",
				  "appoints", "award", "awards", "commit", "commits",
				  "guarantee", "guarantees", "promise", "promises", "order",
				  "orders", "instruct", "instructs", "offer", "offers",
				  "undertake", "undertakes", "hereby", "happily", "gladly")))
			return 0;
		return j;
	}
	k = skip_set(c, j + 1, ADVERBS);
	if (INC(c, k, C_NEGATIONS))
		return 0;
	/* "we'd love to extend it into a meadow": a wish */
	if (IN(c, j, SET("would", "can", "may")) &&
	    !IN(c, k, SET("like", "be", "confirm", "accept", "agree", "pay", "cover")))
		return 0;	/* "we may look at ordering" */
	if (IS(c, k, "be")) {
		if (!IN(c, k + 1, SET("happy", "pleased", "glad", "delighted", "willing", "able",
				      "prepared")) && !lex_is_gerund(LEX(c), W(c, k + 1)))
			return 0;
		k++;
	}
	if (IN(c, k, SET("going", "happy", "pleased", "glad", "delighted", "willing", "prepared",
			 "agreed", "decided", "resolved", "like", "committed", "minded",
			 "able")) && IS(c, k + 1, "to"))
		k += 2;
	else if (IS(c, k, "to"))
		k++;
	return k;
}

/* "will be paid (by the council)", "will be covered": a commitment unless
   another body pays. */
static bool passive_commit(const struct ctx *c, size_t i, size_t *verb_r)
{
	size_t end = clause_end(c, i);
	char buf[64];

	for (size_t k = i; k + 2 < end; k++) {
		size_t m;

		if (!IN(c, k, SET("will", "shall")) || !IS(c, k + 1, "be"))
			continue;
		m = k + 2;
		if (INC(c, m, C_NEGATIONS) || lemma(c, m, buf, sizeof(buf)) == NULL ||
		    !in_set(buf, SET("pay", "cover", "settle", "fund", "reimburse", "refund", "meet",
				     "honour")) || !lex_is_participle(LEX(c), W(c, m)))
			continue;
		for (size_t b = m + 1; b + 1 < end; b++)
			if (IS(c, b, "by")) {
				size_t next;

				if (!council_subject(c, b + 1, &next))
					return false;
			}
		if (personal(c, i))
			return false;
		*verb_r = m;
		return true;
	}
	return false;
}

/* A commitment in the clause at I. */
/* "I can't promise that the council will fund the kitchen", "I doubt the
   council will pay": the commitment at I denied or doubted just before
   it. */
static bool doubted(const struct ctx *c, size_t i)
{
	for (size_t k = i; k > c->first && k + 6 > i; k--)
		if (IN(c, k - 1, SET("not", "never", "cannot", "doubt", "doubtful", "unlikely",
				     "unsure")))
			return true;
	return false;
}

static struct verdict clause_commit(const struct ctx *c, size_t i, unsigned depth)
{
	size_t j, k, v, m;

	i = skip_set(c, i, FILLERS);
	/* "Rest assured we will ...", "I can assure you that ..." */
	if (IS(c, i, "rest") && IS(c, i + 1, "assured"))
		i = i + 2 + IS(c, i + 2, "that");
	if (passive_commit(c, i, &v))
		return make(V_REQUEST, "commitment", v, true);
	/* "The switch-on slot is yours", "the job's yours if you want it":
	   what was offered, given */
	if (INC(c, i, C_DETERMINERS)) {
		for (k = i + 1; k + 2 < c->end && k <= i + 4 && is_word(c, k); k++)
			if (IN(c, k, SET("slot", "job", "contract", "booking", "work", "gig", "pitch",
					 "order")) &&
			    IS(c, k + 1, "is") && IS(c, k + 2, "yours") && !IS(c, k + 3, "to"))
				return make(V_REQUEST, "acceptance", k + 1, true);
	}
	if (IS(c, i, "i")) {
		m = skip_set(c, i + 1, ADVERBS);
		if (IN(c, m, SET("can", "am", "hereby", "would", "write", "want")))
			m = skip_set(c, m + 1, SET("writing", "like", "to", "hereby", "just",
						    "happy", "pleased", "glad", "delighted"));
		/* "I (can) confirm that the council will ...", "I'm writing to
		   confirm our acceptance" */
		if (IN(c, m, SET("confirm", "confirms")) && commit_verb(c, m, depth, &v))
			return make(V_REQUEST, "commitment", v, true);
		/* "I (have) agreed that the council will pay", "I promise we'll
		   settle it by Friday" */
		if (IS(c, m, "have"))
			m++;
		if (IN(c, m, SET("agree", "agreed", "promise", "promised", "guarantee",
				 "undertake", "assure")) && depth < 2) {
			size_t n = m + 1;

			if (IS(c, n, "you"))
				n++;
			if (IS(c, n, "that"))
				n++;
			if (council_subject(c, n, &j) && clause_commit(c, n, depth + 1).kind == V_REQUEST)
				return make(V_REQUEST, "commitment", n, true);
		}
		/* "I'm happy to accept your quote", "I accept your quotation" */
		if (IN(c, m, SET("accept", "approve")) &&
		    IN(c, m + 1, SET("your", "the", "this")) &&
		    IN(c, m + 2, SET("quote", "quotation", "estimate", "tender", "offer", "price",
				     "proposal")))
			return make(V_REQUEST, "acceptance", m, true);
		return none();
	}
	if (council_subject(c, i, &j) && (k = commit_modal(c, j)) != 0 &&
	    commit_verb(c, k, depth, &v) && !personal_we(c->t, c->sentence, i) &&
	    !doubted(c, i))
		return make(V_REQUEST, "commitment", v, true);
	/* "(We're) happy to go ahead", "happy for you to go ahead" */
	if (IN(c, i, SET("happy", "delighted", "pleased", "glad", "content"))) {
		k = i + 1;
		if (IS(c, k, "for") && IS(c, k + 1, "you")) {
			k += 2;
			/* "happy for you to start on the Monday after Easter":
			   the supplier starting is the work accepted */
			if (IS(c, k, "to") && IN(c, k + 1, SET("start", "begin", "crack", "get",
								"carry", "commence")) &&
			    !c->question)
				return make(V_REQUEST, "acceptance", k + 1, true);
		}
		if (IS(c, k, "to") && commit_verb(c, k + 1, depth, &v))
			return make(V_REQUEST, "acceptance", v, true);
	}
	/* "That price works for us", "your quote is fine", "the estimate
	   suits us": the supplier's figure agreed */
	if (IN(c, i, SET("that", "the", "your", "this")) &&
	    IN(c, i + 1, SET("price", "quote", "quotation", "estimate", "figure", "fee", "rate"))) {
		k = skip_set(c, i + 2, ADVERBS);
		if (((IN(c, k, SET("works", "suits")) && (IS(c, k + 1, "us") || IS(c, k + 2, "us"))) ||
		     (IS(c, k, "is") && IN(c, skip_set(c, k + 1, ADVERBS),
					   SET("fine", "acceptable", "agreed", "good")))) &&
		    !c->question)
			return make(V_REQUEST, "acceptance", k, true);
	}
	/* "you can go ahead", "you may proceed" */
	if (IS(c, i, "you") && IN(c, i + 1, SET("can", "may")) &&
	    (IN(c, skip_set(c, i + 2, ADVERBS), SET("go", "proceed", "start", "carry", "order",
						     "book", "begin"))))
		return make(V_REQUEST, "acceptance", i + 2, true);
	/* "Your quote (for the tree works) is accepted" */
	if (IS(c, i, "your") && IN(c, i + 1, SET("quote", "quotation", "estimate", "tender",
						 "offer", "price", "proposal", "booking"))) {
		for (k = i + 2; k < clause_end(c, i) && k <= i + 24; k++)
			if (IN(c, k, SET("accepted", "approved", "confirmed")) &&
			    IN(c, k - 1, SET("is", "been", "are")))
				return make(V_REQUEST, "acceptance", k, true);
	}
	/* "you're booked in for the 28th", "ur booked" */
	/* ... "you're hired", "you are appointed" */
	if ((IS(c, i, "you") && IS(c, i + 1, "are") &&
	     IN(c, i + 2, SET("booked", "hired", "appointed", "engaged", "commissioned"))) ||
	    (IS(c, i, "your") && IS(c, i + 1, "booked")))
		return make(V_REQUEST, "acceptance", i, true);
	if (IS(c, i, "you") && IN(c, i + 1, SET("have", "got")) ) {
		m = i + 2;
		if (IS(c, m, "got"))
			m++;
		if (IS(c, m, "the") && IN(c, m + 1, SET("job", "contract", "go-ahead", "work")))
			return make(V_REQUEST, "acceptance", m + 1, true);
	}
	if (IS(c, i, "the") && IN(c, i + 1, SET("job", "contract", "work")) && IS(c, i + 2, "is") &&
	    IS(c, i + 3, "yours"))
		return make(V_REQUEST, "acceptance", i, true);
	/* "consider this our order", "please take this email as confirmation",
	   "you can take this email as our go-ahead" */
	if (IS(c, i, "you") && IN(c, i + 1, SET("can", "may", "should")) &&
	    IN(c, i + 2, SET("consider", "take", "treat")))
		i += 2;
	if (IN(c, i, SET("consider", "take", "treat")) && IN(c, i + 1, SET("this", "it", "that"))) {
		k = i + 2;
		if (IN(c, k, SET("email", "e-mail", "message", "letter", "note")))
			k++;
		if (IS(c, k, "as"))
			k++;
		k = skip_set(c, k, SET("our", "an", "a", "the", "my", "formal", "official",
				       "written", "firm", "council's"));
		if (IN(c, k, SET("order", "confirmation", "acceptance", "instruction", "authority",
				 "go-ahead", "agreement", "authorisation", "authorization")))
			return make(V_REQUEST, "acceptance", k, true);
	}
	/* "Please put the scaffold up on Monday, as per your price": an
	   order on the supplier's own quote accepts it */
	for (k = i; k + 2 < clause_end(c, i) + 4 && k + 2 < c->end; k++) {
		size_t p = k;

		if (IS(c, p, "as") && IS(c, p + 1, "per"))
			p += 2;
		else if (IS(c, p, "on") && IS(c, p + 1, "the") && IS(c, p + 2, "basis") &&
			 IS(c, p + 3, "of"))
			p += 4;
		else
			continue;
		if (IN(c, p, SET("your", "the")) &&
		    IN(c, p + 1, SET("quote", "quotation", "estimate", "price", "tender",
				     "proposal")) && k > i)
			return make(V_REQUEST, "acceptance", p + 1, true);
	}
	/* "let's go with your quote" */
	if (IS(c, i, "let") && IS(c, i + 1, "us") && commit_verb(c, i + 2, depth, &v))
		return make(V_REQUEST, "acceptance", v, true);
	/* An order that accepts: "Go ahead (on the basis of your estimate)",
	   "Please proceed", "Book us in", "Put us down for", "Invoice the
	   council". "Book the minibus" asks the reader to book: a request. */
	if (IN(c, i, SET("go", "proceed")) && !list_at(c, c->lang->lists.courtesy, i, NULL) &&
	    (IS(c, i, "proceed") || IS(c, i + 1, "ahead")) && !c->question)
		return make(V_REQUEST, "acceptance", i, true);
	/* "invoice Bishops Clee Town Council", "bill the parish council" */
	if (IN(c, i, SET("invoice", "bill")) && council_subject(c, i + 1, &k))
		return make(V_REQUEST, "acceptance", i, true);
	if (list_at(c, c->lang->lists.commitment, i, &k) && k >= 2 &&
	    (IS(c, i + 1, "us") || IN(c, i + 1, SET("the")) ) &&
	    IN(c, i, SET("book", "put", "count", "pencil", "invoice", "bill", "reserve")) &&
	    (IS(c, i + 1, "us") || IN(c, i + 2, SET("council", "parish", "town"))) &&
	    /* "My wife and I will pay for our own tickets, so please put us
	       down for two": the family's seats, not the council's */
	    !(IS(c, i + 1, "us") && personal_we(c->t, c->sentence, i + 1)))
		return make(V_REQUEST, "acceptance", i, true);
	return none();
}

/* Where a commitment may start besides a clause start: after "that"
   ("I'm writing to confirm that we will ..."). */
static bool commit_start(const struct ctx *c, size_t i)
{
	bool coordinated;
	size_t next;

	/* "... about 80 metres down to the brook council will pay" */
	if (i > c->first && IS(c, i, "council") && IN(c, i + 1, SET("will", "shall")) &&
	    !INC(c, i - 1, C_DETERMINERS) && !IN(c, i - 1, SET("by", "of", "from", "to", "with",
							     "for", "at", "on", "county",
							     "district", "borough", "city")))
		return true;
	/* "Tell your committee the town council will fund half the mower" */
	if (i > c->first && IS(c, i, "the") && council_subject(c, i, &next) &&
	    IN(c, next, SET("will", "shall", "is", "has", "can")) &&
	    !INC(c, i - 1, C_NEW_CLAUSE) && !IN(c, i - 1, SET("by", "of", "from", "to", "with",
							    "for", "at", "on")))
		return true;
	return clause_start(c, i, &coordinated) || IS(c, i - 1, "that");
}

/* ---- the passes ---- */

/* The hit of V in the clause that starts at FROM: the quote runs from
   there to the end of the clause that holds the deciding word. */
static void fill_hit(const struct ctx *c, size_t sentence, size_t from, const struct verdict *v,
		     enum lang_kind kind, struct lang_hit *h)
{
	const struct sentence *s = SENT(c->t, sentence);
	size_t at = v->at < c->end ? v->at : s->first, last;

	while (from < at && !is_word(c, from))
		from++;
	last = clause_end(c, MAX(from, at));
	last = last > from ? last - 1 : s->end - 1;
	*h = (struct lang_hit){
		.kind = kind, .how = v->how, .sentence = sentence, .paragraph = s->paragraph,
		.line = TOK(c->t, from)->line, .start = TOK(c->t, from)->start,
		.end = TOK(c->t, last)->end, .at = TOK(c->t, at)->start,
		.task = v->task, .order = v->order, .clause_tok = from, .at_tok = at,
	};
}

/* After "the" at I, in a reply's first sentence: one of the options an
   officer offered, named by up to three words and "one" ("big one",
   "Hatherop Hire one") or by its own name ("The Mountfield, Ben."), and
   nothing after it but a name, thanks or the sentence's end. */
static bool named_option(const struct ctx *c, size_t i)
{
	size_t k = i;

	while (k < c->end && k < i + 3 && is_word(c, k) && !IN(c, k, SET("one", "ones", "option")))
		k++;
	if (k > i && IN(c, k, SET("one", "ones", "option")))
		k++;
	else if (!(k == i + 1 && has_flag(c, i, TOK_CAP) && !INC(c, i, C_DETERMINERS)))
		return false;
	else if (k < c->end && is_word(c, k))
		return false;
	/* "The big one - it's Christmas", "the Mountfield, Ben. Ta." */
	return k >= c->end || !is_word(c, k) || IN(c, k, SET("please", "pls", "thanks", "ta"));
}

/* A reply's first sentence, read for a yes or a choice: false when there
   is none or it is a question; *I_R gets its first word past "oh",
   "right", "well". */
static bool reply_opening(const struct lang *lang, const struct lang_text *t, struct ctx *c_r,
			  size_t *i_r)
{
	const struct sentence *s;

	if (t->sentences->len == 0)
		return false;
	s = SENT(t, 0);
	*c_r = (struct ctx){ .lang = lang, .t = t, .sentence = 0, .first = s->first, .end = s->end,
			     .question = s->question };
	if (c_r->question)
		return false;
	*i_r = skip_set(c_r, s->first, SET("oh", "ah", "right", "well"));
	return true;
}

/* The reply's first sentence as an approval, decided at word AT. */
static void approval_hit(const struct lang_text *t, size_t at, struct lang_hit *hit_r)
{
	const struct sentence *s = SENT(t, 0);

	*hit_r = (struct lang_hit){
		.kind = LANG_REQUEST, .how = "approval", .sentence = 0, .paragraph = s->paragraph,
		.line = TOK(t, s->first)->line, .start = TOK(t, s->first)->start,
		.end = TOK(t, s->end - 1)->end, .at = TOK(t, at)->start, .task = true,
		.order = true, .clause_tok = s->first, .at_tok = at,
	};
}

bool lang_approval(const struct lang *lang, const struct lang_text *t, struct lang_hit *hit_r)
{
	struct ctx c;
	size_t i;
	bool yes = false;

	if (!reply_opening(lang, t, &c, &i))
		return false;
	/* "Yes please", "yes, do", "yes go ahead", "yes that's fine" */
	if (IN(&c, i, SET("yes", "yep", "yeah", "ok", "okay"))) {
		size_t k = i + 1;

		while (k < c.end && is_punct(&c, k, ","))
			k++;
		yes = IN(&c, k, SET("please", "pls", "do")) ||
		      (IS(&c, k, "go") && IN(&c, k + 1, SET("ahead", "for"))) ||
		      (IN(&c, k, SET("that", "that's")) && IN(&c, k + 1 + IS(&c, k + 1, "is"),
							      SET("fine", "great", "perfect", "good")));
	} else if ((IS(&c, i, "please") && IS(&c, i + 1, "do")) ||
		   (IS(&c, i, "go") && IS(&c, i + 1, "ahead")) ||
		   /* "The second option, Carl.", "the cheaper one", "option 2" */
		   (IS(&c, i, "the") && IN(&c, i + 1, SET("first", "second", "third", "other", "last",
							 "cheaper", "former", "latter")) &&
		    (IN(&c, i + 2, SET("one", "option")) || !is_word(&c, i + 2) ||
		     has_flag(&c, i + 2, TOK_CAP))) ||
		   /* "The big one", "The Hatherop Hire one": one of the
		      options offered, by what it is */
		   (IS(&c, i, "the") && named_option(&c, i + 1)) ||
		   /* "Fine by me.", "Sounds good", "Works for me", "Suits me" */
		   (IS(&c, i, "fine") && ((IN(&c, i + 1, SET("by", "with")) &&
					   IS(&c, i + 2, "me")) || !is_word(&c, i + 1))) ||
		   (IS(&c, i, "sounds") && IN(&c, i + 1, SET("good", "great", "fine", "perfect"))) ||
		   (IS(&c, i, "works") && IS(&c, i + 1, "for") && IS(&c, i + 2, "me")) ||
		   (IS(&c, i, "suits") && IS(&c, i + 1, "me")) ||
		   (IS(&c, i, "option") && (has_flag(&c, i + 1, TOK_NUMBER) ||
					    IN(&c, i + 1, SET("one", "two", "three", "a", "b")))) ||
		   (IS(&c, i, "both") && (!is_word(&c, i + 1) || has_flag(&c, i + 1, TOK_CAP) ||
					  IN(&c, i + 1, SET("please", "pls")))))
		yes = true;
	if (!yes)
		return false;
	approval_hit(t, i, hit_r);
	return true;
}

/* Is the word W (lower case) in QUOTED (lower case) as a whole word? A
   bounded scan: linear in QUOTED for each of the few words asked. */
static bool quoted_has_word(const char *quoted, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(quoted, w); p != NULL; p = strstr(p + 1, w))
		if ((p == quoted || !g_ascii_isalnum(p[-1])) && !g_ascii_isalnum(p[n]))
			return true;
	return false;
}

bool lang_choice(const struct lang *lang, const struct lang_text *t, const char *quoted,
		 struct lang_hit *hit_r)
{
	struct ctx c;
	size_t i, k;
	char *lower;
	bool yes, found = false;

	if (quoted == NULL || *quoted == '\0' || !reply_opening(lang, t, &c, &i))
		return false;
	yes = IN(&c, i, SET("yes", "yep", "yeah", "aye", "ok", "okay", "sure"));
	/* "Aye.", "Yes." alone: the proposal agreed to */
	if (yes && (i + 1 >= c.end || (!is_word(&c, i + 1) && !is_punct(&c, i + 1, ",") &&
				       i + 2 >= c.end)))
		found = true;
	if (!found) {
		if (yes)	/* "Yes, Hiscox." */
			i = skip_set(&c, i + 1, SET("please"));
		i += IS(&c, i, "the");
		if (i >= c.end || !(is_word(&c, i) || has_flag(&c, i, TOK_NUMBER)) ||
		    strlen(W(&c, i)) < 3)
			return false;
		/* one of the options offered, in the officer's own words */
		lower = g_ascii_strdown(quoted, -1);
		found = (yes || strstr(lower, " or ") != NULL) && quoted_has_word(lower, W(&c, i));
		g_free(lower);
		/* ... and nothing after it but a few words, a yes to it, thanks
		   or the sentence's end: "Thursday please Gary", "Thursday with
		   the pressure washer is perfect", "The warm white, please",
		   "Saturday's perfect"; not "Tuesday is no good for me" */
		for (k = i + 1; found && k < c.end && k <= i + 6; k++) {
			/* "Before Sunday if you can, Dennis": a condition
			   after the option */
			if (!is_word(&c, k) || IN(&c, k, SET("please", "pls", "thanks", "ta",
							      "works", "suits", "if")) ||
			    (IN(&c, k, SET("fine", "perfect", "good", "great", "best", "ok",
					   "okay", "grand", "lovely", "ideal")) &&
			     (IN(&c, k - 1, SET("is", "be", "sounds", "seems", "looks")) ||
			      has_flag(&c, k - 1, TOK_POSSESSIVE) || k == i + 1)))
				break;
			if (IN(&c, k, SET("is", "be", "sounds", "seems", "looks")) &&
			    IN(&c, k + 1, SET("fine", "perfect", "good", "great", "best", "ok", "okay",
					      "grand", "lovely", "ideal")))
				continue;
			if (is_verb(&c, k) && lex_verb_first(LEX(&c), W(&c, k)) &&
			    !has_flag(&c, k, TOK_CAP))
				found = false;
			if (INC(&c, k, C_AUXILIARIES) || IN(&c, k, SET("not", "no", "never")))
				found = false;
		}
		if (found && k > i + 6)
			found = false;
	}
	if (!found)
		return false;
	approval_hit(t, i < c.end ? i : c.first, hit_r);
	return true;
}

/* How far back from a question mark its sentence is read. */
#define QUESTION_LOOK 160

bool lang_offers_work(const char *text)
{
	static const char *const offers[] = {
		"shall i ", "should i ", "would you like me to", "do you want me to",
		"want me to ", "would you prefer", "which would you", "which do you",
		"which one", "which is more", "which option", "let me know which", "happy to ",
		"i can either", "i could either",
	};
	/* "would you like me to send you the minutes?": information offered,
	   and a yes to it asks for no work */
	static const char *const fetches[] = {
		"send you", "email you", "e-mail you", "forward", "let you know", "tell you",
		"find out", "check ", "look into", "look up", "copy you", "ring you", "call you",
		"get back to you",
		/* "would you like me to drop the papers round to you on my way
		   home?": something brought to the councillor */
		" to you ", " to you?", " to you.", " to you,", "drop you ", "bring you ",
		"post you ",
	};
	/* ... and a choice of how information reaches the councillor */
	static const char *const delivery[] = {
		" by email", " by e-mail", " by post", " email or ", " or email", " post or ",
		" or post", " copy", "paper or ", " or paper", " printed or ", " or printed",
	};
	char *lower;
	bool found = false;

	if (text == NULL || *text == '\0')
		return false;
	lower = g_ascii_strdown(text, -1);
	/* "send\n> you a copy": the quote's line breaks and markers read as
	   one space, so an offer wrapped over two lines is read whole */
	{
		char *w = lower;

		for (const char *r = lower; *r != '\0'; r++) {
			if (*r == '\n' || *r == '\r') {
				while (r[1] == '>' || r[1] == ' ' || r[1] == '\n' || r[1] == '\r')
					r++;
				*w++ = ' ';
			} else {
				*w++ = *r;
			}
		}
		*w = '\0';
	}
	for (size_t k = 0; k < G_N_ELEMENTS(offers) && !found; k++) {
		/* each place the offer is made, the words after it (a bounded
		   look: linear in TEXT) */
		for (const char *p = strstr(lower, offers[k]); p != NULL && !found;
		     p = strstr(p + 1, offers[k])) {
			const char *q = p + strlen(offers[k]);
			char after[64];
			bool fetch = false;

			g_strlcpy(after, q, sizeof(after));
			for (size_t f = 0; f < G_N_ELEMENTS(fetches) && !fetch; f++)
				fetch = strstr(after, fetches[f]) != NULL;
			found = !fetch;
		}
	}
	/* "The Honda at £649 or the Mountfield at £420 - which?", "which
	   poster do you want, the red one or the blue one?": a question
	   offering options is an offer of the work chosen (not "the minutes
	   by email or by post?", information). Each question looks back
	   over its own sentence only, at most QUESTION_LOOK bytes: linear. */
	for (const char *p = strchr(lower, '?'); p != NULL && !found; p = strchr(p + 1, '?')) {
		const char *b = p;
		char sentence[QUESTION_LOOK + 1];
		bool fetch = false;

		while (b > lower && p - b < QUESTION_LOOK && b[-1] != '.' && b[-1] != '!' &&
		       b[-1] != '?')
			b--;
		g_strlcpy(sentence, b, MIN((size_t)(p - b) + 1, sizeof(sentence)));
		if (strstr(sentence, " or ") == NULL)
			continue;
		for (size_t f = 0; f < G_N_ELEMENTS(fetches) && !fetch; f++)
			fetch = strstr(sentence, fetches[f]) != NULL;
		for (size_t f = 0; f < G_N_ELEMENTS(delivery) && !fetch; f++)
			fetch = strstr(sentence, delivery[f]) != NULL;
		found = !fetch;
	}
	g_free(lower);
	return found;
}

/* Every clause of SENTENCE: requests and information requests, or
   commitments. */
/* Is the request at AT to bring or wear something, in the sentence after
   an invitation ("Would you like to come along on Sunday? ... Bring
   wellies!")? */
static bool after_invitation(const struct ctx *c, size_t at)
{
	char buf[64];
	const char *lem = lemma(c, at, buf, sizeof(buf));

	if (lem == NULL || !in_set(lem, SET("bring", "wear", "dress")))
		return false;
	for (size_t s = c->sentence; s > 0 && s + 3 > c->sentence; s--) {
		const struct sentence *sn = SENT(c->t, s - 1);

		for (size_t k = sn->first; k + 2 < sn->end; k++)
			if ((IN(c, k, SET("would", "do")) && IS(c, k + 1, "you") &&
			     IN(c, k + 2, SET("like", "fancy", "want"))) ||
			    /* "Would you and Karen like to come" */
			    (IN(c, k, SET("would", "do")) && IS(c, k + 1, "you") &&
			     IS(c, k + 2, "and") && k + 4 < sn->end &&
			     IN(c, k + 4, SET("like", "fancy", "want"))) ||
			    (IS(c, k, "you") && IS(c, k + 1, "are") && IS(c, k + 2, "welcome")) ||
			    /* "are you coming to Ken's party? Bring Linda!" */
			    (IN(c, k, SET("are", "will", "can")) && IS(c, k + 1, "you") &&
			     IN(c, k + 2, SET("coming", "come", "joining", "join"))) ||
			    (IS(c, k, "join") && IS(c, k + 1, "us")) ||
			    /* "Christmas party at the Plough - you coming? Bring Sue!" */
			    (IS(c, k, "you") && IN(c, k + 1, SET("coming", "joining")) &&
			     sn->question))
				return true;
	}
	return false;
}

/* Is the request at AT left to the reader's wish: "if you need the
   space", "if you like", "if you'd rather"? */
static bool left_to_reader(const struct ctx *c, size_t at)
{
	for (size_t k = at; k + 2 < c->end && k < at + CLAUSE_MAX; k++) {
		/* "... get it moved - happy to give you a hand if you need
		   one": the offer after the dash is another clause */
		if (is_punct(c, k, "-") || is_punct(c, k, ";") || is_punct(c, k, ":"))
			break;
		if (IS(c, k, "if") && IS(c, k + 1, "you") &&
		    IN(c, k + 2 + IN(c, k + 2, SET("would", "really", "do")),
		       SET("need", "want", "like", "wish", "prefer", "rather", "fancy", "feel")))
			return true;
	}
	return false;
}

/* Every clause of SENTENCE: requests and information requests (into
   OUT[LANG_REQUEST] and OUT[LANG_INFORMATION]), or commitments (into
   OUT[LANG_COMMITMENT]). */
static void sentence_pass(const struct lang *lang, const struct lang_text *t, size_t sentence,
			  enum lang_kind kind, GArray *const *out)
{
	const struct sentence *s = SENT(t, sentence);
	struct ctx c = { .lang = lang, .t = t, .sentence = sentence, .first = s->first,
			 .end = s->end, .question = s->question };
	struct lang_hit other;
	bool have_other = false;

	for (size_t i = s->first; i < s->end; i++) {
		struct verdict v;
		bool coordinated;
		struct lang_hit h;

		if (kind == LANG_COMMITMENT) {
			if (!commit_start(&c, i))
				continue;
			v = clause_commit(&c, i, 0);
			if (v.kind != V_REQUEST)
				continue;
			fill_hit(&c, sentence, i, &v, LANG_COMMITMENT, &h);
			g_array_append_val(out[LANG_COMMITMENT], h);
			return;
		}
		if (!clause_start(&c, i, &coordinated))
			continue;
		v = clause_request(&c, i, coordinated);
		/* "do trim it if you need the space": leave to do as the reader
		   wishes is no request; nor "Bring wellies!" after "would you
		   like to come along" */
		if (v.kind == V_REQUEST && (left_to_reader(&c, v.at) || after_invitation(&c, v.at)))
			v.kind = V_NONE;
		if (v.kind == V_REQUEST && !v.task) {
			/* "Meet the lorry, get it up in the square": a request
			   for a task later in the sentence is the one that
			   counts; the first other request is kept if none is */
			if (!have_other) {
				fill_hit(&c, sentence, i, &v, LANG_REQUEST, &other);
				have_other = true;
			}
			continue;
		}
		if (v.kind == V_REQUEST || v.kind == V_INFO) {
			fill_hit(&c, sentence, i, &v, v.kind == V_REQUEST ? LANG_REQUEST
								   : LANG_INFORMATION, &h);
			g_array_append_val(out[h.kind], h);
			if (v.kind == V_REQUEST)
				return;		/* one request per sentence is enough */
		}
	}
	if (have_other)
		g_array_append_val(out[LANG_REQUEST], other);
}

/* Is the party reference at I in a clause about the author ("I'll be out
   canvassing", "I'm a Plaid councillor", "as you know", "I know the
   Tories run the district")? Then it is the reason or the background
   for a request, not its object. */
static bool about_author(const struct ctx *c, size_t i)
{
	size_t k = i;

	/* "as you know I'm a Conservative councillor", "I've been a Labour
	   party member for forty years": who the author is */
	for (size_t m = i >= c->first + 4 ? i - 4 : c->first; m < i; m++)
		if (IN(c, m, SET("am", "been", "was")) && IN(c, m + 1, SET("a", "an")) &&
		    m > c->first && IN(c, m - 1, SET("i", "have", "always", "also")))
			return true;
	/* "I'll be late tonight, the Conservatives' AGM runs till 7": an
	   apology for absence explains itself with the party */
	for (size_t m = c->first; m < i && m < c->first + 12; m++)
		if (IN(c, m, SET("late", "away", "unable", "apologies", "sorry", "miss")) ||
		    (IS(c, m, "not") && IN(c, m + 1, SET("make", "be", "able", "do", "come",
							     "attend"))))
			return true;
	while (k > c->first && k + CLAUSE_MAX > i && !is_punct(c, k - 1, ",") &&
	       !is_punct(c, k - 1, ";") && !is_punct(c, k - 1, "-") &&
	       !is_punct(c, k - 1, ":") && !IN(c, k - 1, SET("so", "but", "and", "because")))
		k--;
	/* "because Labour at the county have axed the 42": the reason */
	if (IS(c, k, "because") || IS(c, k + 1, "because") || (k > c->first && IS(c, k - 1, "because")) ||
	    (IS(c, k, "now") && IS(c, k + 1, "that")) || IS(c, k, "since"))
		return true;
	k = skip_set(c, k, SET("as", "although", "though", "since", "while", "because"));
	if (IS(c, k, "you") && IS(c, k + 1, "know"))
		return true;
	if (!IS(c, k, "i"))
		return false;
	if (IN(c, k + 1, SET("know", "think", "gather", "understand", "realise", "realize")))
		return true;
	/* "I'm a Plaid councillor", "I'll be out canvassing", "I was at the
	   Labour conference"; not "I'm organising the group's newsletter" */
	k++;
	if (IS(c, k, "will") && IS(c, k + 1, "be"))
		k++;
	if (!IN(c, k, SET("am", "was", "be")))
		return false;
	/* who the author is: the party right after "a"/"an" */
	if (IN(c, k + 1, SET("a", "an")))
		return i <= k + 3;
	/* "I'm Labour, as everyone knows, but...": the party itself */
	if (i == k + 1 && IN(c, k, SET("am", "was")))
		return true;
	/* "I was out delivering Lib Dem leaflets on Sunday and noticed the
	   grit bin was empty": what the author was doing when they saw it */
	if (IN(c, k, SET("was", "were")) && IS(c, k + 1, "out") && is_word(c, k + 2) &&
	    g_str_has_suffix(W(c, k + 2), "ing"))
		return true;
	/* "I'm up at the Labour conference", "I'm away at" */
	if (IN(c, k + 1, SET("up", "down", "away", "off", "over", "out")) &&
	    IN(c, k + 2, SET("at", "in", "to")))
		return true;
	return IN(c, k + 1, SET("at", "standing", "there"));
}

/* Is the party at I, followed by "on the council", a group of the
   author's own council making its campaign material in the same clause
   ("the independents' group on the council is putting a newsletter
   together")? Then it is no party governing elsewhere but a group asking
   for work; "the Tories on the council blocked it" stays the news. */
static bool campaign_follows(const struct ctx *c, size_t i)
{
	size_t k = i + 1 + IS(c, i + 1, "the");

	if (!IS(c, i, "on") || !IS(c, k, "council"))
		return false;
	for (k++; k < c->end && k < i + 12 && is_word(c, k); k++)
		if (IN(c, k, SET("leaflet", "leaflets", "newsletter", "newsletters", "stall",
				 "surgery", "canvass", "manifesto", "fundraiser", "mailshot",
				 "flyers", "posters")))
			return true;
	return false;
}

/* Party references: a party named in any of its forms, or campaign work. */
static void party_pass(const struct lang *lang, const struct lang_text *t, size_t sentence,
		       GArray *out)
{
	const struct sentence *s = SENT(t, sentence);
	struct ctx c = { .lang = lang, .t = t, .sentence = sentence, .first = s->first,
			 .end = s->end };

	for (size_t i = s->first; i < s->end; i++) {
		size_t len = 0;
		bool hit = list_at(&c, lang->lists.party, i, &len) ||
			   list_at(&c, lang->lists.campaign, i, &len);

		/* "the labour leaflets", "Reform's public meeting" (first in
		   its sentence, where a capital proves nothing) */
		if (!hit && lang->lists.party != NULL &&
		    (len = longest_at(lang->lists.party, t, i, s->end, NULL, true)) > 0)
			hit = (INC(&c, i + len, C_CAMPAIGN_NOUNS) ||
			       /* "Labour street stall Saturday" */
			       (is_word(&c, i + len) && !is_verb(&c, i + len) &&
				!INC(&c, i + len, C_OBJECT_START) &&
				INC(&c, i + len + 1, C_CAMPAIGN_NOUNS)) ||
			       /* "reform are doing a street stall", "tories r" */
			       IN(&c, i + len, SET("are", "have", "were", "r")) ||
			       /* a phone's "Greens doing a litter pick on the heath" */
			       (IN(&c, i + len, SET("doing", "holding", "running", "organising",
						    "organizing", "putting")) &&
				has_flag(&c, i, TOK_CAP)) ||
			       (has_flag(&c, i + len - 1, TOK_POSSESSIVE) &&
				has_flag(&c, i, TOK_CAP))) &&
			      !excepted(lang->lists.party, t, i, s->end, NULL);
		/* "I'm organising a canvass of Airedale ahead of the
		   by-election": a canvass for an election is a campaign's; not
		   the annual canvass of the electoral register */
		if (!hit && IN(&c, i, SET("canvass", "canvassing")) &&
		    !IN(&c, i - 1, SET("annual", "household", "registration", "electoral"))) {
			/* near it, so that a sentence of nothing but "canvass"
			   costs no more than one */
			for (size_t k = MAX(s->first, i >= CLAUSE_MAX ? i - CLAUSE_MAX : 0);
			     k < s->end && k < i + CLAUSE_MAX && !hit; k++)
				hit = IN(&c, k, SET("election", "elections", "by-election",
						    "polling", "candidate", "candidates"));
			len = 1;
		}
		/* "Our candidate for Grotton is launching her campaign": a
		   candidate of the author's side; not one for a post at the
		   council ("our candidate for the deputy clerk job") */
		if (!hit && IS(&c, i, "our") && IN(&c, i + 1, SET("candidate", "candidates"))) {
			hit = true;
			len = 2;
			for (size_t k = s->first; k < s->end && hit; k++)
				hit = !IN(&c, k, SET("post", "job", "role", "vacancy", "interview",
						     "interviews", "shortlist", "appointment",
						     "position", "recruitment", "applicant"));
		}
		/* "the Conservative administration at Oakham wants to close the
		   tip", "the county's Labour cabinet": a party governing, named
		   as the news, is no campaign work asked for */
		if (hit && (IN(&c, i + len, SET("administration", "cabinet", "government",
						"leadership", "controlled", "majority",
						"run", "ran")) ||
			    (i > s->first && has_flag(&c, i - 1, TOK_POSSESSIVE) &&
			     IN(&c, i - 1, SET("county", "district", "borough", "city", "council"))) ||
			    /* "The Greens on the district have got a grant" */
			    /* "the Tories at County Hall have cut the 121" */
			    (IN(&c, i + len, SET("on", "at", "in")) &&
			     IN(&c, i + len + 1 + IS(&c, i + len + 1, "the"),
				SET("county", "district", "borough", "city", "council",
				    "unitary", "westminster", "parliament", "government")))) &&
		    !campaign_follows(&c, i + len))
			hit = false;
		/* "my sister's a Plaid councillor", "he's an SNP voter": who
		   somebody is, no campaign work */
		if (hit && i > s->first && IN(&c, i - 1, SET("a", "an")) &&
		    (IN(&c, i + len, SET("councillor", "member", "voter", "supporter", "man",
					 "woman", "activist")) ||
		     /* the list's own "Green councillor" */
		     (len > 1 && IN(&c, i + len - 1, SET("councillor", "member")))))
			hit = false;
		/* "As a Liberal Democrat of forty years' standing": who the
		   author is */
		if (hit && i >= s->first + 2 && IN(&c, i - 1, SET("a", "an")) &&
		    IS(&c, i - 2, "as") && !INC(&c, i + len, C_CAMPAIGN_NOUNS))
			hit = false;
		/* "he's been a Tory all his life", "she's a Green": who somebody
		   is; not "it's a Labour leaflet" */
		if (hit && i >= s->first + 2 && IN(&c, i - 1, SET("a", "an")) &&
		    IN(&c, i - 2, SET("is", "am", "was", "been", "be")) &&
		    !INC(&c, i + len, C_CAMPAIGN_NOUNS))
			hit = false;
		/* "the Lib Dems have been going on in their leaflets about the
		   play area": what a party complains of, the news */
		for (size_t k = i + len; hit && k < i + len + 4 && k + 1 < s->end; k++)
			if ((IN(&c, k, SET("going", "banging", "harping")) && IS(&c, k + 1, "on")) ||
			    IN(&c, k, SET("complaining", "moaning", "whingeing", "whinging",
					  "claiming", "grumbling")))
				hit = false;
		/* "I have left Reform UK and will sit as an independent", "she
		   joined the Greens last year": who somebody is now */
		size_t before = i > s->first && IN(&c, i - 1, SET("the", "my", "our")) ? i - 1 : i;

		/* (not "I've left the canvass returns on your desk", "left
		   the Labour leaflets in the office": things put down) */
		if (hit && before > s->first && !list_at(&c, lang->lists.campaign, i, NULL) &&
		    !INC(&c, i + len, C_CAMPAIGN_NOUNS) &&
		    (IN(&c, before - 1, SET("left", "joined", "quit", "rejoined", "leaving",
					    "joining")) ||
		     (IS(&c, i - 1, "from") && i >= s->first + 2 &&
		      IN(&c, i - 2, SET("resigned", "defected", "expelled", "suspended")))))
			hit = false;
		/* "council hat on, not my Labour rosette": disclaimed */
		if (hit && (IN(&c, i - 1, SET("not", "no", "nothing")) ||
			    (i >= s->first + 2 && IN(&c, i - 2, SET("not", "no", "nothing"))) ||
			    (i >= s->first + 3 && IN(&c, i - 3, SET("not", "nothing")))))
			hit = false;
		if (hit && !about_author(&c, i)) {
			struct verdict v = make(V_REQUEST, "party", i, false);
			struct lang_hit h;

			fill_hit(&c, sentence, s->first, &v, LANG_PARTY, &h);
			h.end = TOK(t, s->end - 1)->end;	/* the whole sentence */
			h.term_end = TOK(t, MIN(i + len, s->end) - 1)->end;
			g_array_append_val(out, h);
			return;
		}
	}
}

GArray *lang_find(const struct lang *lang, const struct lang_text *text, enum lang_kind kind)
{
	/* The answers are kept with the text: the rules ask the same
	   questions of one message (requests for two rules, information
	   requests for party work), and requests and information requests
	   come from one pass. */
	struct lang_text *t = (struct lang_text *)text;

	if (t->found[kind] == NULL) {
		if (kind == LANG_REQUEST || kind == LANG_INFORMATION) {
			t->found[LANG_REQUEST] = g_array_new(FALSE, FALSE, sizeof(struct lang_hit));
			t->found[LANG_INFORMATION] = g_array_new(FALSE, FALSE,
								 sizeof(struct lang_hit));
			for (size_t s = 0; s < text->sentences->len; s++)
				sentence_pass(lang, text, s, LANG_REQUEST, t->found);
		} else {
			t->found[kind] = g_array_new(FALSE, FALSE, sizeof(struct lang_hit));
			for (size_t s = 0; s < text->sentences->len; s++) {
				if (kind == LANG_PARTY)
					party_pass(lang, text, s, t->found[kind]);
				else
					sentence_pass(lang, text, s, kind, t->found);
			}
		}
	}
	return g_array_ref(t->found[kind]);
}

/* Is party reference PH, in the same sentence as request RH, the reason
   for it rather than its object ("The Tories on the county council have
   cut the 37 again, so please put the bus leaflets out")? */
static bool for_reason(const struct lang_text *t, const struct lang_hit *ph,
		       const struct lang_hit *rh)
{
	if (ph->at_tok >= rh->clause_tok)
		return false;
	for (size_t k = ph->at_tok; k <= rh->clause_tok; k++)
		if (strcmp(TOK(t, k)->w, "so") == 0 || strcmp(TOK(t, k)->w, "therefore") == 0)
			return true;
	return false;
}

/* Does sentence S ask about the rules ("whether that's allowed", "the
   rules on canvassing")? A party named there is a question, not work. */
static bool about_rules(const struct lang_text *t, size_t s)
{
	const struct sentence *sn = SENT(t, s);

	for (size_t k = sn->first; k < sn->end && k < sn->first + 4 * CLAUSE_MAX; k++)
		if (in_set(TOK(t, k)->w, SET("allowed", "permitted", "rules", "guidance", "lawful",
					     "legal", "regulations", "permissible")))
			return true;
	return false;
}

/* Does sentence S say what something is for ("It's for the branch's
   meeting", "They're for the Lib Dem survey") or what it is ("It's the
   Green group's ward survey")? */
static bool explains(const struct lang_text *t, size_t s)
{
	const struct sentence *sn = SENT(t, s);
	size_t k = sn->first;

	/* "I need it for our canvass returns", "we want them for the
	   stall": what the author needs the thing for */
	if (k + 3 < sn->end && in_set(TOK(t, k)->w, SET("i", "we")) &&
	    in_set(TOK(t, k + 1)->w, SET("need", "want", "needed", "wanted")) &&
	    in_set(TOK(t, k + 2)->w, SET("it", "them", "this", "these", "those")) &&
	    strcmp(TOK(t, k + 3)->w, "for") == 0)
		return true;
	if (k + 2 >= sn->end || !in_set(TOK(t, k)->w, SET("it", "they", "this", "these", "that",
							    "those")))
		return false;
	k++;
	if (in_set(TOK(t, k)->w, SET("is", "are", "was", "were")))
		k++;
	return in_set(TOK(t, k)->w, SET("for", "the", "our", "their"));
}

static gint hit_cmp(gconstpointer a, gconstpointer b)
{
	const struct lang_hit *x = a, *y = b;

	return x->sentence < y->sentence ? -1 : x->sentence > y->sentence;
}

bool lang_party_ask(const struct lang *lang, const struct lang_text *subject,
		    const struct lang_text *body, struct lang_hit *hit_r, bool *in_subject_r)
{
	GArray *requests = lang_find(lang, body, LANG_REQUEST), *parties;
	GArray *fetches = lang_find(lang, body, LANG_INFORMATION);
	bool found = false;

	/* Asking for party work, fetching something for it included ("send
	   me the mailing list for the Green newsletter"); a visit or a talk
	   is no work. */
	for (guint i = 0; i < fetches->len; i++)
		if (g_array_index(fetches, struct lang_hit, i).task)
			g_array_append_val(requests, g_array_index(fetches, struct lang_hit, i));
	g_array_unref(fetches);
	/* a request about the rules ("send me what we have on canvassing;
	   I'd like to know whether that's allowed") asks for no party work */
	for (guint i = requests->len; i > 0; i--) {
		const struct lang_hit *rh = &g_array_index(requests, struct lang_hit, i - 1);

		if (!rh->task || about_rules(body, rh->sentence) ||
		    (rh->sentence + 1 < body->sentences->len &&
		     SENT(body, rh->sentence + 1)->paragraph == rh->paragraph &&
		     about_rules(body, rh->sentence + 1)))
			g_array_remove_index(requests, i - 1);
	}
	g_array_sort(requests, hit_cmp);

	/* a request in the subject line counts with a party there too ("Put
	   the Conservative banner back up on the pavilion railings please") */
	bool subject_asks = false;

	if (subject != NULL && requests->len == 0) {
		GArray *asked = lang_find(lang, subject, LANG_REQUEST);

		for (guint i = 0; i < asked->len && !subject_asks; i++)
			subject_asks = g_array_index(asked, struct lang_hit, i).task;
		g_array_unref(asked);
	}
	if (subject != NULL && (requests->len > 0 || subject_asks)) {
		GArray *hits = lang_find(lang, subject, LANG_PARTY);

		if (hits->len > 0) {
			*hit_r = g_array_index(hits, struct lang_hit, 0);
			*in_subject_r = true;
			found = true;
		}
		g_array_unref(hits);
	}
	parties = lang_find(lang, body, LANG_PARTY);
	/* Both lists are in text order: one pass. */
	for (guint p = 0, r = 0; p < parties->len && !found; p++) {
		const struct lang_hit *ph = &g_array_index(parties, struct lang_hit, p);

		/* "Could you pay the attached invoice? It's for the Conservative
		   Association's ward meeting": the sentence after a request,
		   saying what it is for */
		if (ph->sentence > 0 && r < requests->len && explains(body, ph->sentence)) {
			for (guint q = 0; q < requests->len && !found; q++) {
				const struct lang_hit *rh = &g_array_index(requests, struct lang_hit, q);

				if (rh->sentence + 1 == ph->sentence && rh->paragraph == ph->paragraph &&
				    !about_rules(body, ph->sentence)) {
					*hit_r = *ph;
					*in_subject_r = false;
					found = true;
				}
			}
		}
		while (r < requests->len &&
		       g_array_index(requests, struct lang_hit, r).sentence < ph->sentence)
			r++;
		for (guint q = r; q < requests->len && !found; q++) {
			const struct lang_hit *rh = &g_array_index(requests, struct lang_hit, q);

			if (rh->paragraph != ph->paragraph || rh->sentence > ph->sentence + 1)
				break;
			if (rh->sentence == ph->sentence && for_reason(body, ph, rh))
				continue;
			if (about_rules(body, ph->sentence))
				continue;
			*hit_r = *ph;
			*in_subject_r = false;
			found = true;
		}
	}
	g_array_unref(parties);
	g_array_unref(requests);
	return found;
}

/* "I'm writing in a personal capacity", "not as a councillor", "not for
   the council": the author says the letter is not the council's. */
bool lang_writes_personally(const struct lang *lang, const struct lang_text *text)
{
	struct ctx c = { .lang = lang, .t = text, .first = 0, .end = text->toks->len };

	for (size_t k = 0; k + 2 < c.end; k++) {
		/* "not for the council", "not on behalf of the council" */
		if (IS(&c, k, "not") && k + 3 < c.end &&
		    ((IS(&c, k + 1, "for") && IN(&c, k + 2, SET("the", "our")) &&
		      IS(&c, k + 3, "council")) ||
		     (IS(&c, k + 1, "on") && IS(&c, k + 2, "behalf") && IS(&c, k + 3, "of"))))
			return true;
		if (IN(&c, k, SET("personal", "private")) && IS(&c, k + 1, "capacity") &&
		    !IS(&c, k - 1, "no"))
			return true;
		/* "I'll pay by card when I collect": the author's own purchase */
		if (IS(&c, k, "i") && IN(&c, k + 1, SET("will", "shall", "can")) &&
		    IN(&c, k + 2, SET("pay", "settle")) &&
		    (!is_word(&c, k + 3) || IN(&c, k + 3, SET("by", "when", "cash", "myself",
							       "personally", "at", "in",
							       "upfront", "up"))))
			return true;
		if (IS(&c, k, "not") && IS(&c, k + 1, "as") &&
		    (IN(&c, k + 2, SET("councillor", "cllr")) ||
		     (IN(&c, k + 2, SET("a", "your", "the")) &&
		      IN(&c, k + 3, SET("councillor", "cllr", "council")))))
			return true;
	}
	return false;
}

bool lang_orders_work(const struct lang *lang, const struct lang_text *text,
		      const struct lang_hit *hit, bool to_supplier)
{
	const struct sentence *s = SENT(text, hit->sentence);
	struct ctx c = { .lang = lang, .t = text, .sentence = hit->sentence, .first = s->first,
			 .end = s->end };
	char buf[64];
	const char *lem = lemma(&c, hit->at_tok, buf, sizeof(buf));
	size_t end = clause_end(&c, hit->at_tok);

	if (!hit->order)
		return false;
	/* "so it needs to go to the Town Hall": where a paper goes, no work
	   ordered */
	if (lem != NULL && in_set(lem, SET("go", "come")) && IS(&c, hit->at_tok + 1, "to"))
		return false;
	/* "invoice me at home, not the council": the author's own */
	for (size_t k = hit->at_tok; k < end; k++)
		if (IN(&c, k, SET("me", "myself", "my")))
			return false;
	for (size_t k = c.first; k + 1 < c.end; k++)
		if (IN(&c, k, SET("invoice", "bill", "charge")) && IN(&c, k + 1, SET("me", "myself")))
			return false;
	if (lang_writes_personally(lang, text))
		return false;
	if (lang_sentence_speaks_for(lang, text, hit))
		return true;
	/* "Please start on the bus shelter on Monday", "Deliver the planters
	   on Friday": commissioning work needs no "for the council"; but not
	   the reader's own ("repair your fence") or the author's family's */
	if (!to_supplier || lem == NULL ||
	    !in_set(lem, SET("start", "begin", "commence", "proceed", "deliver", "supply",
			     "install", "fit", "erect", "carry", "repair", "replace", "build",
			     "resurface", "lay", "order", "crack")))
		return false;
	/* the reader's own ("repair your fence"), after the verb: not
	   "Further to your email, please deliver the planters" */
	for (size_t k = hit->at_tok; k < end; k++)
		if (IN(&c, k, SET("your", "yours")))
			return false;
	for (size_t k = c.first; k < end; k++)
		if (IN(&c, k, SET("we", "us", "our")) && personal_we(text, hit->sentence, k))
			return false;
	return true;
}

/* "not" or "than" just before the noun phrase at I ("not the town
   council", "rather than the council"). */
static bool not_before(const struct ctx *c, size_t i)
{
	for (size_t k = i; k > c->first && k + 3 > i; k--) {
		if (IN(c, k - 1, SET("not", "than")))
			return true;
		if (!IN(c, k - 1, SET("the", "our", "parish", "town", "village", "city")))
			return false;
	}
	return false;
}

static const char *const *const COMMUNITY =
	WORDS("residents", "community", "town", "village", "area", "ward", "people", "children",
	    "families", "neighbours", "streets", "roads", "pensioners", "villagers", "elderly");

bool lang_sentence_speaks_for(const struct lang *lang, const struct lang_text *text,
			      const struct lang_hit *hit)
{
	const struct sentence *s = SENT(text, hit->sentence);
	struct ctx c = { .lang = lang, .t = text, .sentence = hit->sentence, .first = s->first,
			 .end = s->end };
	size_t next;

	for (size_t i = MAX(s->first, hit->clause_tok >= CLAUSE_MAX ? hit->clause_tok - CLAUSE_MAX
								 : 0);
	     i < s->end && i < hit->clause_tok + CLAUSE_MAX; i++) {
		if (IN(&c, i, SET("us", "our", "we", "ours"))) {
			/* "our older residents", "our town": the community, not
			   the council acting */
			if (IS(&c, i, "our") &&
			    (IN(&c, i + 1, COMMUNITY) || IN(&c, i + 2, COMMUNITY)))
				continue;
			/* "tell our Liam to put the bins out": a family's "our"
			   before a name no dictionary holds */
			if (IS(&c, i, "our") && has_flag(&c, i + 1, TOK_CAP) &&
			    lex_lookup(LEX(&c), W(&c, i + 1)) == NULL &&
			    !IN(&c, i + 2, SET("council", "parish", "town", "village", "community")))
				continue;
			if (!personal_we(text, hit->sentence, i))
				return true;
		} else if (not_before(&c, i)) {
			continue;	/* "invoice me, not the town council" */
		} else if (council_subject(&c, i, &next)) {
			return true;
		} else if (IS(&c, i, "council") && i > s->first && !INC(&c, i - 1, C_OTHER_BODIES) &&
			   (IN(&c, i - 1, SET("the", "our", "parish", "town", "village")) ||
			    has_flag(&c, i - 1, TOK_CAP))) {
			return true;	/* "the council's hedges" */
		}
	}
	return false;
}

size_t lang_classify(const struct lang *lang, const char *sentence, struct lang_hit *hits_r,
		     size_t max_hits)
{
	struct lang_text *t = lang_text_new(sentence);
	static const enum lang_kind kinds[] = {
		LANG_REQUEST, LANG_INFORMATION, LANG_COMMITMENT, LANG_PARTY,
	};
	size_t n = 0;

	for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
		GArray *hits = lang_find(lang, t, kinds[k]);

		for (guint i = 0; i < hits->len && n < max_hits; i++)
			hits_r[n++] = g_array_index(hits, struct lang_hit, i);
		g_array_unref(hits);
	}
	lang_text_free(&t);
	return n;
}
