#!/usr/bin/env python
"""Score symderiv on the claims table tests/data/reader_claims.json.

Usage: python scripts/claims_table_score.py [TABLE] [--timeout S] [--jobs N] [--json OUT]
                                            [--only ID ...] [-v]

Every case is checked with ``symderiv.check(claim, given, where, timeout=S)`` (S = 20 by
default) in a pool of 2 worker processes. A verdict is

* right      - TRUE and proved/verified, or FALSE and refuted;
* wrong      - TRUE and refuted, or FALSE and proved/verified (a bug: the engine is unsound
               or misreads the notation);
* undecided  - unknown, or a bad-input error (a SymderivError: the reader refused it).

Prints right / wrong / undecided per class and in total, then every wrong case with the
engine's verdict and reason, then the most common reasons for undecided. ``-v`` also lists
every undecided case. ``--json OUT`` writes every result. Exit status 1 if any case is wrong.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

DEFAULT_TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "reader_claims.json"


def run_case(case: dict, timeout: float) -> dict:
    import symderiv
    from symderiv.notation import SymderivError

    t0 = time.perf_counter()
    try:
        v = symderiv.check(case["claim"], given=case["given"], where=case["where"],
                           timeout=timeout)
        status, reason = v.status, v.reason or ""
        method = v.method or ""
        cex = str(v.counterexample) if v.counterexample is not None else ""
    except SymderivError as err:
        status, reason, method, cex = "bad-input", f"{type(err).__name__}: {err}", "", ""
    except Exception as err:   # noqa: BLE001 — an engine crash is reported, not fatal
        status, reason, method, cex = "crash", f"{type(err).__name__}: {err}", "", ""
    seconds = time.perf_counter() - t0
    if status in ("proved", "verified"):
        outcome = "right" if case["label"] == "TRUE" else "wrong"
    elif status == "refuted":
        outcome = "right" if case["label"] == "FALSE" else "wrong"
    elif status == "crash":
        outcome = "crash"
    else:
        outcome = "undecided"
    return {"id": case["id"], "class": case["class"], "label": case["label"],
            "claim": case["claim"], "given": case["given"], "where": case["where"],
            "verdict": status, "method": method, "reason": reason, "counterexample": cex,
            "outcome": outcome, "seconds": round(seconds, 2)}


def _reason_key(reason: str) -> str:
    """A short family name for a reason (numbers, positions and quoted text removed)."""
    r = reason.split("\n")[0]
    r = re.sub(r"'[^']*'", "'…'", r)
    r = re.sub(r"\(at position \d+[^)]*\)", "", r)
    r = re.sub(r"\d+(\.\d+)?", "N", r)
    return r[:140]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table", nargs="?", default=str(DEFAULT_TABLE))
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", dest="json_out")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    cases = json.loads(Path(args.table).read_text(encoding="utf-8"))
    if args.only:
        cases = [c for c in cases if c["id"] in args.only]
    t0 = time.perf_counter()
    # Not multiprocessing.Pool: its workers are daemonic and symderiv.check starts its own
    # worker process. ProcessPoolExecutor's workers may have children.
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=mp.get_context("spawn")) as pool:
        results = list(pool.map(run_case, cases, [args.timeout] * len(cases)))
    wall = time.perf_counter() - t0

    per = defaultdict(Counter)
    for r in results:
        per[r["class"]][r["outcome"]] += 1
        per["TOTAL"][r["outcome"]] += 1
    classes = list(dict.fromkeys(c["class"] for c in cases)) + ["TOTAL"]
    print(f"{'class':14} {'cases':>5} {'right':>6} {'wrong':>6} {'undecided':>10} {'crash':>6}")
    for c in classes:
        n = per[c]
        print(f"{c:14} {sum(n.values()):5} {n['right']:6} {n['wrong']:6} {n['undecided']:10} "
              f"{n['crash']:6}")
    print(f"({wall:.0f} s wall, {args.jobs} jobs, timeout {args.timeout:g} s per claim)")

    wrong = [r for r in results if r["outcome"] in ("wrong", "crash")]
    print(f"\nWRONG ({len(wrong)}):")
    for r in wrong:
        print(f"- {r['id']} [{r['class']}] label {r['label']}, engine {r['verdict']}")
        print(f"    claim: {r['claim']}")
        for g in r["given"]:
            print(f"    given: {g}")
        for w in r["where"]:
            print(f"    where: {w}")
        print(f"    method: {r['method']}")
        if r["counterexample"]:
            print(f"    counterexample: {r['counterexample']}")
        print(f"    reason: {r['reason']}")

    und = [r for r in results if r["outcome"] == "undecided"]
    fam = Counter((r["verdict"], _reason_key(r["reason"])) for r in und)
    print(f"\nUNDECIDED ({len(und)}), by reason:")
    for (status, key), n in fam.most_common():
        print(f"  {n:3}  [{status}] {key}")
    if args.verbose:
        for r in und:
            print(f"  - {r['id']}: [{r['verdict']}] {r['reason'].splitlines()[0][:200]}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
