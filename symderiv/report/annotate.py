"""The main job's reports, read from the raw post; claim files are annotations.

Every formula of a post is read from the post alone (:func:`~.audit.audit_document`). A claim
file (``reports/claims/<slug>.toml``) quotes formulas verbatim with a hand reading for what a
reader cannot infer. A formula's hand reading replaces the raw one only where it is *needed*:
where the two readings do not give the same verdict. Such a formula is marked "annotated by
hand" in the report, and the report counts them, so the raw reader's shortfall is visible.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .audit import audit_document
from .build import build_report
from .model import ClaimFile, FormulaResult, PostReport
from .summary import ANNOTATED, annotated

__all__ = ["raw_report", "merge", "ANNOTATED"]



def _key(latex: str) -> str:
    return "".join(latex.split())


def raw_report(cf: ClaimFile, post: Path, timeout: float = 10.0) -> PostReport:
    """The report of *post* read raw, with *cf*'s hand readings where they are needed."""
    text = post.read_text(encoding="utf-8")
    raw = audit_document(post, timeout=timeout)
    hand = build_report(cf, timeout=timeout, text=text).results
    return merge(cf, raw, hand)


def _same(a: FormulaResult, b: FormulaResult) -> bool:
    """The same verdict as a reader sees it (a definition adopted either way)."""
    from .summary import shown_status

    def said(r):   # holds / wrong / undecided, whether claim or definition
        s = shown_status(r)
        return {"proved": "holds", "verified": "holds", "adopted": "holds", "refuted": "wrong",
                "refused": "wrong", "not read": "unknown"}.get(s, s)
    return said(a) == said(b)


def merge(cf: ClaimFile, raw, hand) -> PostReport:
    """One result per formula of the raw reading; a formula the claim file reads too keeps
    the raw result when both give the same verdict, else takes the hand reading, marked."""
    by_key: dict[tuple[int, str], list[FormulaResult]] = {}
    for h in hand:
        by_key.setdefault((h.spec.line, _key(h.spec.latex)), []).append(h)
    used: set[int] = set()
    out: list[FormulaResult] = []
    for r in raw:
        found = by_key.get((r.spec.line, _key(r.spec.latex))) or (
            [h for h in hand if h.spec.kind == "code" and h.spec.line == r.spec.line]
            if r.spec.kind == "code" else None)
        h = next((x for x in found or () if id(x) not in used), None)
        if h is None:
            out.append(r)
            continue
        used.add(id(h))
        out.append(r if _same(r, h) else _marked(h, cf, r))
    # formulas the claim file cuts differently from the raw reader (a display split in
    # other places, an example written out): its hand readings stand, marked
    out += [_marked(h, cf, None) for h in hand if id(h) not in used]
    out.sort(key=lambda x: x.spec.line)
    needed = annotated(out)
    note = (f"Read from the raw post; {needed} of {len(out)} formulas needed a hand annotation "
            f"(reports/claims/{cf.path.name}), marked \"{ANNOTATED}\"." if needed else
            f"Read from the raw post alone: no formula needed a hand annotation.")
    return PostReport(cf, tuple(out), notes=(note,))


def _marked(h: FormulaResult, cf: ClaimFile, raw: FormulaResult | None) -> FormulaResult:
    said = f"{ANNOTATED} (reports/claims/{cf.path.name})"
    if raw is not None:
        said += f"; read raw it is {raw.verdict.status}"
    reading = f"{said}: {h.spec.reading}" if h.spec.reading else said
    return replace(h, spec=replace(h.spec, reading=reading))

