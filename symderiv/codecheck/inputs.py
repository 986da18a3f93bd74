"""The inputs the engine chooses, and which argument of the user's function gets which.

Parameters are matched to the target's roles by name (``z``/``logits`` are logits, ``y``/``p``/
``probs`` are probabilities, ``t``/``labels`` targets, ``dout``/``grad`` the upstream
gradient, …), then by position.  A softmax (or sigmoid) input is given as logits when the
function computes ``exp`` itself or its parameter is named like logits, as probabilities otherwise (without ``exp`` only probabilities can give
the derivative).  Inputs: several K (2, 3, 5), unbatched and batched
(rows), equal logits, large logits (z = 1000), and exact rationals (Fractions) where the
quantity is rational in them.  Logits are dyadic, so float64 holds them exactly.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from fractions import Fraction as F

import numpy as np
import sympy

from .targets import Target, sigmoid_exact, softmax_exact
from .numbers import as_sympy

__all__ = ["Case", "Binding", "bind", "cases_for", "signature_of", "uses_exp", "batch_aware"]

_LOGIT_NAMES = {"z", "zs", "logits", "logit", "x", "xs", "scores", "score", "inputs", "input",
                "pre", "preact", "net", "z1", "z_o", "zo"}
_PROB_NAMES = {"y", "ys", "p", "ps", "probs", "prob", "probabilities", "s", "sm", "softmax",
               "f", "out", "output", "outputs", "y_hat", "yhat", "a", "act", "activation",
               "sig", "sigma", "sigmoid", "q", "pi", "dist"}
_ROLE_NAMES = {
    "t": {"t", "ts", "target", "targets", "y_true", "ytrue", "labels", "label", "onehot",
          "one_hot", "truth", "y", "true", "gt", "expected", "y_target"},
    "beta": {"beta", "b", "inv_temp", "inverse_temperature", "β", "k", "scale"},
    "x": {"x", "xs", "inp", "input", "inputs", "a", "a_prev", "h", "x_in", "prev"},
    "g": {"g", "grad", "grads", "dy", "dout", "d_out", "delta", "upstream", "dl_dy", "dldy",
          "grad_output", "grad_out", "err", "error", "dz", "dL", "gy", "dloss"},
    "W": {"w", "weight", "weights", "theta", "mat", "m"},
    "p": {"p", "pred", "preds", "y_pred", "ypred", "yhat", "y_hat", "output", "out", "y",
          "prediction", "predictions", "a", "outputs", "x"},
}


def signature_of(tree: ast.FunctionDef) -> list[tuple[str, bool]]:
    """(name, has a default) for each positional parameter."""
    args = tree.args.posonlyargs + tree.args.args
    n_def = len(tree.args.defaults)
    return [(a.arg, i >= len(args) - n_def) for i, a in enumerate(args)]


def uses_exp(tree: ast.AST) -> bool:
    """Does the function (or one it defines) compute an exponential, a softmax or a sigmoid?"""
    names = {"exp", "softmax", "sigmoid", "expit", "logsumexp", "exp2", "tanh"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name.lower() in names:
                return True
    return False


def batch_aware(tree: ast.AST) -> bool:
    """Does the code handle a leading batch axis (axis=, keepdims, einsum, ..., shape[-1])?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("axis", "axes", "keepdims"):
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("einsum", "apply_along_axis",
                                                             "ndim", "matmul", "swapaxes"):
            return True
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
                node.value.attr == "shape":
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and \
                any(isinstance(e, ast.Constant) and e.value is None for e in node.slice.elts):
            return True
    return False


@dataclass(frozen=True)
class Binding:
    roles: tuple[str, ...]             # one role per parameter passed
    conventions: tuple[str, ...]       # for the softmax/sigmoid role: logits, probabilities
    problem: str | None = None


def bind(target: Target, params: list[tuple[str, bool]], computes_exp: bool,
         takes: str = "auto") -> Binding:
    required = [n for n, d in params if not d]
    wanted = list(target.roles)
    if len(required) > len(wanted):
        return Binding((), (), f"the function takes {_n(len(required))} "
                               f"({', '.join(required)}), {target.name} has "
                               f"{_n(len(wanted))} ({', '.join(wanted)})")
    names = [n for n, _ in params][:len(wanted)]
    if len(names) < len(wanted):
        return Binding((), (), f"the function takes {_n(len(names))}, {target.name} "
                               f"needs {_n(len(wanted))} ({', '.join(wanted)})")
    roles = _match(names, wanted)
    prob = target.prob_role
    conv: tuple[str, ...] = ()
    if prob is not None:
        pname = names[roles.index(prob)].lower()
        if takes != "auto":
            conv = (takes,)
        elif computes_exp or pname in _LOGIT_NAMES and pname not in _PROB_NAMES:
            conv = ("logits",)
        else:   # no exp computed: only probabilities can give the derivative
            conv = ("probabilities",)
    return Binding(tuple(roles), conv)


def _n(k: int) -> str:
    return f"{k} argument" + ("" if k == 1 else "s")


def _match(names: list[str], wanted: list[str]) -> list[str]:
    """Roles by name where one name fits one role, the rest by position."""
    out: list[str | None] = [None] * len(names)
    free = list(wanted)
    for pos, n in enumerate(names):
        fits = [r for r in free if _fits(r, n)]
        if len(fits) == 1 and sum(_fits(fits[0], m) for m in names) == 1:
            out[pos] = fits[0]
            free.remove(fits[0])
    for pos in range(len(names)):
        if out[pos] is None:
            out[pos] = free.pop(0)
    return out  # type: ignore[return-value]


def _fits(role: str, name: str) -> bool:
    name = name.lower()
    if role in ("y", "s"):
        return name in _LOGIT_NAMES or name in _PROB_NAMES
    return name in _ROLE_NAMES.get(role, set())


@dataclass
class Case:
    """One call: its arguments, the exact values of each example, and what it tests."""

    label: str
    args: list
    rows: list                        # role → exact values, one dict per example
    batched: bool
    exact: bool
    K: int
    convention: str | None
    tags: tuple = field(default=())
    logits: list | None = None        # the logits, when the call got logits


_Z = [F(1, 2), F(-1), F(3, 4), F(2), F(-3, 2), F(1, 4), F(0), F(5, 4)]
_P = {2: [F(1, 3), F(2, 3)], 3: [F(1, 2), F(1, 3), F(1, 6)],
      5: [F(1, 10), F(1, 5), F(3, 10), F(1, 4), F(3, 20)]}
_T = {2: [F(0), F(1)], 3: [F(0), F(1), F(0)], 5: [F(1, 4), F(0), F(1, 2), F(0), F(1, 4)]}


def _q(v):
    return sympy.Rational(v.numerator, v.denominator) if isinstance(v, F) else as_sympy(v)


def _fmt(vals) -> str:
    return "(" + ", ".join(str(v) for v in vals) + ")"


def _example(target: Target, K: int, conv: str | None, tag: str, shift: int = 0):
    """(arguments by role, exact role values, label, logits) for one example."""
    roles = target.roles
    vals, args, label, logits = {}, {}, [], None
    beta = F(2) if shift % 2 == 0 else F(1, 2)
    for r in roles:
        if r in ("y", "s"):
            if conv == "logits":
                z = ([F(7, 4)] * K if tag == "equal" else
                     [F(1000) + F(n % 3) for n in range(K)] if tag == "large" else
                     _Z[shift:shift + K])
                b = beta if "beta" in roles else 1
                ex = (softmax_exact([_q(v) for v in z], _q(b)) if r == "y"
                      else [sigmoid_exact(_q(v)) for v in z])
                vals[r], args[r], logits = ex, z, z
                label.append(f"z = {_fmt(z)}")
            else:
                p = ([F(1, K)] * K if tag == "equal" else _P[K]) if r == "y" else \
                    [F(1, 3), F(1, 2), F(3, 4), F(1, 5), F(2, 3)][:K]
                if shift % 2 and tag != "equal":
                    p = p[::-1] if K > 2 else [F(3, 4), F(1, 4)]   # another example
                vals[r], args[r] = [_q(v) for v in p], p
                label.append(f"{r} = {_fmt(p)}")
        elif r == "t":
            t = _T[K] if shift % 2 == 0 else ([F(1, K)] * K)
            vals[r], args[r] = [_q(v) for v in t], t
            label.append(f"t = {_fmt(t)}")
        elif r == "beta":
            vals[r], args[r] = _q(beta), beta
            label.append(f"β = {beta}")
        elif r == "p":
            p = _Z[shift:shift + K]
            vals[r], args[r] = [_q(v) for v in p], p
            label.append(f"y = {_fmt(p)}")
        elif r in ("x", "g"):
            n = K + 1 if r == "x" else K
            v = [F(n_ + 1 + shift, 2) * (-1) ** n_ for n_ in range(n)]
            vals[r], args[r] = [_q(x) for x in v], v
            label.append(f"{r} = {_fmt(v)}")
        elif r == "W":
            w = [[F(a * (K + 1) + c + 1 + shift) * (-1) ** (a + c) / 4 for c in range(K + 1)]
                 for a in range(K)]
            vals[r], args[r] = [[_q(x) for x in row] for row in w], w
            label.append("W = " + "[" + "; ".join(" ".join(str(x) for x in row)
                                                 for row in w) + "]")
    return vals, args, ", ".join(label), logits


def _array(v, exact: bool):
    if isinstance(v, F) or not isinstance(v, list):
        return v if exact else float(v)
    return np.array(v, dtype=object) if exact else np.array(v, dtype=float)


def cases_for(target: Target, binding: Binding, conv: str | None) -> list[Case]:
    """The calls for one convention: unbatched and batched, several K, special values."""
    out = []
    sizes = (2, 3, 5)
    rational = conv != "logits"     # exp of a rational logit is not rational
    plans = [(K, "", s) for s, K in enumerate(sizes)]
    if conv == "logits":
        plans += [(3, "equal", 0), (3, "large", 0)]
    else:
        if target.prob_role == "y":
            plans += [(3, "equal", 0)]
    for K, tag, shift in plans:
        vals, args, label, logits = _example(target, K, conv, tag, shift)
        tags = (tag,) if tag else ()
        for exact in ((True, False) if rational and not tag else (False,)):
            call = [_array(args[r], exact) for r in binding.roles]
            out.append(Case(f"K = {K}: {label}" + (" (exact rationals)" if exact else ""),
                            call, [vals], False, exact, K, conv, tags, logits))
        if tag == "large":
            continue
        # a batch of two examples as rows (the second shifted); shared W and β stay unbatched
        vals2, args2, label2, logits2 = _example(target, K, conv, tag, shift + 1)
        shared = {"W", "beta"}
        if "beta" in target.roles:
            vals2["beta"], args2["beta"] = vals["beta"], args["beta"]
            vals2, args2, label2, logits2 = _rebeta(target, K, conv, tag, shift + 1, args["beta"])
        if "W" in target.roles:
            vals2["W"], args2["W"] = vals["W"], args["W"]
        call = []
        for r in binding.roles:
            if r in shared:
                call.append(_array(args[r], False))
            else:
                call.append(np.array([_array(args[r], False), _array(args2[r], False)]))
        out.append(Case(f"K = {K}, batch of 2 rows: [{label}] and [{label2}]", call,
                        [vals, vals2], True, False, K, conv, tags + ("batched",),
                        [logits, logits2] if logits else None))
    return out


def _rebeta(target, K, conv, tag, shift, beta):
    """The second row of a β batch, computed with the first row's β."""
    vals, args, label, logits = _example(target, K, conv, tag, shift)
    if conv == "logits":
        vals["y"] = softmax_exact([_q(v) for v in args["y"]], _q(beta))
    vals["beta"], args["beta"] = _q(beta), beta
    label = label.rsplit(", β =", 1)[0]
    return vals, args, label, logits
