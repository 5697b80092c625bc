/* The audit journal (see journal.h). */
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

struct journal {
	pthread_mutex_t lock;	/* one writer at a time; held across the fsync */
	int fd;
	char *path;
};

static int open_append(const char *path, int *fd_r, const char **error_r)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0) {
		*error_r = util_error("cannot open the journal %s: %s", path,
				      g_strerror(errno));
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
	pthread_mutex_destroy(&j->lock);
	g_free(j->path);
	g_free(j);
	*journal_p = NULL;
}

const char *journal_path(const struct journal *journal)
{
	return journal->path;
}

int journal_reopen(struct journal *j, const char **error_r)
{
	int fd;

	if (open_append(j->path, &fd, error_r) < 0)
		return -1;
	pthread_mutex_lock(&j->lock);
	int old = j->fd;
	j->fd = fd;
	pthread_mutex_unlock(&j->lock);
	close(old);
	return 0;
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

int journal_append(struct journal *j, const char *line, bool sync, const char **error_r)
{
	size_t len = strlen(line);

	if (memchr(line, '\n', len) != NULL) {
		*error_r = util_error("not written to the journal %s: the line has a "
				      "line break in it", j->path);
		return -1;
	}
	char *buf = g_malloc(len + 1);
	memcpy(buf, line, len);
	buf[len] = '\n';

	int ret = 0;
	pthread_mutex_lock(&j->lock);
	ssize_t n = write_once(j->fd, buf, len + 1);
	if (n < 0) {
		*error_r = util_error("cannot write to the journal %s: %s", j->path,
				      g_strerror(errno));
		ret = -1;
	} else if ((size_t)n < len + 1) {
		/* End the broken line so the next one starts on its own. */
		(void)write_once(j->fd, "\n", 1);
		*error_r = util_error("cannot write to the journal %s: only %zd of %zu "
				      "bytes written (disk full?)", j->path, n, len + 1);
		ret = -1;
	} else if (sync && fdatasync(j->fd) < 0) {
		*error_r = util_error("cannot flush the journal %s to disk: %s", j->path,
				      g_strerror(errno));
		ret = -1;
	}
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
