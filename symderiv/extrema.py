r"""``\operatorname*{argmax}_j x_j``: the index where an expression of j is largest (smallest),
as an expression with its bound index (like a sum: j is not free outside it).  The reader
builds these; :mod:`symderiv.verify.extrema` decides a claim that two of them agree."""
from __future__ import annotations

from sympy.concrete.expr_with_limits import ExprWithLimits


class ArgExtremum(ExprWithLimits):
    """The index j (over its range) where *function* is largest or smallest."""
    word = ""

    def _latex(self, printer):
        j = self.limits[0][0]
        return (r"\operatorname*{%s}_{%s} %s" % (self.word, printer._print(j),
                                                  printer._print(self.function)))

    def _sympystr(self, printer):
        return f"{self.word}({printer._print(self.function)}, {printer._print(self.limits[0][0])})"


class ArgMax(ArgExtremum):
    word = "argmax"


class ArgMin(ArgExtremum):
    word = "argmin"
