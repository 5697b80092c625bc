#!/bin/bash
# The bench-smoke ctest: run a benchmark script in its --quick mode and check
# that it ends with its key figure as name=value, so the scripts do not rot.
# No figure is judged: speed is never a test.
#   bench/smoke.sh SCRIPT [ARGS...]
# The script's output is passed through as it comes (not held back until it
# ends), so that if ctest stops a hung run, what it said so far is shown.
set -uo pipefail
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
last=$(tail -n 1 "$out")
if [ "$status" -ne 0 ]; then
	echo "FAIL: $1 exited with status $status" >&2
	exit 1
fi
if ! [[ $last =~ ^[a-z][a-z0-9_]*=[0-9]+(\.[0-9]+)?$ ]]; then
	echo "FAIL: last line of $1: got '$last', want name=NUMBER" >&2
	exit 1
fi
echo "PASS: $1 ends with $last"
