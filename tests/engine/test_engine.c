/* The engine: loading a message, the operations a verdict turns into, the
   limits and on_error, the rendered message, the judge's JSON and the
   summary line. Verdicts are either policy's own (real rules) or built here
   to reach every operation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "helpers.h"
#include "engine/engine-private.h"
#include "parser/parser.h"

struct fixture {
	char *root;
	struct engine *engine;
};

static int setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->root = test_tmpdir();
	f->engine = test_engine("unit", f->root);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f == NULL)
		return 0;
	engine_free(&f->engine);
	test_rmdir(&f->root);
	g_free(f);
	return 0;
}

static const char *const to_clerk[] = { "clerk@ashcombe-pc.gov.uk", NULL };

/* The value of the first INSERT op (our result header), or "". */
static const char *inserted_result(const struct engine_result *res)
{
	for (size_t i = 0; i < res->n_ops; i++)
		if (res->ops[i].kind == ENGINE_OP_INSERT_HEADER)
			return res->ops[i].value;
	return "";
}

/* The reply's "code xcode" must be WANT. */
static void check_reply(const char *what, const struct engine_result *res, const char *want)
{
	char *reply = g_strdup_printf("%s %s", res->reply_code, res->reply_xcode);

	if (strcmp(reply, want) != 0)
		fail_msg("%s: reply: got %s, want %s", what, reply, want);
	g_free(reply);
}

static char *crlf(const char *data)
{
	GString *s = g_string_new(NULL);

	for (const char *p = data; *p != '\0'; p++) {
		if (*p == '\n' && (p == data || p[-1] != '\r'))
			g_string_append_c(s, '\r');
		g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

/* LF, CRLF and an mbox "From " line all load to the same message, which is
   delivered exactly as received plus our header on top. */
static void test_load_render(void **state)
{
	struct fixture *f = *state;
	static const char *const fixtures[] = {
		"messages/milter/plain-lf.eml",
		"messages/milter/plain-crlf.eml",
		"messages/milter/mbox-from-line.eml",
	};
	char *original = test_read("messages/milter/plain-lf.eml", NULL);
	char *want_tail = crlf(original);

	for (size_t i = 0; i < G_N_ELEMENTS(fixtures); i++) {
		struct engine_message *msg = test_message(f->engine, fixtures[i],
							  "cllr.smith@ashcombe-pc.gov.uk", to_clerk);
		struct engine_result *res = engine_run(f->engine, msg);
		size_t len;
		char *got = engine_render(msg, res, &len);
		char *value = crlf(inserted_result(res));	/* folded: "\n\t" */
		char *want = g_strdup_printf("%s: %s\r\n%s", POLICY_RESULT_HEADER, value,
					     want_tail);
		g_free(value);

		if (got == NULL || len != strlen(want) || memcmp(got, want, len) != 0)
			fail_msg("%s rendered:\ngot  [%s]\nwant [%s]", fixtures[i],
				 got != NULL ? got : "(null)", want);
		g_free(want);
		g_free(got);
		engine_result_free(&res);
		engine_message_free(&msg);
	}
	g_free(want_tail);
	g_free(original);
}

/* A line that is not a header ends the header block, as in Postfix. */
static void test_load_no_blank_line(void **state)
{
	struct fixture *f = *state;
	struct engine_message *msg = test_message(
		f->engine, "messages/milter/header-block-without-blank-line.eml",
		"m.wood@example.org", to_clerk);
	const char *want_body = "This line is not a header, so the body starts here, as "
				"Postfix would have it.\r\n";

	if (msg->headers->len != 3)
		fail_msg("headers: got %u, want 3", msg->headers->len);
	size_t body_len;
	const guint8 *body = engine_message_body(msg, &body_len);

	if (body_len != strlen(want_body) || memcmp(body, want_body, body_len) != 0)
		fail_msg("body: got [%.*s], want [%s]", (int)body_len, (const char *)body,
			 want_body);
	engine_message_free(&msg);
}

/* Where the header block ends, the judge (engine_message_load) and the
   parser agree: one answer, parser_header_length's, which is Postfix's. A
   first line that is indented, or a field "From :" with an obsolete blank,
   is not taken for an mbox separator or a continuation. */
static void test_load_header_end(void **state)
{
	static const char *const files[] = {
		"messages/milter/plain-lf.eml", "messages/milter/plain-crlf.eml",
		"messages/milter/mbox-from-line.eml",
		"messages/milter/header-block-without-blank-line.eml",
		"messages/milter/header-leading-blank.eml",
		"messages/milter/header-obsolete-from.eml",
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		size_t len, body_len;
		char *data = test_read(files[i], &len);
		size_t header_len = parser_header_length(data, len);
		struct engine_message *msg = test_message(f->engine, files[i],
							  "m.wood@example.org", to_clerk);
		const guint8 *body = engine_message_body(msg, &body_len);
		GString *want = g_string_new(NULL);

		/* The rest, with CRLF line ends, as an MTA hands a body over. */
		for (const char *p = data + header_len; p < data + len; p++) {
			if (*p == '\n' && (p == data + header_len || p[-1] != '\r'))
				g_string_append_c(want, '\r');
			g_string_append_c(want, *p);
		}
		if (body_len != want->len || memcmp(body, want->str, body_len) != 0)
			fail_msg("%s: body got [%.*s], want [%s] (the header block is %zu "
				 "bytes to the parser)", files[i], (int)body_len,
				 (const char *)body, want->str, header_len);
		g_string_free(want, TRUE);
		engine_message_free(&msg);
		g_free(data);
	}
	/* "From :" is a field, never an mbox line: the author is not lost. */
	struct engine_message *msg = test_message(f->engine,
						  "messages/milter/header-obsolete-from.eml",
						  "m.wood@example.org", to_clerk);
	if (msg->headers->len != 3 ||
	    strcmp(g_array_index(msg->headers, struct engine_header, 0).name, "From") != 0)
		fail_msg("header-obsolete-from.eml: got %u fields, the first %s; want 3, From",
			 msg->headers->len, msg->headers->len > 0 ?
			 g_array_index(msg->headers, struct engine_header, 0).name : "none");
	engine_message_free(&msg);
}

/* The parser reads the engine's own buffer of the message as received. A
   header field that arrives after the body began (no MTA does that, but
   the API allows it) still belongs to the header block the parser sees,
   and the body is unchanged by it. */
static void test_late_header(void **state)
{
	struct fixture *f = *state;
	const char *file = "messages/milter/no-subject.eml";
	struct engine_message *plain = test_message(f->engine, file, "m.wood@example.org",
						    to_clerk);
	struct engine_message *late = test_message(f->engine, file, "m.wood@example.org",
						   to_clerk);
	size_t want_len, got_len;

	assert_int_equal(engine_message_add_header(late, "Subject", "Bench by the pond"), 0);
	struct engine_result *res_plain = engine_run(f->engine, plain);
	struct engine_result *res_late = engine_run(f->engine, late);
	const guint8 *want_body = engine_message_body(plain, &want_len);
	const guint8 *got_body = engine_message_body(late, &got_len);

	if (res_plain->subject != NULL)
		fail_msg("no Subject: got subject [%s], want none", res_plain->subject);
	if (res_late->subject == NULL || strcmp(res_late->subject, "Bench by the pond") != 0)
		fail_msg("late Subject: got [%s], want [Bench by the pond]",
			 res_late->subject != NULL ? res_late->subject : "(none)");
	if (want_len == 0 || got_len != want_len || memcmp(got_body, want_body, want_len) != 0)
		fail_msg("late Subject: body got [%.*s], want [%.*s]", (int)got_len,
			 (const char *)got_body, (int)want_len, (const char *)want_body);
	engine_result_free(&res_plain);
	engine_result_free(&res_late);
	engine_message_free(&plain);
	engine_message_free(&late);
}

/* ---- verdicts built by hand ------------------------------------------- */

static struct policy_verdict *v_hold(const struct conf *conf)
{
	struct policy_verdict *v = test_verdict_new(conf, CONF_ACTION_HOLD);

	test_verdict_finding(v, CONF_RULE_CONFIDENTIAL, CONF_ACTION_HOLD, "10.7",
			"marking \"CONFIDENTIAL\" in the subject");
	v->hold_reason = g_strdup("confidential briefing to a third party (protocol 10.7)");
	v->headers = g_new0(struct policy_header, 1);
	v->headers[0].name = g_strdup("Council-Copied-To");
	v->headers[0].value = g_strdup("Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>");
	v->n_headers = 1;
	return v;
}

static struct policy_verdict *v_reject(const struct conf *conf)
{
	struct policy_verdict *v = test_verdict_new(conf, CONF_ACTION_REJECT);

	test_verdict_finding(v, CONF_RULE_PARTY_POLITICAL, CONF_ACTION_REJECT, "14.3",
			"phrase \"deliver our leaflets\" in body line 3");
	v->reject_text = g_strdup("Refused under protocol 14.3.\nAsk the Clerk instead.");
	return v;
}

static struct policy_verdict *v_copy_clerk(const struct conf *conf)
{
	struct policy_verdict *v = test_verdict_new(conf, CONF_ACTION_ANNOTATE);

	test_verdict_finding(v, CONF_RULE_MEMBER_INSTRUCTS_STAFF, CONF_ACTION_ANNOTATE, "2.9",
			"phrase \"please arrange\" in body line 3");
	v->add_rcpts = g_new0(char *, 2);
	v->add_rcpts[0] = g_strdup("clerk@ashcombe-pc.gov.uk");
	v->n_add_rcpts = 1;
	v->cc_append = g_strdup("Tom Brown <clerk@ashcombe-pc.gov.uk>");
	return v;
}

static struct policy_verdict *v_monitor(const struct conf *conf)
{
	struct policy_verdict *v = test_verdict_new(conf, CONF_ACTION_MONITOR);

	test_verdict_finding(v, CONF_RULE_CAPACITY, CONF_ACTION_MONITOR, "12.5",
			"no capacity statement in the author's text");
	return v;
}

static struct policy_verdict *v_injection(const struct conf *conf)
{
	struct policy_verdict *v = test_verdict_new(conf, CONF_ACTION_NONE);

	g_free(v->result_header);
	v->result_header = g_strdup("unit.council.invalid; council=\"Evil\r\nBcc: x@example.org\"");
	return v;
}

/* Text from a hostile message, as policy quotes it in a verdict, reaches
   people through the engine without the characters that reorder or hide
   what they read (issue 15, finding 9): the SMTP reply is ASCII only (names
   spelt without their accents), and the headers we add and the hold reason
   carry no U+202E. */
static void test_text_for_people(void **state)
{
	struct fixture *f = *state;
	const struct conf *conf = engine_conf(f->engine);
	struct policy_verdict *v = test_verdict_new(conf, CONF_ACTION_REJECT);

	test_verdict_finding(v, CONF_RULE_PARTY_POLITICAL, CONF_ACTION_REJECT, "14.3",
			     "to \"Zo\xc3\xab \xe2\x80\xae" "evil\xe2\x80\xac\" <z@example.org>");
	v->reject_text = g_strdup("Message not sent: to \"Zo\xc3\xab \xe2\x80\xae" "evil"
				  "\xe2\x80\xac\" <z@example.org>.\nClause 14.3 \xe2\x80\x93 ask "
				  "the Clerk.");
	struct engine_message *msg = test_message(f->engine, "messages/milter/plain-lf.eml",
						  "cllr.smith@ashcombe-pc.gov.uk", to_clerk);
	struct engine_result *res = engine_run_verdict(f->engine, msg, v);
	for (const char *p = res->reply_text; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 || *p == '\r')
			fail_msg("reply: got a byte 0x%02x in [%s], want ASCII", (unsigned char)*p,
				 res->reply_text);
	if (strstr(res->reply_text, "Zoe evil") == NULL ||
	    strstr(res->reply_text, "\nClause 14.3 - ask the Clerk.") == NULL)
		fail_msg("reply: got [%s], want the words kept, in ASCII", res->reply_text);
	engine_result_free(&res);
	engine_message_free(&msg);

	v = test_verdict_new(conf, CONF_ACTION_HOLD);
	test_verdict_finding(v, CONF_RULE_CONFIDENTIAL, CONF_ACTION_HOLD, "10.7", "x");
	v->hold_reason = g_strdup("confidential: to \xe2\x80\xae" "ten.elpmaxe@z");
	v->headers = g_new0(struct policy_header, 1);
	v->headers[0].name = g_strdup("Council-Policy-Copied-To");
	v->headers[0].value = g_strdup("Cllr \xe2\x81\xa7" "Ann Jones\xe2\x81\xa9 <a@example.org>");
	v->n_headers = 1;
	msg = test_message(f->engine, "messages/milter/plain-lf.eml",
			   "cllr.smith@ashcombe-pc.gov.uk", to_clerk);
	res = engine_run_verdict(f->engine, msg, v);
	for (size_t i = 0; i < res->n_ops; i++)
		if (test_hidden_char(res->ops[i].value) != NULL)
			fail_msg("op %zu (%s): got [%s] with a format character", i,
				 res->ops[i].name != NULL ? res->ops[i].name : "quarantine",
				 res->ops[i].value);
	engine_result_free(&res);
	engine_message_free(&msg);
}

static void test_ops(void **state)
{
	struct fixture *f = *state;
	const struct conf *conf = engine_conf(f->engine);
	static const struct {
		const char *name;
		const char *fixture;
		struct policy_verdict *(*verdict)(const struct conf *conf);	/* NULL: policy's */
		enum engine_status status;
		const char *action;
		const char *ops;
		const char *reply;	/* "code xcode" or NULL */
	} cases[] = {
		{ "accept, policy's own verdict", "messages/milter/plain-lf.eml", NULL,
		  ENGINE_CONTINUE, "accept", "insert Council-Policy-Results", NULL },
		{ "forged result headers removed, highest first",
		  "messages/milter/forged-result-header.eml", NULL, ENGINE_CONTINUE, "accept",
		  "delete Council-Policy-Results 2; delete Council-Policy-Results 1; "
		  "delete Council-Policy-Copied-To 1; "
		  "insert Council-Policy-Results", NULL },
		{ "hold: extra header and quarantine", "messages/milter/plain-lf.eml", v_hold,
		  ENGINE_CONTINUE, "hold",
		  "insert Council-Policy-Results; add Council-Copied-To; quarantine", NULL },
		{ "reject: a reply and nothing else", "messages/milter/forged-result-header.eml",
		  v_reject, ENGINE_REJECT, "reject", "", "550 5.7.1" },
		{ "Clerk copied openly, Cc changed", "messages/milter/plain-lf.eml", v_copy_clerk,
		  ENGINE_CONTINUE, "annotate", "insert Council-Policy-Results; add_rcpt "
		  "clerk@ashcombe-pc.gov.uk; change Cc 1", NULL },
		{ "Clerk copied openly, Cc added", "messages/milter/forged-result-header.eml",
		  v_copy_clerk, ENGINE_CONTINUE, "annotate",
		  "delete Council-Policy-Results 2; delete Council-Policy-Results 1; "
		  "delete Council-Policy-Copied-To 1; "
		  "insert Council-Policy-Results; add_rcpt clerk@ashcombe-pc.gov.uk; add Cc", NULL },
		{ "monitor only counts as accept", "messages/milter/plain-lf.eml", v_monitor,
		  ENGINE_CONTINUE, "accept", "insert Council-Policy-Results", NULL },
		{ "footer refused on a signed message", "messages/milter/signed.eml", test_v_footer,
		  ENGINE_CONTINUE, "annotate", "insert Council-Policy-Results", NULL },
		{ "two Content-Type fields: wrapped, one Content-Type left",
		  "messages/milter/conflicting-content-type.eml", test_v_footer, ENGINE_CONTINUE,
		  "annotate", "insert Council-Policy-Results; delete Content-Type 2; "
		  "change Content-Type 1; replace_body", NULL },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct engine_message *msg = test_message(f->engine, cases[i].fixture,
							  "cllr.smith@ashcombe-pc.gov.uk", to_clerk);
		struct policy_verdict *v = cases[i].verdict != NULL ? cases[i].verdict(conf) : NULL;
		struct engine_result *res = engine_run_verdict(f->engine, msg, v);
		char *ops = test_ops_describe(res);

		if (res->status != cases[i].status)
			fail_msg("%s: status: got %d, want %d", cases[i].name, res->status,
				 cases[i].status);
		if (strcmp(engine_result_action(res), cases[i].action) != 0)
			fail_msg("%s: action: got %s, want %s", cases[i].name,
				 engine_result_action(res), cases[i].action);
		if (strcmp(ops, cases[i].ops) != 0)
			fail_msg("%s: ops:\ngot  %s\nwant %s", cases[i].name, ops, cases[i].ops);
		if (res->error != NULL)
			fail_msg("%s: error: got \"%s\", want none", cases[i].name, res->error);
		if (cases[i].reply != NULL)
			check_reply(cases[i].name, res, cases[i].reply);
		g_free(ops);
		engine_result_free(&res);
		engine_message_free(&msg);
	}
}

/* What the ops do to the delivered bytes. */
static void test_render_ops(void **state)
{
	struct fixture *f = *state;
	const struct conf *conf = engine_conf(f->engine);
	static const struct {
		const char *name;
		const char *fixture;
		struct policy_verdict *(*verdict)(const struct conf *conf);
		const char *want[4];		/* substrings of the rendered message */
		const char *not_want[3];
	} cases[] = {
		{ "forged headers gone, ours on top", "messages/milter/forged-result-header.eml",
		  NULL, { "Council-Policy-Results: unit.council.invalid", NULL },
		  { "forged.example", "Cllr Nobody", NULL } },
		{ "the Clerk appended to Cc as it was", "messages/milter/plain-lf.eml", v_copy_clerk,
		  { "\r\nCc: Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>, Tom Brown\r\n"
		    "\t<clerk@ashcombe-pc.gov.uk>\r\n", NULL },
		  { NULL } },
		{ "extra header at the end of the header block", "messages/milter/plain-lf.eml",
		  v_hold, { "Content-Type: text/plain; charset=us-ascii\r\nCouncil-Copied-To: Cllr "
			    "Ann Jones <cllr.jones@ashcombe-pc.gov.uk>\r\n\r\n", NULL }, { NULL } },
		{ "signed: body untouched, refusal in the result header",
		  "messages/milter/signed.eml", test_v_footer,
		  { "footer=refused (signed)", NULL }, { "Copied to:", NULL } },
		{ "no header injection from verdict text", "messages/milter/plain-lf.eml",
		  v_injection, { "council=\"Evil", NULL }, { "\r\nBcc:", "\nBcc:", NULL } },
		/* the top level says multipart/mixed once; the original entity,
		   both its fields as written, is the wrapper's second part */
		{ "two Content-Type fields: wrapped", "messages/milter/conflicting-content-type.eml",
		  test_v_footer,
		  { "MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"=_council_",
		    "\r\nContent-Type: multipart/mixed; boundary=\"c\"\r\nContent-Type: "
		    "text/plain; charset=us-ascii\r\n\r\n--c\r\n", "Copied to: Cllr Ann Jones", NULL },
		  { "Subject: Two Content-Type fields\r\nMessage-ID: <a17@ashcombe-pc.gov.uk>\r\n"
		    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"c\"", NULL } },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct engine_message *msg = test_message(f->engine, cases[i].fixture,
							  "cllr.smith@ashcombe-pc.gov.uk", to_clerk);
		struct policy_verdict *v = cases[i].verdict != NULL ? cases[i].verdict(conf) : NULL;
		struct engine_result *res = engine_run_verdict(f->engine, msg, v);
		size_t len;
		char *got = engine_render(msg, res, &len);

		if (got == NULL)
			fail_msg("%s: nothing rendered", cases[i].name);
		for (size_t j = 0; cases[i].want[j] != NULL; j++)
			if (strstr(got, cases[i].want[j]) == NULL)
				fail_msg("%s: got\n%s\nwant it to contain [%s]", cases[i].name, got,
					 cases[i].want[j]);
		for (size_t j = 0; cases[i].not_want[j] != NULL; j++)
			if (strstr(got, cases[i].not_want[j]) != NULL)
				fail_msg("%s: got\n%s\nwant no [%s]", cases[i].name, got,
					 cases[i].not_want[j]);
		g_free(got);
		engine_result_free(&res);
		engine_message_free(&msg);
	}
}

/* Too big, a header section too big, or too many recipients: on_error's
   verdict, the reason given. */
static void test_limits(void **state)
{
	enum over { BIG_BODY, BIG_HEADER, MANY_RCPTS };
	static const struct {
		const char *on_error;
		enum over over;
		enum engine_status status;
		const char *reply;	/* NULL: none */
		const char *ops;
		const char *reason;
	} cases[] = {
		{ "tempfail", BIG_BODY, ENGINE_TEMPFAIL, "451 4.3.0", "", "max_message_bytes" },
		{ "tempfail", MANY_RCPTS, ENGINE_TEMPFAIL, "451 4.3.0", "", "max_recipients" },
		{ "reject", BIG_BODY, ENGINE_REJECT, "550 5.7.1", "", "max_message_bytes" },
		{ "accept", MANY_RCPTS, ENGINE_CONTINUE, NULL, "insert Council-Policy-Results",
		  "max_recipients" },
		/* issue 15: every header field is kept until the message is
		   judged, each costing several times its size, so a header
		   section over max_header_bytes is a hard limit too */
		{ "tempfail", BIG_HEADER, ENGINE_TEMPFAIL, "451 4.3.0", "", "max_header_bytes" },
		{ "accept", BIG_HEADER, ENGINE_CONTINUE, NULL, "insert Council-Policy-Results",
		  "max_header_bytes" },
	};
	static const char *const three[] = { "a@example.org", "b@example.org", "c@example.org",
					     NULL };
	char *root = test_tmpdir();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct conf *conf = test_conf("limits", root, "ON_ERROR", cases[i].on_error, NULL);
		struct engine *engine;
		const char *error;
		if (engine_new(conf, false, false, &engine, &error) < 0)
			fail_msg("engine_new: %s", error);
		conf_unref(&conf);

		struct engine_message *msg = test_message(engine, "messages/milter/plain-lf.eml",
							  "cllr.smith@ashcombe-pc.gov.uk",
							  cases[i].over == MANY_RCPTS ? three :
							  to_clerk);
		if (cases[i].over == BIG_HEADER) {
			/* 8 KiB of header: the first field over it is refused, and
			   so is everything after, the body included. */
			static const unsigned char line[1] = { 'x' };
			int ret = 0;
			size_t n = 0;
			while (ret == 0 && n < 1000) {
				ret = engine_message_add_header(msg, "X-Filler", "twenty bytes of it");
				n++;
			}
			if (ret != -1 || n < 200 || n > 300)
				fail_msg("header limit: add_header failed after %zu fields, want about "
					 "260 (8 KiB)", n);
			if (engine_message_add_body(msg, line, 1) != -1)
				fail_msg("header limit: a body chunk after it was accepted");
		}
		if (cases[i].over == BIG_BODY) {
			/* 64 KiB limit: the first chunk over it is refused, and so is
			   everything after. */
			static const unsigned char line[1024] = { 'x' };
			int ret = 0;
			size_t n = 0;
			while (ret == 0 && n < 200) {
				ret = engine_message_add_body(msg, line, sizeof(line));
				n++;
			}
			if (ret != -1 || n < 60 || n > 65)
				fail_msg("size limit: add_body failed after %zu KiB, want about 64", n);
			if (engine_message_add_body(msg, line, 1) != -1)
				fail_msg("size limit: a chunk after the limit was accepted");
		}
		struct engine_result *res = engine_run(engine, msg);
		char *ops = test_ops_describe(res);

		if (res->status != cases[i].status)
			fail_msg("case %zu: status: got %d, want %d", i, res->status,
				 cases[i].status);
		if (strcmp(ops, cases[i].ops) != 0)
			fail_msg("case %zu: ops: got [%s], want [%s]", i, ops, cases[i].ops);
		if (res->error == NULL || strstr(res->error, cases[i].reason) == NULL)
			fail_msg("case %zu: error: got \"%s\", want it to name %s", i, res->error,
				 cases[i].reason);
		if (strstr(res->summary, cases[i].reason) == NULL)
			fail_msg("case %zu: summary: got \"%s\", want it to name %s", i,
				 res->summary, cases[i].reason);
		if (cases[i].reply != NULL)
			check_reply(cases[i].on_error, res, cases[i].reply);
		else if (strstr(inserted_result(res), "not judged") == NULL) {
			fail_msg("case %zu: result header: got \"%s\", want it to say not judged",
				 i, inserted_result(res));
		}
		g_free(ops);
		engine_result_free(&res);
		engine_message_free(&msg);
		engine_free(&engine);
	}
	test_rmdir(&root);
}

static JsonObject *parse_json(const char *text, JsonParser **parser_r)
{
	JsonParser *parser = json_parser_new();
	GError *err = NULL;

	if (!json_parser_load_from_data(parser, text, -1, &err))
		fail_msg("JSON does not parse: %s\n%s", err->message, text);
	*parser_r = parser;
	return json_node_get_object(json_parser_get_root(parser));
}

static const char *member_string(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	if (n == NULL)
		fail_msg("JSON member %s missing", name);
	return JSON_NODE_HOLDS_NULL(n) ? NULL : json_node_get_string(n);
}

static void test_json(void **state)
{
	struct fixture *f = *state;
	const struct conf *conf = engine_conf(f->engine);

	/* Hold: rules with evidence, headers added, no reply. */
	struct engine_message *msg = test_message(f->engine, "messages/milter/plain-lf.eml",
						  "cllr.smith@ashcombe-pc.gov.uk", to_clerk);
	struct engine_result *res = engine_run_verdict(f->engine, msg, v_hold(conf));
	char *text = engine_result_json(res);
	JsonParser *parser;
	JsonObject *o = parse_json(text, &parser);

	if (g_strcmp0(member_string(o, "action"), "hold") != 0)
		fail_msg("action: got %s, want hold", member_string(o, "action"));
	if (g_strcmp0(member_string(o, "council"), "Ashcombe Parish Council") != 0)
		fail_msg("council: got %s, want Ashcombe Parish Council",
			 member_string(o, "council"));
	JsonArray *rules = json_object_get_array_member(o, "rules");
	if (json_array_get_length(rules) != 1)
		fail_msg("rules: got %u, want 1", json_array_get_length(rules));
	JsonObject *r = json_array_get_object_element(rules, 0);
	const char *want_rule[][2] = { { "id", "confidential" }, { "action", "hold" },
				       { "clause", "10.7" },
				       { "evidence", "marking \"CONFIDENTIAL\" in the subject" } };
	for (size_t i = 0; i < G_N_ELEMENTS(want_rule); i++)
		if (g_strcmp0(member_string(r, want_rule[i][0]), want_rule[i][1]) != 0)
			fail_msg("rules[0].%s: got %s, want %s", want_rule[i][0],
				 member_string(r, want_rule[i][0]), want_rule[i][1]);
	JsonArray *headers = json_object_get_array_member(o, "headers");
	if (json_array_get_length(headers) != 2 ||
	    g_strcmp0(member_string(json_array_get_object_element(headers, 0), "name"),
		      POLICY_RESULT_HEADER) != 0 ||
	    g_strcmp0(member_string(json_array_get_object_element(headers, 1), "name"),
		      "Council-Copied-To") != 0)
		fail_msg("headers: got %s, want the result header then Council-Copied-To", text);
	if (json_array_get_length(json_object_get_array_member(o, "footers")) != 0)
		fail_msg("footers: got %s, want []", text);
	if (!json_object_get_null_member(o, "reply") || !json_object_get_null_member(o, "error"))
		fail_msg("reply and error: got %s, want null", text);
	if (g_strcmp0(member_string(o, "hold_reason"),
		      "confidential briefing to a third party (protocol 10.7)") != 0)
		fail_msg("hold_reason: got %s", member_string(o, "hold_reason"));
	g_object_unref(parser);
	g_free(text);
	engine_result_free(&res);

	/* Reject: the reply, nothing added. */
	res = engine_run_verdict(f->engine, msg, v_reject(conf));
	text = engine_result_json(res);
	o = parse_json(text, &parser);
	JsonObject *reply = json_object_get_object_member(o, "reply");
	if (g_strcmp0(member_string(o, "action"), "reject") != 0 || reply == NULL ||
	    g_strcmp0(member_string(reply, "code"), "550") != 0 ||
	    g_strcmp0(member_string(reply, "xcode"), "5.7.1") != 0 ||
	    g_strcmp0(member_string(reply, "text"),
		      "Refused under protocol 14.3.\nAsk the Clerk instead.") != 0 ||
	    json_array_get_length(json_object_get_array_member(o, "headers")) != 0)
		fail_msg("reject JSON: got %s", text);
	g_object_unref(parser);
	g_free(text);
	engine_result_free(&res);

	engine_message_free(&msg);
}

static void test_summary(void **state)
{
	struct fixture *f = *state;
	const struct conf *conf = engine_conf(f->engine);
	static const char *const two[] = { "clerk@ashcombe-pc.gov.uk",
					   "cllr.jones@ashcombe-pc.gov.uk", NULL };
	struct engine_message *msg = test_message(f->engine, "messages/milter/plain-lf.eml",
						  "cllr.smith@ashcombe-pc.gov.uk", two);
	engine_message_set_auth(msg, "cllr.smith");

	struct policy_verdict *v = v_hold(conf);
	test_verdict_finding(v, CONF_RULE_SILENT_COPY, CONF_ACTION_ANNOTATE, "12.1", "blind copy");
	struct engine_result *res = engine_run_verdict(f->engine, msg, v);
	const char *want = "council=\"Ashcombe Parish Council\", from=<cllr.smith@ashcombe-pc.gov.uk>"
			   ", auth=cllr.smith, nrcpt=2, action=hold, rules=confidential/hold "
			   "silent-copy/annotate";
	if (strcmp(res->summary, want) != 0)
		fail_msg("summary:\ngot  %s\nwant %s", res->summary, want);
	engine_result_free(&res);
	engine_message_free(&msg);
}

/* The summary line names the parser limits a message ran into (by config
   key), so the log says when the rules saw only part of it. */
static void test_summary_limits(void **state)
{
	static const struct {
		const char *file;
		const char *want;	/* NULL: no limits= at all */
	} cases[] = {
		{ "messages/fault/nested-40-deep.eml", ", limits=max_depth" },
		{ "messages/milter/plain-lf.eml", NULL },
	};
	struct fixture *f = *state;
	static const char *const to[] = { "grounds@ashcombe-pc.gov.uk", NULL };

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct engine_message *msg = test_message(f->engine, cases[i].file,
							  "cllr.jones@ashcombe-pc.gov.uk", to);
		struct engine_result *res = engine_run(f->engine, msg);
		const char *got = strstr(res->summary, ", limits=");

		if (cases[i].want == NULL && got != NULL)
			fail_msg("%s: summary: got \"%s\", want no limits=", cases[i].file,
				 res->summary);
		if (cases[i].want != NULL && (got == NULL || !g_str_has_prefix(got, cases[i].want)))
			fail_msg("%s: summary: got \"%s\", want \"...%s\"", cases[i].file,
				 res->summary, cases[i].want);
		engine_result_free(&res);
		engine_message_free(&msg);
	}
}

/* The journal line is written directly, not through json-glib: it must be
   byte for byte what json-glib writes for the same values (tools parse it
   and hash it), escapes included. json-glib parses it and writes it again;
   the two must be the same. */
static void test_journal_line_as_json_glib(void **state)
{
	struct fixture *f = *state;
	const struct conf *conf = engine_conf(f->engine);
	static const char *const to[] = { "jo@auditors.example.co.uk", NULL };
	struct engine_message *msg = test_message(f->engine, "messages/milter/plain-lf.eml",
						  "cllr.smith@ashcombe-pc.gov.uk", to);
	struct policy_verdict *v = v_hold(conf);
	GString *every = g_string_new("every byte: ");
	JsonParser *parser = json_parser_new();
	JsonGenerator *gen = json_generator_new();
	GError *err = NULL;

	/* 0x01 to 0x7f but 0x1f, which json-glib writes as it is and then
	   refuses to read back; and some UTF-8 */
	for (int c = 1; c < 0x80; c++)
		if (c != 0x1f)
			g_string_append_c(every, (char)c);
	g_string_append(every, " caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\xa7 \\\" end");
	test_verdict_finding(v, CONF_RULE_MEMBER_INSTRUCTS_STAFF, CONF_ACTION_ANNOTATE,
			     "2.9 (with 4.6)", every->str);
	v->exceptions = g_new0(struct policy_exception, 1);
	v->n_exceptions = 1;
	v->exceptions[0].rule = CONF_RULE_CONFIDENTIAL;
	v->exceptions[0].exception = g_strdup("except_recipients \"@auditors.example.co.uk\"");
	v->exceptions[0].evidence = g_strdup("tab\there, newline\nthere");
	v->add_rcpts = g_new0(char *, 2);
	v->add_rcpts[0] = g_strdup("clerk@ashcombe-pc.gov.uk");
	v->n_add_rcpts = 1;

	struct engine_result *res = engine_run_verdict(f->engine, msg, v);
	const char *line = res->journal_line;

	if (strstr(line, "\\u0001") == NULL || strstr(line, "\\u007f") == NULL ||
	    strstr(line, "\\t") == NULL || strstr(line, "\"exceptions\":[{") == NULL ||
	    strstr(line, "\"rcpts_added\":[\"clerk@ashcombe-pc.gov.uk\"]") == NULL)
		fail_msg("journal line without the escapes or members it should have: %s", line);
	if (!json_parser_load_from_data(parser, line, -1, &err))
		fail_msg("journal line does not parse: %s\n%s", err->message, line);
	json_generator_set_root(gen, json_parser_get_root(parser));
	char *again = json_generator_to_data(gen, NULL);
	if (strcmp(again, line) != 0)
		fail_msg("journal line:\ngot  %s\njson-glib writes %s", line, again);
	g_free(again);
	g_object_unref(gen);
	g_object_unref(parser);
	g_string_free(every, TRUE);
	engine_result_free(&res);
	engine_message_free(&msg);
}

/* A finding an exception stopped is no finding: the action stands, and
   the judge's JSON, the journal line and the summary say what it stopped. */
static void test_exceptions_recorded(void **state)
{
	struct fixture *f = *state;
	const struct conf *conf = engine_conf(f->engine);
	static const char *const to[] = { "jo@auditors.example.co.uk", NULL };
	struct engine_message *msg = test_message(f->engine, "messages/milter/plain-lf.eml",
						  "clerk@ashcombe-pc.gov.uk", to);
	struct policy_verdict *v = test_verdict_new(conf, CONF_ACTION_NONE);
	struct engine_result *res;
	JsonParser *parser;
	JsonObject *o;
	JsonArray *a;
	char *text;

	v->exceptions = g_new0(struct policy_exception, 1);
	v->n_exceptions = 1;
	v->exceptions[0].rule = CONF_RULE_CONFIDENTIAL;
	v->exceptions[0].exception = g_strdup("except_recipients \"@auditors.example.co.uk\" "
					      "for jo@auditors.example.co.uk");
	v->exceptions[0].evidence = g_strdup("marking \"confidential\" in subject");
	res = engine_run_verdict(f->engine, msg, v);
	if (strcmp(engine_result_action(res), "accept") != 0 || res->ops == NULL)
		fail_msg("action: got %s, want accept", engine_result_action(res));
	if (strstr(res->summary, ", excepted=confidential") == NULL)
		fail_msg("summary: got \"%s\", want \", excepted=confidential\"", res->summary);

	const char *lines[] = { "json", "journal" };
	for (size_t k = 0; k < G_N_ELEMENTS(lines); k++) {
		text = k == 0 ? engine_result_json(res) : g_strdup(res->journal_line);
		o = parse_json(text, &parser);
		a = json_object_has_member(o, "exceptions") ?
			json_object_get_array_member(o, "exceptions") : NULL;
		if (a == NULL || json_array_get_length(a) != 1)
			fail_msg("%s: got %s, want one entry in exceptions", lines[k], text);
		JsonObject *x = json_array_get_object_element(a, 0);
		if (g_strcmp0(member_string(x, k == 0 ? "id" : "rule"), "confidential") != 0 ||
		    g_strcmp0(member_string(x, "exception"),
			      "except_recipients \"@auditors.example.co.uk\" for "
			      "jo@auditors.example.co.uk") != 0 ||
		    g_strcmp0(member_string(x, "evidence"),
			      "marking \"confidential\" in subject") != 0)
			fail_msg("%s: got %s, want the exception, its rule and its evidence",
				 lines[k], text);
		a = json_object_get_array_member(o, k == 0 ? "rules" : "findings");
		if (json_array_get_length(a) != 0)
			fail_msg("%s: got %s, want no finding", lines[k], text);
		g_object_unref(parser);
		g_free(text);
	}
	engine_result_free(&res);

	/* None: an empty list for the judge, nothing in the journal line. */
	res = engine_run_verdict(f->engine, msg, test_verdict_new(conf, CONF_ACTION_NONE));
	text = engine_result_json(res);
	o = parse_json(text, &parser);
	if (json_array_get_length(json_object_get_array_member(o, "exceptions")) != 0)
		fail_msg("judge JSON: got %s, want \"exceptions\": []", text);
	g_object_unref(parser);
	g_free(text);
	if (strstr(res->journal_line, "exceptions") != NULL || strstr(res->summary, "excepted"))
		fail_msg("journal: got %s, want no exceptions", res->journal_line);
	engine_result_free(&res);
	engine_message_free(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_render),
		cmocka_unit_test(test_load_no_blank_line),
		cmocka_unit_test(test_load_header_end),
		cmocka_unit_test(test_late_header),
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_text_for_people),
		cmocka_unit_test(test_render_ops),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_exceptions_recorded),
		cmocka_unit_test(test_journal_line_as_json_glib),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_limits),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	parser_shutdown();
	return failed;
}
