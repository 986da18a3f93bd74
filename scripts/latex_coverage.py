#!/usr/bin/env python
"""How many display formulas of the bundled posts the LaTeX reader reads.

Usage: python scripts/latex_coverage.py [POSTS_DIR] [-v]

Every display formula of every post is split into equations (``split_display``) and read with
``read_formula`` under a notation suited to that post. Prints, per post, the count read out of
the total, then each formula that was not read with the reason. ``-v`` also prints the warnings
and the reading (parse echo) of every formula. Exit status 0 when everything was read, else 1.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from symderiv.extract import extract_formulas
from symderiv.printer import to_latex
from symderiv.read import LatexError, Notation, read_formula, split_display

DEFAULT_POSTS = Path(__file__).resolve().parents[2] / "shared" / "posts"

#: The notation of each post, keyed by the start of its file name.
NOTATIONS = {
    # a Q&A thread: labels ^{O} (output layer), vectors A^{O}, Z^{O}, T; indices run 0..n
    "000": Notation(lower=0, upper="n", labels=("O",), vectors=("A^{O}", "Z^{O}", "T"),
                    functions=("E", "Softmax", "S", "SoftMax")),
    # softmax y = g(z), a cost L(y, t); indices 1..K
    "001": Notation(functions=("g", "L")),
    # quotient rule with f, g (and the slip h); P(z = j | x) is read as an opaque name
    "002": Notation(functions=("f", "g", "h", "P")),
}


def notation_for(path: Path) -> Notation:
    return NOTATIONS.get(path.name[:3], Notation())


def coverage(posts_dir: Path, verbose: bool = False) -> tuple[int, int]:
    total_read = total = 0
    for path in sorted(posts_dir.glob("*.txt")):
        notation = notation_for(path)
        text = path.read_text(encoding="utf-8")
        results = []
        for found in extract_formulas(text):
            if found.kind != "display":
                continue
            for eq in split_display(found.latex):
                t0 = time.perf_counter()
                try:
                    formula = read_formula(eq, notation)
                    results.append((found.line, eq, formula, None, time.perf_counter() - t0))
                except LatexError as e:
                    results.append((found.line, eq, None, e, time.perf_counter() - t0))
        n_read = sum(1 for r in results if r[3] is None)
        seconds = sum(r[4] for r in results)
        print(f"{path.name}: {n_read}/{len(results)} display formulas read ({seconds:.2f} s)")
        for line, eq, formula, error, _ in results:
            short = " ".join(eq.split())
            if len(short) > 100:
                short = short[:97] + "..."
            if error is not None:
                print(f"  line {line}: NOT READ  {short}")
                print(f"      reason: {error.reason}" + (f" — {error.hint}" if error.hint else ""))
            elif verbose:
                print(f"  line {line}: {short}")
                print(f"      read as: {to_latex(formula)}")
                for w in formula.warnings:
                    print(f"      warning: {w}")
        total_read += n_read
        total += len(results)
    print(f"total: {total_read}/{total}")
    return total_read, total


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    posts = Path(args[0]) if args else DEFAULT_POSTS
    if not posts.is_dir():
        print(f"no posts directory at {posts}", file=sys.stderr)
        return 2
    n_read, total = coverage(posts, verbose)
    return 0 if n_read == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
