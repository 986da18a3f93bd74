r"""The chain rule through a vector to a matrix: ``∂L/∂W = ∂L/∂y ∂y/∂W``.

With y a vector and W a matrix, ∂y/∂W has three indices (``∂y_d/∂W_ab``); the only reading
of the product in which the shapes fit is the chain rule, summed over y's index:
``(∂L/∂W)_ab = Σ_d ∂L/∂y_d ∂y_d/∂W_ab``, shaped as ∂L/∂W (W in the denominator layout, Wᵀ
in the numerator layout).  That reading is said as a doubt of the reading (so nothing is
refuted through it).  Where W turns out a vector, the product is the usual product of a
gradient and a Jacobian.
"""
from __future__ import annotations

import sympy
from sympy import Symbol

from ..notation import Partial
from .objects import Grad, MatrixOp  # noqa: F401 (Grad: the args)
from .shapes import GRADIENT_AS_SHAPE, ONE

DOUBT = ("read as the chain rule through the vector {y}: ∂{y}/∂{x} has three indices "
         "(∂{y}_d/∂{x}_ab), the product summed over the index of {y}")


class ChainContraction(MatrixOp):
    """``∂f/∂y ∂y/∂X``: args the two gradients (y and X whole names)."""
    nargs = 2

    @property
    def product(self):
        return sympy.Mul(*self.args)

    @property
    def names(self):
        """(f, y, X)."""
        return self.args[0].args[0], self.args[0].args[1], self.args[1].args[1]

    def _tex(self, printer):
        return printer._print(self.product)

    def _reads(self, sh):
        """(the length of y, y a column?) when the contraction is the reading, else None."""
        f, y, x = self.names
        if sh.of_expr(f) is not None:
            return None
        sy, sx = sh.of_expr(y), sh.of_expr(x)
        if sy is None or sx is None or not all(_more_than_one(sh, d) for d in sx):
            return None
        if sh.is_one(sy[1]) and not sh.is_one(sy[0]):
            return sy[0], True
        if sh.is_one(sy[0]) and not sh.is_one(sy[1]):
            return sy[1], False
        return None

    def _linalg_shape(self, sh):
        if self._reads(sh) is None:
            return sh.of_expr(self.product)
        _, y, x = self.names
        sh._doubt(DOUBT.format(y=y, x=x))
        sx = sh.of_expr(x)
        return sx if sh.layout in GRADIENT_AS_SHAPE else (sx[1], sx[0])

    def _linalg_entry(self, form, i, j):
        got = self._reads(form.sh)
        if got is None:
            return form.entry(self.product, i, j)
        f, y, x = self.names
        n, column = got
        n = form.sh.dim(n)
        d = form.fresh(n, "d")
        yd = form.entry(y, d, ONE) if column else form.entry(y, ONE, d)
        a, b = (i, j) if form.sh.layout in GRADIENT_AS_SHAPE else (j, i)
        body = Partial(form.entry(f, ONE, ONE), yd) * Partial(yd, form.entry(x, a, b))
        return sympy.Sum(body, (d, ONE, n)) if d != ONE else body


def _more_than_one(sh, d) -> bool:
    """A dimension known to be no 1: a size of the text's, or a number above 1."""
    r = sh.find(d)
    v = sh.value.get(r)
    return v is not None and v > 1 or v is None and r in sh.named


def chain_contractions(e):
    """*e* with each product ``∂f/∂y ∂y/∂X`` (y, X whole names) a :class:`ChainContraction`."""
    if not isinstance(e, sympy.Basic) or e.is_commutative:
        return e

    def is_pair(m):
        nc = [a for a in m.args if not a.is_commutative]
        return len(nc) == 2 and all(isinstance(g, Grad) for g in nc) and \
            isinstance(nc[0].args[1], Symbol) and nc[0].args[1] == nc[1].args[0] and \
            not nc[0].args[1].is_commutative and isinstance(nc[1].args[1], Symbol) and \
            not nc[1].args[1].is_commutative

    def contract(m):
        nc = [a for a in m.args if not a.is_commutative]
        rest = [a for a in m.args if a.is_commutative]
        return sympy.Mul(*rest) * ChainContraction(nc[0], nc[1])
    return e.replace(lambda m: isinstance(m, sympy.Mul) and is_pair(m), contract)


__all__ = ["ChainContraction", "chain_contractions"]
