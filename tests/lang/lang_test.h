#ifndef COUNCIL_TESTS_LANG_TEST_H
#define COUNCIL_TESTS_LANG_TEST_H

/* The language layer with the shipped lists (policy/phrases) and WordNet,
   for the table-driven tests and the sentence tool. */

#include <stdbool.h>
#include <stddef.h>

#include "policy/lang.h"

struct lang_test;
/* NULL (with a message on stderr) when WordNet or a list cannot be read. */
struct lang_test *lang_test_new(void);
void lang_test_free(struct lang_test **lt);
size_t lang_test_lexicon_verbs(const struct lang_test *lt);

/* The rows of tests/lang/NAME (FIELDS tab-separated fields a row), as one
   NULL-terminated vector of FIELDS strings per row (g_strfreev). */
char **lang_test_read_table(const char *name, size_t fields);

/* Is SENTENCE a request, a commitment? *HOW_R: how the request was read. */
void lang_test_classify(const struct lang_test *lt, const char *sentence, bool *request_r,
			bool *commit_r, const char **how_r);
/* Is TEXT (one paragraph) a party-political ask? */
bool lang_test_party_ask(const struct lang_test *lt, const char *text);
/* The hits of KIND in TEXT, at most MAX. */
size_t lang_test_hits(const struct lang_test *lt, const struct lang_text *text,
		      enum lang_kind kind, struct lang_hit *hits_r, size_t max);

#endif
