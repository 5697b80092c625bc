/* The schema walker: see schema.h. */
#include "conf/schema.h"

#include <stdint.h>
#include <string.h>

#define STRING_MAX_DEFAULT 1000
#define QUOTE_MAX 80

#define AT(base, off, type) ((type *)((char *)(base) + (off)))

_Static_assert(sizeof(enum conf_role) == sizeof(int), "SCHEMA_ENUM stores an int");
_Static_assert(sizeof(enum conf_on_error) == sizeof(int), "SCHEMA_ENUM stores an int");
_Static_assert(sizeof(enum conf_journal_failure) == sizeof(int), "SCHEMA_ENUM stores an int");
_Static_assert(sizeof(enum conf_mta) == sizeof(int), "SCHEMA_ENUM stores an int");

const char *schema_file(struct schema_ctx *ctx, const config_setting_t *setting)
{
	const char *file = setting != NULL ? config_setting_source_file(setting) : NULL;
	char *full;
	const char *kept;

	if (file == NULL || strcmp(file, ctx->file) == 0)
		return ctx->file;
	/* libconfig names an @include file as written in the directive; it was
	   found in the include folder, so name it from there. */
	if (g_path_is_absolute(file) || strcmp(ctx->include_dir, ".") == 0)
		return conf_strdup(ctx->conf, file);
	full = g_build_filename(ctx->include_dir, file, NULL);
	kept = conf_strdup(ctx->conf, full);
	g_free(full);
	return kept;
}

int schema_line(const config_setting_t *setting)
{
	return setting != NULL ? (int)config_setting_source_line(setting) : 0;
}

static const char *keep_temp(struct schema_ctx *ctx, char *s)
{
	g_ptr_array_add(ctx->temp, s);
	return s;
}

static const char *join_path(struct schema_ctx *ctx, const char *parent, const char *name)
{
	if (parent == NULL || parent[0] == '\0')
		return keep_temp(ctx, g_strdup(name));
	return keep_temp(ctx, g_strconcat(parent, ".", name, NULL));
}

static const char *index_path(struct schema_ctx *ctx, const char *parent, int i)
{
	return keep_temp(ctx, g_strdup_printf("%s[%d]", parent, i));
}

char *schema_quote(const char *s)
{
	bool utf8 = g_utf8_validate(s, -1, NULL);
	GString *out = g_string_new("\"");

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (out->len > QUOTE_MAX && (*p & 0xc0) != 0x80) {
			g_string_append(out, "...");
			break;
		}
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8))
			g_string_append_printf(out, "\\x%02x", *p);
		else
			g_string_append_c(out, (char)*p);
	}
	g_string_append_c(out, '"');
	return g_string_free(out, FALSE);
}

const char *schema_number_text(struct schema_ctx *ctx, const config_setting_t *s)
{
	const char *file = config_setting_source_file(s);
	const char *name = config_setting_name(s);

	return conf_scan_number(ctx->scan, file != NULL ? file : ctx->file, schema_line(s), name);
}

/* "a string ("300")", "a whole number (42)": what the user actually wrote. */
static char *describe(struct schema_ctx *ctx, const config_setting_t *s)
{
	const char *text = schema_number_text(ctx, s);
	char *q, *out;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING:
		q = schema_quote(config_setting_get_string(s));
		out = g_strdup_printf("a string (%s)", q);
		g_free(q);
		return out;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (text != NULL)
			return g_strdup_printf("a whole number (%s)", text);
		return g_strdup_printf("a whole number (%lld)",
				       (long long)config_setting_get_int64(s));
	case CONFIG_TYPE_FLOAT:
		return g_strdup_printf("a decimal number (%g)", config_setting_get_float(s));
	case CONFIG_TYPE_BOOL:
		return g_strdup_printf("a true/false value (%s)",
				       config_setting_get_bool(s) ? "true" : "false");
	case CONFIG_TYPE_GROUP:
		return g_strdup("a group { ... }");
	case CONFIG_TYPE_LIST:
		return g_strdup("a list ( ... )");
	case CONFIG_TYPE_ARRAY:
		return g_strdup("an array [ ... ]");
	default:
		return g_strdup("a value of unknown type");
	}
}

static char *names_list(const struct schema_name *names)
{
	GString *out = g_string_new(NULL);

	for (const struct schema_name *n = names; n->name != NULL; n++)
		g_string_append_printf(out, "%s%s", n == names ? "" : ", ", n->name);
	return g_string_free(out, FALSE);
}

static char *expected(const struct schema_key *key)
{
	char *list, *out;

	if (key->expected != NULL)
		return g_strdup(key->expected);
	switch (key->type) {
	case SCHEMA_STRING:
	case SCHEMA_PATH:
		return g_strdup("a string");
	case SCHEMA_BOOL:
		return g_strdup("true or false");
	case SCHEMA_UINT:
	case SCHEMA_SIZE:
		return g_strdup_printf("a number%s%s from %lld to %lld",
				       key->unit != NULL ? " of " : "",
				       key->unit != NULL ? key->unit : "", key->min, key->max);
	case SCHEMA_OCTAL:
		return g_strdup_printf("an octal string from \"%04llo\" to \"%04llo\", "
				       "such as \"0660\"", key->min, key->max);
	case SCHEMA_CHAR:
		return g_strdup("a string of one character");
	case SCHEMA_KEYWORD:
	case SCHEMA_ENUM:
		list = names_list(key->names);
		out = g_strdup_printf("one of: %s", list);
		g_free(list);
		return out;
	case SCHEMA_FLAGS:
		list = names_list(key->names);
		out = g_strdup_printf("a list of any of: %s", list);
		g_free(list);
		return out;
	case SCHEMA_STRINGS:
		return g_strdup("a list of strings [ \"...\", ... ]");
	case SCHEMA_GROUP:
	case SCHEMA_MAP:
		return g_strdup("a group { ... }");
	case SCHEMA_GROUPS:
		return g_strdup("a list of groups ( { ... }, ... )");
	}
	return g_strdup("a valid value");
}

static void error_at(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		     const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void error_at(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		     const char *fmt, ...)
{
	va_list args;
	char *msg;

	va_start(args, fmt);
	msg = g_strdup_vprintf(fmt, args);
	va_end(args);
	conf_error_add(ctx->errors, schema_file(ctx, s), schema_line(s), path, "%s", msg);
	g_free(msg);
}

static void type_error(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		       const struct schema_key *key)
{
	char *got = describe(ctx, s), *want = expected(key);

	error_at(ctx, s, path, "got %s, expected %s", got, want);
	g_free(got);
	g_free(want);
}

static void range_error(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
			const struct schema_key *key, const char *value)
{
	char *want = expected(key);

	error_at(ctx, s, path, "%s is out of range; expected %s", value, want);
	g_free(want);
}

/* One line of UTF-8 text: the config's strings end up in logs and headers. */
static bool check_text(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		       const struct schema_key *key, const char *value)
{
	size_t max = key->max > 0 ? (size_t)key->max : STRING_MAX_DEFAULT;
	char *q = schema_quote(value), *want;
	bool ok = false;

	if (!g_utf8_validate(value, -1, NULL)) {
		error_at(ctx, s, path, "%s is not valid UTF-8 text", q);
	} else if (strpbrk(value, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
				  "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
				  "\x1f\x7f") != NULL) {
		error_at(ctx, s, path, "%s contains a control character (a line break or tab); "
			 "expected one line of text", q);
	} else if (value[strspn(value, " ")] == '\0') {
		want = expected(key);
		error_at(ctx, s, path, "the value is empty; expected %s", want);
		g_free(want);
	} else if (strlen(value) > max) {
		error_at(ctx, s, path, "%s is too long (%zu bytes; at most %zu)", q, strlen(value),
			 max);
	} else {
		ok = true;
	}
	g_free(q);
	return ok;
}

static bool run_check(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		      const struct schema_key *key, const char *value)
{
	const char *why;
	char *q;

	if (!check_text(ctx, s, path, key, value))
		return false;
	if (key->check == NULL || (why = key->check(value)) == NULL)
		return true;
	q = schema_quote(value);
	error_at(ctx, s, path, "%s %s", q, why);
	g_free(q);
	return false;
}

static const struct schema_name *find_name(const struct schema_name *names, const char *name)
{
	for (const struct schema_name *n = names; n->name != NULL; n++) {
		if (strcmp(n->name, name) == 0)
			return n;
	}
	return NULL;
}

static const char *suggest_name(const struct schema_name *names, const char *word)
{
	GPtrArray *list = g_ptr_array_new();
	const char *best;

	for (const struct schema_name *n = names; n->name != NULL; n++)
		g_ptr_array_add(list, (gpointer)n->name);
	best = conf_suggest(word, (const char *const *)list->pdata, list->len);
	g_ptr_array_free(list, TRUE);
	return best;
}

/* 'unknown profile "chrad"; did you mean "chard"? Expected one of: ...' */
static const struct schema_name *choice(struct schema_ctx *ctx, const config_setting_t *s,
					const char *path, const struct schema_key *key,
					const char *value)
{
	const struct schema_name *n = find_name(key->names, value);
	const char *best;
	char *q, *list;

	if (n != NULL)
		return n;
	q = schema_quote(value);
	list = names_list(key->names);
	best = suggest_name(key->names, value);
	if (best != NULL)
		error_at(ctx, s, path, "unknown %s %s; did you mean \"%s\"? Expected one of: %s",
			 key->noun, q, best, list);
	else
		error_at(ctx, s, path, "unknown %s %s; expected one of: %s", key->noun, q, list);
	g_free(q);
	g_free(list);
	return NULL;
}

static const char *resolve_path(struct schema_ctx *ctx, const char *value)
{
	char *abs;
	const char *kept;

	if (g_path_is_absolute(value))
		return conf_strdup(ctx->conf, value);
	abs = g_canonicalize_filename(value, ctx->base_dir);
	kept = conf_strdup(ctx->conf, abs);
	g_free(abs);
	return kept;
}

static void walk_scalar_string(struct schema_ctx *ctx, const config_setting_t *s,
			       const char *path, const struct schema_key *key, void *base)
{
	const char *value = config_setting_get_string(s);
	const struct schema_name *n;
	char *end;
	unsigned long long v;

	if (!run_check(ctx, s, path, key, value))
		return;
	switch (key->type) {
	case SCHEMA_STRING:
		*AT(base, key->offset, const char *) = conf_strdup(ctx->conf, value);
		break;
	case SCHEMA_PATH:
		*AT(base, key->offset, const char *) = resolve_path(ctx, value);
		break;
	case SCHEMA_KEYWORD:
		if ((n = choice(ctx, s, path, key, value)) != NULL)
			*AT(base, key->offset, const char *) = n->name;
		break;
	case SCHEMA_ENUM:
		if ((n = choice(ctx, s, path, key, value)) != NULL)
			*AT(base, key->offset, int) = n->value;
		break;
	case SCHEMA_OCTAL:
		v = strtoull(value, &end, 8);
		if (*end != '\0' || strspn(value, "01234567") != strlen(value) ||
		    strlen(value) > 6) {
			char *q = schema_quote(value), *want = expected(key);
			error_at(ctx, s, path, "%s is not an octal number; expected %s", q, want);
			g_free(q);
			g_free(want);
		} else if ((long long)v < key->min || (long long)v > key->max) {
			char *q = schema_quote(value);
			range_error(ctx, s, path, key, q);
			g_free(q);
		} else {
			*AT(base, key->offset, unsigned) = (unsigned)v;
		}
		break;
	case SCHEMA_CHAR:
		*AT(base, key->offset, char) = value[0];
		break;
	default:
		g_assert_not_reached();
	}
}

/* TEXT, a whole number as written in the file, as a value: false and
   *why_r when it does not fit in 64 bits. A float or anything else: false,
   *why_r NULL. */
static bool literal_value(const char *text, long long *v_r, const char **why_r)
{
	char *digits = g_strdup(text);
	size_t len = strlen(digits);
	bool negative = digits[0] == '-';
	const char *p = digits + (digits[0] == '-' || digits[0] == '+');
	guint64 u;
	gint64 v;
	GError *err = NULL;
	bool ok;

	*why_r = NULL;
	while (len > 0 && (digits[len - 1] == 'L' || digits[len - 1] == 'l'))
		digits[--len] = '\0';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		ok = g_ascii_string_to_unsigned(p + 2, 16, 0, G_MAXINT64, &u, &err);
		v = negative ? -(gint64)u : (gint64)u;
	} else {
		ok = g_ascii_string_to_signed(digits, 10, G_MININT64, G_MAXINT64, &v, &err);
	}
	if (!ok && err != NULL && g_error_matches(err, G_NUMBER_PARSER_ERROR,
						  G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
		*why_r = negative ? "is too small" : "is too large";
	if (err != NULL)
		g_error_free(err);
	g_free(digits);
	*v_r = v;
	return ok;
}

static void walk_number(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
			const struct schema_key *key, void *base)
{
	const char *text = schema_number_text(ctx, s), *why = NULL;
	long long v;
	char shown[32];

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		type_error(ctx, s, path, key);
		return;
	}
	/* libconfig wraps a number that does not fit its type (4294967297
	   becomes 1): the value is the one written. */
	if (text == NULL || !literal_value(text, &v, &why))
		v = config_setting_get_int64(s);
	if (why != NULL || v < key->min || v > key->max) {
		char *want = expected(key);
		char *written = text != NULL ? g_strndup(text, strcspn(text, "Ll")) : NULL;

		if (written == NULL)
			g_snprintf(shown, sizeof(shown), "%lld", v);
		error_at(ctx, s, path, "%s %s; expected %s", written != NULL ? written : shown,
			 why != NULL ? why : "is out of range", want);
		g_free(written);
		g_free(want);
		return;
	}
	if (key->type == SCHEMA_UINT)
		*AT(base, key->offset, unsigned) = (unsigned)v;
	else
		*AT(base, key->offset, size_t) = (size_t)v;
}

static bool is_list(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_LIST ||
	       config_setting_type(s) == CONFIG_TYPE_ARRAY;
}

static void too_few(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		    const struct schema_key *key)
{
	char *want = expected(key);

	error_at(ctx, s, path, "the list is empty; expected %s", want);
	g_free(want);
}

static void walk_strings(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
			 const struct schema_key *key, void *base)
{
	int n = config_setting_length(s);
	const char **list = NULL;
	size_t count = 0;
	unsigned flags = 0;
	const struct schema_name *name;
	struct schema_key item = *key;	/* messages about one element */

	item.expected = key->item != NULL ? key->item : "a string";

	if (n < key->min)
		too_few(ctx, s, path, key);
	if (key->type == SCHEMA_STRINGS && n > 0)
		list = conf_alloc(ctx->conf, sizeof(*list) * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *epath = index_path(ctx, path, i);
		const char *value;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			char *got = describe(ctx, e);
			error_at(ctx, e, epath, "got %s, expected %s", got,
				 key->item != NULL ? key->item : "a string");
			g_free(got);
			continue;
		}
		value = config_setting_get_string(e);
		if (!run_check(ctx, e, epath, &item, value))
			continue;
		if (key->type == SCHEMA_FLAGS) {
			if ((name = choice(ctx, e, epath, &item, value)) != NULL)
				flags |= (unsigned)name->value;
		} else {
			list[count++] = conf_strdup(ctx->conf, value);
		}
	}
	if (key->type == SCHEMA_FLAGS) {
		*AT(base, key->offset, unsigned) = flags;
	} else {
		*AT(base, key->offset, const char **) = list;
		*AT(base, key->count_offset, size_t) = count;
	}
}

static void walk_groups(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
			const struct schema_key *key, void *base)
{
	int n = config_setting_length(s);
	char *array;
	size_t count = 0;

	if (n < key->min)
		too_few(ctx, s, path, key);
	array = g_malloc0(key->sub->size * (size_t)(n > 0 ? n : 1));
	g_ptr_array_add(ctx->temp, array);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *epath = index_path(ctx, path, i);
		void *slot = array + key->sub->size * count;

		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			char *got = describe(ctx, e);
			error_at(ctx, e, epath, "got %s, expected a group { ... }", got);
			g_free(got);
			continue;
		}
		schema_defaults(key->sub, slot);
		schema_walk(ctx, e, epath, key->sub, slot);
		count++;
	}
	*AT(base, key->offset, void *) = array;
	*AT(base, key->count_offset, size_t) = count;
}

static void walk_value(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		       const struct schema_key *key, void *base);

static void walk_map(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		     const struct schema_key *key, void *base)
{
	int n = config_setting_length(s);

	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(e);
		const char *epath = join_path(ctx, path, name);
		const struct schema_name *slot = find_name(key->names, name);
		const char *best;
		char *list;

		if (slot == NULL) {
			list = names_list(key->names);
			best = suggest_name(key->names, name);
			if (best != NULL)
				error_at(ctx, e, epath, "unknown %s '%s'; did you mean '%s'? "
					 "Expected one of: %s", key->noun, name, best, list);
			else
				error_at(ctx, e, epath, "unknown %s '%s'; expected one of: %s",
					 key->noun, name, list);
			g_free(list);
			continue;
		}
		walk_value(ctx, e, epath, key->elem,
			   AT(base, key->offset + key->stride * (size_t)slot->value, char));
	}
}

static void walk_value(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
		       const struct schema_key *key, void *base)
{
	int type = config_setting_type(s);

	switch (key->type) {
	case SCHEMA_STRING:
	case SCHEMA_PATH:
	case SCHEMA_KEYWORD:
	case SCHEMA_ENUM:
	case SCHEMA_OCTAL:
	case SCHEMA_CHAR:
		if (type != CONFIG_TYPE_STRING)
			type_error(ctx, s, path, key);
		else
			walk_scalar_string(ctx, s, path, key, base);
		break;
	case SCHEMA_BOOL:
		if (type != CONFIG_TYPE_BOOL)
			type_error(ctx, s, path, key);
		else
			*AT(base, key->offset, bool) = config_setting_get_bool(s) != 0;
		break;
	case SCHEMA_UINT:
	case SCHEMA_SIZE:
		walk_number(ctx, s, path, key, base);
		break;
	case SCHEMA_FLAGS:
	case SCHEMA_STRINGS:
		if (!is_list(s))
			type_error(ctx, s, path, key);
		else
			walk_strings(ctx, s, path, key, base);
		break;
	case SCHEMA_GROUPS:
		/* "( )" and "[ ]" both read as an empty list. */
		if (type != CONFIG_TYPE_LIST &&
		    !(type == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0))
			type_error(ctx, s, path, key);
		else
			walk_groups(ctx, s, path, key, base);
		break;
	case SCHEMA_GROUP:
		if (type != CONFIG_TYPE_GROUP)
			type_error(ctx, s, path, key);
		else
			schema_walk(ctx, s, path, key->sub, AT(base, key->offset, char));
		break;
	case SCHEMA_MAP:
		if (type != CONFIG_TYPE_GROUP)
			type_error(ctx, s, path, key);
		else
			walk_map(ctx, s, path, key, base);
		break;
	}
}

static void key_defaults(const struct schema_key *key, void *base)
{
	switch (key->type) {
	case SCHEMA_STRING:
	case SCHEMA_PATH:
	case SCHEMA_KEYWORD:
		*AT(base, key->offset, const char *) = key->def_str;
		break;
	case SCHEMA_BOOL:
		*AT(base, key->offset, bool) = key->def_num != 0;
		break;
	case SCHEMA_UINT:
	case SCHEMA_OCTAL:
	case SCHEMA_FLAGS:
		*AT(base, key->offset, unsigned) = (unsigned)key->def_num;
		break;
	case SCHEMA_SIZE:
		*AT(base, key->offset, size_t) = (size_t)key->def_num;
		break;
	case SCHEMA_CHAR:
		*AT(base, key->offset, char) = (char)key->def_num;
		break;
	case SCHEMA_ENUM:
		*AT(base, key->offset, int) = (int)key->def_num;
		break;
	case SCHEMA_STRINGS:
	case SCHEMA_GROUPS:
		*AT(base, key->offset, void *) = NULL;
		*AT(base, key->count_offset, size_t) = 0;
		break;
	case SCHEMA_GROUP:
		schema_defaults(key->sub, AT(base, key->offset, char));
		break;
	case SCHEMA_MAP:
		for (const struct schema_name *n = key->names; n->name != NULL; n++)
			key_defaults(key->elem,
				     AT(base, key->offset + key->stride * (size_t)n->value, char));
		break;
	}
}

void schema_defaults(const struct schema *schema, void *target)
{
	for (const struct schema_key *key = schema->keys; key->name != NULL; key++)
		key_defaults(key, target);
}

static const struct schema_key *find_key(const struct schema *schema, const char *name)
{
	for (const struct schema_key *key = schema->keys; key->name != NULL; key++) {
		if (strcmp(key->name, name) == 0)
			return key;
	}
	return NULL;
}

static void unknown_key(struct schema_ctx *ctx, const config_setting_t *s, const char *path,
			const struct schema *schema, const char *name)
{
	GPtrArray *names = g_ptr_array_new();
	GString *list = g_string_new(NULL);
	const char *best;

	for (const struct schema_key *key = schema->keys; key->name != NULL; key++) {
		g_ptr_array_add(names, (gpointer)key->name);
		g_string_append_printf(list, "%s%s", list->len > 0 ? ", " : "", key->name);
	}
	best = conf_suggest(name, (const char *const *)names->pdata, names->len);
	if (best != NULL)
		error_at(ctx, s, path, "unknown key '%s'; did you mean '%s'?", name, best);
	else
		error_at(ctx, s, path, "unknown key '%s'; expected one of: %s", name, list->str);
	g_ptr_array_free(names, TRUE);
	g_string_free(list, TRUE);
}

void schema_walk(struct schema_ctx *ctx, const config_setting_t *group, const char *path,
		 const struct schema *schema, void *target)
{
	struct schema_node *node = target;
	int n = config_setting_length(group);

	node->setting = group;
	node->path = path;
	node->file = conf_strdup(ctx->conf, schema_file(ctx, group));
	node->line = schema_line(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		const char *spath = join_path(ctx, path, name);
		const struct schema_key *key = find_key(schema, name);

		if (key == NULL)
			unknown_key(ctx, s, spath, schema, name);
		else
			walk_value(ctx, s, spath, key, target);
	}
	for (const struct schema_key *key = schema->keys; key->name != NULL; key++) {
		char *want;

		if (!key->required || config_setting_get_member(group, key->name) != NULL)
			continue;
		want = expected(key);
		error_at(ctx, group, join_path(ctx, path, key->name),
			 "required key is missing; expected %s", want);
		g_free(want);
	}
}
