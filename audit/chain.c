/*
 * The journal's chain (see audit.h): hashing a line, finding the last line
 * of a file, reading the journal and its rotations line by line (gzip'd
 * ones too), and checking the chain through them.
 */
#include "audit/audit.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "util/util.h"

const struct journal_link journal_genesis = {
	0, "0000000000000000000000000000000000000000000000000000000000000000"
};

void journal_hash(const char *data, size_t len, char hex_r[JOURNAL_HASH_HEX + 1])
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(sum, (const guchar *)data, (gssize)len);
	g_strlcpy(hex_r, g_checksum_get_string(sum), JOURNAL_HASH_HEX + 1);
	g_checksum_free(sum);
}

#define PREFIX "{\"" JOURNAL_PREV "\":\""
#define SEQ_MEMBER "\",\"" JOURNAL_SEQ "\":"

bool journal_line_prev(const char *line, size_t len, struct journal_link *prev_r)
{
	size_t at = strlen(PREFIX);

	if (len < at + JOURNAL_HASH_HEX + strlen(SEQ_MEMBER) + 1 ||
	    memcmp(line, PREFIX, at) != 0)
		return false;
	for (size_t i = 0; i < JOURNAL_HASH_HEX; i++)
		if (!g_ascii_isxdigit(line[at + i]) || g_ascii_isupper(line[at + i]))
			return false;
	memcpy(prev_r->hash, line + at, JOURNAL_HASH_HEX);
	prev_r->hash[JOURNAL_HASH_HEX] = '\0';
	at += JOURNAL_HASH_HEX;
	if (memcmp(line + at, SEQ_MEMBER, strlen(SEQ_MEMBER)) != 0)
		return false;
	at += strlen(SEQ_MEMBER);
	/* One less than the line's own number: the line it follows. */
	guint64 seq = 0;
	size_t digits = 0;
	for (; at < len && g_ascii_isdigit(line[at]) && digits < 19; at++, digits++)
		seq = seq * 10 + (guint64)(line[at] - '0');
	if (digits == 0 || seq == 0 || at >= len || (line[at] != ',' && line[at] != '}'))
		return false;
	prev_r->seq = seq - 1;
	return true;
}

#define TAIL_CHUNK 65536

/* Hash bytes [START, END) of FD, and a newline after them when ADD_NEWLINE. */
static int hash_range(int fd, off_t start, off_t end, bool add_newline,
		      char hex_r[JOURNAL_HASH_HEX + 1])
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	char *buf = g_malloc(TAIL_CHUNK);
	int ret = 0;

	for (off_t at = start; at < end;) {
		size_t want = (size_t)MIN((off_t)TAIL_CHUNK, end - at);
		ssize_t n = pread(fd, buf, want, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = -1;
			break;
		}
		g_checksum_update(sum, (const guchar *)buf, n);
		at += n;
	}
	if (add_newline)
		g_checksum_update(sum, (const guchar *)"\n", 1);
	if (ret == 0)
		g_strlcpy(hex_r, g_checksum_get_string(sum), JOURNAL_HASH_HEX + 1);
	g_free(buf);
	g_checksum_free(sum);
	return ret;
}

int journal_tail_link(int fd, struct journal_link *link_r)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *buf;
	char last;

	if (size <= 0 || pread(fd, &last, 1, size - 1) != 1)
		return -1;
	bool newline = last == '\n';
	off_t end = newline ? size - 1 : size;	/* the line's bytes, before its newline */
	off_t start = 0;

	/* Back from END to the newline before the last line. */
	buf = g_malloc(TAIL_CHUNK);
	for (off_t at = end; at > 0;) {
		size_t want = (size_t)MIN((off_t)TAIL_CHUNK, at);
		ssize_t n = pread(fd, buf, want, at - (off_t)want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)want) {
			g_free(buf);
			return -1;
		}
		const char *nl = memrchr(buf, '\n', want);
		if (nl != NULL) {
			start = at - (off_t)want + (nl - buf) + 1;
			break;
		}
		at -= (off_t)want;
	}
	/* The last line's own number: from its members (it carries the seq of
	   the line before it, plus one). */
	size_t head = (size_t)MIN((off_t)TAIL_CHUNK, end - start);
	ssize_t got = head > 0 ? pread(fd, buf, head, start) : 0;
	struct journal_link prev;
	link_r->seq = got > 0 && journal_line_prev(buf, (size_t)got, &prev) ? prev.seq + 1 : 0;
	g_free(buf);
	if (hash_range(fd, start, end, true, link_r->hash) < 0)
		return -1;
	return newline ? 0 : 1;
}

GPtrArray *journal_files(const char *path)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);

	/* logrotate numbers contiguously: .1 the newest, then .2, ... */
	for (unsigned n = 1;; n++) {
		char *plain = g_strdup_printf("%s.%u", path, n);
		char *gz = g_strdup_printf("%s.%u.gz", path, n);
		if (g_file_test(plain, G_FILE_TEST_EXISTS)) {
			g_ptr_array_insert(files, 0, plain);
			g_free(gz);
		} else if (g_file_test(gz, G_FILE_TEST_EXISTS)) {
			g_ptr_array_insert(files, 0, gz);
			g_free(plain);
		} else {
			g_free(plain);
			g_free(gz);
			break;
		}
	}
	if (files->len == 0 || g_file_test(path, G_FILE_TEST_EXISTS))
		g_ptr_array_add(files, g_strdup(path));
	return files;
}

int journal_foreach_raw(const char *path,
			bool (*fn)(const char *line, size_t len, unsigned long number,
				   bool newline, void *ctx),
			void *ctx, const char **error_r)
{
	GFile *file = g_file_new_for_path(path);
	GError *err = NULL;
	GInputStream *in = G_INPUT_STREAM(g_file_read(file, NULL, &err));

	g_object_unref(file);
	if (in == NULL) {
		*error_r = util_error("cannot read the journal %s: %s", path, err->message);
		g_error_free(err);
		return -1;
	}
	if (g_str_has_suffix(path, ".gz")) {
		GConverter *gunzip = G_CONVERTER(g_zlib_decompressor_new(
			G_ZLIB_COMPRESSOR_FORMAT_GZIP));
		GInputStream *conv = g_converter_input_stream_new(in, gunzip);
		g_object_unref(gunzip);
		g_object_unref(in);
		in = conv;
	}
	GDataInputStream *data = g_data_input_stream_new(in);
	g_object_unref(in);
	g_buffered_input_stream_set_buffer_size(G_BUFFERED_INPUT_STREAM(data), 65536);

	int ret = 0;
	unsigned long number = 0;
	bool go_on = true;
	while (go_on) {
		gsize len;
		char *line = g_data_input_stream_read_upto(data, "\n", 1, &len, NULL, &err);
		if (line == NULL && err != NULL)
			break;
		/* After the line, its newline, or the end of the file. */
		GBufferedInputStream *buffered = G_BUFFERED_INPUT_STREAM(data);
		int c = -1;
		if (g_buffered_input_stream_get_available(buffered) > 0 ||
		    g_buffered_input_stream_fill(buffered, -1, NULL, &err) > 0)
			c = g_data_input_stream_read_byte(data, NULL, &err);
		if (err != NULL) {
			g_free(line);
			break;
		}
		bool newline = c == '\n';
		if (line == NULL || (len == 0 && !newline)) {
			g_free(line);
			break;		/* the end */
		}
		go_on = fn(line, len, ++number, newline, ctx);
		g_free(line);
	}
	if (err != NULL) {
		*error_r = util_error("cannot read the journal %s: %s", path, err->message);
		g_error_free(err);
		ret = -1;
	}
	g_object_unref(data);
	return ret;
}
