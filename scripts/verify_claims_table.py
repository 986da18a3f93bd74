#!/usr/bin/env python
"""Re-check every label of tests/data/reader_claims.json, independently of symderiv.

Usage: python scripts/verify_claims_table.py [TABLE] [-v] [--only ID ...]

Every case of the table is encoded *by hand* below (one encoder per id, built from a few
per-class helpers), with plain SymPy at fixed sizes (K = 2, 3, 4 where a size applies):
explicit symbols z1..zK, ``sympy.diff``, and the where-conditions imposed by hand (an index
case filters the index values, ``\\sum_k t_k = 1`` sets t_K = 1 - t_1 - ... - t_{K-1}, a value
is substituted). The LaTeX text of a claim is never parsed: this script does not import
symderiv, and never calls sympify / parse_latex on the table.

Each encoder yields, for one size, every instance of the claim (one per value of its free
indices) as ``(indices, lhs, rhs)``. Then

* TRUE: lhs - rhs must vanish at every exact random point tried (3 per instance, 8 for
  scalar claims) for every size and every index value; at the smallest size a cheap
  ``sympy.simplify`` of lhs - rhs is also tried (reported, not required);
* FALSE: some size, index value and point must give lhs != rhs; the first one is printed.

Points are exact: plain symbols get random rationals, logits z get ln(r) for a random
positive rational r (so e^z = r and everything rational stays rational), integer
parameters (β) get small non-zero integers. Exit status 0 only if every label checks.
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from pathlib import Path

import sympy as sp
from sympy import Abs, Max, Rational, exp, log, tanh

DEFAULT_TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "reader_claims.json"

# ------------------------------------------------------------------------------ symbols
KIND: dict[sp.Symbol, str] = {}   # symbol -> "plain" | "log" | "int"


def sym(name: str, kind: str = "plain") -> sp.Symbol:
    s = sp.Symbol(name, real=True)
    KIND[s] = kind
    return s


def vec(name: str, n: int, kind: str = "plain") -> list[sp.Symbol]:
    """name1..name_n (index m is entry m-1)."""
    return [sym(f"{name}{m}", kind) for m in range(1, n + 1)]


def logits(n: int, name: str = "z") -> list[sp.Symbol]:
    return vec(name, n, "log")


def mat(name: str, n: int) -> list[list[sp.Symbol]]:
    return [[sym(f"{name}{a}_{b}") for b in range(1, n + 1)] for a in range(1, n + 1)]


def dlt(a: int, b: int) -> int:
    return 1 if a == b else 0


def softmax(z, beta=1):
    e = [exp(beta * x) for x in z]
    s = sum(e)
    return [x / s for x in e]


def sigmoid(x):
    return 1 / (1 + exp(-x))


def rng(K: int, n: int):
    """All values of n free indices, 1-based."""
    return itertools.product(range(1, K + 1), repeat=n)


def sum_to_one(t):
    """Impose Σ_k t_k = 1: t_K = 1 - Σ_{k<K} t_k."""
    return {t[-1]: 1 - sum(t[:-1])}


def sub(e, s):
    return e.xreplace(s) if s else e


# ------------------------------------------------------------------------------ registry
ENCODERS: dict[str, tuple] = {}


def case(*ids, sizes=(2, 3, 4)):
    def deco(fn):
        for i in ids:
            assert i not in ENCODERS, i
            ENCODERS[i] = (fn, sizes)
        return fn
    return deco


def reg(id, gen, sizes=(2, 3, 4)):
    """Register an encoder given as a generator function of K."""
    assert id not in ENCODERS, id
    ENCODERS[id] = (gen, sizes)


SCALAR = (1,)

# Families of encoders. Each factory returns a generator function of K yielding
# (indices, lhs, rhs).


def jac(rhs, cond=lambda i, j: True, beta=1, beta_kind=None, name="z"):
    """∂y_i/∂z_j for y = softmax(βz); rhs(y, i, j, beta) is the claimed right side."""
    def gen(K):
        z = logits(K, name)
        b = sym("beta", "int") if beta_kind == "int" else beta
        y = softmax(z, b)
        for i, j in rng(K, 2):
            if cond(i, j):
                yield {"i": i, "j": j}, sp.diff(y[i - 1], z[j - 1]), rhs(y, i, j, b)
    return gen


def generic_softmax(rhs):
    """∂L/∂z_k for a generic L(y_1..y_K), y = softmax(z): Σ_j ∂L/∂y_j ∂y_j/∂z_k with
    g_j = ∂L/∂y_j free data; rhs(y, g, k, z) is the claimed right side."""
    def gen(K):
        z, g = logits(K), vec("g", K)
        y = softmax(z)
        for (k,) in rng(K, 1):
            lhs = sum(g[j] * sp.diff(y[j], z[k - 1]) for j in range(K))
            yield {"k": k}, lhs, rhs(y, g, k, z)
    return gen


def ce_fused(rhs, sum_t_one: bool):
    """∂L/∂z_k for L = -Σ t_k log y_k, y = softmax(z); optionally with Σ t = 1."""
    def gen(K):
        z, t = logits(K), vec("t", K)
        y = softmax(z)
        s = sum_to_one(t) if sum_t_one else {}
        L = -sum(t[k] * log(y[k]) for k in range(K))
        for (k,) in rng(K, 1):
            yield {"k": k}, sub(sp.diff(L, z[k - 1]), s), sub(rhs(y, t, k), s)
    return gen


def scalar(lhs_rhs, kind="log"):
    """A claim in one scalar x: lhs_rhs(x) -> (lhs, rhs)."""
    def gen(K):
        x = sym("x", kind)
        yield {}, *lhs_rhs(x)
    return gen


def const(lhs, rhs):
    def gen(K):
        yield {}, sp.sympify(lhs), sp.sympify(rhs)   # safe: numbers built here
    return gen


def d_dx(f, rhs, kind="log"):
    return scalar(lambda x: (sp.diff(f(x), x), rhs(x)), kind)


J_TRUE = lambda y, i, j, b: y[i - 1] * (dlt(i, j) - y[j - 1])          # noqa: E731
J_BETA = lambda y, i, j, b: b * y[i - 1] * (dlt(i, j) - y[j - 1])      # noqa: E731
J_DIAGF = lambda y, i, j, b: y[i - 1] * (1 - y[j - 1])                 # noqa: E731
J_OFF = lambda y, i, j, b: -y[i - 1] * y[j - 1]                        # noqa: E731
J_DELTA = lambda y, i, j, b: y[i - 1] * dlt(i, j)                      # noqa: E731
NEQ = lambda i, j: i != j                                              # noqa: E731
EQ = lambda i, j: i == j                                               # noqa: E731
SIGD = lambda x: sigmoid(x) * (1 - sigmoid(x))                         # noqa: E731
CHAIN_T = lambda y, g, k, z: y[k - 1] * (g[k - 1] - sum(gj * yj for gj, yj in zip(g, y)))  # noqa: E731

# ====================================================================== 1. letter runs
def _softmax_value(rhs):
    def gen(K):
        z = logits(K)
        y = softmax(z)
        for (j,) in rng(K, 1):
            yield {"j": j}, y[j - 1], rhs(z, j, K)
    return gen


reg("word-softmax-def-T", _softmax_value(
    lambda z, j, K: exp(z[j - 1]) / sum(exp(zk) for zk in z)))
reg("word-softmax-def-F", _softmax_value(   # Σ_k e^{z_j}: k does not occur, K equal terms
    lambda z, j, K: exp(z[j - 1]) / sum(exp(z[j - 1]) for _ in range(K))))
reg("word-mathrm-softmax-jac-T", jac(J_TRUE))
reg("word-mathrm-softmax-jac-F", jac(J_DIAGF))
reg("word-operatorname-given-T", jac(J_TRUE))
reg("word-operatorname-given-F", jac(J_OFF))


def _softmax_sum(rhs):
    def gen(K):
        y = softmax(logits(K))
        yield {}, sum(y), rhs(K)
    return gen


reg("word-operatorname-sum-T", _softmax_sum(lambda K: 1))
reg("word-operatorname-sum-F", _softmax_sum(lambda K: K))
reg("word-softmax-shift-T", _softmax_value(
    lambda z, j, K: exp(z[j - 1] - z[0]) / sum(exp(zk - z[0]) for zk in z)))
reg("word-softmax-shift-F", _softmax_value(
    lambda z, j, K: exp(z[j - 1] - z[0]) / sum(exp(zk) for zk in z)))
reg("word-text-sigmoid-def-T", scalar(lambda x: (sigmoid(x), 1 / (1 + exp(-x)))), SCALAR)
reg("word-text-sigmoid-def-F", scalar(lambda x: (sigmoid(x), 1 / (1 + exp(x)))), SCALAR)
reg("word-sigmoid-bare-deriv-T", d_dx(sigmoid, SIGD), SCALAR)
reg("word-sigmoid-bare-deriv-F", d_dx(sigmoid, lambda x: sigmoid(x) * (1 + sigmoid(x))), SCALAR)
reg("word-sigma-catalogue-deriv-T", d_dx(sigmoid, SIGD), SCALAR)
reg("word-sigma-catalogue-deriv-F", d_dx(sigmoid, lambda x: sigmoid(x) ** 2), SCALAR)
reg("word-sigma-catalogue-symm-T", scalar(lambda x: (sigmoid(-x), 1 - sigmoid(x))), SCALAR)
reg("word-sigma-catalogue-symm-F", scalar(lambda x: (sigmoid(-x), -sigmoid(x))), SCALAR)
reg("word-sigma-defined-prime-T", d_dx(sigmoid, SIGD), SCALAR)
reg("word-sigma-defined-prime-F", d_dx(sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(-x))), SCALAR)
reg("word-tanh-sigma-T", scalar(lambda x: (tanh(x), 2 * sigmoid(2 * x) - 1)), SCALAR)
reg("word-tanh-sigma-F", scalar(lambda x: (tanh(x), 2 * sigmoid(x) - 1)), SCALAR)
reg("word-tanh-exp-T", scalar(lambda x: (tanh(x), (exp(x) - exp(-x)) / (exp(x) + exp(-x)))), SCALAR)
reg("word-tanh-exp-F", scalar(lambda x: (tanh(x), (exp(x) - exp(-x)) / 2)), SCALAR)
reg("word-relu-max-T", scalar(lambda x: (Max(0, x), Max(x, 0)), "plain"), SCALAR)
reg("word-relu-odd-T", scalar(lambda x: (Max(0, x) - Max(0, -x), x), "plain"), SCALAR)
reg("word-relu-abs-F", scalar(lambda x: (Max(0, x) + Max(0, -x), x), "plain"), SCALAR)
reg("word-max-abs-T", scalar(lambda x: (Max(0, x), (x + Abs(x)) / 2), "plain"), SCALAR)
reg("word-max-abs-F", scalar(lambda x: (Max(0, x), (x - Abs(x)) / 2), "plain"), SCALAR)


def _lse_grad(rhs):
    def gen(K):
        z = logits(K)
        lse = log(sum(exp(zk) for zk in z))
        for (j,) in rng(K, 1):
            yield {"j": j}, sp.diff(lse, z[j - 1]), rhs(z, j)
    return gen


reg("word-lse-grad-T", _lse_grad(lambda z, j: exp(z[j - 1]) / sum(exp(zk) for zk in z)))
reg("word-lse-grad-F", _lse_grad(lambda z, j: 1 / sum(exp(zk) for zk in z)))
reg("word-logsumexp-grad-T", _lse_grad(lambda z, j: softmax(z)[j - 1]))
reg("word-logsumexp-grad-F", _lse_grad(lambda z, j: exp(z[j - 1])))


def _lse_value(lhs, rhs):
    def gen(K):
        z = logits(K)
        lse = log(sum(exp(zk) for zk in z))
        y = softmax(z)
        for (i,) in rng(K, 1):
            yield {"i": i}, lhs(z, y, lse, i), rhs(z, y, lse, i)
    return gen


reg("word-lse-def-T", _lse_value(lambda z, y, lse, i: lse,
                                 lambda z, y, lse, i: log(sum(exp(zk) for zk in z))))
reg("word-lse-logsoftmax-T", _lse_value(lambda z, y, lse, i: log(y[i - 1]),
                                        lambda z, y, lse, i: z[i - 1] - lse))
reg("word-lse-logsoftmax-F", _lse_value(lambda z, y, lse, i: log(y[i - 1]),
                                        lambda z, y, lse, i: z[i - 1] + lse))

# ====================================================================== 2. application
reg("app-p-jac-T", jac(J_TRUE))
reg("app-p-jac-F", jac(J_DIAGF))
reg("app-p-applied-jac-T", jac(J_TRUE))
reg("app-p-applied-jac-F", jac(lambda y, i, j, b: y[i - 1] * (dlt(i, j) + y[j - 1])))
reg("app-p-offdiag-T", jac(J_OFF, NEQ))
reg("app-p-offdiag-F", jac(J_OFF, EQ))
reg("app-p-sum-T", _softmax_sum(lambda K: 1))


@case("app-p-sum-deriv-F")
def _app_p_sum_deriv(K):
    z = logits(K)
    p = softmax(z)
    for (j,) in rng(K, 1):
        yield {"j": j}, sum(sp.diff(pi, z[j - 1]) for pi in p), sp.Integer(1)


reg("app-sigma-deriv-T", d_dx(sigmoid, SIGD), SCALAR)
reg("app-sigma-deriv-F", d_dx(sigmoid, lambda x: sigmoid(x) * (1 - x)), SCALAR)
reg("app-sigma-product-T", scalar(lambda x: (SIGD(x), sigmoid(x) * sigmoid(-x))), SCALAR)
reg("app-sigma-product-F", scalar(lambda x: (SIGD(x), sigmoid(x) ** 2)), SCALAR)
f = lambda x: x ** 2 + 3 * x                                           # noqa: E731
reg("app-f-deriv-T", d_dx(f, lambda x: 2 * x + 3, "plain"), SCALAR)
reg("app-f-deriv-F", d_dx(f, lambda x: 2 * x, "plain"), SCALAR)
reg("app-f-prime-T", d_dx(f, lambda x: 2 * x + 3, "plain"), SCALAR)
reg("app-f-prime-F", d_dx(f, lambda x: x ** 2 + 3, "plain"), SCALAR)
reg("app-f-shift-T", scalar(lambda x: (f(x + 1), x ** 2 + 5 * x + 4), "plain"), SCALAR)
reg("app-f-shift-F", scalar(lambda x: (f(x + 1), f(x) + 1), "plain"), SCALAR)
reg("app-f-product-T", scalar(lambda x: (f(x) * (x + 1), x ** 3 + 4 * x ** 2 + 3 * x), "plain"),
    SCALAR)
reg("app-f-product-F", scalar(lambda x: (f(x) * (x + 1), x ** 3 + 3 * x ** 2 + 3 * x), "plain"),
    SCALAR)
reg("app-f-value-T", const(f(sp.Integer(2)), 10), SCALAR)
reg("app-f-value-F", const(f(sp.Integer(2)), 7), SCALAR)
reg("app-s-deriv-T", d_dx(sigmoid, SIGD), SCALAR)
reg("app-s-deriv-F", d_dx(sigmoid, lambda x: sigmoid(x) * (1 - x)), SCALAR)
reg("app-s-symm-T", scalar(lambda x: (sigmoid(x) + sigmoid(-x), 1)), SCALAR)
reg("app-s-odd-F", scalar(lambda x: (sigmoid(-x), -sigmoid(x))), SCALAR)
reg("app-generic-chain-T", generic_softmax(
    lambda y, g, k, z: sum(g[j] * sp.diff(y[j], z[k - 1]) for j in range(len(y)))))
reg("app-generic-onepath-F", generic_softmax(
    lambda y, g, k, z: g[k - 1] * y[k - 1] * (1 - y[k - 1])))
reg("app-generic-applied-T", generic_softmax(
    lambda y, g, k, z: sum(g[j - 1] * y[j - 1] * (dlt(j, k) - y[k - 1])
                           for j in range(1, len(y) + 1))))
reg("app-generic-applied-transpose-T", generic_softmax(   # ∂y_k/∂z_j: symmetric
    lambda y, g, k, z: sum(g[j - 1] * y[k - 1] * (dlt(j, k) - y[j - 1])
                           for j in range(1, len(y) + 1))))
reg("app-generic-applied-F", generic_softmax(
    lambda y, g, k, z: sum(g[j - 1] * y[j - 1] * (1 - y[k - 1]) for j in range(1, len(y) + 1))))


def generic_sigmoid(rhs):
    """∂L/∂z_k for a generic L(y), y_i = σ(z_i) elementwise."""
    def gen(K):
        z, g = logits(K), vec("g", K)
        y = [sigmoid(x) for x in z]
        for (k,) in rng(K, 1):
            lhs = sum(g[j] * sp.diff(y[j], z[k - 1]) for j in range(K))
            yield {"k": k}, lhs, rhs(y, g, k, z)
    return gen


reg("app-generic-sigmoid-T", generic_sigmoid(lambda y, g, k, z: g[k - 1] * y[k - 1] * (1 - y[k - 1])))
reg("app-generic-sigmoid-F", generic_sigmoid(lambda y, g, k, z: g[k - 1] * y[k - 1]))

# ====================================================================== 3. δ or d for ∂


def _half_mse_o(rhs, name="o"):
    def gen(K):
        o, t = vec(name, K), vec("t", K)
        E = Rational(1, 2) * sum((o[k] - t[k]) ** 2 for k in range(K))
        for (j,) in rng(K, 1):
            yield {"j": j}, sp.diff(E, o[j - 1]), rhs(o, t, j)
    return gen


reg("dee-delta-mse-T", _half_mse_o(lambda o, t, j: o[j - 1] - t[j - 1]))
reg("dee-delta-mse-F", _half_mse_o(lambda o, t, j: t[j - 1] - o[j - 1]))
reg("dee-delta-ce-T", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], True))
reg("dee-delta-onepath-F", generic_softmax(
    lambda y, g, k, z: g[k - 1] * sp.diff(y[k - 1], z[k - 1])))
reg("dee-delta-allpaths-T", generic_softmax(
    lambda y, g, k, z: sum(g[j] * sp.diff(y[j], z[k - 1]) for j in range(len(y)))))


@case("dee-delta-onepath-ce-F")
def _onepath_ce(K):
    z, t = logits(K), vec("t", K)
    y = softmax(z)
    s = sum_to_one(t)
    L = -sum(t[k] * log(y[k]) for k in range(K))
    Y = vec("Y", K)                       # ∂L/∂y_j holds the other y fixed
    LY = -sum(t[k] * log(Y[k]) for k in range(K))
    for (j,) in rng(K, 1):
        dLdy = sp.diff(LY, Y[j - 1]).xreplace(dict(zip(Y, y)))
        yield {"j": j}, sub(sp.diff(L, z[j - 1]), s), sub(dLdy * sp.diff(y[j - 1], z[j - 1]), s)


reg("dee-delta-onepath-sigmoid-T", generic_sigmoid(
    lambda y, g, k, z: g[k - 1] * sp.diff(y[k - 1], z[k - 1])))


@case("dee-delta-diag-T")
def _diag(K):
    z = logits(K)
    y = softmax(z)
    for (j,) in rng(K, 1):
        yield {"j": j}, sp.diff(y[j - 1], z[j - 1]), y[j - 1] * (1 - y[j - 1])


reg("dee-delta-offdiag-F", jac(J_DIAGF))
reg("dee-delta-jac-kronecker-T", jac(J_TRUE))
reg("dee-delta-jac-kronecker-F", jac(J_DELTA))


def _ce_output(rhs):
    def gen(K):
        o, t = vec("o", K), vec("t", K)
        E = -sum(t[k] * log(o[k]) for k in range(K))
        for (j,) in rng(K, 1):
            yield {"j": j}, sp.diff(E, o[j - 1]), rhs(o, t, j, K)
    return gen


reg("dee-delta-E-output-T", _ce_output(lambda o, t, j, K: -t[j - 1] / o[j - 1]))
reg("dee-delta-E-output-F", _ce_output(
    lambda o, t, j, K: -t[j - 1] / o[j - 1] - sum(t[k - 1] / o[k - 1]
                                                  for k in range(1, K + 1) if k != j)))


def _scalar_zt(L, rhs):
    def gen(K):
        z, t = sym("z"), sym("t")
        yield {}, sp.diff(L(z, t), z), rhs(z, t)
    return gen


reg("dee-dLdz-half-T", _scalar_zt(lambda z, t: Rational(1, 2) * (z - t) ** 2, lambda z, t: z - t),
    SCALAR)
reg("dee-dLdz-half-F", _scalar_zt(lambda z, t: Rational(1, 2) * (z - t) ** 2,
                                  lambda z, t: 2 * (z - t)), SCALAR)
reg("dee-dLdz-chain-T", _scalar_zt(lambda z, t: (3 * z + 1 - t) ** 2,
                                   lambda z, t: 6 * ((3 * z + 1) - t)), SCALAR)
reg("dee-dLdz-chain-F", _scalar_zt(lambda z, t: (3 * z + 1 - t) ** 2,
                                   lambda z, t: 2 * ((3 * z + 1) - t)), SCALAR)
reg("dee-d-sigma-T", d_dx(sigmoid, SIGD), SCALAR)
reg("dee-d-sigma-given-F", d_dx(sigmoid, sigmoid), SCALAR)
reg("dee-d-bracket-T", d_dx(lambda x: x ** 2 + 1, lambda x: 2 * x, "plain"), SCALAR)
reg("dee-d-bracket-F", d_dx(lambda x: x ** 2 + 1, lambda x: 2 * x + 1, "plain"), SCALAR)
reg("dee-d-paren-T", d_dx(lambda x: x ** 3 - 2 * x, lambda x: 3 * x ** 2 - 2, "plain"), SCALAR)
reg("dee-d-paren-F", d_dx(lambda x: x ** 3 - 2 * x, lambda x: 3 * x ** 2 - 2 * x, "plain"), SCALAR)
reg("dee-d-exp-T", d_dx(lambda x: exp(2 * x), lambda x: 2 * exp(2 * x)), SCALAR)
reg("dee-d-exp-F", d_dx(lambda x: exp(2 * x), lambda x: exp(2 * x)), SCALAR)
reg("dee-d-softplus-T", d_dx(lambda x: log(1 + exp(x)), sigmoid), SCALAR)
reg("dee-d-softplus-F", d_dx(lambda x: log(1 + exp(x)), lambda x: 1 / (1 + exp(x))), SCALAR)


def _tanh_chain(rhs):
    def gen(K):
        z, t, H = sym("z", "log"), sym("t"), sym("H")
        h = tanh(z)
        L = (h - t) ** 2
        dLdh = sp.diff((H - t) ** 2, H).xreplace({H: h})
        yield {}, sp.diff(L, z), rhs(dLdh, sp.diff(h, z))
    return gen


reg("dee-tanh-chain-T", _tanh_chain(lambda dLdh, dhdz: dLdh * dhdz), SCALAR)
reg("dee-tanh-chain-F", _tanh_chain(lambda dLdh, dhdz: dLdh), SCALAR)

# ====================================================================== 4. sums


def _diag_sum(rhs):
    def gen(K):
        z = logits(K)
        y = softmax(z)
        for (i,) in rng(K, 1):
            yield {"i": i}, sp.diff(y[i - 1], z[i - 1]), rhs(y, i, K)
    return gen


reg("sum-kneqi-diag-T", _diag_sum(
    lambda y, i, K: y[i - 1] * sum(y[k - 1] for k in range(1, K + 1) if k != i)))
reg("sum-kneqi-diag-F", _diag_sum(lambda y, i, K: y[i - 1] * sum(y)))


def _column_sum(rhs, skip_diag):
    def gen(K):
        z = logits(K)
        y = softmax(z)
        for (k,) in rng(K, 1):
            lhs = sum(sp.diff(y[j - 1], z[k - 1]) for j in range(1, K + 1)
                      if not (skip_diag and j == k))
            yield {"k": k}, lhs, rhs(y, k)
    return gen


reg("sum-jnotk-T", _column_sum(lambda y, k: -y[k - 1] * (1 - y[k - 1]), True))
reg("sum-jnotk-F", _column_sum(lambda y, k: -y[k - 1] ** 2, True))
reg("sum-columns-T", _column_sum(lambda y, k: 0, False))
reg("sum-columns-F", _column_sum(lambda y, k: 1, False))
reg("sum-bare-ez-T", jac(J_TRUE))
reg("sum-bare-ez-F", jac(J_DELTA))


def _softmax_sums(lhs, rhs):
    def gen(K):
        y = softmax(logits(K))
        yield {}, lhs(y, K), rhs(y, K)
    return gen


reg("sum-bare-k-T", _softmax_sums(lambda y, K: sum(y), lambda y, K: 1))
reg("sum-bare-k-F", _softmax_sums(lambda y, K: sum(v ** 2 for v in y), lambda y, K: 1))
reg("sum-partial-bounds-T", _softmax_sums(lambda y, K: sum(y[k - 1] for k in range(2, K + 1)),
                                          lambda y, K: 1 - y[0]))
reg("sum-partial-bounds-F", _softmax_sums(lambda y, K: sum(y[k - 1] for k in range(2, K + 1)),
                                          lambda y, K: 1 - y[1]))
reg("sum-top-bound-T", _softmax_sums(lambda y, K: sum(y[k - 1] for k in range(1, K)),
                                     lambda y, K: 1 - y[K - 1]))
reg("sum-top-bound-F", _softmax_sums(lambda y, K: sum(y[k - 1] for k in range(1, K)),
                                     lambda y, K: y[K - 1]))


def _mse_n(rhs):
    """L = 1/(2N) Σ_{n=1}^{N} (y_n - t_n)^2 at N = K."""
    def gen(N):
        y, t = vec("y", N), vec("t", N)
        L = Rational(1, 2 * N) * sum((y[n] - t[n]) ** 2 for n in range(N))
        for (n,) in rng(N, 1):
            yield {"N": N, "n": n}, sp.diff(L, y[n - 1]), rhs(y, t, n, N)
    return gen


N_ONE = (1,)            # --where 'N = 1'
N_ALL = (1, 2, 3, 4)
reg("sum-N1-mse-T", _mse_n(lambda y, t, n, N: y[n - 1] - t[n - 1]), N_ONE)
reg("sum-N1-mse-F", _mse_n(lambda y, t, n, N: y[n - 1] - t[n - 1]), N_ALL)
reg("sum-N-mse-T", _mse_n(lambda y, t, n, N: (y[n - 1] - t[n - 1]) / N), N_ALL)
reg("sum-N1-mse-twice-F", _mse_n(lambda y, t, n, N: 2 * (y[n - 1] - t[n - 1])), N_ONE)


def _lsq(rhs):
    """L = Σ_{n=1}^{N} (w x_n - t_n)^2 at N = K; ∂L/∂w."""
    def gen(N):
        w, x, t = sym("w"), vec("x", N), vec("t", N)
        L = sum((w * x[n] - t[n]) ** 2 for n in range(N))
        yield {"N": N}, sp.diff(L, w), rhs(w, x, t, N)
    return gen


reg("sum-N1-linreg-T", _lsq(lambda w, x, t, N: 2 * x[0] * (w * x[0] - t[0])), N_ONE)
reg("sum-N1-linreg-F", _lsq(lambda w, x, t, N: 2 * (w * x[0] - t[0])), N_ONE)
reg("sum-N-linreg-T", _lsq(lambda w, x, t, N: 2 * sum(x[n] * (w * x[n] - t[n]) for n in range(N))),
    N_ALL)
reg("sum-N-linreg-F", _lsq(lambda w, x, t, N: 2 * sum(w * x[n] - t[n] for n in range(N))), N_ALL)
reg("sum-reuse-free-T", _diag_sum(lambda y, k, K: y[k - 1] * (1 - y[k - 1])))
reg("sum-reuse-free-F", _diag_sum(lambda y, k, K: y[k - 1]))
reg("sum-reuse-lse-T", _lse_grad(lambda z, k: exp(z[k - 1]) / sum(exp(zk) for zk in z)))
reg("sum-reuse-lse-F", _lse_grad(lambda z, k: 1 / sum(exp(zk) for zk in z)))


@case("sum-delta-collapse-T")
def _collapse_t(K):
    y = softmax(logits(K))
    for (j,) in rng(K, 1):
        yield {"j": j}, sum(dlt(i, j) * y[i - 1] for i in range(1, K + 1)), y[j - 1]


@case("sum-delta-collapse-F")
def _collapse_f(K):
    y = softmax(logits(K))
    for i, j in rng(K, 2):   # the right side's i is free: the claim is for all i and j
        yield {"i": i, "j": j}, sum(dlt(m, j) * y[m - 1] for m in range(1, K + 1)), y[i - 1]


def _jac_rows(defined: bool):
    def gen(K):
        y = softmax(logits(K)) if defined else vec("y", K)
        for (j,) in rng(K, 1):
            yield {"j": j}, sum(y[i - 1] * (dlt(i, j) - y[j - 1]) for i in range(1, K + 1)), 0
    return gen


reg("sum-jac-rows-T", _jac_rows(True))
reg("sum-jac-rows-nogiven-F", _jac_rows(False))


def _t_rest(sum_t_one: bool):
    def gen(K):
        t = vec("t", K)
        s = sum_to_one(t) if sum_t_one else {}
        for (j,) in rng(K, 1):
            lhs = sum(t[k - 1] for k in range(1, K + 1) if k != j)
            yield {"j": j}, sub(lhs, s), sub(1 - t[j - 1], s)
    return gen


reg("sum-t-rest-T", _t_rest(True))
reg("sum-t-rest-F", _t_rest(False))

# ====================================================================== 5. decorations
reg("deco-color-T", jac(J_TRUE))
reg("deco-color-F", jac(J_DIAGF))
reg("deco-textcolor-T", jac(J_TRUE))
reg("deco-large-T", jac(J_TRUE))
reg("deco-large-F", jac(J_DELTA))
reg("deco-tag-T", jac(J_TRUE))
reg("deco-tag-F", jac(lambda y, i, j, b: y[i - 1] * dlt(i, j) - y[j - 1]))
reg("deco-displaystyle-T", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], True))
reg("deco-displaystyle-F", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], False))
reg("deco-left-right-T", jac(J_TRUE))
reg("deco-left-right-F", jac(lambda y, i, j, b: y[i - 1] * (y[j - 1] - dlt(i, j))))
reg("deco-Big-T", generic_softmax(CHAIN_T))
reg("deco-Big-F", generic_softmax(
    lambda y, g, k, z: g[k - 1] - sum(gj * yj for gj, yj in zip(g, y))))
reg("deco-spacing-T", jac(J_TRUE))
reg("deco-spacing-F", jac(J_OFF))
reg("deco-hat-T", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], True))
reg("deco-hat-F", ce_fused(lambda y, t, k: t[k - 1] - y[k - 1], True))
reg("deco-ell-T", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], True))


@case("deco-ell-F")
def _ell_dy(K):
    """∂ℓ/∂y_k with ℓ = -Σ t_k ln y_k (other y fixed), then y = softmax(z)."""
    z, t, Y = logits(K), vec("t", K), vec("Y", K)
    y = softmax(z)
    ell = -sum(t[k] * log(Y[k]) for k in range(K))
    for (k,) in rng(K, 1):
        back = dict(zip(Y, y))
        yield {"k": k}, sp.diff(ell, Y[k - 1]).xreplace(back), -1 / y[k - 1]


def _half_mse_y(rhs, scale=Rational(1, 2)):
    def gen(K):
        y, t = vec("y", K), vec("t", K)
        s = scale(K) if callable(scale) else scale
        L = s * sum((y[k] - t[k]) ** 2 for k in range(K))
        for (k,) in rng(K, 1):
            yield {"k": k}, sp.diff(L, y[k - 1]), rhs(y, t, k, K)
    return gen


reg("deco-mathcal-T", _half_mse_y(lambda y, t, k, K: y[k - 1] - t[k - 1]))
reg("deco-mathcal-F", _half_mse_y(lambda y, t, k, K: 2 * (y[k - 1] - t[k - 1])))
reg("deco-brackets-T", jac(J_TRUE))
reg("deco-brackets-swap-T", jac(lambda y, i, j, b: y[j - 1] * (dlt(i, j) - y[i - 1])))
reg("deco-brackets-F", jac(lambda y, i, j, b: y[i - 1] * (dlt(i, j) - y[i - 1])))
reg("deco-mathbf-pa-T", jac(J_TRUE, name="a"))
reg("deco-mathbf-pa-F", jac(J_DELTA, name="a"))
reg("deco-exp-left-T", jac(J_TRUE))
reg("deco-mathrm-d-T", d_dx(lambda x: x ** 2 + 1, lambda x: 2 * x, "plain"), SCALAR)
reg("deco-mathrm-d-F", d_dx(lambda x: x ** 2 + 1, lambda x: x, "plain"), SCALAR)

# ====================================================================== 6. standard results
reg("std-jac-beta-T", jac(J_BETA, beta_kind="int"))
reg("std-jac-beta-value-T", jac(lambda y, i, j, b: 2 * y[i - 1] * (dlt(i, j) - y[j - 1]), beta=2))
reg("std-jac-T", jac(J_TRUE))
reg("std-jac-partial-sub-T", jac(J_TRUE))
reg("std-jac-offdiag-T", jac(J_OFF, NEQ))
reg("std-jac-diag-T", jac(lambda y, i, j, b: y[i - 1] * (1 - y[i - 1]), EQ))
reg("std-ce-fused-T", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], True))
reg("std-ce-fused-F", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], False))
reg("std-ce-fused-ln-T", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], True))
reg("std-ce-general-T", ce_fused(lambda y, t, k: y[k - 1] * sum(t) - t[k - 1], False))


@case("std-ce-dy-T")
def _ce_dy(K):
    z, t, Y = logits(K), vec("t", K), vec("Y", K)
    y = softmax(z)
    L = -sum(t[k] * log(Y[k]) for k in range(K))
    for (k,) in rng(K, 1):
        yield {"k": k}, sp.diff(L, Y[k - 1]).xreplace(dict(zip(Y, y))), -t[k - 1] / y[k - 1]


reg("std-mse-half-T", _half_mse_y(lambda y, t, k, K: y[k - 1] - t[k - 1]))
reg("std-mse-nohalf-T", _half_mse_y(lambda y, t, k, K: 2 * (y[k - 1] - t[k - 1]), 1))
reg("std-mse-mean-T", _half_mse_y(lambda y, t, k, K: Rational(2, K) * (y[k - 1] - t[k - 1]),
                                  lambda K: Rational(1, K)))
reg("std-sigmoid-deriv-T", d_dx(sigmoid, SIGD), SCALAR)
reg("std-tanh-deriv-T", d_dx(tanh, lambda x: 1 - tanh(x) ** 2), SCALAR)
reg("std-tanh-deriv-alt-T", d_dx(tanh, lambda x: 1 - tanh(x) ** 2), SCALAR)
reg("std-tanh-deriv-cosh-T", d_dx(tanh, lambda x: 4 / (exp(x) + exp(-x)) ** 2), SCALAR)


def _logsoftmax(rhs, written_out=False):
    def gen(K):
        z = logits(K)
        y = softmax(z)
        for i, j in rng(K, 2):
            f_ = z[i - 1] - log(sum(exp(zk) for zk in z)) if written_out else log(y[i - 1])
            yield {"i": i, "j": j}, sp.diff(f_, z[j - 1]), rhs(y, z, i, j)
    return gen


reg("std-logsoftmax-T", _logsoftmax(lambda y, z, i, j: dlt(i, j) - y[j - 1]))
reg("std-logsoftmax-direct-T", _logsoftmax(
    lambda y, z, i, j: dlt(i, j) - exp(z[j - 1]) / sum(exp(zk) for zk in z), True))


def _bce(rhs):
    def gen(K):
        z, t = sym("z", "log"), sym("t")
        y = sigmoid(z)
        L = -t * log(y) - (1 - t) * log(1 - y)
        yield {}, sp.diff(L, z), rhs(z, t, y)
    return gen


reg("std-bce-sigmoid-T", _bce(lambda z, t, y: sigmoid(z) - t), SCALAR)
reg("std-bce-sigmoid-y-T", _bce(lambda z, t, y: y - t), SCALAR)
reg("std-bce-defined-T", _bce(lambda z, t, y: sigmoid(z) - t), SCALAR)


def _linear(wrt, rhs):
    """y_i = Σ_j W_ij x_j + b_i (K×K); ∂y_i/∂(wrt)."""
    def gen(K):
        Wm, x, b = mat("W", K), vec("x", K), vec("b", K)
        y = [sum(Wm[i][j] * x[j] for j in range(K)) + b[i] for i in range(K)]
        if wrt == "W":
            for i, a, c in rng(K, 3):
                yield {"i": i, "a": a, "b": c}, sp.diff(y[i - 1], Wm[a - 1][c - 1]), rhs(Wm, x, i, a, c)
        else:
            v = x if wrt == "x" else b
            for i, a in rng(K, 2):
                yield {"i": i, "a": a}, sp.diff(y[i - 1], v[a - 1]), rhs(Wm, x, i, a, None)
    return gen


reg("std-linear-W-T", _linear("W", lambda W, x, i, a, c: dlt(i, a) * x[c - 1]))
reg("std-linear-x-T", _linear("x", lambda W, x, i, a, c: W[i - 1][a - 1]))
reg("std-linear-b-T", _linear("b", lambda W, x, i, a, c: dlt(i, a)))


def _linear_loss(wrt, rhs):
    """∂L/∂W_ab or ∂L/∂x_a for a generic L(y), y = Wx + b; g_i = ∂L/∂y_i."""
    def gen(K):
        Wm, x, b, g = mat("W", K), vec("x", K), vec("b", K), vec("g", K)
        y = [sum(Wm[i][j] * x[j] for j in range(K)) + b[i] for i in range(K)]
        if wrt == "W":
            for a, c in rng(K, 2):
                lhs = sum(g[i] * sp.diff(y[i], Wm[a - 1][c - 1]) for i in range(K))
                yield {"a": a, "b": c}, lhs, rhs(Wm, x, g, a, c)
        else:
            for (a,) in rng(K, 1):
                lhs = sum(g[i] * sp.diff(y[i], x[a - 1]) for i in range(K))
                yield {"a": a}, lhs, rhs(Wm, x, g, a, None)
    return gen


reg("std-linear-loss-W-T", _linear_loss("W", lambda W, x, g, a, c: g[a - 1] * x[c - 1]))
reg("std-linear-loss-x-T", _linear_loss(
    "x", lambda W, x, g, a, c: sum(g[i] * W[i][a - 1] for i in range(len(x)))))
reg("std-chain-any-T", generic_softmax(CHAIN_T))
reg("std-kron-1ij-T", jac(J_TRUE))


def _kron_sum_enc(rhs):
    def gen(K):
        for (i,) in rng(K, 1):
            yield {"i": i}, sp.Integer(sum(dlt(i, j) for j in range(1, K + 1))), sp.Integer(rhs(K))
    return gen


reg("std-kron-sum-T", _kron_sum_enc(lambda K: 1))
reg("std-kron-sum-F", _kron_sum_enc(lambda K: K))


def _kron_product(rhs):
    def gen(K):
        for i, j, k in rng(K, 3):
            yield {"i": i, "j": j, "k": k}, sp.Integer(dlt(i, j) * dlt(j, k)), sp.Integer(rhs(i, j, k))
    return gen


reg("std-kron-product-T", _kron_product(lambda i, j, k: dlt(i, j) * dlt(i, k)))
reg("std-kron-product-F", _kron_product(lambda i, j, k: dlt(i, k)))

# ====================================================================== 7. slips
reg("slip-sign-jac-F", jac(lambda y, i, j, b: y[i - 1] * (y[j - 1] - dlt(i, j))))
reg("slip-sign-ce-F", ce_fused(lambda y, t, k: t[k - 1] - y[k - 1], True))
reg("slip-missing-beta-F", jac(J_TRUE, beta_kind="int"))
reg("slip-beta-squared-F", jac(lambda y, i, j, b: b ** 2 * y[i - 1] * (dlt(i, j) - y[j - 1]),
                               beta_kind="int"))
reg("slip-beta-where-F", jac(J_TRUE, beta=2))
reg("slip-beta-one-T", jac(J_TRUE, beta=1))
reg("slip-squared-jac-F", jac(lambda y, i, j, b: y[i - 1] * (dlt(i, j) - y[j - 1] ** 2)))
reg("slip-tanh-diag-F", jac(lambda y, i, j, b: 1 - y[i - 1] ** 2, EQ))
reg("slip-factor2-halfmse-F", _half_mse_y(lambda y, t, k, K: 2 * (y[k - 1] - t[k - 1])))
reg("slip-missing-2-mse-F", _half_mse_y(lambda y, t, k, K: y[k - 1] - t[k - 1], 1))
reg("slip-mse-mean-F", _half_mse_y(lambda y, t, k, K: 2 * (y[k - 1] - t[k - 1]),
                                   lambda K: Rational(1, K)))
reg("slip-transposed-F", jac(lambda y, i, j, b: y[j - 1] * (dlt(i, j) - y[j - 1])))
reg("slip-transposed-delta-T", jac(lambda y, i, j, b: dlt(i, j) * y[j - 1] - y[i - 1] * y[j - 1]))
reg("slip-transposed-inner-F", jac(lambda y, i, j, b: y[i - 1] * (dlt(i, j) - y[i - 1])))
reg("slip-wrong-case-F", jac(J_DIAGF, NEQ))
reg("slip-wrong-case-F2", jac(J_OFF, EQ))
reg("slip-wrong-case-T", jac(J_DIAGF, EQ))
reg("slip-general-on-case-T", jac(J_TRUE, NEQ))
reg("slip-missing-sum-F", generic_softmax(
    lambda y, g, k, z: y[k - 1] * (g[k - 1] - g[k - 1] * y[k - 1])))
reg("slip-sum-index-F", generic_softmax(
    lambda y, g, k, z: y[k - 1] * (g[k - 1] - sum(gj * y[k - 1] for gj in g))))
reg("slip-onepath-ce-F", ce_fused(lambda y, t, k: -t[k - 1] * (1 - y[k - 1]), False))
reg("slip-sigmoid-sign-F", d_dx(sigmoid, lambda x: sigmoid(x) * (sigmoid(x) - 1)), SCALAR)
reg("slip-tanh-plus-F", d_dx(tanh, lambda x: 1 + tanh(x) ** 2), SCALAR)
reg("slip-tanh-sigmoidlike-F", d_dx(tanh, lambda x: tanh(x) * (1 - tanh(x))), SCALAR)
reg("slip-bce-sign-F", _bce(lambda z, t, y: t - sigmoid(z)), SCALAR)
reg("slip-linear-W-F", _linear("W", lambda W, x, i, a, c: dlt(i, c) * x[a - 1]))
reg("slip-linear-x-F", _linear("x", lambda W, x, i, a, c: W[a - 1][i - 1]))
reg("slip-linear-b-F", _linear("b", lambda W, x, i, a, c: 1))
reg("slip-logsoftmax-F", _logsoftmax(lambda y, z, i, j: dlt(i, j) - y[i - 1]))
reg("slip-logsoftmax-F2", _logsoftmax(lambda y, z, i, j: 1 - y[j - 1]))
reg("slip-ce-other-letter-T", ce_fused(lambda y, t, k: y[k - 1] - t[k - 1], True))
reg("slip-kron-1ineq-F", jac(lambda y, i, j, b: y[i - 1] * ((1 - dlt(i, j)) - y[j - 1])))


# ------------------------------------------------------------------------------ checking
def random_value(kind: str, r: random.Random):
    if kind == "int":
        return sp.Integer(r.choice([1, 2, 3, -1, -2]))
    if kind == "log":   # z = ln(p/q): e^z = p/q exactly
        return log(Rational(r.randint(1, 9), r.randint(1, 5)))
    p = 0
    while p == 0:
        p = r.randint(-9, 9)
    return Rational(p, r.randint(1, 5))


def prepare(e):
    e = sp.sympify(e)   # safe: SymPy objects and numbers built in this file
    return e.rewrite(sp.exp) if e.has(sp.tanh) else e


def is_zero(v) -> tuple[bool, str]:
    """Exact zero test of a number (rational, or with logs/radicals)."""
    if v.is_Rational:
        return v == 0, "exact"
    w = sp.simplify(sp.expand_log(sp.expand(v), force=True))
    if w == 0:
        return True, "exact"
    if w.is_Rational:
        return False, "exact"
    n = sp.N(w, 80)
    if not n.is_finite:
        raise ZeroDivisionError("singular point")
    return abs(n) < sp.Float("1e-60", 80), "80-digit"


def show(v) -> str:
    v = sp.nsimplify(v) if not v.is_Rational else v
    s = str(v)
    return s if len(s) < 60 else str(sp.N(v, 12))


def check_case(cid: str, label: str, verbose: bool = False) -> tuple[bool, str]:
    fn, sizes = ENCODERS[cid]
    r = random.Random(cid)
    scalar_case = sizes == SCALAR
    npts = 8 if scalar_case else 3
    symbolic = None
    for K in sizes:
        for inst, lhs, rhs in fn(K):
            lhs, rhs = prepare(lhs), prepare(rhs)
            diff = lhs - rhs
            free = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
            if label == "TRUE" and symbolic is None and K == sizes[0]:
                if sp.count_ops(diff) < 250:
                    try:
                        symbolic = sp.simplify(diff) == 0
                    except Exception:   # noqa: BLE001 — a cheap extra, not the decision
                        symbolic = False
            tries = npts if label == "TRUE" else max(npts, 8)
            done = 0
            attempts = 0
            while done < tries and attempts < 4 * tries:
                attempts += 1
                point = {s: random_value(KIND.get(s, "plain"), r) for s in free}
                try:
                    a = sp.sympify(lhs.xreplace(point))   # safe: SymPy objects
                    b = sp.sympify(rhs.xreplace(point))   # safe: SymPy objects
                    zero, how = is_zero(a - b)
                except ZeroDivisionError:
                    continue
                if a.has(sp.zoo, sp.nan) or b.has(sp.zoo, sp.nan):
                    continue
                done += 1
                where = {"K": K, **inst} if not scalar_case else dict(inst)
                pt = ", ".join(f"{s} = {show(v)}" for s, v in point.items())
                if label == "TRUE" and not zero:
                    return False, (f"TRUE label fails at {where}, {pt}: "
                                   f"lhs = {show(a)}, rhs = {show(b)}")
                if label == "FALSE" and not zero:
                    return True, (f"counterexample ({how}) at {where}, {pt}: "
                                  f"lhs = {show(a)}, rhs = {show(b)}")
                if not free:
                    break
    if label == "TRUE":
        note = "symbolic simplify: 0" if symbolic else "symbolic simplify: not tried or not 0"
        return True, f"holds at every point and size {list(sizes)} ({note})"
    return False, f"FALSE label but no counterexample at sizes {list(sizes)}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table", nargs="?", default=str(DEFAULT_TABLE))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args(argv)
    cases = json.loads(Path(args.table).read_text(encoding="utf-8"))
    ids = [c["id"] for c in cases]
    bad = 0
    if len(set(ids)) != len(ids):
        print("duplicate ids in the table")
        bad += 1
    missing = [i for i in ids if i not in ENCODERS]
    extra = [i for i in ENCODERS if i not in set(ids)]
    for i in missing:
        print(f"NO ENCODER  {i}")
    for i in extra:
        print(f"NOT IN TABLE  {i}")
    bad += len(missing) + len(extra)
    for c in cases:
        if args.only and c["id"] not in args.only:
            continue
        if c["id"] not in ENCODERS:
            continue
        ok, msg = check_case(c["id"], c["label"], args.verbose)
        if not ok:
            bad += 1
        if not ok or args.verbose or c["label"] == "FALSE":
            print(f"{'ok ' if ok else 'BAD'} {c['label']:5} {c['id']}: {msg}")
    print(f"{len(cases)} cases, {bad} problem(s)")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
