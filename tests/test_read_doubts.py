r"""The soundness rule for readings: a doubtful construct gives its other reading (or a doubt),
never a silent guess. Each case: latex, notation, preferred first part, doubt fragment, the
first part of the alternative reading (None: a doubt without an alternative; "none": no doubt).
"""
from __future__ import annotations

import pytest
from sympy import Function, IndexedBase, Symbol

from symderiv.notation import Partial, index
from symderiv.read import Notation, read_formula

i, j = index("i"), index("j")
x, z, A, d = Symbol("x"), Symbol("z"), Symbol("A"), Symbol("d")
o, W = IndexedBase("o"), IndexedBase("W")
D = Notation()
F = Notation(functions=("f",))

DOUBTS = [
    # 1. letter runs: a word is one name; capitals keep the product as the other reading
    ("NLL", D, Symbol("NLL"), "NLL read as one name", Symbol("N") * Symbol("L") ** 2),
    ("CE_{Loss}", D, Symbol("CE_{Loss}"), "CE read as one name",
     Symbol("C") * Symbol("E_{Loss}")),
    ("softmax(z)", D, Function("softmax")(z), "none", None),
    (r"\text{scores}", D, Symbol("scores"), "none", None),
    ("xy", D, x * Symbol("y"), "none", None),
    # 2. gradient names
    ("dA", D, Symbol("dA"), "dA read as one name (a gradient), not d·A", d * A),
    ("dW_{ij}", D, IndexedBase("dW")[i, j], "dW read as one name", d * W[i, j]),
    # 3. application or product
    ("f(x)", D, Function("f")(x), "f(x) read as f applied", Symbol("f") * x),
    ("f(x)", F, Function("f")(x), "none", None),                    # declared: no doubt
    ("s(x)", D, Function("s")(x), "s applied", Symbol("s") * x),
    ("P(j)", D, Function("P")(j), "P applied", Symbol("P") * j),
    ("H[P]", D, Function("H")(Symbol("P")), "H applied", Symbol("H") * Symbol("P")),
    (r"g(\mathbf{x} + b)", D, Function("g")(x + Symbol("b")), "g applied",
     Symbol("g") * (x + Symbol("b"))),
    ("L(y_1, y_2)", D, Function("L")(IndexedBase("y")[1], IndexedBase("y")[2]), "none", None),
    (r"\sigma(z)", D, Function("sigma")(z), "none", None),          # always a function
    ("x(1 - x)", D, x * (1 - x), "none", None),                     # x is a value here
    (r"p_i(\mathbf{z})", D, IndexedBase("p")[i] * z, "read as a product", None),
    # 4. δ or d for ∂
    (r"\frac{\delta E}{\delta o_j}", D, Partial(Symbol("E"), o[j]), "δ read as ∂",
     Symbol("E") / o[j]),
    (r"\frac{dL}{dz}", D, Partial(Symbol("L"), z), "d read as ∂", None),
    (r"\frac{d}{dx} x", D, Partial(x, x), "none", None),
    # 5. transpose or label
    ("W^T_{ij} T", D, W[j, i] * Symbol("T"), "transpose, though T is also a name",
     W[i, j] ** Symbol("T") * Symbol("T")),
    # a bold name beside its own entries: maybe the whole vector (a doubt, the name kept)
    (r"f(\mathbf{z}) + z_1", F, None, "may be the vector of those entries", None),
    # 6. bound index reused free
    (r"\sum_j e^{z_j} + j", D, None, "j is summed over", None),
]


@pytest.mark.parametrize("latex,notation,first,doubt,alternative", DOUBTS,
                         ids=[f"{c[0][:30]}-{n}" for n, c in enumerate(DOUBTS)])
def test_doubt(latex, notation, first, doubt, alternative):
    f = read_formula(latex, notation)
    if first is not None:
        assert f.parts[0] == first, f.parts
    if doubt == "none":
        assert f.doubts == () and f.alternatives == (), (f.doubts, f.alternatives)
        return
    assert any(doubt in s for s in f.doubts), f.doubts
    if alternative is None:
        assert f.alternatives == ()
    else:
        assert [a.parts[0] for a in f.alternatives] == [alternative]
        assert f.alternatives[0].doubts and f.alternatives[0].doubts != f.doubts
    assert len(f.readings) == 1 + len(f.alternatives)


def test_delta_as_kronecker_keeps_no_ratio_reading():
    f = read_formula(r"\frac{\delta E}{\delta o_j} = \delta_{ij}")
    assert f.parts[0] == Partial(Symbol("E"), o[j])
    assert any("δ read as ∂" in s for s in f.doubts) and f.alternatives == ()


def test_choices_in_one_formula_give_one_alternative_each():
    f = read_formula("dA = f(x)")
    assert len(f.doubts) == 2 and len(f.alternatives) == 2
    assert {a.parts for a in f.alternatives} == {
        (d * A, Function("f")(x)), (Symbol("dA"), Symbol("f") * x)}
