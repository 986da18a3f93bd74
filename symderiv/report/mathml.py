"""LaTeX → presentation MathML for the HTML report, safe for text from strangers' documents.

``latex2mathml`` converts the formula; its output is then parsed as XML and rebuilt from a list
of MathML elements and attributes, so nothing but MathML reaches the page: it copies
``\\text{<script>}`` through unescaped and turns ``\\href{javascript:…}`` and ``\\style{…}``
into attributes, and those never survive.  A formula it cannot convert (or that holds anything
outside the list) is shown as escaped verbatim code instead.

>>> to_mathml(r"\\frac{a}{b}")[:45]
'<math xmlns="http://www.w3.org/1998/Math/Math'
>>> to_mathml(r"\\text{<script>alert(1)</script>}")
'<code class="tex">\\\\text{&lt;script&gt;alert(1)&lt;/script&gt;}</code>'
"""
from __future__ import annotations

import html
import xml.etree.ElementTree as ET

__all__ = ["to_mathml", "MAX_LATEX"]

MAX_LATEX = 4000   # longer formulas are shown verbatim (bounded conversion time)
_NS = "{http://www.w3.org/1998/Math/MathML}"
_ELEMENTS = {
    "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "ms", "msub", "msup", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "mfenced", "merror", "mmultiscripts",
    "mprescripts", "none", "semantics", "annotation",
}
_ATTRIBUTES = {
    "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
    "columnalign", "rowalign", "rowspacing", "columnspacing", "displaystyle", "scriptlevel",
    "accent", "accentunder", "movablelimits", "largeop", "symmetric", "minsize", "maxsize",
    "linethickness", "form", "columnlines", "rowlines", "frame", "mathsize", "width",
    "height", "depth", "notation", "open", "close", "separators", "encoding",
}
_SAFE_VALUE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-+%#/")


class _Unsafe(ValueError):
    pass


def _rebuild(el: ET.Element) -> str:
    tag = el.tag[len(_NS):] if el.tag.startswith(_NS) else el.tag
    if tag not in _ELEMENTS:
        raise _Unsafe(tag)
    attrs = []
    for key, value in sorted(el.attrib.items()):
        if key not in _ATTRIBUTES or not set(value) <= _SAFE_VALUE:
            continue   # href, style, on*, mathcolor, anything outside the list: dropped
        attrs.append(f' {key}="{html.escape(value, quote=True)}"')
    if tag == "math":
        attrs.insert(0, ' xmlns="http://www.w3.org/1998/Math/MathML"')
    inner = html.escape(el.text or "", quote=False)
    for child in el:
        inner += _rebuild(child) + html.escape(child.tail or "", quote=False)
    return f"<{tag}{''.join(attrs)}>{inner}</{tag}>"


def verbatim(latex: str) -> str:
    """The formula as escaped code (the fallback)."""
    return f'<code class="tex">{html.escape(" ".join(latex.split()), quote=True)}</code>'


def to_mathml(latex: str, display: bool = False) -> str:
    """MathML for *latex*, or its escaped verbatim text when it cannot be converted safely."""
    text = " ".join(str(latex).split())
    if not text or len(text) > MAX_LATEX:
        return verbatim(text)
    try:
        from latex2mathml.converter import convert
        raw = convert(text, display="block" if display else "inline")
        return _rebuild(ET.fromstring(raw))
    except (_Unsafe, ET.ParseError, RecursionError):
        return verbatim(text)
    except Exception:   # latex2mathml raises its own error types for what it cannot read;
        return verbatim(text)   # the formula is then shown as written, never dropped
