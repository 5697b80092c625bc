#ifndef COUNCIL_HOLD_PRIVATE_H
#define COUNCIL_HOLD_PRIVATE_H

/* Shared by hold.c (the actions) and held.c (the journal joined with the
   queue); not part of the library's contract. */

#include "hold/hold.h"

/* The decision lines of the journal at PATH (and of PATH.1, its last
   rotation) that held a message, by queue id, the latest winning (JsonObject,
   referenced). ENOENT is an empty journal; -1 when it cannot be read
   (*eacces_r: for lack of permission). */
int held_journal_index(const char *path, GHashTable **index_r, bool *eacces_r,
		       const char **error_r);

/* ENTRY (taken over) joined with its decision line in INDEX, if any. */
struct hold_item *held_item_new(const struct conf *conf, struct hold_entry *entry,
				GHashTable *index);

/* Fill what the journal did not say (no record) from the message text. */
void held_fill_from_message(struct hold_item *item, const struct conf *conf,
			    const char *message, size_t len);

#endif
