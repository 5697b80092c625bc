/*
 * conf_attachment: data derived from one loaded config is created once,
 * however many threads ask at the same moment, is shared by every caller,
 * is freed when the config's last reference goes (not before), and belongs
 * to that config alone (a reload gets its own).
 */
#include <string.h>

#include "conf_test.h"

#define CONF_FILE "conf/valid/multi.conf"
#define THREADS 8
#define CALLS 200

/* What CREATE and DESTROY did, counted atomically: threads call them. */
static gint created, destroyed;
static gpointer last_destroyed;

struct token {
	const struct conf *conf;	/* the config it was made for */
	int serial;			/* value of `created` when made */
};

static void counters_reset(void)
{
	g_atomic_int_set(&created, 0);
	g_atomic_int_set(&destroyed, 0);
	last_destroyed = NULL;
}

static void *token_create(const struct conf *conf)
{
	struct token *t = g_new0(struct token, 1);

	t->conf = conf;
	t->serial = g_atomic_int_add(&created, 1) + 1;
	/* A slow builder widens the window in which other threads ask. */
	g_usleep(20000);
	return t;
}

static void token_destroy(void *data)
{
	g_atomic_int_inc(&destroyed);
	last_destroyed = data;
	g_free(data);
}

static void *null_create(const struct conf *conf)
{
	(void)conf;
	g_atomic_int_inc(&created);
	return NULL;
}

struct worker {
	const struct conf *conf;
	GThread *thread;
	void *seen[CALLS];
};

static gpointer worker_run(gpointer p)
{
	struct worker *w = p;

	for (int i = 0; i < CALLS; i++)
		w->seen[i] = conf_attachment(w->conf, "test/token", token_create, token_destroy);
	return NULL;
}

static void test_created_once_across_threads(void **state)
{
	struct conf *conf = test_load_ok(CONF_FILE);
	struct worker w[THREADS];
	void *first;

	(void)state;
	counters_reset();
	for (int i = 0; i < THREADS; i++) {
		w[i].conf = conf;
		w[i].thread = g_thread_new("attach", worker_run, &w[i]);
	}
	for (int i = 0; i < THREADS; i++)
		g_thread_join(w[i].thread);

	if (g_atomic_int_get(&created) != 1)
		fail_msg("create ran %d times for %d threads, want 1", created, THREADS);
	first = w[0].seen[0];
	assert_non_null(first);
	for (int i = 0; i < THREADS; i++)
		for (int k = 0; k < CALLS; k++)
			if (w[i].seen[k] != first)
				fail_msg("thread %d call %d: got %p, want the one attachment %p", i,
					 k, w[i].seen[k], first);
	assert_ptr_equal(((struct token *)first)->conf, conf);
	assert_int_equal(g_atomic_int_get(&destroyed), 0);
	conf_unref(&conf);
	assert_null(conf);
	if (g_atomic_int_get(&destroyed) != 1 || last_destroyed != first)
		fail_msg("after the last unref: destroyed %d (%p), want 1 (%p)", destroyed,
			 last_destroyed, first);
}

static void test_destroyed_at_last_unref(void **state)
{
	struct conf *conf = test_load_ok(CONF_FILE);
	struct conf *pin = conf_ref(conf);
	char key[32];
	void *t;

	(void)state;
	counters_reset();
	/* The key is compared as a string, not as a pointer. */
	t = conf_attachment(conf, "test/token", token_create, token_destroy);
	g_strlcpy(key, "test/token", sizeof(key));
	assert_ptr_equal(conf_attachment(conf, key, token_create, token_destroy), t);
	assert_int_equal(g_atomic_int_get(&created), 1);

	conf_unref(&conf);
	if (g_atomic_int_get(&destroyed) != 0)
		fail_msg("destroyed %d while a reference remains, want 0", destroyed);
	assert_ptr_equal(conf_attachment(pin, "test/token", token_create, token_destroy), t);
	conf_unref(&pin);
	if (g_atomic_int_get(&destroyed) != 1 || last_destroyed != t)
		fail_msg("after the last unref: destroyed %d, want 1", destroyed);
}

static void test_keys_and_configs_are_separate(void **state)
{
	struct conf *a = test_load_ok(CONF_FILE);
	struct conf *b = test_load_ok(CONF_FILE);	/* a reload: same file, new config */
	void *ta, *tb, *other;

	(void)state;
	counters_reset();
	ta = conf_attachment(a, "test/token", token_create, token_destroy);
	tb = conf_attachment(b, "test/token", token_create, token_destroy);
	other = conf_attachment(a, "test/other", token_create, token_destroy);
	assert_int_equal(g_atomic_int_get(&created), 3);
	assert_ptr_not_equal(ta, tb);
	assert_ptr_not_equal(ta, other);
	assert_ptr_equal(((struct token *)ta)->conf, a);
	assert_ptr_equal(((struct token *)tb)->conf, b);

	conf_unref(&a);
	if (g_atomic_int_get(&destroyed) != 2)
		fail_msg("unref of one config destroyed %d, want its 2 attachments", destroyed);
	assert_ptr_equal(conf_attachment(b, "test/token", token_create, token_destroy), tb);
	conf_unref(&b);
	assert_int_equal(g_atomic_int_get(&destroyed), 3);
}

static void test_null_is_kept(void **state)
{
	struct conf *conf = test_load_ok(CONF_FILE);

	(void)state;
	counters_reset();
	/* A NULL result is an answer too: CREATE is not run again; no DESTROY. */
	assert_null(conf_attachment(conf, "test/none", null_create, token_destroy));
	assert_null(conf_attachment(conf, "test/none", null_create, token_destroy));
	assert_int_equal(g_atomic_int_get(&created), 1);
	conf_unref(&conf);
	assert_int_equal(g_atomic_int_get(&destroyed), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_created_once_across_threads),
		cmocka_unit_test(test_destroyed_at_last_unref),
		cmocka_unit_test(test_keys_and_configs_are_separate),
		cmocka_unit_test(test_null_is_kept),
	};

	test_chdir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
