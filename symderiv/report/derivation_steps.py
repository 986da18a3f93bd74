"""Bare displayed expressions that continue a derivation ("we can plug them in and reduce:
…", "split up the denominator: …") are claimed values of the quantity the derivation ends
with (``\\frac{\\partial y_j}{\\partial x_i} = …`` a few formulas later): read so, with that
reading stated as a doubt on the verdict."""
from __future__ import annotations

import re
from dataclasses import replace

from ..extract import extract_formulas
from ..read import top_level_equals

__all__ = ["continued_derivations", "mentions"]

# what a writer says before the next step of a computation
_CUE = re.compile(r"\b(plug\w*|fill\w* in|reduc\w*|split\w*|expand\w*|simplif\w*|simply out|"
                  r"cancel\w*|rearrang\w*|like terms|substitut\w*)\b", re.I)
# ... unless it names another quantity: "the derivative of the denominator is:"
_OTHER = re.compile(r"\b(derivative|gradient|partial)s?\s+(of|by|with)\b|\bnumerator|"
                    r"\bvalue|\bentr(y|ies)\b|diagonal|\bwith respect to\b|\bsum\b|"
                    r"\bterm\b|\$", re.I)
_DERIVATIVE = re.compile(r"\s*(\\left\s*)?(\\frac\s*\{\s*(\\partial|\\mathrm\s*\{d\}|d\b|∂)|"
                         r"\\partial|∂|\\nabla)")
_RELATION = re.compile(r"\\(leq?|geq?|neq|ne|approx|in|notin|subset|subseteq|to|sim|propto|"
                       r"mapsto|coloneqq|equiv)\b|[<>∈∉≤≥≠≈→⊂⊆≡:]")
_REACH = 12   # formulas searched for the one that concludes the derivation


def continued_derivations(text: str, specs: list) -> list:
    """*specs* (in the order of the text) with each bare display that continues a
    derivation read as ``Q = expression``, Q the left side of the derivative equation that
    ends the derivation."""
    displays = [f for f in extract_formulas(text) if f.kind == "display"]
    out = list(specs)
    for n, spec in enumerate(out):
        if spec.kind != "claim" or spec.lhs or spec.read or top_level_equals(spec.latex) \
                or _RELATION.search(spec.latex) or not spec.latex.strip():
            continue
        found = next((f for f in displays if f.line == spec.line and
                      spec.latex.strip() in f.latex), None)
        if found is None or not _continues(text, found, displays):
            continue
        target = _conclusion(out, n)
        if target is None:
            continue
        head, line = target
        said = (f"it is read as a step of the derivation of {head} that line {line} "
                "concludes (a bare expression after the text's cue for the next step)")
        out[n] = replace(spec, lhs=head, reading=said, tentative=said)
    return out


def _continues(text: str, found, displays) -> bool:
    """The prose right before the display cues the next step (or the display follows
    another display with nothing but space between)."""
    start = found.offset
    before = [f for f in displays if f.offset < start]
    end = 0
    if before:
        prev = before[-1]
        end = text.find(prev.latex, prev.offset)
        end = prev.offset if end < 0 else end + len(prev.latex)
        gap = re.sub(r"\\\]|\$\$|\\end\{\w+\*?\}|\\begin\{\w+\*?\}|\\\[", "", text[end:start])
        if not gap.strip():
            return _continues(text, prev, displays) if prev is not found else False
    prose = re.sub(r"(\\\[|\$\$|\\begin\{\w+\*?\}|\s)+$", "", text[max(end, start - 300):start])
    sentence = re.split(r"(?<=[.!?])\s+|\n\s*\n", prose.strip())[-1] if prose.strip() else ""
    return bool(_CUE.search(sentence)) and not _OTHER.search(sentence)


def _conclusion(out: list, n: int):
    """(left side, line) of the first derivative equation after formula *n*."""
    for spec in out[n + 1:n + 1 + _REACH]:
        if spec.kind not in ("claim",):
            continue
        eqs = top_level_equals(spec.read or spec.latex)
        if not eqs:
            continue
        latex = spec.read or spec.latex
        head = latex[:eqs[0]].strip(" &")
        if _DERIVATIVE.match(head) and not re.search(r"[:]", head):
            return head, spec.line
    return None


def mentions(text: str, specs: list) -> list:
    """Inline formulas with no relation (``$x$``, ``$\\frac{\\partial L}{\\partial W}$``
    in "here is $\\frac{\\partial L}{\\partial W}$"): quantities the prose names, listed
    as such (nothing to check), not as undecided claims."""
    inline = {(f.line, f.latex.strip()) for f in extract_formulas(text) if f.kind != "display"}
    out = []
    for s in specs:
        entries = _ENTRIES.fullmatch(s.latex)
        if s.kind == "claim" and not s.lhs and not s.read and entries and \
                entries.group(1) == entries.group(2) == entries.group(3):
            # y = \{y_1, \dots, y_K\}: the vector's entries named, nothing to check
            out.append(replace(s, kind="mention", reading=(
                f"names the entries of the vector {entries.group(1)}: nothing to check")))
        elif s.kind == "claim" and not s.lhs and not s.read and (s.line, s.latex.strip()) \
                in inline and not top_level_equals(s.latex) and \
                not _RELATION.search(s.latex) and "\\\\" not in s.latex:
            out.append(replace(s, kind="mention",
                               reading="a quantity the prose names: nothing to check"))
        else:
            out.append(s)
    return out


_ENTRIES = re.compile(r"\s*(\\?[A-Za-z]+)\s*=\s*(?:\\left\s*)?(?:\\\{|\(|\[)\s*(\\?[A-Za-z]+)\s*_\s*\{?\s*1\s*\}?\s*,"
                      r"\s*(?:\\[lc]?dots|\.\.\.|…)\s*,\s*(\\?[A-Za-z]+)\s*_\s*\{?\s*\w+\s*\}?\s*"
                      r"(?:\\right\s*)?(?:\\\}|\)|\])\s*")
