/* The config object's life: storage, reference count, error lines. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_private.h"

void *conf_alloc(struct conf *conf, size_t size)
{
	void *p = g_malloc0(size > 0 ? size : 1);

	g_ptr_array_add(conf->priv->blocks, p);
	return p;
}

const char *conf_strdup(struct conf *conf, const char *s)
{
	/* _const: repeated strings (wards, parties, domains) are stored once. */
	return s == NULL ? NULL : g_string_chunk_insert_const(conf->priv->strings, s);
}

void conf_error_list_init(struct conf_error_list *errors)
{
	errors->items = g_array_new(FALSE, FALSE, sizeof(struct conf_error_item));
}

void conf_error_add(struct conf_error_list *errors, const char *file, int line, const char *key,
		    const char *fmt, ...)
{
	struct conf_error_item item = { g_strdup(file), line, NULL };
	GString *out = g_string_new(file);
	va_list args;

	if (line > 0)
		g_string_append_printf(out, ":%d", line);
	g_string_append(out, ": ");
	if (key != NULL && key[0] != '\0')
		g_string_append_printf(out, "%s: ", key);
	va_start(args, fmt);
	g_string_append_vprintf(out, fmt, args);
	va_end(args);
	item.text = g_string_free(out, FALSE);
	g_array_append_val(errors->items, item);
}

struct sort_key {
	unsigned file_rank;
	int line;
	unsigned seq;
	char *text;
};

static int sort_key_cmp(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;

	if (x->file_rank != y->file_rank)
		return x->file_rank < y->file_rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct conf_errors *conf_error_list_finish(struct conf_error_list *errors)
{
	GHashTable *ranks = g_hash_table_new(g_str_hash, g_str_equal);
	size_t n = errors->items->len;
	struct sort_key *keys = g_new(struct sort_key, n > 0 ? n : 1);
	struct conf_errors *out = NULL;

	for (size_t i = 0; i < n; i++) {
		struct conf_error_item *item =
		    &g_array_index(errors->items, struct conf_error_item, i);
		gpointer rank;

		if (!g_hash_table_lookup_extended(ranks, item->file, NULL, &rank)) {
			rank = GUINT_TO_POINTER(g_hash_table_size(ranks));
			g_hash_table_insert(ranks, item->file, rank);
		}
		keys[i] = (struct sort_key){ GPOINTER_TO_UINT(rank), item->line, (unsigned)i,
					     item->text };
	}
	qsort(keys, n, sizeof(*keys), sort_key_cmp);
	if (n > 0) {
		out = g_new0(struct conf_errors, 1);
		out->lines = g_new0(char *, n + 1);
		out->n_lines = n;
		for (size_t i = 0; i < n; i++)
			out->lines[i] = keys[i].text;
	} else {
		for (size_t i = 0; i < n; i++)
			g_free(keys[i].text);
	}
	for (size_t i = 0; i < n; i++)
		g_free(g_array_index(errors->items, struct conf_error_item, i).file);
	g_hash_table_destroy(ranks);
	g_array_free(errors->items, TRUE);
	errors->items = NULL;
	g_free(keys);
	return out;
}

void conf_errors_free(struct conf_errors **errors)
{
	if (*errors == NULL)
		return;
	g_strfreev((*errors)->lines);
	g_free(*errors);
	*errors = NULL;
}

/* Optimal string alignment distance: a swapped pair of letters counts as one
   typo, as people make them. Case-insensitive. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *d = g_new(size_t, (la + 1) * (lb + 1));
	size_t result;

#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost =
			    g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
			size_t best = MIN(D(i - 1, j) + 1, D(i, j - 1) + 1);

			best = MIN(best, D(i - 1, j - 1) + cost);
			if (i > 1 && j > 1 &&
			    g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 2]) &&
			    g_ascii_tolower(a[i - 2]) == g_ascii_tolower(b[j - 1]))
				best = MIN(best, D(i - 2, j - 2) + 1);
			D(i, j) = best;
		}
	}
	result = D(la, lb);
#undef D
	g_free(d);
	return result;
}

const char *conf_suggest(const char *word, const char *const *names, size_t n)
{
	size_t len = strlen(word), limit = len <= 3 ? 1 : len <= 8 ? 2 : 3;
	size_t best_d = SIZE_MAX;
	const char *best = NULL;

	if (len > 64)
		return NULL;
	for (size_t i = 0; i < n && names[i] != NULL; i++) {
		size_t d = distance(word, names[i]);

		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	if (best_d <= limit)
		return best;
	/* "town-council" for "town-council-2023": a unique name it begins. */
	best = NULL;
	for (size_t i = 0; len >= 4 && i < n && names[i] != NULL; i++) {
		if (g_ascii_strncasecmp(names[i], word, len) == 0) {
			if (best != NULL)
				return NULL;
			best = names[i];
		}
	}
	return best;
}

struct conf *conf_ref(struct conf *conf)
{
	g_return_val_if_fail(conf != NULL, NULL);
	g_atomic_int_inc(&conf->priv->refcount);
	return conf;
}

void conf_unref(struct conf **conf)
{
	struct conf *c = *conf;

	*conf = NULL;
	if (c != NULL && g_atomic_int_dec_and_test(&c->priv->refcount))
		conf_free(c);
}

struct conf_attached {
	void *data;
	void (*destroy)(void *data);
};

static void attached_free(gpointer p)
{
	struct conf_attached *a = p;

	if (a->destroy != NULL && a->data != NULL)
		a->destroy(a->data);
	g_free(a);
}

void *conf_attachment(const struct conf *conf, const char *key,
		      void *(*create)(const struct conf *conf), void (*destroy)(void *data))
{
	struct conf_private *priv;
	struct conf_attached *a;
	void *data;

	g_return_val_if_fail(conf != NULL && key != NULL && create != NULL, NULL);
	priv = conf->priv;
	g_mutex_lock(&priv->attach_lock);
	if (priv->attachments == NULL)
		priv->attachments = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							  attached_free);
	a = g_hash_table_lookup(priv->attachments, key);
	if (a == NULL) {
		a = g_new0(struct conf_attached, 1);
		a->data = create(conf);
		a->destroy = destroy;
		g_hash_table_insert(priv->attachments, g_strdup(key), a);
	}
	data = a->data;
	g_mutex_unlock(&priv->attach_lock);
	return data;
}

const struct conf_place *conf_place_of(const struct conf *conf, const char *key)
{
	const struct conf_place *p = conf->priv->places != NULL ?
		g_hash_table_lookup(conf->priv->places, key) : NULL;

	return p != NULL ? p : &conf->priv->file_place;
}

void conf_free(struct conf *conf)
{
	struct conf_private *priv = conf->priv;

	/* Attachments first: they were derived from what is freed below. */
	if (priv->attachments != NULL)
		g_hash_table_destroy(priv->attachments);
	g_mutex_clear(&priv->attach_lock);

	if (priv->places != NULL)
		g_hash_table_destroy(priv->places);
	if (priv->people != NULL)
		g_hash_table_destroy(priv->people);
	if (priv->domains != NULL)
		g_hash_table_destroy(priv->domains);
	for (size_t i = 0; priv->press != NULL && i < conf->n_councils; i++) {
		if (priv->press[i] != NULL)
			g_hash_table_destroy(priv->press[i]);
	}
	g_free(priv->press);
	g_ptr_array_free(priv->blocks, TRUE);
	g_string_chunk_free(priv->strings);
	g_free(priv);
	g_free(conf);
}
