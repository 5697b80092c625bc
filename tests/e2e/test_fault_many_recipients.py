#!/usr/bin/python3
"""Fault: 5,000 recipients in one message. With Postfix allowing them all
(smtpd_recipient_limit raised), the daemon receives 5,000 RCPTs: under its
max_recipients (10,000 by default) the message is judged and delivered to
every recipient, once; with max_recipients = 1000 the daemon refuses to
judge it, the client sees 451 at the end of DATA naming the limit, the
daemon logs why, and nothing is delivered. Either way the daemon stays up."""

from council_e2e import Env, check, read_message, run, wait_for
from fault import Ledger, finish, milter_lines

N = 5000
MESSAGE = "tests/messages/demo/01-clean-clerk-replies-to-resident.eml"


def recipients():
    return ["resident%04d@example.org" % i for i in range(N)]


def run_case(max_recipients):
    with Env("fault-rcpts") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv="e2e-fault.council.invalid",
                              council="Ashcombe Parish Council")
        if max_recipients is not None:
            with open(conf, "a") as f:
                f.write("limits = { max_recipients = %d; };\n" % max_recipients)
        env.start_milter(conf)
        env.start_postfix(main_cf_extra="smtpd_recipient_limit = %d\n" % (N + 10))
        ledger = Ledger(env)
        code, text = ledger.send("clerk@ashcombe-pc.gov.uk", recipients(),
                                 read_message(MESSAGE), tag="rcpts")
        if max_recipients is None:
            check(code == 250, "reply with %d recipients (%s)" % (N, text), code, 250)
            ledger.settle()
            got = sorted(r for m in env.delivered() for r in m["rcpts"])
            check(got == sorted(recipients()), "recipients delivered, each once",
                  "%d (%d distinct)" % (len(got), len(set(got))), N)
            lines = wait_for("the daemon's line", lambda: milter_lines(env, "nrcpt=%d" % N))
            check("action=accept" in lines[0], "the daemon's line", lines[0],
                  "nrcpt=%d ... action=accept" % N)
        else:
            check(code == 451, "reply over max_recipients (%s)" % text, code, 451)
            check("try again later" in text, "the reply tells the sender to retry", text,
                  "... try again later")
            lines = wait_for("the daemon's line", lambda: milter_lines(env, "max_recipients"))
            check("action=tempfail" in lines[0], "the daemon logs the limit", lines[0],
                  "... action=tempfail ... max_recipients")
            ledger.settle()
        finish(env, ledger)


def test():
    run_case(None)
    run_case(1000)


if __name__ == "__main__":
    run(test)
