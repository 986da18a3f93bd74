"""Render a checked :class:`~symderiv.derivations.Derivation` as text, Markdown, LaTeX or JSON."""
from __future__ import annotations

import json

import sympy

from ..derivations import Derivation
from ..printer import to_latex

__all__ = ["render_derivation"]


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


def _status(d: Derivation) -> str:
    n = len(d.verdicts)
    return f"each of the {n} steps and cases proved symbolically for every K"


def render_derivation(d: Derivation, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps({
            "name": d.name, "title": d.title,
            "steps": [{"rule": s.rule, "lhs": _tex(s.lhs), "rhs": _tex(s.rhs)} for s in d.steps],
            "result": _tex(d.result),
            "cases": [{"condition": _cond(c.condition), "lhs": _tex(c.lhs), "rhs": _tex(c.rhs)}
                      for c in d.cases],
            "conditions": [_cond(c) for c in d.conditions],
            "notes": list(d.notes),
            "verdicts": [v.to_json() for v in d.verdicts],
        }, indent=2, ensure_ascii=False)
    if fmt == "md":
        out = [f"## {d.title}", "", f"*{_status(d)}*", ""]
        for n, s in enumerate(d.steps, 1):
            out += [f"{n}. {s.rule}", "", f"   $$ {_tex(s.lhs)} = {_tex(s.rhs)} $$", ""]
        out += ["**Result**", "", f"$$ {_tex(d.lhs)} = {_tex(d.result)} $$", ""]
        if d.cases:
            out += ["**Cases**", ""]
            for c in d.cases:
                cond = f"${_cond(c.condition)}$: " if c.condition is not None else ""
                out.append(f"- {cond}${_tex(c.lhs)} = {_tex(c.rhs)}$")
            out.append("")
        for note in d.notes:
            out.append(f"> {note}")
        return "\n".join(out).rstrip() + "\n"
    if fmt == "tex":
        out = [r"\section*{%s}" % _escape(d.title), r"\begin{enumerate}"]
        for s in d.steps:
            out.append(r"\item %s: \[ %s = %s \]" % (_escape(s.rule), _tex(s.lhs), _tex(s.rhs)))
        out.append(r"\end{enumerate}")
        out.append(r"\paragraph{Result} \[ %s = %s \]" % (_tex(d.lhs), _tex(d.result)))
        for c in d.cases:
            cond = f"{_cond(c.condition)}:\\quad " if c.condition is not None else ""
            out.append(r"\[ %s%s = %s \]" % (cond, _tex(c.lhs), _tex(c.rhs)))
        return "\n".join(out) + "\n"
    if fmt == "text":
        out = [d.title, "=" * len(d.title)]
        for n, s in enumerate(d.steps, 1):
            out.append(f"{n}. [{s.rule}]  {sympy.sstr(s.lhs)} = {sympy.sstr(s.rhs)}")
        out.append(f"result: {sympy.sstr(d.lhs)} = {sympy.sstr(d.result)}")
        for c in d.cases:
            cond = f"if {sympy.sstr(c.condition)}: " if c.condition is not None else ""
            out.append(f"case: {cond}{sympy.sstr(c.lhs)} = {sympy.sstr(c.rhs)}")
        out.append(f"({_status(d)})")
        return "\n".join(out) + "\n"
    raise ValueError(f"unknown format {fmt!r}: use text, md, tex or json")


def _escape(s: str) -> str:
    from .latex_doc import escape_text
    return escape_text(s)
