/*
 * The Sendmail backend of hold.h: Sendmail's quarantine. When council-milter
 * holds a message (smfi_quarantine), Sendmail keeps it in its queue as an
 * "hf" file (envelope and headers, the reason on its "q" line) beside its
 * "df" file (the body) and delivers nothing until it is released. Listing
 * and releasing go through Sendmail's own program, run with spawn (fixed
 * argv, no shell, empty environment): "-bp -qQ" is mailq -qQ, "-qQ -qI<id>
 * -Q" releases. Sendmail has no command that shows a message or deletes
 * one, so those read and remove the queue files (under Sendmail's lock).
 * Every action first lists the quarantine afresh: the queue folder of a
 * message is the one mailq names, and an id must be there exactly.
 */
#include "hold/hold-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

struct sendmail_queue {
	struct hold_queue q;	/* first: the backend's functions */
	char *sendmail;		/* Sendmail's sendmail program */
	char *cf;		/* -C FILE, or NULL */
};

/* One message mailq -qQ lists: its id and its queue folder. */
struct quarantined {
	char *id;
	char *dir;
};

static void quarantined_free(struct quarantined *m)
{
	g_free(m->id);
	g_free(m->dir);
	g_free(m);
}

/* Sendmail's words when it refuses us: mailq for a user its PrivacyOptions
   keep out ("You are not permitted to see the queue"), a queue folder or
   file we may not read. */
static bool refused(const char *said)
{
	return strstr(said, "not permitted") != NULL || strstr(said, "Permission denied") != NULL;
}

/* SENDMAIL [-C CF] ARGS...; its stdout in *OUT_R (when not NULL). */
static int run(const struct sendmail_queue *sq, const char *const *args, char **out_r,
	       bool *denied_r, const char **error_r)
{
	GPtrArray *argv = g_ptr_array_new();

	g_ptr_array_add(argv, sq->sendmail);
	if (sq->cf != NULL) {
		g_ptr_array_add(argv, (char *)"-C");
		g_ptr_array_add(argv, sq->cf);
	}
	for (; *args != NULL; args++)
		g_ptr_array_add(argv, (char *)*args);
	g_ptr_array_add(argv, NULL);
	int ret = hold_run_tool((char *const *)argv->pdata, out_r, NULL, NULL, refused, denied_r,
				error_r);
	g_ptr_array_free(argv, TRUE);
	return ret;
}

/* ---- mailq -qQ ------------------------------------------------------------ */

/* The queue folder a mailq heading names ("\t\t/var/spool/mqueue (2
   requests)", "/var/spool/mqueue is empty"); NULL for any other line. */
static char *heading_dir(const char *line)
{
	const char *p = line + strspn(line, " \t");
	const char *end;

	if (*p != '/')
		return NULL;
	if ((end = strstr(p, " (")) == NULL && (end = strstr(p, " is empty")) == NULL)
		end = p + strlen(p);
	return g_strndup(p, end - p);
}

/* The id a mailq entry starts with: the id, perhaps one mark ('*' while
   Sendmail works on it, '-' or 'X' when it would not run it now), blanks,
   then the size; NULL for any other line ("Mail queue is empty", the
   column headings, a sender's or recipient's line). */
static char *entry_id(const char *line)
{
	size_t n = 0;

	while (g_ascii_isalnum(line[n]))
		n++;
	size_t after = n + (line[n] == '*' || line[n] == '-' || line[n] == 'X');
	size_t blanks = strspn(line + after, " \t");
	if (n == 0 || blanks == 0 || !g_ascii_isdigit(line[after + blanks]))
		return NULL;
	char *id = g_strndup(line, n);
	if (hold_id_valid(id))
		return id;
	g_free(id);
	return NULL;
}

/* What mailq -qQ lists now (struct quarantined *, the array frees them). */
static int quarantine(const struct sendmail_queue *sq, GPtrArray **found_r, bool *denied_r,
		      const char **error_r)
{
	static const char *const args[] = { "-bp", "-qQ", NULL };
	char *out = NULL, *dir = NULL;

	if (run(sq, args, &out, denied_r, error_r) < 0)
		return -1;
	GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify)quarantined_free);
	char **lines = g_strsplit(out, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		char *heading = heading_dir(*l), *id;
		if (heading != NULL) {
			g_free(dir);
			dir = heading;
		} else if (dir != NULL && (id = entry_id(*l)) != NULL) {
			struct quarantined *m = g_new0(struct quarantined, 1);
			m->id = id;
			m->dir = g_strdup(dir);
			g_ptr_array_add(found, m);
		}
	}
	g_strfreev(lines);
	g_free(dir);
	g_free(out);
	*found_r = found;
	return 0;
}

/* The queue folder (g_free) of the quarantined message ID, from a fresh
   listing. Fails unless exactly ID is there and no other quarantined id
   contains it: Sendmail's -qI matches any id that contains its text. */
static int folder_of(const struct sendmail_queue *sq, const char *id, char **dir_r,
		     const char **error_r)
{
	GPtrArray *found;
	const char *dir = NULL, *other = NULL;

	if (quarantine(sq, &found, NULL, error_r) < 0)
		return -1;
	for (guint i = 0; i < found->len; i++) {
		const struct quarantined *m = found->pdata[i];
		if (strcmp(m->id, id) == 0)
			dir = m->dir;
		else if (strstr(m->id, id) != NULL)
			other = m->id;
	}
	int ret = 0;
	if (dir == NULL) {
		*error_r = util_error("%s is not in Sendmail's quarantine (mailq -qQ)", id);
		ret = -1;
	} else if (other != NULL) {
		*error_r = util_error("%s is part of another quarantined id, %s, which Sendmail "
				      "would act on too: use Sendmail's own tools", id, other);
		ret = -1;
	} else {
		*dir_r = g_strdup(dir);
	}
	g_ptr_array_unref(found);
	return ret;
}

/* ---- the queue files ------------------------------------------------------ */

/* DIR's file of KIND ("hf", "df", "xf") for ID: in the subfolder a queue
   folder may have for that kind (hf files live in qf/), else in DIR. */
static char *queue_file(const char *dir, const char *kind, const char *id)
{
	char *sub = g_build_filename(dir, strcmp(kind, "hf") == 0 ? "qf" : kind, NULL);
	char *name = g_strconcat(kind, id, NULL);
	char *path = g_build_filename(g_file_test(sub, G_FILE_TEST_IS_DIR) ? sub : dir, name,
				      NULL);

	g_free(sub);
	g_free(name);
	return path;
}

/* PATH's contents; -1 with the reason (*missing_r: it does not exist,
   *denied_r: we may not read it). */
static int slurp(const char *path, char **text_r, size_t *len_r, bool *missing_r,
		 bool *denied_r, const char **error_r)
{
	GError *gerror = NULL;
	gsize len;

	*missing_r = *denied_r = false;
	if (g_file_get_contents(path, text_r, &len, &gerror)) {
		*len_r = len;
		return 0;
	}
	*missing_r = gerror->code == G_FILE_ERROR_NOENT;
	*denied_r = gerror->code == G_FILE_ERROR_ACCES || gerror->code == G_FILE_ERROR_PERM;
	*error_r = util_error("cannot read Sendmail's queue file: %s", gerror->message);
	g_error_free(gerror);
	return -1;
}

/* LEN bytes of a queue file, as text for people: Sendmail marks its own
   bytes (0x80 to 0x9f: a macro it fills in at delivery, and the like) and
   quotes a message's byte in that range with 0xff before it. A quoted byte
   is itself; a mark of Sendmail's shows as '$'. */
static void unquote(GString *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xff && i + 1 < len)
			g_string_append_c(out, s[++i]);
		else if (c >= 0x80 && c <= 0x9f)
			g_string_append_c(out, '$');
		else
			g_string_append_c(out, (char)c);
	}
}

/* An address as the queue file has it ("<a@b>", "<>"), without brackets. */
static char *address(const char *s, size_t len)
{
	GString *out = g_string_new(NULL);

	unquote(out, s, len);
	if (out->len >= 2 && out->str[0] == '<' && out->str[out->len - 1] == '>') {
		g_string_truncate(out, out->len - 1);
		g_string_erase(out, 0, 1);
	}
	return g_string_free(out, FALSE);
}

/* Whether a header line of the queue file ("H?flags?Name: value") goes out
   as it is: Sendmail adds those with flags only for mailers that have them
   (Return-Path for local delivery, a Date: or From: the message lacked). */
static bool header_as_is(const char *line, const char **text_r)
{
	if (line[1] != '?') {
		*text_r = line + 1;
		return true;
	}
	const char *end = strchr(line + 2, '?');
	*text_r = end != NULL ? end + 1 : line + 1;
	return end == line + 2;
}

/* The hf file of ID in DIR as a queue entry (and, when HEADERS is not
   NULL, the headers it delivers, appended). */
static int read_hf(const char *dir, const char *id, struct hold_entry **entry_r,
		   GString *headers, bool *missing_r, bool *denied_r, const char **error_r)
{
	char *hf = queue_file(dir, "hf", id), *text;
	size_t len;

	if (slurp(hf, &text, &len, missing_r, denied_r, error_r) < 0) {
		g_free(hf);
		return -1;
	}
	g_free(hf);
	struct hold_entry *e = g_new0(struct hold_entry, 1);
	GPtrArray *rcpts = g_ptr_array_new();
	bool in_header = false;
	e->queue_id = g_strdup(id);
	for (char *line = text, *next; line < text + len; line = next) {
		char *nl = memchr(line, '\n', text + len - line);
		size_t n = nl != NULL ? (size_t)(nl - line) : (size_t)(text + len - line);
		next = line + n + 1;
		if (n > 0 && (line[0] == ' ' || line[0] == '\t')) {	/* a header goes on */
			if (in_header && headers != NULL) {
				unquote(headers, line, n);
				g_string_append_c(headers, '\n');
			}
			continue;
		}
		in_header = false;
		if (n == 0)
			continue;
		if (line[0] == 'T') {
			e->arrival = (time_t)g_ascii_strtoll(line + 1, NULL, 10);
		} else if (line[0] == 'S' && e->sender == NULL) {
			e->sender = address(line + 1, n - 1);
		} else if (line[0] == 'R') {
			/* R, the recipient's flags, ':', the address. */
			char *colon = memchr(line, ':', n);
			char *from = colon != NULL ? colon + 1 : line + 1;
			g_ptr_array_add(rcpts, address(from, line + n - from));
		} else if (line[0] == 'H') {
			const char *h;
			line[n] = '\0';
			in_header = header_as_is(line, &h);
			if (in_header && headers != NULL) {
				unquote(headers, h, strlen(h));
				g_string_append_c(headers, '\n');
			}
		}
	}
	if (e->sender == NULL)
		e->sender = g_strdup("");
	e->n_rcpts = rcpts->len;
	g_ptr_array_add(rcpts, NULL);
	e->rcpts = (char **)g_ptr_array_free(rcpts, FALSE);
	g_free(text);

	struct stat st;
	char *df = queue_file(dir, "df", id);
	e->size = stat(df, &st) == 0 ? (long)st.st_size : 0;
	g_free(df);
	*entry_r = e;
	return 0;
}

/* ---- the backend ------------------------------------------------------------ */

static int sm_list(struct hold_queue *q, GPtrArray **entries_r, bool *denied_r,
		   const char **error_r)
{
	struct sendmail_queue *sq = (struct sendmail_queue *)q;
	GPtrArray *found;

	if (quarantine(sq, &found, denied_r, error_r) < 0)
		return -1;
	GPtrArray *held = g_ptr_array_new_with_free_func((GDestroyNotify)hold_entry_free);
	int ret = 0;
	for (guint i = 0; i < found->len && ret == 0; i++) {
		const struct quarantined *m = found->pdata[i];
		struct hold_entry *e;
		bool missing;
		if (read_hf(m->dir, m->id, &e, NULL, &missing, denied_r, error_r) == 0)
			g_ptr_array_add(held, e);
		else if (!missing)	/* gone since mailq listed it: released */
			ret = -1;
	}
	g_ptr_array_unref(found);
	if (ret < 0) {
		g_ptr_array_unref(held);
		return -1;
	}
	*entries_r = held;
	return 0;
}

static int sm_read(struct hold_queue *q, const char *id, char **text_r, size_t *len_r,
		   const char **error_r)
{
	struct sendmail_queue *sq = (struct sendmail_queue *)q;
	struct hold_entry *e;
	char *dir, *body = NULL, *df;
	size_t body_len = 0;
	bool missing, denied;

	if (folder_of(sq, id, &dir, error_r) < 0)
		return -1;
	GString *text = g_string_new(NULL);
	int ret = read_hf(dir, id, &e, text, &missing, &denied, error_r);
	if (ret == 0) {
		hold_entry_free(e);
		df = queue_file(dir, "df", id);
		ret = slurp(df, &body, &body_len, &missing, &denied, error_r);
		g_free(df);
	}
	g_free(dir);
	if (ret < 0) {
		g_string_free(text, TRUE);
		return -1;
	}
	g_string_append_c(text, '\n');
	g_string_append_len(text, body, body_len);
	g_free(body);
	*len_r = text->len;
	*text_r = g_string_free(text, FALSE);
	return 0;
}

/* How many lines of OUT say that ID's quarantine was removed, and how many
   say so of anything ("6B75MRFd029151: Removed quarantine of \"...\""). */
static void count_released(const char *out, const char *id, int *ours_r, int *all_r)
{
	char **lines = g_strsplit(out, "\n", -1);
	size_t id_len = strlen(id);

	*ours_r = *all_r = 0;
	for (char **l = lines; *l != NULL; l++) {
		if (strstr(*l, ": Removed quarantine") == NULL)
			continue;
		++*all_r;
		*ours_r += strncmp(*l, id, id_len) == 0 && (*l)[id_len] == ':';
	}
	g_strfreev(lines);
}

static int sm_release(struct hold_queue *q, const char *id, const char **error_r)
{
	struct sendmail_queue *sq = (struct sendmail_queue *)q;
	char *dir, *out = NULL;
	int ours, all;

	if (folder_of(sq, id, &dir, error_r) < 0)
		return -1;
	g_free(dir);
	/* -v: Sendmail says what it changed, so that we can tell it was ID. */
	char *only = g_strconcat("-qI", id, NULL);
	const char *const args[] = { "-v", "-qQ", only, "-Q", NULL };
	int ret = run(sq, args, &out, NULL, error_r);
	if (ret == 0) {
		count_released(out, id, &ours, &all);
		if (ours != 1 || all != 1) {
			*error_r = util_error("%s -qQ %s -Q did not release it alone (it said: %s)",
					      sq->sendmail, only, *g_strstrip(out) != '\0' ? out :
					      "nothing");
			ret = -1;
		}
	}
	if (ret == 0) {
		/* Out of the quarantine it waits for the next queue run: run it
		   now. Not a failure when this does not deliver it: the queue
		   runs get to it anyway. */
		const char *const now[] = { only, NULL };
		const char *error;
		(void)run(sq, now, NULL, NULL, &error);
	}
	g_free(out);
	g_free(only);
	return ret;
}

/* Remove DIR's file of KIND for ID; one that is not there is fine. */
static int remove_file(const char *dir, const char *kind, const char *id, const char **error_r)
{
	char *path = queue_file(dir, kind, id);
	int ret = 0;

	if (unlink(path) < 0 && errno != ENOENT) {
		*error_r = util_error("cannot remove %s: %s", path, g_strerror(errno));
		ret = -1;
	}
	g_free(path);
	return ret;
}

/* Sendmail has no command to delete a message: remove its files, as its own
   queue run does, holding its lock on the hf file (flock, as Sendmail on
   Linux takes it) so that no queue run has it open meanwhile. The
   transcript and the body go first, so that a failure leaves at worst an
   envelope, and Sendmail delivers nothing it quarantined. */
static int sm_remove(struct hold_queue *q, const char *id, const char **error_r)
{
	struct sendmail_queue *sq = (struct sendmail_queue *)q;
	struct stat opened, named;
	char *dir, *hf;

	if (folder_of(sq, id, &dir, error_r) < 0)
		return -1;
	hf = queue_file(dir, "hf", id);
	int fd = open(hf, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	int ret = -1;
	if (fd < 0) {
		*error_r = util_error("cannot open %s: %s", hf, g_strerror(errno));
	} else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		*error_r = errno == EWOULDBLOCK ?
			util_error("Sendmail is working on %s just now: try again in a minute", id) :
			util_error("cannot lock %s: %s", hf, g_strerror(errno));
	} else if (fstat(fd, &opened) < 0 || stat(hf, &named) < 0 ||
		   opened.st_ino != named.st_ino || opened.st_dev != named.st_dev) {
		*error_r = util_error("%s changed while it was being deleted (released?); "
				      "nothing was removed", id);
	} else if (remove_file(dir, "xf", id, error_r) == 0 &&
		   remove_file(dir, "df", id, error_r) == 0) {
		if (unlink(hf) < 0)
			*error_r = util_error("its body is removed, but not its envelope %s: %s; "
					      "Sendmail will not deliver it", hf, g_strerror(errno));
		else
			ret = 0;
	}
	if (fd >= 0)
		close(fd);
	g_free(hf);
	g_free(dir);
	return ret;
}

static void sm_free(struct hold_queue *q)
{
	struct sendmail_queue *sq = (struct sendmail_queue *)q;

	g_free(sq->sendmail);
	g_free(sq->cf);
	g_free(sq);
}

struct hold_queue *hold_queue_sendmail(const char *sendmail, const char *cf)
{
	struct sendmail_queue *sq = g_new0(struct sendmail_queue, 1);

	sq->q = (struct hold_queue){ sm_list, sm_read, sm_release, sm_remove, sm_free };
	sq->sendmail = g_strdup(sendmail);
	sq->cf = g_strdup(cf);
	return &sq->q;
}
