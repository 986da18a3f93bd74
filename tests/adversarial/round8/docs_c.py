"""Round-8 documents, part C (blog posts; conditions far from the formula): see docs_a.py."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}
x_ = sp.Symbol("x", real=True)


def sm_ij(K, f, cond=None, var="z"):
    z = V(var, K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


# ---------------------------------------------------------------- e21 Σ without limits (index only)
def _e21(K, which):
    y, h = V("y", K), V("h", K)
    L = sum((y[i] - h[i])**2 for i in range(K))
    return [[sp.diff(L, h[i]), (-2 if which == "ok" else 2) * (y[i] - h[i])] for i in range(K)]

D["e21_blog_sum_without_limits.md"] = (r"""So you want to fit a regression. The squared loss is

$$L = \sum_i (y_i - \hat y_i)^2$$

where the sum runs over every output. Differentiate term by term: only the $i$-th term contains $\hat y_i$, so $\frac{\partial L}{\partial \hat y_i} = -2(y_i - \hat y_i)$. Beginners often lose the minus sign from the inner derivative and write $\frac{\partial L}{\partial \hat y_i} = 2(y_i - \hat y_i)$.
""", [
    ("L = \\sum_i (y_i", "def", None, None),
    ("= -2(y_i - \\hat y_i)", "claim", True, lambda K: _e21(K, "ok")),
    ("= 2(y_i - \\hat y_i)", "claim", False, lambda K: _e21(K, "slip")),
])


# ---------------------------------------------------------------- e22 eqnarray with &=&, nonumber
def _e22(K):
    N = K
    w = sp.Symbol("w", real=True)
    xs, ys = V("x", N), V("y", N)
    L = sum((w * xs[n] - ys[n])**2 for n in range(N)) / (2 * N)
    return [[sp.diff(L, w), sum(2 * (w * xs[n] - ys[n]) * xs[n] for n in range(N)) / (2 * N),
             sum((w * xs[n] - ys[n]) * xs[n] for n in range(N)) / N,
             (w * sum(v**2 for v in xs) - sum(xs[n] * ys[n] for n in range(N))) / N,
             (w * sum(v**2 for v in xs) - sum(xs[n] * ys[n] for n in range(N)))]]

D["e22_eqnarray_one_weight.md"] = (r"""For a model with a single weight, $L(w) = \frac{1}{2N}\sum_{n=1}^{N}(w x_n - y_n)^2$, and

\begin{eqnarray}
\frac{dL}{dw} &=& \frac{1}{2N}\sum_{n=1}^{N} 2 (w x_n - y_n)\, x_n \nonumber \\
&=& \frac{1}{N}\sum_{n=1}^{N} (w x_n - y_n)\, x_n \\
&=& \frac{1}{N}\Big(w \sum_{n=1}^{N} x_n^2 - \sum_{n=1}^{N} x_n y_n\Big) \\
&=& w \sum_{n=1}^{N} x_n^2 - \sum_{n=1}^{N} x_n y_n
\end{eqnarray}

where the last line is only proportional to the gradient (we dropped the $\frac{1}{N}$, which does not move the minimiser), so strictly it is not an equality.
""", [
    ("L(w) = \\frac{1}{2N}", "def", None, None),
    ("\\frac{1}{2N}\\sum_{n=1}^{N} 2", "chain", [0, 0, 0, 0, 1], _e22),
])


# ---------------------------------------------------------------- e23 an assumption for the whole section
D["e23_assumption_for_section.md"] = (r"""## Off-diagonal entries of the softmax Jacobian

Throughout this section we assume $i \neq j$. Let $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$.

The numerator $e^{z_i}$ does not depend on $z_j$, so only the denominator contributes.

Therefore $\frac{\partial p_i}{\partial z_j} = -p_i p_j$, a negative number.

## The diagonal

Here $i = j$ and $\frac{\partial p_i}{\partial z_i} = p_i(1 - p_i)$.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("= -p_i p_j", "claim", True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    ("= p_i(1 - p_i)", "claim", True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] == d["j"])),
])


# ---------------------------------------------------------------- e24 \text{...} conditions inside formulas
D["e24_text_conditions_inline.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ the two cases are

$$\frac{\partial p_i}{\partial z_j} = p_i(1 - p_j) \quad \text{if } i = j,$$

$$\frac{\partial p_i}{\partial z_j} = -p_i p_j \quad \text{for } i \neq j .$$

One blog post writes $\frac{\partial p_i}{\partial z_j} = p_i(1 - p_i) \quad \text{for } i \neq j$, which is wrong.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("p_i(1 - p_j) \\quad \\text{if } i = j", "claim", True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 - p[j]), lambda d: d["i"] == d["j"])),
    ("-p_i p_j \\quad \\text{for } i \\neq j", "claim", True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    ("p_i(1 - p_i) \\quad \\text{for } i \\neq j", "claim", False, lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] != d["j"])),
])


# ---------------------------------------------------------------- e25 ambiguous notation: 1/2x, sigma^{-1}, undefined y
xp = sp.Symbol("x", positive=True)
u_ = sp.Symbol("u", positive=True)

D["e25_ambiguous_notation.md"] = (r"""Some quick facts from my cheat sheet (typed in a hurry):

- $\frac{d}{dx}\, 1/2x^2 = x$
- $\frac{d}{du}\,\sigma^{-1}(u) = \frac{1}{u(1 - u)}$
- $\frac{dy}{dx} = y(1 - y)$
""", [
    ("1/2x^2 = x", "amb", "amb", lambda K: ([[sp.diff(x_**2 / 2, x_), x_]], [[sp.diff(1 / (2 * xp**2), xp), xp]])),
    ("\\sigma^{-1}(u)", "amb", "amb", lambda K: ([[sp.diff(log(u_ / (1 - u_)), u_), 1 / (u_ * (1 - u_))]],
                                                 [[sp.diff(1 + exp(-u_), u_), 1 / (u_ * (1 - u_))]])),
    ("\\frac{dy}{dx} = y(1 - y)", "amb", "amb", lambda K: ([[sp.diff(sig(x_), x_), sig(x_) * (1 - sig(x_))]],
                                                          [[sp.diff(tanh(x_), x_), tanh(x_) * (1 - tanh(x_))]])),
])


# ---------------------------------------------------------------- e26 BCE averaged over m examples, (i) superscripts
def _e26(K, which):
    m = K
    z, y = V("z", m), V("y", m)
    a = [sig(v) for v in z]
    J = -sum(y[i] * log(a[i]) + (1 - y[i]) * log(1 - a[i]) for i in range(m)) / m
    return [[sp.diff(J, z[i]), (a[i] - y[i]) / m if which == "ok" else a[i] - y[i]] for i in range(m)]

D["e26_bce_batch_superscripts.md"] = (r"""In the logistic-regression week we average the loss over the $m$ training examples:

$$J = -\frac{1}{m}\sum_{i=1}^{m}\left[y^{(i)}\log a^{(i)} + \left(1 - y^{(i)}\right)\log\left(1 - a^{(i)}\right)\right], \qquad a^{(i)} = \sigma\left(z^{(i)}\right).$$

Backprop gives $\frac{\partial J}{\partial z^{(i)}} = \frac{1}{m}\left(a^{(i)} - y^{(i)}\right)$. In code one usually writes `dz = a - y` and divides by $m$ later; the formula $\frac{\partial J}{\partial z^{(i)}} = a^{(i)} - y^{(i)}$ is then off by the factor $m$.
""", [
    ("= \\frac{1}{m}\\left(a^{(i)}", "claim", True, lambda K: _e26(K, "ok")),
    ("= a^{(i)} - y^{(i)}", "claim", False, lambda K: _e26(K, "slip")),
])


# ---------------------------------------------------------------- e27 log-softmax
def _e27(K, which):
    z = V("z", K)
    p = softmax(z)
    lp = [z[i] - log(sum(map(exp, z))) for i in range(K)]
    return over(K, "ij", lambda d: [sp.diff(lp[d["i"]], z[d["j"]]),
                                    delta(d["i"], d["j"]) - (p[d["j"]] if which == "ok" else p[d["i"]])])

D["e27_log_softmax_blog.md"] = (r"""Working in log space is both stabler and simpler. With $p_i = \frac{e^{z_i}}{\sum_{k} e^{z_k}}$,

$$\log p_i = z_i - \log \sum_{k} e^{z_k},$$

so $\frac{\partial \log p_i}{\partial z_j} = \delta_{ij} - p_j$ (no quotient rule needed). Writing $\frac{\partial \log p_i}{\partial z_j} = \delta_{ij} - p_i$ mixes up the indices.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("\\log p_i = z_i - \\log", "claim", True, lambda K: (lambda z: [[log(softmax(z)[i]), z[i] - log(sum(map(exp, z)))] for i in range(K)])(V("z", K))),
    ("= \\delta_{ij} - p_j", "claim", True, lambda K: _e27(K, "ok")),
    ("= \\delta_{ij} - p_i", "claim", False, lambda K: _e27(K, "slip")),
])


# ---------------------------------------------------------------- e28 the Euclidean norm
def _e28(K, which):
    x = V("x", K)
    n = sqrt(sum(v**2 for v in x))
    out = []
    for i in range(K):
        rhs = {"ok": (sp.diff(n, x[i]), x[i] / n), "sq": (sp.diff(n, x[i]), x[i] / n**2),
               "n2": (sp.diff(n**2, x[i]), 2 * x[i])}[which]
        out.append(list(rhs))
    return out

D["e28_norm_gradient_qa.md"] = (r"""**Q:** gradient of $\|x\|$?

**A:** Write $\|x\| = \sqrt{\sum_k x_k^2}$. Then $\frac{\partial \|x\|}{\partial x_i} = \frac{x_i}{\|x\|}$, a unit vector, while $\frac{\partial}{\partial x_i}\|x\|^2 = 2 x_i$. The answer above mine, $\frac{\partial \|x\|}{\partial x_i} = \frac{x_i}{\|x\|^2}$, is incorrect.
""", [
    ("= \\frac{x_i}{\\|x\\|}", "claim", True, lambda K: _e28(K, "ok")),
    ("\\|x\\|^2 = 2 x_i", "claim", True, lambda K: _e28(K, "n2")),
    ("= \\frac{x_i}{\\|x\\|^2}", "claim", False, lambda K: _e28(K, "sq")),
])


# ---------------------------------------------------------------- e29 swish with beta
be = sp.Symbol("beta", positive=True)
_sw = x_ * sig(be * x_)

D["e29_swish_blog.md"] = (r"""Swish is $\mathrm{swish}(x) = x\,\sigma(\beta x)$. Its derivative is

$$\frac{d}{dx}\mathrm{swish}(x) = \sigma(\beta x) + \beta x\, \sigma(\beta x)\left(1 - \sigma(\beta x)\right).$$

Several blog posts drop the inner $\beta$: $\frac{d}{dx}\mathrm{swish}(x) = \sigma(\beta x) + x\, \sigma(\beta x)\left(1 - \sigma(\beta x)\right)$ is only right at $\beta = 1$.
""", [
    ("= \\sigma(\\beta x) + \\beta x", "claim", True, lambda K: [[sp.diff(_sw, x_), sig(be * x_) + be * x_ * sig(be * x_) * (1 - sig(be * x_))]]),
    ("= \\sigma(\\beta x) + x\\,", "claim", False, lambda K: [[sp.diff(_sw, x_), sig(be * x_) + x_ * sig(be * x_) * (1 - sig(be * x_))]]),
])


# ---------------------------------------------------------------- e30 soft targets that need not sum to one
def _e30(K, which):
    z, y = V("z", K), V("y", K, positive=True)
    p = softmax(z)
    L = -sum(y[k] * log(p[k]) for k in range(K))
    return [[sp.diff(L, z[i]), p[i] * sum(y) - y[i] if which == "ok" else p[i] - y[i]] for i in range(K)]

D["e30_unnormalised_targets.md"] = (r"""### Weighted targets

In this post the targets $y_k \ge 0$ are per-class weights; they need not sum to one. With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and

$$L = -\sum_{k=1}^{K} y_k \log p_k ,$$

the gradient is $\frac{\partial L}{\partial z_i} = p_i \sum_{k=1}^{K} y_k - y_i$. The textbook form $\frac{\partial L}{\partial z_i} = p_i - y_i$ needs the weights to sum to one, which is not the case here.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("L = -\\sum_{k=1}^{K} y_k", "def", None, None),
    ("= p_i \\sum_{k=1}^{K} y_k - y_i", "claim", True, lambda K: _e30(K, "ok")),
    ("= p_i - y_i", "claim", False, lambda K: _e30(K, "slip")),
])


# ---------------------------------------------------------------- e31 diagonal / off-diagonal in words
D["e31_offdiagonal_in_words.md"] = (r"""The softmax $s_i = \frac{e^{a_i}}{\sum_{k=1}^{K} e^{a_k}}$ has a Jacobian whose diagonal entries ($i = j$) are $\frac{\partial s_i}{\partial a_j} = s_i(1 - s_i)$, while the off-diagonal ones are $\frac{\partial s_i}{\partial a_j} = -s_i s_j$.
""", [
    ("s_i = \\frac{e^{a_i}}", "def", None, None),
    ("= s_i(1 - s_i)", "claim", True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] == d["j"], var="a")),
    ("= -s_i s_j", "claim", True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"], var="a")),
])


# ---------------------------------------------------------------- e32 attention weights with temperature, \exp
def _e32(K, which):
    s, tau = V("s", K), sp.Symbol("tau", positive=True)
    e = [exp(v / tau) for v in s]
    al = [v / sum(e) for v in e]
    return [[sp.diff(al[j], s[j]), (al[j] * (1 - al[j]) / tau) if which == "ok" else tau * al[j] * (1 - al[j])] for j in range(K)]

D["e32_attention_temperature_exp.md"] = (r"""With temperature $\tau$ the attention weights are $\alpha_j = \frac{\exp(s_j/\tau)}{\sum_{k=1}^{K} \exp(s_k/\tau)}$. A lower $\tau$ sharpens them, and the sensitivity grows like $1/\tau$:

$$\frac{\partial \alpha_j}{\partial s_j} = \frac{1}{\tau}\,\alpha_j (1 - \alpha_j).$$

(Not $\frac{\partial \alpha_j}{\partial s_j} = \tau\, \alpha_j (1 - \alpha_j)$.)
""", [
    ("\\alpha_j = \\frac{\\exp", "def", None, None),
    ("= \\frac{1}{\\tau}\\,\\alpha_j", "claim", True, lambda K: _e32(K, "ok")),
    ("= \\tau\\, \\alpha_j", "claim", False, lambda K: _e32(K, "slip")),
])


# ---------------------------------------------------------------- e33 Bernoulli KL with a sigmoid
z_, q_ = sp.Symbol("z", real=True), sp.Symbol("q", positive=True)
_p = sig(z_)
_kl = q_ * log(q_ / _p) + (1 - q_) * log((1 - q_) / (1 - _p))

D["e33_bernoulli_kl.md"] = (r"""For two Bernoulli distributions with success probabilities $q$ (fixed) and $p = \sigma(z)$,

$$\mathrm{KL} = q \log\frac{q}{p} + (1 - q)\log\frac{1 - q}{1 - p},$$

and the gradient with respect to the logit is the familiar $\frac{\partial \mathrm{KL}}{\partial z} = p - q$, not $\frac{\partial \mathrm{KL}}{\partial z} = q - p$.
""", [
    ("p = \\sigma(z)", "def", None, None),
    ("= p - q", "claim", True, lambda K: [[sp.diff(_kl, z_), _p - q_]]),
    ("= q - p", "claim", False, lambda K: [[sp.diff(_kl, z_), q_ - _p]]),
])
