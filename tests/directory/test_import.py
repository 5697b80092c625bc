#!/usr/bin/python3
"""council-directory import, as an administrator runs it, on the fixtures of
tests/directory/fixtures: a configuration of two councils with comments, a
per-rule override, a councillor's capacity statement, and Bramley's people
in a file of their own (@include).

- Microsoft 365's "Export users" (its header row, a blocked account, proxy
  addresses with the tenant's onmicrosoft.com ones) into Ashcombe, with
  --map ward=Department: the diff (who joins, who leaves, what changed);
  nothing written without --apply; with it, the file is exactly the golden
  one (every byte outside Ashcombe's people as it was: comments, Bramley,
  the settings, the rules), keeps its mode, and no temporary file is left;
  the same import again says "No change" and writes nothing (same inode,
  same time);
- Google Workspace's "Download users" (its header row, a suspended
  account) into Bramley, whose people are in an @included file: only that
  file changes, exactly as the golden one;
- a spreadsheet with extra columns (phone, notes with a line break in
  quotes) and a second address column given with --map: titles, parties;
- every bad row named with its CSV line (no address, an address twice, an
  address of another council's person, an unknown role, a name with a line
  break, an unknown title, no address at all), exit 65, nothing written;
- a CSV without the Clerk: the whole configuration is checked as -n checks
  it, the error names the real file and line, exit 78, nothing written;
- usage: --map to a column that is not there lists the columns (65), no
  --council (64).

Usage: test_import.py COUNCIL-DIRECTORY-BINARY
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile

SOURCE = os.environ.get("COUNCIL_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(
                            os.path.abspath(__file__)))))
FIX = os.path.join(SOURCE, "tests", "directory", "fixtures")
PHRASES = os.path.join(SOURCE, "policy", "phrases")
failures = []


def check(cond, what, got=None, want=None):
    if not cond:
        failures.append("%s: got %r, want %r" % (what, got, want))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def template(name, root):
    return read(os.path.join(FIX, name)).replace(b"@ROOT@", root.encode())


class Setup:
    def __init__(self, binary):
        self.binary = binary
        self.root = tempfile.mkdtemp(prefix="council-directory-")
        # -n checks the journal's folder for the daemon's user, who may exist here.
        os.chmod(self.root, 0o777)
        self.conf = os.path.join(self.root, "councils.conf")
        self.people = os.path.join(self.root, "bramley-people.conf")
        with open(self.conf, "wb") as f:
            f.write(template("councils.conf.in", self.root))
        shutil.copy(os.path.join(FIX, "bramley-people.conf"), self.people)
        os.chmod(self.conf, 0o640)

    def run(self, *args):
        return subprocess.run([self.binary, "import", "-c", self.conf, "-P", PHRASES] +
                              list(args), capture_output=True, text=True)

    def files(self):
        return sorted(os.listdir(self.root))

    def close(self):
        shutil.rmtree(self.root)


def test_m365(binary):
    s = Setup(binary)
    before = read(s.conf)
    csv = os.path.join(FIX, "m365-export.csv")
    args = ["--council", "Ashcombe Parish Council", "--map", "ward=Department", csv]
    r = s.run(*args)
    want = [
        "Ashcombe Parish Council: %s, read as a Microsoft 365 export (UTF-8), 5 people" % csv,
        "  left out: line 7: Ann Jones, an account that is blocked from signing in",
        "  + councillor Rosa Patel <cllr.patel@ashcombe-pc.gov.uk>, Hill Ward",
        "  - councillor Ann Jones <cllr.jones@ashcombe-pc.gov.uk>, Hill Ward",
        "  - staff Sam Patel <grounds@ashcombe-pc.gov.uk>",
        "  ~ Jane Smith: addresses cllr.smith@ashcombe-pc.gov.uk, jane.smith@example.com -> "
        "cllr.smith@ashcombe-pc.gov.uk, mayor@ashcombe-pc.gov.uk",
        "  ~ Peter Hale: ward \"Town Ward\" -> \"Hill Ward\"",
        "Joining: 1; leaving: 2; changed: 2; unchanged: 2.",
        "The whole configuration checks out, as council-milter -n checks it.",
        "Nothing written: run it again with --apply to write it.",
    ]
    check(r.returncode == 0 and r.stdout.splitlines() == want, "M365 dry run",
          (r.returncode, r.stdout, r.stderr), want)
    check(read(s.conf) == before and s.files() == ["bramley-people.conf", "councils.conf"],
          "a dry run writes nothing", s.files())

    r = s.run("--apply", *args)
    check(r.returncode == 0 and "Written: %s" % s.conf in r.stdout and
          "systemctl reload council-milter" in r.stdout, "M365 --apply",
          (r.returncode, r.stdout, r.stderr))
    golden = template("after-m365.conf.in", s.root)
    check(read(s.conf) == golden, "M365: the file, byte for byte", read(s.conf).decode(),
          golden.decode())
    check(read(s.people) == read(os.path.join(FIX, "bramley-people.conf")),
          "M365: Bramley's file untouched")
    mode = stat.S_IMODE(os.stat(s.conf).st_mode)
    check(mode == 0o640, "the file keeps its mode", oct(mode), "0o640")
    check(s.files() == ["bramley-people.conf", "councils.conf"], "no temporary file left",
          s.files())

    st = os.stat(s.conf)
    r = s.run("--apply", *args)
    check(r.returncode == 0 and "No change: the configuration already has these 5 people; "
          "nothing written." in r.stdout and "Written" not in r.stdout,
          "the same import again", (r.returncode, r.stdout, r.stderr), "No change")
    st2 = os.stat(s.conf)
    check((st.st_ino, st.st_mtime_ns) == (st2.st_ino, st2.st_mtime_ns) and
          read(s.conf) == golden, "a second import writes nothing")
    s.close()


def test_google(binary):
    s = Setup(binary)
    before = read(s.conf)
    csv = os.path.join(FIX, "google-export.csv")
    r = s.run("--council", "bramley-tc.gov.uk", "--map", "ward=Department", "--apply", csv)
    for line in ("read as a Google Workspace export (UTF-8), 3 people",
                 "left out: line 5: Mark Oldham, an account that is suspended or disabled",
                 "+ councillor Lena Ford <cllr.ford@bramley-tc.gov.uk>, Brook Ward",
                 "- councillor Mark Oldham <cllr.oldham@bramley-tc.gov.uk>, Brook Ward",
                 "~ Dev Shah: ward \"Mill Ward\" -> \"Mill and Brook Ward\"",
                 "Written: %s" % s.people):
        check(line in r.stdout, "Google: [%s]" % line, (r.returncode, r.stdout, r.stderr))
    check(read(s.conf) == before, "Google: the main file untouched")
    check(read(s.people) == read(os.path.join(FIX, "bramley-people.after-google.conf")),
          "Google: the included file, byte for byte", read(s.people).decode())
    s.close()


def test_spreadsheet(binary):
    s = Setup(binary)
    csv = os.path.join(FIX, "spreadsheet.csv")
    r = s.run("--council", "ashcombe-pc.gov.uk", "--map", "addresses=Email", "--map",
              "addresses=Personal email", "--apply", csv)
    for line in ("read as a spreadsheet export (UTF-8), 6 people",
                 "~ Jane Smith: titles mayor -> mayor, chair",
                 "~ Ann Jones: party (none) -> \"Labour\"",
                 "~ Peter Hale: party \"Green\" -> (none)",
                 "Joining: 0; leaving: 0; changed: 3; unchanged: 3."):
        check(line in r.stdout, "spreadsheet: [%s]" % line, (r.returncode, r.stdout, r.stderr))
    check(read(s.conf) == template("after-spreadsheet.conf.in", s.root),
          "spreadsheet: the file, byte for byte", read(s.conf).decode())
    # Without the second address column, Jane's personal address would go:
    # the diff says so before anything is written.
    r = s.run("--council", "ashcombe-pc.gov.uk", csv)
    check("~ Jane Smith: addresses cllr.smith@ashcombe-pc.gov.uk, jane.smith@example.com -> "
          "cllr.smith@ashcombe-pc.gov.uk" in r.stdout, "an address column left out",
          r.stdout)
    s.close()


def test_bad_rows(binary):
    s = Setup(binary)
    before = read(s.conf)
    csv = os.path.join(FIX, "bad-rows.csv")
    r = s.run("--council", "ashcombe-pc.gov.uk", "--apply", csv)
    want = [
        "line 3: No Address has no e-mail address",
        "line 5: Dup Two: cllr.smith@ashcombe-pc.gov.uk is also Dup One's, on line 4",
        "line 6: Other Council: cllr.shah@bramley-tc.gov.uk is already the address of "
        "Dev Shah of Bramley Town Council",
        "line 7: Mystery Person: unknown role \"Mayor\"",
        "line 8: the name \"Two\\nLines\" has a line break in it",
        "line 10: Bad Title: unknown title \"emperor\"",
        "line 11: Bad Address: \"not-an-address\" has no '@'",
    ]
    errors = [l[len(csv) + 2:] for l in r.stderr.splitlines() if l.startswith(csv + ": ")]
    check(len(errors) == len(want) and all(e.startswith(w) for e, w in zip(errors, want)),
          "bad rows", errors, want)
    check(r.returncode == 65 and "7 bad rows" in r.stderr and "nothing written" in r.stderr,
          "bad rows: exit and summary", (r.returncode, r.stderr), 65)
    check(read(s.conf) == before and s.files() == ["bramley-people.conf", "councils.conf"],
          "bad rows: nothing written")
    s.close()


def test_checked_as_n(binary):
    s = Setup(binary)
    before = read(s.conf)
    csv = os.path.join(s.root, "no-clerk.csv")
    with open(os.path.join(FIX, "spreadsheet.csv")) as f:
        text = "".join(l for l in f if not l.startswith("Tom Brown,"))
    with open(csv, "w") as f:
        f.write(text)
    r = s.run("--council", "ashcombe-pc.gov.uk", "--apply", csv)
    check(r.returncode == 78 and "- clerk Tom Brown <clerk@ashcombe-pc.gov.uk>" in r.stdout and
          ("%s:14: councils[0].clerk: \"clerk@ashcombe-pc.gov.uk\" is not the address of any "
           "officer" % s.conf) in r.stderr and ".council-directory-" not in r.stderr and
          "nothing written" in r.stderr, "the Clerk left out",
          (r.returncode, r.stdout, r.stderr))
    check(read(s.conf) == before and sorted(s.files()) ==
          ["bramley-people.conf", "councils.conf", "no-clerk.csv"], "nothing written", s.files())

    # The same through the @included file: the error names the main file's line.
    csv2 = os.path.join(s.root, "bramley.csv")
    with open(csv2, "w") as f:
        f.write("Name,Email,Role\nDev Shah,cllr.shah@bramley-tc.gov.uk,Councillor\n")
    r = s.run("--council", "Bramley Town Council", csv2)
    check(r.returncode == 78 and ("%s:43: councils[1].clerk" % s.conf) in r.stderr,
          "the Clerk left out of an included file", (r.returncode, r.stderr))
    s.close()


def test_usage(binary):
    s = Setup(binary)
    csv = os.path.join(FIX, "spreadsheet.csv")
    r = s.run("--council", "ashcombe-pc.gov.uk", "--map", "ward=District", csv)
    check(r.returncode == 65 and "no column \"District\"" in r.stderr and
          "\"Personal email\"" in r.stderr, "--map to a missing column", (r.returncode, r.stderr))
    r = s.run(csv)
    check(r.returncode == 64, "no --council", r.returncode, 64)
    r = s.run("--council", "nowhere.example", csv)
    check(r.returncode == 64, "an unknown council", r.returncode, 64)
    r = s.run("--council", "ashcombe-pc.gov.uk", os.path.join(s.root, "missing.csv"))
    check(r.returncode == 66, "a CSV that is not there", r.returncode, 66)
    s.close()


def test_manpage(binary):
    """council-directory(8) names every option of --help and each exit status the
    help lists, and groff reads it without a warning."""
    import re
    helptext = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    with open(os.path.join(SOURCE, "doc", "council-directory.8")) as f:
        page = re.sub(r"\\f[BIRP]", "", f.read()).replace("\\-", "-")
    option = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
    for o in sorted(set(option.findall(helptext))):
        check(o in page, "option %s of --help in the page" % o)
    m = re.search(r"Exit status:(.*?)\.\n", helptext, re.S)
    codes = set(re.findall(r"\b(\d+) ", m.group(1))) if m else set()
    exit_sec = page.split('.SH "EXIT STATUS"', 1)[1].split("\n.SH", 1)[0]
    check(codes == set(re.findall(r"^\.B (\d+)$", exit_sec, re.M)) and len(codes) >= 7,
          "exit statuses: help vs page", sorted(codes))
    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z",
                        os.path.join(SOURCE, "doc", "council-directory.8")],
                       capture_output=True, text=True)
    check(r.returncode == 0 and r.stderr == "", "groff warnings", r.stderr, "")


def main():
    binary = sys.argv[1]
    for t in (test_m365, test_google, test_spreadsheet, test_bad_rows, test_checked_as_n,
              test_usage, test_manpage):
        t(binary)
    for f in failures:
        print("FAIL " + f)
    print("council-directory import: %s" % ("FAILED" if failures else "OK"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
