#ifndef COUNCIL_MILTER_GENERATION_H
#define COUNCIL_MILTER_GENERATION_H

/*
 * A generation is one loaded configuration and the engine built on it. New
 * connections pin the current generation and keep it to their end; a reload
 * installs a new one atomically, and the old one is freed when its last
 * connection closes (OpenDKIM's reference-counted config, STYLE.md).
 */

#include "milter/engine.h"

struct milter_gen;

/* Build an engine on CONF (pinned) and make it the current generation.
   Returns -1 with *error_r set, leaving the current one in force. */
int milter_gen_install(struct conf *conf, const char **error_r);

/* The current generation, pinned; NULL before the first install. */
struct milter_gen *milter_gen_pin(void);
void milter_gen_unpin(struct milter_gen **gen);
struct engine *milter_gen_engine(struct milter_gen *gen);

/* Drop the current generation (at exit; pinned ones live on). */
void milter_gen_shutdown(void);

#endif
