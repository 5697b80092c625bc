#!/usr/bin/python3
"""SIGTERM while a message is in DATA: the message is finished and judged
whole (the client gets 250 and the sink the message with its result header
and notice); a new message on another SMTP session meanwhile gets a 4xx the
client sees; the daemon exits 0 and removes its socket. Nothing is judged
in part. Through a private Postfix (tests/e2e/council_e2e.py)."""

import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "e2e"))
from council_e2e import (WAIT, Env, Failure, SmtpClient, check, header_values,  # noqa: E402
                         read_message, run, wait_for)

SENDER = "cllr.smith@ashcombe-pc.gov.uk"
RCPTS = ["clerk@ashcombe-pc.gov.uk", "cllr.jones@ashcombe-pc.gov.uk"]


def test():
    with Env("shutdown") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in",
                              authserv="e2e-shutdown.council.invalid",
                              council="Ashcombe Parish Council")
        env.start_milter(conf)
        env.start_postfix()
        # A councillor blind-copying another: annotated (a notice in the body).
        wire = SmtpClient.wire(
            read_message("tests/messages/demo/02-councillor-blind-copies-councillor.eml"))
        half = wire.rfind(b"\r\n", 0, len(wire) // 2) + 2

        with env.smtp() as a, env.smtp() as b:
            a.command("EHLO council-e2e-a", expect=250)
            a.command("MAIL FROM:<%s>" % SENDER, expect=250)
            for r in RCPTS:
                a.command("RCPT TO:<%s>" % r, expect=250)
            a.command("DATA", expect=354)
            a.send_raw(wire[:half])
            b.command("EHLO council-e2e-b", expect=250)

            proc = env.milter
            proc.send_signal(signal.SIGTERM)
            # libmilter stops listening within seconds; the daemon then
            # waits for the message in flight (A's) and turns new ones away.
            wait_for("the daemon to wait for the message in flight",
                     lambda: "waiting for 1 message(s) in flight" in env.milter_log())

            code, text = b.command("MAIL FROM:<%s>" % SENDER)
            check(code // 100 == 4, "reply to a new MAIL FROM while stopping (%s)" % text,
                  code, "4xx")
            check(code == 451 and "stopping" in text,
                  "the filter's own reply while stopping", (code, text),
                  (451, "... is stopping; ..."))

            a.send_raw(wire[half:] + b".\r\n")
            code, text = a.read_reply()
            check(code == 250, "reply to the message in DATA at the stop (%s)" % text,
                  code, 250)

        try:
            status = proc.wait(timeout=WAIT)
        except Exception:
            raise Failure("council-milter did not exit after the message in flight")
        env.milter = None
        check(status == 0, "exit status after SIGTERM", status, 0)
        check(not os.path.exists(env.milter_socket), "socket removed at the stop",
              env.milter_socket, "gone")
        log = env.milter_log()
        check("not taken now: council-milter is stopping" in log,
              "the refused message is logged", log[-800:], "... not taken now ...")
        check("action=annotate" in log, "the message in flight has its summary line",
              log[-800:], "action=annotate")

        got = env.wait_delivered(1)
        check(len(got) == 1, "messages at the sink", len(got), 1)
        results = header_values(got[0]["data"], "Council-Policy-Results")
        check(len(results) == 1 and "action=annotate" in results[0],
              "result header of the message finished at the stop", results,
              ["...action=annotate..."])
        check(b"Council mail notice" in got[0]["data"],
              "the notice is in the message finished at the stop")


if __name__ == "__main__":
    run(test)
