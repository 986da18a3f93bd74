"""The entry (i, j) of a vector or matrix expression, as a scalar expression.

``X^T dZ`` → ``Σ_k X[k, i] dZ[k, j]``; ``diag(p) − p p^T`` → ``δ_ij p_i − p_i p_j``;
``a ⊙ b`` → ``a[i, j] b[i, j]``; ``σ(Z)`` → ``σ(Z[i, j])``; ``∂L/∂W`` → ``∂L/∂W[i, j]``
(denominator layout; the numerator layout is its transpose).  A vector's entries carry one
index (``x_i``), a 1×1 name is a plain symbol (``L``), so the document's own entries and
scalars are the same objects as the translated ones.
"""
from __future__ import annotations

import sympy
from sympy import Indexed, IndexedBase, Integer, KroneckerDelta, Sum, Symbol

from ..notation import Partial, fresh_index, index
from .objects import IDENTITY, ONES, Diag, Grad, Hadamard, Member, Tr
from .written import written_entry
from .shapes import (GRADIENT_AS_SHAPE, JACOBIAN_AS_IS, ONE, SCALAR_FUNCTIONS, ShapeMismatch,
                     Shapes, leading_inner)


class IndexForm:
    """Translates the expressions of one reading under its :class:`Shapes`."""

    def __init__(self, shapes: Shapes, avoid=()):
        self.sh = shapes
        self.avoid = {str(a) for a in avoid}
        self.ranges: dict[str, tuple] = {}

    # -- indices ------------------------------------------------------------------------
    def fresh(self, dim, like: str = "k"):
        """A new index over 1..dim (or the number 1 when dim is 1)."""
        if dim == ONE:
            return ONE
        s = index(like) if like not in self.avoid else fresh_index(index(like), self.avoid)
        self.avoid.add(str(s))
        self.ranges[str(s)] = (Integer(1), dim)
        return s

    def shape(self, e) -> tuple:
        s = self.sh.of_expr(e)
        return (ONE, ONE) if s is None else (self.sh.dim(s[0]), self.sh.dim(s[1]))

    # -- entries ------------------------------------------------------------------------
    def name_entry(self, name: str, i, j):
        if name in self.sh.scalars:
            return Symbol(name)
        if name.startswith(ONES.name):
            return ONE
        if name == IDENTITY and self.sh.identity:
            return KroneckerDelta(i, j)
        r, c = self.sh.shape(name)
        if r == ONE and c == ONE:
            return Symbol(name)
        if c == ONE:
            return IndexedBase(name)[i]
        if r == ONE:
            return IndexedBase(name)[j]
        return IndexedBase(name)[i, j]

    def entry(self, e, i, j):
        if not isinstance(e, sympy.Basic):
            return e
        hook = getattr(e, "_linalg_entry", None)   # nodes of linalg/differentials.py
        if hook is not None:
            return hook(self, i, j)
        if isinstance(e, sympy.FunctionMatrix):   # written with \dots: its general entry
            return written_entry(e, i, j)
        if e.is_commutative and not e.atoms(Tr, Hadamard, Diag, Grad, Member):
            if isinstance(e, sympy.MatrixBase):
                return e[int(i) - 1, int(j) - 1] if i.is_Integer and j.is_Integer else \
                    _no(e, "an explicit matrix indexed by a symbol")
            return e
        if isinstance(e, Symbol):
            return self.name_entry(e.name, i, j)
        if isinstance(e, Member):   # x_i beside w^T: entry k of the i-th vector is x[i, k]
            r, c = self.sh.shape(e.family)
            base, n = IndexedBase(str(e.args[0])), e.args[1]
            if isinstance(n, Symbol) and str(n) not in self.ranges:   # the samples: 1..N
                self.ranges[str(n)] = (Integer(1), self.sh.dim(self.sh.new()))
            if r == ONE and c == ONE:
                return base[n]
            return base[n, i] if c == ONE else base[n, j] if r == ONE else base[n, i, j]
        if isinstance(e, sympy.Add):
            return sympy.Add(*(self.entry(t, i, j) for t in e.args))
        if isinstance(e, Sum):   # Σ_i (s(w^T x_i) − y_i) x_i: a sum of vectors, entry by entry
            return Sum(self.entry(e.function, i, j), *e.limits)
        if isinstance(e, sympy.Mul):
            return self._product(e, i, j)
        if isinstance(e, sympy.Pow):
            return self.entry(e.base, i, j) ** e.exp
        if isinstance(e, Tr):
            return self.entry(e.args[0], j, i)
        if isinstance(e, Hadamard):
            return self.entry(e.args[0], i, j) * self.entry(e.args[1], i, j)
        if isinstance(e, Diag):
            return self._diag(e, i, j)
        if isinstance(e, Grad):
            return self._grad(e, i, j)
        if isinstance(e, sympy.Function):
            return self._function(e, i, j)
        raise ShapeMismatch(f"{e} in vector notation is not read")

    def _product(self, e, i, j):
        lead = leading_inner(e, self.sh.scalars) if self.sh.inner else None
        if lead is not None and self.sh.of_expr(lead[0]) is None:   # (y^T g) 1
            return self.entry(lead[0], ONE, ONE) * self.entry(lead[1], i, j)
        scalars, chain = [], []
        for f in e.args:
            (chain if self.sh.of_expr(f) is not None else scalars).append(f)
        out = sympy.Mul(*(f if f.is_commutative else self.entry(f, ONE, ONE) for f in scalars))
        if not chain:
            return out
        shapes = [self.shape(f) for f in chain]
        rows = [i] + [self.fresh(s[1]) for s in shapes[:-1]] + [j]
        terms = sympy.Mul(*(self.entry(f, rows[n], rows[n + 1]) for n, f in enumerate(chain)))
        limits = [(k, ONE, self.ranges[str(k)][1]) for k in rows[1:-1] if isinstance(k, Symbol)]
        return out * (Sum(terms, *limits) if limits else terms)

    def _diag(self, e, i, j):
        v = e.args[0]
        r, c = self.shape(v)
        if c == ONE:
            return KroneckerDelta(i, j) * self.entry(v, i, ONE)
        if r == ONE:
            return KroneckerDelta(i, j) * self.entry(v, ONE, i)
        return self.entry(v, i, i)       # diag(A): the diagonal of a matrix, a column

    def _grad(self, e, i, j):
        f, x = e.args
        sf = self.sh.of_expr(f)
        if sf is None or self.sh.is_one(sf[0]) and self.sh.is_one(sf[1]):
            a, b = (i, j) if self.sh.layout in GRADIENT_AS_SHAPE else (j, i)
            return _partial(self.entry(f, ONE, ONE), self.entry(x, a, b))
        fr, _ = self.shape(f)
        xr, _ = self.shape(x)
        if self.sh.layout in JACOBIAN_AS_IS:    # J_ij = ∂f_i/∂x_j
            fi, xj = i, j
        else:
            fi, xj = j, i
        return _partial(self.entry(f, *((fi, ONE) if fr != ONE else (ONE, fi))),
                        self.entry(x, *((xj, ONE) if xr != ONE else (ONE, xj))))

    def _function(self, e, i, j):
        name = getattr(e.func, "__name__", "")
        args = e.args
        if name in SCALAR_FUNCTIONS and len(args) == 1 and not args[0].is_commutative:
            return self._reduce(name, args[0])
        if len(args) == 1 and name.lower() == "softmax":
            return self._softmax(args[0], i, j)
        if len(args) == 1:
            return e.func(self.entry(args[0], i, j))        # entrywise
        return e.func(*(self._whole(a) for a in args))

    def _reduce(self, name: str, a):
        """sum(A) = Σ_ij A_ij, tr(A) = Σ_i A_ii, norm(A) = (Σ_ij A_ij²)^½ of a whole matrix."""
        r, c = self.shape(a)
        if name in ("tr", "trace", "Tr"):
            if r != c and r.is_number and c.is_number:
                raise ShapeMismatch(f"the trace of a {r}×{c} matrix")
            k = self.fresh(r)
            return Sum(self.entry(a, k, k), (k, ONE, r)) if k != ONE else self.entry(a, k, k)
        if name not in ("sum", "norm"):
            raise ShapeMismatch(f"{name} of a matrix is not read")
        p, q = self.fresh(r), self.fresh(c)
        body = self.entry(a, p, q)
        body = body if name == "sum" else body ** 2
        limits = [(x, ONE, n) for x, n in ((p, r), (q, c)) if x != ONE]
        total = Sum(body, *limits) if limits else body
        return total if name == "sum" else sympy.sqrt(total)

    def _softmax(self, z, i, j):
        r, c = self.shape(z)
        if c == ONE or r == ONE:
            k = self.fresh(r if c == ONE else c)
            pos = (k, ONE) if c == ONE else (ONE, k)
            return sympy.exp(self.entry(z, i, j)) / Sum(sympy.exp(self.entry(z, *pos)),
                                                        (k, ONE, r if c == ONE else c))
        self.sh._doubt("softmax of a matrix read row by row")
        k = self.fresh(c)
        return sympy.exp(self.entry(z, i, j)) / Sum(sympy.exp(self.entry(z, i, k)), (k, ONE, c))

    def _whole(self, a):
        """An argument of a function of whole vectors (``L(W, b)``): kept as the name."""
        if isinstance(a, Symbol) and not a.is_commutative:
            return Symbol(a.name)
        if a.is_commutative:
            return a
        raise ShapeMismatch(f"{a} as an argument of a function of several vectors")


def _partial(f, x):
    if not isinstance(x, (Symbol, Indexed, IndexedBase)):
        raise ShapeMismatch(f"cannot differentiate with respect to {x}")
    return Partial(f, x)


def _no(e, why):
    raise ShapeMismatch(f"{why}: {e}")
