/* The libmilter callbacks, driven through a fake seam: negotiation, the
   connection/message context pair across several messages, what reaches
   the MTA at end of message, errors, and config pinning across a reload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "audit/audit.h"
#include "helpers.h"
#include "milter/callbacks.h"
#include "milter/generation.h"
#include "milter/log.h"
#include "milter/metrics.h"
#include "milter/notify.h"
#include "milter/seam.h"
#include "parser/parser.h"

/* A fake MTA connection: the private pointer, the macros, and a record of
   every call the callbacks made. */
struct fake_ctx {
	void *priv;
	const char *queue_id;		/* macro i */
	const char *auth;		/* macro {auth_authen} */
	int fail_kind;			/* -1: none; else this call fails */
	GString *calls;			/* "insheader 0 Council-Policy-Results\n" ... */
	GString *body;			/* replacebody chunks, joined */
	char *inserted;			/* value of the last insheader */
	char *reply;			/* the last setreply: "code xcode text" */
	char *result_written;		/* the last value written to our result
					   header (insheader or chgheader) */
	unsigned body_chunks;
	int max_chunk;
};

enum { CALL_ADDHEADER, CALL_INSHEADER, CALL_CHGHEADER, CALL_QUARANTINE, CALL_ADDRCPT };

static GString *log_lines;

static struct fake_ctx *fake(SMFICTX *ctx)
{
	return (struct fake_ctx *)ctx;
}

static void *f_getpriv(SMFICTX *ctx) { return fake(ctx)->priv; }
static int f_setpriv(SMFICTX *ctx, void *p) { fake(ctx)->priv = p; return MI_SUCCESS; }

static char *f_getsymval(SMFICTX *ctx, char *name)
{
	if (strcmp(name, "i") == 0 || strcmp(name, "{i}") == 0)
		return (char *)fake(ctx)->queue_id;
	if (strcmp(name, "{auth_authen}") == 0)
		return (char *)fake(ctx)->auth;
	return NULL;
}

static int f_setsymlist(SMFICTX *ctx, int stage, char *macros)
{
	g_string_append_printf(fake(ctx)->calls, "setsymlist %d %s\n", stage, macros);
	return MI_SUCCESS;
}

static int record(SMFICTX *ctx, int kind, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static int record(SMFICTX *ctx, int kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_string_append_vprintf(fake(ctx)->calls, fmt, ap);
	va_end(ap);
	g_string_append_c(fake(ctx)->calls, '\n');
	return fake(ctx)->fail_kind == kind ? MI_FAILURE : MI_SUCCESS;
}

static int f_addheader(SMFICTX *ctx, char *name, char *value)
{
	return record(ctx, CALL_ADDHEADER, "addheader %s", name);
}

static int f_chgheader(SMFICTX *ctx, char *name, int index, char *value)
{
	if (value != NULL && strcmp(name, "Council-Policy-Results") == 0 &&
	    fake(ctx)->fail_kind != CALL_CHGHEADER) {
		g_free(fake(ctx)->result_written);
		fake(ctx)->result_written = g_strdup(value);
	}
	return record(ctx, CALL_CHGHEADER, "chgheader %s %d %s", name, index,
		      value == NULL ? "(delete)" : "(change)");
}

static int f_insheader(SMFICTX *ctx, int index, char *name, char *value)
{
	g_free(fake(ctx)->inserted);
	fake(ctx)->inserted = g_strdup(value);
	if (strcmp(name, "Council-Policy-Results") == 0 &&
	    fake(ctx)->fail_kind != CALL_INSHEADER) {
		g_free(fake(ctx)->result_written);
		fake(ctx)->result_written = g_strdup(value);
	}
	return record(ctx, CALL_INSHEADER, "insheader %d %s", index, name);
}

static int f_addrcpt(SMFICTX *ctx, char *rcpt)
{
	return record(ctx, CALL_ADDRCPT, "addrcpt %s", rcpt);
}

static int f_replacebody(SMFICTX *ctx, unsigned char *chunk, int len)
{
	g_string_append_len(fake(ctx)->body, (const char *)chunk, len);
	fake(ctx)->body_chunks++;
	fake(ctx)->max_chunk = MAX(fake(ctx)->max_chunk, len);
	return MI_SUCCESS;
}

static int f_quarantine(SMFICTX *ctx, char *reason)
{
	return record(ctx, CALL_QUARANTINE, "quarantine %s", reason);
}

static int f_setreply(SMFICTX *ctx, const char *code, const char *xcode, const char *text)
{
	g_string_append_printf(fake(ctx)->calls, "setreply %s %s\n", code, xcode);
	g_free(fake(ctx)->reply);
	fake(ctx)->reply = g_strdup_printf("%s %s %s", code, xcode, text);
	return MI_SUCCESS;
}

static const struct milter_seam fake_seam = {
	.getpriv = f_getpriv, .setpriv = f_setpriv, .getsymval = f_getsymval,
	.setsymlist = f_setsymlist, .addheader = f_addheader, .chgheader = f_chgheader,
	.insheader = f_insheader, .addrcpt = f_addrcpt, .replacebody = f_replacebody,
	.quarantine = f_quarantine, .setreply = f_setreply,
};

/* Notices are reported from their reaper threads, two at once after a
   hold: without the lock, one line could be lost. */
static GMutex log_lock;

static void log_hook(int priority, const char *line)
{
	g_mutex_lock(&log_lock);
	g_string_append_printf(log_lines, "%s\n", line);
	g_mutex_unlock(&log_lock);
}

/* Start the log afresh: first wait for the notices of earlier holds, whose
   reaper threads would otherwise log into the next case's lines. */
static void log_clear(void)
{
	milter_notify_shutdown();
	g_mutex_lock(&log_lock);
	g_string_truncate(log_lines, 0);
	g_mutex_unlock(&log_lock);
}

static void fake_init(struct fake_ctx *c, const char *queue_id)
{
	memset(c, 0, sizeof(*c));
	c->queue_id = queue_id;
	c->fail_kind = -1;
	c->calls = g_string_new(NULL);
	c->body = g_string_new(NULL);
}

static void fake_clear(struct fake_ctx *c)
{
	g_string_free(c->calls, TRUE);
	g_string_free(c->body, TRUE);
	g_free(c->inserted);
	g_free(c->reply);
	g_free(c->result_written);
}

struct fixture {
	char *root;
};

static int setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);
	const char *error;

	f->root = test_tmpdir();
	struct conf *conf = test_conf("unit", f->root, NULL);
	if (milter_gen_install(conf, &error) < 0)
		fail_msg("milter_gen_install: %s", error);
	conf_unref(&conf);
	milter_seam = &fake_seam;
	log_lines = g_string_new(NULL);
	milter_log_set_hook(log_hook);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f == NULL)
		return 0;
	milter_log_set_hook(NULL);
	g_string_free(log_lines, TRUE);
	milter_gen_shutdown();
	test_rmdir(&f->root);
	g_free(f);
	return 0;
}

/* Feed a fixture as an MTA would: MAIL, RCPTs, each header, the body in
   chunks of CHUNK bytes, then end of message. Returns eom's status. */
static sfsistat feed_more(SMFICTX *ctx, const char *fixture, const char *from,
			  const char *const *rcpts, size_t chunk, const GString *extra_body);

static sfsistat feed(SMFICTX *ctx, const char *fixture, const char *from,
		     const char *const *rcpts, size_t chunk)
{
	return feed_more(ctx, fixture, from, rcpts, chunk, NULL);
}

/* feed a message in DATA (changed in place). */
static sfsistat feed_data(SMFICTX *ctx, char *data, const char *from,
			  const char *const *rcpts, size_t chunk, const GString *extra_body);

/* feed, with EXTRA_BODY (may be NULL) after the fixture's body. */
static sfsistat feed_more(SMFICTX *ctx, const char *fixture, const char *from,
			  const char *const *rcpts, size_t chunk, const GString *extra_body)
{
	char *data = test_read(fixture, NULL);
	sfsistat ret = feed_data(ctx, data, from, rcpts, chunk, extra_body);

	g_free(data);
	return ret;
}

/* feed a message from PATH (not a fixture). */
static sfsistat feed_abs(SMFICTX *ctx, const char *path, const char *from,
			 const char *const *rcpts, size_t chunk)
{
	char *data;

	if (!g_file_get_contents(path, &data, NULL, NULL))
		fail_msg("cannot read %s", path);
	sfsistat ret = feed_data(ctx, data, from, rcpts, chunk, NULL);
	g_free(data);
	return ret;
}

static sfsistat feed_data(SMFICTX *ctx, char *data, const char *from,
			  const char *const *rcpts, size_t chunk, const GString *extra_body)
{
	char *argv[2] = { NULL, NULL };
	char *head_end = strstr(data, "\n\n");

	argv[0] = g_strdup_printf("<%s>", from);
	assert_int_equal(milter_envfrom(ctx, argv), SMFIS_CONTINUE);
	g_free(argv[0]);
	for (; *rcpts != NULL; rcpts++) {
		argv[0] = g_strdup_printf("<%s>", *rcpts);
		assert_int_equal(milter_envrcpt(ctx, argv), SMFIS_CONTINUE);
		g_free(argv[0]);
	}
	/* One milter_header per field, folds kept as "\n<blank>" as Postfix
	   sends them. */
	*head_end = '\0';
	char **lines = g_strsplit(data, "\n", -1);
	GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
	for (char **l = lines; *l != NULL; l++) {
		if ((**l == ' ' || **l == '\t') && fields->len > 0) {
			char *prev = fields->pdata[fields->len - 1];
			fields->pdata[fields->len - 1] = g_strconcat(prev, "\n", *l, NULL);
			g_free(prev);
		} else {
			g_ptr_array_add(fields, g_strdup(*l));
		}
	}
	for (guint i = 0; i < fields->len; i++) {
		char *field = fields->pdata[i];
		char *colon = strchr(field, ':');
		assert_non_null(colon);
		*colon = '\0';
		assert_int_equal(milter_header(ctx, field, colon + 1 + strspn(colon + 1, " \t")),
				 SMFIS_CONTINUE);
	}
	g_ptr_array_unref(fields);
	g_strfreev(lines);
	GString *body = g_string_new(head_end + 2);
	if (extra_body != NULL)
		g_string_append_len(body, extra_body->str, extra_body->len);
	for (size_t off = 0; off < body->len; off += chunk)
		assert_int_equal(milter_body(ctx, (unsigned char *)body->str + off,
					     MIN(chunk, body->len - off)), SMFIS_CONTINUE);
	g_string_free(body, TRUE);
	return milter_eom(ctx);
}

static const char *const to_clerk[] = { "clerk@ashcombe-pc.gov.uk", NULL };

static void test_negotiate(void **state)
{
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;
	unsigned long p0, p1, p2, p3;
	static const unsigned long all = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY |
		SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_QUARANTINE | SMFIF_CHGFROM |
		SMFIF_SETSYMLIST;
	static const unsigned long steps = 0x1fffff;

	/* Everything offered: exactly our actions, the steps we skip, our macros. */
	fake_init(&c, NULL);
	assert_int_equal(milter_negotiate(ctx, all, steps, 0, 0, &p0, &p1, &p2, &p3),
			 SMFIS_CONTINUE);
	if (p0 != (MILTER_ACTIONS | SMFIF_SETSYMLIST))
		fail_msg("actions: got 0x%lx, want 0x%lx", p0,
			 (unsigned long)(MILTER_ACTIONS | SMFIF_SETSYMLIST));
	if (p1 != MILTER_SKIP_STEPS)
		fail_msg("steps: got 0x%lx, want 0x%lx", p1, (unsigned long)MILTER_SKIP_STEPS);
	char *want = g_strdup_printf("setsymlist %d i {auth_authen}\nsetsymlist %d i\n",
				     SMFIM_ENVFROM, SMFIM_EOM);
	if (strcmp(c.calls->str, want) != 0)
		fail_msg("macros asked for:\ngot  %swant %s", c.calls->str, want);
	g_free(want);
	fake_clear(&c);

	/* An MTA that cannot quarantine: refused, and the log says what is missing. */
	fake_init(&c, NULL);
	log_clear();
	assert_int_equal(milter_negotiate(ctx, all & ~SMFIF_QUARANTINE, steps, 0, 0,
					  &p0, &p1, &p2, &p3), SMFIS_REJECT);
	if (strstr(log_lines->str, "quarantine") == NULL)
		fail_msg("log: got \"%s\", want it to name quarantine", log_lines->str);
	fake_clear(&c);
}

/* Two messages on one connection (Postfix reuses it): each gets its own
   state and its own operations; the log lines start with the queue id. */
static void test_two_messages(void **state)
{
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;

	fake_init(&c, "4AB12C3D");
	c.auth = "cllr.smith";
	log_clear();
	assert_int_equal(feed(ctx, "messages/milter/forged-result-header.eml",
			      "m.wood@example.org", to_clerk, 7), SMFIS_CONTINUE);
	const char *want1 = "chgheader Council-Policy-Results 2 (delete)\n"
			    "chgheader Council-Policy-Results 1 (delete)\n"
			    "chgheader Council-Policy-Copied-To 1 (delete)\n"
			    "insheader 0 Council-Policy-Results\n";
	if (strcmp(c.calls->str, want1) != 0)
		fail_msg("first message:\ngot  %swant %s", c.calls->str, want1);

	g_string_truncate(c.calls, 0);
	c.queue_id = "5BC23D4E";
	assert_int_equal(feed(ctx, "messages/demo/01-clean-clerk-replies-to-resident.eml",
			      "clerk@ashcombe-pc.gov.uk", to_clerk, 4096), SMFIS_CONTINUE);
	const char *want2 = "insheader 0 Council-Policy-Results\n";
	if (strcmp(c.calls->str, want2) != 0)
		fail_msg("second message:\ngot  %swant %s", c.calls->str, want2);

	char **lines = g_strsplit(log_lines->str, "\n", -1);
	if (g_strv_length(lines) != 3 ||
	    !g_str_has_prefix(lines[0], "4AB12C3D: council=") ||
	    strstr(lines[0], "from=<m.wood@example.org>, auth=cllr.smith, nrcpt=1") == NULL ||
	    !g_str_has_prefix(lines[1], "5BC23D4E: council="))
		fail_msg("log lines:\ngot  %swant one line per message starting with its "
			 "queue id", log_lines->str);
	g_strfreev(lines);
	assert_int_equal(milter_close(ctx), SMFIS_CONTINUE);
	assert_null(c.priv);
	fake_clear(&c);
}

/* MAIL twice without end of message, abort, close mid-message: no state
   leaks from one message into the next (and nothing leaks under ASan). */
static void test_leftovers(void **state)
{
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;
	char *argv[] = { "<a@example.org>", NULL };
	char *rcpt[] = { "<b@example.org>", NULL };

	fake_init(&c, "6CD34E5F");
	assert_int_equal(milter_envfrom(ctx, argv), SMFIS_CONTINUE);
	assert_int_equal(milter_envrcpt(ctx, rcpt), SMFIS_CONTINUE);
	assert_int_equal(milter_header(ctx, "Council-Policy-Results", "forged"), SMFIS_CONTINUE);
	assert_int_equal(milter_abort(ctx), SMFIS_CONTINUE);
	assert_int_equal(milter_envfrom(ctx, argv), SMFIS_CONTINUE);
	assert_int_equal(milter_header(ctx, "Council-Policy-Results", "forged"), SMFIS_CONTINUE);
	/* MAIL again: the forged header above belongs to a message never finished. */
	log_clear();
	assert_int_equal(feed(ctx, "messages/demo/01-clean-clerk-replies-to-resident.eml",
			      "clerk@ashcombe-pc.gov.uk", to_clerk, 100), SMFIS_CONTINUE);
	if (strcmp(c.calls->str, "insheader 0 Council-Policy-Results\n") != 0)
		fail_msg("after leftovers: got\n%swant only our header inserted", c.calls->str);
	if (strstr(log_lines->str, "nrcpt=1,") == NULL)
		fail_msg("after leftovers: got \"%s\", want nrcpt=1", log_lines->str);
	assert_int_equal(milter_envfrom(ctx, argv), SMFIS_CONTINUE);
	assert_int_equal(milter_close(ctx), SMFIS_CONTINUE);
	assert_null(c.priv);
	fake_clear(&c);
}

/* The last line of the daemon's journal (ROOT/journal.jsonl). */
static char *last_journal_line(const struct fixture *f)
{
	char *path = g_build_filename(f->root, "journal.jsonl", NULL), *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("cannot read %s", path);
	char **lines = g_strsplit(g_strchomp(text), "\n", -1);
	guint n = g_strv_length(lines);
	char *last = g_strdup(n > 0 ? lines[n - 1] : "");
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return last;
}

/* The MTA refuses an operation: the message is not passed on half-done. */
static void test_mta_refuses(void **state)
{
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;

	fake_init(&c, "7DE45F60");
	c.fail_kind = CALL_INSHEADER;
	log_clear();
	assert_int_equal(feed(ctx, "messages/milter/plain-lf.eml",
			      "cllr.smith@ashcombe-pc.gov.uk", to_clerk, 64), SMFIS_TEMPFAIL);
	if (strstr(c.calls->str, "setreply 451 4.3.0") == NULL)
		fail_msg("reply: got\n%swant setreply 451 4.3.0", c.calls->str);
	if (strstr(log_lines->str, "7DE45F60: the MTA refused to add a header") == NULL)
		fail_msg("log: got \"%s\", want the refusal with the queue id", log_lines->str);
	/* The journal's decision line is followed by what really happened. */
	char *last = last_journal_line(*state);
	if (strstr(last, "\"event\":\"mta-refused\"") == NULL ||
	    strstr(last, "\"queue_id\":\"7DE45F60\"") == NULL ||
	    strstr(last, "\"action\":\"tempfail\"") == NULL)
		fail_msg("journal: got %s, want the refusal and the tempfail", last);
	g_free(last);
	milter_close(ctx);
	fake_clear(&c);
}

/* Callbacks out of order (no MAIL first): on_error's answer, never a crash. */
static void test_out_of_order(void **state)
{
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;
	char *rcpt[] = { "<b@example.org>", NULL };

	fake_init(&c, NULL);
	assert_int_equal(milter_envrcpt(ctx, rcpt), SMFIS_TEMPFAIL);
	assert_int_equal(milter_eom(ctx), SMFIS_TEMPFAIL);
	assert_int_equal(milter_close(ctx), SMFIS_CONTINUE);
	fake_clear(&c);
}

/* A connection keeps the config it started with; a reload serves only new
   connections, and the old config lives until its last connection ends. */
static void test_reload_pinning(void **state)
{
	struct fixture *f = *state;
	struct fake_ctx old_c, new_c;
	SMFICTX *old_ctx = (SMFICTX *)&old_c, *new_ctx = (SMFICTX *)&new_c;
	char *argv[] = { "<clerk@ashcombe-pc.gov.uk>", NULL };
	const char *error;

	fake_init(&old_c, "8EF56071");
	fake_init(&new_c, "9F067182");
	assert_int_equal(milter_envfrom(old_ctx, argv), SMFIS_CONTINUE);	/* pins "unit" */

	struct conf *conf = test_conf("limits", f->root, "ON_ERROR", "tempfail", NULL);
	if (milter_gen_install(conf, &error) < 0)
		fail_msg("milter_gen_install: %s", error);
	conf_unref(&conf);

	log_clear();
	feed(old_ctx, "messages/milter/plain-lf.eml", "cllr.smith@ashcombe-pc.gov.uk", to_clerk,
	     512);
	feed(new_ctx, "messages/milter/plain-lf.eml", "cllr.smith@ashcombe-pc.gov.uk", to_clerk,
	     512);
	/* Each result header names the authserv-id of the config its
	   connection started with. */
	if (!g_str_has_prefix(old_c.inserted, "unit.council.invalid;"))
		fail_msg("old connection: got \"%s\", want the config it started with "
			 "(unit.council.invalid)", old_c.inserted);
	if (!g_str_has_prefix(new_c.inserted, "limits.council.invalid;"))
		fail_msg("new connection: got \"%s\", want the reloaded config "
			 "(limits.council.invalid)", new_c.inserted);
	milter_close(old_ctx);
	milter_close(new_ctx);
	fake_clear(&old_c);
	fake_clear(&new_c);
}

/* Install the config NAME (tests/support/NAME.conf.in) for new connections. */
static void install(struct fixture *f, const char *name, const char *on_error)
{
	struct conf *conf = test_conf(name, f->root, "ON_ERROR", on_error, NULL);
	const char *error;

	if (milter_gen_install(conf, &error) < 0)
		fail_msg("milter_gen_install: %s", error);
	conf_unref(&conf);
}

/* What the MTA is told for each kind of verdict: hold (policy's own, on a
   confidential briefing sent outside), reject (the same rule set to reject:
   the policy's reply), and the limits under each on_error. */
static void test_verdicts_to_mta(void **state)
{
	struct fixture *f = *state;
	static const char *const outside[] = { "d.ferris@example.net", NULL };
	static const char *const three[] = { "a@example.org", "b@example.org", "c@example.org",
					     NULL };
	static const struct {
		const char *conf, *on_error;
		const char *const *rcpts;
		sfsistat status;
		const char *call;	/* a call the MTA must see */
		const char *log;	/* in the log line */
	} cases[] = {
		{ "unit", "", outside, SMFIS_CONTINUE, "quarantine ", "held for review: " },
		{ "strict", "", outside, SMFIS_REJECT, "setreply 550 5.7.1", "action=reject" },
		{ "limits", "tempfail", three, SMFIS_TEMPFAIL, "setreply 451 4.3.0",
		  "max_recipients" },
		{ "limits", "reject", three, SMFIS_REJECT, "setreply 550 5.7.1", "max_recipients" },
		{ "limits", "accept", three, SMFIS_CONTINUE, "insheader 0 Council-Policy-Results",
		  "max_recipients" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fake_ctx c;
		SMFICTX *ctx = (SMFICTX *)&c;

		install(f, cases[i].conf, cases[i].on_error);
		fake_init(&c, "A0178293");
		log_clear();
		sfsistat got = feed(ctx, "messages/demo/04-confidential-briefing-forwarded-to-"
				    "resident.eml", "cllr.jones@ashcombe-pc.gov.uk",
				    cases[i].rcpts, 1000);
		if (got != cases[i].status)
			fail_msg("case %zu (%s %s): status: got %d, want %d", i, cases[i].conf,
				 cases[i].on_error, got, cases[i].status);
		if (strstr(c.calls->str, cases[i].call) == NULL)
			fail_msg("case %zu: MTA calls:\ngot  %swant [%s]", i, c.calls->str,
				 cases[i].call);
		if (strstr(log_lines->str, cases[i].log) == NULL ||
		    !g_str_has_prefix(log_lines->str, "A0178293: "))
			fail_msg("case %zu: log: got \"%s\", want a line starting with the queue "
				 "id naming [%s]", i, log_lines->str, cases[i].log);
		milter_close(ctx);
		fake_clear(&c);
	}
}

/* What the daemon answered: "status; reply; result header written" (the
   header only when the message goes on: refused or deferred, it is not
   kept). */
static char *daemon_answer(sfsistat status, const struct fake_ctx *c)
{
	const char *name = status == SMFIS_REJECT ? "reject" : status == SMFIS_TEMPFAIL ?
		"tempfail" : status == SMFIS_CONTINUE ? "continue" : "other";
	const char *header = status == SMFIS_CONTINUE && c->result_written != NULL ?
		c->result_written : "none";

	return g_strdup_printf("%s; reply %s; header %s", name, c->reply != NULL ? c->reply :
			       "none", header);
}

/* One on_error path: for every on_error value, the judge (engine_run, as
   --judge runs it, on a message over limits.max_recipients) and the daemon
   give the same answer, with the same reply and the same "not judged"
   result header, whether the daemon's error is the same limit, a protocol
   out of step (end of message before MAIL), or the MTA refusing to hold. */
static void test_on_error_agree(void **state)
{
	struct fixture *f = *state;
	static const char *const three[] = { "a@example.org", "b@example.org", "c@example.org",
					     NULL };
	static const char *const outside[] = { "d.ferris@example.net", NULL };
	static const char *const values[] = { "tempfail", "reject", "accept" };
	const char *fixture = "messages/demo/04-confidential-briefing-forwarded-to-resident.eml";
	const char *from = "cllr.jones@ashcombe-pc.gov.uk";

	for (size_t v = 0; v < G_N_ELEMENTS(values); v++) {
		/* The judge. */
		struct conf *conf = test_conf("limits", f->root, "ON_ERROR", values[v], NULL);
		struct engine *judge;
		const char *error;
		if (engine_new(conf, true, false, &judge, &error) < 0)
			fail_msg("engine_new: %s", error);
		conf_unref(&conf);
		struct engine_message *msg = test_message(judge, fixture, from, three);
		struct engine_result *res = engine_run(judge, msg);
		const char *header = NULL;
		for (size_t i = 0; i < res->n_ops; i++)
			if (res->ops[i].kind == ENGINE_OP_INSERT_HEADER &&
			    strcmp(res->ops[i].name, "Council-Policy-Results") == 0)
				header = res->ops[i].value;
		char *reply = res->reply_code != NULL ? g_strdup_printf("%s %s %s",
			res->reply_code, res->reply_xcode, res->reply_text) : g_strdup("none");
		const char *status = res->status == ENGINE_REJECT ? "reject" :
			res->status == ENGINE_TEMPFAIL ? "tempfail" : "continue";
		char *want = g_strdup_printf("%s; reply %s; header %s", status, reply,
					     header != NULL ? header : "none");
		g_free(reply);
		engine_result_free(&res);
		engine_message_free(&msg);
		engine_free(&judge);

		/* The daemon, three ways to the same error answer. */
		install(f, "limits", values[v]);
		for (int way = 0; way < 3; way++) {
			struct fake_ctx c;
			SMFICTX *ctx = (SMFICTX *)&c;
			sfsistat got;

			fake_init(&c, "C2390415");
			log_clear();
			if (way == 0) {
				got = feed(ctx, fixture, from, three, 1000);
			} else if (way == 1) {
				got = milter_eom(ctx);
			} else {
				c.fail_kind = CALL_QUARANTINE;
				got = feed(ctx, fixture, from, outside, 1000);
			}
			char *answer = daemon_answer(got, &c);
			if (strcmp(answer, want) != 0)
				fail_msg("on_error = %s, daemon %s:\ngot  %s\nwant %s "
					 "(the judge's)", values[v], way == 0 ? "over the limit" :
					 way == 1 ? "out of step" : "refused the hold", answer, want);
			g_free(answer);
			milter_close(ctx);
			fake_clear(&c);
		}
		g_free(want);
	}
}

/* The descriptor this process has open on PATH, or -1. */
static int fd_open_on(const char *path)
{
	GDir *d = g_dir_open("/proc/self/fd", 0, NULL);
	const char *name;
	int found = -1;

	while (d != NULL && found < 0 && (name = g_dir_read_name(d)) != NULL) {
		char *link = g_strdup_printf("/proc/self/fd/%s", name);
		char *target = g_file_read_link(link, NULL);
		if (g_strcmp0(target, path) == 0)
			found = atoi(name);
		g_free(target);
		g_free(link);
	}
	if (d != NULL)
		g_dir_close(d);
	return found;
}

/* The thread store cannot be written while a confidential message is
   judged (its file now a full disk): the message is still held, and the
   log says so with the queue id, as the journal does. */
static void test_store_write_failure(void **state)
{
	struct fixture *f = *state;
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;
	static const char *const outside[] = { "d.ferris@example.net", NULL };
	char *store = g_build_filename(f->root, "threads", NULL);

	install(f, "unit", "");
	int fd = fd_open_on(store);
	if (fd < 0)
		fail_msg("the thread store %s is not open", store);
	int saved = dup(fd), full = open("/dev/full", O_WRONLY | O_CLOEXEC);
	assert_true(saved >= 0 && full >= 0 && dup2(full, fd) == fd);

	fake_init(&c, "E3401526");
	log_clear();
	sfsistat got = feed(ctx, "messages/demo/04-confidential-briefing-forwarded-to-resident.eml",
			    "cllr.jones@ashcombe-pc.gov.uk", outside, 1000);
	assert_true(dup2(saved, fd) == fd);
	close(saved);
	close(full);

	if (got != SMFIS_CONTINUE || strstr(c.calls->str, "quarantine ") == NULL)
		fail_msg("verdict: got %d with calls\n%swant it held all the same", got,
			 c.calls->str);
	char *want = g_strdup_printf("E3401526: thread store %s: write: No space left on device",
				     store);
	if (strstr(log_lines->str, want) == NULL ||
	    strstr(log_lines->str, "thread store=not written") == NULL)
		fail_msg("log: got\n%swant [%s] and the summary saying so", log_lines->str, want);
	char *last = last_journal_line(*state);
	if (strstr(last, "\"thread_store_error\":\"thread store ") == NULL)
		fail_msg("journal: got %s, want the store's error in the decision line", last);
	g_free(last);
	g_free(want);
	g_free(store);
	milter_close(ctx);
	fake_clear(&c);
}

/* A footer on a large message reaches the MTA as a new body in chunks of at
   most 64 KiB (smfi_replacebody), with the notice in it. */
static void test_replace_body_chunks(void **state)
{
	struct fixture *f = *state;
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;
	static const char *const bcc[] = { "clerk@ashcombe-pc.gov.uk",
					   "cllr.jones@ashcombe-pc.gov.uk", NULL };
	GString *minutes = g_string_new(NULL);

	install(f, "unit", "");
	for (int i = 0; i < 3000; i++)
		g_string_append_printf(minutes, "Minute %04d: the council noted the report.\r\n", i);
	fake_init(&c, "B1289304");
	assert_int_equal(feed_more(ctx, "messages/demo/02-councillor-blind-copies-councillor.eml",
				   "cllr.smith@ashcombe-pc.gov.uk", bcc, 65536, minutes),
			 SMFIS_CONTINUE);
	if (c.body_chunks < 2 || c.max_chunk > MILTER_BODY_CHUNK)
		fail_msg("replacebody: got %u chunks of at most %d bytes, want at least 2 of at "
			 "most %d", c.body_chunks, c.max_chunk, MILTER_BODY_CHUNK);
	if (strstr(c.body->str, PARSER_FOOTER_BEGIN) == NULL ||
	    strstr(c.body->str, "Ann Jones") == NULL ||
	    strstr(c.body->str, "Minute 2999:") == NULL)
		fail_msg("new body: got %zu bytes without the notice naming Ann Jones or the "
			 "last minute", c.body->len);
	milter_close(ctx);
	fake_clear(&c);
	g_string_free(minutes, TRUE);
}

/* A hold is followed by two notices through sendmail (the fake): to the
   author, and to review_to with the review command; both marked. Fed back
   from the null sender, a notice passes unjudged: the only call is the
   marker's removal. */
static void test_hold_notices(void **state)
{
	struct fixture *f = *state;
	static const char *const outside[] = { "d.ferris@example.net", NULL };
	static const char *const to_author[] = { "cllr.jones@ashcombe-pc.gov.uk", NULL };
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;
	char *sendmail = test_fake_sendmail(f->root);

	install(f, "unit", "");
	fake_init(&c, "C23A4B5D");
	log_clear();
	assert_int_equal(feed(ctx, "messages/demo/04-confidential-briefing-forwarded-to-"
			      "resident.eml", "cllr.jones@ashcombe-pc.gov.uk", outside, 1000),
			 SMFIS_CONTINUE);
	milter_notify_shutdown();	/* the notices are sent in the background */
	GPtrArray *sent = test_sent(f->root);
	if (sent->len != 2)
		fail_msg("notices: got %u, want 2 (author, review_to); log:\n%s", sent->len,
			 log_lines->str);
	static const struct {
		const char *to, *says;
	} want[] = {	/* sorted by recipient */
		{ "clerk@ashcombe-pc.gov.uk", "sudo council-review show C23A4B5D" },
		{ "cllr.jones@ashcombe-pc.gov.uk", "has not been delivered yet" },
	};
	for (guint i = 0; i < sent->len; i++) {
		JsonObject *o = sent->pdata[i];
		JsonArray *argv = json_object_get_array_member(o, "argv");
		const char *to = json_array_get_string_element(argv, json_array_get_length(argv) - 1);
		const char *text = json_object_get_string_member(o, "stdin");
		if (strcmp(to, want[i].to) != 0 || strstr(text, want[i].says) == NULL ||
		    strstr(text, "\nCouncil-Policy-Notice: v2 ") == NULL)
			fail_msg("notice %u: got one to %s:\n%s\nwant one to %s, marked, saying [%s]",
				 i, to, text, want[i].to, want[i].says);
		char *line = g_strdup_printf("C23A4B5D: notice of the hold to %s<%s>: handed to "
					     "sendmail", i == 1 ? "its author " : "", want[i].to);
		if (strstr(log_lines->str, line) == NULL)
			fail_msg("log: got\n%swant [%s]", log_lines->str, line);
		g_free(line);
	}
	milter_close(ctx);
	fake_clear(&c);

	/* The author's notice, as Postfix's pickup would hand it back to us. */
	char *path = g_build_filename(f->root, "notice.eml", NULL);
	const char *text = json_object_get_string_member(sent->pdata[1], "stdin");
	assert_true(g_file_set_contents(path, text, -1, NULL));
	fake_init(&c, "D34B5C6E");
	log_clear();
	assert_int_equal(feed_abs(ctx, path, "", to_author, 4096), SMFIS_CONTINUE);
	if (strcmp(c.calls->str, "chgheader Council-Policy-Notice 1 (delete)\n") != 0 ||
	    strstr(log_lines->str, "notice=ours") == NULL)
		fail_msg("own notice: got calls\n%sand log %s\nwant only the marker removed",
			 c.calls->str, log_lines->str);
	milter_notify_shutdown();
	GPtrArray *again = test_sent(f->root);
	assert_int_equal(again->len, 2);	/* a notice never causes another */
	g_ptr_array_free(again, TRUE);
	milter_close(ctx);
	fake_clear(&c);

	/* No notice when the hold did not happen (the MTA refused to
	   quarantine, and on_error = accept passed the message on), nor with
	   notify = false. */
	static const struct {
		const char *conf;
		int fail_kind;
		sfsistat status;
	} quiet[] = {
		{ "limits", CALL_QUARANTINE, SMFIS_CONTINUE },
		{ "journal", -1, SMFIS_CONTINUE },	/* notify = false */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(quiet); i++) {
		char *journal = g_build_filename(f->root, "journal.jsonl", NULL);
		struct conf *conf = test_conf(quiet[i].conf, f->root, "JOURNAL", journal,
					      "FAILURE", "tempfail", "NOTIFY", "false",
					      "ON_ERROR", "accept", NULL);
		const char *error;
		if (milter_gen_install(conf, &error) < 0)
			fail_msg("milter_gen_install: %s", error);
		conf_unref(&conf);
		g_free(journal);
		fake_init(&c, "E45C6D7F");
		c.fail_kind = quiet[i].fail_kind;
		assert_int_equal(feed(ctx, "messages/demo/04-confidential-briefing-forwarded-to-"
				      "resident.eml", "cllr.jones@ashcombe-pc.gov.uk", outside,
				      1000), quiet[i].status);
		milter_notify_shutdown();
		GPtrArray *now = test_sent(f->root);
		if (now->len != 2)
			fail_msg("case %zu: notices: got %u in all, want still 2", i, now->len);
		g_ptr_array_free(now, TRUE);
		milter_close(ctx);
		fake_clear(&c);
	}
	g_free(path);
	g_ptr_array_free(sent, TRUE);
	g_free(sendmail);
}

/* One journal (and thread store, and key) for the daemon's life: a reload
   naming another journal logs that a restart is needed, and decisions keep
   going to the journal in use. */
static void test_shared_state(void **state)
{
	struct fixture *f = *state;
	char *first = g_build_filename(f->root, "journal.jsonl", NULL);
	char *other = g_build_filename(f->root, "other.jsonl", NULL);
	struct conf *conf = test_conf("journal", f->root, "JOURNAL", other, "FAILURE", "tempfail",
				      "NOTIFY", "false", NULL);
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;
	const char *error;

	log_clear();
	if (milter_gen_install(conf, &error) < 0)
		fail_msg("milter_gen_install: %s", error);
	conf_unref(&conf);
	if (strstr(log_lines->str, "journal") == NULL ||
	    strstr(log_lines->str, "restart council-milter") == NULL)
		fail_msg("reload: got log \"%s\", want the changed journal and a restart named",
			 log_lines->str);
	fake_init(&c, "F56D7E80");
	assert_int_equal(feed(ctx, "messages/demo/01-clean-clerk-replies-to-resident.eml",
			      "clerk@ashcombe-pc.gov.uk", to_clerk, 4096), SMFIS_CONTINUE);
	char *last = last_journal_line(f);
	if (strstr(last, "F56D7E80") == NULL || g_file_test(other, G_FILE_TEST_EXISTS))
		fail_msg("decision: got last line %s in %s (and %s %s), want it there and the "
			 "other not made", last, first, other,
			 g_file_test(other, G_FILE_TEST_EXISTS) ? "exists" : "absent");
	g_free(last);
	milter_close(ctx);
	fake_clear(&c);
	g_free(first);
	g_free(other);
}

/* The metrics as numbers: "name{labels}" -> value. */
static GHashTable *metrics_now(void)
{
	GHashTable *m = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	char *text = milter_metrics_text();
	char **lines = g_strsplit(text, "\n", -1);

	for (char **l = lines; *l != NULL; l++) {
		char *space = strrchr(*l, ' ');
		if (**l == '#' || **l == '\0' || space == NULL)
			continue;
		double *v = g_new(double, 1);
		*v = g_ascii_strtod(space + 1, NULL);
		g_hash_table_insert(m, g_strndup(*l, (gsize)(space - *l)), v);
	}
	g_strfreev(lines);
	g_free(text);
	return m;
}

static double metric(GHashTable *m, const char *name)
{
	double *v = g_hash_table_lookup(m, name);

	if (v == NULL)
		fail_msg("metric %s: got none, want it reported", name);
	return *v;
}

/* The daemon's counters after what the callbacks did: messages by action,
   findings by rule, tempfails by cause, judge times, what is held (from the
   journal, council-review's release included), generations and refused
   reloads. */
static void test_metrics(void **state)
{
	struct fixture *f = *state;
	static const char *const outside[] = { "d.ferris@example.net", NULL };
	static const char *const bcc[] = { "clerk@ashcombe-pc.gov.uk",
					   "cllr.jones@ashcombe-pc.gov.uk", NULL };
	char *journal = g_build_filename(f->root, "journal.jsonl", NULL);
	char *rcpt[] = { "<b@example.org>", NULL };
	struct fake_ctx c;
	SMFICTX *ctx = (SMFICTX *)&c;

	install(f, "unit", "");
	milter_metrics_set_journal(journal);
	GHashTable *before = metrics_now();
	double held_before = metric(before, "council_milter_held_messages");

	fake_init(&c, "B1000001");
	log_clear();
	assert_int_equal(feed(ctx, "messages/demo/01-clean-clerk-replies-to-resident.eml",
			      "clerk@ashcombe-pc.gov.uk", to_clerk, 4096), SMFIS_CONTINUE);
	c.queue_id = "B1000002";
	assert_int_equal(feed(ctx, "messages/demo/02-councillor-blind-copies-councillor.eml",
			      "cllr.smith@ashcombe-pc.gov.uk", bcc, 4096), SMFIS_CONTINUE);
	c.queue_id = "B1000003";
	assert_int_equal(feed(ctx, "messages/demo/04-confidential-briefing-forwarded-to-"
			      "resident.eml", "cllr.jones@ashcombe-pc.gov.uk", outside, 4096),
			 SMFIS_CONTINUE);
	c.queue_id = "B1000004";
	c.fail_kind = CALL_INSHEADER;
	assert_int_equal(feed(ctx, "messages/milter/plain-lf.eml",
			      "cllr.smith@ashcombe-pc.gov.uk", to_clerk, 64), SMFIS_TEMPFAIL);
	milter_close(ctx);
	fake_clear(&c);
	fake_init(&c, NULL);
	assert_int_equal(milter_envrcpt(ctx, rcpt), SMFIS_TEMPFAIL);	/* out of step */
	milter_close(ctx);
	fake_clear(&c);

	GHashTable *after = metrics_now();
	static const struct {
		const char *name;
		double delta;
	} want[] = {
		{ "council_milter_messages_total{action=\"accept\"}", 1 },
		{ "council_milter_messages_total{action=\"annotate\"}", 1 },
		{ "council_milter_messages_total{action=\"hold\"}", 1 },
		{ "council_milter_messages_total{action=\"reject\"}", 0 },
		{ "council_milter_messages_total{action=\"tempfail\"}", 2 },
		{ "council_milter_findings_total{rule=\"silent-copy\"}", 1 },
		{ "council_milter_findings_total{rule=\"confidential\"}", 1 },
		{ "council_milter_tempfails_total{cause=\"mta_refused\"}", 1 },
		{ "council_milter_tempfails_total{cause=\"protocol\"}", 1 },
		{ "council_milter_tempfails_total{cause=\"journal\"}", 0 },
		{ "council_milter_judge_duration_seconds_count", 4 },
		{ "council_milter_judge_duration_seconds_bucket{le=\"+Inf\"}", 4 },
		{ "council_milter_held_messages", 1 },
		{ "council_milter_journal_failures_total", 0 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		double got = metric(after, want[i].name) - metric(before, want[i].name);
		if (got != want[i].delta)
			fail_msg("%s: got %+g, want %+g", want[i].name, got, want[i].delta);
	}
	if (metric(after, "council_milter_judge_duration_seconds_sum") <=
	    metric(before, "council_milter_judge_duration_seconds_sum"))
		fail_msg("judge time: the sum did not grow");

	/* council-review releases it: no longer held. */
	struct journal *j;
	const char *error;
	assert_int_equal(journal_open(journal, &j, &error), 0);
	assert_int_equal(journal_append(j, "{\"event\":\"review\",\"action\":\"release\","
					"\"queue_id\":\"B1000003\"}", false, &error), 0);
	journal_close(&j);
	/* A reload refused, then one that works. */
	double generation = metric(after, "council_milter_config_generation");
	milter_metrics_reload_failed();
	GHashTable *refused = metrics_now();
	install(f, "unit", "");
	GHashTable *reloaded = metrics_now();
	if (metric(refused, "council_milter_held_messages") != held_before ||
	    metric(refused, "council_milter_config_reload_failures_total") !=
	    metric(after, "council_milter_config_reload_failures_total") + 1 ||
	    metric(refused, "council_milter_config_last_reload_successful") != 0 ||
	    metric(refused, "council_milter_config_generation") != generation ||
	    metric(reloaded, "council_milter_config_generation") != generation + 1 ||
	    metric(reloaded, "council_milter_config_last_reload_successful") != 1)
		fail_msg("after a release and reloads: got held %g (want %g), generation %g then "
			 "%g (want %g then %g), last reload %g then %g (want 0 then 1)",
			 metric(refused, "council_milter_held_messages"), held_before,
			 metric(refused, "council_milter_config_generation"),
			 metric(reloaded, "council_milter_config_generation"), generation,
			 generation + 1,
			 metric(refused, "council_milter_config_last_reload_successful"),
			 metric(reloaded, "council_milter_config_last_reload_successful"));
	milter_metrics_set_journal(NULL);
	g_hash_table_unref(before);
	g_hash_table_unref(after);
	g_hash_table_unref(refused);
	g_hash_table_unref(reloaded);
	g_free(journal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_two_messages),
		cmocka_unit_test(test_leftovers),
		cmocka_unit_test(test_mta_refuses),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_reload_pinning),
		cmocka_unit_test(test_verdicts_to_mta),
		cmocka_unit_test(test_on_error_agree),
		cmocka_unit_test(test_store_write_failure),
		cmocka_unit_test(test_replace_body_chunks),
		cmocka_unit_test(test_hold_notices),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_shared_state),
	};

	parser_init();
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	parser_shutdown();
	return failed;
}
