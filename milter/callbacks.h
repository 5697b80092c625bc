#ifndef COUNCIL_MILTER_CALLBACKS_H
#define COUNCIL_MILTER_CALLBACKS_H

/*
 * The libmilter callbacks. A connection context (smfi_setpriv) pins the
 * configuration generation current when the connection began and owns the
 * message context, which envfrom creates afresh (Postfix reuses a
 * connection for several messages) and eom, abort and close free (OpenDKIM,
 * STYLE.md). Every smfi_* call goes through milter_seam.
 */

#include <libmilter/mfapi.h>

/* The actions we use: exactly these are negotiated and registered. */
#define MILTER_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | \
			SMFIF_QUARANTINE)

/* The protocol steps we do not need; asked to skip when the MTA offers it. */
#define MILTER_SKIP_STEPS (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | \
			   SMFIP_NOEOH)

/* smfi_replacebody is fed in chunks of this size. */
#define MILTER_BODY_CHUNK (64 * 1024)

sfsistat milter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
			  unsigned long f3, unsigned long *pf0, unsigned long *pf1,
			  unsigned long *pf2, unsigned long *pf3);
sfsistat milter_envfrom(SMFICTX *ctx, char **argv);
sfsistat milter_envrcpt(SMFICTX *ctx, char **argv);
sfsistat milter_header(SMFICTX *ctx, char *name, char *value);
sfsistat milter_body(SMFICTX *ctx, unsigned char *chunk, size_t len);
sfsistat milter_eom(SMFICTX *ctx);
sfsistat milter_abort(SMFICTX *ctx);
sfsistat milter_close(SMFICTX *ctx);

/* The registration: name "council-milter", MILTER_ACTIONS, the callbacks. */
extern struct smfiDesc milter_desc;

#endif
