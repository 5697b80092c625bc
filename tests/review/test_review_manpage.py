#!/usr/bin/python3
"""council-review(8) tells the truth about the program: the commands of its
SYNOPSIS are those of `council-review --help`, every option of the help is
described in the page and every option the page describes is in the help,
its EXIT STATUS lists exactly the codes the help lists and review/review.h
defines, and groff reads it without a warning.

Usage: test_review_manpage.py COUNCIL-REVIEW-BINARY
"""

import os
import re
import subprocess
import sys

SOURCE = os.environ.get("COUNCIL_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(
                            os.path.abspath(__file__)))))
PAGE = os.path.join(SOURCE, "doc", "council-review.8")
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
failures = []


def check(cond, what, got=None, want=None):
    if not cond:
        failures.append("%s: got %r, want %r" % (what, got, want))


def roff_plain(text):
    return re.sub(r"\\f[BIRP]", "", text).replace("\\-", "-").replace("\\e", "\\")


def main():
    binary = sys.argv[1]
    helptext = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    with open(PAGE) as f:
        page = f.read()
    plain = roff_plain(page)

    usage = [l for l in helptext.splitlines() if l.startswith("  council-review ")]
    help_cmds = {re.sub(r"\[[^]]*\]", "", l).split()[1] for l in usage}
    synopsis = plain.split(".SH SYNOPSIS", 1)[1].split(".SH", 1)[0]
    page_cmds = set(re.findall(r"^\.B (list|show|release|delete|digest|expire|user|report|verify|export)$",
                               synopsis, re.M))
    check(help_cmds == page_cmds, "commands: help vs SYNOPSIS", sorted(help_cmds),
          sorted(page_cmds))

    help_opts = set(OPTION.findall(helptext)) - {"-bh"}
    page_opts = set()
    for sec in ("COMMANDS", "OPTIONS"):
        body = plain.split(".SH %s" % sec, 1)[1].split("\n.SH", 1)[0]
        page_opts |= set(OPTION.findall(body))
    page_opts -= {"-bh", "-q", "-H", "-d", "-j", "-n"}  # Postfix's and sed's, in the text
    for o in sorted(help_opts - page_opts):
        check(False, "option %s of --help is not in the page" % o)
    for o in sorted(page_opts - help_opts):
        check(False, "option %s of the page is not in --help" % o)

    exit_sec = plain.split('.SH "EXIT STATUS"', 1)[1].split("\n.SH", 1)[0]
    page_codes = set(int(c) for c in re.findall(r"^\.B (\d+)$", exit_sec, re.M))
    m = re.search(r"Exit status:(.*?)\.\n", helptext, re.S)
    help_codes = set(int(c) for c in re.findall(r"\b(\d+) ", m.group(1))) if m else set()
    with open(os.path.join(SOURCE, "review", "review.h")) as f:
        header_codes = {int(c) for c in re.findall(r"#define REVIEW_EX_\w+ (\d+)", f.read())}
    header_codes.add(0)
    check(page_codes == help_codes == header_codes, "exit codes: page, help, review.h",
          (sorted(page_codes), sorted(help_codes)), sorted(header_codes))

    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", PAGE],
                       capture_output=True, text=True)
    check(r.returncode == 0 and r.stderr == "", "groff warnings", r.stderr, "")

    for f in failures:
        print("FAIL " + f)
    print("council-review(8): %s" % ("FAILED" if failures else "agrees with --help"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
