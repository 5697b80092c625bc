#ifndef COUNCIL_REVIEWERS_H
#define COUNCIL_REVIEWERS_H

/*
 * reviewers: who may sign in to the Clerk's web page (council-review-web),
 * and the councils each of them reviews. A council may have several (a
 * deputy for a Clerk on leave); a reviewer may serve several councils.
 *
 * The reviewers file (the setting web.reviewers, by default
 * /etc/council-milter/reviewers) has one line per reviewer:
 *
 *     NAME <TAB> HASH <TAB> COUNCIL [<TAB> COUNCIL ...]
 *
 * NAME is 1 to 64 letters, digits and '.', '_', '-', '@', '+' (a login or an
 * e-mail address); HASH is libsodium's crypto_pwhash_str of the password,
 * Argon2id; each COUNCIL is a council's name as the configuration writes it.
 * Empty lines and lines starting with '#' are comments. A file that is not
 * in this form is refused as a whole, with its line: nobody signs in on a
 * file half read. council-review user writes it (as root), whole, by
 * renaming a new file over it; the web page reads it to sign people in and
 * the helper to know whose councils are whose.
 *
 * Errors (util.h): -1 with *error_r, a sentence for a person.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct reviewer {
	char *name;
	char *hash;		/* "$argon2id$..." */
	char **councils;	/* NULL-terminated, as in the file */
	size_t n_councils;
};

struct reviewers;

/* The reviewers in PATH; a file that does not exist has none. */
int reviewers_load(const char *path, struct reviewers **reviewers_r, const char **error_r);
struct reviewers *reviewers_new(void);
void reviewers_free(struct reviewers **reviewers);

size_t reviewers_count(const struct reviewers *reviewers);
const struct reviewer *reviewers_nth(const struct reviewers *reviewers, size_t i);
/* NAME's entry (exactly as written), or NULL. */
const struct reviewer *reviewers_find(const struct reviewers *reviewers, const char *name);

/* A new reviewer NAME with PASSWORD (hashed here) for the N COUNCILS. */
int reviewers_add(struct reviewers *reviewers, const char *name, const char *password,
		  const char *const *councils, size_t n, const char **error_r);
int reviewers_set_password(struct reviewers *reviewers, const char *name,
			   const char *password, const char **error_r);
int reviewers_remove(struct reviewers *reviewers, const char *name, const char **error_r);

/* Write REVIEWERS to PATH whole (a new file renamed over it, flushed). An
   existing file keeps its owner, group and mode; a new one is made root's,
   mode 0640, group GROUP (the web page's, so that it may read it). */
int reviewers_save(const struct reviewers *reviewers, const char *path, gid_t group,
		   const char **error_r);

/* NAME is a reviewer's name as the file allows it. */
bool reviewers_name_valid(const char *name);

/* PASSWORD is one a reviewer may have: 10 to 1024 bytes of UTF-8, no
   control characters. */
int reviewers_password_ok(const char *password, const char **error_r);

/* Is PASSWORD REVIEWER's? REVIEWER NULL (no such name): false, after the
   same work, so that the time taken does not tell which names exist. */
bool reviewer_verify(const struct reviewer *reviewer, const char *password);

/* Does REVIEWER review COUNCIL (its name as the configuration writes it)? */
bool reviewer_serves(const struct reviewer *reviewer, const char *council);

#endif
