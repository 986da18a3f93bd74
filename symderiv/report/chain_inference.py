r"""Definitions a chain states by its own steps, the way derivations are written:

- ``\frac{\partial E}{\partial w} = \frac{\partial}{\partial w}\Big(\frac12 \sum_k (t_k - y_k)^2\Big)
  = …`` with E defined nowhere: the text differentiates that expression in E's place, so E is
  that expression (*the generic quantity is expanded*);
- ``… \ln(A^{O}) … = … \ln(Softmax(Z^{O})) …``, A^{O} defined nowhere: the next side writes
  an application in the name's place, so the name stands for it (*a definition substituted*).

Each is a reading with a doubt: formulas that rest on it may be proved with it, never refuted
through it (they say which reading to confirm).
"""
from __future__ import annotations

import re

from ..read.display import chain_sides

__all__ = ["implied_definitions"]

_NAME = r"\\?[A-Za-z]+(?:\s*\^\s*\{?\s*[A-Za-z0-9]+\s*\}?)?(?:\s*_\s*\{?\s*[A-Za-z0-9]+\s*\}?)?"
_ARGS = r"(?:\s*(?:\\left)?\s*\([^()=]*(?:\\right)?\s*\))?"
_VAR = r"\\?[A-Za-z]+(?:\s*[\^_]\s*\{?\s*[A-Za-z0-9,]+\s*\}?)*"
_D = r"(?:\\partial|\\mathrm\s*\{\s*d\s*\}|d|∂)"
# \frac{\partial E(A, T)}{\partial Z}, \frac{\partial{E}}{\partial{Z^{O}}}
_GENERIC = re.compile(r"\s*\\frac\s*\{\s*" + _D + r"\s*\{?\s*(?P<name>" + _NAME + r")(?P<args>"
                      + _ARGS + r")\s*\}?\s*\}\s*\{\s*" + _D + r"\s*\{?\s*(?P<var>" + _VAR +
                      r")\s*\}?\s*\}\s*$")
# \frac{\partial{EXPR}}{\partial{VAR}}
_OF_EXPR = re.compile(r"\s*\\frac\s*\{\s*" + _D + r"\s*(?P<body>.+)\}\s*\{\s*" + _D +
                      r"\s*\{?\s*(?P<var>" + _VAR + r")\s*\}?\s*\}\s*$", re.S)
# \frac{\partial}{\partial VAR} EXPR, \frac{\partial}{\partial VAR} \left( EXPR \right)
_OPERATOR = re.compile(r"\s*\\frac\s*\{\s*" + _D + r"\s*\}\s*\{\s*" + _D + r"\s*\{?\s*(?P<var>"
                       + _VAR + r")\s*\}?\s*\}\s*(?P<body>.+)$", re.S)
_APPLICATION = re.compile(r"(?:\\(?:text|mathrm|operatorname)\s*\{\s*[A-Za-z]+\s*\}|"
                          r"\\?[A-Za-z]{2,})\s*(?:\\left)?\s*\(.*\)\s*$", re.S)


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _braced(body: str) -> str:
    """EXPR without the braces or brackets that only group it."""
    b = body.strip()
    for o, c in (("{", "}"), ("\\left(", "\\right)"), ("(", ")"), ("\\Big(", "\\Big)"),
                 ("\\big(", "\\big)")):
        if b.startswith(o) and b.endswith(c):
            inner = b[len(o):len(b) - len(c)]
            depth = 0
            for ch in inner:
                depth += (ch in "{(") - (ch in "})")
                if depth < 0:
                    break
            else:
                if depth == 0:
                    return _braced(inner)
    return b


def _expanded(first: str, second: str):
    """(name written, definition text) when *first* is ∂F/∂x of an undefined F and *second*
    is ∂(expression)/∂x of the same x."""
    g = _GENERIC.match(first)
    if not g:
        return None
    e = _OF_EXPR.match(second) or _OPERATOR.match(second)
    if not e or _flat(e.group("var")) != _flat(g.group("var")):
        return None
    body = _braced(e.group("body"))
    if not body or "\\partial" in body or _flat(body) == _flat(g.group("name")):
        return None
    name = g.group("name").strip()
    return name, f"{name}{g.group('args') or ''} = {body}"


def _substituted(a: str, b: str):
    """(name, definition text) when side *b* is side *a* with a bare undefined name replaced
    by an application (``A^{O}`` → ``Softmax(Z^{O})``)."""
    x, y = _flat(a), _flat(b)
    p = 0
    while p < min(len(x), len(y)) and x[p] == y[p]:
        p += 1
    s = 0
    while s < min(len(x), len(y)) - p and x[len(x) - 1 - s] == y[len(y) - 1 - s]:
        s += 1
    # back to a token boundary: the name may share its first letters with the function
    while p > 0 and x[p - 1].isalnum():
        p -= 1
    if p == 0 and s == 0:
        return None   # a whole side for another: the chain's own equation, not a substitution
    mx, my = x[p:len(x) - s], y[p:len(y) - s]
    if not mx or not my or not re.fullmatch(_NAME.replace(r"\s*", ""), mx):
        return None
    if not _APPLICATION.fullmatch(my) or my.count("(") != my.count(")"):
        return None
    if re.search(r"(?<![A-Za-z\\])" + re.escape(mx) + r"(?![A-Za-z])", my):
        return None
    return mx, f"{mx} = {my}"


def implied_definitions(latex: str, defined: set, base_name) -> list[tuple[str, str, str]]:
    """[(name, definition text, doubt)] the chain *latex* states by its steps, for names not
    in *defined* (*base_name* maps a written name to the document's name)."""
    sides = [s.strip(" &") for s in chain_sides(latex)]
    out = []
    for k, (a, b) in enumerate(zip(sides, sides[1:])):
        for found, how in ((_expanded(a, b) if k == 0 else None, "expanded"),
                           (_substituted(a, b), "substituted")):
            if found is None:
                continue
            name, text = found
            key = base_name(name)
            if key in defined or any(key == n for n, _, _ in out):
                continue
            doubt = (f"{name} read as {text.split('=', 1)[1].strip()}, the expression the text "
                     f"differentiates in its place" if how == "expanded" else
                     f"{name} read as {text.split('=', 1)[1].strip()}, which the text writes in "
                     "its place in the next step")
            out.append((key, text, doubt))
    return out
