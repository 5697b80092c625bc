/*
 * The zip of an Office Open XML or OpenDocument file, through libarchive,
 * and its XML members through libxml2's streaming reader, which pulls the
 * member's bytes as it needs them: a reader that stops early (it has read
 * the first page) unpacks no more. Every byte unpacked counts against one
 * budget for the whole archive (limits.max_ratio times its size), so that
 * no archive, however it is built, costs more than that.
 */
#include "extractor/reader.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib.h>

/* However large the document and the ratio, no more than this is unpacked. */
#define UNPACK_CEILING ((size_t)256 * 1024 * 1024)
/* Members looked at before a name is found: a zip of a million empty
   members is no document. */
#define MEMBERS_MAX 20000u

struct zip {
	const void *data;
	size_t len;
	size_t budget;			/* bytes that may still be unpacked */
	size_t ratio;
	enum extract_status status;	/* what stopped reading */
	char *detail;
	struct archive *member;		/* the archive of the open XML member */
	bool member_eof;
};

static void zip_stop(struct zip *zip, enum extract_status status, const char *detail)
{
	if (zip->status != EXTRACT_OK)
		return;		/* the first reason is the one */
	zip->status = status;
	g_free(zip->detail);
	zip->detail = g_strdup(detail);
}

struct zip *zip_open(const void *data, size_t len, const struct extract_limits *limits)
{
	struct zip *zip = g_new0(struct zip, 1);
	size_t ratio = limits->max_ratio != 0 ? limits->max_ratio : EXTRACT_DEFAULT_RATIO;

	zip->data = data;
	zip->len = len;
	zip->ratio = ratio;
	zip->budget = len > UNPACK_CEILING / ratio ? UNPACK_CEILING : len * ratio;
	zip->detail = g_strdup("");
	return zip;
}

void zip_close(struct zip **zip_p)
{
	struct zip *zip = *zip_p;

	if (zip == NULL)
		return;
	if (zip->member != NULL)
		archive_read_free(zip->member);
	g_free(zip->detail);
	g_free(zip);
	*zip_p = NULL;
}

enum extract_status zip_status(const struct zip *zip, const char **detail_r)
{
	*detail_r = zip->detail;
	return zip->status;
}

void zip_fail(struct zip *zip, const char *what)
{
	char *detail = g_strdup_printf("%s is not well-formed XML", what);

	zip_stop(zip, EXTRACT_DAMAGED, detail);
	g_free(detail);
}

/* A new reader of the archive, or NULL (DAMAGED recorded). */
static struct archive *archive_of(struct zip *zip)
{
	struct archive *a = archive_read_new();

	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_memory(a, zip->data, zip->len) != ARCHIVE_OK) {
		char *detail = g_strdup_printf("not a zip archive (%s)",
					       archive_error_string(a) != NULL ?
					       archive_error_string(a) : "unreadable");

		zip_stop(zip, EXTRACT_DAMAGED, detail);
		g_free(detail);
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Walk the members of a new reader A, calling FN on each name until it
   returns true (then A is left at that member) or the members end. */
static bool find(struct zip *zip, struct archive *a, bool (*fn)(const char *name, void *ctx),
		 void *ctx)
{
	struct archive_entry *e;
	unsigned seen = 0;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);

		if (++seen > MEMBERS_MAX) {
			zip_stop(zip, EXTRACT_DAMAGED, "more than 20000 members in the zip");
			return false;
		}
		if (name != NULL && fn(name, ctx)) {
			if (archive_entry_is_encrypted(e))
				zip_stop(zip, EXTRACT_ENCRYPTED, "an encrypted zip member");
			return zip->status == EXTRACT_OK;
		}
	}
	if (r != ARCHIVE_EOF)
		zip_stop(zip, EXTRACT_DAMAGED, "the zip's directory cannot be read");
	return false;
}

static bool same_name(const char *name, void *ctx)
{
	return g_ascii_strcasecmp(name, ctx) == 0;
}

bool zip_has(struct zip *zip, const char *name)
{
	struct archive *a = archive_of(zip);
	bool found = a != NULL && find(zip, a, same_name, (void *)name);

	if (a != NULL)
		archive_read_free(a);
	return found;
}

struct names {
	const char *prefix, *suffix;
	GPtrArray *found;
	unsigned max;
};

static bool collect(const char *name, void *ctx)
{
	struct names *n = ctx;
	size_t len = strlen(name), k = strlen(n->suffix);

	if (n->found->len < n->max && g_ascii_strncasecmp(name, n->prefix, strlen(n->prefix)) == 0 &&
	    len >= k && g_ascii_strcasecmp(name + len - k, n->suffix) == 0)
		g_ptr_array_add(n->found, g_strdup(name));
	return false;	/* every member */
}

char **zip_names(struct zip *zip, const char *prefix, const char *suffix, unsigned max)
{
	struct names n = { prefix, suffix, g_ptr_array_new(), max };
	struct archive *a = archive_of(zip);

	if (a != NULL) {
		find(zip, a, collect, &n);
		archive_read_free(a);
	}
	g_ptr_array_add(n.found, NULL);
	return (char **)g_ptr_array_free(n.found, FALSE);
}

/* libxml2 asks for bytes: unpack at most what the budget allows. One byte
   past it tells a member that ends exactly there from one that goes on. */
static int member_read(void *ctx, char *buf, int len)
{
	struct zip *zip = ctx;
	size_t want = MIN((size_t)len, zip->budget + 1);
	la_ssize_t n;

	if (zip->member_eof || zip->status != EXTRACT_OK)
		return zip->status != EXTRACT_OK ? -1 : 0;
	n = archive_read_data(zip->member, buf, want);
	if (n < 0) {
		const char *why = archive_error_string(zip->member);
		char *detail = g_strdup_printf("a zip member cannot be unpacked (%s)",
					       why != NULL ? why : "error");

		zip_stop(zip, EXTRACT_DAMAGED, detail);
		g_free(detail);
		return -1;
	}
	if ((size_t)n > zip->budget) {
		char *detail = g_strdup_printf("it unpacks to more than %zu times its size",
					       zip->ratio);

		zip_stop(zip, EXTRACT_LIMIT_RATIO, detail);
		g_free(detail);
		return -1;
	}
	zip->budget -= (size_t)n;
	zip->member_eof = n == 0;
	return (int)n;
}

static int member_close(void *ctx)
{
	return 0;
}

static void quiet(void *ctx, const char *msg, xmlParserSeverities severity,
		  xmlTextReaderLocatorPtr locator)
{
	/* Damage is reported once, as the member's status. */
}

xmlTextReaderPtr zip_xml(struct zip *zip, const char *name)
{
	xmlTextReaderPtr r;

	if (zip->member != NULL || zip->status != EXTRACT_OK)
		return NULL;
	if ((zip->member = archive_of(zip)) == NULL)
		return NULL;
	if (!find(zip, zip->member, same_name, (void *)name)) {
		archive_read_free(zip->member);
		zip->member = NULL;
		return NULL;
	}
	zip->member_eof = false;
	r = xmlReaderForIO(member_read, member_close, zip, NULL, NULL,
			   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			   XML_PARSE_NOCDATA);
	if (r == NULL) {
		archive_read_free(zip->member);
		zip->member = NULL;
		return NULL;
	}
	xmlTextReaderSetErrorHandler(r, quiet, NULL);
	return r;
}

void zip_xml_close(struct zip *zip, xmlTextReaderPtr *reader)
{
	if (*reader != NULL)
		xmlFreeTextReader(*reader);
	*reader = NULL;
	if (zip->member != NULL)
		archive_read_free(zip->member);
	zip->member = NULL;
}

/* ---- XML helpers ---- */

static bool named(xmlTextReaderPtr r, const char *ns_uri, const char *local)
{
	const xmlChar *name = xmlTextReaderConstLocalName(r);
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);

	if (name == NULL || strcmp((const char *)name, local) != 0)
		return false;
	if (ns_uri == NULL)
		return true;
	return ns != NULL && strcmp((const char *)ns, ns_uri) == 0;
}

bool xml_is(xmlTextReaderPtr r, const char *ns_uri, const char *local)
{
	return xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT && named(r, ns_uri, local);
}

bool xml_is_end(xmlTextReaderPtr r, const char *ns_uri, const char *local)
{
	return xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT && named(r, ns_uri, local);
}

char *xml_attr(xmlTextReaderPtr r, const char *ns_uri, const char *local)
{
	xmlChar *v = ns_uri != NULL ?
		xmlTextReaderGetAttributeNs(r, (const xmlChar *)local, (const xmlChar *)ns_uri) :
		xmlTextReaderGetAttribute(r, (const xmlChar *)local);
	char *copy = g_strdup((const char *)v);

	xmlFree(v);
	return copy;
}
