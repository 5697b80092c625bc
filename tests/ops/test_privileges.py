#!/usr/bin/python3
"""Started as root, council-milter runs as its configured user with no
capabilities, and its socket lets the postfix group in and nobody else.

As root this test creates a user of its own (with its own group, and one
more group to show initgroups), starts the daemon on a config naming it, and
reads /proc/PID/status (Uid, Gid, Groups, every Cap* line) and stat() of the
socket. Then: a postfix process can connect and "nobody" cannot; a reload
(SIGUSR1) works after the drop; SIGTERM stops it with status 0 and it
removes its socket. Then the refusals: a user that is root (without -u
root), a user that does not exist, a socket folder the user cannot write.
And -u root, which keeps root when told to. The user and groups are removed
at the end, whether the test passed or not.

Environment: COUNCIL_MILTER_BIN, COUNCIL_SOURCE_DIR (set by ctest).
Exit status 77 (skipped) when not run as root.
"""

import glob
import grp
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opslib import (BIN, SOURCE, WAIT, TestUser, ashcombe_conf, check, failures,  # noqa: E402
                    finish, wait_for)

CAPS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")


def status_fields(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.split()
    return out


def own_effective_caps():
    return int(status_fields(os.getpid())["CapEff"][0], 16)


class World:
    """A test user (tests/ops/opslib.py), a temporary folder, daemons:
    all undone at the end."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="council-privs-")
        os.chmod(self.root, 0o755)
        self.procs = []
        self.test_user = TestUser(extra_group=True)

    def __enter__(self):
        u = self.test_user.__enter__()
        self.user, self.pw, self.extra_gid = u.name, u.pw, u.extra_gid
        self.postfix_gid = grp.getgrnam("postfix").gr_gid
        self.run_dir = u.folder(os.path.join(self.root, "run"), self.postfix_gid)
        self.state = u.folder(os.path.join(self.root, "state"))
        self.phrases = os.path.join(self.root, "phrases")
        shutil.copytree(os.path.join(SOURCE, "policy", "phrases"), self.phrases)
        self.socket = os.path.join(self.run_dir, "council-milter.sock")
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.test_user.__exit__(*exc)
        if exc[0] is None and not failures:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            sys.stderr.write("kept %s for inspection\n" % self.root)
            for log in sorted(glob.glob(os.path.join(self.root, "*.log"))):
                with open(log, errors="replace") as f:
                    sys.stderr.write("---- %s ----\n%s" % (log, f.read()[-3000:]))
        return False

    def conf(self, name, user, socket=None):
        return ashcombe_conf(os.path.join(self.root, name + ".conf"), self.state,
                             'user = "%s";\nsocket = "unix:%s";\n' % (user, socket or self.socket))

    def start(self, name, conf, *args):
        log_path = os.path.join(self.root, name + ".log")
        with open(log_path, "wb") as log:
            p = subprocess.Popen([BIN, "-f", "-c", conf, "-P", self.phrases] + list(args),
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.procs.append(p)
        p.log_path = log_path
        return p

    @staticmethod
    def log(p):
        with open(p.log_path, errors="replace") as f:
            return f.read()

    def wait_started(self, p):
        def ready():
            if p.poll() is not None:
                raise RuntimeError("council-milter exited with status %d at start:\n%s"
                              % (p.returncode, self.log(p)))
            return "started on" in self.log(p)
        wait_for("council-milter to start", ready)

    def stop(self, p):
        p.send_signal(signal.SIGTERM)
        try:
            return p.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise RuntimeError("council-milter did not stop on SIGTERM")


def connect_as(user, path):
    """Connect to the unix socket PATH as USER; returns "ok" or the error."""
    code = ("import socket, sys\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            "try:\n    s.connect(sys.argv[1]); print('ok')\n"
            "except OSError as e:\n    print(e.strerror)\n")
    pw = pwd.getpwnam(user)
    r = subprocess.run(["/usr/bin/python3", "-c", code, path], capture_output=True, text=True,
                       user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
    return r.stdout.strip() or r.stderr.strip()


def test_drop(w):
    conf = w.conf("drop", w.user)
    p = w.start("drop", conf)
    w.wait_started(p)
    s = status_fields(p.pid)
    uid, gid = str(w.pw.pw_uid), str(w.pw.pw_gid)
    check(s["Uid"] == [uid] * 4, "Uid (real, effective, saved, fs)", s["Uid"], [uid] * 4)
    check(s["Gid"] == [gid] * 4, "Gid (real, effective, saved, fs)", s["Gid"], [gid] * 4)
    want_groups = sorted([gid, str(w.extra_gid)])
    check(sorted(s["Groups"]) == want_groups, "Groups (initgroups)", sorted(s["Groups"]),
          want_groups)
    for cap in CAPS:
        if cap == "CapBnd" and not own_effective_caps() & (1 << 8):
            continue  # no CAP_SETPCAP here: the bounding set cannot be emptied
        check(int(s[cap][0], 16) == 0, cap, s[cap][0], "0000000000000000")
    print("running as %s: Uid %s, Gid %s, Groups %s, %s" % (
        w.user, " ".join(s["Uid"]), " ".join(s["Gid"]), " ".join(s["Groups"]),
        ", ".join("%s %s" % (c, s[c][0]) for c in CAPS)))

    st = os.lstat(w.socket)
    got = (stat.S_ISSOCK(st.st_mode), st.st_uid, st.st_gid, oct(stat.S_IMODE(st.st_mode)))
    want = (True, w.pw.pw_uid, w.postfix_gid, "0o660")
    check(got == want, "socket (is a socket, owner, group, mode)", got, want)
    print("socket %s: owner %s, group postfix, mode %s" % (w.socket, w.user,
                                                           oct(stat.S_IMODE(st.st_mode))))
    check(connect_as("postfix", w.socket) == "ok", "postfix connects to the socket",
          connect_as("postfix", w.socket), "ok")
    denied = connect_as("nobody", w.socket)
    check(denied == "Permission denied", "nobody connects to the socket", denied,
          "Permission denied")

    threads = os.path.join(w.state, "threads")
    if check(os.path.exists(threads), "the thread store is created after the drop"):
        check(os.stat(threads).st_uid == w.pw.pw_uid, "owner of the thread store",
              os.stat(threads).st_uid, w.pw.pw_uid)

    p.send_signal(signal.SIGUSR1)
    wait_for("the reload to be logged", lambda: "reloaded" in w.log(p) or
             "reload refused" in w.log(p))
    check("reload refused" not in w.log(p), "a reload as the user", w.log(p)[-600:],
          "reloaded")

    status = w.stop(p)
    check(status == 0, "exit status after SIGTERM", status, 0)
    check(not os.path.exists(w.socket), "the user removed its socket at the stop",
          "still there", "gone")


def test_refusals(w):
    cases = [
        ("root", w.conf("root", "root"), 78, "would keep root privileges"),
        ("unknown", w.conf("unknown", "no-such-user-" + str(os.getpid())), 78,
         "does not exist"),
        ("folder", w.conf("folder", w.user, os.path.join(w.root, "m.sock")), 71,
         "cannot write in " + w.root),
    ]
    for name, conf, want_status, want_text in cases:
        p = w.start(name, conf)
        try:
            status = p.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            status = "still running"
        check(status == want_status, "%s: exit status" % name, status, want_status)
        check(want_text in w.log(p), "%s: the error says" % name, w.log(p)[-400:],
              want_text)


def test_told_to_stay_root(w):
    p = w.start("told", w.conf("told", w.user), "-u", "root")
    w.wait_started(p)
    s = status_fields(p.pid)
    check(s["Uid"] == ["0"] * 4, "-u root: Uid", s["Uid"], ["0"] * 4)
    check("warning: running as root" in w.log(p), "-u root: the warning",
          w.log(p)[-400:], "warning: running as root")
    check(w.stop(p) == 0, "-u root: exit status after SIGTERM")


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (creates a user, starts the daemon as root)")
        sys.exit(77)
    try:
        with World() as w:
            test_drop(w)
            test_refusals(w)
            test_told_to_stay_root(w)
    except (RuntimeError, subprocess.CalledProcessError) as e:
        failures.append(str(e))
    finish("privileges")

if __name__ == "__main__":
    main()
