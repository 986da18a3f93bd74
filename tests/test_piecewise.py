r"""Claims with cases (issue 12, Huber): definitions ``\begin{cases} … & |r| \leq \delta \\ … &
\text{otherwise} \end{cases}``, derivatives per region, right sides by cases or with max, min,
sign, |.|, sums of cases over i, and assumptions read from ``where`` (``\delta > 0``).

Each label is computed here on its own, by SymPy: the two sides written with real symbols,
differentiated by ``sympy.diff`` and compared exactly at fixed points strictly inside the
regions (never on a boundary, where a derivative has only one-sided values).  symderiv must
never contradict a label, and must decide the rows marked ``decide``.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import sympy as sp

import symderiv
from symderiv.read.assumptions import read_inequalities

x, a, b, y = sp.symbols("x a b y", real=True)
r, s = sp.symbols("r s", real=True)
d = sp.Symbol("delta", positive=True)
al = sp.Symbol("alpha", positive=True)
Pw, Abs, sgn = sp.Piecewise, sp.Abs, sp.sign

HUBER = (r"\ell = \begin{cases} \frac{1}{2} r^2 & |r| \leq \delta \\ "
         r"\delta \left(|r| - \frac{1}{2} \delta\right) & \text{otherwise} \end{cases}")
huber = Pw((r ** 2 / 2, Abs(r) <= d), (d * (Abs(r) - d / 2), True))
LEAKY = r"f = \begin{cases} x & x \geq 0 \\ \alpha x & \text{else} \end{cases}"
leaky = Pw((x, x >= 0), (al * x, True))
HINGE = r"L = \sum_{i=1}^{n} \max(0, 1 - y_i s_i)"
CLIP = r"c = \min(\max(x, -1), 1)"
clip = sp.Min(sp.Max(x, -1), 1)
D_POS = [r"\delta > 0"]
# points strictly inside the regions of the claims below (none on |r| = δ, x = 0, ...)
PTS_R = [{r: v, d: w} for v, w in ((sp.Rational(1, 2), 1), (3, 1), (-3, 1), (-sp.Rational(1, 3), 2),
                                    (5, 2))]
PTS_X = [{x: v, al: sp.Rational(1, 2)} for v in (sp.Rational(1, 2), 2, -2, -sp.Rational(1, 2))]
PTS_AB = [{a: 1, b: 2}, {a: 3, b: -1}, {a: -2, b: -5}]
PTS_HINGE = [{y: 1, s: sp.Rational(1, 2)}, {y: -1, s: 2}, {y: 1, s: 3}, {y: -1, s: -3}]

# id, claim, given, where, SymPy sides (lhs, rhs), points, decide
CASES = [
    ("huber-T", r"\frac{\partial \ell}{\partial r} = \begin{cases} r & |r| \leq \delta \\ "
     r"\delta \, \mathrm{sign}(r) & \text{otherwise} \end{cases}", [HUBER], D_POS,
     (huber.diff(r), Pw((r, Abs(r) <= d), (d * sgn(r), True))), PTS_R, True),
    ("huber-3-T", r"\frac{\partial \ell}{\partial r} = \begin{cases} r & |r| \leq \delta \\ "
     r"\delta & r > \delta \\ -\delta & r < -\delta \end{cases}", [HUBER], D_POS,
     (huber.diff(r), Pw((r, Abs(r) <= d), (d, r > d), (-d, True))), PTS_R, True),
    ("huber-otherwise-F", r"\frac{\partial \ell}{\partial r} = \begin{cases} r & |r| \leq "
     r"\delta \\ \delta & \text{otherwise} \end{cases}", [HUBER], D_POS,
     (huber.diff(r), Pw((r, Abs(r) <= d), (d, True))), PTS_R, True),
    ("huber-half-F", r"\frac{\partial \ell}{\partial r} = \begin{cases} \frac{1}{2} r & |r| \leq "
     r"\delta \\ \delta \, \mathrm{sgn}(r) & \text{otherwise} \end{cases}", [HUBER], D_POS,
     (huber.diff(r), Pw((r / 2, Abs(r) <= d), (d * sgn(r), True))), PTS_R, True),
    ("huber-clip-T", r"\frac{\partial \ell}{\partial r} = \max(-\delta, \min(\delta, r))",
     [HUBER], D_POS, (huber.diff(r), sp.Max(-d, sp.Min(d, r))), PTS_R, True),
    ("huber-clip-F", r"\frac{\partial \ell}{\partial r} = \min(-\delta, \max(\delta, r))",
     [HUBER], D_POS, (huber.diff(r), sp.Min(-d, sp.Max(d, r))), PTS_R, True),
    ("abs-sgn-T", r"\frac{\partial}{\partial x} |x| = \mathrm{sgn}(x)", [], [],
     (Abs(x).diff(x), sgn(x)), PTS_X, True),
    ("leaky-T", r"\frac{\partial f}{\partial x} = \begin{cases} 1 & \text{if } x > 0 \\ "
     r"\alpha & \text{if } x < 0 \end{cases}", [LEAKY], [r"\alpha > 0"],
     (leaky.diff(x), Pw((1, x > 0), (al, True))), PTS_X, True),
    ("leaky-F", r"\frac{\partial f}{\partial x} = \begin{cases} 1 & \text{if } x > 0 \\ "
     r"0 & \text{if } x < 0 \end{cases}", [LEAKY], [r"\alpha > 0"],
     (leaky.diff(x), Pw((1, x > 0), (0, True))), PTS_X, True),
    ("clip-T", r"\frac{\partial c}{\partial x} = \begin{cases} 1 & |x| < 1 \\ 0 & "
     r"\text{otherwise} \end{cases}", [CLIP], [], (clip.diff(x), Pw((1, Abs(x) < 1), (0, True))),
     PTS_X + [{x: 3}, {x: -3}], True),
    ("clip-F", r"\frac{\partial c}{\partial x} = \begin{cases} x & |x| < 1 \\ 0 & "
     r"\text{otherwise} \end{cases}", [CLIP], [], (clip.diff(x), Pw((x, Abs(x) < 1), (0, True))),
     PTS_X + [{x: 3}, {x: -3}], True),
    ("max-abs-T", r"\max(a, b) = \frac{a + b + |a - b|}{2}", [], [],
     (sp.Max(a, b), (a + b + Abs(a - b)) / 2), PTS_AB, True),
    ("min-abs-F", r"\min(a, b) = \frac{a + b + |a - b|}{2}", [], [],
     (sp.Min(a, b), (a + b + Abs(a - b)) / 2), PTS_AB, True),
    ("hinge-T", r"\frac{\partial L}{\partial s_j} = \begin{cases} -y_j & y_j s_j < 1 \\ 0 & "
     r"\text{otherwise} \end{cases}", [HINGE], [],
     (sp.Max(0, 1 - y * s).diff(s), Pw((-y, y * s < 1), (0, True))), PTS_HINGE, True),
    ("hinge-F", r"\frac{\partial L}{\partial s_j} = \begin{cases} -s_j & y_j s_j < 1 \\ 0 & "
     r"\text{otherwise} \end{cases}", [HINGE], [],
     (sp.Max(0, 1 - y * s).diff(s), Pw((-s, y * s < 1), (0, True))), PTS_HINGE, True),
    # a difference on a boundary only (x = 0): never a refutation
    ("step-boundary", r"\begin{cases} 1 & x \geq 0 \\ 0 & \text{otherwise} \end{cases} = "
     r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}", [], [],
     (Pw((1, x >= 0), (0, True)), Pw((1, x > 0), (0, True))), PTS_X, False),
]


def _number(tex: str) -> sp.Rational:
    """A counterexample's value as printed: 3, -2, \\frac{1}{2}, - \\frac{1}{3}."""
    m = re.fullmatch(r"\s*(-?)\s*\\frac\{(\d+)\}\{(\d+)\}\s*", tex)
    if m:
        return sp.Rational(int(m.group(2)), int(m.group(3))) * (-1 if m.group(1) else 1)
    return sp.Rational(tex)


def test_cases_written_with_punctuation():
    r"""``\frac{1}{2} r^2, & \text{if } \lvert r \rvert \le \delta, \\ … & \text{otherwise.}``:
    the commas and the full stop end the cells, they are not read."""
    given = (r"\ell = \begin{cases} \frac{1}{2} r^2, & \text{if } \lvert r \rvert \le \delta, \\ "
             r"\delta \left(\left| r \right| - \frac{1}{2} \delta\right), & \text{otherwise.} "
             r"\end{cases}")
    claim = (r"\frac{\partial \ell}{\partial r} = \begin{cases} r, & \text{if } |r| \le \delta \\ "
             r"\delta \operatorname{sgn}(r), & \text{else} \end{cases}")
    assert symderiv.check(claim, given=[given], where=[r"\delta > 0"], timeout=30).status == \
        "proved"


def _label(case) -> bool:
    """True iff the sides agree exactly at every fixed point (SymPy alone)."""
    (lhs, rhs), points = case[4], case[5]
    out = True
    for p in points:
        u, v = sp.simplify(lhs.subs(p)), sp.simplify(rhs.subs(p))
        assert u.is_number and v.is_number, (case[0], p, u, v)
        out = out and sp.simplify(u - v) == 0
    return out


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_piecewise_claim(case):
    cid, claim, given, where, _, _, decide = case
    truth = _label(case)
    assert truth == cid.endswith("-T") or cid == "step-boundary", (cid, truth)
    v = symderiv.check(claim, given=given, where=where, timeout=30)
    if truth:
        assert v.status != "refuted", (cid, v.reason, v.counterexample)
    else:
        assert v.status not in ("proved", "verified"), (cid, v.method, v.reason)
    if decide:
        assert v.status == ("proved" if truth else "refuted"), (cid, v.status, v.reason)
    if v.status == "refuted":   # the point is strictly inside a region, checked exactly
        cx = v.counterexample
        assert "strictly inside" in cx.note and cx.values, cid
        point = {}
        for name, value in cx.values:
            sym = {"delta": d, "alpha": al}.get(name) or sp.Symbol(name.split("[")[0],
                                                                  real=True)
            point[sym] = _number(value)
        lhs, rhs = case[4]
        assert sp.simplify(lhs.subs(point) - rhs.subs(point)) != 0, (cid, point)
    if v.status == "proved" and any(k in claim for k in ("cases", "max", "min", "|")):
        assert any("boundar" in c for c in v.conditions) or "boundar" not in (v.reason or ""), cid


def test_boundary_only_difference_is_said():
    v = symderiv.check(CASES[-1][1], timeout=30)
    assert v.status in ("proved", "unknown")
    if v.status == "proved":   # said: the boundary x = 0 is left out
        assert any("x = 0" in c or "x \\neq 0" in c for c in v.conditions), v.conditions


def test_where_inequalities_are_read():
    d0 = sp.Symbol("delta")
    assert read_inequalities(r"\delta > 0") == (sp.StrictGreaterThan(d0, 0),)
    assert read_inequalities(r"x \geq 0") == (sp.GreaterThan(sp.Symbol("x"), 0),)
    eps = sp.Symbol("epsilon")
    assert read_inequalities(r"0 < \epsilon \leq 1") == (sp.StrictLessThan(0, eps),
                                                          sp.LessThan(eps, 1))
    assert read_inequalities(r"x = 1") is None
    assert read_inequalities(r"\left| x \right| = 1") is None   # \left is no \le


def test_assumption_changes_the_verdict():
    """|x| = x holds under x > 0 and is refuted without it, at a point with x < 0."""
    claim = r"|x| = x"
    assert symderiv.check(claim, where=[r"x > 0"], timeout=30).status == "proved"
    v = symderiv.check(claim, timeout=30)
    assert v.status == "refuted"
    assert sp.Rational(dict(v.counterexample.values)["x"]) < 0


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "symderiv", "check", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_where_inequality():
    claim = CASES[0][1].replace(r"\frac{\partial \ell}{\partial r}", r"\frac{d\ell}{dr}")
    p = _cli(claim, "--given", HUBER, "--where", r"\delta > 0")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "PROVED" in p.stdout and "boundaries" in p.stdout
    p = _cli(r"\frac{\partial \ell}{\partial r} = r", "--given", HUBER, "--where", r"\delta > 0",
             "--format", "json")
    assert p.returncode == 1, p.stdout + p.stderr
    out = json.loads(p.stdout)
    assert out["verdict"] == "refuted" and out["counterexample"]["values"]
    p = _cli(r"\frac{d}{dx} x^2 = 2 x", "--where", "x > 0")
    assert p.returncode == 0, p.stdout + p.stderr


def test_value_claims_are_compared_on_the_boundaries_too():
    """max(a, b) = (a + b + |a - b|)/2 also at a = b (SymPy: both sides 1 at a = b = 1): no
    'almost everywhere' left; a derivative claim keeps it (one-sided values at a kink)."""
    assert sp.Max(a, b).subs({a: 1, b: 1}) == ((a + b + Abs(a - b)) / 2).subs({a: 1, b: 1})
    v = symderiv.check(r"\max(a, b) = \frac{a + b + |a - b|}{2}", timeout=30)
    assert v.status == "proved" and not any("almost" in c for c in v.conditions), v
    v = symderiv.check(CASES[0][1], given=[HUBER], where=D_POS, timeout=30)
    assert v.status == "proved" and any("almost everywhere" in c for c in v.conditions), v


def test_a_negative_assumption_and_a_chain_of_them():
    assert sp.Abs(x).subs(x, -2) == 2   # |x| = -x for x < 0
    assert symderiv.check(r"|x| = -x", where=[r"x < 0"], timeout=30).status == "proved"
    v = symderiv.check(r"\max(\alpha x, x) = x", where=[r"0 < \alpha < 1"], timeout=30)
    assert v.status == "refuted"   # at x < 0 the max is αx (SymPy below)
    at = {sp.Symbol(k): _number(val) for k, val in v.counterexample.values}
    alpha_, x_ = sp.Symbol("alpha"), sp.Symbol("x")
    assert 0 < at[alpha_] < 1 and sp.Max(alpha_ * x_, x_).subs(at) != at[x_]


def test_a_case_said_in_words_is_not_refuted(tmp_path):
    """'for positive ones $f'(x) = 1$' (f = max(αx, x), 0 < α < 1): true for x > 0 (SymPy),
    false for x < 0; the words restrict the sign, so the claim is not refuted."""
    from symderiv.report.audit import audit_document
    xx, aa = sp.Symbol("x", positive=True), sp.Rational(1, 2)
    assert sp.diff(sp.Max(aa * xx, xx), xx) == 1
    p = tmp_path / "doc.md"
    p.write_text("The leaky unit is $f(x) = \\max(\\alpha x, x)$ with $0 < \\alpha < 1$. Its "
                 "slope is the leak for negative inputs; for positive ones $f'(x) = 1$.\n")
    got = {r.spec.latex: r for r in audit_document(p)}
    v = got["f'(x) = 1"].verdict
    assert v.status != "refuted" and "positive ones" in (v.reason or ""), v
