#ifndef COUNCIL_HOLD_PRIVATE_H
#define COUNCIL_HOLD_PRIVATE_H

/* Shared by hold.c (the actions), held.c (the journal joined with the
   queue) and the queue backends (postfix.c, sendmail.c); not part of the
   library's contract. */

#include "hold/hold.h"

/* The journal at PATH (and PATH.1, its last rotation) by queue id: the
   latest decision line or review line that released or deleted it
   (JsonObject, referenced). ENOENT is an empty journal; -1 when it cannot be
   read (*eacces_r: for lack of permission). */
int held_journal_index(const char *path, GHashTable **index_r, bool *eacces_r,
		       const char **error_r);

/* ENTRY (taken over) joined with its line in INDEX: in_journal when that
   line is a decision to hold it, written when it arrived (a queue id of a
   message that left may come back on another). */
struct hold_item *held_item_new(const struct conf *conf, struct hold_entry *entry,
				GHashTable *index);

/* Run the MTA's tool ARGV (spawn: no shell, empty environment): its stdout
   in *OUT_R (g_free; NULL: not kept), *LEN_R bytes, and its stderr in *ERR_R
   (likewise). Fails when it cannot be run or exits non-zero, quoting what it
   said; then *DENIED_R (may be NULL) is whether IS_REFUSAL (may be NULL) reads
   that as the MTA refusing us for lack of permission. */
int hold_run_tool(char *const *argv, char **out_r, size_t *len_r, char **err_r,
		  bool (*is_refusal)(const char *said), bool *denied_r, const char **error_r);

#endif
