"""SymPy helpers for the round-9 truth labels (seed 9): the shared ../harness.py plus a few
round-9 shorthands; never symderiv."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import (R, SIZES, V, M, softmax, sig, delta, over, equal, approx, side_equal,  # noqa: E402,F401
                     classes, truth, amb)
import sympy as sp  # noqa: E402

harness.seed(9)

x_ = sp.Symbol("x", real=True)
z_ = sp.Symbol("z", real=True)
T_ = sp.Symbol("T", positive=True)


def smT(z, T):
    e = [sp.exp(v / T) for v in z]
    s = sum(e)
    return [v / s for v in e]


def dsig(u):
    return sig(u) * (1 - sig(u))


def one(a, b):
    """A scalar claim a = b (the same at every K)."""
    return lambda K: [[a, b]]


def jac_sm(K, f, cond=None):
    """d p_i / d z_j of the softmax against f(p, i, j)."""
    z = V("z", K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


def ce_grad(K, f, onehot=True, q=None):
    """d/dz_i of -sum_k y_k log p_k, y one-hot (every class) or on the simplex, against f(p, y, i)."""
    z = V("z", K)
    p = softmax(z)
    out = []
    ys = [[delta(k, c) for k in range(K)] for c in range(K)] if onehot else [simplex(K)]
    for y in ys:
        L = -sum(y[k] * sp.log(p[k]) for k in range(K))
        for i in range(K):
            out.append([sp.diff(L, z[i]), f(p, y, i)])
    return out


def simplex(K):
    """Targets y_1..y_K with sum 1 (the last one is 1 - the others)."""
    y = V("y", K - 1)
    return y + [1 - sum(y)]
