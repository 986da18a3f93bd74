r"""The grammar reader (symderiv.read) on each construct of ML notation it reads.

One table per group, (latex, notation, expected); readings compared structurally. The cases
the old reader (latex.py) also read are in tests/test_latex.py; these are mostly new ones.
"""
from __future__ import annotations

import pytest
import sympy
from sympy import (Abs, Eq, Function, ImmutableMatrix, IndexedBase, KroneckerDelta, Max, Ne,
                   Rational, Sum, Symbol, exp, log, tanh)

from symderiv.notation import K, Partial, index, size
from symderiv.read import Declaration, IndexRange, LatexError, Notation, read_expr, read_formula
from symderiv.read.normalize import NormalizationConfig, tokenize

i, j, k, m_ = (index(n) for n in "ijkm")
x, L, E_ = Symbol("x"), Symbol("L"), Symbol("E")
y, z, o, W = (IndexedBase(n) for n in "yzoW")
D = Notation()

CONSTRUCTS = [
    # -- numbers and names ----------------------------------------------------------------------
    ("0.3", D, Rational(3, 10)),
    ("y_{true}", D, Symbol("y_{true}")),                      # a label, not four indices
    (r"y_{\text{pred}}", D, Symbol(r"y_{\text{pred}}")),
    (r"\hat y_k", D, IndexedBase(r"\hat{y}")[k]),
    (r"\hat{\mathbf{y}}", D, Symbol(r"\hat{y}")),
    (r"\ell", D, Symbol("ell")),
    (r"\mathcal{L}", D, L),
    (r"\mathbf{z}", D, Symbol("z")),
    (r"\text{NLL}", D, Symbol("NLL")),
    ("W^{(l)}_{ij}", D, IndexedBase("W^{(l)}")[i, j]),
    ("z^{[l]}_j", D, IndexedBase("z^{[l]}")[j]),
    ("A^{O}_i", D, IndexedBase("A^{O}")[i]),
    ("W_{ijk}", D, W[i, j, k]),
    (r"\delta_3", D, IndexedBase("delta")[3]),               # one index: a name, not Kronecker
    (r"\text{tanh}'(x)", D, Function("tanh'")(x)),
    (r"\text{scaled\_scores}", D, Symbol("scaled_scores")),
    ("xy", D, x * Symbol("y")),                               # a bare run: a product
    # -- functions ------------------------------------------------------------------------------
    (r"\log \hat y_j", D, log(IndexedBase(r"\hat{y}")[j])),
    (r"\log \sum_k \exp(o_k)", D, log(Sum(exp(o[k]), (k, 1, K)))),
    (r"\tanh^2 z_1", D, tanh(z[1]) ** 2),
    ("log x", D, log(x)),
    (r"\max(x, 0)", D, Max(x, 0)),
    ("softmax(z_j)", D, Function("softmax")(z[j])),
    ("sigmoid(x)", D, Function("sigmoid")(x)),
    (r"\text{ReLU}(x)", D, Function("ReLU")(x)),
    (r"\text{Identity}(x)", D, Function("Identity")(x)),
    (r"\text{Sig}(x)", D, Function("Sig")(x)),
    (r"\mathrm{softmax}(\mathbf z)_i", D, Function("softmax")(Symbol("z"), i)),
    (r"\sigma(z)(1 - \sigma(z))", D,
     Function("sigma")(Symbol("z")) * (1 - Function("sigma")(Symbol("z")))),
    (r"\sigma'(x)", D, Function("sigma'")(x)),
    ("L’(u)", D, Function("L'")(Symbol("u"))),                # U+2019 as a prime
    (r"l(\mathbf{y}, \hat{\mathbf{y}})", D, Function("l")(Symbol("y"), Symbol(r"\hat{y}"))),
    (r"L(y_1, \dots, y_K)", D, Function("L")(y)),               # L of the whole vector y
    # -- sums -----------------------------------------------------------------------------------
    (r"\sum_{k \neq i} y_k", D, Sum((1 - KroneckerDelta(i, k)) * y[k], (k, 1, K))),
    (r"\sum_{k \ne i} y_k", D, Sum((1 - KroneckerDelta(i, k)) * y[k], (k, 1, K))),
    (r"\sum_{j \not= k} y_j", D, Sum((1 - KroneckerDelta(j, k)) * y[j], (j, 1, K))),
    (r"\sum e^{z_k} + 1", D, Sum(exp(z[k]), (k, 1, K)) + 1),
    (r"2 \sum_k z_k \cdot y_k - 1", D, 2 * Sum(z[k] * y[k], (k, 1, K)) - 1),
    # -- derivatives ----------------------------------------------------------------------------
    (r"\frac{d}{dx}[x^2 + 1]", D, Partial(x ** 2 + 1, x)),
    (r"\partial_{o_j} L", D, Partial(L, o[j])),
    (r"\frac{\partial^2 L}{\partial z_j \partial z_m}", D, Partial(Partial(L, z[m_]), z[j])),
    (r"\frac{\delta E}{\delta o_j}", D, Partial(E_, o[j])),
    (r"\frac{dL}{dz}", D, Partial(L, Symbol("z"))),
    # -- Kronecker, brackets, absolute value -------------------------------------------------------
    (r"\mathbb{1}[i=j]", D, KroneckerDelta(i, j)),
    (r"\lbrack x + 1 \rbrack y_i", D, (x + 1) * y[i]),
    (r"\{ x \}", D, x),
    ("|x - 1|", D, Abs(x - 1)),
    (r"\Big( x \Big) \bigl[ y_i \bigr]", D, x * y[i]),
    ("(0, \\ln 3)", D, ImmutableMatrix([[0, log(3)]])),
    # -- transposes -----------------------------------------------------------------------------
    ("W^T_{ij}", D, W[j, i]),
    (r"W^{\top}_{ij}", D, W[j, i]),
    (r"W_{ij}^{T}", D, W[j, i]),
    # -- normalisation --------------------------------------------------------------------------
    (r"\color{red}{x} + \textcolor{blue}{y_i}", D, x + y[i]),
    (r"x \tag{3} \label{eq:x} \nonumber", D, x),
    (r"\dfrac{1}{2} + \tfrac{x}{2}", D, Rational(1, 2) + x / 2),
    (r"\displaystyle \large x \, \; \quad \! y_i", D, x * y[i]),
    (r"\operatorname*{argmax}(x)", D, Function("argmax")(x)),
    ("α − β′(x)", D, Symbol("alpha") - Function("beta'")(x)),
    ("x ≠ 1", D, None),
]


@pytest.mark.parametrize("latex,notation,expected", CONSTRUCTS,
                         ids=[c[0][:40] for c in CONSTRUCTS])
def test_construct(latex, notation, expected):
    if expected is None:
        read_formula(latex, notation)
        return
    got = read_expr(latex, notation)
    assert got == expected, f"{latex!r} read as {got!r}, expected {expected!r}"


FORMULAS = [
    # (latex, parts, relations, conditions)
    ("a = b = c", (Symbol("a"), Symbol("b"), Symbol("c")), ("=", "="), ()),
    (r"L \stackrel{\text{def}}{=} x", (L, x), (":=",), ()),
    (r"L \overset{\text{def}}{=} x", (L, x), (":=",), ()),
    (r"L \triangleq x", (L, x), (":=",), ()),
    (r"L \equiv x", (L, x), (":=",), ()),
    (r"L \coloneqq x", (L, x), (":=",), ()),
    (r"x \approx 0.3", (x, Rational(3, 10)), ("\\approx",), ()),
    (r"i \neq j: y_i = 0", (y[i], 0), ("=",), (Ne(i, j),)),
    (r"y_i = 0 \quad (i \neq j)", (y[i], 0), ("=",), (Ne(i, j),)),
    (r"y_i = 0 \text{ if } i = j", (y[i], 0), ("=",), (Eq(i, j),)),
    (r"y_i = 0 \text{for } i \neq j", (y[i], 0), ("=",), (Ne(i, j),)),
]


@pytest.mark.parametrize("latex,parts,relations,conditions", FORMULAS,
                         ids=[c[0][:40] for c in FORMULAS])
def test_formula(latex, parts, relations, conditions):
    f = read_formula(latex)
    assert (f.parts, f.relations, f.conditions) == (parts, relations, conditions)


def test_declarations_and_ranges():
    assert read_formula(r"x, b \in \mathbb{R}^n").declarations == (
        Declaration(("x", "b"), "R", (size("n"),)),)
    assert read_formula(r"W \in \mathbb{R}^{m \times n}").declarations == (
        Declaration(("W",), "R", (size("m"), size("n"))),)
    assert read_formula(r"1 \leq j \leq K").declarations == (IndexRange("j", 1, K),)


def test_cases_environment_and_matrix():
    f = read_expr(r"\begin{cases} 1 & i = j \\ 0 & \text{otherwise} \end{cases}")
    assert f == sympy.Piecewise((1, Eq(i, j)), (0, True))
    assert read_expr(r"\begin{bmatrix} 1 & x \end{bmatrix}") == ImmutableMatrix([[1, x]])


REFUSED = [
    # (latex, fragment of the message): refused with a clear reason, never misread
    (r"\mathrm{rank}(x)", "matrix function"), (r"a \otimes b", "elementwise"),
    (r"\frac{\partial}{\partial x}", "nothing to apply"), (r"\sum_k", "nothing to sum"),
    ("x +", "nothing after"), (r"x \cdot", "nothing after"), ("()", "empty"),
]


@pytest.mark.parametrize("latex,fragment", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused(latex, fragment):
    with pytest.raises(LatexError) as info:
        read_formula(latex)
    assert fragment in str(info.value)
    assert info.value.hint


@pytest.mark.parametrize("latex,position", [
    (r"x + \frac{d}f(x)", 4), (r"a + b \otimes c", 6), ("x_12 + 1", 2),
])
def test_errors_have_positions(latex, position):
    with pytest.raises(LatexError) as info:
        read_formula(latex)
    assert info.value.position == position, str(info.value)
    assert f"position {position}" in str(info.value)


def test_normalization_switches():
    text = r"\left( \mathbf{z} \right)"
    kinds = [t.text for t in tokenize(text, NormalizationConfig()) if t.kind != "ws"]
    assert kinds == ["(", "z", ")"]
    kept = [t.text for t in tokenize(r"\large x", NormalizationConfig(styles=False))
            if t.kind != "ws"]
    assert "large" in kept
    with pytest.raises(LatexError, match="primitive"):
        read_formula(r"\csname x\endcsname")


@pytest.mark.parametrize("switch,text", [
    ("sizers", r"\left( x \right)"), ("fonts", r"\mathbf{z}"), ("fractions", r"\dfrac{1}{2}"),
    ("spacing", r"x \, y"), ("unicode", "α"), ("styles", r"\large x"),
])
def test_each_switch_turns_its_normalisation_off(switch, text):
    read_formula(text)                                             # normalised: read
    off = NormalizationConfig(**{switch: False})
    from symderiv.read.formula import _read_once
    from symderiv.read.normalize import match_brackets
    from symderiv.read.typing import Choices
    with pytest.raises(LatexError):
        toks = tokenize(text, off)
        match, dropped = match_brackets(toks, text)
        _read_once(text, toks, match, dropped, Notation(), Choices())
