#ifndef COUNCIL_EXTRACTOR_READER_H
#define COUNCIL_EXTRACTOR_READER_H

/*
 * Internal to council-extract (extractor/) and its tests and fuzzer: the
 * document readers. PDF through poppler-glib; Office Open XML and
 * OpenDocument through libarchive (the zip) and libxml2's streaming reader
 * (the XML): no zip or PDF is parsed by hand. Each reader keeps only the
 * lines a marking counts on (extract.h) and stops as soon as it has read
 * the first page or EXTRACT_TEXT_BUDGET bytes of text.
 */

#include <glib.h>
#include <libxml/xmlreader.h>

#include "extract/extract.h"

/* Read DATA (LEN bytes), whatever KIND says, by what it is (its first
   bytes). Always returns a document; its status says what went wrong. */
struct extract_doc *reader_read(enum extract_kind kind, const void *data, size_t len,
				const struct extract_limits *limits);

/* ---- the readers (pdf.c, ooxml.c, odf.c) ---- */

struct extract_doc *pdf_read(const void *data, size_t len, const struct extract_limits *limits);

struct zip;
struct extract_doc *ooxml_read(struct zip *zip);
struct extract_doc *odf_read(struct zip *zip);

/* ---- zip.c: the archive, and its members as XML ---- */

/* An archive in memory, with a budget of bytes that may be unpacked from
   it (max_ratio times its size): past it, reading stops with
   EXTRACT_LIMIT_RATIO, so a zip bomb costs no more than that. */
struct zip *zip_open(const void *data, size_t len, const struct extract_limits *limits);
void zip_close(struct zip **zip);
/* Is there a member NAME (compared without regard to case, as OOXML part
   names are)? */
bool zip_has(struct zip *zip, const char *name);
/* The names of the members that start with PREFIX and end with SUFFIX, in
   archive order, at most MAX (g_strfreev). */
char **zip_names(struct zip *zip, const char *prefix, const char *suffix, unsigned max);
/* Member NAME as a streaming XML reader (no network, no DTD, no entity
   substitution), or NULL when there is no such member. */
xmlTextReaderPtr zip_xml(struct zip *zip, const char *name);
void zip_xml_close(struct zip *zip, xmlTextReaderPtr *reader);
/* What stopped reading, if anything: EXTRACT_OK, or the status (an
   exhausted budget, an encrypted or damaged member) with a detail. */
enum extract_status zip_status(const struct zip *zip, const char **detail_r);
/* Note that reading failed for READER's member (XML not well formed):
   EXTRACT_DAMAGED, unless the budget ran out first. */
void zip_fail(struct zip *zip, const char *what);

/* ---- flow.c: paragraphs in reading order into a document's lines ---- */

#define FLOW_DEPTH 8		/* paragraphs inside paragraphs (text boxes) */
#define FLOW_TOP_PARAGRAPHS 8	/* the top of the first page */

/* A reader hands paragraphs over as it meets them; the flow keeps the
   first FLOW_TOP_PARAGRAPHS as the top of the first page, and headings,
   until the first page ends or EXTRACT_TEXT_BUDGET bytes of text are read
   (then DONE is set and the reader stops). HEADER: a page header's flow,
   every line of it kept as such. */
struct flow {
	struct extract_doc *doc;
	bool header;
	bool done;
	unsigned top_left;
	size_t text_left;
	unsigned depth;
	GString *text[FLOW_DEPTH];
	bool heading[FLOW_DEPTH];
};

void flow_init(struct flow *f, struct extract_doc *doc, bool header);
void flow_clear(struct flow *f);
/* A paragraph begins (inside the current one, for a text box); HEADING: it
   has a heading style. */
void flow_begin(struct flow *f, bool heading);
/* Mark the open paragraph as a heading (its style came after it began). */
void flow_heading(struct flow *f);
void flow_text(struct flow *f, const char *s, size_t len);
/* A line break inside the paragraph: what came before is a line of its own. */
void flow_line_break(struct flow *f);
void flow_end(struct flow *f);
/* The first page ends here: what is open is kept, and reading stops. */
void flow_page_break(struct flow *f);

/* ---- xml helpers (zip.c) ---- */

/* Is the current node an element (START) or end of element (END) called
   LOCAL in the namespace NS_URI? */
bool xml_is(xmlTextReaderPtr r, const char *ns_uri, const char *local);
bool xml_is_end(xmlTextReaderPtr r, const char *ns_uri, const char *local);
/* The attribute LOCAL in NS_URI (NULL: none) of the current element, or
   NULL (g_free). */
char *xml_attr(xmlTextReaderPtr r, const char *ns_uri, const char *local);

#endif
