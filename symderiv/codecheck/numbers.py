"""Numbers of the engine's own inputs and readings as SymPy objects, never from text."""
from __future__ import annotations

import sympy

__all__ = ["as_sympy"]


def as_sympy(x):
    """A Fraction, int, float or SymPy object as a SymPy number or expression; a string is
    refused (text is never parsed here).

    >>> from fractions import Fraction
    >>> as_sympy(Fraction(1, 3))
    1/3
    """
    if isinstance(x, (str, bytes)):
        raise TypeError("a string is never read as a number here")
    return sympy.sympify(x)  # safe: numbers and SymPy objects only, strings refused above
