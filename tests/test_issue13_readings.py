r"""Readings a careful reader makes of a worked example written in rows (issue 13), each said
as a doubt: a vector defined whole by softmax (``y = softmax(z)``) used by its entries
``y_i``; a side written with the sum's index left free (``-t_i / y_i``) between rows, read as
the row of its entries.  Synthetic documents in the style of a Q&A thread; every label is
re-checked here with SymPy."""
from __future__ import annotations

import pytest
import sympy

from symderiv.report.audit import audit_document

ROWS = r"""A question on the gradient of the cross-entropy with a softmax output.

Here $ z $ is the layer output before the softmax, while $ y $ is the activation. The loss is
$$ E = \sum_{i=0}^{n}{-t_{i} \ln(y_{i})} $$ and an example is $$ z := (0, \ln 3) $$ with
$$ t = \begin{pmatrix}0&1\end{pmatrix} $$

The first part: $$ \frac{\partial{E}}{\partial{y}} = %s = \begin{pmatrix}%s\end{pmatrix} $$
"""


def _truth(entry: str, row: tuple) -> bool:
    """∂E/∂y at the example by SymPy, against the free-index side and the written row."""
    y0, y1 = sympy.Rational(1, 4), sympy.Rational(3, 4)
    assert sympy.simplify(sympy.exp(sympy.log(3)) / (1 + sympy.exp(sympy.log(3))) - y1) == 0
    t = (0, 1)
    ys = sympy.symbols("y0:2")
    e = -sum(ti * sympy.log(yi) for ti, yi in zip(t, ys))
    grad = [sympy.diff(e, v).subs({ys[0]: y0, ys[1]: y1}) for v in ys]
    side = {r"-\frac{t_{i}}{y_{i}}": [-ti / yi for ti, yi in zip(t, (y0, y1))],
            r"-t_{i} y_{i}": [-ti * yi for ti, yi in zip(t, (y0, y1))]}[entry]
    return grad == side == [sympy.sympify(x) for x in row]   # safe: numbers of this test


@pytest.mark.parametrize("entry,row", [(r"-\frac{t_{i}}{y_{i}}", ("0", "-4/3")),
                                       (r"-t_{i} y_{i}", ("0", "-3/4"))])
def test_free_index_side_between_rows(tmp_path, entry, row):
    right = _truth(entry, row)
    assert right == entry.startswith(r"-\frac")
    written = "&".join(r"-\frac{4}{3}" if x == "-4/3" else r"-\frac{3}{4}" if x == "-3/4"
                       else x for x in row)
    doc = tmp_path / "thread.txt"
    doc.write_text(ROWS % (entry, written), encoding="utf-8")
    res = [r for r in audit_document(doc, timeout=30) if r.spec.kind == "claim"
           and r.spec.latex.startswith(r"\frac{\partial{E}}")]
    assert len(res) == 1
    v = res[0].verdict
    if right:
        assert v.status == "proved", v.reason
        assert "left free read as the row of its entries" in v.reason
    else:
        assert v.status not in ("proved", "verified"), v.reason


def test_entries_of_a_vector_defined_whole_by_softmax():
    """y = softmax(z) beside y_i: entry i of softmax(z) (the engine's own derivative)."""
    import symderiv
    got = symderiv.check(r"\frac{\partial y_{i}}{\partial z_{i}} = y_{i}(1 - y_{i})",
                         given=[r"y = \mathrm{softmax}(z)"], timeout=30)
    assert got.status == "proved", got.reason
    bad = symderiv.check(r"\frac{\partial y_{i}}{\partial z_{i}} = y_{i}(1 + y_{i})",
                         given=[r"y = \mathrm{softmax}(z)"], timeout=30)
    assert bad.status == "refuted", bad.reason


CHAIN_RULE = r"""A question on the chain rule.

Let $$ y = 3 x^{2} $$ and $$ L = \sin(y) $$ Now I want the same result when applying the chain
rule and differentiating each function separately: $$ %s $$
"""


@pytest.mark.parametrize("product,telescopes", [
    (r"\frac{\partial{L}}{\partial{y}} * \frac{\partial{y}}{\partial{x}}", True),
    (r"\frac{\partial L}{\partial y} \frac{\partial y}{\partial x}", True),
    (r"\frac{\partial L}{\partial y} \frac{\partial x}{\partial y}", False)])
def test_bare_chain_rule_product_claims_the_telescoped_derivative(tmp_path, product, telescopes):
    """A bare product of derivatives after "the chain rule", whose links telescope, is a
    claimed value of ∂L/∂x (true here: SymPy's derivative of sin(3x²) is cos(y)·6x); one
    that does not telescope names no quantity and is not decided."""
    x = sympy.Symbol("x")
    y = 3 * x ** 2
    assert sympy.simplify(sympy.diff(sympy.sin(y), x) - sympy.cos(y) * sympy.diff(y, x)) == 0
    doc = tmp_path / "chain.txt"
    doc.write_text(CHAIN_RULE % product, encoding="utf-8")
    res = [r for r in audit_document(doc, timeout=30) if r.spec.latex.strip() == product]
    assert len(res) == 1
    v = res[0].verdict
    if telescopes:
        assert v.status == "proved", v.reason
        assert any("read as the chain rule for" in d for rd in v.readings for d in rd.doubts)
    else:
        assert v.status not in ("proved", "verified", "refuted"), v.reason


WITH_AFTER = r"""A question on the softmax layer.

Here $ z $ is the layer output before applying the softmax activation function, while $ y $ is
the activation. An example: $$ z := (0, \ln 3) $$ The gradient is
$$ \frac{\partial{E(y,t)}}{\partial{z}} = \frac{\partial{\sum_{i=0}^{n}{-t_{i}*ln(y)}}}{\partial{z}} = %s $$ %s
$$ t = \begin{pmatrix}0&1\end{pmatrix} $$ which gives the numbers below.
"""


@pytest.mark.parametrize("end,right", [("y - t", True), ("y + t", False)])
@pytest.mark.parametrize("cue", ["With:", "Next we look at"])
def test_values_stated_right_after_with(tmp_path, end, right, cue):
    """"= y - t $$ With: $$ t = (0, 1) $$": the example's t, stated after the claim, is the
    claim's (∂E/∂z = y − t there: SymPy's derivative of −ln softmax(z)_1 at z = (0, ln 3));
    after other prose it is not, and the claim stays undecided."""
    zs = sympy.symbols("z0:2")
    e = -sympy.log(sympy.exp(zs[1]) / (sympy.exp(zs[0]) + sympy.exp(zs[1])))
    at = {zs[0]: 0, zs[1]: sympy.log(3)}
    grad = [sympy.simplify(sympy.diff(e, v).subs(at)) for v in zs]
    y = [sympy.Rational(1, 4), sympy.Rational(3, 4)]
    assert grad == [y[0] - 0, y[1] - 1]
    assert (grad == [y[0] + 0, y[1] + 1]) is False
    doc = tmp_path / "with.txt"
    doc.write_text(WITH_AFTER % (end, cue), encoding="utf-8")
    v = next(r.verdict for r in audit_document(doc, timeout=30) if end in r.spec.latex)
    if right and cue == "With:":
        assert v.status == "proved", v.reason
    else:
        assert v.status not in ("proved", "verified", "refuted"), v.reason


PRODUCT = r"""I have a problem with backpropagation through a softmax output layer.

Here $ Z $ is the layer output before applying the softmax activation function, while $ A $ is
the activation of the network. Here's an example $$ Z := (0, \ln 3) $$ with target
$$ T = \begin{pmatrix}0&1\end{pmatrix} $$ The gradient is
$$ \frac{\partial{E(A,T)}}{\partial{Z}} = \frac{\partial{\sum_{i=0}^{n}{-T_{i}*ln(A)}}}{\partial{Z}} = A - T $$
and $$ \frac{\partial{E(A,T)}}{\partial{A}} * \frac{\partial{A}}{\partial{Z}} = \begin{pmatrix}0&-\frac{4}{3}\end{pmatrix} * %s = %s $$
"""


def _tex(m: sympy.Matrix) -> str:
    return r"\begin{pmatrix}" + r"\\".join("&".join(sympy.latex(x) for x in m.row(r))
                                           for r in range(m.rows)) + r"\end{pmatrix}"


@pytest.mark.parametrize("wrong", [None, "sum", "balanced"])
def test_product_with_softmax_jacobian_refuted_whatever_the_gradient(tmp_path, wrong):
    """g · J for the softmax Jacobian J sums to 0 for every row g (J's rows and columns sum to
    0), so a right side summing to anything else is wrong whatever ∂E/∂A is read as; a wrong
    right side that sums to 0 is wrong only under the reading of E: not refuted."""
    y = sympy.Matrix([[sympy.Rational(1, 4), sympy.Rational(3, 4)]])
    jac = sympy.Matrix(2, 2, lambda i, j: y[i] * (int(i == j) - y[j]))
    zs = sympy.symbols("z0:2")
    soft = [sympy.exp(v) / (sympy.exp(zs[0]) + sympy.exp(zs[1])) for v in zs]
    at = {zs[0]: 0, zs[1]: sympy.log(3)}
    assert sympy.simplify(sympy.Matrix(2, 2, lambda i, j: sympy.diff(soft[i], zs[j])).subs(at)
                          - jac) == sympy.zeros(2, 2)
    m = {None: jac, "sum": jac + sympy.ones(2, 2) / 4,
         "balanced": jac + sympy.Matrix([[1, -1], [-1, 1]]) / 4}[wrong]
    g = sympy.Matrix([[0, -sympy.Rational(4, 3)]])
    b = g * m
    assert (sum(b) != 0) == (wrong == "sum") and (b == g * jac) == (wrong is None)
    doc = tmp_path / "product.txt"
    doc.write_text(PRODUCT % (_tex(m), _tex(b)), encoding="utf-8")
    v = next(r.verdict for r in audit_document(doc, timeout=30)
             if r.spec.latex.startswith(r"\frac{\partial{E(A,T)}}{\partial{A}}"))
    if wrong == "sum":
        assert v.status == "refuted", v.reason
        link = next(x for x in v.links if x.status == "refuted")
        assert link.counterexample is not None and "summing to 0" in link.counterexample.note
    else:
        assert v.status != "refuted", v.reason
        if wrong:
            assert v.status not in ("proved", "verified"), v.reason


LAYOUT = r"""A question on the softmax Jacobian.

Here $ z $ is the layer output before applying the softmax activation function, while $ y $ is
the activation. An example: $$ z := (0, \ln 3) $$ The matrix is laid out as
$$ \frac{\partial{Softmax(z)}}{\partial{z}} := \begin{pmatrix}\frac{\partial{Softmax(z_{0})}}{\partial{z_{0}}}&\frac{\partial{Softmax(z_{0})}}{\partial{z_{1}}}\\\frac{\partial{Softmax(z_{1})}}{\partial{z_{0}}}&\frac{\partial{Softmax(z_{1})}}{\partial{z_{1}}}\end{pmatrix} $$ %s
$$ \begin{pmatrix}%s&-y_0y_1\\-y_0y_1&y_1(1-y_1)\end{pmatrix} $$ Using this, I have:
$$ \frac{\partial{y}}{\partial{z}} = \begin{pmatrix}\frac{3}{16}&-\frac{3}{16}\\-\frac{3}{16}&\frac{3}{16}\end{pmatrix} $$
"""


@pytest.mark.parametrize("cue", ["Which is:", "For which, as it should be:", "Next, a picture:"])
@pytest.mark.parametrize("first,right", [("y_0(1-y_0)", True), ("y_0(1+y_0)", False)])
def test_bare_matrix_after_which_is_continues_the_jacobian(tmp_path, cue, first, right):
    """"∂Softmax(z)/∂z := (…) Which is: (a bare matrix) Using this: ∂y/∂z = …" with
    y = softmax(z): the bare matrix is a claimed value of ∂y/∂z (Softmax(z) is y), checked at
    the example (y = (1/4, 3/4): y_0(1 − y_0) = 3/16 = y_1(1 - y_1), y_0 y_1 = 3/16)."""
    y0, y1 = sympy.Rational(1, 4), sympy.Rational(3, 4)
    assert y0 * (1 - y0) == y1 * (1 - y1) == y0 * y1 == sympy.Rational(3, 16)
    assert (y0 * (1 + y0) == sympy.Rational(3, 16)) is False
    doc = tmp_path / "layout.txt"
    doc.write_text(LAYOUT % (cue, first), encoding="utf-8")
    v = next(r.verdict for r in audit_document(doc, timeout=30)
             if r.spec.latex.startswith(r"\begin{pmatrix}" + first))
    if cue.startswith("Next"):   # no cue for the next step: what it is is not said
        assert v.status not in ("proved", "verified", "refuted"), v.reason
    elif right:
        assert v.status == "proved", v.reason
    else:
        assert v.status == "refuted", v.reason
        assert v.counterexample is not None or any(x.counterexample for x in v.links)


def _dots(entry, rows=("0", "1", "2", "N")) -> str:
    """A matrix with rows and columns 0, 1, 2, …, N of entry(r, c), dots before the last."""
    def row(r):
        return [entry(r, c) for c in rows[:-1]] + ["...", entry(r, rows[-1])]
    body = [row(r) for r in rows[:-1]] + [["..."] * (len(rows) - 1) + ["", "..."]] + \
        [row(rows[-1])]
    for cells in body:
        if len(cells) != len(rows) + 1:
            cells[:] = ["..."] * (len(rows) - 1) + ["", "..."]
    return r"\begin{pmatrix}" + r"\\".join("&".join(c) for c in body) + r"\end{pmatrix}"


MISPRINT = r"""An answer on the softmax Jacobian.

Here $ z $ is the layer output before applying the softmax activation function, while $ y $ is
the activation. The correct formula should be: $$ \frac{\partial{Softmax(z)}}{\partial{z}} := %s $$
Which is: $$ %s $$ Using this, we have $$ \frac{\partial{y}}{\partial{z}} = %s $$
"""


def _s(letter, odd=None):
    def entry(r, c):
        if (r, c) == odd:
            return f"-{letter}(x_{{{r}}}){letter}(z_{{{c}}})"
        if r == c:
            return f"{letter}(z_{{{r}}})(1-{letter}(z_{{{r}}}))"
        return f"-{letter}(z_{{{r}}}){letter}(z_{{{c}}})"
    return entry


@pytest.mark.parametrize("letter,odd", [("S", None), ("S", ("1", "2")), ("G", None)])
def test_abbreviated_dots_jacobian_with_a_misprinted_entry(tmp_path, letter, odd):
    """S(z_i) continuing ∂Softmax(z_i)/∂z_j is Softmax shortened (a reading said); a dots
    matrix with one entry off its pattern is read as the pattern (y_i(δ_ij − y_j): SymPy's
    Jacobian of softmax at 3 classes) and the entry as printed is a claim of its own about
    ∂y_1/∂z_2, wrong (x is no z); a letter that shortens nothing is never decided."""
    zs = sympy.symbols("z0:3")
    soft = [sympy.exp(v) / sum(sympy.exp(w) for w in zs) for v in zs]
    jac = sympy.Matrix(3, 3, lambda i, j: sympy.diff(soft[i], zs[j]))
    pat = sympy.Matrix(3, 3, lambda i, j: soft[i] * (int(i == j) - soft[j]))
    assert sympy.simplify(jac - pat) == sympy.zeros(3, 3)
    layout = _dots(lambda r, c: rf"\frac{{\partial{{Softmax(z_{{{r}}})}}}}{{\partial{{z_{{{c}}}}}}}")
    in_y = _dots(lambda r, c: f"y_{{{r}}}(1-y_{{{r}}})" if r == c else f"-y_{{{r}}}y_{{{c}}}")
    doc = tmp_path / "misprint.txt"
    doc.write_text(MISPRINT % (layout, _dots(_s(letter, odd)), in_y), encoding="utf-8")
    res = audit_document(doc, timeout=60)
    whole = next(r.verdict for r in res if r.spec.latex.startswith(r"\begin{pmatrix}" + letter))
    entries = [r for r in res if r.spec.latex.strip() == f"-{letter}(x_{{1}}){letter}(z_{{2}})"]
    if letter == "G":
        assert whole.status not in ("proved", "verified", "refuted"), whole.reason
        return
    assert whole.status == "proved", whole.reason
    assert any("read as Softmax" in d for rd in whole.readings for d in rd.doubts)
    if odd is None:
        assert not entries
        return
    assert any("do not follow the pattern" in d for rd in whole.readings for d in rd.doubts)
    assert len(entries) == 1 and entries[0].spec.lhs == r"\frac{\partial y_{1}}{\partial z_{2}}"
    assert entries[0].verdict.status == "refuted", entries[0].verdict.reason
    assert entries[0].verdict.counterexample is not None


def test_softmax_of_a_vector_is_inside_the_domain_of_its_logarithm():
    """ln(y) with y = softmax(z) bounds nothing: softmax(z) is positive at every z (a
    counterexample there is not outside the formula's domain); anything else is evaluated."""
    from symderiv.verify.search import _keeps_domain
    z = sympy.IndexedBase("z")
    soft = sympy.Function("softmax")(sympy.Symbol("z"))
    values = {z[1]: sympy.log(2), z[2]: sympy.Integer(0)}
    assert _keeps_domain((set(), [soft]), values)
    assert not _keeps_domain((set(), [sympy.Function("g")(sympy.Symbol("z"))]), values)
    assert not _keeps_domain((set(), [z[2] - 1]), values)


def test_chain_rule_product_needs_the_cue(tmp_path):
    """The telescoped quantity (∂L/∂x) is read only after prose naming the chain rule; the
    same display after other prose names nothing."""
    from symderiv.report.derivation_steps import _chain_rule_product
    from symderiv.extract import extract_formulas
    text = CHAIN_RULE % r"\frac{\partial L}{\partial y} \frac{\partial y}{\partial x}"
    found = [f for f in extract_formulas(text) if f.kind == "display"][-1]
    assert _chain_rule_product(text, found, found.latex.strip()) == \
        r"\frac{\partial L}{\partial x}"
    plain = text.replace("chain\nrule", "product")
    found = [f for f in extract_formulas(plain) if f.kind == "display"][-1]
    assert _chain_rule_product(plain, found, found.latex.strip()) is None
