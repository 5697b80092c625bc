#ifndef COUNCIL_TEST_FAKE_QUEUE_H
#define COUNCIL_TEST_FAKE_QUEUE_H

/* A hold queue in memory (hold.h's struct hold_queue) for the tests of the
   helper and the web page: what is "held", the text each id reads as (a
   fixture under tests/), and the actions taken on it, one per line. */

#include <time.h>

#include <glib.h>

#include "hold/hold.h"

struct fake_queue {
	struct hold_queue q;		/* q.free does nothing: the test frees it */
	GPtrArray *entries;		/* struct hold_entry * */
	GHashTable *files;		/* queue id -> fixture */
	GString *calls;			/* "release ID\n", "remove ID\n" */
};

struct fake_queue *fake_queue_new(void);
void fake_queue_free(struct fake_queue **fake);
/* Hold ID (from SENDER to RCPT, arrived at ARRIVAL), reading as FIXTURE. */
void fake_queue_add(struct fake_queue *fake, const char *id, time_t arrival,
		    const char *sender, const char *rcpt, const char *fixture);

/* Append to JOURNAL council-milter's decision to hold ID for COUNCIL, as
   the engine writes it (one finding: obligation-in-member-name, 12.2). */
void fake_decision(const char *journal, const char *id, const char *council,
		   const char *author, const char *author_name, const char *subject);

#endif
