"""Whole vectors and matrices: worked examples at concrete sizes, and shape algebra.

Texts mix index notation (``y_i``) with vector notation (``A^{O} - T``, ``∂E/∂Z`` as a row,
``∂A/∂Z`` as a Jacobian, ``(0, -2) * J``).  :func:`materialize` turns an expression holding
whole vectors into explicit SymPy matrices at a concrete size (row vectors, as the texts write
them), so a worked example is decided exactly.  :func:`shape_of` computes shapes from
declarations such as ``W ∈ ℝ^{m×n}`` and reports products and sums that do not fit.
"""
from __future__ import annotations

import itertools

import sympy
from sympy import Indexed, IndexedBase, Matrix, MatrixBase, Symbol

from . import calculus
from .notation import Context, Partial, SymderivError, base_name

__all__ = ["materialize", "has_vectors", "ShapeError", "TensorShape", "shape_of",
           "vector_names"]


class ShapeError(ValueError, SymderivError):
    """Shapes that cannot be combined (the message names both)."""


class TensorShape(ShapeError):
    """A quantity with more than two indices: matrix notation cannot hold it."""


def to_tex(e) -> str:
    from .printer import to_latex
    return to_latex(e)


def has_vectors(e) -> bool:
    if isinstance(e, MatrixBase):
        return True
    if not isinstance(e, sympy.Basic):
        return False
    return bool(e.atoms(IndexedBase) - {a.base for a in e.atoms(Indexed)}) or any(
        isinstance(p.x, IndexedBase) or isinstance(p.f, IndexedBase) for p in e.atoms(Partial))


def vector_names(e) -> set[str]:
    return {str(b.label) for b in e.atoms(IndexedBase)} - {base_name(a) for a in e.atoms(Indexed)}


def _entries(ctx: Context, v: IndexedBase, n: int) -> list:
    """The n entries of a whole vector: its value, its per-index definition, or leaves."""
    lo = ctx.lower
    d = ctx.definition(str(v.label))
    if d is not None and isinstance(d.rhs, MatrixBase):
        vals = list(d.rhs)
        if len(vals) != n:
            raise ShapeError(f"{v.label} has {len(vals)} entries but the size is {n}")
        return vals
    return [v[lo + r] for r in range(n)]


def materialize(e, ctx: Context, n: int):
    """*e* with whole vectors as explicit 1×n rows and ∂vector/∂vector as n×n Jacobians."""
    if isinstance(e, MatrixBase):
        return e.applyfunc(lambda x: materialize(x, ctx, n))
    if not isinstance(e, sympy.Basic) or not e.args and not isinstance(e, IndexedBase):
        return e
    if isinstance(e, Indexed):
        return e
    if isinstance(e, IndexedBase):
        return Matrix([_entries(ctx, e, n)])
    if isinstance(e, Partial):
        f, x = e.f, e.x
        if isinstance(x, IndexedBase):
            xs = _entries(ctx, x, n)
            if any(not isinstance(v, Indexed) for v in xs):
                xs = [x[ctx.lower + r] for r in range(n)]
            if isinstance(f, IndexedBase):
                fs = _entries(ctx, f, n) if ctx.definition(str(f.label)) is None or \
                    not isinstance(ctx.definition(str(f.label)).rhs, MatrixBase) else \
                    [f[ctx.lower + r] for r in range(n)]
                return Matrix(n, n, lambda r, c: Partial(fs[r], xs[c]))
            return Matrix([[Partial(f, v) for v in xs]])
        return e
    args = [materialize(a, ctx, n) for a in e.args]
    if not any(isinstance(a, MatrixBase) for a in args):
        return e.func(*args) if any(a is not b for a, b in zip(args, e.args)) else e
    if isinstance(e, sympy.Add):
        out = args[0]
        for a in args[1:]:
            out = _add(out, a)
        return out
    if isinstance(e, sympy.Mul):
        out = args[0]
        for a in args[1:]:
            out = _mul(out, a)
        return out
    if isinstance(e, sympy.Pow) and isinstance(args[0], MatrixBase):
        raise ShapeError(f"power of a vector or matrix: {e}")
    if isinstance(e, sympy.Function) or isinstance(e, sympy.log):
        if len(args) == 1 and isinstance(args[0], MatrixBase):
            return args[0].applyfunc(e.func)  # ln(A) of a vector: entrywise
    raise ShapeError(f"cannot combine vectors in {type(e).__name__} ({e})")


def _add(a, b):
    if isinstance(a, MatrixBase) and isinstance(b, MatrixBase):
        if a.shape != b.shape:
            raise ShapeError(f"cannot add a {a.rows}×{a.cols} and a {b.rows}×{b.cols} array")
        return a + b
    raise ShapeError("cannot add a vector and a scalar")


def _mul(a, b):
    """a·b for arrays.  SymPy keeps commutative factors sorted, not in the order written,
    so the order that fits is used; when both orders fit and differ it is ambiguous."""
    am, bm = isinstance(a, MatrixBase), isinstance(b, MatrixBase)
    if am and bm:
        fits = [(p, q) for p, q in ((a, b), (b, a)) if p.cols == q.rows]
        if not fits:
            raise ShapeError(f"cannot multiply a {a.rows}×{a.cols} by a {b.rows}×{b.cols} array")
        products = {(p * q).as_immutable() for p, q in fits}
        if len(products) > 1:
            raise ShapeError("the order of a product of two square arrays is not recoverable "
                             "from the reading; write the product with explicit indices")
        return products.pop()
    return a * b  # scalar times array


def instantiate_defs(ctx: Context, n: int) -> Context:
    """Definitions with their sums over the default range written out at size n."""
    sub = {ctx.size: sympy.Integer(n)}
    defs = []
    for d in ctx.definitions:
        rhs = d.rhs if isinstance(d.rhs, MatrixBase) else d.rhs.xreplace(sub).doit()
        defs.append(type(d)(d.target, rhs))
    return ctx.with_(definitions=tuple(defs), size=sympy.Integer(n))


def evaluate_entries(m, ctx: Context) -> Matrix:
    """Evaluate derivative nodes and definitions entry by entry (explicit sums)."""
    def one(x):
        x = calculus.evaluate_partials(x, ctx)
        x = calculus.expand_definitions(x, ctx)
        return sympy.simplify(x.doit())
    return m.applyfunc(one) if isinstance(m, MatrixBase) else one(m)


# ---------------------------------------------------------------------------------------
# shapes
def shape_of(e, shapes: dict):
    """The shape of a vector-notation expression: () scalar, (r, c) otherwise.

    *shapes* maps names to shapes: ``{"W": (m, n), "x": (n, 1)}``; undeclared names are
    scalars; ``∂s/∂V`` for a scalar s has V's shape (the layout of gradients).
    """
    if isinstance(e, MatrixBase):
        return e.shape
    if isinstance(e, (Symbol, IndexedBase)):
        return shapes.get(str(e.label if isinstance(e, IndexedBase) else e), ())
    if isinstance(e, Indexed) or e.is_Number:
        return ()
    if isinstance(e, Partial):
        fs, xs = shape_of(e.f, shapes), shape_of(e.x, shapes)
        if fs == ():
            return xs
        if xs == ():
            return fs
        if fs[1] == 1 and xs[1] == 1:
            return (fs[0], xs[0])  # Jacobian of a column by a column
        raise TensorShape(f"∂{to_tex(e.f)}/∂{to_tex(e.x)} has more than two indices "
                          f"(∂ of a {_fmt(fs)} array by a {_fmt(xs)} array)")
    if isinstance(e, sympy.Add):
        found = [shape_of(a, shapes) for a in e.args]
        nonscalar = {s for s in found if s != ()}
        if len(nonscalar) > 1:
            a, b = sorted(nonscalar, key=str)[:2]
            raise ShapeError(f"cannot add shapes {_fmt(a)} and {_fmt(b)}")
        return nonscalar.pop() if nonscalar else ()
    if isinstance(e, sympy.Mul):
        arrays = [s for s in (shape_of(a, shapes) for a in e.args) if s != ()]
        if not arrays:
            return ()
        # SymPy sorts commutative factors: accept any order in which the shapes chain
        for order in itertools.permutations(arrays):
            out = order[0]
            for s in order[1:]:
                if sympy.simplify(out[1] - s[0]) != 0:
                    break
                out = (out[0], s[1])
            else:
                return out
        raise ShapeError("cannot multiply shapes " + " and ".join(_fmt(s) for s in arrays))
    return ()


def _fmt(s) -> str:
    return "scalar" if s == () else f"{s[0]}×{s[1]}"


def entrywise_reading(parts, ctx: Context):
    """``∂L/∂y_{pred} = \\frac{2}{N}(y_{pred} - y_{true})`` where the definitions write only the
    entries ``y_{pred_i}``: the bare names are those vectors, and the claim is read entry by
    entry (the NumPy habit of the texts) — (parts, doubt), or None when no name is such a
    vector.  When the arities differ, or the differentiated quantity is itself such a vector
    (which of its entries is meant?), (None, why): no reading is sure enough to decide."""
    g = ctx.graph()
    todo = [str(s) for p in parts if isinstance(p, sympy.Basic) for s in p.free_symbols]
    todo += [base_name(e) for p in parts if isinstance(p, sympy.Basic) for e in p.atoms(Indexed)]
    near: set = set()   # the definitions the claim rests on, not the whole text's
    while todo:
        n = todo.pop()
        if n not in near:
            near.add(n)
            todo.extend(g.get(n, ()))
    rhs = [d.rhs for d in ctx.definitions if isinstance(d.rhs, sympy.Basic) and d.name in near]
    bases = {base_name(e) for x in rhs for e in x.atoms(Indexed)}
    scalars = {str(s) for e in rhs for s in e.free_symbols
               if not isinstance(s, Indexed)} - bases
    defined = {d.name for d in ctx.definitions if not isinstance(d.target, Indexed)} | \
        {g for g, _ in ctx.generic}   # (z defined by its entries z_i is a vector here)
    found: dict = {}   # bare name → the arity its entries have in the definitions
    own_entries: dict = {}   # bare name → the index tuples the claim writes it with
    if not all(isinstance(p, sympy.Basic) and p.is_commutative for p in parts):
        return None   # vector notation (matrices, transposes): its own reading
    defined |= {n for n, _ in ctx.shapes}   # declared shapes: read in vector notation
    written: dict = {}
    for p in parts:
        for e in p.atoms(Indexed):
            written.setdefault(base_name(e), set()).add(e.indices)
    whole = {a for p in parts for f in p.atoms(sympy.core.function.AppliedUndef)
             for a in f.args if isinstance(a, Symbol)}   # LSE(z), softmax(z)_j: the vector
    for p in parts:
        masked = p.xreplace({e: sympy.Dummy() for e in p.atoms(Indexed)})
        masked = masked.xreplace({e: sympy.Dummy() for e in masked.atoms(IndexedBase)})
        for s in masked.free_symbols:   # written bare (not only as the label of y[i])
            if not isinstance(s, Symbol) or s.is_integer or isinstance(s, sympy.Dummy) or \
                    str(s) in defined | scalars or s in whole:
                continue
            if str(s) in written:   # ∂L/∂y = 2(y_j − t_j): y beside its own entry y_j
                own_entries[s] = written[str(s)]
                continue
            uses = {len(e.indices) for e in rhs for e in e.atoms(Indexed)
                    if base_name(e) == str(s)}
            uses |= {len(d.target.indices) for d in ctx.definitions   # z_i = Σ_j W_ij x_j
                     if isinstance(d.target, Indexed) and base_name(d.target) == str(s)}
            if len(uses) == 1:
                found[s] = uses.pop()
    if not found and not own_entries:
        return None
    names = ", ".join(sorted(str(s) for s in set(found) | set(own_entries)))
    unsure = (None, f"{names} written bare, while {'it is' if ',' not in names else 'they are'}"
                    " also written by entries: which entries are meant is not clear")
    if len(set(found.values())) > 1 or any(len(t) != 1 for t in own_entries.values()):
        return unsure
    summed = {x for p in parts for sm in p.atoms(sympy.Sum) for x in
              sm.function.xreplace({e: sympy.Dummy() for e in sm.function.atoms(Indexed)})
              .free_symbols}
    if summed & (set(found) | set(own_entries)):
        return unsure   # Σ_i W_ij ∂L/∂z: z_i of the sum, or another entry?
    for p in parts:
        for d in p.atoms(Partial):
            f = d.f
            own = ctx.definition(base_name(f)) if isinstance(f, (Symbol, Indexed)) else None
            if f in found or f in own_entries or (
                    own is not None and isinstance(own.target, Indexed)) or (
                    isinstance(f, Symbol) and any(base_name(e) == str(f)
                                                  for e in rhs for e in e.atoms(Indexed))):
                return unsure   # L_i defined entry by entry: which L is differentiated?
            if d.x in own_entries and isinstance(f, Indexed) and base_name(f) == str(d.x):
                return unsure   # ∂y_j/∂y: an entry by the whole vector, a Jacobian row?
    rep = {s: IndexedBase(str(s))[next(iter(t))] for s, t in own_entries.items()}
    if found:
        taken = {str(s) for p in parts for s in p.free_symbols}
        example = next((e for e in rhs for e in e.atoms(Indexed)
                        if base_name(e) in map(str, found)),
                       next((d.target for d in ctx.definitions if isinstance(d.target, Indexed)
                             and base_name(d.target) in map(str, found)), None))
        if example is None:
            return unsure
        idx = []
        arity = len(example.indices)
        theirs = {t for ts in written.values() for t in ts
                  if len(t) == arity and all(isinstance(i, Symbol) for i in t)}
        if len(theirs) == 1:   # 2y_i − 2t: t is read at the claim's own entry, t_i
            idx = list(theirs.pop())
        for i in (() if idx else example.indices):
            if not isinstance(i, Symbol) or str(i) in taken | {str(j) for j in idx}:
                from .notation import fresh_index, index
                i = fresh_index(index(str(i) if isinstance(i, Symbol) else "i"),
                                taken | {str(j) for j in idx})
            idx.append(i)
        if own_entries and any(len(t) for t in own_entries.values()) and \
                len({next(iter(t)) for t in own_entries.values()} | {tuple(idx)}) > 1:
            return unsure   # two different entries would be meant
        rep.update({s: IndexedBase(str(s))[tuple(idx)] for s in found})
    shown = rep[min(rep, key=str)]

    def bare(p):   # y → y_j where y is written bare, never the y of y[j]
        mask = {e: sympy.Dummy() for e in p.atoms(Indexed)}
        back = {d: e for e, d in mask.items()}
        return p.xreplace(mask).xreplace(rep).xreplace(back)
    return ([bare(p) for p in parts],
            f"{names} read entry by entry ({to_tex(shown)}), as the "
            "definitions and the claim write them")
