r"""The declarations a claim is read with.

"where ``W ∈ R^{m×n}`` and ``x, b ∈ R^n``" after ``y = W x + b``: the claims that follow in
the same section and write those names whole (``∂L/∂W = ∂L/∂y x``) are about these shapes,
so they are read with the declarations (in vector notation).  A claim that writes an entry
of a declared name (``x_j``) is not: its x may be another one (a later formula's softmax
input), and a claim in another section is not either.
"""
from __future__ import annotations

import re

from ..notation import SymderivError
from ..read import Notation, read_formula


def declared_names(latex: str, notation: Notation) -> tuple[str, ...]:
    """The one-letter names a declaration gives a shape (``x, b \\in R^n`` → x, b)."""
    try:
        f = read_formula(latex, notation)
    except SymderivError:
        return ()
    if f.parts:
        return ()
    return tuple(n for d in f.declarations if getattr(d, "shape", ())
                 for n in getattr(d, "names", ()) if re.fullmatch(r"[A-Za-z]", n))


def _whole_use(latex: str, name: str) -> bool:
    return re.search(r"(?<![A-Za-z\\])" + name + r"(?![A-Za-z_])", latex) is not None


def _entry_use(latex: str, name: str) -> bool:
    return re.search(r"(?<![A-Za-z\\])" + name + r"\s*_", latex) is not None


def _model_names(given, names) -> set[str]:
    """The one-letter names the definitions *given* define from the declared *names*
    (``y = W x + b``: y)."""
    out = set()
    for g in given:
        m = re.match(r"\s*([A-Za-z])\s*=(.*)$", g, re.S)
        if m and any(_whole_use(m.group(2), n) for n in names):
            out.add(m.group(1))
    return out


def declarations_for(latex: str, declared, section: int, notation: Notation,
                     given=()) -> tuple:
    """The declarations (``(latex, section)`` of the text so far) a claim *latex* of
    *section* is read with: those of its section, when the claim writes whole a name that a
    definition (*given*) defines from the declared names (y of ``y = W x + b``) or a declared
    matrix, and writes none of the names with an index."""
    mine = [(d, declared_names(d, notation)) for d, sec in declared if sec == section]
    names = {n for _, ns in mine for n in ns}
    model = _model_names(given, names)
    if not names or any(_entry_use(latex, n) for n in names | model):
        return ()
    about = model | {n for n in names if n.isupper()}
    if not any(_whole_use(latex, n) for n in about):
        return ()
    return tuple(d for d, ns in mine if ns)


__all__ = ["declarations_for", "declared_names"]
