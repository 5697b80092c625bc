#!/usr/bin/env python3
"""Directory scaling: load time and address-lookup cost for 1, 10, 100 and
500 councils of 30 people (issue 3: "a config of 500 councils x 30 people
loads in well under a second and a lookup costs the same as for one
council").

  cmake --build build --target conf-bench
  bench/conf-directory.py [--build build] [--lookups 500000]

Generates each config with scripts/gen-directory.py, runs build/bench/
conf-bench on all of them (interleaved, so that other work on a shared
machine slows every size alike) and prints a table. The lookup cost is the
mean of the median ns per conf_person_lookup() for addresses in the
directory and for addresses not in it. Last line: lookup_500_vs_1=RATIO
(cost at 500 councils divided by cost at 1; 1.0 means no growth).
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SIZES = [1, 10, 100, 500]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--lookups", type=int, default=500000, help="per config and round")
    ap.add_argument("--people", type=int, default=30)
    args = ap.parse_args()
    bench = os.path.join(args.build, "bench", "conf-bench")
    if not os.access(bench, os.X_OK):
        sys.exit(f"{bench} not built: cmake --build {args.build} --target conf-bench")
    phrases = os.path.join(ROOT, "policy", "phrases")
    cost = {}
    with tempfile.TemporaryDirectory() as tmp:
        confs, lines = [], {}
        for n in SIZES:
            conf = os.path.join(tmp, f"councils-{n}.conf")
            with open(conf, "w") as f:
                subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-directory.py"),
                                "--councils", str(n), "--people", str(args.people)],
                               stdout=f, check=True)
            with open(conf) as f:
                lines[n] = sum(1 for _ in f)
            confs.append(conf)
        out = subprocess.run([bench, phrases, str(args.lookups)] + confs, check=True,
                             capture_output=True, text=True).stdout
    print(f"{'councils':>8} {'people':>7} {'addresses':>9} {'conf_lines':>10} "
          f"{'load_ms':>9} {'present_ns':>10} {'absent_ns':>9} {'lookup_ns':>9}")
    for n, line in zip(SIZES, out.splitlines()):
        r = dict(kv.split("=", 1) for kv in line.split())
        cost[n] = (float(r["present_ns"]) + float(r["absent_ns"])) / 2
        print(f"{r['councils']:>8} {r['people']:>7} {r['addresses']:>9} {lines[n]:>10} "
              f"{float(r['load_ms']):>9.1f} {float(r['present_ns']):>10.1f} "
              f"{float(r['absent_ns']):>9.1f} {cost[n]:>9.1f}")
    print(f"load_500_ms={float(r['load_ms']):.1f}")
    print(f"lookup_500_vs_1={cost[500] / cost[1]:.2f}")


if __name__ == "__main__":
    main()
