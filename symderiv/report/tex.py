"""LaTeX renderer: a standalone article that ``latexmk -pdf`` compiles.

The post's own LaTeX is shown as escaped typewriter text (never executed: ``\\input`` in a
post stays visible text); symderiv's readings and results are typeset as math.
"""
from __future__ import annotations

from .. import __version__
from .latex_doc import document, escape_text
from .model import FormulaResult, PostReport

__all__ = ["render_tex"]

COLOR = {"proved": "green!50!black", "verified": "teal", "refuted": "red!70!black",
         "unknown": "gray", "adopted": "blue!60!black"}


def _verb(s: str) -> str:
    return r"{\ttfamily\small " + escape_text(" ".join(s.split())) + "}"


def _math(s: str) -> str:
    return r"\[ %s \]" % s


def _cx(cx) -> str:
    items = ([f"{cx.size_name} = {cx.K}"] if cx.K else []) + [f"{k} = {v}" for k, v in cx.indices] + \
            [f"{k} = {v}" for k, v in cx.values] + ([cx.note] if cx.note else [])
    return escape_text(", ".join(items))


def _formula(n: int, r: FormulaResult) -> list[str]:
    v, s = r.verdict, r.spec
    out = [r"\subsection*{%d. Line %d: \textcolor{%s}{%s}}" % (n, s.line, COLOR[v.status],
                                                               v.status)]
    out.append(r"\textbf{In the post} (%s): %s\par" % (escape_text(s.kind), _verb(s.latex)))
    if s.lhs:
        out.append(r"\textbf{Continues}: %s\par" % _verb(s.lhs))
    if v.read_as:
        out.append(r"\textbf{Read as}:" + _math(v.read_as))
    if s.reading:
        out.append(r"\textbf{Reading chosen}: %s\par" % escape_text(s.reading))
    out.append(r"\textbf{Verdict}: %s --- %s\par" % (escape_text(v.status),
                                                     escape_text(v.method)))
    if v.conditions:
        out.append(r"\textbf{Conditions}: " + "; ".join(f"${c}$" for c in v.conditions) +
                   r"\par")
    if v.counterexample:
        cx = v.counterexample
        sides = (r"; left side $= %s$, right side $= %s$" % (cx.lhs, cx.rhs)
                 if cx.lhs or cx.rhs else "")
        out.append(r"\textbf{Counterexample}: %s%s\par" % (_cx(cx), sides))
    if r.broken_step:
        label, eq = r.broken_step.split(": ", 1)
        out.append(r"\textbf{Breaks at} %s: $%s$\par" % (escape_text(label), eq))
    if r.correct_form:
        out.append(r"\textbf{Correct form} (derived by symderiv):" + _math(r.correct_form))
    if v.reason:
        out.append(r"\textbf{Why}: %s\par" % escape_text(v.reason))
    if v.links:
        out.append(r"\begin{enumerate}")
        for link in v.links:
            note = _cx(link.counterexample) if link.counterexample else \
                escape_text(link.reason or "")
            out.append(r"\item $%s$ --- \textbf{%s}%s" % (
                link.read_as, escape_text(link.status), f" ({note})" if note else ""))
        out.append(r"\end{enumerate}")
    return out


def render_tex(rep: PostReport) -> str:
    cf = rep.claims
    c = rep.counts()
    body = [r"\noindent Source: \texttt{%s}; claim file: \texttt{%s}; symderiv %s.\par"
            % (escape_text("shared/posts/" + cf.post),
               escape_text("reports/claims/" + cf.path.name), __version__),
            r"\section*{Summary}",
            escape_text(f"{len(rep.results)} formulas checked: " +
                        ", ".join(f"{v} {k}" for k, v in c.items()) + ".") + r"\par"]
    slips = rep.slips()
    if slips:
        body.append(r"\paragraph{Slips found}\begin{itemize}")
        for r in slips:
            why = r.broken_step.split(":", 1)[0] if r.broken_step else (r.verdict.reason or "")
            body.append(r"\item line %d: %s" % (r.spec.line, escape_text(why)))
        body.append(r"\end{itemize}")
    relied = rep.relied_conditions()
    if relied:
        body.append(r"\paragraph{Conditions relied on but not stated}\begin{itemize}")
        for r, reason in relied:
            body.append(r"\item line %d: %s" % (r.spec.line, escape_text(reason)))
        body.append(r"\end{itemize}")
    if cf.notes or cf.given or cf.where:
        body.append(r"\section*{Notation and readings}\begin{itemize}")
        for g in cf.given:
            body.append(r"\item given: %s" % _verb(g))
        for w in cf.where:
            body.append(r"\item where: %s" % _verb(w))
        for note in cf.notes:
            body.append(r"\item " + escape_text(note))
        body.append(r"\end{itemize}")
    body.append(r"\section*{Formulas}")
    for n, r in enumerate(rep.results, 1):
        body += _formula(n, r)
    return document(f"symderiv report: {cf.title}", "\n".join(body))
