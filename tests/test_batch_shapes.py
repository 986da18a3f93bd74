"""Shapes in the style of notebooks and Q&A threads (issues 11 and 12): the row convention
(``z = xW + b``: a sample is a row), a sum whose index runs on into the terms after it
(``Σ_i s(wᵀx_i) x_i − y_i x_i``), a sum bound written in the other case than the loss's (n for
N), and a network whose derivative does not reach every definition (fast: no expansion of
the whole network).  Our own examples, true and false; each label is re-derived below with
SymPy matrices at fixed sizes (``_truth``), never taken on trust.
"""
from __future__ import annotations

import random
import time

import pytest
import sympy
from sympy import Matrix, Rational

import symderiv

HOLDS = ("proved", "verified")
# the forward passes
LINEAR = [r"z = xW + b", r"L = \frac{1}{2}(z - t)(z - t)^T"]
LINEAR_ENTRIES = [r"z = xW + b", r"L = \frac{1}{2}\sum_{j=1}^{m} (z_j - t_j)^2"]
HIDDEN = [r"h = \tanh(x W_1 + b_1)", r"y = h W_2 + b_2", r"L = \frac{1}{2}(y - t)(y - t)^T"]
LOGREG = [r"L = -\sum_{i=1}^{N} [y_i \log s(w^T x_i) + (1 - y_i)\log(1 - s(w^T x_i))]",
          r"s(u) = \frac{1}{1+e^{-u}}"]
LINREG = [r"L = \frac{1}{2}\sum_{i=1}^{N} (w^T x_i - y_i)^2"]

# (id, claim, given, truth, decided: must symderiv decide it?)
CASES = [
    # the row convention: x W with x one sample, a row; b a row
    ("lin-dW-T", r"\frac{\partial L}{\partial W} = x^T (z - t)", LINEAR, True, True),
    ("lin-db-T", r"\frac{\partial L}{\partial b} = z - t", LINEAR, True, True),
    ("lin-dW-2-F", r"\frac{\partial L}{\partial W} = 2 x^T (z - t)", LINEAR, False, True),
    ("lin-db-sign-F", r"\frac{\partial L}{\partial b} = t - z", LINEAR, False, True),
    ("lin-entries-dW-T", r"\frac{\partial L}{\partial W} = x^T (z - t)", LINEAR_ENTRIES, True,
     True),
    # a tanh hidden layer, rows throughout (δ W_2^T, the backward pass of row vectors)
    ("hid-dW2-T", r"\frac{\partial L}{\partial W_2} = h^T (y - t)", HIDDEN, True, True),
    ("hid-db1-T", r"\frac{\partial L}{\partial b_1} = (1 - h \circ h) \circ ((y - t) W_2^T)",
     HIDDEN, True, True),
    ("hid-dW1-T",
     r"\frac{\partial L}{\partial W_1} = x^T ((1 - h \circ h) \circ ((y - t) W_2^T))",
     HIDDEN, True, True),
    ("hid-db1-noderiv-F", r"\frac{\partial L}{\partial b_1} = (y - t) W_2^T", HIDDEN, False,
     False),
    # Σ_i a − b with i in b: the sum runs over both terms
    ("logreg-scope-T", r"\frac{\partial L}{\partial w} = \sum_{i=1}^{N} s(w^T x_i) x_i - y_i x_i",
     LOGREG, True, True),
    ("logreg-scope-F", r"\frac{\partial L}{\partial w} = \sum_{i=1}^{N} s(w^T x_i) x_i + y_i x_i",
     LOGREG, False, False),
    # the bound n where the loss writes N: read as N, with a doubt (never a refutation)
    ("linreg-bound-T", r"\frac{\partial L}{\partial w} = \sum_{i=1}^{n} (w^T x_i - y_i) x_i",
     LINREG, True, True),
    ("linreg-bound-F", r"\frac{\partial L}{\partial w} = \sum_{i=1}^{n} (w^T x_i + y_i) x_i",
     LINREG, False, False),
]
BY_ID = {c[0]: c for c in CASES}


# -- the labels, re-derived with SymPy matrices -------------------------------------------
def _row(name, n):
    return Matrix(1, n, lambda i, j: sympy.Symbol(f"{name}{j}"))


def _mat(name, r, c):
    return Matrix(r, c, lambda i, j: sympy.Symbol(f"{name}{i}{j}"))


def _grad(L, M):
    return M.applyfunc(lambda v: sympy.diff(L, v))


def _sides(case_id):
    """(left, right) of the claim as explicit SymPy matrices at d = 2, m = 3 (h = 3 hidden,
    N = 3 samples), from the definitions alone."""
    d, m, N = 2, 3, 3
    x, t = _row("x", d), _row("t", m)
    if case_id.startswith("lin-"):
        W, b = _mat("W", d, m), _row("b", m)
        z = x * W + b
        L = ((z - t) * (z - t).T)[0] / 2
        return {"lin-dW-T": (_grad(L, W), x.T * (z - t)),
                "lin-entries-dW-T": (_grad(L, W), x.T * (z - t)),
                "lin-db-T": (_grad(L, b), z - t),
                "lin-dW-2-F": (_grad(L, W), 2 * x.T * (z - t)),
                "lin-db-sign-F": (_grad(L, b), t - z)}[case_id]
    if case_id.startswith("hid"):
        W1, b1, W2, b2 = _mat("V", d, 3), _row("c", 3), _mat("W", 3, m), _row("b", m)
        h = (x * W1 + b1).applyfunc(sympy.tanh)
        y = h * W2 + b2
        L = ((y - t) * (y - t).T)[0] / 2
        back = (y - t) * W2.T
        local = Matrix(1, 3, lambda i, j: (1 - h[j] ** 2) * back[j])
        return {"hid-dW2-T": (_grad(L, W2), h.T * (y - t)),
                "hid-db1-T": (_grad(L, b1), local),
                "hid-dW1-T": (_grad(L, W1), x.T * local),
                "hid-db1-noderiv-F": (_grad(L, b1), back)}[case_id]
    w = Matrix(d, 1, lambda i, j: sympy.Symbol(f"w{i}"))
    xs = [Matrix(d, 1, lambda i, j, n=n: sympy.Symbol(f"x{n}{i}")) for n in range(N)]
    ys = [sympy.Symbol(f"y{n}") for n in range(N)]
    u = [(w.T * xs[n])[0] for n in range(N)]
    if case_id.startswith("logreg"):
        s = [1 / (1 + sympy.exp(-v)) for v in u]
        L = -sum(ys[n] * sympy.log(s[n]) + (1 - ys[n]) * sympy.log(1 - s[n]) for n in range(N))
        sign = 1 if case_id.endswith("-F") else -1
        return _grad(L, w), sum((s[n] * xs[n] + sign * ys[n] * xs[n] for n in range(N)),
                                Matrix.zeros(d, 1))
    L = sum((u[n] - ys[n]) ** 2 for n in range(N)) / 2
    sign = 1 if case_id.endswith("-F") else -1
    return _grad(L, w), sum(((u[n] + sign * ys[n]) * xs[n] for n in range(N)),
                            Matrix.zeros(d, 1))


def _truth(case_id) -> bool:
    left, right = _sides(case_id)
    assert left.shape == right.shape, case_id
    rng = random.Random(7)
    syms = sorted((left - right).free_symbols, key=str)
    for _ in range(3):
        point = {s: Rational(rng.randint(-5, 5), rng.randint(1, 4)) for s in syms}
        gap = (left - right).subs(point).evalf(30)
        if any(abs(g) > 1e-20 for g in gap):
            return False
    return True


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_label_is_rederived(case_id):
    assert _truth(case_id) is BY_ID[case_id][3]


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_verdict_is_never_wrong_and_decided_where_expected(case_id):
    _, claim, given, truth, decided = BY_ID[case_id]
    v = symderiv.check(claim, given=given, timeout=30)
    wrong = v.status == "refuted" if truth else v.status in HOLDS
    assert not wrong, (case_id, v)
    if decided:
        assert v.status in (HOLDS if truth else ("refuted",)), (case_id, v.status, v.reason)


def test_row_reading_names_its_doubts():
    """A claim proved under the row convention says how it was read."""
    v = symderiv.check(BY_ID["lin-dW-T"][1], given=LINEAR, timeout=30)
    assert v.status == "proved"
    assert "row convention" in v.reason and "x read as a row vector, one sample" in v.reason, \
        v.reason


def test_bound_in_other_case_is_a_doubt():
    v = symderiv.check(BY_ID["linreg-bound-F"][1], given=LINREG, timeout=30)
    assert v.status == "unknown" and "n read as N" in (v.reason or "")


def _scalar_claim(claim, given):
    from symderiv import api
    nt = api.notation_for(claim, tuple(given), api.Notation())
    f = api.read_formula(claim, nt)
    return f.parts, api.build_context(tuple(given), (), nt, claim_exprs=tuple(f.parts))


def test_a_definition_no_derivative_reaches_is_cut():
    """∂L/∂w with a = tanh(u v) upstream of nothing w moves: a is free data for the exact
    route (what holds for any a holds for tanh's)."""
    from symderiv.verify.independent import independent_cut
    (lhs, rhs), ctx = _scalar_claim(r"\frac{\partial L}{\partial w} = 2 (a w - t) a",
                                    [r"a = \tanh(u v)", r"L = (a w - t)^2"])
    free, names = independent_cut(lhs, rhs, ctx)
    assert names == ("a",)
    assert [d.name for d in free.definitions] == ["L"]
    # a derivative that reaches it keeps it
    (lhs, rhs), ctx = _scalar_claim(r"\frac{\partial L}{\partial u} = 0",
                                    [r"a = \tanh(u v)", r"L = (a w - t)^2"])
    assert independent_cut(lhs, rhs, ctx) is None


def test_functions_become_atoms_after_differentiating():
    """tanh(u v) made one atom per argument once the derivative is taken: the same argument
    the same atom, and the derivative's own 1 - tanh² kept in it."""
    from symderiv.verify.independent import ATOM_MARK, abstracted
    (lhs, rhs), ctx = _scalar_claim(r"\frac{\partial L}{\partial u} = 2 (a w - t) (1 - a^2) w v",
                                    [r"a = \tanh(u v)", r"L = (a w - t)^2"])
    (a, b), free, funcs = abstracted(lhs, rhs, ctx)
    assert funcs == ("tanh",) and not free.definitions
    atoms = {str(x) for e in (a, b) for x in e.free_symbols if str(x).endswith(ATOM_MARK)}
    assert len(atoms) == 1, atoms
    assert sympy.simplify(a - b) == 0
