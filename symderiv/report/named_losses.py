"""A loss the prose names ("and for cross-entropy cost $$L(y, t) = \\sum_k t_k \\log y_k$$")
is compared with the catalogue's form of that loss (:data:`symderiv.vocabulary.LOSSES`). A
definition that is the catalogue's with the opposite sign — the classic slip of a missing
minus — is checked against the catalogue form (and refused, with the form to write); one that
agrees, or is another variant the catalogue does not hold, is adopted as the text states it.

The comparison is a reading choice made with verdicts of :mod:`symderiv.verify` (through
:func:`symderiv.api.check`), never a verdict of its own."""
from __future__ import annotations

import re

from ..read import top_level_equals
from ..vocabulary import LOSSES

__all__ = ["named_loss", "prose_before"]

_SUM = re.compile(r"\\sum\s*(?:\\limits\s*)?_\s*(\{[^{}]*\}|[A-Za-z])\s*(\^\s*(\{[^{}]*\}|\w))?")


def named_loss(prose: str, latex: str, notation) -> tuple[str, str] | None:
    """(the catalogue definition to check *latex* against, the reading that says so) when
    *prose* (the sentence before the formula) names a catalogue loss and *latex* defines it
    with the opposite sign; else None."""
    eqs = top_level_equals(latex)
    if len(eqs) != 1 or "\\partial" in latex or "\\frac{d" in latex:
        return None
    head, body = latex[:eqs[0]].strip(), latex[eqs[0] + 1:].strip().rstrip(" .,;")
    name = re.match(r"\\?[A-Za-z]+(?:_\{?\w+\}?)?", head)
    if not name:
        return None
    for what, cue, templates in LOSSES:
        if not _names_it(cue, prose):
            continue
        for form in _forms(templates, body):
            if _negated(body, form, notation):
                return (f"{head} = {form}",
                        f"checked against {what} the text names, {form} (the text's "
                        "definition has the opposite sign)")
    return None


# what may follow the loss's name before its formula: "the cross-entropy loss $L$ is:"
_TAIL = re.compile(r"\s*(loss|cost|error|function|criterion)?\s*(\$[^$]*\$)?\s*(is|reads|becomes|"
                   r"is given by|is defined as|given by|defined as|we use|writes)?\s*[:,.]?\s*$",
                   re.I)
# ... and what makes the formula something else than that loss: "the reward is the negative
# squared error", "we maximise the log-likelihood (the cross-entropy's negative)"
_NOT_THE_LOSS = re.compile(r"negative|minus|maximi[sz]|reward|utility|gain|score|likelihood|"
                           r"probabilit|entropy of|recall|before|instead|unlike|not\b", re.I)


def _names_it(cue, prose: str) -> bool:
    """The sentence before the formula ends by naming the loss (``… for the cross-entropy
    cost``, ``the mean squared error:``): the formula is introduced as that loss."""
    found = list(cue.finditer(prose))
    if not found:
        return False
    last = found[-1]
    return bool(_TAIL.fullmatch(prose[last.end():])) and not _NOT_THE_LOSS.search(
        prose[:last.start()])


def prose_before(text: str, offset: int) -> str:
    """The sentence (or its part) right before the formula at *offset*, without other
    formulas: what the writer says the formula is."""
    before = re.sub(r"(\\\[|\$\$?|\\begin\{\w+\*?\}|\s)+$", "", text[max(0, offset - 300):offset])
    before = re.split(r"\$\$|\\\]|\\end\{\w+\*?\}", before)[-1]
    parts = re.split(r"(?<=[.!?])\s+|\n\s*\n", before.strip())
    return parts[-1] if parts else ""


def _forms(templates, body: str) -> list[str]:
    """The catalogue templates written in the text's own names, sum and index: each
    assignment of the two names the body uses to prediction and target."""
    m = _SUM.search(body)
    if m:
        sub = m.group(1).strip("{}")
        k = sub.split("=")[0].strip()
        limits = f"_{{{sub}}}" + (m.group(2) or "")
    else:
        k, limits = None, None
    if k is not None:
        names = re.findall(r"(?<![\\A-Za-z])(\\hat\s*\{\s*[A-Za-z]\s*\}|[A-Za-z])\s*_\s*\{?\s*" + re.escape(k) +
                           r"\s*\}?", body)
    else:
        names = re.findall(r"(?<![\\A-Za-z])(\\hat\s*\{\s*[A-Za-z]\s*\}|[A-Za-z])(?![A-Za-z])",
                           re.sub(r"\\(log|ln|left|right|frac|sum)\b", " ", body))
    names = list(dict.fromkeys(n.replace(" ", "") for n in names))
    if len(names) != 2:
        return []
    out = []
    for p, q in (names, names[::-1]):
        for t in templates:
            if ("{k}" in t) != (k is not None):
                continue
            out.append(t.format(p=p, q=q, k=k, sum=f"\\sum{limits}" if limits else ""))
    return out


def _negated(body: str, form: str, notation) -> bool:
    from ..api import check
    from ..notation import SymderivError
    try:
        v = check(f"{body} = -\\left({form}\\right)", notation=notation, timeout=3.0)
    except SymderivError:
        return False
    return v.status == "proved"
