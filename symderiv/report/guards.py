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
