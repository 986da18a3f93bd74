"""Two document-level guards of an audit.

- "Holding $W$ fixed, $$dz = W dx$$": in a text that writes differentials, the sentence says
  which names do not vary for its formula (``dW = 0`` there).
- A definition whose record comes back unread (it fails only when decided, as ``Z = WX + b``
  read with plain numbers beside a matrix reading) leaves its name opaque: no later formula
  that rests on it is refuted through it.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..read.prose import _sentence
from ..verify.verdict import undecided
from .pieces import ROUNDED

__all__ = ["held_fixed", "guard_unread_definitions"]

_FIXED = re.compile(r"\b(?:hold(?:ing)?|keep(?:ing)?|with|for)\s+((?:\$[^$]+\$(?:\s*(?:,|and)\s*)?)+)"
                    r"\s*(?:held\s+)?(?:fixed|constant)\b", re.I)


def held_fixed(text: str, offset: int, notation) -> tuple[str, ...]:
    """The conditions ``dV = 0`` the sentence around *offset* states ("holding $W$ fixed"),
    in a text that writes differentials; () otherwise."""
    if offset < 0 or not getattr(notation, "differentials", ()):
        return ()
    start, _ = _sentence(text, offset)
    out = []
    for m in _FIXED.finditer(text, start, offset):
        for name in re.findall(r"\$\s*(\\?[A-Za-z]+)\s*\$", m.group(1)):
            out.append(f"d{name} = 0")
    return tuple(dict.fromkeys(out))


def guard_unread_definitions(results: list) -> list:
    """*results* (in the order of the text) with every refutation that rests on a definition
    whose own record is unread made unknown."""
    unread = {}
    for r in results:
        if r.spec.kind == "definition" and r.verdict.status == "unknown" and \
                (r.verdict.reason or "").startswith("unparsed"):
            unread.setdefault(r.spec.read or r.spec.latex, r.spec.line)
    if not unread:
        return results
    out = []
    for r in results:
        rests = [line for text, line in unread.items()
                 if text in r.spec.given and r.spec.line >= line]
        if rests and r.verdict.status == "refuted":
            r = replace(r, verdict=undecided(
                r.verdict, f"rests on the definition at line {rests[0]}, which could not be "
                           "read: not decided"), correct_form=None, broken_step=None)
        out.append(r)
    return out


def _named_in_prose(text: str, name: str) -> bool:
    """The prose says what *name* is ("where $E$ is the cross-entropy", "$E$ denotes")."""
    n = re.escape(name)
    return bool(re.search(r"\$\s*" + n + r"\s*(\([^$]*\))?\s*\$\s*(is|denotes|stands|will be|"
                          r"be|means|refers)\b|\b(where|let|with|denote)\s+\$\s*" + n +
                          r"\s*(\([^$]*\))?\s*\$", text, re.I))


_DECIMAL = re.compile(r"(?<![\w.])-?\d*\.\d{3,}(?![\d.])")   # 0.8808: not a coincidence
_HOLDS = ("proved", "verified", "adopted")


def _final_decimal(text: str) -> tuple[int, str] | None:
    """Where the value a formula ends in starts (``… ≈ 0.8808``, ``… = 0.2431``) and that
    decimal as written; None when it ends in anything else."""
    cut = max(text.rfind("\\approx"), text.rfind("="))
    if cut < 0:
        return None
    tail = text[cut + 1:].strip(" &.,")
    tail = tail[6:].strip() if text.startswith("\\approx", cut) else tail
    return (cut, tail) if _DECIMAL.fullmatch(tail) else None


def _stated_wrong_values(r) -> list[tuple[str, object]]:
    """The decimals a refuted value states (``O_2 ≈ 0.8808``, ``Sig(−2) ≈ 0.8808``): (as
    written, exact); [] for anything else."""
    end = _final_decimal(r.spec.latex) if r.verdict.status == "refuted" else None
    if end is None:
        return []
    from sympy import Rational
    return [(end[1], abs(Rational(end[1])))]


def _inputs(text: str) -> str:
    """A formula without the value it ends in (``… ≈ 0.8808``: its result, not an input)."""
    end = _final_decimal(text)
    return text if end is None else text[:end[0]]


def _name_pattern(name: str):
    """``O_3`` as a formula writes it (``O_3``, ``O_{3}``), not inside ``O_{31}``."""
    base, _, sub = name.partition("_")
    sub = sub.strip("{} ")
    core = re.escape(base) + (r"_\{?\s*" + re.escape(sub) + r"\s*\}?" if sub else "")
    return re.compile(r"(?<![A-Za-z\\])" + core + r"(?![A-Za-z0-9])")


def guard_wrong_values(results: list) -> list:
    """A worked example that goes on with a value it got wrong: a formula that writes that
    value (``Sig(0.6 − 0.3·0.8808 + …)`` after ``O_2 ≈ 0.8808`` was refuted), and what uses a
    name defined with it, is never proved, verified or adopted (its number may stand for the
    wrong one): unknown, naming the value.  A definition that only names such a name
    (``p = O_3``) still holds by fiat; the taint passes on to the name it defines."""
    from ..read.display import written_numbers
    wrong = [(r.spec.line, r.spec.id, shown, exact) for r in results
             for shown, exact in _stated_wrong_values(r)]
    if not wrong:
        return results
    out, tainted = [], []   # tainted: (name pattern, name, line, why)
    for r in results:
        why = dep = None
        if r.verdict.status in _HOLDS:
            nums = {abs(x) for x in written_numbers(_inputs(r.spec.read or r.spec.latex))}
            hit = next((w for w in wrong if w[3] in nums and w[1] != r.spec.id and
                        r.spec.line >= w[0]), None)
            if hit is not None:
                why = (f"uses {hit[2]}, the value stated at line {hit[0]}, which is wrong "
                       "there: not decided")
            else:
                dep = next((t for t in tainted if (t[0].search(r.spec.latex) or
                                                   t[0].search(r.spec.read or ""))
                            and r.spec.line >= t[2] and r.spec.defines != t[1]), None)
                if dep is not None:
                    why = f"depends on {dep[1]} (line {dep[2]}), {dep[3]}"
        if why is not None:
            if r.spec.defines:
                tainted.append((_name_pattern(r.spec.defines), r.spec.defines, r.spec.line,
                                "defined with a value the text got wrong: not decided"))
            if dep is not None and r.spec.kind == "definition" and r.spec.defines and \
                    not r.verdict.links:
                # p = O_3 names O_3 and writes no wrong value: a definition holds by fiat;
                # what uses p stays undecided through the taint just passed on to p
                r = replace(r, verdict=replace(r.verdict, reason=(
                    f"{r.verdict.reason}; it rests on {dep[1]} (line {dep[2]}), defined with a "
                    "value the text got wrong, so what uses it is not decided")))
                out.append(r)
                continue
            r = replace(r, verdict=undecided(r.verdict, why), correct_form=None, broken_step=None)
        out.append(r)
    return out


def guard_rounded_values(results: list, suffix: str = ROUNDED) -> list:
    """The rounded value a chain states (``… = Sig(0.4) ≈ 0.5987``, a record of its own, id
    ``<chain>.r``) holds for the chain's first side only when the exact chain holds: where
    the chain is refuted or undecided, a rounding that holds decides nothing about it."""
    chains = {r.spec.id: r for r in results}
    out = []
    for r in results:
        main = chains.get(r.spec.id[:-len(suffix)]) if r.spec.id.endswith(suffix) else None
        if main is not None and r.verdict.status in ("proved", "verified") and \
                main.verdict.status not in _HOLDS and main.spec.kind != "value":
            r = replace(r, verdict=undecided(r.verdict, (
                f"the rounding holds, but the chain before it at line {main.spec.line} is "
                f"{main.verdict.status}: whether its first side has this value is not decided")))
        out.append(r)
    return out
