#ifndef COUNCIL_MILTER_MARKER_H
#define COUNCIL_MILTER_MARKER_H

/*
 * marker: how the daemon knows its own notices. Each notice carries the header
 * MARKER_HEADER with an HMAC-SHA256 of its Message-ID under a per-installation
 * secret (the notice_key file, created 0600 on first use) and is sent from the
 * null sender. The engine passes a message unjudged only when both hold and
 * removes the marker before delivery, so the secret's work never leaves the
 * server; a marker without the right HMAC is judged like any other message.
 *
 * Errors: as util.h says.
 */

#include <stdbool.h>

#define MARKER_HEADER "Council-Policy-Notice"

struct marker_key;

/* Read the secret from PATH; when it does not exist and CREATE, make a new
   one (random, written atomically, mode 0600). A key file that others may
   read or that is malformed is refused. */
int marker_key_load(const char *path, bool create, struct marker_key **key_r,
		    const char **error_r);
void marker_key_free(struct marker_key **key);

/* The header value that marks the notice whose Message-ID is MESSAGE_ID
   (angle brackets and surrounding blanks do not count). g_free. */
char *marker_value(const struct marker_key *key, const char *message_id);

/* Does VALUE mark MESSAGE_ID under KEY? Compared in constant time. */
bool marker_valid(const struct marker_key *key, const char *message_id, const char *value);

#endif
