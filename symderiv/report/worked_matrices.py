r"""Worked examples written in vectors and matrices: which formulas of an example's section are
about the example, and which are general.

A worked example has concrete sizes (``Z = (1.75, 1.75)``: two classes).  A matrix written
out with dots (``\begin{pmatrix} y_0(1 - y_0) & \dots \\ \vdots & \ddots \end{pmatrix}``) has
rows 0, 1, ..., n: a general size, so the formula is the general statement, not one about the
example's values (checked at the values, its n + 1 rows meet the example's 2).
"""
from __future__ import annotations

import re

__all__ = ["general_size"]

_MATRIX = re.compile(r"\\begin\{([pbBvV]?matrix)\}(.*?)\\end\{\1\}", re.S)
_DOTS = re.compile(r"\\(?:[lcv]?dots|ddots|dotsc|dotsb)\b|\.\.\.")


def general_size(latex: str) -> bool:
    r"""A formula holding a matrix written with dots (a general size, never the example's).

    >>> general_size(r"J = \begin{pmatrix} a_0 & \dots & a_n \\ \vdots & & \vdots \end{pmatrix}")
    True
    >>> general_size(r"J = \begin{pmatrix} 0.25 & -0.25 \\ -0.25 & 0.25 \end{pmatrix}")
    False
    >>> general_size(r"L = x_1 + \dots + x_n")
    False
    """
    return any(_DOTS.search(m.group(2)) for m in _MATRIX.finditer(latex))
