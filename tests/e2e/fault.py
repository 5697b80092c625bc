"""Shared by the fault-injection tests (test_fault_*.py, issue 8): the
accounting that nothing was lost, and the check that the daemon is still
alive and well after the fault.

    ledger = Ledger(env)
    ledger.send("a@x", ["b@y"], data)      # every message a test sends
    ledger.settle()                        # Postfix done with all of them
    ledger.check()                         # each one delivered, held or refused

A message is accounted for when it was accepted (250 to DATA) and then
reached every one of its envelope recipients exactly once at the sink
(Postfix may split it into several deliveries; recipients the daemon added
openly may come on top, once each) or sits in Postfix's hold queue
(quarantined) exactly once, or when the client saw a 4xx/5xx reply for it and it was
neither delivered nor held. Anything else (lost, duplicated, delivered after
a refusal) fails the test. Messages are told apart by their Message-ID.
"""

import json
import os
import re
import socket
import struct
import subprocess
import threading
import time
import uuid

from council_e2e import SOURCE_DIR, check, header_values, wait_for

CLEAN = os.path.join(SOURCE_DIR, "tests", "messages", "demo",
                     "01-clean-clerk-replies-to-resident.eml")


def with_message_id(data, tag):
    """DATA with its Message-ID replaced by a fresh unique one; returns
    (data, message_id)."""
    mid = "fault-%s-%s@council-e2e.invalid" % (tag, uuid.uuid4().hex[:12])
    head, sep, body = data.replace(b"\r\n", b"\n").partition(b"\n\n")
    lines = [l for l in head.split(b"\n") if not l.lower().startswith(b"message-id:")]
    lines.append(b"Message-ID: <" + mid.encode() + b">")
    return b"\n".join(lines) + sep + body, mid


class Ledger:
    def __init__(self, env):
        self.env = env
        self.sent = []          # (message_id, code, text, envelope recipients)

    def record(self, message_id, code, text, rcpts):
        self.sent.append((message_id, code, text, list(rcpts)))

    def send(self, mail_from, rcpts, data, tag="msg"):
        data, mid = with_message_id(data, tag)
        code, text = self.env.send(mail_from, rcpts, data)
        self.record(mid, code, text, rcpts)
        return code, text

    def _queue(self):
        r = subprocess.run(["postqueue", "-c", self.env.config_dir, "-j"],
                           capture_output=True, text=True)
        return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]

    def settle(self):
        """Wait until Postfix has nothing left to deliver: every message
        still queued is on hold (quarantined)."""
        wait_for("Postfix to deliver everything it accepted",
                 lambda: all(q.get("queue_name") == "hold" for q in self._queue()))

    def held_ids(self):
        ids = []
        for q in self._queue():
            r = subprocess.run(["postcat", "-c", self.env.config_dir, "-hq", q["queue_id"]],
                               capture_output=True)
            for v in header_values(r.stdout, "Message-ID"):
                ids.append(v.strip("<>"))
        return ids

    def check(self):
        """Every message sent is delivered, held or refused; returns a one
        line summary."""
        delivered = {}          # Message-ID -> recipients over every delivery
        for m in self.env.delivered():
            for v in header_values(m["data"], "Message-ID"):
                delivered.setdefault(v.strip("<>"), []).extend(r.lower() for r in m["rcpts"])
        held = self.held_ids()
        mine = {mid for mid, _, _, _ in self.sent}
        counts = {"delivered": 0, "held": 0, "refused": 0}
        for mid, code, text, rcpts in self.sent:
            got, h = delivered.get(mid, []), held.count(mid)
            if code == 250 and h == 0:
                want = sorted(r.lower() for r in rcpts)
                check(sorted(r for r in got if r in want) == want,
                      "accepted message %s: each envelope recipient delivered once" % mid,
                      "%d deliveries (%d distinct)" % (len(got), len(set(got))), len(want))
                check(len(got) == len(set(got)), "accepted message %s: no recipient twice" % mid,
                      len(got), len(set(got)))
                counts["delivered"] += 1
            elif code == 250:
                check(h == 1 and not got, "held message %s: (delivered, held)" % mid,
                      (len(got), h), (0, 1))
                counts["held"] += 1
            else:
                check(code // 100 in (4, 5), "reply the client saw for %s (%s)" % (mid, text),
                      code, "250, 4xx or 5xx")
                check(not got and h == 0, "refused message %s delivered or held" % mid,
                      (len(got), h), (0, 0))
                counts["refused"] += 1
        strays = [d for d in list(delivered) + held if d not in mine and d.startswith("fault-")]
        check(not strays, "messages at the sink that no test sent", strays, [])
        return "%d sent: %d delivered, %d held, %d refused" % (
            len(self.sent), counts["delivered"], counts["held"], counts["refused"])


def alive_and_well(env, ledger):
    """The daemon survived: still running, and a clean message goes through
    it, judged (one result header)."""
    check(env.milter is not None and env.milter.poll() is None,
          "council-milter still running after the fault",
          None if env.milter is None else env.milter.returncode, "running")
    with open(CLEAN, "rb") as f:
        data, mid = with_message_id(f.read(), "after")
    code, text = env.send("clerk@ashcombe-pc.gov.uk", ["m.wood@example.org"], data)
    ledger.record(mid, code, text, ["m.wood@example.org"])
    check(code == 250, "reply to a clean message after the fault (%s)" % text, code, 250)

    def arrived():
        for m in env.delivered():
            if ("<%s>" % mid) in header_values(m["data"], "Message-ID"):
                return m
        return None
    m = wait_for("the clean message at the sink", arrived)
    results = header_values(m["data"], "Council-Policy-Results")
    check(len(results) == 1, "result headers on the clean message after the fault",
          len(results), 1)


def finish(env, ledger):
    """The end of every fault test: the daemon is alive and well, Postfix has
    nothing left to deliver, every message is accounted for, and the daemon
    stops cleanly (exit 0: under ASan, nothing leaked or undefined)."""
    alive_and_well(env, ledger)
    ledger.settle()
    print(ledger.check())
    env.stop_milter()


def milter_lines(env, pattern):
    """Lines of the daemon's log matching the regular expression PATTERN."""
    rx = re.compile(pattern)
    return [l for l in env.milter_log().splitlines() if rx.search(l)]


class DelayProxy:
    """A unix-socket relay between Postfix and the daemon that holds one
    milter command (by default SMFIC_BODYEOB, 'E': end of message) for
    DELAY seconds before passing it on, so the daemon looks slower than
    Postfix's milter_content_timeout without any test hook in the daemon.
    Milter packets are a 4-byte big-endian length, then the command byte
    and its data; everything else is copied as it comes."""

    def __init__(self, listen_path, target_path, delay, command=b"E"):
        self.listen_path, self.target_path = listen_path, target_path
        self.delay, self.command = delay, command
        self.delayed = 0
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(listen_path)
        os.chmod(listen_path, 0o666)
        self.sock.listen(16)
        self.conns = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.connect(self.target_path)
            with self.lock:
                self.conns += [client, server]
            threading.Thread(target=self._forward, args=(client, server), daemon=True).start()
            threading.Thread(target=self._copy, args=(server, client), daemon=True).start()

    @staticmethod
    def _shutdown(*socks):
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @staticmethod
    def _read(sock, n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise OSError("closed")
            buf += chunk
        return buf

    def _forward(self, src, dst):
        try:
            while True:
                head = self._read(src, 4)
                packet = self._read(src, struct.unpack(">I", head)[0])
                if packet[:1] == self.command and self.delay > 0:
                    self.delayed += 1
                    time.sleep(self.delay)
                dst.sendall(head + packet)
        except OSError:
            pass
        finally:
            self._shutdown(src, dst)

    def _copy(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._shutdown(src, dst)

    def stop(self):
        self.sock.close()
        with self.lock:
            for s in self.conns:
                s.close()
        try:
            os.unlink(self.listen_path)
        except OSError:
            pass


def summary_for(env, message_id):
    """The daemon's summary line (the one with action=) for the message
    Postfix logged with MESSAGE_ID (found through its queue id), or None.
    A held message has further lines after it (the hold, the notices)."""
    m = re.search(r"postfix/cleanup\[\d+\]: ([0-9A-F]+): message-id=<%s>" % re.escape(message_id),
                  env.postfix_log())
    if m is None:
        return None
    lines = milter_lines(env, r"^council-milter\[\d+\]: %s: .*\baction=" % m.group(1))
    return lines[-1] if lines else None
