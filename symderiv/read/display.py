r"""Cutting a display into equations: ``eqnarray``/``align``/``aligned``/``\\eqalign{..\\cr..}`` rows
or ``\\\\``-separated lines; ``&=&`` and ``=&`` continuation rows keep their leading ``=``."""
from __future__ import annotations

import re

from .matrices import ALIGN_ENVS
from .normalize import as_text

_ENV_RE = re.compile(r"\\(begin|end)\s*\{\s*([A-Za-z]+\*?)\s*\}(\s*\{[^{}]*\})?")


def split_display(latex, keep_tabs: bool = False) -> list[str]:
    r"""One string per equation of a display: ``eqnarray``/``align``/... or ``\\``-separated lines.

    >>> split_display(r'\begin{eqnarray} a &=& b \\ c &=& d \nonumber \end{eqnarray}')
    ['a = b', 'c = d']
    >>> split_display(r'\eqalign{ p &= q \cr &= r \cr}')
    ['p = q', '= r']
    >>> split_display(r'\begin{aligned} z_1 & = x \\ &= y \end{aligned}', keep_tabs=True)
    ['z_1 & = x', '&= y']

    *keep_tabs* keeps the alignment marks ``&`` (as the text has them: the reader ignores them).
    """
    text = _eqalign(as_text(latex).strip())
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if text.startswith(left) and text.endswith(right) and len(text) >= len(left) + len(right):
            text = text[len(left):len(text) - len(right)].strip()
            break
    lines: list[str] = []
    buf: list[str] = []
    depth = 0          # brace depth
    matrix = 0         # depth inside matrix-like environments
    p = 0
    n = len(text)
    while p < n:
        c = text[p]
        if c == "\\":
            if text.startswith("\\\\", p):
                if depth == 0 and matrix == 0:
                    lines.append("".join(buf))
                    buf = []
                    p += 2
                    m = re.match(r"\s*\[[^\]]*\]", text[p:])   # \\[2pt]
                    if m:
                        p += m.end()
                    continue
                buf.append("\\\\")
                p += 2
                continue
            m = _ENV_RE.match(text, p)
            if m:
                env = m.group(2)
                if env in ALIGN_ENVS:
                    buf.append(" ")
                    p = m.end()
                    continue
                matrix += 1 if m.group(1) == "begin" else -1
                buf.append(m.group(0))
                p = m.end()
                continue
            m = re.match(r"\\(nonumber|notag)(?![A-Za-z])", text[p:])
            if m:
                p += m.end()
                continue
            m = re.match(r"\\label\s*\{[^{}]*\}", text[p:])
            if m:
                p += m.end()
                continue
            m = re.match(r"\\([A-Za-z]+|.)", text[p:], re.S)
            buf.append(m.group(0))
            p += m.end()
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "&" and matrix == 0:
            buf.append("&" if keep_tabs else " ")
            p += 1
            continue
        elif c == "%":
            nl = text.find("\n", p)
            p = n if nl < 0 else nl
            continue
        buf.append(c)
        p += 1
    lines.append("".join(buf))
    out = []
    for line in lines:
        line = " ".join(line.split())
        if line:
            out.extend(_split_joined(line))
    return out


_EQALIGN = re.compile(r"\\eqalign(no)?\s*\{")


def _eqalign(text: str) -> str:
    """Plain TeX's ``\\eqalign{ a &= b \\cr ... }``: its rows, separated by ``\\\\``."""
    while True:
        m = _EQALIGN.search(text)
        if m is None:
            return text
        depth, q = 1, m.end()
        while q < len(text) and depth:
            if text[q] == "{" and text[q - 1] != "\\":
                depth += 1
            elif text[q] == "}" and text[q - 1] != "\\":
                depth -= 1
            q += 1
        if depth:
            return text
        inner = re.sub(r"\\cr(?![A-Za-z])", r"\\\\", text[m.end():q - 1])
        text = text[:m.start()] + inner + text[q:]


_JOIN = re.compile(r",?\s*\\q?quad\b\s*(?:\\text\{\s*(?:and)?\s*\}\s*)?"
                   r"|,\s*(?:&\s*(?:\\[,;:]\s*)*|(?:\\[,;:]\s*)+)"
                   r"|(?:\\ \s*){3,}")   # "a = b \ \ \ c = d": a run of spaces between
# a prose word that joins two equations ("\quad \textrm{where} \quad"): not part of either
_JOINING_WORD = re.compile(r"^(?:\\(?:text|textrm|mathrm|mbox)\s*\{\s*(?:where|and|with|so|"
                           r"then|hence|thus|i\.e\.,?|since|for which)\s*\}\s*"
                           r"(?:\\q?quad\b|\\[,;:]|\s)*)+")
_SIMPLE_CONDITION = re.compile(
    r"^\(?\s*(\\text\{[^{}]*\}\s*)*[A-Za-z]\s*(=|==|\\neq?|!=)\s*([A-Za-z]|\d+)\s*\)?[.,]?$")


def top_level_equals(text: str) -> list[int]:
    """Positions of the ``=`` signs of *text* outside braces (not ``\\leq``, ``:=``, ``==``)."""
    from .probability import probability_spans   # P(z = j | x): its = is no equation
    inside = [(a, b) for a, _, b in probability_spans(text, bare=bool(probability_spans(text)))
              ] if "|" in text or "\\mid" in text else []
    out, depth = [], 0
    for n, c in enumerate(text):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif (c == "=" and depth == 0 and text[n - 1:n] not in ("=", ":", "!", "<", ">")
              and text[n + 1:n + 2] != "=" and not any(a <= n < b for a, b in inside)):
            out.append(n)
    return out


def chain_sides(text: str) -> list[str]:
    r"""The sides of a chain as written, split at the top-level ``=`` and ``\approx``.

    >>> chain_sides(r"a &= \frac{b}{c} \\ &\approx 0.5")
    ['a', '\\frac{b}{c}', '0.5']
    """
    cuts = [(n, n + 1) for n in top_level_equals(text)]
    depth = 0
    for n, c in enumerate(text):
        depth += (c == "{") - (c == "}")
        if depth == 0 and text.startswith("\\approx", n) and not text[n + 7:n + 8].isalpha():
            cuts.append((n, n + 7))
    out, start = [], 0
    for a, b in sorted(cuts):
        out.append(text[start:a])
        start = b
    out.append(text[start:])
    return [" ".join(x.replace("&", " ").replace("\\\\", " ").split()) for x in out]


def _split_joined(line: str) -> list[str]:
    r"""``E = ..., \qquad \frac{\partial E}{\partial y} = ...``: two equations on one line.

    A trailing case condition (``\quad (i \neq j)``) stays with its equation.

    >>> _split_joined(r"y = 2 x, \qquad z = 3 y")
    ['y = 2 x', 'z = 3 y']
    >>> _split_joined(r"a = b \quad (i \neq j)")
    ['a = b \\quad (i \\neq j)']
    >>> _split_joined(r"z &= W^Tx, &\,\,dz= dW^Tx")
    ['z &= W^Tx', 'dz= dW^Tx']
    >>> _split_joined(r"s' = s(1-s)\ \ \ \ g(x) = 2 x")
    ["s' = s(1-s)", 'g(x) = 2 x']
    >>> _split_joined(r"p_1 \approx 0.09, \quad p_2 \approx 0.24")
    ['p_1 \\approx 0.09', 'p_2 \\approx 0.24']
    """
    depth, cuts = 0, []
    for m in _JOIN.finditer(line):
        before = line[:m.start()]
        depth = before.count("{") - before.count("}")
        parens = before.count("(") - before.count(")") + before.count("[") - before.count("]")
        if depth == 0 and parens == 0:
            cuts.append(m)
    for m in cuts:
        left, right = line[:m.start()].strip(), line[m.end():].strip()
        spacer = re.match(r"\s*(\\q?quad)\b", m.group(0))
        if spacer:      # "a = b \quad \text{where} ...": the spacing stays with a = b as written
            left = f"{left} {spacer.group(1)}"
        right = _JOINING_WORD.sub("", right).strip()
        if (_relation(left) and _relation(right)
                and not _SIMPLE_CONDITION.match(right)):
            return [left] + _split_joined(right)
    return [line]


def _relation(text: str) -> bool:
    r"""*text* has a top-level ``=`` or ``\approx`` (a value stated: ``p_1 \approx 0.09``)."""
    if top_level_equals(text):
        return True
    return len(chain_sides(text)) > 1


# ---------------------------------------------------------------------------------------------
# LaTeX out
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?|(?<![\w.])\.\d+")


def written_numbers(text: str) -> list:
    r"""The numbers a side writes, as exact rationals, leaving out those of subscripts and
    superscripts (``x_1``, ``e^{2}``); ``\frac{1}{2}`` writes 1 and 2.

    >>> written_numbers(r"\text{ReLU}(0.2 + 6 \cdot 0.3 - 0.2 \cdot 2) + x_1 + w_{12}")
    [1/5, 6, 3/10, 1/5, 2]
    """
    import sympy
    out, depth_sub = [], []
    n, depth = 0, 0
    while n < len(text):
        c = text[n]
        if c in "_^":
            m = re.match(r"[_^]\s*(\{)?", text[n:])
            if m.group(1):
                depth_sub.append(depth)
                depth += 1
                n += m.end()
            else:   # x_1: one character
                n += m.end() + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth_sub and depth_sub[-1] == depth:
                depth_sub.pop()
        elif not depth_sub:
            m = _NUMBER.match(text, n)
            if m and (n == 0 or not (text[n - 1].isalpha() or text[n - 1] in "\\.")):
                out.append(sympy.Rational(m.group(0)))
                n = m.end()
                continue
        n += 1
    return out


def approx_tail(text: str) -> tuple[str, str, str] | None:
    r"""A chain of equalities that ends in rounded values, ``a = b = c \approx 0.5``: (its
    exact part ``a = b = c``, the verbatim tail from its last exact side ``c \approx 0.5``,
    its first side ``a``); None for anything else (no ``=`` before the ``\approx``, or an
    ``=`` after it).

    >>> approx_tail(r"O_2 &= \text{Sig}(-2) &\approx 0.8808")
    ('O_2 &= \\text{Sig}(-2)', '\\text{Sig}(-2) &\\approx 0.8808', 'O_2')
    """
    eqs = top_level_equals(text)
    depth, first = 0, None
    for n, c in enumerate(text):
        depth += (c == "{") - (c == "}")
        if depth == 0 and text.startswith("\\approx", n) and not text[n + 7:n + 8].isalpha():
            first = n
            break
    if first is None or not eqs or eqs[0] > first or any(e > first for e in eqs):
        return None
    last = max(eqs)
    head = text[:first].rstrip(" &")
    tail = text[last + 1:].strip(" &")
    lead = text[:eqs[0]].strip(" &")
    if not head.strip() or not lead or not tail.split("\\approx")[0].strip(" &"):
        return None
    return head, tail, lead
