#ifndef COUNCIL_POLICY_LANG_H
#define COUNCIL_POLICY_LANG_H

/*
 * lang: the language layer behind the text rules (internal to policy/).
 *
 * The text rules ask three questions of what a councillor wrote: does it
 * ask the reader to do something (a request, not a request for
 * information), does it commit the council, and does it name a party or
 * campaign work. Councillors write in ordinary English, so these are
 * answered from the grammar of each clause rather than from fixed phrases:
 *
 *   text -> sentences (punctuation, paragraph and short-line breaks,
 *           bullets) -> clauses (commas, colons, dashes, "so", "then",
 *           "and" after a request) -> the clause's opening classified:
 *           an imperative (a base-form verb from WordNet first, its
 *           noun/verb ambiguity settled by what follows: "Book us in" vs
 *           "Book club is off"), a modal request ("could you possibly"),
 *           a want or need with an object ("I need the verges cut"),
 *           delegation ("get someone to", "have the contractor come back"),
 *           a directive ("you'll need to"), a commitment ("the council
 *           will cover", "we'll settle", "consider this our order").
 *
 * What no lexicon gives is data in policy/phrases/ (a council may extend
 * each list): information.txt (verbs that only ask for facts: "let me
 * know"), courtesy.txt (imperatives that ask nothing: "find attached",
 * "feel free"), commitment.txt (what a commitment commits to: pay, cover,
 * order ...), party.txt (parties in their common forms) and
 * party-political.txt (campaign work).
 *
 * Costs: the lexicon is read once per configuration (lang_lexicon_new);
 * a text is tokenised once (lang_text_new) and each question is one pass
 * over its clauses, so time and memory are linear in the text.
 *
 * Conventions: functions that can fail return 0 / -1 and set *error_r to a
 * message the caller frees with g_free. Texts never fail (invalid UTF-8 is
 * repaired).
 */

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* ---- the lexicon: WordNet's verbs, read once per configuration ---- */

struct lang_lexicon;

/* Read DIR (WordNet's dict folder: index.verb, index.noun, index.adj,
   verb.exc, cntlist.rev). */
int lang_lexicon_new(const char *dir, struct lang_lexicon **lex_r, char **error_r);
void lang_lexicon_free(struct lang_lexicon **lex);
size_t lang_lexicon_verbs(const struct lang_lexicon *lex);	/* lemmas known as verbs */

/* ---- word-sequence lists (the curated data) ---- */

/* A list of word sequences matched at a given word: "let me know" matches
   the words let, me, know. An entry written with a capital letter
   ("Labour") matches only a word written with one (or in capitals). */
struct lang_list;
struct lang_list *lang_list_new(const char *const *entries, size_t n);
void lang_list_free(struct lang_list **list);

/* The lists of one council, compiled once per configuration (sets.c). */
enum lang_list_id {
	LANG_LIST_INFORMATION = 0,
	LANG_LIST_COURTESY,
	LANG_LIST_COMMITMENT,
	LANG_LIST_PARTY,
	LANG_LIST_CAMPAIGN,
	LANG_LIST_COUNCIL_NAMES,
	LANG_LISTS
};

/* The lists one judgement uses; NULL members are empty lists. */
struct lang_lists {
	const struct lang_list *information;	/* information.txt */
	const struct lang_list *courtesy;	/* courtesy.txt */
	const struct lang_list *commitment;	/* commitment.txt */
	const struct lang_list *party;		/* party.txt */
	const struct lang_list *campaign;	/* party-political.txt */
	const struct lang_list *council_names;	/* the council's own names, folded */
};

/* ---- a text, tokenised and cut into sentences ---- */

struct lang_text;
struct lang_text *lang_text_new(const char *utf8);
/* A subject line: mostly noun phrases, so "Notice board" is no request. */
struct lang_text *lang_text_new_subject(const char *utf8);
void lang_text_free(struct lang_text **text);
size_t lang_text_sentences(const struct lang_text *text);

/* ---- the questions ---- */

enum lang_kind {
	LANG_REQUEST = 0,	/* asks the reader to do something */
	LANG_INFORMATION,	/* asks only for information (not an instruction) */
	LANG_COMMITMENT,	/* commits the council, or accepts in its name */
	LANG_PARTY		/* names a party or campaign work */
};

struct lang_hit {
	enum lang_kind kind;
	const char *how;	/* "imperative", "modal request", "want", ... (static) */
	size_t sentence;	/* index of the sentence */
	size_t paragraph;	/* index of its paragraph */
	unsigned line;		/* 1-based source line where the clause starts */
	size_t start, end;	/* source byte range of the sentence, for the quote */
	size_t at;		/* source byte offset of the word that decided */
	size_t term_end;	/* LANG_PARTY: source end of the party's name or the
				   campaign words that start at AT */
	size_t clause_tok, at_tok;	/* the same places as word indices (lang.c) */
	bool task;		/* asks for a task, not a visit or a talk ("could you
				   come to the quiz?"); an information request that
				   fetches something ("send me the list") */
	bool order;		/* orders work or goods ("deliver the planters"), not
				   a call, a look or a quote */
};

struct lang {
	const struct lang_lexicon *lex;
	struct lang_lists lists;
};

/* NAME (a recipient's display name, "Josh Penfold", "Mrs J. Quinn") is
   someone the text may call its reader by: its first name, lower case,
   read as a name when the text starts with it ("josh the hedge by the
   lych gate wants a trim"), even where it is also a verb. */
void lang_text_add_reader(struct lang_text *text, const char *name);

/* Every hit of KIND in TEXT, in text order, at most one per clause
   (GArray of struct lang_hit; g_array_unref). LANG_REQUEST and
   LANG_INFORMATION are decided together: a clause is one or the other.
   The answers are kept with TEXT, so ask one text with one LANG only. */
GArray *lang_find(const struct lang *lang, const struct lang_text *text, enum lang_kind kind);

/* Does TEXT open with a yes to a proposal or a choice between options
   ("Yes please Mick, sixty should do it", "Do both", "The second option,
   Carl.", "Go ahead")? Only a request when what it answers offered work
   (lang_offers_work); *HIT_R gets the first sentence. */
bool lang_approval(const struct lang *lang, const struct lang_text *text, struct lang_hit *hit_r);

/* Does TEXT open with one of the options QUOTED (the message replied to)
   offered, in its own words ("Thursday please Gary" under "Tuesday or
   Thursday?", "28th.", "Yes, Hiscox.", "The warm white, please"), or with
   a bare "Yes." or "Aye."? Only a request when QUOTED offered work
   (lang_offers_work); *HIT_R gets the first sentence. */
bool lang_choice(const struct lang *lang, const struct lang_text *text, const char *quoted,
		 struct lang_hit *hit_r);

/* Does TEXT (the message replied to, as quoted) offer to do work or ask
   the author to choose ("shall I put the chairs out?", "would you like me
   to print it?", "which would you prefer?")? Linear in TEXT. */
bool lang_offers_work(const char *text);

/* A party-political ask (SPEC 3): a party reference in BODY with a request
   for work in the same sentence or the next one of its paragraph, or one
   in SUBJECT (may be NULL) with a request anywhere in BODY. *HIT_R gets
   the party reference, *IN_SUBJECT_R where it is. */
bool lang_party_ask(const struct lang *lang, const struct lang_text *subject,
		    const struct lang_text *body, struct lang_hit *hit_r, bool *in_subject_r);

/* Does the sentence of HIT speak for the council: name it ("the
   council", its own name) or say "we", "us", "our"? */
bool lang_sentence_speaks_for(const struct lang *lang, const struct lang_text *text,
			      const struct lang_hit *hit);

/* Does the author say the text is not written for the council ("in a
   personal capacity", "not as a councillor", "not for the council")? */
bool lang_writes_personally(const struct lang *lang, const struct lang_text *text);

/* Does request HIT order work in the council's name: its sentence speaks
   for the council, or (TO_SUPPLIER: someone outside who is not the press
   receives it) it commissions work ("Please start on the bus shelter on
   Monday"), not the reader's own ("repair your fence")? */
bool lang_orders_work(const struct lang *lang, const struct lang_text *text,
		      const struct lang_hit *hit, bool to_supplier);

/* Classify one sentence (for the table-driven tests): fills the hits of
   every kind. Returns the number of hits. */
size_t lang_classify(const struct lang *lang, const char *sentence, struct lang_hit *hits_r,
		     size_t max_hits);

/* The source text of HIT's clause (a party reference: its sentence),
   trimmed, white space collapsed, at most MAX characters with "..."
   (g_free). */
char *lang_quote(const struct lang_text *text, const struct lang_hit *hit, size_t max);
/* The party's name or the campaign words of a LANG_PARTY hit (g_free). */
char *lang_quote_term(const struct lang_text *text, const struct lang_hit *hit);

#endif
