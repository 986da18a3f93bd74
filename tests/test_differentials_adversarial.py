"""Adversarial round 6 on the differential notation (tests/adversarial/round6/): NumPy
gradient names, prose that holds a name fixed, an integral's dx, and whole-vector
definitions checked in vector notation.  Each case is never given a wrong verdict; a claim
whose readings disagree is unknown and names each reading."""
from pathlib import Path

import pytest

import symderiv
from symderiv.read import Notation
from symderiv.report.audit import audit_document

ROUND6 = Path(__file__).parent / "adversarial" / "round6"
HOLDS = {"proved", "verified"}


def _audit(name):
    out = {}
    for r in audit_document(ROUND6 / name, timeout=20):
        if r.spec.kind != "mention":
            out.setdefault(r.spec.line, r.verdict)
    return out


def test_numpy_gradient_names_are_not_refuted_as_differentials():
    # d23: "Given the upstream gradient dZ", Z = WX + b: dW = dZ X^T, dX = W^T dZ hold as
    # gradients (dZ = dL/dZ); read as differentials they fail: unknown, both readings named
    v = _audit("d23_numpy_grads.md")
    assert v[4].status == "adopted"            # the definition is read, not "unparsed"
    for line in (7, 8):
        # the prose calls dZ a gradient: the d-names are the text's gradients (dW defined
        # as the layer's rule, adopted), never differentials refuted
        # (or proved through the text's gradient names, the reading said: gradient_names.py)
        assert v[line].status in ("adopted", "unknown", "proved"), (line, v[line].status,
                                                                    v[line].reason)
        if v[line].status == "proved":
            assert "holds with" in v[line].reason and "dZ read as ∂L/∂Z" in v[line].reason
        if v[line].status == "unknown":
            assert "gradients" in v[line].reason and "differentials" in v[line].reason
    # d24: dA the gradient of the loss w.r.t. A; dZ = dA ⊙ (1 − A ⊙ A), dW = dZ X^T
    v = _audit("d24_numpy_grads_act.md")
    assert v[4].status == "adopted" and v[5].status == "adopted"
    for line in (8, 9):
        assert v[line].status != "refuted", (line, v[line].reason)


def test_gradient_reading_decided_beside_the_differential_one():
    nt = Notation(differentials=("W", "X", "Z"))
    v = symderiv.check("dW = dZ X^T", given=["Z = W X + b"], notation=nt, timeout=60)
    assert v.status == "unknown"
    assert "NumPy convention), not differentials): proved" in v.reason
    assert "read as differentials" in v.reason and "refuted" in v.reason
    # a slip (2 dZ X^T) holds in neither reading: never proved
    v = symderiv.check("dW = 2 dZ X^T", given=["Z = W X + b"], notation=nt, timeout=60)
    assert v.status == "unknown" and "not differentials): proved" not in v.reason
    assert v.reason.count("refuted") == 2          # both differential readings refuted


def test_prose_holding_a_name_fixed_is_no_refutation():
    # d28: z = Wx; "Holding W fixed, dz = W dx", "holding x fixed instead, dz = dW x"
    v = _audit("d28_diff_fixed.md")
    assert v[4].status == "adopted"
    for line, fixed in ((7, "W"), (10, "x")):   # the sentence's "holding $W$ fixed": dW = 0
        assert v[line].status == "proved", (line, v[line].reason)
        assert f"{fixed} held fixed" in v[line].reason


def test_names_held_fixed_by_a_condition_dW_0():
    # the prose's "holding W fixed" put as the condition dW = 0 for the formula
    nt = Notation(differentials=("W", "x", "z"))
    v = symderiv.check("dz = W dx", given=["z = W x"], where=["dW = 0"], notation=nt,
                       timeout=60)
    assert v.status == "proved" and "W held fixed" in v.reason
    v = symderiv.check("dz = dW x", given=["z = W x"], where=["dx = 0"], notation=nt,
                       timeout=60)
    assert v.status == "proved"
    # the prose holds W fixed, the formula writes dW: not clear, never decided
    v = symderiv.check("dz = dW x", given=["z = W x"], where=["dW = 0"], notation=nt,
                       timeout=60)
    assert v.status == "unknown" and "holds fixed" in v.reason
    # with W and x both varying (the text writes both, the formula too): decided
    assert symderiv.check("dz = dW x + W dx", given=["z = W x"], notation=nt,
                          timeout=60).status == "proved"
    v = symderiv.check("dz = dW x - W dx", given=["z = W x"], notation=nt, timeout=60)
    assert v.status == "refuted" and v.counterexample is not None


def test_integral_dx_does_not_refute():
    # d45: R = ∫ L p(x) dx, then "with x and t fixed, de = dW x"
    nt = Notation(differentials=("L", "W", "e", "x"), inner_colon=True, matrices=("e",))
    v = symderiv.check("de = dW x", given=["e = W x - t"], notation=nt, timeout=60)
    assert v.status == "unknown"
    assert "only the names whose differential this formula writes vary (dW)" in v.reason
    assert "proved" in v.reason


@pytest.mark.parametrize("name, lines", [
    ("d39_frobenius_ls.md", {8: HOLDS, 9: HOLDS}),
    ("d40_softmax_diff.md", {8: HOLDS, 9: HOLDS}),
])
def test_clear_differential_texts_stay_decided(name, lines):
    v = _audit(name)
    for line, want in lines.items():
        assert v[line].status in want, (line, v[line].status, v[line].reason)


def test_whole_vector_definition_checked_in_vector_notation():
    # z = Wx: capitals side by side give two readings; the vector one is checked against
    # the definition read the same way (it was "defined with 0 indices, used with 1")
    for text in ("z = W x", "Z = W X + b"):
        v = symderiv.check(text, given=[text], timeout=60)
        assert v.status == "proved", (text, v.reason)
        assert any("vector notation" in d for r in v.readings for d in r.doubts)
