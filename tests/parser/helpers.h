#ifndef COUNCIL_TESTS_PARSER_HELPERS_H
#define COUNCIL_TESTS_PARSER_HELPERS_H

/* Shared by the parser suites: fixture paths are relative to the source
   tree's tests/ folder ($COUNCIL_SOURCE_DIR/tests, set by ctest). */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser/parser.h"

/* cmocka group setup/teardown: parser_init / parser_shutdown. */
int parser_group_setup(void **state);
int parser_group_teardown(void **state);
/* The whole file, NUL-terminated; fails the test when unreadable. */
char *fixture_read(const char *path, size_t *len_r);
/* Parse a fixture with LIMITS (NULL: defaults); fails the test on error. */
struct parser_message *fixture_parse(const char *path, const struct parser_limits *limits);
/* Fail with "FILE: WHAT: got ..., want ..." unless HAYSTACK holds NEEDLE. */
void expect_contains(const char *file, const char *what, const char *haystack,
		     const char *needle);
void expect_lacks(const char *file, const char *what, const char *haystack, const char *needle);
void expect_str(const char *file, const char *what, const char *got, const char *want);
void expect_uint(const char *file, const char *what, unsigned long got, unsigned long want);
/* How many times NEEDLE occurs in HAYSTACK. */
unsigned count_occurrences(const char *haystack, const char *needle);

#endif
