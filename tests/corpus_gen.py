"""Generated corpora of short notes with right and wrong derivations (for the corpus audit's
tests and benchmarks/bench_corpus.py).

Each note is one template (softmax Jacobian entries, cross-entropy gradient through softmax,
MSE gradient, sigmoid derivative) with its names, index letters and size letter varied, and
with or without a slip (a sign, a factor, a missing term).  Deterministic for a seed.
"""
from __future__ import annotations

import random
from pathlib import Path

__all__ = ["TEMPLATES", "note", "write_corpus"]

OUTPUTS, LOGITS, TARGETS = "ypq", "zax", "tc"
INDICES = (("i", "j"), ("a", "b"), ("m", "n"))
SIZES = "KNC"


def _softmax(r: random.Random, slip: bool) -> str:
    y, z = r.choice(OUTPUTS), r.choice(LOGITS)
    i, j = r.choice(INDICES)
    K = r.choice(SIZES)
    diag = rf"{y}_{i}(1 - {y}_{i})"
    off = rf"-{y}_{i} {y}_{j}"
    if slip:
        if r.random() < 0.5:
            diag = r.choice([rf"{y}_{i}(1 + {y}_{i})", rf"{y}_{i}^2", rf"1 - {y}_{i}"])
        else:
            off = r.choice([rf"{y}_{i} {y}_{j}", rf"-{y}_{j}", rf"{y}_{i}(1 - {y}_{j})"])
    return (f"# The softmax Jacobian\n\n"
            f"The softmax of the logits is "
            rf"$${y}_{i} = \frac{{e^{{{z}_{i}}}}}{{\sum_{{k=1}}^{{{K}}} e^{{{z}_k}}}}$$" "\n\n"
            f"For ${i} = {j}$ we get "
            rf"$\frac{{\partial {y}_{i}}}{{\partial {z}_{j}}} = {diag}$." "\n\n"
            f"For ${i} \\neq {j}$ we get "
            rf"$\frac{{\partial {y}_{i}}}{{\partial {z}_{j}}} = {off}$." "\n")


def _cross_entropy(r: random.Random, slip: bool) -> str:
    y, z, t = r.choice(OUTPUTS), r.choice(LOGITS), r.choice(TARGETS)
    j = r.choice("jmb")
    K = r.choice(SIZES)
    grad = rf"{y}_{j} - {t}_{j}"
    if slip:
        grad = r.choice([rf"{t}_{j} - {y}_{j}", rf"{y}_{j} + {t}_{j}", rf"{y}_{j} - 1"])
    return (f"# Cross-entropy through softmax\n\n"
            rf"Let $${y}_i = \frac{{e^{{{z}_i}}}}{{\sum_{{k=1}}^{{{K}}} e^{{{z}_k}}}}$$ and "
            rf"$$L = -\sum_{{k=1}}^{{{K}}} {t}_k \log {y}_k$$" "\n"
            rf"where the targets sum to one, $\sum_{{k=1}}^{{{K}}} {t}_k = 1$." "\n\n"
            "Then the gradient is "
            rf"$$\frac{{\partial L}}{{\partial {z}_{j}}} = {grad}$$." "\n")


def _mse(r: random.Random, slip: bool) -> str:
    y, t = r.choice(OUTPUTS), r.choice(TARGETS)
    j = r.choice("jmb")
    K = r.choice(SIZES)
    half = r.random() < 0.5
    loss = (rf"\frac{{1}}{{2}} \sum_{{k=1}}^{{{K}}} ({y}_k - {t}_k)^2" if half
            else rf"\sum_{{k=1}}^{{{K}}} ({y}_k - {t}_k)^2")
    grad = rf"{y}_{j} - {t}_{j}" if half else rf"2({y}_{j} - {t}_{j})"
    if slip:
        grad = rf"2({y}_{j} - {t}_{j})" if half else rf"{y}_{j} - {t}_{j}"
    return (f"# Mean squared error\n\n"
            f"The loss is $$L = {loss}$$\n\n"
            "Its gradient with respect to one output is "
            rf"$$\frac{{\partial L}}{{\partial {y}_{j}}} = {grad}$$." "\n")


def _sigmoid(r: random.Random, slip: bool) -> str:
    f, x = r.choice("sgh"), r.choice("xuv")
    d = rf"{f}({x})(1 - {f}({x}))"
    if slip:
        d = r.choice([rf"{f}({x})(1 + {f}({x}))", rf"1 - {f}({x})", rf"{f}({x})^2"])
    return (f"# The logistic sigmoid\n\n"
            rf"Let ${f}({x}) = \frac{{1}}{{1 + e^{{-{x}}}}}$. Then ${f}'({x}) = {d}$." "\n")


TEMPLATES = {"softmax": _softmax, "cross-entropy": _cross_entropy, "mse": _mse,
             "sigmoid": _sigmoid}


def note(n: int, seed: int = 0) -> tuple[str, str, bool]:
    """(template name, text, slipped) of the n-th note of the corpus of *seed*."""
    r = random.Random(f"{seed}:{n}")
    name = list(TEMPLATES)[n % len(TEMPLATES)]
    slip = r.random() < 0.4
    return name, TEMPLATES[name](r, slip), slip


def write_corpus(folder: Path, count: int, seed: int = 0) -> list[tuple[Path, str, bool]]:
    """*count* notes under *folder* (ten to a subfolder): (path, template, slipped) each."""
    out = []
    for n in range(count):
        name, text, slip = note(n, seed)
        p = Path(folder) / f"part{n // 10:03d}" / f"note{n:05d}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        out.append((p, name, slip))
    return out


def flaky_task(task: str) -> str:
    """A task for the worker pool's tests: "crash" kills its worker, "hang" never ends."""
    import os
    import time
    if task == "crash":
        os._exit(3)
    if task == "hang":
        time.sleep(600)
    return task.upper()
