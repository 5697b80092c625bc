/* The web page's test bench (see webtest.h). */
#include "webtest.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "parser/parser.h"
#include "reviewers/reviewers.h"

/* ---- the helper, in-process ---------------------------------------------- */

struct local_backend {
	struct web_backend b;
	struct helper *helper;
};

static int local_call(struct web_backend *b, const struct channel_request *req,
		      JsonObject **answer_r, const char **error_r)
{
	struct local_backend *lb = (struct local_backend *)b;
	char *line = channel_request_encode(req, error_r), *summary;

	if (line == NULL)
		return -1;
	char *answer = helper_answer(lb->helper, line, strlen(line), &summary);
	JsonParser *p = json_parser_new();
	if (!json_parser_load_from_data(p, answer, -1, NULL))
		fail_msg("the helper's answer is not JSON: %s", answer);
	*answer_r = json_object_ref(json_node_get_object(json_parser_get_root(p)));
	g_object_unref(p);
	g_free(answer);
	g_free(summary);
	g_free(line);
	return 0;
}

static void local_free(struct web_backend *b)
{
	g_free(b);
}

static struct hold_queue *same_queue(void *ctx)
{
	return &((struct fake_queue *)ctx)->q;
}

static GString *log_lines;

static void keep_log(const char *line)
{
	g_string_append_printf(log_lines, "%s\n", line);
}

struct webtest *webtest_new(void)
{
	static const char *const a[] = { "Ashcombe Parish Council" };
	static const char *const b[] = { "Bramley Town Council" };
	static const char *const ab[] = { "Ashcombe Parish Council", "Bramley Town Council" };
	struct webtest *t = g_new0(struct webtest, 1);
	/* Hashed once for all the tests: Argon2id takes its time, on purpose. */
	static struct reviewers *rs;
	const char *error;

	t->root = test_tmpdir();
	t->journal = g_build_filename(t->root, "journal.jsonl", NULL);
	t->helper.conf = test_conf("hold", t->root, "JOURNAL", t->journal, NULL);
	g_free(test_fake_sendmail(t->root));
	t->fake = fake_queue_new();
	t->helper.new_queue = same_queue;
	t->helper.queue_ctx = t->fake;
	fake_queue_add(t->fake, ASHCOMBE_ID, 1700000000, "cllr.smith@ashcombe-pc.gov.uk",
		       "accounts@benchcraft.example.com", "messages/web/hostile.eml");
	fake_queue_add(t->fake, BRAMLEY_ID, 1700000100, "cllr.shah@bramley-tc.gov.uk",
		       "press@bramley-gazette.example.com",
		       "messages/demo/06-councillor-commits-council-to-pay.eml");
	fake_queue_add(t->fake, OTHER_ID, 1690000000, "someone@example.org",
		       "clerk@ashcombe-pc.gov.uk", "messages/milter/no-subject.eml");
	fake_decision(t->journal, ASHCOMBE_ID, "Ashcombe Parish Council",
		      "cllr.smith@ashcombe-pc.gov.uk", "<script>alert('name')</script> Jane Smith",
		      "Bench repairs <script>alert('subject')</script>");
	fake_decision(t->journal, BRAMLEY_ID, "Bramley Town Council",
		      "cllr.shah@bramley-tc.gov.uk", "Dev Shah", "Press statement");
	if (rs == NULL) {
		rs = reviewers_new();
		if (reviewers_add(rs, "tom", PASSWORD, a, 1, &error) < 0 ||
		    reviewers_add(rs, "rita", PASSWORD, b, 1, &error) < 0 ||
		    reviewers_add(rs, "deputy", PASSWORD, ab, 2, &error) < 0)
			fail_msg("reviewers: %s", error);
	}
	if (reviewers_save(rs, t->helper.conf->daemon.web.reviewers, 0, &error) < 0)
		fail_msg("reviewers: %s", error);
	struct local_backend *lb = g_new0(struct local_backend, 1);
	lb->b = (struct web_backend){ local_call, local_free };
	lb->helper = &t->helper;
	t->app = web_app_new(t->helper.conf, &lb->b);
	t->log = log_lines = g_string_new(NULL);
	t->app->log = keep_log;
	/* The pages at the root, as without review_url (test_base has one). */
	g_free(t->app->base);
	t->app->base = g_strdup("");
	t->now = 1800000000;
	return t;
}

void webtest_free(struct webtest **t_p)
{
	struct webtest *t = *t_p;

	web_app_free(&t->app);
	conf_unref(&t->helper.conf);
	fake_queue_free(&t->fake);
	g_string_free(t->log, TRUE);
	log_lines = NULL;
	g_free(t->journal);
	test_rmdir(&t->root);
	g_free(t);
	*t_p = NULL;
}

/* ---- the browser ----------------------------------------------------------- */

void browser_clear(struct browser *b)
{
	g_clear_pointer(&b->session, g_free);
	g_clear_pointer(&b->signin, g_free);
}

const char *cookie_line(const struct web_response *res, const char *name)
{
	for (guint i = 0; i < res->cookies->len; i++) {
		const char *c = res->cookies->pdata[i];
		if (g_str_has_prefix(c, name) && c[strlen(name)] == '=')
			return c;
	}
	return NULL;
}

static void keep_cookie(const struct web_response *res, const char *name, char **slot)
{
	const char *line = cookie_line(res, name);

	if (line == NULL)
		return;
	const char *value = line + strlen(name) + 1;
	g_free(*slot);
	*slot = strstr(line, "Max-Age=0") != NULL ? NULL :
		g_strndup(value, strcspn(value, ";"));
}

struct web_response *web_send(struct webtest *t, struct browser *b, const char *method,
			      const char *path, ...)
{
	struct web_response *res = g_new0(struct web_response, 1);
	const char *q = strchr(path, '?');
	char *bare = g_strndup(path, q != NULL ? (gsize)(q - path) : strlen(path));
	char *next = q != NULL && g_str_has_prefix(q, "?next=") ? g_strdup(q + 6) : NULL;
	struct web_request req = {
		.method = method, .path = bare, .next = next, .cookie = b->session,
		.signin_cookie = b->signin, .peer = b->peer != NULL ? b->peer : "127.0.0.1",
		.forwarded_for = b->forwarded_for, .forwarded_proto = b->forwarded_proto,
		.now = t->now,
	};
	va_list ap;

	if (strcmp(method, "POST") == 0) {
		req.form = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		va_start(ap, path);
		for (const char *k; (k = va_arg(ap, const char *)) != NULL;) {
			const char *v = va_arg(ap, const char *);
			g_hash_table_replace(req.form, g_strdup(k), g_strdup(v));
		}
		va_end(ap);
	}
	web_handle(t->app, &req, res);
	keep_cookie(res, WEB_COOKIE, &b->session);
	keep_cookie(res, WEB_SIGNIN_COOKIE, &b->signin);
	if (req.form != NULL)
		g_hash_table_destroy(req.form);
	g_free(bare);
	g_free(next);
	return res;
}

void web_response_done(struct web_response *res)
{
	web_response_clear(res);
	g_free(res);
}

char *form_token(const char *body)
{
	const char *p = strstr(body, "name=\"csrf\" value=\"");

	if (p == NULL)
		return NULL;
	p += strlen("name=\"csrf\" value=\"");
	return g_strndup(p, strcspn(p, "\""));
}

void sign_in(struct webtest *t, struct browser *b, const char *name)
{
	struct web_response *res = web_send(t, b, "GET", "/signin", NULL);
	char *token = form_token(res->body->str);

	web_response_done(res);
	res = web_send(t, b, "POST", "/signin", "csrf", token, "name", name, "password",
		       PASSWORD, NULL);
	if (res->status != 303 || b->session == NULL)
		fail_msg("signing in as %s: got %u, session %s:\n%s", name, res->status,
			 b->session != NULL ? "set" : "none", res->body->str);
	web_response_done(res);
	g_free(token);
}

char *journal_events(struct webtest *t, const char *event)
{
	GString *out = g_string_new(NULL);
	char *text = NULL;

	g_file_get_contents(t->journal, &text, NULL, NULL);
	char **lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	JsonParser *p = json_parser_new();
	for (char **l = lines; *l != NULL; l++) {
		if (**l == '\0' || !json_parser_load_from_data(p, *l, -1, NULL))
			continue;
		JsonObject *o = json_node_get_object(json_parser_get_root(p));
		if (strcmp(json_object_get_string_member(o, "event"), event) == 0)
			g_string_append_printf(out, "%s %s\n",
					       json_object_get_string_member(o, "action"),
					       json_object_get_string_member(o, "by"));
	}
	g_object_unref(p);
	g_strfreev(lines);
	g_free(text);
	return g_string_free(out, FALSE);
}
