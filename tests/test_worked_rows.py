r"""Matrices written with dots (issue 12) and the worked examples beside them (issue 13).

A Jacobian written out with ``\dots`` is read as its general entry and checked against the
derived Jacobian for every size.  Rows may be numbered from 0 (``y_0, …, y_n``: n + 1 rows;
``y_0, …, y_{K-1}``) or from 1; a correct matrix is proved whatever its numbering (a 0-based
one was once compared entry i with entry i - 1 and refuted), a wrong one (the logits z where
the outputs y belong) refuted with an exact counterexample, one whose numbering cannot be
told is unknown.  Each label is re-checked here with SymPy on explicit matrices at 2 and 3
classes.
"""
from __future__ import annotations

import sympy
import pytest

import symderiv
from symderiv.report.audit import audit_document
from symderiv.report.worked_matrices import general_size

SOFTMAX = r"y = \mathrm{softmax}(z)"


def _matrix(v: str, first: str, second: str, last: str, minus: bool = False) -> str:
    """A Jacobian pattern v_r(1 - v_r) / -v_r v_c with rows first, second, ..., last."""
    def e(r, c):
        return f"{v}_{{{r}}}(1-{v}_{{{r}}})" if r == c else f"-{v}_{{{r}}} {v}_{{{c}}}"
    rows = [[e(r, c) for c in (first, second)] + [r"\dots", e(r, last)] for r in (first, second)]
    rows.append([r"\vdots", "", r"\ddots", ""])
    rows.append([e(last, c) for c in (first, second)] + [r"\dots", e(last, last)])
    return r"\begin{pmatrix}" + r" \\ ".join(" & ".join(r) for r in rows) + r"\end{pmatrix}"


def _truth(in_outputs: bool) -> bool:
    """The pattern v_i(δ_ij − v_j) against SymPy's Jacobian of softmax, at 2 and 3 classes."""
    for k in (2, 3):
        z = sympy.symbols(f"z0:{k}")
        total = sum(sympy.exp(x) for x in z)
        y = [sympy.exp(x) / total for x in z]
        v = y if in_outputs else list(z)
        jac = sympy.Matrix(k, k, lambda i, j: sympy.diff(y[i], z[j]))
        pattern = sympy.Matrix(k, k, lambda i, j: v[i] * (int(i == j) - v[j]))
        point = dict(zip(z, (sympy.Rational(1, 3), sympy.Rational(-1, 2), 2)[:k]))
        if sympy.simplify((jac - pattern).subs(point)) != sympy.zeros(k, k):
            return False
    return True


NUMBERINGS = [("0", "1", "n"), ("0", "1", "K-1"), ("1", "2", "K"), ("1", "2", "n")]


@pytest.mark.parametrize("first,second,last", NUMBERINGS)
@pytest.mark.parametrize("in_outputs", [True, False])
def test_dots_jacobian_any_numbering(first, second, last, in_outputs):
    v = "y" if in_outputs else "z"
    claim = r"\frac{\partial y}{\partial z} = " + _matrix(v, first, second, last)
    got = symderiv.check(claim, given=[SOFTMAX], timeout=30)
    if _truth(in_outputs):
        assert got.status == "proved", (got.status, got.reason)
    else:
        assert got.status == "refuted", (got.status, got.reason)
        assert got.counterexample is not None


@pytest.mark.parametrize("in_outputs", [True, False])
def test_dots_jacobian_of_the_function_itself(in_outputs):
    r"""∂ softmax(z)/∂z: the Jacobian of the catalogue's softmax, no name of its own."""
    v = "y" if in_outputs else "z"
    m = _matrix(v, "0", "1", "n")
    if in_outputs:   # the outputs written as the function of an entry, softmax(z_i)
        m = _matrix("y", "0", "1", "n").replace("y_{0}", r"\mathrm{softmax}(z_{0})").replace(
            "y_{1}", r"\mathrm{softmax}(z_{1})").replace("y_{n}", r"\mathrm{softmax}(z_{n})")
    got = symderiv.check(r"\frac{\partial \mathrm{softmax}(z)}{\partial z} = " + m, timeout=30)
    assert got.status == ("proved" if _truth(in_outputs) else "refuted"), got.reason


def test_numbering_not_told_is_unknown():
    r"""Rows from 0, columns from 1: which entry is which is not known — never a verdict."""
    rows = [[r"-y_{0} y_{1}", r"-y_{0} y_{2}", r"\dots", r"-y_{0} y_{K}"],
            [r"-y_{1} y_{1}", r"-y_{1} y_{2}", r"\dots", r"-y_{1} y_{K}"],
            [r"\vdots", "", r"\ddots", ""],
            [r"-y_{K-1} y_{1}", r"-y_{K-1} y_{2}", r"\dots", r"-y_{K-1} y_{K}"]]
    m = r"\begin{pmatrix}" + r" \\ ".join(" & ".join(r) for r in rows) + r"\end{pmatrix}"
    got = symderiv.check(r"\frac{\partial y}{\partial z} = " + m, given=[SOFTMAX], timeout=30)
    assert got.status not in ("proved", "verified", "refuted"), got.status


THREAD = r"""I have a problem with backpropagation through a softmax output layer with 3 output
neurons using Softmax as the activation function. $$ z := (1, 2, 3) $$ Here $ z $ is the
layer output before applying the softmax, and the cross-entropy error follows.

The derivative of the softmax is a matrix: $$ \frac{\partial{Softmax(z)}}{\partial{z}} = %s $$
"""


@pytest.mark.parametrize("in_outputs", [True, False])
def test_thread_dots_matrix_beside_a_worked_example(tmp_path, in_outputs):
    """A matrix with dots in a worked example's section is the general claim (its n + 1
    rows are not the example's 3): decided for every n, not left unknown."""
    v = "S" if in_outputs else "z"
    m = _matrix(v, "0", "1", "n")
    if in_outputs:
        m = m.replace("S_{0}", "Softmax(z_{0})").replace("S_{1}", "Softmax(z_{1})").replace(
            "S_{n}", "Softmax(z_{n})")
    doc = tmp_path / "thread.txt"
    doc.write_text(THREAD % m, encoding="utf-8")
    [r] = [r for r in audit_document(doc, timeout=30) if "pmatrix" in r.spec.latex]
    if _truth(in_outputs):
        assert r.verdict.status == "proved", r.verdict.reason
    else:
        assert r.verdict.status == "refuted", r.verdict.reason
        assert r.verdict.counterexample is not None


def test_general_size():
    assert general_size(_matrix("y", "0", "1", "n"))
    assert not general_size(r"\begin{pmatrix}.25&-.25\\-.25&.25\end{pmatrix}")
    assert not general_size(r"L = y_1 + \dots + y_n")


@pytest.mark.parametrize("matrix,right", [
    (r"\begin{pmatrix}.25&-.25\\-.25&.25\end{pmatrix}", True),
    (r"\begin{pmatrix}-1.3125&-3.0625\\-3.0625&-1.3125\end{pmatrix}", False),
])
def test_jacobian_of_a_defined_vector_at_a_stated_value_is_no_shape_misfit(matrix, right):
    r"""∂A/∂Z beside a 2×2 matrix, A = Softmax(Z), Z = (1.75, 1.75): A and Z rest on a
    written row, so ∂A/∂Z is no scalar (it was refuted as "shapes scalar and 2×2", the true
    Jacobian too)."""
    z = sympy.symbols("z0:2")
    total = sum(sympy.exp(x) for x in z)
    jac = sympy.Matrix(2, 2, lambda i, j: sympy.diff(sympy.exp(z[i]) / total, z[j]))
    at = jac.subs({z[0]: sympy.Rational(7, 4), z[1]: sympy.Rational(7, 4)})
    written = sympy.Matrix([[sympy.Rational(1, 4), -sympy.Rational(1, 4)],
                            [-sympy.Rational(1, 4), sympy.Rational(1, 4)]]) if right else \
        sympy.Matrix([[-sympy.Rational(21, 16), -sympy.Rational(49, 16)],
                      [-sympy.Rational(49, 16), -sympy.Rational(21, 16)]])
    assert (sympy.simplify(at - written) == sympy.zeros(2, 2)) == right
    got = symderiv.check(r"\frac{\partial A}{\partial Z} = " + matrix,
                         given=[r"A = Softmax(Z)", r"Z = \begin{pmatrix}1.75&1.75\end{pmatrix}"])
    assert got.status != ("refuted" if right else "proved"), (got.status, got.reason)
