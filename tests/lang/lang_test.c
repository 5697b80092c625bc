/* See lang_test.h. */
#include "lang_test.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

struct lang_test {
	struct lang_lexicon *lex;
	struct lang_list *lists[LANG_LISTS];
	struct lang lang;
};

static const char *source_dir(void)
{
	const char *dir = g_getenv("COUNCIL_SOURCE_DIR");

	return dir != NULL ? dir : "../..";
}

/* A shipped list as the configuration reads it: '#' comments, blank lines. */
static struct lang_list *read_list(const char *name)
{
	char *path = g_strdup_printf("%s/policy/phrases/%s.txt", source_dir(), name);
	char *text = NULL, **lines;
	GPtrArray *entries = g_ptr_array_new();
	struct lang_list *list;

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		fprintf(stderr, "lang_test: cannot read %s\n", path);
		g_free(path);
		g_ptr_array_free(entries, TRUE);
		return NULL;
	}
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		char *hash = strchr(lines[i], '#');

		if (hash != NULL)
			*hash = '\0';
		g_strstrip(lines[i]);
		if (lines[i][0] != '\0')
			g_ptr_array_add(entries, lines[i]);
	}
	list = lang_list_new((const char *const *)entries->pdata, entries->len);
	g_ptr_array_free(entries, TRUE);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return list;
}

struct lang_test *lang_test_new(void)
{
	static const char *const names[LANG_LISTS] = {
		[LANG_LIST_INFORMATION] = "information", [LANG_LIST_COURTESY] = "courtesy",
		[LANG_LIST_COMMITMENT] = "commitment", [LANG_LIST_PARTY] = "party",
		[LANG_LIST_CAMPAIGN] = "party-political",
	};
	static const char *const council[] = { "harwick town council", "harwick council" };
	struct lang_test *lt = g_new0(struct lang_test, 1);
	const char *wn = g_getenv("COUNCIL_WORDNET_DIR");
	char *error = NULL;

	if (lang_lexicon_new(wn != NULL ? wn : "/usr/share/wordnet", &lt->lex, &error) < 0) {
		fprintf(stderr, "lang_test: %s\n", error);
		g_free(error);
		g_free(lt);
		return NULL;
	}
	for (size_t i = 0; i < LANG_LISTS; i++) {
		lt->lists[i] = i == LANG_LIST_COUNCIL_NAMES ?
			       lang_list_new(council, G_N_ELEMENTS(council)) : read_list(names[i]);
		if (lt->lists[i] == NULL) {
			lang_test_free(&lt);
			return NULL;
		}
	}
	lt->lang = (struct lang){
		.lex = lt->lex,
		.lists = {
			.information = lt->lists[LANG_LIST_INFORMATION],
			.courtesy = lt->lists[LANG_LIST_COURTESY],
			.commitment = lt->lists[LANG_LIST_COMMITMENT],
			.party = lt->lists[LANG_LIST_PARTY],
			.campaign = lt->lists[LANG_LIST_CAMPAIGN],
			.council_names = lt->lists[LANG_LIST_COUNCIL_NAMES],
		},
	};
	return lt;
}

void lang_test_free(struct lang_test **lt)
{
	if (*lt == NULL)
		return;
	for (size_t i = 0; i < LANG_LISTS; i++)
		lang_list_free(&(*lt)->lists[i]);
	lang_lexicon_free(&(*lt)->lex);
	g_free(*lt);
	*lt = NULL;
}

size_t lang_test_lexicon_verbs(const struct lang_test *lt)
{
	return lang_lexicon_verbs(lt->lex);
}

char **lang_test_read_table(const char *name, size_t fields)
{
	char *path = g_strdup_printf("%s/tests/lang/%s", source_dir(), name);
	char *text = NULL, **lines;
	GPtrArray *out = g_ptr_array_new();

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		fprintf(stderr, "lang_test: cannot read %s\n", path);
		text = g_strdup("");
	}
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		char **f;

		if (lines[i][0] == '\0' || lines[i][0] == '#')
			continue;
		f = g_strsplit(lines[i], "\t", -1);
		if (g_strv_length(f) == fields)
			for (size_t k = 0; k < fields; k++)
				g_ptr_array_add(out, g_strdup(f[k]));
		else
			fprintf(stderr, "lang_test: %s:%zu: not %zu fields\n", path, i + 1, fields);
		g_strfreev(f);
	}
	g_ptr_array_add(out, NULL);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return (char **)g_ptr_array_free(out, FALSE);
}

size_t lang_test_hits(const struct lang_test *lt, const struct lang_text *text,
		      enum lang_kind kind, struct lang_hit *hits_r, size_t max)
{
	GArray *hits = lang_find(&lt->lang, text, kind);
	size_t n = 0;

	for (; n < hits->len && n < max; n++)
		hits_r[n] = g_array_index(hits, struct lang_hit, n);
	g_array_unref(hits);
	return n;
}

void lang_test_classify(const struct lang_test *lt, const char *sentence, bool *request_r,
			bool *commit_r, const char **how_r)
{
	/* a row that starts "subject: " is a subject line */
	struct lang_text *t = strncmp(sentence, "subject: ", 9) == 0 ?
			      lang_text_new_subject(sentence + 9) : lang_text_new(sentence);
	struct lang_hit hit;

	*request_r = lang_test_hits(lt, t, LANG_REQUEST, &hit, 1) > 0;
	*how_r = *request_r ? hit.how : NULL;
	*commit_r = lang_test_hits(lt, t, LANG_COMMITMENT, &hit, 1) > 0;
	lang_text_free(&t);
}

bool lang_test_party_ask(const struct lang_test *lt, const char *text)
{
	struct lang_text *t = lang_text_new(text);
	struct lang_hit hit;
	bool in_subject, found = lang_party_ask(&lt->lang, NULL, t, &hit, &in_subject);

	lang_text_free(&t);
	return found;
}
