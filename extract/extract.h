#ifndef COUNCIL_EXTRACT_H
#define COUNCIL_EXTRACT_H

/*
 * extract: what the confidential rule reads inside an attached document
 * (PDF, Office Open XML, OpenDocument), as plain C, and the one format in
 * which it crosses from the worker that reads it (extractor/,
 * council-extract, a process of its own under limits: document parsers
 * have a long history of flaws) to the daemon. Only the lines a marking
 * counts on are kept: the top of the first page, headings, page headers.
 *
 * This library parses no document: it links no PDF or zip library, so the
 * daemon does not carry them. Conventions: functions returning int return
 * 0 on success, -1 on failure with *error_r set as util/util.h says.
 */

#include <stdbool.h>
#include <stddef.h>

/* The documents read, by what a part says it is (the worker then reads
   what it really is: a "PDF" that is a zip is read as a zip). */
enum extract_kind {
	EXTRACT_NONE = 0,	/* not a document we read */
	EXTRACT_PDF,
	EXTRACT_OOXML,		/* docx, xlsx, pptx (and their macro forms) */
	EXTRACT_ODF		/* odt, ods, odp */
};

/* The kind of a MIME part from its content type (lower case "type/sub")
   and file name (either may be NULL or ""). */
enum extract_kind extract_kind_of(const char *content_type, const char *filename);

/* Limits; a zero field means the default. */
struct extract_limits {
	size_t max_bytes;	/* the document's size; default 32 MiB */
	unsigned max_pages;	/* a PDF with more pages is not read; default 2000 */
	unsigned max_ratio;	/* zip: bytes unpacked per byte of the document;
				   default 100 */
};
#define EXTRACT_DEFAULT_BYTES ((size_t)32 * 1024 * 1024)
#define EXTRACT_DEFAULT_PAGES 2000u
#define EXTRACT_DEFAULT_RATIO 100u

/* How much is read: the first page, or this much of a document's text. */
#define EXTRACT_TEXT_BUDGET 4096
/* At most this many lines, each at most this many bytes, are kept. */
#define EXTRACT_LINES_MAX 200
#define EXTRACT_LINE_MAX 400

enum extract_place {
	EXTRACT_TOP = 0,	/* the first lines of the first page */
	EXTRACT_HEADING,	/* a heading (a heading style, a larger font) */
	EXTRACT_PAGE_HEADER	/* the page header, printed at the top of pages */
};

enum extract_status {
	EXTRACT_OK = 0,
	EXTRACT_ENCRYPTED,	/* it needs a password */
	EXTRACT_DAMAGED,	/* not readable as the document it says it is */
	EXTRACT_LIMIT_BYTES,	/* larger than max_bytes */
	EXTRACT_LIMIT_PAGES,	/* more pages than max_pages */
	EXTRACT_LIMIT_RATIO,	/* unpacks to more than max_ratio times its size */
	EXTRACT_LIMIT_TIME,	/* the worker ran out of time */
	EXTRACT_FAILED,		/* the worker died (out of memory, say) or
				   answered nonsense */
	EXTRACT_STATUS_COUNT
};

struct extract_line {
	char *text;		/* one line, UTF-8, no control characters */
	unsigned page;		/* 1-based page (sheet, slide); 0: not known */
	enum extract_place place;
};

struct extract_doc {
	enum extract_status status;
	char *detail;		/* what went wrong, in words, for the log; "" */
	const char *unit;	/* "page", "sheet" or "slide" */
	unsigned pages;		/* pages of a PDF, 0 when not counted */
	struct extract_line *lines;
	size_t n_lines;
};

struct extract_doc *extract_doc_new(enum extract_status status, const char *detail);
/* Add a line (cleaned: control characters become spaces, runs of blanks
   one, cut to EXTRACT_LINE_MAX bytes); empty lines and lines past
   EXTRACT_LINES_MAX are dropped. */
void extract_doc_add(struct extract_doc *doc, const char *text, size_t len, unsigned page,
		     enum extract_place place);
void extract_doc_free(struct extract_doc **doc);

/* What needs no document parser, answered from DATA's first bytes: a
   document over LIMITS' max_bytes, an Office compound file (a locked
   package or an old binary format), text given a document's name (read
   as text), other binary data (nothing to read). NULL: a PDF or a zip
   package, which only the worker parses. The daemon asks this before it
   starts a worker, and the worker asks it first too (triage.c). */
struct extract_doc *extract_triage(enum extract_kind kind, const void *data, size_t len,
				   const struct extract_limits *limits);
/* Does "%PDF-" start within DATA's first kilobyte? */
bool extract_is_pdf(const void *data, size_t len);

/* "ok", "encrypted", "damaged", "limit-bytes" ...: the wire's names. */
const char *extract_status_name(enum extract_status status);

/* The worker's answer: DOC as text (g_free; *len_r bytes). */
char *extract_doc_write(const struct extract_doc *doc, size_t *len_r);
/* Read an answer. A truncated, malformed or oversized answer is an error
   (the worker died while writing, or is not ours). */
int extract_doc_read(const char *data, size_t len, struct extract_doc **doc_r,
		     const char **error_r);

#endif
