r"""A claim that two argmax (argmin) agree: ``\operatorname*{argmax}_j \hat y_j =
\operatorname*{argmax}_j o_j`` where ``\hat y_j = e^{o_j} / \sum_k e^{o_k}``.

It is proved when, the definitions expanded, one body is a strictly increasing function of
the other's entry, the same function for every j: one side is ``x_j`` and the other, with
``x_j`` replaced by a variable t, no longer depends on j (a sum over all entries, the same for
every j, is a constant there) and has a positive derivative in t whatever the other entries
are.  Nothing here refutes: an argmax claim that is not proved this way is unknown.
"""
from __future__ import annotations

import sympy
from sympy import Indexed, Sum

from .. import calculus
from ..calculus import CalculusError
from ..extrema import ArgExtremum
from ..notation import Context
from .exact_check import _tex
from .verdict import Verdict

__all__ = ["decide_extrema"]


def decide_extrema(lhs, rhs, ctx: Context) -> Verdict | None:
    """The verdict on ``lhs = rhs`` when a side is an argmax/argmin; None otherwise."""
    if not any(isinstance(e, ArgExtremum) for e in (lhs, rhs)):
        return None
    if not (type(lhs) is type(rhs) and len(lhs.limits) == len(rhs.limits) == 1):
        return _unknown("an argmax or argmin beside something else is not decided")
    (j, lo, hi), (j2, lo2, hi2) = lhs.limits[0], rhs.limits[0]
    if (lo, hi) != (lo2, hi2):
        return _unknown("the two indices run over different ranges")
    f, g = lhs.function, rhs.function.xreplace({j2: j})
    try:
        f, g = calculus.to_leaves(f, ctx), calculus.to_leaves(g, ctx)
    except (CalculusError, TypeError, ValueError, AttributeError):
        return _unknown("the bodies could not be expanded")
    word = lhs.word
    for a, b in ((f, g), (g, f)):
        if increasing_in_entry(a, b, j):
            return Verdict("proved", "order", reason=(
                f"{_tex(a)} is, for every {j}, the same strictly increasing function of "
                f"{_tex(b)}, so the {word} agree"))
    if f == g:
        return Verdict("proved", "order", reason="the two bodies are the same")
    return _unknown(f"the {word} are not shown to agree (one body is not shown to be a "
                    "strictly increasing function of the other's entry)")


def _unknown(reason: str) -> Verdict:
    return Verdict("unknown", "none", reason=reason)


def increasing_in_entry(a, b, j) -> bool:
    """Is *a* = h(*b*) with *b* the entry x_j and h strictly increasing, the same for every j?

    >>> from sympy import IndexedBase, exp, Sum
    >>> from symderiv.notation import index
    >>> o, j, k, K = IndexedBase('o'), index('j'), index('k'), sympy.Symbol('K', positive=True)
    >>> increasing_in_entry(exp(o[j]) / Sum(exp(o[k]), (k, 1, K)), o[j], j)
    True
    >>> increasing_in_entry(-o[j], o[j], j), increasing_in_entry(o[j] * j, o[j], j)
    (False, False)
    """
    if not (isinstance(b, Indexed) and b.indices == (j,)):
        return False
    t = sympy.Dummy("t", real=True)
    h = a.xreplace({b: t})
    if j in h.free_symbols:   # another entry at j (w_j, o_j written otherwise): not h(o_j)
        return False
    d = sympy.diff(h, t)
    return _positive(d)


def _positive(e) -> bool:
    """*e* > 0 for every real value of its entries: sums of positive terms (over a nonempty
    range) as positive numbers, the entries as real numbers."""
    rep = {}
    for s in e.atoms(Sum):
        term = s.function.xreplace({x: sympy.Dummy(real=True) for x in s.function.atoms(Indexed)})
        if term.is_positive is not True:
            return False
        rep[s] = sympy.Dummy("S", positive=True)
    e = e.xreplace(rep)
    e = e.xreplace({x: sympy.Dummy(real=True) for x in e.atoms(Indexed)})
    e = e.xreplace({s: sympy.Dummy(real=True) for s in e.free_symbols
                    if isinstance(s, sympy.Symbol) and s.is_real is None})
    return e.is_positive is True
