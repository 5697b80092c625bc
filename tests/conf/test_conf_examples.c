/*
 * The shipped examples: every conf/examples/NAME.conf loads; each profile has
 * its example with a complete fictional directory; demo.conf holds exactly
 * the directory the demo messages are written against.
 */
#include <string.h>

#include "conf_test.h"

static char *examples_dir(void)
{
	const char *src = g_getenv("COUNCIL_SOURCE_DIR");

	return g_build_filename(src != NULL ? src : "..", "conf", "examples", NULL);
}

static void test_every_example_loads(void **state)
{
	char *dir_path = examples_dir();
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	const char *entry;
	int loaded = 0;

	assert_non_null(dir);
	while ((entry = g_dir_read_name(dir)) != NULL) {
		char *path;
		struct conf *conf;

		if (!g_str_has_suffix(entry, ".conf"))
			continue;
		path = g_build_filename(dir_path, entry, NULL);
		conf = test_load_ok(path);
		assert_true(conf->n_councils >= 1);
		conf_unref(&conf);
		g_free(path);
		loaded++;
	}
	g_dir_close(dir);
	g_free(dir_path);
	assert_int_equal(loaded, 6);	/* five profiles and the demo */
}

/* <profile>.conf uses that profile, with a mayor or chair, ward members, a
   Clerk, staff and a press domain. */
static void test_profile_examples(void **state)
{
	size_t n;
	const struct conf_profile *const *profiles = conf_profiles(&n);
	char *dir = examples_dir();

	for (size_t i = 0; i < n; i++) {
		char *name = g_strconcat(profiles[i]->id, ".conf", NULL);
		char *path = g_build_filename(dir, name, NULL);
		struct conf *conf = test_load_ok(path);
		const struct conf_council *c = &conf->councils[0];
		bool head = false, ward = false, clerk = false, staff = false;

		assert_ptr_equal(c->profile, profiles[i]);
		for (size_t k = 0; k < c->n_people; k++) {
			const struct conf_person *p = &c->people[k];

			head = head || (p->titles & (CONF_TITLE_MAYOR | CONF_TITLE_CHAIR)) != 0;
			ward = ward || (p->role == CONF_ROLE_COUNCILLOR && p->ward != NULL);
			clerk = clerk || p->role == CONF_ROLE_CLERK;
			staff = staff || p->role == CONF_ROLE_STAFF;
		}
		if (!head || !ward || !clerk || !staff || c->n_press_domains == 0)
			fail_msg("%s: got mayor/chair=%d ward member=%d clerk=%d staff=%d "
				 "press=%zu, want all", name, head, ward, clerk, staff,
				 c->n_press_domains);
		conf_unref(&conf);
		g_free(name);
		g_free(path);
	}
	g_free(dir);
}

static void test_demo_directory(void **state)
{
	const struct {
		const char *name;
		enum conf_role role;
		const char *addresses[3];
		const char *ward;
		unsigned titles;
		const char *party;
	} want[] = {
		{ "Jane Smith", CONF_ROLE_COUNCILLOR,
		  { "cllr.smith@ashcombe-pc.gov.uk", "jane.smith@example.com" }, "Town Ward",
		  CONF_TITLE_MAYOR, "Independent" },
		{ "Ann Jones", CONF_ROLE_COUNCILLOR, { "cllr.jones@ashcombe-pc.gov.uk" },
		  "Hill Ward", 0, NULL },
		{ "Peter Hale", CONF_ROLE_COUNCILLOR, { "cllr.hale@ashcombe-pc.gov.uk" },
		  "Town Ward", 0, "Green" },
		{ "Tom Brown", CONF_ROLE_CLERK, { "clerk@ashcombe-pc.gov.uk" }, NULL, 0, NULL },
		{ "Amy Green", CONF_ROLE_STAFF, { "admin@ashcombe-pc.gov.uk" }, NULL, 0, NULL },
		{ "Sam Patel", CONF_ROLE_STAFF, { "grounds@ashcombe-pc.gov.uk" }, NULL, 0, NULL },
	};
	char *dir = examples_dir(), *path = g_build_filename(dir, "demo.conf", NULL);
	struct conf *conf = test_load_ok(path);
	const struct conf_council *c = &conf->councils[0];

	assert_int_equal(conf->n_councils, 1);
	assert_string_equal(c->name, "Ashcombe Parish Council");
	assert_string_equal(c->profile->id, "town-council-2023");
	assert_int_equal(c->n_domains, 1);
	assert_string_equal(c->domains[0], "ashcombe-pc.gov.uk");
	assert_string_equal(c->clerk, "clerk@ashcombe-pc.gov.uk");
	assert_string_equal(c->review_to, "clerk@ashcombe-pc.gov.uk");
	assert_int_equal(c->n_press_domains, 1);
	assert_string_equal(c->press_domains[0], "ashcombe-gazette.co.uk");
	assert_int_equal(c->n_people, G_N_ELEMENTS(want));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		const struct conf_person *p = &c->people[i];
		size_t n_addr = 0;

		while (n_addr < 3 && want[i].addresses[n_addr] != NULL)
			n_addr++;
		assert_string_equal(p->name, want[i].name);
		assert_int_equal(p->role, want[i].role);
		assert_int_equal(p->n_addresses, n_addr);
		for (size_t k = 0; k < n_addr; k++) {
			assert_string_equal(p->addresses[k], want[i].addresses[k]);
			assert_ptr_equal(conf_person_lookup(conf, p->addresses[k]), p);
		}
		assert_true(g_strcmp0(p->ward, want[i].ward) == 0);
		assert_int_equal(p->titles, want[i].titles);
		assert_true(g_strcmp0(p->party, want[i].party) == 0);
	}
	/* The profile as shipped, but for the one override that makes the demo
	   show a refusal: party-political work is rejected. */
	for (int r = 0; r < CONF_RULE_COUNT; r++) {
		enum conf_action action = r == CONF_RULE_PARTY_POLITICAL ? CONF_ACTION_REJECT :
			c->profile->rules[r].default_action;
		assert_int_equal(c->rules[r].enabled, c->profile->rules[r].enabled);
		if (c->rules[r].action != action)
			fail_msg("demo.conf %s: got %s, want %s", conf_rule_id(r),
				 conf_action_name(c->rules[r].action), conf_action_name(action));
	}
	conf_unref(&conf);
	g_free(path);
	g_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_example_loads),
		cmocka_unit_test(test_profile_examples),
		cmocka_unit_test(test_demo_directory),
	};

	test_chdir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
