/* util_error: the error contract's texts are the thread's own, quote the one
   before, and are freed by the next (ASan: no leak, no use after free). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "util/util.h"

static gpointer other_thread(gpointer arg)
{
	const char *mine = util_error("thread %d", 2);

	return g_strdup(mine);
}

static void test_error_text(void **state)
{
	const char *first = util_error("cannot open %s: %s", "/x", "No such file");

	assert_string_equal(first, "cannot open /x: No such file");
	/* A caller quotes its callee's text in its own. */
	const char *second = util_error("journal: %s", first);
	assert_string_equal(second, "journal: cannot open /x: No such file");

	/* Another thread's errors are its own: ours stays as it was. */
	GThread *t = g_thread_new("other", other_thread, NULL);
	char *theirs = g_thread_join(t);
	assert_string_equal(theirs, "thread 2");
	assert_string_equal(second, "journal: cannot open /x: No such file");
	g_free(theirs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
