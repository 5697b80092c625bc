/*
 * The author's own words, the material they quote or forward, and their
 * signature, told apart line by line. Rules read all three differently
 * (SPEC 3): an instruction in a quoted message is not the author's, a
 * capacity statement in a signature is.
 *
 * Recognised: '>' lines; "On ... wrote:" (also wrapped over two lines) and
 * "Name <addr> wrote:"; Outlook "-----Original Message-----" and
 * From:/Sent:/To:/Subject: header blocks; Gmail and Thunderbird
 * "Forwarded message" and Apple "Begin forwarded message:" blocks; "-- "
 * signature separators and sign-offs ("Kind regards", ...) followed by a
 * short block of name and title lines; our own earlier footers, which are
 * left out of all three.
 *
 * Lines of text HTML hides (TEXT_MARK_HIDDEN) are read with the lines
 * around them but recognise nothing: hidden markers cannot turn shown text
 * into a quotation, a signature or a footer of ours.
 */
#include "parser/parser-private.h"

#include <string.h>

enum line_class { L_OWN, L_QUOTED, L_SIG, L_DROP };

struct line {
	const char *raw;	/* the line as written, without its end */
	size_t raw_len;
	const char *core;	/* without quote marks and outer white space */
	size_t core_len;
	unsigned level;		/* number of '>' quote marks */
	enum line_class cls;
	bool hidden;		/* text HTML hides (TEXT_MARK_HIDDEN): read, but
				   never structure and never shown */
};

/* A sign-off block is at most this many lines of at most this length. */
#define SIGNOFF_MAX_LINES 12
#define SIGNOFF_MAX_LINE_CHARS 80
#define SIGNOFF_MAX_WORDS 10
/* How far our END line may be from our BEGIN line. */
#define FOOTER_MAX_LINES 200

static GRegex *re_forward, *re_original, *re_from, *re_header_field, *re_on_wrote,
	      *re_on_start, *re_wrote_end, *re_signoff, *re_field;

static gpointer compile_all(gpointer unused)
{
	const GRegexCompileFlags ci = G_REGEX_CASELESS;

	re_forward = g_regex_new("^(-{2,}\\s*forwarded message\\s*-{2,}|begin forwarded message:)$",
				 ci, 0, NULL);
	re_original = g_regex_new("^-{2,}\\s*original message\\s*-{2,}$", ci, 0, NULL);
	re_from = g_regex_new("^\\*{0,2}from:\\*{0,2}\\s*\\S", ci, 0, NULL);
	re_header_field = g_regex_new("^\\*{0,2}(sent|date|to|subject|cc):", ci, 0, NULL);
	re_on_wrote = g_regex_new("^on\\s.{1,250}\\bwrote:$", ci, 0, NULL);
	re_on_start = g_regex_new("^on\\s", ci, 0, NULL);
	re_wrote_end = g_regex_new("\\bwrote:$", ci, 0, NULL);
	/* Possessive name words and spaces: with plain * and {1,4}, a run of
	   capitals after "Regards," could be split into four words in every
	   way before failing (N^3 steps: 100 lines of 170 bytes took 44 s). */
	re_signoff = g_regex_new(
		"^(?i:kind(est)? regards|best regards|warm(est)? regards|regards|"
		"(with )?best wishes|with (kind|warm) regards|all the best|"
		"yours (sincerely|faithfully|truly)|sincerely|many thanks|"
		"thanks( again| very much)?|thank you( very much)?|cheers|best|with thanks|"
		"respectfully|take care)"
		"[,.!]*+(\\s*+,?\\s*+(\\p{Lu}[\\p{L}'.-]*+\\s*+){1,4})?$",
		0, 0, NULL);
	re_field = g_regex_new("^\\*{0,2}([A-Za-z][A-Za-z-]*):\\*{0,2}\\s*(.*)$", 0,
			       0, NULL);
	return unused;
}

static void compile_once(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, compile_all, NULL);
}

/* Can a line starting with S (LEN bytes) match a pattern that must start
   with one of the ASCII letters or marks in FIRSTS (any case)? Most lines
   cannot, and this costs one byte's look instead of the regex's setup. */
static bool may_start(const char *s, size_t len, const char *firsts)
{
	return len > 0 && (unsigned char)s[0] < 0x80 &&
	       strchr(firsts, g_ascii_tolower(s[0])) != NULL;
}

/* Does S (LEN bytes) end with "wrote:", in any case? */
static bool ends_wrote(const char *s, size_t len)
{
	return len >= 6 && g_ascii_strncasecmp(s + len - 6, "wrote:", 6) == 0;
}

static bool match(GRegex *re, const char *s, size_t len)
{
	return g_regex_match_full(re, s, (gssize)len, 0, 0, NULL, NULL);
}

static bool core_is(const struct line *l, const char *s)
{
	return l->core_len == strlen(s) && memcmp(l->core, s, l->core_len) == 0;
}

/* The line as written (trailing white space aside) is S. */
static bool raw_is(const struct line *l, const char *s)
{
	size_t n = strlen(s), len = l->raw_len;

	while (len > n && (l->raw[len - 1] == ' ' || l->raw[len - 1] == '\t'))
		len--;
	return len == n && memcmp(l->raw, s, n) == 0;
}

void text_segments_init(struct text_segments *seg)
{
	memset(seg, 0, sizeof(*seg));
	seg->own = g_string_new(NULL);
	seg->quoted = g_string_new(NULL);
	seg->signature = g_string_new(NULL);
	seg->own_shown = g_string_new(NULL);
	seg->signature_shown = g_string_new(NULL);
	seg->kept = g_string_new(NULL);
	seg->forwards = g_ptr_array_new();
	seg->footers = g_ptr_array_new_with_free_func(g_free);
}

void text_segments_clear(struct text_segments *seg)
{
	if (seg->own == NULL)
		return;
	g_string_free(seg->own, TRUE);
	g_string_free(seg->quoted, TRUE);
	g_string_free(seg->signature, TRUE);
	g_string_free(seg->own_shown, TRUE);
	g_string_free(seg->signature_shown, TRUE);
	g_string_free(seg->kept, TRUE);
	for (guint i = 0; i < seg->forwards->len; i++) {
		struct text_forward *f = g_ptr_array_index(seg->forwards, i);

		g_free(f->subject);
		g_free(f->sensitivity);
		g_free(f->text);
		g_free(f);
	}
	g_ptr_array_free(seg->forwards, TRUE);
	g_ptr_array_free(seg->footers, TRUE);
	memset(seg, 0, sizeof(*seg));
}

char *footer_normalise(const char *text)
{
	GString *s = g_string_new(NULL);
	bool space = false;

	for (const char *p = text; *p != '\0'; p++) {
		if (g_ascii_isspace(*p)) {
			space = s->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(s, ' ');
		space = false;
		g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

static GArray *split_lines(char *buf)
{
	GArray *lines = g_array_new(FALSE, TRUE, sizeof(struct line));
	char *p = buf;

	while (*p != '\0') {
		char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		struct line l = { .raw = p, .raw_len = n };
		size_t mark = strlen(TEXT_MARK_HIDDEN);

		if (n > 0 && p[n - 1] == '\r')
			l.raw_len--;
		if (l.raw_len >= mark && memcmp(l.raw, TEXT_MARK_HIDDEN, mark) == 0) {
			l.hidden = true;
			l.raw += mark;
			l.raw_len -= mark;
		}
		l.core = l.raw;
		l.core_len = l.raw_len;
		for (;;) {
			while (l.core_len > 0 && (*l.core == ' ' || *l.core == '\t')) {
				l.core++;
				l.core_len--;
			}
			if (l.core_len == 0 || *l.core != '>')
				break;
			l.level++;
			l.core++;
			l.core_len--;
		}
		while (l.core_len > 0 && g_ascii_isspace(l.core[l.core_len - 1]))
			l.core_len--;
		g_array_append_val(lines, l);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return lines;
}

#define LINE(i) (&g_array_index(lines, struct line, (i)))

/* Our footers, quoted or not, leave the text; unquoted ones are recorded. */
static void drop_footers(GArray *lines, struct text_segments *seg)
{
	for (guint i = 0; i < lines->len; i++) {
		guint end = lines->len;

		/* Hidden, it is no footer of ours: a reader would not see it. */
		if (LINE(i)->hidden || !core_is(LINE(i), PARSER_FOOTER_BEGIN))
			continue;
		for (guint j = i + 1; j < lines->len && j <= i + FOOTER_MAX_LINES; j++) {
			if (!LINE(j)->hidden && core_is(LINE(j), PARSER_FOOTER_END)) {
				end = j;
				break;
			}
		}
		if (end == lines->len)
			continue;
		if (LINE(i)->level == 0) {
			GString *body = g_string_new(NULL);

			for (guint k = i + 1; k < end; k++) {
				if (LINE(k)->hidden)
					continue;
				g_string_append_len(body, LINE(k)->core, (gssize)LINE(k)->core_len);
				g_string_append_c(body, '\n');
			}
			g_ptr_array_add(seg->footers, footer_normalise(body->str));
			g_string_free(body, TRUE);
		}
		for (guint k = i; k <= end; k++)
			LINE(k)->cls = L_DROP;
		i = end;
	}
}

static bool is_blank(const struct line *l)
{
	return l->core_len == 0;
}

/* Next line after I that is not blank and not dropped, or lines->len. */
static guint next_content(GArray *lines, guint i)
{
	for (i++; i < lines->len; i++) {
		if (LINE(i)->cls != L_DROP && !is_blank(LINE(i)))
			break;
	}
	return i;
}

/* An Outlook reply header: From: followed closely by Sent:/Date: and one
   of To:/Subject:/Cc:. */
static bool is_outlook_block(GArray *lines, guint i)
{
	bool sent = false, other = false;
	guint j = i, seen = 0;

	if (!may_start(LINE(i)->core, LINE(i)->core_len, "*f") ||
	    !match(re_from, LINE(i)->core, LINE(i)->core_len))
		return false;
	while (seen < 6 && (j = next_content(lines, j)) < lines->len) {
		const struct line *l = LINE(j);
		gchar *name;
		GMatchInfo *mi = NULL;

		seen++;
		if (!g_regex_match_full(re_header_field, l->core, (gssize)l->core_len, 0, 0, &mi,
					NULL)) {
			g_match_info_free(mi);
			break;
		}
		name = g_match_info_fetch(mi, 1);
		if (g_ascii_strcasecmp(name, "sent") == 0 || g_ascii_strcasecmp(name, "date") == 0)
			sent = true;
		else
			other = true;
		g_free(name);
		g_match_info_free(mi);
	}
	return sent && other;
}

/* A forwarded message found while classifying: its header block is read at
   once, its text only when every block is known (forward_texts). */
struct forward_span {
	struct text_forward *f;
	guint begin;		/* the marker line (or Outlook From: line) */
	guint text;		/* the first line after its header fields */
};

/* A forwarded message whose block begins at line BEGIN and whose header
   fields start at line I: its Subject: and Sensitivity: now, its text later. */
static void add_forward(GArray *lines, guint begin, guint i, GArray *spans)
{
	struct forward_span span = { .f = g_new0(struct text_forward, 1), .begin = begin };
	struct text_forward *f = span.f;
	guint j = i;

	while (j < lines->len && (LINE(j)->cls == L_DROP || is_blank(LINE(j))) && j < i + 2)
		j++;
	for (; j < lines->len; j++) {
		const struct line *l = LINE(j);
		GMatchInfo *mi = NULL;

		if (l->cls == L_DROP)
			continue;
		if (!g_regex_match_full(re_field, l->core, (gssize)l->core_len, 0, 0, &mi, NULL)) {
			g_match_info_free(mi);
			break;
		}
		gchar *name = g_match_info_fetch(mi, 1), *value = g_match_info_fetch(mi, 2);
		if (f->subject == NULL && g_ascii_strcasecmp(name, "subject") == 0)
			f->subject = g_strdup(g_strstrip(value));
		else if (f->sensitivity == NULL && g_ascii_strcasecmp(name, "sensitivity") == 0)
			f->sensitivity = g_strdup(g_strstrip(value));
		g_free(name);
		g_free(value);
		g_match_info_free(mi);
	}
	f->subject = f->subject != NULL ? f->subject : g_strdup("");
	f->sensitivity = f->sensitivity != NULL ? f->sensitivity : g_strdup("");
	span.text = j;
	g_array_append_val(spans, span);
}

/* Each forwarded message's text runs from its header fields to where the
   next forwarded block begins (that one is recorded on its own), so every
   line is copied into at most one of them. Copying "the rest of the text"
   into each made a chain of N forwards cost N times the text (issue 15). */
static void forward_texts(GArray *lines, GArray *spans, struct text_segments *seg)
{
	for (guint k = 0; k < spans->len; k++) {
		struct forward_span *s = &g_array_index(spans, struct forward_span, k);
		guint end = k + 1 < spans->len ?
			g_array_index(spans, struct forward_span, k + 1).begin : lines->len;
		GString *text = g_string_new(NULL);

		for (guint j = s->text; j < end; j++) {
			const struct line *l = LINE(j);

			if (l->cls == L_DROP)
				continue;
			g_string_append_len(text, l->core, (gssize)l->core_len);
			g_string_append_c(text, '\n');
		}
		s->f->text = g_string_free(text, FALSE);
		g_ptr_array_add(seg->forwards, s->f);
	}
}

static bool subject_is_forward(const char *subject)
{
	return subject != NULL && (g_ascii_strncasecmp(subject, "fw:", 3) == 0 ||
				   g_ascii_strncasecmp(subject, "fwd:", 4) == 0);
}

/* Outlook draws a line of underscores above its reply header: it belongs
   to the quote, not to the author's text. */
static void mark_rule_above(GArray *lines, guint i)
{
	while (i-- > 0) {
		struct line *l = LINE(i);
		size_t k;

		if (l->cls == L_DROP || is_blank(l))
			continue;
		for (k = 0; k < l->core_len && (l->core[k] == '_' || l->core[k] == '-'); k++)
			;
		if (k == l->core_len && k >= 10 && l->cls == L_OWN)
			l->cls = L_QUOTED;
		return;
	}
}

/* "Name <addr> wrote:" (or "writes:"): an '@' after at least one and at
   most 200 characters, then 1 to 100 characters and the verb after a word
   boundary. Written out: as the regex ^.{1,200}@.{1,100}\b(wrote|writes):$
   it tried every '@' against every position after it, 20,000 steps for
   each line of '@'s (1.4 s for a megabyte of them). */
static bool addr_attribution(const struct line *l)
{
	static const char *const verbs[] = { "wrote:", "writes:" };

	for (size_t v = 0; v < G_N_ELEMENTS(verbs); v++) {
		size_t vl = strlen(verbs[v]), before;
		const char *verb, *p;
		gunichar prev;
		glong n, d;

		if (l->core_len <= vl)
			continue;
		before = l->core_len - vl;
		verb = l->core + before;
		/* at most 301 characters before the verb, each of at most 4 bytes */
		if (before > 301 * 4 || g_ascii_strncasecmp(verb, verbs[v], vl) != 0)
			continue;
		prev = g_utf8_get_char(g_utf8_prev_char(verb));
		if (g_unichar_isalnum(prev) || prev == '_')
			continue;	/* no word boundary before the verb */
		n = g_utf8_strlen(l->core, (gssize)before);
		/* the '@' is D characters before the verb: 2 <= D <= 101, and
		   at character index N - D, from 1 to 200 */
		for (p = verb, d = 1; d <= 101 && p > l->core; d++) {
			p = g_utf8_prev_char(p);
			if (d >= 2 && *p == '@' && n - d >= 1 && n - d <= 200)
				return true;
		}
	}
	return false;
}

/* "On ... wrote:" at line I, in one line or wrapped over two; returns how
   many lines it takes (0: none). */
static guint attribution_lines(GArray *lines, guint i)
{
	const struct line *l = LINE(i);
	guint j;

	bool on = may_start(l->core, l->core_len, "o");

	if ((on && ends_wrote(l->core, l->core_len) && match(re_on_wrote, l->core, l->core_len)) ||
	    addr_attribution(l))
		return 1;
	if (!on || !match(re_on_start, l->core, l->core_len) ||
	    (ends_wrote(l->core, l->core_len) && match(re_wrote_end, l->core, l->core_len)) ||
	    l->core_len > 250)
		return 0;
	j = i + 1;
	if (j < lines->len && LINE(j)->level == l->level && LINE(j)->core_len <= 250 &&
	    ends_wrote(LINE(j)->core, LINE(j)->core_len) &&
	    match(re_wrote_end, LINE(j)->core, LINE(j)->core_len))
		return 2;
	return 0;
}

/* Mark each line own, quoted or signature. */
static void classify(GArray *lines, const char *own_subject, struct text_segments *seg,
		     GArray *spans)
{
	enum { S_OWN, S_SIG, S_REST } state = S_OWN;

	for (guint i = 0; i < lines->len; i++) {
		struct line *l = LINE(i);
		bool forward, original;
		guint n;

		if (l->cls == L_DROP)
			continue;
		/* Hidden text goes with what is around it and changes nothing:
		   a hidden "-- " or "On ... wrote:" must not hide what follows. */
		if (l->hidden) {
			l->cls = state == S_REST || l->level > 0 ? L_QUOTED :
				 state == S_SIG ? L_SIG : L_OWN;
			continue;
		}
		/* Forwarded blocks are recorded wherever they are, quoted or not. */
		forward = may_start(l->core, l->core_len, "-b") &&
			  match(re_forward, l->core, l->core_len);
		original = may_start(l->core, l->core_len, "-") &&
			   match(re_original, l->core, l->core_len);
		if (forward || (original && subject_is_forward(own_subject)))
			add_forward(lines, i, i + 1, spans);
		if (state == S_REST) {
			l->cls = L_QUOTED;
			continue;
		}
		if (core_is(l, TEXT_MARK_QUOTE_REST) && l->level == 0) {
			l->cls = L_DROP;
			state = S_REST;
			continue;
		}
		if (core_is(l, TEXT_MARK_HR)) {
			guint j = next_content(lines, i);

			l->cls = L_DROP;
			if (l->level == 0 && j < lines->len &&
			    match(re_from, LINE(j)->core, LINE(j)->core_len))
				state = S_REST;
			continue;
		}
		if (l->level > 0) {
			l->cls = L_QUOTED;
			if (state == S_SIG)
				state = S_OWN;
			continue;
		}
		if (raw_is(l, "--")) {	/* "-- ", or "--" after trailing space loss */
			l->cls = L_DROP;
			state = S_SIG;
			continue;
		}
		if (forward || original) {
			l->cls = L_QUOTED;
			state = S_REST;
			continue;
		}
		if (is_outlook_block(lines, i)) {
			if (subject_is_forward(own_subject))
				add_forward(lines, i, i, spans);
			mark_rule_above(lines, i);
			l->cls = L_QUOTED;
			state = S_REST;
			continue;
		}
		if ((n = attribution_lines(lines, i)) > 0) {
			guint j;

			for (j = i; j < i + n; j++)
				LINE(j)->cls = L_QUOTED;
			j = next_content(lines, i + n - 1);
			/* Quoted text without '>' marks (pasted, or from HTML)
			   follows the attribution: the rest is quoted. */
			state = j < lines->len && LINE(j)->level == 0 ? S_REST : S_OWN;
			i += n - 1;
			continue;
		}
		l->cls = state == S_SIG ? L_SIG : L_OWN;
	}
}

static bool signoff_body_line(const struct line *l)
{
	glong chars = g_utf8_strlen(l->core, (gssize)l->core_len);
	unsigned words = 0;
	char last = l->core[l->core_len - 1];

	if (chars > SIGNOFF_MAX_LINE_CHARS || last == '.' || last == '?' || last == '!' ||
	    last == ':' || last == ';')
		return false;
	for (size_t k = 0; k < l->core_len; k++) {
		if (!g_ascii_isspace(l->core[k]) && (k == 0 || g_ascii_isspace(l->core[k - 1])))
			words++;
	}
	return words <= SIGNOFF_MAX_WORDS;
}

/* Within each run of own lines, a sign-off followed only by a short block
   of name/title lines starts the signature. Not the very first own line:
   "Thanks," there opens a message rather than closing it. */
static void find_signoffs(GArray *lines)
{
	bool seen_own = false;

	for (guint i = 0; i < lines->len; i++) {
		struct line *l = LINE(i);
		unsigned count = 0;
		bool ok = true;
		guint j;

		if (l->cls != L_OWN || is_blank(l) || l->hidden)
			continue;
		if (!seen_own || !may_start(l->core, l->core_len, "kbwraystmc") ||
		    !match(re_signoff, l->core, l->core_len)) {
			seen_own = true;
			continue;
		}
		for (j = i + 1; j < lines->len && LINE(j)->cls != L_QUOTED; j++) {
			const struct line *b = LINE(j);

			if (b->cls != L_OWN || is_blank(b) || b->hidden)
				continue;
			if (++count > SIGNOFF_MAX_LINES || !signoff_body_line(b)) {
				ok = false;
				break;
			}
		}
		if (!ok)
			continue;
		for (guint k = i; k < j; k++) {
			if (LINE(k)->cls == L_OWN)
				LINE(k)->cls = L_SIG;
		}
		i = j;
	}
}

/* Lines of class CLS (L_DROP: every line but those) appended to OUT;
   with SHOWN_ONLY, not the hidden ones. */
static void append_class(GArray *lines, enum line_class cls, bool shown_only, GString *out)
{
	bool any = false;

	for (guint i = 0; i < lines->len; i++) {
		const struct line *l = LINE(i);

		if (cls == L_DROP ? l->cls == L_DROP : l->cls != cls)
			continue;
		if (shown_only && l->hidden)
			continue;
		if (!any && out->len > 0 && out->str[out->len - 1] != '\n')
			g_string_append_c(out, '\n');
		g_string_append_len(out, l->raw, (gssize)l->raw_len);
		g_string_append_c(out, '\n');
		any = true;
	}
}

void text_segment(const char *text, const char *own_subject, bool shown,
		  struct text_segments *seg)
{
	char *buf = g_strdup(text);
	GArray *lines, *spans = g_array_new(FALSE, FALSE, sizeof(struct forward_span));

	compile_once();
	lines = split_lines(buf);
	drop_footers(lines, seg);
	classify(lines, own_subject, seg, spans);
	forward_texts(lines, spans, seg);
	g_array_free(spans, TRUE);
	find_signoffs(lines);
	append_class(lines, L_OWN, false, seg->own);
	append_class(lines, L_QUOTED, false, seg->quoted);
	append_class(lines, L_SIG, false, seg->signature);
	append_class(lines, L_DROP, false, seg->kept);
	if (shown) {
		append_class(lines, L_OWN, true, seg->own_shown);
		append_class(lines, L_SIG, true, seg->signature_shown);
	}
	g_array_free(lines, TRUE);
	g_free(buf);
}
