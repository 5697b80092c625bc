/* Hostile shapes (issue 15, tests/messages/hostile/): what the parser holds
   must grow with the message, not with its square, and what it cuts to stay
   bounded must say so. Costs are measured in bench/hostile-scaling.sh; here
   the sizes the model holds are checked, which do not depend on the machine. */
#include "helpers.h"

#include <glib.h>
#include <string.h>

#define DIR "messages/hostile/"

/* Finding 2: a chain of forwarded blocks. Each block's text is its own and
   nothing else's: the model holds each line of the body once, however many
   blocks there are (before: every block held the whole rest of the body). */
static void test_forward_chain(void **state)
{
	static const char *const files[] = {
		"forward-markers.eml", "original-message-blocks.eml",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *path = g_strconcat(DIR, files[i], NULL);
		size_t len, total = 0;
		char *raw = fixture_read(path, &len);
		struct parser_message *msg = fixture_parse(path, NULL);

		expect_uint(path, "n_embedded", msg->n_embedded, 400);
		for (size_t k = 0; k < msg->n_embedded; k++) {
			char *subject = g_strdup_printf("roof %zu", k);
			char *text = g_strdup_printf("block %zu words", k);

			expect_str(path, "embedded subject", msg->embedded[k].subject, subject);
			expect_str(path, "embedded text", msg->embedded[k].text, text);
			total += strlen(msg->embedded[k].text);
			g_free(subject);
			g_free(text);
		}
		if (total > len)
			fail_msg("%s: embedded texts: got %zu bytes in all, want at most the "
				 "message's %zu", path, total, len);
		free(raw);
		g_free(path);
		parser_message_free(&msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_chain),
	};

	return cmocka_run_group_tests(tests, parser_group_setup, parser_group_teardown);
}
