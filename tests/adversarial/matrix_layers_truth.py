"""Independent truth for the layer claims of tests/data/matrix_layers.json: explicit SymPy
matrices at sizes 2 and 3, never symderiv.

A case names the shape of every whole name (``sizes``: name -> (rows, cols), each a size
symbol such as "n" or a number; ``()`` for a scalar), its definitions (``defs``: name ->
function of the space giving the value) and ``enc(S, lay) -> (lhs, rhs)``.  Derivatives are
taken by :meth:`Space.d` exactly as the ML convention reads them: ``∂F/∂X`` expands F through
the definitions down to X (never X's own definition: the other names are held fixed), then
differentiates entrywise.  Layouts:

* ``denominator``: ``∂L/∂X`` has X's shape, ``∂y/∂x`` is ``J^T`` (``(i, j) = ∂y_j/∂x_i``);
* ``numerator``: ``∂L/∂X`` is X's transpose, ``∂y/∂x`` is ``J`` (``(i, j) = ∂y_i/∂x_j``);
* ``mixed``: gradients of a scalar in X's shape, Jacobians ``J`` (the Deep Learning book's
  ``∇_x z = (∂y/∂x)^T ∇_y z``).

Every size symbol takes the values 2 and 3 in assignments chosen so that any two size
symbols differ in one of them (and each is 2 in one and 3 in another).  A layout *fits* when
both sides have one shape at every assignment; it *holds* when it fits and the sides agree
at random rational points (exact substitution, 40-digit evaluation) at every assignment.
TRUE: some layout holds; FALSE: some layout fits and none holds; NULL: no layout fits.
"""
from __future__ import annotations

import itertools
import random

import sympy as sp
from sympy.matrices.common import ShapeError

LAYOUTS = ("denominator", "numerator", "mixed")
POSITIVE = {"delta", "epsilon", "N", "n", "d", "tau"}   # scalar parameters taken positive


class Misfit(Exception):
    pass


def assignments(symbols):
    """Size values in {2, 3}: bit b of a symbol's number, and its complement."""
    symbols = sorted(symbols)
    if not symbols:
        return [{}]
    bits = max(1, (len(symbols) - 1).bit_length())
    out = []
    for b in range(bits):
        for flip in (0, 1):
            out.append({s: 2 + (((k >> b) & 1) ^ flip) for k, s in enumerate(symbols)})
    return out


class Space:
    def __init__(self, sizes, dims, defs):
        self.sizes, self.dims, self.defs, self.c = sizes, dims, defs, {}
        self._subs = None

    def dim(self, d):
        return d if isinstance(d, int) else self.dims[d]

    def shape(self, name):
        s = self.sizes[name]
        return None if s == () else (self.dim(s[0]), self.dim(s[1]))

    def __getitem__(self, name):
        if name not in self.c:
            sh = self.shape(name)
            if sh is None:
                self.c[name] = sp.Symbol(name, positive=name in POSITIVE, real=True)
            else:
                self.c[name] = sp.Matrix(sh[0], sh[1], lambda i, j: sp.Symbol(
                    f"{name}[{i + 1},{j + 1}]", real=True))
        return self.c[name]

    def ones(self, r, c=1):
        return sp.ones(r, c)

    def value(self, name):
        """The definition of *name* at this size (entries in the other names' symbols)."""
        v = self.defs[name](self)
        if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) and self.shape(name) is None:
            v = v[0, 0]
        return v

    def _map(self, name):
        sym, val = self[name], self.value(name)
        if isinstance(sym, sp.MatrixBase):
            if not isinstance(val, sp.MatrixBase) or val.shape != sym.shape:
                raise Misfit(f"definition of {name}")
            return dict(zip(sym, val))
        if isinstance(val, sp.MatrixBase):
            if val.shape != (1, 1):
                raise Misfit(f"definition of {name}")
            val = val[0, 0]
        return {sym: val}

    def owner(self, sym):
        """The whole name whose entry (or value) the symbol *sym* is."""
        for name, v in self.c.items():
            if v == sym or isinstance(v, sp.MatrixBase) and sym in v:
                return name
        return None

    def expand(self, e, keep=None):
        """*e* through the definitions, down to the leaves (or to *keep*)."""
        for _ in range(50):
            names = {self.owner(s) for s in getattr(e, "free_symbols", ())}
            names = {n for n in names if n in self.defs and n != keep}
            if not names:
                return e
            maps = {}
            for name in names:
                maps.update(self._map(name))
            e = e.xreplace(maps)
        raise Misfit("definitions that do not end")

    def d(self, F, X, lay):
        """∂F/∂X in layout *lay* (F an expression of the names, X a name)."""
        F = self.expand(F, keep=X) if not isinstance(F, str) else self.expand(self[F], keep=X)
        x = self[X]
        if isinstance(F, sp.MatrixBase) and F.shape == (1, 1):
            F = F[0, 0]
        if not isinstance(F, sp.MatrixBase):
            if not isinstance(x, sp.MatrixBase):
                return sp.diff(F, x)
            G = x.applyfunc(lambda s: sp.diff(F, s))
            return G if lay in ("denominator", "mixed") else G.T
        if not isinstance(x, sp.MatrixBase) or 1 not in F.shape or 1 not in x.shape:
            raise Misfit("a tensor")
        J = sp.Matrix(len(F), len(x), lambda i, j: sp.diff(F[i], x[j]))
        return J if lay in ("numerator", "mixed") else J.T


# ---------------------------------------------------------------- matrix helpers
def had(*ms):
    out = ms[0]
    for m in ms[1:]:
        if not isinstance(out, sp.MatrixBase) or not isinstance(m, sp.MatrixBase) or \
                out.shape != m.shape:
            raise Misfit("hadamard")
        out = out.multiply_elementwise(m)
    return out


def diag(v):
    if not isinstance(v, sp.MatrixBase) or 1 not in v.shape:
        raise Misfit("diag")
    return sp.diag(*list(v))


def ew(f, m):
    return m.applyfunc(f) if isinstance(m, sp.MatrixBase) else f(m)


def sig(x):
    return 1 / (1 + sp.exp(-x))


def softmax(z):
    e = [sp.exp(x) for x in z]
    s = sum(e)
    return sp.Matrix(z.shape[0], z.shape[1], [x / s for x in e])


def softmax_rows(Z):
    return sp.Matrix.vstack(*[softmax(Z[r, :]) for r in range(Z.rows)])


def logsoftmax(z):
    s = sp.log(sum(sp.exp(x) for x in z))
    return z.applyfunc(lambda x: x - s)


def mm(*ms):
    out = ms[0]
    for m in ms[1:]:
        if isinstance(out, sp.MatrixBase) and isinstance(m, sp.MatrixBase) and \
                out.shape[1] != m.shape[0]:
            raise Misfit("product")
        out = out * m
    return out


def scal(m):
    if isinstance(m, sp.MatrixBase):
        if m.shape != (1, 1):
            raise Misfit("not 1x1")
        return m[0, 0]
    return m


def tr(m):
    if m.shape[0] != m.shape[1]:
        raise Misfit("trace")
    return m.trace()


def huber(r, delta):
    return sp.Piecewise((r ** 2 / 2, sp.Abs(r) <= delta), (delta * (sp.Abs(r) - delta / 2), True))


def linear_in(S, name, up="G"):
    """An undefined scalar L on *name* with ∂L/∂name = the matrix *up*: L = Σ up ⊙ name."""
    x, g = S[name], S[up]
    if g.shape != x.shape:
        raise Misfit("upstream")
    return sum(a * b for a, b in zip(g, x))


# ---------------------------------------------------------------- deciding
def _same(lhs, rhs, rng, syms_pos):
    if not isinstance(lhs, sp.MatrixBase):
        lhs = sp.Matrix([[lhs]])
    if not isinstance(rhs, sp.MatrixBase):
        rhs = sp.Matrix([[rhs]])
    if lhs.shape != rhs.shape:
        raise Misfit(f"sides {lhs.shape} vs {rhs.shape}")
    diff = lhs - rhs
    syms = sorted(diff.free_symbols, key=str)
    for _ in range(4):
        sub = {}
        for s in syms:
            v = sp.Rational(rng.randint(-9, 9) or 1, rng.randint(1, 4))
            sub[s] = abs(v) if s.is_positive else v
        for e in diff:
            v = sp.N(e.xreplace(sub), 40)
            if v.has(sp.nan, sp.zoo) or abs(v) > 1e-25:
                return False
    return True


def truth(case, verbose=False):
    """(label, layouts that fit, layouts that hold) for a case (see the module docstring)."""
    rng = random.Random(12)
    symbols = {d for s in case["sizes"].values() for d in s if isinstance(d, str)}
    lays = case["layouts"]
    fits = {lay: True for lay in lays}
    holds = {lay: True for lay in lays}
    for dims in assignments(symbols):
        S = Space(case["sizes"], dims, case["defs"])
        for lay in lays:
            try:
                S.lay = lay
                lhs, rhs = case["enc"](S, lay)
                lhs, rhs = S.expand(sp.sympify(lhs)), S.expand(sp.sympify(rhs))
                sub = case["cond"](S) if case.get("cond") else {}
                lhs, rhs = sp.sympify(lhs).xreplace(sub), sp.sympify(rhs).xreplace(sub)
                ok = _same(lhs, rhs, rng, POSITIVE)
            except (Misfit, ShapeError, ValueError, TypeError) as e:
                if verbose:
                    print(case["id"], lay, dims, "misfit", e)
                fits[lay] = holds[lay] = False
                continue
            holds[lay] = holds[lay] and ok
    fit = [lay for lay in lays if fits[lay]]
    held = [lay for lay in lays if holds[lay]]
    label = True if held else False if fit else None
    return label, fit, held
