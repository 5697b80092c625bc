#!/usr/bin/python3
"""A tiny SMTP sink for the end-to-end tests and the demo: it accepts every
message and keeps it, exactly as received (dot-unstuffed, CRLF), as
NNNNNN.eml in a directory, with its envelope in NNNNNN.json beside it.

Run alone:  sink.py --port PORT --dir DIR   (loopback only; stops on SIGTERM)
Or import:  Sink(dir).start() in a thread of the test itself.

Python standard library only (Debian's /usr/bin/python3).
"""

import argparse
import json
import os
import re
import signal
import socketserver
import threading
import time

ADDR_RE = re.compile(rb"<([^>]*)>")


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        mail_from, rcpts = None, []
        self.reply("220 council-e2e-sink ESMTP")
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO",):
                self.wfile.write(b"250-council-e2e-sink\r\n250-8BITMIME\r\n"
                                 b"250-SIZE 0\r\n250 SMTPUTF8\r\n")
                self.wfile.flush()
            elif verb == b"HELO":
                self.reply("250 council-e2e-sink")
            elif verb == b"MAIL":
                m = ADDR_RE.search(line)
                mail_from, rcpts = (m.group(1).decode("utf-8", "replace") if m else ""), []
                self.reply("250 2.1.0 Ok")
            elif verb == b"RCPT":
                m = ADDR_RE.search(line)
                rcpts.append(m.group(1).decode("utf-8", "replace") if m else "")
                self.reply("250 2.1.5 Ok")
            elif verb == b"DATA":
                if mail_from is None or not rcpts:
                    self.reply("503 5.5.1 Error: need MAIL and RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    dl = self.rfile.readline(1 << 20)
                    if not dl:
                        return
                    if dl in (b".\r\n", b".\n"):
                        break
                    if dl.startswith(b"."):
                        dl = dl[1:]
                    data += dl
                n = sink.store(mail_from, rcpts, bytes(data))
                self.reply("250 2.0.0 Ok: queued as sink-%06d" % n)
                mail_from, rcpts = None, []
            elif verb == b"RSET":
                mail_from, rcpts = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == b"NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == b"QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Error: command not recognized")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Sink:
    """Accepts every message on 127.0.0.1:PORT (0: a free port)."""

    def __init__(self, directory, port=0):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.lock = threading.Lock()
        self.count = len([f for f in os.listdir(directory) if f.endswith(".json")])
        self.thread = None

    def store(self, mail_from, rcpts, data):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.dir, "%06d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        os.rename(base + ".eml.tmp", base + ".eml")
        with open(base + ".json.tmp", "w") as f:
            json.dump({"mail_from": mail_from, "rcpts": rcpts, "time": time.time()}, f)
        os.rename(base + ".json.tmp", base + ".json")
        return n

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def messages(directory):
    """Every message kept in DIRECTORY, oldest first: dicts with mail_from,
    rcpts, data (bytes) and path."""
    out = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        base = os.path.join(directory, name[:-5])
        with open(base + ".json") as f:
            env = json.load(f)
        with open(base + ".eml", "rb") as f:
            env["data"] = f.read()
        env["path"] = base + ".eml"
        out.append(env)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    sink = Sink(args.dir, args.port)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=sink.server.shutdown).start())
    try:
        sink.server.serve_forever()
    except KeyboardInterrupt:
        pass
    sink.server.server_close()


if __name__ == "__main__":
    main()
