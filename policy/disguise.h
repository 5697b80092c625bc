#ifndef COUNCIL_POLICY_DISGUISE_H
#define COUNCIL_POLICY_DISGUISE_H

/*
 * disguise: how a line reads once the ways of writing a word so that a
 * program misses it but a person does not are undone (internal to policy/,
 * called by phrase.c's normalisation, so every phrase and marking is matched
 * through it):
 *
 * - invisible characters: every Unicode Default_Ignorable_Code_Point (zero
 *   width spaces and joiners, word joiner, soft hyphen, bidi controls, tag
 *   characters, variation selectors ...) is removed, without a gap;
 * - look-alike letters: in a word that mixes Latin with letters of another
 *   script ("СONFIDENTIAL" with a Cyrillic С), or whose every letter looks
 *   like a Latin one ("ЕХЕМРТ", all Cyrillic), each such letter becomes the
 *   Latin letter it is confusable with, by Unicode's confusable skeletons
 *   (UTS 39, through ICU). Other words are left alone: Russian stays
 *   Russian, "café" stays "café";
 * - letters spaced apart: a run of at least four single letters, each
 *   separated from the next by the same one space, dot, hyphen, underscore,
 *   star or bullet ("C O N F I D E N T I A L", "c.o.n.f"), is joined into one
 *   word; runs set apart by a wider gap are words of one phrase ("N O T   F O
 *   R   P U B L I C A T I O N" reads "NOT FOR PUBLICATION") when one of them
 *   has four letters. Single letters in prose ("I a m") are never joined.
 *
 * Linear in the length of the line. Nothing here changes case: phrase.c
 * folds case afterwards.
 */

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

enum disguise {
	DISGUISE_INVISIBLE = 1u << 0,	/* invisible characters removed */
	DISGUISE_LOOKALIKE = 1u << 1,	/* look-alike letters read as Latin */
	DISGUISE_SPACED = 1u << 2	/* letters spaced apart joined */
};

/* LINE[0, LEN) (valid UTF-8, best NFKC-normalised, no line break) with its
   disguises undone, appended to OUT. Returns the disguises found (enum
   disguise); 0: nothing was disguised, LINE reads as it is, and nothing
   was appended (most lines: no copy). */
unsigned disguise_undo(const char *line, size_t len, GString *out);

/* S (valid UTF-8) without its invisible characters, as a person sees it:
   for evidence. Returns a new string (g_free). */
char *disguise_visible(const char *s);

#endif
