/*
 * The message model from GMime's tree: header fields, the part list,
 * messages carried inside this one, and the author's text. Every walk over
 * the tree uses an explicit stack; nothing here recurses on input.
 */
#include "parser/parser-private.h"

#include <string.h>

/* ---- small helpers ---- */

char *model_mime_type(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *t, *lower;

	if (ct == NULL)
		return g_strdup("text/plain");
	t = g_mime_content_type_get_mime_type(ct);
	lower = g_ascii_strdown(t, -1);
	g_free(t);
	return utf8_clean(lower);
}

static bool type_is(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

static const char *object_filename(GMimeObject *obj)
{
	GMimeContentDisposition *d;
	const char *name = NULL;

	if (GMIME_IS_PART(obj))
		return g_mime_part_get_filename(GMIME_PART(obj));
	d = g_mime_object_get_content_disposition(obj);
	if (d != NULL)
		name = g_mime_content_disposition_get_parameter(d, "filename");
	if (name == NULL)
		name = g_mime_object_get_content_type_parameter(obj, "name");
	return name;
}

bool model_part_is_attachment(GMimeObject *obj)
{
	const char *disp = g_mime_object_get_disposition(obj);

	if (disp != NULL && g_ascii_strcasecmp(disp, "attachment") == 0)
		return true;
	return object_filename(obj) != NULL;
}

/* A text part a reader sees in the message, so the rules read it: plain
   or HTML, not offered as an attachment. A file name alone makes no
   attachment: clients show an inline text part whatever it is called. */
static bool is_read_text(GMimeObject *obj)
{
	const char *disp = g_mime_object_get_disposition(obj);

	return GMIME_IS_PART(obj) && (type_is(obj, "text", "plain") || type_is(obj, "text", "html")) &&
	       (disp == NULL || g_ascii_strcasecmp(disp, "attachment") != 0);
}

/* multipart/encrypted as RFC 1847 has it: the control part of the type its
   protocol names, then the encrypted data. Anything else so labelled is
   ordinary multipart, read like multipart/mixed. */
static bool really_encrypted(GMimeObject *obj)
{
	GMimeMultipart *mp = GMIME_MULTIPART(obj);
	const char *protocol = g_mime_object_get_content_type_parameter(obj, "protocol");
	char *first;
	bool real;

	if (!type_is(obj, "multipart", "encrypted") || protocol == NULL ||
	    g_mime_multipart_get_count(mp) != 2)
		return false;
	first = model_mime_type(g_mime_multipart_get_part(mp, 0));
	real = g_ascii_strcasecmp(first, protocol) == 0 &&
	       type_is(g_mime_multipart_get_part(mp, 1), "application", "octet-stream");
	g_free(first);
	return real;
}

static char *clean_dup(const char *s)
{
	return utf8_clean(g_strdup(s != NULL ? s : ""));
}

/* A header value for the model: decoded (strictly, rfc2047.c), valid
   UTF-8, trimmed. */
static char *header_text(GMimeHeader *h)
{
	const char *raw = g_mime_header_get_raw_value(h);

	return raw != NULL ? rfc2047_decode_text(raw) : g_strdup("");
}

/* The first NAME field of OBJ, as header_text reads it, or NULL. */
static char *object_header_text(GMimeObject *obj, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeHeader *h = hl != NULL ? g_mime_header_list_get_header(hl, name) : NULL;

	return h != NULL ? header_text(h) : NULL;
}

/* ---- the part list and the containers ---- */

struct walk_frame {
	GMimeObject *obj;
	unsigned depth;
	int embedded;		/* index into the embedded array, -1: our own */
};

static size_t object_size(GMimeObject *obj)
{
	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
		GMimeStream *st = w != NULL ? g_mime_data_wrapper_get_stream(w) : NULL;

		if (st != NULL && st->bound_end >= st->bound_start && st->bound_start >= 0)
			return (size_t)(st->bound_end - st->bound_start);
		return 0;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		GMimeStream *null;
		size_t n;

		if (m == NULL)
			return 0;
		null = g_mime_stream_null_new();
		g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, null);
		n = (size_t)GMIME_STREAM_NULL(null)->written;
		g_object_unref(null);
		return n;
	}
	return 0;
}

static void add_part(GArray *parts, GMimeObject *obj, unsigned depth, bool embedded)
{
	struct parser_part p = {
		.content_type = model_mime_type(obj),
		.disposition = clean_dup(g_mime_object_get_disposition(obj)),
		.filename = clean_dup(object_filename(obj)),
		.size = object_size(obj),
		.depth = depth,
		.in_embedded = embedded,
	};
	char *lower = g_utf8_strdown(p.disposition, -1);

	g_free(p.disposition);
	p.disposition = lower;
	g_array_append_val(parts, p);
}

static void add_embedded(GArray *embedded, GMimeMessage *m)
{
	struct parser_embedded e = { .attached = true };

	e.subject = m != NULL ? object_header_text(GMIME_OBJECT(m), "Subject") : NULL;
	e.sensitivity = m != NULL ? object_header_text(GMIME_OBJECT(m), "Sensitivity") : NULL;
	if (e.subject == NULL)
		e.subject = g_strdup("");
	if (e.sensitivity == NULL)
		e.sensitivity = g_strdup("");
	e.text = g_strdup("");
	g_array_append_val(embedded, e);
}

static unsigned pkcs7_flag(GMimeObject *obj)
{
	const char *t = g_mime_object_get_content_type_parameter(obj, "smime-type");

	if (t != NULL && (g_ascii_strcasecmp(t, "signed-data") == 0 ||
			  g_ascii_strcasecmp(t, "certs-only") == 0))
		return PARSER_FLAG_SIGNED;
	return PARSER_FLAG_ENCRYPTED;
}

/* A message/rfc822 part sent with a transfer encoding (RFC 2046 forbids
   it; mail clients decode it all the same) is no message to GMime, only a
   part. Its message decoded and parsed on its own, kept with MSG; NULL
   when PART is no such part. Decoding costs at most *BUDGET bytes in all
   (the message's size or max_text_bytes, the larger: one encoded message
   is read whole, and nesting cannot multiply the cost); what passes it is
   cut (PARSER_FLAG_TEXT_TRUNCATED). */
static GMimeMessage *decoded_message(struct parser_message *msg,
				     const struct parser_limits *lim, GMimeObject *part,
				     size_t *budget)
{
	GByteArray *bytes;
	struct prescan_result pre;
	GMimeStream *mem;
	GMimeParser *gp;
	GMimeMessage *m;
	bool truncated;

	if (!GMIME_IS_PART(part) ||
	    !(type_is(part, "message", "rfc822") || type_is(part, "message", "global")))
		return NULL;
	bytes = part_decoded_content(GMIME_PART(part), *budget, &truncated);
	*budget -= bytes->len;
	if (truncated)
		msg->flags |= PARSER_FLAG_TEXT_TRUNCATED;
	/* Bounded as the message itself is (prescan), then parsed. */
	prescan((const char *)bytes->data, bytes->len, lim->max_depth, lim->max_parts,
		lim->max_header_bytes, &pre);
	if (pre.copy != NULL) {
		g_byte_array_free(bytes, TRUE);
		bytes = pre.copy;
		msg->flags |= pre.flags & (PARSER_FLAG_DEPTH_LIMIT | PARSER_FLAG_PART_LIMIT);
	}
	mem = g_mime_stream_mem_new_with_byte_array(bytes);	/* owns BYTES */
	gp = g_mime_parser_new_with_stream(mem);
	g_mime_parser_set_persist_stream(gp, TRUE);
	m = g_mime_parser_construct_message(gp, msg->priv->options);
	g_object_unref(gp);
	g_object_unref(mem);
	if (m != NULL)
		g_ptr_array_add(msg->priv->decoded, m);
	return m;
}

/* Document order, leaves and message/rfc822 parts recorded; message roots
   collected in ROOTS (index = embedded index). */
static void walk_parts(struct parser_message *msg, const struct parser_limits *lim,
		       GArray *parts, GArray *embedded, GPtrArray *roots)
{
	size_t decode_budget = MAX(msg->size, lim->max_text_bytes);
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(struct walk_frame));
	struct walk_frame f = {
		.obj = g_mime_message_get_mime_part(msg->priv->message), .depth = 0, .embedded = -1,
	};

	if (f.obj != NULL)
		g_array_append_val(stack, f);
	while (stack->len > 0) {
		f = g_array_index(stack, struct walk_frame, stack->len - 1);
		g_array_set_size(stack, stack->len - 1);
		if (f.depth > lim->max_depth) {
			msg->flags |= PARSER_FLAG_DEPTH_LIMIT;
			continue;
		}
		if (GMIME_IS_MULTIPART(f.obj)) {
			GMimeMultipart *mp = GMIME_MULTIPART(f.obj);

			if (f.embedded < 0 && type_is(f.obj, "multipart", "signed") &&
			    signed_multipart_is_real(f.obj))
				msg->flags |= PARSER_FLAG_SIGNED;
			if (f.embedded < 0 && really_encrypted(f.obj))
				msg->flags |= PARSER_FLAG_ENCRYPTED;
			for (int i = g_mime_multipart_get_count(mp) - 1; i >= 0; i--) {
				struct walk_frame c = { g_mime_multipart_get_part(mp, i), f.depth + 1,
							f.embedded };
				g_array_append_val(stack, c);
			}
			continue;
		}
		if (parts->len >= lim->max_parts) {
			msg->flags |= PARSER_FLAG_PART_LIMIT;
			break;
		}
		add_part(parts, f.obj, f.depth, f.embedded >= 0);
		g_ptr_array_add(msg->priv->part_objects, f.obj);
		GMimeMessage *decoded = decoded_message(msg, lim, f.obj, &decode_budget);

		if (GMIME_IS_MESSAGE_PART(f.obj) || decoded != NULL) {
			GMimeMessage *m = decoded != NULL ? decoded :
				g_mime_message_part_get_message(GMIME_MESSAGE_PART(f.obj));
			struct walk_frame c = { NULL, f.depth + 1, (int)embedded->len };

			add_embedded(embedded, m);
			g_ptr_array_add(roots, m != NULL ? g_mime_message_get_mime_part(m) : NULL);
			if (m != NULL && (c.obj = g_mime_message_get_mime_part(m)) != NULL)
				g_array_append_val(stack, c);
		} else if (f.embedded < 0 && (type_is(f.obj, "application", "pkcs7-mime") ||
					      type_is(f.obj, "application", "x-pkcs7-mime"))) {
			msg->flags |= pkcs7_flag(f.obj);
		}
	}
	g_array_free(stack, TRUE);
}

/* ---- which parts are the body ---- */

/* Does the subtree at ROOT hold a text body of SUBTYPE (outside messages)? */
static bool subtree_has_text(GMimeObject *root, const char *subtype, unsigned max_nodes)
{
	GPtrArray *stack = g_ptr_array_new();
	bool found = false;

	g_ptr_array_add(stack, root);
	while (stack->len > 0 && !found && max_nodes-- > 0) {
		GMimeObject *o = g_ptr_array_steal_index(stack, stack->len - 1);

		if (GMIME_IS_MULTIPART(o)) {
			GMimeMultipart *mp = GMIME_MULTIPART(o);

			for (int i = g_mime_multipart_get_count(mp) - 1; i >= 0; i--)
				g_ptr_array_add(stack, g_mime_multipart_get_part(mp, i));
		} else if (is_read_text(o) && type_is(o, "text", subtype)) {
			found = true;
		}
	}
	g_ptr_array_free(stack, TRUE);
	return found;
}

GArray *model_read_text_parts(GMimeObject *root, unsigned max_depth)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct model_text_part));
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(struct model_text_part));
	struct model_text_part f = { root, 0, true };
	unsigned budget = 100000;	/* nodes visited, whatever the shape */

	if (root != NULL)
		g_array_append_val(stack, f);
	while (stack->len > 0 && budget-- > 0) {
		f = g_array_index(stack, struct model_text_part, stack->len - 1);
		g_array_set_size(stack, stack->len - 1);
		if (f.depth > max_depth)
			continue;
		if (GMIME_IS_MULTIPART(f.obj)) {
			GMimeMultipart *mp = GMIME_MULTIPART(f.obj);
			int n = g_mime_multipart_get_count(mp), shown = -1;

			if (really_encrypted(f.obj))
				continue;
			/* Only the signed content of a real multipart/signed; a fake
			   one (junk or no signature) is read as ordinary multipart. */
			if (type_is(f.obj, "multipart", "signed") && signed_multipart_is_real(f.obj))
				n = n > 0 ? 1 : 0;
			/* Every alternative is read; a client shows the last one
			   it can (RFC 2046 5.1.4): with text, the last that has
			   any. multipart/signed: the signature is no text. */
			if (type_is(f.obj, "multipart", "alternative")) {
				for (int i = n - 1; i >= 0 && shown < 0; i--) {
					GMimeObject *c = g_mime_multipart_get_part(mp, i);

					if (subtree_has_text(c, "html", 10000) ||
					    subtree_has_text(c, "plain", 10000))
						shown = i;
				}
			}
			for (int i = n - 1; i >= 0; i--) {
				struct model_text_part c = {
					g_mime_multipart_get_part(mp, i), f.depth + 1,
					f.shown && (shown < 0 || i == shown),
				};

				g_array_append_val(stack, c);
			}
		} else if (is_read_text(f.obj)) {
			g_array_append_val(out, f);
		}
	}
	g_array_free(stack, TRUE);
	return out;
}

/* ---- text ---- */

struct text_budget {
	size_t left;
	bool truncated;
	struct html_limits html;
	unsigned html_flags;	/* PARSER_FLAG_HTML_*_LIMIT */
	struct parser_private *priv;	/* where decoded text parts are kept */
};

/* The decoded text of a body part as UTF-8 (HTML converted); its decoded
   bytes kept (b->priv) when read whole and small. */
static char *part_text(GMimePart *part, struct text_budget *b)
{
	bool truncated;
	GByteArray *raw = part_decoded_content(part, b->left, &truncated);
	const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	size_t n, whole = raw->len;
	char *text;

	/* Cut by max_text_bytes in the middle of a character: the character
	   goes, not the whole text's reading as UTF-8. */
	if (truncated && (charset == NULL || g_ascii_strcasecmp(charset, "utf-8") == 0 ||
			  g_ascii_strcasecmp(charset, "utf8") == 0))
		whole = utf8_whole_chars(raw->data, raw->len);
	text = charset_to_utf8((const char *)raw->data, whole, charset, &n);

	/* NUL would end every C string built from this text; a record
	   separator could forge the marks html.c writes for the segmenter. */
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\0' || text[i] == '\x1e')
			text[i] = ' ';
	}

	b->left -= raw->len;
	b->truncated |= truncated;
	if (!truncated && raw->len <= DECODED_KEEP_MAX) {
		struct decoded_text d = { .part = part, .bytes = raw };

		g_array_append_val(b->priv->decoded_text, d);
	} else {
		g_byte_array_free(raw, TRUE);
	}
	if (type_is(GMIME_OBJECT(part), "text", "html")) {
		char *plain = html_to_text(text, n, &b->html, &b->html_flags);

		g_free(text);
		text = plain;
	}
	return text;
}

/* TEXT with every run of white space one space, trimmed: a text's words
   as a client shows them, however its lines were wrapped. */
static char *collapsed_text(const char *text)
{
	GString *out = g_string_sized_new(strlen(text));
	bool space = false;

	for (const char *p = text; *p != '\0'; p++) {
		if (g_ascii_isspace(*p)) {
			space = out->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = false;
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* The body of ROOT into SEG; *PGP_R (when not NULL) says whether its first
   text is an inline PGP signed or encrypted block. */
static void segment_body(GMimeObject *root, const char *subject, unsigned max_depth,
			 struct text_budget *b, struct text_segments *seg, size_t *n_parts_r,
			 unsigned *pgp_r)
{
	GArray *parts = model_read_text_parts(root, max_depth);
	char **texts = g_new0(char *, parts->len + 1);
	GHashTable *shown = NULL;

	for (guint i = 0; i < parts->len; i++) {
		const struct model_text_part *p = &g_array_index(parts, struct model_text_part, i);

		texts[i] = part_text(GMIME_PART(p->obj), b);
		if (i == 0 && pgp_r != NULL && type_is(p->obj, "text", "plain"))
			*pgp_r = pgp_inline_kind(texts[i], strlen(texts[i]));
		if (p->shown && parts->len > 1) {
			if (shown == NULL)
				shown = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			g_hash_table_add(shown, collapsed_text(texts[i]));
		}
	}
	for (guint i = 0; i < parts->len; i++) {
		const struct model_text_part *p = &g_array_index(parts, struct model_text_part, i);

		/* An alternative no client shows that says word for word what the
		   shown one says (the usual plain and HTML pair) adds nothing to
		   read: it is segmented once, as shown */
		if (!p->shown && shown != NULL) {
			char *c = collapsed_text(texts[i]);
			bool same = g_hash_table_contains(shown, c);

			g_free(c);
			if (same)
				continue;
		}
		text_segment(texts[i], subject, p->shown, seg);
	}
	if (n_parts_r != NULL)
		*n_parts_r = parts->len;
	if (shown != NULL)
		g_hash_table_destroy(shown);
	g_strfreev(texts);
	g_array_free(parts, TRUE);
}

/* S without blank lines at either end. */
static char *trimmed_text(const char *s)
{
	const char *start = s, *end = s + strlen(s);

	for (const char *p = s; *p != '\0' && g_ascii_isspace(*p); p++) {
		if (*p == '\n')
			start = p + 1;
	}
	while (end > start && g_ascii_isspace(end[-1]))
		end--;
	return g_strndup(start, (gsize)(end - start));
}

static char *trimmed(GString *s)
{
	return trimmed_text(s->str);
}

static void add_forwards(GArray *embedded, GPtrArray *forwards)
{
	for (guint i = 0; i < forwards->len; i++) {
		struct text_forward *f = g_ptr_array_index(forwards, i);
		struct parser_embedded e = {
			.subject = g_strdup(f->subject), .sensitivity = g_strdup(f->sensitivity),
			.text = trimmed_text(f->text), .attached = false,
		};

		g_array_append_val(embedded, e);
	}
}

static void build_text(struct parser_message *msg, const struct parser_limits *lim,
		       GArray *embedded, GPtrArray *roots)
{
	struct text_budget b = {
		.left = lim->max_text_bytes,
		.html = { lim->max_html_attributes, lim->max_html_depth },
		.priv = msg->priv,
	};
	struct text_segments seg;
	GString *quoted;
	size_t n_body = 0;
	unsigned pgp = 0;
	guint n_attached = embedded->len;

	text_segments_init(&seg);
	segment_body(g_mime_message_get_mime_part(msg->priv->message), msg->subject, lim->max_depth,
		     &b, &seg, &n_body, &pgp);
	if (n_body == 0)
		msg->flags |= PARSER_FLAG_NO_TEXT;
	if (seg.footers->len > 0)
		msg->flags |= PARSER_FLAG_ANNOTATED;
	msg->flags |= pgp;
	for (guint i = 0; i < seg.footers->len; i++)
		g_ptr_array_add(msg->priv->footers_seen, g_strdup(g_ptr_array_index(seg.footers, i)));
	msg->own_text = trimmed(seg.own);
	msg->signature = trimmed(seg.signature);
	msg->own_text_shown = trimmed(seg.own_shown);
	msg->signature_shown = trimmed(seg.signature_shown);
	quoted = g_string_new(seg.quoted->str);
	add_forwards(embedded, seg.forwards);
	text_segments_clear(&seg);

	/* Messages carried as message/rfc822: their text is quoted material. */
	for (guint i = 0; i < n_attached; i++) {
		struct parser_embedded *e = &g_array_index(embedded, struct parser_embedded, i);

		text_segments_init(&seg);
		segment_body(g_ptr_array_index(roots, i), e->subject, lim->max_depth, &b, &seg, NULL,
			     NULL);
		g_free(e->text);
		e->text = trimmed(seg.kept);
		if (e->text[0] != '\0') {
			if (quoted->len > 0 && quoted->str[quoted->len - 1] != '\n')
				g_string_append_c(quoted, '\n');
			g_string_append(quoted, e->text);
			g_string_append_c(quoted, '\n');
		}
		add_forwards(embedded, seg.forwards);
		text_segments_clear(&seg);
	}
	msg->quoted_text = trimmed(quoted);
	g_string_free(quoted, TRUE);
	if (b.truncated)
		msg->flags |= PARSER_FLAG_TEXT_TRUNCATED;
	msg->flags |= b.html_flags;
}

/* ---- header fields ---- */

static const char *const field_names[PARSER_FIELD_COUNT] = {
	[PARSER_FROM] = "From", [PARSER_SENDER] = "Sender", [PARSER_REPLY_TO] = "Reply-To",
	[PARSER_TO] = "To", [PARSER_CC] = "Cc", [PARSER_BCC] = "Bcc",
	[PARSER_RESENT_FROM] = "Resent-From", [PARSER_RESENT_SENDER] = "Resent-Sender",
	[PARSER_RESENT_TO] = "Resent-To", [PARSER_RESENT_CC] = "Resent-Cc",
	[PARSER_RESENT_BCC] = "Resent-Bcc",
};

static const char *const classification_names[] = {
	"X-Classification", "Classification", "X-Protective-Marking", "X-Security-Classification",
	"Security-Classification", "X-Sensitivity", "X-Data-Classification", "msip_labels", NULL
};

/* One field's addresses, and the ones seen (lower-cased) to fold
   duplicates in linear time: a To: of thousands is normal for a mailing. */
struct address_set {
	GArray *list;		/* struct parser_address */
	GHashTable *seen;
};

static void add_mailbox(struct address_set *out, InternetAddress *ia)
{
	const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	struct parser_address a;
	char *key;

	if (addr == NULL || *addr == '\0')
		return;
	a.addr = clean_dup(addr);
	key = g_ascii_strdown(a.addr, -1);
	if (!g_hash_table_add(out->seen, key)) {
		g_free(a.addr);
		return;
	}
	a.name = g_strstrip(clean_dup(internet_address_get_name(ia)));
	g_array_append_val(out->list, a);
}

/* A field GMime could not read at all ("a@b.example (unclosed"): when it
   holds an '@' it may name a mailbox, so it is kept, as written, for the
   policy to treat as a third party rather than drop. */
static void add_unreadable(struct address_set *out, const char *raw)
{
	struct parser_address a;
	char *key;

	if (strchr(raw, '@') == NULL)
		return;
	a.addr = g_strstrip(utf8_clean(g_strdup(raw)));
	key = g_ascii_strdown(a.addr, -1);
	if (!g_hash_table_add(out->seen, key)) {
		g_free(a.addr);
		return;
	}
	a.name = g_strdup("");
	g_array_append_val(out->list, a);
}

struct list_pos {
	InternetAddressList *list;
	int next;
};

/* Mailboxes of LIST in the order written, groups flattened (with an
   explicit stack), duplicates folded. */
static void add_addresses(struct address_set *out, InternetAddressList *list)
{
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(struct list_pos));
	struct list_pos top = { list, 0 };

	g_array_append_val(stack, top);
	while (stack->len > 0) {
		struct list_pos *p = &g_array_index(stack, struct list_pos, stack->len - 1);
		InternetAddress *ia;

		if (p->next >= internet_address_list_length(p->list)) {
			g_array_set_size(stack, stack->len - 1);
			continue;
		}
		ia = internet_address_list_get_address(p->list, p->next++);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			struct list_pos inner = {
				internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), 0
			};

			if (inner.list != NULL && stack->len < 64)
				g_array_append_val(stack, inner);
		} else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			add_mailbox(out, ia);
		}
	}
	g_array_free(stack, TRUE);
}

static char **ptr_array_to_strv(GPtrArray *a, size_t *n_r)
{
	*n_r = a->len;
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

static char *message_id(const char *raw)
{
	char *id = raw != NULL ? g_mime_utils_decode_message_id(raw) : NULL;

	return id != NULL ? utf8_clean(id) : g_strdup("");
}

/* Every header field the model reads: the top-level fields in order, each
   NAME as GMime has it (blanks before the colon dropped) and RAW, what
   follows the colon up to and including the line end, folds kept. */
/* g_ascii_strcasecmp(NAME, FIELD) == 0, the first letters compared
   first: every field of the header is compared with a dozen names. */
static inline bool same_name(const char *name, const char *field)
{
	return g_ascii_tolower(name[0]) == g_ascii_tolower(field[0]) &&
	       g_ascii_strcasecmp(name, field) == 0;
}

void model_read_headers(struct parser_message *msg, GMimeParserOptions *options,
			const struct model_header *headers, size_t n)
{
	struct address_set fields[PARSER_FIELD_COUNT];
	GPtrArray *refs = g_ptr_array_new(), *classes = g_ptr_array_new();

	for (int f = 0; f < PARSER_FIELD_COUNT; f++) {
		fields[f].list = g_array_new(FALSE, FALSE, sizeof(struct parser_address));
		fields[f].seen = NULL;	/* made for the fields the message has */
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = headers[i].name;
		const char *raw = headers[i].raw;

		if (raw == NULL)
			continue;
		for (int f = 0; f < PARSER_FIELD_COUNT; f++) {
			if (!same_name(name, field_names[f]))
				continue;
			if (fields[f].seen == NULL)
				fields[f].seen = g_hash_table_new_full(g_str_hash, g_str_equal,
								       g_free, NULL);
			char *strict = rfc2047_strict_addresses(raw);
			InternetAddressList *l = internet_address_list_parse(options, strict);

			g_free(strict);
			if (l != NULL) {
				add_addresses(&fields[f], l);
				g_object_unref(l);
			} else {
				add_unreadable(&fields[f], raw);
			}
		}
		if (msg->subject == NULL && same_name(name, "Subject"))
			msg->subject = rfc2047_decode_text(raw);
		else if (msg->message_id == NULL && same_name(name, "Message-ID"))
			msg->message_id = message_id(raw);
		else if (msg->in_reply_to == NULL && same_name(name, "In-Reply-To"))
			msg->in_reply_to = message_id(raw);
		else if (msg->sensitivity == NULL && same_name(name, "Sensitivity"))
			msg->sensitivity = rfc2047_decode_text(raw);
		else if (same_name(name, "References")) {
			GMimeReferences *r = g_mime_references_parse(options, raw);

			for (int k = 0; r != NULL && k < g_mime_references_length(r); k++)
				g_ptr_array_add(refs, clean_dup(g_mime_references_get_message_id(r, k)));
			if (r != NULL)
				g_mime_references_free(r);
		}
		for (const char *const *c = classification_names; *c != NULL; c++) {
			if (same_name(name, *c))
				g_ptr_array_add(classes, rfc2047_decode_text(raw));
		}
	}
	for (int f = 0; f < PARSER_FIELD_COUNT; f++) {
		msg->fields[f].n = fields[f].list->len;
		msg->fields[f].items = (struct parser_address *)g_array_free(fields[f].list, FALSE);
		if (fields[f].seen != NULL)
			g_hash_table_destroy(fields[f].seen);
	}
	msg->references = ptr_array_to_strv(refs, &msg->n_references);
	msg->classifications = ptr_array_to_strv(classes, &msg->n_classifications);
	if (msg->subject == NULL)
		msg->subject = g_strdup("");
	if (msg->message_id == NULL)
		msg->message_id = g_strdup("");
	if (msg->in_reply_to == NULL)
		msg->in_reply_to = g_strdup("");
	if (msg->sensitivity == NULL)
		msg->sensitivity = g_strdup("");
}

/* The fields of GMime's header list, those starting past HEADER_CUT (when
   not 0) left out. */
static void read_headers(struct parser_message *msg, size_t header_cut)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg->priv->message));
	int n = g_mime_header_list_get_count(hl);
	struct model_header *headers = g_new(struct model_header, n > 0 ? n : 1);
	size_t kept = 0;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (header_cut > 0 && g_mime_header_get_offset(h) >= (gint64)header_cut)
			break;
		headers[kept].name = g_mime_header_get_name(h);
		headers[kept].raw = g_mime_header_get_raw_value(h);
		kept++;
	}
	model_read_headers(msg, msg->priv->options, headers, kept);
	g_free(headers);
}

void model_build(struct parser_message *msg, const struct parser_limits *lim, size_t header_cut)
{
	GArray *parts = g_array_new(FALSE, FALSE, sizeof(struct parser_part));
	GArray *embedded = g_array_new(FALSE, FALSE, sizeof(struct parser_embedded));
	GPtrArray *roots = g_ptr_array_new();

	read_headers(msg, header_cut);
	walk_parts(msg, lim, parts, embedded, roots);
	build_text(msg, lim, embedded, roots);
	msg->n_parts = parts->len;
	msg->parts = (struct parser_part *)g_array_free(parts, FALSE);
	msg->n_embedded = embedded->len;
	msg->embedded = (struct parser_embedded *)g_array_free(embedded, FALSE);
	g_ptr_array_free(roots, TRUE);
}
