"""Vector claims under stated conditions, with declared shapes (one contradicting the model)
and over samples (issue 12; tests/adversarial/matrix_conditions_cases.py): each truth from
explicit SymPy matrices, never from symderiv.  symderiv may leave a claim undecided; it may
never decide one wrongly, and the verdicts it reaches today are kept (``decided``)."""
import pytest

from adversarial.matrix_conditions_cases import CASES
from adversarial.matrix_truth import truth

from symderiv import check
from symderiv.notation import SymderivError

TRUTH = {"proved": "TRUE", "verified": "TRUE", "refuted": ("FALSE", "NULL")}


@pytest.mark.slow
def test_labels():
    """The table's own labels: an id ending -T is true, -F false or misfit."""
    for case in CASES:
        t = truth(case)
        assert (t == "TRUE") == case["id"].endswith("-T"), (case["id"], t)
        if case["decided"]:
            want = TRUTH[case["decided"]]
            assert t in want if isinstance(want, tuple) else t == want, (case["id"], t)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_no_wrong_verdict(case):
    t = truth(case)
    try:
        v = check(case["claim"], given=case["given"], where=case["where"], timeout=60)
    except SymderivError:
        assert case["decided"] is None
        return
    assert "internal error" not in (v.reason or ""), v
    if t == "TRUE":
        assert v.status != "refuted", v
    else:
        assert v.status not in ("proved", "verified"), v
    if v.status == "refuted":
        assert v.counterexample is not None, v
    if case["decided"]:
        assert v.status == case["decided"], v


BY_ID = {c["id"]: c for c in CASES}


@pytest.mark.parametrize("key", ["ce-sum1-T", "ce-sum1-F", "slip-dW-F", "slip-dWchain-T",
                                 "samples-lsq-T"])
def test_kept_verdicts(key):
    """A few of the table's verdicts, fast (their labels are re-derived by test_labels)."""
    case = BY_ID[key]
    v = check(case["claim"], given=case["given"], where=case["where"], timeout=60)
    want = case["decided"] or ("proved", "verified") if key.endswith("-T") else "refuted"
    assert v.status in (want if isinstance(want, tuple) else (want,)), v
    if key.startswith("slip"):      # b ∈ R^n set aside, and said
        assert "set aside" in v.reason, v
    if key.startswith("ce"):        # decided under the condition, which is said
        assert v.conditions, v
