"""Symbols, index sets, the derivative node and the :class:`Context` of a claim.

Everything the engine reasons about is written in SymPy *index notation*:

* a size ``K`` (a positive integer symbol) and indices ``i, j, k`` (integer symbols)
  ranging over ``1..K`` unless the context says otherwise;
* vectors and matrices are :class:`sympy.IndexedBase` objects (``z[i]``, ``W[a, b]``);
* ``∂A/∂B`` is the unevaluated node :class:`Partial` (the ML convention: B may be an
  intermediate node of the definitions graph);
* a context holds the definitions (``y[i] = ...``), the generic quantities (an undefined
  loss ``L`` of ``y``), the index ranges and the case conditions (``i = j``, ``Σ t = 1``).

>>> i, j = index('i'), index('j')
>>> z = IndexedBase('z')
>>> Partial(z[i], z[j])
Partial(z[i], z[j])
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

import sympy
from sympy import Expr, Indexed, IndexedBase, Symbol

from .errors import SymderivError  # noqa: F401  (re-exported)

__all__ = [
    "K", "beta", "index", "size", "Partial", "Definition", "Context",
    "SymderivError", "NotationError", "base_name", "substitute",
]


class NotationError(ValueError, SymderivError):
    """A definition, index range or condition is malformed or inconsistent."""


def as_expr(v) -> Expr:
    """A number or SymPy object from our own data as a SymPy expression (never parses text)."""
    if isinstance(v, sympy.Basic):
        return v
    if isinstance(v, bool) or not isinstance(v, int):
        raise NotationError(f"expected an integer or a SymPy expression, got {v!r}")
    return sympy.Integer(v)


def index(name: str) -> Symbol:
    """The index symbol called *name* (an integer symbol; the same object every time)."""
    return Symbol(name, integer=True)


def size(name: str = "K") -> Symbol:
    """A size symbol: a positive integer."""
    return Symbol(name, integer=True, positive=True)


K = size("K")
beta = Symbol("beta", real=True)


class Partial(Expr):
    """``∂f/∂x`` held unevaluated: *x* is a symbol or an indexed entry ``y[j]``.

    It is what the LaTeX reader produces for ``\\frac{\\partial f}{\\partial x}``; the calculus
    evaluates it through the context's definitions (:func:`symderiv.calculus.total_diff`).
    """

    is_commutative = True

    def __new__(cls, f, x):
        f = sympy.sympify(f)  # safe: f is already a SymPy object built by our code
        x = sympy.sympify(x)  # safe: idem
        if not isinstance(x, (Symbol, Indexed, IndexedBase)):
            raise NotationError(
                f"cannot differentiate with respect to {x} ({type(x).__name__}); "
                "expected a variable such as z_j, W_{ab} or beta")
        return Expr.__new__(cls, f, x)

    @property
    def f(self) -> Expr:
        return self.args[0]

    @property
    def x(self):
        return self.args[1]

    def _latex(self, printer):
        return r"\frac{\partial %s}{\partial %s}" % (
            printer._print(self.f) if not self.f.is_Add else
            r"\left(%s\right)" % printer._print(self.f),
            printer._print(self.x))

    def _sympystr(self, printer):
        return "Partial(%s, %s)" % (printer._print(self.f), printer._print(self.x))

    def _eval_derivative(self, s):
        # d/ds of an opaque derivative is zero unless s occurs in it; the calculus never
        # relies on this (it evaluates Partial nodes first), but keep SymPy honest.
        if s in self.free_symbols or self.has(s):
            return sympy.Derivative(self, s, evaluate=False)
        return sympy.S.Zero


def base_name(x) -> str:
    """The name of a symbol or of the base of an indexed entry."""
    if isinstance(x, Indexed):
        x = x.base.label
    elif isinstance(x, IndexedBase):
        x = x.label
    if type(x) is Symbol:   # str() of a plain Symbol is its name (the printer, not needed)
        return x.name
    return str(x)


@dataclass(frozen=True)
class Definition:
    """``target = rhs`` where target is ``y[i]`` (indices *indices*) or a plain symbol ``L``."""

    target: Expr
    rhs: Expr

    def __post_init__(self):
        if isinstance(self.target, Indexed):
            idx = self.target.indices
            if not all(isinstance(a, Symbol) for a in idx) or len(set(idx)) != len(idx):
                raise NotationError(
                    f"definition of {self.target}: its indices must be distinct index "
                    "letters, e.g. y_i = ... or W_{ab} = ...")
        elif isinstance(self.target, IndexedBase):
            if not isinstance(self.rhs, sympy.MatrixBase):
                raise NotationError(
                    f"{self.target} is defined as a whole vector: give its value as a vector "
                    f"(e.g. (1.75, 1.75)), or define it per entry ({self.target}_i = ...)")
            return
        elif not isinstance(self.target, Symbol):
            raise NotationError(
                f"cannot define {self.target}: the left side of a definition must be a name "
                "such as L, or an indexed name such as y_i")
        if (any(base_name(a) == self.name for a in self.rhs.atoms(Indexed))
                or (isinstance(self.target, Symbol) and self.target in self.rhs.free_symbols)):
            raise NotationError(f"definition of {self.name} refers to itself")

    @property
    def name(self) -> str:
        return base_name(self.target)

    @property
    def indices(self) -> tuple:
        return tuple(self.target.indices) if isinstance(self.target, Indexed) else ()

    def instantiate(self, args: Iterable = ()) -> Expr:
        """The right side with the definition's indices replaced by *args*.

        Bound summation variables that would capture a free symbol of *args* are renamed.
        """
        args = tuple(args)
        if len(args) != len(self.indices):
            raise NotationError(
                f"{self.name} is defined with {len(self.indices)} indices, used with {len(args)}")
        rhs = self.rhs
        return substitute(rhs, dict(zip(self.indices, args)))


def rename_bound(expr: Expr, avoid: set) -> Expr:
    """Rename bound variables of Sums/Products in *expr* that clash with *avoid*."""
    def fix(e):
        if isinstance(e, (sympy.Sum, sympy.Product)):
            body, limits = e.function, list(e.limits)
            for n, (v, lo, hi) in enumerate(limits):
                if v in avoid:
                    new = fresh_index(v, avoid | body.free_symbols | {lo, hi})
                    body = body.xreplace({v: new})
                    limits[n] = (new, lo, hi)
            return type(e)(body, *limits)
        return e
    return _bottom_up(expr, fix)


def substitute(expr: Expr, mapping: Mapping) -> Expr:
    """``expr.xreplace(mapping)`` for index symbols, without capturing by bound variables."""
    if not mapping:
        return expr
    avoid = set(mapping)
    for v in mapping.values():
        avoid |= sympy.sympify(v).free_symbols  # safe: SymPy objects from our code
    return sympy.sympify(rename_bound(expr, avoid)).xreplace(dict(mapping))  # safe: SymPy


def _bottom_up(expr, fn):
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return fn(expr) if isinstance(expr, sympy.Basic) else expr
    new_args = [_bottom_up(a, fn) for a in expr.args]
    if any(a is not b for a, b in zip(new_args, expr.args)):
        if isinstance(expr, (sympy.Sum, sympy.Product)):
            expr = type(expr)(new_args[0], *expr.limits)
        else:
            expr = expr.func(*new_args)
    return fn(expr)


def rebuild(expr, fn, *, into_partials=False):
    """Rebuild *expr* bottom-up applying *fn*; Partial nodes are left alone unless asked."""
    if not isinstance(expr, sympy.Basic):
        return expr
    if isinstance(expr, Partial) and not into_partials:
        return fn(expr)
    if not expr.args or isinstance(expr, (Indexed, IndexedBase, Symbol)):
        return fn(expr)
    args = [rebuild(a, fn, into_partials=into_partials) for a in expr.args]
    if any(a is not b for a, b in zip(args, expr.args)):
        if isinstance(expr, (sympy.Sum, sympy.Product)):
            expr = type(expr)(args[0], *expr.limits)
        else:
            expr = expr.func(*args)
    return fn(expr)


def fresh_index(like: Symbol, avoid: set) -> Symbol:
    """An index symbol named after *like* that is not in *avoid*."""
    names = {str(s) for s in avoid}
    base = str(like).rstrip("0123456789'") or "m"
    for candidate in [base + str(n) for n in range(1, 1000)]:
        if candidate not in names:
            return index(candidate)
    raise NotationError("ran out of fresh index names")  # pragma: no cover


@dataclass(frozen=True)
class Context:
    """What a claim is read against.

    definitions
        ``y[i] = ...``, ``L = ...`` — a graph L ← y ← z that ∂ follows (ML convention).
    generic
        undefined quantities and what they depend on, e.g. ``{"L": ("y",)}``.
    size, lower
        indices range over ``lower .. size`` (``1..K`` by default; ``0..n`` for some texts).
    conditions
        case conditions and assumptions: ``Eq(i, j)``, ``Ne(i, j)``, ``Eq(Sum(t[k], ...), 1)``.
    """

    definitions: tuple[Definition, ...] = ()
    generic: tuple[tuple[str, tuple[str, ...]], ...] = ()
    size: Symbol = K
    lower: int = 1
    conditions: tuple = ()
    ranges: tuple[tuple[str, tuple], ...] = ()
    shapes: tuple[tuple[str, tuple], ...] = ()
    top: Expr | None = None   # the upper end when a text says 0..n (default: lower + size - 1)
    functions: tuple = ()     # (name, parameters, body): σ(x) = 1/(1+e^{-x}), applied by substitution
    positive: tuple = ()      # what the formulas take the log of: a counterexample keeps it > 0
    confirmed: tuple = ()     # catalogue names the text confirms (no doubt on their reading)

    def __post_init__(self):
        names = [d.name for d in self.definitions]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise NotationError(f"{', '.join(sorted(dup))} defined more than once")
        cycle = self._cycle()
        if cycle:
            raise NotationError("the definitions are circular: " + " → ".join(cycle))

    def _cycle(self) -> list[str] | None:
        """A cycle of definitions (a uses b, b uses a), as a path of names, if any."""
        g = {name: deps & {d.name for d in self.definitions}
             for name, deps in self.graph().items()}
        state: dict[str, int] = {}

        def visit(n, path):
            state[n] = 1
            for m in sorted(g.get(n, ())):
                if state.get(m) == 1:
                    return path[path.index(m):] + [m] if m in path else [n, m]
                if m not in state:
                    found = visit(m, path + [m])
                    if found:
                        return found
            state[n] = 2
            return None
        for n in sorted(g):
            if n not in state:
                found = visit(n, [n])
                if found:
                    return found
        return None

    # -- lookups -----------------------------------------------------------------
    def definition(self, name: str) -> Definition | None:
        for d in self.definitions:
            if d.name == name:
                return d
        return None

    def depends_on(self, name: str) -> tuple[str, ...]:
        """Bases a generic quantity depends on (empty when *name* is not generic)."""
        return dict(self.generic).get(name, ())

    def range_of(self, idx) -> tuple:
        """(lo, hi) of an index symbol: its declared range, else the default range."""
        return dict(self.ranges).get(str(idx), (self.lower, self.upper))

    def with_range(self, idx: str, lo, hi) -> "Context":
        return replace(self, ranges=self.ranges + ((str(idx), (sympy.sympify(lo), sympy.sympify(hi))),))  # safe: numbers/symbols from our code

    @property
    def upper(self) -> Expr:
        """The upper end of the index range: K, or K - 1 when indices start at 0 (or *top*)."""
        if self.top is not None:
            return self.top
        return self.size + (self.lower - 1)

    def declare_shape(self, name: str, shape: tuple) -> "Context":
        """``name ∈ ℝ^shape``: (n,) is a column (n, 1); (m, n) a matrix."""
        shape = tuple(shape)
        if len(shape) == 1:
            shape = (shape[0], sympy.S.One)
        return replace(self, shapes=self.shapes + ((name, shape),))

    def with_(self, **changes) -> "Context":
        return replace(self, **changes)

    def define(self, target, rhs) -> "Context":
        return replace(self, definitions=self.definitions + (Definition(target, rhs),))

    def assume(self, *conds) -> "Context":
        return replace(self, conditions=self.conditions + tuple(conds))

    def declare_generic(self, name: str, on: Iterable[str]) -> "Context":
        return replace(self, generic=self.generic + ((name, tuple(on)),))

    def graph(self) -> Mapping[str, set[str]]:
        """name → names its definition (or generic declaration) uses directly."""
        g: dict[str, set[str]] = {}
        for d in self.definitions:
            try:
                used = _names_used(d.rhs)
            except TypeError:   # a mutable matrix: not hashable, not cached
                used = _names_used.__wrapped__(d.rhs)
            g[d.name] = set(used) - {d.name}
        for name, on in self.generic:
            g.setdefault(name, set()).update(on)
        return g


@functools.lru_cache(maxsize=4096)
def _names_used(rhs) -> frozenset[str]:
    """The names a definition's right side uses (cached: every Context made from a context
    checks its definitions for cycles)."""
    used = {base_name(a) for a in rhs.atoms(Indexed)}
    used |= {str(s) for s in rhs.free_symbols if not isinstance(s, Indexed)}
    return frozenset(used)


def default_context() -> Context:
    """An empty context over 1..K."""
    return Context()
