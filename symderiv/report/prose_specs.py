"""Formulas the prose of a document states or names: definitions written as words ("where
$a_i$ is $\\text{Softmax}(z_i)$") and a matrix the text calls the Jacobian."""
from __future__ import annotations

import re

from ..read import Notation
from ..read.prose import _SECTION, _sentence, prose_definitions
from .formula_kinds import _defined_name, _definition_text
from .model import FormulaSpec

__all__ = ["_add_prose_definitions", "jacobian_reading"]


def _add_prose_definitions(text: str, specs: list, offsets: list, notation: Notation) -> None:
    """"where $a_i$ is $\\text{Softmax}(z_i)$" after a display: the name means that in its
    whole section, so the definition is read before the first formula of the section that
    writes the name (unless a formula of the section defines the name itself)."""
    found = prose_definitions(text)
    names = [_defined_name(latex, notation) for _, _, latex in found]
    for (offset, line, latex), name in zip(found, names):
        head = re.match(r"\\?[A-Za-z]+", latex)
        if name is None or head is None:
            continue
        start = max((m.start() for m in _SECTION.finditer(text, 0, offset)), default=0)
        again = sum(1 for (o, _, _), nm in zip(found, names) if nm == name and
                    max((m.start() for m in _SECTION.finditer(text, 0, o)), default=0) == start)
        uses = re.compile(r"(?<![A-Za-z\\])" + re.escape(head.group(0)) + r"(?![A-Za-z])")
        at = len(specs)
        for n, spec in enumerate(specs):
            if not start <= offsets[n] < offset or spec.id.startswith("p"):
                continue   # (another clause of the prose is no formula of the section)
            if _defined_name(_definition_text(spec.read or spec.latex, notation),
                             notation) == name:
                break   # the section defines it in a formula of its own
            if uses.search(spec.latex):
                # one clause for the name in its section: the whole section; several: each
                # explains the formula just before it
                at = n if again > 1 else min(at, n)
        else:
            if at == len(specs):   # no formula before it uses the name: read where it stands
                at = next((n for n, o in enumerate(offsets) if o > offset), len(specs))
            specs.insert(at, FormulaSpec(id=f"p{line}", line=line, latex=latex,
                                         reading="stated in the prose (\"where … is …\"): "
                                                 "read as a definition for its section"))
            offsets.insert(at, offset)



_JACOBIAN = re.compile(r"\bJacobian\b", re.I)
_ENTRY_DEF = re.compile(r"^\s*([A-Za-z])_\{?\s*([a-z])\s*\}?\s*(?:=|:=)(.*)$", re.S)


def jacobian_reading(name, latex: str, by_doc: dict, text: str, here: int):
    r"""``J_{ij} = ...`` where the prose before it calls J the Jacobian, and the text has
    defined one vector from another entry by entry (``a_i = \text{Softmax}(z_i)``): the claim
    ``∂a_i/∂z_j = ...`` and the reading said, or None."""
    m = re.match(r"\s*([A-Za-z])_\{?\s*([a-z])\s*([a-z])\s*\}?\s*=(?!=)(.*)$", latex, re.S)
    if not m or m.group(1) != name or here < 0 or m.group(2) == m.group(3):
        return None
    start, _ = _sentence(text, here)
    before = text[max(0, start - 300):here]
    if not _JACOBIAN.search(before) or not re.search(
            r"(?<![A-Za-z\\])" + re.escape(name) + r"(?![A-Za-z])", before):
        return None
    found = []
    for definition, _ in reversed(list(by_doc.values())):
        d = _ENTRY_DEF.match(definition)
        if not d:
            continue
        inputs = set(re.findall(r"(?<![A-Za-z\\])([A-Za-z])_\{?\s*[a-z]", d.group(3)))
        inputs -= {d.group(1)}
        if len(inputs) == 1:
            found.append((d.group(1), inputs.pop()))
    if len({f for f in found}) != 1:
        return None   # no vector defined from another, or several: which Jacobian?
    out, inp = found[0]
    i, j = m.group(2), m.group(3)
    claim = f"\\frac{{\\partial {out}_{{{i}}}}}{{\\partial {inp}_{{{j}}}}} = {m.group(4).strip()}"
    return claim, (f"{name}_{{{i}{j}}} read as \\partial {out}_{i} / \\partial {inp}_{j}: the text "
                   f"calls {name} the Jacobian")
