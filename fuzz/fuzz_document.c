/*
 * fuzz_document: arbitrary bytes as an attached document, through the
 * extraction entry point the worker council-extract runs (reader_read: the
 * bytes are read by what they are, a PDF through poppler, a zip through
 * libarchive with its XML through libxml2), then its answer written and
 * read back as the daemon reads it, which must give the same document.
 * The same bytes are also read as an answer, as if a worker had written
 * them. The limits are the defaults, bar a smaller unpacking ratio so that
 * zip bombs are cut short quickly.
 *
 * Built with libFuzzer and, with fuzz/replay.c, as a plain replay program.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "extractor/reader.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	xmlInitParser();
	return 0;
}

static void same(const struct extract_doc *a, const struct extract_doc *b)
{
	bool ok = a->status == b->status && a->pages == b->pages &&
		  strcmp(a->unit, b->unit) == 0 && a->n_lines == b->n_lines;

	for (size_t i = 0; ok && i < a->n_lines; i++)
		ok = strcmp(a->lines[i].text, b->lines[i].text) == 0 &&
		     a->lines[i].place == b->lines[i].place && a->lines[i].page == b->lines[i].page;
	if (!ok) {
		fprintf(stderr, "fuzz_document: the answer read back differs from the document\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const struct extract_limits lim = { .max_ratio = 20 };
	struct extract_doc *doc = reader_read(EXTRACT_OOXML, data, len, &lim), *back = NULL;
	const char *error;
	size_t n;
	char *answer = extract_doc_write(doc, &n);

	if (extract_doc_read(answer, n, &back, &error) < 0) {
		fprintf(stderr, "fuzz_document: its own answer cannot be read: %s\n", error);
		abort();
	}
	same(doc, back);
	extract_doc_free(&back);
	extract_doc_free(&doc);
	g_free(answer);
	/* The bytes as a worker's answer: read or refused, never more. */
	if (extract_doc_read((const char *)data, len, &back, &error) == 0)
		extract_doc_free(&back);
	return 0;
}
