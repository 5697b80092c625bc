#!/usr/bin/python3
"""Fault: the daemon is not running (its socket is missing). Postfix must not
pass mail unchecked: milter_default_action = tempfail gives the client a 4xx,
Postfix logs why, and nothing is queued. Once the daemon is started, the
sender's retry is delivered, judged, exactly once."""

from council_e2e import Env, check, read_message, run, wait_for
from fault import Ledger, finish

MESSAGE = "tests/messages/demo/02-councillor-blind-copies-councillor.eml"


def test():
    with Env("fault-absent") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv="e2e-fault.council.invalid",
                              council="Ashcombe Parish Council")
        env.start_postfix()          # no daemon: the socket does not exist
        ledger = Ledger(env)
        data = read_message(MESSAGE)
        code, text = ledger.send("cllr.smith@ashcombe-pc.gov.uk",
                                 ["clerk@ashcombe-pc.gov.uk", "cllr.jones@ashcombe-pc.gov.uk"],
                                 data, tag="absent")
        check(code // 100 == 4, "reply while the daemon is absent (%s)" % text, code, "4xx")
        # Postfix's log is written asynchronously (postlogd): wait for it.
        want = "connect to Milter service unix:%s: No such file or directory" % env.milter_socket
        wait_for("Postfix to log that it could not reach the milter (%s)" % want,
                 lambda: want in env.postfix_log())
        ledger.settle()
        check(env.delivered() == [], "messages at the sink while the daemon is absent",
              len(env.delivered()), 0)

        env.start_milter(conf)
        code, text = ledger.send("cllr.smith@ashcombe-pc.gov.uk",
                                 ["clerk@ashcombe-pc.gov.uk", "cllr.jones@ashcombe-pc.gov.uk"],
                                 data, tag="retry")
        check(code == 250, "reply to the retry once the daemon runs (%s)" % text, code, 250)
        finish(env, ledger)


if __name__ == "__main__":
    run(test)
