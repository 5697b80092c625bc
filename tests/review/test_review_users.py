#!/usr/bin/python3
"""council-review user add|passwd|del|list, and --verdict (issue 17): the
reviewers file made and changed whole, with Argon2id hashes, never the
password; refused through sudo (a Clerk's sudo rule must not make
accounts); and what is not a council, a password or a verdict refused with
its reason.

Usage: test_review_users.py COUNCIL-REVIEW-BINARY
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile

SOURCE = os.environ.get("COUNCIL_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(
                            os.path.abspath(__file__)))))
failures = []


def check(cond, what, got=None, want=None):
    if not cond:
        failures.append("%s: got %r, want %r" % (what, got, want))


def main():
    binary = sys.argv[1]
    root = tempfile.mkdtemp(prefix="council-users-")
    try:
        with open(os.path.join(SOURCE, "tests", "support", "hold.conf.in")) as f:
            text = f.read().replace("@JOURNAL@", root + "/journal.jsonl").replace("@ROOT@", root)
        text += '\nphrase_dir = "%s";\n' % os.path.join(SOURCE, "policy", "phrases")
        conf = os.path.join(root, "council-milter.conf")
        with open(conf, "w") as f:
            f.write(text)
        shutil.copy(os.path.join(SOURCE, "tests", "support", "fake-sendmail"),
                    os.path.join(root, "sendmail"))
        reviewers = os.path.join(root, "reviewers")

        def cr(*args, password=None, env=None):
            return subprocess.run([binary, "-c", conf] + list(args), capture_output=True,
                                  text=True, input=password, env=env, timeout=60)

        r = cr("user", "add", "tom", "--council", "ashcombe-pc.gov.uk", "--council",
               "Bramley Town Council", "--password-stdin", password="correct horse battery\n")
        check(r.returncode == 0, "user add (%s)" % r.stderr, r.returncode, 0)
        with open(reviewers) as f:
            content = f.read()
        check("correct horse" not in content and "\ttom\t" not in content and
              "tom\t$argon2id$" in content and
              "\tAshcombe Parish Council\tBramley Town Council\n" in content,
              "the file: the name, an Argon2id hash and the councils' names", content, "")
        check(stat.S_IMODE(os.stat(reviewers).st_mode) == 0o640, "the file's mode",
              oct(stat.S_IMODE(os.stat(reviewers).st_mode)), "0o640")
        r = cr("user", "list")
        check(r.returncode == 0 and "tom" in r.stdout and
              "Ashcombe Parish Council; Bramley Town Council" in r.stdout, "user list",
              r.stdout, "tom and the councils")

        for args, password, code, says in (
                (("user", "add", "ann", "--council", "nowhere.example"), "long enough here",
                 64, "no such council"),
                (("user", "add", "tom", "--council", "ashcombe-pc.gov.uk"), "long enough here",
                 64, "already"),
                (("user", "add", "ann", "--council", "ashcombe-pc.gov.uk"), "short", 64,
                 "too short"),
                (("user", "add", "-ann", "--council", "ashcombe-pc.gov.uk"), "long enough x",
                 64, ""),
                (("user", "add", "ann"), "long enough here", 64, "needs --council"),
                (("user", "passwd", "nobody"), "long enough here", 66, "no such reviewer"),
                (("user", "del", "nobody"), None, 66, "no reviewer"),
                (("user", "frobnicate", "x"), None, 64, "user what?"),
                (("--council", "ashcombe-pc.gov.uk", "user", "list"), None, 64, "not allowed"),
                (("release", "A1B2C3D4E5", "--verdict", "maybe"), None, 64,
                 "--verdict is breach"),
                (("list", "--verdict", "breach"), None, 64, "does not take")):
            before = open(reviewers).read()
            r = cr(*args, "--password-stdin", password=password + "\n") if password else \
                cr(*args)
            check(r.returncode == code and says in r.stderr, " ".join(args),
                  (r.returncode, r.stderr.strip()), (code, says))
            check(open(reviewers).read() == before, "%s changed nothing" % " ".join(args))

        # Through sudo (the Clerk's rule): refused, whatever the sub-command.
        env = dict(os.environ, SUDO_USER="clerk", SUDO_UID="1000")
        for args in (("user", "list"), ("user", "del", "tom")):
            r = subprocess.run([binary] + list(args), capture_output=True, text=True, env=env)
            check(r.returncode == 77 and "not allowed through sudo" in r.stderr,
                  "%s through sudo" % " ".join(args), (r.returncode, r.stderr), 77)

        old = open(reviewers).read()
        r = cr("user", "passwd", "tom", "--password-stdin", password="a new fine password\n")
        check(r.returncode == 0 and open(reviewers).read() != old, "user passwd",
              (r.returncode, r.stderr), 0)
        r = cr("user", "del", "tom")
        check(r.returncode == 0 and "tom" not in open(reviewers).read().split("\n", 2)[2],
              "user del", (r.returncode, r.stderr), 0)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("council-review user: %s" % ("FAILED" if failures else "as it should"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
