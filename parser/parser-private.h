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
/* libxml2's costs per HTML tag grow with these (html-bound.c). */
#define PARSER_HTML_ATTRIBUTES_CEILING 1000u
#define PARSER_HTML_DEPTH_CEILING 4096u

#define PARSER_DEFAULT_HEADER_BYTES (1024u * 1024u)
#define PARSER_DEFAULT_DEPTH 32u
#define PARSER_DEFAULT_PARTS 1000u
#define PARSER_DEFAULT_TEXT_BYTES (1024u * 1024u)
#define PARSER_DEFAULT_HTML_ATTRIBUTES 100u
#define PARSER_DEFAULT_HTML_DEPTH 256u

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
	/* Text parts read whole, decoded (struct decoded_text), kept for the
	   footer (annotate.c), which would decode them again; small ones
	   only (DECODED_KEEP_MAX). */
	GArray *decoded_text;
};

#define DECODED_KEEP_MAX (256 * 1024)

struct decoded_text {
	GMimePart *part;
	GByteArray *bytes;	/* NULL once taken */
};

/* The decoded content of PART kept by the model, taken (the caller frees
   it), or NULL. */
GByteArray *decoded_text_take(struct parser_private *priv, GMimePart *part);

/* ---- prescan.c: bound what GMime is handed ---- */

struct prescan_result {
	GByteArray *copy;	/* NULL: nothing cut, parse the input as is */
	unsigned flags;		/* PARSER_FLAG_{DEPTH,PART,HEADER}_LIMIT */
	size_t cut_offset;	/* offset in the bytes handed to GMime of the first
				   cut in the body; SIZE_MAX when none */
	bool body_cut;		/* something of the body was left out */
	size_t header_bytes;	/* length of the top-level header block */
	size_t header_removed;	/* bytes of it left out (past max_header_bytes) */
	bool mime_field_cut;	/* a MIME field among them */
	bool header_unterminated;	/* it ended at a line that is no field,
					   not at a blank line */
};

/* Scan the MIME structure of DATA without building it: entities nested deeper
   than MAX_DEPTH lose their content, everything after the MAX_PARTS'th
   entity is left out, and so are the lines of a header block past
   MAX_HEADER_BYTES, in a copy. Iterative, O(lines * depth). */
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
/* LEN less the bytes of a UTF-8 sequence cut short at the end of P (text
   cut by a limit in the middle of a character). */
size_t utf8_whole_chars(const guint8 *p, size_t len);
/* S made valid UTF-8 in place or replaced (g_free'able result). */
char *utf8_clean(char *s);

/* ---- signed.c: what counts as signed or encrypted ---- */

/* PARSER_FLAG_SIGNED or PARSER_FLAG_ENCRYPTED when TEXT (a body's first
   text, UTF-8) is a well-formed inline PGP block and nothing else; else 0. */
unsigned pgp_inline_kind(const char *text, size_t len);
/* OBJ is a multipart/signed with a real signature part (the protocol's
   type, a signature of that kind); a fake one is an ordinary multipart. */
bool signed_multipart_is_real(GMimeObject *obj);

/* ---- html-bound.c: what libxml2's HTML parser is handed ---- */

struct html_limits {
	unsigned max_attributes;	/* per start tag; 0: the default */
	unsigned max_depth;		/* open elements; 0: the default */
};

/* HTML with at most MAX_ATTRIBUTES attributes in each start tag (the rest
   of the tag dropped, its end kept): a new string (*len_r, *cut_r set), or
   NULL when nothing was cut. Linear in LEN. */
char *html_bound_attributes(const char *html, size_t len, unsigned max_attributes,
			    size_t *len_r, bool *cut_r);
/* HTML (UTF-8) parsed by libxml2 with LIM (NULL: the defaults): attributes
   bounded as above, the parse stopped past max_depth open elements; each
   cut adds its PARSER_FLAG_HTML_*_LIMIT to *FLAGS_R. NULL when libxml2
   gives no document. */
struct _xmlDoc *html_read_bounded(const char *html, size_t len, const struct html_limits *lim,
				  unsigned *flags_r);

/* ---- footer.c: the footer in both forms ---- */

/* What the footer looks like in one text body. */
struct footer_bytes {
	char *plain;		/* UTF-8, '\n' line ends, BEGIN/END lines included */
	char *html;		/* ASCII: non-ASCII as character references */
	char *text;		/* the notice's text, valid UTF-8 */
	char *norm_text;	/* footer_normalise of text, for ALREADY: made on
				   first use (most messages carry no footer) */
	char *norm_html;	/* the same of the HTML variant as text, made
				   by footer_already_there when needed */
	char *source_html;	/* the notice's own HTML, NULL: derived */
};

void footer_build(const struct parser_footer *f, struct footer_bytes *fb);
void footer_clear(struct footer_bytes *fb);
/* PRIV's text carries this footer already (unquoted). */
bool footer_already_there(const struct parser_private *priv, struct footer_bytes *fb);

/* ---- html-footer.c: where the HTML footer goes ---- */

/* Where the footer goes in HTML (a body's decoded text): *at_r, before the
   last real </body>, else the end; *close_r, what must come before it to
   end what is open there (a comment, raw text, a tag, elements that could
   hide it), g_free. False when no footer written into it could be seen
   (<plaintext>, <frameset>, ...): wrap the message instead. */
bool html_footer_place(const char *html, size_t len, size_t *at_r, char **close_r);
/* What ends everything left open at the end of HTML ("" when nothing is),
   g_free; NULL when nothing can (as above). */
char *html_footer_closers(const char *html, size_t len);

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

/* Plain text from HTML (UTF-8 in, UTF-8 out), read within LIM (NULL: the
   defaults); a cut adds its flag to *FLAGS_R (may be NULL). Quoted regions (blockquote,
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
char *html_to_text(const char *html, size_t len, const struct html_limits *lim,
		   unsigned *flags_r);
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

/* A top-level header field as GMime's parser keeps it: the name without
   the blanks before the colon, and the raw value, everything after the
   colon up to and including the field's last line end, folds kept. */
struct model_header {
	const char *name;
	const char *raw;
};

/* The model's header members (fields, subject, message_id, in_reply_to,
   references, sensitivity, classifications) from HEADERS[0, N), in order:
   the one reading of header fields, whether GMime or parser_parse_headers
   split them. */
void model_read_headers(struct parser_message *msg, GMimeParserOptions *options,
			const struct model_header *headers, size_t n);
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
