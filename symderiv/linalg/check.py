"""Deciding a formula in vector notation: each layout reading in index form is decided by the
scalar route (a callback, so this stage needs no import of the API), and the layouts are
combined by :func:`symderiv.verify.verdict.combine_layouts`."""
from __future__ import annotations

from dataclasses import replace

import sympy
from sympy import Indexed, Symbol
from sympy.core.function import AppliedUndef

from ..notation import Context, Definition, Partial
from ..verify.verdict import (HOLDS, Verdict, combine_layouts, combine_readings,
                              conditions_unread, shape_refuted, undecided)

from .objects import ONES, Diag, Grad, has_matrices, mat
from .differentials import (DifferentialError, chain_substitutions, differential_readings,
                            held_fixed)
from .contraction import chain_contractions
from .declared import declaration_alternatives
from .entry_conditions import split_entry_conditions, whole_names
from .reading import matrix_readings
from .written import named_applications
from .inference import ROW_CONVENTION, ROW_FLIPPED


def _distinct_ones(e, count: list):
    """Each ``\\mathbf{1}`` its own vector of ones (its length is its context's)."""
    if e == ONES:
        count[0] += 1
        return Symbol(f"{ONES.name}_{{{count[0]}}}", commutative=False)
    if not isinstance(e, sympy.Basic) or not e.args or e.is_commutative and not e.has(ONES):
        return e
    return e.func(*(_distinct_ones(a, count) for a in e.args))


def normalize_ops(e, count=None):
    """``\\mathrm{diag}(v)`` read as a function → :class:`Diag`; each ``\\mathbf{1}`` a
    vector of its own."""
    if not isinstance(e, sympy.Basic):
        return e
    if e.has(ONES):
        e = _distinct_ones(e, count if count is not None else [0])
    return e.replace(lambda x: isinstance(x, AppliedUndef) and len(x.args) == 1 and
                     str(x.func) in ("diag", "Diag") and not x.args[0].is_commutative,
                     lambda x: Diag(x.args[0]))


def _index_symbols(e) -> set:
    return {x for x in e.free_symbols if isinstance(x, Symbol) and x.is_integer and
            not x.is_positive}


def sum_scope(parts):
    """``Σ_i a_i − b x_i`` where the claim's other sides know no i: the sum runs over the
    terms after it that use its index too, ``Σ_i (a_i − b x_i)`` — with i free outside the
    sum the side would depend on an index the other sides do not have (no well-typed
    reading).  A sum is extended only over the terms of its own sum that use its index."""
    out = list(parts)
    for n, p in enumerate(parts):
        if not isinstance(p, sympy.Basic):
            continue
        others = set()
        for m, q in enumerate(parts):
            if m != n and isinstance(q, sympy.Basic):
                others |= _index_symbols(q)

        def widen(add):
            sums = [t for t in add.args if isinstance(t, sympy.Sum) and len(t.limits) == 1]
            if len(sums) != 1:
                return add
            var = sums[0].limits[0][0]
            if var in others:
                return add
            rest = [t for t in add.args if t is not sums[0]]
            inside = [t for t in rest if var in t.free_symbols]
            if not inside:
                return add
            outside = [t for t in rest if var not in t.free_symbols]
            body = sympy.Add(sums[0].function, *inside)
            return sympy.Add(sympy.Sum(body, *sums[0].limits), *outside)
        out[n] = p.replace(lambda a: isinstance(a, sympy.Add) and any(
            isinstance(t, sympy.Sum) for t in a.args), widen)
    return out


def sum_bounds(parts, ctx: Context):
    """A sum's bound is a size (``\\sum_{i=1}^{n}``: n a positive integer, not a whole vector),
    and a bound the definitions write in the other case (``\\sum_{i=1}^{N}`` in the loss) is
    read as theirs, with a doubt: (parts, doubts)."""
    theirs = {}
    for d in ctx.definitions:
        if isinstance(d.rhs, sympy.Basic):
            for s_ in d.rhs.atoms(sympy.Sum):
                for _, _, hi in s_.limits:
                    if isinstance(hi, Symbol) and hi.is_integer and hi.is_positive:
                        theirs.setdefault(hi.name.lower(), hi)
    doubts, rep = [], {}
    for p in parts:
        if not isinstance(p, sympy.Basic):
            continue
        for s_ in p.atoms(sympy.Sum):
            for _, _, hi in s_.limits:
                if not isinstance(hi, Symbol) or hi.is_integer and hi.is_positive or hi in rep:
                    continue
                other = theirs.get(hi.name.lower())
                if other is not None and other.name != hi.name:
                    rep[hi] = other
                    doubts.append(f"{hi.name} read as {other.name} (the bound of the sum in "
                                  "the definitions)")
                else:
                    rep[hi] = Symbol(hi.name, integer=True, positive=True)

    def bounds(e):
        return e.replace(lambda a: isinstance(a, sympy.Sum) and any(
            hi in rep for _, _, hi in a.limits), lambda a: sympy.Sum(a.function, *[
                (x, lo, rep.get(hi, hi)) for x, lo, hi in a.limits]))
    if not rep:
        return list(parts), doubts
    return [bounds(p) if isinstance(p, sympy.Basic) else p for p in parts], doubts


def uses_matrices(parts, ctx: Context) -> bool:
    return any(has_matrices(p) or isinstance(p, sympy.FunctionMatrix) for p in parts) or any(
        has_matrices(d.rhs) or has_matrices(d.target) for d in ctx.definitions)


def _written_jacobians(parts, ctx: Context):
    r"""``∂y/∂z = [a matrix written with \dots]``: y and z are whole vectors (the matrix is
    their Jacobian), in the claim and in the definitions."""
    if not any(isinstance(p, sympy.FunctionMatrix) for p in parts):
        return parts, ctx
    parts, ctx = named_applications(parts, ctx)   # ∂ Softmax(Z)/∂Z: its Jacobian
    names = {s.name for p in parts if isinstance(p, sympy.Basic) for d in p.atoms(Partial)
             for s in (d.f, d.x) if isinstance(s, Symbol) and s.is_commutative}
    if not names:
        return parts, ctx
    rep = {Symbol(n, **a): mat(n) for n in names
           for a in ({}, {"real": True}, {"integer": True})}

    def whole(e):
        if not isinstance(e, sympy.Basic) or isinstance(e, sympy.FunctionMatrix):
            return e
        e = e.replace(lambda x: isinstance(x, Partial) and isinstance(x.f, Symbol) and
                      isinstance(x.x, Symbol) and {x.f.name, x.x.name} <= names,
                      lambda x: Grad(mat(x.f.name), mat(x.x.name)))
        return e.xreplace({k: v for k, v in rep.items() if k in e.free_symbols})
    parts = [whole(p) for p in parts]
    defs = tuple(Definition(d.target, whole(d.rhs)) if not isinstance(d.target, Indexed)
                 else d for d in ctx.definitions)
    return parts, ctx.with_(definitions=defs)


LAYOUT_TEXT = {
    "denominator": "the denominator layout (∂L/∂X shaped as X, ∂y/∂x the transposed Jacobian)",
    "numerator": "the numerator layout (∂L/∂X shaped as Xᵀ, ∂y/∂x the Jacobian ∂y_i/∂x_j)",
    "mixed": "the mixed layout (gradients ∂L/∂X shaped as X, Jacobians ∂y/∂x as ∂y_i/∂x_j)",
}
ROW_DEFAULT = "read as a row vector (a lowercase name)"
IDENTITY_DOUBT = "I read as the identity matrix"


def _as_read(parts, ctx: Context) -> Context:
    """``Z = W X + b`` checked in vector notation against its own definition read with
    numbers (capitals side by side: both readings): the definition read as the claim is."""
    if len(parts) != 2 or not isinstance(parts[0], Symbol) or parts[0].is_commutative or \
            not isinstance(parts[1], sympy.Basic):
        return ctx
    name = parts[0].name
    scalar = {s: Symbol(s.name) for s in parts[1].atoms(Symbol) if not s.is_commutative}
    defs = tuple(Definition(parts[0], parts[1]) if d.name == name and d.target == Symbol(name)
                 and not has_matrices(d.rhs) and parts[1].xreplace(scalar) == d.rhs else d
                 for d in ctx.definitions)
    return ctx.with_(definitions=defs) if defs != ctx.definitions else ctx


def check_matrix(parts, ctx: Context, decide, **kw):
    """The verdict of *parts* (a chain) with whole vectors, via ``decide(parts, ctx, **kw)``:
    each reading of its differentials (:func:`differential_readings`) decided, then
    combined."""
    aside = declaration_alternatives(parts, ctx)   # x, b ∈ ℝ^n where y = Wx + b: b ∈ ℝ^m
    if aside is not None:
        return _declarations_aside(parts, aside, decide, kw)
    held = [c for c in tuple(ctx.conditions) + tuple(kw.get("conditions") or ())
            if has_matrices(c)]
    held += _entry_held(parts, ctx, kw, held)   # Σ_k y_k = 1 of the whole y: per reading
    fixed = held_fixed(held)            # dW = 0: the prose holds W fixed for this formula
    held = [c for c in held if not held_fixed((c,))]
    count = [0]
    parts, ctx = _written_jacobians(parts, ctx)
    parts, bound_doubts = sum_bounds(sum_scope(parts), ctx)
    parts = [normalize_ops(p, count) for p in parts]
    parts = [chain_contractions(p) for p in parts]   # ∂L/∂y ∂y/∂W: summed over y's index
    parts = [_defined_applications(p, ctx) for p in parts]   # ℓ(θ) where ℓ = ... is defined
    ctx = _as_read(parts, ctx)
    v = _check_readings(parts, ctx, decide, held, fixed, count, kw)
    if not bound_doubts:
        return v
    if v.status == "refuted":       # it may be the bound that differs: no refutation
        return undecided(v, f"refuted only with {'; '.join(bound_doubts)}: {v.reason}")
    return replace(v, reason="; ".join([v.reason] * bool(v.reason) + bound_doubts))


def _check_readings(parts, ctx, decide, held, fixed, count, kw):
    try:
        readings = differential_readings(parts, ctx, fixed)
    except DifferentialError as err:
        return Verdict("unknown", "differentials", claim=kw.get("claim", ""), reason=str(err))
    results = []
    for doubt, rparts, rctx, notes in readings:
        if isinstance(rparts, DifferentialError):
            v = Verdict("unknown", "differentials", claim=kw.get("claim", ""),
                        reason=str(rparts))
        else:
            v = _check_resolved(rparts, rctx, decide, held, count, notes, kw)
        results.append((v, (doubt,) if doubt else ()))
    if len(results) == 1:
        return results[0][0]
    return combine_readings(results, claim=kw.get("claim", ""))


def _defined_applications(e, ctx: Context):
    """``ℓ(θ)`` of whole names where the definitions define ℓ itself (``ℓ(θ) = Σ_i …`` read
    as the definition of ℓ): the defined quantity, not an entrywise function of θ."""
    if not isinstance(e, sympy.Basic):
        return e

    def defined(a):
        d = ctx.definition(str(a.func))
        return d is not None and isinstance(d.target, Symbol) and d.target.is_commutative \
            and all(isinstance(x, Symbol) and not x.is_commutative for x in a.args)
    return e.replace(lambda a: isinstance(a, AppliedUndef) and defined(a),
                     lambda a: ctx.definition(str(a.func)).target)


def _declarations_aside(parts, aside, decide, kw):
    """The claim read with each declaration set aside that the definitions contradict (see
    :mod:`.declared`): one such reading says what it sets aside beside its verdict; several
    are combined (refuted only if refuted in all)."""
    results = []
    for actx, note, names in aside:
        v = check_matrix(parts, actx, decide, **kw)
        written = {str(s) for p in parts if isinstance(p, sympy.Basic) for s in p.free_symbols}
        if v.status == "refuted" and written & set(names):
            # the claim is about the name whose declaration was set aside: its shape is
            # the model's, and the text said another — no refutation through that
            v = undecided(v, f"refuted only with {note}: {v.reason}")
        results.append((v, (note,)))
    if len(results) == 1:
        v, (note,) = results[0]
        return v if note in (v.reason or "") else replace(
            v, reason="; ".join([v.reason] * bool(v.reason) + [note]))
    return combine_readings(results, claim=kw.get("claim", ""))


def _entry_held(parts, ctx: Context, kw, held) -> list:
    """The conditions on entries of whole names (``Σ_k y_k = 1`` beside the whole y): each
    reading puts them in its index form (:mod:`.entry_conditions`)."""
    whole = whole_names(list(parts) + [d.rhs for d in ctx.definitions])
    entry, _ = split_entry_conditions(
        [c for c in tuple(ctx.conditions) + tuple(kw.get("conditions") or ())
         if not any(c is h for h in held)], whole)
    return list(dict.fromkeys(entry))


def _is_held(c, held) -> bool:
    return has_matrices(c) or any(c == h for h in held)


def _check_resolved(parts, ctx: Context, decide, held, count, notes, kw):
    """check_matrix for one reading of the differentials (*notes*: what it holds fixed)."""
    subs = []   # names put in a chain
    try:
        parts = chain_substitutions(parts, ctx, subs)
    except DifferentialError as err:
        return Verdict("unknown", "differentials", claim=kw.get("claim", ""), reason=str(err))
    ctx = ctx.with_(definitions=tuple(Definition(d.target, normalize_ops(d.rhs, count))
                                      for d in ctx.definitions),
                    conditions=tuple(c for c in ctx.conditions if not _is_held(c, held)))
    kw = dict(kw, conditions=tuple(c for c in kw.get("conditions") or ()
                                   if not _is_held(c, held)))
    held = [normalize_ops(c, count) for c in held]
    readings = matrix_readings(parts, ctx, held)
    if held and all(r.failure is not None for r in readings):
        return conditions_unread(kw.get("claim", ""), held)
    if "sizes" in kw:       # several sizes at once grow fast: the small ones suffice here
        kw = dict(kw, sizes=tuple(n for n in kw["sizes"] if n <= 4) or (1, 2, 3))
    results, failures, sizes = [], [], {}
    for r in readings:
        if r.failure is not None:
            failures.append((r.layout, r.failure))
            continue
        rkw = dict(kw, conditions=tuple(kw["conditions"]) + r.conditions)
        v = decide(list(r.parts), r.ctx, **rkw)
        doubts = r.doubts + tuple(subs)
        if v.status == "refuted" and r.by_default:
            # refuted with x a vector (the lowercase default): a refutation only if x as a
            # general matrix is refuted too (or its shapes do not fit at all)
            g = r.general
            # a declared vector read as a row: the general reading, with it a column, may
            # fail for that alone — only its refutation then counts
            flipped = any(ROW_FLIPPED in d for d in r.doubts)
            if g is not None and (g.failure is not None and not flipped or g.failure is None
                                  and decide(
                    list(g.parts), g.ctx, **dict(kw, conditions=tuple(kw["conditions"]) +
                                                 g.conditions)).status == "refuted"):
                doubts = tuple(d for d in doubts if d not in r.by_default)
        if v.status == "refuted" and IDENTITY_DOUBT in doubts and \
                _refuted_as_matrix(parts, ctx, held, r.layout, decide, kw):
            doubts = tuple(d for d in doubts if d != IDENTITY_DOUBT)
        rows = [d.split(" read as")[0] for d in doubts if d.endswith(ROW_DEFAULT)]
        if v.status in HOLDS and rows:
            # as columns (the usual convention) the shapes did not fit: the claim holds
            # only with a guessed row, so it is not shown to hold as written
            v = undecided(v, f"holds only with {', '.join(rows)} read as a row vector; as "
                             "columns (the usual convention) the shapes do not fit")
        rowed = [d for d in doubts if d.endswith(ROW_CONVENTION)]
        if v.status in HOLDS and rowed:    # said beside the verdict: how it was read
            v = replace(v, reason="; ".join([v.reason] * bool(v.reason) + [
                "with the row convention: " + ", ".join(d.replace(" " + ROW_CONVENTION, "")
                                                         for d in rowed)]))
        results.append((r.layout, v, doubts))
        sizes.setdefault(r.layout, r.sizes)
    if not results and any(r.declared for r in readings):
        why = next(r.failure for r in readings if r.declared)
        return shape_refuted(ctx, kw.get("claim", ""), "", why)
    held = [x for x in results if x[1].status in HOLDS]
    if held and len(held) < len(results):
        # a layout is a convention: the claim holds in the layouts where it holds, whatever
        # the others give (refuted, or undecided: named beside it)
        v = _name_layouts(combine_layouts(held, (), claim=kw.get("claim", "")), held, (), sizes)
        others = "; ".join(f"in the {lay} layout it is {rv.status}" +
                           (f" ({rv.reason})" if rv.reason and rv.status != "refuted" else "")
                           for lay, rv, _ in results if rv.status not in HOLDS)
        v = replace(v, reason=f"{(v.reason or '').replace('read in the', 'holds in the', 1)}; "
                              f"{others}")
    else:
        v = _name_layouts(combine_layouts(results, failures, claim=kw.get("claim", "")),
                          results, failures, sizes)
    # a name held fixed is no doubt for a refutation (dx = 0 is a direction too), and the
    # text writes no differential of it: said with the verdict
    notes += [s for s in subs if s not in (v.reason or "")]   # (a doubt too: said)
    return replace(v, reason="; ".join([v.reason] * bool(v.reason) + notes)) if notes else v


def _refuted_as_matrix(parts, ctx, held, layout, decide, kw) -> bool:
    """Refuted with I the identity: is it refuted (or does it not fit) with I a matrix of its
    own too?  Then the reading of I is no doubt for the refutation."""
    for r in matrix_readings(parts, ctx, held, identity=False):
        if r.layout != layout:
            continue
        for x in (r, r.general) if r.by_default else (r,):
            if x is None:
                return False
            if x.failure is not None:
                continue
            if decide(list(x.parts), x.ctx, **dict(
                    kw, conditions=tuple(kw["conditions"]) + x.conditions)).status != "refuted":
                return False
        return True
    return True


def _name_layouts(v, results, failures, sizes):
    """The verdict says the layout it was read in (where a derivative has one) and, for a
    refutation, what the sizes of its counterexample measure."""
    if not results or all(lay is None for lay, _, _ in results):
        if v.status == "refuted" and v.counterexample is not None:
            return replace(v, counterexample=_sized(v.counterexample, sizes.get(None, ())))
        return v
    if v.status in HOLDS:
        held = [lay for lay, r, _ in results if r.status in HOLDS]
        said = " and ".join(LAYOUT_TEXT[lay] for lay in held)
        text = f"read in {said}" if len(held) == len(results) and not failures else \
            f"holds in {said}"
        if not all(lay in (v.reason or "") for lay in held):
            v = replace(v, reason=(v.reason + "; " if v.reason else "") + text)
        return v
    if v.status == "refuted":
        lays = [lay for lay, _, _ in results]
        text = "refuted in " + " and ".join(LAYOUT_TEXT[lay] for lay in lays)
        if failures:
            text += "; " + "; ".join(f"in the {lay} layout the shapes do not fit ({why})"
                                     for lay, why in failures if lay)
        cx = v.counterexample
        if cx is not None:
            cx = _sized(cx, sizes.get(lays[0], ()))
        return replace(v, reason=(v.reason + "; " if v.reason else "") + text,
                       counterexample=cx)
    return v


def _sized(cx, sizes):
    """A counterexample whose size symbol (n_1 = 2) says what it measures."""
    named = [f"{name} is {what}" for name, what in sizes
             if name == cx.size_name or name in {k for k, _ in cx.values}]
    if not named or cx.note and all(n in cx.note for n in named):
        return cx
    return replace(cx, note=(cx.note + "; " if cx.note else "") + "; ".join(named))
