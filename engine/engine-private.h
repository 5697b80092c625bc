#ifndef COUNCIL_ENGINE_PRIVATE_H
#define COUNCIL_ENGINE_PRIVATE_H

/* Shared by engine.c (receiving and judging), output.c (rendering and
   JSON), journal-line.c and shared.c; not part of the engine's contract. */

#include <glib.h>
#include <json-glib/json-glib.h>

#include "engine/engine.h"
#include "parser/parser.h"

struct engine {
	struct conf *conf;
	struct policy_thread_store *store;	/* the shared one, or our own */
	struct engine_shared *shared;		/* NULL: the store is our own */
	bool no_early;				/* engine_set_early(false) */
};

struct engine_header {
	char *name;
	char *value;		/* as received: leading blanks dropped, folds kept */
};

struct engine_message {
	size_t max_bytes;	/* 0: no limit */
	size_t max_header_bytes;	/* 0: no limit */
	unsigned max_rcpts;	/* 0: no limit */
	GArray *headers;	/* struct engine_header, arrival order */
	GByteArray *raw;	/* the message as the parser and the MTA see it, the
				   only copy: each header appended as it arrives
				   ("Name: value", CRLF), then the blank line and
				   every body chunk (no copy per chunk) */
	size_t body_offset;	/* where the body starts in raw; 0 until the
				   blank line has been written */
	size_t size;		/* header and body bytes received so far */
	size_t header_bytes;	/* of them, header bytes */
	char *mail_from;
	GPtrArray *rcpts;
	char *auth;
	char *queue_id;
	time_t now;		/* engine_message_set_time; 0: time(NULL) */
	char *limit_error;	/* the first limit exceeded, NULL when none */
	bool limit_in_body;	/* it was max_message_bytes, passed by the body */
	/* The early decision (engine_message_decide): */
	enum { EARLY_UNDECIDED = 0, EARLY_WHOLE, EARLY_HEADERS } early;
	struct policy_verdict *early_verdict;	/* EARLY_HEADERS: the verdict,
						   until engine_run takes it */
	struct parser_message *early_model;	/* and the header fields it read */
};

/* Append "Name: value" lines (line ends made CRLF), the blank line and the
   body to a new buffer: the message as the parser and the MTA see it. */
GByteArray *engine_assemble(const struct engine_header *headers, size_t n_headers,
			    const guint8 *body, size_t body_len);

/* The blank line ending the header block, once (message.c). */
void engine_message_end_headers(struct engine_message *msg);

/* The body received so far (LEN_R bytes; not NUL-terminated). */
const guint8 *engine_message_body(const struct engine_message *msg, size_t *len_r);

/* Off: every message is parsed and judged whole, never decided from its
   header block (engine_message_decide always says no): the tests' way to
   show that both ways give the same answer. On by default. */
void engine_set_early(struct engine *engine, bool on);

/* engine_run with VERDICT (taken over) instead of policy_judge's, when
   not NULL: the tests' way to reach every operation. */
struct engine_result *engine_run_verdict(struct engine *engine, struct engine_message *msg,
					 struct policy_verdict *verdict);

/* The shared thread store (shared.c). */
struct policy_thread_store *engine_shared_store(struct engine_shared *shared);

/* The decision as one journal line (journal-line.c). g_free. */
char *engine_journal_line(const struct engine_result *res, const struct engine_message *msg);
/* MEMBER: an array of the verdict's findings, each {ID_KEY, action, clause,
   evidence} (journal-line.c): "findings"/"rule" in the journal,
   "rules"/"id" in the judge's JSON. */
void engine_add_findings(JsonBuilder *b, const char *member, const char *id_key,
			 const struct policy_verdict *v);

/* "exceptions": an array of the findings the council's exceptions stopped,
   each {ID_KEY, exception, evidence} (journal-line.c). */
void engine_add_exceptions(JsonBuilder *b, const char *id_key, const struct policy_verdict *v);

/* Attached documents, read by the document_reader worker (documents.c). */
struct engine_documents {
	const struct conf *conf;
	const struct parser_message *msg;
	gint64 deadline;	/* monotonic; 0 until the first document */
};
/* The policy_documents read function over an engine_documents CTX. */
int engine_read_document(void *ctx, size_t index, enum extract_kind kind,
			 struct extract_doc **doc_r, const char **error_r);
/* The environment variable the tests set to make the worker die, spin or
   sleep in the middle of a document (council-extract --test-hook). */
#define ENGINE_EXTRACT_TEST_HOOK "COUNCIL_EXTRACT_TEST_HOOK"

/* Header names compare case-insensitively (RFC 5322). */
static inline gboolean engine_header_is(const char *a, const char *b)
{
	return g_ascii_strcasecmp(a, b) == 0;
}

#endif
