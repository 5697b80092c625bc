#ifndef COUNCIL_TEST_MILTER_HELPERS_H
#define COUNCIL_TEST_MILTER_HELPERS_H

/* Shared by the tests of engine/, audit/, hold/ and milter/: configs from templates in a temporary
   directory, fixtures from tests/messages. Paths are relative to the
   source tree's tests/ ($COUNCIL_SOURCE_DIR/tests). */

#include <stddef.h>

#include <glib.h>

#include "conf/conf.h"
#include "engine/engine.h"
#include "policy/policy.h"

/* A fresh temporary directory, and its removal. */
char *test_tmpdir(void);
void test_rmdir(char **dir);

/* Load tests/support/NAME.conf.in with @ROOT@ replaced by ROOT and @KEY@ by
   the value following it in the NULL-terminated KEY, VALUE list; fails the
   test (with every error line) when the config does not load. */
struct conf *test_conf(const char *name, const char *root, ...);

/* An engine on test_conf(NAME, ROOT) (the engine holds the config). */
struct engine *test_engine(const char *name, const char *root);

/* The first Unicode format character (Cf: U+202E and its kind) in S, or
   NULL (S may be NULL). */
const char *test_hidden_char(const char *s);

/* The whole file REL under tests/ (fails the test when unreadable). */
char *test_read(const char *rel, size_t *len_r);

/* A message loaded from a fixture, with its envelope. RCPTS is
   NULL-terminated. */
struct engine_message *test_message(struct engine *engine, const char *fixture,
				    const char *mail_from, const char *const *rcpts);

/* tests/support/fake-sendmail installed as ROOT/sendmail (the unit
   configs' sendmail), which records each run as ROOT/sent-PID.json: argv,
   env (as given), stdin. Returns its path (g_free). */
char *test_fake_sendmail(const char *root);
/* The runs recorded so far, as JsonObject (json_object_unref'd by the
   array), sorted by recipient (the last argument). */
GPtrArray *test_sent(const char *root);

/* The ops as one line, e.g. "delete Council-Policy-Results 1; insert
   Council-Policy-Results; quarantine", for "got X, want Y" failures. */
char *test_ops_describe(const struct engine_result *res);

/* A verdict as policy_judge makes them (freed by policy_verdict_free), for
   the council of CONF, with ACTION and a fixed result header. */
struct policy_verdict *test_verdict_new(const struct conf *conf, enum conf_action action);
void test_verdict_finding(struct policy_verdict *v, enum conf_rule rule,
			  enum conf_action action, const char *clause, const char *evidence);
/* Annotate with the footer "Copied to: Cllr Ann Jones" (silent-copy 12.1). */
struct policy_verdict *test_v_footer(const struct conf *conf);

#endif
