"""Symbolic arrays for the reading of code: SymPy entries, and the line that wrote each entry.

A :class:`SymArray` pairs an object array of SymPy expressions with an integer array of source
lines (the last write of each entry) and of the write before it, so a diagnosis can name the
line whose formula is wrong ("line 9 writes the diagonal after line 8").  :data:`NUMPY` holds
the NumPy functions the reading understands, each a small function over SymArrays; anything
else is reported as not read.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy
from .numbers import as_sympy

__all__ = ["SymArray", "Unread", "NUMPY", "as_array", "UNSET", "MAX_SIZE"]

UNSET = sympy.Symbol("unset")     # an entry of np.empty never written
MAX_SIZE = 4096                   # entries: larger arrays are not read


class Unread(Exception):
    """A construct outside the subset the reading understands (named, with its line)."""

    def __init__(self, construct: str, line: int | None = None):
        super().__init__(construct)
        self.construct, self.line = construct, line


class Raised(Exception):
    """The code itself would raise here (an axis that does not exist, a shape mismatch)."""

    line = None


@dataclass
class SymArray:
    v: np.ndarray
    lines: np.ndarray
    prev: np.ndarray

    @classmethod
    def new(cls, values, line: int) -> "SymArray":
        v = np.asarray(values, dtype=object)
        if v.size > MAX_SIZE:
            raise Unread(f"an array of {v.size} entries")
        lines = np.full(v.shape, line, dtype=int)
        return cls(v, lines, np.zeros(v.shape, dtype=int))

    @property
    def shape(self):
        return self.v.shape

    @property
    def ndim(self):
        return self.v.ndim

    def __getitem__(self, key):
        v = self.v[key]
        if isinstance(v, np.ndarray):
            return SymArray(v, self.lines[key], self.prev[key])
        return v

    def assign(self, key, value, line: int):
        val = value.v if isinstance(value, SymArray) else value
        try:
            self.v[key] = val
        except (ValueError, IndexError) as err:
            raise Raised(f"assignment: {err}") from None
        sel = self.lines[key]
        changed = np.asarray(sel != line)
        old_prev = np.asarray(self.prev[key])
        self.prev[key] = np.where(changed, sel, old_prev)
        self.lines[key] = line


def as_array(x, line: int) -> SymArray:
    if isinstance(x, SymArray):
        return x
    if isinstance(x, (list, tuple)):
        rows = [as_array(e, line).v if isinstance(e, (SymArray, list, tuple)) else e for e in x]
        try:
            return SymArray.new(np.array(rows, dtype=object) if rows and isinstance(
                rows[0], np.ndarray) else _obj(rows), line)
        except ValueError:
            raise Raised("a ragged list") from None
    return SymArray.new(np.array(as_sympy(x), dtype=object), line)


def _obj(rows):
    out = np.empty(len(rows), dtype=object)
    for n, r in enumerate(rows):
        out[n] = as_sympy(r)
    return out


def _shape(arg) -> tuple:
    if isinstance(arg, (int, np.integer)):
        shape = (int(arg),)
    elif isinstance(arg, (tuple, list)) and all(isinstance(a, (int, np.integer)) for a in arg):
        shape = tuple(int(a) for a in arg)
    else:
        raise Unread("an array shape that is not a tuple of integers")
    if int(np.prod(shape)) > MAX_SIZE or any(n < 0 for n in shape):
        raise Unread(f"an array of shape {shape}")
    return shape


def _fill(value):
    def make(line, shape, *rest, **kw):
        s = _shape(shape)
        v = np.empty(s, dtype=object)
        v.fill(value)
        return SymArray.new(v, line)
    return make


def _like(value):
    def make(line, a, *rest, **kw):
        return _fill(value)(line, as_array(a, line).shape)
    return make


def _eye(line, n, m=None, *rest, **kw):
    n = _shape(n)[0]
    m = n if m is None else _shape(m)[0]
    return SymArray.new(np.array([[sympy.Integer(int(i == j)) for j in range(m)]
                                  for i in range(n)], dtype=object).reshape(n, m), line)


def _diag(line, a, k=0, **kw):
    a = as_array(a, line)
    if k != 0:
        raise Unread("np.diag with an offset")
    if a.ndim == 1:
        n = a.shape[0]
        v = np.empty((n, n), dtype=object)
        v.fill(sympy.Integer(0))
        for i in range(n):
            v[i, i] = a.v[i]
        return SymArray.new(v, line)
    if a.ndim == 2:
        return SymArray.new(np.array([a.v[i, i] for i in range(min(a.shape))], dtype=object),
                            line)
    raise Raised("np.diag of an array with more than 2 dimensions")


def elementwise(fn, name):
    def apply(line, a, *rest, **kw):
        if rest or kw:
            raise Unread(f"np.{name} with more arguments")
        if not isinstance(a, SymArray) and not isinstance(a, (list, tuple)):
            return fn(as_sympy(a))
        arr = as_array(a, line)
        return SymArray.new(np.vectorize(fn, otypes=[object])(arr.v) if arr.v.size
                            else arr.v, line)
    return apply


def _axis(kw, rest, nd):
    axis = kw.get("axis", rest[0] if rest else None)
    if axis is None:
        return None
    if not isinstance(axis, int):
        raise Unread("an axis that is not an integer")
    if not -nd <= axis < nd:
        raise Raised(f"axis {axis} is out of bounds for an array of dimension {nd}")
    return axis % nd


def _sum(line, a, *rest, **kw):
    a = as_array(a, line)
    axis = _axis(kw, rest, a.ndim)
    keep = bool(kw.get("keepdims", False))
    if axis is None:
        total = sympy.Add(*a.v.ravel().tolist())
        return SymArray.new(np.full([1] * a.ndim, total, dtype=object), line) if keep else total
    moved = np.moveaxis(a.v, axis, -1)
    out = np.empty(moved.shape[:-1], dtype=object)
    for idx in itertools.product(*[range(n) for n in out.shape]):
        out[idx] = sympy.Add(*moved[idx].tolist())
    if not out.shape and not keep:
        return out[()]
    return SymArray.new(np.expand_dims(out, axis) if keep else out, line)


def _max(line, a, *rest, **kw):
    """The largest entry: a fresh symbol per slice (softmax is invariant under the shift)."""
    a = as_array(a, line)
    axis = _axis(kw, rest, a.ndim)
    keep = bool(kw.get("keepdims", False))
    if axis is None:
        m = sympy.Symbol(f"max_{line}")
        return SymArray.new(np.full([1] * a.ndim, m, dtype=object), line) if keep else m
    shape = tuple(n for d, n in enumerate(a.shape) if d != axis)
    v = np.empty(shape, dtype=object)
    for idx in itertools.product(*[range(n) for n in shape]):
        v[idx] = sympy.Symbol(f"max_{line}_{'_'.join(map(str, idx))}")
    return SymArray.new(np.expand_dims(v, axis) if keep else v, line)


def _outer(line, a, b, **kw):
    a, b = as_array(a, line), as_array(b, line)
    return SymArray.new(np.multiply.outer(a.v.ravel(), b.v.ravel()), line)


def matmul(line, a, b, **kw):
    a, b = as_array(a, line), as_array(b, line)
    if a.ndim == 0 or b.ndim == 0:
        raise Raised("matmul of a scalar")
    try:
        v = np.matmul(a.v, b.v)
    except ValueError as err:
        raise Raised(f"matmul: {err}") from None
    v = np.asarray(v, dtype=object)
    return SymArray.new(v, line) if v.ndim else v.item()


def _dot(line, a, b, **kw):
    a, b = as_array(a, line), as_array(b, line)
    if a.ndim == 0 or b.ndim == 0:
        return SymArray.new(a.v * b.v, line)
    return matmul(line, a, b)


def _transpose(line, a, axes=None, **kw):
    a = as_array(a, line)
    return SymArray(np.transpose(a.v, axes), np.transpose(a.lines, axes),
                    np.transpose(a.prev, axes))


def _reshape(line, a, *shape, **kw):
    a = as_array(a, line)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(s, int) for s in shape):
        raise Unread("a reshape to a shape that is not integers")
    try:
        return SymArray(a.v.reshape(shape), a.lines.reshape(shape), a.prev.reshape(shape))
    except ValueError as err:
        raise Raised(f"reshape: {err}") from None


def _tile(line, a, reps, **kw):
    a = as_array(a, line)
    return SymArray.new(np.tile(a.v, reps), line)


def _expand_dims(line, a, axis, **kw):
    return _reshape(line, a, *np.expand_dims(as_array(a, line).v, axis).shape)


def _array(line, a, *rest, **kw):
    return SymArray.new(as_array(a, line).v.copy(), line)


def _einsum(line, spec, *ops, **kw):
    """np.einsum with explicit simple subscripts ('ij,ik->ijk'), by explicit loops."""
    if not isinstance(spec, str) or "->" not in spec or "." in spec:
        raise Unread("np.einsum without explicit output subscripts")
    ins, out = spec.replace(" ", "").split("->")
    ins = ins.split(",")
    arrs = [as_array(o, line) for o in ops]
    if len(ins) != len(arrs) or any(len(s) != a.ndim for s, a in zip(ins, arrs)):
        raise Raised(f"einsum: subscripts {spec!r} do not match the operands")
    sizes = {}
    for s, a in zip(ins, arrs):
        for ch, n in zip(s, a.shape):
            if sizes.setdefault(ch, n) != n:
                raise Raised(f"einsum: index {ch} has sizes {sizes[ch]} and {n}")
    summed = sorted(set("".join(ins)) - set(out))
    shape = tuple(sizes[c] for c in out)
    if int(np.prod(shape or (1,))) * int(np.prod([sizes[c] for c in summed] or [1])) > 20000:
        raise Unread("an einsum over large arrays")
    v = np.empty(shape, dtype=object)
    for oidx in itertools.product(*[range(n) for n in shape]):
        env = dict(zip(out, oidx))
        terms = []
        for sidx in itertools.product(*[range(sizes[c]) for c in summed]):
            env.update(zip(summed, sidx))
            terms.append(sympy.Mul(*[a.v[tuple(env[c] for c in s)] for s, a in zip(ins, arrs)]))
        v[oidx] = sympy.Add(*terms)
    return SymArray.new(v, line) if shape else v[()]


def _fill_diagonal(line, a, val, **kw):
    """np.fill_diagonal(a, val): in place, like the assignment a[i, i] = val[i]."""
    if not isinstance(a, SymArray) or a.ndim != 2:
        raise Unread("np.fill_diagonal of this value")
    n = min(a.shape)
    vals = as_array(val, line).v
    vals = np.broadcast_to(vals.ravel() if vals.ndim else vals, (n,))
    idx = np.arange(n)
    a.assign((idx, idx), np.array([as_sympy(x) for x in vals], dtype=object), line)
    return None


def _diag_indices(line, n, ndim=2, **kw):
    n = _shape(n)[0]
    return tuple(np.arange(n) for _ in range(int(ndim)))


def _diag_indices_from(line, a, **kw):
    a = as_array(a, line)
    return tuple(np.arange(a.shape[0]) for _ in range(a.ndim))


def _arange(line, *args, **kw):
    if not all(isinstance(x, int) for x in args) or not args:
        raise Unread("np.arange of values that are not integers")
    r = np.arange(*args)
    if r.size > MAX_SIZE:
        raise Unread(f"an array of {r.size} entries")
    return r


NUMPY = {
    "fill_diagonal": _fill_diagonal, "diag_indices": _diag_indices,
    "diag_indices_from": _diag_indices_from, "arange": _arange,
    "zeros": _fill(sympy.Integer(0)), "ones": _fill(sympy.Integer(1)), "empty": _fill(UNSET),
    "zeros_like": _like(sympy.Integer(0)), "ones_like": _like(sympy.Integer(1)),
    "empty_like": _like(UNSET), "eye": _eye, "identity": _eye, "diag": _diag,
    "diagflat": lambda line, a, **kw: _diag(line, as_array(a, line).v.ravel()),
    "outer": _outer, "exp": elementwise(sympy.exp, "exp"), "log": elementwise(sympy.log, "log"),
    "sqrt": elementwise(sympy.sqrt, "sqrt"), "tanh": elementwise(sympy.tanh, "tanh"),
    "sum": _sum, "max": _max, "amax": _max, "dot": _dot, "matmul": matmul,
    "transpose": _transpose, "reshape": _reshape, "tile": _tile, "array": _array,
    "asarray": _array, "einsum": _einsum, "expand_dims": _expand_dims,
    "copy": _array,
}
