#!/bin/bash
# Size scaling: one message of 10 KB, 100 KB, 1 MB, 10 MB and 50 MB (a
# councillor's text to an officer, with another councillor blind-copied so
# the rules run, plus a base64 attachment making up the size), each judged by
# a fresh process (bench/judge-bench.c --mode stream) that feeds the engine
# as libmilter does: the header block, then the body in 64 KB chunks read
# from the file, then engine_run. Judge time is engine_run alone (parse,
# rules, footer, MTA operations), median of several runs; peak RSS is the
# process's getrusage() maximum, which includes the engine's copy of the
# message as received.
#
#   bench/size-scaling.sh [--build DIR] [--quick]
#
# --quick: 10 KB to 1 MB, one run each (the bench-smoke ctest).
# Last line: rss_per_msg_size=RATIO at the largest size (peak RSS divided by
# the message size; target: at most 3 plus a constant).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build quick=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$(cd "$2" && pwd); shift 2 ;;
	--quick) quick=1; shift ;;
	*) echo "usage: $0 [--build DIR] [--quick]" >&2; exit 2 ;;
	esac
done
bench=$build/bench/judge-bench
[ -x "$bench" ] || { echo "$bench not built: cmake --build $build --target judge-bench" >&2; exit 1; }
sizes="10240 102400 1048576 10485760 52428800"
[ -z "$quick" ] || sizes="10240 102400 1048576"
tmp=$(mktemp -d /tmp/council-size-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" $sizes <<'PY'
import base64, os, sys
out, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
words = ("the council noted the report on the village hall roof and agreed to "
         "ask the clerk for three quotes before the next meeting ").encode()
for size in sizes:
    head = (b"From: Cllr Ann Jones <cllr.jones@ashcombe-pc.gov.uk>\r\n"
            b"To: Amy Green <admin@ashcombe-pc.gov.uk>\r\n"
            b"Subject: Village hall roof: the survey\r\n"
            b"Date: Tue, 4 Mar 2025 11:30:00 +0000\r\n"
            b"Message-ID: <size-%d@ashcombe-pc.gov.uk>\r\n"
            b"MIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" % size)
    text_len = max(512, size // 10)          # a tenth of it text
    line = words.rstrip() + b"\r\n"
    text = (line * (text_len // len(line) + 1))[:text_len]
    text = text[:text.rfind(b"\r\n") + 2]
    att_head = (b"--b1\r\nContent-Type: application/pdf; name=\"survey.pdf\"\r\n"
                b"Content-Disposition: attachment; filename=\"survey.pdf\"\r\n"
                b"Content-Transfer-Encoding: base64\r\n\r\n")
    tail = b"--b1--\r\n"
    room = size - len(head) - len(text) - len(att_head) - len(tail)
    raw_len = max(0, room * 76 // 78 * 3 // 4)
    blob = base64.encodebytes(os.urandom(raw_len)).replace(b"\n", b"\r\n")
    msg = head + text + att_head + blob + tail
    with open(os.path.join(out, "msg-%d.eml" % size), "wb") as f:
        f.write(msg)
PY

printf '%10s %11s %10s %9s %12s %12s %8s %s\n' size bytes judge_ms ms_per_MB peak_rss_MB \
	rss_over_10K rss/size action
base_rss=
for s in $sizes; do
	reps=5
	[ "$s" -lt 10485760 ] || reps=3
	[ -z "$quick" ] || reps=1
	line=$("$bench" -c "$root/conf/examples/demo.conf" -P "$root/policy/phrases" --mode stream \
		--from cllr.jones@ashcombe-pc.gov.uk --to admin@ashcombe-pc.gov.uk \
		--bcc cllr.hale@ashcombe-pc.gov.uk --reps $reps "$tmp/msg-$s.eml")
	eval "$(printf '%s\n' "$line" | tr ' ' '\n' | grep -E '^(bytes|judge_ms|peak_rss_kb|action)=')"
	[ -n "$base_rss" ] || base_rss=$peak_rss_kb
	awk -v s="$s" -v b="$bytes" -v ms="$judge_ms" -v rss="$peak_rss_kb" -v base="$base_rss" \
		-v action="$action" '
		function h(n) { return n >= 1048576 ? sprintf("%dM", n / 1048576) : sprintf("%dK", n / 1024) }
		BEGIN { printf "%10s %11d %10.2f %9.2f %12.1f %12.1f %8.2f %s\n", h(s), b, ms,
			ms / (b / 1048576), rss / 1024, (rss - base) / 1024, rss * 1024 / b, action }'
	last_ratio=$(awk -v b="$bytes" -v rss="$peak_rss_kb" 'BEGIN { printf "%.2f", rss * 1024 / b }')
	last_growth=$(awk -v b="$bytes" -v rss="$peak_rss_kb" -v base="$base_rss" \
		'BEGIN { printf "%.2f", (rss - base) * 1024 / b }')
done
echo "(action: what the engine decided at that size; rss_over_10K: peak RSS less the 10 KB run's, the constant)"
echo "rss_growth_per_msg_size=$last_growth"
echo "rss_per_msg_size=$last_ratio"
