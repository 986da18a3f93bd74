"""The two verbs behind the CLI, the reports and the pytest plugin: read, then check.

>>> v = check(r"\\frac{\\partial y_i}{\\partial z_j} = \\beta y_i (\\delta_{ij} - y_j)",
...           given=[r"y_i = \\frac{e^{\\beta z_i}}{\\sum_{k=1}^{K} e^{\\beta z_k}}"])
>>> v.status
'proved'
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import sympy
from sympy import Symbol

from .calculus import CalculusError
from .context import (_applied_to_symbols, _conditions_on_indices, build_context,
                      entries_as_names, normalize_sizes, read_condition, with_generics)
from .functions import (catalogue_doubts, expand_functions, vector_values,
                        with_function_names, without_extremum)
from .index_ranges import ranges_of_positions
from .linalg.check import check_matrix, uses_matrices
from .notation import Context, NotationError, SymderivError
from .printer import to_latex
from .read import Notation, read_formula
from .read.display import chain_sides, written_numbers
from .read.names import (infer_notation, with_declared_names, with_defined_names,
                         with_matrix_names, with_size_free)
from .runner import DEFAULT_TIMEOUT, TimeBudgetExceeded, WorkerError, run_bounded
from .vectors import (ShapeError, TensorShape, entrywise_reading, evaluate_entries,
                      has_vectors, instantiate_defs, materialize, shape_of)
from .verify import (DEFAULT_SIZES, Verdict, adopt_substitution, combine_readings, decide,
                     decide_approx, guard_rounding, guard_substitution,
                     guard_unread_dependence, shape_refuted, summarize_chain, undecided)

__all__ = ["check", "check_parsed", "build_context", "read_condition", "Claim"]


@dataclass(frozen=True)
class Claim:
    """What was asked: a LaTeX claim with its notation (unevaluated); ``check`` decides it."""

    latex: str
    given: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    notation: Notation = Notation()
    sizes: tuple[int, ...] = DEFAULT_SIZES

    def check(self, timeout: float | None = DEFAULT_TIMEOUT) -> Verdict:
        return check(self.latex, self.given, self.where, notation=self.notation,
                     sizes=self.sizes, timeout=timeout)


def check_parsed(parts: Sequence, ctx: Context, *, conditions=(), sizes=DEFAULT_SIZES,
                 claim: str = "", relations: Sequence[str] = ()) -> Verdict:
    """Decide a chain ``parts[0] = parts[1] = …`` under ctx (in this process)."""
    parts = [vector_values(p, ctx) for p in parts]   # Softmax'((1.75, 1.75)): numbers
    if uses_matrices(parts, ctx):
        return check_matrix(parts, ctx, check_parsed, conditions=conditions, sizes=sizes,
                            claim=claim, relations=relations)
    try:
        parts = [entries_as_names(without_extremum(expand_functions(p, ctx), ctx, "the claim"),
                                  ctx) for p in parts]
    except NotationError as err:
        return Verdict("unknown", "none", claim=claim, reason=f"unsupported: {err}")
    conditions = tuple(entries_as_names(expand_functions(c, ctx), ctx) for c in conditions)
    parts = [_applied_to_symbols(p, ctx, parts) for p in parts]
    ctx, parts = normalize_sizes(ctx, parts)
    ctx = with_generics(ctx, parts)
    if conditions:
        ctx = ctx.assume(*conditions)
    ctx = _conditions_on_indices(ctx, parts)
    ctx = ranges_of_positions(ctx, parts)
    read_as = to_latex(parts[0]) if parts else ""
    for rel, p in zip(list(relations) + ["="] * len(parts), parts[1:]):
        read_as += f" {rel} {to_latex(p)}"
    if len(parts) < 2:
        return Verdict("unknown", "none", claim=claim, read_as=read_as,
                       reason="not an equation: nothing to check")
    shown = list(parts)  # as read, for the links' read_as
    declared = {name for name, _ in ctx.shapes}
    if any(has_vectors(p) or (isinstance(p, sympy.Basic) and
                              {str(s) for s in p.free_symbols} & declared) for p in parts):
        parts, early = _vector_parts(parts, ctx, claim, read_as)
        if early is not None:
            return early
    links = []
    rels = list(relations) + ["="] * (len(parts) - 1 - len(relations))
    verbatim = chain_sides(claim)   # the sides as written: their numbers, the links' text
    written = [written_numbers(s) for s in verbatim] if len(verbatim) == len(parts) else None
    for (a, b), (sa, sb), rel in zip(zip(parts, parts[1:]), zip(shown, shown[1:]), rels):
        unread = next((x for x in (a, b) if isinstance(x, _Unread)), None)
        if unread is not None:
            links.append(Verdict("unknown", "vector notation at the stated size",
                                 read_as=f"{to_latex(sa)} {rel} {to_latex(sb)}",
                                 reason=unread.reason))
            continue
        if rel == "\\approx":
            v = guard_unread_dependence(decide_approx(a, b, ctx), a, b, ctx)
            links.append(replace(v, read_as=f"{to_latex(sa)} \\approx {to_latex(sb)}"))
            continue
        v = guard_rounding(guard_substitution(_decide(a, b, ctx, sizes), a, b, ctx), a, b, ctx)
        v = adopt_substitution(v, a, b, ctx, written and tuple(written[len(links):len(links) + 2]))
        v = guard_unread_dependence(v, a, b, ctx)
        links.append(replace(v, read_as=f"{to_latex(sa)} = {to_latex(sb)}"))
    if len(links) == 1:
        return replace(links[0], claim=claim, read_as=links[0].read_as)
    sides = verbatim   # each link with its own verbatim text (the JSON's links[].claim)
    if len(sides) == len(links) + 1:
        links = [replace(v, claim=f"{a} {rel} {b}")
                 for v, a, b, rel in zip(links, sides, sides[1:], rels)]
    concl = None
    if any(v.status == "refuted" for v in links) and "\\approx" not in rels and not any(
            isinstance(p, _Unread) for p in (parts[0], parts[-1])):
        concl = _decide(parts[0], parts[-1], ctx, sizes).status
    return summarize_chain(links, claim, read_as, conclusion=concl)


def _undeclared(p, shapes: dict, ctx: Context) -> list[str]:
    """Plain names in *p* with no declared shape and no definition (vectors, perhaps)."""
    if not isinstance(p, sympy.Basic):
        return []
    names = {str(s) for s in p.free_symbols if isinstance(s, Symbol) and not s.is_integer}
    return sorted(n for n in names if n not in shapes and n != "beta" and (
        ctx.definition(n) is None or _rests_on_array(n, ctx)))


def _rests_on_array(name: str, ctx: Context, seen=()) -> bool:
    """A name defined as a written array (Z = (1.75, 1.75)), or through one (A = Softmax(Z)):
    not known to be a scalar, so ∂A/∂Z beside a 2×2 matrix is no shape misfit (worked_rows)."""
    d = ctx.definition(name)
    if d is None or name in seen or not isinstance(d.rhs, sympy.Basic):
        return False
    if isinstance(d.rhs, sympy.MatrixBase) or d.rhs.atoms(sympy.MatrixBase):
        return True
    return any(_rests_on_array(str(s), ctx, seen + (name,)) for s in d.rhs.free_symbols
               if isinstance(s, Symbol))


def _vector_parts(parts, ctx, claim, read_as):
    """Vector notation: explicit arrays at a concrete size, else a shape check."""
    if all(isinstance(p, sympy.MatrixBase) and not p.free_symbols for p in parts):
        return parts, None   # arrays of numbers written out: their size is theirs
    if ctx.size.is_Integer:
        n = int(ctx.size)
        try:
            vctx = instantiate_defs(ctx, n)
        except (ShapeError, CalculusError) as err:
            return parts, Verdict("unknown", "vector notation at the stated size", claim=claim,
                                  read_as=read_as, reason=f"unsupported: {err}")
        out, failed = [], []
        for p in parts:   # each side on its own: a side that cannot be evaluated leaves
            try:          # its links undecided, not the whole chain
                out.append(evaluate_entries(materialize(p, vctx, n), vctx))
            except (ShapeError, CalculusError) as err:
                out.append(_Unread(p, f"unsupported: {err}"))
                failed.append(str(err))
        if len(failed) >= len(parts) - 1:
            return parts, Verdict("unknown", "vector notation at the stated size", claim=claim,
                                  read_as=read_as, reason=f"unsupported: {failed[0]}")
        return out, None
    shapes = dict(ctx.shapes)
    found = []
    for p in parts:
        try:
            found.append(shape_of(p, shapes))
        except TensorShape as err:
            return parts, Verdict("unknown", "shape check", claim=claim, read_as=read_as,
                                  reason=f"{err}; write the claim per entry (with indices)")
        except ShapeError as err:
            return parts, _shape_refuted(ctx, claim, read_as, f"{to_latex(p)}: {err}")
    for (a, b), (pa, pb) in zip(zip(found, found[1:]), zip(parts, parts[1:])):
        if a != b:
            vague = sorted(_undeclared(p, shapes, ctx) for p, sh in ((pa, a), (pb, b))
                           if sh == ())
            vague = [names for names in vague if names]
            if vague:   # "Z = (1.75, 1.75)": Z is not known to be a scalar
                return parts, Verdict(
                    "unknown", "shape check", claim=claim, read_as=read_as,
                    reason=f"one side is a {_fmt(a if a != () else b)} array and the other "
                           f"uses {', '.join(vague[0])}, whose shape is not declared (e.g. "
                           f"{vague[0][0]} \\in \\mathbb{{R}}^{{n}})")
            return parts, _shape_refuted(ctx, claim, read_as,
                                         f"the sides have shapes {_fmt(a)} and {_fmt(b)}")
    return parts, Verdict("unknown", "shape check", claim=claim, read_as=read_as,
                          reason="vector notation at a symbolic size: the shapes agree "
                                 f"({_fmt(found[0])}); write the claim per entry (with indices) "
                                 "to have it proved")


@dataclass(frozen=True)
class _Unread:
    """A side of a chain that could not be evaluated at the stated size, and why."""
    expr: object
    reason: str


def _fmt(s) -> str:
    return "scalar" if s == () else f"{to_latex(s[0])}×{to_latex(s[1])}"


def _shape_refuted(ctx, claim, read_as, what) -> Verdict:
    return shape_refuted(ctx, claim, read_as, what)


def _context_sizes(ctx: Context) -> set:
    """The sizes the definitions themselves use (their sums, the declared shapes).  An index
    range stated for the claim (1 ≤ i ≤ q) does not count: a bare sum in a definition still
    runs to the default size, which the text may mean to be q."""
    out = set()
    for d in ctx.definitions:
        if isinstance(d.rhs, sympy.Basic):
            out |= d.rhs.free_symbols
    for _, shape in ctx.shapes:
        for v in shape:
            out |= sympy.sympify(v).free_symbols  # safe: SymPy objects
    for c in ctx.conditions:
        out |= c.free_symbols
    if ctx.top is not None:
        out |= sympy.sympify(ctx.top).free_symbols  # safe: SymPy objects
    return {s for s in out if isinstance(s, Symbol) and s.is_integer}


def _decide(a, b, ctx, sizes) -> Verdict:
    """decide(), with care for sizes only the claim uses (``\\sum_{i=1}^{m}`` where the
    definitions never say how many y_i there are): a counterexample must then hold with
    m equal to the definitions' size too, or the claim may just mean that range."""
    try:
        v = decide(a, b, ctx, sizes=sizes)
        if v.status != "refuted" or not isinstance(ctx.size, Symbol) or not ctx.definitions:
            return v
        claim_sizes = {s for e in (a, b) if isinstance(e, sympy.Basic)
                       for sm in e.atoms(sympy.Sum) for _, lo, hi in sm.limits
                       for s in (lo.free_symbols | hi.free_symbols)
                       if isinstance(s, Symbol) and s.is_integer}
        extra = claim_sizes - _context_sizes(ctx) - {ctx.size}
        if not extra:
            return v
        same = {m: ctx.size for m in extra}
        a2, b2 = (sympy.sympify(e).xreplace(same) for e in (a, b))  # safe: SymPy objects
        v2 = decide(a2, b2, ctx, sizes=sizes)
        names = ", ".join(sorted(map(str, extra)))
        if v2.status == "refuted":
            return replace(v2, reason=(v2.reason or "") + f" (with {names} = {ctx.size}, "
                           "the size the definitions use)")
        return Verdict("unknown", v.method, conditions=v.conditions,
                       reason=f"the claim sums up to {names}, a size the definitions do not "
                              f"use: with {names} ≠ {ctx.size} the sides differ, with "
                              f"{names} = {ctx.size} they do not; declare the index ranges "
                              "(e.g. y \\in \\mathbb{R}^{m}) to decide")
    except CalculusError as err:
        return Verdict("unknown", "none", reason=f"unsupported: {err}")


def _check_in_worker(claim, given, where, notation, sizes, size) -> Verdict:
    notation = notation_for(claim, given, notation)
    f = read_formula(claim, notation)
    v = check_readings(f, claim, lambda parts: build_context(
        given, where, notation, claim_exprs=parts, size=size), sizes=sizes)
    return guard_given(v, given, notation)


def notation_for(claim: str, given: Sequence[str], notation: Notation) -> Notation:
    """The notation a claim and its definitions are read in: the index range their sums use,
    the functions and letter runs they define, the names they use as whole matrices."""
    return _notation_for(claim, tuple(given), notation)


@functools.lru_cache(maxsize=1024)
def _notation_for(claim: str, given: tuple[str, ...], notation: Notation) -> Notation:
    notation = with_function_names(given, infer_notation(
        given, with_size_free((claim, *given), notation), (claim,)))
    notation = with_declared_names(given, notation)   # W ∈ ℝ^{m×n}: W is a matrix
    return with_matrix_names((claim, *given), with_defined_names(given, notation))


def guard_given(v: Verdict, given: Sequence[str], notation: Notation) -> Verdict:
    """No refutation through a definition read with a structural doubt (``XW`` one name or a
    product): the claim may be false only under that reading."""
    if v.status != "refuted":
        return v
    for text in given:
        try:
            f = read_formula(text, notation)
        except SymderivError:
            continue
        if f.alternatives and f.doubts:
            return undecided(v, f"refuted only as the definition {text} is read ({f.doubts[0]})"
                                ": confirm that reading to have it decided")
    return v


def check_readings(f, claim: str, context, sizes=DEFAULT_SIZES, lhs=None) -> Verdict:
    """Decide every plausible reading of formula *f* (``context(parts)`` builds the context
    of one reading; *lhs*, if given, is prepended as the chain's first side) and combine
    them: a verdict only where every reading agrees."""
    results = []
    for reading in f.readings:
        parts = ((lhs,) if lhs is not None else ()) + tuple(reading.parts)
        ctx = context(parts)
        doubts = tuple(reading.doubts)
        entrywise = entrywise_reading(parts, ctx)
        if entrywise is not None and entrywise[0] is None:   # bare names, entries unclear
            results.append((Verdict("unknown", "none", claim=claim,
                                    reason=f"not decided: {entrywise[1]}"), doubts))
            continue
        if entrywise is not None:   # y_{pred} written bare beside definitions of y_{pred_i}
            parts, doubt = entrywise
            parts, doubts = tuple(parts), doubts + (doubt,)
            ctx = context(parts)
        if f.positive:
            ctx = ctx.with_(positive=ctx.positive + f.positive)
        relations = (("=",) if lhs is not None else ()) + tuple(reading.relations)
        v = check_parsed(parts, ctx, conditions=reading.conditions, sizes=sizes, claim=claim,
                         relations=relations)
        results.append((v, doubts + catalogue_doubts(ctx)))
    return combine_readings(results, claim=claim)


def failed_verdict(claim: str, err: Exception) -> Verdict:
    """The verdict of a check whose worker ran out of time or failed: ``unknown``, why."""
    if isinstance(err, TimeBudgetExceeded):
        return Verdict("unknown", "time budget", claim=claim,
                       reason=f"time budget: {err}; raise it with --timeout / timeout=")
    return Verdict("unknown", "none", claim=claim,
                   reason=f"internal error: {str(err).splitlines()[0]}")


def check_rendered(claim: str, given: tuple, where: tuple, extra_sizes: tuple,
                   fmt: str) -> tuple[str, int]:
    """``symderiv check`` in its worker: the verdict printed (*fmt* text or json) and its
    exit status; the command line's own process then needs no SymPy."""
    sizes = tuple(dict.fromkeys(DEFAULT_SIZES + tuple(extra_sizes)))
    v = _check_in_worker(claim, given, where, Notation(), sizes, None)
    return render_verdict(v, fmt), v.exit_code


def render_verdict(v: Verdict, fmt: str) -> str:
    import json
    return json.dumps(v.to_json(), indent=2, ensure_ascii=False) if fmt == "json" else str(v)


def check(claim: str, given: Iterable[str] = (), where: Iterable[str] = (), *,
          notation: Notation | None = None, sizes: Iterable[int] = DEFAULT_SIZES,
          timeout: float | None = DEFAULT_TIMEOUT, size: int | None = None) -> Verdict:
    """Read a LaTeX claim (``a = b`` or a chain ``a = b = c``) and decide it.

    Raises :class:`~symderiv.read.LatexError` / :class:`~symderiv.notation.NotationError` on
    bad input; a check that exceeds *timeout* seconds gives ``unknown`` (reason: time budget).
    """
    args = (claim, tuple(given), tuple(where), notation or Notation(), tuple(sizes), size)
    try:
        return run_bounded(_check_in_worker, args, timeout=timeout)
    except (TimeBudgetExceeded, WorkerError) as err:
        return failed_verdict(claim, err)
