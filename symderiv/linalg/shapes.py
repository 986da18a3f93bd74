"""Shapes by unification.

Every whole name gets a (rows, columns) pair of dimension variables; a product unifies the
inner dimensions, a sum and ``⊙`` unify both, ``X^T`` swaps, ``diag(v)`` of a vector is square,
a name under a division or a root is a scalar (``\\frac{1}{N}``), the name differentiated in a
gradient is a scalar (``∂L/∂W``).  What stays free is a size, symbolic: a claim is then decided
for every size.  Two dimensions that must agree but were stated different are a mismatch,
named with the operation that fails.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy
from sympy import Integer, Symbol
from sympy.core.function import AppliedUndef

from ..notation import SymderivError, size
from ..printer import to_latex
from .objects import IDENTITY, ONES, Diag, Grad, Hadamard, MatrixOp, Member, Tr

ONE = Integer(1)
# the layouts: "denominator" (∂L/∂X shaped as X, ∂y/∂x = Jᵀ), "numerator" (∂L/∂X shaped as Xᵀ,
# ∂y/∂x = J) and "mixed" (∂L/∂X shaped as X, ∂y/∂x = J: ∇_x L = Jᵀ ∇_y L, the Deep Learning book)
GRADIENT_AS_SHAPE = ("denominator", "mixed")
JACOBIAN_AS_IS = ("numerator", "mixed")
SCALAR_FUNCTIONS = {"tr", "trace", "sum", "norm", "det"}


class ShapeMismatch(SymderivError):
    """The shapes of a formula do not fit (the message names the operation); *declared* when
    the sizes that clash are the text's own (``W ∈ ℝ^{m×n}``, ``b ∈ ℝ^n``)."""

    def __init__(self, message: str, declared: bool = False):
        super().__init__(message)
        self.declared = declared


@dataclass
class Shapes:
    """Dimension variables, their values (a number) and the shape of every whole name."""
    layout: str = "denominator"
    parent: dict = field(default_factory=dict)
    value: dict = field(default_factory=dict)
    of: dict = field(default_factory=dict)        # name → (dim, dim)
    scalars: set = field(default_factory=set)     # whole names read as scalars
    doubts: list = field(default_factory=list)
    _pending: list = field(default_factory=list)
    _n: int = 0
    _sizes: dict = field(default_factory=dict)
    named: dict = field(default_factory=dict)      # a class → the size symbol the text uses
    elsewhere: set = field(default_factory=set)   # names used outside a gradient's numerator
    hints: dict = field(default_factory=dict)     # name → the axis that is 1 (a vector)
    defaults: bool = True                         # lowercase names are vectors (weakly)
    identity: bool = True                         # I, undefined, is the identity
    _broadcast: list = field(default_factory=list)
    _memo: dict = field(default_factory=dict)
    targets: set = field(default_factory=set)      # names the equations define
    numerators: set = field(default_factory=set)   # names differentiated (∂L/∂…)
    inner: bool = True       # u^T v of two lowercase names is their inner product (columns)
    pinned: dict = field(default_factory=dict)     # a size of the text → 1 (one sample)
    grids: set = field(default_factory=set)        # names the text writes with two indices

    # -- dimension variables --------------------------------------------------------------
    def new(self, value=None) -> int:
        self._n += 1
        self.parent[self._n] = self._n
        if value is not None:
            self.value[self._n] = Integer(value)
        return self._n

    def find(self, d: int) -> int:
        while self.parent[d] != d:
            self.parent[d] = self.parent[self.parent[d]]
            d = self.parent[d]
        return d

    def unify(self, a: int, b: int, what: str):
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        va, vb = self.value.get(a), self.value.get(b)
        if va is not None and vb is not None and va != vb:
            raise ShapeMismatch(f"{_what(what)}: a dimension {va} meets a dimension {vb}")
        na, nb = self.named.get(a), self.named.get(b)
        if na is not None and nb is not None and na != nb and va is None and vb is None:
            kept = self._counted_from_zero(na, nb)
            if kept is not None:   # rows 0..n written where a size K is meant: K = n + 1
                na = nb = self.named[a] = self.named[b] = kept
        if na is not None and nb is not None and na != nb and va is None and vb is None:
            raise ShapeMismatch(f"{_what(what)}: the size {na} meets the size {nb}",
                                declared=True)
        self.parent[a] = b
        if vb is None and va is not None:
            self.value[b] = va
        if nb is None and na is not None:
            self.named[b] = na

    def _counted_from_zero(self, na, nb):
        """The size K where a matrix written with rows 0..n (n + 1 of them) meets it, when
        n is no size of its own elsewhere in the formula; else None."""
        for x, y in ((na, nb), (nb, na)):
            last = _last_plus_one(x)
            if last is not None and isinstance(y, Symbol) and ("sym", str(last)) not in self.of:
                return y
        return None

    def is_one(self, d: int) -> bool:
        return self.value.get(self.find(d)) == ONE

    def dim(self, d: int):
        """A dimension as a number, or a size symbol (positive integer) shared by its class."""
        r = self.find(d)
        if r in self.value:
            return self.value[r]
        if r in self.named:
            return self.named[r]
        if r not in self._sizes:
            self._sizes[r] = Symbol(f"n_{len(self._sizes) + 1}", integer=True, positive=True)
        return self._sizes[r]

    def shape(self, name: str) -> tuple:
        return tuple(self.dim(d) for d in self.of[name])

    def name_shape(self, name: str) -> tuple[int, int]:
        if name not in self.of:
            self.of[name] = (self.new(), self.new())
            if name in self.hints:
                self.value[self.find(self.of[name][self.hints[name]])] = ONE
            if name == IDENTITY and self.identity:
                self.unify(self.of[name][0], self.of[name][1], "the identity I")
                self._doubt("I read as the identity matrix")
        return self.of[name]

    def declare(self, name: str, dims):
        """``name ∈ ℝ^{dims}``: numbers fix a dimension, a symbol is shared by name."""
        got = self.name_shape(name)
        for d, v in zip(got, dims):
            if v is None:
                continue
            if getattr(v, "is_Integer", False):
                self.unify(d, self.new(v), lambda: f"the declared shape of {name}")
            elif isinstance(v, Symbol):
                key = ("sym", str(v))
                if key not in self.of:
                    self.of[key] = (self.new(),)
                    self.named[self.of[key][0]] = v
                self.unify(d, self.of[key][0], lambda: f"the declared shape of {name}")

    # -- expressions ----------------------------------------------------------------------
    def of_expr(self, e):
        """(rows, cols) of *e*, or None for a scalar; unifies as it goes (once per
        subexpression: asked again, e.g. while translating, it gives the same classes)."""
        key = e if isinstance(e, sympy.Basic) else None
        if key is not None and key in self._memo:
            return self._memo[key]
        out = self._of_expr(e)
        if key is not None:
            self._memo[key] = out
        return out

    def _of_expr(self, e):
        hook = getattr(e, "_linalg_shape", None)   # nodes of linalg/differentials.py
        if hook is not None:
            return hook(self)
        if isinstance(e, sympy.FunctionMatrix):   # a matrix written with \dots: its size
            return tuple(self._written_dim(d, e) for d in e.shape)
        if not isinstance(e, sympy.Basic) or e.is_commutative and not e.atoms(MatrixOp):
            if isinstance(e, sympy.MatrixBase):
                return (self.new(e.rows), self.new(e.cols))
            return None
        if isinstance(e, Symbol):
            if e.name in self.scalars:
                return None
            return self.name_shape(e.name)
        if isinstance(e, Member):   # x_i of w^T x_i: every member has the family's shape
            return self.name_shape(e.family)
        if isinstance(e, sympy.Sum):   # a sum of vectors over samples has their shape
            return self.of_expr(e.function)
        if isinstance(e, sympy.Mul):
            pair = [f for f in e.args if not f.is_commutative]
            if self.inner and len(pair) == 2 and isinstance(pair[0], Tr) and all(
                    _vectorish(v, self.scalars) for v in (pair[0].args[0], pair[1])):
                # w^T x, w^T x_i: the inner product of two vectors, a number
                a, b = self.of_expr(pair[0].args[0]), self.of_expr(pair[1])
                if a is not None and b is not None:
                    self.unify(a[0], b[0], lambda: f"the inner product {_tex(e)}")
                    self.unify(a[1], self.new(1), lambda: f"the inner product {_tex(e)}")
                    self.unify(b[1], a[1], lambda: f"the inner product {_tex(e)}")
                    return None
            lead = leading_inner(e, self.scalars) if self.inner else None
            if lead is not None and self.of_expr(lead[0]) is None:
                return self.of_expr(lead[1])    # (y^T g) 1: a number times a vector
            acc = None
            for f in e.args:
                s = self.of_expr(f)
                if s is None:
                    continue
                if acc is not None:
                    self.unify(acc[1], s[0], lambda: f"the product {_tex(e)}")
                    acc = (acc[0], s[1])
                else:
                    acc = s
            return acc
        if isinstance(e, sympy.Add):
            acc, scalar = None, False
            for t in e.args:
                s = self.of_expr(t)
                if s is None:
                    scalar = True
                    continue
                if acc is not None:
                    self.unify(acc[0], s[0], lambda: f"the sum {_tex(e)}")
                    self.unify(acc[1], s[1], lambda: f"the sum {_tex(e)}")
                else:
                    acc = s
            if scalar and acc is not None:
                self._broadcast.append((acc, e))
            return acc
        if isinstance(e, sympy.Pow):
            s = self.of_expr(e.base)
            if s is None:
                return None
            if e.exp.is_Integer and e.exp > 0 and isinstance(e.base, (AppliedUndef, Hadamard))\
                    or e.exp.is_Integer and e.exp > 0 and isinstance(e.base, sympy.Function):
                self._doubt(f"{_tex(e)} read entrywise (the power of each entry)")
                return s
            if not isinstance(e.base, Symbol) and _entrywise(e.base):
                return s                  # 1/(1 + e^{-z}): σ written out, entry by entry
            if not (e.exp.is_Integer and e.exp > 0):
                try:                      # \sqrt{v + \epsilon}, 1/(n s): a number's root
                    self.unify(s[0], self.new(1), "a root or a division")
                    self.unify(s[1], self.new(1), "a root or a division")
                    return None
                except ShapeMismatch:
                    pass
            raise ShapeMismatch(f"the power {_tex(e)} of a matrix: a matrix power or an "
                                "entrywise one")
        if isinstance(e, Tr):
            s = self.of_expr(e.args[0])
            return None if s is None else (s[1], s[0])
        if isinstance(e, Hadamard):
            a, b = (self.of_expr(x) for x in e.args)
            if a is None or b is None:
                return a or b
            self.unify(a[0], b[0], lambda: f"the entrywise product {_tex(e)}")
            self.unify(a[1], b[1], lambda: f"the entrywise product {_tex(e)}")
            return a
        if isinstance(e, Diag):
            s = self.of_expr(e.args[0])
            if s is None:
                raise ShapeMismatch(f"diag of a scalar in {_tex(e)}")
            d = self.new()
            self._pending.append((s, d))
            return (d, d)
        if isinstance(e, Grad):
            return self._grad(e)
        if isinstance(e, sympy.Function):
            shapes = [self.of_expr(a) for a in e.args]
            name = getattr(e.func, "__name__", "")
            if len(e.args) == 1 and shapes[0] is not None and name not in SCALAR_FUNCTIONS:
                return shapes[0]             # σ(Z), tanh z, softmax(z): entrywise / same shape
            if name in ("tr", "trace") and shapes and shapes[0] is not None:
                self.unify(shapes[0][0], shapes[0][1], lambda: f"the trace {_tex(e)}")
            return None                      # L(W, b), tr(A): a scalar
        raise ShapeMismatch(f"{_tex(e)} in vector notation is not read")

    def _written_dim(self, d, e):
        """A dimension of a matrix written out: a number, or the size its last row names."""
        if d.is_Integer:
            return self.new(d)
        if isinstance(d, Symbol):
            key = ("sym", str(d))
            if key not in self.of:
                self.of[key] = (self.new(),)
                self.named[self.of[key][0]] = size(d.name)
            return self.of[key][0]
        shifted = _last_plus_one(d)
        if shifted is not None:   # rows 0..n written: n + 1 of them (worked_rows)
            key = ("sym+1", str(shifted))
            if key not in self.of:
                self.of[key] = (self.new(),)
                self.named[self.of[key][0]] = size(shifted.name) + 1
            return self.of[key][0]
        raise ShapeMismatch(f"a matrix written out with {d} rows or columns is not read")

    def _grad(self, e):
        f, x = e.args
        sx = self.of_expr(x)
        if isinstance(f, Symbol) and not f.is_commutative and f.name not in self.elsewhere:
            self.scalars.add(f.name)      # ∂L/∂W with L used nowhere else: the loss, a scalar
        sf = self.of_expr(f)
        if sf is not None and self.is_one(sf[0]) and self.is_one(sf[1]):
            sf = None                     # L = (y - t)^T (y - t): a 1×1, a scalar
        if sx is None:
            if sf is None:
                return None
            raise ShapeMismatch(f"{_tex(e)}: a vector differentiated by a scalar")
        if sf is None:
            return sx if self.layout in GRADIENT_AS_SHAPE else (sx[1], sx[0])
        nf, nx = self._length(sf), self._length(sx)
        for s, n, what in ((sx, nx, x), (sf, nf, f)):
            if s is sf and self.is_one(sf[0]) and self.is_one(sf[1]):
                break                     # the variable a vector makes f a 1×1: a gradient
            if n is None and self.value.get(self.find(s[0])) is None and \
                    self.value.get(self.find(s[1])) is None:
                # ∂y/∂z: a Jacobian of vectors (a matrix by a matrix would be a tensor)
                # (a Jacobian is of vectors: no other reading, so no doubt)
                self.unify(s[1], self.new(1), lambda: f"the Jacobian {_tex(e)}")
                if isinstance(what, Symbol) and _lowercase(what.name):
                    self.hints[what.name] = 1
        if self.is_one(sf[0]) and self.is_one(sf[1]):
            return sx if self.layout in GRADIENT_AS_SHAPE else (sx[1], sx[0])
        nf, nx = self._length(sf), self._length(sx)
        if nf is None or nx is None:
            raise ShapeMismatch(f"{_tex(e)}: a matrix differentiated by a matrix is a tensor "
                                "with four indices")
        return (nf, nx) if self.layout in JACOBIAN_AS_IS else (nx, nf)

    def _length(self, s):
        """The length of a vector (its dimension that is not 1), if its shape says so."""
        if self.is_one(s[1]):
            return s[0]
        if self.is_one(s[0]):
            return s[1]
        return None

    def finish(self):
        """Resolve ``diag`` (of a row vector, of a column vector – the default –, of a
        matrix), then the weak default: a lowercase name is a vector (``x``, ``w_a``,
        ``\\delta``), a row where its rows are free and its columns are shared, else a
        column – each such choice a doubt of the reading."""
        self._diag()
        members: dict = {}
        for key, dims in self.of.items():
            if isinstance(key, str):
                for d in dims:
                    members[self.find(d)] = members.get(self.find(d), 0) + 1
        for name, dims in list(self.of.items()):
            if not isinstance(name, str):
                continue
            r, c = dims
            if name in self.scalars or not _lowercase(name) or \
                    not self.defaults and not name.startswith(ONES.name):
                continue
            if self.is_one(r) or self.is_one(c) or self.find(r) in self.value and \
                    self.find(c) in self.value:
                continue
            if self.find(r) == self.find(c):
                if name.startswith(ONES.name):
                    raise ShapeMismatch(f"{ONES.name} would be a square matrix, not a vector")
                self._doubt(f"{name} read as a square matrix: a lowercase name, and its shape "
                            "fits only so")
                continue
            row = members.get(self.find(r), 0) <= 1 < members.get(self.find(c), 0) and \
                self.find(r) not in self.value
            try:
                self.unify(r if row else c, self.new(1), "a vector")
            except ShapeMismatch:
                continue
            self._doubt(f"{name} read as a {'row' if row else 'column'} vector (a lowercase "
                        "name)")
            self.hints[name] = 0 if row else 1
        for name, dims in self.of.items():
            if isinstance(name, str) and name not in self.scalars and \
                    name not in self.targets and name not in self.numerators and \
                    self.is_one(dims[0]) and self.is_one(dims[1]):
                raise ShapeMismatch(f"{name} would be 1×1 (a number), not a vector or a matrix")
        for acc, e in self._broadcast:
            if not (self.is_one(acc[0]) or self.is_one(acc[1])):   # 1 - a of a vector: entrywise
                self._doubt(f"a number added to a matrix in {_tex(e)} read entrywise "
                            "(every entry), not as a multiple of the identity")
        return self

    def _diag(self):
        for s, d in self._pending:
            if self.is_one(s[0]) and not self.is_one(s[1]):
                self.unify(d, s[1], "diag")
            else:
                self.unify(s[1], self.new(1), "diag of a vector")
                self.unify(d, s[0], "diag")
        self._pending.clear()
        return self

    def _doubt(self, text: str):
        if text not in self.doubts:
            self.doubts.append(text)


def _vectorish(v, scalars) -> bool:
    """A lowercase whole name (or the i-th of a family, ∇_y L, f(z) of one): a vector."""
    if isinstance(v, Member):
        return True
    if isinstance(v, Symbol):
        return not v.is_commutative and _lowercase(v.name) and v.name not in scalars
    if isinstance(v, Grad):
        return isinstance(v.args[0], Symbol) and _vectorish(v.args[1], scalars)
    if isinstance(v, sympy.Function) and not isinstance(v, MatrixOp) and len(v.args) == 1:
        return _vectorish(v.args[0], scalars)
    return False


def leading_inner(e, scalars=()):
    """``(y^T g) 1``, ``1^T e^z 1``: a product led by the inner product of two vectors, read as
    that number times the rest — (the inner product, the rest) or None."""
    if not isinstance(e, sympy.Mul):
        return None
    nc = [f for f in e.args if not f.is_commutative]
    if len(nc) < 3 or not isinstance(nc[0], Tr) or not _vectorish(nc[0].args[0], scalars) \
            or not _vectorish(nc[1], scalars):
        return None
    return sympy.Mul(nc[0], nc[1]), sympy.Mul(*[f for f in e.args if f.is_commutative], *nc[2:])


def _what(what) -> str:
    return what() if callable(what) else what


def _tex(e) -> str:
    try:
        return to_latex(e)
    except (Exception, RecursionError):        # noqa: BLE001 - a message only
        try:
            return sympy.sstr(e)
        except (Exception, RecursionError):    # noqa: BLE001
            return "the expression"


def _entrywise(e) -> bool:
    """An expression built from functions applied entrywise (``1 + e^{-Wx}``): sums, scalar
    multiples and powers of applications, no bare matrix and no matrix product outside a
    function; its powers are the powers of its entries."""
    if e.is_commutative:
        return True
    if isinstance(e, sympy.Function) and not isinstance(e, MatrixOp):
        return True
    if isinstance(e, sympy.Add):
        return all(_entrywise(a) for a in e.args)
    if isinstance(e, sympy.Mul):
        return sum(not a.is_commutative for a in e.args) <= 1 and all(
            _entrywise(a) for a in e.args)
    if isinstance(e, sympy.Pow):
        return _entrywise(e.base)
    return False


def _lowercase(name: str) -> bool:
    if name.startswith(ONES.name):
        return True
    base = name.split("_")[0].split("^")[0].rstrip("'")
    return len(base) == 1 and base.islower() or base in ("delta", "theta")


def _last_plus_one(d):
    """``n + 1`` (a matrix written with rows 0, 1, ..., n): the symbol n, else None."""
    if isinstance(d, sympy.Add) and len(d.args) == 2 and Integer(1) in d.args:
        rest = [a for a in d.args if a != 1][0]
        if isinstance(rest, Symbol):
            return rest
    return None
