#!/usr/bin/python3
"""Throughput through a real Postfix on loopback: smtp-source -> a private
Postfix -> smtp-sink, the same load three times in one run: no milter, the
null milter (bench/null-milter.c) and council-milter on the demo config,
each through its own private Postfix instance (the end-to-end harness),
started once. Both milters listen on unix sockets. See bench/README.md for
the method.

The load: 5,000 messages over 10 parallel SMTP sessions, as five
smtp-source processes of two sessions each, one demo-like message and
envelope per process (a clean reply, a councillor blind-copying a
councillor, a councillor instructing staff, a councillor writing to the
press, a councillor writing to the Clerk): three of the five are annotated
by council-milter. Every message must reach the sink (Postfix logs
status=sent for it) before a run counts.

Rate: messages divided by the time from starting smtp-source to the last
delivery at the sink; the three runs are repeated --rounds times, in turn,
and the median rate of each is reported. Latency per message: Postfix's own delays=a/b/c/d
(logged to the microsecond with delay_logging_resolution_limit = 6); "a"
runs from MAIL FROM until the queue manager picks the message up, so it
holds the SMTP transaction and the milter's work; "total" is a+b+c+d, from
MAIL FROM to the sink's 250, which also holds the wait for delivery behind
earlier messages. The latency a milter adds is its "a" p50/p99 minus the
no-milter run's (percentiles over every message of every round).

  bench/postfix-throughput.sh [--build DIR] [--messages N] [--rounds N] [--load council|outside]
                              [--quick]

Needs root and Postfix (as the end-to-end tests). Last line:
milter_vs_null=RATIO (council-milter msgs/s divided by null milter msgs/s).
"""

import argparse
import contextlib
import faulthandler
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
os.environ.setdefault("COUNCIL_SOURCE_DIR", ROOT)
import council_e2e as e2e  # noqa: E402

STREAMS = [  # message file, envelope sender, recipient
    ("tests/messages/demo/01-clean-clerk-replies-to-resident.eml",
     "clerk@ashcombe-pc.gov.uk", "m.wood@example.org"),
    ("tests/messages/demo/02-councillor-blind-copies-councillor.eml",
     "cllr.smith@ashcombe-pc.gov.uk", "cllr.jones@ashcombe-pc.gov.uk"),
    ("tests/messages/demo/03-councillor-instructs-staff.eml",
     "cllr.hale@ashcombe-pc.gov.uk", "grounds@ashcombe-pc.gov.uk"),
    ("tests/messages/demo/05-councillor-writes-to-press.eml",
     "cllr.hale@ashcombe-pc.gov.uk", "newsdesk@ashcombe-gazette.co.uk"),
    ("tests/messages/milter/plain-lf.eml",
     "cllr.smith@ashcombe-pc.gov.uk", "clerk@ashcombe-pc.gov.uk"),
]
# --load outside: mail from outside the council (corpus messages, 8 KB to
# 113 KB, from an outsider to the Clerk), which council-milter decides from
# its envelope and headers and whose body it asks Postfix to skip.
CORPUS = os.environ.get("COUNCIL_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
OUTSIDE_STREAMS = [
    (os.path.join(CORPUS, "corpus", name), "resident@example.net", "clerk@ashcombe-pc.gov.uk")
    for name in ("rspamd/ham.eml", "rspamd/arcallow.eml", "mime4j/testmsgs-example.msg",
                 "rspamd/content_url.eml", "rspamd/pdf_js.eml")
]
SESSIONS_PER_STREAM = 2

COMMON_CF = """
# bench/postfix-throughput.py
delay_logging_resolution_limit = 6
"""
NO_MILTER_CF = "smtpd_milters =\nnon_smtpd_milters =\n"
SENT = re.compile(r"postfix/smtp\[\d+\]: [0-9A-F]+: to=<[^>]*>, .*?delays=([\d.e-]+)/"
                  r"([\d.e-]+)/([\d.e-]+)/([\d.e-]+), .*status=sent")


class SmtpSink:
    """Postfix's smtp-sink on a free loopback port, discarding everything."""

    def __init__(self):
        # A free port may be taken between the probe and smtp-sink's bind
        # (other tests run alongside, and every client connection takes an
        # ephemeral port): then smtp-sink exits and the port answers for
        # somebody else. Only a port our smtp-sink holds will do.
        for _ in range(5):
            self.port = e2e.free_port()
            self.proc = subprocess.Popen(
                ["smtp-sink", "-u", "postfix", "127.0.0.1:%d" % self.port, "256"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            e2e.wait_for("smtp-sink to listen", lambda: self.proc.poll() is not None or
                         e2e.port_open(self.port))
            if self.proc.poll() is None:
                return
            progress("smtp-sink could not listen on port %d; another port" % self.port)
        raise e2e.Failure("smtp-sink could not listen on a free port five times")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def progress(text):
    sys.stderr.write("postfix-throughput: %s\n" % text)
    sys.stderr.flush()


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def stacks(name, proc):
    """Every thread's stack of a live milter (gdb, when installed): what a
    stalled run was waiting on."""
    if proc is None or proc.poll() is not None:
        return
    try:
        r = subprocess.run(["gdb", "-p", str(proc.pid), "-batch", "-nx",
                            "-ex", "thread apply all bt"],
                           capture_output=True, text=True, timeout=60)
        progress("%s (pid %d), every thread:\n%s" % (name, proc.pid, r.stdout[-12000:]))
    except (OSError, subprocess.TimeoutExpired) as e:
        progress("%s (pid %d): no stacks (%s)" % (name, proc.pid, e))


def start_null_milter(env, build):
    sock = os.path.join(env.root, "null.sock")
    log = open(os.path.join(env.root, "null-milter.log"), "wb")
    proc = subprocess.Popen([os.path.join(build, "bench", "null-milter"), "-p", "unix:" + sock],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()
    e2e.wait_for("null-milter to listen", lambda: os.path.exists(sock) or proc.poll() is not None)
    if proc.poll() is not None:
        raise e2e.Failure("null-milter exited with status %d" % proc.returncode)
    return proc, sock


def stop_proc(proc):
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def diagnosis(env, offset, outputs=()):
    """What Postfix (and smtp-source) said that is not a plain delivery: the
    reason a run did not finish, printed before giving up."""
    log = env.postfix_log()[offset:]
    lines = [ln for ln in log.splitlines()
             if re.search(r"warning|fatal|panic|error|reject|deferred|bounced|timeout|milter",
                          ln)]
    text = "%d delivered; %d other log lines since the run began" % (
        len(SENT.findall(log)), len(lines))
    if lines:
        text += ", the last of them:\n  " + "\n  ".join(lines[-15:])
    for out in outputs:
        if out.strip():
            text += "\nsmtp-source said: " + out.strip()[-400:]
    return text


def run_load(env, mode, per_stream, wait, streams=None):
    """One run: start Postfix for MODE, send, wait (at most WAIT seconds
    each) for smtp-source to finish and for every delivery."""
    streams = streams if streams is not None else STREAMS
    n = per_stream * len(streams)
    offset = len(env.postfix_log())
    procs = []
    t0 = time.monotonic()
    for path, sender, rcpt in streams:
        procs.append(subprocess.Popen(
            ["smtp-source", "-s", str(SESSIONS_PER_STREAM), "-m", str(per_stream), "-d",
             "-F", os.path.join(ROOT, path), "-f", sender, "-t", rcpt,
             "-M", "bench.council.invalid", "127.0.0.1:%d" % env.smtp_port],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    try:
        outputs = [p.communicate(timeout=wait)[0].decode(errors="replace") for p in procs]
    except subprocess.TimeoutExpired:
        for p in procs:
            stop_proc(p)
        raise e2e.Failure("%s: smtp-source still sending after %d s; %s" % (
            mode, wait, diagnosis(env, offset)))
    t_sent = time.monotonic() - t0
    for p, out in zip(procs, outputs):
        if p.returncode != 0:
            raise e2e.Failure("%s: smtp-source failed (%d): %s" % (mode, p.returncode, out[-800:]))

    def all_sent():
        return len(SENT.findall(env.postfix_log()[offset:])) >= n
    try:
        e2e.wait_for("%d deliveries at the sink (%s)" % (n, mode), all_sent, timeout=wait,
                     interval=0.02)
    except e2e.Failure as e:
        raise e2e.Failure("%s; %s" % (e, diagnosis(env, offset, outputs)))
    t_done = time.monotonic() - t0
    rows = SENT.findall(env.postfix_log()[offset:])
    return {"mode": mode, "n": len(rows), "t_sent": t_sent, "t_done": t_done,
            "rate": len(rows) / t_done, "accept_rate": n / t_sent,
            "a": [float(r[0]) for r in rows],
            "total": [sum(float(x) for x in r) for r in rows]}


def council_conf(env):
    """The demo config with the daemon's files in the run's directory."""
    with open(os.path.join(ROOT, "conf", "examples", "demo.conf")) as f:
        demo = f.read()
    path = os.path.join(env.root, "demo.conf")
    with open(path, "w") as f:
        f.write('authserv_id = "bench.council.invalid";\n'
                'journal = "%s/journal.jsonl";\n'
                'notice_key = "%s/notice.key";\n'
                'thread_store = { path = "%s/threads"; };\n' % (env.root, env.root, env.root))
        f.write(demo)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true",
                    help="100 messages, one round: the bench-smoke test")
    ap.add_argument("--load", choices=("council", "outside"), default="council",
                    help="the councillors' demo messages (default), or corpus mail from "
                    "outside the council")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    os.environ.setdefault("COUNCIL_MILTER_BIN", os.path.join(build, "milter", "council-milter"))
    e2e.MILTER_BIN = os.environ["COUNCIL_MILTER_BIN"]
    messages = 100 if args.quick else args.messages
    rounds = 1 if args.quick else args.rounds
    streams = OUTSIDE_STREAMS if args.load == "outside" else STREAMS
    per_stream = max(1, messages // len(streams))
    # Each wait is bounded: 100 messages take seconds even under ASan, and
    # the smoke test must give its reason well inside ctest's 300 s.
    wait = 60 if args.quick else 600
    for tool in ("smtp-source", "smtp-sink", "postfix"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            sys.exit("postfix-throughput: %s not found (apt-get install postfix)" % tool)

    if args.quick:      # the smoke test: say where it is if it ever hangs
        faulthandler.dump_traceback_later(200, exit=False)
    results = []
    null_proc = None
    # One Postfix instance per configuration, each started once and kept for
    # every round: no instance is restarted in the same directories.
    with contextlib.ExitStack() as stack:
        envs = [stack.enter_context(e2e.Env("bench-%s" % tag)) for tag in ("none", "null", "cm")]
        sink = SmtpSink()
        stack.callback(sink.stop)
        for env in envs:
            env.sink = sink
        try:
            null_proc, null_sock = start_null_milter(envs[1], build)
            envs[2].start_milter(council_conf(envs[2]))
            runs = [("no milter", NO_MILTER_CF),
                    ("null milter", "smtpd_milters = unix:%s\nnon_smtpd_milters =\n" % null_sock),
                    ("council-milter", "smtpd_milters = unix:%s\nnon_smtpd_milters =\n"
                     % envs[2].milter_socket)]
            # --quick: a milter that stops answering shows as Postfix's
            # "milter timeout" well before the smoke test's waits give up
            # (the defaults, 30 s per command and 300 s for the body, are
            # what the measured runs use).
            quick_cf = "milter_content_timeout = 30s\n" if args.quick else ""
            for env, (mode, cf) in zip(envs, runs):
                progress("starting Postfix for the %s runs" % mode)
                env.start_postfix(main_cf_extra=COMMON_CF + quick_cf + cf)
            for rnd in range(rounds):
                for env, (mode, cf) in zip(envs, runs):
                    progress("round %d of %d: the %s run" % (rnd + 1, rounds, mode))
                    results.append(run_load(env, mode, per_stream, wait, streams))
                    e2e.wait_for("the queue to be empty", env.queue_empty)
            if envs[2].milter.poll() is not None:
                raise e2e.Failure("council-milter died during the run")
            annotated = envs[2].milter_log().count("action=annotate")
        except e2e.Failure:
            stacks("council-milter", envs[2].milter)
            stacks("null-milter", null_proc)
            raise
        finally:
            stop_proc(null_proc)

    modes = [m for m, _ in runs]
    merged = {}
    for m in modes:
        rs = [r for r in results if r["mode"] == m]
        rates = sorted(r["rate"] for r in rs)
        merged[m] = {"rate": rates[len(rates) // 2], "min": rates[0], "max": rates[-1],
                     "a": [x for r in rs for x in r["a"]],
                     "total": [x for r in rs for x in r["total"]], "n": rs[0]["n"]}
    base = merged[modes[0]]
    print("%d messages (%s) over %d SMTP sessions per run, %d round(s); msgs/s: median "
          "(min..max); latency from Postfix's delays=, seconds" % (
              base["n"], "from outside" if args.load == "outside" else "councillors' demo",
              SESSIONS_PER_STREAM * len(streams), rounds))
    print("%-15s %8s %18s %8s %8s %10s %10s %10s %10s" % (
        "run", "msgs/s", "min..max", "a p50", "a p99", "total p50", "total p99",
        "added p50", "added p99"))
    for m in modes:
        r = merged[m]
        a50, a99 = percentile(r["a"], 50), percentile(r["a"], 99)
        print("%-15s %8.1f %8.1f..%-8.1f %8.4f %8.4f %10.4f %10.4f %10.4f %10.4f" % (
            m, r["rate"], r["min"], r["max"], a50, a99, percentile(r["total"], 50),
            percentile(r["total"], 99), a50 - percentile(base["a"], 50),
            a99 - percentile(base["a"], 99)))
    print("council-milter annotated %d of %d messages" % (annotated, rounds * base["n"]))
    print("null_vs_none=%.3f" % (merged[modes[1]]["rate"] / base["rate"]))
    print("milter_vs_null=%.3f" % (merged[modes[2]]["rate"] / merged[modes[1]]["rate"]))


if __name__ == "__main__":
    try:
        main()
    except e2e.Failure as e:
        sys.exit("postfix-throughput: %s" % e)
