#!/usr/bin/python3
"""The daemon's metrics, scraped during a run through the real Postfix:

- the seven demo messages are sent; the offline judge says what each
  should come to; the endpoint (HTTP on a loopback port) then counts exactly
  that: messages by action, findings by rule, a judge time for each message
  and notice, the held messages, and the filter's own notices (two per hold:
  the author's and the Clerk's), passed unjudged;
- the node-exporter textfile says the same;
- council-review releases one held message: one fewer held;
- a reload with a broken configuration is counted as a failure and leaves
  the generation; a good one moves it on; changed metrics settings are
  logged as waiting for a restart;
- the endpoint answers GET only.
"""

import json
import os
import re
import subprocess
import urllib.error
import urllib.request

from council_e2e import (MILTER_BIN, SOURCE_DIR, Env, check, free_port, read_message,
                         run, wait_for)

AUTHSERV = "e2e-metrics.council.invalid"
COUNCIL = "Ashcombe Parish Council"
DEMO = "tests/messages/demo"


def parse(text):
    """Prometheus text -> {"name{labels}": value}."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        check(r.headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
              "content type", r.headers.get("Content-Type"), "text/plain; version=0.0.4")
        return parse(r.read().decode())


def envelope(data):
    env = re.search(rb"^X-Council-Demo-Envelope:\s*(.*)$", data, re.M).group(1).decode()
    return (re.search(r"MAIL FROM:<([^>]*)>", env).group(1),
            re.findall(r"RCPT TO:<([^>]*)>", env))


def judge(conf, path, mail_from, rcpts):
    args = [MILTER_BIN, "--judge", path, "-c", conf, "--json", "--mail-from", mail_from]
    for r in rcpts:
        args += ["--rcpt", r]
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, "judge %s (%s)" % (path, r.stderr), r.returncode, 0)
    return json.loads(r.stdout)


def test():
    with Env("metrics") as env:
        port = free_port()
        prom = os.path.join(env.root, "council-milter.prom")
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", authserv=AUTHSERV, council=COUNCIL)
        with open(conf, "a") as f:
            f.write('metrics = { listen = "inet:%d@127.0.0.1"; textfile = "%s"; '
                    'interval = 1; };\n' % (port, prom))
        with open(conf) as f:
            good = f.read()
        env.start_milter(conf)
        env.start_postfix()
        m0 = scrape(port)
        check(m0["council_milter_config_generation"] == 1 and
              m0['council_milter_messages_total{action="accept"}'] == 0,
              "a fresh start", m0.get("council_milter_config_generation"), 1)

        want = {"accept": 0, "annotate": 0, "hold": 0, "reject": 0, "tempfail": 0}
        rules = {}
        for name in sorted(os.listdir(os.path.join(SOURCE_DIR, DEMO))):
            data = read_message(os.path.join(DEMO, name))
            mail_from, rcpts = envelope(data)
            verdict = judge(conf, os.path.join(SOURCE_DIR, DEMO, name), mail_from, rcpts)
            want[verdict["action"]] += 1
            for r in verdict["rules"]:
                rules[r["id"]] = rules.get(r["id"], 0) + 1
            code, text = env.send(mail_from, rcpts, data)
            check(code == (550 if verdict["action"] == "reject" else 250),
                  "%s: SMTP reply (%s)" % (name, text), code)
        holds = want["hold"]
        check(sum(want.values()) == 7 and holds >= 1, "the demo's messages", want)

        # The notices of the holds come back through the filter, unjudged.
        m = wait_for("every decision and notice counted", lambda: (
            lambda x: x if x["council_milter_notices_total"] == 2 * holds and
            sum(x['council_milter_messages_total{action="%s"}' % a] for a in want) == 7
            else None)(scrape(port)))
        for action, n in want.items():
            got = m['council_milter_messages_total{action="%s"}' % action]
            check(got == n, "messages_total{action=%s}" % action, got, n)
        for rule in ("silent-copy", "obligation-in-member-name", "member-instructs-staff",
                     "confidential", "capacity", "party-political", "pre-election"):
            got = m['council_milter_findings_total{rule="%s"}' % rule]
            check(got == rules.get(rule, 0), "findings_total{rule=%s}" % rule, got,
                  rules.get(rule, 0))
        check(m["council_milter_judge_duration_seconds_count"] == 7 + 2 * holds and
              m['council_milter_judge_duration_seconds_bucket{le="+Inf"}'] == 7 + 2 * holds,
              "a judge time for each message and notice",
              m["council_milter_judge_duration_seconds_count"], 7 + 2 * holds)
        check(m["council_milter_held_messages"] == holds, "held_messages",
              m["council_milter_held_messages"], holds)
        check(sum(v for k, v in m.items() if k.startswith("council_milter_tempfails_total"))
              == 0 and m["council_milter_journal_failures_total"] == 0,
              "no tempfails, no journal failures", m)

        # The textfile, written every second, comes to say the same (every
        # count; not the times).
        def differing(t):
            return [k for k in m if not k.startswith("council_milter_held_oldest") and
                    not k.startswith("council_milter_judge_duration_seconds_sum") and
                    t.get(k) != m[k]]

        def textfile():
            with open(prom) as f:
                t = parse(f.read())
            return t if not differing(t) else None
        try:
            wait_for("the textfile up to date", textfile, timeout=20)
        except Exception:
            with open(prom) as f:
                check(False, "the textfile's counts", differing(parse(f.read())), [])
        mode = os.stat(prom).st_mode & 0o777
        check(mode == 0o644, "the textfile's mode (node-exporter reads it)", oct(mode), "0o644")

        # The Clerk releases one: one fewer held.
        qid = env.held()[0]
        r = env.review(conf, "release", qid)
        check(r.returncode == 0, "release %s (%s)" % (qid, r.stderr), r.returncode, 0)
        m = scrape(port)
        check(m["council_milter_held_messages"] == holds - 1, "held after a release",
              m["council_milter_held_messages"], holds - 1)

        # A broken configuration refused, then a good one.
        with open(conf, "w") as f:
            f.write(good + "\nnot a setting\n")
        env.reload_milter()
        wait_for("the reload refused", lambda: "reload refused" in env.milter_log())
        m = scrape(port)
        check(m["council_milter_config_reload_failures_total"] == 1 and
              m["council_milter_config_last_reload_successful"] == 0 and
              m["council_milter_config_generation"] == 1, "a refused reload",
              (m["council_milter_config_reload_failures_total"],
               m["council_milter_config_last_reload_successful"],
               m["council_milter_config_generation"]), (1, 0, 1))
        with open(conf, "w") as f:
            f.write(good)
        env.reload_milter()
        wait_for("the reload", lambda: "reloaded " in env.milter_log())
        m = scrape(port)
        check(m["council_milter_config_generation"] == 2 and
              m["council_milter_config_last_reload_successful"] == 1, "a good reload",
              m["council_milter_config_generation"], 2)
        check("metrics settings changed" not in env.milter_log(),
              "no warning while the metrics settings stay", env.milter_log()[-800:])
        # Changed metrics settings wait for a restart, and the log says so.
        with open(conf, "w") as f:
            f.write(good.replace("interval = 1;", "interval = 2;"))
        env.reload_milter()
        wait_for("the warning", lambda: "the metrics settings changed; they take effect at "
                 "the next restart" in env.milter_log())
        check(scrape(port)["council_milter_config_generation"] == 3, "the third generation")

        req = urllib.request.Request("http://127.0.0.1:%d/metrics" % port, data=b"x",
                                     method="POST")
        try:
            urllib.request.urlopen(req, timeout=10)
            check(False, "POST to the metrics", "200", "405")
        except urllib.error.HTTPError as e:
            check(e.code == 405, "POST to the metrics", e.code, 405)
        env.stop_milter()
        check(os.path.exists(prom), "the textfile stays after a stop", False, True)


if __name__ == "__main__":
    run(test)
