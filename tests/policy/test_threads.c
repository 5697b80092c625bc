/* The confidential-thread store: persistence, bounds, retention, torn
   appends, compaction, read-only mode and concurrent use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "policy/policy.h"

struct fixture {
	char *dir;
	char *path;
};

static int setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->dir = g_dir_make_tmp("council-threads-XXXXXX", NULL);
	assert_non_null(f->dir);
	f->path = g_build_filename(f->dir, "threads", NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	GDir *d = g_dir_open(f->dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(f->dir, name, NULL);

		g_unlink(p);
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	g_rmdir(f->dir);
	g_free(f->path);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static struct policy_thread_store *open_store(const char *path, unsigned days, unsigned max,
					      bool ro)
{
	struct policy_thread_store *st = NULL;
	const char *err = NULL;

	if (policy_thread_store_open(path, days, max, ro, &st, &err) != 0)
		fail_msg("open %s: got error \"%s\", want success", path ? path : "(memory)", err);
	return st;
}

static void add(struct policy_thread_store *st, const char *id, time_t when)
{
	const char *err = NULL;

	if (policy_thread_store_add(st, id, when, &err) != 0)
		fail_msg("add %s: got error \"%s\", want success", id, err);
}

static void want_contains(struct policy_thread_store *st, const char *id, bool want)
{
	bool got = policy_thread_store_contains(st, id);

	if (got != want)
		fail_msg("contains %s: got %s, want %s", id, got ? "yes" : "no",
			 want ? "yes" : "no");
}

static size_t file_lines(const char *path)
{
	char *data = NULL;
	size_t n = 0;

	if (!g_file_get_contents(path, &data, NULL, NULL))
		return 0;
	for (const char *p = data; *p != '\0'; p++)
		n += *p == '\n';
	g_free(data);
	return n;
}

static void test_memory_only(void **state)
{
	struct policy_thread_store *st = open_store(NULL, 30, 10, false);
	const char *err = NULL;

	add(st, "<abc@example.org>", time(NULL));
	want_contains(st, "abc@example.org", true);	/* brackets do not matter */
	want_contains(st, "<abc@example.org>", true);
	want_contains(st, "ABC@example.org", false);	/* Message-IDs are case-sensitive */
	want_contains(st, "other@example.org", false);
	assert_int_equal(policy_thread_store_add(st, "two words@x", time(NULL), &err), -1);
	assert_non_null(err);
	assert_int_equal(policy_thread_store_add(st, "", time(NULL), &err), -1);
	policy_thread_store_close(&st);
	assert_null(st);
}

static void test_persists(void **state)
{
	struct fixture *f = *state;
	struct policy_thread_store *st = open_store(f->path, 30, 10, false);

	add(st, "one@x", time(NULL));
	add(st, "two@x", time(NULL));
	policy_thread_store_close(&st);
	st = open_store(f->path, 30, 10, false);
	want_contains(st, "one@x", true);
	want_contains(st, "two@x", true);
	want_contains(st, "three@x", false);
	policy_thread_store_close(&st);
}

static void test_bounded(void **state)
{
	struct fixture *f = *state;
	struct policy_thread_store *st = open_store(f->path, 30, 3, false);
	time_t now = time(NULL);
	char id[32];

	for (int i = 0; i < 5; i++) {
		g_snprintf(id, sizeof(id), "m%d@x", i);
		add(st, id, now + i);
	}
	want_contains(st, "m0@x", false);	/* oldest dropped first */
	want_contains(st, "m1@x", false);
	want_contains(st, "m4@x", true);
	policy_thread_store_close(&st);
	/* A larger file than the bound (another config) is cut on open. */
	st = open_store(f->path, 30, 2, false);
	want_contains(st, "m2@x", false);
	want_contains(st, "m3@x", true);
	want_contains(st, "m4@x", true);
	policy_thread_store_close(&st);
	if (file_lines(f->path) != 2)
		fail_msg("lines after open with max 2: got %zu, want 2", file_lines(f->path));
}

static void test_retention(void **state)
{
	struct fixture *f = *state;
	time_t now = time(NULL);
	struct policy_thread_store *st = open_store(f->path, 30, 100, false);

	add(st, "old@x", now - 40 * 86400);
	add(st, "recent@x", now - 29 * 86400);
	want_contains(st, "old@x", false);
	want_contains(st, "recent@x", true);
	policy_thread_store_close(&st);
	st = open_store(f->path, 30, 100, false);
	want_contains(st, "recent@x", true);
	policy_thread_store_close(&st);
	if (file_lines(f->path) != 1)
		fail_msg("lines after reopen: got %zu, want 1 (old entry compacted away)",
			 file_lines(f->path));
}

/* A crash in the middle of an append leaves a torn last line; junk lines
   can come from anywhere. Both are skipped, and the next append does not
   glue onto the torn line. */
static void test_torn_and_junk(void **state)
{
	struct fixture *f = *state;
	time_t now = time(NULL);
	char *content = g_strdup_printf("%lld good@x\nnot a line\n-5 neg@x\n%lld\n%lld torn@x",
					(long long)now, (long long)now, (long long)now);
	struct policy_thread_store *st;

	assert_true(g_file_set_contents(f->path, content, -1, NULL));
	st = open_store(f->path, 30, 100, false);
	want_contains(st, "good@x", true);
	want_contains(st, "neg@x", false);
	want_contains(st, "torn@x", false);
	add(st, "after@x", now);
	policy_thread_store_close(&st);
	st = open_store(f->path, 30, 100, false);
	want_contains(st, "good@x", true);
	want_contains(st, "after@x", true);
	policy_thread_store_close(&st);
	g_free(content);
}

static void test_compaction(void **state)
{
	struct fixture *f = *state;
	struct policy_thread_store *st = open_store(f->path, 30, 10, false);
	time_t now = time(NULL);
	char id[32];

	for (int i = 0; i < 200; i++) {
		g_snprintf(id, sizeof(id), "c%d@x", i);
		add(st, id, now);
	}
	policy_thread_store_close(&st);
	/* Appends past twice the live entries (+16) trigger a rewrite. */
	if (file_lines(f->path) > 2 * 10 + 16)
		fail_msg("file lines: got %zu, want at most %d", file_lines(f->path), 2 * 10 + 16);
	st = open_store(f->path, 30, 10, false);
	want_contains(st, "c199@x", true);
	want_contains(st, "c189@x", false);
	policy_thread_store_close(&st);
}

static void test_read_only(void **state)
{
	struct fixture *f = *state;
	struct policy_thread_store *st = open_store(f->path, 30, 10, false);
	char *before = NULL, *after = NULL;

	add(st, "kept@x", time(NULL));
	policy_thread_store_close(&st);
	assert_true(g_file_get_contents(f->path, &before, NULL, NULL));

	st = open_store(f->path, 30, 10, true);
	want_contains(st, "kept@x", true);
	add(st, "judged@x", time(NULL));	/* remembered for this run only */
	want_contains(st, "judged@x", true);
	policy_thread_store_close(&st);
	assert_true(g_file_get_contents(f->path, &after, NULL, NULL));
	if (strcmp(before, after) != 0)
		fail_msg("read-only store changed the file: got \"%s\", want \"%s\"", after,
			 before);
	g_free(before);
	g_free(after);

	/* A read-only store of a file that does not exist is simply empty. */
	g_unlink(f->path);
	st = open_store(f->path, 30, 10, true);
	want_contains(st, "kept@x", false);
	policy_thread_store_close(&st);
	assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS));
}

static void test_open_error(void **state)
{
	struct fixture *f = *state;
	char *path = g_build_filename(f->dir, "missing-dir", "threads", NULL);
	struct policy_thread_store *st = NULL;
	const char *err = NULL;

	assert_int_equal(policy_thread_store_open(path, 30, 10, false, &st, &err), -1);
	assert_null(st);
	if (err == NULL || strstr(err, path) == NULL)
		fail_msg("error: got \"%s\", want it to name %s", err ? err : "(null)", path);
	g_free(path);
}

#define N_THREADS 4
#define N_PER_THREAD 250

struct worker {
	struct policy_thread_store *st;
	int n;
	int failures;
};

static gpointer worker_run(gpointer data)
{
	struct worker *w = data;
	const char *err;
	char id[48];

	for (int i = 0; i < N_PER_THREAD; i++) {
		g_snprintf(id, sizeof(id), "t%d-%d@x", w->n, i);
		if (policy_thread_store_add(w->st, id, time(NULL), &err) != 0 ||
		    !policy_thread_store_contains(w->st, id))
			w->failures++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct fixture *f = *state;
	struct policy_thread_store *st = open_store(f->path, 30, 10000, false);
	struct worker w[N_THREADS];
	GThread *t[N_THREADS];
	char id[48];

	for (int i = 0; i < N_THREADS; i++) {
		w[i] = (struct worker){ .st = st, .n = i };
		t[i] = g_thread_new("store", worker_run, &w[i]);
	}
	for (int i = 0; i < N_THREADS; i++) {
		g_thread_join(t[i]);
		if (w[i].failures != 0)
			fail_msg("thread %d: got %d failures, want 0", i, w[i].failures);
	}
	policy_thread_store_close(&st);
	st = open_store(f->path, 30, 10000, false);
	for (int i = 0; i < N_THREADS; i++)
		for (int k = 0; k < N_PER_THREAD; k++) {
			g_snprintf(id, sizeof(id), "t%d-%d@x", i, k);
			want_contains(st, id, true);
		}
	policy_thread_store_close(&st);
	if (file_lines(f->path) != N_THREADS * N_PER_THREAD)
		fail_msg("lines: got %zu, want %d (no torn or interleaved line)",
			 file_lines(f->path), N_THREADS * N_PER_THREAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_only),
		cmocka_unit_test_setup_teardown(test_persists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_and_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
