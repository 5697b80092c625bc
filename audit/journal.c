/* The audit journal (see journal.h). */
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

struct journal {
	pthread_mutex_t lock;	/* one writer at a time; held across the fsync */
	int fd;
	char *path;
	int dir_fd;		/* the journal's folder, flock()ed by every writer */
	/* The chain (see audit.h): the hash of the last line this process wrote
	   and where the file ended after it, so that a file nobody else wrote
	   to meanwhile need not be read back. */
	struct journal_link last;
	off_t last_end;		/* -1: not known, read the file's last line */
	/* The last line of the file written before (a rotation): where the
	   next file's chain starts. seq 0 and an empty hash: not known. */
	struct journal_link before;
};

/* Opened as root (council-review through sudo) in a folder that belongs
   to another user (the daemon's), a new journal is given to that user, so
   the daemon can go on writing it. Failing that, the journal is not used:
   a file the daemon cannot write would stop its journal later, unseen. */
static int give_to_folder_owner(int fd, const char *path, const char **error_r)
{
	struct stat st, dir_st;
	char *dir;
	int ret = 0;

	if (geteuid() != 0 || fstat(fd, &st) < 0 || st.st_size != 0 || st.st_uid != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	dir = g_path_get_dirname(path);
	if (stat(dir, &dir_st) == 0 && dir_st.st_uid != 0 &&
	    fchown(fd, dir_st.st_uid, dir_st.st_gid) < 0) {
		*error_r = util_error("cannot give the new journal %s to the owner of its "
				      "folder: %s", path, g_strerror(errno));
		ret = -1;
	}
	g_free(dir);
	return ret;
}

static int open_append(const char *path, int *fd_r, const char **error_r)
{
	/* Read as well: a writer hashes the last line before appending. */
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0) {
		*error_r = util_error("cannot open the journal %s: %s", path,
				      g_strerror(errno));
		return -1;
	}
	if (give_to_folder_owner(fd, path, error_r) < 0) {
		close(fd);
		return -1;
	}
	*fd_r = fd;
	return 0;
}

int journal_open(const char *path, struct journal **journal_r, const char **error_r)
{
	int fd;

	if (open_append(path, &fd, error_r) < 0)
		return -1;
	struct journal *j = g_new0(struct journal, 1);
	pthread_mutex_init(&j->lock, NULL);
	j->fd = fd;
	j->path = g_strdup(path);
	j->last_end = -1;
	char *dir = g_path_get_dirname(path);
	/* No folder to lock (unreadable): the file itself is locked instead,
	   which orders writers as well except across a rotation. */
	j->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	g_free(dir);
	*journal_r = j;
	return 0;
}

void journal_close(struct journal **journal_p)
{
	struct journal *j = *journal_p;

	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	if (j->dir_fd >= 0)
		close(j->dir_fd);
	pthread_mutex_destroy(&j->lock);
	g_free(j->path);
	g_free(j);
	*journal_p = NULL;
}

const char *journal_path(const struct journal *journal)
{
	return journal->path;
}

/* Every writer of the journal, in any process, takes this lock around
   finding the last line and appending its own: the chain has one order. */
static int lock_writers(struct journal *j)
{
	int fd = j->dir_fd >= 0 ? j->dir_fd : j->fd;
	int ret;

	do
		ret = flock(fd, LOCK_EX);
	while (ret < 0 && errno == EINTR);
	return ret;
}

static void unlock_writers(struct journal *j)
{
	(void)flock(j->dir_fd >= 0 ? j->dir_fd : j->fd, LOCK_UN);
}

/* Leave FD for NEW_FD (the file now under the journal's name), keeping the
   hash of FD's last line: the new file's chain starts from it. */
static void switch_file(struct journal *j, int new_fd)
{
	if (journal_tail_link(j->fd, &j->before) < 0)
		j->before = (struct journal_link){ 0 };
	close(j->fd);
	j->fd = new_fd;
	j->last_end = -1;
}

int journal_reopen(struct journal *j, const char **error_r)
{
	int fd;

	if (open_append(j->path, &fd, error_r) < 0)
		return -1;
	pthread_mutex_lock(&j->lock);
	bool locked = lock_writers(j) == 0;
	switch_file(j, fd);
	if (locked)
		unlock_writers(j);
	pthread_mutex_unlock(&j->lock);
	return 0;
}

/* A rotation (the file renamed, perhaps a new one made) while this process
   was writing: follow the name, so that every writer appends to the same
   file and the chain stays one. When the new file cannot be opened, the
   old one goes on (the line is not lost; the chain stays whole). */
static void follow_rotation(struct journal *j)
{
	struct stat by_name, ours;
	int fd;

	if (fstat(j->fd, &ours) < 0)
		return;
	if (stat(j->path, &by_name) == 0 && by_name.st_dev == ours.st_dev &&
	    by_name.st_ino == ours.st_ino)
		return;
	if (open_append(j->path, &fd, &(const char *){ NULL }) == 0)
		switch_file(j, fd);
}

/* What the next line follows: the file's last line; for an empty file,
   the last line of the file before it. *NEWLINE_R: the file ends in a line
   cut short, to be ended first. */
static void chain_prev(struct journal *j, struct journal_link *prev_r, bool *newline_r)
{
	struct stat st;

	*newline_r = false;
	*prev_r = journal_genesis;
	if (fstat(j->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	if (st.st_size > 0) {
		if (j->last_end == st.st_size) {
			*prev_r = j->last;
			return;
		}
		int ret = journal_tail_link(j->fd, prev_r);
		if (ret < 0)
			*prev_r = journal_genesis;
		*newline_r = ret == 1;
		return;
	}
	/* A new file: it follows the latest line written before it, the
	   later of the last this process wrote (its file may have been
	   rotated more than once while it was idle) and the last of the file
	   logrotate named .1. */
	struct journal_link rotated_tail = journal_genesis;
	char *rotated = g_strconcat(j->path, ".1", NULL);
	int fd = open(rotated, O_RDONLY | O_CLOEXEC);

	g_free(rotated);
	if (fd >= 0 && journal_tail_link(fd, &rotated_tail) < 0)
		rotated_tail = journal_genesis;
	if (fd >= 0)
		close(fd);
	*prev_r = j->before.hash[0] != '\0' && j->before.seq >= rotated_tail.seq ? j->before
										  : rotated_tail;
}

/* One write() of all of BUF, retried only when interrupted before writing. */
static ssize_t write_once(int fd, const char *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/* LINE with the chain's members first, {"prev":"HEX","seq":N,...}, a
   newline after, and one before when the file ends in a line cut short. */
static char *chained_line(const char *line, size_t len, const struct journal_link *prev,
			  bool newline, size_t *len_r)
{
	GString *s = g_string_sized_new(len + JOURNAL_HASH_HEX + 40);

	if (newline)
		g_string_append_c(s, '\n');
	g_string_append_printf(s, "{\"" JOURNAL_PREV "\":\"%s\",\"" JOURNAL_SEQ "\":%"
			       G_GUINT64_FORMAT, prev->hash, prev->seq + 1);
	const char *rest = line + 1;
	while (*rest == ' ')
		rest++;
	if (*rest != '}')
		g_string_append_c(s, ',');
	g_string_append_len(s, rest, (gssize)(line + len - rest));
	g_string_append_c(s, '\n');
	*len_r = s->len;
	return g_string_free(s, FALSE);
}

int journal_append(struct journal *j, const char *line, bool sync, const char **error_r)
{
	size_t len = strlen(line);

	if (memchr(line, '\n', len) != NULL) {
		*error_r = util_error("not written to the journal %s: the line has a "
				      "line break in it", j->path);
		return -1;
	}
	if (len < 2 || line[0] != '{' || line[len - 1] != '}') {
		*error_r = util_error("not written to the journal %s: the line is not a JSON "
				      "object", j->path);
		return -1;
	}

	int ret = 0;
	struct journal_link prev;
	bool newline;
	pthread_mutex_lock(&j->lock);
	if (lock_writers(j) < 0) {
		*error_r = util_error("cannot lock the journal's folder for %s: %s", j->path,
				      g_strerror(errno));
		pthread_mutex_unlock(&j->lock);
		return -1;
	}
	follow_rotation(j);
	chain_prev(j, &prev, &newline);
	size_t buf_len;
	char *buf = chained_line(line, len, &prev, newline, &buf_len);
	struct stat st;
	off_t before = fstat(j->fd, &st) == 0 ? st.st_size : -1;
	ssize_t n = write_once(j->fd, buf, buf_len);
	j->last_end = -1;
	if (n < 0) {
		*error_r = util_error("cannot write to the journal %s: %s", j->path,
				      g_strerror(errno));
		ret = -1;
	} else if ((size_t)n < buf_len) {
		/* End the broken line so the next one starts on its own. */
		(void)write_once(j->fd, "\n", 1);
		*error_r = util_error("cannot write to the journal %s: only %zd of %zu "
				      "bytes written (disk full?)", j->path, n, buf_len);
		ret = -1;
	} else {
		const char *own = newline ? buf + 1 : buf;
		journal_hash(own, buf_len - (size_t)(own - buf), j->last.hash);
		j->last.seq = prev.seq + 1;
		if (before >= 0)
			j->last_end = before + (off_t)buf_len;
		if (sync && fdatasync(j->fd) < 0) {
			*error_r = util_error("cannot flush the journal %s to disk: %s", j->path,
					      g_strerror(errno));
			ret = -1;
		}
	}
	unlock_writers(j);
	pthread_mutex_unlock(&j->lock);
	g_free(buf);
	return ret;
}

JsonBuilder *journal_line_begin(const char *event)
{
	JsonBuilder *b = json_builder_new();
	GDateTime *now = g_date_time_new_now_utc();
	char *time = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");

	json_builder_begin_object(b);
	journal_add_string(b, "time", time);
	journal_add_string(b, "event", event);
	g_free(time);
	g_date_time_unref(now);
	return b;
}

char *journal_line_end(JsonBuilder *b)
{
	json_builder_end_object(b);
	return journal_json_text(b, false);	/* a journal line is one line */
}

char *journal_json_text(JsonBuilder *b, bool pretty)
{
	JsonGenerator *gen = json_generator_new();
	JsonNode *root = json_builder_get_root(b);

	json_generator_set_pretty(gen, pretty);
	json_generator_set_root(gen, root);
	char *text = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(b);
	return text;
}

void journal_add_string(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	if (value == NULL) {
		json_builder_add_null_value(b);
		return;
	}
	/* Envelope addresses and header text may be any bytes; JSON is UTF-8,
	   and people read it: no characters that reorder or hide text. */
	char *visible = util_text_visible(value, -1);
	json_builder_add_string_value(b, visible);
	g_free(visible);
}

const char *journal_member_string(JsonObject *o, const char *name)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, name) : NULL;

	return n != NULL && JSON_NODE_HOLDS_VALUE(n) &&
	       json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n) : NULL;
}

int journal_foreach(const char *path, bool (*fn)(JsonObject *line, void *ctx), void *ctx,
		    const char **error_r)
{
	FILE *f = fopen(path, "re");

	if (f == NULL) {
		*error_r = util_error("cannot read the journal %s: %s", path,
				      g_strerror(errno));
		return -1;
	}
	JsonParser *parser = json_parser_new();
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool go_on = true;

	while (go_on && (n = getline(&line, &cap, f)) > 0) {
		if (!json_parser_load_from_data(parser, line, n, NULL))
			continue;
		JsonNode *root = json_parser_get_root(parser);
		if (root != NULL && JSON_NODE_HOLDS_OBJECT(root))
			go_on = fn(json_node_get_object(root), ctx);
	}
	free(line);
	g_object_unref(parser);
	fclose(f);
	return 0;
}
