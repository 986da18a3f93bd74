r"""LaTeX in (machine-learning notation on top of latex2sympy2_extended) and LaTeX out.

Reading happens in three passes:

1. **Screening and tokens.** The text is checked (type, UTF-8, size, forbidden TeX primitives,
   balanced braces, nesting depth) and cut into tokens that remember their position.
2. **The ML pre-pass** (:class:`_Reader`) reads what latex2sympy2 gets wrong or slowly: names
   with labels and subscripts (``A^{O}_{i}`` → ``IndexedBase('A^{O}')[i]``), Kronecker deltas,
   derivatives (``\frac{\partial A}{\partial B}`` → :class:`~symderiv.notation.Partial`), declared
   functions, ``exp``/``ln`` without backslash, decimals (exact), matrices, tuples, bare sums.
   Every group (parentheses, braces, fractions, arguments) is read on its own and replaced by a
   placeholder ``\variable{Qn}``, so latex2sympy2 only ever sees *flat* text: its parse time grows
   steeply with nesting (about 5 s for 30 nested parentheses, over a minute for 20 nested braces).
3. **latex2sympy2** reads the flat text: operator precedence, implicit multiplication and the
   extent of ``\sum``/``\prod``. The tree it returns is rebuilt with our objects in place of the
   placeholders (and evaluated, so results compare structurally with ``==``).

>>> from symderiv.notation import index, K
>>> i, k = index('i'), index('k')
>>> read_expr(r'\frac{e^{z_i}}{\sum_k e^{z_k}}') == (
...     sympy.exp(IndexedBase('z')[i]) / sympy.Sum(sympy.exp(IndexedBase('z')[k]), (k, 1, K)))
True
>>> to_latex(read_expr(r'\delta_{ij} - y_j'))
'\\delta_{i j} - y_{j}'
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache

import sympy
from sympy import (Expr, Function, ImmutableMatrix, Indexed, IndexedBase, Integer,
                   KroneckerDelta, Rational, Symbol)
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions import MatrixExpr
from sympy.printing.latex import LatexPrinter

from symderiv.notation import NotationError, Partial, SymderivError, base_name, beta, index, size

__all__ = [
    "LatexError", "Notation", "Formula", "Reading", "Declaration", "IndexRange",
    "read_formula", "read_expr", "to_latex", "split_display",
]

MAX_CHARS = 20_000
MAX_DEPTH = 30
CHUNK = 150              # placeholders in one call of latex2sympy2 (RecursionError near 1000)
MAX_CHUNKS = 20          # chunks of one flat text: at most 3000 terms
MAX_BIGOPS = 12         # \sum/\prod in one flat text (each nests latex2sympy2's parse)
MAX_SECONDS = 5.0        # time budget for one formula, checked between latex2sympy2 calls
MAX_READS = 4_000        # sub-expressions read for one formula
MAX_NUMBER = 200         # digits in one number literal
MAX_DIGITS = 4_000       # digits of an exact number (Python prints at most 4300)


# ---------------------------------------------------------------------------------------------
# errors and public data
# ---------------------------------------------------------------------------------------------
class LatexError(ValueError, SymderivError):
    r"""The LaTeX text cannot be read; ``position`` (0-based, or None) says where, ``hint`` what to do.

    >>> try:
    ...     read_expr(r'\frac{d}f(x)')
    ... except LatexError as e:
    ...     print(e.position, e.hint)
    0 write the variable in the denominator, e.g. \frac{d}{dx} f(x)
    """

    def __init__(self, reason: str, latex: str | None = None, position: int | None = None,
                 hint: str | None = None):
        self.reason = reason
        self.latex = latex
        self.position = position
        self.hint = hint
        super().__init__(reason)

    def __str__(self) -> str:
        text = " ".join(self.reason.split())
        if self.latex is not None:
            given = " ".join(self.latex.split())
            if len(given) > 70:
                given = given[:67] + "..."
            text = f"cannot read {given!r}: {text}"
        if self.position is not None:
            text += f" (at position {self.position}"
            if self.latex is not None and 0 <= self.position < len(self.latex):
                near = " ".join(self.latex[self.position:self.position + 20].split())
                text += f", near {near!r}"
            text += ")"
        if self.hint:
            text += f"; {' '.join(self.hint.split())}"
        return text


def _tuple_of_str(value, what: str) -> tuple:
    if isinstance(value, str):
        value = (value,)
    try:
        value = tuple(value)
    except TypeError:
        raise NotationError(f"{what} must be a tuple of names, got {value!r}") from None
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise NotationError(f"{what} must hold non-empty names, got {value!r}")
    return value


@dataclass(frozen=True)
class Notation:
    """How a text writes its mathematics.

    size
        the name of the size symbol (``K``): a positive integer.
    lower, upper
        the default index range of ``\\sum_k``; ``upper=None`` means ``K`` when ``lower=1``
        and ``K + lower - 1`` otherwise; a name here (``'n'``) is read as a size symbol.
    indices
        letters read as index symbols even where they appear bare (subscript letters and
        summation variables always are).
    labels
        superscripts that are part of a name (``O`` in ``A^{O}_{i}``); ``^{(l)}`` and
        ``^{\\text{..}}`` always are.
    vectors
        names that stand for a whole vector when written without subscript (``'A^{O}'``, ``'T'``).
    functions
        names read as functions when followed by ``(``: ``E(A^{O}, T)``, ``Softmax(Z^{O})``.
    """

    size: str = "K"
    lower: int = 1
    upper: int | str | None = None
    indices: tuple[str, ...] = ("i", "j", "k", "l", "m")
    labels: tuple[str, ...] = ()
    vectors: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()

    def __post_init__(self):
        if not isinstance(self.size, str) or not re.fullmatch(r"[A-Za-z]+", self.size):
            raise NotationError(f"size must be a name such as 'K', got {self.size!r}")
        if isinstance(self.lower, bool) or not isinstance(self.lower, int):
            raise NotationError(f"lower must be an integer, got {self.lower!r}")
        if self.upper is not None and (isinstance(self.upper, bool) or not (
                isinstance(self.upper, int)
                or (isinstance(self.upper, str) and re.fullmatch(r"[A-Za-z]+", self.upper)))):
            raise NotationError(f"upper must be None, an integer or a name, got {self.upper!r}")
        for name in ("indices", "labels", "vectors", "functions"):
            object.__setattr__(self, name, _tuple_of_str(getattr(self, name), name))

    @property
    def size_symbol(self) -> Symbol:
        return size(self.size)

    def default_range(self) -> tuple[Expr, Expr]:
        """``(lower, upper)`` of a sum written without limits."""
        if self.upper is None:
            hi = self.size_symbol + (self.lower - 1)
        elif isinstance(self.upper, int):
            hi = Integer(self.upper)
        else:
            hi = self.size_symbol if self.upper == self.size else size(self.upper)
        return Integer(self.lower), hi


@dataclass(frozen=True)
class Declaration:
    """``W \\in R^{m \\times n}``: names, the number set (``'R'``, ``'N'``, ``'Z'``, ``'C'``) and a shape."""

    names: tuple[str, ...]
    space: str
    shape: tuple = ()


@dataclass(frozen=True)
class IndexRange:
    """``1 \\leq i \\leq K``: an index and its bounds (None where not stated)."""

    name: str
    lower: Expr | None = None
    upper: Expr | None = None

    @property
    def symbol(self) -> Symbol:
        return index(self.name)


@dataclass(frozen=True)
class Reading:
    """One plausible way to read a formula: its parts, relations and case conditions, and the
    doubts (short sentences a reader can confirm: "dA read as one name, not d·A") that set it
    apart from the other plausible readings.  The verifier decides every reading: a verdict
    holds only when all readings agree (see :func:`symderiv.verify.combine_readings`)."""

    parts: tuple = ()
    relations: tuple[str, ...] = ()
    conditions: tuple = ()
    doubts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Formula:
    """What one LaTeX formula says.

    ``parts`` are the expressions joined by ``relations`` (``'='`` or ``':='``): ``a = b = c`` has
    three parts and two relations. ``conditions`` are case conditions (``Eq(i, j)``,
    ``Ne(i, j)``), ``declarations`` are :class:`Declaration` and :class:`IndexRange` objects,
    ``warnings`` say where the reading relied on a repair or an unusual convention.
    ``doubts`` are those of this (the preferred) reading and ``alternatives`` the other
    plausible readings; ``readings`` lists them all, the preferred one first.
    """

    latex: str
    parts: tuple = ()
    relations: tuple[str, ...] = ()
    conditions: tuple = ()
    declarations: tuple = ()
    warnings: tuple[str, ...] = ()
    doubts: tuple[str, ...] = ()
    alternatives: tuple[Reading, ...] = ()

    @property
    def readings(self) -> tuple[Reading, ...]:
        return (Reading(self.parts, self.relations, self.conditions, self.doubts),
                ) + self.alternatives

    @property
    def links(self) -> tuple:
        """``((a, '=', b), (b, '=', c), ...)``: the claims of a chain."""
        return tuple((self.parts[n], rel, self.parts[n + 1])
                     for n, rel in enumerate(self.relations))


# ---------------------------------------------------------------------------------------------
# tokens
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str   # cmd greek letter word text num char ws begin end bb
    text: str
    pos: int
    end: int
    src: str


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma",
    "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta",
    "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
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
_UNICODE_CHAR = {"−": "-", "′": "'", "∗": "*", "∣": "|", "–": "-"}
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
_FUNC_CMDS = {"exp", "ln", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh"}
_FUNC_WORDS = {"exp", "ln", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh"}
_MATRIX_FUNCS = {"diag", "Diag", "tr", "Tr", "trace", "det", "vec", "rank"}
_ELLIPSIS_CMDS = {"dots", "cdots", "ldots", "vdots", "ddots", "dotsc", "dotsb", "dotsm"}
_MATRIX_ENVS = {"pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix"}
_ALIGN_ENVS = {"eqnarray", "eqnarray*", "align", "align*", "aligned", "gather", "gather*",
               "gathered", "equation", "equation*", "multline", "multline*", "split",
               "displaymath", "math", "flalign", "flalign*", "alignat", "alignat*"}
_LESS = {"leq", "le", "leqslant", "lt"}
_GREATER = {"geq", "ge", "geqslant", "gt"}
_NEQ = {"neq", "ne"}
_DEFINE_CMDS = {"coloneqq", "coloneq", "equiv", "triangleq", "doteq", "stackrel"}
_COND_WORDS = {"if", "for", "when", "where", "with", "and", "otherwise", "whenever", "all"}

_TOKEN_RE = re.compile(r"""
    (?P<cmd>\\(?:[A-Za-z]+|.))
  | (?P<dots>\.\.\.)
  | (?P<num>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
  | (?P<letter>[A-Za-z])
  | (?P<ws>[ \t\r\n\u00a0\u2009\u200a\u202f\u2002\u2003]+)
  | (?P<other>.)
""", re.S | re.X)


def _as_text(latex) -> str:
    if isinstance(latex, (bytes, bytearray, memoryview)):
        try:
            return bytes(latex).decode("utf-8")
        except UnicodeDecodeError as e:
            raise LatexError("the bytes are not UTF-8 text", None, e.start,
                             "give the formula as UTF-8 encoded text") from None
    if not isinstance(latex, str):
        raise LatexError(f"expected LaTeX text (str or bytes), got {type(latex).__name__}")
    return latex


def _screen(text: str) -> None:
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


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    n = len(text)

    def add(kind, tx, start, end):
        toks.append(_Tok(kind, tx, start, end, text[start:end]))

    while pos < n:
        m = _TOKEN_RE.match(text, pos)
        kind, tx, end = m.lastgroup, m.group(), m.end()
        if kind == "cmd":
            name = tx[1:]
            if name == "":
                raise LatexError("a backslash ends the formula", text, pos, "remove it")
            if name in _SKIP_CMDS:
                add("ws", " ", pos, end)
            elif name in _SIZERS:
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
            elif name in _FONT_CMDS or name == "mathbb":
                g = _group_text(text, end)
                if g is None:
                    raise LatexError(f"\\{name} needs an argument in braces", text, pos,
                                     f"write e.g. \\{name}{{x}}")
                inner, stop = g[0].strip(), g[1]
                if name == "mathbb":
                    if inner == "1":
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
                elif re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", inner):
                    add("word", inner, pos, stop)
                else:
                    add("text", " ".join(inner.split()), pos, stop)
                pos = stop
                continue
            elif name in _ACCENT_CMDS:
                g = _group_text(text, end)
                if g is None:
                    raise LatexError(f"\\{name} needs an argument", text, pos,
                                     f"write e.g. \\{name}{{y}}")
                inner = g[0].strip()
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
            if ch == "%":          # a TeX comment runs to the end of the line
                nl = text.find("\n", pos)
                end = n if nl < 0 else nl
                add("ws", " ", pos, end)
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
            elif ch == "~":
                add("ws", " ", pos, end)
            elif ch.isspace():
                add("ws", " ", pos, end)
            elif ord(ch) < 128:
                add("char", ch, pos, end)
            else:
                raise LatexError(f"unsupported character {ch!r} (U+{ord(ch):04X})", text, pos,
                                 "write it as a LaTeX command")
        pos = end
    return toks


_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _match(toks: list[_Tok], text: str) -> tuple[dict, set]:
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


# ---------------------------------------------------------------------------------------------
# latex2sympy2 and the rebuild of its tree
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _l2s(flat: str):
    """latex2sympy2 on a flat text of placeholders (cached: results are immutable trees)."""
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, latex2sympy
    config = ConversionConfig(lowercase_symbols=False, interpret_simple_eq_as_assignment=False,
                              interpret_as_mixed_fractions=False)
    return latex2sympy(flat, conversion_config=config, normalization_config=None)


def _is_matrix(x) -> bool:
    return isinstance(x, (sympy.MatrixBase, MatrixExpr))


def _num_digits(x) -> float:
    import math
    try:
        v = abs(int(x.p)) if x.is_Rational else 0
        w = abs(int(x.q)) if x.is_Rational else 0
        return max(math.log10(v + 1), math.log10(w + 1))
    except (TypeError, ValueError, AttributeError):
        return 0.0


def _pow(b, e):
    if _is_matrix(b) or _is_matrix(e):
        raise LatexError("powers of matrices are not supported", hint="write the product out")
    if getattr(b, "is_Number", False) and getattr(e, "is_Number", False):
        if e.is_Rational and _num_digits(b) * max(abs(float(e)), 1) > MAX_DIGITS:
            return sympy.Pow(b, e, evaluate=False)
        if b == 0 and e.is_negative:
            raise LatexError("division by zero", hint="check the denominator")
    return sympy.Pow(b, e)


def _mul(args):
    if any(_is_matrix(a) for a in args):
        if any(isinstance(a, IndexedBase) for a in args):
            raise LatexError("cannot multiply a matrix and a vector name",
                             hint="write the product entry by entry")
        try:
            return sympy.MatMul(*args)
        except sympy.ShapeError as e:
            raise LatexError(f"matrix shapes do not fit for a product: {e}",
                             hint="check the sizes of the matrices") from None
    return sympy.Mul(*args)


def _add(args):
    mats = [_is_matrix(a) for a in args]
    if any(mats):
        if not all(mats):
            raise LatexError("cannot add a matrix and a scalar",
                             hint="write both sides as matrices")
        try:
            return sympy.MatAdd(*sorted(args, key=sympy.default_sort_key))
        except sympy.ShapeError as e:
            raise LatexError(f"matrix shapes do not fit for a sum: {e}",
                             hint="check the sizes of the matrices") from None
    return sympy.Add(*args)


def _build(node, env: dict):
    """Rebuild latex2sympy2's tree with our objects for the placeholders (and evaluate)."""
    if isinstance(node, Symbol):
        if node.name in env:
            return env[node.name]
        raise LatexError(f"internal: unexpected name {node.name!r} from latex2sympy2")
    if isinstance(node, (sympy.Sum, sympy.Product)):
        f = _build(node.function, env)
        if _is_matrix(f):
            raise LatexError("a sum of matrices is not supported", hint="sum the entries")
        limits = [tuple(_build(x, env) for x in lim) for lim in node.limits]
        for v, _, _ in limits:
            if not isinstance(v, Symbol):
                raise LatexError("the summation variable must be a single letter",
                                 hint="write e.g. \\sum_{k=1}^{K}")
        return type(node)(f, *limits)
    if not node.args or isinstance(node, (sympy.Number, sympy.NumberSymbol)):
        return node
    args = [_build(a, env) for a in node.args]
    if isinstance(node, sympy.Mul):
        return _mul(args)
    if isinstance(node, sympy.Add):
        return _add(args)
    if isinstance(node, sympy.Pow):
        return _pow(*args)
    if isinstance(node, sympy.factorial):
        if args[0].is_Integer and args[0] > 1000:
            return sympy.factorial(args[0], evaluate=False)
        return sympy.factorial(args[0])
    if isinstance(node, sympy.Abs):
        return sympy.Abs(args[0])
    raise LatexError(f"unsupported construct {type(node).__name__} from latex2sympy2")


# ---------------------------------------------------------------------------------------------
# the ML pre-pass
# ---------------------------------------------------------------------------------------------
_LABEL_STRIP = re.compile(r"\s+")


def _label_key(s: str) -> str:
    s = _LABEL_STRIP.sub("", s)
    while s.startswith("{") and s.endswith("}"):
        s = s[1:-1]
    return s


def _canon_name(s: str) -> str:
    """``'A^O'`` → ``'A^{O}'``, ``'\\beta'`` → ``'beta'``: the base names the reader builds."""
    s = s.strip()
    m = re.fullmatch(r"(\\?[A-Za-z]+'?)\s*(?:\^\s*(\{.*\}|\S))?", s)
    if not m:
        return s
    name = m.group(1).lstrip("\\")
    if m.group(2):
        name += "^{" + _label_key(m.group(2)) + "}"
    return name


class _Ellipsis:
    """A matrix cell holding ``\\dots`` (or left empty)."""


_ELLIPSIS = _Ellipsis()


class _Reader:
    """Reads the tokens of one formula; see the module docstring."""

    def __init__(self, text: str, toks: list[_Tok], match: dict, dropped: set,
                 notation: Notation):
        self.text, self.toks, self.match, self.dropped = text, toks, match, dropped
        self.nt = notation
        self.objs: list = []
        self.ids: dict = {}
        self.warnings: list[str] = []
        self.markers: list = []          # (marker Dummy, info dict), in creation order
        self.reads = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.functions = {_canon_name(f) for f in notation.functions}
        self.vectors = {_canon_name(v) for v in notation.vectors}
        self.labels = {_label_key(lab) for lab in notation.labels}
        words = set(self.functions) | {v.split("^")[0] for v in self.vectors} | _FUNC_WORDS
        words |= {notation.size}
        if isinstance(notation.upper, str):
            words.add(notation.upper)
        self.words = sorted((w for w in words if re.fullmatch(r"[A-Za-z]+'?", w)),
                            key=len, reverse=True)
        self.index_names = set(notation.indices) | self._scan_indices()

    # -- errors and small helpers ------------------------------------------------------------
    def err(self, reason, at=None, hint=None):
        pos = self.toks[at].pos if isinstance(at, int) and 0 <= at < len(self.toks) else None
        return LatexError(reason, self.text, pos, hint)

    def warn(self, message: str):
        if message not in self.warnings:
            self.warnings.append(message)

    def src(self, a, b) -> str:
        if a >= b:
            return ""
        return self.text[self.toks[a].pos:self.toks[b - 1].end]

    def is_char(self, p, chars, b=None) -> bool:
        b = len(self.toks) if b is None else b
        return p < b and self.toks[p].kind == "char" and self.toks[p].text in chars

    def is_cmd(self, p, names, b=None) -> bool:
        b = len(self.toks) if b is None else b
        return p < b and self.toks[p].kind == "cmd" and self.toks[p].text in names

    def nx(self, p, b) -> int:
        while p < b and self.toks[p].kind == "ws":
            p += 1
        return p

    def strip(self, a, b) -> tuple[int, int]:
        a = self.nx(a, b)
        while b > a and self.toks[b - 1].kind == "ws":
            b -= 1
        return a, b

    def skip(self, p) -> int:
        """The index after the token at *p*, jumping over a whole group or environment."""
        return self.match[p] + 1 if p in self.match and self.match[p] > p else p + 1

    def top_level(self, a, b):
        """Indices of the tokens in [a, b) that are not inside a group."""
        p = a
        while p < b:
            yield p
            p = self.skip(p)

    def split_at(self, a, b, test) -> list[tuple[int, int]]:
        pieces, start = [], a
        for p in self.top_level(a, b):
            if test(p):
                pieces.append((start, p))
                start = p + 1
        pieces.append((start, b))
        return pieces

    def ph(self, obj) -> int:
        key = (type(obj), obj)
        try:
            if key in self.ids:
                return self.ids[key]
        except TypeError:       # unhashable: never shared
            key = None
        self.objs.append(obj)
        n = len(self.objs) - 1
        if key is not None:
            self.ids[key] = n
        return n

    def _scan_indices(self) -> set[str]:
        """Letters used as subscripts (or summation variables) anywhere in the formula."""
        found = set()
        toks = self.toks
        for p, t in enumerate(toks):
            if t.kind == "char" and t.text == "_" and p + 1 < len(toks):
                q = p + 1
                while q < len(toks) and toks[q].kind == "ws":
                    q += 1
                if q >= len(toks):
                    continue
                if toks[q].kind in ("letter", "greek"):
                    found.add(toks[q].text)
                elif toks[q].kind == "char" and toks[q].text == "{" and q in self.match:
                    for r in range(q + 1, self.match[q]):
                        if toks[r].kind in ("letter", "greek"):
                            found.add(toks[r].text)
        found.discard(self.nt.size)
        if isinstance(self.nt.upper, str):
            found.discard(self.nt.upper)
        return found

    # -- names -------------------------------------------------------------------------------
    def index_sym(self, name: str):
        if name == self.nt.size:
            return self.nt.size_symbol
        if isinstance(self.nt.upper, str) and name == self.nt.upper:
            return size(name)
        return index(name)

    def scalar(self, name: str):
        if name == self.nt.size or (isinstance(self.nt.upper, str) and name == self.nt.upper):
            return self.index_sym(name)
        if name == "beta":
            return beta
        if name in self.index_names:
            return index(name)
        return Symbol(name)

    # -- expressions -------------------------------------------------------------------------
    def expr(self, a, b, what="expression"):
        """Read tokens [a, b) into one SymPy object."""
        self.reads += 1
        if time.monotonic() > self.deadline:
            raise self.err(f"reading took more than {MAX_SECONDS:g} s", a,
                           "split the formula into smaller ones")
        if self.reads > MAX_READS:
            raise self.err("the formula is too complex to read", a,
                           "split it into smaller formulas")
        items = self.emit(a, b)
        core = [it for it in items if not (isinstance(it, str) and not it.strip())]
        if not core:
            raise self.err(f"empty {what}", min(a, len(self.toks) - 1),
                           "write something between the delimiters")
        if len(core) == 1 and isinstance(core[0], int):
            return self.objs[core[0]]
        if sum(isinstance(it, str) and ("\\sum" in it or "\\prod" in it) for it in items) > MAX_BIGOPS:
            raise self.err(f"more than {MAX_BIGOPS} sums or products in a row", a,
                           "name a part of the formula")
        chunks = self.chunks(items)
        if len(chunks) > MAX_CHUNKS:
            raise self.err(f"more than {MAX_CHUNKS * CHUNK} terms in one expression", a,
                           "split the formula into smaller ones")
        total = None
        for chunk in chunks:
            if sum(isinstance(it, int) for it in chunk) > CHUNK:
                raise self.err(f"more than {CHUNK} factors in one term", a,
                               "split the formula into smaller ones")
            value = self.flat(chunk, a, b)
            total = value if total is None else self._add_at([total, value], a)
        return total

    def chunks(self, items: list) -> list[list]:
        """Cut a long flat text at binary + and - (a sum never extends over them), so that
        latex2sympy2 never gets more than ``CHUNK`` placeholders at once (it recurses per term)."""
        if sum(isinstance(it, int) for it in items) <= CHUNK:
            return [items]
        out, current, count, prev = [], [], 0, None
        for it in items:
            is_sign = isinstance(it, str) and it.strip() in ("+", "-")
            if is_sign and count >= CHUNK // 2 and (isinstance(prev, int) or prev == "!"):
                out.append(current)
                current, count = [], 0
            current.append(it)
            count += isinstance(it, int)
            if not (isinstance(it, str) and not it.strip()):
                prev = it if isinstance(it, int) else it.strip()
        out.append(current)
        return out

    def _add_at(self, args, at):
        try:
            return _add(args)
        except LatexError as e:
            raise self.err(e.reason, at, e.hint) from None

    def flat(self, items: list, a: int, b: int):
        """latex2sympy2 on one flat text, then our objects in place of the placeholders."""
        local: dict[int, str] = {}
        pieces = []
        for it in items:
            if isinstance(it, int):
                if it not in local:
                    local[it] = f"Q{len(local)}"
                pieces.append(r"\variable{%s}" % local[it])
            else:
                pieces.append(it)
        flat = "".join(pieces)
        try:
            tree = _l2s(flat)
        except Exception as e:   # latex2sympy2 raises bare Exception (and RecursionError)
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise self.err(f"cannot read {self.src(a, b)!r} ({first})", a,
                           "check the operators and brackets") from None
        env = {name: self.objs[n] for n, name in local.items()}
        try:
            return _build(tree, env)
        except LatexError as e:
            if e.latex is None:
                raise self.err(e.reason, a, e.hint) from None
            raise

    def emit(self, a, b) -> list:
        """Flat latex2sympy2 text for [a, b): strings and placeholder ids."""
        out: list = []
        toks = self.toks
        p = a
        while p < b:
            t = toks[p]
            k = t.kind
            if k == "ws":
                out.append(" ")
                p += 1
            elif p in self.dropped:
                self.warn(f"ignored an unmatched ')' at position {t.pos}")
                p += 1
            elif k == "char":
                c = t.text
                if c in "+-":
                    # a run of signs is one sign: "a - -b" is "a + b" (and latex2sympy2 would
                    # recurse once per sign)
                    minus, q = 0, p
                    while q < b and (toks[q].kind == "ws" or self.is_char(q, "+-", b)):
                        minus += self.is_char(q, "-", b)
                        q += 1
                    out.append(" - " if minus % 2 else " + ")
                    p = q
                elif c == "/":
                    out.append(" / ")
                    p += 1
                elif c == "*":
                    out.append(r" \cdot ")
                    p += 1
                elif c == "!":
                    if self.is_char(p + 1, "=", b):
                        raise self.err("'!=' inside an expression", p,
                                       "a condition such as i != j goes before a colon: "
                                       "i != j: ...")
                    if self.is_char(self.nx(p + 1, b), "!", b):
                        raise self.err("a double factorial", p, "write (x!)! with parentheses")
                    out.append("!")
                    p += 1
                elif c == "^":
                    last = self._last_placeholder(out)
                    if last is None:
                        raise self.err("a superscript with nothing before it", p,
                                       "put the base before ^, e.g. x^{2}")
                    a1, b1, p = self.arg(p + 1, b, "superscript")
                    exponent = self.expr(a1, b1, "exponent")
                    out[last] = self.ph(self._pow(self.objs[out[last]], exponent, p))
                elif c == "_":
                    raise self.err("a subscript on something that is not a name", p,
                                   "subscripts go on names, e.g. y_{i}")
                elif c == "'":
                    raise self.err("a prime on something that is not a function name", p,
                                   "write e.g. f'(x)")
                elif c in "([{":
                    obj, p = self.group(p, b)
                    if obj is not None:
                        out.append(self.ph(obj))
                elif c == "|":
                    obj, p = self.abs_bars(p, b)
                    out.append(self.ph(obj))
                elif c == "&":
                    out.append(" ")
                    p += 1
                elif c in "=<>":
                    raise self.err(f"{c!r} inside an expression", p,
                                   "relations may only join the parts of a formula")
                elif c == ",":
                    raise self.err("a comma inside an expression", p,
                                   "write a vector as (a, b) or a matrix as \\begin{pmatrix}")
                elif c == ":":
                    raise self.err("':' inside an expression", p,
                                   "a case condition goes first: i = j: ...; a definition is a := b")
                else:
                    raise self.err(f"unexpected {c!r}", p, "remove it")
            elif k in ("letter", "greek", "word"):
                obj, p = self.name_atom(p, b)
                out.append(self.ph(obj))
            elif k == "num":
                obj, p = self.number(p, b)
                out.append(self.ph(obj))
            elif k == "cmd":
                p = self.emit_cmd(p, b, out)
            elif k == "begin":
                obj, p = self.environment(p, b)
                out.append(self.ph(obj))
            elif k == "text":
                raise self.err(f"text {t.text!r} inside a formula", p,
                               "keep prose outside the formula")
            elif k == "bb":
                raise self.err(f"the number set {t.src} inside an expression", p,
                               "write a declaration such as W \\in \\mathbb{R}^{m \\times n}")
            else:
                raise self.err(f"unexpected {t.src!r}", p, "remove it")
        return out

    @staticmethod
    def _last_placeholder(out):
        for n in range(len(out) - 1, -1, -1):
            if isinstance(out[n], int):
                return n
            if out[n].strip():
                return None
        return None

    def _pow(self, base, exponent, at):
        try:
            return _pow(base, exponent)
        except LatexError as e:
            raise self.err(e.reason, at, e.hint) from None

    def emit_cmd(self, p, b, out) -> int:
        t = self.toks[p]
        name = t.text
        if name in ("frac", "dfrac", "tfrac"):
            obj, p = self.frac(p, b)
            out.append(self.ph(obj))
        elif name == "partial":
            obj, p = self.partial_slash(p, b)
            out.append(self.ph(obj))
        elif name in ("sum", "prod"):
            p = self.bigop(p, b, out)
        elif name in _FUNC_CMDS:
            obj, p = self.func(name, p, p + 1, b)
            out.append(self.ph(obj))
        elif name in ("cdot", "times", "ast"):
            out.append(r" \cdot ")
            p += 1
        elif name == "div":
            out.append(" / ")
            p += 1
        elif name == "infty":
            out.append(self.ph(sympy.oo))
            p += 1
        elif name in _ELLIPSIS_CMDS:
            raise self.err("an ellipsis (\\dots) inside an expression", p,
                           "write the expression with a sum, e.g. \\sum_{k=1}^{K} z_k")
        elif name == "\\":
            raise self.err("a line break inside one formula", p,
                           "split the display into equations first (split_display)")
        elif name in {"in", "notin", "approx", "sim"} | _LESS | _GREATER | _NEQ | _DEFINE_CMDS:
            raise self.err(f"\\{name} inside an expression", p,
                           "relations may only join the parts of a formula")
        elif name in ("{", "}"):
            raise self.err("set braces \\{ \\} are not supported in expressions", p,
                           "write a vector as (a, b)")
        elif name == "|":
            raise self.err("norms \\| \\| are not supported", p, "write the norm as a sum")
        elif name in ("[", "]", "(", ")"):
            raise self.err("display delimiters inside a formula", p,
                           "give one formula without its delimiters")
        elif name in ("top", "intercal"):
            raise self.err("a transpose (\\top) in vector notation is not read", p,
                           "write the formula per entry with indices, e.g. "
                           "\\frac{\\partial L}{\\partial W_{ij}} = "
                           "\\frac{\\partial L}{\\partial y_i} x_j")
        else:
            raise self.err(f"unknown command \\{name}", p,
                           "use standard LaTeX math (\\frac, \\sum, \\partial, \\exp, \\log, ...)")
        return p

    def arg(self, p, b, what) -> tuple[int, int, int]:
        """The argument of a script or of \\frac: a brace group or one token."""
        p = self.nx(p, b)
        if p >= b:
            raise self.err(f"a {what} is missing", b - 1 if b else None,
                           "give it in braces, e.g. x^{2}")
        t = self.toks[p]
        if t.kind == "char" and t.text == "{":
            q = self.match[p]
            return p + 1, q, q + 1
        if t.kind == "num" and len(t.text) > 1:
            raise self.err(f"unbraced {what} {t.text!r}: TeX takes only its first digit", p,
                           f"write the {what} in braces, e.g. {{{t.text}}}")
        if t.kind in ("char",) and t.text in "()[]}^_&=,":
            raise self.err(f"a {what} is missing", p, "give it in braces, e.g. x^{2}")
        if t.kind == "begin":
            raise self.err(f"an environment as an unbraced {what}", p, "put it in braces")
        return p, p + 1, p + 1

    def group(self, p, b):
        t = self.toks[p]
        q = self.match[p]
        a1, b1 = self.strip(p + 1, q)
        if a1 >= b1:
            if t.text == "{":
                return None, q + 1
            raise self.err("empty parentheses", p, "put an expression inside")
        commas = self.split_at(a1, b1, lambda r: self.is_char(r, ","))
        if len(commas) > 1:
            if t.text == "{":
                raise self.err("a comma inside braces", p, "write a vector as (a, b)")
            entries = [self.expr(x, y, "vector entry") for x, y in commas]
            if any(_is_matrix(e) for e in entries):
                raise self.err("a vector of matrices", p, "write one matrix")
            return ImmutableMatrix([entries]), q + 1
        return self.expr(a1, b1), q + 1

    def abs_bars(self, p, b):
        for r in self.top_level(p + 1, b):
            if self.is_char(r, "|"):
                return sympy.Abs(self.expr(p + 1, r, "absolute value")), r + 1
        raise self.err("a '|' without its closing '|'", p,
                       "write |x| for an absolute value; conditional probabilities P(A|B) "
                       "are read as names")

    # -- numbers -----------------------------------------------------------------------------
    def number(self, p, b):
        t = self.toks[p]
        value = Rational(t.text) if "." in t.text else Integer(t.text)
        q = self.nx(p + 1, b)
        if self.is_char(q, "_", b):
            a1, b1, r = self.arg(q + 1, b, "subscript")
            sides = self.split_at(a1, b1, lambda s: self.is_char(s, "="))
            if value == 1 and len(sides) == 2:
                return KroneckerDelta(self.expr(*sides[0], "index"),
                                      self.expr(*sides[1], "index")), r
            raise self.err(f"a subscript on the number {t.text}", q,
                           "write the indicator as 1_{i=j}, or remove the subscript")
        return value, p + 1

    # -- names, indices, function applications ----------------------------------------------
    def name_atom(self, p, b):
        toks = self.toks
        t = toks[p]
        start = p
        if t.kind == "word" and t.text in _MATRIX_FUNCS and t.text not in self.functions:
            raise self.err(f"the matrix function {t.text}(...) is not read", p,
                           "write the formula per entry with indices and \\delta_{ij}, e.g. "
                           "J_{ij} = y_i (\\delta_{ij} - y_j)")
        if t.kind == "letter":
            r = p
            while r + 1 < b and toks[r + 1].kind == "letter" and toks[r + 1].pos == toks[r].end:
                r += 1
            run = "".join(x.text for x in toks[p:r + 1])
            name = next((w for w in self.words if run.startswith(w.rstrip("'"))
                         and len(w.rstrip("'")) > 1), run[0])
            name = name.rstrip("'")
            if p == 0 or not (toks[p - 1].kind == "letter" and toks[p - 1].end == t.pos):
                if len(run) >= 3 and len(name) == 1 and not any(
                        run[s:].startswith(w) for w in self.words for s in range(len(run))):
                    self.warn(f"read {run!r} as the product {' '.join(run)}; declare it in the "
                              "notation if it is one name")
            p += len(name)
        else:
            name = t.text
            p += 1
        if name in _FUNC_WORDS:
            return self.func(name, start, p, b)
        # scripts: _sub, ^label or ^power, primes, in any order
        label = sub = power = None
        prime = False
        suffix = ""
        while True:
            q = self.nx(p, b)
            if self.is_char(q, "_", b):
                if sub is not None or suffix:
                    raise self.err("two subscripts on one name", q,
                                   "write all indices in one subscript, e.g. W_{ab}")
                a1, b1, p = self.arg(q + 1, b, "subscript")
                sub = (a1, b1)
            elif self.is_char(q, "^", b):
                a1, b1, r = self.arg(q + 1, b, "superscript")
                key = _label_key(self.src(a1, b1))
                if key in ("'", "\\prime", "''"):
                    prime = True
                elif (label is None and power is None and name != "e"
                      and (self.is_label(a1, b1, key) or (
                          sub is None and self.is_char(self.nx(r, b), "_", b)
                          and self._layer_letter(a1, b1)))):
                    label = key   # A^{O}_i, z^{[L]}_j: a layer's name, not a power
                elif power is None:
                    if name != "e" and self.src(a1, b1).strip() in _TRANSPOSE:
                        raise self.err("a transpose in vector notation is not read", q,
                                       "write the formula per entry with indices, e.g. "
                                       "\\frac{\\partial L}{\\partial W_{ij}} = "
                                       "\\frac{\\partial L}{\\partial y_i} x_j")
                    power = (a1, b1, q)
                else:
                    raise self.err("two superscripts on one name", q,
                                   "use braces, e.g. (x^{2})^{3}")
                p = r
            elif self.is_char(q, "'", b) and sub is None and power is None:
                prime = True
                p = q + 1
            else:
                break
        base = name if label is None else f"{name}^{{{label}}}"
        if prime:
            base += "'"
        obj = None
        if sub is not None:
            a1, b1 = self.strip(*sub)
            if a1 < b1 and b1 - a1 == 1 and self.toks[a1].kind in ("word", "text"):
                suffix = "_{" + self.src(a1, b1) + "}"
            else:
                items = self.sub_items(a1, b1)
                if name == "delta" and label is None and not prime:
                    if len(items) != 2:
                        raise self.err(f"\\delta with {len(items)} indices", start,
                                       "a Kronecker delta has two indices: \\delta_{ij}")
                    obj = KroneckerDelta(*items)
                else:
                    obj = IndexedBase(base + suffix)[tuple(items)]
        base += suffix
        q = self.nx(p, b)
        if obj is None and self.is_char(q, "(", b):
            inner = self.match[q]
            bars = [r for r in self.top_level(q + 1, inner) if self.is_char(r, "|")]
            if bars and len(bars) == 1:
                text = " ".join(self.src(start, inner + 1).split())
                self.warn(f"read {text} as one opaque quantity")
                obj, p = Symbol(text), inner + 1
            elif prime or base in self.functions or name in self.functions:
                obj, p = self.apply(base, q, b), inner + 1
            elif len(self.split_at(q + 1, inner, lambda r: self.is_char(r, ","))) > 1:
                obj, p = self.apply(base, q, b), inner + 1
        if obj is None:
            if name == "e" and label is None and not suffix and not prime:
                obj = sympy.E
            elif prime and base not in self.functions:
                raise self.err(f"{base} (with a prime) is not applied to anything", start,
                               f"write {base}(x)")
            elif base in self.vectors:
                obj = IndexedBase(base)
            elif base != name or not name.isalpha():     # labelled, primed, accented...
                obj = Symbol(base)
            else:
                obj = self.scalar(name)
        if power is not None:
            obj = self._pow(obj, self.expr(power[0], power[1], "exponent"), power[2])
        return obj, p

    def _layer_letter(self, a, b) -> bool:
        """A superscript before a subscript that names a layer: one capital letter
        (``A^{O}_i``) or a bracketed group (``z^{[l]}_j``)."""
        a, b = self.strip(a, b)
        if b - a == 1 and self.toks[a].kind == "letter" and self.toks[a].text.isupper():
            return True
        return b - a >= 3 and self.is_char(a, "[") and self.is_char(b - 1, "]")

    def is_label(self, a, b, key) -> bool:
        if key in self.labels:
            return True
        a, b = self.strip(a, b)
        if b - a == 1 and self.toks[a].kind in ("word", "text", "letter") and self.toks[
                a].src.startswith(("\\text", "\\mbox")):
            return True
        return (b - a >= 3 and self.is_char(a, "(") and self.match.get(a) == b - 1)

    def sub_items(self, a, b) -> list:
        if a >= b:
            raise self.err("an empty subscript", max(a - 1, 0), "write the index, e.g. y_{i}")
        pieces = self.split_at(a, b, lambda r: self.is_char(r, ","))
        if len(pieces) > 1:
            return [self.index_value(self.expr(x, y, "index"), x) for x, y in pieces]
        kinds = {self.toks[r].kind for r in range(a, b)}
        if kinds <= {"letter", "num", "greek", "ws"}:
            items = []
            for r in range(a, b):
                t = self.toks[r]
                if t.kind in ("letter", "greek"):
                    items.append(self.index_sym(t.text))
                elif t.kind == "num":
                    if "." in t.text:
                        raise self.err(f"a decimal index {t.text}", r, "indices are integers")
                    items.append(Integer(t.text))
            return items
        return [self.index_value(self.expr(a, b, "index"), a)]

    def index_value(self, value, at):
        if _is_matrix(value) or not isinstance(value, Expr) or (
                value.is_number and not value.is_Integer):
            raise self.err(f"the index {value} is not an integer", at,
                           "indices are letters or integers, e.g. y_{i+1}")
        if isinstance(value, Symbol) and not value.is_integer:
            return self.index_sym(value.name)
        return value

    def apply(self, name, q, b):
        inner = self.match[q]
        pieces = self.split_at(q + 1, inner, lambda r: self.is_char(r, ","))
        args = [self.expr(x, y, "function argument") for x, y in pieces]
        return Function(name)(*args)

    def func(self, name, start, p, b):
        """``\\exp``, ``\\log``, ``exp(...)``, ``\\sqrt``, ... applied to their argument."""
        base = power = None
        while True:
            q = self.nx(p, b)
            if name == "log" and self.is_char(q, "_", b) and base is None:
                a1, b1, p = self.arg(q + 1, b, "subscript")
                base = self.expr(a1, b1, "base of the logarithm")
            elif self.is_char(q, "^", b) and power is None and name != "sqrt":
                a1, b1, p = self.arg(q + 1, b, "superscript")
                power = (self.expr(a1, b1, "exponent"), q)
            else:
                break
        root = None
        q = self.nx(p, b)
        if name == "sqrt" and self.is_char(q, "[", b):
            root = self.expr(q + 1, self.match[q], "root")
            q = self.nx(self.match[q] + 1, b)
        if q >= b:
            raise self.err(f"{name} has no argument", start, f"write e.g. \\{name}(x)")
        if self.is_char(q, "({[", b):
            inner = self.match[q]
            arg = self.expr(q + 1, inner, f"argument of {name}")
            p = inner + 1
        else:
            arg, p = self.operand(q, b, allow_sum=True)
        if _is_matrix(arg):
            raise self.err(f"{name} of a matrix is not supported", start,
                           "apply the function entry by entry")
        if name == "exp":
            obj = sympy.exp(arg)
        elif name in ("ln", "log"):
            if base is not None and base != sympy.E:
                obj = sympy.log(arg, base)
            else:
                obj = sympy.log(arg)        # ML convention: \log is the natural logarithm
        elif name == "sqrt":
            obj = sympy.sqrt(arg) if root is None else sympy.root(arg, root)
        else:
            obj = getattr(sympy, name)(arg)
        if power is not None:
            if power[0] == -1 and name in ("sin", "cos", "tan", "sinh", "cosh", "tanh"):
                raise self.err(f"\\{name}^{{-1}} is ambiguous", power[1],
                               f"write \\arc{name} or 1/\\{name}")
            obj = self._pow(obj, power[0], power[1])
        return obj, p

    def operand(self, p, b, allow_sum: bool):
        """What an operator such as ``\\frac{d}{dx}`` or ``\\log`` applies to."""
        q = self.nx(p, b)
        if q >= b:
            raise self.err("an operator has nothing to apply to", max(p - 1, 0),
                           "write its argument after it, e.g. \\frac{d}{dx} f(x)")
        t = self.toks[q]
        if t.kind == "char" and t.text in "([{":
            obj, r = self.group(q, b)
            if obj is None:
                raise self.err("an empty argument", q, "put an expression in the braces")
            return obj, r
        if t.kind in ("letter", "greek", "word"):
            return self.name_atom(q, b)
        if t.kind == "num":
            return self.number(q, b)
        if t.kind == "begin":
            return self.environment(q, b)
        if t.kind == "cmd":
            if t.text in ("frac", "dfrac", "tfrac"):
                return self.frac(q, b)
            if t.text in _FUNC_CMDS:
                return self.func(t.text, q, q + 1, b)
            if t.text in ("sum", "prod") and allow_sum:
                end = b
                for r in self.top_level(q + 1, b):
                    if self.is_char(r, "+-") and r > q + 1:
                        end = r
                        break
                return self.expr(q, end), end
        raise self.err(f"cannot tell what the operator applies to ({t.src!r})", q,
                       "put its argument in parentheses")

    # -- derivatives -------------------------------------------------------------------------
    def _is_d(self, r, b) -> bool:
        t = self.toks[r] if r < b else None
        return t is not None and t.kind == "letter" and t.text == "d"

    def frac(self, p, b):
        q = self.nx(p + 1, b)
        t = self.toks[q] if q < b else None
        if t is not None and t.kind == "num" and len(t.text) == 2 and "." not in t.text:
            return Rational(int(t.text[0]), int(t.text[1])) if t.text[1] != "0" else \
                self._div(Integer(t.text[0]), Integer(0), q), q + 1
        n1, n2, q = self.arg(p + 1, b, "numerator")
        braced_den = self.is_char(self.nx(q, b), "{", b)
        d1, d2, q = self.arg(q, b, "denominator")
        n1, n2 = self.strip(n1, n2)
        d1, d2 = self.strip(d1, d2)
        num_partial = self.is_cmd(n1, {"partial"}, n2)
        den_partial = self.is_cmd(d1, {"partial"}, d2)
        num_d = self._is_d(n1, n2) and not self.is_char(self.nx(n1 + 1, n2), "_^'", n2)
        den_d = (self._is_d(d1, d2) and d2 - d1 >= 2
                 and not self.is_char(self.nx(d1 + 1, d2), "_^'", d2))
        if (self._is_d(n1, n2) and self.is_char(self.nx(n1 + 1, n2), "^", n2)
                and self._is_d(d1, d2)):
            raise self.err("higher derivatives are not supported", p,
                           "write the derivative of a derivative")
        if (num_partial or (num_d and n2 - n1 == 1)) and not braced_den:
            raise self.err(f"\\frac{{{self.src(n1, n2)}}}{self.src(d1, d2)} reads as "
                           f"{self.src(n1, n2)} divided by {self.src(d1, d2)}", p,
                           "write the variable in the denominator, e.g. \\frac{d}{dx} f(x)")
        if num_partial != den_partial:
            raise self.err("a \\partial on only one side of a fraction", p,
                           "write \\frac{\\partial f}{\\partial x}")
        if num_partial and self.is_char(self.nx(n1 + 1, n2), "^", n2):
            return self._higher_partial(p, n1, n2, d1, d2, q, b)
        if num_partial or (num_d and den_d):
            for side in (n1 + 1, d1 + 1):
                if self.is_char(self.nx(side, b), "^", b):
                    raise self.err("higher derivatives are not supported", p,
                                   "write the derivative of a derivative")
            var = self.expr(d1 + 1, d2, "variable of differentiation")
            if not isinstance(var, (Symbol, Indexed, IndexedBase)):
                raise self.err(f"cannot differentiate with respect to {var}", d1,
                               "the variable must be a name or an indexed name, e.g. z_j")
            if self.nx(n1 + 1, n2) >= n2:
                # an operator \frac{\partial}{\partial x} applies to the rest of the term
                # (everything up to the next top-level + or -), as in d/dx (λ/2) Σ_k w_k²
                start = self.nx(q, b)
                if start >= b:
                    raise self.err("an operator has nothing to apply to", max(q - 1, 0),
                                   "write its argument after it, e.g. \frac{d}{dx} f(x)")
                t0 = self.toks[start]
                after = self.nx(start + 1, b)
                delimited = (self.is_char(start, "([{", b) or self.is_cmd(start, {"left"}, b)
                             or (t0.kind in ("letter", "word", "greek")
                                 and self.is_char(after, "(", b)))
                if delimited:
                    # an explicit argument: d/dx f(x) g(x) is f'(x) g(x) (the quotient rule)
                    f, q = self.operand(q, b, allow_sum=True)
                else:
                    end = b
                    for r in self.top_level(start, b):
                        if self.is_char(r, "+-") and r > start:
                            end = r
                            break
                    f, q = self.expr(start, end, "expression to differentiate"), end
            else:
                f = self.expr(n1 + 1, n2, "expression to differentiate")
            return Partial(f, var), q
        num = self.expr(n1, n2, "numerator")
        den = self.expr(d1, d2, "denominator")
        return self._div(num, den, p), q

    def _higher_partial(self, p, n1, n2, d1, d2, q, b):
        """``\\frac{\\partial^2 f}{\\partial x \\partial y}``, ``\\frac{\\partial^2 f}{\\partial x^2}``:
        nested partials (their order does not matter for the smooth functions read here)."""
        hint = "write e.g. \\frac{\\partial^2 L}{\\partial z_j \\partial z_k}"
        c = self.nx(n1 + 1, n2)
        o1, o2, r = self.arg(c + 1, n2, "order")
        order = self.expr(o1, o2, "order")
        if not (order.is_Integer and 2 <= order <= 4):
            raise self.err("the order of a derivative must be 2, 3 or 4", c, hint)
        if self.nx(r, n2) >= n2:
            raise self.err("an operator \\partial^n without its function", p, hint)
        f = self.expr(r, n2, "expression to differentiate")
        marks = [x for x in self.top_level(d1, d2) if self.is_cmd(x, {"partial"}, d2)]
        if not marks or marks[0] != d1:
            raise self.err("the denominator must be \\partial x \\partial y ...", d1, hint)
        variables = []
        for m, start in enumerate(marks):
            end = marks[m + 1] if m + 1 < len(marks) else d2
            s1, s2 = self.strip(start + 1, end)
            times = 1
            hat = [x for x in self.top_level(s1, s2) if self.is_char(x, "^", s2)]
            if hat:
                e1, e2, _ = self.arg(hat[-1] + 1, s2, "power")
                power = self.expr(e1, e2, "power")
                if not power.is_Integer or power < 1:
                    raise self.err("a power of a variable of differentiation must be a "
                                   "positive integer", hat[-1], hint)
                times, s2 = int(power), self.strip(s1, hat[-1])[1]
            var = self.expr(s1, s2, "variable of differentiation")
            if not isinstance(var, (Symbol, Indexed, IndexedBase)):
                raise self.err(f"cannot differentiate with respect to {var}", s1, hint)
            variables += [var] * times
        if len(variables) != int(order):
            raise self.err(f"a derivative of order {order} with {len(variables)} variables", p,
                           hint)
        for var in reversed(variables):
            f = Partial(f, var)
        return f, q

    def _div(self, num, den, at):
        if _is_matrix(den):
            raise self.err("division by a matrix", at, "write the inverse explicitly")
        if den == 0:
            raise self.err("division by zero", at, "check the denominator")
        if _is_matrix(num):
            return _mul([num, _pow(den, -1)])
        return num * _pow(den, -1)

    def partial_slash(self, p, b):
        """``\\partial A / \\partial B``."""
        q = self.nx(p + 1, b)
        if q >= b:
            raise self.err("\\partial with nothing after it", p,
                           "write \\frac{\\partial A}{\\partial B}")
        f, r = self.operand(q, b, allow_sum=False)
        r = self.nx(r, b)
        if not self.is_char(r, "/", b) or not self.is_cmd(self.nx(r + 1, b), {"partial"}, b):
            raise self.err("a \\partial outside a derivative", p,
                           "write \\frac{\\partial A}{\\partial B} or \\partial A / \\partial B")
        s = self.nx(self.nx(r + 1, b) + 1, b)
        if s >= b:
            raise self.err("\\partial with nothing after it", r, "write \\partial A / \\partial B")
        var, s = self.operand(s, b, allow_sum=False)
        if not isinstance(var, (Symbol, Indexed, IndexedBase)):
            raise self.err(f"cannot differentiate with respect to {var}", r,
                           "the variable must be a name or an indexed name, e.g. z_j")
        return Partial(f, var), s

    # -- sums and products -------------------------------------------------------------------
    def bigop(self, p, b, out) -> int:
        op = self.toks[p].text
        sub = sup = None
        q = p + 1
        while True:
            r = self.nx(q, b)
            if self.is_char(r, "_", b) and sub is None:
                a1, b1, q = self.arg(r + 1, b, "subscript")
                sub = self.strip(a1, b1)
            elif self.is_char(r, "^", b) and sup is None:
                a1, b1, q = self.arg(r + 1, b, "superscript")
                sup = self.strip(a1, b1)
            else:
                break
        lo, hi = self.nt.default_range()
        info: dict = {"op": op, "at": p, "kind": "bare"}
        var = None
        if sup is not None and sup[0] < sup[1]:
            hi = self.expr(*sup, "upper limit")
        if sub is not None and sub[0] < sub[1]:
            pieces = self.split_at(sub[0], sub[1], lambda r: self.is_char(r, "="))
            v1, v2 = self.strip(*pieces[0])
            if v2 - v1 != 1 or self.toks[v1].kind not in ("letter", "greek"):
                raise self.err(f"cannot read the summation index {self.src(*sub)!r}", sub[0],
                               "write \\sum_{k=1}^{K} or \\sum_k")
            if len(pieces) > 2:
                raise self.err("two '=' in the range of a sum", sub[0],
                               "write \\sum_{k=1}^{K}")
            var = self.index_sym(self.toks[v1].text)
            info = None
            if len(pieces) == 2:
                lo = self.expr(*self.strip(*pieces[1]), "lower limit")
                if (isinstance(lo, Symbol) and lo.is_integer and lo != var
                        and (sup is None or sup[0] >= sup[1])):
                    # \sum_{i=k}^{}: a sum from i = k, or (post 002) a sum over k; decided
                    # in finish() by what the summand uses
                    info = {"op": op, "at": p, "kind": "i=k", "var": var, "alt": lo,
                            "written": self.src(p, q)}
        if info is None:
            marker = var
        else:
            marker = sympy.Dummy("sumvar")
            self.markers.append((marker, info))
        out.append(r" \%s_{" % ("sum" if op == "sum" else "prod"))
        out.append(self.ph(marker))
        out.append("=")
        out.append(self.ph(lo))
        out.append("}^{")
        out.append(self.ph(hi))
        out.append("} ")
        return q

    # -- environments ------------------------------------------------------------------------
    def environment(self, p, b):
        t = self.toks[p]
        q = self.match[p]
        if t.text in ("cases", "dcases"):
            return self.cases(p, q), q + 1
        if t.text not in _MATRIX_ENVS:
            if t.text in _ALIGN_ENVS:
                raise self.err(f"an {t.text} environment inside a formula", p,
                               "split the display into equations first (split_display)")
            raise self.err(f"the environment {t.text} is not supported", p,
                           "use pmatrix, bmatrix or matrix")
        rows = self.split_at(p + 1, q, lambda r: self.is_cmd(r, {"\\"}))
        cells = [self.split_at(x, y, lambda r: self.is_char(r, "&")) for x, y in rows]
        if len(cells) > 1 and all(self.strip(x, y)[0] >= self.strip(x, y)[1]
                                  for x, y in cells[-1]):
            cells.pop()         # a trailing \\
        grid = []
        for row in cells:
            line = []
            for x, y in row:
                x, y = self.strip(x, y)
                if x >= y or all(self.is_cmd(r, _ELLIPSIS_CMDS) or self.toks[r].kind == "ws"
                                 for r in range(x, y)):
                    line.append(_ELLIPSIS)
                else:
                    value = self.expr(x, y, "matrix entry")
                    if _is_matrix(value):
                        raise self.err("a matrix inside a matrix", x, "write one flat matrix")
                    line.append(value)
            grid.append(line)
        if any(cell is _ELLIPSIS for row in grid for cell in row):
            return self.ellipsis_matrix(grid, p), q + 1
        widths = {len(row) for row in grid}
        if len(widths) != 1:
            raise self.err("the rows of the matrix have different lengths", p,
                           "give every row the same number of entries")
        return ImmutableMatrix(grid), q + 1

    def cases(self, p, q):
        r"""``\begin{cases} a & i = j \\ b & \text{otherwise} \end{cases}`` → Piecewise."""
        rows = [x for x in self.split_at(p + 1, q, lambda r: self.is_cmd(r, {"\\"}))
                if self.strip(*x)[0] < self.strip(*x)[1]]
        branches = []
        for n, (x, y) in enumerate(rows):
            cells = self.split_at(x, y, lambda r: self.is_char(r, "&"))
            if len(cells) != 2:
                raise self.err("each case needs a value, '&' and a condition", x,
                               "write \\begin{cases} a & i = j \\\\ b & i \\neq j \\end{cases}")
            value = self.expr(*cells[0], "case value")
            c1, c2 = self.strip(*cells[1])
            words = {self.toks[r].text.strip().lower() for r in range(c1, c2)
                     if self.toks[r].kind in ("word", "text")}
            kinds = {self.toks[r].kind for r in range(c1, c2)}
            if c1 < c2 and kinds <= {"word", "text", "ws"} and words & {
                    "otherwise", "else", "sonst", "o.w."}:
                cond = sympy.true
            else:
                cond = _condition(self, c1, c2, allow_eq=True)
                if cond is None:
                    raise self.err(f"cannot read the condition {self.src(c1, c2)!r}", c1,
                                   "write a condition such as i = j, i \\neq j or \\text{otherwise}")
            branches.append((value, cond))
        if not branches:
            raise self.err("an empty cases environment", p, "write the cases")
        try:
            return sympy.Piecewise(*branches)
        except (TypeError, ValueError) as e:
            raise self.err(f"cannot build the cases: {e}", p, "check the conditions") from None

    def ellipsis_matrix(self, grid, at):
        """A matrix written with ``\\dots``: read as one entry formula (a FunctionMatrix).

        Each written row and column must stand for one index value (the value shared by the
        subscripts of all its entries, e.g. rows 0, 1, ..., n); the rows before the ellipsis
        must count up from the first, and one row may follow it (the last). Every written entry
        must then follow one pattern (one for the diagonal, one off it); an entry that does not
        is reported, never silently replaced.
        """
        try:
            return _pattern_matrix(grid)
        except _PatternError as e:
            raise self.err(f"ellipsis matrix: {e}", at,
                           "check the entries named, or write the matrix without \\dots") from None

    # -- the finished formula ----------------------------------------------------------------
    def finish(self, parts: list, conditions: list) -> list:
        """Resolve bare ``\\sum`` indices and note summation indices also used outside."""
        for marker, info in reversed(self.markers):
            node = next((s for e in parts for s in sympy.preorder_traversal(e)
                         if isinstance(s, (sympy.Sum, sympy.Product))
                         and any(lim[0] == marker for lim in s.limits)), None)
            if node is None:
                continue
            f = node.function
            lims = list(node.limits)
            n = next(k for k, lim in enumerate(lims) if lim[0] == marker)
            _, lo, hi = lims[n]
            fs = f.free_symbols
            if info["kind"] == "i=k":
                var, alt = info["var"], info["alt"]
                if var in fs:
                    lims[n] = (var, lo, hi)
                elif alt in fs:
                    lo_d, hi_d = self.nt.default_range()
                    lims[n] = (alt, lo_d, hi_d)
                    self.warn(f"read {info['written']} as a sum over {alt} ({var} does not occur "
                              f"in the summand)")
                else:
                    raise self.err(f"the summand uses neither {var} nor {alt}", info["at"],
                                   "write the summation index, e.g. \\sum_{k=1}^{K}")
            else:
                dummy = sympy.Dummy()
                outside = set()
                for e in parts + list(conditions):
                    outside |= e.xreplace({node: dummy}).free_symbols
                mine = {s for s in fs if _is_index(s)}
                cands = sorted(mine - outside, key=str)
                if len(cands) != 1:
                    what = ("no index" if not mine else
                            "several indices" if len(cands) > 1 else "only indices used outside")
                    raise self.err(f"a \\{info['op']} without an index, and its summand has "
                                   f"{what} ({', '.join(map(str, sorted(mine, key=str))) or '-'})",
                                   info["at"], "write the summation index, e.g. \\sum_{j}")
                lims[n] = (cands[0], lo, hi)
            new = type(node)(f, *lims)
            parts = [e.xreplace({node: new}) for e in parts]
        free = set()
        for e in parts + list(conditions):
            free |= e.free_symbols
        for e in parts:
            for s in sympy.preorder_traversal(e):
                if isinstance(s, (sympy.Sum, sympy.Product)):
                    for v, _, _ in s.limits:
                        if v in free:
                            self.warn(f"{v} is a summation index in {to_latex(s)} and also used "
                                      "outside that sum")
        return parts


class _PatternError(Exception):
    pass


def _replace_indices(expr, mapping: dict):
    """Replace index values inside ``Indexed`` entries only (not constants elsewhere)."""
    if not mapping:
        return expr
    return expr.replace(lambda e: isinstance(e, Indexed),
                        lambda e: e.base[tuple(mapping.get(i, i) for i in e.indices)])


def _index_values(expr) -> set:
    return {i for a in expr.atoms(Indexed) for i in a.indices}


def _sequence(values: list, ell: int | None, what: str):
    """``[0, 1, n]`` with the ellipsis before position 2 → (start 0, count n + 1)."""
    before = values if ell is None else values[:ell]
    after = [] if ell is None else values[ell:]
    if not before or not all(v.is_Integer for v in before):
        raise _PatternError(f"the {what}s before the ellipsis must stand for integer indices "
                            f"(found {', '.join(map(str, values))})")
    start = before[0]
    if any(v != start + k for k, v in enumerate(before)):
        raise _PatternError(f"the {what}s before the ellipsis must count up by one "
                            f"(found {', '.join(map(str, before))})")
    if ell is None:
        return start, len(before)
    if len(after) != 1:
        raise _PatternError(f"exactly one {what} must follow the ellipsis")
    last = after[0]
    gap = last - before[-1]
    if gap.is_number and gap < 2:
        raise _PatternError(f"the {what} after the ellipsis ({last}) must come later than "
                            f"{before[-1] + 1}")
    return start, last - start + 1


def _fresh_pair(used: set):
    names = {str(s) for s in used}
    for a, b in (("i", "j"), ("r", "c"), ("p", "q"), ("u", "v")):
        if a not in names and b not in names:
            return index(a), index(b)
    return sympy.Dummy("r", integer=True), sympy.Dummy("c", integer=True)  # pragma: no cover


def _pattern_matrix(grid):
    from collections import Counter

    widths = {len(row) for row in grid}
    if len(widths) != 1:
        raise _PatternError("the rows have different lengths")
    nrows, ncols = len(grid), widths.pop()
    ell = lambda x: x is _ELLIPSIS  # noqa: E731
    erows = [r for r in range(nrows) if all(ell(x) for x in grid[r])]
    ecols = [c for c in range(ncols) if all(ell(grid[r][c]) for r in range(nrows))]
    for r in range(nrows):
        for c in range(ncols):
            if ell(grid[r][c]) and r not in erows and c not in ecols:
                raise _PatternError(f"entry ({r + 1}, {c + 1}) is elided but neither its row nor "
                                    "its column is")
    if len(erows) > 1 or len(ecols) > 1:
        raise _PatternError("more than one row or column of dots")
    rows = [r for r in range(nrows) if r not in erows]
    cols = [c for c in range(ncols) if c not in ecols]
    if not rows or not cols:
        raise _PatternError("no entry is written")

    def values_of(cells, what, k):
        common = None
        for x in cells:
            v = _index_values(x)
            common = v if common is None else common & v
        if not common or len(common) != 1:
            raise _PatternError(f"cannot tell which index {what} {k + 1} stands for (its "
                                f"entries share the index values {sorted(map(str, common or ()))})")
        return next(iter(common))

    row_val = {r: values_of([grid[r][c] for c in cols], "row", r) for r in rows} \
        if erows or len(rows) > 1 else {r: None for r in rows}
    col_val = {c: values_of([grid[r][c] for r in rows], "column", c) for c in cols} \
        if ecols or len(cols) > 1 else {c: None for c in cols}
    rpos = (erows[0] if erows else None)
    cpos = (ecols[0] if ecols else None)
    if row_val[rows[0]] is not None:
        rstart, rcount = _sequence([row_val[r] for r in rows],
                                   None if rpos is None else sum(r < rpos for r in rows), "row")
    else:
        rstart, rcount = Integer(0), Integer(len(rows))
    if col_val[cols[0]] is not None:
        cstart, ccount = _sequence([col_val[c] for c in cols],
                                   None if cpos is None else sum(c < cpos for c in cols), "column")
    else:
        cstart, ccount = Integer(0), Integer(len(cols))
    used = set()
    for r in rows:
        for c in cols:
            used |= grid[r][c].free_symbols
    rv, cv = _fresh_pair(used)
    kinds: dict[str, list] = {"diagonal": [], "off-diagonal": []}
    for r in rows:
        for c in cols:
            vr, vc = row_val[r], col_val[c]
            mapping = {}
            if vr is not None:
                mapping[vr] = rv
            if vc is not None and vc != vr:
                mapping[vc] = cv
            kind = "diagonal" if vr is not None and vr == vc else "off-diagonal"
            kinds[kind].append(((r, c), _replace_indices(grid[r][c], mapping)))
    pattern, problems = {}, []
    for kind, cells in kinds.items():
        if not cells:
            continue
        best = Counter(t for _, t in cells).most_common(1)[0][0]
        odd = [pos for pos, t in cells if t != best]
        if odd:
            where = ", ".join(f"({r + 1}, {c + 1}) {to_latex(grid[r][c])}" for r, c in odd[:4])
            problems.append(f"{len(odd)} {kind} entr{'y does' if len(odd) == 1 else 'ies do'} "
                            f"not follow the pattern {to_latex(best)} of the others: {where}")
        pattern[kind] = best
    if problems:
        raise _PatternError("; ".join(problems))
    off, diag = pattern.get("off-diagonal"), pattern.get("diagonal")
    if off is None:
        raise _PatternError("only diagonal entries are written: the others are unknown")
    if diag is None or _replace_indices(off, {cv: rv}) == diag:
        entry = off
    else:
        entry = sympy.Piecewise((diag, sympy.Eq(rv, cv)), (off, True))
    entry = entry.xreplace({rv: rv + rstart, cv: cv + cstart}) if (rstart or cstart) else entry
    return sympy.FunctionMatrix(rcount, ccount, sympy.Lambda((rv, cv), entry))


def _is_index(s) -> bool:
    return (isinstance(s, Symbol) and not isinstance(s, sympy.Dummy) and s.is_integer is True
            and s.is_positive is None)


# ---------------------------------------------------------------------------------------------
# formulas
# ---------------------------------------------------------------------------------------------
def _unwrap(r: _Reader, a: int, b: int) -> tuple[int, int]:
    """Strip ``$..$``, ``\\[..\\]``, ``\\(..\\)``, one alignment environment, final punctuation."""
    toks = r.toks
    while True:
        a, b = r.strip(a, b)
        if a >= b:
            return a, b
        first, last = toks[a], toks[b - 1]
        if (first.kind == "char" and first.text == "$" and last.kind == "char"
                and last.text == "$" and b - a >= 2):
            a, b = a + 1, b - 1
            while a < b and r.is_char(a, "$") and r.is_char(b - 1, "$"):
                a, b = a + 1, b - 1
            continue
        if first.kind == "cmd" and last.kind == "cmd" and (first.text, last.text) in (
                ("[", "]"), ("(", ")")):
            a, b = a + 1, b - 1
            continue
        if first.kind == "begin" and first.text in _ALIGN_ENVS and r.match.get(a) == b - 1:
            inner = [x for x in r.split_at(a + 1, b - 1, lambda p: r.is_cmd(p, {"\\"}))
                     if r.strip(*x)[0] < r.strip(*x)[1]]
            if len(inner) > 1:
                raise r.err(f"the {first.text} environment holds {len(inner)} equations", a,
                            "split the display into equations first (split_display)")
            a, b = a + 1, b - 1
            continue
        if last.kind == "char" and last.text in ".,;":
            b -= 1
            continue
        if last.kind == "cmd" and last.text == "\\":
            b -= 1
            continue
        return a, b


def _relation_at(r: _Reader, p: int, b: int) -> tuple[str, int] | None:
    """The relation starting at token *p* and the index after it."""
    t = r.toks[p]
    if t.kind == "char" and t.text == ":" and r.is_char(p + 1, "=", b):
        return ":=", p + 2
    if t.kind == "char" and t.text == "=":
        if r.is_char(p + 1, "=", b):
            return "==", p + 2
        return "=", p + 1
    if t.kind == "char" and t.text == "!" and r.is_char(p + 1, "=", b):
        return "!=", p + 2
    if t.kind == "cmd" and t.text in _NEQ:
        return "!=", p + 1
    if t.kind == "cmd" and t.text in _DEFINE_CMDS:
        return ":=", p + 1
    if t.kind == "char" and t.text in "<>":
        if r.is_char(p + 1, "=", b):
            return t.text + "=", p + 2
        return t.text, p + 1
    if t.kind == "cmd" and t.text in _LESS | _GREATER | {"approx", "sim", "in", "notin"}:
        return "\\" + t.text, p + 1
    return None


def _single_name(r: _Reader, a: int, b: int) -> str | None:
    a, b = r.strip(a, b)
    if b - a == 1 and r.toks[a].kind in ("letter", "greek"):
        return r.toks[a].text
    return None


_TRANSPOSE = {"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\mathsf T",
              "\\mathrm T", "\\textsf{T}"}


def _trailing_condition(r: _Reader, a: int, b: int):
    r"""A case condition after the formula: ``\quad (i \neq j)``, ``\text{ if } i = j``.

    Returns the new end of the formula and the condition (or ``b, None``)."""
    a, b = r.strip(a, b)
    while b > a and r.is_char(b - 1, ".;"):
        b = r.strip(a, b - 1)[1]
    for m in r.top_level(a, b):
        tok = r.toks[m]
        spacer = tok.kind == "ws" and tok.src in ("\\quad", "\\qquad")
        word = tok.kind in ("word", "text") and tok.text.strip().lower() in _COND_WORDS
        if not (spacer or word) or m == a:
            continue
        q = m
        while q < b and (r.toks[q].kind == "ws" or (
                r.toks[q].kind in ("word", "text") and
                r.toks[q].text.strip().lower() in _COND_WORDS)):
            q += 1
        s, e = r.strip(q, b)
        wrapped = s < e and r.is_char(s, "(") and r.match.get(s) == e - 1
        if wrapped:
            s, e = s + 1, e - 1
        if s >= e:
            continue
        if all(r.toks[x].kind in ("word", "text", "ws") or r.is_char(x, "()")
               for x in range(q, b)) and any(r.toks[x].kind in ("word", "text")
                                             for x in range(q, b)):
            end = r.strip(a, m)[1]    # "\quad \text{(wrong)}": a remark, not mathematics
            return (r.strip(a, end - 1)[1] if end > a and r.is_char(end - 1, ",") else end), None
        cond = _condition(r, s, e, allow_eq=True)
        if cond is not None and not (word or wrapped) and not all(
                str(x) in r.index_names for x in cond.args if isinstance(x, Symbol)):
            cond = None   # "a = b \quad c = d": two formulas, not a case condition
        if cond is not None:
            end = r.strip(a, m)[1]
            if end > a and r.is_char(end - 1, ","):
                end = r.strip(a, end - 1)[1]
            return end, cond
    return b, None


def _condition(r: _Reader, a: int, b: int, allow_eq: bool):
    """``i = j``, ``i \\neq j`` (optionally after words such as 'if', 'for') → Eq/Ne or None."""
    a, b = r.strip(a, b)
    while a < b and (r.toks[a].kind in ("word", "text") and r.toks[a].text.strip().lower()
                     in _COND_WORDS or r.is_cmd(a, {"forall"})):
        a = r.nx(a + 1, b)
    rel = None
    for p in r.top_level(a, b):
        got = _relation_at(r, p, b)
        if got:
            rel = (p, *got)
            break
    if rel is None:
        return None
    p, kind, after = rel
    if kind not in ("=", "==", "!=") or (kind == "=" and not allow_eq):
        return None
    left = _single_name(r, a, p)
    rb = r.strip(after, b)
    right = _single_name(r, *rb)
    if left is None:
        return None
    if right is not None:
        rhs = r.index_sym(right)
    elif rb[1] - rb[0] == 1 and r.toks[rb[0]].kind == "num" and "." not in r.toks[rb[0]].text:
        rhs = Integer(r.toks[rb[0]].text)
    else:
        return None
    lhs = r.index_sym(left)
    return sympy.Ne(lhs, rhs) if kind == "!=" else sympy.Eq(lhs, rhs)


def _declaration(r: _Reader, a: int, b: int, names: list[str]):
    """``W \\in \\mathbb{R}^{m \\times n}``, ``i \\in \\{1, \\dots, K\\}``."""
    at = next(p for p in r.top_level(a, b) if r.is_cmd(p, {"in"}))
    left = r.strip(a, at)
    if left[0] >= left[1]:
        raise r.err("\\in without a name before it", at, "write e.g. W \\in \\mathbb{R}^{m}")
    obj, end = r.name_atom(left[0], left[1]) if r.toks[left[0]].kind in (
        "letter", "greek", "word") else (None, None)
    if obj is None or r.nx(end, left[1]) < left[1]:
        raise r.err(f"cannot read {r.src(*left)!r} as a name", left[0],
                    "declare one name or a list of names: x, b \\in \\mathbb{R}^n")
    names = names + [base_name(obj)]
    s, e = r.strip(at + 1, b)
    if s >= e:
        raise r.err("\\in without a set after it", at, "write e.g. \\in \\mathbb{R}^{n}")
    t = r.toks[s]
    if r.is_cmd(s, {"{"}):
        close = r.match[s]
        items = r.split_at(s + 1, close, lambda p: r.is_char(p, ","))
        if r.nx(close + 1, e) < e or len(items) < 2 or len(names) != 1:
            raise r.err("cannot read this set", s, "write i \\in \\{1, \\dots, K\\}")
        lo = r.expr(*items[0], "lower bound")
        hi = r.expr(*items[-1], "upper bound")
        return IndexRange(names[0], lo, hi)
    if t.kind not in ("bb", "letter") or t.text not in ("R", "N", "Z", "C"):
        raise r.err(f"cannot read the set {r.src(s, e)!r}", s,
                    "write \\mathbb{R}, \\mathbb{R}^{n} or \\mathbb{R}^{m \\times n}")
    shape: tuple = ()
    q = r.nx(s + 1, e)
    if q < e:
        if not r.is_char(q, "^", e):
            raise r.err(f"cannot read the set {r.src(s, e)!r}", q,
                        "write \\mathbb{R}^{m \\times n}")
        a1, b1, q2 = r.arg(q + 1, e, "superscript")
        if r.nx(q2, e) < e:
            raise r.err("unexpected text after the set", q2, "end the declaration after the set")
        dims = r.split_at(a1, b1, lambda p: r.is_cmd(p, {"times"}) or r.is_char(p, ",*"))
        if len(dims) == 1:
            letters = [p for p in range(a1, b1) if r.toks[p].kind != "ws"]
            xs = [k for k, p in enumerate(letters)
                  if r.toks[p].kind == "letter" and r.toks[p].text == "x" and 0 < k < len(letters) - 1]
            if len(xs) == 1:
                k = xs[0]
                dims = [(letters[0], letters[k - 1] + 1), (letters[k + 1], letters[-1] + 1)]
        out = []
        for x, y in dims:
            d = r.expr(x, y, "dimension")
            d = d.xreplace({v: size(v.name) for v in d.free_symbols if isinstance(v, Symbol)})
            out.append(d)
        shape = tuple(out)
    return Declaration(tuple(names), t.text, shape)


def _index_range(r: _Reader, a: int, b: int) -> IndexRange:
    """``1 \\leq i \\leq K``, ``i < K``, ``K \\geq i \\geq 1``."""
    ops = []
    for p in r.top_level(a, b):
        got = _relation_at(r, p, b)
        if got:
            kind, after = got
            if kind in ("<", "<=", "\\leq", "\\le", "\\leqslant", "\\lt"):
                ops.append((p, after, "<", kind in ("<", "\\lt")))
            elif kind in (">", ">=", "\\geq", "\\ge", "\\geqslant", "\\gt"):
                ops.append((p, after, ">", kind in (">", "\\gt")))
            else:
                raise r.err(f"{kind} in a range", p, "write a range as 1 \\leq i \\leq K")
    pieces, start = [], a
    for p, after, _, _ in ops:
        pieces.append((start, p))
        start = after
    pieces.append((start, b))
    dirs = {d for _, _, d, _ in ops}
    if len(dirs) != 1 or len(pieces) not in (2, 3):
        raise r.err("cannot read this range", a, "write a range as 1 \\leq i \\leq K")
    if dirs == {">"}:
        pieces.reverse()
        ops = [(p, q, "<", s) for p, q, _, s in reversed(ops)]
    names = [_single_name(r, *x) for x in pieces]
    if len(pieces) == 3:
        k = 1
    else:
        k = 0 if names[0] is not None and names[0] in r.index_names else 1
    name = names[k]
    if name is None or (len(pieces) == 2 and name not in r.index_names):
        raise r.err("an inequality that is not an index range", a,
                    "only index ranges such as 1 \\leq i \\leq K are read")
    lower = upper = None
    if k > 0:
        lower = r.expr(*pieces[0], "lower bound") + (1 if ops[0][3] else 0)
    if k < len(pieces) - 1:
        upper = r.expr(*pieces[k + 1], "upper bound") - (1 if ops[k][3] else 0)
    return IndexRange(name, lower, upper)


def read_formula(latex, notation: Notation = Notation()) -> Formula:
    r"""Read one LaTeX formula: a chain ``a = b = c``, an expression, declarations, conditions.

    >>> f = read_formula(r'i \neq j: \frac{\partial y_j}{\partial x_i} = -\beta y_{j}y_{i}')
    >>> f.conditions, f.relations
    ((Ne(i, j),), ('=',))
    >>> f.parts[0]
    Partial(y[j], x[i])
    >>> read_formula(r'x,b ∈ R^n').declarations
    (Declaration(names=('x', 'b'), space='R', shape=(n,)),)
    """
    if not isinstance(notation, Notation):
        raise LatexError(f"notation must be a Notation, got {type(notation).__name__}")
    text = _as_text(latex)
    _screen(text)
    toks = _tokenize(text)
    match, dropped = _match(toks, text)
    r = _Reader(text, toks, match, dropped, notation)
    a, b = _unwrap(r, 0, len(toks))
    if a >= b:
        raise LatexError("the formula is empty", text, None, "give a LaTeX formula such as y_i = 1")
    conditions: list = []
    declarations: list = []
    # a leading case condition "i == j:" / "i \neq j:"
    for p in r.top_level(a, b):
        if r.is_char(p, ":") and not r.is_char(p + 1, "=", b):
            cond = _condition(r, a, p, allow_eq=True)
            if cond is None:
                raise r.err(f"cannot read the condition {r.src(a, p)!r} before ':'", a,
                            "write a case condition as i = j: or i \\neq j:")
            conditions.append(cond)
            a = p + 1
            break
    b, trailing = _trailing_condition(r, a, b)
    if trailing is not None:
        conditions.append(trailing)
    segments = r.split_at(a, b, lambda p: r.is_char(p, ","))
    main = None
    pending: list[tuple[int, int]] = []
    for n, (s, e) in enumerate(segments):
        s, e = r.strip(s, e)
        if s >= e:
            raise r.err("an empty item between commas", min(s, len(toks) - 1), "remove the comma")
        rels = [(_relation_at(r, p, e) or (None,))[0] for p in r.top_level(s, e)]
        rels = [x for x in rels if x]
        if "\\in" in rels:
            names = []
            for ps, pe in pending:
                nm = _single_name(r, ps, pe)
                obj = r.expr(ps, pe, "name")
                names.append(nm if nm else base_name(obj))
            pending = []
            declarations.append(_declaration(r, s, e, names))
            continue
        if pending:
            if main is not None:
                raise r.err("several formulas separated by commas", s,
                            "give one formula at a time")
            main, pending = pending[0], pending[1:]
            if pending:
                raise r.err("several formulas separated by commas", pending[0][0],
                            "give one formula at a time")
        if rels and all(x in ("<", ">", "<=", ">=", "\\leq", "\\le", "\\geq", "\\ge",
                              "\\leqslant", "\\geqslant", "\\lt", "\\gt") for x in rels):
            declarations.append(_index_range(r, s, e))
            continue
        cond = _condition(r, s, e, allow_eq=main is not None or n > 0)
        if cond is not None and (main is not None or len(segments) == 1 or n > 0
                                 or not rels == ["="]):
            conditions.append(cond)
            continue
        if (_single_name(r, s, e) is not None and n + 1 < len(segments) and main is None):
            pending.append((s, e))
            continue
        if main is not None:
            raise r.err("several formulas separated by commas", s, "give one formula at a time")
        main = (s, e)
    if pending:
        if main is not None or len(pending) > 1:
            raise r.err("several formulas separated by commas", pending[0][0],
                        "give one formula at a time")
        main = pending[0]
    parts: list = []
    relations: list[str] = []
    if main is not None:
        s, e = main
        start = s
        p = s
        while p < e:
            got = _relation_at(r, p, e)
            if got:
                kind, after = got
                if kind == "==":
                    kind = "="
                if kind not in ("=", ":="):
                    raise r.err(f"{r.toks[p].src!r} between the parts of a formula", p,
                                "only = and := are read; put conditions before a colon")
                parts.append(r.expr(start, p, "side of the equation"))
                relations.append(kind)
                start = after
                p = after
                continue
            p = r.skip(p)
        parts.append(r.expr(start, e, "side of the equation"))
    parts = r.finish(parts, conditions)
    for part in parts:
        for num in part.atoms(sympy.Rational):
            if _num_digits(num) > MAX_DIGITS:
                raise LatexError(f"a number with more than {MAX_DIGITS} digits", text, None,
                                 "write large numbers as powers, e.g. 10^{5000}")
    return Formula(text, tuple(parts), tuple(relations), tuple(conditions), tuple(declarations),
                   tuple(r.warnings))


def read_expr(latex, notation: Notation = Notation()):
    r"""Read one expression (no relation, condition or declaration).

    >>> read_expr(r'\frac{\partial L}{\partial y_j}')
    Partial(L, y[j])
    """
    f = read_formula(latex, notation)
    if len(f.parts) != 1 or f.relations or f.conditions or f.declarations:
        text = _as_text(latex)
        raise LatexError("expected one expression, found "
                         + (f"{len(f.parts)} parts joined by {', '.join(f.relations)}"
                            if f.relations else "a condition or declaration"),
                         text, None, "use read_formula for equations")
    return f.parts[0]


# ---------------------------------------------------------------------------------------------
# split_display
# ---------------------------------------------------------------------------------------------
_ENV_RE = re.compile(r"\\(begin|end)\s*\{\s*([A-Za-z]+\*?)\s*\}(\s*\{[^{}]*\})?")


def split_display(latex) -> list[str]:
    r"""One string per equation of a display: ``eqnarray``/``align``/... or ``\\``-separated lines.

    >>> split_display(r'\begin{eqnarray} a &=& b \\ c &=& d \nonumber \end{eqnarray}')
    ['a = b', 'c = d']
    """
    text = _as_text(latex).strip()
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
                if env in _ALIGN_ENVS:
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
            buf.append(" ")
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


_JOIN = re.compile(r",?\s*\\q?quad\b\s*(?:\\text\{\s*(?:and)?\s*\}\s*)?")
_SIMPLE_CONDITION = re.compile(
    r"^\(?\s*(\\text\{[^{}]*\}\s*)*[A-Za-z]\s*(=|==|\\neq?|!=)\s*([A-Za-z]|\d+)\s*\)?[.,]?$")


def top_level_equals(text: str) -> list[int]:
    """Positions of the ``=`` signs of *text* outside braces (not ``\\leq``, ``:=``, ``==``)."""
    out, depth = [], 0
    for n, c in enumerate(text):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif (c == "=" and depth == 0 and text[n - 1:n] not in ("=", ":", "!", "<", ">")
              and text[n + 1:n + 2] != "="):
            out.append(n)
    return out


def _split_joined(line: str) -> list[str]:
    r"""``E = ..., \qquad \frac{\partial E}{\partial y} = ...``: two equations on one line.

    A trailing case condition (``\quad (i \neq j)``) stays with its equation.

    >>> _split_joined(r"y = 2 x, \qquad z = 3 y")
    ['y = 2 x', 'z = 3 y']
    >>> _split_joined(r"a = b \quad (i \neq j)")
    ['a = b \\quad (i \\neq j)']
    """
    depth, cuts = 0, []
    for m in _JOIN.finditer(line):
        depth = line.count("{", 0, m.start()) - line.count("}", 0, m.start())
        if depth == 0:
            cuts.append(m)
    for m in cuts:
        left, right = line[:m.start()].strip(), line[m.end():].strip()
        if (top_level_equals(left) and top_level_equals(right)
                and not _SIMPLE_CONDITION.match(right)):
            return [left] + _split_joined(right)
    return [line]


# ---------------------------------------------------------------------------------------------
# LaTeX out
# ---------------------------------------------------------------------------------------------
class _Printer(LatexPrinter):
    """SymPy's LaTeX printer, with names and indices written the way :func:`read_formula` reads."""

    printmethod = "_latex"

    def __init__(self):
        super().__init__({"mul_symbol": None, "fold_short_frac": False, "mat_str": "pmatrix",
                          "mat_delim": "", "ln_notation": False})

    @staticmethod
    def name(n: str) -> str:
        if n.endswith("'"):
            return _Printer.name(n[:-1]) + "'"
        m = re.fullmatch(r"([^\^_]+)(\^\{.*\})?(_\{.*\})?", n)
        if m and (m.group(2) or m.group(3)):
            return _Printer.name(m.group(1)) + (m.group(2) or "") + (m.group(3) or "")
        if n in _GREEK:
            return "\\" + n
        if re.fullmatch(r"[A-Za-z]", n) or n.startswith("\\"):
            return n
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", n):
            return r"\mathrm{%s}" % n
        return n

    def _print_Symbol(self, expr, style="plain"):
        return self.name(expr.name)

    _print_Dummy = _print_Symbol

    def _print_IndexedBase(self, expr):
        return self.name(str(expr.label))

    def _indices(self, idx) -> str:
        if all(isinstance(i, Symbol) for i in idx):
            return " ".join(self._print(i) for i in idx)
        if len(idx) > 1 and all(isinstance(i, (Symbol, Integer)) and not (
                isinstance(i, Integer) and i < 0) for i in idx):
            return " ".join(self._print(i) for i in idx)
        return ", ".join(self._print(i) for i in idx)

    def _print_Indexed(self, expr):
        return "%s_{%s}" % (self.name(str(expr.base.label)), self._indices(expr.indices))

    def _print_KroneckerDelta(self, expr, exp=None):
        out = r"\delta_{%s}" % self._indices(expr.args)
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, AppliedUndef):
            name = expr.func.__name__
            head = name if re.fullmatch(r"[A-Za-z]+'*", name) else self.name(name)
            out = r"%s\left(%s\right)" % (head, ", ".join(self._print(a) for a in expr.args))
            return out if exp is None else r"%s^{%s}" % (r"\left(%s\right)" % out, exp)
        return super()._print_Function(expr, exp)

    def _print_log(self, expr, exp=None):
        out = r"\log{\left(%s \right)}" % self._print(expr.args[0])
        return out if exp is None else r"\log^{%s}{\left(%s \right)}" % (
            exp, self._print(expr.args[0]))

    def _print_Pow(self, expr):
        b = expr.base
        if isinstance(b, (Symbol, Indexed, IndexedBase)) and expr.exp.is_Rational and not (
                expr.exp.is_negative or expr.exp.q != 1):
            base = self._print(b)
            if "^" in base or "'" in base:
                return r"\left(%s\right)^{%s}" % (base, self._print(expr.exp))
            return "%s^{%s}" % (base, self._print(expr.exp))
        return super()._print_Pow(expr)

    def _print_ImmutableDenseMatrix(self, expr):
        rows = [" & ".join(self._print(x) for x in expr.row(k)) for k in range(expr.rows)]
        return r"\begin{pmatrix}%s\end{pmatrix}" % r" \\ ".join(rows)

    _print_ImmutableMatrix = _print_ImmutableDenseMatrix
    _print_MutableDenseMatrix = _print_ImmutableDenseMatrix

    def _print_FunctionMatrix(self, expr):
        """Rows and columns 0, 1, ..., last with dots between: what the reader reads back."""
        (rv, cv), entry = expr.lamda.variables, expr.lamda.expr
        diag = off = entry
        if isinstance(entry, sympy.Piecewise) and len(entry.args) == 2:
            diag, off = entry.args[0].expr, entry.args[1].expr

        def seq(n):
            if n.is_Integer and n <= 4:
                return list(range(int(n)))
            return [Integer(0), Integer(1), None, n - 1]

        rows, cols = seq(expr.shape[0]), seq(expr.shape[1])
        lines = []
        for r in rows:
            cells = []
            for c in cols:
                if r is None:
                    cells.append(r"\ddots" if c is None else r"\vdots")
                elif c is None:
                    cells.append(r"\cdots")
                else:
                    e = diag if r == c else off
                    cells.append(self._print(e.xreplace({rv: r, cv: c})))
            lines.append(" & ".join(cells))
        return r"\begin{pmatrix}%s\end{pmatrix}" % r" \\ ".join(lines)

    def _print_Sum(self, expr):
        return self._bigop(expr, r"\sum")

    def _print_Product(self, expr):
        return self._bigop(expr, r"\prod")

    def _bigop(self, expr, op):
        tex = ""
        for v, lo, hi in expr.limits:
            tex += r"%s_{%s=%s}^{%s} " % (op, self._print(v), self._print(lo), self._print(hi))
        f = expr.function
        body = self._print(f)
        if f.is_Add or sympy.core.function._coeff_isneg(f) or body.lstrip().startswith("-"):
            body = r"\left(%s\right)" % body
        return tex + body


def to_latex(expr) -> str:
    r"""LaTeX for *expr* that :func:`read_expr` reads back (the parse echo).

    >>> from symderiv.notation import index
    >>> to_latex(IndexedBase('A^{O}')[index('i')])
    'A^{O}_{i}'
    """
    if isinstance(expr, Formula):
        if not expr.parts:
            return expr.latex
        out = to_latex(expr.parts[0])
        for rel, part in zip(expr.relations, expr.parts[1:]):
            out += f" {rel} {to_latex(part)}"
        if expr.conditions:
            out = ", ".join(to_latex(c) for c in expr.conditions) + ": " + out
        return out
    return _Printer().doprint(expr)
