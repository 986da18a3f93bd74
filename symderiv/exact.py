"""Exact evaluation of index-notation expressions at a concrete size K.

Two modes share one evaluator:

* ``free`` – every leaf (z_m, t_m, β, ∂L/∂y_m, and every exponential atom e^{βz_m}) is an
  independent random element of the prime field GF(2^61 − 1).  A rational-function identity
  that holds there at random points holds everywhere except with probability bounded by
  Schwartz–Zippel (``degree / p`` per point); the degree bound is computed alongside.
* ``real`` – values a reader can check: z_m = ln u_m with positive rationals u_m, an integer β,
  so e^{β z_m} = u_m^β is rational and everything is computed in exact fractions.

Sums over symbolic ranges are evaluated term by term at the concrete K, with memoisation of
sub-sums that do not depend on the outer summation variable (so a K = 1024 check is O(K) per
free-index assignment for the usual gradients).

>>> from sympy import IndexedBase, Sum
>>> from symderiv.notation import index, K
>>> t, k = IndexedBase('t'), index('k')
>>> ev = Evaluator(n=3, mode='real', leaves={('t', (1,)): 1, ('t', (2,)): 2, ('t', (3,)): 3})
>>> ev.value(Sum(t[k], (k, 1, K)))
Fraction(6, 1)
"""
from __future__ import annotations

import random
from fractions import Fraction

import sympy
from sympy import (Add, Indexed, IndexedBase, KroneckerDelta, Mul, Pow, Sum, Symbol, exp)

from .calculus import CalculusError
from .notation import Partial, base_name

try:  # python-flint: word-size modular arithmetic in C (10-50x faster than Python ints)
    from flint import nmod as _nmod
except ImportError:  # pragma: no cover - flint is a declared dependency
    _nmod = None

__all__ = ["PRIME", "Evaluator", "Unsupported", "degree_bound"]

PRIME = 2 ** 61 - 1


class Unsupported(CalculusError):
    """The expression holds a construct exact evaluation cannot handle (named)."""


class _ModP:
    """Minimal GF(p) element when python-flint is missing."""
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v % PRIME


def _field_num(mode: str, q) -> object:
    q = Fraction(q)
    if mode == "real":
        return q
    num = _nmod(q.numerator, PRIME) if _nmod else q.numerator % PRIME
    den = _nmod(q.denominator, PRIME) if _nmod else q.denominator % PRIME
    if _nmod:
        return num / den
    return num * pow(den, -1, PRIME) % PRIME


def _is_zero(v) -> bool:
    return int(v) == 0 if _nmod and not isinstance(v, Fraction) else v == 0


class Evaluator:
    """Evaluate expressions at size ``n`` with leaf values drawn lazily (and recorded).

    leaves
        fixed values for leaves, keyed ``(name, index tuple)``; others are drawn at random
        (free mode: GF(p); real mode: small integers, positive for exponential atoms).
    symbols
        values for plain symbols (β, other scalars) and sizes, by name.
    """

    def __init__(self, n: int, mode: str = "free", *, leaves=None, symbols=None,
                 sizes=None, seed: int = 0, pattern: tuple | None = None):
        if mode not in ("free", "real"):
            raise ValueError(f"mode must be 'free' or 'real', not {mode!r}")
        self.n, self.mode = n, mode
        self.rng = random.Random(seed)
        self.pattern = pattern
        self.leaves = {k: self._num(v) for k, v in (leaves or {}).items()}
        self.symbols = {k: self._num(v) if not isinstance(v, int) else v
                        for k, v in (symbols or {}).items()}
        self.sizes = dict(sizes or {})
        self.accessed: list = []
        self._memo: dict = {}

    # -- values ------------------------------------------------------------------
    def _num(self, q):
        return _field_num(self.mode, q)

    def _draw(self, positive=False):
        if self.mode == "free":
            return _field_num("free", self.rng.randrange(1, PRIME))
        if self.pattern is not None:
            us, ds = self.pattern
            seq = us if positive else ds
            return Fraction(seq[len(self.leaves) % len(seq)])
        lo = 1 if positive else -3
        return Fraction(self.rng.randint(lo, 4))

    def leaf(self, key, positive=False):
        if key not in self.leaves:
            self.leaves[key] = self._draw(positive)
        self.accessed.append(key)
        return self.leaves[key]

    def set_leaf(self, key, value):
        self.leaves[key] = self._num(value)
        self._memo.clear()

    # -- evaluation --------------------------------------------------------------
    def value(self, expr, env=None):
        """The exact value of *expr*; *env* maps index symbols to integers."""
        return self._ev(expr, dict(env or {}))

    def _int(self, expr, env) -> int:
        if expr.is_Integer:
            return int(expr)
        if isinstance(expr, Symbol):
            if expr in env:
                return env[expr]
            if str(expr) in self.sizes:
                return self.sizes[str(expr)]
        if isinstance(expr, (Add, Mul)):
            vals = [self._int(a, env) for a in expr.args]
            out = 0 if isinstance(expr, Add) else 1
            for v in vals:
                out = out + v if isinstance(expr, Add) else out * v
            return out
        raise Unsupported(f"index expression {expr} has no integer value here")

    def _key(self, expr, env):
        """Hashable structural key of an exponential's argument with indices evaluated."""
        if isinstance(expr, Indexed):
            return (base_name(expr), tuple(self._int(i, env) for i in expr.indices))
        if isinstance(expr, Symbol):
            return ("sym", str(expr), env.get(expr))
        if expr.is_Number:
            return ("num", str(expr))
        if isinstance(expr, (Mul, Add)):
            return (type(expr).__name__,
                    tuple(sorted((self._key(a, env) for a in expr.args), key=repr)))
        if isinstance(expr, Pow):
            return ("pow", self._key(expr.base, env), self._key(expr.exp, env))
        raise Unsupported(f"cannot evaluate e^({expr}) exactly")

    def _ev(self, e, env):
        if e.is_Number:
            if e.is_Rational:
                return self._num(Fraction(int(e.p), int(e.q)))
            raise Unsupported(f"the number {e} is not rational")
        if isinstance(e, Symbol):
            if e in env:
                return self._num(env[e])
            name = str(e)
            if name in self.sizes:
                return self._num(self.sizes[name])
            if name not in self.symbols:
                self.symbols[name] = self._draw()
            self.accessed.append(("sym", name))
            return self.symbols[name]
        if isinstance(e, Indexed):
            return self.leaf((base_name(e), tuple(self._int(i, env) for i in e.indices)))
        if isinstance(e, Partial):
            return self.leaf((str(sympy.latex(e.f)) + "/" + base_name(e.x),
                              tuple(self._int(i, env) for i in getattr(e.x, "indices", ()))))
        if isinstance(e, Add):
            out = self._num(0)
            for a in e.args:
                out = out + self._ev(a, env)
            return out
        if isinstance(e, Mul):
            out = self._num(1)
            for a in e.args:
                v = self._ev(a, env)
                if _is_zero(v):
                    return v
                out = out * v
            return out
        if isinstance(e, Pow):
            if not e.exp.is_Integer:
                raise Unsupported(f"non-integer power {e}")
            b = self._ev(e.base, env)
            p = int(e.exp)
            if p < 0:
                if _is_zero(b):
                    raise ZeroDivisionError(f"{e.base} is 0 at this point")
                return (self._num(1) / b) ** (-p)
            return b ** p
        if isinstance(e, KroneckerDelta):
            a, b = (self._int(x, env) for x in e.args)
            return self._num(1 if a == b else 0)
        if isinstance(e, Sum):
            return self._sum(e, env)
        if isinstance(e, exp):
            return self._exp(e.args[0], env)
        raise Unsupported(f"{type(e).__name__} ({e}) cannot be evaluated exactly")

    def _sum(self, e, env):
        free = sorted((s for s in e.free_symbols if s in env), key=str)
        key = (e, tuple(env[s] for s in free))
        if key in self._memo:
            return self._memo[key]
        body, limits = e.function, e.limits
        if len(limits) > 1:
            body, limits = Sum(body, *limits[:-1]), limits[-1:]
        (v, lo, hi), = limits
        lo_i, hi_i = self._int(lo, env), self._int(hi, env)
        out = self._num(0)
        inner = dict(env)
        for val in range(lo_i, hi_i + 1):
            inner[v] = val
            out = out + self._ev(body, inner)
        self._memo[key] = out
        return out

    def _exp(self, arg, env):
        coeff, rest = sympy.expand(arg).as_coeff_Mul()
        if rest == 1:
            if coeff == 0:
                return self._num(1)
            raise Unsupported(f"e^{coeff} is not rational")
        if self.mode == "free":
            if not coeff.is_Integer:
                raise Unsupported(f"e^({arg}): fractional multiple of an exponent")
            atom = self.leaf(("exp",) + self._key(rest, env), positive=True)
            c = int(coeff)
            return atom ** c if c >= 0 else (self._num(1) / atom) ** (-c)
        # real mode: arg = c · (scalars) · z_m with z_m = ln u_m
        logs = [a for a in Mul.make_args(rest) if isinstance(a, Indexed)]
        if len(logs) != 1:
            raise Unsupported(f"e^({arg}) is not of the form e^(c·z_m)")
        scal = coeff
        for a in Mul.make_args(rest):
            if a is logs[0]:
                continue
            scal = scal * sympy.Rational(self._ev_rational(a, env))
        if not scal.is_Integer:
            raise Unsupported(f"e^({arg}) is irrational at this point")
        u = self.leaf(("u",) + self._key(logs[0], env), positive=True)
        p = int(scal)
        return u ** p if p >= 0 else Fraction(1) / u ** (-p)

    def _ev_rational(self, a, env):
        v = self._ev(a, env)
        return Fraction(v)


def degree_bound(expr, n: int, sizes=None) -> int:
    """An upper bound on the total degree of the numerator of *expr* at size n.

    Every leaf, scalar, derivative atom and exponential atom counts as a variable of degree 1.
    """
    sizes = dict(sizes or {})

    def deg(e):
        if e.is_Number or isinstance(e, KroneckerDelta):
            return 0, 0
        if isinstance(e, Symbol):
            return (0, 0) if (e.is_integer or str(e) in sizes) else (1, 0)
        if isinstance(e, (Indexed, Partial)):
            return 1, 0
        if isinstance(e, exp):
            c, _ = sympy.expand(e.args[0]).as_coeff_Mul()
            c = abs(int(c)) if c.is_Integer else 1
            return c, c
        if isinstance(e, Add):
            parts = [deg(a) for a in e.args]
            den = sum(d for _, d in parts)
            return max(nu + den - d for nu, d in parts), den
        if isinstance(e, Mul):
            parts = [deg(a) for a in e.args]
            return sum(p[0] for p in parts), sum(p[1] for p in parts)
        if isinstance(e, Pow) and e.exp.is_Integer:
            nu, d = deg(e.base)
            p = int(e.exp)
            return (p * nu, p * d) if p >= 0 else (-p * d, -p * nu)
        if isinstance(e, Sum):
            nu, d = deg(e.function)
            terms = 1
            for (_, lo, hi) in e.limits:
                try:
                    terms *= max(1, int((hi - lo + 1).subs(sizes)))
                except (TypeError, ValueError):
                    terms *= n
            return nu + (terms - 1) * d, terms * d
        return 1, 0

    return deg(expr)[0]
