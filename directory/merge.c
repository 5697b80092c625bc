/*
 * The CSV's people merged into the configuration's text (see directory.h).
 * Each person of the council in the text is matched with a row of the CSV
 * by an address they share (else by name: a changed address); what differs
 * becomes an edit of that one setting (ward = "..."; replaced, party
 * removed, titles added), a person no row matches leaves (their element
 * removed from its list with its comma), a row no person matches joins
 * (added at the end of councillors or officers). A list is rebuilt from
 * its own pieces (the text before, between and after its elements), so
 * what was written around the people, comments included, stays as it was;
 * a list with no change is not touched at all.
 */
#include "directory/directory.h"

#include <string.h>

#include "util/util.h"

#define INCLUDE_DEPTH_MAX 10	/* libconfig's */
#define LINE_WIDTH 96		/* a new person on one line up to this */

struct plist;

/* A person of the council, as the text has them. */
struct text_person {
	struct cfg_text *file;		/* the file of its group */
	struct cfg_node *group;		/* its settings */
	struct cfg_node *element;	/* its element of the list: the group, or an @include */
	struct plist *list;
	char *name;
	char **addresses;		/* lower case */
	char *ward, *party;
	unsigned titles;
	enum conf_role role;
	struct dir_person *match;	/* the row it is; NULL: it leaves */
	GPtrArray *edits;		/* struct cfg_edit *, inside the group */
};

/* councillors or officers. */
struct plist {
	const char *key;
	bool officers;
	struct cfg_text *file;		/* where the setting is, or will be */
	struct cfg_node *setting;	/* NULL: not in the text yet */
	GPtrArray *persons;		/* struct text_person *, by element */
	GPtrArray *joiners;		/* struct dir_person * */
	bool changed;
};

struct merging {
	struct dir_merge *m;
	const char *include_dir;
	struct cfg_node *council;	/* the council's group */
	struct cfg_text *council_file;
	struct plist lists[2];		/* councillors, officers */
	GPtrArray *all;			/* struct text_person *, both lists */
	const char **error_r;
};

static void edit_free(gpointer p)
{
	struct cfg_edit *e = p;

	g_free(e->text);
	g_free(e);
}

static void add_edit(GPtrArray *edits, struct cfg_text *file, size_t start, size_t end,
		     char *text)
{
	struct cfg_edit *e = g_new0(struct cfg_edit, 1);

	e->file = file;
	e->start = start;
	e->end = end;
	e->text = text;
	g_ptr_array_add(edits, e);
}

/* ---- finding the council in the text -------------------------------------- */

static struct cfg_text *read_file(struct merging *g, struct cfg_text *parent,
				  struct cfg_node *via)
{
	const char *name = via->string;
	/* libconfig 1.5 reads an @include from the include folder, whatever
	   the name (conf/scan.c). */
	char *path = g_strconcat(g->include_dir, "/", name, NULL);
	struct cfg_text *cfg;

	for (guint i = 0; i < g->m->files->len; i++) {
		cfg = g->m->files->pdata[i];
		if (strcmp(cfg->path, path) == 0) {
			g_free(path);
			return cfg;
		}
	}
	int ret = cfg_text_read(path, &cfg, g->error_r);
	g_free(path);
	if (ret < 0)
		return NULL;
	cfg->name = g_strdup(name);
	cfg->parent = parent;
	cfg->via = via;
	g_ptr_array_add(g->m->files, cfg);
	return cfg;
}

/* The setting NAME of GROUP (in FILE), or of a file GROUP @includes. */
static struct cfg_node *member(struct merging *g, struct cfg_text *file, struct cfg_node *group,
			       const char *name, struct cfg_text **file_r, int depth)
{
	struct cfg_node *n = cfg_member(group, name);

	if (n != NULL) {
		*file_r = file;
		return n;
	}
	for (guint i = 0; group->children != NULL && i < group->children->len; i++) {
		struct cfg_node *inc = group->children->pdata[i];
		if (inc->kind != CFG_INCLUDE || depth >= INCLUDE_DEPTH_MAX)
			continue;
		struct cfg_text *other = read_file(g, file, inc);
		if (other != NULL && other->root->kind == CFG_GROUP &&
		    (n = member(g, other, other->root, name, file_r, depth + 1)) != NULL)
			return n;
	}
	return NULL;
}

/* An element of a list: a group, or the group of a file @included there. */
static struct cfg_node *element_group(struct merging *g, struct cfg_text *file,
				      struct cfg_node *element, struct cfg_text **file_r)
{
	*file_r = file;
	if (element->kind == CFG_GROUP)
		return element;
	if (element->kind != CFG_INCLUDE)
		return NULL;
	struct cfg_text *other = read_file(g, file, element);
	if (other == NULL || other->root->kind != CFG_LIST || other->root->children->len != 1)
		return NULL;
	struct cfg_node *group = other->root->children->pdata[0];
	*file_r = other;
	return group->kind == CFG_GROUP ? group : NULL;
}

static const char *string_of(const struct cfg_node *setting)
{
	return setting != NULL && setting->value != NULL && setting->value->kind == CFG_SCALAR ?
		setting->value->string : NULL;
}

static int find_council(struct merging *g, struct cfg_text *main_file,
			const struct conf_council *council)
{
	struct cfg_text *file;
	struct cfg_node *councils = member(g, main_file, main_file->root, "councils", &file, 0);

	if (councils == NULL || councils->value == NULL || councils->value->kind != CFG_LIST) {
		*g->error_r = util_error("%s: no councils = ( ... ) list found", main_file->path);
		return -1;
	}
	GPtrArray *elements = councils->value->children;
	for (guint i = 0; i < elements->len; i++) {
		struct cfg_text *gfile;
		struct cfg_node *group = element_group(g, file, elements->pdata[i], &gfile);
		struct cfg_text *nfile;
		struct cfg_node *name = group != NULL ? member(g, gfile, group, "name", &nfile, 0) :
			NULL;
		if (g_strcmp0(string_of(name), council->name) == 0) {
			g->council = group;
			g->council_file = gfile;
			return 0;
		}
	}
	*g->error_r = util_error("%s: the council \"%s\" was not found in the text",
				 main_file->path, council->name);
	return -1;
}

/* ---- the people in the text ----------------------------------------------- */

static char **strings_of(const struct cfg_node *setting)
{
	GPtrArray *out = g_ptr_array_new();
	const struct cfg_node *v = setting != NULL ? setting->value : NULL;

	for (guint i = 0; v != NULL && v->kind == CFG_ARRAY && i < v->children->len; i++) {
		const struct cfg_node *s = v->children->pdata[i];
		if (s->kind == CFG_SCALAR && s->string != NULL)
			g_ptr_array_add(out, g_utf8_strdown(s->string, -1));
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

static const struct {
	const char *word;
	unsigned bit;
} title_words[] = {
	{ "mayor", CONF_TITLE_MAYOR }, { "chair", CONF_TITLE_CHAIR },
	{ "vice-chair", CONF_TITLE_VICE_CHAIR }, { "leader", CONF_TITLE_LEADER },
};

static struct text_person *person_read(struct plist *list, struct cfg_text *file,
				       struct cfg_node *group, struct cfg_node *element)
{
	struct text_person *tp = g_new0(struct text_person, 1);

	tp->file = file;
	tp->group = group;
	tp->element = element;
	tp->list = list;
	tp->edits = g_ptr_array_new_with_free_func(edit_free);
	tp->name = g_strdup(string_of(cfg_member(group, "name")));
	tp->addresses = strings_of(cfg_member(group, "addresses"));
	tp->ward = g_strdup(string_of(cfg_member(group, "ward")));
	tp->party = g_strdup(string_of(cfg_member(group, "party")));
	char **t = strings_of(cfg_member(group, "titles"));
	for (char **w = t; *w != NULL; w++)
		for (size_t i = 0; i < G_N_ELEMENTS(title_words); i++)
			if (strcmp(*w, title_words[i].word) == 0)
				tp->titles |= title_words[i].bit;
	g_strfreev(t);
	tp->role = !list->officers ? CONF_ROLE_COUNCILLOR :
		g_strcmp0(string_of(cfg_member(group, "role")), "clerk") == 0 ? CONF_ROLE_CLERK :
		CONF_ROLE_STAFF;
	return tp;
}

static void person_free(gpointer p)
{
	struct text_person *tp = p;

	g_free(tp->name);
	g_strfreev(tp->addresses);
	g_free(tp->ward);
	g_free(tp->party);
	g_ptr_array_unref(tp->edits);
	g_free(tp);
}

static int read_list(struct merging *g, struct plist *list)
{
	list->persons = g_ptr_array_new();
	list->joiners = g_ptr_array_new();
	list->setting = member(g, g->council_file, g->council, list->key, &list->file, 0);
	if (list->setting == NULL) {
		list->file = g->council_file;
		return 0;
	}
	struct cfg_node *l = list->setting->value;
	if (l == NULL || l->kind != CFG_LIST) {
		*g->error_r = util_error("%s:%lu: %s is not a list ( ... )", list->file->path,
					 cfg_line(list->file, list->setting->start), list->key);
		return -1;
	}
	for (guint i = 0; i < l->children->len; i++) {
		struct cfg_node *element = l->children->pdata[i];
		struct cfg_text *file;
		struct cfg_node *group = element_group(g, list->file, element, &file);
		if (group == NULL) {
			*g->error_r = util_error("%s:%lu: an element of %s that is not a person's "
						 "{ ... }", list->file->path,
						 cfg_line(list->file, element->start), list->key);
			return -1;
		}
		struct text_person *tp = person_read(list, file, group, l->children->pdata[i]);
		g_ptr_array_add(list->persons, tp);
		g_ptr_array_add(g->all, tp);
	}
	return 0;
}

/* ---- matching and what differs --------------------------------------------- */

static bool shares_address(const struct text_person *tp, const struct dir_person *d)
{
	for (char **a = tp->addresses; *a != NULL; a++)
		if (g_strv_contains((const char *const *)d->addresses, *a))
			return true;
	return false;
}

static bool same_addresses(char **a, char **b)
{
	if (g_strv_length(a) != g_strv_length(b))
		return false;
	for (char **x = a; *x != NULL; x++)
		if (!g_strv_contains((const char *const *)b, *x))
			return false;
	return true;
}

/* Each row with the person of the text it is, by a shared address or,
   failing that, by name. */
static int match(struct merging *g, const struct dir_people *people)
{
	for (guint i = 0; i < people->people->len; i++) {
		struct dir_person *d = people->people->pdata[i];
		struct text_person *found = NULL;
		for (guint k = 0; k < g->all->len; k++) {
			struct text_person *tp = g->all->pdata[k];
			if (!shares_address(tp, d))
				continue;
			if (found != NULL) {
				*g->error_r = util_error(
					"line %lu: %s's addresses belong to two people of the "
					"configuration, %s and %s; make them one there first",
					d->line, d->name, found->name, tp->name);
				return -1;
			}
			found = tp;
		}
		for (guint k = 0; found == NULL && k < g->all->len; k++) {
			struct text_person *tp = g->all->pdata[k];
			if (tp->match == NULL && tp->name != NULL &&
			    g_utf8_collate(tp->name, d->name) == 0)
				found = tp;
		}
		if (found != NULL && found->match != NULL) {
			*g->error_r = util_error("line %lu: %s is the same person of the "
						 "configuration as line %lu (%s)", d->line, d->name,
						 found->match->line, found->match->name);
			return -1;
		}
		if (found != NULL)
			found->match = d;
	}
	return 0;
}

static char *titles_text(unsigned titles)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(title_words); i++)
		if (titles & title_words[i].bit)
			g_string_append_printf(s, "%s%s", s->len > 0 ? ", " : "",
					       title_words[i].word);
	return g_string_free(s, FALSE);
}

/* The configuration's value for a setting. */
static char *titles_value(unsigned titles)
{
	GString *s = g_string_new("[");

	for (size_t i = 0; i < G_N_ELEMENTS(title_words); i++)
		if (titles & title_words[i].bit)
			g_string_append_printf(s, "%s \"%s\"", s->len > 1 ? "," : "",
					       title_words[i].word);
	g_string_append(s, " ]");
	return g_string_free(s, FALSE);
}

static char *addresses_value(char **addresses)
{
	GString *s = g_string_new("[");

	for (char **a = addresses; *a != NULL; a++) {
		char *q = cfg_quote(*a);
		g_string_append_printf(s, "%s %s", a != addresses ? "," : "", q);
		g_free(q);
	}
	g_string_append(s, " ]");
	return g_string_free(s, FALSE);
}

static const char *role_word(enum conf_role role)
{
	return role == CONF_ROLE_CLERK ? "clerk" : role == CONF_ROLE_STAFF ? "staff" :
		"councillor";
}

/* ---- edits of a person's group --------------------------------------------- */

static size_t line_start(const struct cfg_text *f, size_t at)
{
	while (at > 0 && f->text[at - 1] != '\n')
		at--;
	return at;
}

static char *indent_at(const struct cfg_text *f, size_t at)
{
	size_t start = line_start(f, at), end = start;

	while (end < f->len && (f->text[end] == ' ' || f->text[end] == '\t'))
		end++;
	return g_strndup(f->text + start, end - start);
}

/* KEY = VALUE (VALUE NULL: the setting removed) in TP's group. */
static void set_setting(struct text_person *tp, const char *key, char *value)
{
	struct cfg_node *s = cfg_member(tp->group, key);
	const struct cfg_text *f = tp->file;

	if (s != NULL && value != NULL) {
		add_edit(tp->edits, tp->file, s->value->start, s->value->end, value);
	} else if (s != NULL) {
		/* The setting and the blanks after it; its line, when alone on it. */
		size_t start = s->start, end = s->end;
		while (end < f->len && (f->text[end] == ' ' || f->text[end] == '\t'))
			end++;
		size_t ls = line_start(f, start);
		bool alone = strspn(f->text + ls, " \t") == start - ls &&
			end < f->len && f->text[end] == '\n';
		if (alone) {
			start = ls;
			end++;
		}
		add_edit(tp->edits, tp->file, start, end, g_strdup(""));
	} else if (value != NULL) {
		/* After the group's last setting, on its line. */
		GPtrArray *c = tp->group->children;
		struct cfg_node *last = c->len > 0 ? c->pdata[c->len - 1] : NULL;
		size_t at = last != NULL ? last->end : tp->group->start + 1;
		bool ended = last == NULL || f->text[last->end - 1] == ';' ||
			f->text[last->end - 1] == ',';
		add_edit(tp->edits, tp->file, at, at, g_strdup_printf("%s %s = %s;", ended ? "" :
								      ";", key, value));
		g_free(value);
	}
}

/* Apply what differs between TP and its row; the words of the change
   into CHANGES (nothing when the same). */
static void person_changes(struct text_person *tp, const struct dir_people *people,
			   GString *changes)
{
	const struct dir_person *d = tp->match;
	bool councillor = d->role == CONF_ROLE_COUNCILLOR;

	if (people->has[DIR_NAME] && g_strcmp0(tp->name, d->name) != 0) {
		g_string_append_printf(changes, "; name \"%s\" -> \"%s\"", tp->name, d->name);
		set_setting(tp, "name", cfg_quote(d->name));
	}
	if (!same_addresses(tp->addresses, d->addresses)) {
		char *was = g_strjoinv(", ", tp->addresses), *now = g_strjoinv(", ", d->addresses);
		g_string_append_printf(changes, "; addresses %s -> %s", was, now);
		set_setting(tp, "addresses", addresses_value(d->addresses));
		g_free(was);
		g_free(now);
	}
	if (!councillor && tp->role != d->role) {
		g_string_append_printf(changes, "; role %s -> %s", role_word(tp->role),
				       role_word(d->role));
		set_setting(tp, "role", cfg_quote(role_word(d->role)));
	}
	if (!councillor)
		return;
	const struct {
		enum dir_field field;
		const char *key, *was, *now;
	} texts[] = {
		{ DIR_WARD, "ward", tp->ward, d->ward },
		{ DIR_PARTY, "party", tp->party, d->party },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
		if (!people->has[texts[i].field] || g_strcmp0(texts[i].was, texts[i].now) == 0)
			continue;
		g_string_append_printf(changes, "; %s %s%s%s -> %s%s%s", texts[i].key,
				       texts[i].was != NULL ? "\"" : "",
				       texts[i].was != NULL ? texts[i].was : "(none)",
				       texts[i].was != NULL ? "\"" : "",
				       texts[i].now != NULL ? "\"" : "",
				       texts[i].now != NULL ? texts[i].now : "(none)",
				       texts[i].now != NULL ? "\"" : "");
		set_setting(tp, texts[i].key,
			    texts[i].now != NULL ? cfg_quote(texts[i].now) : NULL);
	}
	if (people->has[DIR_TITLES] && tp->titles != d->titles) {
		char *was = titles_text(tp->titles), *now = titles_text(d->titles);
		g_string_append_printf(changes, "; titles %s -> %s", *was != '\0' ? was : "(none)",
				       *now != '\0' ? now : "(none)");
		set_setting(tp, "titles", d->titles != 0 ? titles_value(d->titles) : NULL);
		g_free(was);
		g_free(now);
	}
}

/* ---- lists rebuilt ---------------------------------------------------------- */

/* A new person's element, on one line when it fits, else two. */
static char *person_text(const struct dir_person *d, const char *indent)
{
	GString *first = g_string_new("{ "), *rest = g_string_new(NULL);
	char *q = cfg_quote(d->name), *addresses = addresses_value(d->addresses);

	g_string_append_printf(first, "name = %s; addresses = %s;", q, addresses);
	g_free(q);
	g_free(addresses);
	if (d->role != CONF_ROLE_COUNCILLOR) {
		g_string_append_printf(rest, " role = \"%s\";", role_word(d->role));
	} else {
		if (d->ward != NULL) {
			q = cfg_quote(d->ward);
			g_string_append_printf(rest, " ward = %s;", q);
			g_free(q);
		}
		if (d->titles != 0) {
			char *t = titles_value(d->titles);
			g_string_append_printf(rest, " titles = %s;", t);
			g_free(t);
		}
		if (d->party != NULL) {
			q = cfg_quote(d->party);
			g_string_append_printf(rest, " party = %s;", q);
			g_free(q);
		}
	}
	g_string_append(rest, " }");
	if (strlen(indent) + first->len + rest->len > LINE_WIDTH)
		g_string_append_printf(first, "\n%s ", indent);
	g_string_append(first, rest->str);
	g_string_free(rest, TRUE);
	return g_string_free(first, FALSE);
}

static gint by_start(gconstpointer a, gconstpointer b)
{
	const struct cfg_edit *x = *(struct cfg_edit *const *)a, *y = *(struct cfg_edit *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void rebuild_list(struct merging *g, struct plist *list)
{
	const struct cfg_text *f = list->file;

	if (!list->changed)
		return;
	if (list->setting == NULL) {
		/* A new setting, before the council's closing brace. */
		char *indent = indent_at(g->council_file, ((struct cfg_node *)
							   g->council->children->pdata[0])->start);
		GString *s = g_string_new(NULL);
		g_string_append_printf(s, "\n%s%s = (", indent, list->key);
		char *inner = g_strconcat(indent, "  ", NULL);
		for (guint i = 0; i < list->joiners->len; i++) {
			char *p = person_text(list->joiners->pdata[i], inner);
			g_string_append_printf(s, "%s\n%s%s", i > 0 ? "," : "", inner, p);
			g_free(p);
		}
		g_string_append_printf(s, "\n%s);\n", indent);
		size_t at = line_start(g->council_file, g->council->end - 1);
		if (at <= g->council->start)
			at = g->council->end - 1;
		add_edit(g->m->edits, g->council_file, at, at, g_string_free(s, FALSE));
		g_free(indent);
		g_free(inner);
		return;
	}
	struct cfg_node *l = list->setting->value;
	GPtrArray *e = l->children;
	size_t open = l->start + 1, close = l->end - 1;
	GString *s = g_string_new(NULL);
	GPtrArray *kept = g_ptr_array_new();
	for (guint i = 0; i < list->persons->len; i++)
		if (((struct text_person *)list->persons->pdata[i])->match != NULL)
			g_ptr_array_add(kept, GUINT_TO_POINTER(i));
	char *indent = e->len > 0 ?
		indent_at(f, ((struct cfg_node *)e->pdata[0])->start) :
		g_strconcat(indent_at(f, list->setting->start), "  ", NULL);

	size_t first = e->len > 0 ? ((struct cfg_node *)e->pdata[0])->start : close;
	g_string_append_len(s, f->text + open, (gssize)(first - open));
	for (guint j = 0; j < kept->len; j++) {
		guint i = GPOINTER_TO_UINT(kept->pdata[j]);
		struct text_person *tp = list->persons->pdata[i];
		/* An @included person (never edited: dir_merge refuses) stays as it is. */
		const struct cfg_node *el = tp->element;
		char *text = tp->file == f ? cfg_apply(f, el, tp->edits) :
			g_strndup(f->text + el->start, el->end - el->start);
		g_string_append(s, text);
		g_free(text);
		if (j + 1 < kept->len) {
			const struct cfg_node *next = e->pdata[i + 1];
			g_string_append_len(s, f->text + tp->element->end,
					    (gssize)(next->start - tp->element->end));
		}
	}
	for (guint j = 0; j < list->joiners->len; j++) {
		char *p = person_text(list->joiners->pdata[j], indent);
		g_string_append_printf(s, "%s\n%s%s", kept->len > 0 || j > 0 ? "," : "", indent, p);
		g_free(p);
	}
	/* What followed the last element, up to the closing parenthesis. */
	size_t tail = e->len > 0 ? ((struct cfg_node *)e->pdata[e->len - 1])->end : close;
	if (e->len == 0 && list->joiners->len > 0)
		g_string_append_printf(s, "\n%.*s", (int)(strlen(indent) - 2), indent);
	g_string_append_len(s, f->text + tail, (gssize)(close - tail));
	add_edit(g->m->edits, (struct cfg_text *)f, open, close, g_string_free(s, FALSE));
	g_ptr_array_unref(kept);
	g_free(indent);
}

/* ---- the whole ------------------------------------------------------------- */

static char *person_line(char sign, const char *role, const char *name, char **addresses,
			 const char *ward, const char *party, unsigned titles)
{
	GString *s = g_string_new(NULL);
	char *addr = g_strjoinv(", ", addresses), *t = titles_text(titles);

	g_string_append_printf(s, "%c %s %s <%s>", sign, role, name, addr);
	if (ward != NULL)
		g_string_append_printf(s, ", %s", ward);
	if (party != NULL)
		g_string_append_printf(s, ", %s", party);
	if (*t != '\0')
		g_string_append_printf(s, ", %s", t);
	g_free(addr);
	g_free(t);
	return g_string_free(s, FALSE);
}

static void file_free(gpointer p)
{
	struct cfg_text *f = p;

	cfg_text_free(&f);
}

int dir_merge(const char *conf_path, const struct conf *conf,
	      const struct conf_council *council, const struct dir_people *people,
	      struct dir_merge **merge_r, const char **error_r)
{
	struct dir_merge *m = g_new0(struct dir_merge, 1);
	char *include_dir = g_path_get_dirname(conf_path);
	struct merging g = {
		.m = m, .include_dir = include_dir, .error_r = error_r,
		.lists = { { .key = "councillors" }, { .key = "officers", .officers = true } },
		.all = g_ptr_array_new_with_free_func(person_free),
	};
	struct cfg_text *main_file;
	int ret = -1;

	m->joins = g_ptr_array_new_with_free_func(g_free);
	m->leaves = g_ptr_array_new_with_free_func(g_free);
	m->changes = g_ptr_array_new_with_free_func(g_free);
	m->files = g_ptr_array_new_with_free_func(file_free);
	m->edits = g_ptr_array_new_with_free_func(edit_free);
	if (cfg_text_read(conf_path, &main_file, error_r) < 0)
		goto out;
	g_ptr_array_add(m->files, main_file);
	if (find_council(&g, main_file, council) < 0 || read_list(&g, &g.lists[0]) < 0 ||
	    read_list(&g, &g.lists[1]) < 0 || match(&g, people) < 0)
		goto out;

	for (guint i = 0; i < g.all->len; i++) {
		struct text_person *tp = g.all->pdata[i];
		bool councillor_row = tp->match != NULL && tp->match->role == CONF_ROLE_COUNCILLOR;
		/* Councillor to officer or back: leaves one list, joins the other. */
		if (tp->match != NULL && councillor_row == tp->list->officers) {
			g_ptr_array_add(g.lists[councillor_row ? 0 : 1].joiners, tp->match);
			g_ptr_array_add(m->changes, g_strdup_printf(
				"~ %s: role %s -> %s (moved to %s)", tp->match->name,
				role_word(tp->role), role_word(tp->match->role),
				councillor_row ? "councillors" : "officers"));
			tp->match = NULL;
			tp->list->changed = true;
			g.lists[councillor_row ? 0 : 1].changed = true;
			continue;
		}
		if (tp->match == NULL) {
			g_ptr_array_add(m->leaves, person_line('-', role_word(tp->role),
							       tp->name, tp->addresses, tp->ward,
							       tp->party, tp->titles));
			tp->list->changed = true;
			continue;
		}
		GString *changes = g_string_new(NULL);
		person_changes(tp, people, changes);
		if (changes->len > 0 && tp->file != tp->list->file) {
			*error_r = util_error("%s: %s is in a file of their own, @included there; "
					      "change it by hand (%s)", tp->file->path, tp->name,
					      changes->str + 2);
			g_string_free(changes, TRUE);
			goto out;
		}
		if (changes->len > 0) {
			g_ptr_array_add(m->changes, g_strdup_printf("~ %s: %s", tp->match->name,
								    changes->str + 2));
			tp->list->changed = true;
			g_ptr_array_sort(tp->edits, by_start);
		} else {
			m->unchanged++;
		}
		g_string_free(changes, TRUE);
	}
	/* Rows that are nobody in the text yet: joiners, in the CSV's order. */
	for (guint i = 0; i < people->people->len; i++) {
		struct dir_person *d = people->people->pdata[i];
		bool known = false;
		for (guint k = 0; k < g.all->len && !known; k++)
			known = ((struct text_person *)g.all->pdata[k])->match == d;
		for (int l = 0; l < 2 && !known; l++)
			known = g_ptr_array_find(g.lists[l].joiners, d, NULL);
		if (known)
			continue;
		struct plist *list = &g.lists[d->role == CONF_ROLE_COUNCILLOR ? 0 : 1];
		g_ptr_array_add(list->joiners, d);
		list->changed = true;
		g_ptr_array_add(m->joins, person_line('+', role_word(d->role), d->name,
						      d->addresses, d->ward, d->party, d->titles));
	}
	for (int l = 0; l < 2; l++)
		rebuild_list(&g, &g.lists[l]);
	ret = 0;
out:
	for (int l = 0; l < 2; l++) {
		if (g.lists[l].persons != NULL)
			g_ptr_array_unref(g.lists[l].persons);
		if (g.lists[l].joiners != NULL)
			g_ptr_array_unref(g.lists[l].joiners);
	}
	g_ptr_array_unref(g.all);
	g_free(include_dir);
	if (ret < 0)
		dir_merge_free(&m);
	*merge_r = m;
	return ret;
}

void dir_merge_free(struct dir_merge **merge_p)
{
	struct dir_merge *m = *merge_p;

	if (m == NULL)
		return;
	g_ptr_array_unref(m->joins);
	g_ptr_array_unref(m->leaves);
	g_ptr_array_unref(m->changes);
	g_ptr_array_unref(m->edits);
	g_ptr_array_unref(m->files);
	g_free(m);
	*merge_p = NULL;
}

GPtrArray *dir_merge_edits(const struct dir_merge *m, const struct cfg_text *file)
{
	GPtrArray *mine = g_ptr_array_new();

	for (guint i = 0; i < m->edits->len; i++)
		if (((struct cfg_edit *)m->edits->pdata[i])->file == file)
			g_ptr_array_add(mine, m->edits->pdata[i]);
	g_ptr_array_sort(mine, by_start);
	return mine;
}
