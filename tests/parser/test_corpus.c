/* Every message of ../shared/corpus (rspamd, mime4j): it parses; annotated,
   GMime reads the same tree back (or the original under a new
   multipart/mixed when it had no text body), every part that is not a text
   body keeps its encoded content byte for byte (line ends aside), each text
   body carries the footer at most once and as many carry it as the
   annotator says; and a second pass finds the footer and does nothing. */
#include "helpers.h"
#include "compose.h"

#include <glib.h>
#include <gmime/gmime.h>
#include <string.h>

static const struct parser_footer footer = {
	.text = "Corpus check notice.\nZoë's £5 line: non-ASCII on purpose.",
	.html = NULL,
};

struct node {
	unsigned depth;
	char *type;
	GMimeObject *obj;
	bool in_message;
};

/* Every entity in document order, without recursion. */
static GArray *tree(GMimeMessage *m)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct node));
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(struct node));
	struct node n = { 0, NULL, g_mime_message_get_mime_part(m), false };

	if (n.obj != NULL)
		g_array_append_val(stack, n);
	while (stack->len > 0) {
		n = g_array_index(stack, struct node, stack->len - 1);
		g_array_set_size(stack, stack->len - 1);
		char *type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(n.obj));

		n.type = g_ascii_strdown(type, -1);
		g_free(type);
		g_array_append_val(out, n);
		if (GMIME_IS_MULTIPART(n.obj)) {
			GMimeMultipart *mp = GMIME_MULTIPART(n.obj);

			for (int i = g_mime_multipart_get_count(mp) - 1; i >= 0; i--) {
				struct node c = { n.depth + 1, NULL, g_mime_multipart_get_part(mp, i),
						  n.in_message };
				g_array_append_val(stack, c);
			}
		} else if (GMIME_IS_MESSAGE_PART(n.obj)) {
			GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(n.obj));
			struct node c = { n.depth + 1, NULL, NULL, true };

			if (inner != NULL && (c.obj = g_mime_message_get_mime_part(inner)) != NULL)
				g_array_append_val(stack, c);
		}
	}
	g_array_free(stack, TRUE);
	return out;
}

static void tree_free(GArray *t)
{
	for (guint i = 0; i < t->len; i++)
		g_free(g_array_index(t, struct node, i).type);
	g_array_free(t, TRUE);
}

static GMimeMessage *gmime_parse(const char *data, size_t len)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(s);
	return m;
}

/* Encoded content of a leaf, CRLF as LF, trailing line ends dropped. */
static GString *raw_content(GMimeObject *o)
{
	GString *s = g_string_new(NULL);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *a;

	if (GMIME_IS_PART(o) && g_mime_part_get_content(GMIME_PART(o)) != NULL) {
		GMimeStream *st = g_mime_data_wrapper_get_stream(g_mime_part_get_content(GMIME_PART(o)));

		g_mime_stream_reset(st);
		g_mime_stream_write_to_stream(st, mem);
		g_mime_stream_reset(st);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		g_mime_object_write_to_stream(o, NULL, mem);
	}
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	for (guint i = 0; i < a->len; i++) {
		if (a->data[i] == '\r' && i + 1 < a->len && a->data[i + 1] == '\n')
			continue;
		g_string_append_c(s, (char)a->data[i]);
	}
	/* GMime sometimes counts the CR of the delimiter's CRLF as content */
	while (s->len > 0 && (s->str[s->len - 1] == '\n' || s->str[s->len - 1] == '\r'))
		g_string_truncate(s, s->len - 1);
	g_object_unref(mem);
	return s;
}

static bool is_text_body(const struct node *n)
{
	const char *disp = g_mime_object_get_disposition(n->obj);

	return !n->in_message && GMIME_IS_TEXT_PART(n->obj) &&
	       (strcmp(n->type, "text/plain") == 0 || strcmp(n->type, "text/html") == 0) &&
	       !(disp != NULL && g_ascii_strcasecmp(disp, "attachment") == 0) &&
	       g_mime_part_get_filename(GMIME_PART(n->obj)) == NULL;
}

static unsigned footers_in(GMimeObject *o)
{
	char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(o));
	unsigned n = text != NULL ? count_occurrences(text, PARSER_FOOTER_BEGIN) : 0;

	g_free(text);
	return n;
}

struct counts {
	unsigned done, refused, wrapped;
	GString *refused_names;		/* "name " for each refusal */
	GString *wrapped_text_names;	/* "name " for each message wrapped
					   although it has a text body */
};

/* The corpus messages whose text the footer writer leaves alone and wraps
   instead (footer in a new first part, the original whole and byte for byte
   inside), and why: editing them risks that some reader sees a different
   message (SPEC 4: never damage a message). Each one is named here so that
   a change that wraps more, or fewer, is seen and looked at. Nothing in the
   corpus is refused: it holds no signed or encrypted message. */
static const char *const expected_wrapped_text[] = {
	"mimetools-testmsgs-multi-bad.msg",	/* two Content-Type fields */
	"testmsgs-very-long-boundary.msg",	/* a line like the boundary but for its end */
	"testmsgs-weird-boundary.msg",		/* the same, with quotes and spaces */
	"rcvd7.eml",				/* bounds GMime does not vouch for */
};

static void check_one(const char *path, struct counts *c)
{
	size_t len, alen;
	char *data = fixture_read(path, &len), *annotated;
	struct parser_message *msg, *again;
	struct parser_annotated *ann;
	enum parser_annotate_status status;
	const char *error;
	GMimeMessage *om, *am;
	GArray *ot, *at;
	guint skip = 0;
	unsigned with_footer = 0;

	if (parser_parse(data, len, NULL, &msg, &error) < 0)
		fail_msg("%s: parser_parse: %s", path, error);
	if (parser_annotate(msg, &footer, &status, &ann, &error) < 0)
		fail_msg("%s: parser_annotate: %s", path, error);
	if (status == PARSER_ANNOTATE_ALREADY)
		fail_msg("%s: got ALREADY, want DONE or REFUSED (no corpus message has our footer)", path);
	if (status == PARSER_ANNOTATE_REFUSED) {
		char *base = g_path_get_basename(path);

		c->refused++;
		g_string_append_printf(c->refused_names, "%s ", base);
		g_free(base);
		parser_message_free(&msg);
		g_free(data);
		return;
	}
	c->done++;
	annotated = compose_message(data, len, ann, &alen);
	/* GMime reads on past a line that is no header field; the MTA starts
	   the body there. Compare with what the MTA would hand on. */
	size_t vlen;
	char *view = compose_mta_view(data, len, &vlen);
	om = gmime_parse(view, vlen);
	g_free(view);
	am = gmime_parse(annotated, alen);
	if (om == NULL || am == NULL)
		fail_msg("%s: GMime cannot read the %s", path, om == NULL ? "original" : "annotation");
	ot = tree(om);
	at = tree(am);
	if (ot->len + 2 == at->len && strcmp(g_array_index(at, struct node, 0).type,
					     "multipart/mixed") == 0 &&
	    strcmp(g_array_index(at, struct node, 1).type, "text/plain") == 0 &&
	    ann->content_type != NULL && strncmp(ann->content_type, "multipart/mixed", 15) == 0) {
		skip = 2;	/* wrapped: the footer part, then the original */
		c->wrapped++;
		for (guint i = 0; i < ot->len; i++) {
			if (is_text_body(&g_array_index(ot, struct node, i))) {
				char *base = g_path_get_basename(path);

				g_string_append_printf(c->wrapped_text_names, "%s ", base);
				g_free(base);
				break;
			}
		}
		expect_uint(path, "footers in the new part",
			    footers_in(g_array_index(at, struct node, 1).obj), 1);
	}
	expect_uint(path, "number of entities", at->len - skip, ot->len);
	for (guint i = 0; i < ot->len; i++) {
		const struct node *o = &g_array_index(ot, struct node, i);
		const struct node *a = &g_array_index(at, struct node, i + skip);
		char *what = g_strdup_printf("entity %u", i);

		expect_str(path, what, a->type, o->type);
		expect_uint(path, what, a->depth - (skip > 0 ? 1 : 0), o->depth);
		if (GMIME_IS_MULTIPART(o->obj)) {
			g_free(what);
			continue;
		}
		if (skip == 0 && is_text_body(o)) {
			unsigned n = footers_in(a->obj);

			if (n > 1)
				fail_msg("%s: %s: got %u footers in one body, want at most 1", path, what, n);
			with_footer += n;
		} else {
			GString *x = raw_content(o->obj), *y = raw_content(a->obj);

			if (x->len != y->len || memcmp(x->str, y->str, x->len) != 0)
				fail_msg("%s: %s (%s): content not byte-identical (%zu vs %zu bytes)",
					 path, what, o->type, x->len, y->len);
			g_string_free(x, TRUE);
			g_string_free(y, TRUE);
		}
		g_free(what);
	}
	if (skip == 0)
		expect_uint(path, "bodies with the footer", with_footer, ann->n_text_parts);

	/* second pass through the MTA */
	if (parser_parse(annotated, alen, NULL, &again, &error) < 0)
		fail_msg("%s: re-parse: %s", path, error);
	parser_annotated_free(&ann);
	if (parser_annotate(again, &footer, &status, &ann, &error) < 0)
		fail_msg("%s: second pass: %s", path, error);
	expect_uint(path, "second pass status (1 = ALREADY)", status, PARSER_ANNOTATE_ALREADY);
	if ((again->flags & PARSER_FLAG_ANNOTATED) == 0)
		fail_msg("%s: second pass: PARSER_FLAG_ANNOTATED not set", path);

	parser_message_free(&again);
	tree_free(ot);
	tree_free(at);
	g_object_unref(om);
	g_object_unref(am);
	g_free(annotated);
	parser_message_free(&msg);
	g_free(data);
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_corpus(void **state)
{
	static const char *const dirs[] = { "rspamd", "mime4j" };
	const char *shared = getenv("COUNCIL_SHARED_DIR");
	struct counts c = { .refused_names = g_string_new(""),
			    .wrapped_text_names = g_string_new("") };
	GString *want = g_string_new("");
	unsigned files = 0;

	assert_non_null(shared);
	for (size_t d = 0; d < G_N_ELEMENTS(dirs); d++) {
		char *dir = g_build_filename(shared, "corpus", dirs[d], NULL);
		GDir *gd = g_dir_open(dir, 0, NULL);
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
		const char *name;

		if (gd == NULL)
			fail_msg("%s: cannot open the corpus", dir);
		while ((name = g_dir_read_name(gd)) != NULL) {
			if (!g_str_has_prefix(name, "LICENSE"))
				g_ptr_array_add(names, g_build_filename(dir, name, NULL));
		}
		g_dir_close(gd);
		g_ptr_array_sort(names, by_name);
		for (guint i = 0; i < names->len; i++) {
			check_one(g_ptr_array_index(names, i), &c);
			files++;
		}
		g_ptr_array_free(names, TRUE);
		g_free(dir);
	}
	print_message("corpus: %u messages, %u annotated (%u wrapped), %u refused\n", files,
		      c.done, c.wrapped, c.refused);
	/* the corpus is ~290 messages; most of them must really be annotated */
	assert_true(files >= 280);
	/* Files are checked in name order, rspamd/ then mime4j/. */
	for (size_t i = 0; i < G_N_ELEMENTS(expected_wrapped_text); i++)
		if (g_str_has_suffix(expected_wrapped_text[i], ".eml"))
			g_string_append_printf(want, "%s ", expected_wrapped_text[i]);
	for (size_t i = 0; i < G_N_ELEMENTS(expected_wrapped_text); i++)
		if (!g_str_has_suffix(expected_wrapped_text[i], ".eml"))
			g_string_append_printf(want, "%s ", expected_wrapped_text[i]);
	if (strcmp(c.wrapped_text_names->str, want->str) != 0)
		fail_msg("wrapped although they have a text body: got [%s], want [%s]",
			 c.wrapped_text_names->str, want->str);
	if (c.refused != 0)
		fail_msg("refused: got [%s], want none", c.refused_names->str);
	assert_int_equal(c.done + c.refused, files);
	g_string_free(want, TRUE);
	g_string_free(c.refused_names, TRUE);
	g_string_free(c.wrapped_text_names, TRUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
