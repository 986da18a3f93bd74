"""Vectors as ML texts write them: bare names beside definitions of their entries (NumPy habit),
functions of a whole vector defined through one entry (Softmax(x_i) = ...), the largest entry
max(x) of a stable softmax, gradient names (dA = ∂L/∂a) and names defined in the prose
("where $a_i$ is $\\text{Softmax}(z_i)$").  Labels by hand, re-derived in SymPy at fixed sizes."""

import pytest
import sympy

from symderiv import check
from tests.test_document_soundness import audit

MSE = r"L_{MSE} = \frac{1}{N} \sum_{i=1}^{N} (y_{pred_i} - y_{true_i})^2"
CE_I = r"L_i = - \sum_{c=1}^{C} y_{true_{ic}} \log(y_{pred_{ic}})"
SOFTMAX_ENTRY = r"\text{Softmax}(x_i) = \frac{e^{x_i}}{\sum_{j} e^{x_j}}"
STABLE = r"\text{Softmax}(x_i) = \frac{e^{x_i - \max(x)}}{\sum_{j} e^{x_j - \max(x)}}"


@pytest.mark.parametrize("claim,given,status", [
    # bare vector names: read entry by entry (with the doubt shown), never as free scalars
    (r"\frac{\partial L_{MSE}}{\partial y_{pred}} = \frac{2}{N} (y_{pred} - y_{true})", [MSE], "proved"),
    (r"\frac{\partial L_{MSE}}{\partial y_{pred}} = \frac{2}{N} (y_{pred} - y_{true})", [MSE, CE_I], ("proved", "verified")),
    # a wrong factor: the entrywise reading is a doubt, so never refuted through it
    (r"\frac{\partial L_{MSE}}{\partial y_{pred}} = \frac{3}{N} (y_{pred} - y_{true})", [MSE], "unknown"),
    # which L? L_i is defined entry by entry: not decided
    (r"\frac{\partial L}{\partial y_{pred}} = - \frac{y_{true}}{y_{pred}}", [CE_I], "unknown"),
    # a function of the whole vector defined through one entry, applied to another vector
    (r"a_k = \frac{e^{z_k}}{\sum_j e^{z_j}}", [SOFTMAX_ENTRY, r"a_i = \text{Softmax}(z_i)"], "proved"),
    (r"a_k = \frac{e^{z_1}}{\sum_j e^{z_j}}", [SOFTMAX_ENTRY, r"a_i = \text{Softmax}(z_i)"], "refuted"),
    (r"\frac{\partial a_i}{\partial z_j} = a_i(\delta_{ij} - a_j)", [STABLE, r"a_i = \text{Softmax}(z_i)"], "proved"),
    (r"\frac{\partial a_i}{\partial z_j} = a_i \delta_{ij}", [STABLE, r"a_i = \text{Softmax}(z_i)"], "refuted"),
    # the catalogue softmax applied to one entry: the entry of softmax(z)
    (r"\mathrm{softmax}(z_j) = \frac{e^{z_j}}{\sum_k e^{z_k}}", [], "proved"),
    # max(x) of a vector is its largest entry, never x itself
    (r"\max(x) = x", [], "unknown"),
])
def test_vectors_written_bare(claim, given, status):
    assert check(claim, given).status in ((status,) if isinstance(status, str) else status)


def test_a_false_entry_of_softmax_is_never_proved():
    assert check(r"\mathrm{softmax}(z_j) = 1").status != "proved"


def test_the_largest_entry_is_read_only_where_it_cancels():
    from symderiv.notation import NotationError
    with pytest.raises(NotationError):
        check(r"\frac{\partial u_i}{\partial x_j} = \delta_{ij}", [r"u_i = x_i - \max(x)"])


def test_labels_independently():
    """MSE at N = 3 entrywise; the max-shifted softmax equals the plain one (K = 3)."""
    p, t = sympy.symbols("p1:4"), sympy.symbols("t1:4")
    loss = sum((a - b) ** 2 for a, b in zip(p, t)) / 3
    assert sympy.simplify(sympy.diff(loss, p[0]) - sympy.Rational(2, 3) * (p[0] - t[0])) == 0
    z, m = sympy.symbols("z1:4"), sympy.Symbol("m")
    shifted = sympy.exp(z[0] - m) / sum(sympy.exp(v - m) for v in z)
    assert sympy.simplify(shifted - sympy.exp(z[0]) / sum(map(sympy.exp, z))) == 0
    a = [sympy.exp(v) / sum(map(sympy.exp, z)) for v in z]
    assert sympy.simplify(sympy.diff(a[0], z[1]) + a[0] * a[1]) == 0


DOC = r"""## Softmax

The Softmax function for an input vector $x$ with elements $x_i$ is defined as:
$$
\text{Softmax}(x_i) = \frac{e^{x_i - \max(x)}}{\sum_{j} e^{x_j - \max(x)}}
$$

### Backward Pass
Given the gradient of the loss $L$ w.r.t the Softmax output $a$ (denoted as $dA = \frac{\partial L}{\partial a}$), this computes the gradient of the loss w.r.t the Softmax input $z$ (denoted as $dZ = \frac{\partial L}{\partial z}$). For each component:
$$
dZ_k = a_k \left( dA_k - \sum_j dA_j \cdot a_j \right)
$$
and a wrong one:
$$
dZ_k = a_k dA_k
$$
Where $a_i$ is $\text{Softmax}(z_i)$.
"""


def test_gradient_names_and_a_definition_in_the_prose(tmp_path, capsys):
    recs = audit(tmp_path, capsys, DOC)
    by = {r["latex"].strip(): r for r in recs}
    right = by[r"dZ_k = a_k \left( dA_k - \sum_j dA_j \cdot a_j \right)"]
    assert right["verdict"] == "proved", right
    wrong = by[r"dZ_k = a_k dA_k"]
    assert wrong["verdict"] in ("refuted", "unknown"), wrong   # never proved
    prose = by[r"a_i = \text{Softmax}(z_i)"]
    assert prose["kind"] == "definition"


def test_a_prose_definition_needs_a_whole_formula():
    from symderiv.read.prose import prose_definitions
    assert prose_definitions(r"where $a_i$ is $\sigma(z_i)$, the activation") == \
        [(6, 1, r"a_i = \sigma(z_i)")]
    assert prose_definitions(r"where $a_i$ is $2$ times the input") == []
    assert prose_definitions(r"where $N$ is the batch size") == []


# -- readings typed by the document ------------------------------------------------------------
def test_argmax_as_an_operator_is_not_read_as_a_product():
    # an operator with its index (symderiv.extrema), never the product argmax·ŷ_j; with ŷ
    # undefined nothing is decided
    from symderiv.extrema import ArgMax
    from symderiv.read import read_formula
    parts = read_formula(r"\operatorname*{argmax}_j \hat y_j = \operatorname*{argmax}_j o_j").parts
    assert all(isinstance(p, ArgMax) for p in parts)
    assert check(r"\operatorname*{argmax}_j \hat y_j = \operatorname*{argmax}_j o_j").status \
        == "unknown"


def test_a_cost_of_the_parameters_is_a_definition(tmp_path, capsys):
    recs = audit(tmp_path, capsys, r"The cost is $$\mathcal{J}(W, b) = \frac{1}{m} \sum_{i = 1}^{m}"
                                   r" \mathcal{L}(\hat{y}_i, y_i)$$")
    cost = [r for r in recs if "mathcal{J}" in r["latex"]][0]
    assert cost["kind"] == "definition" and cost["verdict"] == "adopted", cost


NUMERIC = r"""A neural network with a ReLU hidden unit and a sigmoid output unit.

$$ \begin{aligned} O_2 &= \text{Sig} \left( -2 \right) \\ &\approx 0.8808 \\ \end{aligned} $$

$$ \begin{aligned} O_4 &= \text{Sig} \left( 2 \right) \\ &\approx 0.8808 \\ \end{aligned} $$
"""


def test_sig_in_a_text_about_networks_is_the_sigmoid(tmp_path, capsys):
    """Sig(−2) = 1/(1 + e^2) ≈ 0.1192, Sig(2) ≈ 0.8808 (checked below in SymPy)."""
    assert abs(float(1 / (1 + sympy.exp(2))) - 0.1192) < 1e-4
    assert abs(float(1 / (1 + sympy.exp(-2))) - 0.8808) < 1e-4
    recs = audit(tmp_path, capsys, NUMERIC)
    # each chain's rounded value is a record of its own (written from its last exact side)
    o2 = [r for r in recs if "-2 \\right) &\\approx" in r["latex"]][0]
    o4 = [r for r in recs if "( 2 \\right) &\\approx" in r["latex"]][0]
    assert o2["verdict"] == "refuted", o2
    assert o4["verdict"] == "verified", o4


def test_sig_elsewhere_keeps_its_doubt():
    from symderiv.read.prose import confirmed_vocabulary
    assert confirmed_vocabulary("the signal Sig of the filter") == ()


def test_a_defined_number_against_another_number():
    """O_2 = Sig(0.4) (the text's definition) against 1/(1 + e^2): different numbers."""
    assert sympy.N(1 / (1 + sympy.exp(-sympy.Rational(2, 5))) - 1 / (1 + sympy.exp(2))) > 0.4
    v = check(r"O_2 = \frac{1}{1 + e^{2}}", [r"O_2 = \frac{1}{e^{- \frac{2}{5}} + 1}"],
              [r"x_1 = 6"])
    assert v.status == "refuted", v


def test_a_value_given_to_an_undefined_name_is_not_refuted():
    """p(C=1 | x) = O_3 where O_3 is a number the text defines and nothing defines p."""
    v = check(r"p\left(C=1 | x; w,b\right) = O_3", [r"O_3 = \frac{1}{1+e^{-1}}"])
    assert v.status == "unknown", v


# -- the i-th sample x^{(i)} under \sum_i ------------------------------------------------------
@pytest.mark.parametrize("claim,given,status", [
    # once a label of its own, x^{(i)} made this "proved": the sum of N equal terms
    (r"\sum_{i=1}^{N} x^{(i)} y^{(i)} = \sum_{n=1}^{N} x_n y_n", [], "proved"),
    (r"\sum_{i=1}^{N} x^{(i)} y^{(i)} = N x_1 y_1", [], "refuted"),
    (r"\frac{\partial L}{\partial \hat{y}_j} = \frac{2}{N}(\hat y_j - y_j)",
     [r"L = \frac{1}{N}\sum_{i=1}^{N} (\hat{y}^{(i)} - y^{(i)})^2"], "proved"),
    (r"\frac{\partial L}{\partial \hat{y}_j} = 2(\hat y_j - y_j)",
     [r"L = \frac{1}{N}\sum_{i=1}^{N} (\hat{y}^{(i)} - y^{(i)})^2"], "refuted"),
])
def test_a_sample_index_under_a_sum(claim, given, status):
    assert check(claim, given).status == status


def test_a_sample_index_independently():
    """At N = 2: Σ x_i y_i ≠ 2 x_1 y_1 (x = (1, 0), y = (1, 1)); ∂/∂ŷ_1 of the mean square."""
    assert 1 * 1 + 0 * 1 != 2 * 1 * 1
    yh, y = sympy.symbols("h1:3"), sympy.symbols("y1:3")
    loss = sum((a - b) ** 2 for a, b in zip(yh, y)) / 2
    assert sympy.simplify(sympy.diff(loss, yh[0]) - (yh[0] - y[0])) == 0


# -- w^T x_i: the i-th sample vector -------------------------------------------------------------
SIG = r"s(x) =\frac{1}{e^{-x}+1}"


@pytest.mark.parametrize("claim,given,status", [
    (r"\frac{\partial s(w^Tx_i)}{\partial w} = x_i(1 - s(w^Tx_i))s(w^Tx_i)", [SIG], "verified"),
    (r"\frac{\partial s(w^Tx_i)}{\partial w} = x_i s(w^Tx_i) s(-w^Tx_i)", [SIG], "proved"),
    (r"\frac{\partial s(w^Tx_i)}{\partial w} = x_i s(w^Tx_i)", [SIG], "refuted"),
    # the exponential of a whole sum is one atom of the exact evaluation (Σ_k ≡ Σ_m)
    (r"\frac{\partial L}{\partial w_j} = x_j (1 - \frac{1}{1+e^{-\sum_k w_k x_k}}) "
     r"\frac{1}{1+e^{-\sum_m w_m x_m}}", [r"L = \frac{1}{1+e^{-\sum_k w_k x_k}}"], "verified"),
    (r"\frac{\partial L}{\partial w_j} = x_j \frac{1}{1+e^{-\sum_m w_m x_m}}",
     [r"L = \frac{1}{1+e^{-\sum_k w_k x_k}}"], "refuted"),
])
def test_samples_beside_a_transposed_vector(claim, given, status):
    assert check(claim, given).status == status


def test_samples_beside_a_transposed_vector_independently():
    """n = 2: ∂σ(w·x)/∂w_1 = x_1 σ(1 − σ), and ≠ x_1 σ at w = 0, x = (1, 1)."""
    w, x = sympy.symbols("w1:3"), sympy.symbols("x1:3")
    u = w[0] * x[0] + w[1] * x[1]
    sig = 1 / (1 + sympy.exp(-u))
    assert sympy.simplify(sympy.diff(sig, w[0]) - x[0] * sig * (1 - sig)) == 0
    at = {w[0]: 0, w[1]: 0, x[0]: 1, x[1]: 1}
    assert sympy.diff(sig, w[0]).subs(at) != (x[0] * sig).subs(at)


@pytest.mark.parametrize("claim,status", [
    # the logistic-regression gradient in vector form: w^T x is a number, y a label
    (r"\frac{\partial L}{\partial w} = (s(w^Tx) - y) x", "verified"),
    (r"\frac{\partial L}{\partial w} = (s(w^Tx) + y) x", "refuted"),
])
def test_an_inner_product_is_a_number(claim, status):
    given = [r"L = -(y\log(s(w^Tx)) + (1-y)\log(1-s(w^Tx)))", SIG]
    assert check(claim, given).status == status


def test_a_transposed_vector_is_never_read_as_a_number():
    assert check(r"x \odot y = x^T y").status == "unknown"


# -- cases on indices, and a matrix the text calls the Jacobian --------------------------------
SOFTMAX_A = r"a_i = \frac{e^{z_i}}{\sum_{k} e^{z_k}}"


@pytest.mark.parametrize("claim,status", [
    (r"\frac{\partial a_{i}}{\partial z_{j}} = \begin{cases} a_i (1 - a_i) & \text{if } i = j \\ "
     r"-a_i a_j & \text{if } i \neq j \end{cases}", "proved"),
    (r"\frac{\partial a_{i}}{\partial z_{j}} = \begin{cases} a_i (1 + a_i) & \text{if } i = j \\ "
     r"-a_i a_j & \text{if } i \neq j \end{cases}", "refuted"),
    (r"\frac{\partial a_{i}}{\partial z_{j}} = \begin{cases} -a_i a_j & \text{if } i \neq j \\ "
     r"a_i (1 - a_i) & \text{otherwise} \end{cases}", "proved"),
])
def test_cases_on_indices(claim, status):
    assert check(claim, [SOFTMAX_A]).status == status


def test_cases_on_indices_independently():
    """K = 2: ∂a_1/∂z_1 = a_1(1 − a_1) ≠ a_1(1 + a_1) at z = 0 (1/4 against 3/4)."""
    z = sympy.symbols("z1:3")
    a = [sympy.exp(v) / sum(map(sympy.exp, z)) for v in z]
    assert sympy.simplify(sympy.diff(a[0], z[0]) - a[0] * (1 - a[0])) == 0
    at = {z[0]: 0, z[1]: 0}
    assert sympy.diff(a[0], z[0]).subs(at) == sympy.Rational(1, 4)
    assert (a[0] * (1 + a[0])).subs(at) == sympy.Rational(3, 4)


JACOBIAN = r"""The softmax $a_i = \frac{e^{z_i}}{\sum_k e^{z_k}}$ has a `derivative` method that computes
the Jacobian matrix $J$ with elements $J_{ij}$:
$$
J_{ij} = \begin{cases} a_i (1 - a_i) & \text{if } i = j \\ -a_i a_j & \text{if } i \neq j \end{cases}
$$

And the same by mistake: the Jacobian matrix $G$ with elements
$$
G_{ij} = \begin{cases} a_i (1 + a_i) & \text{if } i = j \\ -a_i a_j & \text{if } i \neq j \end{cases}
$$
"""


def test_a_matrix_the_text_calls_the_jacobian(tmp_path, capsys):
    recs = audit(tmp_path, capsys, JACOBIAN)
    j = [r for r in recs if r["latex"].startswith("J_{ij} =")][0]
    g = [r for r in recs if r["latex"].startswith("G_{ij} =")][0]
    assert j["verdict"] == "proved" and "Jacobian" in j["reading"], j
    assert g["verdict"] in ("unknown", "refuted") and g["verdict"] != "proved", g


def test_lowercase_vectors_are_never_made_numbers_to_fit():
    """x ⊙ y = x y fits only if x and y are 1×1: not decided, never proved."""
    assert check(r"x \odot y = x y").status == "unknown"
