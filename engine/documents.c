/*
 * The attached documents the confidential rule reads, each by a worker of
 * its own (council-extract, the document_reader setting): the document on
 * its stdin, its answer on stdout, a clean environment, the limits of the
 * limits settings, and a deadline for all of one message's documents, past
 * which the worker is killed. What needs no parser (text or junk given a
 * document's name, a locked package) is answered here without a worker
 * (extract_triage). Whatever happens to the worker (killed,
 * crashed, out of time or memory, a nonsense answer), the message gets the
 * answer of a document not read (on_incomplete) and the daemon carries on;
 * only a worker that cannot be started at all is an internal error
 * (on_error).
 */
#include "engine/engine-private.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "notice/notice.h"
#include "util/util.h"

/* The answer is a few hundred lines at most (extract.h); more is not one. */
#define ANSWER_MAX ((size_t)1024 * 1024)
/* Environment passed on to the worker: only what a sanitizer build of it
   reads (the tests); nothing of the daemon's own. */
static const char *const passed_on[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS" };

static struct extract_doc *doc_status(enum extract_status status, const char *detail)
{
	return extract_doc_new(status, detail);
}

static char **worker_env(void)
{
	GPtrArray *env = g_ptr_array_new();

	for (size_t i = 0; i < G_N_ELEMENTS(passed_on); i++) {
		const char *v = g_getenv(passed_on[i]);

		if (v != NULL)
			g_ptr_array_add(env, g_strdup_printf("%s=%s", passed_on[i], v));
	}
	g_ptr_array_add(env, NULL);
	return (char **)g_ptr_array_free(env, FALSE);
}

static const char *kind_arg(enum extract_kind kind)
{
	return kind == EXTRACT_PDF ? "pdf" : kind == EXTRACT_ODF ? "odf" : "ooxml";
}

static char **worker_argv(const struct engine_documents *d, enum extract_kind kind,
			  unsigned seconds)
{
	const struct conf_limits *lim = &d->conf->daemon.limits;
	GPtrArray *argv = g_ptr_array_new();
	const char *hook = g_getenv(ENGINE_EXTRACT_TEST_HOOK);

	g_ptr_array_add(argv, g_strdup(d->conf->daemon.document_reader));
	g_ptr_array_add(argv, g_strdup("--kind"));
	g_ptr_array_add(argv, g_strdup(kind_arg(kind)));
	g_ptr_array_add(argv, g_strdup("--max-bytes"));
	g_ptr_array_add(argv, g_strdup_printf("%zu", lim->max_attachment_bytes));
	g_ptr_array_add(argv, g_strdup("--max-pages"));
	g_ptr_array_add(argv, g_strdup_printf("%u", lim->max_attachment_pages));
	g_ptr_array_add(argv, g_strdup("--max-ratio"));
	g_ptr_array_add(argv, g_strdup_printf("%u", lim->max_expansion_ratio));
	g_ptr_array_add(argv, g_strdup("--seconds"));
	g_ptr_array_add(argv, g_strdup_printf("%u", seconds));
	g_ptr_array_add(argv, g_strdup("--memory"));
	g_ptr_array_add(argv, g_strdup_printf("%zu", lim->max_attachment_memory));
	if (hook != NULL && *hook != '\0') {
		g_ptr_array_add(argv, g_strdup("--test-hook"));
		g_ptr_array_add(argv, g_strdup(hook));
	}
	g_ptr_array_add(argv, NULL);
	return (char **)g_ptr_array_free(argv, FALSE);
}

/* The last line the worker wrote to stderr, for the log. */
static char *last_words(const char *err)
{
	char **lines = g_strsplit(err != NULL ? err : "", "\n", -1);
	char *last = NULL;

	for (size_t i = 0; lines[i] != NULL; i++)
		if (*g_strstrip(lines[i]) != '\0')
			last = lines[i];
	last = last != NULL ? util_text_visible(last, -1) : g_strdup("");
	g_strfreev(lines);
	return last;
}

/* What the worker's end says of the document. */
static struct extract_doc *outcome(const char *out, size_t out_len, const char *err, int status,
				   bool timed_out, unsigned seconds)
{
	struct extract_doc *doc = NULL;
	const char *error;
	char *words, *detail;

	if (timed_out || (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)) {
		detail = g_strdup_printf("not read within %u seconds", seconds);
		doc = doc_status(EXTRACT_LIMIT_TIME, detail);
		g_free(detail);
		return doc;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (extract_doc_read(out, out_len, &doc, &error) == 0)
			return doc;
		return doc_status(EXTRACT_FAILED, error);
	}
	words = last_words(err);
	detail = spawn_status_text(status);
	doc = extract_doc_new(EXTRACT_FAILED, NULL);
	g_free(doc->detail);
	doc->detail = g_strdup_printf("its reader %s%s%s", detail, *words != '\0' ? ": " : "",
				      words);
	g_free(detail);
	g_free(words);
	return doc;
}

int engine_read_document(void *ctx, size_t index, enum extract_kind kind,
			 struct extract_doc **doc_r, const char **error_r)
{
	struct engine_documents *d = ctx;
	const struct conf_limits *lim = &d->conf->daemon.limits;
	gint64 now = g_get_monotonic_time(), left;
	char *data = NULL, *out = NULL, *err = NULL, **argv, **envp;
	size_t len, out_len = 0;
	bool truncated, timed_out;
	int status = 0, ret;
	unsigned seconds;

	*doc_r = NULL;
	/* One deadline for all the documents of the message. */
	if (d->deadline == 0)
		d->deadline = now + (gint64)lim->max_attachment_seconds * G_USEC_PER_SEC;
	left = d->deadline - now;
	if (left <= 0) {
		*doc_r = doc_status(EXTRACT_LIMIT_TIME, "no time left for it");
		return 0;
	}
	if (parser_part_content(d->msg, index, lim->max_attachment_bytes, &data, &len, &truncated,
				error_r) < 0)
		return -1;
	if (truncated) {
		g_free(data);
		*doc_r = doc_status(EXTRACT_LIMIT_BYTES, "larger than the limit");
		return 0;
	}
	/* Text, junk or a locked package is answered here, as the worker
	   would answer it: a worker is started only for what must be parsed
	   (a PDF or a zip), which is where the risk is. */
	{
		struct extract_limits elim = { .max_bytes = lim->max_attachment_bytes };

		if ((*doc_r = extract_triage(kind, data, len, &elim)) != NULL) {
			g_free(data);
			return 0;
		}
	}
	seconds = (unsigned)((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
	argv = worker_argv(d, kind, seconds);
	envp = worker_env();
	ret = spawn_run_timed(argv, envp, data, len, (unsigned)(left / 1000), ANSWER_MAX, &out,
			      &out_len, &err, &status, &timed_out, error_r);
	if (ret == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		*error_r = util_error("the document reader %s could not be run", argv[0]);
		ret = -1;
	}
	if (ret == 0)
		*doc_r = outcome(out, out_len, err, status, timed_out,
				 lim->max_attachment_seconds);
	g_strfreev(argv);
	g_strfreev(envp);
	g_free(data);
	g_free(out);
	g_free(err);
	return ret;
}
