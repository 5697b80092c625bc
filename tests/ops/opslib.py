"""Helpers shared by the tests in tests/ops: "got X, want Y" checks collected
in one list and reported once, bounded waits, the end-to-end config
instantiated for a daemon of the test's own, and a user of the test's own.
Python standard library only."""

import grp
import os
import pwd
import subprocess
import sys
import time

SOURCE = os.environ.get("COUNCIL_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(
                            os.path.abspath(__file__)))))
BIN = os.environ.get("COUNCIL_MILTER_BIN",
                     os.path.join(SOURCE, "build", "milter", "council-milter"))
# Generous bounds for things to happen; never a timed assertion.
WAIT = 60
failures = []


def check(cond, what, got=None, want=None):
    """Record 'what: got X, want Y' unless COND; returns COND."""
    if not cond:
        detail = "" if got is None and want is None else ": got %r, want %r" % (got, want)
        failures.append(what + detail)
    return cond


def wait_for(what, predicate):
    """PREDICATE's first true value, polled for at most WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError("gave up after %ds waiting for %s" % (WAIT, what))
        time.sleep(0.05)


def finish(name):
    """Print every failure and exit as ctest understands: 0 passed, 1 failed."""
    for f in failures:
        print("FAIL " + f)
    print("%s: %s" % (name, "FAILED" if failures else "all as expected"))
    sys.exit(1 if failures else 0)


def ashcombe_conf(path, state, extra=""):
    """tests/e2e/ashcombe.conf.in at PATH, its journal, thread store and
    sendmail in STATE, with EXTRA settings (libconfig lines) first. Its
    sendmail is a program that sends nothing: start-up checks that the
    configured one exists and may be run (issue 15)."""
    with open(os.path.join(SOURCE, "tests", "e2e", "ashcombe.conf.in")) as f:
        text = (f.read().replace("@ROOT@", state)
                .replace("@AUTHSERV@", "ops.council.invalid")
                .replace("@COUNCIL@", "Ashcombe Parish Council"))
    with open(path, "w") as f:
        f.write(extra + text)
    os.chmod(path, 0o644)
    sendmail = os.path.join(state, "sendmail")
    if not os.path.exists(sendmail):
        with open(sendmail, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(sendmail, 0o755)
    return path


class TestUser:
    """A user of the test's own, for running council-milter as it runs in
    production: created with its own group (and, if asked, one more group),
    removed with them at the end whether the test passed or not. The name
    carries the test's pid, so concurrent runs never share or remove each
    other's user. Needs root."""

    def __init__(self, prefix="cm-test", extra_group=False):
        tag = "%d" % os.getpid()
        self.name = "%s-%s" % (prefix, tag)
        self.extra = "%s-x-%s" % (prefix, tag) if extra_group else None
        self.made_user = self.made_group = False

    def __enter__(self):
        try:
            if self.extra:
                subprocess.run(["groupadd", "--system", self.extra], check=True)
                self.made_group = True
            cmd = ["useradd", "--system", "--user-group", "--no-create-home",
                   "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin"]
            if self.extra:
                cmd += ["--groups", self.extra]
            subprocess.run(cmd + [self.name], check=True)
            self.made_user = True
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.pw = pwd.getpwnam(self.name)
        self.uid, self.gid = self.pw.pw_uid, self.pw.pw_gid
        self.extra_gid = grp.getgrnam(self.extra).gr_gid if self.extra else None
        return self

    def __exit__(self, *exc):
        if self.made_user:
            subprocess.run(["userdel", self.name], capture_output=True)
            self.made_user = False
        if self.made_group:
            subprocess.run(["groupdel", self.extra], capture_output=True)
            self.made_group = False
        return False

    def folder(self, path, gid=None, mode=0o750):
        """Make PATH, owned by this user (and GID, default the user's group)."""
        os.makedirs(path, exist_ok=True)
        os.chown(path, self.uid, self.gid if gid is None else gid)
        os.chmod(path, mode)
        return path
