r"""Vector and matrix claims over the layers of issue 12, written as ML texts write them, each
with an independent SymPy encoding (tests/adversarial/matrix_layers_truth.py decides it at
sizes 2 and 3).  ``python -m adversarial.matrix_layers_cases`` (from tests/) writes the table
tests/data/matrix_layers.json with the labels.

Each case: id, layer, claim, given, where, sizes (name -> (rows, cols) or () for a scalar),
defs (name -> value at a size), enc(S, lay) -> (lhs, rhs), layouts tried.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import sympy as sp

from .matrix_layers_truth import (LAYOUTS, diag, ew, had, huber, linear_in, logsoftmax, mm,
                                  scal, sig, softmax, softmax_rows, tr, truth)

CASES = []
DER = LAYOUTS
NONE = ("none",)


def C(id, layer, claim, given, sizes, defs, enc, layouts=DER, where=(), cond=None, why=""):
    CASES.append(dict(id=id, layer=layer, claim=claim, given=list(given), where=list(where),
                      sizes=sizes, defs=defs, enc=enc, layouts=layouts, cond=cond, why=why))


col = lambda d: (d, 1)  # noqa: E731
I_ = lambda n: sp.eye(n)  # noqa: E731
one = lambda S, n: sp.ones(n, 1)  # noqa: E731


def _onehot(name):
    """Σ t = 1: the last entry is 1 minus the others."""
    def cond(S):
        t = S[name]
        return {t[-1]: 1 - sum(t[k] for k in range(len(t) - 1))}
    return cond


def _rows_onehot(name):
    def cond(S):
        T = S[name]
        return {T[r, -1]: 1 - sum(T[r, k] for k in range(T.cols - 1)) for r in range(T.rows)}
    return cond


# =============================================================== softmax
SM = {"z": col("n"), "y": col("n"), "G": col("n"), "L": (), "J": ("n", "n"), "t": col("n")}
SMD = {"y": lambda S: softmax(S["z"]), "L": lambda S: linear_in(S, "y")}
SMJ = dict(SMD, J=lambda S: S.d("y", "z", S.lay))
g_sm = [r"\mathbf y = \mathrm{softmax}(\mathbf z)"]
Y = lambda S: softmax(S["z"])  # noqa: E731
jac_sm = lambda S: diag(Y(S)) - Y(S) * Y(S).T  # noqa: E731

C("sm-jac-T", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = \mathrm{diag}(\mathbf y) - \mathbf y \mathbf y^\top",
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), jac_sm(S)))
C("sm-jac-plain-T", "softmax", r"\frac{\partial y}{\partial z} = \mathrm{diag}(y) - y y^T",
  [r"y = \mathrm{softmax}(z)"], SM, SMD, lambda S, l: (S.d("y", "z", l), jac_sm(S)))
C("sm-jac-J-T", "softmax", r"J = \mathrm{diag}(\mathbf y) - \mathbf y \mathbf y^T",
  g_sm + [r"J = \frac{\partial \mathbf y}{\partial \mathbf z}"], SM, SMJ,
  lambda S, l: (S.d("y", "z", l), jac_sm(S)))
C("sm-jac-I-F", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = I - \mathbf y \mathbf y^\top",
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), I_(len(S["z"])) - Y(S) * Y(S).T))
C("sm-jac-sign-F", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = \mathbf y \mathbf y^\top - \mathrm{diag}(\mathbf y)",
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), -jac_sm(S)))
C("sm-jac-inner-N", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = \mathrm{diag}(\mathbf y) - \mathbf y^\top \mathbf y",
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), mm(diag(Y(S)), sp.eye(1)) - Y(S).T * Y(S)),
  why="n x n against 1 x 1")
C("sm-jac-fact-T", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = \mathrm{diag}(\mathbf y)\left(I - \mathbf 1 \mathbf y^\top\right)",
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), diag(Y(S)) * (I_(len(S["z"])) - one(S, len(S["z"])) * Y(S).T)))
C("sm-jac-fact-F", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = \left(I - \mathbf 1 \mathbf y^\top\right) \mathrm{diag}(\mathbf y)",
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), (I_(len(S["z"])) - one(S, len(S["z"])) * Y(S).T) * diag(Y(S))))
C("sm-jac-fact2-T", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = \left(I - \mathbf y \mathbf 1^\top\right) \mathrm{diag}(\mathbf y)",
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), (I_(len(S["z"])) - Y(S) * one(S, len(S["z"])).T) * diag(Y(S))))
C("sm-vjp-T", "softmax", r"\nabla_{\mathbf z} L = \left(\mathrm{diag}(\mathbf y) - \mathbf y \mathbf y^\top\right) \nabla_{\mathbf y} L",
  g_sm, SM, SMD, lambda S, l: (S.d("L", "z", l), jac_sm(S) * S.d("L", "y", l)))
C("sm-vjp-had-T", "softmax", r"\nabla_{\mathbf z} L = \mathbf y \odot \left(\nabla_{\mathbf y} L - (\mathbf y^\top \nabla_{\mathbf y} L) \mathbf 1\right)",
  g_sm, SM, SMD, lambda S, l: (S.d("L", "z", l), had(Y(S), S.d("L", "y", l) - scal(Y(S).T * S.d("L", "y", l)) * one(S, len(S["z"])))))
C("sm-vjp-had-F", "softmax", r"\nabla_{\mathbf z} L = \mathbf y \odot \left(\nabla_{\mathbf y} L - \mathbf 1\right)",
  g_sm, SM, SMD, lambda S, l: (S.d("L", "z", l), had(Y(S), S.d("L", "y", l) - one(S, len(S["z"])))))
C("sm-vjp-F", "softmax", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial L}{\partial \mathbf y} - \mathbf y \mathbf y^\top \frac{\partial L}{\partial \mathbf y}",
  g_sm, SM, SMD, lambda S, l: (S.d("L", "z", l), S.d("L", "y", l) - Y(S) * Y(S).T * S.d("L", "y", l)))
C("sm-JT-T", "softmax", r"\nabla_{\mathbf z} L = J^\top \nabla_{\mathbf y} L",
  g_sm + [r"J = \frac{\partial \mathbf y}{\partial \mathbf z}"], SM, SMJ,
  lambda S, l: (S.d("L", "z", l), S.d("y", "z", l).T * S.d("L", "y", l)))
C("sm-row-T", "softmax", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial L}{\partial \mathbf y} \frac{\partial \mathbf y}{\partial \mathbf z}",
  g_sm, SM, SMD, lambda S, l: (S.d("L", "z", l), S.d("L", "y", l) * S.d("y", "z", l)),
  why="a row times the Jacobian: the numerator layout")
C("sm-col-T", "softmax", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial \mathbf y}{\partial \mathbf z} \frac{\partial L}{\partial \mathbf y}",
  g_sm, SM, SMD, lambda S, l: (S.d("L", "z", l), S.d("y", "z", l) * S.d("L", "y", l)))
C("sm-ce-T", "softmax", r"\frac{\partial L}{\partial \mathbf z} = \mathbf y - \mathbf t",
  g_sm + [r"L = -\mathbf t^\top \log \mathbf y"], SM, dict(SMD, L=lambda S: -scal(S["t"].T * ew(sp.log, S["y"]))),
  lambda S, l: (S.d("L", "z", l), Y(S) - S["t"]), where=[r"\mathbf 1^\top \mathbf t = 1"], cond=_onehot("t"))
C("sm-ce-nocond-F", "softmax", r"\frac{\partial L}{\partial \mathbf z} = \mathbf y - \mathbf t",
  g_sm + [r"L = -\mathbf t^\top \log \mathbf y"], SM, dict(SMD, L=lambda S: -scal(S["t"].T * ew(sp.log, S["y"]))),
  lambda S, l: (S.d("L", "z", l), Y(S) - S["t"]), why="needs sum t = 1")
C("sm-ce-sign-F", "softmax", r"\frac{\partial L}{\partial \mathbf z} = \mathbf t - \mathbf y",
  g_sm + [r"L = -\mathbf t^\top \log \mathbf y"], SM, dict(SMD, L=lambda S: -scal(S["t"].T * ew(sp.log, S["y"]))),
  lambda S, l: (S.d("L", "z", l), S["t"] - Y(S)), where=[r"\mathbf 1^\top \mathbf t = 1"], cond=_onehot("t"))


def _dots(S, off=-1):
    y = Y(S)
    n = len(y)
    return sp.Matrix(n, n, lambda i, j: y[i] * (1 - y[i]) if i == j else off * y[i] * y[j])


DOTS = (r"\begin{bmatrix} y_1 (1 - y_1) & -y_1 y_2 & \cdots & -y_1 y_n \\ -y_2 y_1 & y_2 (1 - y_2) & \cdots & -y_2 y_n \\ "
        r"\vdots & \vdots & \ddots & \vdots \\ -y_n y_1 & -y_n y_2 & \cdots & y_n (1 - y_n) \end{bmatrix}")
C("sm-dots-T", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = " + DOTS,
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), _dots(S)))
C("sm-dots-F", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = " + DOTS.replace("-y_1 y_2", "y_1 y_2").replace("-y_2 y_1", "y_2 y_1")
  .replace("-y_1 y_n", "y_1 y_n").replace("-y_2 y_n", "y_2 y_n").replace("-y_n y_1", "y_n y_1").replace("-y_n y_2", "y_n y_2"),
  g_sm, SM, SMD, lambda S, l: (S.d("y", "z", l), _dots(S, 1)))
SMB = dict(SM, beta=())
C("sm-beta-T", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = \beta \left(\mathrm{diag}(\mathbf y) - \mathbf y \mathbf y^\top\right)",
  [r"\mathbf y = \mathrm{softmax}(\beta \mathbf z)"], SMB, {"y": lambda S: softmax(S["beta"] * S["z"])},
  lambda S, l: (S.d("y", "z", l), S["beta"] * (diag(softmax(S["beta"] * S["z"])) - softmax(S["beta"] * S["z"]) * softmax(S["beta"] * S["z"]).T)))
C("sm-beta-F", "softmax", r"\frac{\partial \mathbf y}{\partial \mathbf z} = \mathrm{diag}(\mathbf y) - \mathbf y \mathbf y^\top",
  [r"\mathbf y = \mathrm{softmax}(\beta \mathbf z)"], SMB, {"y": lambda S: softmax(S["beta"] * S["z"])},
  lambda S, l: (S.d("y", "z", l), diag(softmax(S["beta"] * S["z"])) - softmax(S["beta"] * S["z"]) * softmax(S["beta"] * S["z"]).T))
C("sm-tr-T", "softmax", r"\mathrm{tr}\left(\frac{\partial \mathbf y}{\partial \mathbf z}\right) = 1 - \mathbf y^\top \mathbf y",
  g_sm, SM, SMD, lambda S, l: (tr(S.d("y", "z", l)), 1 - scal(Y(S).T * Y(S))))
C("sm-sum-T", "softmax", r"\mathbf 1^\top \mathbf y = 1", g_sm, SM, SMD,
  lambda S, l: (scal(one(S, len(S["z"])).T * Y(S)), 1), layouts=NONE)

# =============================================================== sigmoid, binary cross-entropy
SG = {"z": col("n"), "a": col("n"), "G": col("n"), "L": (), "t": col("n")}
SGD = {"a": lambda S: ew(sig, S["z"]), "L": lambda S: linear_in(S, "a")}
A_ = lambda S: ew(sig, S["z"])  # noqa: E731
o_ = lambda S: sp.ones(len(S["z"]), 1)  # noqa: E731
g_sg = [r"\mathbf a = \sigma(\mathbf z)"]
BCE = r"L = -\mathbf t^\top \log \mathbf a - (\mathbf 1 - \mathbf t)^\top \log(\mathbf 1 - \mathbf a)"
bce = lambda S: -scal(S["t"].T * ew(sp.log, S["a"])) - scal((o_(S) - S["t"]).T * ew(sp.log, o_(S) - S["a"]))  # noqa: E731
SGB = dict(SGD, L=bce)

C("sg-vjp-T", "sigmoid-bce", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial L}{\partial \mathbf a} \odot \mathbf a \odot (1 - \mathbf a)",
  g_sg, SG, SGD, lambda S, l: (S.d("L", "z", l), had(S.d("L", "a", l), A_(S), o_(S) - A_(S))))
C("sg-vjp-F", "sigmoid-bce", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial L}{\partial \mathbf a} \odot (1 - \mathbf a)",
  g_sg, SG, SGD, lambda S, l: (S.d("L", "z", l), had(S.d("L", "a", l), o_(S) - A_(S))))
C("sg-jac-T", "sigmoid-bce", r"\frac{\partial \mathbf a}{\partial \mathbf z} = \mathrm{diag}\left(\mathbf a \odot (\mathbf 1 - \mathbf a)\right)",
  g_sg, SG, SGD, lambda S, l: (S.d("a", "z", l), diag(had(A_(S), o_(S) - A_(S)))))
C("sg-jac-sq-T", "sigmoid-bce", r"\frac{\partial \mathbf a}{\partial \mathbf z} = \mathrm{diag}(\mathbf a) - \mathrm{diag}(\mathbf a)^2",
  g_sg, SG, SGD, lambda S, l: (S.d("a", "z", l), diag(A_(S)) - diag(A_(S)) ** 2))
C("sg-jac-outer-F", "sigmoid-bce", r"\frac{\partial \mathbf a}{\partial \mathbf z} = \mathbf a (\mathbf 1 - \mathbf a)^\top",
  g_sg, SG, SGD, lambda S, l: (S.d("a", "z", l), A_(S) * (o_(S) - A_(S)).T))
C("sg-jac-F", "sigmoid-bce", r"\frac{\partial \mathbf a}{\partial \mathbf z} = \mathrm{diag}(\mathbf 1 - \mathbf a)",
  g_sg, SG, SGD, lambda S, l: (S.d("a", "z", l), diag(o_(S) - A_(S))))
C("bce-T", "sigmoid-bce", r"\frac{\partial L}{\partial \mathbf z} = \mathbf a - \mathbf t", g_sg + [BCE], SG, SGB,
  lambda S, l: (S.d("L", "z", l), A_(S) - S["t"]))
C("bce-sign-F", "sigmoid-bce", r"\frac{\partial L}{\partial \mathbf z} = \mathbf t - \mathbf a", g_sg + [BCE], SG, SGB,
  lambda S, l: (S.d("L", "z", l), S["t"] - A_(S)))
C("bce-half-F", "sigmoid-bce", r"\frac{\partial L}{\partial \mathbf z} = \mathbf a \odot (\mathbf a - \mathbf t)", g_sg + [BCE], SG, SGB,
  lambda S, l: (S.d("L", "z", l), had(A_(S), A_(S) - S["t"])))
C("bce-mean-T", "sigmoid-bce", r"\frac{\partial L}{\partial \mathbf z} = \frac{1}{n} (\mathbf a - \mathbf t)",
  g_sg + [r"L = -\frac{1}{n} \mathbf 1^\top \left(\mathbf t \odot \log \mathbf a + (\mathbf 1 - \mathbf t) \odot \log(\mathbf 1 - \mathbf a)\right)"],
  dict(SG, n=()), dict(SGD, L=lambda S: bce(S) / S["n"]), lambda S, l: (S.d("L", "z", l), (A_(S) - S["t"]) / S["n"]))
LR = {"X": ("N", "d"), "w": col("d"), "a": col("N"), "t": col("N"), "L": (), "N": ()}
LRD = {"a": lambda S: ew(sig, S["X"] * S["w"]),
       "L": lambda S: (-scal(S["t"].T * ew(sp.log, S["a"])) - scal((sp.ones(S["t"].rows, 1) - S["t"]).T * ew(sp.log, sp.ones(S["t"].rows, 1) - S["a"]))) / S["N"]}
g_lr = [r"\mathbf a = \sigma(X \mathbf w)", r"L = -\frac{1}{N} \left(\mathbf t^\top \log \mathbf a + (\mathbf 1 - \mathbf t)^\top \log(\mathbf 1 - \mathbf a)\right)"]
aw = lambda S: ew(sig, S["X"] * S["w"])  # noqa: E731
C("lr-dw-T", "sigmoid-bce", r"\nabla_{\mathbf w} L = \frac{1}{N} X^\top (\mathbf a - \mathbf t)", g_lr, LR, LRD,
  lambda S, l: (S.d("L", "w", l), X_T(S) * (aw(S) - S["t"]) / S["N"]))
C("lr-dw-noN-F", "sigmoid-bce", r"\nabla_{\mathbf w} L = X^\top (\mathbf a - \mathbf t)", g_lr, LR, LRD,
  lambda S, l: (S.d("L", "w", l), X_T(S) * (aw(S) - S["t"])))
C("lr-dw-noT-N", "sigmoid-bce", r"\nabla_{\mathbf w} L = \frac{1}{N} X (\mathbf a - \mathbf t)", g_lr, LR, LRD,
  lambda S, l: (S.d("L", "w", l), mm(S["X"], aw(S) - S["t"]) / S["N"]), why="X is N x d, a - t has N rows")
C("lr-dw-row-T", "sigmoid-bce", r"\frac{\partial L}{\partial \mathbf w} = \frac{1}{N} (\mathbf a - \mathbf t)^\top X", g_lr, LR, LRD,
  lambda S, l: (S.d("L", "w", l), (aw(S) - S["t"]).T * S["X"] / S["N"]), why="a row: the numerator layout")
C("lr-dw-sign-F", "sigmoid-bce", r"\frac{\partial L}{\partial \mathbf w} = \frac{1}{N} X^\top (\mathbf t - \mathbf a)", g_lr, LR, LRD,
  lambda S, l: (S.d("L", "w", l), X_T(S) * (S["t"] - aw(S)) / S["N"]))


def X_T(S):
    return S["X"].T


# =============================================================== tanh
TH = {"z": col("n"), "h": col("n"), "G": col("n"), "L": ()}
THD = {"h": lambda S: ew(sp.tanh, S["z"]), "L": lambda S: linear_in(S, "h")}
H_ = lambda S: ew(sp.tanh, S["z"])  # noqa: E731
g_th = [r"\mathbf h = \tanh(\mathbf z)"]
C("th-jac-T", "tanh", r"\frac{\partial \mathbf h}{\partial \mathbf z} = \mathrm{diag}(\mathbf 1 - \mathbf h \odot \mathbf h)",
  g_th, TH, THD, lambda S, l: (S.d("h", "z", l), diag(o_(S) - had(H_(S), H_(S)))))
C("th-jac-sq-T", "tanh", r"\frac{\partial \mathbf h}{\partial \mathbf z} = I - \mathrm{diag}(\mathbf h)^2",
  g_th, TH, THD, lambda S, l: (S.d("h", "z", l), I_(len(S["z"])) - diag(H_(S)) ** 2))
C("th-jac-had-T", "tanh", r"\frac{\partial \mathbf h}{\partial \mathbf z} = I - \mathrm{diag}(\mathbf h \circ \mathbf h)",
  g_th, TH, THD, lambda S, l: (S.d("h", "z", l), I_(len(S["z"])) - diag(had(H_(S), H_(S)))))
C("th-jac-outer-F", "tanh", r"\frac{\partial \mathbf h}{\partial \mathbf z} = I - \mathbf h \mathbf h^\top",
  g_th, TH, THD, lambda S, l: (S.d("h", "z", l), I_(len(S["z"])) - H_(S) * H_(S).T))
C("th-vjp-T", "tanh", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial L}{\partial \mathbf h} \odot (\mathbf 1 - \mathbf h \odot \mathbf h)",
  g_th, TH, THD, lambda S, l: (S.d("L", "z", l), had(S.d("L", "h", l), o_(S) - had(H_(S), H_(S)))))
C("th-vjp-F", "tanh", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial L}{\partial \mathbf h} \odot (\mathbf 1 - \mathbf h)",
  g_th, TH, THD, lambda S, l: (S.d("L", "z", l), had(S.d("L", "h", l), o_(S) - H_(S))))
C("th-vjp-sign-F", "tanh", r"\nabla_{\mathbf z} L = \nabla_{\mathbf h} L \odot (\mathbf h \odot \mathbf h - \mathbf 1)",
  g_th, TH, THD, lambda S, l: (S.d("L", "z", l), had(S.d("L", "h", l), had(H_(S), H_(S)) - o_(S))))
TL = {"W": ("m", "n"), "x": col("n"), "b": col("m"), "h": col("m"), "G": col("m"), "L": (), "J": ("m", "n")}
TLD = {"h": lambda S: ew(sp.tanh, S["W"] * S["x"] + S["b"]), "L": lambda S: linear_in(S, "h")}
g_tl = [r"\mathbf h = \tanh(W \mathbf x + \mathbf b)"]
hl = lambda S: ew(sp.tanh, S["W"] * S["x"] + S["b"])  # noqa: E731
dpre = lambda S, l: had(S.d("L", "h", l), sp.ones(S["b"].rows, 1) - had(hl(S), hl(S)))  # noqa: E731
C("th-dW-T", "tanh", r"\frac{\partial L}{\partial W} = \left(\frac{\partial L}{\partial \mathbf h} \odot (\mathbf 1 - \mathbf h \odot \mathbf h)\right) \mathbf x^\top",
  g_tl, TL, TLD, lambda S, l: (S.d("L", "W", l), dpre(S, l) * S["x"].T))
C("th-dx-T", "tanh", r"\frac{\partial L}{\partial \mathbf x} = W^\top \left(\frac{\partial L}{\partial \mathbf h} \odot (\mathbf 1 - \mathbf h \odot \mathbf h)\right)",
  g_tl, TL, TLD, lambda S, l: (S.d("L", "x", l), S["W"].T * dpre(S, l)))
C("th-dx-noT-N", "tanh", r"\frac{\partial L}{\partial \mathbf x} = W \left(\frac{\partial L}{\partial \mathbf h} \odot (\mathbf 1 - \mathbf h \odot \mathbf h)\right)",
  g_tl, TL, TLD, lambda S, l: (S.d("L", "x", l), mm(S["W"], dpre(S, l))))
C("th-db-F", "tanh", r"\frac{\partial L}{\partial \mathbf b} = \frac{\partial L}{\partial \mathbf h}",
  g_tl, TL, TLD, lambda S, l: (S.d("L", "b", l), S.d("L", "h", l)))
C("th-J-T", "tanh", r"J = \mathrm{diag}(\mathbf 1 - \mathbf h \odot \mathbf h) W",
  g_tl + [r"J = \frac{\partial \mathbf h}{\partial \mathbf x}"], TL, dict(TLD, J=lambda S: S.d("h", "x", S.lay)),
  lambda S, l: (S.d("h", "x", l), diag(sp.ones(S["b"].rows, 1) - had(hl(S), hl(S))) * S["W"]))
TLQ = {k: tuple("n" if d == "m" else d for d in v) for k, v in TL.items()}
C("th-J-order-F", "tanh", r"J = W \, \mathrm{diag}(\mathbf 1 - \mathbf h \odot \mathbf h)",
  [r"W \in \mathbb{R}^{n \times n}"] + g_tl + [r"J = \frac{\partial \mathbf h}{\partial \mathbf x}"], TLQ, dict(TLD, J=lambda S: S.d("h", "x", S.lay)),
  lambda S, l: (S.d("h", "x", l), S["W"] * diag(sp.ones(S["b"].rows, 1) - had(hl(S), hl(S)))))
C("th-chain-T", "tanh", r"\nabla_{\mathbf x} L = J^\top \nabla_{\mathbf h} L",
  g_tl + [r"J = \frac{\partial \mathbf h}{\partial \mathbf x}"], TL, dict(TLD, J=lambda S: S.d("h", "x", S.lay)),
  lambda S, l: (S.d("L", "x", l), S.d("h", "x", l).T * S.d("L", "h", l)), why="Deep Learning book 6.46: Jacobian numerator, gradients columns")
C("th-chain-den-T", "tanh", r"\nabla_{\mathbf x} L = J \nabla_{\mathbf h} L",
  [r"W \in \mathbb{R}^{n \times n}"] + g_tl + [r"J = \frac{\partial \mathbf h}{\partial \mathbf x}"], TLQ, dict(TLD, J=lambda S: S.d("h", "x", S.lay)),
  lambda S, l: (S.d("L", "x", l), S.d("h", "x", l) * S.d("L", "h", l)))

# =============================================================== log-softmax, NLL
LS = {"z": col("n"), "o": col("n"), "y": col("n"), "t": col("n"), "G": col("n"), "L": ()}
LSD = {"o": lambda S: logsoftmax(S["z"]), "y": lambda S: softmax(S["z"]), "L": lambda S: linear_in(S, "o")}
LSN = dict(LSD, L=lambda S: -scal(S["t"].T * S["o"]))
g_ls = [r"\mathbf o = \log \mathrm{softmax}(\mathbf z)", r"\mathbf y = \mathrm{softmax}(\mathbf z)"]
onen = lambda S: sp.ones(len(S["z"]), 1)  # noqa: E731
C("ls-def-T", "logsoftmax-nll", r"\log \mathrm{softmax}(\mathbf z) = \mathbf z - \log\left(\mathbf 1^\top \exp(\mathbf z)\right) \mathbf 1",
  [], {"z": col("n")}, {}, lambda S, l: (logsoftmax(S["z"]), S["z"] - sp.log(scal(onen(S).T * ew(sp.exp, S["z"]))) * onen(S)), layouts=NONE)
C("ls-def-F", "logsoftmax-nll", r"\log \mathrm{softmax}(\mathbf z) = \mathbf z - \mathbf 1^\top \exp(\mathbf z) \mathbf 1",
  [], {"z": col("n")}, {}, lambda S, l: (logsoftmax(S["z"]), S["z"] - scal(onen(S).T * ew(sp.exp, S["z"])) * onen(S)), layouts=NONE)
C("ls-jac-T", "logsoftmax-nll", r"\frac{\partial \mathbf o}{\partial \mathbf z} = I - \mathbf 1 \mathbf y^\top",
  g_ls, LS, LSD, lambda S, l: (S.d("o", "z", l), I_(len(S["z"])) - onen(S) * softmax(S["z"]).T), why="J_ij = delta_ij - y_j: numerator")
C("ls-jac-den-T", "logsoftmax-nll", r"\frac{\partial \mathbf o}{\partial \mathbf z} = I - \mathbf y \mathbf 1^\top",
  g_ls, LS, LSD, lambda S, l: (S.d("o", "z", l), I_(len(S["z"])) - softmax(S["z"]) * onen(S).T), why="the transpose: denominator")
C("ls-jac-F", "logsoftmax-nll", r"\frac{\partial \mathbf o}{\partial \mathbf z} = I - \mathbf y \mathbf y^\top",
  g_ls, LS, LSD, lambda S, l: (S.d("o", "z", l), I_(len(S["z"])) - softmax(S["z"]) * softmax(S["z"]).T))
C("ls-jac-diag-F", "logsoftmax-nll", r"\frac{\partial \mathbf o}{\partial \mathbf z} = \mathrm{diag}(\mathbf 1 - \mathbf y)",
  g_ls, LS, LSD, lambda S, l: (S.d("o", "z", l), diag(onen(S) - softmax(S["z"]))))
C("nll-T", "logsoftmax-nll", r"\frac{\partial L}{\partial \mathbf z} = \mathbf y - \mathbf t", g_ls + [r"L = -\mathbf t^\top \mathbf o"],
  LS, LSN, lambda S, l: (S.d("L", "z", l), softmax(S["z"]) - S["t"]), where=[r"\mathbf 1^\top \mathbf t = 1"], cond=_onehot("t"))
C("nll-F", "logsoftmax-nll", r"\frac{\partial L}{\partial \mathbf z} = -\mathbf t", g_ls + [r"L = -\mathbf t^\top \mathbf o"],
  LS, LSN, lambda S, l: (S.d("L", "z", l), -S["t"]), where=[r"\mathbf 1^\top \mathbf t = 1"], cond=_onehot("t"))
C("nll-nocond-F", "logsoftmax-nll", r"\frac{\partial L}{\partial \mathbf z} = \mathbf y - \mathbf t", g_ls + [r"L = -\mathbf t^\top \mathbf o"],
  LS, LSN, lambda S, l: (S.d("L", "z", l), softmax(S["z"]) - S["t"]), why="needs sum t = 1")
C("nll-do-T", "logsoftmax-nll", r"\frac{\partial L}{\partial \mathbf o} = -\mathbf t", g_ls + [r"L = -\mathbf t^\top \mathbf o"],
  LS, LSN, lambda S, l: (S.d("L", "o", l), -S["t"]))
C("ls-vjp-T", "logsoftmax-nll", r"\nabla_{\mathbf z} L = \nabla_{\mathbf o} L - \mathbf y \left(\mathbf 1^\top \nabla_{\mathbf o} L\right)",
  g_ls, LS, LSD, lambda S, l: (S.d("L", "z", l), S.d("L", "o", l) - softmax(S["z"]) * scal(onen(S).T * S.d("L", "o", l))))
C("ls-vjp-F", "logsoftmax-nll", r"\nabla_{\mathbf z} L = \nabla_{\mathbf o} L - \mathbf y",
  g_ls, LS, LSD, lambda S, l: (S.d("L", "z", l), S.d("L", "o", l) - softmax(S["z"])))
C("ls-vjp-exp-T", "logsoftmax-nll", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial L}{\partial \mathbf o} - \exp(\mathbf o) \, \mathbf 1^\top \frac{\partial L}{\partial \mathbf o}",
  g_ls[:1], LS, LSD, lambda S, l: (S.d("L", "z", l), S.d("L", "o", l) - ew(sp.exp, logsoftmax(S["z"])) * scal(onen(S).T * S.d("L", "o", l))))
C("ls-vjp-exp-F", "logsoftmax-nll", r"\frac{\partial L}{\partial \mathbf z} = \frac{\partial L}{\partial \mathbf o} - \exp(\mathbf o) \odot \frac{\partial L}{\partial \mathbf o}",
  g_ls[:1], LS, LSD, lambda S, l: (S.d("L", "z", l), S.d("L", "o", l) - had(ew(sp.exp, logsoftmax(S["z"])), S.d("L", "o", l))))

# =============================================================== layer normalisation
LN = {"x": col("n"), "xh": col("n"), "y": col("n"), "gamma": col("n"), "beta": col("n"), "G": col("n"),
      "mu": (), "v": (), "s": (), "L": (), "epsilon": ()}


def _ln(S):
    x = S["x"]
    n = len(x)
    mu = sum(x) / n
    c = x - mu * sp.ones(n, 1)
    v = sum(e ** 2 for e in c) / n
    return mu, v, sp.sqrt(v + S["epsilon"]), c


LND = {"mu": lambda S: _ln(S)[0], "v": lambda S: _ln(S)[1], "s": lambda S: _ln(S)[2],
       "xh": lambda S: _ln(S)[3] / _ln(S)[2], "y": lambda S: had(S["gamma"], S["xh"]) + S["beta"],
       "L": lambda S: linear_in(S, "y")}
g_ln = [r"\mathbf x \in \mathbb{R}^n", r"\mu = \frac{1}{n} \mathbf 1^\top \mathbf x",
        r"v = \frac{1}{n} (\mathbf x - \mu \mathbf 1)^\top (\mathbf x - \mu \mathbf 1)", r"s = \sqrt{v + \epsilon}",
        r"\hat{\mathbf x} = \frac{\mathbf x - \mu \mathbf 1}{s}", r"\mathbf y = \boldsymbol\gamma \odot \hat{\mathbf x} + \boldsymbol\beta"]
LNX = lambda S: _ln(S)[3] / _ln(S)[2]  # noqa: E731
nn = lambda S: len(S["x"])  # noqa: E731
onx = lambda S: sp.ones(len(S["x"]), 1)  # noqa: E731
C("ln-dbeta-T", "layernorm", r"\frac{\partial L}{\partial \boldsymbol\beta} = \frac{\partial L}{\partial \mathbf y}", g_ln, LN, LND,
  lambda S, l: (S.d("L", "beta", l), S.d("L", "y", l)))
C("ln-dgamma-T", "layernorm", r"\frac{\partial L}{\partial \boldsymbol\gamma} = \frac{\partial L}{\partial \mathbf y} \odot \hat{\mathbf x}", g_ln, LN, LND,
  lambda S, l: (S.d("L", "gamma", l), had(S.d("L", "y", l), LNX(S))))
C("ln-dgamma-F", "layernorm", r"\frac{\partial L}{\partial \boldsymbol\gamma} = \frac{\partial L}{\partial \mathbf y}", g_ln, LN, LND,
  lambda S, l: (S.d("L", "gamma", l), S.d("L", "y", l)))
C("ln-dxh-T", "layernorm", r"\frac{\partial L}{\partial \hat{\mathbf x}} = \boldsymbol\gamma \odot \frac{\partial L}{\partial \mathbf y}", g_ln, LN, LND,
  lambda S, l: (S.d("L", "xh", l), had(S["gamma"], S.d("L", "y", l))))
C("ln-jac-T", "layernorm", r"\frac{\partial \hat{\mathbf x}}{\partial \mathbf x} = \frac{1}{s} \left(I - \frac{1}{n} \mathbf 1 \mathbf 1^\top - \frac{1}{n} \hat{\mathbf x} \hat{\mathbf x}^\top\right)",
  g_ln, LN, LND, lambda S, l: (S.d("xh", "x", l), (I_(nn(S)) - onx(S) * onx(S).T / nn(S) - LNX(S) * LNX(S).T / nn(S)) / _ln(S)[2]))
C("ln-jac-F", "layernorm", r"\frac{\partial \hat{\mathbf x}}{\partial \mathbf x} = \frac{1}{s} \left(I - \frac{1}{n} \mathbf 1 \mathbf 1^\top\right)",
  g_ln, LN, LND, lambda S, l: (S.d("xh", "x", l), (I_(nn(S)) - onx(S) * onx(S).T / nn(S)) / _ln(S)[2]))
C("ln-jac-F2", "layernorm", r"\frac{\partial \hat{\mathbf x}}{\partial \mathbf x} = \frac{1}{s} \left(I - \frac{1}{n} \hat{\mathbf x} \hat{\mathbf x}^\top\right)",
  g_ln, LN, LND, lambda S, l: (S.d("xh", "x", l), (I_(nn(S)) - LNX(S) * LNX(S).T / nn(S)) / _ln(S)[2]))
GXH = lambda S, l: S.d("L", "xh", l)  # noqa: E731
C("ln-dx-T", "layernorm", r"\frac{\partial L}{\partial \mathbf x} = \frac{1}{n s} \left(n \mathbf g - \mathbf 1 \mathbf 1^\top \mathbf g - \hat{\mathbf x} \hat{\mathbf x}^\top \mathbf g\right)",
  g_ln + [r"\mathbf g = \frac{\partial L}{\partial \hat{\mathbf x}}"], dict(LN, g=col("n")), dict(LND, g=lambda S: GXH(S, S.lay)),
  lambda S, l: (S.d("L", "x", l), (nn(S) * GXH(S, l) - onx(S) * onx(S).T * GXH(S, l) - LNX(S) * LNX(S).T * GXH(S, l)) / (nn(S) * _ln(S)[2])))
C("ln-dx-F", "layernorm", r"\frac{\partial L}{\partial \mathbf x} = \frac{1}{s} \left(\mathbf g - \frac{1}{n} \hat{\mathbf x} \hat{\mathbf x}^\top \mathbf g\right)",
  g_ln + [r"\mathbf g = \frac{\partial L}{\partial \hat{\mathbf x}}"], dict(LN, g=col("n")), dict(LND, g=lambda S: GXH(S, S.lay)),
  lambda S, l: (S.d("L", "x", l), (GXH(S, l) - LNX(S) * LNX(S).T * GXH(S, l) / nn(S)) / _ln(S)[2]))
C("ln-dmu-T", "layernorm", r"\frac{\partial \mu}{\partial \mathbf x} = \frac{1}{n} \mathbf 1", g_ln, LN, LND,
  lambda S, l: (S.d("mu", "x", l), onx(S) / nn(S)), why="a column: the denominator layout")
C("ln-dv-T", "layernorm", r"\frac{\partial v}{\partial \mathbf x} = \frac{2}{n} (\mathbf x - \mu \mathbf 1)", g_ln, LN, LND,
  lambda S, l: (S.d("v", "x", l), 2 * _ln(S)[3] / nn(S)))
C("ln-dv-F", "layernorm", r"\frac{\partial v}{\partial \mathbf x} = \frac{2}{n} \mathbf x", g_ln, LN, LND,
  lambda S, l: (S.d("v", "x", l), 2 * S["x"] / nn(S)))
C("ln-sum-T", "layernorm", r"\mathbf 1^\top \hat{\mathbf x} = 0", g_ln, LN, LND,
  lambda S, l: (scal(onx(S).T * LNX(S)), 0), layouts=NONE)
C("ln-norm-T", "layernorm", r"\hat{\mathbf x}^\top \hat{\mathbf x} = \frac{n v}{v + \epsilon}", g_ln, LN, LND,
  lambda S, l: (scal(LNX(S).T * LNX(S)), nn(S) * _ln(S)[1] / (_ln(S)[1] + S["epsilon"])), layouts=NONE)
C("ln-norm-F", "layernorm", r"\hat{\mathbf x}^\top \hat{\mathbf x} = n", g_ln, LN, LND,
  lambda S, l: (scal(LNX(S).T * LNX(S)), nn(S)), layouts=NONE, why="only for epsilon = 0")

# =============================================================== batched linear layers
BL = {"X": ("N", "d"), "W": ("d", "p"), "b": col("p"), "Z": ("N", "p"), "G": ("N", "p"), "L": ()}
BLD = {"Z": lambda S: S["X"] * S["W"] + sp.ones(S["X"].rows, 1) * S["b"].T, "L": lambda S: linear_in(S, "Z")}
g_bl = [r"Z = X W + \mathbf 1 \mathbf b^\top"]
dZ = lambda S, l: S.d("L", "Z", l)  # noqa: E731
C("bl-dW-T", "batched-linear", r"\frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial Z}", g_bl, BL, BLD,
  lambda S, l: (S.d("L", "W", l), S["X"].T * dZ(S, l)))
C("bl-dX-T", "batched-linear", r"\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Z} W^\top", g_bl, BL, BLD,
  lambda S, l: (S.d("L", "X", l), dZ(S, l) * S["W"].T))
C("bl-db-T", "batched-linear", r"\frac{\partial L}{\partial \mathbf b} = \left(\frac{\partial L}{\partial Z}\right)^\top \mathbf 1", g_bl, BL, BLD,
  lambda S, l: (S.d("L", "b", l), dZ(S, l).T * sp.ones(S["X"].rows, 1)))
C("bl-db-N", "batched-linear", r"\frac{\partial L}{\partial \mathbf b} = \frac{\partial L}{\partial Z} \mathbf 1", g_bl, BL, BLD,
  lambda S, l: (S.d("L", "b", l), dZ(S, l) * sp.ones(S["G"].cols, 1)), why="N x 1 against p x 1")
C("bl-dW-order-N", "batched-linear", r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial Z} X^\top", g_bl, BL, BLD,
  lambda S, l: (S.d("L", "W", l), mm(dZ(S, l), S["X"].T)))
C("bl-dW-numT-N", "batched-linear", r"\frac{\partial L}{\partial W} = \left(\frac{\partial L}{\partial Z}\right)^\top X", g_bl, BL, BLD,
  lambda S, l: (S.d("L", "W", l), mm(dZ(S, l).T, S["X"])), why="the layouts mixed within the formula")
C("bl-dW-num-T", "batched-linear", r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial Z} X", g_bl, BL, BLD,
  lambda S, l: (S.d("L", "W", l), mm(dZ(S, l), S["X"])), why="numerator layout throughout")
BLQ = {k: tuple("n" if d in ("N", "d", "p") else d for d in v) for k, v in BL.items()}
g_blq = [r"X \in \mathbb{R}^{n \times n}", r"W \in \mathbb{R}^{n \times n}"] + g_bl
C("bl-dW-sq-F", "batched-linear", r"\frac{\partial L}{\partial W} = X \frac{\partial L}{\partial Z}", g_blq, BLQ, BLD,
  lambda S, l: (S.d("L", "W", l), S["X"] * dZ(S, l)))
C("bl-dX-sq-F", "batched-linear", r"\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Z} W", g_blq, BLQ, BLD,
  lambda S, l: (S.d("L", "X", l), dZ(S, l) * S["W"]))
g_dz = g_bl + [r"dZ = \frac{\partial L}{\partial Z}", r"dW = \frac{\partial L}{\partial W}", r"dX = \frac{\partial L}{\partial X}",
               r"d\mathbf b = \frac{\partial L}{\partial \mathbf b}"]
BLZ = dict(BL, dZ=("N", "p"), dW=("d", "p"), dX=("N", "d"), db=col("p"))
BLZD = dict(BLD, dZ=lambda S: dZ(S, S.lay), dW=lambda S: S.d("L", "W", S.lay), dX=lambda S: S.d("L", "X", S.lay),
            db=lambda S: S.d("L", "b", S.lay))
C("bl-dz-dW-T", "batched-linear", r"dW = X^\top dZ", g_dz, BLZ, BLZD, lambda S, l: (S.d("L", "W", l), S["X"].T * dZ(S, l)))
C("bl-dz-dX-T", "batched-linear", r"dX = dZ \, W^T", g_dz, BLZ, BLZD, lambda S, l: (S.d("L", "X", l), dZ(S, l) * S["W"].T))
C("bl-dz-db-row-N", "batched-linear", r"d\mathbf b = \mathbf 1^\top dZ", g_dz, BLZ, BLZD,
  lambda S, l: (S.d("L", "b", l), sp.ones(S["X"].rows, 1).T * dZ(S, l)), why="a row: the numerator layout")
C("bl-dz-dX-N", "batched-linear", r"dX = W^\top dZ", g_dz, BLZ, BLZD, lambda S, l: (S.d("L", "X", l), mm(S["W"].T, dZ(S, l))))
BM = {"X": ("N", "d"), "W": ("d", "p"), "T": ("N", "p"), "L": (), "N": ()}
bm = lambda S: tr((S["X"] * S["W"] - S["T"]).T * (S["X"] * S["W"] - S["T"])) / S["N"]  # noqa: E731
g_bm = [r"L = \frac{1}{N} \mathrm{tr}\left((X W - T)^\top (X W - T)\right)"]
C("bl-mse-T", "batched-linear", r"\frac{\partial L}{\partial W} = \frac{2}{N} X^\top (X W - T)", g_bm, BM, {"L": bm},
  lambda S, l: (S.d("L", "W", l), 2 * S["X"].T * (S["X"] * S["W"] - S["T"]) / S["N"]))
C("bl-mse-F", "batched-linear", r"\frac{\partial L}{\partial W} = \frac{1}{N} X^\top (X W - T)", g_bm, BM, {"L": bm},
  lambda S, l: (S.d("L", "W", l), S["X"].T * (S["X"] * S["W"] - S["T"]) / S["N"]))
BC = {"W": ("p", "d"), "X": ("d", "N"), "b": col("p"), "Z": ("p", "N"), "G": ("p", "N"), "L": ()}
BCD = {"Z": lambda S: S["W"] * S["X"] + S["b"] * sp.ones(1, S["X"].cols), "L": lambda S: linear_in(S, "Z")}
g_bc = [r"Z = W X + \mathbf b \mathbf 1^\top"]
C("bc-dW-T", "batched-linear", r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial Z} X^\top", g_bc, BC, BCD,
  lambda S, l: (S.d("L", "W", l), dZ(S, l) * S["X"].T))
C("bc-dX-T", "batched-linear", r"\frac{\partial L}{\partial X} = W^\top \frac{\partial L}{\partial Z}", g_bc, BC, BCD,
  lambda S, l: (S.d("L", "X", l), S["W"].T * dZ(S, l)))
C("bc-db-T", "batched-linear", r"\frac{\partial L}{\partial \mathbf b} = \frac{\partial L}{\partial Z} \mathbf 1", g_bc, BC, BCD,
  lambda S, l: (S.d("L", "b", l), dZ(S, l) * sp.ones(S["X"].cols, 1)))
C("bc-dW-N", "batched-linear", r"\frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial Z}", g_bc, BC, BCD,
  lambda S, l: (S.d("L", "W", l), mm(S["X"].T, dZ(S, l))))
V1 = {"W": ("m", "n"), "x": col("n"), "b": col("m"), "z": col("m"), "delta": col("m"), "G": col("m"), "L": ()}
V1D = {"z": lambda S: S["W"] * S["x"] + S["b"], "L": lambda S: linear_in(S, "z"), "delta": lambda S: S.d("L", "z", S.lay)}
g_v1 = [r"\mathbf z = W \mathbf x + \mathbf b", r"\boldsymbol\delta = \nabla_{\mathbf z} L"]
dl = lambda S, l: S.d("L", "z", l)  # noqa: E731
C("v1-dW-T", "batched-linear", r"\nabla_W L = \boldsymbol\delta \mathbf x^\top", g_v1, V1, V1D, lambda S, l: (S.d("L", "W", l), dl(S, l) * S["x"].T))
C("v1-dx-T", "batched-linear", r"\nabla_{\mathbf x} L = W^\top \boldsymbol\delta", g_v1, V1, V1D, lambda S, l: (S.d("L", "x", l), S["W"].T * dl(S, l)))
C("v1-dW-numT-N", "batched-linear", r"\frac{\partial L}{\partial W} = \mathbf x \boldsymbol\delta^\top", g_v1, V1, V1D,
  lambda S, l: (S.d("L", "W", l), mm(S["x"], dl(S, l).T)), why="the layouts mixed within the formula")
C("v1-dW-num-T", "batched-linear", r"\frac{\partial L}{\partial W} = \mathbf x \frac{\partial L}{\partial \mathbf z}", g_v1, V1, V1D,
  lambda S, l: (S.d("L", "W", l), mm(S["x"], dl(S, l))), why="numerator layout throughout")
C("v1-dx-rowT-N", "batched-linear", r"\frac{\partial L}{\partial \mathbf x} = \boldsymbol\delta^\top W", g_v1, V1, V1D,
  lambda S, l: (S.d("L", "x", l), mm(dl(S, l).T, S["W"])), why="the layouts mixed within the formula")
C("v1-dx-row-T", "batched-linear", r"\frac{\partial L}{\partial \mathbf x} = \frac{\partial L}{\partial \mathbf z} W", g_v1, V1, V1D,
  lambda S, l: (S.d("L", "x", l), mm(dl(S, l), S["W"])), why="numerator layout throughout: a row")
C("v1-dW-inner-N", "batched-linear", r"\nabla_W L = \boldsymbol\delta^\top \mathbf x", g_v1, V1, V1D,
  lambda S, l: (S.d("L", "W", l), mm(dl(S, l).T, S["x"])))
C("v1-db-T", "batched-linear", r"\nabla_{\mathbf b} L = \boldsymbol\delta", g_v1, V1, V1D, lambda S, l: (S.d("L", "b", l), dl(S, l)))
C("v1-jac-T", "batched-linear", r"\frac{\partial \mathbf z}{\partial \mathbf x} = W", g_v1[:1], V1, V1D,
  lambda S, l: (S.d("z", "x", l), S["W"]), why="numerator layout")
C("v1-jac-den-T", "batched-linear", r"\frac{\partial \mathbf z}{\partial \mathbf x} = W^\top", g_v1[:1], V1, V1D,
  lambda S, l: (S.d("z", "x", l), S["W"].T), why="denominator layout")
V1Q = {k: tuple("n" if d == "m" else d for d in v) for k, v in V1.items()}
C("v1-dx-sq-F", "batched-linear", r"\nabla_{\mathbf x} L = W \boldsymbol\delta", [r"W \in \mathbb{R}^{n \times n}"] + g_v1, V1Q, V1D,
  lambda S, l: (S.d("L", "x", l), S["W"] * dl(S, l)))

# =============================================================== scaled dot-product attention
AT = {"Q": ("N", "d"), "K": ("M", "d"), "V": ("M", "p"), "S": ("N", "M"), "A": ("N", "M"), "O": ("N", "p"),
      "G": ("N", "p"), "L": (), "d_k": ()}
ATD = {"S": lambda S: S["Q"] * S["K"].T / sp.sqrt(S["d_k"]), "A": lambda S: softmax_rows(S["S"]),
       "O": lambda S: S["A"] * S["V"], "L": lambda S: linear_in(S, "O")}
g_at = [r"S = \frac{Q K^\top}{\sqrt{d_k}}", r"A = \mathrm{softmax}(S)", r"O = A V"]
g_at1 = [r"A = \mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right)", r"O = A V"]
AT1 = dict(ATD, A=lambda S: softmax_rows(S["Q"] * S["K"].T / sp.sqrt(S["d_k"])))
del AT1["S"]
At = lambda S: softmax_rows(S["Q"] * S["K"].T / sp.sqrt(S["d_k"]))  # noqa: E731
dO = lambda S, l: S.d("L", "O", l)  # noqa: E731
dA = lambda S, l: S.d("L", "A", l)  # noqa: E731
dS = lambda S, l: S.d("L", "S", l)  # noqa: E731
C("at-dV-T", "attention", r"\frac{\partial L}{\partial V} = A^\top \frac{\partial L}{\partial O}", g_at1, AT, AT1,
  lambda S, l: (S.d("L", "V", l), At(S).T * dO(S, l)))
C("at-dV-N", "attention", r"\frac{\partial L}{\partial V} = A \frac{\partial L}{\partial O}", g_at1, AT, AT1,
  lambda S, l: (S.d("L", "V", l), mm(At(S), dO(S, l))))
C("at-dA-T", "attention", r"\frac{\partial L}{\partial A} = \frac{\partial L}{\partial O} V^\top", g_at1, AT, AT1,
  lambda S, l: (S.d("L", "A", l), dO(S, l) * S["V"].T))
C("at-dA-N", "attention", r"\frac{\partial L}{\partial A} = V^\top \frac{\partial L}{\partial O}", g_at1, AT, AT1,
  lambda S, l: (S.d("L", "A", l), mm(S["V"].T, dO(S, l))))
C("at-dS-T", "attention", r"\frac{\partial L}{\partial S} = A \odot \left(\frac{\partial L}{\partial A} - \left(\frac{\partial L}{\partial A} \odot A\right) \mathbf 1 \mathbf 1^\top\right)",
  g_at, AT, ATD, lambda S, l: (S.d("L", "S", l), had(softmax_rows(S["S"]), dA(S, l) - had(dA(S, l), softmax_rows(S["S"])) * sp.ones(S["S"].cols, 1) * sp.ones(1, S["S"].cols))))
C("at-dS-F", "attention", r"\frac{\partial L}{\partial S} = A \odot \left(\frac{\partial L}{\partial A} - \mathbf 1 \mathbf 1^\top \left(\frac{\partial L}{\partial A} \odot A\right)\right)",
  g_at, AT, ATD, lambda S, l: (S.d("L", "S", l), had(softmax_rows(S["S"]), dA(S, l) - sp.ones(S["S"].rows, 1) * sp.ones(1, S["S"].rows) * had(dA(S, l), softmax_rows(S["S"])))))
C("at-dS-noA-F", "attention", r"\frac{\partial L}{\partial S} = A \odot \frac{\partial L}{\partial A}",
  g_at, AT, ATD, lambda S, l: (S.d("L", "S", l), had(softmax_rows(S["S"]), dA(S, l))))
C("at-dQ-T", "attention", r"\frac{\partial L}{\partial Q} = \frac{1}{\sqrt{d_k}} \frac{\partial L}{\partial S} K",
  g_at, AT, ATD, lambda S, l: (S.d("L", "Q", l), dS(S, l) * S["K"] / sp.sqrt(S["d_k"])))
C("at-dQ-F", "attention", r"\frac{\partial L}{\partial Q} = \frac{\partial L}{\partial S} K",
  g_at, AT, ATD, lambda S, l: (S.d("L", "Q", l), dS(S, l) * S["K"]))
C("at-dK-T", "attention", r"\frac{\partial L}{\partial K} = \frac{1}{\sqrt{d_k}} \left(\frac{\partial L}{\partial S}\right)^\top Q",
  g_at, AT, ATD, lambda S, l: (S.d("L", "K", l), dS(S, l).T * S["Q"] / sp.sqrt(S["d_k"])))
C("at-dK-F", "attention", r"\frac{\partial L}{\partial K} = \frac{1}{d_k} \left(\frac{\partial L}{\partial S}\right)^\top Q",
  g_at, AT, ATD, lambda S, l: (S.d("L", "K", l), dS(S, l).T * S["Q"] / S["d_k"]))
C("at-rows-T", "attention", r"A \mathbf 1 = \mathbf 1", g_at1, AT, AT1,
  lambda S, l: (At(S) * sp.ones(S["K"].rows, 1), sp.ones(S["Q"].rows, 1)), layouts=NONE)
C("at-cols-F", "attention", r"\mathbf 1^\top A = \mathbf 1^\top", g_at1, AT, AT1,
  lambda S, l: (sp.ones(1, S["Q"].rows) * At(S), sp.ones(1, S["K"].rows)), layouts=NONE)
C("at-scoresT-T", "attention", r"\left(Q K^\top\right)^\top = K Q^\top", [], {"Q": ("N", "d"), "K": ("M", "d")}, {},
  lambda S, l: ((S["Q"] * S["K"].T).T, S["K"] * S["Q"].T), layouts=NONE)

# =============================================================== Huber
HU = {"r": (), "delta": (), "ell": ()}
HUD = {"ell": lambda S: huber(S["r"], S["delta"])}
g_hu = [r"\ell = \begin{cases} \frac{1}{2} r^2 & |r| \leq \delta \\ \delta \left(|r| - \frac{1}{2} \delta\right) & \text{otherwise} \end{cases}"]
w_hu = [r"\delta > 0"]
r_, dl_ = (lambda S: S["r"]), (lambda S: S["delta"])  # noqa: E731
pw = lambda *b: sp.Piecewise(*b)  # noqa: E731
C("hu-d-T", "huber", r"\frac{\partial \ell}{\partial r} = \begin{cases} r & |r| \leq \delta \\ \delta \, \mathrm{sign}(r) & \text{otherwise} \end{cases}",
  g_hu, HU, HUD, lambda S, l: (S.d("ell", "r", l), pw((r_(S), sp.Abs(r_(S)) <= dl_(S)), (dl_(S) * sp.sign(r_(S)), True))), layouts=NONE, where=w_hu)
C("hu-d3-T", "huber", r"\frac{\partial \ell}{\partial r} = \begin{cases} r & |r| \leq \delta \\ \delta & r > \delta \\ -\delta & r < -\delta \end{cases}",
  g_hu, HU, HUD, lambda S, l: (S.d("ell", "r", l), pw((r_(S), sp.Abs(r_(S)) <= dl_(S)), (dl_(S), r_(S) > dl_(S)), (-dl_(S), True))), layouts=NONE, where=w_hu)
C("hu-d-F", "huber", r"\frac{\partial \ell}{\partial r} = \begin{cases} r & |r| \leq \delta \\ \delta & \text{otherwise} \end{cases}",
  g_hu, HU, HUD, lambda S, l: (S.d("ell", "r", l), pw((r_(S), sp.Abs(r_(S)) <= dl_(S)), (dl_(S), True))), layouts=NONE, where=w_hu)
C("hu-d-F2", "huber", r"\frac{\partial \ell}{\partial r} = \begin{cases} r & |r| \leq \delta \\ \delta r & \text{otherwise} \end{cases}",
  g_hu, HU, HUD, lambda S, l: (S.d("ell", "r", l), pw((r_(S), sp.Abs(r_(S)) <= dl_(S)), (dl_(S) * r_(S), True))), layouts=NONE, where=w_hu)
C("hu-d-F3", "huber", r"\frac{\partial \ell}{\partial r} = \begin{cases} \frac{1}{2} r & |r| \leq \delta \\ \delta \, \mathrm{sign}(r) & \text{otherwise} \end{cases}",
  g_hu, HU, HUD, lambda S, l: (S.d("ell", "r", l), pw((r_(S) / 2, sp.Abs(r_(S)) <= dl_(S)), (dl_(S) * sp.sign(r_(S)), True))), layouts=NONE, where=w_hu)
C("hu-lin-F", "huber", r"\frac{\partial \ell}{\partial r} = r", g_hu, HU, HUD,
  lambda S, l: (S.d("ell", "r", l), r_(S)), layouts=NONE, where=w_hu)
C("hu-clip-T", "huber", r"\frac{\partial \ell}{\partial r} = \max(-\delta, \min(\delta, r))", g_hu, HU, HUD,
  lambda S, l: (S.d("ell", "r", l), sp.Max(-dl_(S), sp.Min(dl_(S), r_(S)))), layouts=NONE, where=w_hu)
HV = {"r": col("n"), "yh": col("n"), "y": col("n"), "G": col("n"), "L": ()}
HVD = {"r": lambda S: S["yh"] - S["y"], "L": lambda S: linear_in(S, "r")}
g_hv = [r"\mathbf r = \hat{\mathbf y} - \mathbf y"]
C("hu-vec-T", "huber", r"\frac{\partial L}{\partial \hat{\mathbf y}} = \frac{\partial L}{\partial \mathbf r}", g_hv, HV, HVD,
  lambda S, l: (S.d("L", "yh", l), S.d("L", "r", l)))
C("hu-vec-F", "huber", r"\frac{\partial L}{\partial \mathbf y} = \frac{\partial L}{\partial \mathbf r}", g_hv, HV, HVD,
  lambda S, l: (S.d("L", "y", l), S.d("L", "r", l)))
HS = {"r": col("n"), "L": (), "delta": ()}
HSD = {"L": lambda S: sum(huber(e, S["delta"]) for e in S["r"])}
C("hu-sum-T", "huber", r"\frac{\partial L}{\partial r_j} = \begin{cases} r_j & |r_j| \leq \delta \\ \delta \, \mathrm{sign}(r_j) & \text{otherwise} \end{cases}",
  [r"L = \sum_{i=1}^{n} \begin{cases} \frac{1}{2} r_i^2 & |r_i| \leq \delta \\ \delta |r_i| - \frac{1}{2} \delta^2 & \text{otherwise} \end{cases}"], HS, HSD,
  lambda S, l: (S.d("L", "r", "denominator"), S["r"].applyfunc(lambda e: pw((e, sp.Abs(e) <= dl_(S)), (dl_(S) * sp.sign(e), True)))),
  layouts=NONE, where=w_hu)
C("hu-sum-F", "huber", r"\frac{\partial L}{\partial r_j} = \begin{cases} r_j & |r_j| \leq \delta \\ \delta & \text{otherwise} \end{cases}",
  [r"L = \sum_{i=1}^{n} \begin{cases} \frac{1}{2} r_i^2 & |r_i| \leq \delta \\ \delta |r_i| - \frac{1}{2} \delta^2 & \text{otherwise} \end{cases}"], HS, HSD,
  lambda S, l: (S.d("L", "r", "denominator"), S["r"].applyfunc(lambda e: pw((e, sp.Abs(e) <= dl_(S)), (dl_(S), True)))),
  layouts=NONE, where=w_hu)

# =============================================================== mean squared error
MS = {"y": col("n"), "t": col("n"), "L": (), "n": ()}
ms = lambda S: scal((S["y"] - S["t"]).T * (S["y"] - S["t"])) / S["n"]  # noqa: E731
ms2 = lambda S: scal((S["y"] - S["t"]).T * (S["y"] - S["t"])) / 2  # noqa: E731
g_ms = [r"L = \frac{1}{n} (\mathbf y - \mathbf t)^\top (\mathbf y - \mathbf t)"]
g_ms2 = [r"L = \frac{1}{2} \|\mathbf y - \mathbf t\|^2"]
C("mse-T", "mse", r"\frac{\partial L}{\partial \mathbf y} = \frac{2}{n} (\mathbf y - \mathbf t)", g_ms, MS, {"L": ms},
  lambda S, l: (S.d("L", "y", l), 2 * (S["y"] - S["t"]) / S["n"]))
C("mse-F", "mse", r"\frac{\partial L}{\partial \mathbf y} = \frac{1}{n} (\mathbf y - \mathbf t)", g_ms, MS, {"L": ms},
  lambda S, l: (S.d("L", "y", l), (S["y"] - S["t"]) / S["n"]))
C("mse-dt-T", "mse", r"\nabla_{\mathbf t} L = \frac{2}{n} (\mathbf t - \mathbf y)", g_ms, MS, {"L": ms},
  lambda S, l: (S.d("L", "t", l), 2 * (S["t"] - S["y"]) / S["n"]))
C("mse-row-T", "mse", r"\frac{\partial L}{\partial \mathbf y} = \frac{2}{n} (\mathbf y - \mathbf t)^\top", g_ms, MS, {"L": ms},
  lambda S, l: (S.d("L", "y", l), 2 * (S["y"] - S["t"]).T / S["n"]), why="a row: numerator layout")
C("mse-norm-T", "mse", r"\frac{\partial L}{\partial \mathbf y} = \mathbf y - \mathbf t", g_ms2, MS, {"L": ms2},
  lambda S, l: (S.d("L", "y", l), S["y"] - S["t"]))
C("mse-norm-F", "mse", r"\frac{\partial L}{\partial \mathbf y} = 2 (\mathbf y - \mathbf t)", g_ms2, MS, {"L": ms2},
  lambda S, l: (S.d("L", "y", l), 2 * (S["y"] - S["t"])))
C("mse-norm-dt-T", "mse", r"\frac{\partial L}{\partial \mathbf t} = \mathbf t - \mathbf y", g_ms2, MS, {"L": ms2},
  lambda S, l: (S.d("L", "t", l), S["t"] - S["y"]))
ML = {"W": ("m", "n"), "x": col("n"), "b": col("m"), "y": col("m"), "t": col("m"), "L": ()}
MLD = {"y": lambda S: S["W"] * S["x"] + S["b"], "L": ms2}
g_ml = [r"\mathbf y = W \mathbf x + \mathbf b"] + g_ms2
yl = lambda S: S["W"] * S["x"] + S["b"]  # noqa: E731
C("mse-dW-T", "mse", r"\frac{\partial L}{\partial W} = (\mathbf y - \mathbf t) \mathbf x^\top", g_ml, ML, MLD,
  lambda S, l: (S.d("L", "W", l), (yl(S) - S["t"]) * S["x"].T))
C("mse-dW-num-T", "mse", r"\frac{\partial L}{\partial W} = \mathbf x (\mathbf y - \mathbf t)^\top", g_ml, ML, MLD,
  lambda S, l: (S.d("L", "W", l), S["x"] * (yl(S) - S["t"]).T), why="numerator layout")
C("mse-db-T", "mse", r"\frac{\partial L}{\partial \mathbf b} = \mathbf y - \mathbf t", g_ml, ML, MLD,
  lambda S, l: (S.d("L", "b", l), yl(S) - S["t"]))
C("mse-dx-T", "mse", r"\frac{\partial L}{\partial \mathbf x} = W^\top (\mathbf y - \mathbf t)", g_ml, ML, MLD,
  lambda S, l: (S.d("L", "x", l), S["W"].T * (yl(S) - S["t"])))
C("mse-dx-F", "mse", r"\frac{\partial L}{\partial \mathbf x} = W^\top (\mathbf t - \mathbf y)", g_ml, ML, MLD,
  lambda S, l: (S.d("L", "x", l), S["W"].T * (S["t"] - yl(S))))
MB = {"X": ("N", "d"), "W": ("d", "p"), "Y": ("N", "p"), "T": ("N", "p"), "L": (), "N": ()}
MBD = {"Y": lambda S: S["X"] * S["W"], "L": lambda S: tr((S["Y"] - S["T"]).T * (S["Y"] - S["T"])) / (2 * S["N"])}
g_mb = [r"Y = X W", r"L = \frac{1}{2N} \mathrm{tr}\left((Y - T)^\top (Y - T)\right)"]
C("mse-batch-T", "mse", r"\frac{\partial L}{\partial W} = \frac{1}{N} X^\top (Y - T)", g_mb, MB, MBD,
  lambda S, l: (S.d("L", "W", l), S["X"].T * (S["X"] * S["W"] - S["T"]) / S["N"]))
C("mse-batch-F", "mse", r"\frac{\partial L}{\partial W} = \frac{1}{2N} X^\top (Y - T)", g_mb, MB, MBD,
  lambda S, l: (S.d("L", "W", l), S["X"].T * (S["X"] * S["W"] - S["T"]) / (2 * S["N"])))
C("mse-batch-dY-T", "mse", r"\frac{\partial L}{\partial Y} = \frac{1}{N} (Y - T)", g_mb, MB, MBD,
  lambda S, l: (S.d("L", "Y", l), (S["X"] * S["W"] - S["T"]) / S["N"]))
C("mse-ones-T", "mse", r"\frac{\partial L}{\partial \mathbf y} = \frac{2}{n} (\mathbf y - \mathbf t)",
  [r"L = \frac{1}{n} \mathbf 1^\top \left((\mathbf y - \mathbf t) \odot (\mathbf y - \mathbf t)\right)"], MS, {"L": ms},
  lambda S, l: (S.d("L", "y", l), 2 * (S["y"] - S["t"]) / S["n"]))
C("mse-hess-T", "mse", r"\frac{\partial \mathbf g}{\partial \mathbf y} = \frac{2}{n} I",
  g_ms + [r"\mathbf g = \frac{\partial L}{\partial \mathbf y}"], dict(MS, g=col("n")), {"L": ms, "g": lambda S: S.d("L", "y", "denominator")},
  lambda S, l: (S.d("g", "y", l), 2 * I_(len(S["y"])) / S["n"]))
C("mse-sum-T", "mse", r"\frac{\partial L}{\partial y_j} = \frac{2}{n} (y_j - t_j)",
  [r"L = \frac{1}{n} \|\mathbf y - \mathbf t\|^2"], MS, {"L": ms},
  lambda S, l: (S.d("L", "y", "denominator"), 2 * (S["y"] - S["t"]) / S["n"]), layouts=NONE)

# =============================================================== notation (trace, norms, 1, I)
C("nt-trAB-T", "notation", r"\mathrm{tr}(A B) = \mathrm{tr}(B A)", [], {"A": ("m", "n"), "B": ("n", "m")}, {},
  lambda S, l: (tr(S["A"] * S["B"]), tr(S["B"] * S["A"])), layouts=NONE)
C("nt-trAB-F", "notation", r"\mathrm{tr}(A B) = \mathrm{tr}(A) \, \mathrm{tr}(B)",
  [r"A \in \mathbb{R}^{n \times n}", r"B \in \mathbb{R}^{n \times n}"], {"A": ("n", "n"), "B": ("n", "n")}, {},
  lambda S, l: (tr(S["A"] * S["B"]), tr(S["A"]) * tr(S["B"])), layouts=NONE)
C("nt-norm-T", "notation", r"\|\mathbf v\|^2 = \mathbf v^\top \mathbf v", [], {"v": col("n")}, {},
  lambda S, l: (scal(S["v"].T * S["v"]), scal(S["v"].T * S["v"])), layouts=NONE)
C("nt-norm-N", "notation", r"\|\mathbf v\|^2 = \mathbf v \mathbf v^\top", [], {"v": col("n")}, {},
  lambda S, l: (scal(S["v"].T * S["v"]), S["v"] * S["v"].T), layouts=NONE)
C("nt-norm-grad-T", "notation", r"\nabla_{\mathbf x} f = 2 \mathbf x", [r"f = \|\mathbf x\|^2"], {"x": col("n"), "f": ()},
  {"f": lambda S: scal(S["x"].T * S["x"])}, lambda S, l: (S.d("f", "x", l), 2 * S["x"]))
C("nt-norm-grad-F", "notation", r"\nabla_{\mathbf x} f = \mathbf x", [r"f = \|\mathbf x\|^2"], {"x": col("n"), "f": ()},
  {"f": lambda S: scal(S["x"].T * S["x"])}, lambda S, l: (S.d("f", "x", l), S["x"]))
TG = {"A": ("m", "n"), "X": ("n", "m"), "f": ()}
C("nt-trgrad-T", "notation", r"\frac{\partial f}{\partial X} = A^\top", [r"f = \mathrm{tr}(A X)"], TG, {"f": lambda S: tr(S["A"] * S["X"])},
  lambda S, l: (S.d("f", "X", l), S["A"].T))
C("nt-trgrad-num-T", "notation", r"\frac{\partial f}{\partial X} = A", [r"f = \mathrm{tr}(A X)"], TG, {"f": lambda S: tr(S["A"] * S["X"])},
  lambda S, l: (S.d("f", "X", l), S["A"]), why="numerator layout")
C("nt-trXX-T", "notation", r"\frac{\partial f}{\partial X} = 2 X", [r"f = \mathrm{tr}(X^\top X)"], {"X": ("m", "n"), "f": ()},
  {"f": lambda S: tr(S["X"].T * S["X"])}, lambda S, l: (S.d("f", "X", l), 2 * S["X"]))
C("nt-trXX-F", "notation", r"\frac{\partial f}{\partial X} = X", [r"f = \mathrm{tr}(X^\top X)"], {"X": ("m", "n"), "f": ()},
  {"f": lambda S: tr(S["X"].T * S["X"])}, lambda S, l: (S.d("f", "X", l), S["X"]))
C("nt-I-T", "notation", r"I \mathbf x = \mathbf x", [], {"x": col("n")}, {}, lambda S, l: (I_(len(S["x"])) * S["x"], S["x"]), layouts=NONE)
C("nt-trouter-T", "notation", r"\mathrm{tr}\left(\mathbf x \mathbf y^\top\right) = \mathbf x^\top \mathbf y", [], {"x": col("n"), "y": col("n")}, {},
  lambda S, l: (tr(S["x"] * S["y"].T), scal(S["x"].T * S["y"])), layouts=NONE)
C("nt-trouter-F", "notation", r"\mathrm{tr}\left(\mathbf x \mathbf y^\top\right) = \mathbf 1^\top \mathbf x \, \mathbf 1^\top \mathbf y", [], {"x": col("n"), "y": col("n")}, {},
  lambda S, l: (tr(S["x"] * S["y"].T), sum(S["x"]) * sum(S["y"])), layouts=NONE)
C("nt-trdiag-T", "notation", r"\mathrm{tr}(\mathrm{diag}(\mathbf v)) = \mathbf 1^\top \mathbf v", [], {"v": col("n")}, {},
  lambda S, l: (tr(diag(S["v"])), sum(S["v"])), layouts=NONE)
C("nt-prime-T", "notation", r"(A B)' = B' A'", [], {"A": ("m", "n"), "B": ("n", "p")}, {},
  lambda S, l: ((S["A"] * S["B"]).T, S["B"].T * S["A"].T), layouts=NONE)
C("nt-quad-T", "notation", r"\nabla_{\mathbf x} \left(\mathbf x^\top A \mathbf x\right) = (A + A^\top) \mathbf x", [], {"x": col("n"), "A": ("n", "n")}, {},
  lambda S, l: (S.d(scal(S["x"].T * S["A"] * S["x"]), "x", l), (S["A"] + S["A"].T) * S["x"]))
C("nt-normsq-T", "notation", r"\|\mathbf x - \mathbf y\|^2 = \|\mathbf x\|^2 - 2 \mathbf x^\top \mathbf y + \|\mathbf y\|^2", [], {"x": col("n"), "y": col("n")}, {},
  lambda S, l: (scal((S["x"] - S["y"]).T * (S["x"] - S["y"])), scal(S["x"].T * S["x"]) - 2 * scal(S["x"].T * S["y"]) + scal(S["y"].T * S["y"])), layouts=NONE)
C("nt-normsq-F", "notation", r"\|\mathbf x - \mathbf y\|^2 = \|\mathbf x\|^2 - \|\mathbf y\|^2", [], {"x": col("n"), "y": col("n")}, {},
  lambda S, l: (scal((S["x"] - S["y"]).T * (S["x"] - S["y"])), scal(S["x"].T * S["x"]) - scal(S["y"].T * S["y"])), layouts=NONE)


# ---------------------------------------------------------------- the table
def table(verbose=False):
    rows = []
    for c in CASES:
        label, fit, held = truth(c, verbose)
        rows.append({"id": c["id"], "layer": c["layer"], "claim": c["claim"], "given": c["given"],
                     "where": c["where"], "truth": label, "fits": fit, "holds": held,
                     "why": c["why"], "sizes": {k: list(v) for k, v in c["sizes"].items()}})
    return rows


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "data" / "matrix_layers.json"
    rows = table("-v" in sys.argv)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    for r in rows:
        print(f"{r['id']:22s} {str(r['truth']):5s} fits={','.join(r['fits'])} holds={','.join(r['holds'])}")
