"""Independent truth for vector/matrix claims: explicit SymPy matrices, never symderiv.

A case gives `sizes` (name -> (dim, dim), dims symbolic strings or ints) and `enc(S)` returning
a list of readings (thunks -> (lhs, rhs) matrices).  TRUE if some reading fits and holds at every
size assignment; FALSE if some reading fits somewhere but none holds everywhere; NULL if none fits.
"""
from __future__ import annotations

import random

import sympy as sp
from sympy.matrices.common import ShapeError

ASSIGN = [dict(m=2, n=3, p=4, q=5, N=3, d=2), dict(m=3, n=2, p=5, q=4, N=4, d=3),
          dict(m=4, n=5, p=2, q=3, N=2, d=4)]


class Misfit(Exception):
    pass


class Space:
    def __init__(self, sizes, dims):
        self.sizes, self.dims, self.c = sizes, dims, {}

    def dim(self, d):
        return d if isinstance(d, int) else self.dims[d]

    def shape(self, name):
        r, c = self.sizes[name]
        return self.dim(r), self.dim(c)

    def __getitem__(self, name):
        if name not in self.c:
            r, c = self.shape(name)
            self.c[name] = sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}_{i+1}_{j+1}", real=True))
        return self.c[name]

    def G(self, of):
        r, c = self.shape(of)
        key = "G" + of
        if key not in self.c:
            self.c[key] = sp.Matrix(r, c, lambda i, j: sp.Symbol(f"g{of}_{i+1}_{j+1}", real=True))
        return self.c[key]


def had(*ms):
    out = ms[0]
    for m in ms[1:]:
        if out.shape != m.shape:
            raise Misfit("had")
        out = out.multiply_elementwise(m)
    return out


def diag(v):
    if v.shape[1] != 1:
        raise Misfit("diag")
    return sp.diag(*list(v))


def ew(f, m):
    return m.applyfunc(f)


def sig(x):
    return 1 / (1 + sp.exp(-x))


def softmax(z):
    e = [sp.exp(x) for x in z]
    s = sum(e)
    return sp.Matrix(len(e), 1, [x / s for x in e])


def ones(r, c=1):
    return sp.ones(r, c)


def scal(m):
    """a 1x1 matrix as a scalar"""
    if isinstance(m, sp.MatrixBase):
        if m.shape != (1, 1):
            raise Misfit("not 1x1")
        return m[0, 0]
    return m


def grad(L, X):
    L = scal(L)
    return X.applyfunc(lambda x: sp.diff(L, x))


def upstream(S, Y, name):
    """an undefined scalar L sitting on Y with dL/dY = G_name: L = sum(G ⊙ Y)"""
    G = S.G(name)
    if G.shape != Y.shape:
        raise Misfit("upstream")
    return sum(G[k] * Y[k] for k in range(len(Y)))


def jac(Y, X):
    return sp.Matrix(len(Y), len(X), lambda i, j: sp.diff(Y[i], X[j]))


def mm(*ms):
    out = ms[0]
    for m in ms[1:]:
        if isinstance(out, sp.MatrixBase) and isinstance(m, sp.MatrixBase) and out.shape[1] != m.shape[0]:
            raise Misfit("mm")
        out = out * m
    return out


def layouts(D, rhs):
    return [lambda: (D(), rhs()), lambda: (D().T, rhs())]


def plain(lhs, rhs):
    return [lambda: (lhs(), rhs())]


def _holds(lhs, rhs, rng):
    if not isinstance(lhs, sp.MatrixBase):
        lhs = sp.Matrix([[lhs]])
    if not isinstance(rhs, sp.MatrixBase):
        rhs = sp.Matrix([[rhs]])
    if lhs.shape != rhs.shape:
        raise Misfit(f"sides {lhs.shape} vs {rhs.shape}")
    diff = lhs - rhs
    syms = sorted(diff.free_symbols, key=str)
    for _ in range(2):
        sub = {s: sp.Rational(rng.randint(-9, 9) or 1, rng.randint(1, 5)) for s in syms}
        for e in diff:
            v = sp.N(e.subs(sub), 40)
            if abs(v) > 1e-25:
                return False
    return True


def truth(case, verbose=False):
    rng = random.Random(7)
    fits_any, holds = False, {}
    for dims in ASSIGN:
        S = Space(case["sizes"], dims)
        readings = case["enc"](S)
        for k, r in enumerate(readings):
            try:
                lhs, rhs = r()
                ok = _holds(lhs, rhs, rng)
            except (Misfit, ShapeError, ValueError) as e:
                if verbose:
                    print("misfit", k, e)
                holds.setdefault(k, []).append(None)
                continue
            fits_any = True
            holds.setdefault(k, []).append(ok)
    if any(all(v is True for v in vals) for vals in holds.values()):
        return "TRUE"
    if fits_any:
        return "FALSE"
    return "NULL"
