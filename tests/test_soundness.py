"""Soundness table: claims of our own (true, false, conditional), each through every method.

No method may call a false claim proved/verified, nor a true claim refuted.  The symbolic
route must prove every true claim marked ``sym`` (for every K); the exact route must verify
every true claim; the full decision must refute every false one with a re-checked
counterexample.
"""
import pytest
import sympy
from sympy import Eq, IndexedBase, KroneckerDelta as d, Ne, Rational, Sum, Symbol, exp, log

from symderiv.models import cross_entropy, generic_loss, linear_layer, mse, softmax
from symderiv.notation import K, Context, Partial, beta, index, size
from symderiv.verify import decide

i, j, k, a, c, e_ = (index(s) for s in "ijkace")
z, y, t, W, x, b = (IndexedBase(s) for s in "zytWxb")
L = Symbol("L")
m_ = size("m")
SM, SM1 = softmax(), softmax(beta=1)
CE, MSE, MSE2 = cross_entropy(SM), mse(SM), mse(SM, half=False)
CE1 = cross_entropy(SM1)
GEN = generic_loss(SM)
LIN = linear_layer()
SUM_T = Eq(Sum(t[j], (j, 1, K)), 1)
g = lambda q: Partial(L, y[q])  # noqa: E731
chain = Sum(Partial(L, y[j]) * Partial(y[j], z[k]), (j, 1, K))

# (id, lhs, rhs, context, conditions, truth, symbolic-route expected to prove)
CASES = [
    # -- softmax Jacobian ------------------------------------------------------------
    ("jac-canonical", Partial(y[i], z[j]), beta * y[i] * (d(i, j) - y[j]), SM, (), True, True),
    ("jac-expanded", Partial(y[i], z[j]), beta * y[i] * d(i, j) - beta * y[i] * y[j], SM, (), True, True),
    ("jac-no-beta-plain", Partial(y[i], z[j]), y[i] * (d(i, j) - y[j]), SM1, (), True, True),
    ("jac-missing-beta", Partial(y[i], z[j]), y[i] * (d(i, j) - y[j]), SM, (), False, False),
    ("jac-swapped", Partial(y[i], z[j]), beta * y[j] * (d(i, j) - y[i]), SM, (), True, True),
    ("jac-wrong-sign", Partial(y[i], z[j]), beta * y[i] * (y[j] - d(i, j)), SM, (), False, False),
    ("jac-diag", Partial(y[i], z[j]), beta * y[i] * (1 - y[i]), SM, (Eq(i, j),), True, True),
    ("jac-diag-yj", Partial(y[i], z[j]), beta * y[j] * (1 - y[i]), SM, (Eq(i, j),), True, True),
    ("jac-diag-no-beta", Partial(y[i], z[j]), y[i] * (1 - y[i]), SM, (Eq(i, j),), False, False),
    ("jac-off", Partial(y[i], z[j]), -beta * y[i] * y[j], SM, (Ne(i, j),), True, True),
    ("jac-off-no-sign", Partial(y[i], z[j]), beta * y[i] * y[j], SM, (Ne(i, j),), False, False),
    ("jac-off-without-cond", Partial(y[i], z[j]), -beta * y[i] * y[j], SM, (), False, False),
    ("jac-quotient", Partial(y[i], z[j]),
     (beta * exp(beta * z[i]) * d(i, j) * Sum(exp(beta * z[k]), (k, 1, K))
      - exp(beta * z[i]) * beta * exp(beta * z[j])) / Sum(exp(beta * z[k]), (k, 1, K)) ** 2,
     SM, (), True, True),
    ("jac-quotient-squared-twice", Partial(y[i], z[j]),
     exp(z[i]) / Sum(exp(z[k]), (k, 1, K)) ** 2
     * (Sum(exp(z[k]), (k, 1, K)) - exp(z[i])) / Sum(exp(z[k]), (k, 1, K)) ** 2,
     SM1, (Eq(i, j),), False, False),
    ("softmax-sums-to-one", Sum(y[k], (k, 1, K)), 1, SM, (), True, True),
    ("softmax-sums-to-K", Sum(y[k], (k, 1, K)), K * y[i], SM, (), False, False),
    ("jac-rows-sum-zero", Sum(Partial(y[i], z[j]), (i, 1, K)), 0, SM, (), True, True),
    ("jac-cols-sum", Sum(Partial(y[i], z[j]), (j, 1, K)), 0, SM, (), True, True),
    ("shift-invariance", Sum(Partial(y[i], z[j]) * z[j], (j, 1, K)),
     beta * y[i] * (z[i] - Sum(y[j] * z[j], (j, 1, K))), SM, (), True, True),
    # -- generic loss -------------------------------------------------------------------
    ("any-loss", Partial(L, z[k]), beta * y[k] * (g(k) - Sum(g(j) * y[j], (j, 1, K))), GEN, (), True, True),
    ("any-loss-chain", Partial(L, z[k]), chain, GEN, (), True, True),
    ("any-loss-no-beta", Partial(L, z[k]), y[k] * (g(k) - Sum(g(j) * y[j], (j, 1, K))), GEN, (), False, False),
    ("any-loss-plus", Partial(L, z[k]), beta * y[k] * (g(k) + Sum(g(j) * y[j], (j, 1, K))), GEN, (), False, False),
    ("any-loss-diag-only", Partial(L, z[k]), beta * g(k) * y[k] * (1 - y[k]), GEN, (), False, False),
    # -- cross-entropy --------------------------------------------------------------------
    ("ce-dy", Partial(L, y[j]), -t[j] / y[j], CE, (), True, True),
    ("ce-dy-sign", Partial(L, y[j]), t[j] / y[j], CE, (), False, False),
    ("ce-general", chain, beta * (y[k] * Sum(t[j], (j, 1, K)) - t[k]), CE, (), True, True),
    ("ce-fused-with-cond", chain, beta * (y[k] - t[k]), CE, (SUM_T,), True, True),
    ("ce-fused-without-cond", chain, beta * (y[k] - t[k]), CE, (), False, False),
    ("ce-fused-plain", Partial(L, z[k]), y[k] - t[k], CE1, (SUM_T,), True, True),
    ("ce-fused-sign", Partial(L, z[k]), t[k] - y[k], CE1, (SUM_T,), False, False),
    ("ce-direct-vs-chain", Partial(L, z[k]), chain, CE, (), True, True),
    # -- MSE -------------------------------------------------------------------------------
    ("mse-dy", Partial(L, y[j]), y[j] - t[j], MSE, (), True, True),
    ("mse-dy-factor-2", Partial(L, y[j]), 2 * (y[j] - t[j]), MSE, (), False, False),
    ("mse-no-half-dy", Partial(L, y[j]), 2 * (y[j] - t[j]), MSE2, (), True, True),
    ("mse-dz", Partial(L, z[k]),
     beta * y[k] * ((y[k] - t[k]) - Sum((y[j] - t[j]) * y[j], (j, 1, K))), MSE, (), True, True),
    ("mse-dz-fused-like-ce", Partial(L, z[k]), beta * (y[k] - t[k]), MSE, (SUM_T,), False, False),
    ("mse-dz-no-half", Partial(L, z[k]),
     2 * beta * y[k] * ((y[k] - t[k]) - Sum((y[j] - t[j]) * y[j], (j, 1, K))), MSE2, (), True, True),
    ("mse-chain", Partial(L, z[k]), chain, MSE, (), True, True),
    # -- linear layer ----------------------------------------------------------------------
    ("lin-W", Partial(L, W[a, c]), Partial(L, y[a]) * x[c], LIN, (), True, True),
    ("lin-W-transposed", Partial(L, W[a, c]), Partial(L, y[c]) * x[a], LIN, (), False, False),
    ("lin-b", Partial(L, b[a]), Partial(L, y[a]), LIN, (), True, True),
    ("lin-x", Partial(L, x[c]), Sum(W[e_, c] * Partial(L, y[e_]), (e_, 1, m_)), LIN, (), True, True),
    ("lin-x-not-transposed", Partial(L, x[c]), Sum(W[c, e_] * Partial(L, y[e_]), (e_, 1, m_)), LIN, (), False, False),
    # -- plain algebra with sums -------------------------------------------------------------
    ("sum-linear", Sum(2 * t[k] + 1, (k, 1, K)), 2 * Sum(t[j], (j, 1, K)) + K, Context(), (), True, True),
    ("sum-off-by-one", Sum(t[k] + 1, (k, 1, K)), Sum(t[j], (j, 1, K)) + K - 1, Context(), (), False, False),
    ("rational", Rational(1, 2) * (y[i] - t[i]) * 2, y[i] - t[i], Context(), (), True, True),
    ("rational-false", Rational(1, 2 ** 99), Rational(1, 2 ** 98), Context(), (), False, False),
    # -- conditions pinning an index, a parameter or the size (substituted, never divided by) ---
    ("delta-ne", d(i, j), 0, Context(), (Ne(i, j),), True, True),
    ("pin-index-false", z[i], 0, Context(), (Eq(i, 2),), False, False),
    ("pin-index-true", y[i], y[1], SM, (Eq(i, 1),), True, True),
    ("pin-index-other", y[i], y[2], SM1, (Eq(i, 1),), False, False),
    ("pin-beta-true", Partial(y[i], z[j]), 2 * y[i] * (d(i, j) - y[j]), SM, (Eq(beta, 2),), True, True),
    ("pin-beta-forgot", Partial(y[i], z[j]), y[i] * (d(i, j) - y[j]), SM, (Eq(beta, 2),), False, False),
    ("pin-beta-constant", Partial(y[i], z[j]), 7, SM, (Eq(beta, 2),), False, False),
    ("pin-size-false", Partial(y[i], z[j]), 0, SM1, (Eq(K, 3),), False, False),
]

IDS = [c[0] for c in CASES]


@pytest.fixture(params=["symbolic", "exact", "full"])
def method(request):
    return request.param


@pytest.mark.parametrize("name,lhs,rhs,ctx,conds,truth,sym", CASES, ids=IDS)
def test_soundness(method, name, lhs, rhs, ctx, conds, truth, sym):
    ctx = ctx.assume(*conds) if conds else ctx
    if method == "symbolic":
        v = decide(lhs, rhs, ctx, exact=False)
        if truth and sym:
            assert v.status == "proved", v
        elif truth:
            assert v.status == "unknown", v
        else:  # constants are decided exactly even here; never proved
            assert v.status in ("unknown", "refuted"), v
    elif method == "exact":
        v = decide(lhs, rhs, ctx, symbolic=False, sizes=(1, 2, 3, 5))
        if truth:
            assert v.status == "verified", v
        else:
            assert v.status in ("refuted", "unknown"), v
            assert v.status == "refuted", v  # all our false claims have small counterexamples
    else:
        v = decide(lhs, rhs, ctx)
        if truth:
            assert v.status == ("proved" if sym else "verified"), v
        else:
            assert v.status == "refuted", v
            cx = v.counterexample
            assert cx is not None and cx.lhs != cx.rhs


def test_table_is_large_and_mixed():
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if c[5]) >= 15 and sum(1 for c in CASES if not c[5]) >= 15


def test_missing_condition_is_named():
    v = decide(chain, beta * (y[k] - t[k]), CE)
    assert v.status == "refuted"
    assert "t" in v.reason and "= 1" in v.reason


def test_counterexample_is_small():
    v = decide(Partial(y[i], z[j]), y[i] * (d(i, j) - y[j]), SM)
    assert v.counterexample.K <= 2


def test_contradictory_conditions_decide_nothing():
    for conds in [(Eq(i, j), Ne(i, j)), (Eq(beta, 1), Eq(beta, 2)), (Eq(i, 1), Eq(j, 2), Eq(i, j))]:
        v = decide(y[i], y[j], SM.assume(*conds))
        assert v.status == "unknown" and "contradict" in v.reason, v


def test_size_pin_counterexample_is_at_that_size():
    v = decide(Partial(y[i], z[j]), 0, SM1.assume(Eq(K, 3)))
    assert v.status == "refuted" and v.counterexample.K in (0, 3), v


def test_circular_definitions_are_bad_input():
    from symderiv import check
    from symderiv.notation import NotationError
    with pytest.raises(NotationError, match="circular"):
        check("a = 1", given=["a = b + x", "b = a"])


@pytest.mark.parametrize("given,claim,status", [
    (r"y_i = \frac{e^{z_i}}{\sum_{k=0}^{K-1} e^{z_k}}",
     r"\frac{\partial y_i}{\partial z_j} = y_i(\delta_{ij} - y_j)", "proved"),
    (r"y_i = \frac{e^{z_i}}{\sum_{k=0}^{K-1} e^{z_k}}",
     r"\frac{\partial y_i}{\partial z_j} = y_i(\delta_{ij} - y_i)", "refuted"),
    (r"p_a = \frac{e^{s_a}}{\sum_{c=1}^{N} e^{s_c}}",
     r"\frac{\partial p_a}{\partial s_b} = p_a(\delta_{ab} - p_b)", "proved"),
    (r"y_i = \frac{e^{z_i}}{\sum_{k=0}^{n} e^{z_k}}",
     r"\frac{\partial y_i}{\partial z_j} = y_i(\delta_{ij} - y_j)", "proved"),
])
def test_indices_range_over_the_definitions_sums(given, claim, status):
    """0-based and N-sized softmaxes: free indices lie where the sums run (no false refutation)."""
    from symderiv import check
    v = check(claim, [given])
    assert v.status == status, v
    if status == "refuted":
        (lo_ok,) = {value >= 0 for _, value in v.counterexample.indices}
        assert lo_ok and all(value < v.counterexample.K for _, value in v.counterexample.indices)


@pytest.mark.parametrize("claim,status", [
    (r"\frac{\partial y_i}{\partial z_j} = \frac{1}{\tau} y_i(\delta_{ij} - y_j)", "proved"),
    (r"\frac{\partial y_i}{\partial z_j} = \tau y_i(\delta_{ij} - y_j)", "refuted"),
    (r"\frac{\partial y_i}{\partial z_j} = y_i(\delta_{ij} - y_j)", "refuted"),
])
def test_temperature_softmax(claim, status):
    """A temperature inside the exponential gets values keeping e^{z/τ} rational."""
    from symderiv import check
    v = check(claim, [r"y_i = \frac{e^{z_i/\tau}}{\sum_{k=1}^{K} e^{z_k/\tau}}"])
    assert v.status == status, v


@pytest.mark.parametrize("claim,status", [
    (r"\log y_i = z_i - \log \sum_{k=1}^{K} e^{z_k}", "proved"),
    (r"\log y_i = z_i + \log \sum_{k=1}^{K} e^{z_k}", "refuted"),
    (r"\log(e^{x}) = x", "proved"),
    (r"\log y_i + \log y_j = \log(y_i y_j)", "proved"),
    # the real logarithm is defined only for positive arguments: where log x and log y are
    # written, x > 0 and y > 0, so the product rule holds there
    (r"\log(x y) = \log x + \log y", "proved"),
    (r"\log(x^2) = 2 \log x", "proved"),
    (r"\log \frac{1}{P(j)} = -\log P(j)", "proved"),
    # log(xy) alone says only xy > 0: not split (x and y may both be negative)
    (r"\log(x y) = \log(-x) + \log(-y)", "unknown"),
    (r"\log(x^2) = 2 \log(-x)", "unknown"),
    # a counterexample outside the domain (log of a negative number) is none
    (r"\log(x) = \log(-x)", "unknown"),
    (r"\log x = 2 \log x", "refuted"),
    (r"\log(1 + e^{-u}) = \log(1 + e^{u}) - u", "proved"),
    (r"\log(1 - \frac{1}{1 + e^{-u}}) = -\log(1 + e^{u})", "proved"),
])
def test_logarithms_of_positive_quantities(claim, status):
    from symderiv import check
    v = check(claim, [r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"])
    assert v.status == status, v


SIGMOID = r"\sigma(x) = \frac{1}{1 + e^{-x}}"


@pytest.mark.parametrize("claim,status", [
    (r"\sigma'(x) = \sigma(x)(1 - \sigma(x))", "proved"),
    (r"\sigma'(x) = \sigma(x)(1 + \sigma(x))", "refuted"),
    (r"\frac{d}{dx} \sigma(x) = \sigma(x)(1 - \sigma(x))", "proved"),
    (r"\frac{\partial \sigma(z)}{\partial z} = \sigma(z)(1 - \sigma(z))", "proved"),
    (r"\frac{d \sigma}{d x} = \sigma (1 - \sigma)", "proved"),      # σ a value: a product
    (r"\frac{d \sigma}{d x} = \sigma(x)(1 - \sigma(x))", "proved"),
    (r"1 - \sigma(x) = \sigma(-x)", "proved"),
    (r"1 - \sigma(x) = \sigma(x)", "refuted"),
])
def test_function_definitions_apply_by_substitution(claim, status):
    from symderiv import check
    v = check(claim, [SIGMOID])
    assert v.status == status, v


def test_operator_name_functions():
    from symderiv import check
    lse = r"\mathrm{LSE}(z) = \log \sum_{k=1}^{K} e^{z_k}"
    v = check(r"\frac{\partial \, \mathrm{LSE}(z)}{\partial z_j} = \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}", [lse])
    assert v.status == "proved", v
    v = check(r"\frac{\partial \, \mathrm{LSE}(z)}{\partial z_j} = \frac{1}{\sum_{k=1}^{K} e^{z_k}}", [lse])
    assert v.status == "refuted", v


@pytest.mark.parametrize("claim,status", [
    (r"\frac{\partial L}{\partial x_j} = \sum_{i=1}^{m} W_{ij} \frac{\partial L}{\partial y_i}", "unknown"),
    (r"\frac{\partial L}{\partial x_j} = \sum_{i=1}^{m} W_{ji} \frac{\partial L}{\partial y_i}", "refuted"),
])
def test_sizes_only_the_claim_uses(claim, status):
    """Σ_{i=1}^{m} over y_i whose count the definitions never give: no refutation that rests
    on m differing from the definitions' size; one that holds with m = n is real."""
    from symderiv import check
    v = check(claim, [r"y_i = \sum_{j=1}^{n} W_{ij} x_j + b_i"])
    assert v.status == status, v
    if status == "unknown":
        assert "m = n" in v.reason


@pytest.mark.parametrize("claim,status", [
    (r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial y} x^\top", "proved"),
    (r"\frac{\partial L}{\partial x} = W^T \frac{\partial L}{\partial y}", "proved"),
    # the transpose of the gradient: the shapes fit in no layout, never "proved"
    (r"\frac{\partial L}{\partial W} = x \frac{\partial L}{\partial y}^T", "unknown"),
])
def test_linear_layer_in_vector_notation(claim, status):
    from symderiv import check
    v = check(claim, given=[r"y = Wx + b"])
    assert v.status == status, v


@pytest.mark.parametrize("claim,status", [
    (r"\frac{d}{dx} x^2 = 6", "proved"),     # differentiate first, then x = 3
    (r"\frac{d}{dx} x^2 = 2x", "proved"),
    (r"\frac{d}{dx} x^2 = 3", "refuted"),
])
def test_value_of_a_differentiation_variable(claim, status):
    from symderiv import check
    assert check(claim, where=["x = 3"]).status == status


@pytest.mark.parametrize("claim,status", [
    (r"\frac{\partial y}{\partial z} = \mathrm{diag}(y) - y y^T", "proved"),
    (r"\frac{\partial y}{\partial z} = \mathrm{diag}(y) - y y^{\top}", "proved"),
    (r"\frac{\partial y}{\partial z} = y y^T - \mathrm{diag}(y)", "refuted"),   # sign
    (r"\frac{\partial y}{\partial z} = \mathrm{diag}(y) - y^T y", "unknown"),   # shapes
])
def test_softmax_jacobian_in_vector_notation(claim, status):
    """y^T is a transpose, not y to the power T; a misfit of shapes is never "proved"."""
    from symderiv import check
    v = check(claim, given=[r"y = \mathrm{softmax}(z)"])
    assert v.status == status, v
    if status == "refuted":
        assert v.counterexample is not None


def test_definitions_by_derivatives():
    from symderiv import check
    g = [r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}", r"J_{ij} = \frac{\partial y_i}{\partial z_j}"]
    assert check(r"J_{ij} = y_i(\delta_{ij} - y_j)", g).status == "proved"
    assert check(r"J_{ij} = J_{ji}", g).status == "proved"
    assert check(r"J_{ij} = y_i y_j", g).status == "refuted"


@pytest.mark.parametrize("claim,status", [
    (r"\log \sum_{n=1}^{N} e^{a_n} = c + \log \sum_{n=1}^{N} e^{a_n - c}", "proved"),
    (r"\log \sum_{n=1}^{N} e^{a_n} = -c + \log \sum_{n=1}^{N} e^{a_n - c}", "not proved"),
])
def test_log_sum_exp_shift(claim, status):
    from symderiv import check
    v = check(claim)
    assert (v.status == "proved") == (status == "proved"), v
    assert v.status != "verified" or status == "proved"


@pytest.mark.parametrize("claim,status", [
    (r"\frac{\partial^2 L}{\partial z_j \partial z_m} = y_j (\delta_{jm} - y_m)", "proved"),
    (r"\frac{\partial^2 L}{\partial z_j \partial z_m} = y_j y_m", "refuted"),
])
def test_cross_entropy_hessian(claim, status):
    from symderiv import check
    v = check(claim, [r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}",
                      r"L = -\sum_{k=1}^{K} t_k \log y_k"],
              where=[r"\sum_{k=1}^{K} t_k = 1"], timeout=60)
    assert v.status == status, v


def test_second_derivative_of_a_power():
    from symderiv import check
    assert check(r"\frac{\partial^2 f}{\partial x^2} = 6 x", ["f = x^3"]).status == "proved"
    assert check(r"\frac{\partial^2 f}{\partial x^2} = 3 x^2", ["f = x^3"]).status == "refuted"


@pytest.mark.parametrize("claim,where,status", [
    (r"\frac{\partial y_2}{\partial z_2} = y_2(1 - y_2)", [], "verified"),
    (r"\frac{\partial y_1}{\partial z_2} = -y_1 y_2", [], "verified"),
    (r"\frac{\partial y_1}{\partial z_9} = -y_1 y_9", [], "verified"),
    (r"\frac{\partial y_1}{\partial z_9} = 0", [], "refuted"),
    (r"\sum_{k=1}^{K} \delta_{k9} = 0", [], "refuted"),
    (r"\frac{\partial y_i}{\partial z_j} = 0", [r"j = 9"], "refuted"),
    (r"\frac{\partial y_i}{\partial z_j} = y_i(\delta_{ij} - y_j)", [r"j = 9"], "verified"),
])
def test_literal_indices_need_sizes_that_hold_them(claim, where, status):
    """y_2 needs K ≥ 2: smaller sizes are neither counterexamples nor evidence."""
    from symderiv import check
    v = check(claim, [r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"], where, timeout=60)
    assert v.status == status, v
    if v.counterexample is not None and v.counterexample.K:
        assert v.counterexample.K >= 9 or "9" not in claim + "".join(where)
