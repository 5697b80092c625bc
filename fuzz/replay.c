/*
 * replay: main() for a fuzz target built without libFuzzer. Runs the
 * target once on every file named (directories: every file in them, sorted),
 * so that whatever the fuzzer once found stays fixed in every build's ctest,
 * sanitizers included. Exits 1 if given no input at all, so that a test
 * pointed at an empty or missing directory does not pass by doing nothing.
 *
 *   replay_message FILE|DIR...
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "fuzz/fuzz.h"

static int run_file(const char *path)
{
	char *data;
	size_t len;
	GError *gerr = NULL;

	if (!g_file_get_contents(path, &data, &len, &gerr)) {
		fprintf(stderr, "replay: %s\n", gerr->message);
		g_error_free(gerr);
		exit(1);
	}
	/* A private copy of exactly LEN bytes, so ASan sees any overread. */
	uint8_t *copy = g_memdup2(data, len);
	g_free(data);
	LLVMFuzzerTestOneInput(copy, len);
	g_free(copy);
	return 1;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	if (!g_file_test(path, G_FILE_TEST_IS_DIR))
		return run_file(path);

	GDir *d = g_dir_open(path, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	int n = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		exit(1);
	}
	while ((name = g_dir_read_name(d)) != NULL)
		if (name[0] != '.')
			g_ptr_array_add(names, g_build_filename(path, name, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, by_name);
	for (guint i = 0; i < names->len; i++)
		n += run_path(g_ptr_array_index(names, i));
	g_ptr_array_unref(names);
	return n;
}

int main(int argc, char **argv)
{
	int n = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		n += run_path(argv[i]);
	if (n == 0) {
		fprintf(stderr, "replay: no input files\n");
		return 1;
	}
	printf("replay: %d input(s) ran without a crash\n", n);
	return 0;
}
