r"""Conditions written per entry beside a claim in vector notation.

A text that writes its claim with whole vectors often states what it assumes entry by entry:
``\sum_{k=1}^{C} y_k = 1`` (one-hot or probability labels), ``t_i \geq 0``.  Such a condition
speaks of the entries of a whole name of the claim; in a reading it is put in the reading's
index form: each entry ``y_k`` the reading's entry of y at k (one index for a vector, two for
a matrix), each sum over the entries of a vector running over that vector's length in the
reading.  A condition that does not fit the reading (a matrix written with one index, a sum
that stops short of the vector's length) is no reading of it: the reading fails, it is never
dropped (a claim is never decided without the condition the text states).
"""
from __future__ import annotations

import sympy
from sympy import Dummy, Indexed, Symbol

from ..notation import NotationError
from .objects import ONES, has_matrices, mat


def whole_names(exprs) -> set[str]:
    """The names used whole (vectors and matrices) in *exprs*."""
    out = set()
    for e in exprs:
        if isinstance(e, sympy.Basic):
            out |= {s.name for s in e.atoms(Symbol) if not s.is_commutative
                    and not s.name.startswith(ONES.name)}
    return out


def is_entry_condition(c, whole) -> bool:
    """Does condition *c* speak of entries (``y_k``) of the whole names *whole*, and of no
    whole name outside an entry?"""
    if not isinstance(c, sympy.Basic):
        return False
    entries = c.atoms(Indexed)
    if not any(str(a.base.label) in whole for a in entries):
        return False
    rest = c.xreplace({a: Dummy() for a in entries})
    return not has_matrices(_bounds_commutative(rest))


def _bounds_commutative(c):
    r"""The bounds of its sums as numbers (``\sum_{k=1}^{C}``: C a size, not a matrix)."""
    rep = {hi: Symbol(hi.name, integer=True, positive=True) for s in c.atoms(sympy.Sum)
           for _, _, hi in s.limits if isinstance(hi, Symbol) and not hi.is_commutative}
    return c.xreplace(rep) if rep else c


def split_entry_conditions(conditions, whole):
    """(per-entry conditions, the others)."""
    entry = [c for c in conditions if is_entry_condition(c, whole)]
    return entry, [c for c in conditions if not any(c is e for e in entry)]


def entry_condition(c, form, sized, used=()):
    """*c* in the index form of one reading (*form*: its :class:`IndexForm`, *sized*: the
    reading's own substitutions of sizes, applied to its entries; *used*: the names the
    claim and its definitions write): (condition, doubts).  A sum to K over a vector whose
    length the reading leaves unnamed runs over all its entries (K is that length); a doubt
    only when the claim writes K too.  Raises NotationError when the condition does not fit
    the reading."""
    p, q = Dummy("p", integer=True), Dummy("q", integer=True)
    rep, lengths = {}, {}
    for a in c.atoms(Indexed):
        name = str(a.base.label)
        if name not in form.sh.of or name in form.sh.scalars:
            if a.base.label.is_commutative:
                continue            # the entries of a name the reading does not use whole
            raise NotationError(f"the condition on {name}: {name} is not in the claim")
        r, col = (sized(d) for d in form.shape(mat(name)))
        got = sized(form.name_entry(name, p, q))
        if not isinstance(got, Indexed) or len(got.indices) != len(a.indices) or \
                not set(got.indices) <= {p, q}:
            shape = f"{r}×{col}"
            raise NotationError(f"the condition writes {a} with {len(a.indices)} "
                                f"ind{'ex' if len(a.indices) == 1 else 'ices'}, but {name} "
                                f"is {shape} in this reading")
        at = dict(zip(got.indices, a.indices))
        rep[a] = got.xreplace(at)
        for slot, dim in ((p, r), (q, col)):
            if slot in at and isinstance(at[slot], Symbol):
                lengths.setdefault(at[slot], set()).add(dim)
    bound = {x for s in c.atoms(sympy.Sum) for x, _, _ in s.limits}
    free = [x for x in lengths if x not in bound]
    if free:     # y_i ≥ 0 for every i, or for the claim's i: not read
        raise NotationError(f"the condition {c} has the free index {free[0]}: write it for "
                            "every entry or as a sum")
    doubts = []

    def over_length(s):
        limits = []
        for x, lo, hi in s.limits:
            dims = lengths.get(x)
            if dims is None:
                limits.append((x, lo, hi))
                continue
            if len(dims) != 1 or lo != 1:
                raise NotationError(f"the condition's sum over {x} is not one over the "
                                    "entries of a vector")
            d = next(iter(dims))
            if str(hi) != str(d):
                if not (isinstance(d, Symbol) and d.name.startswith("n_")):
                    raise NotationError(f"the condition's sum runs to {hi}, but the "
                                        f"entries it sums number {d} in this reading")
                if str(hi) in used:   # K is a size of the claim too: the sum may be partial
                    doubts.append(f"the sum of the condition {sympy.latex(c)} read over all "
                                  f"the entries ({hi} their number)")
            limits.append((x, lo, d))
        return sympy.Sum(s.function, *limits)
    out = _bounds_commutative(c).xreplace(rep)
    out = out.replace(lambda e: isinstance(e, sympy.Sum), over_length)
    out = sized(out)
    if has_matrices(out):
        raise NotationError(f"the condition {c} is not read in index form")
    return out, doubts


__all__ = ["entry_condition", "is_entry_condition", "split_entry_conditions", "whole_names"]
