#!/bin/bash
# What reading attached documents costs (issue 18): the Clerk's message to a
# solicitor (so the confidential rule reads its documents) with a PDF or a
# Word file of 1 MB and of 4 MB attached, against the same message with no
# attachment, in process through the engine's whole path (judge-bench
# --mode each), each document read by the real worker, council-extract. The
# documents are made here: a PDF with a page of text and an image of random
# bytes drawn on it (so the bytes are the document's, not padding), and a
# docx with a page of text and a picture of random bytes (stored, as JPEGs
# are). Each is judged over and over; the figure is the median of --reps
# repetitions, all kinds interleaved. A JPEG of the same sizes, which is
# never read (only carried, decoded and parsed with the message), shows how
# much of a document's cost is the message's own size.
#
#   cost per MB  = (time at 4 MB - time at 1 MB) / 3
#   per document = time at 1 MB - cost per MB - time of the plain message
#
# both as multiples of the plain message's time.
#
#   bench/attachment-cost.sh [--build DIR] [--reps N] [--min-time S] [--quick]
#
# --quick: 0.1 and 0.4 MB, one short repetition (the bench-smoke ctest).
# Last line: docx_mb_vs_plain=RATIO (the PDF's figure is the line before).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build reps=5 min_time=1 small=1 large=4
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$(cd "$2" && pwd); shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--min-time) min_time=$2; shift 2 ;;
	--quick) reps=1 min_time=0 small=0.1 large=0.4; shift ;;
	*) echo "usage: $0 [--build DIR] [--reps N] [--min-time S] [--quick]" >&2; exit 2 ;;
	esac
done
bench=$build/bench/judge-bench
[ -x "$bench" ] || { echo "$bench not built: cmake --build $build --target judge-bench" >&2; exit 1; }
[ -x "$build/extractor/council-extract" ] || { echo "council-extract not built in $build" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" "$small" "$large" <<'PY'
import base64, io, os, sys, zipfile
out, sizes = sys.argv[1], [float(sys.argv[2]), float(sys.argv[3])]
TEXT = ["Ashcombe Parish Council", "Item 9: Allotment rents 2027",
        "Report of the Clerk to the Allotments Committee, 14 May 2027."] + \
       ["The council manages forty-two allotment plots at Mill Lane and Castle Field."] * 30

def pdf(nbytes):
    """A one-page PDF: its text, and an image of NBYTES random bytes drawn on it."""
    side = max(16, int((nbytes / 3) ** 0.5))
    image = os.urandom(side * side * 3)
    lines = ["BT /F1 11 Tf 60 780 Td 14 TL"] + ["(%s) '" % t for t in TEXT] + ["ET",
             "q 200 0 0 200 300 100 cm /Im1 Do Q"]
    content = "\n".join(lines).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (side, side, len(image)) + image +
            b"\nendstream"]
    doc, offsets = io.BytesIO(), []
    doc.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for i, o in enumerate(objs, 1):
        offsets.append(doc.tell())
        doc.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = doc.tell()
    doc.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        doc.write(b"%010d 00000 n \n" % off)
    doc.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, xref))
    return doc.getvalue()

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
def docx(nbytes):
    """A docx: its text, and a picture of NBYTES random bytes (stored, as JPEGs are)."""
    body = "".join('<w:p><w:r><w:t>%s</w:t></w:r></w:p>' % t for t in TEXT)
    doc = io.BytesIO()
    with zipfile.ZipFile(doc, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Override PartName="/word/'
                   'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document %s><w:body>%s'
                   '</w:body></w:document>' % (W, body))
        z.writestr("word/media/image1.jpeg", os.urandom(int(nbytes)), zipfile.ZIP_STORED)
    return doc.getvalue()

def message(name, attachment=None, ctype=None, filename=None):
    head = ("From: Tom Brown <clerk@ashcombe-pc.gov.uk>\nTo: Case team <cases@lawfirm.example>\n"
            "Subject: Item 9 papers\nDate: Fri, 14 May 2027 09:00:00 +0100\n"
            "Message-ID: <%s.bench@test.example>\nMIME-Version: 1.0\n" % name)
    text = "Please find attached the report for item 9.\n\nTom Brown\nClerk\n"
    if attachment is None:
        eml = head + 'Content-Type: text/plain; charset="utf-8"\n\n' + text
    else:
        eml = (head + 'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
               'Content-Type: text/plain; charset="utf-8"\n\n' + text + "\n--b\n"
               'Content-Type: %s\nContent-Disposition: attachment; filename="%s"\n'
               'Content-Transfer-Encoding: base64\n\n' % (ctype, filename) +
               base64.encodebytes(attachment).decode() + "--b--\n")
    with open(os.path.join(out, name + ".eml"), "w") as f:
        f.write(eml)

message("plain")
for mb in sizes:
    n = int(mb * 1024 * 1024)
    message("pdf-%g" % mb, pdf(n), "application/pdf", "Item 9 report.pdf")
    message("docx-%g" % mb, docx(n), "application/vnd.openxmlformats-officedocument."
            "wordprocessingml.document", "Item 9 report.docx")
    message("jpeg-%g" % mb, os.urandom(n), "image/jpeg", "photo.jpg")
PY

out=$("$bench" --mode each -c "$root/conf/examples/demo.conf" -P "$root/policy/phrases" \
	--from clerk@ashcombe-pc.gov.uk --to cases@lawfirm.example \
	--reps "$reps" --min-time "$min_time" "$tmp"/*.eml)

python3 - "$out" "$small" "$large" <<'PY'
import sys
rows = {}
for line in sys.argv[1].splitlines():
    r = dict(kv.split("=", 1) for kv in line.split())
    rows[r["file"][:-4]] = r
small, large = sys.argv[2], sys.argv[3]
ms = lambda name: float(rows[name]["ms"])
print(f"{'message':<14} {'bytes':>10} {'ms':>9} {'min ms':>9} {'action':>7}")
for name in sorted(rows, key=lambda n: (n != "plain", n)):
    r = rows[name]
    print(f"{name:<14} {r['bytes']:>10} {float(r['ms']):>9.3f} {float(r['min_ms']):>9.3f} "
          f"{r['action']:>7}")
plain = ms("plain")
span = float(large) - float(small)
figures = {}
for kind in ("jpeg", "pdf", "docx"):
    per_mb = (ms(f"{kind}-{large}") - ms(f"{kind}-{small}")) / span
    fixed = ms(f"{kind}-{small}") - per_mb * float(small) - plain
    figures[kind] = per_mb / plain
    print(f"{kind}: {per_mb:.3f} ms per MB ({per_mb / plain:.1f} x the plain message, "
          f"{plain:.3f} ms); {fixed:.3f} ms per attachment ({fixed / plain:.1f} x)")
print(f"pdf_mb_vs_plain={max(figures['pdf'], 0):.2f}")
print(f"docx_mb_vs_plain={max(figures['docx'], 0):.2f}")
PY
