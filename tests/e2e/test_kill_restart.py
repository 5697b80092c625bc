#!/usr/bin/python3
"""The daemon is killed (-9) in the middle of a message: Postfix answers 4xx
(nothing accepted unchecked); the daemon is restarted and the sender tries
again: the message arrives exactly once (nothing lost, nothing duplicated)."""

import re

from council_e2e import (Env, SmtpClient, check, header_values, read_message, run,
                         wait_for)

MESSAGE_ID = "<demo-01.clean@ashcombe-pc.gov.uk>"


def large_message():
    """The clean demo message with about 900 KB of minutes appended, so that
    the daemon dies with DATA well under way. It stays under
    limits.max_text_bytes (1 MiB), so the retried message is read in full
    and delivered rather than held as incomplete (on_incomplete)."""
    base = read_message("tests/messages/demo/01-clean-clerk-replies-to-resident.eml")
    filler = b"".join(b"Minute %06d: the council noted the report and moved on to the "
                      b"next item.\n" % i for i in range(12000))
    return base + b"\n" + filler


def test():
    with Env("kill") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv="e2e-kill.council.invalid",
                              council="Ashcombe Parish Council")
        env.start_milter(conf)
        env.start_postfix()
        data = large_message()
        wire = SmtpClient.wire(data)
        half = wire.rfind(b"\r\n", 0, len(wire) // 2) + 2

        with env.smtp() as c:
            c.command("EHLO council-e2e-client", expect=250)
            c.command("MAIL FROM:<clerk@ashcombe-pc.gov.uk>", expect=250)
            c.command("RCPT TO:<m.wood@example.org>", expect=250)
            c.command("DATA", expect=354)
            c.send_raw(wire[:half])
            env.kill_milter()
            c.send_raw(wire[half:] + b".\r\n")
            code, text = c.read_reply()
        check(code // 100 == 4, "reply at end of DATA after kill -9 (%s)" % text, code, "4xx")
        # postlogd writes the log asynchronously: wait for the line.
        wait_for("Postfix to log the milter failure as a temporary rejection",
                 lambda: re.search(r"milter-reject: END-OF-MESSAGE .*: 4\.7\.1 ",
                                   env.postfix_log()))
        wait_for("the Postfix queue to be empty", env.queue_empty)
        check(env.delivered() == [], "messages at the sink after the 4xx",
              len(env.delivered()), 0)

        env.start_milter(conf)
        code, text = env.send("clerk@ashcombe-pc.gov.uk", ["m.wood@example.org"], data)
        check(code == 250, "reply to the retried message's DATA (%s)" % text, code, 250)
        env.wait_delivered(1)
        wait_for("the Postfix queue to be empty", env.queue_empty)
        got = env.delivered()
        check(len(got) == 1, "messages at the sink after the retry", len(got), 1)
        ids = header_values(got[0]["data"], "Message-ID")
        check(ids == [MESSAGE_ID], "Message-ID of the delivered message", ids, [MESSAGE_ID])
        results = header_values(got[0]["data"], "Council-Policy-Results")
        check(len(results) == 1, "result headers on the retried message", len(results), 1)
        check(got[0]["data"].count(b"Minute 011999:") == 1, "the whole body arrived, once")
        env.stop_milter()


if __name__ == "__main__":
    run(test)
