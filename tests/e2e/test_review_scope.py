#!/usr/bin/python3
"""council-review acts only on what council-milter held, and keeps to one
council when told (issue 15, finding 10), through the real Postfix:

- two councils each have a message held by council-milter; a third message
  is held by Postfix itself (a header_checks HOLD), which the journal records
  as accepted: list shows the two and says one other is left alone, and
  release and delete of the third are refused (66) and it stays held;
- --council (a domain or the name) lists, shows and digests that council's
  only, and refuses to act on the other council's message (77);
- --council given twice is refused (64), as a pinned sudo rule needs; an
  unknown council is refused (64);
- the sudoers example documents one rule per council that pins --council.
"""

import json
import os
import re

from council_e2e import (SOURCE_DIR, Env, body_of, check, read_message, run, wait_for)

AUTHSERV = "e2e-scope.council.invalid"
ASHCOMBE = "Ashcombe Parish Council"
BRAMLEY = "Bramley Town Council"


def send_held(env, mail_from, data):
    code, text = env.send(mail_from, ["accounts@benchcraft.example.com"], data)
    check(code == 250, "reply (%s)" % text, code, 250)
    qid = re.search(r"queued as ([0-9A-F]+)", text).group(1)
    wait_for("%s in the hold queue" % qid, lambda: qid in env.held())
    return qid


def listed(r):
    check(r.returncode == 0, "list --json exit status (%s)" % r.stderr, r.returncode, 0)
    return sorted(h["queue_id"] for h in json.loads(r.stdout))


def test():
    with Env("review-scope") as env:
        conf = env.write_conf("tests/e2e/review-councils.conf.in", authserv=AUTHSERV,
                              council=ASHCOMBE)
        checks = os.path.join(env.root, "header_checks")
        with open(checks, "w") as f:
            f.write("/^Subject: Hold me for the postmaster/ HOLD held by Postfix itself\n")
        env.start_milter(conf)
        env.start_postfix(main_cf_extra="header_checks = regexp:%s\n" % checks)

        demo06 = read_message("tests/messages/demo/06-councillor-commits-council-to-pay.eml")
        qid_a = send_held(env, "cllr.smith@ashcombe-pc.gov.uk", demo06)
        bramley = (demo06.replace(b"Cllr Jane Smith <cllr.smith@ashcombe-pc.gov.uk>",
                                  b"Cllr Dev Shah <cllr.shah@bramley-tc.gov.uk>")
                   .replace(b"demo-06.obligation@ashcombe-pc.gov.uk",
                            b"scope-b.obligation@bramley-tc.gov.uk"))
        check(b"cllr.shah@bramley-tc.gov.uk" in bramley, "the Bramley message is Dev Shah's")
        qid_b = send_held(env, "cllr.shah@bramley-tc.gov.uk", bramley)
        other = (b"From: Margaret Wood <m.wood@example.org>\nTo: clerk@ashcombe-pc.gov.uk\n"
                 b"Subject: Hold me for the postmaster\nMessage-ID: <scope-c@example.org>\n\n"
                 b"The allotment hedge needs cutting.\n")
        qid_c = send_held(env, "m.wood@example.org", other)
        decisions = {j.get("queue_id"): j.get("action") for j in env.journal()
                     if j["event"] == "decision"}
        check(decisions.get(qid_a) == "hold" and decisions.get(qid_b) == "hold" and
              decisions.get(qid_c) == "accept", "the journal's decisions",
              decisions, {qid_a: "hold", qid_b: "hold", qid_c: "accept"})

        # -- only what council-milter held ----------------------------------
        check(listed(env.review(conf, "list", "--json")) == sorted([qid_a, qid_b]),
              "list --json: council-milter's two, not Postfix's own hold",
              listed(env.review(conf, "list", "--json")), sorted([qid_a, qid_b]))
        r = env.review(conf, "list")
        check(r.returncode == 0 and qid_c not in r.stdout and
              "1 other message in the hold queue was not held by council-milter" in r.stdout,
              "list says one other is left alone", r.stdout[-400:], "1 other message ...")
        for command in (["release", qid_c], ["delete", qid_c, "--note", "no"],
                        ["show", qid_c]):
            r = env.review(conf, *command)
            check(r.returncode == 66 and "not held by council-milter" in r.stderr,
                  "%s of a message council-milter did not hold" % command[0],
                  (r.returncode, r.stderr), "66")
        check(qid_c in env.held(), "Postfix's own hold is left alone", env.held(), qid_c)

        # -- one council ----------------------------------------------------
        for name in ("ashcombe-pc.gov.uk", ASHCOMBE.upper()):
            got = listed(env.review(conf, "--council", name, "list", "--json"))
            check(got == [qid_a], "--council %s list --json" % name, got, [qid_a])
        r = env.review(conf, "--council", "ashcombe-pc.gov.uk", "release", qid_b)
        check(r.returncode == 77 and "not held for %s" % ASHCOMBE in r.stderr,
              "--council Ashcombe release of Bramley's message", (r.returncode, r.stderr),
              "77")
        check(qid_b in env.held(), "Bramley's message still held", env.held(), qid_b)
        r = env.review(conf, "--council", "ashcombe-pc.gov.uk", "show", qid_a)
        check(r.returncode == 0 and "the council will pay" in r.stdout,
              "--council Ashcombe show of its own", (r.returncode, r.stderr), 0)
        n_before = len(env.delivered())
        r = env.review(conf, "--council", "bramley-tc.gov.uk", "digest")
        check(r.returncode == 0 and "review@bramley-tc.gov.uk" in r.stdout and
              "clerk@ashcombe-pc.gov.uk" not in r.stdout,
              "--council Bramley digest: Bramley's review_to only", r.stdout, "Bramley")

        def digest_arrived():
            return [m for m in env.delivered()[n_before:]
                    if "review@bramley-tc.gov.uk" in m["rcpts"]]
        digest = wait_for("Bramley's digest", digest_arrived)[0]
        check(qid_b.encode() in body_of(digest["data"]) and
              qid_a.encode() not in body_of(digest["data"]),
              "Bramley's digest lists Bramley's message only", body_of(digest["data"]))
        r = env.review(conf, "--council", "bramley-tc.gov.uk", "release", qid_b)
        check(r.returncode == 0, "--council Bramley release of its own (%s)" % r.stderr,
              r.returncode, 0)
        wait_for("%s released" % qid_b, lambda: qid_b not in env.held())

        # -- the scope cannot be widened ------------------------------------
        r = env.review(conf, "--council", "ashcombe-pc.gov.uk", "--council",
                       "bramley-tc.gov.uk", "list")
        check(r.returncode == 64 and "--council may be given once" in r.stderr,
              "--council twice", (r.returncode, r.stderr), 64)
        r = env.review(conf, "--council", "nowhere.example", "list")
        check(r.returncode == 64 and "no such council" in r.stderr,
              "an unknown council", (r.returncode, r.stderr), 64)
        r = env.review(conf, "list", "--council", "bramley-tc.gov.uk")
        check(r.returncode == 64, "--council after the command", (r.returncode, r.stderr), 64)

        # -- the journal says who, and how ----------------------------------
        released = [j for j in env.journal() if j["event"] == "review" and
                    j["action"] == "release" and j["queue_id"] == qid_b]
        check(len(released) == 1 and released[0]["by"] == "root" and
              released[0]["via"] == "council-review" and released[0]["council"] == BRAMLEY,
              "journal: the release, by whom and how", released, "by root via council-review")

        with open(os.path.join(SOURCE_DIR, "conf", "sudoers.d", "council-review")) as f:
            example = f.read()
        check(re.search(r"^#\s+%\S+ ALL=\(root\) NOPASSWD: /usr/sbin/council-review "
                        r"--council \S+ \*$", example, re.M) is not None,
              "the sudoers example pins --council for one council's Clerk", example[-600:])
        env.stop_milter()


if __name__ == "__main__":
    run(test)
