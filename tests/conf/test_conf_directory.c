/*
 * The directory: who an address is (any written form, case, +tag folding
 * on, off, or with another delimiter), which council a domain belongs to,
 * inside-the-council and press tests, across several councils.
 */
#include <string.h>

#include "conf_test.h"

struct lookup_case {
	const char *addr;
	const char *want_person;	/* NULL: nobody */
	const char *want_council;
};

static int run_lookups(const char *path, const struct lookup_case *cases, size_t n)
{
	struct conf *conf = test_load_ok(path);
	int failures = 0;

	for (size_t i = 0; i < n; i++) {
		const struct conf_person *p = conf_person_lookup(conf, cases[i].addr);
		const char *got = p != NULL ? p->name : "(nobody)";
		const char *want = cases[i].want_person != NULL ? cases[i].want_person : "(nobody)";
		const char *got_c = p != NULL ? p->council->name : NULL;

		if (strcmp(got, want) != 0 || g_strcmp0(got_c, cases[i].want_council) != 0) {
			print_error("%s: lookup \"%s\": got %s (%s), want %s (%s)\n", path,
				    cases[i].addr ? cases[i].addr : "NULL", got,
				    got_c ? got_c : "-", want,
				    cases[i].want_council ? cases[i].want_council : "-");
			failures++;
		}
	}
	conf_unref(&conf);
	return failures;
}

#define ASH "Ashcombe Parish Council"
#define BOR "Borley Town Council"
#define CAD "Cadley Parish Council"

static void test_lookup_folding_on(void **state)
{
	const struct lookup_case cases[] = {
		{ "cllr.smith@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "CLLR.SMITH@ASHCOMBE-PC.GOV.UK", "Jane Smith", ASH },
		{ "<cllr.smith@ashcombe-pc.gov.uk>", "Jane Smith", ASH },
		{ "  cllr.smith@ashcombe-pc.gov.uk\t", "Jane Smith", ASH },
		{ "Jane Smith <Cllr.Smith+Planning@Ashcombe-PC.gov.uk>", "Jane Smith", ASH },
		{ "cllr.smith+a+b@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "cllr.smith@ashcombe-pc.gov.uk.", "Jane Smith", ASH },
		{ "jane.smith@example.com", "Jane Smith", ASH },
		{ "SIÂN@ASHCOMBE.EXAMPLE", "Siân Evans", ASH },
		{ "siân+x@ashcombe.example", "Siân Evans", ASH },
		{ "admin@ashcombe-pc.gov.uk", "Amy Green", ASH },
		{ "clerk@borley-tc.gov.uk", "Ruth Cole", BOR },
		{ "cllr.shah@borley-tc.gov.uk", "Ravi Shah", BOR },
		{ "clerk@cadley-pc.gov.uk", "Ken Lowe", CAD },
		{ "cllr.smyth@ashcombe-pc.gov.uk", NULL, NULL },
		{ "cllr.smith@borley-tc.gov.uk", NULL, NULL },
		{ "+cllr.smith@ashcombe-pc.gov.uk", NULL, NULL },
		{ "cllr.smith", NULL, NULL },
		{ "", NULL, NULL },
		{ "<>", NULL, NULL },
		{ "@ashcombe-pc.gov.uk", NULL, NULL },
		{ NULL, NULL, NULL },
		/* What RFC 5321/5322 let one mailbox be written as (issue 15). */
		{ "\"cllr.smith\"@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "<\"Cllr.Smith\"@ashcombe-pc.gov.uk>", "Jane Smith", ASH },
		{ "\"cllr\\.smith\"@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "cllr.\"smith\"@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "<@relay.example:cllr.smith@ashcombe-pc.gov.uk>", "Jane Smith", ASH },
		{ "@a.example,@b.example:cllr.smith@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "Jane <@relay.example:\"cllr.smith+x\"@Ashcombe-PC.gov.uk>", "Jane Smith", ASH },
		{ "cllr.smith+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaa@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "\"cllr smith\"@ashcombe-pc.gov.uk", NULL, NULL },
		{ "cllr.smith@[192.0.2.1]", NULL, NULL },
	};

	assert_int_equal(run_lookups("conf/valid/multi.conf", cases, G_N_ELEMENTS(cases)), 0);
}

static void test_lookup_folding_off(void **state)
{
	const struct lookup_case cases[] = {
		{ "cllr.smith@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "Cllr.Smith+Planning@ashcombe-pc.gov.uk", "Planning Inbox", ASH },
		{ "cllr.smith+other@ashcombe-pc.gov.uk", NULL, NULL },
	};

	assert_int_equal(run_lookups("conf/valid/nofold.conf", cases, G_N_ELEMENTS(cases)), 0);
}

static void test_lookup_delimiter(void **state)
{
	const struct lookup_case cases[] = {
		{ "cllr.smith-planning@ashcombe-pc.gov.uk", "Jane Smith", ASH },
		{ "cllr.smith+planning@ashcombe-pc.gov.uk", NULL, NULL },
		{ "clerk-x@ashcombe-pc.gov.uk", "Tom Brown", ASH },
	};

	assert_int_equal(run_lookups("conf/valid/delimiter.conf", cases, G_N_ELEMENTS(cases)), 0);
}

static void test_normalise(void **state)
{
	struct conf *conf = test_load_ok("conf/valid/multi.conf");
	struct conf *nofold = test_load_ok("conf/valid/nofold.conf");
	const struct {
		const struct conf *conf;
		const char *in;
		const char *want;	/* NULL: not an address */
	} cases[] = {
		{ conf, "Cllr.Smith@Ashcombe-PC.gov.uk", "cllr.smith@ashcombe-pc.gov.uk" },
		{ conf, "<a+tag@Example.ORG>", "a@example.org" },
		{ conf, "Name <a+tag@example.org.>", "a@example.org" },
		{ nofold, "<a+tag@Example.ORG>", "a+tag@example.org" },
		{ NULL, "A+Tag@Example.org", "a@example.org" },	/* no config: the defaults */
		{ conf, "ÉLODIE@Example.org", "élodie@example.org" },
		{ conf, "no-at-sign", NULL },
		{ conf, "a@b@c", NULL },
		{ conf, "a b@example.org", NULL },
		{ conf, "a@", NULL },
		{ conf, "", NULL },
		/* Forms that name the same mailbox get the same normal form, so an
		   address is never dropped for how it is written (issue 15). */
		{ conf, "\"d.ferris\"@Example.NET", "d.ferris@example.net" },
		{ conf, "<\"d.ferris\"@example.net>", "d.ferris@example.net" },
		{ conf, "David <\"d\\.ferris\"@example.net>", "d.ferris@example.net" },
		{ conf, "d.\"ferris\"@example.net", "d.ferris@example.net" },
		{ conf, "\"d.ferris+news\"@example.net", "d.ferris@example.net" },
		{ conf, "<@relay.example:D.Ferris@example.net>", "d.ferris@example.net" },
		{ conf, "<@a.example,@b.example:d.ferris@example.net>", "d.ferris@example.net" },
		{ conf, "d.ferris@[192.0.2.1]", "d.ferris@[192.0.2.1]" },
		{ conf, "<D.Ferris@[IPv6:2001:DB8::1]>", "d.ferris@[ipv6:2001:db8::1]" },
		{ conf, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaa@x.org",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.org" },
		/* Quotes that are needed stay, written one way. */
		{ conf, "\"David Ferris\"@example.net", "\"david ferris\"@example.net" },
		{ conf, "\"a\\\"b\"@example.net", "\"a\\\"b\"@example.net" },
		{ conf, "\"\"@example.net", "\"\"@example.net" },
		/* Domains in one form: the IDNA A-label; invalid IDNA as written. */
		{ conf, "x@Bücher.example", "x@xn--bcher-kva.example" },
		{ conf, "x@BÜCHER.example", "x@xn--bcher-kva.example" },
		{ conf, "x@XN--BCHER-KVA.Example", "x@xn--bcher-kva.example" },
		{ conf, "x@ｂüｃｈｅｒ.example", "x@xn--bcher-kva.example" },
		{ conf, "x@xn--zz.example", "x@xn--zz.example" },
		{ conf, "x@Bü--cher.example", "x@bü--cher.example" },
		/* Not addresses at all: the policy treats them as third parties. */
		{ conf, "\"unterminated@example.net", NULL },
		{ conf, "a\"b\"@example.net", NULL },
		{ conf, "a..b@example.net", NULL },
		{ conf, "<@relay.example>", NULL },
		{ conf, "x@[192.0.2.1", NULL },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = conf_address_normalise(cases[i].conf, cases[i].in);

		if (g_strcmp0(got, cases[i].want) != 0) {
			print_error("normalise \"%s\": got %s, want %s\n", cases[i].in,
				    got ? got : "NULL", cases[i].want ? cases[i].want : "NULL");
			failures++;
		}
		g_free(got);
	}
	assert_int_equal(failures, 0);
	conf_unref(&conf);
	conf_unref(&nofold);
}

static void test_councils(void **state)
{
	struct conf *conf = test_load_ok("conf/valid/multi.conf");
	const struct conf_council *ash = &conf->councils[0], *bor = &conf->councils[1],
				  *cad = &conf->councils[2];
	const struct {
		const char *addr;
		const struct conf_council *by_domain;
		const struct conf_council *council;	/* for the next two */
		bool in_council;
		bool press;
	} cases[] = {
		{ "someone@ashcombe-pc.gov.uk", ash, ash, true, false },
		{ "ashcombe-pc.gov.uk", ash, ash, true, false },
		{ "someone@ASHCOMBE.example", ash, bor, false, false },
		{ "jane.smith@example.com", NULL, ash, true, false },	/* a person, not a domain */
		{ "jane.smith@example.com", NULL, bor, false, false },
		{ "x@sub.ashcombe-pc.gov.uk", NULL, ash, false, false },
		{ "<clerk@borley-tc.gov.uk>", bor, bor, true, false },
		{ "clerk@cadley-pc.gov.uk", cad, ash, false, false },
		{ "editor@ashcombe-gazette.co.uk", NULL, ash, false, true },
		{ "editor@ashcombe-gazette.co.uk", NULL, bor, false, true },	/* shared paper */
		{ "editor@ashcombe-gazette.co.uk", NULL, cad, false, false },
		{ "news@desk.borley-echo.example", NULL, bor, false, true },	/* subdomain */
		{ "news@borley-echo.example.org", NULL, bor, false, false },
		{ "news@xborley-echo.example", NULL, bor, false, false },
		{ "not an address", NULL, ash, false, false },
		{ "\"someone\"@ashcombe-pc.gov.uk", ash, ash, true, false },
		{ "<@relay.example:someone@ashcombe-pc.gov.uk>", ash, ash, true, false },
		{ "someone@[192.0.2.1]", NULL, ash, false, false },
		{ "[192.0.2.1]", NULL, ash, false, false },
		{ "<@relay.example:editor@ashcombe-gazette.co.uk>", NULL, ash, false, true },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct conf_council *by = conf_council_by_domain(conf, cases[i].addr);
		bool in = conf_address_in_council(conf, cases[i].council, cases[i].addr);
		bool press = conf_address_is_press(conf, cases[i].council, cases[i].addr);

		if (by != cases[i].by_domain || in != cases[i].in_council ||
		    press != cases[i].press) {
			print_error("\"%s\" / %s: got by_domain=%s in=%d press=%d, "
				    "want by_domain=%s in=%d press=%d\n", cases[i].addr,
				    cases[i].council->name, by ? by->name : "NULL", in, press,
				    cases[i].by_domain ? cases[i].by_domain->name : "NULL",
				    cases[i].in_council, cases[i].press);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	assert_false(conf_address_in_council(conf, NULL, "clerk@borley-tc.gov.uk"));
	assert_false(conf_address_is_press(conf, NULL, "editor@ashcombe-gazette.co.uk"));
	conf_unref(&conf);
}

/* International domain names (issue 15): configured as U-labels they match
   the A-labels of the envelope, configured as A-labels they match the
   U-labels GMime gives for header addresses; invalid IDNA matches nobody. */
#define BUE "Bürgerau Parish Council"
#define LLA "Llanfair Community Council"

static void test_lookup_idn(void **state)
{
	const struct lookup_case cases[] = {
		{ "cllr.weiss@bürgerau-pc.example", "Jörg Weiß", BUE },
		{ "Cllr.Weiss@BÜRGERAU-PC.example", "Jörg Weiß", BUE },
		{ "cllr.weiss@xn--brgerau-pc-9db.example", "Jörg Weiß", BUE },
		{ "<CLLR.WEISS@XN--BRGERAU-PC-9DB.EXAMPLE>", "Jörg Weiß", BUE },
		{ "cllr.jones@xn--llanfr-0ta.example", "Siôn Jones", LLA },
		{ "cllr.jones@llanfâr.example", "Siôn Jones", LLA },
		{ "Siôn <cllr.jones@LLANFÂR.example>", "Siôn Jones", LLA },
		{ "cllr.jones@llanfar.example", NULL, NULL },
		{ "cllr.weiss@xn--brgerau-pc-zzz.example", NULL, NULL },
	};

	assert_int_equal(run_lookups("conf/valid/idn.conf", cases, G_N_ELEMENTS(cases)), 0);
}

static void test_councils_idn(void **state)
{
	struct conf *conf = test_load_ok("conf/valid/idn.conf");
	const struct conf_council *bue = &conf->councils[0], *lla = &conf->councils[1];
	const struct {
		const char *addr;
		const struct conf_council *by_domain;
		bool press;		/* of Bürgerau */
	} cases[] = {
		{ "info@xn--brgerau-pc-9db.example", bue, false },
		{ "info@bürgerau-pc.example", bue, false },
		{ "info@llanfâr.example", lla, false },
		{ "info@XN--LLANFR-0TA.example", lla, false },
		{ "desk@news.xn--zeitung-brgerau-7vb.example", NULL, true },
		{ "desk@zeitung-bürgerau.example", NULL, true },
		{ "info@buergerau-pc.example", NULL, false },
	};
	int failures = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct conf_council *by = conf_council_by_domain(conf, cases[i].addr);
		bool press = conf_address_is_press(conf, bue, cases[i].addr);

		if (by != cases[i].by_domain || press != cases[i].press) {
			print_error("\"%s\": got by_domain=%s press=%d, "
				    "want by_domain=%s press=%d\n", cases[i].addr,
				    by ? by->name : "NULL", press,
				    cases[i].by_domain ? cases[i].by_domain->name : "NULL",
				    cases[i].press);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	conf_unref(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_folding_on),
		cmocka_unit_test(test_lookup_folding_off),
		cmocka_unit_test(test_lookup_delimiter),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_councils),
		cmocka_unit_test(test_lookup_idn),
		cmocka_unit_test(test_councils_idn),
	};

	test_chdir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
