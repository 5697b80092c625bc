/* council-directory's parts: the CSV reader (quotes, line breaks in a field
   and the lines after it, delimiters, encodings, limits), the columns and
   rows as people (Microsoft 365's proxy addresses, job titles as roles,
   titles, disabled accounts, --map), and the configuration's text (spans,
   strings, comments, @include). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "directory/directory.h"
#include "helpers.h"

/* ---- csv ------------------------------------------------------------------ */

static char *rows_text(const struct csv *csv)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < csv->rows->len; i++) {
		const struct csv_row *r = csv->rows->pdata[i];
		char *fields = g_strjoinv("|", r->fields);
		g_string_append_printf(s, "%lu:%s\n", r->line, fields);
		g_free(fields);
	}
	return g_string_free(s, FALSE);
}

static void test_csv(void **state)
{
	static const struct {
		const char *in;
		size_t len;		/* 0: strlen */
		const char *rows;	/* "line:f1|f2\n" ...; NULL: an error */
		char delimiter;
		const char *encoding;	/* or the error's words */
	} cases[] = {
		{ "a,b\r\n1,2\r\n", 0, "1:a|b\n2:1|2\n", ',', "UTF-8" },
		{ "\xef\xbb\xbf" "a;b\n1;\"2;3\"\n", 0, "1:a|b\n2:1|2;3\n", ';', "UTF-8" },
		{ "a\tb\n1\t2\n", 0, "1:a|b\n2:1|2\n", '\t', "UTF-8" },
		{ "name,note\n\"Smith, Jane\",\"said \"\"hi\"\"\nand left\"\nx,y\n", 0,
		  "1:name|note\n2:Smith, Jane|said \"hi\"\nand left\n4:x|y\n", ',', "UTF-8" },
		{ "a\n\n\n1\n", 0, "1:a\n4:1\n", ',', "UTF-8" },
		{ "name\nJos\xe9 L\xf3pez\n", 0, "1:name\n2:Jos\xc3\xa9 L\xc3\xb3pez\n", ',',
		  "Windows-1252" },
		{ "a,b,c\n1,,\n", 0, "1:a|b|c\n2:1||\n", ',', "UTF-8" },
		{ "a,b\n1,\"2\n3\n", 0, NULL, 0, "line 2: a quoted field is never closed" },
		{ "", 0, NULL, 0, "no header row" },
		{ "a\0b\n", 4, NULL, 0, "NUL bytes" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct csv *csv = NULL;
		const char *error = NULL;
		size_t len = cases[i].len != 0 ? cases[i].len : strlen(cases[i].in);
		int ret = csv_parse(cases[i].in, len, &csv, &error);
		if (cases[i].rows == NULL) {
			if (ret != -1 || strstr(error, cases[i].encoding) == NULL)
				fail_msg("case %zu: got %d (%s), want the error [%s]", i, ret,
					 error, cases[i].encoding);
			continue;
		}
		if (ret < 0)
			fail_msg("case %zu: got the error %s", i, error);
		char *got = rows_text(csv);
		if (strcmp(got, cases[i].rows) != 0 || csv->delimiter != cases[i].delimiter ||
		    strcmp(csv->encoding, cases[i].encoding) != 0)
			fail_msg("case %zu: got\n%s(%c, %s), want\n%s(%c, %s)", i, got,
				 csv->delimiter, csv->encoding, cases[i].rows, cases[i].delimiter,
				 cases[i].encoding);
		g_free(got);
		csv_free(&csv);
	}
}

/* ---- people --------------------------------------------------------------- */

static char *people_text(const struct dir_people *p)
{
	GString *s = g_string_new(NULL);
	static const char *const roles[] = { "councillor", "clerk", "staff" };

	for (guint i = 0; i < p->people->len; i++) {
		const struct dir_person *d = p->people->pdata[i];
		char *a = g_strjoinv(",", d->addresses);
		g_string_append_printf(s, "%lu:%s:%s:%s:%s:%u:%s\n", d->line, d->name, a,
				       roles[d->role], d->ward != NULL ? d->ward : "-", d->titles,
				       d->party != NULL ? d->party : "-");
		g_free(a);
	}
	for (guint i = 0; i < p->errors->len; i++)
		g_string_append_printf(s, "E %s\n", (char *)p->errors->pdata[i]);
	for (guint i = 0; i < p->skipped->len; i++)
		g_string_append_printf(s, "S %s\n", (char *)p->skipped->pdata[i]);
	return g_string_free(s, FALSE);
}

static void test_people(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const map_role[] = { "role=Job", "ward=Dept", NULL };
	static const char *const map_addr[] = { "addresses=Home", NULL };
	static const struct {
		const char *csv;
		const char *const *maps;
		const char *want;	/* people_text, or "!error words" */
		const char *shape;
	} cases[] = {
		/* Microsoft 365: proxy addresses, SMTP only, no onmicrosoft.com. */
		{ "Display name,User principal name,Proxy addresses,Title,Block credential\n"
		  "Tom Brown,clerk@x.gov.uk,SMTP:clerk@x.gov.uk+smtp:tom+work@x.gov.uk"
		  "+SIP:tom@x.gov.uk+smtp:tom@x.onmicrosoft.com,Town Clerk,False\n"
		  "Old Hand,old@x.gov.uk,SMTP:old@x.gov.uk,Councillor,True\n", none,
		  "2:Tom Brown:clerk@x.gov.uk,tom+work@x.gov.uk:clerk:-:0:-\n"
		  "S line 3: Old Hand, an account that is blocked from signing in\n",
		  "Microsoft 365" },
		/* Job titles as roles; titles only for councillors. */
		{ "Name,Email,Role,Ward,Titles,Party\n"
		  "A,a@x.gov.uk,Parish Councillor,North,Mayor; Vice Chair,Green\n"
		  "B,b@x.gov.uk,deputy clerk,North,Mayor,Green\n"
		  "C,c@x.gov.uk,Proper Officer,,,\n"
		  "D,d@x.gov.uk,  cllr ,,chair and leader,\n", none,
		  "2:A:a@x.gov.uk:councillor:North:5:Green\n3:B:b@x.gov.uk:staff:-:0:-\n"
		  "4:C:c@x.gov.uk:clerk:-:0:-\n5:D:d@x.gov.uk:councillor:-:10:-\n", "spreadsheet" },
		/* Google: first and last names, a suspended account. */
		{ "First Name [Required],Last Name [Required],Email Address [Required],"
		  "Status [READ ONLY],Employee Title\n"
		  "Rita,Okafor,Clerk@B.gov.uk,Active,Town Clerk\n"
		  "Mark,Oldham,m@b.gov.uk,Suspended,Councillor\n", none,
		  "2:Rita Okafor:clerk@b.gov.uk:clerk:-:0:-\n"
		  "S line 3: Mark Oldham, an account that is suspended or disabled\n",
		  "Google Workspace" },
		/* --map for columns of other names; several addresses in a cell. */
		{ "Who,Mail,Home,Job,Dept\n"
		  "Jane,jane@x.gov.uk,\"j@example.com; jane@example.org\",Councillor,Town\n",
		  map_role, "!no column gives each person's name", NULL },
		{ "Name,Mail,Home,Job,Dept\n"
		  "Jane,jane@x.gov.uk,\"j@example.com; jane@example.org\",Councillor,Town\n",
		  map_addr, "!no column gives each person's role", NULL },
		{ "Name,Email,Home,Job,Dept\n"
		  "Jane,jane@x.gov.uk,\"j@example.com; jane@example.org\",Councillor,Town\n",
		  map_role, "2:Jane:jane@x.gov.uk:councillor:Town:0:-\n", "spreadsheet" },
		/* Each bad row, by its line. */
		{ "Name,Email,Role\nA,,Councillor\nB,a@x.gov.uk a@x.gov.uk,Councillor\n"
		  "C,A@x.gov.uk,Staff\nD,cllr.shah@bramley-tc.gov.uk,Staff\nE,e@x.gov.uk,Boss\n"
		  ",f@x.gov.uk,Staff\n", none,
		  "3:B:a@x.gov.uk:councillor:-:0:-\n"
		  "E line 2: A has no e-mail address\n"
		  "E line 4: C: a@x.gov.uk is also B's, on line 3\n"
		  "E line 5: D: cllr.shah@bramley-tc.gov.uk is already the address of Dev Shah of "
		  "Bramley Town Council\n"
		  "E line 6: E: unknown role \"Boss\"; expected councillor, clerk or staff (or a "
		  "job title that says one: \"Town Clerk\", \"Parish Councillor\", "
		  "\"Deputy Clerk\")\n"
		  "E line 7: no name\n", "spreadsheet" },
	};
	char *root = test_tmpdir();
	char *journal = g_build_filename(root, "journal.jsonl", NULL);
	struct conf *conf = test_conf("hold", root, "JOURNAL", journal, NULL);
	const struct conf_council *ashcombe = &conf->councils[0];

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct csv *csv;
		struct dir_columns columns;
		const char *error;

		if (csv_parse(cases[i].csv, strlen(cases[i].csv), &csv, &error) < 0)
			fail_msg("case %zu: %s", i, error);
		if (dir_columns_find(csv, cases[i].maps, &columns, &error) < 0) {
			if (cases[i].want[0] != '!' || strstr(error, cases[i].want + 1) == NULL)
				fail_msg("case %zu: got the error %s, want %s", i, error,
					 cases[i].want);
			csv_free(&csv);
			continue;
		}
		struct dir_people *p = dir_people_read(csv, &columns, conf, ashcombe);
		char *got = people_text(p);
		/* The errors are ordered by line; the people by row. */
		if (strcmp(got, cases[i].want) != 0 || strcmp(columns.shape, cases[i].shape) != 0)
			fail_msg("case %zu: got\n%s(%s), want\n%s(%s)", i, got, columns.shape,
				 cases[i].want, cases[i].shape);
		g_free(got);
		dir_people_free(&p);
		dir_columns_clear(&columns);
		csv_free(&csv);
	}
	conf_unref(&conf);
	g_free(journal);
	test_rmdir(&root);
}

/* ---- the configuration's text ------------------------------------------------ */

static void test_cfg_text(void **state)
{
	const char *text =
		"# a comment { not a group\n"
		"a = 1; // another\n"
		"b = \"x\\\"y\" \"z\";  /* and a\n block */\n"
		"g = { c = [ \"p\", \"q\" ]; l = ( { n = \"one\"; }, { n = \"two\" } ); };\n"
		"h : true\n"
		"@include \"more.conf\"\n";
	char *root = test_tmpdir(), *path = g_build_filename(root, "t.conf", NULL);
	struct cfg_text *cfg;
	const char *error;

	assert_true(g_file_set_contents(path, text, -1, NULL));
	if (cfg_text_read(path, &cfg, &error) < 0)
		fail_msg("cfg_text_read: %s", error);
	struct cfg_node *a = cfg_member(cfg->root, "a"), *b = cfg_member(cfg->root, "b");
	struct cfg_node *g = cfg_member(cfg->root, "g"), *h = cfg_member(cfg->root, "h");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(g);
	assert_non_null(h);
	char *a_text = g_strndup(cfg->text + a->start, a->end - a->start);
	assert_string_equal(a_text, "a = 1;");
	g_free(a_text);
	assert_string_equal(b->value->string, "x\"yz");
	assert_int_equal(cfg_line(cfg, b->start), 3);
	struct cfg_node *l = cfg_member(g->value, "l");
	assert_int_equal(l->value->kind, CFG_LIST);
	assert_int_equal(l->value->children->len, 2);
	struct cfg_node *two = l->value->children->pdata[1];
	assert_string_equal(cfg_member(two, "n")->value->string, "two");
	char *two_text = g_strndup(cfg->text + two->start, two->end - two->start);
	assert_string_equal(two_text, "{ n = \"two\" }");
	g_free(two_text);
	struct cfg_node *inc = cfg->root->children->pdata[cfg->root->children->len - 1];
	assert_int_equal(inc->kind, CFG_INCLUDE);
	assert_string_equal(inc->string, "more.conf");
	assert_null(cfg_member(cfg->root, "n"));	/* only the top level's */
	char *q = cfg_quote("say \"hi\"\\\n");
	assert_string_equal(q, "\"say \\\"hi\\\"\\\\\"");
	g_free(q);
	cfg_text_free(&cfg);

	/* A file that is one value (@included inside a list). */
	assert_true(g_file_set_contents(path, "# Jane\n{ name = \"Jane\"; }\n", -1, NULL));
	assert_int_equal(cfg_text_read(path, &cfg, &error), 0);
	assert_int_equal(cfg->root->kind, CFG_LIST);
	assert_int_equal(cfg->root->children->len, 1);
	cfg_text_free(&cfg);
	assert_true(g_file_set_contents(path, "a = ;\n", -1, NULL));
	assert_int_equal(cfg_text_read(path, &cfg, &error), -1);
	assert_non_null(strstr(error, "t.conf:1: expected a value"));
	g_free(path);
	test_rmdir(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_people),
		cmocka_unit_test(test_cfg_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
