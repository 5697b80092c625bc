/*
 * council-review-web: the Clerk's web page (see web.h and
 * council-review-web(8)). Started as root it opens its port and reads its
 * certificate, then becomes web.user for good before it reads a request;
 * systemd starts it as that user directly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "parser/parser.h"
#include "web/server.h"

static const char usage_text[] =
"Usage: council-review-web [-c CONF] [-l ADDRESS:PORT] [-p HELPER_SOCKET] [-u USER]\n"
"\n"
"The Clerk's web page: reviewers sign in and see the mail held for their\n"
"councils, read each message, and release it or return it to its author. It\n"
"runs as its own unprivileged user and asks council-review-helper (root) for\n"
"everything that touches the mail queue. Reviewers are managed with\n"
"\"council-review user\"; the settings are the \"web\" group of the\n"
"configuration. See council-review-web(8).\n"
"\n"
"  -c CONF            the configuration (default " COUNCIL_CONF_DEFAULT ")\n"
"  -l ADDRESS:PORT    listen here instead of web.listen\n"
"  -p HELPER_SOCKET   the helper's socket instead of web.helper_socket\n"
"  -u USER            started as root, become USER instead of web.user\n"
"  -h, --help         this help;  -V, --version  the version\n"
"\n"
"Exit status: 0 stopped on SIGTERM or SIGINT, 64 usage, 67 no such user,\n"
"71 cannot listen or start, 77 cannot drop root, 78 configuration error.\n";

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("council-review-web: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A socket bound to LISTEN ("127.0.0.1:8027", "[::1]:8027"), listening. */
static int open_listener(const char *listen_at)
{
	const char *colon = strrchr(listen_at, ':');
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	char *host;
	int family;

	if (colon == NULL)
		return -1;
	if (listen_at[0] == '[') {
		host = g_strndup(listen_at + 1, colon - listen_at - 2);
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = family = AF_INET6;
		a->sin6_port = htons((uint16_t)atoi(colon + 1));
		len = sizeof(*a);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			family = -1;
	} else {
		host = g_strndup(listen_at, colon - listen_at);
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = family = AF_INET;
		a->sin_port = htons((uint16_t)atoi(colon + 1));
		len = sizeof(*a);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			family = -1;
	}
	g_free(host);
	if (family < 0) {
		errno = EINVAL;
		return -1;
	}
	int one = 1, fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Root no more, for good: USER's group, its groups, then USER; checked. */
static int drop_root(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		say("no such user %s (web.user; systemd-sysusers makes council-review-web)", user);
		return 67;
	}
	if (pw->pw_uid == 0) {
		say("web.user %s is root: the page faces the network and must not run as root",
		    user);
		return 77;
	}
	if (setgid(pw->pw_gid) < 0 || initgroups(user, pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		say("cannot become %s: %s", user, g_strerror(errno));
		return 77;
	}
	if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0) {
		say("could become root again after becoming %s: refusing to run", user);
		return 77;
	}
	return 0;
}

static char *read_pem(const char *path)
{
	char *text = NULL;
	GError *err = NULL;

	if (!g_file_get_contents(path, &text, NULL, &err)) {
		say("cannot read %s: %s", path, err->message);
		g_error_free(err);
		return NULL;
	}
	return text;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf_path = COUNCIL_CONF_DEFAULT, *listen_at = NULL, *helper = NULL;
	const char *user = NULL;
	struct conf_errors *errors;
	struct conf *conf;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "c:l:p:u:hV", options, NULL)) != -1) {
		switch (c) {
		case 'c': conf_path = optarg; break;
		case 'l': listen_at = optarg; break;
		case 'p': helper = optarg; break;
		case 'u': user = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("council-review-web %s\n", COUNCIL_VERSION);
			return 0;
		default:
			fputs("Try 'council-review-web --help'.\n", stderr);
			return 64;
		}
	}
	if (optind < argc) {
		say("no arguments are taken");
		return 64;
	}
	if (conf_load(conf_path, NULL, &conf, &errors) < 0) {
		for (size_t i = 0; i < errors->n_lines; i++)
			say("%s", errors->lines[i]);
		conf_errors_free(&errors);
		say("%s has errors (council-milter -n -c %s checks it)", conf_path, conf_path);
		return 78;
	}
	const struct conf_web *w = &conf->daemon.web;
	if (listen_at == NULL)
		listen_at = w->listen;
	int fd = open_listener(listen_at);
	if (fd < 0) {
		say("cannot listen on %s: %s", listen_at, g_strerror(errno));
		conf_unref(&conf);
		return 71;
	}
	char *cert = NULL, *key = NULL;
	if (w->tls_certificate != NULL &&
	    ((cert = read_pem(w->tls_certificate)) == NULL || (key = read_pem(w->tls_key)) == NULL))
		status = 71;
	if (status == 0 && geteuid() == 0)
		status = drop_root(user != NULL ? user : w->user);
	if (status != 0) {
		g_free(cert);
		g_free(key);
		close(fd);
		conf_unref(&conf);
		return status;
	}
	/* Every signal to this thread alone, before libmicrohttpd's thread
	   starts and inherits the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0) {
		say("libsodium could not start (no source of random numbers?)");
		return 71;
	}
	parser_init();
	struct web_app *app = web_app_new(conf, web_backend_helper(helper != NULL ? helper :
								   w->helper_socket));
	const char *error;
	struct web_server *server = web_server_start(app, fd, cert, key, &error);
	bool tls = cert != NULL;
	if (tls)
		sodium_memzero(key, strlen(key));
	g_free(cert);
	g_free(key);
	if (server == NULL) {
		say("%s", error);
		status = 71;
	} else {
		struct passwd *me = getpwuid(geteuid());
		say("listening on %s://%s as %s; the helper is %s", tls ? "https" : "http",
		    listen_at, me != NULL ? me->pw_name : "?",
		    helper != NULL ? helper : w->helper_socket);
		int sig = 0;
		while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
			say("SIGHUP: the reviewers file is read again whenever it changes; other "
			    "settings need a restart");
		say("stopping on signal %d", sig);
		web_server_stop(&server);
	}
	web_app_free(&app);
	close(fd);
	parser_shutdown();
	conf_unref(&conf);
	return status;
}
