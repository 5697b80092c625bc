/*
 * engine: receiving a message. The envelope, the header fields as they
 * arrive and the body chunks go into one buffer, the message as the MTA would
 * write it, which the parser reads in place (engine.h); the judge loads a
 * whole message from a file through the same calls.
 */
#include "engine/engine-private.h"

#include <string.h>

static void header_clear(gpointer p)
{
	struct engine_header *h = p;

	g_free(h->name);
	g_free(h->value);
}

struct engine_message *engine_message_new(const struct engine *engine)
{
	struct engine_message *msg = g_new0(struct engine_message, 1);

	msg->max_bytes = engine->conf->daemon.limits.max_message_bytes;
	msg->max_header_bytes = engine->conf->daemon.limits.max_header_bytes;
	msg->max_rcpts = engine->conf->daemon.limits.max_recipients;
	msg->headers = g_array_new(FALSE, FALSE, sizeof(struct engine_header));
	g_array_set_clear_func(msg->headers, header_clear);
	msg->raw = g_byte_array_new();
	msg->rcpts = g_ptr_array_new_with_free_func(g_free);
	return msg;
}

void engine_message_free(struct engine_message **msg_p)
{
	struct engine_message *msg = *msg_p;

	if (msg == NULL)
		return;
	g_array_unref(msg->headers);
	g_byte_array_unref(msg->raw);
	g_ptr_array_unref(msg->rcpts);
	g_free(msg->mail_from);
	g_free(msg->auth);
	g_free(msg->queue_id);
	g_free(msg->limit_error);
	policy_verdict_free(&msg->early_verdict);
	parser_message_free(&msg->early_model);
	g_free(msg);
	*msg_p = NULL;
}

void engine_message_set_sender(struct engine_message *msg, const char *mail_from)
{
	g_free(msg->mail_from);
	msg->mail_from = g_strdup(mail_from != NULL ? mail_from : "");
}

int engine_message_add_rcpt(struct engine_message *msg, const char *rcpt)
{
	if (msg->limit_error != NULL)
		return -1;
	if (msg->max_rcpts != 0 && msg->rcpts->len >= msg->max_rcpts) {
		msg->limit_error = g_strdup_printf("more than %u recipients "
						   "(limits.max_recipients)", msg->max_rcpts);
		return -1;
	}
	g_ptr_array_add(msg->rcpts, g_strdup(rcpt));
	return 0;
}

void engine_message_set_auth(struct engine_message *msg, const char *login)
{
	g_free(msg->auth);
	msg->auth = (login != NULL && *login != '\0') ? g_strdup(login) : NULL;
}

void engine_message_set_time(struct engine_message *msg, time_t now)
{
	msg->now = now;
}

void engine_message_set_queue_id(struct engine_message *msg, const char *queue_id)
{
	g_free(msg->queue_id);
	msg->queue_id = (queue_id != NULL && *queue_id != '\0') ? g_strdup(queue_id) : NULL;
}

const char *engine_message_queue_id(const struct engine_message *msg)
{
	return msg->queue_id;
}

const char *engine_message_auth(const struct engine_message *msg)
{
	return msg->auth;
}

const char *engine_message_sender(const struct engine_message *msg)
{
	return msg->mail_from;
}

const char *const *engine_message_rcpts(const struct engine_message *msg, size_t *n_r)
{
	*n_r = msg->rcpts->len;
	return (const char *const *)msg->rcpts->pdata;
}

/* Over a hard limit: REASON is why. Nothing more is kept; what was kept of
   the message goes too, unless IN_BODY says the header block is complete
   and within its limit, when it is kept so that engine_message_decide can
   still decide from it. */
static void over_limit(struct engine_message *msg, char *reason, bool in_body)
{
	if (msg->limit_error != NULL) {
		g_free(reason);
		return;
	}
	msg->limit_error = reason;
	msg->limit_in_body = in_body && msg->body_offset != 0;
	g_byte_array_set_size(msg->raw, msg->limit_in_body ? msg->body_offset : 0);
	if (!msg->limit_in_body)
		msg->body_offset = 0;
}

void engine_message_too_large(struct engine_message *msg)
{
	over_limit(msg, g_strdup_printf("message larger than %zu bytes (limits.max_message_bytes)",
					msg->max_bytes), false);
}

size_t engine_message_max_bytes(const struct engine_message *msg)
{
	return msg->max_bytes;
}

/* Count N more bytes against max_message_bytes. Once over, the message keeps
   nothing more of its body: it will get on_error's verdict whatever else
   arrives, unless its header block decides it (engine_message_decide), which
   is kept for that. */
static int message_grow(struct engine_message *msg, size_t n, bool body)
{
	if (msg->limit_error != NULL)
		return -1;
	msg->size += n;
	if (msg->max_bytes != 0 && msg->size > msg->max_bytes) {
		over_limit(msg, g_strdup_printf("message larger than %zu bytes "
						"(limits.max_message_bytes)", msg->max_bytes), body);
		return -1;
	}
	return 0;
}

/* How many bytes DATA[0, LEN) takes with its bare LFs made CRLF. */
static size_t crlf_len(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;
	size_t n = len;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n += nl == data || nl[-1] != '\r';
		p = nl + 1;
	}
	return n;
}

/* DATA[0, LEN) appended to OUT with its bare LFs made CRLF, N bytes
   (crlf_len): OUT grows once, to its exact length, and the lines are
   copied without a call per piece (a message's body comes through here). */
static void append_crlf_n(GByteArray *out, const char *data, size_t len, size_t n)
{
	const char *p = data, *end = data + len, *nl;
	size_t at = out->len;
	guint8 *w;

	g_byte_array_set_size(out, (guint)(at + n));
	w = out->data + at;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl > data && nl[-1] == '\r') {
			memcpy(w, p, (size_t)(nl + 1 - p));
			w += nl + 1 - p;
		} else {
			memcpy(w, p, (size_t)(nl - p));
			w += nl - p;
			*w++ = '\r';
			*w++ = '\n';
		}
		p = nl + 1;
	}
	memcpy(w, p, (size_t)(end - p));
}

static void append_crlf_len(GByteArray *out, const char *data, size_t len)
{
	append_crlf_n(out, data, len, crlf_len(data, len));
}

static void append_crlf(GByteArray *out, const char *s)
{
	append_crlf_len(out, s, strlen(s));
}

/* "Name: value" and CRLF, the value's bare LFs made CRLF. */
static void append_header(GByteArray *out, const struct engine_header *h)
{
	g_byte_array_append(out, (const guint8 *)h->name, strlen(h->name));
	g_byte_array_append(out, (const guint8 *)": ", 2);
	append_crlf(out, h->value);
	g_byte_array_append(out, (const guint8 *)"\r\n", 2);
}

int engine_message_add_header(struct engine_message *msg, const char *name, const char *value)
{
	size_t field;

	if (value == NULL)
		value = "";
	field = strlen(name) + strlen(value) + 4;
	if (message_grow(msg, field, false) < 0)
		return -1;
	/* Every field is kept until the message is judged, several times its
	   size with the parser's: a header section is bounded as the message
	   is (issue 15; a part's header past it is only read in part). */
	msg->header_bytes += field;
	if (msg->max_header_bytes != 0 && msg->header_bytes > msg->max_header_bytes) {
		over_limit(msg, g_strdup_printf("header section larger than %zu bytes "
						"(limits.max_header_bytes)", msg->max_header_bytes),
			   false);
		return -1;
	}
	struct engine_header h = { g_strdup(name), g_strdup(value) };
	g_array_append_val(msg->headers, h);
	if (msg->body_offset == 0) {
		append_header(msg->raw, &h);
		return 0;
	}
	/* After the body began (never from an MTA): the field still goes at the
	   end of the header block, before the blank line. */
	GByteArray *line = g_byte_array_new();
	guint at = (guint)msg->body_offset - 2, n = msg->raw->len;

	append_header(line, &h);
	g_byte_array_set_size(msg->raw, n + line->len);
	memmove(msg->raw->data + at + line->len, msg->raw->data + at, n - at);
	memcpy(msg->raw->data + at, line->data, line->len);
	msg->body_offset += line->len;
	g_byte_array_unref(line);
	return 0;
}

void engine_message_end_headers(struct engine_message *msg)
{
	if (msg->body_offset != 0)
		return;
	g_byte_array_append(msg->raw, (const guint8 *)"\r\n", 2);
	msg->body_offset = msg->raw->len;
}

int engine_message_add_body(struct engine_message *msg, const unsigned char *chunk, size_t len)
{
	if (msg->early == EARLY_HEADERS)
		return 0;	/* decided: the body is not needed */
	if (msg->limit_error != NULL)
		return -1;
	engine_message_end_headers(msg);
	if (message_grow(msg, len, true) < 0)
		return -1;
	g_byte_array_append(msg->raw, chunk, len);
	return 0;
}

const guint8 *engine_message_body(const struct engine_message *msg, size_t *len_r)
{
	if (msg->body_offset == 0) {
		*len_r = 0;
		return (const guint8 *)"";
	}
	*len_r = msg->raw->len - msg->body_offset;
	return msg->raw->data + msg->body_offset;
}

/* The field starting at P in a header block ending at END: its name (blanks
   before the colon dropped, as in "Name :"), its value (continuation lines
   included, line ends as in the input, leading blanks dropped) and where the
   next field starts. The block was delimited by parser_header_length, so
   every line that does not start with a blank starts a field. */
static void split_field(const char *p, const char *end, char **name_r, char **value_r,
			const char **next_r)
{
	const char *eol = memchr(p, '\n', end - p);
	const char *line_end = eol != NULL ? eol : end;
	const char *colon = memchr(p, ':', line_end - p);
	const char *name_end = colon != NULL ? colon : line_end;

	while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'))
		name_end--;
	const char *v = colon != NULL ? colon + 1 : line_end;
	while (v < line_end && (*v == ' ' || *v == '\t'))
		v++;
	/* Continuation lines start with a blank. */
	while (eol != NULL && eol + 1 < end && (eol[1] == ' ' || eol[1] == '\t')) {
		eol = memchr(eol + 1, '\n', end - (eol + 1));
		line_end = eol != NULL ? eol : end;
	}
	const char *v_end = line_end;
	if (v_end > v && v_end[-1] == '\r')
		v_end--;
	if (v_end < v)
		v_end = v;	/* "Name:\r\n": empty value */
	*name_r = g_strndup(p, name_end - p);
	*value_r = g_strndup(v, v_end - v);
	*next_r = eol != NULL ? eol + 1 : end;
}

/* An mbox "From " separator, not a field: no colon after "From" and blanks. */
static bool mbox_separator(const char *p, const char *end)
{
	if (end - p < 5 || memcmp(p, "From ", 5) != 0)
		return false;
	for (p += 5; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	return p == end || *p != ':';
}

int engine_message_load(struct engine_message *msg, const char *data, size_t len)
{
	/* Where the header block ends is the parser's answer (Postfix's), the
	   same one the parser and the footer writer use. */
	const char *headers_end = data + parser_header_length(data, len);
	const char *p = data, *end = data + len;
	int ret = 0;

	/* The whole message is here: one buffer of about its size (with room
	   for CR before LF), not one doubled as it grows. */
	if (msg->raw->len == 0 && len > 0 && len < G_MAXUINT / 4) {
		g_byte_array_unref(msg->raw);
		msg->raw = g_byte_array_sized_new((guint)(len + len / 16 + 1024));
	}

	/* An mbox "From " separator line is not part of the message. */
	if (mbox_separator(p, headers_end)) {
		const char *eol = memchr(p, '\n', headers_end - p);
		p = eol != NULL ? eol + 1 : headers_end;
	}
	/* Up to the blank line, when there is one. */
	while (p < headers_end && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
		char *name, *value;

		split_field(p, headers_end, &name, &value, &p);
		ret |= engine_message_add_header(msg, name, value);
		g_free(name);
		g_free(value);
	}
	/* The body as an MTA hands it to a milter: CRLF line ends, converted
	   straight into the message's buffer (as add_body would take it). */
	if (ret == 0 && headers_end < end && msg->early != EARLY_HEADERS) {
		if (msg->limit_error != NULL)
			return -1;
		engine_message_end_headers(msg);
		size_t n = crlf_len(headers_end, (size_t)(end - headers_end));

		if (message_grow(msg, n, true) < 0)
			return -1;
		append_crlf_n(msg->raw, headers_end, (size_t)(end - headers_end), n);
	}
	return ret < 0 ? -1 : 0;
}

GByteArray *engine_assemble(const struct engine_header *headers, size_t n_headers,
			    const guint8 *body, size_t body_len)
{
	GByteArray *out = g_byte_array_sized_new(body_len + 64 * n_headers + 2);

	for (size_t i = 0; i < n_headers; i++)
		append_header(out, &headers[i]);
	g_byte_array_append(out, (const guint8 *)"\r\n", 2);
	g_byte_array_append(out, body, body_len);
	return out;
}
