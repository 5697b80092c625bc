/*
 * null-milter: the baseline for bench/postfix-throughput.sh. It talks the
 * milter protocol exactly as council-milter does (the same actions, the same
 * protocol steps skipped in negotiation, the same callbacks: envelope,
 * every header, the whole body in chunks, end of message) and continues at
 * every step without looking at anything, so that the figure against it is
 * what council-milter's own work costs, not what the milter protocol costs.
 *
 *   null-milter -p unix:/path/to/socket
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#define ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_QUARANTINE)
#define SKIP_STEPS (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH)

/* As council-milter's milter_negotiate (milter/callbacks.c), without the
   macro list. */
static sfsistat null_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			       unsigned long f2, unsigned long f3, unsigned long *pf0,
			       unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	*pf0 = ACTIONS & f0;
	*pf1 = f1 & SKIP_STEPS;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat null_envfrom(SMFICTX *ctx, char **argv)
{
	return SMFIS_CONTINUE;
}

static sfsistat null_envrcpt(SMFICTX *ctx, char **argv)
{
	return SMFIS_CONTINUE;
}

static sfsistat null_header(SMFICTX *ctx, char *name, char *value)
{
	return SMFIS_CONTINUE;
}

static sfsistat null_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	return SMFIS_CONTINUE;
}

static sfsistat null_eom(SMFICTX *ctx)
{
	return SMFIS_CONTINUE;
}

static sfsistat null_abort(SMFICTX *ctx)
{
	return SMFIS_CONTINUE;
}

static sfsistat null_close(SMFICTX *ctx)
{
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "null-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = ACTIONS,
	.xxfi_envfrom = null_envfrom,
	.xxfi_envrcpt = null_envrcpt,
	.xxfi_header = null_header,
	.xxfi_body = null_body,
	.xxfi_eom = null_eom,
	.xxfi_abort = null_abort,
	.xxfi_close = null_close,
	.xxfi_negotiate = null_negotiate,
};

int main(int argc, char **argv)
{
	const char *socket = NULL;
	int c;

	while ((c = getopt(argc, argv, "p:")) != -1) {
		if (c != 'p') {
			fprintf(stderr, "usage: null-milter -p unix:/path\n");
			return 2;
		}
		socket = optarg;
	}
	if (socket == NULL) {
		fprintf(stderr, "usage: null-milter -p unix:/path\n");
		return 2;
	}
	if (strncmp(socket, "unix:", 5) == 0)
		unlink(socket + 5);
	umask(0);	/* Postfix (another user) must reach the socket */
	if (smfi_setconn((char *)socket) == MI_FAILURE || smfi_register(desc) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "null-milter: cannot listen on %s\n", socket);
		return 1;
	}
	fprintf(stderr, "null-milter: started on %s\n", socket);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
