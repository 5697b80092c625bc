#!/usr/bin/python3
"""The demo (scripts/demo.py --once, on free ports) runs through, prints one
line per demo message, stops everything it started, and what it observed
through Postfix agrees with what the offline judge says of each message; the
messages show each kind of outcome (delivered, annotated, held, refused), and
the demo shows the notices of the held ones and council-review listing them,
with the commands to show and release one, and where the Clerk's web page is
with the demo reviewer's sign-in."""

import glob
import json
import os
import re
import subprocess

from council_e2e import MILTER_BIN, PHRASE_DIR, REVIEW_BIN, SOURCE_DIR, check, run

WORDS = {  # judge action -> how the demo line must begin
    "accept": ("delivered",),
    "annotate": ("delivered, annotated", "delivered with a result header only"),
    "hold": ("held for the Clerk",),
    "reject": ("refused at SMTP time", "rejected at SMTP time"),
}


def judge(path):
    with open(path) as f:
        env = re.search(r"^X-Council-Demo-Envelope:\s*(.*)$", f.read(), re.M).group(1)
    args = [MILTER_BIN, "--judge", path, "-c",
            os.path.join(SOURCE_DIR, "conf", "examples", "demo.conf"), "-P", PHRASE_DIR,
            "--json", "--mail-from", re.search(r"MAIL FROM:<([^>]*)>", env).group(1)]
    for r in re.findall(r"RCPT TO:<([^>]*)>", env):
        args += ["--rcpt", r]
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, "judge exit status for %s (%s)" % (path, r.stderr), r.returncode, 0)
    return json.loads(r.stdout)["action"]


def test():
    r = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE_DIR, "scripts", "demo.py"),
                        "--once", "--port", "0", "--web-port", "0", "--bin", MILTER_BIN,
                        "--review-bin", REVIEW_BIN],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
    check(r.returncode == 0, "demo exit status (%s%s)" % (r.stdout, r.stderr), r.returncode, 0)
    check("Stopped; nothing of the demo is left running." in r.stdout, "demo stopped cleanly",
          r.stdout[-500:], "Stopped; ...")
    messages = sorted(glob.glob(os.path.join(SOURCE_DIR, "tests", "messages", "demo", "*.eml")))
    check(len(messages) == 7, "demo messages", len(messages), 7)
    actions = set()
    for path in messages:
        name = os.path.basename(path)[:-4]
        lines = [l.strip() for l in r.stdout.splitlines() if l.strip().startswith(name + ":")]
        check(len(lines) == 1, "demo lines for %s" % name, lines, "one line")
        said = lines[0][len(name) + 2:]
        action = judge(path)
        actions.add(action)
        check(said.startswith(WORDS[action]),
              "%s: the demo saw what the judge predicts (%s)" % (name, action), said,
              " or ".join(WORDS[action]))
    check("delivered, no rule matched" in r.stdout.split("01-clean")[1].split("\n")[0],
          "the clean message", r.stdout, "delivered, no rule matched")
    check(actions == set(WORDS), "one message of each kind", sorted(actions), sorted(WORDS))

    # The review part: the notices, council-review's list of the held ones
    # (their queue ids, from the lines above), and the commands for one.
    review = r.stdout.split("Each author of a held message", 1)
    check(len(review) == 2, "the review part", r.stdout[-1500:], "notices and council-review")
    review = review[1]
    n_held = sum(1 for l in r.stdout.splitlines() if ": held for the Clerk" in l)
    check(review.count("\n  to ") == 2 * n_held, "notices listed (author and Clerk per hold)",
          review.count("\n  to "), 2 * n_held)
    listing = review.split(" list\n", 1)[1].split("\nTo read one", 1)[0]
    check("%d messages held for review" % n_held in listing, "council-review list",
          listing, "%d messages held for review" % n_held)
    qids = re.findall(r"^    ([0-9A-F]{8,})  held ", listing, re.M)
    check(len(qids) == n_held, "queue ids listed", qids, n_held)
    for cmd in ("show", "release"):
        m = re.search(r"council-review -c \S+ -C \S+ %s ([0-9A-F]+)\n" % cmd, review)
        check(m is not None and m.group(1) in qids, "the %s command for a held message" % cmd,
              review, " or ".join(qids))

    # The web page: where it is, and the demo reviewer's sign-in.
    web = re.search(r"^  (http://127\.0\.0\.1:\d+/held)\n  reviewer: (\S+)    password: (.+)$",
                    r.stdout, re.M)
    check(web is not None and web.group(2) == "clerk", "the web page's address and sign-in",
          r.stdout[-900:], "http://127.0.0.1:PORT/held, reviewer and password")


if __name__ == "__main__":
    run(test)
