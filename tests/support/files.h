#ifndef COUNCIL_TEST_FILES_H
#define COUNCIL_TEST_FILES_H

/* Message files for the tests that run over every fixture and the corpus
   (tests/parser, tests/engine). GLib only, so that any suite can use it. */

#include <glib.h>

/* Every .eml and .msg file under DIR, in name order, appended to OUT
   (g_free'd paths); fails the test when DIR cannot be opened. */
void test_collect_messages(GPtrArray *out, const char *dir);

#endif
