r"""Formulas: a chain ``a = b = c``, definitions (``:=``, ``\\coloneqq``, ``\\stackrel{def}{=}``,
``\\triangleq``, ``\\equiv``), ``\\approx`` as a relation, case conditions (leading ``i \\neq j:``,
trailing ``\\quad (i \\neq j)``, ``\\text{ if } i = j``), declarations ``W \\in \\mathbb{R}^{m \\times n}``
and index ranges ``1 \\leq j \\leq K``; each expression is read by the grammar.

Every choice point met (:mod:`symderiv.read.typing`) gives one alternative reading: the
formula read again with that choice flipped.
"""
from __future__ import annotations

import sympy
from sympy import Integer, Symbol

from symderiv.notation import base_name, size
from symderiv.printer import to_latex

from .matrices import ALIGN_ENVS
from .model import (MAX_ALTERNATIVES, MAX_DIGITS, Declaration, Formula, IndexRange, LatexError,
                    Notation, Reading)
from .normalize import DEFAULT_CONFIG, as_text, match_brackets, screen, tokenize
from .scan import DEFINE_CMDS, GREATER, LESS, NEQ
from .transform import Reader
from .typing import Choices
from .values import num_digits

_COND_WORDS = {"if", "for", "when", "where", "with", "and", "otherwise", "whenever", "all"}


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


def _relation_at(r: Reader, p: int, b: int) -> tuple[str, int] | None:
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
    if t.kind == "cmd" and t.text in NEQ:
        return "!=", p + 1
    if t.kind == "cmd" and t.text in DEFINE_CMDS:
        return ":=", p + 1
    if t.kind == "char" and t.text in "<>":
        if r.is_char(p + 1, "=", b):
            return t.text + "=", p + 2
        return t.text, p + 1
    if t.kind == "cmd" and t.text in LESS | GREATER | {"approx", "sim", "in", "notin"}:
        return "\\" + t.text, p + 1
    return None


def _single_name(r: Reader, a: int, b: int) -> str | None:
    a, b = r.strip(a, b)
    if b - a == 1 and r.toks[a].kind in ("letter", "greek"):
        return r.toks[a].text
    return None


_TRANSPOSE = {"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\mathsf T",
              "\\mathrm T", "\\textsf{T}"}


def _trailing_condition(r: Reader, a: int, b: int):
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
        cond = condition(r, s, e, allow_eq=True)
        if cond is not None and not (word or wrapped) and not all(
                str(x) in r.index_names for x in cond.args if isinstance(x, Symbol)):
            cond = None   # "a = b \quad c = d": two formulas, not a case condition
        if cond is not None:
            end = r.strip(a, m)[1]
            if end > a and r.is_char(end - 1, ","):
                end = r.strip(a, end - 1)[1]
            return end, cond
    return b, None


def condition(r: Reader, a: int, b: int, allow_eq: bool):
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


def _declaration(r: Reader, a: int, b: int, names: list[str]):
    """``W \\in \\mathbb{R}^{m \\times n}``, ``i \\in \\{1, \\dots, K\\}``."""
    at = next(p for p in r.top_level(a, b) if r.is_cmd(p, {"in"}))
    left = r.strip(a, at)
    if left[0] >= left[1]:
        raise r.err("\\in without a name before it", at, "write e.g. W \\in \\mathbb{R}^{m}")
    obj = r.expr(*left, "name") if r.toks[left[0]].kind in ("letter", "greek", "word") else None
    if obj is None or not isinstance(obj, (Symbol, sympy.Indexed, sympy.IndexedBase)):
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


def _index_range(r: Reader, a: int, b: int) -> IndexRange:
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
    text = as_text(latex)
    screen(text)
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
    return Formula(text, tuple(parts), tuple(relations), tuple(conditions), tuple(declarations),
                   tuple(r.warnings), tuple(r.choices.doubts), tuple(alternatives))


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
                        self.choices.note(f"{v} is summed over in {to_latex(s)} and also "
                                          "used free outside that sum")
    return parts

