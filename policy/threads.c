/*
 * The confidential-thread store: Message-IDs of messages judged
 * confidential, so that a reply or forward referencing one stays
 * confidential when its marking was deleted.
 *
 * File format, one entry a line: "<unix time> <message-id>\n". New entries
 * are appended with one write(2) on an O_APPEND descriptor, so a crash can
 * leave at most one torn last line, which the loader skips. When the file
 * holds twice as many lines as live entries it is compacted: written to a
 * temporary file, fsync'd, renamed over the old one. Entries past the
 * retention or beyond max_entries (oldest first) are dropped. One mutex
 * guards the table and the file: the daemon judges in many threads.
 */
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "util/util.h"

#define STORE_MAX_ID_LEN 998	/* RFC 5322 line limit: longer is not a Message-ID */
#define STORE_DEFAULT_RETENTION 365
#define STORE_DEFAULT_MAX 100000

struct store_entry {
	char *id;
	time_t when;
};

struct policy_thread_store {
	GMutex lock;
	char *path;		/* NULL: memory only */
	bool read_only;
	unsigned retention_days;
	unsigned max_entries;
	GHashTable *index;	/* id -> GList link in order (owned by order) */
	GQueue order;		/* struct store_entry *, oldest first */
	int fd;			/* append descriptor, -1 when none */
	size_t file_lines;	/* lines in the file, live or not */
};

static void entry_free(struct store_entry *e)
{
	g_free(e->id);
	g_free(e);
}

/* A Message-ID we can store: no angle brackets, no white space or control
   characters (they would break the line format), not too long. */
static bool id_ok(const char *id)
{
	size_t n = 0;

	if (id == NULL || *id == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)id; *p != '\0'; p++, n++)
		if (*p <= ' ' || *p == 0x7f || n >= STORE_MAX_ID_LEN)
			return false;
	return true;
}

static char *id_strip(const char *id)
{
	const char *s = id;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '<')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > 0 && s[n - 1] == '>')
		n--;
	return g_strndup(s, n);
}

static time_t cutoff(const struct policy_thread_store *st, time_t now)
{
	return now - (time_t)st->retention_days * 86400;
}

static void remove_link(struct policy_thread_store *st, GList *link)
{
	struct store_entry *e = link->data;

	g_hash_table_remove(st->index, e->id);
	g_queue_delete_link(&st->order, link);
	entry_free(e);
}

/* Drop what is past retention (relative to NOW) or over the bound. */
static void prune(struct policy_thread_store *st, time_t now)
{
	time_t limit = cutoff(st, now);
	GList *l = st->order.head;

	while (l != NULL) {
		GList *next = l->next;

		if (((struct store_entry *)l->data)->when < limit)
			remove_link(st, l);
		l = next;
	}
	while (st->order.length > st->max_entries)
		remove_link(st, st->order.head);
}

/* Insert or refresh ID at the young end. */
static void remember(struct policy_thread_store *st, const char *id, time_t when)
{
	GList *link = g_hash_table_lookup(st->index, id);
	struct store_entry *e;

	if (link != NULL) {
		e = link->data;
		if (when > e->when)
			e->when = when;
		g_queue_unlink(&st->order, link);
		g_queue_push_tail_link(&st->order, link);
		return;
	}
	e = g_new0(struct store_entry, 1);
	e->id = g_strdup(id);
	e->when = when;
	g_queue_push_tail(&st->order, e);
	g_hash_table_insert(st->index, e->id, st->order.tail);
}

static bool parse_line(const char *line, time_t *when_r, const char **id_r)
{
	char *end;
	long long t;

	errno = 0;
	t = strtoll(line, &end, 10);
	if (errno != 0 || end == line || *end != ' ' || t < 0)
		return false;
	*when_r = (time_t)t;
	*id_r = end + 1;
	return id_ok(*id_r);
}

static int load(struct policy_thread_store *st, const char **error_r)
{
	char *data = NULL;
	gsize len = 0;
	GError *err = NULL;
	char *p, *nl;

	if (!g_file_get_contents(st->path, &data, &len, &err)) {
		if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_error_free(err);
			return 0;
		}
		*error_r = util_error("thread store %s: %s", st->path, err->message);
		g_error_free(err);
		return -1;
	}
	/* Only complete lines count: a torn last line (crash mid-append) is
	   skipped, as is anything that does not parse. */
	for (p = data; (nl = memchr(p, '\n', len - (size_t)(p - data))) != NULL; p = nl + 1) {
		time_t when;
		const char *id;

		*nl = '\0';
		st->file_lines++;
		if (memchr(p, '\0', (size_t)(nl - p)) == NULL && parse_line(p, &when, &id))
			remember(st, id, when);
	}
	if (p < data + len)
		st->file_lines++;	/* the torn line still occupies the file */
	g_free(data);
	return 0;
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

static int open_append(struct policy_thread_store *st, const char **error_r)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = open(st->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (st->fd < 0) {
		*error_r = util_error("thread store %s: open: %s", st->path,
				      g_strerror(errno));
		return -1;
	}
	return 0;
}

/* Rewrite the file with the live entries only: temp file, fsync, rename,
   so a crash leaves either the old file or the new one, never half. */
static int compact(struct policy_thread_store *st, const char **error_r)
{
	char *tmp = g_strdup_printf("%s.tmp.%ld", st->path, (long)getpid());
	GString *buf = g_string_new(NULL);
	int fd, ret = -1;

	for (GList *l = st->order.head; l != NULL; l = l->next) {
		const struct store_entry *e = l->data;

		g_string_append_printf(buf, "%lld %s\n", (long long)e->when, e->id);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0 || !write_all(fd, buf->str, buf->len) || fsync(fd) != 0) {
		*error_r = util_error("thread store %s: writing %s: %s", st->path, tmp,
				      g_strerror(errno));
		if (fd >= 0)
			close(fd);
		g_unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, st->path) != 0) {
		*error_r = util_error("thread store %s: rename: %s", st->path,
				      g_strerror(errno));
		g_unlink(tmp);
		goto out;
	}
	st->file_lines = st->order.length;
	ret = open_append(st, error_r);
out:
	g_string_free(buf, TRUE);
	g_free(tmp);
	return ret;
}

int policy_thread_store_open(const char *path, unsigned retention_days, unsigned max_entries,
			     bool read_only, struct policy_thread_store **store_r,
			     const char **error_r)
{
	struct policy_thread_store *st = g_new0(struct policy_thread_store, 1);
	const char *err = NULL;

	g_mutex_init(&st->lock);
	st->path = g_strdup(path);
	st->read_only = read_only;
	st->retention_days = retention_days != 0 ? retention_days : STORE_DEFAULT_RETENTION;
	st->max_entries = max_entries != 0 ? max_entries : STORE_DEFAULT_MAX;
	st->index = g_hash_table_new(g_str_hash, g_str_equal);
	g_queue_init(&st->order);
	st->fd = -1;

	if (st->path != NULL) {
		if (load(st, &err) < 0)
			goto fail;
		prune(st, time(NULL));
		if (!read_only && compact(st, &err) < 0)
			goto fail;
	}
	*store_r = st;
	return 0;
fail:
	*error_r = err;
	policy_thread_store_close(&st);
	*store_r = NULL;
	return -1;
}

void policy_thread_store_close(struct policy_thread_store **store)
{
	struct policy_thread_store *st = *store;

	if (st == NULL)
		return;
	if (st->fd >= 0)
		close(st->fd);
	g_queue_clear_full(&st->order, (GDestroyNotify)entry_free);
	g_hash_table_destroy(st->index);
	g_mutex_clear(&st->lock);
	g_free(st->path);
	g_free(st);
	*store = NULL;
}

bool policy_thread_store_contains(struct policy_thread_store *st, const char *message_id)
{
	char *id;
	bool found = false;

	if (st == NULL || message_id == NULL)
		return false;
	id = id_strip(message_id);
	if (id_ok(id)) {
		GList *link;

		g_mutex_lock(&st->lock);
		link = g_hash_table_lookup(st->index, id);
		found = link != NULL &&
			((struct store_entry *)link->data)->when >= cutoff(st, time(NULL));
		g_mutex_unlock(&st->lock);
	}
	g_free(id);
	return found;
}

int policy_thread_store_add(struct policy_thread_store *st, const char *message_id,
			    time_t now, const char **error_r)
{
	char *id, *line;
	int ret = 0;

	if (st == NULL || message_id == NULL)
		return 0;
	id = id_strip(message_id);
	if (!id_ok(id)) {
		g_free(id);
		*error_r = "thread store: not a storable Message-ID";
		return -1;
	}
	g_mutex_lock(&st->lock);
	remember(st, id, now);
	prune(st, now);
	if (st->path != NULL && !st->read_only) {
		line = g_strdup_printf("%lld %s\n", (long long)now, id);
		if (st->fd < 0 && open_append(st, error_r) < 0) {
			ret = -1;
		} else if (!write_all(st->fd, line, strlen(line))) {
			*error_r = util_error("thread store %s: write: %s", st->path,
					      g_strerror(errno));
			ret = -1;
		} else if (++st->file_lines > 2 * (size_t)st->order.length + 16) {
			ret = compact(st, error_r);
		}
		g_free(line);
	}
	g_mutex_unlock(&st->lock);
	g_free(id);
	return ret;
}
