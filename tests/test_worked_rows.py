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
from symderiv.report.worked_text import general_size

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


# -- worked examples in vectors: a thread with a 2- or 3-class example, values right and wrong

def _softmax_jacobian(z):
    """SymPy's Jacobian of softmax at the point z (row i = output i), and the outputs."""
    xs = sympy.symbols(f"x0:{len(z)}")
    total = sum(sympy.exp(x) for x in xs)
    y = [sympy.exp(x) / total for x in xs]
    jac = sympy.Matrix(len(z), len(z), lambda i, j: sympy.diff(y[i], xs[j]))
    at = dict(zip(xs, z))
    return jac.subs(at).applyfunc(sympy.simplify), [sympy.simplify(v.subs(at)) for v in y]


def _latex_row(vals):
    return r"\begin{pmatrix}" + "&".join(sympy.latex(v) for v in vals) + r"\end{pmatrix}"


def _latex_matrix(m):
    return r"\begin{pmatrix}" + r"\\".join("&".join(sympy.latex(m[i, j]) for j in range(m.cols))
                                           for i in range(m.rows)) + r"\end{pmatrix}"


EXAMPLE = r"""I have a problem with backpropagation through a softmax output layer.

Here $ Z $ is the layer output before applying the softmax activation function, while $ A $ is
the activation of the network. Here's an example with the values $$ Z := %(z)s $$ which gives
$$ A = %(a)s $$ and the Jacobian $$ \frac{\partial A}{\partial Z} = %(j)s $$ so that
$$ \begin{pmatrix}0&-2\end{pmatrix} * \frac{\partial A}{\partial Z} = %(p)s $$
"""


@pytest.mark.parametrize("z", [(sympy.Rational(7, 4), sympy.Rational(7, 4)),
                               (sympy.Integer(0), sympy.log(3)),
                               (sympy.Integer(0), sympy.log(2), sympy.log(5))])
@pytest.mark.parametrize("wrong", [None, "activation", "jacobian"])
def test_thread_worked_example_in_vectors(tmp_path, z, wrong):
    jac, y = _softmax_jacobian(z)
    if len(z) == 3:
        grad = sympy.Matrix([[0, -2, 0]])
        text = EXAMPLE.replace(r"\begin{pmatrix}0&-2\end{pmatrix}", r"\begin{pmatrix}0&-2&0\end{pmatrix}")
    else:
        grad, text = sympy.Matrix([[0, -2]]), EXAMPLE
    a = list(y) if wrong != "activation" else [v + sympy.Rational(1, 10) for v in y]
    j = jac if wrong != "jacobian" else jac + sympy.ones(len(z), len(z)) / 4
    # the labels, re-checked: a, j right or not; the product is right arithmetic of j
    assert (a == list(y)) == (wrong != "activation")
    assert (sympy.simplify(j - jac) == sympy.zeros(len(z), len(z))) == (wrong != "jacobian")
    doc = tmp_path / "thread.txt"
    doc.write_text(text % {"z": _latex_row(z), "a": _latex_row(a), "j": _latex_matrix(j),
                           "p": _latex_row(list(grad * j))}, encoding="utf-8")
    got = {r.spec.latex.split("=")[0].strip(): r.verdict for r in audit_document(doc, timeout=30)
           if r.spec.kind == "claim"}
    act = got["A"]
    jv = got[r"\frac{\partial A}{\partial Z}"]
    prod = next(v for k, v in got.items() if k.startswith(r"\begin{pmatrix}0&-2"))
    assert act.status == ("refuted" if wrong == "activation" else "proved"), act.reason
    assert jv.status == ("refuted" if wrong == "jacobian" else "proved"), jv.reason
    for v in (act, jv):
        if v.status == "refuted":
            assert v.counterexample is not None
    # the product rests on the Jacobian written beside it; the engine's scalar reading of
    # ∂A/∂Z there disagrees with the vectors written out, so it may stay undecided — never
    # the wrong verdict
    if wrong == "jacobian":
        assert prod.status not in ("proved", "verified"), prod.reason
    else:
        assert prod.status != "refuted", prod.reason


def test_computed_value_and_activation_prose():
    from symderiv.read.worked_vectors import activation_definitions
    from symderiv.report.worked_text import computed_value
    assert activation_definitions("Here $z$ is the output before the softmax, while $a$ is "
                                  "the activation.") == [(49, 1, r"a = \mathrm{softmax}(z)")]
    assert activation_definitions("Here $z$ is the output before the sigmoid, while $a$ is "
                                  "the activation.") == []
    assert computed_value(r"A = \mathrm{softmax}(Z)", {"Z"})
    assert not computed_value(r"A = \mathrm{softmax}(Z)", {"T"})


CHAIN = r"""I have a problem with backpropagation through a softmax output layer.

Here $ Z $ is the layer output before applying the softmax activation function, while $ A $ is
the activation of the network. Here's an example $$ Z := (1.75, 1.75) $$ with target
$$ T = \begin{pmatrix}0&1\end{pmatrix} $$ The gradient is
$$ \frac{\partial{E(A,T)}}{\partial{Z}} = \frac{\partial{\sum_{i=0}^{n}{-T_{i}*ln(A)}}}{\partial{Z}} = \frac{\partial{\sum_{i=0}^{n}{-T_{i}*ln(Softmax(Z))}}}{\partial{Z}} = %s $$
and $$ \frac{\partial{E(A,T)}}{\partial{A}} * \frac{\partial{A}}{\partial{Z}} = \begin{pmatrix}0&-2\end{pmatrix} * \begin{pmatrix}-1.3125&-3.0625\\-3.0625&-1.3125\end{pmatrix} = (6.125, 2.625) $$
"""


@pytest.mark.parametrize("end,right", [("A - T", True), ("A + T", False)])
def test_thread_chain_at_the_example(tmp_path, end, right):
    r"""Σ_{i=0}^{n} -T_i ln(A) at a 2-entry example: A read as A_i and n as 1, readings said;
    the chain holds (A − T = (1/2, −1/2) there), A + T does not — but only under those
    readings, so it is not refuted; the product with the wrong Jacobian is wrong only if E is
    what the chain differentiates: never proved."""
    z = sympy.Rational(7, 4)
    a = sympy.exp(z) / (2 * sympy.exp(z))
    grad = sympy.Matrix([[a, a]]) - sympy.Matrix([[0, 1]])     # ∂E/∂Z = A − T (SymPy-free check
    xs = sympy.symbols("x0:2")                                  # below: the derivative itself)
    e = -sympy.log(sympy.exp(xs[1]) / (sympy.exp(xs[0]) + sympy.exp(xs[1])))
    derived = sympy.Matrix([[sympy.diff(e, x) for x in xs]]).subs({xs[0]: z, xs[1]: z})
    assert sympy.simplify(derived - grad) == sympy.zeros(1, 2)
    doc = tmp_path / "thread.txt"
    doc.write_text(CHAIN % end, encoding="utf-8")
    res = [r for r in audit_document(doc, timeout=30) if r.spec.kind == "claim"]
    chain = next(r.verdict for r in res if end in r.spec.latex)
    prod = next(r.verdict for r in res if "6.125" in r.spec.latex)
    if right:
        assert chain.status == "proved", chain.reason
        assert "read as its entry" in chain.reason
    else:
        assert chain.status == "unknown", chain.reason
    assert prod.status not in ("proved", "verified"), prod.reason
