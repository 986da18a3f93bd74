"""Code in a document as audit records: each Python function found is judged by the symbolic
reading of :mod:`symderiv.codecheck` (never run) and listed beside the formulas."""
from __future__ import annotations

import re

from ..verify import Verdict
from ..verify.verdict import Counterexample
from .model import FormulaResult, FormulaSpec

__all__ = ["code_results"]

_METHOD = "symbolic reading of the code (never run), against the derived result"
_TEX = {"δ": "\\delta_{", "β": "\\beta ", "σ": "\\sigma", "−": "-", "ᵀ": "^T", "Σ": "\\sum ",
        "·": " \\cdot ", "′": "'", "½": "\\frac{1}{2}", "∂": "\\partial "}


def _entry_tex(value: str) -> str:
    """A SymPy-printed entry of the code reading (``-y_1_1**2``) as LaTeX (``-y_{1,1}^{2}``)."""
    out = re.sub(r"\b([A-Za-z]+)_(\d+)_(\d+)\b", r"\1_{\2,\3}", str(value))
    out = re.sub(r"\b([A-Za-z]+)_(\d+)\b", r"\1_{\2}", out)
    out = re.sub(r"\*\*\(?(-?\d+)\)?", r"^{\1}", out)
    return out.replace("*", " ")


def _latex(formula: str | None) -> str | None:
    """The target's formula (``y_i(δ_ij − y_j)``) as LaTeX (``y_i(\\delta_{ij} - y_j)``)."""
    if not formula:
        return None
    out = ""
    for n, ch in enumerate(formula):
        if ch == "δ" and formula[n + 1:n + 2] == "_":
            out += "\\delta"
            continue
        out += _TEX.get(ch, ch) if ch != "δ" else "\\delta "
    out = re.sub(r"\\delta_([a-z])([a-z])", r"\\delta_{\1\2}", out)
    return out if out.isascii() else None


def code_results(text: str, timeout: float = 10.0) -> list[FormulaResult]:
    """One result (kind ``code``) per function of *text*: ``refuted`` with the entry that
    differs when the reading shows a slip, ``verified`` when every entry read agrees with
    the derivation (at the sizes read), else ``unknown`` with the reason."""
    from ..codecheck.documents import judge_document_code
    try:
        records = judge_document_code(text, timeout=timeout)
    except Exception as err:   # noqa: BLE001 - one line, never a traceback in a report
        return [FormulaResult(FormulaSpec(id="code", line=1, latex="", kind="code"),
                              Verdict("unknown", "none", reason=f"code not read: {err}"))]
    out = []
    for rec in records:
        line = rec["location"]["line"]
        code = rec.get("code") or rec.get("latex") or ""
        spec = FormulaSpec(id=rec["id"], line=line, latex=code, kind="code",
                           reading=rec.get("reading"))
        why = "; ".join(rec.get("diagnosis") or []) or rec.get("reason") or None
        against = rec.get("against")
        if rec["verdict"] == "fail" and rec.get("differences"):
            d = rec["differences"][0]
            cx = Counterexample(0, (), (("entry", str(tuple(d["entry"]))),), _entry_tex(d["got"]),
                                _entry_tex(d["expected"]),
                                note=f"the code's entry against {against}")
            v = Verdict("refuted", _METHOD, claim=code, counterexample=cx, reason=why)
        elif rec["verdict"] == "pass":
            v = Verdict("verified", _METHOD, claim=code,
                        reason=f"agrees with {against} at every entry read ({rec.get('reading')})")
        else:
            v = Verdict("unknown", _METHOD, claim=code, reason=why or "not read")
        out.append(FormulaResult(spec, v, correct_form=_latex(rec.get("correct_form")),
                                 broken_step=rec.get("broken_step")))
    return out
