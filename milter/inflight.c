/* Messages in flight, for a clean stop (see inflight.h). */
#include "milter/inflight.h"

#include <glib.h>

static GMutex lock;
static GCond idle;
static unsigned count;
static bool stopping;

bool milter_inflight_begin(void)
{
	bool ok;

	g_mutex_lock(&lock);
	ok = !stopping;
	if (ok)
		count++;
	g_mutex_unlock(&lock);
	return ok;
}

void milter_inflight_end(void)
{
	g_mutex_lock(&lock);
	if (count > 0 && --count == 0)
		g_cond_broadcast(&idle);
	g_mutex_unlock(&lock);
}

void milter_inflight_refuse(void)
{
	g_mutex_lock(&lock);
	stopping = true;
	g_mutex_unlock(&lock);
}

unsigned milter_inflight_wait(unsigned milliseconds)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)milliseconds * 1000;
	unsigned left;

	g_mutex_lock(&lock);
	while (count > 0 && g_cond_wait_until(&idle, &lock, deadline))
		;
	left = count;
	g_mutex_unlock(&lock);
	return left;
}

unsigned milter_inflight_count(void)
{
	unsigned n;

	g_mutex_lock(&lock);
	n = count;
	g_mutex_unlock(&lock);
	return n;
}

void milter_inflight_reset(void)
{
	g_mutex_lock(&lock);
	stopping = false;
	count = 0;
	g_mutex_unlock(&lock);
}
