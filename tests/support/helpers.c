/* Helpers for the milter tests (see helpers.h). */
#include "helpers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>

char *test_tmpdir(void)
{
	GError *err = NULL;
	char *dir = g_dir_make_tmp("council-milter-test-XXXXXX", &err);

	if (dir == NULL)
		fail_msg("cannot make a temporary directory: %s", err->message);
	return dir;
}

/* Our temporary directories hold plain files only. */
void test_rmdir(char **dir_p)
{
	char *dir = *dir_p;
	GDir *d = dir != NULL ? g_dir_open(dir, 0, NULL) : NULL;
	const char *name;

	if (d != NULL) {
		while ((name = g_dir_read_name(d)) != NULL) {
			char *path = g_build_filename(dir, name, NULL);
			g_unlink(path);
			g_free(path);
		}
		g_dir_close(d);
		g_rmdir(dir);
	}
	g_free(dir);
	*dir_p = NULL;
}

const char *test_hidden_char(const char *s)
{
	for (const char *p = s; p != NULL && *p != '\0'; p = g_utf8_next_char(p))
		if (g_unichar_type(g_utf8_get_char(p)) == G_UNICODE_FORMAT)
			return p;
	return NULL;
}

char *test_read(const char *rel, size_t *len_r)
{
	char *data;
	size_t len;
	GError *err = NULL;
	const char *source = g_getenv("COUNCIL_SOURCE_DIR");
	char *path = g_build_filename(source != NULL ? source : "..", "tests", rel, NULL);

	if (!g_file_get_contents(path, &data, &len, &err))
		fail_msg("cannot read fixture %s: %s", path, err->message);
	g_free(path);
	if (len_r != NULL)
		*len_r = len;
	return data;
}

static char *replace_all(char *text, const char *from, const char *to)
{
	char **parts = g_strsplit(text, from, -1);
	char *out = g_strjoinv(to, parts);

	g_strfreev(parts);
	g_free(text);
	return out;
}

struct conf *test_conf(const char *name, const char *root, ...)
{
	char *tpath = g_strdup_printf("support/%s.conf.in", name);
	char *text = test_read(tpath, NULL);
	va_list ap;

	text = replace_all(text, "@ROOT@", root);
	va_start(ap, root);
	for (const char *key; (key = va_arg(ap, const char *)) != NULL;) {
		char *at = g_strdup_printf("@%s@", key);
		text = replace_all(text, at, va_arg(ap, const char *));
		g_free(at);
	}
	va_end(ap);

	char *path = g_strdup_printf("%s/%s.conf", root, name);
	if (!g_file_set_contents(path, text, -1, NULL))
		fail_msg("cannot write %s", path);
	char *phrases = g_build_filename(g_getenv("COUNCIL_SOURCE_DIR"), "policy", "phrases",
					 NULL);
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	if (conf_load(path, phrases, &conf, &errors) < 0) {
		for (size_t i = 0; i < errors->n_lines; i++)
			print_error("%s\n", errors->lines[i]);
		fail_msg("test config %s does not load", tpath);
	}
	g_free(phrases);
	g_free(path);
	g_free(text);
	g_free(tpath);
	return conf;
}

struct engine *test_engine(const char *name, const char *root)
{
	struct conf *conf = test_conf(name, root, NULL);
	struct engine *engine;
	const char *error;

	if (engine_new(conf, false, false, &engine, &error) < 0)
		fail_msg("engine_new: %s", error);
	conf_unref(&conf);
	return engine;
}

struct engine_message *test_message(struct engine *engine, const char *fixture,
				    const char *mail_from, const char *const *rcpts)
{
	size_t len;
	char *data = test_read(fixture, &len);
	struct engine_message *msg = engine_message_new(engine);

	engine_message_set_sender(msg, mail_from);
	for (; rcpts != NULL && *rcpts != NULL; rcpts++)
		(void)engine_message_add_rcpt(msg, *rcpts);
	(void)engine_message_load(msg, data, len);
	g_free(data);
	return msg;
}

char *test_fake_sendmail(const char *root)
{
	char *fake = test_read("support/fake-sendmail", NULL);
	char *path = g_build_filename(root, "sendmail", NULL);

	if (!g_file_set_contents(path, fake, -1, NULL) || chmod(path, 0755) < 0)
		fail_msg("cannot install %s", path);
	g_free(fake);
	return path;
}

static const char *last_arg(JsonObject *o)
{
	JsonArray *argv = json_object_get_array_member(o, "argv");
	guint n = json_array_get_length(argv);

	return n > 0 ? json_array_get_string_element(argv, n - 1) : "";
}

static gint by_rcpt(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(last_arg(*(JsonObject **)a), last_arg(*(JsonObject **)b));
}

GPtrArray *test_sent(const char *root)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)json_object_unref);
	JsonParser *parser = json_parser_new();
	GDir *dir = g_dir_open(root, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		if (!g_str_has_prefix(name, "sent-") || !g_str_has_suffix(name, ".json"))
			continue;
		char *path = g_build_filename(root, name, NULL);
		GError *err = NULL;
		if (!json_parser_load_from_file(parser, path, &err))
			fail_msg("%s: %s", path, err->message);
		g_ptr_array_add(out, json_object_ref(json_node_get_object(
					     json_parser_get_root(parser))));
		g_free(path);
	}
	if (dir != NULL)
		g_dir_close(dir);
	g_object_unref(parser);
	g_ptr_array_sort(out, by_rcpt);
	return out;
}

char *test_ops_describe(const struct engine_result *res)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < res->n_ops; i++) {
		const struct engine_op *op = &res->ops[i];
		if (i > 0)
			g_string_append(s, "; ");
		switch (op->kind) {
		case ENGINE_OP_DELETE_HEADER:
			g_string_append_printf(s, "delete %s %d", op->name, op->index);
			break;
		case ENGINE_OP_CHANGE_HEADER:
			g_string_append_printf(s, "change %s %d", op->name, op->index);
			break;
		case ENGINE_OP_INSERT_HEADER:
			g_string_append_printf(s, "insert %s", op->name);
			break;
		case ENGINE_OP_ADD_HEADER:
			g_string_append_printf(s, "add %s", op->name);
			break;
		case ENGINE_OP_ADD_RCPT:
			g_string_append_printf(s, "add_rcpt %s", op->value);
			break;
		case ENGINE_OP_REPLACE_BODY:
			g_string_append(s, "replace_body");
			break;
		case ENGINE_OP_QUARANTINE:
			g_string_append(s, "quarantine");
			break;
		}
	}
	return g_string_free(s, FALSE);
}

/* ---- verdicts built by hand ---- */

struct policy_verdict *test_verdict_new(const struct conf *conf, enum conf_action action)
{
	struct policy_verdict *v = g_new0(struct policy_verdict, 1);

	v->council = &conf->councils[0];
	v->action = action;
	v->result_header = g_strdup("unit.council.invalid; council=\"Ashcombe Parish Council\"; "
				    "action=test");
	return v;
}

void test_verdict_finding(struct policy_verdict *v, enum conf_rule rule,
			  enum conf_action action, const char *clause, const char *evidence)
{
	v->findings = g_renew(struct policy_finding, v->findings, v->n_findings + 1);
	struct policy_finding *fi = &v->findings[v->n_findings++];
	memset(fi, 0, sizeof(*fi));
	fi->rule = rule;
	fi->action = action;
	fi->clause = clause;
	fi->evidence = g_strdup(evidence);
}

struct policy_verdict *test_v_footer(const struct conf *conf)
{
	struct policy_verdict *v = test_verdict_new(conf, CONF_ACTION_ANNOTATE);

	test_verdict_finding(v, CONF_RULE_SILENT_COPY, CONF_ACTION_ANNOTATE, "12.1",
			     "blind copy to cllr.jones@ashcombe-pc.gov.uk (Cllr Ann Jones)");
	v->footer_text = g_strdup("Copied to: Cllr Ann Jones");
	return v;
}
