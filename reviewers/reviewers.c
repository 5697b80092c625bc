/* The reviewers file (see reviewers.h). */
#include "reviewers/reviewers.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "util/util.h"

#define NAME_MAX_BYTES 64
#define COUNCIL_MAX_BYTES 200	/* conf's TEXT_MAX for a council's name */
#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024
#define FILE_MAX (4 * 1024 * 1024)
#define HASH_PREFIX "$argon2id$"

struct reviewers {
	GPtrArray *list;	/* struct reviewer *, in the file's order */
};

static void reviewer_free(struct reviewer *r)
{
	if (r == NULL)
		return;
	g_free(r->name);
	if (r->hash != NULL)
		sodium_memzero(r->hash, strlen(r->hash));
	g_free(r->hash);
	g_strfreev(r->councils);
	g_free(r);
}

struct reviewers *reviewers_new(void)
{
	struct reviewers *rs = g_new0(struct reviewers, 1);

	rs->list = g_ptr_array_new_with_free_func((GDestroyNotify)reviewer_free);
	return rs;
}

void reviewers_free(struct reviewers **rs_p)
{
	if (*rs_p == NULL)
		return;
	g_ptr_array_unref((*rs_p)->list);
	g_free(*rs_p);
	*rs_p = NULL;
}

size_t reviewers_count(const struct reviewers *rs)
{
	return rs->list->len;
}

const struct reviewer *reviewers_nth(const struct reviewers *rs, size_t i)
{
	return i < rs->list->len ? rs->list->pdata[i] : NULL;
}

const struct reviewer *reviewers_find(const struct reviewers *rs, const char *name)
{
	for (guint i = 0; name != NULL && i < rs->list->len; i++)
		if (strcmp(((struct reviewer *)rs->list->pdata[i])->name, name) == 0)
			return rs->list->pdata[i];
	return NULL;
}

bool reviewers_name_valid(const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;

	if (len == 0 || len > NAME_MAX_BYTES || name[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isalnum(name[i]) && strchr("._-@+", name[i]) == NULL)
			return false;
	return true;
}

static bool council_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > COUNCIL_MAX_BYTES || !g_utf8_validate(s, (gssize)len, NULL))
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

int reviewers_password_ok(const char *pw, const char **error_r)
{
	size_t len = strlen(pw);

	if (g_utf8_strlen(pw, -1) < PASSWORD_MIN || !g_utf8_validate(pw, -1, NULL)) {
		*error_r = "the password is too short: use at least 10 characters (a few words "
			   "are easier to remember than symbols)";
		return -1;
	}
	if (len > PASSWORD_MAX) {
		*error_r = "the password is too long: at most 1024 bytes";
		return -1;
	}
	for (const char *p = pw; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*error_r = "the password has a control character (a tab, a line break): "
				   "use letters, digits, spaces and punctuation";
			return -1;
		}
	return 0;
}

/* ---- reading -------------------------------------------------------------- */

static struct reviewer *parse_line(const char *line, const char **why_r)
{
	char **cells = g_strsplit(line, "\t", -1);
	guint n = g_strv_length(cells);
	struct reviewer *r = NULL;

	if (n < 3) {
		*why_r = "expected NAME, HASH and at least one council, separated by tabs";
	} else if (!reviewers_name_valid(cells[0])) {
		*why_r = "the name is not 1 to 64 letters, digits, '.', '_', '-', '@' or '+'";
	} else if (!g_str_has_prefix(cells[1], HASH_PREFIX) ||
		   strlen(cells[1]) >= crypto_pwhash_STRBYTES) {
		*why_r = "the password hash is not an Argon2id hash (council-review user "
			 "passwd makes one)";
	} else {
		r = g_new0(struct reviewer, 1);
		r->name = g_strdup(cells[0]);
		r->hash = g_strdup(cells[1]);
		r->councils = g_new0(char *, n - 1);
		for (guint i = 2; i < n; i++) {
			if (!council_valid(cells[i])) {
				*why_r = "a council's name is empty, too long or has control "
					 "characters";
				reviewer_free(r);
				r = NULL;
				break;
			}
			r->councils[r->n_councils++] = g_strdup(cells[i]);
		}
	}
	g_strfreev(cells);
	return r;
}

static int parse(struct reviewers *rs, const char *path, const char *text, size_t len,
		 const char **error_r)
{
	if (memchr(text, '\0', len) != NULL || !g_utf8_validate(text, (gssize)len, NULL)) {
		*error_r = util_error("%s is not text (a NUL byte, or not UTF-8)", path);
		return -1;
	}
	char **lines = g_strsplit(text, "\n", -1);
	int ret = 0;

	for (size_t i = 0; lines[i] != NULL && ret == 0; i++) {
		char *l = lines[i];
		size_t n = strlen(l);
		const char *why;

		if (n > 0 && l[n - 1] == '\r')
			l[--n] = '\0';
		if (n == 0 || l[0] == '#')
			continue;
		struct reviewer *r = parse_line(l, &why);
		if (r == NULL) {
			*error_r = util_error("%s:%zu: %s", path, i + 1, why);
			ret = -1;
		} else if (reviewers_find(rs, r->name) != NULL) {
			*error_r = util_error("%s:%zu: the reviewer \"%s\" is there twice", path,
					      i + 1, r->name);
			reviewer_free(r);
			ret = -1;
		} else {
			g_ptr_array_add(rs->list, r);
		}
	}
	g_strfreev(lines);
	return ret;
}

int reviewers_load(const char *path, struct reviewers **rs_r, const char **error_r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	if (fd < 0 && errno == ENOENT) {
		*rs_r = reviewers_new();
		return 0;
	}
	if (fd < 0) {
		*error_r = util_error("cannot read the reviewers file %s: %s", path,
				      g_strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
		*error_r = util_error("the reviewers file %s is not a regular file of at most "
				      "4 MiB", path);
		close(fd);
		return -1;
	}
	char *text = g_malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	text[got] = '\0';
	struct reviewers *rs = reviewers_new();
	int ret = parse(rs, path, text, got, error_r);
	sodium_memzero(text, got);
	g_free(text);
	if (ret < 0)
		reviewers_free(&rs);
	*rs_r = rs;
	return ret;
}

/* ---- changing ------------------------------------------------------------- */

static int hash_password(const char *pw, char **hash_r, const char **error_r)
{
	char hash[crypto_pwhash_STRBYTES];

	if (reviewers_password_ok(pw, error_r) < 0)
		return -1;
	if (sodium_init() < 0) {
		*error_r = "libsodium could not start (no source of random numbers?)";
		return -1;
	}
	/* Argon2id at libsodium's "interactive" cost: 64 MiB and two passes,
	   above OWASP's minimum for Argon2id, and about a tenth of a second. */
	if (crypto_pwhash_str_alg(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		*error_r = "the password could not be hashed (out of memory?)";
		return -1;
	}
	*hash_r = g_strdup(hash);
	return 0;
}

int reviewers_add(struct reviewers *rs, const char *name, const char *password,
		  const char *const *councils, size_t n, const char **error_r)
{
	if (!reviewers_name_valid(name)) {
		*error_r = "a reviewer's name is 1 to 64 letters, digits, '.', '_', '-', '@' or "
			   "'+', and does not start with '-'";
		return -1;
	}
	if (reviewers_find(rs, name) != NULL) {
		*error_r = util_error("there is a reviewer \"%s\" already (council-review user "
				      "passwd changes the password)", name);
		return -1;
	}
	if (n == 0) {
		*error_r = "a reviewer reviews at least one council";
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!council_valid(councils[i])) {
			*error_r = "a council's name is empty, too long or has control characters";
			return -1;
		}
	struct reviewer *r = g_new0(struct reviewer, 1);
	if (hash_password(password, &r->hash, error_r) < 0) {
		g_free(r);
		return -1;
	}
	r->name = g_strdup(name);
	r->councils = g_new0(char *, n + 1);
	for (size_t i = 0; i < n; i++)
		r->councils[r->n_councils++] = g_strdup(councils[i]);
	g_ptr_array_add(rs->list, r);
	return 0;
}

int reviewers_set_password(struct reviewers *rs, const char *name, const char *password,
			   const char **error_r)
{
	struct reviewer *r = (struct reviewer *)reviewers_find(rs, name);
	char *hash;

	if (r == NULL) {
		*error_r = util_error("there is no reviewer \"%s\" (council-review user list "
				      "shows them)", name);
		return -1;
	}
	if (hash_password(password, &hash, error_r) < 0)
		return -1;
	sodium_memzero(r->hash, strlen(r->hash));
	g_free(r->hash);
	r->hash = hash;
	return 0;
}

int reviewers_remove(struct reviewers *rs, const char *name, const char **error_r)
{
	const struct reviewer *r = reviewers_find(rs, name);

	if (r == NULL) {
		*error_r = util_error("there is no reviewer \"%s\" (council-review user list "
				      "shows them)", name);
		return -1;
	}
	g_ptr_array_remove(rs->list, (gpointer)r);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int reviewers_save(const struct reviewers *rs, const char *path, gid_t group,
		   const char **error_r)
{
	GString *text = g_string_new("# Reviewers of council-review-web: NAME, Argon2id hash, "
				     "councils (tab-separated).\n"
				     "# Managed with council-review user add|passwd|del|list; "
				     "see council-review(8).\n");
	char *tmp = g_strconcat(path, ".new", NULL);
	struct stat st;
	int ret = -1;

	for (guint i = 0; i < rs->list->len; i++) {
		const struct reviewer *r = rs->list->pdata[i];
		g_string_append_printf(text, "%s\t%s", r->name, r->hash);
		for (size_t c = 0; c < r->n_councils; c++)
			g_string_append_printf(text, "\t%s", r->councils[c]);
		g_string_append_c(text, '\n');
	}
	bool exists = stat(path, &st) == 0;
	(void)g_unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		*error_r = util_error("cannot write %s: %s", tmp, g_strerror(errno));
		goto out;
	}
	uid_t uid = exists ? st.st_uid : 0;
	gid_t gid = exists ? st.st_gid : group;
	mode_t mode = exists ? (st.st_mode & 07777) : 0640;
	/* Owner and group first, then the mode: never readable by others
	   on the way. Only root can give a file away; anyone else keeps it. */
	if ((geteuid() == 0 && fchown(fd, uid, gid) < 0) || fchmod(fd, mode) < 0 ||
	    write_all(fd, text->str, text->len) < 0 || fsync(fd) < 0) {
		*error_r = util_error("cannot write %s: %s", tmp, g_strerror(errno));
		close(fd);
		(void)g_unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		*error_r = util_error("cannot put %s in place of %s: %s", tmp, path,
				      g_strerror(errno));
		(void)g_unlink(tmp);
		goto out;
	}
	char *dir = g_path_get_dirname(path);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	g_free(dir);
	ret = 0;
out:
	sodium_memzero(text->str, text->len);
	g_string_free(text, TRUE);
	g_free(tmp);
	return ret;
}

/* ---- signing in ----------------------------------------------------------- */

bool reviewer_verify(const struct reviewer *r, const char *password)
{
	static char dummy[crypto_pwhash_STRBYTES];
	static gsize dummy_made = 0;

	if (sodium_init() < 0)
		return false;
	if (r != NULL)
		return crypto_pwhash_str_verify(r->hash, password, strlen(password)) == 0;
	/* No such reviewer: hash anyway, with the same cost. */
	if (g_once_init_enter(&dummy_made)) {
		char random[32];
		randombytes_buf(random, sizeof(random));
		if (crypto_pwhash_str_alg(dummy, random, sizeof(random),
					  crypto_pwhash_OPSLIMIT_INTERACTIVE,
					  crypto_pwhash_MEMLIMIT_INTERACTIVE,
					  crypto_pwhash_ALG_ARGON2ID13) != 0)
			dummy[0] = '\0';
		g_once_init_leave(&dummy_made, 1);
	}
	/* Its answer is always no (nobody knows the random password). */
	if (dummy[0] != '\0' && crypto_pwhash_str_verify(dummy, password, strlen(password)) == 0)
		return false;
	return false;
}

bool reviewer_serves(const struct reviewer *r, const char *council)
{
	for (size_t i = 0; r != NULL && council != NULL && i < r->n_councils; i++)
		if (strcmp(r->councils[i], council) == 0)
			return true;
	return false;
}
