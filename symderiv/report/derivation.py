"""Render a checked :class:`~symderiv.stepwise.model.Derivation` as text, Markdown, LaTeX, HTML,
JSON or NumPy code.

The HTML page is built like the audit reports (:mod:`.html`: the same head, style, badges and
Content-Security-Policy, formulas as MathML through :func:`.mathml.to_mathml`, every string
escaped); the LaTeX body uses :mod:`.latex_doc`'s escaping.
"""
from __future__ import annotations

import json
from html import escape

import sympy

from ..stepwise.model import Derivation
from ..stepwise.text import show
from ..printer import to_latex

__all__ = ["render_derivation", "FORMATS"]

FORMATS = ("text", "md", "tex", "html", "json", "numpy")


def _tex(e) -> str:
    if isinstance(e, sympy.MatrixBase):
        rows = r" \\ ".join(" & ".join(to_latex(v) for v in e.row(r)) for r in range(e.rows))
        return r"\begin{pmatrix} %s \end{pmatrix}" % rows
    return to_latex(e)


def _cond(c) -> str:
    if c is None:
        return ""
    if isinstance(c, sympy.Ne):
        return rf"{_tex(c.lhs)} \neq {_tex(c.rhs)}"
    return f"{_tex(c.lhs)} = {_tex(c.rhs)}"


def _count(d: Derivation, status: str | None = None) -> int:
    own = sum(1 for v in d.verdicts if status is None or v.status == status)
    return own + sum(_count(lem, status) for lem in d.lemmas)


def _status(d: Derivation) -> str:
    if not _count(d):
        return "evaluated exactly, step by step (numbers, no symbolic steps)"
    verified = _count(d, "verified")
    if verified:
        out = (f"{_count(d) - verified} of the {_count(d)} steps and cases proved symbolically "
               f"for every K; {verified} verified by exact evaluation only (K = 1…8, 13: the "
               "normal form did not reach 0)")
    else:
        out = f"each of the {_count(d)} steps and cases proved symbolically for every K"
    if d.conditions:
        out += " (the last under " + "; ".join(show(c) for c in d.conditions) + ")"
    return out


def _json(d: Derivation) -> dict:
    return {
        "name": d.name, "title": d.title, "quantity": d.quantity, "given": list(d.given),
        "where": list(d.where),
        "steps": [{"rule": s.rule, "lhs": _tex(s.lhs), "rhs": _tex(s.rhs),
                   "conditions": [_cond(c) for c in s.conditions]} for s in d.steps],
        "result": _tex(d.result),
        "cases": [{"condition": _cond(c.condition), "lhs": _tex(c.lhs), "rhs": _tex(c.rhs)}
                  for c in d.cases],
        "conditions": [_cond(c) for c in d.conditions],
        "matrix_form": _matrix(d),
        "lemmas": [_json(lem) for lem in d.lemmas],
        "notes": list(d.notes),
        "verdicts": [v.to_json() for v in d.verdicts],
        "seconds": round(d.seconds, 3),
    }


def _md_steps(d: Derivation, out: list) -> None:
    for n, s in enumerate(d.steps, 1):
        out += [f"{n}. {s.rule}", "", f"   $$ {_tex(s.lhs)} = {_tex(s.rhs)} $$", ""]


def _md(d: Derivation) -> str:
    out = [f"## {d.title}", "", f"*{_status(d)}*", ""]
    if d.given:
        out += ["**Given**", ""] + [f"- ${g}$" for g in d.given] + [""]
    if d.where:
        out += ["**Where**", ""] + [f"- ${w}$" for w in d.where] + [""]
    for n, lem in enumerate(d.lemmas, 1):
        out += [f"### Lemma {n}: ${_tex(lem.lhs)} = {_tex(lem.result)}$", ""]
        _md_steps(lem, out)
    if d.lemmas:
        out += ["### Derivation", ""]
    _md_steps(d, out)
    out += ["**Result**", "", f"$$ {_tex(d.lhs)} = {_tex(d.result)} $$", ""]
    mf = _matrix(d)
    if mf:
        out += ["In matrix notation (entries proved equal to the result):", "",
                f"$$ {mf} $$", ""]
    if d.conditions:
        out += ["**Needs** " + ", ".join(f"${_cond(c)}$" for c in d.conditions) +
                " (the step before it holds without)", ""]
    if d.cases:
        out += ["**Cases**", ""]
        for c in d.cases:
            cond = f"${_cond(c.condition)}$: " if c.condition is not None else ""
            out.append(f"- {cond}${_tex(c.lhs)} = {_tex(c.rhs)}$")
        out.append("")
    for note in d.notes:
        out.append(f"> {note}")
    return "\n".join(out).rstrip() + "\n"


def _tex_doc(d: Derivation) -> str:
    from .latex_doc import escape_text
    out = [r"\section*{%s}" % escape_text(d.title)]
    for n, lem in enumerate(d.lemmas, 1):
        out.append(r"\paragraph{Lemma %d} \[ %s = %s \]" % (n, _tex(lem.lhs), _tex(lem.result)))
        out.append(r"\begin{enumerate}")
        for s in lem.steps:
            out.append(r"\item %s: \[ %s = %s \]" % (escape_text(s.rule), _tex(s.lhs),
                                                     _tex(s.rhs)))
        out.append(r"\end{enumerate}")
    out.append(r"\begin{enumerate}")
    for s in d.steps:
        out.append(r"\item %s: \[ %s = %s \]" % (escape_text(s.rule), _tex(s.lhs), _tex(s.rhs)))
    out.append(r"\end{enumerate}")
    out.append(r"\paragraph{Result} \[ %s = %s \]" % (_tex(d.lhs), _tex(d.result)))
    mf = _matrix(d)
    if mf:
        out.append(r"In matrix notation: \[ %s \]" % mf)
    for c in d.conditions:
        out.append(r"\paragraph{Needs} \( %s \)" % _cond(c))
    for c in d.cases:
        cond = f"{_cond(c.condition)}:\\quad " if c.condition is not None else ""
        out.append(r"\[ %s%s = %s \]" % (cond, _tex(c.lhs), _tex(c.rhs)))
    return "\n".join(out) + "\n"


def _text(d: Derivation, indent: str = "") -> list[str]:
    out = []
    for n, lem in enumerate(d.lemmas, 1):
        out.append(f"{indent}lemma {n}: {show(lem.lhs)} = {show(lem.result)}")
        for m, s in enumerate(lem.steps, 1):
            out.append(f"{indent}   {m}. [{s.rule}]  {show(s.rhs)}")
    for n, s in enumerate(d.steps, 1):
        out.append(f"{indent}{n}. [{s.rule}]  {show(s.lhs)} = {show(s.rhs)}")
    return out


def _html_steps(d: Derivation, to_mathml) -> list[str]:
    out = ["<ol>"]
    for s in d.steps:
        eq = f"{_tex(s.lhs)} = {_tex(s.rhs)}"
        out.append(f"<li><p>{escape(s.rule)}</p>{to_mathml(eq, True)}</li>")
    out.append("</ol>")
    return out


def _html(d: Derivation, code: str | None) -> str:
    from .html import _badge, _head
    from .mathml import to_mathml
    badge = "verified" if _count(d, "verified") else "proved"
    out = _head(d.title) + [f"<h1>{escape(d.title)}</h1>",
                            f"<p>{_badge(badge)} {escape(_status(d))}</p>"]
    if d.given or d.where:
        out.append("<h2>Definitions</h2><ul>")
        out += [f"<li>{to_mathml(g)}</li>" for g in d.given + d.where]
        out.append("</ul>")
    for n, lem in enumerate(d.lemmas, 1):
        out.append(f"<h2>Lemma {n}: {to_mathml(f'{_tex(lem.lhs)} = {_tex(lem.result)}')}</h2>")
        out += _html_steps(lem, to_mathml)
    out.append("<h2>Derivation</h2>")
    out += _html_steps(d, to_mathml)
    out += ["<h2>Result</h2>", to_mathml(f"{_tex(d.lhs)} = {_tex(d.result)}", True)]
    mf = _matrix(d)
    if mf:
        out += ["<p>In matrix notation (entries proved equal to the result):</p>",
                to_mathml(mf, True)]
    if d.conditions:
        out.append("<p>Needs " + ", ".join(to_mathml(_cond(c)) for c in d.conditions) +
                   " (the step before it holds without).</p>")
    if d.cases:
        out.append("<h2>Cases</h2><ul>")
        for c in d.cases:
            cond = (to_mathml(_cond(c.condition)) + ": ") if c.condition is not None else ""
            out.append(f"<li>{cond}{to_mathml(f'{_tex(c.lhs)} = {_tex(c.rhs)}')}</li>")
        out.append("</ul>")
    for note in d.notes:
        out.append(f"<p>{escape(note)}</p>")
    if code:
        out += ["<h2>NumPy</h2>", f"<pre>{escape(code)}</pre>"]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _matrix(d: Derivation) -> str | None:
    try:
        return d.matrix_form()
    except (TypeError, ValueError, AttributeError):
        return None


def _code_or_none(d: Derivation) -> str | None:
    from ..stepwise.numpy_code import CodegenError
    try:
        return d.to_numpy()
    except CodegenError:
        return None


def render_derivation(d: Derivation, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(_json(d), indent=2, ensure_ascii=False)
    if fmt == "md":
        return _md(d)
    if fmt == "tex":
        return _tex_doc(d)
    if fmt == "html":
        return _html(d, _code_or_none(d))
    if fmt == "numpy":
        return d.to_numpy()
    if fmt == "text":
        out = [d.title, "=" * len(d.title)] + _text(d)
        out.append(f"result: {show(d.lhs)} = {show(d.result)}")
        mf = _matrix(d)
        if mf:
            out.append(f"in matrix notation: {mf}")
        for c in d.conditions:
            out.append(f"needs: {show(c)}")
        for c in d.cases:
            cond = f"if {show(c.condition)}: " if c.condition is not None else ""
            out.append(f"case: {cond}{show(c.lhs)} = {show(c.rhs)}")
        out += [f"note: {n}" for n in d.notes]
        out.append(f"({_status(d)})")
        return "\n".join(out) + "\n"
    raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
