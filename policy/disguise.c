/*
 * Disguised words undone: invisible characters, look-alike letters of other
 * scripts, letters spaced apart (see disguise.h). Unicode's own data decides
 * what is invisible (Default_Ignorable_Code_Point) and what looks like what
 * (the confusable skeletons of UTS 39), through ICU: a hand list would miss
 * what the next sender tries.
 */
#include "policy/disguise.h"

#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>

/* ---- look-alike letters ---- */

/* The Latin letters and digits, each with its skeleton (UTF-8): the skeleton
   of "I" is "l", of "m" "rn". A look-alike is mapped back through these. */
struct ascii_skeleton {
	char c;
	char skeleton[8];
};

static const USpoofChecker *checker;
static struct ascii_skeleton ascii_skeletons[62];
static size_t n_ascii_skeletons;

/* Code point -> its Latin reading ("" when it has none), for every letter
   seen so far: a text reuses few letters, and ICU's skeleton costs far more
   than a lookup. Entries are never removed, so a string found stays valid.
   Bounded: past the cap, letters are worked out each time. */
#define CACHE_MAX 65536
static GHashTable *cache;
static GRWLock cache_lock;

/* The skeleton of the code point C as UTF-8 into BUF (at most N bytes), or
   false when ICU has none or it does not fit. */
static bool skeleton_of(gunichar c, char *buf, size_t n)
{
	UChar in[2], out[32];
	int32_t in_len = 0, out_len;
	UBool err = false;
	UErrorCode status = U_ZERO_ERROR;
	GError *gerr = NULL;
	glong written = 0;
	char *utf8;

	U16_APPEND(in, in_len, 2, (UChar32)c, err);
	if (err || checker == NULL)
		return false;
	out_len = uspoof_getSkeleton(checker, 0, in, in_len, out, G_N_ELEMENTS(out), &status);
	if (U_FAILURE(status) || out_len <= 0)
		return false;
	utf8 = g_utf16_to_utf8(out, out_len, NULL, &written, &gerr);
	if (utf8 == NULL) {
		g_clear_error(&gerr);
		return false;
	}
	if ((size_t)written >= n) {
		g_free(utf8);
		return false;
	}
	memcpy(buf, utf8, (size_t)written + 1);
	g_free(utf8);
	return true;
}

static gpointer open_checker(gpointer unused)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	UErrorCode status = U_ZERO_ERROR;
	USpoofChecker *sc = uspoof_open(&status);

	if (U_FAILURE(status)) {
		/* ICU without its data: look-alikes stay as they are, the rest
		   of the normalisation works. */
		g_warning("disguise: ICU's confusable data is missing (%s): letters that look "
			  "like Latin ones are not read as Latin", u_errorName(status));
		return unused;
	}
	checker = sc;
	for (const char *p = alnum; *p != '\0'; p++) {
		struct ascii_skeleton *a = &ascii_skeletons[n_ascii_skeletons];

		a->c = *p;
		if (skeleton_of((gunichar)*p, a->skeleton, sizeof(a->skeleton)))
			n_ascii_skeletons++;
	}
	cache = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	return unused;
}

static bool is_upper(gunichar c)
{
	return g_unichar_isupper(c) || g_unichar_istitle(c);
}

/* The ASCII letter or digit whose skeleton is SKEL, written in the case of
   C where there is a choice (Cyrillic І and Latin I and l share the skeleton
   "l": an upper case look-alike is an I, a lower case one an l); letters
   before digits. */
static char ascii_for(const char *skel, gunichar c)
{
	char best = 0;
	int best_score = -1;

	for (size_t i = 0; i < n_ascii_skeletons; i++) {
		const struct ascii_skeleton *a = &ascii_skeletons[i];
		int score;

		if (strcmp(a->skeleton, skel) != 0)
			continue;
		score = g_ascii_isalpha(a->c) ? 2 : 0;
		if (g_ascii_isalpha(a->c) && (g_ascii_isupper(a->c) != 0) == is_upper(c) &&
		    (g_unichar_islower(c) || is_upper(c)))
			score += 2;
		if (a->c == skel[0] && skel[1] == '\0')
			score += 1;	/* the prototype itself */
		if (score > best_score) {
			best = a->c;
			best_score = score;
		}
	}
	return best;
}

/* The Latin reading of C into OUT (at most 8 bytes with the NUL): the ASCII
   letters whose skeletons make up C's, or "" when C reads as no Latin. */
static void latin_reading(gunichar c, char out[8])
{
	char skel[16];
	char whole;
	size_t k = 0;

	out[0] = '\0';
	if (!skeleton_of(c, skel, sizeof(skel)))
		return;
	if ((whole = ascii_for(skel, c)) != 0) {	/* "rn" -> m */
		out[0] = whole;
		out[1] = '\0';
		return;
	}
	for (const char *p = skel; *p != '\0'; p++) {
		char one[2] = { *p, '\0' }, a;

		if ((unsigned char)*p >= 0x80 || k + 1 >= 8 || (a = ascii_for(one, c)) == 0) {
			out[0] = '\0';
			return;
		}
		out[k++] = a;
	}
	out[k] = '\0';
}

/* The Latin reading of the non-ASCII letter C, or NULL when it has none. */
static const char *latin_of(gunichar c)
{
	static GOnce once = G_ONCE_INIT;
	const char *found;
	char reading[8];

	g_once(&once, open_checker, NULL);
	if (checker == NULL)
		return NULL;
	g_rw_lock_reader_lock(&cache_lock);
	found = g_hash_table_lookup(cache, GUINT_TO_POINTER(c));
	g_rw_lock_reader_unlock(&cache_lock);
	if (found != NULL)
		return *found != '\0' ? found : NULL;

	latin_reading(c, reading);
	g_rw_lock_writer_lock(&cache_lock);
	if (g_hash_table_size(cache) < CACHE_MAX) {
		found = g_hash_table_lookup(cache, GUINT_TO_POINTER(c));
		if (found == NULL) {
			found = g_strdup(reading);
			g_hash_table_insert(cache, GUINT_TO_POINTER(c), (gpointer)found);
		}
	}
	g_rw_lock_writer_unlock(&cache_lock);
	if (found == NULL)	/* cache full: this once only */
		return *reading != '\0' ? g_intern_string(reading) : NULL;
	return *found != '\0' ? found : NULL;
}

static bool is_word_char(gunichar c)
{
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

static bool is_invisible(gunichar c)
{
	return c >= 0x80 && u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

/* One word's worth of letters, written as it is or read as Latin. */
struct word {
	GString *text;		/* the word as written */
	bool ascii_letter;	/* has a Latin letter of ASCII */
	bool foreign;		/* has a letter that is not ASCII */
	bool all_readable;	/* every such letter reads as Latin */
};

static void word_add(struct word *w, const char *p, size_t n, gunichar c)
{
	g_string_append_len(w->text, p, (gssize)n);
	if (c < 0x80) {
		w->ascii_letter |= g_ascii_isalpha((char)c);
	} else if (!g_unichar_ismark(c)) {
		w->foreign = true;
		if (latin_of(c) == NULL)
			w->all_readable = false;
	}
}

/* The word to OUT: read as Latin when it mixes Latin with look-alikes, or
   is made of look-alikes only; else as written. */
static unsigned word_flush(struct word *w, GString *out)
{
	unsigned found = 0;

	if (w->foreign && (w->ascii_letter || w->all_readable)) {
		for (const char *p = w->text->str; *p != '\0'; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);
			const char *latin = c >= 0x80 && !g_unichar_ismark(c) ? latin_of(c) : NULL;

			if (latin != NULL) {
				g_string_append(out, latin);
				found = DISGUISE_LOOKALIKE;
			} else {
				g_string_append_len(out, p, g_utf8_next_char(p) - p);
			}
		}
	} else {
		g_string_append_len(out, w->text->str, (gssize)w->text->len);
	}
	g_string_truncate(w->text, 0);
	w->ascii_letter = w->foreign = false;
	w->all_readable = true;
	return found;
}

/* Invisible characters out, look-alike words read as Latin. */
static unsigned undo_letters(const char *s, size_t len, GString *out)
{
	struct word w = { .text = g_string_new(NULL), .all_readable = true };
	const char *end = s + len;
	unsigned found = 0;

	for (const char *p = s; p < end; ) {
		gunichar c = g_utf8_get_char(p);
		const char *next = g_utf8_next_char(p);

		if (is_invisible(c)) {
			found |= DISGUISE_INVISIBLE;
		} else if (is_word_char(c)) {
			word_add(&w, p, (size_t)(next - p), c);
		} else {
			found |= word_flush(&w, out);
			g_string_append_len(out, p, next - p);
		}
		p = next;
	}
	found |= word_flush(&w, out);
	g_string_free(w.text, TRUE);
	return found;
}

/* ---- letters spaced apart ---- */

#define SPACED_MIN_LETTERS 4

static bool is_separator_char(gunichar c)
{
	return c == '.' || c == '-' || c == '_' || c == '*' || c == 0xB7 || c == 0x2022 ||
	       (c >= 0x2010 && c <= 0x2015);
}

static gunichar char_at(const char *s, size_t n, size_t i)
{
	return i < n ? g_utf8_get_char(s + i) : 0;
}

static size_t next_at(const char *s, size_t i)
{
	return (size_t)(g_utf8_next_char(s + i) - s);
}

/* Is there a letter at I standing alone (no word character either side)?
   *END_R gets the offset after it. */
static bool single_letter(const char *s, size_t n, size_t i, bool prev_word, size_t *end_r)
{
	size_t e;

	if (i >= n || prev_word || !g_unichar_isalpha(char_at(s, n, i)))
		return false;
	e = next_at(s, i);
	if (e < n && is_word_char(char_at(s, n, e)))
		return false;
	*end_r = e;
	return true;
}

/* A separator at I: one space, or one separator character with at most
   one space on either side. Its length, 0 when none. */
static size_t separator_at(const char *s, size_t n, size_t i)
{
	size_t j = i;

	if (j < n && s[j] == ' ') {
		j++;
		if (!is_separator_char(char_at(s, n, j)))
			return 1;
	}
	if (!is_separator_char(char_at(s, n, j)))
		return 0;
	j = next_at(s, j);
	if (j < n && s[j] == ' ')
		j++;
	return j - i;
}

struct run {
	size_t start, end;	/* offsets: first letter, after the last */
	size_t letters;
};

/* The run of spaced letters starting with the single letter at I, which
   ends at FIRST_END. */
static struct run scan_run(const char *s, size_t n, size_t i, size_t first_end)
{
	struct run r = { .start = i, .end = first_end, .letters = 1 };
	size_t sep_len = 0, sep_at = 0;

	for (;;) {
		size_t len = separator_at(s, n, r.end), e;

		if (len == 0 || (sep_len != 0 && (len != sep_len ||
						  memcmp(s + r.end, s + sep_at, len) != 0)))
			break;
		if (!single_letter(s, n, r.end + len, false, &e))
			break;
		if (sep_len == 0) {
			sep_len = len;
			sep_at = r.end;
		}
		r.letters++;
		r.end = e;
	}
	return r;
}

/* Spaces after a run that set the next run apart as another word. */
static size_t word_gap(const char *s, size_t n, const struct run *r, size_t *spaces_r)
{
	size_t k = 0;
	bool spaced_by_space = r->letters > 1 && s[next_at(s, r->start)] == ' ';

	while (r->end + k < n && (s[r->end + k] == ' ' || s[r->end + k] == '\t'))
		k++;
	*spaces_r = k;
	return k >= (spaced_by_space || r->letters == 1 ? 2u : 1u) ? r->end + k : 0;
}

/* The runs starting at I, one word each, into OUT joined (letters together,
   words one space apart) when one has SPACED_MIN_LETTERS letters; else as
   written. Returns the offset after the last run. */
static size_t join_runs(const char *s, size_t n, size_t i, size_t first_end, GString *out,
			unsigned *found)
{
	GArray *runs = g_array_new(FALSE, FALSE, sizeof(struct run));
	struct run r = scan_run(s, n, i, first_end);
	size_t longest = 0, end, at, spaces, e;

	for (;;) {
		g_array_append_val(runs, r);
		longest = MAX(longest, r.letters);
		at = word_gap(s, n, &r, &spaces);
		if (at == 0 || !single_letter(s, n, at, false, &e))
			break;
		r = scan_run(s, n, at, e);
	}
	end = g_array_index(runs, struct run, runs->len - 1).end;
	if (longest < SPACED_MIN_LETTERS) {
		g_string_append_len(out, s + i, (gssize)(end - i));
	} else {
		*found |= DISGUISE_SPACED;
		for (guint k = 0; k < runs->len; k++) {
			const struct run *w = &g_array_index(runs, struct run, k);

			if (k > 0)
				g_string_append_c(out, ' ');
			for (size_t p = w->start; p < w->end; p = next_at(s, p)) {
				if (g_unichar_isalpha(char_at(s, n, p)))
					g_string_append_len(out, s + p, (gssize)(next_at(s, p) - p));
			}
		}
	}
	g_array_free(runs, TRUE);
	return end;
}

static unsigned join_spaced(const char *s, size_t n, GString *out)
{
	unsigned found = 0;
	bool prev_word = false;
	size_t i = 0, e;

	while (i < n) {
		if (single_letter(s, n, i, prev_word, &e)) {
			i = join_runs(s, n, i, e, out, &found);
			prev_word = true;
			continue;
		}
		e = next_at(s, i);
		prev_word = is_word_char(char_at(s, n, i));
		g_string_append_len(out, s + i, (gssize)(e - i));
		i = e;
	}
	return found;
}

/* ---- the line ---- */

unsigned disguise_undo(const char *line, size_t len, GString *out)
{
	GString *letters;
	unsigned found;
	bool ascii = true;

	for (size_t i = 0; i < len && ascii; i++)
		ascii = (unsigned char)line[i] < 0x80;
	if (ascii)
		return join_spaced(line, len, out);
	letters = g_string_sized_new(len);
	found = undo_letters(line, len, letters);
	found |= join_spaced(letters->str, letters->len, out);
	g_string_free(letters, TRUE);
	return found;
}

char *disguise_visible(const char *s)
{
	GString *out = g_string_new(NULL);

	for (const char *p = s != NULL ? s : ""; *p != '\0'; p = g_utf8_next_char(p)) {
		if (!is_invisible(g_utf8_get_char(p)))
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(out, FALSE);
}
