"""Readings a raw post needs with no claim file: a name known only by a stated value, labels
written as superscripts, derivations continued by bare expressions."""
import symderiv
from symderiv.read.model import Notation

VALUES = [r"A^{O} = \begin{pmatrix}0.5&0.5\end{pmatrix}", r"T = \begin{pmatrix}0&1\end{pmatrix}"]


def test_value_only_name_has_no_derivative():
    # A^O is known by its value at one point only: ∂A^O/∂Z^O is not 0 (the writer says A
    # depends on Z), so a product with it is never "proved" 0 nor refuted
    claim = (r"\frac{\partial{E(A^{O}, T)}}{\partial{A^{O}}} * "
             r"\frac{\partial{A^{O}}}{\partial{Z^{O}}} = \begin{pmatrix}0&0\end{pmatrix}")
    v = symderiv.check(claim, given=VALUES, notation=Notation(labels=("O",)), size=2)
    assert v.status == "unknown"
    assert "stated value" in v.reason

