#ifndef COUNCIL_MILTER_GENERATION_H
#define COUNCIL_MILTER_GENERATION_H

/*
 * A generation is one loaded configuration and the engine built on it. New
 * connections pin the current generation and keep it to their end; a reload
 * installs a new one atomically, and the old one is freed when its last
 * connection closes (OpenDKIM's reference-counted config, STYLE.md).
 */

#include "engine/engine.h"

struct milter_gen;

/* Build an engine on CONF (pinned) and make it the current generation.
   Returns -1 with *error_r set, leaving the current one in force. The first
   install also opens what the daemon keeps for its life (thread store,
   journal, notice key: engine_shared_open); later ones borrow them and log
   the settings of those that changed, which need a restart. */
int milter_gen_install(struct conf *conf, const char **error_r);

/* Open the journal again (SIGUSR1: log rotation); failures are logged. */
void milter_gen_reopen(void);

/* The current generation, pinned; NULL before the first install. */
struct milter_gen *milter_gen_pin(void);
void milter_gen_unpin(struct milter_gen **gen);
struct engine *milter_gen_engine(struct milter_gen *gen);

/* Drop the current generation and the shared state (at exit; pinned ones
   live on), and wait for notices in flight. */
void milter_gen_shutdown(void);

#endif
