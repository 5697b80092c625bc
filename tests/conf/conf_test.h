#ifndef COUNCIL_TEST_CONF_TEST_H
#define COUNCIL_TEST_CONF_TEST_H

/* Helpers shared by the conf tests. Tests run from tests/ (see
   tests/CMakeLists.txt), so fixtures are named relative to it. */

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "conf/conf.h"

/* Fixtures are named from tests/ (as the error fixtures' file names are).
   Go there whatever folder ctest started us in. */
static inline void test_chdir(void)
{
	const char *src = g_getenv("COUNCIL_SOURCE_DIR");
	char *dir = g_build_filename(src != NULL ? src : "..", "tests", NULL);

	if (src != NULL && g_chdir(dir) != 0) {
		fprintf(stderr, "cannot change to %s\n", dir);
		exit(1);
	}
	g_free(dir);
}

/* The build tree's phrase lists (policy/phrases). */
static inline const char *test_phrase_dir(void)
{
	static char *dir;

	if (dir == NULL) {
		const char *src = g_getenv("COUNCIL_SOURCE_DIR");
		dir = g_build_filename(src != NULL ? src : "..", "policy", "phrases", NULL);
	}
	return dir;
}

/* Load PATH, which must be valid: on errors print them and fail.
   PHRASE_DIR NULL: the one PATH configures. */
static inline struct conf *test_load_ok_from(const char *path, const char *phrase_dir)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;

	if (conf_load(path, phrase_dir, &conf, &errors) < 0) {
		for (size_t i = 0; i < errors->n_lines; i++)
			print_error("%s\n", errors->lines[i]);
		conf_errors_free(&errors);
		fail_msg("%s: got errors, want a valid config", path);
	}
	assert_null(errors);
	assert_non_null(conf);
	return conf;
}

static inline struct conf *test_load_ok(const char *path)
{
	return test_load_ok_from(path, test_phrase_dir());
}

#endif
