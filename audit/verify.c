/*
 * Checking the journal's chain (see audit.h), and the lines about one
 * message with what verifies them (council-review verify and export).
 *
 * At each line the chain says what it follows: the hash and the number of
 * the line before. When they do not match, what happened can be read from
 * them: the line two back matches (the line between was added), the number
 * jumps (records were removed), the number follows on but the hash differs
 * (the line before was changed). A line without the chain's members after
 * the chain began was added or changed by hand; the line after it tells
 * which.
 */
#include "audit/audit.h"

#include <string.h>

#include "util/util.h"

struct seen {
	bool have;
	char hash[JOURNAL_HASH_HEX + 1];
	guint64 seq;			/* the line's own number, 0: none */
	unsigned long line;
};

struct walk {
	struct journal_verify *v;
	const char *file;
	const char *file_before;	/* the file the previous line is in */
	struct seen prev, prev2;	/* one line back, two lines back */
	bool chained_seen;
	bool first_line;		/* no line of the files given before this one */
};

static struct journal_break *add_break(struct walk *w, unsigned long line,
				       enum journal_break_kind kind, unsigned long suspect,
				       char *text)
{
	struct journal_break b = { g_strdup(w->file), line, kind, suspect, 0, text };

	g_array_append_val(w->v->breaks, b);
	return &g_array_index(w->v->breaks, struct journal_break, w->v->breaks->len - 1);
}

static struct journal_break *last_break(struct walk *w)
{
	GArray *a = w->v->breaks;

	return a->len > 0 ? &g_array_index(a, struct journal_break, a->len - 1) : NULL;
}

/* "line 41", or "the last line of FILE (line 41)" across a file boundary. */
static char *before_text(const struct walk *w, unsigned long line, const struct seen *s)
{
	if (line == 1)
		return g_strdup_printf("the last line of %s (line %lu)", w->file_before, s->line);
	return g_strdup_printf("line %lu", s->line);
}

/* Line LINE says it follows PREV, which the line before does not match. */
static void mismatch(struct walk *w, unsigned long line, const struct journal_link *prev)
{
	struct journal_break *last = last_break(w);
	bool last_was_before = last != NULL && last->kind == JOURNAL_BREAK_NO_HASH &&
		last->line == w->prev.line && strcmp(last->file, w->file_before) == 0;
	char *before = before_text(w, line, &w->prev);

	if (w->prev2.have && strcmp(prev->hash, w->prev2.hash) == 0) {
		if (last_was_before) {
			last->kind = JOURNAL_BREAK_ADDED;
			g_free(last->text);
			last->text = g_strdup_printf("%s line %lu: this line was added by hand "
						     "(the line after it follows the line before "
						     "it)", last->file, last->line);
		} else {
			add_break(w, line, JOURNAL_BREAK_ADDED, w->prev.line,
				  g_strdup_printf("%s line %lu: %s was added by hand (this line "
						  "follows the one before it)", w->file, line,
						  before));
		}
	} else if (last_was_before) {
		last->kind = JOURNAL_BREAK_CHANGED;
		g_free(last->text);
		last->text = g_strdup_printf("%s line %lu: this line was changed by hand (its "
					     "hash is gone, and the line after it does not "
					     "follow it)", last->file, last->line);
	} else if (w->prev.seq > 0 && prev->seq > w->prev.seq) {
		guint64 missing = prev->seq - w->prev.seq;
		struct journal_break *b = add_break(w, line, JOURNAL_BREAK_REMOVED, 0,
			g_strdup_printf("%s line %lu: %" G_GUINT64_FORMAT " record%s missing "
					"between %s and this line: removed", w->file, line,
					missing, missing == 1 ? " is" : "s are", before));
		b->missing = missing;
		if (line == 1)
			b->kind = JOURNAL_BREAK_LINK;
	} else if (prev->seq == w->prev.seq) {
		struct journal_break *b = add_break(w, line, JOURNAL_BREAK_CHANGED, w->prev.line,
			g_strdup_printf("%s line %lu: %s was changed after it was written (its "
					"hash no longer matches what this line records)",
					w->file, line, before));
		if (line == 1)
			b->kind = JOURNAL_BREAK_LINK;
	} else {
		add_break(w, line, line == 1 ? JOURNAL_BREAK_LINK : JOURNAL_BREAK_ORDER, 0,
			  g_strdup_printf("%s line %lu: this line (record %" G_GUINT64_FORMAT
					  ") does not follow %s (record %" G_GUINT64_FORMAT
					  "): lines were moved, copied or changed", w->file, line,
					  prev->seq + 1, before, w->prev.seq));
	}
	g_free(before);
}

static bool verify_line(const char *line, size_t len, unsigned long number, bool newline,
			void *ctx)
{
	struct walk *w = ctx;
	struct journal_verify *v = w->v;
	struct journal_link prev;
	bool chained = journal_line_prev(line, len, &prev);
	struct seen self = { true, "", chained ? prev.seq + 1 : 0, number };

	v->n_lines++;
	if (len == 0 || line[len - 1] != '}')
		v->not_json++;
	if (chained && !w->chained_seen) {
		w->chained_seen = true;
		if (v->n_unchained > 0) {
			v->chain_file = g_strdup(w->file);
			v->chain_line = number;
		}
		if (!w->prev.have)
			v->continues = strcmp(prev.hash, journal_genesis.hash) != 0;
		v->first_seq = prev.seq + 1;
	}
	if (chained && w->prev.have &&
	    (strcmp(prev.hash, w->prev.hash) != 0 || prev.seq != w->prev.seq))
		mismatch(w, number, &prev);
	else if (!chained && w->chained_seen)
		add_break(w, number, JOURNAL_BREAK_NO_HASH, 0,
			  g_strdup_printf("%s line %lu: this line carries no hash: it was added or "
					  "changed by hand", w->file, number));
	else if (!chained)
		v->n_unchained++;
	if (!newline)
		add_break(w, number, JOURNAL_BREAK_CUT, 0,
			  g_strdup_printf("%s line %lu: the last line is cut short (no newline): "
					  "the file was cut, or a write did not finish", w->file,
					  number));

	/* Hashed as a writer hashed it: with its newline. */
	char *with_nl = g_malloc(len + 1);
	memcpy(with_nl, line, len);
	with_nl[len] = '\n';
	journal_hash(with_nl, len + 1, self.hash);
	g_free(with_nl);
	w->prev2 = w->prev;
	w->prev = self;
	w->file_before = w->file;
	return true;
}

int journal_verify(const char *const *files, size_t n_files, struct journal_verify **verify_r,
		   const char **error_r)
{
	struct journal_verify *v = g_new0(struct journal_verify, 1);
	struct walk w = { .v = v };

	v->breaks = g_array_new(FALSE, TRUE, sizeof(struct journal_break));
	for (size_t i = 0; i < n_files; i++) {
		w.file = files[i];
		if (journal_foreach_raw(files[i], verify_line, &w, error_r) < 0) {
			journal_verify_free(&v);
			return -1;
		}
		v->n_files++;
	}
	v->no_chain = !w.chained_seen;
	if (w.prev.have) {
		memcpy(v->head.hash, w.prev.hash, sizeof(v->head.hash));
		v->head.seq = w.prev.seq;
		v->head_file = g_strdup(w.file_before);
		v->head_line = w.prev.line;
	}
	*verify_r = v;
	return 0;
}

void journal_verify_free(struct journal_verify **verify_p)
{
	struct journal_verify *v = *verify_p;

	if (v == NULL)
		return;
	for (guint i = 0; i < v->breaks->len; i++) {
		struct journal_break *b = &g_array_index(v->breaks, struct journal_break, i);
		g_free(b->file);
		g_free(b->text);
	}
	g_array_unref(v->breaks);
	g_free(v->chain_file);
	g_free(v->head_file);
	g_free(v);
	*verify_p = NULL;
}

/* ---- the lines about one message ------------------------------------------ */

struct about {
	const char *id;
	const char *bare;		/* ID without angle brackets */
	size_t bare_len;
	bool plain;			/* printable ASCII with no '"' or '\\' */
	const char *file;
	JsonParser *parser;
	GPtrArray *records;
	struct journal_record *waiting;	/* its next line's "prev" not seen yet */
};

/* A Message-ID as the journal keeps it (no angle brackets) or as given. */
static bool same_message_id(const char *kept, const char *id)
{
	size_t len = strlen(id);

	if (kept == NULL)
		return false;
	if (len >= 2 && id[0] == '<' && id[len - 1] == '>')
		return strlen(kept) == len - 2 && strncmp(kept, id + 1, len - 2) == 0;
	return strcmp(kept, id) == 0;
}

static bool about_line(const char *line, size_t len, unsigned long number, bool newline,
		       void *ctx)
{
	struct about *a = ctx;
	struct journal_link prev;
	bool chained = journal_line_prev(line, len, &prev);

	if (a->waiting != NULL) {
		a->waiting->next_prev = chained ? g_strdup(prev.hash) : g_strdup("");
		a->waiting = NULL;
	}
	/* A plain id must be in the line as written for the line to be worth
	   parsing (JSON would escape only quotes, backslashes and controls). */
	if (a->plain && memmem(line, len, a->bare, a->bare_len) == NULL)
		return true;
	if (!json_parser_load_from_data(a->parser, line, (gssize)len, NULL))
		return true;
	JsonNode *root = json_parser_get_root(a->parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
		return true;
	JsonObject *o = json_node_get_object(root);
	if (g_strcmp0(journal_member_string(o, "queue_id"), a->id) != 0 &&
	    !same_message_id(journal_member_string(o, "message_id"), a->id))
		return true;

	struct journal_record *r = g_new0(struct journal_record, 1);
	r->file = g_strdup(a->file);
	r->line = number;
	r->text = g_strndup(line, len);
	r->prev = chained ? prev : (struct journal_link){ 0, "" };
	r->self.seq = chained ? prev.seq + 1 : 0;
	char *with_nl = g_strdup_printf("%s\n", r->text);
	journal_hash(with_nl, len + 1, r->self.hash);
	g_free(with_nl);
	r->object = json_object_ref(o);
	g_ptr_array_add(a->records, r);
	a->waiting = newline ? r : NULL;
	return true;
}

void journal_record_free(struct journal_record *r)
{
	if (r == NULL)
		return;
	g_free(r->file);
	g_free(r->text);
	g_free(r->next_prev);
	if (r->object != NULL)
		json_object_unref(r->object);
	g_free(r);
}

int journal_records_about(const char *const *files, size_t n_files, const char *id,
			  GPtrArray **records_r, const char **error_r)
{
	struct about a = { .id = id, .parser = json_parser_new() };
	size_t len = strlen(id);

	a.bare = id[0] == '<' ? id + 1 : id;
	a.bare_len = len - (id[0] == '<') - (len >= 2 && id[0] == '<' && id[len - 1] == '>');
	a.plain = a.bare_len > 0;
	for (size_t i = 0; i < a.bare_len; i++)
		if (a.bare[i] < 0x21 || a.bare[i] > 0x7e || a.bare[i] == '"' || a.bare[i] == '\\')
			a.plain = false;

	a.records = g_ptr_array_new_with_free_func((GDestroyNotify)journal_record_free);
	for (size_t i = 0; i < n_files; i++) {
		a.file = files[i];
		if (journal_foreach_raw(files[i], about_line, &a, error_r) < 0) {
			g_ptr_array_unref(a.records);
			g_object_unref(a.parser);
			return -1;
		}
	}
	g_object_unref(a.parser);
	*records_r = a.records;
	return 0;
}
