"""Round-9 documents, part A (lecture-note derivations with aligned, Jupyter markdown with numbered
equations): text + items. An item is (substring of the formula, kind, expected, SymPy encoding);
kinds as in ../harness.py."""
import sympy as sp
from sympy import exp, log, sqrt, tanh
from tlib import V, softmax, sig, delta, over, ce_grad, jac_sm, one, dsig, x_

D = {}


# ------------------------------------------------------------ a01 aligned CE derivation (all right)
def _a01(K):
    z = V("z", K)
    p = softmax(z)
    out = []
    for c in range(K):
        y = [delta(k, c) for k in range(K)]
        L = -sum(y[k] * log(p[k]) for k in range(K))
        for i in range(K):
            s1 = -sum(y[k] * (delta(k, i) - p[i]) for k in range(K))
            s2 = -y[i] + p[i] * sum(y)
            out.append([sp.diff(L, z[i]), s1, s2, p[i] - y[i]])
    return out

D["a01_lecture_aligned_ce.md"] = (r"""# Lecture 7 — Backpropagation through softmax

**Setup.** Scores $z \in \mathbb{R}^K$, probabilities $p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$,
and the cross-entropy $L = -\sum_{k=1}^{K} y_k \log p_k$ against a one-hot label $y$.

**Derivation.** Using $\frac{\partial \log p_k}{\partial z_i} = \delta_{ki} - p_i$:

$$
\begin{aligned}
\frac{\partial L}{\partial z_i}
  &= -\sum_{k=1}^{K} y_k \left(\delta_{ki} - p_i\right) \\
  &= -y_i + p_i \sum_{k=1}^{K} y_k \\
  &= p_i - y_i .
\end{aligned}
$$

The last step uses that the label sums to one.
""", [
    ("p_k = \\frac{e^{z_k}}", "def", None, None),
    ("\\frac{\\partial \\log p_k}{\\partial z_i} = \\delta_{ki} - p_i", "claim", True,
     lambda K: (lambda z: (lambda p: over(K, "ki", lambda d: [sp.diff(log(p[d["k"]]), z[d["i"]]), delta(d["k"], d["i"]) - p[d["i"]]]))(softmax(z)))(V("z", K))),
    ("  &= -\\sum_{k=1}^{K} y_k", "chain", [0, 0, 0, 0], _a01),
])


# ------------------------------------------------------------ a02 aligned chain with a dropped sign
def _a02b(K):
    z = V("z", K)
    p = softmax(z)
    out = []
    for c in range(K):
        y = [delta(k, c) for k in range(K)]
        L = -sum(y[k] * log(p[k]) for k in range(K))
        for i in range(K):
            slip = sum(y[k] * (delta(k, i) - p[i]) for k in range(K))   # the minus sign dropped
            out.append([sp.diff(L, z[i]), slip, y[i] - p[i], p[i] - y[i]])
    return out

D["a02_lecture_aligned_sign_slip.md"] = (r"""## Worked example (student solution, to be marked)

Let $p_k = \frac{\exp(z_k)}{\sum_{j=1}^{K} \exp(z_j)}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$ where $y$ is a one-hot vector.

$$
\begin{aligned}
\frac{\partial L}{\partial z_i}
 &= \sum_{k=1}^{K} y_k (\delta_{ki} - p_i) \\
 &= y_i - p_i \\
 &= p_i - y_i
\end{aligned}
$$

(The marker's comment: the first line lost a minus sign, and the last line silently restores it.)
""", [
    ("p_k = \\frac{\\exp(z_k)}", "def", None, None),
    (" &= \\sum_{k=1}^{K} y_k", "chain", [0, 1, 1, 0], _a02b),
])


# ------------------------------------------------------------ a03 Jupyter: numbered sigmoid, logistic + L2
def _a03(K, lam_factor):
    w, x = V("w", K), V("x", K)
    y, lam = sp.Symbol("y", real=True), sp.Symbol("lambda", positive=True)
    u = sum(w[k] * x[k] for k in range(K))
    J = -(y * log(sig(u)) + (1 - y) * log(1 - sig(u))) + lam / 2 * sum(v**2 for v in w)
    return [[sp.diff(J, w[j]), (sig(u) - y) * x[j] + lam_factor(lam) * w[j]] for j in range(K)]

D["a03_jupyter_logreg_l2.md"] = (r"""### 2.1 The sigmoid

The logistic function and its derivative:

$$\sigma(u) = \frac{1}{1 + e^{-u}} \tag{1}$$

$$\sigma'(u) = \sigma(u)\,\bigl(1 - \sigma(u)\bigr) \tag{2}$$

### 2.2 Regularised logistic regression

For one example $(x, y)$ with $y \in \{0, 1\}$, weights $w \in \mathbb{R}^K$ and $u = \sum_{k=1}^{K} w_k x_k$,

$$J(w) = -\bigl[y \log \sigma(u) + (1 - y) \log(1 - \sigma(u))\bigr] + \frac{\lambda}{2} \sum_{k=1}^{K} w_k^2 \tag{3}$$

Differentiating (3) with (2) gives

$$\frac{\partial J}{\partial w_j} = \bigl(\sigma(u) - y\bigr)\, x_j + \lambda w_j \tag{4}$$

> **Exercise.** A classmate wrote $\frac{\partial J}{\partial w_j} = \bigl(\sigma(u) - y\bigr)\, x_j + 2\lambda w_j$. Where is the mistake?
""", [
    ("\\sigma'(u) = \\sigma(u)", "claim", True, one(sp.diff(sig(x_), x_), dsig(x_))),
    ("x_j + \\lambda w_j \\tag{4}", "claim", True, lambda K: _a03(K, lambda l: l)),
    ("x_j + 2\\lambda w_j", "claim", False, lambda K: _a03(K, lambda l: 2 * l)),
])


# ------------------------------------------------------------ a04 Jupyter: batch MSE, 1/N dropped
def _a04(K, f):
    # N = K examples, one weight w, bias b
    w, b = sp.Symbol("w", real=True), sp.Symbol("b", real=True)
    x, y = V("x", K), V("y", K)
    L = sum((w * x[n] + b - y[n])**2 for n in range(K)) / K
    return [[sp.diff(L, w), f(w, b, x, y, K)]]

D["a04_jupyter_batch_mse.md"] = (r"""In [12]: `loss = ((w * x + b - y) ** 2).mean()`

The cell above computes, for a batch of $N$ examples,

$$L(w, b) = \frac{1}{N} \sum_{n=1}^{N} \left(w x_n + b - y_n\right)^2. \qquad (5)$$

Its gradient with respect to the slope (eq. 6):

$$\frac{\partial L}{\partial w} = \frac{2}{N} \sum_{n=1}^{N} \left(w x_n + b - y_n\right) x_n$$

and, as printed in the first draft of these notes (eq. 6'), $\frac{\partial L}{\partial b} = 2 \sum_{n=1}^{N} \left(w x_n + b - y_n\right)$.
""", [
    ("L(w, b) = \\frac{1}{N}", "def", None, None),
    ("\\frac{\\partial L}{\\partial w} = \\frac{2}{N}", "claim", True,
     lambda K: _a04(K, lambda w, b, x, y, N: sp.Rational(2, N) * sum((w * x[n] + b - y[n]) * x[n] for n in range(N)))),
    ("\\frac{\\partial L}{\\partial b} = 2 \\sum", "claim", False,
     lambda K: [[sp.diff(sum((sp.Symbol("w", real=True) * xn + sp.Symbol("b", real=True) - yn)**2 for xn, yn in zip(V("x", K), V("y", K))) / K, sp.Symbol("b", real=True)),
                 2 * sum(sp.Symbol("w", real=True) * xn + sp.Symbol("b", real=True) - yn for xn, yn in zip(V("x", K), V("y", K)))]]),
])


# ------------------------------------------------------------ a05 log-sum-exp trick with a shift m
def _a05(K, f):
    z, m = V("z", K), sp.Symbol("m", real=True)
    F = m + log(sum(exp(z[k] - m) for k in range(K)))
    return [[sp.diff(F, z[i]), f(z, m, i)] for i in range(K)]

D["a05_notes_logsumexp_trick.md"] = (r"""**The log-sum-exp trick.** To avoid overflow we subtract a shift $m$ (in practice $m = \max_k z_k$, held fixed when differentiating):

$$\operatorname{LSE}(z) = m + \log \sum_{k=1}^{K} e^{z_k - m}.$$

The shift does not change the gradient:

$$\frac{\partial \operatorname{LSE}}{\partial z_i} = \frac{e^{z_i - m}}{\sum_{k=1}^{K} e^{z_k - m}} = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}.$$

A common slip in code reviews is to return the shifted numerator alone, $\frac{\partial \operatorname{LSE}}{\partial z_i} = e^{z_i - m}$.
""", [
    ("\\frac{e^{z_i - m}}{\\sum_{k=1}^{K} e^{z_k - m}} = ", "chain", [0, 0, 0],
     lambda K: [[a[0], a[1], s] for a, s in zip(_a05(K, lambda z, m, i: exp(z[i] - m) / sum(exp(v - m) for v in z)), softmax(V("z", K)))]),
    ("= e^{z_i - m}", "claim", False, lambda K: _a05(K, lambda z, m, i: exp(z[i] - m))),
])


# ------------------------------------------------------------ a06 chain rule over scalar layers w^{(l)}
def _a06(f):
    w1, w2, x = sp.symbols("w1 w2 x", real=True)
    h1 = sig(w1 * x)
    h2 = sig(w2 * h1)
    return lambda K: [[sp.diff(h2, w1), f(h1, h2, w1, w2, x)]]

D["a06_layers_chain_rule.md"] = (r"""Two scalar layers: $h^{(1)} = \sigma\left(w^{(1)} x\right)$ and $h^{(2)} = \sigma\left(w^{(2)} h^{(1)}\right)$.
By the chain rule over the layers,

\[
\frac{\partial h^{(2)}}{\partial w^{(1)}} = \frac{\partial h^{(2)}}{\partial h^{(1)}}\,\frac{\partial h^{(1)}}{\partial w^{(1)}} = h^{(2)}\left(1 - h^{(2)}\right) w^{(2)}\; h^{(1)}\left(1 - h^{(1)}\right) x .
\]

Forgetting the weight of the second layer gives the (wrong) $\frac{\partial h^{(2)}}{\partial w^{(1)}} = h^{(2)}\left(1 - h^{(2)}\right) h^{(1)}\left(1 - h^{(1)}\right) x$.
""", [
    ("\\right) w^{(2)}\\; h^{(1)}", "chain", [0, 0, 0], lambda K: [
        [a[0], a[0], a[1]] for a in _a06(lambda h1, h2, w1, w2, x: h2 * (1 - h2) * w2 * h1 * (1 - h1) * x)(K)]),
    ("= h^{(2)}\\left(1 - h^{(2)}\\right) h^{(1)}", "claim", False,
     _a06(lambda h1, h2, w1, w2, x: h2 * (1 - h2) * h1 * (1 - h1) * x)),
])


# ------------------------------------------------------------ a07 lemma/proof, diagonal and off-diagonal
D["a07_lemma_proof_jacobian.md"] = (r"""**Lemma 3.** Let $s_i = \frac{e^{a_i}}{\sum_{k=1}^{K} e^{a_k}}$. Then for every $i$,
$\frac{\partial s_i}{\partial a_i} = s_i - s_i^2$.

*Proof.* By the quotient rule,
$$\begin{aligned}\frac{\partial s_i}{\partial a_i} &= \frac{e^{a_i} \sum_{k=1}^{K} e^{a_k} - e^{a_i} e^{a_i}}{\left(\sum_{k=1}^{K} e^{a_k}\right)^2} \\ &= s_i\,(1 - s_i). \qquad\blacksquare\end{aligned}$$

**Corollary.** The diagonal of the Jacobian is $s \odot (1 - s)$; in particular $\frac{\partial s_i}{\partial a_i} \le \frac{1}{4}$.
""", [
    ("\\frac{\\partial s_i}{\\partial a_i} = s_i - s_i^2", "claim", True,
     lambda K: (lambda a: (lambda s: [[sp.diff(s[i], a[i]), s[i] - s[i]**2] for i in range(K)])(softmax(a)))(V("a", K))),
    ("&= \\frac{e^{a_i} \\sum", "chain", [0, 0, 0], lambda K: (lambda a: (lambda s, S: [
        [sp.diff(s[i], a[i]), (exp(a[i]) * S - exp(a[i])**2) / S**2, s[i] * (1 - s[i])] for i in range(K)])(softmax(a), sum(exp(v) for v in a)))(V("a", K))),
])


# ------------------------------------------------------------ a08 RNN step in aligned with \Rightarrow
D["a08_rnn_step_aligned.md"] = (r"""One step of a scalar recurrent cell, with previous state $s$ and input $x$:

$$
\begin{aligned}
a &= w s + u x, \qquad h = \tanh(a) \\
\Rightarrow\quad \frac{\partial h}{\partial w} &= \left(1 - h^2\right) s .
\end{aligned}
$$

The input weight enters the same way, $\frac{\partial h}{\partial u} = \left(1 - h^2\right) x$, and the bias-free cell has $\frac{\partial h}{\partial s} = \left(1 - h\right)^2 w$ — careful, that last one is a typo for $(1 - h^2) w$.
""", [
    ("\\frac{\\partial h}{\\partial u} = \\left(1 - h^2\\right) x", "claim", True,
     lambda K: (lambda w, u, s, x: (lambda h: [[sp.diff(h, u), (1 - h**2) * x]])(tanh(w * s + u * x)))(*sp.symbols("w u s x", real=True))),
    ("\\frac{\\partial h}{\\partial s} = \\left(1 - h\\right)^2 w", "claim", False,
     lambda K: (lambda w, u, s, x: (lambda h: [[sp.diff(h, s), (1 - h)**2 * w]])(tanh(w * s + u * x)))(*sp.symbols("w u s x", real=True))),
])


# ------------------------------------------------------------ a09 scaled dot-product score
def _a09(K, f):
    q, k = V("q", K), V("k", K)
    d = sp.Integer(K)
    s = sum(q[m] * k[m] for m in range(K)) / sqrt(d)
    return [[sp.diff(s, q[m]), f(q, k, m, d)] for m in range(K)]

D["a09_attention_score_sqrt_d.md"] = (r"""Scaled dot-product attention scores a query $q \in \mathbb{R}^d$ against a key $k \in \mathbb{R}^d$:

$$s = \frac{1}{\sqrt{d}} \sum_{m=1}^{d} q_m k_m .$$

The gradient of the score with respect to the query is $\frac{\partial s}{\partial q_m} = \frac{k_m}{\sqrt{d}}$; the scale
is easy to drop, as in the slide that shows $\frac{\partial s}{\partial q_m} = k_m$, or to square, as in the one that shows
$\frac{\partial s}{\partial q_m} = \frac{k_m}{d}$.
""", [
    ("s = \\frac{1}{\\sqrt{d}}", "def", None, None),
    ("= \\frac{k_m}{\\sqrt{d}}", "claim", True, lambda K: _a09(K, lambda q, k, m, d: k[m] / sqrt(d))),
    ("\\frac{\\partial s}{\\partial q_m} = k_m", "claim", False, lambda K: _a09(K, lambda q, k, m, d: k[m])),
    ("= \\frac{k_m}{d}", "claim", False, lambda K: _a09(K, lambda q, k, m, d: k[m] / d)),
])


# ------------------------------------------------------------ a10 distillation, T^2 scaling
def _a10(K, f):
    z, v = V("z", K), V("v", K)
    T = sp.Symbol("T", positive=True)
    q = [exp(a / T) / sum(exp(b / T) for b in z) for a in z]
    p = [exp(a / T) / sum(exp(b / T) for b in v) for a in v]
    L = -T**2 * sum(p[k] * log(q[k]) for k in range(K))
    return [[sp.diff(L, z[i]), f(p, q, T, i)] for i in range(K)]

D["a10_distillation_t_squared.md"] = (r"""**Knowledge distillation.** Teacher logits $v$, student logits $z$, temperature $T > 0$:
$q_i = \frac{e^{z_i / T}}{\sum_{k=1}^{K} e^{z_k / T}}$, $p_i = \frac{e^{v_i / T}}{\sum_{k=1}^{K} e^{v_k / T}}$, and the soft loss is scaled by $T^2$,
$$L_{\text{soft}} = -T^2 \sum_{k=1}^{K} p_k \log q_k .$$
Since the teacher's $p$ sums to one, $\frac{\partial L_{\text{soft}}}{\partial z_i} = T\,(q_i - p_i)$, which is why the $T^2$ keeps
gradient magnitudes comparable across temperatures. (The paper's appendix has $\frac{\partial L_{\text{soft}}}{\partial z_i} = T^2 (q_i - p_i)$, a typo.)
""", [
    ("= T\\,(q_i - p_i)", "claim", True, lambda K: _a10(K, lambda p, q, T, i: T * (q[i] - p[i]))),
    ("= T^2 (q_i - p_i)", "claim", False, lambda K: _a10(K, lambda p, q, T, i: T**2 * (q[i] - p[i]))),
])
