#!/usr/bin/env python3
"""Measure the rules on the labelled development set (tests/lang/devset/).

Each batch folder holds councils.conf, cases.jsonl and msgs/*.eml; labels
come from tests/lang/LABELS.md, never from the program. Every case is run
through the real judge (`council-milter --judge ... --json`, the interface
every acceptance check uses) and compared with its label: the action, and
the set of rules with a finding.

Prints, per rule, precision and recall over all cases; per batch, how many
cases are exactly right (action and rules); every case that is not (with
--verbose, the evidence too); and last `rules_f1=...` (micro-averaged F1 of
rule findings over every batch).

With --check, exits 1 when a text rule (member-instructs-staff,
obligation-in-member-name, party-political) has precision below 0.97 or
recall below 0.95, or when the set is smaller than LABELS.md promises
(300 cases, 40% hard negatives). This is a behaviour check, not a timing.

usage: evaluate.py COUNCIL_MILTER [--devset DIR] [--phrase-dir DIR]
                   [--check] [--verbose] [--jobs N]
"""
import argparse
import concurrent.futures
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
LABELS_DAY = "2026-12-07"
TEXT_RULES = ("member-instructs-staff", "obligation-in-member-name", "party-political")
ALL_RULES = ("silent-copy", "obligation-in-member-name", "member-instructs-staff",
             "confidential", "capacity", "party-political", "pre-election")
BAR_PRECISION = 0.97
BAR_RECALL = 0.95
MIN_CASES = 300
MIN_NEGATIVE_SHARE = 0.40


def load_cases(devset):
    cases = []
    for path in sorted(glob.glob(os.path.join(devset, "*", "cases.jsonl"))):
        batch_dir = os.path.dirname(path)
        batch = os.path.basename(batch_dir)
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    case = json.loads(line)
                except ValueError as e:
                    sys.exit("%s:%d: not JSON: %s" % (path, n, e))
                case["batch"] = batch
                case["conf"] = os.path.join(batch_dir, "councils.conf")
                case["path"] = os.path.join(batch_dir, case["eml"])
                case["where"] = "%s:%d" % (path, n)
                cases.append(case)
    return cases


def judge(binary, phrase_dir, case):
    cmd = [binary, "--judge", case["path"], "-c", case["conf"], "--phrase-dir", phrase_dir,
           "--mail-from", case.get("mail_from", ""), "--json",
           # the day the labels were written: pre_election periods are
           # labelled as of it, and stay right after it has passed
           "--date", LABELS_DAY]
    for rcpt in case.get("rcpts", []):
        cmd += ["--rcpt", rcpt]
    if case.get("auth"):
        cmd += ["--auth", case["auth"]]
    run = subprocess.run(cmd, capture_output=True, timeout=120)
    if run.returncode != 0:
        return {"error": "exit %d: %s" % (run.returncode,
                                          run.stderr.decode(errors="replace").strip()[:300])}
    try:
        return json.loads(run.stdout)
    except ValueError as e:
        return {"error": "no JSON (%s)" % e}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("--devset", default=os.path.join(HERE, "devset"))
    ap.add_argument("--phrase-dir", default=os.path.join(SOURCE, "policy", "phrases"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()

    cases = load_cases(args.devset)
    if not cases:
        sys.exit("evaluate: no cases under %s" % args.devset)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda c: judge(args.binary, args.phrase_dir, c), cases))

    tally = {r: [0, 0, 0] for r in ALL_RULES}       # tp, fp, fn
    batches = {}
    wrong = []
    for case, res in zip(cases, results):
        want_rules = set(case.get("rules", []))
        got_rules = set(r["id"] for r in res.get("rules", [])) if not res.get("error") else set()
        for rule in ALL_RULES:
            t = tally[rule]
            t[0] += rule in want_rules and rule in got_rules
            t[1] += rule not in want_rules and rule in got_rules
            t[2] += rule in want_rules and rule not in got_rules
        exact = not res.get("error") and res.get("action") == case["action"] and \
            got_rules == want_rules
        b = batches.setdefault(case["batch"], [0, 0, 0])   # exact, total, negatives
        b[0] += exact
        b[1] += 1
        b[2] += bool(case.get("negative"))
        if not exact:
            wrong.append((case, res, want_rules, got_rules))

    failed = []
    print("%-27s %9s %7s %5s %4s %4s" % ("rule", "precision", "recall", "tp", "fp", "fn"))
    tp = fp = fn = 0
    for rule in ALL_RULES:
        t = tally[rule]
        tp, fp, fn = tp + t[0], fp + t[1], fn + t[2]
        p = t[0] / (t[0] + t[1]) if t[0] + t[1] else 1.0
        r = t[0] / (t[0] + t[2]) if t[0] + t[2] else 1.0
        mark = ""
        if rule in TEXT_RULES and (p < BAR_PRECISION or r < BAR_RECALL):
            mark = "  below the bar (%.2f / %.2f)" % (BAR_PRECISION, BAR_RECALL)
            failed.append(rule)
        print("%-27s %9.3f %7.3f %5d %4d %4d%s" % (rule, p, r, t[0], t[1], t[2], mark))
    total = sum(b[1] for b in batches.values())
    negatives = sum(b[2] for b in batches.values())
    for name, b in sorted(batches.items()):
        print("batch %s: %d of %d exactly right (%.1f%%), %d hard negatives" %
              (name, b[0], b[1], 100.0 * b[0] / b[1], b[2]))
    print("all: %d of %d exactly right (%.1f%%), %d hard negatives (%.0f%%)" %
          (total - len(wrong), total, 100.0 * (total - len(wrong)) / total, negatives,
           100.0 * negatives / total))
    for case, res, want_rules, got_rules in wrong:
        print("WRONG %s %s: action got %s, want %s; rules got [%s], want [%s] (%s)" % (
            case["batch"], case["id"], res.get("action", res.get("error")), case["action"],
            " ".join(sorted(got_rules)), " ".join(sorted(want_rules)), case.get("why", "")))
        if args.verbose:
            for r in res.get("rules", []):
                print("    %s: %s" % (r["id"], r["evidence"]))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print("rules_f1=%.3f" % f1)
    if args.check:
        if total < MIN_CASES or negatives < MIN_NEGATIVE_SHARE * total:
            print("evaluate: the set has %d cases, %d hard negatives; want at least %d and "
                  "%.0f%%" % (total, negatives, MIN_CASES, 100 * MIN_NEGATIVE_SHARE))
            return 1
        if failed:
            print("evaluate: below the bar: %s" % ", ".join(failed))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
