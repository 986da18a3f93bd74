"""Round-9 documents, part E (second pass on the classes of FINDINGS.md: case scopes in Chinese,
French and German prose, indicators, implied sums, symmetry in words, stated one-hot values,
chains with one broken link)."""
import sympy as sp
from sympy import exp, log, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over, ce_grad, jac_sm, one, dsig, simplex, x_, z_

D = {}


# ------------------------------------------------------------ e01 Chinese: a case of another sentence (。)
D["e01_zh_case_other_sentence.md"] = (r"""设 $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$。当 $i \neq j$ 时，$\frac{\partial p_i}{\partial z_j} = -p_i p_j$。有的教材据此写出对所有 $i, j$ 都成立的公式 $\frac{\partial p_i}{\partial z_j} = -p_i p_j$，这是错的。
""", [
    ("= -p_i p_j", "claim", True,
     lambda K: jac_sm(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    # the second formula is stated for all i, j (and called wrong): false
    ("= -p_i p_j", "claim", False, lambda K: jac_sm(K, lambda p, i, j: -p[i] * p[j])),
])

# ------------------------------------------------------------ e02 French: "et hors de la diagonale"
D["e02_fr_hors_diagonale.md"] = (r"""Soit $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$. Sur la diagonale ($i = j$) on a $\frac{\partial p_i}{\partial z_j} = p_i (1 - p_i)$, et hors de la diagonale $\frac{\partial p_i}{\partial z_j} = -p_i p_j$.
""", [
    ("= p_i (1 - p_i)", "claim", True, lambda K: jac_sm(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] == d["j"])),
    ("= -p_i p_j", "claim", True, lambda K: jac_sm(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
])

# ------------------------------------------------------------ e03 German: "Im Folgenden sei stets"
D["e03_de_im_folgenden.md"] = (r"""Sei $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$. Im Folgenden sei stets $i \neq j$.

Dann gilt $\frac{\partial p_i}{\partial z_j} = -p_i p_j$.
""", [
    ("= -p_i p_j", "claim", True, lambda K: jac_sm(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
])

# ------------------------------------------------------------ e04 Chinese: "而非对角线上" contrast
D["e04_zh_offdiagonal_contrast.md"] = (r"""设 $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$。对角线上（$i = j$）有 $\frac{\partial p_i}{\partial z_j} = p_i (1 - p_i)$，而非对角线上则有 $\frac{\partial p_i}{\partial z_j} = -p_i p_j$。
""", [
    ("= p_i (1 - p_i)", "claim", True, lambda K: jac_sm(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] == d["j"])),
    ("= -p_i p_j", "claim", True, lambda K: jac_sm(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
])

# ------------------------------------------------------------ e05 German "sonst" and French "sinon"
D["e05_de_fr_otherwise.md"] = (r"""Mit $s_i = \frac{e^{a_i}}{\sum_{k=1}^{K} e^{a_k}}$ gilt für $i = j$ die Formel $\frac{\partial s_i}{\partial a_j} = s_i - s_i^2$, sonst $\frac{\partial s_i}{\partial a_j} = -s_i s_j$.

En français : pour $i = j$ on trouve $\frac{\partial s_i}{\partial a_j} = s_i (1 - s_i)$, sinon $\frac{\partial s_i}{\partial a_j} = - s_j s_i$.
""", [
    ("= s_i - s_i^2", "claim", True, lambda K: (lambda a: (lambda s: over(K, "ij", lambda d: [sp.diff(s[d["i"]], a[d["j"]]), s[d["i"]] - s[d["i"]]**2], lambda d: d["i"] == d["j"]))(softmax(a)))(V("a", K))),
    ("= -s_i s_j", "claim", True, lambda K: (lambda a: (lambda s: over(K, "ij", lambda d: [sp.diff(s[d["i"]], a[d["j"]]), -s[d["i"]] * s[d["j"]]], lambda d: d["i"] != d["j"]))(softmax(a)))(V("a", K))),
    ("= s_i (1 - s_i)", "claim", True, lambda K: (lambda a: (lambda s: over(K, "ij", lambda d: [sp.diff(s[d["i"]], a[d["j"]]), s[d["i"]] * (1 - s[d["i"]])], lambda d: d["i"] == d["j"]))(softmax(a)))(V("a", K))),
    ("= - s_j s_i", "claim", True, lambda K: (lambda a: (lambda s: over(K, "ij", lambda d: [sp.diff(s[d["i"]], a[d["j"]]), -s[d["i"]] * s[d["j"]]], lambda d: d["i"] != d["j"]))(softmax(a)))(V("a", K))),
])


# ------------------------------------------------------------ e06 indicators: 1_{i = y} and \mathbb{1}[y = i]
def _nly(K, f):
    z = V("z", K)
    p = softmax(z)
    return [[sp.diff(-log(p[y]), z[i]), f(p, y, i)] for y in range(K) for i in range(K)]

D["e06_indicator_forms.md"] = (r"""For the true class $y$, $\ell = -\log p_y$ with $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$. In subscript form the gradient is $\frac{\partial \ell}{\partial z_i} = p_i - 1_{i = y}$; with an Iverson bracket the same is $\frac{\partial \ell}{\partial z_i} = p_i - \mathbb{1}[y = i]$.
""", [
    ("p_i - 1_{i = y}", "claim", True, lambda K: _nly(K, lambda p, y, i: p[i] - delta(i, y))),
    ("p_i - \\mathbb{1}[y = i]", "claim", True, lambda K: _nly(K, lambda p, y, i: p[i] - delta(i, y))),
])


# ------------------------------------------------------------ e07 an implied sum with no convention stated
def _e07(K):
    W, x, cc, e = M("W", K, K), V("x", K), V("c", K), V("e", K)
    z = [sum(W[i, j] * x[j] for j in range(K)) for i in range(K)]
    L = sum(cc[i] * z[i]**2 + e[i] * z[i] for i in range(K))
    g = [2 * cc[i] * z[i] + e[i] for i in range(K)]
    summed = [[sp.diff(L, x[j]), sum(g[i] * W[i, j] for i in range(K))] for j in range(K)]
    # the other reading: no sum, i free (any i)
    free = [[sp.diff(L, x[j]), g[i] * W[i, j]] for j in range(K) for i in range(K)]
    return summed, free

D["e07_implied_sum_unstated.md"] = (r"""A linear layer computes $z_i = W_{ij} x_j$. For a loss $L$ of $z$, $\frac{\partial L}{\partial x_j} = \frac{\partial L}{\partial z_i} W_{ij}$.
""", [
    ("= \\frac{\\partial L}{\\partial z_i} W_{ij}", "amb", "amb", _e07),
])


# ------------------------------------------------------------ e08 symmetry stated in words
def _e08(K, f):
    th = V("theta", K)
    A = M("A", K, K)
    A = (A + A.T) / 2
    J = sum(th[i] * A[i, j] * th[j] for i in range(K) for j in range(K)) / 2
    return [[sp.diff(J, th[i]), f(A, th, i)] for i in range(K)]

D["e08_symmetric_in_words.md"] = (r"""Let $A$ be a symmetric matrix and $J = \frac{1}{2}\sum_{i=1}^{K}\sum_{j=1}^{K} \theta_i A_{ij} \theta_j$. Then $\frac{\partial J}{\partial \theta_i} = \sum_{j=1}^{K} A_{ij} \theta_j$, and not $\frac{\partial J}{\partial \theta_i} = 2\sum_{j=1}^{K} A_{ij} \theta_j$.
""", [
    ("= \\sum_{j=1}^{K} A_{ij} \\theta_j", "claim", True, lambda K: _e08(K, lambda A, t, i: sum(A[i, j] * t[j] for j in range(K)))),
    ("= 2\\sum_{j=1}^{K} A_{ij} \\theta_j", "claim", False, lambda K: _e08(K, lambda A, t, i: 2 * sum(A[i, j] * t[j] for j in range(K)))),
])


# ------------------------------------------------------------ e09 a one-hot target given by its values
def _e09(K, f):
    z = V("z", K)
    p = softmax(z)
    y = [delta(k, 1) for k in range(K)]   # class 2
    L = -sum(y[k] * log(p[k]) for k in range(K))
    return [[sp.diff(L, z[0]), f(p)]]

D["e09_onehot_by_values.md"] = (r"""Let $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$. The example belongs to class 2, so $y_2 = 1$ and $y_k = 0$ for $k \neq 2$. Hence $\frac{\partial L}{\partial z_1} = p_1$, while the wrong sign would give $\frac{\partial L}{\partial z_1} = -p_1$.
""", [
    ("\\frac{\\partial L}{\\partial z_1} = p_1", "claim", True, lambda K: _e09(K, lambda p: p[0])),
    ("= -p_1", "claim", False, lambda K: _e09(K, lambda p: -p[0])),
])


# ------------------------------------------------------------ e10 English align: one-hot stated, one link broken
def _e10(K):
    z = V("z", K)
    p = softmax(z)
    out = []
    for c in range(K):
        y = [delta(k, c) for k in range(K)]
        L = -sum(y[k] * log(p[k]) for k in range(K))
        for i in range(K):
            out.append([sp.diff(L, z[i]), p[i] * sum(y) - y[i], p[i] - y[i], p[i] + y[i]])
    return out

D["e10_align_onehot_broken_last.md"] = (r"""With $p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$ and a one-hot target $y$, the loss $L = -\sum_{k=1}^{K} y_k \log p_k$ gives

\begin{align}
\frac{\partial L}{\partial z_i} &= p_i \sum_{k=1}^{K} y_k - y_i \\
&= p_i - y_i \\
&= p_i + y_i
\end{align}

where the last line is a transcription error.
""", [
    ("&= p_i \\sum_{k=1}^{K} y_k - y_i", "chain", [0, 0, 0, 1], _e10),
])


# ------------------------------------------------------------ e11 French: one-hot written "codage one-hot" (English cue inside French)
D["e11_fr_onehot_word.md"] = (r"""Avec $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ et $L = -\sum_{k=1}^{K} y_k \log p_k$, où $y$ est un vecteur one-hot, on obtient $\frac{\partial L}{\partial z_i} = p_i - y_i$.
""", [
    ("= p_i - y_i", "claim", True, lambda K: ce_grad(K, lambda p, y, i: p[i] - y[i])),
])

# ------------------------------------------------------------ e12 Chinese: 概率分布 (a probability distribution) targets, KL
def _e12(K, f):
    z = V("z", K)
    q = softmax(z)
    p = simplex(K)
    D_ = sum(p[k] * log(p[k] / q[k]) for k in range(K))
    return [[sp.diff(D_, z[i]), f(p, q, i)] for i in range(K)]

D["e12_zh_kl_distribution.md"] = (r"""设目标 $p$ 是一个概率分布，模型输出 $q_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$，KL 散度为 $D = \sum_{k=1}^{K} p_k \log \frac{p_k}{q_k}$。于是 $\frac{\partial D}{\partial z_i} = q_i - p_i$。
""", [
    ("= q_i - p_i", "claim", True, lambda K: _e12(K, lambda p, q, i: q[i] - p[i])),
])


# ------------------------------------------------------------ e13 the scope of d/dw over a sum (ambiguous)
def _e13(K):
    w, x, y, lam = sp.symbols("w x y lambda", real=True)
    rhs = (w * x - y) * x + lam * w
    whole = [[sp.diff((w * x - y)**2 / 2 + lam / 2 * w**2, w), rhs]]
    first = [[sp.diff((w * x - y)**2 / 2, w) + lam / 2 * w**2, rhs]]
    return whole, first

D["e13_operator_scope_sum.md"] = (r"""The ridge objective of one example differentiates term by term: $\frac{\partial}{\partial w} \frac{1}{2}(w x - y)^2 + \frac{\lambda}{2} w^2 = (w x - y) x + \lambda w$.
""", [
    ("\\frac{\\partial}{\\partial w} \\frac{1}{2}(w x - y)^2", "amb", "amb", _e13),
])
