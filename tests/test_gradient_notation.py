r"""The "dX" gradient names of code-oriented notes, read from their prose (report/gradient_names.py).

Four notes of our own, written the way notebook Markdown writes backward passes: a dense layer
("Where $dA = \frac{\partial L}{\partial A}$ ..." after the display, a list of words with names),
scaled dot-product attention (a respective list "(denoted $dQ$, $dK$, $dV$)", "Let $S$ represent
`scores`", "the attention output $Y$", ``d(QK^T)``, ``d\text{softmax}(S)``).  Every claim's label
is re-checked here, independently, with SymPy at fixed sizes (a concrete loss of the last output,
a concrete activation), and the audit must prove the true ones and leave every false one
unknown: a claim read through a guessed gradient name is never refuted.
"""
from __future__ import annotations

import random

import pytest
import sympy

from symderiv.report.audit import audit_document
from symderiv.report.gradient_names import d_terms, latex_key

# -- the notes ------------------------------------------------------------------------------
DENSE = r"""# Dense layer

## Forward
The layer multiplies the input by the weights and adds the bias:
$$
Z = XW + b
$$
$$
A = g(Z)
$$
Here $X$ is the input batch (one sample per row), $W$ is the weight matrix, $b$ is the bias vector.

## Backward
We compute the gradients with respect to the input ($dX$), the weights ($dW$) and the bias ($dB$).
$$
dZ = dA \odot g'(Z)
$$
where $dA = \frac{\partial L}{\partial A}$ is the upstream gradient, so $dZ = \frac{\partial L}{\partial Z}$.
$$
dW = X^T dZ
$$
$$
dB = \sum_{\text{batch}} dZ
$$
$$
dX = dZ W^T
$$
"""

DENSE_WRONG = DENSE.replace(r"dZ = dA \odot g'(Z)", r"dZ = dA \odot g(Z)") \
    .replace(r"dB = \sum_{\text{batch}} dZ", r"dB = \sum_{\text{batch}} 2 dZ")

ATTENTION = r"""# Attention

## Forward pass
$$
\text{scores} = \frac{Q K^T}{\sqrt{d_k}}
$$
$$
\text{probs} = \text{softmax}(\text{scores})
$$
$$
\text{output} = \text{probs}\, V
$$
Here $Q$, $K$ and $V$ are the query, key and value matrices; the softmax is taken row by row.

## Backward pass
Given $dY = \frac{\partial L}{\partial Y}$, the gradient of the loss with respect to the attention output $Y$, the gradients with respect to $Q$, $K$ and $V$ (denoted $dQ$, $dK$, $dV$) follow. Let $S$ represent `scores`.

1. Value:
$$
dV = \text{softmax}(S)^T dY
$$
2. Attention probabilities:
$$
d\text{softmax}(S) = dY V^T
$$
3. Query and key:
$$
dQ = \frac{dS K}{\sqrt{d_k}}
$$
$$
dK = \frac{dS^T Q}{\sqrt{d_k}}
$$
"""

ATTENTION_WRONG = ATTENTION.replace(r"dV = \text{softmax}(S)^T dY", r"dV = 2 \text{softmax}(S)^T dY") \
    .replace(r"dQ = \frac{dS K}{\sqrt{d_k}}", r"dQ = dS K") \
    .replace(r"d\text{softmax}(S) = dY V^T", r"d\text{softmax}(S) = dY V^T + dY V^T")

SPLIT = r"""# Layer notes

## Backward (code)
The gradient with respect to the pre-activation, $dH$, is computed first:
$$
dH = dO \odot s'(H)
$$
$$
dU = P^T dH
$$

## Forward (code)
$$
H = P U
$$
$$
O = s(H)
$$
Here $P$ is the input matrix and $U$ the weight matrix. We write $dO = \frac{\partial L}{\partial O}$ and $dH = \frac{\partial L}{\partial H}$.
"""


# -- an independent check of every label, with SymPy at fixed sizes -------------------------
def _mat(name, r, c):
    return sympy.Matrix(r, c, lambda i, j: sympy.Symbol(f"{name}{i}{j}"))


def _values(symbols, rng):
    return {s: sympy.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for s in symbols}


def _loss(rng, size):
    """A concrete loss of the last output (not symmetric, not linear), as a function of it."""
    c = [sympy.Rational(rng.randint(1, 7), 3) for _ in range(size)]
    e = [sympy.Rational(rng.randint(1, 5), 7) for _ in range(size)]
    return lambda M: sum((ci * x + ei * x**2 for ci, ei, x in zip(c, e, M)), sympy.Integer(0))


def _grad(L, M):
    return M.applyfunc(lambda x: sympy.diff(L, x))


def _upstream(loss, of, at, name):
    """∂loss(of(M))/∂M at M = at: the gradient at an intermediate node, by its entries."""
    M = _mat(name, at.rows, at.cols)
    return _grad(loss(of(M)), M).xreplace({M[i, j]: at[i, j] for i in range(at.rows)
                                           for j in range(at.cols)})


def dense_truth(rng, n=3, k=2, m=2):
    X, W, b = _mat("x", n, k), _mat("w", k, m), _mat("b", m, 1)
    g = lambda t: t**3 + t                      # noqa: E731 - an activation with g' ≠ g
    gp = lambda t: 3 * t**2 + 1                 # noqa: E731
    Z = X * W + sympy.ones(n, 1) * b.T
    loss = _loss(rng, n * m)
    L = loss(Z.applyfunc(g))
    dA = _upstream(loss, lambda M: M, Z.applyfunc(g), "a")
    dZ = _upstream(loss, lambda M: M.applyfunc(g), Z, "z")
    claims = {
        "dZ = dA g'(Z)": (dZ, dA.multiply_elementwise(Z.applyfunc(gp))),
        "dZ = dA g(Z)": (dZ, dA.multiply_elementwise(Z.applyfunc(g))),
        "dW = X^T dZ": (_grad(L, W), X.T * dZ),
        "dB = sum_batch dZ": (_grad(L, b), dZ.T * sympy.ones(n, 1)),
        "dB = sum_batch 2 dZ": (_grad(L, b), 2 * dZ.T * sympy.ones(n, 1)),
        "dX = dZ W^T": (_grad(L, X), dZ * W.T),
    }
    return claims, list(X) + list(W) + list(b)


def attention_truth(rng, n=2, n2=3, dk=2, dv=2):
    Q, K, V = _mat("q", n, dk), _mat("k", n2, dk), _mat("v", n2, dv)
    r = sympy.sqrt(dk)
    S = Q * K.T / r

    def softmax_rows(M):
        E = M.applyfunc(sympy.exp)
        return sympy.Matrix(M.rows, M.cols, lambda i, j: E[i, j] / sum(E[i, :]))
    P = softmax_rows(S)
    loss = _loss(rng, n * dv)
    L = loss(P * V)
    dY = _upstream(loss, lambda M: M, P * V, "y")
    dP = _upstream(loss, lambda M: M * V, P, "p")
    dS = _upstream(loss, lambda M: softmax_rows(M) * V, S, "s")
    claims = {
        "dV = softmax(S)^T dY": (_grad(L, V), P.T * dY),
        "dV = 2 softmax(S)^T dY": (_grad(L, V), 2 * P.T * dY),
        "dsoftmax(S) = dY V^T": (dP, dY * V.T),
        "dsoftmax(S) = 2 dY V^T": (dP, 2 * dY * V.T),
        "dQ = dS K / sqrt(d_k)": (_grad(L, Q), dS * K / r),
        "dQ = dS K": (_grad(L, Q), dS * K),
        "dK = dS^T Q / sqrt(d_k)": (_grad(L, K), dS.T * Q / r),
    }
    return claims, list(Q) + list(K) + list(V)


def _holds(truth, claimed, symbols, rng, points=2) -> bool:
    for _ in range(points):
        at = _values(symbols, rng)
        # each side to 40 digits (a difference that is 0 would make evalf hunt for precision)
        a, b = truth.xreplace(at).evalf(40), claimed.xreplace(at).evalf(40)
        if any(abs(x - y) > sympy.Float("1e-25") for x, y in zip(a, b)):
            return False
    return True


# the label of each claim of the notes, and the claim in the SymPy model above
DENSE_LABELS = [   # (formula of the note, model claim, label)
    (r"dZ = dA \odot g'(Z)", "dZ = dA g'(Z)", True),
    (r"dW = X^T dZ", "dW = X^T dZ", True),
    (r"dB = \sum_{\text{batch}} dZ", "dB = sum_batch dZ", True),
    (r"dX = dZ W^T", "dX = dZ W^T", True),
]
DENSE_WRONG_LABELS = [
    (r"dZ = dA \odot g(Z)", "dZ = dA g(Z)", False),
    (r"dB = \sum_{\text{batch}} 2 dZ", "dB = sum_batch 2 dZ", False),
]
ATTENTION_LABELS = [
    (r"dV = \text{softmax}(S)^T dY", "dV = softmax(S)^T dY", True),
    (r"d\text{softmax}(S) = dY V^T", "dsoftmax(S) = dY V^T", True),
    (r"dQ = \frac{dS K}{\sqrt{d_k}}", "dQ = dS K / sqrt(d_k)", True),
    (r"dK = \frac{dS^T Q}{\sqrt{d_k}}", "dK = dS^T Q / sqrt(d_k)", True),
]
ATTENTION_WRONG_LABELS = [
    (r"dV = 2 \text{softmax}(S)^T dY", "dV = 2 softmax(S)^T dY", False),
    (r"d\text{softmax}(S) = dY V^T + dY V^T", "dsoftmax(S) = 2 dY V^T", False),
    (r"dQ = dS K", "dQ = dS K", False),
]


@pytest.mark.parametrize("model,labels", [
    (dense_truth, DENSE_LABELS + DENSE_WRONG_LABELS),
    (attention_truth, ATTENTION_LABELS + ATTENTION_WRONG_LABELS)], ids=["dense", "attention"])
def test_labels_rechecked_with_sympy(model, labels):
    rng = random.Random(11)
    claims, symbols = model(rng)
    for _, name, label in labels:
        truth, claimed = claims[name]
        assert _holds(truth, claimed, symbols, rng) is label, name


def _audit(tmp_path, name, text):
    path = tmp_path / f"{name}.md"
    path.write_text(text)
    return {" ".join(r.spec.latex.split()): r for r in audit_document(path, timeout=30)}


def _find(records, latex):
    key = " ".join(latex.split())
    assert key in records, f"{latex} not listed: {sorted(records)}"
    return records[key]


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notes")
    return {name: _audit(tmp, name, text) for name, text in
            [("dense", DENSE), ("dense_wrong", DENSE_WRONG), ("attention", ATTENTION),
             ("attention_wrong", ATTENTION_WRONG), ("split", SPLIT)]}


@pytest.mark.parametrize("note,labels", [
    ("dense", DENSE_LABELS), ("dense_wrong", DENSE_WRONG_LABELS),
    ("attention", ATTENTION_LABELS), ("attention_wrong", ATTENTION_WRONG_LABELS)])
def test_gradient_displays_are_claims(audits, note, labels):
    """True displays about gradient names are proved (with the reading said); false ones are
    never proved and never refuted (the reading is a guess)."""
    for latex, _, label in labels:
        r = _find(audits[note], latex)
        assert r.spec.kind == "claim", latex
        if label:
            assert r.verdict.status == "proved", (latex, r.verdict.reason)
            assert "holds with" in (r.verdict.reason or ""), latex
        else:
            assert r.verdict.status == "unknown", (latex, r.verdict.status, r.verdict.reason)


def test_the_reading_is_named(audits):
    r = _find(audits["dense"], r"dZ = dA \odot g'(Z)")
    # dZ is named ∂L/∂Z only after the display: a definition stated after its use counts
    assert "dZ read as ∂L/∂Z" in r.verdict.reason and "dA read as ∂L/∂A" in r.verdict.reason
    r = _find(audits["dense"], r"dB = \sum_{\text{batch}} dZ")
    assert "dB read as ∂L/∂b" in r.verdict.reason and "bias" in r.verdict.reason
    assert "sum of the rows" in r.verdict.reason
    r = _find(audits["attention"], r"dV = \text{softmax}(S)^T dY")
    assert "respectively" in r.verdict.reason and "S read as scores" in r.verdict.reason
    assert "Y read as output" in r.verdict.reason


def test_naming_statement_after_a_wrong_display_is_not_refuted(audits):
    """"so $dZ = ∂L/∂Z$" after a wrong display: dZ is either the display's or the gradient."""
    r = _find(audits["dense_wrong"], r"dZ = \frac{\partial L}{\partial Z}")
    assert r.verdict.status != "refuted", r.verdict.reason


def test_definitions_stated_after_their_use(audits):
    """The forward pass written after the backward one, the names given at the end."""
    recs = audits["split"]
    r = _find(recs, r"dH = dO \odot s'(H)")
    assert r.spec.kind == "claim" and r.verdict.status == "proved", r.verdict.reason
    r = _find(recs, r"dU = P^T dH")
    assert r.verdict.status == "proved", r.verdict.reason


def test_size_letter_declared_a_matrix_is_a_matrix(audits):
    """K, the keys, is a matrix of the text, not the size: dK is ∂L/∂K of a whole matrix."""
    r = _find(audits["attention"], r"dK = \frac{dS^T Q}{\sqrt{d_k}}")
    assert r.verdict.status == "proved"
    assert "K_{i j}" in (r.verdict.read_as or ""), r.verdict.read_as


def test_without_gradient_cues_nothing_changes(tmp_path):
    """A text that never calls its d-names gradients keeps its definitions."""
    text = "# Notes\n\n$$\nZ = XW\n$$\n$$\ndZ = X \\odot Z\n$$\n"
    recs = _audit(tmp_path, "plain", text)
    assert _find(recs, r"dZ = X \odot Z").spec.kind == "definition"


@pytest.mark.parametrize("latex,expected", [
    (r"dZ = dA \odot f'(Z)", ["Z", "A"]),
    (r"dQ_{\text{proj}} = d(QK^T) K", [r"Q_{\text{proj}}", "(QK^T)"]),
    (r"d\text{softmax}(S) = dA V^T", [r"\text{softmax}(S)", "A"]),
    (r"\frac{dS}{\sqrt{d_k}} \odot dS'", ["S", "S'"]),
    (r"\frac{d}{dx} x + d_k + dx", []),
])
def test_d_terms(latex, expected):
    assert [what for _, _, what in d_terms(latex)] == expected


def test_latex_key():
    assert latex_key(r"dQ_{\text{proj}}") == latex_key("dQ_{proj}") == "dQ_proj"
    assert latex_key(r"\text{scaled\_scores}") == "scaled_scores"


def test_a_closed_form_needs_the_loss(tmp_path):
    """dZ = A - Y holds only for the loss the text has in mind (not defined): it stays the
    text's definition of dZ, never a claim about a generic loss."""
    text = ("# Notes\n\nForward:\n$$\nZ = W X\n$$\n$$\nA = \\sigma(Z)\n$$\n\n"
            "Backward, writing $dZ$ for the gradient of the cost with respect to $Z$:\n"
            "$$\ndZ = A - Y\n$$\n$$\ndW = dZ X^T\n$$\n")
    recs = _audit(tmp_path, "closed", text)
    assert _find(recs, "dZ = A - Y").spec.kind == "definition"
    assert _find(recs, "dW = dZ X^T").verdict.status != "refuted"


@pytest.mark.parametrize("latex", ["d(", "d\\text{", "d\\text{f}(", "dA_{", "d(QK^T", "d" * 50,
                                   "d(" * 200 + "X", "dX'''''''" + "_{" * 30])
def test_d_terms_on_broken_input(latex):
    for a, b, what in d_terms(latex):   # never raises; spans lie inside the text
        assert 0 <= a < b <= len(latex) and what
