"""Round-7 documents, part D (see docs_a.py for the item format)."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}

# ---------------------------------------------------------------- d31 temperature T (not a transpose)
def _temp(K, f):
    z = V("z", K)
    T = sp.Symbol("T", positive=True)
    p = softmax([v / T for v in z])
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(T) * p[d["i"]] * (delta(d["i"], d["j"]) - p[d["j"]])])

D["d31_temperature_T.md"] = (r"""### Distillation with temperature

The softened probabilities are $p_i = \frac{e^{z_i / T}}{\sum_{j=1}^{K} e^{z_j / T}}$ with temperature $T > 0$. Their Jacobian is
$$\frac{\partial p_i}{\partial z_j} = \frac{1}{T}\, p_i (\delta_{ij} - p_j),$$
which is why Hinton et al. multiply the soft loss by $T^2$. A student wrote $\frac{\partial p_i}{\partial z_j} = T\, p_i (\delta_{ij} - p_j)$.
""", [
    ("p_i = \\frac{e^{z_i / T}}", "def", None, None),
    ("= \\frac{1}{T}\\, p_i", "claim", True, lambda K: _temp(K, lambda T: 1 / T)),
    ("= T\\, p_i", "claim", False, lambda K: _temp(K, lambda T: T)),
])

# ---------------------------------------------------------------- d32 align + \tag BCE chain
def _bcechain(K, last):
    z, y = sp.Symbol("z", real=True), sp.Symbol("y", real=True)
    p = sig(z)
    l = -(y * log(p) + (1 - y) * log(1 - p))
    return [[sp.diff(l, z), (-y / p + (1 - y) / (1 - p)) * p * (1 - p), -y * (1 - p) + (1 - y) * p, last(p, y)]]

D["d32_align_tag_bce.md"] = (r"""Let $\hat p = \sigma(z)$ and $\ell = -y\log\hat p - (1 - y)\log(1 - \hat p)$. Using $\frac{d\hat p}{dz} = \hat p(1 - \hat p)$:

\begin{align}
\frac{\partial \ell}{\partial z} &= \left(-\frac{y}{\hat p} + \frac{1 - y}{1 - \hat p}\right)\hat p(1 - \hat p) \tag{4}\\
&= -y(1 - \hat p) + (1 - y)\hat p \\
&= \hat p - y \tag{5}
\end{align}
""", [
    ("\\hat p = \\sigma(z)", "def", None, None),
    ("\\ell = -y\\log", "def", None, None),
    ("\\frac{d\\hat p}{dz} = \\hat p(1 - \\hat p)", "claim", True, lambda K: (lambda z: [[sp.diff(sig(z), z), sig(z) * (1 - sig(z))]])(sp.Symbol("z", real=True))),
    ("&= -y(1 - \\hat p)", "chain", [0, 0, 0, 0], lambda K: _bcechain(K, lambda p, y: p - y)),
])

# ---------------------------------------------------------------- d33 slipped eqnarray chain (MSE + sigmoid)
D["d33_eqnarray_mse_sigmoid_slip.md"] = (r"""With $\hat p = \sigma(z)$ and the squared error $\ell = \frac{1}{2}(\hat p - y)^2$:

\begin{eqnarray}
\frac{\partial \ell}{\partial z} &=& (\hat p - y)\,\hat p (1 - \hat p) \\
&=& \hat p - y
\end{eqnarray}

The second line is wrong: the factor $\hat p(1 - \hat p)$ does not cancel for the squared error.
""", [
    ("\\hat p = \\sigma(z)", "def", None, None),
    ("\\ell = \\frac{1}{2}", "def", None, None),
    ("&=& \\hat p - y", "chain", [0, 0, 1], lambda K: (lambda z, y: [[sp.diff((sig(z) - y)**2 / 2, z), (sig(z) - y) * sig(z) * (1 - sig(z)), sig(z) - y]])(sp.Symbol("z", real=True), sp.Symbol("y", real=True))),
])

# ---------------------------------------------------------------- d34 layer norm full
def _lnorm(K, slip):
    x = V("x", K)
    eps = sp.Symbol("epsilon", positive=True)
    mu = sum(x) / K
    v = sum((xn - mu)**2 for xn in x) / K
    s = sqrt(v + eps)
    xh = [(xn - mu) / s for xn in x]
    c = 1 if slip else Q(1, K)
    return over(K, "ij", lambda d: [sp.diff(xh[d["i"]], x[d["j"]]),
                                    (delta(d["i"], d["j"]) - Q(1, K) - c * xh[d["i"]] * xh[d["j"]]) / s])

D["d34_layer_norm_jacobian.md"] = (r"""## Layer normalisation backward

Let $\mu = \frac{1}{N}\sum_{n=1}^{N} x_n$, $v = \frac{1}{N}\sum_{n=1}^{N}(x_n - \mu)^2$ and $\hat x_i = \frac{x_i - \mu}{\sqrt{v + \epsilon}}$. A page of algebra gives
$$\frac{\partial \hat x_i}{\partial x_j} = \frac{1}{\sqrt{v + \epsilon}}\left(\delta_{ij} - \frac{1}{N} - \frac{\hat x_i \hat x_j}{N}\right).$$
The blog post I started from had $\frac{\partial \hat x_i}{\partial x_j} = \frac{1}{\sqrt{v + \epsilon}}\left(\delta_{ij} - \frac{1}{N} - \hat x_i \hat x_j\right)$, missing the $\frac{1}{N}$ on the last term.
""", [
    ("\\mu = \\frac{1}{N}", "def", None, None),
    ("v = \\frac{1}{N}", "def", None, None),
    ("\\hat x_i = \\frac{x_i - \\mu}", "def", None, None),
    ("\\frac{\\hat x_i \\hat x_j}{N}", "claim", True, lambda K: _lnorm(K, False)),
    ("- \\hat x_i \\hat x_j\\right)", "claim", False, lambda K: _lnorm(K, True)),
])

# ---------------------------------------------------------------- d35 attention matrices
def _attm(K, which):
    n, m, d = K, K + 1, 2
    Q_, Km = M("Q", n, d), M("K", m, d)
    S = Q_ * Km.T / sqrt(d)
    C = M("c", n, m)
    Ss = M("S", n, m)
    Ls = sum(C[i, j] * Ss[i, j]**2 for i in range(n) for j in range(m)) + Ss[0, 0] * Ss[n - 1, m - 1]
    sub = {Ss[i, j]: S[i, j] for i in range(n) for j in range(m)}
    G = sp.Matrix(n, m, lambda i, j: sp.diff(Ls, Ss[i, j])).subs(sub)
    L = Ls.subs(sub)
    dQ = sp.Matrix(n, d, lambda i, j: sp.diff(L, Q_[i, j]))
    dK = sp.Matrix(m, d, lambda i, j: sp.diff(L, Km[i, j]))
    if which == "Q":
        return [[dQ, G * Km / sqrt(d)]]
    if which == "K":
        return [[dK, G.T * Q_ / sqrt(d)]]
    if which == "Kslip":
        return [[dK, sp.Matrix([0])]]   # G Q: (n x m)(n x d) does not multiply for m != n

D["d35_attention_matrix_grads.md"] = (r"""### Backward pass of the attention scores

With $Q \in \mathbb{R}^{n \times d}$, $K \in \mathbb{R}^{m \times d}$ and $S = \frac{Q K^\top}{\sqrt{d}}$, let $G = \frac{\partial L}{\partial S}$ for a scalar loss $L$. Then
$$\frac{\partial L}{\partial Q} = \frac{1}{\sqrt{d}}\, G K, \qquad \frac{\partial L}{\partial K} = \frac{1}{\sqrt{d}}\, G^\top Q.$$
(Some implementations I reviewed computed $\frac{\partial L}{\partial K} = \frac{1}{\sqrt{d}}\, G Q$, which only runs when $n = m$.)
""", [
    ("S = \\frac{Q K^\\top}", "def", None, None),
    ("\\, G K", "claim", True, lambda K: _attm(K, "Q")),
    ("G^\\top Q", "claim", True, lambda K: _attm(K, "K")),
    ("\\, G Q$", "claim", False, lambda K: _attm(K, "Kslip")),
])

# ---------------------------------------------------------------- d36 notebook markdown, \large \color \displaystyle
def _nb(K, which):
    w, b, x, y = (sp.Symbol(s, real=True) for s in "wbxy")
    yh = sig(w * x + b)
    J = -(y * log(yh) + (1 - y) * log(1 - yh))
    return {"w": [[sp.diff(J, w), (yh - y) * x]], "b": [[sp.diff(J, b), yh - y]],
            "x": [[sp.diff(J, x), (yh - y) * b]]}[which]

D["d36_notebook_color_large.md"] = (r"""#### Cell 7 — gradients

Our model: $\hat y = \sigma(w x + b)$, loss $J = -y\log\hat y - (1 - y)\log(1 - \hat y)$.

$\large \frac{\partial J}{\partial w} = \color{red}{(\hat y - y)}\, x$

$\displaystyle \frac{\partial J}{\partial b} = \hat y - y$

and, for the input (used in adversarial examples), $\frac{\partial J}{\partial x} = (\hat y - y)\, b$ — **TODO: this last one looks off, check.**
""", [
    ("\\hat y = \\sigma(w x + b)", "def", None, None),
    ("J = -y\\log", "def", None, None),
    ("\\partial w} = \\color", "claim", True, lambda K: _nb(K, "w")),
    ("\\partial b} = \\hat y - y", "claim", True, lambda K: _nb(K, "b")),
    ("(\\hat y - y)\\, b", "claim", False, lambda K: _nb(K, "x")),
])

# ---------------------------------------------------------------- d37 max_j, stable log-sum-exp
def _stab(K, which):
    z = V("z", K)
    p = softmax(z)
    out = []
    for mi in range(K):         # the max is attained at position mi: substitute z values so
        m = z[mi]               # that the claim does not depend on which entry is largest
        if which == "p":
            out += [[exp(z[i] - m) / sum(exp(v - m) for v in z), p[i]] for i in range(K)]
        if which == "lse":
            out.append([log(sum(map(exp, z))), m + log(sum(exp(v - m) for v in z))])
        if which == "lseslip":
            out.append([log(sum(map(exp, z))), m - log(sum(exp(v - m) for v in z))])
    return out

D["d37_stable_max.md"] = (r"""Numerically we never compute $e^{z_i}$ directly. With $m = \max_j z_j$,
$$\frac{e^{z_i - \max_j z_j}}{\sum_{k=1}^{K} e^{z_k - \max_j z_j}} = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$$
and
$$\log\sum_{k=1}^{K} e^{z_k} = m + \log\sum_{k=1}^{K} e^{z_k - m}.$$
A reader's pull request had $\log\sum_{k=1}^{K} e^{z_k} = m - \log\sum_{k=1}^{K} e^{z_k - m}$.
""", [
    ("m = \\max_j z_j", "def", None, None),
    ("e^{z_i - \\max_j z_j}", "claim", True, lambda K: _stab(K, "p")),
    ("= m + \\log", "claim", True, lambda K: _stab(K, "lse")),
    ("= m - \\log", "claim", False, lambda K: _stab(K, "lseslip")),
])

# ---------------------------------------------------------------- d38 sum over k != i
def _neq(K, which):
    z = V("z", K)
    p = softmax(z)
    if which == "diag":
        return [[sp.diff(p[i], z[i]), p[i] * sum(p[k] for k in range(K) if k != i)] for i in range(K)]
    if which == "cross":
        return [[sum(sp.diff(p[k], z[i]) for k in range(K) if k != i), -p[i] * sum(p[k] for k in range(K) if k != i)] for i in range(K)]
    if which == "slip":
        return [[sum(p[k] for k in range(K) if k != i), p[i] - 1] for i in range(K)]

D["d38_sum_k_neq_i.md"] = (r"""Another way to see the diagonal: since the probabilities sum to one,
$$\frac{\partial p_i}{\partial z_i} = p_i \sum_{k \neq i} p_k,$$
with $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ as usual, and summing the off-diagonal column, $\sum_{k \neq i} \frac{\partial p_k}{\partial z_i} = -p_i \sum_{k \neq i} p_k$. (The line $\sum_{k \neq i} p_k = p_i - 1$ in the draft has the sign flipped.)
""", [
    ("= p_i \\sum_{k \\neq i} p_k", "claim", True, lambda K: _neq(K, "diag")),
    ("p_i = \\frac", "def", None, None),
    ("= -p_i \\sum_{k \\neq i}", "claim", True, lambda K: _neq(K, "cross")),
    ("= p_i - 1", "claim", False, lambda K: _neq(K, "slip")),
])

# ---------------------------------------------------------------- d39 generic loss through softmax
def _gen(K, which):
    z = V("z", K)
    y = softmax(z)
    Y = V("Y", K)
    c = V("c", K)
    Lg = sum(c[k] * Y[k]**3 for k in range(K)) + Y[0] * Y[-1]**2     # a stand-in for a generic L(y)
    g = [sp.diff(Lg, Y[i]).subs(dict(zip(Y, y))) for i in range(K)]
    L = Lg.subs(dict(zip(Y, y)))
    if which == "sum":
        return [[sp.diff(L, z[j]), sum(g[i] * y[i] * (delta(i, j) - y[j]) for i in range(K)),
                 y[j] * (g[j] - sum(y[i] * g[i] for i in range(K)))] for j in range(K)]
    if which == "slip":
        return [[sp.diff(L, z[j]), y[j] * (g[j] - sum(g[i] for i in range(K)))] for j in range(K)]

D["d39_generic_loss_softmax.md"] = (r"""For any loss $L = L(y_1, \dots, y_K)$ of the softmax outputs $y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$,
$$\frac{\partial L}{\partial z_j} = \sum_{i=1}^{K} \frac{\partial L}{\partial y_i}\, y_i(\delta_{ij} - y_j) = y_j\left(\frac{\partial L}{\partial y_j} - \sum_{i=1}^{K} y_i \frac{\partial L}{\partial y_i}\right).$$
Dropping the weights gives the wrong $\frac{\partial L}{\partial z_j} = y_j\left(\frac{\partial L}{\partial y_j} - \sum_{i=1}^{K} \frac{\partial L}{\partial y_i}\right)$.
""", [
    ("y_i = \\frac", "def", None, None),
    ("y_i(\\delta_{ij} - y_j) =", "chain", [0, 0, 0], lambda K: _gen(K, "sum")),
    ("- \\sum_{i=1}^{K} \\frac{\\partial L}{\\partial y_i}\\right)", "claim", False, lambda K: _gen(K, "slip")),
])

# ---------------------------------------------------------------- d40 softplus / swish, bracket derivative
def _act(K, which):
    x = sp.Symbol("x", real=True)
    return {"softplus": [[sp.diff(log(1 + exp(x)), x), sig(x)]],
            "swish": [[sp.diff(x * sig(x), x), sig(x) + x * sig(x) * (1 - sig(x))]],
            "swishslip": [[sp.diff(x * sig(x), x), sig(x) * (1 - sig(x))]],
            "sq": [[sp.diff(sig(x)**2, x), 2 * sig(x)**2 * (1 - sig(x))]]}[which]

D["d40_activations_brackets.md"] = (r"""## Activation cheat-sheet

- softplus: $\frac{d}{dx}\left[\log(1 + e^{x})\right] = \sigma(x)$
- swish: $\frac{d}{dx}\left[x\,\sigma(x)\right] = \sigma(x) + x\,\sigma(x)(1 - \sigma(x))$
- squared sigmoid: $\frac{d}{dx}\left[\sigma(x)^2\right] = 2\sigma(x)^2(1 - \sigma(x))$

(An earlier cheat-sheet listed swish as $\frac{d}{dx}\left[x\,\sigma(x)\right] = \sigma(x)(1 - \sigma(x))$, which forgets the product rule.)
""", [
    ("\\log(1 + e^{x})", "claim", True, lambda K: _act(K, "softplus")),
    ("= \\sigma(x) + x", "claim", True, lambda K: _act(K, "swish")),
    ("\\sigma(x)^2\\right]", "claim", True, lambda K: _act(K, "sq")),
    ("\\right] = \\sigma(x)(1 - \\sigma(x))", "claim", False, lambda K: _act(K, "swishslip")),
])

# ---------------------------------------------------------------- d41 W^T_{ij} entries
def _wt(K, which):
    m, n = K, K + 1
    W, x = M("W", m, n), V("x", n)
    g = V("g", m)
    y = [sum(W[i, j] * x[j] for j in range(n)) for i in range(m)]
    L = sum(g[i] * y[i] + y[i]**3 / 5 for i in range(m))
    dy = [g[i] + 3 * y[i]**2 / 5 for i in range(m)]
    if which == "ok":
        return [[sp.diff(L, x[j]), sum(W.T[j, i] * dy[i] for i in range(m))] for j in range(n)]
    if which == "slip":   # sum_i W^T_{ij} dy_i: W^T is n x m, entry (i, j) needs i < n, j < m
        return [[sp.diff(L, x[j]), sum(W.T[i, j] * dy[i] for i in range(m)) if j < m else 0] for j in range(n)]

D["d41_transpose_entries.md"] = (r"""Entrywise, with $y_i = \sum_{j} W_{ij} x_j$ for a weight matrix $W$ and $\delta_i = \frac{\partial L}{\partial y_i}$,
$$\frac{\partial L}{\partial x_j} = \sum_{i} W^T_{ji}\, \delta_i,$$
i.e. $W^T \delta$. Index order matters: $\frac{\partial L}{\partial x_j} = \sum_{i} W^T_{ij}\, \delta_i$ would be $W \delta$.
""", [
    ("y_i = \\sum_{j} W_{ij} x_j", "def", None, None),
    ("W^T_{ji}", "claim", True, lambda K: _wt(K, "ok")),
    ("W^T_{ij}\\, \\delta_i", "claim", False, lambda K: _wt(K, "slip")),
])
