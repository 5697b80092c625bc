#ifndef COUNCIL_MILTER_SEAM_H
#define COUNCIL_MILTER_SEAM_H

/*
 * The seam: every smfi_* call the callbacks make goes through this table, so
 * the unit tests (tests/milter) can drive the callbacks without an MTA by
 * pointing milter_seam at a table of fakes. Same return values as libmilter
 * (MI_SUCCESS / MI_FAILURE).
 */

#include <libmilter/mfapi.h>

struct milter_seam {
	void *(*getpriv)(SMFICTX *ctx);
	int (*setpriv)(SMFICTX *ctx, void *priv);
	char *(*getsymval)(SMFICTX *ctx, char *name);
	int (*setsymlist)(SMFICTX *ctx, int stage, char *macros);
	int (*addheader)(SMFICTX *ctx, char *name, char *value);
	int (*chgheader)(SMFICTX *ctx, char *name, int index, char *value);
	int (*insheader)(SMFICTX *ctx, int index, char *name, char *value);
	int (*addrcpt)(SMFICTX *ctx, char *rcpt);
	int (*replacebody)(SMFICTX *ctx, unsigned char *chunk, int len);
	int (*quarantine)(SMFICTX *ctx, char *reason);
	/* TEXT may hold several lines separated by '\n': a multi-line reply. */
	int (*setreply)(SMFICTX *ctx, const char *code, const char *xcode, const char *text);
};

/* The real thing, and the table in use (tests swap it). */
extern const struct milter_seam milter_seam_libmilter;
extern const struct milter_seam *milter_seam;

#endif
