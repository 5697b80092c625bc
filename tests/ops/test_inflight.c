/*
 * Messages in flight (milter/inflight.h), as a clean stop sees them:
 * refused once stopping, counted until they end, waited for with a bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <glib.h>

#include "milter/inflight.h"

static gpointer end_later(gpointer data)
{
	g_usleep(50 * 1000);
	milter_inflight_end();
	return NULL;
}

static void test_stop_sequence(void **state)
{
	milter_inflight_reset();
	assert_true(milter_inflight_begin());
	assert_true(milter_inflight_begin());
	assert_int_equal(milter_inflight_count(), 2);
	milter_inflight_end();

	/* Stopping: a new message is refused and not counted. */
	milter_inflight_refuse();
	assert_false(milter_inflight_begin());
	assert_int_equal(milter_inflight_count(), 1);

	/* The wait is bounded: one message still in flight after it. */
	assert_int_equal(milter_inflight_wait(10), 1);

	/* A message ending in another thread wakes the waiter (the bound is
	   far beyond the 50 ms it takes, so the result does not depend on
	   timing). */
	GThread *t = g_thread_new("end", end_later, NULL);
	assert_int_equal(milter_inflight_wait(60 * 1000), 0);
	g_thread_join(t);

	/* An end with nothing in flight does not wrap the count. */
	milter_inflight_end();
	assert_int_equal(milter_inflight_count(), 0);
	milter_inflight_reset();
	assert_true(milter_inflight_begin());
	milter_inflight_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_sequence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
