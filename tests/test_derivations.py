"""Derivations: every step checked, the canonical results, and agreement with explicit SymPy."""
import pytest
import sympy
from sympy import IndexedBase, KroneckerDelta, Matrix, Rational, exp, symbols

from symderiv.derivations import THEOREMS, DerivationError, Derivation, Step, derive, prove
from symderiv.notation import K, beta, index

i, j, k = index("i"), index("j"), index("k")
y = IndexedBase("y")


def test_softmax_jacobian_canonical():
    d = derive("softmax-jacobian")
    assert d.result == beta * y[i] * (KroneckerDelta(i, j) - y[j])
    rules = [s.rule for s in d.steps]
    assert rules[0].startswith("definition") and "quotient" in rules[1]
    assert any("collapse" in r for r in rules) and any("fold" in r for r in rules)
    assert not any(s.rhs.has(sympy.Piecewise) for s in d.steps)
    (eq, ne) = d.cases
    assert sympy.expand(eq.rhs - beta * y[i] * (1 - y[i])) == 0
    assert ne.rhs == -beta * y[i] * y[j]
    assert len(d.verdicts) == len(d.steps) + len(d.cases)
    assert all(v.status == "proved" for v in d.verdicts)


@pytest.mark.parametrize("n", range(1, 7))
def test_jacobian_agrees_with_explicit_sympy(n):
    """The symbolic-K Jacobian at K = n equals SymPy's Jacobian of an explicit softmax."""
    zs = symbols(f"z1:{n + 1}")
    b = sympy.Symbol("b", positive=True)
    ys = [exp(b * zi) / sum(exp(b * zk) for zk in zs) for zi in zs]
    explicit = Matrix(n, n, lambda r, c: sympy.diff(ys[r], zs[c]))
    d = derive("softmax-jacobian").result
    for r in range(n):
        for c in range(n):
            ours = d.subs({i: r + 1, j: c + 1}).subs(beta, b)
            ours = ours.xreplace({y[q + 1]: ys[q] for q in range(n)})
            assert sympy.simplify(ours - explicit[r, c]) == 0


@pytest.mark.parametrize("name", list(THEOREMS))
def test_every_theorem_checks(name):
    d = derive(name)
    assert d.steps
    if name != "worked-example":
        assert all(v.status == "proved" for v in d.verdicts)


def test_broken_step_is_an_error():
    good = derive("softmax-jacobian")
    bad_steps = good.steps[:-1] + (Step("factor", good.lhs, y[i] * (KroneckerDelta(i, j) - y[j])),)
    bad = Derivation("broken", "broken", good.context, bad_steps)
    with pytest.raises(DerivationError, match=rf"step {len(good.steps)} \(factor\)"):
        bad.check()


def test_prove_is_proved_and_verified():
    v = prove("cross-entropy")
    assert v.status == "proved" and "verified" in v.method


def test_worked_example_exact():
    d = derive("worked-example")
    assert d.result == Matrix([[Rational(1, 2), Rational(-1, 2)]])
