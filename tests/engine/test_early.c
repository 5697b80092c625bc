/* The early decision (engine_message_decide): a message no council's rule
   can apply to is answered from its envelope and header block, before its
   body is read. It must be exact: every fixture (tests/messages, the
   development set with the envelopes of its cases.jsonl and its
   councils.conf) and every corpus message, judged whole and decided early,
   gives the same status, reply, operations, verdict, journal line, log line
   and facts; decided early as the daemon does it (at the first body chunk,
   which is then dropped) and as the judge does (the body loaded), too.
   Messages of a council's people, in every form the hostile fixtures and
   the cases below write them, are never decided early (and the cases below
   are compared both ways even so). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "files.h"
#include "helpers.h"
#include "engine/engine-private.h"
#include "parser/parser.h"

#define CHUNK (64 * 1024)	/* what libmilter hands a milter per body call */

struct envelope {
	const char *mail_from;
	const char *const *rcpts;	/* NULL-terminated */
	const char *auth;		/* NULL: none */
};

struct tally {
	unsigned runs, early;
};

static const char *source_dir(void)
{
	const char *s = getenv("COUNCIL_SOURCE_DIR");

	if (s == NULL)
		fail_msg("COUNCIL_SOURCE_DIR is not set (ctest sets it)");
	return s;
}

/* An engine on the configuration at PATH (under the source tree unless
   absolute), the store read-only: no judgement changes the next. */
static struct engine *engine_for(const char *path)
{
	char *full = g_path_is_absolute(path) ? g_strdup(path) :
		g_build_filename(source_dir(), path, NULL);
	char *phrases = g_build_filename(source_dir(), "policy", "phrases", NULL);
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	struct engine *engine;
	const char *error;

	if (conf_load(full, phrases, &conf, &errors) < 0)
		fail_msg("%s: %s", full, errors->lines[0]);
	if (engine_new(conf, true, false, &engine, &error) < 0)
		fail_msg("engine_new: %s", error);
	conf_unref(&conf);
	g_free(full);
	g_free(phrases);
	return engine;
}

/* S with every MIME boundary the footer writer made up (a new UUID each
   time it wraps a message) written as one placeholder. */
static char *same_boundaries(char *s)
{
	static const char mark[] = "=_council_";

	for (char *p = strstr(s, mark); p != NULL; p = strstr(p + 1, mark)) {
		char *q = p + strlen(mark);

		while (g_ascii_isxdigit(*q) || *q == '-')
			*q++ = 'u';
	}
	return s;
}

/* Everything the MTA, the journal and the log are told, as one text. The
   journal line's time is left out: the two ways run a moment apart. */
static char *describe(const struct engine_result *res)
{
	GString *s = g_string_new(NULL);
	const struct policy_verdict *v = res->verdict;
	char *ops = test_ops_describe(res);
	const char *journal = res->journal_line != NULL ? res->journal_line : "";
	const char *event = strstr(journal, "\"event\"");

	g_string_append_printf(s, "status %d, reply %s %s %s\nops %s\n", res->status,
			       res->reply_code, res->reply_xcode, res->reply_text, ops);
	g_free(ops);
	for (size_t i = 0; i < res->n_ops; i++) {
		const struct engine_op *op = &res->ops[i];

		g_string_append_printf(s, "op %d [%s] [%s] %zu\n", op->index, op->value,
				       op->body != NULL ? "body" : "", op->body_len);
		if (op->body != NULL)
			g_string_append_len(s, op->body, (gssize)op->body_len);
	}
	if (v != NULL) {
		g_string_append_printf(s, "verdict council %s, author %s, submitter %s, "
				       "action %d\nresult %s\n",
				       v->council != NULL ? v->council->name : "none",
				       v->author != NULL ? v->author->name : "none",
				       v->submitter != NULL ? v->submitter->name : "none",
				       v->action, v->result_header);
		for (size_t i = 0; i < v->n_findings; i++)
			g_string_append_printf(s, "finding %s %d %s %s\n",
					       conf_rule_id(v->findings[i].rule),
					       v->findings[i].action, v->findings[i].clause,
					       v->findings[i].evidence);
	} else {
		g_string_append(s, "no verdict\n");
	}
	/* Judged whole, the log line names the parser limits the message ran
	   into (", limits=max_depth"); decided early, nothing was parsed, so
	   there are none to name, and for a message of no council none
	   mattered: no rule read it. The rest of the line is the same. */
	char *summary = g_strdup(res->summary);
	char *limits = v != NULL && v->council == NULL ? strstr(summary, ", limits=") : NULL;
	if (limits != NULL) {
		char *rest = strstr(limits + 2, ", ");

		memmove(limits, rest != NULL ? rest : "", strlen(rest != NULL ? rest : "") + 1);
	}
	g_string_append_printf(s, "journal %s\nsummary %s\nerror %s\nfacts [%s] [%s] [%s]\n"
			       "footer %s / %s\n", event != NULL ? event : journal, summary,
			       res->error, res->message_id, res->subject, res->author,
			       res->footer_added, res->footer_refused);
	g_free(summary);
	return same_boundaries(g_string_free(s, FALSE));
}

static struct engine_message *message_new(struct engine *engine, const struct envelope *e)
{
	struct engine_message *msg = engine_message_new(engine);

	engine_message_set_sender(msg, e->mail_from);
	for (const char *const *r = e->rcpts; r != NULL && *r != NULL; r++)
		(void)engine_message_add_rcpt(msg, *r);
	engine_message_set_auth(msg, e->auth);
	return msg;
}

/* The body after HEADER_LEN as an MTA hands it over (CRLF), in chunks. */
static void add_body(struct engine_message *msg, const char *data, size_t len,
		     size_t header_len)
{
	GString *body = g_string_sized_new(len - header_len + (len - header_len) / 16 + 1);

	for (size_t i = header_len; i < len; i++) {
		if (data[i] == '\n' && (i == header_len || data[i - 1] != '\r'))
			g_string_append_c(body, '\r');
		g_string_append_c(body, data[i]);
	}
	for (size_t off = 0; off < body->len; off += CHUNK)
		(void)engine_message_add_body(msg, (const unsigned char *)body->str + off,
					      MIN((size_t)CHUNK, body->len - off));
	g_string_free(body, TRUE);
}

enum way { WHOLE, DAEMON, JUDGE };

/* One judgement of DATA, the WAY it says; *EARLY_R: decided early. The
   rendered message too, when RENDER_R is not NULL. */
static char *run(struct engine *engine, enum way way, const char *data, size_t len,
		 const struct envelope *e, bool *early_r, char **render_r)
{
	struct engine_message *msg = message_new(engine, e);
	struct engine_result *res;
	char *out;

	engine_set_early(engine, way != WHOLE);
	*early_r = false;
	if (way == DAEMON) {
		/* As milter/callbacks.c: the header block, the decision at the
		   first body chunk, then the body (dropped once decided). */
		size_t header_len = parser_header_length(data, len);

		(void)engine_message_load(msg, data, header_len);
		*early_r = engine_message_decide(engine, msg);
		add_body(msg, data, len, header_len);
	} else {
		(void)engine_message_load(msg, data, len);
	}
	res = engine_run(engine, msg);
	if (way == JUDGE)
		*early_r = msg->early == EARLY_HEADERS;
	out = describe(res);
	if (render_r != NULL) {
		size_t n;
		char *r = engine_render(msg, res, &n);

		/* NULL: nothing is delivered (a reject). */
		*render_r = r != NULL ? same_boundaries(g_strndup(r, n)) : g_strdup("(none)");
		g_free(r);
	}
	engine_result_free(&res);
	engine_message_free(&msg);
	engine_set_early(engine, true);
	return out;
}

/* DATA judged whole and decided early must say the same. Returns whether
   it was decided early. A message the daemon's way does not decide early is
   judged whole that way too, so comparing it again only costs (minutes
   under the sanitizers, for the whole development set): ALWAYS compares
   all the same. */
static bool both_ways(struct engine *engine, const char *label, const char *data, size_t len,
		      const struct envelope *e, struct tally *t, bool always)
{
	bool early, judge_early, whole_early;
	char *whole_render = NULL, *judge_render = NULL;
	char *daemon = run(engine, DAEMON, data, len, e, &early, NULL);

	t->runs++;
	t->early += early;
	if (!early && !always) {
		g_free(daemon);
		return false;
	}
	char *whole = run(engine, WHOLE, data, len, e, &whole_early, &whole_render);

	if (whole_early)
		fail_msg("%s: decided early with the early decision off", label);
	if (strcmp(whole, daemon) != 0)
		fail_msg("%s (from <%s>, auth %s): judged whole and decided early (%s) differ:\n"
			 "whole:\n%s\nearly:\n%s", label, e->mail_from, e->auth,
			 early ? "early" : "whole", whole, daemon);
	if (early) {
		/* The judge decides in engine_run, with the body loaded: the
		   same answer, and the same message delivered (--output). */
		char *judge = run(engine, JUDGE, data, len, e, &judge_early, &judge_render);

		if (!judge_early || strcmp(whole, judge) != 0 ||
		    strcmp(whole_render, judge_render) != 0)
			fail_msg("%s: the judge's early decision differs from the daemon's "
				 "(early %d):\n%s\nrendered:\n%s\nwant:\n%s", label, judge_early,
				 judge, judge_render, whole_render);
		g_free(judge);
		g_free(judge_render);
	}
	g_free(whole);
	g_free(daemon);
	g_free(whole_render);
	return early;
}

static void each_file(struct engine *engine, const char *dir, const struct envelope *envs,
		      size_t n_envs, struct tally *t)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);

	test_collect_messages(files, dir);
	if (files->len == 0)
		fail_msg("%s: no messages", dir);
	for (guint i = 0; i < files->len; i++) {
		const char *path = g_ptr_array_index(files, i);
		char *data;
		gsize len;

		if (!g_file_get_contents(path, &data, &len, NULL))
			fail_msg("%s: cannot read", path);
		for (size_t k = 0; k < n_envs; k++)
			both_ways(engine, path, data, len, &envs[k], t, false);
		g_free(data);
	}
	g_ptr_array_free(files, TRUE);
}

/* tests/messages under the directory of tests/policy and the demo's, from
   an outsider and from the null sender, to a council address. */
static void test_fixtures(void **state)
{
	static const char *const to_policy[] = { "town.clerk@ilminster-tc.gov.uk", NULL };
	static const char *const to_demo[] = { "clerk@ashcombe-pc.gov.uk", NULL };
	static const struct {
		const char *conf;
		const char *const *rcpts;
	} confs[] = {
		{ "tests/policy/conf/councils.conf", to_policy },
		{ "conf/examples/demo.conf", to_demo },
	};
	char *dir = g_build_filename(source_dir(), "tests", "messages", NULL);
	struct tally t = { 0 };

	for (size_t c = 0; c < G_N_ELEMENTS(confs); c++) {
		struct engine *engine = engine_for(confs[c].conf);
		const struct envelope envs[] = {
			{ "resident@example.net", confs[c].rcpts, NULL },
			{ "", confs[c].rcpts, NULL },
		};

		each_file(engine, dir, envs, G_N_ELEMENTS(envs), &t);
		engine_free(&engine);
	}
	print_message("fixtures: %u judgements both ways, %u decided early\n", t.runs, t.early);
	/* Most fixtures are a council's mail; some are not (the parser's). */
	if (t.early == 0 || t.early == t.runs)
		fail_msg("got %u of %u decided early, want some and not all", t.early, t.runs);
	g_free(dir);
}

/* The development set: each case with its own envelope and directory. */
static void test_devset(void **state)
{
	char *devset = g_build_filename(source_dir(), "tests", "lang", "devset", NULL);
	GDir *d = g_dir_open(devset, 0, NULL);
	const char *batch;
	struct tally t = { 0 };
	unsigned cases = 0;

	if (d == NULL)
		fail_msg("%s: cannot open", devset);
	while ((batch = g_dir_read_name(d)) != NULL) {
		char *conf = g_build_filename(devset, batch, "councils.conf", NULL);
		char *jsonl = g_build_filename(devset, batch, "cases.jsonl", NULL);
		char *text = NULL;

		if (!g_file_get_contents(jsonl, &text, NULL, NULL)) {
			g_free(conf);
			g_free(jsonl);
			continue;
		}
		struct engine *engine = engine_for(conf);
		char **lines = g_strsplit(text, "\n", -1);
		JsonParser *parser = json_parser_new();

		for (char **l = lines; *l != NULL; l++) {
			if (**l == '\0')
				continue;
			if (!json_parser_load_from_data(parser, *l, -1, NULL))
				fail_msg("%s: a line is not JSON: %s", jsonl, *l);
			JsonObject *o = json_node_get_object(json_parser_get_root(parser));
			JsonArray *a = json_object_get_array_member(o, "rcpts");
			GPtrArray *rcpts = g_ptr_array_new();

			for (guint i = 0; a != NULL && i < json_array_get_length(a); i++)
				g_ptr_array_add(rcpts,
						(gpointer)json_array_get_string_element(a, i));
			g_ptr_array_add(rcpts, NULL);
			const struct envelope e = {
				json_object_get_string_member_with_default(o, "mail_from", ""),
				(const char *const *)rcpts->pdata,
				json_object_get_string_member_with_default(o, "auth", NULL),
			};
			const char *eml = json_object_get_string_member(o, "eml");
			char *path = g_build_filename(devset, batch, eml, NULL);
			char *data;
			gsize len;

			if (!g_file_get_contents(path, &data, &len, NULL))
				fail_msg("%s: cannot read", path);
			both_ways(engine, path, data, len, &e, &t, false);
			cases++;
			g_free(data);
			g_free(path);
			g_ptr_array_free(rcpts, TRUE);
		}
		g_object_unref(parser);
		g_strfreev(lines);
		g_free(text);
		engine_free(&engine);
		g_free(conf);
		g_free(jsonl);
	}
	g_dir_close(d);
	print_message("development set: %u cases, %u judgements both ways, %u decided early\n",
		      cases, t.runs, t.early);
	if (cases < 300)
		fail_msg("got %u development cases, want the whole set (300 or more)", cases);
	g_free(devset);
}

/* ../shared/corpus: mail from outside, to the demo council's Clerk. */
static void test_corpus(void **state)
{
	static const char *const to_demo[] = { "clerk@ashcombe-pc.gov.uk", NULL };
	const char *shared = getenv("COUNCIL_SHARED_DIR");
	struct engine *engine = engine_for("conf/examples/demo.conf");
	const struct envelope envs[] = {
		{ "someone@example.net", to_demo, NULL },
		{ "", to_demo, NULL },
	};
	struct tally t = { 0 };

	if (shared == NULL)
		fail_msg("COUNCIL_SHARED_DIR is not set (ctest sets it)");
	char *corpus = g_build_filename(shared, "corpus", NULL);
	each_file(engine, corpus, envs, G_N_ELEMENTS(envs), &t);
	print_message("corpus: %u judgements both ways, %u decided early\n", t.runs, t.early);
	/* Nobody of the demo council wrote these: nearly all are decided
	   early (a few header blocks are not plain enough to read alone). */
	if (t.early * 10 < t.runs * 9)
		fail_msg("got %u of %u decided early, want at least 90%%", t.early, t.runs);
	g_free(corpus);
	engine_free(&engine);
}

/* From: written every way a council's person can be, the envelope of an
   outsider: never decided early, and the same answer both ways. Outsiders
   writing to councillors, in a confidential thread, are decided early. */
static void test_authors(void **state)
{
	static const char *const to_clerk[] = { "clerk@ashcombe-pc.gov.uk", NULL };
	static const char *const to_cllr[] = { "cllr.jones@ashcombe-pc.gov.uk",
					       "cllr.smith@ashcombe-pc.gov.uk", NULL };
	static const struct {
		const char *from;	/* NULL: no From: field */
		const char *mail_from;
		const char *auth;
		bool early;
	} cases[] = {
		{ "Resident <resident@example.net>", "resident@example.net", NULL, true },
		{ "\"Jones, Ann\" <CLLR.JONES@ASHCOMBE-PC.GOV.UK>", "x@example.net", NULL, false },
		{ "=?utf-8?q?Cllr_Jones?= <cllr.jones@ashcombe-pc.gov.uk>", "x@example.net",
		  NULL, false },
		{ "a@example.org, cllr.smith@ashcombe-pc.gov.uk", "a@example.org", NULL, false },
		{ "cllr.jones@ashcombe-pc.gov.uk (Ann)", "x@example.net", NULL, false },
		{ "Team: cllr.jones@ashcombe-pc.gov.uk;", "x@example.net", NULL, false },
		{ "<@relay.example:cllr.jones@ashcombe-pc.gov.uk>", "x@example.net", NULL, false },
		{ "\"cllr.jones\"@ashcombe-pc.gov.uk", "x@example.net", NULL, false },
		{ "jane.smith@EXAMPLE.COM", "x@example.net", NULL, false },	/* personal */
		{ "info@ashcombe-pc.gov.uk", "x@example.net", NULL, false },	/* domain */
		/* Unreadable: names nobody, judged whole as well (policy's reading). */
		{ "cllr.jones@ashcombe-pc.gov.uk (unclosed", "x@example.net", NULL, true },
		{ NULL, "cllr.jones@ashcombe-pc.gov.uk", NULL, false },	/* no From: */
		{ "resident@example.net", "cllr.jones@ashcombe-pc.gov.uk", NULL, false },
		{ "resident@example.net", "x@example.net", "cllr.jones@ashcombe-pc.gov.uk",
		  false },
		{ "resident@example.net", "bounce@ashcombe-pc.gov.uk", NULL, false },
		{ "resident@example.net", "", NULL, true },
		{ "Ann <cllr.jones@ashcombe-pc.gov.uk.example.net>", "x@example.net", NULL, true },
	};
	struct engine *engine = engine_for("conf/examples/demo.conf");
	struct tally t = { 0 };

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		for (int r = 0; r < 2; r++) {
			char *data = g_strdup_printf(
				"%s%s%sTo: Cllr Jones <cllr.jones@ashcombe-pc.gov.uk>\r\n"
				"Subject: Confidential: the bench by the pond\r\n"
				"Message-ID: <case-%zu@example.net>\r\n"
				"In-Reply-To: <earlier@example.net>\r\n\r\n"
				"CONFIDENTIAL\r\n\r\n"
				"Please arrange for the bench to be mended.\r\n",
				cases[i].from != NULL ? "From: " : "",
				cases[i].from != NULL ? cases[i].from : "",
				cases[i].from != NULL ? "\r\n" : "", i);
			const struct envelope e = { cases[i].mail_from, r == 0 ? to_clerk : to_cllr,
						    cases[i].auth };
			char *label = g_strdup_printf("case %zu (From: %s)", i, cases[i].from);
			bool early = both_ways(engine, label, data, strlen(data), &e, &t, true);

			if (early != cases[i].early)
				fail_msg("%s: decided early: got %d, want %d", label, early,
					 cases[i].early);
			g_free(label);
			g_free(data);
		}
	}
	engine_free(&engine);
}

/* Decided early, the body is not kept and does not count against
   max_message_bytes: a message from outside larger than the limit is
   accepted with the result header, as a daemon that skips its body must;
   a council's message over it still gets on_error's answer. */
static void test_size_limit(void **state)
{
	static const char *const to_clerk[] = { "clerk@ashcombe-pc.gov.uk", NULL };
	static const unsigned char line[1024] = { 'x' };
	static const struct {
		const char *mail_from;
		bool early;
		enum engine_status status;
	} cases[] = {
		{ "resident@example.net", true, ENGINE_CONTINUE },
		{ "cllr.smith@ashcombe-pc.gov.uk", false, ENGINE_TEMPFAIL },
	};
	char *root = test_tmpdir();
	struct conf *conf = test_conf("limits", root, "ON_ERROR", "tempfail", NULL);
	struct engine *engine;
	const char *error;

	if (engine_new(conf, false, false, &engine, &error) < 0)
		fail_msg("engine_new: %s", error);
	conf_unref(&conf);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		for (int daemon = 0; daemon < 2; daemon++) {
			const struct envelope e = { cases[i].mail_from, to_clerk, NULL };
			struct engine_message *msg = message_new(engine, &e);
			const char *head = "From: someone <resident@example.net>\r\n"
					   "Subject: A big attachment\r\n\r\n";

			(void)engine_message_load(msg, head, strlen(head));
			if (daemon && engine_message_decide(engine, msg) != cases[i].early)
				fail_msg("case %zu: decided early: got %d, want %d", i,
					 !cases[i].early, cases[i].early);
			for (int k = 0; k < 100; k++)	/* 100 KiB: over the 64 KiB limit */
				(void)engine_message_add_body(msg, line, sizeof(line));
			size_t body_len;
			(void)engine_message_body(msg, &body_len);
			if (daemon && cases[i].early && body_len != 0)
				fail_msg("case %zu: got %zu body bytes kept, want none", i,
					 body_len);
			struct engine_result *res = engine_run(engine, msg);
			char *ops = test_ops_describe(res);

			if (res->status != cases[i].status)
				fail_msg("case %zu (daemon %d): status got %d, want %d (%s)", i,
					 daemon, res->status, cases[i].status, res->summary);
			if (cases[i].early && strcmp(ops, "insert Council-Policy-Results") != 0)
				fail_msg("case %zu: ops got [%s], want our result header", i, ops);
			g_free(ops);
			engine_result_free(&res);
			engine_message_free(&msg);
		}
	}
	engine_free(&engine);
	test_rmdir(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authors),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_devset),
		cmocka_unit_test(test_corpus),
	};

	parser_init();
	int ret = cmocka_run_group_tests(tests, NULL, NULL);
	parser_shutdown();
	return ret;
}
