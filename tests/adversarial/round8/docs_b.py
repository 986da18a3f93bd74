"""Round-8 documents, part B (lecture notes, index-heavy): see docs_a.py for the item format."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}
x_ = sp.Symbol("x", real=True)


# ---------------------------------------------------------------- e11 attention scores, index form, \text in sub
def _e11(K, which):
    n, m, d = 2, K, 2
    Qm, Km = M("Q", n, d), M("K", m, d)
    s = [[sum(Qm[i, a] * Km[j, a] for a in range(d)) / sqrt(d) for j in range(m)] for i in range(n)]
    out = []
    for i in range(n):
        for j in range(m):
            for b in range(d):
                if which == "q":
                    out.append([sp.diff(s[i][j], Qm[i, b]), Km[j, b] / sqrt(d)])
                elif which == "qslip":
                    out.append([sp.diff(s[i][j], Qm[i, b]), Km[j, b]])
                elif which == "k":
                    out.append([sp.diff(s[i][j], Km[j, b]), Qm[i, b] / sqrt(d)])
    return out


def _e11a(K, which):
    S = V("s", K)
    a = softmax(S)
    return over(K, "jk", lambda dd: [sp.diff(a[dd["j"]], S[dd["k"]]),
                                     a[dd["j"]] * (delta(dd["j"], dd["k"]) - a[dd["k"]]) if which == "ok"
                                     else a[dd["j"]] * (delta(dd["j"], dd["k"]) - a[dd["j"]])])

D["e11_attention_scores_notes.md"] = (r"""## Scaled dot-product attention (notes, week 9)

Scores between query $i$ and key $j$, with head dimension $d$:

$$s_{ij} = \frac{1}{\sqrt{d}} \sum_{a=1}^{d} Q_{ia} K_{ja}, \qquad \alpha_{ij} = \frac{e^{s_{ij}}}{\sum_{l} e^{s_{il}}} .$$

Derivatives of the scores:
$$\frac{\partial s_{ij}}{\partial Q_{ib}} = \frac{K_{jb}}{\sqrt{d}}, \qquad \frac{\partial s_{ij}}{\partial K_{jb}} = \frac{Q_{ib}}{\sqrt{d}} .$$
(The version on the slides, $\frac{\partial s_{ij}}{\partial Q_{ib}} = K_{jb}$, forgot the scaling.)

Within one row $i$ the weights are a softmax of the scores, so
$$\frac{\partial \alpha_{ij}}{\partial s_{ik}} = \alpha_{ij}\left(\delta_{jk} - \alpha_{ik}\right),$$
not $\frac{\partial \alpha_{ij}}{\partial s_{ik}} = \alpha_{ij}\left(\delta_{jk} - \alpha_{ij}\right)$.
""", [
    ("s_{ij} = \\frac{1}{\\sqrt{d}}", "def", None, None),
    ("= \\frac{K_{jb}}{\\sqrt{d}}", "claim", True, lambda K: _e11(K, "q")),
    ("= \\frac{Q_{ib}}{\\sqrt{d}}", "claim", True, lambda K: _e11(K, "k")),
    ("= K_{jb}$", "claim", False, lambda K: _e11(K, "qslip")),
    ("\\left(\\delta_{jk} - \\alpha_{ik}\\right)", "claim", True, lambda K: _e11a(K, "ok")),
    ("\\left(\\delta_{jk} - \\alpha_{ij}\\right)", "claim", False, lambda K: _e11a(K, "slip")),
])


# ---------------------------------------------------------------- e12 ridge regression, \|w\|^2, batch mean
def _e12(K, which):
    N, dd = K, 2
    w, y = V("w", dd), V("y", N)
    X = M("x", N, dd)
    lam = sp.Symbol("lambda", positive=True)
    r = [sum(w[k] * X[n, k] for k in range(dd)) - y[n] for n in range(N)]
    J = sum(v**2 for v in r) / (2 * N) + lam / 2 * sum(v**2 for v in w)
    out = []
    for i in range(dd):
        g = sum(r[n] * X[n, i] for n in range(N))
        rhs = {"ok": g / N + lam * w[i], "noN": g + lam * w[i], "twolam": g / N + 2 * lam * w[i]}[which]
        out.append([sp.diff(J, w[i]), rhs])
    return out

D["e12_ridge_blog.md"] = (r"""# Ridge regression from scratch

Our objective averages the squared error over the $N$ training pairs and adds an $L_2$ penalty:

$$J(w) = \frac{1}{2N}\sum_{n=1}^{N}\Big(\sum_{k} w_k x_{nk} - y_n\Big)^2 + \frac{\lambda}{2}\|w\|^2 .$$

Taking the derivative coordinate by coordinate,

$$\frac{\partial J}{\partial w_i} = \frac{1}{N}\sum_{n=1}^{N}\Big(\sum_{k} w_k x_{nk} - y_n\Big)x_{ni} + \lambda w_i .$$

Note the penalty contributes $\lambda w_i$, not $2\lambda w_i$: the $\frac{1}{2}$ is there exactly to cancel the two. So $\frac{\partial J}{\partial w_i} = \frac{1}{N}\sum_{n=1}^{N}\Big(\sum_{k} w_k x_{nk} - y_n\Big)x_{ni} + 2\lambda w_i$ is wrong, and so is the version without the average, $\frac{\partial J}{\partial w_i} = \sum_{n=1}^{N}\Big(\sum_{k} w_k x_{nk} - y_n\Big)x_{ni} + \lambda w_i$.
""", [
    ("J(w) = \\frac{1}{2N}", "def", None, None),
    ("x_{ni} + \\lambda w_i .", "claim", True, lambda K: _e12(K, "ok")),
    ("+ 2\\lambda w_i$", "claim", False, lambda K: _e12(K, "twolam")),
    ("= \\sum_{n=1}^{N}\\Big(", "claim", False, lambda K: _e12(K, "noN")),
])


# ---------------------------------------------------------------- e13 batch mean of softmax CE, rows one-hot
def _e13(K, which):
    N = 2
    Z = M("z", N, K)
    P = [softmax([Z[n, k] for k in range(K)]) for n in range(N)]
    out = []
    for c0 in range(K):
        for c1 in range(K):
            T = [[delta(k, c) for k in range(K)] for c in (c0, c1)]
            L = -sum(T[n][k] * log(P[n][k]) for n in range(N) for k in range(K)) / N
            for n in range(N):
                for k in range(K):
                    rhs = (P[n][k] - T[n][k]) / N if which == "ok" else P[n][k] - T[n][k]
                    out.append([sp.diff(L, Z[n, k]), rhs])
    return out

D["e13_batch_ce_lecture.md"] = (r"""**Mini-batch cross-entropy.** For a batch of $N$ examples with logits $z_{nk}$,

$$p_{nk} = \frac{e^{z_{nk}}}{\sum_{j} e^{z_{nj}}}, \qquad L = -\frac{1}{N}\sum_{n=1}^{N}\sum_{k} t_{nk}\log p_{nk}.$$

Each row $t_{n\cdot}$ of the targets is one-hot. Then

$$\frac{\partial L}{\partial z_{nk}} = \frac{1}{N}\left(p_{nk} - t_{nk}\right).$$

Implementations that sum rather than average the batch loss get $\frac{\partial L}{\partial z_{nk}} = p_{nk} - t_{nk}$, which is not the gradient of the $L$ above.
""", [
    ("p_{nk} = \\frac{e^{z_{nk}}}", "def", None, None),
    ("= \\frac{1}{N}\\left(p_{nk}", "claim", True, lambda K: _e13(K, "ok")),
    ("= p_{nk} - t_{nk}", "claim", False, lambda K: _e13(K, "slip")),
])


# ---------------------------------------------------------------- e14 product of sums
def _e14(K, which):
    a, b, x = V("a", K), V("b", K), V("x", K)
    f = sum(a[i] * x[i] for i in range(K)) * sum(b[j] * x[j] for j in range(K))
    out = []
    for k in range(K):
        rhs = {"ok": a[k] * sum(b[j] * x[j] for j in range(K)) + b[k] * sum(a[i] * x[i] for i in range(K)),
               "ab": a[k] * b[k], "two": 2 * a[k] * sum(b[j] * x[j] for j in range(K))}[which]
        out.append([sp.diff(f, x[k]), rhs])
    return out

D["e14_product_of_sums_qa.md"] = (r"""**Q.** What is the gradient of $f(x) = \left(\sum_i a_i x_i\right)\left(\sum_j b_j x_j\right)$?

**A.** Product rule on the two sums:
$$\frac{\partial f}{\partial x_k} = a_k \sum_j b_j x_j + b_k \sum_i a_i x_i .$$
It is tempting to differentiate each factor and multiply, $\frac{\partial f}{\partial x_k} = a_k b_k$, but that is not the product rule. Only when $a = b$ does it reduce to $2 a_k \sum_j a_j x_j$, so in general $\frac{\partial f}{\partial x_k} = 2 a_k \sum_j b_j x_j$ is false too.
""", [
    ("f(x) = \\left(\\sum_i", "def", None, None),
    ("+ b_k \\sum_i a_i x_i", "claim", True, lambda K: _e14(K, "ok")),
    ("= a_k b_k", "claim", False, lambda K: _e14(K, "ab")),
    ("= 2 a_k \\sum_j b_j x_j", "claim", False, lambda K: _e14(K, "two")),
])


# ---------------------------------------------------------------- e15 evaluation bars \left. \right|
D["e15_evaluation_bars.md"] = (r"""A few values worth memorising:

$$\left.\frac{d}{dx}\sigma(x)\right|_{x=0} = \frac{1}{4}, \qquad \left.\frac{d}{dx}\tanh(x)\right|_{x=0} = 1 .$$

A common misremembering is $\left.\frac{d}{dx}\tanh(x)\right|_{x=0} = \frac{1}{2}$.
""", [
    ("\\sigma(x)\\right|_{x=0} = \\frac{1}{4}", "claim", True, lambda K: [[sp.diff(sig(x_), x_).subs(x_, 0), Q(1, 4)]]),
    ("\\tanh(x)\\right|_{x=0} = 1", "claim", True, lambda K: [[sp.diff(tanh(x_), x_).subs(x_, 0), 1]]),
    ("= \\frac{1}{2}", "claim", False, lambda K: [[sp.diff(tanh(x_), x_).subs(x_, 0), Q(1, 2)]]),
])


# ---------------------------------------------------------------- e16 softplus with primes
_sp = log(1 + exp(x_))

D["e16_softplus_primes.md"] = (r"""The softplus $f(x) = \log(1 + e^{x})$ is a smooth ReLU. Its derivatives are
$f'(x) = \sigma(x)$ and $f''(x) = \sigma(x)\left(1 - \sigma(x)\right)$; in particular $f''$ is positive, so $f$ is convex. (Not $f''(x) = \sigma(x)^2$.)
""", [
    ("f(x) = \\log(1 + e^{x})", "def", None, None),
    ("f'(x) = \\sigma(x)", "claim", True, lambda K: [[sp.diff(_sp, x_), sig(x_)]]),
    ("f''(x) = \\sigma(x)\\left(1", "claim", True, lambda K: [[sp.diff(_sp, x_, 2), sig(x_) * (1 - sig(x_))]]),
    ("f''(x) = \\sigma(x)^2", "claim", False, lambda K: [[sp.diff(_sp, x_, 2), sig(x_)**2]]),
])


# ---------------------------------------------------------------- e17 hat / tilde names
w_, b_ = sp.symbols("w b", real=True)
_yh = sig(w_ * x_ + b_)

D["e17_hat_tilde_names.md"] = (r"""Let the pre-activation be $\tilde z = w x + b$ and the prediction $\hat y = \sigma(\tilde z)$. Since $\sigma' = \sigma(1-\sigma)$,

$$\frac{\partial \hat y}{\partial w} = \hat y\,(1 - \hat y)\, x, \qquad \frac{\partial \hat y}{\partial b} = \hat y\,(1 - \hat y).$$

Careful: $\frac{\partial \hat y}{\partial w} = \hat y\,(1 - \hat y)$ drops the input.
""", [
    ("\\tilde z = w x + b", "def", None, None),
    ("\\hat y = \\sigma(\\tilde z)", "def", None, None),
    ("= \\hat y\\,(1 - \\hat y)\\, x", "claim", True, lambda K: [[sp.diff(_yh, w_), _yh * (1 - _yh) * x_]]),
    ("\\frac{\\partial \\hat y}{\\partial b} = \\hat y\\,(1 - \\hat y)", "claim", True, lambda K: [[sp.diff(_yh, b_), _yh * (1 - _yh)]]),
    ("\\frac{\\partial \\hat y}{\\partial w} = \\hat y\\,(1 - \\hat y)$", "claim", False, lambda K: [[sp.diff(_yh, w_), _yh * (1 - _yh)]]),
])


# ---------------------------------------------------------------- e18 [l] superscripts with subscripts
def _e18(K, which):
    W, a, bb = M("W", K, K), V("a", K), V("b", K)
    z = [sum(W[j, k] * a[k] for k in range(K)) + bb[j] for j in range(K)]
    A = [sig(v) for v in z]
    out = []
    for j in range(K):
        for k in range(K):
            if which == "aw":
                out.append([sp.diff(A[j], W[j, k]), dsig(z[j]) * a[k]])
            elif which == "awslip":
                out.append([sp.diff(A[j], W[j, k]), dsig(z[j]) * a[j]])
            elif which == "za":
                out.append([sp.diff(z[j], a[k]), W[j, k]])
            elif which == "zaslip":
                out.append([sp.diff(z[j], a[k]), W[k, j]])
    return out


def dsig(u):
    return sig(u) * (1 - sig(u))

D["e18_bracket_layer_superscripts.md"] = (r"""### Notation (as in the course)

Layer $l$ computes $z^{[l]}_j = \sum_k W^{[l]}_{jk}\, a^{[l-1]}_k + b^{[l]}_j$ and $a^{[l]}_j = \sigma\big(z^{[l]}_j\big)$.

Then
$$\frac{\partial a^{[l]}_j}{\partial W^{[l]}_{jk}} = \sigma'\big(z^{[l]}_j\big)\, a^{[l-1]}_k, \qquad \frac{\partial z^{[l]}_j}{\partial a^{[l-1]}_k} = W^{[l]}_{jk}.$$

Two slips seen in the homework: $\frac{\partial a^{[l]}_j}{\partial W^{[l]}_{jk}} = \sigma'\big(z^{[l]}_j\big)\, a^{[l-1]}_j$ (wrong index on the input) and $\frac{\partial z^{[l]}_j}{\partial a^{[l-1]}_k} = W^{[l]}_{kj}$ (transposed).
""", [
    ("z^{[l]}_j = \\sum_k", "def", None, None),
    ("a^{[l]}_j = \\sigma", "def", None, None),
    ("\\big)\\, a^{[l-1]}_k", "claim", True, lambda K: _e18(K, "aw")),
    ("= W^{[l]}_{jk}.", "claim", True, lambda K: _e18(K, "za")),
    ("\\, a^{[l-1]}_j$", "claim", False, lambda K: _e18(K, "awslip")),
    ("= W^{[l]}_{kj}", "claim", False, lambda K: _e18(K, "zaslip")),
])


# ---------------------------------------------------------------- e19 (l) superscripts, W_{ij}^{(l)}
def _e19(K, which):
    W, a = M("W", K, K), V("a", K)
    z = [sum(W[i, j] * a[j] for j in range(K)) for i in range(K)]
    out = []
    for i in range(K):
        for j in range(K):
            if which == "w":
                out.append([sp.diff(z[i], W[i, j]), a[j]])
            elif which == "a":
                out.append([sp.diff(z[i], a[j]), W[i, j]])
            elif which == "aslip":
                out.append([sp.diff(z[i], a[j]), W[j, i]])
    return out

D["e19_paren_layer_superscripts.md"] = (r"""In the notation of the backpropagation handout, $z_i^{(l+1)} = \sum_{j} W_{ij}^{(l)} a_j^{(l)}$ (biases omitted). Hence $\frac{\partial z_i^{(l+1)}}{\partial W_{ij}^{(l)}} = a_j^{(l)}$ and $\frac{\partial z_i^{(l+1)}}{\partial a_j^{(l)}} = W_{ij}^{(l)}$. The handout's typo $\frac{\partial z_i^{(l+1)}}{\partial a_j^{(l)}} = W_{ji}^{(l)}$ has been reported.
""", [
    ("z_i^{(l+1)} = \\sum_{j}", "def", None, None),
    ("= a_j^{(l)}", "claim", True, lambda K: _e19(K, "w")),
    ("= W_{ij}^{(l)}", "claim", True, lambda K: _e19(K, "a")),
    ("= W_{ji}^{(l)}", "claim", False, lambda K: _e19(K, "aslip")),
])


# ---------------------------------------------------------------- e20 d written for the partial
def _e20(K, which):
    N, dd = K, 2
    w, t = V("w", dd), V("t", N)
    X = M("x", N, dd)
    r = [t[n] - sum(w[k] * X[n, k] for k in range(dd)) for n in range(N)]
    E = sum(v**2 for v in r) / 2
    return [[sp.diff(E, w[i]), (-1 if which == "ok" else 1) * sum(r[n] * X[n, i] for n in range(N))] for i in range(dd)]

D["e20_d_for_partial_notes.md"] = (r"""Old-style notes write $d$ where a partial derivative is meant. The sum-of-squares error
$$E = \frac{1}{2}\sum_{n=1}^{N}\Big(t_n - \sum_k w_k x_{nk}\Big)^2$$
has
$$\frac{dE}{dw_i} = -\sum_{n=1}^{N}\Big(t_n - \sum_k w_k x_{nk}\Big)x_{ni}$$
and the update $w_i \leftarrow w_i - \eta \frac{dE}{dw_i}$. With the sign dropped, $\frac{dE}{dw_i} = \sum_{n=1}^{N}\Big(t_n - \sum_k w_k x_{nk}\Big)x_{ni}$, the update would climb the error.
""", [
    ("E = \\frac{1}{2}\\sum", "def", None, None),
    ("\\frac{dE}{dw_i} = -\\sum", "claim", True, lambda K: _e20(K, "ok")),
    ("\\frac{dE}{dw_i} = \\sum", "claim", False, lambda K: _e20(K, "slip")),
])
