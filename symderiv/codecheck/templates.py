"""A line's formula in index notation, read back from the entries it wrote, judged for every K.

A loop ``J[i][j] = -y[i] * y[j]`` read at K = 3 writes −y_1 y_1, −y_2 y_2, … on the diagonal:
put back as −y_i y_j with i = j, the line's formula is compared with the derived case of the
theorem (``softmax-jacobian``: y_i(1 − y_i) for i = j, −y_i y_j for i ≠ j), which holds for
every K; so the diagnosis says what the line writes and what it should, in index notation.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy
from sympy import Eq, IndexedBase, Symbol

from ..notation import beta as theorem_beta, index
from .numbers import as_sympy

__all__ = ["line_formulas", "derived_case", "describe"]

YI, YJ = Symbol("y_i"), Symbol("y_j")


def line_formulas(values, lines, row_symbols, batched: bool) -> dict:
    """{line: {"diag"|"off": formula in y_i, y_j or None}} for a K×K (or N×K×K) result."""
    out: dict = {}
    if values.ndim < 2:
        return out
    for idx in np.ndindex(values.shape):
        line = int(lines[idx])
        if line <= 0:
            continue
        *lead, a, b = idx
        syms = row_symbols[lead[0] if batched and lead else 0]
        val = as_sympy(values[idx])
        cls = "diag" if a == b else "off"
        rep = {syms[a]: YI}
        if a != b:
            rep[syms[b]] = YJ
        others = val.free_symbols & (set(syms) - set(rep))
        tmpl = None if others else val.xreplace(rep)
        slot = out.setdefault(line, {})
        if cls not in slot:
            slot[cls] = tmpl
        elif slot[cls] is not None and (tmpl is None or sympy.expand(slot[cls] - tmpl) != 0):
            slot[cls] = None
    return out


@lru_cache(maxsize=None)
def _cases():
    from ..derivations import derive
    d = derive("softmax-jacobian")
    i, j = index("i"), index("j")
    y = IndexedBase("y")
    out = {}
    for c in d.cases:
        cls = "diag" if isinstance(c.condition, Eq) else "off"
        out[cls] = c.rhs.xreplace({y[i]: YI, y[j]: YJ})
    return out


def derived_case(target_name: str, cls: str, beta=None):
    """The theorem's formula for the diagonal or the off-diagonal entries, or None."""
    if target_name not in ("softmax-jacobian", "softmax-jacobian-beta", "log-softmax-jacobian"):
        return None
    expr = _cases()[cls]
    if target_name == "log-softmax-jacobian":
        expr = sympy.factor(sympy.cancel(expr / YI))
    b = beta if target_name == "softmax-jacobian-beta" and beta is not None else 1
    return expr.xreplace({theorem_beta: b})


def _show(e) -> str:
    return sympy.sstr(e).replace("**2", "²").replace("*", "·")


def describe(formulas: dict, line: int, cls: str, target_name: str, beta=None,
             size: int | None = None) -> str | None:
    """'line N writes −y_i² where i = j (…); the derivation gives … for every K' or None."""
    tmpl = formulas.get(line, {}).get(cls)
    want = derived_case(target_name, cls, beta)
    if tmpl is None or want is None or sympy.expand(tmpl - want) == 0:
        return None
    where = "i = j" if cls == "diag" else "i ≠ j"
    if cls == "diag":
        tmpl, want = tmpl.xreplace({YJ: YI}), want.xreplace({YJ: YI})
    read = f"read at K = {size}, " if size else ""
    return (f"line {{line}} writes {_show(tmpl)} where {where} ({read}the same formula for "
            f"every such entry); the derivation (theorem softmax-jacobian, case {where}) gives "
            f"{_show(want)} for every K")
