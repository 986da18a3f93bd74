r"""Does a document write the differential notation of matrix calculus (Magnus–Neudecker)?

``dz = dW^T x``, ``de = e \odot dz``, ``dp = \frac{de}{u:e} - \dots``: in such a text ``dY``
is the differential of Y, and ``A:B`` the Frobenius inner product.  The cues (no SymPy here):

- a formula ``dY = …`` whose every term holds a differential ``dV`` (it is linear in them),
  and Y or V a name the text writes on its own;
- no ``dY`` equated to something without a differential (``dZ = A - Y``: the gradient names of
  a backpropagation text), nor to a ∂-fraction (``dW = ∂L/∂W``);
- the word "differential" in the prose, or at least two such formulas.

``A:B`` is the inner product when the prose names the Frobenius (or inner, double-dot)
product, or when the text writes differentials and puts ``:`` between two operands.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .model import Notation

__all__ = ["differential_notation", "written_differentials"]

_DRUN = re.compile(r"(?<![A-Za-z\\])d([A-Za-z])(?![A-Za-z])")
_DAPPLIED = re.compile(r"(?<![A-Za-z\\])d\s*(\(|\\left\s*\(|\\[Bb]ig+l?\s*\()")   # d(W^T x)
_LEIBNIZ = re.compile(r"\\frac\s*\{\s*d[^{}]*\}\s*\{\s*d[^{}]*\}")
_LHS = re.compile(r"^\s*&?\s*(?:\\mathbf\{)?\s*d\s*([A-Za-z])\s*\}?\s*&?\s*=(?!=)")
_DEF = re.compile(r"^\s*&?\s*(?:\\mathbf\{)?\s*([A-Za-z])\s*\}?\s*&?\s*=(?!=)")
_COLON = re.compile(r"[A-Za-z0-9})]\s*:(?!=)\s*[A-Za-z\\(]")
_WORD = re.compile(r"\bdifferentials?\b", re.I)
# the prose calls a d-name a gradient ("the upstream gradient $dZ$", "$dA$ is the gradient")
_GRADIENT_NAME = re.compile(r"\bgradients?\b[^.$]{0,40}\$\s*d\s*[A-Za-z]\b|"
                            r"\$\s*d\s*[A-Za-z]\s*(=[^$]*)?\$[^.$]{0,40}\bgradients?\b", re.I)
# the dx that closes an integral is no differential of the text's
_INTEGRAL = re.compile(r"(\\int(?![A-Za-z])[^$]*?)(?<![A-Za-z\\])d[A-Za-z](?![A-Za-z])")
_FROB = re.compile(r"\b(Frobenius|inner product|double[- ]dot)\b", re.I)


def _terms(rhs: str) -> list[str]:
    """The top-level terms of *rhs* (split at + and − outside braces and brackets)."""
    out, depth, start = [], 0, 0
    for n, c in enumerate(rhs):
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c in "+-" and depth == 0 and rhs[:n].strip(" &"):
            out.append(rhs[start:n])
            start = n + 1
    out.append(rhs[start:])
    return [t for t in out if t.strip(" &\\,")]


def written_differentials(text: str, pieces) -> tuple[str, ...]:
    """The names Y whose differential ``dY`` the text writes, when it writes the differential
    notation (see the module docstring); () otherwise."""
    if _GRADIENT_NAME.search(text):
        return ()   # "the upstream gradient $dZ$": d-names of gradients, not differentials
    pieces = [_INTEGRAL.sub(r"\1", _LEIBNIZ.sub(" ", p)) for p in pieces]
    math = "\n".join(pieces)
    written = {m.group(1) for m in _DRUN.finditer(math)}
    if not written:
        return ()
    alone = {m.group(1) for m in re.finditer(r"(?<![A-Za-z\\])(?<!d)([A-Za-z])(?![A-Za-z])",
                                             math)}
    names = written & alone | {m.group(1) for p in pieces for m in [_DEF.match(p)] if m}
    formulas = 0
    for p in pieces:
        m = _LHS.match(p)
        if not m:
            continue
        sides = re.split(r"(?<![:<>!\\])=(?!=)", p[m.end():])
        for side in sides:
            if "\\partial" in side:
                return ()                    # dW = ∂L/∂W: a gradient's name
            terms = _terms(side)
            if not terms or not all(any(d in names for d in _DRUN.findall(t)) or
                                    _DAPPLIED.search(t) for t in terms):
                return ()                    # dZ = A - Y: not linear in differentials
        formulas += 1
    if formulas == 0 or not (_WORD.search(text) or formulas >= 2):
        return ()
    return tuple(sorted(written & names))


def differential_notation(text: str, pieces, notation: Notation) -> Notation:
    """*notation* with the text's differentials, its inner-product colon, and ``e`` as a name
    where the text defines a bare ``e`` (``e = \\exp(z)``, not Euler's number)."""
    pieces = list(pieces)
    diffs = written_differentials(text, pieces)
    colon = any(_COLON.search(p) for p in pieces)
    inner = colon and (bool(diffs) or bool(_FROB.search(text)))
    if not diffs and not inner:
        return notation
    new = replace(notation, differentials=diffs, inner_colon=inner)
    if diffs:   # a name whose differential is written is a variable, not a function: dp
        new = replace(new, functions=tuple(f for f in new.functions if f not in diffs))
    if any(re.match(r"^\s*&?\s*e\s*&?\s*=(?!=)", p) for p in pieces) and \
            "e" not in new.matrices:
        new = replace(new, matrices=tuple(sorted(set(new.matrices) | {"e"})))
    return new
