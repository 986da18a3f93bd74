r"""LaTeX out: SymPy's printer, with names and indices written the way
:func:`symderiv.read.read_formula` reads them back (the parse echo)."""
from __future__ import annotations

import re

import sympy
from sympy import Indexed, IndexedBase, Integer, Symbol
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

__all__ = ["to_latex"]

# a Latin name or a labelled one (y_{true}), which the reader takes as applied to a bracket
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma",
    "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta",
    "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", "ell",
}


# a name before a bracket: Latin letters, a Greek or \ell command, a \mathrm{..} word, with a
# word subscript (y_{true}); in a product it needs a \cdot, or the reader applies the name
_NAME_BRACKET = re.compile(
    r"((?:\\(?:mathrm|operatorname|text|mathit)\{[A-Za-z]+\}|\\(?:" + "|".join(sorted(_GREEK))
    + r")(?![A-Za-z])|(?<![\\A-Za-z{])[A-Za-z]+)(?:_\{[A-Za-z]{2,}\})?)\s+\\left\(")


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer, with names and indices written the way :func:`read_formula` reads."""

    printmethod = "_latex"

    def __init__(self):
        super().__init__({"mul_symbol": None, "fold_short_frac": False, "mat_str": "pmatrix",
                          "mat_delim": "", "ln_notation": False})

    def _print_Mul(self, expr):
        # y_{true} (z_i)^2 reads as y_{true} applied to z_i: a name then a bracket is a product
        # only with a \cdot between them
        return _NAME_BRACKET.sub(r"\1 \\cdot \\left(", super()._print_Mul(expr))

    @staticmethod
    def name(n: str) -> str:
        if n.endswith("'"):
            return _Printer.name(n[:-1]) + "'"
        m = re.fullmatch(r"([^\^_]+)(\^\{.*\})?(_\{.*\})?", n)
        if m and (m.group(2) or m.group(3)):
            return _Printer.name(m.group(1)) + (m.group(2) or "") + (m.group(3) or "")
        if n in _GREEK:
            return "\\" + n
        if re.fullmatch(r"[A-Za-z]", n) or n.startswith("\\"):
            return n
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", n):
            return r"\mathrm{%s}" % n
        return n

    def _print_Symbol(self, expr, style="plain"):
        return self.name(expr.name)

    _print_Dummy = _print_Symbol

    def _print_IndexedBase(self, expr):
        return self.name(str(expr.label))

    def _indices(self, idx) -> str:
        if all(isinstance(i, Symbol) for i in idx):
            return " ".join(self._print(i) for i in idx)
        if len(idx) > 1 and all(isinstance(i, (Symbol, Integer)) and not (
                isinstance(i, Integer) and i < 0) for i in idx):
            return " ".join(self._print(i) for i in idx)
        return ", ".join(self._print(i) for i in idx)

    def _print_Indexed(self, expr):
        return "%s_{%s}" % (self.name(str(expr.base.label)), self._indices(expr.indices))

    def _print_KroneckerDelta(self, expr, exp=None):
        out = r"\delta_{%s}" % self._indices(expr.args)
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, AppliedUndef):
            name = expr.func.__name__
            head = name if re.fullmatch(r"[A-Za-z]+'*", name) else self.name(name)
            out = r"%s\left(%s\right)" % (head, ", ".join(self._print(a) for a in expr.args))
            return out if exp is None else r"%s^{%s}" % (r"\left(%s\right)" % out, exp)
        return super()._print_Function(expr, exp)

    def _print_log(self, expr, exp=None):
        out = r"\log{\left(%s \right)}" % self._print(expr.args[0])
        return out if exp is None else r"\log^{%s}{\left(%s \right)}" % (
            exp, self._print(expr.args[0]))

    def _print_Pow(self, expr):
        b = expr.base
        if isinstance(b, (Symbol, Indexed, IndexedBase)) and expr.exp.is_Rational and not (
                expr.exp.is_negative or expr.exp.q != 1):
            base = self._print(b)
            if "^" in base or "'" in base:
                return r"\left(%s\right)^{%s}" % (base, self._print(expr.exp))
            return "%s^{%s}" % (base, self._print(expr.exp))
        return super()._print_Pow(expr)

    def _print_ImmutableDenseMatrix(self, expr):
        rows = [" & ".join(self._print(x) for x in expr.row(k)) for k in range(expr.rows)]
        return r"\begin{pmatrix}%s\end{pmatrix}" % r" \\ ".join(rows)

    _print_ImmutableMatrix = _print_ImmutableDenseMatrix
    _print_MutableDenseMatrix = _print_ImmutableDenseMatrix

    def _print_FunctionMatrix(self, expr):
        """Rows and columns 0, 1, ..., last with dots between: what the reader reads back."""
        (rv, cv), entry = expr.lamda.variables, expr.lamda.expr
        diag = off = entry
        if isinstance(entry, sympy.Piecewise) and len(entry.args) == 2:
            diag, off = entry.args[0].expr, entry.args[1].expr

        def seq(n):
            if n.is_Integer and n <= 4:
                return list(range(int(n)))
            return [Integer(0), Integer(1), None, n - 1]

        rows, cols = seq(expr.shape[0]), seq(expr.shape[1])
        lines = []
        for r in rows:
            cells = []
            for c in cols:
                if r is None:
                    cells.append(r"\ddots" if c is None else r"\vdots")
                elif c is None:
                    cells.append(r"\cdots")
                else:
                    e = diag if r == c else off
                    cells.append(self._print(e.xreplace({rv: r, cv: c})))
            lines.append(" & ".join(cells))
        return r"\begin{pmatrix}%s\end{pmatrix}" % r" \\ ".join(lines)

    def _print_Sum(self, expr):
        return self._bigop(expr, r"\sum")

    def _print_Product(self, expr):
        return self._bigop(expr, r"\prod")

    def _bigop(self, expr, op):
        tex = ""
        for v, lo, hi in expr.limits:
            tex += r"%s_{%s=%s}^{%s} " % (op, self._print(v), self._print(lo), self._print(hi))
        f = expr.function
        body = self._print(f)
        if f.is_Add or sympy.core.function._coeff_isneg(f) or body.lstrip().startswith("-"):
            body = r"\left(%s\right)" % body
        return tex + body


def to_latex(expr) -> str:
    r"""LaTeX for *expr* that :func:`read_expr` reads back (the parse echo).

    >>> from symderiv.notation import index
    >>> to_latex(IndexedBase('A^{O}')[index('i')])
    'A^{O}_{i}'
    """
    from symderiv.read.model import Formula
    if isinstance(expr, Formula):
        if not expr.parts:
            return expr.latex
        out = to_latex(expr.parts[0])
        for rel, part in zip(expr.relations, expr.parts[1:]):
            out += f" {rel} {to_latex(part)}"
        if expr.conditions:
            out = ", ".join(to_latex(c) for c in expr.conditions) + ": " + out
        return out
    return _Printer().doprint(expr)

