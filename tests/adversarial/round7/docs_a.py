"""Round-7 documents, part A: text + items. An item is (substring of the formula, kind, expected,
SymPy encoding). kind: def (a right definition), nac (not a claim: condition, mention, value),
claim (expected True/False), chain (expected class per side: equal numbers = equal sides),
approx (expected True/False: the decimal shown is the exact value rounded)."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}

# ---------------------------------------------------------------- d01 Q&A, softmax, aligned chains
D["d01_qa_softmax_aligned.md"] = (r"""**Answer.** Write the softmax as $p_i = \frac{e^{a_i}}{\sum_{k=1}^N e^{a_k}}$. By the quotient rule, for $i = j$,

$$
\begin{aligned}
\frac{\partial p_i}{\partial a_j} &= \frac{e^{a_i}\sum_{k=1}^N e^{a_k} - e^{a_j}e^{a_i}}{\left(\sum_{k=1}^N e^{a_k}\right)^2} \\
&= \frac{e^{a_i}}{\sum_{k=1}^N e^{a_k}} \cdot \frac{\sum_{k=1}^N e^{a_k} - e^{a_j}}{\sum_{k=1}^N e^{a_k}} \\
&= p_i(1 - p_j)
\end{aligned}
$$

and for $i \neq j$,

$$
\begin{aligned}
\frac{\partial p_i}{\partial a_j} &= \frac{0 - e^{a_j}e^{a_i}}{\left(\sum_{k=1}^N e^{a_k}\right)^2} \\
&= -p_j p_i
\end{aligned}
$$

Both cases together: $\frac{\partial p_i}{\partial a_j} = p_i(\delta_{ij} - p_j)$.
""", [
    ("p_i = \\frac{e^{a_i}}", "def", None, None),
    ("e^{a_j}e^{a_i}}{\\left", "chain", [0, 0, 0, 0], lambda K: (lambda a: over(K, "ij", lambda d: [
        sp.diff(softmax(a)[d["i"]], a[d["j"]]),
        (exp(a[d["i"]]) * sum(map(exp, a)) - exp(a[d["j"]]) * exp(a[d["i"]])) / sum(map(exp, a))**2,
        softmax(a)[d["i"]] * (sum(map(exp, a)) - exp(a[d["j"]])) / sum(map(exp, a)),
        softmax(a)[d["i"]] * (1 - softmax(a)[d["j"]])], lambda d: d["i"] == d["j"]))(V("a", K))),
    ("0 - e^{a_j}", "chain", [0, 0, 0], lambda K: (lambda a: over(K, "ij", lambda d: [
        sp.diff(softmax(a)[d["i"]], a[d["j"]]),
        -exp(a[d["j"]]) * exp(a[d["i"]]) / sum(map(exp, a))**2,
        -softmax(a)[d["j"]] * softmax(a)[d["i"]]], lambda d: d["i"] != d["j"]))(V("a", K))),
    ("p_i(\\delta_{ij} - p_j)", "claim", True, lambda K: (lambda a: over(K, "ij", lambda d: [
        sp.diff(softmax(a)[d["i"]], a[d["j"]]), softmax(a)[d["i"]] * (delta(d["i"], d["j"]) - softmax(a)[d["j"]])]))(V("a", K))),
])

# ---------------------------------------------------------------- d02 blog, CE, one-hot stated after
def _ce(K, onehot_sign=1):
    z = V("z", K)
    yh = softmax(z)
    out = []
    for c in range(K):              # y one-hot at c
        y = [delta(k, c) for k in range(K)]
        L = -sum(y[k] * log(yh[k]) for k in range(K))
        for i in range(K):
            out.append([sp.diff(L, z[i]), -sum(y[k] * (delta(k, i) - yh[i]) for k in range(K)),
                        yh[i] * sum(y) - y[i], onehot_sign * (yh[i] - y[i])])
    return out

D["d02_blog_ce_onehot_after.md"] = (r"""# Gradient of softmax cross-entropy

Let $\hat y = \mathrm{softmax}(z)$, i.e. $\hat y_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$, and take the loss $L = -\sum_{k=1}^{K} y_k \log \hat y_k$.

Then
$$\frac{\partial L}{\partial z_i} = -\sum_{k=1}^{K} y_k (\delta_{ki} - \hat y_i) = \hat y_i \sum_{k=1}^{K} y_k - y_i = \hat y_i - y_i.$$

The last step uses that the label $y$ is one-hot, so its entries sum to one.
""", [
    ("\\hat y_k = \\frac", "def", None, None),
    ("L = -\\sum_{k=1}^{K} y_k", "def", None, None),
    ("(\\delta_{ki} - \\hat y_i)", "chain", [0, 0, 0, 0], lambda K: _ce(K)),
])

# ---------------------------------------------------------------- d03 sigmoid, operatorname, sigma'
D["d03_sigmoid_operatorname.md"] = (r"""## The sigmoid and its derivative

The logistic function is $\operatorname{sigmoid}(x) = \frac{1}{1 + e^{-x}}$. A neat fact:
$$\frac{d}{dx}\operatorname{sigmoid}(x) = \operatorname{sigmoid}(x)\,(1 - \operatorname{sigmoid}(x))$$

Writing $\sigma$ for the sigmoid, $\sigma'(x) = \sigma(x)(1 - \sigma(x))$, so at the origin $\sigma'(0) = \frac{1}{4}$.

Some tutorials write $\sigma'(x) = \sigma(x)(1 + \sigma(x))$ instead, which is a sign error.
""", [
    ("\\operatorname{sigmoid}(x) = \\frac", "def", None, None),
    ("\\frac{d}{dx}\\operatorname{sigmoid}", "claim", True, lambda K: (lambda x: [[sp.diff(sig(x), x), sig(x) * (1 - sig(x))]])(sp.Symbol("x", real=True))),
    ("(1 - \\sigma(x))", "claim", True, lambda K: (lambda x: [[sp.diff(sig(x), x), sig(x) * (1 - sig(x))]])(sp.Symbol("x", real=True))),
    ("\\sigma'(0)", "claim", True, lambda K: (lambda x: [[sp.diff(sig(x), x).subs(x, 0), Q(1, 4)]])(sp.Symbol("x", real=True))),
    ("(1 + \\sigma(x))", "claim", False, lambda K: (lambda x: [[sp.diff(sig(x), x), sig(x) * (1 + sig(x))]])(sp.Symbol("x", real=True))),
])

# ---------------------------------------------------------------- d04 BCE worked numbers
D["d04_bce_worked_numbers.md"] = (r"""### Worked example: binary cross-entropy

For one example with label $y \in \{0, 1\}$ and predicted probability $\hat p = \sigma(z)$, the BCE loss is
$$\ell = -\left[y \log \hat p + (1 - y)\log(1 - \hat p)\right].$$
Its gradient with respect to the logit is
$$\frac{\partial \ell}{\partial z} = \hat p - y.$$

Take $z = 1.5$ and $y = 1$. Then $\hat p = \sigma(1.5) \approx 0.8176$, the loss is $\ell \approx 0.2041$, and the gradient is $\frac{\partial \ell}{\partial z} \approx -0.1824$.
""", [
    ("\\ell = -\\left[", "def", None, None),
    ("= \\hat p - y", "claim", True, lambda K: (lambda z, y: [[sp.diff(-(y * log(sig(z)) + (1 - y) * log(1 - sig(z))), z), sig(z) - y]])(sp.Symbol("z", real=True), sp.Symbol("y", real=True))),
    ("\\approx 0.8176", "approx", True, lambda K: [(sig(Q(3, 2)), Q(8176, 10000), 4)]),
    ("\\ell \\approx 0.2041", "approx", False, lambda K: [(-log(sig(Q(3, 2))), Q(2041, 10000), 4)]),
    ("\\approx -0.1824", "approx", True, lambda K: [(sig(Q(3, 2)) - 1, Q(-1824, 10000), 4)]),
])

# ---------------------------------------------------------------- d05 MSE, N stated after, N = 1
def _mse(K, f):
    yh, y = V("h", K), V("y", K)
    L = sum((yh[n] - y[n])**2 for n in range(K)) / K
    return over(K, "n", lambda d: [sp.diff(L, yh[d["n"]]), f(K, yh[d["n"]] - y[d["n"]])])

D["d05_mse_batch_size_after.md"] = (r"""The mean squared error over the batch is
$$\mathcal{L} = \frac{1}{N}\sum_{n=1}^{N} (\hat y_n - y_n)^2$$
so
$$\frac{\partial \mathcal{L}}{\partial \hat y_n} = \frac{2}{N}(\hat y_n - y_n)$$
where $N$ is the batch size. A common slip drops the two: $\frac{\partial \mathcal{L}}{\partial \hat y_n} = \frac{1}{N}(\hat y_n - y_n)$.
For a single example ($N = 1$) the gradient is just $2(\hat y_n - y_n)$.
""", [
    ("\\mathcal{L} = \\frac{1}{N}", "def", None, None),
    ("= \\frac{2}{N}", "claim", True, lambda K: _mse(K, lambda N, e: 2 * e / N)),
    ("= \\frac{1}{N}(\\hat", "claim", False, lambda K: _mse(K, lambda N, e: e / N)),
])

# ---------------------------------------------------------------- d06 linear layer, vector notation
def _lin(K, which):
    m, n = K, K + 1
    W, x, b, g = M("W", m, n), M("x", n, 1), M("b", m, 1), M("g", m, 1)
    y = W * x + b
    L = sum(g[i] * y[i] for i in range(m)) + sum(y[i]**3 for i in range(m)) / 7   # a nonlinear scalar loss
    dy = sp.Matrix(m, 1, lambda i, j: sp.diff(L, b[i]))                            # dL/dy = dL/db
    dW = sp.Matrix(m, n, lambda i, j: sp.diff(L, W[i, j]))
    dx = sp.Matrix(n, 1, lambda i, j: sp.diff(L, x[i]))
    return {"W": [[dW, dy * x.T]], "x": [[dx, W.T * dy]], "b": [[dy, dy]], "xslip": [[dx, sp.Matrix([0])]]}[which]

D["d06_linear_layer_vectors.md"] = (r"""## Backprop through a linear layer (lecture notes)

The layer computes $y = W x + b$ with $W \in \mathbb{R}^{m \times n}$, $x \in \mathbb{R}^{n}$, and the loss $L$ is a scalar. Write $\delta = \frac{\partial L}{\partial y}$ for the upstream gradient. Then

$$\frac{\partial L}{\partial W} = \delta x^T, \qquad \frac{\partial L}{\partial b} = \delta$$

and

$$\frac{\partial L}{\partial x} = W^T \delta.$$

Beware: $\frac{\partial L}{\partial x} = W \delta$ does not even type-check unless $m = n$.
""", [
    ("y = W x + b", "def", None, None),
    ("= \\delta x^T", "claim", True, lambda K: _lin(K, "W")),
    ("\\partial b} = \\delta", "claim", True, lambda K: _lin(K, "b")),
    ("= W^T \\delta", "claim", True, lambda K: _lin(K, "x")),
    ("= W \\delta", "claim", False, lambda K: _lin(K, "xslip")),
])

# ---------------------------------------------------------------- d07 tanh
D["d07_tanh_notes.md"] = (r"""### tanh units

For $a = \tanh(z)$ we have
$$\frac{d}{dz}\tanh(z) = 1 - \tanh^2(z) = \operatorname{sech}^2(z),$$
so in terms of the activation, $\frac{\partial a}{\partial z} = 1 - a^2$.
(An earlier version of these notes had $\frac{\partial a}{\partial z} = 1 + a^2$; that was a typo.)
""", [
    ("\\tanh^2(z)", "chain", [0, 0, 0], lambda K: (lambda z: [[sp.diff(tanh(z), z), 1 - tanh(z)**2, sp.sech(z)**2]])(sp.Symbol("z", real=True))),
    ("= 1 - a^2", "claim", True, lambda K: (lambda z: [[sp.diff(tanh(z), z), 1 - tanh(z)**2]])(sp.Symbol("z", real=True))),
    ("= 1 + a^2", "claim", False, lambda K: (lambda z: [[sp.diff(tanh(z), z), 1 + tanh(z)**2]])(sp.Symbol("z", real=True))),
])

# ---------------------------------------------------------------- d08 log-softmax
def _ls(K, f, cond=None):
    z = V("z", K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(z[d["i"]] - log(sum(map(exp, z))), z[d["j"]]), f(p, d)], cond)

D["d08_log_softmax_lecture.md"] = (r"""# Lecture 6: log-softmax

Define the log-softmax $\ell_i = z_i - \log \sum_{j=1}^{K} e^{z_j}$ and the softmax $p_j = \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}$. Differentiating,
$$\frac{\partial \ell_i}{\partial z_j} = \delta_{ij} - p_j.$$
In particular $\frac{\partial \ell_i}{\partial z_i} = 1 - p_i$, and for $j \neq i$ the students' answer $\frac{\partial \ell_i}{\partial z_j} = -p_i$ is wrong.
""", [
    ("\\ell_i = z_i", "def", None, None),
    ("p_j = \\frac", "def", None, None),
    ("= \\delta_{ij} - p_j", "claim", True, lambda K: _ls(K, lambda p, d: delta(d["i"], d["j"]) - p[d["j"]])),
    ("= 1 - p_i", "claim", True, lambda K: _ls(K, lambda p, d: 1 - p[d["i"]], lambda d: d["i"] == d["j"])),
    ("= -p_i", "claim", False, lambda K: _ls(K, lambda p, d: -p[d["i"]], lambda d: d["i"] != d["j"])),
])

# ---------------------------------------------------------------- d09 centering + variance
def _cent(K, which):
    x = V("x", K)
    mu = sum(x) / K
    v = sum((xn - mu)**2 for xn in x) / K
    if which == "mu":
        return over(K, "j", lambda d: [sp.diff(mu, x[d["j"]]), Q(1, K)])
    if which == "xh":
        return over(K, "ij", lambda d: [sp.diff(x[d["i"]] - mu, x[d["j"]]), delta(d["i"], d["j"]) - Q(1, K)])
    if which == "slip":
        return over(K, "ij", lambda d: [sp.diff(x[d["i"]] - mu, x[d["j"]]), delta(d["i"], d["j"]) - mu])
    if which == "v":
        return over(K, "j", lambda d: [sp.diff(v, x[d["j"]]), Q(2, K) * (x[d["j"]] - mu)])

D["d09_centering_variance.md"] = (r"""## Layer norm, step 1: centering

With $\mu = \frac{1}{N}\sum_{n=1}^{N} x_n$ and $\bar x_i = x_i - \mu$,
$$\frac{\partial \mu}{\partial x_j} = \frac{1}{N}, \qquad \frac{\partial \bar x_i}{\partial x_j} = \delta_{ij} - \frac{1}{N}.$$
(Not $\frac{\partial \bar x_i}{\partial x_j} = \delta_{ij} - \mu$, as I first wrote.)

The variance $v = \frac{1}{N}\sum_{n=1}^{N} (x_n - \mu)^2$ has $\frac{\partial v}{\partial x_j} = \frac{2}{N}(x_j - \mu)$, because the $\mu$ terms sum to zero.
""", [
    ("\\mu = \\frac{1}{N}", "def", None, None),
    ("\\bar x_i = x_i - \\mu", "def", None, None),
    ("\\frac{\\partial \\mu}{\\partial x_j} = \\frac{1}{N}", "claim", True, lambda K: _cent(K, "mu")),
    ("\\delta_{ij} - \\frac{1}{N}", "claim", True, lambda K: _cent(K, "xh")),
    ("\\delta_{ij} - \\mu", "claim", False, lambda K: _cent(K, "slip")),
    ("v = \\frac{1}{N}", "def", None, None),
    ("= \\frac{2}{N}(x_j - \\mu)", "claim", True, lambda K: _cent(K, "v")),
])

# ---------------------------------------------------------------- d10 attention scores, index form
def _att(K, which):
    dd = K
    q = V("q", dd)
    kk = [V(f"k{j}_", dd) for j in range(2)]
    s = [sum(q[m] * kk[j][m] for m in range(dd)) / sqrt(dd) for j in range(2)]
    a = softmax(s)
    if which == "ds":
        return [[sp.diff(s[j], q[m]), kk[j][m] / sqrt(dd)] for j in range(2) for m in range(dd)]
    if which == "slip":
        return [[sp.diff(s[j], q[m]), kk[j][m] / dd] for j in range(2) for m in range(dd)]
    if which == "da":
        return [[sp.diff(a[i], s[j]) if False else sp.diff(softmax(V("s", 2))[i], V("s", 2)[j]),
                 softmax(V("s", 2))[i] * (delta(i, j) - softmax(V("s", 2))[j])] for i in range(2) for j in range(2)]

D["d10_attention_scores.md"] = (r"""### Scaled dot-product attention, one query

The score of key $j$ is $s_j = \frac{1}{\sqrt{d}}\sum_{m=1}^{d} q_m k_{jm}$ and the weights are $\alpha_i = \frac{e^{s_i}}{\sum_{j} e^{s_j}}$.

$$\frac{\partial s_j}{\partial q_m} = \frac{k_{jm}}{\sqrt{d}}$$

and, as for any softmax, $\frac{\partial \alpha_i}{\partial s_j} = \alpha_i(\delta_{ij} - \alpha_j)$.
Forgetting the square root gives $\frac{\partial s_j}{\partial q_m} = \frac{k_{jm}}{d}$, which is off by a factor $\sqrt{d}$.
""", [
    ("s_j = \\frac{1}{\\sqrt{d}}", "def", None, None),
    ("\\alpha_i = \\frac", "def", None, None),
    ("= \\frac{k_{jm}}{\\sqrt{d}}", "claim", True, lambda K: _att(K, "ds")),
    ("\\alpha_i(\\delta_{ij}", "claim", True, lambda K: _att(K, "da")),
    ("= \\frac{k_{jm}}{d}", "claim", False, lambda K: _att(K, "slip")),
])
