"""Time the grammar reader (symderiv.read) against the old reader (latex.py) in one run.

Every formula of ../shared/posts/*.txt and ../shared/corpus/*.md (extract_formulas, then
split_display) is read by both, under the default Notation; a formula either reader refuses
counts with the time it took to refuse. The old reader is loaded from its file: the main
checkout's ``symderiv/latex.py`` if it is still there, else the last commit that had it.

    PYTHONPATH=. python benchmarks/bench_reader.py [--repeat N]

Run of 2026-12-01 (2 CPUs, best of 3): 442 formulas; old reader 0.162 s (332 read), new reader
0.122 s (353 read, alternative readings included): ratio new/old 0.76.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OLD_COMMIT = "20e17a0"     # the last commit with symderiv/latex.py


def load_old():
    path = ROOT.parent / "main" / "symderiv" / "latex.py"
    if not path.is_file():
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{OLD_COMMIT}:symderiv/latex.py"],
                              capture_output=True, text=True, check=True).stdout
        path = Path(tempfile.mkdtemp()) / "latex_old.py"
        path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("symderiv_latex_old", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def formulas() -> list[str]:
    from symderiv.extract import extract_formulas
    from symderiv.read import split_display
    out = []
    files = sorted(SHARED.glob("posts/*.txt")) + sorted(SHARED.glob("corpus/*.md"))
    for path in files:
        for found in extract_formulas(path.read_text(encoding="utf-8")):
            try:
                out.extend(split_display(found.latex))
            except Exception:   # noqa: BLE001 - a display that cannot be split is skipped
                continue
    return out


def timed(read, texts, error) -> tuple[float, int]:
    ok = 0
    start = time.perf_counter()
    for t in texts:
        try:
            read(t)
            ok += 1
        except error:
            pass
    return time.perf_counter() - start, ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    old = load_old()
    from symderiv.read import LatexError, read_formula
    texts = formulas()
    read_formula(texts[0]) if texts else None            # warm: build the parser once
    best_old = best_new = float("inf")
    for _ in range(args.repeat):
        old._l2s.cache_clear()
        t_old, ok_old = timed(old.read_formula, texts, old.LatexError)
        t_new, ok_new = timed(read_formula, texts, LatexError)
        best_old, best_new = min(best_old, t_old), min(best_new, t_new)
    print(f"{len(texts)} formulas")
    print(f"old reader (latex.py):     {best_old:.3f} s, {ok_old} read")
    print(f"new reader (symderiv.read): {best_new:.3f} s, {ok_new} read")
    print(f"ratio new/old: {best_new / best_old:.2f}")


if __name__ == "__main__":
    main()
