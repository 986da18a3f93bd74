"""Layer/loss pairs as ML texts write them: the quantity, its definitions (LaTeX, as given to
``symderiv derive --given``) and the textbook form of the result.  Used by the tests and by
``benchmarks/bench_derive.py``; nothing here is a verdict (each is derived and checked)."""
from __future__ import annotations

__all__ = ["PAIRS", "SOFTMAX", "LINEAR", "SUM_T"]

SOFTMAX = r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"
LINEAR = [r"y_a = \sum_{c=1}^{n} W_{ac} x_c + b_a", r"L = L(y_1, \dots, y_m)",
          r"1 \leq a \leq m", r"1 \leq c \leq n"]
SUM_T = r"\sum_{k=1}^{K} t_k = 1"

# (id, quantity, given, textbook form, needs Σt = 1)
PAIRS = [
    ("softmax+CE", r"\frac{\partial L}{\partial z_k}",
     [SOFTMAX, r"L = -\sum_{k=1}^{K} t_k \log y_k"], r"y_k - t_k", True),
    ("softmax+MSE", r"\frac{\partial L}{\partial z_k}",
     [SOFTMAX, r"L = \frac{1}{2}\sum_{k=1}^{K} (y_k - t_k)^2"],
     r"y_k\left((y_k - t_k) - \sum_{j=1}^{K} (y_j - t_j) y_j\right)", False),
    ("softmax with beta", r"\frac{\partial y_i}{\partial z_j}",
     [r"y_i = \frac{e^{\beta z_i}}{\sum_{k=1}^{K} e^{\beta z_k}}"],
     r"\beta y_i(\delta_{ij} - y_j)", False),
    ("sigmoid+BCE", r"\frac{\partial L}{\partial z_k}",
     [r"y_i = \sigma(z_i)", r"L = -\sum_i \left(t_i \log y_i + (1 - t_i)\log(1 - y_i)\right)"],
     r"y_k - t_k", False),
    ("tanh+MSE", r"\frac{\partial L}{\partial z_k}",
     [r"y_i = \tanh(z_i)", r"L = \frac{1}{2}\sum_i (y_i - t_i)^2"],
     r"(y_k - t_k)(1 - y_k^2)", False),
    ("log-softmax+NLL", r"\frac{\partial L}{\partial z_k}",
     [r"\ell_i = z_i - \log \sum_{j=1}^{K} e^{z_j}", r"L = -\sum_{i=1}^{K} t_i \ell_i"],
     r"\frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}} - t_k", True),
    ("linear dL/dW", r"\frac{\partial L}{\partial W_{ac}}", LINEAR,
     r"\frac{\partial L}{\partial y_a} x_c", False),
    ("linear dL/dx", r"\frac{\partial L}{\partial x_c}", LINEAR,
     r"\sum_{a=1}^{m} W_{ac} \frac{\partial L}{\partial y_a}", False),
    ("linear dL/db", r"\frac{\partial L}{\partial b_a}", LINEAR,
     r"\frac{\partial L}{\partial y_a}", False),
    ("layer norm", r"\frac{\partial y_i}{\partial x_j}",
     [r"\mu = \frac{1}{N}\sum_{k=1}^{N} x_k",
      r"\sigma = \sqrt{\frac{1}{N}\sum_{k=1}^{N} (x_k - \mu)^2 + \epsilon}",
      r"y_i = \frac{x_i - \mu}{\sigma}"],
     r"\frac{1}{\sigma}\left(\delta_{ij} - \frac{1}{N} - \frac{y_i y_j}{N}\right)", False),
    ("attention scores", r"\frac{\partial a_{ij}}{\partial q_{lb}}",
     [r"s_{ij} = \frac{1}{\sqrt{d}} \sum_{c=1}^{d} q_{ic} k_{jc}",
      r"a_{ij} = \frac{e^{s_{ij}}}{\sum_{m=1}^{T} e^{s_{im}}}",
      r"1 \leq j \leq T", r"1 \leq b \leq d"],
     r"\frac{1}{\sqrt{d}} a_{ij}\delta_{il}\left(k_{jb} - \sum_{m=1}^{T} a_{im} k_{mb}\right)",
     False),
]

# the same derivations from definitions in vector notation (per entry, denominator layout)
PAIRS += [
    ("linear+MSE (vector)", r"\frac{\partial L}{\partial W}",
     [r"y = W x + b", r"L = \frac{1}{2} (y - t)^T (y - t)", r"W \in \mathbb{R}^{m \times n}",
      r"x \in \mathbb{R}^{n}"], r"(y_i - t_i) x_j", False),
    ("sigmoid+MSE (vector)", r"\frac{\partial L}{\partial z}",
     [r"y = \sigma(z)", r"L = \frac{1}{2} (y - t)^T (y - t)"],
     r"(y_i - t_i) y_i (1 - y_i)", False),
]
