"""Round-8 documents, part D (library docs, notation clashes): see docs_a.py for the item format."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}
x_ = sp.Symbol("x", real=True)


def sm_ij(K, f, cond=None):
    z = V("z", K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


def _ce_onehot(K, f):
    z = V("z", K)
    p = softmax(z)
    out = []
    for c in range(K):
        y = [delta(k, c) for k in range(K)]
        L = -sum(y[k] * log(p[k]) for k in range(K))
        for i in range(K):
            out.append([sp.diff(L, z[i]), f(p, y, i)])
    return out


# ---------------------------------------------------------------- e34 the shorthand \partial_j
D["e34_partial_shorthand.md"] = (r"""Notation: we write $\partial_j$ for $\frac{\partial}{\partial z_j}$. With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$,

$$\partial_j p_i = p_i(\delta_{ij} - p_j), \qquad \partial_j \log p_i = \delta_{ij} - p_j .$$

The shorthand hides the index of differentiation, which is how $\partial_j p_i = p_j(\delta_{ij} - p_j)$ ends up in people's notes.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("\\partial_j p_i = p_i(\\delta_{ij} - p_j)", "claim", True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (delta(i, j) - p[j]))),
    ("\\partial_j \\log p_i = \\delta_{ij} - p_j", "claim", True, lambda K: (lambda z: over(K, "ij", lambda d: [
        sp.diff(log(softmax(z)[d["i"]]), z[d["j"]]), delta(d["i"], d["j"]) - softmax(z)[d["j"]]]))(V("z", K))),
    ("= p_j(\\delta_{ij} - p_j)", "claim", False, lambda K: sm_ij(K, lambda p, i, j: p[j] * (delta(i, j) - p[j]))),
])


# ---------------------------------------------------------------- e35 library docs: slash fractions inline
D["e35_libdoc_slash_fractions.md"] = (r"""### `SoftmaxCrossEntropy.backward()`

Given logits $z \in \mathbb{R}^K$, the forward pass computes $p_k = e^{z_k} / \sum_{j=1}^{K} e^{z_j}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where `y` must be a one-hot vector.

`backward()` returns the gradient $\partial L / \partial z_i = p_i - y_i$ for every $i$.

*Changed in 2.1:* previous releases returned $\partial L / \partial z_i = y_i - p_i$ (the negative gradient).
""", [
    ("p_k = e^{z_k} /", "def", None, None),
    ("\\partial L / \\partial z_i = p_i - y_i", "claim", True, lambda K: _ce_onehot(K, lambda p, y, i: p[i] - y[i])),
    ("\\partial L / \\partial z_i = y_i - p_i", "claim", False, lambda K: _ce_onehot(K, lambda p, y, i: y[i] - p[i])),
])


# ---------------------------------------------------------------- e36 a tanh unit, h named
w_, h0, u_ = sp.symbols("w h_0 u", real=True)
_h = tanh(w_ * h0 + u_ * x_)

D["e36_tanh_unit_named_output.md"] = (r"""A one-unit recurrent step computes $h = \tanh(w h_0 + u x)$. Using $\tanh' = 1 - \tanh^2$,

$$\frac{\partial h}{\partial w} = \left(1 - h^2\right) h_0, \qquad \frac{\partial h}{\partial u} = \left(1 - h^2\right) x .$$

Watch the brackets: $\frac{\partial h}{\partial w} = (1 - h)^2 h_0$ is a different (wrong) expression.
""", [
    ("h = \\tanh(w h_0 + u x)", "def", None, None),
    ("= \\left(1 - h^2\\right) h_0", "claim", True, lambda K: [[sp.diff(_h, w_), (1 - _h**2) * h0]]),
    ("= \\left(1 - h^2\\right) x", "claim", True, lambda K: [[sp.diff(_h, u_), (1 - _h**2) * x_]]),
    ("= (1 - h)^2 h_0", "claim", False, lambda K: [[sp.diff(_h, w_), (1 - _h)**2 * h0]]),
])


# ---------------------------------------------------------------- e37 squared error on softmax outputs
def _e37(K, which):
    z, t = V("z", K), V("t", K)
    p = softmax(z)
    L = sum((p[k] - t[k])**2 for k in range(K)) / 2
    c = sum(p[k] * (p[k] - t[k]) for k in range(K))
    return [[sp.diff(L, z[i]), p[i] * (p[i] - t[i]) - p[i] * c if which == "ok" else p[i] - t[i]] for i in range(K)]

D["e37_softmax_mse.md"] = (r"""Why not squared error on a softmax? Take $p_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}$ and $L = \frac{1}{2}\sum_{k} (p_k - t_k)^2$, where $t$ is one-hot. Then

$$\frac{\partial L}{\partial z_i} = p_i (p_i - t_i) - p_i \sum_{k} p_k (p_k - t_k),$$

which is small whenever $p_i$ saturates. It is *not* $\frac{\partial L}{\partial z_i} = p_i - t_i$; that clean form belongs to the cross-entropy.
""", [
    ("p_k = \\frac{e^{z_k}}", "def", None, None),
    ("L = \\frac{1}{2}\\sum_{k}", "def", None, None),
    ("- p_i \\sum_{k} p_k (p_k - t_k)", "claim", True, lambda K: _e37(K, "ok")),
    ("= p_i - t_i", "claim", False, lambda K: _e37(K, "slip")),
])


# ---------------------------------------------------------------- e38 distillation with T^2
def _e38(K, which):
    z, q, T = V("z", K), V("q", K, positive=True), sp.Symbol("T", positive=True)
    qq = q[:-1] + [1 - sum(q[:-1])]
    e = [exp(v / T) for v in z]
    p = [v / sum(e) for v in e]
    L = -T**2 * sum(qq[k] * log(p[k]) for k in range(K))
    f = {"ok": lambda i: T * (p[i] - qq[i]), "T2": lambda i: T**2 * (p[i] - qq[i]), "one": lambda i: p[i] - qq[i]}[which]
    return [[sp.diff(L, z[i]), f(i)] for i in range(K)]

D["e38_distillation_T_squared.md"] = (r"""In knowledge distillation the student's logits $z$ are softened with the same temperature $T$ as the teacher's, $p_k = \frac{e^{z_k/T}}{\sum_{j=1}^{K} e^{z_j/T}}$, and the soft loss is scaled by $T^2$:

$$L = -T^2 \sum_{k=1}^{K} q_k \log p_k ,$$

where $q$ are the teacher's softened probabilities (a distribution). The scaling makes the gradient $\frac{\partial L}{\partial z_i} = T\,(p_i - q_i)$, so its size grows like $T$; people often misquote it as $\frac{\partial L}{\partial z_i} = T^2 (p_i - q_i)$ or as $\frac{\partial L}{\partial z_i} = p_i - q_i$.
""", [
    ("p_k = \\frac{e^{z_k/T}}", "def", None, None),
    ("= T\\,(p_i - q_i)", "claim", True, lambda K: _e38(K, "ok")),
    ("= T^2 (p_i - q_i)", "claim", False, lambda K: _e38(K, "T2")),
    ("= p_i - q_i", "claim", False, lambda K: _e38(K, "one")),
])


# ---------------------------------------------------------------- e39 delta the error term and delta the Kronecker symbol
def _e39(K):
    return _ce_onehot(K, lambda p, y, i: p[i] - y[i])

D["e39_delta_two_meanings.md"] = (r"""Backprop notation: the error at the output is $\delta_i = \frac{\partial L}{\partial z_i}$. For the softmax output $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ with cross-entropy $L = -\sum_{k=1}^{K} y_k \log p_k$ and a one-hot $y$, we get $\delta_i = p_i - y_i$.

This uses the Jacobian $\frac{\partial p_k}{\partial z_i} = p_k(\delta_{ki} - p_i)$, where $\delta_{ki}$ is the Kronecker delta (not the error term).
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("\\delta_i = p_i - y_i", "claim", True, _e39),
    ("p_k(\\delta_{ki} - p_i)", "claim", True, lambda K: (lambda z: over(K, "ki", lambda d: [
        sp.diff(softmax(z)[d["k"]], z[d["i"]]), softmax(z)[d["k"]] * (delta(d["k"], d["i"]) - softmax(z)[d["i"]])]))(V("z", K))),
])


# ---------------------------------------------------------------- e40 layer norm, the normalised output
def _e40(K, which):
    if K > 3:
        return None
    x, eps = V("x", K), sp.Symbol("epsilon", positive=True)
    mu = sum(x) / K
    var = sum((v - mu)**2 for v in x) / K
    s = sqrt(var + eps)
    xh = [(v - mu) / s for v in x]
    f = {"ok": lambda i, j: (delta(i, j) - Q(1, K) - xh[i] * xh[j] / K) / s,
         "slip": lambda i, j: (delta(i, j) - Q(1, K)) / s}[which]
    return over(K, "ij", lambda d: [sp.diff(xh[d["i"]], x[d["j"]]), f(d["i"], d["j"])])

D["e40_layernorm_normalised.md"] = (r"""### Backward pass of layer norm (without the affine part)

With $\mu = \frac{1}{N}\sum_{k=1}^{N} x_k$, $\sigma^2 = \frac{1}{N}\sum_{k=1}^{N}(x_k - \mu)^2$ and

$$\hat x_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \epsilon}},$$

the Jacobian is

$$\frac{\partial \hat x_i}{\partial x_j} = \frac{1}{\sqrt{\sigma^2 + \epsilon}}\left(\delta_{ij} - \frac{1}{N} - \frac{\hat x_i \hat x_j}{N}\right).$$

If you treat the variance as a constant you get $\frac{\partial \hat x_i}{\partial x_j} = \frac{1}{\sqrt{\sigma^2 + \epsilon}}\left(\delta_{ij} - \frac{1}{N}\right)$, which is wrong.
""", [
    ("\\hat x_i = \\frac{x_i - \\mu}", "def", None, None),
    ("- \\frac{\\hat x_i \\hat x_j}{N}", "claim", True, lambda K: _e40(K, "ok")),
    ("\\left(\\delta_{ij} - \\frac{1}{N}\\right)", "claim", False, lambda K: _e40(K, "slip")),
])


# ---------------------------------------------------------------- e41 multi-label sigmoid cross-entropy
def _e41(K, which):
    z, y = V("z", K), V("y", K)
    L = -sum(y[k] * log(sig(z[k])) + (1 - y[k]) * log(1 - sig(z[k])) for k in range(K))
    f = {"ok": lambda k: sig(z[k]) - y[k], "slip": lambda k: sig(z[k]) * (1 - sig(z[k])) - y[k]}[which]
    return [[sp.diff(L, z[k]), f(k)] for k in range(K)]

D["e41_multilabel_sigmoid_ce.md"] = (r"""For multi-label classification every class gets its own sigmoid, $\hat y_k = \sigma(z_k)$, and the loss sums the binary cross-entropies:

\[ L = -\sum_{k=1}^{K}\Big[y_k \log \hat y_k + (1 - y_k)\log(1 - \hat y_k)\Big]. \]

Unlike the softmax case, the classes do not interact, and $\frac{\partial L}{\partial z_k} = \hat y_k - y_k$ for each $k$ separately. Multiplying by the sigmoid's slope once more, $\frac{\partial L}{\partial z_k} = \hat y_k (1 - \hat y_k) - y_k$, double counts it.
""", [
    ("\\hat y_k = \\sigma(z_k)", "def", None, None),
    ("= \\hat y_k - y_k", "claim", True, lambda K: _e41(K, "ok")),
    ("= \\hat y_k (1 - \\hat y_k) - y_k", "claim", False, lambda K: _e41(K, "slip")),
])
