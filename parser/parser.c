/* Stub: replaced by the real parser (issue 4). */
#include "parser/parser.h"

#include <gmime/gmime.h>

void parser_init(void) { g_mime_init(); }
void parser_shutdown(void) { g_mime_shutdown(); }

int parser_parse(const char *data, size_t len, const struct parser_limits *limits,
		 struct parser_message **msg_r, const char **error_r)
{
	struct parser_message *m = g_new0(struct parser_message, 1);
	m->subject = g_strdup(""); m->message_id = g_strdup(""); m->in_reply_to = g_strdup("");
	m->sensitivity = g_strdup(""); m->own_text = g_strdup(""); m->quoted_text = g_strdup("");
	m->signature = g_strdup(""); m->size = len;
	*msg_r = m;
	return 0;
}

void parser_message_free(struct parser_message **msg)
{
	struct parser_message *m = *msg;
	if (m == NULL)
		return;
	g_free(m->subject); g_free(m->message_id); g_free(m->in_reply_to); g_free(m->sensitivity);
	g_free(m->own_text); g_free(m->quoted_text); g_free(m->signature);
	g_free(m);
	*msg = NULL;
}

int parser_annotate(struct parser_message *msg, const struct parser_footer *footer,
		    enum parser_annotate_status *status_r, struct parser_annotated **out_r,
		    const char **error_r)
{
	*status_r = PARSER_ANNOTATE_REFUSED;
	*out_r = NULL;
	return 0;
}

void parser_annotated_free(struct parser_annotated **out) { *out = NULL; }
char *parser_header_sanitise(const char *value, size_t max_len) { return g_strndup(value, max_len); }
char *parser_header_fold(const char *name, const char *value) { return g_strdup(value); }
