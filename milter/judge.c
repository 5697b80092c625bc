/*
 * The offline judge (SPEC 6): "what would happen to this message?". It runs
 * engine_run exactly as the daemon's end-of-message callback does; only the
 * input (a file instead of libmilter) and the output differ.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

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

int milter_judge_run(const struct milter_options *opt)
{
	char *data = NULL;
	size_t len = 0;
	GError *gerr = NULL;

	if (opt->mail_from == NULL || opt->n_rcpts == 0) {
		fprintf(stderr, "council-milter: --judge needs --mail-from ADDR and at least one "
			"--rcpt ADDR (see --help)\n");
		return EXIT_USAGE;
	}
	if (!g_file_get_contents(opt->judge_path, &data, &len, &gerr)) {
		fprintf(stderr, "council-milter: cannot read %s: %s\n", opt->judge_path,
			gerr->message);
		g_error_free(gerr);
		return EXIT_NOINPUT;
	}
	struct conf *conf = milter_conf_load(opt);
	if (conf == NULL) {
		g_free(data);
		return EXIT_CONFIG;
	}

	struct engine *engine;
	const char *error;
	int status = EXIT_SUCCESS;

	parser_init();
	if (engine_new(conf, true, false, &engine, &error) < 0) {
		fprintf(stderr, "council-milter: %s\n", error);
		conf_unref(&conf);
		parser_shutdown();
		g_free(data);
		return EXIT_SOFTWARE;
	}
	conf_unref(&conf);	/* the engine holds it */

	struct engine_message *msg = engine_message_new(engine);
	engine_message_set_sender(msg, opt->mail_from);
	for (size_t i = 0; i < opt->n_rcpts; i++)
		(void)engine_message_add_rcpt(msg, opt->rcpts[i]);
	engine_message_set_auth(msg, opt->auth);
	(void)engine_message_load(msg, data, len);	/* limits: engine_run reports them */
	g_free(data);

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
	if (res->error != NULL && status == EXIT_SUCCESS)
		status = EXIT_TEMPFAIL;
	engine_result_free(&res);
	engine_message_free(&msg);
	engine_free(&engine);
	parser_shutdown();
	return status;
}
