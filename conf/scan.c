/*
 * A first reading of the config files, before libconfig's: what libconfig
 * cannot be trusted with or does not say. It reads every file (the main one
 * and each it @includes, from the include folder, as libconfig does) within
 * CONF_FILE_MAX bytes in all and lines of at most CONF_LINE_MAX bytes
 * (libconfig 1.5 takes time in the square of a line's length: a 4 MB
 * comment line took 8.8 s), refuses NUL bytes and "\x00" in strings (which
 * libconfig silently drops or cuts a string at), and keeps every number as
 * written, since libconfig wraps one that does not fit its type
 * (4294967297 becomes 1) without a word.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "conf/scan.h"

#define INCLUDE_DEPTH_MAX 10	/* libconfig's own */

struct number {
	char *text;		/* as written */
	int count;		/* numbers for this key on this line */
};

struct conf_scan {
	GHashTable *numbers;	/* "file\nline\nname" -> struct number */
	size_t total;		/* bytes read, every file */
};

struct pending {
	char *name;		/* as libconfig names it: the path given, or as in @include */
	char *shown;		/* as errors name it (schema_file's way) */
	char *open_path;	/* where to read it */
	int depth;
};

static void number_free(gpointer p)
{
	struct number *n = p;

	g_free(n->text);
	g_free(n);
}

/* Read PATH whole, but never more than LIMIT bytes: false and *too_big_r
   when it holds more; false with errno when it cannot be read. */
static bool read_capped(const char *path, size_t limit, GByteArray **data_r, bool *too_big_r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	GByteArray *data;
	guint8 buf[65536];
	ssize_t n;

	*too_big_r = false;
	if (fd < 0)
		return false;
	data = g_byte_array_new();
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (data->len + (size_t)n > limit) {
			*too_big_r = true;
			break;
		}
		g_byte_array_append(data, buf, (guint)n);
	}
	if (n != 0) {
		int saved = errno;

		close(fd);
		g_byte_array_free(data, TRUE);
		errno = saved;
		return false;
	}
	close(fd);
	*data_r = data;
	return true;
}

static bool name_start(char c)
{
	return g_ascii_isalpha(c) || c == '*';
}

static bool name_char(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '*';
}

struct lexer {
	struct conf_scan *scan;
	const char *name;		/* the file, as libconfig names it */
	const char *shown;		/* the file, as errors name it */
	const char *p, *end;
	int line;
	const char *line_start;
	char *key;			/* the last name before '=' or ':' */
	bool after_assign;		/* the next value is KEY's */
	struct conf_error_list *errors;
	const char *include_dir;
	GQueue *queue;			/* struct pending */
	int depth;
	bool long_line;			/* one reported already */
	bool fatal;
};

/* At the end of a line (lx->p on its '\n', or the end of the file). */
static void line_end(struct lexer *lx)
{
	if ((size_t)(lx->p - lx->line_start) > CONF_LINE_MAX && !lx->long_line) {
		conf_error_add(lx->errors, lx->shown, lx->line, NULL,
			       "the line is %zu bytes long, longer than %d, the most a config "
			       "line may be; break it into shorter lines",
			       (size_t)(lx->p - lx->line_start), CONF_LINE_MAX);
		lx->fatal = lx->long_line = true;
	}
}

static void newline(struct lexer *lx)
{
	line_end(lx);
	lx->line++;
	lx->line_start = lx->p + 1;
}

static void keep_number(struct lexer *lx, const char *start, size_t len)
{
	char *k = g_strdup_printf("%s\n%d\n%s", lx->name, lx->line, lx->key);
	struct number *n = g_hash_table_lookup(lx->scan->numbers, k);

	if (n != NULL) {
		n->count++;	/* two values for one name on one line: not used */
		g_free(k);
		return;
	}
	n = g_new0(struct number, 1);
	n->text = g_strndup(start, len);
	n->count = 1;
	g_hash_table_insert(lx->scan->numbers, k, n);
}

/* A string literal from the '"' at lx->p; its value is appended to VALUE
   (may be NULL). A "\x00" in it is an error. */
static void string(struct lexer *lx, GString *value)
{
	bool reported = false;

	for (lx->p++; lx->p < lx->end && *lx->p != '"'; lx->p++) {
		if (*lx->p == '\n')
			newline(lx);	/* libconfig lets a string run on */
		if (*lx->p == '\\' && lx->p + 1 < lx->end) {
			if (lx->p[1] == 'x' && lx->p + 3 < lx->end && lx->p[2] == '0' &&
			    lx->p[3] == '0' && !reported) {
				conf_error_add(lx->errors, lx->shown, lx->line, lx->key,
					       "a string holds \\x00, a NUL character, which would "
					       "cut it short or vanish; take it out");
				reported = true;
			}
			if (value != NULL)
				g_string_append_len(value, lx->p, 2);
			lx->p++;
			continue;
		}
		if (value != NULL)
			g_string_append_c(value, *lx->p);
	}
}

/* "@include "file"": queue the file, read from the include folder. */
static void include(struct lexer *lx)
{
	GString *file = g_string_new(NULL);
	struct pending *next;

	lx->p += strlen("@include");
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
		lx->p++;
	if (lx->p >= lx->end || *lx->p != '"') {
		g_string_free(file, TRUE);
		lx->p--;
		return;		/* libconfig reports it */
	}
	string(lx, file);
	if (lx->depth + 1 >= INCLUDE_DEPTH_MAX || strchr(file->str, '\\') != NULL) {
		g_string_free(file, TRUE);
		return;		/* libconfig reports the depth; escapes are left to it */
	}
	next = g_new0(struct pending, 1);
	next->name = g_string_free(file, FALSE);
	next->shown = g_path_is_absolute(next->name) || lx->include_dir == NULL ||
		      strcmp(lx->include_dir, ".") == 0 ? g_strdup(next->name) :
		      g_build_filename(lx->include_dir, next->name, NULL);
	/* libconfig 1.5 puts the include folder before every name, absolute
	   ones too. */
	next->open_path = lx->include_dir != NULL ?
		g_strconcat(lx->include_dir, "/", next->name, NULL) : g_strdup(next->name);
	next->depth = lx->depth + 1;
	g_queue_push_tail(lx->queue, next);
}

/* A number starts at lx->p: a digit, or a sign or point before one. */
static bool number_start(const struct lexer *lx)
{
	char c = *lx->p;

	if (g_ascii_isdigit(c))
		return true;
	return (c == '-' || c == '+' || c == '.') && lx->p + 1 < lx->end &&
	       g_ascii_isdigit(lx->p[1]);
}

/* Does the number at P go on with P[1] ("0x1f", "1e-3", "5L")? */
static bool number_char(const char *p)
{
	if (g_ascii_isalnum(p[1]) || p[1] == '.')
		return true;
	return (p[1] == '-' || p[1] == '+') && (p[0] == 'e' || p[0] == 'E');
}

/* A NUL byte anywhere: the file is no text (libconfig would stop there). */
static bool has_nul(struct lexer *lx)
{
	const char *nul = memchr(lx->p, '\0', (size_t)(lx->end - lx->p));
	int line = 1;

	if (nul == NULL)
		return false;
	for (const char *q = lx->p; q < nul; q++)
		line += *q == '\n';
	conf_error_add(lx->errors, lx->shown, line, NULL,
		       "holds a NUL byte: a config file is text; save it again as plain text "
		       "(UTF-8)");
	return true;
}

static void lex(struct lexer *lx)
{
	if (has_nul(lx)) {
		lx->fatal = true;
		return;
	}
	for (; lx->p < lx->end; lx->p++) {
		char c = *lx->p;

		if (c == '\n') {
			newline(lx);
		} else if (c == '#' || (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/')) {
			while (lx->p + 1 < lx->end && lx->p[1] != '\n')
				lx->p++;
		} else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			for (lx->p += 2; lx->p < lx->end; lx->p++) {
				if (*lx->p == '*' && lx->p + 1 < lx->end && lx->p[1] == '/') {
					lx->p++;
					break;
				}
				if (*lx->p == '\n')
					newline(lx);
			}
		} else if (c == '"') {
			string(lx, NULL);
			lx->after_assign = false;
		} else if (c == '@' && (size_t)(lx->end - lx->p) > strlen("@include") &&
			   strncmp(lx->p, "@include", strlen("@include")) == 0) {
			include(lx);
		} else if (name_start(c)) {
			const char *start = lx->p;

			while (lx->p + 1 < lx->end && name_char(lx->p[1]))
				lx->p++;
			if (!lx->after_assign) {
				g_free(lx->key);
				lx->key = g_strndup(start, (gsize)(lx->p - start + 1));
			}
			lx->after_assign = false;
		} else if (c == '=' || c == ':') {
			lx->after_assign = true;
		} else if (number_start(lx)) {
			const char *start = lx->p;

			while (lx->p + 1 < lx->end && number_char(lx->p))
				lx->p++;
			if (lx->after_assign && lx->key != NULL)
				keep_number(lx, start, (size_t)(lx->p - start + 1));
			lx->after_assign = false;
		} else if (!g_ascii_isspace(c)) {
			lx->after_assign = false;
		}
	}
	line_end(lx);
}

bool conf_scan_files(const char *path, const char *include_dir, struct conf_scan **scan_r,
		     struct conf_error_list *errors)
{
	struct conf_scan *scan = g_new0(struct conf_scan, 1);
	GQueue queue = G_QUEUE_INIT;
	struct pending *first = g_new0(struct pending, 1), *f;
	bool ok = true;

	scan->numbers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, number_free);
	first->name = g_strdup(path);
	first->shown = g_strdup(path);
	first->open_path = g_strdup(path);
	g_queue_push_tail(&queue, first);
	while ((f = g_queue_pop_head(&queue)) != NULL) {
		GByteArray *data = NULL;
		bool too_big;

		if (!ok) {
			/* stopped: drop the rest */
		} else if (!read_capped(f->open_path, CONF_FILE_MAX - scan->total, &data,
					&too_big)) {
			if (too_big) {
				conf_error_add(errors, f->shown, 0, NULL,
					       "the configuration is larger than %d MiB (with the "
					       "files it includes), the most council-milter reads; "
					       "is this the right file?", CONF_FILE_MAX >> 20);
				ok = false;
			}
			/* else unreadable: libconfig (or the caller) says so */
		} else {
			/* An empty array has no data at all, not an empty one. */
			const char *text = data->len > 0 ? (const char *)data->data : "";
			struct lexer lx = {
				.scan = scan, .name = f->name, .shown = f->shown, .p = text,
				.end = text + data->len, .line = 1, .line_start = text,
				.errors = errors,
				.include_dir = include_dir, .queue = &queue, .depth = f->depth,
			};

			scan->total += data->len;
			lex(&lx);
			g_free(lx.key);
			ok = !lx.fatal;
			g_byte_array_free(data, TRUE);
		}
		g_free(f->name);
		g_free(f->shown);
		g_free(f->open_path);
		g_free(f);
	}
	*scan_r = scan;
	return ok;
}

const char *conf_scan_number(const struct conf_scan *scan, const char *file, int line,
			     const char *name)
{
	char *k;
	struct number *n;

	if (scan == NULL || file == NULL || name == NULL)
		return NULL;
	k = g_strdup_printf("%s\n%d\n%s", file, line, name);
	n = g_hash_table_lookup(scan->numbers, k);
	g_free(k);
	return n != NULL && n->count == 1 ? n->text : NULL;
}

void conf_scan_free(struct conf_scan **scan)
{
	if (*scan == NULL)
		return;
	g_hash_table_destroy((*scan)->numbers);
	g_free(*scan);
	*scan = NULL;
}
