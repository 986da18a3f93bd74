r"""Claims defined by cases: ``\begin{cases} … & |r| \leq \delta \\ … & \text{otherwise}
\end{cases}``, and what is piecewise without being written so (``|x|``, ``\max``, ``\min``,
``\mathrm{sign}``, the Heaviside step their derivatives bring).

Every name is a real number (an index stays an integer).  Both sides are taken to the leaves
(derivatives by SymPy branch by branch, Σ·δ collapsed), then split into *regions*: each
expression ``g`` that a case condition, an absolute value, a max/min or a sign compares with 0
(a *cut*) is taken as ``g > 0`` or ``g < 0``, until neither side has a case left.  On each
region the two sides are then plain expressions:

- equal on every region (exact simplification to 0, or the region is empty by the stated
  assumptions, shown by Fourier–Motzkin elimination) → ``proved``, *almost everywhere*: on the
  boundaries ``g = 0``, where a derivative is only a one-sided convention, nothing is compared,
  and that is said in the verdict's conditions;
- different on a region → a point strictly inside it (every cut away from 0, the stated
  assumptions met, small rationals such as δ = 1, r = 3), the original sides evaluated there
  again by SymPy's own Piecewise, both exact numbers that differ → ``refuted``;
- anything else (a region neither compared nor reached, a case that no branch covers on a
  region that may not be empty) → ``unknown``, saying which.

A difference only at a boundary never refutes: points on a cut are never chosen.
"""
from __future__ import annotations

import itertools

import sympy
from sympy import (Abs, Heaviside, Indexed, IndexedBase, Max, Min, Piecewise, Rational,
                   Sum, Symbol, sign)
from sympy.core.relational import Relational

from .. import calculus
from ..calculus import CalculusError
from ..notation import Context, Partial, base_name
from .exact_check import _cond_str, _tex
from .verdict import Counterexample, Verdict

__all__ = ["decide_piecewise", "has_cases"]

KINKS = (Piecewise, Abs, sign, Max, Min, Heaviside)
MAX_REGIONS = 128
_VALUES = [Rational(v) for v in ("1", "2", "3", "-1", "-2", "-3", "1/2", "-1/2", "5", "-5",
                                 "1/3", "-1/3", "0", "7", "-7", "10", "-10")]
_STRICT = (sympy.StrictGreaterThan, sympy.StrictLessThan)
_INEQ = (sympy.StrictGreaterThan, sympy.StrictLessThan, sympy.GreaterThan, sympy.LessThan)


class _Split(Exception):
    """The sign of this cut decides a case: split the region on it."""

    def __init__(self, cut):
        super().__init__(str(cut))
        self.cut = cut


class _Uncovered(Exception):
    """No branch of a case holds on the region."""


class _Unsupported(Exception):
    """A case this module does not split (a condition it cannot read as a cut)."""


def has_cases(e) -> bool:
    return isinstance(e, sympy.Basic) and e.has(*KINKS)


# ---------------------------------------------------------------------------------------
# real names
def _real_names(exprs, assumptions) -> dict:
    """Each non-integer name a real one (positive where an assumption says s > 0, nonnegative
    where s ≥ 0); each vector of values a real one."""
    pos = {c.lhs for c in assumptions if isinstance(c, sympy.StrictGreaterThan) and c.rhs == 0}
    pos |= {c.rhs for c in assumptions if isinstance(c, sympy.StrictLessThan) and c.lhs == 0}
    nonneg = {c.lhs for c in assumptions if isinstance(c, sympy.GreaterThan) and c.rhs == 0}
    nonneg |= {c.rhs for c in assumptions if isinstance(c, sympy.LessThan) and c.lhs == 0}
    rep = {}
    for e in exprs:
        if not isinstance(e, sympy.Basic):
            continue
        for s in e.atoms(Symbol):
            if s.is_integer or isinstance(s, sympy.Dummy) or s in rep or \
                    s.is_commutative is False:   # a matrix name stays what it is
                continue
            kw = {"positive": True} if s in pos else {"nonnegative": True} if s in nonneg \
                else {"real": True}
            rep[s] = Symbol(s.name, **kw)
        for b in e.atoms(IndexedBase):
            if b not in rep and not b.is_integer:
                rep[b] = IndexedBase(b.label, real=True)
    return rep


def _realified(lhs, rhs, ctx: Context, assumptions):
    exprs = [lhs, rhs, *[d.rhs for d in ctx.definitions], *ctx.conditions]
    rep = _real_names(exprs, assumptions)

    def fix(e):
        return e.xreplace(rep) if isinstance(e, sympy.Basic) and \
            not isinstance(e, sympy.MatrixBase) else e
    defs = tuple(type(d)(d.target, fix(d.rhs)) for d in ctx.definitions)
    rctx = ctx.with_(definitions=defs, conditions=tuple(fix(c) for c in ctx.conditions),
                     positive=tuple(fix(p) for p in ctx.positive))
    kept = [fix(c) for c in assumptions]   # δ > 0 with δ positive: in the name itself
    return fix(lhs), fix(rhs), rctx, [c for c in kept if c is not sympy.true]


# ---------------------------------------------------------------------------------------
# the leaves: derivatives taken, Σ·δ collapsed
def _collapse_cases(e, ctx: Context):
    """``Σ_i Piecewise((δ_ij a_i, c_i), (δ_ij b_i, True))`` → the cases at i = j (j in the
    sum's range, as :func:`calculus.collapse` decides): a Kronecker factor every branch
    shares, taken out (SymPy folds it back into the cases inside a Sum, so the cases stand
    for a function of i while the sum collapses)."""
    def fn(s):
        if not isinstance(s, Sum) or len(s.limits) != 1 or not isinstance(s.function, Piecewise):
            return s
        v, lo, hi = s.limits[0]
        shared = None
        for val, _ in s.function.args:
            ds = {a for a in sympy.Mul.make_args(val) if isinstance(a, sympy.KroneckerDelta)
                  and v in a.args}
            shared = ds if shared is None else shared & ds
        if not shared:
            return s
        d = sympy.Mul(*shared)
        body = Piecewise(*[(sympy.cancel(val / d), c) for val, c in s.function.args])
        stand = sympy.Function("cases_of_" + str(v))
        out = calculus.collapse(Sum(d * stand(v), (v, lo, hi)), ctx)
        if out.has(Sum):
            return s
        return out.replace(lambda x: isinstance(x, sympy.core.function.AppliedUndef) and
                           x.func == stand, lambda x: body.xreplace({v: x.args[0]}))
    return e.replace(lambda x: isinstance(x, Sum), fn)


def _leaves(e, ctx: Context):
    e = calculus.to_leaves(e, ctx)
    e = calculus.apply_conditions(e, calculus.index_conditions(ctx.conditions))
    if e.has(Sum):
        e = _collapse_cases(e, ctx)
    if e.has(Sum):
        e = calculus.collapse(e, ctx)
    return e


# ---------------------------------------------------------------------------------------
# settling the cases on a region
def _key(g):
    """A cut in one canonical form (content and sign taken out), and the sign taken out."""
    g = sympy.expand(g)
    c, p = g.as_content_primitive()
    s = 1 if c > 0 else -1
    if p.could_extract_minus_sign():
        p, s = -p, -s
    return p, s


def _sign(g, signs: dict) -> int:
    g = sympy.expand(g)
    if g == 0:
        return 0
    if g.is_number:
        if g.is_positive:
            return 1
        if g.is_negative:
            return -1
        raise _Unsupported(f"the sign of {g} is not known exactly")
    if g.is_positive:
        return 1
    if g.is_negative:
        return -1
    if g.is_zero:
        return 0
    bare = g.xreplace({x: sympy.Dummy() for x in g.atoms(Indexed)})   # r_j: a value
    if any(s.is_integer for s in bare.free_symbols):
        raise _Unsupported(f"a case on an integer ({_tex(g)})")
    k, s = _key(g)
    if k in signs:
        return signs[k] * s
    raise _Split(k)


def _truth(c, signs) -> bool:
    if c in (sympy.true, sympy.false):
        return bool(c)
    if isinstance(c, sympy.And):
        return all(_truth(a, signs) for a in c.args)
    if isinstance(c, sympy.Or):
        return any(_truth(a, signs) for a in c.args)
    if isinstance(c, sympy.Not):
        return not _truth(c.args[0], signs)
    if isinstance(c, (sympy.Eq, sympy.Ne)):   # i = j: a case on a point, perhaps an index's
        raise _Unsupported(f"the case {_cond_str(c)} (an equation, not a region)")
    if isinstance(c, Relational):
        s = _sign(_settle(c.lhs, signs) - _settle(c.rhs, signs), signs)
        return {sympy.StrictGreaterThan: s > 0, sympy.GreaterThan: s >= 0,
                sympy.StrictLessThan: s < 0, sympy.LessThan: s <= 0}[type(c)]
    raise _Unsupported(f"the condition {c} is not a comparison")


def _settle(e, signs):
    """*e* on the region *signs* (cut → ±1): no case left, or :class:`_Split` on a cut whose
    sign is not known yet."""
    if not isinstance(e, sympy.Basic) or not e.has(*KINKS):
        return e
    if isinstance(e, Piecewise):
        for val, cond in e.args:
            if _truth(cond, signs):
                return _settle(val, signs)
        raise _Uncovered()
    if isinstance(e, (Sum, sympy.Product, sympy.Integral, sympy.Derivative)):
        raise _Unsupported(f"a case inside {type(e).__name__}")
    args = [_settle(a, signs) for a in e.args]
    if isinstance(e, Abs):
        return args[0] * _sign(args[0], signs)
    if isinstance(e, sign):
        return sympy.Integer(_sign(args[0], signs))
    if isinstance(e, Heaviside):
        s = _sign(args[0], signs)
        if s == 0:
            raise _Unsupported("the step at 0")
        return sympy.Integer(1 if s > 0 else 0)
    if isinstance(e, (Max, Min)):
        best = args[0]
        for a in args[1:]:
            s = _sign(a - best, signs)
            if (s > 0) == isinstance(e, Max) and s != 0:
                best = a
        return best
    return e.func(*args)


def _regions(sides, seed: dict):
    """Every region the cases of *sides* cut out: (signs, settled sides or None where a case
    covers nothing).  Raises :class:`_Unsupported` past MAX_REGIONS."""
    todo, out = [dict(seed)], []
    while todo:
        signs = todo.pop()
        try:
            settled = tuple(_settle(s, signs) for s in sides)
        except _Split as sp:
            if len(todo) + len(out) > MAX_REGIONS:
                raise _Unsupported(f"more than {MAX_REGIONS} regions") from None
            todo += [{**signs, sp.cut: -1}, {**signs, sp.cut: 1}]
            continue
        except _Uncovered:
            settled = None
        out.append((signs, settled))
    return out


# ---------------------------------------------------------------------------------------
# regions: empty ones, points inside
def _constraints(signs, assumptions, names):
    """The region as (expression, strict) meaning expression > 0 (strict) or ≥ 0."""
    out = [(k * s, True) for k, s in signs.items()]
    for c in assumptions:
        d = c.lhs - c.rhs if isinstance(c, (sympy.StrictGreaterThan, sympy.GreaterThan)) \
            else c.rhs - c.lhs
        out.append((d, isinstance(c, _STRICT)))
    for v in names:
        if getattr(v, "is_positive", None):
            out.append((v, True))
        elif getattr(v, "is_nonnegative", None):
            out.append((v, False))
    return out


def _empty(cons, names) -> bool:
    """The linear system *cons* has no solution (Fourier–Motzkin, exact); False when it
    has one or is not linear."""
    rows = []
    for e, strict in cons:
        try:
            p = sympy.Poly(sympy.expand(e), *names)
        except sympy.PolynomialError:
            return False
        if p.total_degree() > 1 or any(not c.is_Rational for c in p.coeffs()):
            return False
        coeffs = {v: p.coeff_monomial(v) for v in names}
        rows.append((coeffs, p.coeff_monomial(1), strict))
    for v in names:
        pos = [r for r in rows if r[0][v] > 0]
        neg = [r for r in rows if r[0][v] < 0]
        rows = [r for r in rows if r[0][v] == 0]
        for (cp, kp, sp_), (cn, kn, sn) in itertools.product(pos, neg):
            a, b = cp[v], -cn[v]
            rows.append(({w: b * cp[w] + a * cn[w] for w in names}, b * kp + a * kn, sp_ or sn))
        if len(rows) > 400:
            return False
    return any(k < 0 or (k == 0 and strict) for _, k, strict in rows)


def _inside(cons, names, positive):
    """A point of small rationals strictly inside the region (every cut away from 0), the
    assumptions and the logarithms' arguments met; None if none is found."""
    if len(names) > 4:
        return None
    values = _VALUES if len(names) <= 2 else _VALUES[:9]
    for combo in itertools.product(values, repeat=len(names)):
        at = dict(zip(names, combo))
        if any(v.is_positive and at[v] <= 0 or v.is_nonnegative and at[v] < 0 for v in names):
            continue
        ok = True
        for e, strict in cons:
            x = sympy.sympify(e).xreplace(at)  # safe: SymPy objects
            if not (x.is_number and (x.is_positive if strict else x.is_nonnegative)):
                ok = False   # on the cut, outside, or a sign not known exactly (e^2 - 7)
                break
        if ok and all(_positive_at(p, at) for p in positive):
            return at
    return None


def _positive_at(p, at) -> bool:
    x = sympy.sympify(p).xreplace(at)  # safe: SymPy objects
    return bool(x.is_number and x.is_positive)


def _value(e, at):
    """*e* at the point, by SymPy alone (its Piecewise, Abs, sign, max, min on numbers)."""
    x = sympy.sympify(e).xreplace(at)  # safe: SymPy objects
    x = x if x.is_Rational else sympy.simplify(x)
    return x if x.is_number and x.is_finite and x.is_extended_real else None


def _differ(x, y) -> bool:
    """Two exact numbers certainly different (their difference known not to be 0)."""
    d = sympy.simplify(x - y)
    return bool(d.is_number and d.is_zero is False)


def _zero(d) -> bool:
    d = sympy.cancel(sympy.together(d))
    return d == 0 or sympy.simplify(d) == 0


def _solved(k, names):
    """A name *k* is linear in (a nonzero number as its coefficient) and its value on k = 0."""
    for v in names:
        try:
            p = sympy.Poly(sympy.expand(k), v)
        except sympy.PolynomialError:
            continue
        c = p.coeff_monomial(v)
        if p.degree() == 1 and c.is_number and c != 0:
            return v, sympy.expand(-(k - c * v) / c)
    return None, None


def _on_boundaries(a, b, cuts, names, assumptions, depth=0) -> bool:
    """The sides agree on every boundary k = 0 too (a claim about values, not derivatives):
    each cut solved for a name it is linear in, the sides compared there region by region,
    and on those regions' own boundaries in turn; False when anything is left open."""
    if depth > 3:
        return False
    for k in cuts:
        v, sol = _solved(k, names)
        if v is None:
            return False
        rep = {v: sol}
        rest = [n for n in names if n != v]
        kept = [c.xreplace(rep) for c in assumptions]
        if v.is_positive or v.is_nonnegative:   # the name's own sign, now the value's
            kept.append(sympy.StrictGreaterThan(sol, 0) if v.is_positive else
                        sympy.GreaterThan(sol, 0))
        if any(c is sympy.false for c in kept):
            continue   # the boundary lies outside what is assumed
        kept = [c for c in kept if c is not sympy.true]
        a2, b2 = a.xreplace(rep), b.xreplace(rep)
        try:
            regions = _regions((a2, b2), {})
        except _Unsupported:
            return False
        for signs, settled in regions:
            if settled is not None and _zero(settled[0] - settled[1]):
                continue
            if not _empty(_constraints(signs, kept, rest), rest):
                return False
        inner = sorted({x for signs, _ in regions for x in signs}, key=str)
        if inner and not _on_boundaries(a2, b2, inner, rest, kept, depth + 1):
            return False
    return True


# ---------------------------------------------------------------------------------------
def _reached(exprs, ctx: Context) -> list:
    """The definitions the claim's names rest on, transitively (a ReLU defined elsewhere in
    the document does not make every claim a piecewise one)."""
    names = {base_name(x) for e in exprs if isinstance(e, sympy.Basic)
             for x in e.atoms(sympy.Symbol, Indexed)}
    names |= {a for n in list(names) for a in calculus._ancestors(ctx, n)}
    out = []
    for d in ctx.definitions:
        try:
            if base_name(d.target) in names:
                out.append(d)
        except (TypeError, ValueError, AttributeError):
            out.append(d)   # a target of another kind: kept
    return out


def decide_piecewise(lhs, rhs, ctx: Context) -> Verdict | None:
    """Decide ``lhs = rhs`` region by region when either side, or a definition it reaches,
    has cases; None when nothing has cases (the other routes decide)."""
    if isinstance(lhs, sympy.MatrixBase) or isinstance(rhs, sympy.MatrixBase):
        return None
    if not (has_cases(lhs) or has_cases(rhs) or any(
            has_cases(d.rhs) for d in _reached((lhs, rhs), ctx)
            if isinstance(d.rhs, sympy.Basic))):
        return None
    stated = [c for c in ctx.conditions if isinstance(c, _INEQ)]
    others = [c for c in ctx.conditions if not isinstance(c, _INEQ)]
    a0, b0, rctx, assumptions = _realified(lhs, rhs, ctx, stated)
    if any(c is sympy.false for c in assumptions):
        return _unknown("the stated assumptions contradict each other")
    try:
        a, b = _leaves(a0, rctx), _leaves(b0, rctx)
    except (CalculusError, TypeError, ValueError):
        return None
    if not (has_cases(a) or has_cases(b)):   # |x| with x > 0: settled by the assumptions
        if isinstance(a, sympy.Basic) and isinstance(b, sympy.Basic) and not (
                a.has(Partial, Sum) or b.has(Partial, Sum)) and \
                sympy.count_ops(a - b) <= _SMALL and _zero(a - b):
            return Verdict("proved", "cases: the sides agree exactly once the stated "
                           "assumptions settle every case (real values)",
                           conditions=tuple(_cond_str(c) for c in stated))
        return None
    if any(isinstance(e, sympy.Basic) and e.has(Partial, sympy.Derivative) for e in (a, b)):
        return _unknown("a derivative is left that SymPy does not take through the cases")
    bare = [e.xreplace({x: sympy.Dummy() for x in e.atoms(Indexed)}) for e in (a, b)]
    names = sorted({s for e in bare for s in e.free_symbols
                    if not isinstance(s, sympy.Dummy) and not s.is_integer} |
                   {x for e in (a, b) for x in e.atoms(Indexed)}, key=str)
    seed = {}
    for c in assumptions:   # a strict assumption fixes the sign of its cut
        if isinstance(c, _STRICT):
            g = c.lhs - c.rhs if isinstance(c, sympy.StrictGreaterThan) else c.rhs - c.lhs
            if not g.is_number:
                k, s = _key(g)
                seed[k] = s
    try:
        regions = _regions((a, b), seed)
    except _Unsupported as err:
        return _unknown(f"the cases could not be split: {err}")
    cuts = sorted({k for signs, _ in regions for k in signs if k not in seed}, key=str)
    where = ", ".join(f"{_tex(k)} {'>' if s > 0 else '<'} 0" for k, s in seed.items())
    bases = [x.base for x in names if isinstance(x, Indexed)]
    may_refute = not others and len(bases) == len(set(bases))
    open_ = []
    for signs, settled in regions:
        region = " and ".join(f"{_tex(k)} {'>' if s > 0 else '<'} 0"
                              for k, s in signs.items() if k not in seed) or "everywhere"
        cons = _constraints(signs, assumptions, names)
        if settled is not None:
            try:
                d = settled[0] - settled[1]
                if sympy.count_ops(d) <= _SMALL and _zero(d):
                    continue
            except (TypeError, ValueError):
                pass
        if _empty(cons, names):
            continue
        at = _inside(cons, names, rctx.positive) if may_refute and settled is not None \
            else None
        if at is not None:
            x, y = _value(a, at), _value(b, at)
            same = x is not None and y is not None and all(   # the region's sides agree
                (v := _value(s, at)) is not None and not _differ(v, w)   # with SymPy's
                for s, w in zip(settled, (x, y)))
            if same and _differ(x, y):
                shown = tuple((str(k), str(v)) for k, v in at.items())   # as search's
                off = ", ".join(f"{_tex(k)} = 0" for k in signs if k not in seed)
                note = f"strictly inside the region {region}" + (
                    f" (off the boundaries {off})" if off else "")
                return Verdict(
                    "refuted", "cases: the sides compared region by region, then at a point "
                    "strictly inside a region where they differ, exactly (SymPy's Piecewise)",
                    conditions=tuple(_cond_str(c) for c in stated),
                    counterexample=Counterexample(0, (), shown, _tex(x), _tex(y), note=note),
                    reason=f"the two sides differ on the region {region}" +
                           (f" (with {where})" if where else ""))
        open_.append(region + ("" if settled is not None else " (no case covers it)"))
    if open_:
        return _unknown("not decided on the region" + ("s " if len(open_) > 1 else " ")
                        + "; ".join(open_) + (" (the claim has conditions beside the "
                        "inequalities, which a point cannot be shown to meet)" if others
                        else ""))
    conds = tuple(_cond_str(c) for c in stated)
    if not cuts:
        return Verdict("proved", "cases: the sides agree exactly once the stated "
                       "assumptions settle every case", conditions=conds)
    bounds = ", ".join(f"{_tex(k)} = 0" for k in cuts)
    values = not any(isinstance(e, sympy.Basic) and e.has(Partial, sympy.Derivative)
                     for e in (lhs, rhs, *[d.rhs for d in ctx.definitions]))
    if values and _on_boundaries(a, b, cuts, names, assumptions):
        return Verdict(
            "proved", f"cases: the sides agree exactly on each of the {len(regions)} regions "
            f"cut out by {bounds} and on those boundaries (real values" +
            (f", {where}" if where else "") + ")", conditions=conds)
    return Verdict(
        "proved", f"cases: the sides agree exactly on each of the {len(regions)} regions cut "
        f"out by {bounds} (real values" + (f", {where}" if where else "") + ")",
        conditions=conds + (f"almost everywhere: not compared on the boundaries {bounds}",),
        reason=f"holds on every open region; on the boundaries {bounds} (where a derivative "
               "has only one-sided values) the sides are not compared")


_SMALL = 300   # operations in a difference worth a cancel here (the other routes take larger)


def _unknown(why: str) -> Verdict:
    return Verdict("unknown", "cases", reason=why)
