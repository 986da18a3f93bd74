"""The equations of a document, before they are read in context: displays split into rows,
``&= ...`` rows joined into chains, a display holding one formula kept as written, and a chain
that ends rounded (``O_2 = Sig(−2) ≈ 0.8808``) read as its exact part and the rounded value it
states, a claim of its own (id ``<chain>.r``; the guards that keep a rounding or a wrong value
from deciding the chain are in ``guards``); case conditions of the prose."""
from __future__ import annotations

import re
from dataclasses import replace

from ..extract import extract_formulas
from ..read import Notation, split_display, top_level_equals
from ..read.display import _split_joined, approx_tail
from ..read.prose import _introduces_example, _section_end, _sentence
from .formula_kinds import _condition_of, _enumerated
from .model import FormulaSpec

_FENCE = re.compile(r"^\s*(```|~~~)")


def _parts(text: str) -> list[int]:
    """The lines of the "# " titles of a text that collects several (notebooks, chapters),
    outside code blocks; [] for a text with one title or none."""
    lines, fenced, out = text.split("\n"), False, []
    for n, line in enumerate(lines, 1):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and re.match(r"# \S", line):
            out.append(n)
    return out if len(out) > 1 else []


def _pieces(text: str, notation: Notation) -> tuple[list[FormulaSpec], list[int]]:
    """Every equation of the document (displays split), with its offset; ``&= ...`` lines
    continue the chain of the line before; enumerated definitions are read as one."""
    specs, offsets = [], []
    for n, found in enumerate(extract_formulas(text), 1):
        # inline math with line breaks ($A = B \\ C = D$) holds several equations too
        several = found.kind == "display" or "\\\\" in found.latex or \
            len(_split_joined(found.latex)) > 1
        pieces = split_display(found.latex, keep_tabs=True) if several else [found.latex]
        if found.latex.strip() and not any(p.strip() for p in pieces):
            pieces = [found.latex]   # only a comment (%...) or spacing: listed, not dropped
        previous = None
        for m, piece in enumerate(pieces, 1):
            if not piece.strip():
                continue
            spec = FormulaSpec(id=f"f{n}" + (f".{m}" if len(pieces) > 1 else ""),
                               line=found.line, latex=piece)
            eqs = top_level_equals(piece)
            if piece.lstrip(" &").startswith(("=", "\\approx")) and m > 1 and specs \
                    and specs[-1].read is None \
                    and specs[-1].lhs is None and top_level_equals(specs[-1].latex):
                # "&= ..." continues the chain of the row before: one chain, each link
                # judged, and each side's claim is "first side = this side"
                specs[-1] = replace(specs[-1], latex=specs[-1].latex.rstrip() + " " + piece.strip())
                if eqs:
                    previous = piece[eqs[-1] + 1:].strip() or previous
                continue
            if piece.lstrip(" &").startswith("=") and previous is not None:
                # "&= ..." continues the chain: its left side is the line before's last side
                spec = replace(spec, lhs=previous, read=piece.lstrip(" &")[1:].strip(),
                               reading="continues the chain of the line before, whose last "
                                       "side is its left side")
            if eqs:
                previous = piece[eqs[-1] + 1:].strip() or previous
            general = _enumerated(piece, notation) if len(eqs) > 1 else None
            if general is not None:
                spec = replace(spec, read=general, reading=f"the enumerated definitions read "
                                                           f"as one: {general}")
            specs.append(spec)
            offsets.append(found.offset)
        if found.kind == "display" and specs and offsets.count(found.offset) == 1 and \
                offsets[-1] == found.offset:   # one formula: the display as written
            specs[-1] = replace(specs[-1], source=verbatim(found.latex))
    return rounded_tails(specs, offsets)


def _prose_conditions(text: str, specs: list, offsets: list) -> dict:
    """Formula index → (case condition, its sentence span): "for $i \\neq j$", "when $T = 1$"."""
    conds = {}
    for n, spec in enumerate(specs):
        if offsets[n] < 0:
            continue
        c = _condition_of(spec.latex)
        span = _sentence(text, offsets[n])
        if c is None and re.fullmatch(r"\s*[A-Za-z]\s*=\s*\d+\s*", spec.latex) and \
                not _introduces_example(text, offsets[n]) and \
                sum(span[0] <= at < span[1] for at in offsets) > 1:
            # "only right when $T = 1$": a case of its sentence's formulas, not data; alone in
            # its sentence ("the batch has two examples, $N = 2$.") it is a stated value
            c = " ".join(spec.latex.split())
        if c is not None and _CONTRAST.search(text, span[0], offsets[n]):
            # "unlike the case $i = j$, ...", "except when $i = j$ ...": the other case
            c = c.replace("\\neq", "=") if "\\neq" in c else c.replace("=", "\\neq", 1)
        if c is not None and _FOR_SECTION.search(text, span[0], span[1]):
            # "throughout this section we assume $i \\neq j$": the section's case, up to a
            # case its later sentences state (the nearest one wins)
            span = (span[0], max(span[1], _section_end(text, offsets[n])))
        if c is not None:
            conds[n] = (c, span)
    return conds


_FOR_SECTION = re.compile(r"\b(?:throughout|from now on|in (?:this|the rest of this) "
                          r"(?:section|derivation|part)|in what follows|for the rest of)\b", re.I)
_CONTRAST = re.compile(
    r"\b(?:unlike|except|other than|compared (?:with|to)|whereas|in contrast to|as opposed "
    r"to|apart from|instead of|rather than)\b(?:[\s,]+(?:the|a|an|in|of|when|where|for|if|"
    r"that|case|cases|(?:off-)?diagonal|entry|entries|one|situation))*[\s,]*\$?\s*\Z", re.I)




def verbatim(display: str) -> str:
    """A display as written, without its delimiters ($$ … $$, \\[ … \\])."""
    text = display.strip()
    for left, right in (("$$", "$$"), ("\\[", "\\]")):
        if text.startswith(left) and text.endswith(right):
            return text[len(left):len(text) - len(right)].strip()
    return text


ROUNDED = ".r"   # the id suffix of a chain's rounded value


def rounded_tails(specs, offsets):
    """``O_2 = Sig(−2) ≈ 0.8808``: the exact chain, and the rounded value it states
    (``Sig(−2) ≈ 0.8808``) as a claim of its own; it holds for the first side only when the
    exact chain does (guards.guard_rounded_values)."""
    out, where = [], []
    for spec, at in zip(specs, offsets):
        cut = approx_tail(spec.latex) if spec.read is None and spec.lhs is None else None
        if cut is None:
            out.append(spec), where.append(at)
            continue
        head, tail, lead = cut
        out += [replace(spec, latex=head, source=None), replace(
            spec, id=spec.id + ROUNDED, latex=tail, source=None,
            reading=f"the rounded value the chain states for {lead}, from its last exact side")]
        where += [at, at]
    return out, where
