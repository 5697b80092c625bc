#!/usr/bin/python3
"""What the decision does to real mail, through the real Postfix (issue 6):

- annotate: the message arrives with its footer (smfi_replacebody) and the
  explicit Copied-To header; a councillor's instruction to staff arrives with
  the Clerk added as a recipient (smfi_addrcpt) and named in Cc;
- reject: the client gets a multi-line 550 5.7.1 naming the clause;
- hold: the message is in the hold queue (smfi_quarantine); its author and
  review_to get notices, which pass the milter unjudged (no loop);
  council-review list --json shows it with its rules and evidence, show
  prints it with its annotations, digest mails the Clerk about it, release
  delivers it with its annotations; a second held message is deleted and its
  author's notice, with the Clerk's note, arrives;
- council-review refuses (exit 77) without the power, and -c/-C through sudo;
- the journal has a line for each decision and each review action.
"""

import json
import re

from council_e2e import (Env, body_of, check, header_values, read_message, run,
                         wait_for)

AUTHSERV = "e2e-review.council.invalid"
COUNCIL = "Ashcombe Parish Council"
FOOTER = b"---- Council mail notice ----"
CLERK = "clerk@ashcombe-pc.gov.uk"


def with_id(env, message_id):
    """Messages at the sink whose Message-ID is MESSAGE_ID."""
    return [m for m in env.delivered()
            if header_values(m["data"], "Message-ID") == ["<%s>" % message_id]]


def wait_id(env, message_id, rcpts):
    """Wait until MESSAGE_ID reached each of RCPTS; the copies."""
    def arrived():
        got = with_id(env, message_id)
        seen = {r for m in got for r in m["rcpts"]}
        return got if set(rcpts) <= seen else None
    return wait_for("%s at the sink for %s" % (message_id, rcpts), arrived)


def wait_notice(env, rcpt, subject_part, after=0):
    """Wait for a notice to RCPT whose Subject contains SUBJECT_PART, among
    the sink's messages from index AFTER on."""
    def arrived():
        for m in env.delivered()[after:]:
            subj = " ".join(header_values(m["data"], "Subject"))
            if rcpt in m["rcpts"] and subject_part in subj:
                return m
        return None
    return wait_for("a notice to %s about [%s]" % (rcpt, subject_part), arrived)


def check_notice(m, what):
    """A notice comes from <> and passed the milter unjudged: no result
    header, and the marker (whose value must never leave) removed."""
    check(m["mail_from"] == "", "%s: envelope sender" % what, m["mail_from"], "")
    check(header_values(m["data"], "Council-Policy-Notice") == [],
          "%s: marker removed" % what, header_values(m["data"], "Council-Policy-Notice"), [])
    check(header_values(m["data"], "Council-Policy-Results") == [],
          "%s: passed unjudged (no result header)" % what,
          header_values(m["data"], "Council-Policy-Results"), [])
    check(header_values(m["data"], "Auto-Submitted") == ["auto-generated"],
          "%s: Auto-Submitted" % what, header_values(m["data"], "Auto-Submitted"),
          ["auto-generated"])


def send_held(env, path, mail_from, rcpts):
    code, text = env.send(mail_from, rcpts, read_message(path))
    check(code == 250, "reply to %s (%s)" % (path, text), code, 250)
    qid = re.search(r"queued as ([0-9A-F]+)", text).group(1)
    wait_for("%s in the hold queue" % qid, lambda: qid in env.held())
    return qid


def test():
    with Env("review") as env:
        conf = env.write_conf("tests/e2e/review.conf.in", authserv=AUTHSERV, council=COUNCIL)
        env.start_milter(conf)
        env.start_postfix()

        # -- annotate: the footer, and the Copied-To header ----------------
        code, text = env.send("cllr.smith@ashcombe-pc.gov.uk",
                              [CLERK, "cllr.jones@ashcombe-pc.gov.uk"],
                              read_message("tests/messages/demo/02-councillor-blind-copies-"
                                           "councillor.eml"))
        check(code == 250, "reply to the blind copy (%s)" % text, code, 250)
        for m in wait_id(env, "demo-02.bcc@ashcombe-pc.gov.uk",
                         [CLERK, "cllr.jones@ashcombe-pc.gov.uk"]):
            body = body_of(m["data"])
            check(FOOTER in body and b"Ann Jones" in body, "footer naming the blind copy",
                  body[-400:], "the council mail notice")
            copied = header_values(m["data"], "Council-Policy-Copied-To")
            check(len(copied) == 1 and "cllr.jones@" in copied[0], "Copied-To header",
                  copied, "Cllr Ann Jones")

        # -- annotate with the Clerk copied openly (addrcpt + Cc) ----------
        code, text = env.send("cllr.hale@ashcombe-pc.gov.uk", ["grounds@ashcombe-pc.gov.uk"],
                              read_message("tests/messages/demo/03-councillor-instructs-"
                                           "staff.eml"))
        check(code == 250, "reply to the instruction (%s)" % text, code, 250)
        for m in wait_id(env, "demo-03.instruct@ashcombe-pc.gov.uk",
                         ["grounds@ashcombe-pc.gov.uk", CLERK]):
            cc = " ".join(header_values(m["data"], "Cc"))
            check(CLERK in cc, "Cc names the Clerk added as a recipient", cc, CLERK)
            check(FOOTER in body_of(m["data"]), "the instruction's footer")

        # -- reject: 550 5.7.1, several lines, the clause -------------------
        code, text = env.send("cllr.hale@ashcombe-pc.gov.uk", ["admin@ashcombe-pc.gov.uk"],
                              read_message("tests/messages/demo/07-councillor-asks-staff-for-"
                                           "campaign-work.eml"))
        lines = text.split("\n")
        check(code == 550, "reply to campaign work", (code, text), 550)
        check(len(lines) >= 2 and all(l.startswith("5.7.1 ") for l in lines),
              "a multi-line reply, 5.7.1 on each line", lines, "5.7.1 ...")
        check("Clause 14.3" in text, "the reply names the clause", text, "Clause 14.3")

        # -- hold: the hold queue, and the two notices ---------------------
        qid = send_held(env, "tests/messages/demo/06-councillor-commits-council-to-pay.eml",
                        "cllr.smith@ashcombe-pc.gov.uk", ["accounts@benchcraft.example.com"])
        check_notice(wait_notice(env, "cllr.smith@ashcombe-pc.gov.uk", "is held for the Clerk"),
                     "hold notice to the author")
        review = wait_notice(env, CLERK, "Held for review")
        check_notice(review, "hold notice to review_to")
        check(("sudo council-review show %s" % qid).encode() in body_of(review["data"]),
              "review notice gives the command", body_of(review["data"])[-600:], qid)

        r = env.review(conf, "list", "--json")
        check(r.returncode == 0, "list --json exit status (%s)" % r.stderr, r.returncode, 0)
        listed = {h["queue_id"]: h for h in json.loads(r.stdout)}
        check(qid in listed, "list --json shows the held message", sorted(listed), qid)
        h = listed[qid]
        rules = [x["id"] for x in h["rules"]]
        check("obligation-in-member-name" in rules, "its rules", rules,
              "obligation-in-member-name")
        evidence = " ".join(x["evidence"] for x in h["rules"])
        check("the council will pay" in evidence, "its evidence", evidence,
              "the council will pay")
        for key, want in (("author", "cllr.smith@ashcombe-pc.gov.uk"),
                          ("subject", "Bench repairs on the green"),
                          ("recipients", ["accounts@benchcraft.example.com"]),
                          ("council", COUNCIL)):
            check(h[key] == want, "list --json: %s" % key, h[key], want)

        r = env.review(conf, "show", qid)
        check(r.returncode == 0, "show exit status (%s)" % r.stderr, r.returncode, 0)
        for want in ("obligation-in-member-name", "the council will pay",
                     "Council-Policy-Results:", FOOTER.decode()):
            check(want in r.stdout, "show prints [%s]" % want, r.stdout[-800:], want)

        # -- without the power: refused, and nothing happens ----------------
        r = env.review(conf, "release", qid, user="nobody")
        check(r.returncode == 77 and "sudo council-review release" in r.stderr,
              "release without root", (r.returncode, r.stderr), "77, how to get it")
        r = env.review(conf, "list", user="nobody")
        check(r.returncode == 77 and "council-review" in r.stderr and "journal" in r.stderr,
              "list without access to the journal", (r.returncode, r.stderr),
              "77, naming the group")
        r = env.review(conf, "release", qid, env={"SUDO_USER": "tom", "SUDO_UID": "1000",
                                                  "PATH": "/usr/bin:/bin"})
        check(r.returncode == 77 and "not allowed through sudo" in r.stderr,
              "-c and -C through sudo", (r.returncode, r.stderr), "77")
        check(qid in env.held(), "still held after the refusals", env.held(), qid)

        # -- digest: the Clerk hears of what is held ------------------------
        n_before = len(env.delivered())
        r = env.review(conf, "digest")
        check(r.returncode == 0 and "the digest: 1 held message" in r.stdout,
              "digest (%s)" % r.stderr, r.stdout, "the digest: 1 held message")
        digest = wait_notice(env, CLERK, "1 message held for review", after=n_before)
        check_notice(digest, "digest")
        check(qid.encode() in body_of(digest["data"]), "digest lists the queue id",
              body_of(digest["data"]), qid)

        # -- release: delivered, with its annotations -----------------------
        r = env.review(conf, "release", qid, "--note", "Confirmed with the supplier by phone")
        check(r.returncode == 0, "release exit status (%s)" % r.stderr, r.returncode, 0)
        m = wait_id(env, "demo-06.obligation@ashcombe-pc.gov.uk",
                    ["accounts@benchcraft.example.com"])[0]
        check(FOOTER in body_of(m["data"]), "released message carries its footer")
        results = header_values(m["data"], "Council-Policy-Results")
        check(len(results) == 1 and "action=hold" in results[0],
              "released message carries its result header", results, "action=hold")
        check(qid not in env.held(), "released: no longer held", env.held(), qid)

        # -- delete: gone, and the author told with the note ----------------
        qid2 = send_held(env, "tests/messages/demo/04-confidential-briefing-forwarded-to-"
                         "resident.eml", "cllr.jones@ashcombe-pc.gov.uk",
                         ["d.ferris@example.net"])
        r = env.review(conf, "delete", qid2)
        check(r.returncode == 64, "delete without a note", (r.returncode, r.stderr), 64)
        note = "This briefing is confidential: please do not forward it to residents."
        n_before = len(env.delivered())
        r = env.review(conf, "delete", qid2, "--note", note)
        check(r.returncode == 0, "delete exit status (%s)" % r.stderr, r.returncode, 0)
        check(qid2 not in env.held(), "deleted: no longer held", env.held(), qid2)
        returned = wait_notice(env, "cllr.jones@ashcombe-pc.gov.uk", "was not sent",
                               after=n_before)
        check_notice(returned, "notice of the deletion")
        flat = b" ".join(body_of(returned["data"]).split())
        check(note.encode() in flat, "the author is given the note", flat, note)
        check(with_id(env, "demo-04.confidential@ashcombe-pc.gov.uk") == [],
              "the deleted message was never delivered")

        r = env.review(conf, "digest")
        check(r.returncode == 0 and "no digest sent" in r.stdout,
              "digest with nothing held", r.stdout, "no digest sent")
        n_before = len(env.delivered())
        r = env.review(conf, "digest", "--always")
        check(r.returncode == 0 and "the digest: 0 held messages" in r.stdout,
              "digest --always with nothing held", r.stdout, "the digest: 0 held messages")
        check_notice(wait_notice(env, CLERK, "Nothing held for review", after=n_before),
                     "digest --always")

        # -- the journal: a line for each ----------------------------------
        journal = env.journal()
        decisions = {j.get("message_id"): j for j in journal if j["event"] == "decision"}
        for mid, action in (("demo-02.bcc@ashcombe-pc.gov.uk", "annotate"),
                            ("demo-03.instruct@ashcombe-pc.gov.uk", "annotate"),
                            ("demo-07.campaign@ashcombe-pc.gov.uk", "reject"),
                            ("demo-06.obligation@ashcombe-pc.gov.uk", "hold"),
                            ("demo-04.confidential@ashcombe-pc.gov.uk", "hold")):
            got = decisions.get(mid, {})
            check(got.get("action") == action and got.get("queue_id"),
                  "journal: decision on %s" % mid, got, action)
            check(got.get("findings"), "journal: findings for %s" % mid, got, "findings")
        check(decisions["demo-06.obligation@ashcombe-pc.gov.uk"]["queue_id"] == qid,
              "journal: the held message's queue id")
        reviews = [(j["action"], j["queue_id"], j["by"]) for j in journal
                   if j["event"] == "review"]
        for want in (("show", qid, "root"), ("release", qid, "root"),
                     ("delete", qid2, "root")):
            check(want in reviews, "journal: review action %s" % (want,), reviews, want)
        deleted = [j for j in journal if j["event"] == "review" and j["action"] == "delete"]
        check(deleted[0]["note"] == note and deleted[0]["notified"] ==
              "cllr.jones@ashcombe-pc.gov.uk", "journal: the deletion's note and notice",
              deleted[0], note)
        own = [j for j in journal if j.get("own_notice")]
        check(len(own) >= 7, "journal: the notices, passed unjudged", len(own),
              "2 per hold + 2 digests + deletion")
        env.stop_milter()


if __name__ == "__main__":
    run(test)
