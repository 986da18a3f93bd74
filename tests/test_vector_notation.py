"""Vector and matrix notation: readings, shapes, layouts (see symderiv.linalg)."""
import pytest

from symderiv import check
from symderiv.read import LatexError, read_formula


@pytest.mark.parametrize("claim,given,status", [
    (r"dW = X^T dZ", [r"Z = XW + b", r"dZ = \frac{\partial L}{\partial Z}",
                      r"dW = \frac{\partial L}{\partial W}"], "proved"),
    (r"dX = dZ W^T", [r"Z = XW + b", r"dZ = \frac{\partial L}{\partial Z}",
                      r"dX = \frac{\partial L}{\partial X}"], "proved"),
    # the transpose: it fits only if two independent sizes are equal, so no reading
    (r"dW = X dZ^T", [r"Z = XW + b", r"dZ = \frac{\partial L}{\partial Z}",
                      r"dW = \frac{\partial L}{\partial W}"], "unknown"),
    (r"\mathrm{tr}(AB) = \mathrm{tr}(A)\mathrm{tr}(B)", [], "refuted"),
    (r"\mathrm{sum}(\mathrm{diag}(x)) = \mathrm{sum}(x)", [], "proved"),
    (r"\mathbf{1}^T x = \sum_i x_i", [], "proved"),
    (r"x^T y = \sum_k x_k y_k^2", [], "refuted"),
    (r"\frac{\partial L}{\partial y} = \frac{2}{N}(y - t)",
     [r"L = \frac{1}{N}(y - t)^\top (y - t)"], "proved"),
    # A I: numbers or matrices; the readings disagree, so nothing is decided
    (r"A I = A", [], "unknown"),
    # declared sizes that clash: refuted with the sizes
    (r"y = W x + b", [r"W \in R^{m \times n}", r"x \in R^n", r"b \in R^n"], "refuted"),
])
def test_vector_claims(claim, given, status):
    v = check(claim, given=given)
    assert v.status == status, v
    if status == "refuted":
        assert v.counterexample is not None


def test_a_lowercase_default_alone_never_refutes():
    # x^T y = x y^T: true only if both are 1x1; x and y as vectors do not fit
    assert check(r"x^T y = x y^T").status == "unknown"


def test_sigma_as_a_summation_sign_is_a_doubt():
    f = read_formula(r"\Sigma_{k} e^{z_k}")
    assert any("summation sign" in d for d in f.doubts)


def test_an_indexed_vector_under_its_own_sum_is_not_one_name():
    with pytest.raises(LatexError):
        read_formula(r"p = \frac{e^{w_a^Tx}}{\Sigma_{d} e^{w_d^Tx}}")


def test_sum_over_a_count():
    f = read_formula(r"L = -\frac{1}{N}\sum_{n \in N} y_n")
    assert any("n = 1, …, N" in d for d in f.doubts)


def test_nabla_is_the_gradient():
    v = check(r"\nabla_W L = \frac{\partial L}{\partial y} x^T", given=[r"y = Wx + b"])
    assert v.status == "proved", v
