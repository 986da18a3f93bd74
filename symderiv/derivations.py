"""Step-by-step derivations, every step checked by :mod:`symderiv.verify`.

A :class:`Derivation` records what was asked (the unevaluated object); :func:`derive` computes
it.  Each step is an equation ``lhs = rhs_k`` with the rule that produced ``rhs_k`` from
``rhs_{k-1}``; :meth:`Derivation.check` proves every step symbolically (for every K) and raises
:class:`DerivationError` naming the first step that does not follow.

The built-in theorems are the general derivation (:mod:`symderiv.stepwise`) run on the
definitions of :mod:`symderiv.models`; ``derive(quantity, given=[...])`` derives any quantity
from LaTeX definitions the same way.  Only ``worked-example`` is an evaluation at numbers.

>>> d = derive("softmax-jacobian")
>>> d.result
beta*(KroneckerDelta(i, j) - y[j])*y[i]
>>> [str(c.rhs) for c in d.cases]
['beta*(1 - y[i])*y[i]', '-beta*y[i]*y[j]']
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import sympy
from sympy import Eq, IndexedBase, KroneckerDelta, Matrix, Ne, Rational, Sum, Symbol, exp, \
    factor_terms

from . import models
from .stepwise import derive_from, derive_in_context
from .stepwise.model import Case, Derivation, DerivationError, Step
from .notation import K, Context, Partial, SymderivError, beta, index
from .verify import Verdict

__all__ = ["Step", "Case", "Derivation", "DerivationError", "derive", "prove", "THEOREMS",
           "theorem_names"]


Z = IndexedBase("z")


def _general(name: str, title: str, q, ctx: Context, **extra) -> Derivation:
    """A built-in theorem: the general derivation of *q* from the model's definitions."""
    d = derive_in_context(q, ctx, name=name, title=title)
    return replace(d, **extra).check() if extra else d


def _unconditioned(d: Derivation) -> Derivation:
    """The steps that need no condition; the conditioned result becomes a case."""
    steps = tuple(s for s in d.steps if not s.conditions)
    cases = tuple(Case(c, d.lhs, d.result) for c in d.conditions)
    return replace(d, steps=steps, conditions=(), cases=d.cases + cases)


def softmax_jacobian(ctx: Context | None = None) -> Derivation:
    """∂y_i/∂z_j for y = softmax(βz) over 1..K, ending in β y_i (δ_ij − y_j)."""
    ctx = models.softmax() if ctx is None else ctx
    i, j = index("i"), index("j")
    y, z = IndexedBase("y"), IndexedBase("z")
    lhs = Partial(y[i], z[j])
    d = derive_in_context(lhs, ctx, name="softmax-jacobian",
                          title="Jacobian of the softmax y_i = e^{βz_i}/Σ_k e^{βz_k}")
    result = d.result

    def tidy(e):
        return factor_terms(sympy.expand(e))
    cases = (Case(Eq(i, j), Partial(y[i], z[i]), tidy(result.xreplace({j: i}))),
             Case(Ne(i, j), lhs, tidy(result.xreplace({KroneckerDelta(i, j): 0}))))
    wrong = (("without β", lhs, y[i] * (KroneckerDelta(i, j) - y[j]), ()),
             ("y_j for y_i in the diagonal", lhs, beta * y[j] * (KroneckerDelta(i, j) - y[i]) +
              beta * y[j] * (y[i] - y[j]), ()))
    return replace(d, cases=cases, wrong=wrong).check()


def chain_rule_any_loss() -> Derivation:
    """∂L/∂z_k for a generic loss L(y), y = softmax(βz)."""
    ctx = models.generic_loss(models.softmax())
    return _general("chain-rule-any-loss", "Backpropagation through softmax for any loss",
                    Partial(Symbol("L"), Z[index("k")]), ctx)


def cross_entropy() -> Derivation:
    """L = −Σ t_k log y_k: β(y_k Σ_j t_j − t_k), and β(y_k − t_k) when Σ_j t_j = 1."""
    ctx = models.cross_entropy(models.softmax())
    j, k = index("j"), index("k")
    y, t, L = IndexedBase("y"), IndexedBase("t"), Symbol("L")
    sum_t = Eq(Sum(t[j], (j, 1, K)), 1)
    fused = beta * (y[k] - t[k])
    d = _unconditioned(derive_in_context(
        Partial(L, Z[k]), ctx, name="cross-entropy",
        title="Cross-entropy after softmax: the fused gradient"))
    wrong = (("y − t without Σ t = 1", Partial(L, Z[k]), fused, ()),
             ("sign flipped", Partial(L, Z[k]), beta * (t[k] - y[k]), (sum_t,)))
    notes = ("the fused form β(y_k − t_k) needs Σ_j t_j = 1 (one-hot or probability "
             "targets)",)
    return replace(d, wrong=wrong, notes=notes).check()


def mse(half: bool = True) -> Derivation:
    """∂L/∂z_k for the squared error ½Σ(y − t)² of y = softmax(z)."""
    ctx = models.mse(models.softmax(), half=half)
    j, k = index("j"), index("k")
    y, t, L = IndexedBase("y"), IndexedBase("t"), Symbol("L")
    c = 1 if half else 2
    other = 2 if half else 1
    name = "mse" if half else "mse-no-half"
    title = ("Mean squared error ½Σ(y_k − t_k)² after softmax" if half else
             "Squared error Σ(y_k − t_k)² (no ½) after softmax")
    wrong = ((f"∂L/∂y_j = {other}(y_j − t_j)", Partial(L, y[j]), other * (y[j] - t[j]), ()),)
    notes = (f"∂L/∂y_j = {c if c != 1 else ''}(y_j − t_j)",)
    return _general(name, title, Partial(L, Z[k]), ctx, wrong=wrong, notes=notes)


def linear_layer() -> Derivation:
    """y = Wx + b: ∂L/∂W_ac = ∂L/∂y_a x_c, ∂L/∂b_a = ∂L/∂y_a, ∂L/∂x_c = Σ_a W_ac ∂L/∂y_a."""
    ctx = models.linear_layer()
    a, c = index("a"), index("c")
    W, x, b, L = IndexedBase("W"), IndexedBase("x"), IndexedBase("b"), Symbol("L")
    title = "Gradients of a linear layer y = Wx + b"
    dW, db, dx = (derive_in_context(Partial(L, wrt), ctx, name="linear-layer", title=title)
                  for wrt in (W[a, c], b[a], x[c]))
    cases = tuple(Case(None, d.lhs, d.result) for d in (db, dx))
    lemmas = tuple(dict.fromkeys(dW.lemmas + db.lemmas + dx.lemmas))
    notes = ("shapes: W ∈ ℝ^{m×n}, x ∈ ℝ^n, b ∈ ℝ^m; ∂L/∂W = g xᵀ (outer product), "
             "∂L/∂b = g, ∂L/∂x = Wᵀ g",)
    return replace(dW, cases=cases, lemmas=lemmas, notes=notes).check()


def worked_example() -> Derivation:
    """The 2-class example: z = (7/4, 7/4), t = (0, 1), cross-entropy, exactly."""
    z1 = Rational(7, 4)
    ys = [exp(z1) / (exp(z1) + exp(z1))] * 2
    y_vals = Matrix([[sympy.simplify(v) for v in ys]])
    t = Matrix([[0, 1]])
    dE_dy = Matrix([[-t[0] / y_vals[0], -t[1] / y_vals[1]]])
    J = Matrix(2, 2, lambda r, c: y_vals[r] * ((1 if r == c else 0) - y_vals[c]))
    vjp = dE_dy * J
    fused = y_vals - t
    lhs = Symbol("dE/dz")
    steps = (Step("softmax of (7/4, 7/4)", Symbol("y"), y_vals),
             Step("∂E/∂y = −t/y", Symbol("dE/dy"), dE_dy),
             Step("Jacobian y_i(δ_ij − y_j)", Symbol("J"), J),
             Step("vector–Jacobian product", lhs, vjp),
             Step("fused y − t", lhs, fused))
    if vjp != fused:
        raise DerivationError("worked example: the vector–Jacobian product differs from y − t")
    return Derivation("worked-example", "The 2-class example z = (1.75, 1.75), t = (0, 1)",
                      Context(size=sympy.Integer(2)), steps,
                      notes=("exact arithmetic; y = (1/2, 1/2), both routes give (1/2, −1/2)",))


def mse_no_half() -> Derivation:
    """∂L/∂z_k for the squared error Σ(y − t)² (no ½) of y = softmax(z)."""
    return mse(half=False)


THEOREMS: dict[str, Callable[[], Derivation]] = {
    "softmax-jacobian": softmax_jacobian,
    "chain-rule-any-loss": chain_rule_any_loss,
    "cross-entropy": cross_entropy,
    "mse": mse,
    "mse-no-half": mse_no_half,
    "linear-layer": linear_layer,
    "worked-example": worked_example,
}


def theorem_names() -> list[str]:
    return list(THEOREMS)


def _is_latex(text: str) -> bool:
    return any(c in text for c in ("\\", "∂", "{", "_", "/"))


def derive(name: str, given=(), where=(), *, timeout: float | None = 60.0) -> Derivation:
    """A built-in theorem by *name* (``symderiv.derivations.THEOREMS``), or the derivation of
    the LaTeX quantity *name* (``\\frac{\\partial L}{\\partial z_k}``) from the
    definitions *given* under the assumptions *where*; every step checked.  A derivation from
    LaTeX runs in a worker process stopped after *timeout* seconds (None: in this process)."""
    if given or where or (name not in THEOREMS and _is_latex(name)):
        return derive_from(name, given, where, timeout=timeout)
    try:
        build = THEOREMS[name]
    except KeyError:
        raise SymderivError(f"unknown derivation {name!r}; known: {', '.join(THEOREMS)} "
                            "(or give a quantity such as '\\frac{\\partial L}{\\partial z_k}' "
                            "with --given definitions)") from None
    return build()   # ours, a few seconds at most


def prove(name: str) -> Verdict:
    """The named theorem's verdict: its derivation checked, then proved and verified."""
    return derive(name).verdict()
