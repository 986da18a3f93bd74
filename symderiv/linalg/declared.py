r"""Declared shapes that contradict the definitions they declare.

``y = W x + b`` "where ``W ∈ ℝ^{m×n}`` and ``x, b ∈ ℝ^n``": b must be in ℝ^m.  The clash is
the declarations' (it is judged, refuted, where they are written, each declaration with the
ones before it); a claim about the model is not refuted for it.  The claim is read with the
declarations that fit, in the text's order, and the one that does not set aside (b's: its
shape then comes from y = Wx + b), which its verdict says.
"""
from __future__ import annotations

import sympy
from sympy import Symbol

from ..notation import Context
from ..printer import to_latex
from .objects import has_matrices
from .reading import relevant
from .inference import infer
from .shapes import ShapeMismatch


def _fits(eqs, declared) -> str | None:
    """None when the equations fit the declared shapes (a lowercase name a vector, or any
    shape), else why they do not; None too when what fails is no declared size."""
    last = None
    for defaults in (True, False):
        try:
            infer(eqs, "denominator", declared=declared, defaults=defaults)
            return None
        except ShapeMismatch as err:
            last = err
    return str(last) if last.declared else None


def _shown(name: str, dims) -> str:
    dims = [d for d in dims if d is not None]
    if len(dims) == 2 and dims[1] == 1:       # a column: ℝ^n
        dims = dims[:1]
    inner = r" \times ".join(to_latex(sympy.sympify(d)) for d in dims)  # safe: SymPy objects
    return f"{name} \\in \\mathbb{{R}}^{{{inner}}}"


def declaration_alternatives(parts, ctx: Context) -> list[tuple[Context, str, tuple]] | None:
    """The context with the declared shapes that contradict the definitions set aside (with
    what it sets aside, said and by name), when the declared shapes do; None when they fit.  The declarations
    are taken in the text's order, as each is judged with the ones before it: one that the
    definitions and the declarations before it contradict is the one set aside."""
    if not ctx.shapes:
        return None
    defs = [d for d in ctx.definitions if has_matrices(d.rhs) or has_matrices(d.target)]
    eqs = [(Symbol(d.name, commutative=False), d.rhs) for d in relevant(parts, ctx, defs)]
    if not eqs or _fits(eqs, dict(ctx.shapes)) is None:
        return None
    kept, notes = {}, []
    for name, dims in ctx.shapes:
        why = _fits(eqs, dict(kept, **{name: dims}))
        if why is None:
            kept[name] = dims
        else:
            notes.append(f"the declaration {_shown(name, dims)} set aside: the definitions "
                         f"and the declarations before it do not fit it ({why})")
    if not notes or _fits(eqs, kept) is not None:
        return None
    return [(ctx.with_(shapes=tuple((n, s) for n, s in ctx.shapes if n in kept)),
             "; ".join(notes), tuple(n for n, _ in ctx.shapes if n not in kept))]


__all__ = ["declaration_alternatives"]
