r"""The normalisation pass: screening, then tokens with their positions.

Everything that only changes how a formula *looks* is removed here, under a frozen
:class:`NormalizationConfig` whose switches are named: sizers (``\left``, ``\big``), styles
(``\displaystyle``), colours (``\color{red}{x}`` → ``x``), tags and labels, spacing, fonts
(``\mathbf{z}`` → ``z``, ``\text{NLL}`` → the word ``NLL``), ``\dfrac``/``\tfrac`` → ``\frac``,
and Unicode (``−``, ``′``, ``’`` as a prime, Greek letters, ``≠ ≤ ≥ ∈ ∂ ∑ ·``, ``ℝ``).

>>> [t.text for t in tokenize(r"\left( \mathbf{z} \right)^{\top}", NormalizationConfig()) if t.kind != "ws"]
['(', 'z', ')', '^', '{', 'top', '}']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import MAX_CHARS, MAX_DEPTH, MAX_NUMBER, LatexError


@dataclass(frozen=True)
class NormalizationConfig:
    """Which normalisations run (all by default); each switch is testable on its own."""

    sizers: bool = True          # \left( \right) \big \Bigl \middle: the delimiter stays
    styles: bool = True          # \displaystyle \large \limits ... dropped
    colors: bool = True          # \color{red}{x} and \textcolor{red}{x}: x
    tags: bool = True            # \tag{..} \label{..} \nonumber dropped
    spacing: bool = True         # \, \; \quad ~: a space
    fonts: bool = True           # \mathrm \mathbf \text \operatorname ...: the letters or word
    fractions: bool = True       # \dfrac \tfrac: \frac
    unicode: bool = True         # Greek, −, ′, ’, ≠, ≤, ∈, ∂, ∑, ·, ℝ ...
    comments: bool = True        # % to the end of the line


DEFAULT_CONFIG = NormalizationConfig()


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str   # cmd greek letter word text num char ws begin end bb
    text: str
    pos: int
    end: int
    src: str


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma",
    "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta",
    "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", "ell",
}
_UNICODE_GREEK = dict(zip(
    "αβγδεζηθικλμνξπρσςτυφχψωΓΔΘΛΞΠΣΥΦΨΩϵϑϕ",
    ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
     "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "varsigma", "tau", "upsilon", "phi", "chi",
     "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
     "Psi", "Omega", "epsilon", "vartheta", "phi"]))
_UNICODE_CMD = {
    "∂": "partial", "∈": "in", "×": "times", "·": "cdot", "⋅": "cdot", "≠": "neq", "≤": "leq",
    "≥": "geq", "∑": "sum", "∏": "prod", "…": "dots", "⋯": "cdots", "⋮": "vdots", "⋱": "ddots",
    "∞": "infty", "≈": "approx", "≔": "coloneqq", "√": "sqrt", "∀": "forall",
}
_UNICODE_CHAR = {"−": "-", "′": "'", "’": "'", "∗": "*", "∣": "|", "–": "-", "″": "''"}
_UNICODE_BB = {"ℝ": "R", "ℕ": "N", "ℤ": "Z", "ℂ": "C"}

_FORBIDDEN = {
    "input", "include", "includeonly", "write", "immediate", "openin", "openout", "read",
    "readline", "def", "edef", "gdef", "xdef", "let", "futurelet", "catcode", "csname",
    "endcsname", "newcommand", "renewcommand", "providecommand", "DeclareMathOperator",
    "usepackage", "documentclass", "special", "expandafter", "jobname", "newread", "newwrite",
    "closein", "closeout", "directlua", "luaexec", "loop", "makeatletter", "makeatother",
    "verbatiminput", "lstinputlisting", "includegraphics", "mathcode", "uppercase", "lowercase",
    "scantokens", "everymath", "everydisplay", "everypar", "output", "href", "url", "openany",
    "shipout", "message", "errmessage", "typeout", "endinput", "afterassignment", "aftergroup",
    "global", "long", "outer", "protected", "noexpand", "unexpanded", "detokenize", "string",
    "meaning", "show", "showthe", "input@path", "pdfshellescape", "ShellEscape", "newenvironment",
    "renewenvironment", "char", "lccode", "uccode", "sfcode", "delcode", "endlinechar",
    "escapechar", "newlinechar", "count", "dimen", "skip", "toks", "setbox", "the",
}
_FORBIDDEN_RE = re.compile(r"\\(" + "|".join(sorted(map(re.escape, _FORBIDDEN), key=len,
                                                      reverse=True)) + r")(?![A-Za-z])")
_SKIP_CMDS = {",", ";", ":", "!", " ", ">", "quad", "qquad", "displaystyle", "textstyle",
              "scriptstyle", "scriptscriptstyle", "nonumber", "notag", "limits", "nolimits",
              "enspace", "thinspace", "medspace", "thickspace", "negthinspace", "\n", "\t",
              "\r", "hfill", "mathstrut", "strut", "allowbreak", "nobreak"}
_SIZERS = {"left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
           "Bigr", "biggl", "biggr", "Biggl", "Biggr", "bigm", "Bigm"}
_SIZED_DELIMS = {"(": "(", ")": ")", "[": "[", "]": "]", "|": "|", "lvert": "|", "rvert": "|",
                 "vert": "|", "lbrack": "[", "rbrack": "]"}
_FONT_CMDS = {"mathrm", "text", "textrm", "mathit", "mathbf", "boldsymbol", "bm", "mathsf",
              "operatorname", "textit", "textbf", "mbox", "mathtt", "textsf", "mathcal",
              "mathnormal", "textnormal", "pmb"}
_ACCENT_CMDS = {"hat", "widehat", "bar", "overline", "tilde", "widetilde", "vec", "dot", "ddot",
                "check", "breve", "acute", "grave", "mathring"}


_STYLE_CMDS = {"large", "Large", "LARGE", "small", "footnotesize", "scriptsize", "tiny",
               "normalsize", "huge", "Huge", "bf", "it", "sf", "tt", "cal"}
_FONT_SWITCHES = {"rm", "mathrm"}        # {\rm Diag}: the rest of the group in that font
_BARE_DELIMS = {"lbrack": "[", "rbrack": "]", "lvert": "|", "rvert": "|", "vert": "|",
                "lparen": "(", "rparen": ")"}
_ACCENTED = re.compile(r"\\(hat|widehat|bar|overline|tilde|widetilde|vec|dot|ddot|check)"
                       r"\s*(?:\{\s*(\\?[A-Za-z]+)\s*\}|(\\[A-Za-z]+|[A-Za-z]))")
_FONT_WRAP = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathrm|mathit|mathsf|pmb|mathcal|text)"
                        r"(?:\s*\{\s*(\\?[A-Za-z]+)\s*\}|(?![A-Za-z])\s*(\\[A-Za-z]+|[A-Za-z]))")


def _strip_fonts(inner: str) -> str:
    """``\\mathbf{y}`` → ``y`` inside an accent: ``\\hat{\\mathbf{y}}`` is ``\\hat{y}``."""
    prev = None
    while prev != inner:
        prev, inner = inner, _FONT_WRAP.sub(lambda m: m.group(1) or m.group(2), inner).strip()
    return inner


_STYLE_SKIPS = {"displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle", "nonumber",
                "notag", "limits", "nolimits", "\n", "\t", "\r", " "}
_DROP_WITH_ARG = {"tag", "tag*", "label", "hspace", "vspace", "hspace*", "phantom", "hphantom",
                  "vphantom"}

_TOKEN_RE = re.compile(r"""
    (?P<cmd>\\(?:[A-Za-z]+|.))
  | (?P<dots>\.\.\.)
  | (?P<num>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
  | (?P<letter>[A-Za-z])
  | (?P<ws>[ \t\r\n\u00a0\u2009\u200a\u202f\u2002\u2003]+)
  | (?P<other>.)
""", re.S | re.X)


def as_text(latex) -> str:
    if isinstance(latex, (bytes, bytearray, memoryview)):
        try:
            return bytes(latex).decode("utf-8")
        except UnicodeDecodeError as e:
            raise LatexError("the bytes are not UTF-8 text", None, e.start,
                             "give the formula as UTF-8 encoded text") from None
    if not isinstance(latex, str):
        raise LatexError(f"expected LaTeX text (str or bytes), got {type(latex).__name__}")
    return latex


_EXTREMUM_SUB = re.compile(
    r"\\(max|min)(?![A-Za-z])\s*_\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))\s*"
    r"([A-Za-z](?![A-Za-z])|\\(?!max|min|sum|log|exp)[A-Za-z]+(?![A-Za-z]))"
    r"\s*_\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z](?![A-Za-z])))(?!\s*[_^'(\[])")


def extremum_entries(text: str) -> str:
    r"""``\max_j z_j``, ``\max_{k} z_k``: the largest entry of the vector z, written
    ``\max(z)`` (read as that today: a name of its own, kept only where it cancels).  Only
    when the entry's one index is the index under the operator (``\max_j z_{ij}`` is not).

    >>> extremum_entries(r"z_i - \max_j z_j")
    'z_i - \\max(z)'
    >>> extremum_entries(r"\max_{j} z_{ij}")
    '\\max_{j} z_{ij}'
    """
    def sub(m):
        j, k = m.group(2) or m.group(3), m.group(5) or m.group(6)
        return f"\\{m.group(1)}({m.group(4)})" if j == k else m.group(0)
    return _EXTREMUM_SUB.sub(sub, text) if "\\max" in text or "\\min" in text else text


def screen(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise LatexError(f"the formula has {len(text)} characters, more than {MAX_CHARS}",
                         text[:80], None, "split it into smaller formulas")
    if not text.strip():
        raise LatexError("the formula is empty", text, None, "give a LaTeX formula such as y_i = 1")
    m = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if m:
        raise LatexError("control character in the formula", text, m.start(),
                         "remove non-printing characters")
    m = _FORBIDDEN_RE.search(text)
    if m:
        raise LatexError(f"\\{m.group(1)} is a TeX primitive that formulas must not use", text,
                         m.start(), "remove it: only mathematics is read")


def _group_text(text: str, start: int) -> tuple[str, int] | None:
    """The raw text of the brace group opening at *start* (after spaces) and the end index."""
    p = start
    while p < len(text) and text[p] in " \t\n":
        p += 1
    if p >= len(text):
        return None
    if text[p] != "{":
        if text[p].isalnum():
            return text[p], p + 1
        if text[p] == "\\":
            m = re.match(r"\\[A-Za-z]+", text[p:])
            if m:
                return m.group(0), p + m.end()
        return None
    depth = 0
    for q in range(p, len(text)):
        if text[q] == "{" and (q == 0 or text[q - 1] != "\\"):
            depth += 1
        elif text[q] == "}" and text[q - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[p + 1:q], q + 1
    return None


def tokenize(text: str, config: NormalizationConfig = DEFAULT_CONFIG) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    n = len(text)

    def add(kind, tx, start, end):
        toks.append(Tok(kind, tx, start, end, text[start:end]))

    while pos < n:
        m = _TOKEN_RE.match(text, pos)
        kind, tx, end = m.lastgroup, m.group(), m.end()
        if kind == "cmd":
            name = tx[1:]
            if name == "":
                raise LatexError("a backslash ends the formula", text, pos, "remove it")
            if name == "operatorname" and text.startswith("*", end):
                end += 1                                   # \operatorname*{argmax}
            if name in ("dfrac", "tfrac") and config.fractions:
                add("cmd", "frac", pos, end)
            elif (name in _SKIP_CMDS and (config.spacing or name in _STYLE_SKIPS)) or (
                    name in _STYLE_CMDS and config.styles):
                add("ws", " ", pos, end)
            elif name in ("color", "textcolor") and config.colors:
                g = _group_text(text, end)
                if g is None:
                    raise LatexError(f"\\{name} needs a colour in braces", text, pos,
                                     "write e.g. \\color{red}{x}")
                add("ws", " ", pos, g[1])                  # the coloured group stays
                pos = g[1]
                continue
            elif name in _DROP_WITH_ARG and config.tags:
                q = end + (1 if text.startswith("*", end) else 0)
                g = _group_text(text, q)
                if g is None:
                    raise LatexError(f"\\{name} needs an argument in braces", text, pos,
                                     f"remove the \\{name}")
                add("ws", " ", pos, g[1])
                pos = g[1]
                continue
            elif name in ("stackrel", "overset"):
                g1 = _group_text(text, end)
                g2 = _group_text(text, g1[1]) if g1 else None
                if g2 is None or g2[0].strip() != "=":
                    raise LatexError(f"\\{name} is only read over '='", text, pos,
                                     "write \\stackrel{\\text{def}}{=} or :=")
                add("cmd", "coloneqq", pos, g2[1])        # a definition
                pos = g2[1]
                continue
            elif name in _FONT_SWITCHES and config.fonts and name == "rm":
                add("ws", " ", pos, end)                   # {\rm Diag}: the word follows
                m = re.match(r"\s*([A-Za-z]+)", text[end:])
                if m:
                    w = m.group(1)
                    start = end + m.start(1)
                    add("word" if len(w) > 1 else "letter", w, start, end + m.end())
                    pos = end + m.end()
                    close = re.match(r"\s*\}", text[pos:])
                    opener = [q for q, t in enumerate(toks[:-2]) if t.kind != "ws"][-1:]
                    if close and opener and toks[opener[0]].kind == "char" and \
                            toks[opener[0]].text == "{":
                        del toks[opener[0]]        # {\rm Diag}(p): the word, then (p)
                        pos += close.end()
                    continue
            elif name in _SIZERS and config.sizers:
                q = end
                while q < n and text[q] in " \t\n":
                    q += 1
                dm = re.match(r"\\[A-Za-z]+|\\.|.", text[q:], re.S) if q < n else None
                if dm is None:
                    raise LatexError(f"\\{name} needs a delimiter after it", text, pos,
                                     "write e.g. \\left( ... \\right)")
                d = dm.group()
                key = d[1:] if d.startswith("\\") and len(d) > 1 and d[1].isalpha() else d
                if d == ".":
                    add("ws", " ", pos, q + 1)
                elif d in ("\\{", "\\}"):
                    add("cmd", d[1], pos, q + 2)
                elif d == "\\|":
                    add("cmd", "|", pos, q + 2)
                elif key in _SIZED_DELIMS:
                    add("char", _SIZED_DELIMS[key], pos, q + len(d))
                elif key in ("langle", "rangle"):
                    raise LatexError(f"angle brackets (\\{key}) are not supported", text, pos,
                                     "use parentheses")
                else:
                    raise LatexError(f"\\{name} must be followed by a delimiter such as ( or )",
                                     text, pos, "write e.g. \\left( ... \\right)")
                pos = q + len(d)
                continue
            elif name == "label":
                g = _group_text(text, end)
                if g is None:
                    raise LatexError("\\label needs a {name}", text, pos, "remove the \\label")
                add("ws", " ", pos, g[1])
                pos = g[1]
                continue
            elif name in ("begin", "end"):
                g = _group_text(text, end)
                if g is None or not re.fullmatch(r"[A-Za-z]+\*?", g[0].strip()):
                    raise LatexError(f"\\{name} needs an environment name", text, pos,
                                     "write e.g. \\begin{pmatrix} ... \\end{pmatrix}")
                add(name, g[0].strip(), pos, g[1])
                pos = g[1]
                continue
            elif (name in _FONT_CMDS and config.fonts) or name == "mathbb":
                g = _group_text(text, end)
                if g is None:
                    raise LatexError(f"\\{name} needs an argument in braces", text, pos,
                                     f"write e.g. \\{name}{{x}}")
                inner, stop = g[0].strip(), g[1]
                if name == "mathbb":
                    if inner in ("1", "I") and inner == "1":
                        add("num", "1", pos, stop)
                    elif re.fullmatch(r"[A-Za-z]", inner):
                        add("bb", inner, pos, stop)
                    else:
                        raise LatexError(f"\\mathbb{{{inner}}} is not supported", text, pos,
                                         "use \\mathbb{R}, \\mathbb{N}, \\mathbb{Z} or \\mathbb{1}")
                elif inner == "":
                    add("ws", " ", pos, stop)
                elif re.fullmatch(r"[A-Za-z]", inner):
                    add("letter", inner, pos, stop)
                elif re.fullmatch(r"[0-9]+", inner):
                    add("num", inner, pos, stop)
                elif re.fullmatch(r"\\[A-Za-z]+", inner) and inner[1:] in _GREEK:
                    add("greek", inner[1:], pos, stop)
                elif re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(\\_[A-Za-z0-9]+)*", inner):
                    add("word", inner.replace("\\_", "_"), pos, stop)     # scaled\_scores
                elif _ACCENTED.fullmatch(_strip_fonts(inner)):
                    m = _ACCENTED.fullmatch(_strip_fonts(inner))
                    add("word", f"\\{m.group(1)}{{{m.group(2) or m.group(3)}}}", pos, stop)
                else:
                    add("text", " ".join(inner.split()), pos, stop)
                pos = stop
                continue
            elif name in _ACCENT_CMDS:
                g = _group_text(text, end)
                if g is None:
                    raise LatexError(f"\\{name} needs an argument", text, pos,
                                     f"write e.g. \\{name}{{y}}")
                inner = _strip_fonts(g[0].strip())
                if not re.fullmatch(r"[A-Za-z]|\\[A-Za-z]+", inner) or (
                        inner.startswith("\\") and inner[1:] not in _GREEK):
                    raise LatexError(f"\\{name}{{{inner}}}: an accent must sit on one letter",
                                     text, pos, f"write e.g. \\{name}{{y}}_i")
                add("word", f"\\{name}{{{inner}}}", pos, g[1])
                pos = g[1]
                continue
            elif name in _GREEK:
                add("greek", name, pos, end)
            elif name == "prime":
                add("char", "'", pos, end)
            elif name in _BARE_DELIMS:
                add("char", _BARE_DELIMS[name], pos, end)
            elif name in ("R", "Reals"):
                add("bb", "R", pos, end)
            else:
                add("cmd", name, pos, end)
        elif kind == "num":
            if len(tx) > MAX_NUMBER:
                raise LatexError(f"a number with {len(tx)} digits", text, pos,
                                 f"numbers are limited to {MAX_NUMBER} digits")
            add("num", tx, pos, end)
        elif kind == "dots":
            add("cmd", "dots", pos, end)
        elif kind in ("letter", "ws"):
            add(kind, tx if kind == "letter" else " ", pos, end)
        else:
            ch = tx
            if ch == "%" and config.comments:       # a TeX comment runs to the end of the line
                nl = text.find("\n", pos)
                end = n if nl < 0 else nl
                add("ws", " ", pos, end)
            elif ord(ch) >= 128 and not config.unicode:
                raise LatexError(f"unsupported character {ch!r} (U+{ord(ch):04X})", text, pos,
                                 "write it as a LaTeX command")
            elif ch in _UNICODE_GREEK:
                add("greek", _UNICODE_GREEK[ch], pos, end)
            elif ch in _UNICODE_CMD:
                name = _UNICODE_CMD[ch]
                add("char" if name == "" else ("cmd" if name not in _GREEK else "greek"),
                    name, pos, end)
            elif ch in _UNICODE_CHAR:
                add("char", _UNICODE_CHAR[ch], pos, end)
            elif ch in _UNICODE_BB:
                add("bb", _UNICODE_BB[ch], pos, end)
            elif ch == "~" and config.spacing:
                add("ws", " ", pos, end)
            elif ch.isspace():
                add("ws", " ", pos, end)
            elif ord(ch) < 128:
                add("char", ch, pos, end)
            else:
                raise LatexError(f"unsupported character {ch!r} (U+{ord(ch):04X})", text, pos,
                                 "write it as a LaTeX command")
        pos = end
    for n, t in enumerate(toks):   # argmax_j y_j: the index where y is largest, no product
        after = next((u.text for u in toks[n + 1:] if u.kind != "ws"), "")
        if (t.kind in ("word", "letter") and t.text.lower() in ("argmax", "argmin") and
                after not in ("(", "_")) or (t.kind == "cmd" and t.text == "arg"):
            raise LatexError("argmax / argmin (an index, not a value) is not read", text,
                             t.pos, "state the claim about the values instead")
    return toks


_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def match_brackets(toks: list[Tok], text: str) -> tuple[dict, set]:
    """Matching brackets, braces and environments; unmatched ``)`` are returned to be dropped."""
    match: dict[int, int] = {}
    dropped: set[int] = set()
    stack: list[int] = []
    for n, t in enumerate(toks):
        if (t.kind == "char" and t.text in _OPENERS) or t.kind == "begin" or (
                t.kind == "cmd" and t.text == "{"):
            stack.append(n)
            if len(stack) > MAX_DEPTH:
                raise LatexError(f"brackets nested more than {MAX_DEPTH} deep", text, t.pos,
                                 "simplify the formula or name a part of it")
        elif (t.kind == "char" and t.text in _CLOSERS) or t.kind == "end" or (
                t.kind == "cmd" and t.text == "}"):
            if stack:
                o = toks[stack[-1]]
                ok = (t.kind == "end" and o.kind == "begin" and o.text == t.text) or (
                    t.kind == "char" and o.kind == "char" and _OPENERS[o.text] == t.text) or (
                    t.kind == "cmd" and o.kind == "cmd")
                if ok:
                    o = stack.pop()
                    match[o] = n
                    match[n] = o
                    continue
            if t.kind == "char" and t.text == ")" and not any(
                    toks[s].kind == "char" and toks[s].text == "(" for s in stack):
                dropped.add(n)
                continue
            if t.kind == "end":
                raise LatexError(f"\\end{{{t.text}}} without a matching \\begin", text, t.pos,
                                 "check the environments")
            if t.kind == "cmd":
                raise LatexError("unbalanced \\}", text, t.pos, "add the matching \\{")
            raise LatexError(f"unbalanced {t.text!r}", text, t.pos,
                             f"remove it or add the matching {_CLOSERS.get(t.text, '')!r}")
    if stack:
        t = toks[stack[-1]]
        if t.kind == "begin":
            raise LatexError(f"\\begin{{{t.text}}} is never closed", text, t.pos,
                             f"add \\end{{{t.text}}}")
        if t.kind == "cmd":
            raise LatexError("unbalanced \\{: it is never closed", text, t.pos,
                             "add the matching \\}")
        raise LatexError(f"unbalanced {t.text!r}: it is never closed", text, t.pos,
                         f"add the matching {_OPENERS[t.text]!r}")
    return match, dropped

