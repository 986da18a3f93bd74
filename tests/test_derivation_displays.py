"""Bare displayed steps of a derivation ("plugging in: ...", "simplify: ...") are read as values
of the quantity the derivation derives, and ``\\frac{d}g(x)`` as g's derivative by its
variable, only where that quantity is unambiguous; each reading is a doubt shown on the
verdict.  Every asserted verdict is re-checked here with SymPy at a fixed size, independently
of the engine (the label is computed, not copied)."""
import sympy
import pytest

from symderiv.report.audit import audit_document


def _audit(tmp_path, text):
    p = tmp_path / "post.md"
    p.write_text(text)
    return {(r.spec.line, r.spec.latex.strip()): r for r in audit_document(p)}


def _at(res, line):
    found = [r for (n, _), r in res.items() if n == line]
    assert len(found) == 1, found
    return found[0]


def _label(step, exact) -> str:
    """'proved' when the step equals the exact derivative as expressions, else 'refuted'."""
    return "proved" if sympy.simplify(step - exact) == 0 else "refuted"


def _has_doubt(r, words):
    return any(words in d for reading in r.verdict.readings for d in reading.doubts)


# --- the sigmoid by the quotient rule ------------------------------------------------------

SIGMOID = r"""# The derivative of the sigmoid

We want to find the derivative $\frac{d \sigma}{d x}$ of the sigmoid

$$\sigma(x) = \frac{1}{1 + e^{-x}}$$

Name the denominator:

$$g(x) = 1 + e^{-x}$$

$$\frac{d}g(x) = DG$$

Plugging them into the quotient rule:

$$STEP1$$

Simplify:

$$STEP2$$

So the final answer:

$$\frac{d \sigma}{d x} = \sigma(x) (1 - \sigma(x))$$
"""

X = sympy.Symbol("x")
G = 1 + sympy.exp(-X)


@pytest.mark.parametrize("dg, step1, step2, sym", [
    (r"-e^{-x}", r"\frac{0 \cdot g(x) - 1 \cdot (-e^{-x})}{g(x)^2}",
     r"\frac{e^{-x}}{(1 + e^{-x})^2}",
     (-sympy.exp(-X), (0 * G - 1 * (-sympy.exp(-X))) / G**2, sympy.exp(-X) / G**2)),
    (r"e^{-x}", r"\frac{0 \cdot g(x) + 1 \cdot (-e^{-x})}{g(x)^2}",
     r"\frac{e^{-x}}{1 + e^{-x}}",
     (sympy.exp(-X), (0 * G + 1 * (-sympy.exp(-X))) / G**2, sympy.exp(-X) / G)),
])
def test_sigmoid_steps_get_their_verdicts(tmp_path, dg, step1, step2, sym):
    text = SIGMOID.replace("DG", dg).replace("STEP1", step1).replace("STEP2", step2)
    res = _audit(tmp_path, text)
    exact_dg, exact = sympy.diff(G, X), sympy.diff(1 / G, X)
    labels = {11: _label(sym[0], exact_dg), 15: _label(sym[1], exact),
              19: _label(sym[2], exact)}
    for line, label in labels.items():
        r = _at(res, line)
        assert r.verdict.status == label, (line, r.verdict)
        if label == "refuted":
            assert r.verdict.counterexample is not None and r.correct_form
    assert _has_doubt(_at(res, 11), "read as the derivative of g(x) by x")
    assert _has_doubt(_at(res, 15), r"step of the derivation of \frac{d \sigma}{d x}")
    assert _at(res, 23).verdict.status == "proved"


# --- a softmax entry, case by case, by the quotient rule -----------------------------------

SOFTMAX = r"""Let's compute the partial derivative $\frac{\partial p_i}{\partial z_j}$ of

$$p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$$

Case: i == j

Applying the quotient rule, we get:

$$EQ1$$

Therefore

$$\frac{\partial p_i}{\partial z_j} = p_i (1 - p_i)$$

Case: i != j

Applying the quotient rule, we get:

$$NE1$$

Splitting the fraction:

$$NE2$$

Therefore

$$\frac{\partial p_i}{\partial z_j} = -p_i p_j$$
"""

Z = sympy.symbols("z1:4")          # K = 3
S = sum(sympy.exp(z) for z in Z)


def _p(i):
    return sympy.exp(Z[i]) / S


@pytest.mark.parametrize("eq1, ne1, ne2, sym", [
    (r"\frac{e^{z_i}\sum_{k=1}^{K} e^{z_k} - e^{z_i} e^{z_i}}{(\sum_{k=1}^{K} e^{z_k})^2}",
     r"\frac{0 - e^{z_i} e^{z_j}}{(\sum_{k=1}^{K} e^{z_k})^2}",
     r"-\frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}} \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}",
     lambda i, j: ((sympy.exp(Z[i]) * S - sympy.exp(Z[i]) ** 2) / S**2,
                   (0 - sympy.exp(Z[i]) * sympy.exp(Z[j])) / S**2, -_p(i) * _p(j))),
    # slips: e^{z_i} squared lost in the first; the sign in the second; the right third
    (r"\frac{e^{z_i}\sum_{k=1}^{K} e^{z_k} - e^{z_i}}{(\sum_{k=1}^{K} e^{z_k})^2}",
     r"\frac{e^{z_i} e^{z_j}}{(\sum_{k=1}^{K} e^{z_k})^2}",
     r"-\frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}} \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}",
     lambda i, j: ((sympy.exp(Z[i]) * S - sympy.exp(Z[i])) / S**2,
                   sympy.exp(Z[i]) * sympy.exp(Z[j]) / S**2, -_p(i) * _p(j))),
])
def test_softmax_case_steps_get_their_verdicts(tmp_path, eq1, ne1, ne2, sym):
    text = SOFTMAX.replace("EQ1", eq1).replace("NE1", ne1).replace("NE2", ne2)
    res = _audit(tmp_path, text)
    same, other = sym(0, 0), sym(0, 1)     # i = j = 1; i = 1, j = 2 (K = 3)
    labels = {9: _label(same[0], sympy.diff(_p(0), Z[0])),
              19: _label(other[1], sympy.diff(_p(0), Z[1])),
              23: _label(other[2], sympy.diff(_p(0), Z[1]))}
    for line, label in labels.items():
        r = _at(res, line)
        assert r.verdict.status == label, (line, r.verdict)
        if label == "refuted":
            assert r.verdict.counterexample is not None
    assert _at(res, 9).verdict.conditions == ("i = j",)
    assert _at(res, 19).verdict.conditions == ("i \\neq j",)
    assert _has_doubt(_at(res, 23), r"derivation of \frac{\partial p_i}{\partial z_j}")


# --- no unambiguous quantity: never decided ------------------------------------------------

def test_bare_step_without_a_clear_quantity_stays_undecided(tmp_path):
    text = (r"We want $\frac{\partial L}{\partial w}$ where" "\n\n"
            r"$$L = (w x - t)^2$$" "\n\nPlugging in the pieces:\n\n"
            r"$$2 (w x - t)$$" "\n\nSo\n\n"
            r"$$\frac{\partial L}{\partial b} = 0$$" "\n\n"   # another quantity concludes
            "Simplify:\n\n"
            r"$$x^2 w$$" "\n")                                 # nothing concludes it
    res = _audit(tmp_path, text)
    assert _at(res, 7).verdict.status == "unknown" and not _at(res, 7).spec.layout
    assert _at(res, 15).verdict.status == "unknown" and not _at(res, 15).spec.layout


def test_bare_display_in_another_context_is_not_refuted(tmp_path):
    text = (r"The loss is" "\n\n" r"$$L = (w x - t)^2$$" "\n\n"
            "Plugging in:\n\n" r"$$(2 \cdot 3 - 1)^2$$" "\n\n"          # L's value, not ∂L/∂w
            "We simplify the loss:\n\n" r"$$w^2 x^2 - 2 w x t + t^2$$" "\n\n"
            "Its derivative:\n\n" r"$$\frac{\partial L}{\partial w} = 2 x (w x - t)$$" "\n\n"
            "Expand the square:\n\n" r"$$(a + b)^2$$" "\n\n"
            # ... it shares nothing with the derivation that line 23 concludes
            "So\n\n" r"$$\frac{\partial L}{\partial w} = 2 x^2 w - 2 x t$$" "\n")
    res = _audit(tmp_path, text)
    for line in (7, 11, 19):
        r = _at(res, line)
        assert r.verdict.status != "refuted" and not r.spec.layout, (line, r.verdict)
    assert _at(res, 15).verdict.status == "proved"
    assert _at(res, 23).verdict.status == "proved"


@pytest.mark.parametrize("cue", ["By the quotient rule, the top is:",
                                 "Multiplying out the numerator we get:",
                                 "Applying the quotient rule, the denominator is:"])
def test_a_part_of_the_quotient_is_not_read_as_the_derivative(tmp_path, cue):
    # the numerator e^{z_i} S - e^{2 z_i} alone is not ∂p_i/∂z_i: never refuted as its value
    text = (r"$$p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$$" "\n\n" f"{cue}\n\n"
            r"$$e^{z_i}\sum_{k=1}^{K} e^{z_k} - e^{2 z_i}$$" "\n\nSo\n\n"
            r"$$\frac{\partial p_i}{\partial z_i} = p_i (1 - p_i)$$" "\n")
    res = _audit(tmp_path, text)
    r = _at(res, 5)
    assert r.verdict.status == "unknown" and not r.spec.layout, r.verdict
    assert _at(res, 9).verdict.status == "proved"


def test_undefined_function_in_a_step_is_never_decided(tmp_path):
    # h(x) where the text defined g(x): a slip for g, perhaps; never decided through it
    text = SIGMOID.replace("DG", r"-e^{-x}").replace(
        "STEP1", r"\frac{0 - 1 \cdot (-e^{-x})}{h(x)^2}").replace(
        "STEP2", r"\frac{e^{-x}}{(1 + e^{-x})^2}")
    res = _audit(tmp_path, text)
    r = _at(res, 15)
    assert r.verdict.status == "unknown" and "h(…) not defined" in r.spec.reading
    assert _at(res, 19).verdict.status == "proved"     # the chain of steps goes on


# --- a derivative written with a symbol of the text for ∂ ----------------------------------

@pytest.mark.parametrize("sym, status", [(r"\alpha", "refuted"), ("α", "refuted"),
                                         (r"\delta", "unknown"), (r"\gamma", "unknown")])
def test_derivative_named_with_a_parameter_for_the_partial_sign(tmp_path, sym, status):
    text = (r"The model is" "\n\n" r"$$y = \alpha x^2$$" "\n\n"
            f"Let's find this partial derivative: $\\frac{{{sym} y}}{{{sym} x}}$, how y moves.\n")
    res = _audit(tmp_path, text)
    r = _at(res, 5) if (5, rf"\frac{{{sym} y}}{{{sym} x}}") not in res else \
        res[(5, rf"\frac{{{sym} y}}{{{sym} x}}")]
    # as written (α the model's parameter) it is y/x; ∂y/∂x = 2αx: they differ at x = α = 1
    a, x = sympy.symbols("alpha x")
    assert sympy.simplify((a * x**2) / x - sympy.diff(a * x**2, x)) != 0
    assert r.verdict.status == status, r.verdict
    if status == "refuted":
        assert r.verdict.counterexample is not None
        assert _has_doubt(r, r"\frac{\partial y}{\partial x}")


def test_a_step_is_never_read_with_the_conclusion_of_another_case(tmp_path):
    # the case i == j has no conclusion of its own: the next one is under i != j
    text = SOFTMAX.replace("EQ1", r"\frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}").replace(
        "NE1", r"\frac{0 - e^{z_i} e^{z_j}}{(\sum_{k=1}^{K} e^{z_k})^2}").replace(
        "NE2", r"-\frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}} \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}")
    text = text.replace("Therefore\n\n$$\\frac{\\partial p_i}{\\partial z_j} = p_i (1 - p_i)$$\n",
                        "")
    assert "p_i (1 - p_i)" not in text
    res = _audit(tmp_path, text)
    r = next(r for (n, latex), r in res.items() if latex.startswith(r"\frac{e^{z_i}}{"))
    assert r.verdict.status == "unknown" and not r.spec.layout, r.verdict
