"""Reading classes round 7 left undecided (issue 11): the power of a function's value
(``\\tanh^2(z)``, ``\\sigma^2(x)``), ``\\operatorname{sech}``, several sums under one sign
(``\\sum_{i,j}``), ``\\max_j z_j``, a bare ``\\sum e^{z}``, a sum over a named batch, several
values in one display, Euler's number on the exact route, a vector function of a vector plus a
number.  Each label is re-checked with SymPy here (at fixed sizes) or is a SymPy identity."""
import sympy
from sympy import E, Rational, cosh, diff, exp, log, simplify, tanh

import symderiv
from symderiv.errors import SymderivError
from symderiv.read.display import split_display
from symderiv.report.audit import audit_document

DECIDED_TRUE = ("proved", "verified")


def status(claim, given=()):
    try:
        return symderiv.check(claim, given=list(given)).status
    except SymderivError:
        return "unparsed"


z, x, w, c = sympy.symbols("z x w c", real=True)
SIG = 1 / (1 + exp(-x))


# -- 1. a power written between a function and its argument ------------------------------------
def test_tanh_squared_is_the_square_of_tanh():
    assert simplify(diff(tanh(z), z) - (1 - tanh(z) ** 2)) == 0
    assert status(r"\frac{d}{dz}\tanh(z) = 1 - \tanh^2(z)") in DECIDED_TRUE
    assert status(r"\frac{d}{dz}\tanh z = 1 - \tanh^{2} z") in DECIDED_TRUE
    assert (diff(tanh(z), z) - (1 + tanh(z) ** 2)).subs(z, 1).evalf() != 0
    assert status(r"\frac{d}{dz}\tanh(z) = 1 + \tanh^2(z)") == "refuted"


def test_sigma_squared_is_the_square_of_sigma():
    assert simplify(diff(SIG ** 2, x) - 2 * SIG * diff(SIG, x)) == 0
    assert status(r"\frac{d}{dx}\sigma^2(x) = 2\sigma(x)\sigma'(x)") in DECIDED_TRUE
    assert (diff(SIG ** 2, x) - SIG * diff(SIG, x)).subs(x, 1).evalf() != 0
    assert status(r"\frac{d}{dx}\sigma^2(x) = \sigma(x)\,\sigma'(x)") == "refuted"


def test_a_bare_function_still_reads_at_the_same_point():
    assert status(r"\sigma'(x) = \sigma(1 - \sigma)") in DECIDED_TRUE


def test_an_inverse_power_of_an_applied_function_is_never_decided():
    # the logit is the inverse function σ^{-1}: a reading as 1/σ would refute this true claim
    p = sympy.Symbol("p", positive=True)
    assert simplify(1 / (1 + exp(-log(p / (1 - p)))) - p) == 0
    for claim in (r"\sigma^{-1}(p) = \log\frac{p}{1-p}", r"\tanh^{-1}(x) = x",
                  r"f^{-1}(y) = 2 y"):
        assert status(claim) in ("unparsed", "unknown")


def test_sech_is_one_over_cosh():
    sech = 1 / cosh(z)
    assert simplify(1 - tanh(z) ** 2 - sech ** 2) == 0
    assert status(r"1 - \tanh^2(z) = \operatorname{sech}^2(z)") in DECIDED_TRUE
    assert status(r"\frac{d}{dz}\tanh(z) = \operatorname{sech}^2(z)") in DECIDED_TRUE
    assert simplify(diff(sech, z) + sech * tanh(z)) == 0
    assert status(r"\frac{d}{dz}\operatorname{sech}(z) = -\operatorname{sech}(z)\tanh(z)") \
        in DECIDED_TRUE
    assert (diff(sech, z) - sech * tanh(z)).subs(z, 1).evalf() != 0
    assert status(r"\frac{d}{dz}\operatorname{sech}(z) = \operatorname{sech}(z)\tanh(z)") \
        == "refuted"
    assert status(r"1 + \tanh^2(z) = \mathrm{sech}^2(z)") == "refuted"


# -- 2. sums and the largest entry --------------------------------------------------------------
def _double_sum_grad(K, factor):
    W = sympy.Matrix(K, K, lambda i, j: sympy.Symbol(f"W{i}{j}"))
    J = sum(W[i, j] ** 2 for i in range(K) for j in range(K))
    return all(diff(J, W[a, b]) == factor * W[a, b] for a in range(K) for b in range(K))


def test_a_double_sum_under_one_sign():
    assert _double_sum_grad(3, 2) and not _double_sum_grad(3, 1)
    assert status(r"\frac{\partial}{\partial W_{ab}} \sum_{i,j} W_{ij}^2 = 2 W_{ab}") \
        in DECIDED_TRUE
    assert status(r"\frac{\partial}{\partial W_{ab}} \sum_{i,j} W_{ij}^2 = W_{ab}") == "refuted"


def test_a_double_sum_with_one_range_for_both():
    n = 3
    xs, ys = sympy.symbols("x1:4"), sympy.symbols("y1:4")
    both = sum(xs[i] * ys[j] for i in range(n) for j in range(n))
    assert sympy.expand(both - sum(xs) * sum(ys)) == 0
    assert sympy.expand(both - sum(xs[i] * ys[i] for i in range(n))) != 0
    assert status(r"\sum_{i, j=1}^{n} x_i y_j = \sum_{i=1}^{n} x_i \sum_{j=1}^{n} y_j") \
        in DECIDED_TRUE
    assert status(r"\sum_{i, j=1}^{n} x_i y_j = \sum_{i=1}^{n} x_i y_i") == "refuted"
    assert status(r"\frac{\partial}{\partial A_{ab}} \sum_{i, j=1}^{n} (A_{ij} - Y_{ij})^2 "
                  r"= 2(A_{ab} - Y_{ab})") in DECIDED_TRUE


def test_a_sum_over_the_batch():
    xs, ys = sympy.symbols("x1:4"), sympy.symbols("y1:4")
    L = Rational(1, 2) * sum((w * a - b) ** 2 for a, b in zip(xs, ys))
    g = sum((w * a - b) * a for a, b in zip(xs, ys))
    assert sympy.expand(diff(L, w) - g) == 0 and sympy.expand(diff(L, w) - 2 * g) != 0
    left = r"\frac{\partial}{\partial w} \frac{1}{2}\sum_{n \in \text{batch}} (w x_n - y_n)^2"
    assert status(left + r" = \sum_{n \in \text{batch}} (w x_n - y_n)\, x_n") in DECIDED_TRUE
    assert status(left + r" = 2\sum_{n \in \text{batch}} (w x_n - y_n)\, x_n") == "refuted"
    # the index as a number depends on how the items are numbered: never refuted
    assert status(r"\sum_{n \in \text{batch}} n\, x_n = \sum_{n \in \text{batch}} x_n") \
        != "refuted"


def test_max_over_an_index_is_the_largest_entry():
    zs = sympy.symbols("z1:4")
    m = sympy.Symbol("m")
    shifted = exp(zs[0] - m) / sum(exp(t - m) for t in zs)
    assert simplify(shifted - exp(zs[0]) / sum(exp(t) for t in zs)) == 0
    soft = r"\frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"
    for mx in (r"\max_j z_j", r"\max_{j} z_j"):
        assert status(rf"\frac{{e^{{z_i - {mx}}}}}{{\sum_{{k=1}}^{{K}} e^{{z_k - {mx}}}}} = "
                      + soft) in DECIDED_TRUE
    # where the largest entry does not cancel, its derivative is not read: undecided
    assert status(r"\frac{e^{z_i - \max_j z_j}}{\sum_{k=1}^{K} e^{z_k}} = " + soft) \
        not in ("proved", "verified", "refuted")
    assert status(r"\frac{\partial}{\partial z_i} \max_j z_j = 1") \
        not in ("proved", "verified", "refuted")


def test_a_bare_sum_of_a_vector_is_over_its_entries():
    given = [r"p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"]
    zs = sympy.symbols("z1:4")
    lse = log(sum(exp(t) for t in zs))
    assert simplify(diff(lse, zs[0]) - exp(zs[0]) / sum(exp(t) for t in zs)) == 0
    assert status(r"\frac{\partial}{\partial z_i} \log \sum e^{z} = p_i", given) in DECIDED_TRUE
    # read with a doubt (the entries of z): a slip is not refuted, never proved
    assert status(r"\frac{\partial}{\partial z_i} \log \sum e^{z} = 1 - p_i", given) == "unknown"
    # no vector beside it: no index to sum over, not read
    assert status(r"\sum e^{z} = 1") == "unparsed"


# -- 3. several values in one display ------------------------------------------------------------
def test_several_rounded_values_in_one_display(tmp_path):
    assert split_display(r"p_1 \approx 0.0900, \quad p_2 \approx 0.2447, \quad p_3 \approx 0.6652") \
        == [r"p_1 \approx 0.0900", r"p_2 \approx 0.2447", r"p_3 \approx 0.6652"]
    assert split_display(r"a = 1, \quad b \approx 2") == ["a = 1", r"b \approx 2"]
    assert split_display(r"p \approx 0.1, \quad (i \neq j)") == [r"p \approx 0.1, \quad (i \neq j)"]
    doc = tmp_path / "d.md"
    doc.write_text("The softmax $q_i = \\frac{e^{u_i}}{\\sum_{k=1}^{2} e^{u_k}}$ of $u = (0, 1)$:\n\n"
                   "$$q_1 \\approx 0.2689, \\quad q_2 \\approx 0.7311.$$\n")
    recs = {r.spec.latex.rstrip(",. "): r.verdict for r in audit_document(doc)}
    for key in (r"q_1 \approx 0.2689", r"q_2 \approx 0.7311"):
        assert key in recs and "unparsed" not in (recs[key].reason or "")
        assert recs[key].status != "refuted"


# -- 4. the exact route: e, and a vector function of a vector plus a number ----------------------
def test_euler_number_on_every_route():
    assert simplify(E / (1 + E) - 1 / (1 + exp(-1))) == 0
    assert simplify(E / (1 + E) - 1 / (1 + exp(-2))) != 0
    assert status(r"\frac{e}{1 + e} = \frac{1}{1 + e^{-1}}") in DECIDED_TRUE
    assert status(r"\frac{e}{1 + e} = \frac{1}{1 + e^{-2}}") == "refuted"
    assert simplify(diff(exp(x + 1), x) - E * exp(x)) == 0
    assert status(r"\frac{d}{dx} e^{x + 1} = e\, e^{x}") in DECIDED_TRUE
    assert status(r"\frac{d}{dx} e^{x + 1} = e^{x}") == "refuted"


def test_exact_route_evaluates_e_and_hyperbolic_functions():
    """The GF(p) route directly: e a free value, tanh and sech through exponentials."""
    from symderiv.notation import Context
    from symderiv.verify.exact_check import exact_check
    ctx = Context()
    assert exact_check(E / (1 + E), 1 / (1 + exp(-1)), ctx, (1, 2)).agree
    assert not exact_check(E / (1 + E), 1 / (1 + exp(-2)), ctx, (1, 2)).agree
    assert exact_check(1 - tanh(z) ** 2, sympy.sech(z) ** 2, ctx, (1, 2)).agree
    assert not exact_check(1 + tanh(z) ** 2, sympy.sech(z) ** 2, ctx, (1, 2)).agree


def test_softmax_of_a_vector_plus_a_number():
    zs = sympy.symbols("z1:4")
    soft = [exp(t) / sum(exp(u) for u in zs) for t in zs]
    shifted = [exp(t + c) / sum(exp(u + c) for u in zs) for t in zs]
    assert all(simplify(a - b) == 0 for a, b in zip(shifted, soft))
    assert all(simplify(a - b - c) != 0 for a, b in zip(shifted, soft))
    true = r"\mathrm{softmax}(\mathbf z + c)_i = \mathrm{softmax}(\mathbf z)_i"
    false = r"\mathrm{softmax}(\mathbf z + c)_i = \mathrm{softmax}(\mathbf z)_i + c"
    own = [r"\mathrm{softmax}(\mathbf z)_i = \frac{e^{z_i}}{\sum_{j} e^{z_j}}"]
    for given in ((), own):
        v = symderiv.check(true, given=list(given))
        assert v.status in DECIDED_TRUE
        assert any("added to every entry" in d for r in v.readings for d in r.doubts)
        assert status(false, given) not in ("proved", "verified")
    lsm = [t - log(sum(exp(u) for u in zs)) for t in zs]
    lsm_c = [t + c - log(sum(exp(u + c) for u in zs)) for t in zs]
    assert all(simplify(sympy.expand_log(a - b, force=True)) == 0 for a, b in zip(lsm_c, lsm))
    assert status(r"\mathrm{logsoftmax}(\mathbf z + c)_i = \mathrm{logsoftmax}(\mathbf z)_i") \
        in DECIDED_TRUE


def test_a_vector_plus_a_vector_is_not_shifted():
    # softmax(z + c) with c a vector differs from softmax(z): never proved
    zs, cs = sympy.symbols("z1:3"), sympy.symbols("c1:3")
    a = exp(zs[0] + cs[0]) / (exp(zs[0] + cs[0]) + exp(zs[1] + cs[1]))
    assert simplify(a - exp(zs[0]) / (exp(zs[0]) + exp(zs[1]))) != 0
    assert status(r"\mathrm{softmax}(\mathbf z + \mathbf c)_i = \mathrm{softmax}(\mathbf z)_i") \
        not in ("proved", "verified")


# -- what the new readings exposed ----------------------------------------------------------------
def test_free_indices_run_where_the_definition_sums():
    """J = Σ_{i=1}^{n} Σ_{j=1}^{m} (A_ij − Y_ij)²: the claim's j is a column index of A, 1..m
    (m a size, not an index): no counterexample at an entry A_{12} that m = 1 rules out."""
    given = [r"J = \sum_{i=1}^{n}\sum_{j=1}^{m} (A_{ij} - Y_{ij})^2"]
    A = sympy.Matrix(2, 3, lambda i, j: sympy.Symbol(f"A{i}{j}"))
    Y = sympy.Matrix(2, 3, lambda i, j: sympy.Symbol(f"Y{i}{j}"))
    J = sum((A[i, j] - Y[i, j]) ** 2 for i in range(2) for j in range(3))
    assert all(sympy.expand(diff(J, A[i, j]) - 2 * (A[i, j] - Y[i, j])) == 0
               for i in range(2) for j in range(3))
    assert status(r"\frac{\partial J}{\partial A_{ij}} = 2(A_{ij} - Y_{ij})", given) \
        in DECIDED_TRUE
    assert status(r"\frac{\partial J}{\partial A_{ij}} = A_{ij} - Y_{ij}", given) == "refuted"


def test_rounded_values_of_a_name_do_not_make_its_derivative_zero(tmp_path):
    """p_1 ≈ 0.09, ... stated in one display and L = −log p_3: p's values at one point say
    nothing about how p depends on z, so ∂L/∂z_3 is not 0 (the true p_3 − 1 is never refuted)."""
    doc = tmp_path / "d.md"
    doc.write_text("Take logits $u = (0, 1)$. Then\n\n$$q_1 \\approx 0.2689, \\quad "
                   "q_2 \\approx 0.7311.$$\n\nWith the true class 2 the loss is $L = -\\log q_2$, "
                   "and $\\frac{\\partial L}{\\partial u_2} = q_2 - 1$.\n")
    recs = {r.spec.latex.rstrip(",. "): r.verdict for r in audit_document(doc)}
    assert recs[r"\frac{\partial L}{\partial u_2} = q_2 - 1"].status not in ("refuted",)


def test_the_largest_entry_moves_with_the_vector():
    """∂(z_i − max_j z_j)/∂z_i is 0 at the largest entry (z = (0, 1), i = 2), not 1: the
    largest entry is dropped only where it cancels inside what is differentiated."""
    z1, z2 = sympy.symbols("z1 z2", real=True)
    g = z2 - sympy.Max(z1, z2)
    assert diff(g, z2).subs({z1: 0, z2: 1}) == 0
    for mx in (r"\max_j z_j", r"\max(z)"):
        assert status(rf"\frac{{\partial}}{{\partial z_i}} (z_i - {mx}) = 1") \
            not in ("proved", "verified")
    # inside a log-softmax it cancels: the derivative is read
    zs = sympy.symbols("z1:4")
    m = sympy.Symbol("m")
    f = log(exp(zs[0] - m) / sum(exp(t - m) for t in zs))
    assert simplify(diff(f, zs[0]) - (1 - exp(zs[0]) / sum(exp(t) for t in zs))) == 0
    assert status(r"\frac{\partial}{\partial z_j} \log \frac{e^{z_i - \max_k z_k}}"
                  r"{\sum_{k=1}^{K} e^{z_k - \max_k z_k}} = \delta_{ij} - "
                  r"\frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}") in DECIDED_TRUE


def test_a_name_for_the_largest_entry():
    """m = max_j z_j: m stands for the largest entry; log Σ e^{z_k} = m + log Σ e^{z_k − m}
    (a SymPy identity for any m), the slip with − is never refuted nor proved, and m's
    derivative is never read as 0."""
    zs = sympy.symbols("z1:4")
    m = sympy.Symbol("m")
    lse = log(sum(exp(t) for t in zs))
    gap = lse - (m + log(sum(exp(t - m) for t in zs)))
    slip = lse - (m - log(sum(exp(t - m) for t in zs)))
    at = {zs[0]: Rational(1, 3), zs[1]: 2, zs[2]: Rational(-5, 7), m: 2}
    assert abs(gap.subs(at).evalf(50)) < 1e-40 and abs(slip.subs(at).evalf(50)) > 1e-3
    given = [r"m = \max_j z_j"]
    assert status(r"\log\sum_{k=1}^{K} e^{z_k} = m + \log\sum_{k=1}^{K} e^{z_k - m}", given) \
        in DECIDED_TRUE
    for claim in (r"\log\sum_{k=1}^{K} e^{z_k} = m - \log\sum_{k=1}^{K} e^{z_k - m}",
                  r"\frac{\partial m}{\partial z_1} = 0", r"\frac{\partial}{\partial z_i}(z_i - m) = 1"):
        assert status(claim, given) not in ("proved", "verified", "refuted")
