/*
 * Office Open XML (ECMA-376): Word's document body up to its first page
 * break or text budget, with its heading styles, and its page headers
 * (never its footers); Excel's first sheet, its first rows; PowerPoint's
 * first slide. Transitional and Strict namespaces alike.
 */
#include "extractor/reader.h"

#include <stdlib.h>
#include <string.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define S_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define S_NS_STRICT "http://purl.oclc.org/ooxml/spreadsheetml/main"
#define R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define R_NS_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"
#define PR_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define P_NS "http://schemas.openxmlformats.org/presentationml/2006/main"
#define P_NS_STRICT "http://purl.oclc.org/ooxml/presentationml/main"
#define A_NS "http://schemas.openxmlformats.org/drawingml/2006/main"
#define A_NS_STRICT "http://purl.oclc.org/ooxml/drawingml/main"

#define STYLES_MAX 2000u	/* paragraph styles looked at */
#define HEADERS_MAX 6u		/* page header parts read */
#define ROWS_MAX 10u		/* the top of a sheet */
#define CELLS_MAX 100u

static bool is2(xmlTextReaderPtr r, const char *ns, const char *strict, const char *local)
{
	return xml_is(r, ns, local) || xml_is(r, strict, local);
}

static bool end2(xmlTextReaderPtr r, const char *ns, const char *strict, const char *local)
{
	return xml_is_end(r, ns, local) || xml_is_end(r, strict, local);
}

#define W(r, l) is2(r, W_NS, W_NS_STRICT, l)
#define W_END(r, l) end2(r, W_NS, W_NS_STRICT, l)

static char *w_attr(xmlTextReaderPtr r, const char *local)
{
	char *v = xml_attr(r, W_NS, local);

	return v != NULL ? v : xml_attr(r, W_NS_STRICT, local);
}

/* An on/off property (<w:pageBreakBefore/>, w:val="0" turning it off). */
static bool w_on(xmlTextReaderPtr r)
{
	char *v = w_attr(r, "val");
	bool on = v == NULL || (strcmp(v, "0") != 0 && strcmp(v, "false") != 0 &&
				strcmp(v, "off") != 0);

	g_free(v);
	return on;
}

static bool heading_name(const char *name)
{
	return name != NULL && (g_ascii_strncasecmp(name, "heading", 7) == 0 ||
				g_ascii_strncasecmp(name, "title", 5) == 0 ||
				g_ascii_strncasecmp(name, "subtitle", 8) == 0);
}

/* Is the w:val of this element a heading's name? */
static bool named_heading(xmlTextReaderPtr r)
{
	char *v = w_attr(r, "val");
	bool h = heading_name(v);

	g_free(v);
	return h;
}

/* The ids of word/styles.xml's heading styles: by name ("heading 1",
   "Title") or by an outline level. */
static GHashTable *word_heading_styles(struct zip *zip)
{
	GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	xmlTextReaderPtr r = zip_xml(zip, "word/styles.xml");
	char *id = NULL;
	unsigned n = 0;
	int ret;

	while (r != NULL && n < STYLES_MAX && (ret = xmlTextReaderRead(r)) == 1) {
		if (W(r, "style")) {
			g_free(id);
			id = w_attr(r, "styleId");
			n++;
		} else if (id != NULL && (W(r, "outlineLvl") || (W(r, "name") && named_heading(r)))) {
			g_hash_table_add(set, id);
			id = NULL;
		} else if (W_END(r, "style")) {
			g_free(id);
			id = NULL;
		}
	}
	g_free(id);
	zip_xml_close(zip, &r);
	return set;
}

/* One Word part (the body, or a page header) into F. */
static void word_part(struct zip *zip, const char *name, GHashTable *headings, struct flow *f)
{
	xmlTextReaderPtr r = zip_xml(zip, name);
	bool in_t = false, seen_text = false, section_end = false;
	int ret = 1;

	while (r != NULL && !f->done && (ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);

		if (W(r, "p")) {
			flow_begin(f, false);
			if (xmlTextReaderIsEmptyElement(r))
				flow_end(f);
		} else if (W_END(r, "p")) {
			flow_end(f);
			if (section_end)
				flow_page_break(f);
		} else if (W(r, "pStyle")) {
			char *v = w_attr(r, "val");

			if (v != NULL && (g_hash_table_contains(headings, v) || heading_name(v)))
				flow_heading(f);
			g_free(v);
		} else if (W(r, "outlineLvl")) {
			flow_heading(f);
		} else if (W(r, "pageBreakBefore") && w_on(r) && seen_text) {
			flow_page_break(f);
		} else if (W(r, "lastRenderedPageBreak") && seen_text) {
			flow_page_break(f);
		} else if (W(r, "br")) {
			char *type_attr = w_attr(r, "type");

			if (type_attr != NULL && strcmp(type_attr, "page") == 0)
				flow_page_break(f);
			else
				flow_line_break(f);
			g_free(type_attr);
		} else if (W(r, "cr")) {
			flow_line_break(f);
		} else if (W(r, "tab")) {
			flow_text(f, " ", 1);
		} else if (W(r, "sectPr") && f->depth > 0) {
			/* A section ends with this paragraph: the next starts a page,
			   unless the section break is a continuous one. */
			section_end = true;
		} else if (W(r, "type") && section_end) {
			char *v = w_attr(r, "val");

			section_end = v == NULL || strcmp(v, "continuous") != 0;
			g_free(v);
		} else if (W(r, "t")) {
			in_t = !xmlTextReaderIsEmptyElement(r);
		} else if (W_END(r, "t")) {
			in_t = false;
		} else if (in_t && (type == XML_READER_TYPE_TEXT ||
				    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			const char *v = (const char *)xmlTextReaderConstValue(r);

			if (v != NULL) {
				flow_text(f, v, strlen(v));
				seen_text = true;
			}
		}
	}
	if (ret < 0)
		zip_fail(zip, name);
	flow_page_break(f);
	zip_xml_close(zip, &r);
}

static struct extract_doc *word_read(struct zip *zip)
{
	struct extract_doc *doc = extract_doc_new(EXTRACT_OK, NULL);
	GHashTable *headings = word_heading_styles(zip);
	char **headers = zip_names(zip, "word/header", ".xml", HEADERS_MAX);
	struct flow f;

	flow_init(&f, doc, false);
	word_part(zip, "word/document.xml", headings, &f);
	flow_clear(&f);
	for (size_t i = 0; headers[i] != NULL; i++) {
		flow_init(&f, doc, true);
		word_part(zip, headers[i], headings, &f);
		flow_clear(&f);
	}
	g_strfreev(headers);
	g_hash_table_destroy(headings);
	return doc;
}

/* ---- the first sheet or slide: a part named by a relationship ---- */

/* The target of relationship ID in RELS (a .rels part), as a member name
   resolved against BASE ("xl/"), or NULL. */
static char *rel_target(struct zip *zip, const char *rels, const char *id, const char *base)
{
	xmlTextReaderPtr r = zip_xml(zip, rels);
	char *target = NULL;

	while (r != NULL && target == NULL && xmlTextReaderRead(r) == 1) {
		char *rid, *t;

		if (!xml_is(r, PR_NS, "Relationship"))
			continue;
		rid = xml_attr(r, NULL, "Id");
		t = xml_attr(r, NULL, "Target");
		if (rid != NULL && t != NULL && strcmp(rid, id) == 0 && strstr(t, "..") == NULL)
			target = t[0] == '/' ? g_strdup(t + 1) : g_strconcat(base, t, NULL);
		g_free(rid);
		g_free(t);
	}
	zip_xml_close(zip, &r);
	return target;
}

/* The r:id of the first element LOCAL of PART (the first <sheet> of the
   workbook, <sldId> of the presentation), or NULL. */
static char *first_rid(struct zip *zip, const char *part, const char *ns, const char *strict,
		       const char *local)
{
	xmlTextReaderPtr r = zip_xml(zip, part);
	char *id = NULL;

	while (r != NULL && id == NULL && xmlTextReaderRead(r) == 1) {
		if (!is2(r, ns, strict, local))
			continue;
		id = xml_attr(r, R_NS, "id");
		if (id == NULL)
			id = xml_attr(r, R_NS_STRICT, "id");
		if (id == NULL)
			break;
	}
	zip_xml_close(zip, &r);
	return id;
}

static char *first_part(struct zip *zip, const char *main, const char *rels, const char *base,
			const char *ns, const char *strict, const char *local)
{
	char *id = first_rid(zip, main, ns, strict, local);
	char *target = id != NULL ? rel_target(zip, rels, id, base) : NULL;

	g_free(id);
	return target;
}

#define S(r, l) is2(r, S_NS, S_NS_STRICT, l)
#define S_END(r, l) end2(r, S_NS, S_NS_STRICT, l)

struct cell {
	long shared;		/* index into the shared strings, or -1 */
	GString *text;		/* inline text or value */
};

/* The cells of the first rows of SHEET. */
static GArray *sheet_cells(struct zip *zip, const char *sheet)
{
	GArray *cells = g_array_new(FALSE, FALSE, sizeof(struct cell));
	xmlTextReaderPtr r = zip_xml(zip, sheet);
	struct cell *c = NULL;
	bool in_value = false;
	int ret = 1;

	while (r != NULL && (ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);

		if (S(r, "row")) {
			char *n = xml_attr(r, NULL, "r");
			long row = n != NULL ? strtol(n, NULL, 10) : 1;

			g_free(n);
			if (row > (long)ROWS_MAX)
				break;
		} else if (S(r, "c")) {
			char *t = xml_attr(r, NULL, "t");
			struct cell nc = { strcmp(t != NULL ? t : "", "s") == 0 ? 0 : -1,
					   g_string_new(NULL) };

			g_free(t);
			if (cells->len >= CELLS_MAX) {
				g_string_free(nc.text, TRUE);
				break;
			}
			g_array_append_val(cells, nc);
			c = &g_array_index(cells, struct cell, cells->len - 1);
		} else if (S_END(r, "c")) {
			c = NULL;
		} else if (c != NULL && (S(r, "v") || S(r, "t"))) {
			in_value = !xmlTextReaderIsEmptyElement(r);
		} else if (S_END(r, "v") || S_END(r, "t")) {
			in_value = false;
		} else if (c != NULL && in_value && type == XML_READER_TYPE_TEXT &&
			   c->text->len < EXTRACT_LINE_MAX) {
			g_string_append(c->text, (const char *)xmlTextReaderConstValue(r));
		}
	}
	if (ret < 0)
		zip_fail(zip, sheet);
	zip_xml_close(zip, &r);
	for (guint i = 0; i < cells->len; i++) {
		struct cell *k = &g_array_index(cells, struct cell, i);

		if (k->shared == 0)
			k->shared = strtol(k->text->str, NULL, 10);
		if (k->shared < 0 && k->shared != -1)
			k->shared = -1;
	}
	return cells;
}

/* The shared strings CELLS point at, in place of their indexes. */
static void shared_strings(struct zip *zip, GArray *cells)
{
	long want = -1, index = -1;
	xmlTextReaderPtr r;
	GString *si = g_string_new(NULL);
	bool in_t = false;

	for (guint i = 0; i < cells->len; i++)
		want = MAX(want, g_array_index(cells, struct cell, i).shared);
	r = want >= 0 ? zip_xml(zip, "xl/sharedStrings.xml") : NULL;
	while (r != NULL && index <= want && xmlTextReaderRead(r) == 1) {
		if (S(r, "si")) {
			index++;
			g_string_truncate(si, 0);
		} else if (S(r, "t")) {
			in_t = !xmlTextReaderIsEmptyElement(r);
		} else if (S_END(r, "t")) {
			in_t = false;
		} else if (in_t && xmlTextReaderNodeType(r) == XML_READER_TYPE_TEXT &&
			   si->len < EXTRACT_LINE_MAX) {
			g_string_append(si, (const char *)xmlTextReaderConstValue(r));
		} else if (S_END(r, "si")) {
			for (guint i = 0; i < cells->len; i++) {
				struct cell *c = &g_array_index(cells, struct cell, i);

				if (c->shared == index) {
					g_string_assign(c->text, si->str);
					c->shared = -1;
				}
			}
		}
	}
	zip_xml_close(zip, &r);
	g_string_free(si, TRUE);
}

static struct extract_doc *sheet_read(struct zip *zip)
{
	struct extract_doc *doc = extract_doc_new(EXTRACT_OK, NULL);
	char *sheet = first_part(zip, "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/", S_NS,
				 S_NS_STRICT, "sheet");
	GArray *cells = sheet != NULL ? sheet_cells(zip, sheet) : g_array_new(FALSE, FALSE, 1);

	doc->unit = "sheet";
	if (sheet != NULL)
		shared_strings(zip, cells);
	for (guint i = 0; sheet != NULL && i < cells->len; i++) {
		struct cell *c = &g_array_index(cells, struct cell, i);

		if (c->shared < 0)
			extract_doc_add(doc, c->text->str, c->text->len, 1, EXTRACT_TOP);
		g_string_free(c->text, TRUE);
	}
	g_array_free(cells, TRUE);
	g_free(sheet);
	return doc;
}

static struct extract_doc *slide_read(struct zip *zip)
{
	struct extract_doc *doc = extract_doc_new(EXTRACT_OK, NULL);
	char *slide = first_part(zip, "ppt/presentation.xml", "ppt/_rels/presentation.xml.rels",
				 "ppt/", P_NS, P_NS_STRICT, "sldId");
	xmlTextReaderPtr r = slide != NULL ? zip_xml(zip, slide) : NULL;
	struct flow f;
	bool in_t = false;
	int ret = 1;

	doc->unit = "slide";
	flow_init(&f, doc, false);
	/* A slide is all top: every paragraph of the first one counts. */
	f.top_left = EXTRACT_LINES_MAX;
	while (r != NULL && !f.done && (ret = xmlTextReaderRead(r)) == 1) {
		if (is2(r, A_NS, A_NS_STRICT, "p")) {
			flow_begin(&f, false);
			if (xmlTextReaderIsEmptyElement(r))
				flow_end(&f);
		} else if (end2(r, A_NS, A_NS_STRICT, "p")) {
			flow_end(&f);
		} else if (is2(r, A_NS, A_NS_STRICT, "br")) {
			flow_line_break(&f);
		} else if (is2(r, A_NS, A_NS_STRICT, "t")) {
			in_t = !xmlTextReaderIsEmptyElement(r);
		} else if (end2(r, A_NS, A_NS_STRICT, "t")) {
			in_t = false;
		} else if (in_t && xmlTextReaderNodeType(r) == XML_READER_TYPE_TEXT) {
			const char *v = (const char *)xmlTextReaderConstValue(r);

			flow_text(&f, v, strlen(v));
		}
	}
	if (ret < 0)
		zip_fail(zip, slide);
	flow_page_break(&f);
	flow_clear(&f);
	zip_xml_close(zip, &r);
	g_free(slide);
	return doc;
}

struct extract_doc *ooxml_read(struct zip *zip)
{
	if (zip_has(zip, "word/document.xml"))
		return word_read(zip);
	if (zip_has(zip, "xl/workbook.xml"))
		return sheet_read(zip);
	if (zip_has(zip, "ppt/presentation.xml"))
		return slide_read(zip);
	return extract_doc_new(EXTRACT_DAMAGED, "an Office Open XML package with no document, "
			       "workbook or presentation in it");
}
