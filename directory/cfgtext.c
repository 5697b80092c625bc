/*
 * A configuration file's text as libconfig reads it, kept as text (see
 * directory.h): settings, groups, lists, arrays and scalars with the byte
 * span of each, comments and @include left in place. council-directory
 * edits the spans of one council's people and nothing else, so everything
 * an administrator wrote around them stays byte for byte (libconfig's own
 * writer would drop every comment). The file has passed libconfig already;
 * this reading follows its grammar, without recursion (a stack).
 */
#include "directory/directory.h"

#include <errno.h>
#include <string.h>

#include "util/util.h"

#define DEPTH_MAX 64

enum tok {
	T_NAME, T_ASSIGN, T_END, T_COMMA, T_OPEN_GROUP, T_CLOSE_GROUP, T_OPEN_LIST,
	T_CLOSE_LIST, T_OPEN_ARRAY, T_CLOSE_ARRAY, T_SCALAR, T_INCLUDE, T_EOF
};

struct token {
	enum tok kind;
	size_t start, end;
	char *text;			/* NAME; SCALAR string's value (NULL: not a string);
					   INCLUDE's file */
};

struct lexer {
	const char *s;
	size_t len, at;
};

static bool name_start(char c)
{
	return g_ascii_isalpha(c) || c == '*';
}

static bool name_char(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '*';
}

static void skip_blank(struct lexer *lx)
{
	while (lx->at < lx->len) {
		const char *p = lx->s + lx->at;
		if (g_ascii_isspace(*p)) {
			lx->at++;
		} else if (*p == '#' || (*p == '/' && lx->at + 1 < lx->len && p[1] == '/')) {
			while (lx->at < lx->len && lx->s[lx->at] != '\n')
				lx->at++;
		} else if (*p == '/' && lx->at + 1 < lx->len && p[1] == '*') {
			const char *close = g_strstr_len(p + 2, (gssize)(lx->len - lx->at - 2),
							 "*/");
			lx->at = close != NULL ? (size_t)(close - lx->s) + 2 : lx->len;
		} else {
			break;
		}
	}
}

/* One string literal at lx->at ('"'), its value appended to OUT. */
static bool string_literal(struct lexer *lx, GString *out)
{
	for (lx->at++; lx->at < lx->len; lx->at++) {
		char c = lx->s[lx->at];
		if (c == '"') {
			lx->at++;
			return true;
		}
		if (c != '\\' || lx->at + 1 >= lx->len) {
			g_string_append_c(out, c);
			continue;
		}
		c = lx->s[++lx->at];
		switch (c) {
		case 'n': g_string_append_c(out, '\n'); break;
		case 't': g_string_append_c(out, '\t'); break;
		case 'r': g_string_append_c(out, '\r'); break;
		case 'f': g_string_append_c(out, '\f'); break;
		case 'x':
			if (lx->at + 2 < lx->len && g_ascii_isxdigit(lx->s[lx->at + 1]) &&
			    g_ascii_isxdigit(lx->s[lx->at + 2])) {
				int hi = g_ascii_xdigit_value(lx->s[lx->at + 1]);
				int lo = g_ascii_xdigit_value(lx->s[lx->at + 2]);
				g_string_append_c(out, (char)(hi * 16 + lo));
				lx->at += 2;
			}
			break;
		default: g_string_append_c(out, c); break;
		}
	}
	return false;
}

static int next_token(struct lexer *lx, struct token *t, const char **why_r)
{
	skip_blank(lx);
	t->start = lx->at;
	t->text = NULL;
	if (lx->at >= lx->len) {
		t->kind = T_EOF;
		t->end = lx->at;
		return 0;
	}
	const char *p = lx->s + lx->at;
	static const char punct[] = "=:;,{}()[]";
	static const enum tok kinds[] = { T_ASSIGN, T_ASSIGN, T_END, T_COMMA, T_OPEN_GROUP,
					  T_CLOSE_GROUP, T_OPEN_LIST, T_CLOSE_LIST, T_OPEN_ARRAY,
					  T_CLOSE_ARRAY };
	const char *k = strchr(punct, *p);
	if (k != NULL && *p != '\0') {
		t->kind = kinds[k - punct];
		t->end = ++lx->at;
		return 0;
	}
	if (*p == '"') {
		/* Adjacent strings are one: "a" "b" is "ab". */
		GString *value = g_string_new(NULL);
		do {
			if (!string_literal(lx, value)) {
				g_string_free(value, TRUE);
				*why_r = "a string never closed";
				return -1;
			}
			t->end = lx->at;
			skip_blank(lx);
		} while (lx->at < lx->len && lx->s[lx->at] == '"');
		lx->at = t->end;
		t->kind = T_SCALAR;
		t->text = g_string_free(value, FALSE);
		return 0;
	}
	if (*p == '@' && g_str_has_prefix(p, "@include")) {
		lx->at += strlen("@include");
		skip_blank(lx);
		GString *file = g_string_new(NULL);
		if (lx->at >= lx->len || lx->s[lx->at] != '"' || !string_literal(lx, file)) {
			g_string_free(file, TRUE);
			*why_r = "@include without a file name in quotes";
			return -1;
		}
		t->kind = T_INCLUDE;
		t->end = lx->at;
		t->text = g_string_free(file, FALSE);
		return 0;
	}
	if (name_start(*p)) {
		while (lx->at < lx->len && name_char(lx->s[lx->at]))
			lx->at++;
		t->end = lx->at;
		t->text = g_strndup(p, t->end - t->start);
		/* true and false are values; any other word a setting's name. */
		t->kind = g_ascii_strcasecmp(t->text, "true") == 0 ||
			g_ascii_strcasecmp(t->text, "false") == 0 ? T_SCALAR : T_NAME;
		if (t->kind == T_SCALAR)
			g_clear_pointer(&t->text, g_free);
		return 0;
	}
	if (g_ascii_isdigit(*p) || *p == '-' || *p == '+' || *p == '.') {
		while (lx->at < lx->len && (g_ascii_isalnum(lx->s[lx->at]) ||
					    strchr("+-.", lx->s[lx->at]) != NULL))
			lx->at++;
		t->kind = T_SCALAR;
		t->end = lx->at;
		return 0;
	}
	*why_r = "a character libconfig does not read here";
	return -1;
}

static struct cfg_node *node_new(enum cfg_kind kind, size_t start, struct cfg_node *parent)
{
	struct cfg_node *n = g_new0(struct cfg_node, 1);

	n->kind = kind;
	n->start = start;
	n->end = start;
	n->parent = parent;
	if (kind == CFG_GROUP || kind == CFG_LIST || kind == CFG_ARRAY)
		n->children = g_ptr_array_new();
	return n;
}

static void node_free(struct cfg_node *n)
{
	/* Iteratively: a stack of nodes still to free. */
	GPtrArray *todo = g_ptr_array_new();

	if (n != NULL)
		g_ptr_array_add(todo, n);
	while (todo->len > 0) {
		struct cfg_node *x = g_ptr_array_steal_index_fast(todo, todo->len - 1);
		if (x->value != NULL)
			g_ptr_array_add(todo, x->value);
		for (guint i = 0; x->children != NULL && i < x->children->len; i++)
			g_ptr_array_add(todo, x->children->pdata[i]);
		if (x->children != NULL)
			g_ptr_array_unref(x->children);
		g_free(x->name);
		g_free(x->string);
		g_free(x);
	}
	g_ptr_array_unref(todo);
}

void cfg_text_free(struct cfg_text **cfg_p)
{
	struct cfg_text *cfg = *cfg_p;

	if (cfg == NULL)
		return;
	node_free(cfg->root);
	g_free(cfg->path);
	g_free(cfg->name);
	g_free(cfg->text);
	g_free(cfg);
	*cfg_p = NULL;
}

unsigned long cfg_line(const struct cfg_text *cfg, size_t at)
{
	unsigned long line = 1;

	for (size_t i = 0; i < at && i < cfg->len; i++)
		line += cfg->text[i] == '\n';
	return line;
}

/* A value is done (a scalar read, a container closed): it belongs to the
   setting waiting for it, or is an element of its list. */
static void value_done(struct cfg_node *container, struct cfg_node *value,
		       struct cfg_node **pending)
{
	if (*pending != NULL) {
		(*pending)->value = value;
		(*pending)->end = value->end;
		value->parent = *pending;
	} else {
		value->parent = container;
		g_ptr_array_add(container->children, value);
	}
}

/* The innermost container closed at END: it is its setting's value, or an
   element of the container around it. Returns the setting it was the value
   of (now complete but for its ';'), or NULL. */
static struct cfg_node *close_container(GPtrArray *stack, GPtrArray *settings, size_t end)
{
	struct cfg_node *closed = stack->pdata[stack->len - 1];
	struct cfg_node *pending = settings->pdata[settings->len - 1];

	closed->end = end;
	g_ptr_array_set_size(stack, stack->len - 1);
	g_ptr_array_set_size(settings, settings->len - 1);
	value_done(stack->pdata[stack->len - 1], closed, &pending);
	return pending;
}

static int parse(struct cfg_text *cfg, const char **why_r, size_t *where_r)
{
	struct lexer lx = { cfg->text, cfg->len, 0 };
	struct token t = { 0 };
	GPtrArray *stack = g_ptr_array_new();		/* open containers */
	GPtrArray *settings = g_ptr_array_new();	/* the setting each awaits, or NULL */
	struct cfg_node *pending = NULL;		/* a setting awaiting its value */
	int ret = 0;

	/* A file of settings, or one value (@included inside a list). */
	struct lexer peek = lx;
	struct token first;
	if (next_token(&peek, &first, why_r) < 0) {
		*where_r = first.start;
		g_ptr_array_unref(stack);
		g_ptr_array_unref(settings);
		return -1;
	}
	g_free(first.text);
	cfg->root = node_new(first.kind == T_NAME || first.kind == T_EOF ||
			     first.kind == T_INCLUDE ? CFG_GROUP : CFG_LIST, 0, NULL);
	g_ptr_array_add(stack, cfg->root);
	g_ptr_array_add(settings, NULL);
	for (;;) {
		g_clear_pointer(&t.text, g_free);
		if (next_token(&lx, &t, why_r) < 0) {
			ret = -1;
			break;
		}
		struct cfg_node *top = stack->pdata[stack->len - 1];
		bool in_group = top->kind == CFG_GROUP;
		if (t.kind == T_EOF) {
			if (stack->len != 1 || pending != NULL) {
				*why_r = "the file ends inside a setting";
				ret = -1;
			}
			cfg->root->end = cfg->len;
			break;
		}
		if (t.kind == T_INCLUDE && pending == NULL) {
			struct cfg_node *inc = node_new(CFG_INCLUDE, t.start, top);
			inc->end = t.end;
			inc->string = g_strdup(t.text);
			g_ptr_array_add(top->children, inc);
			continue;
		}
		if (in_group && pending == NULL) {
			if (t.kind == T_NAME) {
				pending = node_new(CFG_SETTING, t.start, top);
				pending->name = g_strdup(t.text);
				g_ptr_array_add(top->children, pending);
				struct token eq = { 0 };
				if (next_token(&lx, &eq, why_r) < 0 || eq.kind != T_ASSIGN) {
					g_free(eq.text);
					*why_r = "a setting's name without = after it";
					ret = -1;
					break;
				}
				continue;
			}
			if (t.kind == T_CLOSE_GROUP && stack->len > 1) {
				pending = close_container(stack, settings, t.end);
				goto after_value;
			}
			*why_r = "expected a setting's name";
			ret = -1;
			break;
		}
		if (!in_group && pending == NULL && t.kind == T_COMMA)
			continue;	/* between elements */
		if (!in_group && pending == NULL &&
		    (t.kind == T_CLOSE_LIST || t.kind == T_CLOSE_ARRAY) && stack->len > 1) {
			pending = close_container(stack, settings, t.end);
			goto after_value;
		}
		/* A value: of the pending setting, or an element. */
		if (t.kind == T_SCALAR) {
			struct cfg_node *v = node_new(CFG_SCALAR, t.start, NULL);
			v->end = t.end;
			v->string = g_strdup(t.text);
			value_done(top, v, &pending);
			goto after_value;
		}
		if (t.kind == T_OPEN_GROUP || t.kind == T_OPEN_LIST || t.kind == T_OPEN_ARRAY) {
			if (stack->len >= DEPTH_MAX) {
				*why_r = "nested too deeply";
				ret = -1;
				break;
			}
			struct cfg_node *c = node_new(t.kind == T_OPEN_GROUP ? CFG_GROUP :
						      t.kind == T_OPEN_LIST ? CFG_LIST : CFG_ARRAY,
						      t.start, NULL);
			g_ptr_array_add(stack, c);
			g_ptr_array_add(settings, pending);
			pending = NULL;
			continue;
		}
		*why_r = "expected a value";
		ret = -1;
		break;
after_value:
		/* A setting ends with its value, and the ';' or ',' after it. */
		if (pending != NULL) {
			struct lexer look = lx;
			struct token end = { 0 };
			if (next_token(&look, &end, why_r) == 0 &&
			    (end.kind == T_END || end.kind == T_COMMA)) {
				lx = look;
				pending->end = end.end;
			}
			g_free(end.text);
			pending = NULL;
		}
	}
	*where_r = t.start;
	g_free(t.text);
	g_ptr_array_unref(stack);
	g_ptr_array_unref(settings);
	return ret;
}

int cfg_text_read(const char *path, struct cfg_text **cfg_r, const char **error_r)
{
	struct cfg_text *cfg = g_new0(struct cfg_text, 1);
	GError *err = NULL;
	const char *why = NULL;
	size_t where = 0;

	cfg->path = g_strdup(path);
	if (!g_file_get_contents(path, &cfg->text, &cfg->len, &err)) {
		*error_r = util_error("cannot read %s: %s", path, err->message);
		g_error_free(err);
		cfg_text_free(&cfg);
		return -1;
	}
	if (parse(cfg, &why, &where) < 0) {
		*error_r = util_error("%s:%lu: %s (council-directory reads the file as libconfig "
				      "does; council-milter -n says whether it is right)", path,
				      cfg_line(cfg, where), why);
		cfg_text_free(&cfg);
		return -1;
	}
	*cfg_r = cfg;
	return 0;
}

struct cfg_node *cfg_member(const struct cfg_node *group, const char *name)
{
	for (guint i = 0; group != NULL && group->children != NULL && i < group->children->len;
	     i++) {
		struct cfg_node *n = group->children->pdata[i];
		if (n->kind == CFG_SETTING && strcmp(n->name, name) == 0)
			return n;
	}
	return NULL;
}

char *cfg_quote(const char *s)
{
	GString *out = g_string_new("\"");

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(out, '\\');
		if ((unsigned char)*p < 0x20)
			continue;	/* no control characters in the configuration */
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
	return g_string_free(out, FALSE);
}

char *cfg_apply(const struct cfg_text *file, const struct cfg_node *node, GPtrArray *edits)
{
	GString *s = g_string_new_len(file->text + node->start, (gssize)(node->end - node->start));

	/* From the last to the first, so that earlier offsets hold. */
	for (guint i = edits != NULL ? edits->len : 0; i-- > 0;) {
		const struct cfg_edit *e = edits->pdata[i];
		g_string_erase(s, (gssize)(e->start - node->start), (gssize)(e->end - e->start));
		g_string_insert(s, (gssize)(e->start - node->start), e->text);
	}
	return g_string_free(s, FALSE);
}
