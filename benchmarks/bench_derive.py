"""Derive each layer/loss pair of symderiv.stepwise.examples from its definitions and print a
table: the result, its steps (all proved), whether it is the textbook form, the condition it
needs, the NumPy code's agreement with finite differences, and the time.

    python benchmarks/bench_derive.py [--markdown]

The time is the derivation with every step (and lemma) checked by verify, in this process;
the NumPy check runs the code symderiv generated (ours, printed from SymPy).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from derive_numeric import compiled, finite_differences, inputs, relative_error  # noqa: E402

from symderiv.api import normalize_sizes, notation_for  # noqa: E402
from symderiv.read import Notation, read_expr  # noqa: E402
from symderiv.stepwise import derive_from  # noqa: E402
from symderiv.stepwise.examples import PAIRS  # noqa: E402
from symderiv.stepwise.text import show  # noqa: E402
from symderiv.verify import decide  # noqa: E402


def _count(d) -> int:
    return len(d.verdicts) + sum(_count(lem) for lem in d.lemmas)


def _textbook(d, latex):
    import sympy
    e = read_expr(latex, notation_for(d.quantity, d.given, Notation()))
    e = normalize_sizes(d.context, [e])[1][0]
    known = [dd.rhs for dd in d.context.definitions] + [d.result] + \
        [sympy.sympify(b) for _, rng in d.context.ranges for b in rng]  # safe: SymPy objects
    sizes = {str(s): s for e in known for s in e.free_symbols
             if isinstance(s, sympy.Symbol) and s.is_integer and s.is_positive}
    return e.xreplace({s: sizes[str(s)] for s in e.free_symbols if str(s) in sizes})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args(argv)
    rows = []
    for pair_id, q, given, book, _ in PAIRS:
        start = time.perf_counter()
        d = derive_from(q, given)
        seconds = time.perf_counter() - start
        ctx = d.context.assume(*d.conditions) if d.conditions else d.context
        same = decide(d.result, _textbook(d, book), ctx, exact=False).status
        nf, ns = compiled(d)
        a, _, _ = inputs(d, nf, 0)
        err = relative_error(ns["derivative"](*a), finite_differences(d, nf, ns, a))
        rows.append((pair_id, show(d.lhs) + " = " + show(d.result), _count(d), same,
                     "; ".join(show(c) for c in d.conditions) or "—", f"{err:.1e}",
                     f"{seconds:.2f}"))
    head = ("pair", "result", "steps proved", "textbook form", "needs", "NumPy vs FD", "s")
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(str(c) for c in r) + " |")
    else:
        for r in rows:
            print(f"{r[0]:18s} {r[6]:>6s}s  {r[2]:3d} steps  {r[3]:7s}  fd {r[5]}  "
                  f"needs {r[4]:12s} {r[1]}")
    total = sum(float(r[6]) for r in rows)
    print(f"\n{len(rows)} derivations, {total:.2f} s in all")
    return 0 if all(r[3] == "proved" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
