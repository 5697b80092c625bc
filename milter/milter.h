#ifndef COUNCIL_MILTER_H
#define COUNCIL_MILTER_H

/* The council-milter program: options, and the three things it can do. */

#include <stdbool.h>
#include <stddef.h>

/* sysexits.h values, as Postfix and Sendmail tools use them. */
#define EXIT_USAGE 64		/* EX_USAGE */
#define EXIT_DATAERR 65		/* EX_DATAERR: over limits.max_message_bytes */
#define EXIT_NOINPUT 66		/* EX_NOINPUT */
#define EXIT_SOFTWARE 70	/* EX_SOFTWARE */
#define EXIT_OSERR 71		/* EX_OSERR */
#define EXIT_CANTCREAT 73	/* EX_CANTCREAT */
#define EXIT_TEMPFAIL 75	/* EX_TEMPFAIL */
#define EXIT_CONFIG 78		/* EX_CONFIG */

struct milter_options {
	const char *conf_path;
	const char *socket;		/* -p: overrides the config's socket */
	const char *phrase_dir;		/* -P: overrides the config's phrase_dir */
	const char *user;		/* -u: overrides the config's user */
	bool foreground;		/* -f */
	bool check_only;		/* -n */

	const char *judge_path;		/* --judge MESSAGE.eml */
	const char *mail_from;
	const char **rcpts;
	size_t n_rcpts;
	const char *auth;
	time_t date;			/* --date: noon that day; 0: now */
	bool json;
	const char *output_path;
};

/* Each returns the process exit status. */
int milter_daemon_run(const struct milter_options *opt);
int milter_judge_run(const struct milter_options *opt);

/* Load the config named in OPT, printing every error to stderr. Returns
   NULL on failure. */
struct conf *milter_conf_load(const struct milter_options *opt);
/* conf_check_system for the user the daemon runs as (-u, the configured
   user, or the user it is), each error on stderr: 0, or -1. -n and
   start-up (STARTING) both run it. */
int milter_conf_check_system(const struct milter_options *opt, const struct conf *conf,
			     bool starting);

#endif
