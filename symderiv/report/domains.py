"""Domains the text states for its values: ``for $x > 0$``, ``with $0 < \\alpha < 1$``,
``for negative inputs``.

The checker does not restrict its counterexample search to them, so a refutation is kept
only where it can be judged against them: a counterexample that violates an inequality the
claim's paragraph states on one of its values is no evidence (the text never claimed
anything there), and a claim whose sentence restricts a sign in words ("for negative
inputs") is not refuted at all, since the words do not say which value they restrict.

>>> _inequality(r"0 < \\alpha < 1")
[('0', '<', 'alpha'), ('alpha', '<', '1')]
>>> _inequality(r"1 \\leq i \\leq K") is None   # an index range: read elsewhere
True
"""
from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

from ..read.prose import _SUM_TO_ONE, _denied_cue, _sentence
from ..verify.verdict import undecided

__all__ = ["guard_stated_domains", "guard_one_hot_rows", "with_value_cases"]

_OPS = {"<": "<", ">": ">", r"\lt": "<", r"\gt": ">", r"\leq": "<=", r"\le": "<=",
        r"\leqslant": "<=", r"\geq": ">=", r"\ge": ">=", r"\geqslant": ">=", "≤": "<=",
        "≥": ">="}
_OP = re.compile(r"\\leqslant|\\geqslant|\\leq|\\geq|\\le\b|\\ge\b|\\lt\b|\\gt\b|[<>≤≥]")
_NUMBER = re.compile(r"-?\d+(\.\d+)?|-?\\frac\{\d+\}\{\d+\}")
_NAME = re.compile(r"\\?([A-Za-z]+)(\s*_\s*(\{[^{}]*\}|\w))?")
_INDEX_LETTERS = set("ijklmnt")
# a sign restricted in words: "for negative inputs", "when x is positive"
_SIGN_WORDS = re.compile(
    r"\b(?:negative|positive|non-?negative|non-?positive)\s+(?:inputs?|values?|arguments?|"
    r"numbers?|ones|reals?|entries|logits|pre-?activations|[a-z]\b|\$)|"
    r"\b(?:is|are)\s+(?:strictly\s+)?(?:negative|positive|non-?negative|non-?positive)\b",
    re.I)


def _inequality(latex: str) -> list[tuple[str, str, str]] | None:
    """The comparisons of a formula that is only an inequality between numbers and plain
    names (not an index range: a lone index letter between integers or a size), as
    ``(left, op, right)`` with names as the counterexample writes them (``\\alpha`` →
    ``alpha``), or None."""
    body = re.sub(r"\\[,;:!]|\\quad|\\text\{[^{}]*\}", " ", latex).strip().rstrip(".,;")
    ops = _OP.findall(body)
    if not ops or "=" in _OP.sub("", body):
        return None
    pieces = [p.strip() for p in _OP.split(body)]
    terms = []
    for p in pieces:
        if _NUMBER.fullmatch(p):
            m = re.fullmatch(r"(-?)\\frac\{(\d+)\}\{(\d+)\}", p)
            terms.append(f"{m.group(1)}{m.group(2)}/{m.group(3)}" if m else p)
        elif (m := _NAME.fullmatch(p)) is not None:
            terms.append(m.group(1) + ("_" if m.group(2) else ""))
        else:
            return None
    names = [t for t in terms if not re.fullmatch(r"-?[\d./]+", t)]
    if not names or all(n in _INDEX_LETTERS or (len(n) == 1 and n.isupper()) for n in names):
        return None   # 1 \leq i \leq K, j > 1: index ranges
    return [(terms[k], _OPS[ops[k].strip()], terms[k + 1]) for k in range(len(ops))]


def _value(term: str, values: dict[str, str]) -> list[Fraction | None]:
    """The values a term takes at a counterexample: a number; a name's value; for ``y_``
    (an indexed name) every entry's; [] when the counterexample does not give it."""
    if re.fullmatch(r"-?[\d./]+", term):
        return [Fraction(term)]
    if term.endswith("_"):
        base = term[:-1]
        keys = [k for k in values if re.match(re.escape(base) + r"(\[|_)", k)]
    else:
        keys = [k for k in values if k == term]
    out = []
    for k in keys:
        try:
            out.append(Fraction(values[k].strip().strip("()")))
        except (ValueError, ZeroDivisionError):
            out.append(None)   # not a plain number: cannot be judged, so it is a doubt
    return out


def _violates(comparisons, values: dict[str, str]) -> bool:
    test = {"<": lambda a, b: a < b, ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}
    for left, op, right in comparisons:
        for a in _value(left, values):
            for b in _value(right, values):
                if a is None or b is None or not test[op](a, b):
                    return True
    return False


def _paragraphs(text: str) -> list[int]:
    """For each line (1-based, index 0 unused), the number of its paragraph."""
    out, par = [0], 0
    for line in text.split("\n"):
        if not line.strip():
            par += 1
        out.append(par)
    return out


def _offset_of(text: str, line: int, latex: str) -> int:
    start = sum(len(s) + 1 for s in text.split("\n")[:max(line - 1, 0)])
    found = text.find(latex, start)
    return found if found >= 0 else start


def guard_stated_domains(results: list, text: str) -> list:
    """*results* with each refutation judged against the domains its paragraph states (see
    the module's docstring); a stated domain itself is a condition record, not a claim."""
    par = _paragraphs(text)

    def paragraph(line: int) -> int:
        return par[min(max(line, 0), len(par) - 1)]
    domains = []   # (paragraph, line, latex, comparisons)
    out = []
    for r in results:
        cmp = _inequality(r.spec.latex) if r.spec.kind in ("claim", "condition") else None
        if cmp is not None:
            domains.append((paragraph(r.spec.line), r.spec.line, r.spec.latex, cmp))
            r = replace(r, spec=replace(r.spec, kind="condition"), verdict=replace(
                undecided(r.verdict, "a stated domain: a counterexample outside it is no "
                                     "evidence against the formulas of its paragraph"),
                method="stated domain"))
        out.append(r)
    final = []
    for r in out:
        v = r.verdict
        if v.status != "refuted" and not any(link.status == "refuted" for link in v.links):
            final.append(r)
            continue
        here = paragraph(r.spec.line)
        mine = [d for d in domains if d[0] == here]
        start, end = _sentence(text, _offset_of(text, r.spec.line, r.spec.latex))
        words = _SIGN_WORDS.search(text[start:end])
        why = None
        if words:
            why = (f"the sentence restricts a sign in words ('{words.group(0)}'), which is not "
                   "applied: not decided")
        else:
            for _, line, latex, cmp in mine:
                points = [link.counterexample for link in (v.links or (v,))
                          if link.status == "refuted" and link.counterexample is not None]
                if any(_violates(cmp, dict(c.values)) for c in points):
                    why = (f"refuted only outside the domain the text states, {latex} (line "
                           f"{line}): not decided")
                    break
        if why is not None:
            r = replace(r, verdict=undecided(v, why), correct_form=None, broken_step=None)
        final.append(r)
    return final


_ENTRY = re.compile(r"(\w+)\[([^\]]+)\]\s*=\s*([-\d/.]+)")
_LABEL_LETTERS = ("t", "y", "T", "Y")   # the names labels have when the cue names none


def _cue_names(text: str) -> set[str]:
    """The names the text says are one-hot or sum to one: the plain names written in the
    cue's sentence ("each row of $t$ is one-hot"), else the usual label letters."""
    names = set()
    for m in _SUM_TO_ONE.finditer(text):
        if _denied_cue(text, m):
            continue
        start, end = _sentence(text, m.start())
        for f in re.findall(r"\$([^$]{1,30})\$", text[start:end]):
            n = _NAME.fullmatch(f.strip().replace("\\mathbf", "").strip("{} "))
            if n is not None:
                names.add(n.group(1))
        names = names or set(_LABEL_LETTERS)
    return names


def _rows_not_one(value: str) -> bool:
    """'t[1, 1] = 0, t[1, 2] = 0': whether some row (the entries sharing every index but the
    last) does not sum to one; a value that cannot be read counts as not one."""
    rows: dict[tuple, Fraction] = {}
    entries = _ENTRY.findall(value)
    if not entries:
        return False
    for _, idx, v in entries:
        key = tuple(i.strip() for i in idx.split(","))[:-1]
        try:
            rows[key] = rows.get(key, Fraction(0)) + Fraction(v)
        except (ValueError, ZeroDivisionError):
            return True
    return any(total != 1 for total in rows.values())


def guard_one_hot_rows(results: list, text: str) -> list:
    """A refutation whose counterexample gives a name the text says is one-hot (or sums to
    one: every row, for a matrix of targets) entries that do not sum to one is no evidence:
    the text excludes that point.  (A vector's Σ = 1 the checker applies itself; this
    catches what it could not apply, such as one condition per row.)"""
    names = _cue_names(text) if _SUM_TO_ONE.search(text) else set()
    if not names:
        return results
    out = []
    for r in results:
        v = r.verdict
        points = [link.counterexample for link in (v.links or (v,))
                  if link.status == "refuted" and link.counterexample is not None]
        bad = sorted({n for c in points for n, value in c.values
                      if n in names and _rows_not_one(value)})
        if bad:
            r = replace(r, verdict=undecided(v, (
                f"refuted only where {', '.join(bad)} is not one-hot (its entries do not sum "
                "to one), which the text excludes; the condition could not be applied: not "
                "decided")), correct_form=None, broken_step=None)
        out.append(r)
    return out


_VALUE_CASE = re.compile(r"\s*(\\?[A-Za-z]+(?:_\{?\w+\}?)?)\s*=\s*-?\d+(?:\.\d+)?\s*")


def with_value_cases(v, spec):
    """A claim decided at a value its sentence or section states (T = 1 in "which only holds
    at T = 1"): the verdict lists it among its conditions, so that a formula held only there
    is never shown as held without condition."""
    if v.status not in ("proved", "verified", "refuted") or spec.kind != "claim":
        return v
    shown = {" ".join(c.split()) for c in v.conditions}
    cases = tuple(w for w in spec.where if (m := _VALUE_CASE.fullmatch(w)) and
                  m.group(1).lstrip("\\") not in _INDEX_LETTERS and " ".join(w.split()) not in shown)
    return replace(v, conditions=v.conditions + cases) if cases else v
