"""Logarithms of positive quantities, expanded (log softmax = z_i − log Σ e^z).

The real logarithm is defined only for positive arguments: where a formula writes log a, a > 0
there, or the formula means nothing.  What is positive by construction (e^{real}, sums and
products of positives) and what the formula takes the logarithm of may be expanded; nothing
else is (log(xy) = log x + log y needs x > 0 and y > 0, not only xy > 0).
"""
from __future__ import annotations

import sympy
from sympy import Add, Expr, Indexed, Mul, Pow, Sum, Symbol, exp, log

from .notation import Partial, rebuild as _map

__all__ = ["expand_logs"]


def _positive(e, pos: frozenset = frozenset()) -> bool:
    """Structurally positive for real leaves: e^{real}, sums/products/powers of positives, and
    the arguments the formula itself takes the logarithm of (*pos*: where log a is written,
    a > 0, or the formula means nothing)."""
    if e in pos or (isinstance(e, Indexed) and e.base in pos):
        return True
    if e.is_Number:
        return bool(e > 0)
    if isinstance(e, exp):
        return not e.args[0].has(sympy.I)
    if isinstance(e, (Sum, sympy.Product)):
        return _positive(e.function, pos)
    if isinstance(e, (Mul, Add)):
        return all(_positive(a, pos) for a in e.args)
    if isinstance(e, Pow):
        return _positive(e.base, pos) and not e.exp.has(sympy.I)
    return bool(e.is_positive)


def _log_of_positive(e, pos: frozenset = frozenset()) -> Expr:
    """log e for a positive e, expanded: log e^a = a, log(ab) = log a + log b when a and b are
    both positive, log a^p = p log a for a positive a; a sum is first brought over a common
    denominator (log(1 + e^{-u}) = log(e^u + 1) − u)."""
    if isinstance(e, exp):
        return e.args[0]
    if isinstance(e, Mul):
        if all(_positive(f, pos) for f in e.args):
            return Add(*[_log_of_positive(f, pos) for f in e.args])
        if all(isinstance(f, Pow) and f.exp.is_negative for f in e.args) and 1 / e in pos:
            # log(1/(P j)) where log(P j) is written: −log(P j)
            return -log(1 / e)
        return log(e)
    if isinstance(e, Pow):
        if _positive(e.base, pos):
            return e.exp * _log_of_positive(e.base, pos)
        return log(e)
    if isinstance(e, Add):
        r = _as_fraction(e)
        if r is not None and all(_positive(f, pos) for f in Mul.make_args(r)):
            return Add(*[_log_of_positive(f, pos) for f in Mul.make_args(r)])
        return log(e)
    if isinstance(e, sympy.Product) and _positive(e.function, pos):
        # log Π_i f(i) = Σ_i log f(i) for positive factors
        return Sum(_log_of_positive(e.function, pos), *e.limits)
    if isinstance(e, Sum) and len(e.limits) == 1:   # Σ_k c·f(k) = c·Σ_k f(k)
        k = e.limits[0][0]
        outside = [f for f in Mul.make_args(e.function) if k not in f.free_symbols]
        if outside and all(_positive(f, pos) for f in outside):
            inside = Mul(*[f for f in Mul.make_args(e.function) if k in f.free_symbols])
            return _log_of_positive(Mul(*outside), pos) + log(Sum(inside, e.limits[0]))
    return log(e)


def _as_fraction(e) -> Expr | None:
    """A sum over a common denominator and factored (1 − 1/(1 + e^{−u}) = 1/(e^u + 1)), or
    None when it stays a sum."""
    if e.has(Sum, Partial) or len(e.args) > 12:
        return None
    r = sympy.factor(sympy.cancel(sympy.together(e)))
    return None if isinstance(r, Add) or r == e else r


def _written_positive(expr: Expr) -> frozenset:
    """What the formula takes the logarithm of, as written (a name, an entry, an application):
    the real logarithm is defined only there, so each is positive where the formula holds.
    An entry's base stands for all its entries (log y_k under Σ_k)."""
    out = set()
    for a in expr.atoms(log):
        arg = a.args[0]
        if isinstance(arg, Indexed):
            out.add(arg.base)
        elif isinstance(arg, (Symbol, sympy.core.function.AppliedUndef, Mul)) and \
                not arg.is_number:
            out.add(arg)
    return frozenset(out)


def expand_logs(expr: Expr) -> Expr:
    """Expand logarithms of positive arguments (log softmax = z_i − log Σ e^z).

    Valid for real leaves (the engine's convention for z, β, t, ...) where the formula is
    defined: only arguments that are positive by construction, or that the formula itself
    takes the logarithm of, are expanded, so log(x y) with unknown signs stays as it is
    (log(xy) = log x + log y needs x > 0 and y > 0, not only xy > 0).
    """
    pos = _written_positive(expr)

    def fn(e):
        if not (isinstance(e, log) and len(e.args) == 1):
            return e
        if _positive(e.args[0], pos):
            return _log_of_positive(e.args[0], pos)
        r = _as_fraction(e.args[0]) if isinstance(e.args[0], Add) else None
        if r is not None and all(_positive(f, pos) for f in Mul.make_args(r)):
            return Add(*[_log_of_positive(f, pos) for f in Mul.make_args(r)])
        return e
    return _map(expr, fn)
