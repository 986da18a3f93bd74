"""A claim's correct form: the engine's own value of its left side (the derivative evaluated,
folded back into the text's names), shown beside a refuted formula."""
from __future__ import annotations

import sympy

from .. import calculus, folding
from ..calculus import CalculusError
from ..notation import Partial, SymderivError, index
from ..printer import to_latex
from ..vectors import evaluate_entries, has_vectors, instantiate_defs, materialize

__all__ = ["correct_form"]


def correct_form(lhs, ctx) -> str | None:
    """The engine's own value of a claim's left side (derivative evaluated, folded)."""
    try:
        if isinstance(lhs, sympy.MatrixBase):
            return None
        if has_vectors(lhs):
            if not ctx.size.is_Integer:
                lhs = _entrywise(lhs, ctx)
            else:  # a worked example: the exact value of the left side
                n = int(ctx.size)
                vctx = instantiate_defs(ctx, n)
                value = evaluate_entries(materialize(lhs, vctx, n), vctx)
                return f"{to_latex(lhs)} = {to_latex(value)}"
        lhs = _entrywise(lhs, ctx)
        e = calculus.evaluate_partials(lhs, ctx)
        e = calculus.apply_conditions(e, calculus.index_conditions(ctx.conditions))
        e = calculus.collapse(sympy.expand(e), ctx)
        e = folding.fold(e, ctx)
        e = calculus.apply_conditions(e, calculus.index_conditions(ctx.conditions))
        e = sympy.factor_terms(e)
        if e == lhs:
            return None
        return f"{to_latex(lhs)} = {to_latex(e)}"
    except (CalculusError, SymderivError, TypeError, ValueError):
        return None


def _entrywise(e, ctx):
    """∂L/∂W for a declared m×n matrix W → ∂L/∂W_{ac} (and ∂L/∂x → ∂L/∂x_a for vectors)."""
    shapes = dict(ctx.shapes)
    rep = {}
    for p in e.atoms(Partial):
        if isinstance(p.x, sympy.Symbol) and str(p.x) in shapes:
            rows, cols = shapes[str(p.x)]
            base = sympy.IndexedBase(str(p.x))
            entry = base[index("a"), index("c")] if cols != 1 else base[index("a")]
            rep[p] = Partial(p.f, entry)
    return e.xreplace(rep)
