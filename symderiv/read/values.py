"""Arithmetic on read values with the checks the reader needs (matrices, huge numbers, 1/0)."""
from __future__ import annotations

import math

import sympy
from sympy import IndexedBase
from sympy.matrices.expressions import MatrixExpr

from symderiv.linalg.objects import Tr

from .model import MAX_DIGITS, LatexError


def is_matrix(x) -> bool:
    return isinstance(x, (sympy.MatrixBase, MatrixExpr))


def num_digits(x) -> float:
    try:
        v = abs(int(x.p)) if x.is_Rational else 0
        w = abs(int(x.q)) if x.is_Rational else 0
        return max(math.log10(v + 1), math.log10(w + 1))
    except (TypeError, ValueError, AttributeError):
        return 0.0


def power(b, e):
    if isinstance(b, sympy.Basic) and not b.is_commutative and isinstance(e, sympy.Symbol) \
            and e.name == "T":
        return Tr(b)                    # softmax(S)^T, (QK^T)^T in vector notation
    if is_matrix(b) or is_matrix(e):
        raise LatexError("powers of matrices are not supported", hint="write the product out")
    if getattr(b, "is_Number", False) and getattr(e, "is_Number", False):
        if e.is_Rational and num_digits(b) * max(abs(float(e)), 1) > MAX_DIGITS:
            return sympy.Pow(b, e, evaluate=False)
        if b == 0 and e.is_negative:
            raise LatexError("division by zero", hint="check the denominator")
    if getattr(b, "is_Pow", False) and getattr(e, "is_Number", False) and getattr(
            b.exp, "is_Number", False) and num_digits(b.base) * abs(float(b.exp)) > MAX_DIGITS:
        return sympy.Pow(b, e, evaluate=False)
    return sympy.Pow(b, e)


def mul(args):
    if any(is_matrix(a) for a in args):
        if any(isinstance(a, sympy.Basic) and not is_matrix(a) and not a.is_commutative
               for a in args):
            raise LatexError("an explicit matrix times a whole vector or matrix name",
                             hint="write the product entry by entry, or name the matrix")
        if any(isinstance(a, IndexedBase) for a in args):
            raise LatexError("cannot multiply a matrix and a vector name",
                             hint="write the product entry by entry")
        try:
            return sympy.MatMul(*args)
        except sympy.ShapeError as e:
            raise LatexError(f"matrix shapes do not fit for a product: {e}",
                             hint="check the sizes of the matrices") from None
    return sympy.Mul(*args)


def add(args):
    mats = [is_matrix(a) for a in args]
    if any(mats):
        if not all(mats):
            raise LatexError("cannot add a matrix and a scalar",
                             hint="write both sides as matrices")
        try:
            return sympy.MatAdd(*sorted(args, key=sympy.default_sort_key))
        except sympy.ShapeError as e:
            raise LatexError(f"matrix shapes do not fit for a sum: {e}",
                             hint="check the sizes of the matrices") from None
    return sympy.Add(*args)


def div(num, den):
    if is_matrix(den):
        raise LatexError("division by a matrix", hint="write the inverse explicitly")
    if den == 0:
        raise LatexError("division by zero", hint="check the denominator")
    if is_matrix(num):
        return mul([num, power(den, -1)])
    return num * power(den, -1)


def neg(x):
    return mul([sympy.Integer(-1), x]) if is_matrix(x) else -x
