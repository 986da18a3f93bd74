"""Auditing raw documents: every formula found is listed, and checked when it can be read."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..extract import extract_formulas
from ..latex import Notation, split_display
from .markdown import ICON, _code, _md_text
from .model import ClaimFile, FormulaResult, FormulaSpec, PostReport

__all__ = ["audit_document", "audit_posts", "find_code_blocks"]

_DEF = re.compile(r"^\s*def\s+\w+\s*\(.*\)\s*:", re.M)


def find_code_blocks(text: str) -> list[tuple[int, str]]:
    """(line, first line) of each Python function in the text (listed, never run)."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(0).strip())
            for m in _DEF.finditer(text)]


def _specs(text: str) -> list[FormulaSpec]:
    specs = []
    for n, found in enumerate(extract_formulas(text), 1):
        pieces = split_display(found.latex) if found.kind == "display" else [found.latex]
        for m, piece in enumerate(pieces, 1):
            if not piece.strip():
                continue
            specs.append(FormulaSpec(id=f"f{n}" + (f".{m}" if len(pieces) > 1 else ""),
                                     line=found.line, latex=piece))
    for line, head in find_code_blocks(text):
        specs.append(FormulaSpec(id=f"code-L{line}", line=line, latex=head, kind="code"))
    return sorted(specs, key=lambda s: s.line)


def _claim_file_for(path: Path, given, where, notation) -> ClaimFile:
    return ClaimFile(path=path, post=path.name, slug=path.stem, title=path.name,
                     notation=notation, given=tuple(given), where=tuple(where), notes=(),
                     formulas=())


def audit_document(path: Path, given=(), where=(), notation: Notation = Notation(),
                   timeout: float = 10.0, claim_file: ClaimFile | None = None,
                   known: dict | None = None) -> list[FormulaResult]:
    from .build import _bounded
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    cf = claim_file or _claim_file_for(Path(path), given, where, notation)
    known = known or {}
    out = []
    for spec in _specs(text):
        key = " ".join(spec.latex.split())
        if key in known:
            out.append(replace(known[key], spec=replace(known[key].spec, line=spec.line)))
            continue
        out.append(_bounded(spec, cf, timeout))
    return out


def audit_posts(posts: Path, reports: list[PostReport], outdir: Path,
                timeout: float = 10.0) -> dict[Path, str]:
    """Audit every post in *posts*; a post with a claim file reuses its notation and results."""
    by_post = {rep.claims.post: rep for rep in reports}
    files: dict[Path, str] = {}
    for path in sorted(p for p in Path(posts).iterdir() if p.is_file()
                       and p.suffix in (".txt", ".md", ".tex") and p.name != "README.md"):
        rep = by_post.get(path.name)
        known = {" ".join(r.spec.latex.split()): r for r in rep.results} if rep else {}
        results = audit_document(path, timeout=timeout,
                                 claim_file=rep.claims if rep else None, known=known)
        lines = [f"# Audit of `{path.name}`", "",
                 f"{len(results)} formulas found; " + (
                     f"notation from `reports/claims/{rep.claims.path.name}`."
                     if rep else "no claim file: read with the default notation."), "",
                 "| line | formula | verdict | note |", "|---|---|---|---|"]
        for r in results:
            note = r.verdict.reason or r.verdict.method
            lines.append(f"| {r.spec.line} | {_code(r.spec.latex[:80])} | "
                         f"{ICON[r.verdict.status]} | {_md_text(note[:120])} |")
        files[outdir / f"{path.stem}.md"] = "\n".join(lines) + "\n"
    return files
