/*
 * council-milter.conf(5) against the loader: every key of every schema is
 * described in its section with its default, bounds and choices; the
 * profile table is the catalogue; the EXAMPLE loads.
 */
#include <string.h>
#include <unistd.h>

#include "conf_test.h"
#include "conf/schema.h"

static char **man_lines(void)
{
	const char *src = g_getenv("COUNCIL_SOURCE_DIR");
	char *path =
	    g_build_filename(src != NULL ? src : "..", "doc", "council-milter.conf.5", NULL);
	char *text = NULL, **lines;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("cannot read %s", path);
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	g_free(path);
	return lines;
}

static bool is_heading(const char *line)
{
	return g_str_has_prefix(line, ".SH") || g_str_has_prefix(line, ".SS");
}

static bool heading_is(const char *line, const char *title)
{
	char *t;
	bool same;

	if (!is_heading(line))
		return false;
	t = g_strstrip(g_strdelimit(g_strdup(line + 3), "\"", ' '));
	same = strcmp(t, title) == 0;
	g_free(t);
	return same;
}

/* The text of KEY's entry (".TP", ".B key", text) in SECTION, or NULL. */
static char *entry(char **lines, const char *section, const char *key)
{
	char *want = g_strconcat(".B ", key, NULL);
	size_t i = 0;
	GString *out;

	while (lines[i] != NULL && !heading_is(lines[i], section))
		i++;
	if (lines[i] != NULL)
		i++;
	while (lines[i] != NULL && !is_heading(lines[i]) &&
	       !(strcmp(lines[i], want) == 0 && i > 0 && strcmp(lines[i - 1], ".TP") == 0))
		i++;
	g_free(want);
	if (lines[i] == NULL || is_heading(lines[i]))
		return NULL;
	out = g_string_new(NULL);
	for (i++; lines[i] != NULL && !is_heading(lines[i]) && !g_str_has_prefix(lines[i], ".TP");
	     i++)
		g_string_append_printf(out, "%s ", lines[i]);
	return g_string_free(out, FALSE);
}

static int expect(const char *section, const char *key, const char *text, char *want)
{
	int failed = strstr(text, want) == NULL;

	if (failed)
		print_error("%s / %s: want \"%s\" in its entry, got: %s\n", section, key, want,
			    text);
	g_free(want);
	return failed;
}

static void test_every_key_documented(void **state)
{
	char **lines = man_lines();
	int failures = 0, keys = 0;

	for (size_t s = 0; conf_schemas[s] != NULL; s++) {
		const struct schema *schema = conf_schemas[s];

		for (const struct schema_key *k = schema->keys; k->name != NULL; k++) {
			char *text = entry(lines, schema->section, k->name);

			keys++;
			if (text == NULL) {
				print_error("%s: key %s is not described (want \".B %s\")\n",
					    schema->section, k->name, k->name);
				failures++;
				continue;
			}
			if (k->required)
				failures +=
				    expect(schema->section, k->name, text, g_strdup("Required."));
			switch (k->type) {
			case SCHEMA_UINT:
			case SCHEMA_SIZE:
				failures +=
				    expect(schema->section, k->name, text,
					   g_strdup_printf("from %lld to %lld", k->min, k->max));
				failures += expect(schema->section, k->name, text,
						   g_strdup_printf("Default: %lld", k->def_num));
				break;
			case SCHEMA_OCTAL:
				failures += expect(schema->section, k->name, text,
						   g_strdup_printf("from \"%04llo\" to \"%04llo\"",
								   k->min, k->max));
				failures +=
				    expect(schema->section, k->name, text,
					   g_strdup_printf("Default: \"%04llo\"", k->def_num));
				break;
			case SCHEMA_BOOL:
				failures += expect(schema->section, k->name, text,
						   g_strdup_printf("Default: %s",
								   k->def_num ? "true" : "false"));
				break;
			case SCHEMA_CHAR:
				failures +=
				    expect(schema->section, k->name, text,
					   g_strdup_printf("Default: \"%c\"", (char)k->def_num));
				break;
			case SCHEMA_STRING:
			case SCHEMA_PATH:
			case SCHEMA_KEYWORD:
				/* phrase_dir's and document_reader's defaults are set at
				   build time (the man page says where a /usr package puts
				   them). */
				if (k->def_str != NULL && strcmp(k->name, "phrase_dir") != 0 &&
				    strcmp(k->name, "document_reader") != 0)
					failures += expect(schema->section, k->name, text,
							   g_strdup_printf("Default: \"%s\"",
									   k->def_str));
				break;
			case SCHEMA_ENUM:
				for (const struct schema_name *n = k->names; n->name != NULL; n++) {
					if (n->value == k->def_num)
						failures += expect(
						    schema->section, k->name, text,
						    g_strdup_printf("Default: \"%s\"", n->name));
				}
				break;
			default:
				break;
			}
			if (k->names != NULL && k->type != SCHEMA_MAP) {
				for (const struct schema_name *n = k->names; n->name != NULL; n++)
					failures += expect(schema->section, k->name, text,
							   g_strdup_printf("\"%s\"", n->name));
			}
			g_free(text);
		}
	}
	assert_true(keys > 40);
	assert_int_equal(failures, 0);
	g_strfreev(lines);
}

/* The PROFILES table lists each profile's enabled rules, in order. */
static void test_profile_table(void **state)
{
	char **lines = man_lines();
	size_t i = 0;
	const struct conf_profile *p = NULL;
	int r = -1, failures = 0, rows = 0;

	while (lines[i] != NULL && !heading_is(lines[i], "PROFILES"))
		i++;
	while (lines[i] != NULL && strcmp(lines[i], ".TS") != 0)
		i++;
	assert_non_null(lines[i]);
	for (i++; lines[i] != NULL && strcmp(lines[i], ".TE") != 0; i++) {
		char **cells;
		GString *clause;
		enum conf_action action;

		if (strcmp(lines[i], "lb s s.") == 0) {
			char *colon = strstr(lines[i + 1], ": ");

			assert_non_null(colon);
			*colon = '\0';
			p = conf_profile_find(lines[i + 1]);
			assert_non_null(p);
			assert_string_equal(colon + 2, p->protocol);
			r = -1;
			i++;
			continue;
		}
		if (strchr(lines[i], '\t') == NULL || p == NULL)
			continue;
		cells = g_strsplit(lines[i], "\t", -1);
		clause = g_string_new(cells[2]);
		if (strcmp(cells[2], "T{") == 0) {
			g_string_truncate(clause, 0);
			for (i++; lines[i] != NULL && strcmp(lines[i], "T}") != 0; i++) {
				if (lines[i][0] != '.')
					g_string_append_printf(clause, "%s%s",
							       clause->len ? " " : "", lines[i]);
			}
		}
		while (++r < CONF_RULE_COUNT && !p->rules[r].enabled)
			;
		rows++;
		if (r >= CONF_RULE_COUNT ||
		    strcmp(cells[0], conf_rule_id((enum conf_rule)r)) != 0) {
			print_error("%s: table row %s: not the next enabled rule (%s)\n", p->id,
				    cells[0],
				    r < CONF_RULE_COUNT ? conf_rule_id((enum conf_rule)r) : "none");
			failures++;
		} else {
			/* Headings are quoted in the table; a T{ block may wrap. */
			GRegex *ws = g_regex_new("\\s+", 0, 0, NULL);
			char *bare = g_strstrip(g_strdelimit(g_strdup(clause->str), "\"", ' '));
			char *got = g_regex_replace_literal(ws, bare, -1, 0, " ", 0, NULL);

			if (conf_action_parse(cells[1], &action) < 0 ||
			    action != p->rules[r].default_action ||
			    strcmp(got, p->rules[r].clause) != 0) {
				print_error("%s %s: got %s / %s in the table, want %s / %s\n",
					    p->id, cells[0], cells[1], got,
					    conf_action_name(p->rules[r].default_action),
					    p->rules[r].clause);
				failures++;
			}
			g_free(got);
			g_free(bare);
			g_regex_unref(ws);
		}
		g_string_free(clause, TRUE);
		g_strfreev(cells);
	}
	assert_int_equal(rows, 17);
	assert_int_equal(failures, 0);
	g_strfreev(lines);
}

static void test_example_loads(void **state)
{
	char **lines = man_lines();
	GString *conf_text = g_string_new(NULL);
	char *path = NULL;
	int fd = g_file_open_tmp("manpage-example-XXXXXX.conf", &path, NULL);
	size_t i = 0;
	struct conf *conf;

	assert_true(fd >= 0);
	close(fd);
	while (lines[i] != NULL && !heading_is(lines[i], "EXAMPLE"))
		i++;
	while (lines[i] != NULL && strcmp(lines[i], ".nf") != 0)
		i++;
	assert_non_null(lines[i]);
	for (i++; lines[i] != NULL && strcmp(lines[i], ".fi") != 0; i++)
		g_string_append_printf(conf_text, "%s\n", lines[i]);
	assert_true(g_file_set_contents(path, conf_text->str, -1, NULL));
	conf = test_load_ok(path);
	assert_int_equal(conf->n_councils, 1);
	assert_non_null(conf_person_lookup(conf, "cllr.jones@ashcombe-pc.gov.uk"));
	conf_unref(&conf);
	g_unlink(path);
	g_free(path);
	g_string_free(conf_text, TRUE);
	g_strfreev(lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_documented),
		cmocka_unit_test(test_profile_table),
		cmocka_unit_test(test_example_loads),
	};

	test_chdir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
