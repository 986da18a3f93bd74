r"""Token navigation, and the pre-lexer that turns a slice of tokens into the grammar's terminals.

The pre-lexer does what a context-free grammar does badly: it finds the extent of script and
``\frac`` arguments (a brace group or one token, as TeX reads them), pairs ``|`` bars, collapses
sign runs (``a - -b`` is ``a + b``), and marks a ``(`` that directly follows a name or a function
(``LPAR_CALL``), so that ``name (args)`` stays one node of the grammar: the typing pass decides
whether it is an application or a product. Every terminal carries a payload (:class:`Lexeme`)
with the token indices it covers; arguments of scripts and fractions are read later, on their
own, as slices.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token

from .model import MAX_BIGOPS, MAX_TERMS, LatexError
from .normalize import Tok

FUNC_CMDS = {"exp", "ln", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "max",
             "min"}
FUNC_WORDS = {"exp", "ln", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh"}
MATRIX_FUNCS = {"diag", "Diag", "tr", "Tr", "trace", "det", "vec", "rank"}
NORM_CMDS = {"|", "Vert", "lVert", "rVert"}
ELLIPSIS_CMDS = {"dots", "cdots", "ldots", "vdots", "ddots", "dotsc", "dotsb", "dotsm"}
LESS = {"leq", "le", "leqslant", "lt"}
GREATER = {"geq", "ge", "geqslant", "gt"}
NEQ = {"neq", "ne"}
DEFINE_CMDS = {"coloneqq", "coloneq", "equiv", "triangleq", "doteq", "stackrel"}
_CLOSE = {"(": ")", "[": "]", "{": "}"}


@dataclass
class Lexeme:
    """What one terminal stands for: the token range and, for names, their scripts."""

    start: int
    end: int
    kind: str = ""
    name: str = ""
    run: str = ""                 # a letter run (``xy``, ``NLL``, ``dA``) before it is typed
    sub: tuple | None = None      # (a, b) token slice of the subscript
    sups: list = field(default_factory=list)   # [(a, b, at)] superscripts in order
    prime: int = 0          # how many primes: f'' is the second derivative
    call: bool = False            # a ( follows (after the scripts)
    extra: tuple = ()             # kind-specific slices


class TokenView:
    """Helpers over the tokens of one formula (positions are token indices)."""

    text: str
    toks: list[Tok]
    match: dict
    dropped: set

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
        if t.kind == "char" and t.text in "()[]}^_&=,":
            raise self.err(f"a {what} is missing", p, "give it in braces, e.g. x^{2}")
        if t.kind == "begin":
            raise self.err(f"an environment as an unbraced {what}", p, "put it in braces")
        return p, p + 1, p + 1

    def is_d(self, r, b) -> bool:
        t = self.toks[r] if r < b else None
        return t is not None and t.kind == "letter" and t.text == "d"


class PreLexer:
    """Cuts ``[a, b)`` of a :class:`TokenView` into grammar terminals (see the module doc)."""

    def __init__(self, view: TokenView, words: list[str], functions: set[str]):
        self.v, self.words, self.functions = view, words, functions
        self.in_call = False
        self.norm_close: set[int] = set()   # positions of closing norm bars

    def lex(self, a: int, b: int) -> list[Token]:
        v, toks = self.v, self.v.toks
        out: list[Token] = []
        stack: list[str] = []          # open brackets of this slice
        bars: set[int] = set()         # closing | positions
        bigops = terms = 0
        p = a

        def emit(kind, lx):
            out.append(Token(kind, lx))

        def last_kind():
            return out[-1].type if out else None

        while p < b:
            t = toks[p]
            k = t.kind
            if k == "ws":
                p += 1
                continue
            if p in v.dropped:
                v.warn(f"ignored an unmatched ')' at position {t.pos}")
                p += 1
                continue
            if k == "char":
                c = t.text
                if c in "+-":
                    minus, q = 0, p
                    while q < b and (toks[q].kind == "ws" or v.is_char(q, "+-", b)):
                        minus += v.is_char(q, "-", b)
                        q += 1
                    emit("PM", Lexeme(p, q, "-" if minus % 2 else "+"))
                    if not stack:
                        terms += 1
                        if terms >= MAX_TERMS:
                            raise v.err(f"more than {MAX_TERMS} terms in one expression", a,
                                        "split the formula into smaller ones")
                    p = q
                elif c in "/*":
                    emit("MULOP", Lexeme(p, p + 1, c))
                    p += 1
                elif c == "!":
                    if v.is_char(p + 1, "=", b):
                        raise v.err("'!=' inside an expression", p,
                                    "a condition such as i != j goes before a colon: i != j: ...")
                    if v.is_char(v.nx(p + 1, b), "!", b):
                        raise v.err("a double factorial", p, "write (x!)! with parentheses")
                    emit("BANG", Lexeme(p, p + 1))
                    p += 1
                elif c == "^":
                    if last_kind() in (None, "PM", "MULOP", "LPAR", "LBRACK", "LBRACE",
                                       "LPAR_CALL", "LBRACK_CALL", "LBRACE_CALL", "COMMA",
                                       "LBAR", "LSET"):
                        raise v.err("a superscript with nothing before it", p,
                                    "put the base before ^, e.g. x^{2}")
                    a1, b1, r = v.arg(p + 1, b, "superscript")
                    emit("POW", Lexeme(p, r, extra=(a1, b1)))
                    p = r
                elif c == "_":
                    raise v.err("a subscript on something that is not a name", p,
                                "subscripts go on names, e.g. y_{i}")
                elif c == "'":
                    raise v.err("a prime on something that is not a function name", p,
                                "write e.g. f'(x)")
                elif c in "([{":
                    after_name = last_kind() in ("ATOM", "FUNC")
                    kind = {"(": "LPAR", "[": "LBRACK", "{": "LBRACE"}[c]
                    if after_name and (c in "([" or last_kind() == "FUNC"):
                        kind += "_CALL"
                    stack.append(kind)
                    emit(kind, Lexeme(p, p + 1))
                    p += 1
                elif c in ")]}":
                    if stack:
                        stack.pop()
                    emit({")": "RPAR", "]": "RBRACK", "}": "RBRACE"}[c], Lexeme(p, p + 1))
                    p += 1
                    q = v.nx(p, b)
                    opener = v.match.get(p - 1)
                    if v.is_char(q, "_", b) and opener is not None and any(
                            o.type in ("LPAR_CALL", "LBRACK_CALL") and o.value.start == opener
                            for o in out):
                        a1, b1, p = v.arg(q + 1, b, "subscript")      # softmax(z)_i
                        emit("CALLSUB", Lexeme(q, p, extra=(a1, b1)))
                elif c == "|":
                    if p in bars:
                        emit("RBAR", Lexeme(p, p + 1))
                        stack.pop()
                    else:
                        close = next((r for r in v.top_level(p + 1, b) if v.is_char(r, "|")),
                                     None)
                        if close is None:
                            raise v.err("a '|' without its closing '|'", p,
                                        "write |x| for an absolute value; conditional "
                                        "probabilities P(A|B) are read as names")
                        bars.add(close)
                        stack.append("|")
                        emit("LBAR", Lexeme(p, p + 1))
                    p += 1
                elif c == "&":
                    p += 1
                elif c == ",":
                    if not stack:
                        raise v.err("a comma inside an expression", p,
                                    "write a vector as (a, b) or a matrix as \\begin{pmatrix}")
                    emit("COMMA", Lexeme(p, p + 1))
                    p += 1
                elif c in "=<>":
                    raise v.err(f"{c!r} inside an expression", p,
                                "relations may only join the parts of a formula")
                elif c == ":" and v.nt.inner_colon and v.table.matrix_mode:
                    emit("FROB", Lexeme(p, p + 1))      # A:B, the Frobenius inner product
                    p += 1
                elif c == ":":
                    raise v.err("':' inside an expression", p,
                                "a case condition goes first: i = j: ...; a definition is a := b")
                else:
                    raise v.err(f"unexpected {c!r}", p, "remove it")
            elif k == "greek" and toks[p].text == "Sigma" and v.is_char(v.nx(p + 1, b), "_", b):
                p = self.bigop(p, b, emit, "sum")        # \Sigma_{d} e^{...}: a sum
            elif k == "word" and toks[p].text.lower() in ("argmax", "argmin") and \
                    v.is_char(v.nx(p + 1, b), "_", b):
                p = self.bigop(p, b, emit, toks[p].text.lower())   # \operatorname*{argmax}_j
            elif k in ("letter", "greek", "word"):
                p = self.name(p, b, emit)
            elif k == "num":
                p = self.number(p, b, emit)
            elif k == "cmd":
                self.in_call = bool(stack) and stack[-1] == "LPAR_CALL"
                p = self.command(p, b, emit)
                if out and out[-1].type == "BIGOP" and not stack:
                    bigops += 1
                    if bigops > MAX_BIGOPS:
                        raise v.err(f"more than {MAX_BIGOPS} sums or products in a row", a,
                                    "name a part of the formula")
            elif k == "begin":
                emit("ENV", Lexeme(p, v.match[p] + 1))
                p = v.match[p] + 1
            elif k == "text":
                raise v.err(f"text {t.text!r} inside a formula", p, "keep prose outside the formula")
            elif k == "bb":
                raise v.err(f"the number set {t.src} inside an expression", p,
                            "write a declaration such as W \\in \\mathbb{R}^{m \\times n}")
            else:
                raise v.err(f"unexpected {t.src!r}", p, "remove it")
        return out

    # -- names and numbers -------------------------------------------------------------------
    def name(self, p, b, emit) -> int:
        v, toks = self.v, self.v.toks
        t = toks[p]
        start = p
        if t.kind == "word" and t.text in MATRIX_FUNCS and t.text not in self.functions and not (
                v.table.matrix_mode and t.text in ("diag", "Diag", "tr", "trace")):
            raise v.err(f"the matrix function {t.text}(...) is not read", p,
                        "write the formula per entry with indices and \\delta_{ij}, e.g. "
                        "J_{ij} = y_i (\\delta_{ij} - y_j)")
        run = ""
        if t.kind == "letter":
            r = p
            while r + 1 < b and toks[r + 1].kind == "letter" and toks[r + 1].pos == toks[r].end:
                r += 1
            full = "".join(x.text for x in toks[p:r + 1])
            word = next((w.rstrip("'") for w in self.words if full.startswith(w.rstrip("'"))
                         and len(w.rstrip("'")) > 1), None)
            if word is not None:
                name, p = word, p + len(word)
            else:
                name = run = full
                p = r + 1
        else:
            name, p = t.text, p + 1
        if name in FUNC_WORDS and not v.is_char(v.nx(p, b), "'", b):     # tanh'(x): a name
            return self.func(name, start, p, b, emit)
        lx = Lexeme(start, p, t.kind, name, run if len(run) > 1 else "")
        while True:
            q = v.nx(p, b)
            if v.is_char(q, "_", b):
                if lx.sub is not None:
                    raise v.err("two subscripts on one name", q,
                                "write all indices in one subscript, e.g. W_{ab}")
                a1, b1, p = v.arg(q + 1, b, "subscript")
                lx.sub = (a1, b1)
            elif v.is_char(q, "^", b):
                a1, b1, p = v.arg(q + 1, b, "superscript")
                lx.sups.append((a1, b1, q))
            elif v.is_char(q, "'", b) and lx.sub is None and not lx.sups:
                lx.prime += 1
                p = q + 1
            else:
                break
        lx.end = p
        q = v.nx(p, b)
        if v.is_char(q, "(", b) and q in v.match:
            inner = v.match[q]
            bars = [r for r in v.top_level(q + 1, inner) if v.is_char(r, "|")]
            if len(bars) == 1:
                text = " ".join(v.src(start, inner + 1).split())
                v.warn(f"read {text} as one opaque quantity")
                emit("OPAQUE", Lexeme(start, inner + 1, name=text))
                return inner + 1
            lx.call = True
        emit("ATOM", lx)
        return p

    def number(self, p, b, emit) -> int:
        v = self.v
        t = v.toks[p]
        lx = Lexeme(p, p + 1, "num", t.text)
        q = v.nx(p + 1, b)
        if v.is_char(q, "_", b):
            a1, b1, r = v.arg(q + 1, b, "subscript")
            lx.sub, lx.end = (a1, b1), r
        elif t.text == "1" and t.src.startswith("\\mathbb") and v.is_char(q, "[", b):
            lx.sub, lx.end = (q + 1, v.match[q]), v.match[q] + 1      # \mathbb{1}[i = j]
        emit("NUM", lx)
        return lx.end

    # -- commands ----------------------------------------------------------------------------
    def func(self, name, start, p, b, emit) -> int:
        """``\\exp``, ``\\log_2``, ``\\tanh^2``, ``\\sqrt[3]``: the function and its scripts."""
        v = self.v
        lx = Lexeme(start, p, "func", name)
        base = power = root = None
        while True:
            q = v.nx(p, b)
            if name == "log" and v.is_char(q, "_", b) and base is None:
                a1, b1, p = v.arg(q + 1, b, "subscript")
                base = (a1, b1)
            elif v.is_char(q, "^", b) and power is None and name != "sqrt":
                a1, b1, p = v.arg(q + 1, b, "superscript")
                power = (a1, b1, q)
            else:
                break
        q = v.nx(p, b)
        if name == "sqrt" and v.is_char(q, "[", b):
            root = (q + 1, v.match[q])
            p = v.match[q] + 1
        if v.nx(p, b) >= b:
            raise v.err(f"{name} has no argument", start, f"write e.g. \\{name}(x)")
        lx.extra, lx.end = (base, power, root), p
        emit("FUNC", lx)
        return p

    def bigop(self, p, b, emit, name) -> int:
        """``\\sum_{k=1}^{K}``, ``\\prod``: the operator with its limits."""
        v = self.v
        lx = Lexeme(p, p + 1, name, name)
        sub = sup = None
        q = p + 1
        while True:
            r = v.nx(q, b)
            if v.is_char(r, "_", b) and sub is None:
                a1, b1, q = v.arg(r + 1, b, "subscript")
                sub = v.strip(a1, b1)
            elif v.is_char(r, "^", b) and sup is None:
                a1, b1, q = v.arg(r + 1, b, "superscript")
                sup = v.strip(a1, b1)
            else:
                break
        lx.extra, lx.end = (sub, sup), q
        emit("BIGOP", lx)
        return q

    def command(self, p, b, emit) -> int:
        v = self.v
        t = v.toks[p]
        name = t.text
        if name == "frac":
            return self.frac(p, b, emit)
        if name == "nabla":
            q = v.nx(p + 1, b)
            if not v.is_char(q, "_", b):
                raise v.err("\\nabla without the variable", p, "write \\nabla_{W} L")
            a1, b1, r = v.arg(q + 1, b, "subscript")
            emit("DOP", Lexeme(p, r, "partial_sub", extra=(a1, b1)))   # ∇_W L = ∂L/∂W
            return r
        if name == "partial":
            q = v.nx(p + 1, b)
            if v.is_char(q, "_", b):                                  # \partial_{o_j} l
                a1, b1, r = v.arg(q + 1, b, "subscript")
                emit("DOP", Lexeme(p, r, "partial_sub", extra=(a1, b1)))
                return r
            emit("PARTIAL", Lexeme(p, p + 1))
            return p + 1
        if name in ("sum", "prod"):
            return self.bigop(p, b, emit, name)
        if name in FUNC_CMDS:
            return self.func(name, p, p + 1, b, emit)
        if name in ("cdot", "times", "ast"):
            emit("MULOP", Lexeme(p, p + 1, "*"))
            return p + 1
        if name in ("odot", "circ") and v.table.matrix_mode:
            emit("MULOP", Lexeme(p, p + 1, "odot"))
            return p + 1
        if name == "div":
            emit("MULOP", Lexeme(p, p + 1, "/"))
            return p + 1
        if name == "infty":
            emit("INFTY", Lexeme(p, p + 1))
            return p + 1
        if name in ("{", "}"):
            emit("LSET" if name == "{" else "RSET", Lexeme(p, p + 1))
            return p + 1
        if name in ELLIPSIS_CMDS and self.in_call:
            emit("DOTS", Lexeme(p, p + 1))            # L(y_1, \dots, y_K): the whole vector
            return p + 1
        if name in ELLIPSIS_CMDS:
            raise v.err("an ellipsis (\\dots) inside an expression", p,
                        "write the expression with a sum, e.g. \\sum_{k=1}^{K} z_k")
        if name == "\\":
            raise v.err("a line break inside one formula", p,
                        "split the display into equations first (split_display)")
        if name in {"in", "notin", "approx", "sim"} | LESS | GREATER | NEQ | DEFINE_CMDS:
            raise v.err(f"\\{name} inside an expression", p,
                        "relations may only join the parts of a formula")
        if name in NORM_CMDS:
            return self.norm_bar(p, b, emit)
        if name in ("[", "]", "(", ")"):
            raise v.err("display delimiters inside a formula", p,
                        "give one formula without its delimiters")
        if name in ("top", "intercal"):
            raise v.err("a transpose (\\top) in vector notation is not read", p,
                        "write the formula per entry with indices, e.g. "
                        "\\frac{\\partial L}{\\partial W_{ij}} = \\frac{\\partial L}{\\partial y_i} x_j")
        if name in ("odot", "circ", "otimes", "oplus"):
            raise v.err(f"the elementwise product \\{name} of vectors is not read", p,
                        "write the formula per entry with indices, e.g. "
                        "\\delta_i = (y_i - t_i) \\sigma'(z_i)")
        raise v.err(f"unknown command \\{name}", p,
                    "use standard LaTeX math (\\frac, \\sum, \\partial, \\exp, \\log, ...)")

    def norm_bar(self, p, b, emit) -> int:
        """``\\|x\\|`` (also ``\\Vert``, ``\\lVert … \\rVert``): the bars of a norm; a closing one
        may carry ``_2`` or ``_F`` (the Euclidean and Frobenius norms, one formula)."""
        v = self.v
        if p in self.norm_close:
            q = p + 1
            r = v.nx(q, b)
            if v.is_char(r, "_", b):
                a1, b1, q = v.arg(r + 1, b, "subscript")
                if v.src(*v.strip(a1, b1)) not in ("2", "F"):
                    raise v.err("a norm other than the Euclidean or Frobenius one", r,
                                "write \\|x\\| or \\|x\\|_2")
            emit("RNORM", Lexeme(p, q))
            return q
        close = next((r for r in v.top_level(p + 1, b) if v.is_cmd(r, NORM_CMDS)), None)
        if close is None:
            raise v.err("a norm bar \\| without its closing bar", p, "write \\|x\\|")
        self.norm_close.add(close)
        emit("LNORM", Lexeme(p, p + 1))
        return p + 1

    def frac(self, p, b, emit) -> int:
        v = self.v
        q = v.nx(p + 1, b)
        t = v.toks[q] if q < b else None
        if t is not None and t.kind == "num" and len(t.text) == 2 and "." not in t.text:
            emit("FRAC", Lexeme(p, q + 1, "digits", extra=(q,)))            # \frac12
            return q + 1
        n1, n2, q = v.arg(p + 1, b, "numerator")
        braced = v.is_char(v.nx(q, b), "{", b)
        d1, d2, q = v.arg(q, b, "denominator")
        n1, n2 = v.strip(n1, n2)
        d1, d2 = v.strip(d1, d2)
        lone = n2 - n1 == 1 and (v.is_cmd(n1, {"partial"}, n2) or v.is_d(n1, n2))
        den_ok = d2 - d1 >= 2 and (v.is_cmd(d1, {"partial"}, d2) or (
            v.is_d(d1, d2) and not v.is_char(v.nx(d1 + 1, d2), "_^'", d2)))
        if lone and braced and den_ok and v.is_cmd(n1, {"partial"}) == v.is_cmd(d1, {"partial"}):
            emit("DOP", Lexeme(p, q, "frac", extra=(d1 + 1, d2)))       # \frac{d}{dx} f
            return q
        emit("FRAC", Lexeme(p, q, "frac", extra=(n1, n2, d1, d2, braced)))
        return q


def words_for(notation, functions: set[str], vectors: set[str]) -> list[str]:
    """Multi-letter words that a letter run starts with (declared names, function words)."""
    words = set(functions) | {w.split("^")[0] for w in vectors} | FUNC_WORDS
    words |= {notation.size}
    if isinstance(notation.upper, str):
        words.add(notation.upper)
    return sorted((w for w in words if re.fullmatch(r"[A-Za-z]+'?", w)), key=len, reverse=True)
