#!/usr/bin/python3
"""SIGHUP reloads, as SIGUSR1 does, and never stops the daemon: libmilter's
own signal thread, which would take it as "stop", must never see it. Forty
SIGHUPs while a message is in flight, half of them on the heels of a
SIGUSR1 (a signal already pending for the main thread is when the kernel
would look for another thread to take one): the daemon keeps
running, logs the reload on SIGHUP, keeps its socket and the message; a
configuration with an error sent with SIGHUP is refused, the one in force
stays; SIGTERM then stops it with status 0. No MTA: the small milter client
of test_stop_signals stands in for one.

Environment: COUNCIL_MILTER_BIN, COUNCIL_SOURCE_DIR (set by ctest).
"""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opslib import Filter, MilterClient, check, finish, wait_for  # noqa: E402


def main():
    with Filter("council-hup-") as f:
        f.start()
        proc, log = f.proc, f.log
        client = MilterClient(f.path)
        client.begin_message()

        for i in range(40):
            if i % 2:
                proc.send_signal(signal.SIGUSR1)
            proc.send_signal(signal.SIGHUP)
            time.sleep(0.02)
        wait_for("the reload on SIGHUP to be logged", lambda: "on SIGHUP" in log() or
                 proc.poll() is not None)
        time.sleep(1)   # the reloads still due
        check(proc.poll() is None, "still running after 40 SIGHUPs", proc.poll(), None)
        check("reloaded %s on SIGHUP" % f.conf in log(), "the reload is logged",
              log()[-500:], "reloaded ... on SIGHUP")
        check("stopping" not in log() and "stopped" not in log(),
              "no stop on SIGHUP", log()[-500:])
        check(os.path.exists(f.path), "the socket is still there", f.path)
        client.send(b"R", b"<clerk@ashcombe-pc.gov.uk>\0")
        check(client.reply() == b"c", "the message in flight goes on: RCPT TO: continue")

        with open(f.conf, "a") as conf:
            conf.write("\nno_such_setting = 1;\n")
        proc.send_signal(signal.SIGHUP)
        wait_for("the refused reload to be logged", lambda: "reload refused" in log() or
                 proc.poll() is not None)
        check(proc.poll() is None and "reload refused" in log(),
              "a configuration with an error is refused on SIGHUP", log()[-500:])

        client.send(b"A")  # the MTA aborts the message: nothing in flight
        client.sock.close()
        proc.send_signal(signal.SIGTERM)
        check(f.exit_status() == 0, "exit status after SIGTERM", proc.returncode, 0)
        check(not os.path.exists(f.path), "socket removed", f.path, "gone")
    finish("SIGHUP")


if __name__ == "__main__":
    main()
