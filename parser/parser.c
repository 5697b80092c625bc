/*
 * parser_parse: bound the input (prescan), one GMime parse, the model.
 */
#include "parser/parser-private.h"

#include <libxml/parser.h>
#include <string.h>

void parser_init(void)
{
	g_mime_init();
	xmlInitParser();
}

void parser_shutdown(void)
{
	xmlCleanupParser();
	g_mime_shutdown();
}

static void resolve_limits(const struct parser_limits *in, struct parser_limits *out)
{
	static const struct parser_limits none;

	if (in == NULL)
		in = &none;
	out->max_header_bytes = in->max_header_bytes != 0 ? in->max_header_bytes :
		PARSER_DEFAULT_HEADER_BYTES;
	out->max_depth = in->max_depth != 0 ? in->max_depth : PARSER_DEFAULT_DEPTH;
	if (out->max_depth > PARSER_DEPTH_CEILING)
		out->max_depth = PARSER_DEPTH_CEILING;
	out->max_parts = in->max_parts != 0 ? in->max_parts : PARSER_DEFAULT_PARTS;
	out->max_text_bytes = in->max_text_bytes != 0 ? in->max_text_bytes :
		PARSER_DEFAULT_TEXT_BYTES;
	out->max_html_attributes = MIN(in->max_html_attributes != 0 ? in->max_html_attributes :
				       PARSER_DEFAULT_HTML_ATTRIBUTES, PARSER_HTML_ATTRIBUTES_CEILING);
	out->max_html_depth = MIN(in->max_html_depth != 0 ? in->max_html_depth :
				  PARSER_DEFAULT_HTML_DEPTH, PARSER_HTML_DEPTH_CEILING);
}

struct warn_ctx {
	unsigned *flags;
	bool *conflicting;
	size_t cut_offset;
};

/* Structural damage GMime reports; cosmetic issues (duplicated headers,
   8-bit or badly encoded words) are not damage. */
static void on_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	struct warn_ctx *ctx = data;

	if (offset >= 0 && (size_t)offset >= ctx->cut_offset)
		return;		/* our own cut, already flagged */
	switch (code) {
	case GMIME_CRIT_CONFLICTING_PARAMETER:
		/* two boundary or charset parameters: as for two Content-Type
		   fields below, readers differ on which one counts */
		*ctx->conflicting = true;
		*ctx->flags |= PARSER_FLAG_MALFORMED;
		break;
	case GMIME_WARN_MALFORMED_MULTIPART:
	case GMIME_WARN_TRUNCATED_MESSAGE:
	case GMIME_WARN_MALFORMED_MESSAGE:
	case GMIME_CRIT_INVALID_HEADER_NAME:
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_CRIT_NESTING_OVERFLOW:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		*ctx->flags |= PARSER_FLAG_MALFORMED;
		break;
	case GMIME_CRIT_CONFLICTING_HEADER:
		/* Two To: fields are untidy; two Content-Type: fields change
		   what the message is, and readers differ on which one counts
		   (GMime the last, others the first): never rewrite such a
		   message, whoever reads it must see what the sender sent. */
		if (item != NULL && g_ascii_strncasecmp(item, "Content-", 8) == 0) {
			*ctx->flags |= PARSER_FLAG_MALFORMED;
			*ctx->conflicting = true;
		}
		break;
	default:
		break;
	}
}

static GMimeParserOptions *new_options(void)
{
	static const char *fallback[] = { "UTF-8", "windows-1252", NULL };
	GMimeParserOptions *o = g_mime_parser_options_new();

	g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(o, fallback);
	return o;
}

/* One GMime parse of priv->data; the stream stays with priv (GMime keeps
   part content as views into it). */
static GMimeMessage *construct(struct parser_private *priv)
{
	GMimeParser *gp;
	GMimeMessage *m;

	if (priv->stream != NULL)
		g_object_unref(priv->stream);
	priv->stream = g_mime_stream_mem_new_with_byte_array(priv->data);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(priv->stream), FALSE);
	gp = g_mime_parser_new_with_stream(priv->stream);
	g_mime_parser_set_persist_stream(gp, TRUE);
	m = g_mime_parser_construct_message(gp, priv->options);
	g_object_unref(gp);
	return m;
}

/* Let go of the model's buffer: freed, or only its wrapper when borrowed. */
static void data_release(struct parser_private *priv)
{
	if (priv->data_borrowed)
		(void)g_byte_array_free(priv->data, FALSE);	/* the caller's bytes */
	else
		g_byte_array_free(priv->data, TRUE);
	priv->data = NULL;
	priv->data_borrowed = false;
}

/* DATA[0, LEN) into a model. OWNED, when not NULL, is a GByteArray holding
   exactly DATA that becomes the model's buffer (no copy), or is freed.
   BORROW: DATA itself is the buffer GMime reads, never written or freed. */
static int parse(const char *data, size_t len, GByteArray *owned, bool borrow,
		 const struct parser_limits *limits, struct parser_message **msg_r,
		 const char **error_r)
{
	struct parser_limits lim;
	struct prescan_result pre;
	struct parser_message *msg;
	struct parser_private *priv;
	struct warn_ctx wctx;

	*msg_r = NULL;
	if (data == NULL && len > 0) {
		*error_r = "no message data";
		return -1;
	}
	if (len > G_MAXUINT / 2) {
		*error_r = "message too large for the parser (over 2 GB)";
		return -1;
	}
	resolve_limits(limits, &lim);
	prescan(data, len, lim.max_depth, lim.max_parts, lim.max_header_bytes, &pre);

	msg = g_new0(struct parser_message, 1);
	priv = msg->priv = g_new0(struct parser_private, 1);
	msg->size = len;
	msg->flags = pre.flags;
	priv->footers_seen = g_ptr_array_new_with_free_func(g_free);
	priv->decoded = g_ptr_array_new_with_free_func(g_object_unref);
	priv->part_objects = g_ptr_array_new();
	priv->decoded_text = g_array_new(FALSE, FALSE, sizeof(struct decoded_text));
	/* Only header lines left out of the top-level header: the body is the
	   same, and can be rewritten, unless a MIME field went with them. */
	priv->no_rewrite = pre.body_cut || pre.mime_field_cut;
	if (pre.copy != NULL) {
		priv->data = pre.copy;
		if (owned != NULL)
			g_byte_array_free(owned, TRUE);
	} else if (owned != NULL) {
		priv->data = owned;
	} else if (borrow) {
		/* A wrapper only: nothing appends to it (see below), and it is let
		   go of without freeing the bytes. */
		priv->data = g_byte_array_new_take((guint8 *)(uintptr_t)data, len);
		priv->data_borrowed = true;
	} else {
		priv->data = g_byte_array_sized_new((guint)len + 1);
		g_byte_array_append(priv->data, (const guint8 *)data, (guint)len);
	}
	priv->body_offset = pre.header_bytes - pre.header_removed <= priv->data->len ?
		pre.header_bytes - pre.header_removed : priv->data->len;
	priv->options = new_options();
	wctx.flags = &msg->flags;
	wctx.conflicting = &priv->mime_conflict;
	wctx.cut_offset = pre.cut_offset;
	g_mime_parser_options_set_warning_callback(priv->options, on_warning, &wctx);

	if (pre.header_unterminated) {
		/* The header block ends at a line that is no header field, not at
		   a blank line. Postfix and Sendmail start the body there, so
		   GMime must too (it would read on, skipping the line): it gets a
		   blank line. The body, everything from that line, is unchanged. */
		guint at = (guint)priv->body_offset, n = priv->data->len;

		if (priv->data_borrowed) {
			/* The caller's bytes are not ours to change: a copy, for
			   this rare malformed message only. */
			GByteArray *copy = g_byte_array_sized_new(n + 1);

			g_byte_array_append(copy, priv->data->data, n);
			data_release(priv);
			priv->data = copy;
		}
		g_byte_array_set_size(priv->data, n + 1);
		memmove(priv->data->data + at + 1, priv->data->data + at, n - at);
		priv->data->data[at] = '\n';
		priv->body_offset++;
		if (wctx.cut_offset != SIZE_MAX)
			wctx.cut_offset++;
		msg->flags |= PARSER_FLAG_MALFORMED;
	}
	priv->message = construct(priv);
	g_mime_parser_options_set_warning_callback(priv->options, NULL, NULL);
	if (priv->message == NULL) {
		/* Nothing GMime could read as a message: an empty model. */
		msg->flags |= PARSER_FLAG_MALFORMED;
		priv->no_rewrite = true;
		priv->message = g_mime_message_new(FALSE);
	}
	model_build(msg, &lim, pre.header_bytes > lim.max_header_bytes ? lim.max_header_bytes : 0);
	*msg_r = msg;
	return 0;
}

/* Does LINE[0, N) start a field as both GMime and prescan read one: a name
   of printable ASCII but ':', blanks, then ':'? *COLON_R: where the ':' is,
   *NAME_LEN_R: the name's length. */
static bool plain_field_start(const char *line, size_t n, size_t *name_len_r, size_t *colon_r)
{
	size_t i = 0;

	while (i < n && line[i] > ' ' && line[i] < 127 && line[i] != ':')
		i++;
	*name_len_r = i;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	*colon_r = i;
	return *name_len_r > 0 && i < n && line[i] == ':';
}

/* A field of the header block: where its name and its raw value are. */
struct field_span {
	const char *name, *raw;
	size_t name_len, raw_len;
};

/* Is NAME one of ONLY (NULL: every name is)? */
static bool named(const char *const *only, const char *name, size_t len)
{
	if (only == NULL)
		return true;
	for (; *only != NULL; only++)
		if (strlen(*only) == len && g_ascii_strncasecmp(*only, name, len) == 0)
			return true;
	return false;
}

int parser_parse_headers(const char *data, size_t len, const struct parser_limits *limits,
			 const char *const *only, struct parser_message **msg_r)
{
	struct parser_limits lim;
	GArray *spans;
	size_t pos = 0;
	bool ended = false, in_field = false, kept = false;

	*msg_r = NULL;
	resolve_limits(limits, &lim);
	/* Past max_header_bytes the whole parse leaves fields out and flags a
	   limit; a NUL would end GMime's copy of a value early. Neither is
	   read here. */
	if (len > lim.max_header_bytes || memchr(data, '\0', len) != NULL)
		return 0;
	spans = g_array_sized_new(FALSE, FALSE, sizeof(struct field_span), 32);
	while (pos < len) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t raw, n, name_len, colon;

		if (nl == NULL)
			break;
		raw = (size_t)(nl - line) + 1;
		n = raw - 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0) {
			ended = pos + raw == len;	/* the blank line, and the last */
			break;
		}
		if (line[0] == ' ' || line[0] == '\t') {
			/* A continuation line: GMime keeps it in the raw value. */
			if (!in_field)
				break;
			if (kept)
				g_array_index(spans, struct field_span, spans->len - 1).raw_len += raw;
		} else {
			if (!plain_field_start(line, n, &name_len, &colon))
				break;	/* no field: the body would start on this line */
			struct field_span f = {
				.name = line, .name_len = name_len,
				.raw = line + colon + 1, .raw_len = raw - colon - 1,
			};
			in_field = true;
			kept = named(only, line, name_len);
			if (kept)
				g_array_append_val(spans, f);
		}
		pos += raw;
	}
	if (ended) {
		size_t n = spans->len;
		struct model_header *headers = g_new(struct model_header, n + 1);
		struct parser_message *msg = g_new0(struct parser_message, 1);
		GMimeParserOptions *options = new_options();

		for (size_t i = 0; i < n; i++) {
			const struct field_span *f = &g_array_index(spans, struct field_span, i);

			headers[i].name = g_strndup(f->name, f->name_len);
			headers[i].raw = g_strndup(f->raw, f->raw_len);
		}
		msg->size = len;
		model_read_headers(msg, options, headers, n);
		g_mime_parser_options_free(options);
		for (size_t i = 0; i < n; i++) {
			g_free((char *)headers[i].name);
			g_free((char *)headers[i].raw);
		}
		g_free(headers);
		/* Nothing of the body: empty texts, no parts. */
		msg->own_text = g_strdup("");
		msg->quoted_text = g_strdup("");
		msg->signature = g_strdup("");
		msg->own_text_shown = g_strdup("");
		msg->signature_shown = g_strdup("");
		*msg_r = msg;
	}
	g_array_free(spans, TRUE);
	return ended ? 1 : 0;
}

const char *parser_limit_key(unsigned flag)
{
	switch (flag) {
	case PARSER_FLAG_HEADER_LIMIT:
		return "max_header_bytes";
	case PARSER_FLAG_DEPTH_LIMIT:
		return "max_depth";
	case PARSER_FLAG_PART_LIMIT:
		return "max_parts";
	case PARSER_FLAG_TEXT_TRUNCATED:
		return "max_text_bytes";
	case PARSER_FLAG_HTML_ATTRIBUTE_LIMIT:
		return "max_html_attributes";
	case PARSER_FLAG_HTML_DEPTH_LIMIT:
		return "max_html_depth";
	default:
		return NULL;
	}
}

int parser_parse(const char *data, size_t len, const struct parser_limits *limits,
		 struct parser_message **msg_r, const char **error_r)
{
	return parse(data, len, NULL, false, limits, msg_r, error_r);
}

int parser_parse_in_place(const char *data, size_t len, const struct parser_limits *limits,
			  struct parser_message **msg_r, const char **error_r)
{
	return parse(data, len, NULL, true, limits, msg_r, error_r);
}

int parser_parse_take(char *data, size_t len, const struct parser_limits *limits,
		      struct parser_message **msg_r, const char **error_r)
{
	*msg_r = NULL;
	if (len > G_MAXUINT / 2) {
		g_free(data);
		*error_r = "message too large for the parser (over 2 GB)";
		return -1;
	}
	if (data == NULL)
		return parse(NULL, len, NULL, false, limits, msg_r, error_r);
	return parse(data, len, g_byte_array_new_take((guint8 *)data, len), false, limits, msg_r,
		     error_r);
}

static void free_addresses(struct parser_address_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		g_free(l->items[i].name);
		g_free(l->items[i].addr);
	}
	g_free(l->items);
}

void parser_message_free(struct parser_message **msgp)
{
	struct parser_message *m = *msgp;

	if (m == NULL)
		return;
	for (int f = 0; f < PARSER_FIELD_COUNT; f++)
		free_addresses(&m->fields[f]);
	g_free(m->subject);
	g_free(m->message_id);
	g_free(m->in_reply_to);
	g_strfreev(m->references);
	g_free(m->sensitivity);
	g_strfreev(m->classifications);
	for (size_t i = 0; i < m->n_parts; i++) {
		g_free(m->parts[i].content_type);
		g_free(m->parts[i].disposition);
		g_free(m->parts[i].filename);
	}
	g_free(m->parts);
	for (size_t i = 0; i < m->n_embedded; i++) {
		g_free(m->embedded[i].subject);
		g_free(m->embedded[i].sensitivity);
		g_free(m->embedded[i].text);
	}
	g_free(m->embedded);
	g_free(m->own_text);
	g_free(m->quoted_text);
	g_free(m->signature);
	g_free(m->own_text_shown);
	g_free(m->signature_shown);
	if (m->priv != NULL) {
		if (m->priv->message != NULL)
			g_object_unref(m->priv->message);
		if (m->priv->stream != NULL)
			g_object_unref(m->priv->stream);
		if (m->priv->options != NULL)
			g_mime_parser_options_free(m->priv->options);
		data_release(m->priv);
		g_ptr_array_free(m->priv->footers_seen, TRUE);
		g_ptr_array_free(m->priv->decoded, TRUE);
		g_ptr_array_free(m->priv->part_objects, TRUE);
		for (guint i = 0; i < m->priv->decoded_text->len; i++) {
			GByteArray *b = g_array_index(m->priv->decoded_text, struct decoded_text,
						      i).bytes;

			if (b != NULL)
				g_byte_array_free(b, TRUE);
		}
		g_array_free(m->priv->decoded_text, TRUE);
		g_free(m->priv);
	}
	g_free(m);
	*msgp = NULL;
}

int parser_part_content(const struct parser_message *msg, size_t index, size_t max,
			char **data_r, size_t *len_r, bool *truncated_r, const char **error_r)
{
	GMimeObject *obj;
	GByteArray *bytes;

	*data_r = NULL;
	*len_r = 0;
	*truncated_r = false;
	if (index >= msg->n_parts || index >= msg->priv->part_objects->len) {
		*error_r = "parser_part_content: no such part";
		return -1;
	}
	obj = g_ptr_array_index(msg->priv->part_objects, index);
	if (!GMIME_IS_PART(obj)) {
		*error_r = "parser_part_content: not a leaf part";
		return -1;
	}
	bytes = part_decoded_content(GMIME_PART(obj), max, truncated_r);
	*len_r = bytes->len;
	*data_r = (char *)g_byte_array_free(bytes, FALSE);
	return 0;
}

GByteArray *decoded_text_take(struct parser_private *priv, GMimePart *part)
{
	for (guint i = 0; i < priv->decoded_text->len; i++) {
		struct decoded_text *d = &g_array_index(priv->decoded_text, struct decoded_text, i);

		if (d->part == part && d->bytes != NULL) {
			GByteArray *b = d->bytes;

			d->bytes = NULL;
			return b;
		}
	}
	return NULL;
}
