#!/usr/bin/env python
"""Re-check every label of tests/data/matrix_claims.json, independently of symderiv.

Usage: python scripts/verify_matrix_claims.py [TABLE] [-v]

Every row of the table (claims in vector/matrix notation) is translated *by hand* below into
plain SymPy code on explicit matrices (``ENCODERS``, keyed by the row's id). The LaTeX text is
never parsed and symderiv is never imported.

The sizes of a row (``"sizes": {"W": ["m", "n"], ...}``) name the dimensions; each is given a
concrete value from three assignments with distinct values (2, 3, 4, 5 permuted), so a square
coincidence cannot hide a wrong order or a missing transpose. Matrices get entries
``W_i_j``; an undefined scalar L is modelled by its upstream gradient ``∂L/∂Y = G`` (arbitrary
symbols) and the chain rule ``(∂L/∂X)_ij = Σ_k G_k ∂Y_k/∂X_ij`` with ``sympy.diff`` on the
defined Y; a defined L (e.g. MSE) is differentiated directly.

An encoder returns the *readings* of a claim (each a thunk giving ``(lhs, rhs)``): for a
derivative, the denominator layout (shape of the variable for a gradient, J^T for a Jacobian)
and the numerator layout (its transpose). Then

* TRUE  — some reading fits and holds (lhs - rhs = 0 at 3 exact/50-digit random points) at
  every size assignment;
* FALSE — not TRUE, and some reading fits at some assignment (a counterexample is printed);
* NULL  — every reading raises a shape error at every assignment ("shapes do not fit").

Exit status 0 only if every label is re-derived.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import sympy as sp
from sympy.matrices.common import ShapeError

DEFAULT_TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "matrix_claims.json"

ASSIGNMENTS = [(2, 3, 4, 5), (3, 2, 5, 4), (4, 5, 2, 3)]   # distinct values per dimension


class Misfit(Exception):
    """The shapes of a reading do not fit."""


# ------------------------------------------------------------------------------ helpers
class Space:
    """The explicit matrices of one row at one size assignment."""

    def __init__(self, sizes: dict, dims: dict):
        self.sizes, self.dims = sizes, dims
        self._cache = {}

    def dim(self, d):
        return d if isinstance(d, int) else self.dims[d]

    def shape(self, name):
        r, c = self.sizes[name]
        return self.dim(r), self.dim(c)

    def __getitem__(self, name):
        if name not in self._cache:
            r, c = self.shape(name)
            self._cache[name] = sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}_{i+1}_{j+1}", real=True))
        return self._cache[name]

    def grad(self, of):
        """Upstream gradient ∂L/∂<of> of an undefined scalar L: free symbols, shape of <of>."""
        r, c = self.shape(of)
        return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"g{of}_{i+1}_{j+1}", real=True))


def T(m):
    return m.T


def had(*ms):
    out = ms[0]
    for m in ms[1:]:
        if out.shape != m.shape:
            raise Misfit(f"Hadamard {out.shape} ∘ {m.shape}")
        out = out.multiply_elementwise(m)
    return out


def diag(v):
    if v.shape[1] != 1:
        raise Misfit("diag of a non-column")
    return sp.diag(*list(v))


def ones(m):
    return sp.ones(*m.shape)


def ew(f, m):
    return m.applyfunc(f)


def sigma(x):
    return 1 / (1 + sp.exp(-x))


def softmax(z):
    e = [sp.exp(x) for x in z]
    s = sum(e)
    return sp.Matrix(len(e), 1, [x / s for x in e])


def chain(G, Y, X):
    """∂L/∂X (shape of X) for L with ∂L/∂Y = G, Y an explicit function of X."""
    assert G.shape == Y.shape
    return sp.Matrix(X.shape[0], X.shape[1],
                     lambda i, j: sum(G[k] * sp.diff(Y[k], X[i, j]) for k in range(len(Y))))


def grad(L, X):
    """∂L/∂X (shape of X) for an explicit scalar L (a 1 x 1 matrix or an expression)."""
    if isinstance(L, sp.MatrixBase):
        assert L.shape == (1, 1)
        L = L[0, 0]
    return X.applyfunc(lambda x: sp.diff(L, x))


def jac(Y, X):
    """Numerator-layout Jacobian J_ij = ∂Y_i/∂X_j of column vectors."""
    return sp.Matrix(len(Y), len(X), lambda i, j: sp.diff(Y[i], X[j]))


def layouts(D, rhs):
    """The two readings of a derivative D (given in one layout) against rhs: D and D^T."""
    return [lambda: (D(), rhs()), lambda: (D().T, rhs())]


def plain(lhs, rhs):
    return [lambda: (lhs(), rhs())]


# ------------------------------------------------------------------------------ encoders
def lin(S):   # y = W x + b
    return S["W"] * S["x"] + S["b"]


def batch(S):   # Z = X W + b (b a row, broadcast over the rows of XW)
    XW = S["X"] * S["W"]
    return XW + sp.ones(XW.shape[0], 1) * S["b"]


def dbatch(S, wrt):
    return chain(S.grad("Z"), batch(S), S[wrt])


def sig_a(S):
    return ew(sigma, S["z"])


def mse(S, y):
    r = y - S["t"]
    return r.T * r


ENCODERS = {
    # transpose identities
    "T-prod-T": lambda S: plain(lambda: (S["A"] * S["B"]).T, lambda: S["B"].T * S["A"].T),
    "T-prod-F": lambda S: plain(lambda: (S["A"] * S["B"]).T, lambda: S["A"].T * S["B"].T),
    "T-prod3-F": lambda S: plain(lambda: (S["A"] * S["B"] * S["C"]).T,
                                 lambda: S["C"].T * S["A"].T * S["B"].T),
    "T-mixed-T": lambda S: plain(lambda: (S["A"].T * S["B"]).T, lambda: S["B"].T * S["A"]),
    "T-gram-F": lambda S: plain(lambda: S["A"].T * S["A"], lambda: S["A"] * S["A"].T),
    "T-swapT-F": lambda S: plain(lambda: S["A"].T * S["B"], lambda: S["A"] * S["B"].T),
    # bilinear / outer
    "dot-sym-T": lambda S: plain(lambda: S["x"].T * S["y"], lambda: S["y"].T * S["x"]),
    "outer-sym-F": lambda S: plain(lambda: S["x"] * S["y"].T, lambda: S["y"] * S["x"].T),
    "outer-assoc-F": lambda S: plain(lambda: (S["x"] * S["y"].T) * S["z"],
                                     lambda: (S["x"].T * S["z"])[0, 0] * S["y"]),
    "dot-outer-N": lambda S: plain(lambda: S["x"].T * S["y"], lambda: S["x"] * S["y"].T),
    "bilin-T": lambda S: plain(lambda: S["x"].T * S["A"] * S["y"], lambda: S["y"].T * S["A"].T * S["x"]),
    "bilin-F": lambda S: plain(lambda: S["x"].T * S["A"] * S["y"], lambda: S["y"].T * S["A"] * S["x"]),
    # Hadamard / diag
    "had-comm-T": lambda S: plain(lambda: had(S["x"], S["y"]), lambda: had(S["y"], S["x"])),
    "had-vs-prod-F": lambda S: plain(lambda: had(S["A"], S["B"]), lambda: S["A"] * S["B"]),
    "had-dot-N": lambda S: plain(lambda: had(S["x"], S["y"]), lambda: S["x"].T * S["y"]),
    "diag-had-T": lambda S: plain(lambda: diag(S["v"]) * S["w"], lambda: had(S["v"], S["w"])),
    "diag-row-T": lambda S: plain(lambda: S["w"].T * diag(S["v"]), lambda: had(S["v"], S["w"]).T),
    "diag-diag-T": lambda S: plain(lambda: diag(S["v"]) * diag(S["w"]), lambda: diag(had(S["v"], S["w"]))),
    "diag-outer-F": lambda S: plain(lambda: diag(S["v"]) * diag(S["w"]), lambda: S["v"] * S["w"].T),
    # linear layer y = W x + b, L undefined: ∂L/∂y = G
    "lin-dW-T": lambda S: layouts(lambda: chain(S.grad("y"), lin(S), S["W"]), lambda: S.grad("y") * S["x"].T),
    "lin-dW-num-T": lambda S: layouts(lambda: chain(S.grad("y"), lin(S), S["W"]), lambda: S["x"] * S.grad("y").T),
    "lin-dW-order-N": lambda S: layouts(lambda: chain(S.grad("y"), lin(S), S["W"]), lambda: S["x"].T * S.grad("y")),
    "lin-dW-noT-N": lambda S: layouts(lambda: chain(S.grad("y"), lin(S), S["W"]), lambda: S.grad("y") * S["x"]),
    "lin-dx-T": lambda S: layouts(lambda: chain(S.grad("y"), lin(S), S["x"]), lambda: S["W"].T * S.grad("y")),
    "lin-dx-num-T": lambda S: layouts(lambda: chain(S.grad("y"), lin(S), S["x"]), lambda: S.grad("y").T * S["W"]),
    "lin-dx-noT-F": lambda S: layouts(lambda: chain(S.grad("y"), lin(S), S["x"]), lambda: S["W"] * S.grad("y")),
    "lin-dW-extra-N": lambda S: layouts(lambda: chain(S.grad("y"), lin(S), S["W"]),
                                        lambda: S["x"] * S.grad("y").T * S["W"]),
    # batch layer Z = X W + b, dZ = ∂L/∂Z
    "bat-dW-T": lambda S: layouts(lambda: dbatch(S, "W"), lambda: S["X"].T * S.grad("Z")),
    "bat-dW-num-T": lambda S: layouts(lambda: dbatch(S, "W"), lambda: S.grad("Z").T * S["X"]),
    "bat-dX-T": lambda S: layouts(lambda: dbatch(S, "X"), lambda: S.grad("Z") * S["W"].T),
    "bat-dW-order-F": lambda S: layouts(lambda: dbatch(S, "W"), lambda: S.grad("Z") * S["X"].T),
    "bat-dW-noT-F": lambda S: layouts(lambda: dbatch(S, "W"), lambda: S["X"] * S.grad("Z")),
    # softmax y = softmax(z): Jacobian (numerator J, denominator J^T) and VJP
    "sm-jac-T": lambda S: layouts(lambda: jac(softmax(S["z"]), S["z"]),
                                  lambda: diag(softmax(S["z"])) - softmax(S["z"]) * softmax(S["z"]).T),
    "sm-jac-sign-F": lambda S: layouts(lambda: jac(softmax(S["z"]), S["z"]),
                                       lambda: softmax(S["z"]) * softmax(S["z"]).T - diag(softmax(S["z"]))),
    "sm-jac-inner-N": lambda S: layouts(lambda: jac(softmax(S["z"]), S["z"]),
                                        lambda: diag(softmax(S["z"])) - softmax(S["z"]).T * softmax(S["z"])),
    "sm-vjp-T": lambda S: layouts(lambda: chain(S.grad("y"), softmax(S["z"]), S["z"]),
                                  lambda: (diag(softmax(S["z"])) - softmax(S["z"]) * softmax(S["z"]).T) * S.grad("y")),
    "sm-vjp-scalar-N": lambda S: layouts(lambda: chain(S.grad("y"), softmax(S["z"]), S["z"]),
                                         lambda: had(softmax(S["z"]), S.grad("y")) - softmax(S["z"]).T * S.grad("y")),
    "sm-vjp-noy-F": lambda S: layouts(lambda: chain(S.grad("y"), softmax(S["z"]), S["z"]),
                                      lambda: S.grad("y") - softmax(S["z"]) * softmax(S["z"]).T * S.grad("y")),
    # sigmoid a = σ(z), tanh h = tanh(z)
    "sig-T": lambda S: layouts(lambda: chain(S.grad("a"), sig_a(S), S["z"]),
                               lambda: had(S.grad("a"), sig_a(S), ones(sig_a(S)) - sig_a(S))),
    "sig-miss-F": lambda S: layouts(lambda: chain(S.grad("a"), sig_a(S), S["z"]),
                                    lambda: had(S.grad("a"), ones(sig_a(S)) - sig_a(S))),
    "sig-jac-T": lambda S: layouts(lambda: jac(sig_a(S), S["z"]),
                                   lambda: diag(had(sig_a(S), ones(sig_a(S)) - sig_a(S)))),
    "sig-jac-outer-F": lambda S: layouts(lambda: jac(sig_a(S), S["z"]),
                                         lambda: sig_a(S) * (ones(sig_a(S)) - sig_a(S)).T),
    "sigM-T": lambda S: layouts(lambda: chain(S.grad("A"), ew(sigma, S["Z"]), S["Z"]),
                                lambda: had(S.grad("A"), ew(sigma, S["Z"]), ones(S["Z"]) - ew(sigma, S["Z"]))),
    "tanh-T": lambda S: layouts(lambda: chain(S.grad("h"), ew(sp.tanh, S["z"]), S["z"]),
                                lambda: had(S.grad("h"), ones(S["z"]) - had(ew(sp.tanh, S["z"]), ew(sp.tanh, S["z"])))),
    "tanh-F": lambda S: layouts(lambda: chain(S.grad("h"), ew(sp.tanh, S["z"]), S["z"]),
                                lambda: had(S.grad("h"), ones(S["z"]) - ew(sp.tanh, S["z"]))),
    # h = σ(W x)
    "lay-dx-T": lambda S: layouts(lambda: chain(S.grad("h"), ew(sigma, S["W"] * S["x"]), S["x"]),
                                  lambda: S["W"].T * had(S.grad("h"), ew(sigma, S["W"] * S["x"]),
                                                         ones(S["h"]) - ew(sigma, S["W"] * S["x"]))),
    "lay-dW-T": lambda S: layouts(lambda: chain(S.grad("h"), ew(sigma, S["W"] * S["x"]), S["W"]),
                                  lambda: had(S.grad("h"), ew(sigma, S["W"] * S["x"]),
                                              ones(S["h"]) - ew(sigma, S["W"] * S["x"])) * S["x"].T),
    "lay-dW-F": lambda S: layouts(lambda: chain(S.grad("h"), ew(sigma, S["W"] * S["x"]), S["W"]),
                                  lambda: had(S.grad("h"), ew(sigma, S["W"] * S["x"])) * S["x"].T),
    # MSE L = (y - t)^T (y - t), quadratic form, linear Jacobian
    "mse-T": lambda S: layouts(lambda: grad(mse(S, S["y"]), S["y"]), lambda: 2 * (S["y"] - S["t"])),
    "mse-half-F": lambda S: layouts(lambda: grad(mse(S, S["y"]), S["y"]), lambda: S["y"] - S["t"]),
    "mse-dt-F": lambda S: layouts(lambda: grad(mse(S, S["y"]), S["t"]), lambda: 2 * (S["y"] - S["t"])),
    "mse-dW-T": lambda S: layouts(lambda: grad(mse(S, lin(S)), S["W"]), lambda: 2 * (lin(S) - S["t"]) * S["x"].T),
    "quad-T": lambda S: layouts(lambda: grad(S["x"].T * S["A"] * S["x"], S["x"]),
                                lambda: (S["A"] + S["A"].T) * S["x"]),
    "quad-F": lambda S: layouts(lambda: grad(S["x"].T * S["A"] * S["x"], S["x"]), lambda: 2 * S["A"] * S["x"]),
    "linjac-T": lambda S: layouts(lambda: jac(S["A"] * S["x"], S["x"]), lambda: S["A"]),
}


# ------------------------------------------------------------------------------ deciding
def dim_assignments(sizes: dict):
    names = sorted({d for shape in sizes.values() for d in shape if isinstance(d, str)})
    return [dict(zip(names, a)) for a in ASSIGNMENTS]


def is_zero(e, rnd: random.Random) -> tuple[bool, dict | None]:
    """lhs - rhs (a matrix) at 3 random points: (all zero?, first nonzero point)."""
    syms = sorted(e.free_symbols, key=str)
    for _ in range(3):
        pt = {s: sp.Rational(rnd.randint(-9, 9), rnd.randint(1, 5)) for s in syms}
        v = e.xreplace(pt)
        for x in v:
            x = sp.nsimplify(x) if x.is_number and x.is_Rational else x
            if x.is_Rational:
                nz = x != 0
            else:
                nz = abs(sp.N(x, 50)) > sp.Float("1e-30")
            if nz:
                return False, {str(k): str(val) for k, val in pt.items()}
    return True, None


def label(case, rnd) -> tuple[object, str]:
    enc = ENCODERS[case["id"]]
    assigns = dim_assignments(case["sizes"])
    holds = None          # index of a reading holding at all assignments
    n_readings = len(enc(Space(case["sizes"], assigns[0])))
    fits_somewhere, counter = False, ""
    ok = [True] * n_readings
    for dims in assigns:
        for k, reading in enumerate(enc(Space(case["sizes"], dims))):
            try:
                lhs, rhs = reading()
                if not isinstance(rhs, sp.MatrixBase):
                    rhs = sp.Matrix([[rhs]])
                if lhs.shape != rhs.shape:
                    raise Misfit(f"{lhs.shape} = {rhs.shape}")
            except (Misfit, ShapeError):
                ok[k] = False
                continue
            fits_somewhere = True
            zero, pt = is_zero(lhs - rhs, rnd)
            if not zero:
                ok[k] = False
                counter = counter or f"reading {k} at {dims}: differs at {pt}"
    if any(ok):
        return True, f"reading {ok.index(True)} holds at every size"
    if fits_somewhere:
        return False, counter or "a reading misfits at some size"
    return None, "shapes never fit"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("table", nargs="?", default=str(DEFAULT_TABLE))
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    rows = json.loads(Path(a.table).read_text(encoding="utf-8"))
    rnd = random.Random(20240601)
    bad = 0
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)):
        print("duplicate ids"); bad += 1
    for missing in set(ids) - set(ENCODERS):
        print(f"no encoder for {missing}"); bad += 1
    for r in rows:
        if r["id"] not in ENCODERS:
            continue
        got, detail = label(r, rnd)
        if got is not r["truth"]:
            bad += 1
            print(f"MISMATCH {r['id']}: table says {r['truth']}, SymPy says {got} ({detail})\n"
                  f"  claim: {r['claim']}  given: {r['given']}")
        elif a.verbose:
            print(f"ok {r['id']}: {got} ({detail})")
    print(f"{len(rows)} rows, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
