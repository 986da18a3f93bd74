"""Functions the formulas apply: those the document defines (``\\sigma(x) = ...``, an entry
function ``\\text{Softmax}(x_i) = ...``), the catalogue's (σ, ReLU, softmax of a vector) and the
built-in ones (tanh, exp, log), expanded by substitution of their arguments."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Sequence

import sympy
from sympy import Indexed, Symbol, Sum

from .notation import Context, Partial, fresh_index
from .read import Notation
from .read.atoms import EntrywiseShift
from .vocabulary import CATALOGUE, VECTOR_FUNCTIONS, function_names, vector_function

__all__ = ["without_extremum", "expand_functions", "vector_values", "with_function_names", "catalogue_doubts", "entry_function",
           "is_entry_parameter"]


def _is_extremum(s) -> bool:
    return isinstance(s, Symbol) and s.name.startswith(("\\max(", "\\min("))


def without_extremum(expr, ctx: Context, what: str, alias: bool = False):
    """``e^{x_i - \\max(x)} / \\sum_j e^{x_j - \\max(x)}``: the largest entry of a vector is
    read as a name of its own, which is sound only where it cancels — then it is dropped;
    anywhere else the expression is not read (its derivatives would miss ∂max/∂x_j).

    A name defined as the largest entry alone (``m = \\max_j z_j``, *alias* for such a
    definition) stands for it: where the expression uses that name, the same rule holds."""
    from .calculus import CalculusError, normal_form
    from .notation import NotationError
    if alias and _is_extremum(expr):
        return expr
    names = {d.target: d.rhs for d in ctx.definitions if _is_extremum(d.rhs)}
    if names and isinstance(expr, sympy.Basic) and expr.has(*names):
        expr = expr.xreplace(names)
    ext = [s for s in getattr(expr, "free_symbols", ()) if _is_extremum(s)]
    if not ext:
        return expr
    zero = {s: 0 for s in ext}
    plain = expr.xreplace(zero)
    try:
        # what is differentiated must be free of it on its own: ∂(z_i − max z)/∂z_i is not
        # ∂z_i/∂z_i, since the largest entry moves with z (its derivative is not 0)
        inner = [d.args[0] for d in expr.atoms(Partial, sympy.Derivative)
                 if d.args[0].has(*ext)]
        if all(normal_form(f - f.xreplace(zero), ctx) == 0 for f in inner) and \
                normal_form(expr - plain, ctx) == 0:
            return plain
    except CalculusError:
        pass
    raise NotationError(f"{what} uses {', '.join(s.name for s in ext)} (the largest entry of a "
                        "vector), which is read only where it cancels (a shift of a softmax)")


def is_entry_parameter(params, body) -> bool:
    """``\\text{Softmax}(x_i) = \\frac{e^{x_i}}{\\sum_j e^{x_j}}``: one parameter, an entry
    x_i of a vector with a symbolic index, whose body uses that vector — a function of the
    whole vector that gives its i-th entry."""
    if len(params) != 1 or not isinstance(params[0], Indexed) or len(params[0].indices) != 1:
        return False
    x, i = params[0].base, params[0].indices[0]
    return isinstance(i, Symbol) and x in {e.base for e in body.atoms(Indexed)}


def entry_function(params, body, arg):
    """The body of an entry function (see ``is_entry_parameter``) for the entry *arg* = z_k of
    another vector: the vector renamed, the index set, bound indices kept apart; None when
    *arg* is not such an entry.

    >>> from sympy import IndexedBase, Sum, exp
    >>> from symderiv.notation import index
    >>> x, z, i, j, k = IndexedBase('x'), IndexedBase('z'), index('i'), index('j'), index('k')
    >>> entry_function((x[i],), exp(x[i]) / Sum(exp(x[j]), (j, 1, 3)), z[j])
    exp(z[j])/Sum(exp(z[j1]), (j1, 1, 3))
    """
    if not isinstance(arg, Indexed) or len(arg.indices) != 1:
        return None
    x, i = params[0].base, params[0].indices[0]
    v, m = arg.base, arg.indices[0]
    taken = {str(s) for s in arg.free_symbols} | {str(v)}
    for s in body.atoms(Sum):
        for bound in [lim[0] for lim in s.limits]:
            if str(bound) in taken:
                new = fresh_index(bound, taken | {str(a) for a in body.free_symbols})
                body = body.xreplace({bound: new})
                taken.add(str(new))
    plain = Symbol(str(x))   # \max(x) of the whole vector
    return body.xreplace({i: m}).xreplace({x: v, plain: Symbol(str(v))})

_FUNCTION_DEF = re.compile(
    r"^\s*(?:\\(?:mathrm|operatorname|text|mathit)\s*\{\s*([A-Za-z]+)\s*\}|\\?([A-Za-z]+))"
    r"(?:_\s*(?:\{\s*\\[A-Za-z]+\s*\}|\\[A-Za-z]+))?"   # h_\theta(x) = ... (a Greek parameter)
    r"\s*\(([^()]*)\)\s*:?=")


def _applied_names(exprs) -> set[str]:
    return {str(a.func).rstrip("'") for e in exprs if isinstance(e, sympy.Basic)
            for a in e.atoms(sympy.core.function.AppliedUndef)}


def _with_catalogue(ctx: Context, claim_exprs: Sequence) -> Context:
    """The catalogue's definition of every function the claim or the definitions apply but
    nothing defines (σ(z) without a definition is the logistic sigmoid)."""
    used = _applied_names(tuple(claim_exprs) + tuple(d.rhs for d in ctx.definitions)
                          + tuple(c for c in ctx.conditions))
    defined = {name for name, _, _ in ctx.functions}
    extra = tuple((n, CATALOGUE[n].params, CATALOGUE[n].body) for n in sorted(used)
                  if n in CATALOGUE and n not in defined and ctx.definition(n) is None)
    own = tuple(sorted(n for n in defined if n in CATALOGUE and n not in ctx.confirmed))
    if own:   # Sig(x) = 1/(1 + e^{-x}) stated by the text: its own, not a catalogue guess
        ctx = ctx.with_(confirmed=tuple(ctx.confirmed) + own)
    return ctx.with_(functions=ctx.functions + extra) if extra else ctx


def catalogue_doubts(ctx: Context) -> tuple[str, ...]:
    """The doubts of the catalogue readings a context relies on (``Sig`` as the sigmoid)."""
    return tuple(CATALOGUE[n].doubt for n, params, body in ctx.functions
                 if n in CATALOGUE and CATALOGUE[n].doubt and body == CATALOGUE[n].body
                 and n not in ctx.confirmed)


def with_function_names(given: Iterable[str], notation: Notation) -> Notation:
    """Names the definitions define as functions (``\\sigma(x) = ...``) are read as functions
    everywhere (``\\sigma(z)`` is σ applied to z, not σ·z)."""
    names = [n for n in function_names() if n not in notation.functions]
    for text in given:
        m = _FUNCTION_DEF.match(text)
        name = m and (m.group(1) or m.group(2))
        if name and name not in notation.functions and name not in names:
            names.append(name)
    return replace(notation, functions=tuple(notation.functions) + tuple(names)) if names \
        else notation


_BUILTIN = {"tanh": sympy.tanh, "exp": sympy.exp, "log": sympy.log, "ln": sympy.log,
            "sinh": sympy.sinh, "cosh": sympy.cosh, "sin": sympy.sin, "cos": sympy.cos}
# \operatorname{sech}(z) and its kin: no LaTeX command, the standard reciprocals of cosh, sinh
_RECIPROCAL = {"sech": lambda x: 1 / sympy.cosh(x), "csch": lambda x: 1 / sympy.sinh(x),
               "coth": lambda x: sympy.cosh(x) / sympy.sinh(x)}
_BUILTIN.update(_RECIPROCAL)


def _of_values(name: str, v, primes: int):
    """A catalogue vector function of a written vector (a row or a column), or its
    derivative there (primes = 1): the Jacobian J_ij = ∂f_i/∂v_j, as f'(x) means."""
    vals = list(v)
    total = sympy.Add(*[sympy.exp(x) for x in vals])
    soft = [sympy.exp(x) / total for x in vals]
    n = len(vals)
    if name in ("softmax", "Softmax", "SoftMax"):
        if not primes:
            return sympy.ImmutableMatrix(v.rows, v.cols, soft)
        return sympy.ImmutableMatrix(n, n, lambda i, j: soft[i] * (int(i == j) - soft[j]))
    if not primes:
        return sympy.ImmutableMatrix(v.rows, v.cols, [x - sympy.log(total) for x in vals])
    return sympy.ImmutableMatrix(n, n, lambda i, j: int(i == j) - soft[j])


def vector_values(expr, ctx: Context):
    """Only the catalogue vector functions of written vectors expanded (``Softmax((1.75,
    1.75))`` is a vector of numbers, ``Softmax'(…)`` its Jacobian there); the rest as is."""
    if not isinstance(expr, sympy.Basic) or not any(
            str(a.func).rstrip("'") in VECTOR_FUNCTIONS
            for a in expr.atoms(sympy.core.function.AppliedUndef)):
        return expr
    table = {name for name, _, _ in ctx.functions}
    done = {}

    def hit(e):
        done[e] = _of_written_vector(e, ctx, table)
        return done[e] is not None
    return expr.replace(hit, lambda e: done[e])


def _of_written_vector(e, ctx: Context, table) -> sympy.MatrixBase | None:
    """A catalogue vector function (or its derivative) of a written vector, as numbers; None
    for any other application (or one the text defines itself)."""
    if not isinstance(e, sympy.core.function.AppliedUndef):
        return None
    base = str(e.func).rstrip("'")
    primes = len(str(e.func)) - len(base)
    if base in VECTOR_FUNCTIONS and base not in table and primes <= 1 and \
            ctx.definition(base) is None and len(e.args) == 1 and \
            isinstance(e.args[0], sympy.MatrixBase) and 1 in e.args[0].shape:
        return _of_values(base, e.args[0], primes)
    return None


def _shift_entries(e, apply):
    """f(z + c, i) with c added to every entry of z: f(z, i) expanded, then z_k → z_k + c;
    None when f(z, i) is not expanded (or still holds z as a whole)."""
    v, c = e.args[0].args
    body = apply(e.func(v, *e.args[1:]))
    if body is None or not isinstance(body, sympy.Basic) or v in body.xreplace(
            {x: sympy.Dummy() for x in body.atoms(Indexed)}).free_symbols:
        return None   # z as a whole (\max(z)) beside its entries: the shift not read
    return body.replace(lambda x: isinstance(x, Indexed) and str(x.base.label) == str(v),
                        lambda x: x + c)


def expand_functions(expr, ctx: Context):
    """Apply the function definitions: σ(z) → body with x := z; σ'(z) → body' at z."""
    if not isinstance(expr, sympy.Basic) or not (ctx.functions or any(
            str(a.func) in VECTOR_FUNCTIONS or str(a.func).rstrip("'") in _BUILTIN
            for a in expr.atoms(sympy.core.function.AppliedUndef))):
        return expr
    table = {name: (params, body) for name, params, body in ctx.functions}

    def apply(e):
        if not isinstance(e, sympy.core.function.AppliedUndef):
            return None
        name = str(e.func)
        primes = len(name) - len(name.rstrip("'"))
        base = name.rstrip("'")
        written = _of_written_vector(e, ctx, table)
        if written is not None:
            return written   # Softmax((1.75, 1.75)), Softmax'(…): numbers
        if e.args and isinstance(e.args[0], EntrywiseShift):
            return _shift_entries(e, apply)   # softmax(z + c)_i: c added to every z_k
        if base not in table and not primes and name in VECTOR_FUNCTIONS and \
                ctx.definition(name) is None:
            if len(e.args) == 1 and isinstance(e.args[0], Indexed) and \
                    len(e.args[0].indices) == 1:   # softmax(z_j): the j-th entry of softmax(z)
                return vector_function(name, (Symbol(str(e.args[0].base)),
                                              e.args[0].indices[0]), ctx)
            return vector_function(name, e.args, ctx)
        if base not in table and not primes and base in _RECIPROCAL and len(e.args) == 1 \
                and ctx.definition(base) is None:
            return _RECIPROCAL[base](e.args[0])   # sech(z) = 1/cosh(z)
        if base not in table and primes and base in _BUILTIN and len(e.args) == 1:
            x = Symbol("x")   # tanh'(z) = 1 − tanh²(z): the derivative of the known function
            return sympy.diff(_BUILTIN[base](x), x, primes).xreplace({x: e.args[0]})
        if base not in table:
            return None
        params, body = table[base]
        if is_entry_parameter(params, body):
            return None if primes else entry_function(params, body, e.args[0]) \
                if len(e.args) == 1 else None
        if not primes and len(e.args) == 1 and e.args[0].has(Symbol(base)):
            return Symbol(base) * e.args[0]   # σ(1 − σ): σ is a value here, so a product
        if len(params) != len(e.args) or (primes and len(params) != 1):
            return None
        labels = {ix.base.label for ix in body.atoms(Indexed)}
        if any(p in labels and not isinstance(a, Symbol) for p, a in zip(params, e.args)):
            # g(x) = log Σ_i exp x_i applied to x + b: the entries of x + b depend on
            # whether b is a vector or a number (not read), never a new vector "x + b"
            return None
        for _ in range(primes):
            body = sympy.diff(body, params[0])
        return body.xreplace(dict(zip(params, e.args)))
    done = {}

    def found(e):
        done[e] = apply(e)
        return done[e] is not None
    return expr.replace(found, lambda e: done[e])


