#!/usr/bin/python3
"""Fault: the worker that reads attached documents (council-extract) is
killed in the middle of each document (COUNCIL_EXTRACT_TEST_HOOK=kill in the
daemon's environment, which it hands to its worker). Through the real Postfix
and the real daemon: the Clerk's paper to a solicitor, a PDF, gets
on_incomplete's answer (hold: it is in Postfix's hold queue, and the daemon's
line says the attachment was not read, and why); a Word paper after it the
same; the daemon is still running and delivers a clean message. Restarted
without the hook, it reads a marked PDF and holds it for its marking, and an
unmarked one goes through. Every message is delivered, held or refused
exactly once (fault.py)."""

import os

from council_e2e import Env, check, read_message, run, wait_for
from fault import Ledger, alive_and_well, finish, summary_for, with_message_id

HOOK = "COUNCIL_EXTRACT_TEST_HOOK"
CLERK = "clerk@ashcombe-pc.gov.uk"
SOLICITOR = "cases@lawfirm.example"


def paper(name):
    """tests/messages/attachments/NAME from the e2e council's Clerk."""
    data = read_message("tests/messages/attachments/" + name)
    return data.replace(b"ashcombe-tc.gov.uk", b"ashcombe-pc.gov.uk")


def send_paper(env, ledger, name, tag, want, why):
    data, mid = with_message_id(paper(name), tag)
    code, text = env.send(CLERK, [SOLICITOR], data)
    ledger.record(mid, code, text, [SOLICITOR])
    check(code == 250, "%s: Postfix accepts it (%s)" % (tag, text), code, 250)
    line = wait_for("%s: the daemon's line for it" % tag, lambda: summary_for(env, mid))
    print("%s: daemon: %s" % (tag, line))
    check(("action=%s" % want) in line and why in line, "%s: what the daemon did" % tag, line,
          "... action=%s ... %s" % (want, why))
    if want == "hold":
        wait_for("%s: held" % tag, lambda: mid in ledger.held_ids())


def test():
    with Env("fault-document-worker") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv="e2e-fault.council.invalid",
                              council="Ashcombe Parish Council")
        os.environ[HOOK] = "kill"
        try:
            env.start_milter(conf)
        finally:
            del os.environ[HOOK]
        env.start_postfix()
        ledger = Ledger(env)
        send_paper(env, ledger, "libreoffice-none-pdf.eml", "killed-pdf", "hold",
                   'unread=(attachment "Item 9 report.pdf" could not be read (its reader was '
                   'killed by signal 9))')
        send_paper(env, ledger, "python-none-docx.eml", "killed-docx", "hold",
                   "killed by signal 9")
        # Still running, and a clean message goes through it; then a
        # restart without the hook.
        alive_and_well(env, ledger)
        env.stop_milter()
        env.start_milter(conf)
        send_paper(env, ledger, "libreoffice-heading-pdf.eml", "marked-pdf", "hold",
                   "rules=confidential/hold")
        send_paper(env, ledger, "libreoffice-none-pdf.eml", "unmarked-pdf", "accept",
                   "action=accept")
        finish(env, ledger)


if __name__ == "__main__":
    run(test)
