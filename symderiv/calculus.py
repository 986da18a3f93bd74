"""Index calculus: differentiation through a definitions graph, Σ·δ collapse, folding, normal forms.

SymPy differentiates index notation correctly (``diff(Sum(e^{z_k}), z[j])`` gives
``Sum(e^{z_k} δ_jk)``) but stops there: ``doit`` turns the sum into a ``Piecewise`` on ``j <= K``
even for declared integer indices.  The rules here finish the job under the context's
index ranges, without ever calling ``doit`` on a symbolic-K sum:

* :func:`total_diff` – ∂expr/∂x by the ML convention (x may be an intermediate node).
* :func:`collapse` – Σ_k f(k)·δ_{k e} → f(e) when e lies in the summation range; linear sums
  are split and constant factors pulled out.
* :func:`fold` – rewrite leaves back into a defined node (e^{βz_i}/Σ e^{βz_k} → y_i).
* :func:`normal_form` – a canonical rational form whose vanishing proves an identity for all K.

>>> from sympy import IndexedBase, Sum, exp
>>> from symderiv.notation import index, K
>>> z = IndexedBase('z'); j, k = index('j'), index('k')
>>> collapse(total_diff(Sum(z[k]**2, (k, 1, K)), z[j], Context()), Context())
2*z[j]
"""
from __future__ import annotations

import functools
from typing import Iterable

import sympy
from sympy import (Add, Expr, Indexed, IndexedBase, KroneckerDelta, Mul, Pow, Sum,
                   Symbol, exp, log)

from .logarithms import expand_logs
from .notation import (Context, Partial, rebuild, SymderivError, base_name, fresh_index, index,
                       rename_bound, substitute)

__all__ = [
    "CalculusError", "expand_definitions", "total_diff", "evaluate_partials", "collapse",
    "normal_form", "to_leaves", "apply_conditions", "split_exp", "canonical_sums",
    "free_indices", "is_zero",
]


class CalculusError(NotImplementedError, SymderivError):
    """A construct the index calculus does not handle (named in the message)."""


# ---------------------------------------------------------------------------------------
# walking expressions without entering opaque derivative nodes (notation.rebuild)
_map = rebuild


def bound_symbols(expr) -> set:
    out = set()
    for s in expr.atoms(Sum, sympy.Product):
        out |= {lim[0] for lim in s.limits}
    return out


def free_indices(expr) -> set:
    """Integer symbols free in *expr* (its indices, and the size if it is one)."""
    return {s for s in expr.free_symbols if s.is_integer and isinstance(s, Symbol)}


# ---------------------------------------------------------------------------------------
# definitions
def expand_definitions(expr: Expr, ctx: Context, keep: Iterable[str] = ()) -> Expr:
    """Replace every defined node by its definition, recursively, except names in *keep*.

    Opaque derivatives of generic quantities (∂L/∂y_j with L undefined) are not entered.
    """
    keep = set(keep)

    def fn(e):
        if isinstance(e, Indexed) and base_name(e) not in keep:
            d = ctx.definition(base_name(e))
            if d is not None and isinstance(d.rhs, sympy.MatrixBase):
                # a vector given by its value: entry i (counted from ctx.lower)
                if len(e.indices) == 1 and e.indices[0].is_Integer:
                    pos = int(e.indices[0]) - int(ctx.lower)
                    values = list(d.rhs)
                    if not 0 <= pos < len(values):
                        raise CalculusError(f"{e} is outside the {len(values)} given values")
                    return values[pos]
                return e
            entry = _vector_function_entry(d, e, ctx) if d is not None else None
            if entry is not None:   # y = softmax(z) beside y_i: entry i of softmax(z)
                return expand_definitions(entry, ctx, keep)
            if d is not None:
                return expand_definitions(d.instantiate(e.indices), ctx, keep)
        elif isinstance(e, Symbol) and str(e) not in keep:
            d = ctx.definition(str(e))
            if d is not None and not d.indices:
                return expand_definitions(d.rhs, ctx, keep)
        elif isinstance(e, IndexedBase):
            d = ctx.definition(str(e.label))
            if d is not None and str(e.label) not in keep and \
                    not isinstance(d.rhs, sympy.MatrixBase):
                raise CalculusError(
                    f"{e.label} is used as a whole vector; write it with an index "
                    f"(e.g. {e.label}_i) so its definition can be applied")
        return e

    return _map(expr, fn)


def _ancestors(ctx: Context, name: str) -> set[str]:
    """Everything *name* depends on, transitively, through definitions and generics."""
    g = ctx.graph()
    out, todo = set(), [name]
    while todo:
        for dep in g.get(todo.pop(), ()):
            if dep not in out:
                out.add(dep)
                todo.append(dep)
    return out


def depends(ctx: Context, name: str, on: str) -> bool:
    return on in _ancestors(ctx, name)


# ---------------------------------------------------------------------------------------
# differentiation
def total_diff(expr: Expr, x, ctx: Context) -> Expr:
    """∂expr/∂x where x is a symbol or an indexed entry, by the ML convention.

    Definitions are expanded except for x's own node and what it is built from (so ∂L/∂y_j
    treats y as independent variables even though y is defined from z).  Generic quantities
    (an undefined L of y) are differentiated by the chain rule, leaving ∂L/∂y_m opaque:
    ∂L/∂z_j = Σ_m ∂L/∂y_m · ∂y_m/∂z_j.
    """
    expr = evaluate_partials(expr, ctx)
    xname = base_name(x)
    keep = ({xname} | _ancestors(ctx, xname)) if ctx.definition(xname) or \
        ctx.depends_on(xname) else set()
    body = expand_definitions(expr, ctx, keep=keep)
    for p in body.atoms(Partial):
        g = base_name(p.f)
        if depends(ctx, g, xname) and base_name(p.x) != xname:
            raise CalculusError(
                f"differentiating {p} with respect to {x} needs second derivatives of the "
                f"generic {g}, which symderiv does not model")
    generics = [s for s in body.free_symbols if ctx.depends_on(str(s))]
    generics += [b for b in {e.base for e in body.atoms(Indexed)} if ctx.depends_on(str(b.label))]
    if isinstance(x, IndexedBase) or isinstance(x, Symbol) and any(
            base_name(e) == xname for e in body.atoms(Indexed)):
        _vector_diff_error(x)   # ∂E/∂y of E in y's entries y_k: never 0
    if isinstance(x, Indexed):
        for f in body.atoms(sympy.core.function.AppliedUndef):
            # entries inside the argument (f(Σ_k X_mk W_k), a scalar function of a scalar)
            # are differentiated by the chain rule; the bare name is the whole vector
            bare = [arg.xreplace({e: sympy.Dummy() for e in arg.atoms(Indexed)})
                    for arg in f.args]
            if any(isinstance(a, (Symbol, IndexedBase)) and base_name(a) == xname
                   for arg in bare for a in sympy.preorder_traversal(arg)):
                # f(z) of the whole vector z, differentiated by an entry z_j: its value is
                # not 0, and nothing says what it is
                raise CalculusError(
                    f"{f} is a function of the whole vector {xname} that nothing defines: "
                    f"its derivative by {x} is unknown (define {f.func})")
    body = rename_bound(body, set(x.free_symbols))
    result = sympy.diff(body, x)  # generic symbols are constants to SymPy; chained below
    for g in generics:
        if isinstance(g, IndexedBase):
            raise CalculusError(f"generic indexed quantity {g} is not supported")
        if g == x:
            continue
        outer = sympy.diff(body, g)
        if outer == 0:
            continue
        result += outer * _generic_diff(g, x, ctx)
    return primed(result)


def primed(expr: Expr) -> Expr:
    """SymPy's derivatives of an undefined function written as the text writes them:
    Subs(Derivative(f(ξ), ξ), ξ, u) and Derivative(f(u), u) → f'(u) (a name of its own)."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Derivative):
        return expr

    def as_primed(d, at):
        if not (isinstance(d, sympy.Derivative) and isinstance(
                d.expr, sympy.core.function.AppliedUndef) and len(d.expr.args) == 1
                and len(d.variables) >= 1 and set(d.variables) == {d.expr.args[0]}):
            return None
        name = str(d.expr.func) + "'" * len(d.variables)
        return sympy.Function(name)(at)

    def fn(e):
        if isinstance(e, sympy.Subs):   # its derivative already written f'(ξ): at the point
            return e if e.expr.has(sympy.Derivative) else e.doit()
        if isinstance(e, sympy.Derivative):
            got = as_primed(e, e.expr.args[0]) if e.expr.args else None
            return got if got is not None else e
        return e
    return _map(expr, fn)


def _vector_diff_error(x):
    raise CalculusError(
        f"∂/∂{x} with respect to a whole vector or matrix: write the claim per entry "
        f"(e.g. ∂L/∂{x}_j) so it can be checked")


def _generic_diff(g: Symbol, x, ctx: Context) -> Expr:
    """d g / d x for a generic g of vectors: opaque partials, chained through definitions."""
    xname = base_name(x)
    total = sympy.S.Zero
    for dep in ctx.depends_on(str(g)):
        if dep == xname:
            total += Partial(g, x)
            continue
        if not (dep == xname or depends(ctx, dep, xname)):
            continue
        d = ctx.definition(dep)
        if d is None or not d.indices:
            raise CalculusError(
                f"chain rule through {dep}: only vectors and matrices defined per entry are "
                "supported")
        avoid = (x.free_symbols if hasattr(x, "free_symbols") else set()) | {Symbol(dep)}
        ms = []
        for _ in d.indices:
            ms.append(fresh_index(index("m"), avoid | set(ms)))
        ym = IndexedBase(dep)[tuple(ms)]
        inner = total_diff(ym, x, ctx)
        limits = [(m, *ctx.range_of(k)) for m, k in zip(ms, d.indices)]
        total += Sum(Partial(g, ym) * inner, *limits)
    return total


def _value_only(g, x, ctx: Context) -> None:
    """``∂A/∂Z`` written where A is known only by a stated value (``A = (0.5, 0.5)``): the
    writer says A depends on Z, and its value at one point says nothing about how; the
    derivative is not 0, it is undetermined."""
    if not isinstance(g, (Symbol, Indexed, IndexedBase)) or base_name(g) == base_name(x):
        return
    d = ctx.definition(base_name(g))
    if d is None:
        return
    rhs = d.rhs
    if isinstance(rhs, sympy.MatrixBase) or (isinstance(rhs, Expr) and rhs.is_number):
        raise CalculusError(f"{base_name(g)} is known here only by its stated value: its "
                            f"derivative by {x} is not determined (define {base_name(g)} as "
                            "a function)")


def evaluate_partials(expr: Expr, ctx: Context) -> Expr:
    """Replace every Partial node by its value (opaque only for generic ∂L/∂y_j)."""
    def fn(e):
        if isinstance(e, Partial):
            g = e.f
            if g == e.x:
                return sympy.S.One   # ∂x/∂x, whatever x depends on
            _value_only(g, e.x, ctx)
            if isinstance(g, Symbol) and ctx.depends_on(str(g)) and \
                    base_name(e.x) in ctx.depends_on(str(g)):
                return e  # ∂L/∂y_j for a generic L of y: a primitive quantity
            return total_diff(g, e.x, ctx)
        return e
    return _map(expr, fn, into_partials=False)


# ---------------------------------------------------------------------------------------
# Σ and δ
def _in_range(e: Expr, lo: Expr, hi: Expr, ctx: Context) -> bool:
    """Is e certainly within [lo, hi]?  Free index symbols range over ctx's range."""
    if e.is_Integer:
        lo_ok = (lo - e).is_nonpositive
        hi_ok = (hi - e).is_nonnegative
        if lo_ok is None:
            lo_ok = sympy.simplify(lo - e).is_nonpositive
        if hi_ok is None:
            hi_ok = (hi - e).subs(ctx.size, ctx.size).is_nonnegative
        return bool(lo_ok) and bool(hi_ok)
    if isinstance(e, Symbol) and e.is_integer:
        # an index: it ranges over its declared range (default [ctx.lower, ctx.upper])
        elo, ehi = ctx.range_of(e)
        return bool((lo - elo).is_nonpositive) and bool((hi - ehi).is_nonnegative)
    return False


def _split_factors(term: Expr, var: Symbol):
    """term = c * f with c free of var."""
    c, f = [], []
    for a in Mul.make_args(term):
        (f if a.has(var) else c).append(a)
    return Mul(*c), Mul(*f)


def collapse(expr: Expr, ctx: Context) -> Expr:
    """Collapse Σ_k f(k)·δ_{k,e} → f(e) (e in range), split linear sums, pull constants out.

    Sums whose bound variable does not occur become (hi - lo + 1)·f.
    """
    def one(body, v, lo, hi):
        out = []
        for term in Add.make_args(sympy.expand(body)):
            c, f = _split_factors(term, v)
            out.append(c * _collapse_one(f, v, lo, hi, ctx))
        return Add(*out)

    def fn(e):
        if not isinstance(e, Sum):
            return e
        body = e.function          # innermost limit first (SymPy merges nested sums)
        for v, lo, hi in e.limits:
            body = one(body, v, lo, hi)
        return body
    return _map(expr, fn)


def _collapse_one(f: Expr, v, lo, hi, ctx) -> Expr:
    if not f.has(v):
        return (hi - lo + 1) * f
    for a in Mul.make_args(f):
        base, power = (a.base, a.exp) if isinstance(a, Pow) else (a, sympy.S.One)
        if isinstance(base, KroneckerDelta) and power.is_positive and power.is_integer:
            p, q = base.args
            other = q if p == v else p if q == v else None
            if other is None or other.has(v):
                continue
            if _in_range(other, lo, hi, ctx):
                rest = f / a
                return substitute(rest, {v: other})
            if other.is_Integer and (sympy.simplify(other - lo).is_negative or
                                     sympy.simplify(hi - other).is_negative):
                return sympy.S.Zero
    return Sum(f, (v, lo, hi))


def delta_normalize(expr: Expr, ctx: Context) -> Expr:
    """In each term with δ_{ab} (a, b free indices) substitute b → a in the rest of the term."""
    terms = []
    for term in Add.make_args(sympy.expand(expr)):
        for _ in range(8):
            deltas = [a for a in Mul.make_args(term)
                      if isinstance(a.base if isinstance(a, Pow) else a, KroneckerDelta)]
            if not deltas:
                break
            d = deltas[0]
            d0 = d.base if isinstance(d, Pow) else d
            p, q = sorted(d0.args, key=sympy.default_sort_key)
            rest = Mul(*[a for a in Mul.make_args(term) if a is not d])
            if isinstance(q, Symbol):
                new_rest = substitute(rest, {q: p})
            elif isinstance(p, Symbol):
                new_rest = substitute(rest, {p: q})
            else:
                break
            if new_rest == rest:
                term = d0 * rest
                break
            term = d0 * new_rest
        terms.append(term)
    return Add(*terms)


# ---------------------------------------------------------------------------------------
# exp splitting and canonical sums
def split_exp(expr: Expr) -> Expr:
    """exp(a + b) → exp(a)·exp(b); exp(n·x) → exp(x)^n for integers n; exp(log u) → u."""
    def fn(e):
        if isinstance(e, exp):
            arg = sympy.expand(e.args[0])
            factors = []
            for t in Add.make_args(arg):
                c, rest = t.as_coeff_Mul()
                if isinstance(rest, log):
                    factors.append(rest.args[0] ** c)
                elif c.is_Integer and c != 1 and rest != 1:
                    factors.append(Pow(exp(rest, evaluate=False), c, evaluate=False))
                elif rest == 1:
                    factors.append(sympy.exp(c))
                else:
                    factors.append(exp(t, evaluate=False))
            return Mul(*factors)
        return e
    return _map(expr, fn)


def canonical_sums(expr: Expr) -> Expr:
    """Rename bound variables canonically (by nesting depth) so equal sums compare equal."""
    def walk(e, depth):
        # outermost limit first (SymPy merges nested sums); a product binds its index the
        # same way (Π_k Σ_j W_kj x_j: renaming the inner j to the product's name captured it)
        if isinstance(e, (Sum, sympy.Product)):
            body, limits = e.function, []
            for n, (v, lo, hi) in enumerate(reversed(e.limits)):
                new = index(f"_s{depth + n}")
                body = body.xreplace({v: new})
                limits.append((new, lo, hi))
            body = walk(body, depth + len(limits))
            return type(e)(body, *reversed(limits))
        if not e.args or isinstance(e, (Indexed, Symbol)):
            return e
        args = [walk(a, depth) for a in e.args]
        return e.func(*args) if any(a is not b for a, b in zip(args, e.args)) else e
    return walk(expr, 0)


# ---------------------------------------------------------------------------------------
# conditions
def apply_conditions(expr: Expr, conditions) -> Expr:
    """Case conditions on indices: i = j substitutes, i ≠ j turns δ_ij into 0."""
    for c in conditions:
        if isinstance(c, sympy.Eq) and _is_index_pin(c):
            idx, value = (c.lhs, c.rhs) if isinstance(c.lhs, Symbol) else (c.rhs, c.lhs)
            expr = substitute(expr, {idx: value})
        elif isinstance(c, sympy.Eq) and all(isinstance(a, Symbol) and a.is_integer
                                             for a in c.args):
            a, b = sorted(c.args, key=sympy.default_sort_key)
            expr = substitute(expr, {b: a})
        elif isinstance(c, sympy.Ne) and all(isinstance(a, Symbol) and a.is_integer
                                             for a in c.args):
            p, q = c.args
            expr = expr.xreplace({KroneckerDelta(p, q): sympy.S.Zero, KroneckerDelta(q, p): sympy.S.Zero})
    return expr


def _is_index_pin(c) -> bool:
    """``i = 2``: an index (integer, not a size) equal to an integer."""
    a, b = c.args
    if isinstance(b, Symbol):
        a, b = b, a
    return (isinstance(a, Symbol) and a.is_integer and not a.is_positive
            and isinstance(b, sympy.Integer))


def index_conditions(conditions) -> tuple:
    """Conditions between indices (i = j, i ≠ j) or pinning one (i = 2)."""
    return tuple(c for c in conditions if isinstance(c, (sympy.Eq, sympy.Ne)) and
                 (all(isinstance(a, Symbol) and a.is_integer for a in c.args)
                  or (isinstance(c, sympy.Eq) and _is_index_pin(c))))


def value_conditions(conditions) -> tuple:
    """Conditions on values (e.g. Σ_k t_k = 1), as expressions that vanish."""
    out = []
    for c in conditions:
        if c in index_conditions((c,)):
            continue
        if isinstance(c, sympy.Eq):
            out.append(c.lhs - c.rhs)
    return tuple(out)


# ---------------------------------------------------------------------------------------
# normal form
def _memoized(fn):
    """*fn(expr, ctx)* remembered for the last few hundred arguments (a claim's sides go
    through it several times: the symbolic route, the exact one, the counterexample search).
    Pure functions of immutable arguments only; an error is remembered too (raised anew)."""
    @functools.lru_cache(maxsize=256)
    def remembered(expr, ctx):
        try:
            return fn(expr, ctx), None
        except CalculusError as err:
            return None, (type(err), err.args)

    @functools.wraps(fn)
    def call(expr, ctx):
        try:
            hash((expr, ctx))
        except TypeError:   # a mutable matrix somewhere: not remembered
            return fn(expr, ctx)
        value, err = remembered(expr, ctx)
        if err is not None:
            raise err[0](*err[1])
        return value
    call.cache_clear = remembered.cache_clear
    return call


@_memoized
def to_leaves(expr: Expr, ctx: Context) -> Expr:
    """Partials evaluated and definitions expanded down to the leaves — twice when a
    definition is itself a derivative (J_ij = ∂y_i/∂z_j)."""
    e = expand_definitions(evaluate_partials(expr, ctx), ctx)
    if e.has(Partial):
        e = expand_definitions(evaluate_partials(e, ctx), ctx)
    return e


@_memoized
def normal_form(expr: Expr, ctx: Context) -> Expr:
    """A canonical rational expression equal to *expr* for every K (under ctx's conditions).

    Partials are evaluated, definitions expanded to the leaves, exponentials split, sums
    collapsed and split, bound variables renamed canonically, δ's normalised, and the result
    brought over a common denominator and cancelled.  ``normal_form(e) == 0`` proves e = 0.
    """
    e = to_leaves(expr, ctx)
    e = apply_conditions(e, index_conditions(ctx.conditions))
    e = split_exp(e)
    if e.has(log):
        e = expand_logs(e)
    e = collapse(e, ctx)
    e = apply_conditions(e, index_conditions(ctx.conditions))
    e = canonical_sums(e)
    e = delta_normalize(e, ctx)
    e = apply_conditions(e, index_conditions(ctx.conditions))
    e = collapse(e, ctx)
    e = canonical_sums(e)
    e, back = _numeric_exps_apart(e)
    e = sympy.cancel(sympy.together(e))
    e = delta_normalize(sympy.numer(e), ctx) / sympy.denom(e)
    return sympy.cancel(e).xreplace(back) if back else sympy.cancel(e)


def _numeric_exps_apart(e: Expr) -> tuple[Expr, dict]:
    """``e^{-14197/12500}`` as an opaque positive number while cancelling: SymPy's polynomials
    would take it as the 14197th power of e^{1/12500} (a worked example's decimals) and the
    gcd runs for minutes.  Numbers whose exponents differ by a multiple of one of them and a
    fraction of a small denominator share one opaque number c (``e^{-14197/6250} = c^2``,
    ``e^{10803/12500} = c e^2``: a worked example's value and its powers, one variable for the
    gcd); other relations between them are not used (a proof may be missed, never a wrong one:
    the normal form is only trusted when it is 0)."""
    big = [a for a in e.atoms(exp, Pow) if (a.func is exp and a.args[0].is_Rational or
                                           a.is_Pow and a.base is sympy.E and
                                           a.exp.is_Rational) and
           sympy.Rational(a.args[0] if a.func is exp else a.exp).q > 12]
    if not big:
        return e, {}
    there, back = {}, {}
    bases: list = []   # (exponent r0, its Dummy): e^{n r0 + s} = c^n e^{s}, s of a small q
    for a in sorted(big, key=lambda a: (-_exponent(a).q, abs(_exponent(a).p))):
        r = _exponent(a)
        for r0, c in bases:
            n = next((n for n in range(-12, 13) if n and (r - n * r0).q <= 12), None)
            if n is not None:
                there[a] = c ** n * exp(r - n * r0)
                break
        else:
            c = sympy.Dummy("c", positive=True)
            bases.append((r, c))
            there[a], back[c] = c, a
    return e.xreplace(there), back


def _exponent(a) -> sympy.Rational:
    return sympy.Rational(a.args[0] if a.func is exp else a.exp)


def reduce_by(expr: Expr, polys: tuple, ctx: Context) -> Expr:
    """The numerator of *expr* reduced modulo the value conditions (each = 0)."""
    if not polys:
        return expr
    expr, back = _numeric_exps_apart(expr)
    if back:
        return reduce_by(expr, polys, ctx).xreplace(back)
    num, _ = sympy.fraction(sympy.cancel(expr))
    conds = [sympy.numer(normal_form(p, ctx)) for p in polys]
    gens = sorted((num.free_symbols | set().union(*[c.free_symbols for c in conds]))
                  - set(), key=sympy.default_sort_key)
    atoms = set()
    for c in [num, *conds]:
        atoms |= {a for a in c.atoms(Sum, Indexed, exp, log, KroneckerDelta, Partial)}
    gens = list(atoms) + [s for s in gens if not any(s in a.free_symbols for a in atoms)]
    if not gens:
        return num
    # Soundness: a condition must be a polynomial in the generators alone.  A symbol left
    # out (it also sits inside an atom) would act as a coefficient, and dividing by a
    # "constant" condition would reduce anything to 0.
    usable = []
    for c in conds:
        c = sympy.expand(c)
        try:
            poly = sympy.Poly(c, *gens)
        except sympy.PolynomialError:
            continue
        if poly.total_degree() > 0 and not poly.free_symbols_in_domain:
            usable.append(c)
    if not usable:
        return num
    try:
        _, rem = sympy.reduced(sympy.expand(num), usable, *gens, order="lex")
    except (sympy.PolynomialError, sympy.polys.polyerrors.PolificationFailed,
            ZeroDivisionError) as err:
        raise CalculusError(f"cannot use the condition: {err}") from err
    return sympy.expand(rem)


def is_zero(expr: Expr, ctx: Context) -> bool:
    """True when *expr* is proved identically 0 for every K under ctx (never a guess)."""
    nf = normal_form(expr, ctx)
    if nf == 0:
        return True
    polys = value_conditions(ctx.conditions)
    return bool(polys) and reduce_by(nf, polys, ctx) == 0


def _vector_function_entry(d, e, ctx: Context):
    """``y = softmax(z)`` (a whole-vector definition by a catalogue vector function of one
    vector name) used as ``y_i``: entry i of softmax(z), ``e^{z_i} / Σ_k e^{z_k}``; else None."""
    from .vocabulary import VECTOR_FUNCTIONS, vector_function
    rhs = d.rhs
    if d.indices or len(e.indices) != 1 or not isinstance(
            rhs, sympy.core.function.AppliedUndef) or str(rhs.func) not in VECTOR_FUNCTIONS \
            or len(rhs.args) != 1 or any(str(rhs.func) == name for name, _, _ in ctx.functions) \
            or ctx.definition(str(rhs.func)) is not None:
        return None
    arg = rhs.args[0]
    if isinstance(arg, IndexedBase):
        arg = Symbol(str(arg.label))
    if not isinstance(arg, Symbol):
        return None
    return vector_function(str(rhs.func), (arg, e.indices[0]), ctx)
