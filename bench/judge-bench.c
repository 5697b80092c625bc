/*
 * judge-bench: what judging costs, in process, next to what GMime alone
 * costs to parse the same bytes. Not a test: it prints figures, one line
 * of name=value pairs per measurement, for bench/judge-vs-parse.sh,
 * bench/size-scaling.sh and bench/directory-scaling.sh.
 *
 *   judge-bench -c CONF -P PHRASE_DIR [options] FILE|DIR...
 *
 * Modes (--mode):
 *   compare  (default) three measurements over the same messages, taken in
 *            turn in every repetition so that drift hits all three alike:
 *              parse  g_mime_parser_construct_message on the raw bytes and
 *                     nothing else (the baseline);
 *              plain  the engine's whole path (engine_message_load, then
 *                     engine_run: parse, model, rules, footer, MTA ops) on
 *                     the messages as they are, from an outsider;
 *              cllr   the same with From:/To:/Cc: rewritten (--from, --to)
 *                     and the envelope from --from to --to and --bcc, so
 *                     that the author is a councillor and rules and footers
 *                     run on every message.
 *   judge    only the cllr measurement (directory scaling).
 *   plain, parse  only that measurement (for a profiler).
 *   each     every message on its own, as it is, from --from to --to: the
 *            median time of one judgement per message (attachment cost).
 *   stream   one file, fed to the engine as libmilter would: the header
 *            block, then the body in 64 KB chunks read from the file (the
 *            whole file is never in memory at once), then engine_run. Prints
 *            the judge time and the process's peak RSS (size scaling).
 *
 * Every measurement runs its messages over and over for at least
 * --min-time seconds (default 0.5) per repetition; --reps (default 5)
 * repetitions; the figure is the median repetition.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "engine/engine.h"
#include "parser/parser.h"

#define CHUNK (64 * 1024)	/* what libmilter hands a milter per body call */

struct input {
	char *name;
	GByteArray *raw;	/* as read */
	GByteArray *cllr;	/* rewritten: a councillor writes */
};

struct opts {
	const char *conf, *phrases, *mode;
	const char *from, *to, *bcc, *outsider;
	int reps;
	double min_time;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "judge-bench: %s%s%s\n", what, detail != NULL ? ": " : "",
		detail != NULL ? detail : "");
	exit(1);
}

/* ---- inputs --------------------------------------------------------------- */

static bool header_dropped(const char *line, size_t len)
{
	static const char *const names[] = { "From:", "To:", "Cc:", "Bcc:", "Sender:",
					     "Reply-To:", NULL };
	for (int i = 0; names[i] != NULL; i++) {
		size_t n = strlen(names[i]);
		if (len >= n && g_ascii_strncasecmp(line, names[i], n) == 0)
			return true;
	}
	return false;
}

/* RAW with its author and visible recipients replaced: new From: and To:
   first, the old From/To/Cc/Bcc/Sender/Reply-To fields (with their
   continuation lines) left out, everything else byte for byte. */
static GByteArray *rewrite(const GByteArray *raw, const char *from, const char *to)
{
	GByteArray *out = g_byte_array_sized_new(raw->len + 128);
	const char *p = (const char *)raw->data, *end = p + raw->len;
	bool dropping = false;
	char *head = g_strdup_printf("From: Councillor <%s>\r\nTo: Officer <%s>\r\n", from, to);

	g_byte_array_append(out, (const guint8 *)head, strlen(head));
	g_free(head);
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		const char *next = eol != NULL ? eol + 1 : end;
		size_t len = next - p;

		if (*p == '\n' || (*p == '\r' && len >= 2 && p[1] == '\n'))
			break;		/* end of the header block */
		if (*p == ' ' || *p == '\t') {
			if (!dropping)
				g_byte_array_append(out, (const guint8 *)p, len);
		} else {
			dropping = header_dropped(p, len);
			if (!dropping)
				g_byte_array_append(out, (const guint8 *)p, len);
		}
		p = next;
	}
	g_byte_array_append(out, (const guint8 *)p, end - p);
	return out;
}

static void add_file(GPtrArray *inputs, const char *path, const struct opts *o)
{
	char *data;
	size_t len;

	if (!g_file_get_contents(path, &data, &len, NULL))
		die("cannot read", path);
	struct input *in = g_new0(struct input, 1);
	in->name = g_strdup(path);
	in->raw = g_byte_array_new_take((guint8 *)data, len);
	in->cllr = rewrite(in->raw, o->from, o->to);
	g_ptr_array_add(inputs, in);
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* Every .eml and .msg file under PATH, in name order. */
static void add_path(GPtrArray *inputs, const char *path, const struct opts *o)
{
	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		add_file(inputs, path, o);
		return;
	}
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	if (d == NULL)
		die("cannot open", path);
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_build_filename(path, name, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, by_name);
	for (guint i = 0; i < names->len; i++) {
		const char *p = g_ptr_array_index(names, i);
		if (g_file_test(p, G_FILE_TEST_IS_DIR) ||
		    g_str_has_suffix(p, ".eml") || g_str_has_suffix(p, ".msg"))
			add_path(inputs, p, o);
	}
	g_ptr_array_unref(names);
}

/* ---- one pass over every input -------------------------------------------- */

enum which { PARSE, PLAIN, CLLR };

static void parse_only(const GByteArray *raw)
{
	/* The caller's bytes, not a copy: the stream does not own them. */
	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array((GByteArray *)raw);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *message = g_mime_parser_construct_message(parser, NULL);

	if (message != NULL)
		g_object_unref(message);
	g_object_unref(parser);
	g_object_unref(stream);
}

static unsigned long n_annotated, n_findings;

static void judge(struct engine *engine, const GByteArray *raw, const char *mail_from,
		  const char *const *rcpts)
{
	struct engine_message *msg = engine_message_new(engine);

	engine_message_set_sender(msg, mail_from);
	for (; *rcpts != NULL; rcpts++)
		(void)engine_message_add_rcpt(msg, *rcpts);
	(void)engine_message_load(msg, (const char *)raw->data, raw->len);
	struct engine_result *res = engine_run(engine, msg);
	if (res->footer_added != NULL)
		n_annotated++;
	if (res->verdict != NULL)
		n_findings += res->verdict->n_findings;
	engine_result_free(&res);
	engine_message_free(&msg);
}

static void pass(enum which which, struct engine *engine, GPtrArray *inputs,
		 const struct opts *o)
{
	const char *plain_rcpts[] = { o->to, NULL };
	const char *cllr_rcpts[] = { o->to, o->bcc, NULL };

	for (guint i = 0; i < inputs->len; i++) {
		const struct input *in = g_ptr_array_index(inputs, i);
		switch (which) {
		case PARSE:
			parse_only(in->raw);
			break;
		case PLAIN:
			judge(engine, in->raw, o->outsider, plain_rcpts);
			break;
		case CLLR:
			judge(engine, in->cllr, o->from, cllr_rcpts);
			break;
		}
	}
}

/* One repetition of WHICH: whole passes for at least min_time; returns
   messages per second and adds the passes' bytes to *bytes_r. */
static double repetition(enum which which, struct engine *engine, GPtrArray *inputs,
			 const struct opts *o, unsigned long *passes_r)
{
	unsigned long passes = 0;
	double t0 = now_s(), t;

	do {
		pass(which, engine, inputs, o);
		passes++;
		t = now_s();
	} while (t - t0 < o->min_time);
	*passes_r += passes;
	return (double)(passes * inputs->len) / (t - t0);
}

static void measure(GPtrArray *inputs, struct engine *engine, const struct opts *o,
		    const enum which *which, int n_which)
{
	static const char *const names[] = { "parse", "plain", "cllr" };
	double rate[3][64];
	unsigned long passes[3] = { 0 }, annotated[3] = { 0 }, findings[3] = { 0 };
	size_t bytes = 0;

	for (guint i = 0; i < inputs->len; i++)
		bytes += ((struct input *)g_ptr_array_index(inputs, i))->raw->len;
	/* One warm-up pass of each: page in the code, fill GMime's caches. */
	for (int w = 0; w < n_which; w++)
		pass(which[w], engine, inputs, o);
	for (int r = 0; r < o->reps; r++) {
		for (int w = 0; w < n_which; w++) {
			unsigned long a0 = n_annotated, f0 = n_findings;
			rate[w][r] = repetition(which[w], engine, inputs, o, &passes[w]);
			annotated[w] += n_annotated - a0;
			findings[w] += n_findings - f0;
		}
	}
	for (int w = 0; w < n_which; w++) {
		qsort(rate[w], (size_t)o->reps, sizeof(double), cmp_double);
		double median = rate[w][o->reps / 2];
		printf("mode=%s msgs=%u bytes=%zu reps=%d passes=%lu msgs_per_s=%.1f "
		       "mb_per_s=%.2f min=%.1f max=%.1f annotated_per_pass=%lu "
		       "findings_per_pass=%lu\n",
		       names[which[w]], inputs->len, bytes, o->reps, passes[w], median,
		       median * (double)bytes / inputs->len / 1e6, rate[w][0],
		       rate[w][o->reps - 1], annotated[w] / passes[w], findings[w] / passes[w]);
	}
}

/* ---- each mode: every message on its own ---------------------------------- */

/* Each input as it is (its own From:), sent from --from to --to: the median
   time of one judgement, per input, the inputs taken in turn in every
   repetition (bench/attachment-cost.sh). */
static void each(GPtrArray *inputs, struct engine *engine, const struct opts *o)
{
	const char *rcpts[] = { o->to, NULL };
	double (*t)[64] = g_malloc0(sizeof(*t) * inputs->len);

	for (guint i = 0; i < inputs->len; i++)	/* warm-up */
		judge(engine, ((struct input *)g_ptr_array_index(inputs, i))->raw, o->from, rcpts);
	for (int r = 0; r < o->reps; r++) {
		for (guint i = 0; i < inputs->len; i++) {
			const struct input *in = g_ptr_array_index(inputs, i);
			unsigned long n = 0;
			double t0 = now_s(), t1;

			do {
				judge(engine, in->raw, o->from, rcpts);
				n++;
				t1 = now_s();
			} while (t1 - t0 < o->min_time);
			t[i][r] = (t1 - t0) / (double)n;
		}
	}
	for (guint i = 0; i < inputs->len; i++) {
		const struct input *in = g_ptr_array_index(inputs, i);
		struct engine_message *msg = engine_message_new(engine);
		struct engine_result *res;
		char *base = g_path_get_basename(in->name);

		engine_message_set_sender(msg, o->from);
		(void)engine_message_add_rcpt(msg, o->to);
		(void)engine_message_load(msg, (const char *)in->raw->data, in->raw->len);
		res = engine_run(engine, msg);
		qsort(t[i], (size_t)o->reps, sizeof(double), cmp_double);
		printf("mode=each file=%s bytes=%u reps=%d ms=%.3f min_ms=%.3f action=%s\n", base,
		       in->raw->len, o->reps, t[i][o->reps / 2] * 1e3, t[i][0] * 1e3,
		       engine_result_action(res));
		engine_result_free(&res);
		engine_message_free(&msg);
		g_free(base);
	}
	g_free(t);
}

/* ---- stream mode: one big message, as the daemon receives it -------------- */

/* Append BUF to the body with bare LFs made CRLF; *last_cr carries the last
   byte's state across chunks. */
static void add_body_crlf(struct engine_message *msg, const char *buf, size_t len,
			  bool *last_cr)
{
	GByteArray *tmp = g_byte_array_sized_new((guint)len + len / 32 + 2);

	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n' && !*last_cr)
			g_byte_array_append(tmp, (const guint8 *)"\r", 1);
		g_byte_array_append(tmp, (const guint8 *)&buf[i], 1);
		*last_cr = buf[i] == '\r';
	}
	if (engine_message_add_body(msg, tmp->data, tmp->len) < 0)
		die("the message exceeds the configured limits", NULL);
	g_byte_array_unref(tmp);
}

static double stream_once(struct engine *engine, const char *path, const struct opts *o,
			  size_t *size_r, const char **action_r)
{
	FILE *f = fopen(path, "rb");
	char *buf = g_malloc(CHUNK);
	GByteArray *head = g_byte_array_new();
	const char *rcpts[] = { o->to, o->bcc };
	struct engine_message *msg = engine_message_new(engine);
	bool in_body = false, last_cr = false;
	size_t n;

	if (f == NULL)
		die("cannot open", path);
	*size_r = 0;
	engine_message_set_sender(msg, o->from);
	for (int i = 0; i < 2; i++)
		(void)engine_message_add_rcpt(msg, rcpts[i]);
	while ((n = fread(buf, 1, CHUNK, f)) > 0) {
		*size_r += n;
		if (in_body) {
			add_body_crlf(msg, buf, n, &last_cr);
			continue;
		}
		g_byte_array_append(head, (const guint8 *)buf, (guint)n);
		const char *h = (const char *)head->data;
		const char *e = g_strstr_len(h, head->len, "\n\n");
		const char *e2 = g_strstr_len(h, head->len, "\r\n\r\n");
		size_t cut;
		if (e2 != NULL && (e == NULL || e2 < e))
			cut = (size_t)(e2 - h) + 4;
		else if (e != NULL)
			cut = (size_t)(e - h) + 2;
		else
			continue;
		/* The header block through the engine's own splitter, then the
		   rest of what was read as the first body chunk. */
		if (engine_message_load(msg, h, cut) < 0)
			die("the message exceeds the configured limits", NULL);
		add_body_crlf(msg, h + cut, head->len - cut, &last_cr);
		g_byte_array_set_size(head, 0);
		in_body = true;
	}
	fclose(f);
	g_free(buf);
	g_byte_array_unref(head);

	double t0 = now_s();
	struct engine_result *res = engine_run(engine, msg);
	double t = now_s() - t0;

	if (res->error != NULL)
		die("engine_run failed", res->error);
	*action_r = engine_result_action(res);
	engine_result_free(&res);
	engine_message_free(&msg);
	return t;
}

static void stream(struct engine *engine, const char *path, const struct opts *o)
{
	double t[64];
	size_t size = 0;
	const char *action = "";
	struct rusage ru;

	for (int r = 0; r < o->reps; r++)
		t[r] = stream_once(engine, path, o, &size, &action);
	qsort(t, (size_t)o->reps, sizeof(double), cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	printf("mode=stream bytes=%zu reps=%d judge_ms=%.2f action=%s peak_rss_kb=%ld\n", size,
	       o->reps, t[o->reps / 2] * 1e3, action, ru.ru_maxrss);
}

/* ---- main ----------------------------------------------------------------- */

static const char usage[] =
	"usage: judge-bench -c CONF -P PHRASE_DIR [--mode compare|judge|plain|parse|each|stream]\n"
	"                   [--from ADDR] [--to ADDR] [--bcc ADDR] [--outsider ADDR]\n"
	"                   [--reps N] [--min-time SECONDS] FILE|DIR...\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "bcc", required_argument, NULL, 'b' },
		{ "outsider", required_argument, NULL, 'o' },
		{ "reps", required_argument, NULL, 'r' },
		{ "min-time", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = {
		.mode = "compare", .from = "cllr.jones@ashcombe-pc.gov.uk",
		.to = "admin@ashcombe-pc.gov.uk", .bcc = "cllr.hale@ashcombe-pc.gov.uk",
		.outsider = "someone@example.net", .reps = 5, .min_time = 0.5,
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:P:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.conf = optarg; break;
		case 'P': o.phrases = optarg; break;
		case 'm': o.mode = optarg; break;
		case 'f': o.from = optarg; break;
		case 't': o.to = optarg; break;
		case 'b': o.bcc = optarg; break;
		case 'o': o.outsider = optarg; break;
		case 'r': o.reps = atoi(optarg); break;
		case 'T': o.min_time = atof(optarg); break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (o.conf == NULL || o.phrases == NULL || optind >= argc || o.reps < 1 ||
	    o.reps > 64) {
		fputs(usage, stderr);
		return 2;
	}

	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	struct engine *engine = NULL;
	const char *error;

	if (conf_load(o.conf, o.phrases, &conf, &errors) < 0)
		die("the config does not load", errors->lines[0]);
	parser_init();
	if (engine_new(conf, true, false, &engine, &error) < 0)
		die("engine_new", error);
	conf_unref(&conf);

	if (strcmp(o.mode, "stream") == 0) {
		stream(engine, argv[optind], &o);
	} else {
		GPtrArray *inputs = g_ptr_array_new();
		for (int i = optind; i < argc; i++)
			add_path(inputs, argv[i], &o);
		if (inputs->len == 0)
			die("no messages", NULL);
		if (strcmp(o.mode, "compare") == 0)
			measure(inputs, engine, &o, (const enum which[]){ PARSE, PLAIN, CLLR }, 3);
		else if (strcmp(o.mode, "judge") == 0)
			measure(inputs, engine, &o, (const enum which[]){ CLLR }, 1);
		else if (strcmp(o.mode, "plain") == 0)
			measure(inputs, engine, &o, (const enum which[]){ PLAIN }, 1);
		else if (strcmp(o.mode, "parse") == 0)
			measure(inputs, engine, &o, (const enum which[]){ PARSE }, 1);
		else if (strcmp(o.mode, "each") == 0)
			each(inputs, engine, &o);
		else
			die("unknown mode", o.mode);
		for (guint i = 0; i < inputs->len; i++) {
			struct input *in = g_ptr_array_index(inputs, i);
			g_free(in->name);
			g_byte_array_unref(in->raw);
			g_byte_array_unref(in->cllr);
			g_free(in);
		}
		g_ptr_array_unref(inputs);
	}
	engine_free(&engine);
	parser_shutdown();
	return 0;
}
