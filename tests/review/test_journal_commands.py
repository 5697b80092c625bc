#!/usr/bin/python3
"""council-review report, verify and export, as the Clerk runs them:

- report on the journal fixture of tests/audit/report (known counts): the
  text for the council, --csv for a spreadsheet and --json for a script say
  the same numbers; --council keeps to one council; the default period is
  last month;
- verify on a journal chained here in Python from the documented format
  (the SHA-256 of the line before, newline included, and the record's
  number), so that anyone can check it with their own tools: whole (exit
  0); a line edited, deleted or inserted named with its line number (exit
  65); a journal of the previous version "unchained before line N", not
  broken;
- export by queue id and by Message-ID: every line about the message, each
  with the SHA-256 that hashlib gives for it and the next line's record of
  it; scoped to a council, another council's message is not found (66);
- through sudo, verify refuses FILEs (77), as -c and -C.

Usage: test_journal_commands.py COUNCIL-REVIEW-BINARY
"""

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import datetime

SOURCE = os.environ.get("COUNCIL_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(
                            os.path.abspath(__file__)))))
FIXTURE = os.path.join(SOURCE, "tests", "audit", "report")
failures = []


def check(cond, what, got=None, want=None):
    if not cond:
        failures.append("%s: got %r, want %r" % (what, got, want))


def write_conf(root, journal):
    with open(os.path.join(SOURCE, "tests", "support", "hold.conf.in")) as f:
        text = f.read().replace("@JOURNAL@", journal).replace("@ROOT@", root)
    path = os.path.join(root, "review.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def review(binary, conf, *args, env=None):
    e = dict(os.environ)
    for k in ("SUDO_USER", "SUDO_UID"):
        e.pop(k, None)
    e.update(env or {})
    return subprocess.run([binary, "-c", conf] + list(args), capture_output=True, text=True,
                          env=e)


def chained(objects, prev="0" * 64, seq=0):
    """Lines as council-milter writes them, from the documented format."""
    lines = []
    for o in objects:
        body = json.dumps(o, separators=(",", ":"))
        line = '{"prev":"%s","seq":%d,%s' % (prev, seq + 1, body[1:])
        lines.append(line)
        prev = hashlib.sha256((line + "\n").encode()).hexdigest()
        seq += 1
    return lines, prev


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("".join(l + "\n" for l in lines))


def test_report(binary, root):
    for name in ("journal.jsonl", "journal.jsonl.1"):
        shutil.copy(os.path.join(FIXTURE, name), os.path.join(root, name))
    conf = write_conf(root, os.path.join(root, "journal.jsonl"))
    period = ["--since", "2025-03-01", "--until", "2025-03-31"]

    r = review(binary, conf, "report", "--json", *period)
    check(r.returncode == 0, "report --json exit", (r.returncode, r.stderr), 0)
    j = json.loads(r.stdout)
    check(j["judged"] == 12, "judged", j["judged"], 12)
    check(j["actions"] == {"accept": 2, "annotate": 1, "hold": 6, "reject": 1, "tempfail": 2},
          "actions", j["actions"])
    check(j["holds"] == {"held": 6, "released": 4, "returned": 1, "expired": 1,
                         "still_held": 1, "reviewed": 5, "median_seconds_to_review": 86400},
          "holds", j["holds"])
    check([(s["address"], s["held"]) for s in j["busiest_senders"]] ==
          [("cllr.smith@ashcombe-pc.gov.uk", 3), ("cllr.jones@ashcombe-pc.gov.uk", 2),
           ("cllr.shah@bramley-tc.gov.uk", 1)], "senders", j["busiest_senders"])
    prec = {v["rule"]: v["precision"] for v in j["verdicts"]}
    check(prec == {"confidential": 0.0, "obligation-in-member-name": 1.0}, "precision", prec)
    check(j["since"] == "2025-03-01T00:00:00Z" and j["until"] == "2025-04-01T00:00:00Z",
          "period", (j["since"], j["until"]))

    r = review(binary, conf, "report", "--csv", *period)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    value = {(x["section"], x["name"], x["detail"]): int(x["value"]) for x in rows}
    check(value.get(("messages", "judged", "")) == 12, "csv judged", value.get(
        ("messages", "judged", "")), 12)
    check(value.get(("finding", "obligation-in-member-name", "12.4 (with 12.2, 2.9)")) == 3,
          "csv finding", value)
    check(value.get(("holds", "median seconds to review", "")) == 86400, "csv median")
    check(all(x["council"] == "" and x["since"] == "2025-03-01" and x["until"] == "2025-03-31"
              for x in rows), "csv period columns", rows[:1])

    r = review(binary, conf, "report", *period)
    for want in ("Council mail report: every council", "1 March 2025 to 31 March 2025",
                 "Messages judged: 12", "6  held for review",
                 "3  obligation-in-member-name, clause 12.4 (with 12.2, 2.9) (3 held)",
                 "4  released by the Clerk", "1  returned to their authors",
                 "1  expired unreviewed", "Median time from hold to review: 1 day (5 reviewed)",
                 "3  Jane Smith <cllr.smith@ashcombe-pc.gov.uk>",
                 "obligation-in-member-name: 100% of 3"):
        check(want in r.stdout, "report text has [%s]" % want, r.stdout[-2000:])

    r = review(binary, conf, "--council", "bramley-tc.gov.uk", "report", "--json", *period)
    j = json.loads(r.stdout)
    check(j["council"] == "Bramley Town Council" and j["judged"] == 1 and
          j["holds"]["expired"] == 1, "report for one council", j)

    # The default period: last month, whole.
    r = review(binary, conf, "report", "--json")
    j = json.loads(r.stdout)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    first = today.replace(day=1)
    last_first = (first - datetime.timedelta(days=1)).replace(day=1)
    check((j["since"], j["until"]) == (last_first.isoformat() + "T00:00:00Z",
                                       first.isoformat() + "T00:00:00Z"),
          "default period", (j["since"], j["until"]))
    r = review(binary, conf, "report", "--since", "2025-03-31", "--until", "2025-03-01")
    check(r.returncode == 64, "an empty period is a usage error", r.returncode, 64)
    r = review(binary, conf, "report", "--csv", "--json")
    check(r.returncode == 64, "--csv and --json", r.returncode, 64)


def objects():
    base = {"time": "2025-03-03T08:00:00Z", "event": "decision",
            "council": "Ashcombe Parish Council"}
    out = []
    for i in range(1, 11):
        o = dict(base, queue_id="4A00%02d" % i, message_id="m%d@ashcombe-pc.gov.uk" % i,
                 action="hold" if i == 4 else "accept")
        out.append(o)
    out.insert(6, {"time": "2025-03-04T09:00:00Z", "event": "review", "action": "release",
                   "queue_id": "4A0004", "message_id": "m4@ashcombe-pc.gov.uk",
                   "council": "Ashcombe Parish Council", "by": "tom", "via": "sudo"})
    return out


def test_verify(binary, root):
    journal = os.path.join(root, "chained.jsonl")
    conf = write_conf(root, journal)
    lines, head = chained(objects())
    write_lines(journal, lines)
    r = review(binary, conf, "verify")
    check(r.returncode == 0 and "The chain is whole" in r.stdout and head in r.stdout and
          "record 11" in r.stdout, "verify a whole chain", (r.returncode, r.stdout), 0)

    cases = [
        ("edited", lambda l: l[:4] + [l[4].replace("accept", "hold")] + l[5:],
         "line 6: line 5 was changed"),
        ("deleted", lambda l: l[:4] + l[5:], "line 5: 1 record is missing between line 4"),
        ("inserted", lambda l: l[:4] + ['{"time":"2025-03-03T08:00:00Z","event":"review",'
                                        '"action":"release","queue_id":"4A0003"}'] + l[4:],
         "line 5: this line was added by hand"),
    ]
    for what, tamper, says in cases:
        write_lines(journal, tamper(lines))
        r = review(binary, conf, "verify")
        check(r.returncode == 65 and "BROKEN in 1 place" in r.stdout and says in r.stdout,
              "verify a journal with a line %s" % what, (r.returncode, r.stdout), says)

    # The previous version's lines, then this version's: not broken.
    old = ['{"time":"2025-01-0%dT09:00:00Z","event":"decision","queue_id":"OLD%d"}' % (i, i)
           for i in range(1, 4)]
    first, _ = chained(objects()[:2], prev=hashlib.sha256((old[-1] + "\n").encode())
                       .hexdigest())
    write_lines(journal, old + first)
    r = review(binary, conf, "verify")
    check(r.returncode == 0 and "Unchained before line 4 of %s" % journal in r.stdout and
          "The chain is whole" in r.stdout, "verify after an upgrade",
          (r.returncode, r.stdout), "unchained before line 4")
    write_lines(journal, old)
    r = review(binary, conf, "verify")
    check(r.returncode == 0 and "unchained before line 4" in r.stdout and
          "BROKEN" not in r.stdout, "verify a journal of the previous version",
          (r.returncode, r.stdout), "unchained before line 4")

    # FILEs given: a rotation checked across its link.
    write_lines(journal + ".1", lines[:6])
    write_lines(journal, lines[6:])
    r = review(binary, conf, "verify", journal + ".1", journal)
    check(r.returncode == 0 and "Checked 2 files, 11 lines" in r.stdout, "verify two FILEs",
          (r.returncode, r.stdout))
    r = review(binary, conf, "verify", journal, journal + ".1")
    check(r.returncode == 65 and "line 1" in r.stdout, "verify FILEs in the wrong order",
          (r.returncode, r.stdout), 65)
    r = review(binary, conf, "verify", journal, env={"SUDO_USER": "tom", "SUDO_UID": "1000"})
    check(r.returncode == 77, "verify FILE through sudo", (r.returncode, r.stderr), 77)
    os.unlink(journal + ".1")


def test_export(binary, root):
    journal = os.path.join(root, "export.jsonl")
    conf = write_conf(root, journal)
    lines, _ = chained(objects())
    write_lines(journal, lines)
    for ident in ("4A0004", "<m4@ashcombe-pc.gov.uk>", "m4@ashcombe-pc.gov.uk"):
        r = review(binary, conf, "export", ident, "--json")
        check(r.returncode == 0, "export %s exit" % ident, (r.returncode, r.stderr), 0)
        j = json.loads(r.stdout)
        got = [(x["line"], x["text"]) for x in j["records"]]
        check(got == [(4, lines[3]), (7, lines[6])], "export %s: lines" % ident, got)
        for x in j["records"]:
            want = hashlib.sha256((x["text"] + "\n").encode()).hexdigest()
            check(x["sha256"] == want == x["next_line_prev"], "export %s: hashes" % ident,
                  (x["sha256"], x["next_line_prev"]), want)
        check(j["chain_whole"] and j["head_seq"] == 11, "export: the chain", j)
    r = review(binary, conf, "export", "4A0004")
    check(r.returncode == 0 and "Record 4, %s line 4: decision hold" % journal in r.stdout and
          "Record 7, %s line 7: review release" % journal in r.stdout and
          "this line is as it was written" in r.stdout and "sha256sum" in r.stdout,
          "export as text", r.stdout)
    r = review(binary, conf, "--council", "bramley-tc.gov.uk", "export", "4A0004")
    check(r.returncode == 66, "another council's message", (r.returncode, r.stderr), 66)
    r = review(binary, conf, "export", "NOSUCH")
    check(r.returncode == 66, "an unknown id", (r.returncode, r.stderr), 66)


def main():
    binary = sys.argv[1]
    root = tempfile.mkdtemp(prefix="council-review-journal-")
    try:
        test_report(binary, root)
        test_verify(binary, root)
        test_export(binary, root)
    finally:
        shutil.rmtree(root)
    for f in failures:
        print("FAIL " + f)
    print("council-review report, verify, export: %s" % ("FAILED" if failures else "OK"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
