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

/* ---- the line written directly ----

   A decision is written for every message, and building it as a tree of
   JSON nodes and then serialising it (json-glib) cost more than any rule
   but one. The line is written here as json-glib's generator writes it,
   byte for byte (tests/engine/test_journal_line.c compares the two):
   members in order, no spaces, and strings escaped as json_strescape()
   does: \" and \\, \b \f \n \r \t, \u00xx for the other bytes 0x01 to
   0x1e and 0x7f (0x1f is left as it is), everything else as it is. */

static void put_escaped(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const char *p = s; *p != '\0'; p++) {
		const char *q = p;
		unsigned char c;

		while ((unsigned char)*q >= 0x20 && *q != '"' && *q != '\\' && *q != 0x7f)
			q++;	/* a run that needs no escape, appended at once */
		if (q > p) {
			g_string_append_len(out, p, q - p);
			p = q;
			if (*p == '\0')
				break;
		}
		c = (unsigned char)*p;
		if (c == '\\' || c == '"') {
			g_string_append_c(out, '\\');
			g_string_append_c(out, (char)c);
		} else if ((c > 0 && c < 0x1f) || c == 0x7f) {
			switch (c) {
			case '\b': g_string_append(out, "\\b"); break;
			case '\f': g_string_append(out, "\\f"); break;
			case '\n': g_string_append(out, "\\n"); break;
			case '\r': g_string_append(out, "\\r"); break;
			case '\t': g_string_append(out, "\\t"); break;
			default: g_string_append_printf(out, "\\u00%.2x", c); break;
			}
		} else {
			g_string_append_c(out, (char)c);
		}
	}
	g_string_append_c(out, '"');
}

/* "NAME": after a comma unless first in its object */
static void put_name(GString *out, const char *name)
{
	char last = out->len > 0 ? out->str[out->len - 1] : '{';

	if (last != '{' && last != '[')
		g_string_append_c(out, ',');
	put_escaped(out, name);
	g_string_append_c(out, ':');
}

/* A string as people will read it (journal_add_string), or null. */
static void put_visible(GString *out, const char *value)
{
	char *visible;

	if (value == NULL) {
		g_string_append(out, "null");
		return;
	}
	for (const char *p = value; (unsigned char)*p < 0x80; p++)
		if (*p == '\0') {	/* plain ASCII: util_text_visible would copy it */
			put_escaped(out, value);
			return;
		}
	visible = util_text_visible(value, -1);
	put_escaped(out, visible);
	g_free(visible);
}

static void put_string(GString *out, const char *name, const char *value)
{
	put_name(out, name);
	put_visible(out, value);
}

static void put_strings(GString *out, const char *name, const char *const *items, size_t n)
{
	put_name(out, name);
	g_string_append_c(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c(out, ',');
		put_visible(out, items[i]);
	}
	g_string_append_c(out, ']');
}

static void put_findings(GString *out, const struct policy_verdict *v)
{
	put_name(out, "findings");
	g_string_append_c(out, '[');
	for (size_t i = 0; v != NULL && i < v->n_findings; i++) {
		const struct policy_finding *f = &v->findings[i];

		g_string_append(out, i > 0 ? ",{" : "{");
		put_string(out, "rule", conf_rule_id(f->rule));
		put_string(out, "action", conf_action_name(f->action));
		put_string(out, "clause", f->clause);
		put_string(out, "evidence", f->evidence);
		g_string_append_c(out, '}');
	}
	g_string_append_c(out, ']');
}

static void put_exceptions(GString *out, const struct policy_verdict *v)
{
	put_name(out, "exceptions");
	g_string_append_c(out, '[');
	for (size_t i = 0; i < v->n_exceptions; i++) {
		const struct policy_exception *x = &v->exceptions[i];

		g_string_append(out, i > 0 ? ",{" : "{");
		put_string(out, "rule", conf_rule_id(x->rule));
		put_string(out, "exception", x->exception);
		put_string(out, "evidence", x->evidence);
		g_string_append_c(out, '}');
	}
	g_string_append_c(out, ']');
}

char *engine_journal_line(const struct engine_result *res, const struct engine_message *msg)
{
	const struct policy_verdict *v = res->verdict;
	const char *mail_from = msg->mail_from != NULL ? msg->mail_from : "";
	GString *out = g_string_sized_new(1024);
	GDateTime *now = g_date_time_new_now_utc();
	char *time = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");

	g_string_append_c(out, '{');
	/* as journal_line_begin("decision") */
	put_string(out, "time", time);
	put_string(out, "event", "decision");
	g_free(time);
	g_date_time_unref(now);
	put_string(out, "queue_id", msg->queue_id);
	put_string(out, "message_id", res->message_id);
	put_string(out, "council", v != NULL && v->council != NULL ? v->council->name : NULL);
	put_string(out, "author", res->author);
	put_string(out, "author_name", v != NULL && v->author != NULL ? v->author->name : NULL);
	/* SPEC 2: From: says in whose name; AUTH and MAIL FROM say who submitted. */
	put_string(out, "submitter", msg->auth != NULL ? msg->auth : mail_from);
	put_string(out, "auth", msg->auth);
	put_string(out, "mail_from", mail_from);
	put_strings(out, "recipients", (const char *const *)msg->rcpts->pdata, msg->rcpts->len);
	put_string(out, "subject", res->subject);
	put_findings(out, v);
	/* A finding-free entry for each finding an exception stopped, so the
	   Clerk can audit the exceptions; only when there is one. */
	if (v != NULL && v->n_exceptions > 0)
		put_exceptions(out, v);
	put_string(out, "action", engine_result_action(res));
	if (res->own_notice) {
		put_name(out, "own_notice");
		g_string_append(out, "true");
	}
	if (v != NULL && v->action == CONF_ACTION_HOLD && res->status == ENGINE_CONTINUE)
		put_string(out, "hold_reason", v->hold_reason);
	if (v != NULL && v->n_add_rcpts > 0)
		put_strings(out, "rcpts_added", (const char *const *)v->add_rcpts, v->n_add_rcpts);
	if (res->footer_refused != NULL)
		put_string(out, "footer_refused", res->footer_refused);
	if (res->status != ENGINE_CONTINUE && res->reply_code != NULL) {
		char *reply = g_strdup_printf("%s %s %s", res->reply_code, res->reply_xcode,
					      res->reply_text);
		put_string(out, "reply", reply);
		g_free(reply);
	}
	if (res->error != NULL)
		put_string(out, "error", res->error);
	if (v != NULL && v->unread != NULL)
		put_string(out, "unread", v->unread);
	if (v != NULL && v->store_error != NULL)
		put_string(out, "thread_store_error", v->store_error);
	g_string_append_c(out, '}');
	return g_string_free(out, FALSE);
}
