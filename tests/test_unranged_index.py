"""An index with no declared range beside the sized indices of a vector formula
(``\\sqrt{d_k}`` in attention, read as the entry d_k of a d) runs over the default range:
its end is a size of the exact route, so such a claim is no longer 'unsupported: the index
range ends at N'.  Labels from tests/data/matrix_layers.json (re-derived with SymPy at fixed
sizes by tests/adversarial/matrix_layers_truth.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import symderiv

CASES = {c["id"]: c for c in json.loads(
    (Path(__file__).parent / "data" / "matrix_layers.json").read_text(encoding="utf-8"))}


@pytest.mark.parametrize("cid, status", [("at-dQ-F", "refuted"), ("at-dK-F", "refuted"),
                                         ("at-dQ-T", "proved")])
def test_attention_scale_with_unranged_index(cid, status):
    c = CASES[cid]
    assert c["truth"] is (status == "proved")
    v = symderiv.check(c["claim"], given=c["given"], where=c["where"], timeout=20)
    assert v.status == status, (v.status, v.reason)
    assert "not a size" not in (v.reason or "")
