"""Rewriting steps of a derivation: Σ·δ collapse that keeps factors together, folding back
into the document's names, and a canonical readable form.

Every function here returns an expression *equal* to its input (the derivation checks each
step with :mod:`symderiv.verify`, so a rewrite that is not an identity is caught there).

>>> from sympy import IndexedBase, KroneckerDelta, Sum
>>> from symderiv.notation import Context, index, K
>>> y, t = IndexedBase('y'), IndexedBase('t'); m, k = index('m'), index('k')
>>> collapse(Sum((y[m] - t[m]) * (1 - y[m]**2) * KroneckerDelta(m, k), (m, 1, K)), Context())
(1 - y[k]**2)*(-t[k] + y[k])
"""
from __future__ import annotations

import sympy
from sympy import Add, Dummy, Expr, Indexed, IndexedBase, KroneckerDelta, Mul, Pow, Sum, Symbol

from .. import calculus
from ..notation import Context, Partial, base_name, fresh_index, index, substitute

__all__ = ["collapse", "fold", "canonical", "merge_sums", "topological"]


# ---------------------------------------------------------------------------------------
# Σ·δ collapse
def _delta_partner(f: Expr, v) -> tuple | None:
    """(the δ factor, the index it pins v to) for a factor δ_{v e} of the product f."""
    for a in Mul.make_args(f):
        if isinstance(a, KroneckerDelta):
            p, q = a.args
            other = q if p == v else p if q == v else None
            if other is not None and not other.has(v):
                return a, other
    return None


def _collapse_sum(body: Expr, limits, ctx: Context) -> Expr:
    """Σ over *limits* (a list of (v, lo, hi)) of *body*, with every δ that pins a summed
    variable collapsed and the factors free of all summed variables pulled out."""
    if not limits:
        return body
    if isinstance(body, Add):
        return Add(*[_collapse_sum(t, limits, ctx) for t in body.args])
    for n, (v, lo, hi) in enumerate(limits):
        rest = limits[:n] + limits[n + 1:]
        found = _delta_partner(body, v)
        if found is not None and calculus._in_range(found[1], lo, hi, ctx):
            delta, other = found
            return _collapse_sum(substitute(body / delta, {v: other}), rest, ctx)
        if not body.has(v):
            return (hi - lo + 1) * _collapse_sum(body, rest, ctx)
    bound = {v for v, _, _ in limits}
    inside = [a for a in Mul.make_args(body) if a.free_symbols & bound]
    outside = [a for a in Mul.make_args(body) if not a.free_symbols & bound]
    if outside:
        return Mul(*outside) * _collapse_sum(Mul(*inside), limits, ctx)
    if body.has(KroneckerDelta):   # δ inside a factor: expand this term only
        expanded = sympy.expand(body)
        if expanded != body and (isinstance(expanded, Add) or any(
                _delta_partner(expanded, v) is not None for v, _, _ in limits)):
            return _collapse_sum(expanded, limits, ctx)
    return Sum(body, *reversed(limits))


def collapse(expr: Expr, ctx: Context) -> Expr:
    """Σ_m f(m)·δ_{m e} → f(e) (e within the sum's range), sums split over their terms and
    constant factors pulled out — without expanding the factors that carry no δ."""
    def fn(e):
        if isinstance(e, Sum):
            return _collapse_sum(e.function, list(reversed(e.limits)), ctx)
        return e
    return calculus._map(expr, fn)


# ---------------------------------------------------------------------------------------
# folding into the document's names
def topological(ctx: Context, names=None) -> list[str]:
    """Defined names, each after the names its definition uses."""
    g = ctx.graph()
    todo = [d.name for d in ctx.definitions] if names is None else list(names)
    out: list[str] = []

    def visit(n, seen=()):
        if n in out or n in seen or ctx.definition(n) is None:
            return
        for m in sorted(g.get(n, ())):
            visit(m, seen + (n,))
        out.append(n)
    for n in todo:
        visit(n)
    return out


def _normaliser(d):
    """For a[i..] = N(i..)/Σ_m N(..m..) (one index summed): (N, its sum, the summed index)."""
    if not d.indices or isinstance(d.rhs, sympy.MatrixBase):
        return None
    num, den = sympy.fraction(d.rhs)
    if not (isinstance(den, Sum) and len(den.limits) == 1):
        return None
    (m, lo, hi), = den.limits
    for idx in d.indices:
        if den.function.xreplace({m: idx}) == num and num.has(idx):
            return num, den, idx
    return None


def _fold_normaliser(expr, d, ctx, wrap=None):
    """N(m)/Σ_k N(k) → y_m for y_i = N(i)/Σ_k N(k) (*wrap*: what replaces y_m, e.g. e^{ℓ_m}
    for a log-normaliser ℓ_i = log N(i) − log Σ_k N(k))."""
    norm = _normaliser(d)
    if norm is None:
        return expr
    num, den, idx = norm
    wrap = wrap or (lambda entry: entry)
    others = [i for i in d.indices if i != idx]
    target_base = d.target.base
    # the normalising sum with the other indices free: match any instance of it
    wild = {i: sympy.Wild(f"o{n}", properties=[lambda a: a.is_integer])
            for n, i in enumerate(others)}
    den_pat = calculus.canonical_sums(den).xreplace(wild)
    e = calculus.canonical_sums(expr)
    sums = {}

    def mark(x):
        if isinstance(x, Sum):
            got = x.match(den_pat)
            if got is not None and all(w in got for w in wild.values()):
                key = tuple(got[wild[i]] for i in others)
                sym = sums.setdefault(key, Dummy("S", positive=True))
                return sym
        return x
    e = calculus._map(e, mark)
    if not sums:
        return expr
    for key, sym in sums.items():
        fixed = dict(zip(others, key))
        w = sympy.Wild("w", properties=[lambda a: a.is_integer])
        pat = num.xreplace({**fixed, idx: w})
        e = _replace_power_pattern(e, pat, w, lambda m, fixed=fixed: wrap(target_base[
            tuple(fixed.get(i, m) for i in d.indices)]) * sym)
    e = sympy.expand(e) if e.has(Add) else e
    e = sympy.cancel(sympy.together(e)) if not e.has(Partial) else e
    if any(e.has(s) for s in sums.values()):
        return expr
    return sympy.expand(e)   # factoring is the next step's (the canonical form)


def _fold_log_normaliser(expr, d, ctx):
    """For ℓ_i = z_i − log Σ_j e^{z_j} (a log-softmax): e^{z_m}/Σ_j e^{z_j} → e^{ℓ_m}."""
    if not d.indices or isinstance(d.rhs, sympy.MatrixBase) or not d.rhs.has(sympy.log):
        return expr
    as_exp = sympy.powsimp(calculus.split_exp(sympy.exp(d.rhs)))
    if as_exp.has(sympy.log):
        return expr
    from ..notation import Definition
    try:
        virtual = Definition(d.target, as_exp)
    except ValueError:
        return expr
    return _fold_normaliser(expr, virtual, ctx, wrap=sympy.exp)


def _replace_power_pattern(e, pattern, w, build):
    """Replace N(m) by build(m); for N = e^{f} also e^{c f} by build(m)^c (integer c)."""
    if isinstance(pattern, sympy.exp):
        arg_pat = pattern.args[0]

        def repl(x):
            coeff, rest = sympy.expand(x.args[0]).as_coeff_Mul()
            for c, r in ((coeff, rest), (sympy.S.One, x.args[0])):
                got = r.match(arg_pat)
                if got is not None and w in got and c.is_Integer:
                    return build(got[w]) ** c
            return x
        return e.replace(lambda x: isinstance(x, sympy.exp), repl)
    return e.replace(pattern, lambda **kw: build(kw[w.name]))


def _wild_rhs(d):
    ws = [sympy.Wild(f"w{n}", properties=[lambda a: a.is_integer])
          for n in range(len(d.indices))]
    return d.rhs.xreplace(dict(zip(d.indices, ws))), ws


def _target(d, got, ws):
    if not d.indices:
        return d.target
    return d.target.base[tuple(got[w] for w in ws)]


def _top_down(e, fn):
    """Rebuild *e* replacing, outermost first, each subexpression for which fn gives a value."""
    if not isinstance(e, sympy.Basic) or isinstance(e, (Partial, Indexed, Symbol)):
        got = fn(e) if isinstance(e, sympy.Basic) else None
        return e if got is None else got
    got = fn(e)
    if got is not None:
        return got
    if not e.args:
        return e
    args = [_top_down(a, fn) for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    if isinstance(e, Sum):
        return Sum(args[0], *e.limits)
    return e.func(*args)


def _complete(got, ws):
    return got is not None and all(w in got for w in ws)


def _fold_pattern(expr, d):
    """Instances of the right side replaced by the name, outermost first: also its powers
    (σ = √A folds A^{-3/2} into σ^{-3}) and, for c·A with A a sum, A into name/c
    (μ = Σ_k x_k / N folds Σ_k x_k into N μ)."""
    pat, ws = _wild_rhs(d)
    base, power = (pat.base, pat.exp) if isinstance(pat, Pow) and pat.exp.is_Rational \
        else (pat, sympy.S.One)
    core = [a for a in Mul.make_args(pat) if isinstance(a, Sum)]
    coeff = pat / core[0] if len(core) == 1 and not (pat / core[0]).has(Sum, Indexed) \
        else None

    def fn(x):
        if x.is_Number or not x.args:
            return None
        b, p = (x.base, x.exp) if isinstance(x, Pow) and x.exp.is_Rational \
            else (x, sympy.S.One)
        got = b.match(base)
        if _complete(got, ws):
            return _target(d, got, ws) ** (p / power)
        if coeff is not None and isinstance(x, Sum):
            got = x.match(core[0])
            if _complete(got, ws):
                return _target(d, got, ws) / coeff
        return None
    try:
        return _top_down(expr, fn)
    except (TypeError, ValueError):
        return expr


def _inverse(d, ctx):
    """For y_i = R(u) where the entries enter through one atom u (e^{-z_i}, or a leaf entry
    x_i): (u, u as a function of y_i); y_i = 1/(1 + e^{-z_i}) gives e^{-z_i} = (1 − y_i)/y_i,
    y_i = (x_i − μ)/σ gives x_i = σ y_i + μ."""
    if not d.indices or isinstance(d.rhs, sympy.MatrixBase):
        return None
    own = set(d.indices)
    exps = [a for a in d.rhs.atoms(sympy.exp) if a.free_symbols & own]
    entries = [a for a in d.rhs.atoms(Indexed) if set(a.indices) == own
               and ctx.definition(base_name(a)) is None]
    atoms = exps if exps else entries
    if len(atoms) != 1:
        return None
    (atom,) = atoms
    u, y = Dummy("u"), Dummy("y")
    r = d.rhs.xreplace({atom: u})
    if any(set(a.indices) & own for a in r.atoms(Indexed)) or not r.has(u) or r.has(Sum):
        return None
    try:
        sol = sympy.solve(sympy.Eq(r, y), u)
    except (NotImplementedError, TypeError, ValueError):
        return None
    if len(sol) != 1:
        return None
    return atom, y, sol[0]


def _fold_inverse(expr, d, ctx):
    inv = _inverse(d, ctx)
    if inv is None:
        return expr
    atom, y, value = inv
    ws = [sympy.Wild(f"w{n}", properties=[lambda a: a.is_integer])
          for n in range(len(d.indices))]
    apat = atom.xreplace(dict(zip(d.indices, ws)))

    def fn(x):
        if isinstance(apat, sympy.exp):
            if not isinstance(x, sympy.exp):
                return None
            for c in (1, -1, 2, -2, 3, -3):
                got = sympy.exp(x.args[0] / c).match(apat)
                if _complete(got, ws):
                    return value.xreplace({y: _target(d, got, ws)}) ** c
            return None
        if isinstance(x, Indexed):
            got = x.match(apat)
            if _complete(got, ws):
                return value.xreplace({y: _target(d, got, ws)})
        return None
    new = _top_down(expr, fn)
    if new == expr:
        return expr
    new = _cancel_parts(new)
    return new if _score(new) < _score(expr) else expr


def fold(expr: Expr, ctx: Context, names=None) -> Expr:
    """Rewrite leaves back into the names the definitions give, innermost names first:
    normalisers (e^{s_ij}/Σ_m e^{s_im} → a_ij), instances of a right side (and its powers and
    multiples: Σ_k x_k → Nμ), and one-atom definitions by inversion (e^{-z} → (1 − y)/y)."""
    for name in topological(ctx, names):
        d = ctx.definition(name)
        if d is None or isinstance(d.rhs, sympy.MatrixBase) or ctx.depends_on(name):
            continue
        expr = _fold_normaliser(expr, d, ctx)
        expr = _fold_log_normaliser(expr, d, ctx)
        expr = _fold_pattern(expr, d)
        expr = _fold_inverse(expr, d, ctx)
    return expr


# ---------------------------------------------------------------------------------------
# canonical form
def merge_sums(e: Expr) -> Expr:
    """Σ_j a_j + c·Σ_j b_j → Σ_j (a_j + c b_j) (same limits, after renaming), each body
    factored: y_k(−Σ_j y_j² + Σ_j t_j y_j) → −y_k Σ_j y_j(y_j − t_j)."""
    def fn(x):
        if not isinstance(x, Add):
            return x
        groups: dict = {}
        rest = []
        for t in x.args:
            sums = [a for a in Mul.make_args(t) if isinstance(a, Sum)]
            if len(sums) != 1 or len(sums[0].limits) != 1:
                rest.append(t)
                continue
            s = sums[0]
            (v, lo, hi), = s.limits
            c = t / s
            if c.has(v):
                rest.append(t)
                continue
            key = (lo, hi)
            groups.setdefault(key, []).append((c, s))
        out = list(rest)
        for (lo, hi), items in groups.items():
            if len(items) == 1:
                out.append(items[0][0] * items[0][1])
                continue
            v = items[0][1].limits[0][0]
            body = Add(*[c * s.function.xreplace({s.limits[0][0]: v}) for c, s in items])
            out.append(Sum(sympy.factor(body), (v, lo, hi)))
        return Add(*out)
    return calculus._map(e, fn)


def _awkward(f: Expr, defined: set) -> int:
    """How far a difference is from the way texts write it: a number subtracted (y − 1 for
    1 − y) counts 2, a defined name subtracted (t − y for y − t) counts 1."""
    out = 0
    for a in f.args:
        if a.could_extract_minus_sign():
            b = -a
            out += 2 if b.is_Number else 1 if {base_name(x) for x in b.atoms(Indexed)} & \
                defined or {str(x) for x in b.free_symbols} & defined else 0
    return out


def _tidy_signs(e: Expr, defined: set = frozenset()) -> Expr:
    """−y(y − 1) → y(1 − y) (a negative coefficient absorbed by a difference), and
    (y − 1)(t − y) → (1 − y)(y − t) (two differences turned round together)."""
    def fn(x):
        if isinstance(x, Sum) and len(x.limits) == 1:   # Σ_j (t_j − y_j) y_j → −Σ_j (y_j − t_j) y_j
            facs = list(Mul.make_args(x.function))
            for n, f in enumerate(facs):
                if isinstance(f, Add) and _awkward(f, defined) > _awkward(-f, defined):
                    facs[n] = -f
                    return -Sum(Mul(*facs), *x.limits)
            return x
        if not isinstance(x, Mul):
            return x
        c, rest = x.as_coeff_Mul()
        facs = list(Mul.make_args(rest))
        diffs = [n for n, f in enumerate(facs) if isinstance(f, Add)]
        gain = {n: _awkward(facs[n], defined) - _awkward(-facs[n], defined) for n in diffs}
        if c < 0 and diffs:
            n = max(diffs, key=lambda m: gain[m])
            if gain[n] >= 0:
                facs[n] = -facs[n]
                return _pairs(Mul(-c, *facs), defined)
        return _pairs(x, defined)

    def _pairs(x, defined):
        if not isinstance(x, Mul):
            return x
        c, rest = x.as_coeff_Mul()
        facs = list(Mul.make_args(rest))
        diffs = sorted((n for n, f in enumerate(facs) if isinstance(f, Add)),
                       key=lambda m: -(_awkward(facs[m], defined) -
                                       _awkward(-facs[m], defined)))
        if len(diffs) >= 2:
            a, b = diffs[0], diffs[1]
            gain = sum(_awkward(facs[n], defined) - _awkward(-facs[n], defined)
                       for n in (a, b))
            if gain > 0:
                facs[a], facs[b] = -facs[a], -facs[b]
                return Mul(c, *facs)
        return x
    return calculus._map(e, fn)


def _score(e: Expr) -> tuple:
    return (sympy.count_ops(e, visual=False), len(str(e)))


def canonical(expr: Expr, ctx: Context) -> Expr:
    """The most readable of a few equal forms (factored, terms factored, sums merged,
    cancelled), by operation count."""
    cands = [expr]
    for fn in (sympy.factor_terms, sympy.factor, lambda e: sympy.factor(sympy.cancel(e)),
               lambda e: merge_sums(sympy.expand(e)),
               lambda e: sympy.factor_terms(merge_sums(sympy.expand(e))),
               lambda e: sympy.factor(merge_sums(sympy.expand(e)))):
        try:
            cands.append(fn(expr))
        except (sympy.PolynomialError, TypeError, ValueError, NotImplementedError):
            continue
    defined = {d.name for d in ctx.definitions}
    cands = [_tidy_signs(c, defined) for c in cands]
    return min(cands, key=_score)


def rename_bound_readably(e: Expr, ctx: Context, avoid=()) -> Expr:
    """Bound variables named m1, _s0, ... (or clashing with *avoid*, the free indices of the
    equation) get plain letters used nowhere else in the expression."""
    used = set(e.free_symbols) | set(avoid)
    clash = {str(a) for a in avoid}

    def fn(x):
        if isinstance(x, Sum):
            body, limits = x.function, []
            for v, lo, hi in x.limits:
                if str(v).startswith("_s") or any(ch.isdigit() for ch in str(v)) or \
                        str(v) in clash:
                    taken = {str(a) for a in body.free_symbols | used} | \
                        {str(w) for w, _, _ in limits} | {str(a.label) for a in
                                                         body.atoms(IndexedBase)}
                    letter = next((c for c in "jkmnpqrluvw" if c not in taken), None)
                    cand = index(letter) if letter else fresh_index(index("m"), used)
                    body, v = body.xreplace({v: cand}), cand
                limits.append((v, lo, hi))
            return Sum(body, *limits)
        return x
    return calculus._map(e, fn)


def _cancel_parts(e):
    """Cancel each summand and each Sum body apart (Partial and Sum stay atoms)."""
    def fn(x):
        if isinstance(x, Sum):
            return Sum(sympy.factor(sympy.cancel(x.function)), *x.limits)
        return x
    e = calculus._map(e, fn)
    return Add(*[sympy.factor(sympy.cancel(t)) for t in Add.make_args(e)])
