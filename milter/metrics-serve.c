/*
 * Where the metrics go (see metrics.h): an HTTP endpoint on loopback or a
 * unix socket, served by libmicrohttpd in a thread of its own (a scraper
 * gets the text of milter_metrics_text; at most a few connections, each
 * with a short timeout), and a node-exporter textfile rewritten every
 * interval by a thread of ours. The listening socket is made at start-up,
 * as the daemon's user, so a port in use or a folder it cannot write stops
 * the start with that reason; the threads start once signals are blocked.
 */
#include "milter/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <microhttpd.h>

#include "milter/log.h"
#include "util/util.h"

#define SCRAPERS_MAX 8		/* connections at once */
#define SCRAPE_TIMEOUT 10	/* seconds a connection may stay idle */

static struct {
	int listen_fd;			/* -1: no endpoint */
	char *listen;			/* as configured */
	char *unix_path;		/* the socket file we made, NULL: inet */
	char *textfile;
	unsigned interval;
	struct MHD_Daemon *mhd;
	GThread *writer;
	GMutex lock;
	GCond wake;
	bool stopping;
	bool write_failed;		/* the last write failed (logged once) */
} m = { .listen_fd = -1 };

/* "inet:PORT@HOST" or "unix:/path" (conf checked it): a socket listening. */
static int bind_listen(const char *where, const char **error_r)
{
	int fd = -1;

	if (g_str_has_prefix(where, "unix:")) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		const char *path = where + 5;
		struct stat st;

		g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
		/* A socket left by a filter that did not stop cleanly; nothing else. */
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			(void)unlink(path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
		    listen(fd, 16) < 0)
			goto fail;
		m.unix_path = g_strdup(path);
		return fd;
	}
	char *port = g_strndup(where + 5, strcspn(where + 5, "@"));
	const char *host = strchr(where, '@') + 1;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	int gai = getaddrinfo(host, port, &hints, &ai);
	g_free(port);
	if (gai != 0) {
		*error_r = util_error("metrics: cannot listen on %s: %s", where,
				      gai_strerror(gai));
		return -1;
	}
	int one = 1;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 16) < 0) {
		freeaddrinfo(ai);
		goto fail;
	}
	freeaddrinfo(ai);
	return fd;
fail:
	*error_r = util_error("metrics: cannot listen on %s: %s (in use, or a folder the "
			      "filter's user cannot write?)", where, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The textfile, written whole under a temporary name and renamed (what
   node-exporter reads is never half written; it reads only *.prom), mode
   0644 whatever the umask (the unit's is 0027): node-exporter runs as
   another user. */
static int write_textfile(const char **error_r)
{
	char *text = milter_metrics_text();
	char *tmp = g_strdup_printf("%s.%d.tmp", m.textfile, (int)getpid());
	size_t len = strlen(text);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	int ret = -1;

	if (fd >= 0 && fchmod(fd, 0644) == 0 && write(fd, text, len) == (ssize_t)len &&
	    close(fd) == 0) {
		fd = -1;
		if (rename(tmp, m.textfile) == 0)
			ret = 0;
	}
	if (ret < 0) {
		*error_r = util_error("metrics: cannot write %s: %s (the filter's user must be "
				      "able to write in its folder)", m.textfile,
				      g_strerror(errno));
		if (fd >= 0)
			close(fd);
		(void)unlink(tmp);
	}
	g_free(tmp);
	g_free(text);
	return ret;
}

int milter_metrics_open(const struct conf_metrics *metrics, const char **error_r)
{
	if (metrics->listen != NULL) {
		m.listen_fd = bind_listen(metrics->listen, error_r);
		if (m.listen_fd < 0)
			return -1;
		m.listen = g_strdup(metrics->listen);
	}
	if (metrics->textfile != NULL) {
		m.textfile = g_strdup(metrics->textfile);
		m.interval = metrics->interval_seconds > 0 ? metrics->interval_seconds : 15;
		if (write_textfile(error_r) < 0)
			return -1;
	}
	return 0;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	if (!head && strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
		static const char refused[] = "Only GET: these are metrics to read.\n";
		resp = MHD_create_response_from_buffer(strlen(refused), (void *)refused,
						       MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		ret = MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	char *text = milter_metrics_text();
	resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* libmicrohttpd's own complaints, to our log. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char *text = g_strdup_vprintf(fmt, ap);

	milter_log(LOG_WARNING, "metrics: %s", g_strchomp(text));
	g_free(text);
}

static gpointer writer_thread(gpointer data)
{
	const char *error;

	g_mutex_lock(&m.lock);
	while (!m.stopping) {
		gint64 until = g_get_monotonic_time() + (gint64)m.interval * G_TIME_SPAN_SECOND;
		while (!m.stopping && g_cond_wait_until(&m.wake, &m.lock, until))
			;
		if (m.stopping)
			break;
		g_mutex_unlock(&m.lock);
		int ret = write_textfile(&error);
		/* Logged when it starts failing and when it works again. */
		if (ret < 0 && !m.write_failed)
			milter_log(LOG_ERR, "%s; trying again every %u seconds", error, m.interval);
		else if (ret == 0 && m.write_failed)
			milter_log(LOG_INFO, "metrics: %s written again", m.textfile);
		g_mutex_lock(&m.lock);
		m.write_failed = ret < 0;
	}
	g_mutex_unlock(&m.lock);
	return NULL;
}

int milter_metrics_start(const char **error_r)
{
	if (m.listen_fd >= 0) {
		m.mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
					 MHD_USE_ERROR_LOG, 0, NULL, NULL, answer, NULL,
					 MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
					 MHD_OPTION_LISTEN_SOCKET, m.listen_fd,
					 MHD_OPTION_CONNECTION_LIMIT, (unsigned)SCRAPERS_MAX,
					 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SCRAPE_TIMEOUT,
					 MHD_OPTION_END);
		if (m.mhd == NULL) {
			*error_r = util_error("metrics: cannot serve on %s", m.listen);
			return -1;
		}
		milter_log(LOG_INFO, "metrics served on %s", m.listen);
	}
	if (m.textfile != NULL) {
		m.writer = g_thread_new("metrics", writer_thread, NULL);
		milter_log(LOG_INFO, "metrics written to %s every %u seconds", m.textfile,
			   m.interval);
	}
	return 0;
}

bool milter_metrics_changed(const struct conf_metrics *metrics)
{
	return g_strcmp0(metrics->listen, m.listen) != 0 ||
		g_strcmp0(metrics->textfile, m.textfile) != 0 ||
		(m.textfile != NULL && metrics->interval_seconds != m.interval);
}

void milter_metrics_stop(void)
{
	const char *error;

	if (m.mhd != NULL) {
		MHD_stop_daemon(m.mhd);	/* closes the listening socket too */
		m.mhd = NULL;
		m.listen_fd = -1;
	}
	if (m.listen_fd >= 0) {
		close(m.listen_fd);
		m.listen_fd = -1;
	}
	if (m.unix_path != NULL && unlink(m.unix_path) < 0 && errno != ENOENT)
		milter_log(LOG_WARNING, "metrics: cannot remove %s: %s", m.unix_path,
			   g_strerror(errno));
	g_clear_pointer(&m.unix_path, g_free);
	if (m.writer != NULL) {
		g_mutex_lock(&m.lock);
		m.stopping = true;
		g_cond_signal(&m.wake);
		g_mutex_unlock(&m.lock);
		g_thread_join(m.writer);
		m.writer = NULL;
	}
	/* The counts at the stop stay for node-exporter to read. */
	if (m.textfile != NULL && write_textfile(&error) < 0)
		milter_log(LOG_ERR, "%s", error);
	g_clear_pointer(&m.textfile, g_free);
	g_clear_pointer(&m.listen, g_free);
	m.stopping = false;
}
