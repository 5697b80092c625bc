/*
 * council-extract: the worker that reads one attached document for the
 * daemon. The document comes on stdin, the answer (extract.h's format)
 * goes to stdout; the daemon starts one per document, with a clean
 * environment, and kills it when its time is up. Before it reads a byte it
 * closes every other descriptor, sets its limits and enters its seccomp
 * filter (sandbox.c), so that a document that breaks the parser costs one
 * message's answer (on_incomplete), never the daemon.
 *
 *   council-extract --kind pdf|ooxml|odf [--max-bytes N] [--max-pages N]
 *                   [--max-ratio N] [--seconds N] [--memory BYTES]
 *                   [--test-hook kill|hang|sleep|abort|open|exec]
 *
 * --test-hook is for the tests of what the daemon does when its worker
 * dies, spins or sleeps in the middle of a document, and of the sandbox
 * (open: try to open a file; exec: try to run a program).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "extractor/reader.h"
#include "extractor/sandbox.h"

#define EXIT_USAGE 2
#define EXIT_SETUP 3
#define MAX_OUTPUT ((size_t)4 * 1024 * 1024)

struct args {
	enum extract_kind kind;
	struct extract_limits limits;
	unsigned seconds;
	size_t memory;
	const char *hook;
};

static G_GNUC_NORETURN void usage(const char *why)
{
	fprintf(stderr, "council-extract: %s\n"
		"usage: council-extract --kind pdf|ooxml|odf [--max-bytes N] [--max-pages N] "
		"[--max-ratio N] [--seconds N] [--memory BYTES]\n", why);
	exit(EXIT_USAGE);
}

static guint64 number(const char *opt, const char *value)
{
	guint64 v;

	if (value == NULL || !g_ascii_string_to_unsigned(value, 10, 0, G_MAXINT64, &v, NULL))
		usage(opt);
	return v;
}

static void parse(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof(*a));
	a->seconds = 10;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--kind") == 0 && value != NULL) {
			if (strcmp(value, "pdf") == 0)
				a->kind = EXTRACT_PDF;
			else if (strcmp(value, "ooxml") == 0)
				a->kind = EXTRACT_OOXML;
			else if (strcmp(value, "odf") == 0)
				a->kind = EXTRACT_ODF;
			else
				usage("unknown --kind");
		} else if (strcmp(opt, "--max-bytes") == 0) {
			a->limits.max_bytes = (size_t)number(opt, value);
		} else if (strcmp(opt, "--max-pages") == 0) {
			a->limits.max_pages = (unsigned)MIN(number(opt, value), G_MAXUINT);
		} else if (strcmp(opt, "--max-ratio") == 0) {
			a->limits.max_ratio = (unsigned)MIN(number(opt, value), G_MAXUINT);
		} else if (strcmp(opt, "--seconds") == 0) {
			a->seconds = (unsigned)MAX(1, MIN(number(opt, value), 3600));
		} else if (strcmp(opt, "--memory") == 0) {
			a->memory = (size_t)number(opt, value);
		} else if (strcmp(opt, "--test-hook") == 0 && value != NULL) {
			a->hook = value;
		} else {
			usage("unknown option");
		}
		i++;
	}
	if (a->kind == EXTRACT_NONE)
		usage("--kind is required");
}

/* All of stdin, at most MAX + 1 bytes (one more tells the reader it is
   too large). */
static GByteArray *read_input(size_t max)
{
	GByteArray *in = g_byte_array_new();
	guint8 buf[65536];

	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_byte_array_append(in, buf, (guint)MIN((size_t)n, max + 1 - in->len));
		if (in->len > max)
			break;
	}
	return in;
}

static void write_all(const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(EXIT_SETUP);
		data += n;
		len -= (size_t)n;
	}
}

/* The tests' ways for a worker to go wrong in the middle of a document,
   and to try what a document that took over the parser would try. */
static void test_hook(const char *hook)
{
	volatile unsigned long spin = 0;
	char *const argv[] = { "/bin/true", NULL };
	int fd;

	if (hook == NULL)
		return;
	if (strcmp(hook, "open") == 0) {
		fd = open("/etc/hostname", O_RDONLY);
		printf("open: %s\n", fd >= 0 ? "opened" : g_strerror(errno));
		exit(0);
	}
	if (strcmp(hook, "exec") == 0) {
		execve(argv[0], argv, argv + 1);
		printf("exec: %s\n", g_strerror(errno));
		exit(0);
	}
	/* Half an answer first: the daemon must not take it for one. */
	write_all("council-extract 1\nstatus ok\n", 28);
	if (strcmp(hook, "kill") == 0)
		raise(SIGKILL);
	else if (strcmp(hook, "abort") == 0)
		abort();
	else if (strcmp(hook, "sleep") == 0)
		for (;;)
			sleep(60);
	else if (strcmp(hook, "hang") == 0)
		for (;;)
			spin++;
}

int main(int argc, char **argv)
{
	struct args a;
	struct sandbox_limits sl;
	const char *error;
	struct extract_doc *doc;
	GByteArray *in;
	char *answer;
	size_t len;

	parse(argc, argv, &a);
	sl.cpu_seconds = a.seconds;
	sl.memory = a.memory;
	sl.max_output = MAX_OUTPUT;
	if (sandbox_limits(&sl, &error) < 0) {
		fprintf(stderr, "council-extract: %s: %s\n", error, g_strerror(errno));
		return EXIT_SETUP;
	}
	in = read_input(a.limits.max_bytes != 0 ? a.limits.max_bytes : EXTRACT_DEFAULT_BYTES);
	/* libxml2 sets itself up on first use; done here, before the filter,
	   so that nothing it does then is refused. */
	xmlInitParser();
	if (sandbox_enter(&error) < 0) {
		fprintf(stderr, "council-extract: %s: %s\n", error, g_strerror(errno));
		return EXIT_SETUP;
	}
	test_hook(a.hook);
	doc = reader_read(a.kind, in->data, in->len, &a.limits);
	answer = extract_doc_write(doc, &len);
	write_all(answer, len);
	g_free(answer);
	extract_doc_free(&doc);
	g_byte_array_free(in, TRUE);
	xmlCleanupParser();
	return 0;
}
