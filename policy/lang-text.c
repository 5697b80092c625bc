/*
 * A text as the language layer reads it: words folded (NFKC, case-folded,
 * typographic quotes plain) but with their capitals remembered ("Labour"
 * vs "labour costs"), contractions expanded ("I'd" -> i would, "don't" ->
 * do not, "let's" -> let us), possessives split ("Tories'" -> tories + a
 * flag), and the words cut into sentences.
 *
 * Sentences end at . ! ? ; (followed by a space), at a blank line, at a
 * list item, and at the end of a short line: mail is written in lines,
 * and "Kevin" or "Hi all," on a line of its own ends there, while a long
 * line is most likely wrapped and goes on. "Sent from my iPhone" lines are
 * left out. One pass over the text; no step looks back further than one
 * line.
 */
#include "policy/disguise.h"
#include "policy/lang-private.h"
#include "policy/phrase.h"

#include <string.h>

/* A line at least this long (in characters) that does not end a sentence
   with punctuation is taken to be wrapped: the sentence goes on. */
#define WRAPPED_LINE_CHARS 60

/* Mail programs' own lines: not the author's words. */
static const char *const program_lines[] = {
	"sent from my ", "sent from mail for ", "sent from outlook", "get outlook for ",
	"sent from yahoo mail", "sent from samsung", "sent via ", "sent using ",
};

/* Words after which a full stop ends no sentence. */
static const char *const abbreviations[] = {
	"mr", "mrs", "ms", "dr", "st", "cllr", "rev", "no", "nos", "approx", "ref", "tel",
	"vs", "etc", "eg", "ie", "e", "i", "g", "jan", "feb", "mar", "apr", "jun", "jul",
	"aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur",
	"thurs", "fri", "sat", "sun",
};

static bool in_list(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i][0] == w[0] && strcmp(w, list[i]) == 0)
			return true;
	return false;
}

/* Every character of a text passes these tests: ASCII, most of them,
   without Unicode tables (the answers are the same). */
static inline bool is_word_char(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalnum(c);
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

/* The character at P and where the next one starts. */
static inline gunichar char_at(const char *p, const char **next_r)
{
	if ((unsigned char)*p < 0x80) {
		*next_r = p + 1;
		return (gunichar)(unsigned char)*p;
	}
	*next_r = g_utf8_next_char(p);
	return g_utf8_get_char(p);
}

static inline bool is_space_or_control(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isspace(c) || g_ascii_iscntrl(c);
	return g_unichar_isspace(c) || g_unichar_iscntrl(c);
}

static bool is_apostrophe(gunichar c)
{
	return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x0060;
}

static bool is_dash(gunichar c)
{
	return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

/* Invisible characters inside a word do not end it ("ch\u200Base"). No
   ASCII character is one. */
static inline bool is_invisible(gunichar c)
{
	return c >= 0x80 && (g_unichar_type(c) == G_UNICODE_FORMAT || c == 0x00AD);
}

struct builder {
	struct lang_text *t;
	guint32 line;
	bool sentence_open;	/* tokens since the last sentence break */
	guint32 sentence_first;
	guint32 paragraph;
	bool paragraph_open;	/* tokens since the last paragraph break */
	bool bullet;
	GHashTable *folded;	/* words that needed Unicode folding, as written ->
				   folded: a text repeats its words */
};

static void push(struct builder *b, const char *w, size_t start, size_t end, guint8 flags)
{
	size_t n = strlen(w);
	guint32 hash = g_str_hash(w);
	struct tok tok = {
		.w = g_string_chunk_insert_len(b->t->words, w, (gssize)n),
		.start = (guint32)start, .end = (guint32)end, .line = b->line, .flags = flags,
		/* no closed-class word is longer */
		.classes = n <= 16 ? lang_word_classes_hashed(w, hash) : 0,
		.hash = hash,
	};

	if (!b->sentence_open) {
		b->sentence_open = true;
		b->sentence_first = b->t->toks->len;
		tok.flags |= TOK_SENTENCE_FIRST;
	}
	b->paragraph_open = true;
	g_array_append_val(b->t->toks, tok);
}

static void end_sentence(struct builder *b)
{
	struct sentence s;
	const struct tok *last;

	if (!b->sentence_open)
		return;
	last = TOK(b->t, b->t->toks->len - 1);
	/* ")." after "(not my idea!)": no words, no sentence of its own */
	if (b->t->sentences->len > 0 && !b->bullet) {
		bool words = false;

		for (guint k = b->sentence_first; k < b->t->toks->len && !words; k++)
			words = (TOK(b->t, k)->flags & (TOK_WORD | TOK_NUMBER)) != 0;
		if (!words) {
			SENT(b->t, b->t->sentences->len - 1)->end = b->t->toks->len;
			b->sentence_open = false;
			return;
		}
	}
	s = (struct sentence){
		.first = b->sentence_first, .end = b->t->toks->len, .paragraph = b->paragraph,
		.bullet = b->bullet, .question = strcmp(last->w, "?") == 0,
		.first_mark = b->t->toks->len,
	};
	for (guint k = b->sentence_first; k < b->t->toks->len; k++)
		if ((TOK(b->t, k)->flags & (TOK_WORD | TOK_NUMBER)) == 0) {
			s.first_mark = k;
			break;
		}
	/* "Have Pete put the signs out on Saturday, would you?": an order
	   with a tag, not a question */
	if (s.question && s.end >= s.first + 6) {
		const char *tag[3] = { TOK(b->t, s.end - 4)->w, TOK(b->t, s.end - 3)->w,
				       TOK(b->t, s.end - 2)->w };

		if (strcmp(tag[0], ",") == 0 && strcmp(tag[2], "you") == 0 &&
		    (strcmp(tag[1], "would") == 0 || strcmp(tag[1], "will") == 0 ||
		     strcmp(tag[1], "could") == 0 || strcmp(tag[1], "can") == 0))
			s.question = false;
	}
	g_array_append_val(b->t->sentences, s);
	b->sentence_open = false;
	b->bullet = false;
}

static void end_paragraph(struct builder *b)
{
	end_sentence(b);
	if (b->paragraph_open)
		b->paragraph++;
	b->paragraph_open = false;
}

/* Contractions: the second word of "I'd", "don't", "we'll" ... */
static const char *contraction(const char *base, const char *suffix, const char **base_r)
{
	static const struct { const char *suffix, *word; } tails[] = {
		{ "ll", "will" }, { "d", "would" }, { "re", "are" }, { "ve", "have" }, { "m", "am" },
	};
	static const char *const is_words[] = {
		"it", "that", "there", "what", "he", "she", "who", "where", "here", "how", "when",
		"why", "this",
	};

	*base_r = base;
	for (size_t i = 0; i < G_N_ELEMENTS(tails); i++)
		if (strcmp(suffix, tails[i].suffix) == 0)
			return tails[i].word;
	if (strcmp(suffix, "s") == 0) {
		if (strcmp(base, "let") == 0)
			return "us";
		return in_list(base, is_words, G_N_ELEMENTS(is_words)) ? "is" : NULL;
	}
	return NULL;
}

static char *fold_unicode(const char *word, size_t len);

/* Fold WORD (LEN bytes of source, may hold invisible characters): a new
   string (g_free), or BUF (SIZE bytes) for a short plain-ASCII word, the
   common case, which needs no allocation. A word that needs Unicode is
   folded once per text (*MEMO). */
static char *fold(const char *word, size_t len, char *buf, size_t size, GHashTable **memo)
{
	bool ascii = true;

	for (size_t i = 0; i < len && ascii; i++)
		ascii = (unsigned char)word[i] < 0x80 && word[i] != '`';
	if (ascii && len < size) {
		for (size_t i = 0; i < len; i++)
			buf[i] = g_ascii_tolower(word[i]);
		buf[len] = '\0';
		return buf;
	}
	if (*memo == NULL)
		*memo = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	char *key = g_strndup(word, len);
	const char *known = g_hash_table_lookup(*memo, key);

	if (known != NULL) {
		g_free(key);
		return g_strdup(known);
	}
	char *folded = fold_unicode(word, len);

	g_hash_table_insert(*memo, key, g_strdup(folded));
	return folded;
}

static char *fold_unicode(const char *word, size_t len)
{
	GString *clean = g_string_sized_new(len);
	bool ascii = true;

	for (const char *p = word; p < word + len; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (is_invisible(c))
			continue;
		if (is_apostrophe(c))
			c = '\'';
		else if (is_dash(c))
			c = '-';
		if (c >= 0x80)
			ascii = false;
		g_string_append_unichar(clean, c);
	}
	if (ascii) {
		for (size_t i = 0; i < clean->len; i++)
			clean->str[i] = g_ascii_tolower(clean->str[i]);
		return g_string_free(clean, FALSE);
	} else {
		char *norm = phrase_normalise(clean->str);

		g_string_free(clean, TRUE);
		return norm;
	}
}

static guint8 case_flags(const char *word, size_t len)
{
	unsigned letters = 0, upper = 0;
	guint8 flags = 0;
	bool first = true;

	if ((unsigned char)word[0] < 0x80) {	/* the common case, without Unicode tables */
		bool ascii = true;

		for (size_t i = 0; i < len && ascii; i++) {
			char ch = word[i];

			ascii = (unsigned char)ch < 0x80;
			if (!g_ascii_isalpha(ch))
				continue;
			letters++;
			if (g_ascii_isupper(ch)) {
				upper++;
				if (first)
					flags |= TOK_CAP;
			}
			first = false;
		}
		if (ascii) {
			if (letters >= 2 && upper == letters)
				flags |= TOK_UPPER;
			return flags;
		}
		letters = upper = 0;
		flags = 0;
		first = true;
	}

	for (const char *p = word; p < word + len; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (!g_unichar_isalpha(c))
			continue;
		letters++;
		if (g_unichar_isupper(c) || g_unichar_istitle(c)) {
			upper++;
			if (first)
				flags |= TOK_CAP;
		}
		first = false;
	}
	if (letters >= 2 && upper == letters)
		flags |= TOK_UPPER;
	return flags;
}

/* Tables of spelled-out words looked up by their first byte: ROWS of
   STRIDE strings, N rows, the key first in each; HEAD[b] is 1 + the first
   row whose key starts with b, NEXT[r] 1 + the next such row after r (0:
   none). Most words are compared with no row at all. */
static void index_rows(const char *const *rows, size_t stride, size_t n, guint8 head[256],
		       guint8 *next)
{
	for (size_t r = n; r-- > 0;) {
		guint8 b = (guint8)rows[r * stride][0];

		next[r] = head[b];
		head[b] = (guint8)(r + 1);
	}
}

/* Words as they are typed on phones, read as the words they stand for
   ("can u", "ur booked", "tmrw pls"); quotes still show what was written. */
static const char *texting(const char *w)
{
	if (w[0] == '\0' || strlen(w) > 5)
		return w;	/* every form is short */
	static const char *const forms[][2] = {
		{ "u", "you" }, { "ya", "you" }, { "ur", "your" }, { "yr", "your" },
		{ "pls", "please" }, { "plz", "please" }, { "plse", "please" },
		{ "tmrw", "tomorrow" }, { "tmw", "tomorrow" }, { "tomoz", "tomorrow" },
		{ "thx", "thanks" }, { "b4", "before" }, { "cos", "because" }, { "coz", "because" },
		{ "cuz", "because" }, { "wk", "week" }, { "wknd", "weekend" }, { "pwd", "password" },
		{ "abt", "about" }, { "msg", "message" }, { "govt", "government" },
		{ "cud", "could" }, { "cld", "could" }, { "cd", "could" }, { "wud", "would" }, { "wld", "would" },
		{ "shud", "should" }, { "cn", "can" }, { "tonite", "tonight" },
		{ "2day", "today" }, { "2moro", "tomorrow" }, { "2morrow", "tomorrow" },
		{ "2nite", "tonight" },
	};

	static guint8 head[256], next[G_N_ELEMENTS(forms)];
	static gsize indexed;

	G_STATIC_ASSERT(G_N_ELEMENTS(forms) < 255);
	if (g_once_init_enter(&indexed)) {
		index_rows(&forms[0][0], 2, G_N_ELEMENTS(forms), head, next);
		g_once_init_leave(&indexed, 1);
	}
	for (guint8 r = head[(guint8)w[0]]; r != 0; r = next[r - 1])
		if (strcmp(w, forms[r - 1][0]) == 0)
			return forms[r - 1][1];
	return w;
}

/* Contractions written without their apostrophe ("dont", "im", "theyre"):
   the two words they stand for. */
static bool bare_contraction(const char *w, const char **a_r, const char **b_r)
{
	static const char *const forms[][3] = {
		{ "dont", "do", "not" }, { "cant", "can", "not" }, { "didnt", "did", "not" },
		{ "doesnt", "does", "not" }, { "isnt", "is", "not" }, { "arent", "are", "not" },
		{ "wasnt", "was", "not" }, { "couldnt", "could", "not" },
		{ "wouldnt", "would", "not" }, { "shouldnt", "should", "not" },
		{ "havent", "have", "not" }, { "hasnt", "has", "not" }, { "wont", "will", "not" },
		{ "im", "i", "am" }, { "ive", "i", "have" }, { "youre", "you", "are" },
		{ "theyre", "they", "are" }, { "thats", "that", "is" }, { "whats", "what", "is" },
		{ "itll", "it", "will" }, { "youll", "you", "will" }, { "weve", "we", "have" },
	};

	static guint8 head[256], next[G_N_ELEMENTS(forms)];
	static gsize indexed;

	G_STATIC_ASSERT(G_N_ELEMENTS(forms) < 255);
	if (g_once_init_enter(&indexed)) {
		index_rows(&forms[0][0], 3, G_N_ELEMENTS(forms), head, next);
		g_once_init_leave(&indexed, 1);
	}
	for (guint8 r = head[(guint8)w[0]]; r != 0; r = next[r - 1])
		if (strcmp(w, forms[r - 1][0]) == 0) {
			*a_r = forms[r - 1][1];
			*b_r = forms[r - 1][2];
			return true;
		}
	return false;
}

/* A word token: split "council's", "Tories'", "don't", "I'd". */
static void push_word(struct builder *b, const char *src, size_t start, size_t end)
{
	char buf[64];
	char *w = fold(src + start, end - start, buf, sizeof(buf), &b->folded);
	guint8 flags = case_flags(src + start, end - start) |
		       (g_ascii_isdigit(w[0]) ? TOK_NUMBER : TOK_WORD);
	size_t n = strlen(w);
	char *apos = strrchr(w, '\'');

	if (apos != NULL && apos[1] == '\0' && n > 1) {		/* "Tories'" */
		*apos = '\0';
		push(b, w, start, end, flags | TOK_POSSESSIVE);
	} else if (apos != NULL && n > 3 && strcmp(w + n - 3, "n't") == 0) {
		w[n - 3] = '\0';
		if (strcmp(w, "ca") == 0)
			strcpy(w, "can");
		else if (strcmp(w, "wo") == 0)
			strcpy(w, "will");
		else if (strcmp(w, "sha") == 0)
			strcpy(w, "shall");
		push(b, w, start, end, flags);
		push(b, "not", start, end, TOK_WORD | TOK_EXPANDED);
	} else if (apos != NULL && apos > w) {
		const char *base, *second;

		*apos = '\0';
		second = contraction(w, apos + 1, &base);
		if (second != NULL) {
			push(b, base, start, end, flags);
			push(b, second, start, end, TOK_WORD | TOK_EXPANDED);
		} else if (strcmp(apos + 1, "s") == 0) {
			push(b, w, start, end, flags | TOK_POSSESSIVE);
		} else {
			*apos = '\'';
			push(b, w, start, end, flags);
		}
	} else {
		const char *a, *second;

		if (n <= 7 && bare_contraction(w, &a, &second)) {
			push(b, a, start, end, flags);
			push(b, second, start, end, TOK_WORD | TOK_EXPANDED);
		} else {
			push(b, texting(w), start, end, flags);
		}
	}
	if (w != buf)
		g_free(w);
}

/* The end of the word starting at P (within [P, END)): letters, digits,
   marks, invisible characters, and ' - or . between two word characters
   (". between digits only": "3.30pm", not "hall.Then"). */
static const char *word_end(const char *p, const char *end)
{
	const char *q = p;

	while (q < end) {
		const char *next;
		gunichar c = char_at(q, &next);

		if (is_word_char(c) || is_invisible(c)) {
			q = next;
			continue;
		}
		if (next < end && q > p && (is_apostrophe(c) || is_dash(c) || c == '.' || c == ',')) {
			gunichar prev = g_utf8_get_char(g_utf8_find_prev_char(p, q));
			gunichar after = g_utf8_get_char(next);

			if (c == '.' || c == ',' ? g_unichar_isdigit(prev) && g_unichar_isdigit(after)
				     : is_word_char(prev) && is_word_char(after)) {
				q = next;
				continue;
			}
		}
		/* A trailing apostrophe makes a plural possessive ("Tories'"). */
		if (is_apostrophe(c) && q > p && g_utf8_get_char(g_utf8_find_prev_char(p, q)) == 's' &&
		    (next >= end || !is_word_char(g_utf8_get_char(next))))
			return next;
		break;
	}
	return q;
}

static bool is_abbreviation(const struct lang_text *t)
{
	const struct tok *prev;

	if (t->toks->len == 0)
		return false;
	prev = TOK(t, t->toks->len - 1);
	return (prev->flags & TOK_WORD) && strlen(prev->w) <= 6 &&
	       in_list(prev->w, abbreviations, G_N_ELEMENTS(abbreviations));
}

/* The length of [P, END) in characters, counted up to CAP only: a line's
   length matters only below WRAPPED_LINE_CHARS. */
static size_t chars_capped(const char *p, const char *end, size_t cap)
{
	size_t n = 0;

	for (; p < end && n < cap; n++)
		p = (unsigned char)*p < 0x80 ? p + 1 : g_utf8_next_char(p);
	return n;
}

/* Tokens of one line [P, END). Returns the line's visible length in
   characters (at most WRAPPED_LINE_CHARS) and whether its last token
   ended a sentence. */
static size_t tokenise_line(struct builder *b, const char *src, const char *p, const char *end,
			    bool *ended_r)
{
	size_t chars = chars_capped(p, end, WRAPPED_LINE_CHARS);

	*ended_r = false;
	while (p < end) {
		const char *next;
		gunichar c = char_at(p, &next);

		if (is_space_or_control(c) || is_invisible(c)) {
			p = next;
			continue;
		}
		*ended_r = false;
		if (is_word_char(c)) {
			const char *q = word_end(p, end);

			push_word(b, src, (size_t)(p - src), (size_t)(q - src));
			p = q;
			continue;
		}
		{
			char punct[8] = { 0 };
			bool stop = c == '!' || c == '?' || c == ';' ||
				    (c == '.' && !is_abbreviation(b->t));

			if (is_dash(c))
				c = '-';
			else if (is_apostrophe(c))
				c = '\'';
			else if (c == 0x201C || c == 0x201D)
				c = '"';
			else if (c == 0x2026)	/* ellipsis */
				c = '.', stop = true;
			g_unichar_to_utf8(c, punct);
			push(b, punct, (size_t)(p - src), (size_t)(next - src), 0);
			/* A stop ends the sentence when a space, a quote or the
			   line's end follows ("e.g.x" and "3.30" do not). */
			if (stop && (next >= end || g_unichar_isspace(g_utf8_get_char(next)) ||
				     strchr("\"')]", *next) != NULL)) {
				/* "?!" and "...": the sentence ends after the run. */
				const char *r = next;

				while (r < end && strchr(".!?", *r) != NULL)
					r++;
				for (const char *s = next; s < r; s++)
					push(b, (char[]){ *s, 0 }, (size_t)(s - src),
					     (size_t)(s - src) + 1, 0);
				end_sentence(b);
				*ended_r = true;
				next = r;
			}
		}
		p = next;
	}
	return chars;
}

/* A list item: "- ", "* ", "• ", "1. ", "2) ", "a) ". Returns where its text starts. */
static const char *bullet(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end)
		return NULL;
	if ((*p == '-' || *p == '*' || *p == '+') && p + 1 < end && p[1] == ' ')
		return p + 2;
	if (g_utf8_get_char(p) == 0x2022 || g_utf8_get_char(p) == 0x00B7 ||
	    g_utf8_get_char(p) == 0x2013)
		return g_utf8_next_char(p);
	if (g_ascii_isalnum(*p)) {
		const char *q = p;

		while (q < end && g_ascii_isdigit(*q))
			q++;
		if (q == p && q + 1 < end)
			q++;	/* "a)" */
		if (q < end && q - p <= 2 && (*q == ')' || (*q == '.' && q > p && g_ascii_isdigit(*p))) &&
		    q + 1 < end && q[1] == ' ')
			return q + 2;
	}
	return NULL;
}

/* Does the line's text start with a capital, a digit or a sign? */
static bool starts_upper(const char *p, const char *end)
{
	while (p < end && g_unichar_isspace(g_utf8_get_char(p)))
		p = g_utf8_next_char(p);
	return p < end && !g_unichar_islower(g_utf8_get_char(p));
}

static bool program_line(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || (g_ascii_tolower(*p) != 's' && g_ascii_tolower(*p) != 'g'))
		return false;	/* every one starts "sent" or "get" */
	for (size_t i = 0; i < G_N_ELEMENTS(program_lines); i++) {
		size_t n = strlen(program_lines[i]);

		if ((size_t)(end - p) >= n && g_ascii_strncasecmp(p, program_lines[i], n) == 0)
			return true;
	}
	return false;
}

/* TEXT as a person reads it (disguise.h): invisible characters gone,
   look-alike letters Latin, spaced letters joined ("P l e a s e  a r r a
   n g e" is "Please arrange"), line by line; TEXT itself, taken over, when
   nothing was disguised (the usual case: no copy). */
static char *undisguised(char *text)
{
	GString *out = NULL, *line = g_string_new(NULL);
	const char *p = text, *end = text + strlen(text);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;

		g_string_truncate(line, 0);
		if (disguise_undo(p, (size_t)(le - p), line) != 0) {
			if (out == NULL)
				out = g_string_new_len(text, p - text);
			g_string_append_len(out, line->str, (gssize)line->len);
		} else if (out != NULL) {
			g_string_append_len(out, p, le - p);
		}
		if (out != NULL && nl != NULL)
			g_string_append_c(out, '\n');
		p = nl != NULL ? nl + 1 : end;
	}
	g_string_free(line, TRUE);
	if (out == NULL)
		return text;
	g_free(text);
	return g_string_free(out, FALSE);
}

struct lang_text *lang_text_new(const char *utf8)
{
	struct lang_text *t = g_new0(struct lang_text, 1);
	struct builder b = { .t = t, .line = 0 };
	const char *p, *end;
	bool prev_ended = true, prev_comma = false;
	size_t prev_chars = 0;

	t->src = undisguised(g_utf8_make_valid(utf8 != NULL ? utf8 : "", -1));
	t->len = strlen(t->src);
	/* about one word in five bytes of text */
	t->toks = g_array_sized_new(FALSE, FALSE, sizeof(struct tok), (guint)(t->len / 5 + 16));
	t->sentences = g_array_new(FALSE, FALSE, sizeof(struct sentence));
	t->words = g_string_chunk_new(4096);

	for (p = t->src; p <= t->src + t->len; p = end + 1) {
		const char *nl = memchr(p, '\n', (size_t)(t->src + t->len - p));
		const char *text, *item;
		bool blank = true, ended;

		end = nl != NULL ? nl : t->src + t->len;
		b.line++;
		for (const char *q = p; q < end && blank; q++)
			blank = g_ascii_isspace(*q);
		if (blank || program_line(p, end)) {
			if (blank)
				end_paragraph(&b);
			prev_ended = true;
			prev_chars = 0;
			if (nl == NULL)
				break;
			continue;
		}
		text = p;
		if ((item = bullet(p, end)) != NULL) {
			end_sentence(&b);
			b.bullet = true;
			text = item;
		} else if (!prev_ended && prev_chars < WRAPPED_LINE_CHARS &&
			   (starts_upper(text, end) || prev_comma)) {
			/* A short line ends where it ends ("Kevin", "Hi all,"),
			   unless the next goes on in lower case. */
			end_sentence(&b);
		}
		prev_chars = tokenise_line(&b, t->src, text, end, &ended);
		prev_ended = ended;
		prev_comma = t->toks->len > 0 && strcmp(TOK(t, t->toks->len - 1)->w, ",") == 0;
		if (nl == NULL)
			break;
	}
	end_paragraph(&b);
	if (b.folded != NULL)
		g_hash_table_destroy(b.folded);
	return t;
}

void lang_text_add_reader(struct lang_text *text, const char *name)
{
	static const char *const titles[] = { "mr", "mrs", "ms", "miss", "dr", "cllr", "mx",
					      "councillor", "rev", "revd", "sir", "dame" };
	char **words = g_strsplit_set(name != NULL ? name : "", " \t\"'", -1);

	for (char **w = words; *w != NULL; w++) {
		char *lower;
		bool title = false;
		size_t n = strlen(*w);

		if (n > 0 && (*w)[n - 1] == '.')
			(*w)[--n] = '\0';
		if (n < 2 || n > 20 || strchr(*w, '@') != NULL || strchr(*w, '(') != NULL)
			continue;
		lower = g_utf8_strdown(*w, -1);
		for (size_t k = 0; k < G_N_ELEMENTS(titles) && !title; k++)
			title = strcmp(lower, titles[k]) == 0;
		if (title) {
			g_free(lower);
			continue;
		}
		if (text->readers == NULL)
			text->readers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		g_hash_table_add(text->readers, lower);
		break;		/* the first name only */
	}
	g_strfreev(words);
}

struct lang_text *lang_text_new_subject(const char *utf8)
{
	struct lang_text *t = lang_text_new(utf8);

	t->headline = true;
	return t;
}

void lang_text_free(struct lang_text **text)
{
	if (*text == NULL)
		return;
	for (size_t k = 0; k < G_N_ELEMENTS((*text)->found); k++)
		if ((*text)->found[k] != NULL)
			g_array_unref((*text)->found[k]);
	if ((*text)->readers != NULL)
		g_hash_table_destroy((*text)->readers);
	g_array_unref((*text)->toks);
	g_array_unref((*text)->sentences);
	g_string_chunk_free((*text)->words);
	g_free((*text)->src);
	g_free(*text);
	*text = NULL;
}

size_t lang_text_sentences(const struct lang_text *text)
{
	return text->sentences->len;
}

static char *quote_range(const struct lang_text *text, size_t from, size_t to, size_t max)
{
	GString *out = g_string_new(NULL);
	const char *p = text->src + from, *end = text->src + to;
	size_t chars = 0;
	bool space = false;

	for (; p < end; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_isspace(c) || g_unichar_iscntrl(c)) {
			space = out->len > 0;
			continue;
		}
		if (is_invisible(c))
			continue;
		if (chars + 1 >= max) {
			g_string_append(out, "...");
			break;
		}
		if (space) {
			g_string_append_c(out, ' ');
			chars++;
			space = false;
		}
		if (c == '"')
			c = '\'';	/* the quote sits inside "..." in evidence */
		g_string_append_unichar(out, c);
		chars++;
	}
	return g_string_free(out, FALSE);
}

char *lang_quote(const struct lang_text *text, const struct lang_hit *hit, size_t max)
{
	return quote_range(text, hit->start, hit->end, max);
}

char *lang_quote_term(const struct lang_text *text, const struct lang_hit *hit)
{
	return quote_range(text, hit->at, MAX(hit->term_end, hit->at), 60);
}
