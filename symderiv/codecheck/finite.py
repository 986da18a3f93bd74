"""The finite-difference cross-check: central differences (float64) of the target's function.

Shown beside the exact comparison so a reader sees the derived result and plain numerics
agree (floating point is supporting evidence only).

>>> import numpy as np
>>> fd = jacobian_fd(lambda z: np.exp(z) / np.exp(z).sum(), np.array([0.5, -1.0]))
>>> bool(abs(fd[0, 0] - 0.5 * (1 / (1 + np.exp(-1.5))) * 2 * (1 - 1 / (1 + np.exp(-1.5)))) < 1e-6)
True
"""
from __future__ import annotations

import numpy as np

__all__ = ["jacobian_fd", "forward_function", "H"]

H = 1e-6


def jacobian_fd(f, x: np.ndarray, h: float = H) -> np.ndarray:
    """∂f_i/∂x_j by central differences; f maps an array to an array (or a scalar)."""
    x = np.asarray(x, dtype=float)
    cols = []
    for j in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((np.asarray(f(x + e), dtype=float) - np.asarray(f(x - e), dtype=float))
                    / (2 * h))
    out = np.stack(cols, axis=-1)
    return out.reshape(np.shape(f(x)) + x.shape)


def _softmax(z, b=1.0):
    e = np.exp(b * (z - np.max(z)))
    return e / e.sum()


def forward_function(name: str, values: dict):
    """(f, x0, how to read f's Jacobian as the target) for the target *name* at float values.

    values: role → float arrays; the softmax role given by its logits ``z``.
    """
    b = float(values.get("beta", 1.0))
    if name in ("softmax-jacobian", "softmax-jacobian-beta"):
        return (lambda z: _softmax(z, b)), values["z"], lambda J: J
    if name == "log-softmax-jacobian":
        return (lambda z: np.log(_softmax(z))), values["z"], lambda J: J
    if name == "sigmoid-grad":
        return (lambda x: 1 / (1 + np.exp(-x))), values["z"], lambda J: np.diagonal(J).copy()
    if name == "ce-grad":
        t = values["t"]
        return (lambda z: -np.sum(t * np.log(_softmax(z)))), values["z"], lambda J: J
    if name == "mse-grad":
        t = values["t"]
        return (lambda p: 0.5 * np.sum((p - t) ** 2)), values["p"], lambda J: J
    if name not in ("linear-grad-W", "linear-grad-x", "linear-grad-b"):
        return None
    g = values["g"]
    if name == "linear-grad-W":
        x = values["x"]
        return (lambda W: g @ (W @ x)), np.zeros((len(g), len(x))), lambda J: J
    if name == "linear-grad-x":
        W = values["W"]
        return (lambda x: g @ (W @ x)), np.zeros(W.shape[1]), lambda J: J
    if name == "linear-grad-b":
        return (lambda b_: g @ b_), np.zeros(len(g)), lambda J: J
    return None
