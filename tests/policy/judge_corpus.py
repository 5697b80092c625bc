#!/usr/bin/env python3
"""Run `council-milter --judge --json` on every message of ../shared/corpus
(third-party real and malformed mail) against the test directory, and check
each result: exit status 0, one JSON object, action "accept", no rule, no
error, council null. None of the corpus senders is in the directory, so
anything else is a wrong finding or a crash.

usage: judge_corpus.py COUNCIL_MILTER CONF PHRASE_DIR CORPUS_DIR
"""
import json
import os
import subprocess
import sys

# Corpus messages there must be at least (the corpus README lists 291).
CORPUS_MIN = 291
# A councillor of the test directory as recipient, so that a corpus sender
# wrongly taken for one of ours would be judged and show up.
RCPT = "cllr.jones@ashcombe-tc.gov.uk"


def check(binary, conf, phrases, path):
    cmd = [binary, "--judge", path, "-c", conf, "--phrase-dir", phrases,
           "--mail-from", "", "--rcpt", RCPT, "--rcpt", "someone@example.org", "--json"]
    run = subprocess.run(cmd, capture_output=True, timeout=60)
    if run.returncode != 0:
        return "exit status: got %d, want 0; stderr: %s" % (
            run.returncode, run.stderr.decode(errors="replace").strip()[:300])
    try:
        res = json.loads(run.stdout)
    except ValueError as e:
        return "output: got no JSON object (%s): %r" % (e, run.stdout[:200])
    problems = []
    if res.get("action") != "accept":
        problems.append("action: got %r, want 'accept'" % res.get("action"))
    if res.get("rules") != []:
        problems.append("rules: got %r, want []" % res.get("rules"))
    if res.get("council") is not None:
        problems.append("council: got %r, want null" % res.get("council"))
    if res.get("error") is not None:
        problems.append("error: got %r, want null" % res.get("error"))
    return "; ".join(problems) or None


def main():
    binary, conf, phrases, corpus = sys.argv[1:5]
    files = []
    for folder in ("rspamd", "mime4j"):
        d = os.path.join(corpus, folder)
        files += sorted(os.path.join(d, f) for f in os.listdir(d)
                        if f.endswith((".eml", ".msg")))
    failures = []
    for path in files:
        problem = check(binary, conf, phrases, path)
        if problem:
            failures.append("%s: %s" % (path, problem))
    for f in failures:
        print(f)
    if len(files) < CORPUS_MIN:
        failures.append("messages: got %d, want at least %d" % (len(files), CORPUS_MIN))
        print(failures[-1])
    print("%d passed, %d failed" % (len(files) - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
