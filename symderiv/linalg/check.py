"""Deciding a formula in vector notation: each layout reading in index form is decided by the
scalar route (a callback, so this stage needs no import of the API), and the layouts are
combined by :func:`symderiv.verify.verdict.combine_layouts`."""
from __future__ import annotations

import sympy
from sympy.core.function import AppliedUndef

from ..notation import Context, Definition
from ..verify.verdict import combine_layouts, conditions_unread, shape_refuted
from sympy import Symbol

from .objects import ONES, Diag, has_matrices
from .reading import matrix_readings


def _distinct_ones(e, count: list):
    """Each ``\\mathbf{1}`` its own vector of ones (its length is its context's)."""
    if e == ONES:
        count[0] += 1
        return Symbol(f"{ONES.name}_{{{count[0]}}}", commutative=False)
    if not isinstance(e, sympy.Basic) or not e.args or e.is_commutative and not e.has(ONES):
        return e
    return e.func(*(_distinct_ones(a, count) for a in e.args))


def normalize_ops(e, count=None):
    """``\\mathrm{diag}(v)`` read as a function → :class:`Diag`; each ``\\mathbf{1}`` a
    vector of its own."""
    if not isinstance(e, sympy.Basic):
        return e
    if e.has(ONES):
        e = _distinct_ones(e, count if count is not None else [0])
    return e.replace(lambda x: isinstance(x, AppliedUndef) and len(x.args) == 1 and
                     str(x.func) in ("diag", "Diag") and not x.args[0].is_commutative,
                     lambda x: Diag(x.args[0]))


def uses_matrices(parts, ctx: Context) -> bool:
    return any(has_matrices(p) for p in parts) or any(
        has_matrices(d.rhs) or has_matrices(d.target) for d in ctx.definitions)


def check_matrix(parts, ctx: Context, decide, **kw):
    """The verdict of *parts* (a chain) with whole vectors, via ``decide(parts, ctx, **kw)``."""
    held = [c for c in tuple(ctx.conditions) + tuple(kw.get("conditions") or ())
            if has_matrices(c)]
    if held:
        return conditions_unread(kw.get("claim", ""), held)
    count = [0]
    parts = [normalize_ops(p, count) for p in parts]
    ctx = ctx.with_(definitions=tuple(Definition(d.target, normalize_ops(d.rhs, count))
                                      for d in ctx.definitions))
    readings = matrix_readings(parts, ctx)
    if "sizes" in kw:       # several sizes at once grow fast: the small ones suffice here
        kw = dict(kw, sizes=tuple(n for n in kw["sizes"] if n <= 4) or (1, 2, 3))
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
    if not results and any(r.declared for r in readings):
        why = next(r.failure for r in readings if r.declared)
        return shape_refuted(ctx, kw.get("claim", ""), "", why)
    return combine_layouts(results, failures, claim=kw.get("claim", ""))
