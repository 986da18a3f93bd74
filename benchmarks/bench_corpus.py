"""Corpus throughput of ``symderiv audit`` with 1 and 2 local workers, in one run.

Generates N short notes (tests/corpus_gen.py: softmax Jacobian entries, cross-entropy through
softmax, MSE, sigmoid; names, indices and sizes varied; about 40 % with a slip), audits the
folder with ``--jobs 1`` and ``--jobs 2`` (``--format jsonl``), prints documents/s and
formulas/s for each and their ratio, checks that the two JSON Lines streams are identical and
that every note with a slip has a refuted formula, then runs ``--resume`` over the reports
of the last run and shows that it audits nothing and prints the same stream.  On a shared
machine, ``--repeat`` alternates the runs and prints their spread (the ratio of the fastest
runs, and the ratio of each pair of runs made one after the other), and ``--quiet LOAD`` waits
for the load average to fall under LOAD before each (this kernel shares the CPU between
sessions, so a busy session elsewhere caps what a second worker can add).

    python benchmarks/bench_corpus.py [--docs 1000] [--repeat R] [--quiet LOAD]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from corpus_gen import write_corpus  # noqa: E402


ENGINE: Path | None = None   # a copy of symderiv taken at the start (see snapshot)


def snapshot(into: Path) -> Path:
    """Copy the engine, so that every run of this benchmark uses the same code even when the
    working tree is edited meanwhile (an edit would make the reports rightly stale)."""
    shutil.copytree(ROOT / "symderiv", into / "symderiv",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return into


def audit(folder: Path, *extra: str) -> tuple[float, str, str]:
    cmd = [sys.executable, "-m", "symderiv", "audit", str(folder), "--format", "jsonl", *extra]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ENGINE or ROOT)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1, 2):
        sys.exit(f"audit failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    summary = [ln for ln in proc.stderr.splitlines() if ln.startswith("symderiv audit:")]
    return wall, proc.stdout, summary[-1] if summary else ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000, help="notes in the corpus (1000)")
    ap.add_argument("--folder", type=Path, default=None, help="where to write it (a temp dir)")
    ap.add_argument("--quiet", type=float, default=None, metavar="LOAD",
                    help="before each timed run, wait until the load average is under LOAD")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs of each, alternated; the fastest counts (a noisy machine)")
    args = ap.parse_args(argv)
    global ENGINE
    tmp = tempfile.TemporaryDirectory(prefix="symderiv-corpus-")
    ENGINE = snapshot(Path(tmp.name) / "engine")
    folder = args.folder or Path(tmp.name) / "corpus"
    notes = write_corpus(folder, args.docs)
    slips = {str(p): slip for p, _, slip in notes}
    print(f"corpus: {len(notes)} notes under {folder} ({sum(slips.values())} with a slip)")
    runs, streams, n = {}, set(), 0
    walls: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeat):
        for jobs in (1, 2):
            _wait_for_quiet(args.quiet)
            load = os.getloadavg()[0]
            n += 1
            out_dir = Path(tmp.name) / f"reports-{n}"     # a fresh folder: nothing current
            wall, out, summary = audit(folder, "--jobs", str(jobs), "--out", str(out_dir))
            print(f"  (--jobs {jobs}: {wall:.1f} s; load average {load:.1f} before, "
                  f"{os.getloadavg()[0]:.1f} after: other processes share the 2 cores)",
                  flush=True)
            streams.add(out)
            walls[jobs].append(wall)
            if jobs not in runs or wall < runs[jobs][0]:
                runs[jobs] = (wall, out, [json.loads(ln) for ln in out.splitlines()])
            last = out_dir
    print("| workers | seconds | documents/s | formulas/s |")
    print("|---|---|---|---|")
    for jobs, (wall, out, lines) in runs.items():
        formulas = sum(len(o["records"]) for o in lines)
        print(f"| {jobs} | {wall:.1f} | {len(lines) / wall:.2f} | {formulas / wall:.2f} |")
    ratio = runs[1][0] / runs[2][0]
    print(f"\nthroughput 2 workers / 1 worker: {ratio:.2f}x (target >= 1.7x), on this machine")
    if args.repeat > 1:
        pairs = sorted(a / b for a, b in zip(walls[1], walls[2]))
        print("  spread: --jobs 1 " + ", ".join(f"{w:.1f}" for w in walls[1]) + " s; --jobs 2 "
              + ", ".join(f"{w:.1f}" for w in walls[2]) + " s; ratio of each pair "
              + ", ".join(f"{r:.2f}" for r in pairs) + f" (median {pairs[len(pairs) // 2]:.2f})")
    same = len(streams) == 1
    print(f"JSON Lines streams of every --jobs 1 and --jobs 2 run identical: {same}")
    lines = runs[2][2]
    errors = [o["document"] for o in lines if o["error"]]
    caught = sum(any(r["verdict"] == "refuted" for r in o["records"])
                 for o in lines if slips.get(o["document"]))
    false = sum(any(r["verdict"] == "refuted" for r in o["records"])
                for o in lines if not slips.get(o["document"]))
    print(f"notes with a slip that have a refuted formula: {caught} of {sum(slips.values())}; "
          f"notes without a slip with one: {false}; documents not audited: {len(errors)}")
    again, out2, summary2 = audit(folder, "--jobs", "2", "--out", str(last), "--resume")
    audited = re.search(r"(\d+) audited, (\d+) current", summary2)
    print(f"--resume over the last run's reports: {again:.1f} s "
          f"({summary2.split(': ', 1)[-1]})")
    print(f"the --resume run audited {audited.group(1) if audited else '?'} documents; "
          f"its stream equals the others: {out2 in streams and same}")
    ok = same and out2 in streams and audited is not None and audited.group(1) == "0"
    return 0 if ok else 1


def _wait_for_quiet(limit: float | None, longest: float = 900.0) -> None:
    """Wait (at most *longest* s) until the 1-minute load average is under *limit*."""
    t0 = time.monotonic()
    while limit is not None and os.getloadavg()[0] > limit and time.monotonic() - t0 < longest:
        time.sleep(5)


if __name__ == "__main__":
    sys.exit(main())
