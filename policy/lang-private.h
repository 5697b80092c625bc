#ifndef COUNCIL_POLICY_LANG_PRIVATE_H
#define COUNCIL_POLICY_LANG_PRIVATE_H

/* Shared by lexicon.c, lang-text.c and lang.c only. */

#include "policy/lang.h"

/* ---- lexicon.c ---- */

enum lex_flags {
	LEX_VERB = 1u << 0,		/* in index.verb */
	LEX_NOUN = 1u << 1,		/* also in index.noun */
	LEX_ADJ = 1u << 2,		/* also in index.adj */
	LEX_INFLECTED = 1u << 3,	/* a form listed in verb.exc */
	LEX_OTHER_LEMMA = 1u << 4	/* ... of another lemma ("found" of find) */
};

struct lex_word {
	guint16 verb, noun, adj;	/* SemCor counts, capped */
	guint8 flags;
};

const struct lex_word *lex_lookup(const struct lang_lexicon *lex, const char *word);
bool lex_is_verb(const struct lang_lexicon *lex, const char *word);
struct lang_text;
/* lex_is_verb of token I of TEXT, looked up once per token. */
bool lex_tok_is_verb(const struct lang_lexicon *lex, const struct lang_text *text, size_t i);
/* A verb seen more often as a verb than as a noun or adjective. */
bool lex_verb_first(const struct lang_lexicon *lex, const char *word);
bool lex_is_participle(const struct lang_lexicon *lex, const char *word);	/* moved, cut, done */
bool lex_is_gerund(const struct lang_lexicon *lex, const char *word);		/* moving */
bool lex_is_past(const struct lang_lexicon *lex, const char *word);		/* moved, found */
/* Is "FIRST SECOND" a noun of two words that starts with a verb ("mince
   pies", "order form")? */
bool lex_noun_compound(const struct lang_lexicon *lex, const char *first, const char *second);
/* The verb lemma of WORD ("going" -> go, "accepts" -> accept, "went" ->
   go) into BUF, or false when WORD is no form of a verb. */
bool lex_lemma(const struct lang_lexicon *lex, const char *word, char *buf, size_t size);

/* ---- lang-text.c ---- */

enum tok_flags {
	TOK_WORD = 1u << 0,		/* letters (with ' and - inside) */
	TOK_NUMBER = 1u << 1,
	TOK_CAP = 1u << 2,		/* written with a capital first letter */
	TOK_UPPER = 1u << 3,		/* written all in capitals (two letters or more) */
	TOK_POSSESSIVE = 1u << 4,	/* "council's", "Tories'": the 's was split off */
	TOK_EXPANDED = 1u << 5,		/* second half of a contraction ("I'd" -> i would) */
	TOK_SENTENCE_FIRST = 1u << 6,
	TOK_LEX_KNOWN = 1u << 7		/* lex below is the lexicon's answer */
};

struct tok {
	const char *w;		/* folded word, or the punctuation character */
	guint32 start, end;	/* source bytes */
	guint32 line;		/* 1-based */
	guint32 classes;	/* lang_word_classes(w) */
	guint32 hash;		/* g_str_hash(w): word lists test it before a lookup */
	guint8 flags;
	const struct lex_word *lex;	/* lex_lookup(w), once TOK_LEX_KNOWN */
};

struct sentence {
	guint32 first, end;	/* token range [first, end) */
	guint32 first_mark;	/* its first token that is neither a word nor a
				   number (a comma, a dash ...); END when none */
	guint32 paragraph;
	bool bullet;		/* a list item ("- chase the electrician") */
	bool question;		/* ends with '?' */
};

struct lang_text {
	char *src;		/* the text as given (valid UTF-8) */
	size_t len;
	GArray *toks;		/* struct tok */
	GArray *sentences;	/* struct sentence */
	GStringChunk *words;
	bool headline;		/* a subject line: mostly noun phrases */
	GHashTable *readers;	/* first names of its readers (lang_text_add_reader) */
	GArray *found[LANG_PARTY + 1];	/* lang_find's answers, made on first question */
	const struct lang_lexicon *lex;	/* the lexicon of the tokens' lex answers */
};

#define TOK(t, i) (&g_array_index((t)->toks, struct tok, (i)))
#define SENT(t, i) (&g_array_index((t)->sentences, struct sentence, (i)))

/* ---- lang.c ---- */

/* Which of lang.c's closed word classes WORD belongs to, as bits. */
guint32 lang_word_classes(const char *word);
/* The same for WORD whose g_str_hash is HASH: no lookup for most words. */
guint32 lang_word_classes_hashed(const char *word, guint32 hash);


/* Does an entry of LIST start at token I of [I, END)? *LEN_R gets its
   length in tokens (the longest entry that matches). */
bool lang_list_at(const struct lang_list *list, const struct lang_text *t, size_t i, size_t end,
		  size_t *len_r);
/* The same with FIRST (when not NULL) read in place of token I's word: a
   lemma ("going ahead" matches "go ahead"). */
bool lang_list_at_as(const struct lang_list *list, const struct lang_text *t, size_t i,
		     size_t end, const char *first, size_t *len_r);

#endif
