/*
 * Adding mailboxes to an address-list field (the Clerk copied openly into
 * Cc:) without writing the field again: what the sender wrote stays as
 * written, groups, comments and encoded words included, because a field
 * parsed and written again would flatten its groups and turn its comments
 * into display names.
 */
#include "parser/parser-private.h"

#include <string.h>

/* What a field value leaves open at its end. */
struct open_state {
	bool quoted;		/* inside "..." */
	unsigned comments;	/* nesting of (...) */
	bool angle;		/* inside <...> */
	bool literal;		/* inside [...] */
	bool group;		/* after "name:" before ";" */
	bool escape;		/* ends in a backslash that would quote what follows */
};

static void scan(const char *v, size_t len, struct open_state *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (st->quoted || st->comments > 0) {
			if (c == '\\' && i + 1 < len)
				i++;	/* a quoted pair: the next character is plain */
			else if (c == '\\')
				st->escape = true;
			else if (st->quoted && c == '"')
				st->quoted = false;
			else if (!st->quoted && c == '(')
				st->comments++;
			else if (!st->quoted && c == ')')
				st->comments--;
			continue;
		}
		switch (c) {
		case '"':
			st->quoted = true;
			break;
		case '(':
			st->comments = 1;
			break;
		case '<':
			st->angle = true;
			break;
		case '>':
			st->angle = false;
			break;
		case '[':
			st->literal = true;
			break;
		case ']':
			st->literal = false;
			break;
		case ':':
			if (!st->angle && !st->literal)
				st->group = true;
			break;
		case ';':
			if (!st->angle && !st->literal)
				st->group = false;
			break;
		default:
			break;
		}
	}
}

/* VALUE as written, what it leaves open closed, trailing blanks and commas
   dropped; nothing when it holds no more than that. */
static void append_closed(GString *out, const char *value)
{
	size_t len = strlen(value);
	struct open_state st;

	scan(value, len, &st);
	if (!st.quoted && st.comments == 0) {
		while (len > 0 && (g_ascii_isspace(value[len - 1]) || value[len - 1] == ','))
			len--;
		scan(value, len, &st);
	}
	if (len == 0)
		return;
	if (out->len > 0)
		g_string_append(out, ", ");
	g_string_append_len(out, value, (gssize)len);
	if (st.escape)
		g_string_append_c(out, '\\');	/* pairs it: a plain backslash */
	if (st.quoted)
		g_string_append_c(out, '"');
	for (unsigned i = 0; i < st.comments; i++)
		g_string_append_c(out, ')');
	if (st.literal)
		g_string_append_c(out, ']');
	if (st.angle)
		g_string_append_c(out, '>');
	if (st.group)
		g_string_append_c(out, ';');
}

char *parser_address_list_append(const char *const *values, size_t n_values,
				 const char *mailboxes)
{
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < n_values; i++)
		if (values[i] != NULL)
			append_closed(out, values[i]);
	if (mailboxes != NULL && *mailboxes != '\0') {
		if (out->len > 0)
			g_string_append(out, ", ");
		g_string_append(out, mailboxes);
	}
	return g_string_free(out, FALSE);
}
