/* council-review's output for a person: a held message whose Subject,
   author, recipients and evidence carry U+202E (right-to-left override) and
   its kind is shown with its words and without those characters, by list
   and show and in list --json (issue 15, finding 9); control characters are
   shown as '?'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "audit/audit.h"
#include "helpers.h"
#include "review/review.h"

static void test_print_bidi(void **state)
{
	char *rcpts[] = { "news\xe2\x80\xae@example.org", NULL };
	struct hold_entry entry = { .queue_id = "4F2A1B3C5D", .arrival = 1741087800,
				    .sender = "cllr.jones@ashcombe-pc.gov.uk", .rcpts = rcpts,
				    .n_rcpts = 1 };
	struct letter_finding found = { "confidential", "hold", "10.7",
					"to \xe2\x80\xae" "ten.elpmaxe@z \xe2\x81\xa6x\xe2\x81\xa9" };
	struct hold_item item = {
		.entry = &entry, .in_journal = true, .hold_reason = "held \xe2\x80\x8f" "here",
		.letter = { .queue_id = "4F2A1B3C5D", .author = "cllr.jones@ashcombe-pc.gov.uk",
			    .author_name = "Ann \xe2\x80\xaeJones", .findings = &found,
			    .n_findings = 1,
			    .subject = "Invoice \xe2\x80\xae" "fdp.exe\xe2\x80\xac for the hall" },
	};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	review_print_held(f, &item, 1741091400);
	const char *body = "Body \xe2\x80\xae" "txet\x1b[2J\n";
	review_print_safe(f, body, strlen(body));
	fclose(f);
	if (test_hidden_char(out) != NULL || strstr(out, "Invoice fdp.exe for the hall") == NULL ||
	    strstr(out, "Body txet?[2J") == NULL)
		fail_msg("printed: got\n%s\nwant the words, no format character, '?' for ESC", out);
	free(out);

	JsonBuilder *b = json_builder_new();
	hold_item_json(b, &item, 1741091400);
	char *json = journal_json_text(b, false);
	if (strstr(json, "\\u202e") != NULL || strstr(json, "\\u202E") != NULL ||
	    test_hidden_char(json) != NULL || strstr(json, "Invoice fdp.exe for the hall") == NULL)
		fail_msg("list --json: got %s", json);
	g_free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print_bidi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
