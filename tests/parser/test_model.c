/* The message model: header fields, the part list, signed/encrypted
   detection, flags (fixtures in messages/parser/model/). */
#include "helpers.h"

#include <glib.h>
#include <string.h>

#define DIR "messages/parser/model/"

/* "Name <addr>; <addr>" */
static char *format_list(const struct parser_address_list *l)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			g_string_append(s, "; ");
		if (l->items[i].name[0] != '\0')
			g_string_append_printf(s, "%s ", l->items[i].name);
		g_string_append_printf(s, "<%s>", l->items[i].addr);
	}
	return g_string_free(s, FALSE);
}

static const struct {
	const char *file;
	enum parser_field field;
	const char *want;
} address_cases[] = {
	{ "addresses.eml", PARSER_FROM, "José Pérez <Jose.Perez@Example.org>" },
	{ "addresses.eml", PARSER_SENDER, "Town Clerk <clerk@ilminster-tc.gov.uk>" },
	{ "addresses.eml", PARSER_REPLY_TO, "<replies@ilminster-tc.gov.uk>" },
	/* group flattened in place, two To: fields joined, ISO-8859-1 name */
	{ "addresses.eml", PARSER_TO,
	  "Ann Jones <cllr.jones@ilminster-tc.gov.uk>; <cllr.brown@ilminster-tc.gov.uk>; "
	  "Tom Brown <clerk@ilminster-tc.gov.uk>; Zoë Smith <zoe@example.com>" },
	/* duplicates folded, case-insensitively; the first spelling kept */
	{ "addresses.eml", PARSER_CC,
	  "ANN JONES (duplicate) <CLLR.JONES@ilminster-tc.gov.uk>; <press@example-gazette.co.uk>" },
	{ "addresses.eml", PARSER_BCC, "<hidden@example.net>" },
	{ "addresses.eml", PARSER_RESENT_FROM, "<forwarder@example.net>" },
	{ "addresses.eml", PARSER_RESENT_SENDER, "<relay@example.net>" },
	{ "addresses.eml", PARSER_RESENT_TO, "Resent Target <target@example.net>" },
	{ "addresses.eml", PARSER_RESENT_CC, "<rcc@example.net>" },
	{ "addresses.eml", PARSER_RESENT_BCC, "<rbcc@example.net>" },
	/* an unknown charset and raw 8-bit header text never fail */
	{ "eightbit-headers.eml", PARSER_FROM, "Café <cafe@example.org>" },
	{ "eightbit-headers.eml", PARSER_TO, "Élodie Martin <elodie@example.org>" },
	{ "ids.eml", PARSER_BCC, "" },
};

static void test_addresses(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(address_cases); i++) {
		char *path = g_strconcat(DIR, address_cases[i].file, NULL);
		struct parser_message *msg = fixture_parse(path, NULL);
		char *got = format_list(&msg->fields[address_cases[i].field]);
		char *what = g_strdup_printf("address field %d", address_cases[i].field);

		expect_str(path, what, got, address_cases[i].want);
		g_free(what);
		g_free(got);
		g_free(path);
		parser_message_free(&msg);
	}
}

enum scalar { S_SUBJECT, S_MESSAGE_ID, S_IN_REPLY_TO, S_REFERENCES, S_SENSITIVITY, S_CLASSES };

static const struct {
	const char *file;
	enum scalar what;
	const char *want;
} scalar_cases[] = {
	{ "addresses.eml", S_SUBJECT, "Addresses of every kind" },
	{ "eightbit-headers.eml", S_SUBJECT, "Café meeting été and £100 fee" },
	{ "ids.eml", S_SUBJECT, "Re: Re: Budget working group" },
	{ "ids.eml", S_MESSAGE_ID, "reply-3@ilminster-tc.gov.uk" },
	{ "ids.eml", S_IN_REPLY_TO, "reply-2@ilminster-tc.gov.uk" },
	{ "ids.eml", S_REFERENCES, "start-1@ilminster-tc.gov.uk reply-2@ilminster-tc.gov.uk" },
	{ "ids.eml", S_SENSITIVITY, "Company-Confidential" },
	{ "ids.eml", S_CLASSES, "OFFICIAL-SENSITIVE|NOT PROTECTIVELY MARKED" },
	{ "addresses.eml", S_IN_REPLY_TO, "" },
	{ "addresses.eml", S_SENSITIVITY, "" },
	{ "addresses.eml", S_REFERENCES, "" },
};

static void test_scalars(void **state)
{
	static const char *const names[] = { "subject", "message_id", "in_reply_to", "references",
					     "sensitivity", "classifications" };

	for (size_t i = 0; i < G_N_ELEMENTS(scalar_cases); i++) {
		char *path = g_strconcat(DIR, scalar_cases[i].file, NULL);
		struct parser_message *msg = fixture_parse(path, NULL);
		char *got = NULL;

		switch (scalar_cases[i].what) {
		case S_SUBJECT: got = g_strdup(msg->subject); break;
		case S_MESSAGE_ID: got = g_strdup(msg->message_id); break;
		case S_IN_REPLY_TO: got = g_strdup(msg->in_reply_to); break;
		case S_SENSITIVITY: got = g_strdup(msg->sensitivity); break;
		case S_REFERENCES:
			assert_int_equal(g_strv_length(msg->references), msg->n_references);
			got = g_strjoinv(" ", msg->references);
			break;
		case S_CLASSES:
			assert_int_equal(g_strv_length(msg->classifications), msg->n_classifications);
			got = g_strjoinv("|", msg->classifications);
			break;
		}
		expect_str(path, names[scalar_cases[i].what], got, scalar_cases[i].want);
		g_free(got);
		g_free(path);
		parser_message_free(&msg);
	}
}

/* The part list of parts.eml, in document order. */
static const struct {
	const char *type, *disposition, *filename;
	unsigned depth;
	bool embedded;
	size_t size;
} part_cases[] = {
	{ "text/plain", "", "", 2, false, 32 },
	{ "text/html", "", "", 2, false, 39 },
	{ "application/pdf", "attachment", "£100 grant agenda.pdf", 1, false, 64 },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment",
	  "Exempt item minutes.docx", 1, false, 16 },
	{ "image/png", "inline", "crest.png", 1, false, 12 },
	{ "message/rfc822", "attachment", "Confidential briefing.eml", 1, false, 222 },
	{ "text/plain", "", "", 2, true, 49 },
};

static void test_parts(void **state)
{
	const char *path = DIR "parts.eml";
	struct parser_message *msg = fixture_parse(path, NULL);

	expect_uint(path, "n_parts", msg->n_parts, G_N_ELEMENTS(part_cases));
	for (size_t i = 0; i < G_N_ELEMENTS(part_cases); i++) {
		const struct parser_part *p = &msg->parts[i];
		char *what = g_strdup_printf("part %zu", i);

		expect_str(path, what, p->content_type, part_cases[i].type);
		expect_str(path, what, p->disposition, part_cases[i].disposition);
		expect_str(path, what, p->filename, part_cases[i].filename);
		expect_uint(path, what, p->depth, part_cases[i].depth);
		expect_uint(path, what, p->in_embedded, part_cases[i].embedded);
		expect_uint(path, what, p->size, part_cases[i].size);
		g_free(what);
	}
	expect_uint(path, "n_embedded", msg->n_embedded, 1);
	expect_str(path, "embedded subject", msg->embedded[0].subject,
		   "Confidential: land at Station Road");
	expect_str(path, "embedded sensitivity", msg->embedded[0].sensitivity, "Private");
	expect_str(path, "embedded text", msg->embedded[0].text,
		   "The owner has asked us not to disclose the price.");
	expect_uint(path, "embedded attached", msg->embedded[0].attached, 1);
	parser_message_free(&msg);
}

static const struct {
	const char *file;
	unsigned set, clear;
} flag_cases[] = {
	{ "multipart-signed.eml", PARSER_FLAG_SIGNED,
	  PARSER_FLAG_ENCRYPTED | PARSER_FLAG_NO_TEXT | PARSER_FLAG_MALFORMED },
	{ "multipart-encrypted.eml", PARSER_FLAG_ENCRYPTED | PARSER_FLAG_NO_TEXT,
	  PARSER_FLAG_SIGNED },
	{ "smime-enveloped.eml", PARSER_FLAG_ENCRYPTED | PARSER_FLAG_NO_TEXT, PARSER_FLAG_SIGNED },
	{ "smime-opaque-signed.eml", PARSER_FLAG_SIGNED | PARSER_FLAG_NO_TEXT,
	  PARSER_FLAG_ENCRYPTED },
	{ "pgp-inline-signed.eml", PARSER_FLAG_SIGNED, PARSER_FLAG_ENCRYPTED },
	/* PGP/MIME: a real armoured signature of the protocol's type */
	{ "../../milter/signed.eml", PARSER_FLAG_SIGNED, PARSER_FLAG_ENCRYPTED },
	{ "pgp-inline-encrypted.eml", PARSER_FLAG_ENCRYPTED, PARSER_FLAG_SIGNED },
	/* a quoted PGP block is not this message's signature */
	{ "quoted-pgp-not-signed.eml", 0, PARSER_FLAG_SIGNED | PARSER_FLAG_ENCRYPTED },
	/* a message/rfc822 attachment does not make the carrier signed */
	{ "parts.eml", 0, PARSER_FLAG_SIGNED | PARSER_FLAG_ENCRYPTED | PARSER_FLAG_NO_TEXT |
	  PARSER_FLAG_MALFORMED | PARSER_FLAG_ANNOTATED },
	/* two To: fields are untidy, not damage */
	{ "addresses.eml", 0, PARSER_FLAG_MALFORMED },
};

static void test_flags(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(flag_cases); i++) {
		char *path = g_strconcat(DIR, flag_cases[i].file, NULL);
		struct parser_message *msg = fixture_parse(path, NULL);

		if ((msg->flags & flag_cases[i].set) != flag_cases[i].set ||
		    (msg->flags & flag_cases[i].clear) != 0)
			fail_msg("%s: flags: got %#x, want %#x set and %#x clear", path, msg->flags,
				 flag_cases[i].set, flag_cases[i].clear);
		g_free(path);
		parser_message_free(&msg);
	}
}

/* Nothing in the model may be invalid UTF-8, whatever the input. */
static void test_utf8_everywhere(void **state)
{
	const char *path = DIR "eightbit-headers.eml";
	struct parser_message *msg = fixture_parse(path, NULL);

	assert_true(g_utf8_validate(msg->subject, -1, NULL));
	assert_true(g_utf8_validate(msg->own_text, -1, NULL));
	expect_str(path, "own_text", msg->own_text, "Body with an undeclared é byte.");
	parser_message_free(&msg);
}

/* parser_parse_take (the engine's way: no copy of the message) builds the
   same model as parser_parse, also when a limit makes the parser cut its
   own copy (the taken buffer is then freed: ASan and valgrind check that). */
static void test_parse_take(void **state)
{
	static const char *const files[] = { "addresses.eml", "parts.eml", "ids.eml",
					     "eightbit-headers.eml", "multipart-signed.eml" };
	const struct parser_limits tiny = { .max_header_bytes = 64, .max_parts = 2 };
	const struct parser_limits *limits[] = { NULL, &tiny };

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		for (size_t l = 0; l < G_N_ELEMENTS(limits); l++) {
			char *path = g_strconcat(DIR, files[i], NULL);
			size_t len;
			char *data = fixture_read(path, &len);
			struct parser_message *a = NULL, *b = NULL;
			const char *error = NULL;

			assert_int_equal(parser_parse(data, len, limits[l], &a, &error), 0);
			assert_int_equal(parser_parse_take(g_memdup2(data, len), len, limits[l], &b,
							   &error), 0);
			expect_str(path, "subject (take)", b->subject, a->subject);
			expect_str(path, "own_text (take)", b->own_text, a->own_text);
			expect_str(path, "message_id (take)", b->message_id, a->message_id);
			expect_uint(path, "flags (take)", b->flags, a->flags);
			expect_uint(path, "n_parts (take)", b->n_parts, a->n_parts);
			expect_uint(path, "size (take)", b->size, a->size);
			for (int f = 0; f < PARSER_FIELD_COUNT; f++)
				expect_uint(path, "addresses (take)", b->fields[f].n, a->fields[f].n);
			parser_message_free(&a);
			parser_message_free(&b);
			g_free(data);
			g_free(path);
		}
	}
}

/* parser_parse_in_place (the engine's way: the model reads the caller's
   buffer) builds the same model and the same annotated body as parser_parse,
   and never changes the caller's bytes: not even for a header block that
   ends without a blank line, which the parser must mend in its own copy.
   The buffer is an exact-size allocation, so ASan sees any write past it. */
static void test_parse_in_place(void **state)
{
	static const char *const files[] = {
		DIR "addresses.eml", DIR "parts.eml", DIR "eightbit-headers.eml",
		DIR "multipart-signed.eml", "messages/parser/annotate/plain-qp.eml",
		"messages/parser/annotate/mixed-alternative-attachments.eml",
		"messages/milter/header-block-without-blank-line.eml",
	};
	const struct parser_limits tiny = { .max_header_bytes = 64, .max_parts = 2 };
	const struct parser_limits *limits[] = { NULL, &tiny };
	const struct parser_footer footer = { "A footer.", NULL };

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		for (size_t l = 0; l < G_N_ELEMENTS(limits); l++) {
			size_t len;
			char *data = fixture_read(files[i], &len);
			char *mine = g_memdup2(data, len);
			struct parser_message *a = NULL, *b = NULL;
			struct parser_annotated *aa = NULL, *ab = NULL;
			enum parser_annotate_status sa, sb;
			const char *error = NULL;

			assert_int_equal(parser_parse(data, len, limits[l], &a, &error), 0);
			assert_int_equal(parser_parse_in_place(mine, len, limits[l], &b, &error), 0);
			expect_str(files[i], "subject (in place)", b->subject, a->subject);
			expect_str(files[i], "own_text (in place)", b->own_text, a->own_text);
			expect_uint(files[i], "flags (in place)", b->flags, a->flags);
			expect_uint(files[i], "n_parts (in place)", b->n_parts, a->n_parts);
			expect_uint(files[i], "size (in place)", b->size, a->size);
			assert_int_equal(parser_annotate(a, &footer, &sa, &aa, &error), 0);
			assert_int_equal(parser_annotate(b, &footer, &sb, &ab, &error), 0);
			expect_uint(files[i], "annotate status (in place)", sb, sa);
			if ((aa == NULL) != (ab == NULL) ||
			    (aa != NULL && (aa->body_len != ab->body_len ||
					    memcmp(aa->body, ab->body, aa->body_len) != 0)))
				fail_msg("%s: annotated body in place differs from parser_parse's",
					 files[i]);
			parser_annotated_free(&aa);
			parser_annotated_free(&ab);
			parser_message_free(&a);
			parser_message_free(&b);
			if (memcmp(mine, data, len) != 0)
				fail_msg("%s: parser_parse_in_place changed the caller's bytes",
					 files[i]);
			g_free(mine);
			g_free(data);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_utf8_everywhere),
		cmocka_unit_test(test_parse_take),
		cmocka_unit_test(test_parse_in_place),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
