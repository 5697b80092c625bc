#!/usr/bin/python3
"""council-milter --judge applies the daemon's size limit while it reads
(issue 15): a message larger than limits.max_message_bytes, /dev/zero
included, is read no further than the limit, says so on stderr, prints the
verdict the daemon gives such a message (on_error's) and exits with status
65; a message within the limit is judged as before.

Usage: test_judge_limits.py COUNCIL-MILTER-BINARY
"""

import json
import os
import subprocess
import sys
import tempfile
import threading

BIN = sys.argv[1]
SOURCE = os.environ.get("COUNCIL_SOURCE_DIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
PHRASES = os.path.join(SOURCE, "policy", "phrases")
LIMIT = 65536
failures = []


def check(ok, what, got, want):
    if not ok:
        failures.append("%s: got %r, want %r" % (what, got, want))


class Result:
    pass


def judge(conf, path, *extra):
    """The run's exit status, stdout, stderr and peak RSS (KB, from wait4:
    this child's own, which also counts this Python's pages before exec).
    A run still going after 120 s (reading without end) is killed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([BIN, "--judge", path, "-c", conf, "-P", PHRASES,
                              "--mail-from", "cllr.jones@ashcombe-pc.gov.uk",
                              "--rcpt", "admin@ashcombe-pc.gov.uk"] + list(extra),
                             stdout=out, stderr=err)
        timer = threading.Timer(120, p.kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        r = Result()
        r.returncode = p.returncode
        out.seek(0)
        err.seek(0)
        r.stdout, r.stderr = out.read().decode(), err.read().decode()
    return r, ru.ru_maxrss


with tempfile.TemporaryDirectory() as tmp:
    conf = os.path.join(tmp, "limits.conf")
    with open(os.path.join(SOURCE, "conf", "examples", "demo.conf")) as f:
        text = f.read()
    for on_error in ("tempfail", "accept"):
        with open(conf, "w") as f:
            f.write(text + "limits = { max_message_bytes = %d; };\non_error = \"%s\";\n"
                    % (LIMIT, on_error))
        big = os.path.join(tmp, "big.eml")
        with open(big, "w") as f:
            f.write("From: Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>\n"
                    "To: admin@ashcombe-pc.gov.uk\nSubject: big\n\n")
            f.write(("the roof " * 8 + "\n") * (LIMIT // 73 + 10))
        for what, path in (("/dev/zero", "/dev/zero"), ("a file over the limit", big)):
            what = "%s (on_error = %s)" % (what, on_error)
            r, rss_kb = judge(conf, path)
            check(r.returncode == 65, what + ": exit status", r.returncode, 65)
            check("larger than limits.max_message_bytes (%d bytes)" % LIMIT in r.stderr,
                  what + ": stderr", r.stderr, "...larger than limits.max_message_bytes "
                  "(%d bytes)..." % LIMIT)
            want_action = "action: %s" % on_error
            check(r.stdout.startswith(want_action + "\n"), what + ": stdout", r.stdout[:200],
                  want_action + " ...")
            check("error: message larger than %d bytes (limits.max_message_bytes)" % LIMIT
                  in r.stdout, what + ": stdout", r.stdout[:400], "error: message larger ...")
            # Read no further than the limit: a few MB at most, however much there is.
            check(rss_kb < 100 * 1024, what + ": peak RSS of the judge (KB)", rss_kb,
                  "< 100 MB")
        r, _ = judge(conf, "/dev/zero", "--json")
        check(r.returncode == 65, "/dev/zero --json: exit status", r.returncode, 65)
        try:
            out = json.loads(r.stdout)
            check("limits.max_message_bytes" in (out.get("error") or ""),
                  "/dev/zero --json: error", out.get("error"), "...limits.max_message_bytes...")
        except ValueError:
            failures.append("/dev/zero --json: stdout is no JSON: %r" % r.stdout[:200])

    # Within the limit: judged as before.
    small = os.path.join(SOURCE, "tests", "messages", "demo",
                         "02-councillor-blind-copies-councillor.eml")
    r, _ = judge(conf, small)
    check(r.returncode == 0, "a message within the limit: exit status", r.returncode, 0)
    check(r.stderr == "", "a message within the limit: stderr", r.stderr, "")

for f in failures:
    print("FAIL " + f)
print("council-milter --judge and limits.max_message_bytes: %s" %
      ("FAILED" if failures else "all as expected"))
sys.exit(1 if failures else 0)
