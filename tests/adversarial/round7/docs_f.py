"""Round-7 documents, part F: third wave on the causes the first two waves exposed (contrast cases
in prose, worked examples whose functions are named only in prose, size letters as matrices,
definitions the reader cannot parse, sizes pinned in prose)."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over, approx

D = {}


def _cases(K, f, cond):
    z = V("z", K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


D["d50_except_when.md"] = (r"""For the softmax $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$, except when $i = j$ the Jacobian entry is $\frac{\partial p_i}{\partial z_j} = -p_i p_j$.
Whereas the case $i \neq j$ gives a negative number, the diagonal $\frac{\partial p_j}{\partial z_j} = p_j(1 - p_j)$ is positive.
""", [
    ("p_i = \\frac", "def", None, None),
    ("= -p_i p_j", "claim", True, lambda K: _cases(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    ("= p_j(1 - p_j)", "claim", True, lambda K: _cases(K, lambda p, i, j: p[j] * (1 - p[j]), lambda d: d["i"] == d["j"])),
])

_a = tanh(Q(1, 2))
D["d52_tanh_unit_prose.md"] = (r"""For a tanh unit with pre-activation $z = 0.5$ the output is $a \approx 0.4621$ and the local gradient is $\frac{\partial a}{\partial z} = 1 - a^2 \approx 0.7864$.
""", [
    ("= 1 - a^2 \\approx 0.7864", "chain", [0, 0, 0], lambda K: [[1 - _a**2, 1 - _a**2, approx(Q(7864, 10000), 4)]]),
    ("a \\approx 0.4621", "approx", True, lambda K: [(_a, Q(4621, 10000), 4)]),
])

_s = sig(sp.Integer(1))
D["d54_neuron_worked.md"] = (r"""## One neuron, by hand

The neuron computes $z = w x + b$ with $w = 2$, $x = 1$ and $b = -1$, so $z = 1$, and its output is $a = \sigma(z) \approx 0.7311$.
With the squared error $E = \frac{1}{2}(a - t)^2$ and target $t = 1$,
$$\frac{\partial E}{\partial w} = (a - t)\, a (1 - a)\, x \approx -0.0529.$$
""", [
    ("z = 1", "claim", True, lambda K: [[2 * 1 - 1, 1]]),
    ("a = \\sigma(z) \\approx 0.7311", "chain", [0, 0, 0], lambda K: [[_s, _s, approx(Q(7311, 10000), 4)]]),
    ("\\partial w} = (a - t)\\, a (1 - a)\\, x$", "claim", True, lambda K: (lambda w, x, b, t: [[sp.diff((sig(w * x + b) - t)**2 / 2, w), (sig(w * x + b) - t) * sig(w * x + b) * (1 - sig(w * x + b)) * x]])(*sp.symbols("w x b t", real=True))),
    ("= (a - t)\\, a (1 - a)\\, x \\approx -0.0529", "chain", [0, 0, 0],
     lambda K: (lambda w: [[sp.diff((sig(w * 1 - 1) - 1)**2 / 2, w).subs(w, 2), (_s - 1) * _s * (1 - _s), approx(Q(-529, 10000), 4)]])(sp.Symbol("w"))),
])


def _nx(K, which):
    p, q, c = K, K + 1, 2
    N, X = M("N", p, q), M("X", q, c)
    Y = N * X
    Cc, Ys = M("c", p, c), M("Y", p, c)
    Ls = sum(Cc[i, j] * Ys[i, j]**2 for i in range(p) for j in range(c)) + Ys[0, 0] * Ys[p - 1, c - 1]
    sub = {Ys[i, j]: Y[i, j] for i in range(p) for j in range(c)}
    G = sp.Matrix(p, c, lambda i, j: sp.diff(Ls, Ys[i, j])).subs(sub)
    L = Ls.subs(sub)
    dX = sp.Matrix(q, c, lambda i, j: sp.diff(L, X[i, j]))
    dN = sp.Matrix(p, q, lambda i, j: sp.diff(L, N[i, j]))
    return {"X": [[dX, N.T * G]], "N": [[dN, G * X.T]], "slip": [[dX, sp.Matrix([0])]]}[which]


D["d55_N_a_matrix.md"] = (r"""Let $N$ be the (learned) normalisation matrix and $Y = N X$. With $G = \frac{\partial L}{\partial Y}$ for a scalar loss $L$,
$$\frac{\partial L}{\partial X} = N^\top G, \qquad \frac{\partial L}{\partial N} = G X^\top.$$
The reversed product $\frac{\partial L}{\partial X} = G N^\top$ is a shape error.
""", [
    ("Y = N X", "def", None, None),
    ("= N^\\top G", "claim", True, lambda K: _nx(K, "X")),
    ("= G X^\\top", "claim", True, lambda K: _nx(K, "N")),
    ("= G N^\\top", "claim", False, lambda K: _nx(K, "slip")),
])


def _tmp(K, f):
    w, x = V("w", K), V("x", K)
    T = sp.Symbol("T", positive=True)
    s = sum(w[i] * x[i] for i in range(K)) / T
    return [[sp.diff(s, w[i]), f(x[i], T)] for i in range(K)]


D["d56_temperature_and_transpose.md"] = (r"""The tempered score is $s = \frac{1}{T}\sum_{i=1}^{n} w_i x_i$, i.e. $s = w^T x / T$ for the temperature $T$. Hence $\frac{\partial s}{\partial w_i} = \frac{x_i}{T}$, not $\frac{\partial s}{\partial w_i} = x_i T$.
""", [
    ("s = \\frac{1}{T}", "def", None, None),
    ("= \\frac{x_i}{T}", "claim", True, lambda K: _tmp(K, lambda x, T: x / T)),
    ("= x_i T", "claim", False, lambda K: _tmp(K, lambda x, T: x * T)),
])


def _dbl(K, f):
    n, m = K, 2
    A, Y = M("A", n, m), M("Y", n, m)
    J = sum((A[i, j] - Y[i, j])**2 for i in range(n) for j in range(m))
    return [[sp.diff(J, A[i, j]), f(A[i, j] - Y[i, j])] for i in range(n) for j in range(m)]


D["d58_double_sum_comma.md"] = (r"""The summed squared error over all outputs and examples is $J = \sum_{i,j} (A_{ij} - Y_{ij})^2$, so $\frac{\partial J}{\partial A_{ij}} = 2(A_{ij} - Y_{ij})$. (My notes said $\frac{\partial J}{\partial A_{ij}} = A_{ij} - Y_{ij}$, which would need a factor $\frac{1}{2}$ in $J$.)
""", [
    ("= 2(A_{ij} - Y_{ij})", "claim", True, lambda K: _dbl(K, lambda e: 2 * e)),
    ("A_{ij}} = A_{ij} - Y_{ij}", "claim", False, lambda K: _dbl(K, lambda e: e)),
])


def _pin(K, f):
    N = 2
    y, t = V("y", N), V("t", N)
    L = sum((y[n] - t[n])**2 for n in range(N)) / N
    return [[sp.diff(L, y[n]), f(y[n] - t[n])] for n in range(N)]


D["d59_size_in_prose.md"] = (r"""## Mini-batch of two

Here the batch has two examples, $N = 2$. With $L = \frac{1}{N}\sum_{n=1}^{N} (y_n - t_n)^2$ the gradient is simply $\frac{\partial L}{\partial y_n} = y_n - t_n$, not $\frac{\partial L}{\partial y_n} = 2(y_n - t_n)$.
""", [
    ("L = \\frac{1}{N}", "def", None, None),
    ("= y_n - t_n", "claim", True, lambda K: _pin(K, lambda e: e)),
    ("= 2(y_n - t_n)", "claim", False, lambda K: _pin(K, lambda e: 2 * e)),
])


def _sm2(K, f, cond):
    z = V("z", K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


D["d60_case_elsewhere_then_general.md"] = (r"""We showed that for $i = j$ the derivative is $p_i(1 - p_i)$ and for $i \neq j$ it is $-p_i p_j$, where $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$. Both cases fit in one line, valid for all $i$ and $j$:
$$\frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j).$$
Note that the form $\frac{\partial p_i}{\partial z_j} = p_i(1 - p_j)$ is only right on the diagonal.
""", [
    ("p_i = \\frac", "def", None, None),
    ("p_i(\\delta_{ij} - p_j)", "claim", True, lambda K: _sm2(K, lambda p, i, j: p[i] * (delta(i, j) - p[j]), None)),
    ("= p_i(1 - p_j)", "claim", False, lambda K: _sm2(K, lambda p, i, j: p[i] * (1 - p[j]), None)),
])
