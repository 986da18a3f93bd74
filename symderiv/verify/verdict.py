"""The verdict: what a check says, with its evidence, and how the verdicts of several plausible
readings of one formula combine (the soundness rule for readings, see DESIGN.md).

>>> p = Verdict("proved", "symbolic", read_as="a = a")
>>> r = Verdict("refuted", "exact", read_as="a = b",
...             counterexample=Counterexample(0, (), (("a", "1"), ("b", "2")), "1", "2"))
>>> combine_readings([(p, ()), (r, ("b read as a product",))]).status
'unknown'
>>> combine_readings([(p, ()), (p, ("x read as a name",))]).status
'proved'
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import sympy

__all__ = ["Verdict", "Counterexample", "ReadingResult", "combine_readings", "summarize_chain",
           "undecided", "adopt",
           "STATUSES", "EXIT_CODES"]

STATUSES = ("proved", "verified", "refuted", "unknown", "adopted")
EXIT_CODES = {"proved": 0, "verified": 0, "refuted": 1, "unknown": 2, "adopted": 0}
HOLDS = ("proved", "verified", "adopted")


@dataclass(frozen=True)
class Counterexample:
    """A concrete point where the two sides differ, re-checked exactly."""

    K: int
    indices: tuple[tuple[str, int], ...]
    values: tuple[tuple[str, str], ...]
    lhs: str
    rhs: str
    note: str = ""
    size_name: str = "K"
    correct: str = ""   # the right side's correct value, where the check knows it (LaTeX)

    def to_json(self) -> dict:
        return {"K": self.K, "size": self.size_name, "indices": dict(self.indices),
                "values": dict(self.values), "lhs": self.lhs, "rhs": self.rhs,
                **({"note": self.note} if self.note else {}),
                **({"correct": self.correct} if self.correct else {})}

    def __str__(self) -> str:
        idx = ", ".join(f"{k} = {v}" for k, v in self.indices)
        vals = "; ".join(f"{k} = {v}" for k, v in self.values)
        head = "; ".join(p for p in (f"{self.size_name} = {self.K}" if self.K else "", idx,
                                     vals, self.note)
                         if p)
        if not (self.lhs or self.rhs):   # e.g. a shape mismatch: no values to show
            return head
        return f"{head}: left side = {self.lhs}, right side = {self.rhs}"


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: one type for the CLI, the reports, the API and pytest."""

    status: str
    method: str
    conditions: tuple[str, ...] = ()
    counterexample: Counterexample | None = None
    reason: str | None = None
    links: tuple["Verdict", ...] = ()
    claim: str = ""
    read_as: str = ""
    readings: tuple["ReadingResult", ...] = ()
    missing: str | None = None   # a condition under which the claim would hold, not stated

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        if self.status == "refuted" and self.counterexample is None and not self.links:
            raise ValueError("a refuted verdict needs a counterexample")

    @property
    def ok(self) -> bool:
        return self.status in HOLDS

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def to_json(self) -> dict:
        return {
            "claim": self.claim, "read_as": self.read_as, "verdict": self.status,
            "method": self.method, "conditions": list(self.conditions),
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "reason": self.reason,
            "readings": [r.to_json() for r in self.readings],
            "links": [v.to_json() for v in self.links],
        }

    def __str__(self) -> str:
        lines = [f"{self.status.upper()}: {self.claim or self.read_as}"]
        if self.read_as:
            lines.append(f"  read as: {self.read_as}")
        lines.append(f"  method: {self.method}")
        if self.conditions:
            lines.append(f"  conditions: {'; '.join(self.conditions)}")
        if self.counterexample:
            lines.append(f"  counterexample: {self.counterexample}")
        if self.reason:
            lines.append(f"  reason: {self.reason}")
        if len(self.readings) > 1 or any(r.doubts for r in self.readings):
            for n, r in enumerate(self.readings, 1):
                doubts = f" ({'; '.join(r.doubts)})" if r.doubts else ""
                lines.append(f"  reading {n}: {r.read_as}{doubts}: {r.status}")
        for n, link in enumerate(self.links, 1):
            lines.append(f"  link {n}: " + str(link).replace("\n", "\n  "))
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        out = f"**{self.status}** — ${self.read_as}$\n\n*method:* {self.method}"
        if self.conditions:
            out += "\n\n*conditions:* " + "; ".join(self.conditions)
        if self.counterexample:
            out += f"\n\n*counterexample:* {self.counterexample}"
        if self.reason:
            out += f"\n\n*reason:* {self.reason}"
        return out

    def _repr_latex_(self) -> str:
        return rf"$\text{{{self.status}}}:\ {self.read_as}$"




@dataclass(frozen=True)
class ReadingResult:
    """One plausible reading of a formula, its doubts and what it gives."""

    read_as: str
    doubts: tuple[str, ...] = ()
    status: str = "unknown"
    reason: str | None = None

    def to_json(self) -> dict:
        return {"read_as": self.read_as, "doubts": list(self.doubts), "verdict": self.status}


def summarize_chain(links: Sequence[Verdict], claim: str = "", read_as: str = "",
                    conclusion: str | None = None) -> Verdict:
    """The verdict of a chain ``a = b = c`` from the verdicts of its links: refuted if a link
    breaks, unknown if one is undecided, else proved (every link proved) or verified.
    *conclusion* is the status of "first side = last side", named in a refutation's reason."""
    links = tuple(links)
    method = f"chain of {len(links)} links, each judged"
    broken = [n for n, v in enumerate(links, 1) if v.status == "refuted"]
    undecided = [n for n, v in enumerate(links, 1) if v.status == "unknown"]
    if broken:
        first = links[broken[0] - 1]
        verb = "breaks" if len(broken) == 1 else "break"
        reason = f"link {', '.join(map(str, broken))} of {len(links)} {verb}"
        if conclusion is not None:
            holds = {"proved": "still holds", "verified": "still holds (verified)",
                     "refuted": "does not hold", "unknown": "is undecided"}[conclusion]
            reason += f"; the chain's conclusion (first side = last side) {holds}"
        return Verdict("refuted", method, conditions=first.conditions,
                       counterexample=first.counterexample, reason=reason, links=links,
                       claim=claim, read_as=read_as,
                       missing=next((v.missing for v in links if v.missing), None))
    if undecided:
        return Verdict("unknown", method,
                       reason=f"link {', '.join(map(str, undecided))} undecided: "
                              + "; ".join(links[n - 1].reason or "" for n in undecided),
                       links=links, claim=claim, read_as=read_as,
                       missing=next((v.missing for v in links if v.missing), None))
    statuses = {v.status for v in links}
    status = ("adopted" if links and links[0].status == "adopted" and statuses <= {
        "adopted", "proved"} else "proved" if statuses <= {"proved", "adopted"} else "verified")
    conds = tuple(dict.fromkeys(c for v in links for c in v.conditions))
    return Verdict(status, method, conditions=conds, links=links, claim=claim, read_as=read_as)


def _doubtful(v: Verdict, doubts: tuple[str, ...]) -> Verdict:
    """A lone reading with doubts is never refuted: the doubt may be the slip."""
    if v.links:
        links = tuple(_doubtful(link, doubts) for link in v.links)
        if links == v.links:
            return v
        return replace(summarize_chain(links, v.claim, v.read_as), readings=v.readings)
    if v.status != "refuted":
        return v
    return Verdict("unknown", v.method, conditions=v.conditions, claim=v.claim,
                   read_as=v.read_as, missing=v.missing,
                   reason=f"refuted only under a doubtful reading ({'; '.join(doubts)}): "
                          f"{v.reason or 'the sides differ'} ({v.counterexample}); confirm the "
                          "reading to have it decided")


def combine_readings(results: Sequence[tuple[Verdict, tuple[str, ...]]], claim: str = "",
                     read_as: str = "") -> Verdict:
    """One verdict from the verdicts of every plausible reading (``(verdict, doubts)``, the
    preferred reading first): proved/verified only when every reading holds, refuted only when
    every reading is refuted (each with its own re-checked counterexample), else unknown naming
    what each reading gives.  Chains are combined link by link."""
    if not results:
        raise ValueError("combine_readings needs at least one reading")
    first = results[0][0]
    claim = claim or first.claim
    read_as = read_as or first.read_as
    summary = tuple(ReadingResult(v.read_as, tuple(d), v.status, v.reason) for v, d in results)
    if len(results) == 1:
        doubts = tuple(results[0][1])
        v = _doubtful(first, doubts) if doubts else first
        return replace(v, claim=claim, read_as=read_as, readings=summary)
    n_links = {len(v.links) for v, _ in results}
    if len(n_links) == 1 and n_links != {0}:
        links = tuple(combine_readings([(v.links[k], d) for v, d in results])
                      for k in range(n_links.pop()))
        links = tuple(replace(link, readings=()) if len({r.read_as for r in link.readings}) == 1
                      and not any(r.doubts for r in link.readings) else link for link in links)
        return replace(summarize_chain(links, claim, read_as), readings=summary)
    statuses = [v.status for v, _ in results]
    if all(s in HOLDS for s in statuses):
        status = ("adopted" if all(s == "adopted" for s in statuses) else
                  "proved" if all(s in ("proved", "adopted") for s in statuses) else "verified")
        conds = tuple(dict.fromkeys(c for v, _ in results for c in v.conditions))
        return replace(first, status=status, conditions=conds, claim=claim, read_as=read_as,
                       readings=summary)
    if all(s == "refuted" for s in statuses):
        return replace(first, claim=claim, read_as=read_as, readings=summary,
                       reason=(first.reason or "the sides differ")
                       + f"; every plausible reading ({len(results)}) is refuted")
    said = "; ".join(f"read as {r.read_as}" + (f" ({', '.join(r.doubts)})" if r.doubts else "")
                     + f": {r.status}" for r in summary)
    return Verdict("unknown", "every plausible reading decided", claim=claim, read_as=read_as,
                   readings=summary, missing=next((v.missing for v, _ in results if v.missing),
                                                  None),
                   reason=f"the plausible readings disagree: {said}; confirm the reading "
                          "(e.g. define the name) to have it decided")


def undecided(v: Verdict, reason: str, links: Sequence[bool] | None = None) -> Verdict:
    """*v* made unknown for *reason* (a name it rests on is opaque, say): the whole verdict, or
    only the links flagged in *links* (a chain keeps the links that do not rest on it)."""
    if links is None or not v.links or len(links) != len(v.links):
        return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as, reason=reason,
                       readings=v.readings)
    new = tuple(undecided(link, reason) if flag else link for link, flag in zip(v.links, links))
    return replace(summarize_chain(new, v.claim, v.read_as), readings=v.readings)


def adopt(v: Verdict, name: str, reason: str | None = None) -> Verdict:
    """The verdict of a definition the text states: adopted (read, and used for what follows),
    not proved — for a chain ``L = A = B`` the first link is the definition and the others are
    still judged.  A definition that could not be read stays unknown."""
    reason = reason or f"defines {name}: read and used for the formulas after it"
    if v.links:
        if v.links[0].status == "unknown" and "unparsed" in (v.links[0].reason or ""):
            return v
        # the defining link holds by definition (it is what the name means); the record is
        # adopted when every other link holds too
        first = replace(v.links[0], status="proved", method="definition: holds by definition",
                        counterexample=None, reason=reason, readings=())
        links = (first,) + tuple(v.links[1:])
        chain = summarize_chain(links, v.claim, v.read_as)
        if chain.status == "proved":   # (a numeric step only verified keeps "verified")
            chain = replace(chain, status="adopted", reason=reason)
        return replace(chain, readings=v.readings)
    if v.status == "unknown" and (v.reason or "").startswith("unparsed"):
        return v
    return Verdict("adopted", "definition", claim=v.claim, read_as=v.read_as, reason=reason,
                   readings=v.readings)


def combine_layouts(results: Sequence[tuple[str | None, Verdict, tuple[str, ...]]],
                    failures: Sequence[tuple[str | None, str]] = (), claim: str = "") -> Verdict:
    """One verdict from the layout readings of a vector formula (``(layout, verdict,
    doubts)``).  The layouts are conventions, not readings of the author's intent: a claim
    that holds in one layout holds, naming that layout; it is refuted only when it fails in
    every layout whose shapes fit.  Layouts whose shapes do not fit are named in *failures*."""
    if not results:
        why = "; ".join(f"{lay + ' layout: ' if lay else ''}{msg}" for lay, msg in failures)
        return Verdict("unknown", "shape check", claim=claim,
                       reason=f"the shapes do not fit: {why}")
    # a layout reading with doubts of its own (a name read as a square matrix) refutes nothing
    decided = [(lay, _doubtful(v, d) if d else v, d) for lay, v, d in results]
    holds = [(lay, v, d) for lay, v, d in decided if v.status in HOLDS]
    if holds and len(holds) < len(decided) and all(
            v.status in HOLDS or v.status == "refuted" for _, v, _ in decided):
        lay, v, d = holds[0]
        others = ", ".join(f"the {lay2} layout" for lay2, v2, _ in decided if v2.status not in HOLDS)
        v = combine_readings([(v, d)], claim=claim)
        return replace(v, reason=(v.reason + "; " if v.reason else "") +
                       f"holds in the {lay} layout (not in {others}, where the gradient is "
                       "the transpose)")
    return combine_readings([(v, d) for _, v, d in decided], claim=claim)


def shape_refuted(ctx, claim: str, read_as: str, what: str) -> Verdict:
    """The text's declared shapes do not fit: refuted, with concrete sizes (2, 3, … for the
    size symbols of the declarations) at which the operation named in *what* fails."""
    sizes = sorted({s for _, sh in ctx.shapes for d in sh
                    for s in sympy.sympify(d).free_symbols}, key=str)  # safe: SymPy objects
    concrete = {s: 2 + n for n, s in enumerate(sizes)}
    return Verdict("refuted", "shape algebra from the declarations", claim=claim, read_as=read_as,
                   counterexample=Counterexample(
                       0, (), tuple((str(s), str(v)) for s, v in concrete.items()), "", "",
                       note="the shapes do not fit at these sizes"),
                   reason=f"shapes do not fit: {what}")


def conditions_unread(claim: str, conditions) -> Verdict:
    """A condition in vector notation (``A = A^T``) is not used yet: nothing is decided."""
    return Verdict("unknown", "none", claim=claim,
                   reason="a condition in vector notation is not used yet ("
                          + ", ".join(str(c) for c in conditions) + "): write it per entry "
                          "(A_{ij} = A_{ji})")
