/* Hold notices from the daemon (see notify.h). */
#include "milter/notify.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <glib.h>

#include "notice/notice.h"
#include "milter/log.h"

/* How long the daemon waits at exit for sendmail processes still running. */
#define SHUTDOWN_WAIT_SECONDS 30

/* The sendmail processes in flight: pid -> nothing; a condition for exit. */
static pthread_mutex_t inflight_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t inflight_done = PTHREAD_COND_INITIALIZER;
static GHashTable *inflight;

struct reap {
	pid_t pid;
	char *what;
};

static void reaped(pid_t pid)
{
	pthread_mutex_lock(&inflight_lock);
	g_hash_table_remove(inflight, GINT_TO_POINTER(pid));
	pthread_cond_broadcast(&inflight_done);
	pthread_mutex_unlock(&inflight_lock);
}

static void report(const char *what, pid_t got, int status)
{
	if (got < 0) {
		milter_log(LOG_ERR, "%s: could not learn whether it was sent: %s", what,
			   g_strerror(errno));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		milter_log(LOG_INFO, "%s: handed to sendmail", what);
	} else {
		char *how = spawn_status_text(status);
		milter_log(LOG_ERR, "%s: not sent: sendmail %s", what, how);
		g_free(how);
	}
}

static pid_t wait_child(pid_t pid, int *status)
{
	pid_t got;

	do
		got = waitpid(pid, status, 0);
	while (got < 0 && errno == EINTR);
	return got;
}

static void *reaper(void *arg)
{
	struct reap *r = arg;
	int status = 0;
	pid_t got = wait_child(r->pid, &status);

	report(r->what, got, status);
	reaped(r->pid);
	g_free(r->what);
	g_free(r);
	return NULL;
}

bool milter_notify_send(const char *sendmail, const char *rcpt, const char *message,
			const char *what)
{
	char **argv = spawn_sendmail_argv(sendmail, rcpt);
	const char *error;
	pid_t pid;

	if (argv == NULL) {
		milter_log(LOG_ERR, "%s: not sent: \"%s\" is not an address sendmail can be "
			   "given safely", what, rcpt != NULL ? rcpt : "");
		return false;
	}
	pthread_mutex_lock(&inflight_lock);
	int ret = spawn_start(argv, message, strlen(message), &pid, &error);
	if (ret == 0) {
		if (inflight == NULL)
			inflight = g_hash_table_new(NULL, NULL);
		g_hash_table_add(inflight, GINT_TO_POINTER(pid));
	}
	pthread_mutex_unlock(&inflight_lock);
	g_strfreev(argv);
	if (ret < 0) {
		milter_log(LOG_ERR, "%s: not sent: %s", what, error);
		return false;
	}

	struct reap *r = g_new0(struct reap, 1);
	pthread_attr_t attr;
	pthread_t thread;
	r->pid = pid;
	r->what = g_strdup(what);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&thread, &attr, reaper, r) != 0) {
		/* No thread to spare: wait here; sendmail takes milliseconds. */
		reaper(r);
	}
	pthread_attr_destroy(&attr);
	return true;
}

static void kill_one(gpointer key, gpointer value, gpointer data)
{
	kill(GPOINTER_TO_INT(key), SIGKILL);
	(*(unsigned *)data)++;
}

void milter_notify_shutdown(void)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += SHUTDOWN_WAIT_SECONDS;
	pthread_mutex_lock(&inflight_lock);
	while (inflight != NULL && g_hash_table_size(inflight) > 0 &&
	       pthread_cond_timedwait(&inflight_done, &inflight_lock, &deadline) != ETIMEDOUT)
		;
	if (inflight != NULL && g_hash_table_size(inflight) > 0) {
		unsigned killed = 0;
		g_hash_table_foreach(inflight, kill_one, &killed);
		milter_log(LOG_ERR, "stopping: %u notice(s) still with sendmail after %d seconds "
			   "were cancelled", killed, SHUTDOWN_WAIT_SECONDS);
		while (g_hash_table_size(inflight) > 0)
			pthread_cond_wait(&inflight_done, &inflight_lock);
	}
	if (inflight != NULL)
		g_hash_table_destroy(inflight);
	inflight = NULL;
	pthread_mutex_unlock(&inflight_lock);
}

/* ---- hold notices ------------------------------------------------------- */

void milter_notify_hold(struct engine *engine, const struct engine_message *msg,
			const struct engine_result *res)
{
	const struct conf *conf = engine_conf(engine);
	const struct policy_verdict *v = res->verdict;
	const char *queue_id = engine_message_queue_id(msg);

	if (!conf->daemon.notify || v == NULL || v->council == NULL ||
	    v->action != CONF_ACTION_HOLD)
		return;

	struct letter_finding *found = g_new0(struct letter_finding, v->n_findings + 1);
	for (size_t i = 0; i < v->n_findings; i++)
		found[i] = (struct letter_finding){ conf_rule_id(v->findings[i].rule),
						    conf_action_name(v->findings[i].action),
						    v->findings[i].clause, v->findings[i].evidence };
	const char *mail_from = engine_message_sender(msg);
	const char *auth = engine_message_auth(msg);
	size_t n_rcpts;
	const char *const *rcpts = engine_message_rcpts(msg, &n_rcpts);
	struct letter_held held = {
		.queue_id = queue_id, .message_id = res->message_id, .subject = res->subject,
		.author = res->author, .author_name = v->author != NULL ? v->author->name : NULL,
		.submitter = auth != NULL ? auth : mail_from, .rcpts = rcpts, .n_rcpts = n_rcpts,
		.findings = found, .n_findings = v->n_findings, .held_at = time(NULL),
	};
	struct letter_from from = { conf, v->council, engine_marker_key(engine), time(NULL) };
	const char *qid = queue_id != NULL ? queue_id : "NOQUEUE";
	const char *author = letter_author_rcpt(conf, v->council, res->author, mail_from);

	/* The Clerk's own message is held too (rules.md): one notice, not two. */
	if (author != NULL && g_ascii_strcasecmp(author, v->council->review_to) != 0) {
		char *letter = letter_hold_author(&from, &held, author);
		char *what = g_strdup_printf("%s: notice of the hold to its author <%s>", qid,
					     author);
		milter_notify_send(conf->daemon.sendmail, author, letter, what);
		g_free(letter);
		g_free(what);
	}
	char *letter = letter_hold_review(&from, &held);
	char *what = g_strdup_printf("%s: notice of the hold to <%s>", qid, v->council->review_to);
	milter_notify_send(conf->daemon.sendmail, v->council->review_to, letter, what);
	g_free(letter);
	g_free(what);
	g_free(found);
}
