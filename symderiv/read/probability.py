r"""Probabilities as ML texts write them: ``P(\mathbf{y}^{(i)} \mid \mathbf{x}^{(i)})``,
``p(C=1 | x; w, b)``, ``\Pr(y = j \mid x)`` (and ``P(x)`` beside them).

symderiv does not model distributions; such a probability is one opaque quantity in (0, 1]
named by everything written inside it: the rewrite gives the reader a name it reads as such,
``P_{\text{KEY}}`` (``p_{\text{KEY}}`` for ``p(…)``, which may be another model).  KEY is an
injective spelling of the inner text (two texts that differ in anything but spacing and
redundant braces give two names): letters, digits and punctuation as written, a command as
```theta'``, ``_`` as ``\_``, ``^`` as ``\^{}``, ``\mid`` as ``|``;
a probability without a bar is keyed ``(…)``.  A probability whose inside uses an index that a
sum or product of the formula binds (``\sum_i … P(y_i \mid x_i)``), or the sample index
``^{(i)}``, is that sample's value, ``P^{(i)}_{\text{KEY}}``; two such indices are not read.
The ``=`` and ``|`` inside the parentheses are part of the name, never an equation or an
absolute value.

The verifier uses :func:`is_probability_name` and :func:`inner_names`: a probability is
never given a value by a counterexample (its relations to other probabilities are not
known), and it depends on every name written inside it (a derivative with respect to one is
not determined by the text).
"""
from __future__ import annotations

import re

from .model import LatexError

__all__ = ["rewrite_probabilities", "probability_spans", "is_probability_name", "inner_names",
           "BARE_DOUBT"]

_HEAD = re.compile(r"(?<![A-Za-z\\])(P|p|\\Pr|\\mathbb\s*\{P\}|\\operatorname\s*\{P\})\s*"
                   r"(\\left\s*)?\(")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)
_DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
         "biggl", "biggr", "Biggl", "Biggr", "bigm", "Bigm", "middle", "quad", "qquad",
         "displaystyle", "textstyle", "limits"}
_SPACES = {"\\,", "\\;", "\\:", "\\!", "\\ ", "\\/"}
_BAR = {"mid", "vert", "lvert", "rvert"}
_NAMED = {"\\{": "lbrace", "\\}": "rbrace", "\\|": "Vert"}
_RAW = set("=|;,.+-()[]<>*'!:/?")
_BIG = re.compile(r"\\(?:sum|prod)(?![A-Za-z])\s*(?:\\limits\s*)?")
_SAMPLE = re.compile(r"\^\s*\{\s*\(\s*([A-Za-z])\s*\)\s*\}")
_NAME = re.compile(r"^[Pp](?:\^\{\(([A-Za-z])\)\})?_\{\\text\{(.*)\}\}$", re.S)
BARE_DOUBT = ("P(…) without a bar read as the probability of what it encloses, not a "
              "product P·(…)")


def _inner_end(text: str, start: int) -> int | None:
    depth, n = 1, start
    while n < len(text) and depth:
        depth += (text[n] == "(") - (text[n] == ")")
        n += 1
    return None if depth else n


def _conditional(inner: str) -> bool:
    flat = inner
    while True:
        new = re.sub(r"\([^()]*\)", "", flat)
        if new == flat:
            break
        flat = new
    return "|" in flat or "\\mid" in flat or "\\vert" in flat


def probability_spans(text: str, bare: bool = False) -> list[tuple[int, int, int]]:
    """(start, inner start, end) of each ``P( … | … )`` of *text* (balanced parentheses,
    a ``|`` or ``\\mid`` at their top level); with *bare*, every ``P( … )`` too."""
    out = []
    for m in _HEAD.finditer(text):
        if out and m.start() < out[-1][2]:
            continue      # P(y | P(x)): the outer one is the probability
        n = _inner_end(text, m.end())
        if n is None:
            continue
        inner = re.sub(r"\\right\s*$", "", text[m.end():n - 1])
        if inner.strip() and (bare or _conditional(inner)):
            out.append((m.start(), m.end(), n))
    return out


def _tokens(inner: str) -> list[str]:
    toks = []
    for t in _TOKEN.findall(inner):
        if t.isspace() or t in _SPACES or (t.startswith("\\") and t[1:] in _DROP):
            continue
        toks.append(t)
    changed = True
    while changed:       # {y} = y, {{y}} = y: a group of one token is that token
        changed = False
        for n in range(len(toks) - 2):
            if toks[n] == "{" and toks[n + 2] == "}" and toks[n + 1] not in "{}":
                toks[n:n + 3] = [toks[n + 1]]
                changed = True
                break
    return toks


def _key(toks: list[str]) -> str:
    out = []
    for t in toks:
        if t.startswith("\\") and t[1:] in _BAR:
            out.append("|")
        elif t in _NAMED:
            out.append(f"`{_NAMED[t]}'")
        elif re.fullmatch(r"\\[A-Za-z]+", t):
            out.append(f"`{t[1:]}'")
        elif t == "_":
            out.append("\\_")
        elif t == "^":
            out.append("\\^{}")
        elif t in "{}" or t.isalnum() and t.isascii() or t in _RAW:
            out.append(t)
        else:
            raise LatexError(f"{t!r} inside a probability P(…) is not read")
    key = "".join(out)
    if key.count("{") != key.count("}"):
        raise LatexError("unbalanced braces inside a probability P(…)")
    return key


def _bound_indices(text: str) -> set[str]:
    r"""The letters a ``\sum`` or ``\prod`` of *text* binds: those of its subscript before
    ``=``, ``\in``, ``<``, ``\le`` (``\sum_{(x, y) \in D}`` binds x and y)."""
    out = set()
    for m in _BIG.finditer(text):
        n = m.end()
        if text[n:n + 1] != "_":
            continue
        n += 1
        while text[n:n + 1].isspace():
            n += 1
        if text[n:n + 1] == "{":
            depth, e = 0, n
            while e < len(text):
                depth += (text[e] == "{") - (text[e] == "}")
                e += 1
                if not depth:
                    break
            sub = text[n + 1:e - 1]
        else:
            sub = text[n:n + 1]
        sub = re.split(r"=|\\in(?![A-Za-z])|<|\\le|\\sim(?![A-Za-z])", sub)[0]
        out |= set(re.findall(r"(?<![\\A-Za-z])[A-Za-z]", sub))
    return out


def rewrite_probabilities(text: str, bare: bool | None = None,
                          functions: tuple[str, ...] = ()) -> tuple[str, bool]:
    """*text* with each probability as one name (see the module docstring), and whether a
    probability without a bar was read so.  *bare*: read ``P(x)`` as a probability too (by
    default when the formula writes a conditional probability; never for a head in
    *functions*, the names the text defines as functions).  Raises LatexError when a
    probability cannot be named soundly (two bound indices inside, an unknown character)."""
    spans = probability_spans(text)
    if bare is None:
        bare = bool(spans)
    if bare:
        spans = probability_spans(text, bare=True)
    bound = _bound_indices(text)
    read_bare = False
    for start, inner_start, end in reversed(spans):
        inner = re.sub(r"\\right\s*$", "", text[inner_start:end - 1])
        conditional = _conditional(inner)
        head = re.sub(r"\\left\s*$|\(|\s", "", text[start:inner_start]).lstrip("\\")
        if not conditional and head in functions:
            continue      # the text's own function P(x): an application, as it defines it
        toks = _tokens(inner)
        key = _key(toks)
        if not key:
            continue
        letters = {t for t in toks if re.fullmatch(r"[A-Za-z]", t)}
        index = (letters & bound) | set(_SAMPLE.findall(inner))
        if len(index) > 1:
            raise LatexError(f"the probability P({inner.strip()}) uses the indices "
                             f"{', '.join(sorted(index))} of the formula: not read as one "
                             "quantity per sample")
        if not conditional:
            key = f"({key})"
            read_bare = True
        sup = f"^{{({index.pop()})}}" if index else ""
        letter = "p" if head == "p" else "P"     # p(y|x) may be another model than P(y|x)
        text = text[:start] + f"{letter}{sup}_{{\\text{{{key}}}}}" + text[end:]
    return text, read_bare


def is_probability_name(name: str) -> bool:
    """Whether *name* (a symbol's or an indexed base's) is one this module writes."""
    return bool(_NAME.match(name))


def inner_names(name: str) -> frozenset[str]:
    """The names written inside the probability *name*: its single letters and its commands
    (``theta``, ``mathbf``): what it may depend on."""
    m = _NAME.match(name)
    if not m:
        return frozenset()
    key = m.group(2)
    commands = set(re.findall(r"`([A-Za-z]+)'", key))
    rest = re.sub(r"`[A-Za-z]+'|\\_|\\\^\{\}", " ", key)
    return frozenset(commands | set(re.findall(r"[A-Za-z]", rest)) |
                     ({m.group(1)} if m.group(1) else set()))
