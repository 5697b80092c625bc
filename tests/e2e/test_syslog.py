#!/usr/bin/python3
"""Without -f the daemon goes to the background and logs to syslog, facility
mail: the start line, a warning at its level, and each message's summary
line starting with Postfix's queue id; a reload that sets log_facility moves
the lines to that facility.

There is no syslog daemon on a test machine: the test is one. It binds a
datagram socket where syslog(3) writes (/dev/log) and reads what arrives.
If /dev/log already exists (a real syslog daemon), the daemon is started in
a private mount namespace with the test's socket mounted over /dev/log, so
the machine's own logging is never touched."""

import os
import re
import signal
import socket
import subprocess
import threading
import time

from council_e2e import (MILTER_BIN, PHRASE_DIR, Env, check, process_alive, read_message,
                         run, wait_for)

DEV_LOG = "/dev/log"
LOG_MAIL, LOG_LOCAL3 = 2 << 3, 19 << 3
LOG_WARNING, LOG_INFO = 4, 6


class FakeSyslog:
    """A datagram socket standing in for syslogd, read all the time by a
    thread of its own as a real one is: a full socket queue would block
    every process that logs (the daemon included, in syslog(3)). Stops what
    it started."""

    def __init__(self, root):
        self.lines = []
        self.lock = threading.Lock()
        self.owned_dev_log = not os.path.exists(DEV_LOG)
        self.path = DEV_LOG if self.owned_dev_log else os.path.join(root, "log.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        os.chmod(self.path, 0o666)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            with self.lock:
                self.lines.append(data.decode("utf-8", "replace").rstrip("\n\0"))

    def find(self, pattern):
        """The (priority, text) of the lines received so far matching PATTERN."""
        with self.lock:
            lines = list(self.lines)
        out = []
        for line in lines:
            m = re.match(r"<(\d+)>(.*)$", line, re.S)
            if m and re.search(pattern, m.group(2)):
                out.append((int(m.group(1)), m.group(2)))
        return out

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()
        if self.owned_dev_log:
            os.unlink(self.path)


def daemon_pid(sock_path):
    """The pid of the backgrounded daemon listening on SOCK_PATH."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if ("unix:" + sock_path).encode() in argv and os.path.basename(argv[0]) == \
                os.path.basename(MILTER_BIN).encode():
            return int(pid)
    return None


def stop(pid):
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("council-milter (pid %d) did not stop on SIGTERM" % pid)


def test():
    with Env("syslog") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", "council.conf",
                              authserv="e2e-syslog.council.invalid",
                              council="Ashcombe Parish Council")
        log = FakeSyslog(env.root)
        pid = None
        try:
            argv = [MILTER_BIN, "-c", conf, "-p", "unix:" + env.milter_socket,
                    "-P", PHRASE_DIR, "-u", "root"]
            if not log.owned_dev_log:
                argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                        'mount --bind "$0" /dev/log && exec "$@"', log.path] + argv
            r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
            check(r.returncode == 0, "council-milter without -f: the parent exits 0 (%s)"
                  % r.stderr.decode(errors="replace"), r.returncode, 0)
            check(r.stderr == b"", "nothing on stderr without -f", r.stderr, b"")
            started = wait_for("the start line at syslog",
                               lambda: log.find(r"started on unix:%s with "
                                                % re.escape(env.milter_socket)))
            pid = daemon_pid(env.milter_socket)
            check(pid is not None, "the daemon's pid", pid, "a running council-milter")
            prio, text = started[0]
            check(prio == LOG_MAIL | LOG_INFO, "priority of the start line (mail.info)",
                  prio, LOG_MAIL | LOG_INFO)
            check(text.find("council-milter[%d]: " % pid) >= 0,
                  "ident and pid of the start line", text, "council-milter[%d]: ..." % pid)
            warned = log.find(r"council-milter\[\d+\]: warning: running as root")
            check(warned and warned[0][0] == LOG_MAIL | LOG_WARNING,
                  "the -u root warning at mail.warning", warned, LOG_MAIL | LOG_WARNING)

            env.start_postfix()
            msg = read_message("tests/messages/demo/02-councillor-blind-copies-councillor.eml")
            code, text = env.send("cllr.smith@ashcombe-pc.gov.uk",
                                  ["clerk@ashcombe-pc.gov.uk"], msg)
            check(code == 250, "reply to DATA (%s)" % text, code, 250)
            queue_id = re.search(r"queued as ([0-9A-F]+)", text).group(1)
            summary = wait_for("the message's summary line at syslog",
                               lambda: log.find(r"\]: %s: council=.*action=" % queue_id))
            prio, line = summary[0]
            check(prio == LOG_MAIL | LOG_INFO, "priority of the summary line", prio,
                  LOG_MAIL | LOG_INFO)
            check(re.search(r"council-milter\[%d\]: %s: council=\"Ashcombe Parish Council\""
                            % (pid, queue_id), line) is not None,
                  "the summary line starts with Postfix's queue id", line,
                  "council-milter[%d]: %s: council=..." % (pid, queue_id))

            with open(conf, "a") as f:
                f.write('\nlog_facility = "local3";\n')
            os.kill(pid, signal.SIGUSR1)
            reloaded = wait_for("the reload line at syslog",
                                lambda: log.find(r"council-milter\[%d\]: reloaded " % pid))
            check(reloaded[0][0] == LOG_LOCAL3 | LOG_INFO,
                  "priority of the reload line (local3.info: log_facility applied)",
                  reloaded[0][0], LOG_LOCAL3 | LOG_INFO)
            print("summary line at syslog: <%d>%s" % (prio, line))
        finally:
            try:
                if pid is not None:
                    stop(pid)
                time.sleep(0.5)     # what the daemon sent before it exited arrives
            finally:
                log.close()
        stopped = log.find(r"council-milter\[%d\]: stopped$" % pid)
        check(stopped and stopped[-1][0] == LOG_LOCAL3 | LOG_INFO,
              "the stop line, at local3.info", stopped, LOG_LOCAL3 | LOG_INFO)


if __name__ == "__main__":
    run(test)
