"""Round-9 documents, part F (third pass: a one-hot cue under a negation or a counterfactual the
cue reader does not know — Chinese, French, German, "far from", "had ... been" — and controls)."""
import sympy as sp
from sympy import exp, log, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over, one, dsig, x_

D = {}


def _counts(K, f):
    """d/dz_i of -sum y_k log p_k for raw counts y (positive, any sum) against f(p, y, i)."""
    z, y = V("z", K), V("y", K, positive=True)
    p = softmax(z)
    L = -sum(y[k] * log(p[k]) for k in range(K))
    return [[sp.diff(L, z[i]), f(p, y, i)] for i in range(K)]


SLIP = lambda K: _counts(K, lambda p, y, i: p[i] - y[i])   # noqa: E731
RIGHT = lambda K: _counts(K, lambda p, y, i: p[i] * sum(y) - y[i])   # noqa: E731

D["f01_zh_not_onehot.md"] = (r"""设 $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$，$L = -\sum_{k=1}^{K} y_k \log p_k$。这里 $y$ 不是 one-hot 向量，而是未归一化的计数，所以 $\frac{\partial L}{\partial z_i} = p_i - y_i$ 不再成立，正确的是 $\frac{\partial L}{\partial z_i} = p_i \sum_{k=1}^{K} y_k - y_i$。
""", [
    ("= p_i - y_i", "claim", False, SLIP),
    ("= p_i \\sum_{k=1}^{K} y_k - y_i", "claim", True, RIGHT),
])

D["f02_fr_not_onehot.md"] = (r"""Avec $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ et $L = -\sum_{k=1}^{K} y_k \log p_k$ : ici $y$ n'est pas un vecteur one-hot (ce sont des comptes bruts), donc la formule $\frac{\partial L}{\partial z_i} = p_i - y_i$ est fausse.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f03_de_not_onehot.md"] = (r"""Mit $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ und $L = -\sum_{k=1}^{K} y_k \log p_k$: hier ist $y$ kein one-hot Vektor, sondern ein Vektor roher Zählwerte, daher gilt $\frac{\partial L}{\partial z_i} = p_i - y_i$ nicht.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f04_far_from_onehot.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where $y$ is far from one-hot (raw counts), the shortcut $\frac{\partial L}{\partial z_i} = p_i - y_i$ fails.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f05_had_been_onehot.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$: had $y$ been one-hot, we would get $\frac{\partial L}{\partial z_i} = p_i - y_i$; our $y$ holds raw counts.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f06_multi_hot_control.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$ for multi-hot targets $y$ (several classes can be 1), $\frac{\partial L}{\partial z_i} = p_i - y_i$.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])


def _f07(K, f):
    # N = K examples, K features
    X, w, y = M("X", K, K), V("w", K), V("y", K)
    r = [sum(X[n, j] * w[j] for j in range(K)) - y[n] for n in range(K)]
    L = sum(v**2 for v in r) / (2 * K)
    return [[sp.diff(L, w[k]), f(X, r, k, K)] for k in range(K)]

D["f07_dropped_one_over_n.md"] = (r"""Least squares over a batch: $L = \frac{1}{2N} \sum_{n=1}^{N} \left(\sum_{k=1}^{K} X_{nk} w_k - y_n\right)^2$. The gradient is
$\frac{\partial L}{\partial w_k} = \frac{1}{N}\sum_{n=1}^{N} X_{nk}\left(\sum_{j=1}^{K} X_{nj} w_j - y_n\right)$; the version in the slides,
$\frac{\partial L}{\partial w_k} = \sum_{n=1}^{N} X_{nk}\left(\sum_{j=1}^{K} X_{nj} w_j - y_n\right)$, drops the $\frac{1}{N}$.
""", [
    ("= \\frac{1}{N}\\sum_{n=1}^{N} X_{nk}", "claim", True, lambda K: _f07(K, lambda X, r, k, N: sum(X[n, k] * r[n] for n in range(N)) / N)),
    ("\\frac{\\partial L}{\\partial w_k} = \\sum_{n=1}^{N} X_{nk}", "claim", False, lambda K: _f07(K, lambda X, r, k, N: sum(X[n, k] * r[n] for n in range(N)))),
])

D["f08_eqref_sigmoid.md"] = (r"""\begin{equation}
\sigma(x) = \frac{1}{1 + e^{-x}} \label{eq:sig}
\end{equation}
By \eqref{eq:sig}, $\frac{d\sigma}{dx} = \sigma(x)(1 - \sigma(x))$, and $\frac{d}{dx}\log(1 - \sigma(x)) = \sigma(x)$ is a common slip (the right side is $-\sigma(x)$).
""", [
    ("\\frac{d\\sigma}{dx} = \\sigma(x)(1 - \\sigma(x))", "claim", True, one(sp.diff(sig(x_), x_), dsig(x_))),
    ("\\log(1 - \\sigma(x)) = \\sigma(x)", "claim", False, one(sp.diff(log(1 - sig(x_)), x_), sig(x_))),
])


# ---- fourth pass: English negations and hedges around "one-hot" (f14, f15: controls the reader knows)

D["f09_onehot_assumption_fails.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where the one-hot assumption fails (the targets are counts), the textbook $\frac{\partial L}{\partial z_i} = p_i - y_i$ is not what we get here.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f10_onehot_only_first_step.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where $y$ is one-hot only at the first step, the textbook $\frac{\partial L}{\partial z_i} = p_i - y_i$ is not what we get here.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f11_hardly_onehot.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where $y$ is hardly one-hot (counts), the textbook $\frac{\partial L}{\partial z_i} = p_i - y_i$ is not what we get here.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f12_onehot_would_give.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where one-hot targets would give $\frac{\partial L}{\partial z_i} = p_i - y_i$ is not what we get here.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f13_in_contrast_with_onehot.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where, in contrast with one-hot targets, $y$ holds counts, the textbook $\frac{\partial L}{\partial z_i} = p_i - y_i$ is not what we get here.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f14_no_longer_onehot_control.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where $y$ is no longer one-hot (raw counts), the textbook $\frac{\partial L}{\partial z_i} = p_i - y_i$ is not what we get here.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f15_need_not_onehot_control.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where $y$ need not be one-hot, the textbook $\frac{\partial L}{\partial z_i} = p_i - y_i$ is not what we get here.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])


# ---- fourth pass: a sign domain stated in words, in Chinese, German, French (f19: English control)
xp = sp.Symbol("x", positive=True)
RELU_POS = one(sp.diff(sp.Max(0, xp), xp), 1)

D["f16_zh_relu_positive_inputs.md"] = (r"""ReLU 定义为 $r(x) = \max(0, x)$。对于正的输入，其导数为 $r'(x) = 1$。
""", [
    ("r'(x) = 1", "claim", True, RELU_POS),
])

D["f17_de_relu_positive_inputs.md"] = (r"""Die ReLU ist $r(x) = \max(0, x)$. Für positive Eingaben ist ihre Ableitung $r'(x) = 1$.
""", [
    ("r'(x) = 1", "claim", True, RELU_POS),
])

D["f18_fr_relu_entrees_positives.md"] = (r"""La ReLU est $r(x) = \max(0, x)$. Pour les entrées positives, sa dérivée vaut $r'(x) = 1$.
""", [
    ("r'(x) = 1", "claim", True, RELU_POS),
])

D["f19_en_relu_positive_inputs_control.md"] = (r"""The ReLU is $r(x) = \max(0, x)$. For positive inputs its derivative is $r'(x) = 1$.
""", [
    ("r'(x) = 1", "claim", True, RELU_POS),
])


# ---- fourth pass: a worked value of the section applied to a claim whose sentence lifts it
w_ = sp.Symbol("w", real=True)
D["f20_value_lifted_for_any_w.md"] = (r"""Let $h = \tanh(w x)$. At initialisation we take $w = 0$.

Later, for any $w$, $\frac{\partial h}{\partial w} = x$.
""", [
    ("\\frac{\\partial h}{\\partial w} = x", "claim", False, one(sp.diff(tanh(w_ * x_), w_), x_)),
])


def _f21(K):
    z, T = V("z", K), sp.Symbol("T", positive=True)
    p = [exp(v / T) / sum(exp(u / T) for u in z) for v in z]
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), p[d["i"]] * (delta(d["i"], d["j"]) - p[d["j"]])])

D["f21_value_lifted_general_t.md"] = (r"""Let $p_i = \frac{e^{z_i / T}}{\sum_{k=1}^{K} e^{z_k / T}}$. In the experiments we use $T = 1$. For general $T$, $\frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j)$.
""", [
    ("= p_i(\\delta_{ij} - p_j)", "claim", False, _f21),
])


# ---- fourth pass: a sum-to-one cue about another vector (the ensemble weights, the output p)

D["f22_cue_about_other_weights.md"] = (r"""The mixing weights $a_j$ of the ensemble sum to one. With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, where $y$ holds raw counts, we get $\frac{\partial L}{\partial z_i} = p_i - y_i$.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f23_cue_about_output_p.md"] = (r"""The model's output $p$ is a probability distribution: $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$. With $L = -\sum_{k=1}^{K} y_k \log p_k$ for count targets $y$, $\frac{\partial L}{\partial z_i} = p_i - y_i$.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])

D["f24_entries_of_p_sum_to_one.md"] = (r"""Let $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$; the entries of $p$ sum to one. For the count vector $y$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, $\frac{\partial L}{\partial z_i} = p_i - y_i$.
""", [
    ("= p_i - y_i", "claim", False, SLIP),
])


# ---- the size of a worked example lifted by "for any number of classes K" (R9-L); false for K >= 3
def _f25(K):
    if K == 2:
        return None   # true at K = 2 only; the sentence claims it for any K
    z = V("z", K)
    p = softmax(z)
    return [[sp.diff(p[0], z[0]), p[0] * p[1]]]

D["f25_size_value_lifted.md"] = (r"""Let $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$. In our binary experiments $K = 2$. For any number of classes $K$, $\frac{\partial p_1}{\partial z_1} = p_1 p_2$.
""", [
    ("= p_1 p_2", "claim", False, _f25),
])
