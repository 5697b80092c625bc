/*
 * OpenDocument (ODF 1.2/1.3): a text document's body up to its first page
 * break (LibreOffice writes where its pages broke, text:soft-page-break;
 * a paragraph style can break before itself) or text budget, with its
 * headings (text:h, and paragraphs of a Title or Heading style), and the
 * page headers of its master pages (never the footers); a spreadsheet's
 * first table, its first rows; a presentation's first page.
 */
#include "extractor/reader.h"

#include <string.h>

#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define FO_NS "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define DRAW_NS "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"

#define STYLES_MAX 5000u
#define ROWS_MAX 10u
#define PAGES_MAX 1u		/* presentation pages and tables read */

/* What the automatic styles of content.xml say of a paragraph style. */
enum style_bits {
	STYLE_HEADING = 1,	/* a Title or Heading style, or based on one */
	STYLE_PAGE_BREAK = 2	/* it starts a new page */
};

static bool heading_name(const char *name)
{
	return name != NULL && (g_str_has_prefix(name, "Heading") ||
				g_str_has_prefix(name, "Title") ||
				g_str_has_prefix(name, "Subtitle"));
}

struct odf {
	struct zip *zip;
	GHashTable *styles;	/* automatic style name -> GUINT (enum style_bits) */
	struct flow flow;
	unsigned kind;		/* 0 text, 1 spreadsheet, 2 presentation */
	unsigned tables, rows;
	bool seen_text;
	bool in_style;		/* inside a style:style of the automatic styles */
	char *style;		/* its name */
};

static unsigned style_bits(struct odf *o, const char *name)
{
	gpointer bits;

	if (name == NULL)
		return 0;
	if (g_hash_table_lookup_extended(o->styles, name, NULL, &bits))
		return GPOINTER_TO_UINT(bits);
	return heading_name(name) ? STYLE_HEADING : 0;
}

/* style:style (automatic, in content.xml) and its paragraph properties. */
static void automatic_style(struct odf *o, xmlTextReaderPtr r)
{
	if (xml_is(r, STYLE_NS, "style") && g_hash_table_size(o->styles) < STYLES_MAX) {
		char *parent = xml_attr(r, STYLE_NS, "parent-style-name");

		g_free(o->style);
		o->style = xml_attr(r, STYLE_NS, "name");
		if (o->style != NULL)
			g_hash_table_insert(o->styles, g_strdup(o->style),
					    GUINT_TO_POINTER(heading_name(parent) ? STYLE_HEADING
										  : 0));
		g_free(parent);
	} else if (o->style != NULL && xml_is(r, STYLE_NS, "paragraph-properties")) {
		char *brk = xml_attr(r, FO_NS, "break-before");

		if (brk != NULL && strcmp(brk, "page") == 0) {
			unsigned bits = style_bits(o, o->style) | STYLE_PAGE_BREAK;

			g_hash_table_insert(o->styles, g_strdup(o->style), GUINT_TO_POINTER(bits));
		}
		g_free(brk);
	}
}

/* A paragraph (text:p, text:h) begins. */
static void paragraph(struct odf *o, xmlTextReaderPtr r, bool h)
{
	char *name = xml_attr(r, TEXT_NS, "style-name");
	unsigned bits = style_bits(o, name);

	g_free(name);
	if ((bits & STYLE_PAGE_BREAK) != 0 && o->seen_text && o->kind == 0) {
		flow_page_break(&o->flow);
		return;
	}
	flow_begin(&o->flow, h || (bits & STYLE_HEADING) != 0);
	if (xmlTextReaderIsEmptyElement(r))
		flow_end(&o->flow);
}

/* Where reading stops in a spreadsheet or presentation: past the first
   rows of the first table, past the first page. */
static bool past_the_top(struct odf *o, xmlTextReaderPtr r)
{
	if (o->kind == 1 && xml_is(r, TABLE_NS, "table"))
		return ++o->tables > PAGES_MAX;
	if (o->kind == 1 && xml_is(r, TABLE_NS, "table-row"))
		return ++o->rows > ROWS_MAX;
	if (o->kind == 2 && xml_is(r, DRAW_NS, "page"))
		return ++o->tables > PAGES_MAX;
	return false;
}

/* One part (content.xml, or styles.xml for the page headers) into O's flow. */
static void odf_part(struct odf *o, const char *name, bool headers_only)
{
	xmlTextReaderPtr r = zip_xml(o->zip, name);
	unsigned header = 0;	/* depth inside style:header */
	int ret = 1;

	while (r != NULL && !o->flow.done && (ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);

		/* A sheet's first rows and a slide are all top. */
		if (xml_is(r, OFFICE_NS, "spreadsheet") || xml_is(r, OFFICE_NS, "presentation")) {
			o->kind = xml_is(r, OFFICE_NS, "spreadsheet") ? 1 : 2;
			o->flow.top_left = EXTRACT_LINES_MAX;
		}
		if (headers_only) {
			if (xml_is(r, STYLE_NS, "header") && !xmlTextReaderIsEmptyElement(r))
				header++;
			else if (xml_is_end(r, STYLE_NS, "header") && header > 0)
				header--;
			if (header == 0)
				continue;
		}
		if (!headers_only && xml_is(r, OFFICE_NS, "automatic-styles")) {
			o->in_style = !xmlTextReaderIsEmptyElement(r);
		} else if (xml_is_end(r, OFFICE_NS, "automatic-styles")) {
			o->in_style = false;
		} else if (o->in_style) {
			automatic_style(o, r);
		} else if (past_the_top(o, r)) {
			break;
		} else if (xml_is(r, TEXT_NS, "p") || xml_is(r, TEXT_NS, "h")) {
			paragraph(o, r, xml_is(r, TEXT_NS, "h"));
		} else if (xml_is_end(r, TEXT_NS, "p") || xml_is_end(r, TEXT_NS, "h")) {
			flow_end(&o->flow);
		} else if (xml_is(r, TEXT_NS, "soft-page-break") && o->seen_text && o->kind == 0) {
			flow_page_break(&o->flow);
		} else if (xml_is(r, TEXT_NS, "line-break")) {
			flow_line_break(&o->flow);
		} else if (xml_is(r, TEXT_NS, "s") || xml_is(r, TEXT_NS, "tab")) {
			flow_text(&o->flow, " ", 1);
		} else if (type == XML_READER_TYPE_TEXT ||
			   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			const char *v = (const char *)xmlTextReaderConstValue(r);

			/* Only text inside a paragraph (flow_text drops the rest). */
			if (v != NULL && o->flow.depth > 0) {
				flow_text(&o->flow, v, strlen(v));
				o->seen_text = true;
			}
		}
	}
	if (ret < 0)
		zip_fail(o->zip, name);
	flow_page_break(&o->flow);
	zip_xml_close(o->zip, &r);
}

struct extract_doc *odf_read(struct zip *zip)
{
	struct extract_doc *doc;
	struct odf o = { .zip = zip };

	if (!zip_has(zip, "content.xml"))
		return extract_doc_new(EXTRACT_DAMAGED, "an OpenDocument package with no "
				       "content.xml in it");
	doc = extract_doc_new(EXTRACT_OK, NULL);
	o.styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	flow_init(&o.flow, doc, false);
	odf_part(&o, "content.xml", false);
	flow_clear(&o.flow);
	if (o.kind == 1) {
		doc->unit = "sheet";
	} else if (o.kind == 2) {
		doc->unit = "slide";
	} else {
		flow_init(&o.flow, doc, true);
		odf_part(&o, "styles.xml", true);
		flow_clear(&o.flow);
	}
	g_free(o.style);
	g_hash_table_destroy(o.styles);
	return doc;
}
