"""How far a derivative operator reaches (regressions found on unseen formulas)."""
import pytest
from sympy import IndexedBase, Rational, Sum, Symbol, log, exp, Function

from symderiv.api import check
from symderiv.read import Notation, read_expr
from symderiv.notation import K, Partial, index

w, z = IndexedBase("w"), IndexedBase("z")
j, k = index("j"), index("k")
lam, x = Symbol("lambda"), Symbol("x")
f, g = Function("f"), Function("g")


@pytest.mark.parametrize("latex,expected", [
    # an undelimited operand: the operator takes the rest of the term
    (r"\frac{\partial}{\partial w_j} \frac{\lambda}{2} \sum_k w_k^2",
     Partial(lam * Sum(w[k] ** 2, (k, 1, K)) / 2, w[j])),
    (r"\frac{\partial}{\partial z_j} \log \sum_k e^{z_k}",
     Partial(log(Sum(exp(z[k]), (k, 1, K))), z[j])),
    # an explicit argument f(x): the operator takes it alone (the quotient rule's f'(x) g(x))
    (r"\frac{d}{dx} f(x) g(x)", g(x) * Partial(f(x), x)),
])
def test_operator_scope(latex, expected):
    assert read_expr(latex, Notation(functions=("f", "g"))) == expected


def test_weight_decay_gradient_is_proved():
    v = check(r"\frac{\partial}{\partial w_j} \frac{\lambda}{2} \sum_k w_k^2 = \lambda w_j")
    assert v.status == "proved"


def test_counterexample_without_sizes_shows_no_K():
    v = check(r"(a+b)^2 = a^2 + b^2")
    assert v.status == "refuted" and v.counterexample.K == 0
