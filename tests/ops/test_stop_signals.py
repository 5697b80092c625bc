#!/usr/bin/python3
"""SIGTERM at the milter protocol level, without an MTA: a message counts as
in flight from MAIL FROM; a stop waits for it and says so; a second SIGTERM
stops the daemon at once (exit status 0, socket removed), leaving the
message to the MTA. A small milter protocol client stands in for the MTA.

Environment: COUNCIL_MILTER_BIN, COUNCIL_SOURCE_DIR (set by ctest).
"""

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opslib import (BIN, SOURCE, WAIT, ashcombe_conf, check, failures, finish,  # noqa: E402
                    wait_for)


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

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("the filter closed the connection")
            data += chunk
        return data


def main():
    root = tempfile.mkdtemp(prefix="council-stop-")
    proc = None
    try:
        conf = ashcombe_conf(os.path.join(root, "stop.conf"), root)
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

        proc.send_signal(signal.SIGTERM)
        wait_for("the filter to wait for the message", lambda:
                 "waiting for 1 message(s) in flight" in log())
        check(proc.poll() is None, "still running while the message is in flight")
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            status = "still running"
        check(status == 0, "exit status after a second SIGTERM", status, 0)
        check("stopping with 1 message(s) still in flight" in log(),
              "the message left to the MTA is logged", log()[-500:])
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
    finish("stop signals")


if __name__ == "__main__":
    main()
