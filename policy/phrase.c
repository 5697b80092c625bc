/* Text normalisation and phrase matching for the text rules. */
#include "policy/phrase.h"

#include "policy/disguise.h"

#include <string.h>

struct phrase_text {
	char *str;		/* normalised */
	size_t len;
	GArray *line_starts;	/* size_t: normalised offset where source line i+1 starts */
	GArray *breaks;		/* size_t: offsets of sentence ends, ascending */
};

struct phrase_entry {
	char *norm;
	char *squash;		/* norm's letters and digits only (squashed) */
	const char *written;
	bool exception;
};

/* S with everything but ASCII letters and digits left out, lower case;
   other bytes (UTF-8) kept: a new string. An ASCII line is normalised by
   case, white space and the joining of spaced letters only, so a phrase
   whose squashed form is not in the line's cannot match it. */
static char *squashed(const char *s)
{
	GString *out = g_string_sized_new(strlen(s));

	for (const char *p = s; *p != '\0'; p++)
		if (g_ascii_isalnum(*p) || (unsigned char)*p >= 0x80)
			g_string_append_c(out, g_ascii_tolower(*p));
	return g_string_free(out, FALSE);
}

/* squashed(S) into BUF (SIZE bytes) when it fits, else a new string. */
static char *squashed_into(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (strlen(s) >= size)
		return squashed(s);
	for (const char *p = s; *p != '\0'; p++)
		if (g_ascii_isalnum(*p) || (unsigned char)*p >= 0x80)
			buf[n++] = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
	buf[n] = '\0';
	return buf;
}

#define HEAD_BITS_LOG2 13
#define HEAD_BITS (1u << HEAD_BITS_LOG2)

struct phrase_set {
	GArray *entries;	/* struct phrase_entry */
	GHashTable *by_word;	/* hash of a phrase's first word -> GArray of guint entry index */
	GArray *unindexed;	/* guint: entries that do not start with a word */
	size_t n_positive;
	size_t max_exception;	/* longest exception, bytes: bounds the overlap search */
	/* The first four letters of every positive entry's squashed form,
	   hashed to one bit each: a plain-ASCII line none of whose runs of
	   four letters is here holds no entry (phrase_set_label). */
	guint8 heads[HEAD_BITS / 8];
	bool short_squash;	/* a positive entry squashes to under four letters */
};

/* Four bytes of a squashed form as one of HEAD_BITS bits. */
static inline unsigned head_bit(const char *p)
{
	guint32 v = (guint32)(unsigned char)p[0] | (guint32)(unsigned char)p[1] << 8 |
		    (guint32)(unsigned char)p[2] << 16 | (guint32)(unsigned char)p[3] << 24;

	return (v * 2654435761u) >> (32 - HEAD_BITS_LOG2);
}

/* Could a plain-ASCII squashed line SQ hold one of SET's positive
   entries? No when no run of four of its letters starts one. */
static bool heads_possible(const struct phrase_set *set, const char *sq, size_t len)
{
	if (set->short_squash)
		return true;
	for (size_t i = 0; i + 4 <= len; i++) {
		unsigned k = head_bit(sq + i);

		if (set->heads[k / 8] & (1u << (k % 8)))
			return true;
	}
	return false;
}

/* Characters NFKC leaves alone that people type interchangeably. */
static gunichar plain_char(gunichar c)
{
	switch (c) {
	case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x02BC: case 0x2032:
	case 0x0060: case 0x00B4:
		return '\'';
	case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
		return '"';
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
	case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D:
		return '-';
	default:
		return c;
	}
}

static bool is_word_char(gunichar c)
{
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

/* Is the character at P a word character? *N_R gets its length in bytes. */
static bool word_char_at(const char *p, size_t *n_r)
{
	if ((unsigned char)*p < 0x80) {
		*n_r = 1;
		return g_ascii_isalnum(*p);
	}
	*n_r = (size_t)(g_utf8_next_char(p) - p);
	return is_word_char(g_utf8_get_char(p));
}

/* Bytes of the run of word characters at P (0: none). */
static size_t word_len(const char *p)
{
	size_t len = 0, n;

	while (p[len] != '\0' && word_char_at(p + len, &n))
		len += n;
	return len;
}

/* FNV-1a: the key of a phrase's first word in the set's index. */
static guint word_hash(const char *p, size_t len)
{
	guint32 h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* ASCII needs no Unicode work: NFKC leaves it alone and case folding is
   tolower. The result is the same as the general path's, much cheaper
   (most lines and every shipped phrase are ASCII). */
static void append_ascii(GString *out, const char *line, size_t len, bool *pending_space)
{
	size_t at = out->len;
	char *w;

	/* at most one byte more than LINE (a space owed from before): OUT
	   grows once and is written in place */
	g_string_set_size(out, at + len + 1);
	w = out->str + at;
	for (size_t i = 0; i < len; i++) {
		char c = line[i] == '`' ? '\'' : line[i];

		if (g_ascii_isspace(c) || g_ascii_iscntrl(c)) {
			if (w > out->str)
				*pending_space = true;
			continue;
		}
		if (*pending_space) {
			*w++ = ' ';
			*pending_space = false;
		}
		*w++ = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	g_string_truncate(out, (gsize)(w - out->str));
}

static bool is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* ---- NFKC, skipped where it changes nothing ---- */

/* Basic Multilingual Plane characters that NFKC leaves alone whatever
   surrounds them: no compatibility or canonical decomposition, combining
   class 0 (nothing to reorder), and the second character of no canonical
   decomposition (so nothing composes with them: the pairs GLib composes
   are those decompositions', and Hangul's algorithmic jamo are among
   them). A string of such characters is its own NFKC: decomposing,
   reordering and composing it each change nothing. Measured on the
   corpus's Cyrillic spam: NFKC was a third of judging it. */
static guint8 nfkc_stable_bits[0x10000 / 8];

static gpointer nfkc_stable_init(gpointer unused)
{
	static guint8 second[0x110000 / 8];

	for (gunichar c = 0; c < 0x110000; c++) {
		gunichar a, b;

		if (g_unichar_decompose(c, &a, &b) && b != 0)
			second[b / 8] |= (guint8)(1u << (b % 8));
	}
	for (gunichar c = 0; c < 0x10000; c++) {
		gunichar d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];

		if (g_unichar_fully_decompose(c, TRUE, d, G_N_ELEMENTS(d)) == 1 && d[0] == c &&
		    g_unichar_combining_class(c) == 0 && !(second[c / 8] & (1u << (c % 8))))
			nfkc_stable_bits[c / 8] |= (guint8)(1u << (c % 8));
	}
	return NULL;
}

static inline bool nfkc_stable_char(gunichar c)
{
	return c < 0x10000 && (nfkc_stable_bits[c / 8] & (1u << (c % 8)));
}

/* g_utf8_normalize shifts the rest of its buffer for every character it
   composes, and sorts each run of combining marks by exchange: its time
   grows with the square of what it is given (a 2 MB subject of accented
   words took 5.6 s, issue 15). So a line is normalised in pieces of about
   PIECE_CHARS characters, cut only where normalisation cannot reach across
   the cut: before a starter (combining class 0) that composes with nothing
   before it and does not decompose into a combining mark. A run of more
   than MAX_NONSTARTERS combining marks is cut as it stands, as Unicode's
   stream-safe text format does (UAX #15): no real text has one; so is a
   piece that reaches 4 * PIECE_CHARS without such a starter, at the next
   starter (a composition across that cut could be missed: no phrase we
   match is written so). */
#define PIECE_CHARS 64
#define MAX_NONSTARTERS 30

static bool starts_piece(gunichar c)
{
	/* Starters that are the second character of a canonical composition
	   (from the Unicode 14 data: Indic and Brahmic vowel signs; Hangul
	   jamo below). */
	static const gunichar second[] = {
		0x09BE, 0x09D7, 0x0B3E, 0x0B56, 0x0B57, 0x0BBE, 0x0BD7, 0x0CC2, 0x0CD5, 0x0CD6,
		0x0D3E, 0x0D57, 0x0DCF, 0x0DDF, 0x0FB5, 0x0FB7, 0x102E, 0x1B35, 0x11127, 0x1133E,
		0x11357, 0x114B0, 0x114BA, 0x114BD, 0x115AF, 0x11930,
	};
	gunichar d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];

	if (c < 0x300)
		return true;	/* Latin-1 and Latin Extended: never combined into */
	if (g_unichar_combining_class(c) != 0)
		return false;
	if ((c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2))
		return false;	/* Hangul vowels and final consonants */
	for (size_t i = 0; i < G_N_ELEMENTS(second); i++)
		if (c == second[i])
			return false;
	return g_unichar_fully_decompose(c, TRUE, d, G_N_ELEMENTS(d)) == 0 ||
	       g_unichar_combining_class(d[0]) == 0;
}

/* Append to OUT the NFKC of [VALID, END) (UTF-8), the same as
   g_utf8_normalize's, in pieces (above): linear in the length. */
static void nfkc_in_pieces(GString *out, const char *valid, const char *end)
{
	const char *start, *p;
	unsigned chars = 0, nonstarters = 0;

	for (start = p = valid; ; p = g_utf8_next_char(p)) {
		gunichar c = p < end ? g_utf8_get_char(p) : 0;

		if (p >= end || (p > start && ((chars >= PIECE_CHARS && starts_piece(c)) ||
			(chars >= 4 * PIECE_CHARS && g_unichar_combining_class(c) == 0) ||
			nonstarters >= MAX_NONSTARTERS))) {
			char *piece = g_utf8_normalize(start, (gssize)(p - start), G_NORMALIZE_NFKC);

			/* NULL only for invalid UTF-8, which VALID is not; kept as is. */
			if (piece != NULL)
				g_string_append(out, piece);
			else
				g_string_append_len(out, start, (gssize)(p - start));
			g_free(piece);
			start = p;
			chars = nonstarters = 0;
			if (p >= end)
				break;
		}
		chars++;
		nonstarters = g_unichar_combining_class(c) != 0 ? nonstarters + 1 : 0;
	}
}


/* A stable character is also a boundary: nothing before it reorders or
   composes with anything from it on, so the NFKC of a string is the NFKC of
   its pieces cut before each stable character, joined; a piece that is one
   stable character, followed by none that is not, is its own. Only the
   other pieces go to GLib. */
static void nfkc_piece(GString *out, const char *p, const char *end, bool dirty)
{
	if (!dirty) {
		g_string_append_len(out, p, end - p);
	} else {
		nfkc_in_pieces(out, p, end);
	}
}

/* S (valid UTF-8) in NFKC, as g_utf8_normalize gives it: a new string
   (g_free), or NULL when S is in NFKC already (then S is the answer). */
static char *nfkc_or_null(const char *s)
{
	static GOnce once = G_ONCE_INIT;
	GString *out = NULL;
	const char *p = s, *piece = s;
	bool dirty = false;

	g_once(&once, nfkc_stable_init, NULL);
	while (*p != '\0') {
		const char *next;
		gunichar c;

		if ((unsigned char)*p < 0x80) {
			c = (unsigned char)*p;
			next = p + 1;
		} else {
			c = g_utf8_get_char(p);
			next = g_utf8_next_char(p);
		}
		if (nfkc_stable_char(c)) {
			if (dirty) {
				if (out == NULL)
					out = g_string_new_len(s, piece - s);
				nfkc_piece(out, piece, p, true);
			} else if (out != NULL) {
				nfkc_piece(out, piece, p, false);
			}
			piece = p;
			dirty = false;
		} else {
			dirty = true;
		}
		p = next;
	}
	if (out == NULL && !dirty)
		return NULL;
	if (out == NULL)
		out = g_string_new_len(s, piece - s);
	nfkc_piece(out, piece, p, dirty);
	return g_string_free(out, FALSE);
}

char *phrase_nfkc(const char *s)
{
	char *n = nfkc_or_null(s);

	return n != NULL ? n : g_strdup(s);
}

/* Normalise one line (no '\n' inside) and append it to OUT, collapsing
   white space; *pending_space says a separator is owed before the next
   visible character. NFKC, disguises undone, case folding, NFKC again. */
static void append_normalised(GString *out, const char *line, gssize len, bool *pending_space,
			      GString *undone)
{
	size_t n = len < 0 ? strlen(line) : (size_t)len;
	char *valid, *nfkc, *folded, *again;
	const char *p;

	g_string_truncate(undone, 0);	/* the caller's, one for every line */

	/* Disguises undone first (disguise.h): invisible characters, look-alike
	   letters and spaced letters are read as the word they show. */
	if (is_ascii(line, n)) {
		if (disguise_undo(line, n, undone) != 0)
			append_ascii(out, undone->str, undone->len, pending_space);
		else
			append_ascii(out, line, n, pending_space);
		return;
	}
	valid = g_utf8_make_valid(line, (gssize)n);
	nfkc = nfkc_or_null(valid);
	p = nfkc != NULL ? nfkc : valid;
	if (disguise_undo(p, strlen(p), undone) != 0)
		p = undone->str;
	folded = g_utf8_casefold(p, -1);
	again = nfkc_or_null(folded);
	p = again != NULL ? again : folded;

	for (; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = plain_char(g_utf8_get_char(p));

		if (g_unichar_isspace(c) || c == 0 || g_unichar_iscntrl(c) ||
		    g_unichar_type(c) == G_UNICODE_FORMAT) {
			if (out->len > 0)
				*pending_space = true;
			continue;
		}
		if (*pending_space) {
			g_string_append_c(out, ' ');
			*pending_space = false;
		}
		g_string_append_unichar(out, c);
	}
	g_free(again);
	g_free(folded);
	g_free(nfkc);
	g_free(valid);
}

char *phrase_normalise(const char *s)
{
	GString *out = g_string_new(NULL);
	bool pending = false;

	GString *undone = g_string_new(NULL);

	append_normalised(out, s != NULL ? s : "", -1, &pending, undone);
	g_string_free(undone, TRUE);
	return g_string_free(out, FALSE);
}

static bool line_is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isspace(p[i]))
			return false;
	return true;
}

static bool is_sentence_end(const char *s, size_t i, size_t len)
{
	if (s[i] == '\n')
		return true;
	if (s[i] != '.' && s[i] != '!' && s[i] != '?' && s[i] != ';')
		return false;
	return i + 1 >= len || s[i + 1] == ' ' || s[i + 1] == '\n';
}

struct phrase_text *phrase_text_new(const char *utf8)
{
	struct phrase_text *t = g_new0(struct phrase_text, 1);
	const char *p = utf8 != NULL ? utf8 : "";
	GString *out = g_string_sized_new(strlen(p) + 16), *undone = g_string_new(NULL);
	bool pending = false, paragraph = false;

	t->line_starts = g_array_new(FALSE, FALSE, sizeof(size_t));
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		size_t start;

		if (line_is_blank(p, n)) {
			if (out->len > 0)
				paragraph = true;
		} else if (paragraph) {
			g_string_append_c(out, '\n');
			pending = paragraph = false;
		} else if (out->len > 0) {
			pending = true;
		}
		start = out->len + (pending ? 1 : 0);
		g_array_append_val(t->line_starts, start);
		append_normalised(out, p, (gssize)n, &pending, undone);
		pending = false;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	g_string_free(undone, TRUE);
	t->len = out->len;
	t->str = g_string_free(out, FALSE);
	t->breaks = g_array_new(FALSE, FALSE, sizeof(size_t));
	for (size_t i = 0; i < t->len; i++)
		if (is_sentence_end(t->str, i, t->len))
			g_array_append_val(t->breaks, i);
	return t;
}

void phrase_text_free(struct phrase_text **text)
{
	if (*text == NULL)
		return;
	g_array_unref((*text)->line_starts);
	g_array_unref((*text)->breaks);
	g_free((*text)->str);
	g_free(*text);
	*text = NULL;
}

const char *phrase_text_str(const struct phrase_text *text)
{
	return text->str;
}

unsigned phrase_text_line(const struct phrase_text *text, size_t off)
{
	const GArray *ls = text->line_starts;
	size_t lo = 0, hi = ls->len;

	/* last line whose start <= off */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (g_array_index(ls, size_t, mid) <= off)
			lo = mid;
		else
			hi = mid;
	}
	/* Blank source lines share a start with the next line: report the
	   later one, which holds the text. */
	while (lo + 1 < ls->len && g_array_index(ls, size_t, lo + 1) <= off)
		lo++;
	return (unsigned)lo + 1;
}

/* Index of the first element of the ascending size_t array A that is >= X. */
static guint lower_bound(const GArray *a, size_t x)
{
	guint lo = 0, hi = a->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(a, size_t, mid) < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void phrase_text_sentence(const struct phrase_text *text, size_t off, size_t *start_r,
			  size_t *end_r)
{
	guint i;

	if (off > text->len)
		off = text->len;
	/* The first break at or after OFF ends the sentence; the one before
	   it, if any, starts it (the sentence begins just after a break). */
	i = lower_bound(text->breaks, off);
	*end_r = i < text->breaks->len ? g_array_index(text->breaks, size_t, i) : text->len;
	*start_r = i > 0 ? g_array_index(text->breaks, size_t, i - 1) + 1 : 0;
}

struct phrase_set *phrase_set_new(const char *const *phrases, size_t n)
{
	struct phrase_set *set = g_new0(struct phrase_set, 1);

	set->entries = g_array_new(FALSE, FALSE, sizeof(struct phrase_entry));
	for (size_t i = 0; i < n; i++) {
		struct phrase_entry e = { .written = phrases[i] };
		const char *p = phrases[i];

		if (p == NULL)
			continue;
		if (*p == '!') {
			e.exception = true;
			p++;
		}
		e.norm = phrase_normalise(p);
		if (*e.norm == '\0') {
			g_free(e.norm);
			continue;
		}
		e.squash = squashed(e.norm);
		if (!e.exception) {
			if (strlen(e.squash) < 4) {
				set->short_squash = true;
			} else {
				unsigned k = head_bit(e.squash);

				set->heads[k / 8] |= (guint8)(1u << (k % 8));
			}
		}
		if (!e.exception)
			set->n_positive++;
		else
			set->max_exception = MAX(set->max_exception, strlen(e.norm));
		g_array_append_val(set->entries, e);
	}
	/* Index by first word, so matching is one pass over the text rather
	   than one per phrase. */
	set->by_word = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					     (GDestroyNotify)g_array_unref);
	set->unindexed = g_array_new(FALSE, FALSE, sizeof(guint));
	for (guint i = 0; i < set->entries->len; i++) {
		const char *norm = g_array_index(set->entries, struct phrase_entry, i).norm;
		size_t len = word_len(norm);
		gpointer key = GUINT_TO_POINTER(word_hash(norm, len));
		GArray *list;

		if (len == 0) {
			g_array_append_val(set->unindexed, i);
			continue;
		}
		list = g_hash_table_lookup(set->by_word, key);
		if (list == NULL) {
			list = g_array_new(FALSE, FALSE, sizeof(guint));
			g_hash_table_insert(set->by_word, key, list);
		}
		g_array_append_val(list, i);
	}
	return set;
}

void phrase_set_free(struct phrase_set **set)
{
	if (*set == NULL)
		return;
	for (guint i = 0; i < (*set)->entries->len; i++) {
		g_free(g_array_index((*set)->entries, struct phrase_entry, i).norm);
		g_free(g_array_index((*set)->entries, struct phrase_entry, i).squash);
	}
	g_array_unref((*set)->entries);
	g_hash_table_destroy((*set)->by_word);
	g_array_unref((*set)->unindexed);
	g_free(*set);
	*set = NULL;
}

size_t phrase_set_count(const struct phrase_set *set)
{
	return set->n_positive;
}

bool phrase_find_word(const char *normalised, const char *phrase_norm, size_t from,
		      size_t *at_r)
{
	size_t plen = strlen(phrase_norm);
	bool check_start, check_end;
	const char *hay = normalised + from;
	const char *hit;

	if (plen == 0)
		return false;
	check_start = is_word_char(g_utf8_get_char(phrase_norm));
	check_end = is_word_char(g_utf8_get_char(g_utf8_find_prev_char(phrase_norm,
								       phrase_norm + plen)));
	while ((hit = strstr(hay, phrase_norm)) != NULL) {
		bool ok = true;

		if (check_start && hit > normalised) {
			const char *prev = g_utf8_find_prev_char(normalised, hit);

			ok = prev == NULL || !is_word_char(g_utf8_get_char(prev));
		}
		if (ok && check_end && hit[plen] != '\0')
			ok = !is_word_char(g_utf8_get_char(hit + plen));
		if (ok) {
			*at_r = (size_t)(hit - normalised);
			return true;
		}
		hay = g_utf8_next_char(hit);
	}
	return false;
}

static gint match_cmp(gconstpointer a, gconstpointer b)
{
	const struct phrase_match *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return 0;
}

/* Index of the first match in the start-sorted MATCHES with start >= FROM. */
static guint first_from(const GArray *matches, size_t from)
{
	guint lo = 0, hi = matches->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(matches, struct phrase_match, mid).start < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void collect(const struct phrase_entry *e, const struct phrase_text *text, GArray *out)
{
	size_t from = 0, at, plen = strlen(e->norm);

	while (from < text->len && phrase_find_word(text->str, e->norm, from, &at)) {
		struct phrase_match m = { .start = at, .end = at + plen, .phrase = e->written };

		g_array_append_val(out, m);
		from = at + 1;
	}
}

/* Does E match TEXT at OFF, a word start? Then add it to POS or NEG. */
static void try_entry(const struct phrase_entry *e, const struct phrase_text *text, size_t off,
		      GArray *pos, GArray *neg)
{
	size_t plen = strlen(e->norm), n;
	const char *last;
	struct phrase_match m;

	if (off + plen > text->len || memcmp(text->str + off, e->norm, plen) != 0)
		return;
	last = g_utf8_find_prev_char(e->norm, e->norm + plen);
	if (last != NULL && word_char_at(last, &n) && off + plen < text->len &&
	    word_char_at(text->str + off + plen, &n))
		return;		/* the text's word goes on */
	m = (struct phrase_match){ .start = off, .end = off + plen, .phrase = e->written };
	g_array_append_val(e->exception ? neg : pos, m);
}

/* One pass over TEXT: at each word start, the phrases whose first word
   it is. Same matches as phrase_find_word for every indexed phrase. */
static void collect_indexed(const struct phrase_set *set, const struct phrase_text *text,
			    GArray *pos, GArray *neg)
{
	const char *str = text->str;
	size_t i = 0, n;
	bool prev_word = false;

	while (i < text->len) {
		if (!word_char_at(str + i, &n)) {
			prev_word = false;
			i += n;
			continue;
		}
		if (!prev_word) {
			size_t len = word_len(str + i);
			GArray *list = g_hash_table_lookup(set->by_word,
							   GUINT_TO_POINTER(word_hash(str + i, len)));

			for (guint k = 0; list != NULL && k < list->len; k++)
				try_entry(&g_array_index(set->entries, struct phrase_entry,
							 g_array_index(list, guint, k)),
					  text, i, pos, neg);
		}
		prev_word = true;
		i += n;
	}
}

GArray *phrase_match_all(const struct phrase_set *set, const struct phrase_text *text)
{
	GArray *pos = g_array_new(FALSE, FALSE, sizeof(struct phrase_match));
	GArray *neg = g_array_new(FALSE, FALSE, sizeof(struct phrase_match));
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct phrase_match));

	for (guint i = 0; i < set->unindexed->len; i++) {
		const struct phrase_entry *e = &g_array_index(set->entries, struct phrase_entry,
							      g_array_index(set->unindexed, guint, i));

		collect(e, text, e->exception ? neg : pos);
	}
	collect_indexed(set, text, pos, neg);
	g_array_sort(neg, match_cmp);
	for (guint i = 0; i < pos->len; i++) {
		struct phrase_match *m = &g_array_index(pos, struct phrase_match, i);
		size_t lo_start = m->start > set->max_exception ? m->start - set->max_exception : 0;
		bool excepted = false;
		guint j = first_from(neg, lo_start);

		/* An overlapping exception starts less than its length before
		   the match, and before the match ends. A longer phrase that
		   holds the exception whole is the more specific reading and
		   stands ("exempt from publication" despite "!exempt from"). */
		for (; j < neg->len && !excepted; j++) {
			const struct phrase_match *x = &g_array_index(neg, struct phrase_match, j);
			bool inside = x->start >= m->start && x->end <= m->end &&
				      x->end - x->start < m->end - m->start;

			if (x->start >= m->end)
				break;
			excepted = m->start < x->end && !inside;
		}
		if (excepted)
			continue;
		m->line = phrase_text_line(text, m->start);
		g_array_append_val(out, *m);
	}
	g_array_sort(out, match_cmp);
	g_array_unref(pos);
	g_array_unref(neg);
	return out;
}

bool phrase_matches_within(const GArray *matches, size_t from, size_t to,
			   struct phrase_match *m_r)
{
	for (guint i = first_from(matches, from); i < matches->len; i++) {
		const struct phrase_match *m = &g_array_index(matches, struct phrase_match, i);

		if (m->start >= to)
			break;
		if (m->end <= to) {
			*m_r = *m;
			return true;
		}
	}
	return false;
}

bool phrase_match_range(const struct phrase_set *set, const struct phrase_text *text,
			size_t from, size_t to, struct phrase_match *m_r)
{
	GArray *all = phrase_match_all(set, text);
	bool found = phrase_matches_within(all, from, to, m_r);

	g_array_unref(all);
	return found;
}

/* Decoration around a marking: quote marks, rules, stars, brackets. */
static bool is_decoration(gunichar c)
{
	return c == '>' || c == '*' || c == '=' || c == '#' || c == '_' || c == '-' ||
	       c == '~' || c == '|' || c == '[' || c == '(' || c == ':' || c == '.' ||
	       g_unichar_isspace(c) || (g_unichar_ispunct(c) && c != '"' && c != '\'');
}

/* Is the phrase, NORMALISED as E, followed in NORM (which it starts) by
   the end or a separator rather than by more words? */
static bool ends_label(const char *rest)
{
	gunichar c;

	if (*rest == '\0')
		return true;
	if (*rest == ' ' || *rest == '\n')
		rest++;
	else if (*rest == '\'')
		return false;		/* "confidential's" */
	else
		return !is_word_char(g_utf8_get_char(rest));
	c = g_utf8_get_char(rest);
	return c == 0 || (!is_word_char(c) && c != '"' && c != '\'');
}

/* Are the first K words of S written in capitals (with some letter)? */
static bool leading_caps(const char *s, size_t k)
{
	bool letter = false;

	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_isspace(c)) {
			if (--k == 0)
				break;
			while (g_unichar_isspace(g_utf8_get_char(g_utf8_next_char(p))))
				p = g_utf8_next_char(p);
			continue;
		}
		if (g_unichar_islower(c))
			return false;
		letter |= g_unichar_isupper(c) || g_unichar_istitle(c);
	}
	return letter;
}

static size_t count_words(const char *norm)
{
	size_t k = 1;

	for (const char *p = norm; *p != '\0'; p++)
		if (*p == ' ')
			k++;
	return k;
}

static bool bracketed(const char *norm, const char *phrase)
{
	static const char *const pairs[][2] = { { "[", "]" }, { "(", ")" }, { "{", "}" },
						{ "<", ">" }, { "*", "*" } };

	for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
		char *needle = g_strconcat(pairs[i][0], phrase, pairs[i][1], NULL);
		bool hit = strstr(norm, needle) != NULL;

		g_free(needle);
		if (hit)
			return true;
	}
	return false;
}

static bool trails(const char *norm, const char *phrase)
{
	size_t n = strlen(norm), p = strlen(phrase);
	const char *before;

	while (n > 0 && (norm[n - 1] == ' ' || norm[n - 1] == '*' || norm[n - 1] == '.'))
		n--;
	if (n <= p || strncmp(norm + n - p, phrase, p) != 0)
		return false;
	before = norm + n - p;
	if (before - norm >= 2 && (strncmp(before - 2, "- ", 2) == 0 ||
				   strncmp(before - 2, ": ", 2) == 0 ||
				   strncmp(before - 2, "| ", 2) == 0))
		return true;
	return before - norm >= 1 && (before[-1] == '-' || before[-1] == ':');
}

bool phrase_set_label(const struct phrase_set *set, const char *line, bool trailing,
		      const char **phrase_r)
{
	const char *start = line != NULL ? line : "";
	char *valid, *norm;
	const struct phrase_entry *best = NULL;

	while (*start != '\0' && is_decoration(g_utf8_get_char_validated(start, -1)))
		start = g_utf8_next_char(start);
	if (is_ascii(start, strlen(start))) {
		/* most lines hold no phrase's letters at all: no normalising;
		   most hold not even the first four letters of one */
		char buf[256], *sq = squashed_into(start, buf, sizeof(buf));
		bool candidate = heads_possible(set, sq, strlen(sq)), possible = false;

		for (guint i = 0; candidate && i < set->entries->len && !possible; i++) {
			const struct phrase_entry *e =
				&g_array_index(set->entries, struct phrase_entry, i);

			possible = !e->exception && strstr(sq, e->squash) != NULL;
		}
		if (sq != buf)
			g_free(sq);
		if (!possible)
			return false;
	}
	valid = g_utf8_make_valid(start, -1);
	norm = phrase_normalise(valid);
	for (guint i = 0; i < set->entries->len; i++) {
		const struct phrase_entry *e = &g_array_index(set->entries, struct phrase_entry, i);
		size_t n = strlen(e->norm);
		bool label;

		if (e->exception || (best != NULL && strlen(best->norm) >= n))
			continue;
		if (strstr(norm, e->norm) == NULL)
			continue;	/* every label form contains the phrase */
		if (strncmp(norm, e->norm, n) == 0)
			label = ends_label(norm + n) || leading_caps(valid, count_words(e->norm));
		else
			label = bracketed(norm, e->norm) || (trailing && trails(norm, e->norm));
		if (label)
			best = e;
	}
	for (guint i = 0; best != NULL && i < set->entries->len; i++) {
		const struct phrase_entry *e = &g_array_index(set->entries, struct phrase_entry, i);

		if (e->exception && strlen(e->norm) > strlen(best->norm) &&
		    g_str_has_prefix(norm, e->norm))
			best = NULL;
	}
	g_free(norm);
	g_free(valid);
	if (best == NULL)
		return false;
	*phrase_r = best->written;
	return true;
}
