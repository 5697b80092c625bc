/*
 * fuzz_html (issue 15): arbitrary bytes as the text of an HTML body, through
 * the parser's HTML code directly, many times faster than the whole message
 * path: the attribute bound and the bounded libxml2 parse (small limits, so
 * the cuts happen), HTML to text, and the footer's placement. The input is
 * made what the model hands these functions (valid UTF-8, no NUL).
 *
 * Besides the sanitizers, what must hold:
 * - the attribute bound leaves nothing more to cut in its own output;
 * - the text is valid UTF-8;
 * - where html_footer_place finds a place, the HTML up to the end of a
 *   footer put there leaves nothing open (html_footer_closers: ""), and the
 *   footer's words are in the text of the result when libxml2 reads it
 *   whole, unless a limit cut it or the HTML holds what libxml2 2.9 reads
 *   otherwise than browsers, whose reading the footer follows (markup
 *   declarations; raw text, which libxml2 ends at any "</name" prefix;
 *   <title> and <textarea>, whose markup libxml2 reads; elements whose
 *   text html_to_text leaves out).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz/fuzz.h"
#include "parser/parser-private.h"

#define FOOTER "<div class=\"council-mail-notice\"><p>Footerwordsforthereader</p></div>\n"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	parser_init();
	atexit(parser_shutdown);
	return 0;
}

/* Constructs libxml2 2.9 reads otherwise than an HTML5 parser does, where
   only the browsers' reading is ours to keep (see above). */
static bool libxml2_differs(const char *html)
{
	static const char *const marks[] = { "<title", "<textarea", "<noscript", "<!", "<?",
					     "<svg", "<math", "<xmp", "<iframe", "<noembed",
					     "<noframes", "<template", "<select", "<object", "<head",
					     "<style", "<script", NULL };
	char *lower = g_ascii_strdown(html, -1);
	bool found = false;

	for (const char *const *m = marks; *m != NULL && !found; m++)
		found = strstr(lower, *m) != NULL;
	g_free(lower);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *html = g_utf8_make_valid((const char *)data, (gssize)len);
	size_t n = strlen(html), blen = 0, at;
	const struct html_limits small = { .max_attributes = 3, .max_depth = 8 };
	const struct html_limits wide = { .max_attributes = 1000, .max_depth = 4096 };
	unsigned flags = 0;
	bool cut, cut2;
	char *bounded, *text, *close;

	/* NUL would end the C strings the model builds: it never passes one */
	for (size_t i = 0; i < n; i++)
		if (html[i] == '\0')
			html[i] = ' ';

	bounded = html_bound_attributes(html, n, 3, &blen, &cut);
	if (bounded != NULL) {
		char *again = html_bound_attributes(bounded, blen, 3, &blen, &cut2);

		if (again != NULL)
			abort();	/* its own output must need no more cutting */
		g_free(bounded);
	}

	text = html_to_text(html, n, &small, &flags);
	if (!g_utf8_validate(text, -1, NULL))
		abort();
	g_free(text);

	if (html_footer_place(html, n, &at, &close)) {
		GString *doc = g_string_new_len(html, (gssize)at);
		char *left;

		g_string_append(doc, close);
		g_string_append(doc, FOOTER);
		left = html_footer_closers(doc->str, doc->len);
		if (left == NULL || *left != '\0')
			abort();	/* the footer must not sit inside anything */
		g_free(left);
		g_string_append(doc, html + at);
		flags = 0;
		text = html_to_text(doc->str, doc->len, &wide, &flags);
		if (flags == 0 && !libxml2_differs(html) &&
		    strstr(text, "Footerwordsforthereader") == NULL)
			abort();	/* libxml2 does not see it either */
		g_free(text);
		g_string_free(doc, TRUE);
		g_free(close);
	}
	g_free(html);
	return 0;
}
