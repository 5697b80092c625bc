/*
 * conf-bench: what loading a directory costs and what one address lookup
 * costs, for bench/conf-directory.py. Not a test: it prints figures.
 *
 *   conf-bench CONF PHRASE_DIR [LOOKUPS]
 *
 * Prints one line of name=value pairs: councils, people, addresses,
 * load_ms (median of several loads), present_ns and absent_ns (median
 * nanoseconds per conf_person_lookup over LOOKUPS lookups of addresses in
 * the directory, written as a mail client would, and of addresses not in it).
 *
 * The lookups cycle through SAMPLE separately allocated strings drawn from
 * the directory, whatever its size, so that the inputs cost the same in
 * every run and only the directory's size differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "conf/conf.h"

#define ROUNDS 5
#define SAMPLE 8192

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static struct conf *load(const char *path, const char *phrase_dir)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;

	if (conf_load(path, phrase_dir, &conf, &errors) < 0) {
		for (size_t i = 0; i < errors->n_lines; i++)
			fprintf(stderr, "%s\n", errors->lines[i]);
		exit(1);
	}
	return conf;
}

/* SAMPLE copies drawn at random from ALL. */
static GPtrArray *sample(GPtrArray *all, GRand *rand)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (int i = 0; i < SAMPLE; i++)
		g_ptr_array_add(out,
				g_strdup(all->pdata[g_rand_int_range(rand, 0, (gint32)all->len)]));
	return out;
}

static double lookup_ns(const struct conf *conf, GPtrArray *addrs, long lookups, bool want_found)
{
	double t0, t1;
	long found = 0;

	t0 = now_ns();
	for (long i = 0; i < lookups; i++)
		found += conf_person_lookup(conf, addrs->pdata[(guint)i % addrs->len]) != NULL;
	t1 = now_ns();
	if (found != (want_found ? lookups : 0)) {
		fprintf(stderr, "conf-bench: %ld of %ld lookups found someone, want %s\n", found,
			lookups, want_found ? "all" : "none");
		exit(1);
	}
	return (t1 - t0) / (double)lookups;
}

int main(int argc, char **argv)
{
	long lookups = argc > 3 ? atol(argv[3]) : 2000000;
	double loads[ROUNDS], present[ROUNDS], absent[ROUNDS];
	GPtrArray *all_in = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *all_out = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *in, *out;
	GRand *rand = g_rand_new_with_seed(1);
	struct conf *conf = NULL;
	size_t people = 0;

	if (argc < 3 || lookups <= 0) {
		fprintf(stderr, "usage: conf-bench CONF PHRASE_DIR [LOOKUPS]\n");
		return 2;
	}
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		if (conf != NULL)
			conf_unref(&conf);
		conf = load(argv[1], argv[2]);
		loads[r] = (now_ns() - t0) / 1e6;
	}
	/* Present: each address as a mail client may write it (display name,
	   angle brackets, upper case, a +tag). Absent: same shapes, nobody. */
	for (size_t c = 0; c < conf->n_councils; c++) {
		const struct conf_council *council = &conf->councils[c];

		for (size_t p = 0; p < council->n_people; p++) {
			const struct conf_person *person = &council->people[p];

			people++;
			for (size_t a = 0; a < person->n_addresses; a++) {
				const char *addr = person->addresses[a];
				const char *at = strrchr(addr, '@');
				char *upper = g_ascii_strup(addr, -1);

				g_ptr_array_add(all_in, g_strdup(addr));
				g_ptr_array_add(all_in,
						g_strdup_printf("%s <%s>", person->name, upper));
				g_ptr_array_add(
				    all_in,
				    g_strdup_printf("%.*s+list%s", (int)(at - addr), addr, at));
				g_ptr_array_add(all_out,
						g_strdup_printf("nobody%zu.%zu%s", p, a, at));
				g_ptr_array_add(
				    all_out,
				    g_strdup_printf("X <%.*sx%s>", (int)(at - addr), addr, at));
				g_ptr_array_add(all_out, g_strdup_printf("%.*s@elsewhere.example",
									 (int)(at - addr), addr));
				g_free(upper);
			}
		}
	}
	in = sample(all_in, rand);
	out = sample(all_out, rand);
	for (int r = 0; r < ROUNDS; r++) {
		present[r] = lookup_ns(conf, in, lookups, true);
		absent[r] = lookup_ns(conf, out, lookups, false);
	}
	printf("councils=%zu people=%zu addresses=%u load_ms=%.3f present_ns=%.1f absent_ns=%.1f\n",
	       conf->n_councils, people, all_in->len / 3, median(loads, ROUNDS),
	       median(present, ROUNDS), median(absent, ROUNDS));
	conf_unref(&conf);
	g_ptr_array_free(in, TRUE);
	g_ptr_array_free(out, TRUE);
	g_ptr_array_free(all_in, TRUE);
	g_ptr_array_free(all_out, TRUE);
	g_rand_free(rand);
	return 0;
}
