#!/usr/bin/python3
"""The set-up the README gives a Debian administrator, end to end: Postfix's
smtpd and cleanup run chrooted in the queue directory; council-milter,
started as root, runs as its own (test) user with its socket inside the
queue directory, in a folder owned by that user with group postfix, mode
0750; main.cf names the socket relative to the queue directory
(smtpd_milters = unix:council-milter/council-milter.sock). A councillor's
blind copy must come out annotated, and the journal-side state (the thread
store) belongs to the user. Through a private Postfix (tests/e2e)."""

import grp
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
sys.path.insert(0, HERE)
import council_e2e  # noqa: E402
from council_e2e import Env, check, header_values, read_message, run  # noqa: E402
from opslib import TestUser  # noqa: E402

RELATIVE = "council-milter/council-milter.sock"


def chrooted(master_cf):
    """master.cf with smtpd and cleanup chrooted (column 5 = y), as
    Debian's default master.cf has them."""
    out = []
    for line in master_cf.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7] in ("smtpd", "cleanup"):
            f[4] = "y"
            line = "  ".join(f)
        out.append(line)
    return "\n".join(out) + "\n"


def chroots(master, names):
    """{name: root directory} of MASTER's children called NAMES (Postfix
    keeps smtpd and cleanup a while after a message)."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/comm" % pid) as f:
                comm = f.read().strip()
            if int(fields[1]) == master and comm in names:
                out[comm] = os.readlink("/proc/%s/root" % pid)
        except (OSError, ValueError, IndexError):
            continue
    return out


def test():
    if os.geteuid() != 0:
        print("SKIP: needs root")
        sys.exit(77)
    council_e2e.MASTER_CF = chrooted(council_e2e.MASTER_CF)
    with TestUser() as user, Env("chroot") as env:
        postfix_gid = grp.getgrnam("postfix").gr_gid
        spool = os.path.join(env.root, "spool")
        sock_dir = user.folder(os.path.join(spool, "council-milter"), postfix_gid, 0o750)
        state = user.folder(os.path.join(env.root, "state"))
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", name="chroot.conf",
                              authserv="e2e-chroot.council.invalid",
                              council="Ashcombe Parish Council")
        with open(conf) as f:
            text = f.read().replace(env.root + "/", state + "/")
        with open(conf, "w") as f:
            f.write('user = "%s";\n' % user.name + text)
        # Start-up checks that the configured sendmail may be run: one that
        # sends nothing (no notice is due here).
        with open(os.path.join(state, "sendmail"), "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(os.path.join(state, "sendmail"), 0o755)

        # The daemon gets the absolute path, Postfix the relative one.
        env.milter_socket = os.path.join(sock_dir, "council-milter.sock")
        env.start_milter(conf, user=user.name)
        st = os.stat(env.milter_socket)
        check((st.st_uid, st.st_gid, oct(st.st_mode & 0o777)) ==
              (user.uid, postfix_gid, "0o660"), "socket owner, group, mode",
              (st.st_uid, st.st_gid, oct(st.st_mode & 0o777)),
              (user.uid, postfix_gid, "0o660"))
        absolute, env.milter_socket = env.milter_socket, RELATIVE
        try:
            env.start_postfix()
        finally:
            env.milter_socket = absolute
        with open(os.path.join(env.config_dir, "main.cf")) as f:
            check("smtpd_milters = unix:%s\n" % RELATIVE in f.read(),
                  "main.cf names the socket relative to the queue directory")

        code, text = env.send("cllr.smith@ashcombe-pc.gov.uk",
                              ["clerk@ashcombe-pc.gov.uk", "cllr.jones@ashcombe-pc.gov.uk"],
                              read_message("tests/messages/demo/"
                                           "02-councillor-blind-copies-councillor.eml"))
        check(code == 250, "reply to DATA (%s)" % text, code, 250)
        got = env.wait_delivered(1)
        results = header_values(got[0]["data"], "Council-Policy-Results")
        check(len(results) == 1 and "silent-copy=annotate" in results[0],
              "result header through the chrooted smtpd", results,
              ["...silent-copy=annotate..."])
        roots = chroots(env.master_pid(), ("smtpd", "cleanup"))
        check(roots.get("smtpd") == spool and roots.get("cleanup") == spool,
              "smtpd and cleanup ran chrooted in the queue directory", roots,
              {"smtpd": spool, "cleanup": spool})
        threads = os.path.join(state, "threads")
        check(os.path.exists(threads) and os.stat(threads).st_uid == user.uid,
              "the thread store belongs to the user")
        env.stop_postfix()
        env.stop_milter()


if __name__ == "__main__":
    run(test)
