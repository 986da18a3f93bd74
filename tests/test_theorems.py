"""Built-in theorems (issue: gradient identities) and the wrong variants texts write."""
import pytest
import sympy

from symderiv.api import check
from symderiv.derivations import THEOREMS, derive, prove
from symderiv.verify import decide


@pytest.mark.parametrize("name", [n for n in THEOREMS if n != "worked-example"])
def test_theorem_proved_and_verified(name):
    v = prove(name)
    assert v.status == "proved"
    assert "verified by exact evaluation" in v.method and "K = 1…8" in v.method


def test_cross_entropy_lists_its_condition():
    d = derive("cross-entropy")
    (case,) = d.cases
    assert "t" in str(case.condition) and case.condition.rhs == 1


@pytest.mark.parametrize("name", ["softmax-jacobian", "cross-entropy", "mse", "mse-no-half"])
def test_wrong_variants_are_refuted(name):
    d = derive(name)
    assert d.wrong
    for label, lhs, rhs, conds in d.wrong:
        ctx = d.context.assume(*conds) if conds else d.context
        v = decide(lhs, rhs, ctx)
        assert v.status == "refuted", (label, v)
        assert v.counterexample.lhs != v.counterexample.rhs


SHAPES = [r"W \in \mathbb{R}^{m \times n}", r"x \in \mathbb{R}^{n}", r"y \in \mathbb{R}^{m}"]


def test_outer_product_claim_refuted_by_shape():
    v = check(r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial y} x", SHAPES)
    assert v.status == "refuted" and "shape" in v.method
    assert dict(v.counterexample.values) == {"m": "2", "n": "3"}
    assert "the product" in v.reason and "size m" in v.reason and "size n" in v.reason


def test_entrywise_outer_product_proved():
    v = check(r"\frac{\partial L}{\partial W_{ac}} = \frac{\partial L}{\partial y_a} x_c",
              [r"y_a = \sum_{c=1}^{n} W_{ac} x_c + b_a", r"1 \leq a \leq m", r"1 \leq c \leq n"])
    assert v.status == "proved"


def test_inconsistent_declaration_refuted():
    v = check(r"y = W x + b", [r"W \in R^{m \times n}", r"x \in R^n", r"b \in R^n"])
    assert v.status == "refuted" and "the sum" in v.reason and "size n meets the size m" in v.reason


def test_plain_symbol_bound_is_a_size_not_data():
    # regression: \sum_{c=1}^{n} with n not the notation's size was taken for data (refuted)
    v = check(r"\frac{\partial L}{\partial b_a} = \sum_{d=1}^{m} \frac{\partial L}{\partial y_d}"
              r" \frac{\partial y_d}{\partial b_a}",
              [r"y_a = \sum_{c=1}^{n} W_{ac} x_c + b_a", r"1 \leq a \leq m", r"1 \leq c \leq n"])
    assert v.status == "proved"


def test_worked_example_numbers():
    d = derive("worked-example")
    y, dE, J, vjp, fused = (s.rhs for s in d.steps)
    assert y == sympy.Matrix([[sympy.Rational(1, 2)] * 2])
    assert dE == sympy.Matrix([[0, -2]]) and vjp == fused
