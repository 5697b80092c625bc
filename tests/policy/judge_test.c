#include "judge_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <glib.h>

struct conf *test_conf_load(void)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;

	if (conf_load(TEST_CONF, TEST_PHRASES, &conf, &errors) != 0) {
		GString *all = g_string_new(NULL);

		for (size_t i = 0; errors != NULL && i < errors->n_lines; i++)
			g_string_append_printf(all, "\n  %s", errors->lines[i]);
		fail_msg("loading %s: got errors:%s\nwant none", TEST_CONF, all->str);
	}
	conf_errors_free(&errors);
	return conf;
}

struct parser_message *test_parse(const char *name)
{
	char *path = g_build_filename("messages", name, NULL);
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
	return msg;
}
