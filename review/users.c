/*
 * council-review user add|passwd|del|list: the reviewers of the web page
 * (reviewers/reviewers.h), in the file the configuration names
 * (web.reviewers). Never through sudo: a Clerk allowed council-review as
 * root must not be able to make accounts, for their council or any other.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "review/review.h"
#include "reviewers/reviewers.h"

#define LINE_MAX_BYTES 4096

static int say(int status, const char *what, const char *detail)
{
	fprintf(stderr, "council-review: %s%s%s\n", what, detail != NULL ? ": " : "",
		detail != NULL ? detail : "");
	return status;
}

static int usage(const char *what)
{
	say(0, what, NULL);
	fputs("Try 'council-review --help'.\n", stderr);
	return REVIEW_EX_USAGE;
}

/* One line from F, without its line break; NULL at the end or too long. */
static char *read_line(FILE *f)
{
	char buf[LINE_MAX_BYTES];

	if (fgets(buf, sizeof(buf), f) == NULL)
		return NULL;
	size_t n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == sizeof(buf) - 1)
		return NULL;
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	char *line = g_strdup(buf);
	sodium_memzero(buf, sizeof(buf));
	return line;
}

/* The password, typed twice on the terminal without echo. */
static char *ask_password(const char **error_r)
{
	FILE *tty = fopen("/dev/tty", "r+e");
	struct termios old, quiet;
	char *first = NULL, *second = NULL;

	if (tty == NULL || tcgetattr(fileno(tty), &old) < 0) {
		*error_r = "there is no terminal to type the password on; give it on standard "
			   "input with --password-stdin";
		if (tty != NULL)
			fclose(tty);
		return NULL;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fputs("New password (at least 10 characters): ", tty);
	fflush(tty);
	first = read_line(tty);
	fputs("The same again: ", tty);
	fflush(tty);
	second = read_line(tty);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	if (first == NULL || second == NULL || strcmp(first, second) != 0) {
		*error_r = "the two passwords are not the same; nothing was changed";
		if (first != NULL)
			sodium_memzero(first, strlen(first));
		g_free(first);
		first = NULL;
	}
	if (second != NULL)
		sodium_memzero(second, strlen(second));
	g_free(second);
	return first;
}

static char *get_password(bool from_stdin, const char **error_r)
{
	if (!from_stdin)
		return ask_password(error_r);
	char *pw = read_line(stdin);
	if (pw == NULL)
		*error_r = "no password on standard input (one line, at most 4095 bytes)";
	return pw;
}

/* The group a new reviewers file gets: the web page's, so that it can read
   the file (and nobody else but root). */
static gid_t web_group(const struct conf *conf)
{
	struct passwd *pw = getpwnam(conf->daemon.web.user);

	if (pw != NULL)
		return pw->pw_gid;
	fprintf(stderr, "council-review: warning: the web page's user %s does not exist yet: "
		"the reviewers file is root's until you run \"chgrp %s %s\"\n",
		conf->daemon.web.user, conf->daemon.web.user, conf->daemon.web.reviewers);
	return 0;
}

static int list(const struct reviewers *rs)
{
	if (reviewers_count(rs) == 0) {
		printf("No reviewers yet: council-review user add NAME --council COUNCIL\n");
		return 0;
	}
	for (size_t i = 0; i < reviewers_count(rs); i++) {
		const struct reviewer *r = reviewers_nth(rs, i);
		char *councils = g_strjoinv("; ", r->councils);
		printf("%-24s %s\n", r->name, councils);
		g_free(councils);
	}
	return 0;
}

int review_users(struct conf *conf, int argc, char **argv)
{
	static const struct option options[] = {
		{ "council", required_argument, NULL, 'S' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	GPtrArray *councils = g_ptr_array_new();
	bool from_stdin = false;
	const char *error, *path = conf->daemon.web.reviewers;
	struct reviewers *rs = NULL;
	char *password = NULL;
	int c, status = 0;

	/* argv[0] is "user", argv[1] the sub-command (checked by the caller). */
	const char *sub = argv[1];
	argc -= 1;
	argv += 1;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'S' && strcmp(sub, "add") == 0) {
			const struct conf_council *cc = hold_find_council(conf, optarg);
			if (cc == NULL) {
				status = usage("--council: no such council in the configuration; "
					       "give its name or one of its domains");
				goto out;
			}
			g_ptr_array_add(councils, (gpointer)cc->name);
		} else if (c == 'p' && (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0)) {
			from_stdin = true;
		} else {
			status = usage("an option that command does not take");
			goto out;
		}
	}
	const char *name = optind < argc ? argv[optind++] : NULL;
	if (optind < argc || ((name == NULL) != (strcmp(sub, "list") == 0))) {
		status = usage(strcmp(sub, "list") == 0 ? "user list takes no name" :
			       "give one reviewer's name");
		goto out;
	}
	if (strcmp(sub, "add") == 0 && councils->len == 0) {
		status = usage("user add needs --council COUNCIL (once for each council the "
			       "reviewer reviews)");
		goto out;
	}
	if (reviewers_load(path, &rs, &error) < 0) {
		status = say(REVIEW_EX_CONFIG, error, NULL);
		goto out;
	}
	if (strcmp(sub, "list") == 0) {
		status = list(rs);
		goto out;
	}
	if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
		if (strcmp(sub, "passwd") == 0 && reviewers_find(rs, name) == NULL) {
			status = say(REVIEW_EX_NOINPUT, "there is no such reviewer", name);
			goto out;
		}
		if (strcmp(sub, "add") == 0 && !reviewers_name_valid(name)) {
			status = usage("a reviewer's name is 1 to 64 letters, digits, '.', '_', "
				       "'-', '@' or '+', and does not start with '-'");
			goto out;
		}
		if ((password = get_password(from_stdin, &error)) == NULL) {
			status = say(REVIEW_EX_USAGE, error, NULL);
			goto out;
		}
	}
	int ret;
	if (strcmp(sub, "add") == 0)
		ret = reviewers_add(rs, name, password, (const char *const *)councils->pdata,
				    councils->len, &error);
	else if (strcmp(sub, "passwd") == 0)
		ret = reviewers_set_password(rs, name, password, &error);
	else
		ret = reviewers_remove(rs, name, &error);
	if (ret < 0) {
		status = say(strcmp(sub, "del") == 0 ? REVIEW_EX_NOINPUT : REVIEW_EX_USAGE, error,
			     NULL);
		goto out;
	}
	if (reviewers_save(rs, path, web_group(conf), &error) < 0) {
		status = say(geteuid() != 0 ? REVIEW_EX_NOPERM : REVIEW_EX_CANTCREAT, error,
			     geteuid() != 0 ? "nothing was changed (run it as root)" :
			     "nothing was changed");
		goto out;
	}
	if (strcmp(sub, "add") == 0)
		printf("Added the reviewer %s (%s) to %s. They sign in to the web page with "
		       "that name and password.\n", name,
		       (const char *)(councils->len == 1 ? councils->pdata[0] : "several councils"),
		       path);
	else if (strcmp(sub, "passwd") == 0)
		printf("Changed %s's password; their sessions on the web page have ended.\n", name);
	else
		printf("Removed the reviewer %s; their sessions on the web page have ended.\n",
		       name);
out:
	if (password != NULL)
		sodium_memzero(password, strlen(password));
	g_free(password);
	reviewers_free(&rs);
	g_ptr_array_unref(councils);
	return status;
}
