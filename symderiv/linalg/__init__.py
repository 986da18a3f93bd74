"""Vector and matrix notation: whole names as non-commuting symbols, their shapes inferred
from the formulas that use them, and every vector formula translated to index form so the
calculus checks it entry by entry, for every size.

``objects``    the nodes the reader builds (``X^T`` → ``Tr(X)``, ``⊙``, ``diag``, ``∂L/∂W``)
``shapes``     the shapes of one reading, by unification
``inference``  shape inference over the formulas of one reading (the weak defaults tried)
``index_form`` the entry (i, j) of a matrix expression as a scalar expression with sums
"""
from .objects import Diag, Grad, Hadamard, Tr, has_matrices, mat
from .shapes import Shapes, ShapeMismatch
from .inference import infer
from .index_form import IndexForm

__all__ = ["Diag", "Grad", "Hadamard", "Tr", "has_matrices", "mat", "Shapes", "ShapeMismatch",
           "infer", "IndexForm"]
