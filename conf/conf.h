#ifndef COUNCIL_CONF_H
#define COUNCIL_CONF_H

/*
 * conf: libconfig in, a validated, immutable, reference-counted configuration out.
 *
 * Conventions: functions returning int return 0 on success and -1 on failure;
 * lookups return NULL when nothing matches. Nothing here logs: errors are
 * returned as text naming file:line, key, value and what was expected.
 * A loaded struct conf is never modified; readers pin it with conf_ref().
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Stable rule ids (SPEC section 3). The order is the order of reports. */
enum conf_rule {
	CONF_RULE_SILENT_COPY = 0,
	CONF_RULE_OBLIGATION,		/* "obligation-in-member-name" */
	CONF_RULE_MEMBER_INSTRUCTS_STAFF,
	CONF_RULE_CONFIDENTIAL,
	CONF_RULE_CAPACITY,
	CONF_RULE_PARTY_POLITICAL,
	CONF_RULE_PRE_ELECTION,
	CONF_RULE_COUNT
};

/* Actions, ordered by severity so that MAX() picks the winner. */
enum conf_action {
	CONF_ACTION_NONE = 0,	/* rule off, or no finding: the message is accepted */
	CONF_ACTION_MONITOR,	/* log and result header only */
	CONF_ACTION_ANNOTATE,	/* headers and footer notice */
	CONF_ACTION_HOLD,	/* MTA quarantine for the Clerk */
	CONF_ACTION_REJECT	/* 550 5.7.1 */
};

/* What to do when the milter itself fails (parse error, I/O, timeout). */
enum conf_on_error {
	CONF_ON_ERROR_TEMPFAIL = 0,	/* default: the MTA retries, nothing lost */
	CONF_ON_ERROR_ACCEPT,
	CONF_ON_ERROR_REJECT
};

/* What to do when the audit journal cannot be written. */
enum conf_journal_failure {
	CONF_JOURNAL_TEMPFAIL = 0,	/* default: the MTA retries; no decision unrecorded */
	CONF_JOURNAL_CONTINUE		/* the verdict stands; the record goes to the log */
};

/* What becomes of held mail nobody reviewed in time (hold_expiry). */
enum conf_expiry {
	CONF_EXPIRY_RETURN = 0,		/* default: returned to its author, undelivered */
	CONF_EXPIRY_RELEASE		/* delivered, with its notices */
};

/* The mail server whose queue keeps held messages (council-review acts on it). */
enum conf_mta {
	CONF_MTA_POSTFIX = 0,	/* default: Postfix's hold queue */
	CONF_MTA_SENDMAIL	/* Sendmail's quarantine */
};

enum conf_role {
	CONF_ROLE_COUNCILLOR = 0,
	CONF_ROLE_CLERK,	/* the Clerk / Proper Officer */
	CONF_ROLE_STAFF		/* any other officer */
};

/* Councillor titles, a bit set. */
enum conf_title {
	CONF_TITLE_MAYOR = 1u << 0,
	CONF_TITLE_CHAIR = 1u << 1,
	CONF_TITLE_VICE_CHAIR = 1u << 2,
	CONF_TITLE_LEADER = 1u << 3
};

/* Phrase categories read by the text rules; each is a shipped data file
   (<phrase_dir>/<name>.txt) that a council may extend in its config. */
enum conf_phrase_set {
	CONF_PHRASES_INSTRUCTION = 0,
	CONF_PHRASES_OBLIGATION,
	CONF_PHRASES_PAYMENT,
	CONF_PHRASES_CONTRACT,
	CONF_PHRASES_PARTY_POLITICAL,
	CONF_PHRASES_CAPACITY,
	CONF_PHRASES_CONFIDENTIAL,	/* markings: "confidential", "not for publication", ... */
	/* The language layer's lexicon (policy/lang.h): what no WordNet gives. */
	CONF_PHRASES_INFORMATION,	/* verbs that ask only for facts: "let me know" */
	CONF_PHRASES_COURTESY,		/* imperatives that ask nothing: "find attached" */
	CONF_PHRASES_COMMITMENT,	/* what commits the council: "pay", "go ahead" */
	CONF_PHRASES_PARTY,		/* parties in their common forms: "Tories", "Lib Dem" */
	CONF_PHRASES_COUNT
};

struct conf_council;

struct conf_person {
	const char *name;
	enum conf_role role;
	const char *const *addresses;	/* as written in the config */
	size_t n_addresses;
	const char *ward;		/* councillors; NULL if not given */
	unsigned titles;		/* enum conf_title bits */
	const char *party;		/* NULL if not given */
	const char *capacity;		/* optional footer statement for the capacity rule */
	const struct conf_council *council;
	const char *file;		/* where it was defined, for messages */
	int line;
};

/* One protocol profile (shipped data): which rules the protocol contains and
   the clause each one cites, in that protocol's own numbering and words. */
struct conf_profile_rule {
	bool enabled;			/* the protocol contains this rule */
	enum conf_action default_action;
	const char *clause;		/* e.g. "12.1" or "Correspondence" */
	const char *quote;		/* the protocol's own words, short */
};

struct conf_profile {
	const char *id;			/* "chard", "town-council-2023", ... */
	const char *protocol;		/* e.g. "Member/Officer Protocol (May 2023)" */
	struct conf_profile_rule rules[CONF_RULE_COUNT];
};

/* Who an exception names: one address, everyone at one domain, or everyone
   of one directory role. */
enum conf_exception_kind {
	CONF_EXCEPT_ADDRESS = 0,	/* "monitoring.officer@district.gov.uk" */
	CONF_EXCEPT_DOMAIN,		/* "@auditors.example.co.uk" */
	CONF_EXCEPT_ROLE		/* "role:clerk" */
};

/* Roles an exception may name, a bit set: "role:officer" is clerk and staff. */
enum conf_exception_role {
	CONF_EXCEPT_ROLE_COUNCILLOR = 1u << 0,
	CONF_EXCEPT_ROLE_CLERK = 1u << 1,
	CONF_EXCEPT_ROLE_STAFF = 1u << 2
};

/* One entry of a rule's except_recipients or except_senders. */
struct conf_exception {
	enum conf_exception_kind kind;
	const char *value;		/* the normal form: an address (ADDRESS
					   MATCHING), a domain (A-label), or the
					   role's name */
	unsigned roles;			/* ROLE: enum conf_exception_role bits */
	const char *written;		/* as written in the config, for evidence */
	const char *file;
	int line;
};

/* The effective setting of one rule for one council: profile + overrides. */
struct conf_rule_setting {
	bool enabled;
	enum conf_action action;
	const char *clause;		/* from the profile; overridable */
	const char *quote;
	bool include_staff;		/* silent-copy: blind copies to staff count too */
	bool copy_clerk;		/* member-instructs-staff: copy the Clerk openly */
	/* Who the rule does not apply to: a recipient listed here is never the
	   one a finding is about, and mail from a sender listed here is not
	   judged by the rule at all (doc/rules.md, "Exceptions"). */
	const struct conf_exception *except_recipients;
	size_t n_except_recipients;
	const struct conf_exception *except_senders;
	size_t n_except_senders;
};

struct conf_phrases {
	const char *const *phrases;	/* shipped list followed by the council's extra ones */
	size_t n_phrases;
};

struct conf_council {
	const char *name;
	const struct conf_profile *profile;
	const char *const *domains;
	size_t n_domains;
	const char *clerk;		/* address */
	const char *review_to;		/* address; defaults to clerk */
	const char *const *press_domains;
	size_t n_press_domains;
	const struct conf_person *people;	/* councillors then officers */
	size_t n_people;
	struct conf_rule_setting rules[CONF_RULE_COUNT];
	struct conf_phrases phrases[CONF_PHRASES_COUNT];
	enum conf_expiry on_hold_expiry;	/* held mail nobody reviewed in
						   hold_expiry days */
	time_t pre_election_start;	/* 0 when no period is configured */
	time_t pre_election_end;	/* inclusive end of the last day */
	const char *file;
	int line;
};

struct conf_limits {
	size_t max_message_bytes;	/* bigger messages get on_error's verdict */
	size_t max_header_bytes;
	unsigned max_depth;
	unsigned max_parts;
	size_t max_text_bytes;		/* author text scanned by the rules */
	unsigned max_html_attributes;	/* per HTML start tag */
	unsigned max_html_depth;	/* open HTML elements */
	unsigned max_recipients;
	/* Attached documents the confidential rule reads (a worker each):
	   past any of these a document is not read, and the message gets
	   on_incomplete. */
	size_t max_attachment_bytes;	/* one document */
	unsigned max_attachment_pages;	/* a PDF's pages */
	unsigned max_expansion_ratio;	/* bytes unpacked per byte of a zip */
	unsigned max_attachment_seconds;	/* reading one message's documents */
	size_t max_attachment_memory;	/* the worker's address space */
	unsigned max_attachments;	/* documents read per message */
};

struct conf_thread_store {
	const char *path;		/* Message-IDs of confidential threads */
	unsigned retention_days;
	unsigned max_entries;
};

/* The daemon's counters for the administrator, in Prometheus's text format
   (milter/metrics.h): served on LISTEN, written to TEXTFILE every
   INTERVAL_SECONDS, both, or neither (both NULL, the default). */
struct conf_metrics {
	const char *listen;		/* "inet:PORT@127.0.0.1" or "unix:/path", NULL: none */
	const char *textfile;		/* ".../NAME.prom" for node-exporter, NULL: none */
	unsigned interval_seconds;
};

/* The Clerk's web page (council-review-web) and its privileged helper. */
struct conf_web {
	const char *listen;		/* "127.0.0.1:8027", "[::1]:8027" */
	const char *user;		/* the account the web page runs as */
	const char *reviewers;		/* the reviewers file */
	const char *helper_socket;	/* where council-review-helper listens */
	unsigned session_idle_minutes;	/* a session unused this long ends */
	unsigned session_hours;		/* and any session after this long */
	const char *tls_certificate;	/* both NULL: plain HTTP behind a proxy */
	const char *tls_key;
	bool trust_proxy;		/* X-Forwarded-For/-Proto from a loopback peer */
	unsigned signin_failures_account;	/* failures before an account waits */
	unsigned signin_failures_address;	/* failures before an address waits */
	unsigned signin_lockout_minutes;	/* the window, and the wait */
};

/* Daemon settings beside councils. */
struct conf_daemon {
	const char *socket;		/* "unix:/path" or "inet:port@host" */
	const char *user;		/* drop to this user when started as root */
	const char *socket_group;	/* group of the unix socket (postfix) */
	unsigned socket_mode;		/* e.g. 0660 */
	const char *journal;		/* audit journal path */
	enum conf_journal_failure journal_failure;
	const char *notice_key;		/* secret that marks our own notices */
	const char *sendmail;		/* for notices (and, with Sendmail, its queue tools) */
	enum conf_mta mta;		/* where held mail waits */
	const char *authserv_id;	/* first token of the result header */
	const char *log_level;		/* "error" | "warning" | "info" | "debug" */
	const char *log_facility;	/* syslog facility without -f: "mail" (default),
					   "daemon", "user", "local0" .. "local7" */
	enum conf_on_error on_error;
	enum conf_action on_incomplete;	/* a council's message read only in part
					   (a parser limit): NONE (judge what was
					   read), HOLD (default) or REJECT */
	enum conf_action on_footer_refused;	/* a notice the body cannot take
					   (signed, encrypted): HOLD (default)
					   or ANNOTATE (in a header only) */
	unsigned timeout_seconds;	/* libmilter connection timeout */
	bool subaddress_folding;	/* "user+tag@d" matches "user@d" */
	char subaddress_delimiter;
	const char *phrase_dir;
	const char *wordnet_dir;	/* WordNet's dict folder (the language layer) */
	const char *document_reader;	/* council-extract: reads attached documents */
	bool notify;			/* send hold notices */
	const char *review_url;		/* the web page's address, without a trailing
					   '/'; NULL: notices carry no link */
	unsigned hold_expiry_days;	/* held mail nobody reviews is returned (or
					   released) after this; 0: never */
	struct conf_web web;
	struct conf_limits limits;
	struct conf_thread_store thread_store;
	struct conf_metrics metrics;
};

struct conf {
	const char *path;
	struct conf_daemon daemon;
	const struct conf_council *councils;
	size_t n_councils;
	/* private: refcount, hash tables, string storage */
	struct conf_private *priv;
};

/* A list of error lines "file:line: key: message". */
struct conf_errors {
	char **lines;
	size_t n_lines;
};

/* Load and validate FILE; on failure *errors_r lists every error found.
   PHRASE_DIR_OVERRIDE (may be NULL) replaces the configured phrase_dir,
   so tests can use the build tree's copy. */
int conf_load(const char *path, const char *phrase_dir_override,
	      struct conf **conf_r, struct conf_errors **errors_r);
void conf_errors_free(struct conf_errors **errors);

/* What CONF names on this system, checked as start-up needs it: RUN_AS
   (NULL: the configured user), the account the daemon will run as, exists
   and, unless ROOT_OK (-u root), is not root; the sendmail program exists
   and RUN_AS may run it, and so may it the document_reader; the journal
   is a regular file RUN_AS may append
   to, or can be created by RUN_AS in its existing folder. -n and start-up
   both run this after conf_load; on failure *errors_r says what is wrong,
   "file:line: key: message". */
int conf_check_system(const struct conf *conf, const char *run_as, bool root_ok,
		      struct conf_errors **errors_r);

/* Reference counting; thread-safe. conf_unref frees on the last reference
   and sets *conf to NULL. */
struct conf *conf_ref(struct conf *conf);
void conf_unref(struct conf **conf);

/* Data another layer derives from one loaded configuration (policy's
   compiled phrase sets, say), built once and freed with the config, so that
   per-message code never rebuilds it and a reload (a new struct conf) gets
   its own. The first call with KEY (compared as a string; name the owner,
   e.g. "policy/phrase-sets") runs CREATE(conf) and keeps the result, NULL
   included; every later call with KEY, from any thread, returns that same
   pointer without calling CREATE. DESTROY (may be NULL) is called on it
   when the config's last reference goes. CREATE runs under a lock held
   for this config's attachments: it must not call conf_attachment itself.
   What is returned belongs to the config: callers share it, so it must be
   read-only or guard itself. Thread-safe. */
void *conf_attachment(const struct conf *conf, const char *key,
		      void *(*create)(const struct conf *conf), void (*destroy)(void *data));

/* Lower-case an address and, when folding is on, drop the "+tag" of the
   local part. Returns a newly allocated string (g_free), or NULL if ADDR is
   not an address. Angle brackets are stripped. */
char *conf_address_normalise(const struct conf *conf, const char *addr);

/* NULL when ADDR is an address the configuration accepts (as in a
   person's addresses), else why not (static text, following the quoted
   address in a message). */
const char *conf_address_problem(const char *addr);

/* Who is ADDR (any form), or NULL. Costs one hash lookup. */
const struct conf_person *conf_person_lookup(const struct conf *conf, const char *addr);

/* Does exception E name ADDR (an address in its normal form, or NULL) or
   someone of ROLES (enum conf_exception_role bits: the directory role of
   ADDR's person in E's council; 0 for anyone else)? */
bool conf_exception_matches(const struct conf_exception *e, const char *addr, unsigned roles);

/* The council whose name (in any case) or one of whose domains is NAME, or
   NULL. */
const struct conf_council *conf_council_find(const struct conf *conf, const char *name);
/* DATE ("YYYY-MM-DD", 1970..2100, as pre_election is written) at H:M:S
   local time; (time_t)-1 when DATE is no such day. */
time_t conf_day_time(const char *date, int h, int m, int s);

/* Which council owns ADDR's domain, or NULL. */
const struct conf_council *conf_council_by_domain(const struct conf *conf, const char *addr);

/* Is ADDR inside COUNCIL (a person of it, or in one of its domains)? */
bool conf_address_in_council(const struct conf *conf, const struct conf_council *council,
			     const char *addr);

/* Is ADDR at one of COUNCIL's press domains? */
bool conf_address_is_press(const struct conf *conf, const struct conf_council *council,
			   const char *addr);

/* Profile catalogue (shipped). */
const struct conf_profile *conf_profile_find(const char *id);
const struct conf_profile *const *conf_profiles(size_t *n_r);

/* Names <-> enums; *_parse return -1 on an unknown name. */
const char *conf_rule_id(enum conf_rule rule);
int conf_rule_parse(const char *id, enum conf_rule *rule_r);
const char *conf_action_name(enum conf_action action);
int conf_action_parse(const char *name, enum conf_action *action_r);
const char *conf_phrase_set_name(enum conf_phrase_set set);

#endif
