"""Round-7 CLI claims (symderiv check CLAIM --given ... --where ...), in the classes of issue 11,
each with a SymPy encoding at fixed K (tlib) and the hand label `expected`."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

C = []


def c(id_, cls, claim, given, where, expected, fn):
    C.append(dict(id=id_, cls=cls, claim=claim, given=list(given), where=list(where), expected=expected, fn=fn))


x_ = sp.Symbol("x", real=True)
SMp = r"p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"


def sm_ij(K, f, cond=None):
    z = V("z", K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


def one(a, b):
    return lambda K: [[a, b]]


# ---- letter runs / function names
c("c01", "letter run", r"\frac{\partial\, \mathrm{softmax}(z)_i}{\partial z_j} = \mathrm{softmax}(z)_i(\delta_{ij} - \mathrm{softmax}(z)_j)", [], [], True,
  lambda K: sm_ij(K, lambda p, i, j: p[i] * (delta(i, j) - p[j])))
c("c02", "letter run", r"\frac{\partial\, \mathrm{softmax}(z)_i}{\partial z_j} = -\mathrm{softmax}(z)_i \mathrm{softmax}(z)_j", [], [r"i \neq j"], True,
  lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"]))
c("c03", "letter run", r"\frac{d}{dx}\mathrm{sigmoid}(x) = \mathrm{sigmoid}(x)(1 - \mathrm{sigmoid}(x))", [], [], True,
  one(sp.diff(sig(x_), x_), sig(x_) * (1 - sig(x_))))
c("c04", "letter run", r"\frac{d}{dx}\operatorname{sigmoid}(x) = \operatorname{sigmoid}(x)(1 + \operatorname{sigmoid}(x))", [], [], False,
  one(sp.diff(sig(x_), x_), sig(x_) * (1 + sig(x_))))
c("c05", "catalogue", r"\sigma'(x) = \sigma(x)(1 - \sigma(x))", [], [], True, one(sp.diff(sig(x_), x_), sig(x_) * (1 - sig(x_))))
c("c06", "catalogue", r"\frac{d}{dx}\tanh(x) = 1 - \tanh^2(x)", [], [], True, one(sp.diff(tanh(x_), x_), 1 - tanh(x_)**2))
c("c07", "catalogue", r"\frac{d}{dx}\tanh(x) = 1 - \tanh(x)", [], [], False, one(sp.diff(tanh(x_), x_), 1 - tanh(x_)))
c("c08", "bracket", r"\frac{d}{dx}\left[x\, \sigma(x)\right] = \sigma(x) + x\,\sigma(x)(1 - \sigma(x))", [], [], True,
  one(sp.diff(x_ * sig(x_), x_), sig(x_) + x_ * sig(x_) * (1 - sig(x_))))
c("c09", "bracket", r"\frac{d}{dx}[\log(1 + e^{x})] = \sigma(x)", [], [], True, one(sp.diff(log(1 + exp(x_)), x_), sig(x_)))
c("c10", "bracket", r"\frac{d}{dx}[\log(1 + e^{x})] = \sigma(-x)", [], [], False, one(sp.diff(log(1 + exp(x_)), x_), sig(-x_)))
c("c11", "application", r"\frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j)", [r"p_i(\mathbf{z}) = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"], [], True,
  lambda K: sm_ij(K, lambda p, i, j: p[i] * (delta(i, j) - p[j])))
c("c12", "application", r"\frac{\partial p_i}{\partial z_j} = p_i(1 - p_j)", [r"p_i(\mathbf{z}) = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"], [], False,
  lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 - p[j])))


# ---- delta for partial
def _E(K, which):
    t, o = V("t", K), V("o", K)
    E = sum((t[k] - o[k])**2 for k in range(K)) / 2
    return [[sp.diff(E, o[j]), o[j] - t[j]] for j in range(K)]


c("c13", "delta as partial", r"\frac{\delta E}{\delta o_j} = o_j - t_j", [r"E = \frac{1}{2}\sum_{k=1}^{K} (t_k - o_k)^2"], [], True, lambda K: _E(K, 0))
w_, x1, x2 = sp.symbols("w x_1 x_2", real=True)
_E2 = ((w_ * x1)**2 + (w_ * x2)**2) / 2
c("c14", "delta as partial", r"\frac{\delta E}{\delta w} = \frac{\delta E}{\delta o_1}\frac{\delta o_1}{\delta w}", [r"o_1 = w x_1", r"o_2 = w x_2", r"E = \frac{1}{2}(o_1^2 + o_2^2)"], [], False,
  one(sp.diff(_E2, w_), (w_ * x1) * x1))
c("c15", "delta as partial", r"\frac{\delta E}{\delta w} = \frac{\delta E}{\delta o_1}\frac{\delta o_1}{\delta w} + \frac{\delta E}{\delta o_2}\frac{\delta o_2}{\delta w}", [r"o_1 = w x_1", r"o_2 = w x_2", r"E = \frac{1}{2}(o_1^2 + o_2^2)"], [], True,
  one(sp.diff(_E2, w_), (w_ * x1) * x1 + (w_ * x2) * x2))


# ---- sizes pinned by conditions
def _mseN(K, f, N=None):
    N = N or K
    y, t = V("y", N), V("t", N)
    L = sum((y[n] - t[n])**2 for n in range(N)) / N
    return [[sp.diff(L, y[n]), f(N, y[n] - t[n])] for n in range(N)]


MSE = r"L = \frac{1}{N}\sum_{n=1}^{N} (y_n - t_n)^2"
c("c16", "size pinned", r"\frac{\partial L}{\partial y_n} = 2(y_n - t_n)", [MSE], [r"N = 1"], True, lambda K: _mseN(K, lambda N, e: 2 * e, N=1))
c("c17", "size pinned", r"\frac{\partial L}{\partial y_n} = 2(y_n - t_n)", [MSE], [], False, lambda K: _mseN(K, lambda N, e: 2 * e))
c("c18", "size pinned", r"\frac{\partial L}{\partial y_n} = \frac{2}{N}(y_n - t_n)", [MSE], [], True, lambda K: _mseN(K, lambda N, e: 2 * e / N))
c("c19", "size pinned", r"\frac{\partial L}{\partial y_n} = y_n - t_n", [MSE], [r"N = 2"], True, lambda K: _mseN(K, lambda N, e: e, N=2))


# ---- transposed entries
def _wt(K, ok):
    m, n = K, K + 1
    W, x = M("W", m, n), V("x", n)
    Y = V("Y", m)
    c_ = V("c", m)
    Lg = sum(c_[i] * Y[i]**3 for i in range(m)) + Y[0] * Y[-1]
    y = [sum(W[i, j] * x[j] for j in range(n)) for i in range(m)]
    g = [sp.diff(Lg, Y[i]).subs(dict(zip(Y, y))) for i in range(m)]
    L = Lg.subs(dict(zip(Y, y)))
    if ok:
        return [[sp.diff(L, x[j]), sum(W[i, j] * g[i] for i in range(m))] for j in range(n)]
    return [[sp.diff(L, x[j]), sum(W[j, i] * g[i] for i in range(m)) if j < m else 0] for j in range(n)]


YW = r"y_i = \sum_{j=1}^{n} W_{ij} x_j"
GL = r"L = L(y_1, \dots, y_m)"
c("c20", "W^T entry", r"\frac{\partial L}{\partial x_j} = \sum_{i=1}^{m} W^T_{ji} \frac{\partial L}{\partial y_i}", [YW, GL], [], True, lambda K: _wt(K, True))
c("c21", "W^T entry", r"\frac{\partial L}{\partial x_j} = \sum_{i=1}^{m} W^T_{ij} \frac{\partial L}{\partial y_i}", [YW, GL], [], False, lambda K: _wt(K, False))


# ---- sums with exclusions, bare sums
def _excl(K, which):
    z = V("z", K)
    p = softmax(z)
    if which == "sum":
        return [[sum(p[k] for k in range(K) if k != i), 1 - p[i]] for i in range(K)]
    if which == "col":
        return [[sum(sp.diff(p[j], z[k]) for j in range(K) if j != k), -p[k] * (1 - p[k])] for k in range(K)]
    if which == "colslip":
        return [[sum(sp.diff(p[j], z[k]) for j in range(K) if j != k), p[k] * (1 - p[k])] for k in range(K)]
    if which == "lse":
        return [[sp.diff(log(sum(map(exp, z))), z[i]), p[i]] for i in range(K)]


c("c22", "sum k neq i", r"\sum_{k \neq i} p_k = 1 - p_i", [SMp], [], True, lambda K: _excl(K, "sum"))
c("c23", "sum j not= k", r"\sum_{j \not= k} \frac{\partial p_j}{\partial z_k} = -p_k(1 - p_k)", [SMp], [], True, lambda K: _excl(K, "col"))
c("c24", "sum j not= k", r"\sum_{j \not= k} \frac{\partial p_j}{\partial z_k} = p_k(1 - p_k)", [SMp], [], False, lambda K: _excl(K, "colslip"))
c("c25", "bare sum", r"\frac{\partial}{\partial z_i} \log \sum e^{z} = p_i", [SMp], [], True, lambda K: _excl(K, "lse"))


# ---- named losses, ell, mathcal L, hat y, conditions
def _ceK(K, sign, cond=True, name_t="t"):
    z, t = V("z", K), V("t", K)
    p = softmax(z)
    L = -sum(t[k] * log(p[k]) for k in range(K))
    sub = {t[-1]: 1 - sum(t[:-1])} if cond else {}
    return [[sp.diff(L, z[k]).subs(sub), (sign * (p[k] - t[k])).subs(sub)] for k in range(K)]


SMpk = r"p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}"
c("c26", "ell", r"\frac{\partial \ell}{\partial z_k} = p_k - t_k", [SMpk, r"\ell = -\sum_{k=1}^{K} t_k \log p_k"], [r"\sum_{k=1}^{K} t_k = 1"], True, lambda K: _ceK(K, 1))
c("c27", "mathcal L", r"\frac{\partial \mathcal{L}}{\partial z_k} = p_k - t_k", [SMpk, r"\mathcal{L} = -\sum_{k=1}^{K} t_k \log p_k"], [], False, lambda K: _ceK(K, 1, cond=False))
c("c28", "hat y", r"\frac{\partial L}{\partial z_k} = \hat y_k - y_k", [r"\hat y_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}", r"L = -\sum_{k=1}^{K} y_k \log \hat y_k"], [r"\sum_{k=1}^{K} y_k = 1"], True,
  lambda K: _ceK(K, 1))
c("c29", "hat y", r"\frac{\partial L}{\partial z_k} = y_k - \hat y_k", [r"\hat y_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}", r"L = -\sum_{k=1}^{K} y_k \log \hat y_k"], [r"\sum_{k=1}^{K} y_k = 1"], False,
  lambda K: _ceK(K, -1))


def _hat(K, which):
    z = V("z", K)
    s = [sig(v) for v in z]
    p = softmax(z)
    if which == "sigdiag":
        return [[sp.diff(s[k], z[k]), s[k] * (1 - s[k])] for k in range(K)]
    if which == "sigoff":
        return [[sp.diff(s[k], z[j]), 0] for k in range(K) for j in range(K) if j != k]
    if which == "smoff":
        return [[sp.diff(p[k], z[j]), 0] for k in range(K) for j in range(K) if j != k]


c("c30", "hat y", r"\frac{\partial \hat y_k}{\partial z_k} = \hat y_k(1 - \hat y_k)", [r"\hat y_k = \sigma(z_k)"], [], True, lambda K: _hat(K, "sigdiag"))
c("c31", "hat y", r"\frac{\partial \hat y_k}{\partial z_j} = 0", [r"\hat y_k = \sigma(z_k)"], [r"j \neq k"], True, lambda K: _hat(K, "sigoff"))
c("c32", "hat y", r"\frac{\partial \hat y_k}{\partial z_j} = 0", [r"\hat y_k = \frac{e^{z_k}}{\sum_{i=1}^{K} e^{z_i}}"], [r"j \neq k"], False, lambda K: _hat(K, "smoff"))


# ---- max_j
def _mx(K, ok):
    z = V("z", K)
    p = softmax(z)
    out = []
    for mi in range(K):
        m = z[mi]
        den = sum(exp(v - m) for v in z) if ok else sum(map(exp, z))
        out += [[exp(z[i] - m) / den, p[i]] for i in range(K)]
    return out


c("c33", "max_j", r"\frac{e^{z_i - \max_j z_j}}{\sum_{k=1}^{K} e^{z_k - \max_j z_j}} = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}", [], [], True, lambda K: _mx(K, True))
c("c34", "max_j", r"\frac{e^{z_i - \max_j z_j}}{\sum_{k=1}^{K} e^{z_k}} = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}", [], [], False, lambda K: _mx(K, False))

# ---- brackets, sizers, colours, tags, displaystyle, operatorname, eqnarray rows
w2, x2_, y2 = sp.symbols("w x y", real=True)
c("c35", "bracket", r"\frac{\partial}{\partial w}\left[\frac{1}{2}(w x - y)^2\right] = (w x - y) x", [], [], True, one(sp.diff((w2 * x2_ - y2)**2 / 2, w2), (w2 * x2_ - y2) * x2_))
c("c36", "bracket", r"\frac{d}{dw}[(w x - y)^2] = 2(w x - y)", [], [], False, one(sp.diff((w2 * x2_ - y2)**2, w2), 2 * (w2 * x2_ - y2)))
c("c37", "color", r"\color{red}{\frac{\partial p_i}{\partial z_i}} = p_i(1 - p_i)", [SMp], [], True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] == d["j"]))
c("c38", "large", r"\large \frac{\partial p_i}{\partial z_i} = p_i(1 + p_i)", [SMp], [], False, lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 + p[i]), lambda d: d["i"] == d["j"]))
c("c39", "tag", r"\frac{\partial p_i}{\partial z_j} = -p_i p_j \tag{3}", [SMp], [r"i \neq j"], True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"]))
c("c40", "displaystyle", r"\displaystyle\frac{\partial p_i}{\partial z_j} = -p_i p_j", [SMp], [], False, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j]))
c("c41", "operatorname", r"\frac{\partial}{\partial z_j} \log \operatorname{softmax}(z)_i = \delta_{ij} - \operatorname{softmax}(z)_j", [], [], True,
  lambda K: (lambda z: over(K, "ij", lambda d: [sp.diff(log(softmax(z)[d["i"]]), z[d["j"]]), delta(d["i"], d["j"]) - softmax(z)[d["j"]]]))(V("z", K)))
c("c42", "operatorname", r"\frac{\partial}{\partial z_j} \log \operatorname{softmax}(z)_i = 1 - \operatorname{softmax}(z)_j", [], [], False,
  lambda K: (lambda z: over(K, "ij", lambda d: [sp.diff(log(softmax(z)[d["i"]]), z[d["j"]]), 1 - softmax(z)[d["j"]]]))(V("z", K)))
c("c43", "eqnarray row", r"\frac{\partial p_i}{\partial z_i} &=& p_i - p_i^2", [SMp], [], True, lambda K: sm_ij(K, lambda p, i, j: p[i] - p[i]**2, lambda d: d["i"] == d["j"]))
c("c44", "align row", r"\frac{\partial p_i}{\partial z_i} =& p_i - p_i p_i", [SMp], [], True, lambda K: sm_ij(K, lambda p, i, j: p[i] - p[i] * p[i], lambda d: d["i"] == d["j"]))


# ---- generic loss
def _gen(K, ok):
    z = V("z", K)
    y = softmax(z)
    Y, cc = V("Y", K), V("c", K)
    Lg = sum(cc[k] * Y[k]**3 for k in range(K)) + Y[0] * Y[-1]**2
    g = [sp.diff(Lg, Y[i]).subs(dict(zip(Y, y))) for i in range(K)]
    L = Lg.subs(dict(zip(Y, y)))
    return [[sp.diff(L, z[j]), sum(g[i] * (y[i] * (delta(i, j) - y[j]) if ok else (delta(i, j) - y[j])) for i in range(K))] for j in range(K)]


SMy = r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"
c("c45", "generic loss", r"\frac{\partial L}{\partial z_j} = \sum_{i=1}^{K} \frac{\partial L}{\partial y_i} y_i(\delta_{ij} - y_j)", [SMy, r"L = L(y_1, \dots, y_K)"], [], True, lambda K: _gen(K, True))
c("c46", "generic loss", r"\frac{\partial L}{\partial z_j} = \sum_{i=1}^{K} \frac{\partial L}{\partial y_i} (\delta_{ij} - y_j)", [SMy, r"L = L(y_1, \dots, y_K)"], [], False, lambda K: _gen(K, False))


# ---- temperature T, log-softmax
def _T(K, f):
    z = V("z", K)
    T = sp.Symbol("T", positive=True)
    p = softmax([v / T for v in z])
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(T) * p[d["i"]] * (delta(d["i"], d["j"]) - p[d["j"]])])


TSM = r"p_i = \frac{e^{z_i / T}}{\sum_{k=1}^{K} e^{z_k / T}}"
c("c47", "temperature T", r"\frac{\partial p_i}{\partial z_j} = \frac{1}{T} p_i (\delta_{ij} - p_j)", [TSM], [], True, lambda K: _T(K, lambda T: 1 / T))
c("c48", "temperature T", r"\frac{\partial p_i}{\partial z_j} = T p_i (\delta_{ij} - p_j)", [TSM], [], False, lambda K: _T(K, lambda T: T))
c("c49", "log", r"\frac{\partial}{\partial z_j}\log p_i = \delta_{ij} - p_j", [SMp], [], True,
  lambda K: (lambda z: over(K, "ij", lambda d: [sp.diff(log(softmax(z)[d["i"]]), z[d["j"]]), delta(d["i"], d["j"]) - softmax(z)[d["j"]]]))(V("z", K)))
c("c50", "log", r"\frac{\partial \log p_i}{\partial z_j} = 1 - p_j", [SMp], [], False,
  lambda K: (lambda z: over(K, "ij", lambda d: [sp.diff(log(softmax(z)[d["i"]]), z[d["j"]]), 1 - softmax(z)[d["j"]]]))(V("z", K)))


# ---- layer labels, bracket superscripts, Sigma_d, text batch
def _lay(K, ok):
    no, ni = K, K + 1
    W, a, b = M("W", no, ni), V("a", ni), V("b", no)
    z = [sum(W[i, j] * a[j] for j in range(ni)) + b[i] for i in range(no)]
    return [[sp.diff(z[i], a[k]), W[i, k] if ok else (W[k, i] if k < no else 0)] for i in range(no) for k in range(ni)]


LAY = r"z^{[l]}_i = \sum_{j} W^{[l]}_{ij} a^{[l-1]}_j + b^{[l]}_i"
c("c51", "layer label", r"\frac{\partial z^{[l]}_i}{\partial a^{[l-1]}_k} = W^{[l]}_{ik}", [LAY], [], True, lambda K: _lay(K, True))
c("c52", "layer label", r"\frac{\partial z^{[l]}_i}{\partial a^{[l-1]}_k} = W^{[l]}_{ki}", [LAY], [], False, lambda K: _lay(K, False))


def _sup(K, f):
    th = sp.Symbol("theta", real=True)
    x, y = V("x", K), V("y", K)
    J = sum((th * x[i] - y[i])**2 for i in range(K)) / (2 * K)
    return [[sp.diff(J, th), f(K) * sum((th * x[i] - y[i]) * x[i] for i in range(K))]]


SUPJ = r"J = \frac{1}{2m}\sum_{i=1}^{m} (\theta x^{(i)} - y^{(i)})^2"
c("c53", "superscript (i)", r"\frac{\partial J}{\partial \theta} = \frac{1}{m}\sum_{i=1}^{m} (\theta x^{(i)} - y^{(i)}) x^{(i)}", [SUPJ], [], True, lambda K: _sup(K, lambda m: Q(1, m)))
c("c54", "superscript (i)", r"\frac{\partial J}{\partial \theta} = \frac{2}{m}\sum_{i=1}^{m} (\theta x^{(i)} - y^{(i)}) x^{(i)}", [SUPJ], [], False, lambda K: _sup(K, lambda m: Q(2, m)))
c("c55", "Sigma_d", r"\frac{\partial}{\partial s_d} \log \Sigma_{e} e^{s_{e}} = \frac{e^{s_d}}{\Sigma_{e} e^{s_{e}}}", [], [], True,
  lambda K: (lambda s: [[sp.diff(log(sum(map(exp, s))), s[d]), exp(s[d]) / sum(map(exp, s))] for d in range(K)])(V("s", K)))


def _bt(K, f):
    w = sp.Symbol("w", real=True)
    x, y = V("x", K), V("y", K)
    L = sum((w * x[n] - y[n])**2 for n in range(K)) / 2
    return [[sp.diff(L, w), f * sum((w * x[n] - y[n]) * x[n] for n in range(K))]]


BL = r"L = \frac{1}{2}\sum_{n \in \text{batch}} (w x_n - y_n)^2"
c("c56", "text batch", r"\frac{\partial L}{\partial w} = \sum_{n \in \text{batch}} (w x_n - y_n) x_n", [BL], [], True, lambda K: _bt(K, 1))
c("c57", "text batch", r"\frac{\partial L}{\partial w} = \sum_{n \in \text{batch}} (w x_n - y_n)", [BL], [], False,
  lambda K: (lambda w, x, y: [[sp.diff(sum((w * x[n] - y[n])**2 for n in range(K)) / 2, w), sum(w * x[n] - y[n] for n in range(K))]])(sp.Symbol("w", real=True), V("x", K), V("y", K)))
c("c58", "softmax fn given", r"\frac{\partial p_j}{\partial z_j} = p_j(1 - p_j)", [r"p_j = \mathrm{softmax}(z)_j"], [], True,
  lambda K: sm_ij(K, lambda p, i, j: p[j] * (1 - p[j]), lambda d: d["i"] == d["j"]))


# ---- matrix forms
def _jm(K, sign):
    z = V("z", K)
    y = softmax(z)
    J = sp.Matrix(K, K, lambda i, j: sp.diff(y[i], z[j]))
    yv = sp.Matrix(y)
    return [[J, sign * (sp.diag(*y) - yv * yv.T)]]


c("c59", "matrix", r"\frac{\partial y}{\partial z} = \mathrm{diag}(y) - y y^T", [r"y = \mathrm{softmax}(z)"], [], True, lambda K: _jm(K, 1))
c("c60", "matrix", r"\frac{\partial y}{\partial z} = \mathrm{diag}(y) + y y^T", [r"y = \mathrm{softmax}(z)"], [], False,
  lambda K: (lambda z: [[sp.Matrix(K, K, lambda i, j: sp.diff(softmax(z)[i], z[j])), sp.diag(*softmax(z)) + sp.Matrix(softmax(z)) * sp.Matrix(softmax(z)).T]])(V("z", K)))


# ---- second wave: size letters as matrices, worked values, powers of functions
def _sidx(K, which):
    n, m, d = 2, 2, K
    Qm, Km = M("Q", n, d), M("K", m, d)
    S = [[sum(Qm[i, a] * Km[j, a] for a in range(d)) / sqrt(d) for j in range(m)] for i in range(n)]
    if which == "ok":
        return [[sp.diff(S[i][j], Km[j, a]), Qm[i, a] / sqrt(d)] for i in range(n) for j in range(m) for a in range(d)]
    return [[sp.diff(S[i][j], Km[j, a]), Qm[j, a] / sqrt(d)] for i in range(n) for j in range(m) for a in range(d)]


SIDX = r"S_{ij} = \frac{1}{\sqrt{d}}\sum_{a=1}^{d} Q_{ia} K_{ja}"
c("c61", "K a matrix", r"\frac{\partial S_{ij}}{\partial K_{ja}} = \frac{Q_{ia}}{\sqrt{d}}", [SIDX], [], True, lambda K: _sidx(K, "ok"))
c("c62", "K a matrix", r"\frac{\partial S_{ij}}{\partial K_{ja}} = \frac{Q_{ja}}{\sqrt{d}}", [SIDX], [], False, lambda K: _sidx(K, "slip"))


def _attm(K, which):
    n, m, d = K, K + 1, 2
    Q_, Km = M("Q", n, d), M("K", m, d)
    S = Q_ * Km.T / sqrt(d)
    Cc, Ss = M("c", n, m), M("S", n, m)
    Ls = sum(Cc[i, j] * Ss[i, j]**2 for i in range(n) for j in range(m)) + Ss[0, 0] * Ss[n - 1, m - 1]
    sub = {Ss[i, j]: S[i, j] for i in range(n) for j in range(m)}
    G = sp.Matrix(n, m, lambda i, j: sp.diff(Ls, Ss[i, j])).subs(sub)
    L = Ls.subs(sub)
    dK = sp.Matrix(m, d, lambda i, j: sp.diff(L, Km[i, j]))
    return [[dK, G.T * Q_ / sqrt(d)]] if which == "ok" else [[dK, sp.Matrix([0])]]


AG = [r"S = \frac{Q K^\top}{\sqrt{d}}", r"G = \frac{\partial L}{\partial S}"]
AW = [r"Q \in \mathbb{R}^{n \times d}", r"K \in \mathbb{R}^{m \times d}"]
c("c63", "K a matrix", r"\frac{\partial L}{\partial K} = \frac{1}{\sqrt{d}} G^\top Q", AG + AW, [], True, lambda K: _attm(K, "ok"))
c("c64", "K a matrix", r"\frac{\partial L}{\partial K} = \frac{1}{\sqrt{d}} G Q", AG + AW, [], False, lambda K: _attm(K, "slip"))
xx = sp.Symbol("x", real=True)
c("c65", "power of function", r"\frac{d}{dx}\tanh^2(x) = 2\tanh(x)(1 - \tanh^2(x))", [], [], True, one(sp.diff(tanh(xx)**2, xx), 2 * tanh(xx) * (1 - tanh(xx)**2)))
c("c66", "power of function", r"\frac{d}{dx}\tanh^2(x) = 2\tanh(x)", [], [], False, one(sp.diff(tanh(xx)**2, xx), 2 * tanh(xx)))
u_ = sp.Symbol("u", positive=True)
c("c67", "hat y", r"\frac{\partial L}{\partial \hat y} = -\frac{1}{\hat y}", [r"L = -\log \hat y"], [], True, one(sp.diff(-log(u_), u_), -1 / u_))
c("c68", "hat y", r"\frac{\partial L}{\partial \hat y} = \frac{1}{\hat y}", [r"L = -\log \hat y"], [], False, one(sp.diff(-log(u_), u_), 1 / u_))


def _ce3(K, which):
    if K < 3:
        return None
    z = V("z", K)
    p = softmax(z)
    L = -log(p[2])
    return [[sp.diff(L, z[2]), p[2] - 1]] if which == "ok" else [[sp.diff(L, z[0]), p[0] - 1]]


c("c69", "literal index", r"\frac{\partial L}{\partial z_3} = p_3 - 1", [SMp, r"L = -\log p_3"], [], True, lambda K: _ce3(K, "ok"))
c("c70", "literal index", r"\frac{\partial L}{\partial z_1} = p_1 - 1", [SMp, r"L = -\log p_3"], [], False, lambda K: _ce3(K, "slip"))


def _ov(K, ok):
    n, m, d = 2, K, 2
    A, Vm = M("A", n, m), M("V", m, d)
    O = A * Vm
    return [[sp.diff(O[i, j], Vm[k, j]), A[i, k] if ok else (A[k, i] if k < n and i < m else 0)] for i in range(n) for j in range(d) for k in range(m)]


OV = r"O_{ij} = \sum_{k} A_{ik} V_{kj}"
c("c71", "V a matrix", r"\frac{\partial O_{ij}}{\partial V_{kj}} = A_{ik}", [OV], [], True, lambda K: _ov(K, True))
c("c72", "V a matrix", r"\frac{\partial O_{ij}}{\partial V_{kj}} = A_{ki}", [OV], [], False, lambda K: _ov(K, False))
c("c73", "contrast case", r"\frac{\partial p_i}{\partial z_j} = -p_i p_j", [SMp], [r"i \neq j"], True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"]))
TT = r"L = \frac{1}{T}\sum_{t=1}^{T} a_t x_t^2"
c("c74", "T a length", r"\frac{\partial L}{\partial x_t} = \frac{2 a_t x_t}{T}", [TT], [], True,
  lambda K: (lambda a, x: [[sp.diff(sum(a[t] * x[t]**2 for t in range(K)) / K, x[t]), 2 * a[t] * x[t] / K] for t in range(K)])(V("a", K), V("x", K)))
c("c75", "T a length", r"\frac{\partial L}{\partial x_t} = 2 a_t x_t", [TT], [], False,
  lambda K: (lambda a, x: [[sp.diff(sum(a[t] * x[t]**2 for t in range(K)) / K, x[t]), 2 * a[t] * x[t]] for t in range(K)])(V("a", K), V("x", K)))


# ---- third wave
zz = sp.Symbol("z", real=True)
c("c76", "prose-only function", r"\frac{\partial a}{\partial z} = 1 - a^2", [r"a = \tanh(z)"], [], True, one(sp.diff(tanh(zz), zz), 1 - tanh(zz)**2))
c("c77", "power of function", r"\frac{d}{dx}\sigma^2(x) = 2\sigma(x)\,\sigma'(x)", [], [], True, one(sp.diff(sig(xx)**2, xx), 2 * sig(xx) * sp.diff(sig(xx), xx)))


def _dbl(K, f):
    n, m = K, 2
    A, Y = M("A", n, m), M("Y", n, m)
    J = sum((A[i, j] - Y[i, j])**2 for i in range(n) for j in range(m))
    return [[sp.diff(J, A[i, j]), f(A[i, j] - Y[i, j])] for i in range(n) for j in range(m)]


c("c78", "double sum", r"\frac{\partial J}{\partial A_{ij}} = 2(A_{ij} - Y_{ij})", [r"J = \sum_{i=1}^{n}\sum_{j=1}^{m} (A_{ij} - Y_{ij})^2"], [], True, lambda K: _dbl(K, lambda e: 2 * e))
c("c79", "double sum", r"\frac{\partial J}{\partial A_{ij}} = A_{ij} - Y_{ij}", [r"J = \sum_{i=1}^{n}\sum_{j=1}^{m} (A_{ij} - Y_{ij})^2"], [], False, lambda K: _dbl(K, lambda e: e))
c("c80", "double sum comma", r"\frac{\partial J}{\partial A_{ij}} = 2(A_{ij} - Y_{ij})", [r"J = \sum_{i,j} (A_{ij} - Y_{ij})^2"], [], True, lambda K: _dbl(K, lambda e: 2 * e))
