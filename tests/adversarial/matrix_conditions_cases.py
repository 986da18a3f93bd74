"""Vector/matrix claims under stated conditions, with declared shapes, and over samples
(issue 12): conditions per entry (Σ_k y_k = 1 beside a whole y), a linear layer with its
declarations (one of them contradicting the model), the chain rule through a vector to a
matrix (∂y/∂W with three indices), and sums over samples x^{(i)}.

Each truth comes from explicit SymPy matrices (tests/adversarial/matrix_truth.py), never from
symderiv: a condition is imposed by construction (the last entry of y is 1 minus the others),
the numerator layout is the transpose of every gradient (∂L/∂y a row), and a sample sum is
written out over N explicit samples.  ``decided``: the verdict symderiv is expected to give
(a regression guard; any other sound verdict is allowed by the soundness test)."""
import sympy as sp

from .matrix_truth import Misfit, grad, jac, sig, softmax, upstream

CASES = []


def C(id, claim, enc, sizes, given=(), where=(), decided=None, note=""):
    CASES.append(dict(id=id, claim=claim, enc=enc, sizes=sizes, given=list(given),
                      where=list(where), decided=decided, note=note))


col = lambda d: (d, 1)


# ------------------------------------------------------------ a condition per entry: Σ y = 1
def _labels(S, name="y"):
    """y with its entries summing to one (the last is 1 minus the others)."""
    r, _ = S.shape(name)
    free = [sp.Symbol(f"{name}_{k + 1}", real=True) for k in range(r - 1)]
    S.c[name] = sp.Matrix(free + [1 - sum(free)])
    return S.c[name]


def _ce(S):
    """L = −y^T log softmax(z), y summing to one."""
    y = _labels(S)
    p = softmax(S["z"])
    return -sum(y[k] * sp.log(p[k]) for k in range(len(y))), p, y


def _both(lhs_den, rhs_den, rhs_num=None):
    """The denominator layout and the numerator layout (the gradient transposed; the right
    side given for it, or the same)."""
    return [lambda: (lhs_den(), rhs_den()),
            lambda: (lhs_den().T, (rhs_num or rhs_den)())]


CE = [r"\hat{y} = \mathrm{softmax}(z)", r"L = -y^T \log \hat{y}"]
SUM1 = [r"\sum_{k=1}^{K} y_k = 1"]
CSZ = {"z": col("n"), "y": col("n")}
C("ce-sum1-T", r"\frac{\partial L}{\partial z} = \hat{y} - y",
  lambda S: _both(lambda: grad(_ce(S)[0], S["z"]), lambda: _ce(S)[1] - _ce(S)[2]),
  CSZ, CE, SUM1, decided="proved")
C("ce-sum1-F", r"\frac{\partial L}{\partial z} = y - \hat{y}",
  lambda S: _both(lambda: grad(_ce(S)[0], S["z"]), lambda: _ce(S)[2] - _ce(S)[1]),
  CSZ, CE, SUM1, decided="refuted")
C("ce-sum1-2-F", r"\frac{\partial L}{\partial z} = 2(\hat{y} - y)",
  lambda S: _both(lambda: grad(_ce(S)[0], S["z"]), lambda: 2 * (_ce(S)[1] - _ce(S)[2])),
  CSZ, CE, SUM1, decided="refuted")


def _ce_layer(S):
    y = _labels(S)
    z = S["W"] * S["x"] + S["b"]
    p = softmax(z)
    return -sum(y[k] * sp.log(p[k]) for k in range(len(y))), p, y


LAY = [r"z = W x + b", r"\hat{y} = \mathrm{softmax}(z)", r"L = -y^T \log \hat{y}"]
LSZ = {"W": ("m", "n"), "x": col("n"), "b": col("m"), "z": col("m"), "y": col("m")}
C("layer-sum1-db-T", r"\frac{\partial L}{\partial b} = \hat{y} - y",
  lambda S: _both(lambda: grad(_ce_layer(S)[0], S["b"]),
                  lambda: _ce_layer(S)[1] - _ce_layer(S)[2]), LSZ, LAY, SUM1,
  decided="verified")
C("layer-sum1-dW-T", r"\frac{\partial L}{\partial W} = (\hat{y} - y) x^T",
  lambda S: _both(lambda: grad(_ce_layer(S)[0], S["W"]),
                  lambda: (_ce_layer(S)[1] - _ce_layer(S)[2]) * S["x"].T), LSZ, LAY, SUM1,
  decided="verified")
C("layer-sum1-dWnum-T", r"\frac{\partial L}{\partial W} = x (\hat{y} - y)^T",
  lambda S: _both(lambda: grad(_ce_layer(S)[0], S["W"]),
                  lambda: S["x"] * (_ce_layer(S)[1] - _ce_layer(S)[2]).T), LSZ, LAY, SUM1,
  note="the numerator layout")
C("layer-sum1-dW-F", r"\frac{\partial L}{\partial W} = (y - \hat{y}) x^T",
  lambda S: _both(lambda: grad(_ce_layer(S)[0], S["W"]),
                  lambda: (_ce_layer(S)[2] - _ce_layer(S)[1]) * S["x"].T), LSZ, LAY, SUM1)

# ------------------------------------------------------------ a linear layer, declared shapes
lin = lambda S: S["W"] * S["x"] + S["b"]
Ly = lambda S: upstream(S, lin(S), "y")
DECL = [r"y = W x + b", r"W \in \mathbb{R}^{m \times n}", r"x \in \mathbb{R}^{n}",
        r"b \in \mathbb{R}^{m}"]
# b declared in R^n: y = Wx + b needs R^m (the declaration is set aside; b is in R^m)
SLIP = [r"y = W x + b", r"W \in \mathbb{R}^{m \times n}", r"x, b \in \mathbb{R}^{n}"]
YSZ = {"W": ("m", "n"), "x": col("n"), "b": col("m"), "y": col("m")}
for tag, given in (("decl", DECL), ("slip", SLIP)):
    C(f"{tag}-dW-T", r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial y} x^T",
      lambda S: _both(lambda: grad(Ly(S), S["W"]), lambda: S.G("y") * S["x"].T,
                      lambda: S.G("y").T * S["x"].T), YSZ, given, decided="proved")
    C(f"{tag}-dW-F", r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial y} x",
      lambda S: _both(lambda: grad(Ly(S), S["W"]), lambda: S.G("y") * S["x"],
                      lambda: S.G("y").T * S["x"]), YSZ, given, decided="refuted",
      note="the outer product needs x^T: the shapes fit in no layout")
    C(f"{tag}-db-T", r"\frac{\partial L}{\partial b} = \frac{\partial L}{\partial y} 1",
      lambda S: _both(lambda: grad(Ly(S), S["b"]), lambda: S.G("y"), lambda: S.G("y").T),
      YSZ, given, decided="proved")
    C(f"{tag}-dbchain-T", r"\frac{\partial L}{\partial b} = "
      r"\frac{\partial L}{\partial y} \frac{\partial y}{\partial b}",
      lambda S: _both(lambda: grad(Ly(S), S["b"]), lambda: S.G("y") * jac(lin(S), S["b"]).T,
                      lambda: S.G("y").T * jac(lin(S), S["b"])),
      YSZ, given, decided="proved", note="holds in the numerator layout")


def _contracted(S, k=1):
    """(∂L/∂W)_ab = Σ_d ∂L/∂y_d ∂y_d/∂W_ab: the chain rule through y."""
    y, G, W = lin(S), S.G("y"), S["W"]
    return W.applyfunc(lambda w: k * sum(G[d] * sp.diff(y[d], w) for d in range(len(y))))


C("decl-dWchain-T", r"\frac{\partial L}{\partial W} = "
  r"\frac{\partial L}{\partial y} \frac{\partial y}{\partial W}",
  lambda S: _both(lambda: grad(Ly(S), S["W"]), lambda: _contracted(S),
                  lambda: _contracted(S).T), YSZ, DECL, decided="proved",
  note="∂y/∂W has three indices: the product summed over y's index")
C("slip-dWchain-T", r"\frac{\partial L}{\partial W} = "
  r"\frac{\partial L}{\partial y} \frac{\partial y}{\partial W}",
  lambda S: _both(lambda: grad(Ly(S), S["W"]), lambda: _contracted(S),
                  lambda: _contracted(S).T), YSZ, SLIP, decided="proved")
C("decl-dWchain2-F", r"\frac{\partial L}{\partial W} = "
  r"2 \frac{\partial L}{\partial y} \frac{\partial y}{\partial W}",
  lambda S: _both(lambda: grad(Ly(S), S["W"]), lambda: _contracted(S, 2),
                  lambda: _contracted(S, 2).T), YSZ, DECL)


# ------------------------------------------------------------ sums over samples x^{(i)}
def _samples(S):
    n, N = S.dims["n"], S.dims["N"]
    xs = [sp.Matrix(n, 1, lambda k, _, i=i: sp.Symbol(f"x_{i}_{k}", real=True))
          for i in range(N)]
    ys = [sp.Symbol(f"y_{i}", real=True) for i in range(N)]
    return xs, ys


def _th_x(S, x):
    return (S["theta"].T * x)[0, 0]


def _loglik(S):
    xs, ys = _samples(S)
    ll = sum(y * sp.log(sig(_th_x(S, x))) + (1 - y) * sp.log(1 - sig(_th_x(S, x)))
             for x, y in zip(xs, ys))
    return ll, xs, ys


def _sample_sum(S, term):
    xs, ys = _samples(S)
    out = sp.zeros(*S.shape("theta"))
    for x, y in zip(xs, ys):
        t = term(S, x, y)
        if t.shape != out.shape:
            raise Misfit("a sample's term")
        out += t
    return out


LL = [r"\ell(\theta) = \sum_{i=1}^{m} \left[ y^{(i)} \log \sigma(\theta^T x^{(i)}) + "
      r"(1 - y^{(i)}) \log (1 - \sigma(\theta^T x^{(i)})) \right]"]
TSZ = {"theta": col("n")}
C("samples-ll-T", r"\nabla_\theta \ell(\theta) = \sum_{i=1}^{m} "
  r"(y^{(i)} - \sigma(\theta^T x^{(i)})) x^{(i)}",
  lambda S: _both(lambda: grad(_loglik(S)[0], S["theta"]), lambda: _sample_sum(
      S, lambda S, x, y: (y - sig(_th_x(S, x))) * x)), TSZ, LL, decided="verified")
C("samples-ll-sign-F", r"\nabla_\theta \ell(\theta) = \sum_{i=1}^{m} "
  r"(\sigma(\theta^T x^{(i)}) - y^{(i)}) x^{(i)}",
  lambda S: _both(lambda: grad(_loglik(S)[0], S["theta"]), lambda: _sample_sum(
      S, lambda S, x, y: (sig(_th_x(S, x)) - y) * x)), TSZ, LL, decided="refuted")
C("samples-ll-nox-F", r"\nabla_\theta \ell(\theta) = \sum_{i=1}^{m} "
  r"(y^{(i)} - \sigma(\theta^T x^{(i)})) x^{(i)} \sigma(\theta^T x^{(i)})",
  lambda S: _both(lambda: grad(_loglik(S)[0], S["theta"]), lambda: _sample_sum(
      S, lambda S, x, y: (y - sig(_th_x(S, x))) * sig(_th_x(S, x)) * x)), TSZ, LL)


def _lsq(S):
    xs, ys = _samples(S)
    return sp.Rational(1, 2) * sum((_th_x(S, x) - y) ** 2 for x, y in zip(xs, ys))


LSQ = [r"J(\theta) = \frac{1}{2} \sum_{i=1}^{m} (\theta^T x^{(i)} - y^{(i)})^2"]
C("samples-lsq-T", r"\nabla_\theta J(\theta) = \sum_{i=1}^{m} (\theta^T x^{(i)} - y^{(i)}) "
  r"x^{(i)}",
  lambda S: _both(lambda: grad(_lsq(S), S["theta"]), lambda: _sample_sum(
      S, lambda S, x, y: (_th_x(S, x) - y) * x)), TSZ, LSQ, decided="proved")
C("samples-lsq-2-F", r"\nabla_\theta J(\theta) = 2 \sum_{i=1}^{m} (\theta^T x^{(i)} - "
  r"y^{(i)}) x^{(i)}",
  lambda S: _both(lambda: grad(_lsq(S), S["theta"]), lambda: _sample_sum(
      S, lambda S, x, y: 2 * (_th_x(S, x) - y) * x)), TSZ, LSQ)
C("samples-lsq-sign-F", r"\nabla_\theta J(\theta) = \sum_{i=1}^{m} (y^{(i)} - "
  r"\theta^T x^{(i)}) x^{(i)}",
  lambda S: _both(lambda: grad(_lsq(S), S["theta"]), lambda: _sample_sum(
      S, lambda S, x, y: (y - _th_x(S, x)) * x)), TSZ, LSQ, decided="refuted")
