#!/usr/bin/python3
"""council-milter -n: every shipped example config is OK (exit 0, prints OK);
a config with a typo in a key fails with exit 78 and names file:line.

-n also checks what a config names on this system, as start-up does (the
user, the journal's folder, sendmail: tests/conf/cases/system-*.conf), and
the examples name the packaged ones (user council-milter,
/var/lib/council-milter), which a build machine need not have. So each
example is checked as a copy that runs as a user of this machine with its
journal in a temporary folder, everything else as shipped."""

import getpass
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
SOURCE = os.environ.get("COUNCIL_SOURCE_DIR", os.path.dirname(os.getcwd()))
PHRASES = os.path.join(SOURCE, "policy", "phrases")
failures = []


def check_n(conf):
    r = subprocess.run([BIN, "-n", "-c", conf, "-P", PHRASES], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def on_this_machine(conf, tmp):
    """A copy of CONF whose user and journal are this machine's."""
    user = "nobody" if os.geteuid() == 0 else getpass.getuser()
    state = os.path.join(tmp, "state")
    os.makedirs(state, exist_ok=True)
    os.chmod(tmp, 0o755)
    os.chmod(state, 0o777)
    ours = {"user": '"%s"' % user, "journal": '"%s/journal.jsonl"' % state}
    with open(conf) as f:
        text = f.read()
    for key, value in ours.items():
        line = re.compile(r"^%s\s*=.*;\s*$" % key, re.M)
        if line.search(text):
            text = line.sub("%s = %s;" % (key, value), text)
        else:
            text = "%s = %s;\n" % (key, value) + text
    copy = os.path.join(tmp, os.path.basename(conf))
    with open(copy, "w") as f:
        f.write(text)
    os.chmod(copy, 0o644)
    return copy


examples = sorted(glob.glob(os.path.join(SOURCE, "conf", "examples", "*.conf")))
if len(examples) < 6:
    failures.append("examples: got %d, want the five profiles and demo.conf" % len(examples))
tmp = tempfile.mkdtemp(prefix="council-check-config-")
try:
    for conf in examples:
        rc, out, err = check_n(on_this_machine(conf, tmp))
        if rc != 0 or out != "OK\n":
            failures.append("%s: got exit %d, %r %r; want exit 0 and OK" % (conf, rc, out, err))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

typo = os.path.join(SOURCE, "tests", "milter", "typo.conf")
rc, out, err = check_n(typo)
if rc != 78:
    failures.append("typo.conf: exit status: got %d, want 78" % rc)
if "typo.conf:8:" not in err or "clerck" not in err:
    failures.append("typo.conf: got %r, want an error at typo.conf:8 naming 'clerck'" % err)
if out != "":
    failures.append("typo.conf: stdout: got %r, want nothing" % out)

for f in failures:
    print("FAIL " + f)
print("checked %d example(s) and typo.conf: %s" % (len(examples),
                                                   "FAILED" if failures else "all as expected"))
sys.exit(1 if failures else 0)
