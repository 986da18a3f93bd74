"""Run the NumPy code symderiv generates (ours, printed from SymPy, so running it in a test is
fine) against central finite differences and against the exact values of the SymPy result."""
from __future__ import annotations

import numpy as np
import sympy
from sympy import Indexed, Sum

from symderiv.stepwise.numpy_code import numpy_function
from symderiv.notation import Partial, base_name, substitute

SIZES = (3, 4, 2, 5, 3, 2)


def compiled(d):
    nf = numpy_function(d)
    ns: dict = {}
    exec(compile(nf.source, "<symderiv-generated>", "exec"), ns)   # our own generated code
    return nf, ns


def inputs(d, nf, seed=0):
    """Random arguments (by parameter), the sizes chosen, and the values by document name."""
    rng = np.random.default_rng(seed)
    syms = sorted({s for _, _, _, ext in nf.params for e in ext if e is not None
                   for s in sympy.sympify(e).free_symbols} |
                  {s for e in nf.out_extents for s in sympy.sympify(e).free_symbols}, key=str)
    sizes = {s: SIZES[n % len(SIZES)] for n, s in enumerate(syms)}
    normalised = {base_name(c.lhs.function) for c in d.conditions
                  if isinstance(c.lhs, Sum) and c.rhs == 1}
    args, by_name = [], {}
    for code, name, kind, ext in nf.params:
        if kind in ("array", "upstream"):
            shape = tuple(int(sympy.sympify(e).xreplace(sizes)) for e in ext)
            a = rng.normal(size=shape)
            if name in normalised:
                a = np.abs(a) + 0.1
                a = a / a.sum()
        elif kind == "scalar":
            a = float(rng.uniform(0.5, 1.5))
        else:
            a = sizes[sympy.Symbol(name, integer=True, positive=True)]
        args.append(a)
        by_name[(kind, name)] = a
    return args, sizes, by_name


def finite_differences(d, nf, ns, args, h=1e-5):
    """∂value/∂(the parameter differentiated by), entry by entry, by central differences."""
    pos = next(n for n, p in enumerate(nf.params) if p[1] == nf.wrt and p[2] == "array")
    ups = [n for n, p in enumerate(nf.params) if p[2] == "upstream"]

    def f(a):
        call = list(args)
        call[pos] = a
        v = ns["value"](*call)
        if ups:   # a generic loss: L = Σ g·y with the upstream gradient g
            return np.sum(np.asarray(args[ups[0]]) * v)
        return np.asarray(v)
    x = np.asarray(args[pos], dtype=float)
    out = None
    for idx in np.ndindex(x.shape):
        up, dn = x.copy(), x.copy()
        up[idx] += h
        dn[idx] -= h
        col = (f(up) - f(dn)) / (2 * h)
        if out is None:
            out = np.zeros(np.shape(col) + x.shape)
        out[(Ellipsis,) + idx] = col
    return out


def exact_values(d, nf, sizes, by_name, digits=30):
    """The SymPy result at the same inputs, in 30-digit arithmetic by SymPy alone: each
    defined node evaluated entry by entry from its definition (innermost first), then the
    result from them (sums done explicitly)."""
    from symderiv.stepwise.tidy import topological
    ctx = d.context
    lower = int(ctx.lower)
    ups = {name: v for (kind, name), v in by_name.items() if kind == "upstream"}
    values = {name: v for (kind, name), v in by_name.items() if kind == "array"}
    scalars = {sympy.Symbol(name): sympy.Float(v, digits) for (kind, name), v in
               by_name.items() if kind == "scalar"}

    def evaluate(e, at):
        e = substitute(e.xreplace(sizes), {i: sympy.Integer(v + lower) for i, v in at.items()})
        e = e.doit() if e.has(Sum) else e
        rep = {}
        for p in e.atoms(Partial):
            pos = tuple(int(k) - lower for k in p.x.indices)
            rep[p] = sympy.Float(ups[base_name(p.x)][pos], digits)
        e, rep = e.xreplace(rep), {}
        for a in e.atoms(Indexed):
            pos = tuple(int(k) - lower for k in a.indices)
            rep[a] = sympy.Float(values[base_name(a)][pos], digits)
        for s in e.free_symbols:
            for name, v in scalars.items():
                if str(s) == str(name):
                    rep[s] = v
            if ctx.definition(str(s)) is not None and np.ndim(values.get(str(s), ())) == 0:
                rep[s] = sympy.Float(values[str(s)], digits)
        return sympy.N(e.xreplace(rep), digits)

    for name in topological(ctx):
        dd = ctx.definition(name)
        if dd is None or not isinstance(dd.rhs, sympy.Basic) or name in values:
            continue
        if not dd.indices:
            values[name] = float(evaluate(dd.rhs, {}))
            continue
        shape = []
        for i in dd.indices:
            lo, hi = ctx.range_of(i)
            shape.append(int(sympy.sympify(hi - lo + 1).xreplace(sizes)))
        arr = np.zeros(shape)
        for idx in np.ndindex(*shape):
            arr[idx] = float(evaluate(dd.rhs, dict(zip(dd.indices, idx))))
        values[name] = arr
    shape = tuple(int(sympy.sympify(e).xreplace(sizes)) for e in nf.out_extents)
    out = np.zeros(shape)
    for idx in np.ndindex(shape):
        out[idx] = float(evaluate(d.result, dict(zip(nf.out_axes, idx))))
    return out


def relative_error(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = max(np.max(np.abs(b)), 1e-300)
    return float(np.max(np.abs(a - b)) / scale)
