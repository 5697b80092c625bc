/*
 * extract_triage: what a document is, from its first bytes, for every
 * answer that needs no document parser. The daemon asks this first and
 * starts a worker (council-extract) only for what must be parsed, a PDF or
 * a zip package; the worker begins with the same question, so both give
 * the same answer. Nothing here does more than compare and count bytes.
 */
#include "extract/extract.h"

#include <glib.h>
#include <string.h>

/* Where "%PDF-" may start: PDF readers accept it anywhere in the first
   kilobyte (some producers put a few bytes of junk first). */
#define PDF_HEADER_WINDOW 1024

bool extract_is_pdf(const void *data, size_t len)
{
	size_t n = MIN(len, PDF_HEADER_WINDOW);

	return n >= 5 && memmem(data, n, "%PDF-", 5) != NULL;
}

/* Neither a PDF nor a zip package nor an Office compound file: no office
   program opens it as the document it says it is. Text (an RTF, HTML or
   plain file given a document's name, which Word or an editor shows as
   it is) is read as text: its first EXTRACT_TEXT_BUDGET bytes, line by
   line, as the top of its first page. Anything else shows nothing. */
static struct extract_doc *text_read(const char *data, size_t len)
{
	size_t n = MIN(len, (size_t)EXTRACT_TEXT_BUDGET), odd = 0;
	struct extract_doc *doc;
	const char *p, *end, *nl;

	/* An empty part (the daemon's copy of it may be no buffer at all):
	   nothing to read, as the worker answers an empty stdin */
	if (n == 0 || data == NULL)
		return extract_doc_new(EXTRACT_OK, "not a document: read as text");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)data[i];

		if (ch == 0)
			return extract_doc_new(EXTRACT_OK, "not a document: binary data");
		odd += ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f';
	}
	if (odd * 20 > n)
		return extract_doc_new(EXTRACT_OK, "not a document: binary data");
	doc = extract_doc_new(EXTRACT_OK, "not a document: read as text");
	for (p = data, end = data + n; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		extract_doc_add(doc, p, (size_t)(nl - p), 1, EXTRACT_TOP);
	}
	return doc;
}

struct extract_doc *extract_triage(enum extract_kind kind, const void *data, size_t len,
				   const struct extract_limits *limits)
{
	size_t max = limits->max_bytes != 0 ? limits->max_bytes : EXTRACT_DEFAULT_BYTES;
	const char *bytes = data;

	if (len > max) {
		char *why = g_strdup_printf("%zu bytes, more than %zu", len, max);
		struct extract_doc *doc = extract_doc_new(EXTRACT_LIMIT_BYTES, why);

		g_free(why);
		return doc;
	}
	if (extract_is_pdf(bytes, len))
		return NULL;
	/* Office's encryption wraps the whole package in an OLE compound
	   file: a docx that is one is locked with a password. */
	if (len >= 8 && memcmp(bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		return extract_doc_new(kind == EXTRACT_OOXML ? EXTRACT_ENCRYPTED : EXTRACT_DAMAGED,
				       "an encrypted Office document or an old binary format");
	if (len >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0)
		return NULL;
	return text_read(bytes, len);
}
