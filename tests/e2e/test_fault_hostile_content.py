#!/usr/bin/python3
"""Fault: hostile content through the real Postfix and the real daemon:
MIME nested 2,000 levels deep, a 200 KB header field, NUL bytes in the body
and raw 8-bit (Latin-1, UTF-8, binary) header text. For each: the daemon
does not crash (still running, and a clean message goes through it after),
Postfix accepts it (250), the daemon's line says what it did, and that is
what this message must get: the deep one is held (read only in part, and
on_incomplete = hold), the long header passes, the 8-bit one is annotated
(a councillor's instruction to staff); each is then delivered or held
exactly as decided."""

from council_e2e import Env, check, header_values, read_message, run, wait_for
from fault import Ledger, alive_and_well, summary_for, with_message_id

COUNCILLOR = "cllr.jones@ashcombe-pc.gov.uk"
STAFF = "admin@ashcombe-pc.gov.uk"
HEAD = ("From: Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>\n"
        "To: Amy Green <admin@ashcombe-pc.gov.uk>\n"
        "Date: Tue, 4 Mar 2025 11:30:00 +0000\n")


def nested(depth):
    """multipart/mixed DEPTH levels deep, the text at the bottom."""
    out = [HEAD, "Subject: nested %d deep\nMIME-Version: 1.0\n" % depth]
    for i in range(depth):
        out.append('Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i))
    out.append("Content-Type: text/plain\n\nThe minutes are attached.\n")
    for i in reversed(range(depth)):
        out.append("--b%d--\n" % i)
    return "".join(out).encode()


def big_header(size):
    """A folded X-Comment field of SIZE bytes."""
    words, n = [], 0
    while n < size:
        w = "word%06d" % len(words)
        words.append(w)
        n += len(w) + 1
    lines = [" ".join(words[i:i + 7]) for i in range(0, len(words), 7)]
    return (HEAD + "Subject: a very long header\nX-Comment: " + "\n\t".join(lines) +
            "\nMIME-Version: 1.0\nContent-Type: text/plain\n\nThe minutes are attached.\n"
            ).encode()


def test():
    with Env("fault-content") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv="e2e-fault.council.invalid",
                              council="Ashcombe Parish Council")
        env.start_milter(conf)
        env.start_postfix()
        ledger = Ledger(env)
        cases = [("nested-2000", nested(2000), "hold"),
                 ("header-200k", big_header(200 * 1024), "accept"),
                 ("nul-8bit", read_message("tests/messages/fault/nul-bytes-and-8bit-headers.eml"),
                  "annotate")]
        for tag, data, action in cases:
            data, mid = with_message_id(data, tag)
            code, text = env.send(COUNCILLOR, [STAFF], data)
            ledger.record(mid, code, text, [STAFF])
            print("%s: %d %s" % (tag, code, text.splitlines()[0] if text else ""))
            check(code == 250, "%s: Postfix accepts it (%s)" % (tag, text), code, 250)
            line = wait_for("%s: the daemon's line for it" % tag, lambda: summary_for(env, mid))
            print("%s: daemon: %s" % (tag, line))
            check(("action=%s" % action) in line, "%s: what the daemon did" % tag, line,
                  "... action=%s" % action)
            if tag.startswith("nested"):
                check("limits=max_depth" in line,
                      "%s: the daemon's line says the rules did not see it all" % tag,
                      line, "... limits=max_depth")
            where = "held" if action == "hold" else "delivered"
            settled = wait_for("%s: %s" % (tag, where), lambda: (
                mid in ledger.held_ids() if action == "hold" else
                any(("<%s>" % mid) in header_values(m["data"], "Message-ID")
                    for m in env.delivered())))
            check(settled, "%s: %s as decided" % (tag, where))
        alive_and_well(env, ledger)
        ledger.settle()
        print(ledger.check())
        sent = {"<%s>" % mid for mid, _, _, _ in ledger.sent}
        for m in env.delivered():
            if not sent.intersection(header_values(m["data"], "Message-ID")):
                continue    # the daemon's own notice of a hold: passes unjudged
            results = header_values(m["data"], "Council-Policy-Results")
            check(len(results) == 1, "result headers on %s" % m["path"], len(results), 1)
        env.stop_milter()


if __name__ == "__main__":
    run(test)
