/*
 * engine output: the message as it would be delivered (engine_render) and the
 * judge's JSON (engine_result_json, SPEC 6).
 */
#include "engine/engine-private.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "audit/audit.h"

/* Index into H of the INDEX-th (1-based) header called NAME, or -1. */
static int find_header(GArray *h, const char *name, int index)
{
	for (guint i = 0; i < h->len; i++) {
		if (engine_header_is(g_array_index(h, struct engine_header, i).name, name) &&
		    --index == 0)
			return (int)i;
	}
	return -1;
}

char *engine_render(const struct engine_message *msg, const struct engine_result *res,
		    size_t *len_r)
{
	size_t body_len;
	const guint8 *body = engine_message_body(msg, &body_len);

	*len_r = 0;
	if (res->status != ENGINE_CONTINUE)
		return NULL;	/* refused or deferred: nothing is delivered */

	/* Borrowed pointers (no clear function): the message's and the ops'. */
	GArray *h = g_array_sized_new(FALSE, FALSE, sizeof(struct engine_header),
				      msg->headers->len + res->n_ops);
	g_array_append_vals(h, msg->headers->data, msg->headers->len);
	/* The same semantics as the milter operations (smfi_chgheader on a
	   header that is not there adds it). */
	for (size_t i = 0; i < res->n_ops; i++) {
		const struct engine_op *op = &res->ops[i];
		struct engine_header v = { op->name, op->value };	/* borrowed */
		int at;

		switch (op->kind) {
		case ENGINE_OP_DELETE_HEADER:
			if ((at = find_header(h, op->name, op->index)) >= 0)
				g_array_remove_index(h, at);
			break;
		case ENGINE_OP_CHANGE_HEADER:
			if ((at = find_header(h, op->name, op->index)) >= 0)
				g_array_index(h, struct engine_header, at).value = op->value;
			else
				g_array_append_val(h, v);
			break;
		case ENGINE_OP_INSERT_HEADER:
			g_array_prepend_val(h, v);
			break;
		case ENGINE_OP_ADD_HEADER:
			g_array_append_val(h, v);
			break;
		case ENGINE_OP_REPLACE_BODY:
			body = (const guint8 *)op->body;
			body_len = op->body_len;
			break;
		case ENGINE_OP_ADD_RCPT:
		case ENGINE_OP_QUARANTINE:
			break;	/* envelope and queue only: the bytes do not change */
		}
	}
	GByteArray *out = engine_assemble((const struct engine_header *)h->data, h->len,
					  body, body_len);
	g_array_unref(h);
	*len_r = out->len;
	g_byte_array_append(out, (const guint8 *)"", 1);	/* NUL, not counted */
	return (char *)g_byte_array_free(out, FALSE);
}

/* A folded header value back on one line, as a reader wants it in JSON. */
static char *unfold(const char *value)
{
	GString *s = g_string_sized_new(strlen(value));

	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n') {
			while (p[1] == '\r' || p[1] == '\n' || p[1] == ' ' || p[1] == '\t')
				p++;
			g_string_append_c(s, ' ');
		} else {
			g_string_append_c(s, *p);
		}
	}
	return g_string_free(s, FALSE);
}

/* Headers the delivered message gains or has changed, in op order. */
static void add_headers(JsonBuilder *b, const struct engine_result *res)
{
	json_builder_set_member_name(b, "headers");
	json_builder_begin_array(b);
	for (size_t i = 0; i < res->n_ops; i++) {
		const struct engine_op *op = &res->ops[i];
		if (op->kind != ENGINE_OP_INSERT_HEADER && op->kind != ENGINE_OP_ADD_HEADER &&
		    op->kind != ENGINE_OP_CHANGE_HEADER)
			continue;
		char *value = unfold(op->value);
		json_builder_begin_object(b);
		journal_add_string(b, "name", op->name);
		journal_add_string(b, "value", value);
		json_builder_end_object(b);
		g_free(value);
	}
	json_builder_end_array(b);
}

static void add_ops_of(JsonBuilder *b, const char *member, const struct engine_result *res,
		       enum engine_op_kind kind)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (size_t i = 0; i < res->n_ops; i++)
		if (res->ops[i].kind == kind)
			json_builder_add_string_value(b, res->ops[i].value);
	json_builder_end_array(b);
}

char *engine_result_json(const struct engine_result *res)
{
	const struct policy_verdict *v = res->verdict;
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	journal_add_string(b, "action", engine_result_action(res));
	journal_add_string(b, "council", v != NULL && v->council != NULL ? v->council->name : NULL);
	engine_add_findings(b, "rules", "id", v);
	engine_add_exceptions(b, "id", v);
	add_headers(b, res);

	json_builder_set_member_name(b, "footers");
	json_builder_begin_array(b);
	if (res->footer_added != NULL)
		json_builder_add_string_value(b, res->footer_added);
	json_builder_end_array(b);
	journal_add_string(b, "footer_refused", res->footer_refused);
	add_ops_of(b, "rcpts_added", res, ENGINE_OP_ADD_RCPT);

	const char *hold = NULL;
	for (size_t i = 0; i < res->n_ops; i++)
		if (res->ops[i].kind == ENGINE_OP_QUARANTINE)
			hold = res->ops[i].value;
	journal_add_string(b, "hold_reason", hold);
	/* An attached document not read: why the message got on_incomplete. */
	journal_add_string(b, "unread", v != NULL ? v->unread : NULL);

	json_builder_set_member_name(b, "reply");
	if (res->status != ENGINE_CONTINUE && res->reply_code != NULL) {
		json_builder_begin_object(b);
		journal_add_string(b, "code", res->reply_code);
		journal_add_string(b, "xcode", res->reply_xcode);
		journal_add_string(b, "text", res->reply_text);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	journal_add_string(b, "error", res->error);
	json_builder_end_object(b);

	return journal_json_text(b, true);
}
