"""What ML authors write, read as they mean it: labelled entries (y_{pred_i}), abbreviations in
subscripts (L_{CE}), catalogue functions (ReLU, softmax(v)_j), point-free identities
(s' = s(1 - s)), functions of entries, bare sums beside written ranges, joined equations, chains
that name several things, and texts that collect several notebooks.  Each case is labelled by
hand and re-derived in SymPy where it is a claim."""

import pytest
import sympy

from symderiv import check
from symderiv.read.display import split_display
from tests.test_document_soundness import audit   # the audit of a document as JSON

SIGMOID_S = r"s(x) = \frac{1}{e^{-x} + 1}"
MSE = r"L_{MSE} = \frac{1}{N} \sum_{i=1}^{N} (y_{pred_i} - y_{true_i})^2"


# -- labelled entries and abbreviations ---------------------------------------------------------
@pytest.mark.parametrize("claim,status", [
    (r"\frac{\partial L_{MSE}}{\partial y_{pred_j}} = \frac{2}{N} (y_{pred_j} - y_{true_j})", "proved"),
    (r"\frac{\partial L_{MSE}}{\partial y_{pred_j}} = \frac{1}{N} (y_{pred_j} - y_{true_j})", "refuted"),
    (r"\frac{\partial L_{MSE}}{\partial y_{true_j}} = \frac{2}{N} (y_{true_j} - y_{pred_j})", "proved"),
])
def test_labelled_entries(claim, status):
    assert check(claim, [MSE]).status == status


def test_labelled_entries_independently():
    """The MSE label re-derived at N = 3 with SymPy alone."""
    p, t = sympy.symbols("p1:4"), sympy.symbols("t1:4")
    loss = sum((a - b) ** 2 for a, b in zip(p, t)) / 3
    assert sympy.simplify(sympy.diff(loss, p[1]) - sympy.Rational(2, 3) * (p[1] - t[1])) == 0


def test_two_capitals_are_a_label_not_two_indices():
    ce = r"L_{CE} = - \sum_{c=1}^{C} t_c \log y_c"
    v = check(r"\frac{\partial L_{CE}}{\partial y_j} = -\frac{t_j}{y_j}", [ce])
    assert v.status == "proved", v


# -- the catalogue ------------------------------------------------------------------------------
@pytest.mark.parametrize("claim,status", [
    (r"\text{ReLU}(1.6) = 1.6", "proved"),
    (r"\text{ReLU}(x) = x", "refuted"),                  # x = -1
    (r"\frac{d}{dx}\text{ReLU}(x) = 1", "refuted"),      # at x = -1, never at the kink
    (r"\frac{d}{dx}\text{ReLU}(x) = 0", "refuted"),
])
def test_relu(claim, status):
    v = check(claim)
    assert v.status == status, v
    if status == "refuted":
        assert "x = 0" not in v.counterexample.render() if hasattr(v.counterexample, "render") \
            else "x = 0:" not in str(v.counterexample)


@pytest.mark.parametrize("claim,status", [
    (r"\frac{\exp(o_j)}{\sum_{k=1}^q \exp(o_k)} = \mathrm{softmax}(\mathbf{o})_j", "proved"),
    (r"\frac{\exp(o_j)}{\sum_{k=1}^q \exp(o_k)} - y_j = \mathrm{softmax}(\mathbf{o})_j - y_j", "proved"),
    (r"\exp(o_j) = \mathrm{softmax}(\mathbf{o})_j", "unknown"),   # a doubtful reading: never refuted
])
def test_softmax_entry(claim, status):
    assert check(claim).status == status


# -- point-free identities ----------------------------------------------------------------------
@pytest.mark.parametrize("claim,given,status", [
    (r"s' = s(1-s)", [SIGMOID_S], "proved"),
    (r"\sigma' = \sigma(1 - \sigma)", [], "proved"),
    (r"s' = s(1+s)", [SIGMOID_S], "unknown"),   # false, but read through a doubt
    (r"\sigma'(z) = \sigma(z)(1 - \sigma(z))", [], "proved"),
])
def test_point_free(claim, given, status):
    v = check(claim, given)
    assert v.status == status, v
    if claim.startswith("s'"):
        assert any("without its argument" in d for r in v.readings for d in r.doubts)


def test_point_free_false_independently():
    x = sympy.Symbol("x")
    s = 1 / (sympy.exp(-x) + 1)
    assert sympy.simplify(sympy.diff(s, x) - s * (1 - s)) == 0
    assert sympy.simplify(sympy.diff(s, x) - s * (1 + s)) != 0


# -- functions of entries and the chain rule ----------------------------------------------------
@pytest.mark.parametrize("claim,status", [
    (r"\frac{\partial A_{i}}{\partial W_{j}} = f'(Z_{i}) X_{ij}", "proved"),
    # false, but f is undefined: f'(·) has no value at any point, so no counterexample
    (r"\frac{\partial A_{i}}{\partial W_{j}} = f'(Z_{i}) X_{ji}", "unknown"),
    (r"\frac{\partial A_{i}}{\partial W_{j}} = X_{ij}", "unknown"),
])
def test_undefined_function_of_entries(claim, status):
    v = check(claim, ["A_i = f(Z_i)", r"Z_i = \sum_k X_{ik} W_k"])
    assert v.status == status, v


def test_dense_layer_with_an_undefined_activation():
    given = ["Z = XW + b", "A = f(Z)", r"dA = \frac{\partial L}{\partial A}",
             r"dZ = dA \odot f'(Z)", r"dW = \frac{\partial L}{\partial W}"]
    assert check("dW = X^T dZ", given).status == "proved"


# -- ranges -------------------------------------------------------------------------------------
def test_a_bare_sum_runs_over_the_range_the_claim_writes():
    v = check(r"l(\mathbf{y}, \hat{\mathbf{y}}) = - \sum_{j=1}^q y_j \log \frac{\exp(o_j)}"
              r"{\sum_{k=1}^q \exp(o_k)}",
              [r"\hat{y}_i = \frac{\exp(o_i)}{\sum_j \exp(o_j)}",
               r"l(\mathbf{y}, \hat{\mathbf{y}}) = - \sum_{j=1}^q y_j \log \hat{y}_j"])
    assert v.status == "proved", v


# -- displays -----------------------------------------------------------------------------------
def test_equations_joined_in_one_row():
    assert split_display(r"\eqalign{ z &= W^Tx, &\,\,dz= dW^Tx \cr e &= \exp(z) \cr }") == \
        ["z = W^Tx", "dz= dW^Tx", "e = \\exp(z)"]


def test_inline_equations_separated_by_spaces(tmp_path, capsys):
    got = audit(tmp_path, capsys, "Let $s(x) = \\frac{1}{1 + e^{-x}}$. Since "
                r"$\frac{\partial s(x)}{\partial x} = s(x)(1 - s(x))"
                r"\ \ \ \ \ \frac{\partial \log(x)}{\partial x} = \frac{1}{x}$.")
    verdicts = [r["verdict"] for r in got if r["kind"] == "claim"]
    assert verdicts.count("proved") == 2, got


# -- chains that define ---------------------------------------------------------------------------
def test_a_chain_defines_its_bare_middle_names(tmp_path, capsys):
    got = audit(tmp_path, capsys, "$$ a_2 = \\hat{y} = \\sigma(z_2) $$\n\n"
                "$$ \\frac{\\partial \\hat{y}}{\\partial z_2} = \\hat{y}(1 - \\hat{y}) $$\n")
    chain, claim = got
    assert chain["verdict"] == "adopted", chain
    assert claim["verdict"] == "proved", claim


def test_a_defining_chain_with_a_wrong_step(tmp_path, capsys):
    (rec,) = audit(tmp_path, capsys, "$$ \\begin{aligned} L(u) &= \\log(1 + e^{u}) - p u \\\\ "
                   "&= \\log(1 + e^{-u}) - p u \\end{aligned} $$\n")
    assert [link["verdict"] for link in rec["links"]] == ["proved", "refuted"], rec
    assert rec["links"][0]["method"].startswith("definition")


# -- collections of texts -----------------------------------------------------------------------
COLLECTION = r"""# Loss functions

$$ L = \frac{1}{N} \sum_{i=1}^{N} (p_i - t_i)^2 $$

# Layers

Here $L$ is any loss.

$$ Z = XW + b $$

$$ dZ = \frac{\partial L}{\partial Z} $$

$$ dW = X^T dZ $$
"""


def test_definitions_stay_in_their_part(tmp_path, capsys):
    got = audit(tmp_path, capsys, COLLECTION)
    dw = next(r for r in got if r["latex"].strip() == "dW = X^T dZ")
    assert dw["verdict"] == "proved", dw


# -- conditions stated in the prose rescue a refutation blocked by a doubt ----------------------
def test_one_hot_stated_after_the_claim(tmp_path, capsys):
    got = audit(tmp_path, capsys, r"""## Cross-entropy

$$ \hat{y}_i = \frac{\exp(o_i)}{\sum_{k=1}^q \exp(o_k)} $$

$$ l(\mathbf{y}, \hat{\mathbf{y}}) = - \sum_{j=1}^q y_j \log \hat{y}_j $$

$$ \partial_{o_j} l(\mathbf{y}, \hat{\mathbf{y}}) = \frac{\exp(o_j)}{\sum_{k=1}^q \exp(o_k)} - y_j $$

Here $\mathbf{y}$ is the one-hot label vector.
""")
    claim = next(r for r in got if r["latex"].startswith(r"\partial_{o_j}"))
    assert claim["verdict"] == "proved", claim
    assert any("one-hot" in c for c in claim["conditions"]), claim


# -- a function at another point is not the quantity --------------------------------------------
def test_a_function_at_another_point_is_not_its_value(tmp_path, capsys):
    """g(x + b) = g(x) is false (g(x + b) = g(x) + b for the log-partition function): the
    applied g(x + b) must never be read as the quantity g."""
    got = audit(tmp_path, capsys, "The function $g(\\mathbf{x}) \\stackrel{\\textrm{def}}{=} "
                "\\log \\sum_i \\exp x_i$ is convex.\n\nShow that $g(\\mathbf{x} + b) = "
                "g(\\mathbf{x})$.\n")
    claim = next(r for r in got if r["latex"].startswith("g(\\mathbf{x} + b)"))
    assert claim["verdict"] in ("unknown", "refuted"), claim
    lse = lambda *xs: sympy.log(sum(sympy.exp(x) for x in xs))  # noqa: E731
    gap = sympy.expand_log(lse(1, 1) - lse(0, 0), force=True)      # x = (0, 0), b = 1
    assert sympy.nsimplify(gap) == 1


# -- found by an adversarial round --------------------------------------------------------------
@pytest.mark.parametrize("claim,given,allowed", [
    # true where the formula is defined (-x > 0; y > 0): no counterexample outside the domain
    (r"\frac{d}{dx}\log(-x) = -\frac{1}{\sqrt{x^2}}", [], ("proved", "verified", "unknown")),
    (r"\frac{d}{dx}\log(x) = \frac{1}{\left|x\right|}", [], ("proved", "verified", "unknown")),
    (r"\frac{\partial L}{\partial y_j} = -\frac{t_j}{\left|y_j\right|}",
     [r"L = -\sum_{k=1}^{K} t_k \log y_k"], ("proved", "verified", "unknown")),
    (r"\frac{d}{dx}\log(-x) = \frac{1}{\sqrt{x^2}}", [], ("refuted",)),     # at x = -1
    # e^{log x} reads as x, but only x > 0 is meant: no counterexample at x = -1
    (r"e^{\log(x)} = \sqrt{x^2}", [], ("proved", "verified", "unknown")),
    (r"\left|x\right| = e^{\log x}", [], ("proved", "verified", "unknown")),
    (r"e^{\log(x) + \log(y)} = \left|x y\right|", [], ("proved", "verified", "unknown")),
    (r"e^{L} = \sqrt{x^2}", [r"L = \log(x)"], ("proved", "verified", "unknown")),
    (r"e^{\log(x)} = -x", [], ("refuted",)),
    # two sizes are never related by accident (q = K + 1 at every step of the exact route)
    (r"\sum_{k=1}^{K} o_k = \sum_{k=1}^{q-1} o_k", [], ("refuted", "unknown")),
    # a partial sum in the claim does not set the range of the definition's bare sum
    (r"\sum_{k=2}^q y_k = 1 - y_1", [r"y_i = \frac{e^{o_i}}{\sum_j e^{o_j}}"],
     ("proved", "verified", "unknown")),
    (r"\frac{\partial}{\partial o_1}\sum_{k=2}^{q} y_k = -y_1 (1 - y_1)",
     [r"y_i = \frac{e^{o_i}}{\sum_j e^{o_j}}"], ("proved", "verified", "unknown")),
])
def test_adversarial_round(claim, given, allowed):
    v = check(claim, given)
    assert v.status in allowed, v


def test_an_index_range_for_the_claim_does_not_fix_a_bare_sum():
    """1 ≤ i ≤ q says where i runs, not that the definition's bare Σ_j stops at some other K."""
    given = [r"y_i = \frac{e^{o_i}}{\sum_j e^{o_j}}"]
    v = check(r"\sum_{k=2}^q y_k = 1 - y_1", given, [r"1 \leq i \leq q"])
    assert v.status in ("proved", "verified", "unknown"), v
    v = check(r"\sum_{k=2}^q y_k = 1 + y_1", given, [r"1 \leq i \leq q"])
    assert v.status == "refuted", v


@pytest.mark.parametrize("claim,status", [
    (r"\tanh'(x) = 1 - \tanh^2(x)", "proved"),
    (r"\tanh'(x) = 1 + \tanh^2(x)", "refuted"),
    (r"\text{tanh}'(x) = 1 - \text{tanh}^2(x)", "proved"),
])
def test_a_prime_on_a_function_command(claim, status):
    assert check(claim).status == status


# -- cases on the sign of a value ---------------------------------------------------------------
@pytest.mark.parametrize("claim,status", [
    (r"\text{ReLU}'(x) = \begin{cases} 1 & \text{if } x > 0 \\ 0 & \text{if } x \leq 0 \end{cases}",
     "proved"),          # for x ≠ 0: at the kink the sides differ, said so
    (r"\text{ReLU}'(x) = \begin{cases} 0 & \text{if } x > 0 \\ 1 & \text{if } x \leq 0 \end{cases}",
     "refuted"),         # x = 1
    (r"\left|x\right| = \begin{cases} x & \text{if } x \geq 0 \\ -x & \text{otherwise} \end{cases}",
     "proved"),
    (r"\sigma(x) = \begin{cases} 1 & x > 0 \\ 0 & x \leq 0 \end{cases}", "refuted"),
    (r"\log(x) = \begin{cases} 1 & \text{if } x > 0 \\ 0 & \text{if } x \leq 0 \end{cases}",
     "refuted"),         # at x = 1 (x = -1 is outside the logarithm's domain)
])
def test_cases_on_a_sign(claim, status):
    v = check(claim)
    assert v.status == status, v
    if claim.startswith(r"\text{ReLU}'") and status == "proved":
        assert any("neq 0" in c for c in v.conditions) and "x = 0" in v.reason


def test_cases_on_a_sign_independently():
    x = sympy.Symbol("x")
    relu = sympy.Max(0, x)
    for point, want in ((sympy.Rational(3, 2), 1), (-sympy.Rational(1, 2), 0)):
        assert sympy.diff(relu, x).subs(x, point) == want


def test_a_declaration_of_a_layer_vector_names_it_not_its_letter():
    from symderiv.read import Notation, read_formula
    (decl,) = read_formula(r"b_1 \in \mathbb{R}^{500}", Notation()).declarations
    assert decl.names == ("b_{1}",)
    (decl,) = read_formula(r"x, b \in \mathbb{R}^{n}", Notation()).declarations
    assert decl.names == ("x", "b")


@pytest.mark.parametrize("claim,given,status", [
    # two primes are the second derivative (they were once read as one)
    (r"f''(x) = 6x", [r"f(x) = x^3"], "proved"),
    (r"f''(x) = 3x^2", [r"f(x) = x^3"], "refuted"),
    (r"f^{''}(x) = 6x", [r"f(x) = x^3"], "proved"),
    (r"\sigma''(x) = \sigma'(x)", [], "refuted"),
    (r"\sin''(x) = \cos(x)", [], "refuted"),
    (r"\cos''(x) = -\cos(x)", [], "proved"),
])
def test_primes_are_counted(claim, given, status):
    assert check(claim, given).status == status


def test_primes_independently():
    x = sympy.Symbol("x")
    assert sympy.diff(x ** 3, x, 2) == 6 * x
    assert sympy.diff(sympy.cos(x), x, 2) == -sympy.cos(x)


@pytest.mark.parametrize("claim,status", [
    (r"\frac{d}{dx}\text{ReLU}(x) = \begin{cases} 1 & \text{if } x > 0 \\ 0 & \text{if } x \leq 0"
     r" \end{cases}", "proved"),
    (r"\frac{d}{dx}\text{ReLU}(x) = \begin{cases} 0 & \text{if } x > 0 \\ 1 & \text{if } x \leq 0"
     r" \end{cases}", "refuted"),
    # false for x < 0 (the slope there is -1, see below): refuted at a point inside x < 0
    (r"\frac{d}{dx}\left|x\right| = \begin{cases} 1 & \text{if } x > 0 \\ 1 & \text{if } x < 0"
     r" \end{cases}", "refuted"),
])
def test_cases_of_a_derivative(claim, status):
    v = check(claim)
    assert v.status == status, v
    assert "internal error" not in (v.reason or "")
    x = sympy.Symbol("x", real=True)
    assert sympy.diff(sympy.Abs(x), x).subs(x, -1) == -1   # the |x| row's truth, by SymPy
    if status == "refuted":
        assert v.counterexample is not None


@pytest.mark.parametrize("claim,status", [
    # a function written bare beside its application: read at the same argument
    (r"\sigma'(x) = \sigma(1 - \sigma)", "proved"),
    (r"\frac{d}{dx}\sigma(x) = \sigma(1-\sigma)", "proved"),
    (r"\sigma'(x) = \sigma(x)(1-\sigma)", "proved"),
    (r"\sigma'(x) = \sigma(1 + \sigma)", "unknown"),      # false, but through a doubt
    (r"\sin^{\prime}(x) = \cos(x)", "proved"),
    (r"\sin^{\prime\prime}(x) = -\sin(x)", "proved"),
])
def test_a_function_written_bare_beside_its_application(claim, status):
    assert check(claim).status == status


def test_a_variance_is_not_the_sigmoid():
    """σ² + ε under a square root is a variance: never read as the sigmoid of something."""
    from symderiv.read import Notation, read_formula
    f = read_formula(r"\hat{x}_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \epsilon}}", Notation())
    assert not f.parts[1].atoms(sympy.core.function.AppliedUndef)
    assert not any("without its argument" in d for r in f.readings for d in r.doubts)


@pytest.mark.parametrize("claim,allowed", [
    (r"\sqrt{x}^2 = \left|x\right|", ("proved", "verified", "unknown")),   # x ≥ 0 where √x is
    (r"\sqrt{x}^2 = -x", ("refuted",)),                                   # at x = 1
    (r"\sin^{(2)}(x) = -\sin(x)", ("proved",)),                           # f^{(2)} = f''
    (r"\sin^{(2)}(x) = \sin(x)", ("refuted",)),
    # false, but the only point the cases give (x = 1) is the kink: no counterexample there
    (r"\frac{d}{dx}\text{ReLU}(x-1) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise}"
     r" \end{cases}", ("unknown", "refuted")),
])
def test_adversarial_round_4(claim, allowed):
    v = check(claim)
    assert v.status in allowed, v
    if v.status == "refuted" and "ReLU" in claim:
        assert "x = 1:" not in str(v.counterexample)


def test_a_correction_in_a_later_part(tmp_path, capsys):
    """'# Question' and '# Answer' are parts; the answer's correction of the question's σ still
    corrects it: the derived claim depends on which σ is meant, so it is never refuted."""
    got = audit(tmp_path, capsys, "# Question\n\nI define the sigmoid as $\\sigma(x) = "
                "\\frac{1}{1+e^{x}}$. Then\n\n$$\\sigma'(x) = \\sigma(x)(1-\\sigma(x))$$\n\n"
                "# Answer\n\nThe definition above is mistaken and should be corrected as "
                "below:\n\n$$\\sigma(x) = \\frac{1}{1+e^{-x}}$$\n")
    derived = next(r for r in got if r["latex"].startswith("\\sigma'"))
    assert derived["verdict"] == "unknown", derived
    assert next(r for r in got if "e^{-x}" in r["latex"])["verdict"] == "adopted"


def test_a_written_range_in_a_definition_is_not_overridden_by_the_claim():
    """Σ_{k=1}^{K} written in the definition: a claim summing to N does not change K; the claim
    is undecided (N = K or not), never read with N as the definitions' size."""
    v = check(r"\sum_{j=1}^{N} y_j = 1", [r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"])
    assert v.status == "unknown" and "N = K" in v.reason, v
