"""SymPy helpers for the round-8 truth labels: explicit symbols at fixed sizes, never symderiv.

Every label is computed from explicit SymPy expressions at K = 2, 3, 4 (index assignments
enumerated), compared at random exact rational points (simplify first, then 60-digit evaluation of
the exact difference).
"""
import itertools
import random

import sympy as sp

R = random.Random(8)
SIZES = (2, 3, 4)


def V(name, K, positive=False):
    """K symbols name1..nameK (index i of the text is position i-1)."""
    return [sp.Symbol(f"{name}{k}", real=True, positive=positive) for k in range(1, K + 1)]


def M(name, r, c):
    return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}{i+1}{j+1}", real=True))


def softmax(z):
    e = [sp.exp(v) for v in z]
    s = sum(e)
    return [x / s for x in e]


def sig(x):
    return 1 / (1 + sp.exp(-x))


def delta(i, j):
    return 1 if i == j else 0


def over(K, names, fn, cond=None):
    """fn(dict index->0-based position) -> list of sides, for every assignment satisfying cond."""
    out = []
    for vals in itertools.product(range(K), repeat=len(names)):
        d = dict(zip(names, vals))
        if cond is not None and not cond(d):
            continue
        out.append(fn(d))
    return out


def _val(s):
    if s.is_positive:
        return sp.Rational(R.randint(1, 9), R.randint(2, 9))
    return sp.Rational(R.randint(-9, 9), R.randint(2, 7))


def equal(a, b, trials=4):
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)):
            return False
        if a.shape != b.shape:
            return False
        return all(equal(x, y, trials) for x, y in zip(a, b))
    d = sp.sympify(a) - sp.sympify(b)
    if d == 0:
        return True
    fs = sorted(d.free_symbols, key=str)
    for _ in range(trials):
        sub = {s: _val(s) for s in fs}
        v = sp.N(d.subs(sub), 60)
        if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            continue   # a pole of the expressions (e.g. u = 1 in log(u/(1-u))): try other points
        if v.free_symbols or abs(v) > sp.Float("1e-40", 60):
            return False
    return True


def approx(shown, digits):
    """A chain side written as a rounded decimal: equal to x when x rounds to it."""
    return ("approx", shown, digits)


def side_equal(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple):
        return a == b
    if isinstance(b, tuple):
        a, b = b, a
    if isinstance(a, tuple):
        _, shown, digits = a
        err = abs(sp.N(b, 40) - shown)
        return bool(err <= sp.Rational(1, 2) * sp.Rational(1, 10 ** digits) + sp.Rational(1, 10**30))
    return equal(a, b)


def classes(assignments):
    """Equivalence classes of the sides of a chain, over every assignment (equal everywhere)."""
    n = len(assignments[0])
    cls = list(range(n))
    for a in range(n):
        for b in range(a):
            if all(side_equal(s[a], s[b]) for s in assignments):
                cls[a] = cls[b]
                break
    # renumber 0,1,..
    m = {}
    return [m.setdefault(c, len(m)) for c in cls]


def truth(kind, fn):
    """kind 'claim' -> bool; 'chain' -> class list; 'approx' -> bool (within half a unit)."""
    results = []
    for K in SIZES:
        A = fn(K)
        if A is None:
            continue
        if kind == "claim":
            results.append(all(equal(s[0], s[1]) for s in A))
        elif kind == "chain":
            results.append(tuple(classes(A)))
        elif kind == "approx":
            ok = True
            for exact, shown, digits in A:
                err = abs(sp.N(exact, 40) - shown)
                ok = ok and bool(err <= sp.Rational(1, 2) * sp.Rational(1, 10 ** digits) + sp.Rational(1, 10**30))
            results.append(ok)
    assert len(set(results)) == 1, (kind, results)
    r = results[0]
    return list(r) if kind == "chain" else bool(r)


def amb(fn):
    """An ambiguous item: fn(K) -> (assignments under reading 1, assignments under reading 2).
    Labelled 'amb' when the claim holds under one plausible reading and fails under the other."""
    out = []
    for K in SIZES:
        A = fn(K)
        if A is None:
            continue
        r1, r2 = A
        out.append((all(equal(s[0], s[1]) for s in r1), all(equal(s[0], s[1]) for s in r2)))
    assert len(set(out)) == 1, out
    a, b = out[0]
    return "amb" if a != b else ("both-true" if a else "both-false")
