"""Exact evaluation of both sides at random points of GF(p), for each size checked."""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Iterable

import sympy
from sympy import Expr, Indexed, KroneckerDelta, Symbol

from .. import calculus
from ..calculus import index_conditions, value_conditions
from ..printer import to_latex
from ..exact import Evaluator, Unsupported, is_zero_value, degree_bound
from ..notation import Context




DEFAULT_SIZES = tuple(range(1, 9)) + (13,)   # and one larger size, past small-K coincidences
POINTS_PER_CASE = 2


def _tex(e) -> str:
    return to_latex(e)


# ---------------------------------------------------------------------------------------
def _cond_str(c) -> str:
    if isinstance(c, sympy.Eq):
        return f"{_tex(c.lhs)} = {_tex(c.rhs)}"
    if isinstance(c, sympy.Ne):
        return rf"{_tex(c.lhs)} \neq {_tex(c.rhs)}"
    return _tex(c)


def _sizes_of(expr: Expr, ctx: Context) -> list[Symbol]:
    """Size symbols of a claim (positive integer symbols), the context's own first."""
    syms = {s for s in expr.free_symbols if s.is_integer and s.is_positive}
    for _, (lo, hi) in ctx.ranges:      # the sizes of vectors and matrices in index form
        ends = sympy.sympify(lo).free_symbols | sympy.sympify(hi).free_symbols  # safe: SymPy
        syms |= {s for s in ends if s.is_integer and s.is_positive}
    if isinstance(ctx.size, Symbol) and (ctx.size in expr.free_symbols or not syms or any(
            not str(s).startswith("n_") for s in syms)):
        syms.add(ctx.size)       # not when only the sizes of a vector formula occur
    elif isinstance(ctx.size, Symbol) and any(   # an index with no declared range (d_k beside
            str(i) not in dict(ctx.ranges) for i in _free_idx(expr, ctx)):  # sized indices)
        syms.add(ctx.size)       # runs over the default range, which ends at the size
    return sorted(syms, key=lambda s: (s != ctx.size, str(s))) or [Symbol("K")]


def _free_idx(expr: Expr, ctx: Context) -> list[Symbol]:
    return sorted((s for s in expr.free_symbols if s.is_integer and not s.is_positive),
                  key=str)


def _admissible(sizes, expr: Expr, ctx: Context) -> tuple[int, ...]:
    """The sizes at which every literal index of *expr* (y_2, z_9) lies in its range.

    ∂y_2/∂z_2 at K = 1 would speak of a y_2 that does not exist: such a size is no
    counterexample and no evidence; when too few sizes remain, larger ones are added.
    """
    sizes = tuple(dict.fromkeys(sizes))
    literal = [int(i) for a in expr.atoms(Indexed) for i in a.indices if i.is_Integer]
    literal += [int(i) for a in expr.atoms(KroneckerDelta) for i in a.args if i.is_Integer]
    upper = sympy.sympify(ctx.upper)  # safe: SymPy objects
    if not literal or not isinstance(ctx.size, Symbol) or upper.free_symbols - {ctx.size}:
        return sizes
    top = max(literal)

    def fits(n):
        return int(upper.xreplace({ctx.size: n})) >= top
    kept = tuple(n for n in sizes if fits(n))
    n = max(sizes, default=1)
    while len(kept) < 3 and n < 4096:
        n += 1
        if fits(n):
            kept += (n,)
    if len(kept) < 3:
        first = next((m for m in range(1, 4097) if fits(m)), None)
        if first is not None:
            kept = tuple(dict.fromkeys(kept + (first, first + 1, first + 2)))
    return tuple(sorted(kept, key=lambda m: (m not in sizes, m)))


_HYPERBOLIC = (sympy.tanh, sympy.sinh, sympy.cosh, sympy.sech, sympy.csch, sympy.coth)
# Euler's number e: transcendental, so an identity in e holds iff it holds with e a free value
_EULER = sympy.Dummy("e", positive=True)


def prepare(expr: Expr, ctx: Context) -> Expr:
    """Partials evaluated, definitions expanded, hyperbolic functions written with
    exponentials (tanh x = (e^x − e^{−x})/(e^x + e^{−x})), exponentials split, Euler's number
    a free value; no Σ/δ rules."""
    e = calculus.to_leaves(expr, ctx)
    e = calculus.apply_conditions(e, index_conditions(ctx.conditions))
    if isinstance(e, sympy.Basic) and e.has(*_HYPERBOLIC):
        e = e.replace(lambda x: isinstance(x, _HYPERBOLIC), lambda x: x.rewrite(sympy.exp))
    e = calculus.split_exp(e)
    if not isinstance(e, sympy.Basic):
        return e
    if e.has(sympy.exp):   # e^{-1}, e^{2}: powers of Euler's number
        e = e.replace(lambda x: isinstance(x, sympy.exp) and x.args[0].is_Integer,
                      lambda x: sympy.Pow(_EULER, x.args[0]))
    if not e.has(sympy.E):
        return e
    if value_conditions(ctx.conditions) or getattr(ctx.size, "is_Integer", False):
        # stated values (z_2 = 1): e^{z_2} is a free value here, not e — no comparison
        raise Unsupported("Euler's number e beside stated values cannot be evaluated exactly")
    return e.xreplace({sympy.E: _EULER})


def _assignments(idx: list, n: int, ctx: Context, sizes: dict, limit: int, rng) -> list:
    """Index assignments to try at size n (all of them when few), honouring i ≠ j."""
    ranges = []
    for i in idx:
        lo, hi = ctx.range_of(i)
        lo, hi = _at_sizes(lo, sizes), _at_sizes(hi, sizes)
        ranges.append(range(lo, hi + 1))
    ne = [(c.args[0], c.args[1]) for c in index_conditions(ctx.conditions)
          if isinstance(c, sympy.Ne)]

    def ok(a):
        env = dict(zip(idx, a))
        return all(env.get(p, p) != env.get(q, q) for p, q in ne)
    total = 1
    for r in ranges:
        total *= len(r)
    if total <= limit:
        return [a for a in itertools.product(*ranges) if ok(a)]
    out = set()
    if all(len(r) for r in ranges):
        out.add(tuple(r[0] for r in ranges))
        out.add(tuple(r[-1] for r in ranges))
        out.add(tuple(r[min(n, len(r) - 1)] for n, r in enumerate(ranges)))
    while len(out) < limit:
        out.add(tuple(rng.choice(r) for r in ranges))
    return sorted(a for a in out if ok(a))


def _at_sizes(e, sizes: dict) -> int:
    e = sympy.sympify(e)  # safe: a number or a SymPy expression from a context
    v = e.xreplace({s: sympy.Integer(sizes[str(s)]) for s in e.free_symbols
                    if str(s) in sizes})
    if not v.is_Integer:
        raise Unsupported(f"the index range ends at {e}, which is not a size")
    return int(v)


def _size_values(size_syms: list, n: int) -> dict:
    """Values of several sizes at step n: the gaps between them change with n (1, 2, 3, ...),
    so no fixed relation between two sizes (q = K + 1) holds at every step by accident."""
    gap = 1 + n % 3
    return {str(s): n + gap * k for k, s in enumerate(size_syms)}


def _impose(ev: Evaluator, polys: list, env: dict) -> bool:
    """Adjust one leaf per value condition so the condition holds exactly.

    The leaf is the last one the condition reads in which it is affine (t_K for Σ_k t_k = 1);
    the result is re-evaluated, so a non-affine condition is never taken as met.  With several
    conditions each adjusts its own leaf; a later one could undo an earlier one, so all are
    checked again at the end.
    """
    for p in polys:
        ev.accessed.clear()
        ev._memo.clear()
        ev.value(p, env)
        keys = [k for k in dict.fromkeys(reversed(ev.accessed)) if k[0] != "sym"]
        for key in keys:
            old = ev.leaves[key]
            ev.set_leaf(key, 0)
            a = ev.value(p, env)
            ev.set_leaf(key, 1)
            slope = ev.value(p, env) - a
            if not is_zero_value(slope):
                ev.leaves[key] = -a / slope
                ev._memo.clear()
                if is_zero_value(ev.value(p, env)):
                    break
            ev.leaves[key] = old
            ev._memo.clear()
        else:
            return False
    ev._memo.clear()
    return all(is_zero_value(ev.value(p, env)) for p in polys)


@dataclass
class _Exact:
    agree: bool
    sizes: tuple
    cases: int
    degree: int
    disagreement: tuple | None = None   # (n, assignment)


def exact_check(lhs: Expr, rhs: Expr, ctx: Context, sizes: Iterable[int],
                seed: int = 0, limit: int = 64, large_limit: int = 3) -> _Exact:
    """Evaluate lhs − rhs at random points of GF(p) for each size (free mode).

    Every index assignment is tried when there are at most *limit* of them; above K = 16,
    *large_limit* assignments (first, last and random indices) keep a check O(K).
    """
    diff = prepare(lhs - rhs, ctx)
    polys = [prepare(p, ctx) for p in value_conditions(ctx.conditions)]
    idx = _free_idx(diff, ctx)
    size_syms = _sizes_of(diff, ctx)
    rng = random.Random(seed)
    cases, deg = 0, 0
    sizes = _admissible(sizes, sympy.Add(diff, lhs - rhs, evaluate=False), ctx)
    for n in sizes:
        sv = _size_values(size_syms, n)
        deg = max(deg, degree_bound(diff, n, sv))
        ev = Evaluator(n, "free", sizes=sv)   # compiles diff once per size (reset per point)
        for a in _assignments(idx, n, ctx, sv, limit if n <= 16 else large_limit, rng):
            env = dict(zip(idx, a))
            for point in range(POINTS_PER_CASE):
                for attempt in range(4):
                    ev.reset(rng.randrange(2 ** 32))
                    try:
                        if polys and not _impose(ev, polys, env):
                            raise Unsupported("a stated condition is not affine in any leaf")
                        val = ev.value(diff, env)
                        break
                    except ZeroDivisionError:
                        continue
                else:
                    raise Unsupported("every random point hit a pole")
                cases += 1
                if not is_zero_value(val):
                    return _Exact(False, sizes, cases, deg, (n, env))
    return _Exact(True, sizes, cases, deg)
