/*
 * Paragraphs in reading order into the lines a marking counts on: the
 * first few paragraphs (the top of the first page) and headings, until the
 * first page ends or the text budget is spent. A marking lower down the
 * first page in ordinary prose, or on a later page, is never a label.
 */
#include "extractor/reader.h"

#include <string.h>

void flow_init(struct flow *f, struct extract_doc *doc, bool header)
{
	memset(f, 0, sizeof(*f));
	f->doc = doc;
	f->header = header;
	f->top_left = FLOW_TOP_PARAGRAPHS;
	f->text_left = EXTRACT_TEXT_BUDGET;
}

void flow_clear(struct flow *f)
{
	for (unsigned i = 0; i < f->depth && i < FLOW_DEPTH; i++)
		g_string_free(f->text[i], TRUE);
	f->depth = 0;
}

void flow_begin(struct flow *f, bool heading)
{
	/* Deeper than a text box in a text box: its text joins the paragraph
	   around it. */
	if (f->depth < FLOW_DEPTH) {
		f->text[f->depth] = g_string_new(NULL);
		f->heading[f->depth] = heading;
	}
	f->depth++;
}

void flow_heading(struct flow *f)
{
	if (f->depth > 0 && f->depth <= FLOW_DEPTH)
		f->heading[f->depth - 1] = true;
}

void flow_text(struct flow *f, const char *s, size_t len)
{
	unsigned at = MIN(f->depth, FLOW_DEPTH);

	if (f->done || at == 0)
		return;
	len = MIN(len, f->text_left);
	g_string_append_len(f->text[at - 1], s, (gssize)len);
	f->text_left -= len;
	if (f->text_left == 0)
		f->done = true;
}

/* The open paragraph's text so far as a line, if it counts. */
static void emit(struct flow *f)
{
	unsigned at = MIN(f->depth, FLOW_DEPTH);
	GString *t;
	bool blank = true;

	if (at == 0)
		return;
	t = f->text[at - 1];
	for (gsize i = 0; i < t->len && blank; i++)
		blank = g_ascii_isspace(t->str[i]);
	if (!blank) {
		if (f->header)
			extract_doc_add(f->doc, t->str, t->len, 1, EXTRACT_PAGE_HEADER);
		else if (f->heading[at - 1])
			extract_doc_add(f->doc, t->str, t->len, 1, EXTRACT_HEADING);
		else if (f->top_left > 0)
			extract_doc_add(f->doc, t->str, t->len, 1, EXTRACT_TOP);
		if (f->top_left > 0)
			f->top_left--;
	}
	g_string_truncate(t, 0);
}

void flow_line_break(struct flow *f)
{
	emit(f);
}

void flow_end(struct flow *f)
{
	if (f->depth == 0)
		return;
	emit(f);
	if (f->depth <= FLOW_DEPTH)
		g_string_free(f->text[f->depth - 1], TRUE);
	f->depth--;
}

void flow_page_break(struct flow *f)
{
	while (f->depth > 0)
		flow_end(f);
	f->done = true;
}
