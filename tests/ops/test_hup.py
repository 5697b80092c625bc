#!/usr/bin/python3
"""SIGHUP reloads, as SIGUSR1 does, and never stops the daemon: libmilter's
own signal thread, which would take it as "stop", must never see it. Twenty
SIGHUPs in quick succession while a message is in flight: the daemon keeps
running, logs the reload on SIGHUP, keeps its socket and the message; a
configuration with an error sent with SIGHUP is refused, the one in force
stays; SIGTERM then stops it with status 0. No MTA: the small milter client
of test_stop_signals stands in for one.

Environment: COUNCIL_MILTER_BIN, COUNCIL_SOURCE_DIR (set by ctest).
"""

import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opslib import (BIN, SOURCE, WAIT, ashcombe_conf, check, failures, finish,  # noqa: E402
                    wait_for)
from test_stop_signals import MilterClient  # noqa: E402


def main():
    root = tempfile.mkdtemp(prefix="council-hup-")
    proc = None
    try:
        conf = ashcombe_conf(os.path.join(root, "hup.conf"), root)
        path = os.path.join(root, "milter.sock")
        log_path = os.path.join(root, "milter.log")
        args = [BIN, "-f", "-c", conf, "-p", "unix:" + path,
                "-P", os.path.join(SOURCE, "policy", "phrases")]
        if os.geteuid() == 0:
            args += ["-u", "root"]  # a temporary folder of root's
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)

        def log():
            with open(log_path, errors="replace") as f:
                return f.read()
        wait_for("the filter to start", lambda: "started on" in log() or
                 proc.poll() is not None)
        check(proc.poll() is None, "the filter started", log()[-500:])

        client = MilterClient(path)
        client.send(b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff))
        check(client.reply() == b"O", "option negotiation")
        client.send(b"M", b"<cllr.smith@ashcombe-pc.gov.uk>\0")
        check(client.reply() == b"c", "MAIL FROM: continue")

        for _ in range(20):
            proc.send_signal(signal.SIGHUP)
            time.sleep(0.05)
        wait_for("the reload on SIGHUP to be logged", lambda: "on SIGHUP" in log() or
                 proc.poll() is not None)
        check(proc.poll() is None, "still running after 20 SIGHUPs", proc.poll(), None)
        check("reloaded %s on SIGHUP" % conf in log(), "the reload is logged",
              log()[-500:], "reloaded ... on SIGHUP")
        check("stopping" not in log() and "stopped" not in log(),
              "no stop on SIGHUP", log()[-500:])
        check(os.path.exists(path), "the socket is still there", path)
        client.send(b"R", b"<clerk@ashcombe-pc.gov.uk>\0")
        check(client.reply() == b"c", "the message in flight goes on: RCPT TO: continue")

        with open(conf, "a") as f:
            f.write("\nno_such_setting = 1;\n")
        proc.send_signal(signal.SIGHUP)
        wait_for("the refused reload to be logged", lambda: "reload refused" in log() or
                 proc.poll() is not None)
        check(proc.poll() is None and "reload refused" in log(),
              "a configuration with an error is refused on SIGHUP", log()[-500:])

        client.send(b"A")  # the MTA aborts the message: nothing in flight
        client.sock.close()
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            status = "still running"
        check(status == 0, "exit status after SIGTERM", status, 0)
        check(not os.path.exists(path), "socket removed", path, "gone")
    except RuntimeError as e:
        failures.append(str(e))
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if failures:
            sys.stderr.write("kept %s for inspection\n" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    finish("SIGHUP")


if __name__ == "__main__":
    main()
