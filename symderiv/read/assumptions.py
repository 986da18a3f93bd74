r"""Assumptions on values written as inequalities (``\delta > 0``, ``0 < \epsilon \leq 1``,
``x \geq 0``): read as real-valued relations between two expressions, for ``--where`` and the
API's ``where=``.  An index range (``1 \leq i \leq K``) is not one of these: it is read where
the ranges are (:func:`symderiv.read.clauses._index_range`).

>>> read_inequalities(r"\delta > 0")
(delta > 0,)
>>> read_inequalities(r"0 < \epsilon \leq 1")
(0 < epsilon, epsilon <= 1)
>>> read_inequalities(r"\left(x\right) = 1") is None
True
"""
from __future__ import annotations

import re

import sympy

from .model import LatexError, Notation

__all__ = ["read_inequalities", "bounds_a_value"]

# the relation signs, commands ending where their letters end (\le is not the start of \left)
_SIGN = re.compile(r"\\(?:geqslant|leqslant|geq|leq|ge|le|gt|lt)(?![A-Za-z])|>=|<=|≥|≤|<|>")
_KIND = {"geqslant": ">=", "geq": ">=", "ge": ">=", ">=": ">=", "≥": ">=",
         "leqslant": "<=", "leq": "<=", "le": "<=", "<=": "<=", "≤": "<=",
         "gt": ">", ">": ">", "lt": "<", "<": "<"}
_REL = {">": sympy.StrictGreaterThan, ">=": sympy.GreaterThan,
        "<": sympy.StrictLessThan, "<=": sympy.LessThan}


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def read_inequalities(text: str, notation: Notation = Notation()) -> tuple | None:
    """The relations a text of one inequality or a chain of them states (``a < b \\leq c``
    states a < b and b ≤ c), or None when the text is no such chain (no sign, a sign inside
    braces, an equation).  Each side must read as one expression, else :class:`LatexError`."""
    from .formula import read_expr   # the reader proper (imported late: it imports us not)
    signs = list(_SIGN.finditer(text))
    if not signs or "=" in _SIGN.sub("", text):
        return None
    pieces, start = [], 0
    for m in signs:
        pieces.append(text[start:m.start()])
        start = m.end()
    pieces.append(text[start:])
    if not all(p.strip() and _balanced(p) for p in pieces):
        return None
    sides = [read_expr(p, notation) for p in pieces]
    out = []
    for m, a, b in zip(signs, sides, sides[1:]):
        kind = _KIND[m.group().lstrip("\\")]
        rel = _REL[kind](a, b)
        if rel in (sympy.true, sympy.false):
            raise LatexError(f"the condition {text!r} is {'true' if rel else 'false'} as "
                             "written: nothing to assume", text, None,
                             "write a condition on a value, e.g. \\delta > 0")
        out.append(rel)
    return tuple(out)


def bounds_a_value(ranges, exprs) -> bool:
    r"""Whether what reads as an index range (``0 < \alpha < 1``) bounds a name that *exprs*
    (the claim, the definitions) use as a value, not as an index: then it is an assumption on
    that value."""
    names = {d.name for d in ranges}
    for e in exprs:
        if isinstance(e, sympy.Basic) and not isinstance(e, sympy.MatrixBase):
            if any(isinstance(s, sympy.Symbol) and s.name in names and not s.is_integer
                   for s in e.free_symbols):
                return True
    return False
