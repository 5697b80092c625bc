#!/usr/bin/python3
"""The council-milter demo (run through scripts/demo.sh).

Starts council-milter on conf/examples/demo.conf (Ashcombe Parish Council),
a private Postfix on 127.0.0.1:2525 that passes every message through it and
delivers to a local sink, sends the demo messages (tests/messages/demo/*.eml)
and says, for each, what happened to it (delivered, annotated, held or
refused), read from the sink, the Postfix log and the milter's log; then the
notices of the held ones and how the Clerk reviews them with council-review,
and the Clerk's web page on loopback with a demo reviewer's sign-in. Then it
stays up for you to send your own with swaks, until Ctrl-C, and stops
everything it started.
"""

import argparse
import email
import email.policy
import glob
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))
os.environ.setdefault("COUNCIL_SOURCE_DIR", SOURCE)
import council_e2e  # noqa: E402
from council_e2e import Env, wait_for  # noqa: E402
import web_e2e  # noqa: E402

# The demo's reviewer of the web page (council-review user add).
DEMO_REVIEWER = "clerk"
DEMO_PASSWORD = "ashcombe demo password"

FOOTER_BEGIN = "---- Council mail notice ----"
FOOTER_END = "---- End of council mail notice ----"
ENVELOPE_RE = re.compile(r"^X-Council-Demo-Envelope:\s*(.*)$", re.M)


def demo_conf(env, metrics_port, web_port):
    """demo.conf with its journal, notice key and thread store in the demo's own
    temporary directory, notices sent through the demo's own Postfix (the
    socket comes from -p), its metrics served on METRICS_PORT, and the web
    page on 127.0.0.1:WEB_PORT (as nobody, its helper's socket in the
    temporary directory too)."""
    with open(os.path.join(SOURCE, "conf", "examples", "demo.conf")) as f:
        text = f.read()
    paths = {"journal": 'journal = "%s/journal.jsonl";' % env.root,
             "notice_key": 'notice_key = "%s/notice.key";' % env.root,
             "sendmail": 'sendmail = "%s";' % env.write_sendmail(),
             "thread_store": 'thread_store = { path = "%s/threads"; };' % env.root,
             "metrics": 'metrics = { listen = "inet:%d@127.0.0.1"; };' % metrics_port}
    for key, line in paths.items():
        text, n = re.subn(r"^%s\s*=.*;\s*$" % key, line, text, flags=re.M)
        if n == 0:
            text = line + "\n" + text
    text = ('review_url = "http://127.0.0.1:%d";\n'
            'web = { listen = "127.0.0.1:%d"; user = "%s"; '
            'helper_socket = "%s/helper.sock"; };\n'
            % (web_port, web_port, web_e2e.WEB_USER, env.root)) + text
    path = os.path.join(env.root, "demo.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def envelope(data):
    m = ENVELOPE_RE.search(data.decode("utf-8", "replace"))
    if m is None:
        return None, []
    mail_from = re.search(r"MAIL FROM:<([^>]*)>", m.group(1)).group(1)
    return mail_from, re.findall(r"RCPT TO:<([^>]*)>", m.group(1))


def footer_of(raw):
    """The text of our footer notice in a delivered message, on one line."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() != "text/plain":
            continue
        try:
            text = part.get_content()
        except (LookupError, ValueError):
            continue
        if FOOTER_BEGIN in text:
            inner = text.split(FOOTER_BEGIN, 1)[1].split(FOOTER_END, 1)[0]
            return " ".join(inner.split())
    return None


def summary_for(env, qid):
    """The milter's one-line summary for queue id QID, or ''."""
    for line in env.milter_log().splitlines():
        if (": %s: council=" % qid) in line:
            return line.split(": %s: " % qid, 1)[1]
    return ""


def field(summary, name):
    m = re.search(r"\b%s=([^,]*)" % name, summary)
    return m.group(1) if m else ""


def outcome(env, code, text):
    """What happened to one message, in a few words, from what we can see."""
    if code // 100 == 5:
        return "rejected at SMTP time: %d %s" % (code, " ".join(text.split("\n")))
    if code // 100 == 4:
        return "refused for now (temporary failure, the sender retries): %d %s" % (code, text)
    m = re.search(r"queued as ([0-9A-F]+)", text)
    if m is None:
        return "accepted (%d %s), but Postfix gave no queue id" % (code, text)
    return outcome_of_queued(env, m.group(1))


def outcome_of_queued(env, qid):
    """What became of a message Postfix accepted as QID."""
    def settled():
        log = env.postfix_log()
        if re.search(r"%s: milter-hold: " % qid, log):
            return "held"
        if re.search(r"%s: milter-reject: " % qid, log):
            return "rejected"
        if re.search(r"%s: removed" % qid, log):
            return "delivered"
        return None
    try:
        state = wait_for("message %s to be delivered or held" % qid, settled, timeout=30)
    except council_e2e.Failure:
        return "queued as %s, neither delivered nor held after 30s (see the logs)" % qid
    if state == "rejected":
        m = re.search(r"%s: milter-reject: \S+ from [^:]*: (.*?); from=" % qid,
                      env.postfix_log())
        return "refused at SMTP time: %s" % (m.group(1) if m else "see the Postfix log")
    summary = summary_for(env, qid)
    rules = field(summary, "rules").replace(" ", ", ") or "no rule matched"
    if state == "held":
        m = re.search(r": %s: held for review: (.*)" % qid, env.milter_log())
        reason = m.group(1) if m else "(no reason logged: see the milter log)"
        reason = re.sub(r"^Held for the Clerk: ", "", reason)
        return "held for the Clerk (%s): %s" % (rules, reason)
    delivered = [d for d in env.delivered() if (" id %s" % qid).encode() in d["data"]]
    if not delivered:
        return "delivered (queue id %s), %s" % (qid, rules)
    footer = footer_of(delivered[0]["data"])
    if footer is not None:
        if len(footer) > 160:
            footer = footer[:157] + "..."
        return 'delivered, annotated (%s) with the footer "%s"' % (rules, footer)
    if rules != "no rule matched":
        refused = field(summary, "footer")
        extra = "; footer %s" % refused if refused else ""
        return "delivered with a result header only (%s%s)" % (rules, extra)
    return "delivered, no rule matched"


def notices(env, n_held):
    """The notices of the holds (two each: the author, the Clerk) once they
    are at the sink: (recipient, subject) pairs."""
    def arrived():
        got = [(m["rcpts"][0], " ".join(council_e2e.header_values(m["data"], "Subject")))
               for m in env.delivered() if m["mail_from"] == ""]
        return got if len(got) >= 2 * n_held else None
    try:
        return wait_for("the notices", arrived, timeout=30)
    except council_e2e.Failure:
        return [(m["rcpts"][0], " ".join(council_e2e.header_values(m["data"], "Subject")))
                for m in env.delivered() if m["mail_from"] == ""]


def review_part(env, conf, review_bin, held, once):
    """How the Clerk reviews the held messages: council-review's list, and
    the commands for one of them."""
    print("\nEach author of a held message, and the Clerk, was sent a notice:")
    for rcpt, subject in notices(env, len(held)):
        print("  to %s: %s" % (rcpt, subject))
    cmd = "%s -c %s -C %s" % (review_bin, conf, env.config_dir)
    print("\nHeld messages wait in Postfix's hold queue for the Clerk, who reviews them with")
    print("council-review (here as root; a Clerk runs \"sudo council-review list\" etc.):\n")
    print("  $ %s list" % cmd)
    r = subprocess.run(cmd.split() + ["list"], capture_output=True, text=True)
    for line in (r.stdout + r.stderr).rstrip().splitlines():
        print("    " + line)
    qid = held[0] if held else "QUEUEID"
    print("\nTo read one as its recipients would see it, then deliver it, or return it to")
    print("its author with a note%s:\n" % (" (while the demo runs: scripts/demo.sh without "
                                          "--once)" if once else ""))
    print("  %s show %s" % (cmd, qid))
    print("  %s release %s" % (cmd, qid))
    print("  %s delete %s --note \"Please ask me to send this for the council.\"" % (cmd, qid))
    print("\nEvery decision and every review action is in the journal: %s/journal.jsonl"
          % env.root, flush=True)


def show(cmd, max_lines=None):
    """Run CMD (a list) and print it and what it says, indented."""
    print("  $ %s" % " ".join(cmd))
    r = subprocess.run(cmd, capture_output=True, text=True)
    lines = (r.stdout + r.stderr).rstrip().splitlines()
    for line in lines[:max_lines]:
        print("    " + line)
    if max_lines is not None and len(lines) > max_lines:
        print("    ... (%d more lines)" % (len(lines) - max_lines))
    return r


def evidence_part(env, conf, review_bin, directory_bin, metrics_port, held):
    """The journal counted, checked and quoted; the metrics; an import."""
    cmd = [review_bin, "-c", conf]
    today = time.strftime("%Y-%m-%d", time.gmtime())
    print("\nThe Clerk's report from the journal (by default last month; here today):\n")
    show(cmd + ["report", "--since", today, "--until", today])
    print("\nThe journal is chained by hashes; verify checks that no line was changed:\n")
    show(cmd + ["verify"])
    if held:
        print("\nEverything the journal says about one message, with what verifies it, "
              "for a complaint:\n")
        show(cmd + ["export", held[0]], max_lines=12)
    print("\nThe filter's metrics, for Prometheus (an excerpt):\n")
    url = "http://127.0.0.1:%d/metrics" % metrics_port
    print("  $ curl -s %s" % url)
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            text = r.read().decode()
    except OSError as e:
        text = "(not read: %s)" % e
    for line in text.splitlines():
        if line.startswith("#") or line.endswith(" 0"):
            continue
        if re.match(r"council_milter_(messages|findings|tempfails|notices|held_messages|"
                    r"config_generation)", line):
            print("    " + line)
    print("\nAfter a by-election, the administrator brings the council's people in line "
          "with its\naddress book (a dry run: nothing is written without --apply):\n")
    show([directory_bin, "import", "-c", conf, "-u", "root", "--council",
          "ashcombe-pc.gov.uk", os.path.join(SOURCE, "conf", "examples",
                                             "ashcombe-people.csv")])


def web_part(web):
    """Where the Clerk's web page is, and how to sign in."""
    status, _, html = web_e2e.Client(web.port).request("GET", "/signin")
    if status != 200 or "Sign in" not in html:
        raise council_e2e.Failure("the web page does not answer: %d" % status)
    print("""
The Clerk's web page is running on loopback (council-review-web as %s, its
root helper beside it). Open it in a browser on this machine (or through
"ssh -L %d:127.0.0.1:%d" from yours) and sign in:

  %s
  reviewer: %s    password: %s

It lists the held messages; open one to read it, then release it or return
it to its author. The notices to the Clerk above link to each message's page.
""" % (web_e2e.WEB_USER, web.port, web.port, web.url("/held"), DEMO_REVIEWER, DEMO_PASSWORD),
          flush=True)


def watch(env, seen):
    """Print the outcome of every new message the milter judges, until Ctrl-C."""
    while True:
        for line in env.milter_log().splitlines():
            m = re.search(r": ([0-9A-F]+): council=", line)
            if m and "notice=ours" in line:
                seen.add(m.group(1))	# our own notices: not the user's mail
            if m and m.group(1) not in seen:
                qid = m.group(1)
                seen.add(qid)
                print("  %s from <%s>: %s" % (qid, field(line, "from")[1:-1],
                                              outcome_of_queued(env, qid)), flush=True)
        time.sleep(0.5)


def interactive(env):
    """Stay up for the user's own messages until Ctrl-C."""
    seen = set(re.findall(r": ([0-9A-F]+): council=", env.milter_log()))
    print("""
Try your own message, for example a councillor writing to the press:

  swaks --server 127.0.0.1:%d --from cllr.hale@ashcombe-pc.gov.uk \\
        --to newsdesk@ashcombe-gazette.co.uk --header "Subject: Bypass" \\
        --body "The consultation closes on Friday. Please arrange a piece on it."

Delivered messages: %s
Postfix log: %s/maillog    held messages: postqueue -c %s/postfix -p
Each message the filter judges is shown below. Ctrl-C stops everything.
""" % (env.smtp_port, env.sink_dir, env.root, env.root), flush=True)
    watch(env, seen)


def stop_on_sigterm(signum, frame):
    """SIGTERM stops the demo as Ctrl-C does."""
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(description="council-milter demo")
    ap.add_argument("--bin", default=os.path.join(SOURCE, "build", "milter", "council-milter"))
    ap.add_argument("--review-bin", help="council-review (default: the same build tree's)")
    ap.add_argument("--directory-bin",
                    help="council-directory (default: the same build tree's)")
    ap.add_argument("--port", type=int, default=2525, help="SMTP port (0: any free port)")
    ap.add_argument("--web-port", type=int, default=8027,
                    help="the web page's port (0: any free port)")
    ap.add_argument("--once", action="store_true",
                    help="send the demo messages, report, and stop (no interactive part)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, stop_on_sigterm)

    if args.port and council_e2e.port_open(args.port):
        sys.exit("demo: something already listens on 127.0.0.1:%d; stop it or use --port"
                 % args.port)
    if args.web_port and council_e2e.port_open(args.web_port):
        sys.exit("demo: something already listens on 127.0.0.1:%d; stop it or use --web-port"
                 % args.web_port)
    web_port = args.web_port or council_e2e.free_port()
    messages = sorted(glob.glob(os.path.join(SOURCE, "tests", "messages", "demo", "*.eml")))
    with Env("demo") as env:
        try:
            metrics_port = council_e2e.free_port()
            conf = demo_conf(env, metrics_port, web_port)
            build = os.path.dirname(os.path.dirname(os.path.abspath(args.bin)))
            review_bin = args.review_bin or os.path.join(build, "review", "council-review")
            web_e2e.REVIEW_BIN = review_bin
            web_e2e.WEB_BIN = os.path.join(build, "web", "council-review-web")
            web_e2e.HELPER_BIN = os.path.join(build, "helper", "council-review-helper")
            web_e2e.add_reviewer(env, conf, DEMO_REVIEWER, "ashcombe-pc.gov.uk", DEMO_PASSWORD)
            env.start_milter(conf, args.bin)
            env.start_postfix(args.port)
            print("council-milter is running on demo.conf (Ashcombe Parish Council), behind")
            print("a private Postfix on 127.0.0.1:%d that delivers to a local sink.\n"
                  % env.smtp_port)
            print("The demo messages, and what happened to each:")
            held = []
            for path in messages:
                with open(path, "rb") as f:
                    data = f.read()
                mail_from, rcpts = envelope(data)
                name = os.path.basename(path)[:-4]
                if mail_from is None:
                    print("  %s: skipped (no X-Council-Demo-Envelope header)" % name)
                    continue
                code, text = env.send(mail_from, rcpts, data)
                said = outcome(env, code, text)
                print("  %s: %s" % (name, said), flush=True)
                if said.startswith("held"):
                    held.append(re.search(r"queued as ([0-9A-F]+)", text).group(1))
            review_part(env, conf, review_bin, held, args.once)
            evidence_part(env, conf, review_bin, args.directory_bin or
                          os.path.join(build, "directory", "council-directory"),
                          metrics_port, held)
            with web_e2e.WebPage(env, conf, web_port) as web:
                web_part(web)
                if args.once:
                    print("Stopping the demo (--once): the web page, Postfix, council-milter, "
                          "the sink...")
                else:
                    interactive(env)
        except KeyboardInterrupt:
            print("\nStopping the demo (the web page, Postfix, council-milter, the sink)...")
    print("Stopped; nothing of the demo is left running.")


if __name__ == "__main__":
    main()
