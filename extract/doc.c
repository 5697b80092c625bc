/*
 * The document model, the kinds of part read, and the worker's answer as
 * text: one field per line, the lines last, "end" closing it so that an
 * answer cut short by the worker's death is never taken for a whole one.
 *
 *     council-extract 1
 *     status ok
 *     unit page
 *     pages 3
 *     detail
 *     line heading 1 NOT FOR PUBLICATION
 *     end
 */
#include "extract/extract.h"

#include <string.h>

#include <glib.h>

#include "util/util.h"

#define WIRE_MAGIC "council-extract 1"
#define WIRE_MAX (EXTRACT_LINES_MAX * (EXTRACT_LINE_MAX + 32) + 4096)
#define DETAIL_MAX 300

static const char *const status_names[EXTRACT_STATUS_COUNT] = {
	[EXTRACT_OK] = "ok",
	[EXTRACT_ENCRYPTED] = "encrypted",
	[EXTRACT_DAMAGED] = "damaged",
	[EXTRACT_LIMIT_BYTES] = "limit-bytes",
	[EXTRACT_LIMIT_PAGES] = "limit-pages",
	[EXTRACT_LIMIT_RATIO] = "limit-ratio",
	[EXTRACT_LIMIT_TIME] = "limit-time",
	[EXTRACT_FAILED] = "failed",
};

static const char *const place_names[] = {
	[EXTRACT_TOP] = "top", [EXTRACT_HEADING] = "heading", [EXTRACT_PAGE_HEADER] = "header",
};

static const char *const units[] = { "page", "sheet", "slide" };

const char *extract_status_name(enum extract_status status)
{
	return status < EXTRACT_STATUS_COUNT ? status_names[status] : "failed";
}

/* ---- kinds ---- */

static const struct {
	const char *suffix;	/* of a file name, or a content type */
	enum extract_kind kind;
} by_name[] = {
	{ ".pdf", EXTRACT_PDF },
	{ ".docx", EXTRACT_OOXML }, { ".docm", EXTRACT_OOXML }, { ".dotx", EXTRACT_OOXML },
	{ ".xlsx", EXTRACT_OOXML }, { ".xlsm", EXTRACT_OOXML },
	{ ".pptx", EXTRACT_OOXML }, { ".pptm", EXTRACT_OOXML }, { ".ppsx", EXTRACT_OOXML },
	{ ".odt", EXTRACT_ODF }, { ".ods", EXTRACT_ODF }, { ".odp", EXTRACT_ODF },
	{ ".ott", EXTRACT_ODF },
}, by_type[] = {
	{ "application/pdf", EXTRACT_PDF },
	{ "application/x-pdf", EXTRACT_PDF },
	{ "application/vnd.openxmlformats-officedocument.", EXTRACT_OOXML },
	{ "application/vnd.ms-word.document.macroenabled", EXTRACT_OOXML },
	{ "application/vnd.ms-excel.sheet.macroenabled", EXTRACT_OOXML },
	{ "application/vnd.ms-powerpoint.presentation.macroenabled", EXTRACT_OOXML },
	{ "application/vnd.oasis.opendocument.text", EXTRACT_ODF },
	{ "application/vnd.oasis.opendocument.spreadsheet", EXTRACT_ODF },
	{ "application/vnd.oasis.opendocument.presentation", EXTRACT_ODF },
};

enum extract_kind extract_kind_of(const char *content_type, const char *filename)
{
	if (content_type != NULL && g_str_has_prefix(content_type, "text/"))
		return EXTRACT_NONE;	/* the body: read as text already */
	for (size_t i = 0; content_type != NULL && i < G_N_ELEMENTS(by_type); i++)
		if (g_ascii_strncasecmp(content_type, by_type[i].suffix,
					strlen(by_type[i].suffix)) == 0)
			return by_type[i].kind;
	if (filename == NULL)
		return EXTRACT_NONE;
	size_t n = strlen(filename);
	/* Names often end in blanks or a dot ("report.pdf ") when made by hand. */
	while (n > 0 && (filename[n - 1] == ' ' || filename[n - 1] == '.'))
		n--;
	for (size_t i = 0; i < G_N_ELEMENTS(by_name); i++) {
		size_t k = strlen(by_name[i].suffix);

		if (n >= k && g_ascii_strncasecmp(filename + n - k, by_name[i].suffix, k) == 0)
			return by_name[i].kind;
	}
	return EXTRACT_NONE;
}

/* ---- the model ---- */

struct extract_doc *extract_doc_new(enum extract_status status, const char *detail)
{
	struct extract_doc *doc = g_new0(struct extract_doc, 1);

	doc->status = status;
	doc->detail = g_strdup(detail != NULL ? detail : "");
	doc->unit = units[0];
	return doc;
}

/* TEXT[0, LEN) as one clean line of at most MAX bytes (valid UTF-8, no
   control characters, blanks collapsed, trimmed). */
static char *clean_line(const char *text, size_t len, size_t max)
{
	char *valid = g_utf8_make_valid(text, (gssize)len);
	GString *out = g_string_sized_new(MIN(len, max) + 1);
	bool blank = true;

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || g_unichar_isspace(c)) {
			if (!blank)
				g_string_append_c(out, ' ');
			blank = true;
			continue;
		}
		if (out->len + 6 > max)
			break;
		g_string_append_unichar(out, c);
		blank = false;
	}
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	g_free(valid);
	return g_string_free(out, FALSE);
}

void extract_doc_add(struct extract_doc *doc, const char *text, size_t len, unsigned page,
		     enum extract_place place)
{
	char *clean;

	if (doc->n_lines >= EXTRACT_LINES_MAX)
		return;
	clean = clean_line(text, len, EXTRACT_LINE_MAX);
	if (*clean == '\0') {
		g_free(clean);
		return;
	}
	doc->lines = g_renew(struct extract_line, doc->lines, doc->n_lines + 1);
	doc->lines[doc->n_lines].text = clean;
	doc->lines[doc->n_lines].page = page;
	doc->lines[doc->n_lines].place = place;
	doc->n_lines++;
}

void extract_doc_free(struct extract_doc **doc_p)
{
	struct extract_doc *doc = *doc_p;

	if (doc == NULL)
		return;
	for (size_t i = 0; i < doc->n_lines; i++)
		g_free(doc->lines[i].text);
	g_free(doc->lines);
	g_free(doc->detail);
	g_free(doc);
	*doc_p = NULL;
}

/* ---- the wire ---- */

char *extract_doc_write(const struct extract_doc *doc, size_t *len_r)
{
	GString *out = g_string_new(WIRE_MAGIC "\n");
	char *detail = clean_line(doc->detail, strlen(doc->detail), DETAIL_MAX);

	g_string_append_printf(out, "status %s\nunit %s\npages %u\ndetail %s\n",
			       extract_status_name(doc->status), doc->unit, doc->pages, detail);
	for (size_t i = 0; i < doc->n_lines; i++)
		g_string_append_printf(out, "line %s %u %s\n", place_names[doc->lines[i].place],
				       doc->lines[i].page, doc->lines[i].text);
	g_string_append(out, "end\n");
	g_free(detail);
	*len_r = out->len;
	return g_string_free(out, FALSE);
}

static int index_of(const char *const *names, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] != NULL && strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return (int)i;
	return -1;
}

static bool read_uint(const char *s, unsigned *v_r)
{
	guint64 v;

	if (!g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT, &v, NULL))
		return false;
	*v_r = (unsigned)v;
	return true;
}

/* One "line PLACE PAGE TEXT" into DOC. */
static bool read_line(struct extract_doc *doc, const char *s)
{
	const char *sp1 = strchr(s, ' '), *sp2;
	char *page;
	unsigned n;
	int place;
	bool ok;

	if (sp1 == NULL || (sp2 = strchr(sp1 + 1, ' ')) == NULL)
		return false;
	place = index_of(place_names, G_N_ELEMENTS(place_names), s, (size_t)(sp1 - s));
	page = g_strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	ok = place >= 0 && read_uint(page, &n);
	g_free(page);
	if (ok)
		extract_doc_add(doc, sp2 + 1, strlen(sp2 + 1), n, (enum extract_place)place);
	return ok;
}

int extract_doc_read(const char *data, size_t len, struct extract_doc **doc_r,
		     const char **error_r)
{
	struct extract_doc *doc;
	char **lines, *copy;
	size_t n;
	bool ended = false, ok = true;
	int status = -1, unit;

	*doc_r = NULL;
	if (len > WIRE_MAX) {
		*error_r = util_error("the document reader's answer is too long (%zu bytes)", len);
		return -1;
	}
	if (memchr(data, '\0', len) != NULL || len < sizeof(WIRE_MAGIC) ||
	    memcmp(data, WIRE_MAGIC "\n", sizeof(WIRE_MAGIC)) != 0) {
		*error_r = "the document reader gave no answer";
		return -1;
	}
	doc = extract_doc_new(EXTRACT_OK, NULL);
	copy = g_strndup(data + sizeof(WIRE_MAGIC), len - sizeof(WIRE_MAGIC));
	lines = g_strsplit(copy, "\n", -1);
	g_free(copy);
	n = g_strv_length(lines);
	for (size_t i = 0; i < n && ok && !ended; i++) {
		const char *l = lines[i];

		if (strcmp(l, "end") == 0 && i + 2 == n && lines[i + 1][0] == '\0')
			ended = true;
		else if (g_str_has_prefix(l, "status "))
			ok = (status = index_of(status_names, EXTRACT_STATUS_COUNT, l + 7,
						strlen(l + 7))) >= 0;
		else if (g_str_has_prefix(l, "unit "))
			ok = (unit = index_of(units, G_N_ELEMENTS(units), l + 5,
					      strlen(l + 5))) >= 0 &&
			     (doc->unit = units[unit]) != NULL;
		else if (g_str_has_prefix(l, "pages "))
			ok = read_uint(l + 6, &doc->pages);
		else if (g_str_has_prefix(l, "detail ")) {
			g_free(doc->detail);
			doc->detail = clean_line(l + 7, strlen(l + 7), DETAIL_MAX);
		} else if (g_str_has_prefix(l, "line "))
			ok = read_line(doc, l + 5);
		else
			ok = false;
	}
	g_strfreev(lines);
	if (!ok || !ended || status < 0) {
		extract_doc_free(&doc);
		*error_r = ended ? "the document reader's answer could not be read" :
				   "the document reader's answer was cut short";
		return -1;
	}
	doc->status = (enum extract_status)status;
	*doc_r = doc;
	return 0;
}
