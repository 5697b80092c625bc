/* Privileges: who the daemon runs as, and the drop from root (see privs.h). */
#include "milter/privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>

#include "milter/log.h"

static const char see_also[] = "see \"Privileges\" in council-milter(8)";

/* Running as a user who was not root at start: -u may only name that user. */
static int init_unprivileged(struct milter_privs *privs, const char *user_option,
			     const char *conf_user)
{
	struct passwd *pw = getpwuid(geteuid());

	privs->uid = geteuid();
	privs->gid = getegid();
	privs->user = pw != NULL ? g_strdup(pw->pw_name) :
				   g_strdup_printf("%lu", (unsigned long)privs->uid);
	if (user_option != NULL && strcmp(user_option, privs->user) != 0) {
		milter_log(LOG_ERR, "-u %s: only root can change to another user, and "
			   "council-milter was started as %s", user_option, privs->user);
		return -1;
	}
	if (user_option == NULL && conf_user != NULL && strcmp(conf_user, privs->user) != 0)
		milter_log(LOG_INFO, "started as %s, not as root: it runs as %s (the user "
			   "setting, \"%s\", is used when it is started as root)", privs->user,
			   privs->user, conf_user);
	return 0;
}

int milter_privs_init(struct milter_privs *privs, const char *user_option,
		      const char *conf_user)
{
	const char *name = user_option != NULL ? user_option : conf_user;
	struct passwd *pw;

	memset(privs, 0, sizeof(*privs));
	if (geteuid() != 0)
		return init_unprivileged(privs, user_option, conf_user);
	if (name == NULL || *name == '\0') {
		milter_log(LOG_ERR, "no user to run as: set \"user\" in the configuration (%s)",
			   see_also);
		return -1;
	}
	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL) {
		if (errno != 0 && errno != ENOENT && errno != ESRCH)
			milter_log(LOG_ERR, "cannot look up the user %s: %s", name,
				   strerror(errno));
		else
			milter_log(LOG_ERR, "the user %s does not exist: create it (the package's "
				   "sysusers.d file does: systemd-sysusers), or set \"user\" to the "
				   "account council-milter should run as (%s)", name, see_also);
		return -1;
	}
	if (pw->pw_uid == 0 && user_option == NULL) {
		milter_log(LOG_ERR, "user = \"%s\" would keep root privileges while reading "
			   "mail from anyone: set \"user\" to an unprivileged account (the default "
			   "is council-milter), or, if it really must run as root, start it "
			   "with -u %s (%s)", name, name, see_also);
		return -1;
	}
	privs->uid = pw->pw_uid;
	privs->gid = pw->pw_gid;
	privs->user = g_strdup(pw->pw_name);
	privs->as_root = pw->pw_uid == 0;
	privs->drop = !privs->as_root;
	if (privs->as_root)
		milter_log(LOG_WARNING, "running as root, as -u %s says: every message is read "
			   "with root privileges; an unprivileged user is safer", name);
	return 0;
}

void milter_privs_clear(struct milter_privs *privs)
{
	g_free(privs->user);
	memset(privs, 0, sizeof(*privs));
}

int milter_privs_enter_user(const struct milter_privs *privs)
{
	if (!privs->drop)
		return 0;
	if (setegid(privs->gid) < 0) {
		milter_log(LOG_ERR, "setegid(%lu) for user %s: %s", (unsigned long)privs->gid,
			   privs->user, strerror(errno));
		return -1;
	}
	if (seteuid(privs->uid) < 0) {
		milter_log(LOG_ERR, "seteuid(%lu) for user %s: %s", (unsigned long)privs->uid,
			   privs->user, strerror(errno));
		return -1;
	}
	return 0;
}

int milter_privs_leave_user(const struct milter_privs *privs)
{
	if (!privs->drop)
		return 0;
	if (seteuid(0) < 0 || setegid(0) < 0) {
		milter_log(LOG_ERR, "cannot return to root after creating the socket: %s",
			   strerror(errno));
		return -1;
	}
	return 0;
}

int milter_privs_socket_group(const char *path, const char *group)
{
	struct group *gr;

	if (group == NULL || *group == '\0')
		return 0;
	errno = 0;
	gr = getgrnam(group);
	if (gr == NULL) {
		milter_log(LOG_ERR, "socket_group \"%s\": %s", group,
			   errno != 0 && errno != ENOENT ? strerror(errno) : "no such group");
		return -1;
	}
	if (chown(path, (uid_t)-1, gr->gr_gid) < 0) {
		int err = errno;
		milter_log(LOG_ERR, "cannot give the socket %s to group %s: %s%s", path, group,
			   strerror(err), err == EPERM && geteuid() != 0 ?
			   " (only root, or a member of that group, can: start council-milter as "
			   "root)" : "");
		return -1;
	}
	return 0;
}

/* Empty the capability bounding set, so that not even a program run later
   (sendmail for notices) can be given a capability. Needs CAP_SETPCAP:
   started as root by hand it has it; under systemd the unit's
   CapabilityBoundingSet already leaves only what the start needs, and
   NoNewPrivileges covers programs run later. */
static void drop_bounding_set(void)
{
	for (unsigned long cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		/* EINVAL: past the kernel's last capability; EPERM: no CAP_SETPCAP */
		break;
	}
}

/* After setuid the permitted and effective sets are empty; the
   inheritable set is not (a container runtime may fill it): empty it too,
   then read all three back. */
static bool capabilities_cleared(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0 || syscall(SYS_capget, &hdr, data) < 0)
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(data); i++)
		if (data[i].effective != 0 || data[i].permitted != 0 || data[i].inheritable != 0)
			return false;
	return true;
}

/* After setuid: every id is the user's, and there is no way back. */
static int verify_dropped(const struct milter_privs *privs)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0) {
		milter_log(LOG_ERR, "cannot check the user after dropping root: %s",
			   strerror(errno));
		return -1;
	}
	if (ruid != privs->uid || euid != privs->uid || suid != privs->uid ||
	    rgid != privs->gid || egid != privs->gid || sgid != privs->gid) {
		milter_log(LOG_ERR, "after dropping root the ids are uid %lu/%lu/%lu gid "
			   "%lu/%lu/%lu, not %s's %lu/%lu", (unsigned long)ruid,
			   (unsigned long)euid, (unsigned long)suid, (unsigned long)rgid,
			   (unsigned long)egid, (unsigned long)sgid, privs->user,
			   (unsigned long)privs->uid, (unsigned long)privs->gid);
		return -1;
	}
	if (setuid(0) == 0 || seteuid(0) == 0 || (privs->gid != 0 && setgid(0) == 0)) {
		milter_log(LOG_ERR, "could become root again after dropping to %s: refusing "
			   "to run", privs->user);
		return -1;
	}
	if (!capabilities_cleared()) {
		milter_log(LOG_ERR, "still holds capabilities after dropping to %s: refusing "
			   "to run", privs->user);
		return -1;
	}
	return 0;
}

int milter_privs_drop(const struct milter_privs *privs)
{
	if (!privs->drop)
		return 0;
	if (setgid(privs->gid) < 0) {
		milter_log(LOG_ERR, "setgid(%lu) for user %s: %s", (unsigned long)privs->gid,
			   privs->user, strerror(errno));
		return -1;
	}
	if (initgroups(privs->user, privs->gid) < 0) {
		milter_log(LOG_ERR, "initgroups(%s): %s", privs->user, strerror(errno));
		return -1;
	}
	drop_bounding_set();
	if (setuid(privs->uid) < 0) {
		milter_log(LOG_ERR, "setuid(%lu) for user %s: %s", (unsigned long)privs->uid,
			   privs->user, strerror(errno));
		return -1;
	}
	if (verify_dropped(privs) < 0)
		return -1;
	milter_log(LOG_INFO, "running as user %s (uid %lu, gid %lu)", privs->user,
		   (unsigned long)privs->uid, (unsigned long)privs->gid);
	return 0;
}
