"""Independent SymPy checks of the truth labels behind the wrong verdicts of round 4 (run as a
script: python -m tests.adversarial.truth_check_round4)."""
import random

import sympy as sp


def main():
    x=sp.symbols('x', real=True); S=1/(1+sp.exp(-x))
    chk=lambda e: [sp.N(e.subs(x,sp.Rational(random.randint(1,40),random.randint(1,9)))) for _ in range(5)]
    print('sigma mix', chk(sp.diff(S,x)-S*(1-S)))
    print('sin2nd', chk(sp.diff(sp.sin(x),x,2)+sp.sin(x)), 'cos2nd', chk(sp.diff(sp.cos(x),x,2)+sp.cos(x)))
    print('log2nd', chk(sp.diff(sp.log(x),x,2)+1/x**2), 'tanh2nd', chk(sp.diff(sp.tanh(x),x,2)+2*sp.tanh(x)*(1-sp.tanh(x)**2)))
    print('sig2nd', chk(sp.diff(S,x,2)-S*(1-S)*(1-2*S)), 'exp(-x)2nd', chk(sp.diff(sp.exp(-x),x,2)-sp.exp(-x)))
    print("log'(x)=1/|x| on x>0", chk(sp.diff(sp.log(x),x)-1/sp.Abs(x)))
    print("sqrt(x)^2=|x| on x>=0", chk(sp.sqrt(x)**2-sp.Abs(x)))
    print("ReLU(x-1)' at x=1 left/right", sp.limit(sp.Max(0,x-1).diff(x).subs(x,1-sp.Symbol('h',positive=True)),sp.Symbol('h',positive=True),0))



if __name__ == "__main__":
    main()
