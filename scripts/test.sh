#!/bin/bash
# The README's test command: install what is missing, build the normal and
# the sanitizer (ASan + UBSan) build, run every test of both through ctest
# (unit tests and the end-to-end suite through a private Postfix). Exits
# non-zero if anything fails. Run as root on Debian 12; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${COUNCIL_JOBS:-2}

bash scripts/install-deps.sh

configure_and_build() {
	local dir=$1; shift
	echo "== build: $dir $*"
	cmake -S . -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j"$jobs"
}
configure_and_build build
configure_and_build build-asan -DCOUNCIL_SANITIZE=ON

status=0
for dir in build build-asan; do
	echo "== tests: $dir"
	ctest --test-dir "$dir" --output-on-failure -j"$jobs" || status=1
done

# Fuzzing (issue 8, bench helper): each libFuzzer target for a bounded time
# in its own clang build (build-fuzz); what it finds goes to fuzz/regressions.
echo "== fuzz: ${COUNCIL_FUZZ_TIME:-60}s per target"
bash scripts/fuzz.sh --time "${COUNCIL_FUZZ_TIME:-60}" || status=1
if [ $status -ne 0 ]; then
	echo "test.sh: FAILED (see the output above)" >&2
else
	echo "test.sh: all tests passed in build and build-asan, and the fuzzers found nothing"
fi
exit $status
