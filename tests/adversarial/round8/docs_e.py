"""Round-8 documents, part E (typesetting variants; second pass on the classes FINDINGS.md names):
see docs_a.py for the item format."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}
x_ = sp.Symbol("x", real=True)


def sm_ij(K, f, cond=None, var="z"):
    z = V(var, K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


def dsig(u):
    return sig(u) * (1 - sig(u))


# ---------------------------------------------------------------- e42 \dfrac, \displaystyle, \sum\limits, \mathrm{d}
D["e42_dfrac_limits_mathrm_d.md"] = (r"""In display style: $\displaystyle p_i = \dfrac{e^{z_i}}{\sum\limits_{k=1}^{K} e^{z_k}}$, and with an upright d,

$$\frac{\mathrm{d}}{\mathrm{d}x}\,\log\left(1 + e^{-x}\right) = -\left(1 - \sigma(x)\right), \qquad \dfrac{\partial p_i}{\partial z_j} = p_i\left(\delta_{ij} - p_j\right).$$

The tempting $\frac{\mathrm{d}}{\mathrm{d}x}\,\log\left(1 + e^{-x}\right) = \sigma(x)$ has the wrong sign and the wrong function.
""", [
    ("p_i = \\dfrac{e^{z_i}}", "def", None, None),
    ("= -\\left(1 - \\sigma(x)\\right)", "claim", True, lambda K: [[sp.diff(log(1 + exp(-x_)), x_), -(1 - sig(x_))]]),
    ("= p_i\\left(\\delta_{ij} - p_j\\right)", "claim", True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (delta(i, j) - p[j]))),
    ("\\log\\left(1 + e^{-x}\\right) = \\sigma(x)", "claim", False, lambda K: [[sp.diff(log(1 + exp(-x_)), x_), sig(x_)]]),
])


# ---------------------------------------------------------------- e43 bold vectors, \boldsymbol, \cdot products
def _e43(K, which):
    w, x = V("w", K), V("x", K)
    b = sp.Symbol("b", real=True)
    s = sum(w[k] * x[k] for k in range(K)) + b
    y = sig(s)
    return [[sp.diff(y, w[i]), {"ok": dsig(s) * x[i], "slip": dsig(s) * w[i]}[which]] for i in range(K)]

D["e43_bold_vectors_cdot.md"] = (r"""A neuron with weights $\mathbf{w} = (w_1, \dots, w_K)$ outputs $y = \sigma\left(\sum_{k=1}^{K} w_k x_k + b\right)$. Then, for each coordinate,

$$\frac{\partial y}{\partial w_i} = y \cdot (1 - y) \cdot x_i ,$$

and not $\frac{\partial y}{\partial w_i} = y \cdot (1 - y) \cdot w_i$.
""", [
    ("y = \\sigma\\left(\\sum", "def", None, None),
    ("= y \\cdot (1 - y) \\cdot x_i", "claim", True, lambda K: _e43(K, "ok")),
    ("= y \\cdot (1 - y) \\cdot w_i", "claim", False, lambda K: _e43(K, "slip")),
])


# ---------------------------------------------------------------- e44 a definition whose left side is an application, unread
D["e44_js_divergence_unread.md"] = (r"""The Jensen–Shannon divergence is $\mathrm{JS}(p \,\|\, q) = \frac{1}{2}\mathrm{KL}(p \,\|\, m) + \frac{1}{2}\mathrm{KL}(q \,\|\, m)$ with $m = \frac{1}{2}(p + q)$.

Its derivative with respect to $p_i$ is $\frac{\partial\, \mathrm{JS}}{\partial p_i} = \frac{1}{2}\log\frac{p_i}{m_i}$.
""", [
    # true for distributions p, q and KL(a||b) = sum a log(a/b), differentiating p_i freely (Σ-terms cancel)
    ("= \\frac{1}{2}\\log\\frac{p_i}{m_i}", "claim", True, lambda K: (lambda p, q: [
        [sp.diff(sum(p[k] * log(p[k] / ((p[k] + q[k]) / 2)) + q[k] * log(q[k] / ((p[k] + q[k]) / 2)) for k in range(K)) / 2, p[i]),
         log(p[i] / ((p[i] + q[i]) / 2)) / 2] for i in range(K)])(V("p", K, positive=True), V("q", K, positive=True))),
])


# ---------------------------------------------------------------- e45 a stated sign in words ("positive", "for x < 0")
xn = sp.Symbol("x", negative=True)
xp = sp.Symbol("x", positive=True)

D["e45_abs_value_sign_words.md"] = (r"""For the absolute value, on the negative half-line ($x < 0$) we have $\frac{d}{dx}|x| = -1$, and for positive $x$ the slope is $\frac{d}{dx}|x| = 1$.
""", [
    ("\\frac{d}{dx}|x| = -1", "claim", True, lambda K: [[sp.diff(sp.Abs(xn), xn), -1]]),
    ("\\frac{d}{dx}|x| = 1", "claim", True, lambda K: [[sp.diff(sp.Abs(sp.Symbol("x", positive=True)), sp.Symbol("x", positive=True)), 1]]),
])


# ---------------------------------------------------------------- e46 "from now on" assumption, next paragraph
D["e46_from_now_on_case.md"] = (r"""Let $y_i = \frac{e^{a_i}}{\sum_{k=1}^{K} e^{a_k}}$. From now on we only look at the off-diagonal case $i \neq j$.

Differentiating the denominator gives $\frac{\partial y_i}{\partial a_j} = -y_i y_j$.
""", [
    ("y_i = \\frac{e^{a_i}}", "def", None, None),
    ("= -y_i y_j", "claim", True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"], var="a")),
])


# ---------------------------------------------------------------- e47 "otherwise" / "whereas" contrast
D["e47_whereas_otherwise.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$: when $i = j$ the derivative is $\frac{\partial p_i}{\partial z_j} = p_i - p_i^2$, whereas otherwise $\frac{\partial p_i}{\partial z_j} = -p_i p_j$.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("= p_i - p_i^2", "claim", True, lambda K: sm_ij(K, lambda p, i, j: p[i] - p[i]**2, lambda d: d["i"] == d["j"])),
    ("= -p_i p_j", "claim", True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
])


# ---------------------------------------------------------------- e48 a denial after the one-hot cue
def _e48(K, which):
    z, y = V("z", K, ), V("y", K, positive=True)
    p = softmax(z)
    L = -sum(y[k] * log(p[k]) for k in range(K))
    return [[sp.diff(L, z[i]), p[i] - y[i] if which == "slip" else p[i] * sum(y) - y[i]] for i in range(K)]

D["e48_onehot_denied_after.md"] = (r"""Our targets come from annotator votes. With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and the cross-entropy $L = -\sum_{k=1}^{K} y_k \log p_k$, you might expect $\frac{\partial L}{\partial z_i} = p_i - y_i$ if $y$ were one-hot, but it is not: the votes are raw counts. The gradient is $\frac{\partial L}{\partial z_i} = p_i \sum_{k=1}^{K} y_k - y_i$.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("= p_i - y_i", "claim", False, lambda K: _e48(K, "slip")),
    ("= p_i \\sum_{k=1}^{K} y_k - y_i", "claim", True, lambda K: _e48(K, "ok")),
])


# ---------------------------------------------------------------- e49 a scalar named with a subscript beside its own name
w_, x0, s0 = sp.symbols("w x_0 s_0", real=True)
_s = sig(w_ * x0 + s0)

D["e49_name_and_subscripted_name.md"] = (r"""The gate is $g = \sigma(w x_0 + g_0)$, where $g_0$ is the bias of the gate and $x_0$ its input. Then $\frac{\partial g}{\partial w} = g(1 - g)\, x_0$.
""", [
    ("= g(1 - g)\\, x_0", "claim", True, lambda K: [[sp.diff(_s, w_), _s * (1 - _s) * x0]]),
])


# ---------------------------------------------------------------- e50 products Π and log of a product
def _e50(K, which):
    x = V("x", K, positive=True)
    P = sp.Mul(*x)
    return [[sp.diff(P, x[i]), P / x[i] if which == "ok" else P]for i in range(K)]

D["e50_product_notation.md"] = (r"""For positive inputs let $P = \prod_{k=1}^{K} x_k$. Since $\log P = \sum_{k=1}^{K} \log x_k$, we get $\frac{\partial P}{\partial x_i} = \frac{P}{x_i}$, not $\frac{\partial P}{\partial x_i} = P$.
""", [
    ("P = \\prod_{k=1}^{K} x_k", "def", None, None),
    ("\\log P = \\sum_{k=1}^{K} \\log x_k", "claim", True, lambda K: (lambda x: [[sp.expand_log(log(sp.Mul(*x)), force=True), sum(log(v) for v in x)]])(V("x", K, positive=True))),
    ("= \\frac{P}{x_i}", "claim", True, lambda K: _e50(K, "ok")),
    ("\\frac{\\partial P}{\\partial x_i} = P$", "claim", False, lambda K: _e50(K, "slip")),
])


# ---------------------------------------------------------------- e51 ambiguous: exponent of a function, log base, sin^{-1}-like
D["e51_more_ambiguity.md"] = (r"""Two lines from a forum post, without context:

- $\frac{d}{dx}\, \log x/2 = \frac{1}{x}$
- $\frac{d}{dx}\, \log \sigma(x)^{-1} = \sigma(x) - 1$
""", [
    ("\\log x/2 = \\frac{1}{x}", "amb", "amb", lambda K: ([[sp.diff(log(xp / 2), xp), 1 / xp]], [[sp.diff(log(xp) / 2, xp), 1 / xp]])),
    ("\\log \\sigma(x)^{-1} = \\sigma(x) - 1", "amb", "amb", lambda K: ([[sp.diff(log(1 / sig(x_)), x_), sig(x_) - 1]],
                                                         [[sp.diff(1 / log(sig(x_)), x_), sig(x_) - 1]])),
])
