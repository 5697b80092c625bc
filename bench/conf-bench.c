/*
 * conf-bench: what loading a directory costs and what one address lookup
 * costs, for bench/conf-directory.py. Not a test: it prints figures.
 *
 *   conf-bench PHRASE_DIR LOOKUPS CONF...
 *
 * For each CONF prints one line of name=value pairs: councils, people,
 * addresses, load_ms (median of several loads), present_ns and absent_ns
 * (median ns per conf_person_lookup of addresses in the directory, written
 * as a mail client would, and of addresses not in it).
 *
 * The machine is shared, so measurements are interleaved: every round
 * measures every config in turn, and medians are taken over rounds; a
 * burst of other work then slows all configs alike instead of one. The
 * lookups cycle through SAMPLE separately allocated strings drawn from the
 * directory, whatever its size, so that only the directory's size differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "conf/conf.h"

#define ROUNDS 9
#define SAMPLE 8192

struct run {
	const char *path;
	struct conf *conf;
	size_t people, addresses;
	GPtrArray *in, *out;
	double load[ROUNDS], present[ROUNDS], absent[ROUNDS];
};

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

	for (int i = 0; i < SAMPLE; i++) {
		gint32 k = g_rand_int_range(rand, 0, (gint32)all->len);

		g_ptr_array_add(out, g_strdup(all->pdata[k]));
	}
	return out;
}

/* Present: each address as a mail client may write it (display name,
   angle brackets, upper case, a +tag). Absent: same shapes, nobody. */
static void make_inputs(struct run *run, GRand *rand)
{
	GPtrArray *in = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const struct conf *conf = run->conf;

	for (size_t c = 0; c < conf->n_councils; c++) {
		for (size_t p = 0; p < conf->councils[c].n_people; p++) {
			const struct conf_person *person = &conf->councils[c].people[p];

			run->people++;
			for (size_t a = 0; a < person->n_addresses; a++) {
				const char *addr = person->addresses[a];
				int local = (int)(strrchr(addr, '@') - addr);
				const char *at = addr + local;
				char *upper = g_ascii_strup(addr, -1);

				run->addresses++;
				g_ptr_array_add(in, g_strdup(addr));
				g_ptr_array_add(in, g_strdup_printf("%s <%s>", person->name, upper));
				g_ptr_array_add(in, g_strdup_printf("%.*s+list%s", local, addr, at));
				g_ptr_array_add(out, g_strdup_printf("nobody%zu.%zu%s", p, a, at));
				g_ptr_array_add(out, g_strdup_printf("X <%.*sx%s>", local, addr, at));
				g_ptr_array_add(out, g_strdup_printf("%.*s@elsewhere.example", local,
								     addr));
				g_free(upper);
			}
		}
	}
	run->in = sample(in, rand);
	run->out = sample(out, rand);
	g_ptr_array_free(in, TRUE);
	g_ptr_array_free(out, TRUE);
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
	GRand *rand = g_rand_new_with_seed(1);
	long lookups = argc > 2 ? atol(argv[2]) : 0;
	int n = argc - 3;
	struct run *runs;

	if (n < 1 || lookups <= 0) {
		fprintf(stderr, "usage: conf-bench PHRASE_DIR LOOKUPS CONF...\n");
		return 2;
	}
	runs = g_new0(struct run, n);
	for (int i = 0; i < n; i++) {
		runs[i].path = argv[3 + i];
		runs[i].conf = load(runs[i].path, argv[1]);
		make_inputs(&runs[i], rand);
	}
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < n; i++) {
			double t0 = now_ns();
			struct conf *again = load(runs[i].path, argv[1]);

			runs[i].load[r] = (now_ns() - t0) / 1e6;
			conf_unref(&again);
			runs[i].present[r] = lookup_ns(runs[i].conf, runs[i].in, lookups, true);
			runs[i].absent[r] = lookup_ns(runs[i].conf, runs[i].out, lookups, false);
		}
	}
	for (int i = 0; i < n; i++) {
		printf("councils=%zu people=%zu addresses=%zu load_ms=%.3f present_ns=%.1f "
		       "absent_ns=%.1f\n", runs[i].conf->n_councils, runs[i].people,
		       runs[i].addresses, median(runs[i].load, ROUNDS),
		       median(runs[i].present, ROUNDS), median(runs[i].absent, ROUNDS));
		conf_unref(&runs[i].conf);
		g_ptr_array_free(runs[i].in, TRUE);
		g_ptr_array_free(runs[i].out, TRUE);
	}
	g_free(runs);
	g_rand_free(rand);
	return 0;
}
