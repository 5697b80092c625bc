/*
 * council-review verify and export: the journal as evidence. verify checks
 * the chain through the journal and its rotations (audit's journal_verify)
 * and names each break; export prints every line about one message with
 * what a third party needs to check them: the file and line, its SHA-256,
 * and the next line's record of that hash.
 */
#include "review/review.h"

#include <string.h>

#include "audit/audit.h"

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

int review_verify(const struct review_journal *j, const char *const *given, size_t n_given)
{
	GPtrArray *files = NULL;
	const char *const *paths = given;
	size_t n = n_given;
	struct journal_verify *v;
	const char *error;

	if (n_given == 0) {
		files = journal_files(j->path);
		paths = (const char *const *)files->pdata;
		n = files->len;
	}
	int ret = journal_verify(paths, n, &v, &error);
	if (ret < 0) {
		if (files != NULL)
			g_ptr_array_unref(files);
		return review_say(REVIEW_EX_SOFTWARE, "%s", error);
	}
	printf("Checked %u file%s, %lu line%s, oldest first:\n", v->n_files,
	       v->n_files == 1 ? "" : "s", v->n_lines, v->n_lines == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		printf("  %s\n", paths[i]);
	if (v->no_chain && v->n_lines > 0)
		printf("No line carries a hash: all were written by a version of council-milter "
		       "before the chain (unchained before line %lu of %s; the next line "
		       "written begins it).\n", v->head_line + 1, paths[n - 1]);
	else if (v->n_unchained > 0)
		printf("Unchained before line %lu of %s: the %lu line%s before it %s written by "
		       "a version of council-milter before the chain and carry no hash (not a "
		       "break; the first chained line vouches for the last of them).\n",
		       v->chain_line, v->chain_file, v->n_unchained,
		       v->n_unchained == 1 ? "" : "s", v->n_unchained == 1 ? "was" : "were");
	if (v->continues)
		printf("The first file begins at record %" G_GUINT64_FORMAT ": the records "
		       "before it are in an older file not checked here (rotated away, or "
		       "not given).\n", v->first_seq);
	if (v->not_json > 0 && !v->no_chain)
		printf("%lu line%s %s not a whole record (a write cut short: a full disk?), "
		       "but %s part of the chain as %s.\n", v->not_json,
		       v->not_json == 1 ? "" : "s", v->not_json == 1 ? "is" : "are",
		       v->not_json == 1 ? "it is" : "they are", v->not_json == 1 ? "it is" :
		       "they are");
	int status = 0;
	if (v->breaks->len == 0 && !v->no_chain) {
		printf("The chain is whole: no line has been changed, removed or added since "
		       "it was written.\n");
	} else if (v->breaks->len > 0) {
		printf("The chain is BROKEN in %u place%s:\n", v->breaks->len,
		       v->breaks->len == 1 ? "" : "s");
		for (guint i = 0; i < v->breaks->len; i++) {
			const struct journal_break *b = &g_array_index(v->breaks,
								       struct journal_break, i);
			printf("  ");
			review_print_safe(stdout, b->text, strlen(b->text));
			putchar('\n');
		}
		printf("The journal from the first of these on cannot be trusted as it stands: "
		       "keep a copy of the files as they are, and compare them with a backup.\n");
		status = REVIEW_EX_DATAERR;
	}
	if (v->head.seq > 0)
		printf("The last line is record %" G_GUINT64_FORMAT " (%s line %lu); its SHA-256 "
		       "is\n  %s\nNote it somewhere else (in the minutes, say): a later check "
		       "that finds the same record with the same hash shows that nothing up to "
		       "it was changed since.\n", v->head.seq, base(v->head_file), v->head_line,
		       v->head.hash);
	journal_verify_free(&v);
	if (files != NULL)
		g_ptr_array_unref(files);
	return status;
}

static const char *record_string(const struct journal_record *r, const char *name)
{
	return journal_member_string(r->object, name);
}

/* With a council's scope, only its records: those naming it, and the
   MTA's refusals about its messages (which name no council). */
static void keep_scope(GPtrArray *records, const char *council)
{
	GHashTable *ours = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < records->len; i++) {
		const struct journal_record *r = records->pdata[i];
		const char *qid = record_string(r, "queue_id");
		if (qid != NULL && g_strcmp0(record_string(r, "council"), council) == 0)
			g_hash_table_add(ours, (gpointer)qid);
	}
	for (guint i = 0; i < records->len; i++) {
		const struct journal_record *r = records->pdata[i];
		const char *c = record_string(r, "council");
		const char *qid = record_string(r, "queue_id");
		bool keep = c != NULL ? strcmp(c, council) == 0 :
			!json_object_has_member(r->object, "council") && qid != NULL &&
			g_hash_table_contains(ours, qid);
		if (!keep)
			g_ptr_array_remove_index(records, i--);
	}
	g_hash_table_unref(ours);
}

static void export_json(GPtrArray *records, const char *id, const struct journal_verify *v)
{
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	journal_add_string(b, "id", id);
	json_builder_set_member_name(b, "chain_whole");
	json_builder_add_boolean_value(b, v->breaks->len == 0 && !v->no_chain);
	json_builder_set_member_name(b, "head_seq");
	json_builder_add_int_value(b, (gint64)v->head.seq);
	journal_add_string(b, "head_sha256", v->head.seq > 0 ? v->head.hash : NULL);
	json_builder_set_member_name(b, "records");
	json_builder_begin_array(b);
	for (guint i = 0; i < records->len; i++) {
		const struct journal_record *r = records->pdata[i];
		json_builder_begin_object(b);
		journal_add_string(b, "file", r->file);
		json_builder_set_member_name(b, "line");
		json_builder_add_int_value(b, (gint64)r->line);
		json_builder_set_member_name(b, "seq");
		json_builder_add_int_value(b, (gint64)r->self.seq);
		journal_add_string(b, "sha256", r->self.hash);
		journal_add_string(b, "prev", r->prev.seq > 0 || r->prev.hash[0] != '\0' ?
				   r->prev.hash : NULL);
		journal_add_string(b, "next_line_prev", r->next_prev);
		/* The line exactly as in the file: what the hash is of. */
		json_builder_set_member_name(b, "text");
		json_builder_add_string_value(b, r->text);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	char *text = journal_json_text(b, true);
	printf("%s\n", text);
	g_free(text);
}

static void export_text(GPtrArray *records, const char *id, const struct journal_verify *v)
{
	printf("The journal's records about %s: %u line%s.\n\n", id, records->len,
	       records->len == 1 ? "" : "s");
	for (guint i = 0; i < records->len; i++) {
		const struct journal_record *r = records->pdata[i];
		const char *event = record_string(r, "event"), *action = record_string(r, "action");
		const char *time = record_string(r, "time");
		printf("Record %" G_GUINT64_FORMAT ", %s line %lu: %s%s%s, %s\n", r->self.seq,
		       r->file, r->line, event != NULL ? event : "?", action != NULL ? " " : "",
		       action != NULL ? action : "", time != NULL ? time : "no time");
		review_print_safe(stdout, r->text, strlen(r->text));
		printf("\n  SHA-256 of this line: %s\n", r->self.hash);
		if (r->next_prev == NULL)
			printf("  It is the last line of the journal: the hash above is the "
			       "journal's head.\n\n");
		else if (strcmp(r->next_prev, r->self.hash) == 0)
			printf("  The next line records the same hash as its \"prev\": this line "
			       "is as it was written.\n\n");
		else
			printf("  The next line records %s: this line is NOT as it was "
			       "written.\n\n", *r->next_prev != '\0' ? r->next_prev :
			       "no hash");
	}
	printf("How to check: a line's SHA-256 is that of the line as it is in the file, with "
	       "its newline\n(sed -n 'LINEp' FILE | sha256sum), and the line after it carries "
	       "the same value as\n\"prev\", so neither can be changed without the other. "
	       "council-review verify checks the\nwhole chain: ");
	if (v->breaks->len == 0 && !v->no_chain)
		printf("today it is whole, from record %" G_GUINT64_FORMAT " to record %"
		       G_GUINT64_FORMAT ", whose SHA-256 is\n%s.\n", v->first_seq, v->head.seq,
		       v->head.hash);
	else if (v->no_chain)
		printf("this journal has no chain yet.\n");
	else
		printf("today it is BROKEN (council-review verify says where).\n");
}

int review_export(const struct review_journal *j, const char *id, bool json)
{
	GPtrArray *files = journal_files(j->path), *records;
	const char *const *paths = (const char *const *)files->pdata;
	struct journal_verify *v;
	const char *error;

	if (journal_records_about(paths, files->len, id, &records, &error) < 0 ||
	    journal_verify(paths, files->len, &v, &error) < 0) {
		g_ptr_array_unref(files);
		return review_say(REVIEW_EX_SOFTWARE, "%s", error);
	}
	if (j->council != NULL)
		keep_scope(records, j->council);
	int status = 0;
	if (records->len == 0) {
		status = review_say(REVIEW_EX_NOINPUT, "the journal has no record about %s%s%s "
				    "(give a queue id or a Message-ID, as council-review list "
				    "and the log show them)", id, j->council != NULL ? " for " : "",
				    j->council != NULL ? j->council : "");
	} else if (json) {
		export_json(records, id, v);
	} else {
		export_text(records, id, v);
	}
	journal_verify_free(&v);
	g_ptr_array_unref(records);
	g_ptr_array_unref(files);
	return status;
}
