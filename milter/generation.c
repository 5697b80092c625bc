/* Reference-counted configuration generations (see generation.h). */
#include "milter/generation.h"

#include <pthread.h>

#include <glib.h>

#include "audit/audit.h"
#include "milter/log.h"
#include "milter/metrics.h"
#include "milter/notify.h"

struct milter_gen {
	gint refs;
	struct engine *engine;
};

static pthread_mutex_t gen_lock = PTHREAD_MUTEX_INITIALIZER;
static struct milter_gen *gen_current;
/* The thread store, journal and notice key: opened from the first
   configuration and kept for the daemon's life; every generation borrows
   them. Set and cleared only by the thread that installs (start, SIGUSR1). */
static struct engine_shared *gen_shared;

int milter_gen_install(struct conf *conf, const char **error_r)
{
	if (gen_shared == NULL) {
		if (engine_shared_open(conf, &gen_shared, error_r) < 0)
			return -1;
	} else {
		char *changes = engine_shared_changes(gen_shared, conf);
		if (changes != NULL)
			milter_log(LOG_WARNING, "%s changed: %s; restart council-milter for this "
				   "to take effect", conf->path, changes);
		g_free(changes);
	}
	struct milter_gen *gen = g_new0(struct milter_gen, 1);
	gen->refs = 1;		/* the reference held as "current" */
	gen->engine = engine_new_shared(conf, gen_shared);

	pthread_mutex_lock(&gen_lock);
	struct milter_gen *old = gen_current;
	gen_current = gen;
	pthread_mutex_unlock(&gen_lock);
	milter_gen_unpin(&old);
	milter_metrics_generation();
	return 0;
}

void milter_gen_reopen(void)
{
	const char *error;

	if (gen_shared == NULL)
		return;
	if (engine_shared_reopen(gen_shared, &error) < 0) {
		milter_log(LOG_ERR, "%s; still writing to the file open before", error);
	} else {
		milter_log(LOG_INFO, "journal %s opened again",
			   journal_path(engine_shared_journal(gen_shared)));
	}
}

struct milter_gen *milter_gen_pin(void)
{
	pthread_mutex_lock(&gen_lock);
	struct milter_gen *gen = gen_current;
	if (gen != NULL)
		g_atomic_int_inc(&gen->refs);
	pthread_mutex_unlock(&gen_lock);
	return gen;
}

void milter_gen_unpin(struct milter_gen **gen_p)
{
	struct milter_gen *gen = *gen_p;

	if (gen == NULL)
		return;
	*gen_p = NULL;
	if (!g_atomic_int_dec_and_test(&gen->refs))
		return;
	engine_free(&gen->engine);
	g_free(gen);
}

struct engine *milter_gen_engine(struct milter_gen *gen)
{
	return gen->engine;
}

void milter_gen_shutdown(void)
{
	pthread_mutex_lock(&gen_lock);
	struct milter_gen *old = gen_current;
	gen_current = NULL;
	pthread_mutex_unlock(&gen_lock);
	milter_gen_unpin(&old);
	/* Pinned generations keep their own reference to the shared state. */
	engine_shared_unref(&gen_shared);
	/* Notices still being handed to sendmail are waited for, not lost. */
	milter_notify_shutdown();
}
