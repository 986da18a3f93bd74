"""Round-7 documents, part C (see docs_a.py for the item format)."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}

# ---------------------------------------------------------------- d21 \Sigma_d as a sum
def _Sig(K, which):
    s = V("s", K)
    Z = sum(map(exp, s))
    pi = [exp(v) / Z for v in s]
    if which == "logZ":
        return [[sp.diff(log(Z), s[d]), pi[d]] for d in range(K)]
    if which == "Zslip":
        return [[sp.diff(Z, s[d]), pi[d]] for d in range(K)]
    if which == "Z":
        return [[sp.diff(Z, s[d]), exp(s[d])] for d in range(K)]

D["d21_capital_sigma_sum.md"] = (r"""In the mixture notes the normaliser is written $Z = \Sigma_d e^{s_d}$ and the responsibilities are $\pi_d = e^{s_d} / Z$. Then
$$\frac{\partial \log Z}{\partial s_d} = \pi_d$$
while $\frac{\partial Z}{\partial s_d} = e^{s_d}$ itself. (The slide that says $\frac{\partial Z}{\partial s_d} = \pi_d$ forgot the logarithm.)
""", [
    ("Z = \\Sigma_d e^{s_d}", "def", None, None),
    ("\\pi_d = e^{s_d} / Z", "def", None, None),
    ("\\log Z}{\\partial s_d} = \\pi_d", "claim", True, lambda K: _Sig(K, "logZ")),
    ("= e^{s_d}", "claim", True, lambda K: _Sig(K, "Z")),
    ("Z}{\\partial s_d} = \\pi_d", "claim", False, lambda K: _Sig(K, "Zslip")),
])

# ---------------------------------------------------------------- d22 argmax
def _am(K):
    z = V("z", K)
    p = softmax(z)
    return [[sp.diff(p[k], z[k]), p[k] * (1 - p[k])] for k in range(K)]

D["d22_argmax_prediction.md"] = (r"""At test time the prediction is $\hat c = \operatorname*{argmax}_k p_k$ where $p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$; since the exponential is increasing, $\operatorname*{argmax}_k p_k = \operatorname*{argmax}_k z_k$, so no softmax is needed to predict. For training we need $\frac{\partial p_k}{\partial z_k} = p_k(1 - p_k)$.
""", [
    ("p_k = \\frac", "def", None, None),
    ("= p_k(1 - p_k)", "claim", True, lambda K: _am(K)),
])

# ---------------------------------------------------------------- d23 sum over \text{batch}
def _batch(K, f):
    w = sp.Symbol("w", real=True)
    x, y = V("x", K), V("y", K)
    L = sum((w * x[n] - y[n])**2 for n in range(K)) / 2
    return [[sp.diff(L, w), f * sum((w * x[n] - y[n]) * x[n] for n in range(K))]]

D["d23_sum_over_batch.md"] = (r"""For the one-parameter model $\hat y_n = w x_n$ the batch loss is $L = \frac{1}{2}\sum_{n \in \text{batch}} (w x_n - y_n)^2$ and
$$\frac{\partial L}{\partial w} = \sum_{n \in \text{batch}} (w x_n - y_n)\, x_n.$$
The version on the whiteboard, $\frac{\partial L}{\partial w} = 2\sum_{n \in \text{batch}} (w x_n - y_n)\, x_n$, forgot the $\frac{1}{2}$.
""", [
    ("L = \\frac{1}{2}\\sum_{n \\in", "def", None, None),
    ("\\partial w} = \\sum_{n", "claim", True, lambda K: _batch(K, 1)),
    ("= 2\\sum_{n", "claim", False, lambda K: _batch(K, 2)),
])

# ---------------------------------------------------------------- d24 P(y = k | x), multinomial logistic
def _mlr(K, which):
    n = 2
    x = V("x", n)
    Wr = [V(f"w{k}_", n) for k in range(K)]
    s = [sum(Wr[k][m] * x[m] for m in range(n)) for k in range(K)]
    P = softmax(s)
    if which == "logP":
        return [[log(P[k]), s[k] - log(sum(map(exp, s)))] for k in range(K)]
    if which == "own":
        return [[sp.diff(log(P[k]), Wr[k][m]), (1 - P[k]) * x[m]] for k in range(K) for m in range(n)]
    if which == "otherslip":
        return [[sp.diff(log(P[k]), Wr[j][m]), P[j] * x[m]] for k in range(K) for j in range(K) if j != k for m in range(n)]
    if which == "other":
        return [[sp.diff(log(P[k]), Wr[j][m]), -P[j] * x[m]] for k in range(K) for j in range(K) if j != k for m in range(n)]

D["d24_prob_notation_mlr.md"] = (r"""## Multinomial logistic regression

The model is $P(y = k \mid x) = \frac{e^{w_k^\top x}}{\sum_{j=1}^{K} e^{w_j^\top x}}$, so
$$\log P(y = k \mid x) = w_k^\top x - \log \sum_{j=1}^{K} e^{w_j^\top x}.$$
Differentiating with respect to the weights of the true class,
$$\frac{\partial}{\partial w_k} \log P(y = k \mid x) = \left(1 - P(y = k \mid x)\right) x,$$
and for another class $j \neq k$, $\frac{\partial}{\partial w_j} \log P(y = k \mid x) = -P(y = j \mid x)\, x$. The sign is often dropped: $\frac{\partial}{\partial w_j} \log P(y = k \mid x) = P(y = j \mid x)\, x$ is wrong.
""", [
    ("P(y = k \\mid x) = \\frac", "def", None, None),
    ("= w_k^\\top x - \\log", "claim", True, lambda K: _mlr(K, "logP")),
    ("= \\left(1 - P(y = k", "claim", True, lambda K: _mlr(K, "own")),
    ("= -P(y = j \\mid x)", "claim", True, lambda K: _mlr(K, "other")),
    ("\\log P(y = k \\mid x) = P(y = j \\mid x)\\, x$", "claim", False, lambda K: _mlr(K, "otherslip")),
])

# ---------------------------------------------------------------- d25 nabla notation, lecture
def _nab(K, which):
    Kc, n = K, K + 1
    W, x = M("W", Kc, n), M("x", n, 1)
    z = W * x
    p = softmax(list(z))
    out = []
    for c in range(Kc):
        y = [delta(k, c) for k in range(Kc)]
        L = -sum(y[k] * log(p[k]) for k in range(Kc))
        e = sp.Matrix([p[k] - y[k] for k in range(Kc)])
        gz = sp.Matrix(Kc, 1, lambda i, j: sp.diff(-sum(y[k] * log(softmax(V("u", Kc))[k]) for k in range(Kc)), V("u", Kc)[i])).subs(dict(zip(V("u", Kc), list(z))))
        gW = sp.Matrix(Kc, n, lambda i, j: sp.diff(L, W[i, j]))
        gx = sp.Matrix(n, 1, lambda i, j: sp.diff(L, x[i]))
        if which == "z":
            out.append([gz, e])
        elif which == "W":
            out.append([gW, e * x.T])
        elif which == "x":
            out.append([gx, W.T * e])
        elif which == "xslip":
            out.append([gx, sp.Matrix([0])])   # W (p - y): (K x n)(K x 1) does not multiply
    return out

D["d25_nabla_lecture.md"] = (r"""# Lecture 4 — softmax regression in vector form

Scores $z = W x$ with $W \in \mathbb{R}^{K \times n}$, probabilities $p = \mathrm{softmax}(z)$, loss $L = -\sum_{k=1}^{K} y_k \log p_k$ with $y$ a one-hot vector. Then

- $\nabla_z L = p - y$,
- $\nabla_W L = (p - y)\, x^\top$,
- $\nabla_x L = W^\top (p - y)$.

On the exam several people wrote $\nabla_x L = W (p - y)$.
""", [
    ("z = W x", "def", None, None),
    ("\\nabla_z L = p - y", "claim", True, lambda K: _nab(K, "z")),
    ("\\nabla_W L = (p - y)", "claim", True, lambda K: _nab(K, "W")),
    ("\\nabla_x L = W^\\top (p - y)", "claim", True, lambda K: _nab(K, "x")),
    ("\\nabla_x L = W (p - y)", "claim", False, lambda K: _nab(K, "xslip")),
])

# ---------------------------------------------------------------- d26 Hadamard, output delta
def _had(K, which):
    z, y = M("z", K, 1), M("y", K, 1)
    a = z.applyfunc(sig)
    C = sum((a[i] - y[i])**2 for i in range(K)) / 2
    g = sp.Matrix(K, 1, lambda i, j: sp.diff(C, z[i]))
    sp_ = sp.Matrix(K, 1, lambda i, j: sp.diff(sig(z[i]), z[i]))
    if which == "delta":
        return [[g, (a - y).multiply_elementwise(sp_)]]
    if which == "sp":
        return [[sp_, a.multiply_elementwise(sp.ones(K, 1) - a)]]
    if which == "slip":
        return [[g, (a - y).multiply_elementwise(a)]]

D["d26_hadamard_output_delta.md"] = (r"""In Nielsen-style notation, with $a = \sigma(z)$ applied elementwise and the quadratic cost $C = \frac{1}{2}\|a - y\|^2$, the output error is
$$\delta = \frac{\partial C}{\partial z} = (a - y) \odot \sigma'(z),$$
where $\sigma'(z) = \sigma(z) \odot (1 - \sigma(z))$. Writing $\delta = (a - y) \odot \sigma(z)$ instead is a common mistake.
""", [
    ("a = \\sigma(z)", "def", None, None),
    ("C = \\frac{1}{2}\\|a - y\\|^2", "def", None, None),
    ("= (a - y) \\odot \\sigma'(z)", "claim", True, lambda K: _had(K, "delta")),
    ("\\sigma'(z) = \\sigma(z) \\odot", "claim", True, lambda K: _had(K, "sp")),
    ("\\delta = (a - y) \\odot \\sigma(z)$", "claim", False, lambda K: _had(K, "slip")),
])

# ---------------------------------------------------------------- d27 softmax worked numbers
_e = [exp(1), exp(2), exp(3)]
_p = [v / sum(_e) for v in _e]
D["d27_softmax_numbers.md"] = (r"""### A worked softmax example

Take logits $z = (1, 2, 3)$. Then $\sum_k e^{z_k} = e + e^2 + e^3 \approx 30.19$, and

$$p_1 \approx 0.0900, \quad p_2 \approx 0.2447, \quad p_3 \approx 0.6652.$$

With the true class 3 the cross-entropy is $L = -\log p_3 \approx 0.4076$. The gradient is $p - y$:
$\frac{\partial L}{\partial z_3} = p_3 - 1 \approx -0.3348$, while $\frac{\partial L}{\partial z_1} \approx -0.0900$ (this one should be positive).
""", [
    ("\\approx 30.19", "approx", True, lambda K: [(sum(_e), Q(3019, 100), 2)]),
    ("p_1 \\approx 0.0900", "approx", True, lambda K: [(_p[0], Q(900, 10000), 4), (_p[1], Q(2447, 10000), 4), (_p[2], Q(6652, 10000), 4)]),
    ("-\\log p_3 \\approx 0.4076", "approx", True, lambda K: [(-log(_p[2]), Q(4076, 10000), 4)]),
    ("\\partial z_3} = p_3 - 1$", "claim", True, lambda K: (lambda z: [[sp.diff(-log(softmax(z)[2]), z[2]), softmax(z)[2] - 1]])(V("z", 3))),
    ("p_3 - 1 \\approx -0.3348", "approx", True, lambda K: [(_p[2] - 1, Q(-3348, 10000), 4)]),
    ("z_1} \\approx -0.0900", "approx", False, lambda K: [(_p[0], Q(-900, 10000), 4)]),
])

# ---------------------------------------------------------------- d28 tanh numbers
D["d28_tanh_numbers.md"] = (r"""Quick check in the notebook: $\tanh(0.5) \approx 0.4621$, so the local gradient is $1 - \tanh^2(0.5) \approx 0.7864$. My first cell printed $1 - \tanh^2(0.5) \approx 0.7868$ because of a stale variable.
""", [
    ("\\tanh(0.5) \\approx 0.4621", "approx", True, lambda K: [(tanh(Q(1, 2)), Q(4621, 10000), 4)]),
    ("\\approx 0.7864", "approx", True, lambda K: [(1 - tanh(Q(1, 2))**2, Q(7864, 10000), 4)]),
    ("\\approx 0.7868", "approx", False, lambda K: [(1 - tanh(Q(1, 2))**2, Q(7868, 10000), 4)]),
])

# ---------------------------------------------------------------- d29 soft targets, sum stated in prose before
def _soft(K, which):
    z, t = V("z", K), V("t", K)
    p = softmax(z)
    L = -sum(t[k] * log(p[k]) for k in range(K))
    if which == "general":
        return [[sp.diff(L, z[k]), p[k] * sum(t) - t[k]] for k in range(K)]
    sub = {t[-1]: 1 - sum(t[:-1])}
    if which == "cond":
        return [[sp.diff(L, z[k]).subs(sub), (p[k] - t[k]).subs(sub)] for k in range(K)]
    if which == "slip":
        return [[sp.diff(L, z[k]).subs(sub), (t[k] - p[k]).subs(sub)] for k in range(K)]

D["d29_soft_targets_prose.md"] = (r"""## Label smoothing

With label smoothing the target $t$ is no longer one-hot, but it is still a probability distribution: its entries are non-negative and sum to one. For $p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$ and $L = -\sum_{k=1}^{K} t_k \log p_k$,
$$\frac{\partial L}{\partial z_k} = p_k \sum_{j=1}^{K} t_j - t_k,$$
which is $\frac{\partial L}{\partial z_k} = p_k - t_k$ as before. (Not $\frac{\partial L}{\partial z_k} = t_k - p_k$.)
""", [
    ("p_k = \\frac", "def", None, None),
    ("L = -\\sum_{k=1}^{K} t_k", "def", None, None),
    ("\\sum_{j=1}^{K} t_j - t_k", "claim", True, lambda K: _soft(K, "general")),
    ("\\partial z_k} = p_k - t_k$", "claim", True, lambda K: _soft(K, "cond")),
    ("= t_k - p_k", "claim", False, lambda K: _soft(K, "slip")),
])

# ---------------------------------------------------------------- d30 least squares, norm
def _ls2(K, f):
    n, d = K + 1, 2
    X, w, y = M("X", n, d), M("w", d, 1), M("y", n, 1)
    r = X * w - y
    L = sum(v**2 for v in r) / (2 * n)
    g = sp.Matrix(d, 1, lambda i, j: sp.diff(L, w[i]))
    return [[g, f(n) * X.T * r]]

D["d30_least_squares_norm.md"] = (r"""For linear regression with $n$ examples, $L(w) = \frac{1}{2n}\|Xw - y\|^2$ and
$$\nabla_w L = \frac{1}{n} X^\top (Xw - y).$$
Setting it to zero gives the normal equations. Without the half in front one would get $\nabla_w L = \frac{2}{n} X^\top (Xw - y)$; with it, that is wrong.
""", [
    ("L(w) = \\frac{1}{2n}", "def", None, None),
    ("= \\frac{1}{n} X^\\top", "claim", True, lambda K: _ls2(K, lambda n: Q(1, n))),
    ("= \\frac{2}{n} X^\\top", "claim", False, lambda K: _ls2(K, lambda n: Q(2, n))),
])
