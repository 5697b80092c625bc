#ifndef COUNCIL_POLICY_PHRASE_H
#define COUNCIL_POLICY_PHRASE_H

/*
 * phrase: text normalisation and phrase matching for the text rules
 * (internal to policy/). Text and phrases are brought to one form: NFKC,
 * disguises undone (disguise.h: invisible characters removed, look-alike
 * letters of other scripts read as Latin, letters spaced apart joined),
 * Unicode case-folded, typographic quotes and dashes made plain, every run
 * of white space one space; a blank line (paragraph break) becomes '\n' so
 * that no phrase matches across paragraphs. A phrase matches on word
 * boundaries only.
 *
 * A phrase written "!words" is an exception: a match of the set that
 * overlaps a match of an exception is dropped ("please send" matches, but
 * not inside "please send me"), unless the match is of a longer phrase that
 * holds the exception whole: "exempt from publication" matches although
 * "!exempt from" is an exception. This keeps the shipped sets precise
 * without regular expressions, and a council can add exceptions in its
 * config.
 *
 * Conventions: constructors never fail (invalid UTF-8 is repaired);
 * NULL text is treated as "".
 */

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* Normalise S (see above) into a new string (g_free). */
char *phrase_normalise(const char *s);

/* A text prepared for matching: the normalised form and where each source
   line starts in it, so matches can be reported as "line N". */
struct phrase_text;
struct phrase_text *phrase_text_new(const char *utf8);
void phrase_text_free(struct phrase_text **text);
const char *phrase_text_str(const struct phrase_text *text);
/* 1-based source line of normalised offset OFF. */
unsigned phrase_text_line(const struct phrase_text *text, size_t off);
/* The sentence around OFF: bounded by . ! ? ; followed by a space, or by a
   paragraph break, or by the ends of the text. */
void phrase_text_sentence(const struct phrase_text *text, size_t off, size_t *start_r,
			  size_t *end_r);

/* A compiled phrase set. */
struct phrase_set;
struct phrase_set *phrase_set_new(const char *const *phrases, size_t n);
void phrase_set_free(struct phrase_set **set);
size_t phrase_set_count(const struct phrase_set *set);	/* positive phrases */

struct phrase_match {
	size_t start, end;		/* normalised offsets, end exclusive */
	const char *phrase;		/* the phrase as written in the set */
	unsigned line;			/* 1-based source line */
};

/* Every match of SET in TEXT that no exception overlaps, in text order
   (for equal starts, the longer first). Returns a GArray of struct
   phrase_match (g_array_unref), possibly empty. */
GArray *phrase_match_all(const struct phrase_set *set, const struct phrase_text *text);

/* The first match of MATCHES (a phrase_match_all result) that lies within
   [FROM, TO), or false. Binary search: cheap to ask once per sentence. */
bool phrase_matches_within(const GArray *matches, size_t from, size_t to,
			   struct phrase_match *m_r);

/* The first match in [FROM, TO) of TEXT, or false (matches the whole text:
   use phrase_matches_within for repeated questions). */
bool phrase_match_range(const struct phrase_set *set, const struct phrase_text *text,
			size_t from, size_t to, struct phrase_match *m_r);

/* Is LINE (as written) labelled with a phrase of SET, the way a marking is
   written: the whole line, or the phrase first and then a separator
   ("CONFIDENTIAL:", "Exempt - item 7", "** Not for publication **"), or the
   phrase first in capitals ("CONFIDENTIAL Budget notes"), or the phrase in
   brackets anywhere ("[Confidential]", "(Exempt)"); with TRAILING, also
   last after a separator ("Budget - Confidential"). Leading quote marks and
   decoration are ignored. An exception of the set that starts the line too
   ("!confidential waste") cancels. *PHRASE_R gets the phrase as written. */
bool phrase_set_label(const struct phrase_set *set, const char *line, bool trailing,
		      const char **phrase_r);

/* Does NORMALISED (already phrase_normalise'd) contain PHRASE_NORM on word
   boundaries at or after FROM? *at_r gets the offset. */
bool phrase_find_word(const char *normalised, const char *phrase_norm, size_t from,
		      size_t *at_r);

#endif
