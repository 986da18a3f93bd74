"""The index-calculus rules on softmax and on other expressions (they must be general)."""
import pytest
import sympy
from sympy import Eq, IndexedBase, KroneckerDelta, Ne, Rational, Sum, exp, log

from symderiv.folding import fold
from symderiv.calculus import (collapse, delta_normalize, is_zero, normal_form,
                               total_diff)
from symderiv.models import softmax
from symderiv.notation import K, Context, Partial, beta, index

i, j, k, m = (index(c) for c in "ijkm")
z, y, t, w = (IndexedBase(c) for c in "zytw")
CTX = Context()


def d(expr, var, ctx=CTX):
    return collapse(total_diff(expr, var, ctx), ctx)


def test_sum_of_squares():
    # ∂/∂z_j Σ_k z_k² = 2 z_j: one term of the sum survives
    assert d(Sum(z[k] ** 2, (k, 1, K)), z[j]) == 2 * z[j]


def test_log_sum_exp_gives_softmax():
    e = d(log(Sum(exp(z[k]), (k, 1, K))), z[j])
    plain = softmax(beta=1)
    assert fold(e, plain) == y[j]
    assert not e.has(sympy.Piecewise)


def test_weighted_sum():
    # ∂/∂z_j Σ_k w_k z_k = w_j
    assert d(Sum(w[k] * z[k], (k, 1, K)), z[j]) == w[j]


def test_double_sum_quadratic_form():
    # ∂/∂z_j Σ_k Σ_m z_k z_m = 2 Σ_m z_m
    e = d(Sum(Sum(z[k] * z[m], (m, 1, K)), (k, 1, K)), z[j])
    assert is_zero(e - 2 * Sum(z[m], (m, 1, K)), CTX)


def test_product_of_sums():
    # ∂/∂z_j (Σ z_k)(Σ z_k²) = Σ z_k² + 2 z_j Σ z_k
    e = d(Sum(z[k], (k, 1, K)) * Sum(z[m] ** 2, (m, 1, K)), z[j])
    assert is_zero(e - (Sum(z[k] ** 2, (k, 1, K)) + 2 * z[j] * Sum(z[k], (k, 1, K))), CTX)


def test_softmax_without_beta():
    ctx = softmax(beta=1)
    e = fold(d(y[i], z[j], ctx), ctx)
    assert e == y[i] * (KroneckerDelta(i, j) - y[j])


def test_softmax_with_beta_canonical_form():
    ctx = softmax()
    e = sympy.factor(fold(d(y[i], z[j], ctx), ctx))
    assert e == beta * y[i] * (KroneckerDelta(i, j) - y[j])
    assert not e.has(sympy.Piecewise) and not e.has(Sum)


def test_collapse_needs_the_index_in_range():
    # a sum over 1..K-1 cannot absorb δ_jk for j in 1..K: it must stay a sum
    e = collapse(Sum(z[k] * KroneckerDelta(j, k), (k, 1, K - 1)), CTX)
    assert isinstance(e, Sum)


def test_collapse_numeric_index_out_of_range_is_zero():
    assert collapse(Sum(z[k] * KroneckerDelta(0, k), (k, 1, K)), CTX) == 0


def test_delta_normalize():
    assert delta_normalize(KroneckerDelta(i, j) * (y[i] - y[j]), CTX) == 0


def test_bound_variable_not_captured():
    # regression: differentiating with respect to z_k when the definition sums over k
    ctx = softmax()
    e = normal_form(Partial(y[j], z[k]) - beta * y[j] * (KroneckerDelta(j, k) - y[k]), ctx)
    assert e == 0


def test_case_conditions():
    ctx = softmax()
    assert is_zero(Partial(y[i], z[j]) + beta * y[i] * y[j], ctx.assume(Ne(i, j)))
    assert is_zero(Partial(y[i], z[j]) - beta * y[i] * (1 - y[i]), ctx.assume(Eq(i, j)))
    assert not is_zero(Partial(y[i], z[j]) + beta * y[i] * y[j], ctx)


def test_value_condition_reduces():
    ctx = softmax().assume(Eq(Sum(t[k], (k, 1, K)), 1))
    assert is_zero(y[i] * Sum(t[k], (k, 1, K)) - y[i], ctx)
    assert not is_zero(y[i] * Sum(t[k], (k, 1, K)) - y[i], softmax())


def test_softmax_sums_to_one():
    assert is_zero(Sum(y[k], (k, 1, K)) - 1, softmax())


def test_generic_loss_chain_rule():
    L = sympy.Symbol("L")
    ctx = softmax().declare_generic("L", ("y",))
    rhs = beta * y[k] * (Partial(L, y[k]) - Sum(Partial(L, y[j]) * y[j], (j, 1, K)))
    assert is_zero(Partial(L, z[k]) - rhs, ctx)
    assert not is_zero(Partial(L, z[k]) - rhs / beta, ctx)


def test_second_derivative_of_generic_is_refused():
    from symderiv.calculus import CalculusError
    L = sympy.Symbol("L")
    ctx = softmax().declare_generic("L", ("y",))
    with pytest.raises(CalculusError, match="second derivatives"):
        total_diff(Partial(L, y[j]), z[k], ctx)


def test_rational_coefficients():
    e = d(Rational(1, 2) * Sum((z[k] - t[k]) ** 2, (k, 1, K)), z[j])
    assert sympy.expand(e - (z[j] - t[j])) == 0
