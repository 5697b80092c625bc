#!/usr/bin/python3
"""The journal and the notice marker through the real Postfix and daemon:

- log rotation: the journal renamed, SIGUSR1, and the next decision goes to
  a new file under the configured name (the daemon opens it again even
  though the configuration did not change);
- the chain of hashes survives the rotation and a restart: council-review
  verify finds it whole through both files, and export shows a held
  message's decision and the Clerk's show with the hash the next line
  records; a line edited in the rotated file is found, with its line;
- a journal that cannot be written (it becomes /dev/full once the daemon
  runs): the client is told to try again later (4xx) and the line is in the
  daemon's log;
- a forged notice (the marker header with a made-up value, from <>) is
  judged like any other message: here held, with the marker removed.
"""

import json
import os
import re

from council_e2e import Env, check, read_message, run, wait_for

AUTHSERV = "e2e-journal.council.invalid"
COUNCIL = "Ashcombe Parish Council"


def decision_ids(path):
    import json
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l).get("message_id") for l in f if l.strip()]


def test():
    with Env("journal") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv=AUTHSERV, council=COUNCIL)
        env.start_milter(conf)
        env.start_postfix()
        journal = os.path.join(env.root, "journal.jsonl")
        clean = read_message("tests/messages/demo/01-clean-clerk-replies-to-resident.eml")

        code, text = env.send("clerk@ashcombe-pc.gov.uk", ["m.wood@example.org"], clean)
        check(code == 250, "first message (%s)" % text, code, 250)
        wait_for("the first decision in the journal",
                 lambda: "demo-01.clean@ashcombe-pc.gov.uk" in decision_ids(journal))
        os.rename(journal, journal + ".1")
        env.reload_milter()
        wait_for("the journal opened again", lambda: "opened again" in env.milter_log())
        bcc = read_message("tests/messages/demo/02-councillor-blind-copies-councillor.eml")
        code, text = env.send("cllr.smith@ashcombe-pc.gov.uk",
                              ["clerk@ashcombe-pc.gov.uk", "cllr.jones@ashcombe-pc.gov.uk"], bcc)
        check(code == 250, "second message (%s)" % text, code, 250)
        new = decision_ids(journal)
        old = decision_ids(journal + ".1")
        check(new == ["demo-02.bcc@ashcombe-pc.gov.uk"], "after rotation, the new file", new,
              ["demo-02.bcc@ashcombe-pc.gov.uk"])
        check(old == ["demo-01.clean@ashcombe-pc.gov.uk"], "the rotated file", old,
              ["demo-01.clean@ashcombe-pc.gov.uk"])

        # A rotation without SIGUSR1: the daemon follows the name by itself.
        os.rename(journal + ".1", journal + ".2")
        os.rename(journal, journal + ".1")
        code, text = env.send("clerk@ashcombe-pc.gov.uk", ["m.wood@example.org"], clean)
        check(code == 250, "third message (%s)" % text, code, 250)
        check(len(decision_ids(journal)) == 1, "after a rotation without a signal, the new file",
              decision_ids(journal), 1)


        code, text = env.send("", ["accounts@benchcraft.example.com"],
                              read_message("tests/messages/milter/forged-notice.eml"))
        check(code == 250, "forged notice accepted for judging (%s)" % text, code, 250)
        qid = re.search(r"queued as ([0-9A-F]+)", text).group(1)
        wait_for("the forged notice held", lambda: qid in env.held())
        line = [l for l in env.milter_log().splitlines() if "%s: council=" % qid in l]
        check(line and "action=hold" in line[0] and "notice=ours" not in line[0],
              "the forged notice was judged", line, "action=hold, not ours")
        r = env.review(conf, "show", qid)
        check(r.returncode == 0 and "Council-Policy-Notice" not in r.stdout,
              "the forged marker is removed from the held message", r.stdout[-1500:],
              "no Council-Policy-Notice")
        env.stop_milter()

        # A restart: the chain goes on from the last line.
        env.start_milter(conf)
        code, text = env.send("clerk@ashcombe-pc.gov.uk", ["m.wood@example.org"], clean)
        check(code == 250, "after a restart (%s)" % text, code, 250)
        r = env.review(conf, "verify")
        n = sum(len(decision_ids(journal + s)) for s in (".2", ".1", ""))
        check(r.returncode == 0 and "The chain is whole" in r.stdout and
              ("Checked 3 files, %d lines" % n) in r.stdout and ("record %d" % n) in r.stdout,
              "verify through two rotations and a restart", r.stdout, "whole, %d lines" % n)
        r = env.review(conf, "export", qid, "--json")
        got = [(x["text"], x["sha256"], x["next_line_prev"])
               for x in json.loads(r.stdout)["records"]]
        check(len(got) == 2 and '"event":"decision"' in got[0][0] and
              '"action":"show"' in got[1][0] and all(h == n for _, h, n in got),
              "export: the decision and the show, each vouched for by the next line", got)
        env.stop_milter()
        with open(journal + ".1") as f:
            lines = f.read().splitlines(True)
        lines[0] = lines[0].replace("demo-02", "demo-99")
        with open(journal + ".1", "w") as f:
            f.writelines(lines)
        r = env.review(conf, "verify")
        says = "%s line 1: the last line of %s.1 (line 1) was changed" % (journal, journal)
        check(r.returncode == 65 and says in r.stdout, "verify finds the edited line",
              r.stdout, says)

        # The journal cannot be written (its disk is full): the sender is asked
        # to retry. Start-up refuses a journal that is no regular file
        # (tests/conf/cases/system-devices.conf), so it becomes the full
        # device only once the daemon runs, as a disk fills up.
        full = os.path.join(env.root, "full-journal.jsonl")
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", name="full.conf",
                              authserv=AUTHSERV, council=COUNCIL)
        with open(conf) as f:
            text = f.read().replace('journal = "%s"' % journal, 'journal = "%s"' % full)
        with open(conf, "w") as f:
            f.write(text)
        env.start_milter(conf)
        reopened = env.milter_log().count("opened again")
        os.symlink("/dev/full", full + ".tmp")
        os.rename(full + ".tmp", full)
        env.reload_milter()
        wait_for("the journal opened again, now the full device",
                 lambda: env.milter_log().count("opened again") > reopened)
        code, text = env.send("clerk@ashcombe-pc.gov.uk", ["m.wood@example.org"], clean)
        check(code // 100 == 4, "reply when the journal cannot be written (%s)" % text, code,
              "4xx")
        log = env.milter_log()
        check(("cannot write to the journal %s" % full) in log and
              "the line not written: {" in log, "the failure and the line are logged",
              log[-1500:], "the error and the line")
        env.stop_milter()


if __name__ == "__main__":
    run(test)
