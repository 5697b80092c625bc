#ifndef COUNCIL_WEB_SERVER_H
#define COUNCIL_WEB_SERVER_H

/* council-review-web's HTTP server (server.c, on libmicrohttpd), kept apart
   from web.h so that the tests of the application need no server. */

#include "web/web.h"

struct web_server;

/* Serve APP on LISTEN_FD (bound and listening); with CERT_PEM and KEY_PEM
   (both, or both NULL) over TLS. */
struct web_server *web_server_start(struct web_app *app, int listen_fd, const char *cert_pem,
				    const char *key_pem, const char **error_r);
void web_server_stop(struct web_server **server);

#endif
