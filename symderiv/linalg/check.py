"""Deciding a formula in vector notation: each layout reading in index form is decided by the
scalar route (a callback, so this stage needs no import of the API), and the layouts are
combined by :func:`symderiv.verify.verdict.combine_layouts`."""
from __future__ import annotations

import sympy
from sympy.core.function import AppliedUndef

from ..notation import Context, Definition
from .objects import Diag, has_matrices
from .reading import matrix_readings


def normalize_ops(e):
    """``\\mathrm{diag}(v)`` read as a function → :class:`Diag`."""
    if not isinstance(e, sympy.Basic):
        return e
    return e.replace(lambda x: isinstance(x, AppliedUndef) and len(x.args) == 1 and
                     str(x.func) in ("diag", "Diag") and not x.args[0].is_commutative,
                     lambda x: Diag(x.args[0]))


def uses_matrices(parts, ctx: Context) -> bool:
    return any(has_matrices(p) for p in parts) or any(
        has_matrices(d.rhs) or has_matrices(d.target) for d in ctx.definitions)


def check_matrix(parts, ctx: Context, decide, **kw):
    """The verdict of *parts* (a chain) with whole vectors, via ``decide(parts, ctx, **kw)``."""
    from ..verify.verdict import combine_layouts
    parts = [normalize_ops(p) for p in parts]
    ctx = ctx.with_(definitions=tuple(Definition(d.target, normalize_ops(d.rhs))
                                      for d in ctx.definitions))
    readings = matrix_readings(parts, ctx)
    results, failures = [], []
    for r in readings:
        if r.failure is not None:
            failures.append((r.layout, r.failure))
            continue
        v = decide(list(r.parts), r.ctx, **kw)
        doubts = r.doubts
        if v.status == "refuted" and r.by_default:
            # refuted with x a vector (the lowercase default): a refutation only if x as a
            # general matrix is refuted too (or its shapes do not fit at all)
            g = r.general
            if g is not None and (g.failure is not None or decide(
                    list(g.parts), g.ctx, **kw).status == "refuted"):
                doubts = tuple(d for d in doubts if d not in r.by_default)
        results.append((r.layout, v, doubts))
    return combine_layouts(results, failures, claim=kw.get("claim", ""))
