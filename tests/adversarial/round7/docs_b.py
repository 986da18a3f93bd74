"""Round-7 documents, part B (see docs_a.py for the item format)."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}

# ---------------------------------------------------------------- d11 softmax Jacobian matrix form
def _jac(K, sign):
    z = V("z", K)
    y = softmax(z)
    J = sp.Matrix(K, K, lambda i, j: sp.diff(y[i], z[j]))
    yv = sp.Matrix(y)
    return [[J, sign * (sp.diag(*y) - yv * yv.T)]]

D["d11_jacobian_matrix.md"] = (r"""With $y = \mathrm{softmax}(z)$ the Jacobian is symmetric:
$$\frac{\partial y}{\partial z} = \mathrm{diag}(y) - y y^T.$$
A frequent slip in exam answers is $\frac{\partial y}{\partial z} = y y^T - \mathrm{diag}(y)$.
""", [
    ("= \\mathrm{diag}(y) - y y^T", "claim", True, lambda K: _jac(K, 1)),
    ("= y y^T - \\mathrm{diag}(y)", "claim", False, lambda K: _jac(K, -1)),
])

# ---------------------------------------------------------------- d12 differentials, trace
def _diffl(K, which):
    a, n, c = K, K, K + 1          # W: a x n, X: n x c, Y: a x c
    W, X = M("W", a, n), M("X", n, c)
    Y = W * X
    C = M("c", a, c)
    L = sum(C[i, j] * Y[i, j]**2 for i in range(a) for j in range(c)) + Y[0, 0] * Y[a - 1, c - 1]
    # G as a function of W, X: differentiate L wrt Y entries via a symbol substitution
    Ys = M("Y", a, c)
    Ls = sum(C[i, j] * Ys[i, j]**2 for i in range(a) for j in range(c)) + Ys[0, 0] * Ys[a - 1, c - 1]
    G = sp.Matrix(a, c, lambda i, j: sp.diff(Ls, Ys[i, j])).subs({Ys[i, j]: Y[i, j] for i in range(a) for j in range(c)})
    dLdW = sp.Matrix(a, n, lambda i, j: sp.diff(L, W[i, j]))
    if which == "GXT":
        return [[dLdW, G * X.T]]
    if which == "XTG":
        return [[dLdW, X.T * G if X.T.shape[1] == G.shape[0] else sp.Matrix([0])]]

D["d12_differentials_trace.md"] = (r"""## Matrix calculus by differentials

Let $Y = W X$ and let $L$ be a scalar function of $Y$ with gradient $G = \frac{\partial L}{\partial Y}$. The differential of $L$ is
$$dL = \mathrm{tr}(G^T dY), \qquad dY = dW\, X,$$
so $dL = \mathrm{tr}(G^T dW\, X) = \mathrm{tr}(X G^T dW)$ and reading off the coefficient of $dW$,
$$\frac{\partial L}{\partial W} = G X^T.$$
(The answer $\frac{\partial L}{\partial W} = X^T G$ mixes up the order.)
""", [
    ("Y = W X", "def", None, None),
    ("= G X^T", "claim", True, lambda K: _diffl(K, "GXT")),
    ("= X^T G", "claim", False, lambda K: _diffl(K, "XTG")),
])

# ---------------------------------------------------------------- d13 code-notes dX names
def _ng(K, which):
    n, d, m = K, K + 1, 2               # W: n x d, X: d x m
    W, X, b, Y = M("W", n, d), M("X", d, m), M("b", n, 1), M("Y", n, m)
    Z = W * X + b * sp.ones(1, m)
    A = Z.applyfunc(sig)
    J = -sum(Y[i, j] * log(A[i, j]) + (1 - Y[i, j]) * log(1 - A[i, j]) for i in range(n) for j in range(m))
    Zs = M("Z", n, m)
    dZ = A - Y
    dW = sp.Matrix(n, d, lambda i, j: sp.diff(J, W[i, j]))
    dX = sp.Matrix(d, m, lambda i, j: sp.diff(J, X[i, j]))
    db = sp.Matrix(n, 1, lambda i, j: sp.diff(J, b[i]))
    if which == "dZ":
        Asym = Zs.applyfunc(sig)
        Jz = -sum(Y[i, j] * log(Asym[i, j]) + (1 - Y[i, j]) * log(1 - Asym[i, j]) for i in range(n) for j in range(m))
        return [[sp.Matrix(n, m, lambda i, j: sp.diff(Jz, Zs[i, j])), Asym - Y]]
    if which == "dW":
        return [[dW, dZ * X.T]]
    if which == "db":
        return [[db, dZ * sp.ones(m, 1)]]
    if which == "dX":
        return [[dX, W.T * dZ]]
    if which == "dWslip":
        return [[dW, sp.Matrix([0])]]   # X^T dZ: (m x d)(n x m) does not multiply for n != m... shape differs anyway

D["d13_code_notes_dnames.md"] = (r"""# Notebook: vectorised logistic layer

Forward pass (columns are examples, $W \in \mathbb{R}^{n \times d}$, $X \in \mathbb{R}^{d \times m}$):

$$Z = W X + b, \qquad A = \sigma(Z)$$

with the summed cross-entropy cost $J = -\sum_{i,j} \left( Y_{ij}\log A_{ij} + (1 - Y_{ij})\log(1 - A_{ij}) \right)$.
In the code, `dZ` stands for $\frac{\partial J}{\partial Z}$ and likewise for the other names.

Backward pass:

$$dZ = A - Y$$
$$dW = dZ\, X^T$$
$$dX = W^T dZ$$

A bug we hit in the first version was `dW = X.T @ dZ`, i.e. $dW = X^T dZ$.
""", [
    ("dZ = A - Y", "claim", True, lambda K: _ng(K, "dZ")),
    ("dW = dZ\\, X^T", "claim", True, lambda K: _ng(K, "dW")),
    ("dX = W^T dZ", "claim", True, lambda K: _ng(K, "dX")),
    ("dW = X^T dZ", "claim", False, lambda K: _ng(K, "dWslip")),
])

# ---------------------------------------------------------------- d14 prose-named NLL
def _nll(K, f, cond=None):
    z = V("z", K)
    p = softmax(z)
    return [[sp.diff(-log(p[c]), z[j]), f(p, c, j)] for c in range(K) for j in range(K) if cond is None or cond(c, j)]

D["d14_prose_named_nll.md"] = (r"""The network outputs probabilities $p_j = \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}$. The negative log-likelihood of the correct class $c$ is $L = -\log p_c$, and its gradient is
$$\frac{\partial L}{\partial z_j} = p_j - \delta_{jc}.$$
For the correct class itself this reads $\frac{\partial L}{\partial z_c} = p_c - 1$, so pushing up $z_c$ lowers the loss; the forum answer's $\frac{\partial L}{\partial z_c} = 1 - p_c$ has the sign backwards.
""", [
    ("p_j = \\frac", "def", None, None),
    ("L = -\\log p_c", "def", None, None),
    ("= p_j - \\delta_{jc}", "claim", True, lambda K: _nll(K, lambda p, c, j: p[j] - delta(j, c))),
    ("= p_c - 1", "claim", True, lambda K: _nll(K, lambda p, c, j: p[c] - 1, lambda c, j: c == j)),
    ("= 1 - p_c", "claim", False, lambda K: _nll(K, lambda p, c, j: 1 - p[c], lambda c, j: c == j)),
])

# ---------------------------------------------------------------- d15 definitions after use
def _lr(K, which):
    w, x = V("w", K), V("x", K)
    t = sp.Symbol("t", real=True)
    y = sum(w[k] * x[k] for k in range(K))
    E = (y - t)**2 / 2
    if which == "w":
        return [[sp.diff(E, w[i]), (y - t) * x[i]] for i in range(K)]
    if which == "x":
        return [[sp.diff(E, x[i]), (y - t) * w[i]] for i in range(K)]
    if which == "t":
        return [[sp.diff(E, t), y - t]]

D["d15_definitions_after_use.md"] = (r"""The update rule follows from
$$\frac{\partial E}{\partial w_i} = (y - t)\, x_i$$
where $E = \frac{1}{2}(y - t)^2$ is the squared error and $y = \sum_{k=1}^{K} w_k x_k$ is the output of the linear unit. Symmetrically, $\frac{\partial E}{\partial x_i} = (y - t)\, w_i$. Note that $\frac{\partial E}{\partial t} = y - t$ is what some readers write, but the sign is wrong.
""", [
    ("\\partial w_i} = (y - t)", "claim", True, lambda K: _lr(K, "w")),
    ("E = \\frac{1}{2}", "def", None, None),
    ("y = \\sum_{k=1}^{K}", "def", None, None),
    ("\\partial x_i} = (y - t)", "claim", True, lambda K: _lr(K, "x")),
    ("\\partial t} = y - t", "claim", False, lambda K: _lr(K, "t")),
])

# ---------------------------------------------------------------- d16 a typo the reader corrects
def _ce_oh(K, sign):
    z = V("z", K)
    p = softmax(z)
    out = []
    for c in range(K):
        y = [delta(k, c) for k in range(K)]
        L = -sum(y[k] * log(p[k]) for k in range(K))
        out += [[sp.diff(L, z[i]), sign * (p[i] - y[i])] for i in range(K)]
    return out

D["d16_comment_typo.md"] = (r"""> With $p_i = \frac{e^{z_i}}{\sum_{k} e^{z_k}}$ and $L = -\sum_{k} y_k \log p_k$ for a one-hot $y$, one gets $\frac{\partial L}{\partial z_i} = y_i - p_i$.

**Comment:** there is a typo in the answer: it should read $\frac{\partial L}{\partial z_i} = p_i - y_i$ (the gradient points away from the target).
""", [
    ("p_i = \\frac", "def", None, None),
    ("L = -\\sum_{k} y_k", "def", None, None),
    ("= y_i - p_i", "claim", False, lambda K: _ce_oh(K, -1)),
    ("= p_i - y_i", "claim", True, lambda K: _ce_oh(K, 1)),
])

# ---------------------------------------------------------------- d17 letter runs, softmax(z)_i, logsumexp
def _lse(K, which):
    z = V("z", K)
    p = softmax(z)
    c = sp.Symbol("c", real=True)
    pc = softmax([zz + c for zz in z])
    if which == "diag":
        return [[sp.diff(p[i], z[i]), p[i] * (1 - p[i])] for i in range(K)]
    if which == "lse":
        return [[sp.diff(log(sum(map(exp, z))), z[i]), p[i]] for i in range(K)]
    if which == "shift":
        return [[pc[i], p[i]] for i in range(K)]
    if which == "shiftslip":
        return [[pc[i], p[i] + c] for i in range(K)]

D["d17_letter_runs_functions.md"] = (r"""## softmax and logsumexp as functions

We write $\mathrm{softmax}(\mathbf z)_i = \frac{e^{z_i}}{\sum_{j} e^{z_j}}$ and $\mathrm{logsumexp}(\mathbf z) = \log\sum_{j} e^{z_j}$. Then

$$\frac{\partial\, \mathrm{softmax}(\mathbf z)_i}{\partial z_i} = \mathrm{softmax}(\mathbf z)_i\,(1 - \mathrm{softmax}(\mathbf z)_i)$$

$$\frac{\partial\, \mathrm{logsumexp}(\mathbf z)}{\partial z_i} = \mathrm{softmax}(\mathbf z)_i$$

For any constant $c$, $\mathrm{softmax}(\mathbf z + c)_i = \mathrm{softmax}(\mathbf z)_i$ (shift invariance), and not $\mathrm{softmax}(\mathbf z + c)_i = \mathrm{softmax}(\mathbf z)_i + c$.
""", [
    ("\\mathrm{softmax}(\\mathbf z)_i = \\frac", "def", None, None),
    ("\\mathrm{logsumexp}(\\mathbf z) = \\log", "def", None, None),
    ("(1 - \\mathrm{softmax}", "claim", True, lambda K: _lse(K, "diag")),
    ("\\partial z_i} = \\mathrm{softmax}", "claim", True, lambda K: _lse(K, "lse")),
    ("+ c)_i = \\mathrm{softmax}(\\mathbf z)_i$", "claim", True, lambda K: _lse(K, "shift")),
    ("\\mathrm{softmax}(\\mathbf z)_i + c", "claim", False, lambda K: _lse(K, "shiftslip")),
])

# ---------------------------------------------------------------- d18 delta as partial, net_j
def _bp(K, which):
    t, net = V("t", K), V("n", K)
    o = [sig(v) for v in net]
    E = sum((t[j] - o[j])**2 for j in range(K)) / 2
    O = V("o", K)
    Eo = sum((t[j] - O[j])**2 for j in range(K)) / 2
    if which == "dEdo":
        return [[sp.diff(Eo, O[j]), -(t[j] - O[j])] for j in range(K)]
    if which == "dodnet":
        return [[sp.diff(o[j], net[j]), o[j] * (1 - o[j])] for j in range(K)]
    if which == "slip":
        return [[sp.diff(E, net[j]), (t[j] - o[j]) * o[j] * (1 - o[j])] for j in range(K)]

D["d18_delta_rule_old_notes.md"] = (r"""**The delta rule.** For output units $o_j = \sigma(\mathrm{net}_j)$ and error $E = \frac{1}{2}\sum_{j} (t_j - o_j)^2$:

$$\frac{\delta E}{\delta o_j} = -(t_j - o_j), \qquad \frac{\delta o_j}{\delta \mathrm{net}_j} = o_j(1 - o_j),$$

hence (as printed in the handout) $\frac{\delta E}{\delta \mathrm{net}_j} = (t_j - o_j)\, o_j (1 - o_j)$.
""", [
    ("o_j = \\sigma(\\mathrm{net}_j)", "def", None, None),
    ("E = \\frac{1}{2}\\sum_{j}", "def", None, None),
    ("= -(t_j - o_j)", "claim", True, lambda K: _bp(K, "dEdo")),
    ("= o_j(1 - o_j)", "claim", True, lambda K: _bp(K, "dodnet")),
    ("= (t_j - o_j)\\, o_j", "claim", False, lambda K: _bp(K, "slip")),
])

# ---------------------------------------------------------------- d19 layer labels W^{[l]}
def _layer(K, which):
    n_out, n_in = K, K + 1
    W, a, b = M("W", n_out, n_in), V("a", n_in), V("b", n_out)
    z = [sum(W[i, k] * a[k] for k in range(n_in)) + b[i] for i in range(n_out)]
    if which == "dW":
        return [[sp.diff(z[i], W[i, k]), a[k]] for i in range(n_out) for k in range(n_in)]
    if which == "da":
        return [[sp.diff(z[i], a[k]), W[i, k]] for i in range(n_out) for k in range(n_in)]
    if which == "daslip":
        return [[sp.diff(z[i], a[k]), W[k, i] if k < n_out else 0] for i in range(n_out) for k in range(n_in)]
    if which == "db":
        return [[sp.diff(z[i], b[i]), 1] for i in range(n_out)]

D["d19_layer_labels.md"] = (r"""### Deep networks: notation of the course

Layer $l$ computes $z^{[l]}_i = \sum_{k} W^{[l]}_{ik} a^{[l-1]}_k + b^{[l]}_i$. The local derivatives are
$$\frac{\partial z^{[l]}_i}{\partial W^{[l]}_{ik}} = a^{[l-1]}_k, \qquad \frac{\partial z^{[l]}_i}{\partial a^{[l-1]}_k} = W^{[l]}_{ik}, \qquad \frac{\partial z^{[l]}_i}{\partial b^{[l]}_i} = 1.$$
Quiz answer to correct: $\frac{\partial z^{[l]}_i}{\partial a^{[l-1]}_k} = W^{[l]}_{ki}$.
""", [
    ("z^{[l]}_i = \\sum_{k}", "def", None, None),
    ("= a^{[l-1]}_k", "claim", True, lambda K: _layer(K, "dW")),
    ("= W^{[l]}_{ik}", "claim", True, lambda K: _layer(K, "da")),
    ("\\partial b^{[l]}_i} = 1", "claim", True, lambda K: _layer(K, "db")),
    ("= W^{[l]}_{ki}", "claim", False, lambda K: _layer(K, "daslip")),
])

# ---------------------------------------------------------------- d20 logistic regression x^{(i)}
def _logreg(K, factor):
    m, n = K, 2
    th = V("th", n)
    X = [V(f"x{i}_", n) for i in range(m)]
    y = V("y", m)
    h = [sig(sum(th[j] * X[i][j] for j in range(n))) for i in range(m)]
    J = -sum(y[i] * log(h[i]) + (1 - y[i]) * log(1 - h[i]) for i in range(m)) / m
    return [[sp.diff(J, th[j]), factor(m) * sum((h[i] - y[i]) * X[i][j] for i in range(m))] for j in range(n)]

D["d20_logreg_superscripts.md"] = (r"""## Logistic regression (course notes)

With $h_\theta(x) = \sigma(\theta^T x)$ and the cost
$$J(\theta) = -\frac{1}{m}\sum_{i=1}^{m}\left[y^{(i)}\log h_\theta(x^{(i)}) + (1 - y^{(i)})\log(1 - h_\theta(x^{(i)}))\right],$$
the gradient is
$$\frac{\partial J(\theta)}{\partial \theta_j} = \frac{1}{m}\sum_{i=1}^{m}\left(h_\theta(x^{(i)}) - y^{(i)}\right)x^{(i)}_j.$$
It is easy to lose the average: $\frac{\partial J(\theta)}{\partial \theta_j} = \sum_{i=1}^{m}\left(h_\theta(x^{(i)}) - y^{(i)}\right)x^{(i)}_j$ is the gradient of $mJ$, not of $J$.
""", [
    ("h_\\theta(x) = \\sigma", "def", None, None),
    ("J(\\theta) = -\\frac{1}{m}", "def", None, None),
    ("= \\frac{1}{m}\\sum_{i=1}^{m}\\left(h", "claim", True, lambda K: _logreg(K, lambda m: Q(1, m))),
    ("\\theta_j} = \\sum_{i=1}^{m}", "claim", False, lambda K: _logreg(K, lambda m: 1)),
])
