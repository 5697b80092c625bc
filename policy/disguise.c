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

/* Character classes, cheap for ASCII (most text): the byte tables. */
static bool is_word_char(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalnum((char)c);
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

static bool is_letter(gunichar c)
{
	return c < 0x80 ? g_ascii_isalpha((char)c) : g_unichar_isalpha(c);
}

static bool is_invisible(gunichar c)
{
	return c >= 0x80 && u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

static gunichar char_at(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	return (unsigned char)s[i] < 0x80 ? (gunichar)s[i] : g_utf8_get_char(s + i);
}

static size_t next_at(const char *s, size_t i)
{
	return (unsigned char)s[i] < 0x80 ? i + 1 : (size_t)(g_utf8_next_char(s + i) - s);
}

/* Should the word S[0, N) be read as Latin? When it has a letter that is
   not ASCII but reads as Latin, and either a Latin letter of ASCII too
   (mixed) or no letter that reads as no Latin (look-alikes only). */
static bool word_is_lookalike(const char *s, size_t n)
{
	bool ascii = false, any = false, all = true;

	for (size_t i = 0; i < n; i = next_at(s, i)) {
		gunichar c = char_at(s, n, i);

		if (c < 0x80) {
			ascii |= g_ascii_isalpha((char)c);
		} else if (!g_unichar_ismark(c) && (all || !any)) {
			/* asked only while the answer is open */
			if (latin_of(c) != NULL)
				any = true;
			else
				all = false;
		}
	}
	return any && (ascii || all);
}

/* The word S[0, N), look-alikes read as Latin, to OUT. */
static void word_as_latin(const char *s, size_t n, GString *out)
{
	for (size_t i = 0; i < n; ) {
		gunichar c = char_at(s, n, i);
		size_t e = next_at(s, i);
		const char *latin = c >= 0x80 && !g_unichar_ismark(c) ? latin_of(c) : NULL;

		if (latin != NULL)
			g_string_append(out, latin);
		else
			g_string_append_len(out, s + i, (gssize)(e - i));
		i = e;
	}
}

/* Invisible characters out, look-alike words read as Latin, into OUT;
   text that stays as it is is copied in spans. Returns what was found. */
static unsigned undo_letters(const char *s, size_t n, GString *out)
{
	size_t i = 0, copied = 0, word = SIZE_MAX;
	unsigned found = 0;
	GString *w = NULL;	/* the word without its invisible characters */
	bool word_foreign = false, word_invisible = false;

	while (i <= n) {
		gunichar c = i < n ? char_at(s, n, i) : 0;
		size_t e = i < n ? next_at(s, i) : n + 1;
		bool invisible = i < n && is_invisible(c);

		if (i < n && (invisible || is_word_char(c))) {
			if (word == SIZE_MAX) {
				word = i;
				word_foreign = word_invisible = false;
			}
			if (invisible) {
				found |= DISGUISE_INVISIBLE;
				if (!word_invisible) {
					if (w == NULL)
						w = g_string_new(NULL);
					g_string_truncate(w, 0);
					g_string_append_len(w, s + word, (gssize)(i - word));
					word_invisible = true;
				}
			} else {
				word_foreign |= c >= 0x80;
				if (word_invisible)
					g_string_append_len(w, s + i, (gssize)(e - i));
			}
			i = e;
			continue;
		}
		if (word != SIZE_MAX) {
			/* A word ends at I: as written, without invisibles, or in
			   Latin. W holds it only when it had invisibles. */
			const char *ws = word_invisible ? w->str : s + word;
			size_t wn = word_invisible ? w->len : i - word;
			bool latin = word_foreign && word_is_lookalike(ws, wn);

			if (latin || word_invisible) {
				g_string_append_len(out, s + copied, (gssize)(word - copied));
				if (latin) {
					word_as_latin(ws, wn, out);
					found |= DISGUISE_LOOKALIKE;
				} else {
					g_string_append_len(out, ws, (gssize)wn);
				}
				copied = i;
			}
			word = SIZE_MAX;
		}
		if (invisible) {
			/* invisible between words: dropped */
			g_string_append_len(out, s + copied, (gssize)(i - copied));
			copied = e;
		}
		i = e;
	}
	if (w != NULL)
		g_string_free(w, TRUE);
	if (found == 0)
		return 0;
	g_string_append_len(out, s + copied, (gssize)(n - copied));
	return found;
}

/* ---- letters spaced apart ---- */

#define SPACED_MIN_LETTERS 4

static bool is_separator_char(gunichar c)
{
	return c == '.' || c == '-' || c == '_' || c == '*' || c == 0xB7 || c == 0x2022 ||
	       (c >= 0x2010 && c <= 0x2015);
}

/* Is there a letter at I standing alone (no word character either side)?
   *END_R gets the offset after it. */
static bool single_letter(const char *s, size_t n, size_t i, bool prev_word, size_t *end_r)
{
	size_t e;

	if (i >= n || prev_word || !is_letter(char_at(s, n, i)))
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

/* Where the next run of a phrase starts after run R: past a gap wider than
   R's own separator (two spaces or more after letters spaced by one, one
   or more after dotted letters); 0 when there is no such gap. */
static size_t word_gap(const char *s, size_t n, const struct run *r)
{
	size_t k = 0;
	bool spaced_by_space = r->letters > 1 && s[next_at(s, r->start)] == ' ';

	while (r->end + k < n && (s[r->end + k] == ' ' || s[r->end + k] == '\t'))
		k++;
	return k >= (spaced_by_space || r->letters == 1 ? 2u : 1u) ? r->end + k : 0;
}

/* The runs starting at I (its first letter ends at FIRST_END), one word
   each. When one has SPACED_MIN_LETTERS letters, the text before them
   (from *COPIED) and the runs joined (letters together, words one space
   apart) go to OUT, and *COPIED moves past them. Returns the offset after
   the last run. */
static size_t join_runs(const char *s, size_t n, size_t i, size_t first_end, GString *out,
			size_t *copied)
{
	struct run first = scan_run(s, n, i, first_end), r = first;
	size_t longest = first.letters, at, e;
	GArray *runs = NULL;

	/* Most single letters are no run at all: no allocation for them. */
	while ((at = word_gap(s, n, &r)) != 0 && single_letter(s, n, at, false, &e)) {
		if (runs == NULL) {
			runs = g_array_new(FALSE, FALSE, sizeof(struct run));
			g_array_append_val(runs, first);
		}
		r = scan_run(s, n, at, e);
		g_array_append_val(runs, r);
		longest = MAX(longest, r.letters);
	}
	if (longest >= SPACED_MIN_LETTERS) {
		guint count = runs != NULL ? runs->len : 1;

		g_string_append_len(out, s + *copied, (gssize)(i - *copied));
		for (guint k = 0; k < count; k++) {
			const struct run *w = runs != NULL ? &g_array_index(runs, struct run, k) :
				&first;

			if (k > 0)
				g_string_append_c(out, ' ');
			for (size_t p = w->start; p < w->end; p = next_at(s, p)) {
				if (is_letter(char_at(s, n, p)))
					g_string_append_len(out, s + p, (gssize)(next_at(s, p) - p));
			}
		}
		*copied = r.end;
	}
	if (runs != NULL)
		g_array_free(runs, TRUE);
	return r.end;
}

/* Runs of spaced letters in S joined into OUT; 0 (and nothing in OUT) when
   there were none. */
static unsigned join_spaced(const char *s, size_t n, GString *out)
{
	size_t i = 0, e, copied = 0;
	bool prev_word = false;

	while (i < n) {
		gunichar c = char_at(s, n, i);

		if (!prev_word && is_letter(c) && single_letter(s, n, i, false, &e)) {
			i = join_runs(s, n, i, e, out, &copied);
			prev_word = true;
			continue;
		}
		prev_word = is_word_char(c);
		i = next_at(s, i);
	}
	if (copied == 0)
		return 0;
	g_string_append_len(out, s + copied, (gssize)(n - copied));
	return DISGUISE_SPACED;
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
	letters = g_string_new(NULL);
	found = undo_letters(line, len, letters);
	if (found == 0) {
		g_string_free(letters, TRUE);
		return join_spaced(line, len, out);
	}
	if (join_spaced(letters->str, letters->len, out) != 0)
		found |= DISGUISE_SPACED;
	else
		g_string_append_len(out, letters->str, (gssize)letters->len);
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
