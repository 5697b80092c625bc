/*
 * council-milter: the mail filter daemon, its config check (-n) and the
 * offline judge (--judge). See --help.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "conf/conf.h"
#include "milter/milter.h"
#include "policy/policy.h"

static const char usage_text[] =
"Usage:\n"
"  council-milter [-f] [-c CONF] [-p SOCKET] [-u USER] [-P DIR]\n"
"  council-milter -n [-c CONF] [-P DIR]\n"
"  council-milter --judge MESSAGE.eml [-c CONF] --mail-from ADDR --rcpt ADDR\n"
"                 [--rcpt ADDR ...] [--auth LOGIN] [--date YYYY-MM-DD] [--json]\n"
"                 [--output OUT.eml]\n"
"\n"
"council-milter checks the mail of town and parish councils against their\n"
"Member/Officer Protocol as it passes through Postfix or Sendmail, and adds a\n"
"notice, holds the message for the Clerk, or refuses it, as the council's\n"
"configuration says.\n"
"\n"
"Running the filter:\n"
"  -c CONF        the configuration file (default " COUNCIL_CONF_DEFAULT ")\n"
"  -p SOCKET      where the mail server connects, overriding the configuration:\n"
"                 unix:/path/to/socket (the normal choice) or inet:PORT@HOST\n"
"  -u USER        the user to run as, overriding the configuration's user;\n"
"                 -u root keeps root privileges (refused in the configuration)\n"
"  -f             stay in the foreground and log to stderr (under systemd: to\n"
"                 the journal, with each line's level); without -f the filter\n"
"                 runs in the background and logs to syslog (facility mail,\n"
"                 or the configuration's log_facility).\n"
"                 Every line about a message starts with the mail server's\n"
"                 queue id\n"
"  -P, --phrase-dir DIR\n"
"                 read the phrase lists from DIR instead of the configured\n"
"                 phrase_dir (for running from a build tree)\n"
"  Started as root, the filter creates its socket, then runs as the user.\n"
"  Send SIGUSR1 (or SIGHUP) to reload the configuration: a configuration\n"
"  with errors is refused (the errors are logged) and the one in force\n"
"  stays. SIGTERM stops: new messages are told to try again later, and\n"
"  those being received are finished first (for at most 30 seconds).\n"
"\n"
"Checking a configuration:\n"
"  -n             check CONF, and what it names on this system as start-up\n"
"                 checks it (the user, sendmail, the journal's folder), and\n"
"                 exit: prints OK, or every error with its file and line\n"
"                 number (exit status 78)\n"
"\n"
"Asking what would happen to a message (nothing is sent or recorded):\n"
"  --judge MESSAGE.eml   the message, as a file (read no further than\n"
"                        limits.max_message_bytes, as the filter reads mail)\n"
"  --mail-from ADDR      the envelope sender (MAIL FROM)\n"
"  --rcpt ADDR           an envelope recipient (RCPT TO); repeat for each\n"
"  --auth LOGIN          the SMTP AUTH login it was sent with, if any\n"
"  --date YYYY-MM-DD     judge it as if sent on that day (at noon, local\n"
"                        time): for the pre-election period\n"
"  --json                print the result as JSON: action, council, rules,\n"
"                        headers, footers, reply, error\n"
"  --output OUT.eml      write the message as it would be delivered\n"
"  Exit status 0 when the message was judged; 65 when it is larger than\n"
"  limits.max_message_bytes (not judged: the verdict shown is on_error's, as\n"
"  the filter gives it); 75 when the filter could not judge it (the mail\n"
"  server would be told to try again later, with on_error = \"tempfail\").\n"
"\n"
"  -h, --help     this help\n"
"  -V, --version  the version\n"
"\n"
"The configuration is described in council-milter.conf(5).\n";

enum {
	OPT_JUDGE = 256,
	OPT_MAIL_FROM,
	OPT_RCPT,
	OPT_AUTH,
	OPT_DATE,
	OPT_JSON,
	OPT_OUTPUT,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "phrase-dir", required_argument, NULL, 'P' },
	{ "judge", required_argument, NULL, OPT_JUDGE },
	{ "mail-from", required_argument, NULL, OPT_MAIL_FROM },
	{ "rcpt", required_argument, NULL, OPT_RCPT },
	{ "auth", required_argument, NULL, OPT_AUTH },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ NULL, 0, NULL, 0 }
};

struct conf *milter_conf_load(const struct milter_options *opt)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;

	const char *error;

	if (conf_load(opt->conf_path, opt->phrase_dir, &conf, &errors) == 0) {
		/* What judging needs beyond the file (WordNet's lexicon): a
		   missing one is found now, by -n too, not at the first message. */
		if (policy_prepare(conf, &error) == 0)
			return conf;
		fprintf(stderr, "%s: %s\n", opt->conf_path, error);
		if (!opt->check_only)
			fprintf(stderr, "council-milter: not started\n");
		conf_unref(&conf);
		return NULL;
	}
	for (size_t i = 0; i < errors->n_lines; i++)
		fprintf(stderr, "%s\n", errors->lines[i]);
	if (!opt->check_only)
		fprintf(stderr, "council-milter: %s has %zu error(s); not started\n",
			opt->conf_path, errors->n_lines);
	conf_errors_free(&errors);
	return NULL;
}

/* Who the daemon would run as, for the system check: -u; else, started as
   root, the configured user; else the user it is (for -n: the configured
   user when it exists, as under systemd, which runs -n as that user). */
static const char *run_as(const struct milter_options *opt, const struct conf *conf,
			  bool starting, bool *root_ok_r)
{
	struct passwd *pw;

	*root_ok_r = opt->user != NULL;
	if (opt->user != NULL)
		return opt->user;
	if (geteuid() == 0)
		return conf->daemon.user;
	if (!starting && conf->daemon.user != NULL && getpwnam(conf->daemon.user) != NULL)
		return conf->daemon.user;
	pw = getpwuid(geteuid());
	return pw != NULL ? pw->pw_name : conf->daemon.user;
}

int milter_conf_check_system(const struct milter_options *opt, const struct conf *conf,
			     bool starting)
{
	struct conf_errors *errors = NULL;
	bool root_ok;
	char *user = g_strdup(run_as(opt, conf, starting, &root_ok));
	int ret = conf_check_system(conf, user, root_ok, &errors);

	g_free(user);
	if (ret == 0)
		return 0;
	for (size_t i = 0; i < errors->n_lines; i++)
		fprintf(stderr, "%s\n", errors->lines[i]);
	if (starting)
		fprintf(stderr, "council-milter: %s has %zu error(s) on this system; not started\n",
			opt->conf_path, errors->n_lines);
	conf_errors_free(&errors);
	return -1;
}

static int check_config(const struct milter_options *opt)
{
	struct conf *conf = milter_conf_load(opt);

	if (conf == NULL)
		return EXIT_CONFIG;
	if (milter_conf_check_system(opt, conf, false) < 0) {
		conf_unref(&conf);
		return EXIT_CONFIG;
	}
	printf("OK\n");
	conf_unref(&conf);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	struct milter_options opt = { .conf_path = COUNCIL_CONF_DEFAULT };
	GPtrArray *rcpts = g_ptr_array_new();
	int c, status;

	while ((c = getopt_long(argc, argv, "c:p:P:u:fnhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.conf_path = optarg;
			break;
		case 'p':
			opt.socket = optarg;
			break;
		case 'P':
			opt.phrase_dir = optarg;
			break;
		case 'u':
			opt.user = optarg;
			break;
		case 'f':
			opt.foreground = true;
			break;
		case 'n':
			opt.check_only = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			g_ptr_array_unref(rcpts);
			return EXIT_SUCCESS;
		case 'V':
			printf("council-milter %s\n", COUNCIL_VERSION);
			g_ptr_array_unref(rcpts);
			return EXIT_SUCCESS;
		case OPT_JUDGE:
			opt.judge_path = optarg;
			break;
		case OPT_MAIL_FROM:
			opt.mail_from = optarg;
			break;
		case OPT_RCPT:
			g_ptr_array_add(rcpts, optarg);
			break;
		case OPT_AUTH:
			opt.auth = optarg;
			break;
		case OPT_DATE:
			if ((opt.date = conf_day_time(optarg, 12, 0, 0)) == (time_t)-1) {
				fprintf(stderr, "council-milter: --date \"%s\" is not a day written "
					"YYYY-MM-DD between 1970 and 2100, for example 2027-04-20\n",
					optarg);
				g_ptr_array_unref(rcpts);
				return EXIT_USAGE;
			}
			break;
		case OPT_JSON:
			opt.json = true;
			break;
		case OPT_OUTPUT:
			opt.output_path = optarg;
			break;
		default:
			fputs("Try 'council-milter --help'.\n", stderr);
			g_ptr_array_unref(rcpts);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "council-milter: unexpected argument \"%s\"; try --help\n",
			argv[optind]);
		g_ptr_array_unref(rcpts);
		return EXIT_USAGE;
	}
	opt.rcpts = (const char **)rcpts->pdata;
	opt.n_rcpts = rcpts->len;

	if (opt.check_only)
		status = check_config(&opt);
	else if (opt.judge_path != NULL)
		status = milter_judge_run(&opt);
	else
		status = milter_daemon_run(&opt);
	g_ptr_array_unref(rcpts);
	return status;
}
