/*
 * council-review: the Clerk's command for the messages council-milter held
 * (SPEC 6): list them with their reasons and evidence, show one as its
 * recipients would see it, release it, or delete it with a note for its
 * author; and the daily digest. Every action is written to the journal with
 * who did it. See --help and council-review(8). The work is the hold
 * library's (hold/hold.h); this is its front end for the command line: the
 * caller's power is checked first, then the configuration is read.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "parser/parser.h"
#include "review/review.h"

#define NOTE_MAX 2000

static const char usage_text[] =
"Usage:\n"
"  council-review [-c CONF] [-C MTA_CONF] [--council NAME] list [--json]\n"
"  council-review [-c CONF] [-C MTA_CONF] [--council NAME] show QUEUEID\n"
"  council-review [-c CONF] [-C MTA_CONF] [--council NAME] release QUEUEID [--note TEXT]\n"
"                 [--verdict VERDICT]\n"
"  council-review [-c CONF] [-C MTA_CONF] [--council NAME] delete QUEUEID --note TEXT\n"
"                 [--verdict VERDICT]\n"
"  council-review [-c CONF] [-C MTA_CONF] [--council NAME] digest [--always]\n"
"  council-review [-c CONF] [-C MTA_CONF] [--council NAME] expire\n"
"  council-review [-c CONF] user add NAME --council NAME [--council NAME ...]\n"
"                 [--password-stdin]\n"
"  council-review [-c CONF] user passwd NAME [--password-stdin]\n"
"  council-review [-c CONF] user del NAME\n"
"  council-review [-c CONF] user list\n"
"  council-review [-c CONF] [--council NAME] report [--since DATE] [--until DATE]\n"
"                 [--csv | --json]\n"
"  council-review [-c CONF] verify [FILE ...]\n"
"  council-review [-c CONF] [--council NAME] export QUEUEID|MESSAGE-ID [--json]\n"
"\n"
"The messages council-milter held for the Clerk wait in the mail server's hold\n"
"queue (Postfix's, or Sendmail's quarantine: the configuration's mta says\n"
"which). council-review lists them with the reasons and the evidence, shows one\n"
"as its recipients would see it (with the notices added), releases it (it is\n"
"delivered), or deletes it (it is not; its author is told, with your note).\n"
"Each of these is recorded in the audit journal with who did it. It acts only\n"
"on what the journal records as held by council-milter.\n"
"\n"
"  list             the held messages, oldest first: queue id, age, author,\n"
"                   recipients, subject, and the rules, clauses and evidence;\n"
"                   --json prints them as a JSON array\n"
"  show QUEUEID     the reasons, then the message as its recipients would see it\n"
"  release QUEUEID  deliver it; --note TEXT is kept in the journal\n"
"  delete QUEUEID --note TEXT\n"
"                   delete it; its author is sent your note and the reasons\n"
"  --verdict VERDICT  with release or delete, your verdict on the hold, kept in\n"
"                   the journal: breach (a breach, held rightly), breach-allowed\n"
"                   (a breach, but allowed) or no-breach (the filter was wrong)\n"
"  digest           send each council's review address a summary of what is\n"
"                   held; nothing is sent when nothing is held, unless --always\n"
"  expire           return to its author (or release, as the council's\n"
"                   on_hold_expiry says) what was held longer than hold_expiry,\n"
"                   and remind review_to a day before; the hourly timer runs it\n"
"  user add NAME --council NAME\n"
"                   a reviewer of the web page (council-review-web) for one or\n"
"                   more councils (--council again for each); the password is\n"
"                   asked twice, or read from one line of standard input with\n"
"                   --password-stdin\n"
"  user passwd NAME a new password (their sessions end)\n"
"  user del NAME    remove the reviewer (their sessions end)\n"
"  user list        the reviewers and their councils\n"
"  report           from the journal, for a period (--since DATE and --until\n"
"                   DATE, YYYY-MM-DD, both days included; last month unless\n"
"                   given): messages by action, findings by rule and clause,\n"
"                   holds released, returned and expired, the median time to\n"
"                   review, the busiest senders of held mail, and each rule's\n"
"                   precision from the reviewers' verdicts; --csv or --json\n"
"                   for a spreadsheet or a script\n"
"  verify [FILE ...]\n"
"                   check the journal's chain of hashes (the journal and its\n"
"                   rotations, or the FILEs, oldest first) and name the first\n"
"                   line that breaks it: a line changed, removed or added\n"
"  export QUEUEID|MESSAGE-ID\n"
"                   every line of the journal about one message (decision,\n"
"                   review actions), with the hashes that verify them, for a\n"
"                   complaint file; --json for a program\n"
"\n"
"  -c CONF          the configuration (default " COUNCIL_CONF_DEFAULT ")\n"
"  -C MTA_CONF      a mail server configuration other than the default: a\n"
"                   Postfix instance's folder (passed to postqueue, postcat and\n"
"                   postsuper as -c MTA_CONF), or a Sendmail .cf file (passed\n"
"                   to sendmail as -C MTA_CONF)\n"
"  --council NAME   only what is held for this council (its name, or one of its\n"
"                   domains); a Clerk's sudo rule can pin it (council-review(8))\n"
"  -h, --help       this help;  -V, --version  the version\n"
"\n"
"show, release, delete and expire need root's power over the mail queue: a\n"
"Clerk runs them as \"sudo council-review ...\" (see council-review(8) for the\n"
"sudo rule that allows exactly this); user is for root, never through sudo.\n"
"Exit status: 0 done, 64 usage, 66 no such held\n"
"message, 69 a mail server tool failed, 70 the journal cannot be read, 73 the\n"
"journal cannot be written, 75 done but a notice could not be sent, 77 not\n"
"allowed, 78 configuration error, 65 the journal's chain is broken.\n";

struct review {
	const char *conf_path;
	const char *mta_conf;		/* -C: Postfix's -c DIR, Sendmail's -C FILE */
	const char *council;		/* --council: the scope, or NULL */
	const char *command;
	const char *id;			/* show, release, delete */
	char *note;			/* release, delete: --note, made safe */
	enum hold_verdict verdict;	/* release, delete: --verdict */
	bool json, always, csv;
	const char *since, *until;	/* report */
	char **files;			/* verify: the files given (argv's) */
	char *account;			/* the invoking account's name */
	const char *sudo_user;		/* SUDO_USER when run through sudo */
	struct conf *conf;
	struct hold *hold;
};

static int say(int status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int say(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	review_vsay(status, fmt, ap);
	va_end(ap);
	return status;
}

static int usage_error(const char *what)
{
	return review_usage_error(what);
}

/* ---- the power to act ---------------------------------------------------- */

static void who(struct review *r)
{
	struct passwd *pw = getpwuid(getuid());

	r->account = pw != NULL ? g_strdup(pw->pw_name) : g_strdup_printf("uid %u", getuid());
	r->sudo_user = getuid() == 0 ? g_getenv("SUDO_USER") : NULL;
}

/* Through sudo, -c and -C would lend root's power to any file or mail server
   instance the caller names: only the configured ones are allowed. */
static int check_sudo_options(const struct review *r, bool options_given)
{
	const char *uid = g_getenv("SUDO_UID");

	if (r->files != NULL && r->files[0] != NULL)
		options_given = true;	/* verify FILE: root reading a file you name */
	if (r->sudo_user == NULL || !options_given || (uid != NULL && strcmp(uid, "0") == 0))
		return 0;
	return say(REVIEW_EX_NOPERM, "-c, -C and verify's FILEs are not allowed through "
		   "sudo (they would use root's power on a file or mail system you choose); "
		   "run it without them, on the configured ones");
}

/* The reviewers of the web page are root's to manage: a Clerk's sudo rule
   for council-review must not make accounts (for any council). */
static int check_user_command(const struct review *r)
{
	const char *uid = g_getenv("SUDO_UID");

	if (strcmp(r->command, "user") != 0 || r->sudo_user == NULL ||
	    (uid != NULL && strcmp(uid, "0") == 0))
		return 0;
	return say(REVIEW_EX_NOPERM, "\"user\" is not allowed through sudo: the reviewers of "
		   "the web page are managed by root (a Clerk's sudo rule for council-review "
		   "does not let them make accounts)");
}

static int need_root(const char *command)
{
	static const char *const anyone[] = { "list", "digest", "report", "verify", "export",
					      "user" };

	for (size_t i = 0; i < G_N_ELEMENTS(anyone); i++)
		if (strcmp(command, anyone[i]) == 0)
			return 0;
	if (geteuid() == 0)
		return 0;
	return say(REVIEW_EX_NOPERM, "\"%s\" needs root's power over the mail queue (reading "
		   "and releasing held messages), which your account does not have. Run it as: "
		   "sudo council-review %s ...  Your account needs the council-review sudo rule; "
		   "see council-review(8).", command, command);
}

/* The library's failure as an exit status, with its words. */
static int failed(const struct review *r, const char *error)
{
	switch (hold_failure(r->hold)) {
	case HOLD_NOT_HELD:
		return say(REVIEW_EX_NOINPUT, "%s; \"council-review list\" shows what is held",
			   error);
	case HOLD_NOT_YOURS:
		return say(REVIEW_EX_NOPERM, "%s", error);
	case HOLD_DENIED:
		return say(REVIEW_EX_NOPERM, "%s", error);
	case HOLD_QUEUE_FAILED:
		return say(REVIEW_EX_UNAVAILABLE, "%s", error);
	case HOLD_JOURNAL_UNREADABLE:
		return say(REVIEW_EX_SOFTWARE, "%s", error);
	case HOLD_JOURNAL_UNWRITABLE:
		return say(REVIEW_EX_CANTCREAT, "%s", error);
	case HOLD_OK:
	default:
		return say(REVIEW_EX_SOFTWARE, "%s", error);
	}
}

/* What the library did besides, on stderr as warnings. */
static void report_warnings(const struct hold_report *report)
{
	if (report->unmarked != NULL)
		say(0, "warning: %s; the notice is sent unmarked, so council-milter checks it "
		    "like any other message", report->unmarked);
	if (report->warning != NULL)
		say(0, "warning: %s", report->warning);
}

/* ---- the commands -------------------------------------------------------- */

static int cmd_list(struct review *r)
{
	GPtrArray *held;
	const char *error;
	time_t now = time(NULL);
	size_t others;

	if (hold_list(r->hold, &held, &others, &error) < 0)
		return failed(r, error);
	if (r->json) {
		JsonBuilder *b = json_builder_new();
		json_builder_begin_array(b);
		for (guint i = 0; i < held->len; i++)
			hold_item_json(b, held->pdata[i], now);
		json_builder_end_array(b);
		char *text = journal_json_text(b, true);
		printf("%s\n", text);
		g_free(text);
	} else if (held->len == 0) {
		printf("Nothing is held for review.\n");
	} else {
		printf("%u message%s held for review, oldest first:\n\n", held->len,
		       held->len == 1 ? "" : "s");
		for (guint i = 0; i < held->len; i++) {
			review_print_held(stdout, held->pdata[i], now);
			putchar('\n');
		}
		printf("To see one: sudo council-review show QUEUEID; then release it, or "
		       "delete it --note \"...\"\n");
	}
	if (!r->json && others > 0)
		printf("(%zu other message%s in the hold queue %s not held by council-milter%s: "
		       "council-review leaves %s alone.)\n", others, others == 1 ? "" : "s",
		       others == 1 ? "was" : "were", r->council != NULL ? ", or for another council"
		       : "", others == 1 ? "it" : "them");
	g_ptr_array_unref(held);
	return 0;
}

static int cmd_show(struct review *r, const struct actor *actor)
{
	struct hold_item *item;
	struct hold_report report;
	const char *error;
	char *text;
	size_t len;

	if (hold_show(r->hold, r->id, actor, &item, &text, &len, &report, &error) < 0)
		return failed(r, error);
	review_print_held(stdout, item, time(NULL));
	if (item->hold_reason != NULL) {
		fputs("  Held:     ", stdout);
		review_print_safe(stdout, item->hold_reason, strlen(item->hold_reason));
		putchar('\n');
	}
	printf("\n---- The message as its recipients would see it ----\n");
	review_print_safe(stdout, text, len);
	printf("---- End of the message ----\n\n"
	       "To deliver it:  sudo council-review release %s\n"
	       "To return it:   sudo council-review delete %s --note \"how to send it "
	       "properly\"\n", r->id, r->id);
	report_warnings(&report);
	hold_item_free(item);
	g_free(text);
	return 0;
}

static int cmd_release(struct review *r, const struct actor *actor)
{
	struct hold_report report;
	const char *error;
	int status = 0;

	if (hold_release(r->hold, r->id, actor, r->note, r->verdict, &report, &error) < 0)
		status = failed(r, error);
	if (report.done)
		printf("Released %s: it is on its way to its recipients, with its notices.\n",
		       r->id);
	return status;
}

static int cmd_delete(struct review *r, const struct actor *actor)
{
	struct hold_report report;
	const char *error;
	int status = 0;

	if (hold_delete(r->hold, r->id, actor, r->note, r->verdict, &report, &error) < 0)
		status = failed(r, error);
	if (!report.done)
		return status;
	report_warnings(&report);
	if (report.notice_error != NULL) {
		say(0, "%s", report.notice_error);
		if (status == 0)
			status = REVIEW_EX_TEMPFAIL;
	}
	if (report.notified != NULL)
		printf("Deleted %s. Its author <%s> has been told, with your note.\n", r->id,
		       report.notified);
	else
		printf("Deleted %s. Its author could not be told (%s).\n", r->id,
		       report.notice_error != NULL ? "the notice was not sent" :
		       "not a person of a council in the configuration");
	return status;
}

static int cmd_digest(struct review *r)
{
	struct hold_digest *digests;
	struct hold_report report;
	size_t n, unassigned, sent = 0;
	const char *error;
	int status = 0;

	if (hold_digest(r->hold, r->always, &digests, &n, &unassigned, &report, &error) < 0)
		return failed(r, error);
	report_warnings(&report);
	for (size_t i = 0; i < n; i++) {
		const struct hold_digest *d = &digests[i];
		if (d->sent) {
			printf("Sent %s (%s) the digest: %zu held message%s.\n",
			       d->council->review_to, d->council->name, d->n_held,
			       d->n_held == 1 ? "" : "s");
			sent++;
		} else {
			say(0, "%s", d->notice_error);
			status = REVIEW_EX_TEMPFAIL;
		}
	}
	if (unassigned > 0)
		say(0, "%zu held message(s) belong to no council in %s: see council-review list",
		    unassigned, r->conf_path);
	if (sent == 0 && status == 0)
		printf("Nothing is held for review: no digest sent.\n");
	g_free(digests);
	return status;
}

static const char *const expiry_words[] = {
	[HOLD_EXPIRY_REMINDED] = "reminded",
	[HOLD_EXPIRY_RETURNED] = "returned to its author",
	[HOLD_EXPIRY_RELEASED] = "released",
};

static int cmd_expire(struct review *r)
{
	struct hold_expiry *done;
	struct hold_report report;
	const char *error;
	size_t n;
	int status = 0;

	if (r->conf->daemon.hold_expiry_days == 0) {
		printf("hold_expiry is 0: held mail waits until somebody acts.\n");
		return 0;
	}
	if (hold_expire(r->hold, time(NULL), &done, &n, &report, &error) < 0)
		return failed(r, error);
	report_warnings(&report);
	for (size_t i = 0; i < n; i++) {
		const struct hold_expiry *e = &done[i];
		const char *id = e->item->entry->queue_id;
		const char *council = e->item->council->name;

		if (!e->done) {
			say(0, "%s (%s) was not %s: %s", id, council, expiry_words[e->action],
			    e->error);
			status = e->action == HOLD_EXPIRY_REMINDED ? REVIEW_EX_TEMPFAIL :
				REVIEW_EX_UNAVAILABLE;
			continue;
		}
		if (e->action == HOLD_EXPIRY_REMINDED)
			printf("Reminded %s: %s (%s) expires within a day.\n",
			       e->item->council->review_to, id, council);
		else if (e->action == HOLD_EXPIRY_RELEASED)
			printf("Released %s (%s): nobody reviewed it within %u days.\n", id,
			       council, r->conf->daemon.hold_expiry_days);
		else
			printf("Returned %s (%s) to its author%s%s%s: nobody reviewed it within "
			       "%u days.\n", id, council, e->notified != NULL ? " <" : "",
			       e->notified != NULL ? e->notified : " (who could not be told)",
			       e->notified != NULL ? ">" : "", r->conf->daemon.hold_expiry_days);
		if (e->error != NULL) {
			say(0, "%s", e->error);
			if (status == 0)
				status = REVIEW_EX_TEMPFAIL;
		}
	}
	if (n == 0)
		printf("Nothing held is due to expire or to be reminded of.\n");
	g_free(done);
	return status;
}

/* ---- the command line ---------------------------------------------------- */

/* The note: one text, control characters other than line breaks dropped. */
static int take_note(struct review *r, const char *note)
{
	if (strlen(note) > NOTE_MAX)
		return usage_error("the note is too long (at most 2000 characters)");
	GString *s = g_string_new(NULL);
	char *valid = g_utf8_make_valid(note, -1);
	for (const char *p = valid; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x20 || *p == '\n')
			g_string_append_c(s, *p);
	g_free(valid);
	g_free(r->note);
	r->note = g_string_free(s, FALSE);
	return 0;
}

/* The command and its own options, anywhere after it ("delete ID --note
   X"): getopt again from the command, which stands in for the program name
   (optind 0 starts GNU getopt afresh, permuting). */
static int parse_command(struct review *r, int argc, char **argv)
{
	static const struct option cmd_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "note", required_argument, NULL, 'n' },
		{ "always", no_argument, NULL, 'a' },
		{ "csv", no_argument, NULL, 'V' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "verdict", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const char *command = r->command = argv[optind];
	bool report = strcmp(command, "report") == 0;
	int c, status;

	if (strcmp(command, "user") == 0) {
		static const char *const subs[] = { "add", "passwd", "del", "list" };
		for (size_t i = 0; optind + 1 < argc && i < G_N_ELEMENTS(subs); i++)
			if (strcmp(argv[optind + 1], subs[i]) == 0)
				return 0;	/* its options are users.c's */
		return usage_error("user what? add, passwd, del or list");
	}

	argc -= optind;
	argv += optind;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", cmd_options, NULL)) != -1) {
		if (c == 'j' && (strcmp(command, "list") == 0 || report ||
				 strcmp(command, "export") == 0))
			r->json = true;
		else if (c == 'V' && report)
			r->csv = true;
		else if (c == 's' && report)
			r->since = optarg;
		else if (c == 'u' && report)
			r->until = optarg;
		else if (c == 'a' && strcmp(command, "digest") == 0)
			r->always = true;
		else if (c == 'n' && (strcmp(command, "release") == 0 ||
				      strcmp(command, "delete") == 0)) {
			if ((status = take_note(r, optarg)) != 0)
				return status;
		} else if (c == 'v' && (strcmp(command, "release") == 0 ||
				      strcmp(command, "delete") == 0)) {
			if (hold_verdict_parse(optarg, &r->verdict) < 0)
				return usage_error("--verdict is breach (a breach, held rightly), "
						   "breach-allowed (a breach, but allowed) or "
						   "no-breach (no breach: the filter was wrong)");
		} else {
			return usage_error("an option that command does not take");
		}
	}
	if (r->csv && r->json)
		return usage_error("give --csv or --json, not both");
	if (strcmp(command, "verify") == 0) {
		r->files = argv + optind;	/* the rest: the files */
		optind = argc;
	}
	if (strcmp(command, "export") == 0) {
		/* A queue id or a Message-ID: any text, searched for as it is. */
		if (optind + 1 != argc || argv[optind][0] == '\0' || strlen(argv[optind]) > 998)
			return usage_error("export takes one queue id or Message-ID");
		r->id = argv[optind++];
		return 0;
	}
	bool takes_id = strcmp(command, "show") == 0 || strcmp(command, "release") == 0 ||
		strcmp(command, "delete") == 0;
	r->id = takes_id && optind < argc ? argv[optind++] : NULL;
	if (optind < argc || (takes_id && r->id == NULL))
		return usage_error(takes_id ? "give one queue id (council-review list shows them)" :
				   "unexpected argument");
	if (r->id != NULL && !hold_id_valid(r->id))
		return usage_error("that is not a queue id (letters and digits, as "
				   "council-review list shows them)");
	if (strcmp(command, "delete") == 0 && (r->note == NULL || *r->note == '\0'))
		return usage_error("delete needs --note TEXT: its author is told why, and how "
				   "to send it properly");
	return 0;
}

static int run(struct review *r, int argc, char **argv)
{
	struct actor actor = { r->sudo_user != NULL ? r->sudo_user : r->account,
			       r->sudo_user != NULL ? "sudo" : "council-review" };
	struct conf_errors *errors = NULL;
	int status;

	if (conf_load(r->conf_path, NULL, &r->conf, &errors) < 0) {
		for (size_t i = 0; i < errors->n_lines; i++)
			fprintf(stderr, "%s\n", errors->lines[i]);
		conf_errors_free(&errors);
		return say(REVIEW_EX_CONFIG, "%s has errors (council-milter -n -c %s checks it)",
			   r->conf_path, r->conf_path);
	}
	if (strcmp(r->command, "user") == 0) {
		status = r->council != NULL ?
			usage_error("--council before \"user\" is not allowed: give it after "
				    "\"user add NAME\"") :
			review_users(r->conf, argc - optind, argv + optind);
		conf_unref(&r->conf);
		return status;
	}
	const struct conf_council *scope = hold_find_council(r->conf, r->council);
	if (r->council != NULL && scope == NULL) {
		conf_unref(&r->conf);
		return usage_error("--council: no such council in the configuration; give its "
				   "name or one of its domains");
	}
	/* The journal's own commands: no queue, no notices. */
	struct review_journal journal = { r->conf->daemon.journal,
					  scope != NULL ? scope->name : NULL };
	if (strcmp(r->command, "report") == 0 || strcmp(r->command, "verify") == 0 ||
	    strcmp(r->command, "export") == 0) {
		if (strcmp(r->command, "report") == 0)
			status = review_report(&journal, r->since, r->until, r->csv ? REVIEW_CSV :
					       r->json ? REVIEW_JSON : REVIEW_TEXT);
		else if (strcmp(r->command, "verify") == 0)
			status = review_verify(&journal, (const char *const *)r->files,
					       g_strv_length(r->files));
		else
			status = review_export(&journal, r->id, r->json);
		conf_unref(&r->conf);
		return status;
	}
	parser_init();
	r->hold = hold_new(r->conf, hold_queue_new(r->conf, r->mta_conf));
	hold_set_scope(r->hold, scope);
	if (strcmp(r->command, "list") == 0)
		status = cmd_list(r);
	else if (strcmp(r->command, "digest") == 0)
		status = cmd_digest(r);
	else if (strcmp(r->command, "expire") == 0)
		status = cmd_expire(r);
	else if (strcmp(r->command, "show") == 0)
		status = cmd_show(r, &actor);
	else if (strcmp(r->command, "release") == 0)
		status = cmd_release(r, &actor);
	else
		status = cmd_delete(r, &actor);
	hold_free(&r->hold);
	parser_shutdown();
	conf_unref(&r->conf);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "council", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct review r = { .conf_path = COUNCIL_CONF_DEFAULT };
	bool options_given = false;
	int c;

	while ((c = getopt_long(argc, argv, "+c:C:hV", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			r.conf_path = optarg;
			options_given = true;
			break;
		case 'C':
			r.mta_conf = optarg;
			options_given = true;
			break;
		case 'S':
			/* Once: a sudo rule pins the first, and a second must not
			   widen it. */
			if (r.council != NULL)
				return usage_error("--council may be given once");
			r.council = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("council-review %s\n", COUNCIL_VERSION);
			return 0;
		default:
			fputs("Try 'council-review --help'.\n", stderr);
			return REVIEW_EX_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("which command? list, show, release, delete, digest, expire, "
				   "user, report, verify or export");
	static const char *const commands[] = { "list", "show", "release", "delete", "digest",
						"expire", "user", "report", "verify", "export" };
	bool known = false;
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		known |= strcmp(argv[optind], commands[i]) == 0;
	if (!known)
		return usage_error("unknown command; the commands are list, show, release, "
				   "delete, digest, expire, user, report, verify and export");

	/* Usage, then the caller's power, and only then the configuration: a
	   command refused for want of power says so whatever the configuration
	   (and wherever it is). */
	who(&r);
	int status = parse_command(&r, argc, argv);
	if (status == 0)
		status = check_sudo_options(&r, options_given);
	if (status == 0)
		status = check_user_command(&r);
	if (status == 0)
		status = need_root(r.command);
	if (status == 0)
		status = run(&r, argc, argv);
	g_free(r.note);
	g_free(r.account);
	return status;
}
