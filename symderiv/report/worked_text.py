r"""What a text says about a worked example: which formulas of an example's section are about
the example and which are general, which stated rows are computed values, and the values
stated right after a claim ("With: $$ T = (0, 1) $$").

A worked example has concrete sizes (``Z = (1.75, 1.75)``: two classes).  A matrix written
out with dots (``\begin{pmatrix} y_0(1 - y_0) & \dots \\ \vdots & \ddots \end{pmatrix}``) has
rows 0, 1, ..., n: a general size, so the formula is the general statement, not one about the
example's values (checked at the values, its n + 1 rows meet the example's 2).
"""
from __future__ import annotations

import re

__all__ = ["general_size", "computed_value", "with_values_after"]

_MATRIX = re.compile(r"\\begin\{([pbBvV]?matrix)\}(.*?)\\end\{\1\}", re.S)
_DOTS = re.compile(r"\\(?:[lcv]?dots|ddots|dotsc|dotsb)\b|\.\.\.")


def general_size(latex: str) -> bool:
    r"""A formula holding a matrix written with dots (a general size, never the example's).

    >>> general_size(r"J = \begin{pmatrix} a_0 & \dots & a_n \\ \vdots & & \vdots \end{pmatrix}")
    True
    >>> general_size(r"J = \begin{pmatrix} 0.25 & -0.25 \\ -0.25 & 0.25 \end{pmatrix}")
    False
    >>> general_size(r"L = x_1 + \dots + x_n")
    False
    """
    return any(_DOTS.search(m.group(2)) for m in _MATRIX.finditer(latex))


def computed_value(definition: str | None, stated: set) -> bool:
    r"""A row stated for a name the text defines from a vector whose value it states
    (``A = softmax(Z)`` beside ``Z = (1.75, 1.75)``): the example's computed value, a claim
    checked at the stated values — not data that replaces the definition.

    >>> computed_value(r"A^{O} = \mathrm{softmax}(Z^{O})", {"Z^{O}"})
    True
    >>> computed_value(r"y = W x + b", {"t"})
    False
    """
    if not definition or "=" not in definition:
        return False
    rhs = definition.split("=", 1)[1]
    return any(re.search(r"(?<![A-Za-z\\])" + re.escape(name) + r"(?![A-Za-z])", rhs)
               for name in stated if name)


_WITH = re.compile(r"\s*(?:with|where|using|for|given)\s*:?\s*", re.I)
_DELIMS = re.compile(r"\$\$|\\\[|\\\]|\\begin\{(?:equation|align)\*?\}|\\end\{(?:equation|align)\*?\}")


def _length(latex: str) -> int | None:
    """The number of entries of a row or column written ``(a, b)`` or in a matrix."""
    rhs = re.split(r":=|=", latex, maxsplit=1)[-1].strip()
    m = _MATRIX.fullmatch(rhs)
    if m:
        body = m.group(2).strip().rstrip("\\").strip()
        rows = [r for r in re.split(r"\\\\", body) if r.strip()]
        cols = {r.count("&") + 1 for r in rows}
        if len(cols) != 1 or 1 not in (len(rows), cols.copy().pop()):
            return None
        return max(len(rows), cols.pop())
    m = re.fullmatch(r"\((.*)\)", rhs)
    return m.group(1).count(",") + 1 if m and "(" not in m.group(1) else None


def with_values_after(text: str, specs: list) -> list:
    r"""A claim of a worked example followed by "With: $$ A = … $$ $$ T = (0, 1) $$": the
    values the text states right there (the displays after the cue, nothing else between
    them) are the claim's values too, where it writes their names and does not have them."""
    from dataclasses import replace
    from ..extract import extract_formulas
    displays = [f for f in extract_formulas(text) if f.kind == "display"]
    out = list(specs)

    def display_of(spec):
        return next((k for k, f in enumerate(displays) if f.line == spec.line and
                     spec.latex.strip() and spec.latex.strip() in f.latex), None)

    def gap(k: int) -> str:   # the text between display k and display k + 1
        a, b = displays[k], displays[k + 1]
        end = text.find(a.latex, a.offset)
        end = a.offset if end < 0 else end + len(a.latex)
        return _DELIMS.sub(" ", text[end:b.offset])
    values = [(display_of(s), s) for s in out if s.kind == "value"]
    for n, s in enumerate(out):
        if s.kind != "claim" or s.size is None or not s.reading or \
                not s.reading.startswith("checked at the values stated before it"):
            continue
        k = display_of(s)
        if k is None or k + 1 >= len(displays) or not _WITH.fullmatch(gap(k)):
            continue
        run = [k + 1]
        while run[-1] + 1 < len(displays) and not gap(run[-1]).strip():
            run.append(run[-1] + 1)
        names = {re.split(r":=|=", g, maxsplit=1)[0].strip() for g in s.given}
        added = []
        for at, v in values:
            name = re.split(r":=|=", v.latex, maxsplit=1)[0].strip()
            if at in run and name not in names and _length(v.latex) == s.size and re.search(
                    r"(?<![A-Za-z\\])" + re.escape(name) + r"(?![A-Za-z])", s.latex):
                added.append(v.latex)
        if added:
            out[n] = replace(s, given=s.given + tuple(added), reading=(
                s.reading + " and at the values stated right after it (\"with: …\"): " +
                ", ".join(added)))
    return out
