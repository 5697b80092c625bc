#!/usr/bin/python3
"""The Debian packages, from source to purge, on this machine (issue 19):

 1. dpkg-buildpackage -us -uc -b builds council-milter and council-review
    from a copy of the source tree (in DIR, never beside the clone);
 2. lintian finds nothing, overrides aside (each says why);
 3. apt-get installs them: the user, its folders and the enabled units are
    there, the filter is not started on a first install and says in one line
    what to do, the configuration is a conffile, and "council-milter -n" says
    OK (as root, and as the user, the way the unit checks it);
 4. a message goes through the installed daemon, running as the package's
    user with the package's phrase lists, behind a private Postfix, and its
    decision lands in the package's journal;
 5. an upgrade keeps the administrator's configuration (dpkg's conffile
    handling: the new one is left beside it as .dpkg-dist);
 6. remove keeps the configuration and the state; purge leaves nothing of
    theirs but what Debian's policy allows (the system user and its group).

    test_debian_package.py DIR

Needs root, Postfix, dpkg-buildpackage (dpkg-dev, debhelper) and lintian.
Skipped (exit 77) with the reason where the tools are missing or the
machine already has council-milter installed (this test would replace and
then purge it); in CI (COUNCIL_CI set, as .ci/run sets it) those are
failures instead. Python standard library only.
"""

import fcntl
import json
import os
import pwd
import grp
import re
import shutil
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
sys.path.insert(0, HERE)
from opslib import SOURCE, check, finish  # noqa: E402

PACKAGES = ("council-milter", "council-review")
USER = "council-milter"
CONF = "/etc/council-milter/council-milter.conf"
STATE = "/var/lib/council-milter"
SOCKET_DIR = "/var/spool/postfix/council-milter"
FIRST_INSTALL_LINE = ("council-milter: not started yet: put your council in "
                      "/etc/council-milter/council-milter.conf (man council-milter.conf), "
                      "check it with \"council-milter -n\", then \"systemctl start "
                      "council-milter\".")
# What the packages put on the system, and what their scripts make.
THEIRS = ("/usr/sbin/council-milter", "/usr/sbin/council-review", "/etc/council-milter",
          "/usr/libexec/council-milter",
          "/usr/sbin/council-directory", "/usr/share/man/man8/council-directory.8.gz",
          STATE, SOCKET_DIR, "/run/council-milter", "/usr/share/council-milter",
          "/usr/share/doc/council-milter", "/usr/share/doc/council-review",
          "/lib/systemd/system/council-milter.service",
          "/lib/systemd/system/council-review-digest.service",
          "/lib/systemd/system/council-review-digest.timer",
          "/usr/lib/sysusers.d/council-milter.conf", "/usr/lib/tmpfiles.d/council-milter.conf",
          "/usr/share/man/man8/council-milter.8.gz", "/usr/share/man/man8/council-review.8.gz",
          "/usr/share/man/man5/council-milter.conf.5.gz",
          "/etc/systemd/system/multi-user.target.wants/council-milter.service",
          "/etc/systemd/system/timers.target.wants/council-review-digest.timer")
# Where a name with "council-milter" or "council-review" in it would be ours.
SCAN = ("/etc", "/usr/sbin", "/usr/bin", "/usr/lib", "/usr/libexec", "/usr/share", "/lib/systemd",
        "/var/lib", "/var/spool", "/var/cache/apt/archives", "/var/log", "/run")

timings = []


def in_ci():
    return os.environ.get("COUNCIL_CI", "") not in ("", "0")


def cannot_run(reason):
    """Skip (77) with REASON, or fail in CI, where every test must run."""
    if in_ci():
        print("FAIL: %s (COUNCIL_CI is set: CI must run this test)" % reason)
        sys.exit(1)
    print("SKIP: %s" % reason)
    sys.exit(77)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kw)


def must(cmd, what, **kw):
    r = run(cmd, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s: %s exited %d\n%s%s" % (what, " ".join(cmd), r.returncode,
                                                        r.stdout[-6000:], r.stderr[-6000:]))
    return r


def timed(name, fn, *args):
    start = time.monotonic()
    try:
        return fn(*args)
    finally:
        timings.append("%s=%.1fs" % (name, time.monotonic() - start))


def dpkg_status(package):
    r = run(["dpkg-query", "-W", "-f=${Status}", package])
    return r.stdout.strip() if r.returncode == 0 else "not-installed"


def apt(*args):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Other work on the machine may hold dpkg's lock for a while.
    return must(["apt-get", "-o", "DPkg::Lock::Timeout=600", "-y"] + list(args),
                "apt-get " + args[0], env=env)


# ---- 1. build ----------------------------------------------------------------

def copy_source(dest):
    """The source tree as git knows it (tracked and new files, nothing
    ignored, so no build folder), or every file but build folders."""
    if os.path.exists(os.path.join(SOURCE, ".git")):
        out = must(["git", "-C", SOURCE, "ls-files", "-z", "--cached", "--others",
                    "--exclude-standard"], "list the source files").stdout
        files = [f for f in out.split("\0") if f]
    else:
        files = []
        for d, dirs, names in os.walk(SOURCE):
            dirs[:] = [x for x in dirs if not (d == SOURCE and x.startswith("build"))]
            files += [os.path.relpath(os.path.join(d, n), SOURCE) for n in names]
    for rel in files:
        src = os.path.join(SOURCE, rel)
        if not os.path.lexists(src):   # deleted, not yet committed
            continue
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel), follow_symlinks=False)


def build(top):
    src = os.path.join(top, "council-milter")
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(src)
    copy_source(src)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": top, "LANG": "C.UTF-8",
           "DEB_BUILD_OPTIONS": "nocheck parallel=%s" % os.environ.get("COUNCIL_JOBS", "2")}
    r = run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, env=env)
    with open(os.path.join(top, "build.log"), "w") as f:
        f.write(r.stdout + r.stderr)
    if r.returncode != 0:
        raise RuntimeError("dpkg-buildpackage exited %d (log: %s)\n%s"
                           % (r.returncode, os.path.join(top, "build.log"), r.stderr[-4000:]))
    version = must(["dpkg-parsechangelog", "-S", "Version"], "version", cwd=src).stdout.strip()
    arch = must(["dpkg-architecture", "-qDEB_HOST_ARCH"], "architecture").stdout.strip()
    debs = {p: os.path.join(top, "%s_%s_%s.deb" % (p, version, arch)) for p in PACKAGES}
    for p, deb in debs.items():
        check(os.path.isfile(deb), "dpkg-buildpackage built %s" % p, deb, "a .deb")
    changes = os.path.join(top, "council-milter_%s_%s.changes" % (version, arch))
    print("built %s in %s" % (", ".join(os.path.basename(d) for d in debs.values()), top))
    return version, debs, changes


# ---- 2. lintian ----------------------------------------------------------------

def lintian(changes):
    # Every level shown, overrides too (which makes lintian exit 2 for them:
    # so its verdict is the tags it printed, and exit 1 is its own failure).
    r = run(["lintian", "--info", "--display-info", "--pedantic", "--display-experimental",
             "--show-overrides", changes])
    tags = [l for l in r.stdout.splitlines() if re.match(r"^[EWIPX]: ", l)]
    overridden = [l for l in r.stdout.splitlines() if l.startswith("O: ")]
    kinds = sorted({l.split()[2] for l in overridden if len(l.split()) > 2})
    print("lintian: %d tag(s); %d overridden (%s)" % (len(tags), len(overridden),
                                                     ", ".join(kinds) or "none"))
    check(r.returncode in (0, 2) and not tags, "lintian on the packages",
          (r.returncode, tags[:20], r.stderr[-2000:]), "no tag but overridden ones")


# ---- 3. install ------------------------------------------------------------------

def control_file(package, name):
    return run(["dpkg-query", "--control-show", package, name]).stdout


def exe(pid):
    try:
        return os.readlink("/proc/%s/exe" % pid)
    except OSError:     # gone, or a kernel thread, or hidden from us
        return None


def install(debs):
    # Recommends (the MTA, sudo) are the administrator's choice, and would
    # stay behind after the purge; Postfix is here already.
    r = apt("install", "--no-install-recommends", *debs.values())
    out = r.stdout + r.stderr
    for p in PACKAGES:
        check(dpkg_status(p) == "install ok installed", "%s installed" % p, dpkg_status(p),
              "install ok installed")
    check(out.count(FIRST_INSTALL_LINE) == 1,
          "a first install says in one line what to do before the filter judges mail",
          out[-1500:], FIRST_INSTALL_LINE)

    # Not started: the postinst only ever try-restarts it (on an upgrade,
    # when it was running); it does start council-review's timer.
    postinst = control_file("council-milter", "postinst")
    check("try-restart 'council-milter.service'" in postinst and
          not re.search(r"deb-systemd-invoke (start|\$_dh_action)", postinst),
          "council-milter's postinst starts nothing", postinst[-1500:],
          "try-restart only")
    check("stop council-milter.service" in control_file("council-milter", "prerm"),
          "council-milter's prerm stops the filter on removal")
    running = [pid for pid in filter(str.isdigit, os.listdir("/proc")) if exe(pid) ==
               "/usr/sbin/council-milter"]
    check(not running, "no council-milter running after the install", running, [])

    for link, unit in (("multi-user.target.wants", "council-milter.service"),
                       ("timers.target.wants", "council-review-digest.timer")):
        path = "/etc/systemd/system/%s/%s" % (link, unit)
        check(os.path.islink(path) and os.readlink(path) == "/lib/systemd/system/" + unit,
              "%s enabled" % unit, os.path.islink(path) and os.readlink(path),
              "/lib/systemd/system/" + unit)

    conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", "council-milter"]).stdout
    check(CONF in conffiles, "the configuration is a conffile", conffiles, CONF)

    try:
        user = pwd.getpwnam(USER)
    except KeyError:
        user = None
    if check(user is not None, "the package created the user " + USER):
        check(user.pw_shell == "/usr/sbin/nologin" and 0 < user.pw_uid < 1000,
              "the user is a system user with no shell", (user.pw_uid, user.pw_shell),
              ("a uid under 1000", "/usr/sbin/nologin"))
        check(USER in grp.getgrnam("postdrop").gr_mem, "the user is in the postdrop group")
        postfix_gid = grp.getgrnam("postfix").gr_gid
        for path, gid in ((STATE, user.pw_gid), (SOCKET_DIR, postfix_gid)):
            st = os.stat(path) if os.path.isdir(path) else None
            got = st and (oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid)
            check(got == ("0o750", user.pw_uid, gid), "the folder " + path, got,
                  ("0o750", user.pw_uid, gid))

    r = run(["council-milter", "-n"])
    check((r.returncode, r.stdout) == (0, "OK\n"), "council-milter -n as root",
          (r.returncode, r.stdout, r.stderr), (0, "OK\n"))
    if user is not None:
        r = run(["setpriv", "--reuid", str(user.pw_uid), "--regid", str(user.pw_gid),
                 "--init-groups", "council-milter", "-n", "-c", CONF])
        check((r.returncode, r.stdout) == (0, "OK\n"),
              "council-milter -n as %s (the unit's ExecStartPre)" % USER,
              (r.returncode, r.stdout, r.stderr), (0, "OK\n"))
    for page in ("council-milter", "council-milter.conf", "council-review"):
        r = run(["man", "-w", page])
        check(r.returncode == 0 and r.stdout.startswith("/usr/share/man/"),
              "man %s finds the installed page" % page, (r.returncode, r.stdout.strip()),
              "/usr/share/man/...")


# ---- 4. one message through the installed daemon ---------------------------------

def one_message():
    from council_e2e import Env, body_of, header_values, read_message

    user = pwd.getpwnam(USER)
    with Env("package") as env:
        sock_dir = os.path.join(env.root, "socket")
        os.mkdir(sock_dir, 0o750)
        os.chown(sock_dir, user.pw_uid, grp.getgrnam("postfix").gr_gid)
        env.milter_socket = os.path.join(sock_dir, "council-milter.sock")
        # The e2e configuration with the package's defaults for the journal,
        # the notice key and the thread store (under /var/lib/council-milter)
        # and for the phrase lists (no phrase_dir, no -P). Its sendmail
        # sends nothing: this message gets a notice in its body, not a letter.
        sendmail = os.path.join(env.root, "sendmail-none")
        with open(sendmail, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(sendmail, 0o755)
        with open(os.path.join(SOURCE, "tests", "e2e", "ashcombe.conf.in")) as f:
            lines = [l for l in f.read().splitlines()
                     if not re.match(r"(journal|notice_key|thread_store|sendmail) =", l)]
        conf = os.path.join(env.root, "package.conf")
        with open(conf, "w") as f:
            f.write('sendmail = "%s";\n' % sendmail + "\n".join(lines)
                    .replace("@AUTHSERV@", "package.council.invalid")
                    .replace("@COUNCIL@", "Ashcombe Parish Council") + "\n")
        os.chmod(conf, 0o644)
        env.start_milter(conf, binary="/usr/sbin/council-milter", user=USER, phrase_dir=None)
        env.start_postfix()

        # A councillor's request straight to staff: found by the phrase
        # lists and WordNet's verbs, so the installed data is read.
        sent = read_message("tests/messages/demo/03-councillor-instructs-staff.eml")
        code, text = env.send("cllr.hale@ashcombe-pc.gov.uk", ["grounds@ashcombe-pc.gov.uk"],
                              sent)
        check(code == 250, "reply to DATA through the installed daemon (%s)" % text, code, 250)
        got = env.wait_delivered(1)[0]
        results = header_values(got["data"], "Council-Policy-Results")
        check(len(results) == 1 and "member-instructs-staff=annotate" in results[0],
              "the result header at the sink", results, ["...member-instructs-staff=annotate..."])
        check(b"Note for Sam Patel" in body_of(got["data"]), "the notice in the body at the sink",
              body_of(got["data"])[-600:], b"Note for Sam Patel ...")

        # The Clerk's exempt report to a solicitor, marked only inside the
        # PDF: read by the installed worker (council-extract, the default
        # document_reader), under its sandbox, for the package's user.
        paper = read_message("tests/messages/attachments/libreoffice-heading-pdf.eml")
        paper = paper.replace(b"ashcombe-tc.gov.uk", b"ashcombe-pc.gov.uk")
        code, text = env.send("clerk@ashcombe-pc.gov.uk", ["cases@lawfirm.example"], paper)
        check(code == 250, "reply to DATA for the marked PDF (%s)" % text, code, 250)
        env.stop_postfix()
        env.stop_milter()

    journal = os.path.join(STATE, "journal.jsonl")
    if check(os.path.isfile(journal), "the decision in the package's journal", journal, "a file"):
        check(os.stat(journal).st_uid == user.pw_uid, "the journal belongs to " + USER)
        with open(journal) as f:
            lines = [json.loads(l) for l in f.read().splitlines()]
        first = [l for l in lines if l.get("subject") == "Mill Lane hedge"]
        check(first and first[-1].get("action") == "annotate" and first[-1].get("queue_id"),
              "the journal's line for the councillor's request", first[-1:],
              "an annotate decision with a queue id")
        pdf = [l for l in lines if l.get("subject") == "Item 9 papers"]
        evidence = [f.get("evidence", "") for l in pdf[-1:] for f in l.get("findings", [])]
        check(pdf and pdf[-1].get("action") == "hold" and
              any('on page 1 of attachment "Item 9 report.pdf"' in e for e in evidence),
              "the journal's line for the marked PDF (read by the installed worker)", pdf[-1:],
              'a hold, evidence ... on page 1 of attachment "Item 9 report.pdf"')


# ---- 5. upgrade -------------------------------------------------------------------

def repack(deb, top, version, new_version, change_conf):
    """DEB again as NEW_VERSION (council-review's dependency following it),
    its shipped configuration changed when CHANGE_CONF: what an upgrade
    brings, without a second build."""
    tree = os.path.join(top, "repack", os.path.basename(deb)[:-len(".deb")])
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.dirname(tree), exist_ok=True)
    must(["dpkg-deb", "-R", deb, tree], "unpack " + deb)
    control = os.path.join(tree, "DEBIAN", "control")
    with open(control) as f:
        text = f.read().replace("Version: " + version, "Version: " + new_version)
    text = text.replace("council-milter (= %s)" % version, "council-milter (= %s)" % new_version)
    with open(control, "w") as f:
        f.write(text)
    if change_conf:
        with open(os.path.join(tree, CONF.lstrip("/")), "a") as f:
            f.write("# shipped with the upgrade\n")
        md5 = must(["md5sum", CONF.lstrip("/")], "md5sum", cwd=tree).stdout
        with open(os.path.join(tree, "DEBIAN", "md5sums")) as f:
            sums = [l for l in f.read().splitlines() if not l.endswith(CONF.lstrip("/"))]
        with open(os.path.join(tree, "DEBIAN", "md5sums"), "w") as f:
            f.write("\n".join(sums + [md5.strip()]) + "\n")
    out = os.path.join(top, "repack", os.path.basename(deb).replace(version, new_version))
    must(["dpkg-deb", "--root-owner-group", "-b", tree, out], "repack " + deb)
    return out


def upgrade(debs, top, version):
    new_version = version + "+upgrade1"
    new = {p: repack(d, top, version, new_version, p == "council-milter")
           for p, d in debs.items()}
    with open(CONF, "a") as f:
        f.write("# the administrator's change\n")
    # Unattended, as an upgrade by apt in a script runs: keep the
    # administrator's file (what answering the prompt's default also does).
    r = apt("install", "--no-install-recommends", "-o", "Dpkg::Options::=--force-confold",
            *new.values())
    out = r.stdout + r.stderr
    check(run(["dpkg-query", "-W", "-f=${Version}", "council-milter"]).stdout == new_version,
          "upgraded to " + new_version)
    with open(CONF) as f:
        text = f.read()
    check(text.endswith("# the administrator's change\n") and "with the upgrade" not in text,
          "the upgrade kept the administrator's configuration", text[-200:],
          "... # the administrator's change")
    dist = CONF + ".dpkg-dist"
    check(os.path.isfile(dist) and open(dist).read().endswith("# shipped with the upgrade\n"),
          "the upgrade's configuration left beside it as " + dist)
    check("council-milter.conf" in out and FIRST_INSTALL_LINE not in out,
          "dpkg spoke of the changed conffile, and the first-install line was not repeated",
          out[-1500:])
    r = run(["council-milter", "-n"])
    check((r.returncode, r.stdout) == (0, "OK\n"), "council-milter -n after the upgrade",
          (r.returncode, r.stdout, r.stderr), (0, "OK\n"))


# ---- 6. remove, purge ---------------------------------------------------------------

def leftovers():
    found = []
    for root in SCAN:
        for d, dirs, names in os.walk(root):
            for n in dirs + names:
                if "council-milter" in n or "council-review" in n:
                    found.append(os.path.join(d, n))
    return sorted(set(found))


def remove():
    apt("remove", *PACKAGES)
    for p in PACKAGES:
        check(dpkg_status(p) in ("deinstall ok config-files", "not-installed",
                                 "unknown ok not-installed"),
              "%s removed" % p, dpkg_status(p), "deinstall ok config-files")
    check(not os.path.exists("/usr/sbin/council-milter"), "remove takes the program away")
    check(os.path.isfile(CONF), "remove keeps the configuration", CONF, "kept")
    check(os.path.isfile(os.path.join(STATE, "journal.jsonl")),
          "remove keeps the state (the journal)", STATE, "kept")


def purge():
    apt("purge", *PACKAGES)
    for p in PACKAGES:
        check(dpkg_status(p) in ("not-installed", "unknown ok not-installed"),
              "%s purged" % p, dpkg_status(p), "not installed")
    for path in THEIRS:
        check(not os.path.lexists(path), "purge leaves nothing at " + path, path, "gone")
    left = leftovers()
    check(not left, "purge leaves no file or folder named council-milter or council-review "
          "under %s" % ", ".join(SCAN), left, [])
    # What Debian's policy allows to stay (and asks to: files elsewhere may
    # still belong to it): the system user and its group.
    try:
        u = pwd.getpwnam(USER)
        print("purge left the system user %s (uid %d) and its group, as Debian's policy "
              "asks; nothing else" % (USER, u.pw_uid))
    except KeyError:
        print("purge left nothing (the user %s is gone too)" % USER)


# ---- main ------------------------------------------------------------------------------

def preconditions():
    for tool, package in (("dpkg-buildpackage", "dpkg-dev"), ("dh", "debhelper"),
                          ("lintian", "lintian"), ("postfix", "postfix")):
        if shutil.which(tool) is None:
            cannot_run("%s is missing (package %s; scripts/install-deps.sh installs it)"
                       % (tool, package))
    for p in PACKAGES:
        if dpkg_status(p) not in ("not-installed", "unknown ok not-installed"):
            cannot_run("%s is installed on this machine (%s); this test would replace and "
                       "purge it: apt purge %s first" % (p, dpkg_status(p), " ".join(PACKAGES)))
    present = [p for p in THEIRS if os.path.lexists(p)]
    if present:
        cannot_run("this machine has files where the packages would put theirs (%s), a "
                   "\"cmake --install\" perhaps; this test would overwrite and then purge "
                   "them" % ", ".join(present[:4]))


# One run at a time on a machine (another build folder, another clone): the
# packages are the machine's. Taken before the checks, so that a second run
# waits for the first to purge rather than finding its install.
LOCK = "/run/lock/council-debian-package-test.lock"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_debian_package.py DIR")
    top = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        cannot_run("needs root (it installs and purges the packages)")
    lock = open(LOCK if os.path.isdir(os.path.dirname(LOCK)) else "/tmp/" +
                os.path.basename(LOCK), "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    preconditions()
    start = time.monotonic()
    installed = False
    try:
        version, debs, changes = timed("build", build, top)
        timed("lintian", lintian, changes)
        installed = True
        timed("install", install, debs)
        timed("message", one_message)
        timed("upgrade", upgrade, debs, top, version)
        timed("remove", remove)
    except Exception as e:     # noqa: BLE001 -- reported, then the purge still runs
        check(False, "%s: %s" % (type(e).__name__, e))
    finally:
        if installed:
            try:
                timed("purge", purge)
            except Exception as e:  # noqa: BLE001
                check(False, "purge: %s" % e)
    timings.append("total=%.1fs" % (time.monotonic() - start))
    print("timings: " + " ".join(timings))
    finish("ops_debian_package")


if __name__ == "__main__":
    main()
