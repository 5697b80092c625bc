/* A hold queue in memory (see fake-queue.h). */
#include "fake-queue.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "helpers.h"

static struct fake_queue *fq(struct hold_queue *q)
{
	return (struct fake_queue *)q;
}

static struct hold_entry *entry_copy(const struct hold_entry *e)
{
	struct hold_entry *c = g_new0(struct hold_entry, 1);

	c->queue_id = g_strdup(e->queue_id);
	c->arrival = e->arrival;
	c->sender = g_strdup(e->sender);
	c->rcpts = g_strdupv(e->rcpts);
	c->n_rcpts = e->n_rcpts;
	return c;
}

static int f_list(struct hold_queue *q, GPtrArray **entries_r, bool *denied_r,
		  const char **error_r)
{
	*denied_r = false;
	*entries_r = g_ptr_array_new_with_free_func((GDestroyNotify)hold_entry_free);
	for (guint i = 0; i < fq(q)->entries->len; i++)
		g_ptr_array_add(*entries_r, entry_copy(fq(q)->entries->pdata[i]));
	return 0;
}

static int f_read(struct hold_queue *q, const char *id, char **text_r, size_t *len_r,
		  const char **error_r)
{
	const char *file = g_hash_table_lookup(fq(q)->files, id);

	if (file == NULL) {
		*error_r = "postcat: no such message";
		return -1;
	}
	*text_r = test_read(file, len_r);
	return 0;
}

static int take(struct hold_queue *q, const char *what, const char *id, const char **error_r)
{
	g_string_append_printf(fq(q)->calls, "%s %s\n", what, id);
	for (guint i = 0; i < fq(q)->entries->len; i++)
		if (strcmp(((struct hold_entry *)fq(q)->entries->pdata[i])->queue_id, id) == 0) {
			g_ptr_array_remove_index(fq(q)->entries, i);
			return 0;
		}
	*error_r = "postsuper did not act on it";
	return -1;
}

static int f_release(struct hold_queue *q, const char *id, const char **error_r)
{
	return take(q, "release", id, error_r);
}

static int f_remove(struct hold_queue *q, const char *id, const char **error_r)
{
	return take(q, "remove", id, error_r);
}

static void f_free(struct hold_queue *q)
{
}

struct fake_queue *fake_queue_new(void)
{
	struct fake_queue *f = g_new0(struct fake_queue, 1);

	f->q = (struct hold_queue){ f_list, f_read, f_release, f_remove, f_free };
	f->entries = g_ptr_array_new_with_free_func((GDestroyNotify)hold_entry_free);
	f->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	f->calls = g_string_new(NULL);
	return f;
}

void fake_queue_free(struct fake_queue **f_p)
{
	struct fake_queue *f = *f_p;

	if (f == NULL)
		return;
	g_ptr_array_unref(f->entries);
	g_hash_table_destroy(f->files);
	g_string_free(f->calls, TRUE);
	g_free(f);
	*f_p = NULL;
}

void fake_queue_add(struct fake_queue *f, const char *id, time_t arrival, const char *sender,
		    const char *rcpt, const char *fixture)
{
	struct hold_entry *e = g_new0(struct hold_entry, 1);

	e->queue_id = g_strdup(id);
	e->arrival = arrival;
	e->sender = g_strdup(sender);
	e->rcpts = g_new0(char *, 2);
	e->rcpts[0] = g_strdup(rcpt);
	e->n_rcpts = 1;
	g_ptr_array_add(f->entries, e);
	g_hash_table_replace(f->files, g_strdup(id), g_strdup(fixture));
}

void fake_decision(const char *path, const char *id, const char *council, const char *author,
		   const char *author_name, const char *subject)
{
	struct journal *j;
	const char *error;
	JsonBuilder *b = journal_line_begin("decision");

	journal_add_string(b, "queue_id", id);
	journal_add_string(b, "message_id", "fake-decision@example.org");
	journal_add_string(b, "council", council);
	journal_add_string(b, "author", author);
	journal_add_string(b, "author_name", author_name);
	journal_add_string(b, "submitter", author);
	journal_add_string(b, "subject", subject);
	json_builder_set_member_name(b, "findings");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	journal_add_string(b, "rule", "obligation-in-member-name");
	journal_add_string(b, "action", "hold");
	journal_add_string(b, "clause", "12.2");
	journal_add_string(b, "evidence", "phrase \"the council will pay\" in body line 4");
	json_builder_end_object(b);
	json_builder_end_array(b);
	journal_add_string(b, "action", "hold");
	journal_add_string(b, "hold_reason", "obligation-in-member-name (clause 12.2)");
	char *line = journal_line_end(b);
	if (journal_open(path, &j, &error) < 0 || journal_append(j, line, false, &error) < 0)
		fail_msg("writing the journal: %s", error);
	journal_close(&j);
	g_free(line);
}
