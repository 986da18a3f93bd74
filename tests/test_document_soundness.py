"""The soundness rule at the level of a document and of a claim: readings combined, names whose
definition was not read left opaque, corrections, substitutions of unstated values, catalogue
functions, numerical ≈ claims, and conditions stated elsewhere in a section."""
import json

import pytest
import sympy

from symderiv import check
from symderiv.cli import main
from symderiv.notation import Context
from symderiv.verify import Counterexample, Verdict, combine_readings, decide_approx

SOFTMAX = r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"


def audit(tmp_path, capsys, text):
    doc = tmp_path / "doc.md"
    doc.write_text(text, encoding="utf-8")
    main(["audit", str(doc), "--format", "json"])
    return json.loads(capsys.readouterr().out)


# -- combining the verdicts of readings -------------------------------------------------------
PROVED = Verdict("proved", "symbolic", read_as="a = a")
REFUTED = Verdict("refuted", "exact", read_as="a = b",
                  counterexample=Counterexample(0, (), (("b", "2"),), "1", "2"))


@pytest.mark.parametrize("results, status", [
    ([(PROVED, ())], "proved"),
    ([(PROVED, ()), (PROVED, ("x read as a name",))], "proved"),
    ([(REFUTED, ()), (REFUTED, ("x read as a name",))], "refuted"),
    ([(PROVED, ()), (REFUTED, ("b read as a product",))], "unknown"),
    ([(REFUTED, ("dA read as one name",))], "unknown"),     # a lone doubtful reading
    ([(PROVED, ("dA read as one name",))], "proved"),
])
def test_readings_combine(results, status):
    v = combine_readings(results)
    assert v.status == status
    assert len(v.readings) == len(results)
    assert v.to_json()["readings"][0]["doubts"] == list(results[0][1])


def test_chains_combine_link_by_link():
    chain = lambda *links: Verdict(  # noqa: E731
        "unknown", "chain", links=links)
    v = combine_readings([(chain(PROVED, REFUTED), ()), (chain(PROVED, PROVED), ("δ as ∂",))])
    assert [link.status for link in v.links] == ["proved", "unknown"]


# -- claims -----------------------------------------------------------------------------------
def test_a_variable_differentiated_by_itself():   # regression: x was a generic of itself
    assert check(r"\frac{d}{dx} x = 1").status == "proved"
    assert check(r"\frac{d}{dx} I(x) = 1", given=["I(x) = x"]).status == "proved"


@pytest.mark.parametrize("claim, status", [
    (r"\frac{d}{dx}\sigma(x) = \sigma(x)(1-\sigma(x))", "proved"),     # catalogue sigmoid
    (r"\sigma(-x) = 1 - \sigma(x)", "proved"),
    (r"\sigma(-x) = -\sigma(x)", "refuted"),
    (r"\frac{d}{dx} \text{softplus}(x) = \sigma(x)", "proved"),
])
def test_catalogue_functions(claim, status):
    assert check(claim).status == status


def test_a_doubtful_catalogue_name_never_refutes():
    v = check(r"\text{Sig}(x)(1 - \text{Sig}(x)) = 0")
    assert v.status == "unknown" and "Sig read as the logistic sigmoid" in v.reason


def test_the_texts_definition_wins_over_the_catalogue():
    v = check(r"\sigma(x) = x", given=[r"\sigma(x) = x"])
    assert v.status == "proved"


def test_a_size_pinned_by_a_condition():
    v = check(r"\frac{\partial L}{\partial y_n} = y_n - t_n",
              given=[r"L = \frac{1}{2N}\sum_{n=1}^{N} (y_n - t_n)^2"], where=["N = 1"])
    assert v.status == "proved"


@pytest.mark.parametrize("value, shown, status", [
    (1 / (1 + sympy.exp(-sympy.Rational(2, 5))), sympy.Rational(5987, 10000), "verified"),
    (1 / (1 + sympy.exp(2)), sympy.Rational(8808, 10000), "refuted"),     # Sig(+2), not Sig(-2)
    (1 / sympy.log(2), sympy.Rational(144, 100), "verified"),
    (sympy.Symbol("x"), sympy.Rational(1, 2), "unknown"),
])
def test_approximate_values(value, shown, status):
    v = decide_approx(value, shown, Context())
    assert v.status == status, v
    assert v.status != "proved"


# -- documents --------------------------------------------------------------------------------
def test_an_unread_definition_leaves_its_name_opaque(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
Let $o_j = \frac{e^{z_j}}{\sum_k e^{z_k}} \odot q$ be the output.

Then $\frac{\partial o_j}{\partial z_j} = o_j(1 - o_j)$, and $\frac{\partial h}{\partial x} = 2x$
for $h = x^2$.
""")
    claim = next(e for e in entries if e["latex"].startswith(r"\frac{\partial o_j}"))
    assert claim["verdict"] == "unknown" and "could not be read" in claim["reason"]
    assert entries[0]["kind"] == "definition"


def test_an_entry_definition_is_a_name_of_its_own(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
$$O_1 = \sigma(b_1 + \sum_i x_i w_i)$$

so $\frac{\partial O_1}{\partial w_1} = x_1 O_1 (1 - O_1)$ and not
$\frac{\partial O_1}{\partial w_1} = O_1 (1 - O_1)$.
""")
    got = [e["verdict"] for e in entries]
    assert got[0] == "adopted" and got[1] != "refuted" and got[2] == "refuted", entries


def test_a_power_on_the_left_is_not_a_definition_read(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
$$\mu = \frac{1}{N}\sum_{i=1}^{N} x_i$$ and $$\sigma^2 = \frac{1}{N}\sum_{i=1}^{N} (x_i - \mu)^2$$
so $$\frac{\partial \sigma^2}{\partial x_j} = \frac{2}{N}(x_j - \mu)$$
""")
    assert [e["verdict"] for e in entries][1:] == ["unknown", "unknown"], entries


def test_values_stated_or_rounded_are_not_refuted(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
Let $\sigma(x) = \frac{1}{1 + e^{-x}}$, $z = wx + b$, $\hat y = \sigma(z)$, $L = -\log \hat y$.

Take $x = 2$, $w = 0.5$, $b = -0.5$. Then $\hat y = \sigma(0.5) \approx 0.622$ and
$\frac{\partial L}{\partial b} = 0.622 - 1 \approx -0.378$, but not
$\frac{\partial L}{\partial b} = 0.622 \approx 0.622$.

Here $y$ is one-hot, so $\sum_k y_k = 1$. When $y_i = 0$ the gradient vanishes.
""")
    by = {e["latex"]: e["verdict"] for e in entries}
    # a chain that ends rounded: its exact part, and its rounded value (a record of its own)
    assert by[r"\frac{\partial L}{\partial b} = 0.622 - 1"] == "unknown"
    assert by[r"0.622 - 1 \approx -0.378"] == "unknown"
    assert by[r"\frac{\partial L}{\partial b} = 0.622"] == "refuted"
    assert by["y_i = 0"] == "unknown"


def test_a_definition_the_text_rejects_is_a_claim(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
A common confusion: $\text{ReLU}(x) = x \sigma(x)$ is false.
""")
    assert entries[0]["kind"] == "claim" and entries[0]["verdict"] != "adopted"


def test_a_naming_definition_routes_the_loss(tmp_path):
    v = check(r"\frac{\partial L}{\partial x_j} = g_j - \frac{1}{N}\sum_{i=1}^{N} g_i",
              given=[r"\mu = \frac{1}{N}\sum_{i=1}^{N} x_i", r"y_i = x_i - \mu",
                     r"g_i = \frac{\partial L}{\partial y_i}"])
    assert v.status == "proved"


def test_substituted_values_from_a_figure_are_not_refuted(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
$$ \begin{aligned} h &= b_1 + \sum{x_iw_i} \\ &= 0.2 + 6 \cdot 0.3 - 0.2 \cdot 2 \\
&= 1.6 \end{aligned} $$
""")
    (chain,) = entries
    assert chain["kind"] == "definition"   # the chain's first link defines h
    # the defining link holds by definition; the substitution of unstated values is unknown
    assert [link["verdict"] for link in chain["links"]] == ["proved", "unknown", "proved"]
    assert chain["links"][0]["method"].startswith("definition")
    assert "values the text does not state" in chain["links"][1]["reason"]


def test_a_claim_with_a_number_and_variables_is_still_a_claim():
    assert check(r"x^2 - 1 = 3", where=[]).status == "refuted"


def test_a_corrected_definition_makes_both_readings(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
My attempt: $y = \frac{1}{1 + e^{z}}$ and so $\frac{\partial y}{\partial z} = -y(1 - y)$.

## Answer

Your $y$ is mistaken and should be corrected as below: $y = \frac{1}{1 + e^{-z}}$.
""")
    claim = next(e for e in entries if e["latex"].startswith(r"\frac{\partial y}"))
    assert claim["verdict"] == "unknown"
    assert {r["verdict"] for r in claim["readings"]} == {"proved", "refuted"}


def test_a_condition_stated_later_in_the_section(tmp_path, capsys):
    entries = audit(tmp_path, capsys, rf"""
Let ${SOFTMAX}$ and $L = -\sum_{{k=1}}^{{K}} t_k \log y_k$.

Then $\frac{{\partial L}}{{\partial z_j}} = y_j - t_j$.

Here the target $t$ is a one-hot vector.

## Soft targets

Without it, $\frac{{\partial L}}{{\partial z_j}} = y_j - t_j$ fails.
""")
    claims = [e for e in entries if e["latex"].startswith(r"\frac{\partial L}")]
    assert [c["verdict"] for c in claims] == ["proved", "unknown"]
    assert any("line 6" in c for c in claims[0]["conditions"])
    assert "another section" in claims[1]["reason"]


def test_a_condition_stated_throughout(tmp_path, capsys):
    entries = audit(tmp_path, capsys, rf"""
Let ${SOFTMAX}$ and $L = -\sum_{{k=1}}^{{K}} t_k \log y_k$. Throughout we assume
$\sum_{{k=1}}^{{K}} t_k = 1$.

## Gradient

Then $\frac{{\partial L}}{{\partial z_j}} = y_j - t_j$.
""")
    assert entries[-1]["verdict"] == "proved", entries


def test_definitions_in_inline_math_with_line_breaks(tmp_path, capsys):
    # layer labels in brackets (Andrew Ng's notation) are names, not powers
    entries = audit(tmp_path, capsys, r"""
The layer is $A^{[i]} = \sigma(Z^{[i]}) \\ Z^{[i]} = W^{[i]}A^{[i-1]} + b^{[i]}$.
""")
    assert [(e["kind"], e["verdict"]) for e in entries] == [("definition", "adopted")] * 2


def test_a_labelled_transpose_is_a_transpose_not_a_power():
    from symderiv.linalg.objects import Tr
    from symderiv.read import read_formula
    part = read_formula(r"\frac{\partial J}{\partial Z^{[i]}} A^{[i-1]T}").parts[0]
    assert [str(t.args[0]) for t in part.atoms(Tr)] == ["A^{[i-1]}"]
    assert not part.atoms(sympy.Pow)


def test_a_claim_before_the_definitions_it_needs(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
The gradient is $\frac{\partial L}{\partial z_j} = y_j - t_j$, where
$y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} t_k \log y_k$, and
$\sum_{k=1}^{K} t_k = 1$.
""")
    # before its definitions the claim is about generic quantities; after them it holds:
    # the readings disagree, so it is never refuted
    assert entries[0]["verdict"] != "refuted", entries[0]


def test_a_vector_definition_beside_its_entries(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
The logits are $\mathbf{o} = \mathbf{W}\mathbf{x} + \mathbf{b}$ and the loss is
$l = -\sum_{j=1}^{q} y_j \log \frac{\exp(o_j)}{\sum_{k=1}^{q} \exp(o_k)}$, so
$\frac{\partial l}{\partial o_j} = \frac{\exp(o_j)}{\sum_{k=1}^{q} \exp(o_k)} - y_j$ when
$\sum_{j=1}^{q} y_j = 1$.
""")
    assert entries[0]["verdict"] == "adopted" and "not used" in entries[0]["reason"]
    claim = next(e for e in entries if e["latex"].startswith(r"\frac{\partial l}"))
    assert claim["verdict"] == "proved", claim   # o is the variable: its definition is not needed


def test_an_identity_in_an_opaque_name_still_holds(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
Let $z = \mathrm{diag}(W) x$ be the logits. Then $\log e^{z} = z$, but not $\log e^{z} = 2z$.
""")
    assert [e["verdict"] for e in entries][1:] == ["proved", "unknown"], entries


def test_a_value_equal_to_an_opaque_name_is_never_refuted(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
Let $y = x^2$ and $g = \mathrm{diag}(W) x$. Then $\frac{\partial y}{\partial x} = g$.
""")
    assert entries[-1]["verdict"] == "unknown", entries


def test_a_negation_elsewhere_in_the_sentence_never_refutes_a_definition(tmp_path, capsys):
    entries = audit(tmp_path, capsys, r"""
We use $L = -\sum_{k=1}^{K} t_k \log y_k$, otherwise the gradient below would be wrong.
""")
    assert entries[0]["verdict"] != "refuted", entries


DENSE = r"""
## Softmax

Given $dA = \frac{\partial L}{\partial a}$, each component is $dZ_k = a_k (dA_k - \sum_j dA_j a_j)$.

## Dense layer

The layer computes $Z = XW + b$. With $dZ = \frac{\partial L}{\partial Z}$, the gradients are
$$dW = X^T dZ$$
$$dX = dZ W^T$$
and, wrongly, $$dX = dZ^T W$$
"""


def test_gradient_names_follow_the_texts_convention(tmp_path, capsys):
    """dW after dZ = ∂L/∂Z is read as ∂L/∂W (shown as the reading), in vector notation; a
    name defined in an earlier section (dZ_k of the softmax) is defined anew in a later one."""
    entries = audit(tmp_path, capsys, DENSE)
    by = {e["latex"].strip(): e for e in entries}
    assert by["dW = X^T dZ"]["verdict"] == "proved", by["dW = X^T dZ"]
    assert "convention" in by["dW = X^T dZ"]["reading"]
    assert by["dX = dZ W^T"]["verdict"] == "proved"
    assert by["dX = dZ^T W"]["verdict"] == "unknown"     # the shapes do not fit
