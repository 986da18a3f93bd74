"""Round-8 documents, part A (Q&A answers): text + items. An item is (substring of the formula,
kind, expected, SymPy encoding). kind: def (a right definition), claim (True/False), chain (class
per side), amb (a claim true under one plausible reading and false under another: must stay
unknown; the encoding returns the assignments of both readings)."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}
x_ = sp.Symbol("x", real=True)


def smT(z, T):
    e = [exp(v / T) for v in z]
    s = sum(e)
    return [v / s for v in e]


# ---------------------------------------------------------------- e01 Q&A softmax with temperature T
def _e01(K, f):
    z, T = V("z", K), sp.Symbol("T", positive=True)
    p = smT(z, T)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, T, d["i"], d["j"])])

D["e01_qa_softmax_temperature.md"] = (r"""**Q:** How does the temperature change the softmax Jacobian?

**A:** With temperature $T > 0$ the distribution is

$$p_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}$$

(the sum runs over all classes). Differentiating the numerator and the denominator,

\[
\frac{\partial p_i}{\partial z_j} = \frac{1}{T}\, p_i \left(\delta_{ij} - p_j\right).
\]

A frequent mistake is to forget the chain-rule factor and write $\frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j)$, which only holds at $T = 1$.
""", [
    ("p_i = \\frac{e^{z_i / T}}", "def", None, None),
    ("\\frac{1}{T}\\, p_i", "claim", True, lambda K: _e01(K, lambda p, T, i, j: p[i] * (delta(i, j) - p[j]) / T)),
    # false in general; the sentence says it "only holds at T = 1": a proof that names T = 1 is right too
    ("= p_i(\\delta_{ij} - p_j)", "claim|T = 1", False, lambda K: _e01(K, lambda p, T, i, j: p[i] * (delta(i, j) - p[j]))),
])


# ---------------------------------------------------------------- e02 Q&A log-sum-exp with tau, aligned
def _e02(K, f):
    z, tau = V("z", K), sp.Symbol("tau", positive=True)
    F = tau * log(sum(exp(v / tau) for v in z))
    p = smT(z, tau)
    return over(K, "i", lambda d: [sp.diff(F, z[d["i"]]), f(p, tau, d["i"])])

D["e02_qa_logsumexp_tau.md"] = (r"""> *Why is the gradient of the smooth maximum a softmax?*

Define the smooth maximum with temperature $\tau$ as $f(z) = \tau \log \sum_{k=1}^{K} e^{z_k / \tau}$. Then

\begin{align}
\frac{\partial f}{\partial z_i} &= \tau \cdot \frac{1}{\sum_{k=1}^{K} e^{z_k/\tau}} \cdot \frac{1}{\tau} e^{z_i/\tau} \tag{1} \\
&= \frac{e^{z_i/\tau}}{\sum_{k=1}^{K} e^{z_k/\tau}}, \tag{2}
\end{align}

the softmax at temperature $\tau$. (Some answers write $\frac{\partial f}{\partial z_i} = \tau\, \frac{e^{z_i/\tau}}{\sum_{k=1}^{K} e^{z_k/\tau}}$; the factor $\tau$ cancels and should not be there.)
""", [
    ("f(z) = \\tau \\log", "def", None, None),
    ("\\tau \\cdot \\frac{1}", "chain", [0, 0, 0], lambda K: [
        [a[0], a[1], a[1]] for a in _e02(K, lambda p, t, i: p[i])]),
    ("= \\tau\\, \\frac{e^{z_i/\\tau}}", "claim", False, lambda K: _e02(K, lambda p, t, i: t * p[i])),
])


# ---------------------------------------------------------------- e03 label smoothing, one-hot stated far after
def _e03(K, which):
    z, eps = V("z", K), sp.Symbol("epsilon", positive=True)
    p = softmax(z)
    out = []
    for c in range(K):
        y = [delta(k, c) for k in range(K)]
        q = [(1 - eps) * y[k] + eps / K for k in range(K)]
        L = -sum(q[k] * log(p[k]) for k in range(K))
        for i in range(K):
            rhs = {"pq": p[i] - q[i], "py": p[i] - y[i], "exp": p[i] - (1 - eps) * y[i] - eps / K,
                   "sign": q[i] - p[i]}[which]
            out.append([sp.diff(L, z[i]), rhs])
    return out

D["e03_label_smoothing_answer.md"] = (r"""### Answer

With label smoothing the target is mixed with the uniform distribution:

$$q_k = (1 - \epsilon)\, y_k + \frac{\epsilon}{K}, \qquad L = -\sum_{k=1}^{K} q_k \log p_k, \qquad p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}.$$

The gradient keeps the familiar form

$$\frac{\partial L}{\partial z_i} = p_i - q_i = p_i - (1 - \epsilon)\, y_i - \frac{\epsilon}{K},$$

so it is **not** $\frac{\partial L}{\partial z_i} = p_i - y_i$ unless $\epsilon = 0$. Nor is it $\frac{\partial L}{\partial z_i} = q_i - p_i$: that is the ascent direction.

Everything above uses that $y$ is a one-hot vector, so the smoothed target $q$ still sums to one.
""", [
    ("q_k = (1 - \\epsilon)", "def", None, None),
    ("= p_i - q_i = p_i", "chain", [0, 0, 0], lambda K: [[a[0], a[1], b[1]] for a, b in zip(_e03(K, "pq"), _e03(K, "exp"))]),
    ("= p_i - y_i", "claim", False, lambda K: _e03(K, "py")),
    ("= q_i - p_i", "claim", False, lambda K: _e03(K, "sign")),
])


# ---------------------------------------------------------------- e04 focal loss (true-class probability)
g_, pt = sp.Symbol("gamma", positive=True), sp.Symbol("p", positive=True)
_FL = -(1 - pt)**g_ * log(pt)

D["e04_focal_loss_qa.md"] = (r"""**Focal loss, derivative w.r.t. the probability of the true class.** For the true class with probability $p$ and focusing parameter $\gamma \ge 0$,

$$\mathrm{FL}(p) = -(1 - p)^{\gamma} \log p .$$

By the product rule,

$$\frac{d\,\mathrm{FL}}{dp} = \gamma (1 - p)^{\gamma - 1} \log p - \frac{(1 - p)^{\gamma}}{p}.$$

The accepted answer on the forum had the first sign flipped, $\frac{d\,\mathrm{FL}}{dp} = -\gamma (1 - p)^{\gamma - 1} \log p - \frac{(1 - p)^{\gamma}}{p}$, which is wrong. For $\gamma = 0$ we recover $\frac{d\,\mathrm{FL}}{dp} = -\frac{1}{p}$, the cross-entropy.
""", [
    ("\\mathrm{FL}(p) = -(1 - p)", "def", None, None),
    ("= \\gamma (1 - p)^{\\gamma - 1} \\log p", "claim", True, lambda K: [[sp.diff(_FL, pt), g_ * (1 - pt)**(g_ - 1) * log(pt) - (1 - pt)**g_ / pt]]),
    ("= -\\gamma (1 - p)", "claim", False, lambda K: [[sp.diff(_FL, pt), -g_ * (1 - pt)**(g_ - 1) * log(pt) - (1 - pt)**g_ / pt]]),
    ("= -\\frac{1}{p}", "claim", True, lambda K: [[sp.diff(_FL, pt).subs(g_, 0), -1 / pt]]),
])


# ---------------------------------------------------------------- e05 KL divergence, q a distribution (stated first)
def _e05(K, which):
    z, q = V("z", K), V("q", K, positive=True)
    p = softmax(z)
    out = []
    # q is a distribution: put q_K = 1 - sum of the others
    qq = q[:-1] + [1 - sum(q[:-1])]
    Dk = sum(qq[k] * log(qq[k] / p[k]) for k in range(K))
    Dfree = sum(q[k] * log(q[k] / p[k]) for k in range(K))
    for i in range(K):
        if which == "z":
            out.append([sp.diff(Dk, z[i]), p[i] - qq[i]])
        elif which == "zs":
            out.append([sp.diff(Dk, z[i]), qq[i] - p[i]])
        elif which == "q":
            out.append([sp.diff(Dfree, q[i]), log(q[i] / p[i]) + 1])
        elif which == "qs":
            out.append([sp.diff(Dfree, q[i]), log(q[i] / p[i])])
    return out

D["e05_kl_divergence_qa.md"] = (r"""Let $q$ be a fixed target distribution over $K$ classes (its entries are nonnegative and sum to one) and $p = \mathrm{softmax}(z)$, that is $p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$. The divergence is

$$D_{\mathrm{KL}}(q \,\|\, p) = \sum_{k=1}^{K} q_k \log \frac{q_k}{p_k}.$$

Its gradient with respect to the logits is $\frac{\partial D_{\mathrm{KL}}}{\partial z_i} = p_i - q_i$ (the same as cross-entropy, since the entropy of $q$ does not depend on $z$), and not $\frac{\partial D_{\mathrm{KL}}}{\partial z_i} = q_i - p_i$.

Treating $q$ as a free variable instead, $\frac{\partial D_{\mathrm{KL}}}{\partial q_i} = \log \frac{q_i}{p_i} + 1$; dropping the $+1$, as in $\frac{\partial D_{\mathrm{KL}}}{\partial q_i} = \log \frac{q_i}{p_i}$, is a common slip.
""", [
    ("p_k = \\frac{e^{z_k}}", "def", None, None),
    ("\\frac{\\partial D_{\\mathrm{KL}}}{\\partial z_i} = p_i - q_i", "claim", True, lambda K: _e05(K, "z")),
    ("\\frac{\\partial D_{\\mathrm{KL}}}{\\partial z_i} = q_i - p_i", "claim", False, lambda K: _e05(K, "zs")),
    ("\\log \\frac{q_i}{p_i} + 1", "claim", True, lambda K: _e05(K, "q")),
    ("\\frac{\\partial D_{\\mathrm{KL}}}{\\partial q_i} = \\log \\frac{q_i}{p_i}$", "claim", False, lambda K: _e05(K, "qs")),
])


# ---------------------------------------------------------------- e06 library doc: BCE with logits
y_ = sp.Symbol("y", real=True)
_BCE = -y_ * log(sig(x_)) - (1 - y_) * log(1 - sig(x_))

D["e06_libdoc_bce_with_logits.md"] = (r"""## `binary_cross_entropy_with_logits(x, y)`

Combines a sigmoid layer and the binary cross-entropy in one numerically stable function.

**Parameters**

- `x` – the logit $x \in \mathbb{R}$.
- `y` – the target $y \in [0, 1]$.

**Returns** the loss

$$\ell(x, y) = -y \log \sigma(x) - (1 - y) \log\left(1 - \sigma(x)\right) = \log\left(1 + e^{x}\right) - x y .$$

**Gradient.** The backward pass returns $\frac{\partial \ell}{\partial x} = \sigma(x) - y$.

> **Note.** Older versions of this page stated $\frac{\partial \ell}{\partial x} = y - \sigma(x)$; that was a documentation bug.
""", [
    ("-y \\log \\sigma(x) - (1 - y)", "chain", [0, 0], lambda K: [[_BCE, log(1 + exp(x_)) - x_ * y_]]),
    ("= \\sigma(x) - y", "claim", True, lambda K: [[sp.diff(_BCE, x_), sig(x_) - y_]]),
    ("= y - \\sigma(x)", "claim", False, lambda K: [[sp.diff(_BCE, x_), y_ - sig(x_)]]),
])


# ---------------------------------------------------------------- e07 lecture: sigmoid derivative, align with tags
D["e07_lecture_sigmoid_tags.md"] = (r"""# Lecture 4: the logistic unit

Recall $\sigma(x) = \frac{1}{1 + e^{-x}}$. Then

\begin{align}
\sigma'(x) &= \frac{e^{-x}}{(1 + e^{-x})^2} \tag{4.1} \\
&= \frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}} \nonumber \\
&= \sigma(x)\,\bigl(1 - \sigma(x)\bigr). \tag{4.2}
\end{align}

**Exercise.** A student claims that by (4.2), $\frac{d}{dx}\sigma(2x) = \sigma(2x)\,(1 - \sigma(2x))$. This forgets the inner derivative; the correct statement is $\frac{d}{dx}\sigma(2x) = 2\sigma(2x)\,(1 - \sigma(2x))$.
""", [
    ("\\sigma'(x) &= \\frac{e^{-x}}", "chain", [0, 0, 0, 0], lambda K: [[sp.diff(sig(x_), x_), exp(-x_) / (1 + exp(-x_))**2,
                                                                   exp(-x_) / (1 + exp(-x_))**2, sig(x_) * (1 - sig(x_))]]),
    ("\\frac{d}{dx}\\sigma(2x) = \\sigma(2x)", "claim", False, lambda K: [[sp.diff(sig(2 * x_), x_), sig(2 * x_) * (1 - sig(2 * x_))]]),
    ("= 2\\sigma(2x)", "claim", True, lambda K: [[sp.diff(sig(2 * x_), x_), 2 * sig(2 * x_) * (1 - sig(2 * x_))]]),
])


# ---------------------------------------------------------------- e08 tanh through the sigmoid, primes
def dsig(u):
    return sig(u) * (1 - sig(u))

D["e08_tanh_via_sigmoid.md"] = (r"""A handy identity: $\tanh(x) = 2\sigma(2x) - 1$. Differentiating both sides and using $\sigma' = \sigma(1 - \sigma)$,

$$\frac{d}{dx}\tanh(x) = 4\,\sigma'(2x) = 4\,\sigma(2x)\left(1 - \sigma(2x)\right).$$

If you only differentiate the outer function you get $\frac{d}{dx}\tanh(x) = 2\,\sigma'(2x)$, which is off by a factor of two. The familiar form is $\tanh'(x) = 1 - \tanh(x)^2$.
""", [
    ("\\tanh(x) = 2\\sigma(2x) - 1", "claim", True, lambda K: [[tanh(x_), 2 * sig(2 * x_) - 1]]),
    ("= 4\\,\\sigma'(2x)", "chain", [0, 0, 0], lambda K: [[sp.diff(tanh(x_), x_), 4 * dsig(2 * x_), 4 * sig(2 * x_) * (1 - sig(2 * x_))]]),
    ("= 2\\,\\sigma'(2x)", "claim", False, lambda K: [[sp.diff(tanh(x_), x_), 2 * dsig(2 * x_)]]),
    ("\\tanh'(x) = 1 - \\tanh(x)^2", "claim", True, lambda K: [[sp.diff(tanh(x_), x_), 1 - tanh(x_)**2]]),
])


# ---------------------------------------------------------------- e09 ReLU piecewise, cases in prose
xp = sp.Symbol("x", positive=True)
xn = sp.Symbol("x", negative=True)

D["e09_relu_piecewise_notes.md"] = (r"""## ReLU

$$\mathrm{ReLU}(x) = \max(0, x), \qquad \mathrm{ReLU}'(x) = \begin{cases} 1 & \text{if } x > 0, \\ 0 & \text{if } x < 0. \end{cases}$$

The leaky variant is $f(x) = \max(\alpha x, x)$ with $0 < \alpha < 1$. For negative inputs its slope is the leak, $f'(x) = \alpha$; for positive ones $f'(x) = 1$.

Composite: for $x > 0$ we have $\frac{d}{dx}\,\mathrm{ReLU}(x)^2 = 2x$.
""", [
    ("f'(x) = \\alpha", "claim", True, lambda K: [[sp.diff(sp.Max(a * xn, xn), xn), a] for a in (Q(1, 2), Q(1, 3))]),
    ("f'(x) = 1", "claim", True, lambda K: [[sp.diff(sp.Max(a * xp, xp), xp), 1] for a in (Q(1, 2), Q(1, 3))]),
    ("\\frac{d}{dx}\\,\\mathrm{ReLU}(x)^2 = 2x", "claim", True, lambda K: [[sp.diff(sp.Max(0, xp)**2, xp), 2 * xp]]),
])


# ---------------------------------------------------------------- e10 layer norm lecture, sigma^2 as a variance name
def _e10(K, which):
    x = V("x", K)
    mu = sum(x) / K
    var = sum((v - mu)**2 for v in x) / K
    out = []
    for j in range(K):
        rhs = {"mu": (sp.diff(mu, x[j]), Q(1, K)),
               "var": (sp.diff(var, x[j]), Q(2, K) * (x[j] - mu)),
               "vslip": (sp.diff(var, x[j]), Q(2, K) * (x[j] - mu) * (1 - Q(1, K))),
               "vslip2": (sp.diff(var, x[j]), 2 * (x[j] - mu))}[which]
        out.append(list(rhs))
    return out

D["e10_layernorm_variance_name.md"] = (r"""### Layer normalisation, the statistics

For a layer with $N$ units, the mean and the variance are

$$\mu = \frac{1}{N}\sum_{i=1}^{N} x_i, \qquad \sigma^2 = \frac{1}{N}\sum_{i=1}^{N} (x_i - \mu)^2 .$$

Their gradients are $\frac{\partial \mu}{\partial x_j} = \frac{1}{N}$ and

$$\frac{\partial \sigma^2}{\partial x_j} = \frac{2}{N}(x_j - \mu),$$

because the term through $\mu$ vanishes: $\sum_i (x_i - \mu) = 0$. Keeping it by mistake gives $\frac{\partial \sigma^2}{\partial x_j} = \frac{2}{N}(x_j - \mu)\left(1 - \frac{1}{N}\right)$, and forgetting the mean gives $\frac{\partial \sigma^2}{\partial x_j} = 2(x_j - \mu)$.
""", [
    ("\\mu = \\frac{1}{N}", "def", None, None),
    ("\\frac{\\partial \\mu}{\\partial x_j} = \\frac{1}{N}", "claim", True, lambda K: _e10(K, "mu")),
    ("= \\frac{2}{N}(x_j - \\mu),", "claim", True, lambda K: _e10(K, "var")),
    ("\\left(1 - \\frac{1}{N}\\right)", "claim", False, lambda K: _e10(K, "vslip")),
    ("= 2(x_j - \\mu)", "claim", False, lambda K: _e10(K, "vslip2")),
])
