/*
 * reader_read: a document read by what it is, from its first bytes, not
 * by what its part or file name says: a PDF called "minutes.docx" is read
 * as a PDF, and a file that is neither is damaged, not passed as empty.
 */
#include "extractor/reader.h"

#include <string.h>

/* Where "%PDF-" may start: PDF readers accept it anywhere in the first
   kilobyte (some producers put a few bytes of junk first). */
#define PDF_HEADER_WINDOW 1024

static bool is_pdf(const char *data, size_t len)
{
	size_t n = MIN(len, PDF_HEADER_WINDOW);

	for (size_t i = 0; i + 5 <= n; i++)
		if (memcmp(data + i, "%PDF-", 5) == 0)
			return true;
	return false;
}

/* Is any office document's part named in DATA? Zip stores member names
   as they are, in every local header and in the central directory. */
static bool office_part_named(const char *data, size_t len)
{
	static const char *const parts[] = { "word/", "xl/", "ppt/", "content.xml" };

	for (size_t i = 0; i < G_N_ELEMENTS(parts); i++)
		if (memmem(data, len, parts[i], strlen(parts[i])) != NULL)
			return true;
	return false;
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

struct extract_doc *reader_read(enum extract_kind kind, const void *data, size_t len,
				const struct extract_limits *limits)
{
	size_t max = limits->max_bytes != 0 ? limits->max_bytes : EXTRACT_DEFAULT_BYTES;
	const char *bytes = data;
	struct extract_doc *doc;
	struct zip *zip;
	enum extract_status status;
	const char *detail;

	if (len > max) {
		char *why = g_strdup_printf("%zu bytes, more than %zu", len, max);

		doc = extract_doc_new(EXTRACT_LIMIT_BYTES, why);
		g_free(why);
		return doc;
	}
	if (is_pdf(bytes, len))
		return pdf_read(data, len, limits);
	/* Office's encryption wraps the whole package in an OLE compound
	   file: a docx that is one is locked with a password. */
	if (len >= 8 && memcmp(bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		return extract_doc_new(kind == EXTRACT_OOXML ? EXTRACT_ENCRYPTED : EXTRACT_DAMAGED,
				       "an encrypted Office document or an old binary format");
	if (len < 4 || memcmp(bytes, "PK\x03\x04", 4) != 0)
		return text_read(bytes, len);
	zip = zip_open(data, len, limits);
	if (zip_has(zip, "content.xml") && zip_has(zip, "mimetype"))
		doc = odf_read(zip);
	else
		doc = ooxml_read(zip);
	/* What stopped the zip (a budget spent, a damaged member) is the
	   document's status: what was read before it is not the whole top. */
	status = zip_status(zip, &detail);
	if (status != EXTRACT_OK && doc->status == EXTRACT_OK) {
		doc->status = status;
		g_free(doc->detail);
		doc->detail = g_strdup(detail);
	}
	zip_close(&zip);
	/* A package with no part any office program shows (no word/, xl/,
	   ppt/ or content.xml anywhere in it, not even in a damaged local
	   header that a repair could recover) holds nothing to read */
	if (doc->status == EXTRACT_DAMAGED && !office_part_named(bytes, len)) {
		extract_doc_free(&doc);
		doc = extract_doc_new(EXTRACT_OK, "a zip package with no document in it");
	}
	return doc;
}
