"""The result of a derivation in vector/matrix notation, where its index form allows:
β y_i(δ_ij − y_j) → β(diag(y) − y yᵀ), ∂L/∂y_a x_c → (∂L/∂y) xᵀ, Σ_j W_jc ∂L/∂y_j → Wᵀ ∂L/∂y,
(1 − y_k²)(y_k − t_k) is left in index form (a scalar added to a vector has no plain reading).

Each piece of the matrix expression carries its own entries, rebuilt from what the piece
means (diag(v)_rc = δ_rc v_r, (u vᵀ)_rc = u_r v_c, (Wᵀ g)_r = Σ_a W_ar g_a), and the entries
of the whole are proved equal to the result by :func:`symderiv.verify.decide` before the form
is shown, so a wrong transposition can never be printed.  Rows are the quantity's first free
index, columns its second (for ∂L/∂W: W's shape).
"""
from __future__ import annotations

import sympy
from sympy import Add, Indexed, IndexedBase, KroneckerDelta, Mul, Pow, Sum, Symbol

from ..notation import Partial, base_name
from ..printer import to_latex
from ..verify import decide

__all__ = ["matrix_form"]


class _No(Exception):
    """No matrix form for this piece."""


def _vec(name: str) -> str:
    return rf"\mathbf{{{to_latex(Symbol(name))}}}"


def _mat(name: str) -> str:
    return to_latex(Symbol(name))


def _scalar(e, free) -> bool:
    return not (e.free_symbols & set(free))


def _paren(tex: str) -> str:
    compound = " + " in tex or " - " in tex or tex.startswith("-") or r"\odot" in tex
    return rf"\left({tex}\right)" if compound else tex


def _entry(e, r):
    """A vector factor at index r: (latex, its entry at r rebuilt from the meaning)."""
    if isinstance(e, Indexed) and e.indices == (r,):
        return _vec(base_name(e)), IndexedBase(base_name(e))[r]
    if isinstance(e, Partial) and isinstance(e.x, Indexed) and e.x.indices == (r,) \
            and isinstance(e.f, Symbol):
        name = base_name(e.x)
        return (r"\frac{\partial %s}{\partial %s}" % (to_latex(e.f), _vec(name)),
                Partial(e.f, IndexedBase(name)[r]))
    if isinstance(e, Sum) and len(e.limits) == 1:   # Σ_a W_ar g_a = (Wᵀ g)_r
        (a, lo, hi), = e.limits
        mats = [f for f in Mul.make_args(e.function) if isinstance(f, Indexed)
                and len(f.indices) == 2 and set(f.indices) == {a, r}]
        if len(mats) == 1:
            W = mats[0]
            rest = sympy.cancel(e.function / W)
            if r in rest.free_symbols:
                raise _No
            g_tex, g_ent = _vector(rest, a)
            base = IndexedBase(base_name(W))
            if W.indices == (a, r):
                return f"{_mat(base_name(W))}^\\top {_paren(g_tex)}", \
                    Sum(base[a, r] * g_ent, (a, lo, hi))
            return f"{_mat(base_name(W))} {_paren(g_tex)}", Sum(base[r, a] * g_ent, (a, lo, hi))
    raise _No


def _ones(s):
    """A scalar s added to a vector: s·𝟏 (every entry s)."""
    inner = to_latex(s)
    if not (s.is_Symbol or s.is_Number):
        inner = rf"\left({inner}\right)"
    tex = r"\mathbf{1}" if s == 1 else rf"{inner} \mathbf{{1}}"
    return tex, s


def _vector(e, r):
    """(latex, entry at r) of a column vector whose r-th entry is e (⊙: entrywise product)."""
    if _scalar(e, (r,)):
        raise _No
    if isinstance(e, Add):
        pos = [t for t in e.args if not t.could_extract_minus_sign()]
        neg = [-t for t in e.args if t.could_extract_minus_sign()]
        tex, ent = "", sympy.S.Zero
        for t in pos:
            tt, te = _vector(t, r) if not _scalar(t, (r,)) else _ones(t)
            tex, ent = (f"{tex} + {tt}" if tex else tt), ent + te
        for t in neg:
            tt, te = _vector(t, r) if not _scalar(t, (r,)) else _ones(t)
            tex, ent = (f"{tex} - {_paren(tt)}" if tex else f"-{_paren(tt)}"), ent - te
        return tex, ent
    factors = list(Mul.make_args(e))
    coeff = Mul(*[f for f in factors if _scalar(f, (r,))])
    texs, ent = [], coeff
    for f in (f for f in factors if not _scalar(f, (r,))):
        if isinstance(f, Pow) and f.exp.is_Integer and f.exp > 1:
            bt, be = _vector(f.base, r)
            texs.append(r" \odot ".join([_paren(bt)] * int(f.exp)))
            ent *= be ** f.exp
        elif isinstance(f, Add):
            ft, fe = _vector(f, r)
            texs.append(ft)
            ent *= fe
        else:
            ft, fe = _entry(f, r)
            texs.append(ft)
            ent *= fe
    if len(texs) > 1:
        texs = [_paren(t) for t in texs]
    body = r" \odot ".join(texs)
    if coeff == 1:
        return body, ent
    if coeff == -1:
        return f"-{_paren(body)}", ent
    return f"{to_latex(coeff)} {_paren(body)}", ent


def _matrix_term(t, r, c):
    """One term of a matrix result: (scalar coefficient, latex, entries at (r, c))."""
    factors = list(Mul.make_args(t))
    deltas = [f for f in factors if isinstance(f, KroneckerDelta) and set(f.args) == {r, c}]
    rest = [f for f in factors if f not in deltas]
    coeff = Mul(*[f for f in rest if _scalar(f, (r, c))])
    rest = [f for f in rest if not _scalar(f, (r, c))]
    if len(deltas) > 1:
        raise _No
    if deltas:
        inner = Mul(*rest).xreplace({c: r})
        if inner == 1:
            return coeff, "I", KroneckerDelta(r, c)
        vt, ve = _vector(inner, r)
        return coeff, rf"\mathrm{{diag}}\left({vt}\right)", KroneckerDelta(r, c) * ve
    both = [f for f in rest if f.free_symbols >= {r, c}]
    rows = Mul(*[f for f in rest if r in f.free_symbols and c not in f.free_symbols])
    cols = Mul(*[f for f in rest if c in f.free_symbols and r not in f.free_symbols])
    if both:
        if len(both) == 1 and isinstance(both[0], Indexed) and rows == 1 and cols == 1:
            W = both[0]
            base = IndexedBase(base_name(W))
            if W.indices == (r, c):
                return coeff, _mat(base_name(W)), base[r, c]
            if W.indices == (c, r):
                return coeff, _mat(base_name(W)) + r"^\top", base[c, r]
        raise _No
    if rows == 1 and cols == 1:   # a scalar in every entry: s 𝟏𝟏ᵀ
        return coeff, r"\mathbf{1} \mathbf{1}^\top", sympy.S.One
    ut, ue = _vector(rows, r) if rows != 1 else _ones(sympy.S.One)
    vt, ve = _vector(cols, c) if cols != 1 else _ones(sympy.S.One)
    return coeff, f"{_paren(ut)} {_paren(vt)}^\\top", ue * ve


def _matrix(e, r, c):
    terms = None
    if isinstance(e, Mul) and not any(isinstance(f, Add) and f.free_symbols >= {r, c}
                                      for f in e.args):
        try:   # (y_i − t_i) x_j as one outer product (y − t) xᵀ
            terms = [_matrix_term(e, r, c)]
        except _No:
            terms = None
    pieces = terms or [_matrix_term(t, r, c) for t in Add.make_args(sympy.expand(e))]
    shared = None   # the factors every coefficient has (1/σ in 1/σ, −1/(Nσ))
    for coeff, _, _ in pieces:
        got = {f for f in Mul.make_args(coeff) if not f.is_Number}
        shared = got if shared is None else shared & got
    common = Mul(*shared) if shared else sympy.S.One
    tex, ent = "", sympy.S.Zero
    for coeff, piece, entries in pieces:
        k = sympy.cancel(coeff / common)
        neg = k.could_extract_minus_sign()
        mag = -k if neg else k
        text = piece if mag == 1 else f"{to_latex(mag)} {piece}"
        if tex:
            tex = f"{tex} {'-' if neg else '+'} {text}"
        else:
            tex = f"-{text}" if neg else text
        ent += k * entries
    if common != 1:
        tex = (rf"{to_latex(common)} \left({tex}\right)" if len(pieces) > 1
               else f"{to_latex(common)} {tex}")
    return tex, common * ent


def matrix_form(d) -> str | None:
    """``lhs = matrix expression`` in LaTeX for derivation *d*, or None when its index form
    has no such reading (more than two free indices, a scalar added to a vector, …) or the
    rebuilt entries are not proved equal to the result."""
    q, e = d.lhs, d.result
    if not isinstance(q, Partial):
        return None
    free = list(dict.fromkeys(list(getattr(q.f, "indices", ())) +
                              list(getattr(q.x, "indices", ()))))
    try:
        if len(free) == 1:
            body, entries = _vector(e, free[0])
        elif len(free) == 2:
            body, entries = _matrix(e, *free)
        else:
            return None
    except (_No, TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None
    ctx = d.context.assume(*d.conditions) if d.conditions else d.context
    if decide(entries, e, ctx, exact=False).status != "proved":
        return None
    f, x = q.f, q.x

    def name(v):
        if isinstance(v, Indexed):
            return _mat(base_name(v)) if len(v.indices) == 2 else _vec(base_name(v))
        return to_latex(v)
    return r"\frac{\partial %s}{\partial %s} = %s" % (name(f), name(x), body)
