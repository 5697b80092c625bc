/*
 * The offline judge (SPEC 6): "what would happen to this message?". It runs
 * engine_run exactly as the daemon's end-of-message callback does; only the
 * input (a file instead of libmilter) and the output differ.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "engine/engine.h"
#include "milter/milter.h"
#include "parser/parser.h"
#include "util/util.h"

static void print_human(const struct engine_result *res)
{
	const struct policy_verdict *v = res->verdict;

	printf("action: %s\n", engine_result_action(res));
	printf("council: %s\n", v != NULL && v->council != NULL ? v->council->name : "none");
	for (size_t i = 0; v != NULL && i < v->n_findings; i++) {
		const struct policy_finding *f = &v->findings[i];
		char *evidence = util_text_visible(f->evidence, -1);	/* no U+202E */
		printf("rule: %s (%s, clause %s): %s\n", conf_rule_id(f->rule),
		       conf_action_name(f->action), f->clause != NULL ? f->clause : "-", evidence);
		g_free(evidence);
	}
	if (v != NULL && v->n_findings == 0)
		printf("rules: none matched\n");
	for (size_t i = 0; i < res->n_ops; i++) {
		const struct engine_op *op = &res->ops[i];
		switch (op->kind) {
		case ENGINE_OP_INSERT_HEADER:
		case ENGINE_OP_ADD_HEADER:
			printf("header added: %s: %s\n", op->name, op->value);
			break;
		case ENGINE_OP_CHANGE_HEADER:
			printf("header changed: %s: %s\n", op->name, op->value);
			break;
		case ENGINE_OP_DELETE_HEADER:
			printf("header removed: %s (number %d; nobody else may write it)\n",
			       op->name, op->index);
			break;
		case ENGINE_OP_ADD_RCPT:
			printf("recipient added: %s\n", op->value);
			break;
		case ENGINE_OP_QUARANTINE:
			printf("hold reason: %s\n", op->value);
			break;
		case ENGINE_OP_REPLACE_BODY:
			break;
		}
	}
	if (res->footer_added != NULL)
		printf("footer added:\n%s\n", res->footer_added);
	if (res->footer_refused != NULL)
		printf("footer not added (%s): the body was left as it was\n",
		       res->footer_refused);
	if (res->status != ENGINE_CONTINUE)
		printf("reply: %s %s %s\n", res->reply_code, res->reply_xcode, res->reply_text);
	if (res->error != NULL)
		printf("error: %s\n", res->error);
}

static int write_output(const char *path, const struct engine_message *msg,
			const struct engine_result *res)
{
	size_t len;
	char *data = engine_render(msg, res, &len);
	GError *gerr = NULL;

	if (data == NULL) {
		fprintf(stderr, "council-milter: %s not written: the message would not be "
			"delivered (%s)\n", path, engine_result_action(res));
		return 0;
	}
	gboolean ok = g_file_set_contents(path, data, (gssize)len, &gerr);
	g_free(data);
	if (!ok) {
		fprintf(stderr, "council-milter: cannot write %s: %s\n", path, gerr->message);
		g_error_free(gerr);
		return -1;
	}
	return 0;
}

/* Read FD to its end, but no further than MAX bytes (the daemon's
   max_message_bytes: /dev/zero has no end). *too_large_r set, and nothing
   kept, when there is more. Returns -1 with errno on a read error. */
static int read_bounded(int fd, size_t max, GByteArray **data_r, bool *too_large_r)
{
	GByteArray *data = g_byte_array_new();
	struct stat st;
	guint8 buf[65536];

	*data_r = NULL;
	*too_large_r = false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (guint64)st.st_size > (guint64)max) {
		*too_large_r = true;	/* no need to read it to know */
		g_byte_array_free(data, TRUE);
		return 0;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			g_byte_array_free(data, TRUE);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		if (data->len + (size_t)n > max) {
			*too_large_r = true;
			g_byte_array_free(data, TRUE);
			return 0;
		}
		g_byte_array_append(data, buf, (guint)n);
	}
	*data_r = data;
	return 0;
}

int milter_judge_run(const struct milter_options *opt)
{
	GByteArray *data = NULL;
	bool too_large;
	int fd;

	if (opt->mail_from == NULL || opt->n_rcpts == 0) {
		fprintf(stderr, "council-milter: --judge needs --mail-from ADDR and at least one "
			"--rcpt ADDR (see --help)\n");
		return EXIT_USAGE;
	}
	fd = open(opt->judge_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		fprintf(stderr, "council-milter: cannot read %s: %s\n", opt->judge_path,
			g_strerror(errno));
		return EXIT_NOINPUT;
	}
	struct conf *conf = milter_conf_load(opt);
	if (conf == NULL) {
		close(fd);
		return EXIT_CONFIG;
	}
	size_t max = conf->daemon.limits.max_message_bytes;
	if (read_bounded(fd, max, &data, &too_large) < 0) {
		fprintf(stderr, "council-milter: cannot read %s: %s\n", opt->judge_path,
			g_strerror(errno));
		close(fd);
		conf_unref(&conf);
		return EXIT_NOINPUT;
	}
	close(fd);
	if (too_large)
		fprintf(stderr, "council-milter: %s is larger than limits.max_message_bytes (%zu "
			"bytes): read no further and not judged; the filter gives such a message "
			"the on_error verdict, shown below (exit status %d)\n", opt->judge_path, max,
			EXIT_DATAERR);

	struct engine *engine;
	const char *error;
	int status = EXIT_SUCCESS;

	parser_init();
	if (engine_new(conf, true, false, &engine, &error) < 0) {
		fprintf(stderr, "council-milter: %s\n", error);
		conf_unref(&conf);
		parser_shutdown();
		if (data != NULL)
			g_byte_array_free(data, TRUE);
		return EXIT_SOFTWARE;
	}
	conf_unref(&conf);	/* the engine holds it */

	struct engine_message *msg = engine_message_new(engine);
	engine_message_set_sender(msg, opt->mail_from);
	for (size_t i = 0; i < opt->n_rcpts; i++)
		(void)engine_message_add_rcpt(msg, opt->rcpts[i]);
	engine_message_set_auth(msg, opt->auth);
	engine_message_set_time(msg, opt->date);
	if (too_large)
		engine_message_too_large(msg);
	else	/* limits: engine_run reports them */
		(void)engine_message_load(msg, (const char *)data->data, data->len);
	if (data != NULL)
		g_byte_array_free(data, TRUE);

	struct engine_result *res = engine_run(engine, msg);
	if (opt->json) {
		char *json = engine_result_json(res);
		printf("%s\n", json);
		g_free(json);
	} else {
		print_human(res);
	}
	if (opt->output_path != NULL && write_output(opt->output_path, msg, res) < 0)
		status = EXIT_CANTCREAT;
	if (too_large && status == EXIT_SUCCESS)
		status = EXIT_DATAERR;
	if (res->error != NULL && status == EXIT_SUCCESS)
		status = EXIT_TEMPFAIL;
	engine_result_free(&res);
	engine_message_free(&msg);
	engine_free(&engine);
	parser_shutdown();
	return status;
}
