/*
 * Profiles: the catalogue (conf/profiles.c) agrees with the table in
 * doc/profiles.md; every quote is the protocol's own words; a council's
 * effective rule settings are its profile's plus its overrides.
 */
#include <string.h>

#include "conf_test.h"

static char *source_file(const char *rel)
{
	const char *src = g_getenv("COUNCIL_SOURCE_DIR");

	return g_build_filename(src != NULL ? src : "..", rel, NULL);
}

static char *strip(const char *cell, const char *chars)
{
	GString *out = g_string_new(NULL);

	for (const char *p = cell; *p != '\0'; p++) {
		if (strchr(chars, *p) == NULL)
			g_string_append_c(out, *p);
	}
	return g_strstrip(g_string_free(out, FALSE));
}

/* One row of the doc table per enabled rule, and nothing else. */
static void test_catalogue_matches_doc(void **state)
{
	char *path = source_file("doc/profiles.md"), *text = NULL, **lines;
	char *profile = NULL, *protocol = NULL;
	size_t n_profiles, rows = 0, enabled = 0;
	const struct conf_profile *const *all = conf_profiles(&n_profiles);
	int failures = 0;

	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		char **cells;
		const struct conf_profile *p;
		enum conf_rule rule;
		enum conf_action action;
		char *rule_id, *clause, *action_name, *first;

		if (!g_str_has_prefix(lines[i], "| ") || g_str_has_prefix(lines[i], "| profile") )
			continue;
		cells = g_strsplit(lines[i], "|", -1);
		if (g_strv_length(cells) != 7) {
			g_strfreev(cells);
			continue;
		}
		first = strip(cells[1], " `");
		if (first[0] != '\0') {
			g_free(profile);
			g_free(protocol);
			profile = first;
			protocol = g_strstrip(g_strdup(cells[2]));
		} else {
			g_free(first);
		}
		rule_id = strip(cells[3], " `");
		action_name = g_strstrip(g_strdup(cells[4]));
		clause = strip(cells[5], "\"");
		rows++;
		p = conf_profile_find(profile);
		if (p == NULL) {
			print_error("doc line %zu: profile %s: not in the catalogue\n", i + 1,
				    profile);
			failures++;
		} else if (strcmp(p->protocol, protocol) != 0) {
			print_error("%s: protocol: got \"%s\", want (doc) \"%s\"\n", profile,
				    p->protocol, protocol);
			failures++;
		} else if (conf_rule_parse(rule_id, &rule) < 0) {
			print_error("doc line %zu: unknown rule %s\n", i + 1, rule_id);
			failures++;
		} else if (!p->rules[rule].enabled) {
			print_error("%s %s: got disabled, want (doc) enabled\n", profile, rule_id);
			failures++;
		} else if (conf_action_parse(action_name, &action) < 0 ||
			   p->rules[rule].default_action != action) {
			print_error("%s %s: action: got %s, want (doc) %s\n", profile, rule_id,
				    conf_action_name(p->rules[rule].default_action), action_name);
			failures++;
		} else if (strcmp(p->rules[rule].clause, clause) != 0) {
			print_error("%s %s: clause: got \"%s\", want (doc) \"%s\"\n", profile,
				    rule_id, p->rules[rule].clause, clause);
			failures++;
		}
		g_free(rule_id);
		g_free(action_name);
		g_free(clause);
		g_strfreev(cells);
	}
	for (size_t i = 0; i < n_profiles; i++) {
		for (int r = 0; r < CONF_RULE_COUNT; r++)
			enabled += all[i]->rules[r].enabled;
	}
	if (rows != enabled) {
		print_error("got %zu enabled rules in the catalogue, want %zu (doc rows)\n",
			    enabled, rows);
		failures++;
	}
	assert_int_equal(n_profiles, 5);
	assert_true(rows > 0);
	assert_int_equal(failures, 0);
	g_free(profile);
	g_free(protocol);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
}

static char *squash(const char *text)
{
	GRegex *ws = g_regex_new("\\s+", 0, 0, NULL);
	char *out = g_regex_replace_literal(ws, text, -1, 0, " ", 0, NULL);

	g_regex_unref(ws);
	return out;
}

/* Each quote (its parts around " ... ") appears word for word in the
   protocol it cites, whitespace aside. */
static void test_quotes_are_the_protocols_words(void **state)
{
	const struct {
		const char *profile;
		const char *file;
	} sources[] = {
		{ "town-council-2023", "town-council-member-officer-protocol-2023.txt" },
		{ "ilminster", "ilminster-town-council-2023.txt" },
		{ "chard", "chard-town-council-2015.txt" },
		{ "little-glemham", "little-glemham-parish-council.txt" },
		{ "twywell", "twywell-parish-council.txt" },
	};
	const char *shared = g_getenv("COUNCIL_SHARED_DIR");
	int failures = 0, checked = 0;

	/* ../shared is part of every checkout's setting (CI included): its
	   absence is a broken set-up, not a reason to check nothing. */
	if (shared == NULL || !g_file_test(shared, G_FILE_TEST_IS_DIR))
		fail_msg("COUNCIL_SHARED_DIR (%s) is not a directory: the protocols are needed",
			 shared ? shared : "unset");
	for (size_t i = 0; i < G_N_ELEMENTS(sources); i++) {
		const struct conf_profile *p = conf_profile_find(sources[i].profile);
		char *path = g_build_filename(shared, "protocols", sources[i].file, NULL);
		char *raw = NULL, *text;

		assert_non_null(p);
		if (!g_file_get_contents(path, &raw, NULL, NULL))
			fail_msg("cannot read %s", path);
		text = squash(raw);
		for (int r = 0; r < CONF_RULE_COUNT; r++) {
			char **parts;

			if (!p->rules[r].enabled)
				continue;
			assert_non_null(p->rules[r].quote);
			parts = g_strsplit(p->rules[r].quote, " ... ", -1);
			for (size_t k = 0; parts[k] != NULL; k++) {
				char *part = squash(parts[k]);

				checked++;
				if (strstr(text, part) == NULL) {
					print_error("%s %s: quote part not in %s: \"%s\"\n", p->id,
						    conf_rule_id((enum conf_rule)r),
						    sources[i].file, part);
					failures++;
				}
				g_free(part);
			}
			g_strfreev(parts);
		}
		g_free(text);
		g_free(raw);
		g_free(path);
	}
	assert_true(checked >= 17);
	assert_int_equal(failures, 0);
}

static void test_names(void **state)
{
	enum conf_rule rule;
	enum conf_action action;

	for (int r = 0; r < CONF_RULE_COUNT; r++) {
		assert_int_equal(conf_rule_parse(conf_rule_id((enum conf_rule)r), &rule), 0);
		assert_int_equal(rule, r);
	}
	for (int a = CONF_ACTION_NONE; a <= CONF_ACTION_REJECT; a++) {
		assert_int_equal(conf_action_parse(conf_action_name((enum conf_action)a), &action),
				 0);
		assert_int_equal(action, a);
	}
	assert_string_equal(conf_rule_id(CONF_RULE_OBLIGATION), "obligation-in-member-name");
	assert_string_equal(conf_action_name(CONF_ACTION_NONE), "accept");
	assert_string_equal(conf_phrase_set_name(CONF_PHRASES_PARTY_POLITICAL), "party-political");
	assert_int_equal(conf_rule_parse("bcc", &rule), -1);
	assert_int_equal(conf_action_parse("off", &action), -1);
	assert_int_equal(conf_rule_parse(NULL, &rule), -1);
	assert_string_equal(conf_rule_id(CONF_RULE_COUNT), "unknown");
	assert_null(conf_profile_find("town-council"));
	assert_null(conf_profile_find(NULL));
}

/* Effective settings: profile defaults, then the council's overrides. */
static void test_effective_rules(void **state)
{
	struct conf *multi = test_load_ok("conf/valid/multi.conf");
	const struct conf_profile *tc = conf_profile_find("town-council-2023");
	const struct conf_profile *chard = conf_profile_find("chard");
	const struct {
		int council;
		enum conf_rule rule;
		bool enabled;
		enum conf_action action;
		const char *clause;
		const char *quote;
		bool include_staff, copy_clerk;
	} cases[] = {
		/* Ashcombe (town-council-2023) with overrides */
		{ 0, CONF_RULE_SILENT_COPY, true, CONF_ACTION_HOLD, "12.1",
		  tc->rules[CONF_RULE_SILENT_COPY].quote, true, false },
		{ 0, CONF_RULE_OBLIGATION, true, CONF_ACTION_HOLD, "12.4 (with 12.2, 2.9)",
		  tc->rules[CONF_RULE_OBLIGATION].quote, false, false },
		{ 0, CONF_RULE_MEMBER_INSTRUCTS_STAFF, true, CONF_ACTION_MONITOR, "2.9 (with 4.6)",
		  tc->rules[CONF_RULE_MEMBER_INSTRUCTS_STAFF].quote, false, true },
		{ 0, CONF_RULE_CONFIDENTIAL, false, CONF_ACTION_NONE, "10.7 (with 10.3, 8.14)",
		  tc->rules[CONF_RULE_CONFIDENTIAL].quote, false, false },
		{ 0, CONF_RULE_CAPACITY, true, CONF_ACTION_ANNOTATE, "12.5", NULL, false, false },
		{ 0, CONF_RULE_PARTY_POLITICAL, true, CONF_ACTION_ANNOTATE, "14.3 (with 8.3)",
		  tc->rules[CONF_RULE_PARTY_POLITICAL].quote, false, false },
		{ 0, CONF_RULE_PRE_ELECTION, true, CONF_ACTION_HOLD, "11.5(g) (with 9.4(b))",
		  tc->rules[CONF_RULE_PRE_ELECTION].quote, false, false },
		/* Borley (chard): silent-copy enabled with its own clause, no quote */
		{ 1, CONF_RULE_SILENT_COPY, true, CONF_ACTION_ANNOTATE, "4.4", NULL, false, false },
		{ 1, CONF_RULE_OBLIGATION, false, CONF_ACTION_NONE, NULL, NULL, false, false },
		{ 1, CONF_RULE_MEMBER_INSTRUCTS_STAFF, true, CONF_ACTION_ANNOTATE, "2.3",
		  chard->rules[CONF_RULE_MEMBER_INSTRUCTS_STAFF].quote, false, false },
		{ 1, CONF_RULE_CONFIDENTIAL, true, CONF_ACTION_HOLD, "2.7",
		  chard->rules[CONF_RULE_CONFIDENTIAL].quote, false, false },
		{ 1, CONF_RULE_PARTY_POLITICAL, false, CONF_ACTION_NONE, NULL, NULL, false, false },
		/* Cadley (twywell): the profile as shipped */
		{ 2, CONF_RULE_MEMBER_INSTRUCTS_STAFF, true, CONF_ACTION_ANNOTATE, "2.2.3",
		  conf_profile_find("twywell")->rules[CONF_RULE_MEMBER_INSTRUCTS_STAFF].quote,
		  false, false },
		{ 2, CONF_RULE_SILENT_COPY, false, CONF_ACTION_NONE, NULL, NULL, false, false },
		{ 2, CONF_RULE_CONFIDENTIAL, false, CONF_ACTION_NONE, NULL, NULL, false, false },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct conf_council *c = &multi->councils[cases[i].council];
		const struct conf_rule_setting *s = &c->rules[cases[i].rule];

		if (s->enabled != cases[i].enabled || s->action != cases[i].action ||
		    g_strcmp0(s->clause, cases[i].clause) != 0 || s->quote != cases[i].quote ||
		    s->include_staff != cases[i].include_staff ||
		    s->copy_clerk != cases[i].copy_clerk) {
			print_error(
			    "%s %s: got enabled=%d action=%s clause=%s quote=%s staff=%d "
			    "clerk=%d; want enabled=%d action=%s clause=%s quote=%s staff=%d "
			    "clerk=%d\n",
			    c->name, conf_rule_id(cases[i].rule), s->enabled,
			    conf_action_name(s->action), s->clause ? s->clause : "NULL",
			    s->quote ? "(set)" : "NULL", s->include_staff, s->copy_clerk,
			    cases[i].enabled, conf_action_name(cases[i].action),
			    cases[i].clause ? cases[i].clause : "NULL",
			    cases[i].quote ? "(set)" : "NULL", cases[i].include_staff,
			    cases[i].copy_clerk);
			failures++;
		}
	}
	assert_ptr_equal(multi->councils[0].profile, tc);
	assert_int_equal(failures, 0);
	conf_unref(&multi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_matches_doc),
		cmocka_unit_test(test_quotes_are_the_protocols_words),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_effective_rules),
	};

	test_chdir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
