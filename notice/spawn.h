#ifndef COUNCIL_MILTER_SPAWN_H
#define COUNCIL_MILTER_SPAWN_H

/*
 * spawn: run a helper program (the MTA's sendmail, postqueue, postcat,
 * postsuper) the careful way: fork and execve of an absolute path with a
 * fixed argv and an empty environment, default signal mask and SIGPIPE, and
 * none of our descriptors but stdin, stdout and stderr. Never a shell, never
 * a PATH lookup. Safe to call from any thread (the child calls only
 * async-signal-safe functions before execve).
 *
 * Errors: as util.h says.
 */

#include <stddef.h>
#include <sys/types.h>

/* The argv for handing one message to the MTA's sendmail interface from the
   null sender: { SENDMAIL, "-i", "-f", "<>", "--", RCPT, NULL } (g_strfreev).
   NULL when SENDMAIL is not an absolute path or RCPT is not one plain address
   (empty, over 254 bytes, no '@', a leading '-', blanks or control
   characters). */
char **spawn_sendmail_argv(const char *sendmail, const char *rcpt);

/* Start ARGV[0] with ARGV, INPUT (INPUT_LEN bytes) on its stdin, stdout to
   /dev/null, stderr shared with ours. Returns at once; the caller reaps
   *pid_r. */
int spawn_start(char *const *argv, const char *input, size_t input_len, pid_t *pid_r,
		const char **error_r);

/* Run ARGV to its end with INPUT on stdin (NULL: empty), keeping what it
   writes: *out_r and *err_r (NUL-terminated; *out_len_r bytes of stdout) and
   its wait status. Fails only when it cannot be started or waited for. */
int spawn_run(char *const *argv, const char *input, size_t input_len, char **out_r,
	      size_t *out_len_r, char **err_r, int *status_r, const char **error_r);

/* A wait status in words: "exited with status 75", "killed by signal 9".
   g_free. */
char *spawn_status_text(int status);

#endif
