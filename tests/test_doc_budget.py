"""A single document's audit is bounded as a whole: past --doc-timeout the formulas left are
listed, unchecked, with the reason (never a traceback, never a half-written report)."""
import json
import subprocess
import sys

from symderiv.report.audit import audit_document


def _doc(tmp_path, n=6):
    p = tmp_path / "many.md"
    p.write_text("# Powers\n\n" + "\n\n".join(
        f"$$\\frac{{\\partial}}{{\\partial x}} x^{{{k}}} = {k} x^{{{k - 1}}}$$" for k in range(2, 2 + n)))
    return p


def test_spent_budget_lists_every_formula_unchecked(tmp_path):
    res = audit_document(_doc(tmp_path), doc_timeout=0.0)
    assert len(res) == 6
    assert all(r.verdict.status == "unknown" and "time budget" in r.verdict.reason for r in res)


def test_ample_budget_changes_nothing(tmp_path):
    res = audit_document(_doc(tmp_path), doc_timeout=600.0)
    assert [r.verdict.status for r in res] == ["proved"] * 6


def test_cli_doc_timeout_for_one_document(tmp_path):
    p = subprocess.run([sys.executable, "-m", "symderiv", "audit", str(_doc(tmp_path, 2)),
                        "--doc-timeout", "0.001", "--format", "json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stderr
    recs = json.loads(p.stdout)
    assert len(recs) == 2 and all("time budget" in r["reason"] for r in recs)
