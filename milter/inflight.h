#ifndef COUNCIL_MILTER_INFLIGHT_H
#define COUNCIL_MILTER_INFLIGHT_H

/*
 * Messages in flight: from MAIL FROM (envfrom) to their end of message,
 * abort or connection close. A clean stop (SIGTERM) refuses new messages
 * with a temporary failure and waits for these to finish, so that no
 * message is ever judged in part: each is judged whole, or the MTA keeps it
 * and tries again.
 */

#include <stdbool.h>

/* A message begins; false once the daemon is stopping (refuse it). */
bool milter_inflight_begin(void);
/* A message that began has ended. */
void milter_inflight_end(void);

/* Refuse new messages from now on (a clean stop has begun). */
void milter_inflight_refuse(void);
/* Wait until no message is in flight, for at most MILLISECONDS; returns how
   many still are. */
unsigned milter_inflight_wait(unsigned milliseconds);
unsigned milter_inflight_count(void);

/* Back to accepting messages with none in flight (tests only). */
void milter_inflight_reset(void);

#endif
