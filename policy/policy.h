#ifndef COUNCIL_POLICY_H
#define COUNCIL_POLICY_H

/*
 * policy: the directory (conf), the message model (parser) and the envelope
 * in; findings, each with its evidence, and one decision out. No libmilter
 * and no GMime type in this API.
 *
 * Conventions: functions returning int return 0 on success, -1 on failure
 * with *error_r set as util/util.h says (the text is not the caller's to
 * free).
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "extract/extract.h"
#include "parser/parser.h"

/* How the rules read the documents attached to a message (the engine's
   way: council-extract, a worker process under limits). */
struct policy_documents {
	/* Read MSG->parts[INDEX], which says it is a document of KIND: 0 with
	   *doc_r (extract_doc_free), whose status says whether it could be
	   read; -1 with *error_r only when reading could not even be tried
	   (the worker could not be started): an internal error. */
	int (*read)(void *ctx, size_t index, enum extract_kind kind, struct extract_doc **doc_r,
		    const char **error_r);
	void *ctx;
};

/* Who submitted the message and to whom, as the MTA saw it. */
struct policy_envelope {
	const char *mail_from;		/* envelope sender, "" for <> */
	const char *const *rcpts;	/* envelope recipients */
	size_t n_rcpts;
	const char *auth_login;		/* {auth_authen}, NULL when not authenticated */
	const char *queue_id;		/* {i}, NULL when unknown (judge) */
	time_t now;			/* decision time (pre-election periods) */
	const struct policy_documents *documents;	/* NULL: attached documents
							   are judged by name only */
};

/* A header a finding asks for besides the result header, e.g. the explicit
   disclosure of blind copies. Values are unfolded and already sanitised. */
struct policy_header {
	char *name;
	char *value;
};

/* One rule that found something to enforce. */
struct policy_finding {
	enum conf_rule rule;
	enum conf_action action;	/* this rule's configured action */
	const char *clause;		/* e.g. "12.1" (from the council's settings) */
	char *evidence;			/* what triggered it and where, one line:
					   'phrase "please arrange" in body line 3',
					   'blind copy to cllr.jones@x (Cllr Ann Jones)' */
	char *notice_text;		/* footer lines for annotate (NULL: none) */
	char *notice_html;		/* same words as HTML (NULL: derive from text) */
	char **add_rcpts;		/* recipients to add openly (copy the Clerk) */
	size_t n_add_rcpts;
};

/* A finding an exception stopped (conf_rule_setting's except_recipients,
   except_senders): what the rule would have found, had the council not
   listed the recipients or the sender it is about. Recorded so that the
   Clerk can audit what the exceptions let through; it changes nothing. */
struct policy_exception {
	enum conf_rule rule;
	char *exception;		/* which entries applied, to whom, one line:
					   'except_recipients "@auditors.example.co.uk"
					   for jo@auditors.example.co.uk' */
	char *evidence;			/* the evidence the finding would have had */
};

struct policy_verdict {
	const struct conf_council *council;	/* NULL: nobody we judge */
	const struct conf_person *author;	/* From: (its first mailbox) in the
						   directory, or NULL; the rules may
						   judge a stricter person, and then
						   their evidence says so */
	const struct conf_person *submitter;	/* AUTH login / envelope sender */
	enum conf_action action;		/* the most severe finding's action;
						   CONF_ACTION_NONE means accept */
	struct policy_finding *findings;
	size_t n_findings;
	struct policy_exception *exceptions;	/* findings the council's
						   exceptions stopped */
	size_t n_exceptions;

	/* Ready-made outputs, all NULL/0 when not needed: */
	char *footer_text;		/* every annotation's notice, combined */
	char *footer_html;
	struct policy_header *headers;	/* extra headers to add, in order */
	size_t n_headers;
	char **add_rcpts;		/* union of the findings' add_rcpts */
	size_t n_add_rcpts;
	char *cc_append;		/* mailboxes to append to Cc: for the
					   recipients added openly (RFC 5322
					   text), or NULL */
	char *reject_text;		/* reject: what its sender is told, the clause
					   and the fix; lines separated by '\n' */
	char *hold_reason;		/* hold: why, in one line, kept with the held
					   message for the Clerk */
	char *result_header;		/* value of the result header, unfolded */
	char *unread;			/* why an attached document was not read
					   (a limit, a password, damage), so the
					   message got on_incomplete; for the log;
					   NULL when none was left unread */
	char *store_error;		/* why the thread store could not remember
					   this confidential message (replies to it
					   may then pass as not confidential), for
					   the log; NULL when it did or had not to */
};

/* The result header's name (SPEC 4: one machine-readable header). */
#define POLICY_RESULT_HEADER "Council-Policy-Results"

/* The explicit disclosure of blind copies (silent-copy). Like the result
   header, only we may write it: copies arriving with a message are forged. */
#define POLICY_COPIED_TO_HEADER "Council-Policy-Copied-To"

/* Thread store: Message-IDs of confidential messages, so a reply or
   forward that references one stays confidential. Bounded, persistent,
   thread-safe. PATH NULL: in memory only. */
struct policy_thread_store;
int policy_thread_store_open(const char *path, unsigned retention_days, unsigned max_entries,
			     bool read_only, struct policy_thread_store **store_r,
			     const char **error_r);
void policy_thread_store_close(struct policy_thread_store **store);
bool policy_thread_store_contains(struct policy_thread_store *store, const char *message_id);
int policy_thread_store_add(struct policy_thread_store *store, const char *message_id,
			    time_t now, const char **error_r);

/* Read what judging under CONF needs beyond CONF itself (WordNet's
   lexicon), so that a daemon finds a missing lexicon when it loads a
   configuration rather than at its first message. Judging calls it too. */
int policy_prepare(const struct conf *conf, const char **error_r);

/* Judge MSG sent with ENV against CONF. STORE may be NULL. On success
   *verdict_r always holds a verdict (accept included). Judging writes: a
   message found confidential is added to STORE (unless opened read-only);
   a store that cannot be written leaves the verdict as it is and is
   reported in its store_error. */
int policy_judge(const struct conf *conf, const struct policy_envelope *env,
		 const struct parser_message *msg, struct policy_thread_store *store,
		 struct policy_verdict **verdict_r, const char **error_r);
void policy_verdict_free(struct policy_verdict **verdict);

/* Every rule is a rule of the author's council (SPEC 2: the strictest of
   From:, the AUTH login and the envelope sender, or the council whose
   domain one of them is in). A message none of them ties to a council is
   accepted whatever else it holds, so its From: field and envelope decide
   it, before its body is read.
   policy_envelope_council: does ENV alone tie the message to a council
   (then the whole message must be judged)? */
bool policy_envelope_council(const struct conf *conf, const struct policy_envelope *env);
/* Judge MSG when its envelope and From: alone decide it: MSG needs only its
   header fields (parser_parse_headers). Returns 1 with *verdict_r, the
   verdict policy_judge gives such a message, when no council's rule can
   apply to it; 0 (no verdict) when the whole message must be judged; -1
   as policy_judge fails. Writes nothing. */
int policy_judge_headers(const struct conf *conf, const struct policy_envelope *env,
			 const struct parser_message *msg, struct policy_verdict **verdict_r,
			 const char **error_r);

/* The result header value for a message we could not judge at all
   (internal error with on_error=accept) or that was not ours to judge. */
char *policy_result_header_none(const struct conf *conf, const char *reason);

#endif
