/*
 * reader_read: a document read by what it is, from its first bytes, not
 * by what its part or file name says: a PDF called "minutes.docx" is read
 * as a PDF, and a file that is neither is damaged, not passed as empty.
 */
#include "extractor/reader.h"

#include <string.h>

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

struct extract_doc *reader_read(enum extract_kind kind, const void *data, size_t len,
				const struct extract_limits *limits)
{
	const char *bytes = data;
	struct extract_doc *doc;
	struct zip *zip;
	enum extract_status status;
	const char *detail;

	/* Too large, locked, text or junk: answered without a parser. */
	if ((doc = extract_triage(kind, data, len, limits)) != NULL)
		return doc;
	if (extract_is_pdf(bytes, len))
		return pdf_read(data, len, limits);
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
