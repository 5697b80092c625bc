#ifndef COUNCIL_PARSER_H
#define COUNCIL_PARSER_H

/*
 * parser: one GMime parse of a message in, a plain-C message model out, and
 * the MIME-safe footer writer. No GMime type appears in this header.
 *
 * Conventions: functions returning int return 0 on success, -1 on failure
 * with *error_r set as util/util.h says (the text is not the caller's to
 * free). A model never
 * points into the caller's buffer; everything is owned by the model.
 * All text in the model is valid UTF-8.
 */

#include <stdbool.h>
#include <stddef.h>

/* Call once per process before any other parser function (g_mime_init). */
void parser_init(void);
void parser_shutdown(void);

/* Limits; a zero field means the default (parser-private.h). Past the depth
   or part limit the parser reads no further into the structure (what lies
   beyond is left out of the model, and the message is never rewritten);
   the lines of a header block past max_header_bytes are left out before
   GMime reads them (a field that starts within the limit is read as far as
   the limit; the engine does not judge a message whose own header section
   is over it: engine/engine.c). */
struct parser_limits {
	size_t max_header_bytes;	/* default 1 MiB, per header block */
	unsigned max_depth;		/* default 32, at most 256 */
	unsigned max_parts;		/* default 1000 MIME entities */
	size_t max_text_bytes;		/* default 1 MiB of decoded text read */
	unsigned max_html_attributes;	/* default 100 per HTML start tag, at most
					   1000; the rest of the tag is dropped */
	unsigned max_html_depth;	/* default 256 open HTML elements, at most
					   4096; HTML past it is not read */
};

/* Flags the policy can act on: limits hit, oddities seen. */
enum parser_flag {
	PARSER_FLAG_HEADER_LIMIT = 1u << 0,
	PARSER_FLAG_DEPTH_LIMIT = 1u << 1,
	PARSER_FLAG_PART_LIMIT = 1u << 2,
	PARSER_FLAG_TEXT_TRUNCATED = 1u << 3,
	PARSER_FLAG_MALFORMED = 1u << 4,	/* GMime reported structural damage */
	PARSER_FLAG_SIGNED = 1u << 5,		/* multipart/signed, inline PGP signature */
	PARSER_FLAG_ENCRYPTED = 1u << 6,	/* multipart/encrypted, pkcs7-mime, PGP message */
	PARSER_FLAG_ANNOTATED = 1u << 7,	/* carries our footer already (second pass) */
	PARSER_FLAG_NO_TEXT = 1u << 8,		/* no text/plain or text/html body */
	PARSER_FLAG_HTML_ATTRIBUTE_LIMIT = 1u << 9,	/* an HTML tag's attributes cut */
	PARSER_FLAG_HTML_DEPTH_LIMIT = 1u << 10	/* HTML nested too deep to read on */
};

/* The flags that say a limit left part of the message unread. */
#define PARSER_FLAGS_INCOMPLETE (PARSER_FLAG_HEADER_LIMIT | PARSER_FLAG_DEPTH_LIMIT | \
				 PARSER_FLAG_PART_LIMIT | PARSER_FLAG_TEXT_TRUNCATED | \
				 PARSER_FLAG_HTML_ATTRIBUTE_LIMIT | \
				 PARSER_FLAG_HTML_DEPTH_LIMIT)

/* The name of the limits setting behind FLAG, one flag of
   PARSER_FLAGS_INCOMPLETE ("max_depth" for PARSER_FLAG_DEPTH_LIMIT, the key
   an administrator raises), or NULL for any other flag. */
const char *parser_limit_key(unsigned flag);

enum parser_field {
	PARSER_FROM = 0, PARSER_SENDER, PARSER_REPLY_TO, PARSER_TO, PARSER_CC, PARSER_BCC,
	PARSER_RESENT_FROM, PARSER_RESENT_SENDER, PARSER_RESENT_TO, PARSER_RESENT_CC,
	PARSER_RESENT_BCC,
	PARSER_FIELD_COUNT
};

struct parser_address {
	char *name;		/* decoded display name, "" when none */
	char *addr;		/* addr-spec as written (case kept), no angle brackets;
				   for a field GMime cannot read that holds an '@',
				   the field as written (the policy: a third party) */
};

struct parser_address_list {
	struct parser_address *items;	/* groups flattened, duplicates folded */
	size_t n;
};

/* Where a part sits: the author's own message, or carried inside it. */
/* Every leaf part, and every message/rfc822 part (as one entry, followed by
   the parts of the message it carries). */
struct parser_part {
	char *content_type;	/* "type/subtype", lower case */
	char *disposition;	/* "attachment", "inline" or "" */
	char *filename;		/* RFC 2231 / 2047 decoded, "" when none */
	size_t size;		/* encoded bytes of the part content */
	unsigned depth;		/* 0 = top level */
	bool in_embedded;	/* inside a message/rfc822 part */
};

/* A message carried inside this one (message/rfc822 part or inline forward). */
struct parser_embedded {
	char *subject;
	char *sensitivity;	/* its Sensitivity: header, "" when none */
	char *text;		/* its decoded text, bounded by max_text_bytes */
	bool attached;		/* true: a message/rfc822 part; false: inline forward */
};

struct parser_message {
	struct parser_address_list fields[PARSER_FIELD_COUNT];
	char *subject;		/* decoded; "" when none */
	char *message_id;	/* without angle brackets; "" when none */
	char *in_reply_to;	/* without angle brackets; "" when none */
	char **references;	/* Message-IDs without angle brackets */
	size_t n_references;
	char *sensitivity;	/* Sensitivity: header value, "" when none */
	char **classifications;	/* values of X-Classification, Classification,
				   X-Protective-Marking, Importance-like markers */
	size_t n_classifications;

	struct parser_part *parts;	/* every leaf part, document order */
	size_t n_parts;
	struct parser_embedded *embedded;
	size_t n_embedded;

	/* The author's own words, as UTF-8, from every text part a reader sees:
	   each text/plain and text/html part not offered as an attachment, in
	   every alternative of a multipart/alternative (text from HTML as a
	   mail client lays it out); quoted and forwarded material and our own
	   earlier footers left out; the signature block separated.
	   Text that HTML hides from the reader (display:none, visibility,
	   a zero font size, the hidden attribute, simple <style> rules that
	   do the same; and text few clients show: <noscript>, inline SVG,
	   CSS content:, image alt text) is here too, each run on a line of
	   its own, so that a rule looking for what must not be said (a
	   marking, an instruction) reads it; the text around it reads as
	   shown ("CONFI<span hidden>x</span>DENTIAL" is "CONFIDENTIAL"), and
	   it makes no structure (a hidden "-- " or reply header changes
	   nothing). */
	char *own_text;
	char *quoted_text;	/* '>' lines, "On ... wrote:", Outlook blocks, forwards,
				   and the text of attached messages */
	char *signature;	/* after "-- " or a recognised sign-off; "" when none */
	/* What a mail client shows of own_text and signature: without the
	   hidden text, and of a multipart/alternative only the alternative a
	   client shows (the last with text, RFC 2046). A rule that something
	   the author said satisfies (a capacity statement) reads these. */
	char *own_text_shown;
	char *signature_shown;

	unsigned flags;		/* enum parser_flag */
	size_t size;		/* bytes parsed */

	struct parser_private *priv;	/* the GMime tree, for the annotator */
};

/* Parse DATA (a whole RFC 5322 message, LF or CRLF). Never fails on bad
   MIME: damage sets PARSER_FLAG_MALFORMED. Fails only on resource errors. */
int parser_parse(const char *data, size_t len, const struct parser_limits *limits,
		 struct parser_message **msg_r, const char **error_r);
void parser_message_free(struct parser_message **msg);
/* The decoded content (transfer encoding removed) of MSG->parts[INDEX], a
   leaf part, at most MAX bytes: *data_r (g_free; NUL-terminated past
   *len_r is not promised) and *truncated_r when there was more. The
   attached documents the confidential rule reads come from here. */
int parser_part_content(const struct parser_message *msg, size_t index, size_t max,
			char **data_r, size_t *len_r, bool *truncated_r, const char **error_r);
/* As parser_parse, but DATA (LEN bytes from g_malloc) becomes the model's
   own copy instead of being copied: a message may be tens of megabytes.
   DATA is the model's or freed, whatever the outcome. */
int parser_parse_take(char *data, size_t len, const struct parser_limits *limits,
		      struct parser_message **msg_r, const char **error_r);
/* As parser_parse, but the model reads DATA where it is, without a copy
   (the engine's way: it keeps the message it received as its only copy).
   DATA is never written; it must stay allocated and unchanged until
   parser_message_free. */
int parser_parse_in_place(const char *data, size_t len, const struct parser_limits *limits,
			  struct parser_message **msg_r, const char **error_r);

/* The header members of the model (fields, subject, message_id,
   in_reply_to, references, sensitivity, classifications) from the
   top-level header block alone, DATA[0, LEN) up to and including its blank
   line, without reading the body: the values parser_parse gives for any
   message that starts with this block, read by the same code from the same
   raw field values. The other members are empty; such a model cannot be
   annotated. ONLY, when not NULL, names (NULL-terminated) the only fields
   read: the members of the others stay empty, and cost nothing. Returns 1
   with *MSG_R; 0 (no model) when the whole parse would not read the block
   field by field as it stands (a line that is no field, no blank line at
   LEN, a NUL, more than max_header_bytes): then parse the whole message. */
int parser_parse_headers(const char *data, size_t len, const struct parser_limits *limits,
			 const char *const *only, struct parser_message **msg_r);

/* What a person reviewing a message is shown (council-review-web): the
   header fields a mail client shows, decoded; the text of each body part a
   client shows, HTML as text (never rendered: no markup, script, form, image
   or link survives), with the text HTML hides from readers kept and marked
   "[hidden from readers]"; and every other part (attachments, attached
   messages, alternatives clients pass over) listed, never opened. All text
   is UTF-8; it is not escaped for any output. */
struct parser_view_field {
	char *name;		/* "From", as listed here, whatever its case */
	char *value;		/* decoded */
};

struct parser_view_text {
	char *content_type;	/* "text/plain" or "text/html" */
	char *text;
	bool truncated;		/* more than the text budget: cut */
};

struct parser_view_file {
	char *filename;		/* decoded, "" when none */
	char *content_type;
	size_t size;		/* encoded bytes */
	const char *note;	/* what it is besides a file, or NULL */
};

struct parser_view {
	struct parser_view_field *fields;
	size_t n_fields;
	struct parser_view_text *texts;
	size_t n_texts;
	struct parser_view_file *files;
	size_t n_files;
};

/* The view of MSG, reading at most MAX_TEXT_BYTES of decoded text in all
   (0: the default text limit). */
int parser_view(const struct parser_message *msg, size_t max_text_bytes,
		struct parser_view **view_r, const char **error_r);
void parser_view_free(struct parser_view **view);

/* Length of the header block at the start of DATA, including the blank
   line that ends it. A line that is no header field (an indented first line
   included) ends the block too and is then the first line of the body, as
   Postfix and Sendmail see it; a leading mbox "From " line belongs to the
   block. The one answer to where the header block ends: the engine loads
   messages by it. */
size_t parser_header_length(const char *data, size_t len);

/* Every footer we write is wrapped in these two lines (in HTML, as the
   first and last paragraph of one <div>), so that our earlier footers are
   recognised: left out of the author's text and never added twice. */
#define PARSER_FOOTER_BEGIN "---- Council mail notice ----"
#define PARSER_FOOTER_END "---- End of council mail notice ----"

/* A footer notice: the same words as plain text and as HTML, without the
   BEGIN/END lines, which parser_annotate adds. */
struct parser_footer {
	const char *text;	/* UTF-8, lines separated by '\n' */
	const char *html;	/* an HTML fragment; NULL: derived from text */
};

/* The annotated message, as the milter needs it: the new body and the
   top-level MIME headers that changed (NULL: unchanged). */
struct parser_annotated {
	char *body;			/* CRLF line endings, no header block */
	size_t body_len;
	char *content_type;		/* new top-level values, unfolded, or NULL: */
	char *content_transfer_encoding;	/* set the field (add it when missing) */
	char *mime_version;
	unsigned n_text_parts;		/* how many bodies got the footer */
};

enum parser_annotate_status {
	PARSER_ANNOTATE_DONE = 0,	/* footer added */
	PARSER_ANNOTATE_ALREADY,	/* the footer is there already: nothing to do */
	PARSER_ANNOTATE_REFUSED		/* the body must not change: signed or
					   encrypted; or not safe to rewrite
					   (limits hit, conflicting MIME fields,
					   a body other readers could split
					   differently) */
};

/* Why parser_annotate would refuse MSG a footer: "encrypted", "signed" or
   "body cannot be changed" (limits hit, conflicting MIME fields); NULL when
   its body can take one. The policy decides before the footer is written
   what a message gets whose notice cannot go in its body. */
const char *parser_rewrite_refusal(const struct parser_message *msg);

/* Add FOOTER to every first text/plain and text/html body (each branch of
   multipart/alternative), keeping transfer encodings and charsets, never
   touching attachments, message/rfc822 or signed/encrypted parts. A message
   without a text part gets a new text/plain part in a multipart/mixed
   wrapper. *status_r says what happened; *out_r is set only for DONE. */
int parser_annotate(struct parser_message *msg, const struct parser_footer *footer,
		    enum parser_annotate_status *status_r,
		    struct parser_annotated **out_r, const char **error_r);
void parser_annotated_free(struct parser_annotated **out);

/* A header value made safe to write: UTF-8 kept (invalid bytes become
   U+FFFD), CR, LF, NUL and other C0/C1 control characters replaced by
   spaces, runs of spaces collapsed, trimmed, cut to at most MAX_LEN bytes on
   a character boundary (0: 998). Returns a newly allocated string (g_free). */
char *parser_header_sanitise(const char *value, size_t max_len);

/* Fold a header "Name: value" at whitespace to lines of at most 78 octets
   where possible, continuation lines starting with a tab ("\n\t" between
   lines). Returns the folded value only (g_free), without the name and
   without a trailing newline. */
char *parser_header_fold(const char *name, const char *value);

/* The value of an address-list field (Cc:) that holds what VALUES (the
   field's values as written: several when the header had several such
   fields) held, followed by MAILBOXES (RFC 5322 text). Each value is kept
   as written, groups, comments and encoded words included; only what it
   leaves open (a quoted string, a comment, an angle address, a group) is
   closed and trailing commas dropped, so that MAILBOXES stand on their own.
   Not sanitised: the caller writes it as any header value. (g_free) */
char *parser_address_list_append(const char *const *values, size_t n_values,
				 const char *mailboxes);

#endif
