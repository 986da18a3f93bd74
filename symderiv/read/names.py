"""The whole vectors and matrices of a set of formulas (a document, or a claim with its
definitions): a name one formula uses in vector notation (``X`` and ``dZ`` in ``dW = X^T dZ``)
is a whole matrix in the others too (``Z = XW + b``), so those are read in vector notation."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from sympy import Symbol

import functools
import re

import sympy

from ..notation import SymderivError
from .model import Notation
from .formula import read_formula


@functools.lru_cache(maxsize=4096)
def _whole_names(text: str, notation: Notation) -> frozenset[str]:
    try:
        f = read_formula(text, notation)
    except SymderivError:
        return frozenset()
    out = set()
    for reading in f.readings[:1]:       # the preferred reading's, not a doubtful one's
        for p in reading.parts:
            out |= {s.name for s in getattr(p, "atoms", lambda *_: ())(Symbol)
                    if not s.is_commutative}
    return frozenset(out)


def with_matrix_names(texts: Iterable[str], notation: Notation, rounds: int = 2) -> Notation:
    """*notation* with the names used as whole matrices in *texts* (until nothing changes)."""
    texts = tuple(texts)
    names = set(notation.matrices)
    for _ in range(rounds):
        found = set(names)
        current = replace(notation, matrices=tuple(sorted(names)))
        for t in texts:
            found |= _whole_names(t, current)
        if found == names:
            break
        names = found
    return replace(notation, matrices=tuple(sorted(names))) if names else notation


@functools.lru_cache(maxsize=4096)
def _declared_whole(text: str, notation: Notation) -> frozenset[str]:
    try:
        f = read_formula(text, notation)
    except SymderivError:
        return frozenset()
    if f.parts:
        return frozenset()
    return frozenset(n for d in f.declarations if getattr(d, "shape", ())
                     and getattr(d, "space", "") == "R" for n in getattr(d, "names", ()))


def with_declared_names(texts: Iterable[str], notation: Notation) -> Notation:
    r"""*notation* with the names a declaration among *texts* gives a shape
    (``W \in \mathbb{R}^{m \times n}``, ``x, b \in \mathbb{R}^n``): whole vectors and
    matrices, as the text says, wherever they are written whole."""
    found = set()
    for t in texts:
        found |= _declared_whole(t, notation)
    found -= set(notation.matrices)
    if not found:
        return notation
    return replace(notation, matrices=tuple(sorted(set(notation.matrices) | found)))


def with_size_free(texts: Iterable[str], notation: Notation) -> Notation:
    r"""*notation* with another size letter when its own is a matrix of the texts: written
    transposed (``K^\top`` of attention's keys) or declared ``K \in \mathbb{R}^{m \times d}``
    — the letter then names that matrix, and the sums' size is a letter the texts do not use."""
    texts = tuple(texts)
    k = re.escape(notation.size)
    whole = re.compile(r"(?<![A-Za-z\\])" + k + r"\s*\^\s*(?:\{\s*)?(?:T|\\top|\\intercal)(?![A-Za-z])"
                       r"|(?<![A-Za-z\\])" + k + r"\s*\\in\s*\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*"
                       r"\{[^{}]*\\times")
    if not any(whole.search(t) for t in texts):
        return notation
    for new in ("N", "M", "C", "J", "Q", "R", "P"):
        if not any(re.search(r"(?<![A-Za-z\\])" + new + r"(?![A-Za-z])", t) for t in texts):
            return replace(notation, size=new)
    return notation


def with_defined_names(given: Iterable[str], notation: Notation) -> Notation:
    """*notation* with the letter runs the definitions *given* define (``dW = …``): one name
    wherever they are written."""
    found = []
    for text in given:
        m = re.match(r"\s*([A-Za-z]{2,5})\s*(?:_\s*(?:\{\s*\w+\s*\}|\w))?\s*(?::=|=|\\coloneqq)",
                     text)
        if m and m.group(1) not in notation.names and m.group(1) not in found:
            found.append(m.group(1))
    return replace(notation, names=tuple(notation.names) + tuple(found)) if found else notation


def infer_notation(given: Iterable[str], notation: Notation = Notation(),
                   claims: Iterable[str] = ()) -> Notation:
    """The index range the definitions themselves use, when the notation is left default.

    ``y_i = e^{z_i} / \\sum_{k=0}^{K-1} e^{z_k}`` makes every index run over 0..K-1, and
    ``\\sum_{n=1}^{N}`` makes N the size: free indices then lie in the range the sums cover
    (a counterexample with an index outside it would be no counterexample).

    >>> n = infer_notation([r"y_i = \\frac{e^{z_i}}{\\sum_{k=0}^{K-1} e^{z_k}}"])
    >>> n.size, n.lower, n.upper
    ('K', 0, None)
    >>> infer_notation([r"p_a = \\frac{e^{s_a}}{\\sum_{b=1}^{N} e^{s_b}}"]).size
    'N'
    """
    if replace(notation, functions=(), confirmed=()) != Notation():
        return notation
    limits: set = set()
    mine: set = set()   # the claim's: they count where the definitions give no range of
    # their own (a bare \sum_j in a definition beside \sum_{k=1}^q in the claim runs over
    # the same q classes: a reader never takes two sizes there)
    for text, claim in [(t, False) for t in given] + [(t, True) for t in claims]:
        try:
            f = read_formula(text, notation)
        except SymderivError:
            if claim:
                continue
            return notation
        if not claim and (len(f.parts) != 2 or not isinstance(
                f.parts[0], (sympy.Indexed, Symbol, sympy.core.function.AppliedUndef))):
            continue
        for part in f.parts[1:] if not claim else f.parts:
            for s in part.atoms(sympy.Sum):
                (mine if claim else limits).update((lo, hi) for _, lo, hi in s.limits)
    default = (sympy.Integer(notation.lower), notation.size_symbol + notation.lower - 1)
    if len(limits) > 1:   # bare sums run over the default range: they follow the written one
        limits.discard(default)
    written = any(re.search(r"\\sum\s*(\\limits)?\s*_\s*\{[^{}]*=[^{}]*\}\s*\^", t)
                  for t in given)
    if limits <= {default} and not written:
        # the definitions' sums are all bare (\sum_j): they follow the claim's range, if it
        # sums over a whole one (from 0 or 1; Σ_{k=2}^{q} is a partial sum)
        limits |= {(lo, hi) for lo, hi in mine if lo in (0, 1)}
        if len(limits) > 1:
            limits.discard(default)
    if len(limits) != 1:
        return notation
    (lo, hi), = limits
    syms = hi.free_symbols
    if not (lo.is_Integer and len(syms) == 1):
        return notation
    (n,) = syms
    if not re.fullmatch(r"[A-Za-z]+", n.name):
        return notation
    if sympy.expand(hi - (n + lo - 1)) == 0:
        upper = None
    elif sympy.expand(hi - n) == 0:
        upper = n.name
    else:
        return notation
    return replace(notation, size=n.name, lower=int(lo), upper=upper)


_SUP = re.compile(r"(?<![A-Za-z])(\\[A-Za-z]+|[A-Za-z])\s*(?:_\s*(?:\{[^{}]*\}|\w)\s*)?\^\s*(?:\{\s*([A-Z])\s*\}|([A-Z])(?![A-Za-z]))")
_NOT_NAMES = ("\\sum", "\\prod", "\\int", "\\partial", "\\mathbb", "\\mathbf", "\\mathrm",
              "\\text", "\\frac", "\\limits", "\\max", "\\min", "\\lim")
_DENOM = re.compile(r"\\partial\s*\{?\s*(?:\\[A-Za-z]+|[A-Za-z])\s*\^\s*\{?\s*([A-Z])\b")


def with_label_names(texts: Iterable[str], notation: Notation) -> Notation:
    """*notation* with the capital letters a document writes as layer labels: ``A^{O}``,
    ``Z^{O}`` (one letter on two or more names, or on a name differentiated by, as in
    ``∂E/∂A^{O}``: a power is never a variable), never written alone anywhere (``N`` in
    ``\\sum^{N}`` and ``x^{N}`` is a size, a power) and never ``T`` (a transpose)."""
    texts = tuple(texts)
    bases: dict[str, set] = {}
    for t in texts:
        for m in _SUP.finditer(t):
            letter = m.group(2) or m.group(3)
            if m.group(1) not in _NOT_NAMES:
                bases.setdefault(letter, set()).add(m.group(1))
    denominators = {m.group(1) for t in texts for m in _DENOM.finditer(t)}
    found = [x for x, b in sorted(bases.items())
             if x != "T" and x not in notation.labels and (len(b) >= 2 or x in denominators)]
    if not found:
        return notation
    bare = "\n".join(_SUP.sub(lambda m: m.group(0) if m.group(1) in _NOT_NAMES else " ", t)
                     for t in texts)
    bare = re.sub(r"\\[A-Za-z]+", " ", bare)
    # written alone, or as the variable of a derivative (\frac{d}{dX}: dX, not a label)
    found = [x for x in found if not re.search(rf"(?<![A-Za-z]){x}(?![A-Za-z])|"
                                               rf"(?<![A-Za-z\\])(d|\\partial\s*){x}(?![A-Za-z])",
                                               bare)]
    return replace(notation, labels=tuple(notation.labels) + tuple(found)) if found \
        else notation
