"""Readable counterexamples: a search at small sizes and simple values, each re-checked by an
independent route (explicit sums, SymPy's own diff, exact arithmetic)."""
from __future__ import annotations

import functools
import random
from fractions import Fraction

import sympy
from sympy import Expr, Indexed, IndexedBase, Sum, Symbol

from .. import calculus
from ..calculus import CalculusError, index_conditions, value_conditions
from ..exact import Evaluator, Unsupported
from ..notation import Context, Partial, SymderivError, base_name, beta, substitute
from .verdict import Counterexample

from .exact_check import _admissible, _assignments, _free_idx, _impose, _size_values, _sizes_of, _tex, prepare


# ---------------------------------------------------------------------------------------
# counterexamples
def _explicit(expr: Expr, ctx: Context, n_sizes: dict, env: dict) -> Expr:
    """The claim side at a concrete size, by SymPy alone: explicit sums, SymPy's diff.

    Remembered: the search tries many points at one size and assignment, and the sides
    written out do not depend on the point."""
    key = (expr, ctx, tuple(n_sizes.items()), tuple(env.items()))
    try:
        hash(key)
    except TypeError:   # a mutable matrix somewhere: not remembered
        return _explicit_now(expr, ctx, n_sizes, env)
    return _explicit_remembered(*key)


@functools.lru_cache(maxsize=256)
def _explicit_remembered(expr, ctx, n_sizes, env):
    return _explicit_now(expr, ctx, dict(n_sizes), dict(env))


@functools.lru_cache(maxsize=64)
def _concrete_context(ctx: Context, n_sizes: tuple) -> Context:
    """*ctx* at concrete sizes: its definitions' sums written out (SymPy's doit)."""
    sub = {s: sympy.Integer(v) for s, v in n_sizes}
    defs = tuple(type(d)(d.target, _written_out(d.rhs, n_sizes)) for d in ctx.definitions)
    ranges = tuple((name, tuple(sympy.sympify(v).xreplace(sub) for v in rng))  # safe: SymPy
                   for name, rng in ctx.ranges)
    return ctx.with_(definitions=defs, size=ctx.size.xreplace(sub), ranges=ranges)


def _written_out(rhs, n_sizes: tuple):
    """A definition's right side at concrete sizes, its sums written out (remembered: a
    document's definitions serve all its formulas)."""
    try:
        return _written_out_remembered(rhs, n_sizes)
    except TypeError:   # a mutable matrix: not remembered
        return rhs.xreplace({s: sympy.Integer(v) for s, v in n_sizes}).doit()


@functools.lru_cache(maxsize=512)
def _written_out_remembered(rhs, n_sizes: tuple):
    return rhs.xreplace({s: sympy.Integer(v) for s, v in n_sizes}).doit()


def _explicit_now(expr: Expr, ctx: Context, n_sizes: dict, env: dict) -> Expr:
    sub = {s: sympy.Integer(v) for s, v in n_sizes.items()}
    try:
        cctx = _concrete_context(ctx, tuple(n_sizes.items()))
    except TypeError:   # not hashable: built here
        cctx = _concrete_context.__wrapped__(ctx, tuple(n_sizes.items()))
    e = calculus.apply_conditions(expr, index_conditions(ctx.conditions))
    e = substitute(e.xreplace(sub), {k: sympy.Integer(v) for k, v in env.items()})
    e = calculus.evaluate_partials(e.doit() if not e.has(Partial) else e, cctx)
    e = calculus.to_leaves(e.xreplace(sub), cctx).doit()
    # a free index a definition shares with the claim (L = -log p_c for the class c) takes
    # the point's value there too
    return substitute(e, {k: sympy.Integer(v) for k, v in env.items()}).doit() if env else e


def _recheck(lhs, rhs, ctx, n_sizes, env, ev) -> tuple | None:
    """Both sides at the point by the independent route; None unless they differ exactly."""
    try:
        a = _explicit(lhs, ctx, n_sizes, env)
        b = _explicit(rhs, ctx, n_sizes, env)
        values = _point(ev)
        a = sympy.simplify(_partial_values(a, ev).xreplace(values))
        b = sympy.simplify(_partial_values(b, ev).xreplace(values))
        left = {x for x in a.free_symbols | b.free_symbols if x.is_integer and x not in env}
        if left and env:   # an index the difference dropped (δ_ij − μ against δ_ij − 1/N):
            at = {x: sympy.Integer(min(env.values())) for x in left}   # one in the range
            a, b = sympy.simplify(a.xreplace(at)), sympy.simplify(b.xreplace(at))
        else:
            at = {}
    except (SymderivError, TypeError, ValueError):
        return None   # no independent confirmation: no refutation
    if a.free_symbols or b.free_symbols or a.has(Partial) or b.has(Partial):
        return None
    if not (_real_at(a) and _real_at(b)):
        return None
    if ctx.positive and not _keeps_domain(_written_domain(ctx, n_sizes, env), values):
        return None   # the point is outside what the formula's logarithms allow
    d = sympy.simplify(a - b)
    if d.is_Rational and d != 0 or d.is_zero is False and d.is_number:
        env.update({x: int(v) for x, v in at.items()})   # shown with the point
        return a, b
    return None


_U_CHOICES = ((1, 1, 1, 1, 1, 1, 1, 1), (1, 2, 3, 4, 5, 6, 7, 8), (2, 1, 1, 1, 1, 1, 1, 1))
_DATA_CHOICES = ((0, 1, 0, 0, 0, 0, 0, 0), (1, 0, 0, 0, 0, 0, 0, 0), (1, 2, 3, 4, 5, 6, 7, 8),
                 (1, 1, 1, 1, 1, 1, 1, 1), (2, -1, 3, 1, 0, 2, 1, 1))


def find_counterexample(lhs, rhs, ctx: Context, sizes=(2, 1, 3, 4), seed=0,
                        tries: int = 44) -> Counterexample | None:
    """A readable point where the sides differ, confirmed by :func:`_recheck`."""
    diff = prepare(lhs - rhs, ctx)
    polys = [prepare(p, ctx) for p in value_conditions(ctx.conditions)]
    idx = _free_idx(diff, ctx)
    size_syms = _sizes_of(diff, ctx)
    # parameters inside exponentials (a temperature τ in e^{z/τ}) take values that keep
    # e^{z/τ} rational at z = ln u: 1/2, 2, 1, ...
    exp_params = sorted({str(s) for a in diff.atoms(sympy.exp) for s in a.exp.free_symbols
                         if not s.is_integer and str(s) != "beta"})
    sizes = _admissible(sizes, sympy.Add(diff, lhs - rhs, evaluate=False), ctx)
    rng = random.Random(seed)
    for n in sizes:
        sv = _size_values(size_syms, n)
        ev = Evaluator(n, "real", sizes=sv)   # compiles diff once per size (reset per point)
        for a in _assignments(idx, n, ctx, sv, 16, rng):
            env = dict(zip(idx, a))
            for t in range(tries):
                params = {name: _EXP_PARAM_VALUES[(t + m) % len(_EXP_PARAM_VALUES)]
                          for m, name in enumerate(exp_params)}
                pattern, b = None, 1 + (t % 2) if t % 5 else 3
                n_patterns = len(_U_CHOICES) * len(_DATA_CHOICES)
                if t // 2 < n_patterns:
                    p = t // 2
                    pattern = (_U_CHOICES[p % len(_U_CHOICES)], _DATA_CHOICES[p // len(_U_CHOICES)])
                    b = 1 + t % 2
                ev.reset(seed + t, pattern=pattern, symbols={"beta": b, **params})
                try:
                    if polys and not _impose(ev, polys, env):
                        return None
                    ev.accessed.clear()
                    val = ev.value(diff, env)
                except (ZeroDivisionError, Unsupported):
                    continue
                if val == 0:
                    continue
                if _mixed_leaves(ev):
                    continue
                checked = _recheck(lhs, rhs, ctx, {s: sv[str(s)] for s in size_syms},
                                   env, ev)
                if checked is None:
                    continue
                return Counterexample(
                    K=n if _uses_size(diff, size_syms, idx) else 0,
                    indices=tuple((str(k), v) for k, v in env.items()),
                    values=_show_values(ev), lhs=_tex(checked[0]), rhs=_tex(checked[1]),
                    size_name=str(size_syms[0]))
    return None


_EXP_PARAM_VALUES = (Fraction(1, 2), 2, 1, Fraction(1, 3))
_SIMPLE_U = ((1, 2, 3, 4), (2, 1, 1, 1), (1, 1, 1, 1))
_SIMPLE_D = ((1, 0, 0, 0), (0, 1, 0, 0), (1, 2, 3, 4), (2, -1, 1, 3), (-1, 2, 1, 3))


def explicit_search(lhs, rhs, ctx: Context, sizes=(2, 1, 3)) -> Counterexample | None:
    """Counterexamples by SymPy alone, for claims the exact evaluator cannot take (logs).

    Both sides are written out at a concrete K (explicit sums, SymPy's diff); leaves get
    simple values (z_m = ln u_m, small integers); SymPy must show the difference non-zero.
    """
    diff = prepare(lhs - rhs, ctx)
    idx = _free_idx(diff, ctx)
    size_syms = _sizes_of(diff, ctx)
    sizes = _admissible(sizes, sympy.Add(diff, lhs - rhs, evaluate=False), ctx)
    for s_ in diff.atoms(Sum):
        for _, lo, hi in s_.limits:
            if any(not (v.is_integer) for v in (lo.free_symbols | hi.free_symbols)):
                return None  # a bound that is not a size: no honest concrete instance
    rng = random.Random(0)
    for n in sizes:
        sv = _size_values(size_syms, n)
        for a in _assignments(idx, n, ctx, sv, 8, rng):
            env = dict(zip(idx, a))
            try:
                ea = _explicit(lhs, ctx, {s: sv[str(s)] for s in size_syms}, env)
                eb = _explicit(rhs, ctx, {s: sv[str(s)] for s in size_syms}, env)
            except (CalculusError, TypeError, ValueError):
                return None
            if sympy.Tuple(ea, eb).atoms(sympy.core.function.AppliedUndef) or \
                    sympy.Tuple(ea, eb).has(sympy.Derivative):
                return None   # f'(·) of an undefined f, d|x|/dx left unevaluated: no value
            # what is differentiated, written out: its logarithms bound the domain too
            # (d/dx log(-x) is 1/x, but only where -x > 0)
            try:
                dom = [_explicit(p.f, ctx, {s: sv[str(s)] for s in size_syms}, env)
                       for side in (lhs, rhs) if isinstance(side, sympy.Basic)
                       for p in side.atoms(Partial)]
            except (CalculusError, TypeError, ValueError):
                return None
            written = _written_domain(ctx, {s: sv[str(s)] for s in size_syms}, env)
            if written is None:
                return None
            exps = {e.args[0].as_coeff_Mul()[1] for e in (ea - eb).atoms(sympy.exp)}
            # products in exponents (e^{Σ w_k x_k}): one of their names at 0, the rest data
            zeros = [None] + sorted({base_name(a) for x in exps if not x.is_Atom
                                     and any(isinstance(t, sympy.Mul) for t in
                                             sympy.Add.make_args(x))
                                     for a in x.atoms(Indexed)})
            for us, ds, zero in [(u, d, z) for z in zeros for u in _SIMPLE_U
                                 for d in _SIMPLE_D]:
                if zero is not None and us != _SIMPLE_U[0]:
                    continue   # the exponents' other names take the data values
                values, shown = _simple_point(sympy.Tuple(ea, eb, *dom, *written[1]),
                                              exps, us, ds, zero)
                va = sympy.simplify(_subs_partials(ea, values).xreplace(values))
                vb = sympy.simplify(_subs_partials(eb, values).xreplace(values))
                if va.free_symbols or vb.free_symbols:
                    continue
                if not (_in_domain(ea, values) and _in_domain(eb, values)
                        and all(_in_domain(x, values) for x in dom)
                        and _keeps_domain(written, values)
                        and _real_at(va) and _real_at(vb)):
                    continue   # a log of a non-positive number: outside the formula
                d = sympy.simplify(va - vb)
                if d.is_number and d.is_zero is False:
                    return Counterexample(
                        K=n if _uses_size(diff, size_syms, idx) else 0,
                        indices=tuple((str(k), v) for k, v in env.items()),
                        values=shown, lhs=_tex(va), rhs=_tex(vb),
                        size_name=str(size_syms[0]))
    return None


def _real_at(v) -> bool:
    """A side's value is a real number (a log of a negative number is not a counterexample:
    the formula is not defined there)."""
    return bool(v.is_number and v.is_extended_real and not v.has(sympy.zoo, sympy.nan))


def _written_domain(ctx: Context, n_sizes: dict, env: dict):
    """What the formulas take the logarithm of as written (``e^{\\log x}`` reads as x, but
    only x > 0 is meant): (bases whose entries must be positive, explicit expressions that
    must be positive), or None when one cannot be written out."""
    from ..functions import expand_functions   # s(w^T x) with the text's s = σ
    bases, exprs = set(), []
    for p in (expand_functions(q, ctx) for q in ctx.positive):
        if isinstance(p, Indexed):
            bases.add(p.base)
            continue
        try:
            exprs.append(_explicit(p, ctx, n_sizes, env))
        except (SymderivError, TypeError, ValueError):
            return None
    return bases, exprs


def _keeps_domain(domain, values) -> bool:
    if domain is None:
        return False
    bases, exprs = domain
    for leaf, v in values.items():
        if isinstance(leaf, Indexed) and leaf.base in bases and not (v.is_number and v > 0):
            return False
    for e in exprs:
        if isinstance(e, sympy.core.function.AppliedUndef) and \
                str(e.func) in ("softmax", "Softmax", "SoftMax"):
            continue   # softmax(z) (a name defined so): every entry is positive, at any z
        got = sympy.simplify(_subs_partials(e, values).xreplace(values))
        if not (got.is_number and got.is_positive):
            return False
    return True


def _in_domain(e, values) -> bool:
    """Every logarithm of *e* has a positive argument, every root a non-negative one, and no
    kink sits at the point (ReLU' at 0: SymPy's H(0) = 1/2 is a convention, not a value)."""
    for a in e.atoms(sympy.Heaviside, sympy.DiracDelta, sympy.sign):
        arg = sympy.simplify(_subs_partials(a.args[0], values).xreplace(values))
        if not (arg.is_number and arg.is_zero is False):
            return False
    for a in e.atoms(sympy.log):
        arg = sympy.simplify(_subs_partials(a.args[0], values).xreplace(values))
        if not (arg.is_number and arg.is_positive):
            return False
    for p in e.atoms(sympy.Pow):
        if not p.exp.is_integer:
            base = sympy.simplify(_subs_partials(p.base, values).xreplace(values))
            if not (base.is_number and base.is_nonnegative):
                return False
    return True


def _simple_point(e, exp_args, us, ds, zero=None):
    """Values for the leaves of an explicit expression, and how to show them.  *zero*: a
    name whose entries are 0, the other leaves of the exponents then data (e^{w·x} at w = 0
    is 1 whatever x is)."""
    values, shown = {}, {}
    logs = set()
    for arg in exp_args:
        logs |= {a for a in arg.atoms(Indexed)}
    nu = nd = 0
    for leaf in sorted(e.atoms(Indexed), key=sympy.default_sort_key):
        name = base_name(leaf)
        if zero is not None and leaf in logs:
            if name == zero:
                values[leaf] = sympy.Integer(0)
                shown.setdefault(name, []).append("0")
                continue
            v = ds[nd % len(ds)]
            nd += 1
            values[leaf] = sympy.Integer(v)
            shown.setdefault(name, []).append(str(v))
            continue
        if leaf in logs:
            u = us[nu % len(us)]
            nu += 1
            values[leaf] = sympy.log(u)
            shown.setdefault(name, []).append("0" if u == 1 else f"ln {u}")
        else:
            v = ds[nd % len(ds)]
            nd += 1
            values[leaf] = sympy.Integer(v)
            shown.setdefault(name, []).append(str(v))
    for p in sorted(e.atoms(Partial), key=sympy.default_sort_key):
        v = ds[nd % len(ds)]
        nd += 1
        values[p] = sympy.Integer(v)
        shown.setdefault(sympy.latex(p), []).append(str(v))
    labels = {a.base.label for a in e.atoms(Indexed)}
    for sym in sorted(e.free_symbols - set(values) - labels, key=str):
        if isinstance(sym, Symbol) and not sym.is_integer:
            # a plain name takes the data values too (log x = 2 log x fails only at x ≠ 1)
            v = 1 if sym.name == "beta" else ds[nd % len(ds)]
            nd += 1
            values[sym] = sympy.Integer(v)
            shown.setdefault("β" if sym.name == "beta" else sym.name, []).append(str(v))
    return values, tuple((k, "(" + ", ".join(v) + ")" if len(v) > 1 else v[0])
                         for k, v in shown.items())


def _subs_partials(e, values):
    return e.xreplace({p: v for p, v in values.items() if isinstance(p, Partial)})


def _uses_size(diff, size_syms, idx) -> bool:
    """Does the claim depend on a size symbol (sums, indices, the size itself)?"""
    if not any(isinstance(s, Symbol) and s.is_positive for s in size_syms):
        return False
    return bool(idx) or bool(diff.atoms(Sum)) or bool(set(size_syms) & diff.free_symbols)


def _mixed_leaves(ev) -> bool:
    """In real mode a leaf used both as z_m = ln u_m and as a plain value is inconsistent."""
    us = {k[1:] for k in ev.leaves if k and k[0] == "u" and len(k) == 3}
    return any(k in us for k in ev.leaves)


def _point(ev) -> dict:
    """The evaluator's point as SymPy values: z_m = ln u_m, data, scalars, opaque ∂L/∂y_m."""
    def q(v):
        return sympy.Rational(v.numerator, v.denominator)
    out = {}
    for key, v in ev.leaves.items():
        if key[0] == "u" and len(key) == 3:   # not the entries of a vector the text calls u
            out[IndexedBase(key[1])[key[2]]] = sympy.log(q(v))
        elif "/" not in key[0]:
            out[IndexedBase(key[0])[key[1]]] = q(v)
    for name, v in ev.symbols.items():
        sym = beta if name == "beta" else Symbol(name)
        out[sym] = q(Fraction(v))
    return out


def _partial_values(e: Expr, ev) -> Expr:
    """Replace opaque ∂L/∂y_m nodes by the evaluator's values for them."""
    rep = {}
    for p in e.atoms(Partial):
        key = (str(sympy.latex(p.f)) + "/" + base_name(p.x),
               tuple(int(i) for i in getattr(p.x, "indices", ())))
        if key in ev.leaves:
            v = Fraction(ev.leaves[key])
            rep[p] = sympy.Rational(v.numerator, v.denominator)
    return e.xreplace(rep)


def _show_values(ev) -> tuple:
    groups: dict = {}
    for key, v in sorted(ev.leaves.items(), key=lambda kv: repr(kv[0])):
        if key[0] == "u" and len(key) == 3:
            name, idx = key[1], key[2]
            shown = "0" if v == 1 else f"ln {v}"
            groups.setdefault(name, []).append((idx, shown))
        elif "/" in key[0]:
            groups.setdefault(r"\partial " + key[0].replace("/", r"/\partial "), []).append(
                (key[1], str(v)))
        else:
            groups.setdefault(key[0], []).append((key[1], str(v)))
    out = []
    for name, items in groups.items():
        items.sort()
        if all(len(i) == 1 for i, _ in items):
            out.append((name, "(" + ", ".join(s for _, s in items) + ")"))
        else:
            out.append((name, ", ".join(f"{name}{list(i)} = {s}" for i, s in items)))
    used = {k[1] for k in ev.accessed if k[0] == "sym"}
    for name, v in sorted(ev.symbols.items()):
        if name in used:
            out.append(("β" if name == "beta" else name, str(v)))
    return tuple(out)
