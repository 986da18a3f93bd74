r"""Derivatives as a text writes them, read off the LaTeX (no SymPy): the factors of a
product of derivatives ``\frac{∂E}{∂A} * \frac{∂A}{∂Z}`` (braced or not), and a one-letter
function that shortens a catalogue function (S for Softmax) the formula before applies."""
from __future__ import annotations

import re

__all__ = ["fractions", "derivative_factors", "abbreviations"]

_D = re.compile(r"\s*(?:\\partial|∂|\\mathrm\s*\{d\}|d(?![A-Za-z]))\s*")


def _group(latex: str, at: int) -> tuple[str, int] | None:
    """The brace group starting at *at* (after spaces): (its inside, the end), else None."""
    while at < len(latex) and latex[at].isspace():
        at += 1
    if at >= len(latex) or latex[at] != "{":
        return None
    depth = 0
    for k in range(at, len(latex)):
        depth += {"{": 1, "}": -1}.get(latex[k], 0)
        if depth == 0:
            return latex[at + 1:k], k + 1
    return None


def _unbraced(x: str) -> str:
    x = x.strip()
    while x.startswith("{") and _group(x, 0) == (x[1:-1], len(x)):
        x = x[1:-1].strip()
    return x


def derivative_factors(latex: str) -> list[tuple[str, str]] | None:
    """``\\frac{∂E}{∂A} * \\frac{∂A}{∂Z}``: [(E, A), (A, Z)] (the factors of a product of
    derivatives, joined by nothing, *, \\cdot or \\times), else None."""
    out = fractions(latex)
    return out if out is not None and len(out) >= 2 else None


def fractions(latex: str) -> list[tuple[str, str]] | None:
    """The derivatives ∂E/∂A of a product of them, as (E, A) (one or more), else None."""
    out, at = [], 0
    while True:
        rest = latex[at:]
        m = re.match(r"\s*(?:(?:\*|\\cdot|\\times)\s*)?\\frac\b", rest) if out else \
            re.match(r"\s*\\frac\b", rest)
        if not m:
            break
        top = _group(latex, at + m.end())
        bottom = _group(latex, top[1]) if top else None
        if bottom is None:
            return None
        a, b = _unbraced(top[0]), _unbraced(bottom[0])
        da, db = _D.match(a), _D.match(b)
        if not da or not db:
            return None
        out.append((_unbraced(a[da.end():]), _unbraced(b[db.end():])))
        at = bottom[1]
    return out if out and not latex[at:].strip() else None


def _applied(name: str, latex: str) -> set[str]:
    """The arguments *name* is applied to in *latex* (spaces and braces aside)."""
    out = set()
    for m in re.finditer(r"(?<![A-Za-z\\])" + re.escape(name) + r"\s*\(", latex):
        depth, k = 1, m.end()
        while k < len(latex) and depth:
            depth += {"(": 1, ")": -1}.get(latex[k], 0)
            k += 1
        if not depth:
            out.add(re.sub(r"[\s{}]", "", latex[m.end():k - 1]))
    return out


def abbreviations(free, latex: str, before: str) -> dict[str, str]:
    """Each one-letter function of *free* that shortens a function the catalogue knows
    (S for Softmax) which *before* (the formula a step continues) applies to an argument the
    step applies the letter to: {letter: function}; a letter with no such or several, left out."""
    from ..vocabulary import VECTOR_FUNCTIONS, function_names
    known = set(VECTOR_FUNCTIONS) | set(function_names())
    out = {}
    for f in free:
        args = _applied(f, latex)
        found = {full for full in set(re.findall(r"(?<![A-Za-z\\])([A-Za-z]{2,})\s*\(", before))
                 if full.startswith(f) and full in known and args & _applied(full, before)}
        if len(found) == 1:
            out[f] = found.pop()
    return out
