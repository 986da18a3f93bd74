r"""Misprinted entries of a matrix written with dots (issue 13).

A Jacobian written out with ``\dots`` follows one pattern on its diagonal and one off it; a text
may misprint an entry or two (``-S(Z^{1}_{1})S(Z^{O}_{2})`` among ``-S(Z^{O}_{i})S(Z^{O}_{j})``).
The reader reports such entries and never replaces them silently (read/matrices.py).  Where a
formula is read as a claimed value of a derivative ∂A/∂Z (its ``lhs``) and only a few entries
stray from a pattern the others follow, the matrix is read as its pattern — that reading said
on its verdict — and each strayed entry is a claim of its own, as printed, about the entry of
∂A/∂Z it stands for (``∂A_1/∂Z_2 = -S(Z^{1}_{1})S(Z^{O}_{2})``), checked like any other.
"""
from __future__ import annotations

import re
from dataclasses import replace

__all__ = ["split_misprints", "ODD_ENTRIES", "odd_entries"]

ODD_ENTRIES = "do not follow the pattern of the others"   # said on the pattern's reading


def odd_entries(reading: str | None) -> str | None:
    """The entries a pattern's reading names as off it (``(3, 3), (2, 3)``), or None."""
    m = re.search(r"the entries (.*?) " + ODD_ENTRIES, reading or "")
    return m.group(1) if m else None

_MATRIX = re.compile(r"\\begin\{([pbBvV]?matrix)\}(.*)\\end\{\1\}\s*$", re.S)
_MOST = 2   # at most this many strayed entries per pattern ...
_LEAST = 3  # ... each beside at least this many entries that follow it


def _cells(body: str) -> list[list[str]] | None:
    """The cells of a matrix body (rows split at ``\\\\``, cells at ``&``, outside braces)."""
    rows, row, cell, depth, k = [], [], [], 0, 0
    while k < len(body):
        ch = body[k]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if depth == 0 and body.startswith("\\\\", k):
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
            k += 2
            continue
        if depth == 0 and ch == "&":
            row.append("".join(cell))
            cell = []
        else:
            cell.append(ch)
        k += 1
    row.append("".join(cell))
    rows.append(row)
    if rows and len(rows) > 1 and not "".join(rows[-1]).strip():
        rows.pop()
    return rows if depth == 0 else None


def _entry(lhs: str, at: tuple) -> str | None:
    """∂A/∂Z at (row index r, column index c): ``\\frac{\\partial A_{r}}{\\partial Z_{c}}``."""
    from .written_derivatives import fractions
    fr = fractions(lhs)
    if not fr or len(fr) != 1 or any(x is None for x in at):
        return None
    (top, bottom), (r, c) = fr[0], at
    if "_" in top or "_" in bottom or "(" in top:
        return None   # already an entry, or a function's value: not split here
    return f"\\frac{{\\partial {top}_{{{r}}}}}{{\\partial {bottom}_{{{c}}}}}"


def split_misprints(specs: list, notation) -> list:
    """*specs* with each claimed value of a derivative written as a dots matrix whose reader
    found a few entries off its pattern read as that pattern, and the entries after it."""
    from ..printer import to_latex
    from ..read import read_formula
    from ..read.model import LatexError
    out = []
    for spec in specs:
        out.append(spec)
        text = spec.read or spec.latex
        if spec.kind != "claim" or not spec.lhs or "\\begin" not in text:
            continue
        try:
            read_formula(text, notation)
            continue
        except LatexError as err:
            odd = getattr(err, "misprints", None)
        except Exception:   # noqa: BLE001 — anything else the checker reports itself
            continue
        m, shown = _MATRIX.fullmatch(text.strip()), _MATRIX.fullmatch(spec.latex.strip())
        if not odd or m is None or shown is None or len(odd) > 2 * _MOST or \
                any(support < _LEAST for *_, support in odd):
            continue
        grid, printed = _cells(m.group(2)), _cells(shown.group(2))
        if grid is None or printed is None or [len(r) for r in grid] != [len(r) for r in printed]:
            continue
        entries = sorted((pos, at, expected, _entry(spec.lhs, at))
                         for pos, at, expected, _ in odd)
        if any(e is None or pos[0] >= len(grid) or pos[1] >= len(grid[pos[0]])
               for pos, _, _, e in entries):
            continue
        fixed = [list(r) for r in grid]
        for (r, c), _, expected, _ in entries:
            fixed[r][c] = to_latex(expected)
        body = r" \\ ".join(" & ".join(r) for r in fixed)
        read = f"\\begin{{{m.group(1)}}}{body}\\end{{{m.group(1)}}}"
        where = ", ".join(f"({r + 1}, {c + 1})" for (r, c), *_ in entries)
        said = (f"the entries {where} {ODD_ENTRIES}: the matrix read as its pattern, each of "
                "those entries checked on its own as printed")
        layout = "; ".join(x for x in (spec.layout, said) if x)
        out[-1] = replace(spec, read=read, reading="; ".join(x for x in (spec.reading, said)
                                                            if x), layout=layout)
        for k, ((r, c), at, _, lhs) in enumerate(entries, 1):
            entry_said = (f"entry ({r + 1}, {c + 1}) of the matrix at line {spec.line}, as "
                          f"printed, read as {lhs}" + (f"; {spec.layout}" if spec.layout else ""))
            size = max(int(x) for x in at) + 1 if all(getattr(x, "is_Integer", False)
                                                      for x in at) else spec.size
            out.append(replace(spec, id=f"{spec.id}-entry{k}", latex=printed[r][c].strip(),
                               read=grid[r][c].strip() if spec.read else None, lhs=lhs,
                               reading=entry_said, layout=entry_said, source=None,
                               size=size))   # the entry's indices in range
    return out
