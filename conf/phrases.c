/*
 * Phrase sets: the shipped lists (<phrase_dir>/<set>.txt, one phrase per
 * line, '#' starts a comment, blank lines ignored) followed by a council's
 * own additions. The shipped files are part of the product: a missing or
 * unreadable one is a config error, not an empty list.
 */
#include <errno.h>
#include <string.h>

#include "conf/conf_private.h"

#define PHRASE_MAX 200

/* GLib's message repeats the path; we want errno's words only. */
static int file_errno(const GError *error)
{
	switch (error->code) {
	case G_FILE_ERROR_NOENT: return ENOENT;
	case G_FILE_ERROR_ACCES: return EACCES;
	case G_FILE_ERROR_ISDIR: return EISDIR;
	case G_FILE_ERROR_NOMEM: return ENOMEM;
	default: return EIO;
	}
}

static int read_set(struct conf *conf, const char *dir, enum conf_phrase_set set,
		    const char *key_file, int key_line, struct conf_phrases *out,
		    struct conf_error_list *errors)
{
	char *name = g_strconcat(conf_phrase_set_choices[set].name, ".txt", NULL);
	char *path = g_build_filename(dir, name, NULL);
	GPtrArray *list = g_ptr_array_new();
	GError *error = NULL;
	char *text = NULL, **lines;
	int ret = 0;

	if (!g_file_get_contents(path, &text, NULL, &error)) {
		conf_error_add(errors, key_file, key_line, "phrase_dir",
			       "cannot read the phrase list \"%s\": %s", path,
			       g_strerror(error->domain == G_FILE_ERROR ? file_errno(error) : EIO));
		g_error_free(error);
		g_ptr_array_free(list, TRUE);
		g_free(name);
		g_free(path);
		return -1;
	}
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		char *hash = strchr(lines[i], '#');
		char *phrase;

		if (hash != NULL)
			*hash = '\0';
		phrase = g_strstrip(lines[i]);
		if (phrase[0] == '\0')
			continue;
		if (!g_utf8_validate(phrase, -1, NULL)) {
			conf_error_add(errors, path, (int)i + 1, NULL,
				       "the phrase is not valid UTF-8; expected UTF-8 text");
			ret = -1;
		} else if (strlen(phrase) > PHRASE_MAX) {
			conf_error_add(errors, path, (int)i + 1, NULL,
				       "the phrase is too long (%zu bytes; at most %d)",
				       strlen(phrase), PHRASE_MAX);
			ret = -1;
		} else {
			g_ptr_array_add(list, (gpointer)conf_strdup(conf, phrase));
		}
	}
	out->n_phrases = list->len;
	out->phrases = conf_alloc(conf, sizeof(char *) * (list->len + 1));
	if (list->len > 0)	/* a shipped list may be empty (instruction.txt) */
		memcpy((void *)out->phrases, list->pdata, sizeof(char *) * list->len);
	g_ptr_array_free(list, TRUE);
	g_strfreev(lines);
	g_free(text);
	g_free(name);
	g_free(path);
	return ret;
}

int conf_phrases_read(struct conf *conf, const char *dir, const char *key_file, int key_line,
		      struct conf_phrases shipped_r[CONF_PHRASES_COUNT],
		      struct conf_error_list *errors)
{
	int ret = 0;

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		conf_error_add(errors, key_file, key_line, "phrase_dir",
			       "\"%s\" %s; expected the folder holding council-milter's "
			       "phrase lists (instruction.txt and the others)",
			       dir,
			       g_file_test(dir, G_FILE_TEST_EXISTS) ? "is not a folder"
								    : "does not exist");
		return -1;
	}
	for (int set = 0; set < CONF_PHRASES_COUNT; set++) {
		if (read_set(conf, dir, (enum conf_phrase_set)set, key_file, key_line,
			     &shipped_r[set], errors) < 0)
			ret = -1;
	}
	return ret;
}

void conf_phrases_merge(struct conf *conf, const struct conf_phrases shipped[CONF_PHRASES_COUNT],
			const struct conf_phrase_extra extra[CONF_PHRASES_COUNT],
			struct conf_phrases out[CONF_PHRASES_COUNT])
{
	for (int set = 0; set < CONF_PHRASES_COUNT; set++) {
		const char **list;

		if (extra[set].n_phrases == 0) {
			out[set] = shipped[set];	/* shared: the config is immutable */
			continue;
		}
		list = conf_alloc(conf, sizeof(char *) *
					(shipped[set].n_phrases + extra[set].n_phrases + 1));
		memcpy(list, shipped[set].phrases, sizeof(char *) * shipped[set].n_phrases);
		memcpy(list + shipped[set].n_phrases, extra[set].phrases,
		       sizeof(char *) * extra[set].n_phrases);
		out[set].phrases = list;
		out[set].n_phrases = shipped[set].n_phrases + extra[set].n_phrases;
	}
}
