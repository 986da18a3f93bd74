"""Round-7 documents, part E: second wave after the first scoring (size letters used as matrices,
worked numbers with names the text only states in prose, conditions in prose that do not apply)."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over, approx

D = {}


# ---------------------------------------------------------------- d42 attention in index form, K a matrix
def _attidx(K, which):
    n, m, d = 2, 2, K
    Qm, Km = M("Q", n, d), M("K", m, d)
    S = [[sum(Qm[i, a] * Km[j, a] for a in range(d)) / sqrt(d) for j in range(m)] for i in range(n)]
    if which == "dQ":
        return [[sp.diff(S[i][j], Qm[i, a]), Km[j, a] / sqrt(d)] for i in range(n) for j in range(m) for a in range(d)]
    if which == "dK":
        return [[sp.diff(S[i][j], Km[j, a]), Qm[i, a] / sqrt(d)] for i in range(n) for j in range(m) for a in range(d)]
    if which == "dKslip":
        return [[sp.diff(S[i][j], Km[j, a]), Qm[j, a] / sqrt(d)] for i in range(n) for j in range(m) for a in range(d)]

D["d42_attention_index_K_matrix.md"] = (r"""## Attention scores entry by entry

Queries $Q$ and keys $K$ are matrices with $d$ columns; the scores are $S_{ij} = \frac{1}{\sqrt{d}}\sum_{a=1}^{d} Q_{ia} K_{ja}$. Hence
$$\frac{\partial S_{ij}}{\partial Q_{ia}} = \frac{K_{ja}}{\sqrt{d}}, \qquad \frac{\partial S_{ij}}{\partial K_{ja}} = \frac{Q_{ia}}{\sqrt{d}}.$$
In the first draft I had $\frac{\partial S_{ij}}{\partial K_{ja}} = \frac{Q_{ja}}{\sqrt{d}}$, with the wrong row of $Q$.
""", [
    ("S_{ij} = \\frac{1}{\\sqrt{d}}", "def", None, None),
    ("= \\frac{K_{ja}}{\\sqrt{d}}", "claim", True, lambda K: _attidx(K, "dQ")),
    ("= \\frac{Q_{ia}}{\\sqrt{d}}", "claim", True, lambda K: _attidx(K, "dK")),
    ("= \\frac{Q_{ja}}{\\sqrt{d}}", "claim", False, lambda K: _attidx(K, "dKslip")),
])


# ---------------------------------------------------------------- d43 attention output O = A V, matrix
def _av(K, which):
    n, m, d = K, K + 1, 2
    A, Vm = M("A", n, m), M("V", m, d)
    O = A * Vm
    Cc = M("c", n, d)
    Os = M("O", n, d)
    Ls = sum(Cc[i, j] * Os[i, j]**2 for i in range(n) for j in range(d)) + Os[0, 0] * Os[n - 1, d - 1]
    sub = {Os[i, j]: O[i, j] for i in range(n) for j in range(d)}
    G = sp.Matrix(n, d, lambda i, j: sp.diff(Ls, Os[i, j])).subs(sub)
    L = Ls.subs(sub)
    dV = sp.Matrix(m, d, lambda i, j: sp.diff(L, Vm[i, j]))
    dA = sp.Matrix(n, m, lambda i, j: sp.diff(L, A[i, j]))
    if which == "dV":
        return [[dV, A.T * G]]
    if which == "dA":
        return [[dA, G * Vm.T]]
    if which == "dVslip":
        return [[dV, sp.Matrix([0])]]   # G A^T: (n x d)(m x n) does not multiply for d != m

D["d43_attention_values_matrix.md"] = (r"""The attention output is $O = A V$ with weights $A \in \mathbb{R}^{n \times m}$ and values $V \in \mathbb{R}^{m \times d}$. Given $G = \frac{\partial L}{\partial O}$,
$$\frac{\partial L}{\partial V} = A^\top G, \qquad \frac{\partial L}{\partial A} = G V^\top.$$
Not $\frac{\partial L}{\partial V} = G A^\top$: check the shapes.
""", [
    ("O = A V", "def", None, None),
    ("= A^\\top G", "claim", True, lambda K: _av(K, "dV")),
    ("= G V^\\top", "claim", True, lambda K: _av(K, "dA")),
    ("= G A^\\top", "claim", False, lambda K: _av(K, "dVslip")),
])


# ---------------------------------------------------------------- d44 worked BCE numbers, names in prose
D["d44_worked_bce_prose_names.md"] = (r"""### Example

A sigmoid unit predicts $\hat y = 0.8$ for a positive example ($y = 1$). The loss for this example is $L = -\log \hat y \approx 0.2231$, and
$$\frac{\partial L}{\partial \hat y} = -\frac{1}{\hat y} = -1.25.$$
Through the sigmoid, $\frac{\partial L}{\partial z} = \hat y - y = -0.2$.
""", [
    ("L = -\\log \\hat y \\approx 0.2231", "chain", [0, 0, 0],
     lambda K: (lambda yh: [[-log(yh), -log(yh), approx(Q(2231, 10000), 4)]])(Q(4, 5))),
    ("-\\frac{1}{\\hat y} = -1.25", "chain", [0, 0, 0], lambda K: (lambda u: [[sp.diff(-log(u), u).subs(u, Q(4, 5)), -1 / Q(4, 5), Q(-5, 4)]])(sp.Symbol("u", positive=True))),
    ("\\partial z} = \\hat y - y$", "claim", True, lambda K: (lambda z, y: [[sp.diff(-(y * log(sig(z)) + (1 - y) * log(1 - sig(z))), z), sig(z) - y]])(sp.Symbol("z", real=True), sp.Symbol("y", real=True))),
    ("= \\hat y - y = -0.2", "chain", [0, 0, 0], lambda K: [[sig(sp.log(4)) - 1, Q(4, 5) - 1, Q(-1, 5)]]),
])


# ---------------------------------------------------------------- d45 worked MSE numbers
D["d45_worked_mse_numbers.md"] = (r"""Suppose the network outputs $\hat y = 2.5$ and the target is $y = 3$. The squared error is $L = (\hat y - y)^2 = 0.25$ and its gradient is
$$\frac{\partial L}{\partial \hat y} = 2(\hat y - y) = -1.$$
If you forget the 2 you get $\frac{\partial L}{\partial \hat y} = -0.5$, which is what my code printed.
""", [
    ("L = (\\hat y - y)^2 = 0.25", "chain", [0, 0, 0], lambda K: [[(Q(5, 2) - 3)**2, (Q(5, 2) - 3)**2, Q(1, 4)]]),
    ("= 2(\\hat y - y) = -1", "chain", [0, 0, 0], lambda K: [[2 * (Q(5, 2) - 3), 2 * (Q(5, 2) - 3), -1]]),
    ("\\hat y} = -0.5", "claim", False, lambda K: [[2 * (Q(5, 2) - 3), Q(-1, 2)]]),
])


# ---------------------------------------------------------------- d46 a case named in prose that is NOT the formula's case
def _cases(K, f, cond):
    z = V("z", K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)

D["d46_contrast_case_prose.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ we treat the two cases separately.
Unlike the case $i = j$ treated above, for two different indices the derivative is $\frac{\partial p_i}{\partial z_j} = -p_i p_j$.
Compared with the off-diagonal case $i \neq j$, the diagonal entry gains a term: $\frac{\partial p_i}{\partial z_i} = p_i - p_i^2$.
""", [
    ("p_i = \\frac", "def", None, None),
    ("= -p_i p_j", "claim", True, lambda K: _cases(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    ("= p_i - p_i^2", "claim", True, lambda K: _cases(K, lambda p, i, j: p[i] - p[i]**2, lambda d: d["i"] == d["j"])),
])


# ---------------------------------------------------------------- d47 N a matrix, T a length
def _rnnlike(K, which):
    Tn = K
    a = V("a", Tn)
    x = V("x", Tn)
    L = sum(a[t] * x[t]**2 for t in range(Tn)) / Tn
    if which == "ok":
        return [[sp.diff(L, x[t]), 2 * a[t] * x[t] / Tn] for t in range(Tn)]
    if which == "slip":
        return [[sp.diff(L, x[t]), 2 * a[t] * x[t]] for t in range(Tn)]

D["d47_T_as_length.md"] = (r"""For a sequence of length $T$ with weights $a_t$ the weighted loss is $L = \frac{1}{T}\sum_{t=1}^{T} a_t x_t^2$, so
$$\frac{\partial L}{\partial x_t} = \frac{2 a_t x_t}{T},$$
and with $T$ steps the total is not $\frac{\partial L}{\partial x_t} = 2 a_t x_t$ unless the sequence has length one.
""", [
    ("L = \\frac{1}{T}", "def", None, None),
    ("= \\frac{2 a_t x_t}{T}", "claim", True, lambda K: _rnnlike(K, "ok")),
    ("= 2 a_t x_t$", "claim", False, lambda K: _rnnlike(K, "slip")),
])


# ---------------------------------------------------------------- d48 worked softmax with a defined p and CE named in prose
_e2 = [exp(0), exp(1)]
_q = [v / sum(_e2) for v in _e2]
D["d48_two_class_numbers.md"] = (r"""Two classes, logits $z_1 = 0$ and $z_2 = 1$, probabilities $p_k = \frac{e^{z_k}}{\sum_{j=1}^{2} e^{z_j}}$. Then $p_2 = \frac{e}{1 + e} \approx 0.7311$. For the true class 2 the cross-entropy is $-\log p_2 \approx 0.3133$ and $\frac{\partial}{\partial z_2}(-\log p_2) = p_2 - 1 \approx -0.2689$; the other logit gets $\frac{\partial}{\partial z_1}(-\log p_2) = p_1 \approx 0.2689$.
""", [
    ("p_k = \\frac", "def", None, None),
    ("p_2 = \\frac{e}{1 + e} \\approx 0.7311", "chain", [0, 0, 0], lambda K: [[_q[1], exp(1) / (1 + exp(1)), approx(Q(7311, 10000), 4)]]),
    ("\\approx 0.3133", "approx", True, lambda K: [(-log(_q[1]), Q(3133, 10000), 4)]),
    ("(-\\log p_2) = p_2 - 1$", "claim", True, lambda K: (lambda z: [[sp.diff(-log(softmax(z)[1]), z[1]), softmax(z)[1] - 1]])(V("z", 2))),
    ("(-\\log p_2) = p_1$", "claim", True, lambda K: (lambda z: [[sp.diff(-log(softmax(z)[1]), z[0]), softmax(z)[0]]])(V("z", 2))),
    ("= p_2 - 1 \\approx -0.2689", "chain", [0, 0, 0],
     lambda K: (lambda z: [[sp.diff(-log(softmax(z)[1]), z[1]).subs({z[0]: 0, z[1]: 1}), _q[1] - 1, approx(Q(-2689, 10000), 4)]])(V("z", 2))),
    ("= p_1 \\approx 0.2689", "chain", [0, 0, 0],
     lambda K: (lambda z: [[sp.diff(-log(softmax(z)[1]), z[0]).subs({z[0]: 0, z[1]: 1}), _q[0], approx(Q(2689, 10000), 4)]])(V("z", 2))),
])


# ---------------------------------------------------------------- d49 tanh^2 and powers of functions
def _pw(K, which):
    x = sp.Symbol("x", real=True)
    return {"t2": [[sp.diff(tanh(x)**2, x), 2 * tanh(x) * (1 - tanh(x)**2)]],
            "s2": [[sp.diff(sig(x)**2, x), 2 * sig(x) * sig(x) * (1 - sig(x))]],
            "log2": [[sp.diff(log(x)**2, x), 2 * log(x) / x]],
            "t2slip": [[sp.diff(tanh(x)**2, x), 2 * tanh(x)]]}[which]

D["d49_powers_of_functions.md"] = (r"""Squared activations come up in variance terms:
$$\frac{d}{dx}\tanh^2(x) = 2\tanh(x)\left(1 - \tanh^2(x)\right), \qquad \frac{d}{dx}\sigma^2(x) = 2\sigma(x)\,\sigma'(x).$$
For $x > 0$, $\frac{d}{dx}\log^2 x = \frac{2\log x}{x}$. (The chain rule is easy to forget: $\frac{d}{dx}\tanh^2(x) = 2\tanh(x)$ is wrong.)
""", [
    ("\\tanh^2(x) = 2\\tanh(x)\\left", "claim", True, lambda K: _pw(K, "t2")),
    ("\\sigma^2(x) = 2", "claim", True, lambda K: _pw(K, "s2")),
    ("\\log^2 x", "claim", True, lambda K: _pw(K, "log2")),
    ("= 2\\tanh(x)$", "claim", False, lambda K: _pw(K, "t2slip")),
])
