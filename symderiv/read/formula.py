r"""Formulas: a chain ``a = b = c``, definitions (``:=``, ``\\coloneqq``, ``\\stackrel{def}{=}``,
``\\triangleq``, ``\\equiv``), ``\\approx`` as a relation, case conditions (leading ``i \\neq j:``,
trailing ``\\quad (i \\neq j)``, ``\\text{ if } i = j``), declarations ``W \\in \\mathbb{R}^{m \\times n}``
and index ranges ``1 \\leq j \\leq K``; each expression is read by the grammar.

Every choice point met (:mod:`symderiv.read.typing`) gives one alternative reading: the
formula read again with that choice flipped.
"""
from __future__ import annotations

import functools
import re
from dataclasses import replace

import sympy
from sympy import Symbol

from symderiv.notation import base_name, fresh_index, index
from symderiv.printer import to_latex

from .probability import BARE_DOUBT, rewrite_probabilities
from .clauses import (_declaration, _index_range, _relation_at, _single_name,
                      _trailing_condition, condition, declared_name)
from .matrices import ALIGN_ENVS
from .model import MAX_ALTERNATIVES, MAX_DIGITS, Formula, LatexError, Notation, Reading
from .normalize import (DEFAULT_CONFIG, as_text, extremum_entries, match_brackets, screen,
                        tokenize)
from .transform import Reader
from .typing import Choices
from .values import num_digits

def is_index(s) -> bool:
    return (isinstance(s, Symbol) and not isinstance(s, sympy.Dummy) and s.is_integer is True
            and s.is_positive is None)


# ---------------------------------------------------------------------------------------------
# formulas
# ---------------------------------------------------------------------------------------------
def _unwrap(r: Reader, a: int, b: int) -> tuple[int, int]:
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
        if first.kind == "begin" and first.text in ALIGN_ENVS and r.match.get(a) == b - 1:
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


def read_formula(latex, notation: Notation = Notation()) -> Formula:
    """Read one LaTeX formula (see :func:`_read_formula`); a text read before under the same
    notation is not read again (a document's definitions serve every formula after them)."""
    if not (isinstance(latex, str) and isinstance(notation, Notation)):
        return _read_formula(latex, notation)
    f, err = _read_cached(latex, notation)
    if err is not None:   # a fresh copy: the cached one keeps no traceback nor context
        fresh = LatexError(err.reason, err.latex, err.position, err.hint)
        if getattr(err, "misprints", None):   # an ellipsis matrix's entries off its pattern
            fresh.misprints = err.misprints
        raise fresh
    return f


@functools.lru_cache(maxsize=2048)
def _read_cached(latex: str, notation: Notation):
    try:   # a Formula is frozen: safe to share; a text that cannot be read stays so
        return _read_formula(latex, notation), None
    except LatexError as err:
        return None, err.with_traceback(None)


def _read_formula(latex, notation: Notation = Notation()) -> Formula:
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
    text = as_text(latex)
    screen(text)
    written = text
    text, bare = rewrite_probabilities(text, functions=notation.functions)   # P(y | x): a name
    probability = ("a probability P(…|…) read as one opaque quantity in (0, 1] (named by "
                   "everything inside it; never given a value)",) if text != written else ()
    text = extremum_entries(text)   # \max_j z_j: \max(z), the largest entry
    text = _PRIME_SUP.sub(lambda m: "'" * m.group(0).count("prime"), text)   # f^{\prime}
    text = _ORDER_SUP.sub(lambda m: "'" * int(m.group(1)), text)   # f^{(2)}(x) = f''(x)
    text = _PRIMED_CMD.sub(lambda m: "\\text{" + m.group(1) + "}", text)   # \tanh'(x)
    text, point_free = _point_free(text, notation)
    if point_free:
        f = read_formula(text, notation)
        return replace(f, doubts=f.doubts + (point_free,), alternatives=tuple(
            replace(a, doubts=a.doubts + (point_free,)) for a in f.alternatives))
    toks = tokenize(text, DEFAULT_CONFIG)
    match, dropped = match_brackets(toks, text)
    r, parts, relations, conditions, declarations = _read_once(text, toks, match, dropped,
                                                               notation, Choices())
    alternatives = []
    seen = {(tuple(parts), tuple(relations), tuple(conditions))}
    for key in r.choices.points[:MAX_ALTERNATIVES]:
        try:
            alt = _read_once(text, toks, match, dropped, notation, Choices({key: 1}))
        except LatexError:
            continue
        ar, aparts, arels, aconds, _ = alt
        ident = (tuple(aparts), tuple(arels), tuple(aconds))
        if ident in seen:
            continue
        seen.add(ident)
        alternatives.append(Reading(tuple(aparts), tuple(arels), tuple(aconds),
                                    tuple(ar.choices.doubts)))
    runs = [k for k in r.choices.points if k[0] == "run"]
    if len(runs) > 1:       # AB = BA: every letter run a product at once
        try:
            ar, aparts, arels, aconds, _ = _read_once(text, toks, match, dropped, notation,
                                                      Choices({k: 1 for k in runs}))
            if (tuple(aparts), tuple(arels), tuple(aconds)) not in seen:
                alternatives.append(Reading(tuple(aparts), tuple(arels), tuple(aconds),
                                            tuple(ar.choices.doubts)))
        except LatexError:
            pass
    return Formula(text, tuple(parts), tuple(relations), tuple(conditions), tuple(declarations),
                   tuple(r.warnings) + probability,
                   tuple(r.choices.doubts) + ((BARE_DOUBT,) if bare else ()), tuple(alternatives),
                   positive=tuple(dict.fromkeys(r.positive)))


# a known function's command with a prime (\tanh'(x)): the same as \text{tanh}'(x)
_PRIMED_CMD = re.compile(r"\\(tanh|sinh|cosh|sin|cos|exp)(?![A-Za-z])(?=\s*('|\^\s*\{?\s*\\prime))")
# f^{(2)}(x), \sin^{(3)}(x): the n-th derivative (n ≤ 4), before an argument list
_ORDER_SUP = re.compile(r"\^\s*\{\s*\(\s*([1-4])\s*\)\s*\}(?=\s*(\(|\\left\())")
_PRIME_SUP = re.compile(r"\^\s*(\{\s*(\\prime\s*)+\}|\\prime(?![A-Za-z]))")
_PRIMED_ANY = re.compile(r"(\\[A-Za-z]+|(?<![A-Za-z\\])[A-Za-z])\s*'")
_POINT_FUNCTIONS = {"sigma", "sigmoid", "tanh", "relu", "ReLU", "softplus"}
# a positive integer power written before the argument: \tanh^2(z) is (tanh z)^2
_POWER_SUP = re.compile(r"\^\s*(\{\s*[1-9]\s*\}|[1-9](?![0-9]))")
_LETTER_ARG = re.compile(r"[A-Za-z](?![A-Za-z])(_(\{[A-Za-z0-9]\}|[A-Za-z0-9]))?")


def _point_free(text: str, notation: Notation) -> tuple[str, str | None]:
    r"""``s' = s(1-s)``, ``\sigma' = \sigma(1 - \sigma)``, ``\sigma'(x) = \sigma(1 - \sigma)``:
    a function written without its argument, as a value, beside its derivative.  Read at one
    point: the bare occurrences applied to the argument the formula writes elsewhere (x), or
    to a fresh one, with the doubt said.  Only for a name the text or the catalogue knows as a
    function, written with a prime somewhere, and applied to at most one argument."""
    known = set(notation.functions) | _POINT_FUNCTIONS
    names = [m.group(1) for m in _PRIMED_ANY.finditer(text)]
    names += [m.group(1) for m in re.finditer(r"(\\[A-Za-z]+)(?![A-Za-z])", text)
              if m.group(1).lstrip("\\") in _POINT_FUNCTIONS]
    name = next((n for n in names if n.lstrip("\\") in known), None)
    if name is None:
        return text, None
    bare = name.lstrip("\\")
    token = (r"(?<![A-Za-z\\])" if not name.startswith("\\") else "") + re.escape(name) + \
        r"(?![A-Za-z])(\s*'+)?"
    spots, args = [], set()
    for occ in re.finditer(token, text):
        q = occ.end()
        while q < len(text) and text[q] == " ":
            q += 1
        power = None if occ.group(1) else _POWER_SUP.match(text, q)
        if power:                          # \tanh^2(z), \sigma^{2}(x): the square of tanh(z)
            q = power.end()
            while q < len(text) and text[q] == " ":
                q += 1
        content = _group(text, q) if q < len(text) and text[q] == "(" else None
        if content is None and name == "\\tanh":
            arg = _LETTER_ARG.match(text, q)   # \tanh z, \tanh^2 z: tanh applied to z
            if arg and (power or q > occ.end()):
                content = arg.group(0)
        if content is not None and not re.search(re.escape(name) + r"(?![A-Za-z])", content):
            args.add(" ".join(content.split()))   # applied: σ'(x), s(x)
        else:
            spots.append(occ)                       # a value: σ, σ', σ(1 - σ)
    primed = any(occ.group(1) for occ in re.finditer(token, text))
    if not spots or len(args) > 1 or not (primed or args):
        return text, None   # σ² of a variance, never applied nor differentiated: a value
    letters = set(re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", text))
    point = args.pop() if args else next((v for v in "xuvtw" if v not in letters), None)
    if point is None:
        return text, None
    out, last = [], 0
    for occ in spots:
        out.append(text[last:occ.end()].rstrip() if occ.group(1) else text[last:occ.end()])
        out.append(f"({point})")
        last = occ.end()
    out.append(text[last:])
    return "".join(out), (f"{bare} written without its argument: read as {bare}({point}) "
                          "at the same point as the rest of the formula")


def _group(text: str, q: int) -> str | None:
    """The text inside the parentheses opening at *q* (balanced), or None."""
    depth = 0
    for r in range(q, len(text)):
        depth += {"(": 1, ")": -1}.get(text[r], 0)
        if depth == 0:
            return text[q + 1:r]
    return None


def _read_once(text, toks, match, dropped, notation, choices):
    """One reading of the formula under *choices*."""
    r = Reader(text, toks, match, dropped, notation, choices)
    a, b = _unwrap(r, 0, len(toks))
    if a >= b:
        raise LatexError("the formula is empty", text, None, "give a LaTeX formula such as y_i = 1")
    conditions: list = []
    declarations: list = []
    # a leading case condition "i == j:" / "i \neq j:"
    for p in r.top_level(a, b):
        if r.is_char(p, ":") and not r.is_char(p + 1, "=", b):
            cond = condition(r, a, p, allow_eq=True)
            if notation.inner_colon and r.table.matrix_mode and (cond is None or not any(
                    _relation_at(r, q, b) for q in r.top_level(p + 1, b))):
                break                      # A:B, s = u:z: an inner product, not a case label
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
                names.append(nm if nm else declared_name(obj))
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
        cond = condition(r, s, e, allow_eq=main is not None or n > 0)
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
                if kind not in ("=", ":=", "\\approx"):
                    raise r.err(f"{r.toks[p].src!r} between the parts of a formula", p,
                                "only = and := are read; put conditions before a colon")
                parts.append(r.expr(start, p, "side of the equation"))
                relations.append(kind)
                start = after
                p = after
                continue
            p = r.skip(p)
        parts.append(r.expr(start, e, "side of the equation"))
    parts = finish(r, parts, conditions)
    for part in parts:
        for num in part.atoms(sympy.Rational):
            if num_digits(num) > MAX_DIGITS:
                raise LatexError(f"a number with more than {MAX_DIGITS} digits", text, None,
                                 "write large numbers as powers, e.g. 10^{5000}")
    return r, parts, relations, conditions, declarations


def read_expr(latex, notation: Notation = Notation()):
    r"""Read one expression (no relation, condition or declaration).

    >>> read_expr(r'\frac{\partial L}{\partial y_j}')
    Partial(L, y[j])
    """
    f = read_formula(latex, notation)
    if len(f.parts) != 1 or f.relations or f.conditions or f.declarations:
        text = as_text(latex)
        raise LatexError("expected one expression, found "
                         + (f"{len(f.parts)} parts joined by {', '.join(f.relations)}"
                            if f.relations else "a condition or declaration"),
                         text, None, "use read_formula for equations")
    return f.parts[0]


# ---------------------------------------------------------------------------------------------
# split_display
# ---------------------------------------------------------------------------------------------

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
            mine = {s for s in fs if is_index(s)}
            cands = sorted(mine - outside, key=str)
            vectors = sorted((s for s in fs if isinstance(s, sympy.Symbol) and not is_index(s)
                              and str(s) in self.table.indexed), key=str) if not mine else []
            if vectors:
                # \sum e^{z} beside z_i: the sum over the entries of the vector z
                taken = {str(x) for e in parts for x in e.free_symbols} | {str(x) for x in fs}
                k = next((index(c) for c in "kjmln" if c not in taken), None) or \
                    fresh_index(index("k"), outside | fs)
                f = f.xreplace({v: sympy.IndexedBase(str(v))[k] for v in vectors})
                names = ", ".join(map(str, vectors))
                self.choices.note(f"a \\{info['op']} without an index read as the sum over the "
                                  f"entries of {names} (written {names}_{{{k}}})")
                cands = [k]
            elif len(cands) != 1:
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
                        self.choices.note(f"{v} is summed over in {to_latex(s)} and also "
                                          "used free outside that sum")
    return parts

