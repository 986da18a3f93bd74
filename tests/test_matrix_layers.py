"""Vector/matrix claims over the layers of issue 12 (softmax, sigmoid with binary
cross-entropy, tanh, log-softmax with NLL, layer normalisation, batched linear layers,
scaled dot-product attention, Huber, MSE, and the notation they use): symderiv must never
give a wrong verdict, should decide at least 90 %, and must show for a vector claim its
index form, the layout it was read in and, for a refutation, the sizes and entries.

tests/data/matrix_layers.json: ``truth`` true / false / null (null: no layout fits),
``fits`` / ``holds``: the layouts (denominator, numerator, mixed = Jacobians in numerator
layout and gradients in denominator layout) whose shapes fit / in which the claim holds, all
from explicit SymPy matrices at sizes 2 and 3 (tests/adversarial/matrix_layers_cases.py,
matrix_layers_truth.py; the slow test re-derives every label).
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

import symderiv
from symderiv.notation import SymderivError

TABLE = Path(__file__).parent / "data" / "matrix_layers.json"
CASES = json.loads(TABLE.read_text(encoding="utf-8"))
BY_ID = {c["id"]: c for c in CASES}
HOLDS = ("proved", "verified", "adopted")
NAMES = {"denominator": "denominator layout", "numerator": "numerator layout",
         "mixed": "mixed layout"}


@lru_cache(maxsize=None)
def _run(case_id):
    case = BY_ID[case_id]
    try:
        return symderiv.check(case["claim"], given=case["given"], where=case["where"],
                              timeout=20)
    except SymderivError as err:   # the reader refused the notation: undecided, not wrong
        return err


def _wrong(case, v) -> bool:
    if isinstance(v, Exception):
        return False
    if case["truth"] is True:
        return v.status == "refuted"
    return v.status in HOLDS       # false, or no layout fits


def _right(case, v) -> bool:
    if isinstance(v, Exception):
        return False
    return {True: v.status in ("proved", "verified"), False: v.status == "refuted",
            None: v.status == "unknown"}[case["truth"]]


def _text(v) -> str:
    return " ".join(filter(None, (v.method, v.reason, str(v.counterexample or ""))))


def _detail(case, v) -> str:
    if isinstance(v, Exception):
        return f"{case['id']}: bad input: {v}"
    return (f"{case['id']}\n  claim: {case['claim']}\n  given: {case['given']} where "
            f"{case['where']}\n  truth: {case['truth']} (fits {case['fits']}, holds "
            f"{case['holds']}; {case['why']})\n  symderiv: {v.status} — read as "
            f"{v.read_as!r}; {v.reason or ''}\n  method: {v.method}\n  counterexample: "
            f"{v.counterexample}")


def test_table_is_well_formed():
    assert len(CASES) >= 120
    assert len(BY_ID) == len(CASES)
    for c in CASES:
        assert set(c) == {"id", "layer", "claim", "given", "where", "truth", "fits", "holds",
                          "why", "sizes"}, c["id"]
        assert c["truth"] in (True, False, None), c["id"]
        assert (c["truth"] is True) == bool(c["holds"]) and (c["truth"] is None) == (
            not c["fits"]), c["id"]
        assert set(c["holds"]) <= set(c["fits"]), c["id"]
    layers = Counter(c["layer"] for c in CASES)
    assert {"softmax", "sigmoid-bce", "tanh", "logsoftmax-nll", "layernorm",
            "batched-linear", "attention", "huber", "mse"} <= set(layers)
    truths = Counter(c["truth"] for c in CASES)
    assert truths[True] and truths[False] and truths[None]


def _sample() -> list[str]:
    """One row per layer (a true one and a false one in turn): the fast check of the table."""
    out, seen = [], set()
    for c in CASES:
        want = len(seen) % 2 == 0
        if c["layer"] not in seen and c["truth"] is want:
            seen.add(c["layer"])
            out.append(c["id"])
    return out


@pytest.mark.parametrize("case_id", _sample())
def test_sample_is_sound_and_reported(case_id):
    _sound(case_id)
    _reported(case_id)


@pytest.mark.slow
@pytest.mark.parametrize("case_id", list(BY_ID))
def test_verdict_is_sound(case_id):
    _sound(case_id)


@pytest.mark.slow
@pytest.mark.parametrize("case_id", list(BY_ID))
def test_report_names_index_form_layout_and_counterexample(case_id):
    _reported(case_id)


def _sound(case_id):
    case = BY_ID[case_id]
    v = _run(case_id)
    if isinstance(v, Exception):
        pytest.skip(f"bad input (counts as undecided): {v}")
    assert "internal error" not in (v.reason or ""), _detail(case, v)
    assert not _wrong(case, v), _detail(case, v)


def _reported(case_id):
    """A decided vector claim shows its index form and the layout it was read in (one in
    which it holds, when it holds only in some); a refutation names sizes and entries."""
    case = BY_ID[case_id]
    v = _run(case_id)
    if isinstance(v, Exception) or v.status == "unknown":
        pytest.skip("undecided")
    derivative = case["fits"] != ["none"] and case["fits"]
    if v.status in HOLDS and derivative:
        named = [lay for lay in case["holds"] if NAMES[lay] in _text(v)]
        assert named, _detail(case, v)
    if v.status == "refuted":
        cx = v.counterexample
        assert cx is not None, _detail(case, v)
        if cx.lhs or cx.rhs:           # a value counterexample: sizes and the entry
            assert cx.K or "= " in cx.note, _detail(case, v)
        if derivative:
            assert "layout" in _text(v), _detail(case, v)
    if any(n in case["claim"] for n in ("^\\top", "^T", "\\mathbf", "\\odot")) and v.read_as:
        assert "_{" in v.read_as or "\\sum" in v.read_as or v.status == "refuted", \
            _detail(case, v)


@pytest.mark.slow
def test_summary():
    per = {}
    wrong = []
    for case in CASES:
        v = _run(case["id"])
        kind = "wrong" if _wrong(case, v) else "right" if _right(case, v) else "undecided"
        per.setdefault(case["layer"], Counter())[kind] += 1
        if kind == "wrong":
            wrong.append(_detail(case, v))
        elif kind == "undecided":
            status = "bad input" if isinstance(v, Exception) else v.status
            why = str(v) if isinstance(v, Exception) else (v.reason or "")
            print(f"  undecided {case['id']} (truth {case['truth']}): {status}: {why[:150]}")
    total = Counter()
    for layer, c in per.items():
        total.update(c)
        n = sum(c.values())
        print(f"  {layer:15s} {n:3d} rows, {c['right']:3d} right, {c['wrong']} wrong, "
              f"{c['undecided']:3d} undecided, {100 * c['right'] / n:5.1f} % decided")
    n = sum(total.values())
    print(f"matrix layers: {n} rows, {total['right']} right, {total['wrong']} wrong, "
          f"{total['undecided']} undecided, {100 * total['right'] / n:.1f} % decided")
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
def test_labels_rederived_with_sympy():
    """Every label of the table comes out of the independent SymPy encoding again."""
    import sys
    sys.path.insert(0, str(Path(__file__).parent))
    from adversarial.matrix_layers_cases import table
    fresh = {r["id"]: r for r in table()}
    assert set(fresh) == set(BY_ID)
    for case_id, row in fresh.items():
        assert row == BY_ID[case_id], case_id
