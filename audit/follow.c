/*
 * Following the journal as it grows (see audit.h): the lines added since
 * the last read, across a rotation, without reading the file again from
 * its start. The daemon's metrics count what is held this way, from its own
 * lines and council-review's.
 */
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

/* A line longer than this is no journal line of ours: skipped. */
#define FOLLOW_LINE_MAX (16 * 1024 * 1024)

struct journal_follow {
	char *path;
	int fd;			/* -1: not open yet */
	off_t offset;		/* read up to here */
	GString *partial;	/* a line not yet ended */
	bool skipping;		/* in a line too long, to its end */
	bool started;		/* the rotation (PATH.1) is read */
	JsonParser *parser;
};

struct journal_follow *journal_follow_new(const char *path)
{
	struct journal_follow *f = g_new0(struct journal_follow, 1);

	f->path = g_strdup(path);
	f->fd = -1;
	f->partial = g_string_new(NULL);
	f->parser = json_parser_new();
	return f;
}

void journal_follow_free(struct journal_follow **follow)
{
	struct journal_follow *f = *follow;

	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	g_free(f->path);
	g_string_free(f->partial, TRUE);
	g_object_unref(f->parser);
	g_free(f);
	*follow = NULL;
}

struct sink {
	struct journal_follow *f;
	bool (*fn)(JsonObject *line, void *ctx);
	void *ctx;
};

static void one_line(struct sink *s, const char *line, size_t len)
{
	if (len == 0 || !json_parser_load_from_data(s->f->parser, line, (gssize)len, NULL))
		return;
	JsonNode *root = json_parser_get_root(s->f->parser);
	if (root != NULL && JSON_NODE_HOLDS_OBJECT(root))
		s->fn(json_node_get_object(root), s->ctx);
}

/* Everything FD holds past the offset, line by line. */
static int read_on(struct sink *s, int fd, const char **error_r)
{
	struct journal_follow *f = s->f;
	char buf[65536];
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), f->offset)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*error_r = util_error("cannot read the journal %s: %s", f->path,
					      g_strerror(errno));
			return -1;
		}
		f->offset += n;
		const char *p = buf, *end = buf + n;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = (size_t)((nl != NULL ? nl : end) - p);
			if (!f->skipping)
				g_string_append_len(f->partial, p, (gssize)len);
			if (f->partial->len > FOLLOW_LINE_MAX) {
				f->skipping = true;
				g_string_truncate(f->partial, 0);
			}
			if (nl == NULL)
				break;
			if (!f->skipping)
				one_line(s, f->partial->str, f->partial->len);
			f->skipping = false;
			g_string_truncate(f->partial, 0);
			p = nl + 1;
		}
	}
	return 0;
}

static int open_path(struct journal_follow *f, const char **error_r)
{
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	f->offset = 0;
	g_string_truncate(f->partial, 0);
	f->skipping = false;
	if (f->fd < 0 && errno != ENOENT) {
		*error_r = util_error("cannot read the journal %s: %s", f->path,
				      g_strerror(errno));
		return -1;
	}
	return 0;
}

int journal_follow_read(struct journal_follow *f, bool (*fn)(JsonObject *line, void *ctx),
			void *ctx, const char **error_r)
{
	struct sink s = { f, fn, ctx };
	struct stat by_name, ours;

	if (!f->started) {
		/* The first read: the last rotation first, as council-review does. */
		char *rotated = g_strconcat(f->path, ".1", NULL);
		if (g_file_test(rotated, G_FILE_TEST_EXISTS) &&
		    journal_foreach(rotated, fn, ctx, error_r) < 0) {
			g_free(rotated);
			return -1;
		}
		g_free(rotated);
		f->started = true;
	}
	if (f->fd < 0 && open_path(f, error_r) < 0)
		return -1;
	if (f->fd < 0)
		return 0;		/* no journal yet */
	if (fstat(f->fd, &ours) == 0 && ours.st_size < f->offset) {
		f->offset = 0;		/* cut short (copytruncate): from its start */
		g_string_truncate(f->partial, 0);
	}
	if (read_on(&s, f->fd, error_r) < 0)
		return -1;
	/* Rotated: the old file is read to its end; now the new one. */
	if (stat(f->path, &by_name) == 0 && fstat(f->fd, &ours) == 0 &&
	    (by_name.st_ino != ours.st_ino || by_name.st_dev != ours.st_dev)) {
		close(f->fd);
		if (open_path(f, error_r) < 0)
			return -1;
		if (f->fd >= 0)
			return read_on(&s, f->fd, error_r);
	}
	return 0;
}
