"""Deciding ``lhs = rhs``: the :class:`Verdict` and the layered decision procedure.

1. *symbolic, for all K* – :func:`symderiv.calculus.normal_form` of lhs − rhs is 0 (possibly
   after reducing by the stated value conditions such as Σ_k t_k = 1) → ``proved``.
2. *exact, for concrete K* – both sides evaluated in GF(2^61 − 1) at random points for
   K = 1 … 8 (and any K asked for); all agree → ``verified`` with a Schwartz–Zippel bound.
3. *refutation* – a disagreement triggers a search for a readable counterexample (K = 2
   first, z_m = ln u_m with small integers u_m, β = 1, small integer data) which is then
   re-evaluated by an independent route (explicit sums, SymPy's own ``diff``, exact
   arithmetic) before ``refuted`` is reported.
4. anything else → ``unknown`` with the reason.

>>> from sympy import IndexedBase, KroneckerDelta
>>> from symderiv.models import softmax
>>> from symderiv.notation import Partial, beta, index
>>> y, z = IndexedBase('y'), IndexedBase('z'); i, j = index('i'), index('j')
>>> decide(Partial(y[i], z[j]), beta*y[i]*(KroneckerDelta(i, j) - y[j]), softmax()).status
'proved'
"""
from __future__ import annotations

import functools
import itertools
from typing import Iterable

import sympy
from sympy import Expr, Indexed, IndexedBase, KroneckerDelta, Sum, Symbol

from .. import calculus
from ..calculus import CalculusError, index_conditions, value_conditions
from ..exact import PRIME, Unsupported
from ..notation import Context, Partial, base_name
from .verdict import Counterexample, Verdict

from .exact_check import DEFAULT_SIZES, POINTS_PER_CASE, _cond_str, _tex, exact_check, prepare
from .independent import ATOM_MARK, abstracted, independent_cut
from .search import _explicit, explicit_search, find_counterexample


# ---------------------------------------------------------------------------------------
def _missing_condition(lhs, rhs, ctx) -> str | None:
    """A simple condition (Σ_k v_k = 1 for a data vector v) under which the claim holds."""
    for cond in _candidate_conditions(lhs, rhs, ctx):
        try:
            if calculus.is_zero(lhs - rhs, ctx.assume(cond)):
                return _cond_str(cond)
        except CalculusError:
            continue
    return None


def _missing_exactly(lhs, rhs, ctx, sizes, seed) -> str | None:
    """As :func:`_missing_condition`, by exact evaluation at random points (the claim agrees
    with the condition imposed, for every size checked): evidence, not a proof."""
    for cond in _candidate_conditions(lhs, rhs, ctx):
        try:
            if exact_check(lhs, rhs, ctx.assume(cond), tuple(sizes)[:3], seed=seed).agree:
                return _cond_str(cond)
        except (Unsupported, CalculusError):
            continue
    return None


def _candidate_conditions(lhs, rhs, ctx):
    """Σ_k v_k = 1 for each data vector v of the claim, over the range its entries are
    summed over (Σ_{i=1}^{C} y_i log ŷ_i), else the text's index range."""
    diff = lhs - rhs
    defined = {d.name for d in ctx.definitions}
    written = prepare(diff, ctx)
    entries = written.atoms(Indexed)
    bases = sorted({base_name(a) for a in entries} - defined)
    for name in bases:
        if any(base_name(a) == name and len(a.indices) != 1 for a in entries) or \
                name.endswith(ATOM_MARK):
            continue       # a matrix, or a function's value made an atom: no distribution
        k = calculus.index("k")
        v = IndexedBase(name)
        # the range v's entries are summed over (Σ_{i=1}^{C} y_i log ŷ_i), else the text's
        spans = [(lo, hi) for s_ in written.atoms(Sum) for x, lo, hi in s_.limits
                 if any(isinstance(a, Indexed) and base_name(a) == name and
                        a.indices == (x,) for a in s_.function.atoms(Indexed))]
        for lo, hi in dict.fromkeys(spans or [(ctx.lower, ctx.upper)]):
            yield sympy.Eq(Sum(v[k], (k, lo, hi)), 1)


def _contradiction(conditions) -> str | None:
    """Why the stated conditions cannot hold together (i = j and i ≠ j, β = 1 and β = 2)."""
    parent: dict = {}

    def find(a):
        while parent.get(a, a) != a:
            a = parent[a]
        return a
    eqs = [c for c in conditions if isinstance(c, sympy.Eq) and
           all(isinstance(a, (Symbol, sympy.Integer, sympy.Rational)) for a in c.args)]
    for c in eqs:
        a, b = find(c.lhs), find(c.rhs)
        if a != b:
            if a.is_number and b.is_number:
                return f"{_cond_str(c)} with {a} ≠ {b}"
            if a.is_number:
                a, b = b, a
            parent[a] = b
    for c in conditions:
        if isinstance(c, sympy.Ne) and find(c.lhs) == find(c.rhs):
            return f"{_cond_str(c)} contradicts the equalities stated"
        if c is sympy.false:
            return "a condition is false"
    return None


def _pin_values(lhs, rhs, ctx: Context):
    """Conditions ``s = c`` (c a number) for a plain symbol s — a parameter (β = 2), a
    variable (x = 3) or a size (K = 3) — substituted everywhere: the claim is then decided
    under them exactly as stated (an index pin i = 2 stays a case condition)."""
    pins, rest = {}, []
    for c in ctx.conditions:
        if isinstance(c, sympy.Eq):
            a, b = c.lhs, c.rhs
            if not isinstance(a, Symbol):
                a, b = b, a
            if (isinstance(a, Symbol) and b.is_number and a not in pins
                    and not (a.is_integer and not a.is_positive)
                    and ctx.definition(a.name) is None and a.name not in dict(ctx.generic)):
                pins[a] = b
                continue
        rest.append(c)
    if not pins:
        return lhs, rhs, ctx
    lhs, rhs = sympy.sympify(lhs), sympy.sympify(rhs)  # safe: SymPy objects
    if any(set(p.x.free_symbols) & set(pins) for e in (lhs, rhs) for p in e.atoms(Partial)):
        # "at x = 3, d/dx x^2 = 6": differentiate first, then take the value
        lhs, rhs = calculus.evaluate_partials(lhs, ctx), calculus.evaluate_partials(rhs, ctx)
    for s, v in pins.items():
        if s.is_integer and s.is_positive and not (v.is_Integer and v > 0):
            raise CalculusError(f"{s} = {v}: a size must be a positive integer")
    conds = []
    for c in rest:
        c = c.xreplace(pins)
        if c is sympy.true:
            continue
        conds.append(c)
    defs = tuple(type(d)(d.target, d.rhs.xreplace(pins)) for d in ctx.definitions)
    ranges = tuple((name, tuple(sympy.sympify(v).xreplace(pins) for v in rng))  # safe: SymPy
                   for name, rng in ctx.ranges)
    shapes = tuple((name, tuple(sympy.sympify(v).xreplace(pins) for v in shp))  # safe: SymPy
                   for name, shp in ctx.shapes)
    new = ctx.with_(definitions=defs, conditions=tuple(conds), ranges=ranges, shapes=shapes,
                    size=ctx.size.xreplace(pins),
                    top=ctx.top.xreplace(pins) if ctx.top is not None else None)
    return sympy.sympify(lhs).xreplace(pins), sympy.sympify(rhs).xreplace(pins), new  # safe: SymPy objects


_HYPERBOLIC = (sympy.tanh, sympy.sinh, sympy.cosh)


def _as_exp(e):
    """tanh, sinh, cosh written with exponentials (an identity): the exact route and the
    counterexample search then see only exponentials."""
    if not isinstance(e, sympy.Basic) or not e.has(*_HYPERBOLIC):
        return e
    return e.replace(lambda a: isinstance(a, _HYPERBOLIC), lambda a: a.rewrite(sympy.exp))


def decide(lhs: Expr, rhs: Expr, ctx: Context, *, sizes: Iterable[int] = DEFAULT_SIZES,
           seed: int = 0, symbolic: bool = True, exact: bool = True) -> Verdict:
    """Decide ``lhs = rhs`` under *ctx*; see the module docstring for the layers.

    A condition the engine cannot impose on a counterexample (``x \\neq 0`` on data) never
    lets a refutation through: the verdict is then ``unknown``.  The same question asked
    again (a formula repeated, a reading shared by two) is answered from memory.
    """
    key = (lhs, rhs, ctx, tuple(sizes), seed, symbolic, exact)
    try:
        hash(key)
    except TypeError:   # a mutable matrix somewhere: decided, not remembered
        return _decide_now(*key)
    return _decide_remembered(*key)


@functools.lru_cache(maxsize=512)
def _decide_remembered(lhs, rhs, ctx, sizes, seed, symbolic, exact) -> Verdict:
    return _decide_now(lhs, rhs, ctx, sizes, seed, symbolic, exact)   # a Verdict is frozen


def _decide_now(lhs, rhs, ctx, sizes, seed, symbolic, exact) -> Verdict:
    from .extrema import decide_extrema   # argmax_j ŷ_j = argmax_j o_j: an order, no value
    order = decide_extrema(lhs, rhs, ctx)
    if order is not None:
        return order
    lhs, rhs = _index_cases(lhs), _index_cases(rhs)
    if any(c is sympy.true for c in ctx.conditions):   # e.g. K = 2 once K is fixed to 2
        ctx = ctx.with_(conditions=tuple(c for c in ctx.conditions if c is not sympy.true))
    cases = _decide_cases(lhs, rhs, ctx, sizes=sizes, seed=seed, symbolic=symbolic, exact=exact)
    if cases is not None and cases.status != "unknown":
        return cases
    from .piecewise import decide_piecewise   # |r| \leq \delta, max, min: region by region
    regions = decide_piecewise(lhs, rhs, ctx) if symbolic else None
    if regions is not None and regions.status != "unknown":
        return regions
    if cases is not None:
        return cases
    v = _decide_core(lhs, rhs, ctx, sizes=sizes, seed=seed, symbolic=symbolic, exact=exact)
    if v.status == "unknown" and regions is not None:
        return regions   # what the regions left open says more than "cannot be evaluated"
    hyperbolic = any(isinstance(e, sympy.Basic) and e.has(*_HYPERBOLIC)
                     for e in (lhs, rhs) + tuple(d.rhs for d in ctx.definitions))
    if v.status == "unknown" and hyperbolic and not v.missing:   # the exact route sees only
        # exponentials (not when what the claim needs is known already)
        ctx = ctx.with_(definitions=tuple(type(d)(d.target, _as_exp(d.rhs))
                                          for d in ctx.definitions))
        v = _decide_core(_as_exp(lhs), _as_exp(rhs), ctx, sizes=sizes, seed=seed,
                         symbolic=symbolic, exact=exact)
    odd = [c for c in ctx.conditions
           if not (isinstance(c, sympy.Eq) or c in index_conditions((c,)))]
    if v.status == "refuted" and odd:
        return Verdict("unknown", v.method, conditions=v.conditions,
                       reason="the sides differ at a point, but that point may violate "
                              f"{', '.join(_cond_str(c) for c in odd)}, which the engine "
                              "cannot impose on a counterexample")
    return v


def _index_cases(e):
    """Cases on two indices (``a_i(1 - a_i) if i = j, -a_i a_j otherwise``) written with the
    Kronecker delta: δ_ij A + (1 − δ_ij) B, which the index calculus decides for every K."""
    if not isinstance(e, sympy.Basic) or not e.has(sympy.Piecewise):
        return e

    def on_indices(c):
        return isinstance(c, (sympy.Eq, sympy.Ne)) and all(
            isinstance(x, Symbol) and x.is_integer for x in (c.lhs, c.rhs))

    def rewrite(pw):
        args = list(pw.args)
        if len(args) != 2 or not on_indices(args[0][1]) or args[1][1] not in (
                sympy.true, args[0][1].negated):
            return None
        (a, c), (b, _) = args
        d = KroneckerDelta(c.lhs, c.rhs)
        return d * a + (1 - d) * b if isinstance(c, sympy.Eq) else d * b + (1 - d) * a
    done = {}

    def found(x):
        if isinstance(x, sympy.Piecewise):
            done[x] = rewrite(x)
            return done[x] is not None
        return False
    return e.replace(found, lambda x: done[x])


def _case_variable(lhs, rhs):
    """The one real variable x that the cases of a Piecewise compare with 0 (``1 if x > 0``),
    or None (no such cases, or conditions of another form)."""
    found = set()
    for e in (lhs, rhs):
        if not isinstance(e, sympy.Basic):
            continue
        for pw in e.atoms(sympy.Piecewise):
            for _, c in pw.args:
                if c is sympy.true:
                    continue
                if not isinstance(c, sympy.core.relational.Relational) or \
                        isinstance(c, (sympy.Eq, sympy.Ne)) or c.rhs != 0:
                    return None
                if not (isinstance(c.lhs, (Symbol, Indexed)) and not c.lhs.is_integer):
                    return None
                found.add(c.lhs)
    return found.pop() if len(found) == 1 else None


def _decide_cases(lhs, rhs, ctx: Context, **kw) -> Verdict | None:
    """Cases on the sign of one real variable (``ReLU'(x) = 1 if x > 0, 0 if x ≤ 0``): decided
    for x > 0 and for x < 0 apart, and at x = 0 (a kink: where the sides differ only there, the
    claim holds for x ≠ 0, said so).  Only "proved" comes from here: a refutation through a
    case would need a counterexample on the right side of 0, so it is left unknown."""
    x = _case_variable(lhs, rhs)
    if x is None:
        return None
    try:   # derivatives taken first (d/dx of ReLU is taken before x is given a sign)
        lhs, rhs = calculus.to_leaves(lhs, ctx), calculus.to_leaves(rhs, ctx)
    except CalculusError as err:
        return Verdict("unknown", "cases", reason=f"unsupported: {err}")
    if _case_variable(lhs, rhs) != x:
        return None
    d = sympy.Symbol("x_pos", positive=True)
    sides = []
    if lhs.has(sympy.Derivative) or rhs.has(sympy.Derivative):
        return Verdict("unknown", "cases", reason="a derivative SymPy leaves unevaluated "
                       "cannot be split into the cases")
    for sign, said in ((1, "x > 0"), (-1, "x < 0")):
        sub = {x: sign * d}
        try:
            a = sympy.sympify(lhs).xreplace(sub)  # safe: SymPy objects
            b = sympy.sympify(rhs).xreplace(sub)  # safe: SymPy objects
        except (TypeError, ValueError, ZeroDivisionError) as err:
            return Verdict("unknown", "cases", reason=f"the cases for {said} could not be "
                           f"separated ({type(err).__name__})")
        if a.has(sympy.Piecewise) or b.has(sympy.Piecewise):
            return Verdict("unknown", "cases", reason=f"the cases for {said} could not be "
                           "separated")
        sides.append((said.replace("x", _cond_str(x)), _decide_core(a, b, ctx, **kw)))
    for sign in (sympy.S.One, sympy.S.NegativeOne):   # x = ±1: a point inside one case
        try:
            a = sympy.sympify(lhs).xreplace({x: sign})  # safe: SymPy objects
            b = sympy.sympify(rhs).xreplace({x: sign})  # safe: SymPy objects
            gap = sympy.simplify(a - b)
        except (TypeError, ValueError, ZeroDivisionError):
            continue   # no case covers the point
        written = [sympy.sympify(p).xreplace({x: sign}) for p in ctx.positive]  # safe: SymPy
        if not all(w.is_number and w.is_positive for w in written):
            continue   # outside what the formula's logarithms allow
        kinks = [k.args[0].xreplace({x: sign}) for e in (lhs, rhs) if isinstance(e, sympy.Basic)
                 for k in e.atoms(sympy.Heaviside, sympy.DiracDelta, sympy.sign)]
        if any(not (k.is_number and k.is_zero is False) for k in kinks):
            continue   # a kink at the point (ReLU'(x - 1) at x = 1): no value there
        if not a.has(sympy.Piecewise) and not b.has(sympy.Piecewise) and gap.is_number and \
                gap.is_zero is False and not (a.free_symbols | b.free_symbols) and \
                a.is_extended_real and b.is_extended_real:
            return Verdict("refuted", "cases: the sides at a point of the case, exactly",
                           counterexample=Counterexample(0, (), ((_cond_str(x), str(sign)),),
                                                         _tex(a), _tex(b)),
                           reason="the two sides differ at the counterexample")
    if not all(v.status == "proved" for _, v in sides):
        said = "; ".join(f"for {c}: {v.status}" + (f" ({v.reason})" if v.reason else "")
                         for c, v in sides)
        return Verdict("unknown", "cases", reason=f"decided case by case: {said}")
    try:
        at0 = _decide_core(sympy.sympify(lhs).xreplace({x: 0}),  # safe: SymPy objects
                           sympy.sympify(rhs).xreplace({x: 0}), ctx, **kw)  # safe: SymPy objects
    except (TypeError, ValueError, ZeroDivisionError):
        at0 = Verdict("unknown", "cases", reason="no case covers x = 0")
    conds = tuple(dict.fromkeys(c for _, v in sides for c in v.conditions))
    if at0.status == "proved":
        return Verdict("proved", f"cases: proved for {_cond_str(x)} > 0, {_cond_str(x)} < 0 "
                       f"and at {_cond_str(x)} = 0", conditions=conds)
    return Verdict("proved", f"cases: proved for {_cond_str(x)} > 0 and {_cond_str(x)} < 0",
                   conditions=conds + (f"{_cond_str(x)} \\neq 0",),
                   reason=f"holds for {_cond_str(x)} ≠ 0; at {_cond_str(x)} = 0 (where a kink "
                          "has no derivative) the sides are "
                          + ("different" if at0.status == "refuted" else "not compared") +
                          ": a convention there")


def _decide_core(lhs: Expr, rhs: Expr, ctx: Context, *, sizes: Iterable[int] = DEFAULT_SIZES,
                 seed: int = 0, symbolic: bool = True, exact: bool = True) -> Verdict:
    conds = tuple(_cond_str(c) for c in ctx.conditions)
    notes = []
    shape = _shape_mismatch(lhs, rhs)
    if shape:
        return shape
    why = _contradiction(ctx.conditions)
    if why:
        return Verdict("unknown", "none", conditions=conds,
                       reason=f"the stated conditions contradict each other ({why}): every "
                              "claim would hold vacuously, so nothing is decided")
    try:
        lhs, rhs, ctx = _pin_values(lhs, rhs, ctx)
    except CalculusError as err:
        return Verdict("unknown", "none", conditions=conds, reason=str(err))
    if isinstance(lhs, sympy.MatrixBase) or isinstance(rhs, sympy.MatrixBase):
        return _decide_matrix(lhs, rhs, ctx, sizes=sizes, seed=seed)
    if _is_constant(lhs) and _is_constant(rhs):
        return _decide_constant(lhs, rhs)
    a = b = None
    if isinstance(lhs, sympy.Basic) and isinstance(rhs, sympy.Basic) and ctx.definitions:
        try:   # O_2 = Sig(-2) where the text defines O_2 = Sig(0.4): numbers once expanded
            a, b = calculus.to_leaves(lhs, ctx), calculus.to_leaves(rhs, ctx)
        except (CalculusError, TypeError, ValueError, AttributeError):
            a = b = None
    if _is_constant(a) and _is_constant(b) and not ctx.positive:
        return _decide_constant(a, b)
    if symbolic:
        try:
            nf = calculus.normal_form(lhs - rhs, ctx)
            if nf == 0:
                return Verdict("proved", "symbolic: index-calculus normal form of lhs − rhs is 0 "
                               "for every K (Σ·δ collapse, common denominator)",
                               conditions=tuple(_cond_str(c) for c in
                                                index_conditions(ctx.conditions)))
            polys = value_conditions(ctx.conditions)
            if polys and calculus.reduce_by(nf, polys, ctx) == 0:
                return Verdict("proved", "symbolic: index-calculus normal form of lhs − rhs "
                               "reduces to 0 modulo the stated conditions, for every K",
                               conditions=conds)
        except CalculusError as err:
            notes.append(f"symbolic route: {err}")
    if not exact:
        return Verdict("unknown", "symbolic", conditions=conds,
                       reason="; ".join(notes) or "the normal form is not 0")
    if ctx.size.is_Integer and not value_conditions(ctx.conditions) and any(
            isinstance(d.rhs, sympy.MatrixBase) for d in ctx.definitions):
        got = _at_stated_values(lhs, rhs, ctx)   # a worked example with its data vectors
        if got is not None:
            return got
    sizes = (int(ctx.size),) if ctx.size.is_Integer else tuple(sizes)
    try:
        res = exact_check(lhs, rhs, ctx, sizes, seed=seed)
    except (Unsupported, CalculusError) as err:
        notes.append(f"exact route: {err}")
        if ctx.size.is_Integer and not value_conditions(ctx.conditions):
            got = _at_stated_values(lhs, rhs, ctx)
            if got is not None:
                return got
        got = _with_free_data(lhs, rhs, ctx, sizes, seed, conds, notes)
        if got is not None:
            return got
        cx = None if value_conditions(ctx.conditions) else explicit_search(lhs, rhs, ctx, sizes)
        if cx is not None:
            missing = _missing_condition(lhs, rhs, ctx)
            return Verdict("refuted", "counterexample found and checked in exact arithmetic "
                           "(explicit sums, SymPy's diff, exact constants)", conditions=conds,
                           counterexample=cx, missing=missing,
                           reason=f"holds only under the condition {missing}, which is not "
                                  "stated" if missing else "the two sides differ at the "
                           "counterexample")
        return Verdict("unknown", "symbolic and exact routes both inconclusive",
                       conditions=conds, reason="; ".join(notes))
    if res.agree:
        err = (res.degree / PRIME) ** POINTS_PER_CASE
        return Verdict(
            "verified",
            f"exact evaluation in GF(2^61-1) for K = {_ranges(res.sizes)}: {res.cases} "
            f"random points, all agree; Schwartz–Zippel: a false identity passes with "
            f"probability ≤ {err:.1e} per case (degree ≤ {res.degree})",
            conditions=conds,
            reason="; ".join(notes) if notes else
            "not proved for every K: the symbolic normal form did not reach 0")
    cx = find_counterexample(lhs, rhs, ctx, sizes=sizes if ctx.size.is_Integer else tuple(
        dict.fromkeys((2, 1, 3, 4, res.disagreement[0]))), seed=seed)
    if cx is None and not value_conditions(ctx.conditions):
        missing = _missing_exactly(lhs, rhs, ctx, sizes, seed)
        if missing:   # what the claim needs, said at once (no search through the whole text)
            return Verdict("unknown", "exact evaluation", conditions=conds, missing=missing,
                           reason=f"holds only under the condition {missing}, which is not "
                                  "stated (checked exactly); no real counterexample confirmed")
        cx = explicit_search(lhs, rhs, ctx, sizes)
    if cx is None:
        return Verdict("unknown", "exact evaluation disagrees, no confirmed counterexample",
                       conditions=conds,
                       reason=f"the sides differ at a random point of GF(p) for K = "
                              f"{res.disagreement[0]}, but no readable real counterexample was "
                              "confirmed (mixed evidence)")
    missing = _missing_condition(lhs, rhs, ctx) if not value_conditions(ctx.conditions) \
        else None
    reason = "the two sides differ at the counterexample"
    if missing:
        reason = f"holds only under the condition {missing}, which is not stated"
    return Verdict("refuted", "counterexample found in exact arithmetic and re-checked with "
                   "explicit sums and SymPy's diff", conditions=conds, counterexample=cx,
                   reason=reason, missing=missing)


def _with_free_data(lhs, rhs, ctx: Context, sizes, seed, conds, notes) -> Verdict | None:
    """The exact route with the definitions no derivative of the claim reaches cut (their
    names free data, see :mod:`.independent`): verified when the sides agree so; a
    difference found so refutes nothing (noted, and the other routes go on)."""
    res = None
    cut = independent_cut(lhs, rhs, ctx)
    if cut is not None:
        free, names = cut
        said = ", ".join(names) + " as free data (no derivative of the claim reaches them)"
        try:
            res = exact_check(lhs, rhs, free, sizes, seed=seed)
        except (Unsupported, CalculusError):
            res = None
    if res is None:
        try:
            got = abstracted(lhs, rhs, ctx)
        except (CalculusError, TypeError, ValueError):
            got = None
        if got is None:
            return None
        (lhs, rhs), free, funcs = got
        said = ("the values of " + ", ".join(funcs) + " as free atoms (taken after "
                "differentiating)")
        try:
            res = exact_check(lhs, rhs, free, sizes, seed=seed)
        except (Unsupported, CalculusError):
            return None
    if res.agree:
        err = (res.degree / PRIME) ** POINTS_PER_CASE
        return Verdict(
            "verified",
            f"exact evaluation in GF(2^61-1) for K = {_ranges(res.sizes)} with {said}, so "
            f"what holds for any values holds for the text's: {res.cases} random points, all agree; Schwartz–Zippel: a "
            f"false identity passes with probability ≤ {err:.1e} per case "
            f"(degree ≤ {res.degree})", conditions=conds,
            reason="not proved for every K: the symbolic normal form did not reach 0")
    missing = None if value_conditions(free.conditions) else (
        _missing_exactly(lhs, rhs, free, sizes, seed))
    if missing:   # the condition the claim needs, found symbolically: said at once
        return Verdict("unknown", "exact evaluation with free data", conditions=conds,
                       missing=missing,
                       reason=f"holds only under the condition {missing}, which is not stated "
                              f"(checked exactly with {said}; not refuted: a counterexample in "
                              "those values may be out of reach of their definitions)")
    notes.append(f"with {said} the sides differ (not a refutation: those values may be "
                 "out of reach of their definitions)")
    return None


def _at_stated_values(lhs, rhs, ctx: Context) -> Verdict | None:
    """A worked example (fixed size, every value stated): both sides as exact numbers by
    SymPy alone (explicit sums, SymPy's diff); None when anything is left free."""
    try:
        a = _explicit(lhs, ctx, {}, {})
        b = _explicit(rhs, ctx, {}, {})
    except (CalculusError, TypeError, ValueError):
        return None
    if a.free_symbols or b.free_symbols or a.has(Partial) or b.has(Partial):
        return None
    d = sympy.simplify(a - b)
    if d == 0:
        return Verdict("proved", "exact arithmetic at the stated values (explicit sums, "
                       "SymPy's diff and simplification to 0)")
    if d.is_number and d.is_zero is False:
        return Verdict("refuted", "exact arithmetic at the stated values (explicit sums, "
                       "SymPy's diff)",
                       counterexample=Counterexample(0, (), (), _tex(sympy.nsimplify(a)),
                                                     _tex(sympy.nsimplify(b)),
                                                     note="at the stated values"),
                       reason="the two sides differ at the stated values")
    return None


def _is_constant(e) -> bool:
    return isinstance(e, sympy.Basic) and not e.free_symbols and not e.atoms(Partial)


def _decide_constant(lhs, rhs) -> Verdict:
    """Numbers (a worked example at its stated values): exact arithmetic decides."""
    d = sympy.simplify(lhs - rhs)
    if d == 0:
        return Verdict("proved", "exact arithmetic at the stated values")
    a, b = sympy.simplify(lhs), sympy.simplify(rhs)
    if d.is_Rational or (d.is_number and d.is_zero is False):
        return Verdict("refuted", "exact arithmetic at the stated values",
                       counterexample=Counterexample(0, (), (), _tex(a), _tex(b),
                                                     note="at the values stated in the text"),
                       reason="the two sides differ at the stated values")
    return Verdict("unknown", "exact arithmetic at the stated values",
                   reason=f"could not decide whether {_tex(d)} is zero")


def _ranges(sizes) -> str:
    """``1…8, 13``: runs of consecutive sizes shortened."""
    s = sorted(set(sizes))
    runs, start = [], 0
    for n in range(1, len(s) + 1):
        if n == len(s) or s[n] != s[n - 1] + 1:
            run = s[start:n]
            runs.append(f"{run[0]}…{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)))
            start = n
    return ", ".join(runs)


def _shape_mismatch(lhs, rhs) -> Verdict | None:
    ls = lhs.shape if isinstance(lhs, sympy.MatrixBase) else None
    rs = rhs.shape if isinstance(rhs, sympy.MatrixBase) else None
    if ls and rs and ls != rs:
        return Verdict("refuted", "shape comparison",
                       counterexample=Counterexample(0, (), (), f"shape {ls[0]}×{ls[1]}",
                                                     f"shape {rs[0]}×{rs[1]}",
                                                     note="the two sides have different shapes"),
                       reason=f"a {ls[0]}×{ls[1]} matrix cannot equal a {rs[0]}×{rs[1]} one")
    return None


def _decide_matrix(lhs, rhs, ctx, **kw) -> Verdict:
    if not (isinstance(lhs, sympy.MatrixBase) and isinstance(rhs, sympy.MatrixBase)):
        return Verdict("unknown", "matrix comparison",
                       reason="one side is a matrix and the other is not")
    entries = []
    for (r, c) in itertools.product(range(lhs.shape[0]), range(lhs.shape[1])):
        v = decide(lhs[r, c], rhs[r, c], ctx, **kw)
        entries.append(((r, c), v))
        if v.status == "refuted":
            cx = v.counterexample
            return Verdict("refuted", f"entrywise: {v.method}", conditions=v.conditions,
                           counterexample=Counterexample(
                               cx.K, cx.indices, cx.values, cx.lhs, cx.rhs,
                               note=f"entry ({r + 1}, {c + 1})"),
                           reason=f"entry ({r + 1}, {c + 1}) differs: {v.reason}")
    statuses = {v.status for _, v in entries}
    for s in ("unknown", "verified", "proved"):
        if s in statuses:
            worst = next(v for _, v in entries if v.status == s)
            return Verdict(s, f"entrywise: {worst.method}", conditions=worst.conditions,
                           reason=worst.reason)
    return Verdict("proved", "entrywise (empty matrices)")
