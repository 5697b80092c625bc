/*
 * council-review-helper: the root side of the Clerk's web page (see
 * helper.h and council-review-web(8)). One unix socket, mode 0660, group of
 * the web page's user; each connection's peer is checked (root or that
 * user, SO_PEERCRED), sends one request line and gets one answer. One
 * request at a time: a Clerk's page needs no more, and nothing here is
 * shared between requests but the configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "helper/helper.h"
#include "parser/parser.h"
#include "reviewers/channel.h"

#define READ_TIMEOUT_S 10

static const char usage_text[] =
"Usage: council-review-helper [-c CONF] [-C MTA_CONF] [-p SOCKET] [-u USER]\n"
"\n"
"The privileged helper of the Clerk's web page (council-review-web): it runs as\n"
"root and lists, shows, releases and returns held mail for a signed-in\n"
"reviewer, only for the councils the reviewers file says they serve, and\n"
"records each action in the journal as done \"via web\". It answers only root\n"
"and the web page's user, on its unix socket. systemd starts it\n"
"(council-review-helper.service); SIGUSR1 reads the configuration again.\n"
"\n"
"  -c CONF         the configuration (default " COUNCIL_CONF_DEFAULT ")\n"
"  -C MTA_CONF     the mail server's configuration, if not its default (a\n"
"                  Postfix folder, or Sendmail's .cf when mta = \"sendmail\")\n"
"  -p SOCKET       listen here instead of web.helper_socket\n"
"  -u USER         answer this user instead of web.user\n"
"  -h, --help      this help;  -V, --version  the version\n"
"\n"
"Exit status: 0 stopped on SIGTERM or SIGINT, 64 usage, 67 no such user,\n"
"71 cannot listen, 78 configuration error.\n";

static volatile sig_atomic_t stop_signal, reload_signal;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		reload_signal = 1;
	else
		stop_signal = sig;
}

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("council-review-helper: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The mail server the configuration names (mta): Postfix's hold queue or
   Sendmail's quarantine, as council-review uses. */
struct queue_choice {
	struct conf *const *conf;	/* the helper's, as reloaded */
	const char *mta_conf;		/* -C, NULL: the server's default */
};

static struct hold_queue *configured_queue(void *ctx)
{
	const struct queue_choice *q = ctx;

	return hold_queue_new(*q->conf, q->mta_conf);
}

static struct conf *load(const char *path)
{
	struct conf_errors *errors;
	struct conf *conf;

	if (conf_load(path, NULL, &conf, &errors) == 0)
		return conf;
	for (size_t i = 0; i < errors->n_lines; i++)
		say("%s", errors->lines[i]);
	conf_errors_free(&errors);
	return NULL;
}

/* The socket at PATH: ours alone to write, the web page's user's group's
   to connect to. */
static int listen_on(const char *path, gid_t group)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		say("the socket path %s is too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	mode_t old = umask(0177);
	int ret = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ret < 0 || chown(path, 0, group) < 0 || chmod(path, 0660) < 0 || listen(fd, 16) < 0) {
		say("cannot listen on %s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One connection: who it is, its request, our answer. */
static void serve(struct helper *h, int fd, uid_t web_uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct timeval tv = { READ_TIMEOUT_S, 0 };
	GString *line = g_string_new(NULL);
	char buf[8192];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != web_uid)) {
		say("refused a connection from uid %ld: only root and the web page's user may ask",
		    len == sizeof(cred) ? (long)cred.uid : -1L);
		g_string_free(line, TRUE);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (line->len <= CHANNEL_REQUEST_MAX && memchr(line->str, '\n', line->len) == NULL) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR && !stop_signal)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(line, buf, n);
	}
	char *end = memchr(line->str, '\n', line->len);
	size_t request_len = end != NULL ? (size_t)(end - line->str) : line->len;
	char *summary;
	char *answer = helper_answer(h, line->str, request_len, &summary);
	say("%s", summary);
	size_t alen = strlen(answer);
	for (size_t done = 0; done < alen;) {
		ssize_t n = send(fd, answer + done, alen - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	g_free(summary);
	g_free(answer);
	g_string_free(line, TRUE);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf_path = COUNCIL_CONF_DEFAULT, *mta_conf = NULL, *socket_path = NULL;
	const char *web_user = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "c:C:p:u:hV", options, NULL)) != -1) {
		switch (c) {
		case 'c': conf_path = optarg; break;
		case 'C': mta_conf = optarg; break;
		case 'p': socket_path = optarg; break;
		case 'u': web_user = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("council-review-helper %s\n", COUNCIL_VERSION);
			return 0;
		default:
			fputs("Try 'council-review-helper --help'.\n", stderr);
			return 64;
		}
	}
	if (optind < argc) {
		fputs("council-review-helper: no arguments are taken\n", stderr);
		return 64;
	}
	if (geteuid() != 0)
		say("warning: not running as root: the mail server will refuse to show, release or delete "
		    "held mail");
	struct helper h = { .new_queue = configured_queue };
	struct queue_choice choice = { &h.conf, mta_conf };

	h.queue_ctx = &choice;
	if ((h.conf = load(conf_path)) == NULL) {
		say("%s has errors (council-milter -n -c %s checks it)", conf_path, conf_path);
		return 78;
	}
	if (web_user == NULL)
		web_user = h.conf->daemon.web.user;
	struct passwd *pw = getpwnam(web_user);
	if (pw == NULL) {
		say("the web page's user %s does not exist (web.user; systemd-sysusers makes it)",
		    web_user);
		conf_unref(&h.conf);
		return 67;
	}
	uid_t web_uid = pw->pw_uid;
	char *path = g_strdup(socket_path != NULL ? socket_path :
			      h.conf->daemon.web.helper_socket);
	int lfd = listen_on(path, pw->pw_gid);
	if (lfd < 0) {
		g_free(path);
		conf_unref(&h.conf);
		return 71;
	}
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	parser_init();
	say("listening on %s for %s (uid %ld)", path, web_user, (long)web_uid);
	while (!stop_signal) {
		if (reload_signal) {
			reload_signal = 0;
			struct conf *fresh = load(conf_path);
			if (fresh != NULL) {
				conf_unref(&h.conf);
				h.conf = fresh;
				say("configuration reloaded");
			} else {
				say("the configuration has errors: the one in force stays");
			}
		}
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				say("accept: %s", g_strerror(errno));
			continue;
		}
		serve(&h, fd, web_uid);
		close(fd);
	}
	say("stopping on signal %d", (int)stop_signal);
	close(lfd);
	unlink(path);
	g_free(path);
	parser_shutdown();
	conf_unref(&h.conf);
	return 0;
}
