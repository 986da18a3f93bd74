"""A worked example substitutes values the text never gives (a figure's weights) beside the
values it states: such a link holds by what it gives those names, like a definition, and only
when every stated value it uses is written in the numbers (a wrong substitution is never
adopted, never refuted either: the figure's values are unknown)."""
import pytest

import symderiv
from symderiv.read.display import written_numbers

RELU = r"\text{ReLU} \left( b_1 + \sum{x_iw_i} \right) = \text{ReLU} \left( %s \right)"


def test_written_numbers_skip_indices():
    assert [str(x) for x in written_numbers(r"0.2 + 6 \cdot 0.3 - x_1 w_{12} e^{2}")] == \
        ["1/5", "6", "3/10"]


def test_substitution_with_the_stated_values_holds_by_definition():
    v = symderiv.check(RELU % r"0.2 + 6 \cdot 0.3 - 0.2 \cdot 2", where=["x_1 = 6", "x_2 = 2"])
    assert v.status == "proved" and v.method.startswith("definition")
    assert "b, w" in v.reason and "x_{1} = 6, x_{2} = 2" in v.reason


@pytest.mark.parametrize("numbers", [r"0.2 + 5 \cdot 0.3 - 0.2 \cdot 2",    # x_1 = 6 not used
                                     r"1.6"])                                # no value written
def test_substitution_that_drops_a_stated_value_is_not_adopted(numbers):
    v = symderiv.check(RELU % numbers, where=["x_1 = 6", "x_2 = 2"])
    assert v.status == "unknown"


def test_without_stated_values_nothing_is_adopted():
    v = symderiv.check(r"b_1 + w_1 x_1 = 0.2 + 0.3 \cdot 6")
    assert v.status != "proved"


@pytest.mark.parametrize("value, status", [("1.6", "proved"), ("1.8", "refuted")])
def test_a_chain_of_a_worked_example_is_adopted_with_its_arithmetic_checked(tmp_path, value,
                                                                             status):
    from symderiv.report.audit import audit_document
    doc = tmp_path / "ex.md"
    doc.write_text("Let $x_1 = 6$ and $x_2 = 2$.\n\n$$ \\begin{aligned} O_1 &= \\text{ReLU} "
                   "\\left( b_1 + \\sum{x_iw_i} \\right) \\\\ &= \\text{ReLU} \\left( 0.2 + 6 "
                   "\\cdot 0.3 - 0.2 \\cdot 2 \\right) \\\\ &= \\text{ReLU} \\left( " + value +
                   " \\right) \\end{aligned} $$\n")
    chain = [r for r in audit_document(doc) if r.spec.latex.startswith("O_1")][0]
    assert [l.status for l in chain.verdict.links] == ["proved", "proved", status]
