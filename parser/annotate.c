/*
 * The footer writer. The new body is the original bytes with a few ranges
 * replaced: the content of each text body that gets the footer, and, only
 * where the transfer encoding or charset must change, that part's header
 * block. Everything else (attachments, message/rfc822 parts, preambles,
 * epilogues, odd boundaries and all) is copied byte for byte, never
 * re-serialised, so nothing we do not mean to touch can change.
 */
#include "parser/parser-private.h"

#include <string.h>

/* One replaced range of the message data. */
struct edit {
	size_t start, end;
	GByteArray *with;
};

/* ---- which parts get the footer ---- */

struct target_frame {
	GMimeObject *obj;
	int next;
	unsigned depth;
	bool alternative, have_plain, have_html;
	GPtrArray *found;
};

/* Hand a child's finds to its parent: every branch of an alternative keeps
   its own; elsewhere only the first plain and the first HTML body count. */
static void deliver(struct target_frame *parent, GPtrArray *found)
{
	for (guint i = 0; i < found->len; i++) {
		GMimeObject *o = g_ptr_array_index(found, i);
		bool html = g_mime_content_type_is_type(g_mime_object_get_content_type(o), "text",
							"html");

		if (!parent->alternative) {
			if (html ? parent->have_html : parent->have_plain)
				continue;
		}
		if (html)
			parent->have_html = true;
		else
			parent->have_plain = true;
		g_ptr_array_add(parent->found, o);
	}
}

static bool is_body_text(GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);

	return GMIME_IS_PART(o) && ct != NULL &&
	       (g_mime_content_type_is_type(ct, "text", "plain") ||
		g_mime_content_type_is_type(ct, "text", "html")) &&
	       !model_part_is_attachment(o);
}

static GPtrArray *find_targets(GMimeObject *root)
{
	GArray *stack = g_array_new(FALSE, TRUE, sizeof(struct target_frame));
	struct target_frame top = { .obj = root, .found = g_ptr_array_new() };
	GPtrArray *result = g_ptr_array_new();

	/* The top level may be the alternative itself: every branch of it
	   gets the footer, as anywhere else (issue 15: only the first did). */
	top.alternative = root != NULL && GMIME_IS_MULTIPART(root) &&
		g_mime_content_type_is_type(g_mime_object_get_content_type(root), "multipart",
					    "alternative");
	g_array_append_val(stack, top);
	while (stack->len > 0) {
		struct target_frame *f = &g_array_index(stack, struct target_frame, stack->len - 1);
		GMimeContentType *ct = g_mime_object_get_content_type(f->obj);

		if (GMIME_IS_MULTIPART(f->obj) &&
		    !(g_mime_content_type_is_type(ct, "multipart", "signed") &&
		      signed_multipart_is_real(f->obj)) &&
		    !g_mime_content_type_is_type(ct, "multipart", "encrypted") &&
		    f->next < g_mime_multipart_get_count(GMIME_MULTIPART(f->obj)) &&
		    f->depth < PARSER_DEPTH_CEILING) {
			struct target_frame c = {
				.obj = g_mime_multipart_get_part(GMIME_MULTIPART(f->obj), f->next++),
				.depth = f->depth + 1, .found = g_ptr_array_new(),
			};

			c.alternative = GMIME_IS_MULTIPART(c.obj) &&
				g_mime_content_type_is_type(g_mime_object_get_content_type(c.obj),
							    "multipart", "alternative");
			g_array_append_val(stack, c);
			continue;
		}
		if (!GMIME_IS_MULTIPART(f->obj) && is_body_text(f->obj))
			g_ptr_array_add(f->found, f->obj);
		GPtrArray *found = f->found;
		g_array_set_size(stack, stack->len - 1);
		if (stack->len > 0)
			deliver(&g_array_index(stack, struct target_frame, stack->len - 1), found);
		else
			g_ptr_array_extend(result, found, NULL, NULL);
		g_ptr_array_free(found, TRUE);
	}
	g_array_free(stack, TRUE);
	return result;
}

/* ---- header blocks ---- */

static const char *block_eol(const char *block, size_t len)
{
	const char *nl = memchr(block, '\n', len);

	return nl != NULL && nl > block && nl[-1] == '\r' ? "\r\n" : "\n";
}

static bool field_is(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n > k && g_ascii_strncasecmp(line, name, k) == 0 &&
	       (line[k] == ':' || line[k] == ' ' || line[k] == '\t');
}

/* BLOCK (fields, usually ending with the blank line) with the values of
   Content-Type and Content-Transfer-Encoding replaced where NEW_* is set;
   a field that is missing is added before the blank line. */
static GByteArray *rewrite_header_block(const char *block, size_t len, const char *new_ct,
					const char *new_cte)
{
	GByteArray *out = g_byte_array_sized_new((guint)len + 128);
	const char *eol = block_eol(block, len);
	const char *p = block, *end = block + len;
	bool done_ct = new_ct == NULL, done_cte = new_cte == NULL, skipping = false;
	bool blank = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		size_t content = n - (n > 0 && p[n - 1] == '\n' ? 1 : 0);

		if (content > 0 && p[content - 1] == '\r')
			content--;
		if (content == 0) {
			blank = true;
			break;
		}
		if (p[0] == ' ' || p[0] == '\t') {
			if (!skipping)
				g_byte_array_append(out, (const guint8 *)p, (guint)n);
			p += n;
			continue;
		}
		skipping = false;
		if (new_ct != NULL && field_is(p, content, "Content-Type")) {
			if (!done_ct) {
				g_byte_array_append(out, (const guint8 *)"Content-Type: ", 14);
				g_byte_array_append(out, (const guint8 *)new_ct, (guint)strlen(new_ct));
				g_byte_array_append(out, (const guint8 *)eol, (guint)strlen(eol));
			}
			done_ct = true;
			skipping = true;
		} else if (new_cte != NULL && field_is(p, content, "Content-Transfer-Encoding")) {
			if (!done_cte) {
				g_byte_array_append(out, (const guint8 *)"Content-Transfer-Encoding: ", 27);
				g_byte_array_append(out, (const guint8 *)new_cte, (guint)strlen(new_cte));
				g_byte_array_append(out, (const guint8 *)eol, (guint)strlen(eol));
			}
			done_cte = true;
			skipping = true;
		} else {
			g_byte_array_append(out, (const guint8 *)p, (guint)n);
		}
		p += n;
	}
	if (!done_ct) {
		g_byte_array_append(out, (const guint8 *)"Content-Type: ", 14);
		g_byte_array_append(out, (const guint8 *)new_ct, (guint)strlen(new_ct));
		g_byte_array_append(out, (const guint8 *)eol, (guint)strlen(eol));
	}
	if (!done_cte) {
		g_byte_array_append(out, (const guint8 *)"Content-Transfer-Encoding: ", 27);
		g_byte_array_append(out, (const guint8 *)new_cte, (guint)strlen(new_cte));
		g_byte_array_append(out, (const guint8 *)eol, (guint)strlen(eol));
	}
	/* the blank line and whatever followed it in the block */
	if (blank)
		g_byte_array_append(out, (const guint8 *)p, (guint)(end - p));
	else
		g_byte_array_append(out, (const guint8 *)eol, (guint)strlen(eol));
	return out;
}

/* The Content-Type value of OBJ with its charset set to CHARSET, unfolded. */
static char *content_type_with_charset(GMimeObject *obj, GMimeParserOptions *options,
				       const char *charset)
{
	const char *orig = g_mime_object_get_header(obj, "Content-Type");
	GMimeContentType *ct = g_mime_content_type_parse(options, orig != NULL ? orig : "text/plain");
	char *enc, *value;

	g_mime_content_type_set_parameter(ct, "charset", charset);
	enc = g_mime_content_type_encode(ct, NULL);
	g_object_unref(ct);
	/* unfolded: whoever writes the header folds it */
	value = footer_normalise(enc);
	g_free(enc);
	return value;
}

/* ---- one text body ---- */

struct part_result {
	GByteArray *content;		/* new encoded content */
	char *new_charset;		/* NULL: unchanged */
	char *new_cte;			/* NULL: unchanged */
};

static bool has_8bit(const guint8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 0x80)
			return true;
	}
	return false;
}

static GByteArray *crlf_to_lf(const guint8 *p, size_t n)
{
	GByteArray *out = g_byte_array_sized_new((guint)n);
	guint8 *w;

	g_byte_array_set_size(out, (guint)n);	/* at most as long: written in place */
	w = out->data;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		*w++ = p[i];
	}
	g_byte_array_set_size(out, (guint)(w - out->data));
	return out;
}

static GByteArray *encode(GMimeContentEncoding enc, const guint8 *p, size_t n)
{
	GMimeEncoding state;
	GByteArray *out;
	size_t len;

	g_mime_encoding_init_encode(&state, enc);
	out = g_byte_array_sized_new((guint)(g_mime_encoding_outlen(&state, n) + 16));
	g_byte_array_set_size(out, (guint)(g_mime_encoding_outlen(&state, n) + 16));
	len = g_mime_encoding_flush(&state, (const char *)p, n, (char *)out->data);
	g_byte_array_set_size(out, (guint)len);
	return out;
}

/* Decoded content with the footer, in the part's charset when it can say
   the footer, else in UTF-8 (*utf8_r set). NULL when HTML leaves no place
   where a footer could be seen (html_footer_place). */
static GByteArray *with_footer(struct parser_private *priv, GMimePart *part,
				const struct footer_bytes *fb, bool *utf8_r)
{
	bool truncated, html = g_mime_content_type_is_type(
		g_mime_object_get_content_type(GMIME_OBJECT(part)), "text", "html");
	/* as the model read it, when it kept it; else read again */
	GByteArray *dec = decoded_text_take(priv, part);

	if (dec == NULL)
		dec = part_decoded_content(part, SIZE_MAX, &truncated);
	const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	const char *foot = html ? fb->html : fb->plain;
	size_t flen = 0;
	char *fconv = charset_from_utf8(foot, strlen(foot), charset, &flen);
	bool crlf = dec->len > 0 && memmem(dec->data, dec->len, "\r\n", 2) != NULL;
	GByteArray *out;
	size_t at = 0;
	char *close = NULL;

	*utf8_r = fconv == NULL;
	if (fconv == NULL) {
		size_t n;
		char *u = charset_to_utf8((const char *)dec->data, dec->len, charset, &n);

		g_byte_array_set_size(dec, 0);
		g_byte_array_append(dec, (const guint8 *)u, (guint)n);
		g_free(u);
		fconv = g_strdup(foot);
		flen = strlen(foot);
	}
	/* the footer in the body's line ends */
	GString *f = g_string_sized_new(flen + 32);
	for (size_t i = 0; i < flen; i++) {
		if (fconv[i] == '\n' && crlf)
			g_string_append_c(f, '\r');
		g_string_append_c(f, fconv[i]);
	}
	g_free(fconv);

	if (html && !html_footer_place((const char *)dec->data, dec->len, &at, &close)) {
		g_string_free(f, TRUE);
		g_byte_array_free(dec, TRUE);
		return NULL;
	}
	out = g_byte_array_sized_new(dec->len + (guint)f->len + 8);
	if (html) {
		/* what the body left open is ended first, then the footer, then
		   the rest (the last </body> and what follows) */
		g_byte_array_append(out, dec->data, (guint)at);
		g_byte_array_append(out, (const guint8 *)close, (guint)strlen(close));
		g_byte_array_append(out, (const guint8 *)f->str, (guint)f->len);
		if (at < dec->len)	/* (an empty body's bytes may be NULL) */
			g_byte_array_append(out, dec->data + at, dec->len - (guint)at);
		g_free(close);
	} else {
		const char *eol = crlf ? "\r\n" : "\n";

		g_byte_array_append(out, dec->data, dec->len);
		if (dec->len > 0 && dec->data[dec->len - 1] != '\n')
			g_byte_array_append(out, (const guint8 *)eol, (guint)strlen(eol));
		if (dec->len > 0)
			g_byte_array_append(out, (const guint8 *)eol, (guint)strlen(eol));
		g_byte_array_append(out, (const guint8 *)f->str, (guint)f->len);
	}
	g_string_free(f, TRUE);
	g_byte_array_free(dec, TRUE);
	return out;
}

/* The new content of PART in its own transfer encoding where that can
   carry it. False: the part cannot be rewritten safely (uuencode). */
static bool annotate_part(struct parser_private *priv, GMimePart *part,
			  const struct footer_bytes *fb, const guint8 *raw, size_t raw_len,
			  struct part_result *res)
{
	GMimeContentEncoding enc = g_mime_part_get_content_encoding(part);
	bool utf8;
	GByteArray *text;

	memset(res, 0, sizeof(*res));
	if (enc == GMIME_CONTENT_ENCODING_UUENCODE)
		return false;
	text = with_footer(priv, part, fb, &utf8);
	if (text == NULL)
		return false;
	if (utf8)
		res->new_charset = g_strdup("utf-8");
	switch (enc) {
	case GMIME_CONTENT_ENCODING_BASE64:
		res->content = encode(enc, text->data, text->len);
		break;
	case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE: {
		GByteArray *lf = crlf_to_lf(text->data, text->len);

		res->content = encode(enc, lf->data, lf->len);
		g_byte_array_free(lf, TRUE);
		break;
	}
	case GMIME_CONTENT_ENCODING_8BIT:
	case GMIME_CONTENT_ENCODING_BINARY:
		res->content = g_byte_array_ref(text);
		break;
	default:
		/* 7bit or none: non-ASCII needs quoted-printable */
		if (has_8bit(text->data, text->len) && !has_8bit(raw, raw_len)) {
			GByteArray *lf = crlf_to_lf(text->data, text->len);

			res->content = encode(GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE, lf->data, lf->len);
			res->new_cte = g_strdup("quoted-printable");
			g_byte_array_free(lf, TRUE);
		} else {
			res->content = g_byte_array_ref(text);
		}
		break;
	}
	g_byte_array_unref(text);
	/* The line end before the next boundary belongs to the boundary: keep
	   the original's choice of ending the content with one or not. */
	if ((raw_len == 0 || (raw[raw_len - 1] != '\n' && raw[raw_len - 1] != '\r')) &&
	    res->content->len > 0 &&
	    res->content->data[res->content->len - 1] == '\n') {
		guint n = res->content->len - 1;

		if (n > 0 && res->content->data[n - 1] == '\r')
			n--;
		g_byte_array_set_size(res->content, n);
	}
	return true;
}

/* ---- putting it together ---- */

static bool content_bounds(struct parser_private *priv, GMimePart *part, size_t *start_r,
			   size_t *end_r)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *st = w != NULL ? g_mime_data_wrapper_get_stream(w) : NULL;

	if (st == NULL || !GMIME_IS_STREAM_MEM(st) ||
	    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st)) != priv->data)
		return false;
	if (st->bound_start < (gint64)priv->body_offset || st->bound_end < st->bound_start ||
	    st->bound_end > (gint64)priv->data->len)
		return false;
	*start_r = (size_t)st->bound_start;
	*end_r = (size_t)st->bound_end;
	if (*start_r == *end_r) {
		/* GMime's bounds of an empty body are only to be trusted right
		   after a blank line (the end of the part's header block). */
		const guint8 *d = priv->data->data;
		size_t s = *start_r;

		if (s < 2 || d[s - 1] != '\n')
			return false;
		s--;
		if (s >= 1 && d[s - 1] == '\r')
			s--;
		return s >= 1 && d[s - 1] == '\n';
	}
	return true;
}

/* Where PART's header block starts: its first field, or the blank line
   before its content when it has none. */
static size_t header_block_start(struct parser_private *priv, GMimePart *part, size_t content)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(part));
	const guint8 *d = priv->data->data;
	size_t s = content;

	if (g_mime_header_list_get_count(hl) > 0) {
		gint64 off = g_mime_header_get_offset(g_mime_header_list_get_header_at(hl, 0));

		if (off >= (gint64)priv->body_offset && (size_t)off <= content)
			return (size_t)off;
	}
	if (s >= 1 && d[s - 1] == '\n') {
		size_t t = s - 1;

		if (t >= 1 && d[t - 1] == '\r')
			t--;
		if (t >= 1 && d[t - 1] == '\n')
			s = t;		/* the blank line itself */
	}
	return s;
}

static gint compare_edits(gconstpointer a, gconstpointer b)
{
	const struct edit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Append SRC[0, LEN) to OUT with every bare LF made CRLF; *PREV is the last
   byte written so far (a CR before an LF may sit at the end of the previous
   piece). Whole runs between line ends are copied at once. */
static void append_crlf(GByteArray *out, const guint8 *src, size_t len, guint8 *prev)
{
	const guint8 *p = src, *end = src + len;
	size_t bare = 0, at = out->len;
	guint8 before = *prev;
	guint8 *w;

	/* Count the bare LFs first, so that OUT grows once, to its exact
	   length, and each line is copied without a call per piece. */
	for (const guint8 *q = p; q < end; q++) {
		q = memchr(q, '\n', (size_t)(end - q));
		if (q == NULL)
			break;
		bare += (q > src ? q[-1] : before) != '\r';
	}
	g_byte_array_set_size(out, (guint)(at + len + bare));
	w = out->data + at;
	while (p < end) {
		const guint8 *lf = memchr(p, '\n', (size_t)(end - p));
		const guint8 *stop = lf != NULL ? lf : end;

		memcpy(w, p, (size_t)(stop - p));
		w += stop - p;
		if (stop > p)
			*prev = stop[-1];
		if (lf == NULL)
			break;
		if (*prev != '\r')
			*w++ = '\r';
		*w++ = '\n';
		*prev = '\n';
		p = lf + 1;
	}
}

/* DATA[from, end) with EDITS applied, every bare LF made CRLF, written in
   one pass into one buffer: the message may be tens of megabytes, and the
   model already holds it once (an intermediate copy made annotation cost
   four times the message at its peak). */
static void assemble(const GByteArray *data, size_t from, GArray *edits, struct parser_annotated *out)
{
	size_t len = data->len - from;
	GByteArray *crlf = g_byte_array_sized_new((guint)(len + len / 16 + 1024));
	size_t pos = from;
	guint8 prev = 0;

	g_array_sort(edits, compare_edits);
	for (guint i = 0; i < edits->len; i++) {
		const struct edit *e = &g_array_index(edits, struct edit, i);

		append_crlf(crlf, data->data + pos, e->start - pos, &prev);
		append_crlf(crlf, e->with->data, e->with->len, &prev);
		pos = e->end;
	}
	append_crlf(crlf, data->data + pos, data->len - pos, &prev);
	out->body_len = crlf->len;
	g_byte_array_append(crlf, (const guint8 *)"", 1);	/* NUL for C callers */
	out->body = (char *)g_byte_array_free(crlf, FALSE);
}

static void free_edits(GArray *edits)
{
	for (guint i = 0; i < edits->len; i++)
		g_byte_array_free(g_array_index(edits, struct edit, i).with, TRUE);
	g_array_free(edits, TRUE);
}

/* Every multipart boundary in the message, trailing white space removed. */
static GPtrArray *all_boundaries(GMimeObject *root)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *stack = g_ptr_array_new();

	g_ptr_array_add(stack, root);
	while (stack->len > 0 && out->len < 10000) {
		GMimeObject *o = g_ptr_array_steal_index(stack, stack->len - 1);
		const char *b;

		if (GMIME_IS_MESSAGE_PART(o)) {
			GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));

			if (m != NULL && g_mime_message_get_mime_part(m) != NULL)
				g_ptr_array_add(stack, g_mime_message_get_mime_part(m));
			continue;
		}
		if (!GMIME_IS_MULTIPART(o))
			continue;
		b = g_mime_multipart_get_boundary(GMIME_MULTIPART(o));
		if (b != NULL && *b != '\0')
			g_ptr_array_add(out, g_strchomp(g_strdup(b)));
		for (int i = g_mime_multipart_get_count(GMIME_MULTIPART(o)) - 1; i >= 0; i--)
			g_ptr_array_add(stack, g_mime_multipart_get_part(GMIME_MULTIPART(o), i));
	}
	g_ptr_array_free(stack, TRUE);
	return out;
}

/* Does RAW hold a line that starts like a delimiter of one of BOUNDS?
   GMime did not take it for one, but other MIME parsers may (Python strips
   trailing space from boundaries, some match prefixes): re-encoding such a
   body would change the structure those parsers see. */
static bool looks_like_delimiter(const guint8 *raw, size_t len, GPtrArray *bounds)
{
	for (size_t pos = 0; pos + 2 <= len;) {
		const guint8 *nl = memchr(raw + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (raw + pos)) : len - pos;

		if (n >= 2 && raw[pos] == '-' && raw[pos + 1] == '-') {
			for (guint i = 0; i < bounds->len; i++) {
				const char *b = g_ptr_array_index(bounds, i);
				size_t bl = strlen(b);

				if (n >= bl + 2 && memcmp(raw + pos + 2, b, bl) == 0)
					return true;
			}
		}
		pos += n + 1;
	}
	return false;
}

/* Footer edits for every target; false when one cannot be done safely. */
static bool edit_targets(struct parser_message *msg, GPtrArray *targets,
			 const struct footer_bytes *fb, GArray *edits, struct parser_annotated *out)
{
	struct parser_private *priv = msg->priv;
	GMimeObject *top = g_mime_message_get_mime_part(priv->message);
	GPtrArray *bounds = all_boundaries(top);
	bool ok = true;

	for (guint i = 0; i < targets->len && ok; i++) {
		GMimePart *part = g_ptr_array_index(targets, i);
		struct part_result res;
		size_t cs, ce;

		if (!content_bounds(priv, part, &cs, &ce) ||
		    looks_like_delimiter(priv->data->data + cs, ce - cs, bounds) ||
		    !annotate_part(priv, part, fb, priv->data->data + cs, ce - cs, &res)) {
			ok = false;
			break;
		}
		/* An empty body right before its delimiter line shares the line
		   end before it with the delimiter: give the new content its own. */
		if (ce < priv->data->len && priv->data->data[ce] != '\n' &&
		    priv->data->data[ce] != '\r' &&
		    (res.content->len == 0 || res.content->data[res.content->len - 1] != '\n'))
			g_byte_array_append(res.content, (const guint8 *)"\n", 1);
		struct edit e = { cs, ce, res.content };
		g_array_append_val(edits, e);
		char *ct = res.new_charset == NULL ? NULL :
			content_type_with_charset(GMIME_OBJECT(part), priv->options, res.new_charset);
		if (GMIME_OBJECT(part) == top) {
			out->content_type = ct;
			out->content_transfer_encoding = res.new_cte;
		} else if (ct != NULL || res.new_cte != NULL) {
			size_t hs = header_block_start(priv, part, cs);
			struct edit h = {
				hs, cs, rewrite_header_block((const char *)priv->data->data + hs,
							     cs - hs, ct, res.new_cte),
			};

			g_array_append_val(edits, h);
			g_free(ct);
			g_free(res.new_cte);
		}
		g_free(res.new_charset);
	}
	g_ptr_array_free(bounds, TRUE);
	return ok;
}

/* A message with no text body, or none we can edit safely: a multipart/mixed
   of a new text/plain part (the footer) and the original entity, moved in
   whole with its own MIME header fields. */
static void wrap(struct parser_message *msg, const struct footer_bytes *fb,
		 struct parser_annotated *out)
{
	static const char *const mime_fields[] = {
		"Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
		"Content-Description", "Content-Language", "Content-Location", "Content-MD5", NULL
	};
	struct parser_private *priv = msg->priv;
	const guint8 *d = priv->data->data;
	GByteArray *body = g_byte_array_new();
	GString *s = g_string_new(NULL);
	char *boundary = NULL;
	bool ascii = !has_8bit((const guint8 *)fb->plain, strlen(fb->plain));
	bool had_cte = false, had_version = false;

	do {
		char *uuid = g_uuid_string_random();

		g_free(boundary);
		boundary = g_strconcat("=_council_", uuid, NULL);
		g_free(uuid);
	} while (memmem(d, priv->data->len, boundary, strlen(boundary)) != NULL);

	g_string_append_printf(s, "--%s\nContent-Type: text/plain; charset=%s\n"
			       "Content-Transfer-Encoding: %s\n\n", boundary,
			       ascii ? "us-ascii" : "utf-8", ascii ? "7bit" : "quoted-printable");
	if (ascii) {
		g_string_append(s, fb->plain);
	} else {
		GByteArray *qp = encode(GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE,
					(const guint8 *)fb->plain, strlen(fb->plain));

		g_string_append_len(s, (const char *)qp->data, qp->len);
		g_byte_array_free(qp, TRUE);
	}
	g_string_append_printf(s, "\n--%s\n", boundary);
	/* the original entity's MIME fields, as written, from the top header */
	for (size_t p = 0; p < priv->body_offset;) {
		const guint8 *nl = memchr(d + p, '\n', priv->body_offset - p);
		size_t n = nl != NULL ? (size_t)(nl - (d + p)) + 1 : priv->body_offset - p;
		size_t end = p + n;

		while (end < priv->body_offset && (d[end] == ' ' || d[end] == '\t')) {
			nl = memchr(d + end, '\n', priv->body_offset - end);
			end = nl != NULL ? (size_t)(nl - d) + 1 : priv->body_offset;
		}
		for (const char *const *f = mime_fields; *f != NULL; f++) {
			if (field_is((const char *)d + p, end - p, *f)) {
				g_string_append_len(s, (const char *)d + p, (gssize)(end - p));
				if (d[end - 1] != '\n')
					g_string_append_c(s, '\n');
				had_cte |= f == &mime_fields[1];
			}
		}
		had_version |= field_is((const char *)d + p, end - p, "MIME-Version");
		p = end;
	}
	g_string_append_c(s, '\n');
	g_byte_array_append(body, (const guint8 *)s->str, (guint)s->len);
	g_byte_array_append(body, d + priv->body_offset, priv->data->len - (guint)priv->body_offset);
	g_string_printf(s, "\n--%s--\n", boundary);
	g_byte_array_append(body, (const guint8 *)s->str, (guint)s->len);

	{
		GArray *none = g_array_new(FALSE, FALSE, sizeof(struct edit));

		assemble(body, 0, none, out);
		g_array_free(none, TRUE);
	}
	out->content_type = g_strdup_printf("multipart/mixed; boundary=\"%s\"", boundary);
	if (had_cte)
		out->content_transfer_encoding =
			g_strdup(has_8bit(body->data, body->len) ? "8bit" : "7bit");
	if (!had_version)
		out->mime_version = g_strdup("1.0");
	out->n_text_parts = 1;
	g_byte_array_free(body, TRUE);
	g_string_free(s, TRUE);
	g_free(boundary);
}

const char *parser_rewrite_refusal(const struct parser_message *msg)
{
	if ((msg->flags & PARSER_FLAG_ENCRYPTED) != 0)
		return "encrypted";
	if ((msg->flags & PARSER_FLAG_SIGNED) != 0)
		return "signed";
	if (msg->priv != NULL && msg->priv->no_rewrite)
		return "body cannot be changed";
	return NULL;
}

int parser_annotate(struct parser_message *msg, const struct parser_footer *footer,
		    enum parser_annotate_status *status_r, struct parser_annotated **out_r,
		    const char **error_r)
{
	struct footer_bytes fb;
	struct parser_annotated *out;
	GPtrArray *targets;
	GArray *edits;

	*out_r = NULL;
	if (msg == NULL || msg->priv == NULL || footer == NULL || footer->text == NULL) {
		*error_r = "parser_annotate: no message or no footer text";
		return -1;
	}
	/* Signed or encrypted: any change breaks the signature or cannot be
	   made. Cut by the prescan: we never saw all of it to rewrite. */
	if (parser_rewrite_refusal(msg) != NULL) {
		*status_r = PARSER_ANNOTATE_REFUSED;
		return 0;
	}
	footer_build(footer, &fb);
	if (footer_already_there(msg->priv, &fb)) {
		footer_clear(&fb);
		*status_r = PARSER_ANNOTATE_ALREADY;
		return 0;
	}
	out = g_new0(struct parser_annotated, 1);
	/* Conflicting MIME fields: readers differ on what the message is, so
	   no part of it is edited; wrapped, it reads as before to each. */
	targets = msg->priv->mime_conflict ? g_ptr_array_new() :
		find_targets(g_mime_message_get_mime_part(msg->priv->message));
	edits = g_array_new(FALSE, FALSE, sizeof(struct edit));
	if (targets->len > 0 && edit_targets(msg, targets, &fb, edits, out)) {
		assemble(msg->priv->data, msg->priv->body_offset, edits, out);
		out->n_text_parts = targets->len;
		/* A Content-Type without MIME-Version does not count (RFC 2045 4) */
		if ((out->content_type != NULL || out->content_transfer_encoding != NULL) &&
		    g_mime_object_get_header(GMIME_OBJECT(msg->priv->message), "MIME-Version") == NULL)
			out->mime_version = g_strdup("1.0");
	} else {
		/* No text body, or one we cannot edit without the risk that
		   some reader sees a different message (a line like a MIME
		   delimiter in it, bounds GMime does not vouch for): every byte
		   stays as it is, wrapped. */
		parser_annotated_free(&out);
		out = g_new0(struct parser_annotated, 1);
		wrap(msg, &fb, out);
	}
	free_edits(edits);
	g_ptr_array_free(targets, TRUE);
	footer_clear(&fb);
	*status_r = PARSER_ANNOTATE_DONE;
	*out_r = out;
	return 0;
}

void parser_annotated_free(struct parser_annotated **outp)
{
	struct parser_annotated *out = *outp;

	if (out == NULL)
		return;
	g_free(out->body);
	g_free(out->content_type);
	g_free(out->content_transfer_encoding);
	g_free(out->mime_version);
	g_free(out);
	*outp = NULL;
}
