#!/bin/bash
# Fuzz the message path, the config loader, the HTML code and the document
# readers with libFuzzer (issues 8, 15, 18). Builds build-fuzz with clang, ASan and UBSan, copies the
# seeds into a temporary directory (../shared/corpus and tests/messages for
# messages, conf/examples and tests/conf for configs, HTML bodies for html,
# tests/extract/fixtures for documents,
# and fuzz/regressions for each), joins each target's dictionaries into one
# (libFuzzer takes one -dict: message.dict, markers.dict, html.dict and
# addresses.dict for messages; config.dict and addresses.dict for configs;
# html.dict for html; document.dict for documents), then runs each target for a bounded time. Anything found is left as a
# crash-* / leak-* / timeout-* file in the artifact directory, printed, and
# makes the script exit 1: add it to fuzz/regressions/<target>/ with a fix.
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [--keep DIR] [TARGET...]
#
# --time: per target (default 60, what scripts/test.sh uses); --jobs: libFuzzer
# -jobs/-workers (default 1); --keep DIR: keep the grown corpora and the
# artifacts in DIR (default: a temporary directory, removed when nothing
# was found). Targets: message config html document (default all four).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
time_per=60 jobs=1 keep= targets=()
while [ $# -gt 0 ]; do
	case $1 in
	--time) time_per=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	-h|--help) sed -n '2,21p' "$0"; exit 0 ;;
	*) targets+=("$1"); shift ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || targets=(message config html document)
build=${COUNCIL_FUZZ_BUILD:-build-fuzz}

echo "== fuzz: build $build (clang, ASan + UBSan, libFuzzer)"
CC=clang cmake -S . -B "$build" -DCOUNCIL_FUZZ=ON -DCOUNCIL_SANITIZE=ON -DCOUNCIL_E2E=OFF \
	>/dev/null
cmake --build "$build" -j"${COUNCIL_JOBS:-2}" $(printf -- '--target fuzz_%s ' "${targets[@]}")

work=${keep:-$(mktemp -d /tmp/council-fuzz-XXXXXX)}
mkdir -p "$work"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$src/tests/lsan.supp:print_suppressions=0
export G_SLICE=always-malloc COUNCIL_SOURCE_DIR=$src

seed() {	# seed TARGET: fill $work/TARGET/seeds
	local dir=$work/$1/seeds
	mkdir -p "$dir"
	case $1 in
	message)
		find "$src/../shared/corpus" "$src/tests/messages" -type f \
			\( -name '*.eml' -o -name '*.msg' \) -size -1024k -print0 |
			xargs -0 -r cp -t "$dir" --backup=numbered ;;
	config)
		find "$src/conf/examples" "$src/tests/conf" "$src/fuzz" -type f -name '*.conf' \
			-print0 | xargs -0 -r cp -t "$dir" --backup=numbered ;;
	html)	# messages with HTML in them, read whole as HTML
		find "$src/../shared/corpus" "$src/tests/messages" -type f \
			\( -name '*.eml' -o -name '*.msg' \) -size -256k -print0 |
			xargs -0 -r grep -lisZ '<html' |
			xargs -0 -r cp -t "$dir" --backup=numbered ;;
	document)
		find "$src/tests/extract/fixtures" -type f ! -name '*.py' -print0 |
			xargs -0 -r cp -t "$dir" --backup=numbered ;;
	esac
	cp -t "$dir" --backup=numbered "$src/fuzz/regressions/$1"/* 2>/dev/null || true
}

status=0
for t in "${targets[@]}"; do
	mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
	seed "$t"
	args=(-max_total_time="$time_per" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1
	      -artifact_prefix="$work/$t/artifacts/")
	case $t in
	message) dicts=(message markers html addresses); args+=(-max_len=131072) ;;
	config) dicts=(config addresses); args+=(-max_len=16384) ;;
	html) dicts=(html); args+=(-max_len=65536) ;;
	document) dicts=(document); args+=(-max_len=131072) ;;
	esac
	for d in "${dicts[@]}"; do cat "$src/fuzz/$d.dict"; done >"$work/$t/all.dict"
	args+=(-dict="$work/$t/all.dict")
	if [ "$jobs" -gt 1 ]; then
		args+=(-jobs="$jobs" -workers="$jobs")
	fi
	echo "== fuzz: $t for ${time_per}s (seeds: $(ls "$work/$t/seeds" | wc -l))"
	if ! (cd "$work/$t" && "$src/$build/fuzz/fuzz_$t" "${args[@]}" corpus seeds \
		>"$work/$t/log" 2>&1); then
		status=1
	fi
	grep -E '^(stat::|#[0-9]+ +DONE)' "$work/$t/log" | tail -8 || true
	# slow-unit-* files (an input over 10 s) are reported, not failed: on a
	# busy machine they come and go; crash-, leak-, oom- and timeout- fail.
	if ls "$work/$t/artifacts" | grep -q '^slow-unit-'; then
		echo "fuzz: $t: slow inputs kept in $work/$t/artifacts (not a failure)" >&2
		keep=${keep:-$work}
	fi
	if ls "$work/$t/artifacts" | grep -qv '^slow-unit-'; then
		status=1
		echo "fuzz: $t FOUND something; artifacts in $work/$t/artifacts:" >&2
		ls -l "$work/$t/artifacts" >&2
		grep -E 'ERROR|SUMMARY|runtime error' "$work/$t/log" | head -20 >&2 || true
	fi
done
if [ $status -eq 0 ] && [ -z "$keep" ]; then
	rm -rf "$work"
	echo "fuzz: nothing found in ${targets[*]}"
elif [ $status -ne 0 ]; then
	echo "fuzz: FAILED; logs and artifacts kept in $work" >&2
fi
exit $status
