/*
 * The state a daemon shares across reloads (see engine.h): one thread store,
 * one journal and the notice key, opened once from the first configuration.
 */
#include "engine/engine-private.h"

#include "audit/audit.h"

struct engine_shared {
	gint refs;
	struct policy_thread_store *store;
	struct journal *journal;
	struct marker_key *key;
	/* What they were opened with, to tell a reload what it cannot change. */
	char *store_path;
	unsigned retention_days, max_entries;
	char *journal_path;
	char *key_path;
};

static void shared_free(struct engine_shared *s)
{
	policy_thread_store_close(&s->store);
	journal_close(&s->journal);
	marker_key_free(&s->key);
	g_free(s->store_path);
	g_free(s->journal_path);
	g_free(s->key_path);
	g_free(s);
}

int engine_shared_open(const struct conf *conf, struct engine_shared **shared_r,
		       const char **error_r)
{
	const struct conf_daemon *d = &conf->daemon;
	struct engine_shared *s = g_new0(struct engine_shared, 1);

	s->refs = 1;
	s->store_path = g_strdup(d->thread_store.path);
	s->retention_days = d->thread_store.retention_days;
	s->max_entries = d->thread_store.max_entries;
	s->journal_path = g_strdup(d->journal);
	s->key_path = g_strdup(d->notice_key);
	if (policy_thread_store_open(d->thread_store.path, d->thread_store.retention_days,
				     d->thread_store.max_entries, false, &s->store, error_r) < 0 ||
	    journal_open(d->journal, &s->journal, error_r) < 0 ||
	    marker_key_load(d->notice_key, true, &s->key, error_r) < 0) {
		shared_free(s);
		return -1;
	}
	*shared_r = s;
	return 0;
}

struct engine_shared *engine_shared_ref(struct engine_shared *shared)
{
	g_atomic_int_inc(&shared->refs);
	return shared;
}

void engine_shared_unref(struct engine_shared **shared_p)
{
	struct engine_shared *s = *shared_p;

	if (s == NULL)
		return;
	*shared_p = NULL;
	if (g_atomic_int_dec_and_test(&s->refs))
		shared_free(s);
}

static void changed(GString *out, const char *what, const char *in_use, const char *wanted)
{
	g_string_append_printf(out, "%s%s \"%s\" (still using \"%s\")", out->len > 0 ? ", " : "",
			       what, wanted != NULL ? wanted : "", in_use != NULL ? in_use : "");
}

char *engine_shared_changes(const struct engine_shared *s, const struct conf *conf)
{
	const struct conf_daemon *d = &conf->daemon;
	GString *out = g_string_new(NULL);

	if (g_strcmp0(s->journal_path, d->journal) != 0)
		changed(out, "journal", s->journal_path, d->journal);
	if (g_strcmp0(s->key_path, d->notice_key) != 0)
		changed(out, "notice_key", s->key_path, d->notice_key);
	if (g_strcmp0(s->store_path, d->thread_store.path) != 0)
		changed(out, "thread_store.path", s->store_path, d->thread_store.path);
	if (s->retention_days != d->thread_store.retention_days ||
	    s->max_entries != d->thread_store.max_entries)
		g_string_append_printf(out, "%sthread_store limits (still %u days, %u entries)",
				       out->len > 0 ? ", " : "", s->retention_days,
				       s->max_entries);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

int engine_shared_reopen(struct engine_shared *s, const char **error_r)
{
	return journal_reopen(s->journal, error_r);
}

struct journal *engine_shared_journal(struct engine_shared *s)
{
	return s->journal;
}

const struct marker_key *engine_shared_key(const struct engine_shared *s)
{
	return s->key;
}

struct policy_thread_store *engine_shared_store(struct engine_shared *s)
{
	return s->store;
}
