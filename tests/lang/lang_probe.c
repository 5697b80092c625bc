/*
 * lang_probe: how the language layer reads sentences, for whoever tunes it.
 * Each argument (or each line of standard input) is read as a text; the
 * tokens and every hit are printed; a text that starts "subject: " is read
 * as a subject line.
 *   tests/lang/lang_probe "Could you possibly ring the hire company?"
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "lang_test.h"
#include "policy/lang-private.h"

static void probe(const struct lang_test *lt, const char *text)
{
	static const char *const kinds[] = { "request", "information", "commitment", "party" };
	/* "subject: Bin in the members' room" is read as a subject line */
	bool headline = strncmp(text, "subject: ", 9) == 0;
	struct lang_text *t = headline ? lang_text_new_subject(text + 9) : lang_text_new(text);
	struct lang_hit hits[16];

	printf("%s\n ", text);
	for (guint i = 0; i < t->toks->len; i++)
		printf(" %s%s", TOK(t, i)->w, TOK(t, i)->flags & TOK_SENTENCE_FIRST ? "|" : "");
	printf("\n");
	for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
		size_t n = lang_test_hits(lt, t, (enum lang_kind)k, hits, 16);

		for (size_t i = 0; i < n; i++)
			printf("  %s (%s) sentence %zu, word at byte %zu%s%s\n", kinds[k],
			       hits[i].how, hits[i].sentence, hits[i].at,
			       hits[i].task ? ", task" : "", hits[i].order ? ", order" : "");
	}
	printf("  party-ask: %s\n", lang_test_party_ask(lt, text) ? "yes" : "no");
	lang_text_free(&t);
}

int main(int argc, char **argv)
{
	struct lang_test *lt = lang_test_new();
	char line[4096];

	if (lt == NULL)
		return 1;
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			probe(lt, argv[i]);
	} else {
		while (fgets(line, sizeof(line), stdin) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			probe(lt, line);
		}
	}
	lang_test_free(&lt);
	return 0;
}
