"""An adversarial round of 26 small documents (collections of notebooks, chains that name
several things, joined equations, one-hot cues and their negations, logarithms, ReLU, softmax
notation, bare sums): each formula's truth was established independently (SymPy encodings at
K = 2, 3 inside the real domain, or exact reasoning), see ``adversarial/docs_round3``.  The
engine may leave any formula unknown, never give it the wrong verdict."""
import json
from pathlib import Path

import pytest

from symderiv.cli import main

HERE = Path(__file__).parent / "adversarial" / "docs_round3"
TRUTH = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TRUTH))
def test_no_wrong_verdict(name, capsys):
    main(["audit", str(HERE / name), "--format", "json"])
    records = json.loads(capsys.readouterr().out)
    wrong = []
    for r in records:
        truth = TRUTH[name].get(r["latex"])
        if truth is None:
            continue
        said = {"proved": True, "verified": True, "refuted": False}.get(r["verdict"])
        if said is not None and said != truth:
            wrong.append((r["location"]["line"], r["latex"], r["verdict"], r["reason"]))
    assert not wrong, wrong
