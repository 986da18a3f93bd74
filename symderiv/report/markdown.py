"""Markdown renderer (``$`…`$`` math, verbatim LaTeX in code spans).

Text that comes from a document is never live markup: prose is escaped (``<``, ``&``, ``[``,
``*``, ``$`` …, so ``</details>`` or ``[x](javascript:…)`` stay text), formulas go in code
spans whose fence is longer than any run of backticks inside, and math that is not plain
LaTeX of symderiv's printer is shown as code instead.

>>> _md_text("[x](javascript:alert(1)) </details> & $y$ &lt;")
'\\\\[x\\\\](javascript:alert(1)) &lt;/details&gt; & \\\\$y\\\\$ &amp;lt;'
>>> _code_span("a ``b`` c")
'``` a ``b`` c ```'
"""
from __future__ import annotations

import re

from .. import __version__
from .latex_doc import safe_math
from .model import FormulaResult, PostReport
from .summary import (action, annotated, doubts, is_slip, shorten,
                      shown_status, slip_note, tally, unrepr)

__all__ = ["render_markdown", "render_index", "render_results_markdown"]

ICON = {"proved": "✅ proved", "verified": "☑️ verified", "refuted": "❌ refuted",
        "unknown": "❔ unknown", "adopted": "📌 adopted", "refused": "❌ refused",
        "not read": "⛔ not read", "condition": "· condition", "assumption": "· assumption",
        "value": "· value", "mention": "· mention"}

_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ESCAPE = {"|": "\\|", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]",
           "$": "\\$", "~": "\\~", "<": "&lt;", ">": "&gt;", "#": "\\#"}
_ENTITY = re.compile(r"&(?=#?\w+;)")   # only an ampersand that would start an entity


def _md_text(s: str) -> str:
    """Prose from a document or a reason, as inert Markdown on one line."""
    s = re.sub(r"\s+", " ", unrepr(str(s)))
    out = []
    for n, ch in enumerate(s):
        if ch == "\\":   # a backslash before punctuation would escape it: keep it visible
            nxt = s[n + 1] if n + 1 < len(s) else ""
            out.append("\\\\" if nxt in _PUNCT else "\\")
        elif ch == "&" and _ENTITY.match(s, n):
            out.append("&amp;")
        else:
            out.append(_ESCAPE.get(ch, ch))
    return "".join(out)


def _code_span(s: str) -> str:
    """Inline code that survives backticks in the text (outside tables)."""
    s = " ".join(str(s).split())
    runs = [len(m) for m in re.findall(r"`+", s)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if runs or s.startswith(" ") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def _code(s: str) -> str:
    """Inline code for a table cell: ``|`` escaped (GitHub splits cells before code spans)."""
    return _code_span(s).replace("|", "\\|")


def _md_math(latex: str, table: bool = False) -> str:
    """symderiv's LaTeX as math in the ``$`…`$`` form GitHub and GitLab both render (the
    code span keeps Markdown out of ``_`` and ``*``); anything else (text a document could
    have put there) as plain code."""
    latex = " ".join(str(latex).split())
    if not latex or not safe_math(latex) or "`" in latex:
        return _code(latex) if table else _code_span(latex)
    if table:
        latex = latex.replace("|", r"\vert ")
    return f"$`{latex}`$"


def _segments(parts, table: bool = False) -> str:
    return "".join(_md_math(t, table) if kind == "math" else _md_text(t) for kind, t in parts)


def _anchor(n: int, r: FormulaResult) -> str:
    """GitHub's anchor of the heading ``Formula n, line l``."""
    return f"formula-{n}-line-{r.spec.line}"


def _cx_text(cx) -> str:
    parts = [f"{cx.size_name} = {cx.K}"] if cx.K else []
    parts += [f"{k} = {v}" for k, v in cx.indices]
    parts += [f"{k} = {v}" for k, v in cx.values]
    if cx.note:
        parts.append(cx.note)
    return ", ".join(parts)


def _condition(c: str) -> str:
    head, sep, tail = c.partition(", which ")
    return _md_math(head) + (_md_text(sep + tail) if sep else "")


def _formula(n: int, r: FormulaResult) -> list[str]:
    v = r.verdict
    s = r.spec
    out = [f"### Formula {n}, line {s.line}", "", f"**{ICON[shown_status(r)]}** — "
           + _segments(action(r)), ""]
    if s.kind == "code" and "\n" in s.latex:   # the function as the post has it
        fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", s.latex)), default=0) + 1)
        out += ["- **In the post** (code):", "", f"{fence}python", s.latex, fence, ""]
    else:
        out.append(f"- **In the post** ({_md_text(s.kind)}): {_code_span(s.latex)}")
    if s.lhs:
        out.append(f"- **Continues**: {_code_span(s.lhs)} (left side supplied by the reading)")
    if v.read_as:
        out.append(f"- **Read as**: {_md_math(v.read_as)}")
    if s.reading:
        out.append(f"- **Reading chosen**: {_md_text(s.reading)}")
    ds = doubts(r)
    if ds:
        out.append(f"- **Doubts**: {_md_text('; '.join(ds))}")
    out.append(f"- **Verdict**: **{shown_status(r)}** — {_md_text(v.method)}")
    if v.conditions:
        out.append("- **Conditions**: " + "; ".join(_condition(c) for c in v.conditions))
    if v.counterexample:
        cx = v.counterexample
        out.append(f"- **Counterexample**: {_md_text(_cx_text(cx))}")
        if cx.lhs or cx.rhs:
            out.append(f"  - left side {_md_math('= ' + str(cx.lhs))}, "
                       f"right side {_md_math('= ' + str(cx.rhs))}")
    if r.broken_step:
        label, _, eq = r.broken_step.partition(": ")
        out.append(f"- **Breaks at**: {_md_math(eq)} ({_md_text(label)})")
    if r.correct_form:
        out.append(f"- **Correct form** (derived by symderiv): {_md_math(r.correct_form)}")
    if v.reason:
        out.append(f"- **Why**: {_md_text(v.reason)}")
    if v.links:
        out += ["", "| link | read as | verdict | note |", "|---|---|---|---|"]
        for k, link in enumerate(v.links, 1):
            note = _cx_text(link.counterexample) if link.counterexample else (link.reason or "")
            out.append(f"| {k} | {_md_math(link.read_as, table=True)} | {link.status} | "
                       f"{_md_text(note)} |")
    out.append("")
    return out


def render_results_markdown(title: str, source: str, results, notes=(), given=(),
                            where=()) -> str:
    """A Markdown report for a list of :class:`FormulaResult` (a post's or an audit's)."""
    results = list(results)
    out = [f"# {_md_text(title)}", "", f"{source} · symderiv {__version__}", "",
           "## Summary", "", _md_text(tally(results).sentence()), ""]
    slips = [(n, r) for n, r in enumerate(results, 1) if is_slip(r)]
    if slips:
        out += ["Slips found:", ""]
        for n, r in slips:
            fix = (f"correct form: {_md_math(r.correct_form)}" if r.correct_form else
                   _md_text(shorten(slip_note(r), 160)))
            quoted = r.spec.latex.split("\n")[0] if r.spec.kind == "code" else r.spec.latex
            if r.spec.kind == "code":   # the diagnosis says what to change in the code
                fix = _md_text(shorten(r.verdict.reason or "", 300))
            out.append(f"- [line {r.spec.line}](#{_anchor(n, r)}): "
                       f"{_code_span(shorten(quoted, 300))} — {fix}")
        out.append("")
    relied = [r for r in results if "relies on" in (r.verdict.reason or "")
              or "holds only under" in (r.verdict.reason or "")]
    if relied:
        out += ["Conditions relied on but not stated:", ""]
        out += [f"- [line {r.spec.line}](#{_anchor(results.index(r) + 1, r)}): "
                f"{_md_text(r.verdict.reason)}" for r in relied]
        out.append("")
    out += ["Every formula:", "", "| # | line | verdict | what to do |", "|---|---|---|---|"]
    for n, r in enumerate(results, 1):
        out.append(f"| [{n}](#{_anchor(n, r)}) | {r.spec.line} | {ICON[shown_status(r)]} | "
                   f"{_segments(action(r), table=True)} |")
    out.append("")
    if notes or given or where:
        out += ["## Notation and readings", ""]
        out += [f"- given: {_code_span(g)}" for g in given]
        out += [f"- where: {_code_span(w)}" for w in where]
        out += [f"- {_md_text(x)}" for x in notes]
        out.append("")
    out += ["## Formulas", ""]
    for n, r in enumerate(results, 1):
        out += _formula(n, r)
    return "\n".join(out).rstrip() + "\n"


def render_markdown(rep: PostReport) -> str:
    cf = rep.claims
    return render_results_markdown(
        f"symderiv report: {cf.title}",
        f"Source: `shared/posts/{cf.post}` · " + (
            _md_text(rep.notes[0]) if rep.notes else
            f"claim file: `reports/claims/{cf.path.name}`"),
        rep.results, tuple(rep.notes[1:]) + tuple(cf.notes), cf.given, cf.where)


def render_index(reports) -> str:
    out = ["# symderiv reports", "",
           "Generated by `symderiv report`; verdicts are computed on every run. Claims are "
           "proved, verified, refuted or unknown; definitions are adopted or refused, never "
           "proved. Each report also exists as HTML (formulas as MathML), LaTeX and JSON.", "",
           "| post | formulas | claims | proved | verified | refuted | unknown | "
           "definitions adopted / refused | not read | hand annotations | slips |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for rep in reports:
        t = tally(rep.results)
        c = t.claims
        slug = rep.claims.slug
        slips = ", ".join(f"[line {r.spec.line}]({slug}.md#{_anchor(n, r)})"
                          for n, r in enumerate(rep.results, 1)
                          if is_slip(r)) or "none"
        out.append(f"| [{_md_text(rep.claims.title)}]({slug}.md) ([html]({slug}.html), "
                   f"[tex]({slug}.tex), [json]({slug}.json)) | {t.total} | "
                   f"{sum(c.values())} | {c['proved']} | {c['verified']} | {c['refuted']} | "
                   f"{c['unknown']} | {t.definitions['adopted']} / {t.definitions['refused']} | "
                   f"{t.unread} | {annotated(rep.results)} | {slips} |")
    return "\n".join(out) + "\n"
