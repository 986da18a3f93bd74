"""What one formula of a document is, read on its own: a definition (of which name, per
entry or whole), a case condition, an assumption, a stated value, an enumeration."""
from __future__ import annotations

import functools
import re

import sympy

from ..notation import Partial, SymderivError
from ..read import Notation, top_level_equals

_CONDITION = re.compile(r"^\s*\(?\s*([A-Za-z])\s*(==?|\\neq?\b|!=|≠)\s*([A-Za-z]|\d+)\s*\)?\s*$")


@functools.lru_cache(maxsize=4096)
def _read(latex: str, notation: Notation):
    """read_formula, once per formula and notation (the context rules ask several times)."""
    from ..read import read_formula
    return read_formula(latex, notation)


def _nearest_conditions(conds: dict, offsets: list, n: int, latex: str = "",
                        text: str = "") -> tuple[str, ...]:
    """The case conditions of formula n's sentence: per pair of letters, the nearest one
    before it (else the nearest after it), so "for $i = j$ ... for $i \\neq j$ ..." splits;
    a case between two index letters only where the formula writes both (``∂ℓ_i/∂z_i`` is
    not in the case ``j \\neq i`` of the next clause).  A case before the formula with a
    contrasting clause between them ("the diagonal ($i = j$) is ..., while the off-diagonal
    ones are ...") is the other case there."""
    here = offsets[n]
    best: dict = {}
    for m, (c, (a, b)) in sorted(conds.items()):
        if not a <= here < b:
            continue
        pair = re.fullmatch(r"([A-Za-z])\s*(?:=|\\neq)\s*([A-Za-z])", c)
        if pair and latex and not all(re.search(r"(?<![A-Za-z\\])" + x + r"(?![A-Za-z])", latex)
                                      for x in pair.groups()):
            continue
        prose = _between(text, offsets[m], here) if pair and text and m < n else ""
        turn = _OTHER_CLAUSE.search(prose)
        named = turn is not None and (turn.group("rest") is None or _OTHER_NAMED[
            "neq" if "\\neq" in c else "="].search(turn.group("rest")))
        if named and not re.search(r"\bnot\b|n't\b", prose):
            # (not "for $i = j$ it is not $-s_i s_j$, but ...": the same case, corrected)
            c = c.replace("\\neq", "=") if "\\neq" in c else c.replace("=", "\\neq", 1)
        key = frozenset(re.findall(r"\b[A-Za-z0-9]+\b", c.replace("\\neq", "")))
        rank = (0, here - offsets[m], m) if m < n else (1, offsets[m] - here, m)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, c)
    return tuple(c for _, c in sorted(best.values()))


# a clause that turns to the other case: "..., while the off-diagonal ones are", "but for
# the others", "whereas otherwise"
_OTHER_CLAUSE = re.compile(r"[,;]\s*(?:while|whereas|but)\b(?P<rest>[^.;]*)|[,;]\s*otherwise\b", re.I)
# what names the other case in such a clause: for i = j the off-diagonal ones, for i ≠ j the
# diagonal ones, for either "the others", "the rest", "otherwise"
_OTHER_NAMED = {"=": re.compile(r"\b(?:off-?diagonal|others?|otherwise|rest|remaining|else)\b",
                                re.I),
                "neq": re.compile(r"(?<!off-)(?<!off)\bdiagonal\b|\b(?:others?|rest|remaining|"
                                  r"otherwise|else)\b", re.I)}


def _between(text: str, start: int, end: int) -> str:
    """The prose between the formula at *start* and the one at *end* (offsets inside their
    delimiters), the formulas in between blanked."""
    span = text[start:end]
    first, last = span.find("$"), span.rfind("$")
    if 0 <= first < last:
        span = span[first:last + 1].strip("$")
    return re.sub(r"\$\$.*?\$\$|\$[^$]*\$|\\\[.*?\\\]|\\\(.*?\\\)", " ", span, flags=re.S)


def _condition_of(latex: str) -> str | None:
    """A formula that is only a case condition between index letters (``i \\neq j``)."""
    m = _CONDITION.match(latex)
    if not m or m.group(1) == m.group(3):
        return None
    if m.group(3).isdigit() and m.group(2) in ("=", "=="):
        return None   # "T = 2", "m = 2": a stated value (see _value_of), not a case
    op = "=" if m.group(2) in ("=", "==") else r"\neq"
    return f"{m.group(1)} {op} {m.group(3)}"


def _defined_name(latex: str, notation: Notation) -> str | None:
    """The name a formula defines (``y_i = ...``, ``L = ...``), or None."""
    from ..notation import base_name
    from ..api import with_function_names
    try:
        f = _read(latex, with_function_names([latex], notation))
    except SymderivError:
        return None
    if len(f.parts) != 2 or f.conditions:
        return None
    target = f.parts[0]
    if isinstance(target, sympy.core.function.AppliedUndef):
        params = {str(a) if isinstance(a, sympy.Symbol) else base_name(a)
                  if isinstance(a, sympy.Indexed) else a for a in target.args}
        name = str(target.func)
        rhs = f.parts[1]
        used = {str(x) for x in rhs.free_symbols} | {base_name(a) for a in rhs.atoms(
            sympy.Indexed)} | {str(a.func) for a in rhs.atoms(sympy.core.function.AppliedUndef)}
        if "'" in name or not params:
            return None   # σ'(x) = ... states a derivative, it defines nothing
        if not params <= used and (name in used or not rhs.free_symbols):
            return None   # f(x) = 3, f(x) = f(x - 1) + 1: a value or a recurrence
        return name   # J(W, b) = 1/m Σ L(ŷ_i, y_i): its parameters reached through ŷ
    if isinstance(target, sympy.Indexed) and all(i.is_Integer for i in target.indices):
        from ..context import entry_symbol
        if not all(isinstance(p, sympy.Basic) and p.is_number for p in f.parts[1:]):
            return str(entry_symbol(target))   # O_1 = ReLU(...): one entry, defined alone
        return None   # x_1 = 6: a value, see _value_of
    if isinstance(target, sympy.Indexed) and all(isinstance(i, sympy.Symbol)
                                                 for i in target.indices):
        name = base_name(target)
    elif isinstance(target, sympy.Symbol):
        name = target.name
    else:
        return None
    used = {base_name(a) for a in f.parts[1].atoms(sympy.Indexed)} | {
        str(x) for x in f.parts[1].free_symbols}
    if name in used or not (f.parts[1].free_symbols - set(getattr(target, "indices", ()))):
        return None   # a recurrence or a value (x = 2), not a definition
    return name


def _defines_entries(latex: str, notation: Notation) -> bool:
    """The definition's left side is an entry with index letters (``\\hat y_i = …``)."""
    try:
        target = _read(latex, notation).parts[0]
    except (SymderivError, IndexError):
        return False
    return isinstance(target, sympy.Indexed) and all(isinstance(i, sympy.Symbol)
                                                     for i in target.indices)


def _definition_text(latex: str, notation: Notation) -> str:
    """A chain ``L = A = B`` whose first link defines a name (``L = A``): that first link,
    the definition the rest of the chain is checked under; else the formula itself."""
    eqs = top_level_equals(latex)
    if len(eqs) < 2 or _defined_name(latex, notation) is not None:
        return latex
    first = latex[:eqs[1]].strip()
    if _defined_name(first, notation) is not None:
        return first
    m = _PROBABILITY.match(latex)
    if m:
        # P(z = j | x) = y_j = \frac{...}{...}: the probability is the text's name for y_j,
        # and the rest of the chain defines y_j
        rest = latex[m.end():]
        more = top_level_equals(rest)
        second = rest[:more[1]] if len(more) > 1 else rest
        if _defined_name(second, notation) is not None:
            return second.strip()
    return latex


def probability_alias(latex: str) -> tuple[str, str] | None:
    """``P(z = j | x) = y_j = …``: the chain without its first side, the text's name for
    y_j (a probability written as a function of an event is no quantity symderiv reads),
    and the doubt that says so."""
    m = _PROBABILITY.match(latex)
    if not m or not latex[m.end():].strip():
        return None
    head = " ".join(latex[:m.end() - 1].split())
    return latex[m.end():].strip(), f"{head} read as the text's name for what follows it"


_PROBABILITY = re.compile(r"\s*(?:P|p|\\Pr|\\mathbb\s*\{P\}|\\operatorname\s*\{P\})\s*(?:\\left)?"
                          r"\s*\([^()]*(?:\||\\mid)[^()]*(?:\\right)?\)\s*=")


def _is_assumption(latex: str, notation: Notation, defined: set) -> bool:
    """``\\sum_k t_k = 1``: an equation about data the document does not define (no
    derivative, no defined name, not a definition) states an assumption, not a claim."""
    from ..notation import base_name
    try:
        f = _read(latex, notation)
    except SymderivError:
        return False
    if len(f.parts) != 2 or f.conditions or any(p.has(Partial) for p in f.parts):
        return False
    lhs, rhs = f.parts
    if isinstance(lhs, (sympy.Symbol, sympy.Indexed)) or not lhs.has(sympy.Sum):
        return False
    data = {base_name(a) for p in f.parts for a in p.atoms(sympy.Indexed)}
    names = data | {str(s) for p in f.parts for s in p.free_symbols
                    if not isinstance(s, sympy.Indexed)}
    return bool(data) and not (names & defined) and not rhs.has(sympy.Indexed)


def _unread_definition(latex: str, notation: Notation) -> str | None:
    """The name a formula defines when the formula looks like a definition (a lone name, or
    a function of plain arguments, on the left of its first '=') but cannot be read."""
    from ..notation import base_name
    try:
        parts = _read(latex, notation).parts
        head = parts[0] if len(parts) >= 2 else None
        if isinstance(head, sympy.Pow) and isinstance(head.base, (sympy.Symbol, sympy.Indexed)):
            return base_name(head.base)   # σ^2 = ...: a power defined, not read as a name
        return _self_referring(parts)
    except SymderivError:
        pass
    eqs = top_level_equals(latex)
    if not eqs:
        return None
    head = latex[:eqs[0]].strip().rstrip(":&").strip()
    try:
        target = _read(head, notation).parts
    except SymderivError:
        # D_{KL}(q \| p) = ...: arguments that cannot be read; the name before them can
        m = re.fullmatch(r"(\\?[A-Za-z]+(?:\s*_\s*(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\w))?)"
                         r"\s*(?:\\left\s*)?[(\[].*[)\]]", head, re.S)
        try:
            target = _read(m.group(1), notation).parts if m else ()
        except SymderivError:
            return None
        if len(target) == 1 and isinstance(target[0], sympy.Symbol):
            return target[0].name
        return None
    if len(target) != 1:
        return None
    target = target[0]
    if isinstance(target, sympy.core.function.AppliedUndef):
        name = str(target.func)
    elif isinstance(target, (sympy.Symbol, sympy.Indexed)) and not target.is_number:
        name = base_name(target)
    else:
        return None
    if re.search(r"(?<![A-Za-z\\])" + re.escape(name) + r"\s*_", latex[eqs[0] + 1:]):
        return None   # y = \{y_1, \dots, y_K\}: a listing of its entries, not a definition
    return name


def _self_referring(parts) -> str | None:
    """h = tanh(w h_0 + u x), h_t = tanh(W h_{t-1}): a lone name whose right side writes
    the name with an index (an initial state, the step before) — read as an entry of the
    name, the definition would refer to itself, so it is not read; the name (returned) must
    be opaque, not free.  A right side with the bare name (w = w - η g, an update) is not
    this: it stays a claim, as before."""
    from ..notation import base_name
    if len(parts) != 2:
        return None
    target, rhs = parts
    if isinstance(target, sympy.Symbol):
        name, own = target.name, ()
    elif isinstance(target, sympy.Indexed) and all(isinstance(i, sympy.Symbol)
                                                   for i in target.indices):
        name, own = base_name(target), (target,)
    else:
        return None
    if not isinstance(rhs, sympy.Basic):
        return None
    entries = [a for a in rhs.atoms(sympy.Indexed) if base_name(a) == name and a not in own]
    bare = {x for x in rhs.free_symbols if isinstance(x, sympy.Symbol) and x.name == name}
    if bare - {a.base.label for a in entries}:
        return None   # the bare name itself on the right (an update, a recurrence)
    return name if entries else None


def assignment_of(latex: str, notation: Notation) -> str | None:
    """w = w - η ∂L/∂w, h_i = h_i + Δ: the name on the left written again, whole, on the right
    — an update (an assignment of a new value), not an equation: the name (returned) is
    never checked as equal to its own update."""
    try:
        parts = _read(latex, notation).parts
    except SymderivError:
        return None
    if len(parts) != 2 or not isinstance(parts[1], sympy.Basic):
        return None
    target, rhs = parts
    if not isinstance(target, (sympy.Symbol, sympy.Indexed)) or target.is_number:
        return None
    if isinstance(target, sympy.Symbol):
        found = target in rhs.free_symbols and not any(
            a.base.label == target for a in rhs.atoms(sympy.Indexed))
    else:
        found = target in rhs.atoms(sympy.Indexed)
    if not found or sympy.simplify(rhs - target) == 0:
        return None
    return str(target)


def _value_of(latex: str, notation: Notation) -> tuple[str, int | None] | None:
    """``z = (0, 2\\ln 3)``, ``T = 2``: a stated value of a plain name (its length, or None
    for a number) — a worked example's data, used for the rest of its paragraph."""
    try:
        f = _read(latex, notation)
    except SymderivError:
        return None
    if len(f.parts) != 2 or f.conditions:
        return None
    target, value = f.parts
    if isinstance(target, sympy.Indexed) and all(i.is_Integer for i in target.indices) and \
            isinstance(value, sympy.Basic) and value.is_number:
        return str(target), None   # "let x_1 = 6": the value of one entry of the data
    if not isinstance(target, sympy.Symbol):
        return None
    if isinstance(value, sympy.MatrixBase):
        if 1 in value.shape and all(x.is_number for x in value):
            return f.parts[0].name, max(value.shape)
        return None
    if isinstance(value, sympy.Basic) and value.is_number:
        return f.parts[0].name, None
    return None


def _states_condition(latex: str, notation: Notation) -> bool:
    """The formula carries its own case condition (``i \\neq j: ...``, ``\\quad (i = j)``)."""
    try:
        return bool(_read(latex, notation).conditions)
    except SymderivError:
        return False


_DOTS = ("\\dots", "\\ldots", "\\cdots")


def _top_level_commas(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for n, c in enumerate(text):
        if c in "{(":
            depth += 1
        elif c in "})":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(text[start:n])
            start = n + 1
    return out + [text[start:]]


def _enumerated(latex: str, notation: Notation) -> str | None:
    """``y_1 = E(1), \\dots, y_K = E(K)`` → ``y_{i} = E(i)`` (checked against the first item)."""
    from ..printer import to_latex
    if not any(d in latex for d in _DOTS):
        return None
    items = [t.strip() for t in _top_level_commas(latex) if t.strip() not in _DOTS + ("",)]
    if len(items) < 2 or any("=" not in t for t in items):
        return None
    try:
        first, last = _read(items[0], notation), _read(items[-1], notation)
        i = _read("y_i = 0", notation).parts[0].indices[0]
    except SymderivError:
        return None
    if len(first.parts) != 2 or len(last.parts) != 2:
        return None
    (t1, e1), (tk, ek) = first.parts, last.parts
    if not (isinstance(t1, sympy.Indexed) and isinstance(tk, sympy.Indexed)
            and t1.base == tk.base and len(tk.indices) == 1 and tk.indices[0].is_Symbol
            and t1.indices[0].is_Integer):
        return None
    k = tk.indices[0]

    def at(e, old, new):
        return e.replace(lambda a: isinstance(a, sympy.Indexed) and old in a.indices,
                         lambda a: a.base[tuple(new if x == old else x for x in a.indices)])
    general = at(ek, k, i)
    if sympy.simplify(at(general, i, t1.indices[0]) - e1) != 0:
        return None
    return f"{to_latex(tk.base[i])} = {to_latex(general)}"


_VECTOR_OF_NAME = re.compile(
    r"\s*(?:\\(?:mathrm|operatorname|text|textrm)\s*\{\s*)?(?P<f>[A-Za-z_]+)\s*\}?\s*"
    r"(?:\\left)?\s*\(\s*\{?\s*(?:[A-Za-z]|\\[A-Za-z]+)\s*(?:\^\s*(?:\{[^{}]*\}|\w))?\s*\}?\s*"
    r"(?:\\right)?\s*\)\s*")


def vector_function_of_name(latex: str) -> bool:
    r"""``y = \mathrm{softmax}(z)``: a vector defined whole as a catalogue vector function of
    one vector name, whose entries y_i are read (entry i of softmax(z)), unlike y = Wx + b.

    >>> vector_function_of_name(r"A^{O} = \mathrm{softmax}(Z^{O})")
    True
    >>> vector_function_of_name(r"y = W x + b")
    False
    """
    from ..vocabulary import VECTOR_FUNCTIONS
    eqs = top_level_equals(latex)
    if len(eqs) != 1:
        return False
    m = _VECTOR_OF_NAME.fullmatch(latex[eqs[0] + 1:])
    return bool(m and m.group("f") in VECTOR_FUNCTIONS)
