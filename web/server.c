/*
 * council-review-web: libmicrohttpd, a request in and a response out (see
 * web.h). One internal thread answers every connection in turn, so the
 * application's state (sessions, limits) is only ever touched by it.
 */
#include "web/server.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>
#include <sodium.h>

#define CONNECTIONS_MAX 128
#define CONNECTION_TIMEOUT_S 60
#define CONNECTION_MEMORY (128 * 1024)

struct web_server {
	struct MHD_Daemon *daemon;
	struct web_app *app;
	bool tls;
};

/* What arrives of one request before it is answered. */
struct pending {
	GString *body;
	bool too_big;
};

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	char *line = g_strdup_vprintf(fmt, ap);

	web_log(cls, "libmicrohttpd: %s", g_strstrip(line));
	g_free(line);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode code)
{
	struct pending *p = *con_cls;

	if (p == NULL)
		return;
	g_string_free(p->body, TRUE);
	g_free(p);
	*con_cls = NULL;
}

static char *peer_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "0.0.0.0";

	if (info != NULL && info->client_addr != NULL) {
		const struct sockaddr *sa = info->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
				  sizeof(buf));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
				  sizeof(buf));
	}
	return g_strdup(buf);
}

/* The POST body as a form: application/x-www-form-urlencoded only. */
static GHashTable *form_of(struct MHD_Connection *c, struct pending *p, bool *bad_r)
{
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_TYPE);
	GError *err = NULL;

	*bad_r = true;
	if (p->too_big || type == NULL ||
	    g_ascii_strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0 ||
	    memchr(p->body->str, '\0', p->body->len) != NULL)
		return NULL;
	if (p->body->len == 0) {
		*bad_r = false;
		return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	}
	GHashTable *form = g_uri_parse_params(p->body->str, (gssize)p->body->len, "&",
					      G_URI_PARAMS_WWW_FORM, &err);
	if (form == NULL) {
		g_error_free(err);
		return NULL;
	}
	*bad_r = false;
	return form;
}

static void add_header(void *ctx, const char *name, const char *value)
{
	MHD_add_response_header(ctx, name, value);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct web_server *server = cls;
	struct pending *p = *con_cls;

	if (p == NULL) {
		p = g_new0(struct pending, 1);
		p->body = g_string_new(NULL);
		*con_cls = p;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (p->body->len + *upload_data_size > WEB_FORM_MAX)
			p->too_big = true;
		else
			g_string_append_len(p->body, upload_data, (gssize)*upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	char *peer = peer_of(c);
	struct web_request req = {
		.method = method,
		.path = url,
		.next = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "next"),
		.cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_COOKIE),
		.signin_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
							     WEB_SIGNIN_COOKIE),
		.peer = peer,
		.forwarded_for = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     "X-Forwarded-For"),
		.forwarded_proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							       "X-Forwarded-Proto"),
		.tls = server->tls,
		.now = time(NULL),
	};
	if (strcmp(method, "POST") == 0)
		req.form = form_of(c, p, &req.form_bad);
	struct web_response res;
	web_handle(server->app, &req, &res);
	struct MHD_Response *r = MHD_create_response_from_buffer(res.body->len, res.body->str,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret = MHD_NO;
	if (r != NULL) {
		web_response_headers(&res, add_header, r);
		ret = MHD_queue_response(c, res.status, r);
		MHD_destroy_response(r);
	}
	web_response_clear(&res);
	if (req.form != NULL) {
		char *password = g_hash_table_lookup(req.form, "password");
		if (password != NULL)	/* not left in freed memory */
			sodium_memzero(password, strlen(password));
		g_hash_table_destroy(req.form);
	}
	sodium_memzero(p->body->str, p->body->len);
	g_free(peer);
	return ret;
}

struct web_server *web_server_start(struct web_app *app, int listen_fd, const char *cert_pem,
				    const char *key_pem, const char **error_r)
{
	struct web_server *s = g_new0(struct web_server, 1);
	unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;

	s->app = app;
	s->tls = cert_pem != NULL;
	if (s->tls) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			*error_r = "this libmicrohttpd has no TLS: use a reverse proxy for HTTPS";
			g_free(s);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer, s,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, app,
		MHD_OPTION_LISTEN_SOCKET, listen_fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
		MHD_OPTION_STRICT_FOR_CLIENT, 1,
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert_pem,
		MHD_OPTION_HTTPS_MEM_KEY, key_pem,
		MHD_OPTION_HTTPS_PRIORITIES, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
		MHD_OPTION_END);
	if (s->daemon == NULL) {
		*error_r = "libmicrohttpd could not start (see its message above)";
		g_free(s);
		return NULL;
	}
	return s;
}

void web_server_stop(struct web_server **s_p)
{
	if (*s_p == NULL)
		return;
	MHD_stop_daemon((*s_p)->daemon);
	g_free(*s_p);
	*s_p = NULL;
}
