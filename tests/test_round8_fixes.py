"""Round 8 (tests/adversarial/round8/FINDINGS.md): the wrong verdicts it found, each in a
small document of its own kind, with the truth of each claim re-derived here in SymPy."""
from __future__ import annotations

import sympy as sp
import pytest

from symderiv.report.audit import audit_document


def _audit(tmp_path, text: str) -> dict[str, object]:
    p = tmp_path / "doc.md"
    p.write_text(text)
    return {r.spec.latex: r for r in audit_document(p)}


def test_truths_of_the_cases_below():
    q1, q2, p1, p2 = sp.symbols("q1 q2 p1 p2", positive=True)
    D = q1 * sp.log(q1 / p1) + q2 * sp.log(q2 / p2)
    assert sp.simplify(sp.diff(D, q1) - (sp.log(q1 / p1) + 1)) == 0    # the KL claim is true
    w, h0, u, x = sp.symbols("w h0 u x")
    h = sp.tanh(w * h0 + u * x)
    assert sp.simplify(sp.diff(h, w) - (1 - h ** 2) * h0) == 0           # the tanh claim too


def test_a_definition_whose_arguments_cannot_be_read_makes_its_name_opaque(tmp_path):
    """D(q \\| p): the divergence bar is no norm; the definition is not read, and the true
    derivative of D is not refuted with D left free (R8-A)."""
    got = _audit(tmp_path, "The divergence is $D(q \\,\\|\\, p) = \\sum_{k=1}^{K} q_k \\log "
                           "\\frac{q_k}{p_k}$, so $\\frac{\\partial D}{\\partial q_i} = "
                           "\\log \\frac{q_i}{p_i} + 1$.\n")
    claim = got["\\frac{\\partial D}{\\partial q_i} = \\log \\frac{q_i}{p_i} + 1"]
    assert claim.verdict.status == "unknown" and "depends on D" in claim.verdict.reason


@pytest.mark.parametrize("definition, claim", [
    ("h = \\tanh(w h_0 + u x)", "\\frac{\\partial h}{\\partial w} = (1 - h^2) h_0"),
    ("h_t = \\tanh(W h_{t-1} + U x_t)", "\\frac{\\partial h_t}{\\partial U} = (1 - h_t^2) x_t"),
])
def test_a_name_defined_through_an_indexed_copy_of_itself_is_opaque(tmp_path, definition,
                                                                     claim):
    """h beside h_0 (an initial state) or h_{t-1}: read as h's entry, the definition would
    refer to itself; it is not read, and nothing about h is decided (R8-A)."""
    got = _audit(tmp_path, f"A unit computes ${definition}$, so ${claim}$.\n")
    assert got[claim].verdict.status == "unknown"
    assert "depends on h" in got[claim].verdict.reason


def test_an_update_rule_is_an_assignment_not_an_equation(tmp_path):
    got = _audit(tmp_path, "Let $L = \\frac{1}{2}(w x - t)^2$. Then $\\frac{\\partial L}"
                           "{\\partial w} = (w x - t) x$. The update is $w = w - \\eta "
                           "\\frac{\\partial L}{\\partial w}$.\n")
    assert got["\\frac{\\partial L}{\\partial w} = (w x - t) x"].verdict.status == "proved"
    update = got["w = w - \\eta \\frac{\\partial L}{\\partial w}"]
    assert update.verdict.status == "unknown" and update.spec.kind == "mention"
    assert "assignment" in update.spec.reading


def test_a_refutation_outside_a_stated_domain_is_no_evidence(tmp_path):
    """x > 0 stated in the sentence: d/dx ReLU(x)^2 = 2x holds there (SymPy below); the
    search's x = -1 lies outside it (R8-B)."""
    x = sp.symbols("x", positive=True)
    assert sp.simplify(sp.diff(sp.Max(0, x) ** 2, x) - 2 * x) == 0
    got = _audit(tmp_path, "For $x > 0$ we have $\\frac{d}{dx}\\,\\mathrm{ReLU}(x)^2 = 2x$, "
                           "where $\\mathrm{ReLU}(x) = \\max(0, x)$.\n")
    claim = got["\\frac{d}{dx}\\,\\mathrm{ReLU}(x)^2 = 2x"]
    assert claim.verdict.status == "unknown" and "outside the domain" in claim.verdict.reason
    assert got["x > 0"].spec.kind == "condition"


def test_a_sign_restricted_in_words_keeps_a_piecewise_slope_undecided(tmp_path):
    a, x = sp.symbols("alpha x")
    f = sp.Max(a * x, x)
    assert sp.diff(f, x).subs({a: sp.Rational(1, 2), x: -1}) == sp.Rational(1, 2)  # true there
    got = _audit(tmp_path, "The leaky unit is $f(x) = \\max(\\alpha x, x)$ with "
                           "$0 < \\alpha < 1$. For negative inputs its slope is $f'(x) = "
                           "\\alpha$.\n")
    assert got["f'(x) = \\alpha"].verdict.status == "unknown"
    assert got["0 < \\alpha < 1"].spec.kind == "condition"   # not an index range


def test_a_refutation_inside_the_stated_domain_stands(tmp_path):
    """The counterexample the search finds satisfies the domain: the refutation is kept."""
    z = sp.symbols("z")
    assert sp.simplify(sp.diff(sp.exp(2 * z), z) - sp.exp(2 * z)) != 0
    got = _audit(tmp_path, "Let $y = e^{\\beta z}$ with $\\beta > 1$. Then "
                           "$\\frac{\\partial y}{\\partial z} = y$.\n")
    v = got["\\frac{\\partial y}{\\partial z} = y"].verdict
    if v.status == "refuted":   # a counterexample with beta > 1, or none at all
        assert sp.Rational(dict(v.counterexample.values)["beta"]) > 1
    else:
        assert v.status == "unknown"


def _softmax_truth(K: int = 3):
    """∂s_i/∂a_j of the softmax at K, entry by entry (SymPy), for the case tests below."""
    a = sp.symbols(f"a1:{K + 1}")
    s = [sp.exp(x) / sum(sp.exp(y) for y in a) for x in a]
    return a, s


def test_a_case_assumed_throughout_a_section_holds_in_its_later_paragraphs(tmp_path):
    a, s = _softmax_truth()
    assert sp.simplify(sp.diff(s[0], a[1]) + s[0] * s[1]) == 0          # i ≠ j: true
    assert sp.simplify(sp.diff(s[0], a[0]) + s[0] * s[0]) != 0          # i = j: false
    got = _audit(tmp_path, "Throughout this section we assume $i \\neq j$. Let $p_i = "
                           "\\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}$.\n\nTherefore "
                           "$\\frac{\\partial p_i}{\\partial z_j} = -p_i p_j$.\n")
    assert got["\\frac{\\partial p_i}{\\partial z_j} = -p_i p_j"].verdict.status == "proved"


@pytest.mark.parametrize("text", [
    "With $s_i = \\frac{e^{a_i}}{\\sum_{k=1}^{K} e^{a_k}}$ the diagonal entries ($i = j$) are "
    "$\\frac{\\partial s_i}{\\partial a_j} = s_i(1 - s_i)$, while the off-diagonal ones are "
    "$\\frac{\\partial s_i}{\\partial a_j} = -s_i s_j$.\n",
    "With $s_i = \\frac{e^{a_i}}{\\sum_{k=1}^{K} e^{a_k}}$: for $i \\neq j$ (the off-diagonal "
    "entries) we get $\\frac{\\partial s_i}{\\partial a_j} = -s_i s_j$, and for $i = j$, by the "
    "quotient rule, $\\frac{\\partial s_i}{\\partial a_j} = s_i(1 - s_i)$.\n",
])
def test_a_contrasting_clause_takes_the_other_case(tmp_path, text):
    """R8-C: the diagonal's case in parentheses is not the off-diagonal clause's case."""
    a, s = _softmax_truth()
    assert sp.simplify(sp.diff(s[0], a[0]) - s[0] * (1 - s[0])) == 0
    got = _audit(tmp_path, text)
    for claim in ("\\frac{\\partial s_i}{\\partial a_j} = s_i(1 - s_i)",
                  "\\frac{\\partial s_i}{\\partial a_j} = -s_i s_j"):
        assert got[claim].verdict.status == "proved", claim


def test_a_value_case_a_claim_is_decided_at_is_listed_with_its_verdict(tmp_path):
    """"which only holds at T = 1": proved there, and the verdict says at T = 1 (R8-C)."""
    got = _audit(tmp_path, "Let $p_i = \\frac{e^{z_i / T}}{\\sum_j e^{z_j / T}}$.\n\nA frequent "
                           "mistake is to write $\\frac{\\partial p_i}{\\partial z_j} = "
                           "p_i(\\delta_{ij} - p_j)$, which only holds at $T = 1$.\n")
    v = got["\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)"].verdict
    assert v.status == "proved" and "T = 1" in v.conditions


def test_a_sum_to_one_cue_the_sentence_denies_after_it_is_not_a_statement(tmp_path):
    """'needs the weights to sum to one, which is not the case here' (R8-D): the textbook
    gradient is not held under Σ y = 1; it is refuted, needing it (SymPy: y = (1, 1))."""
    z1, z2 = sp.symbols("z1 z2")
    p = [sp.exp(z1) / (sp.exp(z1) + sp.exp(z2)), sp.exp(z2) / (sp.exp(z1) + sp.exp(z2))]
    L = -(1 * sp.log(p[0]) + 1 * sp.log(p[1]))
    assert sp.simplify(sp.diff(L, z1) - (p[0] - 1)) != 0
    got = _audit(tmp_path, "With $p_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}$ and $L = "
                           "-\\sum_{k=1}^{K} y_k \\log p_k$, the form $\\frac{\\partial L}"
                           "{\\partial z_i} = p_i - y_i$ needs the weights to sum to one, which "
                           "is not the case here.\n")
    v = got["\\frac{\\partial L}{\\partial z_i} = p_i - y_i"].verdict
    assert v.status != "proved" and not v.conditions


def test_rows_of_targets_said_to_be_one_hot_are_never_the_counterexample(tmp_path):
    """R8-E: per-row one-hot targets; the true batch gradient is not refuted at a zero row."""
    N, K = 2, 2
    z = sp.Matrix(N, K, lambda n, k: sp.Symbol(f"z{n}{k}"))
    t = sp.Matrix([[1, 0], [0, 1]])
    p = sp.Matrix(N, K, lambda n, k: sp.exp(z[n, k]) / sum(sp.exp(z[n, j]) for j in range(K)))
    L = -sum(t[n, k] * sp.log(p[n, k]) for n in range(N) for k in range(K)) / N
    assert sp.simplify(sp.diff(L, z[0, 1]) - (p[0, 1] - t[0, 1]) / N) == 0
    got = _audit(tmp_path, "Each row of $t$ is one-hot. With $p_{nk} = \\frac{e^{z_{nk}}}"
                           "{\\sum_{j} e^{z_{nj}}}$ and $L = -\\frac{1}{N}\\sum_{n=1}^{N}"
                           "\\sum_{k} t_{nk}\\log p_{nk}$, $\\frac{\\partial L}{\\partial z_{nk}}"
                           " = \\frac{1}{N}(p_{nk} - t_{nk})$.\n")
    v = got["\\frac{\\partial L}{\\partial z_{nk}} = \\frac{1}{N}(p_{nk} - t_{nk})"].verdict
    assert v.status in ("unknown", "proved", "verified")


def test_an_inline_slash_before_a_number_and_a_name_is_read_both_ways():
    """1/2x^2 (R8-F): (1/2)·x^2 makes d/dx = x true, 1/(2x^2) false (SymPy): unknown."""
    from symderiv import check
    x = sp.symbols("x")
    assert sp.diff(x ** 2 / 2, x) == x and sp.simplify(sp.diff(1 / (2 * x ** 2), x) - x) != 0
    v = check("\\frac{d}{dx}\\, 1/2x^2 = x")
    assert v.status == "unknown" and len(v.readings) == 2
    assert check("\\frac{d}{dx}\\, 1/(2x^2) = -\\frac{1}{x^3}").status == "proved"


def test_a_greek_or_word_name_before_a_bracket_prints_as_a_product():
    """The parse echo never reads ℓ·(a + b) back as ℓ applied to a + b."""
    from symderiv.printer import to_latex
    from symderiv.read import read_expr
    a, b = sp.symbols("a b")
    for name in ("ell", "sigma"):
        e = sp.Symbol(name) * (a + b)
        assert sp.simplify(read_expr(to_latex(e)) - e) == 0, to_latex(e)


def test_a_cue_denied_about_other_labels_does_not_deny_the_targets_cue(tmp_path):
    """'Unlike soft labels, which need not sum to one, our target y is one-hot' states Σy = 1
    (round 8, g62): the true gradient holds under it."""
    got = _audit(tmp_path, "Unlike soft labels, which need not sum to one, our target $y$ is "
                           "one-hot. With $p_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}$ and "
                           "$L = -\\sum_{k=1}^{K} y_k \\log p_k$, this gives $\\frac{\\partial L}"
                           "{\\partial z_i} = p_i - y_i$.\n")
    assert got["\\frac{\\partial L}{\\partial z_i} = p_i - y_i"].verdict.status == "proved"


def test_a_contrast_that_names_no_other_case_keeps_the_case(tmp_path):
    """', while on the same diagonal ...' (round 8, g63): still the case i = j."""
    a, s = _softmax_truth()
    assert sp.simplify(sp.diff(sp.log(s[0]), a[0]) - (1 - s[0])) == 0
    got = _audit(tmp_path, "With $p_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}$, when $i = j$ "
                           "the entry is $\\frac{\\partial p_i}{\\partial z_j} = p_i(1 - p_i)$, "
                           "while on the same diagonal the log-softmax gives $\\frac{\\partial "
                           "\\log p_i}{\\partial z_j} = 1 - p_i$.\n")
    assert got["\\frac{\\partial \\log p_i}{\\partial z_j} = 1 - p_i"].verdict.status == "proved"


@pytest.mark.parametrize("claim", [
    "\\frac{d}{dx} \\log x/2 = \\frac{1}{2x}",        # true as (log x)/2, false as log(x/2)
    "\\frac{d}{dx} \\log \\sigma(x)^{2} = 2(1 - \\sigma(x))",   # true as log(σ²) only
])
def test_a_bare_argument_followed_by_a_slash_or_a_power_is_read_both_ways(claim):
    """R8-F/H: \\log x/2 and \\log \\sigma(x)^2 each have two plausible readings that disagree."""
    from symderiv import check
    x = sp.symbols("x")
    s = 1 / (1 + sp.exp(-x))
    assert sp.simplify(sp.diff(sp.log(x) / 2, x) - 1 / (2 * x)) == 0
    assert sp.simplify(sp.diff(sp.log(x / 2), x) - 1 / (2 * x)) != 0
    assert sp.simplify(sp.diff(sp.log(s ** 2), x) - 2 * (1 - s)) == 0
    assert sp.simplify(sp.diff(sp.log(s) ** 2, x) - 2 * (1 - s)) != 0
    v = check(claim, ["\\sigma(x) = \\frac{1}{1 + e^{-x}}"])
    assert v.status == "unknown", v
