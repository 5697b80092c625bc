"""Helpers shared by the tests in tests/ops: "got X, want Y" checks collected
in one list and reported once, bounded waits, the end-to-end config
instantiated for a daemon of the test's own, and a user of the test's own.
Python standard library only."""

import grp
import os
import pwd
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
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


def start_filter(root):
    """council-milter in the foreground on the end-to-end config, everything
    in ROOT (its socket ROOT/milter.sock, its log ROOT/milter.log; as root
    with -u root, the folder being root's). Returns (process, config path,
    socket path, a function giving the log so far) once it has started."""
    conf = ashcombe_conf(os.path.join(root, "filter.conf"), root)
    path = os.path.join(root, "milter.sock")
    log_path = os.path.join(root, "milter.log")
    args = [BIN, "-f", "-c", conf, "-p", "unix:" + path,
            "-P", os.path.join(SOURCE, "policy", "phrases")]
    if os.geteuid() == 0:
        args += ["-u", "root"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)

    def log():
        with open(log_path, errors="replace") as f:
            return f.read()
    try:
        wait_for("the filter to start", lambda: "started on" in log() or
                 proc.poll() is not None)
    except RuntimeError:
        proc.kill()     # ours, by its pid: never left behind
        proc.wait()
        raise
    check(proc.poll() is None, "the filter started", log()[-500:])
    return proc, conf, path, log


class Filter:
    """A council-milter of a test's own (start_filter) in a folder of its own,
    for "with Filter(prefix) as f: f.start(); ...": whatever happens it is
    stopped by its pid, a RuntimeError (a wait given up) or an OSError (the
    filter hung up on the client) becomes a failure, and the folder is
    removed when all went well, kept for inspection when not."""

    def __init__(self, prefix):
        self.root = tempfile.mkdtemp(prefix=prefix)
        self.proc = None

    def start(self):
        self.proc, self.conf, self.path, self.log = start_filter(self.root)

    def exit_status(self):
        """Its exit status, waited for at most WAIT seconds."""
        try:
            return self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            return "still running"

    def __enter__(self):
        return self

    def __exit__(self, etype, value, tb):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        caught = etype is not None and issubclass(etype, (RuntimeError, OSError))
        if caught:
            failures.append("%s: %s" % (etype.__name__, value))
        if failures or etype is not None:
            sys.stderr.write("kept %s for inspection\n" % self.root)
        else:
            shutil.rmtree(self.root, ignore_errors=True)
        return caught


class MilterClient:
    """Just enough of the milter protocol (version 6) to start a message."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(WAIT)
        self.sock.connect(path)

    def send(self, cmd, data=b""):
        self.sock.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def reply(self):
        head = self._read(4)
        return self._read(struct.unpack(">I", head)[0])[:1]

    def begin_message(self):
        """Negotiate, then MAIL FROM: a message is in flight."""
        self.send(b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff))
        check(self.reply() == b"O", "option negotiation")
        self.send(b"M", b"<cllr.smith@ashcombe-pc.gov.uk>\0")
        check(self.reply() == b"c", "MAIL FROM: continue")

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("the filter closed the connection")
            data += chunk
        return data
