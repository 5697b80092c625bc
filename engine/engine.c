/*
 * engine: one message and its envelope in, the MTA operations out. The
 * daemon's callbacks and the offline judge both come through here, so the
 * judge tells the truth about the daemon. Nothing here logs or talks to the
 * MTA: the result carries a summary line and a list of operations.
 */
#include "engine/engine-private.h"

#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "parser/parser.h"
#include "util/util.h"

/* The longest header value we write, before folding; the result header of a
   message that trips every rule is well under 1 KB. */
#define HEADER_VALUE_MAX 4096

struct engine *engine_new_shared(struct conf *conf, struct engine_shared *shared)
{
	struct engine *engine = g_new0(struct engine, 1);

	engine->conf = conf_ref(conf);
	engine->shared = engine_shared_ref(shared);
	engine->store = engine_shared_store(shared);
	return engine;
}

int engine_new(struct conf *conf, bool store_read_only, bool use_journal,
	       struct engine **engine_r, const char **error_r)
{
	const struct conf_thread_store *ts = &conf->daemon.thread_store;
	struct policy_thread_store *store = NULL;

	if (use_journal) {
		struct engine_shared *shared;

		if (engine_shared_open(conf, &shared, error_r) < 0)
			return -1;
		*engine_r = engine_new_shared(conf, shared);
		engine_shared_unref(&shared);
		return 0;
	}
	if (policy_thread_store_open(ts->path, ts->retention_days, ts->max_entries,
				     store_read_only, &store, error_r) < 0)
		return -1;
	struct engine *engine = g_new0(struct engine, 1);
	engine->conf = conf_ref(conf);
	engine->store = store;
	*engine_r = engine;
	return 0;
}

void engine_free(struct engine **engine_p)
{
	struct engine *engine = *engine_p;

	if (engine == NULL)
		return;
	if (engine->shared != NULL)
		engine_shared_unref(&engine->shared);
	else
		policy_thread_store_close(&engine->store);
	conf_unref(&engine->conf);
	g_free(engine);
	*engine_p = NULL;
}

void engine_set_early(struct engine *engine, bool on)
{
	engine->no_early = !on;
}

struct conf *engine_conf(struct engine *engine)
{
	return engine->conf;
}

const struct marker_key *engine_marker_key(const struct engine *engine)
{
	return engine->shared != NULL ? engine_shared_key(engine->shared) : NULL;
}

int engine_journal_append(struct engine *engine, const char *line, bool sync,
			  const char **error_r)
{
	if (engine->shared == NULL)
		return 0;
	return journal_append(engine_shared_journal(engine->shared), line, sync, error_r);
}

/* ---- judging ------------------------------------------------------------ */

static void op_clear(gpointer p)
{
	struct engine_op *op = p;

	g_free(op->name);
	g_free(op->value);
	g_free(op->body);
}

static void op_add(GArray *ops, enum engine_op_kind kind, const char *name, int index,
		   char *value_owned)
{
	struct engine_op op = { .kind = kind, .name = g_strdup(name), .index = index,
				.value = value_owned };
	g_array_append_val(ops, op);
}

static int header_count(const struct engine_message *msg, const char *name)
{
	int n = 0;

	for (guint i = 0; i < msg->headers->len; i++)
		if (engine_header_is(g_array_index(msg->headers, struct engine_header, i).name,
				     name))
			n++;
	return n;
}

/* A value from policy or message data made safe for people and the MTA,
   cut to MAX bytes. */
static char *header_text_max(const char *value, size_t max)
{
	char *visible = util_text_visible(value, -1);
	char *clean = parser_header_sanitise(visible, max);

	g_free(visible);
	return clean;
}

static char *header_text(const char *value)
{
	return header_text_max(value, HEADER_VALUE_MAX);
}

/* The same, folded for NAME. */
static char *header_value_max(const char *name, const char *value, size_t max)
{
	char *clean = header_text_max(value, max);
	char *folded = parser_header_fold(name, clean);

	g_free(clean);
	return folded;
}

static char *header_value(const char *name, const char *value)
{
	return header_value_max(name, value, HEADER_VALUE_MAX);
}

/* A header we set whether or not the message has it: change the first, and
   delete any further copies, highest index first. A second copy (two
   Content-Type fields, which readers resolve differently) would leave the
   top level ambiguous after the body has been rewritten for VALUE. */
static void op_set_header(GArray *ops, const struct engine_message *msg, const char *name,
			  const char *value)
{
	int n = header_count(msg, name);

	for (int i = n; i > 1; i--)
		op_add(ops, ENGINE_OP_DELETE_HEADER, name, i, NULL);
	if (n > 0)
		op_add(ops, ENGINE_OP_CHANGE_HEADER, name, 1, header_value(name, value));
	else
		op_add(ops, ENGINE_OP_ADD_HEADER, name, 0, header_value(name, value));
}

/* Recipients added openly join Cc: as the sender wrote it (all its
   fields, as one), never written anew: groups, comments and encoded words
   stay what they were. The sender's part is never cut (it was in the
   message already), so the mailboxes added at its end always arrive. */
static void op_append_cc(GArray *ops, const struct engine_message *msg, const char *mailboxes)
{
	GPtrArray *values = g_ptr_array_new();
	char *value;
	int n;

	for (guint i = 0; i < msg->headers->len; i++) {
		const struct engine_header *h =
			&g_array_index(msg->headers, struct engine_header, i);

		if (engine_header_is(h->name, "Cc"))
			g_ptr_array_add(values, h->value);
	}
	n = (int)values->len;
	value = parser_address_list_append((const char *const *)values->pdata, values->len,
					   mailboxes);
	for (int i = n; i > 1; i--)
		op_add(ops, ENGINE_OP_DELETE_HEADER, "Cc", i, NULL);
	op_add(ops, n > 0 ? ENGINE_OP_CHANGE_HEADER : ENGINE_OP_ADD_HEADER, "Cc", n > 0 ? 1 : 0,
	       header_value_max("Cc", value, 3 * strlen(value) + 1));
	g_free(value);
	g_ptr_array_free(values, TRUE);
}

/* Nobody outside may write our headers: delete every copy the message
   brought, highest index first so the others keep theirs. */
static void op_delete_forged(GArray *ops, const struct engine_message *msg)
{
	static const char *const ours[] = { POLICY_RESULT_HEADER, POLICY_COPIED_TO_HEADER,
					    MARKER_HEADER };

	for (size_t n = 0; n < G_N_ELEMENTS(ours); n++)
		for (int i = header_count(msg, ours[n]); i > 0; i--)
			op_add(ops, ENGINE_OP_DELETE_HEADER, ours[n], i, NULL);
}

static void set_reply(struct engine_result *res, const char *code, const char *xcode,
		      const char *text)
{
	g_free(res->reply_code);
	g_free(res->reply_xcode);
	g_free(res->reply_text);
	res->reply_code = g_strdup(code);
	res->reply_xcode = g_strdup(xcode);
	res->reply_text = g_strdup(text);
}

static const char *council_name(const struct engine_result *res)
{
	if (res->verdict == NULL || res->verdict->council == NULL)
		return NULL;
	return res->verdict->council->name;
}

/* The parser limits a message ran into, by the config key that sets each, so
   the log says when the rules saw only part of a message and what to raise. */
static void append_limits(GString *s, unsigned parser_flags)
{
	const char *sep = ", limits=";

	for (unsigned flag = 1; flag <= PARSER_FLAGS_INCOMPLETE; flag <<= 1) {
		if ((parser_flags & PARSER_FLAGS_INCOMPLETE & flag) != 0) {
			g_string_append_printf(s, "%s%s", sep, parser_limit_key(flag));
			sep = " ";
		}
	}
}

/* One line like Postfix's "from=<...>, nrcpt=N" (the daemon adds the queue id). */

static char *summary_line(const struct engine_result *res, const struct engine_message *msg,
			  unsigned parser_flags)
{
	GString *s = g_string_new(NULL);
	const char *council = council_name(res);

	if (council != NULL)
		g_string_append_printf(s, "council=\"%s\"", council);
	else
		g_string_append(s, "council=none");
	g_string_append_printf(s, ", from=<%s>, auth=%s, nrcpt=%u, action=%s",
			       msg->mail_from != NULL ? msg->mail_from : "",
			       msg->auth != NULL ? msg->auth : "none", msg->rcpts->len,
			       engine_result_action(res));
	if (res->verdict != NULL && res->verdict->n_findings > 0) {
		g_string_append(s, ", rules=");
		for (size_t i = 0; i < res->verdict->n_findings; i++) {
			const struct policy_finding *f = &res->verdict->findings[i];
			g_string_append_printf(s, "%s%s/%s", i > 0 ? " " : "",
					       conf_rule_id(f->rule), conf_action_name(f->action));
		}
	}
	if (res->verdict != NULL && res->verdict->n_exceptions > 0) {
		g_string_append(s, ", excepted=");
		for (size_t i = 0; i < res->verdict->n_exceptions; i++)
			g_string_append_printf(s, "%s%s", i > 0 ? " " : "",
					       conf_rule_id(res->verdict->exceptions[i].rule));
	}
	if (res->footer_refused != NULL)
		g_string_append_printf(s, ", footer=refused (%s)", res->footer_refused);
	append_limits(s, parser_flags);
	if (res->verdict != NULL && res->verdict->unread != NULL)
		g_string_append_printf(s, ", unread=(%s)", res->verdict->unread);
	if (res->own_notice)
		g_string_append(s, ", notice=ours (passed unjudged)");
	if (res->verdict != NULL && res->verdict->store_error != NULL)
		g_string_append(s, ", thread store=not written");
	if (res->error != NULL)
		g_string_append_printf(s, ", error=%s", res->error);
	if (res->journal_error != NULL)
		g_string_append(s, ", journal=not written");
	/* A log line people read: envelope addresses may carry anything. */
	char *line = util_text_visible(s->str, (gssize)s->len);
	g_string_free(s, TRUE);
	return line;
}

/* The answer for a message that cannot be judged, as on_error says (SPEC 4:
   by default tempfail, so the MTA keeps the message and nothing is lost or
   passed unchecked): RES's status, reply and OPS. The one place that turns
   on_error into an answer, for the judge and the daemon alike. */
static void on_error_answer(struct engine_result *res, const struct conf *conf,
			    const struct engine_message *msg, bool ours_written, GArray *ops)
{
	enum conf_on_error on_error = conf != NULL ? conf->daemon.on_error :
		CONF_ON_ERROR_TEMPFAIL;

	g_array_set_size(ops, 0);
	switch (on_error) {
	case CONF_ON_ERROR_ACCEPT: {
		char *none = policy_result_header_none(conf, "not judged");
		char *value = header_value(POLICY_RESULT_HEADER, none);

		g_free(none);
		res->status = ENGINE_CONTINUE;
		if (ours_written) {
			/* Ours is the only copy left: say it was not judged after all. */
			op_add(ops, ENGINE_OP_CHANGE_HEADER, POLICY_RESULT_HEADER, 1, value);
		} else {
			if (msg != NULL)
				op_delete_forged(ops, msg);
			op_add(ops, ENGINE_OP_INSERT_HEADER, POLICY_RESULT_HEADER, 0, value);
		}
		break;
	}
	case CONF_ON_ERROR_REJECT:
		res->status = ENGINE_REJECT;
		set_reply(res, "550", "5.7.1", "The council mail filter could not check this "
			  "message, so it was refused.\nPlease ask the council's mail "
			  "administrator for help.");
		break;
	case CONF_ON_ERROR_TEMPFAIL:
	default:
		res->status = ENGINE_TEMPFAIL;
		set_reply(res, "451", "4.3.0", "The council mail filter could not check this "
			  "message just now; please try again later.");
		break;
	}
}

/* An internal error while judging: no verdict, on_error's answer. */
static void result_error(struct engine_result *res, const struct engine *engine,
			 const struct engine_message *msg, GArray *ops, const char *reason)
{
	res->error = g_strdup(reason);
	policy_verdict_free(&res->verdict);
	g_free(res->footer_added);
	res->footer_added = NULL;
	res->footer_refused = NULL;
	on_error_answer(res, engine->conf, msg, false, ops);
}

struct engine_result *engine_error_result(const struct engine *engine,
					  const struct engine_message *msg, bool ours_written,
					  const char *reason)
{
	struct engine_result *res = g_new0(struct engine_result, 1);
	GArray *ops = g_array_new(FALSE, TRUE, sizeof(struct engine_op));

	g_array_set_clear_func(ops, op_clear);
	res->error = g_strdup(reason);
	on_error_answer(res, engine != NULL ? engine->conf : NULL, msg, ours_written, ops);
	res->n_ops = ops->len;
	res->ops = (struct engine_op *)g_array_free(ops, FALSE);
	return res;
}

/* Add the verdict's footer to the body. Returns -1 with *error_r on failure. */
static int run_footer(struct engine_result *res, struct parser_message *pmsg,
		      struct parser_annotated **ann_r, const char **error_r)
{
	const struct policy_verdict *v = res->verdict;
	struct parser_footer footer = { v->footer_text, v->footer_html };
	enum parser_annotate_status status;

	*ann_r = NULL;
	if (parser_annotate(pmsg, &footer, &status, ann_r, error_r) < 0)
		return -1;
	switch (status) {
	case PARSER_ANNOTATE_DONE:
		res->footer_added = g_strdup(v->footer_text);
		break;
	case PARSER_ANNOTATE_ALREADY:
		break;
	case PARSER_ANNOTATE_REFUSED:
		res->footer_refused = parser_rewrite_refusal(pmsg);
		break;
	}
	return 0;
}

/* The verdict into MTA operations, in the order they must be applied. */
static void verdict_ops(struct engine_result *res, const struct engine_message *msg,
			struct parser_annotated *ann, GArray *ops)
{
	const struct policy_verdict *v = res->verdict;

	op_delete_forged(ops, msg);
	char *result = res->footer_refused == NULL ? g_strdup(v->result_header) :
		g_strdup_printf("%s; footer=refused (%s)", v->result_header, res->footer_refused);
	op_add(ops, ENGINE_OP_INSERT_HEADER, POLICY_RESULT_HEADER, 0,
	       header_value(POLICY_RESULT_HEADER, result));
	g_free(result);

	for (size_t i = 0; i < v->n_headers; i++)
		op_add(ops, ENGINE_OP_ADD_HEADER, v->headers[i].name, 0,
		       header_value(v->headers[i].name, v->headers[i].value));

	if (ann != NULL) {
		if (ann->mime_version != NULL)
			op_set_header(ops, msg, "MIME-Version", ann->mime_version);
		if (ann->content_type != NULL)
			op_set_header(ops, msg, "Content-Type", ann->content_type);
		if (ann->content_transfer_encoding != NULL)
			op_set_header(ops, msg, "Content-Transfer-Encoding",
				      ann->content_transfer_encoding);
		struct engine_op op = { .kind = ENGINE_OP_REPLACE_BODY, .body = ann->body,
					.body_len = ann->body_len };
		ann->body = NULL;	/* the op owns it now */
		g_array_append_val(ops, op);
	}

	for (size_t i = 0; i < v->n_add_rcpts; i++)
		op_add(ops, ENGINE_OP_ADD_RCPT, NULL, 0, g_strdup(v->add_rcpts[i]));
	if (v->cc_append != NULL)
		op_append_cc(ops, msg, v->cc_append);

	if (v->action == CONF_ACTION_HOLD) {
		const char *reason = v->hold_reason != NULL ? v->hold_reason :
			"held for the Clerk by council policy";
		op_add(ops, ENGINE_OP_QUARANTINE, NULL, 0, header_text(reason));
	}
}

/* The first header called NAME, or NULL. */
static const char *first_header(const struct engine_message *msg, const char *name)
{
	for (guint i = 0; i < msg->headers->len; i++) {
		const struct engine_header *h = &g_array_index(msg->headers,
							       struct engine_header, i);
		if (engine_header_is(h->name, name))
			return h->value;
	}
	return NULL;
}

/* "<id@host>" with blanks around -> "id@host"; NULL for none. */
static char *bare_message_id(const char *value)
{
	if (value == NULL)
		return NULL;
	char *id = g_strstrip(parser_header_sanitise(value, HEADER_VALUE_MAX));
	size_t len = strlen(id);
	if (len >= 2 && id[0] == '<' && id[len - 1] == '>') {
		memmove(id, id + 1, len - 2);
		id[len - 2] = '\0';
	}
	if (*id == '\0') {
		g_free(id);
		return NULL;
	}
	return id;
}

/* Message-ID, Subject and author for notices and the journal: from the
   parsed message when there is one, else from the raw headers. */
static void result_facts(struct engine_result *res, const struct engine_message *msg,
			 const struct parser_message *pmsg)
{
	if (pmsg != NULL) {
		const struct parser_address_list *from = &pmsg->fields[PARSER_FROM];
		res->message_id = *pmsg->message_id != '\0' ? g_strdup(pmsg->message_id) : NULL;
		res->subject = *pmsg->subject != '\0' ? g_strdup(pmsg->subject) : NULL;
		res->author = from->n > 0 ? g_strdup(from->items[0].addr) : NULL;
		return;
	}
	const char *subject = first_header(msg, "Subject");
	res->message_id = bare_message_id(first_header(msg, "Message-ID"));
	res->subject = subject != NULL ? parser_header_sanitise(subject, HEADER_VALUE_MAX) : NULL;
}

/* Our own notice: null sender, and one marker whose HMAC matches, under our
   key and in time, this message's headers (each of them once), envelope
   recipients and body. A forged marker, or one replayed on other words,
   to others or too late, fails. */
static bool own_notice(const struct engine *engine, const struct engine_message *msg)
{
	const struct marker_key *key = engine_marker_key(engine);
	struct marker_facts facts = {
		.rcpts = (const char *const *)msg->rcpts->pdata,
		.n_rcpts = msg->rcpts->len,
	};

	if (key == NULL || msg->mail_from == NULL || *msg->mail_from != '\0' ||
	    header_count(msg, MARKER_HEADER) != 1)
		return false;
	for (size_t i = 0; i < MARKER_N_HEADERS; i++) {
		if (header_count(msg, marker_headers[i]) != 1)
			return false;
		facts.headers[i] = first_header(msg, marker_headers[i]);
	}
	const guint8 *body = engine_message_body(msg, &facts.body_len);
	facts.body = (const char *)body;
	return marker_valid(key, &facts, first_header(msg, MARKER_HEADER), time(NULL));
}

/* Could the message be our own notice (own_notice)? That is known only from
   its body, so such a message is never decided from its header block. */
static bool own_notice_possible(const struct engine *engine, const struct engine_message *msg)
{
	return engine_marker_key(engine) != NULL && msg->mail_from != NULL &&
	       *msg->mail_from == '\0' && header_count(msg, MARKER_HEADER) == 1;
}

static struct parser_limits parser_limits_of(const struct engine *engine)
{
	const struct conf_limits *lim = &engine->conf->daemon.limits;

	return (struct parser_limits){
		.max_header_bytes = lim->max_header_bytes,
		.max_depth = lim->max_depth,
		.max_parts = lim->max_parts,
		.max_text_bytes = lim->max_text_bytes,
		.max_html_attributes = lim->max_html_attributes,
		.max_html_depth = lim->max_html_depth,
	};
}

static struct policy_envelope envelope_of(const struct engine_message *msg)
{
	return (struct policy_envelope){
		.mail_from = msg->mail_from != NULL ? msg->mail_from : "",
		.rcpts = (const char *const *)msg->rcpts->pdata,
		.n_rcpts = msg->rcpts->len,
		.auth_login = msg->auth,
		.queue_id = msg->queue_id,
		.now = msg->now != 0 ? msg->now : time(NULL),
	};
}

/* The verdict from the envelope and the header block alone, with the header
   fields it read, when no council's rule can apply (policy_judge_headers);
   false when the whole message must be judged. Every doubt is "whole": a
   limit already passed before the body, a possible notice of ours, an
   envelope of a council, a header block the parser would not read field
   by field, an error (which the whole judgement meets again and answers). */
static bool decide_early(const struct engine *engine, struct engine_message *msg,
			 struct policy_verdict **verdict_r, struct parser_message **model_r)
{
	struct policy_envelope env = envelope_of(msg);
	struct parser_limits plim = parser_limits_of(engine);
	const char *error;

	*verdict_r = NULL;
	*model_r = NULL;
	if (engine->no_early || (msg->limit_error != NULL && !msg->limit_in_body) ||
	    own_notice_possible(engine, msg) || policy_envelope_council(engine->conf, &env))
		return false;
	engine_message_end_headers(msg);
	/* What the verdict (From:) and the facts (result_facts) read. */
	static const char *const only[] = { "From", "Subject", "Message-ID", NULL };

	if (parser_parse_headers((const char *)msg->raw->data, msg->body_offset, &plim, only,
				 model_r) != 1)
		return false;
	if (policy_judge_headers(engine->conf, &env, *model_r, verdict_r, &error) != 1) {
		parser_message_free(model_r);
		return false;
	}
	return true;
}

bool engine_message_decide(struct engine *engine, struct engine_message *msg)
{
	if (msg->early == EARLY_UNDECIDED)
		msg->early = decide_early(engine, msg, &msg->early_verdict, &msg->early_model) ?
			EARLY_HEADERS : EARLY_WHOLE;
	return msg->early == EARLY_HEADERS;
}

/* Journal the decision; when that fails, journal_failure says whether the
   verdict stands (the line goes to the log) or becomes a tempfail. */
static void journal_decision(struct engine_result *res, const struct engine *engine,
			     GArray *ops)
{
	struct journal *journal = engine->shared != NULL ?
		engine_shared_journal(engine->shared) : NULL;
	bool sync = res->status == ENGINE_REJECT ||
		(res->status == ENGINE_CONTINUE && res->verdict != NULL &&
		 res->verdict->action == CONF_ACTION_HOLD);
	const char *error;

	if (journal == NULL || journal_append(journal, res->journal_line, sync, &error) == 0)
		return;
	res->journal_error = g_strdup(error);
	if (engine->conf->daemon.journal_failure == CONF_JOURNAL_CONTINUE)
		return;
	res->status = ENGINE_TEMPFAIL;
	res->cause = "journal";
	set_reply(res, "451", "4.3.0", "The council mail filter could not record its decision "
		  "on this message just now; please try again later.");
	g_array_set_size(ops, 0);
}

struct engine_result *engine_run(struct engine *engine, struct engine_message *msg)
{
	return engine_run_verdict(engine, msg, NULL);
}

struct engine_result *engine_run_verdict(struct engine *engine, struct engine_message *msg,
					 struct policy_verdict *verdict)
{
	struct engine_result *res = g_new0(struct engine_result, 1);
	GArray *ops = g_array_new(FALSE, TRUE, sizeof(struct engine_op));
	struct parser_message *pmsg = NULL;
	struct parser_annotated *ann = NULL;
	const char *error = NULL;
	char *reason = NULL;
	unsigned parser_flags = 0;

	g_array_set_clear_func(ops, op_clear);
	res->verdict = verdict;
	bool early = verdict == NULL && engine_message_decide(engine, msg);
	if (msg->limit_error != NULL && !early) {
		reason = g_strdup(msg->limit_error);
		res->cause = "limit";
		goto out;
	}
	if (early) {
		/* No rule can apply: the verdict from the header block, the same
		   operations a whole judgement gives (no footer, no other header). */
		res->verdict = g_steal_pointer(&msg->early_verdict);
		pmsg = g_steal_pointer(&msg->early_model);
		if (res->verdict == NULL && !decide_early(engine, msg, &res->verdict, &pmsg)) {
			reason = g_strdup("the message was decided from its headers, but "
					  "they no longer decide it");
			goto out;
		}
		res->status = ENGINE_CONTINUE;
		verdict_ops(res, msg, NULL, ops);
		goto out;
	}
	if (verdict == NULL && own_notice(engine, msg)) {
		/* Never judged, so a notice can never cause another; the marker
		   is removed so its value never leaves the server. */
		res->own_notice = true;
		res->status = ENGINE_CONTINUE;
		op_delete_forged(ops, msg);
		goto out;
	}

	engine_message_end_headers(msg);
	struct parser_limits plim = parser_limits_of(engine);
	/* The parser reads the message where the engine received it: the
	   message is held once, not twice, while it is judged and annotated,
	   and it may be tens of megabytes (bench/size-scaling.sh). */
	int ret = parser_parse_in_place((const char *)msg->raw->data, msg->raw->len, &plim,
					&pmsg, &error);
	if (ret < 0) {
		reason = g_strdup_printf("could not parse the message: %s", error);
		res->cause = "parse";
		goto out;
	}
	parser_flags = pmsg->flags;

	struct engine_documents docs = { .conf = engine->conf, .msg = pmsg };
	struct policy_documents reader = { .read = engine_read_document, .ctx = &docs };
	struct policy_envelope env = envelope_of(msg);

	env.documents = &reader;
	if (res->verdict == NULL &&
	    policy_judge(engine->conf, &env, pmsg, engine->store, &res->verdict, &error) < 0) {
		reason = g_strdup_printf("could not judge the message: %s", error);
		res->cause = "judge";
		goto out;
	}

	if (res->verdict->action == CONF_ACTION_REJECT) {
		/* Refused at SMTP time: nothing is delivered, so nothing to change.
		   Policy says why in words; the reply's codes are the engine's. */
		char *why = util_text_ascii(res->verdict->reject_text != NULL ?
					    res->verdict->reject_text :
					    "Refused by the council's mail policy.");
		res->status = ENGINE_REJECT;
		set_reply(res, "550", "5.7.1", why);	/* ASCII: SMTP's, and no reordering */
		g_free(why);
		goto out;
	}
	if (res->verdict->footer_text != NULL && run_footer(res, pmsg, &ann, &error) < 0) {
		reason = g_strdup_printf("could not add the footer: %s", error);
		res->cause = "footer";
		goto out;
	}
	res->status = ENGINE_CONTINUE;
	verdict_ops(res, msg, ann, ops);
	/* The journal line (issue 6) is built here, from res and msg. */
out:
	if (reason != NULL)
		result_error(res, engine, msg, ops, reason);
	g_free(reason);
	result_facts(res, msg, pmsg);
	parser_annotated_free(&ann);
	parser_message_free(&pmsg);
	res->journal_line = engine_journal_line(res, msg);
	journal_decision(res, engine, ops);
	res->n_ops = ops->len;
	res->ops = (struct engine_op *)g_array_free(ops, FALSE);
	res->summary = summary_line(res, msg, parser_flags);
	return res;
}

void engine_result_free(struct engine_result **res_p)
{
	struct engine_result *res = *res_p;

	if (res == NULL)
		return;
	for (size_t i = 0; i < res->n_ops; i++)
		op_clear(&res->ops[i]);
	g_free(res->ops);
	policy_verdict_free(&res->verdict);
	g_free(res->reply_code);
	g_free(res->reply_xcode);
	g_free(res->reply_text);
	g_free(res->error);
	g_free(res->summary);
	g_free(res->journal_line);
	g_free(res->journal_error);
	g_free(res->message_id);
	g_free(res->subject);
	g_free(res->author);
	g_free(res->footer_added);
	g_free(res);
	*res_p = NULL;
}

const char *engine_result_action(const struct engine_result *res)
{
	if (res->status == ENGINE_TEMPFAIL)
		return "tempfail";
	if (res->status == ENGINE_REJECT)
		return "reject";
	if (res->verdict == NULL)
		return "accept";
	switch (res->verdict->action) {
	case CONF_ACTION_HOLD:
		return "hold";
	case CONF_ACTION_ANNOTATE:
		return "annotate";
	case CONF_ACTION_REJECT:
		return "reject";
	case CONF_ACTION_MONITOR:
	case CONF_ACTION_NONE:
	default:
		return "accept";
	}
}
