"""Where a claim's free indices run: over the range the definitions sum that position over
(``A_{ij}`` with ``J = \\sum_{i=1}^{n}\\sum_{j=1}^{m} ...``: j = 1..m)."""
from __future__ import annotations

from typing import Sequence

import sympy
from sympy import Indexed, Symbol

from .notation import Context

__all__ = ["ranges_of_positions"]


def ranges_of_positions(ctx: Context, parts: Sequence) -> Context:
    """``∂J/∂A_{ij}`` with ``J = Σ_{i=1}^{n} Σ_{j=1}^{m} (A_{ij} − Y_{ij})²``: the claim's free
    j stands where the definitions sum over 1..m (the columns of A), so it runs over 1..m, not
    over the default range (an entry A_{12} with m = 1 does not exist: no counterexample).
    Only for an undeclared free index, and when every such position gives one range."""
    spans: dict = {}
    for d in ctx.definitions:
        if not isinstance(d.rhs, sympy.Basic):
            continue
        for sm in d.rhs.atoms(sympy.Sum):
            for v, lo, hi in sm.limits:
                for a in sm.function.atoms(Indexed):
                    for pos, ix in enumerate(a.indices):
                        if ix == v:
                            spans.setdefault((str(a.base.label), pos), set()).add((lo, hi))
    if not spans:
        return ctx
    declared = {n for n, _ in ctx.ranges}
    found: dict = {}
    for p in parts:
        if not isinstance(p, sympy.Basic):
            continue
        free = p.free_symbols
        for a in p.atoms(Indexed):
            for pos, ix in enumerate(a.indices):
                if isinstance(ix, Symbol) and ix.is_integer and ix in free and \
                        str(ix) not in declared:
                    found.setdefault(ix, set()).update(
                        spans.get((str(a.base.label), pos), {None}))
    for ix, got in sorted(found.items(), key=lambda t: str(t[0])):
        if len(got) != 1 or None in got:
            continue
        lo, hi = next(iter(got))
        if (lo, hi) != tuple(ctx.range_of(ix)) and all(
                s.is_integer for s in (sympy.sympify(lo).free_symbols  # safe: SymPy objects
                                       | sympy.sympify(hi).free_symbols)):  # safe: SymPy
            ctx = ctx.with_range(str(ix), lo, hi)
    return ctx
