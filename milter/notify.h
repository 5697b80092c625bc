#ifndef COUNCIL_MILTER_NOTIFY_H
#define COUNCIL_MILTER_NOTIFY_H

/*
 * notify: the daemon's notices of held messages (the words are in
 * letters.h), handed to the MTA's sendmail (spawn.h) without holding up the
 * SMTP transaction: each sendmail is waited for by a thread of its own,
 * which logs how it ended. Failures are logged, never fatal. Only when the
 * configuration says notify = true.
 */

#include <stdbool.h>

#include "engine/engine.h"

/* After RES (a hold) was applied: tell the author of MSG (when known and
   inside the council) and the council's review_to. */
void milter_notify_hold(struct engine *engine, const struct engine_message *msg,
			const struct engine_result *res);

/* Hand MESSAGE to SENDMAIL for RCPT in the background. WHAT names it in the
   log ("4F2A1B3C: hold notice to x@y"). Returns false (logged) when it could
   not be started. */
bool milter_notify_send(const char *sendmail, const char *rcpt, const char *message,
			const char *what);

/* Wait for the notices still in flight (at exit); after 30 seconds the
   sendmail processes left are killed, and that is logged. */
void milter_notify_shutdown(void);

#endif
