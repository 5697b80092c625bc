#!/usr/bin/python3
"""council-milter --judge --date YYYY-MM-DD judges a message as if sent on
that day: the pre-election period (town-council-2023 11.5(g)) applies to a
councillor's mail to the press on a day inside it and not on a day
outside; a --date that is no day is refused with exit status 64 (usage).

Usage: test_judge_date.py COUNCIL-MILTER-BINARY
"""

import json
import os
import subprocess
import sys

BIN = sys.argv[1]
SOURCE = os.environ.get("COUNCIL_SOURCE_DIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
CONF = os.path.join(SOURCE, "tests", "policy", "conf", "councils.conf")
PHRASES = os.path.join(SOURCE, "policy", "phrases")
EML = os.path.join(SOURCE, "tests", "messages", "town-council-2023", "pre-election-press.eml")
failures = []


def judge(*extra):
    run = subprocess.run([BIN, "--judge", EML, "-c", CONF, "-P", PHRASES, "--json",
                          "--mail-from", "cllr.hughes@ashcombe-tc.gov.uk",
                          "--rcpt", "news@ashcombe-gazette.example", *extra],
                         capture_output=True, text=True, timeout=120)
    return run.returncode, run.stdout, run.stderr


def rules(out):
    return sorted(r["id"] for r in json.loads(out)["rules"])


# councils.conf: Ashcombe's pre_election runs 2027-03-25 to 2027-05-06, both days counted.
for day, want in (("2027-04-10", True), ("2027-03-25", True), ("2027-05-06", True),
                  ("2027-03-24", False), ("2027-05-07", False), ("2026-12-07", False)):
    rc, out, err = judge("--date", day)
    if rc != 0:
        failures.append("--date %s: exit %d (%s)" % (day, rc, err.strip()))
        continue
    got = "pre-election" in rules(out)
    if got != want:
        failures.append("--date %s: pre-election %s, want %s (rules %s)" %
                        (day, got, want, rules(out)))

for bad in ("2027-02-30", "27-04-10", "2027-4-10", "tomorrow", "2101-01-01", ""):
    rc, out, err = judge("--date", bad)
    if rc != 64 or "is not a day written YYYY-MM-DD" not in err:
        failures.append("--date %r: exit %d, stderr %r; want 64 and the format" %
                        (bad, rc, err.strip()))

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok: --date inside and outside the pre-election period; bad dates refused")
