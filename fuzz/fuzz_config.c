/*
 * fuzz_config: arbitrary bytes as a council-milter.conf, through conf_load
 * exactly as the daemon and -n call it (the bytes are written to a file in
 * a private temporary directory, since libconfig reads files and resolves
 * @include against the file's directory). The shipped phrase lists are
 * always used (the phrase_dir override), so the input cannot point the
 * loader at arbitrary directories. A config that loads is then queried the
 * way the policy does: every listed address must be found again.
 *
 * Built with libFuzzer and, with fuzz/replay.c, as a plain replay program.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fuzz/fuzz.h"

static char *dir, *path, *phrases;

static void teardown(void)
{
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	g_free(phrases);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	GError *gerr = NULL;

	dir = g_dir_make_tmp("council-fuzz-config-XXXXXX", &gerr);
	if (dir == NULL) {
		fprintf(stderr, "fuzz_config: %s\n", gerr->message);
		exit(1);
	}
	path = g_build_filename(dir, "council-milter.conf", NULL);
	phrases = g_build_filename(fuzz_source_dir(), "policy", "phrases", NULL);
	atexit(teardown);
	return 0;
}

static void query(const struct conf *conf)
{
	for (size_t c = 0; c < conf->n_councils; c++) {
		const struct conf_council *council = &conf->councils[c];

		for (size_t p = 0; p < council->n_people; p++) {
			const struct conf_person *person = &council->people[p];
			for (size_t a = 0; a < person->n_addresses; a++) {
				const char *addr = person->addresses[a];
				if (conf_person_lookup(conf, addr) == NULL) {
					fprintf(stderr, "fuzz_config: %s (%s) loaded but not "
						"found again\n", addr, person->name);
					abort();
				}
				(void)conf_address_in_council(conf, council, addr);
				(void)conf_address_is_press(conf, council, addr);
				g_free(conf_address_normalise(conf, addr));
			}
		}
		(void)conf_council_by_domain(conf, council->clerk);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	GError *gerr = NULL;

	if (!g_file_set_contents(path, (const char *)data, (gssize)len, &gerr)) {
		fprintf(stderr, "fuzz_config: %s\n", gerr->message);
		exit(1);
	}
	if (conf_load(path, phrases, &conf, &errors) == 0) {
		query(conf);
		conf_unref(&conf);
	} else {
		/* Every failure explains itself (conf.h: "file:line: key: message"). */
		if (errors == NULL || errors->n_lines == 0)
			abort();
		conf_errors_free(&errors);
	}
	return 0;
}
