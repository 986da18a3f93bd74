"""Round-8 documents, part F (third pass: the mends' edges, more environments, indicator
notation): see docs_a.py for the item format."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}
x_ = sp.Symbol("x", real=True)
xp = sp.Symbol("x", positive=True)
xn = sp.Symbol("x", negative=True)


def sm_ij(K, f, cond=None, var="z"):
    z = V(var, K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


# ---------------------------------------------------------------- f52 a slip inside a stated domain
D["f52_slip_inside_domain.md"] = (r"""For $x > 0$ the ReLU is the identity, $\mathrm{ReLU}(x) = \max(0, x)$, so there $\frac{d}{dx}\,\mathrm{ReLU}(x)^2 = x$ would be a slip: the right value is $2x$.
""", [
    ("\\mathrm{ReLU}(x)^2 = x", "claim", False, lambda K: [[sp.diff(sp.Max(0, xp)**2, xp), xp]]),
])


# ---------------------------------------------------------------- f53 a domain of one section does not reach the next
D["f53_domain_other_section.md"] = (r"""## Positive inputs

For $x > 0$ we have $|x| = x$ and $\frac{d}{dx}|x| = 1$.

## In general

Without any restriction on the sign, it is tempting but false to write $\frac{d}{dx}|x| = 1$ for every real $x$.
""", [
    ("\\frac{d}{dx}|x| = 1", "claim", True, lambda K: [[sp.diff(sp.Abs(xp), xp), 1]]),
    ("\\frac{d}{dx}|x| = 1", "claim", False, lambda K: [[sp.diff(sp.Abs(xn), xn), 1]]),
])


# ---------------------------------------------------------------- f54 a section-wide case and a later case that contradicts it
D["f54_contradicting_cases.md"] = (r"""## Off-diagonal

Throughout this section we assume $i \neq j$. With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ the entries are $\frac{\partial p_i}{\partial z_j} = -p_i p_j$.

When instead $i = j$, a common slip is $\frac{\partial p_i}{\partial z_j} = -p_i^2$.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("= -p_i p_j", "claim", True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    ("= -p_i^2", "claim", False, lambda K: sm_ij(K, lambda p, i, j: -p[i]**2, lambda d: d["i"] == d["j"])),
])


# ---------------------------------------------------------------- f55 indicator and Iverson brackets for the Kronecker delta
D["f55_indicator_iverson.md"] = (r"""Some authors avoid $\delta_{ij}$. With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$:

$$\frac{\partial p_i}{\partial z_j} = p_i\left(\mathbb{1}[i = j] - p_j\right) = p_i\,[i = j] - p_i p_j .$$

Writing $\frac{\partial p_i}{\partial z_j} = p_j\left(\mathbb{1}[i = j] - p_i\right)$ happens to be equal, by symmetry of the product $p_i p_j$ and because $p_i = p_j$ when $i = j$.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("\\mathbb{1}[i = j] - p_j\\right) = p_i", "chain", [0, 0, 0], lambda K: (lambda z: over(K, "ij", lambda d: [
        sp.diff(softmax(z)[d["i"]], z[d["j"]]), softmax(z)[d["i"]] * (delta(d["i"], d["j"]) - softmax(z)[d["j"]]),
        softmax(z)[d["i"]] * delta(d["i"], d["j"]) - softmax(z)[d["i"]] * softmax(z)[d["j"]]]))(V("z", K))),
    ("= p_j\\left(\\mathbb{1}[i = j] - p_i\\right)", "claim", True, lambda K: sm_ij(K, lambda p, i, j: p[j] * (delta(i, j) - p[i]))),
])


# ---------------------------------------------------------------- f56 array rcl chain with a wrong middle step
def _f56(K):
    x = V("x", K)
    f = sum(v**2 for v in x) / 2 + sum(x)
    return over(K, "i", lambda d: [sp.diff(f, x[d["i"]]), x[d["i"]] + 1, x[d["i"]] + 1, 2 * x[d["i"]] + 1])

D["f56_array_rcl_chain.md"] = (r"""Let $f(x) = \frac{1}{2}\sum_{k=1}^{K} x_k^2 + \sum_{k=1}^{K} x_k$. Then

$$
\begin{array}{rcl}
\dfrac{\partial f}{\partial x_i} & = & \dfrac{1}{2}\cdot 2 x_i + 1 \\[4pt]
& = & x_i + 1 \\[4pt]
& = & 2x_i + 1 .
\end{array}
$$
(The last line is a typo in the original notes.)
""", [
    ("f(x) = \\frac{1}{2}\\sum", "def", None, None),
    ("\\dfrac{1}{2}\\cdot 2 x_i + 1", "chain", [0, 0, 0, 1], _f56),
])


# ---------------------------------------------------------------- f57 split / gather environments
def _f57(K, which):
    w, b = sp.symbols("w b", real=True)
    xs, ys = V("x", K), V("y", K)
    L = sum((w * xs[n] + b - ys[n])**2 for n in range(K)) / K
    r = [w * xs[n] + b - ys[n] for n in range(K)]
    return {"w": [[sp.diff(L, w), 2 * sum(r[n] * xs[n] for n in range(K)) / K]],
            "b": [[sp.diff(L, b), 2 * sum(r) / K]],
            "bslip": [[sp.diff(L, b), 2 * sum(r[n] * xs[n] for n in range(K)) / K]]}[which]

D["f57_split_gather.md"] = (r"""Simple linear regression, mean squared error over $N$ points:

\begin{equation}
\begin{split}
L(w, b) &= \frac{1}{N}\sum_{n=1}^{N} \left(w x_n + b - y_n\right)^2 .
\end{split}
\end{equation}

\begin{gather}
\frac{\partial L}{\partial w} = \frac{2}{N}\sum_{n=1}^{N} \left(w x_n + b - y_n\right) x_n , \\
\frac{\partial L}{\partial b} = \frac{2}{N}\sum_{n=1}^{N} \left(w x_n + b - y_n\right) .
\end{gather}

Copying the first line for the bias gives $\frac{\partial L}{\partial b} = \frac{2}{N}\sum_{n=1}^{N} \left(w x_n + b - y_n\right) x_n$, which is wrong.
""", [
    ("L(w, b) &= \\frac{1}{N}", "def", None, None),
    ("\\frac{\\partial L}{\\partial w} = \\frac{2}{N}", "claim", True, lambda K: _f57(K, "w")),
    ("\\frac{\\partial L}{\\partial b} = \\frac{2}{N}\\sum_{n=1}^{N} \\left(w x_n + b - y_n\\right) .", "claim", True, lambda K: _f57(K, "b")),
    ("\\left(w x_n + b - y_n\\right) x_n$", "claim", False, lambda K: _f57(K, "bslip")),
])


# ---------------------------------------------------------------- f58 \exp\{...\}, \ln, \tfrac
D["f58_exp_braces_ln_tfrac.md"] = (r"""Write the logistic function as $\sigma(x) = \tfrac{1}{1 + \exp\{-x\}}$. Then $\frac{d}{dx} \ln \sigma(x) = 1 - \sigma(x)$ and $\frac{d}{dx} \ln\left(1 - \sigma(x)\right) = -\sigma(x)$; the sign slip $\frac{d}{dx} \ln\left(1 - \sigma(x)\right) = \sigma(x)$ is common.
""", [
    ("\\ln \\sigma(x) = 1 - \\sigma(x)", "claim", True, lambda K: [[sp.diff(log(sig(x_)), x_), 1 - sig(x_)]]),
    ("\\right) = -\\sigma(x)", "claim", True, lambda K: [[sp.diff(log(1 - sig(x_)), x_), -sig(x_)]]),
    ("\\right) = \\sigma(x)$", "claim", False, lambda K: [[sp.diff(log(1 - sig(x_)), x_), sig(x_)]]),
])


# ---------------------------------------------------------------- f59 a value stated for the experiments, not for the derivation
def _f59(K, which):
    w, x = V("w", K), V("x", K)
    lam, y = sp.Symbol("lambda", positive=True), sp.Symbol("y", real=True)
    r = sum(w[k] * x[k] for k in range(K)) - y
    J = r**2 / 2 + lam / 2 * sum(v**2 for v in w)
    return [[sp.diff(J, w[i]), r * x[i] + (lam * w[i] if which == "ok" else 0)] for i in range(K)]

D["f59_value_for_experiments.md"] = (r"""The regularised objective is $J = \frac{1}{2}\left(\sum_{k=1}^{K} w_k x_k - y\right)^2 + \frac{\lambda}{2}\sum_{k=1}^{K} w_k^2$, with gradient $\frac{\partial J}{\partial w_i} = \left(\sum_{k=1}^{K} w_k x_k - y\right) x_i + \lambda w_i$.

A reader's version, $\frac{\partial J}{\partial w_i} = \left(\sum_{k=1}^{K} w_k x_k - y\right) x_i$, forgets the penalty.

(In the experiments of Section 5 we set $\lambda = 0.01$.)
""", [
    ("x_i + \\lambda w_i", "claim", True, lambda K: _f59(K, "ok")),
    ("- y\\right) x_i$", "claim", False, lambda K: _f59(K, "slip")),
])


# ---------------------------------------------------------------- f60 a "where" clause defining the target far below
def _f60(K, which):
    z = V("z", K)
    p = softmax(z)
    out = []
    for c in range(K):
        t = [delta(k, c) for k in range(K)]
        L = -sum(t[k] * log(p[k]) for k in range(K))
        for i in range(K):
            out.append([sp.diff(L, z[i]), (p[i] - t[i]) if which == "ok" else (t[i] - p[i])])
    return out

D["f60_where_far_below.md"] = (r"""# Notes on the output layer

$$L = -\sum_{k=1}^{K} t_k \log p_k, \qquad p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$$

$$\frac{\partial L}{\partial z_i} = p_i - t_i$$

Some lecture slides instead show $\frac{\partial L}{\partial z_i} = t_i - p_i$, the negative gradient.

The derivation of the first line uses only that the entries of the target sum to one.

Here $t$ is the one-hot encoding of the class label.
""", [
    ("p_k = \\frac{e^{z_k}}", "def", None, None),
    ("= p_i - t_i", "claim", True, lambda K: _f60(K, "ok")),
    ("= t_i - p_i", "claim", False, lambda K: _f60(K, "slip")),
])


# ---------------------------------------------------------------- f61 tanh written with a prime on a named value
_a = tanh(x_)

D["f61_tanh_named_activation.md"] = (r"""With $a = \tanh(x)$ we have $\frac{da}{dx} = 1 - a^2$ and, one level further, $\frac{d^2 a}{dx^2} = -2a\left(1 - a^2\right)$. The second derivative is often misquoted as $\frac{d^2 a}{dx^2} = -2a$.
""", [
    ("a = \\tanh(x)", "def", None, None),
    ("\\frac{da}{dx} = 1 - a^2", "claim", True, lambda K: [[sp.diff(_a, x_), 1 - _a**2]]),
    ("= -2a\\left(1 - a^2\\right)", "claim", True, lambda K: [[sp.diff(_a, x_, 2), -2 * _a * (1 - _a**2)]]),
    ("= -2a$", "claim", False, lambda K: [[sp.diff(_a, x_, 2), -2 * _a]]),
])
