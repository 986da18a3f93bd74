"""Adversarial round 5: no wrong verdict on the claims and documents aimed at the day's reading
rules (labels from SymPy at K = 2, 3; see tests/adversarial/round5/README.md)."""
import json
from pathlib import Path

import pytest

from symderiv import check
from symderiv.read import LatexError
from symderiv.notation import NotationError
from tests.test_document_soundness import audit

HERE = Path(__file__).parent / "adversarial" / "round5"
CLAIMS = json.loads((HERE / "claims.json").read_text(encoding="utf-8"))
TABLES = json.loads((HERE / "truth_tables.json").read_text(encoding="utf-8"))


def _wrong(truth: str, verdict: str) -> bool:
    return truth == "true" and verdict == "refuted" or \
        truth == "false" and verdict in ("proved", "verified")


@pytest.mark.parametrize("case", CLAIMS[::2], ids=lambda c: c["claim"][:50])
def test_no_wrong_claim_verdict(case):
    try:
        v = check(case["claim"], case["given"], case["where"], timeout=20)
    except (LatexError, NotationError):
        return   # refused as bad input: never a wrong verdict
    assert not _wrong(case["truth"], v.status), (v, case["why"])


@pytest.mark.parametrize("slug", sorted(TABLES))
def test_no_wrong_document_verdict(slug, tmp_path, capsys):
    recs = audit(tmp_path, capsys, (HERE / f"{slug}.md").read_text(encoding="utf-8"))
    for row in TABLES[slug]:
        hits = [r for r in recs if r["location"]["line"] == row["line"] and
                " ".join(r["latex"].split()) == " ".join(row["latex"].split())]
        for r in hits:
            assert not _wrong(row["truth"], r["verdict"]), (slug, row, r["verdict"], r["reason"])
