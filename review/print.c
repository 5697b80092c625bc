/* council-review: a held message shown to a person (see review.h). */
#include "review/review.h"

#include <stdarg.h>
#include <string.h>

#include "parser/parser.h"
#include "util/util.h"

#define FIELD_MAX 998

int review_vsay(int status, const char *fmt, va_list ap)
{
	fputs("council-review: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return status;
}

int review_say(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	review_vsay(status, fmt, ap);
	va_end(ap);
	return status;
}

int review_usage_error(const char *what)
{
	review_say(0, "%s", what);
	fputs("Try 'council-review --help'.\n", stderr);
	return REVIEW_EX_USAGE;
}

void review_print_safe(FILE *out, const char *s, size_t len)
{
	char *valid = g_utf8_make_valid(s, (gssize)len);

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\r' || util_char_hidden(c))
			continue;	/* nothing that reorders or hides what is read */
		if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0))
			fputc('?', out);
		else
			fwrite(p, 1, g_utf8_next_char(p) - p, out);
	}
	g_free(valid);
}

static char *age_text(time_t now, time_t then)
{
	long s = (long)(now - then);

	if (then <= 0)
		return g_strdup("?");
	if (s < 120)
		return g_strdup_printf("%lds", s < 0 ? 0 : s);
	if (s < 2 * 3600)
		return g_strdup_printf("%ldm", s / 60);
	if (s < 2 * 86400)
		return g_strdup_printf("%ldh", s / 3600);
	return g_strdup_printf("%ldd", s / 86400);
}

static void line(FILE *out, const char *label, const char *value)
{
	char *clean = parser_header_sanitise(value != NULL ? value : "-", FIELD_MAX);

	fprintf(out, "  %-9s ", label);
	review_print_safe(out, clean, strlen(clean));
	fputc('\n', out);
	g_free(clean);
}

void review_print_held(FILE *out, const struct hold_item *item, time_t now)
{
	const struct letter_held *l = &item->letter;
	const struct hold_entry *e = item->entry;
	char *age = age_text(now, e->arrival);
	char *rcpts = g_strjoinv(", ", e->rcpts);
	char *author = l->author_name != NULL && l->author != NULL ?
		g_strdup_printf("%s <%s>", l->author_name, l->author) : g_strdup(l->author);

	fprintf(out, "%s  held %s ago  %s\n", e->queue_id, age,
		item->council != NULL ? item->council->name : "(council not known)");
	line(out, "From:", author != NULL ? author : "(not known)");
	line(out, "Sender:", *e->sender != '\0' ? e->sender : "<>");
	line(out, "To:", rcpts);
	line(out, "Subject:", l->subject != NULL ? l->subject : "(none)");
	for (size_t i = 0; i < l->n_findings; i++) {
		const struct letter_finding *f = &l->findings[i];
		char *why = g_strdup_printf("%s (%s, clause %s): %s", f->rule, f->action,
					    f->clause != NULL ? f->clause : "?",
					    f->evidence != NULL ? f->evidence : "");
		line(out, i == 0 ? "Why:" : "", why);
		g_free(why);
	}
	g_free(age);
	g_free(rcpts);
	g_free(author);
}
