"""The derivation data model: :class:`Step`, :class:`Case`, :class:`Derivation`.

A :class:`Derivation` records what was asked (the quantity, the definitions it was derived
from) and the steps that compute it; :meth:`Derivation.check` proves every step from the
previous one with :func:`symderiv.verify.decide` (symbolically, for every K) and raises
:class:`DerivationError` naming the first step that does not follow.  A step may rest on
conditions (Σ_k t_k = 1): it is then proved under them, and the derivation lists them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sympy import Expr

from ..notation import Context, SymderivError
from ..verify import Verdict, decide

__all__ = ["Step", "Case", "Derivation", "DerivationError"]


class DerivationError(RuntimeError, SymderivError):
    """A step of a derivation does not follow from the previous one."""


@dataclass(frozen=True)
class Step:
    """``lhs = rhs`` obtained from the previous right side by *rule* (under *conditions*)."""

    rule: str
    lhs: Expr
    rhs: Expr
    conditions: tuple = ()


@dataclass(frozen=True)
class Case:
    condition: object  # a SymPy relation (Eq/Ne) or None
    lhs: Expr
    rhs: Expr


@dataclass(frozen=True)
class Derivation:
    """A derivation: its context, steps, result, special cases, lemmas and variants.

    ``lemmas`` are the derivatives of the nodes the chain rule goes through (each a checked
    derivation of its own); ``conditions`` are what the result needs (Σ_k t_k = 1);
    ``quantity``/``given``/``where`` the LaTeX it was asked with (empty for built-in ones).
    """

    name: str
    title: str
    context: Context
    steps: tuple[Step, ...]
    cases: tuple[Case, ...] = ()
    conditions: tuple = ()
    wrong: tuple[tuple[str, Expr, Expr, tuple], ...] = ()
    notes: tuple[str, ...] = ()
    lemmas: tuple["Derivation", ...] = ()
    quantity: str = ""
    given: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    verdicts: tuple[Verdict, ...] = field(default=(), compare=False)
    seconds: float = field(default=0.0, compare=False)

    @property
    def lhs(self) -> Expr:
        return self.steps[0].lhs

    @property
    def result(self) -> Expr:
        return self.steps[-1].rhs

    def check(self) -> "Derivation":
        """Prove each step from the previous (the first from the left side), every case, and
        the result under the stated conditions; lemmas are checked too."""
        verdicts = []
        lemmas = tuple(lem if lem.verdicts else lem.check() for lem in self.lemmas)
        prev, conds = self.lhs, ()
        for n, step in enumerate(self.steps, 1):
            conds = tuple(dict.fromkeys(conds + tuple(step.conditions)))
            ctx = self.context.assume(*conds) if conds else self.context
            v = decide(prev, step.rhs, ctx, symbolic=True, exact=False)
            if v.status != "proved":
                # the normal form may miss an identity (e^{-Σ} beside Π e^{-…}): exact
                # evaluation then decides; "verified" is kept as such, anything else stops
                ex = decide(prev, step.rhs, ctx, symbolic=False)
                if ex.status != "verified":
                    raise DerivationError(
                        f"{self.name}: step {n} ({step.rule}) does not follow from the "
                        f"previous one: {v.reason}; exact evaluation: {ex.status}")
                v = ex
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
        return replace(self, verdicts=tuple(verdicts), lemmas=lemmas)

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

    def render(self, fmt: str = "text") -> str:
        """The derivation as text, md, tex, html, json or numpy (see symderiv.report)."""
        from ..report.derivation import render_derivation
        return render_derivation(self, fmt)

    def to_numpy(self) -> str:
        """Python source of a NumPy module computing the result (``derivative``) and the
        quantity differentiated (``value``), generated from the SymPy form."""
        from .numpy_code import numpy_source
        return numpy_source(self)

    def matrix_form(self) -> str | None:
        """The result in vector/matrix notation (LaTeX), its entries proved equal to the
        result; None where the index form has no such reading."""
        from .matrix_form import matrix_form
        return matrix_form(self)

    def _repr_markdown_(self) -> str:   # Jupyter
        return self.render("md")
