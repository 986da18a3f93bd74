"""Every benchmark of symderiv in one run, printing the ratios the README's speed section
quotes: the naive SymPy route against symderiv's routes (bench_identities), the edges, the
warm API and documents against the targets of issue 16 (bench_speed), and the corpus
throughput with 1 and 2 workers (bench_corpus).

    python benchmarks/bench_all.py [--docs 200] [--sizes 4 8 16 32 1024] [--cap 60]
"""
from __future__ import annotations

import argparse
import sys
import time

import bench_corpus
import bench_identities
import bench_speed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200, help="notes in the generated corpus (200)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 8, 16, 32, 1024],
                    help="sizes K of the naive-versus-symderiv table")
    ap.add_argument("--cap", type=float, default=60.0, help="time cap of the naive route (s)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each edge command (best)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print("## naive SymPy route against symderiv's routes\n", flush=True)
    bench_identities.main(["--cap", str(args.cap), "--sizes", *map(str, args.sizes)])
    print("\n## edges, API, documents\n", flush=True)
    bench_speed.main(["--runs", str(args.runs)])
    print("\n## corpus throughput\n", flush=True)
    status = bench_corpus.main(["--docs", str(args.docs)])
    print(f"\nall benchmarks: {time.perf_counter() - t0:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
