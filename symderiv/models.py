"""The models symderiv knows, as data: definitions only, no derivation code.

Each function returns a :class:`~symderiv.notation.Context` (or adds to one) holding the
definition in index notation, so derivations and checks can read it like any user's ``--given``.

>>> ctx = softmax()
>>> ctx.definition('y').rhs
exp(beta*z[i])/Sum(exp(beta*z[k]), (k, 1, K))
"""
from __future__ import annotations

from sympy import IndexedBase, Rational, Sum, Symbol, exp, log

from .notation import K as K_, Context, beta as beta_, index, size

__all__ = ["softmax", "cross_entropy", "mse", "generic_loss", "linear_layer", "Z", "Y", "T"]

Z, Y, T = IndexedBase("z"), IndexedBase("y"), IndexedBase("t")
L = Symbol("L")


def softmax(K=K_, beta=beta_, *, ctx: Context | None = None, z=Z, y=Y) -> Context:
    """y_i = e^{β z_i} / Σ_{k=1}^{K} e^{β z_k}; pass ``beta=1`` for the plain softmax."""
    i, k = index("i"), index("k")
    ctx = Context(size=K) if ctx is None else ctx
    return ctx.define(y[i], exp(beta * z[i]) / Sum(exp(beta * z[k]), (k, ctx.lower, ctx.upper)))


def cross_entropy(ctx: Context, *, y=Y, t=T, name=L, sign: int = -1) -> Context:
    """L = −Σ_k t_k log y_k (``sign=+1`` gives the sign-flipped variant some texts write)."""
    k = index("k")
    return ctx.define(name, sign * Sum(t[k] * log(y[k]), (k, ctx.lower, ctx.upper)))


def mse(ctx: Context, *, y=Y, t=T, name=L, half: bool = True) -> Context:
    """L = ½ Σ_k (y_k − t_k)² (``half=False``: without the ½)."""
    k = index("k")
    c = Rational(1, 2) if half else 1
    return ctx.define(name, c * Sum((y[k] - t[k]) ** 2, (k, ctx.lower, ctx.upper)))


def generic_loss(ctx: Context, *, on: str = "y", name=L) -> Context:
    """An undefined scalar loss L(y_1 … y_K): ∂L/∂y_j stays a primitive quantity."""
    return ctx.declare_generic(str(name), (on,))


def linear_layer(m=None, n=None, *, generic: bool = True) -> Context:
    """y_a = Σ_{c=1}^{n} W_{ac} x_c + b_a with W ∈ ℝ^{m×n}, x ∈ ℝ^n, b ∈ ℝ^m; L generic in y."""
    m = size("m") if m is None else m
    n = size("n") if n is None else n
    W, x, b, y = IndexedBase("W"), IndexedBase("x"), IndexedBase("b"), IndexedBase("y")
    a, c, d = index("a"), index("c"), index("d")
    ctx = Context(size=m)
    for name, lo, hi in (("a", 1, m), ("d", 1, m), ("c", 1, n), ("e", 1, n)):
        ctx = ctx.with_range(name, lo, hi)
    ctx = ctx.define(y[a], Sum(W[a, c] * x[c], (c, 1, n)) + b[a])
    return generic_loss(ctx) if generic else ctx
