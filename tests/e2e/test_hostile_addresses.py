#!/usr/bin/python3
"""Addresses the filter once dropped (issue 15), through the real Postfix:
a blind copy to a councillor written with a quoted local part is disclosed,
and a confidential message to a source-routed recipient outside the
council is held, not delivered."""

from council_e2e import Env, check, header_values, read_message, run, wait_for

AUTHSERV = "e2e-addresses.council.invalid"


def test():
    with Env("addresses") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv=AUTHSERV,
                              council="Ashcombe Parish Council")
        env.start_milter(conf)
        env.start_postfix()

        # A blind copy to Cllr Jones, her address quoted as RFC 5321 allows.
        bcc = read_message("tests/messages/demo/02-councillor-blind-copies-councillor.eml")
        code, text = env.send("cllr.smith@ashcombe-pc.gov.uk",
                              ["clerk@ashcombe-pc.gov.uk", '"cllr.jones"@ashcombe-pc.gov.uk'],
                              bcc)
        check(code == 250, "reply to the quoted blind copy's DATA (%s)" % text, code, 250)
        got = env.wait_delivered(1)
        data = got[0]["data"]
        copied = header_values(data, "Council-Policy-Copied-To")
        check(len(copied) == 1 and "cllr.jones@ashcombe-pc.gov.uk" in copied[0],
              "the blind copy disclosed in Council-Policy-Copied-To", copied,
              ["Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>"])
        check(b"Copied to: Cllr Ann Jones" in data, "the footer names Cllr Ann Jones",
              data[-600:], "Copied to: Cllr Ann Jones")

        # A confidential briefing passed to an outsider by a source route.
        routed = read_message("tests/messages/hostile/address-routed-confidential-e2e.eml")
        code, text = env.send("cllr.jones@ashcombe-pc.gov.uk",
                              ["clerk@ashcombe-pc.gov.uk", "@relay.example:d.ferris@example.net"],
                              routed)
        check(code == 250, "reply to the source-routed message's DATA (%s)" % text, code, 250)

        def decided():
            lines = [j for j in env.journal() if j.get("event") == "decision"
                     and j.get("message_id") == "hostile-routed-confidential@ashcombe-pc.gov.uk"]
            return lines[0] if lines else None
        record = wait_for("the journal's decision on the source-routed message", decided)
        check(record.get("action") == "hold", "action for the source-routed recipient",
              record.get("action"), "hold")
        rules = [f.get("rule") for f in record.get("findings", [])]
        check("confidential" in rules, "rules that found something", rules, "confidential")
        evidence = " ".join(f.get("evidence", "") for f in record.get("findings", []))
        check("d.ferris@example.net (outside the council)" in evidence,
              "evidence names the recipient", evidence, "d.ferris@example.net (outside ...)")
        wait_for("the message in the hold queue", lambda: len(env.held()) == 1)
        # The sink gets the first message and the hold notices, never the held one.
        ids = [header_values(m["data"], "Message-ID") for m in env.delivered()]
        check(["<hostile-routed-confidential@ashcombe-pc.gov.uk>"] not in ids,
              "the held message is not delivered", ids, "no hostile-routed-confidential")
        env.stop_milter()


if __name__ == "__main__":
    run(test)
