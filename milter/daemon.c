/*
 * The daemon: open the milter socket, hand the callbacks to libmilter, and
 * handle signals in the main thread: SIGUSR1 and SIGHUP reload the
 * configuration, SIGTERM and SIGINT stop cleanly: no new message is taken,
 * and the ones in flight finish (milter/inflight.h). libmilter's own signal
 * thread would take SIGHUP as "stop" (OpenDKIM found it), so it must never
 * see one: see sigwait below. Started as root, it drops to the configured
 * user once the socket is open (milter/privs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "milter/callbacks.h"
#include "milter/generation.h"
#include "milter/inflight.h"
#include "milter/log.h"
#include "milter/metrics.h"
#include "milter/milter.h"
#include "policy/policy.h"
#include "milter/privs.h"
#include "parser/parser.h"

static const struct milter_options *daemon_opt;
static const char *daemon_socket;	/* the socket in use */
static pthread_t main_thread;
static gint milter_done;		/* smfi_main has returned */
static gint milter_status = MI_SUCCESS;

/* Load the config again; install it only if it is valid. */
static void reload(const char *signame)
{
	const char *path = daemon_opt->conf_path;
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	const char *error;

	milter_gen_reopen();	/* log rotation, whatever becomes of the config */
	if (conf_load(path, daemon_opt->phrase_dir, &conf, &errors) < 0) {
		milter_log(LOG_ERR, "reload refused: %s has %zu error(s); the configuration "
			   "loaded before stays in force", path, errors->n_lines);
		for (size_t i = 0; i < errors->n_lines; i++)
			milter_log(LOG_ERR, "reload refused: %s", errors->lines[i]);
		conf_errors_free(&errors);
		milter_metrics_reload_failed();
		return;
	}
	if (policy_prepare(conf, &error) < 0 || milter_gen_install(conf, &error) < 0) {
		milter_log(LOG_ERR, "reload refused: %s: %s; the configuration loaded before "
			   "stays in force", path, error);
		milter_metrics_reload_failed();
	} else {
		milter_log_set_level(milter_log_level_from_name(conf->daemon.log_level));
		milter_log_set_facility(milter_log_facility_from_name(conf->daemon.log_facility));
		milter_log(LOG_INFO, "reloaded %s on %s: %zu council(s); new connections use it, "
			   "open ones finish with the one they started with", path, signame,
			   conf->n_councils);
		if (milter_metrics_changed(&conf->daemon.metrics))
			milter_log(LOG_WARNING, "the metrics settings changed; they take effect at "
				   "the next restart");
		if (daemon_opt->socket == NULL && conf->daemon.socket != NULL &&
		    strcmp(conf->daemon.socket, daemon_socket) != 0)
			milter_log(LOG_WARNING, "the socket setting changed to %s; it takes "
				   "effect at the next restart, %s is still in use",
				   conf->daemon.socket, daemon_socket);
	}
	conf_unref(&conf);
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

/* How long a clean stop waits for the messages in flight; the unit's
   TimeoutStopSec is longer. After it, the MTA tempfails what is left. */
#define STOP_WAIT_SECONDS 30

/* Let the MTA (and nobody else) connect. The socket is created as the user
   the daemon runs as, private (0600), in a folder that user owns; root then
   gives it to socket_group. socket_mode opens it up after the drop. */
static int open_socket(const char *socket, const struct conf_daemon *d,
		       const struct milter_privs *privs)
{
	const char *path = unix_socket_path(socket);

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
	if (path != NULL && milter_privs_enter_user(privs) < 0)
		return -1;
	int ret = MI_FAILURE;
	char *dir = path != NULL ? g_path_get_dirname(path) : NULL;
	if (dir != NULL && faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0) {
		milter_log(LOG_ERR, "cannot create the socket %s: user %s cannot write in %s "
			   "(%s); the folder must belong to that user (see \"The socket\" in "
			   "council-milter(8))", path, privs->user, dir, strerror(errno));
	} else {
		mode_t old_umask = umask(0077);
		ret = smfi_opensocket(true);
		umask(old_umask);
		if (ret != MI_SUCCESS)
			milter_log(LOG_ERR, "cannot open the milter socket %s (in use, or a missing "
				   "folder or permission?)", socket);
	}
	g_free(dir);
	if (path != NULL && milter_privs_leave_user(privs) < 0)
		return -1;
	if (ret != MI_SUCCESS)
		return -1;
	return path != NULL ? milter_privs_socket_group(path, d->socket_group) : 0;
}

/* After the drop, as the socket's owner. */
static int socket_mode(const char *socket, const struct conf_daemon *d)
{
	const char *path = unix_socket_path(socket);

	if (path == NULL || d->socket_mode == 0)
		return 0;
	if (chmod(path, d->socket_mode) < 0) {
		milter_log(LOG_ERR, "cannot set mode %04o on %s: %s", d->socket_mode, path,
			   strerror(errno));
		return -1;
	}
	return 0;
}

static void remove_socket(const char *socket)
{
	const char *path = unix_socket_path(socket);

	/* libmilter leaves the socket file behind; a stale one only confuses. */
	if (path != NULL && unlink(path) < 0 && errno != ENOENT)
		milter_log(LOG_WARNING, "cannot remove %s: %s", path, strerror(errno));
}

/* Everything up to serving: socket, privileges, the first generation.
   Returns 0, or the exit status. */
static int start(const struct milter_options *opt, struct conf *conf, const char *socket)
{
	struct milter_privs privs;
	const char *error;
	int status = 0;

	if (milter_privs_init(&privs, opt->user, conf->daemon.user) < 0)
		return EXIT_CONFIG;
	if (open_socket(socket, &conf->daemon, &privs) < 0) {
		milter_privs_clear(&privs);
		return EXIT_OSERR;
	}
	if (milter_privs_drop(&privs) < 0 || socket_mode(socket, &conf->daemon) < 0) {
		status = EXIT_OSERR;
	} else if (milter_metrics_open(&conf->daemon.metrics, &error) < 0) {
		/* Asked for and not to be had: said now, not found missing later. */
		milter_log(LOG_ERR, "cannot start: %s", error);
		status = EXIT_OSERR;
	} else {
		milter_metrics_set_journal(conf->daemon.journal);
		parser_init();
		if (policy_prepare(conf, &error) < 0 || milter_gen_install(conf, &error) < 0) {
			milter_log(LOG_ERR, "cannot start: %s", error);
			parser_shutdown();
			status = EXIT_SOFTWARE;
		}
	}
	if (status != 0) {
		milter_metrics_stop();
		remove_socket(socket);
	}
	milter_privs_clear(&privs);
	return status;
}

/* libmilter's listener and workers run in a thread of their own, so that
   the main thread is free to sigwait: the kernel offers a signal sent to
   the process to its main thread first, so SIGTERM comes here, not to
   libmilter's own signal thread (which would stop at once). */
static void *milter_thread(void *arg)
{
	g_atomic_int_set(&milter_status, smfi_main());
	g_atomic_int_set(&milter_done, 1);
	pthread_kill(main_thread, SIGUSR1);	/* wake the signal loop */
	return NULL;
}

/* SIGTERM: new messages are refused (451) while those in flight finish,
   for at most STOP_WAIT_SECONDS; then libmilter is stopped (Debian's
   libmilter, with its pool of workers, serves no connection after
   smfi_stop, so the wait must come first). */
static void stop(int sig)
{
	gint64 deadline = g_get_monotonic_time() + STOP_WAIT_SECONDS * G_TIME_SPAN_SECOND;
	unsigned n;

	milter_inflight_refuse();
	n = milter_inflight_count();
	milter_log(LOG_INFO, "stopping on %s: new messages are told to try again later%s",
		   sig == SIGTERM ? "SIGTERM" : "SIGINT", n > 0 ? "" : "; none in flight");
	if (n > 0)
		milter_log(LOG_INFO, "stopping: waiting for %u message(s) in flight to finish "
			   "(at most %d seconds)", n, STOP_WAIT_SECONDS);
	while ((n = milter_inflight_wait(200)) > 0 && !g_atomic_int_get(&milter_done) &&
	       g_get_monotonic_time() < deadline)
		;
	if (n > 0)
		milter_log(LOG_WARNING, "stopping with %u message(s) still in flight: the mail "
			   "server keeps them and tries again", n);
	smfi_stop();
}

/* libmilter's signal thread waits for SIGHUP, SIGTERM and SIGINT with
   sigwait() and stops the filter at once on SIGHUP. This program defines
   sigwait() itself (a program's own symbol comes before libc's for every
   library it loads, libmilter included): the same wait, but never for
   SIGHUP. SIGHUP being blocked in every thread (signals_block), only the
   main thread's sigwaitinfo (signal_loop) can take it, and there it is a
   reload, however close together the signals come. */
int sigwait(const sigset_t *set, int *sig_r)
{
	sigset_t without_hup = *set;
	int sig;

	sigdelset(&without_hup, SIGHUP);
	do
		sig = sigwaitinfo(&without_hup, NULL);
	while (sig < 0 && errno == EINTR);
	if (sig < 0)
		return errno;
	*sig_r = sig;
	return 0;
}

/* Before any other thread starts: USR1, TERM, INT and HUP blocked here and
   so in every thread made after (libmilter's inherit this mask), to be
   taken by the main thread's signal_loop. A signal sent to the process goes
   to the main thread first when it is waiting (Linux), as SIGTERM must. */
static void signals_block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

/* The main thread's loop: SIGUSR1 and SIGHUP reload, SIGTERM and SIGINT
   stop. Returns once libmilter has stopped. */
static void signal_loop(const sigset_t *set)
{
	while (!g_atomic_int_get(&milter_done)) {
		int sig = sigwaitinfo(set, NULL);

		if (sig < 0 || g_atomic_int_get(&milter_done))
			continue;
		if (sig == SIGUSR1 || sig == SIGHUP)
			reload(sig == SIGHUP ? "SIGHUP" : "SIGUSR1");
		else
			stop(sig);
	}
}

/* A start given up after start(): what it made is undone. */
static int abandon(const char *socket)
{
	milter_metrics_stop();
	remove_socket(socket);
	milter_gen_shutdown();
	parser_shutdown();
	g_free((char *)socket);
	return EXIT_OSERR;
}

int milter_daemon_run(const struct milter_options *opt)
{
	milter_log_init(opt->foreground);
	daemon_opt = opt;

	struct conf *conf = milter_conf_load(opt);
	if (conf == NULL)
		return EXIT_CONFIG;
	if (milter_conf_check_system(opt, conf, true) < 0) {
		conf_unref(&conf);
		return EXIT_CONFIG;
	}
	milter_log_set_level(milter_log_level_from_name(conf->daemon.log_level));
	milter_log_set_facility(milter_log_facility_from_name(conf->daemon.log_facility));
	const char *socket = opt->socket != NULL ? opt->socket : conf->daemon.socket;
	int status = EXIT_SUCCESS;

	if (socket == NULL || *socket == '\0') {
		milter_log(LOG_ERR, "no socket: set \"socket\" in %s or give -p", opt->conf_path);
		conf_unref(&conf);
		return EXIT_CONFIG;
	}
	socket = g_strdup(socket);	/* outlives this config (reload) */
	daemon_socket = socket;
	status = start(opt, conf, socket);
	size_t n_councils = conf->n_councils;
	conf_unref(&conf);	/* the generation holds it now */
	if (status != 0) {
		g_free((char *)socket);
		return status;
	}

	if (!opt->foreground && daemon(0, 0) < 0) {
		milter_log(LOG_ERR, "cannot go into the background: %s", strerror(errno));
		return abandon(socket);
	}

	/* An MTA that hangs up while we write must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	sigset_t set;
	signals_block(&set);
	main_thread = pthread_self();
	const char *error;
	if (milter_metrics_start(&error) < 0) {
		milter_log(LOG_ERR, "cannot start: %s", error);
		return abandon(socket);
	}
	pthread_t thread;
	if (pthread_create(&thread, NULL, milter_thread, NULL) != 0) {
		milter_log(LOG_ERR, "cannot start the milter thread");
		return abandon(socket);
	}

	milter_log(LOG_INFO, "council-milter %s started on %s with %s (%zu council(s))",
		   COUNCIL_VERSION, socket, opt->conf_path, n_councils);
	signal_loop(&set);
	pthread_join(thread, NULL);
	if (g_atomic_int_get(&milter_status) != MI_SUCCESS) {
		milter_log(LOG_ERR, "libmilter stopped with an error");
		status = EXIT_SOFTWARE;
	}
	remove_socket(socket);
	milter_metrics_stop();
	/* Nothing a message may still use is freed while one is in flight (a
	   stop that did not wait: a second SIGTERM). */
	if (milter_inflight_count() == 0) {
		milter_gen_shutdown();
		parser_shutdown();
	}
	milter_log(LOG_INFO, "stopped");
	g_free((char *)socket);
	return status;
}
