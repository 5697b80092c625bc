/*
 * PDF through poppler-glib: the first page only, as poppler lays its text
 * out in reading order. A line counts when it is at the top of the page
 * (its upper third, or among its first lines) or is a heading (set in a
 * font clearly larger than the page's body text). Nothing else of the
 * document is read: a marking in a later page's footer is not a label of
 * this document.
 */
#include "extractor/reader.h"

#include <string.h>

#include <poppler.h>

#define TOP_FRACTION (1.0 / 3.0)	/* of the page's height */
#define TOP_LINES 8			/* the first lines, wherever they sit */
#define HEADING_SCALE 1.2		/* a heading's font against the body's */

struct pdf_line {
	size_t start, end;		/* byte offsets in the page's text */
	double top;			/* smallest y of its characters */
	double size;			/* largest font size of its characters */
};

/* The font size most of the page's characters are set in. */
static double body_size(GList *attrs)
{
	GHashTable *count = g_hash_table_new(g_direct_hash, g_direct_equal);
	GHashTableIter it;
	gpointer key, value;
	unsigned best_n = 0;
	double best = 0;

	for (GList *l = attrs; l != NULL; l = l->next) {
		const PopplerTextAttributes *a = l->data;
		/* Tenths of a point, as a key. */
		guint k = (guint)(a->font_size * 10 + 0.5);
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(count, GUINT_TO_POINTER(k)));

		n += (guint)MAX(a->end_index - a->start_index + 1, 0);
		g_hash_table_insert(count, GUINT_TO_POINTER(k), GUINT_TO_POINTER(n));
	}
	g_hash_table_iter_init(&it, count);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		if (GPOINTER_TO_UINT(value) > best_n) {
			best_n = GPOINTER_TO_UINT(value);
			best = GPOINTER_TO_UINT(key) / 10.0;
		}
	}
	g_hash_table_destroy(count);
	return best;
}

/* The lines of TEXT, with where they sit (RECTS, one per character) and
   their largest font size (ATTRS, ranges of characters). */
static GArray *page_lines(const char *text, const PopplerRectangle *rects, guint n_rects,
			  GList *attrs)
{
	GArray *lines = g_array_new(FALSE, FALSE, sizeof(struct pdf_line));
	struct pdf_line cur = { 0, 0, G_MAXDOUBLE, 0 };
	GList *a = attrs;
	guint ci = 0;	/* character index */

	for (const char *p = text;; p = g_utf8_next_char(p), ci++) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n' || c == '\0') {
			cur.end = (size_t)(p - text);
			if (cur.end > cur.start)
				g_array_append_val(lines, cur);
			if (c == '\0' || lines->len >= EXTRACT_LINES_MAX * 4)
				break;
			cur.start = cur.end + 1;
			cur.top = G_MAXDOUBLE;
			cur.size = 0;
			continue;
		}
		if (g_unichar_isspace(c))
			continue;
		if (ci < n_rects)
			cur.top = MIN(cur.top, MIN(rects[ci].y1, rects[ci].y2));
		while (a != NULL && ((PopplerTextAttributes *)a->data)->end_index < (gint)ci)
			a = a->next;
		if (a != NULL && ((PopplerTextAttributes *)a->data)->start_index <= (gint)ci)
			cur.size = MAX(cur.size, ((PopplerTextAttributes *)a->data)->font_size);
	}
	return lines;
}

static void first_page(struct extract_doc *doc, PopplerPage *page)
{
	char *text = poppler_page_get_text(page);
	PopplerRectangle *rects = NULL;
	guint n_rects = 0;
	GList *attrs = poppler_page_get_text_attributes(page);
	double width, height, body;
	GArray *lines;

	poppler_page_get_size(page, &width, &height);
	if (!poppler_page_get_text_layout(page, &rects, &n_rects))
		n_rects = 0;
	body = body_size(attrs);
	lines = page_lines(text != NULL ? text : "", rects, n_rects, attrs);
	for (guint i = 0; i < lines->len; i++) {
		const struct pdf_line *l = &g_array_index(lines, struct pdf_line, i);
		bool heading = body > 0 && l->size >= body * HEADING_SCALE;
		bool top = i < TOP_LINES || (l->top != G_MAXDOUBLE && l->top < height * TOP_FRACTION);

		if (heading)
			extract_doc_add(doc, text + l->start, l->end - l->start, 1, EXTRACT_HEADING);
		else if (top)
			extract_doc_add(doc, text + l->start, l->end - l->start, 1, EXTRACT_TOP);
	}
	g_array_free(lines, TRUE);
	poppler_page_free_text_attributes(attrs);
	g_free(rects);
	g_free(text);
}

/* Does the PDF end as a PDF ends, with "%%EOF" in its last kilobyte (some
   producers and mailers add a few bytes after it)? A file cut short does
   not. */
static bool complete_pdf(const void *data, size_t len)
{
	size_t from = len > 1024 ? len - 1024 : 0;

	return memmem((const char *)data + from, len - from, "%%EOF", 5) != NULL;
}

struct extract_doc *pdf_read(const void *data, size_t len, const struct extract_limits *limits)
{
	unsigned max_pages = limits->max_pages != 0 ? limits->max_pages : EXTRACT_DEFAULT_PAGES;
	GBytes *bytes = g_bytes_new_static(data, len);
	GError *err = NULL;
	PopplerDocument *pd = poppler_document_new_from_bytes(bytes, NULL, &err);
	struct extract_doc *doc;
	PopplerPage *page;
	int n;

	g_bytes_unref(bytes);
	if (pd == NULL) {
		bool locked = err != NULL && err->domain == POPPLER_ERROR &&
			      err->code == POPPLER_ERROR_ENCRYPTED;

		doc = extract_doc_new(locked ? EXTRACT_ENCRYPTED : EXTRACT_DAMAGED,
				      locked ? "the PDF needs a password to be opened" :
				      err != NULL ? err->message : "not a PDF");
		g_clear_error(&err);
		return doc;
	}
	n = poppler_document_get_n_pages(pd);
	if (n < 1 && complete_pdf(data, len)) {
		/* A whole PDF with no page shows nothing to anyone: read,
		   and nothing in it */
		doc = extract_doc_new(EXTRACT_OK, "the PDF has no pages");
	} else if (n < 1) {
		/* Cut short: another reader may still recover its pages */
		doc = extract_doc_new(EXTRACT_DAMAGED, "the PDF has no pages");
	} else if ((unsigned)n > max_pages) {
		char *detail = g_strdup_printf("the PDF has %d pages, more than %u", n, max_pages);

		doc = extract_doc_new(EXTRACT_LIMIT_PAGES, detail);
		g_free(detail);
	} else if ((page = poppler_document_get_page(pd, 0)) == NULL) {
		doc = extract_doc_new(EXTRACT_DAMAGED, "the PDF's first page cannot be read");
	} else {
		doc = extract_doc_new(EXTRACT_OK, NULL);
		first_page(doc, page);
		g_object_unref(page);
	}
	doc->pages = n > 0 ? (unsigned)n : 0;
	g_object_unref(pd);
	return doc;
}
