"""Print → read → equal, on the names and functions the grammar reader adds (bounded)."""
from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Function, IndexedBase, KroneckerDelta, Sum, Symbol

from symderiv.notation import K, index
from symderiv.printer import to_latex
from symderiv.read import Notation, read_expr

i, j, k = (index(n) for n in "ijk")
N = Notation(functions=("softmax", "ReLU", "g"))
_idx = st.sampled_from([i, j, k])
_atoms = st.one_of(
    _idx.map(lambda s: IndexedBase("z^{[l]}")[s]), _idx.map(lambda s: IndexedBase("W^{(l)}")[s, j]),
    st.sampled_from([Symbol("y_{true}"), Symbol("CE_{Loss}"), Symbol("x"), Symbol("ell")]),
    st.tuples(_idx, _idx).map(lambda p: KroneckerDelta(*p)),
    st.integers(-3, 4).map(sympy.Integer), st.sampled_from([sympy.Rational(3, 10)]),
)


def _extend(children):
    return st.one_of(
        st.tuples(children, children).map(lambda p: p[0] + p[1]),
        st.tuples(children, children).map(lambda p: p[0] * p[1]),
        children.map(lambda e: Function("softmax")(e)),
        children.map(lambda e: Function("ReLU")(e)),
        st.tuples(children, children).map(lambda p: Function("g")(*p)),
        children.map(sympy.exp),
        children.map(lambda e: Sum(e * IndexedBase("z")[k], (k, 1, K))),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_atoms, _extend, max_leaves=6))
def test_print_read_round_trip(expr):
    text = to_latex(expr)
    back = read_expr(text, N)
    assert back == expr or sympy.simplify(back - expr) == 0, f"{text!r}: {back!r} != {expr!r}"
