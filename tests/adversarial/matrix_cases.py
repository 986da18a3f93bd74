"""Adversarial vector/matrix claims (an independent round): each truth from explicit SymPy matrices."""
from .matrix_truth import (had, diag, ew, sig, softmax, ones, scal, grad, upstream, jac, mm, layouts,
                   plain, Misfit)
import sympy as sp

CASES = []


def C(id, claim, enc, sizes, given=(), where=(), note=""):
    CASES.append(dict(id=id, claim=claim, enc=enc, sizes=sizes, given=list(given),
                      where=list(where), note=note))


col = lambda d: (d, 1)

# ---------------------------------------------------------------- transpose / algebra
C("T3-T", r"(A B C)^\top = C^\top B^\top A^\top",
  lambda S: plain(lambda: (S["A"] * S["B"] * S["C"]).T, lambda: S["C"].T * S["B"].T * S["A"].T),
  {"A": ("m", "n"), "B": ("n", "p"), "C": ("p", "q")})
C("TT-T", r"(A^T B^T)^T = B A",
  lambda S: plain(lambda: (S["A"].T * S["B"].T).T, lambda: S["B"] * S["A"]),
  {"A": ("n", "m"), "B": ("p", "n")})
C("Tmix-F", r"(A B)^T = B^T A",
  lambda S: plain(lambda: (S["A"] * S["B"]).T, lambda: S["B"].T * S["A"]),
  {"A": ("n", "n"), "B": ("n", "n")})
C("bilinT-T", r"x^T A^T y = y^T A x",
  lambda S: plain(lambda: S["x"].T * S["A"].T * S["y"], lambda: S["y"].T * S["A"] * S["x"]),
  {"x": col("m"), "A": ("n", "m"), "y": col("n")})
C("diffsq-T", r"(x + y)^T (x - y) = x^T x - y^T y",
  lambda S: plain(lambda: (S["x"] + S["y"]).T * (S["x"] - S["y"]), lambda: S["x"].T * S["x"] - S["y"].T * S["y"]),
  {"x": col("n"), "y": col("n")})
C("sqexp-T", r"(x + y)^T (x + y) = x^T x + 2 x^T y + y^T y",
  lambda S: plain(lambda: (S["x"] + S["y"]).T * (S["x"] + S["y"]),
                  lambda: S["x"].T * S["x"] + 2 * S["x"].T * S["y"] + S["y"].T * S["y"]),
  {"x": col("n"), "y": col("n")})
C("sqexp-F", r"(x + y)^T (x + y) = x^T x + y^T y",
  lambda S: plain(lambda: (S["x"] + S["y"]).T * (S["x"] + S["y"]), lambda: S["x"].T * S["x"] + S["y"].T * S["y"]),
  {"x": col("n"), "y": col("n")})
C("Tsum-T", r"(A + B)^\top = A^\top + B^\top",
  lambda S: plain(lambda: (S["A"] + S["B"]).T, lambda: S["A"].T + S["B"].T),
  {"A": ("m", "n"), "B": ("m", "n")})
C("quadsym-T", r"x^T (A + A^T) x = 2 x^T A x",
  lambda S: plain(lambda: S["x"].T * (S["A"] + S["A"].T) * S["x"], lambda: 2 * S["x"].T * S["A"] * S["x"]),
  {"x": col("n"), "A": ("n", "n")})
C("quadT-T", r"x^T A x = x^T A^T x",
  lambda S: plain(lambda: S["x"].T * S["A"] * S["x"], lambda: S["x"].T * S["A"].T * S["x"]),
  {"x": col("n"), "A": ("n", "n")})
C("hadlin-F", r"A (x \odot y) = (A x) \odot y",
  lambda S: plain(lambda: S["A"] * had(S["x"], S["y"]), lambda: had(S["A"] * S["x"], S["y"])),
  {"A": ("n", "n"), "x": col("n"), "y": col("n")})
C("hadassoc-T", r"(x \odot y)^T z = x^T (y \odot z)",
  lambda S: plain(lambda: had(S["x"], S["y"]).T * S["z"], lambda: S["x"].T * had(S["y"], S["z"])),
  {"x": col("n"), "y": col("n"), "z": col("n")})
C("diagq-T", r"x^T \mathrm{diag}(y) z = (x \circ y)^T z",
  lambda S: plain(lambda: S["x"].T * diag(S["y"]) * S["z"], lambda: had(S["x"], S["y"]).T * S["z"]),
  {"x": col("n"), "y": col("n"), "z": col("n")})
C("diagswap-T", r"\mathrm{diag}(x) y = \mathrm{diag}(y) x",
  lambda S: plain(lambda: diag(S["x"]) * S["y"], lambda: diag(S["y"]) * S["x"]),
  {"x": col("n"), "y": col("n")})
C("diagcomm-F", r"\mathrm{diag}(v) A = A \, \mathrm{diag}(v)",
  lambda S: plain(lambda: diag(S["v"]) * S["A"], lambda: S["A"] * diag(S["v"])),
  {"v": col("n"), "A": ("n", "n")})
C("hadT-T", r"(A \odot B)^T = A^T \odot B^T",
  lambda S: plain(lambda: had(S["A"], S["B"]).T, lambda: had(S["A"].T, S["B"].T)),
  {"A": ("m", "n"), "B": ("m", "n")})
C("hadmm-F", r"(A \odot B) C = A \odot (B C)",
  lambda S: plain(lambda: had(S["A"], S["B"]) * S["C"], lambda: had(S["A"], S["B"] * S["C"])),
  {"A": ("n", "n"), "B": ("n", "n"), "C": ("n", "n")})
C("outer-T", r"(x y^\top) z = x (y^\top z)",
  lambda S: plain(lambda: (S["x"] * S["y"].T) * S["z"], lambda: S["x"] * (S["y"].T * S["z"])),
  {"x": col("m"), "y": col("n"), "z": col("n")})
C("outerT-T", r"(x y^T)^T = y x^T",
  lambda S: plain(lambda: (S["x"] * S["y"].T).T, lambda: S["y"] * S["x"].T),
  {"x": col("m"), "y": col("n")})
C("diagdiag-F", r"\mathrm{diag}(x) \mathrm{diag}(y) = \mathrm{diag}(x) + \mathrm{diag}(y)",
  lambda S: plain(lambda: diag(S["x"]) * diag(S["y"]), lambda: diag(S["x"]) + diag(S["y"])),
  {"x": col("n"), "y": col("n")})
C("bold-T", r"(\mathbf{W}\mathbf{x})^\top \mathbf{y} = \mathbf{x}^\top \mathbf{W}^\top \mathbf{y}",
  lambda S: plain(lambda: (S["W"] * S["x"]).T * S["y"], lambda: S["x"].T * S["W"].T * S["y"]),
  {"W": ("m", "n"), "x": col("n"), "y": col("m")})

# ---------------------------------------------------------------- linear layer, vector
lin = lambda S: S["W"] * S["x"] + S["b"]
Lz = lambda S: upstream(S, lin(S), "z")
LSZ = {"W": ("m", "n"), "x": col("n"), "b": col("m"), "z": col("m"), "delta": col("m")}
GL = [r"z = W x + b", r"\delta = \frac{\partial L}{\partial z}"]
C("lin-db-T", r"\frac{\partial L}{\partial b} = \delta",
  lambda S: layouts(lambda: grad(Lz(S), S["b"]), lambda: S.G("z")), LSZ, GL)
C("lin-dW-T", r"\frac{\partial L}{\partial W} = \delta x^\top",
  lambda S: layouts(lambda: grad(Lz(S), S["W"]), lambda: S.G("z") * S["x"].T), LSZ, GL)
C("lin-dWsq-F", r"\frac{\partial L}{\partial W} = x \delta^\top W",
  lambda S: layouts(lambda: grad(Lz(S), S["W"]), lambda: S["x"] * S.G("z").T * S["W"]),
  {"W": ("n", "n"), "x": col("n"), "b": col("n"), "z": col("n"), "delta": col("n")}, GL)
C("lin-dx-T", r"\frac{\partial L}{\partial x} = W^\top \delta",
  lambda S: layouts(lambda: grad(Lz(S), S["x"]), lambda: S["W"].T * S.G("z")), LSZ, GL)
C("lin-dxsq-F", r"\frac{\partial L}{\partial x} = W \delta",
  lambda S: layouts(lambda: grad(Lz(S), S["x"]), lambda: S["W"] * S.G("z")),
  {"W": ("n", "n"), "x": col("n"), "b": col("n"), "z": col("n"), "delta": col("n")}, GL)
C("lin-entry-T", r"\frac{\partial L}{\partial W_{ij}} = \delta_i x_j",
  lambda S: layouts(lambda: grad(Lz(S), S["W"]), lambda: S.G("z") * S["x"].T), LSZ, GL)
C("lin-entry-F", r"\frac{\partial L}{\partial W_{ij}} = \delta_j x_i",
  lambda S: [lambda: (grad(Lz(S), S["W"]), S["x"].T.T * S.G("z").T)],
  {"W": ("n", "n"), "x": col("n"), "b": col("n"), "z": col("n"), "delta": col("n")}, GL,
  note="entry form: only one reading (dL/dW_ij = delta_j x_i is (x delta^T)_ij)")
C("mixed-entry-T", r"(W^T \delta)_j = \sum_i W_{ij} \delta_i",
  lambda S: plain(lambda: S["W"].T * S["delta"], lambda: S["W"].T * S["delta"]),
  {"W": ("m", "n"), "delta": col("m")})
C("mixed-entry-F", r"(W^T \delta)_j = \sum_i W_{ji} \delta_i",
  lambda S: plain(lambda: S["W"].T * S["delta"], lambda: S["W"] * S["delta"]),
  {"W": ("n", "n"), "delta": col("n")})
C("bold-dx-T", r"\frac{\partial L}{\partial \mathbf{x}} = \mathbf{W}^\top \boldsymbol{\delta}",
  lambda S: layouts(lambda: grad(Lz(S), S["x"]), lambda: S["W"].T * S.G("z")), LSZ,
  [r"\mathbf{z} = \mathbf{W}\mathbf{x} + \mathbf{b}", r"\boldsymbol{\delta} = \frac{\partial L}{\partial \mathbf{z}}"])

# ---------------------------------------------------------------- batch layer Z = XW + b, rows = examples
bat = lambda S: S["X"] * S["W"]
LB = {"X": ("N", "d"), "W": ("d", "p"), "Z": ("N", "p"), "dZ": ("N", "p")}
GB = [r"Z = X W", r"dZ = \frac{\partial L}{\partial Z}", r"dW = \frac{\partial L}{\partial W}",
      r"dX = \frac{\partial L}{\partial X}"]
LBq = {k: ("n", "n") for k in LB}
C("bat-dX-T", r"dX = dZ W^\top",
  lambda S: layouts(lambda: grad(upstream(S, bat(S), "Z"), S["X"]), lambda: S.G("Z") * S["W"].T), LB, GB)
C("bat-dXsq-F", r"dX = dZ W",
  lambda S: layouts(lambda: grad(upstream(S, bat(S), "Z"), S["X"]), lambda: S.G("Z") * S["W"]), LBq, GB)
C("bat-dWsq-F", r"dW = X dZ^T",
  lambda S: layouts(lambda: grad(upstream(S, bat(S), "Z"), S["W"]), lambda: S["X"] * S.G("Z").T), LBq, GB)
# columns = examples: Z = W X
bc = lambda S: S["W"] * S["X"]
LC = {"W": ("p", "d"), "X": ("d", "N"), "Z": ("p", "N"), "dZ": ("p", "N")}
GC = [r"Z = W X", r"dZ = \frac{\partial L}{\partial Z}", r"dW = \frac{\partial L}{\partial W}",
      r"dX = \frac{\partial L}{\partial X}"]
C("col-dW-T", r"dW = dZ X^T",
  lambda S: layouts(lambda: grad(upstream(S, bc(S), "Z"), S["W"]), lambda: S.G("Z") * S["X"].T), LC, GC)
C("col-dX-T", r"dX = W^T dZ",
  lambda S: layouts(lambda: grad(upstream(S, bc(S), "Z"), S["X"]), lambda: S["W"].T * S.G("Z")), LC, GC)
C("col-dWsq-F", r"dW = X^T dZ",
  lambda S: layouts(lambda: grad(upstream(S, bc(S), "Z"), S["W"]), lambda: S["X"].T * S.G("Z")),
  {k: ("n", "n") for k in LC}, GC)

# ---------------------------------------------------------------- two-layer net (vectors)
def net(S):
    h = ew(sig, S["W_1"] * S["x"] + S["b_1"])
    y = S["W_2"] * h + S["b_2"]
    return h, y


NS = {"W_1": ("m", "n"), "x": col("n"), "b_1": col("m"), "h": col("m"), "W_2": ("p", "m"),
      "b_2": col("p"), "y": col("p")}
NG = [r"h = \sigma(W_1 x + b_1)", r"y = W_2 h + b_2"]


def netL(S):
    h, y = net(S)
    return upstream(S, y, "y"), h


def net_rhs_W1(S, miss=False):
    h, _ = net(S)
    d = had(S["W_2"].T * S.G("y"), h) if miss else had(S["W_2"].T * S.G("y"), h, ones(*h.shape) - h)
    return d * S["x"].T


C("net-dW1-T", r"\frac{\partial L}{\partial W_1} = \left( (W_2^T \frac{\partial L}{\partial y}) \odot h \odot (1 - h) \right) x^T",
  lambda S: layouts(lambda: grad(netL(S)[0], S["W_1"]), lambda: net_rhs_W1(S)), NS, NG)
C("net-dW1-F", r"\frac{\partial L}{\partial W_1} = \left( (W_2^T \frac{\partial L}{\partial y}) \odot h \right) x^T",
  lambda S: layouts(lambda: grad(netL(S)[0], S["W_1"]), lambda: net_rhs_W1(S, True)), NS, NG)
C("net-db1-T", r"\frac{\partial L}{\partial b_1} = W_2^\top \frac{\partial L}{\partial y} \odot h \odot (1 - h)",
  lambda S: layouts(lambda: grad(netL(S)[0], S["b_1"]),
                    lambda: had(S["W_2"].T * S.G("y"), net(S)[0], ones(*net(S)[0].shape) - net(S)[0])), NS, NG,
  note="precedence: juxtaposition before odot")
C("net-dW2-T", r"\frac{\partial L}{\partial W_2} = \frac{\partial L}{\partial y} h^T",
  lambda S: layouts(lambda: grad(netL(S)[0], S["W_2"]), lambda: S.G("y") * net(S)[0].T), NS, NG)
C("net-dW2sq-F", r"\frac{\partial L}{\partial W_2} = h \, h^T \frac{\partial L}{\partial y} x^T",
  lambda S: layouts(lambda: grad(netL(S)[0], S["W_2"]), lambda: net(S)[0] * net(S)[0].T * S.G("y") * S["x"].T),
  {k: (v[0] if v[0] != "p" and v[0] != "m" else "n", v[1] if v[1] not in ("m", "p") else "n") for k, v in NS.items()}, NG)

# ---------------------------------------------------------------- delta recursion with subscripts
DS = {"W_2": ("m", "n"), "h_1": col("n"), "b_2": col("m"), "z_2": col("m"), "delta_2": col("m"),
      "z_1": col("n"), "delta_1": col("n")}
DG = [r"h_1 = \tanh(z_1)", r"z_2 = W_2 h_1 + b_2", r"\delta_2 = \frac{\partial L}{\partial z_2}",
      r"\delta_1 = \frac{\partial L}{\partial z_1}"]


def dchain(S):
    h1 = ew(sp.tanh, S["z_1"])
    z2 = S["W_2"] * h1 + S["b_2"]
    return upstream(S, z2, "z_2"), h1


C("delta-tanh-T", r"\delta_1 = (W_2^T \delta_2) \odot (1 - h_1 \odot h_1)",
  lambda S: plain(lambda: grad(dchain(S)[0], S["z_1"]),
                  lambda: had(S["W_2"].T * S.G("z_2"), ones(*dchain(S)[1].shape) - had(dchain(S)[1], dchain(S)[1]))),
  DS, DG)
C("delta-tanh-F", r"\delta_1 = (W_2^T \delta_2) \odot (1 - h_1)",
  lambda S: plain(lambda: grad(dchain(S)[0], S["z_1"]),
                  lambda: had(S["W_2"].T * S.G("z_2"), ones(*dchain(S)[1].shape) - dchain(S)[1])), DS, DG)
C("delta-tanh-sign-F", r"\delta_1 = (W_2^T \delta_2) \odot (h_1 \odot h_1 - 1)",
  lambda S: plain(lambda: grad(dchain(S)[0], S["z_1"]),
                  lambda: had(S["W_2"].T * S.G("z_2"), had(dchain(S)[1], dchain(S)[1]) - ones(*dchain(S)[1].shape))), DS, DG)

# ---------------------------------------------------------------- softmax / sigmoid Jacobians
C("smjac-T", r"\frac{\partial p}{\partial z} = \mathrm{diag}(p) - p p^\top",
  lambda S: layouts(lambda: jac(softmax(S["z"]), S["z"]), lambda: diag(softmax(S["z"])) - softmax(S["z"]) * softmax(S["z"]).T),
  {"z": col("n"), "p": col("n")}, [r"p = \mathrm{softmax}(z)"])
C("smjac-outer-F", r"\frac{\partial p}{\partial z} = \mathrm{diag}(p) - p \mathbf{1}^\top",
  lambda S: layouts(lambda: jac(softmax(S["z"]), S["z"]), lambda: diag(softmax(S["z"])) - softmax(S["z"]) * ones(len(S["z"])).T),
  {"z": col("n"), "p": col("n")}, [r"p = \mathrm{softmax}(z)"])
C("smvjp-F", r"\frac{\partial L}{\partial z} = p \odot \frac{\partial L}{\partial p} - p p^\top p",
  lambda S: layouts(lambda: grad(upstream(S, softmax(S["z"]), "p"), S["z"]),
                    lambda: had(softmax(S["z"]), S.G("p")) - softmax(S["z"]) * softmax(S["z"]).T * softmax(S["z"])),
  {"z": col("n"), "p": col("n")}, [r"p = \mathrm{softmax}(z)"])
C("sigjac-T", r"\frac{\partial a}{\partial x} = \mathrm{diag}(a \odot (1 - a)) W",
  lambda S: layouts(lambda: jac(ew(sig, S["W"] * S["x"]), S["x"]),
                    lambda: diag(had(ew(sig, S["W"] * S["x"]), ones(*(S["W"] * S["x"]).shape) - ew(sig, S["W"] * S["x"]))) * S["W"]),
  {"W": ("m", "n"), "x": col("n"), "a": col("m")}, [r"a = \sigma(W x)"])
C("sigjac-den-T", r"\frac{\partial a}{\partial x} = W^\top \mathrm{diag}(a \odot (1 - a))",
  lambda S: layouts(lambda: jac(ew(sig, S["W"] * S["x"]), S["x"]),
                    lambda: S["W"].T * diag(had(ew(sig, S["W"] * S["x"]), ones(*(S["W"] * S["x"]).shape) - ew(sig, S["W"] * S["x"])))),
  {"W": ("m", "n"), "x": col("n"), "a": col("m")}, [r"a = \sigma(W x)"])
C("sigjac-sq-F", r"\frac{\partial a}{\partial x} = \mathrm{diag}(a \odot (1 - a)) W^\top",
  lambda S: layouts(lambda: jac(ew(sig, S["W"] * S["x"]), S["x"]),
                    lambda: diag(had(ew(sig, S["W"] * S["x"]), ones(*(S["W"] * S["x"]).shape) - ew(sig, S["W"] * S["x"]))) * S["W"].T),
  {"W": ("n", "n"), "x": col("n"), "a": col("n")}, [r"a = \sigma(W x)"])
C("hadjac-T", r"\frac{\partial y}{\partial x} = 2 \mathrm{diag}(x)",
  lambda S: layouts(lambda: jac(had(S["x"], S["x"]), S["x"]), lambda: 2 * diag(S["x"])),
  {"x": col("n"), "y": col("n")}, [r"y = x \odot x"])
C("hadjac-F", r"\frac{\partial y}{\partial x} = \mathrm{diag}(x)",
  lambda S: layouts(lambda: jac(had(S["x"], S["x"]), S["x"]), lambda: diag(S["x"])),
  {"x": col("n"), "y": col("n")}, [r"y = x \odot x"])
C("hadjac2-T", r"\frac{\partial y}{\partial x} = \mathrm{diag}(w)",
  lambda S: layouts(lambda: jac(had(S["x"], S["w"]), S["x"]), lambda: diag(S["w"])),
  {"x": col("n"), "y": col("n"), "w": col("n")}, [r"y = w \circ x"])
C("expjac-T", r"\frac{\partial y}{\partial x} = \mathrm{diag}(y)",
  lambda S: layouts(lambda: jac(ew(sp.exp, S["x"]), S["x"]), lambda: diag(ew(sp.exp, S["x"]))),
  {"x": col("n"), "y": col("n")}, [r"y = \exp(x)"])
C("linjacT-T", r"\frac{\partial y}{\partial x} = A^\top",
  lambda S: layouts(lambda: jac(S["A"] * S["x"], S["x"]), lambda: S["A"].T),
  {"A": ("m", "n"), "x": col("n"), "y": col("m")}, [r"y = A x"])

# ---------------------------------------------------------------- losses
C("mseN-T", r"\frac{\partial L}{\partial y} = \frac{2}{N} (y - t)",
  lambda S: layouts(lambda: grad(((S["y"] - S["t"]).T * (S["y"] - S["t"]))[0, 0] / sp.Symbol("N", positive=True), S["y"]),
                    lambda: 2 / sp.Symbol("N", positive=True) * (S["y"] - S["t"])),
  {"y": col("n"), "t": col("n")}, [r"L = \frac{1}{N} (y - t)^\top (y - t)"])
C("mseN-F", r"\frac{\partial L}{\partial y} = \frac{1}{N} (y - t)",
  lambda S: layouts(lambda: grad(((S["y"] - S["t"]).T * (S["y"] - S["t"]))[0, 0] / sp.Symbol("N", positive=True), S["y"]),
                    lambda: 1 / sp.Symbol("N", positive=True) * (S["y"] - S["t"])),
  {"y": col("n"), "t": col("n")}, [r"L = \frac{1}{N} (y - t)^\top (y - t)"])
lsq = lambda S: ((S["X"] * S["w"] - S["y"]).T * (S["X"] * S["w"] - S["y"]))[0, 0]
LS = {"X": ("N", "d"), "w": col("d"), "y": col("N")}
C("lsq-T", r"\frac{\partial L}{\partial w} = 2 X^\top (X w - y)",
  lambda S: layouts(lambda: grad(lsq(S), S["w"]), lambda: 2 * S["X"].T * (S["X"] * S["w"] - S["y"])), LS,
  [r"L = (X w - y)^\top (X w - y)"])
C("lsq-num-T", r"\frac{\partial L}{\partial w} = 2 (X w - y)^\top X",
  lambda S: layouts(lambda: grad(lsq(S), S["w"]), lambda: 2 * (S["X"] * S["w"] - S["y"]).T * S["X"]), LS,
  [r"L = (X w - y)^\top (X w - y)"])
C("lsq-F", r"\frac{\partial L}{\partial w} = X^\top (X w - y)",
  lambda S: layouts(lambda: grad(lsq(S), S["w"]), lambda: S["X"].T * (S["X"] * S["w"] - S["y"])), LS,
  [r"L = (X w - y)^\top (X w - y)"])
C("lsq-sign-F", r"\frac{\partial L}{\partial w} = 2 X^\top (y - X w)",
  lambda S: layouts(lambda: grad(lsq(S), S["w"]), lambda: 2 * S["X"].T * (S["y"] - S["X"] * S["w"])), LS,
  [r"L = (X w - y)^\top (X w - y)"])
lam = sp.Symbol("lambda", real=True)
C("ridge-T", r"\frac{\partial L}{\partial w} = 2 X^\top (X w - y) + 2 \lambda w",
  lambda S: layouts(lambda: grad(lsq(S) + lam * (S["w"].T * S["w"])[0, 0], S["w"]),
                    lambda: 2 * S["X"].T * (S["X"] * S["w"] - S["y"]) + 2 * lam * S["w"]), LS,
  [r"L = (X w - y)^\top (X w - y) + \lambda w^\top w"])
C("ridge-F", r"\frac{\partial L}{\partial w} = 2 X^\top (X w - y) + \lambda w",
  lambda S: layouts(lambda: grad(lsq(S) + lam * (S["w"].T * S["w"])[0, 0], S["w"]),
                    lambda: 2 * S["X"].T * (S["X"] * S["w"] - S["y"]) + lam * S["w"]), LS,
  [r"L = (X w - y)^\top (X w - y) + \lambda w^\top w"])
quad = lambda S: (S["x"].T * S["A"] * S["x"] + S["b"].T * S["x"])[0, 0]
QS = {"x": col("n"), "A": ("n", "n"), "b": col("n")}
C("quad-T", r"\frac{\partial f}{\partial x} = A x + A^\top x + b",
  lambda S: layouts(lambda: grad(quad(S), S["x"]), lambda: S["A"] * S["x"] + S["A"].T * S["x"] + S["b"]), QS,
  [r"f = x^\top A x + b^\top x"])
C("quad-F", r"\frac{\partial f}{\partial x} = 2 A x + b",
  lambda S: layouts(lambda: grad(quad(S), S["x"]), lambda: 2 * S["A"] * S["x"] + S["b"]), QS,
  [r"f = x^\top A x + b^\top x"])
C("quad-b-F", r"\frac{\partial f}{\partial x} = (A + A^\top) x",
  lambda S: layouts(lambda: grad(quad(S), S["x"]), lambda: (S["A"] + S["A"].T) * S["x"]), QS,
  [r"f = x^\top A x + b^\top x"])
bil = lambda S: (S["u"].T * S["W"] * S["v"])[0, 0]
BS = {"u": col("m"), "W": ("m", "n"), "v": col("n")}
C("bil-dW-T", r"\frac{\partial f}{\partial W} = u v^\top",
  lambda S: layouts(lambda: grad(bil(S), S["W"]), lambda: S["u"] * S["v"].T), BS, [r"f = u^\top W v"])
C("bil-du-T", r"\frac{\partial f}{\partial u} = W v",
  lambda S: layouts(lambda: grad(bil(S), S["u"]), lambda: S["W"] * S["v"]), BS, [r"f = u^\top W v"])
C("bil-dvsq-F", r"\frac{\partial f}{\partial v} = W u",
  lambda S: layouts(lambda: grad(bil(S), S["v"]), lambda: S["W"] * S["u"]),
  {"u": col("n"), "W": ("n", "n"), "v": col("n")}, [r"f = u^\top W v"])
gram = lambda S: (S["x"].T * S["W"].T * S["W"] * S["x"])[0, 0]
C("gram-T", r"\frac{\partial f}{\partial W} = 2 W x x^\top",
  lambda S: layouts(lambda: grad(gram(S), S["W"]), lambda: 2 * S["W"] * S["x"] * S["x"].T),
  {"x": col("n"), "W": ("m", "n")}, [r"f = x^\top W^\top W x"])
C("gram-F", r"\frac{\partial f}{\partial W} = 2 x x^\top W",
  lambda S: layouts(lambda: grad(gram(S), S["W"]), lambda: 2 * S["x"] * S["x"].T * S["W"]),
  {"x": col("n"), "W": ("n", "n")}, [r"f = x^\top W^\top W x"])
hd = lambda S: (S["a"].T * had(S["x"], S["y"]))[0, 0]
C("had-grad-T", r"\frac{\partial f}{\partial x} = \mathrm{diag}(a) y",
  lambda S: layouts(lambda: grad(hd(S), S["x"]), lambda: diag(S["a"]) * S["y"]),
  {"a": col("n"), "x": col("n"), "y": col("n")}, [r"f = a^\top (x \odot y)"])
C("had-grad-F", r"\frac{\partial f}{\partial x} = a \odot x",
  lambda S: layouts(lambda: grad(hd(S), S["x"]), lambda: had(S["a"], S["x"])),
  {"a": col("n"), "x": col("n"), "y": col("n")}, [r"f = a^\top (x \odot y)"])

# ---------------------------------------------------------------- batch two-layer (matrices)
def bnet(S):
    H = ew(sig, S["X"] * S["W_1"])
    Y = H * S["W_2"]
    return H, Y


BNS = {"X": ("N", "d"), "W_1": ("d", "m"), "H": ("N", "m"), "W_2": ("m", "p"), "Y": ("N", "p"),
       "dY": ("N", "p")}
BNG = [r"H = \sigma(X W_1)", r"Y = H W_2", r"dY = \frac{\partial L}{\partial Y}"]
C("bnet-dW2-T", r"\frac{\partial L}{\partial W_2} = H^\top dY",
  lambda S: layouts(lambda: grad(upstream(S, bnet(S)[1], "Y"), S["W_2"]), lambda: bnet(S)[0].T * S.G("Y")), BNS, BNG)
C("bnet-dW1-T", r"\frac{\partial L}{\partial W_1} = X^\top \left( (dY W_2^\top) \odot H \odot (1 - H) \right)",
  lambda S: layouts(lambda: grad(upstream(S, bnet(S)[1], "Y"), S["W_1"]),
                    lambda: S["X"].T * had(S.G("Y") * S["W_2"].T, bnet(S)[0], sp.ones(*bnet(S)[0].shape) - bnet(S)[0])),
  BNS, BNG)
C("bnet-dW1-F", r"\frac{\partial L}{\partial W_1} = X^\top \left( (dY W_2^\top) \odot (1 - H) \right)",
  lambda S: layouts(lambda: grad(upstream(S, bnet(S)[1], "Y"), S["W_1"]),
                    lambda: S["X"].T * had(S.G("Y") * S["W_2"].T, sp.ones(*bnet(S)[0].shape) - bnet(S)[0])),
  BNS, BNG)
C("bnet-dX-T", r"\frac{\partial L}{\partial X} = \left( (dY W_2^\top) \circ H \circ (1 - H) \right) W_1^\top",
  lambda S: layouts(lambda: grad(upstream(S, bnet(S)[1], "Y"), S["X"]),
                    lambda: had(S.G("Y") * S["W_2"].T, bnet(S)[0], sp.ones(*bnet(S)[0].shape) - bnet(S)[0]) * S["W_1"].T),
  BNS, BNG)

# ---------------------------------------------------------------- logistic regression (batch)
def logi(S):
    p = ew(sig, S["X"] * S["w"])
    y = S["y"]
    L = -sum(y[k] * sp.log(p[k]) + (1 - y[k]) * sp.log(1 - p[k]) for k in range(len(y)))
    return L, p


C("logreg-T", r"\frac{\partial L}{\partial w} = X^\top (p - y)",
  lambda S: layouts(lambda: grad(logi(S)[0], S["w"]), lambda: S["X"].T * (logi(S)[1] - S["y"])),
  {"X": ("N", "d"), "w": col("d"), "y": col("N"), "p": col("N")},
  [r"p = \sigma(X w)", r"L = -y^\top \log(p) - (1 - y)^\top \log(1 - p)"])
C("logreg-F", r"\frac{\partial L}{\partial w} = X^\top (y - p)",
  lambda S: layouts(lambda: grad(logi(S)[0], S["w"]), lambda: S["X"].T * (S["y"] - logi(S)[1])),
  {"X": ("N", "d"), "w": col("d"), "y": col("N"), "p": col("N")},
  [r"p = \sigma(X w)", r"L = -y^\top \log(p) - (1 - y)^\top \log(1 - p)"])

# ---------------------------------------------------------------- layer labels
LL = {"W^{[l]}": None}
C("layer-T", r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(3)} (a^{(2)})^\top",
  lambda S: layouts(lambda: grad(upstream(S, S["W"] * S["a"] + S["b"], "z"), S["W"]), lambda: S.G("z") * S["a"].T),
  {"W": ("m", "n"), "a": col("n"), "b": col("m"), "z": col("m")},
  [r"z^{(3)} = W^{(2)} a^{(2)} + b^{(2)}", r"\delta^{(3)} = \frac{\partial L}{\partial z^{(3)}}"])
C("layer-F", r"\frac{\partial L}{\partial a^{(2)}} = W^{(2)} \delta^{(3)}",
  lambda S: layouts(lambda: grad(upstream(S, S["W"] * S["a"] + S["b"], "z"), S["a"]), lambda: S["W"] * S.G("z")),
  {"W": ("n", "n"), "a": col("n"), "b": col("n"), "z": col("n")},
  [r"z^{(3)} = W^{(2)} a^{(2)} + b^{(2)}", r"\delta^{(3)} = \frac{\partial L}{\partial z^{(3)}}"])
C("layerbr-T", r"\frac{\partial L}{\partial W^{[2]}} = \delta^{[2]} (a^{[1]})^\top",
  lambda S: layouts(lambda: grad(upstream(S, S["W"] * S["a"] + S["b"], "z"), S["W"]), lambda: S.G("z") * S["a"].T),
  {"W": ("m", "n"), "a": col("n"), "b": col("m"), "z": col("m")},
  [r"z^{[2]} = W^{[2]} a^{[1]} + b^{[2]}", r"\delta^{[2]} = \frac{\partial L}{\partial z^{[2]}}"])

# ---------------------------------------------------------------- mixed Jacobian convention, identity
C("JTg-mixed-T", r"\frac{\partial L}{\partial x} = \left(\frac{\partial y}{\partial x}\right)^\top \frac{\partial L}{\partial y}",
  lambda S: [lambda: (grad(upstream(S, S["A"] * S["x"], "y"), S["x"]), jac(S["A"] * S["x"], S["x"]).T * S.G("y"))],
  {"A": ("m", "n"), "x": col("n"), "y": col("m")}, [r"y = A x"],
  note="mixed convention: numerator Jacobian, denominator gradient (the common ML reading)")
C("JTg-den-T", r"\frac{\partial L}{\partial x} = \frac{\partial y}{\partial x} \frac{\partial L}{\partial y}",
  lambda S: [lambda: (grad(upstream(S, S["A"] * S["x"], "y"), S["x"]), jac(S["A"] * S["x"], S["x"]).T * S.G("y"))],
  {"A": ("m", "n"), "x": col("n"), "y": col("m")}, [r"y = A x"], note="pure denominator layout")
C("resid-T", r"\frac{\partial y}{\partial x} = I + W",
  lambda S: layouts(lambda: jac(S["x"] + S["W"] * S["x"], S["x"]), lambda: sp.eye(len(S["x"])) + S["W"]),
  {"x": col("n"), "W": ("n", "n"), "y": col("n")}, [r"y = x + W x"])
C("resid-F", r"\frac{\partial L}{\partial x} = W^\top \frac{\partial L}{\partial y}",
  lambda S: layouts(lambda: grad(upstream(S, S["x"] + S["W"] * S["x"], "y"), S["x"]), lambda: S["W"].T * S.G("y")),
  {"x": col("n"), "W": ("n", "n"), "y": col("n")}, [r"y = x + W x"])
C("resid2-T", r"\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} + W^\top \frac{\partial L}{\partial y}",
  lambda S: layouts(lambda: grad(upstream(S, S["x"] + S["W"] * S["x"], "y"), S["x"]), lambda: S.G("y") + S["W"].T * S.G("y")),
  {"x": col("n"), "W": ("n", "n"), "y": col("n")}, [r"y = x + W x"])
C("scalvec-T", r"(x^\top y) x = x x^\top y",
  lambda S: plain(lambda: scal(S["x"].T * S["y"]) * S["x"], lambda: S["x"] * S["x"].T * S["y"]),
  {"x": col("n"), "y": col("n")}, note="scalar (1x1) times vector")
C("scalvec-F", r"(x^\top y) x = y x^\top x",
  lambda S: plain(lambda: scal(S["x"].T * S["y"]) * S["x"], lambda: S["y"] * S["x"].T * S["x"]),
  {"x": col("n"), "y": col("n")}, note="scalar (1x1) times vector")

# ---------------------------------------------------------------- extra: ones vector, identity, sum/norm, explicit matrices
def one(S, like):
    return sp.ones(S["x" if like is None else like].shape[0], 1)


C("ones-sum-N", r"\mathbf{1}^T x = x",
  lambda S: plain(lambda: sp.ones(len(S["x"]), 1).T * S["x"], lambda: S["x"]), {"x": col("n")},
  note="1^T x is a scalar, x a vector")
C("ones-diag-T", r"\mathrm{diag}(x) \mathbf{1} = x",
  lambda S: plain(lambda: diag(S["x"]) * sp.ones(len(S["x"]), 1), lambda: S["x"]), {"x": col("n")})
C("ones-diagrow-T", r"\mathbf{1}^T \mathrm{diag}(x) = x^T",
  lambda S: plain(lambda: sp.ones(len(S["x"]), 1).T * diag(S["x"]), lambda: S["x"].T), {"x": col("n")})
C("ones-comm-F", r"\mathbf{1}^T x y = x \mathbf{1}^T y",
  lambda S: plain(lambda: scal(sp.ones(len(S["x"]), 1).T * S["x"]) * S["y"],
                  lambda: S["x"] * scal(sp.ones(len(S["y"]), 1).T * S["y"])), {"x": col("n"), "y": col("n")},
  note="(sum x) y vs x (sum y)")
C("ones-lin-T", r"\mathbf{1}^T (x + y) = \mathbf{1}^T x + \mathbf{1}^T y",
  lambda S: plain(lambda: sp.ones(len(S["x"]), 1).T * (S["x"] + S["y"]),
                  lambda: sp.ones(len(S["x"]), 1).T * S["x"] + sp.ones(len(S["x"]), 1).T * S["y"]),
  {"x": col("n"), "y": col("n")})
C("ones-db-N", r"\frac{\partial L}{\partial b} = \mathbf{1}^T \delta",
  lambda S: layouts(lambda: grad(Lz(S), S["b"]), lambda: sp.ones(len(S.G("z")), 1).T * S.G("z")), LSZ, GL,
  note="1^T delta is a scalar; dL/db is a vector")
C("ones-db-batch-T", r"db = \mathbf{1}^T dZ",
  lambda S: layouts(lambda: grad(upstream(S, S["X"] * S["W"] + sp.ones(S["X"].shape[0], 1) * S["b"], "Z"), S["b"]),
                    lambda: sp.ones(S["X"].shape[0], 1).T * S.G("Z")),
  {"X": ("N", "d"), "W": ("d", "p"), "b": (1, "p"), "Z": ("N", "p")},
  [r"Z = XW + b", r"dZ = \frac{\partial L}{\partial Z}", r"db = \frac{\partial L}{\partial b}"],
  note="cs231n: b a row broadcast over the rows")
C("ones-outer-F", r"\frac{\partial p}{\partial z} = \mathrm{diag}(p) - p \mathbf{1}^T",
  lambda S: layouts(lambda: jac(softmax(S["z"]), S["z"]), lambda: diag(softmax(S["z"])) - softmax(S["z"]) * sp.ones(len(S["z"]), 1).T),
  {"z": col("n"), "p": col("n")}, [r"p = \mathrm{softmax}(z)"])
C("ident-x-T", r"I x = x", lambda S: plain(lambda: sp.eye(len(S["x"])) * S["x"], lambda: S["x"]), {"x": col("n")},
  note="no vector marker: symderiv reads scalars by design")
C("ident-T-T", r"(I + W)^\top = I + W^\top",
  lambda S: plain(lambda: (sp.eye(S["W"].shape[0]) + S["W"]).T, lambda: sp.eye(S["W"].shape[0]) + S["W"].T), {"W": ("n", "n")})
C("ident-quad-T", r"x^\top I x = x^\top x",
  lambda S: plain(lambda: S["x"].T * sp.eye(len(S["x"])) * S["x"], lambda: S["x"].T * S["x"]), {"x": col("n")})
C("ident-proj-F", r"(I - x x^\top) x = 0",
  lambda S: plain(lambda: (sp.eye(len(S["x"])) - S["x"] * S["x"].T) * S["x"], lambda: sp.zeros(len(S["x"]), 1)), {"x": col("n")})
fro = lambda M: sp.sqrt(sum(e**2 for e in M))
C("sum-outer-F", r"\mathrm{sum}(x y^\top) = \mathrm{sum}(x \odot y)",
  lambda S: plain(lambda: sum(S["x"] * S["y"].T), lambda: sum(had(S["x"], S["y"]))), {"x": col("n"), "y": col("n")},
  note="(sum x)(sum y) vs x.y")
C("sum-op-F", r"\operatorname{sum}(x y^\top) = \operatorname{sum}(x \odot y)",
  lambda S: plain(lambda: sum(S["x"] * S["y"].T), lambda: sum(had(S["x"], S["y"]))), {"x": col("n"), "y": col("n")})
C("norm-outer-F", r"\mathrm{norm}(x y^\top) = \mathrm{norm}(x \odot y)",
  lambda S: plain(lambda: fro(S["x"] * S["y"].T), lambda: fro(had(S["x"], S["y"]))), {"x": col("n"), "y": col("n")},
  note="||x|| ||y|| vs ||x.*y||")
C("sum-T-T", r"\mathrm{sum}(A^\top) = \mathrm{sum}(A)",
  lambda S: plain(lambda: sum(S["A"].T), lambda: sum(S["A"])), {"A": ("m", "n")})
C("sum-AB-F", r"\mathrm{sum}(A B) = \mathrm{sum}(A \odot B)",
  lambda S: plain(lambda: sum(S["A"] * S["B"]), lambda: sum(had(S["A"], S["B"]))), {"A": ("n", "n"), "B": ("n", "n")})
C("pmat-T", r"A^\top \begin{pmatrix} 1 \\ 0 \end{pmatrix} = \begin{pmatrix} A_{11} \\ A_{12} \end{pmatrix}",
  lambda S: plain(lambda: S["A"].T * sp.Matrix([1, 0]), lambda: sp.Matrix([S["A"][0, 0], S["A"][0, 1]])), {"A": (2, 2)})
C("pmatT-T", r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}^\top = \begin{pmatrix} 1 & 3 \\ 2 & 4 \end{pmatrix}",
  lambda S: plain(lambda: sp.Matrix([[1, 2], [3, 4]]).T, lambda: sp.Matrix([[1, 3], [2, 4]])), {})
C("decl-sq-F", r"x^T y = y^T x",
  lambda S: plain(lambda: S["x"].T * S["y"], lambda: S["y"].T * S["x"]), {"x": ("n", "n"), "y": ("n", "n")},
  given=[r"x \in \mathbb{R}^{n \times n}", r"y \in \mathbb{R}^{n \times n}"])
C("decl-dx-F", r"\frac{\partial L}{\partial x} = W \delta",
  lambda S: layouts(lambda: grad(Lz(S), S["x"]), lambda: S["W"] * S.G("z")),
  {"W": ("n", "n"), "x": col("n"), "b": col("n"), "z": col("n"), "delta": col("n")},
  GL + [r"W \in \mathbb{R}^{n \times n}", r"x \in \mathbb{R}^{n}"])
C("decl-dW-T", r"\frac{\partial L}{\partial W} = \delta x^T",
  lambda S: layouts(lambda: grad(Lz(S), S["W"]), lambda: S.G("z") * S["x"].T), LSZ,
  GL + [r"W \in \mathbb{R}^{m \times n}"])
C("xW-row-N", r"\frac{\partial L}{\partial x} = W \delta",
  lambda S: layouts(lambda: grad(upstream(S, S["x"] * S["W"], "z"), S["x"]), lambda: S["W"] * S.G("z")),
  {"x": (1, "n"), "W": ("n", "m"), "z": (1, "m")},
  [r"z = x W", r"\delta = \frac{\partial L}{\partial z}"], note="x, z rows: W delta does not fit")
C("xW-row-T", r"\frac{\partial L}{\partial x} = \delta W^T",
  lambda S: layouts(lambda: grad(upstream(S, S["x"] * S["W"], "z"), S["x"]), lambda: S.G("z") * S["W"].T),
  {"x": (1, "n"), "W": ("n", "m"), "z": (1, "m")},
  [r"z = x W", r"\delta = \frac{\partial L}{\partial z}"])
C("quad-sym-T", r"\frac{\partial L}{\partial x} = A x",
  lambda S: layouts(lambda: grad((S["x"].T * (S["A"] + S["A"].T) * S["x"])[0, 0] / 4, S["x"]),
                    lambda: (S["A"] + S["A"].T) / 2 * S["x"]),
  {"x": col("n"), "A": ("n", "n")}, [r"L = \frac{1}{2} x^T A x"], where=[r"A = A^T"],
  note="A symmetric stated as a condition; truth encoded with A := (A+A^T)/2")
C("sum-gram-F", r"\mathrm{sum}(x x^\top) = \mathrm{sum}(x \odot x)",
  lambda S: plain(lambda: sum(S["x"] * S["x"].T), lambda: sum(had(S["x"], S["x"]))), {"x": col("n")},
  note="(sum x)^2 vs sum x^2")
C("sum-diag-T", r"\mathrm{sum}(\mathrm{diag}(x)) = \mathrm{sum}(x)",
  lambda S: plain(lambda: sum(diag(S["x"])), lambda: sum(S["x"])), {"x": col("n")})
C("mean-T-T", r"\mathrm{mean}(A^\top) = \mathrm{mean}(A)",
  lambda S: plain(lambda: sum(S["A"].T) / len(S["A"]), lambda: sum(S["A"]) / len(S["A"])), {"A": ("m", "n")})
C("max-T-T", r"\max(A^\top) = \max(A)",
  lambda S: plain(lambda: sp.Max(*S["A"].T), lambda: sp.Max(*S["A"])), {"A": ("m", "n")})
C("sigexp-T", r"\frac{\partial L}{\partial z} = \frac{\partial L}{\partial h} \odot h \odot (1 - h)",
  lambda S: layouts(lambda: grad(upstream(S, ew(sig, S["z"]), "h"), S["z"]),
                    lambda: had(S.G("h"), ew(sig, S["z"]), ones(len(S["z"])) - ew(sig, S["z"]))),
  {"z": col("n"), "h": col("n")}, [r"h = \frac{1}{1 + e^{-z}}"])
C("sigexp-F", r"\frac{\partial L}{\partial z} = \frac{\partial L}{\partial h} \odot h",
  lambda S: layouts(lambda: grad(upstream(S, ew(sig, S["z"]), "h"), S["z"]), lambda: had(S.G("h"), ew(sig, S["z"]))),
  {"z": col("n"), "h": col("n")}, [r"h = \frac{1}{1 + e^{-z}}"])
def _nrm(S):
    x = S["x"]; s = (x.T * x)[0, 0]
    return x / s, s
C("normjac-F", r"\frac{\partial y}{\partial x} = \frac{I}{s} - \frac{x x^\top}{s^2}",
  lambda S: layouts(lambda: jac(_nrm(S)[0], S["x"]),
                    lambda: sp.eye(len(S["x"])) / _nrm(S)[1] - S["x"] * S["x"].T / _nrm(S)[1] ** 2),
  {"x": col("n"), "y": col("n")}, [r"y = \frac{x}{s}", r"s = x^\top x"], note="the true Jacobian has 2 x x^T / s^2")
