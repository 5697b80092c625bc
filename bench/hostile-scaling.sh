#!/bin/bash
# Hostile scaling (issue 15): the judge's CPU time and peak RSS on each
# hostile shape of message (forwarded markers, HTML attributes, recipients,
# quote levels, MIME parts, ...) at 1x, 4x and 16x a base size; see
# bench/hostile-scaling.py for the shapes and the method.
#   bench/hostile-scaling.sh [--build DIR] [--base BYTES] [--reps N] [--only SHAPE]
#                            [--max-limits] [--quick]
# Last line: hostile_growth=RATIO (the worst time growth per 4x; linear is
# about 4, target at most 5).
exec /usr/bin/python3 "$(dirname "$0")/hostile-scaling.py" "$@"
