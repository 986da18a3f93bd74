"""Diagnoses: what a wrong result is, in the words of the slip that makes it.

One comparison serves both the executed code (float64 or exact Fraction results against the
exact derived values) and the symbolic reading (SymPy entries against the derived formula):
only the equality differs (:class:`Numeric` within a tolerance, :class:`Symbolic` exactly by
cancellation).  A result is checked against the target, then against the slips people make:
the transpose, the sign, a constant factor (β, 2, 1/N), the formula applied to the logits, a
diagonal that holds −y_i y_j, off-diagonal entries never written, a batch axis swapped, and
NaN/∞ at large logits.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy

from .numbers import as_sympy

__all__ = ["Finding", "Comparison", "Numeric", "Symbolic", "compare", "fmt_value"]

_MAX_DIFFS = 8


@dataclass(frozen=True)
class Finding:
    text: str
    entries: tuple = ()          # index tuples the finding is about (empty: all of them)


@dataclass
class Comparison:
    ok: bool
    findings: list = field(default_factory=list)
    differences: list = field(default_factory=list)   # (entry, got, expected)


def fmt_value(v) -> str:
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, sympy.Basic):
        if v.is_Rational or not v.free_symbols and v.is_number is False:
            return str(v)
        if not v.free_symbols:
            exact = str(v)
            approx = f"{float(sympy.N(v, 30)):.10g}"
            return approx if len(exact) > 40 else exact if exact == approx else \
                f"{exact} ≈ {approx}"
        return sympy.sstr(v)
    if isinstance(v, float):
        return f"{v:.10g}"
    return str(v)


class Numeric:
    """float64 or exact results against exact expected values."""

    def __init__(self, rtol=1e-7, atol=1e-10):
        self.rtol, self.atol = rtol, atol

    @staticmethod
    def _val(e):
        if isinstance(e, Fraction):
            return e
        if isinstance(e, sympy.Basic):
            return sympy.Rational(e) if e.is_Rational else float(sympy.N(e, 30))
        return e

    def eq(self, got, exp) -> bool:
        e = self._val(exp)
        if isinstance(got, (Fraction, int)) and not isinstance(got, bool) and \
                isinstance(e, (sympy.Rational, Fraction, int)):
            return Fraction(int(sympy.Rational(e).p), int(sympy.Rational(e).q)) == got \
                if isinstance(e, sympy.Rational) else Fraction(e) == got
        try:
            g, x = float(got), float(e)
        except (TypeError, ValueError, OverflowError):
            return False
        if g != g or x != x:
            return False
        return abs(g - x) <= self.atol + self.rtol * abs(x)

    def ratio(self, got, exp):
        try:
            x = float(self._val(exp))
            return None if abs(x) < 1e-12 else float(got) / x
        except (TypeError, ValueError, OverflowError, ZeroDivisionError):
            return None

    def same_constant(self, a, b) -> bool:
        return a is not None and b is not None and abs(a - b) <= 1e-7 * max(1, abs(b))

    def is_bad(self, got) -> bool:
        try:
            g = float(got)
        except (TypeError, ValueError, OverflowError):
            return True
        return g != g or g in (float("inf"), float("-inf"))

    def constant_name(self, c, beta, n_batch, size=None):
        return _constant_name(c, beta, n_batch, lambda a, b: abs(a - float(b)) < 1e-7 * max(
            1, abs(a)), size)


class Symbolic:
    """SymPy entries against the derived formula, exactly."""

    def __init__(self, variables=()):
        self.variables = set(variables)

    @staticmethod
    def _norm(e):
        e = as_sympy(e)
        if e.has(sympy.exp):
            e = e.xreplace({a: sympy.exp(sympy.expand(a.args[0])) for a in e.atoms(sympy.exp)})
            e = sympy.expand(e, power_exp=True, mul=False, multinomial=False)
        return e

    def eq(self, got, exp) -> bool:
        try:
            d = self._norm(got) - self._norm(exp)
            if d.has(sympy.exp) and sympy.cancel(sympy.together(_exp_as_symbols(d))) == 0:
                return True    # zero with the exponentials independent: zero
            return sympy.cancel(sympy.together(d)) == 0
        except (TypeError, sympy.PolynomialError, ValueError):
            return False

    def ratio(self, got, exp):
        try:
            if sympy.cancel(self._norm(exp)) == 0:
                return None
            return sympy.cancel(self._norm(got) / self._norm(exp))
        except (TypeError, ValueError, ZeroDivisionError):
            return None

    def same_constant(self, a, b) -> bool:
        if a is None or b is None:
            return False
        if a.free_symbols & self.variables:
            return False
        return sympy.cancel(a - b) == 0

    def is_bad(self, got) -> bool:
        return isinstance(got, sympy.Basic) and got.has(sympy.nan, sympy.zoo, sympy.oo)

    def constant_name(self, c, beta, n_batch, size=None):
        return _constant_name(c, beta, n_batch, lambda a, b: sympy.cancel(a - b) == 0, size)


def _exp_as_symbols(e):
    """Each e^a as a positive symbol E_a (e^{-a} as 1/E_a): a rational function; if it
    vanishes identically it vanishes for the exponentials too (the converse may fail)."""
    rep = {}
    for atom in e.atoms(sympy.exp):
        arg = atom.args[0]
        neg = arg.could_extract_minus_sign()
        key = sympy.sstr(-arg if neg else arg)
        sym = sympy.Symbol(f"E[{key}]", positive=True)
        rep[atom] = 1 / sym if neg else sym
    return e.xreplace(rep)


def _constant_name(c, beta, n_batch, same, size=None):
    if beta is not None and same(c, 1 / as_sympy(beta)):
        return "off by a factor β: β is missing"
    if beta is not None and same(c, as_sympy(beta)):
        return "off by a factor β: β is applied twice"
    if n_batch and n_batch > 1 and same(c, sympy.Rational(1, n_batch)):
        return f"off by a factor 1/N: averaged over the batch (N = {n_batch})"
    if size and size > 2 and same(c, sympy.Rational(1, size)):
        return "off by a factor 1/K: a mean over the K entries where the derivative has a sum"
    if size and size > 2 and same(c, sympy.Rational(2, size)):
        return "off by a factor 2/K: the gradient of a mean of squares (np.mean, no ½)"
    if same(c, 2):
        return "off by a factor 2 (the convention without ½, or ½ missing in the target)"
    if same(c, sympy.Rational(1, 2)):
        return "off by a factor ½"
    return None


def _kind_name(what: str) -> str:
    """One name per kind of wrong value, however it arrived."""
    if "complex" in what:
        return "complex numbers"
    if "str" in what:
        return "strings"
    if "too large" in what:
        return "an array too large to compare"
    return {"NoneType": "None", "list": "a ragged list", "tuple": "a tuple"}.get(what, what)


def _entries(shape):
    return list(itertools.product(*[range(n) for n in shape]))


def _all_eq(cmp, got, exp, where=None) -> bool:
    if got.shape != exp.shape:
        return False
    idx = where if where is not None else _entries(got.shape)
    return all(cmp.eq(got[i], exp[i]) for i in idx)


def compare(got, expected: np.ndarray, cmp, *, kind: str, logits_variant=None,
            diag_values=None, beta=None, batched=False, large=False, label="") -> Comparison:
    """Compare one result with the expected array; name the slip when one fits.

    *logits_variant*: the target's formula evaluated at the logits instead of softmax(z);
    *diag_values*: per example, the y values (for "the diagonal holds −y_i y_j").
    """
    if isinstance(got, dict) or not isinstance(got, np.ndarray):
        what = got.get("type", "a value") if isinstance(got, dict) else type(got).__name__
        return Comparison(False, [Finding(f"returns {_kind_name(what)}, not an array of real "
                                          "numbers")])
    exp = np.asarray(expected, dtype=object)
    g = np.asarray(got, dtype=object)
    if g.shape != exp.shape and g.size == exp.size and kind in ("vector", "elementwise") \
            and g.squeeze().shape == exp.squeeze().shape:
        g = g.reshape(exp.shape)        # a column vector for a vector is fine
    bad = [i for i in _entries(g.shape) if cmp.is_bad(g[i])] if g.size < 5000 else []
    if bad:
        text = ("overflows for large logits (no max subtraction)" if large else
                f"returns NaN or ∞ at {label}".rstrip())
        return Comparison(False, [Finding(text, tuple(bad))],
                          [(bad[0], g[bad[0]], exp[bad[0]] if g.shape == exp.shape else None)])
    if g.shape != exp.shape:
        return _shape_slip(g, exp, cmp, batched)
    diffs = [i for i in _entries(g.shape) if not cmp.eq(g[i], exp[i])]
    if not diffs:
        return Comparison(True)
    shown = [(i, g[i], exp[i]) for i in diffs[:_MAX_DIFFS]]
    for text, variant in _variants(exp, kind, logits_variant):
        if _all_eq(cmp, g, variant):
            return Comparison(False, [Finding(text)], shown)
    if batched:
        for perm in itertools.permutations(range(exp.ndim)):
            moved = np.transpose(exp, perm)
            if perm != tuple(range(exp.ndim)) and perm[0] != 0 and moved.shape == g.shape \
                    and _all_eq(cmp, g, moved):
                return Comparison(False, [Finding(
                    "batched axis swapped: the batch is not the first axis")], shown)
    factor = _factor(g, exp, cmp)
    if factor is not None:
        name = cmp.constant_name(factor, beta, exp.shape[0] if batched else None,
                                 exp.shape[-1] if exp.ndim else None)
        return Comparison(False, [Finding(name or f"off by a constant factor {fmt_value(factor)}")],
                          shown)
    findings = []
    if kind == "jacobian" and diag_values is not None:
        findings = _jacobian_parts(g, exp, cmp, diag_values, diffs)
    if not findings:
        findings = [Finding("entries differ (listed under differences)", tuple(diffs))]
    return Comparison(False, findings, shown)


def _variants(exp, kind, logits_variant):
    out = []
    if exp.ndim >= 2 and kind in ("jacobian", "matrix") and exp.shape[-1] == exp.shape[-2]:
        out.append(("the result is the transpose", np.swapaxes(exp, -1, -2)))
    out.append(("wrong sign: the result is the negative of the derivative", -exp))
    if logits_variant is not None:
        lv = np.asarray(logits_variant, dtype=object)
        out.append(("uses z where softmax(z) is needed: the formula is applied to the logits",
                    lv))
    return out


def _factor(g, exp, cmp):
    c = None
    for i in _entries(g.shape):
        r = cmp.ratio(g[i], exp[i])
        if r is None:
            if not cmp.eq(g[i], exp[i]):
                return None
            continue
        if c is None:
            c = r
        elif not cmp.same_constant(r, c):
            return None
    if c is None or cmp.same_constant(c, 1) or cmp.same_constant(c, -1):
        return None
    if isinstance(c, sympy.Basic) and c.free_symbols & getattr(cmp, "variables", set()):
        return None
    return c


def _jacobian_parts(g, exp, cmp, diag_values, diffs):
    """Diagonal and off-diagonal blocks judged apart (the missing-else slips)."""
    findings = []
    lead = g.shape[:-2]
    n = g.shape[-1]
    diag_idx = [b + (i, i) for b in _entries(lead) for i in range(n)]
    off_idx = [b + (i, j) for b in _entries(lead) for i in range(n) for j in range(n) if i != j]
    y_of = (lambda b, i: diag_values[b[0] if b else 0][i])
    diag_wrong = [i for i in diag_idx if i in diffs]
    off_wrong = [i for i in off_idx if i in diffs]
    if diag_wrong:
        if all(cmp.eq(g[i], -y_of(i[:-2], i[-1]) ** 2) for i in diag_idx):
            findings.append(Finding("the diagonal holds −y_i y_j: the diagonal assignment is "
                                    "overwritten (a missing else?)", tuple(diag_idx)))
        elif all(cmp.eq(g[i], 1 - y_of(i[:-2], i[-1])) or cmp.eq(g[i], y_of(i[:-2], i[-1]))
                 for i in diag_wrong):
            findings.append(Finding("the diagonal is y_i or 1 − y_i instead of y_i(1 − y_i)",
                                    tuple(diag_wrong)))
        else:
            findings.append(Finding("diagonal entries differ", tuple(diag_wrong)))
    if off_wrong:
        if all(cmp.eq(g[i], 0) for i in off_idx):
            findings.append(Finding("the off-diagonal entries are 0: they are never assigned",
                                    tuple(off_idx)))
        elif all(cmp.eq(g[i], -exp[i]) for i in off_wrong):
            findings.append(Finding("the off-diagonal entries have the wrong sign (+y_i y_j)",
                                    tuple(off_wrong)))
        else:
            findings.append(Finding("off-diagonal entries differ", tuple(off_wrong)))
    return findings


def _shape_slip(g, exp, cmp, batched) -> Comparison:
    if g.ndim == exp.ndim and sorted(g.shape) == sorted(exp.shape):
        for perm in itertools.permutations(range(exp.ndim)):
            if perm == tuple(range(exp.ndim)):
                continue
            moved = np.transpose(exp, perm)
            if moved.shape == g.shape and _all_eq(cmp, g, moved):
                text = ("the result is the transpose" if exp.ndim == 2 else
                        "batched axis swapped: the batch is not the first axis" if batched
                        else "the axes of the result are permuted")
                return Comparison(False, [Finding(text)])
    return Comparison(False, [Finding(f"wrong shape: {g.shape}, expected {exp.shape}"
                                      + (" for a batch of rows" if batched else ""))])
