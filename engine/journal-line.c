/*
 * The decision as one journal line (SPEC 6): who sent what to whom, what was
 * found with its evidence, and what was done. council-review joins these
 * lines with the MTA's hold queue by queue id.
 */
#include "engine/engine-private.h"

#include "audit/audit.h"
#include "util/util.h"

void engine_add_findings(JsonBuilder *b, const char *member, const char *id_key,
			 const struct policy_verdict *v)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (size_t i = 0; v != NULL && i < v->n_findings; i++) {
		const struct policy_finding *f = &v->findings[i];
		json_builder_begin_object(b);
		journal_add_string(b, id_key, conf_rule_id(f->rule));
		journal_add_string(b, "action", conf_action_name(f->action));
		journal_add_string(b, "clause", f->clause);
		journal_add_string(b, "evidence", f->evidence);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

void engine_add_exceptions(JsonBuilder *b, const char *id_key, const struct policy_verdict *v)
{
	json_builder_set_member_name(b, "exceptions");
	json_builder_begin_array(b);
	for (size_t i = 0; v != NULL && i < v->n_exceptions; i++) {
		const struct policy_exception *x = &v->exceptions[i];

		json_builder_begin_object(b);
		journal_add_string(b, id_key, conf_rule_id(x->rule));
		journal_add_string(b, "exception", x->exception);
		journal_add_string(b, "evidence", x->evidence);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void add_strings(JsonBuilder *b, const char *name, const char *const *items, size_t n)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (size_t i = 0; i < n; i++) {
		char *visible = util_text_visible(items[i], -1);
		json_builder_add_string_value(b, visible);
		g_free(visible);
	}
	json_builder_end_array(b);
}

char *engine_journal_line(const struct engine_result *res, const struct engine_message *msg)
{
	const struct policy_verdict *v = res->verdict;
	JsonBuilder *b = journal_line_begin("decision");
	const char *mail_from = msg->mail_from != NULL ? msg->mail_from : "";

	journal_add_string(b, "queue_id", msg->queue_id);
	journal_add_string(b, "message_id", res->message_id);
	journal_add_string(b, "council",
			   v != NULL && v->council != NULL ? v->council->name : NULL);
	journal_add_string(b, "author", res->author);
	journal_add_string(b, "author_name",
			   v != NULL && v->author != NULL ? v->author->name : NULL);
	/* SPEC 2: From: says in whose name; AUTH and MAIL FROM say who submitted. */
	journal_add_string(b, "submitter", msg->auth != NULL ? msg->auth : mail_from);
	journal_add_string(b, "auth", msg->auth);
	journal_add_string(b, "mail_from", mail_from);
	add_strings(b, "recipients", (const char *const *)msg->rcpts->pdata, msg->rcpts->len);
	journal_add_string(b, "subject", res->subject);
	engine_add_findings(b, "findings", "rule", v);
	/* A finding-free entry for each finding an exception stopped, so the
	   Clerk can audit the exceptions; only when there is one. */
	if (v != NULL && v->n_exceptions > 0)
		engine_add_exceptions(b, "rule", v);
	journal_add_string(b, "action", engine_result_action(res));
	if (res->own_notice) {
		json_builder_set_member_name(b, "own_notice");
		json_builder_add_boolean_value(b, TRUE);
	}
	if (v != NULL && v->action == CONF_ACTION_HOLD && res->status == ENGINE_CONTINUE)
		journal_add_string(b, "hold_reason", v->hold_reason);
	if (v != NULL && v->n_add_rcpts > 0)
		add_strings(b, "rcpts_added", (const char *const *)v->add_rcpts, v->n_add_rcpts);
	if (res->footer_refused != NULL)
		journal_add_string(b, "footer_refused", res->footer_refused);
	if (res->status != ENGINE_CONTINUE && res->reply_code != NULL) {
		char *reply = g_strdup_printf("%s %s %s", res->reply_code, res->reply_xcode,
					      res->reply_text);
		journal_add_string(b, "reply", reply);
		g_free(reply);
	}
	if (res->error != NULL)
		journal_add_string(b, "error", res->error);
	if (v != NULL && v->unread != NULL)
		journal_add_string(b, "unread", v->unread);
	if (v != NULL && v->store_error != NULL)
		journal_add_string(b, "thread_store_error", v->store_error);
	return journal_line_end(b);
}
