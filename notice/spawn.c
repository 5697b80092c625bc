/* Running helper programs without a shell (see spawn.h). */
#include "notice/notice.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "util/util.h"

/* How much of a child's stderr spawn_run_timed keeps. */
#define SPAWN_ERRORS_MAX 4096

/* RFC 5321's limit on a path. */
#define ADDRESS_MAX 254

static bool plain_address(const char *rcpt)
{
	size_t len = rcpt != NULL ? strlen(rcpt) : 0;

	if (len == 0 || len > ADDRESS_MAX || rcpt[0] == '-' || strchr(rcpt, '@') == NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)rcpt; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

char **spawn_sendmail_argv(const char *sendmail, const char *rcpt)
{
	if (sendmail == NULL || sendmail[0] != '/' || !plain_address(rcpt))
		return NULL;
	/* -i: a line of one dot is text; -f <>: the null sender, so a notice
	   that cannot be delivered is dropped, never bounced into a loop; --:
	   the recipient is never read as an option. */
	const char *argv[] = { sendmail, "-i", "-f", "<>", "--", rcpt, NULL };
	return g_strdupv((char **)argv);
}

/* A memory file holding DATA, read from its start: a child's stdin that can
   never block us, however large. */
static int memfd_with(const char *name, const char *data, size_t len, const char **error_r)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0) {
		*error_r = util_error("cannot create a memory file: %s", g_strerror(errno));
		return -1;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error_r = util_error("cannot write a memory file: %s",
					      g_strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		*error_r = util_error("cannot rewind a memory file: %s", g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The child: stdin, stdout and stderr in place, nothing else open, the
   signal state of a fresh process, then execve with ENVP (NULL: empty).
   Async-signal-safe only. */
static G_GNUC_NORETURN void child(char *const *argv, char *const *envp, int in_fd, int out_fd,
				  int err_fd, int max_fd)
{
	static char *const empty_env[] = { NULL };
	sigset_t none;
	struct sigaction dfl;

	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || (err_fd >= 0 && dup2(err_fd, 2) < 0))
		_exit(127);
	if (close_range(3, ~0U, 0) < 0)
		for (int fd = 3; fd < max_fd; fd++)
			close(fd);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &dfl, NULL);
	execve(argv[0], argv, envp != NULL ? envp : empty_env);
	_exit(127);
}

static int max_fd(void)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		rl.rlim_cur < 65536 ? (int)rl.rlim_cur : 65536;
}

/* Fork and exec ARGV with ENVP (NULL: empty) and the given descriptors
   (ERR_FD -1: inherit). */
static int start(char *const *argv, char *const *envp, int in_fd, int out_fd, int err_fd,
		 pid_t *pid_r, const char **error_r)
{
	if (argv[0] == NULL || argv[0][0] != '/') {
		*error_r = util_error("\"%s\" is not an absolute path",
				      argv[0] != NULL ? argv[0] : "");
		return -1;
	}
	int top = max_fd();
	pid_t pid = fork();
	if (pid < 0) {
		*error_r = util_error("cannot start %s: %s", argv[0], g_strerror(errno));
		return -1;
	}
	if (pid == 0)
		child(argv, envp, in_fd, out_fd, err_fd, top);
	*pid_r = pid;
	return 0;
}

int spawn_start(char *const *argv, const char *input, size_t input_len, pid_t *pid_r,
		const char **error_r)
{
	int in_fd = memfd_with("council-input", input != NULL ? input : "", input_len, error_r);
	if (in_fd < 0)
		return -1;
	int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd < 0) {
		*error_r = util_error("cannot open /dev/null: %s", g_strerror(errno));
		close(in_fd);
		return -1;
	}
	int ret = start(argv, NULL, in_fd, null_fd, -1, pid_r, error_r);
	close(in_fd);
	close(null_fd);
	return ret;
}

/* Memory file FD as a NUL-terminated string, at most MAX bytes of it. */
static char *slurp(int fd, size_t max, size_t *len_r)
{
	GString *s = g_string_new(NULL);
	char buf[65536];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) == 0)
		while (s->len < max &&
		       ((n = read(fd, buf, MIN(sizeof(buf), max - s->len))) > 0 ||
			(n < 0 && errno == EINTR)))
			if (n > 0)
				g_string_append_len(s, buf, n);
	if (len_r != NULL)
		*len_r = s->len;
	return g_string_free(s, FALSE);
}

/* Wait for PID; with a DEADLINE (g_get_monotonic_time's clock; 0: none),
   past it kill it (SIGKILL) and reap it. *timed_out_r says which. */
static int wait_until(pid_t pid, gint64 deadline, int *status_r, bool *timed_out_r)
{
	int pidfd = deadline != 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	pid_t got;

	*timed_out_r = false;
	for (;;) {
		got = waitpid(pid, status_r, deadline != 0 ? WNOHANG : 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != 0)
			break;
		gint64 left = deadline - g_get_monotonic_time();
		if (left <= 0) {
			*timed_out_r = true;
			kill(pid, SIGKILL);
			do
				got = waitpid(pid, status_r, 0);
			while (got < 0 && errno == EINTR);
			break;
		}
		if (pidfd >= 0) {
			struct pollfd p = { .fd = pidfd, .events = POLLIN };

			poll(&p, 1, (int)MIN(left / 1000 + 1, 1000));
		} else {
			g_usleep((gulong)MIN(left, 10000));	/* a kernel without pidfds */
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return got == pid ? 0 : -1;
}

/* spawn_run and spawn_run_timed: DEADLINE 0 waits as long as it takes. */
static int run(char *const *argv, char *const *envp, const char *input, size_t input_len,
	       gint64 deadline, size_t max_out, size_t max_err, char **out_r, size_t *out_len_r,
	       char **err_r, int *status_r, bool *timed_out_r, const char **error_r)
{
	int in_fd = memfd_with("council-input", input != NULL ? input : "", input_len, error_r);
	int out_fd = in_fd >= 0 ? memfd_with("council-output", "", 0, error_r) : -1;
	int err_fd = out_fd >= 0 ? memfd_with("council-errors", "", 0, error_r) : -1;
	pid_t pid;
	int ret = -1;

	*timed_out_r = false;
	if (err_fd >= 0 && start(argv, envp, in_fd, out_fd, err_fd, &pid, error_r) == 0) {
		if (wait_until(pid, deadline, status_r, timed_out_r) < 0) {
			*error_r = util_error("cannot wait for %s: %s", argv[0],
					      g_strerror(errno));
		} else {
			*out_r = slurp(out_fd, max_out, out_len_r);
			*err_r = slurp(err_fd, max_err, NULL);
			ret = 0;
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);
	return ret;
}

int spawn_run(char *const *argv, const char *input, size_t input_len, char **out_r,
	      size_t *out_len_r, char **err_r, int *status_r, const char **error_r)
{
	bool timed_out;

	return run(argv, NULL, input, input_len, 0, G_MAXSIZE, G_MAXSIZE, out_r, out_len_r,
		   err_r, status_r, &timed_out, error_r);
}

int spawn_run_timed(char *const *argv, char *const *envp, const char *input, size_t input_len,
		    unsigned timeout_ms, size_t max_out, char **out_r, size_t *out_len_r,
		    char **err_r, int *status_r, bool *timed_out_r, const char **error_r)
{
	return run(argv, envp, input, input_len,
		   g_get_monotonic_time() + (gint64)MAX(timeout_ms, 1) * 1000, max_out,
		   SPAWN_ERRORS_MAX, out_r, out_len_r, err_r, status_r, timed_out_r, error_r);
}

char *spawn_status_text(int status)
{
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 127)
			return g_strdup("could not be run (exit status 127: missing, or not "
					"executable?)");
		return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
	}
	if (WIFSIGNALED(status))
		return g_strdup_printf("was killed by signal %d", WTERMSIG(status));
	return g_strdup_printf("ended with wait status %d", status);
}
