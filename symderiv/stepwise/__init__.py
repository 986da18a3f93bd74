r"""Derive any gradient from its definitions, every step checked by :mod:`symderiv.verify`.

>>> d = derive_from(r"\frac{\partial L}{\partial z_k}",
...                 given=[r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}",
...                        r"L = -\sum_{k=1}^{K} t_k \log y_k"])
>>> d.result
-t[k] + y[k]
>>> [str(c) for c in d.conditions]
['Eq(Sum(t[j], (j, 1, K)), 1)']

The definitions and the quantity are read by the reader of ``symderiv check --given``
(:func:`symderiv.context.build_context`); the route is described in :mod:`.engine`.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Iterable

import sympy
from sympy import Indexed, Symbol

from ..calculus import apply_conditions, index_conditions
from ..notation import Partial, as_expr, base_name
from .engine import DeriveError, derive_partial
from .model import Case, Derivation, DerivationError, Step
from .text import show

__all__ = ["derive_from", "derive_in_context", "Derivation", "Step", "Case",
           "DerivationError", "DeriveError"]


def _generic_definitions(ctx):
    """``L = L(y_1, …, y_m)`` (or ``L = L(y)``): L is a generic function of y, not defined."""
    defs, generic = [], []
    for d in ctx.definitions:
        r = d.rhs
        if isinstance(r, sympy.core.function.AppliedUndef) and str(r.func) == d.name \
                and not d.indices:
            on = []
            for a in r.args:
                for atom in ([a] if isinstance(a, (Indexed, Symbol, sympy.IndexedBase))
                             else list(a.atoms(Indexed, sympy.IndexedBase))):
                    n = base_name(atom)
                    if n not in on:
                        on.append(n)
            generic.append((d.name, tuple(on)))
            continue
        defs.append(d)
    if not generic:
        return ctx
    ctx = ctx.with_(definitions=tuple(defs))
    for name, on in generic:
        ctx = ctx.declare_generic(name, on)
    return ctx


def _bounds_are_sizes(ctx, q):
    """A letter bounding a sum or a range (``\\sum_{c=1}^{m}``, ``1 \\leq a \\leq m``) is a
    size even where the reader took it for an index letter: a positive integer everywhere."""
    from ..notation import size as size_symbol
    bounds = set()
    exprs = [d.rhs for d in ctx.definitions if isinstance(d.rhs, sympy.Basic)] + [q]
    for e in exprs:
        for sm in e.atoms(sympy.Sum):
            for _, lo, hi in sm.limits:
                bounds |= lo.free_symbols | hi.free_symbols
    for _, (lo, hi) in ctx.ranges:
        bounds |= as_expr(lo).free_symbols | as_expr(hi).free_symbols
    rep = {b: size_symbol(b.name) for b in bounds
           if isinstance(b, Symbol) and b.is_integer and not b.is_positive}
    if not rep:
        return ctx, q
    defs = tuple(type(d)(d.target, d.rhs.xreplace(rep)) for d in ctx.definitions)
    ranges = tuple((n, (as_expr(lo).xreplace(rep), as_expr(hi).xreplace(rep)))
                   for n, (lo, hi) in ctx.ranges)
    return ctx.with_(definitions=defs, ranges=ranges,
                     conditions=tuple(c.xreplace(rep) for c in ctx.conditions)), q.xreplace(rep)


def _free_indices_defined(ctx, given) -> None:
    """A definition whose right side has an index its left side does not (L = −Σ_i t_i log y_i
    + (1 − t_i) log(1 − y_i): the second term is outside the sum) means nothing: refuse it."""
    for d in ctx.definitions:
        if not isinstance(d.rhs, sympy.Basic) or isinstance(d.rhs, sympy.MatrixBase):
            continue
        free = {s for s in d.rhs.free_symbols if isinstance(s, Symbol) and s.is_integer
                and not s.is_positive} - set(d.indices)
        if free:
            names = ", ".join(sorted(map(str, free)))
            raise DeriveError(
                f"the definition of {d.name} uses the index {names} outside any sum (a sum "
                "covers only the term right after it: write \\sum_i \\left(…\\right) for "
                "a sum of several terms)")


def read_quantity(quantity: str, given: Iterable[str], where: Iterable[str]):
    """The quantity (a Partial) and its context, read as ``symderiv check`` reads them."""
    from ..api import notation_for
    from ..context import build_context, normalize_sizes
    from ..read import Notation, read_formula
    given, where = tuple(given), tuple(where)
    notation = notation_for(quantity, given, Notation())
    f = read_formula(quantity, notation)
    if f.relations or len(f.parts) != 1:
        raise DeriveError(f"give the quantity alone, e.g. \\frac{{\\partial L}}{{\\partial "
                          f"z_k}}, not an equation: {quantity!r}")
    readings = {r.parts for r in f.readings}
    if len(readings) > 1:
        doubts = "; ".join(f.doubts) or "several readings"
        raise DeriveError(f"the quantity can be read more than one way ({doubts}): write it "
                          "so it has one reading")
    (q,) = f.parts
    ctx = build_context(given, where, notation, claim_exprs=(q,))
    ctx = _generic_definitions(ctx)
    q, ctx, notes = _per_entry(q, ctx)
    ctx, (q,) = normalize_sizes(ctx, [q])
    ctx, q = _bounds_are_sizes(ctx, q)
    _free_indices_defined(ctx, given)
    if not isinstance(q, Partial):
        raise DeriveError(f"the quantity must be a derivative such as "
                          f"\\frac{{\\partial L}}{{\\partial z_k}}, got {quantity!r}")
    return q, ctx, notes


def _per_entry(q, ctx):
    """Vector notation (∂L/∂W after y = Wx + b): the entry (i, j) of the quantity and the
    definitions per entry, in the denominator layout (∂L/∂W has W's shape, the ML
    convention); the readings it takes are returned as notes."""
    from ..linalg.check import uses_matrices
    from ..linalg.reading import matrix_readings
    if isinstance(q, Partial) or not uses_matrices((q,), ctx):   # entry notation
        return q, ctx, ()
    readings = [r for r in matrix_readings((q,), ctx) if r.layout in (None, "denominator")]
    ok = [r for r in readings if r.parts is not None]
    if not ok:
        why = readings[0].failure if readings else "no reading"
        raise DeriveError(f"the quantity is not read in vector notation: {why}")
    r = ok[0]
    notes = ["read in vector notation, per entry" +
             (" (denominator layout: the derivative has the shape of what it is taken by)"
              if r.layout else "")]
    notes += [f"reading: {d}" for d in r.doubts]
    return r.parts[0], r.ctx, tuple(notes)


def _pins(conds, ctx) -> dict:
    """Conditions ``s = number`` for a parameter s (not an index, a size or a defined name)."""
    out = {}
    for c in conds:
        if isinstance(c, sympy.Eq):
            a, b = (c.lhs, c.rhs) if isinstance(c.lhs, Symbol) else (c.rhs, c.lhs)
            if isinstance(a, Symbol) and b.is_number and not a.is_integer and \
                    ctx.definition(a.name) is None and a not in out:
                out[a] = sympy.Eq(a, b)
    return out


def derive_in_context(q: Partial, ctx, *, name: str = "derivation", title: str | None = None,
                      quantity: str = "", given=(), where=(), notes=()) -> Derivation:
    """Derive and check *q* under *ctx* (its conditions are the stated assumptions)."""
    start = time.perf_counter()
    conds = tuple(ctx.conditions)
    cases_on = index_conditions(conds)
    pins = _pins(conds, ctx)
    values = tuple(c for c in conds if c not in cases_on and c not in pins.values())
    notes = list(notes)
    if pins:   # β = 2: a value, substituted in the definitions before deriving
        ctx = ctx.with_(definitions=tuple(type(dd)(dd.target, dd.rhs.xreplace(
            {s: c.rhs for s, c in pins.items()})) for dd in ctx.definitions))
        notes.append("values substituted in the definitions: " +
                     ", ".join(show(c) for c in pins.values()))
    d = derive_partial(q, ctx.with_(conditions=()), where=values)
    unused = [c for c in values if c not in d.conditions]
    if unused:
        notes.append("not needed: " + ", ".join(show(c) for c in unused))
    cases = []
    for c in cases_on:
        rhs = apply_conditions(d.result, (c,))
        lhs = apply_conditions(d.lhs, (c,)) if isinstance(c, sympy.Eq) else d.lhs
        cases.append(Case(c, lhs, rhs))
    d = replace(d, name=name, title=title or d.title, cases=tuple(cases), quantity=quantity,
                given=tuple(given), where=tuple(where), notes=tuple(notes))
    d = d.check()
    return replace(d, seconds=time.perf_counter() - start)


def derive_from(quantity: str, given: Iterable[str] = (), where: Iterable[str] = (), *,
                timeout: float | None = None) -> Derivation:
    """Read the quantity (``\\frac{\\partial L}{\\partial z_k}``) and its definitions
    (LaTeX, as ``symderiv check --given``), derive it step by step and check every step.

    *where*: assumptions (``\\sum_k t_k = 1``, used where the result simplifies under
    them) and case conditions (``i \\neq j``: a case of the result).  With *timeout*,
    the derivation runs in a worker process killed past that many seconds.
    """
    given, where = tuple(given), tuple(where)
    if timeout is not None:
        from ..runner import run_bounded
        return run_bounded(derive_from, (quantity, given, where), timeout=timeout)
    q, ctx, notes = read_quantity(quantity, given, where)
    return derive_in_context(q, ctx, quantity=quantity, given=given, where=where,
                             notes=notes)

