/*
 * council-review: the Clerk's command for the messages council-milter held
 * (SPEC 6): list them with their reasons and evidence, show one as its
 * recipients would see it, release it, or delete it with a note for its
 * author; and the daily digest. Every action is written to the journal with
 * who did it. See --help and council-review(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "review/review.h"
#include "notice/notice.h"
#include "parser/parser.h"

#define NOTE_MAX 2000

static const char usage_text[] =
"Usage:\n"
"  council-review [-c CONF] [-C POSTFIX_DIR] list [--json]\n"
"  council-review [-c CONF] [-C POSTFIX_DIR] show QUEUEID\n"
"  council-review [-c CONF] [-C POSTFIX_DIR] release QUEUEID [--note TEXT]\n"
"  council-review [-c CONF] [-C POSTFIX_DIR] delete QUEUEID --note TEXT\n"
"  council-review [-c CONF] [-C POSTFIX_DIR] digest [--always]\n"
"\n"
"The messages council-milter held for the Clerk wait in the mail server's hold\n"
"queue. council-review lists them with the reasons and the evidence, shows one\n"
"as its recipients would see it (with the notices added), releases it (it is\n"
"delivered), or deletes it (it is not; its author is told, with your note).\n"
"Each of these is recorded in the audit journal with who did it.\n"
"\n"
"  list             the held messages, oldest first: queue id, age, author,\n"
"                   recipients, subject, and the rules, clauses and evidence;\n"
"                   --json prints them as a JSON array\n"
"  show QUEUEID     the reasons, then the message as its recipients would see it\n"
"  release QUEUEID  deliver it; --note TEXT is kept in the journal\n"
"  delete QUEUEID --note TEXT\n"
"                   delete it; its author is sent your note and the reasons\n"
"  digest           send each council's review address a summary of what is\n"
"                   held; nothing is sent when nothing is held, unless --always\n"
"\n"
"  -c CONF          the configuration (default " COUNCIL_CONF_DEFAULT ")\n"
"  -C POSTFIX_DIR   a Postfix instance other than the default (passed to\n"
"                   postqueue, postcat and postsuper as -c POSTFIX_DIR)\n"
"  -h, --help       this help;  -V, --version  the version\n"
"\n"
"show, release and delete need root's power over the mail queue: a Clerk runs\n"
"them as \"sudo council-review ...\" (see council-review(8) for the sudo rule\n"
"that allows exactly this). Exit status: 0 done, 64 usage, 66 no such held\n"
"message, 69 a Postfix tool failed, 70 the journal cannot be read, 73 the\n"
"journal cannot be written, 75 done but a notice could not be sent, 77 not\n"
"allowed, 78 configuration error.\n";

struct review {
	const char *conf_path;
	const char *postfix_dir;	/* -C */
	struct conf *conf;
	const char *note;
	bool json, always;
	struct marker_key *key;	/* to mark notices; NULL when unreadable */
	bool key_tried;
	char *account;		/* the invoking account's name */
	const char *sudo_user;	/* SUDO_USER when run through sudo */
};

static int say(int status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int say(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("council-review: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* ---- the power to act ---------------------------------------------------- */

static void who(struct review *r)
{
	struct passwd *pw = getpwuid(getuid());

	r->account = pw != NULL ? g_strdup(pw->pw_name) : g_strdup_printf("uid %u", getuid());
	r->sudo_user = getuid() == 0 ? g_getenv("SUDO_USER") : NULL;
}

/* Through sudo, -c and -C would lend root's power to any file or Postfix
   instance the caller names: only the configured ones are allowed. */
static int check_sudo_options(const struct review *r, bool options_given)
{
	const char *uid = g_getenv("SUDO_UID");

	if (r->sudo_user == NULL || !options_given || (uid != NULL && strcmp(uid, "0") == 0))
		return 0;
	return say(REVIEW_EX_NOPERM, "-c and -C are not allowed through sudo (they would "
		   "use root's power on a file or mail system you choose); run it without "
		   "them, on the configured ones");
}

static int need_root(const char *command)
{
	if (geteuid() == 0)
		return 0;
	return say(REVIEW_EX_NOPERM, "\"%s\" needs root's power over the mail queue (reading "
		   "and releasing held messages), which your account does not have. Run it as: "
		   "sudo council-review %s ...  Your account needs the council-review sudo rule; "
		   "see council-review(8).", command, command);
}

/* ---- what is held -------------------------------------------------------- */

/* The hold queue's entries, and the held messages made of them. */
struct listing {
	GPtrArray *queue;	/* struct queue_entry * */
	GPtrArray *held;	/* struct review_held *, borrowing queue's entries */
};

static void listing_clear(struct listing *l)
{
	if (l->held != NULL)
		g_ptr_array_unref(l->held);
	if (l->queue != NULL)
		g_ptr_array_unref(l->queue);
	l->held = l->queue = NULL;
}

/* The held messages joined with the journal; NULL with *status_r set. */
static GPtrArray *held_messages(const struct review *r, GPtrArray **queue_r, int *status_r)
{
	GHashTable *index = NULL;
	const char *error = NULL;
	bool eacces;

	if (queue_list_held(r->postfix_dir, queue_r, &error) < 0) {
		*status_r = say(strstr(error, "ermission") != NULL ? REVIEW_EX_NOPERM :
				REVIEW_EX_UNAVAILABLE, "cannot list the hold queue: %s", error);
		return NULL;
	}
	if (review_journal_index(r->conf->daemon.journal, &index, &eacces, &error) < 0) {
		*status_r = eacces ?
			say(REVIEW_EX_NOPERM, "%s. Reading it needs membership of the group "
			    "council-review, or sudo; see council-review(8).", error) :
			say(REVIEW_EX_SOFTWARE, "%s", error);
		g_ptr_array_unref(*queue_r);
		*queue_r = NULL;
		return NULL;
	}
	GPtrArray *held = review_join(r->conf, *queue_r, index);
	g_hash_table_unref(index);
	/* Root can read what the journal does not say from the message itself. */
	for (guint i = 0; geteuid() == 0 && i < held->len; i++) {
		struct review_held *h = held->pdata[i];
		char *text;
		size_t len;
		if (h->record != NULL && h->council != NULL)
			continue;
		if (queue_read(r->postfix_dir, h->entry->queue_id, &text, &len, &error) < 0) {
			continue;
		}
		review_fill_from_message(h, r->conf, text, len);
		g_free(text);
	}
	return held;
}

static struct review_held *find_held(GPtrArray *held, const char *id)
{
	for (guint i = 0; i < held->len; i++) {
		struct review_held *h = held->pdata[i];
		if (strcmp(h->entry->queue_id, id) == 0)
			return h;
	}
	return NULL;
}

/* ---- journal and notices ------------------------------------------------- */

static int review_line(const struct review *r, const char *action, const struct review_held *h,
		       const char *notified, const char **error_r)
{
	struct journal *journal;

	if (journal_open(r->conf->daemon.journal, &journal, error_r) < 0)
		return -1;
	JsonBuilder *b = journal_line_begin("review");
	journal_add_string(b, "action", action);
	journal_add_string(b, "queue_id", h->entry->queue_id);
	journal_add_string(b, "message_id", h->letter.message_id);
	journal_add_string(b, "council", h->council != NULL ? h->council->name : NULL);
	journal_add_string(b, "author", h->letter.author);
	journal_add_string(b, "subject", h->letter.subject);
	journal_add_string(b, "by", r->sudo_user != NULL ? r->sudo_user : r->account);
	journal_add_string(b, "account", r->account);
	journal_add_string(b, "sudo_user", r->sudo_user);
	journal_add_string(b, "note", r->note);
	if (notified != NULL)
		journal_add_string(b, "notified", notified);
	char *text = journal_line_end(b);
	int ret = journal_append(journal, text, true, error_r);
	g_free(text);
	journal_close(&journal);
	return ret;
}

/* Open the journal for writing before acting, so that an action is never
   taken that cannot be recorded. */
static int journal_writable(const struct review *r)
{
	const char *path = r->conf->daemon.journal;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	int e = errno;
	return say(e == EACCES ? REVIEW_EX_NOPERM : REVIEW_EX_CANTCREAT, "cannot write to the "
		   "journal %s: %s; nothing was done, since it could not be recorded", path,
		   g_strerror(e));
}

static const struct marker_key *notice_key(struct review *r)
{
	const char *error = NULL;

	if (!r->key_tried &&
	    marker_key_load(r->conf->daemon.notice_key, false, &r->key, &error) < 0) {
		say(0, "warning: %s; the notice is sent unmarked, so council-milter checks it "
		    "like any other message", error);
	}
	r->key_tried = true;
	return r->key;
}

static int send_letter(const struct review *r, const char *rcpt, const char *letter)
{
	char **argv = spawn_sendmail_argv(r->conf->daemon.sendmail, rcpt);
	char *out = NULL, *err = NULL;
	const char *error = NULL;
	int status = 0;

	if (argv == NULL)
		return say(-1, "cannot send to \"%s\": not an address sendmail can be given "
			   "safely", rcpt);
	int ret = spawn_run(argv, letter, strlen(letter), &out, NULL, &err, &status, &error);
	if (ret < 0) {
		say(0, "the notice to %s was not sent: %s", rcpt, error);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *how = spawn_status_text(status);
		say(0, "the notice to %s was not sent: %s %s: %s", rcpt, argv[0], how,
		    g_strstrip(err));
		g_free(how);
		ret = -1;
	}
	g_strfreev(argv);
	g_free(out);
	g_free(err);
	return ret;
}

/* ---- the commands -------------------------------------------------------- */

static int cmd_list(struct review *r)
{
	struct listing l = { NULL, NULL };
	int status = 0;
	GPtrArray *held = l.held = held_messages(r, &l.queue, &status);
	time_t now = time(NULL);

	if (held == NULL)
		return status;
	if (r->json) {
		JsonBuilder *b = json_builder_new();
		json_builder_begin_array(b);
		for (guint i = 0; i < held->len; i++)
			review_json_held(b, held->pdata[i], now);
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
	listing_clear(&l);
	return 0;
}

/* The held message ID, or NULL with *status_r set. */
static struct review_held *one_held(const struct review *r, const char *id, struct listing *l,
				    int *status_r)
{
	l->held = held_messages(r, &l->queue, status_r);
	if (l->held == NULL)
		return NULL;
	struct review_held *h = find_held(l->held, id);
	if (h == NULL)
		*status_r = say(REVIEW_EX_NOINPUT, "%s is not in the hold queue (released or "
				"deleted already?); \"council-review list\" shows what is held", id);
	return h;
}

static int cmd_show(struct review *r, const char *id)
{
	struct listing l = { NULL, NULL };
	int status = 0;
	struct review_held *h = one_held(r, id, &l, &status);
	char *text = NULL;
	const char *error = NULL;
	size_t len;

	if (h == NULL)
		goto out;
	if (queue_read(r->postfix_dir, id, &text, &len, &error) < 0) {
		status = say(REVIEW_EX_UNAVAILABLE, "cannot read %s: %s", id, error);
		goto out;
	}
	review_print_held(stdout, h, time(NULL));
	if (h->hold_reason != NULL) {
		fputs("  Held:     ", stdout);
		review_print_safe(stdout, h->hold_reason, strlen(h->hold_reason));
		putchar('\n');
	}
	printf("\n---- The message as its recipients would see it ----\n");
	review_print_safe(stdout, text, len);
	printf("---- End of the message ----\n\n"
	       "To deliver it:  sudo council-review release %s\n"
	       "To return it:   sudo council-review delete %s --note \"how to send it "
	       "properly\"\n", id, id);
	if (review_line(r, "show", h, NULL, &error) < 0)
		say(0, "warning: %s", error);
out:
	g_free(text);
	listing_clear(&l);
	return status;
}

static int cmd_release(struct review *r, const char *id)
{
	struct listing l = { NULL, NULL };
	int status = journal_writable(r);
	struct review_held *h = status == 0 ? one_held(r, id, &l, &status) : NULL;
	const char *error = NULL;

	if (h == NULL)
		goto out;
	if (queue_release(r->postfix_dir, id, &error) < 0) {
		status = say(REVIEW_EX_UNAVAILABLE, "%s was not released: %s", id, error);
		goto out;
	}
	if (review_line(r, "release", h, NULL, &error) < 0)
		status = say(REVIEW_EX_CANTCREAT, "%s was released, but the journal could not "
			     "record it: %s", id, error);
	printf("Released %s: it is on its way to its recipients, with its notices.\n", id);
out:
	listing_clear(&l);
	return status;
}

static int cmd_delete(struct review *r, const char *id)
{
	struct listing l = { NULL, NULL };
	int status = journal_writable(r);
	struct review_held *h = status == 0 ? one_held(r, id, &l, &status) : NULL;
	const char *error = NULL;
	const char *author = NULL;

	if (h == NULL)
		goto out;
	if (h->council != NULL)
		author = letter_author_rcpt(r->conf, h->council, h->letter.author,
					    h->entry->sender);
	if (queue_delete(r->postfix_dir, id, &error) < 0) {
		status = say(REVIEW_EX_UNAVAILABLE, "%s was not deleted: %s", id, error);
		goto out;
	}
	if (author != NULL) {
		struct letter_from from = { r->conf, h->council, notice_key(r), time(NULL) };
		char *letter = letter_returned(&from, &h->letter, author, r->note);
		if (send_letter(r, author, letter) < 0) {
			status = REVIEW_EX_TEMPFAIL;
			author = NULL;
		}
		g_free(letter);
	}
	if (review_line(r, "delete", h, author, &error) < 0)
		status = say(REVIEW_EX_CANTCREAT, "%s was deleted, but the journal could not "
			     "record it: %s", id, error);
	if (author != NULL)
		printf("Deleted %s. Its author <%s> has been told, with your note.\n", id, author);
	else
		printf("Deleted %s. Its author could not be told (%s).\n", id,
		       status == REVIEW_EX_TEMPFAIL ? "the notice was not sent" :
		       "not a person of a council in the configuration");
out:
	listing_clear(&l);
	return status;
}

static int cmd_digest(struct review *r)
{
	struct listing l = { NULL, NULL };
	int status = 0;
	GPtrArray *held = l.held = held_messages(r, &l.queue, &status);
	size_t sent = 0, unassigned = 0;

	if (held == NULL)
		return status;
	for (size_t c = 0; c < r->conf->n_councils; c++) {
		const struct conf_council *council = &r->conf->councils[c];
		GArray *mine = g_array_new(FALSE, FALSE, sizeof(struct letter_held));
		for (guint i = 0; i < held->len; i++) {
			const struct review_held *h = held->pdata[i];
			if (h->council == council)
				g_array_append_val(mine, h->letter);
		}
		if (mine->len > 0 || r->always) {
			struct letter_from from = { r->conf, council, notice_key(r), time(NULL) };
			char *letter = letter_digest(&from, (struct letter_held *)mine->data,
						     mine->len);
			if (send_letter(r, council->review_to, letter) == 0) {
				printf("Sent %s (%s) the digest: %u held message%s.\n",
				       council->review_to, council->name, mine->len,
				       mine->len == 1 ? "" : "s");
				sent++;
			} else {
				status = REVIEW_EX_TEMPFAIL;
			}
			g_free(letter);
		}
		g_array_unref(mine);
	}
	for (guint i = 0; i < held->len; i++)
		unassigned += ((const struct review_held *)held->pdata[i])->council == NULL;
	if (unassigned > 0)
		say(0, "%zu held message(s) belong to no council in %s: see council-review list",
		    unassigned, r->conf_path);
	if (sent == 0 && status == 0)
		printf("Nothing is held for review: no digest sent.\n");
	listing_clear(&l);
	return status;
}

/* ---- main ---------------------------------------------------------------- */

static int usage_error(const char *what)
{
	say(0, "%s", what);
	fputs("Try 'council-review --help'.\n", stderr);
	return REVIEW_EX_USAGE;
}

/* The note: one text, control characters other than line breaks dropped. */
static int take_note(struct review *r, const char *note, char **kept_r)
{
	if (strlen(note) > NOTE_MAX)
		return usage_error("the note is too long (at most 2000 characters)");
	GString *s = g_string_new(NULL);
	char *valid = g_utf8_make_valid(note, -1);
	for (const char *p = valid; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x20 || *p == '\n')
			g_string_append_c(s, *p);
	g_free(valid);
	*kept_r = g_string_free(s, FALSE);
	r->note = *kept_r;
	return 0;
}

static int run(struct review *r, int argc, char **argv)
{
	static const struct option cmd_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "note", required_argument, NULL, 'n' },
		{ "always", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *command = argv[optind];
	char *note = NULL;
	int c, status = 0;

	/* The command's own options, anywhere after it ("delete ID --note X"):
	   getopt again from the command, which stands in for the program name
	   (optind 0 starts GNU getopt afresh, permuting). */
	argc -= optind;
	argv += optind;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", cmd_options, NULL)) != -1) {
		if (c == 'j' && strcmp(command, "list") == 0)
			r->json = true;
		else if (c == 'a' && strcmp(command, "digest") == 0)
			r->always = true;
		else if (c == 'n' && (strcmp(command, "release") == 0 ||
				      strcmp(command, "delete") == 0)) {
			g_free(note);
			if ((status = take_note(r, optarg, &note)) != 0)
				return status;
		} else {
			g_free(note);
			return usage_error("an option that command does not take");
		}
	}
	bool takes_id = strcmp(command, "show") == 0 || strcmp(command, "release") == 0 ||
		strcmp(command, "delete") == 0;
	const char *id = takes_id && optind < argc ? argv[optind++] : NULL;
	if (optind < argc || (takes_id && id == NULL)) {
		g_free(note);
		return usage_error(takes_id ? "give one queue id (council-review list shows them)" :
				   "unexpected argument");
	}
	if (id != NULL && !queue_id_valid(id)) {
		g_free(note);
		return usage_error("that is not a queue id (letters and digits, as "
				   "council-review list shows them)");
	}
	if (strcmp(command, "delete") == 0 && (r->note == NULL || *r->note == '\0')) {
		g_free(note);
		return usage_error("delete needs --note TEXT: its author is told why, and how "
				   "to send it properly");
	}
	if (strcmp(command, "list") == 0)
		status = cmd_list(r);
	else if (strcmp(command, "digest") == 0)
		status = cmd_digest(r);
	else if ((status = need_root(command)) != 0)
		;
	else if (strcmp(command, "show") == 0)
		status = cmd_show(r, id);
	else if (strcmp(command, "release") == 0)
		status = cmd_release(r, id);
	else
		status = cmd_delete(r, id);
	g_free(note);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
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
			r.postfix_dir = optarg;
			options_given = true;
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
		return usage_error("which command? list, show, release, delete or digest");
	static const char *const commands[] = { "list", "show", "release", "delete", "digest" };
	bool known = false;
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		known |= strcmp(argv[optind], commands[i]) == 0;
	if (!known)
		return usage_error("unknown command; the commands are list, show, release, "
				   "delete and digest");

	who(&r);
	int status = check_sudo_options(&r, options_given);
	if (status != 0) {
		g_free(r.account);
		return status;
	}
	struct conf_errors *errors = NULL;
	if (conf_load(r.conf_path, NULL, &r.conf, &errors) < 0) {
		for (size_t i = 0; i < errors->n_lines; i++)
			fprintf(stderr, "%s\n", errors->lines[i]);
		conf_errors_free(&errors);
		g_free(r.account);
		return say(REVIEW_EX_CONFIG, "%s has errors (council-milter -n -c %s checks it)",
			   r.conf_path, r.conf_path);
	}
	parser_init();
	status = run(&r, argc, argv);
	parser_shutdown();
	marker_key_free(&r.key);
	conf_unref(&r.conf);
	g_free(r.account);
	return status;
}
