#!/bin/bash
# council-extract's cage, tested on the program itself: it answers for a
# document; a file it tries to open is refused; a program it tries to run
# kills it (the seccomp filter); CPU time past --seconds kills it; memory
# past --memory stops it without an answer. The filter, the descriptor and
# the memory limits are left out of sanitizer builds (sandbox.c), so those
# checks are skipped there.
#
#   tests/extract/worker.sh COUNCIL_EXTRACT FIXTURES_DIR SANITIZED(ON|OFF)
set -u
bin=$1 fixtures=$2 sanitized=$3
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

out=$("$bin" --kind pdf < "$fixtures/libreoffice-heading.pdf")
[[ $out == *"status ok"*"line heading 1 NOT FOR PUBLICATION"*"end" ]] ||
	fail "a PDF: got '$out', want its heading and the end of the answer"

if [ "$sanitized" != ON ]; then
	out=$("$bin" --kind pdf --test-hook open < /dev/null)
	[[ $out == "open: Permission denied" ]] ||
		fail "opening a file: got '$out', want it refused (Permission denied)"

	"$bin" --kind pdf --test-hook exec < /dev/null > /dev/null 2>&1
	status=$?
	[ $status -eq $((128 + 31)) ] ||
		fail "running a program: got exit status $status, want killed by SIGSYS (159)"

	out=$("$bin" --kind pdf --memory 67108864 < "$fixtures/libreoffice-heading.pdf" 2>/dev/null)
	status=$?
	[[ $status -ne 0 && $out != *"end"* ]] ||
		fail "64 MiB of memory: got status $status and '$out', want a failure, no answer"
fi

start=$(date +%s%N)
"$bin" --kind pdf --seconds 1 --test-hook hang < /dev/null > /dev/null 2>&1
status=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ $status -eq $((128 + 24)) ] || [ $status -eq $((128 + 9)) ] ||
	fail "spinning past 1 s of CPU: got exit status $status, want SIGXCPU (152) or SIGKILL"
# CPU time, not wall time: on a busy machine it takes longer to spend.
[ $took -lt 30000 ] || fail "spinning past 1 s of CPU: took $took ms, want it stopped"

if [ $failures -gt 0 ]; then
	exit 1
fi
echo "PASS: council-extract's limits and filter"
