"""Formula extraction from raw documents (symderiv.extract), on the bundled posts and on
small documents that exercise each delimiter and each thing that must be skipped."""
from __future__ import annotations

from pathlib import Path

import pytest

from symderiv.extract import Found, extract_formulas

POSTS = Path(__file__).resolve().parents[2] / "shared" / "posts"


def post(prefix: str) -> str:
    paths = sorted(POSTS.glob(prefix + "_*.txt"))
    if not paths:
        pytest.skip(f"post {prefix} not found in {POSTS}")
    return paths[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix,total,display", [("000", 17, 17), ("001", 23, 10),
                                                   ("002", 53, 31)])
def test_post_counts(prefix, total, display):
    found = extract_formulas(post(prefix))
    assert len(found) == total
    assert sum(f.kind == "display" for f in found) == display
    assert [f.line for f in found] == sorted(f.line for f in found)       # document order


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_post_formulas_are_verbatim(prefix):
    text = post(prefix)
    for f in extract_formulas(text):
        assert text[f.offset:f.offset + len(f.latex)] == f.latex
        assert text.count("\n", 0, f.offset) + 1 == f.line or f.latex.startswith("\n")


def test_post_000_spans():
    found = extract_formulas(post("000"))
    assert found[0] == Found(" Z^{O} := (1.75, 1.75) ", 1, "display")
    assert found[4] == Found(r" T = \begin{pmatrix}0&1\end{pmatrix} ", 3, "display")
    assert found[9].line == 22 and found[9].latex.startswith(
        r" \frac{\partial{A^{O}}}{\partial{Z^O}} = SoftMax'(\begin{matrix}1.75&1.75\end{matrix})")
    # the NumPy function between lines 11 and 20 holds no formula
    assert not [f for f in found if 11 <= f.line <= 20]


def test_post_001_spans():
    found = extract_formulas(post("001"))
    assert found[0] == Found(r"g(z_1, \dots, z_K)", 11, "inline")
    assert Found(r"\frac{\partial y_i}{\partial z_j}, \quad 1 \leq i \leq K, \quad 1 \leq j \leq K",
                 19, "display") in found
    assert Found(r"L(y, t) = \sum_k t_k \log(y_k)", 47, "display") in found
    assert Found(r"i \neq j", 25, "inline") in found


def test_post_002_spans():
    found = extract_formulas(post("002"))
    assert Found(r"\begin{eqnarray} y = W x + b \end{eqnarray}", 16, "display") in found
    assert Found("W ∈ R^{mxn}", 18, "inline") in found
    assert Found("x,b ∈ R^n", 18, "inline") in found
    # line 49 reads "a label ($y), input ($x$), and weights ($β$)": the unclosed "$y" is text
    assert [f.latex for f in found if f.line == 49] == ["x", "β"]
    assert [f.latex for f in found if f.line == 53] == ["i==j", "i != j"]
    assert found[-1] == Found(r"\begin{eqnarray} i \neq j: \frac{\partial y_j}{\partial x_i} = "
                              r"-\beta y_{j}y_{i} \end{eqnarray}", 115, "display")


@pytest.mark.parametrize("text,expected", [
    ("a $x$ b", [("x", 1, "inline")]),
    ("a $$x = 1$$ b", [("x = 1", 1, "display")]),
    ("a\n$$\nx = 1\n$$\n", [("\nx = 1\n", 2, "display")]),
    (r"\(x\) and \[y\]", [("x", 1, "inline"), ("y", 1, "display")]),
    ("\\begin{equation}\na = b\n\\end{equation}", [("\na = b\n", 1, "display")]),
    ("\\begin{align*} a &= b \\end{align*}", [(" a &= b ", 1, "display")]),
    (r"costs \$5 and \$10, but $x$ is", [("x", 1, "inline")]),
    ("costs $5 and $10 today", []),                     # prices are not formulas
    ("the $i$th value", [("i", 1, "inline")]),
    ("a $x\n\ny$ b", []),                               # no formula across paragraphs
    ("```\n$x$\n```\n$y$", [("y", 4, "inline")]),      # fenced code
    ("~~~python\nprint('$a$')\n~~~", []),
    ("text\n\n    code $x$ here\n\n$y$", [("y", 5, "inline")]),   # indented code block
    ("use `$x$` in code, $y$ in math", [("y", 1, "inline")]),    # inline code span
    ("def f(x):\n    return '$a$'\nthen $b$", [("b", 3, "inline")]),   # Python code
    ("$a$$b$", [("a", 1, "inline"), ("b", 1, "inline")]),
    ("$ x $", []),                                      # a dollar followed by a space opens nothing
])
def test_small_documents(text, expected):
    assert [(f.latex, f.line, f.kind) for f in extract_formulas(text)] == expected


def test_bytes_and_empty():
    assert extract_formulas(b"$x$") == [Found("x", 1, "inline")]
    assert extract_formulas("") == []
