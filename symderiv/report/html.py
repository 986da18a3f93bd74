"""HTML renderer: one self-contained page per report, formulas as MathML.

No script, no network: the page carries its own style, formulas are MathML (see
:mod:`.mathml`), and a Content-Security-Policy forbids scripts, frames, fonts and remote
images even if some text got through.  Every string that comes from a document (formulas,
titles, reasons quoting them) is escaped with :func:`html.escape`.

>>> page = render_results_page("t <b>", "src", [])
>>> "<b>" in page, "script-src" in page or "default-src 'none'" in page
(False, True)
"""
from __future__ import annotations

from html import escape

from .. import __version__
from .mathml import to_mathml, verbatim
from .model import FormulaResult, PostReport
from .summary import (action, annotated, category, doubts, is_slip,
                      shorten, shown_status, slip_note, tally, unrepr)

__all__ = ["render_html", "render_index_html", "render_results_page", "CSP"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

COLOURS = {   # verdict → (text, background); shared by badges, borders and the index
    "proved": ("#0b6b2f", "#e3f4e8"), "verified": ("#0b5f6b", "#e0f2f4"),
    "adopted": ("#1d4f91", "#e4ecf8"), "refuted": ("#a3161c", "#fbe6e6"),
    "refused": ("#a3161c", "#fbe6e6"), "unknown": ("#6b5a0b", "#f7f1dc"),
    "not read": ("#555555", "#eeeeee"), "condition": ("#555555", "#f3f3f3"),
    "assumption": ("#555555", "#f3f3f3"), "value": ("#555555", "#f3f3f3"),
    "mention": ("#555555", "#f3f3f3"),
}

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 margin:0 auto;max-width:72rem;padding:1.5rem 2rem 4rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;margin:.2rem 0 .4rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;
 margin-top:2rem}h3{margin:.2rem 0 .5rem;font-size:1.1rem}
.source{color:#555;font-size:.9rem}a{color:#1d4f91}
code,pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.85rem}
code.tex{background:#f5f5f5;padding:.05rem .25rem;border-radius:3px;white-space:pre-wrap;
 overflow-wrap:anywhere;word-break:break-word}
pre{background:#f5f5f5;padding:.5rem;white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0}
.badge{display:inline-block;padding:.05rem .55rem;border-radius:1rem;font-weight:600;
 font-size:.85rem;white-space:nowrap}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.formula{max-width:24rem;overflow-wrap:anywhere}
.counts{display:flex;flex-wrap:wrap;gap:.4rem;margin:.5rem 0 1rem}
article.formula{border:1px solid #ddd;border-left:6px solid #999;border-radius:4px;
 padding:.7rem 1rem;margin:1rem 0;background:#fff}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin:.6rem 0}
.side{background:#fafafa;border:1px solid #e5e5e5;border-radius:4px;padding:.5rem .7rem;
 overflow-x:auto;min-width:0}
.side h4{margin:0 0 .3rem;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:#555}
.side .eq{font-size:1.15rem;padding:.3rem 0}
math{font-size:1.05em}math[display="block"]{margin:.2rem 0}
.todo{font-weight:600;margin:.3rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.4rem 0}
dt{font-weight:600;color:#444}dd{margin:0;overflow-wrap:anywhere}
details summary{cursor:pointer;color:#555;font-size:.85rem}
ul.slips li{margin:.3rem 0}
.sides.wide{grid-template-columns:1fr}
@media (max-width:50rem){.sides{grid-template-columns:1fr}}
""" + "".join(
    f".st-{k.replace(' ', '-')}{{color:{fg};background:{bg}}}"
    f"article.v-{k.replace(' ', '-')}{{border-left-color:{fg}}}"
    for k, (fg, bg) in COLOURS.items())


_WIDE = 90   # characters of LaTeX beyond which the two sides are stacked


def _badge(status: str) -> str:
    return f'<span class="badge st-{status.replace(" ", "-")}">{escape(status)}</span>'


def _segments(parts) -> str:
    out = []
    for kind, text in parts:
        out.append(to_mathml(text) if kind == "math" else escape(text))
    return "".join(out)


def _head(title: str) -> list[str]:
    return ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>"]


def _cx(cx) -> str:
    parts = ([f"{cx.size_name} = {cx.K}"] if cx.K else []) + \
        [f"{k} = {v}" for k, v in cx.indices] + [f"{k} = {v}" for k, v in cx.values] + \
        ([cx.note] if cx.note else [])
    out = escape(", ".join(parts))
    if cx.lhs or cx.rhs:
        out += (f"; left side {to_mathml('= ' + str(cx.lhs))}, "
                f"right side {to_mathml('= ' + str(cx.rhs))}")
    return out


def _formula(n: int, r: FormulaResult) -> list[str]:
    v, s = r.verdict, r.spec
    shown = shown_status(r)
    cls = "v-" + shown.replace(" ", "-")
    out = [f'<article class="formula {cls}" id="f-{n}">',
           f"<h3>{_badge(shown)} {n}. Line {s.line} "
           f'<span class="source">({escape(category(r))}{", " + escape(s.kind) if s.kind not in ("claim", "definition") else ""})</span></h3>',
           f'<p class="todo">{_segments(action(r))}</p>',
           # long formulas (MathML does not wrap) get the whole width, one above the other
           '<div class="sides wide">' if max(len(s.latex), len(r.correct_form or v.read_as or ""))
           > _WIDE else '<div class="sides">',
           '<div class="side post"><h4>In the post</h4>',
           f'<div class="eq">{verbatim(s.latex) if s.kind == "code" else to_mathml(s.latex, True)}'
           "</div>",
           f"<details><summary>LaTeX as written</summary><pre>{escape(s.latex)}</pre></details>"]
    if s.lhs:
        out.append(f"<p>continues {to_mathml(s.lhs)} (left side supplied by the reading)</p>")
    out.append("</div>")
    if r.correct_form:
        out += ['<div class="side correct"><h4>Correct form (derived by symderiv)</h4>',
                f'<div class="eq">{to_mathml(r.correct_form, display=True)}</div></div>']
    elif v.read_as:
        label = "Read as (the reading checked)"
        out += [f'<div class="side read"><h4>{label}</h4>',
                f'<div class="eq">{to_mathml(v.read_as, display=True)}</div></div>']
    else:
        out += ['<div class="side read"><h4>Read as</h4><p>not read</p></div>']
    out.append("</div><dl>")
    out.append(f"<dt>Verdict</dt><dd>{escape(shown)} — {escape(v.method)}</dd>")
    if r.correct_form and v.read_as:
        out.append(f"<dt>Read as</dt><dd>{to_mathml(v.read_as)}</dd>")
    if s.reading:
        out.append(f"<dt>Reading chosen</dt><dd>{escape(unrepr(s.reading))}</dd>")
    ds = doubts(r)
    if ds:
        out.append("<dt>Doubts</dt><dd>" + "; ".join(escape(d) for d in ds) + "</dd>")
    if v.conditions:
        out.append("<dt>Conditions</dt><dd>" + "; ".join(to_mathml(c) for c in v.conditions)
                   + "</dd>")
    if v.counterexample:
        out.append(f"<dt>Counterexample</dt><dd>{_cx(v.counterexample)}</dd>")
    if r.broken_step:
        label, _, eq = r.broken_step.partition(": ")
        out.append(f"<dt>Breaks at</dt><dd>{escape(label)}: {to_mathml(eq)}</dd>")
    if v.reason:
        out.append(f"<dt>Why</dt><dd>{escape(unrepr(v.reason))}</dd>")
    out.append("</dl>")
    if v.links:
        out += ["<table><thead><tr><th>link</th><th>read as</th><th>verdict</th><th>note</th>"
                "</tr></thead><tbody>"]
        for k, link in enumerate(v.links, 1):
            note = _cx(link.counterexample) if link.counterexample else \
                escape(unrepr(link.reason or ""))
            out.append(f'<tr><td class="num">{k}</td><td>{to_mathml(link.read_as)}</td>'
                       f"<td>{_badge(link.status)}</td><td>{note}</td></tr>")
        out.append("</tbody></table>")
    if len(v.readings) > 1:
        out += ["<details><summary>Readings</summary><ul>"]
        for reading in v.readings:
            d = f" ({escape('; '.join(reading.doubts))})" if reading.doubts else ""
            out.append(f"<li>{to_mathml(reading.read_as)}{d}: {_badge(reading.status)}</li>")
        out.append("</ul></details>")
    out.append("</article>")
    return out


def render_results_page(title: str, source: str, results, notes=(), given=(), where=(),
                        index_link: str = "index.html") -> str:
    """One report page for a list of :class:`FormulaResult` (a post's or an audit's)."""
    results = list(results)
    t = tally(results)
    out = _head(title) + [f"<header><h1>{escape(title)}</h1>",
                          f'<p class="source">{escape(source)} · symderiv {__version__} · '
                          f'<a href="{escape(index_link)}">all reports</a></p></header>',
                          '<section id="summary"><h2>Summary</h2>',
                          f"<p>{escape(t.sentence())}</p>", '<div class="counts">']
    for k, count in list(t.claims.items()) + [("adopted", t.definitions["adopted"]),
                                              ("refused", t.definitions["refused"]),
                                              ("not read", t.unread)]:
        if count:
            out.append(f'<span class="badge st-{k.replace(" ", "-")}">{count} {escape(k)}</span>')
    out.append("</div>")
    slips = [(n, r) for n, r in enumerate(results, 1) if is_slip(r)]
    if slips:
        out.append('<h3>Slips found</h3><ul class="slips">')
        for n, r in slips:
            fix = (f" → {to_mathml(r.correct_form)}" if r.correct_form else
                   f" — {escape(shorten(unrepr(slip_note(r)), 140))}")
            out.append(f'<li><a href="#f-{n}">line {r.spec.line}</a>: '
                       f"{to_mathml(shorten(r.spec.latex, 400))}{fix}</li>")
        out.append("</ul>")
    out += ["<h3>Every formula</h3>", "<table><thead><tr><th>#</th><th>line</th>"
            "<th>verdict</th><th>formula</th><th>what to do</th></tr></thead><tbody>"]
    for n, r in enumerate(results, 1):
        out.append(f'<tr><td class="num"><a href="#f-{n}">{n}</a></td>'
                   f'<td class="num">{r.spec.line}</td><td>{_badge(shown_status(r))}</td>'
                   f'<td class="formula">{verbatim(shorten(r.spec.latex, 120))}</td>'
                   f"<td>{_segments(action(r))}</td></tr>")
    out.append("</tbody></table></section>")
    if notes or given or where:
        out.append('<section id="notation"><h2>Notation and readings</h2><ul>')
        out += [f"<li>given: {to_mathml(g)}</li>" for g in given]
        out += [f"<li>where: {to_mathml(w)}</li>" for w in where]
        out += [f"<li>{escape(unrepr(x))}</li>" for x in notes]
        out.append("</ul></section>")
    out.append('<section id="formulas"><h2>Formulas</h2>')
    for n, r in enumerate(results, 1):
        out += _formula(n, r)
    out += ["</section>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_html(rep: PostReport) -> str:
    cf = rep.claims
    return render_results_page(
        f"symderiv report: {cf.title}", f"Source: shared/posts/{cf.post} · " + (
            rep.notes[0] if rep.notes else f"claim file: reports/claims/{cf.path.name}"),
        rep.results, tuple(rep.notes[1:]) + tuple(cf.notes), cf.given, cf.where)


def render_index_html(reports, audits=()) -> str:
    """The table of every report: formulas, verdicts, slips (each slip linked).

    *audits*: ``(document name, page path, results)`` of the raw posts' audits."""
    out = _head("symderiv reports") + [
        "<h1>symderiv reports</h1>",
        "<p>Generated by <code>symderiv report</code>; verdicts are computed on every run. "
        "Definitions are adopted (or refused), never proved.</p>"]

    def table(rows, caption):
        out.append(f"<h2>{escape(caption)}</h2>")
        out.append("<table><thead><tr><th>report</th><th>formulas</th><th>claims</th>"
                   "<th>proved</th><th>verified</th><th>refuted</th><th>unknown</th>"
                   "<th>definitions adopted / refused</th><th>not read</th>"
                   "<th>hand annotations</th><th>slips</th>"
                   "</tr></thead><tbody>")
        for title, page, others, results in rows:
            t = tally(results)
            slips = ", ".join(f'<a href="{escape(page)}#f-{n}">line {r.spec.line}</a>'
                              for n, r in enumerate(results, 1)
                              if is_slip(r)) or "none"
            links = "".join(f' · <a href="{escape(p)}">{escape(label)}</a>'
                            for label, p in others)
            c = t.claims
            out.append(f'<tr><td><a href="{escape(page)}">{escape(title)}</a>{links}</td>'
                       f'<td class="num">{t.total}</td>'
                       f'<td class="num">{sum(c.values())}</td>'
                       + "".join(f'<td class="num{" st-" + k if c[k] else ""}">{c[k]}</td>'
                                 for k in ("proved", "verified", "refuted", "unknown"))
                       + f'<td class="num">{t.definitions["adopted"]} / '
                       f'{t.definitions["refused"]}</td><td class="num">{t.unread}</td>'
                       f'<td class="num">{annotated(results)}</td>'
                       f"<td>{slips}</td></tr>")
        out.append("</tbody></table>")
    table([(rep.claims.title, f"{rep.claims.slug}.html",
            [(ext, f"{rep.claims.slug}.{ext}") for ext in ("md", "tex", "json")],
            list(rep.results)) for rep in reports], "Bundled posts")
    if audits:
        table([(name, page, [], list(results)) for name, page, results in audits],
              "Audits of the raw posts")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
