"""Vocabulary as data: functions ML texts use without defining them, with their definitions.

A text that writes ``\\sigma(z)`` or ``\\text{sigmoid}(x)`` without defining it means the logistic
sigmoid; one that writes ``\\text{Sig}(x)`` most likely does too, but that reading is a doubt (shown,
and never the ground of a refutation).  A definition the text states always wins over the
catalogue's.

>>> entry = CATALOGUE["sigma"]
>>> entry.body, entry.doubt
(1/(1 + exp(-x)), None)
>>> CATALOGUE["Sig"].doubt
'Sig read as the logistic sigmoid 1/(1 + e^{-x}) (the text does not define it)'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy
from sympy import Symbol

__all__ = ["Entry", "CATALOGUE", "VECTOR_FUNCTIONS", "LOSSES", "function_names",
           "vector_function"]

_x = Symbol("x")


@dataclass(frozen=True)
class Entry:
    """A catalogue function of one argument ``x``: what it is, its body, and the doubt its
    name leaves (None when the name is unambiguous in ML texts)."""

    what: str
    body: sympy.Expr
    doubt: str | None = None

    @property
    def params(self) -> tuple[Symbol, ...]:
        return (_x,)


_SIGMOID = 1 / (1 + sympy.exp(-_x))


def _entries() -> dict[str, Entry]:
    out = {}
    for name in ("sigma", "sigmoid", "Sigmoid", "logistic"):
        out[name] = Entry("the logistic sigmoid", _SIGMOID)
    for name in ("sig", "Sig", "sigm"):
        out[name] = Entry("the logistic sigmoid", _SIGMOID,
                          f"{name} read as the logistic sigmoid 1/(1 + e^{{-x}}) (the text does "
                          "not define it)")
    for name in ("softplus", "Softplus"):
        out[name] = Entry("softplus", sympy.log(1 + sympy.exp(_x)))
    for name in ("ReLU", "relu", "Relu", "RELU"):
        out[name] = Entry("the rectified linear unit", sympy.Max(0, _x))
    for name in ("sign", "sgn", "signum", "Sign", "Sgn"):   # -1, 0, 1: the sign of x
        out[name] = Entry("the sign function", sympy.sign(_x))
    for name in ("Identity", "identity"):
        out[name] = Entry("the identity", _x)
    return out


CATALOGUE: dict[str, Entry] = _entries()


def function_names() -> tuple[str, ...]:
    """Names read as functions wherever they are applied to an argument."""
    return tuple(CATALOGUE)


# functions of a whole vector, written with the entry they give: softmax(z)_i (read as
# softmax(z, i)) is e^{z_i} / Σ_k e^{z_k}, the sum over the vector's entries (the range the
# text's sums use); log-softmax likewise.  Nothing else has these names in ML texts.
VECTOR_FUNCTIONS = frozenset({"softmax", "Softmax", "SoftMax", "logsoftmax", "log_softmax",
                              "LogSoftmax"})


def vector_function(name: str, args, ctx) -> sympy.Expr | None:
    """The entry ``args[1]`` of a catalogue vector function of the vector named ``args[0]``,
    over the context's index range; None when the arguments are not a name and an index."""
    from sympy import Indexed, IndexedBase, Sum
    from .notation import fresh_index, index
    if len(args) != 2 or not isinstance(args[0], Symbol) or \
            not (args[1].is_integer or isinstance(args[1], Symbol)) or isinstance(args[1], Indexed):
        return None
    v = IndexedBase(str(args[0]))
    k = fresh_index(index("k"), {str(s) for s in args[1].free_symbols} | {str(args[0])})
    hi = ctx.top if ctx.top is not None else ctx.size + ctx.lower - 1
    total = Sum(sympy.exp(v[k]), (k, ctx.lower, hi))
    if name in ("softmax", "Softmax", "SoftMax"):
        return sympy.exp(v[args[1]]) / total
    return v[args[1]] - sympy.log(total)


# Losses the prose names, with the forms a definition of them takes (templates in the text's
# own names: {p} the prediction, {q} the target, {k} the index of {sum}, the text's own sum).
# Used only to compare a definition the text names with the usual form of that loss.

LOSSES = (
    ("the cross-entropy",
     re.compile(r"cross[- ]?entropy|log[- ]?loss|negative log[- ]likelihood|\bNLL\b", re.I),
     ("-{sum} {q}_{{{k}}} \\log {p}_{{{k}}}",
      "-{sum} ({q}_{{{k}}} \\log {p}_{{{k}}} + (1 - {q}_{{{k}}}) \\log(1 - {p}_{{{k}}}))",
      "-({q} \\log {p} + (1 - {q}) \\log(1 - {p}))")),
    ("the squared error",
     re.compile(r"mean[- ]squared?[- ]error|squared[- ]error|\bMSE\b|sum of squares", re.I),
     ("\\frac{{1}}{{2}} {sum} ({p}_{{{k}}} - {q}_{{{k}}})^2",
      "{sum} ({p}_{{{k}}} - {q}_{{{k}}})^2",
      "\\frac{{1}}{{2}} ({p} - {q})^2", "({p} - {q})^2")),
)
