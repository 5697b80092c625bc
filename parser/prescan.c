/*
 * A structure-only scan of a message before GMime sees it.
 *
 * Measured (GMime 3.2.13, Debian 12): GMime stops nesting at 1024 levels by
 * itself and needs little stack for that, but it checks every line against
 * every open boundary (a 3.6 MB message of 50,000 levels takes 0.9 s, 2.3 s
 * under ASan), and every part costs it about 1.3 KB (a 1 MB message of
 * 200,000 empty parts grows the process by 270 MB). So GMime is handed a
 * copy in which entities nested deeper than the depth limit have no content
 * and everything after the part limit is left out. Header lines past
 * max_header_bytes in a header block are left out too: each field costs
 * GMime (and the model) many times its size, a To: field its addresses
 * (issue 15: 2 MB of header took 60 to 75 MB). Normal messages are not
 * copied at all.
 *
 * The scan follows GMime's own rules where they matter: the last
 * Content-Type of a header block wins; a boundary line is "--" boundary,
 * optionally "--", then only white space; any open boundary closes the
 * entities inside it; multipart/digest children default to message/rfc822.
 */
#include "parser/parser-private.h"

#include <string.h>

enum scan_state { SCAN_HEADERS, SCAN_BODY, SCAN_SKIP };

struct scan_bound {
	char *boundary;
	size_t len;
	unsigned depth;		/* depth of the multipart itself */
	bool digest;
};

struct scan {
	const char *data;
	size_t len;
	unsigned max_depth, max_parts;
	size_t max_header_bytes;

	struct scan_bound *stack;
	unsigned n_stack;

	enum scan_state state;
	unsigned depth;		/* of the entity whose headers we read */
	bool default_message;	/* that entity is a digest child */
	size_t header_bytes;
	bool header_over;	/* past max_header_bytes: lines left out */
	bool top_headers;
	GString *content_type;	/* the last Content-Type field, unfolded */
	bool in_content_type;	/* the field being read is Content-Type */
	unsigned entities;

	size_t kept_from;	/* start of the bytes kept since the last cut */
	struct prescan_result *res;
};

static bool is_lwsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool only_lwsp(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (!is_lwsp(*p))
			return false;
	}
	return true;
}

/* Index in the stack of the boundary LINE closes or opens, or -1. */
static int match_boundary(const struct scan *s, const char *line, size_t n, bool *final_r)
{
	if (n < 2 || line[0] != '-' || line[1] != '-')
		return -1;
	for (int i = (int)s->n_stack - 1; i >= 0; i--) {
		const struct scan_bound *b = &s->stack[i];
		const char *p = line + 2, *end = line + n;

		if ((size_t)(end - p) < b->len || memcmp(p, b->boundary, b->len) != 0)
			continue;
		p += b->len;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-' && only_lwsp(p + 2, end)) {
			*final_r = true;
			return i;
		}
		if (only_lwsp(p, end)) {
			*final_r = false;
			return i;
		}
	}
	return -1;
}

/* Keep data[kept_from, upto) in the copy (creating it) and note the cut:
   in the body (GMime's warnings past it are ours), unless only header
   lines of the top-level header block are left out (whole lines: GMime
   warns of nothing, and the body is the same). */
static void cut_at(struct scan *s, size_t upto)
{
	struct prescan_result *r = s->res;

	if (r->copy == NULL)
		r->copy = g_byte_array_sized_new((guint)upto + 1024);
	g_byte_array_append(r->copy, (const guint8 *)s->data + s->kept_from,
			    (guint)(upto - s->kept_from));
	if (!(s->top_headers && s->state == SCAN_HEADERS)) {
		r->body_cut = true;
		if (r->cut_offset == SIZE_MAX)
			r->cut_offset = r->copy->len;
	}
	s->kept_from = upto;
}

static void pop_to(struct scan *s, unsigned n)
{
	while (s->n_stack > n)
		g_free(s->stack[--s->n_stack].boundary);
}

/* The type, subtype and boundary of a Content-Type value (lower-cased type
   and subtype; boundary as written, quotes removed). */
static void parse_content_type(const char *v, char **type_r, char **subtype_r, char **boundary_r)
{
	const char *p = v;
	size_t n;

	*type_r = *subtype_r = *boundary_r = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, "/; \t");
	*type_r = g_ascii_strdown(p, (gssize)n);
	p += n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '/') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, "; \t");
		*subtype_r = g_ascii_strdown(p, (gssize)n);
		p += n;
	}
	/* Parameters: name = token | quoted-string, separated by ';'. */
	while ((p = strchr(p, ';')) != NULL) {
		const char *name;
		size_t name_len;

		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		name = p;
		name_len = strcspn(p, "=; \t");
		p += name_len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		GString *val = g_string_new(NULL);
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				g_string_append_c(val, *p);
			}
			if (*p == '"')
				p++;
		} else {
			n = strcspn(p, "; \t");
			g_string_append_len(val, p, (gssize)n);
			p += n;
		}
		if (name_len == 8 && g_ascii_strncasecmp(name, "boundary", 8) == 0 &&
		    val->len > 0) {
			g_free(*boundary_r);
			*boundary_r = g_string_free(val, FALSE);
		} else {
			g_string_free(val, TRUE);
		}
	}
	if (*subtype_r == NULL)
		*subtype_r = g_strdup("");
}

/* Count one more entity starting at OFFSET; false (and the rest cut) when
   that is one too many. */
static bool count_entity(struct scan *s, size_t offset)
{
	if (++s->entities <= s->max_parts)
		return true;
	s->res->flags |= PARSER_FLAG_PART_LIMIT;
	cut_at(s, offset);
	s->kept_from = s->len;
	return false;
}

/* The header block ended at LINE_END (start of the next line): decide what
   the entity is. Returns false when the scan must stop. */
static bool end_of_headers(struct scan *s, size_t line_end)
{
	char *type, *subtype, *boundary;
	bool ok = true;

	if (s->content_type->len > 0 || !s->default_message) {
		parse_content_type(s->content_type->str, &type, &subtype, &boundary);
	} else {
		type = g_strdup("message");
		subtype = g_strdup("rfc822");
		boundary = NULL;
	}
	s->state = SCAN_BODY;
	if (strcmp(type, "multipart") == 0 && boundary != NULL) {
		if (s->depth + 1 > s->max_depth) {
			s->res->flags |= PARSER_FLAG_DEPTH_LIMIT;
			cut_at(s, line_end);
			s->state = SCAN_SKIP;
		} else {
			struct scan_bound *b = &s->stack[s->n_stack++];

			b->boundary = boundary;
			b->len = strlen(boundary);
			b->depth = s->depth;
			b->digest = strcmp(subtype, "digest") == 0;
			boundary = NULL;
		}
	} else if (strcmp(type, "message") == 0 &&
		   (strcmp(subtype, "rfc822") == 0 || strcmp(subtype, "news") == 0 ||
		    strcmp(subtype, "global") == 0)) {
		if (s->depth + 1 > s->max_depth) {
			s->res->flags |= PARSER_FLAG_DEPTH_LIMIT;
			cut_at(s, line_end);
			s->state = SCAN_SKIP;
		} else if (count_entity(s, line_end)) {
			s->depth++;
			s->state = SCAN_HEADERS;
		} else {
			ok = false;
		}
	}
	if (s->state == SCAN_HEADERS) {
		s->header_bytes = 0;
		s->default_message = false;
		g_string_truncate(s->content_type, 0);
		s->in_content_type = false;
	}
	g_free(type);
	g_free(subtype);
	g_free(boundary);
	return ok;
}

/* Does LINE start a field: a name of printable characters, optional white
   space, then ':' ("From :" is a field to GMime too)? */
static bool is_field_start(const char *line, size_t n, size_t *colon_r)
{
	size_t i = 0;

	while (i < n && (unsigned char)line[i] > ' ' && (unsigned char)line[i] < 127 &&
	       line[i] != ':')
		i++;
	if (i == 0)
		return false;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	*colon_r = i;
	return i < n && line[i] == ':';
}

/* A MIME field (Content-*, MIME-Version): leaving one out changes what
   the message is, not only what it says. */
static bool is_mime_field(const char *line, size_t n)
{
	return (n >= 8 && g_ascii_strncasecmp(line, "Content-", 8) == 0) ||
	       (n >= 12 && g_ascii_strncasecmp(line, "MIME-Version", 12) == 0);
}

/* The header block ends at OFFSET: what follows is kept again. */
static void header_block_end(struct scan *s, size_t offset)
{
	if (s->header_over)
		s->kept_from = offset;
	s->header_over = false;
}

/* Feed one header line at OFFSET; false when the line is not a header
   (GMime then takes it as the start of the content). */
static bool header_line(struct scan *s, const char *line, size_t n, size_t raw_len,
			size_t offset)
{
	size_t colon = 0;
	bool continuation = line[0] == ' ' || line[0] == '\t';
	/* an mbox "From " line before the first field: GMime skips it */
	bool mbox_from = s->top_headers && s->res->header_bytes == 0 && n >= 5 &&
		memcmp(line, "From ", 5) == 0;

	if (!continuation && !mbox_from && !is_field_start(line, n, &colon))
		return false;
	s->header_bytes += raw_len;
	if (s->top_headers)
		s->res->header_bytes += raw_len;
	if (s->header_bytes > s->max_header_bytes) {
		s->res->flags |= PARSER_FLAG_HEADER_LIMIT;
		if (!s->header_over)
			cut_at(s, offset);
		s->header_over = true;
		if (s->top_headers) {
			s->res->header_removed += raw_len;
			if (!continuation && is_mime_field(line, n))
				s->res->mime_field_cut = true;
		}
		return true;	/* left out: GMime never sees it */
	}
	if (mbox_from)
		return true;
	if (continuation) {
		if (s->in_content_type)
			g_string_append_len(s->content_type, line, (gssize)n);
		return true;
	}
	s->in_content_type = colon >= 12 && g_ascii_strncasecmp(line, "Content-Type", 12) == 0 &&
		only_lwsp(line + 12, line + colon);
	if (s->in_content_type) {
		g_string_truncate(s->content_type, 0);
		g_string_append_len(s->content_type, line + colon + 1, (gssize)(n - colon - 1));
	}
	return true;
}

/* A boundary line at OFFSET matched stack entry IDX. False: stop. */
static bool boundary_line(struct scan *s, int idx, bool final, size_t offset)
{
	if (s->state == SCAN_SKIP)
		s->kept_from = offset;
	if (s->state == SCAN_HEADERS)
		header_block_end(s, offset);
	if (final) {
		pop_to(s, (unsigned)idx);
		s->state = SCAN_BODY;
		return true;
	}
	pop_to(s, (unsigned)idx + 1);
	if (!count_entity(s, offset))
		return false;
	s->depth = s->stack[idx].depth + 1;
	s->default_message = s->stack[idx].digest;
	s->state = SCAN_HEADERS;
	s->header_bytes = 0;
	s->top_headers = false;
	g_string_truncate(s->content_type, 0);
	s->in_content_type = false;
	return true;
}

void prescan(const char *data, size_t len, unsigned max_depth, unsigned max_parts,
	     size_t max_header_bytes, struct prescan_result *res_r)
{
	struct scan s = {
		.data = data, .len = len, .max_depth = max_depth, .max_parts = max_parts,
		.max_header_bytes = max_header_bytes, .state = SCAN_HEADERS,
		.top_headers = true, .entities = 1, .res = res_r,
	};
	size_t pos = 0;

	memset(res_r, 0, sizeof(*res_r));
	res_r->cut_offset = SIZE_MAX;
	s.stack = g_new(struct scan_bound, max_depth + 1);
	s.content_type = g_string_new(NULL);

	while (pos < len) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t raw_len = nl != NULL ? (size_t)(nl - line) + 1 : len - pos;
		size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;
		size_t next = pos + raw_len;
		bool final = false;
		int idx;

		if (n > 0 && line[n - 1] == '\r')
			n--;
		idx = match_boundary(&s, line, n, &final);
		if (idx >= 0) {
			if (s.state == SCAN_HEADERS)
				s.top_headers = false;
			if (!boundary_line(&s, idx, final, pos))
				break;
			pos = next;
			continue;
		}
		if (s.state == SCAN_HEADERS) {
			if (n == 0) {
				header_block_end(&s, pos);
				s.header_bytes += raw_len;
				if (s.top_headers)
					res_r->header_bytes += raw_len;
				s.top_headers = false;
				if (!end_of_headers(&s, next))
					break;
				pos = next;
				continue;
			}
			if (header_line(&s, line, n, raw_len, pos)) {
				pos = next;
				continue;
			}
			/* Not a header: the content starts on this line. */
			header_block_end(&s, pos);
			if (s.top_headers)
				res_r->header_unterminated = true;
			s.top_headers = false;
			if (!end_of_headers(&s, pos))
				break;
			if (s.state == SCAN_HEADERS)
				continue;	/* a message/rfc822 without a blank line */
		}
		pos = next;
	}
	if (s.state == SCAN_SKIP || (s.state == SCAN_HEADERS && s.header_over))
		s.kept_from = len;
	if (res_r->copy != NULL && s.kept_from < len)
		g_byte_array_append(res_r->copy, (const guint8 *)data + s.kept_from,
				    (guint)(len - s.kept_from));
	pop_to(&s, 0);
	g_free(s.stack);
	g_string_free(s.content_type, TRUE);
}

size_t parser_header_length(const char *data, size_t len)
{
	size_t pos = 0, colon;

	while (pos < len) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t raw = nl != NULL ? (size_t)(nl - line) + 1 : len - pos;
		size_t n = nl != NULL ? raw - 1 : raw;

		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			return pos + raw;
		/* A continuation needs a field before it: an indented first line
		   starts the body, as in Postfix. */
		if (line[0] == ' ' || line[0] == '\t' ? pos == 0 :
		    !is_field_start(line, n, &colon) &&
		    !(pos == 0 && n >= 5 && memcmp(line, "From ", 5) == 0))
			return pos;
		pos += raw;
	}
	return pos;
}
