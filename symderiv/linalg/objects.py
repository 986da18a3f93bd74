r"""The nodes of vector and matrix notation.

A whole vector or matrix is a non-commuting :class:`~sympy.Symbol` (``mat('W')``), so
``X^T dZ`` keeps its order as a SymPy ``Mul``; scalars stay commuting.  The operations are
non-commuting functions: ``Tr(X)`` (``X^T``, ``X^\top``), ``Hadamard(a, b)`` (``a \odot b``,
``a \circ b``), ``Diag(v)`` (``\mathrm{diag}(v)``) and ``Grad(f, X)`` (``∂f/∂X`` with a whole
vector or matrix on either side; its layout is chosen when the formula is put in index form).
A function applied to a whole name (``\sigma(Z)``, ``\tanh z``) acts entrywise.
"""
from __future__ import annotations

import sympy
from sympy import Function, Symbol


def mat(name: str) -> Symbol:
    """The whole vector or matrix called *name*."""
    return Symbol(name, commutative=False)


ONES = Symbol("\\mathbf{1}", commutative=False)    # the vector of ones
IDENTITY = "I"                                      # the identity, unless the text defines I


class MatrixOp(Function):
    is_commutative = False

    def _latex(self, printer, exp=None):
        out = self._tex(printer)     # (a power of it, x^T x squared: SymPy passes exp)
        return out if exp is None else f"\\left({out}\\right)^{{{exp}}}"


class Tr(MatrixOp):
    """The transpose."""
    nargs = 1

    @classmethod
    def eval(cls, x):  # safe: SymPy's evaluation hook for Tr(Tr(x)) = x, not Python eval
        if isinstance(x, Tr):
            return x.args[0]
        if x.is_commutative:
            return x

    def _tex(self, printer):
        inner = printer._print(self.args[0])
        return (inner if isinstance(self.args[0], Symbol) else r"\left(%s\right)" % inner) + "^T"


class Hadamard(MatrixOp):
    r"""The entrywise product ``a \odot b``."""
    nargs = 2

    def _tex(self, printer):
        return r" \odot ".join(r"\left(%s\right)" % printer._print(a) if a.is_Add else
                               printer._print(a) for a in self.args)


class Diag(MatrixOp):
    r"""``\mathrm{diag}(v)``: the diagonal matrix of a vector (or a matrix's diagonal)."""
    nargs = 1

    def _tex(self, printer):
        return r"\mathrm{diag}\left(%s\right)" % printer._print(self.args[0])


class Grad(MatrixOp):
    """``∂f/∂X`` where f or X is a whole vector or matrix."""
    nargs = 2

    def _tex(self, printer):
        return r"\frac{\partial %s}{\partial %s}" % (printer._print(self.args[0]),
                                                      printer._print(self.args[1]))


class Member(MatrixOp):
    """``x_i`` beside ``w^T``: the i-th of several vectors of the same shape (a sample); its
    entry k is ``x[i, k]``.  args: the family's name (a plain symbol) and the index."""
    nargs = 2

    @property
    def family(self) -> str:
        return f"{self.args[0]}_{{\\cdot}}"

    def _tex(self, printer):
        return f"{self.args[0]}_{{{printer._print(self.args[1])}}}"


def has_matrices(e) -> bool:
    """Does *e* hold a whole vector or matrix of this notation?"""
    if not isinstance(e, sympy.Basic):
        return False
    return any(isinstance(a, Symbol) and not a.is_commutative for a in e.atoms(Symbol)) or \
        bool(e.atoms(MatrixOp))
