"""The derived quantities code is judged against, as exact callables built from the theorems.

Each :class:`Target` takes its result from a derivation of :mod:`symderiv.derivations` (the
softmax Jacobian, the cross-entropy and MSE theorems, the linear layer), in index notation, and
evaluates it entry by entry at concrete sizes with exact SymPy numbers (rationals, exact
``exp``); only the comparison with a float result rounds.

>>> t = target("softmax-jacobian")
>>> import sympy
>>> t.expected({"y": [sympy.Rational(1, 2), sympy.Rational(1, 2)]}).tolist()
[[1/4, -1/4], [-1/4, 1/4]]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import sympy
from sympy import Indexed, IndexedBase, Symbol

from ..notation import K, Partial, SymderivError, beta, index
from .numbers import as_sympy

__all__ = ["Target", "TARGETS", "target", "target_names", "softmax_exact", "sigmoid_exact",
           "UnknownTarget"]


class UnknownTarget(ValueError, SymderivError):
    """A --against NAME that is not one of the derived quantities."""


@lru_cache(maxsize=None)
def _theorem(name: str):
    from ..derivations import derive
    return derive(name)


def _instantiate(expr, idx: dict, arrays: dict, scalars: dict, sizes: dict):
    """expr (index notation, indices from 1) at concrete indices and values, exactly."""
    e = expr.xreplace({**{s: sympy.Integer(v) for s, v in sizes.items()},
                       **{s: sympy.Integer(v + 1) for s, v in idx.items()}})
    if e.has(sympy.Sum):
        e = e.doit()
    rep = {}
    for atom in e.atoms(Indexed):
        vals = arrays[str(atom.base)]
        pos = tuple(int(n) - 1 for n in atom.indices)
        rep[atom] = as_sympy(np.asarray(vals, dtype=object)[pos])
    e = e.xreplace(rep).xreplace({s: as_sympy(v) for s, v in scalars.items()})
    return sympy.nsimplify(e) if e.is_Float else e


def softmax_exact(z, b=1):
    """softmax(b·z), exactly (z a sequence of SymPy rationals), the largest logit subtracted."""
    z = [as_sympy(v) for v in z]
    top = max(z)
    parts = [sympy.exp(b * (v - top)) for v in z]
    total = sum(parts)
    return [p / total for p in parts]


def sigmoid_exact(x):
    return 1 / (1 + sympy.exp(-as_sympy(x)))


_I, _J = index("i"), index("j")
_Y, _T, _G, _X, _W = (IndexedBase(n) for n in ("y", "t", "g", "x", "W"))


def _grad_for_partials(expr):
    """∂L/∂y_a of a generic loss → the upstream gradient g_a."""
    rep = {p: _G[p.x.indices] for p in expr.atoms(Partial)
           if str(p.f) == "L" and isinstance(p.x, Indexed) and str(p.x.base) == "y"}
    return expr.xreplace(rep)


@dataclass(frozen=True)
class Target:
    """A derived quantity: its roles (argument kinds) and its exact value at given values.

    roles: ``y`` probabilities (a softmax output) that may also be given as logits ``z``,
    ``s`` a sigmoid output (or its logit ``x``), ``t`` targets, ``beta`` the inverse
    temperature, ``x`` layer input, ``g`` upstream gradient ∂L/∂y, ``W`` weights.
    """

    name: str
    title: str
    theorem: str
    formula: str
    roles: tuple[str, ...]
    kind: str                      # jacobian | elementwise | vector | matrix
    _entry: Callable = field(repr=False, compare=False, default=None)
    batch: str = "rows"            # how a batch combines: rows (stack) | sum (accumulate)
    fd: str | None = None          # the finite-difference model (default: the name)

    @property
    def prob_role(self) -> str | None:
        """The role that is a softmax/sigmoid output (given as logits or as probabilities)."""
        return next((r for r in self.roles if r in ("y", "s")), None)

    def expected(self, values: dict) -> np.ndarray:
        """The exact result for one unbatched example (values by role, exact numbers)."""
        return self._entry(values)

    def expected_batch(self, rows: list[dict]) -> np.ndarray:
        outs = [self.expected(r) for r in rows]
        if self.batch == "sum":
            return sum(outs[1:], outs[0])
        return np.stack(outs)


def _softmax_jac(with_beta: bool, log: bool):
    def entry(v):
        d = _theorem("softmax-jacobian")
        expr = d.result / _Y[_I] if log else d.result
        expr = sympy.cancel(expr) if log else expr
        y = list(v["y"])
        b = v.get("beta", 1) if with_beta else 1
        n = len(y)
        out = np.empty((n, n), dtype=object)
        for a in range(n):
            for c in range(n):
                out[a, c] = _instantiate(expr, {_I: a, _J: c}, {"y": y}, {beta: b}, {K: n})
        return out
    return entry


def _sigmoid_grad(v):
    x = Symbol("x")
    deriv = sympy.diff(1 / (1 + sympy.exp(-x)), x)    # e^{-x}/(1 + e^{-x})² = σ(1 − σ)
    s = np.asarray(v["s"], dtype=object)
    # σ(1 − σ) is the derivative above rewritten in σ; check it once, exactly
    assert sympy.simplify(deriv - sigmoid_exact(x) * (1 - sigmoid_exact(x))) == 0
    return np.vectorize(lambda e: e * (1 - e), otypes=[object])(s)


def _ce_grad(v):
    d = _theorem("cross-entropy")
    k = index("k")
    y, t = list(v["y"]), list(v["t"])
    n = len(y)
    return np.array([_instantiate(d.result, {k: a}, {"y": y, "t": t}, {beta: 1}, {K: n})
                     for a in range(n)], dtype=object)


def _mse_grad(v):
    from .. import calculus, models
    ctx = models.mse(models.softmax())
    j = index("j")
    grad = calculus.collapse(calculus.total_diff(ctx.definition("L").rhs, _Y[j], ctx), ctx)
    y, t = list(v["p"]), list(v["t"])
    return np.array([_instantiate(grad, {j: a}, {"y": y, "t": t}, {}, {K: len(y)})
                     for a in range(len(y))], dtype=object)


def _linear(which: str):
    def entry(v):
        d = _theorem("linear-layer")
        a, c = index("a"), index("c")
        m = Symbol("m", integer=True, positive=True)
        if which == "W":
            expr = _grad_for_partials(d.result)
            g, x = list(v["g"]), list(v["x"])
            return np.array([[_instantiate(expr, {a: r, c: q}, {"g": g, "x": x}, {}, {})
                              for q in range(len(x))] for r in range(len(g))], dtype=object)
        case = next(cs for cs in d.cases if str(cs.lhs.x.base) == which)
        expr = _grad_for_partials(case.rhs)
        g = list(v["g"])
        if which == "b":
            return np.array([_instantiate(expr, {a: r}, {"g": g}, {}, {}) for r in range(len(g))],
                            dtype=object)
        W = np.asarray(v["W"], dtype=object)
        sizes = {s: len(g) for s in expr.free_symbols if str(s) == "m"} or {m: len(g)}
        return np.array([_instantiate(expr, {c: q}, {"g": g, "W": W}, {}, sizes)
                         for q in range(W.shape[1])], dtype=object)
    return entry


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("softmax-jacobian", "Jacobian of the softmax ∂y_i/∂z_j", "softmax-jacobian",
           "y_i(δ_ij − y_j)", ("y",), "jacobian", _softmax_jac(False, False)),
    Target("softmax-jacobian-beta", "Jacobian of y = softmax(βz)", "softmax-jacobian",
           "β y_i(δ_ij − y_j)", ("y", "beta"), "jacobian", _softmax_jac(True, False)),
    Target("log-softmax-jacobian", "Jacobian of log softmax ∂log y_i/∂z_j",
           "softmax-jacobian", "δ_ij − y_j", ("y",), "jacobian", _softmax_jac(False, True)),
    Target("sigmoid-grad", "derivative of the sigmoid σ'(x)", "σ' by differentiation",
           "σ(x)(1 − σ(x))", ("s",), "elementwise", _sigmoid_grad),
    Target("ce-grad", "gradient of softmax + cross-entropy w.r.t. the logits", "cross-entropy",
           "y_k − t_k (Σ t = 1)", ("y", "t"), "vector", _ce_grad),
    Target("mse-grad", "gradient of L = ½Σ(y_k − t_k)² w.r.t. y", "mse", "y_k − t_k",
           ("p", "t"), "vector", _mse_grad),
    Target("linear-grad-W", "∂L/∂W of y = Wx + b", "linear-layer", "g xᵀ (g_a x_c)",
           ("x", "g"), "matrix", _linear("W"), batch="sum"),
    Target("linear-grad-x", "∂L/∂x of y = Wx + b", "linear-layer", "Wᵀ g",
           ("W", "g"), "vector", _linear("x")),
    Target("linear-grad-b", "∂L/∂b of y = Wx + b", "linear-layer", "g", ("g",), "vector",
           _linear("b"), batch="sum"),
)}


def target_names() -> list[str]:
    return list(TARGETS)


def target(name: str) -> Target:
    try:
        return TARGETS[name]
    except KeyError:
        raise UnknownTarget(f"unknown quantity {name!r} for --against; known: "
                            f"{', '.join(TARGETS)}") from None
