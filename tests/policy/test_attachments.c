/*
 * Confidential markings inside attached documents, table-driven over
 * tests/messages/attachments/ (each fixture of tests/extract/fixtures, from
 * LibreOffice, Ghostscript or Python's zipfile, attached as "Item 9
 * report.EXT" by the Clerk to a solicitor): the marking as a heading at the
 * top of page 1 is a finding; the words in prose, a footer on page 3 or
 * nothing are not; a document that cannot be read (a password, damage, a
 * zip bomb) gets on_incomplete. The documents are read in this process by
 * council-extract's own readers; tests/engine runs the worker itself.
 * Then when documents are read at all, and the reader's failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "extractor/reader.h"
#include "judge_test.h"
#include "policy/judge.h"

#define CLERK "clerk@ashcombe-tc.gov.uk"
#define SOLICITOR "cases@lawfirm.example"
#define HEADING_EVIDENCE(ext) \
	"marking \"NOT FOR PUBLICATION\" in a heading on page 1 of attachment \"Item 9 report." \
	ext "\"; to cases@lawfirm.example (outside the council)"
#define SHEET_EVIDENCE(ext) \
	"marking \"CONFIDENTIAL\" on sheet 1 of attachment \"Item 9 report." ext "\"; to " \
	"cases@lawfirm.example (outside the council)"

struct attachment_case {
	const char *eml;		/* under tests/messages/attachments/ */
	const char *action;
	const char *evidence;		/* the confidential finding's, whole; NULL: none */
	const char *unread;		/* substring of the verdict's unread; NULL: none */
	const char *incomplete;		/* the result header's incomplete= token */
};

#define MARKED(name, ev) { name, "hold", ev, NULL, NULL }
#define UNMARKED(name) { name, "accept", NULL, NULL, NULL }

static const struct attachment_case cases[] = {
	MARKED("libreoffice-heading-pdf.eml", HEADING_EVIDENCE("pdf")),
	MARKED("ghostscript-heading-pdf.eml", HEADING_EVIDENCE("pdf")),
	MARKED("libreoffice-heading-docx.eml", HEADING_EVIDENCE("docx")),
	MARKED("python-heading-docx.eml", HEADING_EVIDENCE("docx")),
	MARKED("libreoffice-heading-odt.eml", HEADING_EVIDENCE("odt")),
	MARKED("python-heading-odt.eml", HEADING_EVIDENCE("odt")),
	MARKED("libreoffice-heading-xlsx.eml", SHEET_EVIDENCE("xlsx")),
	MARKED("python-heading-xlsx.eml", SHEET_EVIDENCE("xlsx")),
	UNMARKED("libreoffice-prose-pdf.eml"), UNMARKED("ghostscript-prose-pdf.eml"),
	UNMARKED("libreoffice-prose-docx.eml"), UNMARKED("python-prose-docx.eml"),
	UNMARKED("libreoffice-prose-odt.eml"), UNMARKED("python-prose-odt.eml"),
	UNMARKED("libreoffice-prose-xlsx.eml"), UNMARKED("python-prose-xlsx.eml"),
	UNMARKED("libreoffice-footer3-pdf.eml"), UNMARKED("ghostscript-footer3-pdf.eml"),
	UNMARKED("libreoffice-footer3-docx.eml"), UNMARKED("python-footer3-docx.eml"),
	UNMARKED("libreoffice-footer3-odt.eml"), UNMARKED("python-footer3-odt.eml"),
	UNMARKED("libreoffice-footer3-xlsx.eml"), UNMARKED("python-footer3-xlsx.eml"),
	UNMARKED("libreoffice-none-pdf.eml"), UNMARKED("ghostscript-none-pdf.eml"),
	UNMARKED("libreoffice-none-docx.eml"), UNMARKED("python-none-docx.eml"),
	UNMARKED("libreoffice-none-odt.eml"), UNMARKED("python-none-odt.eml"),
	UNMARKED("libreoffice-none-xlsx.eml"), UNMARKED("python-none-xlsx.eml"),
	MARKED("libreoffice-heading-ods.eml", SHEET_EVIDENCE("ods")),
	UNMARKED("libreoffice-prose-ods.eml"), UNMARKED("libreoffice-footer3-ods.eml"),
	UNMARKED("libreoffice-none-ods.eml"),
	MARKED("python-heading-pptx.eml", "marking \"CONFIDENTIAL\" on slide 1 of attachment "
	       "\"Item 9 report.pptx\"; to cases@lawfirm.example (outside the council)"),
	UNMARKED("python-none-pptx.eml"),
	MARKED("python-heading-odp.eml", "marking \"CONFIDENTIAL\" on slide 1 of attachment "
	       "\"Item 9 report.odp\"; to cases@lawfirm.example (outside the council)"),
	UNMARKED("python-none-odp.eml"),
	/* Not documents, whatever they are called: text is read as text,
	   binary data holds nothing to read (extract_triage) */
	MARKED("text-named-pdf.eml", "marking \"CONFIDENTIAL\" on page 1 of attachment \"Item 9 "
	       "note.pdf\"; to cases@lawfirm.example (outside the council)"),
	UNMARKED("junk-named-docx.eml"),
	{ "encrypted-pdf.eml", "hold", NULL,
	  "attachment \"Item 9 report.pdf\" is locked with a password", "encrypted-attachment" },
	{ "truncated-pdf.eml", "hold", NULL, "attachment \"Item 9 report.pdf\" cannot be read",
	  "unreadable-attachment" },
	{ "zip-bomb-docx.eml", "hold", NULL, "attachment \"Item 9 report.docx\" unpacks to more "
	  "than 100 times its size (limits.max_expansion_ratio)", "max_expansion_ratio" },
};

/* The reader: council-extract's readers in this process, or a stand-in. */
struct reader {
	const struct parser_message *msg;
	unsigned calls;
	enum extract_status fake;	/* not OK: answer this instead of reading */
	bool fail;			/* -1: the worker cannot be started */
};

static int read_here(void *ctx, size_t index, enum extract_kind kind,
		     struct extract_doc **doc_r, const char **error_r)
{
	struct reader *r = ctx;
	static const struct extract_limits lim = { 0 };
	char *data;
	size_t len;
	bool truncated;

	r->calls++;
	if (r->fail) {
		*error_r = "cannot start the document reader (a test)";
		return -1;
	}
	if (r->fake != EXTRACT_OK) {
		*doc_r = extract_doc_new(r->fake, "a test");
		return 0;
	}
	if (parser_part_content(r->msg, index, EXTRACT_DEFAULT_BYTES, &data, &len, &truncated,
				error_r) < 0)
		return -1;
	*doc_r = reader_read(kind, data, len, &lim);
	g_free(data);
	return 0;
}

static struct conf *conf;

static int group_setup(void **state)
{
	parser_init();
	conf = test_conf_load();
	return 0;
}

static int group_teardown(void **state)
{
	conf_unref(&conf);
	parser_shutdown();
	return 0;
}

/* Judge messages/NAME from FROM to RCPTS (NULL-terminated) under C,
   documents read by R. */
static struct policy_verdict *judge_with(const struct conf *c, const char *name,
					 const char *from, const char *const *rcpts,
					 struct reader *r, int *ret_r, const char **error_r)
{
	struct parser_message *msg = test_parse(name);
	struct policy_documents docs = { .read = read_here, .ctx = r };
	struct policy_envelope env = {
		.mail_from = from, .rcpts = rcpts, .now = TEST_NOW, .documents = &docs,
	};
	struct policy_verdict *v = NULL;

	while (rcpts[env.n_rcpts] != NULL)
		env.n_rcpts++;
	r->msg = msg;
	*ret_r = policy_judge(c, &env, msg, NULL, &v, error_r);
	parser_message_free(&msg);
	return v;
}

static struct policy_verdict *judge(const char *name, const char *from,
				    const char *const *rcpts, struct reader *r)
{
	const char *error = NULL;
	int ret;
	struct policy_verdict *v = judge_with(conf, name, from, rcpts, r, &ret, &error);

	if (ret != 0)
		fail_msg("%s: policy_judge failed: %s", name, error);
	return v;
}

static void test_fixtures(void **state)
{
	static const char *const to_solicitor[] = { SOLICITOR, NULL };
	GString *all = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct attachment_case *c = &cases[i];
		char *name = g_strconcat("attachments/", c->eml, NULL);
		struct reader r = { 0 };
		struct policy_verdict *v = judge(name, CLERK, to_solicitor, &r);
		const char *ev = v->n_findings > 0 ? v->findings[0].evidence : NULL;
		char *token = c->incomplete != NULL ?
			g_strdup_printf("incomplete=%s;", c->incomplete) : NULL;

		if (strcmp(conf_action_name(v->action), c->action) != 0)
			g_string_append_printf(all, "\n%s: action: got %s, want %s", c->eml,
					       conf_action_name(v->action), c->action);
		if (g_strcmp0(ev, c->evidence) != 0)
			g_string_append_printf(all, "\n%s: evidence:\n  got  %s\n  want %s", c->eml,
					       ev != NULL ? ev : "(no finding)",
					       c->evidence != NULL ? c->evidence : "(no finding)");
		if ((c->unread == NULL) != (v->unread == NULL) ||
		    (c->unread != NULL && strstr(v->unread, c->unread) == NULL))
			g_string_append_printf(all, "\n%s: unread: got %s, want %s", c->eml,
					       v->unread != NULL ? v->unread : "(none)",
					       c->unread != NULL ? c->unread : "(none)");
		if (token != NULL && strstr(v->result_header, token) == NULL)
			g_string_append_printf(all, "\n%s: result header: got %s, want %s", c->eml,
					       v->result_header, token);
		if (c->unread != NULL &&
		    (v->hold_reason == NULL || !g_str_has_prefix(v->hold_reason,
								 "not checked in full: ")))
			g_string_append_printf(all, "\n%s: hold reason: got %s, want \"not checked "
					       "in full: ...\"", c->eml, v->hold_reason);
		if (r.calls != 1)
			g_string_append_printf(all, "\n%s: documents read: got %u, want 1", c->eml,
					       r.calls);
		g_free(token);
		g_free(name);
		policy_verdict_free(&v);
	}
	if (all->len > 0)
		fail_msg("%s", all->str);
	g_string_free(all, TRUE);
}

/* Every message of the folder is in the table (or used below). */
static void test_every_message(void **state)
{
	static const char *const others[] = { "two-documents.eml", "internal-heading-docx.eml" };
	char *dir = test_path("messages/attachments");
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	assert_non_null(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		bool listed = false;

		for (size_t i = 0; i < G_N_ELEMENTS(cases) && !listed; i++)
			listed = strcmp(cases[i].eml, name) == 0;
		for (size_t i = 0; i < G_N_ELEMENTS(others) && !listed; i++)
			listed = strcmp(others[i], name) == 0;
		if (!listed)
			fail_msg("%s: got no case for it, want one", name);
		n++;
	}
	g_dir_close(d);
	g_free(dir);
	assert_int_equal(n, G_N_ELEMENTS(cases) + G_N_ELEMENTS(others));
}

/* Documents cost a worker each: they are read only when a marking there
   could make a finding, and not when the message is marked already. */
static void test_when_read(void **state)
{
	static const char *const to_staff[] = { "admin@ashcombe-tc.gov.uk", NULL };
	static const char *const to_cllr[] = { "cllr.jones@ashcombe-tc.gov.uk", NULL };
	static const char *const to_solicitor[] = { SOLICITOR, NULL };
	struct reader r = { 0 };
	struct policy_verdict *v;

	/* Inside the council: no finding possible, nothing read. */
	v = judge("attachments/internal-heading-docx.eml", CLERK, to_staff, &r);
	assert_int_equal(r.calls, 0);
	assert_int_equal(v->action, CONF_ACTION_NONE);
	policy_verdict_free(&v);

	/* An officer's marked paper to a councillor: read, and the notice. */
	v = judge("attachments/internal-heading-docx.eml", CLERK, to_cllr, &r);
	assert_int_equal(r.calls, 1);
	/* (Blind to her, so a silent copy too.) */
	assert_int_equal(v->n_findings, 2);
	assert_int_equal(v->findings[1].rule, CONF_RULE_CONFIDENTIAL);
	assert_int_equal(v->findings[1].action, CONF_ACTION_ANNOTATE);
	assert_non_null(strstr(v->findings[1].evidence, "of attachment \"Item 9 report.docx\"; "
			       "from an officer to cllr.jones@ashcombe-tc.gov.uk (councillor)"));
	policy_verdict_free(&v);

	/* Marked by its attachment's name already: the document is not read. */
	r.calls = 0;
	v = judge("town-council-2023/confidential-attachment.eml", CLERK, to_solicitor, &r);
	assert_int_equal(r.calls, 0);
	assert_int_equal(v->action, CONF_ACTION_HOLD);
	policy_verdict_free(&v);
}

/* The reader's failures: a document it could not read is on_incomplete's
   (unless the rule does not apply); one it could not be started for is an
   internal error (on_error, the engine's). */
static void test_reader_failures(void **state)
{
	static const char *const to_solicitor[] = { SOLICITOR, NULL };
	static const char *const to_staff[] = { "admin@ashcombe-tc.gov.uk", NULL };
	struct reader r = { .fake = EXTRACT_FAILED };
	struct policy_verdict *v;
	const char *error = NULL;
	int ret;

	v = judge("attachments/python-none-docx.eml", CLERK, to_solicitor, &r);
	assert_int_equal(v->action, CONF_ACTION_HOLD);
	assert_non_null(strstr(v->unread, "could not be read (a test)"));
	assert_non_null(strstr(v->result_header, "incomplete=unreadable-attachment"));
	policy_verdict_free(&v);

	r.fake = EXTRACT_LIMIT_TIME;
	v = judge("attachments/python-none-docx.eml", CLERK, to_solicitor, &r);
	assert_non_null(strstr(v->unread, "was not read within 10 seconds "
			       "(limits.max_attachment_seconds)"));
	policy_verdict_free(&v);

	/* Inside the council, where no marking could make a finding: not read,
	   so nothing is incomplete. */
	r.calls = 0;
	v = judge("attachments/internal-heading-docx.eml", CLERK, to_staff, &r);
	assert_int_equal(r.calls, 0);
	assert_null(v->unread);
	assert_int_equal(v->action, CONF_ACTION_NONE);
	policy_verdict_free(&v);

	r.fake = EXTRACT_OK;
	r.fail = true;
	v = judge_with(conf, "attachments/python-none-docx.eml", CLERK, to_solicitor, &r, &ret,
		       &error);
	assert_int_equal(ret, -1);
	assert_null(v);
	assert_string_equal(error, "cannot start the document reader (a test)");
}

/* More documents than limits.max_attachments: the rest are not read, and
   the message gets on_incomplete; a marking in one read still counts. */
static void test_max_attachments(void **state)
{
	static const char *const to_solicitor[] = { SOLICITOR, NULL };
	struct conf *one = test_conf_load_file("policy/conf/one-attachment.conf");
	struct reader r = { 0 };
	const char *error = NULL;
	int ret;
	struct policy_verdict *v = judge_with(one, "attachments/two-documents.eml", CLERK,
					      to_solicitor, &r, &ret, &error);

	assert_int_equal(ret, 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(v->action, CONF_ACTION_HOLD);
	assert_int_equal(v->n_findings, 0);
	assert_non_null(strstr(v->unread, "more than 1 attached documents "
			       "(limits.max_attachments)"));
	policy_verdict_free(&v);
	conf_unref(&one);
}

/* An exception for the solicitors: a marked paper to them is no finding,
   and what the document said is recorded as what the exception stopped; a
   document they get that cannot be read does not make the message
   incomplete, since the rule does not apply to them. */
static void test_excepted(void **state)
{
	static const char *const to_solicitor[] = { SOLICITOR, NULL };
	struct conf *excepted = test_conf_load_file("policy/conf/attachments-excepted.conf");
	struct reader r = { 0 };
	const char *error = NULL;
	int ret;
	struct policy_verdict *v = judge_with(excepted, "attachments/python-heading-docx.eml",
					      CLERK, to_solicitor, &r, &ret, &error);

	assert_int_equal(ret, 0);
	assert_int_equal(v->action, CONF_ACTION_NONE);
	assert_int_equal(v->n_findings, 0);
	assert_int_equal(v->n_exceptions, 1);
	assert_string_equal(v->exceptions[0].evidence, HEADING_EVIDENCE("docx"));
	assert_string_equal(v->exceptions[0].exception, "except_recipients \"@lawfirm.example\" "
			    "for cases@lawfirm.example");
	policy_verdict_free(&v);

	r.fake = EXTRACT_ENCRYPTED;
	v = judge_with(excepted, "attachments/python-heading-docx.eml", CLERK, to_solicitor, &r,
		       &ret, &error);
	assert_int_equal(ret, 0);
	assert_null(v->unread);
	assert_int_equal(v->action, CONF_ACTION_NONE);
	policy_verdict_free(&v);
	conf_unref(&excepted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_every_message),
		cmocka_unit_test(test_when_read),
		cmocka_unit_test(test_reader_failures),
		cmocka_unit_test(test_max_attachments),
		cmocka_unit_test(test_excepted),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
