"""Round-9 documents, part B (Chinese, French and German prose around the math): text + items.
Conditions stated in the prose (one-hot, sum to one, i ≠ j) are part of the truth encoding."""
import sympy as sp
from sympy import exp, log, sqrt, tanh
from tlib import V, softmax, sig, delta, over, ce_grad, jac_sm, one, dsig, simplex, x_

D = {}


def _ce_simplex(K, f):
    """d/dz_i of -sum y_k log p_k for targets on the simplex (sum one)."""
    z = V("z", K)
    p = softmax(z)
    y = simplex(K)
    L = -sum(y[k] * log(p[k]) for k in range(K))
    return [[sp.diff(L, z[i]), f(p, y, i)] for i in range(K)]


# ------------------------------------------------------------ b01 Chinese: one-hot 独热, case i≠j
D["b01_zh_softmax_onehot.md"] = (r"""## 交叉熵的梯度

设 $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$。当 $i \neq j$ 时，$\frac{\partial p_i}{\partial z_j} = -p_i p_j$。

记损失 $L = -\sum_{k=1}^{K} y_k \log p_k$，其中 $y$ 是独热向量（只有一个分量为 1），于是 $\frac{\partial L}{\partial z_i} = p_i - y_i$。
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("= -p_i p_j", "claim", True, lambda K: jac_sm(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    ("= p_i - y_i", "claim", True, lambda K: ce_grad(K, lambda p, y, i: p[i] - y[i])),
])

# ------------------------------------------------------------ b02 French: targets sum to one
D["b02_fr_cibles_somme_un.md"] = (r"""### Gradient de l'entropie croisée

Soit $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ la sortie softmax. Avec la perte $L = -\sum_{k=1}^{K} y_k \log p_k$, où les cibles $y_k$ sont positives et de somme égale à un, on obtient
$$\frac{\partial L}{\partial z_i} = p_i - y_i .$$
Attention : sans cette hypothèse on a seulement $\frac{\partial L}{\partial z_i} = p_i \sum_{k=1}^{K} y_k - y_i$.
""", [
    ("= p_i - y_i .", "claim", True, lambda K: _ce_simplex(K, lambda p, y, i: p[i] - y[i])),
    ("p_i \\sum_{k=1}^{K} y_k - y_i", "claim", True, lambda K: (lambda z, y: (lambda p: [
        [sp.diff(-sum(y[k] * log(p[k]) for k in range(K)), z[i]), p[i] * sum(y) - y[i]] for i in range(K)])(softmax(z)))(V("z", K), V("y", K))),
])

# ------------------------------------------------------------ b03 German: Zielwerte summieren sich zu eins
D["b03_de_zielwerte_summe_eins.md"] = (r"""**Gradient der Kreuzentropie.** Sei $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ und $L = -\sum_{k=1}^{K} y_k \log p_k$, wobei sich die Zielwerte $y_k$ zu eins summieren. Dann folgt
$$\frac{\partial L}{\partial z_i} = p_i - y_i .$$
Für $i \neq j$ gilt außerdem $\frac{\partial p_i}{\partial z_j} = -p_i p_j$, und für $i = j$ entsprechend $\frac{\partial p_i}{\partial z_j} = p_i (1 - p_i)$.
""", [
    ("= p_i - y_i .", "claim", True, lambda K: _ce_simplex(K, lambda p, y, i: p[i] - y[i])),
    ("= -p_i p_j", "claim", True, lambda K: jac_sm(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    ("= p_i (1 - p_i)", "claim", True, lambda K: jac_sm(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] == d["j"])),
])

# ------------------------------------------------------------ b04 Chinese: sigmoid, a sign slip
D["b04_zh_sigmoid_slip.md"] = (r"""Sigmoid 函数 $\sigma(x) = \frac{1}{1 + e^{-x}}$ 的导数是 $\sigma'(x) = \sigma(x)\left(1 - \sigma(x)\right)$。

注意：有些笔记把它写成 $\sigma'(x) = \sigma(x)\left(1 + \sigma(x)\right)$，这是错误的。
对 $\log \sigma(x)$ 求导得到 $\frac{d}{dx} \log \sigma(x) = 1 - \sigma(x)$。
""", [
    ("\\sigma(x) = \\frac{1}{1 + e^{-x}}", "def", None, None),
    ("\\sigma(x)\\left(1 - \\sigma(x)\\right)", "claim", True, one(sp.diff(sig(x_), x_), dsig(x_))),
    ("\\sigma(x)\\left(1 + \\sigma(x)\\right)", "claim", False, one(sp.diff(sig(x_), x_), sig(x_) * (1 + sig(x_)))),
    ("\\log \\sigma(x) = 1 - \\sigma(x)", "claim", True, one(sp.diff(log(sig(x_)), x_), 1 - sig(x_))),
])

# ------------------------------------------------------------ b05 French: decimal comma 0{,}5
lam = sp.Symbol("lambda", positive=True)
w_ = sp.Symbol("w", real=True)
D["b05_fr_virgule_decimale.md"] = (r"""Pour la régularisation, on ajoute le terme $R(w) = 0{,}5\,\lambda w^2$ au coût. Sa dérivée est
$\frac{dR}{dw} = \lambda w$ ; la version avec $R(w) = \lambda w^2$ donnerait $2\lambda w$.
""", [
    ("R(w) = 0{,}5", "def", None, None),
    ("\\frac{dR}{dw} = \\lambda w", "claim", True, one(sp.diff(lam * w_**2 / 2, w_), lam * w_)),
])

# ------------------------------------------------------------ b06 German: batch MSE, missing factor 2
def _b06(K, f):
    w = sp.Symbol("w", real=True)
    x, y = V("x", K), V("y", K)
    L = sum((w * x[n] - y[n])**2 for n in range(K)) / K
    return [[sp.diff(L, w), f(w, x, y, K)]]

D["b06_de_mse_faktor.md"] = (r"""Der mittlere quadratische Fehler über $N$ Beispiele ist $L = \frac{1}{N} \sum_{n=1}^{N} (w x_n - y_n)^2$.
Ableiten nach $w$ liefert
$$\frac{dL}{dw} = \frac{2}{N} \sum_{n=1}^{N} (w x_n - y_n)\, x_n ,$$
im Skript steht dagegen fälschlich $\frac{dL}{dw} = \frac{1}{N} \sum_{n=1}^{N} (w x_n - y_n)\, x_n$ (der Faktor 2 fehlt).
""", [
    ("L = \\frac{1}{N} \\sum_{n=1}^{N} (w x_n - y_n)^2", "def", None, None),
    ("\\frac{dL}{dw} = \\frac{2}{N}", "claim", True, lambda K: _b06(K, lambda w, x, y, N: sp.Rational(2, N) * sum((w * x[n] - y[n]) * x[n] for n in range(N)))),
    ("\\frac{dL}{dw} = \\frac{1}{N}", "claim", False, lambda K: _b06(K, lambda w, x, y, N: sp.Rational(1, N) * sum((w * x[n] - y[n]) * x[n] for n in range(N)))),
])

# ------------------------------------------------------------ b07 Chinese: softplus and swish
beta = sp.Symbol("beta", positive=True)
D["b07_zh_softplus_swish.md"] = (r"""### 激活函数

Softplus 定义为 $\zeta(x) = \log(1 + e^{x})$，它的导数正好是 sigmoid：$\zeta'(x) = \frac{1}{1 + e^{-x}}$。

Swish 定义为 $g(x) = x\,\sigma(\beta x)$，其中 $\sigma(t) = \frac{1}{1 + e^{-t}}$，$\beta > 0$。求导得
$$g'(x) = \sigma(\beta x) + \beta x\, \sigma(\beta x)\left(1 - \sigma(\beta x)\right)。$$
如果漏掉 $\beta$，就会得到错误的 $g'(x) = \sigma(\beta x) + x\, \sigma(\beta x)\left(1 - \sigma(\beta x)\right)$。
""", [
    ("\\zeta'(x) = \\frac{1}{1 + e^{-x}}", "claim", True, one(sp.diff(log(1 + exp(x_)), x_), sig(x_))),
    ("g'(x) = \\sigma(\\beta x) + \\beta x", "claim", True,
     one(sp.diff(x_ * sig(beta * x_), x_), sig(beta * x_) + beta * x_ * dsig(beta * x_))),
    ("g'(x) = \\sigma(\\beta x) + x\\,", "claim", False,
     one(sp.diff(x_ * sig(beta * x_), x_), sig(beta * x_) + x_ * dsig(beta * x_))),
])

# ------------------------------------------------------------ b08 French: entropy gradient
def _b08(K, f):
    z = V("z", K)
    p = softmax(z)
    H = -sum(v * log(v) for v in p)
    return [[sp.diff(H, z[i]), f(p, H, i)] for i in range(K)]

D["b08_fr_gradient_entropie.md"] = (r"""**Régularisation par l'entropie.** Pour $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$, l'entropie vaut
$H = -\sum_{k=1}^{K} p_k \log p_k$. Son gradient par rapport aux logits s'écrit
$$\frac{\partial H}{\partial z_i} = -p_i \left(\log p_i + H\right),$$
et non $\frac{\partial H}{\partial z_i} = -p_i \log p_i$ comme on le lit parfois.
""", [
    ("H = -\\sum_{k=1}^{K} p_k \\log p_k", "def", None, None),
    ("-p_i \\left(\\log p_i + H\\right)", "claim", True, lambda K: _b08(K, lambda p, H, i: -p[i] * (log(p[i]) + H))),
    ("\\frac{\\partial H}{\\partial z_i} = -p_i \\log p_i$", "claim", False, lambda K: _b08(K, lambda p, H, i: -p[i] * log(p[i]))),
])

# ------------------------------------------------------------ b09 German: -log p_y with an indicator
def _b09(K, f):
    z = V("z", K)
    p = softmax(z)
    out = []
    for y in range(K):
        L = -log(p[y])
        for i in range(K):
            out.append([sp.diff(L, z[i]), f(p, y, i)])
    return out

D["b09_de_neg_log_py.md"] = (r"""Für die wahre Klasse $y \in \{1, \dots, K\}$ ist der Verlust $\ell = -\log p_y$ mit $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$.
Daraus ergibt sich $\frac{\partial \ell}{\partial z_i} = p_i - \mathbb{1}[i = y]$, also insbesondere für die wahre Klasse selbst $\frac{\partial \ell}{\partial z_y} = p_y - 1$.
""", [
    ("= p_i - \\mathbb{1}[i = y]", "claim", True, lambda K: _b09(K, lambda p, y, i: p[i] - delta(i, y))),
    ("\\frac{\\partial \\ell}{\\partial z_y} = p_y - 1", "claim", True,
     lambda K: [[a[0], a[1]] for y in range(K) for a in [[sp.diff(-log(softmax(V("z", K))[y]), V("z", K)[y]), softmax(V("z", K))[y] - 1]]]),
])

# ------------------------------------------------------------ b10 Chinese: label smoothing, eps/K
def _b10(K, f):
    z, eps = V("z", K), sp.Symbol("epsilon", positive=True)
    p = softmax(z)
    out = []
    for c in range(K):
        y = [delta(k, c) for k in range(K)]
        q = [(1 - eps) * y[k] + eps / K for k in range(K)]
        L = -sum(q[k] * log(p[k]) for k in range(K))
        for i in range(K):
            out.append([sp.diff(L, z[i]), f(p, y, eps, i, K)])
    return out

D["b10_zh_label_smoothing.md"] = (r"""**标签平滑。** 设 $y$ 为独热编码，平滑后的目标为 $q_k = (1 - \epsilon) y_k + \frac{\epsilon}{K}$，损失为 $L = -\sum_{k=1}^{K} q_k \log p_k$，其中 $p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$。
因为 $q$ 的各分量之和为 1，所以 $\frac{\partial L}{\partial z_i} = p_i - (1 - \epsilon) y_i - \frac{\epsilon}{K}$。
常见的错误写法是 $\frac{\partial L}{\partial z_i} = p_i - (1 - \epsilon) y_i - \epsilon$。
""", [
    ("= p_i - (1 - \\epsilon) y_i - \\frac{\\epsilon}{K}", "claim", True, lambda K: _b10(K, lambda p, y, e, i, K_: p[i] - (1 - e) * y[i] - e / K_)),
    ("y_i - \\epsilon$", "claim", False, lambda K: _b10(K, lambda p, y, e, i, K_: p[i] - (1 - e) * y[i] - e)),
])
