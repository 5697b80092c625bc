#!/usr/bin/python3
"""council-milter(8) tells the truth about the program: its OPTIONS are
exactly the options of `council-milter --help`, its SYNOPSIS uses exactly
those of the help's usage lines, its EXIT STATUS lists exactly the exit
codes of milter/milter.h, and groff reads both man pages without a warning.

Usage: test_manpage.py COUNCIL-MILTER-BINARY
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opslib import SOURCE, check, failures, finish  # noqa: E402

PAGE = os.path.join(SOURCE, "doc", "council-milter.8")
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def help_options(text):
    """(options in the usage lines, options described) from --help."""
    usage, described, in_usage = set(), set(), False
    for line in text.splitlines():
        if line.startswith("Usage:"):
            in_usage = True
            continue
        if in_usage and line.strip() == "":
            in_usage = False
        if in_usage:
            usage |= set(OPTION.findall(line))
        elif re.match(r"^  -", line):
            # "  -c CONF  ...", "  -P, --phrase-dir DIR", "  --judge MESSAGE.eml ..."
            head = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
            described |= set(OPTION.findall(head))
    return usage, described


def roff_text(line):
    line = re.sub(r"\\f[BIRP]", "", line).replace("\\-", "-").replace('"', " ")
    return re.sub(r"^\.(B|I|BI|IB|BR|RB|IR|RI)\s", "", line)


def sections(lines):
    out, name = {}, None
    for line in lines:
        m = re.match(r'^\.SH\s+"?([^"]+)"?$', line)
        if m:
            name = m.group(1)
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return out


def page_options(sec):
    """Options of the .TP entries of OPTIONS (the line after each .TP)."""
    opts, lines = set(), sec.get("OPTIONS", [])
    for i, line in enumerate(lines):
        if line == ".TP" and i + 1 < len(lines):
            opts |= set(OPTION.findall(roff_text(lines[i + 1])))
    return opts


def main():
    binary = sys.argv[1]
    r = subprocess.run([binary, "--help"], capture_output=True, text=True)
    check(r.returncode == 0, "--help exit status", r.returncode, 0)
    usage, described = help_options(r.stdout)
    check(len(described) >= 14, "options found in --help", sorted(described), ">= 14")

    with open(PAGE) as f:
        lines = f.read().splitlines()
    sec = sections(lines)
    documented = page_options(sec)
    check(documented == described, "OPTIONS of council-milter(8) against --help",
          sorted(documented ^ described), "no difference")
    synopsis = set(OPTION.findall(" ".join(roff_text(l) for l in sec.get("SYNOPSIS", []))))
    check(synopsis == usage, "SYNOPSIS of council-milter(8) against --help's usage",
          sorted(synopsis ^ usage), "no difference")

    with open(os.path.join(SOURCE, "milter", "milter.h")) as f:
        codes = {int(v) for v in re.findall(r"#define EXIT_\w+\s+(\d+)", f.read())}
    codes.add(0)
    listed = set()
    status = sec.get("EXIT STATUS", [])
    for i, line in enumerate(status):
        if line == ".TP" and i + 1 < len(status):
            m = re.match(r"^\.B (\d+)$", status[i + 1])
            if m:
                listed.add(int(m.group(1)))
    check(listed == codes, "EXIT STATUS against milter/milter.h", sorted(listed),
          sorted(codes))

    for page in ("council-milter.8", "council-milter.conf.5"):
        g = subprocess.run(["groff", "-man", "-ww", "-z", os.path.join(SOURCE, "doc", page)],
                           capture_output=True, text=True)
        check(g.returncode == 0 and g.stderr == "", "groff -ww on %s" % page,
              (g.returncode, g.stderr[:500]), (0, ""))

    print("council-milter(8): %d options, %d exit statuses" % (len(documented), len(listed)))
    finish("council-milter(8)")


if __name__ == "__main__":
    main()
