"""LaTeX renderer: a standalone article that ``latexmk -pdf`` compiles without overfull boxes.

The post's own LaTeX is shown as escaped typewriter text that wraps at the page's edge (never
executed: ``\\input`` in a post stays visible text); symderiv's readings and results are
typeset as math when they hold only the control words its printer writes (see
:func:`.latex_doc.safe_math`), else verbatim too.  Displayed formulas wider than the line are
scaled down to it.
"""
from __future__ import annotations

from .. import __version__
from .latex_doc import display, document, escape_text, inline, verbatim
from .model import FormulaResult, PostReport
from .summary import (action, category, doubts, is_slip, shorten,
                      shown_status, slip_note, tally, unrepr)

__all__ = ["render_tex", "render_results_tex"]

COLOR = {"proved": "green!50!black", "verified": "teal", "refuted": "red!70!black",
         "refused": "red!70!black", "unknown": "gray", "adopted": "blue!60!black",
         "not read": "gray", "condition": "gray", "assumption": "gray", "value": "gray",
         "mention": "gray"}


def _text(s: str) -> str:
    return escape_text(unrepr(s))


def _segments(parts) -> str:
    return "".join(inline(t) if kind == "math" else _text(t) for kind, t in parts)


def _condition(c: str) -> str:
    """A condition: its formula as math, the words after it (", which the text states at
    line 5 ('one-hot')") as text."""
    head, sep, tail = c.partition(", which ")
    return inline(head) + (_text(sep + tail) if sep else "")


def _cx(cx) -> str:
    items = ([f"{cx.size_name} = {cx.K}"] if cx.K else []) + \
        [f"{k} = {v}" for k, v in cx.indices] + [f"{k} = {v}" for k, v in cx.values] + \
        ([cx.note] if cx.note else [])
    return _text(", ".join(items))


def _formula(n: int, r: FormulaResult) -> list[str]:
    v, s = r.verdict, r.spec
    shown = shown_status(r)
    out = [r"\subsection*{%d. Line %d: \textcolor{%s}{%s}}" % (n, s.line, COLOR[shown],
                                                               escape_text(shown)),
           r"\label{f-%d}" % n,
           r"\textbf{To do}: %s\par" % _segments(action(r)),
           r"\textbf{In the post} (%s): %s\par" % (escape_text(category(r)), verbatim(s.latex))]
    if s.lhs:
        out.append(r"\textbf{Continues}: %s\par" % verbatim(s.lhs))
    if v.read_as:
        out.append(r"\textbf{Read as}:" + display(v.read_as))
    if s.reading:
        out.append(r"\textbf{Reading chosen}: %s\par" % _text(s.reading))
    ds = doubts(r)
    if ds:
        out.append(r"\textbf{Doubts}: %s\par" % _text("; ".join(ds)))
    out.append(r"\textbf{Verdict}: %s --- %s\par" % (escape_text(shown), _text(v.method)))
    if v.conditions:
        out.append(r"\textbf{Conditions}: " + "; ".join(_condition(c) for c in v.conditions) +
                   r"\par")
    if v.counterexample:
        cx = v.counterexample
        out.append(r"\textbf{Counterexample}: %s\par" % _cx(cx))
        if (cx.lhs or cx.rhs) and len(str(cx.lhs)) + len(str(cx.rhs)) < 80:
            out.append(r"left side %s, right side %s\par" % (inline(f"= {cx.lhs}"),
                                                            inline(f"= {cx.rhs}")))
        elif cx.lhs or cx.rhs:
            out.append(r"left side" + display(f"= {cx.lhs}") + "right side" +
                       display(f"= {cx.rhs}"))
    if r.broken_step:
        label, _, eq = r.broken_step.partition(": ")
        out.append(r"\textbf{Breaks at} %s:" % escape_text(label) + display(eq))
    if r.correct_form:
        out.append(r"\textbf{Correct form} (derived by symderiv):" + display(r.correct_form))
    if v.reason:
        out.append(r"\textbf{Why}: %s\par" % _text(v.reason))
    if v.links:
        out.append(r"\begin{enumerate}")
        for link in v.links:
            note = _cx(link.counterexample) if link.counterexample else _text(link.reason or "")
            out.append(r"\item \textbf{%s}%s%s" % (
                escape_text(link.status), f" ({note})" if note else "", display(link.read_as)))
        out.append(r"\end{enumerate}")
    return out


def render_results_tex(title: str, source: str, results, notes=(), given=(), where=()) -> str:
    """A LaTeX document for a list of :class:`FormulaResult` (a post's or an audit's)."""
    results = list(results)
    body = [r"\noindent %s; symderiv %s.\par" % (verbatim(source, ""), __version__),
            r"\section*{Summary}", escape_text(tally(results).sentence()) + r"\par"]
    slips = [(n, r) for n, r in enumerate(results, 1) if is_slip(r)]
    if slips:
        body.append(r"\paragraph{Slips found}\begin{itemize}")
        for n, r in slips:
            why = " --- breaks at " + r.broken_step.split(":", 1)[0] if r.broken_step else ""
            fix = (r"; correct form:" + display(r.correct_form) if r.correct_form else
                   " --- " + _text(shorten(slip_note(r), 160)))
            body.append(r"\item \hyperref[f-%d]{line %d}: %s%s%s" % (
                n, r.spec.line, verbatim(shorten(r.spec.latex, 300)), escape_text(why), fix))
        body.append(r"\end{itemize}")
    relied = [(r, r.verdict.reason) for r in results
              if "relies on" in (r.verdict.reason or "")
              or "holds only under" in (r.verdict.reason or "")]
    if relied:
        body.append(r"\paragraph{Conditions relied on but not stated}\begin{itemize}")
        for r, reason in relied:
            body.append(r"\item line %d: %s" % (r.spec.line, _text(reason)))
        body.append(r"\end{itemize}")
    body.append(r"\paragraph{Every formula}\begin{itemize}")
    for n, r in enumerate(results, 1):
        body.append(r"\item \hyperref[f-%d]{%d. line %d}, \textcolor{%s}{%s}: %s" % (
            n, n, r.spec.line, COLOR[shown_status(r)], escape_text(shown_status(r)),
            _segments(action(r))))
    body.append(r"\end{itemize}")
    if notes or given or where:
        body.append(r"\section*{Notation and readings}\begin{itemize}")
        for g in given:
            body.append(r"\item given: %s" % verbatim(g))
        for w in where:
            body.append(r"\item where: %s" % verbatim(w))
        for note in notes:
            body.append(r"\item " + _text(note))
        body.append(r"\end{itemize}")
    body.append(r"\section*{Formulas}")
    for n, r in enumerate(results, 1):
        body += _formula(n, r)
    return document(title, "\n".join(body))


def render_tex(rep: PostReport) -> str:
    cf = rep.claims
    return render_results_tex(f"symderiv report: {cf.title}",
                              f"Source: shared/posts/{cf.post}; " + (
                                  rep.notes[0] if rep.notes
                                  else f"claim file: reports/claims/{cf.path.name}"),
                              rep.results, tuple(rep.notes[1:]) + tuple(cf.notes),
                              cf.given, cf.where)
