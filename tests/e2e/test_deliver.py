#!/usr/bin/python3
"""A message sent through the real Postfix reaches the sink with exactly one
result header (ours: forged copies removed), its body untouched, and every
per-message line of the daemon's log starts with Postfix's queue id."""

import re

from council_e2e import Env, body_of, check, header_values, read_message, run, wait_for

AUTHSERV = "e2e-deliver.council.invalid"


def test():
    with Env("deliver") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv=AUTHSERV,
                              council="Ashcombe Parish Council")
        env.start_milter(conf)
        env.start_postfix()

        clean = read_message("tests/messages/demo/01-clean-clerk-replies-to-resident.eml")
        code, text = env.send("clerk@ashcombe-pc.gov.uk", ["m.wood@example.org"], clean)
        check(code == 250, "reply to the clean message's DATA (%s)" % text, code, 250)
        forged = read_message("tests/messages/milter/forged-result-header.eml")
        code, text = env.send("m.wood@example.org", ["clerk@ashcombe-pc.gov.uk"], forged)
        check(code == 250, "reply to the forged message's DATA (%s)" % text, code, 250)

        got = env.wait_delivered(2)
        check(len(got) == 2, "messages at the sink", len(got), 2)
        # Postfix delivers in parallel: match them up by Message-ID.
        by_id = {header_values(m["data"], "Message-ID")[0]: m for m in got}
        for sent in (clean, forged):
            msg = by_id[header_values(sent, "Message-ID")[0]]
            results = header_values(msg["data"], "Council-Policy-Results")
            check(len(results) == 1, "Council-Policy-Results headers in %s" % msg["path"],
                  len(results), 1)
            check(results[0].startswith(AUTHSERV + ";"),
                  "result header starts with the authserv-id", results[0], AUTHSERV + "; ...")
            check("forged" not in results[0], "the forged header was replaced",
                  results[0], "no 'forged'")
            copied = header_values(msg["data"], "Council-Policy-Copied-To")
            check(copied == [], "forged Council-Policy-Copied-To removed", copied, [])
            check(body_of(msg["data"]) == body_of(SmtpWire(sent)),
                  "body delivered unchanged (%s)" % msg["path"])
        clean_rcpts = by_id[header_values(clean, "Message-ID")[0]]["rcpts"]
        check(clean_rcpts == ["m.wood@example.org"], "envelope recipients at the sink",
              clean_rcpts, ["m.wood@example.org"])

        # Every per-message line starts with the queue id Postfix gave it
        # (postlogd writes asynchronously: wait for both of its lines).
        def postfix_qids():
            found = set(re.findall(r"postfix/cleanup\[\d+\]: ([0-9A-F]+): message-id=",
                                   env.postfix_log()))
            return found if len(found) == 2 else None
        qids = wait_for("two queue ids in the Postfix log", postfix_qids)
        lines = [l for l in env.milter_log().splitlines() if "council=" in l]
        check(len(lines) == 2, "per-message summary lines in the milter log", lines, 2)
        for line in lines:
            m = re.match(r"council-milter\[\d+\]: ([0-9A-F]+): council=", line)
            check(m is not None and m.group(1) in qids,
                  "summary line starts with a Postfix queue id", line, sorted(qids))
        env.stop_milter()


def SmtpWire(data):
    """The message as Postfix stores it: CRLF line ends."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


if __name__ == "__main__":
    run(test)
