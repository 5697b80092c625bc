/*
 * lang-bench: what the language layer (policy/lang.h) costs.
 *
 *   load     reading WordNet's lexicon and the shipped lists: milliseconds
 *            and the growth of the resident set (once per configuration)
 *   sentence every sentence of tests/lang/sentences.tsv classified, as
 *            texts of one sentence: microseconds per sentence (median of
 *            REPS passes)
 *   long     the same sentences as one text (one paragraph each), to show
 *            the cost per sentence does not grow with the text
 *   hostile  texts built to make a careless reader quadratic (no full
 *            stop, clause after clause; one party word after another; one
 *            endless "we will pay"), at 1x, 4x and 16x: the growth of the
 *            time per 4x (linear: about 4)
 *
 * Prints name=value lines; the last is lang_us_per_sentence=...
 *   build/bench/lang-bench [--reps N] [--quick]   (--quick: no hostile shapes)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "lang_test.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Resident set size in kB, from /proc/self/status. */
static long rss_kb(void)
{
	char *text = NULL, *p;
	long kb = -1;

	if (g_file_get_contents("/proc/self/status", &text, NULL, NULL) &&
	    (p = strstr(text, "VmRSS:")) != NULL)
		kb = strtol(p + 6, NULL, 10);
	g_free(text);
	return kb;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median seconds to classify TEXT (REPS times). */
static double time_text(const struct lang_test *lt, const char *text, int reps)
{
	double *t = g_new(double, reps), med;

	for (int k = 0; k < reps; k++) {
		bool req, commit;
		const char *how;
		double t0 = now();

		lang_test_classify(lt, text, &req, &commit, &how);
		lang_test_party_ask(lt, text);
		t[k] = now() - t0;
	}
	qsort(t, reps, sizeof(double), cmp_double);
	med = t[reps / 2];
	g_free(t);
	return med;
}

/* The worst growth per 4x over the hostile shapes. */
static double hostile(const struct lang_test *lt, int reps)
{
	static const struct {
		const char *name, *unit;
	} shapes[] = {
		{ "no_stops", "and then move the bins and could you lock the gate " },
		{ "clauses", "please chase, order, move, lock, " },
		{ "party_words", "Labour Tories Lib Dem canvassing leaflet " },
		{ "we_will_pay", "my wife says we will pay " },
		{ "long_words", "supercalifragilisticexpialidocious-and-more-words-than-that " },
	};
	double worst = 0;

	for (size_t s = 0; s < G_N_ELEMENTS(shapes); s++) {
		double t[3];
		size_t base = 4000;	/* units at 1x: about 100 KB to 250 KB */

		for (int m = 0, mult = 1; m < 3; m++, mult *= 4) {
			GString *text = g_string_new(NULL);

			for (size_t u = 0; u < base * (size_t)mult; u++)
				g_string_append(text, shapes[s].unit);
			t[m] = time_text(lt, text->str, reps);
			g_string_free(text, TRUE);
		}
		printf("hostile %-12s 1x %.3fs 4x %.3fs 16x %.3fs growth %.2f %.2f\n",
		       shapes[s].name, t[0], t[1], t[2], t[1] / t[0], t[2] / t[1]);
		worst = MAX(worst, MAX(t[1] / t[0], t[2] / t[1]));
	}
	return worst;
}

int main(int argc, char **argv)
{
	int reps = 15;
	bool quick = false;
	double t0, load, *sent, *whole;
	long rss0, rss1;
	struct lang_test *lt;
	char **rows;
	size_t n = 0;
	GString *all = g_string_new(NULL);

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--quick") == 0)
			quick = true, reps = 3;
	rss0 = rss_kb();
	t0 = now();
	lt = lang_test_new();
	load = now() - t0;
	rss1 = rss_kb();
	if (lt == NULL)
		return 1;
	rows = lang_test_read_table("sentences.tsv", 3);
	for (char **r = rows; *r != NULL; r += 3, n++)
		g_string_append_printf(all, "%s\n\n", r[2]);
	sent = g_new(double, reps);
	whole = g_new(double, reps);
	for (int k = 0; k < reps; k++) {
		bool req, commit;
		const char *how;

		t0 = now();
		for (char **r = rows; *r != NULL; r += 3)
			lang_test_classify(lt, r[2], &req, &commit, &how);
		sent[k] = (now() - t0) / n * 1e6;
		t0 = now();
		lang_test_classify(lt, all->str, &req, &commit, &how);
		whole[k] = (now() - t0) / n * 1e6;
	}
	qsort(sent, reps, sizeof(double), cmp_double);
	qsort(whole, reps, sizeof(double), cmp_double);
	printf("sentences=%zu reps=%d\n", n, reps);
	printf("lexicon_verbs=%zu\n", lang_test_lexicon_verbs(lt));
	printf("load_ms=%.1f\n", load * 1e3);
	printf("load_rss_kb=%ld\n", rss1 - rss0);
	printf("lang_us_per_sentence_as_one_text=%.2f\n", whole[reps / 2]);
	if (!quick)
		printf("lang_hostile_growth=%.2f\n", hostile(lt, 3));
	printf("lang_us_per_sentence=%.2f\n", sent[reps / 2]);
	g_free(sent);
	g_free(whole);
	g_strfreev(rows);
	g_string_free(all, TRUE);
	lang_test_free(&lt);
	return 0;
}
