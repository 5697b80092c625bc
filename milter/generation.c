/* Reference-counted configuration generations (see generation.h). */
#include "milter/generation.h"

#include <pthread.h>

#include <glib.h>

struct milter_gen {
	gint refs;
	struct engine *engine;
};

static pthread_mutex_t gen_lock = PTHREAD_MUTEX_INITIALIZER;
static struct milter_gen *gen_current;

int milter_gen_install(struct conf *conf, const char **error_r)
{
	struct engine *engine;

	if (engine_new(conf, false, true, &engine, error_r) < 0)
		return -1;
	struct milter_gen *gen = g_new0(struct milter_gen, 1);
	gen->refs = 1;		/* the reference held as "current" */
	gen->engine = engine;

	pthread_mutex_lock(&gen_lock);
	struct milter_gen *old = gen_current;
	gen_current = gen;
	pthread_mutex_unlock(&gen_lock);
	milter_gen_unpin(&old);
	return 0;
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
}
