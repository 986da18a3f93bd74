"""Round-8 CLI claims (symderiv check CLAIM --given ... --where ...), each with a SymPy encoding at
fixed K (tlib) and the hand label `expected` (True, False, or "amb": true under one plausible
reading, false under another; the encoding then returns both readings' assignments)."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

C = []


def c(id_, cls, claim, given, where, expected, fn):
    C.append(dict(id=id_, cls=cls, claim=claim, given=list(given), where=list(where), expected=expected, fn=fn))


x_ = sp.Symbol("x", real=True)
xp = sp.Symbol("x", positive=True)


def one(a, b):
    return lambda K: [[a, b]]


def smT(z, T):
    e = [exp(v / T) for v in z]
    return [v / sum(e) for v in e]


def dsig(u):
    return sig(u) * (1 - sig(u))


Tp, tau = sp.Symbol("T", positive=True), sp.Symbol("tau", positive=True)


def smT_ij(K, f, T, cond=None):
    z = V("z", K)
    p = smT(z, T)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


# ---- softmax with temperature
PT = r"p_i = \frac{e^{z_i/T}}{\sum_{j} e^{z_j/T}}"
Ptau = r"p_i = \frac{\exp(z_i/\tau)}{\sum_{k=1}^{K} \exp(z_k/\tau)}"
c("c01", "temperature", r"\frac{\partial p_i}{\partial z_j} = \frac{p_i(\delta_{ij} - p_j)}{T}", [PT], [], True,
  lambda K: smT_ij(K, lambda p, i, j: p[i] * (delta(i, j) - p[j]) / Tp, Tp))
c("c02", "temperature", r"\frac{\partial p_i}{\partial z_j} = T\,p_i(\delta_{ij} - p_j)", [PT], [], False,
  lambda K: smT_ij(K, lambda p, i, j: Tp * p[i] * (delta(i, j) - p[j]), Tp))
c("c03", "temperature", r"\frac{\partial p_i}{\partial z_j} = -\frac{1}{\tau} p_i p_j", [Ptau], [r"i \neq j"], True,
  lambda K: smT_ij(K, lambda p, i, j: -p[i] * p[j] / tau, tau, lambda d: d["i"] != d["j"]))
c("c04", "temperature", r"\frac{\partial p_i}{\partial z_j} = -\frac{1}{\tau} p_i p_j", [Ptau], [], False,
  lambda K: smT_ij(K, lambda p, i, j: -p[i] * p[j] / tau, tau))


# ---- log-sum-exp with tau
def _lse(K, f):
    z = V("z", K)
    F = tau * log(sum(exp(v / tau) for v in z))
    p = smT(z, tau)
    return [[sp.diff(F, z[i]), f(p, i)] for i in range(K)]


LSE = r"f = \tau \log \sum_{k=1}^{K} e^{z_k/\tau}"
c("c05", "logsumexp", r"\frac{\partial f}{\partial z_i} = \frac{e^{z_i/\tau}}{\sum_{k=1}^{K} e^{z_k/\tau}}", [LSE], [], True, lambda K: _lse(K, lambda p, i: p[i]))
c("c06", "logsumexp", r"\frac{\partial f}{\partial z_i} = \frac{1}{\tau}\frac{e^{z_i/\tau}}{\sum_{k=1}^{K} e^{z_k/\tau}}", [LSE], [], False, lambda K: _lse(K, lambda p, i: p[i] / tau))


# ---- label smoothing (y one-hot stated as a condition)
def _ls(K, which):
    z, eps = V("z", K), sp.Symbol("epsilon", positive=True)
    p = softmax(z)
    out = []
    for cc in range(K):
        y = [delta(k, cc) for k in range(K)]
        q = [(1 - eps) * y[k] + eps / K for k in range(K)]
        L = -sum(q[k] * log(p[k]) for k in range(K))
        for i in range(K):
            out.append([sp.diff(L, z[i]), {"ok": p[i] - (1 - eps) * y[i] - eps / K, "py": p[i] - y[i],
                                           "noK": p[i] - (1 - eps) * y[i] - eps}[which]])
    return out


LS = [r"p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}", r"L = -\sum_{k=1}^{K} \left((1 - \epsilon) y_k + \frac{\epsilon}{K}\right) \log p_k"]
c("c07", "label smoothing", r"\frac{\partial L}{\partial z_i} = p_i - (1 - \epsilon) y_i - \frac{\epsilon}{K}", LS, [r"\sum_{k=1}^{K} y_k = 1"], True, lambda K: _ls(K, "ok"))
c("c08", "label smoothing", r"\frac{\partial L}{\partial z_i} = p_i - y_i", LS, [r"\sum_{k=1}^{K} y_k = 1"], False, lambda K: _ls(K, "py"))
c("c09", "label smoothing", r"\frac{\partial L}{\partial z_i} = p_i - (1 - \epsilon) y_i - \epsilon", LS, [r"\sum_{k=1}^{K} y_k = 1"], False, lambda K: _ls(K, "noK"))

# ---- focal loss
g_, pp = sp.Symbol("gamma", positive=True), sp.Symbol("p", positive=True)
FL = -(1 - pp)**g_ * log(pp)
c("c10", "focal", r"\frac{d\,\mathrm{FL}}{dp} = \gamma (1 - p)^{\gamma - 1} \log p - \frac{(1 - p)^{\gamma}}{p}", [r"\mathrm{FL} = -(1 - p)^{\gamma} \log p"], [], True,
  one(sp.diff(FL, pp), g_ * (1 - pp)**(g_ - 1) * log(pp) - (1 - pp)**g_ / pp))
c("c11", "focal", r"\frac{d\,\mathrm{FL}}{dp} = -\gamma (1 - p)^{\gamma - 1} \log p - \frac{(1 - p)^{\gamma}}{p}", [r"\mathrm{FL} = -(1 - p)^{\gamma} \log p"], [], False,
  one(sp.diff(FL, pp), -g_ * (1 - pp)**(g_ - 1) * log(pp) - (1 - pp)**g_ / pp))


# ---- KL divergence
def _kl(K, which):
    z, q = V("z", K), V("q", K, positive=True)
    p = softmax(z)
    Dk = sum(q[k] * log(q[k] / p[k]) for k in range(K))
    return [[sp.diff(Dk, q[i]), log(q[i] / p[i]) + (1 if which == "ok" else 0)] for i in range(K)]


KL = [r"p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}", r"D = \sum_{k=1}^{K} q_k \log \frac{q_k}{p_k}"]
c("c12", "KL", r"\frac{\partial D}{\partial q_i} = \log \frac{q_i}{p_i} + 1", KL, [], True, lambda K: _kl(K, "ok"))
c("c13", "KL", r"\frac{\partial D}{\partial q_i} = \log \frac{q_i}{p_i}", KL, [], False, lambda K: _kl(K, "slip"))


def _klz(K, which):
    z, q = V("z", K), V("q", K, positive=True)
    qq = q[:-1] + [1 - sum(q[:-1])]
    p = softmax(z)
    Dk = sum(qq[k] * log(qq[k] / p[k]) for k in range(K))
    return [[sp.diff(Dk, z[i]), p[i] - qq[i] if which == "ok" else qq[i] - p[i]] for i in range(K)]


c("c14", "KL", r"\frac{\partial D}{\partial z_i} = p_i - q_i", KL, [r"\sum_{k=1}^{K} q_k = 1"], True, lambda K: _klz(K, "ok"))
c("c15", "KL", r"\frac{\partial D}{\partial z_i} = q_i - p_i", KL, [r"\sum_{k=1}^{K} q_k = 1"], False, lambda K: _klz(K, "slip"))

# ---- BCE with logits
y_ = sp.Symbol("y", real=True)
BCE = -y_ * log(sig(x_)) - (1 - y_) * log(1 - sig(x_))
c("c16", "BCE logits", r"\frac{\partial \ell}{\partial x} = \sigma(x) - y", [r"\ell = \log(1 + e^{x}) - x y"], [], True, one(sp.diff(log(1 + exp(x_)) - x_ * y_, x_), sig(x_) - y_))
c("c17", "BCE logits", r"\log(1 + e^{x}) - x y = -y \log \sigma(x) - (1 - y) \log(1 - \sigma(x))", [], [], True, one(log(1 + exp(x_)) - x_ * y_, BCE))
c("c18", "BCE logits", r"\log(1 + e^{-x}) + x y = -y \log \sigma(x) - (1 - y) \log(1 - \sigma(x))", [], [], False, one(log(1 + exp(-x_)) + x_ * y_, BCE))

# ---- sigmoid chains
w_, b_ = sp.symbols("w b", real=True)
c("c19", "sigmoid chain", r"\frac{d}{dx}\sigma(2x) = 2\sigma(2x)(1 - \sigma(2x))", [], [], True, one(sp.diff(sig(2 * x_), x_), 2 * dsig(2 * x_)))
c("c20", "sigmoid chain", r"\frac{d}{dx}\sigma(2x) = \sigma(2x)(1 - \sigma(2x))", [], [], False, one(sp.diff(sig(2 * x_), x_), dsig(2 * x_)))
c("c21", "sigmoid chain", r"\frac{\partial \hat y}{\partial w} = \hat y (1 - \hat y) x", [r"\tilde z = w x + b", r"\hat y = \sigma(\tilde z)"], [], True,
  one(sp.diff(sig(w_ * x_ + b_), w_), dsig(w_ * x_ + b_) * x_))
c("c22", "sigmoid chain", r"\frac{\partial \hat y}{\partial b} = \hat y (1 - \hat y) x", [r"\tilde z = w x + b", r"\hat y = \sigma(\tilde z)"], [], False,
  one(sp.diff(sig(w_ * x_ + b_), b_), dsig(w_ * x_ + b_) * x_))
c("c23", "sigmoid chain", r"\frac{d}{dx}\log\sigma(x) = 1 - \sigma(x)", [], [], True, one(sp.diff(log(sig(x_)), x_), 1 - sig(x_)))
c("c24", "sigmoid chain", r"\frac{d}{dx}\log\sigma(x) = \sigma(x)", [], [], False, one(sp.diff(log(sig(x_)), x_), sig(x_)))

# ---- tanh
c("c25", "tanh", r"\tanh'(x) = 1 - \tanh(x)^2", [], [], True, one(sp.diff(tanh(x_), x_), 1 - tanh(x_)**2))
c("c26", "tanh", r"\frac{d}{dx}\tanh(x) = 4\sigma'(2x)", [], [], True, one(sp.diff(tanh(x_), x_), 4 * dsig(2 * x_)))
c("c27", "tanh", r"\frac{d}{dx}\tanh(x) = 2\sigma'(2x)", [], [], False, one(sp.diff(tanh(x_), x_), 2 * dsig(2 * x_)))
h0, u_ = sp.symbols("h_0 u", real=True)
H = tanh(w_ * h0 + u_ * x_)
c("c28", "tanh", r"\frac{\partial h}{\partial w} = (1 - h^2) h_0", [r"h = \tanh(w h_0 + u x)"], [], True, one(sp.diff(H, w_), (1 - H**2) * h0))
c("c29", "tanh", r"\frac{\partial h}{\partial w} = (1 - h)^2 h_0", [r"h = \tanh(w h_0 + u x)"], [], False, one(sp.diff(H, w_), (1 - H)**2 * h0))


# ---- layer-norm statistics, sigma^2 a name
def _var(K, f):
    x = V("x", K)
    mu = sum(x) / K
    var = sum((v - mu)**2 for v in x) / K
    return [[sp.diff(var, x[j]), f(K, x[j] - mu)] for j in range(K)]


LN = [r"\mu = \frac{1}{N}\sum_{i=1}^{N} x_i", r"\sigma^2 = \frac{1}{N}\sum_{i=1}^{N} (x_i - \mu)^2"]
c("c30", "variance name", r"\frac{\partial \sigma^2}{\partial x_j} = \frac{2}{N}(x_j - \mu)", LN, [], True, lambda K: _var(K, lambda N, e: 2 * e / N))
c("c31", "variance name", r"\frac{\partial \sigma^2}{\partial x_j} = \frac{2}{N}(x_j - \mu)\left(1 - \frac{1}{N}\right)", LN, [], False, lambda K: _var(K, lambda N, e: 2 * e / N * (1 - Q(1, N))))
LNv = [r"\mu = \frac{1}{N}\sum_{i=1}^{N} x_i", r"v = \frac{1}{N}\sum_{i=1}^{N} (x_i - \mu)^2"]
c("c32", "variance name", r"\frac{\partial v}{\partial x_j} = 2(x_j - \mu)", LNv, [], False, lambda K: _var(K, lambda N, e: 2 * e))


# ---- attention scores
def _att(K, which):
    n, m, d = 2, K, 2
    Qm, Km = M("Q", n, d), M("K", m, d)
    s = [[sum(Qm[i, a] * Km[j, a] for a in range(d)) / sqrt(d) for j in range(m)] for i in range(n)]
    out = []
    for i in range(n):
        for j in range(m):
            for b in range(d):
                out.append({"q": [sp.diff(s[i][j], Qm[i, b]), Km[j, b] / sqrt(d)],
                            "qslip": [sp.diff(s[i][j], Qm[i, b]), Km[j, b]],
                            "qidx": [sp.diff(s[i][j], Qm[i, b]), (Km[i, b] if i < m else 0) / sqrt(d)]}[which])
    return out


ATT = r"s_{ij} = \frac{1}{\sqrt{d}} \sum_{a=1}^{d} Q_{ia} K_{ja}"
c("c33", "attention", r"\frac{\partial s_{ij}}{\partial Q_{ib}} = \frac{K_{jb}}{\sqrt{d}}", [ATT], [], True, lambda K: _att(K, "q"))
c("c34", "attention", r"\frac{\partial s_{ij}}{\partial Q_{ib}} = K_{jb}", [ATT], [], False, lambda K: _att(K, "qslip"))
c("c35", "attention", r"\frac{\partial s_{ij}}{\partial Q_{ib}} = \frac{K_{ib}}{\sqrt{d}}", [ATT], [], False, lambda K: _att(K, "qidx"))


# ---- L2 regularisation
def _l2(K, which):
    w, x = V("w", K), V("x", K)
    lam, y = sp.Symbol("lambda", positive=True), sp.Symbol("y", real=True)
    r = sum(w[k] * x[k] for k in range(K)) - y
    J = r**2 / 2 + lam / 2 * sum(v**2 for v in w)
    return [[sp.diff(J, w[i]), r * x[i] + {"ok": lam * w[i], "two": 2 * lam * w[i], "none": 0}[which]] for i in range(K)]


L2 = r"J = \frac{1}{2}\left(\sum_{k=1}^{K} w_k x_k - y\right)^2 + \frac{\lambda}{2}\|w\|^2"
L2b = r"J = \frac{1}{2}\left(\sum_{k=1}^{K} w_k x_k - y\right)^2 + \frac{\lambda}{2}\|w\|_2^2"
c("c36", "L2", r"\frac{\partial J}{\partial w_i} = \left(\sum_{k=1}^{K} w_k x_k - y\right)x_i + \lambda w_i", [L2], [], True, lambda K: _l2(K, "ok"))
c("c37", "L2", r"\frac{\partial J}{\partial w_i} = \left(\sum_{k=1}^{K} w_k x_k - y\right)x_i + 2\lambda w_i", [L2], [], False, lambda K: _l2(K, "two"))
c("c38", "L2", r"\frac{\partial J}{\partial w_i} = \left(\sum_{k=1}^{K} w_k x_k - y\right)x_i + \lambda w_i", [L2b], [], True, lambda K: _l2(K, "ok"))
c("c39", "L2", r"\frac{\partial J}{\partial w_i} = \left(\sum_{k=1}^{K} w_k x_k - y\right)x_i", [L2b], [], False, lambda K: _l2(K, "none"))


# ---- batch mean
def _bm(K, which):
    N = K
    w = sp.Symbol("w", real=True)
    xs, ys = V("x", N), V("y", N)
    L = sum((w * xs[n] - ys[n])**2 for n in range(N)) / (2 * N)
    g = sum((w * xs[n] - ys[n]) * xs[n] for n in range(N))
    return one(sp.diff(L, w), g / N if which == "ok" else g)(K)


BM = r"L = \frac{1}{2N}\sum_{n=1}^{N} (w x_n - y_n)^2"
c("c40", "batch mean", r"\frac{dL}{dw} = \frac{1}{N}\sum_{n=1}^{N} (w x_n - y_n) x_n", [BM], [], True, lambda K: _bm(K, "ok"))
c("c41", "batch mean", r"\frac{dL}{dw} = \sum_{n=1}^{N} (w x_n - y_n) x_n", [BM], [], False, lambda K: _bm(K, "slip"))


# ---- product of sums
def _ps(K, which):
    a, b, x = V("a", K), V("b", K), V("x", K)
    f = sum(a[i] * x[i] for i in range(K)) * sum(b[j] * x[j] for j in range(K))
    return [[sp.diff(f, x[k]), a[k] * sum(b[j] * x[j] for j in range(K)) + b[k] * sum(a[i] * x[i] for i in range(K)) if which == "ok"
             else a[k] * b[k]] for k in range(K)]


PS = r"f = \left(\sum_i a_i x_i\right)\left(\sum_j b_j x_j\right)"
c("c42", "product of sums", r"\frac{\partial f}{\partial x_k} = a_k \sum_j b_j x_j + b_k \sum_i a_i x_i", [PS], [], True, lambda K: _ps(K, "ok"))
c("c43", "product of sums", r"\frac{\partial f}{\partial x_k} = a_k b_k", [PS], [], False, lambda K: _ps(K, "slip"))

# ---- evaluation bars, primes
c("c44", "evaluation bar", r"\left.\frac{d}{dx}\sigma(x)\right|_{x=0} = \frac{1}{4}", [], [], True, one(sp.diff(sig(x_), x_).subs(x_, 0), Q(1, 4)))
c("c45", "evaluation bar", r"\left.\frac{d}{dx}\tanh(x)\right|_{x=0} = \frac{1}{2}", [], [], False, one(sp.diff(tanh(x_), x_).subs(x_, 0), Q(1, 2)))
SPL = r"f(x) = \log(1 + e^{x})"
c("c46", "primes", r"f''(x) = \sigma(x)(1 - \sigma(x))", [SPL], [], True, one(sp.diff(log(1 + exp(x_)), x_, 2), dsig(x_)))
c("c47", "primes", r"f''(x) = \sigma(x)^2", [SPL], [], False, one(sp.diff(log(1 + exp(x_)), x_, 2), sig(x_)**2))


# ---- layer superscripts
def _lay(K, which):
    W, a = M("W", K, K), V("a", K)
    z = [sum(W[j, k] * a[k] for k in range(K)) for j in range(K)]
    out = []
    for j in range(K):
        for k in range(K):
            out.append({"ok": [sp.diff(z[j], a[k]), W[j, k]], "slip": [sp.diff(z[j], a[k]), W[k, j]],
                        "w": [sp.diff(sig(z[j]), W[j, k]), dsig(z[j]) * a[k]]}[which])
    return out


LB = r"z^{[l]}_j = \sum_k W^{[l]}_{jk} a^{[l-1]}_k"
c("c48", "layer superscripts", r"\frac{\partial z^{[l]}_j}{\partial a^{[l-1]}_k} = W^{[l]}_{jk}", [LB], [], True, lambda K: _lay(K, "ok"))
c("c49", "layer superscripts", r"\frac{\partial z^{[l]}_j}{\partial a^{[l-1]}_k} = W^{[l]}_{kj}", [LB], [], False, lambda K: _lay(K, "slip"))
c("c50", "layer superscripts", r"\frac{\partial a^{[l]}_j}{\partial W^{[l]}_{jk}} = \sigma'(z^{[l]}_j)\, a^{[l-1]}_k", [LB, r"a^{[l]}_j = \sigma(z^{[l]}_j)"], [], True, lambda K: _lay(K, "w"))
LP = r"z_i^{(l+1)} = \sum_{j} W_{ij}^{(l)} a_j^{(l)}"
c("c51", "layer superscripts", r"\frac{\partial z_i^{(l+1)}}{\partial a_j^{(l)}} = W_{ji}^{(l)}", [LP], [], False,
  lambda K: [[row[0], row[1]] for row in _lay(K, "slip")])


# ---- d and delta for the partial, sums without limits
def _sq(K, sign):
    y, h = V("y", K), V("h", K)
    L = sum((y[i] - h[i])**2 for i in range(K))
    return [[sp.diff(L, h[i]), sign * 2 * (y[i] - h[i])] for i in range(K)]


c("c52", "sum without limits", r"\frac{\partial L}{\partial \hat y_i} = -2(y_i - \hat y_i)", [r"L = \sum_i (y_i - \hat y_i)^2"], [], True, lambda K: _sq(K, -1))
c("c53", "sum without limits", r"\frac{\partial L}{\partial \hat y_i} = 2(y_i - \hat y_i)", [r"L = \sum_i (y_i - \hat y_i)^2"], [], False, lambda K: _sq(K, 1))


def _E(K, sign):
    N, dd = K, 2
    w, t = V("w", dd), V("t", N)
    X = M("x", N, dd)
    r = [t[n] - sum(w[k] * X[n, k] for k in range(dd)) for n in range(N)]
    E = sum(v**2 for v in r) / 2
    return [[sp.diff(E, w[i]), sign * sum(r[n] * X[n, i] for n in range(N))] for i in range(dd)]


ED = r"E = \frac{1}{2}\sum_{n=1}^{N}\left(t_n - \sum_k w_k x_{nk}\right)^2"
c("c54", "d for partial", r"\frac{dE}{dw_i} = -\sum_{n=1}^{N}\left(t_n - \sum_k w_k x_{nk}\right)x_{ni}", [ED], [], True, lambda K: _E(K, -1))
c("c55", "d for partial", r"\frac{dE}{dw_i} = \sum_{n=1}^{N}\left(t_n - \sum_k w_k x_{nk}\right)x_{ni}", [ED], [], False, lambda K: _E(K, 1))

# ---- \text conditions inside the claim
SM = r"p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"


def sm_ij(K, f, cond=None):
    z = V("z", K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


c("c56", "text condition", r"\frac{\partial p_i}{\partial z_j} = -p_i p_j \quad \text{for } i \neq j", [SM], [], True,
  lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"]))
c("c57", "text condition", r"\frac{\partial p_i}{\partial z_j} = p_i(1 - p_i) \quad \text{for } i \neq j", [SM], [], False,
  lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] != d["j"]))

# ---- ambiguous
u_p = sp.Symbol("u", positive=True)
c("c58", "ambiguous", r"\frac{d}{dx}\, 1/2x^2 = x", [], [], "amb",
  lambda K: ([[sp.diff(x_**2 / 2, x_), x_]], [[sp.diff(1 / (2 * xp**2), xp), xp]]))
c("c59", "ambiguous", r"\frac{d}{du}\sigma^{-1}(u) = \frac{1}{u(1 - u)}", [], [], "amb",
  lambda K: ([[sp.diff(log(u_p / (1 - u_p)), u_p), 1 / (u_p * (1 - u_p))]], [[sp.diff(1 + exp(-u_p), u_p), 1 / (u_p * (1 - u_p))]]))
c("c60", "ambiguous", r"\frac{dy}{dx} = y(1 - y)", [], [], "amb",
  lambda K: ([[sp.diff(sig(x_), x_), dsig(x_)]], [[sp.diff(tanh(x_), x_), tanh(x_) * (1 - tanh(x_))]]))

# ---- swish, distillation
be = sp.Symbol("beta", positive=True)
SW = x_ * sig(be * x_)
c("c61", "swish", r"\frac{d}{dx}\left(x\,\sigma(\beta x)\right) = \sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))", [], [], True,
  one(sp.diff(SW, x_), sig(be * x_) + be * x_ * dsig(be * x_)))
c("c62", "swish", r"\frac{d}{dx}\left(x\,\sigma(\beta x)\right) = \sigma(\beta x) + x\,\sigma(\beta x)(1 - \sigma(\beta x))", [], [], False,
  one(sp.diff(SW, x_), sig(be * x_) + x_ * dsig(be * x_)))


def _dist(K, which):
    z, q = V("z", K), V("q", K, positive=True)
    qq = q[:-1] + [1 - sum(q[:-1])]
    p = smT(z, Tp)
    L = -Tp**2 * sum(qq[k] * log(p[k]) for k in range(K))
    return [[sp.diff(L, z[i]), (Tp if which == "ok" else Tp**2) * (p[i] - qq[i])] for i in range(K)]


DI = [r"p_k = \frac{e^{z_k/T}}{\sum_{j=1}^{K} e^{z_j/T}}", r"L = -T^2 \sum_{k=1}^{K} q_k \log p_k"]
c("c63", "distillation", r"\frac{\partial L}{\partial z_i} = T(p_i - q_i)", DI, [r"\sum_{k=1}^{K} q_k = 1"], True, lambda K: _dist(K, "ok"))
c("c64", "distillation", r"\frac{\partial L}{\partial z_i} = T^2(p_i - q_i)", DI, [r"\sum_{k=1}^{K} q_k = 1"], False, lambda K: _dist(K, "T2"))

# ---- second pass (typesetting variants; the classes of FINDINGS.md)
SMd = r"p_i = \dfrac{e^{z_i}}{\sum\limits_{k=1}^{K} e^{z_k}}"
c("c65", "dfrac limits", r"\frac{\partial p_i}{\partial z_j} = -p_i p_j", [SMd], [r"i \neq j"], True,
  lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"]))
c("c66", "mathrm d", r"\frac{\mathrm{d}}{\mathrm{d}x}\log(1 + e^{-x}) = \sigma(x) - 1", [], [], True, one(sp.diff(log(1 + exp(-x_)), x_), sig(x_) - 1))
c("c67", "mathrm d", r"\frac{\mathrm{d}}{\mathrm{d}x}\log(1 + e^{-x}) = \sigma(x)", [], [], False, one(sp.diff(log(1 + exp(-x_)), x_), sig(x_)))
g0, x0 = sp.symbols("g_0 x_0", real=True)
G = sig(w_ * x0 + g0)
c("c68", "name beside subscripted name", r"\frac{\partial g}{\partial w} = g(1 - g) x_0", [r"g = \sigma(w x_0 + g_0)"], [], True, one(sp.diff(G, w_), G * (1 - G) * x0))
c("c69", "domain", r"\frac{d}{dx}\max(0, x)^2 = 2x", [], [r"x > 0"], True, one(sp.diff(sp.Max(0, xp)**2, xp), 2 * xp))
c("c70", "domain", r"\frac{d}{dx}\max(0, x)^2 = 2x", [], [], False, lambda K: [[sp.diff(sp.Max(0, sp.Symbol("x", negative=True))**2, sp.Symbol("x", negative=True)), 2 * sp.Symbol("x", negative=True)]])
c("c71", "KL", r"\frac{\partial D}{\partial q_i} = \log \frac{q_i}{p_i} + 1", [r"D = \sum_{k=1}^{K} q_k \log \frac{q_k}{p_k}"], [], True,
  lambda K: (lambda p, q: [[sp.diff(sum(q[k] * log(q[k] / p[k]) for k in range(K)), q[i]), log(q[i] / p[i]) + 1] for i in range(K)])(V("p", K, positive=True), V("q", K, positive=True)))
PR = r"P = \prod_{k=1}^{K} x_k"
c("c72", "product", r"\frac{\partial P}{\partial x_i} = \frac{P}{x_i}", [PR], [], True,
  lambda K: (lambda x: [[sp.diff(sp.Mul(*x), x[i]), sp.Mul(*x) / x[i]] for i in range(K)])(V("x", K, positive=True)))
c("c73", "product", r"\frac{\partial P}{\partial x_i} = P", [PR], [], False,
  lambda K: (lambda x: [[sp.diff(sp.Mul(*x), x[i]), sp.Mul(*x)] for i in range(K)])(V("x", K, positive=True)))
xneg = sp.Symbol("x", negative=True)
c("c74", "domain", r"\frac{d}{dx}|x| = -1", [], [r"x < 0"], True, one(sp.diff(sp.Abs(xneg), xneg), -1))
c("c75", "domain", r"\frac{d}{dx}|x| = -1", [], [], False, one(sp.diff(sp.Abs(xp), xp), -1))
c("c76", "ambiguous", r"\frac{d}{dx}\, \log x/2 = \frac{1}{x}", [], [], "amb",
  lambda K: ([[sp.diff(log(xp / 2), xp), 1 / xp]], [[sp.diff(log(xp) / 2, xp), 1 / xp]]))
c("c77", "ambiguous", r"\frac{d}{dx}\log \sigma(x)^{2} = 2(1 - \sigma(x))", [], [], "amb",
  lambda K: ([[sp.diff(log(sig(x_)**2), x_), 2 * (1 - sig(x_))]], [[sp.diff(log(sig(x_))**2, x_), 2 * (1 - sig(x_))]]))
c("c78", "power inside log", r"\frac{d}{dx}\log x^2 = \frac{2}{x}", [], [], True, one(sp.diff(log(xp**2), xp), 2 / xp))

# ---- third pass
c("c79", "indicator", r"\frac{\partial p_i}{\partial z_j} = p_i(\mathbb{1}[i = j] - p_j)", [SM], [], True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (delta(i, j) - p[j])))
c("c80", "indicator", r"\frac{\partial p_i}{\partial z_j} = p_i([i = j] - p_j)", [SM], [], True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (delta(i, j) - p[j])))
c("c81", "ln", r"\frac{d}{dx}\ln(1 - \sigma(x)) = \sigma(x)", [], [], False, one(sp.diff(log(1 - sig(x_)), x_), sig(x_)))
A_ = tanh(x_)
c("c82", "second derivative", r"\frac{d^2 a}{dx^2} = -2a(1 - a^2)", [r"a = \tanh(x)"], [], True, one(sp.diff(A_, x_, 2), -2 * A_ * (1 - A_**2)))
c("c83", "second derivative", r"\frac{d^2 a}{dx^2} = -2a", [r"a = \tanh(x)"], [], False, one(sp.diff(A_, x_, 2), -2 * A_))
c("c84", "indicator", r"\frac{\partial p_i}{\partial z_j} = p_i(\mathbb{1}_{i=j} - p_i)", [SM], [], False, lambda K: sm_ij(K, lambda p, i, j: p[i] * (delta(i, j) - p[i])))
