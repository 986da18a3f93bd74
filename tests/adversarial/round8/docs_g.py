"""Round-8 documents, part G (fourth pass: could the mends of R8-C/R8-D over-apply?): see
docs_a.py for the item format."""
import sympy as sp
from sympy import exp, log, Rational as Q, sqrt, tanh
from tlib import V, M, softmax, sig, delta, over

D = {}


def sm_ij(K, f, cond=None, var="z"):
    z = V(var, K)
    p = softmax(z)
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(p, d["i"], d["j"])], cond)


def _ce(K, f):
    z = V("z", K)
    p = softmax(z)
    out = []
    for c in range(K):
        y = [delta(k, c) for k in range(K)]
        L = -sum(y[k] * log(p[k]) for k in range(K))
        out += [[sp.diff(L, z[i]), f(p, y, i)] for i in range(K)]
    return out


# ---------------------------------------------------------------- g62 a denied cue beside an affirmed one in the same paragraph
D["g62_denied_and_affirmed_cue.md"] = (r"""Unlike soft labels, which need not sum to one, our target $y$ is one-hot. With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} y_k \log p_k$, this gives $\frac{\partial L}{\partial z_i} = p_i - y_i$.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("= p_i - y_i", "claim", True, lambda K: _ce(K, lambda p, y, i: p[i] - y[i])),
])


# ---------------------------------------------------------------- g63 'while' followed by the same case, not the other one
D["g63_while_same_case.md"] = (r"""With $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$, when $i = j$ the entry is $\frac{\partial p_i}{\partial z_j} = p_i(1 - p_i)$, while on the same diagonal the log-softmax gives $\frac{\partial \log p_i}{\partial z_j} = 1 - p_i$.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("= p_i(1 - p_i)", "claim", True, lambda K: sm_ij(K, lambda p, i, j: p[i] * (1 - p[i]), lambda d: d["i"] == d["j"])),
    ("= 1 - p_i", "claim", True, lambda K: (lambda z: over(K, "ij", lambda d: [sp.diff(log(softmax(z)[d["i"]]), z[d["j"]]), 1 - softmax(z)[d["i"]]],
                                                            lambda d: d["i"] == d["j"]))(V("z", K))),
])


# ---------------------------------------------------------------- g64 a section-wide case, then a general claim that says so
D["g64_throughout_then_general.md"] = (r"""## Off-diagonal entries

Throughout this section we assume $i \neq j$, and $p_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$. Then $\frac{\partial p_i}{\partial z_j} = -p_i p_j$.

For the record, the formula $\frac{\partial p_i}{\partial z_j} = -p_i p_j$ is false for all $i$ and $j$ taken together, since the diagonal differs.
""", [
    ("p_i = \\frac{e^{z_i}}", "def", None, None),
    ("= -p_i p_j", "claim", True, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j], lambda d: d["i"] != d["j"])),
    # the text lifts the section's case for this one ("for all i and j taken together")
    # (a proof that lists i != j is accepted: the verdict names the case it used)
    ("= -p_i p_j", "claim|i \\neq j", False, lambda K: sm_ij(K, lambda p, i, j: -p[i] * p[j])),
])


# ---------------------------------------------------------------- g65 a value case that belongs to another formula of the sentence
def _g65(K, which):
    z, T = V("z", K), sp.Symbol("T", positive=True)
    e = [exp(v / T) for v in z]
    p = [v / sum(e) for v in e]
    f = {"ok": lambda i, j: p[i] * (delta(i, j) - p[j]) / T, "slip": lambda i, j: p[i] * (delta(i, j) - p[j]) * T}[which]
    return over(K, "ij", lambda d: [sp.diff(p[d["i"]], z[d["j"]]), f(d["i"], d["j"])])

D["g65_value_case_other_formula.md"] = (r"""Let $p_i = \frac{e^{z_i / T}}{\sum_{k=1}^{K} e^{z_k / T}}$. The Jacobian is $\frac{\partial p_i}{\partial z_j} = \frac{1}{T} p_i(\delta_{ij} - p_j)$ for every temperature, which at $T = 1$ is the familiar one; it is not $\frac{\partial p_i}{\partial z_j} = T p_i(\delta_{ij} - p_j)$.
""", [
    ("p_i = \\frac{e^{z_i / T}}", "def", None, None),
    ("= \\frac{1}{T} p_i", "claim", True, lambda K: _g65(K, "ok")),
    ("= T p_i", "claim", False, lambda K: _g65(K, "slip")),
])
