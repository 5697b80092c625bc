#ifndef COUNCIL_POLICY_JUDGE_H
#define COUNCIL_POLICY_JUDGE_H

/*
 * Internal to policy/: the state of one judgement, shared by the council
 * selection and decision (judge.c), the rules (rules_*.c) and the wording
 * (notice.c). Nothing here outlives one policy_judge call.
 */

#include <glib.h>

#include "policy/lang.h"
#include "policy/phrase.h"
#include "policy/policy.h"

/* Recipient classes, relative to the council being judged. */
enum rcpt_class {
	RCPT_COUNCILLOR = 0,
	RCPT_CLERK,		/* the Clerk / Proper Officer (or the council's clerk address) */
	RCPT_STAFF,		/* any other officer */
	RCPT_COUNCIL,		/* a council address that is not a person (info@...) */
	RCPT_PRESS,		/* at one of the council's press domains */
	RCPT_THIRD_PARTY	/* anyone else, and any address the filter cannot read */
};

struct judge_rcpt {
	char *addr;			/* normalised; as written (sanitised) when
					   it cannot be read: a third party */
	const char *display;		/* display name from To/Cc, "" when none */
	const struct conf_person *person;	/* a person of this council, or NULL */
	enum rcpt_class cls;
	bool open;			/* in To or Cc */
	bool envelope;			/* an envelope recipient */
	bool own;			/* one of the author's own addresses */
	unsigned excepted;		/* rules (1u << rule) whose except_recipients
					   name this recipient */
};

/* Where a text the rules read came from, for evidence. */
enum judge_where {
	WHERE_BODY = 0,		/* "body line N" */
	WHERE_SUBJECT,
	WHERE_SIGNATURE
};

struct judge_header {
	enum conf_rule rule;	/* added only when that rule's finding annotates or more */
	char *name, *value;
};

struct judge {
	const struct conf *conf;
	const struct conf_council *council;
	const struct policy_envelope *env;
	const struct parser_message *msg;
	struct policy_thread_store *store;

	const struct conf_person *author;	/* the strictest of From: and the
						   submitter (judge.c), a person
						   of council, or NULL */
	const struct conf_person *submitter;	/* AUTH login / envelope sender */
	char *author_note;			/* why AUTHOR is not From:'s first
						   mailbox (evidence), or NULL */
	GHashTable *own;			/* normalised addresses of the sender,
						   never blind copies (set) */

	GArray *rcpts;				/* struct judge_rcpt, unique by addr */

	/* The author's own words, prepared once: NULL subject when the
	   subject is a reply's or forward's ("Re:", "Fwd:"): not the author's. */
	struct phrase_text *body, *subject, *signature;
	/* The same words for the language layer, made on first use
	   (judge_lang_texts): only councillors' mail needs them. */
	struct lang_text *lang_body, *lang_subject;
	struct lang lang;
	/* The same as a mail client shows them: hidden HTML text and the
	   alternatives a client passes over left out (parser.h). What the
	   author must have said to the reader (a capacity statement) is
	   looked for here. NULL until judge_prepare_shown; may be the same
	   objects as body and signature. */
	struct phrase_text *body_shown, *signature_shown;
	/* The council's compiled sets, CONF_PHRASES_COUNT of them, shared
	   with every other judgement under this configuration (sets.c). */
	const struct phrase_set *const *sets;

	unsigned incomplete;			/* parser limit flags: read in part */
	const char *footer_refused;		/* why the notices cannot go in the
						   body, when on_footer_refused held
						   the message for it; else NULL */
	GArray *findings;			/* struct policy_finding */
	GArray *exceptions;			/* struct policy_exception */
	/* The rule running, and whether its exceptions count (exceptions.c:
	   false while finding out what an exception stopped). */
	enum conf_rule rule;
	bool ignore_exceptions;
	unsigned sender_excepted;		/* rules whose except_senders name
						   the author */
	bool store_done;			/* this message is in the thread
						   store already (or failed to be) */
	/* Attached documents (attachments.c), read once, on first need. */
	GPtrArray *docs;			/* struct extract_doc *, NULL for a
						   part that is no document */
	unsigned docs_read;			/* documents handed to the reader */
	char *unread;				/* why a document was not read */
	const char *unread_key;			/* its token in the result header */
	char *error;				/* an internal error: policy_judge
						   fails with it */
	GArray *headers;			/* struct judge_header */
	char *store_error;			/* the thread store failed (verdict) */
};

/* Rule setting of the council being judged; NULL when the rule is off. */
const struct conf_rule_setting *judge_rule(const struct judge *j, enum conf_rule rule);

/* A new finding for RULE with EVIDENCE (taken over, sanitised here). The
   pointer is valid until the next judge_add_finding. */
struct policy_finding *judge_add_finding(struct judge *j, enum conf_rule rule, char *evidence);
void judge_add_header(struct judge *j, enum conf_rule rule, const char *name, const char *value);

const struct phrase_set *judge_phrases(struct judge *j, enum conf_phrase_set set);

/* Fixed word lists of the rules (not data: they only qualify a phrase
   set's match), each compiled once per configuration like the sets. */
struct judge_word_list {
	const char *const *words;
	size_t n;
};
enum judge_words {
	JUDGE_WORDS_COUNCIL_NAME = 0,	/* "for the council": rules_text.c */
	JUDGE_WORDS_CANDIDATE,		/* "as a candidate": rules_election.c */
	JUDGE_WORDS_COUNT
};
extern const struct judge_word_list judge_council_name_words;
extern const struct judge_word_list judge_candidate_words;

/* The compiled sets (sets.c), kept with CONF and built on first use: the
   CONF_PHRASES_COUNT sets of COUNCIL (one of conf->councils), and one of
   the fixed lists. Read-only; valid while CONF is. */
const struct phrase_set *const *judge_council_sets(const struct conf *conf,
						   const struct conf_council *council);
const struct phrase_set *judge_words(const struct judge *j, enum judge_words words);
/* COUNCIL's word-sequence lists for the language layer (sets.c). */
void judge_council_lists(const struct conf *conf, const struct conf_council *council,
			 struct lang_lists *lists_r);
/* CONF's lexicon, read on first use; NULL with *error_r (owned by CONF)
   when WordNet cannot be read. */
const struct lang_lexicon *judge_lexicon(const struct conf *conf, const char **error_r);

/* First match of SET in the author's own words, looked for in the subject
   (when it is the author's), then the body, then (WITH_SIGNATURE) the
   signature. Fills *m_r and *where_r. */
bool judge_find(struct judge *j, enum conf_phrase_set set, bool with_signature,
		struct phrase_match *m_r, enum judge_where *where_r);
/* The language layer's view of the author's subject (NULL when it is not
   theirs) and body, made once per judgement. */
void judge_lang_texts(struct judge *j);
/* The first hit of KIND in the author's words (subject, then body). */
bool judge_lang_find(struct judge *j, enum lang_kind kind, bool task_only,
		     struct lang_hit *hit_r, enum judge_where *where_r);
/* Evidence text 'request "Chase the electrician today" (imperative) in body
   line 3' (g_free). */
char *judge_evidence_lang(const struct judge *j, const char *what, const struct lang_hit *hit,
			  enum judge_where where);
/* Prepare body_shown and signature_shown, once. */
void judge_prepare_shown(struct judge *j);
/* As judge_find with the signature, in what a mail client shows of the
   body and signature (body_shown, signature_shown). */
bool judge_find_shown(struct judge *j, enum conf_phrase_set set, struct phrase_match *m_r,
		      enum judge_where *where_r);
/* Does TEXT say "as" and, within a few words, one of ROLES ("as the Green
   Party candidate for Quayside Ward", "as Brine Ward councillor")? */
bool judge_says_as(const struct phrase_text *text, const char *const *roles);
extern const char *const judge_candidate_roles[];	/* candidate, activist */
extern const char *const judge_capacity_roles[];	/* councillor, member, mayor ... */
/* Evidence text 'phrase "x" in body line N' (g_free). */
char *judge_evidence_phrase(const struct phrase_match *m, enum judge_where where);

/* SUBJECT without its "Re:", "Fwd:" ... prefixes, however many. */
const char *judge_subject_unprefixed(const char *subject);

/* Exceptions (exceptions.c): find who the council's rule exceptions name
   (after collect_rcpts), then run RULE through FN so that an exception
   stops its finding and the verdict records what it stopped. */
void judge_exceptions_prepare(struct judge *j);
void judge_run_rule(struct judge *j, enum conf_rule rule, void (*fn)(struct judge *j));
/* Is R, for the rule running, a recipient its exceptions leave out? */
bool judge_rcpt_excepted(const struct judge *j, const struct judge_rcpt *r);
/* Free what a finding owns. */
void judge_finding_clear(struct policy_finding *f);

/* Recipients by class (those the rule running excepts left out). */
bool judge_has_class(const struct judge *j, enum rcpt_class cls);
const struct judge_rcpt *judge_first_class(const struct judge *j, enum rcpt_class cls);
bool judge_is_councillor(const struct conf_person *p);
bool judge_is_officer(const struct conf_person *p);
/* "Cllr Ann Jones" for councillors, the name for officers (g_free). */
char *judge_person_label(const struct conf_person *p);
/* "Cllr Ann Jones <a@x>" style for a recipient (g_free). */
char *judge_rcpt_label(const struct judge_rcpt *r);

/* The rules, in report order (conf_rule order). Each adds at most one
   finding, and only when it has something to enforce. */
void rule_silent_copy(struct judge *j);
void rule_obligation(struct judge *j);
void rule_member_instructs_staff(struct judge *j);
void rule_confidential(struct judge *j);
void rule_capacity(struct judge *j);
void rule_party_political(struct judge *j);
void rule_pre_election(struct judge *j);

/* The first marking of an attached document, as a label where one counts
   (attachments.c): evidence 'marking "X" on page 1 of attachment "N"', or
   NULL. A document that cannot be read is recorded in J->unread (unless
   the rule runs only to find what an exception stopped). */
char *attachment_marking(struct judge *j, const struct phrase_set *set);
void attachments_clear(struct judge *j);

/* Wording (notice.c): the protocol and clause of RULE for this council,
   e.g. 'the Member/Officer Protocol (adopted May 2023), clause 12.1'. */
char *notice_cite(const struct conf_council *c, enum conf_rule rule);
/* Footer notices, one per rule. */
char *notice_silent_copy(const struct conf_council *c, const GPtrArray *labels);
char *notice_obligation(const struct judge *j);
char *notice_instructs_staff(const struct judge *j, const struct judge_rcpt *staff,
			     bool clerk_copied);
char *notice_confidential(const struct judge *j, bool for_councillor_only);
char *notice_capacity(const struct judge *j);
char *notice_party_political(const struct judge *j);
char *notice_pre_election(const struct judge *j);
/* Why the message was read only in part ("parts nested deeper than 32
   levels (limits.max_depth)"), or NULL when it was read in full. */
char *notice_incomplete(const struct judge *j);
/* The whole-verdict texts: reject reply (lines joined by '\n'), hold
   reason (one line), and the result header value. */
char *notice_reject_text(const struct judge *j, enum conf_action action);
char *notice_hold_reason(const struct judge *j);
char *notice_result_header(const struct judge *j, enum conf_action action);
/* TEXT with its lines broken at spaces to at most WIDTH characters where
   possible (plain-text mail readers that do not wrap). */
char *notice_wrap(const char *text, unsigned width);
/* Plain text to an HTML fragment: paragraphs at blank lines, <br> within. */
char *notice_html(const char *text);
/* "23 March 2026" (g_free). */
char *notice_date(time_t t);

#endif
