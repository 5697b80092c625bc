#ifndef COUNCIL_MILTER_QUEUE_H
#define COUNCIL_MILTER_QUEUE_H

/*
 * queue: Postfix's hold queue, through Postfix's own tools (run with spawn.h:
 * fixed argv, no shell): postqueue -j to list (any user may), postcat -bh -q
 * to read a message, postsuper -H / -d to release or delete one (root only).
 * CONFIG_DIR (may be NULL) is a Postfix configuration directory, passed as
 * "-c DIR" for a private instance.
 *
 * Errors (util.h): -1 with *error_r quoting what the tool said.
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <glib.h>

struct queue_entry {
	char *queue_id;
	time_t arrival;
	long size;
	char *sender;		/* "" for <> */
	char **rcpts;		/* NULL-terminated */
	size_t n_rcpts;
};

/* A Postfix queue id: 1 to 64 letters and digits (short or long form). */
bool queue_id_valid(const char *id);

/* The messages in the hold queue, oldest first (struct queue_entry *, freed
   with the array). */
int queue_list_held(const char *config_dir, GPtrArray **held_r, const char **error_r);

/* The held message ID as its recipients would get it (headers and body,
   LF line ends). */
int queue_read(const char *config_dir, const char *id, char **message_r, size_t *len_r,
	       const char **error_r);

/* Release ID from the hold queue and ask for its delivery now; delete it.
   Each fails when Postfix did not act on exactly that one message. */
int queue_release(const char *config_dir, const char *id, const char **error_r);
int queue_delete(const char *config_dir, const char *id, const char **error_r);

#endif
