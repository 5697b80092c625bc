/*
 * annotate-tool: annotate messages with a fixed test footer and write what
 * would be delivered, for the corpus checks (check_tree.py) and by hand.
 *
 *   annotate-tool IN.eml OUT.eml
 *   annotate-tool --out-dir DIR IN.eml...      (DIR/<basename of IN>)
 *
 * One line per message on stdout: "<IN> <status> <n_text_parts>", status
 * being done, already or refused. A refused or already annotated message is
 * written as the MTA would pass it on unchanged. With --out-dir, that
 * unchanged form is also written to DIR/<basename>.orig: a header block
 * ending at a line that is no field then gets its blank line, as the MTA
 * starts the body there. Exit 1 on a parser error.
 */
#include "compose.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

/* Non-ASCII on purpose: it makes charset and transfer-encoding changes
   happen in the corpus. */
static const struct parser_footer test_footer = {
	.text = "Test notice from council-milter's corpus check.\n"
		"Zoë's £5 line: non-ASCII on purpose.",
	.html = NULL,
};

static int annotate_one(const char *in, const char *outpath, bool with_view)
{
	gchar *data, *composed = NULL, *view, *viewpath;
	gsize len, clen = 0, vlen;
	GError *err = NULL;
	struct parser_message *msg;
	struct parser_annotated *ann = NULL;
	enum parser_annotate_status status;
	const char *error;
	static const char *const names[] = { "done", "already", "refused" };

	if (!g_file_get_contents(in, &data, &len, &err)) {
		fprintf(stderr, "annotate-tool: %s\n", err->message);
		g_error_free(err);
		return 1;
	}
	if (parser_parse(data, len, NULL, &msg, &error) < 0 ||
	    parser_annotate(msg, &test_footer, &status, &ann, &error) < 0) {
		fprintf(stderr, "annotate-tool: %s: %s\n", in, error);
		g_free(data);
		return 1;
	}
	/* What the MTA hands on when nothing is changed, and what a reader
	   of the annotation must compare with. */
	view = compose_mta_view(data, len, &vlen);
	viewpath = g_strconcat(outpath, ".orig", NULL);
	if (status == PARSER_ANNOTATE_DONE)
		composed = compose_message(data, len, ann, &clen);
	if (!g_file_set_contents(outpath, composed != NULL ? composed : view,
				 composed != NULL ? (gssize)clen : (gssize)vlen, &err) ||
	    (with_view && !g_file_set_contents(viewpath, view, (gssize)vlen, &err))) {
		fprintf(stderr, "annotate-tool: %s\n", err->message);
		g_error_free(err);
		return 1;
	}
	g_free(viewpath);
	g_free(view);
	printf("%s %s %u\n", in, names[status], ann != NULL ? ann->n_text_parts : 0);
	g_free(composed);
	parser_annotated_free(&ann);
	parser_message_free(&msg);
	g_free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	parser_init();
	if (argc >= 3 && strcmp(argv[1], "--out-dir") == 0) {
		for (int i = 3; i < argc; i++) {
			char *base = g_path_get_basename(argv[i]);
			char *out = g_build_filename(argv[2], base, NULL);

			rc |= annotate_one(argv[i], out, true);
			g_free(out);
			g_free(base);
		}
	} else if (argc == 3) {
		rc = annotate_one(argv[1], argv[2], false);
	} else {
		fprintf(stderr, "usage: annotate-tool IN.eml OUT.eml\n"
				"       annotate-tool --out-dir DIR IN.eml...\n");
		rc = 2;
	}
	parser_shutdown();
	return rc;
}
