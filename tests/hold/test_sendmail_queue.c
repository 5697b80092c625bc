/* The Sendmail backend of the hold library (hold/sendmail.c) on queue files
   as Sendmail 8.17 writes them (tests/hold/sendmail/) and a fake sendmail
   program that plays mailq -qQ and -Q: what mailq lists is read from the
   queue folders it names (one flat, one with qf/ and df/), the hf file's
   envelope and headers as delivered (Sendmail's quoting undone, its
   per-mailer headers left out), release acting only on an exact id, delete
   removing the files under Sendmail's lock, and refusals told apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "helpers.h"
#include "hold/hold.h"

#define ID "6B7ABCDE000123"
#define ID2 "6B7ZZZZZ000999"

struct fixture {
	char *root, *queue, *queue2, *cf;
	struct hold_queue *q;
};

/* ROOT/NAME with TEXT (LEN bytes; -1: a string). */
static char *put(const char *dir, const char *name, const char *text, gssize len)
{
	char *path = g_build_filename(dir, name, NULL);

	if (!g_file_set_contents(path, text, len, NULL))
		fail_msg("cannot write %s", path);
	return path;
}

/* Fixture NAME of tests/hold/sendmail/ copied into DIR. */
static void copy_fixture(const char *name, const char *dir)
{
	char *rel = g_build_filename("hold", "sendmail", name, NULL);
	size_t len;
	char *data = test_read(rel, &len);

	g_free(put(dir, name, data, (gssize)len));
	g_free(data);
	g_free(rel);
}

/* What the fake mailq prints (and its exit status). */
static void mailq_says(const struct fixture *f, const char *extra, int status)
{
	char *text = test_read("hold/sendmail/mailq.txt", NULL);
	char **parts = g_strsplit(text, "@QUEUE@", -1);
	char *one = g_strjoinv(f->queue, parts);
	g_strfreev(parts);
	parts = g_strsplit(one, "@QUEUE2@", -1);
	char *two = g_strjoinv(f->queue2, parts);
	g_strfreev(parts);
	char *out = g_strconcat(two, extra != NULL ? extra : "", NULL);

	g_free(put(f->root, "mailq.out", out, -1));
	char *st = g_strdup_printf("%d\n", status);
	g_free(put(f->root, "mailq.status", st, -1));
	g_free(st);
	g_free(out);
	g_free(two);
	g_free(one);
	g_free(text);
}

static int setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->root = test_tmpdir();
	f->queue = g_build_filename(f->root, "mqueue", NULL);
	f->queue2 = g_build_filename(f->root, "mqueue2", NULL);
	char *qf = g_build_filename(f->queue2, "qf", NULL), *df = g_build_filename(f->queue2, "df",
										 NULL);
	g_mkdir_with_parents(f->queue, 0700);
	g_mkdir_with_parents(qf, 0700);
	g_mkdir_with_parents(df, 0700);
	copy_fixture("hf" ID, f->queue);
	copy_fixture("df" ID, f->queue);
	copy_fixture("hf" ID2, qf);
	copy_fixture("df" ID2, df);
	g_free(qf);
	g_free(df);
	f->cf = g_build_filename(f->root, "sendmail.cf", NULL);
	mailq_says(f, NULL, 0);
	/* The fake: each run's arguments to ROOT/calls; mailq's output from
	   ROOT/mailq.out; -Q's from ROOT/release.out. No environment: its
	   own PATH. */
	char *script = g_strdup_printf(
		"#!/bin/sh\nPATH=/usr/bin:/bin\nD='%s'\n"
		"printf '%%s\\n' \"$*\" >> \"$D/calls\"\n"
		"case \"$*\" in\n"
		"*'-bp -qQ') cat \"$D/mailq.out\"; exit $(cat \"$D/mailq.status\") ;;\n"
		"*' -Q') cat \"$D/release.out\" ;;\n"
		"esac\nexit 0\n", f->root);
	char *sendmail = put(f->root, "sendmail", script, -1);
	g_chmod(sendmail, 0755);
	f->q = hold_queue_sendmail(sendmail, f->cf);
	g_free(sendmail);
	g_free(script);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	f->q->free(f->q);
	g_free(f->queue);
	g_free(f->queue2);
	g_free(f->cf);
	test_rmdir(&f->root);
	g_free(f);
	return 0;
}

/* The fake's runs, one line each ("" when none). */
static char *calls(const struct fixture *f)
{
	char *path = g_build_filename(f->root, "calls", NULL), *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		text = g_strdup("");
	g_free(path);
	return text;
}

static bool exists(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	bool there = g_file_test(path, G_FILE_TEST_EXISTS);

	g_free(path);
	return there;
}

static const struct hold_entry *find(GPtrArray *entries, const char *id)
{
	for (guint i = 0; i < entries->len; i++)
		if (strcmp(((struct hold_entry *)entries->pdata[i])->queue_id, id) == 0)
			return entries->pdata[i];
	return NULL;
}

/* mailq -qQ names the messages and their folders; the hf files give the
   facts: arrival (T), sender (S, without brackets), recipients (R, without
   flags or brackets), and the size is the df file's. Lines that are not
   entries ("Mail queue is empty", headings) are not taken for ids. */
static void test_list(void **state)
{
	struct fixture *f = *state;
	GPtrArray *entries;
	const char *error = NULL;
	bool denied = true;

	if (f->q->list(f->q, &entries, &denied, &error) < 0)
		fail_msg("list: %s", error);
	assert_false(denied);
	assert_int_equal(entries->len, 2);
	const struct hold_entry *e = find(entries, ID);
	assert_non_null(e);
	assert_int_equal(e->arrival, 1796620947);
	assert_string_equal(e->sender, "cllr.jones@ashcombe-pc.gov.uk");
	assert_int_equal(e->n_rcpts, 2);
	assert_string_equal(e->rcpts[0], "d.ferris@example.net");
	assert_string_equal(e->rcpts[1], "\"m.wood\"@example.org");
	assert_null(e->rcpts[2]);
	assert_int_equal(e->size, 23);
	e = find(entries, ID2);		/* in qf/ and df/, marked '*' by mailq */
	assert_non_null(e);
	assert_string_equal(e->sender, "");
	assert_int_equal(e->arrival, 1796620000);
	assert_int_equal(e->size, 5);
	g_ptr_array_unref(entries);
	char *c = calls(f);
	char *want = g_strdup_printf("-C %s -bp -qQ\n", f->cf);
	assert_string_equal(c, want);
	g_free(want);
	g_free(c);
}

/* The message as delivered: the headers that go out as they are, Sendmail's
   quoting undone (0xff before a byte of the message), its own marks shown
   as '$', continuation lines kept; not Return-Path or any header Sendmail
   adds per mailer; then the body. */
static void test_read_message(void **state)
{
	struct fixture *f = *state;
	char *text, *want;
	size_t len;
	const char *error = NULL;

	if (f->q->read(f->q, ID, &text, &len, &error) < 0)
		fail_msg("read: %s", error);
	want = test_read("hold/sendmail/" ID ".shown", NULL);
	if (strcmp(text, want) != 0)
		fail_msg("read: got\n%s\nwant\n%s", text, want);
	assert_int_equal(len, strlen(want));
	g_free(want);
	g_free(text);
}

/* Release: "-v -qQ -qI<id> -Q", and Sendmail must say it removed the
   quarantine of that one message; then "-qI<id>" delivers it now. */
static void test_release(void **state)
{
	struct fixture *f = *state;
	const char *error = NULL;

	g_free(put(f->root, "release.out", "Processing /q:\n" ID ": Removed quarantine of "
		   "\"confidential\"\n1 change\n", -1));
	if (f->q->release(f->q, ID, &error) < 0)
		fail_msg("release: %s", error);
	char *c = calls(f);
	char *want = g_strdup_printf("-C %s -bp -qQ\n-C %s -v -qQ -qI" ID " -Q\n-C %s -qI" ID "\n",
				     f->cf, f->cf, f->cf);
	assert_string_equal(c, want);
	g_free(want);
	g_free(c);
}

/* Nothing released, or more than it: a failure, quoting Sendmail. */
static void test_release_not_alone(void **state)
{
	struct fixture *f = *state;
	const char *error = NULL;
	const char *outs[] = {
		"Processing /q:\n/q: no matches\nNo changes\n",
		"Processing /q:\n" ID ": Removed quarantine of \"x\"\n" ID "9: Removed "
		"quarantine of \"y\"\n2 changes\n",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(outs); i++) {
		g_free(put(f->root, "release.out", outs[i], -1));
		assert_int_equal(f->q->release(f->q, ID, &error), -1);
		if (strstr(error, "did not release it alone") == NULL)
			fail_msg("release %zu: got \"%s\", want \"... did not release it alone ...\"",
				 i, error);
	}
}

/* Sendmail's -qI matches any id containing its text: an id that is part of
   another quarantined one is refused before Sendmail is asked, and one
   mailq does not list is not there to act on. */
static void test_exact_id(void **state)
{
	struct fixture *f = *state;
	const char *error = NULL;

	mailq_says(f, "6B7ABCDE0001234       9 Mon Dec  7 05:30 <a@example.org>\n", 0);
	assert_int_equal(f->q->release(f->q, ID, &error), -1);
	assert_non_null(strstr(error, "is part of another quarantined id, 6B7ABCDE0001234"));
	assert_int_equal(f->q->remove(f->q, ID, &error), -1);
	assert_non_null(strstr(error, "is part of another quarantined id"));
	assert_true(exists(f->queue, "hf" ID));
	mailq_says(f, NULL, 0);
	assert_int_equal(f->q->release(f->q, "6B7ABCDE", &error), -1);
	assert_string_equal(error, "6B7ABCDE is not in Sendmail's quarantine (mailq -qQ)");
	char *c = calls(f);
	assert_null(strstr(c, " -Q\n"));	/* never asked to release */
	g_free(c);
}

/* Delete: the queue files go (hf, df, and a transcript), in a folder with
   qf/ and df/ too; while Sendmail holds its lock, nothing is removed. */
static void test_remove(void **state)
{
	struct fixture *f = *state;
	const char *error = NULL;

	g_free(put(f->queue, "xf" ID, "transcript\n", -1));
	if (f->q->remove(f->q, ID, &error) < 0)
		fail_msg("remove: %s", error);
	assert_false(exists(f->queue, "hf" ID));
	assert_false(exists(f->queue, "df" ID));
	assert_false(exists(f->queue, "xf" ID));

	char *hf = g_build_filename(f->queue2, "qf", "hf" ID2, NULL);
	int fd = open(hf, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);	/* Sendmail at work on it */
	assert_int_equal(f->q->remove(f->q, ID2, &error), -1);
	assert_string_equal(error, "Sendmail is working on " ID2 " just now: try again in a "
			    "minute");
	assert_true(g_file_test(hf, G_FILE_TEST_EXISTS));
	close(fd);
	if (f->q->remove(f->q, ID2, &error) < 0)
		fail_msg("remove after the lock: %s", error);
	assert_false(g_file_test(hf, G_FILE_TEST_EXISTS));
	char *df = g_build_filename(f->queue2, "df", "df" ID2, NULL);
	assert_false(g_file_test(df, G_FILE_TEST_EXISTS));
	g_free(df);
	g_free(hf);
}

/* mailq refused for lack of permission: denied, with Sendmail's words; a
   queue file we may not read: denied too (run as root, the test makes it a
   folder instead, and that is a plain failure). */
static void test_refused(void **state)
{
	struct fixture *f = *state;
	GPtrArray *entries;
	const char *error = NULL;
	bool denied = false;

	g_free(put(f->root, "mailq.out", "You are not permitted to see the queue\n", -1));
	g_free(put(f->root, "mailq.status", "1\n", -1));
	assert_int_equal(f->q->list(f->q, &entries, &denied, &error), -1);
	assert_true(denied);
	assert_non_null(strstr(error, "You are not permitted to see the queue"));

	mailq_says(f, NULL, 0);
	char *hf = g_build_filename(f->queue, "hf" ID, NULL);
	g_unlink(hf);
	g_mkdir(hf, 0700);
	denied = true;
	assert_int_equal(f->q->list(f->q, &entries, &denied, &error), -1);
	assert_false(denied);
	assert_non_null(strstr(error, "cannot read Sendmail's queue file"));
	g_rmdir(hf);
	g_free(hf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_not_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
