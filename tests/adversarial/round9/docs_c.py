"""Round-9 documents, part C (notation: Einstein sums, \\nabla_{\\theta}, \\operatorname{diag},
\\mathbf{1}^\\top, masks, labels in {-1, +1}, a class index y beside a one-hot y_i, RMSNorm)."""
import sympy as sp
from sympy import exp, log, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over, ce_grad, jac_sm, one, dsig, x_, z_

D = {}


# ------------------------------------------------------------ c01 Einstein summation convention
def _c01(K, f):
    """z_i = sum_j W_ij x_j, L = sum_i g_i z_i + (a nonlinear part) : dL/dz_i = G_i(z)."""
    W, x = M("W", K, K), V("x", K)
    z = [sum(W[i, j] * x[j] for j in range(K)) for i in range(K)]
    # a generic loss of z: L = sum_i c_i z_i^2 + sum_i e_i z_i (enough to separate the readings)
    c, e = V("c", K), V("e", K)
    L = sum(c[i] * z[i]**2 + e[i] * z[i] for i in range(K))
    dLdz = [2 * c[i] * z[i] + e[i] for i in range(K)]
    return [[sp.diff(L, x[j]), f(dLdz, W, j)] for j in range(K)]

D["c01_einstein_backward.md"] = (r"""*Notation.* We use the Einstein summation convention throughout: an index repeated in a product is summed over $1, \dots, K$.

A linear layer is $z_i = W_{ij} x_j$, and $L$ is any loss of $z$. The backward pass through the layer is
$$\frac{\partial L}{\partial x_j} = \frac{\partial L}{\partial z_i} W_{ij} ,$$
which in matrix form is $W^\top \nabla_z L$. A frequent index slip is $\frac{\partial L}{\partial x_j} = \frac{\partial L}{\partial z_i} W_{ji}$.
""", [
    ("= \\frac{\\partial L}{\\partial z_i} W_{ij} ,", "claim", True, lambda K: _c01(K, lambda g, W, j: sum(g[i] * W[i, j] for i in range(K)))),
    ("W_{ji}", "claim", False, lambda K: _c01(K, lambda g, W, j: sum(g[i] * W[j, i] for i in range(K)))),
])


# ------------------------------------------------------------ c02 Einstein: weight gradient, no sum needed
def _c02(K, f):
    W, x = M("W", K, K), V("x", K)
    z = [sum(W[i, j] * x[j] for j in range(K)) for i in range(K)]
    c = V("c", K)
    L = sum(c[i] * z[i]**2 for i in range(K))
    g = [2 * c[i] * z[i] for i in range(K)]
    return over(K, "ij", lambda d: [sp.diff(L, W[d["i"], d["j"]]), f(g, x, d["i"], d["j"])])

D["c02_einstein_weight_grad.md"] = (r"""Summation over repeated indices is implied. For $z_i = W_{ij} x_j$ the weight gradient needs no sum:
$\frac{\partial L}{\partial W_{ij}} = \frac{\partial L}{\partial z_i} x_j$, i.e. the outer product $\nabla_z L\, x^\top$.
Writing $\frac{\partial L}{\partial W_{ij}} = \frac{\partial L}{\partial z_j} x_i$ swaps the roles of the indices.
""", [
    ("= \\frac{\\partial L}{\\partial z_i} x_j", "claim", True, lambda K: _c02(K, lambda g, x, i, j: g[i] * x[j])),
    ("= \\frac{\\partial L}{\\partial z_j} x_i", "claim", False, lambda K: _c02(K, lambda g, x, i, j: g[j] * x[i])),
])


# ------------------------------------------------------------ c03 diag(p) - p p^T
def _c03(K, f):
    z = V("z", K)
    p = softmax(z)
    J = sp.Matrix(K, K, lambda i, j: sp.diff(p[i], z[j]))
    P = sp.Matrix(p)
    return [[J, f(P)]]

D["c03_operatorname_diag.md"] = (r"""With $p = \operatorname{softmax}(z)$ the Jacobian in matrix form is
$$\frac{\partial p}{\partial z} = \operatorname{diag}(p) - p\,p^\top ,$$
symmetric, with rows summing to zero. The sign is easy to flip: $\frac{\partial p}{\partial z} = p\,p^\top - \operatorname{diag}(p)$ is wrong.
""", [
    ("= \\operatorname{diag}(p) - p\\,p^\\top", "claim", True, lambda K: _c03(K, lambda P: sp.diag(*P) - P * P.T)),
    ("= p\\,p^\\top - \\operatorname{diag}(p)", "claim", False, lambda K: _c03(K, lambda P: P * P.T - sp.diag(*P))),
])


# ------------------------------------------------------------ c04 \mathbf{1}^\top sums and means
def _c04(K, f):
    x = V("x", K)
    mu = sum(x) / K
    return [[sp.diff(mu, x[i]), f(K)] for i in range(K)]

D["c04_ones_vector_mean.md"] = (r"""Let $\mathbf{1} \in \mathbb{R}^K$ be the all-ones vector. The mean of $x \in \mathbb{R}^K$ is $\mu = \frac{1}{K}\mathbf{1}^\top x$, so every coordinate has the same influence, $\frac{\partial \mu}{\partial x_i} = \frac{1}{K}$.
(The sum $\mathbf{1}^\top x$ itself has $\frac{\partial}{\partial x_i}\,\mathbf{1}^\top x = 1$.) An early version of the note claimed $\frac{\partial \mu}{\partial x_i} = 1$.
""", [
    ("\\mu = \\frac{1}{K}\\mathbf{1}^\\top x", "def", None, None),
    ("\\frac{\\partial \\mu}{\\partial x_i} = \\frac{1}{K}", "claim", True, lambda K: _c04(K, lambda K_: sp.Rational(1, K_))),
    ("\\mathbf{1}^\\top x = 1", "claim", True, lambda K: [[sp.diff(sum(V("x", K)), V("x", K)[i]), 1] for i in range(K)]),
    ("\\frac{\\partial \\mu}{\\partial x_i} = 1", "claim", False, lambda K: _c04(K, lambda K_: 1)),
])


# ------------------------------------------------------------ c05 masked softmax, mask in {0, 1}
def _c05(K, f):
    s = V("s", K)
    out = []
    for mask in [(1,) * K, (1,) + (0,) * (K - 1), (0, 1) + (1,) * (K - 2)]:
        m = list(mask)
        S = sum(m[k] * exp(s[k]) for k in range(K))
        a = [m[k] * exp(s[k]) / S for k in range(K)]
        for i in range(K):
            for j in range(K):
                out.append([sp.diff(a[i], s[j]), f(a, m, i, j)])
    return out

D["c05_masked_softmax.md"] = (r"""**Masked attention.** With a padding mask $m_k \in \{0, 1\}$ (at least one position visible), the masked softmax is
$$a_i = \frac{m_i e^{s_i}}{\sum_{k=1}^{K} m_k e^{s_k}} .$$
Because $m_i^2 = m_i$ for a binary mask, its Jacobian can be written with or without the mask in front:
$$\frac{\partial a_i}{\partial s_j} = m_i a_i (\delta_{ij} - a_j) = a_i (\delta_{ij} - a_j) .$$
A masked position gets no gradient: for $m_j = 0$, $\frac{\partial a_i}{\partial s_j} = 0$.
""", [
    ("a_i = \\frac{m_i e^{s_i}}", "def", None, None),
    ("= m_i a_i (\\delta_{ij} - a_j) = ", "chain", [0, 0, 0], lambda K: [
        [r[0], r[1], a2[1]] for r, a2 in zip(_c05(K, lambda a, m, i, j: m[i] * a[i] * (delta(i, j) - a[j])),
                                            _c05(K, lambda a, m, i, j: a[i] * (delta(i, j) - a[j])))]),
])


# ------------------------------------------------------------ c06 labels in {-1, +1}, logistic loss
yv = sp.Symbol("y", real=True)

def _c06(f):
    return lambda K: [[sp.diff(log(1 + exp(-y * z_)), z_), f(y)] for y in (-1, 1)]

D["c06_pm_one_labels.md"] = (r"""With labels $y \in \{-1, +1\}$ (the SVM convention) the logistic loss of a margin $z$ is
$\ell = \log\left(1 + e^{-y z}\right)$. Its partial derivative is $\frac{\partial \ell}{\partial z} = -y\,\sigma(-y z)$, and because $y^2 = 1$ for these
labels it can be rewritten as $\frac{\partial \ell}{\partial z} = \sigma(z) - \frac{1 + y}{2}$, the familiar "prediction minus target" with the
target mapped to $\{0, 1\}$.
""", [
    ("= -y\\,\\sigma(-y z)", "claim", True, _c06(lambda y: -y * sig(-y * z_))),
    ("= \\sigma(z) - \\frac{1 + y}{2}", "claim", True, _c06(lambda y: sig(z_) - sp.Rational(1 + y, 2))),
])


# ------------------------------------------------------------ c07 class index y, one-hot y_i named in prose
D["c07_index_and_onehot.md"] = (r"""Let $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\log p_c$ for the true class $c$. Writing $y$ for the one-hot encoding of $c$
(so $y_c = 1$ and every other entry is $0$), the gradient is $\frac{\partial L}{\partial z_i} = p_i - y_i$.
""", [
    ("= p_i - y_i", "claim", True, lambda K: [[sp.diff(-log(softmax(V("z", K))[c]), V("z", K)[i]), softmax(V("z", K))[i] - delta(i, c)]
                                             for c in range(K) for i in range(K)]),
])


# ------------------------------------------------------------ c08 nabla_theta of a quadratic
def _c08(K, f):
    th, b = V("theta", K), V("b", K)
    A = M("A", K, K)
    A = (A + A.T) / 2   # the text says A is symmetric
    J = sum(th[i] * A[i, j] * th[j] for i in range(K) for j in range(K)) / 2 - sum(b[i] * th[i] for i in range(K))
    return [[sp.diff(J, th[i]), f(A, th, b, i)] for i in range(K)]

D["c08_nabla_theta_quadratic.md"] = (r"""For a symmetric matrix $A = A^\top$ consider $J(\theta) = \frac{1}{2}\theta^\top A \theta - b^\top \theta$. Then
$$\nabla_{\theta} J = A\theta - b ,$$
and setting it to zero gives the normal equations. (Without symmetry one would get $\frac{1}{2}(A + A^\top)\theta - b$.)
The version $\nabla_{\theta} J = 2A\theta - b$ double-counts.
""", [
    ("\\nabla_{\\theta} J = A\\theta - b", "claim", True, lambda K: _c08(K, lambda A, t, b, i: sum(A[i, j] * t[j] for j in range(K)) - b[i])),
    ("\\nabla_{\\theta} J = 2A\\theta - b", "claim", False, lambda K: _c08(K, lambda A, t, b, i: 2 * sum(A[i, j] * t[j] for j in range(K)) - b[i])),
])


# ------------------------------------------------------------ c09 RMSNorm with \operatorname{RMS}
def _c09(K, f):
    x, g = V("x", K), sp.Symbol("g", positive=True)
    r = sqrt(sum(v**2 for v in x) / K)
    y = [g * v / r for v in x]
    return over(K, "ij", lambda d: [sp.diff(y[d["i"]], x[d["j"]]), f(x, g, r, d["i"], d["j"], K)])

D["c09_rmsnorm.md"] = (r"""**RMSNorm.** For $x \in \mathbb{R}^K$ let $r = \sqrt{\frac{1}{K}\sum_{k=1}^{K} x_k^2}$ and $y_i = \frac{g\,x_i}{r}$ with a gain $g$.
The Jacobian is
$$\frac{\partial y_i}{\partial x_j} = \frac{g}{r}\left(\delta_{ij} - \frac{x_i x_j}{K r^2}\right).$$
Dropping the $\frac{1}{K}$ of the mean gives $\frac{\partial y_i}{\partial x_j} = \frac{g}{r}\left(\delta_{ij} - \frac{x_i x_j}{r^2}\right)$, the Jacobian of the $\ell_2$-normalisation instead.
""", [
    ("r = \\sqrt{\\frac{1}{K}", "def", None, None),
    ("\\frac{x_i x_j}{K r^2}", "claim", True, lambda K: _c09(K, lambda x, g, r, i, j, K_: g / r * (delta(i, j) - x[i] * x[j] / (K_ * r**2)))),
    ("\\frac{x_i x_j}{r^2}\\right)$", "claim", False, lambda K: _c09(K, lambda x, g, r, i, j, K_: g / r * (delta(i, j) - x[i] * x[j] / r**2))),
])


# ------------------------------------------------------------ c10 softmax(z / T) in operator form
def _c10(K, f):
    z, T = V("z", K), sp.Symbol("T", positive=True)
    p = [exp(v / T) / sum(exp(u / T) for u in z) for v in z]
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, T, d["i"], d["j"])])

D["c10_softmax_temperature_operator.md"] = (r"""Define $p = \operatorname{softmax}(z / T)$ with temperature $T > 0$, i.e. $p_i = \frac{\exp(z_i / T)}{\sum_{k=1}^{K} \exp(z_k / T)}$.
Then $\frac{\partial p_i}{\partial z_j} = \frac{1}{T}\, p_i\,(\delta_{ij} - p_j)$; the version $\frac{\partial p_i}{\partial z_j} = T\, p_i\,(\delta_{ij} - p_j)$ has the factor upside down.
""", [
    ("= \\frac{1}{T}\\, p_i", "claim", True, lambda K: _c10(K, lambda p, T, i, j: p[i] * (delta(i, j) - p[j]) / T)),
    ("= T\\, p_i", "claim", False, lambda K: _c10(K, lambda p, T, i, j: T * p[i] * (delta(i, j) - p[j]))),
])
