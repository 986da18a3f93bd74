r"""Conditional probabilities as ML texts write them: ``P(\mathbf{y}^{(i)} \mid \mathbf{x}^{(i)})``,
``p(C=1 | x; w, b)``, ``\Pr(y = j \mid x)``.

symderiv does not model distributions; such a probability is one opaque positive quantity
named by what is written inside it (``P(y|x)``), and ``P(\mathbf{y}^{(i)} \mid
\mathbf{x}^{(i)})`` is its value for sample i (under ``\prod_i`` or ``\sum_i``). The rewrite
gives the reader a name it reads as such: ``P^{(i)}_{\text{y|x}}``. The ``=`` and ``|`` inside
the parentheses are part of that name, never an equation or an absolute value.
"""
from __future__ import annotations

import re

__all__ = ["rewrite_probabilities", "probability_spans"]

_HEAD = re.compile(r"(?<![A-Za-z\\])(P|p|\\Pr|\\mathbb\s*\{P\}|\\operatorname\s*\{P\})\s*"
                   r"(\\left\s*)?\(")
_FONT = re.compile(r"\\(mathbf|boldsymbol|bm|mathrm|textrm|text|mathit|hat|tilde|bar)\s*")
_SAMPLE = re.compile(r"\^\s*\{\s*\(\s*([A-Za-z])\s*\)\s*\}")


def probability_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, inner start, end) of each ``P( … | … )`` of *text* (balanced parentheses,
    a ``|`` or ``\\mid`` at their top level)."""
    out = []
    for m in _HEAD.finditer(text):
        depth, n = 1, m.end()
        while n < len(text) and depth:
            depth += (text[n] == "(") - (text[n] == ")")
            n += 1
        if depth:
            continue
        inner = text[m.end():n - 1]
        inner = re.sub(r"\\right\s*$", "", inner)
        flat = re.sub(r"\([^()]*\)", "", inner)
        if "|" in flat or "\\mid" in flat:
            out.append((m.start(), m.end(), n))
    return out


def rewrite_probabilities(text: str) -> str:
    """*text* with each conditional probability as one name (see the module docstring)."""
    spans = probability_spans(text)
    for start, inner_start, end in reversed(spans):
        inner = re.sub(r"\\right\s*$", "", text[inner_start:end - 1])
        samples = set(_SAMPLE.findall(inner))
        key = _SAMPLE.sub("", inner) if len(samples) == 1 else inner
        key = _FONT.sub("", key).replace("\\mid", "|")
        key = re.sub(r"\\[A-Za-z]+|[{}\s]", "", key)
        key = re.sub(r"[^A-Za-z0-9=|;,.+\-]", "", key)
        if not key:
            continue
        sup = f"^{{({samples.pop()})}}" if len(samples) == 1 else ""
        text = text[:start] + f"P{sup}_{{\\text{{{key}}}}}" + text[end:]
    return text
