"""``--against-latex``: a claim's right side, read by symderiv's reader, as the quantity.

Read: ``\\frac{\\partial y_i}{\\partial z_j} = EXPR`` (a Jacobian, K×K) and
``\\frac{\\partial L}{\\partial z_k} = EXPR`` (a gradient, K), where EXPR uses the entries of y and
z, δ, β and targets t.  The claim itself is also checked (``symderiv check``) and its verdict
shown beside, so code that matches a refuted claim is not taken for correct code.
"""
from __future__ import annotations

import numpy as np
import sympy
from sympy import Indexed, Symbol

from ..notation import Partial, SymderivError
from .numbers import as_sympy
from .targets import Target

__all__ = ["latex_target"]


def _read(claim: str, given):
    from ..read import read_formula
    from ..read.names import infer_notation
    notation = infer_notation([claim, *given])
    return read_formula(claim, notation)


def latex_target(claim: str, given=(), timeout: float = 10.0):
    """(Target, notes) or (None, the reason it is not read)."""
    try:
        f = _read(claim, tuple(given))
    except SymderivError as err:
        return None, f"the claim is not read: {str(err).splitlines()[0]}"
    if len(f.parts) != 2 or not isinstance(f.parts[0], Partial):
        return None, "only claims ∂y_i/∂z_j = … or ∂L/∂z_k = … are read for code"
    lhs, rhs = f.parts
    num, den = lhs.f, lhs.x
    if not isinstance(den, Indexed) or len(den.indices) != 1:
        return None, "the derivative is not taken with respect to one entry z_j"
    j = den.indices[0]
    zname = str(den.base)
    beta = next((s for s in rhs.free_symbols if str(s) in ("beta", "β")), None)
    names = {str(a.base) for a in rhs.atoms(Indexed)}
    if isinstance(num, Indexed) and len(num.indices) == 1 and num.indices[0] != j:
        i, yname = num.indices[0], str(num.base)
        if names - {yname, zname}:
            return None, (f"the right side uses {', '.join(sorted(names - {yname, zname}))}, "
                          "which is neither the differentiated quantity nor its variable")
        kind, roles = "jacobian", ("y",) + (("beta",) if beta is not None else ())
        entry = _jacobian_entry(rhs, i, j, yname, zname, beta)
    elif isinstance(num, Symbol) or isinstance(num, sympy.core.function.AppliedUndef):
        tname = next(iter(sorted(names - {"y", zname})), None) if names - {"y", zname} else None
        if names - {"y", zname} - ({tname} if tname else set()):
            return None, "the right side uses more than y, z and one target vector"
        kind, roles = "vector", ("y",) + (("t",) if tname else ())
        entry = _gradient_entry(rhs, j, "y", zname, tname)
    else:
        return None, "only ∂y_i/∂z_j = … or ∂L/∂z_k = … claims are read for code"
    free = {s for s in rhs.free_symbols if isinstance(s, Symbol) and not s.is_integer
            and s != beta and str(s) != "K" and str(s) not in names}
    if free:
        return None, f"the right side has unknown names: {', '.join(sorted(map(str, free)))}"
    fd = ("ce-grad" if kind == "vector" else
          "softmax-jacobian-beta" if beta is not None else "softmax-jacobian")
    tgt = Target("latex", f"the right side of {claim}", "the claim", sympy.sstr(rhs), roles,
                 kind, entry, fd=fd)
    return tgt, [_claim_verdict(claim, given, timeout)]


def _values(v, yname, zname):
    y = [as_sympy(e) for e in v["y"]]
    return {yname: y, zname: [sympy.log(e) for e in y]}


def _sub(expr, arrays, idx, beta, b):
    e = expr.xreplace({s: sympy.Integer(n + 1) for s, n in idx.items()})
    if e.has(sympy.Sum):
        e = e.doit()
    rep = {a: arrays[str(a.base)][int(a.indices[0]) - 1] for a in e.atoms(Indexed)}
    e = e.xreplace(rep)
    if beta is not None:
        e = e.xreplace({beta: as_sympy(b)})
    return sympy.simplify(e) if e.has(sympy.log) else e


def _jacobian_entry(rhs, i, j, yname, zname, beta):
    def entry(v):
        arrays = _values(v, yname, zname)
        n = len(arrays[yname])
        size = {s: n for s in rhs.free_symbols if str(s) == "K"}
        expr = rhs.xreplace({s: sympy.Integer(n) for s in size})
        out = np.empty((n, n), dtype=object)
        for a in range(n):
            for c in range(n):
                out[a, c] = _sub(expr, arrays, {i: a, j: c}, beta, v.get("beta", 1))
        return out
    return entry


def _gradient_entry(rhs, k, yname, zname, tname):
    def entry(v):
        arrays = _values(v, yname, zname)
        if tname:
            arrays[tname] = [as_sympy(e) for e in v["t"]]
        n = len(arrays[yname])
        expr = rhs.xreplace({s: sympy.Integer(n) for s in rhs.free_symbols if str(s) == "K"})
        return np.array([_sub(expr, arrays, {k: a}, None, 1) for a in range(n)], dtype=object)
    return entry


def _claim_verdict(claim, given, timeout) -> str:
    from ..api import check
    try:
        v = check(claim, list(given), timeout=timeout)
    except SymderivError as err:
        return f"the claim itself could not be checked: {str(err).splitlines()[0]}"
    return f"the claim itself is {v.status} by symderiv check" + (
        f" ({v.reason})" if v.status != "proved" and v.reason else "")
