"""Independent truth checks: each claim is hand-encoded in SymPy at fixed sizes
(K = 2, 3) and evaluated at random rational points inside the real domain
(log arguments > 0, away from ReLU kinks).  check(fn, sampler) returns True if
lhs - rhs vanishes at all samples, False if some sample gives a nonzero value."""
import random, sympy as sp
from fractions import Fraction
R = random.Random(12345)

def rat(lo=-3, hi=3):
    while True:
        v = sp.Rational(R.randint(int(lo*20), int(hi*20)), 20)
        if v != 0:
            return v

def pos(lo=0.1, hi=3):
    return sp.Rational(R.randint(int(lo*20), int(hi*20)), 20) or sp.Rational(1, 7)

def iszero(e):
    e = sp.nsimplify(e) if False else e
    v = sp.N(e, 60)
    return abs(complex(v)) < 1e-40

def check(fn, sampler, n=12):
    """fn(point) -> lhs - rhs (sympy number).  sampler() -> point or None (reject)."""
    got = 0
    for _ in range(n * 20):
        p = sampler()
        if p is None:
            continue
        d = fn(p)
        if not iszero(d):
            return False, f"nonzero at {p}: {sp.N(d, 8)}"
        got += 1
        if got >= n:
            break
    return True, f"zero at {got} points"

sig = lambda u: 1 / (1 + sp.exp(-u))
relu = lambda x: sp.Max(0, x)
H = lambda x: sp.Heaviside(x)
