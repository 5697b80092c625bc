/* The real seam: straight through to libmilter. */
#include "milter/seam.h"

#include <string.h>

#include <glib.h>

/* smfi_setmlreply takes at most 32 lines. */
#define REPLY_LINES_MAX 32

/* libmilter treats a lone '%' as the start of a format and drops the text:
   double it, as its documentation asks. */
static char *escape_percent(const char *line)
{
	GString *s = g_string_new(NULL);

	for (const char *p = line; *p != '\0'; p++) {
		if (*p == '%')
			g_string_append_c(s, '%');
		if (*p != '\r')
			g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

static int seam_setreply(SMFICTX *ctx, const char *code, const char *xcode, const char *text)
{
	char **lines = g_strsplit(text != NULL ? text : "", "\n", REPLY_LINES_MAX);
	char *l[REPLY_LINES_MAX] = { NULL };
	guint n = g_strv_length(lines);
	int ret;

	for (guint i = 0; i < n; i++)
		l[i] = escape_percent(lines[i]);
	if (n <= 1) {
		ret = smfi_setreply(ctx, (char *)code, (char *)xcode, l[0]);
	} else {
		/* A NULL ends the list: the unused slots are NULL. */
		ret = smfi_setmlreply(ctx, code, xcode, l[0], l[1], l[2], l[3], l[4], l[5], l[6],
				      l[7], l[8], l[9], l[10], l[11], l[12], l[13], l[14],
				      l[15], l[16], l[17], l[18], l[19], l[20], l[21], l[22],
				      l[23], l[24], l[25], l[26], l[27], l[28], l[29], l[30],
				      l[31], (char *)NULL);
	}
	for (guint i = 0; i < n; i++)
		g_free(l[i]);
	g_strfreev(lines);
	return ret;
}

const struct milter_seam milter_seam_libmilter = {
	.getpriv = smfi_getpriv,
	.setpriv = smfi_setpriv,
	.getsymval = smfi_getsymval,
	.setsymlist = smfi_setsymlist,
	.addheader = smfi_addheader,
	.chgheader = smfi_chgheader,
	.insheader = smfi_insheader,
	.addrcpt = smfi_addrcpt,
	.replacebody = smfi_replacebody,
	.quarantine = smfi_quarantine,
	.setreply = seam_setreply,
};

const struct milter_seam *milter_seam = &milter_seam_libmilter;
