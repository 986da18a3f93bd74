"""What every renderer says about a formula in one line, and how a report counts its formulas.

The renderers (Markdown, LaTeX, HTML) share these words so the three formats agree: a formula is
a *claim* (checked: proved, verified, refuted or unknown), a *definition* (adopted, or refused
when it contradicts what the text or the catalogue says — never "proved"), *unread* (symderiv
could not read it, or it is code), or *context* (a case condition, an assumption, a stated
value the formulas after it are read with).

>>> shorten("the two sides differ at the counterexample", 20)
'the two sides…'
>>> unrepr(r"cannot read '\\\\frac{a}{b}'")
"cannot read '\\\\frac{a}{b}'"
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .misprints import odd_entries
from .model import FormulaResult, PostReport

__all__ = ["category", "shown_status", "action", "shorten", "unrepr", "Tally", "tally",
           "doubts", "CATEGORIES"]

CATEGORIES = ("claim", "definition", "unread", "context")
ANNOTATED = "annotated by hand"   # a hand reading from a claim file (see annotate.py)


def annotated(results) -> int:
    """How many formulas took a hand reading (the raw reading gave another verdict)."""
    return sum(1 for r in results if (r.spec.reading or "").startswith(ANNOTATED))


_CONTEXT_KINDS = ("condition", "assumption", "value", "mention")
_DEFINITION_KINDS = ("definition", "redefinition")
_DECLARATIONS = ("index ranges", "shape algebra from the declarations")
_DECLARES = re.compile(r"\\in\b|∈|\\leq?\b|≤|<|\\lt\b")


def shorten(s: str, n: int = 160) -> str:
    """*s* on one line, at most *n* characters, cut at a word boundary (never mid-word)."""
    s = " ".join(str(s).split())
    if len(s) <= n:
        return s
    cut = s[: n - 1]
    space = cut.rfind(" ")
    if space > 0:   # (one long token, such as a formula written without spaces, is cut)
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def unrepr(s: str) -> str:
    """Undo the doubled backslashes a Python ``repr`` leaves in a message (``'\\\\frac'``):
    a doubled backslash before anything but a space or a backslash is one backslash."""
    return re.sub(r"\\\\(?=[^\s\\])", r"\\", s or "")


def _end(s: str) -> str:
    """A sentence's end: a full stop unless it already ends with one (or an ellipsis)."""
    s = s.rstrip()
    return s if s.endswith((".", "…", "!", "?")) else s + "."


def _unread(r: FormulaResult) -> bool:
    v = r.verdict
    if r.spec.kind == "code":
        return v.status == "unknown"
    reason = v.reason or ""
    return v.status == "unknown" and reason.startswith(
        ("unparsed", "could not check", "not an equation", "too large", "unclosed"))


def category(r: FormulaResult) -> str:
    """claim | definition | unread | context (see the module's docstring)."""
    if r.spec.kind in _CONTEXT_KINDS:
        return "context"
    if _unread(r):
        return "unread"
    if r.spec.kind in _DEFINITION_KINDS or r.verdict.status == "adopted" or (
            r.verdict.method in _DECLARATIONS and _DECLARES.search(r.spec.latex)):
        return "definition"   # "1 ≤ i ≤ K", "W ∈ R^{m×n}": adopted (a claim that the shapes
    return "claim"            # refute, ∂L/∂W = ∂L/∂y x, stays a claim)


def shown_status(r: FormulaResult) -> str:
    """The word a reader sees: a definition is adopted or refused, never proved."""
    cat, status = category(r), r.verdict.status
    if cat == "definition":
        return {"refuted": "refused", "unknown": "unknown"}.get(status, "adopted")
    if cat == "unread":
        return "not read"
    if cat == "context":
        return r.spec.kind
    return status


def doubts(r: FormulaResult) -> list[str]:
    """The doubts of the readings of a formula (each once, in order)."""
    seen: dict[str, None] = {}
    for reading in r.verdict.readings:
        for d in reading.doubts:
            seen.setdefault(unrepr(d), None)
    return list(seen)


def action(r: FormulaResult) -> list[tuple[str, str]]:
    """What to do about the formula, as segments ``("text", words)`` and ``("math", latex)``
    that each renderer typesets its own way.  The correct form for a slip, the reading to
    confirm for an undecided formula, why it was not read for an unread one."""
    v, spec, cat = r.verdict, r.spec, category(r)
    reason = shorten(unrepr(v.reason or ""), 140)
    if cat == "context":
        what = {"condition": "a case condition", "assumption": "an assumption",
                "value": "a stated value", "mention": "a quantity the prose names"}[spec.kind]
        if spec.kind == "mention":
            return [("text", f"Nothing to check: {spec.reading or what}.".replace(
                ": nothing to check.", "."))]
        return [("text", f"Nothing to check: {what}, used for the formulas after it.")]
    if cat == "unread":
        if spec.kind == "code":
            return [("text", "Not read (code is read, never run): "
                             f"{reason or 'no reason given'}.")]
        return [("text", f"Not read: rewrite it in standard notation or check it by hand "
                         f"({reason or 'no reason given'}).")]
    if v.status == "refuted":
        head = "Refused as a definition" if cat == "definition" else "Wrong"
        if r.correct_form:
            return [("text", f"{head}: replace it with "), ("math", r.correct_form),
                    ("text", ".")]
        why = reason or "see the counterexample"
        return [("text", _end(f"{head}: {why}"))]
    if v.status == "unknown":
        ds = doubts(r)
        if ds:
            return [("text", _end(f"Confirm the reading ({shorten('; '.join(ds), 120)}): "
                                  f"{reason or 'the readings disagree'}"))]
        return [("text", _end(f"Not decided: {reason or 'no reason given'}"))]
    if cat == "definition":
        name = spec.defines
        return [("text", f"Adopted as the definition of {name}." if name else
                 "Adopted as a definition, used for the formulas after it.")]
    if v.conditions:
        out = [("text", "Holds under ")]
        for k, c in enumerate(v.conditions[:3]):
            head, sep, tail = c.partition(", which ")
            out += ([("text", "; ")] if k else []) + [("math", head)] + \
                ([("text", shorten(sep + tail, 90))] if sep else [])
        unstated = "relies on" in (v.reason or "") or any(
            "not stated" in c or "does not state" in c for c in v.conditions)
        return out + [("text", ": state it in the text." if unstated else
                       "; nothing to change.")]
    if "relies on" in (v.reason or ""):
        return [("text", f"Holds, but {reason.rstrip('.…')}: state it in the text.")]
    odd = odd_entries(spec.reading)
    if odd:   # a dots matrix whose pattern holds, with entries misprinted
        return [("text", f"Its pattern holds; the entries {odd} are misprinted: correct them "
                         "(each is checked in its own row).")]
    if v.status == "verified":
        return [("text", "Holds at the sizes checked (exactly); nothing to change.")]
    return [("text", "Holds; nothing to change.")]


def is_slip(r: FormulaResult) -> bool:
    """A formula the summary lists as a slip: refuted, or a dots matrix whose pattern holds
    with entries misprinted (each also a record of its own)."""
    return r.verdict.status == "refuted" or bool(odd_entries(r.spec.reading))


def slip_note(r: FormulaResult) -> str:
    """What a slip's line says when it has no correct form."""
    odd = odd_entries(r.spec.reading)
    if odd and r.verdict.status != "refuted":
        return f"its pattern holds; the entries {odd} are misprinted"
    return r.verdict.reason or ""


@dataclass(frozen=True)
class Tally:
    """Counts of one report: claims by verdict, definitions adopted/refused, unread, context."""
    claims: dict
    definitions: dict
    unread: int
    context: int

    @property
    def total(self) -> int:
        return sum(self.claims.values()) + sum(self.definitions.values()) + \
            self.unread + self.context

    @property
    def slips(self) -> int:
        return self.claims.get("refuted", 0) + self.definitions.get("refused", 0)

    def sentence(self) -> str:
        """One sentence that counts every kind apart."""
        n_claims = sum(self.claims.values())
        claims = ", ".join(f"{v} {k}" for k, v in self.claims.items() if v) or "none"
        defs = ", ".join(f"{v} {k}" for k, v in self.definitions.items() if v) or "none"
        n_defs = sum(self.definitions.values())
        return (f"{self.total} formula{'s' * (self.total != 1)}: "
                f"{n_claims} claim{'s' * (n_claims != 1)} ({claims}); "
                f"{n_defs} definition{'s' * (n_defs != 1)} ({defs}); "
                f"{self.unread} not read; {self.context} conditions, assumptions, values and "
                "mentions.")


def tally(results) -> Tally:
    claims = {s: 0 for s in ("proved", "verified", "refuted", "unknown")}
    definitions = {s: 0 for s in ("adopted", "refused", "unknown")}
    unread = context = 0
    for r in results:
        cat = category(r)
        if cat == "claim":
            claims[r.verdict.status if r.verdict.status in claims else "unknown"] += 1
        elif cat == "definition":
            definitions[shown_status(r)] += 1
        elif cat == "unread":
            unread += 1
        else:
            context += 1
    return Tally(claims, definitions, unread, context)


def report_tally(rep: PostReport) -> Tally:
    return tally(rep.results)
