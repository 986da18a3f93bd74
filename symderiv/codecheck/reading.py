"""The symbolic judgement of a function: interpret it at K = 2, 3, 4 over SymPy symbols and
compare with the derived quantity exactly; the diagnosis names the line that wrote the
wrong entries.  Nothing is executed (see :mod:`symderiv.codecheck.symbolic`).

>>> src = "import numpy as np\\ndef jac(y):\\n    return np.diag(y) - np.outer(y, y)\\n"
>>> from symderiv.codecheck.targets import target
>>> read_function(src, "jac", target("softmax-jacobian")).verdict
'pass'
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

import numpy as np
import sympy

from .diagnose import Symbolic, compare
from .inputs import bind, signature_of, uses_exp
from .symarray import UNSET, Raised, SymArray, Unread, as_array
from .symbolic import MATH_MODULE, NP_MODULE, Env, Interpreter, _Break, _Continue
from .targets import Target
from .templates import describe, line_formulas
from .numbers import as_sympy

__all__ = ["Reading", "read_function"]

SIZES = (2, 3, 4)


@dataclass
class Reading:
    verdict: str                       # pass | fail | unknown
    diagnosis: list = field(default_factory=list)
    sizes: tuple = ()
    convention: str | None = None
    batched: bool = False
    lines: list = field(default_factory=list)   # the lines the diagnosis names
    differences: list = field(default_factory=list)   # {"entry", "got", "expected"}, formulas

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "diagnosis": list(self.diagnosis),
                "sizes": list(self.sizes), "convention": self.convention,
                "batched": self.batched, "lines": list(self.lines),
                "differences": list(self.differences)}


def _global_env(tree: ast.Module) -> Env:
    env = Env()
    for name in ("np", "numpy"):
        env.set(name, NP_MODULE)
    env.set("math", MATH_MODULE)
    interp = Interpreter()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom, ast.Assign)):
            try:
                interp.block([node], env)
            except (Unread, Raised):
                continue     # a module-level line the reading cannot use stays unbound
    return env


def _inputs(tgt: Target, conv, K: int, n_rows: int | None):
    """Symbolic arguments by role, and the exact values of each example."""
    rows = []
    beta = sympy.Symbol("beta", positive=True)
    for r in range(n_rows or 1):
        tag = f"{r + 1}_" if n_rows else ""
        vals, args, logit_vals, cons = {}, {}, None, {}
        for role in tgt.roles:
            if role in ("y", "s"):
                letter = ("z" if role == "y" else "x") if conv == "logits" else role
                syms = [sympy.Symbol(f"{letter}_{tag}{i + 1}", real=True) for i in range(K)]
                if conv == "logits":
                    b = beta if "beta" in tgt.roles else 1
                    if role == "y":
                        total = sum(sympy.exp(b * s) for s in syms)
                        vals[role] = [sympy.exp(b * s) / total for s in syms]
                    else:
                        vals[role] = [1 / (1 + sympy.exp(-s)) for s in syms]
                    logit_vals = syms
                else:
                    vals[role] = list(syms)
                    if role == "y":
                        cons[syms[-1]] = 1 - sum(syms[:-1])
                args[role] = syms
            elif role == "beta":
                vals[role], args[role] = beta, beta
            elif role == "W":
                w = [[sympy.Symbol(f"W_{a + 1}{c + 1}", real=True) for c in range(K + 1)]
                     for a in range(K)]
                vals[role], args[role] = w, w
            else:
                n = K + 1 if role == "x" else K
                syms = [sympy.Symbol(f"{role}_{tag}{i + 1}", real=True) for i in range(n)]
                vals[role], args[role] = list(syms), syms
                if role == "t" and tgt.name == "ce-grad":
                    cons[syms[-1]] = 1 - sum(syms[:-1])
        rows.append((vals, args, logit_vals, cons))
    return rows, beta


def _call_args(tgt, binding, rows, n_rows, line):
    out = []
    for role in binding.roles:
        if role in ("W", "beta") or not n_rows:
            out.append(rows[0][1][role] if role == "beta" else
                       as_array(rows[0][1][role], 0))
        else:
            out.append(as_array([r[1][role] for r in rows], 0))
    return [a if not isinstance(a, SymArray) else SymArray.new(a.v, line) for a in out]


def _sub(arr, cons):
    if not cons:
        return arr
    f = np.vectorize(lambda e: as_sympy(e).xreplace(cons), otypes=[object])
    return f(np.asarray(arr, dtype=object))


def read_function(source: str, function: str, tgt: Target, binding=None, *,
                  line_offset: int = 0, sizes=SIZES, takes: str = "auto") -> Reading:
    """Read *function* of *source* symbolically and judge it against *tgt*."""
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        return Reading("unknown", [f"unknown, because the code is not valid Python "
                                   f"(line {(err.lineno or 0) + line_offset})"])
    node = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function),
                None)
    if node is None:
        return Reading("unknown", [f"unknown, because there is no function {function}"])
    binding = binding or bind(tgt, signature_of(node), uses_exp(node), takes)
    if binding.problem:
        return Reading("unknown", [f"unknown, because {binding.problem}"])
    if node.decorator_list:
        return Reading("unknown", [f"unknown, because a decorator at line "
                                   f"{node.lineno + line_offset} is not read"])
    env = _global_env(tree)
    try:
        func = env.get(function, None)
    except Unread:
        return Reading("unknown", [f"unknown, because the function {function} is not read"])
    try:
        return _read_sizes(tgt, binding, func, node, sizes, line_offset, source)
    except Unread as u:
        where = f" at line {u.line + line_offset}" if u.line else ""
        return Reading("unknown", [f"unknown, because {u.construct}{where} is not read"])
    except (_Break, _Continue):
        return Reading("unknown", ["unknown, because break/continue outside a loop is not read"])
    except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError,
            sympy.SympifyError) as err:   # a value the comparison cannot take: say so
        return Reading("unknown", [f"unknown, because the result could not be compared "
                                   f"({type(err).__name__}: {str(err)[:80]})"])


def _read_sizes(tgt, binding, func, node, sizes, line_offset, source) -> Reading:
    conv = binding.conventions[0] if binding.conventions else None
    src_lines = source.splitlines()
    batched_only = None
    for K in sizes:
        results = []
        for n_rows in ((None, 2) if batched_only is None else
                       ((2,) if batched_only else (None,))):
            rows, beta = _inputs(tgt, conv, K, n_rows)
            interp = Interpreter(inputs={s for r in rows if r[2] for s in r[2]})
            try:
                args = _call_args(tgt, binding, rows, n_rows, node.lineno)
                got = interp.call(func, args, node.lineno)
            except Unread as u:
                where = f" at line {u.line + line_offset}" if u.line else ""
                return Reading("unknown", [f"unknown, because {u.construct}{where} is not read"],
                               tuple(sizes), conv)
            except Raised as r:
                where = f" at line {r.line + line_offset}" if r.line else ""
                results.append((n_rows, None, f"{r}{where}"))
                continue
            results.append((n_rows, (got, rows, beta, interp), None))
            break    # unbatched read: a batch is tried only when a vector raises
        ok = [r for r in results if r[1] is not None]
        if not ok:
            return Reading("fail", [f"the code raises for this input ({results[0][2]})"],
                           (K,), conv)
        if batched_only is None:
            batched_only = ok[0][0] is not None
        for n_rows, (got, rows, beta, interp), _ in ok[:1]:
            finding = _judge(tgt, conv, got, rows, beta, interp, bool(n_rows), src_lines,
                             line_offset)
            if finding is not None:
                texts, lines, *diffs = finding
                return Reading("fail", texts, (K,), conv, bool(n_rows), lines,
                               diffs[0] if diffs else [])
    return Reading("pass", [], tuple(sizes), conv, bool(batched_only))


def _judge(tgt, conv, got, rows, beta, interp, batched, src_lines, off):
    vals = [r[0] for r in rows]
    cons = {}
    for r in rows:
        cons.update(r[3])
    exp = tgt.expected_batch(vals) if batched else tgt.expected(vals[0])
    if not isinstance(got, SymArray):
        try:
            if not isinstance(got, (list, tuple, sympy.Basic)):
                raise Raised("not an array")
            got = as_array(got, 0)
        except Raised:
            what = {"NoneType": "None", "list": "a ragged list"}.get(type(got).__name__,
                                                                   type(got).__name__)
            return [f"returns {what}, not an array of real numbers"], []
    if not all(isinstance(e, sympy.Basic) or isinstance(e, (int, float))
               for e in got.v.ravel().tolist()):
        return ["returns values that are not numbers (None, strings, functions)"], []
    if any(e is UNSET for e in got.v.ravel().tolist()):
        idx = [i for i in np.ndindex(got.shape) if got.v[i] is UNSET]
        lines = sorted({int(got.lines[i]) for i in idx})
        return ([f"{len(idx)} entries are never written (np.empty), "
                 + _where(lines, src_lines, off)], [n + off for n in lines])
    variant = None
    if conv == "logits" and rows[0][2]:
        alt = [{**v, tgt.prob_role: list(r[2])} for v, r in zip(vals, rows)]
        variant = tgt.expected_batch(alt) if batched else tgt.expected(alt[0])
    variables = {s for r in rows for v in r[1].values()
                 for s in (np.ravel(np.asarray(v, dtype=object)) if not isinstance(v, sympy.Basic)
                           else []) if isinstance(s, sympy.Symbol)}
    diag = [_sub(np.asarray(v[tgt.prob_role], dtype=object), cons) for v in vals] \
        if tgt.kind == "jacobian" else None
    g = _sub(got.v, cons)
    comp = compare(g, _sub(exp, cons), Symbolic(variables), kind=tgt.kind,
                   logits_variant=None if variant is None else _sub(variant, cons),
                   diag_values=diag, beta=beta if "beta" in tgt.roles else None,
                   batched=batched)
    if comp.ok:
        if interp.raw_exp_lines and tgt.prob_role == "y" and conv == "logits":
            lines = sorted(set(interp.raw_exp_lines))
            return (["overflows for large logits (no max subtraction): np.exp of the raw "
                     "logits, " + _where(lines, src_lines, off)], [n + off for n in lines])
        return None
    texts, named = [], []
    formulas = {}
    if tgt.kind == "jacobian" and conv == "probabilities":
        formulas = line_formulas(got.v, got.lines, [r[1][tgt.prob_role] for r in rows],
                                 batched)
    for f in comp.findings:
        entries = f.entries or list(np.ndindex(got.shape))
        if got.shape and entries and len(entries[0]) == got.ndim:
            lines = sorted({int(got.lines[i]) for i in entries})
            prev = sorted({int(got.prev[i]) for i in entries} - {0} - set(lines))
        else:
            lines, prev = [], []
        text = f.text
        lines = [n for n in lines if n > 0]
        if lines:
            text += ": " + _where(lines, src_lines, off)
            if prev and "overwritten" in f.text:
                text += " overwrites what " + _where(prev, src_lines, off) + " wrote"
            elif "never assigned" in f.text:
                text = f.text + ": they keep the value from " + _where(lines, src_lines, off)
            cls = _entry_class(f.entries)
            for n in lines[:2] if cls and formulas else []:
                desc = describe(formulas, n, cls, tgt.name, beta, got.shape[-1])
                if desc:
                    text += "; " + desc.format(line=n + off)
        texts.append(text)
        named += [n + off for n in lines]
    diffs = [{"entry": list(i), "got": sympy.sstr(sympy.factor(got.v[i])),
              "expected": sympy.sstr(sympy.factor(exp[i]))}       # as written, before Σy = 1
             for i, g, e in comp.differences[:4] if e is not None and got.shape == exp.shape]
    return texts, named, diffs


def _entry_class(entries) -> str | None:
    """"diag" if every entry is on the diagonal, "off" if none is, else None."""
    if not entries or len(entries[0]) < 2:
        return None
    on = {e[-1] == e[-2] for e in entries}
    return None if len(on) > 1 else ("diag" if on.pop() else "off")


def _where(lines, src_lines, off) -> str:
    parts = []
    for n in [n for n in lines if n > 0][:3]:
        src = src_lines[n - 1].strip() if 0 < n <= len(src_lines) else ""
        parts.append(f"line {n + off} `{src}`")
    return ", ".join(parts)
