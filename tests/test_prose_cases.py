"""Case conditions of the prose: a case named as the contrast ("unlike the case $i = j$",
"except when $i = j$") is the other case; a size stated alone in its sentence ("the batch has
two examples, $N = 2$.") holds for what follows in its section, not only for its sentence."""
import pytest

from symderiv.report.audit import audit_document

SOFTMAX = r"$p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$"


def _claims(tmp_path, text):
    p = tmp_path / "d.md"
    p.write_text(text)
    return {r.spec.latex: r for r in audit_document(p) if r.spec.kind == "claim"}


@pytest.mark.parametrize("lead, rhs, status", [
    ("Unlike the case $i = j$ treated above, the derivative is", "-p_i p_j", "proved"),
    ("Unlike the case $i = j$ treated above, the derivative is", "p_i(1 - p_j)", "refuted"),
    ("Except when $i = j$, the Jacobian entry is", "-p_i p_j", "proved"),
    ("In contrast to the case $i \\neq j$, the entry is", "p_i(1 - p_i)", "proved"),
    ("For the case $i = j$, the entry is", "-p_i p_j", "refuted"),
])
def test_contrasted_case_is_the_other_case(tmp_path, lead, rhs, status):
    claims = _claims(tmp_path, f"With {SOFTMAX}:\n{lead} "
                               f"$\\frac{{\\partial p_i}}{{\\partial z_j}} = {rhs}$.\n")
    [r] = [r for k, r in claims.items() if k.startswith("\\frac")]
    assert r.verdict.status == status, r.verdict.reason


def test_size_stated_alone_holds_for_the_next_sentence(tmp_path):
    claims = _claims(tmp_path, "## Batch\n\nHere the batch has two examples, $N = 2$. With "
                               "$L = \\frac{1}{N}\\sum_{n=1}^{N} (y_n - t_n)^2$ the gradient is "
                               "$\\frac{\\partial L}{\\partial y_n} = y_n - t_n$, not "
                               "$\\frac{\\partial L}{\\partial y_n} = 2(y_n - t_n)$.\n")
    assert claims["\\frac{\\partial L}{\\partial y_n} = y_n - t_n"].verdict.status == "proved"
    assert claims["\\frac{\\partial L}{\\partial y_n} = 2(y_n - t_n)"].verdict.status == "refuted"


def test_a_case_in_its_own_sentence_still_applies_to_it(tmp_path):
    claims = _claims(tmp_path, "For $L = \\frac{1}{T}(y - t)^2$ the derivative "
                               "$\\frac{\\partial L}{\\partial y} = 2(y - t)$ is only right when $T = 1$.\n")
    [r] = claims.values()
    assert r.verdict.status == "proved" and "T = 1" in " ".join(r.spec.where)


def test_a_case_on_letters_the_formula_does_not_write_is_not_its_case(tmp_path):
    """"In particular $∂ℓ_i/∂z_i = 1 − p_i$, and for $j \\neq i$ ... $∂ℓ_i/∂z_j = −p_i$ is
    wrong": the case j ≠ i is the next clause's, not a case of ∂ℓ_i/∂z_i."""
    claims = _claims(tmp_path, "Define $\\ell_i = z_i - \\log \\sum_{j=1}^{K} e^{z_j}$ and "
                               f"{SOFTMAX.replace('p_i', 'p_i', 1)}.\nIn particular "
                               "$\\frac{\\partial \\ell_i}{\\partial z_i} = 1 - p_i$, and for "
                               "$j \\neq i$ the answer $\\frac{\\partial \\ell_i}{\\partial z_j} = "
                               "-p_i$ is wrong.\n")
    first = claims["\\frac{\\partial \\ell_i}{\\partial z_i} = 1 - p_i"]
    assert first.verdict.status == "proved" and not first.spec.where
    assert claims["\\frac{\\partial \\ell_i}{\\partial z_j} = -p_i"].verdict.status == "refuted"


def test_true_labels_of_a_softmax_cross_entropy_sum_to_one(tmp_path):
    text = ("We use the softmax $p_j = \\frac{e^{z_j}}{\\sum_{k=1}^{K} e^{z_k}}$ and the "
            "cross-entropy with respect to the true labels $y$, "
            "$L = -\\sum_{k=1}^{K} y_k \\log p_k$. Then "
            "$\\frac{\\partial L}{\\partial z_j} = p_j - y_j$.\n")
    claims = _claims(tmp_path, text)
    v = claims["\\frac{\\partial L}{\\partial z_j} = p_j - y_j"].verdict
    assert v.status == "proved" and "softmax cross-entropy" in v.reason
    # without the softmax cross-entropy's labels, the same claim needs the condition
    claims = _claims(tmp_path, text.replace("the true labels", "the vector"))
    assert claims["\\frac{\\partial L}{\\partial z_j} = p_j - y_j"].verdict.status == "refuted"
