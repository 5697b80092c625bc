#!/usr/bin/python3
"""The installed layout and the systemd files, as `cmake --install` puts them
into a staging root (DESTDIR) for a Debian build (prefix /usr).

    test_install.py stage  DIR   configure and build DIR/build with prefix /usr,
                                 install into DIR/root (the ctest fixture)
    test_install.py layout DIR   every file in its FHS place, nothing elsewhere;
                                 the binary's compiled-in paths; the units'
                                 Exec lines name installed files; an
                                 administrator's configuration is never replaced
    test_install.py systemd DIR  systemd-analyze verify on each unit, in a copy of
                                 the staging root (--root) with the man pages
                                 installed there; systemd-sysusers and
                                 systemd-tmpfiles create the user and the folders

Environment: COUNCIL_SOURCE_DIR (set by ctest). Python standard library only.
"""

import glob
import os
import re
import shutil
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opslib import SOURCE, check, failures, finish  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def must(cmd, what, **kw):
    r = run(cmd, **kw)
    if r.returncode != 0:
        sys.exit("FAIL %s: %s exited %d\n%s%s" % (what, " ".join(cmd), r.returncode,
                                                  r.stdout[-4000:], r.stderr[-4000:]))
    return r


def install(build, root):
    env = dict(os.environ, DESTDIR=root)
    return must(["cmake", "--install", build], "cmake --install", env=env)


# ---- stage -----------------------------------------------------------------

def stage(top):
    build, root = os.path.join(top, "build"), os.path.join(top, "root")
    must(["cmake", "-S", SOURCE, "-B", build, "-DCMAKE_INSTALL_PREFIX=/usr",
          "-DCOUNCIL_TESTS=OFF", "-DCOUNCIL_E2E=OFF", "-DCOUNCIL_FUZZ=OFF",
          "-DCOUNCIL_SANITIZE=OFF"], "configure with prefix /usr")
    must(["cmake", "--build", build, "-j2"], "build")
    shutil.rmtree(root, ignore_errors=True)
    install(build, root)
    print("staged an install with prefix /usr in %s" % root)


# ---- layout ----------------------------------------------------------------

# Where an install with prefix /usr may put files: the FHS places.
ALLOWED = ("usr/sbin/", "usr/libexec/council-milter/", "usr/share/man/man5/",
           "usr/share/man/man8/",
           "usr/share/council-milter/", "usr/share/doc/council-milter/",
           "etc/council-milter/", "lib/systemd/system/", "usr/lib/sysusers.d/",
           "usr/lib/tmpfiles.d/")


def installed_files(root):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def expected_files(root):
    want = {
        "usr/sbin/council-milter": 0o755,
        # The worker the daemon runs for each attached document.
        "usr/libexec/council-milter/council-extract": 0o755,
        "usr/share/man/man8/council-milter.8": 0o644,
        "usr/share/man/man5/council-milter.conf.5": 0o644,
        "etc/council-milter/council-milter.conf": 0o644,
        "usr/share/doc/council-milter/examples/council-milter.conf": 0o644,
        "usr/share/doc/council-milter/README.md": 0o644,
        "usr/share/doc/council-milter/rules.md": 0o644,
        "usr/share/doc/council-milter/profiles.md": 0o644,
        "lib/systemd/system/council-milter.service": 0o644,
        "usr/lib/sysusers.d/council-milter.conf": 0o644,
        "usr/lib/tmpfiles.d/council-milter.conf": 0o644,
    }
    for p in glob.glob(os.path.join(SOURCE, "policy", "phrases", "*.txt")):
        want["usr/share/council-milter/phrases/" + os.path.basename(p)] = 0o644
    for p in glob.glob(os.path.join(SOURCE, "conf", "examples", "*.conf")):
        want["usr/share/doc/council-milter/examples/" + os.path.basename(p)] = 0o644
    # council-review, its man page and its daily digest come together, or
    # not at all.
    if os.path.exists(os.path.join(root, "usr/sbin/council-review")):
        want["usr/sbin/council-review"] = 0o755
        want["usr/share/man/man8/council-review.8"] = 0o644
        want["lib/systemd/system/council-review-digest.service"] = 0o644
        want["lib/systemd/system/council-review-digest.timer"] = 0o644
        want["usr/share/doc/council-milter/examples/sudoers.d/council-review"] = 0o644
        want["lib/systemd/system/council-review-expire.service"] = 0o644
        want["lib/systemd/system/council-review-expire.timer"] = 0o644
    # council-directory (the administrator's import) and its man page.
    if os.path.exists(os.path.join(root, "usr/sbin/council-directory")):
        want["usr/sbin/council-directory"] = 0o755
        want["usr/share/man/man8/council-directory.8"] = 0o644
    # The Clerk's web page and its helper, their pages and units, together.
    if os.path.exists(os.path.join(root, "usr/sbin/council-review-web")):
        for name in ("council-review-web", "council-review-helper"):
            want["usr/sbin/" + name] = 0o755
            want["usr/share/man/man8/%s.8" % name] = 0o644
            want["lib/systemd/system/%s.service" % name] = 0o644
    return want


def unit_paths(unit_text):
    """The absolute paths in the units' Exec lines, without systemd's
    prefixes ("!", "-", "@", "+", ":")."""
    paths = []
    for line in unit_text.splitlines():
        m = re.match(r"^Exec\w+=(.*)$", line)
        if not m:
            continue
        words = m.group(1).split()
        words[0] = words[0].lstrip("!-@+:")
        paths += [w for w in words if w.startswith("/")]
    return paths


def on_this_machine(conf, top):
    """CONF as it would run here: -n checks the user and the journal's folder
    on this system (issue 15), and the staging root has neither the package's
    user nor /var/lib/council-milter. Everything else as installed."""
    state = os.path.join(top, "n-state")
    os.makedirs(state, exist_ok=True)
    os.chmod(state, 0o777)
    with open(conf) as f:
        text = f.read()
    text = re.sub(r'(?m)^user\s*=.*;\s*$', 'user = "nobody";', text)
    text = 'journal = "%s/journal.jsonl";\n' % state + text
    copy = os.path.join(top, "n-check.conf")
    with open(copy, "w") as f:
        f.write(text)
    return copy


def layout(top):
    build, root = os.path.join(top, "build"), os.path.join(top, "root")
    files = installed_files(root)
    want = expected_files(root)
    for rel, mode in sorted(want.items()):
        path = os.path.join(root, rel)
        if check(os.path.isfile(path), "installed: %s" % rel, "missing", "a file"):
            got = stat.S_IMODE(os.stat(path).st_mode)
            check(got == mode, "mode of %s" % rel, oct(got), oct(mode))
    for rel in files:
        check(rel in want, "installed %s, which no one expects" % rel)
        check(rel.startswith(ALLOWED), "installed outside the FHS places: %s" % rel)

    with open(os.path.join(SOURCE, "etc", "council-milter.conf")) as f:
        shipped = f.read()
    with open(os.path.join(root, "etc/council-milter/council-milter.conf")) as f:
        check(f.read() == shipped, "/etc/council-milter/council-milter.conf",
              "different", "etc/council-milter.conf as shipped")

    # The binary's compiled-in paths are those of prefix /usr.
    binary = os.path.join(root, "usr/sbin/council-milter")
    r = run([binary, "--help"])
    check("(default /etc/council-milter/council-milter.conf)" in r.stdout,
          "--help names the default configuration", r.stdout[:600],
          "(default /etc/council-milter/council-milter.conf)")
    conf = os.path.join(root, "etc/council-milter/council-milter.conf")
    phrases = os.path.join(root, "usr/share/council-milter/phrases")
    r = run([binary, "-n", "-c", on_this_machine(conf, top), "-P", phrases])
    check(r.returncode == 0 and r.stdout == "OK\n", "-n on the installed configuration",
          (r.returncode, r.stdout, r.stderr), (0, "OK\n", ""))
    # The default phrase_dir compiled in is where the lists were installed.
    with open(binary, "rb") as f:
        check(b"/usr/share/council-milter/phrases\0" in f.read(),
              "the binary's default phrase_dir", "absent",
              "/usr/share/council-milter/phrases")

    # The default document_reader compiled in is where the worker was installed.
    with open(binary, "rb") as f:
        check(b"/usr/libexec/council-milter/council-extract\0" in f.read(),
              "the binary's default document_reader", "absent",
              "/usr/libexec/council-milter/council-extract")

    # Each unit names installed files (or, for /bin/kill, the system's);
    # a timer has no Exec lines, only the service it starts.
    for unit in sorted(glob.glob(os.path.join(root, "lib/systemd/system/*.service"))):
        with open(unit) as f:
            paths = unit_paths(f.read())
        check(paths, "%s has Exec lines" % os.path.basename(unit))
        for p in paths:
            check(os.path.exists(os.path.join(root, p.lstrip("/"))) or
                  (p == "/bin/kill" and os.path.exists(p)),
                  "%s: %s exists in the staging root" % (os.path.basename(unit), p))

    # Installing again keeps an administrator's configuration.
    with open(conf, "a") as f:
        f.write("# the administrator's change\n")
    r = install(build, root)
    with open(conf) as f:
        check(f.read().endswith("# the administrator's change\n"),
              "a second install keeps the administrator's configuration")
    check("Kept: " + conf in r.stdout, "the install says it kept the configuration",
          r.stdout[-800:], "Kept: " + conf)
    print("checked %d installed files" % len(files))


# ---- systemd ---------------------------------------------------------------

def verification_root(top):
    """A copy of the staging root with what a Debian system adds: systemd's
    own targets, /bin/kill, the account files, Postfix's spool folder."""
    vroot = os.path.join(top, "verify-root")
    shutil.rmtree(vroot, ignore_errors=True)
    shutil.copytree(os.path.join(top, "root"), vroot, symlinks=True)
    unitdir = os.path.join(vroot, "lib/systemd/system")
    for t in glob.glob("/lib/systemd/system/*.target"):
        shutil.copy2(t, unitdir)
    os.makedirs(os.path.join(vroot, "bin"), exist_ok=True)
    shutil.copy2("/bin/kill", os.path.join(vroot, "bin/kill"))
    os.makedirs(os.path.join(vroot, "etc"), exist_ok=True)
    for f in ("passwd", "group", "shadow", "gshadow"):
        if os.path.exists("/etc/" + f):
            shutil.copy2("/etc/" + f, os.path.join(vroot, "etc", f))
    os.makedirs(os.path.join(vroot, "var/spool/postfix"), exist_ok=True)
    return vroot


def account(vroot, kind, name):
    with open(os.path.join(vroot, "etc", kind)) as f:
        for line in f:
            fields = line.rstrip("\n").split(":")
            if fields[0] == name:
                return fields
    return None


def systemd(top):
    vroot = verification_root(top)
    env = dict(os.environ, MANPATH=os.path.join(vroot, "usr/share/man"))
    units = sorted(os.path.basename(u) for u in
                   glob.glob(os.path.join(vroot, "lib/systemd/system/council-*")))
    check("council-milter.service" in units, "units installed", units,
          "council-milter.service among them")
    for unit in units:
        r = run(["systemd-analyze", "verify", "--root=" + vroot, unit], env=env)
        check(r.returncode == 0 and r.stdout + r.stderr == "",
              "systemd-analyze verify %s" % unit, (r.returncode, r.stdout + r.stderr),
              (0, ""))
        print("systemd-analyze verify %s: exit %d, %d bytes of output"
              % (unit, r.returncode, len(r.stdout + r.stderr)))

    # The web page faces the network: 2.5 at most (issue 17); its root
    # helper and the expiry job are root in a box.
    for unit, most in (("council-milter.service", 3.0), ("council-review-web.service", 2.5),
                       ("council-review-helper.service", 2.5),
                       ("council-review-expire.service", 2.5)):
        if unit not in units:
            continue
        r = run(["systemd-analyze", "security", "--offline=yes", "--root=" + vroot, unit])
        m = re.search(r"Overall exposure level for %s: ([\d.]+)" % re.escape(unit), r.stdout)
        if check(m is not None, "systemd-analyze security gives %s an exposure level" % unit,
                 r.stdout[-300:] + r.stderr[-300:]):
            level = float(m.group(1))
            print("systemd-analyze security %s: exposure %.1f (0 best, 10 worst)"
                  % (unit, level))
            check(level <= most, "exposure level of %s" % unit, level, "<= %.1f" % most)

    r = run(["systemd-sysusers", "--root=" + vroot])
    check(r.returncode == 0, "systemd-sysusers", (r.returncode, r.stderr), (0, ""))
    user = account(vroot, "passwd", "council-milter")
    if check(user is not None, "sysusers.d creates the user council-milter"):
        check(user[6] == "/usr/sbin/nologin", "council-milter's shell", user[6],
              "/usr/sbin/nologin")
        check(int(user[2]) != 0, "council-milter's uid", user[2], "not 0")
    web = account(vroot, "passwd", "council-review-web")
    if "council-review-web.service" in units and \
            check(web is not None, "sysusers.d creates the user council-review-web"):
        check(web[6] == "/usr/sbin/nologin" and int(web[2]) != 0,
              "council-review-web: no shell, not root", web, "nologin, uid != 0")
    postdrop = account(vroot, "group", "postdrop")
    check(postdrop is not None and "council-milter" in postdrop[3].split(","),
          "council-milter is in the postdrop group", postdrop, "a member")

    r = run(["systemd-tmpfiles", "--root=" + vroot, "--create", "council-milter.conf"])
    check(r.returncode == 0, "systemd-tmpfiles --create", (r.returncode, r.stderr), (0, ""))
    postfix = account(vroot, "group", "postfix")
    if user is not None and postfix is not None:
        for rel, gid in (("var/lib/council-milter", user[3]),
                         ("var/spool/postfix/council-milter", postfix[2])):
            path = os.path.join(vroot, rel)
            if check(os.path.isdir(path), "tmpfiles.d creates /" + rel):
                st = os.stat(path)
                got = (oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid)
                check(got == ("0o750", int(user[2]), int(gid)), "/" + rel,
                      got, ("0o750", int(user[2]), int(gid)))
    if web is not None:
        path = os.path.join(vroot, "etc/council-milter/reviewers")
        if check(os.path.isfile(path), "tmpfiles.d creates /etc/council-milter/reviewers"):
            st = os.stat(path)
            got = (oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid)
            check(got == ("0o640", 0, int(web[3])), "/etc/council-milter/reviewers", got,
                  ("0o640", 0, int(web[3])))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("stage", "layout", "systemd"):
        sys.exit("usage: test_install.py stage|layout|systemd DIR")
    what, top = sys.argv[1], sys.argv[2]
    globals()[what](top)
    finish(what)


if __name__ == "__main__":
    main()
