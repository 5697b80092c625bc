/*
 * The footer in both forms, plain text and HTML, as every body gets it,
 * and whether a message carries it already (second pass through the MTA).
 */
#include "parser/parser-private.h"

#include <string.h>

static void append_escaped(GString *out, const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		switch (*p) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		default: g_string_append_c(out, *p); break;
		}
	}
}

/* Non-ASCII as numeric character references: the HTML footer then fits any
   ASCII-compatible charset, so HTML parts keep theirs. */
static char *ascii_html(const char *html)
{
	GString *out;
	char *valid;
	const char *p;

	for (p = html; *p != '\0' && (unsigned char)*p < 0x80; p++)
		;
	if (*p == '\0')
		return g_strdup(html);		/* ASCII already: nothing to encode */
	out = g_string_new(NULL);
	valid = g_utf8_make_valid(html, -1);

	for (p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x80)
			g_string_append_c(out, (char)c);
		else
			g_string_append_printf(out, "&#%u;", c);
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}

/* The HTML footer's own inline styles: a style sheet in the body (a rule
   for div, p or :last-child, with !important) cannot outweigh an inline
   !important declaration, nor can colours and sizes inherited from
   elements the body left open (issue 15). */
#define FOOTER_DIV_STYLE "display:block !important;visibility:visible !important;" \
	"opacity:1 !important;position:static !important;float:none !important;" \
	"clear:both !important;overflow:visible !important;height:auto !important;" \
	"max-height:none !important;width:auto !important;transform:none !important;" \
	"clip-path:none !important;filter:none !important;margin:1em 0 !important;" \
	"padding:0.5em !important;border:1px solid #808080 !important;" \
	"background:#ffffff !important;color:#000000 !important;font-size:14px !important;" \
	"line-height:1.4 !important;text-indent:0 !important"
#define FOOTER_P_STYLE "display:block !important;visibility:visible !important;" \
	"opacity:1 !important;margin:0 0 0.5em 0 !important;background:#ffffff !important;" \
	"color:#000000 !important;font-size:14px !important;line-height:1.4 !important;" \
	"text-indent:0 !important"
#define FOOTER_P "<p style=\"" FOOTER_P_STYLE "\">"

/* HTML with each "<p>" given the footer's paragraph style. */
static void append_styled(GString *out, const char *html)
{
	for (const char *p = html; *p != '\0';) {
		const char *tag = strstr(p, "<p>");

		if (tag == NULL) {
			g_string_append(out, p);
			break;
		}
		g_string_append_len(out, p, tag - p);
		g_string_append(out, FOOTER_P);
		p = tag + 3;
	}
}

void footer_build(const struct parser_footer *f, struct footer_bytes *fb)
{
	GString *plain = g_string_new(PARSER_FOOTER_BEGIN "\n");
	GString *html = g_string_new("<div class=\"council-mail-notice\" style=\"" FOOTER_DIV_STYLE
				     "\">" FOOTER_P PARSER_FOOTER_BEGIN "</p>");
	char *text = g_utf8_make_valid(f->text, -1);
	gchar **lines = g_strsplit(text, "\n", -1);

	for (gchar **l = lines; *l != NULL; l++) {
		g_strchomp(*l);
		if (l[1] == NULL && **l == '\0')
			break;		/* the text's own final newline */
		g_string_append(plain, *l);
		g_string_append_c(plain, '\n');
	}
	g_string_append(plain, PARSER_FOOTER_END "\n");
	if (f->html != NULL) {
		append_styled(html, f->html);
	} else {
		g_string_append(html, FOOTER_P);
		for (gchar **l = lines; *l != NULL; l++) {
			if (l[1] == NULL && **l == '\0')
				break;
			if (l != lines)
				g_string_append(html, "<br>\n");
			append_escaped(html, *l);
		}
		g_string_append(html, "</p>");
	}
	g_string_append(html, FOOTER_P PARSER_FOOTER_END "</p></div>\n");
	fb->plain = g_string_free(plain, FALSE);
	fb->html = ascii_html(html->str);
	fb->text = text;
	fb->norm_text = NULL;
	/* The HTML variant as text is wanted only to compare with footers
	   the message already carries (footer_already_there): read back
	   through the HTML parser then, not for every message */
	fb->source_html = f->html != NULL ? g_strdup(f->html) : NULL;
	fb->norm_html = NULL;
	g_string_free(html, TRUE);
	g_strfreev(lines);
}

void footer_clear(struct footer_bytes *fb)
{
	g_free(fb->plain);
	g_free(fb->html);
	g_free(fb->text);
	g_free(fb->norm_text);
	g_free(fb->norm_html);
	g_free(fb->source_html);
}

bool footer_already_there(const struct parser_private *priv, struct footer_bytes *fb)
{
	if (priv->footers_seen->len > 0 && fb->norm_text == NULL)
		fb->norm_text = footer_normalise(fb->text);
	if (priv->footers_seen->len > 0 && fb->norm_html == NULL) {
		if (fb->source_html != NULL) {
			char *as_text = html_to_text(fb->source_html, strlen(fb->source_html),
						     NULL, NULL);

			fb->norm_html = footer_normalise(as_text);
			g_free(as_text);
		} else {
			/* derived: the HTML says exactly what the text says */
			fb->norm_html = g_strdup(fb->norm_text);
		}
	}
	for (guint i = 0; i < priv->footers_seen->len; i++) {
		const char *seen = g_ptr_array_index(priv->footers_seen, i);

		if (strcmp(seen, fb->norm_text) == 0 || strcmp(seen, fb->norm_html) == 0)
			return true;
	}
	return false;
}

