/* The journal's chain (audit.h): every line carries the hash and number of
   the line before; verify finds a line changed, removed or added with its
   line number, across a rotation and a restart; writers in separate
   "processes" (journal objects) keep one chain; a journal from before the
   chain is "unchained before line N", not broken; export finds every line
   about a message with what verifies it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "helpers.h"
#include "audit/audit.h"

static void append(struct journal *j, int n)
{
	const char *error;
	char *line = g_strdup_printf("{\"time\":\"2025-03-0%dT10:00:00Z\",\"event\":\"test\","
				     "\"queue_id\":\"Q%d\",\"n\":%d}", 1 + n % 9, n, n);

	if (journal_append(j, line, n % 3 == 0, &error) < 0)
		fail_msg("append %d: %s", n, error);
	g_free(line);
}

/* PATH with lines 1..N (journal_append, one journal object). */
static void write_journal(const char *path, int first, int n)
{
	struct journal *j;
	const char *error;

	if (journal_open(path, &j, &error) < 0)
		fail_msg("journal_open: %s", error);
	for (int i = first; i < first + n; i++)
		append(j, i);
	journal_close(&j);
}

static char **read_lines(const char *path)
{
	char *text;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("cannot read %s", path);
	size_t len = strlen(text);
	if (len > 0 && text[len - 1] == '\n')
		text[len - 1] = '\0';
	char **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	return lines;
}

static void write_lines(const char *path, char **lines)
{
	char *text = g_strjoinv("\n", lines);
	char *with_nl = g_strconcat(text, "\n", NULL);

	if (!g_file_set_contents(path, with_nl, -1, NULL))
		fail_msg("cannot write %s", path);
	g_free(text);
	g_free(with_nl);
}

static struct journal_verify *verify(const char *const *files, size_t n)
{
	struct journal_verify *v;
	const char *error;

	if (journal_verify(files, n, &v, &error) < 0)
		fail_msg("journal_verify: %s", error);
	return v;
}

static const struct journal_break *first_break(const struct journal_verify *v)
{
	return v->breaks->len > 0 ? &g_array_index(v->breaks, struct journal_break, 0) : NULL;
}

static void assert_intact(const struct journal_verify *v, const char *what)
{
	if (v->breaks->len != 0)
		fail_msg("%s: got %u break(s), the first \"%s\"; want none", what, v->breaks->len,
			 first_break(v)->text);
}

/* Each line carries the SHA-256 of the line before it, newline included,
   and the next number; the head is the last line's. */
static void test_chain_written(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);

	write_journal(path, 1, 5);
	char **lines = read_lines(path);
	assert_int_equal(g_strv_length(lines), 5);
	char *want_prev = g_strdup(journal_genesis.hash);
	for (int i = 0; i < 5; i++) {
		struct journal_link prev;
		if (!journal_line_prev(lines[i], strlen(lines[i]), &prev))
			fail_msg("line %d carries no chain: %s", i + 1, lines[i]);
		if (strcmp(prev.hash, want_prev) != 0 || prev.seq != (guint64)i)
			fail_msg("line %d: got prev %s seq %" G_GUINT64_FORMAT ", want %s seq %d",
				 i + 1, prev.hash, prev.seq, want_prev, i);
		/* The hash of the line as sha256sum sees it: with its newline. */
		char *with_nl = g_strconcat(lines[i], "\n", NULL);
		g_free(want_prev);
		want_prev = g_compute_checksum_for_string(G_CHECKSUM_SHA256, with_nl, -1);
		g_free(with_nl);
		if (strstr(lines[i], "\"event\":\"test\"") == NULL)
			fail_msg("line %d lost its members: %s", i + 1, lines[i]);
	}
	const char *files[] = { path };
	struct journal_verify *v = verify(files, 1);
	assert_intact(v, "five lines");
	if (v->n_lines != 5 || v->n_unchained != 0 || v->no_chain || v->continues ||
	    v->head.seq != 5 || strcmp(v->head.hash, want_prev) != 0 || v->head_line != 5)
		fail_msg("got %lu lines, %lu unchained, head %" G_GUINT64_FORMAT " %s at line %lu; "
			 "want 5, 0, head 5 %s at line 5", v->n_lines, v->n_unchained, v->head.seq,
			 v->head.hash, v->head_line, want_prev);
	journal_verify_free(&v);
	g_free(want_prev);
	g_strfreev(lines);
	g_free(path);
	test_rmdir(&root);
}

enum tamper { EDIT, DELETE, INSERT, INSERT_COPY, NO_HASH_EDIT };

/* One line of a ten-line journal tampered with: verify names it. */
static void test_tamper(void **state)
{
	static const struct {
		enum tamper how;
		int at;				/* the line (1-based) */
		unsigned long break_line;	/* where verify sees it */
		enum journal_break_kind kind;
		const char *says;
	} cases[] = {
		{ EDIT, 4, 5, JOURNAL_BREAK_CHANGED, "line 4 was changed" },
		{ DELETE, 4, 4, JOURNAL_BREAK_REMOVED, "1 record is missing between line 3 and "
						       "this line" },
		{ INSERT, 4, 4, JOURNAL_BREAK_ADDED, "line 4: this line was added by hand" },
		/* a copy of line 3: one of the two is extra */
		{ INSERT_COPY, 4, 4, JOURNAL_BREAK_ADDED, "line 3 was added by hand" },
		{ NO_HASH_EDIT, 6, 6, JOURNAL_BREAK_CHANGED, "line 6: this line was changed" },
		{ EDIT, 1, 2, JOURNAL_BREAK_CHANGED, "line 1 was changed" },
	};

	for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
		char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
		write_journal(path, 1, 10);
		char **lines = read_lines(path);
		GPtrArray *out = g_ptr_array_new();
		int at = cases[c].at - 1;
		char *edited = NULL;

		for (int i = 0; lines[i] != NULL; i++) {
			if (i == at && cases[c].how == EDIT) {
				edited = g_strdup(lines[i]);
				char *q = strstr(edited, "\"Q");
				q[2] = q[2] == '9' ? '8' : '9';	/* another queue id */
				g_ptr_array_add(out, edited);
				continue;
			}
			if (i == at && cases[c].how == NO_HASH_EDIT) {
				/* the chain's members gone */
				edited = g_strconcat("{", strchr(lines[i], ',') + 1, NULL);
				g_ptr_array_add(out, edited);
				continue;
			}
			if (i == at && cases[c].how == DELETE)
				continue;
			if (i == at && cases[c].how == INSERT)
				g_ptr_array_add(out, "{\"time\":\"2025-03-01T11:00:00Z\",\"event\":"
						"\"review\",\"action\":\"release\"}");
			if (i == at && cases[c].how == INSERT_COPY)
				g_ptr_array_add(out, lines[i - 1]);
			g_ptr_array_add(out, lines[i]);
		}
		g_ptr_array_add(out, NULL);
		write_lines(path, (char **)out->pdata);

		const char *files[] = { path };
		struct journal_verify *v = verify(files, 1);
		const struct journal_break *b = first_break(v);
		if (b == NULL || b->line != cases[c].break_line || b->kind != cases[c].kind ||
		    strstr(b->text, cases[c].says) == NULL || strstr(b->text, path) == NULL)
			fail_msg("case %zu: got %s at line %lu (kind %d), want line %lu (kind %d) "
				 "saying [%s]", c, b != NULL ? b->text : "no break",
				 b != NULL ? b->line : 0, b != NULL ? (int)b->kind : -1,
				 cases[c].break_line, cases[c].kind, cases[c].says);
		if (v->breaks->len != 1)
			fail_msg("case %zu: got %u breaks, want 1 (the chain goes on after it)", c,
				 v->breaks->len);
		journal_verify_free(&v);
		if (cases[c].how == NO_HASH_EDIT || cases[c].how == EDIT)
			g_free(edited);
		g_ptr_array_unref(out);
		g_strfreev(lines);
		g_free(path);
		test_rmdir(&root);
	}
}

/* The first line removed: the chain begins at record 2, as it would after
   an older file was deleted; verify says so, and where it begins. */
static void test_first_removed(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);

	write_journal(path, 1, 4);
	char **lines = read_lines(path);
	write_lines(path, lines + 1);
	const char *files[] = { path };
	struct journal_verify *v = verify(files, 1);
	assert_intact(v, "the first line removed");
	if (!v->continues || v->first_seq != 2)
		fail_msg("got continues %d, first record %" G_GUINT64_FORMAT "; want 1, 2",
			 v->continues, v->first_seq);
	journal_verify_free(&v);
	g_strfreev(lines);
	g_free(path);
	test_rmdir(&root);
}

/* SRC compressed into DST with gzip, as logrotate's compress does. */
static void gzip_file(const char *src, const char *dst)
{
	char *data;
	gsize len;
	GError *err = NULL;

	assert_true(g_file_get_contents(src, &data, &len, NULL));
	GFile *file = g_file_new_for_path(dst);
	GOutputStream *out = G_OUTPUT_STREAM(g_file_replace(file, NULL, FALSE, 0, NULL, &err));
	GConverter *gzip = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
	GOutputStream *z = g_converter_output_stream_new(out, gzip);
	if (!g_output_stream_write_all(z, data, len, NULL, NULL, &err) ||
	    !g_output_stream_close(z, NULL, &err))
		fail_msg("gzip %s: %s", dst, err->message);
	g_object_unref(z);
	g_object_unref(gzip);
	g_object_unref(out);
	g_object_unref(file);
	g_free(data);
}

/* DST as the text of the gzip file SRC (for the next checks). */
static void gunzip_file(const char *src, const char *dst)
{
	GString *text = g_string_new(NULL);
	GFile *file = g_file_new_for_path(src);
	GInputStream *in = G_INPUT_STREAM(g_file_read(file, NULL, NULL));
	GConverter *gunzip = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP));
	GInputStream *z = g_converter_input_stream_new(in, gunzip);
	char buf[4096];
	gssize n;

	while ((n = g_input_stream_read(z, buf, sizeof(buf), NULL, NULL)) > 0)
		g_string_append_len(text, buf, n);
	assert_true(g_file_set_contents(dst, text->str, (gssize)text->len, NULL));
	assert_int_equal(g_unlink(src), 0);
	g_object_unref(z);
	g_object_unref(gunzip);
	g_object_unref(in);
	g_object_unref(file);
	g_string_free(text, TRUE);
}

/* A rotation: the first line of the new file carries the last line of the
   old one; verify checks the link, and names a break across it. A restart
   (a new journal object) goes on with the chain. */
static void test_rotation_restart(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	char *old = g_strconcat(path, ".1", NULL);
	struct journal *j;
	const char *error;

	if (journal_open(path, &j, &error) < 0)
		fail_msg("journal_open: %s", error);
	for (int i = 1; i <= 3; i++)
		append(j, i);
	assert_int_equal(g_rename(path, old), 0);
	append(j, 4);		/* follows the rename by itself */
	journal_close(&j);
	write_journal(path, 5, 2);	/* a restart */
	write_journal(path, 7, 1);	/* council-review, say */

	GPtrArray *files = journal_files(path);
	if (files->len != 2 || strcmp(files->pdata[0], old) != 0 ||
	    strcmp(files->pdata[1], path) != 0)
		fail_msg("journal_files: got %u files, want %s then %s", files->len, old, path);
	struct journal_verify *v = verify((const char *const *)files->pdata, files->len);
	assert_intact(v, "across a rotation and two restarts");
	if (v->n_lines != 7 || v->head.seq != 7 || v->n_files != 2 || v->continues)
		fail_msg("got %lu lines, head %" G_GUINT64_FORMAT ", %u files; want 7, 7, 2",
			 v->n_lines, v->head.seq, v->n_files);
	journal_verify_free(&v);

	/* logrotate's compress: the old file as .1.gz, read as it was. */
	char *gz = g_strconcat(old, ".gz", NULL);
	gzip_file(old, gz);
	assert_int_equal(g_unlink(old), 0);
	GPtrArray *zipped = journal_files(path);
	if (zipped->len != 2 || strcmp(zipped->pdata[0], gz) != 0)
		fail_msg("journal_files: got %s first, want %s", (char *)zipped->pdata[0], gz);
	v = verify((const char *const *)zipped->pdata, zipped->len);
	assert_intact(v, "a compressed rotation");
	assert_int_equal(v->n_lines, 7);
	journal_verify_free(&v);
	g_ptr_array_unref(zipped);
	gunzip_file(gz, old);
	g_free(gz);

	/* The new file alone continues a file not given: no break. */
	const char *alone[] = { path };
	v = verify(alone, 1);
	assert_intact(v, "the new file alone");
	assert_true(v->continues);
	journal_verify_free(&v);

	/* The old file's last line removed: the break shows at line 1 of the new. */
	char **lines = read_lines(old);
	g_free(lines[2]);
	lines[2] = NULL;
	write_lines(old, lines);
	g_strfreev(lines);
	v = verify((const char *const *)files->pdata, files->len);
	const struct journal_break *b = first_break(v);
	if (b == NULL || b->kind != JOURNAL_BREAK_LINK || b->line != 1 ||
	    strcmp(b->file, path) != 0 || strstr(b->text, "the last line of") == NULL ||
	    b->missing != 1)
		fail_msg("got %s, want a break at line 1 of %s: a record missing after the last "
			 "line of %s", b != NULL ? b->text : "no break", path, old);
	journal_verify_free(&v);
	g_ptr_array_unref(files);
	g_free(old);
	g_free(path);
	test_rmdir(&root);
}

/* A journal written before the chain: its lines carry no hash. The first
   chained line follows the last of them; verify says "unchained before". */
static void test_unchained_before(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	const char *old =
		"{\"time\":\"2025-01-01T09:00:00Z\",\"event\":\"decision\",\"queue_id\":\"A1\"}\n"
		"{\"time\":\"2025-01-01T09:01:00Z\",\"event\":\"decision\",\"queue_id\":\"A2\"}\n"
		"{\"time\":\"2025-01-01T09:02:00Z\",\"event\":\"review\",\"queue_id\":\"A2\"}\n";

	assert_true(g_file_set_contents(path, old, -1, NULL));
	write_journal(path, 1, 3);
	const char *files[] = { path };
	struct journal_verify *v = verify(files, 1);
	assert_intact(v, "a journal begun by the previous version");
	if (v->n_unchained != 3 || v->chain_line != 4 || g_strcmp0(v->chain_file, path) != 0 ||
	    v->no_chain || v->head.seq != 3)
		fail_msg("got %lu unchained, chain from line %lu, head %" G_GUINT64_FORMAT
			 "; want 3, line 4, head 3", v->n_unchained, v->chain_line, v->head.seq);
	journal_verify_free(&v);

	/* The old lines are vouched for too: one changed breaks the chain. */
	char **lines = read_lines(path);
	lines[2][strlen(lines[2]) - 3] = 'X';
	write_lines(path, lines);
	g_strfreev(lines);
	v = verify(files, 1);
	const struct journal_break *b = first_break(v);
	if (b == NULL || b->line != 4 || strstr(b->text, "line 3 was changed") == NULL)
		fail_msg("got %s, want line 4 saying line 3 was changed",
			 b != NULL ? b->text : "no break");
	journal_verify_free(&v);

	/* Only old lines: no chain at all, and nothing broken. */
	assert_true(g_file_set_contents(path, old, -1, NULL));
	v = verify(files, 1);
	assert_intact(v, "only old lines");
	assert_true(v->no_chain);
	assert_int_equal(v->n_unchained, 3);
	journal_verify_free(&v);
	g_free(path);
	test_rmdir(&root);
}

/* A line cut short (a full disk, the daemon killed in a write) is ended
   and chained like any other: the file as it is stays vouched for. */
static void test_cut_short(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	char *text;
	size_t len;

	write_journal(path, 1, 3);
	assert_true(g_file_get_contents(path, &text, &len, NULL));
	/* The third line cut 20 bytes after its chain's members. */
	char *third = g_strrstr_len(text, (gssize)len - 1, "\n") + 1;
	size_t cut = (size_t)(third - text) + strlen("{\"prev\":\"\",\"seq\":3,") + 64 + 20;
	assert_true(g_file_set_contents(path, text, (gssize)cut, NULL));
	const char *files[] = { path };
	struct journal_verify *v = verify(files, 1);
	const struct journal_break *b = first_break(v);
	if (b == NULL || b->kind != JOURNAL_BREAK_CUT || b->line != 3 || v->breaks->len != 1)
		fail_msg("a cut last line: got %s (%u breaks), want a cut at line 3",
			 b != NULL ? b->text : "no break", v->breaks->len);
	journal_verify_free(&v);
	write_journal(path, 4, 1);
	v = verify(files, 1);
	assert_intact(v, "a line cut short, then ended by the next writer");
	if (v->n_lines != 4 || v->not_json != 1 || v->head.seq != 4)
		fail_msg("got %lu lines (%lu not whole), head %" G_GUINT64_FORMAT "; want 4 (1), 4",
			 v->n_lines, v->not_json, v->head.seq);
	journal_verify_free(&v);
	g_free(text);
	g_free(path);
	test_rmdir(&root);
}

#define WRITERS 6
#define EACH 150

struct writer {
	const char *path;
	int id;
	int rotate;		/* this one also rotates the file now and then */
};

/* Each writer its own journal object, as separate processes are (the
   daemon, council-review): they order themselves by the folder's lock. */
static void *write_own(void *arg)
{
	struct writer *w = arg;
	struct journal *j;
	const char *error;

	if (journal_open(w->path, &j, &error) < 0)
		return GINT_TO_POINTER(1);
	for (int i = 0; i < EACH; i++) {
		append(j, w->id * 1000 + i);
		if (w->rotate && i % 50 == 49) {
			char *old = g_strconcat(w->path, ".1", NULL), *older =
				g_strconcat(w->path, ".2", NULL);
			/* rename as logrotate does, .1 to .2 first */
			if (g_file_test(old, G_FILE_TEST_EXISTS))
				(void)g_rename(old, older);
			(void)g_rename(w->path, old);
			g_free(old);
			g_free(older);
		}
	}
	journal_close(&j);
	return NULL;
}

/* A writer idle while the journal was rotated twice: its next line follows
   the newest line (at the end of .1), not the last one it wrote itself
   (now in .2). Found as a rare break in test_concurrent_rotation. */
static void test_idle_writer_two_rotations(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	char *old = g_strconcat(path, ".1", NULL), *older = g_strconcat(path, ".2", NULL);
	struct journal *idle, *busy;
	const char *error;

	(void)state;
	assert_int_equal(journal_open(path, &idle, &error), 0);
	assert_int_equal(journal_open(path, &busy, &error), 0);
	append(idle, 1);
	append(busy, 2);
	assert_int_equal(g_rename(path, old), 0);
	append(busy, 3);		/* a new file */
	append(busy, 4);
	assert_int_equal(g_rename(old, older), 0);
	assert_int_equal(g_rename(path, old), 0);
	append(idle, 5);		/* its own file is .2 now */
	journal_close(&idle);
	journal_close(&busy);
	const char *files[] = { older, old, path };
	struct journal_verify *v = verify(files, 3);
	assert_intact(v, "a writer idle over two rotations");
	if (v->head.seq != 5)
		fail_msg("head: got %" G_GUINT64_FORMAT ", want 5", v->head.seq);
	journal_verify_free(&v);
	g_free(old);
	g_free(older);
	g_free(path);
	test_rmdir(&root);
}

static void test_concurrent_writers(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	struct writer w[WRITERS];
	GThread *threads[WRITERS];

	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ path, i + 1, 0 };
		threads[i] = g_thread_new("writer", write_own, &w[i]);
	}
	for (int i = 0; i < WRITERS; i++)
		assert_null(g_thread_join(threads[i]));
	const char *files[] = { path };
	struct journal_verify *v = verify(files, 1);
	assert_intact(v, "six writers at once");
	if (v->n_lines != WRITERS * EACH || v->head.seq != WRITERS * EACH)
		fail_msg("got %lu lines, head %" G_GUINT64_FORMAT ", want %d", v->n_lines,
			 v->head.seq, WRITERS * EACH);
	journal_verify_free(&v);
	g_free(path);
	test_rmdir(&root);
}

/* The same with rotations while they write: one chain through the files
   (the renames here are a test's, not logrotate's: only .1 and .2 kept, so
   the oldest lines go; the chain through what is kept holds). */
static void test_concurrent_rotation(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	struct writer w[3];
	GThread *threads[3];

	for (int i = 0; i < 3; i++) {
		w[i] = (struct writer){ path, i + 1, i == 0 };
		threads[i] = g_thread_new("writer", write_own, &w[i]);
	}
	for (int i = 0; i < 3; i++)
		assert_null(g_thread_join(threads[i]));
	GPtrArray *files = journal_files(path);
	struct journal_verify *v = verify((const char *const *)files->pdata, files->len);
	assert_intact(v, "three writers and rotations");
	if (v->head.seq != 3 * EACH)
		fail_msg("head: got %" G_GUINT64_FORMAT ", want %d", v->head.seq, 3 * EACH);
	journal_verify_free(&v);
	g_ptr_array_unref(files);
	g_free(path);
	test_rmdir(&root);
}

/* export: the lines about one message by queue id or Message-ID, with
   their own hash and the next line's "prev", which match. */
static void test_records_about(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	struct journal *j;
	const char *error;
	const char *lines[] = {
		"{\"event\":\"decision\",\"queue_id\":\"4F2A\",\"message_id\":\"m1@x\"}",
		"{\"event\":\"decision\",\"queue_id\":\"5B3C\",\"message_id\":\"m2@x\"}",
		"{\"event\":\"review\",\"action\":\"show\",\"queue_id\":\"4F2A\","
		"\"message_id\":\"m1@x\"}",
		"{\"event\":\"review\",\"action\":\"release\",\"queue_id\":\"4F2A\","
		"\"message_id\":\"m1@x\"}",
		"{\"event\":\"decision\",\"queue_id\":\"6D4E\",\"message_id\":\"4F2A@x\"}",
	};

	assert_int_equal(journal_open(path, &j, &error), 0);
	for (size_t i = 0; i < G_N_ELEMENTS(lines); i++)
		assert_int_equal(journal_append(j, lines[i], false, &error), 0);
	journal_close(&j);
	const char *files[] = { path };
	static const struct {
		const char *id;
		unsigned long want[4];
	} cases[] = {
		{ "4F2A", { 1, 3, 4, 0 } },
		{ "<m1@x>", { 1, 3, 4, 0 } },
		{ "m2@x", { 2, 0 } },
		{ "4F2A@x", { 5, 0 } },
		{ "nothing", { 0 } },
	};
	for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
		GPtrArray *found;
		if (journal_records_about(files, 1, cases[c].id, &found, &error) < 0)
			fail_msg("%s: %s", cases[c].id, error);
		size_t n = 0;
		while (cases[c].want[n] != 0)
			n++;
		if (found->len != n)
			fail_msg("%s: got %u lines, want %zu", cases[c].id, found->len, n);
		for (guint i = 0; i < found->len; i++) {
			const struct journal_record *r = found->pdata[i];
			if (r->line != cases[c].want[i])
				fail_msg("%s: record %u: got line %lu, want %lu", cases[c].id, i,
					 r->line, cases[c].want[i]);
			if (r->line < G_N_ELEMENTS(lines) &&
			    (r->next_prev == NULL || strcmp(r->next_prev, r->self.hash) != 0))
				fail_msg("%s line %lu: next line's prev %s, own hash %s: "
					 "want equal", cases[c].id, r->line, r->next_prev,
					 r->self.hash);
			if (r->line == G_N_ELEMENTS(lines) && r->next_prev != NULL)
				fail_msg("the last line: got a next prev, want none");
			if (r->self.seq != r->line)
				fail_msg("line %lu: got seq %" G_GUINT64_FORMAT, r->line,
					 r->self.seq);
		}
		g_ptr_array_unref(found);
	}
	g_free(path);
	test_rmdir(&root);
}

static bool collect(JsonObject *o, void *ctx)
{
	g_string_append_printf(ctx, "%s ", journal_member_string(o, "queue_id"));
	return true;
}

/* journal_follow: the lines added since the last read, whole ones only,
   the last rotation read first, a rotation followed to the old file's end
   and then the new one's. */
static void test_follow(void **state)
{
	char *root = test_tmpdir(), *path = g_build_filename(root, "journal.jsonl", NULL);
	char *old = g_strconcat(path, ".1", NULL);
	struct journal_follow *f = journal_follow_new(path);
	GString *got = g_string_new(NULL);
	const char *error;
	struct journal *j;
	static const struct {
		const char *step;
		const char *want;
	} steps[] = {
		{ "only the last rotation", "Q1 " },
		{ "two lines", "Q2 Q3 " },
		{ "one more, and half a line", "Q4 " },
		{ "the half ended", "Q5 " },
		{ "renamed, written on, then a new file", "Q6 Q7 " },
	};

	write_journal(old, 1, 1);
	for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
		switch (i) {
		case 1:
			write_journal(path, 2, 2);
			break;
		case 2: {
			write_journal(path, 4, 1);
			FILE *out = fopen(path, "a");
			fputs("{\"queue_id\":\"Q5\"", out);
			fclose(out);
			break;
		}
		case 3: {
			FILE *out = fopen(path, "a");
			fputs("}\n", out);
			fclose(out);
			break;
		}
		case 4:
			assert_int_equal(journal_open(path, &j, &error), 0);
			assert_int_equal(g_rename(path, old), 0);
			/* the old name's last line, then a new file's */
			FILE *out = fopen(old, "a");
			fputs("{\"queue_id\":\"Q6\"}\n", out);
			fclose(out);
			append(j, 7);
			journal_close(&j);
			break;
		}
		g_string_truncate(got, 0);
		if (journal_follow_read(f, collect, got, &error) < 0)
			fail_msg("%s: %s", steps[i].step, error);
		if (strcmp(got->str, steps[i].want) != 0)
			fail_msg("%s: got [%s], want [%s]", steps[i].step, got->str, steps[i].want);
	}
	journal_follow_free(&f);
	g_string_free(got, TRUE);
	g_free(old);
	g_free(path);
	test_rmdir(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_written),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_first_removed),
		cmocka_unit_test(test_rotation_restart),
		cmocka_unit_test(test_unchained_before),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_idle_writer_two_rotations),
		cmocka_unit_test(test_concurrent_rotation),
		cmocka_unit_test(test_records_about),
		cmocka_unit_test(test_follow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
