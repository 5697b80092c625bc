#ifndef COUNCIL_PARSER_PRIVATE_H
#define COUNCIL_PARSER_PRIVATE_H

/*
 * Internals shared by the parser's modules. Not a contract: only parser/
 * and its tests include this file.
 */

#include <gmime/gmime.h>
#include <stdint.h>

#include "parser/parser.h"

/* Hard ceilings on the configurable limits. GMime itself stops nesting at
   1024 levels, and its boundary scan costs O(depth) per line, so depth is
   kept far below that whatever the configuration says. */
#define PARSER_DEPTH_CEILING 256u

#define PARSER_DEFAULT_HEADER_BYTES (1024u * 1024u)
#define PARSER_DEFAULT_DEPTH 32u
#define PARSER_DEFAULT_PARTS 1000u
#define PARSER_DEFAULT_TEXT_BYTES (1024u * 1024u)

struct parser_private {
	GByteArray *data;		/* the bytes GMime parsed (see prescan) */
	bool data_borrowed;		/* data wraps the caller's bytes
					   (parser_parse_in_place): read only */
	GMimeStream *stream;		/* memory stream over data */
	GMimeParserOptions *options;	/* loose modes, fallback charsets */
	GMimeMessage *message;
	size_t body_offset;		/* first byte of the body in data */
	bool no_rewrite;			/* prescan left something out, or
					   nothing readable: never rewrite */
	bool mime_conflict;		/* MIME fields conflict: readers differ
					   on the structure, so only wrap it */
	/* Our earlier footers found unquoted in body text, whitespace-normalised
	   (footer_normalise), for the second-pass check. */
	GPtrArray *footers_seen;
	/* Messages carried encoded (base64 message/rfc822), decoded and
	   parsed on their own: GMimeMessage *, owned. */
	GPtrArray *decoded;
	/* The GMimeObject of each entry of the model's parts, same index
	   (parser_part_content); owned by the trees above. */
	GPtrArray *part_objects;
};

/* ---- prescan.c: bound what GMime is handed ---- */

struct prescan_result {
	GByteArray *copy;	/* NULL: nothing cut, parse the input as is */
	unsigned flags;		/* PARSER_FLAG_{DEPTH,PART,HEADER}_LIMIT */
	size_t cut_offset;	/* offset in the bytes handed to GMime of the first
				   cut; SIZE_MAX when none */
	size_t header_bytes;	/* length of the top-level header block */
	bool header_unterminated;	/* it ended at a line that is no field,
					   not at a blank line */
};

/* Scan the MIME structure of DATA without building it: entities nested deeper
   than MAX_DEPTH lose their content, and everything after the MAX_PARTS'th
   entity is left out, in a copy. Header blocks longer than MAX_HEADER_BYTES
   only set a flag. Iterative, O(lines * depth). */
void prescan(const char *data, size_t len, unsigned max_depth, unsigned max_parts,
	     size_t max_header_bytes, struct prescan_result *res_r);

/* ---- charset.c ---- */

/* BYTES in CHARSET (NULL: undeclared) as valid UTF-8: unknown charsets and
   undeclared 8-bit text are read as UTF-8 when valid, else windows-1252;
   invalid sequences become U+FFFD; NUL bytes are kept. Never fails. */
char *charset_to_utf8(const char *bytes, size_t len, const char *charset, size_t *len_r);
/* UTF8 converted to CHARSET without loss, or NULL when CHARSET cannot
   represent it, is unknown, or is not ASCII-compatible. */
char *charset_from_utf8(const char *utf8, size_t len, const char *charset, size_t *len_r);
/* True when CHARSET (NULL: us-ascii) keeps ASCII bytes as they are. */
bool charset_ascii_compatible(const char *charset);
/* The decoded (transfer encoding removed) content of PART, at most MAX
   bytes; *truncated_r set when there was more. */
GByteArray *part_decoded_content(GMimePart *part, size_t max, bool *truncated_r);
/* S made valid UTF-8 in place or replaced (g_free'able result). */
char *utf8_clean(char *s);

/* ---- css.c: what CSS hides, and the text it adds ---- */

enum css_tri { CSS_UNSET = 0, CSS_OFF, CSS_ON };

/* What declarations do to the visibility of an element's text. GONE is for
   good (nothing inside shows again); the others are inherited and a
   descendant can turn them off again (visibility:visible, a real font
   size, a real colour). */
struct css_hiding {
	bool gone;		/* display:none, opacity:0, mso-hide:all, a zero-size
				   box that clips, a position far off the page */
	enum css_tri invisible;	/* visibility:hidden or collapse */
	enum css_tri tiny;	/* font size zero or under 2px */
	enum css_tri clear;	/* colour transparent */
};

/* The declaration list DECLS[0, LEN) (a style attribute, a rule's body)
   into H; the strings of a content: property, if any, appended to
   CONTENT_R (one line each) when it is not NULL. */
void css_declarations(const char *decls, size_t len, struct css_hiding *h, GString *content_r);
/* FROM's settings over TO's, as a later declaration overrides. */
void css_hiding_apply(struct css_hiding *to, const struct css_hiding *from);

/* A document's style sheets: the classes and ids their simple rules hide
   (name -> struct css_hiding), and what their content: properties add. */
struct css_sheet {
	GHashTable *classes, *ids;
	GString *content;	/* one line per content: value */
};

void css_sheet_init(struct css_sheet *sheet);
void css_sheet_clear(struct css_sheet *sheet);
/* Read the style sheet CSS[0, LEN) into SHEET. */
void css_sheet_read(struct css_sheet *sheet, const char *css, size_t len);
/* The hiding SHEET gives an element of class list CLS and id ID (either
   may be NULL), applied over H. */
void css_sheet_match(const struct css_sheet *sheet, const char *cls, const char *id,
		     struct css_hiding *h);

/* ---- html.c ---- */

/* Plain text from HTML (UTF-8 in, UTF-8 out). Quoted regions (blockquote,
   Gmail's gmail_quote) come out with "> " prefixes; where Outlook's reply
   header starts (divRplyFwdMsg, or <hr> before "From:"), a line holding
   TEXT_MARK_QUOTE_REST is written so the text segmenter treats the rest as
   quoted.
   Text a mail client does not show (hidden by CSS or the hidden attribute;
   inside <noscript>, <svg> or <object>, which some clients render and some
   do not; what CSS content: adds; image alt text) comes out too, on lines
   of its own that start with TEXT_MARK_HIDDEN, after the shown paragraph
   it sat in (or before the quotation or mark that ends it): the shown text
   reads as shown ("CONFI<span hidden>x</span>DENTIAL" is "CONFIDENTIAL",
   "Please<br><span hidden>x</span>arrange" keeps its two lines together),
   and hidden elements make no structure (no line breaks where there is no
   box, no quote marks or reply markers in the shown text). */
char *html_to_text(const char *html, size_t len);
#define TEXT_MARK_QUOTE_REST "\x1e" "quote-rest" "\x1e"
#define TEXT_MARK_HR "\x1e" "hr" "\x1e"
#define TEXT_MARK_HIDDEN "\x1e" "h" "\x1e"

/* ---- text.c: own text / quoted / signature ---- */

struct text_forward {
	char *subject;		/* "" when the block named none */
	char *sensitivity;	/* "" when none */
	char *text;
};

struct text_segments {
	GString *own, *quoted, *signature;
	GString *own_shown, *signature_shown;	/* without hidden lines; only
						   from parts segmented SHOWN */
	GString *kept;			/* all but our footers, in order */
	GPtrArray *forwards;		/* struct text_forward * */
	GPtrArray *footers;		/* our footer blocks found unquoted,
					   normalised (char *) */
	bool pgp_signed, pgp_encrypted;	/* inline PGP at the start of a line */
};

void text_segments_init(struct text_segments *seg);
void text_segments_clear(struct text_segments *seg);
/* Split TEXT (UTF-8, any line endings) into SEG. OWN_SUBJECT decides whether
   an Outlook header block is a forward (FW:/Fwd:) or a reply. SHOWN: the
   text is what a mail client shows (not an alternative it passes over), so
   its shown lines go to the _shown segments too. */
void text_segment(const char *text, const char *own_subject, bool shown,
		  struct text_segments *seg);
/* Whitespace runs collapsed to one space, trimmed: how footers compare. */
char *footer_normalise(const char *text);

/* ---- rfc2047.c: encoded words, decoded strictly ---- */

/* An unstructured header value (raw, folded or not) unfolded, its encoded
   words decoded where valid and kept as written where not, as valid UTF-8,
   trimmed (g_free). */
char *rfc2047_decode_text(const char *raw);
/* An address list (raw) for GMime's parser: each encoded word outside the
   addresses written again as a valid UTF-8 word of what it says, or of
   what it was written as when it is not valid, so that GMime's lenient
   decoding cannot make names up (g_free). */
char *rfc2047_strict_addresses(const char *raw);

/* ---- model.c ---- */

/* Fill MSG from the parsed GMime message in MSG->priv. */
void model_build(struct parser_message *msg, const struct parser_limits *limits,
		 size_t header_cut);
/* A text part the rules read, and whether a mail client shows it. */
struct model_text_part {
	GMimeObject *obj;
	unsigned depth;
	bool shown;		/* false: an alternative a client passes over */
};
/* The text parts of ROOT a reader sees (struct model_text_part, document
   order): every text/plain and text/html leaf not offered as an attachment
   (a file name alone does not make one), in every alternative of a
   multipart/alternative, outside message/rfc822 parts; nothing of an
   RFC 1847 multipart/encrypted, and anything else labelled so read as
   ordinary multipart. */
GArray *model_read_text_parts(GMimeObject *root, unsigned max_depth);
bool model_part_is_attachment(GMimeObject *obj);
/* "type/subtype" in lower case (g_free). */
char *model_mime_type(GMimeObject *obj);

#endif
