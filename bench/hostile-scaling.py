#!/usr/bin/python3
"""Hostile scaling (issue 15): does any shape of message make the judge's
time or memory grow faster than the message?

Each shape below is a message built to repeat one thing the parser or the
rules walk (forwarded-message markers, HTML attributes, recipients, quote
levels, MIME parts, ...). Each is written at 1x, 4x and 16x a base size and
judged by `council-milter --judge` in a fresh process, as an administrator
would run it: a councillor writing to an officer with another councillor
blind-copied, so that every rule reads the text and the footer is written.
The configuration is conf/examples/demo.conf, whose limits are the
shipped defaults: what a council runs, and what the peak-RSS bound is
stated for (the parser's own structures, GMime's parts and libxml2's tree,
are bounded by max_parts and max_text_bytes, so their share is part of the
constant). With --max-limits every limit is raised to its maximum
(max_text_bytes, max_header_bytes, max_parts, ...), so that the whole
message is read at every size: a cost that grows with the square of the
input cannot then hide behind a limit that stops reading.

Time is the child's CPU time (user + system, from wait4's rusage), the
median of --reps runs; the time of judging a tiny message in the same run
(the process's start, the configuration, the phrase lists) is taken off
before ratios are formed. Growth per 4x is (t(4x) - t0) / (t(1x) - t0) and
the same from 4x to 16x; a step whose smaller side is under --floor-ms of
CPU is measured against that floor instead (its ratio would be noise).
Linear is about 4; the square of the input would be about 16.

Peak RSS is the judge's ru_maxrss, as GNU time reports it. "over3x" is
the peak less three times the message size, the largest over the three
sizes: the constant C in "peak RSS <= 3 x size + C". The largest C over
all shapes is printed with the shape that needs it, and "rss/size" is
(peak - the tiny message's peak) over the 16x size, for comparison.

  bench/hostile-scaling.sh [--build DIR] [--base BYTES] [--reps N] [--only SHAPE]
                           [--max-limits] [--quick]

--quick: 4 KB base, one run each (the bench-smoke ctest).
Last line: hostile_growth=RATIO (the worst growth per 4x over every shape
and step; target: at most 5).
"""

import argparse
import base64
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

TIME = "/usr/bin/time"  # GNU time (Debian package "time", scripts/install-deps.sh)
FROM = "cllr.jones@ashcombe-pc.gov.uk"
RCPTS = ["admin@ashcombe-pc.gov.uk", "cllr.hale@ashcombe-pc.gov.uk"]

LIMITS = """
limits = {
  max_message_bytes = 1073741824;
  max_header_bytes = 67108864;
  max_depth = 256;
  max_parts = 100000;
  max_text_bytes = 67108864;
  max_recipients = 1000000;
};
"""


def head(subject="Village hall roof", ctype="text/plain; charset=utf-8", extra=""):
    return ("From: Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>\n"
            "To: Amy Green <admin@ashcombe-pc.gov.uk>\n"
            "Subject: %s\n"
            "Date: Tue, 4 Mar 2025 11:30:00 +0000\n"
            "Message-ID: <hostile@ashcombe-pc.gov.uk>\n"
            "%s"
            "MIME-Version: 1.0\n"
            "Content-Type: %s\n\n" % (subject, extra, ctype))


def repeat(unit, size, first=""):
    """FIRST, then UNIT (a function of the index) until SIZE bytes."""
    out, n, i = [first], len(first), 0
    while n < size:
        u = unit(i)
        out.append(u)
        n += len(u)
        i += 1
    return "".join(out)


def html_doc(inner):
    return "<html><body><p>Please see below.</p>%s<p>end</p></body></html>\n" % inner


# Each shape: name -> function(size) giving the message (str or bytes).
def forward_markers(size):
    return head("Fwd: roof") + repeat(lambda i: (
        "---------- Forwarded message ---------\nFrom: Tom Brown <clerk@ashcombe-pc.gov.uk>\n"
        "Date: Mon, 3 Mar 2025\nSubject: roof %d\nTo: a@example.org\n\nblock %d words\n\n"
        % (i, i)), size, "Here you go.\n\n")


def original_message(size):
    return head("Fwd: roof") + repeat(lambda i: (
        "-----Original Message-----\nFrom: Tom Brown <clerk@ashcombe-pc.gov.uk>\n"
        "Sent: 03 March 2025 10:00\nTo: a@example.org\nSubject: roof %d\n\nblock %d\n\n"
        % (i, i)), size, "See below.\n\n")


def outlook_blocks(size):
    return head("Re: roof") + repeat(lambda i: (
        "From: Tom Brown <clerk@ashcombe-pc.gov.uk>\nSent: 03 March 2025 10:00\n"
        "To: a@example.org\nSubject: roof %d\n\n" % i), size, "Agreed.\n\n")


def html_attributes(size):
    attrs = repeat(lambda i: ' a%d="v"' % i, size)
    return head("Roof", "text/html; charset=utf-8") + html_doc("<p%s>the roof</p>" % attrs)


def html_attribute_tags(size):
    tag = "<span%s>x</span>" % "".join(' a%d="v"' % i for i in range(1000))
    return head("Roof", "text/html; charset=utf-8") + html_doc(repeat(lambda i: tag, size))


def html_elements(size):
    return head("Roof", "text/html; charset=utf-8") + html_doc(
        repeat(lambda i: '<span class="c%d">word %d</span> ' % (i % 7, i), size))


def html_nesting(size):
    n = size // 5
    return head("Roof", "text/html; charset=utf-8") + html_doc("<div>" * n + "deep")


def html_unclosed_close(size):
    # Open elements, then end tags that match none of them: libxml2 looks
    # for each down the stack of open elements.
    n = size // 11
    return head("Roof", "text/html; charset=utf-8") + html_doc(
        "<div>" * n + "text" + "</p></span>" * (n // 2))


def html_open_comments(size):
    return head("Roof", "text/html; charset=utf-8") + html_doc(repeat(lambda i: "<!--x ", size))


def html_open_markup(size):
    # Markup libxml2 reads to its end: processing instructions, doctypes,
    # quoted attribute values, each left open.
    return head("Roof", "text/html; charset=utf-8") + html_doc(
        repeat(lambda i: ("<?x ", "<!DOCTYPE x ", '<a b="c ', "<![CDATA[ ", "</")[i % 5], size))


def html_blockquotes(size):
    return head("Roof", "text/html; charset=utf-8") + html_doc(
        repeat(lambda i: "<blockquote>quoted %d " % i, size))


def recipients_to(size):
    to = repeat(lambda i: '%s"Person %d" <p%d@example.org>' % (",\n " if i else "", i, i), size)
    return ("From: Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>\nTo: %s\n"
            "Subject: roof\nMessage-ID: <h@x>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain\n\nThe roof.\n" % to)


def encoded_words(size):
    subj = repeat(lambda i: " =?utf-8?q?r=C3=B6of_%d?=" % i, size)
    return head("Re:" + subj) + "The roof.\n"


def encoded_names(size):
    to = repeat(lambda i: '%s=?utf-8?b?%s?= <p%d@example.org>' % (
        ",\n " if i else "", base64.b64encode(("Pérson %d" % i).encode()).decode(), i), size)
    return ("From: Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>\nTo: %s\n"
            "Subject: roof\nMessage-ID: <h@x>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain\n\nThe roof.\n" % to)


def header_fields(size):
    return head("Roof", extra=repeat(lambda i: "X-Filler-%d: value %d\n" % (i, i), size)) + \
        "The roof.\n"


def references(size):
    refs = repeat(lambda i: " <id%d@example.org>\n" % i, size)
    return head("Re: roof", extra="In-Reply-To: <id0@example.org>\nReferences:%s" % refs) + \
        "The roof.\n"


def quoted_lines(size):
    return head("Re: roof") + repeat(lambda i: "> the roof line %d\n" % i, size,
                                     "Agreed.\n\nOn Mon, 3 Mar 2025, Tom Brown wrote:\n")


def quote_levels(size):
    return head("Re: roof") + repeat(lambda i: ">" * 500 + " deep %d\n" % i, size, "Agreed.\n\n")


def on_wrote(size):
    return head("Re: roof") + repeat(lambda i: (
        "On Mon, 3 Mar 2025 at 10:%02d, Tom Brown <clerk@ashcombe-pc.gov.uk> wrote:\n"
        "> line %d\n" % (i % 60, i)), size, "Agreed.\n\n")


def addr_wrote(size):
    # Lines of '@' ending as an attribution does ("... wrote:"), and not.
    return head("Re: roof") + repeat(lambda i: "@" * 190 + " x@" + "y" * 90 +
                                     (" wrote:\n" if i % 2 else " wrot:\n"),
                                     size, "Agreed.\n\n")


def signatures(size):
    return head("Roof") + repeat(lambda i: "Text %d.\n-- \nAnn Jones\n" % i, size)


def signoffs(size):
    return head("Roof") + repeat(lambda i: (
        "Kind regards,\nAnn Jones\n\nOne more thing %d.\n" % i), size, "Hello.\n\n")


def signoff_names(size):
    # A sign-off followed by a run of capitals that is no name: the
    # sign-off pattern once split the run into four words every way.
    return head("Roof") + repeat(lambda i: "Regards, " + "A" * 150 + "%d\n" % i, size,
                                 "Hello.\n\n")


def footer_lines(size):
    return head("Roof") + repeat(lambda i: "---- Council mail notice ----\n", size, "Hello.\n")


def pgp_lines(size):
    return head("Roof") + repeat(lambda i: (
        "-----BEGIN PGP MESSAGE-----\nline %d\n-----END PGP MESSAGE-----\n" % i), size,
        "Hello.\n")


def sentences(size):
    return head("Roof") + repeat(lambda i: (
        "The council noted item %d and asked the clerk to write to the contractor. " % i) +
        ("\n" if i % 8 == 7 else ""), size)


def long_line(size):
    return head("Roof") + repeat(lambda i: "word%d " % i, size) + "\n"


def accented_line(size):
    # One line of accented letters, composed and combining, no ASCII: the
    # normaliser shifted its buffer for every letter it composed.
    return head("Roof") + repeat(lambda i: "\u00e9e\u0301\u00c9", size // 2) + "\n"


def hangul_line(size):
    # Korean without spaces, in jamo: every syllable is composed.
    return head("Roof") + repeat(lambda i: "\u1112\u1161\u11ab", size // 3) + "\n"


def mime_parts(size):
    return head("Roof", 'multipart/mixed; boundary="b"') + repeat(lambda i: (
        "--b\nContent-Type: text/plain\n\npart %d\n" % i), size) + "--b--\n"


def mime_alternatives(size):
    return head("Roof", 'multipart/alternative; boundary="b"') + repeat(lambda i: (
        "--b\nContent-Type: text/plain\n\nalternative %d\n" % i), size) + "--b--\n"


def mime_attachments(size):
    return head("Roof", 'multipart/mixed; boundary="b"') + repeat(lambda i: (
        "--b\nContent-Type: application/pdf; name=\"Exempt_%d.pdf\"\n"
        "Content-Disposition: attachment; filename=\"Exempt_%d.pdf\"\n\nx\n" % (i, i)),
        size, "--b\nContent-Type: text/plain\n\nThe roof.\n") + "--b--\n"


def mime_nesting(size):
    # As deep as max_depth allows, then parts side by side at the bottom.
    out = [head("Roof", 'multipart/mixed; boundary="d0"')]
    for i in range(1, 250):
        out.append('--d%d\nContent-Type: multipart/mixed; boundary="d%d"\n\n' % (i - 1, i))
    out.append(repeat(lambda i: "--d249\nContent-Type: text/plain\n\nleaf %d\n" % i, size))
    out.append("".join("--d%d--\n" % i for i in range(249, -1, -1)))
    return "".join(out)


def embedded_messages(size):
    return head("Fwd: roof", 'multipart/mixed; boundary="b"') + repeat(lambda i: (
        "--b\nContent-Type: message/rfc822\n\nSubject: roof %d\nSensitivity: Private\n\n"
        "inner text %d\n" % (i, i)), size, "--b\nContent-Type: text/plain\n\nSee.\n") + "--b--\n"


SHAPES = [
    ("forward-markers", forward_markers),
    ("original-message", original_message),
    ("outlook-blocks", outlook_blocks),
    ("html-attributes", html_attributes),
    ("html-attribute-tags", html_attribute_tags),
    ("html-elements", html_elements),
    ("html-nesting", html_nesting),
    ("html-stray-end-tags", html_unclosed_close),
    ("html-open-comments", html_open_comments),
    ("html-open-markup", html_open_markup),
    ("html-blockquotes", html_blockquotes),
    ("recipients-to", recipients_to),
    ("encoded-words", encoded_words),
    ("encoded-names", encoded_names),
    ("header-fields", header_fields),
    ("references", references),
    ("quoted-lines", quoted_lines),
    ("quote-levels", quote_levels),
    ("on-wrote", on_wrote),
    ("addr-wrote", addr_wrote),
    ("signatures", signatures),
    ("signoffs", signoffs),
    ("signoff-names", signoff_names),
    ("footer-lines", footer_lines),
    ("pgp-lines", pgp_lines),
    ("sentences", sentences),
    ("long-line", long_line),
    ("accented-line", accented_line),
    ("hangul-line", hangul_line),
    ("mime-parts", mime_parts),
    ("mime-alternatives", mime_alternatives),
    ("mime-attachments", mime_attachments),
    ("mime-nesting", mime_nesting),
    ("embedded-messages", embedded_messages),
]


def judge(binary, conf, path):
    """(CPU seconds, peak RSS in KB, action) of one --judge run."""
    args = [binary, "--judge", path, "-c", conf, "-P", os.path.join(ROOT, "policy", "phrases"),
            "--mail-from", FROM]
    for r in RCPTS:
        args += ["--rcpt", r]
    # GNU time starts the judge and reports its peak RSS: a child forked
    # from this (large) Python process would count Python's pages in its
    # own ru_maxrss. The CPU time is wait4's, to the microsecond (time's own
    # is in hundredths, and its own share of it is negligible).
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss_file:
        p = subprocess.Popen([TIME, "-f", "%x %M", "-o", rss_file.name] + args, stdout=out,
                             stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        status, rss = rss_file.read().split()[-2:]
        out.seek(0)
        first = out.readline().decode(errors="replace").strip()
    if int(status) not in (0, 75):
        sys.exit("%s: council-milter --judge exited with %s" % (path, status))
    action = first.split(": ", 1)[1] if first.startswith("action: ") else "?"
    return ru.ru_utime + ru.ru_stime, int(rss), action


def measure(binary, conf, path, reps):
    runs = [judge(binary, conf, path) for _ in range(reps)]
    return (statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[0][2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--base", type=int, default=128 * 1024, help="1x size in bytes")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--floor-ms", type=float, default=5.0)
    ap.add_argument("--max-limits", action="store_true",
                    help="raise every limit to its maximum: the whole message is read")
    ap.add_argument("--only", action="append", help="only this shape (repeatable)")
    ap.add_argument("--quick", action="store_true")
    opt = ap.parse_args()
    if opt.quick:
        opt.base, opt.reps = 4096, 1
    binary = os.path.join(os.path.abspath(opt.build), "milter", "council-milter")
    if not os.access(binary, os.X_OK):
        sys.exit("%s not built: cmake --build %s" % (binary, opt.build))
    if not os.access(TIME, os.X_OK):
        sys.exit("%s is missing: apt-get install time (scripts/install-deps.sh)" % TIME)
    shapes = [s for s in SHAPES if not opt.only or s[0] in opt.only]
    if not shapes:
        sys.exit("no such shape: %s" % ", ".join(opt.only))

    tmp = tempfile.mkdtemp(prefix="council-hostile-")
    try:
        conf = os.path.join(tmp, "hostile.conf")
        with open(os.path.join(ROOT, "conf", "examples", "demo.conf")) as f:
            text = f.read()
        with open(conf, "w") as f:
            f.write(text + (LIMITS if opt.max_limits else ""))
        tiny = os.path.join(tmp, "tiny.eml")
        with open(tiny, "w") as f:
            f.write(head() + "The roof.\n")
        t0, rss0, _ = measure(binary, conf, tiny, max(opt.reps, 3))
        floor = opt.floor_ms / 1000.0
        print("limits: %s; base size %d bytes, median of %d run(s)" % (
            "every one at its maximum" if opt.max_limits else "the shipped defaults",
            opt.base, opt.reps))
        print("baseline (a tiny message): %.1f ms CPU, peak RSS %.1f MB" % (t0 * 1000, rss0 / 1024))
        print("%-20s %9s %9s %9s %9s %9s %6s %6s %8s %8s %7s %s" % (
            "shape", "bytes@1x", "ms@1x", "ms@4x", "ms@16x", "bytes@16x", "grow1", "grow2",
            "rssMB@16", "rss/size", "over3x", "action@16x"))
        worst, worst_growth_shape = 0.0, ""
        worst_c, worst_c_shape = 0.0, ""
        for name, gen in shapes:
            times, sizes, rss, action, over3x = [], [], 0, "", 0.0
            for k in (1, 4, 16):
                msg = gen(opt.base * k)
                data = msg.encode() if isinstance(msg, str) else msg
                path = os.path.join(tmp, "%s-%d.eml" % (name, k))
                with open(path, "wb") as f:
                    f.write(data)
                t, rss, action = measure(binary, conf, path, opt.reps)
                times.append(max(t - t0, 0.0))
                sizes.append(len(data))
                over3x = max(over3x, (rss * 1024.0 - 3 * len(data)) / 1048576)
                os.unlink(path)
            grow = [times[i + 1] / max(times[i], floor) for i in range(2)]
            rss_ratio = max(rss - rss0, 0) * 1024.0 / sizes[2]
            if max(grow) > worst:
                worst, worst_growth_shape = max(grow), name
            if over3x > worst_c:
                worst_c, worst_c_shape = over3x, name
            print("%-20s %9d %9.1f %9.1f %9.1f %9d %6.2f %6.2f %8.1f %8.2f %7.1f %s" % (
                name, sizes[0], times[0] * 1000, times[1] * 1000, times[2] * 1000, sizes[2],
                grow[0], grow[1], rss / 1024, rss_ratio, over3x, action), flush=True)
        print("(ms: CPU time less the baseline's; grow1: 1x to 4x, grow2: 4x to 16x, linear "
              "about 4; rss/size: peak RSS less the baseline's, over the 16x size; over3x: "
              "MB of peak RSS above 3 x the size, the most at any size)")
        print("peak_rss: at most 3 x size + %.1f MB (the most, for %s; a tiny message: "
              "%.1f MB)" % (worst_c, worst_c_shape, rss0 / 1024))
        print("worst growth: %s" % worst_growth_shape)
        print("hostile_growth=%.2f" % worst)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
