/*
 * A CSV's rows as a council's people (see directory.h). Columns are found
 * by their header's name, as Microsoft 365 ("Display name", "User principal
 * name", "Proxy addresses", "Title", "Block credential"), Google Workspace
 * ("First Name [Required]", "Email Address [Required]", "Employee Title",
 * "Status [READ ONLY]") and a spreadsheet ("Name", "Email", "Role", "Ward",
 * "Titles", "Party") write them, or as --map names them. Every row is
 * checked and every bad one reported with its line; nothing is guessed.
 */
#include "directory/directory.h"

#include <stdarg.h>
#include <string.h>

#include "util/util.h"

#define TEXT_MAX 200		/* as the configuration allows for names, wards, parties */

const char *const dir_field_names[DIR_FIELDS] = {
	"name", "first_name", "last_name", "addresses", "role", "ward", "titles", "party",
	"disabled",
};

/* The header names each field is known by, lower case, in order of
   preference (the first found wins; for addresses, every one found). */
static const char *const known[DIR_FIELDS][8] = {
	[DIR_NAME] = { "name", "display name", "full name", "displayname" },
	[DIR_FIRST_NAME] = { "first name", "first name [required]", "given name", "firstname" },
	[DIR_LAST_NAME] = { "last name", "last name [required]", "surname", "family name",
			    "lastname" },
	[DIR_ADDRESSES] = { "addresses", "email", "e-mail", "email address", "e-mail address",
			    "email address [required]", "user principal name",
			    "proxy addresses" },
	[DIR_ROLE] = { "role", "job title", "title", "employee title", "position" },
	[DIR_WARD] = { "ward" },
	[DIR_TITLES] = { "titles", "civic titles", "civic title" },
	[DIR_PARTY] = { "party", "political party" },
	[DIR_DISABLED] = { "block credential", "status [read only]", "disabled" },
};

/* A role as councils write it in a job title; anything else is an error. */
static const struct {
	const char *words;
	enum conf_role role;
} roles[] = {
	{ "councillor", CONF_ROLE_COUNCILLOR }, { "cllr", CONF_ROLE_COUNCILLOR },
	{ "member", CONF_ROLE_COUNCILLOR }, { "town councillor", CONF_ROLE_COUNCILLOR },
	{ "parish councillor", CONF_ROLE_COUNCILLOR }, { "city councillor", CONF_ROLE_COUNCILLOR },
	{ "ward councillor", CONF_ROLE_COUNCILLOR },
	{ "clerk", CONF_ROLE_CLERK }, { "town clerk", CONF_ROLE_CLERK },
	{ "parish clerk", CONF_ROLE_CLERK }, { "city clerk", CONF_ROLE_CLERK },
	{ "clerk to the council", CONF_ROLE_CLERK }, { "proper officer", CONF_ROLE_CLERK },
	{ "clerk and rfo", CONF_ROLE_CLERK }, { "clerk & rfo", CONF_ROLE_CLERK },
	{ "staff", CONF_ROLE_STAFF }, { "officer", CONF_ROLE_STAFF },
	{ "deputy clerk", CONF_ROLE_STAFF }, { "assistant clerk", CONF_ROLE_STAFF },
	{ "rfo", CONF_ROLE_STAFF }, { "responsible financial officer", CONF_ROLE_STAFF },
};

static const struct {
	const char *word;
	unsigned title;
} titles[] = {
	{ "mayor", CONF_TITLE_MAYOR }, { "chair", CONF_TITLE_CHAIR },
	{ "chairman", CONF_TITLE_CHAIR }, { "vice-chair", CONF_TITLE_VICE_CHAIR },
	{ "vice chair", CONF_TITLE_VICE_CHAIR }, { "leader", CONF_TITLE_LEADER },
};

/* Lower case, blanks trimmed and runs of blanks made one space. */
static char *simple(const char *s)
{
	char *lower = g_utf8_strdown(s, -1);
	char **words = g_strsplit_set(g_strstrip(lower), " \t\r\n", -1);
	GString *out = g_string_new(NULL);

	for (char **w = words; *w != NULL; w++)
		if (**w != '\0')
			g_string_append_printf(out, "%s%s", out->len > 0 ? " " : "", *w);
	g_strfreev(words);
	g_free(lower);
	return g_string_free(out, FALSE);
}

static int column_named(const struct csv_row *header, const char *name)
{
	char *want = simple(name);
	int found = -1;

	for (size_t i = 0; i < header->n_fields && found < 0; i++) {
		char *have = simple(header->fields[i]);
		if (strcmp(have, want) == 0)
			found = (int)i;
		g_free(have);
	}
	g_free(want);
	return found;
}

static char *header_list(const struct csv_row *header)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < header->n_fields; i++)
		g_string_append_printf(s, "%s\"%s\"", i > 0 ? ", " : "", header->fields[i]);
	return g_string_free(s, FALSE);
}

void dir_columns_clear(struct dir_columns *c)
{
	if (c->address_columns != NULL)
		g_array_unref(c->address_columns);
	c->address_columns = NULL;
}

static int field_named(const char *name)
{
	for (int f = 0; f < DIR_FIELDS; f++)
		if (g_ascii_strcasecmp(name, dir_field_names[f]) == 0)
			return f;
	return -1;
}

int dir_columns_find(const struct csv *csv, const char *const *maps,
		     struct dir_columns *c, const char **error_r)
{
	const struct csv_row *header = csv->rows->pdata[0];
	bool mapped_addresses = false;

	memset(c, 0, sizeof(*c));
	c->address_columns = g_array_new(FALSE, FALSE, sizeof(int));
	for (int f = 0; f < DIR_FIELDS; f++) {
		c->column[f] = -1;
		for (size_t k = 0; k < G_N_ELEMENTS(known[f]) && known[f][k] != NULL; k++) {
			int col = column_named(header, known[f][k]);
			if (col < 0)
				continue;
			if (f == DIR_ADDRESSES)
				g_array_append_val(c->address_columns, col);
			else if (c->column[f] < 0)
				c->column[f] = col;
		}
	}
	for (size_t i = 0; maps != NULL && maps[i] != NULL; i++) {
		const char *eq = strchr(maps[i], '=');
		char *name = eq != NULL ? g_strndup(maps[i], (gsize)(eq - maps[i])) : NULL;
		int f = name != NULL ? field_named(name) : -1;
		int col = eq != NULL ? column_named(header, eq + 1) : -1;
		g_free(name);
		if (f < 0) {
			*error_r = util_error("--map %s: expected FIELD=COLUMN, FIELD one of "
					      "name, first_name, last_name, addresses, role, ward, "
					      "titles, party, disabled", maps[i]);
			dir_columns_clear(c);
			return -1;
		}
		if (col < 0) {
			char *list = header_list(header);
			*error_r = util_error("--map %s: the header has no column \"%s\"; its "
					      "columns are %s", maps[i], eq + 1, list);
			g_free(list);
			dir_columns_clear(c);
			return -1;
		}
		if (f == DIR_ADDRESSES) {
			if (!mapped_addresses)
				g_array_set_size(c->address_columns, 0);
			mapped_addresses = true;
			g_array_append_val(c->address_columns, col);
		} else {
			c->column[f] = col;
		}
	}
	c->shape = column_named(header, "user principal name") >= 0 ? "Microsoft 365" :
		column_named(header, "email address [required]") >= 0 ? "Google Workspace" :
		"spreadsheet";
	const char *missing = NULL;
	if (c->column[DIR_NAME] < 0 &&
	    (c->column[DIR_FIRST_NAME] < 0 || c->column[DIR_LAST_NAME] < 0))
		missing = "each person's name (\"Name\", \"Display name\", or \"First name\" "
			  "and \"Last name\"); --map name=COLUMN names another";
	else if (c->address_columns->len == 0)
		missing = "each person's e-mail addresses (\"Email\", \"User principal name\", "
			  "\"Email Address [Required]\"); --map addresses=COLUMN names another";
	else if (c->column[DIR_ROLE] < 0)
		missing = "each person's role, councillor, clerk or staff (\"Role\", or the job "
			  "title); --map role=COLUMN names another";
	if (missing != NULL) {
		char *list = header_list(header);
		*error_r = util_error("line %lu: no column gives %s. The columns are %s",
				      header->line, missing, list);
		g_free(list);
		dir_columns_clear(c);
		return -1;
	}
	return 0;
}

static const char *cell(const struct csv_row *row, int col)
{
	return col >= 0 && (size_t)col < row->n_fields ? row->fields[col] : "";
}

/* The text of a cell, trimmed; NULL when empty. */
static char *text_of(const struct csv_row *row, int col)
{
	char *s = g_strstrip(g_strdup(cell(row, col)));

	if (*s == '\0') {
		g_free(s);
		return NULL;
	}
	return s;
}

void dir_people_free(struct dir_people **people_p)
{
	struct dir_people *p = *people_p;

	if (p == NULL)
		return;
	for (guint i = 0; i < p->people->len; i++) {
		struct dir_person *d = p->people->pdata[i];
		g_free(d->name);
		g_strfreev(d->addresses);
		g_free(d->ward);
		g_free(d->party);
		g_free(d);
	}
	g_ptr_array_unref(p->people);
	g_ptr_array_unref(p->errors);
	g_ptr_array_unref(p->skipped);
	g_free(p);
	*people_p = NULL;
}

static void error(struct dir_people *p, const struct csv_row *row, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
static void error(struct dir_people *p, const struct csv_row *row, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(p->errors, g_strdup_printf("line %lu: %s", row->line, what));
	g_free(what);
}

/* "SMTP:..." and its kind: letters and digits, then a colon. */
static bool typed_proxy(const char *s)
{
	const char *p = s;

	while (g_ascii_isalnum(*p))
		p++;
	return p > s && *p == ':';
}

/* The addresses in one cell: "SMTP:a@x+smtp:b@y" (Microsoft's proxy
   addresses: only the SMTP ones), or separated by commas, semicolons or
   blanks. */
static void cell_addresses(const char *text, GPtrArray *out)
{
	char **parts = g_strsplit_set(text, ",; \t\r\n", -1);

	for (char **p = parts; *p != NULL; p++) {
		if (**p == '\0')
			continue;
		/* Proxy addresses: TYPE:value, joined by '+'. A '+' in an
		   address itself never precedes "TYPE:". */
		if (strchr(*p, ':') != NULL) {
			char **proxies = g_strsplit(*p, "+", -1);
			GString *cur = NULL;
			for (char **x = proxies; ; x++) {
				bool typed = *x != NULL && typed_proxy(*x);
				if ((*x == NULL || typed) && cur != NULL) {
					if (g_ascii_strncasecmp(cur->str, "smtp:", 5) == 0)
						g_ptr_array_add(out, g_strdup(cur->str + 5));
					g_string_free(cur, TRUE);
					cur = NULL;
				}
				if (*x == NULL)
					break;
				if (cur == NULL)
					cur = g_string_new(*x);
				else
					g_string_append_printf(cur, "+%s", *x);
			}
			g_strfreev(proxies);
			continue;
		}
		g_ptr_array_add(out, g_strdup(*p));
	}
	g_strfreev(parts);
}

static int role_of(const char *value, enum conf_role *role_r)
{
	char *v = simple(value);
	int ret = -1;

	for (size_t i = 0; i < G_N_ELEMENTS(roles) && ret < 0; i++)
		if (strcmp(v, roles[i].words) == 0) {
			*role_r = roles[i].role;
			ret = 0;
		}
	g_free(v);
	return ret;
}

/* "mayor", "Mayor; Chair", "vice-chair and leader": -1 with the word not
   known in *bad_r (g_free). */
static int titles_of(const char *value, unsigned *titles_r, char **bad_r)
{
	char *v = simple(value);
	char **words;

	/* " and " separates as a comma does. */
	GRegex *and = g_regex_new(" and |[,;/&]", 0, 0, NULL);
	words = g_regex_split(and, v, 0);
	g_regex_unref(and);
	*titles_r = 0;
	for (char **w = words; *w != NULL; w++) {
		char *t = g_strstrip(*w);
		if (*t == '\0')
			continue;
		bool ok = false;
		for (size_t i = 0; i < G_N_ELEMENTS(titles) && !ok; i++)
			if (strcmp(t, titles[i].word) == 0) {
				*titles_r |= titles[i].title;
				ok = true;
			}
		if (!ok) {
			*bad_r = g_strdup(t);
			g_strfreev(words);
			g_free(v);
			return -1;
		}
	}
	g_strfreev(words);
	g_free(v);
	return 0;
}

static bool disabled(const char *value)
{
	char *v = simple(value);
	static const char *const yes[] = { "true", "yes", "suspended", "disabled", "blocked",
					   "archived" };
	bool is = false;

	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++)
		is |= strcmp(v, yes[i]) == 0;
	g_free(v);
	return is;
}

/* A name, ward or party as the configuration takes it: one line of
   visible text, not too long. */
static bool fit_text(struct dir_people *p, const struct csv_row *row, const char *what,
		     char *text)
{
	if (text == NULL)
		return true;
	if (strpbrk(text, "\r\n") != NULL) {
		char *shown = g_strescape(text, NULL);
		error(p, row, "the %s \"%s\" has a line break in it", what, shown);
		g_free(shown);
		return false;
	}
	if (strlen(text) > TEXT_MAX) {
		error(p, row, "the %s is longer than %d characters", what, TEXT_MAX);
		return false;
	}
	return true;
}

/* ADDRESS (lower case) is someone's outside COUNCIL: who, else NULL (g_free). */
static char *used_elsewhere(const struct conf *conf, const struct conf_council *council,
			    const char *address)
{
	const struct conf_person *other = conf_person_lookup(conf, address);

	if (other != NULL && other->council != council)
		return g_strdup_printf("%s of %s", other->name, other->council->name);
	for (size_t i = 0; i < conf->n_councils; i++) {
		const struct conf_council *c = &conf->councils[i];
		if (c != council && c->review_to != NULL &&
		    g_ascii_strcasecmp(c->review_to, address) == 0)
			return g_strdup_printf("the review address of %s", c->name);
	}
	return NULL;
}

/* The name in ROW: its name column, or first and last names; NULL when
   empty (g_free). */
static char *row_name(const struct csv_row *row, const struct dir_columns *c)
{
	char *name = text_of(row, c->column[DIR_NAME]);

	if (name == NULL && c->column[DIR_FIRST_NAME] >= 0) {
		char *first = text_of(row, c->column[DIR_FIRST_NAME]);
		char *last = text_of(row, c->column[DIR_LAST_NAME]);
		name = first != NULL || last != NULL ?
			g_strstrip(g_strdup_printf("%s %s", first != NULL ? first : "",
						   last != NULL ? last : "")) : NULL;
		g_free(first);
		g_free(last);
	}
	return name;
}

static struct dir_person *read_person(struct dir_people *p, const struct csv_row *row,
				      const struct dir_columns *c, const struct conf *conf,
				      const struct conf_council *council, GHashTable *seen)
{
	char *name = row_name(row, c);
	bool ok = true;

	if (name == NULL) {
		error(p, row, "no name");
		return NULL;
	}
	ok &= fit_text(p, row, "name", name);

	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < c->address_columns->len; i++)
		cell_addresses(cell(row, g_array_index(c->address_columns, int, i)), found);
	GPtrArray *addresses = g_ptr_array_new();
	for (guint i = 0; i < found->len; i++) {
		char *a = g_utf8_strdown(found->pdata[i], -1);
		/* Microsoft 365's own routing address of every account, which
		   nobody writes from or to: not the person's. */
		if (g_str_has_suffix(a, ".onmicrosoft.com")) {
			g_free(a);
			continue;
		}
		const char *problem = conf_address_problem(a);
		bool dup = false;
		for (guint k = 0; k < addresses->len && !dup; k++)
			dup = strcmp(addresses->pdata[k], a) == 0;
		char *other = problem == NULL && !dup ? used_elsewhere(conf, council, a) : NULL;
		const struct dir_person *before = g_hash_table_lookup(seen, a);
		if (problem != NULL) {
			error(p, row, "%s: \"%s\" %s", name, a, problem);
			ok = false;
		} else if (other != NULL) {
			error(p, row, "%s: %s is already the address of %s", name, a, other);
			ok = false;
		} else if (before != NULL) {
			error(p, row, "%s: %s is also %s's, on line %lu", name, a, before->name,
			      before->line);
			ok = false;
		}
		g_free(other);
		if (dup || problem != NULL)
			g_free(a);
		else
			g_ptr_array_add(addresses, a);
	}
	g_ptr_array_unref(found);
	if (addresses->len == 0 && ok) {
		error(p, row, "%s has no e-mail address", name);
		ok = false;
	}
	g_ptr_array_add(addresses, NULL);

	struct dir_person *d = g_new0(struct dir_person, 1);
	d->line = row->line;
	d->name = name;
	d->addresses = (char **)g_ptr_array_free(addresses, FALSE);
	char *role = text_of(row, c->column[DIR_ROLE]);
	if (role == NULL || role_of(role, &d->role) < 0) {
		char *what = role == NULL ? g_strdup("no role") :
			g_strdup_printf("unknown role \"%s\"", role);
		error(p, row, "%s: %s; expected councillor, clerk or staff (or a job title that "
		      "says one: \"Town Clerk\", \"Parish Councillor\", \"Deputy Clerk\")", name,
		      what);
		g_free(what);
		ok = false;
	}
	g_free(role);
	if (d->role == CONF_ROLE_COUNCILLOR) {
		d->ward = text_of(row, c->column[DIR_WARD]);
		d->party = text_of(row, c->column[DIR_PARTY]);
		ok &= fit_text(p, row, "ward", d->ward) && fit_text(p, row, "party", d->party);
		char *t = text_of(row, c->column[DIR_TITLES]), *bad = NULL;
		if (t != NULL && titles_of(t, &d->titles, &bad) < 0) {
			error(p, row, "%s: unknown title \"%s\"; expected mayor, chair, vice-chair "
			      "or leader", name, bad);
			ok = false;
		}
		g_free(bad);
		g_free(t);
	}
	if (!ok) {
		/* Reported; nothing will be written, so the row is not kept. */
		g_free(d->name);
		g_strfreev(d->addresses);
		g_free(d->ward);
		g_free(d->party);
		g_free(d);
		return NULL;
	}
	for (char **a = d->addresses; *a != NULL; a++)
		g_hash_table_insert(seen, *a, d);
	return d;
}

struct dir_people *dir_people_read(const struct csv *csv, const struct dir_columns *c,
				   const struct conf *conf, const struct conf_council *council)
{
	struct dir_people *p = g_new0(struct dir_people, 1);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	p->people = g_ptr_array_new();
	p->errors = g_ptr_array_new_with_free_func(g_free);
	p->skipped = g_ptr_array_new_with_free_func(g_free);
	for (int f = 0; f < DIR_FIELDS; f++)
		p->has[f] = c->column[f] >= 0;
	p->has[DIR_ADDRESSES] = true;
	p->has[DIR_NAME] |= p->has[DIR_FIRST_NAME];
	for (guint i = 1; i < csv->rows->len; i++) {
		const struct csv_row *row = csv->rows->pdata[i];
		if (c->column[DIR_DISABLED] >= 0 && disabled(cell(row, c->column[DIR_DISABLED]))) {
			char *who = row_name(row, c);
			bool blocked = g_ascii_strcasecmp(cell(row, c->column[DIR_DISABLED]),
							  "true") == 0;
			g_ptr_array_add(p->skipped, g_strdup_printf(
				"line %lu: %s, an account that is %s", row->line,
				who != NULL ? who : "(no name)",
				blocked ? "blocked from signing in" : "suspended or disabled"));
			g_free(who);
			continue;
		}
		struct dir_person *d = read_person(p, row, c, conf, council, seen);
		if (d != NULL)
			g_ptr_array_add(p->people, d);
	}
	g_hash_table_unref(seen);
	return p;
}
