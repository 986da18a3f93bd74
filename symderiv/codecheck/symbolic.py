"""The symbolic reading of a function: its AST interpreted over SymPy symbols, never executed.

Only the subset people write for Jacobians and gradients is read: ``def`` (nested too),
``return``, assignments (into arrays too, ``J[i][j] = …``), ``+=``, ``for`` over ``range``/
``enumerate``/``zip``/arrays, ``if``/``else`` on loop indices, list comprehensions, lambdas,
and the NumPy functions of :data:`~symderiv.codecheck.symarray.NUMPY` plus ``@``, ``.T``,
``.reshape``, ``.sum``, ``np.apply_along_axis``.  Anything else stops the reading with
"unknown, because <construct> at line N is not read".  There is no ``exec``/``eval``/
``compile``: every construct is a method of :class:`Interpreter`, and attributes are looked
up only in our own tables.  Each entry of an array remembers the line that wrote it.
The driver that compares the result with a target is :mod:`symderiv.codecheck.reading`.
"""
from __future__ import annotations

import ast
import operator
from dataclasses import dataclass

import numpy as np
import sympy

from .symarray import NUMPY, Raised, SymArray, Unread, as_array, matmul
from .numbers import as_sympy

__all__ = ["Interpreter", "Func", "Env", "Unread", "Raised", "NP_MODULE", "MATH_MODULE"]

_NP, _MATH = object(), object()
NP_MODULE, MATH_MODULE = _NP, _MATH
_MAX_STEPS = 200_000


@dataclass
class Func:
    node: ast.AST
    env: "Env"
    name: str


class Env:
    def __init__(self, parent=None):
        self.vars, self.parent = {}, parent

    def get(self, name, line):
        e = self
        while e is not None:
            if name in e.vars:
                return e.vars[name]
            e = e.parent
        raise Unread(f"the name {name!r}", line)

    def set(self, name, value):
        self.vars[name] = value


class _Return(Exception):
    def __init__(self, value):
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow, ast.FloorDiv: operator.floordiv,
        ast.Mod: operator.mod}
_CMP = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
        ast.Gt: operator.gt, ast.GtE: operator.ge}


def _int_array(v) -> bool:
    return isinstance(v, np.ndarray) and v.dtype.kind == "i"


def _concrete(v) -> bool:
    return isinstance(v, (int, bool)) or (isinstance(v, sympy.Basic) and v.is_Integer)


class Interpreter:
    """Interprets statements and expressions of the subset; ``exp_lines`` records where
    ``np.exp`` is applied to raw inputs (no max subtracted)."""

    def __init__(self, inputs=frozenset()):
        self.steps = 0
        self.inputs = set(inputs)
        self.raw_exp_lines: list[int] = []

    # ---- functions
    def call(self, f, args, line):
        if isinstance(f, Func):
            node = f.node
            env = Env(f.env)
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            defaults = node.args.defaults
            if len(args) > len(params) or node.args.vararg or node.args.kwonlyargs:
                raise Unread(f"the call of {f.name} with these arguments", line)
            for n, p in enumerate(params):
                if n < len(args):
                    env.set(p, args[n])
                else:
                    d = n - (len(params) - len(defaults))
                    if d < 0:
                        raise Raised(f"{f.name}() is missing the argument {p}")
                    env.set(p, self.expr(defaults[d], f.env))
            if isinstance(node, ast.Lambda):
                return self.expr(node.body, env)
            try:
                self.block(node.body, env)
            except _Return as r:
                return r.value
            return None
        raise Unread("a call of something that is not a function", line)

    # ---- statements
    def block(self, stmts, env):
        for s in stmts:
            self.steps += 1
            if self.steps > _MAX_STEPS:
                raise Unread("a computation longer than the reading allows", s.lineno)
            handler = getattr(self, "s_" + type(s).__name__, None)
            if handler is None:
                raise Unread(_construct(s), s.lineno)
            try:
                handler(s, env)
            except (Unread, Raised) as err:
                if getattr(err, "line", None) is None:
                    err.line = s.lineno
                raise
            except (TypeError, ValueError, ArithmeticError, AttributeError, IndexError,
                    KeyError, RecursionError, sympy.SympifyError) as err:
                raise Unread(f"this statement ({type(err).__name__}: "
                             f"{str(err)[:80]})", s.lineno) from None

    def s_FunctionDef(self, s, env):
        if s.decorator_list:
            raise Unread("a decorator", s.lineno)
        env.set(s.name, Func(s, env, s.name))

    def s_Return(self, s, env):
        raise _Return(self.expr(s.value, env) if s.value is not None else None)

    def s_Pass(self, s, env):
        pass

    def s_Assert(self, s, env):
        pass   # a check of the author's, not part of the formula

    def s_Break(self, s, env):
        raise _Break()

    def s_Continue(self, s, env):
        raise _Continue()

    def s_Expr(self, s, env):
        if isinstance(s.value, ast.Constant):
            return
        self.expr(s.value, env)

    def s_Import(self, s, env):
        for a in s.names:
            if a.name == "numpy":
                env.set(a.asname or "numpy", _NP)
            elif a.name == "math":
                env.set(a.asname or "math", _MATH)
            else:
                raise Unread(f"import {a.name}", s.lineno)

    def s_ImportFrom(self, s, env):
        if s.module != "numpy":
            raise Unread(f"from {s.module} import", s.lineno)
        for a in s.names:
            if a.name not in NUMPY:
                raise Unread(f"numpy.{a.name}", s.lineno)
            env.set(a.asname or a.name, ("np", a.name))

    def s_Assign(self, s, env):
        value = self.expr(s.value, env)
        for t in s.targets:
            self.store(t, value, env, s.lineno)

    def s_AnnAssign(self, s, env):
        if s.value is not None:
            self.store(s.target, self.expr(s.value, env), env, s.lineno)

    def s_AugAssign(self, s, env):
        op = type(s.op)
        if isinstance(s.target, ast.Name):
            cur = env.get(s.target.id, s.lineno)
            env.set(s.target.id, self.binop(op, cur, self.expr(s.value, env), s.lineno))
        elif isinstance(s.target, ast.Subscript):
            obj = self.expr(s.target.value, env)
            key = self.index(s.target.slice, env)
            cur = self.subscript(obj, key, s.lineno)
            new = self.binop(op, cur, self.expr(s.value, env), s.lineno)
            self.store_item(obj, key, new, s.lineno)
        else:
            raise Unread("an augmented assignment to this target", s.lineno)

    def s_For(self, s, env):
        if s.orelse:
            raise Unread("for … else", s.lineno)
        for item in self.iterate(self.expr(s.iter, env), s.lineno):
            self.store(s.target, item, env, s.lineno)
            try:
                self.block(s.body, env)
            except _Break:
                break
            except _Continue:
                continue

    def s_If(self, s, env):
        test = self.truth(self.expr(s.test, env), s.lineno)
        self.block(s.body if test else s.orelse, env)

    # ---- storing
    def store(self, t, value, env, line):
        if isinstance(t, ast.Name):
            env.set(t.id, value)
        elif isinstance(t, (ast.Tuple, ast.List)):
            items = list(self.iterate(value, line))
            if len(items) != len(t.elts):
                raise Raised("unpacking: wrong number of values")
            for e, v in zip(t.elts, items):
                self.store(e, v, env, line)
        elif isinstance(t, ast.Subscript):
            self.store_item(self.expr(t.value, env), self.index(t.slice, env), value, line)
        else:
            raise Unread(f"an assignment to {_construct(t)}", line)

    def store_item(self, obj, key, value, line):
        if isinstance(obj, SymArray):
            val = value if isinstance(value, SymArray) else as_sympy(value)
            obj.assign(key, val, line)
        elif isinstance(obj, list) and isinstance(key, int):
            obj[key] = value
        else:
            raise Unread("an item assignment into this object", line)

    # ---- iteration and truth
    def iterate(self, v, line):
        if isinstance(v, range):
            if len(v) > 2000:
                raise Unread("a loop this long", line)
            return list(v)
        if isinstance(v, (list, tuple)):
            return list(v)
        if isinstance(v, SymArray):
            if v.ndim == 0:
                raise Raised("iteration over a 0-d array")
            return [v[n] for n in range(v.shape[0])]
        raise Unread("a loop over this kind of value", line)

    def truth(self, v, line):
        if isinstance(v, (bool, int)):
            return bool(v)
        if isinstance(v, sympy.Basic) and v.is_Integer:
            return bool(v)
        raise Unread("a condition on symbolic values", line)

    # ---- expressions
    def expr(self, e, env):
        handler = getattr(self, "e_" + type(e).__name__, None)
        if handler is None:
            raise Unread(_construct(e), getattr(e, "lineno", None))
        return handler(e, env)

    def e_Constant(self, e, env):
        v = e.value
        if isinstance(v, bool) or v is None or v is Ellipsis or isinstance(v, (int, str)):
            return v
        if isinstance(v, float):
            return sympy.Rational(repr(v)) if abs(v) < 1e300 else sympy.oo
        raise Unread(f"the constant {type(v).__name__}", e.lineno)

    def e_Name(self, e, env):
        return env.get(e.id, e.lineno)

    def e_Tuple(self, e, env):
        return tuple(self.expr(x, env) for x in e.elts)

    def e_List(self, e, env):
        return [self.expr(x, env) for x in e.elts]

    def e_Lambda(self, e, env):
        return Func(e, env, "<lambda>")

    def e_UnaryOp(self, e, env):
        v = self.expr(e.operand, env)
        if isinstance(e.op, ast.USub):
            return SymArray.new(-v.v, e.lineno) if isinstance(v, SymArray) else -v
        if isinstance(e.op, ast.UAdd):
            return v
        if isinstance(e.op, ast.Not):
            return not self.truth(v, e.lineno)
        raise Unread(_construct(e.op), e.lineno)

    def e_BinOp(self, e, env):
        a, b = self.expr(e.left, env), self.expr(e.right, env)
        if isinstance(e.op, ast.MatMult):
            return matmul(e.lineno, a, b)
        return self.binop(type(e.op), a, b, e.lineno)

    def binop(self, op, a, b, line):
        if op is ast.MatMult:
            return matmul(line, a, b)
        fn = _BIN.get(op)
        if fn is None:
            raise Unread(f"the operator {op.__name__}", line)
        a = int(a) if isinstance(a, bool) else a
        b = int(b) if isinstance(b, bool) else b
        if isinstance(a, SymArray) or isinstance(b, SymArray):
            try:
                with np.errstate(all="ignore"):
                    v = fn(as_array(a, line).v, as_array(b, line).v)
            except ValueError as err:
                raise Raised(f"operands could not be broadcast: {err}") from None
            v = np.asarray(v, dtype=object)
            return SymArray.new(v, line) if v.ndim else v.item()
        if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
            raise Unread("arithmetic on Python lists", line)
        if isinstance(a, int) and isinstance(b, int) and op is not ast.Div:
            if op is ast.Pow and (abs(b) > 64 or abs(a) > 2 ** 32):
                raise Unread("a large integer power", line)
            return fn(a, b)
        try:
            return fn(as_sympy(a), as_sympy(b))
        except (TypeError, ZeroDivisionError) as err:
            raise Raised(str(err)) from None

    def e_Compare(self, e, env):
        left = self.expr(e.left, env)
        for op, right_node in zip(e.ops, e.comparators):
            right = self.expr(right_node, env)
            if isinstance(op, (ast.Is, ast.IsNot)):
                res = (left is right) == isinstance(op, ast.Is)
            elif type(op) in _CMP and _concrete(left) and _concrete(right):
                res = _CMP[type(op)](int(left), int(right))
            else:
                raise Unread("a comparison of symbolic values", e.lineno)
            if not res:
                return False
            left = right
        return True

    def e_BoolOp(self, e, env):
        vals = [self.truth(self.expr(v, env), e.lineno) for v in e.values]
        return all(vals) if isinstance(e.op, ast.And) else any(vals)

    def e_IfExp(self, e, env):
        return self.expr(e.body if self.truth(self.expr(e.test, env), e.lineno) else e.orelse,
                         env)

    def e_ListComp(self, e, env):
        out = []
        inner = Env(env)

        def gen(n):
            if n == len(e.generators):
                out.append(self.expr(e.elt, inner))
                return
            g = e.generators[n]
            for item in self.iterate(self.expr(g.iter, inner), e.lineno):
                self.store(g.target, item, inner, e.lineno)
                if all(self.truth(self.expr(c, inner), e.lineno) for c in g.ifs):
                    gen(n + 1)
        gen(0)
        return out

    def index(self, node, env):
        if isinstance(node, ast.Slice):
            parts = [self.expr(x, env) if x is not None else None
                     for x in (node.lower, node.upper, node.step)]
            if not all(p is None or _concrete(p) for p in parts):
                raise Unread("a slice with symbolic bounds", getattr(node, "lineno", None))
            return slice(*[int(p) if p is not None else None for p in parts])
        if isinstance(node, ast.Tuple):
            return tuple(self.index(x, env) for x in node.elts)
        v = self.expr(node, env)
        if _concrete(v):
            return int(v)
        if v is None or v is Ellipsis:
            return v
        if _int_array(v) or isinstance(v, tuple) and v and all(_int_array(x) for x in v):
            return v
        raise Unread("an index that is not an integer", getattr(node, "lineno", None))

    def e_Subscript(self, e, env):
        return self.subscript(self.expr(e.value, env), self.index(e.slice, env), e.lineno)

    def subscript(self, obj, key, line):
        if isinstance(obj, SymArray):
            try:
                return obj[key]
            except IndexError as err:
                raise Raised(f"index: {err}") from None
        if isinstance(obj, (list, tuple)) and isinstance(key, (int, slice)):
            return obj[key]
        raise Unread("indexing this kind of value", line)

    def e_Attribute(self, e, env):
        base = self.expr(e.value, env)
        if base is _NP:
            if e.attr == "newaxis":
                return None
            if e.attr in NUMPY or e.attr == "apply_along_axis":
                return ("np", e.attr)
            raise Unread(f"np.{e.attr}", e.lineno)
        if base is _MATH and e.attr in ("exp", "log", "sqrt"):
            return ("np", e.attr)
        if isinstance(base, SymArray):
            if e.attr == "T":
                return NUMPY["transpose"](e.lineno, base)
            if e.attr == "shape":
                return tuple(base.shape)
            if e.attr == "ndim":
                return base.ndim
            if e.attr == "size":
                return int(base.v.size)
            if e.attr in ("reshape", "sum", "max", "dot", "copy", "transpose", "flatten",
                          "ravel", "astype"):
                return ("method", e.attr, base)
        if isinstance(base, list) and e.attr == "append":
            return ("append", base)
        raise Unread(f"the attribute .{e.attr}", e.lineno)

    def e_Call(self, e, env):
        if any(isinstance(a, ast.Starred) for a in e.args) or any(k.arg is None
                                                                  for k in e.keywords):
            raise Unread("a call with * or ** arguments", e.lineno)
        f = self.expr(e.func, env) if not (isinstance(e.func, ast.Name) and e.func.id in
                                           _BUILTINS and not _bound(env, e.func.id)) \
            else ("builtin", e.func.id)
        args = [self.expr(a, env) for a in e.args]
        kw = {k.arg: self.expr(k.value, env) for k in e.keywords}
        line = e.lineno
        if isinstance(f, Func):
            if kw:
                raise Unread("keyword arguments to a function of the code", line)
            return self.call(f, args, line)
        if isinstance(f, tuple) and f[0] == "np":
            return self.numpy(f[1], args, kw, line)
        if isinstance(f, tuple) and f[0] == "method":
            return self.method(f[1], f[2], args, kw, line)
        if isinstance(f, tuple) and f[0] == "append":
            f[1].append(args[0])
            return None
        if isinstance(f, tuple) and f[0] == "builtin":
            return self.builtin(f[1], args, kw, line)
        raise Unread("this call", line)

    def numpy(self, name, args, kw, line):
        if name == "apply_along_axis":
            return self.apply_along_axis(args, kw, line)
        if name == "exp" and args:
            self._note_exp(args[0], line)
        return NUMPY[name](line, *args, **kw)

    def _note_exp(self, a, line):
        entries = a.v.ravel().tolist() if isinstance(a, SymArray) else [a]
        for x in entries:
            if isinstance(x, sympy.Basic) and x.free_symbols & self.inputs and \
                    not any(str(s).startswith("max_") for s in x.free_symbols):
                self.raw_exp_lines.append(line)
                return

    def method(self, name, base, args, kw, line):
        if name == "astype" or name == "copy":
            return SymArray.new(base.v.copy(), line) if name == "copy" else base
        if name in ("flatten", "ravel"):
            return NUMPY["reshape"](line, base, -1)
        table = {"reshape": "reshape", "sum": "sum", "max": "max", "dot": "dot",
                 "transpose": "transpose"}
        if name == "transpose" and args:
            args = [tuple(args)] if len(args) > 1 else args
        return NUMPY[table[name]](line, base, *args, **kw)

    def builtin(self, name, args, kw, line):
        if name == "len":
            v = args[0]
            if isinstance(v, SymArray):
                if v.ndim == 0:
                    raise Raised("len() of a 0-d array")
                return v.shape[0]
            if isinstance(v, (list, tuple)):
                return len(v)
            raise Unread("len of this value", line)
        if name == "range":
            if not all(_concrete(a) for a in args):
                raise Unread("range over a symbolic bound", line)
            return range(*[int(a) for a in args])
        if name == "enumerate":
            return list(enumerate(self.iterate(args[0], line)))
        if name == "zip":
            return list(zip(*[self.iterate(a, line) for a in args]))
        if name in ("float", "int") and args and _concrete(args[0]):
            return int(args[0])
        if name == "float" and args:
            return args[0]
        if name == "print":
            return None
        if name in ("list", "tuple"):
            return list(self.iterate(args[0], line)) if args else []
        if name == "sum" and args:
            items = self.iterate(args[0], line)
            return sympy.Add(*[as_sympy(x) for x in items]) if items else 0
        raise Unread(f"the builtin {name}", line)

    def apply_along_axis(self, args, kw, line):
        if len(args) < 3 and not {"axis", "arr"} <= set(kw) | {"axis", "arr"}:
            raise Unread("np.apply_along_axis with these arguments", line)
        func = args[0]
        axis = kw.get("axis", args[1] if len(args) > 1 else None)
        arr = kw.get("arr", args[2] if len(args) > 2 else None)
        arr = as_array(arr, line)
        if not isinstance(axis, int) or arr.ndim > 2:
            raise Unread("np.apply_along_axis on more than 2 dimensions", line)
        if not -arr.ndim <= axis < arr.ndim:
            raise Raised(f"axis {axis} is out of bounds for an array of dimension {arr.ndim}")
        axis %= arr.ndim
        if arr.ndim == 1:
            return as_array(self.call(func, [arr], line), line)
        slices = [arr[n] if axis == 1 else arr[:, n] for n in range(arr.shape[1 - axis])]
        res = [as_array(self.call(func, [s], line), line) for s in slices]
        at = 0 if axis == 1 else res[0].ndim
        try:
            return SymArray(np.stack([r.v for r in res], axis=at),
                            np.stack([r.lines for r in res], axis=at),
                            np.stack([r.prev for r in res], axis=at))
        except ValueError as err:
            raise Raised(f"apply_along_axis: {err}") from None


_BUILTINS = {"len", "range", "enumerate", "zip", "float", "int", "print", "list", "tuple",
             "sum"}


def _bound(env, name):
    try:
        env.get(name, None)
        return True
    except Unread:
        return False


def _construct(node) -> str:
    names = {"While": "a while loop", "Try": "try/except", "With": "with", "Global": "global",
             "Nonlocal": "nonlocal", "ClassDef": "a class", "Raise": "raise",
             "GeneratorExp": "a generator expression", "DictComp": "a dict comprehension",
             "Dict": "a dict", "Set": "a set", "SetComp": "a set comprehension",
             "Yield": "yield", "Await": "await", "JoinedStr": "an f-string",
             "NamedExpr": "the := operator", "Starred": "a starred expression",
             "AsyncFunctionDef": "an async function", "Delete": "del", "Match": "match"}
    return names.get(type(node).__name__, type(node).__name__)

