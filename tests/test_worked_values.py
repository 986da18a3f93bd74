"""Worked numeric examples: a chain's rounded value is a claim of its own about the chain's
first side; a value refuted there is never carried into a proof or a verification later; a
display holding one formula is given verbatim in the JSON."""
import json
import subprocess
import sys

from symderiv.read.display import approx_tail
from symderiv.report.audit import audit_document

DOC = r"""Let $\text{Sig}(x) = \frac{1}{1 + e^{-x}}$ be the sigmoid.

$$ \begin{aligned} h_1 &= \text{Sig} \left( 0.25 \cdot 2 - 0.5 \right) \\ &= \text{Sig}(0) \\ &\approx %s \\ \end{aligned} $$

Then $$ \begin{aligned} h_2 &= \tanh( %s - 0.5 ) \\ &\approx %s \end{aligned} $$
"""


def _audit(tmp_path, a_value, c_value):
    p = tmp_path / "w.md"
    p.write_text(DOC % (a_value, a_value, c_value))
    return p, list(audit_document(p))


def test_approx_tail_cuts_only_a_chain_that_ends_rounded():
    assert approx_tail(r"a &= b \\ &\approx 0.5") == ("a &= b \\\\", "b \\\\ &\\approx 0.5", "a") \
        or approx_tail(r"a &= b &\approx 0.5")[2] == "a"
    assert approx_tail(r"a \approx 0.5 = b") is None
    assert approx_tail(r"\frac{1}{\log 2} \approx 1.44") is None


def test_rounded_value_is_a_claim_of_its_own(tmp_path):
    _, res = _audit(tmp_path, "0.5000", "0.0")
    tails = [r for r in res if r.spec.id.endswith(".r")]
    assert [r.spec.latex.split("&")[0].strip() for r in tails] == ["\\text{Sig}(0)",
                                                                    "\\tanh( 0.5000 - 0.5 )"]
    assert [r.verdict.status for r in tails] == ["verified", "verified"]


def test_a_wrong_value_is_not_carried_into_later_verdicts(tmp_path):
    # Sig(0) = 0.5, not 0.7311 (= Sig(1)); tanh(0.7311 - 0.5) = 0.2270 holds as arithmetic
    _, res = _audit(tmp_path, "0.7311", "0.2270")
    tails = [r for r in res if r.spec.id.endswith(".r")]
    assert tails[0].verdict.status == "refuted"
    later = [r for r in res if r.spec.line > tails[0].spec.line and r.spec.kind != "mention"
             and "0.7311" in r.spec.latex]
    assert later and all(r.verdict.status == "unknown" for r in later)


def test_rounding_of_a_broken_chain_decides_nothing_about_its_first_side(tmp_path):
    p = tmp_path / "b.md"
    p.write_text("$$ \\begin{aligned} q &= \\frac{\\partial}{\\partial x} x^3 \\\\ &= 2 x^2 "
                 "\\\\ &= 2 \\cdot 1.5^2 \\\\ &\\approx 4.5 \\end{aligned} $$\n")
    res = audit_document(p)
    tail = [r for r in res if r.spec.id.endswith(".r")]
    assert tail and tail[0].verdict.status == "unknown"


def test_one_formula_display_is_verbatim_in_json(tmp_path):
    p = tmp_path / "one.md"
    p.write_text("$$ \\begin{aligned} y &= 2 \\cdot 3 \\\\ &= 6 \\\\ \\end{aligned} $$\n")
    out = subprocess.run([sys.executable, "-m", "symderiv", "audit", str(p), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    rec = json.loads(out.stdout)[0]
    assert rec["latex"] == "\\begin{aligned} y &= 2 \\cdot 3 \\\\ &= 6 \\\\ \\end{aligned}"


def test_a_function_the_text_defines_is_not_a_catalogue_guess():
    import symderiv
    given = [r"\text{Sig}(x) = \frac{1}{1 + e^{-x}}"]
    assert symderiv.check(r"\text{Sig}(0) \approx 0.7311", given=given).status == "refuted"
    assert symderiv.check(r"\text{Sig}(0) \approx 0.7311").status == "unknown"   # a guess
