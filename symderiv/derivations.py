"""Step-by-step derivations, every step checked by :mod:`symderiv.verify`.

A :class:`Derivation` records what was asked (the unevaluated object); :func:`derive` computes
it.  Each step is an equation ``lhs = rhs_k`` with the rule that produced ``rhs_k`` from
``rhs_{k-1}``; :meth:`Derivation.check` proves every step symbolically (for every K) and raises
:class:`DerivationError` naming the first step that does not follow.

>>> d = derive("softmax-jacobian")
>>> d.result
beta*(KroneckerDelta(i, j) - y[j])*y[i]
>>> [str(c.rhs) for c in d.cases]
['beta*(1 - y[i])*y[i]', '-beta*y[i]*y[j]']
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import sympy
from sympy import (Eq, Expr, IndexedBase, KroneckerDelta, Matrix, Ne, Rational, Sum, Symbol,
                   exp, factor, factor_terms)

from . import calculus, folding, models
from .notation import K, Context, Partial, SymderivError, beta, index, substitute
from .verify import Verdict, decide

__all__ = ["Step", "Case", "Derivation", "DerivationError", "derive", "prove", "THEOREMS",
           "theorem_names"]


Z = IndexedBase("z")


class DerivationError(RuntimeError, SymderivError):
    """A step of a derivation does not follow from the previous one."""


@dataclass(frozen=True)
class Step:
    rule: str
    lhs: Expr
    rhs: Expr


@dataclass(frozen=True)
class Case:
    condition: object  # a SymPy relation (Eq/Ne) or None
    lhs: Expr
    rhs: Expr


@dataclass(frozen=True)
class Derivation:
    """A named derivation: its context, steps, result, special cases and variants."""

    name: str
    title: str
    context: Context
    steps: tuple[Step, ...]
    cases: tuple[Case, ...] = ()
    conditions: tuple = ()
    wrong: tuple[tuple[str, Expr, Expr, tuple], ...] = ()
    notes: tuple[str, ...] = ()
    verdicts: tuple[Verdict, ...] = field(default=(), compare=False)

    @property
    def lhs(self) -> Expr:
        return self.steps[0].lhs

    @property
    def result(self) -> Expr:
        return self.steps[-1].rhs

    def check(self) -> "Derivation":
        """Prove each step from the previous (and the first from the left side)."""
        verdicts = []
        prev = self.lhs
        for n, step in enumerate(self.steps, 1):
            v = decide(prev, step.rhs, self.context, symbolic=True, exact=False)
            if v.status != "proved":
                raise DerivationError(
                    f"{self.name}: step {n} ({step.rule}) does not follow from the previous "
                    f"one: {v.reason}")
            verdicts.append(v)
            prev = step.rhs
        for case in self.cases:
            ctx = self.context.assume(case.condition) if case.condition is not None \
                else self.context
            v = decide(case.lhs, case.rhs, ctx, symbolic=True, exact=False)
            if v.status != "proved":
                raise DerivationError(f"{self.name}: case {case.condition} not proved: "
                                      f"{v.reason}")
            verdicts.append(v)
        for cond in self.conditions:
            ctx = self.context.assume(cond)
            v = decide(self.lhs, self.result, ctx, symbolic=True, exact=False)
            if v.status != "proved":
                raise DerivationError(f"{self.name}: result not proved under {cond}")
        return replace(self, verdicts=tuple(verdicts))

    def wrong_verdicts(self) -> tuple[tuple[str, Verdict], ...]:
        """The variants texts write instead (each should be refuted, with a counterexample)."""
        out = []
        for label, lhs, rhs, conds in self.wrong:
            ctx = self.context.assume(*conds) if conds else self.context
            out.append((label, decide(lhs, rhs, ctx)))
        return tuple(out)

    def verdict(self, sizes=range(1, 9)) -> Verdict:
        """The theorem's verdict: proved symbolically, and verified exactly for each K."""
        ctx = self.context.assume(*self.conditions) if self.conditions else self.context
        sym = decide(self.lhs, self.result, ctx, exact=False)
        ex = decide(self.lhs, self.result, ctx, symbolic=False, sizes=sizes)
        if sym.status != "proved":
            return sym
        return Verdict("proved", sym.method + f"; also {ex.status} by exact evaluation "
                       f"({ex.method})", conditions=sym.conditions)


# ---------------------------------------------------------------------------------------
# step builders: each returns the next right-hand side, computed by the calculus
def _chain(steps: list, lhs: Expr, start: Expr, rule: str, transforms) -> list:
    steps.append(Step(rule, lhs, start))
    cur = start
    for rule, fn in transforms:
        cur = fn(cur)
        steps.append(Step(rule, lhs, cur))
    return steps


def _quotient_rule(x):
    def fn(e):
        num, den = sympy.fraction(e.args[0] if isinstance(e, Partial) else e)
        return (Partial(num, x) * den - num * Partial(den, x)) / den ** 2
    return fn


def _evaluate_partials(ctx):
    def fn(e):
        out = e
        for p in sorted(e.atoms(Partial), key=sympy.default_sort_key):
            out = out.xreplace({p: calculus.total_diff(p.f, p.x, ctx)})
        return out
    return fn


def softmax_jacobian(ctx: Context | None = None) -> Derivation:
    """∂y_i/∂z_j for y = softmax(βz) over 1..K, ending in β y_i (δ_ij − y_j)."""
    ctx = models.softmax() if ctx is None else ctx
    i, j = index("i"), index("j")
    y, z = IndexedBase("y"), IndexedBase("z")
    lhs = Partial(y[i], z[j])
    start = Partial(ctx.definition("y").rhs, z[j])
    steps = _chain([], lhs, start, "definition of y_i", [
        ("quotient rule", _quotient_rule(z[j])),
        ("differentiate: ∂z_k/∂z_j = δ_jk inside the sum", _evaluate_partials(ctx)),
        ("collapse Σ_k δ_jk f(k) = f(j) (j lies in 1..K)", lambda e: calculus.collapse(e, ctx)),
        ("fold e^{βz_m} / Σ_k e^{βz_k} = y_m", lambda e: sympy.expand(folding.fold(e, ctx))),
        ("factor", factor),
    ])
    result = steps[-1].rhs
    def tidy(e):
        return factor_terms(sympy.expand(e))
    cases = (Case(Eq(i, j), Partial(y[i], z[i]), tidy(result.xreplace({j: i}))),
             Case(Ne(i, j), lhs, tidy(result.xreplace({KroneckerDelta(i, j): 0}))))
    wrong = (("without β", lhs, y[i] * (KroneckerDelta(i, j) - y[j]), ()),
             ("y_j for y_i in the diagonal", lhs, beta * y[j] * (KroneckerDelta(i, j) - y[i]) +
              beta * y[j] * (y[i] - y[j]), ()))
    return Derivation("softmax-jacobian", "Jacobian of the softmax y_i = e^{βz_i}/Σ_k e^{βz_k}",
                      ctx, tuple(steps), cases, wrong=wrong).check()


def _jacobian_into(jac: Expr):
    """Replace ∂y_a/∂z_b by the derived Jacobian (indices renamed)."""
    i, j = index("i"), index("j")
    y, z = IndexedBase("y"), IndexedBase("z")

    def fn(e):
        rep = {}
        for p in e.atoms(Partial):
            if p.f.is_Indexed and str(p.f.base) == "y" and p.x.is_Indexed and \
                    str(p.x.base) == "z":
                # xreplace is simultaneous, and jac has no bound variables to capture
                rep[p] = jac.xreplace({i: p.f.indices[0], j: p.x.indices[0]})
        return e.xreplace(rep)
    return fn


def _collapse(ctx):
    return lambda e: calculus.collapse(sympy.expand(e), ctx)


def chain_rule_any_loss() -> Derivation:
    """∂L/∂z_k for a generic loss L(y), y = softmax(βz)."""
    ctx = models.generic_loss(models.softmax())
    j, k = index("j"), index("k")
    y, z, L = IndexedBase("y"), IndexedBase("z"), Symbol("L")
    jac = softmax_jacobian().result
    lhs = Partial(L, z[k])
    steps = _chain([], lhs, Sum(Partial(L, y[j]) * Partial(y[j], z[k]), (j, 1, K)),
                   "multivariate chain rule", [
                       ("softmax Jacobian (theorem softmax-jacobian)", _jacobian_into(jac)),
                       ("expand, collapse Σ_j δ_jk", _collapse(ctx)),
                       ("factor", factor_terms)])
    return Derivation("chain-rule-any-loss", "Backpropagation through softmax for any loss",
                      ctx, tuple(steps)).check()


def _loss_theorem(name, title, ctx, wrong=(), conditions=(), extra=(), notes=()):
    j, k = index("j"), index("k")
    y, L = IndexedBase("y"), Symbol("L")
    lhs = Partial(L, Z[k])
    general = chain_rule_any_loss().result
    steps = _chain([], lhs, general, "theorem chain-rule-any-loss", [
        ("differentiate L with respect to y_j", _evaluate_partials(ctx)),
        ("simplify", lambda e: factor_terms(calculus.collapse(sympy.expand(e), ctx))),
        *extra])
    return Derivation(name, title, ctx, tuple(steps), wrong=tuple(wrong),
                      conditions=tuple(conditions), notes=tuple(notes)).check()


def cross_entropy() -> Derivation:
    """L = −Σ t_k log y_k: β(y_k Σ_j t_j − t_k), and β(y_k − t_k) when Σ_j t_j = 1."""
    ctx = models.cross_entropy(models.softmax())
    j, k = index("j"), index("k")
    y, t, L = IndexedBase("y"), IndexedBase("t"), Symbol("L")
    sum_t = Eq(Sum(t[j], (j, 1, K)), 1)
    fused = beta * (y[k] - t[k])
    d = _loss_theorem(
        "cross-entropy", "Cross-entropy after softmax: the fused gradient", ctx,
        wrong=(("y − t without Σ t = 1", Partial(L, Z[k]), fused, ()),
               ("sign flipped", Partial(L, Z[k]), beta * (t[k] - y[k]), (sum_t,))),
        notes=("the fused form β(y_k − t_k) needs Σ_j t_j = 1 (one-hot or probability "
               "targets)",))
    cases = (Case(sum_t, Partial(L, Z[k]), fused),)
    return replace(d, cases=cases).check()


def mse(half: bool = True) -> Derivation:
    ctx = models.mse(models.softmax(), half=half)
    j, k = index("j"), index("k")
    y, t, L = IndexedBase("y"), IndexedBase("t"), Symbol("L")
    c = 1 if half else 2
    other = 2 if half else 1
    name = "mse" if half else "mse-no-half"
    title = ("Mean squared error ½Σ(y_k − t_k)² after softmax" if half else
             "Squared error Σ(y_k − t_k)² (no ½) after softmax")
    grouped = c * beta * y[k] * ((y[k] - t[k]) - Sum((y[j] - t[j]) * y[j], (j, 1, K)))
    return _loss_theorem(
        name, title, ctx,
        extra=(("regroup: β y_k((y_k − t_k) − Σ_j (y_j − t_j) y_j)", lambda e: grouped),),
        wrong=((f"∂L/∂y_j = {other}(y_j − t_j)", Partial(L, y[j]), other * (y[j] - t[j]), ()),),
        notes=(f"∂L/∂y_j = {c if c != 1 else ''}(y_j − t_j)".replace("= (", "= ("),))


def linear_layer() -> Derivation:
    """y = Wx + b: ∂L/∂W_ac = ∂L/∂y_a x_c, ∂L/∂b_a = ∂L/∂y_a, ∂L/∂x_c = Σ_a W_ac ∂L/∂y_a."""
    ctx = models.linear_layer()
    a, c, d = index("a"), index("c"), index("d")
    W, x, b, y, L = (IndexedBase("W"), IndexedBase("x"), IndexedBase("b"), IndexedBase("y"),
                     Symbol("L"))
    m = Symbol("m", integer=True, positive=True)
    g = lambda e: Partial(L, y[e])  # noqa: E731
    steps = []
    for wrt, rule_result in ((W[a, c], g(a) * x[c]), (b[a], g(a)),
                             (x[c], Sum(W[d, c] * g(d), (d, 1, m)))):
        lhs = Partial(L, wrt)
        _chain(steps, lhs, Sum(g(d) * Partial(y[d], wrt), (d, 1, m)), "chain rule", [
            ("differentiate y_d = Σ_e W_de x_e + b_d", _evaluate_partials(ctx)),
            ("collapse Σ·δ", _collapse(ctx)),
            ("rename", lambda e, r=rule_result: r)])
    der = Derivation("linear-layer", "Gradients of a linear layer y = Wx + b", ctx,
                     tuple(steps[:4]), notes=("shapes: W ∈ ℝ^{m×n}, x ∈ ℝ^n, b ∈ ℝ^m; "
                                              "∂L/∂W = g xᵀ (outer product), ∂L/∂b = g, "
                                              "∂L/∂x = Wᵀ g",))
    parts = (tuple(steps[4:8]), tuple(steps[8:12]))
    cases = tuple(Case(None, s[-1].lhs, s[-1].rhs) for s in parts)
    return replace(der, cases=cases).check()


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


THEOREMS: dict[str, Callable[[], Derivation]] = {
    "softmax-jacobian": softmax_jacobian,
    "chain-rule-any-loss": chain_rule_any_loss,
    "cross-entropy": cross_entropy,
    "mse": mse,
    "mse-no-half": lambda: mse(half=False),
    "linear-layer": linear_layer,
    "worked-example": worked_example,
}


def theorem_names() -> list[str]:
    return list(THEOREMS)


def derive(name: str) -> Derivation:
    """Build and check the named derivation."""
    try:
        build = THEOREMS[name]
    except KeyError:
        raise SymderivError(f"unknown derivation {name!r}; known: {', '.join(THEOREMS)}") \
            from None
    return build()


def prove(name: str) -> Verdict:
    """The named theorem's verdict: its derivation checked, then proved and verified."""
    return derive(name).verdict()
