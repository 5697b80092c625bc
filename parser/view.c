/*
 * What a person reviewing a held message is shown (parser_view): its header
 * fields decoded, the text of each body part a mail client shows (HTML as
 * text: nothing in it is ever rendered), and every other part listed by
 * name, type and size, never opened. Iterative, like the model.
 */
#include "parser/parser-private.h"

#include <string.h>

#define VIEW_NODES_MAX 100000u	/* parts visited, whatever the shape */

/* The header fields a mail client shows, in the order it shows them. */
static const char *const shown_fields[] = {
	"Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Message-ID",
};

/* The marks html.c leaves for the segmenter, as a reviewer reads them:
   what HTML hides from readers is shown, and said to be hidden. */
static char *readable_marks(char *text)
{
	GString *out = g_string_new(NULL);
	const char *hidden = TEXT_MARK_HIDDEN, *hr = TEXT_MARK_HR, *rest = TEXT_MARK_QUOTE_REST;

	for (const char *p = text; *p != '\0';) {
		if (g_str_has_prefix(p, hidden)) {
			g_string_append(out, "[hidden from readers] ");
			p += strlen(hidden);
		} else if (g_str_has_prefix(p, hr)) {
			g_string_append(out, "----------");
			p += strlen(hr);
		} else if (g_str_has_prefix(p, rest)) {
			p += strlen(rest);
		} else if (*p == '\x1e') {
			p++;
		} else {
			g_string_append_c(out, *p++);
		}
	}
	g_free(text);
	return g_string_free(out, FALSE);
}

/* PART's text as UTF-8 (HTML as text), at most *LEFT bytes of it read. */
static char *text_of(GMimePart *part, size_t *left, bool *truncated_r)
{
	GByteArray *raw = part_decoded_content(part, *left, truncated_r);
	const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
								       "charset");
	size_t n;
	char *text = charset_to_utf8((const char *)raw->data, raw->len, charset, &n);

	for (size_t i = 0; i < n; i++)
		if (text[i] == '\0' || text[i] == '\x1e')
			text[i] = ' ';
	*left -= raw->len;
	g_byte_array_free(raw, TRUE);
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	if (ct != NULL && g_mime_content_type_is_type(ct, "text", "html")) {
		char *plain = html_to_text(text, n);
		g_free(text);
		text = readable_marks(plain);
	}
	return text;
}

static char *object_filename(GMimeObject *obj)
{
	const char *name = NULL;

	if (GMIME_IS_PART(obj)) {
		name = g_mime_part_get_filename(GMIME_PART(obj));
	} else {
		GMimeContentDisposition *d = g_mime_object_get_content_disposition(obj);
		if (d != NULL)
			name = g_mime_content_disposition_get_parameter(d, "filename");
		if (name == NULL)
			name = g_mime_object_get_content_type_parameter(obj, "name");
	}
	return utf8_clean(g_strdup(name != NULL ? name : ""));
}

static size_t content_size(GMimeObject *obj)
{
	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
		GMimeStream *s = w != NULL ? g_mime_data_wrapper_get_stream(w) : NULL;
		gint64 len = s != NULL ? g_mime_stream_length(s) : -1;
		return len > 0 ? (size_t)len : 0;
	}
	return 0;
}

static void add_file(GArray *files, GMimeObject *obj, const char *note)
{
	struct parser_view_file f = {
		.filename = object_filename(obj),
		.content_type = model_mime_type(obj),
		.size = content_size(obj),
		.note = note,
	};

	g_array_append_val(files, f);
}

/* Every part that is not a text a client shows: listed, never opened. A
   message/rfc822 part is one entry (what it carries is not walked). */
static void list_files(GMimeObject *root, GHashTable *shown, GHashTable *read, GArray *files)
{
	GPtrArray *stack = g_ptr_array_new();
	unsigned budget = VIEW_NODES_MAX;

	if (root != NULL)
		g_ptr_array_add(stack, root);
	while (stack->len > 0 && budget-- > 0) {
		GMimeObject *o = g_ptr_array_steal_index(stack, stack->len - 1);

		if (GMIME_IS_MULTIPART(o)) {
			GMimeMultipart *mp = GMIME_MULTIPART(o);
			for (int i = g_mime_multipart_get_count(mp) - 1; i >= 0; i--)
				g_ptr_array_add(stack, g_mime_multipart_get_part(mp, i));
		} else if (GMIME_IS_MESSAGE_PART(o)) {
			add_file(files, o, "an attached message");
		} else if (g_hash_table_contains(read, o) && !g_hash_table_contains(shown, o)) {
			add_file(files, o, "an alternative text that mail clients do not show");
		} else if (!g_hash_table_contains(shown, o)) {
			add_file(files, o, NULL);
		}
	}
	g_ptr_array_free(stack, TRUE);
}

static void add_fields(GMimeMessage *m, GArray *fields)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	int n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;

	for (size_t k = 0; k < G_N_ELEMENTS(shown_fields); k++) {
		for (int i = 0; i < n; i++) {
			GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
			const char *raw = g_mime_header_get_raw_value(h);
			if (g_ascii_strcasecmp(g_mime_header_get_name(h), shown_fields[k]) != 0)
				continue;
			struct parser_view_field f = {
				.name = g_strdup(shown_fields[k]),
				.value = raw != NULL ? rfc2047_decode_text(raw) : g_strdup(""),
			};
			g_array_append_val(fields, f);
		}
	}
}

int parser_view(const struct parser_message *msg, size_t max_text_bytes,
		struct parser_view **view_r, const char **error_r)
{
	GMimeMessage *m = msg->priv != NULL ? msg->priv->message : NULL;
	GArray *fields = g_array_new(FALSE, TRUE, sizeof(struct parser_view_field));
	GArray *texts = g_array_new(FALSE, TRUE, sizeof(struct parser_view_text));
	GArray *files = g_array_new(FALSE, TRUE, sizeof(struct parser_view_file));
	GHashTable *shown = g_hash_table_new(NULL, NULL), *read = g_hash_table_new(NULL, NULL);
	size_t left = max_text_bytes != 0 ? max_text_bytes : PARSER_DEFAULT_TEXT_BYTES;

	if (m == NULL) {
		*error_r = "the message could not be read";
		g_array_free(fields, TRUE);
		g_array_free(texts, TRUE);
		g_array_free(files, TRUE);
		g_hash_table_destroy(shown);
		g_hash_table_destroy(read);
		return -1;
	}
	add_fields(m, fields);
	GMimeObject *root = g_mime_message_get_mime_part(m);
	GArray *parts = model_read_text_parts(root, PARSER_DEPTH_CEILING);
	for (guint i = 0; i < parts->len; i++) {
		const struct model_text_part *p = &g_array_index(parts, struct model_text_part, i);
		g_hash_table_add(read, p->obj);
		if (!p->shown)
			continue;
		g_hash_table_add(shown, p->obj);
		struct parser_view_text t = { .content_type = model_mime_type(p->obj) };
		t.text = text_of(GMIME_PART(p->obj), &left, &t.truncated);
		g_array_append_val(texts, t);
	}
	g_array_free(parts, TRUE);
	list_files(root, shown, read, files);
	g_hash_table_destroy(shown);
	g_hash_table_destroy(read);

	struct parser_view *v = g_new0(struct parser_view, 1);
	v->n_fields = fields->len;
	v->fields = (struct parser_view_field *)g_array_free(fields, FALSE);
	v->n_texts = texts->len;
	v->texts = (struct parser_view_text *)g_array_free(texts, FALSE);
	v->n_files = files->len;
	v->files = (struct parser_view_file *)g_array_free(files, FALSE);
	*view_r = v;
	return 0;
}

void parser_view_free(struct parser_view **view_p)
{
	struct parser_view *v = *view_p;

	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n_fields; i++) {
		g_free(v->fields[i].name);
		g_free(v->fields[i].value);
	}
	for (size_t i = 0; i < v->n_texts; i++) {
		g_free(v->texts[i].content_type);
		g_free(v->texts[i].text);
	}
	for (size_t i = 0; i < v->n_files; i++) {
		g_free(v->files[i].filename);
		g_free(v->files[i].content_type);
	}
	g_free(v->fields);
	g_free(v->texts);
	g_free(v->files);
	g_free(v);
	*view_p = NULL;
}
