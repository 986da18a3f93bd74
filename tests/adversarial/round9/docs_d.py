"""Round-9 documents, part D (losses and layers: Huber, MAE, KL, policy gradient, BCE with logits,
batch norm, GELU, softplus with beta, attention weights) and the ambiguous items (kind amb)."""
import sympy as sp
from sympy import exp, log, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over, ce_grad, jac_sm, one, dsig, simplex, x_, z_

D = {}
a_ = sp.Symbol("a", real=True)
y_ = sp.Symbol("y", real=True)
beta = sp.Symbol("beta", positive=True)


# ------------------------------------------------------------ d01 KL(p || q) with q a softmax, p sums to one
def _d01(K, f):
    z = V("z", K)
    q = softmax(z)
    p = simplex(K)
    KL = sum(p[k] * log(p[k] / q[k]) for k in range(K))
    return [[sp.diff(KL, z[i]), f(p, q, i)] for i in range(K)]

D["d01_kl_student_logits.md"] = (r"""**KL to a fixed target.** The target distribution $p$ is fixed (its entries are nonnegative and sum to one) and the model is
$q_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$. With $D = \sum_{k=1}^{K} p_k \log \frac{p_k}{q_k}$,
$$\frac{\partial D}{\partial z_i} = q_i - p_i ,$$
exactly the cross-entropy gradient, since the entropy of $p$ does not depend on $z$. The sign is often flipped in slides: $\frac{\partial D}{\partial z_i} = p_i - q_i$.
""", [
    ("D = \\sum_{k=1}^{K} p_k \\log", "def", None, None),
    ("= q_i - p_i ,", "claim", True, lambda K: _d01(K, lambda p, q, i: q[i] - p[i])),
    ("= p_i - q_i", "claim", False, lambda K: _d01(K, lambda p, q, i: p[i] - q[i])),
])


# ------------------------------------------------------------ d02 policy gradient with a baseline
def _d02(K, f):
    th = V("theta", K)
    pi = softmax(th)
    R, b = sp.symbols("R b", real=True)
    out = []
    for a in range(K):
        g = (R - b) * log(pi[a])
        for i in range(K):
            out.append([sp.diff(g, th[i]), f(pi, R, b, a, i)])
    return out

D["d02_policy_gradient_baseline.md"] = (r"""#### REINFORCE with a baseline

The policy is a softmax over action preferences, $\pi_k = \frac{e^{\theta_k}}{\sum_{j=1}^{K} e^{\theta_j}}$. For a sampled action $a$, return $R$ and baseline $b$,
the surrogate $g = (R - b) \log \pi_a$ has
$$\frac{\partial g}{\partial \theta_i} = (R - b)\left(\delta_{ia} - \pi_i\right).$$
Pushing up the probability of the taken action means $\frac{\partial g}{\partial \theta_a} = (R - b)(1 - \pi_a)$; the draft's
$\frac{\partial g}{\partial \theta_i} = (R - b)\left(\pi_i - \delta_{ia}\right)$ would be gradient *descent* on the return.
""", [
    ("g = (R - b) \\log \\pi_a", "def", None, None),
    ("(R - b)\\left(\\delta_{ia} - \\pi_i\\right)", "claim", True, lambda K: _d02(K, lambda pi, R, b, a, i: (R - b) * (delta(i, a) - pi[i]))),
    ("= (R - b)(1 - \\pi_a)", "claim", True, lambda K: [[r[0], r[1]] for a in range(K) for r in [_d02(K, lambda pi, R, b, a_, i: (R - b) * (1 - pi[a_]))[a * K + a]]]),
    ("(R - b)\\left(\\pi_i - \\delta_{ia}\\right)", "claim", False, lambda K: _d02(K, lambda pi, R, b, a, i: (R - b) * (pi[i] - delta(i, a)))),
])


# ------------------------------------------------------------ d03 BCE with logits, two forms
D["d03_bce_with_logits.md"] = (r"""`BCEWithLogitsLoss` combines the sigmoid and the binary cross-entropy in one function of the logit $z$ and the target $y \in [0, 1]$:
$$\ell(z) = -y \log \sigma(z) - (1 - y) \log\left(1 - \sigma(z)\right) = \log\left(1 + e^{z}\right) - y z .$$
Both forms have the derivative $\frac{d\ell}{dz} = \sigma(z) - y$. The docs of one library state instead $\frac{d\ell}{dz} = y - \sigma(z)$.
""", [
    ("= \\log\\left(1 + e^{z}\\right) - y z", "claim", True,
     one(-y_ * log(sig(z_)) - (1 - y_) * log(1 - sig(z_)), log(1 + exp(z_)) - y_ * z_)),
    ("\\frac{d\\ell}{dz} = \\sigma(z) - y", "claim", True, one(sp.diff(log(1 + exp(z_)) - y_ * z_, z_), sig(z_) - y_)),
    ("\\frac{d\\ell}{dz} = y - \\sigma(z)", "claim", False, one(sp.diff(log(1 + exp(z_)) - y_ * z_, z_), y_ - sig(z_))),
])


# ------------------------------------------------------------ d04 batch norm without the gain
def _d04(K, f):
    x = V("x", K)
    N = K
    mu = sum(x) / N
    s = sqrt(sum((v - mu)**2 for v in x) / N)
    xh = [(v - mu) / s for v in x]
    return over(K, "ij", lambda d: [sp.diff(xh[d["i"]], x[d["j"]]), f(xh, s, d["i"], d["j"], N)])

D["d04_batchnorm_jacobian.md"] = (r"""Batch normalisation of $N$ scalars (no $\epsilon$, no affine part):
$\mu = \frac{1}{N} \sum_{n=1}^{N} x_n$, $s = \sqrt{\frac{1}{N} \sum_{n=1}^{N} (x_n - \mu)^2}$ and $\hat{x}_i = \frac{x_i - \mu}{s}$.

$$\frac{\partial \hat{x}_i}{\partial x_j} = \frac{1}{s}\left(\delta_{ij} - \frac{1}{N} - \frac{\hat{x}_i \hat{x}_j}{N}\right)$$

Forgetting that $s$ depends on the batch gives $\frac{\partial \hat{x}_i}{\partial x_j} = \frac{1}{s}\left(\delta_{ij} - \frac{1}{N}\right)$.
""", [
    ("\\hat{x}_i = \\frac{x_i - \\mu}{s}", "def", None, None),
    ("\\frac{\\hat{x}_i \\hat{x}_j}{N}\\right)", "claim", True, lambda K: _d04(K, lambda xh, s, i, j, N: (delta(i, j) - sp.Rational(1, N) - xh[i] * xh[j] / N) / s)),
    ("\\left(\\delta_{ij} - \\frac{1}{N}\\right)$", "claim", False, lambda K: _d04(K, lambda xh, s, i, j, N: (delta(i, j) - sp.Rational(1, N)) / s)),
])


# ------------------------------------------------------------ d05 softplus with beta
D["d05_softplus_beta.md"] = (r"""PyTorch's `Softplus(beta)` computes $f(x) = \frac{1}{\beta} \log\left(1 + e^{\beta x}\right)$ for $\beta > 0$.
Its derivative is the logistic function at $\beta x$: $f'(x) = \frac{1}{1 + e^{-\beta x}}$. It is *not* $f'(x) = \frac{\beta}{1 + e^{-\beta x}}$ — the $\frac{1}{\beta}$ in front cancels the inner factor.
""", [
    ("f(x) = \\frac{1}{\\beta}", "def", None, None),
    ("f'(x) = \\frac{1}{1 + e^{-\\beta x}}", "claim", True, one(sp.diff(log(1 + exp(beta * x_)) / beta, x_), sig(beta * x_))),
    ("f'(x) = \\frac{\\beta}{1 + e^{-\\beta x}}", "claim", False, one(sp.diff(log(1 + exp(beta * x_)) / beta, x_), beta * sig(beta * x_))),
])


# ------------------------------------------------------------ d06 GELU, tanh approximation's inner slope
D["d06_gelu_sigmoid_approx.md"] = (r"""The sigmoid approximation of GELU is $\operatorname{gelu}(x) \approx x\,\sigma(1.702\,x)$. Call the right side $h(x) = x\,\sigma(1.702\,x)$; then
$$h'(x) = \sigma(1.702\,x) + 1.702\,x\,\sigma(1.702\,x)\bigl(1 - \sigma(1.702\,x)\bigr).$$
""", [
    ("h'(x) = \\sigma(1.702\\,x)", "claim", True,
     one(sp.diff(x_ * sig(sp.Rational(1702, 1000) * x_), x_),
         sig(sp.Rational(1702, 1000) * x_) + sp.Rational(1702, 1000) * x_ * dsig(sp.Rational(1702, 1000) * x_))),
])


# ------------------------------------------------------------ d07 attention weights, 1/sqrt(d) inside softmax
def _d07(K, f):
    q = V("q", K)
    k = M("k", K, K)   # K keys of dimension d = K
    d = sp.Integer(K)
    s = [sum(q[m] * k[j, m] for m in range(K)) / sqrt(d) for j in range(K)]
    a = softmax(s)
    return over(K, "im", lambda dd: [sp.diff(a[dd["i"]], q[dd["m"]]), f(a, k, dd["i"], dd["m"], d)])

D["d07_attention_weights_grad.md"] = (r"""Attention weights of one query over $K$ keys of dimension $d = K$ (a toy case):
$s_j = \frac{1}{\sqrt{d}} \sum_{m=1}^{d} q_m k_{jm}$ and $\alpha_i = \frac{e^{s_i}}{\sum_{j=1}^{K} e^{s_j}}$. Then
$$\frac{\partial \alpha_i}{\partial q_m} = \frac{\alpha_i}{\sqrt{d}}\left(k_{im} - \sum_{j=1}^{K} \alpha_j k_{jm}\right).$$
""", [
    ("\\frac{\\alpha_i}{\\sqrt{d}}", "claim", True,
     lambda K: _d07(K, lambda a, k, i, m, d: a[i] / sqrt(d) * (k[i, m] - sum(a[j] * k[j, m] for j in range(K))))),
])


# ------------------------------------------------------------ d08 MAE and Huber in the smooth region
D["d08_huber_quadratic_region.md"] = (r"""The Huber loss with threshold $\kappa$ is quadratic near zero: for $|r| \le \kappa$ it is $H(r) = \frac{1}{2} r^2$ and there
$\frac{dH}{dr} = r$. Between the regions, the mean absolute error $A(r) = |r|$ has slope $\pm 1$.
""", [
    ("\\frac{dH}{dr} = r", "claim", True, one(sp.diff(x_**2 / 2, x_), x_)),
])


# ------------------------------------------------------------ d09 ambiguous: log 1 + e^z, tanh z/2
def _amb_log(K):
    r1 = [[sp.diff(log(1 + exp(z_)), z_), sig(z_)]]
    r2 = [[sp.diff(log(1) + exp(z_), z_), sig(z_)]]
    return r1, r2

def _amb_tanh(K):
    half = sp.Rational(1, 2)
    r1 = [[sp.diff(tanh(z_ / 2), z_), half * (1 - tanh(z_ / 2)**2)]]
    r2 = [[sp.diff(tanh(z_) / 2, z_), half * (1 - tanh(z_ / 2)**2)]]
    return r1, r2

D["d09_ambiguous_cheatsheet.md"] = (r"""Quick reference (typed from a whiteboard photo, brackets lost):

- $\frac{d}{dz} \log 1 + e^{z} = \sigma(z)$
- $\frac{d}{dz} \tanh z/2 = \frac{1}{2}\left(1 - \tanh^2(z/2)\right)$
""", [
    ("\\log 1 + e^{z} = \\sigma(z)", "amb", "amb", _amb_log),
    ("\\tanh z/2 =", "amb", "amb", _amb_tanh),
])


# ------------------------------------------------------------ d10 ambiguous: a loss never defined; e^x/2x
def _amb_ell(K):
    r1 = [[sp.diff(-y_ * log(sig(z_)) - (1 - y_) * log(1 - sig(z_)), z_), sig(z_) - y_]]
    r2 = [[sp.diff((sig(z_) - y_)**2 / 2, z_), sig(z_) - y_]]
    return r1, r2

def _amb_ex(K):
    r1 = [[sp.diff(exp(x_) / (2 * x_), x_), exp(x_) * (x_ - 1) / (2 * x_**2)]]
    r2 = [[sp.diff(exp(x_) / 2 * x_, x_), exp(x_) * (x_ - 1) / (2 * x_**2)]]
    return r1, r2

D["d10_ambiguous_loss_and_slash.md"] = (r"""From a forum answer: "with the usual loss $\ell$ on the probability $\sigma(z)$ you just get $\frac{\partial \ell}{\partial z} = \sigma(z) - y$, nothing more to it."
Another reply: "and the quotient rule gives $\frac{d}{dx}\, e^{x}/2x = \frac{e^{x}(x - 1)}{2x^2}$."
""", [
    ("\\frac{\\partial \\ell}{\\partial z} = \\sigma(z) - y", "amb", "amb", _amb_ell),
    ("e^{x}/2x =", "amb", "amb", _amb_ex),
])
