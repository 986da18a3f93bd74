r"""Probabilities P(y | x) read as opaque quantities: adversarial round 6 (rows p02–p15,
q03–q10, r02, r03 of tests/adversarial/round6/cli_claims.json and the documents d15, d16,
d31, d35, d43) as regression tests.  Nothing sound relates two probabilities of different
events or gives one a value, so "unknown" is right wherever only such a relation decides."""
import json
import pathlib

import pytest

import symderiv
from symderiv.read.formula import read_formula
from symderiv.read.model import LatexError
from symderiv.read.probability import (BARE_DOUBT, inner_names, is_probability_name,
                                       rewrite_probabilities)

ROUND6 = pathlib.Path(__file__).parent / "adversarial" / "round6"
ROWS = {r["id"]: r for r in json.loads((ROUND6 / "cli_claims.json").read_text())}
ADVERSARIAL = ["p02", "p03", "p06", "p07", "p08", "p10", "p11", "p12", "p13", "p14", "p15",
               "q03", "q04", "q05", "q06", "q07", "q08", "q10", "r02", "r03"]
# what must keep being proved (the same rows' correct claims)
KEPT = ["p01", "p04", "p05", "p09", "q01", "q04", "q05", "q07", "r01"]
ALLOWED = {"correct": {"proved", "verified", "unknown"}, "wrong": {"refuted", "unknown"},
           "undetermined": {"unknown"}}


def _name(text):
    out, _ = rewrite_probabilities(text)
    return out


def _check(row_id):
    r = ROWS[row_id]
    return symderiv.check(r["claim"], given=r["given"], where=r["where"])


@pytest.mark.parametrize("row_id", ADVERSARIAL)
def test_no_wrong_verdict_on_the_round6_rows(row_id):
    v = _check(row_id)
    assert v.status in ALLOWED[ROWS[row_id]["label"]], (ROWS[row_id]["claim"], v.status)


@pytest.mark.parametrize("row_id", KEPT)
def test_what_probabilities_decide_is_kept(row_id):
    assert _check(row_id).status == "proved", ROWS[row_id]["claim"]


@pytest.mark.parametrize("a, b", [
    (r"P(y \mid x; \theta)", r"P(y \mid x; \phi)"),
    (r"P(y \mid x, \alpha)", r"P(y \mid x, \beta)"),
    (r"p(x \mid \mu, \sigma)", r"p(x \mid \nu, \tau)"),
    (r"P(\hat{y} \mid x)", r"P(y \mid x)"),
    (r"P(y \mid \tilde{x})", r"P(y \mid x)"),
    (r"P(\bar{y} \mid x)", r"P(y \mid x)"),
    (r"P(\neg y \mid x)", r"P(y \mid x)"),
    (r"P(y^{2} \mid x)", r"P(y_{2} \mid x)"),
    (r"P(\theta \mid x)", r"P(theta \mid x)"),
    (r"P(\theta x \mid z)", r"P(\thetax \mid z)"),
    (r"P(y = 1 \mid x)", r"P(y = 0 \mid x)"),
    (r"P(y \mid x)", r"P(x)"),
    (r"P(\mathbf{y} \mid x)", r"P(y \mid x)"),
    (r"p(y \mid x)", r"P(y \mid x)"),
])
def test_different_insides_give_different_names(a, b):
    assert _name(a) != _name(b)
    assert is_probability_name(_name(a)) and is_probability_name(_name(b + r" + P(u \mid v)")
                                                                  .split(" + ")[0])


@pytest.mark.parametrize("a, b", [
    (r"P(y_1 \mid x)", r"P(y_{1} \mid x)"),
    (r"P(y \mid x)", r"P\left(y   | x\right)"),
    (r"P(y \mid x; \theta)", r"P(y\mid x;\theta)"),
])
def test_spacing_and_redundant_braces_do_not_matter(a, b):
    assert _name(a) == _name(b)


def test_inner_names_are_what_it_depends_on():
    assert inner_names(_name(r"P(y \mid \mathbf{x}; \theta, w)")) >= {"x", "y", "theta", "w"}
    assert not is_probability_name("P") and inner_names("y") == frozenset()


def test_samples_under_a_sum_are_indexed():
    assert _name(r"\sum_{i=1}^{N} \log P(y_i \mid x_i)").startswith(r"\sum_{i=1}^{N} \log P^{(i)}")
    assert _name(r"\prod_{n} P(y_{n} \mid x_n)").startswith(r"\prod_{n} P^{(n)}")
    assert _name(r"P(y^{(i)} \mid x^{(i)})").startswith("P^{(i)}")    # the sample superscript
    assert not _name(r"\sum_{i=1}^{N} \log P(y \mid x)").count("^{(")  # no index inside
    for unclear in (r"\sum_{i} \sum_{j} \log P(y_{ij} \mid x)",
                    r"\sum_{(x, y) \in D} \log P(y \mid x)"):
        with pytest.raises(LatexError):
            rewrite_probabilities(unclear)


def test_samples_are_not_one_term():
    for row_id in ("r02", "r03"):
        v = _check(row_id)
        assert v.status == "unknown" and "opaque probability" in v.reason


def test_a_derivative_by_a_name_inside_is_undetermined():
    for row_id in ("p11", "p12"):
        v = _check(row_id)
        assert v.status == "unknown" and "depends on w" in v.reason
    v = symderiv.check(r"\frac{\partial L}{\partial w} = 0", given=[r"L = -\log P(y \mid x; w)"])
    assert v.status == "unknown" and "depends on w" in v.reason
    v = symderiv.check(r"\frac{\partial}{\partial \theta} \log P(y \mid x; \theta) = 0")
    assert v.status == "unknown"
    # a name not written inside: the probability does not depend on it
    v = symderiv.check(r"\frac{\partial L}{\partial v} = 0", given=[r"L = -\log P(y \mid x; w)"])
    assert v.status == "proved"


def test_no_counterexample_gives_a_probability_a_value():
    for row_id in ("p06", "p14", "q10", "p10"):
        v = _check(row_id)
        assert v.status == "unknown" and "opaque probability" in v.reason, row_id
        assert v.counterexample is None


def test_probability_without_a_bar_beside_conditional_ones():
    f = read_formula(r"P(y \mid x) P(x) = P(x \mid y) P(y)")
    assert BARE_DOUBT in f.doubts
    assert not any(str(s) in ("P", "x") for p in f.parts for s in p.free_symbols)
    v = _check("p10")
    assert v.status != "refuted" and any(BARE_DOUBT in r.doubts for r in v.readings)
    # the text's own function P keeps its reading; alone, P(x) is not touched
    assert rewrite_probabilities(r"P(y \mid x) P(x)", functions=("P",))[0].endswith("P(x)")
    assert rewrite_probabilities(r"p(a) = e^{w_a}") == (r"p(a) = e^{w_a}", False)


def _audit(name):
    from symderiv.report.audit import audit_document
    return {(r.spec.line, r.spec.latex.strip()): r.verdict.status
            for r in audit_document(next(ROUND6.glob(name + "_*.md")))}


def _at(res, line):
    return [s for (n, _), s in res.items() if n == line]


def test_round6_documents():
    d15 = _audit("d15")
    assert "proved" not in _at(d15, 7) + _at(d15, 10)          # θ and φ: two models
    d16 = _audit("d16")
    assert "refuted" not in _at(d16, 4)                        # P(y|x) + P(¬y|x) = 1
    assert "proved" not in _at(d16, 7) + _at(d16, 9)
    d31 = _audit("d31")
    assert "refuted" not in _at(d31, 4) + _at(d31, 7)          # √(P²) = P, Bayes
    assert "proved" not in _at(d31, 10)                        # ∂/∂w log P(y|x; w) = 0
    d35 = _audit("d35")
    assert _at(d35, 5) == ["adopted"] and _at(d35, 8) == ["proved"]   # two densities
    d43 = _audit("d43")
    assert _at(d43, 4) == ["proved"] and "proved" not in _at(d43, 7)
