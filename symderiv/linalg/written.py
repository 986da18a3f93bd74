r"""The entry (i, j) of a matrix written out with ``\dots``, in the index form's numbering.

The reader gives such a matrix as a ``FunctionMatrix`` whose entry at position (r, c), counted
from 0, is the entry as written: rows 0, 1, ..., n give ``Z_r``, rows 1, ..., K give ``Z_{r+1}``.
The index form numbers the entries of a whole vector from 1, so the written indices are moved
by the first row's (or column's) number: a matrix written from 0 is entry (i, j) with
``Z_{i-1}`` read as ``Z_i`` (without this a correct 0-based Jacobian was compared entry i with
entry i - 1).  Rows and columns that start at different numbers, or a fixed index inside the
pattern, are not read (which numbering a fixed index uses is unknown).
"""
from __future__ import annotations

import sympy
from sympy import Dummy, Indexed, Integer

from .shapes import ShapeMismatch

__all__ = ["written_entry"]


def _starts(e) -> int:
    """The number the written rows and columns start from (0 or 1, the same for both)."""
    p, q = Dummy("p", integer=True), Dummy("q", integer=True)
    entry = e.lamda(p, q)
    starts, fixed = set(), []
    for a in entry.atoms(Indexed):
        for k in a.indices:
            free = k.free_symbols & {p, q}
            if len(free) != 1:
                fixed.append(k)
                continue
            s = sympy.expand(k - next(iter(free)))
            if not s.is_Integer:
                raise ShapeMismatch(f"the written index {k} of a matrix written with dots "
                                    "is not read")
            starts.add(int(s))
    if len(starts) > 1:
        raise ShapeMismatch("a matrix written with dots whose rows and columns are numbered "
                            "from different starts is not read")
    start = starts.pop() if starts else 1
    if fixed and start != 1:
        raise ShapeMismatch("a matrix written with dots from row 0 with a fixed index in its "
                            "entries is not read")
    return start


def written_entry(e, i, j):
    """Entry (i, j), i and j counted from 1 as the index form counts a vector's entries."""
    entry = e.lamda(i - 1, j - 1)
    shift = 1 - _starts(e)
    if not shift:
        return entry
    return entry.replace(lambda a: isinstance(a, Indexed),
                         lambda a: a.base[tuple(k + shift for k in a.indices)])


def named_applications(parts, ctx):
    r"""``∂ Softmax(Z) / ∂ Z`` beside a matrix written with dots: the Jacobian of the
    catalogue's vector function at the vector Z, read as ``∂y/∂Z`` with a new name
    ``y = Softmax(Z)`` (a definition of the whole vector; the function is never one the text
    defines itself).  Returns the parts and the context, unchanged when nothing is so written."""
    from sympy import Symbol
    from sympy.core.function import AppliedUndef

    from ..notation import Definition, Partial
    from ..vocabulary import VECTOR_FUNCTIONS
    own = {name for name, _, _ in ctx.functions}
    taken = {str(s) for p in parts if isinstance(p, sympy.Basic) for s in p.free_symbols}
    taken |= {d.name for d in ctx.definitions}
    names: dict = {}

    def fits(d) -> bool:
        if not isinstance(d, Partial):
            return False
        f = d.f
        return isinstance(f, AppliedUndef) and len(f.args) == 1 \
            and f.args[0] == d.x and isinstance(d.x, Symbol) and d.x.is_commutative \
            and str(f.func) in VECTOR_FUNCTIONS and str(f.func) not in own \
            and ctx.definition(str(f.func)) is None

    def name_of(d):
        if d.f not in names:
            n, k = f"{d.f.func}({d.x})", 1
            while n in taken:
                n, k = f"{d.f.func}{k}({d.x})", k + 1
            taken.add(n)
            names[d.f] = Symbol(n)
        return Partial(names[d.f], d.x)
    out = [p.replace(fits, name_of) if isinstance(p, sympy.Basic) else p for p in parts]
    if not names:
        return parts, ctx
    defs = tuple(Definition(s, f) for f, s in names.items())
    return out, ctx.with_(definitions=tuple(ctx.definitions) + defs)
