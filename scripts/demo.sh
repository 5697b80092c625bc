#!/bin/bash
# The README's demo command: install what is missing, build, and run the demo
# (scripts/demo.py): council-milter on the demo council behind a private
# Postfix on 127.0.0.1:2525, the demo messages sent through it with one line
# each saying what happened, then open for your own tests until Ctrl-C.
# Run as root on Debian 12; safe to run again. Options go to demo.py
# (--once: report and stop; --port N).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "== building council-milter"
cmake -S . -B build >/dev/null
cmake --build build -j2 --target council-milter council-review council-review-web \
    council-review-helper
exec /usr/bin/python3 scripts/demo.py "$@"
