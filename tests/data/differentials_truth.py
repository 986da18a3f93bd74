"""Independent labels for tests/data/differentials_table.json: every row rebuilt with explicit
SymPy matrices at sizes 2 and 3 (no symderiv), its differential taken entry by entry
(dY = Σ_kl ∂Y/∂V_kl dV_kl over the varying names V), and the two sides compared.

    python tests/data/differentials_truth.py      # prints each row; exit 1 on a wrong label
"""
import itertools
import json
import random
import sys
from pathlib import Path

import sympy as sp


def M(name, r, c):
    return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}_{i}{j}"))


def frob(A, B):
    return sum(A[i, j] * B[i, j] for i in range(A.rows) for j in range(A.cols))


def had(A, B):
    return A.multiply_elementwise(B)


def d(Y, pairs):
    """The differential of Y along the (variable, direction) pairs."""
    Y = Y if isinstance(Y, sp.MatrixBase) else sp.Matrix([[Y]])
    out = sp.zeros(*Y.shape)
    for V, dV in pairs:
        for k in range(V.rows):
            for l in range(V.cols):
                out += Y.diff(V[k, l]) * dV[k, l]
    return out


def S(x):
    return x if isinstance(x, sp.MatrixBase) else sp.Matrix([[x]])


def rows(m, n):
    """id → (lhs, rhs) at sizes m, n (W is m×n where a W is used)."""
    W, dW, x, b, db = M("W", m, n), M("dW", m, n), M("x", m, 1), M("b", n, 1), M("db", n, 1)
    Wy, dWy, xy, by, dby = M("W", n, m), M("dW", n, m), M("x", m, 1), M("b", n, 1), M("db", n, 1)
    u = sp.ones(n, 1)
    z = W.T * x
    dz = d(z, [(W, dW)])
    y = Wy * xy + by
    y0 = Wy * xy
    Wq, dWq, xq = M("W", m, m), M("dW", m, m), M("x", m, 1)
    f = (xq.T * Wq * xq)[0]
    s = frob(u, z)
    g = sp.Rational(1, 2) * frob(y0, y0)
    dg = d(g, [(Wy, dWy)])
    dy0 = d(y0, [(Wy, dWy)])
    e = z.applyfunc(sp.exp)
    de = d(e, [(W, dW)])
    p = e / frob(u, e)
    dp = d(p, [(W, dW)])
    A, B, C = M("A", m, n), M("B", m, m), M("C", m, n)
    A2, B2 = M("A", m, n), M("B", m, n)
    a, bb, c, q = M("a", m, 1), M("b", m, 1), M("c", m, 1), M("q", m, 1)
    um = sp.ones(m, 1)
    return {
        "lin-dz": (dz, dW.T * x), "lin-dz-twice": (dz, 2 * dW.T * x),
        "lin-dz-neg": (dz, -dW.T * x),
        "lin-dy": (d(y0, [(Wy, dWy)]), dWy * xy),
        "lin-dy-bias": (d(y, [(Wy, dWy)]), dWy * xy + by),
        "lin-dy-bias-ok": (d(y, [(Wy, dWy)]), dWy * xy),
        "lin-dy-both": (d(y, [(Wy, dWy), (by, dby)]), dWy * xy + dby),
        "lin-dy-both-miss": (d(y, [(Wy, dWy), (by, dby)]), dWy * xy),
        "quad-df": (d(f, [(Wq, dWq)]), xq.T * dWq * xq),
        "quad-df-2": (d(f, [(Wq, dWq)]), 2 * xq.T * dWq * xq),
        "quad-df-frob": (d(f, [(Wq, dWq)]), S(frob(xq * xq.T, dWq))),
        "quad-df-frob-T": None,      # x^T x : dW, a number against a matrix: no claim
        "sum-ds": (d(s, [(W, dW)]), S(frob(u, dz))),
        "sum-ds-x": (d(s, [(W, dW)]), S(frob(x, dW * u))),
        "sum-ds-z": (d(s, [(W, dW)]), S(frob(z, dz))),
        "half-dg": (dg, S(frob(y0, dy0))), "half-dg-2": (dg, S(2 * frob(y0, dy0))),
        "half-dg-W": (dg, S(frob(y0 * xy.T, dWy))),
        "half-dg-WT": (dg, S(frob(xy * y0.T, dWy))) if m == n else None,
        "exp-de": (de, had(e, dz)), "exp-de-dz": (de, dz), "exp-de-W": (de, had(e, dW.T * x)),
        "exp-de-diag": (de, sp.diag(*e) * dz), "exp-de-outer": (de, e * e.T * dz),
        "frob-sym": (S(frob(A2, B2)), S(frob(B2, A2))),
        "frob-trace": (S(frob(A2, B2)), S((A2.T * B2).trace())),
        "frob-vec": (S(frob(a, bb)), a.T * bb),
        "frob-move": (S(frob(A, B * C)), S(frob(B.T * A, C))),
        "frob-move-2": (S(frob(A, B * C)), S(frob(A * C.T, B))),
        "frob-move-bad": (S(frob(A, B * C)), S(frob(A.T * B, C))) if m == n else
        (S(frob(A, B * C)), S(frob(A, B * C) + 1)),   # A^T B does not fit C: not equal
        "frob-hadamard": (S(frob(had(a, bb), c)), S(frob(a, had(bb, c)))),
        "frob-hadamard-bad": (S(frob(had(a, a), bb)), S(frob(a, bb))),
        "frob-scale": (S(frob(2 * A2, B2)), S(2 * frob(A2, B2))),
        "frob-looser": (S(frob(um, had(a, q))), S(frob(a, q))),
        "lin-dexpr": (dz, d(W.T * x, [(W, dW)])),
        "lin-dexpr-bad": (dz, d(W.T * x, [(W, dW)]) + dW.T * x),
        "quad-dexpr": (d(f, [(Wq, dWq)]), d(frob(xq * xq.T, Wq), [(Wq, dWq)])),
        "exp-dexpr-bad": (de, dz),
        "soft-dp": (dp, had(p, dz) - p * frob(p, dz)), "soft-dp-bad": (dp, had(p, dz)),
    }


def equal(lhs, rhs, points: int = 3) -> bool:
    """Equal as functions: at random rational points, to 60 digits (a difference is of
    order 1 there, a true identity leaves at most rounding of order 1e-60)."""
    if lhs.shape != rhs.shape:
        return False
    diff = lhs - rhs
    names = sorted(diff.free_symbols, key=str)
    rng = random.Random(7)
    for _ in range(points):
        at = {s: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for s in names}
        if any(abs(sp.N(t.xreplace(at), 60)) > sp.Float("1e-40") for t in diff):
            return False
    return True


def main() -> int:
    table = json.loads((Path(__file__).parent / "differentials_table.json").read_text())
    bad = 0
    built = {(m, n): rows(m, n) for m, n in itertools.product((2, 3), repeat=2)}
    for row in table:
        got = set()
        for m, n in built:
            pair = built[m, n][row["id"]]
            if pair is not None:
                got.add(equal(*pair))
        ok = got == {row["label"]} or not got and row["label"] is False
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {row['id']:20} label {row['label']!s:5} sizes {sorted(got)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
