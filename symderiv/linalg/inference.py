"""Shape inference over the equations of one reading: every lowercase name first a column
(the usual convention), else as the text uses it (a row where it writes ``x W``), the names
under a division scalars, the names differentiated scalars; each guess a doubt of the
reading.  The unification itself is :class:`.shapes.Shapes`'."""
from __future__ import annotations

import sympy
from sympy import Symbol

from .objects import IDENTITY, ONES, Diag, Grad, Hadamard, MatrixOp, Tr
from .shapes import ONE, ShapeMismatch, Shapes, _lowercase, _tex


def scalar_names(exprs) -> set[str]:
    """Whole names divided by or under a root: scalars (``\\frac{1}{N}``, ``\\sqrt{d}``); and
    bare lowercase names added to a number or to a function of an inner product, never
    transposed: labels (``1 - y``, ``s(w^T x) - y``)."""
    out, vectors = set(), set()
    for e in exprs:
        for p in sympy.preorder_traversal(e):
            if isinstance(p, sympy.Pow) and not (p.exp.is_Integer and p.exp > 0):
                out |= {s.name for s in p.base.atoms(Symbol) if not s.is_commutative
                        and p.base == s}
            if isinstance(p, (Hadamard, Diag)):   # a ⊙ (1 - a), diag(a): a is a vector
                vectors |= {s.name for a in p.args for s in a.atoms(Symbol)
                            if not s.is_commutative}
            if isinstance(p, (Tr, Grad)):
                vectors |= {s.name for s in p.args[-1].atoms(Symbol) if not s.is_commutative}
                if isinstance(p, Tr):
                    vectors |= {s.name for s in p.args[0].atoms(Symbol)
                                if not s.is_commutative}
            if isinstance(p, sympy.Add) and any(
                    t.is_Number or isinstance(t, (sympy.Function, sympy.Pow)) and
                    t.atoms(Tr) and not isinstance(t, MatrixOp) for t in p.args):
                for t in p.args:
                    t = -t if t.could_extract_minus_sign() else t
                    if isinstance(t, Symbol) and not t.is_commutative and _lowercase(t.name):
                        out.add(t.name)
    return out - vectors


def _outside_numerators(e) -> set[str]:
    if isinstance(e, Grad):
        inner = set() if isinstance(e.args[0], Symbol) else _outside_numerators(e.args[0])
        return inner | _outside_numerators(e.args[1])
    if isinstance(e, Symbol):
        return set() if e.is_commutative else {e.name}
    out = set()
    for a in getattr(e, "args", ()):
        out |= _outside_numerators(a)
    return out


def infer(equations, layout: str = "denominator", declared=None, defaults=True,
          identity=True) -> Shapes:
    """The shapes of the whole names of *equations* (pairs of sides), in one layout.

    Twice: the orientation the weak default gives a lowercase name (a column, or a row where
    the text uses it as one) is known from the start of the second pass, so that what rests
    on it (``L = (y - t)^T (y - t)`` is 1×1) is known before a gradient by it is read."""
    names = set()
    rows = _row_convention(equations) if defaults else None
    if rows is not None:
        got = _rows_read(equations, layout, declared, identity, rows)
        if got is not None:
            return got
    if defaults:
        # first try every lowercase name as a column (the usual convention), so a gradient
        # of f = x^T W^T W x sees f as 1×1; a text that uses x as a row falls to the next try
        names = {a.name for eq in equations for side in eq if isinstance(side, sympy.Basic)
                 for a in side.atoms(Symbol) if not a.is_commutative and _lowercase(a.name)}
        names -= scalar_names([side for eq in equations for side in eq])
        if names:
            try:
                sh = _infer(equations, layout, declared, {n: 1 for n in names}, defaults,
                            identity)
                for n in sorted(names):
                    if n in sh.of and not n.startswith(ONES.name):
                        sh._doubt(f"{n} read as a column vector (a lowercase name)")
                return sh
            except ShapeMismatch:
                pass
    first = _infer(equations, layout, declared, {}, defaults, identity)
    if not first.hints or not defaults:
        return _rows_guessed(first, names if defaults else ())
    second = _infer(equations, layout, declared, dict(first.hints), defaults, identity)
    second.doubts = list(dict.fromkeys(
        [d for d in first.doubts if d.endswith("(a lowercase name)")] + second.doubts))
    return _rows_guessed(second, names if defaults else ())


ROW_CONVENTION = "(the row convention)"
ROW_FLIPPED = "(its declaration says only how many entries)"


def _lowercase_names(equations) -> set[str]:
    return {a.name for eq in equations for side in eq if isinstance(side, sympy.Basic)
            for a in side.atoms(Symbol) if not a.is_commutative and _lowercase(a.name)
            and not a.name.startswith(ONES.name)}


def _capital(f) -> bool:
    f = f.args[0] if isinstance(f, Tr) else f
    return isinstance(f, Symbol) and not f.is_commutative and not _lowercase(f.name) and \
        f.name != IDENTITY


def _row_convention(equations) -> str | None:
    """The row convention of batched and NumPy-style texts: a lowercase name written on the
    left of a matrix it multiplies (``x W_1``, ``a_1 W_2``, ``\\delta_3 W_2^T``) is a row, one
    sample (or, batched, a matrix whose rows are the samples).  The product that shows it,
    or None when no product does or one shows the column convention (``W x``, ``W^T\\delta``)."""
    shown = None
    for eq in equations:
        for side in eq:
            if not isinstance(side, sympy.Basic):
                continue
            for m in side.atoms(sympy.Mul):
                nc = [f for f in m.args if not f.is_commutative]
                for a, b in zip(nc, nc[1:]):
                    lower = [isinstance(f, Symbol) and not f.is_commutative and
                             _lowercase(f.name) and not f.name.startswith(ONES.name)
                             for f in (a, b)]
                    if lower[0] and _capital(b):
                        shown = shown or _tex(sympy.Mul(a, b))
                    elif _capital(a) and lower[1]:
                        return None
    return shown


def _rows_read(equations, layout, declared, identity, shown) -> Shapes | None:
    """Every lowercase name a row (the row convention that *shown* writes): a vector the text
    declares (``b ∈ ℝ^n``) is a row of n entries, ``u^T v`` a matrix (a column times a row),
    and a size of the text that counts the rows (the samples N of ``ŷ_{n,i}``) is 1: one
    sample.  None when the shapes do not fit so."""
    names = _lowercase_names(equations) - scalar_names([s for eq in equations for s in eq])
    if not names:
        return None
    rowed, flipped = {}, []
    for n, dims in (declared or {}).items():
        dims = tuple(dims)
        if isinstance(n, str) and _lowercase(n) and not n.startswith(ONES.name) and \
                len(dims) == 2 and (dims[1] == ONE or dims[1] is None) and \
                dims[0] != ONE:
            dims = (ONE, dims[0])          # b ∈ ℝ^n, z_j over 1..m: n entries, a row here
            flipped.append(n)
        rowed[n] = dims
    try:
        sh = _infer(equations, layout, rowed, {n: 0 for n in names}, True, identity,
                    inner=False)
    except ShapeMismatch:
        return None
    for n in sorted(names):
        if n in sh.of and sh.is_one(sh.of[n][0]) and not sh.is_one(sh.of[n][1]):
            sh._doubt(f"{n} read as a row vector, one sample (the text writes {shown}) "
                      f"{ROW_CONVENTION}")
    for n in flipped:
        sh._doubt(f"{n}, of a declared length, read as a row {ROW_FLIPPED} {ROW_CONVENTION}")
    row_dims = {sh.find(sh.of[n][0]) for n in names if n in sh.of}
    for d, v in list(sh.named.items()):
        if sh.find(d) == d and d in row_dims and sh.is_one(d) and isinstance(v, Symbol):
            sh.pinned[v] = ONE
            sh._doubt(f"{v} = 1: the rows of a row vector, one sample {ROW_CONVENTION}")
    return sh


def _rows_guessed(sh: Shapes, names) -> Shapes:
    """As columns these lowercase names did not fit: one the shapes made a row is a guess."""
    for n in sorted(names or ()):
        if n in sh.of and not n.startswith(ONES.name) and sh.is_one(sh.of[n][0]) and \
                not sh.is_one(sh.of[n][1]):
            sh._doubt(f"{n} read as a row vector (a lowercase name)")
    return sh


def _infer(equations, layout, declared, hints, defaults, identity, inner=True) -> Shapes:
    sh = Shapes(layout=layout, hints=hints, defaults=defaults, identity=identity, inner=inner)
    sides = [s for eq in equations for s in eq]
    sh.scalars = scalar_names(sides)
    sh.elsewhere = set().union(*(_outside_numerators(s) for s in sides)) if sides else set()
    sh.targets = {eq[0].name for eq in equations if isinstance(eq[0], Symbol)}
    sh.numerators = {g.args[0].name for s in sides if isinstance(s, sympy.Basic)
                     for g in s.atoms(Grad) if isinstance(g.args[0], Symbol)}
    for name, dims in (declared or {}).items():
        sh.declare(name, dims)
    for eq in equations:
        shapes = [sh.of_expr(s) for s in eq]
        first = next((s for s in shapes if s is not None), None)
        for s in shapes:
            if first is None:
                break
            if s is None:
                s = (sh.new(1), sh.new(1))
            what = (lambda eq=eq: f"the equation {' = '.join(_tex(x) for x in eq)}")
            sh.unify(first[0], s[0], what)
            sh.unify(first[1], s[1], what)
    return sh.finish()


__all__ = ["ROW_CONVENTION", "ROW_FLIPPED", "infer", "scalar_names"]
