#!/usr/bin/python3
"""Fault: the daemon is killed (-9) while four SMTP sessions are each in
the middle of sending a message body. Every client must get a 4xx at the end
of DATA (Postfix logs the milter failure), nothing may be queued or
delivered unchecked; after a restart each sender's retry is delivered
exactly once, or held for the Clerk exactly once (the confidential one).
(tests/e2e/test_kill_restart.py does the same with one large message; this
one has several sessions in flight and does the accounting.)"""

from council_e2e import Env, SmtpClient, check, read_message, run, wait_for
from fault import Ledger, finish, with_message_id

SENDERS = [("clerk@ashcombe-pc.gov.uk", "m.wood@example.org",
            "tests/messages/demo/01-clean-clerk-replies-to-resident.eml"),
           ("cllr.hale@ashcombe-pc.gov.uk", "grounds@ashcombe-pc.gov.uk",
            "tests/messages/demo/03-councillor-instructs-staff.eml"),
           ("cllr.hale@ashcombe-pc.gov.uk", "newsdesk@ashcombe-gazette.co.uk",
            "tests/messages/demo/05-councillor-writes-to-press.eml"),
           ("cllr.jones@ashcombe-pc.gov.uk", "d.ferris@example.net",  # held for the Clerk
            "tests/messages/demo/04-confidential-briefing-forwarded-to-resident.eml")]


def padded(path, i):
    """The message with about 300 KB of minutes appended."""
    filler = b"".join(b"Minute %d.%05d: the council noted the report.\n" % (i, n)
                      for n in range(7000))
    return read_message(path) + b"\n" + filler


def test():
    with Env("fault-kill") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv="e2e-fault.council.invalid",
                              council="Ashcombe Parish Council")
        env.start_milter(conf)
        env.start_postfix()
        ledger = Ledger(env)
        clients, messages = [], []
        for i, (sender, rcpt, path) in enumerate(SENDERS):
            data, mid = with_message_id(padded(path, i), "kill%d" % i)
            wire = SmtpClient.wire(data)
            half = wire.rfind(b"\r\n", 0, len(wire) // 2) + 2
            c = env.smtp().__enter__()
            c.command("EHLO council-e2e-client", expect=250)
            c.command("MAIL FROM:<%s>" % sender, expect=250)
            c.command("RCPT TO:<%s>" % rcpt, expect=250)
            c.command("DATA", expect=354)
            c.send_raw(wire[:half])
            clients.append((c, wire[half:], mid, rcpt))
            messages.append((sender, rcpt, data))
        env.kill_milter()
        for c, rest, mid, rcpt in clients:
            c.send_raw(rest + b".\r\n")
            code, text = c.read_reply()
            c.__exit__(None, None, None)
            ledger.record(mid, code, text, [rcpt])
            check(code // 100 == 4, "reply at end of DATA after kill -9 (%s)" % text, code, "4xx")
        # Postfix's log is written asynchronously (postlogd): wait for it.
        wait_for("Postfix to log each milter failure",
                 lambda: env.postfix_log().count("milter-reject: END-OF-MESSAGE") >= len(SENDERS))
        ledger.settle()
        check(env.delivered() == [], "messages at the sink after the kill",
              len(env.delivered()), 0)

        env.start_milter(conf)
        for sender, rcpt, data in messages:
            code, text = ledger.send(sender, [rcpt], data, tag="retry")
            check(code == 250, "reply to a retry after the restart (%s)" % text, code, 250)
        finish(env, ledger)


if __name__ == "__main__":
    run(test)
