"""Math a document holds but symderiv does not read, as audit records: a formula too large,
the formulas past a document's cap, an unclosed ``$$``, ``\\[`` or math environment
(:func:`symderiv.extract.skipped_formulas`).  Each is listed ``unknown`` with its reason, so
that an audit lists everything it found, never dropping math silently."""
from __future__ import annotations

from ..extract import skipped_formulas
from ..verify import Verdict
from .model import FormulaResult, FormulaSpec

__all__ = ["skipped_results"]


def skipped_results(text: str) -> list[FormulaResult]:
    """One ``unknown`` record per piece of math of *text* that is not read (ids ``s1``, ...).

    >>> [(r.spec.id, r.verdict.status, r.verdict.reason) for r in skipped_results("$$x")]
    [('s1', 'unknown', 'unclosed $$: nothing closes it, so it is not read')]
    """
    return [FormulaResult(FormulaSpec(id=f"s{n}", line=s.line, latex=s.latex),
                          Verdict("unknown", "none", claim=s.latex, reason=s.reason))
            for n, s in enumerate(skipped_formulas(text), 1)]
