/* The texts of errors (see util.h). */
#include "util/util.h"

#include <stdarg.h>

/* One text per thread; a thread's last one is freed when the thread ends. */
static GPrivate error_text = G_PRIVATE_INIT(g_free);

const char *util_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_private_replace(&error_text, text);	/* frees the one before */
	return text;
}
