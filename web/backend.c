/* council-review-web: the helper, over its unix socket (see web.h). */
#include "web/web.h"

/* The longest answer: a message of 16 MiB in base64, and its facts. */
#define ANSWER_MAX (24 * 1024 * 1024)
/* Postfix's tools and sendmail can take a while on a busy server. */
#define TIMEOUT_MS 30000

struct helper_backend {
	struct web_backend b;
	char *socket_path;
};

static int helper_call(struct web_backend *b, const struct channel_request *req,
		       JsonObject **answer_r, const char **error_r)
{
	struct helper_backend *hb = (struct helper_backend *)b;

	return channel_call(hb->socket_path, req, ANSWER_MAX, TIMEOUT_MS, answer_r, error_r);
}

static void helper_free(struct web_backend *b)
{
	struct helper_backend *hb = (struct helper_backend *)b;

	g_free(hb->socket_path);
	g_free(hb);
}

struct web_backend *web_backend_helper(const char *socket_path)
{
	struct helper_backend *hb = g_new0(struct helper_backend, 1);

	hb->b = (struct web_backend){ helper_call, helper_free };
	hb->socket_path = g_strdup(socket_path);
	return &hb->b;
}
