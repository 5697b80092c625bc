"""End-to-end harness: a private Postfix instance on loopback, the real
council-milter daemon, and an SMTP sink, all in one temporary directory.

    with Env() as env:
        env.start_milter("tests/e2e/basic.conf.in")
        env.start_postfix()
        env.send(mail_from, rcpts, data)
        msg = env.wait_delivered(1)[0]

Everything it starts it stops by pid when the `with` block ends, whether the
test passed or not. Postfix notes (DEVELOPERS.md): a private instance must be
listed in alternate_config_directories of /etc/postfix/main.cf (edited here
under a lock, since several test runs may do it at once, and the entry is
removed afterwards), there is no syslog daemon (maillog_file), and the
instance's data_directory belongs to postfix.

Environment: COUNCIL_MILTER_BIN and COUNCIL_REVIEW_BIN (the binaries under
test), COUNCIL_SOURCE_DIR (set by ctest). Python standard library only.
"""

import base64
import contextlib
import fcntl
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sink as sinkmod  # noqa: E402

SOURCE_DIR = os.environ.get(
    "COUNCIL_SOURCE_DIR",
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
MILTER_BIN = os.environ.get("COUNCIL_MILTER_BIN",
                            os.path.join(SOURCE_DIR, "build", "milter", "council-milter"))
# The build tree's: BUILD/milter/council-milter, BUILD/review/council-review.
REVIEW_BIN = os.environ.get("COUNCIL_REVIEW_BIN", os.path.join(
    os.path.dirname(os.path.dirname(MILTER_BIN)), "review", "council-review"))
PHRASE_DIR = os.path.join(SOURCE_DIR, "policy", "phrases")
MAIN_CF = "/etc/postfix/main.cf"
MAIN_CF_LOCK = "/etc/postfix/.council-e2e.lock"

# Generous bounds for things to happen; never a timed assertion.
WAIT = 60


class Failure(Exception):
    pass


def check(cond, what, got=None, want=None):
    """Fail with 'what: got X, want Y' unless COND."""
    if not cond:
        detail = "" if got is None and want is None else ": got %r, want %r" % (got, want)
        raise Failure(what + detail)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, timeout=WAIT, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure("gave up after %ds waiting for %s" % (timeout, what))
        time.sleep(interval)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def _main_cf_locked():
    with open(MAIN_CF_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _left_by_us(config_dir):
    """CONFIG_DIR is one of the harness's (TMPDIR/council-*/postfix)."""
    parent = os.path.dirname(config_dir)
    return (os.path.basename(config_dir) == "postfix" and
            os.path.dirname(parent) == tempfile.gettempdir() and
            os.path.basename(parent).startswith("council-"))


def _edit_alternates(config_dir, add):
    """Add CONFIG_DIR to (or remove it from) alternate_config_directories in
    the default main.cf, keeping everything else in the file."""
    with _main_cf_locked():
        lines = []
        if os.path.exists(MAIN_CF):
            with open(MAIN_CF) as f:
                lines = f.read().splitlines()
        dirs, out = [], []
        for line in lines:
            key = line.split("=", 1)[0].strip()
            if key == "alternate_config_directories" and "=" in line:
                dirs = [d for d in line.split("=", 1)[1].replace(",", " ").split() if d]
            else:
                out.append(line)
        # ours, and any a killed run of ours left (its directory is gone)
        dirs = [d for d in dirs if d != config_dir and
                (os.path.isdir(d) or not _left_by_us(d))]
        if add:
            dirs.append(config_dir)
        if dirs:
            out.append("alternate_config_directories = " + " ".join(dirs))
        if not out:
            # Nothing else was in it: leave no main.cf behind for a system
            # that had none (Debian's "No configuration").
            if os.path.exists(MAIN_CF):
                os.unlink(MAIN_CF)
            return
        tmp = MAIN_CF + ".council-e2e.tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(out) + ("\n" if out else ""))
        os.rename(tmp, MAIN_CF)


MASTER_CF = """\
127.0.0.1:{smtp_port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

MAIN_CF_TEMPLATE = """\
# A private Postfix for council-milter's end-to-end tests: loopback only,
# everything relayed to the sink, every message through the milter.
compatibility_level = 3.6
queue_directory = {root}/spool
data_directory = {root}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = council-e2e.invalid
mydomain = council-e2e.invalid
myorigin = $myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:{sink_port}
smtp_bind_address = 127.0.0.1
smtp_tls_security_level = none
smtpd_tls_security_level = none
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
smtpd_milters = unix:{milter_socket}
non_smtpd_milters = unix:{milter_socket}
milter_default_action = tempfail
milter_protocol = 6
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
biff = no
append_dot_mydomain = no
"""


def process_alive(pid):
    """PID runs (a zombie, which nobody may reap here, does not)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _working_in(directory):
    """The live processes whose working directory is DIRECTORY or below."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cwd = os.readlink("/proc/%s/cwd" % entry)
        except OSError:
            continue
        if (cwd == directory or cwd.startswith(directory + "/")) and process_alive(int(entry)):
            pids.append(int(entry))
    return pids


def _parameter(line):
    """The parameter a main.cf line sets, or None (comment, blank line,
    continuation)."""
    if not line.strip() or line[0] in " \t#" or "=" not in line:
        return None
    return line.split("=", 1)[0].strip()


def main_cf_text(template, extra):
    """TEMPLATE with EXTRA's parameters in place of its own: every parameter
    set once. A second setting makes every Postfix program warn "overriding
    earlier entry" each time it reads main.cf, postlogd included, and
    postlogd sends that warning to its own socket before it starts reading
    from it. Linux queues 10 datagrams on a unix socket (max_dgram_qlen):
    when the other programs' lines (each one warning too) fill it first,
    postlogd blocks on itself for good, and so does every program that logs
    after it: smtpd mid-transaction, "postfix stop" (master -t). Seen in the
    ASan build's postfix-throughput smoke test, stacks taken with gdb."""
    replaced = {_parameter(l) for l in extra.splitlines()} - {None}
    lines = [l for l in template.splitlines() if _parameter(l) not in replaced]
    text = "\n".join(lines) + "\n" + extra
    seen = [_parameter(l) for l in text.splitlines() if _parameter(l) is not None]
    twice = sorted({p for p in seen if seen.count(p) > 1})
    if twice:
        raise Failure("main.cf would set %s more than once" % ", ".join(twice))
    return text


class Env:
    """One private world: temp dir, sink, Postfix, milter."""

    def __init__(self, name="e2e"):
        self.root = tempfile.mkdtemp(prefix="council-%s-" % name)
        os.chmod(self.root, 0o755)  # postfix must reach the milter socket
        self.sink_dir = os.path.join(self.root, "sink")
        self.milter_socket = os.path.join(self.root, "milter.sock")
        self.config_dir = os.path.join(self.root, "postfix")
        self.smtp_port = None
        self.sink = None
        self.milter = None
        self.postfix_started = False
        self.milter_logs = []

    # -- context -----------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, etype, value, tb):
        errors = []
        for stop in (self.stop_postfix, self.stop_milter, self.stop_sink):
            try:
                stop()
            except Exception as e:  # keep stopping the rest
                errors.append("%s: %s" % (stop.__name__, e))
        if etype is None and not errors:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            sys.stderr.write("e2e: kept %s for inspection\n" % self.root)
            if os.path.exists(os.path.join(self.root, "maillog")):
                sys.stderr.write("---- postfix log ----\n" + self.postfix_log()[-6000:])
            sys.stderr.write("---- milter log ----\n" + self.milter_log()[-6000:])
        if errors and etype is None:
            raise Failure("; ".join(errors))
        return False

    # -- sink --------------------------------------------------------------
    def start_sink(self):
        self.sink = sinkmod.Sink(self.sink_dir).start()
        return self.sink

    def stop_sink(self):
        if self.sink is not None:
            self.sink.stop()
            self.sink = None

    def delivered(self):
        return sinkmod.messages(self.sink_dir) if os.path.isdir(self.sink_dir) else []

    def wait_delivered(self, n):
        """Wait until at least N messages reached the sink; return them all."""
        wait_for("%d message(s) at the sink" % n, lambda: len(self.delivered()) >= n)
        return self.delivered()

    # -- milter ------------------------------------------------------------
    def write_conf(self, template, name=None, **extra):
        """Instantiate a config template (@ROOT@ -> the temp dir, @KEY@ ->
        extra[KEY]) and return its path. Its phrase_dir is a copy of the
        phrase lists in the temp dir, which any user can read: council-review
        run as another user (nobody) must not depend on the source tree
        being readable to it, wherever the clone sits (under a 0700
        folder). The daemon is given the source's with -P."""
        phrases = os.path.join(self.root, "phrases")
        if not os.path.isdir(phrases):
            shutil.copytree(PHRASE_DIR, phrases)
        with open(os.path.join(SOURCE_DIR, template)) as f:
            # Last, so that the template's line numbers stay as they are.
            text = f.read() + '\nphrase_dir = "%s";\n' % phrases
        text = text.replace("@ROOT@", self.root)
        for k, v in extra.items():
            text = text.replace("@%s@" % k.upper(), v)
        path = os.path.join(self.root, name or os.path.basename(template).replace(".in", ""))
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, path)  # a reload never sees half a file
        self.write_sendmail()
        return path

    def write_sendmail(self):
        """ROOT/sendmail, the configs' sendmail: this instance's own, so
        notices enter the private Postfix (through pickup and the milter)
        and never the system's. A wrapper, since the daemon runs sendmail
        with an empty environment (no MAIL_CONFIG)."""
        path = os.path.join(self.root, "sendmail")
        with open(path + ".tmp", "w") as f:
            f.write("#!/bin/sh\nexec /usr/sbin/sendmail -C %s \"$@\"\n" % self.config_dir)
        os.chmod(path + ".tmp", 0o755)
        os.rename(path + ".tmp", path)
        return path

    # -- council-review ------------------------------------------------------
    def review(self, conf_path, *args, user=None, env=None):
        """council-review -c CONF -C <this Postfix> ARGS, as root or as USER
        (setpriv: no groups). Returns the CompletedProcess (text)."""
        cmd = [REVIEW_BIN, "-c", conf_path, "-C", self.config_dir] + list(args)
        if user is not None:
            pw = pwd.getpwnam(user)
            cmd = ["setpriv", "--reuid", str(pw.pw_uid), "--regid", str(pw.pw_gid),
                   "--clear-groups"] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=WAIT)

    def journal(self):
        """The journal's lines (ROOT/journal.jsonl), parsed."""
        path = os.path.join(self.root, "journal.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def held(self):
        """Queue ids in the hold queue."""
        r = subprocess.run(["postqueue", "-c", self.config_dir, "-j"],
                           capture_output=True, text=True)
        return [json.loads(l)["queue_id"] for l in r.stdout.splitlines()
                if l.strip() and json.loads(l).get("queue_name") == "hold"]

    def start_milter(self, conf_path, binary=None, user="root", phrase_dir=PHRASE_DIR):
        """Start the daemon on CONF_PATH. It runs as root (-u root) unless
        USER names another account: the temporary directory belongs to
        root; tests/ops covers the drop to an unprivileged user. PHRASE_DIR
        is given with -P (None: the configured or compiled-in one, as an
        installed daemon reads it)."""
        log_path = os.path.join(self.root, "milter-%d.log" % (len(self.milter_logs) + 1))
        self.milter_logs.append(log_path)
        if os.path.exists(self.milter_socket):
            os.unlink(self.milter_socket)
        log = open(log_path, "wb")
        self.milter = subprocess.Popen(
            [binary or MILTER_BIN, "-f", "-c", conf_path, "-p", "unix:" + self.milter_socket,
             "-u", user] + (["-P", phrase_dir] if phrase_dir is not None else []),
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()

        def ready():
            if self.milter.poll() is not None:
                raise Failure("council-milter exited with status %d at start:\n%s"
                              % (self.milter.returncode, self.milter_log()))
            with open(log_path, errors="replace") as f:
                # Logged once the socket has its mode and group: this
                # instance's log only (a restart must not see the last one's).
                return "started on" in f.read()
        wait_for("council-milter to listen", ready)
        return self.milter

    def kill_milter(self):
        """kill -9: no clean-up of any kind, as after a crash."""
        self.milter.send_signal(signal.SIGKILL)
        self.milter.wait()
        self.milter = None

    def reload_milter(self):
        self.milter.send_signal(signal.SIGUSR1)

    def stop_milter(self):
        """SIGTERM, and the daemon must exit 0 (under ASan this also checks
        it leaked nothing and did nothing undefined)."""
        if self.milter is None:
            return
        proc, self.milter = self.milter, None
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise Failure("council-milter did not stop on SIGTERM")
        check(status == 0, "council-milter exit status after SIGTERM", status, 0)
        check(not os.path.exists(self.milter_socket), "socket removed at exit",
              self.milter_socket, "gone")

    def milter_log(self):
        text = ""
        for p in self.milter_logs:
            with open(p, errors="replace") as f:
                text += f.read()
        return text

    # -- postfix -----------------------------------------------------------
    def postfix(self, *args, check_rc=True):
        """Run the postfix command on this instance. A command that hangs
        (it has: postfix-script blocked in postlog) fails the test with what
        it was doing, rather than running into ctest's timeout unexplained."""
        try:
            r = subprocess.run(["postfix", "-c", self.config_dir] + list(args),
                               capture_output=True, text=True, timeout=WAIT * 2)
        except subprocess.TimeoutExpired as e:
            raise Failure("postfix %s did not finish in %d s: %s%s"
                          % (" ".join(args), WAIT * 2, e.stdout or "", e.stderr or ""))
        if check_rc and r.returncode != 0:
            raise Failure("postfix %s failed (%d): %s%s" % (" ".join(args), r.returncode,
                                                             r.stdout, r.stderr))
        return r

    def start_postfix(self, smtp_port=0, main_cf_extra=""):
        """Listen on 127.0.0.1:SMTP_PORT (0: a free port). MAIN_CF_EXTRA:
        main.cf lines that replace the template's setting of the same
        parameter or add one, e.g. "smtpd_milters =" for no milter at all."""
        if self.sink is None:
            self.start_sink()
        self.smtp_port = smtp_port or free_port()
        os.makedirs(self.config_dir, exist_ok=True)
        with open(os.path.join(self.config_dir, "main.cf"), "w") as f:
            f.write(main_cf_text(MAIN_CF_TEMPLATE.format(
                root=self.root, sink_port=self.sink.port,
                milter_socket=self.milter_socket), main_cf_extra))
        with open(os.path.join(self.config_dir, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(smtp_port=self.smtp_port))
        os.makedirs(os.path.join(self.root, "spool"), exist_ok=True)  # postfix check fills it
        data_dir = os.path.join(self.root, "data")
        os.makedirs(data_dir, exist_ok=True)
        pw = pwd.getpwnam("postfix")
        os.chown(data_dir, pw.pw_uid, pw.pw_gid)
        _edit_alternates(self.config_dir, True)
        self.postfix_started = True
        self.postfix("check")
        self.postfix("start")
        wait_for("postfix to listen on port %d" % self.smtp_port,
                 lambda: port_open(self.smtp_port))

    def master_pid(self):
        try:
            with open(os.path.join(self.root, "spool", "pid", "master.pid")) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop_postfix(self):
        if not self.postfix_started:
            return
        self.postfix_started = False
        pid = self.master_pid()
        try:
            try:
                self.postfix("stop", check_rc=False)
            except Failure as e:    # still stop the master, by pid
                print("e2e: %s" % e, file=sys.stderr)
            if pid is not None:
                try:
                    wait_for("postfix master %d to exit" % pid, lambda: not process_alive(pid),
                             timeout=20)
                except Failure:
                    os.kill(pid, signal.SIGKILL)
            # Whatever of this instance is left (a wedged smtpd or postlogd,
            # a "master -t" of postfix stop's): every Postfix program works
            # in the instance's queue directory, which is ours alone.
            spool = os.path.join(self.root, "spool")
            try:
                wait_for("Postfix programs to exit", lambda: not _working_in(spool), timeout=5)
            except Failure:
                pass
            for left in _working_in(spool):
                print("e2e: killing pid %d, left running in %s" % (left, spool), file=sys.stderr)
                try:
                    os.kill(left, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        finally:
            _edit_alternates(self.config_dir, False)

    def postfix_log(self):
        try:
            with open(os.path.join(self.root, "maillog"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def queue_empty(self):
        r = subprocess.run(["postqueue", "-c", self.config_dir, "-j"],
                           capture_output=True, text=True)
        return r.returncode == 0 and r.stdout.strip() == ""

    # -- sending -----------------------------------------------------------
    def smtp(self):
        return SmtpClient(self.smtp_port)

    def send(self, mail_from, rcpts, data, auth=None):
        """One message in one SMTP session; returns the final reply
        (code, text) to DATA, or to the command that failed before it.
        AUTH: (login, password) for AUTH PLAIN first."""
        with self.smtp() as c:
            c.command("EHLO council-e2e-client", expect=250)
            if auth is not None:
                token = base64.b64encode(("\0%s\0%s" % auth).encode()).decode()
                c.command("AUTH PLAIN " + token, expect=235)
            code, text = c.command("MAIL FROM:<%s>" % mail_from)
            if code != 250:
                return code, text
            for r in rcpts:
                code, text = c.command("RCPT TO:<%s>" % r)
                if code != 250:
                    return code, text
            code, text = c.command("DATA")
            if code != 354:
                return code, text
            c.send_data(data)
            return c.read_reply()


def read_message(relpath):
    with open(os.path.join(SOURCE_DIR, relpath), "rb") as f:
        return f.read()


class SmtpClient:
    """A plain SMTP client that lets a test stop anywhere (mid-DATA)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.file = self.sock.makefile("rb")
        code, text = self.read_reply()
        check(code == 220, "SMTP greeting", code, 220)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.sock.sendall(b"QUIT\r\n")
        except OSError:
            pass
        self.file.close()
        self.sock.close()
        return False

    def read_reply(self):
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                raise Failure("SMTP server closed the connection; replies so far: %r" % lines)
            line = line.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(line[4:])
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), "\n".join(lines)

    def command(self, cmd, expect=None):
        self.sock.sendall(cmd.encode() + b"\r\n")
        code, text = self.read_reply()
        if expect is not None:
            check(code == expect, "reply to %s (%s)" % (cmd.split()[0], text), code, expect)
        return code, text

    @staticmethod
    def wire(data):
        """DATA content: CRLF line ends, leading dots doubled."""
        lines = data.replace(b"\r\n", b"\n").split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines)

    def send_raw(self, raw):
        self.sock.sendall(raw)

    def send_data(self, data):
        self.sock.sendall(self.wire(data) + b".\r\n")


def header_values(data, name):
    """Unfolded values of every header NAME in DATA (bytes), in order."""
    head = data.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("utf-8", "replace")
    out, cur = [], None
    for line in head.split("\n"):
        if line[:1] in (" ", "\t") and cur is not None:
            out[-1] += " " + line.strip()
            continue
        cur = None
        if ":" in line:
            n, v = line.split(":", 1)
            if n.strip().lower() == name.lower():
                out.append(v.strip())
                cur = n
    return out


def header_names(data):
    head = data.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("utf-8", "replace")
    return [l.split(":", 1)[0] for l in head.split("\n") if l and l[0] not in " \t" and ":" in l]


def body_of(data):
    parts = data.replace(b"\r\n", b"\n").split(b"\n\n", 1)
    return parts[1] if len(parts) > 1 else b""


def run(test):
    """Run TEST() and exit the way ctest understands: 0 passed, 1 failed."""
    name = os.path.basename(sys.argv[0])
    try:
        test()
    except Failure as e:
        print("FAIL %s: %s" % (name, e))
        sys.exit(1)
    print("PASS %s" % name)
