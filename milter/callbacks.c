/*
 * The libmilter callbacks (see callbacks.h): collect the envelope, headers
 * and body into an engine_message, run the engine at end of message, and
 * turn its operations into smfi_* calls through the seam.
 */
#include "milter/callbacks.h"

#include <string.h>

#include <glib.h>

#include "engine/engine.h"
#include "milter/generation.h"
#include "milter/inflight.h"
#include "audit/audit.h"
#include "milter/log.h"
#include "milter/metrics.h"
#include "milter/notify.h"
#include "milter/seam.h"
#include "util/util.h"

struct milter_conn {
	struct milter_gen *gen;		/* pinned for the whole connection */
	struct engine_message *msg;	/* the message in progress, or NULL */
};

#define NOQUEUE "NOQUEUE"

/* Every open connection's context. After smfi_stop, Debian's libmilter
   closes the connections still open without calling xxfi_close; keeping
   them listed here lets the process exit without them looking lost. */
static GMutex conns_lock;
static GHashTable *conns;

static void conns_add(struct milter_conn *c)
{
	g_mutex_lock(&conns_lock);
	if (conns == NULL)
		conns = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_hash_table_add(conns, c);
	g_mutex_unlock(&conns_lock);
}

static void conns_remove(struct milter_conn *c)
{
	g_mutex_lock(&conns_lock);
	if (conns != NULL)
		g_hash_table_remove(conns, c);
	g_mutex_unlock(&conns_lock);
}

static struct milter_conn *conn_of(SMFICTX *ctx)
{
	return milter_seam->getpriv(ctx);
}

/* The connection context, created on first use: with SMFIP_NOCONNECT the
   first callback of a connection is envfrom. */
static struct milter_conn *conn_get(SMFICTX *ctx)
{
	struct milter_conn *c = conn_of(ctx);

	if (c != NULL)
		return c;
	struct milter_gen *gen = milter_gen_pin();
	if (gen == NULL) {
		milter_log(LOG_ERR, "no configuration loaded: refusing the connection for now");
		return NULL;
	}
	c = g_new0(struct milter_conn, 1);
	c->gen = gen;
	if (milter_seam->setpriv(ctx, c) != MI_SUCCESS) {
		milter_log(LOG_ERR, "could not attach the connection state (smfi_setpriv)");
		milter_gen_unpin(&c->gen);
		g_free(c);
		return NULL;
	}
	conns_add(c);
	return c;
}

static const char *queue_id(const struct milter_conn *c)
{
	const char *id = c != NULL && c->msg != NULL ? engine_message_queue_id(c->msg) : NULL;

	return id != NULL ? id : NOQUEUE;
}

/* The message of C is over (judged, aborted, or left unfinished): a clean
   stop waits for exactly these. */
static void message_end(struct milter_conn *c)
{
	if (c->msg == NULL)
		return;
	engine_message_free(&c->msg);
	milter_inflight_end();
}

/* "<addr>" -> "addr"; the envelope as policy wants it ("" for <>). */
static char *strip_brackets(const char *addr)
{
	size_t len = addr != NULL ? strlen(addr) : 0;

	if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>')
		return g_strndup(addr + 1, len - 2);
	return g_strdup(addr != NULL ? addr : "");
}

sfsistat milter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
			  unsigned long f3, unsigned long *pf0, unsigned long *pf1,
			  unsigned long *pf2, unsigned long *pf3)
{
	unsigned long missing = MILTER_ACTIONS & ~f0;

	if (missing != 0) {
		milter_log(LOG_ERR, "the MTA does not allow the milter actions council-milter "
			   "needs (missing SMFIF flags 0x%lx: %s%s%s%s%s); it cannot annotate, hold "
			   "or check mail through this MTA: upgrade it or check its milter settings",
			   missing, (missing & SMFIF_ADDHDRS) ? "add headers " : "",
			   (missing & SMFIF_CHGHDRS) ? "change headers " : "",
			   (missing & SMFIF_CHGBODY) ? "replace body " : "",
			   (missing & SMFIF_ADDRCPT) ? "add recipients " : "",
			   (missing & SMFIF_QUARANTINE) ? "quarantine" : "");
		return SMFIS_REJECT;
	}
	*pf0 = MILTER_ACTIONS | (f0 & SMFIF_SETSYMLIST);
	*pf1 = f1 & MILTER_SKIP_STEPS;
	*pf2 = 0;
	*pf3 = 0;
	if ((f0 & SMFIF_SETSYMLIST) != 0) {
		/* Only the macros we read: the queue id and the SMTP AUTH login. */
		if (milter_seam->setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}") != MI_SUCCESS ||
		    milter_seam->setsymlist(ctx, SMFIM_EOM, "i") != MI_SUCCESS)
			milter_log(LOG_WARNING, "could not ask the MTA for the macros i and "
				   "{auth_authen}; relying on its defaults");
	}
	return SMFIS_CONTINUE;
}

static const char *op_name(enum engine_op_kind kind)
{
	switch (kind) {
	case ENGINE_OP_DELETE_HEADER:
		return "delete a header";
	case ENGINE_OP_CHANGE_HEADER:
		return "change a header";
	case ENGINE_OP_INSERT_HEADER:
	case ENGINE_OP_ADD_HEADER:
		return "add a header";
	case ENGINE_OP_ADD_RCPT:
		return "add a recipient";
	case ENGINE_OP_REPLACE_BODY:
		return "replace the body";
	case ENGINE_OP_QUARANTINE:
		return "quarantine (hold)";
	}
	return "?";
}

static int replace_body(SMFICTX *ctx, const struct engine_op *op)
{
	size_t off = 0;

	do {
		size_t n = MIN(op->body_len - off, (size_t)MILTER_BODY_CHUNK);
		if (milter_seam->replacebody(ctx, (unsigned char *)op->body + off, (int)n) !=
		    MI_SUCCESS)
			return MI_FAILURE;
		off += n;
	} while (off < op->body_len);
	return MI_SUCCESS;
}

static int apply_op(SMFICTX *ctx, const struct engine_op *op)
{
	switch (op->kind) {
	case ENGINE_OP_DELETE_HEADER:
		return milter_seam->chgheader(ctx, op->name, op->index, NULL);
	case ENGINE_OP_CHANGE_HEADER:
		return milter_seam->chgheader(ctx, op->name, op->index, op->value);
	case ENGINE_OP_INSERT_HEADER:
		return milter_seam->insheader(ctx, 0, op->name, op->value);
	case ENGINE_OP_ADD_HEADER:
		return milter_seam->addheader(ctx, op->name, op->value);
	case ENGINE_OP_ADD_RCPT: {
		char *rcpt = g_strdup_printf("<%s>", op->value);
		int ret = milter_seam->addrcpt(ctx, rcpt);
		g_free(rcpt);
		return ret;
	}
	case ENGINE_OP_REPLACE_BODY:
		return replace_body(ctx, op);
	case ENGINE_OP_QUARANTINE:
		return milter_seam->quarantine(ctx, op->value);
	}
	return MI_FAILURE;
}

static char *refused_text(const struct engine_op *op)
{
	return g_strdup_printf("the MTA refused to %s%s%s", op_name(op->kind),
			       op->name != NULL ? ": " : "", op->name != NULL ? op->name : "");
}

/* A message that cannot be judged here (no configuration, the protocol out
   of step, the MTA refusing an operation) gets on_error's answer, the
   engine's own (engine_error_result), so the daemon says what the judge
   says. Header operations can be carried out at end of message (EOM) only;
   accept delivers the message even when the MTA refuses them too. */
static const char *status_name(sfsistat status)
{
	return status == SMFIS_REJECT ? "reject" : status == SMFIS_TEMPFAIL ? "tempfail" :
		"accept";
}

static sfsistat answer_error(SMFICTX *ctx, struct milter_conn *c, const char *reason, bool eom,
			     bool ours_written, enum milter_tempfail cause)
{
	/* Without a connection of its own (out of step before MAIL), the
	   configuration in force answers. */
	struct milter_gen *gen = c != NULL && c->gen != NULL ? NULL : milter_gen_pin();
	struct milter_gen *answering = gen != NULL ? gen : c != NULL ? c->gen : NULL;
	struct engine *engine = answering != NULL ? milter_gen_engine(answering) : NULL;
	struct engine_result *res = engine_error_result(engine, c != NULL ? c->msg : NULL,
							ours_written, reason);
	sfsistat status = SMFIS_CONTINUE;

	switch (res->status) {
	case ENGINE_REJECT:
	case ENGINE_TEMPFAIL:
		milter_seam->setreply(ctx, res->reply_code, res->reply_xcode, res->reply_text);
		status = res->status == ENGINE_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
		break;
	case ENGINE_CONTINUE:
		for (size_t i = 0; eom && i < res->n_ops; i++) {
			if (apply_op(ctx, &res->ops[i]) == MI_SUCCESS)
				continue;
			char *what = refused_text(&res->ops[i]);
			milter_log(LOG_ERR, "%s: %s; the message goes on without it, as "
				   "on_error = accept says", queue_id(c), what);
			g_free(what);
		}
		break;
	}
	engine_result_free(&res);
	milter_gen_unpin(&gen);
	milter_metrics_message(status_name(status));
	if (status == SMFIS_TEMPFAIL)
		milter_metrics_tempfail(cause);
	return status;
}

sfsistat milter_envfrom(SMFICTX *ctx, char **argv)
{
	struct milter_conn *c = conn_get(ctx);

	if (c == NULL)
		return answer_error(ctx, NULL, "no configuration loaded", false, false,
				    MILTER_TEMPFAIL_NO_CONFIG);
	/* A leftover from a message the MTA never finished or aborted. */
	message_end(c);
	if (!milter_inflight_begin()) {
		/* Stopping (SIGTERM): the messages in flight finish; new ones wait. */
		const char *id = milter_seam->getsymval(ctx, "i");
		milter_log(LOG_INFO, "%s: not taken now: council-milter is stopping; the mail "
			   "server keeps the message and tries again", id != NULL ? id : NOQUEUE);
		milter_seam->setreply(ctx, "451", "4.3.2", "The council mail filter is "
				      "stopping; please try again in a few minutes.");
		milter_metrics_message("tempfail");
		milter_metrics_tempfail(MILTER_TEMPFAIL_STOPPING);
		return SMFIS_TEMPFAIL;
	}
	c->msg = engine_message_new(milter_gen_engine(c->gen));

	char *sender = strip_brackets(argv[0]);
	engine_message_set_sender(c->msg, sender);
	g_free(sender);
	engine_message_set_auth(c->msg, milter_seam->getsymval(ctx, "{auth_authen}"));
	engine_message_set_queue_id(c->msg, milter_seam->getsymval(ctx, "i"));
	return SMFIS_CONTINUE;
}

/* Limits are only recorded here: the engine gives on_error's verdict at end
   of message, as the judge does, with the reason in the log line. */
sfsistat milter_envrcpt(SMFICTX *ctx, char **argv)
{
	struct milter_conn *c = conn_of(ctx);

	if (c == NULL || c->msg == NULL) {
		milter_log(LOG_ERR, "%s: recipient before sender: protocol out of step",
			   queue_id(c));
		return answer_error(ctx, c, "protocol out of step", false, false,
				    MILTER_TEMPFAIL_PROTOCOL);
	}
	char *rcpt = strip_brackets(argv[0]);
	(void)engine_message_add_rcpt(c->msg, rcpt);
	g_free(rcpt);
	return SMFIS_CONTINUE;
}

sfsistat milter_header(SMFICTX *ctx, char *name, char *value)
{
	struct milter_conn *c = conn_of(ctx);

	if (c == NULL || c->msg == NULL) {
		milter_log(LOG_ERR, "%s: header before sender: protocol out of step", queue_id(c));
		return answer_error(ctx, c, "protocol out of step", false, false,
				    MILTER_TEMPFAIL_PROTOCOL);
	}
	(void)engine_message_add_header(c->msg, name, value);
	return SMFIS_CONTINUE;
}

sfsistat milter_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct milter_conn *c = conn_of(ctx);

	if (c == NULL || c->msg == NULL) {
		milter_log(LOG_ERR, "%s: body before sender: protocol out of step", queue_id(c));
		return answer_error(ctx, c, "protocol out of step", false, false,
				    MILTER_TEMPFAIL_PROTOCOL);
	}
	(void)engine_message_add_body(c->msg, chunk, len);
	return SMFIS_CONTINUE;
}

/* The journal said what engine_run decided; when the MTA then refuses to
   carry it out, a second line says what happened instead, so the journal
   never claims a hold that did not happen. */
static void journal_refusal(struct milter_conn *c, const char *what, sfsistat status)
{
	struct engine *engine = milter_gen_engine(c->gen);
	JsonBuilder *b = journal_line_begin("mta-refused");
	const char *error;

	journal_add_string(b, "queue_id", queue_id(c));
	journal_add_string(b, "error", what);
	journal_add_string(b, "action", status_name(status));
	char *line = journal_line_end(b);
	if (engine_journal_append(engine, line, true, &error) < 0) {
		milter_log(LOG_ERR, "%s: %s; the line not written: %s", queue_id(c), error, line);
		milter_metrics_journal_failure();
	}
	g_free(line);
}

/* Carry out RES. *APPLIED_R: every operation was (for a hold: the message
   really is in the hold queue). */
static sfsistat apply_result(SMFICTX *ctx, struct milter_conn *c,
			     const struct engine_result *res, bool *applied_r)
{
	*applied_r = false;
	switch (res->status) {
	case ENGINE_REJECT:
		milter_seam->setreply(ctx, res->reply_code, res->reply_xcode, res->reply_text);
		return SMFIS_REJECT;
	case ENGINE_TEMPFAIL:
		milter_seam->setreply(ctx, res->reply_code, res->reply_xcode, res->reply_text);
		return SMFIS_TEMPFAIL;
	case ENGINE_CONTINUE:
		break;
	}
	bool ours_written = false;	/* our result header is on the message */

	for (size_t i = 0; i < res->n_ops; i++) {
		const struct engine_op *op = &res->ops[i];

		if (apply_op(ctx, op) != MI_SUCCESS) {
			char *what = refused_text(op);
			milter_log(LOG_ERR, "%s: %s; answering as on_error says", queue_id(c),
				   what);
			sfsistat status = answer_error(ctx, c, what, true, ours_written,
						       MILTER_TEMPFAIL_MTA_REFUSED);
			journal_refusal(c, what, status);
			g_free(what);
			return status;
		}
		if (op->kind == ENGINE_OP_INSERT_HEADER &&
		    g_ascii_strcasecmp(op->name, POLICY_RESULT_HEADER) == 0)
			ours_written = true;
		if (res->ops[i].kind == ENGINE_OP_QUARANTINE)
			milter_log(LOG_INFO, "%s: held for review: %s", queue_id(c),
				   res->ops[i].value);
	}
	*applied_r = true;
	return SMFIS_CONTINUE;
}

/* log_level "debug": what each rule found, and where, after the summary. */
static void log_evidence(const struct milter_conn *c, const struct engine_result *res)
{
	if (!milter_log_enabled(LOG_DEBUG) || res->verdict == NULL)
		return;
	for (size_t i = 0; i < res->verdict->n_findings; i++) {
		const struct policy_finding *f = &res->verdict->findings[i];
		char *evidence = util_text_visible(f->evidence, -1);
		milter_log(LOG_DEBUG, "%s: %s (%s, clause %s): %s", queue_id(c),
			   conf_rule_id(f->rule), conf_action_name(f->action),
			   f->clause != NULL ? f->clause : "none", evidence);
		g_free(evidence);
	}
}

/* The metrics of a message judged and carried out. */
static void count_result(const struct engine_result *res)
{
	if (res->own_notice) {
		milter_metrics_notice();
		return;
	}
	milter_metrics_message(engine_result_action(res));
	for (size_t i = 0; res->verdict != NULL && i < res->verdict->n_findings; i++)
		milter_metrics_finding(res->verdict->findings[i].rule);
	if (res->status == ENGINE_TEMPFAIL)
		milter_metrics_tempfail(milter_tempfail_from_engine(res->cause));
}

sfsistat milter_eom(SMFICTX *ctx)
{
	struct milter_conn *c = conn_of(ctx);

	if (c == NULL || c->msg == NULL) {
		milter_log(LOG_ERR, "%s: end of message before sender: protocol out of step",
			   queue_id(c));
		return answer_error(ctx, c, "protocol out of step", true, false,
				    MILTER_TEMPFAIL_PROTOCOL);
	}
	/* Sendmail knows the queue id only from RCPT on: ask again. */
	if (engine_message_queue_id(c->msg) == NULL)
		engine_message_set_queue_id(c->msg, milter_seam->getsymval(ctx, "i"));

	struct engine *engine = milter_gen_engine(c->gen);
	gint64 started = g_get_monotonic_time();
	struct engine_result *res = engine_run(engine, c->msg);
	milter_metrics_judge_seconds((double)(g_get_monotonic_time() - started) / 1e6);
	milter_log(res->error != NULL ? LOG_ERR : LOG_INFO, "%s: %s", queue_id(c), res->summary);
	log_evidence(c, res);
	if (res->journal_error != NULL) {
		/* The record is not lost: it is in the log instead. */
		milter_log(LOG_ERR, "%s: %s; the line not written: %s", queue_id(c),
			   res->journal_error, res->journal_line);
		milter_metrics_journal_failure();
	}
	if (res->verdict != NULL && res->verdict->store_error != NULL)
		milter_log(LOG_ERR, "%s: %s; this confidential message is not remembered, so a "
			   "reply to it may pass as not confidential: check thread_store.path",
			   queue_id(c), res->verdict->store_error);
	bool applied;
	sfsistat ret = apply_result(ctx, c, res, &applied);
	/* What the engine decided was done (else answer_error counted what was). */
	if (applied || res->status != ENGINE_CONTINUE)
		count_result(res);
	if (applied && res->status == ENGINE_CONTINUE && res->verdict != NULL &&
	    res->verdict->action == CONF_ACTION_HOLD)
		milter_notify_hold(engine, c->msg, res);
	engine_result_free(&res);
	message_end(c);
	return ret;
}

sfsistat milter_abort(SMFICTX *ctx)
{
	struct milter_conn *c = conn_of(ctx);

	if (c != NULL)
		message_end(c);
	return SMFIS_CONTINUE;
}

sfsistat milter_close(SMFICTX *ctx)
{
	struct milter_conn *c = conn_of(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	message_end(c);
	milter_gen_unpin(&c->gen);
	conns_remove(c);
	g_free(c);
	milter_seam->setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

struct smfiDesc milter_desc = {
	.xxfi_name = "council-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = MILTER_ACTIONS,
	.xxfi_envfrom = milter_envfrom,
	.xxfi_envrcpt = milter_envrcpt,
	.xxfi_header = milter_header,
	.xxfi_body = milter_body,
	.xxfi_eom = milter_eom,
	.xxfi_abort = milter_abort,
	.xxfi_close = milter_close,
	.xxfi_negotiate = milter_negotiate,
};
