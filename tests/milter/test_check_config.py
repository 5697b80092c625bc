#!/usr/bin/python3
"""council-milter -n: every shipped example config is OK (exit 0, prints OK);
a config with a typo in a key fails with exit 78 and names file:line."""

import glob
import os
import subprocess
import sys

BIN = sys.argv[1]
SOURCE = os.environ.get("COUNCIL_SOURCE_DIR", os.path.dirname(os.getcwd()))
PHRASES = os.path.join(SOURCE, "policy", "phrases")
failures = []


def check_n(conf):
    r = subprocess.run([BIN, "-n", "-c", conf, "-P", PHRASES], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


examples = sorted(glob.glob(os.path.join(SOURCE, "conf", "examples", "*.conf")))
if len(examples) < 6:
    failures.append("examples: got %d, want the five profiles and demo.conf" % len(examples))
for conf in examples:
    rc, out, err = check_n(conf)
    if rc != 0 or out != "OK\n":
        failures.append("%s: got exit %d, %r %r; want exit 0 and OK" % (conf, rc, out, err))

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
