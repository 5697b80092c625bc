#ifndef COUNCIL_AUDIT_H
#define COUNCIL_AUDIT_H

/*
 * audit: what council-milter and its tools leave behind to be checked: the
 * journal, and the marker that proves a notice is ours.
 *
 * journal: the audit journal (SPEC 6), one JSON object per line, one line per
 * decision of the daemon and per review action of council-review. The file is
 * opened O_APPEND and each line goes out in one write() under a mutex, so
 * lines from concurrent connections never interleave, and lines council-review
 * appends at the same time land whole. A line for a held or refused message is
 * flushed to disk (fdatasync) before the verdict goes back to the MTA.
 *
 * Errors (util.h): -1 with *error_r naming the file and the reason.
 * Everything here is thread-safe.
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <json-glib/json-glib.h>

#define JOURNAL_PREV "prev"
#define JOURNAL_SEQ "seq"
#define JOURNAL_HASH_HEX 64

struct journal;

/* A place in the chain: a line's number and its hash, the values the line
   after it carries. */
struct journal_link {
	guint64 seq;				/* 0: a line without a number */
	char hash[JOURNAL_HASH_HEX + 1];	/* "": not known */
};

/* Where a chain begins: seq 0, 64 zeros. */
extern const struct journal_link journal_genesis;

/* Open PATH for appending (created 0640 when missing). */
int journal_open(const char *path, struct journal **journal_r, const char **error_r);
void journal_close(struct journal **journal);
const char *journal_path(const struct journal *journal);

/* Open the same path again and switch to it (after log rotation: the old
   file was renamed). On failure the file in use stays in use. */
int journal_reopen(struct journal *journal, const char **error_r);

/* Append LINE (one JSON object, no newline) and a newline in one write();
   SYNC: fdatasync before returning. A write cut short (disk full) is ended
   with a newline, so the lines after it still parse, and reported. */
int journal_append(struct journal *journal, const char *line, bool sync,
		   const char **error_r);

/* A line under construction: an object with "time" (ISO 8601, UTC, to the
   second) and "event" already set. journal_line_end closes it and returns the
   text, without newline (g_free). */
JsonBuilder *journal_line_begin(const char *event);
char *journal_line_end(JsonBuilder *builder);

/* The text of what BUILDER built (its value complete), on one line or, with
   PRETTY, indented for people to read; BUILDER is unreferenced. g_free. */
char *journal_json_text(JsonBuilder *builder, bool pretty);

/* Member NAME with VALUE as a string (made valid UTF-8, without the
   characters util_text_visible drops), or null when VALUE is NULL. */
void journal_add_string(JsonBuilder *builder, const char *name, const char *value);

/* The string member NAME of O, or NULL when absent or not a string. */
const char *journal_member_string(JsonObject *o, const char *name);

/* Call FN for each line of PATH that is a JSON object, oldest first; lines
   that are not (a write cut short) are skipped. FN returns false to stop.
   Returns -1 when PATH cannot be read. */
int journal_foreach(const char *path, bool (*fn)(JsonObject *line, void *ctx), void *ctx,
		    const char **error_r);

/* Following the journal as it grows (follow.c): each journal_follow_read
   calls FN for the lines added since the one before, whole lines only (the
   first reads the last rotation, PATH.1, and PATH from its start); after a
   rotation it reads the old file to its end and the new from its start. */
struct journal_follow;

struct journal_follow *journal_follow_new(const char *path);
int journal_follow_read(struct journal_follow *follow,
			bool (*fn)(JsonObject *line, void *ctx), void *ctx, const char **error_r);
void journal_follow_free(struct journal_follow **follow);

/* ---- the chain (chain.c) ---- */

/* SHA-256 of DATA (GLib's GChecksum) as 64 lower-case hex digits. */
void journal_hash(const char *data, size_t len, char hex_r[JOURNAL_HASH_HEX + 1]);

/* The link of the last line of the file open as FD (read with pread): its
   hash and seq. Returns 0; 1 when the file does not end in a newline (the
   hash is that of the line with one added, as a writer adds it); -1 when
   the file is empty or cannot be read. */
int journal_tail_link(int fd, struct journal_link *link_r);

/* The chain members LINE (LEN bytes, no newline) begins with: the link it
   follows, into *PREV_R. False when it carries none. */
bool journal_line_prev(const char *line, size_t len, struct journal_link *prev_r);

/* The journal PATH and its rotations that exist (PATH.N or PATH.N.gz, down
   to PATH.1), oldest first, then PATH; PATH alone when none exists (the
   array frees them). */
GPtrArray *journal_files(const char *path);

/* Call FN for each line of PATH (gzip-compressed when it ends in ".gz"):
   its bytes without the newline, their length, its number from 1, and
   whether a newline ended it (only the last line may lack one). FN returns
   false to stop. -1 when PATH cannot be read. */
int journal_foreach_raw(const char *path,
			bool (*fn)(const char *line, size_t len, unsigned long number,
				   bool newline, void *ctx),
			void *ctx, const char **error_r);

/* Where the chain breaks, and what that means. */
enum journal_break_kind {
	JOURNAL_BREAK_CHANGED,		/* the line before was changed */
	JOURNAL_BREAK_REMOVED,		/* lines were removed before this one */
	JOURNAL_BREAK_ADDED,		/* this line was added (no hash, or a copy's) */
	JOURNAL_BREAK_NO_HASH,		/* this line has no hash: changed or added */
	JOURNAL_BREAK_ORDER,		/* this line does not follow (moved, copied) */
	JOURNAL_BREAK_LINK,		/* a file does not follow the file before it */
	JOURNAL_BREAK_CUT,		/* the last line has no newline */
};

struct journal_break {
	char *file;
	unsigned long line;		/* where the break shows */
	enum journal_break_kind kind;
	unsigned long suspect;		/* the line changed or added; 0: LINE itself */
	guint64 missing;		/* REMOVED: how many records are missing */
	char *text;			/* a sentence for a person */
};

struct journal_verify {
	unsigned long n_lines;		/* every file's */
	unsigned n_files;
	/* The chain starts after lines without hashes (written by a version
	   before the chain): the first line with one. file NULL: none lacks
	   one; n_unchained counts them. */
	char *chain_file;
	unsigned long chain_line;
	unsigned long n_unchained;
	bool no_chain;			/* no line carries a hash */
	bool continues;			/* the first chained line follows a file not given */
	guint64 first_seq;		/* the first chained line's number */
	struct journal_link head;	/* the last line's hash and seq */
	char *head_file;
	unsigned long head_line;
	unsigned long not_json;		/* lines that are no JSON object (cut short) */
	GArray *breaks;			/* struct journal_break, in file order */
};

/* Check the chain through FILES (oldest first, each following the one
   before). -1 when a file cannot be read. */
int journal_verify(const char *const *files, size_t n_files, struct journal_verify **verify_r,
		   const char **error_r);
void journal_verify_free(struct journal_verify **verify);

/* A line about one message, with what verifies it. */
struct journal_record {
	char *file;
	unsigned long line;
	char *text;			/* the line as in the file, no newline */
	struct journal_link self;	/* its own hash and seq */
	struct journal_link prev;	/* what it says it follows (seq 0: none) */
	char *next_prev;		/* the next line's "prev": NULL, none follows */
	JsonObject *object;		/* the line parsed */
};

void journal_record_free(struct journal_record *record);

/* Every line of FILES whose queue_id or message_id (without angle
   brackets) is ID, in order (struct journal_record *, the array frees
   them). */
int journal_records_about(const char *const *files, size_t n_files, const char *id,
			  GPtrArray **records_r, const char **error_r);

/*
 * report: what the journal says happened in a period, counted, for the
 * Clerk's report to the council (council-review report; the web page).
 * Decisions are counted when they were made, review actions when they were
 * taken; a hold is followed from its decision (which may be older than the
 * period) to the review that ended it.
 *
 * A reviewer's verdict on a hold, where the review records one, is the
 * member JOURNAL_VERDICT of the review line that released or returned it
 * (the web page, council-review release/delete), one of the values below;
 * the report gives each rule whose finding held the message its precision:
 * the share of its reviewed holds that were breaches. A review line with
 * via "hold_expiry" is the expiry job's (hold.h), not a person's.
 */

#define JOURNAL_VERDICT "verdict"
#define JOURNAL_VERDICT_BREACH "breach"		/* a breach, held rightly */
#define JOURNAL_VERDICT_ALLOWED "breach-allowed"	/* a breach, but allowed */
#define JOURNAL_VERDICT_NO_BREACH "no-breach"	/* no breach: the filter was wrong */

enum report_action {
	REPORT_ACCEPT, REPORT_ANNOTATE, REPORT_HOLD, REPORT_REJECT, REPORT_TEMPFAIL,
	REPORT_ACTIONS
};

/* "accept", "annotate", "hold", "reject", "tempfail": the journal's words. */
extern const char *const report_action_names[REPORT_ACTIONS];

#define REPORT_SENDERS 5

struct report_finding {
	char *rule;
	char *clause;			/* as the council's profile cites it */
	unsigned long n;
	unsigned long by_action[REPORT_ACTIONS];	/* the finding's own action */
	unsigned long monitor;
};

struct report_sender {
	char *address;			/* the author (From:), else the envelope sender */
	char *name;			/* NULL: not a person of the directory */
	unsigned long held;
};

struct report_precision {
	char *rule;
	unsigned long verdicts, breach, allowed, no_breach;
};

struct report {
	time_t since, until;		/* the period: since <= time < until */
	char *council;			/* NULL: every council */
	unsigned long judged;		/* decisions, our own notices not counted */
	unsigned long actions[REPORT_ACTIONS];	/* what happened to them */
	unsigned long other_actions;
	unsigned long notices;		/* our own notices, passed unjudged */
	GArray *findings;		/* struct report_finding, by rule and clause */
	unsigned long held;		/* held in the period */
	unsigned long still_held;	/* of those, not reviewed when it ended */
	unsigned long released, returned, expired;	/* in the period */
	unsigned long reviewed;		/* released or returned by a person */
	gint64 median_review_seconds;	/* from the hold to the review; -1: none */
	GArray *senders;		/* struct report_sender, the REPORT_SENDERS busiest */
	GArray *precision;		/* struct report_precision, by rule */
	unsigned long verdicts_unknown;	/* verdicts not understood */
	unsigned long lines, unreadable;	/* lines read, lines not understood */
};

/* Count what FILES (oldest first) record for the period [SINCE, UNTIL)
   and COUNCIL (its name; NULL: all). -1 when a file cannot be read. */
int report_build(const char *const *files, size_t n_files, time_t since, time_t until,
		 const char *council, struct report **report_r, const char **error_r);
void report_free(struct report **report);

/*
 * marker: how the daemon knows its own notices. Each notice carries the header
 * MARKER_HEADER, "v2 EXPIRES HMAC": an HMAC-SHA256, under a per-installation
 * secret (the notice_key file, created 0600 on first use), of what the notice
 * is (its Message-ID, Date, Subject and content type, its envelope
 * recipients, a SHA-256 of its body) and of when the marker stops being
 * honoured (EXPIRES, MARKER_LIFETIME after it was made). Notices are sent
 * from the null sender. The engine passes a message unjudged only when all of
 * that holds, and removes the marker before delivery, so the secret's work
 * never leaves the server; a marker copied onto other content, other
 * recipients, or used too late is judged like any other message. The From:
 * and To: headers are not bound: Postfix may rewrite their addresses.
 *
 * Errors: as util.h says.
 */

#define MARKER_HEADER "Council-Policy-Notice"

/* How long a marker is honoured: a notice waits no longer than this for
   the filter (a daemon down over a long weekend); later, it is judged. */
#define MARKER_LIFETIME (3 * 24 * 3600)

/* The headers a marker binds, each of which a marked notice has exactly
   once; marker_facts.headers holds their values in this order. */
#define MARKER_N_HEADERS 5
extern const char *const marker_headers[MARKER_N_HEADERS];

/* What a marker vouches for: a notice as it was written, or a message as it
   arrived. Header values may be folded; blanks count as one space. */
struct marker_facts {
	const char *headers[MARKER_N_HEADERS];	/* NULL: absent */
	const char *const *rcpts;		/* the envelope recipients */
	size_t n_rcpts;
	const char *body;			/* LF or CRLF line ends */
	size_t body_len;
};

struct marker_key;

/* Read the secret from PATH; when it does not exist and CREATE, make a new
   one (random, written atomically, mode 0600). A key file that others may
   read or that is malformed is refused. */
int marker_key_load(const char *path, bool create, struct marker_key **key_r,
		    const char **error_r);
void marker_key_free(struct marker_key **key);

/* The header value that marks the notice FACTS describe, honoured until
   NOW + MARKER_LIFETIME. g_free. */
char *marker_value(const struct marker_key *key, const struct marker_facts *facts, time_t now);

/* Does VALUE mark the message FACTS describe under KEY, and is it still
   honoured at NOW? Compared in constant time. */
bool marker_valid(const struct marker_key *key, const struct marker_facts *facts,
		  const char *value, time_t now);

#endif
