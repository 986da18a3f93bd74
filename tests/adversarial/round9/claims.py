"""Round-9 CLI claims (symderiv check CLAIM --given ... --where ...), each with a SymPy encoding at
fixed K (tlib) and the hand label `expected` (True, False, or "amb": true under one plausible
reading, false under another; the encoding then returns both readings' assignments)."""
import sympy as sp
from sympy import exp, log, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over, one, dsig, simplex, jac_sm, x_, z_

C = []


def c(id_, cls, claim, given, where, expected, fn):
    C.append(dict(id=id_, cls=cls, claim=claim, given=list(given), where=list(where), expected=expected, fn=fn))


beta = sp.Symbol("beta", positive=True)
y_ = sp.Symbol("y", real=True)
P = r"p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"

# ---- activations
c("k01", "activation", r"\frac{d}{dx}\operatorname{softplus}(x) = \sigma(x)", [r"\operatorname{softplus}(x) = \log\left(1 + e^{x}\right)"], [], True,
  one(sp.diff(log(1 + exp(x_)), x_), sig(x_)))
c("k02", "activation", r"\frac{d}{dx}\, x\,\sigma(1.702\,x) = \sigma(1.702\,x) + x\,\sigma(1.702\,x)\left(1 - \sigma(1.702\,x)\right)", [], [], False,
  one(sp.diff(x_ * sig(sp.Rational(1702, 1000) * x_), x_), sig(sp.Rational(1702, 1000) * x_) + x_ * dsig(sp.Rational(1702, 1000) * x_)))
c("k03", "activation", r"g'(x) = \sigma(\beta x) + \beta x\,\sigma(\beta x)\left(1 - \sigma(\beta x)\right)", [r"g(x) = x\,\sigma(\beta x)"], [], True,
  one(sp.diff(x_ * sig(beta * x_), x_), sig(beta * x_) + beta * x_ * dsig(beta * x_)))
c("k04", "activation", r"g'(x) = \beta\,\sigma(\beta x)\left(1 - \sigma(\beta x)\right)", [r"g(x) = x\,\sigma(\beta x)"], [], False,
  one(sp.diff(x_ * sig(beta * x_), x_), beta * dsig(beta * x_)))
c("k05", "activation", r"f'(x) = \sigma(\beta x)", [r"f(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right)"], [], True,
  one(sp.diff(log(1 + exp(beta * x_)) / beta, x_), sig(beta * x_)))


# ---- normalisation layers
def _rms(K, f):
    x, g = V("x", K), sp.Symbol("g", real=True)
    r = sqrt(sum(v**2 for v in x) / K)
    y = [g * v / r for v in x]
    return over(K, "ij", lambda d: [sp.diff(y[d["i"]], x[d["j"]]), f(x, g, r, d["i"], d["j"], K)])

RMS = [r"\operatorname{RMS}(x) = \sqrt{\frac{1}{K}\sum_{k=1}^{K} x_k^2}", r"y_i = \frac{g\,x_i}{\operatorname{RMS}(x)}"]
c("k06", "rmsnorm", r"\frac{\partial y_i}{\partial x_j} = \frac{g}{\operatorname{RMS}(x)}\left(\delta_{ij} - \frac{x_i x_j}{K\,\operatorname{RMS}(x)^2}\right)", RMS, [], True,
  lambda K: _rms(K, lambda x, g, r, i, j, K_: g / r * (delta(i, j) - x[i] * x[j] / (K_ * r**2))))
c("k07", "rmsnorm", r"\frac{\partial y_i}{\partial x_j} = \frac{g\,\delta_{ij}}{\operatorname{RMS}(x)}", RMS, [], False,
  lambda K: _rms(K, lambda x, g, r, i, j, K_: g * delta(i, j) / r))


def _bn(K, f):
    x = V("x", K)
    mu = sum(x) / K
    s = sqrt(sum((v - mu)**2 for v in x) / K)
    xh = [(v - mu) / s for v in x]
    return over(K, "ij", lambda d: [sp.diff(xh[d["i"]], x[d["j"]]), f(xh, s, d["i"], d["j"], K)])

BN = [r"\mu = \frac{1}{N}\sum_{n=1}^{N} x_n", r"s = \sqrt{\frac{1}{N}\sum_{n=1}^{N} (x_n - \mu)^2}", r"\hat{x}_i = \frac{x_i - \mu}{s}"]
c("k08", "batchnorm", r"\frac{\partial \hat{x}_i}{\partial x_j} = \frac{1}{s}\left(\delta_{ij} - \frac{1}{N} - \frac{\hat{x}_i \hat{x}_j}{N}\right)", BN, [], True,
  lambda K: _bn(K, lambda xh, s, i, j, N: (delta(i, j) - sp.Rational(1, N) - xh[i] * xh[j] / N) / s))
c("k09", "batchnorm", r"\frac{\partial \hat{x}_i}{\partial x_j} = \frac{1}{s}\left(\delta_{ij} - \hat{x}_i \hat{x}_j\right)", BN, [], False,
  lambda K: _bn(K, lambda xh, s, i, j, N: (delta(i, j) - xh[i] * xh[j]) / s))
c("k10", "batchnorm", r"\frac{\partial \mu}{\partial x_i} = \frac{1}{K}", [r"\mu = \frac{1}{K}\mathbf{1}^\top x"], [], True,
  lambda K: [[sp.diff(sum(V("x", K)) / K, V("x", K)[i]), sp.Rational(1, K)] for i in range(K)])
c("k11", "batchnorm", r"\frac{\partial \mu}{\partial x_i} = 1", [r"\mu = \frac{1}{K}\mathbf{1}^\top x"], [], False,
  lambda K: [[sp.diff(sum(V("x", K)) / K, V("x", K)[i]), 1] for i in range(K)])


# ---- attention
def _att(K, f):
    q, k = V("q", K), V("k", K)
    d = sp.Symbol("d", positive=True)
    s = sum(q[m] * k[m] for m in range(K)) / sqrt(d)
    return [[sp.diff(s, q[m]), f(k, m, d)] for m in range(K)]

S = r"s = \frac{1}{\sqrt{d}}\sum_{m=1}^{K} q_m k_m"
c("k12", "attention", r"\frac{\partial s}{\partial q_m} = \frac{k_m}{\sqrt{d}}", [S], [], True, lambda K: _att(K, lambda k, m, d: k[m] / sqrt(d)))
c("k13", "attention", r"\frac{\partial s}{\partial q_m} = \frac{k_m}{d}", [S], [], False, lambda K: _att(K, lambda k, m, d: k[m] / d))


# ---- cross-entropy as -log p_y
def _nly(K, f):
    z = V("z", K)
    p = softmax(z)
    return [[sp.diff(-log(p[y]), z[i]), f(p, y, i)] for y in range(K) for i in range(K)]

c("k14", "neglogpy", r"\frac{\partial L}{\partial z_i} = p_i - \mathbb{1}[i = y]", [P, r"L = -\log p_y"], [], True,
  lambda K: _nly(K, lambda p, y, i: p[i] - delta(i, y)))
c("k15", "neglogpy", r"\frac{\partial L}{\partial z_i} = p_i - \mathbb{1}\{i = y\}", [P, r"L = -\log p_y"], [], True,
  lambda K: _nly(K, lambda p, y, i: p[i] - delta(i, y)))
c("k16", "neglogpy", r"\frac{\partial L}{\partial z_i} = p_i - 1", [P, r"L = -\log p_y"], [], False,
  lambda K: _nly(K, lambda p, y, i: p[i] - 1))
c("k17", "neglogpy", r"\frac{\partial L}{\partial z_y} = p_y - 1", [P, r"L = -\log p_y"], [], True,
  lambda K: [r for r in _nly(K, lambda p, y, i: p[y] - 1)][::K + 1])


# ---- log-sum-exp with a shift
def _lse(K, f):
    z, m = V("z", K), sp.Symbol("m", real=True)
    F = m + log(sum(exp(v - m) for v in z))
    return [[sp.diff(F, z[i]), f(z, m, i)] for i in range(K)]

LSE = r"F = m + \log\sum_{k=1}^{K} e^{z_k - m}"
c("k18", "lse", r"\frac{\partial F}{\partial z_i} = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}", [LSE], [], True,
  lambda K: _lse(K, lambda z, m, i: softmax(z)[i]))
c("k19", "lse", r"\frac{\partial F}{\partial z_i} = e^{z_i - m}", [LSE], [], False, lambda K: _lse(K, lambda z, m, i: exp(z[i] - m)))

# ---- BCE with logits and labels in {-1, +1}
c("k20", "bce", r"\frac{d\ell}{dz} = \sigma(z) - y", [r"\ell = \log\left(1 + e^{z}\right) - y z"], [], True,
  one(sp.diff(log(1 + exp(z_)) - y_ * z_, z_), sig(z_) - y_))
c("k21", "bce", r"\frac{d\ell}{dz} = \sigma(z) + y", [r"\ell = \log\left(1 + e^{z}\right) - y z"], [], False,
  one(sp.diff(log(1 + exp(z_)) - y_ * z_, z_), sig(z_) + y_))


def _pm(f, ys=(-1, 1)):
    return lambda K: [[sp.diff(log(1 + exp(-y * z_)), z_), f(y)] for y in ys]

c("k22", "pm1", r"\frac{\partial \ell}{\partial z} = \sigma(z) - \frac{1 + y}{2}", [r"\ell = \log\left(1 + e^{-y z}\right)"], [r"y \in \{-1, +1\}"], True,
  _pm(lambda y: sig(z_) - sp.Rational(1 + y, 2)))
c("k23", "pm1", r"\frac{\partial \ell}{\partial z} = \sigma(z) - \frac{1 + y}{2}", [r"\ell = \log\left(1 + e^{-y z}\right)"], [], False,
  lambda K: [[sp.diff(log(1 + exp(-y_ * z_)), z_), sig(z_) - (1 + y_) / 2]])
c("k24", "pm1", r"\frac{\partial \ell}{\partial z} = -y\,\sigma(-y z)", [r"\ell = \log\left(1 + e^{-y z}\right)"], [], True,
  lambda K: [[sp.diff(log(1 + exp(-y_ * z_)), z_), -y_ * sig(-y_ * z_)]])


# ---- masked softmax
def _mask(K, f, masks):
    s = V("s", K)
    out = []
    for m in masks:
        S = sum(m[k] * exp(s[k]) for k in range(K))
        a = [m[k] * exp(s[k]) / S for k in range(K)]
        out += over(K, "ij", lambda d: [sp.diff(a[d["i"]], s[d["j"]]), f(a, m, d["i"], d["j"])])
    return out

MS = r"a_i = \frac{m_i e^{s_i}}{\sum_{k=1}^{K} m_k e^{s_k}}"
c("k25", "mask", r"\frac{\partial a_i}{\partial s_j} = m_i a_i (\delta_{ij} - a_j)", [MS], [r"m_k \in \{0, 1\}"], True,
  lambda K: _mask(K, lambda a, m, i, j: m[i] * a[i] * (delta(i, j) - a[j]), [[1] * K, [1] + [0] * (K - 1), [0] + [1] * (K - 1)]))
c("k26", "mask", r"\frac{\partial a_i}{\partial s_j} = m_i a_i (\delta_{ij} - a_j)", [MS], [], False,
  lambda K: _mask(K, lambda a, m, i, j: m[i] * a[i] * (delta(i, j) - a[j]), [V("m", K, positive=True)]))
c("k27", "mask", r"\frac{\partial a_i}{\partial s_j} = a_i (\delta_{ij} - a_j)", [MS], [], True,
  lambda K: _mask(K, lambda a, m, i, j: a[i] * (delta(i, j) - a[j]), [V("m", K, positive=True)]))


# ---- linear layer backward (sums written out), generic loss
def _lin(K, f):
    W, x, cc, e = M("W", K, K), V("x", K), V("c", K), V("e", K)
    z = [sum(W[i, j] * x[j] for j in range(K)) for i in range(K)]
    L = sum(cc[i] * z[i]**2 + e[i] * z[i] for i in range(K))
    g = [2 * cc[i] * z[i] + e[i] for i in range(K)]
    return [[sp.diff(L, x[j]), f(g, W, j)] for j in range(K)]

LIN = [r"z_i = \sum_{j=1}^{K} W_{ij} x_j", r"L = L(z_1, \dots, z_K)"]
c("k28", "linear", r"\frac{\partial L}{\partial x_j} = \sum_{i=1}^{K} \frac{\partial L}{\partial z_i} W_{ij}", LIN, [], True,
  lambda K: _lin(K, lambda g, W, j: sum(g[i] * W[i, j] for i in range(K))))
c("k29", "linear", r"\frac{\partial L}{\partial x_j} = \sum_{i=1}^{K} \frac{\partial L}{\partial z_i} W_{ji}", LIN, [], False,
  lambda K: _lin(K, lambda g, W, j: sum(g[i] * W[j, i] for i in range(K))))


# ---- KL to a fixed target, entropy, policy gradient
def _kl(K, f, simp):
    z = V("z", K)
    q = softmax(z)
    p = simplex(K) if simp else V("p", K, positive=True)
    D_ = sum(p[k] * log(p[k] / q[k]) for k in range(K))
    return [[sp.diff(D_, z[i]), f(p, q, i)] for i in range(K)]

KL = [r"q_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}", r"D = \sum_{k=1}^{K} p_k \log \frac{p_k}{q_k}"]
c("k30", "kl", r"\frac{\partial D}{\partial z_i} = q_i - p_i", KL, [r"\sum_{k=1}^{K} p_k = 1"], True, lambda K: _kl(K, lambda p, q, i: q[i] - p[i], True))
c("k31", "kl", r"\frac{\partial D}{\partial z_i} = q_i - p_i", KL, [], False, lambda K: _kl(K, lambda p, q, i: q[i] - p[i], False))
c("k32", "kl", r"\frac{\partial D}{\partial z_i} = q_i \sum_{k=1}^{K} p_k - p_i", KL, [], True,
  lambda K: _kl(K, lambda p, q, i: q[i] * sum(p) - p[i], False))


def _ent(K, f):
    z = V("z", K)
    p = softmax(z)
    H = -sum(v * log(v) for v in p)
    return [[sp.diff(H, z[i]), f(p, H, i)] for i in range(K)]

ENT = [P, r"H = -\sum_{k=1}^{K} p_k \log p_k"]
c("k33", "entropy", r"\frac{\partial H}{\partial z_i} = -p_i\left(\log p_i + H\right)", ENT, [], True, lambda K: _ent(K, lambda p, H, i: -p[i] * (log(p[i]) + H)))
c("k34", "entropy", r"\frac{\partial H}{\partial z_i} = -p_i \log p_i - p_i", ENT, [], False, lambda K: _ent(K, lambda p, H, i: -p[i] * log(p[i]) - p[i]))


def _pg(K, f):
    th = V("theta", K)
    pi = softmax(th)
    return [[sp.diff(log(pi[a]), th[i]), f(pi, a, i)] for a in range(K) for i in range(K)]

PI = r"\pi_i = \frac{e^{\theta_i}}{\sum_{k=1}^{K} e^{\theta_k}}"
c("k35", "policy", r"\frac{\partial \log \pi_a}{\partial \theta_i} = \delta_{ia} - \pi_i", [PI], [], True, lambda K: _pg(K, lambda pi, a, i: delta(i, a) - pi[i]))
c("k36", "policy", r"\frac{\partial \log \pi_a}{\partial \theta_i} = \delta_{ia} - \pi_a", [PI], [], False, lambda K: _pg(K, lambda pi, a, i: delta(i, a) - pi[a]))


# ---- label smoothing
def _ls(K, f):
    z, eps = V("z", K), sp.Symbol("epsilon", positive=True)
    p = softmax(z)
    y = simplex(K)
    q = [(1 - eps) * y[k] + eps / K for k in range(K)]
    L = -sum(q[k] * log(p[k]) for k in range(K))
    return [[sp.diff(L, z[i]), f(p, y, eps, i, K)] for i in range(K)]

LS = [P, r"q_k = (1 - \epsilon) y_k + \frac{\epsilon}{K}", r"L = -\sum_{k=1}^{K} q_k \log p_k"]
c("k37", "smoothing", r"\frac{\partial L}{\partial z_i} = p_i - (1 - \epsilon) y_i - \frac{\epsilon}{K}", LS, [r"\sum_{k=1}^{K} y_k = 1"], True,
  lambda K: _ls(K, lambda p, y, e, i, K_: p[i] - (1 - e) * y[i] - e / K_))
c("k38", "smoothing", r"\frac{\partial L}{\partial z_i} = p_i - (1 - \epsilon) y_i", LS, [r"\sum_{k=1}^{K} y_k = 1"], False,
  lambda K: _ls(K, lambda p, y, e, i, K_: p[i] - (1 - e) * y[i]))


# ---- layers W^{(l)}, softmax Jacobian in matrix form, temperature operator
w1, w2 = sp.symbols("w1 w2", real=True)
H1 = sig(w1 * x_)
H2 = sig(w2 * H1)
LAY = [r"h^{(1)} = \sigma\left(w^{(1)} x\right)", r"h^{(2)} = \sigma\left(w^{(2)} h^{(1)}\right)"]
c("k39", "layers", r"\frac{\partial h^{(2)}}{\partial w^{(1)}} = h^{(2)}\left(1 - h^{(2)}\right) w^{(2)} h^{(1)}\left(1 - h^{(1)}\right) x", LAY, [], True,
  one(sp.diff(H2, w1), H2 * (1 - H2) * w2 * H1 * (1 - H1) * x_))
c("k40", "layers", r"\frac{\partial h^{(2)}}{\partial w^{(1)}} = h^{(2)}\left(1 - h^{(2)}\right) w^{(1)} h^{(1)}\left(1 - h^{(1)}\right) x", LAY, [], False,
  one(sp.diff(H2, w1), H2 * (1 - H2) * w1 * H1 * (1 - H1) * x_))


def _jm(K, f):
    z = V("z", K)
    p = softmax(z)
    J = sp.Matrix(K, K, lambda i, j: sp.diff(p[i], z[j]))
    Pm = sp.Matrix(p)
    return [[J, f(Pm)]]

c("k41", "diag", r"\frac{\partial p}{\partial z} = p\,p^\top - \operatorname{diag}(p)", [r"p = \operatorname{softmax}(z)"], [], False,
  lambda K: _jm(K, lambda Pm: Pm * Pm.T - sp.diag(*Pm)))
T_ = sp.Symbol("T", positive=True)
c("k42", "temperature", r"\frac{\partial p_i}{\partial z_j} = \frac{1}{T}\,p_i\left(\delta_{ij} - p_j\right)", [r"p = \operatorname{softmax}(z / T)"], [], True,
  lambda K: (lambda z: (lambda p: over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), p[d["i"]] * (delta(d["i"], d["j"]) - p[d["j"]]) / T_]))(
      [exp(v / T_) / sum(exp(u / T_) for u in z) for v in z]))(V("z", K)))


# ---- a symmetric quadratic
def _quad(K, f, sym):
    th, b = V("theta", K), V("b", K)
    A = M("A", K, K)
    if sym:
        A = (A + A.T) / 2
    J = sum(th[i] * A[i, j] * th[j] for i in range(K) for j in range(K)) / 2 - sum(b[i] * th[i] for i in range(K))
    return [[sp.diff(J, th[i]), f(A, th, b, i)] for i in range(K)]

Q = [r"J = \frac{1}{2}\sum_{i=1}^{K}\sum_{j=1}^{K} \theta_i A_{ij} \theta_j - \sum_{i=1}^{K} b_i \theta_i"]
c("k43", "quadratic", r"\frac{\partial J}{\partial \theta_i} = \sum_{j=1}^{K} A_{ij}\theta_j - b_i", Q, [r"A_{ij} = A_{ji}"], True,
  lambda K: _quad(K, lambda A, t, b, i: sum(A[i, j] * t[j] for j in range(K)) - b[i], True))
c("k44", "quadratic", r"\frac{\partial J}{\partial \theta_i} = \sum_{j=1}^{K} A_{ij}\theta_j - b_i", Q, [], False,
  lambda K: _quad(K, lambda A, t, b, i: sum(A[i, j] * t[j] for j in range(K)) - b[i], False))


# ---- ambiguous: must stay unknown
c("k45", "amb", r"\frac{d}{dz} \log 1 + e^{z} = \sigma(z)", [], [], "amb",
  lambda K: ([[sp.diff(log(1 + exp(z_)), z_), sig(z_)]], [[sp.diff(exp(z_), z_), sig(z_)]]))
c("k46", "amb", r"\frac{d}{dx}\, e^{x}/2x = \frac{e^{x}(x - 1)}{2x^2}", [], [], "amb",
  lambda K: ([[sp.diff(exp(x_) / (2 * x_), x_), exp(x_) * (x_ - 1) / (2 * x_**2)]], [[sp.diff(exp(x_) * x_ / 2, x_), exp(x_) * (x_ - 1) / (2 * x_**2)]]))
c("k47", "amb", r"\frac{d}{dz} \tanh z/2 = \frac{1}{2}\left(1 - \tanh^2(z/2)\right)", [], [], "amb",
  lambda K: ([[sp.diff(tanh(z_ / 2), z_), (1 - tanh(z_ / 2)**2) / 2]], [[sp.diff(tanh(z_) / 2, z_), (1 - tanh(z_ / 2)**2) / 2]]))


# ---- second pass (after the first run): indicator forms, a one-sided index, stated values
c("k48", "neglogpy", r"\frac{\partial L}{\partial z_i} = p_i - 1_{i = y}", [P, r"L = -\log p_y"], [], True,
  lambda K: _nly(K, lambda p, y, i: p[i] - delta(i, y)))
c("k49", "neglogpy", r"\frac{\partial L}{\partial z_i} = p_i - \mathbb{1}[c = i]", [P, r"L = -\log p_c"], [], True,
  lambda K: _nly(K, lambda p, y, i: p[i] - delta(i, y)))


def _onesided(K):
    s, f = _lin(K, lambda g, W, j: sum(g[i] * W[i, j] for i in range(K))), []
    W, x, cc, e = M("W", K, K), V("x", K), V("c", K), V("e", K)
    z = [sum(W[i, j] * x[j] for j in range(K)) for i in range(K)]
    L = sum(cc[i] * z[i]**2 + e[i] * z[i] for i in range(K))
    g = [2 * cc[i] * z[i] + e[i] for i in range(K)]
    f = [[sp.diff(L, x[j]), g[i] * W[i, j]] for j in range(K) for i in range(K)]
    return s, f

c("k50", "amb", r"\frac{\partial L}{\partial x_j} = \frac{\partial L}{\partial z_i} W_{ij}",
  [r"z_i = \sum_{j=1}^{K} W_{ij} x_j", r"L = \sum_{i=1}^{K} \left(c_i z_i^2 + e_i z_i\right)"], [], "amb", _onesided)


def _ce_y1(K, f):
    z = V("z", K)
    p = softmax(z)
    y = [0] + simplex(K - 1) if K > 2 else [0, 1]
    L = -sum(y[k] * log(p[k]) for k in range(K))
    return [[sp.diff(L, z[0]), f(p)]]

c("k51", "values", r"\frac{\partial L}{\partial z_1} = p_1", [P, r"L = -\sum_{k=1}^{K} y_k \log p_k"], [r"\sum_{k=1}^{K} y_k = 1", r"y_1 = 0"], True,
  lambda K: _ce_y1(K, lambda p: p[0]))
c("k52", "values", r"\frac{\partial L}{\partial z_1} = p_1 - 1", [P, r"L = -\sum_{k=1}^{K} y_k \log p_k"], [r"\sum_{k=1}^{K} y_k = 1", r"y_1 = 0"], False,
  lambda K: _ce_y1(K, lambda p: p[0] - 1))
c("k53", "amb", r"\frac{d}{dx} x^2 + x = 2x + 1", [], [], "amb",
  lambda K: ([[sp.diff(x_**2 + x_, x_), 2 * x_ + 1]], [[sp.diff(x_**2, x_) + x_, 2 * x_ + 1]]))


# ---- third pass: a symmetry stated as a condition
def _quadm(K, sym):
    th = V("theta", K)
    A = M("A", K, K)
    if sym:
        A = (A + A.T) / 2
    J = sum(th[i] * A[i, j] * th[j] for i in range(K) for j in range(K)) / 2
    return [[sp.Matrix([sp.diff(J, t) for t in th]), A * sp.Matrix(th)]]

c("k54", "quadratic", r"\nabla_{\theta} J = A\theta", [r"J = \frac{1}{2}\theta^\top A \theta"], [r"A = A^\top"], True, lambda K: _quadm(K, True))
c("k55", "quadratic", r"\nabla_{\theta} J = A\theta", [r"J = \frac{1}{2}\theta^\top A \theta"], [], False, lambda K: _quadm(K, False))
