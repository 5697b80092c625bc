/*
 * What a loaded configuration names on this system, checked as start-up
 * needs it (conf_check_system): the user the daemon runs as, the program
 * that sends notices, and the journal. -n and start-up both run it, so that
 * -n says OK only for what the daemon will accept.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf_private.h"

#define GROUPS_MAX 256

static const char see_privileges[] = "see \"Privileges\" in council-milter(8)";

/* Who the check is for, and how to ask what they may do. */
struct account {
	const char *name;
	uid_t uid;
	gid_t groups[GROUPS_MAX];
	int n_groups;
	bool is_us;		/* the process's own effective user: ask the kernel */
};

static void place_error(struct conf_error_list *errors, const struct conf *conf,
			const char *key, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* An error about KEY at the line it was set on (the file alone when the
   default is in force). */
static void place_error(struct conf_error_list *errors, const struct conf *conf,
			const char *key, const char *fmt, ...)
{
	const struct conf_place *at = conf_place_of(conf, key);
	va_list args;
	char *msg;

	va_start(args, fmt);
	msg = g_strdup_vprintf(fmt, args);
	va_end(args);
	conf_error_add(errors, at->file, at->line, key, "%s", msg);
	g_free(msg);
}

/* May ACCOUNT do WHAT (R_OK, W_OK, X_OK bits) to PATH? For another user
   than ours, from the mode bits (owner, then groups, then others); ACLs
   are not read. */
static bool may(const struct account *a, const char *path, const struct stat *st, int what)
{
	mode_t bits = 0;

	if (a->is_us)
		return faccessat(AT_FDCWD, path, what, AT_EACCESS) == 0;
	if (a->uid == 0)	/* root: anything but running a file nobody may run */
		return (what & X_OK) == 0 || (st->st_mode & 0111) != 0 || S_ISDIR(st->st_mode);
	if (st->st_uid == a->uid) {
		bits = (st->st_mode >> 6) & 7;
	} else {
		bool member = false;

		for (int i = 0; i < a->n_groups && !member; i++)
			member = a->groups[i] == st->st_gid;
		bits = member ? (st->st_mode >> 3) & 7 : st->st_mode & 7;
	}
	return (((what & R_OK) == 0 || (bits & 4)) && ((what & W_OK) == 0 || (bits & 2)) &&
		((what & X_OK) == 0 || (bits & 1)));
}

static bool account_get(const char *name, struct account *a)
{
	struct passwd *pw;

	memset(a, 0, sizeof(*a));
	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL)
		return false;
	a->name = name;
	a->uid = pw->pw_uid;
	a->n_groups = GROUPS_MAX;
	if (getgrouplist(pw->pw_name, pw->pw_gid, a->groups, &a->n_groups) < 0)
		a->n_groups = GROUPS_MAX;	/* the first GROUPS_MAX: enough to judge by */
	a->is_us = pw->pw_uid == geteuid() && pw->pw_gid == getegid();
	return true;
}

static void check_user(const struct conf *conf, const char *run_as, bool root_ok,
		       struct account *a, bool *known_r, struct conf_error_list *errors)
{
	*known_r = account_get(run_as, a);
	if (!*known_r) {
		if (errno != 0 && errno != ENOENT && errno != ESRCH && errno != EBADF &&
		    errno != EPERM)
			place_error(errors, conf, "user", "cannot look up the user \"%s\": %s",
				    run_as, g_strerror(errno));
		else
			place_error(errors, conf, "user", "the user \"%s\" does not exist: "
				    "create it (the package's sysusers.d file does: "
				    "systemd-sysusers), or set user to the account council-milter "
				    "should run as (%s)", run_as, see_privileges);
		return;
	}
	if (a->uid == 0 && !root_ok)
		place_error(errors, conf, "user", "\"%s\" would keep root privileges while "
			    "reading mail from anyone: set user to an unprivileged account (the "
			    "default is council-milter), or, if it really must run as root, start "
			    "it with -u %s (%s)", run_as, run_as, see_privileges);
}

static void check_sendmail(const struct conf *conf, const struct account *a, bool known,
			   struct conf_error_list *errors)
{
	const char *path = conf->daemon.sendmail;
	struct stat st;

	if (path == NULL)
		return;
	if (stat(path, &st) < 0) {
		place_error(errors, conf, "sendmail", "\"%s\" cannot be used: %s; council-milter "
			    "runs it to send hold notices (Postfix's is /usr/sbin/sendmail)",
			    path, g_strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		place_error(errors, conf, "sendmail", "\"%s\" is not a program (a regular "
			    "file); council-milter runs it to send hold notices", path);
	} else if (known && !may(a, path, &st, X_OK)) {
		place_error(errors, conf, "sendmail", "\"%s\" is not executable by the user %s, "
			    "who runs it to send hold notices", path, a->name);
	}
}

static void check_reader(const struct conf *conf, const struct account *a, bool known,
			 struct conf_error_list *errors)
{
	const char *path = conf->daemon.document_reader;
	struct stat st;

	if (path == NULL)
		return;
	if (stat(path, &st) < 0) {
		place_error(errors, conf, "document_reader", "\"%s\" cannot be used: %s; "
			    "council-milter runs it to read the documents attached to mail "
			    "(the package installs it in /usr/libexec/council-milter)", path,
			    g_strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		place_error(errors, conf, "document_reader", "\"%s\" is not a program (a "
			    "regular file); council-milter runs it to read attached documents",
			    path);
	} else if (known && !may(a, path, &st, X_OK)) {
		place_error(errors, conf, "document_reader", "\"%s\" is not executable by the "
			    "user %s, who runs it to read attached documents", path, a->name);
	}
}

static void check_journal(const struct conf *conf, const struct account *a, bool known,
			  struct conf_error_list *errors)
{
	const char *path = conf->daemon.journal;
	char *dir;
	struct stat st;

	if (path == NULL)
		return;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			place_error(errors, conf, "journal", "\"%s\" is not a regular file: the "
				    "audit journal must be a file council-milter appends to",
				    path);
		else if (known && !may(a, path, &st, W_OK))
			place_error(errors, conf, "journal", "\"%s\" is not writable by the user "
				    "%s, who appends every decision to it", path, a->name);
		return;
	}
	if (errno != ENOENT) {
		place_error(errors, conf, "journal", "\"%s\" cannot be used: %s", path,
			    g_strerror(errno));
		return;
	}
	dir = g_path_get_dirname(path);
	if (stat(dir, &st) < 0)
		place_error(errors, conf, "journal", "the folder %s of the journal \"%s\" cannot "
			    "be used: %s; create it for the user council-milter runs as%s%s (the "
			    "package's tmpfiles.d file creates /var/lib/council-milter)", dir, path,
			    g_strerror(errno), known ? ", " : "", known ? a->name : "");
	else if (!S_ISDIR(st.st_mode))
		place_error(errors, conf, "journal", "%s, the folder of the journal \"%s\", is "
			    "not a folder", dir, path);
	else if (known && !may(a, dir, &st, W_OK | X_OK))
		place_error(errors, conf, "journal", "the user %s cannot create the journal "
			    "\"%s\": the folder %s is not writable by it", a->name, path, dir);
	g_free(dir);
}

int conf_check_system(const struct conf *conf, const char *run_as, bool root_ok,
		      struct conf_errors **errors_r)
{
	struct conf_error_list errors;
	struct account a;
	bool known = false;

	conf_error_list_init(&errors);
	if (run_as == NULL)
		run_as = conf->daemon.user;
	if (run_as != NULL)
		check_user(conf, run_as, root_ok, &a, &known, &errors);
	else
		memset(&a, 0, sizeof(a));
	check_sendmail(conf, &a, known, &errors);
	check_reader(conf, &a, known, &errors);
	check_journal(conf, &a, known, &errors);
	*errors_r = conf_error_list_finish(&errors);
	return *errors_r == NULL ? 0 : -1;
}
