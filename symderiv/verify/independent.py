"""The definitions a claim's derivatives cannot see.

``∂L/∂W_2`` of a network ``z_1 = x W_1 + b_1``, ``a_1 = tanh(z_1)``, ``z_2 = a_1 W_2 + b_2``:
a_1 does not depend on W_2, so the claim is the same identity whatever values a_1 takes.  Read
with a_1 as free data (its definition cut) the claim is more general: what holds so holds for
the text's a_1 (a proof, or an exact check, is sound), while a point where the sides differ may
use values of a_1 that tanh never gives — so a difference found so refutes nothing.  The cut
keeps ``exp(tanh(…))`` out of the exact route, which cannot evaluate it, and keeps the explicit
search from expanding the whole network.
"""
from __future__ import annotations

import sympy
from sympy import Indexed, IndexedBase, Symbol
from sympy.core.function import AppliedUndef

from ..notation import Context, Partial, base_name

__all__ = ["independent_cut", "abstracted", "ATOM_MARK"]
ATOM_MARK = "_atom"      # the names of the atoms abstracted() makes end so


def _name(x) -> str | None:
    if isinstance(x, Indexed):
        return base_name(x)
    if isinstance(x, (Symbol, IndexedBase)):
        return str(x)
    return None


def independent_cut(lhs, rhs, ctx: Context) -> tuple[Context, tuple[str, ...]] | None:
    """*ctx* without the definitions that no variable of the claim's derivatives reaches
    (through the definitions graph), and the names so made free data; None when there is
    nothing to cut.  A name the claim differentiates, or that a condition or a positivity
    assumption speaks of, is never cut."""
    variables, kept = set(), set()
    for e in (lhs, rhs):
        if not isinstance(e, sympy.Basic):
            continue
        for p in e.atoms(Partial):
            v = _name(p.x)
            if v is None:
                return None
            variables.add(v)
            f = _name(p.f) if isinstance(p.f, (Symbol, Indexed, IndexedBase)) else None
            if f is not None:
                kept.add(f)
    if not variables:
        return None
    for c in tuple(ctx.conditions) + tuple(ctx.positive):
        if isinstance(c, sympy.Basic):
            kept |= {str(s) for s in c.free_symbols} | {base_name(a)
                                                        for a in c.atoms(Indexed)}
    graph = ctx.graph()
    memo: dict[str, bool] = {}

    def reaches(name: str, seen=()) -> bool:
        if name in variables:
            return True
        if name in memo:
            return memo[name]
        if name in seen:
            return False
        out = any(reaches(m, seen + (name,)) for m in graph.get(name, ()))
        memo[name] = out
        return out
    cut = [d for d in ctx.definitions if d.name not in kept and not reaches(d.name)]
    if not cut:
        return None
    names = tuple(sorted({d.name for d in cut}))
    return ctx.with_(definitions=tuple(d for d in ctx.definitions if d not in cut)), names


def _abstractable(a) -> bool:
    return isinstance(a, sympy.Function) and not isinstance(a, (sympy.exp, sympy.KroneckerDelta,
                                                                Partial, AppliedUndef)) \
        and len(a.args) == 1 and not a.args[0].is_number


def abstracted(lhs, rhs, ctx: Context):
    """Both sides with their derivatives taken and definitions expanded
    (:func:`calculus.to_leaves`), then every application the exact route cannot evaluate
    (``tanh(z_k)``, ``log(u)``) made an atom of its own: one value per argument (the same
    argument, the same atom; its free indices index it).  An identity of the atoms holds
    whatever values they take, so for the text's too; a difference refutes nothing.  (sides,
    context, the functions made atoms) or None when there is nothing to abstract."""
    from .. import calculus
    a, b = calculus.to_leaves(lhs, ctx), calculus.to_leaves(rhs, ctx)
    if not any(_abstractable(x) for e in (a, b) if isinstance(e, sympy.Basic)
               for x in sympy.preorder_traversal(e)):
        return None
    keys: dict = {}
    funcs: set = set()

    def atom(x):
        arg = x.args[0]
        idx = sorted((s for s in arg.free_symbols if isinstance(s, Symbol) and s.is_integer
                      and not s.is_positive), key=str)
        holes = {s: Symbol(f"_hole{n}", integer=True) for n, s in enumerate(idx)}
        key = (x.func, arg.xreplace(holes))
        if key not in keys:
            keys[key] = IndexedBase(f"{x.func}{len(keys) + 1}{ATOM_MARK}")
        funcs.add(str(x.func))
        base = keys[key]
        return base[tuple(idx)] if idx else Symbol(str(base))
    sides = tuple(e.replace(_abstractable, atom) if isinstance(e, sympy.Basic) else e
                  for e in (a, b))
    return sides, ctx.with_(definitions=()), tuple(sorted(funcs))
