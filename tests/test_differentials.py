"""The differential notation of matrix calculus (dz = dW^T x) and the Frobenius product A:B.

The table's labels come from tests/data/differentials_truth.py (explicit SymPy matrices at
sizes 2 and 3, no symderiv); here every verdict is compared with its label."""
import json
from pathlib import Path

import pytest

import symderiv
from symderiv.read import Notation, read_formula
from symderiv.read.differentials import differential_notation, written_differentials

DATA = Path(__file__).parent / "data"
HOLDS = {"proved", "verified"}


def _notation(row):
    return Notation(differentials=tuple(row["d"]), inner_colon=True,
                    matrices=("e",) if "e" in row["d"] else ())


def test_table_never_wrong_and_mostly_decided():
    rows = json.loads((DATA / "differentials_table.json").read_text())
    assert len(rows) >= 30 and {r["label"] for r in rows} == {True, False}
    wrong, decided = [], 0
    for row in rows:
        v = symderiv.check(row["claim"], given=row["given"], notation=_notation(row))
        if v.status in HOLDS | {"refuted"}:
            decided += 1
            if (v.status in HOLDS) != row["label"]:
                wrong.append((row["id"], v.status, v.reason))
    assert wrong == []
    assert decided >= 0.85 * len(rows)


MAGNUS = r"""Let $u$ be the vector of all ones, and define
$$\eqalign{ z &= W^Tx, &\,\,dz= dW^Tx \cr e &= \exp(z), &\,\,de = e\odot dz \cr }$$
Now find the differential of $p$
$$\eqalign{ p &= \frac{e}{u:e} \cr dp &= \frac{de}{u:e}-\frac{e\,(u:de)}{(u:e)^2}
 \cr &= p\odot dz -p\,(p:dz) \cr &= \Big({\rm Diag}(p)-pp^T\Big)\,dz \cr &= (P-pp^T)\,dz \cr }$$
"""


def _pieces(text):
    from symderiv.extract import extract_formulas
    from symderiv.read import split_display
    return [p for f in extract_formulas(text) for p in split_display(f.latex)]


def test_detects_the_differentials_a_text_writes():
    assert written_differentials(MAGNUS, _pieces(MAGNUS)) == ("W", "e", "p", "z")
    nt = differential_notation(MAGNUS, _pieces(MAGNUS), Notation())
    assert nt.inner_colon and "e" in nt.matrices


@pytest.mark.parametrize("text", [
    # gradient names of a backpropagation text: dZ = A - Y is no differential
    "$Z = W X$ and $$dZ = A - Y$$ $$dW = \\frac{1}{m} dZ X^T$$ the differential",
    "$$dW = \\frac{\\partial L}{\\partial W}$$ $$dZ = dW X$$ $Z = WX$, differential",
    "$y = f(x)$ and $$\\frac{dy}{dx} = 2x$$",
])
def test_no_differentials_where_d_names_gradients(text):
    assert written_differentials(text, _pieces(text)) == ()


def test_audit_of_a_magnus_text(tmp_path):
    doc = tmp_path / "magnus.md"
    doc.write_text(MAGNUS + "\n$$\\eqalign{ q &= \\exp(W^T x) \\cr dq &= q \\odot dz + dz \\cr }$$\n",
                   encoding="utf-8")
    from symderiv.report.audit import audit_document
    got = {" ".join(r.spec.latex.split()): r.verdict for r in audit_document(doc)}
    dz = got["dz= dW^Tx"]
    assert dz.status == "proved" and "x held fixed" in dz.reason
    assert got["de = e\\odot dz"].status in HOLDS
    chain = next(v for k, v in got.items() if k.startswith("dp"))
    assert [link.status in HOLDS for link in chain.links] == [True] * len(chain.links)
    assert "P read as \\mathrm{diag}" in chain.reason
    assert next(v for k, v in got.items() if k.startswith("dq")).status not in HOLDS


def test_case_labels_and_ratios_are_not_inner_products():
    nt = Notation(differentials=("W", "z"), inner_colon=True)
    f = read_formula(r"i = j: \frac{\partial y_i}{\partial z_j} = y_i (1 - y_i)", nt)
    assert f.conditions
    v = symderiv.check(r"3:4 = 12", notation=nt)
    assert v.status != "proved" and v.status != "refuted"


def test_a_name_put_in_a_chain_that_replaces_nothing_is_not_decided():
    nt = Notation(differentials=("W", "z"), inner_colon=True)
    v = symderiv.check(r"dz = dW^T x = x^T P = dW^T x", given=["z = W^T x"], notation=nt)
    assert v.status == "unknown" and "first appears" in v.reason


def test_no_written_direction_means_no_decision():
    nt = Notation(differentials=("z", "y"), inner_colon=True)
    v = symderiv.check(r"dy = 2\, dz", given=["z = W^T x", "y = 2 z"], notation=nt)
    assert v.status == "unknown" and "which names vary" in v.reason


def test_labels_agree_with_explicit_matrices():
    """The table's labels, re-derived with explicit SymPy matrices (a few seconds)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("differentials_truth",
                                                  DATA / "differentials_truth.py")
    truth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(truth)
    assert truth.main() == 0


def test_differential_of_an_expression():
    nt = Notation(differentials=("W", "z"), inner_colon=True)
    assert symderiv.check(r"dz = d(W^T x)", given=["z = W^T x"], notation=nt).status in HOLDS
    assert symderiv.check(r"dz = 2\, d(W^T x)", given=["z = W^T x"],
                          notation=nt).status == "refuted"
