"""Folding an expression back into the names the definitions give (``e^{z_m}/Σ_k e^{z_k}``
→ ``y_m``), so results read in the document's own names."""
from __future__ import annotations

from typing import Iterable

import sympy
from sympy import Dummy, Expr, IndexedBase, Sum, exp

from .calculus import _map, canonical_sums, collapse
from .notation import Context, fresh_index, index

def _entry_form(d, ctx: Context):
    """``y = softmax(z)`` (a whole vector by a catalogue function): ``y_i = e^{z_i}/Σ_k
    e^{z_k}``, the entry definition folding looks for; else None."""
    from .calculus import _vector_function_entry
    from .notation import Definition
    if d.indices or not isinstance(d.target, sympy.Symbol):
        return None
    i = fresh_index(index("i"), d.rhs.free_symbols)
    target = IndexedBase(d.name)[i]
    try:
        entry = _vector_function_entry(d, target, ctx)
        return None if entry is None else Definition(target, entry)
    except Exception:   # noqa: BLE001 — nothing to fold by
        return None


def _normaliser(d) -> tuple | None:
    """For y[i] = N(i) / Σ_k N(k): return (N as a function of i, the sum)."""
    if len(d.indices) != 1:
        return None
    (i,) = d.indices
    num, den = sympy.fraction(d.rhs)
    if isinstance(den, Sum) and len(den.limits) == 1:
        (k, lo, hi), = den.limits
        if sympy.simplify(den.function.xreplace({k: i}) - num) == 0:
            return num, den, i
    return None


def fold(expr: Expr, ctx: Context, names: Iterable[str] | None = None) -> Expr:
    """Rewrite leaves back into defined nodes: e^{βz_m}/Σ_k e^{βz_k} → y_m.

    Works for any normalised definition y_i = N(i)/Σ_k N(k) (softmax with or without β,
    any N) and, for other definitions, replaces occurrences of the right side pattern.
    """
    names = [d.name for d in ctx.definitions] if names is None else list(names)
    for name in names:
        d = ctx.definition(name)
        if d is None:
            continue
        d = _entry_form(d, ctx) or d
        norm = _normaliser(d)
        if norm is None:
            expr = _fold_pattern(expr, d)
            continue
        num, den, i = norm
        S = Dummy("S", positive=True)
        (k, lo, hi), = den.limits
        e = canonical_sums(expr)
        e = e.xreplace({canonical_sums(den): S})
        w = sympy.Wild("w", properties=[lambda a: a.is_integer])
        y = IndexedBase(name)
        e = _replace_numerator(e, num.xreplace({i: w}), w, lambda m: y[m] * S)
        e = collapse(e, ctx)
        e = sympy.factor_terms(sympy.cancel(sympy.together(e)))
        if not e.has(S):
            expr = _resum(e, ctx)
    return expr


def _replace_numerator(e, pattern, w, build):
    """Replace N(m) by build(m); for N = e^{f(i)} also e^{c f(m)} by build(m)^c (integer c).

    SymPy merges e^a·e^a into e^{2a}, so a plain pattern replacement would miss powers.
    """
    if isinstance(pattern, exp):
        arg_pat = pattern.args[0]

        def repl(x):
            coeff, rest = sympy.expand(x.args[0]).as_coeff_Mul()
            for c, r in ((coeff, rest), (sympy.S.One, x.args[0])):
                m = r.match(arg_pat)
                if m is not None and w in m and (c.is_Integer or c == 1):
                    return build(m[w]) ** c
            return x
        return e.replace(lambda x: isinstance(x, exp), repl)
    return e.replace(pattern, lambda **kw: build(kw[w.name]))


def _resum(e, ctx):
    """Give canonical bound variables readable names again (k, m, ...)."""
    def fn(x):
        if isinstance(x, Sum):
            body, limits = x.function, []
            for v, lo, hi in x.limits:
                if str(v).startswith("_s"):
                    new = fresh_index(index("k"), body.free_symbols | {lo, hi} |
                                      {w for w, _, _ in limits})
                    body, v = body.xreplace({v: new}), new
                limits.append((v, lo, hi))
            return Sum(body, *limits)
        return x
    return _map(e, fn)


def _fold_pattern(expr, d):
    """Replace instances of d's right side (indices as wildcards) by d's target."""
    if not d.indices:
        return expr.xreplace({d.rhs: d.target})
    ws = [sympy.Wild(f"w{n}", properties=[lambda a: a.is_integer])
          for n in range(len(d.indices))]
    pattern = d.rhs.xreplace(dict(zip(d.indices, ws)))
    base = d.target.base

    def build(**kw):
        return base[tuple(kw[f"w{n}"] for n in range(len(ws)))]
    return expr.replace(pattern, build)
