#include "judge_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <glib.h>

char *test_path(const char *path)
{
	const char *src = g_getenv("COUNCIL_SOURCE_DIR");

	return g_build_filename(src != NULL ? src : "..", "tests", path, NULL);
}

struct conf *test_conf_load(void)
{
	return test_conf_load_file(TEST_CONF);
}

struct conf *test_conf_load_file(const char *name)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	char *path = test_path(name), *phrases = test_path(TEST_PHRASES);

	if (conf_load(path, phrases, &conf, &errors) != 0) {
		GString *all = g_string_new(NULL);

		for (size_t i = 0; errors != NULL && i < errors->n_lines; i++)
			g_string_append_printf(all, "\n  %s", errors->lines[i]);
		fail_msg("loading %s: got errors:%s\nwant none", name, all->str);
	}
	conf_errors_free(&errors);
	g_free(path);
	g_free(phrases);
	return conf;
}

struct parser_message *test_parse(const char *name)
{
	char *rel = g_build_filename("messages", name, NULL);
	char *path = test_path(rel);
	char *data = NULL;
	gsize len = 0;
	struct parser_message *msg = NULL;
	const char *error = NULL;

	if (!g_file_get_contents(path, &data, &len, NULL))
		fail_msg("cannot read fixture %s", path);
	if (parser_parse(data, len, NULL, &msg, &error) != 0)
		fail_msg("parsing %s: got error \"%s\", want a model", path, error);
	g_free(data);
	g_free(path);
	g_free(rel);
	return msg;
}
