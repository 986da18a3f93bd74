"""Speed of symderiv's routes against the naive route a user would try, in one run.

Naive route: explicit K plain symbols, the chain-rule gradient minus the fused gradient,
``sympy.simplify`` (capped by a time limit in a killable worker).  symderiv: the symbolic-K
proof (once, valid for every K) and the exact check at a concrete K (GF(2^61-1) evaluation).
Ratios are printed per K so the figures stay comparable on a noisy machine.

    python benchmarks/bench_identities.py [--cap 60] [--sizes 4 8 16 32 1024]
"""
from __future__ import annotations

import argparse
import sys
import time

import sympy
from sympy import Eq, IndexedBase, Sum, Symbol

from symderiv.models import cross_entropy, mse, softmax
from symderiv.notation import K, Partial, beta, index
from symderiv.runner import TimeBudgetExceeded, run_bounded
from symderiv.verify import decide, exact_check

j, k = index("j"), index("k")
y, z, t = IndexedBase("y"), IndexedBase("z"), IndexedBase("t")
L = Symbol("L")
CHAIN = Sum(Partial(L, y[j]) * Partial(y[j], z[k]), (j, 1, K))
SUM_T = Eq(Sum(t[j], (j, 1, K)), 1)


def cases():
    ce = cross_entropy(softmax(beta=1)).assume(SUM_T)
    m = mse(softmax(beta=1))
    fused_mse = y[k] * ((y[k] - t[k]) - Sum((y[j] - t[j]) * y[j], (j, 1, K)))
    return {"cross-entropy": (CHAIN, y[k] - t[k], ce),
            "mse": (CHAIN, fused_mse, m)}


def naive(kind: str, n: int) -> bool:
    """Explicit K symbols: Σ_j ∂L/∂y_j · ∂y_j/∂z_1 − fused, then sympy.simplify."""
    zs = sympy.symbols(f"z1:{n + 1}")
    ts = list(sympy.symbols(f"t1:{n + 1}"))
    yv = sympy.symbols(f"y1:{n + 1}")
    S = sum(sympy.exp(v) for v in zs)
    ys = [sympy.exp(v) / S for v in zs]
    if kind == "cross-entropy":
        ts[-1] = 1 - sum(ts[:-1])            # the condition Σ t = 1
        Ly = -sum(tv * sympy.log(q) for tv, q in zip(ts, yv))
        fused = ys[0] - ts[0]
    else:
        Ly = sum((q - tv) ** 2 for tv, q in zip(ts, yv)) / 2
        fused = ys[0] * ((ys[0] - ts[0]) - sum((q - tv) * q for tv, q in zip(ts, ys)))
    back = dict(zip(yv, ys))
    chain = sum(sympy.diff(Ly, yv[m]).subs(back) * sympy.diff(ys[m], zs[0]) for m in range(n))
    return sympy.simplify(chain - fused) == 0


def timed(fn, *args, cap=None):
    t0 = time.perf_counter()
    try:
        out = run_bounded(fn, args, timeout=cap) if cap else fn(*args)
    except TimeBudgetExceeded:
        return None, cap
    return out, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cap", type=float, default=60.0, help="time cap for the naive route (s)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 8, 16, 32, 1024])
    args = ap.parse_args(argv)
    run_bounded(pow, (2, 2), timeout=120)   # the naive route's worker, started untimed
    print("| identity | route | K | seconds | naive / symderiv |")
    print("|---|---|---|---|---|")
    for name, (lhs, rhs, ctx) in cases().items():
        v, ts = timed(lambda: decide(lhs, rhs, ctx, exact=False))
        assert v.status == "proved", v
        print(f"| {name} | symderiv symbolic proof (every K) | all | {ts:.3f} | |")
        for n in args.sizes:
            res, te = timed(lambda n=n: exact_check(lhs, rhs, ctx, (n,)))
            assert res.agree
            if n <= 64:
                ok, tn = timed(naive, name, n, cap=args.cap)
                naive_s = f">{args.cap:.0f} (capped)" if ok is None else f"{tn:.2f}"
                ratio = f"{tn / te:.0f}× (vs exact), {tn / ts:.0f}× (vs proof)"
                if ok is None:
                    ratio = "≥ " + ratio
            else:
                naive_s, ratio = "not run", ""
            print(f"| {name} | symderiv exact check | {n} | {te:.3f} | {ratio} |")
            print(f"| {name} | naive explicit simplify | {n} | {naive_s} | |")


if __name__ == "__main__":
    # The capped naive route runs in a killable worker, which imports the function it runs by
    # its module's name and never runs this script: run main() of the module, so that
    # ``naive`` is bench_identities.naive, not __main__.naive (the worker died on it).
    import bench_identities
    bench_identities.main()
