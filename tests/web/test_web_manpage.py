#!/usr/bin/python3
"""council-review-web(8) and council-review-helper(8) tell the truth about
their programs: every option of --help is in the page's OPTIONS and every
option there is in --help, the EXIT STATUS codes are those --help lists, and
groff reads each page without a warning.

Usage: test_web_manpage.py WEB-BINARY HELPER-BINARY
"""

import os
import re
import subprocess
import sys

SOURCE = os.environ.get("COUNCIL_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(
                            os.path.abspath(__file__)))))
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
failures = []


def check(cond, what, got=None, want=None):
    if not cond:
        failures.append("%s: got %r, want %r" % (what, got, want))


def plain(text):
    return re.sub(r"\\f[BIRP]", "", text).replace("\\-", "-").replace("\\e", "\\")


def section(page, name):
    parts = page.split(".SH %s" % name, 1)
    return parts[1].split("\n.SH", 1)[0] if len(parts) == 2 else ""


def one(binary, page_name):
    helptext = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    path = os.path.join(SOURCE, "doc", page_name)
    with open(path) as f:
        page = plain(f.read())
    help_opts = set(OPTION.findall(helptext))
    page_opts = set(OPTION.findall(section(page, "OPTIONS")))
    check(help_opts == page_opts, "%s: options of --help and OPTIONS" % page_name,
          sorted(page_opts), sorted(help_opts))
    m = re.search(r"Exit status:(.*?)\.\n", helptext, re.S)
    help_codes = set(int(c) for c in re.findall(r"\b(\d+) ", m.group(1))) if m else set()
    page_codes = set(int(c) for c in re.findall(r"^\.B (\d+)$",
                                                 section(page, '"EXIT STATUS"'), re.M))
    check(help_codes and help_codes == page_codes, "%s: exit codes" % page_name,
          sorted(page_codes), sorted(help_codes))
    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", path], capture_output=True,
                       text=True)
    check(r.returncode == 0 and r.stderr == "", "%s: groff warnings" % page_name, r.stderr, "")


def main():
    one(sys.argv[1], "council-review-web.8")
    one(sys.argv[2], "council-review-helper.8")
    for f in failures:
        print("FAIL " + f)
    print("the web page's manuals: %s" % ("FAILED" if failures else "agree with --help"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
