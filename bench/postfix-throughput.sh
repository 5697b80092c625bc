#!/bin/bash
# Throughput through a private Postfix on loopback: no milter, the null
# milter and council-milter, in one run (bench/postfix-throughput.py says
# how). Needs root and Postfix.
#   bench/postfix-throughput.sh [--build DIR] [--messages N] [--rounds N]
#                               [--load council|outside] [--quick]
# Last line: milter_vs_null=RATIO (target >= 0.9).
exec /usr/bin/python3 "$(dirname "$0")/postfix-throughput.py" "$@"
