"""``symderiv derive``: the command's logic (the CLI only parses the arguments).

    symderiv derive                       list the built-in theorems
    symderiv derive NAME                  a built-in theorem, step by step
    symderiv derive QUANTITY --given DEF… [--where COND…] [--format …]
"""
from __future__ import annotations

import sys

__all__ = ["run_derive", "list_theorems"]


def list_theorems(out=None) -> int:
    out = out or sys.stdout
    from ..derivations import THEOREMS
    for name, fn in THEOREMS.items():
        doc = (fn.__doc__ or "").strip().splitlines()
        print(f"{name:22s} {doc[0] if doc else ''}", file=out)
    print("\nor: symderiv derive '\\frac{\\partial L}{\\partial z_k}' --given 'DEF' ... "
          "(any quantity, from its definitions)", file=out)
    return 0


def run_derive(name: str | None, given=(), where=(), fmt: str = "text",
               timeout: float = 60.0, out=None) -> int:
    """Print the derivation of *name* (a theorem or a LaTeX quantity) in *fmt*; exit status."""
    if not name:
        if given or where:
            raise ValueError("give the quantity to derive, e.g. "
                             "'\\frac{\\partial L}{\\partial z_k}', before --given")
        return list_theorems(out)
    from ..derivations import derive
    from ..report.derivation import render_derivation
    from ..runner import TimeBudgetExceeded, run_bounded
    try:
        d = run_bounded(derive, (name, tuple(given), tuple(where)), {"timeout": None},
                        timeout=timeout)
        text = run_bounded(render_derivation, (d, fmt), timeout=timeout)
    except TimeBudgetExceeded as err:   # not bad input: undecided (exit 2), one line
        print(f"symderiv derive: {err}; raise it with --timeout",
              file=sys.stderr)
        return 2
    print(text, end="" if text.endswith("\n") else "\n", file=out or sys.stdout)
    return 0
