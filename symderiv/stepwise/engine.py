"""Deriving ∂f/∂x from the definitions, step by step.

The route, for f defined from x through intermediate nodes (L ← y ← z):

1. *chain rule through the definitions graph*: ∂f/∂x = Σ_n Σ_m ∂f/∂n_m · ∂n_m/∂x over the
   nodes n that f's definition uses and that depend on x (∂f/∂n_m holds f's other inputs
   fixed; where another input depends on n, its value is written out instead);
2. *the derivative of each node*: each ∂n_m/∂x is a lemma, derived the same way;
3. *differentiate f's own definition* with respect to its inputs;
4. *Σ·δ collapse*, *fold* back into the document's names, *canonical form*;
5. *conditions*: a stated assumption (``--where``) or Σ_k t_k = 1 for a data vector t, when
   the result simplifies under it, gives a last step that rests on it.

A node defined directly from x is differentiated from its definition (quotient rule when
its denominator depends on x).  Each step is checked by :mod:`symderiv.verify`.
"""
from __future__ import annotations

from dataclasses import replace

import sympy
from sympy import Add, Eq, Expr, Indexed, IndexedBase, Sum, Symbol

from .. import calculus
from ..calculus import CalculusError
from ..notation import Context, Partial, SymderivError, base_name, fresh_index, index
from .model import Derivation, Step
from .text import show as _show
from .tidy import canonical, collapse, fold, rename_bound_readably

__all__ = ["derive_partial", "DeriveError"]


class DeriveError(ValueError, SymderivError):
    """The quantity cannot be derived from the definitions (the message says why)."""


def _deps(ctx: Context, expr: Expr) -> set[str]:
    names = {base_name(a) for a in expr.atoms(Indexed)}
    names |= {str(s) for s in expr.free_symbols if isinstance(s, Symbol)}
    return names


def _depends(ctx: Context, name: str, on: str) -> bool:
    return name == on or calculus.depends(ctx, name, on)


_LETTERS = "jmnpqrluvwh"


def _names_in(ctx: Context) -> set[str]:
    """Every name the context uses (free or bound, indices, sizes, bases, declared ranges)."""
    out = {n for n, _ in ctx.ranges} | {str(ctx.size)}
    for d in ctx.definitions:
        for e in (d.target, d.rhs):
            if isinstance(e, sympy.Basic):
                out |= {str(s) for s in e.atoms(Symbol)}
                out |= {str(a.label) for a in e.atoms(IndexedBase)}
    out |= {n for n, _ in ctx.generic}
    return out


def _fresh_entry(ctx: Context, name: str, avoid: set):
    """n[m1, m2] with fresh indices ranging as n's own; the context with their ranges."""
    d = ctx.definition(name)
    if d is None or not d.indices:
        return Symbol(name) if d is None or isinstance(d.target, Symbol) else d.target, ctx, ()
    ms, limits = [], []
    used = _names_in(ctx) | {str(a) for a in avoid}
    for idx in d.indices:
        m = next((index(c) for c in _LETTERS if c not in used), None) or \
            fresh_index(index("m"), avoid | set(ms))
        used.add(str(m))
        ms.append(m)
        lo, hi = ctx.range_of(idx)
        ctx = ctx.with_range(str(m), lo, hi)
        limits.append((m, lo, hi))
    return IndexedBase(name)[tuple(ms)], ctx, tuple(limits)


def _without(ctx: Context, names) -> Context:
    """The context with *names* undefined (leaves): the local partials of one definition."""
    keep = tuple(d for d in ctx.definitions if d.name not in names)
    return ctx.with_(definitions=keep)


def _local(rhs: Expr, entry, ctx: Context, inputs) -> Expr:
    """∂rhs/∂entry holding the other inputs of the definition fixed, in their names."""
    local = _without(ctx, inputs)
    value = calculus.total_diff(rhs, entry, local)
    return rename_bound_readably(collapse(value, ctx), ctx)


class _Builder:
    def __init__(self, ctx: Context, budget_steps: int = 200):
        self.ctx = ctx
        self.lemmas: dict = {}
        self.order: list = []

    # -- one derivative -------------------------------------------------------------
    def derive(self, f: Expr, x, name: str) -> Derivation:
        fname = base_name(f)
        ctx = self.ctx
        if ctx.depends_on(fname):
            return self._generic(f, x, name)
        d = ctx.definition(fname)
        if d is None:
            raise DeriveError(
                f"{fname} is not defined: give its definition with --given (e.g. "
                f"'{fname} = ...'), or say what it depends on ('{fname} = {fname}(y_1, \\dots, y_K)')")
        rhs = d.instantiate(f.indices) if isinstance(f, Indexed) else d.rhs
        xname = base_name(x)
        inputs = {n for n in _deps(ctx, rhs) if _depends(ctx, n, xname)}
        inputs -= {str(s) for s in rhs.free_symbols if s.is_integer}
        if not inputs:
            raise DeriveError(f"{f} does not depend on {x}: its derivative is 0")
        if inputs == {xname}:
            return self._direct(f, x, rhs, name)
        return self._chain(f, x, rhs, inputs, name)

    def _lemma(self, entry, x) -> Derivation:
        key = (entry, x)
        if key not in self.lemmas:
            self.lemmas[key] = None
            got = self.derive(entry, x, "lemma")
            # numbered when done: a lemma's own lemmas come first (and are listed once, in
            # the derivation's list, not inside each lemma)
            self.order.append(key)
            self.lemmas[key] = replace(got, name=f"lemma {len(self.order)}", lemmas=())
        got = self.lemmas[key]
        if got is None:
            raise DeriveError(f"the definitions of {entry} refer to each other")
        return got

    def _finish(self, lhs, cur, steps, ctx=None):
        ctx = ctx or self.ctx
        for rule, fn in (("collapse Σ·δ (each index lies in the sum's range)",
                          lambda e: collapse(e, ctx)),
                         ("fold back into the defined names",
                          lambda e: rename_bound_readably(fold(e, ctx), ctx)),
                         ("collapse Σ·δ", lambda e: collapse(e, ctx)),
                         ("factor into the canonical form", lambda e: rename_bound_readably(
                             canonical(e, ctx), ctx))):
            new = fn(cur)
            if new != cur:
                steps.append(Step(rule, lhs, new))
                cur = new
        return cur

    def _direct(self, f, x, rhs, name) -> Derivation:
        lhs = Partial(f, x)
        rhs = rename_bound_readably(rhs, self.ctx, avoid=set(f.free_symbols) |
                                    set(x.free_symbols))
        steps = [Step(f"definition of {_show(f)}", lhs, Partial(rhs, x))]
        num, den = sympy.fraction(sympy.together(rhs)) if not rhs.has(Sum) else \
            sympy.fraction(rhs)
        cur = Partial(rhs, x)
        if den != 1 and den.has(x.base if isinstance(x, Indexed) else x) and \
                _depends_on_x(den, x, self.ctx):
            cur = (Partial(num, x) * den - num * Partial(den, x)) / den ** 2
            steps.append(Step("quotient rule", lhs, cur))
        cur = _evaluate(cur, self.ctx)
        steps.append(Step(f"differentiate with respect to {_show(x)}", lhs, cur))
        self._finish(lhs, cur, steps)
        return Derivation(name, f"∂{_show(f)}/∂{_show(x)}", self.ctx, tuple(steps))

    def _chain(self, f, x, rhs, inputs, name) -> Derivation:
        ctx = self.ctx
        xname = base_name(x)
        lhs = Partial(f, x)
        avoid = set(rhs.free_symbols) | set(x.free_symbols) | set(f.free_symbols)
        nodes = sorted(inputs - {xname})
        # can ∂f/∂n be written as the document's own partial (nothing else f uses depends on n)?
        written = all(not any(calculus.depends(ctx, o, n) for o in inputs if o != n)
                      for n in nodes) and xname not in inputs - set(nodes)
        terms, lemma_of = [], {}
        local_terms = []
        for n in nodes:
            entry, ectx, limits = _fresh_entry(ctx, n, avoid)
            avoid |= {lim[0] for lim in limits}
            self.ctx = ctx = ectx
            lemma = self._lemma(entry, x)
            lemma_of[(entry, x)] = lemma
            local = _local(rhs, entry, ctx, inputs)
            shown = Partial(f, entry) if written else local
            term = shown * Partial(entry, x)
            local_term = local * Partial(entry, x)
            terms.append(Sum(term, *limits) if limits else term)
            local_terms.append(Sum(local_term, *limits) if limits else local_term)
        if xname in inputs and xname not in nodes:
            direct = _local(rhs, x, ctx, inputs)
            if direct != 0:
                terms.insert(0, direct)
                local_terms.insert(0, direct)
        via = ", ".join(_show_name(n) for n in sorted(inputs))
        zero = [n for n, t in zip(nodes, local_terms[-len(nodes):] if nodes else ()) if t == 0]
        said = "".join(f"; ∂{_show(f)}/∂{_show_name(n)} = 0" for n in zero)
        steps = [Step(f"chain rule through the definitions graph ({_show(f)} depends on "
                      f"{via}{said})", lhs, Add(*terms))]
        cur = Add(*terms)
        rep = {Partial(e, xx): lem.result for (e, xx), lem in lemma_of.items()}
        used = [lem for (e, xx), lem in lemma_of.items() if cur.has(Partial(e, xx))]
        cur = cur.xreplace(rep)
        if used:
            names = ", ".join(f"{lem.name}" for lem in dict.fromkeys(used))
            steps.append(Step(f"derivative of each node ({names})", lhs, cur))
        if written:
            cur = Add(*local_terms).xreplace(rep)
            steps.append(Step(f"differentiate the definition of {_show(f)}", lhs, cur))
        self._finish(lhs, cur, steps)
        lemmas = tuple(dict.fromkeys(lemma_of.values()))
        return Derivation(name, f"∂{_show(f)}/∂{_show(x)}", self.ctx, tuple(steps),
                          lemmas=lemmas)

    def _generic(self, f, x, name) -> Derivation:
        """f an undefined function of some vectors: the chain rule leaves ∂f/∂n_m opaque."""
        ctx = self.ctx
        xname = base_name(x)
        deps = ctx.depends_on(base_name(f))
        if xname in deps:
            raise DeriveError(f"{_show(f)} is not defined, so ∂{_show(f)}/∂{_show(x)} is a "
                              f"primitive quantity: give the definition of {_show(f)} with "
                              f"--given, or what it depends on ('{_show(f)} = {_show(f)}(y_1, "
                              "\\dots, y_K)')")
        nodes = [n for n in deps if calculus.depends(ctx, n, xname)]
        if not nodes:
            raise DeriveError(f"{_show(f)} does not depend on {_show(x)}")
        lhs = Partial(f, x)
        avoid = set(x.free_symbols)
        terms, lemma_of = [], {}
        for n in nodes:
            entry, ectx, limits = _fresh_entry(ctx, n, avoid)
            avoid |= {lim[0] for lim in limits}
            self.ctx = ctx = ectx
            lemma_of[(entry, x)] = self._lemma(entry, x)
            term = Partial(f, entry) * Partial(entry, x)
            terms.append(Sum(term, *limits) if limits else term)
        steps = [Step(f"chain rule through the definitions graph ({_show(f)} depends on "
                      f"{', '.join(map(_show_name, nodes))})", lhs, Add(*terms))]
        rep = {Partial(e, xx): lem.result for (e, xx), lem in lemma_of.items()}
        cur = Add(*terms).xreplace(rep)
        steps.append(Step(f"derivative of each node "
                          f"({', '.join(lem.name for lem in lemma_of.values())})", lhs, cur))
        self._finish(lhs, cur, steps)
        return Derivation(name, f"∂{_show(f)}/∂{_show(x)}", self.ctx, tuple(steps),
                          lemmas=tuple(dict.fromkeys(lemma_of.values())))


def _depends_on_x(e, x, ctx) -> bool:
    xname = base_name(x)
    return any(_depends(ctx, n, xname) for n in _deps(ctx, e))


def _evaluate(e, ctx):
    out = e
    for p in sorted(e.atoms(Partial), key=sympy.default_sort_key):
        out = out.xreplace({p: calculus.total_diff(p.f, p.x, ctx)})
    return out


def _show_name(n: str) -> str:
    return _show(Symbol(n))


# ---------------------------------------------------------------------------------------
def _sum_atoms(e, name):
    return [s for s in e.atoms(Sum) if len(s.limits) == 1 and isinstance(s.function, Indexed)
            and base_name(s.function) == name and s.function.indices == (s.limits[0][0],)]


def condition_candidates(result: Expr, ctx: Context, leaves: set) -> list:
    """Σ_j t_j = 1 for each data vector t whose plain sum occurs in the result."""
    out = []
    for name in sorted(leaves):
        for s in _sum_atoms(result, name):
            cond = Eq(s, 1)
            if cond not in out:
                out.append(cond)
    return out


def apply_condition(result: Expr, cond, ctx: Context) -> Expr | None:
    """The result with an assumption Σ_j t_j = c (or any stated equation whose left side is
    an atom of the result) substituted, canonical; None when it does not simplify it."""
    if not isinstance(cond, Eq):
        return None
    lhs, rhs = cond.lhs, cond.rhs
    found = None
    canon = calculus.canonical_sums
    for atom in result.atoms(Sum, Symbol, Indexed):
        if canon(atom) == canon(lhs):
            found = atom
            break
    if found is None:
        return None
    new = canonical(sympy.expand(result.xreplace({found: rhs})), ctx)
    new = rename_bound_readably(new, ctx)
    if sympy.count_ops(new) >= sympy.count_ops(result):
        return None
    return new


def derive_partial(quantity: Partial, ctx: Context, where=()) -> Derivation:
    """The checked derivation of *quantity* (a :class:`Partial`) under *ctx*.

    *where*: stated assumptions (SymPy equations); each is used only when the result
    simplifies under it, in a last step that says so.
    """
    if not isinstance(quantity, Partial):
        raise DeriveError("the quantity to derive must be a derivative, e.g. "
                          "\\frac{\\partial L}{\\partial z_k}")
    b = _Builder(ctx)
    try:
        main = b.derive(quantity.f, quantity.x, "derivation")
    except CalculusError as err:
        raise DeriveError(f"cannot derive {_show(quantity)}: {err}") from None
    lemmas = [b.lemmas[k] for k in b.order if b.lemmas[k] is not main]
    steps = list(main.steps)
    conditions = []
    leaves = {base_name(a) for a in main.result.atoms(Indexed)
              if ctx.definition(base_name(a)) is None and not ctx.depends_on(base_name(a))}
    stated = [c for c in where if isinstance(c, Eq)]
    for cond in stated + [c for c in condition_candidates(main.result, ctx, leaves)
                          if c not in stated]:
        new = apply_condition(steps[-1].rhs, cond, ctx)
        if new is not None:
            steps.append(Step(f"under {_show_cond(cond)}", main.lhs, new, conditions=(cond,)))
            conditions.append(cond)
    return Derivation("derivation", f"∂{_show(quantity.f)}/∂{_show(quantity.x)}", b.ctx,
                      tuple(steps), conditions=tuple(conditions), lemmas=tuple(lemmas))


def _show_cond(c) -> str:
    return _show(c)
