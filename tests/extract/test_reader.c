/*
 * The document readers (extractor/), table-driven over the fixtures of
 * tests/extract/fixtures (made by make-fixtures.py with LibreOffice,
 * Ghostscript and Python's zipfile, and checked in): what each reads as
 * the top of the first page and its headings, and how each hostile one is
 * refused. Then the worker's answer format, both ways, and which parts are
 * documents at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "extractor/reader.h"

#define MARKING "NOT FOR PUBLICATION"
#define S(literal) literal, sizeof(literal) - 1

struct reader_case {
	const char *file;
	enum extract_status status;
	const char *unit;
	/* A line that must be there: its place and how it starts (NULL: none
	   asked for). */
	enum extract_place place;
	const char *starts;
	/* Text no line may hold (NULL: none). */
	const char *absent;
};

#define HEADING(f) { f, EXTRACT_OK, "page", EXTRACT_HEADING, MARKING, NULL }
#define SHEET(f) { f, EXTRACT_OK, "sheet", EXTRACT_TOP, "CONFIDENTIAL - Part 2", NULL }
/* The words in prose, on the top of page 1, not at a line's start. */
#define PROSE(f, unit) { f, EXTRACT_OK, unit, EXTRACT_TOP, NULL, NULL }
#define NO_MARK(f, unit) { f, EXTRACT_OK, unit, EXTRACT_TOP, NULL, "CONFIDENTIAL" }

static const struct reader_case cases[] = {
	HEADING("libreoffice-heading.pdf"), HEADING("ghostscript-heading.pdf"),
	HEADING("libreoffice-heading.docx"), HEADING("python-heading.docx"),
	HEADING("libreoffice-heading.odt"), HEADING("python-heading.odt"),
	SHEET("libreoffice-heading.xlsx"), SHEET("python-heading.xlsx"),
	PROSE("libreoffice-prose.pdf", "page"), PROSE("ghostscript-prose.pdf", "page"),
	PROSE("libreoffice-prose.docx", "page"), PROSE("python-prose.docx", "page"),
	PROSE("libreoffice-prose.odt", "page"), PROSE("python-prose.odt", "page"),
	PROSE("libreoffice-prose.xlsx", "sheet"), PROSE("python-prose.xlsx", "sheet"),
	/* Page 3's footer is never read. */
	NO_MARK("libreoffice-footer3.pdf", "page"), NO_MARK("ghostscript-footer3.pdf", "page"),
	NO_MARK("libreoffice-footer3.docx", "page"), NO_MARK("python-footer3.docx", "page"),
	NO_MARK("libreoffice-footer3.odt", "page"), NO_MARK("python-footer3.odt", "page"),
	NO_MARK("libreoffice-footer3.xlsx", "sheet"), NO_MARK("python-footer3.xlsx", "sheet"),
	NO_MARK("libreoffice-none.pdf", "page"), NO_MARK("ghostscript-none.pdf", "page"),
	NO_MARK("libreoffice-none.docx", "page"), NO_MARK("python-none.docx", "page"),
	NO_MARK("libreoffice-none.odt", "page"), NO_MARK("python-none.odt", "page"),
	NO_MARK("libreoffice-none.xlsx", "sheet"), NO_MARK("python-none.xlsx", "sheet"),
	/* Less thoroughly: OpenDocument spreadsheets, PowerPoint (whose first
	   slide shown is slide2.xml; slide1.xml, shown second, says
	   CONFIDENTIAL and is not read) and OpenDocument presentations (the
	   second page says CONFIDENTIAL, and is not read). */
	SHEET("libreoffice-heading.ods"), NO_MARK("libreoffice-none.ods", "sheet"),
	NO_MARK("libreoffice-prose.ods", "sheet"), NO_MARK("libreoffice-footer3.ods", "sheet"),
	{ "python-heading.pptx", EXTRACT_OK, "slide", EXTRACT_TOP, "CONFIDENTIAL - Part 2", NULL },
	NO_MARK("python-none.pptx", "slide"),
	{ "python-heading.odp", EXTRACT_OK, "slide", EXTRACT_TOP, "CONFIDENTIAL - Part 2", NULL },
	NO_MARK("python-none.odp", "slide"),
	{ "encrypted.pdf", EXTRACT_ENCRYPTED, "page", EXTRACT_TOP, NULL, NULL },
	{ "truncated.pdf", EXTRACT_DAMAGED, "page", EXTRACT_TOP, NULL, NULL },
	{ "zip-bomb.docx", EXTRACT_LIMIT_RATIO, "page", EXTRACT_TOP, NULL, NULL },
};

static char *fixture_path(const char *name)
{
	const char *src = g_getenv("COUNCIL_SOURCE_DIR");

	return g_build_filename(src != NULL ? src : "../..", "tests", "extract", "fixtures", name,
				NULL);
}

static struct extract_doc *read_fixture(const char *name, const struct extract_limits *lim,
					enum extract_kind kind)
{
	char *path = fixture_path(name), *data = NULL;
	gsize len = 0;
	struct extract_doc *doc;

	if (!g_file_get_contents(path, &data, &len, NULL))
		fail_msg("cannot read fixture %s", path);
	doc = reader_read(kind, data, len, lim);
	g_free(data);
	g_free(path);
	return doc;
}

static enum extract_kind kind_of(const char *name)
{
	return extract_kind_of(NULL, name);
}

static void test_fixtures(void **state)
{
	static const struct extract_limits lim = { 0 };
	GString *err = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct reader_case *c = &cases[i];
		struct extract_doc *doc = read_fixture(c->file, &lim, kind_of(c->file));
		bool found = c->starts == NULL, prose = false;

		if (doc->status != c->status) {
			g_string_append_printf(err, "\n%s: status: got %s (%s), want %s", c->file,
					       extract_status_name(doc->status), doc->detail,
					       extract_status_name(c->status));
			extract_doc_free(&doc);
			continue;
		}
		if (strcmp(doc->unit, c->unit) != 0)
			g_string_append_printf(err, "\n%s: unit: got %s, want %s", c->file,
					       doc->unit, c->unit);
		for (size_t k = 0; k < doc->n_lines; k++) {
			const struct extract_line *l = &doc->lines[k];

			if (c->starts != NULL && l->place == c->place &&
			    g_str_has_prefix(l->text, c->starts))
				found = true;
			if (c->absent != NULL && strstr(l->text, c->absent) != NULL)
				g_string_append_printf(err, "\n%s: got line \"%s\", want no \"%s\"",
						       c->file, l->text, c->absent);
			if (strstr(l->text, "not for publication") != NULL &&
			    !g_str_has_prefix(l->text, "not for publication"))
				prose = true;
			if (l->page != 1)
				g_string_append_printf(err, "\n%s: got a line of page %u, want "
						       "page 1 only", c->file, l->page);
		}
		if (!found)
			g_string_append_printf(err, "\n%s: got no line starting \"%s\"", c->file,
					       c->starts);
		/* The prose variants: the words are read, in their sentence. */
		if (strstr(c->file, "-prose.") != NULL && !prose)
			g_string_append_printf(err, "\n%s: got no prose line with the words",
					       c->file);
		if (c->status == EXTRACT_OK && doc->n_lines == 0)
			g_string_append_printf(err, "\n%s: got no lines at all", c->file);
		extract_doc_free(&doc);
	}
	if (err->len > 0)
		fail_msg("%s", err->str);
	g_string_free(err, TRUE);
}

/* Every fixture in the folder is in the table: none made and left untested. */
static void test_every_fixture(void **state)
{
	char *dir = fixture_path("");
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	assert_non_null(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		bool listed = false;

		if (g_str_has_suffix(name, ".py"))
			continue;
		for (size_t i = 0; i < G_N_ELEMENTS(cases) && !listed; i++)
			listed = strcmp(cases[i].file, name) == 0;
		if (!listed)
			fail_msg("fixture %s: got no case for it, want one in the table", name);
		n++;
	}
	g_dir_close(d);
	g_free(dir);
	assert_int_equal(n, G_N_ELEMENTS(cases));
}

/* The limits are honoured: bytes, pages, the unpacking ratio. */
static void test_limits(void **state)
{
	struct extract_limits small = { .max_bytes = 1000 };
	struct extract_limits one_page = { .max_pages = 1 };
	struct extract_limits tight = { .max_ratio = 1 };
	struct extract_doc *doc;

	doc = read_fixture("libreoffice-heading.pdf", &small, EXTRACT_PDF);
	assert_int_equal(doc->status, EXTRACT_LIMIT_BYTES);
	extract_doc_free(&doc);
	doc = read_fixture("libreoffice-heading.pdf", &one_page, EXTRACT_PDF);
	assert_int_equal(doc->status, EXTRACT_LIMIT_PAGES);
	assert_int_equal(doc->pages, 3);
	extract_doc_free(&doc);
	doc = read_fixture("libreoffice-heading.docx", &tight, EXTRACT_OOXML);
	assert_int_equal(doc->status, EXTRACT_LIMIT_RATIO);
	extract_doc_free(&doc);
	/* The same document within its limits is read. */
	doc = read_fixture("libreoffice-heading.docx", &one_page, EXTRACT_OOXML);
	assert_int_equal(doc->status, EXTRACT_OK);
	extract_doc_free(&doc);
}

/* A document is read as what it is: a PDF named .docx is a PDF; text is
   neither; an OLE file named .docx is an encrypted Office document. */
static void test_sniffing(void **state)
{
	static const struct extract_limits lim = { 0 };
	struct extract_doc *doc;
	static const char ole[] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 and the rest";

	doc = read_fixture("ghostscript-heading.pdf", &lim, EXTRACT_OOXML);
	assert_int_equal(doc->status, EXTRACT_OK);
	assert_int_equal(doc->pages, 3);
	extract_doc_free(&doc);
	/* Text given a document's name is read as the text an editor shows */
	doc = reader_read(EXTRACT_PDF, S("CONFIDENTIAL\nDear Sir,\nplease find"), &lim);
	assert_int_equal(doc->status, EXTRACT_OK);
	assert_int_equal(doc->n_lines, 3);
	assert_string_equal(doc->lines[0].text, "CONFIDENTIAL");
	assert_int_equal(doc->lines[0].place, EXTRACT_TOP);
	assert_int_equal(doc->lines[0].page, 1);
	extract_doc_free(&doc);
	/* Binary that no program opens as a document shows nothing */
	doc = reader_read(EXTRACT_OOXML, S("\xf3\x13\xb9\x00\x04j_\xfbR CONFIDENTIAL"), &lim);
	assert_int_equal(doc->status, EXTRACT_OK);
	assert_int_equal(doc->n_lines, 0);
	extract_doc_free(&doc);
	doc = reader_read(EXTRACT_OOXML, ole, sizeof(ole) - 1, &lim);
	assert_int_equal(doc->status, EXTRACT_ENCRYPTED);
	extract_doc_free(&doc);
	/* A zip with no office part named anywhere in it holds nothing ... */
	doc = reader_read(EXTRACT_OOXML, S("PK\x03\x04 not really"), &lim);
	assert_int_equal(doc->status, EXTRACT_OK);
	assert_int_equal(doc->n_lines, 0);
	extract_doc_free(&doc);
	/* ... but one that names a part a repair could recover is damaged */
	doc = reader_read(EXTRACT_OOXML, S("PK\x03\x04 junk word/document.xml junk"), &lim);
	assert_int_equal(doc->status, EXTRACT_DAMAGED);
	extract_doc_free(&doc);
	/* A whole PDF with no page is empty; one cut short is damaged */
	doc = reader_read(EXTRACT_PDF, S("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
					 "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
					 "trailer<</Root 1 0 R>>\n%%EOF\n"), &lim);
	assert_int_equal(doc->status, EXTRACT_OK);
	assert_int_equal(doc->n_lines, 0);
	extract_doc_free(&doc);
	doc = reader_read(EXTRACT_PDF, S("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
					 "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"), &lim);
	assert_int_equal(doc->status, EXTRACT_DAMAGED);
	extract_doc_free(&doc);
}

/* The answer crosses from the worker whole, or not at all. */
static void test_wire(void **state)
{
	struct extract_doc *doc = extract_doc_new(EXTRACT_OK, "x\ny"), *back = NULL;
	const char *error = NULL;
	char *text;
	size_t len;

	doc->unit = "sheet";
	doc->pages = 7;
	extract_doc_add(doc, S("CONFIDENTIAL\n- Part 2\t\x01"), 1, EXTRACT_HEADING);
	extract_doc_add(doc, S("   "), 1, EXTRACT_TOP);	/* blank: dropped */
	extract_doc_add(doc, S("Page header"), 2, EXTRACT_PAGE_HEADER);
	text = extract_doc_write(doc, &len);
	assert_int_equal(extract_doc_read(text, len, &back, &error), 0);
	assert_int_equal(back->status, EXTRACT_OK);
	assert_string_equal(back->unit, "sheet");
	assert_int_equal(back->pages, 7);
	assert_string_equal(back->detail, "x y");
	assert_int_equal(back->n_lines, 2);
	assert_string_equal(back->lines[0].text, "CONFIDENTIAL - Part 2");
	assert_int_equal(back->lines[0].place, EXTRACT_HEADING);
	assert_int_equal(back->lines[1].page, 2);
	assert_int_equal(back->lines[1].place, EXTRACT_PAGE_HEADER);
	extract_doc_free(&back);

	/* Cut anywhere before its end, it is refused. */
	for (size_t cut = 0; cut < len; cut++) {
		if (extract_doc_read(text, cut, &back, &error) == 0)
			fail_msg("an answer cut to %zu of %zu bytes: got a document, want an "
				 "error", cut, len);
		assert_null(back);
	}
	g_free(text);
	assert_int_equal(extract_doc_read(S("council-extract 1\nstatus ok\nbogus\nend\n"), &back,
					  &error), -1);
	assert_int_equal(extract_doc_read(S("council-extract 1\nstatus maybe\nend\n"), &back,
					  &error), -1);
	assert_int_equal(extract_doc_read(S("council-extract 1\nstatus ok\nline top x y\nend\n"),
					  &back, &error), -1);
	assert_int_equal(extract_doc_read(S("council-extract 1\nstatus ok\nend\nmore\n"),
					  &back, &error), -1);
	assert_int_equal(extract_doc_read(S("council-extract 1\nstatus ok\nend\n"), &back,
					  &error), 0);
	extract_doc_free(&back);
	extract_doc_free(&doc);
}

static void test_kinds(void **state)
{
	static const struct {
		const char *type, *name;
		enum extract_kind want;
	} kinds[] = {
		{ "application/pdf", "", EXTRACT_PDF },
		{ "application/octet-stream", "Item 9 report.PDF", EXTRACT_PDF },
		{ "application/octet-stream", "report.pdf. ", EXTRACT_PDF },
		{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "x",
		  EXTRACT_OOXML },
		{ "application/octet-stream", "budget.xlsx", EXTRACT_OOXML },
		{ "application/octet-stream", "slides.pptx", EXTRACT_OOXML },
		{ "application/vnd.oasis.opendocument.text", NULL, EXTRACT_ODF },
		{ NULL, "rents.ods", EXTRACT_ODF },
		{ "text/plain", "notes.pdf", EXTRACT_NONE },	/* a body: read as text */
		{ "image/png", "scan.png", EXTRACT_NONE },
		{ "application/msword", "old.doc", EXTRACT_NONE },
		{ "application/octet-stream", "", EXTRACT_NONE },
		{ NULL, NULL, EXTRACT_NONE },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (extract_kind_of(kinds[i].type, kinds[i].name) != kinds[i].want)
			fail_msg("%s / %s: got kind %d, want %d", kinds[i].type, kinds[i].name,
				 extract_kind_of(kinds[i].type, kinds[i].name), kinds[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_every_fixture),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_sniffing),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
