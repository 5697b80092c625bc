/*
 * The daemon: open the milter socket, hand the callbacks to libmilter, and
 * handle signals in a sigwait thread: SIGUSR1 reloads the configuration
 * (libmilter's own signal thread treats SIGHUP as stop, as OpenDKIM found),
 * SIGTERM and SIGINT stop cleanly.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "milter/callbacks.h"
#include "milter/generation.h"
#include "milter/log.h"
#include "milter/milter.h"
#include "parser/parser.h"

static const struct milter_options *daemon_opt;
static const char *daemon_socket;	/* the socket in use */
static gint daemon_stopping;

/* Load the config again; install it only if it is valid. */
static void reload(void)
{
	const char *path = daemon_opt->conf_path;
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	const char *error;

	if (conf_load(path, daemon_opt->phrase_dir, &conf, &errors) < 0) {
		milter_log(LOG_ERR, "reload refused: %s has %zu error(s); the configuration "
			   "loaded before stays in force", path, errors->n_lines);
		for (size_t i = 0; i < errors->n_lines; i++)
			milter_log(LOG_ERR, "reload refused: %s", errors->lines[i]);
		conf_errors_free(&errors);
		return;
	}
	if (milter_gen_install(conf, &error) < 0) {
		milter_log(LOG_ERR, "reload refused: %s: %s; the configuration loaded before "
			   "stays in force", path, error);
	} else {
		milter_log(LOG_INFO, "reloaded %s: %zu council(s); new connections use it, "
			   "open ones finish with the one they started with", path,
			   conf->n_councils);
		if (daemon_opt->socket == NULL && conf->daemon.socket != NULL &&
		    strcmp(conf->daemon.socket, daemon_socket) != 0)
			milter_log(LOG_WARNING, "the socket setting changed to %s; it takes "
				   "effect at the next restart, %s is still in use",
				   conf->daemon.socket, daemon_socket);
	}
	conf_unref(&conf);
}

static void *signal_thread(void *arg)
{
	const sigset_t *set = arg;

	for (;;) {
		int sig;

		if (sigwait(set, &sig) != 0)
			continue;
		if (g_atomic_int_get(&daemon_stopping))
			break;
		if (sig == SIGUSR1) {
			reload();
		} else {
			milter_log(LOG_INFO, "stopping on %s", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			smfi_stop();
		}
	}
	return NULL;
}

/* "unix:/path", "local:/path" or "/path" -> "/path"; NULL for inet. */
static const char *unix_socket_path(const char *socket)
{
	if (g_str_has_prefix(socket, "unix:"))
		return socket + 5;
	if (g_str_has_prefix(socket, "local:"))
		return socket + 6;
	return socket[0] == '/' ? socket : NULL;
}

/* Let the MTA (and nobody else) connect: mode and group from the config. */
static int socket_permissions(const char *socket, const struct conf_daemon *d)
{
	const char *path = unix_socket_path(socket);

	if (path == NULL)
		return 0;
	if (d->socket_group != NULL && *d->socket_group != '\0') {
		struct group *gr = getgrnam(d->socket_group);
		if (gr == NULL) {
			milter_log(LOG_ERR, "socket_group \"%s\": no such group", d->socket_group);
			return -1;
		}
		if (chown(path, (uid_t)-1, gr->gr_gid) < 0) {
			milter_log(LOG_ERR, "cannot give %s to group %s: %s", path,
				   d->socket_group, strerror(errno));
			return -1;
		}
	}
	if (d->socket_mode != 0 && chmod(path, d->socket_mode) < 0) {
		milter_log(LOG_ERR, "cannot set mode %04o on %s: %s", d->socket_mode, path,
			   strerror(errno));
		return -1;
	}
	return 0;
}

static int open_socket(const char *socket, const struct conf_daemon *d)
{
	if (smfi_setconn((char *)socket) != MI_SUCCESS) {
		milter_log(LOG_ERR, "bad socket \"%s\": use unix:/path or inet:port@host", socket);
		return -1;
	}
	if (d->timeout_seconds != 0)
		smfi_settimeout((int)d->timeout_seconds);
	if (smfi_register(milter_desc) != MI_SUCCESS) {
		milter_log(LOG_ERR, "libmilter refused to register the filter");
		return -1;
	}
	/* Created private, then opened up to socket_mode and socket_group:
	   never more open than configured, even for a moment. */
	mode_t old_umask = umask(0077);
	if (d->socket_mode == 0)
		umask(old_umask);	/* no mode configured: the umask decides */
	int ret = smfi_opensocket(true);
	umask(old_umask);
	if (ret != MI_SUCCESS) {
		milter_log(LOG_ERR, "cannot open the milter socket %s (in use, or a missing "
			   "directory or permission?)", socket);
		return -1;
	}
	return socket_permissions(socket, d);
}

int milter_daemon_run(const struct milter_options *opt)
{
	milter_log_init(opt->foreground);
	daemon_opt = opt;

	struct conf *conf = milter_conf_load(opt);
	if (conf == NULL)
		return EXIT_CONFIG;
	const char *socket = opt->socket != NULL ? opt->socket : conf->daemon.socket;
	const char *error;
	int status = EXIT_SUCCESS;

	if (socket == NULL || *socket == '\0') {
		milter_log(LOG_ERR, "no socket: set \"socket\" in %s or give -p", opt->conf_path);
		conf_unref(&conf);
		return EXIT_CONFIG;
	}
	socket = g_strdup(socket);	/* outlives this config (reload) */
	daemon_socket = socket;
	if (open_socket(socket, &conf->daemon) < 0) {
		conf_unref(&conf);
		g_free((char *)socket);
		return EXIT_OSERR;
	}
	parser_init();
	if (milter_gen_install(conf, &error) < 0) {
		milter_log(LOG_ERR, "cannot start: %s", error);
		conf_unref(&conf);
		g_free((char *)socket);
		parser_shutdown();
		return EXIT_SOFTWARE;
	}
	size_t n_councils = conf->n_councils;
	conf_unref(&conf);	/* the generation holds it now */

	if (!opt->foreground && daemon(0, 0) < 0) {
		milter_log(LOG_ERR, "cannot go into the background: %s", strerror(errno));
		milter_gen_shutdown();
		parser_shutdown();
		g_free((char *)socket);
		return EXIT_OSERR;
	}

	/* An MTA that hangs up while we write must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	/* Blocked in every thread (libmilter's inherit this mask); only the
	   signal thread takes them, with sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_t sig_thread;
	if (pthread_create(&sig_thread, NULL, signal_thread, &set) != 0) {
		milter_log(LOG_ERR, "cannot start the signal thread");
		milter_gen_shutdown();
		parser_shutdown();
		g_free((char *)socket);
		return EXIT_OSERR;
	}

	milter_log(LOG_INFO, "council-milter %s started on %s with %s (%zu council(s))",
		   COUNCIL_VERSION, socket, opt->conf_path, n_councils);
	if (smfi_main() != MI_SUCCESS) {
		milter_log(LOG_ERR, "libmilter stopped with an error");
		status = EXIT_SOFTWARE;
	}
	g_atomic_int_set(&daemon_stopping, 1);
	pthread_kill(sig_thread, SIGUSR1);
	pthread_join(sig_thread, NULL);
	milter_gen_shutdown();
	parser_shutdown();
	/* libmilter leaves the socket file behind; a stale one only confuses. */
	const char *path = unix_socket_path(socket);
	if (path != NULL && unlink(path) < 0 && errno != ENOENT)
		milter_log(LOG_WARNING, "cannot remove %s: %s", path, strerror(errno));
	milter_log(LOG_INFO, "stopped");
	g_free((char *)socket);
	return status;
}
