#!/bin/bash
# In process, on every message of ../shared/corpus: messages per second for
# GMime's parse alone (g_mime_parser_construct_message on the raw bytes)
# against the engine's whole path (header split, parse, model, rules,
# footer, MTA operations), in one run, interleaved, median of several
# repetitions (bench/judge-bench.c). Two judge figures:
#   plain  the corpus as it is, from an outsider to a council officer
#          (few rules apply: the cheap everyday case);
#   cllr   the same messages with From:/To: rewritten so that a councillor
#          writes to an officer with another councillor blind-copied, so
#          rules run on every message and the silent-copy footer is written.
# The key figure is the harder one: cllr msgs/s divided by parse msgs/s.
#
#   bench/judge-vs-parse.sh [--build DIR] [--reps N] [--min-time S] [--quick]
#
# --quick: 20 messages, one short repetition (the bench-smoke ctest).
# Last line: judge_vs_parse=RATIO (target >= 0.5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build reps=7 min_time=1 quick=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$(cd "$2" && pwd); shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--min-time) min_time=$2; shift 2 ;;
	--quick) quick=1 reps=1 min_time=0; shift ;;
	*) echo "usage: $0 [--build DIR] [--reps N] [--min-time S] [--quick]" >&2; exit 2 ;;
	esac
done
bench=$build/bench/judge-bench
[ -x "$bench" ] || { echo "$bench not built: cmake --build $build --target judge-bench" >&2; exit 1; }
corpus=${COUNCIL_SHARED_DIR:-$root/../shared}/corpus
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 1; }
inputs=("$corpus")
if [ -n "$quick" ]; then
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
	find "$corpus" -type f \( -name '*.eml' -o -name '*.msg' \) | sort | sed -n 1,20p |
		xargs cp -t "$tmp" --backup=numbered
	inputs=("$tmp")
fi

out=$("$bench" -c "$root/conf/examples/demo.conf" -P "$root/policy/phrases" \
	--from cllr.jones@ashcombe-pc.gov.uk --to admin@ashcombe-pc.gov.uk \
	--bcc cllr.hale@ashcombe-pc.gov.uk --outsider someone@example.net \
	--reps "$reps" --min-time "$min_time" "${inputs[@]}")

python3 - "$out" <<'PY'
import sys
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in sys.argv[1].splitlines()]
by = {r["mode"]: r for r in rows}
parse = float(by["parse"]["msgs_per_s"])
labels = {"parse": "GMime parse only", "plain": "judge, corpus as is",
          "cllr": "judge, councillor writes"}
print(f"{'path':<26} {'msgs':>5} {'MB':>6} {'msgs/s':>9} {'MB/s':>7} {'min..max msgs/s':>17} "
      f"{'vs parse':>8} {'findings':>8} {'footers':>7}")
for m in ("parse", "plain", "cllr"):
    r = by[m]
    rate = float(r["msgs_per_s"])
    print(f"{labels[m]:<26} {r['msgs']:>5} {int(r['bytes']) / 1e6:>6.2f} {rate:>9.1f} "
          f"{float(r['mb_per_s']):>7.2f} {float(r['min']):>8.1f}..{float(r['max']):<8.1f} "
          f"{rate / parse:>8.3f} {r['findings_per_pass']:>8} {r['annotated_per_pass']:>7}")
print(f"(median of {by['parse']['reps']} repetitions; findings and footers per pass "
      f"over the {by['parse']['msgs']} messages)")
print(f"judge_plain_vs_parse={float(by['plain']['msgs_per_s']) / parse:.3f}")
print(f"judge_vs_parse={float(by['cllr']['msgs_per_s']) / parse:.3f}")
PY
