"""The context of a claim: definitions from ``--given`` (and a document's), conditions and
assumptions from ``--where``, index ranges, sizes, and the generic quantities a claim
differentiates (an undefined L of y).  Read here, frozen in a :class:`~.notation.Context`; the
verifier (:mod:`symderiv.verify`) and the calculus take it as it is."""
from __future__ import annotations

import functools
from typing import Iterable, Sequence

import sympy
from sympy import Eq, Indexed, IndexedBase, Ne, Symbol

from .calculus import _ancestors
from .functions import _with_catalogue, expand_functions, is_entry_parameter, without_extremum
from .notation import Context, NotationError, Partial, SymderivError, as_expr, base_name
from .notation import size as size_symbol
from .read import IndexRange, LatexError, Notation, read_expr, read_formula
from .read.assumptions import bounds_a_value, read_inequalities

__all__ = ["build_context", "read_condition", "normalize_sizes", "with_generics",
           "is_entry", "entry_symbol", "entries_as_names"]


_NEQ = (r"\neq", r"\ne ", "!=", "≠")


def read_condition(text: str, notation: Notation = Notation()):
    """``i = j``, ``i \\neq j``, ``\\sum_k t_k = 1`` → a SymPy Eq/Ne."""
    for op in _NEQ:
        if op in text:
            a, b = text.split(op, 1)
            return Ne(read_expr(a, notation), read_expr(b, notation))
    f = read_formula(text, notation)
    if len(f.parts) != 2:
        raise LatexError(f"a condition must be one equation or inequation, got {text!r}",
                         hint="write e.g. 'i = j', 'i \\neq j' or '\\sum_k t_k = 1'")
    return Eq(*f.parts)


def _index_ranges(text: str, notation: Notation) -> list:
    """The index-range declarations of a --where text (``1 \\leq j \\leq K``), if that is all
    it says."""
    if not any(op in text for op in ("<", ">", "\\le", "\\ge", "≤", "≥")):
        return []
    try:
        f = read_formula(text, notation)
    except SymderivError:
        return []
    if f.parts or f.conditions or not f.declarations:
        return []
    return [d for d in f.declarations if isinstance(d, IndexRange)]


def build_context(given: Iterable[str] = (), where: Iterable[str] = (),
                  notation: Notation = Notation(), claim_exprs: Sequence = (),
                  size: int | None = None) -> Context:
    """Definitions from ``--given``, conditions from ``--where``, generics from the claim.

    *size* fixes K to a number (a worked example); sums up to K then have that many terms.
    A context built before from the same texts and claim is not built again (a document's
    formulas, each reading of one, share their definitions).
    """
    key = (tuple(given), tuple(where), notation, tuple(claim_exprs), size)
    try:
        hash(key)
    except TypeError:   # a mutable matrix among the claim's parts: not remembered
        return _build_context(*key)
    return _remembered_context(*key)


@functools.lru_cache(maxsize=512)
def _remembered_context(given, where, notation, claim_exprs, size) -> Context:
    return _build_context(given, where, notation, claim_exprs, size)   # a Context is frozen


def _build_context(given, where, notation, claim_exprs, size) -> Context:
    lo, hi = notation.default_range()
    ctx = Context(size=size_symbol(notation.size), lower=notation.lower,
                  top=hi if notation.upper is not None else None, confirmed=notation.confirmed)
    for text in given:
        f = read_formula(text, notation)
        if f.positive:
            ctx = ctx.with_(positive=ctx.positive + f.positive)
        for decl in f.declarations:
            if isinstance(decl, IndexRange):
                lo = decl.lower if decl.lower is not None else ctx.lower
                hi = decl.upper if decl.upper is not None else ctx.upper
                ctx = ctx.with_range(decl.name, lo, hi)
                continue
            for name in getattr(decl, "names", ()):
                if getattr(decl, "shape", ()):
                    ctx = ctx.declare_shape(name, decl.shape)
        if not f.parts and f.declarations:
            continue
        if len(f.parts) != 2:
            raise NotationError(f"a definition is 'name = expression', got {text!r}")
        target, rhs = f.parts
        rhs = without_extremum(expand_functions(rhs, ctx), ctx, f"the definition {text!r}",
                               alias=True)   # m = \max_j z_j: a name for the largest entry
        if is_entry(target):   # O_1 = ...: one entry defined, a name of its own
            target = entry_symbol(target)
        if isinstance(target, sympy.core.function.AppliedUndef):
            params = target.args
            plain = {x for x in rhs.free_symbols if not isinstance(x, Indexed)}
            if (params and all(isinstance(x, Symbol) for x in params)
                    and len(set(params)) == len(params) and set(params) <= plain) or \
                    is_entry_parameter(params, rhs):
                ctx = ctx.with_(functions=ctx.functions + ((str(target.func), params, rhs),))
            target = Symbol(str(target.func))
        ctx = ctx.define(target, rhs)
        ctx = ctx.assume(*f.conditions) if f.conditions else ctx
    ctx = _with_catalogue(ctx, claim_exprs)
    if any(d.name.count("_") and isinstance(d.target, Symbol) for d in ctx.definitions):
        ctx = ctx.with_(definitions=tuple(type(d)(d.target, entries_as_names(d.rhs, ctx))
                                          for d in ctx.definitions))
    if ctx.functions:   # definitions may use a function defined after them
        funcs = tuple((n, ps, expand_functions(b, ctx)) for n, ps, b in ctx.functions)
        ctx = ctx.with_(functions=funcs)
        ctx = ctx.with_(definitions=tuple(type(d)(d.target, expand_functions(d.rhs, ctx))
                                          for d in ctx.definitions))
    conds = []
    for w in where:
        ranges = _index_ranges(w, notation)
        if ranges and bounds_a_value(ranges, tuple(claim_exprs) + tuple(
                d.rhs for d in ctx.definitions)):   # 0 < \alpha < 1 beside \alpha x
            ranges = []
        if ranges:   # "1 \leq j \leq K": where an index runs, not a case condition
            for decl in ranges:
                lo = decl.lower if decl.lower is not None else ctx.lower
                hi = decl.upper if decl.upper is not None else ctx.upper
                ctx = ctx.with_range(decl.name, lo, hi)
            continue
        ineq = read_inequalities(w, notation)   # \delta > 0: an assumption on a real value
        conds.extend(ineq if ineq is not None else [read_condition(w, notation)])
    ctx = ctx.assume(*conds)
    if size is not None:
        ctx = _fix_size(ctx, int(size))
    return with_generics(ctx, claim_exprs)


def _fix_size(ctx: Context, n: int) -> Context:
    """Fix the number of entries to n (a worked example): K = n, or the top index."""
    if n < 1:
        raise NotationError(f"a size must be a positive integer, got {n}")
    if ctx.top is not None and ctx.top.free_symbols:
        (sym,) = ctx.top.free_symbols
        value = sympy.solve(sympy.Eq(ctx.top - ctx.lower + 1, n), sym)  # linear in one size
        sub = {sym: sympy.Integer(value[0])}
    else:
        sub = {ctx.size: sympy.Integer(n)}
    defs = tuple(type(d)(d.target, d.rhs if isinstance(d.rhs, sympy.MatrixBase)
                         else d.rhs.xreplace(sub)) for d in ctx.definitions)
    conds = tuple(c.xreplace(sub) for c in ctx.conditions)
    return ctx.with_(definitions=defs, conditions=conds, size=sympy.Integer(n), top=None)


def with_generics(ctx: Context, exprs: Sequence) -> Context:
    """An undefined name L differentiated as ∂L/∂y_j becomes a generic function of y."""
    deps: dict[str, set[str]] = {}
    # the definitions' derivatives too: after g_i = ∂L/∂y_i, L is a generic function of y
    exprs = tuple(exprs) + tuple(d.rhs for d in ctx.definitions)
    for e in exprs:
        if not isinstance(e, sympy.Basic):
            continue
        for p in e.atoms(Partial):
            f = p.f
            if isinstance(f, sympy.core.function.AppliedUndef):
                f = Symbol(str(f.func))
            if isinstance(f, Symbol) and ctx.definition(str(f)) is None \
                    and not ctx.depends_on(str(f)) and base_name(p.x) != str(f):
                deps.setdefault(str(f), set()).add(base_name(p.x))
    for name, bases in deps.items():
        # drop bases reached through another one (z is reached through y)
        keep = {b for b in bases
                if not any(b in _ancestors(ctx, o) for o in bases if o != b)}
        ctx = ctx.declare_generic(name, sorted(keep))
    return ctx


def normalize_sizes(ctx: Context, parts: Sequence):
    """A plain symbol bounding a sum or an index range (``\\sum_{c=1}^{n}``) is a size.

    The reader makes only the notation's size a positive integer; every other bound ``n``,
    ``m`` must become one too, everywhere, or it would be taken for data.
    """
    bounds = set()

    def scan(e):
        if isinstance(e, sympy.Basic):
            for s in e.atoms(sympy.Sum, sympy.Product):
                for _, lo, hi in s.limits:
                    bounds.update(lo.free_symbols | hi.free_symbols)
    for d in ctx.definitions:
        scan(d.rhs)
    for p in parts:
        scan(p)
    for _, (lo, hi) in ctx.ranges:
        bounds.update(sympy.sympify(lo).free_symbols | sympy.sympify(hi).free_symbols)  # safe: SymPy
    for _, shape in ctx.shapes:
        for d in shape:
            bounds.update(sympy.sympify(d).free_symbols)  # safe: SymPy objects
    # an index letter bounding a sum (\sum_{j=1}^{m}) that no entry uses as an index: a size
    as_index = {ix for e in [d.rhs for d in ctx.definitions] + list(parts)
                if isinstance(e, sympy.Basic) for a in e.atoms(Indexed) for ix in a.indices}
    rep = {b: size_symbol(b.name) for b in bounds
           if isinstance(b, Symbol) and not (b.is_integer and b.is_positive)
           and (not b.is_integer or b not in as_index)}
    if not rep:
        return ctx, list(parts)

    def fix(e):
        return e.xreplace(rep) if isinstance(e, sympy.Basic) else e
    defs = tuple(type(d)(d.target, fix(d.rhs)) for d in ctx.definitions)
    ranges = tuple((n, (fix(sympy.sympify(lo)), fix(sympy.sympify(hi))))  # safe: SymPy
                   for n, (lo, hi) in ctx.ranges)
    shapes = tuple((n, tuple(fix(as_expr(d)) for d in sh)) for n, sh in ctx.shapes)
    ctx = ctx.with_(definitions=defs, ranges=ranges, shapes=shapes,
                    conditions=tuple(fix(c) for c in ctx.conditions))
    return ctx, [fix(p) for p in parts]


def _applied_to_symbols(e, ctx: Context, parts: Sequence):
    """``E(A, T)``, ``L(y, t)``, ``g(x)`` naming a quantity → the symbol E, L, g.

    ML texts write a loss with its inputs; the applied form names the quantity when the
    name is defined, when its arguments are whole vectors, or when the bare name is used
    elsewhere in the claim (``∂L/∂y_j``).  Otherwise ``f(x)`` stays a function of x (the
    quotient rule ``d/dx (f(x)/g(x))``).
    """
    if not isinstance(e, sympy.Basic):
        return e
    bare = set()
    for p in parts:
        if isinstance(p, sympy.Basic):
            bare |= {str(s) for s in p.free_symbols}

    def names_quantity(a) -> bool:
        name = str(a.func)
        # g(x + b) is g at another point, never the quantity g: only names as arguments
        if not all(isinstance(x, (Symbol, IndexedBase, Indexed, sympy.MatrixBase))
                   or x.is_number for x in a.args):
            return False
        return (ctx.definition(name) is not None or name in bare
                or any(isinstance(x, (IndexedBase, sympy.MatrixBase)) for x in a.args))
    return e.replace(lambda a: isinstance(a, sympy.core.function.AppliedUndef)
                     and names_quantity(a), lambda a: Symbol(str(a.func)))


def _conditions_on_indices(ctx: Context, parts: Sequence) -> Context:
    """A condition read alone (``a \\neq b``) names the claim's indices by their letters: use
    the claim's index symbols, so ``p_a`` with ``a \\neq b`` is a case, not unrelated data."""
    idx = {}
    for p in parts:
        if isinstance(p, sympy.Basic):
            for s in p.free_symbols:
                if isinstance(s, Symbol) and s.is_integer and not s.is_positive:
                    idx.setdefault(s.name, s)
    rep = {}
    for c in ctx.conditions:
        for s in c.free_symbols:
            if isinstance(s, Symbol) and s.name in idx and s != idx[s.name] \
                    and not (s.is_integer and s.is_positive):
                rep[s] = idx[s.name]
    if not rep:
        return ctx
    return ctx.with_(conditions=tuple(c.xreplace(rep) for c in ctx.conditions))


def is_entry(e) -> bool:
    """``O_1``, ``w_{12}``: an entry with literal indices."""
    return isinstance(e, Indexed) and all(i.is_Integer for i in e.indices)


def entry_symbol(e: Indexed) -> Symbol:
    """The name of an entry defined on its own (``O_1 = ReLU(...)``): the symbol ``O_1``."""
    idx = ",".join(str(i) for i in e.indices)
    return Symbol(f"{base_name(e)}_{idx}" if len(e.indices) == 1 else f"{base_name(e)}_{{{idx}}}")


def entries_as_names(expr, ctx: Context):
    """Entries with literal indices that the context defines one by one read as those names."""
    if not isinstance(expr, sympy.Basic) or not expr.has(Indexed):
        return expr
    rep = {e: entry_symbol(e) for e in expr.atoms(Indexed)
           if is_entry(e) and ctx.definition(str(entry_symbol(e))) is not None}
    return expr.xreplace(rep) if rep else expr
