"""An adversarial round of vector and matrix claims, written independently of the reader: each
truth comes from explicit SymPy matrices at several distinct sizes (tests/adversarial/), never
from symderiv.  symderiv may leave a claim undecided; it may never decide one wrongly."""
import pytest

from adversarial.matrix_cases import CASES
from adversarial.matrix_truth import truth

from symderiv import check
from symderiv.read import LatexError
from symderiv.notation import NotationError


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_no_wrong_verdict(case):
    t = truth(case)
    try:
        v = check(case["claim"], given=case["given"], where=case["where"])
    except (LatexError, NotationError):
        return                                   # bad input: undecided, never wrong
    assert "internal error" not in (v.reason or ""), v
    if t == "TRUE":
        assert v.status != "refuted", v
    else:                                        # false, or shapes that do not fit
        assert v.status not in ("proved", "verified"), v
    if v.status == "refuted":
        assert v.counterexample is not None
