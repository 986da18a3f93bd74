"""The matrix reader on vector/matrix notation: symderiv must never give a wrong verdict.

tests/data/matrix_claims.json holds claims in matrix notation (transposes, ⊙, diag, layer
gradients, softmax/sigmoid/tanh Jacobians, MSE) with ``truth`` true / false / null (null: the
shapes do not fit). Every label is re-derived independently of symderiv, on explicit SymPy
matrices at several distinct sizes, by scripts/verify_matrix_claims.py.

Soundness: a false or shape-misfit claim is never ``proved``/``verified`` (nor ``adopted``);
a true claim is never ``refuted``; a refutation carries a counterexample. ``unknown`` and a
refusal of the notation (SymderivError) are allowed.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import symderiv
from symderiv.notation import SymderivError

TABLE = Path(__file__).parent / "data" / "matrix_claims.json"
CASES = json.loads(TABLE.read_text(encoding="utf-8"))
HOLDS = ("proved", "verified", "adopted")


def _run(case):
    try:
        return symderiv.check(case["claim"], given=case["given"], timeout=20)
    except SymderivError as err:   # the reader refused the notation: undecided, not wrong
        return err


def _wrong(case, v) -> bool:
    if isinstance(v, Exception):
        return False
    if case["truth"] is True:
        return v.status == "refuted"
    return v.status in HOLDS   # false, or shapes that do not fit


def _right(case, v) -> bool:
    if isinstance(v, Exception):
        return False
    return {True: v.status in ("proved", "verified"), False: v.status == "refuted",
            None: v.status == "unknown"}[case["truth"]]


def _detail(case, v) -> str:
    if isinstance(v, Exception):
        return f"{case['id']}: bad input: {v}"
    return (f"{case['id']}\n  claim: {case['claim']}\n  given: {case['given']}\n"
            f"  truth: {case['truth']} ({case['why']})\n  symderiv: {v.status} — read as "
            f"{v.read_as!r}; {v.reason or ''}\n  counterexample: {v.counterexample}")


def test_table_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    for c in CASES:
        assert set(c) == {"id", "claim", "given", "truth", "why", "sizes"}, c["id"]
        assert c["truth"] in (True, False, None), c["id"]
        assert isinstance(c["given"], list) and isinstance(c["sizes"], dict), c["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_verdict_is_sound(case):
    v = _run(case)
    if isinstance(v, Exception):
        pytest.skip(f"bad input (counts as unknown): {v}")
    assert not _wrong(case, v), _detail(case, v)
    if v.status == "refuted":
        assert v.counterexample is not None, _detail(case, v)


def test_summary():
    right, wrong, undecided = [], [], []
    for case in CASES:
        v = _run(case)
        (wrong if _wrong(case, v) else right if _right(case, v) else undecided).append((case, v))
    print(f"\nmatrix claims: {len(CASES)} rows, {len(right)} right, {len(wrong)} wrong, "
          f"{len(undecided)} undecided")
    misfit_refuted = [(c, v) for c, v in undecided if c["truth"] is None
                      and not isinstance(v, Exception) and v.status == "refuted"]
    print(f"  (of the undecided, {len(misfit_refuted)} are shape misfits that were refuted: "
          f"allowed, but not the expected 'unknown')")
    for case, v in undecided:
        status = "bad input" if isinstance(v, Exception) else v.status
        print(f"  undecided {case['id']} (truth {case['truth']}): {status}")
    for case, v in wrong:
        print("  WRONG " + _detail(case, v))
    assert not wrong, "\n".join(_detail(c, v) for c, v in wrong)
