/* council-review-web: text into HTML, the frame of every page, and the
   stylesheet (see web.h). */
#include "web/web.h"

#include <stdarg.h>
#include <string.h>

#include "util/util.h"

void html_text(GString *out, const char *text)
{
	char *visible = util_text_visible(text != NULL ? text : "", -1);

	for (const char *p = visible; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		switch (c) {
		case '&':
			g_string_append(out, "&amp;");
			break;
		case '<':
			g_string_append(out, "&lt;");
			break;
		case '>':
			g_string_append(out, "&gt;");
			break;
		case '"':
			g_string_append(out, "&quot;");
			break;
		case '\'':
			g_string_append(out, "&#39;");
			break;
		default:
			/* Control characters have no business on a page (a NUL
			   would end it for some readers). */
			if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0))
				g_string_append_c(out, ' ');
			else
				g_string_append_len(out, p, g_utf8_next_char(p) - p);
		}
	}
	g_free(visible);
}

void html_printf(GString *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			g_string_append_c(out, *p);
			continue;
		}
		p++;
		if (*p == 's')
			html_text(out, va_arg(ap, const char *));
		else if (*p == 'd')
			g_string_append_printf(out, "%d", va_arg(ap, int));
		else if (*p == 'u')
			g_string_append_printf(out, "%u", va_arg(ap, unsigned));
		else if (p[0] == 'l' && p[1] == 'd' && p++)
			g_string_append_printf(out, "%ld", va_arg(ap, long));
		else if (p[0] == 'l' && p[1] == 'u' && p++)
			g_string_append_printf(out, "%lu", va_arg(ap, unsigned long));
		else if (p[0] == 'z' && p[1] == 'u' && p++)
			g_string_append_printf(out, "%zu", va_arg(ap, size_t));
		else if (*p == '%')
			g_string_append_c(out, '%');
		else
			g_error("html_printf: unknown conversion in \"%s\"", fmt);
	}
	va_end(ap);
}

void html_begin(GString *out, const char *base, const char *title,
		const struct web_session *s)
{
	html_printf(out,
		    "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>%s &#8211; Held mail</title>\n"
		    "<link rel=\"stylesheet\" href=\"%s/style.css\">\n</head>\n<body>\n"
		    "<a class=\"skip\" href=\"#main\">Skip to the page&#8217;s content</a>\n"
		    "<header class=\"site\">\n<p class=\"brand\"><a href=\"%s/held\">Held mail"
		    "</a></p>\n", title, base, base);
	if (s != NULL && s->reviewer != NULL)
		html_printf(out,
			    "<nav aria-label=\"Pages\"><ul>\n"
			    "<li><a href=\"%s/held\">Held messages</a></li>\n"
			    "<li><a href=\"%s/decisions\">Recent decisions</a></li>\n</ul></nav>\n"
			    "<form class=\"signout\" method=\"post\" action=\"%s/signout\">\n"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
			    "<span>Signed in as <strong>%s</strong></span>\n"
			    "<button type=\"submit\">Sign out</button>\n</form>\n", base, base,
			    base, s->csrf, s->reviewer);
	g_string_append(out, "</header>\n<main id=\"main\" tabindex=\"-1\">\n");
	if (s != NULL && s->flash != NULL)
		html_printf(out, "<p class=\"flash\" role=\"status\">%s</p>\n", s->flash);
}

void html_end(GString *out)
{
	g_string_append(out, "</main>\n<footer class=\"site\"><p>council-milter: the council's "
			"mail filter. Nothing here runs a script, and nothing from a message "
			"is opened or loaded.</p></footer>\n</body>\n</html>\n");
}

const char html_stylesheet[] =
	":root { --ink: #1b1b1b; --paper: #ffffff; --muted: #505a5f; --line: #b1b4b6;\n"
	"  --accent: #1d4f91; --warn: #942514; --ok: #00703c; --focus: #ffdd00;\n"
	"  --soft: #f3f2f1; }\n"
	"* { box-sizing: border-box; }\n"
	"html { font-size: 100%; -webkit-text-size-adjust: 100%; }\n"
	"body { margin: 0; color: var(--ink); background: var(--paper);\n"
	"  font: 1.0625rem/1.5 system-ui, -apple-system, \"Segoe UI\", Roboto, Arial,\n"
	"  sans-serif; }\n"
	"a { color: var(--accent); text-underline-offset: 0.15em; }\n"
	"a:hover { text-decoration-thickness: 3px; }\n"
	":focus-visible { outline: 3px solid var(--focus); outline-offset: 0;\n"
	"  box-shadow: 0 0 0 6px var(--ink); }\n"
	".skip, .vh { position: absolute; left: -999em; }\n"
	".skip:focus { left: 0.5rem; top: 0.5rem; background: var(--focus); color: var(--ink);\n"
	"  padding: 0.5rem; z-index: 1; }\n"
	"header.site { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center;\n"
	"  padding: 0.75rem 1rem; background: var(--ink); color: var(--paper); }\n"
	"header.site a { color: var(--paper); }\n"
	".brand { margin: 0; font-weight: 700; font-size: 1.25rem; }\n"
	"nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;\n"
	"  gap: 0.25rem 1rem; }\n"
	".signout { margin-left: auto; display: flex; gap: 0.5rem; align-items: center;\n"
	"  flex-wrap: wrap; }\n"
	"main { display: block; max-width: 60rem; margin: 0 auto; padding: 1rem; }\n"
	"h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.5rem 0 1rem; }\n"
	"h2 { font-size: 1.375rem; margin: 1.5rem 0 0.75rem; }\n"
	"h3 { font-size: 1.125rem; margin: 0 0 0.5rem; overflow-wrap: anywhere; }\n"
	"p, dl, ul, table { margin: 0 0 1rem; }\n"
	".lead { font-size: 1.1875rem; }\n"
	".muted { color: var(--muted); }\n"
	".flash { border-left: 6px solid var(--ok); background: var(--soft);\n"
	"  padding: 0.75rem 1rem; }\n"
	".problem { border: 4px solid var(--warn); padding: 0.75rem 1rem; }\n"
	".problem h2 { margin-top: 0; color: var(--warn); }\n"
	".card { border: 1px solid var(--line); border-left: 6px solid var(--accent);\n"
	"  padding: 0.75rem 1rem; margin: 0 0 1rem; }\n"
	"dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }\n"
	"dl.facts dt { font-weight: 700; }\n"
	"dl.facts dd { margin: 0; overflow-wrap: anywhere; }\n"
	"@media (max-width: 40rem) {\n"
	"  dl.facts { grid-template-columns: 1fr; }\n"
	"  dl.facts dd { margin-bottom: 0.5rem; }\n"
	"  .signout { margin-left: 0; }\n"
	"}\n"
	"ul.rules { padding-left: 1.25rem; }\n"
	"ul.rules li { margin-bottom: 0.5rem; overflow-wrap: anywhere; }\n"
	".evidence { font-family: ui-monospace, \"DejaVu Sans Mono\", monospace;\n"
	"  font-size: 0.95em; }\n"
	"pre.text { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft);\n"
	"  border: 1px solid var(--line); padding: 0.75rem; font-size: 0.95rem;\n"
	"  font-family: ui-monospace, \"DejaVu Sans Mono\", monospace; max-height: 40rem;\n"
	"  overflow: auto; }\n"
	"table { border-collapse: collapse; width: 100%; }\n"
	"th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem;\n"
	"  border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }\n"
	".table-wrap { overflow-x: auto; }\n"
	"form.act { border: 1px solid var(--line); padding: 0.75rem 1rem 1rem;\n"
	"  margin: 0 0 1.5rem; }\n"
	"fieldset { border: 0; padding: 0; margin: 0 0 1rem; }\n"
	"legend { font-weight: 700; margin-bottom: 0.25rem; }\n"
	"label { display: block; font-weight: 700; margin-bottom: 0.25rem; }\n"
	".choice label { display: inline; font-weight: 400; }\n"
	".choice { margin: 0.25rem 0; }\n"
	".hint { color: var(--muted); margin: 0 0 0.5rem; }\n"
	"input[type=text], input[type=password], textarea { width: 100%; max-width: 30rem;\n"
	"  font: inherit; padding: 0.4rem; border: 2px solid var(--ink); }\n"
	"textarea { max-width: 100%; min-height: 6rem; }\n"
	"input[type=radio] { width: 1.25rem; height: 1.25rem; vertical-align: middle; }\n"
	"button, .button { display: inline-block; font: inherit; font-weight: 700;\n"
	"  padding: 0.5rem 1rem; border: 2px solid transparent; background: var(--ok);\n"
	"  color: #fff; cursor: pointer; text-decoration: none; }\n"
	"button.return { background: var(--warn); }\n"
	".signout button { background: var(--paper); color: var(--ink);\n"
	"  padding: 0.25rem 0.75rem; }\n"
	".actions { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }\n"
	"footer.site { max-width: 60rem; margin: 2rem auto 0; padding: 1rem;\n"
	"  border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; }\n";
