r"""The LaTeX reader: normalisation, a Lark grammar with ambiguity kept, typing, SymPy objects.

>>> from symderiv.notation import index, K
>>> import sympy
>>> i, k = index('i'), index('k')
>>> read_expr(r'\frac{e^{z_i}}{\sum_k e^{z_k}}') == (
...     sympy.exp(sympy.IndexedBase('z')[i]) / sympy.Sum(sympy.exp(sympy.IndexedBase('z')[k]), (k, 1, K)))
True
>>> f = read_formula(r'dA = 2 x')
>>> f.parts[0], f.doubts
(dA, ('dA read as one name (a gradient), not d·A',))
>>> f.alternatives[0].parts[0]
A*d
"""
from .display import split_display, top_level_equals
from .formula import read_expr, read_formula
from .model import Declaration, Formula, IndexRange, LatexError, Notation, Reading

__all__ = [
    "LatexError", "Notation", "Formula", "Reading", "Declaration", "IndexRange",
    "read_formula", "read_expr", "split_display", "top_level_equals",
]
