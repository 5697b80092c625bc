/* parser_parse_headers: the header members of the model from the header
   block alone are those of the whole parse, for every fixture
   (tests/messages, tests/lang/devset) and every corpus message; blocks the
   whole parse would not read field by field are declined, never guessed. */
#include "files.h"
#include "helpers.h"

#include <glib.h>
#include <string.h>

static void compare_lists(GString *err, const char *what, const struct parser_address_list *a,
			  const struct parser_address_list *b)
{
	if (a->n != b->n) {
		g_string_append_printf(err, "\n  %s: got %zu mailboxes, want %zu", what, b->n,
				       a->n);
		return;
	}
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->items[i].addr, b->items[i].addr) != 0 ||
		    strcmp(a->items[i].name, b->items[i].name) != 0)
			g_string_append_printf(err, "\n  %s %zu: got \"%s\" <%s>, want \"%s\" <%s>",
					       what, i, b->items[i].name, b->items[i].addr,
					       a->items[i].name, a->items[i].addr);
	}
}

static void compare_strv(GString *err, const char *what, char **a, size_t na, char **b,
			 size_t nb)
{
	if (na != nb) {
		g_string_append_printf(err, "\n  %s: got %zu, want %zu", what, nb, na);
		return;
	}
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			g_string_append_printf(err, "\n  %s %zu: got \"%s\", want \"%s\"", what, i,
					       b[i], a[i]);
}

static void compare_str(GString *err, const char *what, const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		g_string_append_printf(err, "\n  %s: got \"%s\", want \"%s\"", what, b, a);
}

/* WHOLE's header members against HEAD's: "" when they are the same. */
static char *differences(const struct parser_message *whole, const struct parser_message *head)
{
	GString *err = g_string_new(NULL);

	for (int f = 0; f < PARSER_FIELD_COUNT; f++) {
		char *what = g_strdup_printf("address field %d", f);

		compare_lists(err, what, &whole->fields[f], &head->fields[f]);
		g_free(what);
	}
	compare_str(err, "subject", whole->subject, head->subject);
	compare_str(err, "message_id", whole->message_id, head->message_id);
	compare_str(err, "in_reply_to", whole->in_reply_to, head->in_reply_to);
	compare_str(err, "sensitivity", whole->sensitivity, head->sensitivity);
	compare_strv(err, "references", whole->references, whole->n_references, head->references,
		     head->n_references);
	compare_strv(err, "classifications", whole->classifications, whole->n_classifications,
		     head->classifications, head->n_classifications);
	compare_str(err, "own_text", "", head->own_text);
	if (head->n_parts != 0 || head->n_embedded != 0 || head->flags != 0)
		g_string_append_printf(err, "\n  got %zu parts, %zu embedded, flags 0x%x; "
				       "want none", head->n_parts, head->n_embedded, head->flags);
	return g_string_free(err, FALSE);
}

/* DATA both ways. Returns whether the header block was read alone. */
static bool check_one(const char *path, const char *data, size_t len)
{
	size_t header_len = parser_header_length(data, len);
	struct parser_message *whole = NULL, *head = NULL;
	const char *error;
	int ret = parser_parse_headers(data, header_len, NULL, NULL, &head);

	if (ret == 0) {
		if (head != NULL)
			fail_msg("%s: declined, but a model was made", path);
		return false;
	}
	if (ret != 1 || head == NULL)
		fail_msg("%s: parser_parse_headers returned %d", path, ret);
	if (parser_parse(data, len, NULL, &whole, &error) < 0)
		fail_msg("%s: %s", path, error);
	char *diff = differences(whole, head);
	if (*diff != '\0')
		fail_msg("%s: the header block alone reads differently:%s", path, diff);
	g_free(diff);
	parser_message_free(&head);

	/* Only the fields asked for: those the same, the others empty. */
	static const char *const only[] = { "from", "Subject", NULL };
	if (parser_parse_headers(data, header_len, NULL, only, &head) != 1)
		fail_msg("%s: read whole, but declined with only From and Subject", path);
	GString *err = g_string_new(NULL);
	compare_lists(err, "From", &whole->fields[PARSER_FROM], &head->fields[PARSER_FROM]);
	compare_str(err, "subject", whole->subject, head->subject);
	compare_str(err, "message_id", "", head->message_id);
	if (head->fields[PARSER_TO].n != 0 || head->n_references != 0)
		g_string_append(err, "\n  To: or References: read, not asked for");
	if (err->len > 0)
		fail_msg("%s: only From and Subject:%s", path, err->str);
	g_string_free(err, TRUE);
	parser_message_free(&whole);
	parser_message_free(&head);
	return true;
}

/* Every fixture and corpus message: as it is, and as an MTA hands it over
   (CRLF line ends, which is what the engine holds). */
static void test_every_message(void **state)
{
	const char *shared = getenv("COUNCIL_SHARED_DIR");
	const char *source = getenv("COUNCIL_SOURCE_DIR");
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	unsigned alone = 0, total = 0;

	if (shared == NULL || source == NULL)
		fail_msg("COUNCIL_SOURCE_DIR and COUNCIL_SHARED_DIR must be set (ctest sets them)");
	const char *dirs[] = { "tests/messages", "tests/lang/devset" };
	for (size_t d = 0; d < G_N_ELEMENTS(dirs); d++) {
		char *dir = g_build_filename(source, dirs[d], NULL);

		test_collect_messages(files, dir);
		g_free(dir);
	}
	char *corpus = g_build_filename(shared, "corpus", NULL);
	test_collect_messages(files, corpus);
	g_free(corpus);
	for (guint i = 0; i < files->len; i++) {
		const char *path = g_ptr_array_index(files, i);
		gsize len;
		char *data;

		if (!g_file_get_contents(path, &data, &len, NULL))
			fail_msg("%s: cannot read", path);
		GString *crlf = g_string_sized_new(len + len / 16);

		for (size_t k = 0; k < len; k++) {
			if (data[k] == '\n' && (k == 0 || data[k - 1] != '\r'))
				g_string_append_c(crlf, '\r');
			g_string_append_c(crlf, data[k]);
		}
		alone += check_one(path, data, len);
		alone += check_one(path, crlf->str, crlf->len);
		total += 2;
		g_string_free(crlf, TRUE);
		g_free(data);
	}
	print_message("%u of %u header blocks read alone (%u files)\n", alone, total, files->len);
	/* Declining is always safe, but a reader that declines everything
	   would prove nothing: nearly every real header block is plain. */
	if (alone * 10 < total * 9)
		fail_msg("got %u of %u header blocks read alone, want at least 90%%", alone, total);
	g_ptr_array_free(files, TRUE);
}

/* Blocks that the whole parse would not read field by field as they stand
   are declined; plain ones, folded or not, LF or CRLF, are read. */
static void test_declined(void **state)
{
	static const struct {
		const char *block;
		int want;
	} cases[] = {
		{ "From: a@example.org\r\nSubject: x\r\n\r\n", 1 },
		{ "From: a@example.org\nSubject: x\n\n", 1 },
		{ "From: Ann\r\n Jones <a@example.org>\r\nTo: b@example.org\r\n\r\n", 1 },
		{ "From : a@example.org\r\n\r\n", 1 },		/* obsolete blank */
		{ "\r\n", 1 },					/* no fields at all */
		{ "From: a@example.org\r\nnot a field\r\n\r\n", 0 },	/* body starts there */
		{ " From: a@example.org\r\n\r\n", 0 },		/* indented first line */
		{ "From a@example.org\r\nTo: b@example.org\r\n\r\n", 0 },	/* mbox line */
		{ "Fr om: a@example.org\r\n\r\n", 0 },		/* blank inside a name */
		{ ": a@example.org\r\n\r\n", 0 },		/* no name */
		{ "Fr\xc3\xb6m: a@example.org\r\n\r\n", 0 },	/* 8-bit name */
		{ "From: a@example.org\r\n", 0 },		/* no blank line */
		{ "From: a@example.org\r\n\r\nbody\r\n", 0 },	/* blank line not last */
		{ "From: a@example.org\r\r\n\r\n", 1 },		/* CR in the value */
		{ "From: a@example.org\r\n\r\r\n\r\n", 0 },	/* a line of one CR */
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *b = cases[i].block;
		struct parser_message *head = NULL;
		int got = parser_parse_headers(b, strlen(b), NULL, NULL, &head);

		if (got != cases[i].want)
			fail_msg("case %zu [%s]: got %d, want %d", i, b, got, cases[i].want);
		if (got == 1) {
			/* The whole parse of the block with a body reads the same. */
			char *message = g_strconcat(b, "Body.\r\n", NULL);
			struct parser_message *whole = NULL;
			const char *error;

			if (parser_parse(message, strlen(message), NULL, &whole, &error) < 0)
				fail_msg("case %zu: %s", i, error);
			char *diff = differences(whole, head);
			if (*diff != '\0')
				fail_msg("case %zu [%s]:%s", i, b, diff);
			g_free(diff);
			g_free(message);
			parser_message_free(&whole);
		}
		parser_message_free(&head);
	}

	/* A NUL, and a block over max_header_bytes, are declined too. */
	struct parser_message *head = NULL;
	if (parser_parse_headers("From: a\0b@example.org\r\n\r\n", 26, NULL, NULL, &head) != 0)
		fail_msg("a NUL in the block: got read, want declined");
	GString *big = g_string_new(NULL);
	while (big->len < 9000)
		g_string_append(big, "X-Filler: 0123456789012345678901234567890123456789\r\n");
	g_string_append(big, "\r\n");
	struct parser_limits lim = { .max_header_bytes = 8192 };
	if (parser_parse_headers(big->str, big->len, &lim, NULL, &head) != 0)
		fail_msg("a block over max_header_bytes: got read, want declined");
	lim.max_header_bytes = 16384;
	if (parser_parse_headers(big->str, big->len, &lim, NULL, &head) != 1)
		fail_msg("a block under max_header_bytes: got declined, want read");
	parser_message_free(&head);
	g_string_free(big, TRUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declined),
		cmocka_unit_test(test_every_message),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
