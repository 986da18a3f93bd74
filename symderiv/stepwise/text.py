"""Plain-text (Unicode) printing of index expressions for step names and terminals:
Σ_j t_j, δ_ij, ∂L/∂y_j, y_k (1 − y_k)."""
from __future__ import annotations

import sympy
from sympy.printing.str import StrPrinter

__all__ = ["show"]

_GREEK = {"beta": "β", "mu": "μ", "sigma": "σ", "epsilon": "ε", "ell": "ℓ", "alpha": "α",
          "gamma": "γ", "lambda": "λ", "tau": "τ", "theta": "θ", "eta": "η", "delta": "δ"}


class _Text(StrPrinter):
    printmethod = "_symderiv_text"   # never the objects' own _sympystr

    def _print_Symbol(self, e):
        return _GREEK.get(e.name, e.name)

    def _print_Indexed(self, e):
        idx = "".join(self._print(i) for i in e.indices)
        return f"{self._print(e.base.label)}_{idx if len(idx) == 1 else '{' + idx + '}'}"

    def _print_KroneckerDelta(self, e):
        return f"δ_{{{self._print(e.args[0])}{self._print(e.args[1])}}}"

    def _print_Sum(self, e):
        body = self._print(e.function)
        if isinstance(e.function, sympy.Add):
            body = f"({body})"
        subs = [self._print(v) for v, _, _ in e.limits]
        return f"Σ_{subs[0]} {body}" if len(subs) == 1 else f"Σ_{{{','.join(subs)}}} {body}"

    def _print_Partial(self, e):
        f = self._print(e.f)
        if len(f) > 12 or not isinstance(e.f, (sympy.Symbol, sympy.Indexed)):
            return f"∂({f})/∂{self._print(e.x)}"
        return f"∂{f}/∂{self._print(e.x)}"

    def _print_Add(self, e, order=None):
        terms = list(e.args)
        pos = [t for t in terms if not t.could_extract_minus_sign()]
        neg = [t for t in terms if t.could_extract_minus_sign()]
        out = " + ".join(self._print(t) for t in pos) if pos else ""
        for t in neg:
            inner = self._print(-t)
            if isinstance(-t, sympy.Add):
                inner = f"({inner})"
            out = f"{out} − {inner}" if out else f"−{inner}"
        return out

    def _print_Pow(self, e, rational=False):
        if isinstance(e.base, sympy.Sum) and e.exp != -1:
            p = self._print(e.exp) if e.exp.is_Integer and e.exp > 0 else f"({self._print(e.exp)})"
            return f"({self._print(e.base)})**{p}"
        return super()._print_Pow(e, rational)

    def _print_Exp1(self, e):
        return "e"

    def _print_exp(self, e):
        return f"e^({self._print(e.args[0])})"


def show(e) -> str:
    """*e* as plain text: Σ_j t_j = 1, ∂L/∂z_k, y_k − t_k."""
    if isinstance(e, (sympy.Eq, sympy.Ne)):
        op = " = " if isinstance(e, sympy.Eq) else " ≠ "
        return show(e.lhs) + op + show(e.rhs)
    out = _Text({"order": "none"}).doprint(e)
    return out.replace("**", "^").replace("*", " ").replace(" - ", " − ")
