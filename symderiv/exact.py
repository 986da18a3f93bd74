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
from .printer import to_latex

try:  # python-flint: word-size modular arithmetic in C (10-50x faster than Python ints)
    from flint import nmod as _nmod
except ImportError:  # pragma: no cover - flint is a declared dependency
    _nmod = None

__all__ = ["PRIME", "Evaluator", "Unsupported", "degree_bound", "is_zero_value"]

PRIME = 2 ** 61 - 1


class Unsupported(CalculusError):
    """The expression holds a construct exact evaluation cannot handle (named)."""


class _ModP:
    """Minimal GF(p) element when python-flint is missing."""
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v % PRIME


def _field_num(mode: str, q) -> object:
    if _nmod and mode == "free" and type(q) is int:   # the same element as q/1, sooner
        return _nmod(q, PRIME)
    q = Fraction(q)
    if mode == "real":
        return q
    num = _nmod(q.numerator, PRIME) if _nmod else q.numerator % PRIME
    den = _nmod(q.denominator, PRIME) if _nmod else q.denominator % PRIME
    if _nmod:
        return num / den
    return num * pow(den, -1, PRIME) % PRIME


def is_zero_value(v) -> bool:
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
        self.sizes = dict(sizes) if sizes else {"K": n}
        self._memo: dict = {}
        self._compiled: dict = {}    # node → closure (see _c)
        self.reset(seed, leaves=leaves, symbols=symbols, pattern=pattern)

    def reset(self, seed: int = 0, *, leaves=None, symbols=None,
              pattern: tuple | None = None) -> "Evaluator":
        """This evaluator at a new point: every value as if it were new (the same draws from
        *seed*), the expressions it compiled kept — they hold no values, only the size, the
        mode and the sizes, which stay."""
        self.rng = random.Random(seed)
        self.pattern = pattern
        self.leaves = {k: self._num(v) for k, v in (leaves or {}).items()}
        self.symbols = {k: self._num(v) if not isinstance(v, int) else v
                        for k, v in (symbols or {}).items()}
        self.accessed: list = []
        self._memo.clear()   # the compiled sums hold this dict itself
        return self

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
        return self._c(expr)(dict(env or {}))

    def _sym(self, name):
        if name not in self.symbols:
            self.symbols[name] = self._draw()
        self.accessed.append(("sym", name))
        return self.symbols[name]

    def _c(self, e):
        """*e* compiled once into a closure env → value (memoised per node)."""
        f = self._compiled.get(e)
        if f is None:
            f = self._compiled[e] = self._build(e)
        return f

    def _ci(self, e):
        """An integer-valued index expression compiled into env → int."""
        if e.is_Integer:
            v = int(e)
            return lambda env: v
        if isinstance(e, Symbol):
            if str(e) in self.sizes and not (e.is_integer and not e.is_positive):
                v = self.sizes[str(e)]
                return lambda env: env.get(e, v)

            def look(env, e=e):
                try:
                    return env[e]
                except KeyError:
                    raise Unsupported(f"index {e} has no value here") from None
            return look
        if isinstance(e, (Add, Mul)):
            fs = [self._ci(a) for a in e.args]
            if isinstance(e, Add):
                return lambda env: sum(f(env) for f in fs)

            def prod(env):
                out = 1
                for f in fs:
                    out *= f(env)
                return out
            return prod
        raise Unsupported(f"index expression {e} has no integer value here")

    def _ck(self, e):
        """A structural key of an exponential's argument, indices evaluated."""
        if isinstance(e, Indexed):
            name, idx = e.base.label.name, [self._ci(i) for i in e.indices]
            return lambda env: (name, tuple(f(env) for f in idx))
        if isinstance(e, Symbol):
            name = e.name
            return lambda env: ("sym", name, env.get(e))
        if e.is_Number:
            k = ("num", str(e))
            return lambda env: k
        if isinstance(e, (Mul, Add)):
            tag, fs = type(e).__name__, [self._ck(a) for a in e.args]
            return lambda env: (tag, tuple(sorted((f(env) for f in fs), key=repr)))
        if isinstance(e, Pow):
            fb, fe = self._ck(e.base), self._ck(e.exp)
            return lambda env: ("pow", fb(env), fe(env))
        if isinstance(e, Sum) and len(e.limits) == 1:
            # e^{Σ_k w_k x_k}: one atom whatever the bound index is called (Σ_k ≡ Σ_m)
            k, lo, hi = e.limits[0]
            depth = len(e.atoms(Sum))
            bound = Symbol(f"_bound{depth}", integer=True)
            fb = self._ck(e.function.xreplace({k: bound}))
            flo, fhi = self._ci(lo), self._ci(hi)
            mark = -10 ** 9 - depth   # the bound index as a value no real index takes
            return lambda env: ("sum", fb({**env, bound: mark}), flo(env), fhi(env))
        raise Unsupported(f"cannot evaluate e^({e}) exactly")

    def _build(self, e):
        if e.is_Number:
            if not e.is_Rational:
                raise Unsupported(f"the number {e} is not rational")
            v = self._num(Fraction(int(e.p), int(e.q)))
            return lambda env: v
        if isinstance(e, Symbol):
            if e.is_integer:
                fi = self._ci(e)
                return lambda env: self._num(fi(env))
            name = e.name
            return lambda env: self._sym(name)
        if isinstance(e, Indexed):
            name, idx = e.base.label.name, [self._ci(i) for i in e.indices]
            return lambda env: self.leaf((name, tuple(f(env) for f in idx)))
        if isinstance(e, Partial):
            name = str(sympy.latex(e.f)) + "/" + base_name(e.x)
            idx = [self._ci(i) for i in getattr(e.x, "indices", ())]
            return lambda env: self.leaf((name, tuple(f(env) for f in idx)))
        if isinstance(e, Add):
            fs = [self._c(a) for a in e.args]

            def add(env):
                out = fs[0](env)
                for f in fs[1:]:
                    out = out + f(env)
                return out
            return add
        if isinstance(e, Mul):
            fs = [self._c(a) for a in e.args]

            def mul(env):
                out = fs[0](env)
                for f in fs[1:]:
                    if is_zero_value(out):
                        return out
                    out = out * f(env)
                return out
            return mul
        if isinstance(e, Pow):
            if not e.exp.is_Integer:
                raise Unsupported(f"non-integer power {e}")
            fb, p = self._c(e.base), int(e.exp)
            one = self._num(1)
            if p >= 0:
                return lambda env: fb(env) ** p

            def inv(env):
                b = fb(env)
                if is_zero_value(b):
                    raise ZeroDivisionError(f"{e.base} is 0 at this point")
                return (one / b) ** (-p)
            return inv
        if isinstance(e, KroneckerDelta):
            fa, fb = (self._ci(x) for x in e.args)
            one, zero = self._num(1), self._num(0)
            return lambda env: one if fa(env) == fb(env) else zero
        if isinstance(e, Sum):
            return self._build_sum(e)
        if isinstance(e, exp):
            return self._build_exp(e.args[0])
        raise Unsupported(f"{_described(e)} cannot be evaluated exactly")

    def _build_sum(self, e):
        body, limits = e.function, e.limits
        if len(limits) > 1:
            body, limits = Sum(body, *limits[:-1]), limits[-1:]
        (v, lo, hi), = limits
        flo, fhi = self._ci(lo), self._ci(hi)
        zero = self._num(0)
        terms = []
        for term in Add.make_args(body):
            delta = None
            for a in Mul.make_args(term):
                if isinstance(a, KroneckerDelta) and v in a.args:
                    other = a.args[1] if a.args[0] == v else a.args[0]
                    if not other.has(v):
                        delta = (a, other)
                        break
            if delta is None:
                terms.append((None, self._c(term)))
            else:
                # Σ_v f(v) δ(v, e) has one non-zero term, v = e (if e lies in the range)
                rest = Mul(*[a for a in Mul.make_args(term) if a is not delta[0]])
                terms.append((self._ci(delta[1]), self._c(rest)))
        free = sorted(e.free_symbols, key=str)
        memo = self._memo

        def total(env):
            key = (e, tuple(env.get(s) for s in free))
            if key in memo:
                return memo[key]
            lo_i, hi_i = flo(env), fhi(env)
            out = zero
            inner = dict(env)
            for at, f in terms:
                if at is None:
                    for val in range(lo_i, hi_i + 1):
                        inner[v] = val
                        out = out + f(inner)
                else:
                    val = at(env)
                    if lo_i <= val <= hi_i:
                        inner[v] = val
                        out = out + f(inner)
            memo[key] = out
            return out
        return total

    def _build_exp(self, arg):
        coeff, rest = sympy.expand(arg).as_coeff_Mul()
        one = self._num(1)
        if rest == 1:
            if coeff == 0:
                return lambda env: one
            raise Unsupported(f"e^{coeff} is not rational")
        factors = Mul.make_args(rest)
        if self.mode == "free":
            if not coeff.is_Integer:
                raise Unsupported(f"e^({arg}): fractional multiple of an exponent")
            fk, c = self._ck(rest), int(coeff)

            def ex(env):
                atom = self.leaf(("exp",) + fk(env), positive=True)
                return atom ** c if c >= 0 else (one / atom) ** (-c)
            return ex
        # real mode: arg = c · (scalars) · z_m with z_m = ln u_m
        logs = [a for a in factors if isinstance(a, Indexed)]
        if len(logs) != 1:
            raise Unsupported(f"e^({arg}) is not of the form e^(c·z_m)")
        fk = self._ck(logs[0])
        scal = [self._c(a) for a in factors if a is not logs[0]]

        def ex_real(env):
            p = Fraction(coeff.p, coeff.q)
            for f in scal:
                p *= Fraction(f(env))
            if p.denominator != 1:
                raise Unsupported(f"e^({arg}) is irrational at this point")
            u = self.leaf(("u",) + fk(env), positive=True)
            p = int(p)
            return u ** p if p >= 0 else Fraction(1) / u ** (-p)
        return ex_real


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


def _described(e) -> str:
    """A node for a message, in LaTeX: ``Softmax(Z_2^2) (a function the context does not
    define)`` or ``Heaviside (\theta(x))``."""
    if isinstance(e, sympy.core.function.AppliedUndef):
        return f"{to_latex(e)} (a function the context does not define)"
    return f"{type(e).__name__} ({to_latex(e)})"
