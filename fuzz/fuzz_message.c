/*
 * fuzz_message: arbitrary bytes as a message, through the one path the
 * daemon uses: engine_message_load (header split, CRLF body), engine_run
 * (GMime parse, model, policy, footer), then engine_render and the judge's
 * JSON. The directory is fixed (fuzz/message.conf: councillors, officers
 * and press in every profile) so that rules fire and footers get written.
 *
 * The envelope comes from the input's last two bytes, so the fuzzer can
 * steer it while seed messages stay byte for byte as they were: sender,
 * recipients and AUTH login are drawn from the directory's own addresses,
 * an outsider, a press address and the null sender.
 *
 * Built twice: with libFuzzer (-DCOUNCIL_FUZZ=ON, clang) and, with
 * fuzz/replay.c as main, as a plain program that replays fuzz/regressions
 * in every build's ctest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz/fuzz.h"
#include "engine/engine.h"
#include "parser/parser.h"

static struct engine *engine;
static GPtrArray *pool;		/* envelope addresses (owned copies) */

static void pool_add_council(const struct conf_council *c)
{
	for (size_t p = 0; p < c->n_people; p++)
		for (size_t a = 0; a < c->people[p].n_addresses; a++)
			g_ptr_array_add(pool, g_strdup(c->people[p].addresses[a]));
	if (c->n_press_domains > 0)
		g_ptr_array_add(pool, g_strconcat("news@", c->press_domains[0], NULL));
}

static void teardown(void)
{
	engine_free(&engine);
	if (pool != NULL)
		g_ptr_array_unref(pool);
	parser_shutdown();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct conf *conf = fuzz_load_conf("fuzz/message.conf");
	const char *error;

	parser_init();
	if (engine_new(conf, true, false, &engine, &error) < 0) {
		fprintf(stderr, "fuzz_message: engine_new: %s\n", error);
		exit(1);
	}
	conf_unref(&conf);	/* the engine holds it */
	pool = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; i < engine_conf(engine)->n_councils; i++)
		pool_add_council(&engine_conf(engine)->councils[i]);
	g_ptr_array_add(pool, g_strdup("m.wood@example.org"));
	g_ptr_array_add(pool, g_strdup(""));
	atexit(teardown);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	unsigned b1 = len >= 1 ? data[len - 1] : 0, b2 = len >= 2 ? data[len - 2] : 0;
	unsigned h = b1 | b2 << 8;
	unsigned n = pool->len;
	const char *sender = g_ptr_array_index(pool, h % n);
	struct engine_message *msg = engine_message_new(engine);

	engine_message_set_sender(msg, sender);
	for (unsigned i = 0; i < 1 + (b2 >> 5); i++)
		(void)engine_message_add_rcpt(msg, g_ptr_array_index(pool, (h / n + 7 * i) % n));
	engine_message_set_auth(msg, (b2 & 1) ? sender : NULL);
	engine_message_set_queue_id(msg, (b2 & 2) ? "4FUZZ1D" : NULL);
	(void)engine_message_load(msg, (const char *)data, len);

	struct engine_result *res = engine_run(engine, msg);
	size_t out_len = 0;
	char *out = engine_render(msg, res, &out_len);
	char *json = engine_result_json(res);

	/* What the daemon would hand to libmilter must be well formed. */
	if (engine_result_action(res) == NULL || res->summary == NULL || json == NULL)
		abort();
	if (res->status != ENGINE_CONTINUE && (res->reply_code == NULL || res->reply_text == NULL))
		abort();
	g_free(out);
	g_free(json);
	engine_result_free(&res);
	engine_message_free(&msg);
	return 0;
}
