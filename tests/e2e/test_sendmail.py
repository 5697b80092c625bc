#!/usr/bin/python3
"""council-milter behind a real Sendmail (issue 19), from Debian's own
packages run from a temporary folder (sendmail_e2e.py), with
INPUT_MAIL_FILTER to the daemon built here and delivery to the sink:

- annotate: a councillor's blind copy, sent with SMTP AUTH, reaches the
  sink with the result header and the footer; the daemon's log line starts
  with Sendmail's queue id (the one in the Received header) and names the
  AUTH login ({auth_authen}), and so does the journal;
- reject: campaign work gets 550 5.7.1 with the clause, at the client;
- hold: a confidential briefing stays in Sendmail's quarantine (an hf file),
  its reason (the q line) being the daemon's hold reason; the notices reach
  the author and review_to;
- council-review with mta = "sendmail" (and -C, this .cf): list --json shows
  it, show prints it with its annotations, digest mails the Clerk about
  it, release takes it out of the
  quarantine and delivers it at once (the daemon's queue runs are an hour
  apart); a second held message is deleted (its queue files gone) and its
  author told with the note; every action is in the journal.

    test_sendmail.py DEBS_CACHE

Skipped (77) with the reason where the machine cannot run it (not root, no
m4, no Cyrus SASL plugins, apt-get cannot download); in CI those fail.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from council_e2e import body_of, check, header_values, read_message, run, wait_for  # noqa: E402
from sendmail_e2e import SASL_PASSWORD, SASL_USER, SendmailEnv  # noqa: E402
from test_review import wait_id, wait_notice, with_id  # noqa: E402

AUTHSERV = "e2e-sendmail.council.invalid"
COUNCIL = "Ashcombe Parish Council"
FOOTER = b"---- Council mail notice ----"
CLERK = "clerk@ashcombe-pc.gov.uk"
DEMO = "tests/messages/demo/"


def queue_id(text):
    """Sendmail's queue id in its reply to DATA ("2.0.0 6B75MRFd029151
    Message accepted for delivery")."""
    m = re.search(r"2\.0\.0 ([0-9A-Za-z]+) Message accepted", text)
    return m.group(1) if m else None


def hf_reason(env, qid):
    """The q line of the quarantined message's hf file."""
    with open(env.queue_file("hf", qid), "rb") as f:
        for line in f.read().split(b"\n"):
            if line.startswith(b"q"):
                return line[1:].decode("utf-8", "replace")
    return None


def send_held(env, name, mail_from, rcpts):
    code, text = env.send(mail_from, rcpts, read_message(DEMO + name))
    qid = queue_id(text)
    check(code == 250 and qid, "reply to %s (%s)" % (name, text), code, 250)
    wait_for("%s in Sendmail's quarantine" % qid, lambda: qid in env.quarantined())
    return qid


def test(debs_cache):
    with SendmailEnv(debs_cache) as env:
        conf = env.write_conf("tests/e2e/review.conf.in", authserv=AUTHSERV, council=COUNCIL)
        with open(conf, "a") as f:
            f.write('mta = "sendmail";\n')
        env.start_milter(conf)
        env.start_sendmail()

        # -- annotate, with SMTP AUTH: queue id and login reach the daemon --
        code, text = env.send("cllr.smith@ashcombe-pc.gov.uk",
                              [CLERK, "cllr.jones@ashcombe-pc.gov.uk"],
                              read_message(DEMO + "02-councillor-blind-copies-councillor.eml"),
                              auth=(SASL_USER, SASL_PASSWORD))
        qid = queue_id(text)
        check(code == 250 and qid, "reply to the blind copy (%s)" % text, code, 250)
        m = wait_id(env, "demo-02.bcc@ashcombe-pc.gov.uk",
                    [CLERK, "cllr.jones@ashcombe-pc.gov.uk"])[0]
        results = header_values(m["data"], "Council-Policy-Results")
        check(len(results) == 1 and results[0].startswith(AUTHSERV + ";") and
              "silent-copy=annotate" in results[0], "result header at the sink", results,
              ["%s; ... silent-copy=annotate ..." % AUTHSERV])
        body = body_of(m["data"])
        check(FOOTER in body and b"Ann Jones" in body, "footer naming the blind copy",
              body[-400:], FOOTER)
        received = " ".join(header_values(m["data"], "Received"))
        check(("id %s" % qid) in received, "Sendmail's queue id in its Received header",
              received, qid)
        summary = [l for l in env.milter_log().splitlines()
                   if re.search(r": %s: council=" % re.escape(qid), l)]
        check(len(summary) == 1, "the daemon's summary line starts with Sendmail's queue id",
              env.milter_log()[-1500:], "council-milter[PID]: %s: council=..." % qid)
        check(summary and ("auth=%s" % SASL_USER) in summary[0],
              "the daemon saw the AUTH login ({auth_authen})", summary, "auth=" + SASL_USER)
        decision = [j for j in env.journal() if j.get("queue_id") == qid]
        check(decision and decision[0].get("action") == "annotate" and
              SASL_USER in json.dumps(decision[0]), "the journal's line for it", decision,
              "action annotate, the AUTH login")

        # -- reject: 550 5.7.1 with the clause, to the client ----------------
        code, text = env.send("cllr.hale@ashcombe-pc.gov.uk", ["admin@ashcombe-pc.gov.uk"],
                              read_message(DEMO + "07-councillor-asks-staff-for-campaign-"
                                           "work.eml"))
        lines = text.split("\n")
        check(code == 550 and all(l.startswith("5.7.1 ") for l in lines),
              "reply to campaign work", (code, lines), "550, 5.7.1 on each line")
        check("Clause 14.3" in text, "the reply names the clause", text, "Clause 14.3")

        # -- hold: Sendmail's quarantine, with the reason; the notices -------
        n_before = len(env.delivered())
        qid = send_held(env, "06-councillor-commits-council-to-pay.eml",
                        "cllr.smith@ashcombe-pc.gov.uk", ["accounts@benchcraft.example.com"])
        held = [j for j in env.journal() if j.get("queue_id") == qid]
        want_reason = held[0].get("hold_reason") if held else None
        check(want_reason and hf_reason(env, qid) == want_reason,
              "the quarantine's reason is the daemon's", hf_reason(env, qid), want_reason)
        r = env.sendmail("-bp", "-qQ")
        check(qid in r.stdout and "QUARANTINE:" in r.stdout, "mailq -qQ lists it",
              r.stdout, qid)
        wait_notice(env, "cllr.smith@ashcombe-pc.gov.uk", "is held for the Clerk",
                    after=n_before)
        review = wait_notice(env, CLERK, "Held for review", after=n_before)
        check(("sudo council-review show %s" % qid).encode() in body_of(review["data"]),
              "the review notice gives the command", body_of(review["data"])[-600:], qid)

        # -- council-review on the quarantine -------------------------------
        r = env.review(conf, "list", "--json")
        check(r.returncode == 0, "list --json exit status (%s)" % r.stderr, r.returncode, 0)
        listed = {h["queue_id"]: h for h in json.loads(r.stdout or "[]")}
        check(list(listed) == [qid], "list --json shows the quarantined message",
              sorted(listed), [qid])
        h = listed.get(qid, {})
        for key, want in (("author", "cllr.smith@ashcombe-pc.gov.uk"),
                          ("sender", "cllr.smith@ashcombe-pc.gov.uk"),
                          ("subject", "Bench repairs on the green"),
                          ("recipients", ["accounts@benchcraft.example.com"]),
                          ("council", COUNCIL), ("in_journal", True)):
            check(h.get(key) == want, "list --json: %s" % key, h.get(key), want)
        check(0 <= h.get("age_seconds", -1) < 600, "list --json: its age, from the hf file",
              h.get("age_seconds"), "a few seconds")

        r = env.review(conf, "show", qid)
        check(r.returncode == 0, "show exit status (%s)" % r.stderr, r.returncode, 0)
        for want in ("obligation-in-member-name", "Subject: Bench repairs on the green",
                     "Council-Policy-Results:", FOOTER.decode()):
            check(want in r.stdout, "show prints [%s]" % want, r.stdout[-1500:], want)
        check("Return-Path" not in r.stdout, "show leaves out what Sendmail adds per mailer",
              r.stdout[:800], "no Return-Path")

        n_before = len(env.delivered())
        r = env.review(conf, "digest")
        check(r.returncode == 0 and "the digest: 1 held message" in r.stdout,
              "digest (%s)" % r.stderr, r.stdout, "the digest: 1 held message")
        digest = wait_notice(env, CLERK, "1 message held for review", after=n_before)
        check(qid.encode() in body_of(digest["data"]), "the digest lists the queue id")

        r = env.review(conf, "release", qid, "--note", "Agreed with the supplier")
        check(r.returncode == 0, "release exit status (%s)" % r.stderr, r.returncode, 0)
        check(qid not in env.quarantined(), "released: out of the quarantine",
              env.quarantined(), "not " + qid)
        m = wait_id(env, "demo-06.obligation@ashcombe-pc.gov.uk",
                    ["accounts@benchcraft.example.com"])[0]
        check(FOOTER in body_of(m["data"]), "the released message carries its footer")

        qid2 = send_held(env, "04-confidential-briefing-forwarded-to-resident.eml",
                         "cllr.jones@ashcombe-pc.gov.uk", ["d.ferris@example.net"])
        note = "This briefing is confidential: please do not forward it to residents."
        n_before = len(env.delivered())
        r = env.review(conf, "delete", qid2, "--note", note)
        check(r.returncode == 0, "delete exit status (%s)" % r.stderr, r.returncode, 0)
        for kind in ("hf", "qf", "df"):
            check(not os.path.exists(env.queue_file(kind, qid2)),
                  "deleted: no %s file left" % kind, env.queue_file(kind, qid2), "gone")
        returned = wait_notice(env, "cllr.jones@ashcombe-pc.gov.uk", "was not sent",
                               after=n_before)
        check(note.encode() in b" ".join(body_of(returned["data"]).split()),
              "the author is given the note")
        r = env.review(conf, "list")
        check(r.returncode == 0 and "Nothing is held" in r.stdout,
              "list after release and delete", (r.returncode, r.stdout, r.stderr),
              "Nothing is held for review.")
        check(with_id(env, "demo-04.confidential@ashcombe-pc.gov.uk") == [],
              "the deleted message was never delivered")

        reviews = [(j["action"], j["queue_id"]) for j in env.journal()
                   if j.get("event") == "review"]
        for want in (("show", qid), ("release", qid), ("delete", qid2)):
            check(want in reviews, "journal: review action %s" % (want,), reviews, want)
        env.stop_milter()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: test_sendmail.py DEBS_CACHE")
    run(lambda: test(sys.argv[1]))
