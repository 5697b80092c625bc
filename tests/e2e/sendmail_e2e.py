"""A real Sendmail for the end-to-end tests, beside the machine's Postfix and
never in its place: Debian's sendmail-bin and sendmail-cf (and the two
libraries they need that Postfix's machine lacks: libwrap0, and sasl2-bin's
saslpasswd2) are fetched once with `apt-get download` into a cache folder,
unpacked with `dpkg -x` into the test's temporary folder, and run from there
with a .cf generated from Sendmail's own m4 files: loopback only, every
message through the milter (INPUT_MAIL_FILTER) and relayed to the sink.

Sendmail runs (daemon, queue runs, notices, council-review's calls) in
namespaces of its own (unshare): a host name that is fully qualified
(Sendmail sleeps a minute at each start for want of one) and a hosts file
that has it; and, since Cyrus SASL looks for Sendmail.conf only in system
folders (Sendmail clears the environment, so SASL_CONF_PATH does not reach
it), the test's own folder mounted over /usr/lib/sasl2, for SMTP AUTH.
Nothing of the machine's changes, and nothing is installed.

    with SendmailEnv(debs_dir) as env:
        conf = env.write_conf("tests/e2e/review.conf.in", ...)
        env.start_milter(conf)
        env.start_sendmail()
        env.send(...)              # as Env.send, to Sendmail
        env.review(conf, "list")   # council-review -C <this .cf>

Everything it starts it stops by pid, whether the test passed or not.
cannot_run(reason) is what a test calls when this machine cannot run
Sendmail: a skip (77), or in CI (COUNCIL_CI) a failure. Python standard
library only.
"""

import glob
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import council_e2e  # noqa: E402
from council_e2e import Env, Failure, free_port, port_open, wait_for  # noqa: E402

DEBS = ("sendmail-bin", "sendmail-cf", "libwrap0", "sasl2-bin")
SASL_USER = "cllr.hale"
SASL_PASSWORD = "parish-pump-2026"
DOMAIN = "council-sendmail.invalid"
HOSTNAME = "mail." + DOMAIN
# Where Cyrus SASL looks for Sendmail.conf, in its order (Debian 12); ours
# goes over the last, which libsasl2-2 always has.
SASL_CONF_DIRS = ("/etc/sasl2", "/etc/sasl", "/usr/lib/%s/sasl2", "/usr/lib/sasl2")

MC = """\
divert(-1)
# council-milter's end-to-end tests: a Sendmail on loopback that passes every
# message through council-milter and relays it to the sink.
include(`{sm}/usr/share/sendmail/cf/m4/cf.m4')
divert(0)dnl
VERSIONID(`council-milter e2e')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `{domain}')dnl
define(`QUEUE_DIR', `{root}/mqueue')dnl
define(`confPID_FILE', `{root}/sendmail.pid')dnl
define(`STATUS_FILE', `{root}/statistics')dnl
define(`HELP_FILE', `{sm}/etc/mail/helpfile')dnl
define(`ALIAS_FILE', `{root}/aliases')dnl
define(`confSERVICE_SWITCH_FILE', `{root}/service.switch')dnl
define(`confHOSTS_FILE', `{root}/hosts')dnl
define(`confCF_VERSION', `e2e')dnl
dnl The test's folder is under /tmp, which is world-writable but sticky.
define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confAUTH_MECHANISMS', `PLAIN LOGIN')dnl
TRUST_AUTH_MECH(`PLAIN LOGIN')dnl
define(`confAUTH_OPTIONS', `A')dnl
define(`SMART_HOST', `esmtp:[127.0.0.1]')dnl
define(`ESMTP_MAILER_ARGS', `TCP $h {sink_port}')dnl
FEATURE(`nocanonify')dnl
FEATURE(`accept_unresolvable_domains')dnl
dnl Loopback only: every client may relay, as the tests send to anywhere.
FEATURE(`promiscuous_relay')dnl
DAEMON_OPTIONS(`Family=inet, Name=MTA, Port={smtp_port}, Addr=127.0.0.1')dnl
INPUT_MAIL_FILTER(`council-milter', `S=unix:{milter_socket}, F=T, T=S:30s;R:2m;E:5m')dnl
MAILER(`smtp')dnl
"""


def in_ci():
    return os.environ.get("COUNCIL_CI", "") not in ("", "0")


def cannot_run(reason):
    """This machine cannot run the Sendmail test: skip (77), or fail in CI,
    where every test must run."""
    if in_ci():
        print("FAIL: %s (COUNCIL_CI is set: CI must run this test)" % reason)
        sys.exit(1)
    print("SKIP: %s" % reason)
    sys.exit(77)


def multiarch():
    r = subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"], capture_output=True,
                       text=True)
    if r.returncode == 0 and r.stdout.strip():
        return r.stdout.strip()
    return "x86_64-linux-gnu"


def fetch_debs(cache):
    """The .debs of DEBS in CACHE, downloaded by apt-get the first time."""
    os.makedirs(cache, exist_ok=True)
    missing = [p for p in DEBS if not glob.glob(os.path.join(cache, p + "_*.deb"))]
    if missing:
        download = ["apt-get", "download"] + missing
        r = subprocess.run(download, cwd=cache, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            # apt's lists may be missing or stale (a fresh image): once more
            # after an update.
            subprocess.run(["apt-get", "update", "-q"], capture_output=True,
                           stdin=subprocess.DEVNULL)
            r = subprocess.run(download, cwd=cache, capture_output=True, text=True,
                               stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            cannot_run("cannot download %s with apt-get (%s)" % (" ".join(missing),
                                                                 r.stderr.strip()[-300:]))
    return [sorted(glob.glob(os.path.join(cache, p + "_*.deb")))[-1] for p in DEBS]


def preconditions():
    if os.geteuid() != 0:
        cannot_run("needs root (Sendmail's daemon, a mount namespace)")
    for tool in ("m4", "unshare", "mount", "hostname", "dpkg", "apt-get"):
        if shutil.which(tool) is None:
            cannot_run("%s is missing (scripts/install-deps.sh installs what is needed)" % tool)
    arch = multiarch()
    for plugin in ("libplain.so", "libsasldb.so"):
        if not os.path.exists("/usr/lib/%s/sasl2/%s" % (arch, plugin)):
            cannot_run("Cyrus SASL's %s plugin is missing (package libsasl2-modules, "
                       "libsasl2-modules-db)" % plugin)
    for d in SASL_CONF_DIRS[:-1]:
        d = d.replace("%s", arch)
        if os.path.exists(os.path.join(d, "Sendmail.conf")):
            cannot_run("%s/Sendmail.conf exists (a Sendmail on this machine?): the test's own "
                       "would not be read" % d)
    if not os.path.isdir(SASL_CONF_DIRS[-1]):
        cannot_run("%s is missing (package libsasl2-2)" % SASL_CONF_DIRS[-1])


class SendmailEnv(Env):
    """Env (sink, milter, council-review) with Sendmail in Postfix's place."""

    def __init__(self, debs_cache, name="sendmail"):
        preconditions()
        debs = fetch_debs(debs_cache)
        super().__init__(name)
        self.sm = os.path.join(self.root, "sm")
        for deb in debs:
            subprocess.run(["dpkg", "-x", deb, self.sm], check=True)
        self.binary = os.path.join(self.sm, "usr/libexec/sendmail/sendmail")
        # Not set-group-id in our copy: the loader would ignore
        # LD_LIBRARY_PATH, which finds the unpacked libwrap.
        os.chmod(self.binary, 0o755)
        arch = multiarch()
        self.libs = "%s/usr/lib/%s:%s/lib/%s" % (self.sm, arch, self.sm, arch)
        self.cf = os.path.join(self.root, "sendmail.cf")
        self.config_dir = self.cf   # what Env.review passes as -C
        self.sendmail_pid = None

    def __exit__(self, etype, value, tb):
        try:
            self.stop_sendmail()
        except Exception as e:  # noqa: BLE001 -- the rest must still stop
            sys.stderr.write("e2e: stopping Sendmail: %s\n" % e)
        return super().__exit__(etype, value, tb)

    def write_sendmail(self):
        """ROOT/sendmail, the configs' sendmail and everything's way to this
        Sendmail: with this .cf unless the caller names one (council-review
        -C), in a namespace of its own (a qualified host name, which
        Sendmail otherwise sleeps a minute for; our hosts file, which has
        it; our SASL folder), with LD_LIBRARY_PATH for the unpacked
        libraries. A script, since the daemon and council-review run it
        with an empty environment."""
        path = os.path.join(self.root, "sendmail")
        inner = ('hostname "$0" && mount --bind "$1" /etc/hosts && '
                 'mount --bind "$2" %s && shift 2 && '
                 'LD_LIBRARY_PATH="%s" exec "%s" "$@"' % (SASL_CONF_DIRS[-1], self.libs,
                                                          self.binary))
        with open(path + ".tmp", "w") as f:
            f.write("#!/bin/sh\n"
                    "# This test's Sendmail (tests/e2e/sendmail_e2e.py).\n"
                    'case " $* " in\n*" -C "*) ;;\n*) set -- -C "%s" "$@" ;;\nesac\n'
                    "exec unshare --uts --mount --propagation private /bin/sh -c '%s' "
                    '"%s" "%s" "%s" "$@"\n'
                    % (self.cf, inner, HOSTNAME, os.path.join(self.root, "hosts"),
                       os.path.join(self.root, "sasl")))
        os.chmod(path + ".tmp", 0o755)
        os.rename(path + ".tmp", path)
        return path

    def sendmail(self, *args):
        """This Sendmail's program with ARGS (and this .cf)."""
        return subprocess.run([self.write_sendmail()] + list(args), capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=council_e2e.WAIT)

    def quarantined(self):
        """Queue ids in Sendmail's quarantine (the hf files)."""
        return sorted(os.path.basename(p)[2:] for p in
                      glob.glob(os.path.join(self.root, "mqueue", "hf*")))

    def queue_file(self, kind, qid):
        return os.path.join(self.root, "mqueue", kind + qid)

    def start_sendmail(self):
        if self.sink is None:
            self.start_sink()
        self.smtp_port = free_port()
        with open(os.path.join(self.root, "sendmail.mc"), "w") as f:
            f.write(MC.format(sm=self.sm, root=self.root, domain=DOMAIN,
                              sink_port=self.sink.port, smtp_port=self.smtp_port,
                              milter_socket=self.milter_socket))
        with open(self.cf, "w") as f:
            r = subprocess.run(["m4", os.path.join(self.root, "sendmail.mc")], stdout=f,
                               stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise Failure("m4 could not make sendmail.cf: %s" % r.stderr)
        os.makedirs(os.path.join(self.root, "mqueue"), mode=0o700)
        with open(os.path.join(self.root, "service.switch"), "w") as f:
            f.write("hosts files\naliases files\n")
        with open(os.path.join(self.root, "hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n127.0.0.1 %s %s\n" % (HOSTNAME, DOMAIN))
        open(os.path.join(self.root, "aliases"), "w").close()

        # SMTP AUTH: a Sendmail.conf and a sasldb with one user.
        sasl = os.path.join(self.root, "sasl")
        os.makedirs(sasl)
        sasldb = os.path.join(self.root, "sasldb2")
        with open(os.path.join(sasl, "Sendmail.conf"), "w") as f:
            f.write("pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: %s\n"
                    "mech_list: PLAIN LOGIN\n" % sasldb)
        r = subprocess.run([os.path.join(self.sm, "usr/sbin/saslpasswd2"), "-p", "-c",
                            "-f", sasldb, "-u", DOMAIN, SASL_USER], input=SASL_PASSWORD,
                           capture_output=True, text=True, env={"LD_LIBRARY_PATH": self.libs})
        if r.returncode != 0:
            raise Failure("saslpasswd2 failed: %s" % r.stderr)

        # The daemon detaches; its namespace lives as long as it does. Its
        # output to a file: it keeps the descriptors it started with, and a
        # pipe would never close.
        log = os.path.join(self.root, "sendmail-start.log")
        with open(log, "w") as out:
            r = subprocess.run([self.write_sendmail(), "-bd", "-q1h"], stdout=out, stderr=out,
                               stdin=subprocess.DEVNULL, timeout=council_e2e.WAIT)
        if r.returncode != 0:
            with open(log) as f:
                raise Failure("Sendmail did not start (%d): %s" % (r.returncode, f.read()))
        pid_file = os.path.join(self.root, "sendmail.pid")
        wait_for("Sendmail's pid file", lambda: os.path.exists(pid_file))
        with open(pid_file) as f:
            self.sendmail_pid = int(f.readline())
        wait_for("Sendmail to listen on port %d" % self.smtp_port,
                 lambda: port_open(self.smtp_port))

    def stop_sendmail(self):
        """SIGTERM to the daemon; then whatever of it is left (a queue run,
        a delivery: they work in the queue folder, which is ours alone)."""
        if self.sendmail_pid is None:
            return
        pid, self.sendmail_pid = self.sendmail_pid, None
        try:
            os.kill(pid, signal.SIGTERM)
            wait_for("Sendmail %d to exit" % pid, lambda: not council_e2e.process_alive(pid),
                     timeout=20)
        except ProcessLookupError:
            pass
        except Failure:
            os.kill(pid, signal.SIGKILL)
        queue = os.path.join(self.root, "mqueue")
        deadline = time.monotonic() + 5
        while council_e2e._working_in(queue) and time.monotonic() < deadline:
            time.sleep(0.1)
        for left in council_e2e._working_in(queue):
            print("e2e: killing pid %d, left running in %s" % (left, queue), file=sys.stderr)
            try:
                os.kill(left, signal.SIGKILL)
            except ProcessLookupError:
                pass
