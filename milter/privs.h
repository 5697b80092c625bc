#ifndef COUNCIL_MILTER_PRIVS_H
#define COUNCIL_MILTER_PRIVS_H

/*
 * Privileges. Started as root, the daemon creates its socket as the user it
 * will run as (so that user owns the socket and can remove it at a clean
 * stop), hands the socket to socket_group while still root, then drops to
 * that user for good: setgid, initgroups, setuid (Postfix chroot_uid.c), and
 * checks it cannot get root or any capability back. Nothing that reads
 * mail, the journal or the thread store runs before the drop.
 *
 * It keeps root only when told so on the command line (-u root); "user =
 * root" in the configuration is refused. Started as another user it runs
 * as that user.
 *
 * Each function logs its own failure (with errno's text) and returns -1;
 * any failure is fatal to the daemon.
 */

#include <stdbool.h>
#include <sys/types.h>

struct milter_privs {
	bool drop;		/* started as root, running as USER once dropped */
	bool as_root;		/* started as root and staying root (-u root) */
	char *user;		/* the account run as */
	uid_t uid;
	gid_t gid;
};

/* Decide who to run as: USER_OPTION (-u, may be NULL) else CONF_USER. */
int milter_privs_init(struct milter_privs *privs, const char *user_option,
		      const char *conf_user);
void milter_privs_clear(struct milter_privs *privs);

/* Around creating the socket: the effective user and group become the
   target user's (nothing to do unless PRIVS->drop), and back to root. */
int milter_privs_enter_user(const struct milter_privs *privs);
int milter_privs_leave_user(const struct milter_privs *privs);

/* Give the unix socket PATH to group GROUP (NULL or "": leave it). */
int milter_privs_socket_group(const char *path, const char *group);

/* Drop to the target user for good and check that root is gone. */
int milter_privs_drop(const struct milter_privs *privs);

#endif
