/*
 * The CSV an address book exports (see directory.h): RFC 4180 (fields in
 * double quotes may hold the delimiter, quotes doubled, and line breaks),
 * with what spreadsheets add: a byte order mark, CRLF or LF, a semicolon
 * or a tab for a delimiter, Windows-1252 from an older Excel.
 */
#include "directory/directory.h"

#include <string.h>

#include "util/util.h"

static void row_free(gpointer p)
{
	struct csv_row *r = p;

	g_strfreev(r->fields);
	g_free(r);
}

void csv_free(struct csv **csv_p)
{
	struct csv *csv = *csv_p;

	if (csv == NULL)
		return;
	g_ptr_array_unref(csv->rows);
	g_free(csv);
	*csv_p = NULL;
}

/* The header's delimiter: the one of comma, semicolon and tab it has most
   of, outside quotes (a header with one column: a comma). */
static char header_delimiter(const char *p, const char *end)
{
	size_t comma = 0, semicolon = 0, tab = 0;
	bool quoted = false;

	for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"') {
			quoted = !quoted;
		} else if (!quoted) {
			comma += *p == ',';
			semicolon += *p == ';';
			tab += *p == '\t';
		}
	}
	if (semicolon > comma && semicolon >= tab)
		return ';';
	return tab > comma ? '\t' : ',';
}

struct reader {
	const char *p, *end;
	char delim;
	unsigned long line;		/* the line p is on */
	const char **error_r;
};

/* One row from r->p on (which is at its start), into FIELDS. -1 on a quote
   never closed. */
static int read_row(struct reader *r, GPtrArray *fields)
{
	GString *field = g_string_new(NULL);
	unsigned long started = r->line;

	for (;;) {
		bool quoted = r->p < r->end && *r->p == '"';
		if (quoted) {
			unsigned long opened = r->line;
			for (r->p++;; r->p++) {
				if (r->p >= r->end) {
					*r->error_r = util_error(
						"line %lu: a quoted field is never closed (a \" "
						"missing)", opened);
					g_string_free(field, TRUE);
					return -1;
				}
				if (*r->p == '"' && r->p + 1 < r->end && r->p[1] == '"') {
					g_string_append_c(field, '"');
					r->p++;
				} else if (*r->p == '"') {
					r->p++;
					break;
				} else {
					r->line += *r->p == '\n';
					g_string_append_c(field, *r->p);
				}
			}
		}
		/* Up to the delimiter or the end of the line (text after a closing
		   quote is kept, as spreadsheets do). */
		while (r->p < r->end && *r->p != r->delim && *r->p != '\n' && *r->p != '\r')
			g_string_append_c(field, *r->p++);
		g_ptr_array_add(fields, g_string_free(field, FALSE));
		if (r->p < r->end && *r->p == r->delim) {
			r->p++;
			if (fields->len >= CSV_FIELDS_MAX) {
				*r->error_r = util_error("line %lu: more than %d fields in a row",
							 started, CSV_FIELDS_MAX);
				return -1;
			}
			field = g_string_new(NULL);
			continue;
		}
		if (r->p < r->end && *r->p == '\r')
			r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
		r->line++;
		return 0;
	}
}

static bool blank_row(const GPtrArray *fields)
{
	for (guint i = 0; i < fields->len; i++)
		if (*(const char *)fields->pdata[i] != '\0')
			return false;
	return true;
}

int csv_parse(const char *data, size_t len, struct csv **csv_r, const char **error_r)
{
	char *converted = NULL;

	if (len > CSV_BYTES_MAX) {
		*error_r = util_error("the file is larger than %d MiB: is it the address book's "
				      "export?", CSV_BYTES_MAX >> 20);
		return -1;
	}
	if (memchr(data, '\0', len) != NULL) {
		*error_r = "the file holds NUL bytes: it is not a CSV file (save it as CSV from "
			   "the spreadsheet)";
		return -1;
	}
	struct csv *csv = g_new0(struct csv, 1);
	csv->encoding = "UTF-8";
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if (!g_utf8_validate(data, (gssize)len, NULL)) {
		gsize out;
		converted = g_convert(data, (gssize)len, "UTF-8", "WINDOWS-1252", NULL, &out, NULL);
		if (converted == NULL) {
			*error_r = "the file is neither UTF-8 nor Windows-1252 text; save it as "
				   "\"CSV UTF-8\" from the spreadsheet";
			g_free(csv);
			return -1;
		}
		data = converted;
		len = out;
		csv->encoding = "Windows-1252";
	}
	csv->rows = g_ptr_array_new_with_free_func(row_free);
	csv->delimiter = header_delimiter(data, data + len);
	struct reader r = { data, data + len, csv->delimiter, 1, error_r };
	int ret = 0;
	while (r.p < r.end && ret == 0) {
		GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
		unsigned long line = r.line;
		ret = read_row(&r, fields);
		if (ret == 0 && !blank_row(fields)) {
			if (csv->rows->len >= CSV_ROWS_MAX) {
				*error_r = util_error("line %lu: more than %d rows", line,
						      CSV_ROWS_MAX);
				ret = -1;
			} else {
				struct csv_row *row = g_new0(struct csv_row, 1);
				row->line = line;
				row->n_fields = fields->len;
				g_ptr_array_add(fields, NULL);
				g_ptr_array_set_free_func(fields, NULL);
				row->fields = (char **)g_ptr_array_free(fields, FALSE);
				g_ptr_array_add(csv->rows, row);
				continue;
			}
		}
		g_ptr_array_unref(fields);
	}
	g_free(converted);
	if (ret == 0 && csv->rows->len == 0) {
		*error_r = "the file is empty: no header row";
		ret = -1;
	}
	if (ret < 0) {
		csv_free(&csv);
		return -1;
	}
	*csv_r = csv;
	return 0;
}
