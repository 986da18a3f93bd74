r"""The clauses of a formula around its chain: relations, case conditions (``i \\neq j``,
``\\text{if } i = j``, ``\\quad (i \\neq j)``), declarations (``W \\in \\mathbb{R}^{m \\times n}``)
and index ranges (``1 \\leq i \\leq K``). Functions of the reader (``r``) and a token range."""
from __future__ import annotations

import sympy
from sympy import Integer, Symbol

from symderiv.notation import base_name, size

from .model import Declaration, IndexRange
from .scan import DEFINE_CMDS, GREATER, LESS, NEQ

_COND_WORDS = {"if", "for", "when", "where", "with", "and", "otherwise", "whenever", "all"}


def _relation_at(r: "Reader", p: int, b: int) -> tuple[str, int] | None:
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


def _single_name(r: "Reader", a: int, b: int) -> str | None:
    a, b = r.strip(a, b)
    if b - a == 1 and r.toks[a].kind in ("letter", "greek"):
        return r.toks[a].text
    return None


def _trailing_condition(r: "Reader", a: int, b: int):
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


def condition(r: "Reader", a: int, b: int, allow_eq: bool):
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


_INEQUALITIES = {"<": sympy.StrictLessThan, ">": sympy.StrictGreaterThan,
                 "<=": sympy.LessThan, ">=": sympy.GreaterThan,
                 "\\lt": sympy.StrictLessThan, "\\gt": sympy.StrictGreaterThan,
                 "\\le": sympy.LessThan, "\\leq": sympy.LessThan, "\\leqslant": sympy.LessThan,
                 "\\ge": sympy.GreaterThan, "\\geq": sympy.GreaterThan,
                 "\\geqslant": sympy.GreaterThan}


def real_condition(r: "Reader", a: int, b: int):
    """``\\text{if } x > 0``, ``x \\leq 0``: a case condition on a value (an inequality between
    two expressions, after words such as 'if'), or None."""
    a, b = r.strip(a, b)
    while a < b and r.toks[a].kind in ("word", "text") and \
            r.toks[a].text.strip().lower() in _COND_WORDS:
        a = r.nx(a + 1, b)
    rels = [(p, *got) for p in r.top_level(a, b) for got in [_relation_at(r, p, b)] if got]
    if len(rels) != 1 or rels[0][1] not in _INEQUALITIES:
        return None
    p, kind, after = rels[0]
    left, right = r.expr(a, p, "condition"), r.expr(*r.strip(after, b), "condition")
    return _INEQUALITIES[kind](left, right)


def declared_name(obj) -> str:
    """The name a declaration is about: ``W_1 \\in \\mathbb{R}^{2 \\times 500}`` declares the layer
    matrix W_{1} (as vector notation names it), never W itself."""
    if isinstance(obj, sympy.Indexed) and all(i.is_Integer for i in obj.indices):
        return f"{base_name(obj)}_{{{','.join(str(i) for i in obj.indices)}}}"
    return base_name(obj)


def _declaration(r: "Reader", a: int, b: int, names: list[str]):
    """``W \\in \\mathbb{R}^{m \\times n}``, ``i \\in \\{1, \\dots, K\\}``."""
    at = next(p for p in r.top_level(a, b) if r.is_cmd(p, {"in"}))
    left = r.strip(a, at)
    if left[0] >= left[1]:
        raise r.err("\\in without a name before it", at, "write e.g. W \\in \\mathbb{R}^{m}")
    obj = r.expr(*left, "name") if r.toks[left[0]].kind in ("letter", "greek", "word") else None
    if obj is None or not isinstance(obj, (Symbol, sympy.Indexed, sympy.IndexedBase)):
        raise r.err(f"cannot read {r.src(*left)!r} as a name", left[0],
                    "declare one name or a list of names: x, b \\in \\mathbb{R}^n")
    names = names + [declared_name(obj)]
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


def _index_range(r: "Reader", a: int, b: int) -> IndexRange:
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
