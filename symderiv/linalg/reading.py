"""A formula in vector notation, with the definitions it rests on, put in index form.

One reading per layout when the formula differentiates by (or of) a whole vector or matrix:
``∂L/∂W`` has the shape of W in the denominator layout (the ML convention) and of Wᵀ in the
numerator layout; ``∂y/∂z`` is ``J_ij = ∂y_i/∂z_j`` in the numerator layout and its transpose
in the other.  A layout in which the shapes do not fit is no reading.  Each reading gives the
claim's entry (i, j) at free indices over its sizes, and a context whose definitions of whole
names are per entry (``Z = XW + b`` → ``Z_ij = Σ_k X_ik W_kj + b_ij``).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import Symbol

from ..notation import Context, Definition, NotationError, base_name
from .entry_conditions import entry_condition, split_entry_conditions, whole_names
from .index_form import IndexForm
from .objects import Grad, has_matrices
from .inference import ROW_CONVENTION, infer
from .shapes import ONE, ShapeMismatch

LAYOUTS = ("denominator", "numerator", "mixed")
# the doubts of a shape guessed from a weak default (a lowercase name is a vector, a column or,
# where the text writes x W, a row): a refutation through them needs the general reading too
GUESSED = ("(a lowercase name)", ROW_CONVENTION)


@dataclass(frozen=True)
class MatrixReading:
    layout: str | None          # None when no derivative involves a whole vector
    parts: tuple | None         # the claim's entry (i, j), one per side
    ctx: Context | None
    doubts: tuple[str, ...]
    failure: str | None = None  # why this layout is no reading (shapes that do not fit)
    shape: tuple = ()
    general: "MatrixReading | None" = None   # lowercase names not taken for vectors
    declared: bool = False      # the failure is a clash of the text's declared sizes
    conditions: tuple = ()      # the conditions in vector notation, per entry (1×1 ones)
    sizes: tuple = ()           # (size symbol, what it measures): ("n_1", "the length of z")

    @property
    def by_default(self) -> tuple[str, ...]:
        """The doubts of the weak default (a lowercase name is a vector)."""
        return tuple(d for d in self.doubts if d.endswith(GUESSED))


def _matrix_definitions(ctx: Context):
    return [d for d in ctx.definitions if has_matrices(d.rhs) or has_matrices(d.target)]


def relevant(parts, ctx: Context, defs):
    """The definitions the claim rests on (through the definitions graph), not the others:
    a formula of another section whose shapes do not fit is no concern of this claim."""
    names = set()
    for p in parts:
        if isinstance(p, sympy.Basic):
            names |= {str(s) for s in p.free_symbols} | {base_name(a) for a in
                                                         p.atoms(sympy.Indexed)}
    graph = ctx.graph()
    todo = list(names)
    while todo:
        n = todo.pop()
        for m in graph.get(n, ()):
            if m not in names:
                names.add(m)
                todo.append(m)
    return [d for d in defs if d.name in names]


def matrix_readings(parts, ctx: Context, conditions=(), identity=True) -> list[MatrixReading]:
    r"""The index-form readings of a chain *parts* (see the module docstring), with the
    *conditions* in vector notation (``\mathbf 1^T t = 1``) put in index form too.  The mixed
    layout is kept only where it reads the formula differently from the other two."""
    defs = relevant(parts, ctx, _matrix_definitions(ctx))
    ctx = ctx.with_(definitions=tuple(d for d in ctx.definitions
                                      if d in defs or d not in _matrix_definitions(ctx)))
    grads = any(p.atoms(Grad) for p in list(parts) + [d.rhs for d in defs]
                if isinstance(p, sympy.Basic))
    out = []
    for layout in (LAYOUTS if grads else (None,)):
        try:
            try:
                r = _reading(parts, ctx, defs, layout or "denominator", layout, conditions,
                             identity=identity)
            except ShapeMismatch:
                # the lowercase default may be what does not fit: names as general matrices
                r = _reading(parts, ctx, defs, layout or "denominator", layout, conditions,
                             defaults=False, identity=identity)
            if layout == "mixed" and any(o.parts == r.parts and o.ctx == r.ctx and
                                         o.conditions == r.conditions for o in out):
                continue        # the mixed layout reads it as one of the others does
            out.append(r)
        except ShapeMismatch as err:
            if layout == "mixed" and any(o.failure is not None for o in out):
                continue        # it fails where one of the others fails
            out.append(MatrixReading(layout, None, None, (), failure=str(err),
                                     declared=err.declared))
        except (NotationError, NotImplementedError, ValueError, TypeError) as err:
            out.append(MatrixReading(layout, None, None, (),
                                     failure=f"not read in vector notation ({err})"))
    return out


def _reading(parts, ctx, defs, layout, shown, conditions=(), defaults=True,
             identity=True) -> MatrixReading:
    def_eqs = [(Symbol(d.name, commutative=False), d.rhs) for d in defs]
    # conditions on entries (Σ_k y_k = 1): put in index form once the shapes are known
    per_entry, conditions = split_entry_conditions(conditions, whole_names(
        list(parts) + [d.rhs for d in ctx.definitions]))
    cond_eqs = [(c.lhs, c.rhs) for c in conditions if isinstance(c, sympy.Eq)]
    if len(cond_eqs) != len(conditions):
        raise NotationError("a condition in vector notation that is not an equation")
    identity = identity and ctx.definition("I") is None
    declared = dict(ctx.shapes)
    lengths = _entry_lengths(list(parts) + [d.rhs for d in ctx.definitions], ctx)
    declared.update(lengths)
    sh = infer(def_eqs + cond_eqs + [tuple(parts)], layout, declared=declared,
               defaults=defaults, identity=identity)
    sh.grids = {n for n, dims in lengths.items() if dims[1] is not None}
    if def_eqs:
        _forced(infer(def_eqs, layout, declared=declared, defaults=defaults,
                      identity=identity), sh)
    general = None
    if defaults and any(d.endswith(GUESSED) for d in sh.doubts):
        try:
            general = _reading(parts, ctx, defs, layout, shown, conditions, defaults=False,
                               identity=identity)
        except (ShapeMismatch, NotationError) as err:
            general = MatrixReading(shown, None, None, (), failure=str(err))
    names = set()
    for e in [p for p in parts] + [d.rhs for d in ctx.definitions]:
        if isinstance(e, sympy.Basic):
            names |= {str(s) for s in e.atoms(Symbol)}   # bound ones too (Σ_i)
    form = IndexForm(sh, avoid=names)
    r, c = form.shape(parts[0])
    i, j = form.fresh(r, "i"), form.fresh(c, "j")
    entries = tuple(form.entry(p, i, j) for p in parts)
    new_defs = []
    for d in ctx.definitions:
        if d not in defs:
            new_defs.append(d)
            continue
        target = Symbol(d.name, commutative=False)
        dr, dc = form.shape(target)
        a, b = form.fresh(dr, "a"), form.fresh(dc, "b")
        new_defs.append(Definition(form.name_entry(d.name, a, b), form.entry(d.rhs, a, b)))
    conds = []
    for a, b in cond_eqs:
        if form.shape(a) != (ONE, ONE):
            raise NotationError(f"the condition {a} = {b} is not a number: write it per entry")
        conds.append(sympy.Eq(form.entry(a, ONE, ONE), form.entry(b, ONE, ONE)))
    left = [e for e in entries + tuple(d.rhs for d in new_defs) + tuple(conds)
            if has_matrices(e)]
    if left:
        raise ShapeMismatch(f"{left[0]} is not read in vector notation")
    # a number named as a declared size (1/n beside x ∈ ℝ^n) is that size
    named = {str(v): v for v in sh.named.values() if isinstance(v, Symbol)}

    pinned = {str(v): n for v, n in sh.pinned.items()}   # N = 1: one sample, a row
    # a size the text names (C classes) that the shapes make a number (b ∈ ℝ^2): that number
    pinned.update({str(v): sh.value[sh.find(d)] for d, v in sh.named.items()
                   if isinstance(v, Symbol) and sh.find(d) in sh.value and str(v) not in pinned})
    # ŷ_{n,i} of a ŷ read as one row (n = 1, its only value): the entry ŷ_i of the row
    flat = {n: (0 if sh.is_one(sh.of[n][1]) else 1) for n in sh.grids
            if n in sh.of and (sh.is_one(sh.of[n][0]) or sh.is_one(sh.of[n][1]))}

    def sized(e):
        if not isinstance(e, sympy.Basic):
            return e
        if flat:
            e = e.replace(lambda a: isinstance(a, sympy.Indexed) and len(a.indices) == 2 and
                          str(a.base.label) in flat,
                          lambda a: a.base[a.indices[flat[str(a.base.label)]]])
        rep = {a: pinned[a.name] for a in e.free_symbols
               if isinstance(a, Symbol) and a.name in pinned}
        rep.update({a: named[a.name] for a in e.free_symbols
                    if isinstance(a, Symbol) and a.name in named and a != named[a.name]
                    and a.name not in pinned})
        e = e.xreplace(rep) if rep else e
        return _one_term_sums(e) if pinned else e
    entries = tuple(sized(e) for e in entries)
    new_defs = [Definition(d.target, sized(d.rhs)) for d in new_defs]
    conds = [sized(c) for c in conds]
    doubts = list(sh.doubts)
    for c in per_entry:
        got, why = entry_condition(c, form, sized, names)
        conds.append(got)
        doubts += why
    ranges = tuple((k, tuple(sized(sympy.sympify(x)) for x in lims))  # safe: SymPy objects
                   for k, lims in ctx.ranges) + tuple(form.ranges.items())
    # the declarations are in the index ranges now: the entries are decided as scalars
    # (positive quantities written whole, log softmax(z), are positive entry by entry: their
    # entries are the index form's, so the whole names are no assumption of it)
    new = ctx.with_(definitions=tuple(new_defs), ranges=ranges, shapes=(),
                    positive=tuple(q for q in ctx.positive if not has_matrices(q)))
    ends = {hi for _, (_, hi) in form.ranges.items() if isinstance(hi, Symbol)}
    if len(ends) == 1 and all(e.is_integer and e.is_positive for e in ends) and \
            not any(isinstance(hi, Symbol) and hi not in ends for _, (_, hi) in ctx.ranges):
        new = new.with_(size=next(iter(ends)))   # one size: the counterexample's size is it
    # the layout is a convention, not a doubt about the text: combine_layouts names it
    return MatrixReading(shown, entries, new, tuple(doubts), shape=(r, c), general=general,
                         conditions=tuple(conds), sizes=_size_names(sh))


def _one_term_sums(e):
    """Σ_{n=1}^{1} f(n) = f(1): the sum over the samples of one sample."""
    def one(s):
        keep, rep = [], {}
        for x, lo, hi in s.limits:
            if lo == hi:
                rep[x] = lo
            else:
                keep.append((x, lo, hi))
        body = s.function.xreplace(rep)
        return sympy.Sum(body, *keep) if keep else body
    return e.replace(lambda a: isinstance(a, sympy.Sum) and any(lo == hi for _, lo, hi in
                                                                a.limits), one)


def _size_names(sh) -> tuple:
    """What each size symbol of a reading measures: ("n_1", "the length of y and z")."""
    out: dict = {}
    for name, dims in sh.of.items():
        if not isinstance(name, str) or name in sh.scalars or name.startswith("\\mathbf{1}"):
            continue
        r, c = (sh.dim(d) for d in dims)
        for d, what in ((r, "rows"), (c, "columns")):
            if isinstance(d, Symbol):
                other = c if what == "rows" else r
                out.setdefault(str(d), []).append(
                    f"the length of {name}" if other == ONE else f"the {what} of {name}")
    return tuple((k, " and ".join(dict.fromkeys(v))) for k, v in sorted(out.items()))


def _entry_lengths(exprs, ctx: Context) -> dict:
    """A vector written whole and by its entries (``1^T x = Σ_i x_i``): its length is the
    range its entries run over (the sum's, else the text's size), not a size of its own."""
    whole, lengths, grids = set(), {}, {}
    for e in exprs:
        if not isinstance(e, sympy.Basic):
            continue
        whole |= {s.name for s in e.atoms(Symbol) if not s.is_commutative}
        every: dict = {}       # the bound of each summation index (nested sums too)
        for s in e.atoms(sympy.Sum):
            for v, lo, hi in s.limits:
                every.setdefault(v, set()).add(hi if lo == 1 else None)
            for a in s.function.atoms(sympy.Indexed):
                for v, lo, hi in s.limits:
                    if len(a.indices) == 1 and a.indices[0] == v and lo == 1:
                        lengths.setdefault(str(a.base.label), hi)
        bounds = {v: next(iter(his)) for v, his in every.items()
                  if len(his) == 1 and None not in his}
        for s in e.atoms(sympy.Sum):
            for a in s.function.atoms(sympy.Indexed):
                if len(a.indices) == 2 and all(x in bounds for x in a.indices) and \
                        a.indices[0] != a.indices[1]:
                    # Σ_n Σ_i y_{n,i} log ŷ_{n,i}: ŷ has N rows (the samples) and C columns
                    grids.setdefault(str(a.base.label), tuple(bounds[x] for x in a.indices))
        for a in e.atoms(sympy.Indexed):
            if len(a.indices) == 1 and a.indices[0].is_Symbol:
                lo, hi = ctx.range_of(a.indices[0])
                if lo == 1:
                    lengths.setdefault(str(a.base.label), hi)
    out = {name: (n, None) for name, n in lengths.items() if name in whole}
    out.update({name: dims for name, dims in grids.items() if name in whole and name not in out
                and all(isinstance(d, Symbol) for d in dims) and dims[0] != dims[1]})
    return out


def _forced(alone, both):
    """The claim must not make the definitions' shapes agree where they need not: a reading
    that fits only when two sizes are equal (or a size is a number) is no reading.  That a
    vector is a column (a size 1) is the claim's to say."""
    keys = [(n, ax) for n in alone.of if isinstance(n, str) and n in both.of for ax in (0, 1)]
    roots: dict = {}
    for n, ax in keys:
        r0 = alone.find(alone.of[n][ax])
        r1 = both.find(both.of[n][ax])
        other = both.find(both.of[n][1 - ax])
        if r0 not in alone.value and r1 in both.value and (
                both.value[r1] != ONE or both.value.get(other) == ONE and
                alone.value.get(alone.find(alone.of[n][1 - ax])) != ONE):
            # a size 1 is the claim's to say only where it makes a vector, not a number
            raise ShapeMismatch(f"the shapes fit only if {_dim_of(n, ax)} is "
                                f"{both.value[r1]}")
        if r1 in roots and roots[r1][0] != r0 and not (
                alone.value.get(r0) is not None and
                alone.value.get(r0) == alone.value.get(roots[r1][0])):   # both 1 already
            other = roots[r1][1]
            raise ShapeMismatch(f"the shapes fit only if {_dim_of(*other)} equals "
                                f"{_dim_of(n, ax)}")
        roots.setdefault(r1, (r0, (n, ax)))


def _dim_of(name, ax) -> str:
    return f"the number of {'rows' if ax == 0 else 'columns'} of {name}"


__all__ = ["MatrixReading", "matrix_readings"]
