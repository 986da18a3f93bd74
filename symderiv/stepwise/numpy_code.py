"""NumPy code for a derivation's result, generated from its SymPy form.

The generated module has two functions: ``derivative(...)``, the result (an array whose axes
are the free indices of the quantity, in order), and ``value(...)``, the quantity that was
differentiated (or, for a generic loss L of y, the nodes L depends on).  Both are
vectorised: every index symbol gets an axis of its own, a sum is a reduction over its axis,
δ_ij an identity matrix on two axes, so no Python loop runs over entries.  Numerically
stable forms are used where a standard trick exists: e^{u}/Σ_m e^{w_m} is computed as
e^{u − logsumexp(w)} (max subtraction), log Σ_m e^{w_m} as a log-sum-exp, 1/(1 + e^{−u}) as a
sigmoid that never overflows.

Safety: no name from the document reaches the code.  Parameters are called ``arg0``,
``arg1``, …, intermediate nodes ``node0``, …; the document's names appear only in the
docstring, as an escaped string literal.  No document text is executed or ``sympify``-ed:
the code is printed from SymPy objects by the rules below.
"""
from __future__ import annotations

import sympy
from sympy import Add, Indexed, KroneckerDelta, Mul, Pow, Sum, Symbol

from dataclasses import dataclass

from ..notation import Partial, as_expr, base_name
from .text import show

__all__ = ["numpy_source", "numpy_function", "NumpyFunction", "CodegenError"]


class CodegenError(ValueError):
    """A construct the NumPy printer does not translate (named in the message)."""


_HELPERS = '''
def _place(a, positions, nd):
    """Array *a* with its axes moved to *positions* of an nd-dimensional broadcast shape."""
    a = np.asarray(a, dtype=float)
    order = sorted(range(len(positions)), key=lambda r: positions[r])
    a = np.transpose(a, order)
    shape = [1] * nd
    for r in order:
        shape[positions[r]] = a.shape[order.index(r)]
    return a.reshape(shape)


def _delta(nd, p, q, n):
    """The Kronecker delta on axes p and q (n entries each)."""
    shape = [1] * nd
    shape[p] = shape[q] = n
    return np.eye(n).reshape(shape) if p < q else np.eye(n).T.reshape(shape)


def _last(a, nd, n):
    a = np.asarray(a, dtype=float)
    a = a.reshape((1,) * (nd + 1 - a.ndim) + a.shape)
    return np.broadcast_to(a, a.shape[:-1] + (n,))


def _sum(a, nd, n):
    """Sum over the last of nd + 1 axes (n terms)."""
    return _last(a, nd, n).sum(axis=-1)


def _lse(a, nd, n):
    """log Σ e^a over the last axis, with the maximum subtracted first."""
    a = _last(a, nd, n)
    m = a.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=-1, keepdims=True)))[..., 0]


def _sigmoid(u):
    """1 / (1 + e^{-u}) without overflow for large |u|."""
    u = np.asarray(u, dtype=float)
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
'''

_FUNCS = {sympy.tanh: "np.tanh", sympy.sinh: "np.sinh", sympy.cosh: "np.cosh",
          sympy.sin: "np.sin", sympy.cos: "np.cos", sympy.Abs: "np.abs", sympy.exp: "np.exp",
          sympy.log: "np.log"}


def _number(e) -> str:
    if e.is_Integer:
        return f"{int(e)}.0"
    if e.is_Rational:
        return f"({int(e.p)}.0 / {int(e.q)}.0)"
    if e is sympy.pi:
        return "np.pi"
    if e is sympy.E:
        return "np.e"
    if e.is_Float:
        return repr(float(e))
    raise CodegenError(f"the number {e} has no NumPy form here")


class _Printer:
    def __init__(self, ctx, params: dict, nodes: dict, sizes: dict, upstream: dict):
        self.ctx = ctx
        self.params = params        # leaf name / scalar symbol -> code name
        self.nodes = nodes          # defined name -> code name
        self.sizes = sizes          # size symbol -> code name
        self.upstream = upstream    # node name of ∂L/∂node -> code name
        self.extent: dict = {}      # index symbol -> SymPy extent (hi - lo + 1)

    def size_code(self, extent) -> str:
        return self.value(as_expr(extent), [])

    def value(self, e, axes: list) -> str:
        nd = len(axes)
        if e.is_Number or e in (sympy.pi, sympy.E):
            return _number(e)
        if isinstance(e, Symbol):
            if e in self.sizes:
                return self.sizes[e]
            if str(e) in self.nodes:
                return self.nodes[str(e)]
            if str(e) in self.params:
                return self.params[str(e)]
            raise CodegenError(f"{show(e)} is an index used as a value")
        if isinstance(e, Indexed):
            name = base_name(e)
            code = self.nodes.get(name) or self.params.get(name)
            if code is None:
                raise CodegenError(f"{show(e)}: no array for {name}")
            return self._placed(code, e.indices, axes)
        if isinstance(e, Partial):
            if isinstance(e.x, Indexed) and base_name(e.x) in self.upstream:
                return self._placed(self.upstream[base_name(e.x)], e.x.indices, axes)
            raise CodegenError(f"{show(e)} is left unevaluated")
        if isinstance(e, KroneckerDelta):
            p, q = e.args
            if p not in axes or q not in axes:
                raise CodegenError(f"{show(e)}: its indices must be free or summed")
            return (f"_delta({nd}, {axes.index(p)}, {axes.index(q)}, "
                    f"{self.size_code(self.extent[p])})")
        if isinstance(e, Add):
            return "(" + " + ".join(self.value(a, axes) for a in e.args) + ")"
        if isinstance(e, Mul):
            return self._mul(e, axes)
        if isinstance(e, Pow):
            return self._pow(e, axes)
        if isinstance(e, Sum):
            return self._sum(e, axes)
        if isinstance(e, sympy.log) and isinstance(e.args[0], Sum) and \
                isinstance(e.args[0].function, sympy.exp) and len(e.args[0].limits) == 1:
            (v, lo, hi), = e.args[0].limits
            inner = axes + [v]
            self.extent[v] = hi - lo + 1
            body = self.value(e.args[0].function.args[0], inner)
            return f"_lse({body}, {nd}, {self.size_code(hi - lo + 1)})"
        if type(e) in _FUNCS and len(e.args) == 1:
            return f"{_FUNCS[type(e)]}({self.value(e.args[0], axes)})"
        if isinstance(e, sympy.Heaviside):   # SymPy's value at 0 (½ unless stated)
            h0 = e.args[1] if len(e.args) > 1 else sympy.S.Half
            return f"np.heaviside({self.value(e.args[0], axes)}, {_number(h0)})"
        if isinstance(e, (sympy.Max, sympy.Min)):
            fn = "np.maximum" if isinstance(e, sympy.Max) else "np.minimum"
            code = self.value(e.args[0], axes)
            for a in e.args[1:]:
                code = f"{fn}({code}, {self.value(a, axes)})"
            return code
        raise CodegenError(f"no NumPy form for {type(e).__name__} ({show(e)})")

    def _placed(self, code, indices, axes) -> str:
        for i in indices:
            if i not in axes:
                raise CodegenError(f"index {show(i)} is neither free nor summed")
        if len(set(indices)) != len(indices):
            raise CodegenError("an entry with a repeated index (a diagonal) is not translated")
        return f"_place({code}, {tuple(axes.index(i) for i in indices)}, {len(axes)})"

    def _mul(self, e, axes) -> str:
        exps, lses, rest = [], [], []
        for a in e.args:
            base, power = (a.base, a.exp) if isinstance(a, Pow) else (a, sympy.S.One)
            if isinstance(base, sympy.exp):
                exps.append(power * base.args[0])
            elif (isinstance(base, Sum) and isinstance(base.function, sympy.exp)
                  and len(base.limits) == 1 and power.is_negative):
                lses.append((-power, base))
            else:
                rest.append(a)
        parts = [self.value(a, axes) for a in rest]
        if lses:   # e^{u} / (Σ_m e^{w_m})^p = e^{u − p·logsumexp(w)}: no overflow
            terms = [self.value(u, axes) for u in exps]
            for p, s in lses:
                terms.append(f"- {_number(p)} * {self.value(sympy.log(s), axes)}")
            parts.append("np.exp(" + " ".join(t if t.startswith("-") else f"+ {t}"
                                             for t in terms).lstrip("+ ") + ")")
        elif exps:
            parts.append(f"np.exp({' + '.join(self.value(u, axes) for u in exps)})")
        return "(" + " * ".join(parts) + ")"

    def _pow(self, e, axes) -> str:
        b, p = e.base, e.exp
        if p == -1 and isinstance(b, Add) and len(b.args) == 2 and sympy.S.One in b.args:
            other = b.args[1] if b.args[0] == 1 else b.args[0]
            if isinstance(other, sympy.exp):   # 1/(1 + e^{a}) = σ(−a)
                return f"_sigmoid({self.value(-other.args[0], axes)})"
        if isinstance(b, sympy.exp):
            return f"np.exp({self.value(p * b.args[0], axes)})"
        if p == sympy.S.Half:
            return f"np.sqrt({self.value(b, axes)})"
        if p == -sympy.S.Half:
            return f"(1.0 / np.sqrt({self.value(b, axes)}))"
        if not p.is_number:
            return f"({self.value(b, axes)} ** {self.value(p, axes)})"
        return f"({self.value(b, axes)} ** {_number(p)})"

    def _sum(self, e, axes) -> str:
        body, limits = e.function, list(reversed(e.limits))   # outermost first
        inner = list(axes)
        for v, lo, hi in limits:
            inner.append(v)
            self.extent[v] = hi - lo + 1
        code = self.value(body, inner)
        for depth in range(len(limits) - 1, -1, -1):
            v, lo, hi = limits[depth]
            code = f"_sum({code}, {len(axes) + depth}, {self.size_code(hi - lo + 1)})"
        return code


def _leaf_extents(exprs, ctx, extent_of) -> dict:
    """(leaf name, axis) -> extent, from every entry of a leaf in *exprs*."""
    out = {}
    for e in exprs:
        for a in e.atoms(Indexed):
            for pos, i in enumerate(a.indices):
                ext = extent_of(i)
                if ext is not None:
                    out.setdefault((base_name(a), pos), ext)
    return out


@dataclass(frozen=True)
class NumpyFunction:
    """The generated source and what its parameters are.

    params: (code name, document name, kind, extents) with kind ``array`` (extents: the size
    of each axis, SymPy), ``scalar``, ``upstream`` (∂L/∂name, shaped like name) or ``size``.
    """

    source: str
    params: tuple
    out_axes: tuple
    out_extents: tuple
    wrt: str            # the name differentiated by (its array is a parameter)
    value_of: tuple     # what value() returns (names)


def _docstring(text: str) -> str:
    text = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)
    safe = text.replace("\\", "\\\\").replace('"', '\\"')
    return '    """' + safe.replace("\n", "\n    ") + '\n    """'


def numpy_source(d) -> str:
    """Python source of a NumPy module for derivation *d* (see the module docstring)."""
    return numpy_function(d).source


def numpy_function(d) -> NumpyFunction:
    """The generated NumPy module for derivation *d*, with its parameters described."""
    ctx = d.context
    q, result = d.lhs, d.result
    if not isinstance(q, Partial):
        raise CodegenError("only a derivative has NumPy code")
    f, x = q.f, q.x
    out_axes = list(dict.fromkeys(list(getattr(f, "indices", ())) +
                                  list(getattr(x, "indices", ()))))
    generic = dict(ctx.generic)
    fname = base_name(f)
    value_names = list(generic.get(fname, ())) if fname in generic else [fname]
    # the defined nodes needed, innermost first
    from .tidy import topological
    def uses(e):
        names = {base_name(a) for a in e.atoms(Indexed)} | {str(s) for s in e.free_symbols}
        for p in e.atoms(Partial):
            names |= {base_name(p.x)}
        return names
    def closure(start) -> set:
        seen, todo = set(), list(start)
        while todo:
            n = todo.pop()
            dd = ctx.definition(n)
            if dd is None or n in seen:
                continue
            seen.add(n)
            todo.extend(uses(dd.rhs))
        return seen
    for_result, for_value = closure(uses(result)), closure(value_names)
    need = for_result | for_value
    order = topological(ctx, sorted(need))
    defs = [ctx.definition(n) for n in order]
    exprs = [result] + [dd.rhs for dd in defs] + [dd.target for dd in defs if dd.indices]
    # leaves: arrays and scalars nothing defines
    sizes_syms = {s for e in exprs for s in e.free_symbols
                  if isinstance(s, Symbol) and s.is_integer and s.is_positive}
    bounds = [rng for _, rng in ctx.ranges] + [(lo, hi) for e in exprs for sm in e.atoms(Sum)
                                               for _, lo, hi in sm.limits]
    for lo, hi in bounds:
        sizes_syms |= {s for s in (as_expr(lo).free_symbols |
                                   as_expr(hi).free_symbols) if isinstance(s, Symbol)}
    for i in out_axes:
        lo, hi = ctx.range_of(i)
        sizes_syms |= as_expr(hi - lo).free_symbols
    arrays = sorted({base_name(a) for e in exprs for a in e.atoms(Indexed)
                     if ctx.definition(base_name(a)) is None})
    scalars = sorted({str(s) for e in exprs for s in e.free_symbols
                      if isinstance(s, Symbol) and not s.is_integer and str(s) not in arrays
                      and ctx.definition(str(s)) is None and s not in sizes_syms
                      and str(s) not in generic})
    ups = sorted({base_name(p.x) for p in result.atoms(Partial)
                  if base_name(p.f) in generic and isinstance(p.x, Indexed)})
    params = {}
    for n, name in enumerate(arrays + scalars):
        params[name] = f"arg{n}"
    upstream = {name: f"arg{len(params) + n}" for n, name in enumerate(ups)}
    nodes = {name: f"node{n}" for n, name in enumerate(order)}

    def extent_of(i):
        if not (isinstance(i, Symbol) and i.is_integer):
            return None
        lo, hi = ctx.range_of(i)
        return hi - lo + 1
    bound_ext = {}
    for e in exprs:
        for s in e.atoms(Sum):
            for v, lo, hi in s.limits:
                bound_ext[v] = hi - lo + 1

    def ext(i):
        return bound_ext.get(i) if i in bound_ext and not _free_in(i, exprs) else extent_of(i)
    leaf_ext = _leaf_extents(exprs, ctx, ext)
    for p in result.atoms(Partial):
        if base_name(p.x) in upstream:
            dd = ctx.definition(base_name(p.x))
            for pos, i in enumerate(dd.indices if dd else ()):
                leaf_ext.setdefault((base_name(p.x), pos), extent_of(i))
    size_code, lines = {}, []
    for s in sorted(sizes_syms, key=str):
        src = next(((name, pos) for (name, pos), e in sorted(leaf_ext.items(), key=str)
                    if e == s and (name in params or name in upstream)), None)
        if src is not None:
            code = params.get(src[0]) or upstream[src[0]]
            size_code[s] = f"size{len(size_code)}"
            lines.append(f"    {size_code[s]} = {code}.shape[{src[1]}]")
    missing = sorted((s for s in sizes_syms if s not in size_code), key=str)
    size_params = {s: f"arg{len(params) + len(upstream) + n}" for n, s in enumerate(missing)}
    size_code.update(size_params)
    pr = _Printer(ctx, params, nodes, size_code, upstream)

    def shape_of(indices):
        return "(" + "".join(f"{pr.size_code(extent_of(i))}, " for i in indices) + ")"
    body = []
    for dd, name in zip(defs, order):
        axes = list(dd.indices)
        for i in axes:
            pr.extent[i] = extent_of(i)
        code = pr.value(dd.rhs, axes)
        if axes:
            code = f"np.broadcast_to({code}, {shape_of(axes)}).astype(float)"
        body.append((name, f"    {nodes[name]} = {code}   # {_comment(show(dd.target))}"))
    for i in out_axes:
        pr.extent[i] = extent_of(i)
    res = pr.value(result, out_axes)
    sig = ", ".join(list(params.values()) + list(upstream.values()) + list(size_params.values()))
    convert = [f"    {c} = np.asarray({c}, dtype=float)" for c in
               [params[a] for a in arrays] + list(upstream.values())]
    described = []
    for name in arrays:
        axes_n = sorted({pos for (nm, pos) in leaf_ext if nm == name})
        described.append(f"{params[name]}: {name}, an array with {len(axes_n)} ax"
                         f"{'is' if len(axes_n) == 1 else 'es'}")
    for name in scalars:
        described.append(f"{params[name]}: {show(Symbol(name))}, a number")
    for name in ups:
        described.append(f"{upstream[name]}: ∂{show(Symbol(fname))}/∂{name}, the upstream "
                         f"gradient (an array shaped like {name})")
    for s, c in size_params.items():
        described.append(f"{c}: the size {s}")
    conds = [show(c) for c in d.conditions]
    formula = f"{show(q)} = {show(result)}"
    doc = ("The derivative " + formula + ("\n(assuming " + "; ".join(conds) + ")"
                                          if conds else "") +
           f"\n\nAxes of the result: {', '.join(show(i) for i in out_axes) or 'none'}"
           " (indices from 0).\n\nParameters:\n" + "\n".join("    " + p for p in described))
    nodes_value = [nodes[n] for n in value_names if n in nodes]
    vdoc = (f"The value of {show(Symbol(fname))}" if fname not in generic else
            f"The nodes {show(Symbol(fname))} depends on ({', '.join(value_names)})") + \
        ", for finite differences; same parameters as derivative()."
    src = ["\"\"\"Generated by symderiv from the derivation of " + _escape_line(formula) +
           ".\"\"\"", "import numpy as np", _HELPERS, "",
           f"def derivative({sig}):", _docstring(doc), *convert, *lines,
           *[line for n, line in body if n in for_result],
           f"    result = {res}",
           f"    return np.broadcast_to(result, {shape_of(out_axes)}).astype(float)", "", "",
           f"def value({sig}):", _docstring(vdoc), *convert, *lines,
           *[line for n, line in body if n in for_value],
           f"    return {_tuple(nodes_value)}", ""]
    meta = []
    for name in arrays:
        n_axes = 1 + max((pos for (nm, pos) in leaf_ext if nm == name), default=-1)
        meta.append((params[name], name, "array",
                     tuple(leaf_ext.get((name, p)) for p in range(n_axes))))
    for name in scalars:
        meta.append((params[name], name, "scalar", ()))
    for name in ups:
        dd = ctx.definition(name)
        meta.append((upstream[name], name, "upstream",
                     tuple(extent_of(i) for i in (dd.indices if dd else ()))))
    for sz, c in size_params.items():
        meta.append((c, str(sz), "size", (sz,)))
    return NumpyFunction("\n".join(src), tuple(meta), tuple(out_axes),
                         tuple(extent_of(i) for i in out_axes), base_name(x),
                         tuple(value_names))


def _comment(text: str) -> str:
    """A document's name as a comment: printable characters only (no line break can end the
    comment and start code)."""
    return "".join(ch for ch in text if ch.isprintable())


def _tuple(names) -> str:
    if len(names) == 1:
        return names[0]
    return "(" + ", ".join(names) + ")"


def _escape_line(text: str) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _free_in(i, exprs) -> bool:
    return any(i in e.free_symbols for e in exprs)

