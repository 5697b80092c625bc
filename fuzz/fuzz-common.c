/*
 * What the fuzz targets share: finding the source tree's fixed config and
 * phrase lists, whether run by libFuzzer or by the replay driver.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "fuzz/fuzz.h"

const char *fuzz_source_dir(void)
{
	const char *dir = getenv("COUNCIL_SOURCE_DIR");

	return dir != NULL && *dir != '\0' ? dir : COUNCIL_FUZZ_SOURCE_DIR;
}

struct conf *fuzz_load_conf(const char *relpath)
{
	char *path = g_build_filename(fuzz_source_dir(), relpath, NULL);
	char *phrases = g_build_filename(fuzz_source_dir(), "policy", "phrases", NULL);
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;

	if (conf_load(path, phrases, &conf, &errors) < 0) {
		for (size_t i = 0; i < errors->n_lines; i++)
			fprintf(stderr, "%s\n", errors->lines[i]);
		exit(1);
	}
	g_free(path);
	g_free(phrases);
	return conf;
}
