#ifndef COUNCIL_TESTS_POLICY_JUDGE_TEST_H
#define COUNCIL_TESTS_POLICY_JUDGE_TEST_H

/* Shared by the policy tests: load the test directory, parse a fixture.
   Paths are relative to $COUNCIL_SOURCE_DIR/tests (".." when unset). */

#include <stdbool.h>
#include <time.h>

#include "conf/conf.h"
#include "parser/parser.h"
#include "policy/policy.h"

#define TEST_CONF "policy/conf/councils.conf"
#define TEST_PHRASES "../policy/phrases"

/* PATH (relative to the source tree's tests/) as a usable path (g_free). */
char *test_path(const char *path);

/* 2026-06-01 12:00 UTC: outside Ashcombe's pre-election period. */
#define TEST_NOW ((time_t)1780315200)

/* Load TEST_CONF or fail the test with the loader's errors. */
struct conf *test_conf_load(void);
/* The same for NAME (relative to tests/). */
struct conf *test_conf_load_file(const char *name);

/* Read and parse messages/NAME, or fail the test. */
struct parser_message *test_parse(const char *name);

#endif
