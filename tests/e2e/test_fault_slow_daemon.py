#!/usr/bin/python3
"""Fault: the daemon answers slower than Postfix's milter_content_timeout.
The slowness is injected outside the daemon, honestly and without a test
hook in it: a relay on the milter socket (fault.DelayProxy) holds the
end-of-message command for longer than the timeout. Postfix must give up,
tempfail the message (4xx to the client, the timeout in its log) and queue
nothing; the daemon, whose connection Postfix dropped mid-message, must stay
up and judge the next message; the sender's retry is delivered once."""

import os

from council_e2e import Env, check, read_message, run, wait_for
from fault import DelayProxy, Ledger, alive_and_well

MESSAGE = "tests/messages/demo/03-councillor-instructs-staff.eml"
TIMEOUT = 2     # seconds: milter_content_timeout
DELAY = 5       # seconds the end of message is held


def test():
    with Env("fault-slow") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv="e2e-fault.council.invalid",
                              council="Ashcombe Parish Council")
        env.start_milter(conf)
        proxy_path = os.path.join(env.root, "slow.sock")
        proxy = DelayProxy(proxy_path, env.milter_socket, DELAY)
        try:
            env.start_postfix(main_cf_extra="smtpd_milters = unix:%s\n"
                              "milter_content_timeout = %ds\n" % (proxy_path, TIMEOUT))
            ledger = Ledger(env)
            data = read_message(MESSAGE)
            code, text = ledger.send("cllr.hale@ashcombe-pc.gov.uk",
                                     ["grounds@ashcombe-pc.gov.uk"], data, tag="slow")
            check(proxy.delayed == 1, "end-of-message commands held by the relay",
                  proxy.delayed, 1)
            check(code // 100 == 4, "reply when the milter is too slow (%s)" % text, code, "4xx")
            wait_for("Postfix to log the milter timeout",
                     lambda: "timed out" in env.postfix_log() or
                     "Connection timed out" in env.postfix_log())
            ledger.settle()

            proxy.delay = 0     # the daemon is quick again
            code, text = ledger.send("cllr.hale@ashcombe-pc.gov.uk",
                                     ["grounds@ashcombe-pc.gov.uk"], data, tag="retry")
            check(code == 250, "reply to the retry (%s)" % text, code, 250)
            alive_and_well(env, ledger)
            ledger.settle()
            print(ledger.check())
        finally:
            proxy.stop()
        env.stop_milter()


if __name__ == "__main__":
    run(test)
