#!/usr/bin/python3
"""The harness's own main.cf: every parameter set once, whatever a test
adds (council_e2e.main_cf_text says why a second setting hangs Postfix).
Needs neither root nor Postfix."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import council_e2e as e2e  # noqa: E402


def settings(text):
    return [e2e._parameter(l) for l in text.splitlines() if e2e._parameter(l) is not None]


class MainCf(unittest.TestCase):
    def template(self):
        return e2e.MAIN_CF_TEMPLATE.format(root="/r", sink_port=2526, milter_socket="/r/m.sock")

    def test_template_sets_each_once(self):
        names = settings(self.template())
        self.assertEqual(len(names), len(set(names)))
        self.assertIn("smtpd_milters", names)

    def test_extra_replaces_in_place_of_adding(self):
        text = e2e.main_cf_text(self.template(),
                                "smtpd_milters = unix:/x.sock\nnon_smtpd_milters =\n"
                                "smtpd_recipient_limit = 5010\n")
        names = settings(text)
        self.assertEqual(len(names), len(set(names)))
        self.assertIn("smtpd_milters = unix:/x.sock", text.splitlines())
        self.assertIn("non_smtpd_milters =", text.splitlines())
        self.assertNotIn("smtpd_milters = unix:/r/m.sock", text)
        self.assertIn("smtpd_recipient_limit = 5010", text.splitlines())
        self.assertIn("queue_run_delay = 1s", text.splitlines())   # the rest stays

    def test_extra_setting_twice_is_refused(self):
        with self.assertRaises(e2e.Failure) as cm:
            e2e.main_cf_text(self.template(), "biff = no\nbiff = yes\n")
        self.assertIn("biff", str(cm.exception))

    def test_comments_and_continuations_are_no_settings(self):
        self.assertIsNone(e2e._parameter("# smtpd_milters = x"))
        self.assertIsNone(e2e._parameter("    unix:/more"))
        self.assertIsNone(e2e._parameter(""))
        self.assertEqual(e2e._parameter("a_b = c = d"), "a_b")


class Alternates(unittest.TestCase):
    def test_only_our_temporary_directories_count_as_ours(self):
        tmp = e2e.tempfile.gettempdir()
        self.assertTrue(e2e._left_by_us(os.path.join(tmp, "council-e2e-x1", "postfix")))
        self.assertFalse(e2e._left_by_us("/etc/postfix-out"))
        self.assertFalse(e2e._left_by_us(os.path.join(tmp, "other-x1", "postfix")))
        self.assertFalse(e2e._left_by_us(os.path.join(tmp, "council-e2e-x1", "conf")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
