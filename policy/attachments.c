/*
 * Markings inside attached documents (PDF, Office, OpenDocument), for the
 * confidential rule. The documents are read by whoever judges
 * (policy_envelope's documents: the engine runs council-extract, a worker
 * under limits), once per judgement and only when the rule needs them: a
 * message already marked elsewhere, or that could be no finding if it were
 * marked, costs no worker.
 *
 * As for a banner in the body, the marking must be a label: a line at the
 * top of the first page, a heading or a page header that is the marking or
 * starts with it ("NOT FOR PUBLICATION by virtue of paragraph 3 ...",
 * "CONFIDENTIAL - Part 2"), never the word in prose ("the figures are not
 * for publication until ...").
 *
 * A document that cannot be read (a limit, a password, damage, its reader
 * failing) is no evidence that it is unmarked: the message then gets
 * on_incomplete, as one the parser could read only in part.
 */
#include "policy/judge.h"

#include <string.h>

#define NAME_MAX_BYTES 120	/* of a file name in evidence */

/* The file name for evidence and notices: "Item 9 report.pdf". */
static char *shown_name(const struct parser_part *p)
{
	char *name = parser_header_sanitise(p->filename, NAME_MAX_BYTES);

	g_strdelimit(name, "\"", '\'');
	if (*name == '\0') {
		g_free(name);
		name = g_strdup_printf("(%s)", p->content_type);
	}
	return name;
}

/* Why DOC (of part P) was not read, in words with the setting that raises
   the limit, and its token for the result header. */
static char *unread_reason(const struct judge *j, const struct parser_part *p,
			   const struct extract_doc *doc, const char **key_r)
{
	const struct conf_limits *lim = &j->conf->daemon.limits;
	char *name = shown_name(p), *why;

	switch (doc->status) {
	case EXTRACT_LIMIT_BYTES:
		*key_r = "max_attachment_bytes";
		why = g_strdup_printf("attachment \"%s\" is larger than %zu bytes "
				      "(limits.max_attachment_bytes)", name,
				      lim->max_attachment_bytes);
		break;
	case EXTRACT_LIMIT_PAGES:
		*key_r = "max_attachment_pages";
		why = g_strdup_printf("attachment \"%s\" has more than %u pages "
				      "(limits.max_attachment_pages)", name,
				      lim->max_attachment_pages);
		break;
	case EXTRACT_LIMIT_RATIO:
		*key_r = "max_expansion_ratio";
		why = g_strdup_printf("attachment \"%s\" unpacks to more than %u times its size "
				      "(limits.max_expansion_ratio)", name,
				      lim->max_expansion_ratio);
		break;
	case EXTRACT_LIMIT_TIME:
		*key_r = "max_attachment_seconds";
		why = g_strdup_printf("attachment \"%s\" was not read within %u seconds "
				      "(limits.max_attachment_seconds)", name,
				      lim->max_attachment_seconds);
		break;
	case EXTRACT_ENCRYPTED:
		*key_r = "encrypted-attachment";
		why = g_strdup_printf("attachment \"%s\" is locked with a password", name);
		break;
	case EXTRACT_DAMAGED:
		*key_r = "unreadable-attachment";
		why = g_strdup_printf("attachment \"%s\" cannot be read (%s)", name,
				      *doc->detail != '\0' ? doc->detail : "damaged");
		break;
	case EXTRACT_FAILED:
	default:
		*key_r = "unreadable-attachment";
		why = g_strdup_printf("attachment \"%s\" could not be read (%s)", name,
				      *doc->detail != '\0' ? doc->detail : "its reader failed");
		break;
	}
	g_free(name);
	return why;
}

static void note_unread(struct judge *j, char *why, const char *key)
{
	/* Only where the rule applies: what an exception stopped is no reason
	   to hold the message. The first reason is the one given. */
	if (j->ignore_exceptions || j->unread != NULL) {
		g_free(why);
		return;
	}
	j->unread = parser_header_sanitise(why, 400);
	j->unread_key = key;
	g_free(why);
}

/* MSG->parts[I] as a document, read on first use and kept (J->docs, one
   entry per part in order, NULL for a part that is no document); parts are
   read in order, and no further than the first marking found needs. */
static const struct extract_doc *document(struct judge *j, size_t i)
{
	const struct policy_documents *reader = j->env->documents;
	unsigned max = j->conf->daemon.limits.max_attachments;

	if (j->docs == NULL)
		j->docs = g_ptr_array_new();
	while (j->docs->len <= i && j->error == NULL) {
		const struct parser_part *p = &j->msg->parts[j->docs->len];
		enum extract_kind kind = extract_kind_of(p->content_type, p->filename);
		struct extract_doc *doc = NULL;
		const char *error;

		if (kind != EXTRACT_NONE && j->docs_read == max) {
			note_unread(j, g_strdup_printf("more than %u attached documents "
						       "(limits.max_attachments)", max),
				    "max_attachments");
			kind = EXTRACT_NONE;
		}
		if (kind != EXTRACT_NONE &&
		    reader->read(reader->ctx, j->docs->len, kind, &doc, &error) < 0)
			j->error = g_strdup(error);
		j->docs_read += kind != EXTRACT_NONE;
		g_ptr_array_add(j->docs, doc);
	}
	return i < j->docs->len ? g_ptr_array_index(j->docs, i) : NULL;
}

/* The marking as the document writes it, when LINE starts with it
   ("NOT FOR PUBLICATION"); else PHRASE as the phrase set has it. */
static char *marking_as_written(const char *line, const char *phrase)
{
	char *want = phrase_normalise(phrase), *out = NULL;
	const char *p = line;
	unsigned words = 1;

	for (const char *q = phrase; *q != '\0'; q++)
		words += *q == ' ';
	while (*p != '\0' && !g_unichar_isalnum(g_utf8_get_char(p)))
		p = g_utf8_next_char(p);
	for (const char *end = p; *end != '\0' && out == NULL;) {
		char *prefix, *norm;

		while (*end != '\0' && *end != ' ')
			end++;
		if (--words > 0) {
			while (*end == ' ')
				end++;
			continue;
		}
		/* "CONFIDENTIAL:", "EXEMPT -": the label without what ends it. */
		while (end > p && !g_unichar_isalnum(g_utf8_get_char(g_utf8_prev_char(end))))
			end = g_utf8_prev_char(end);
		prefix = g_strndup(p, (gsize)(end - p));
		norm = phrase_normalise(prefix);
		out = strcmp(norm, want) == 0 ? prefix : NULL;
		if (out == NULL)
			g_free(prefix);
		g_free(norm);
		break;
	}
	g_free(want);
	return out != NULL ? out : g_strdup(phrase);
}

static char *line_evidence(const struct parser_part *p, const struct extract_doc *doc,
			   const struct extract_line *l, const char *phrase)
{
	char *name = shown_name(p), *mark = marking_as_written(l->text, phrase), *ev;
	char *clean = parser_header_sanitise(mark, 100);

	g_strdelimit(clean, "\"", '\'');
	if (l->place == EXTRACT_PAGE_HEADER)
		ev = g_strdup_printf("marking \"%s\" in the page header of attachment \"%s\"",
				     clean, name);
	else
		ev = g_strdup_printf("marking \"%s\"%s on %s %u of attachment \"%s\"", clean,
				     l->place == EXTRACT_HEADING ? " in a heading" : "", doc->unit,
				     l->page != 0 ? l->page : 1, name);
	g_free(clean);
	g_free(mark);
	g_free(name);
	return ev;
}

char *attachment_marking(struct judge *j, const struct phrase_set *set)
{
	if (j->env->documents == NULL)
		return NULL;
	for (size_t i = 0; i < j->msg->n_parts && j->error == NULL; i++) {
		const struct extract_doc *doc = document(j, i);
		const struct parser_part *p = &j->msg->parts[i];
		const char *key = NULL;

		if (doc == NULL)
			continue;
		if (doc->status != EXTRACT_OK) {
			char *why = unread_reason(j, p, doc, &key);

			note_unread(j, why, key);
			continue;
		}
		for (size_t k = 0; k < doc->n_lines; k++) {
			const struct extract_line *l = &doc->lines[k];
			const char *phrase;

			/* A heading or header may end with its label too
			   ("Item 9 - Confidential"), as a subject may. */
			if (phrase_set_label(set, l->text, l->place != EXTRACT_TOP, &phrase))
				return line_evidence(p, doc, l, phrase);
		}
	}
	return NULL;
}

void attachments_clear(struct judge *j)
{
	for (guint i = 0; j->docs != NULL && i < j->docs->len; i++) {
		struct extract_doc *doc = g_ptr_array_index(j->docs, i);

		extract_doc_free(&doc);
	}
	if (j->docs != NULL)
		g_ptr_array_free(j->docs, TRUE);
	j->docs = NULL;
	g_free(j->unread);
	g_free(j->error);
}
