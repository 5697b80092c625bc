#!/bin/bash
# Directory scaling: the judge's cost per message with 1, 10, 100 and 500
# councils of 30 people (scripts/gen-directory.py). The messages are the demo
# messages and the town-council-2023 fixtures (tests/messages), rewritten by
# bench/judge-bench.c so that a councillor of one council writes to one of
# its officers with another councillor blind-copied: rules and footers run.
# The council used is the first of each directory, which the generator makes
# identical at every size (same seed: same names, profile and settings), so
# only the directory's size differs; lookups are hashed, so its position in
# the file does not matter (bench/conf-directory.py measures them). Sizes are interleaved: each repetition runs every
# size once (a fresh process, --min-time seconds), and the figure per size
# is the median over the repetitions.
#
#   bench/directory-scaling.sh [--build DIR] [--reps N] [--min-time S] [--quick]
#
# --quick: 1 and 10 councils, one short repetition (the bench-smoke ctest).
# Last line: judge_500_vs_1=RATIO (time per message at the largest size
# divided by that at 1 council; target: flat, 1.0). See also
# bench/conf-directory.py (load time and lookup cost alone).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build reps=5 min_time=1 quick= sizes="1 10 100 500" people=30
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$(cd "$2" && pwd); shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--min-time) min_time=$2; shift 2 ;;
	--quick) quick=1 reps=1 min_time=0.05 sizes="1 10"; shift ;;
	*) echo "usage: $0 [--build DIR] [--reps N] [--min-time S] [--quick]" >&2; exit 2 ;;
	esac
done
bench=$build/bench/judge-bench
[ -x "$bench" ] || { echo "$bench not built: cmake --build $build --target judge-bench" >&2; exit 1; }
tmp=$(mktemp -d /tmp/council-dir-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for n in $sizes; do
	python3 "$root/scripts/gen-directory.py" --councils "$n" --people $people >"$tmp/$n.conf"
	python3 "$root/scripts/gen-directory.py" --councils "$n" --people $people --list-addresses \
		>"$tmp/$n.addresses"
	# The chosen council's domain: its clerk's address is the first of it.
	idx=0
	domain=$(printf '%s-%04d-pc.example' '[a-z]*' "$idx")
	grep -E "^clerk@$domain\$" "$tmp/$n.addresses" >/dev/null ||
		{ echo "no council $idx in the generated directory" >&2; exit 1; }
	grep -E "@$domain\$" "$tmp/$n.addresses" >"$tmp/$n.council"
	echo "staff=$(grep -m1 '^staff1@' "$tmp/$n.council")" >"$tmp/$n.env"
	grep -i '^cllr\.' "$tmp/$n.council" | sed -n '1s/^/from=/p;2s/^/bcc=/p' >>"$tmp/$n.env"
done

for ((r = 0; r < reps; r++)); do
	for n in $sizes; do
		# shellcheck disable=SC1090
		. "$tmp/$n.env"
		"$bench" -c "$tmp/$n.conf" -P "$root/policy/phrases" --mode judge \
			--from "$from" --to "$staff" --bcc "$bcc" --reps 1 --min-time "$min_time" \
			"$root/tests/messages/demo" "$root/tests/messages/town-council-2023" |
			sed "s/^/councils=$n /" >>"$tmp/results"
	done
done

python3 - "$tmp/results" "$people" <<'PY'
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(sys.argv[1])]
people = int(sys.argv[2])
sizes = sorted({int(r["councils"]) for r in rows})
rate = {n: statistics.median(float(r["msgs_per_s"]) for r in rows if int(r["councils"]) == n)
        for n in sizes}
one = [r for r in rows if int(r["councils"]) == sizes[0]][0]
print(f"{'councils':>8} {'people':>7} {'msgs/s':>9} {'us/msg':>9} {'vs 1':>6}   "
      f"({one['msgs']} messages, {one['findings_per_pass']} findings and "
      f"{one['annotated_per_pass']} footers per pass)")
for n in sizes:
    print(f"{n:>8} {n * people:>7} {rate[n]:>9.1f} {1e6 / rate[n]:>9.1f} "
          f"{rate[sizes[0]] / rate[n]:>6.2f}")
print(f"(median of {len(rows) // len(sizes)} interleaved repetitions)")
print(f"judge_{sizes[-1]}_vs_{sizes[0]}={rate[sizes[0]] / rate[sizes[-1]]:.2f}")
PY
