"""Claims with hand-written SymPy encodings of their truth."""
import sympy as sp
from tests.adversarial.truth_lib_round3 import check, rat, pos, sig, relu, H, R

x, y, u, v, a, b = sp.symbols('x y u v a b', real=True)
E, L_ = sp.exp, sp.log

def T(fn, names, dom=lambda p: True, n=12):
    def sampler():
        p = {k: rat() for k in names}
        return p if dom(p) else None
    return lambda: check(fn, sampler, n)

def D(expr_fn, var, at):
    """derivative of expr_fn(symbol) wrt var evaluated at point dict."""
    s = sp.Symbol('s', real=True)
    e = expr_fn(s)
    return sp.diff(e, s).subs(s, at)

VAC = "vacuous"   # domain of the real logs is empty: true by convention, must not be refuted
C = []
def add(claim, truth, given=(), where=(), note=""):
    C.append(dict(claim=claim, given=list(given), where=list(where), truth=truth, note=note))

# ---------------- 1. logarithms ----------------
add(r'\log(xy) = \log x + \log y', T(lambda p: L_(p['x']*p['y']) - L_(p['x']) - L_(p['y']), 'xy', lambda p: p['x'] > 0 and p['y'] > 0))
add(r'\log(x) = \log(-x)', VAC, note="domain x>0 and -x>0 empty")
add(r'\log(x^2) = 2\log(x)', T(lambda p: L_(p['x']**2) - 2*L_(p['x']), 'x', lambda p: p['x'] > 0))
add(r'\log(x^2) = 2\log(-x)', T(lambda p: L_(p['x']**2) - 2*L_(-p['x']), 'x', lambda p: p['x'] < 0))
add(r'\log(x y) = \log(-x) + \log(-y)', T(lambda p: L_(p['x']*p['y']) - L_(-p['x']) - L_(-p['y']), 'xy', lambda p: p['x'] < 0 and p['y'] < 0))
add(r'\log(a/b) = \log a - \log b', T(lambda p: L_(p['a']/p['b']) - L_(p['a']) + L_(p['b']), 'ab', lambda p: p['a'] > 0 and p['b'] > 0))
add(r'\log(a/b) = \log(-a) - \log(-b)', T(lambda p: L_(p['a']/p['b']) - L_(-p['a']) + L_(-p['b']), 'ab', lambda p: p['a'] < 0 and p['b'] < 0))
add(r'\log(x^2) = \log(x)', T(lambda p: L_(p['x']**2) - L_(p['x']), 'x', lambda p: p['x'] > 0))
add(r'\log\frac{1}{1+e^{-u}} = -\log(1+e^{-u})', T(lambda p: L_(1/(1+E(-p['u']))) + L_(1+E(-p['u'])), 'u'))
add(r'\log\frac{1}{1+e^{-u}} = u - \log(e^{u}+1)', T(lambda p: L_(1/(1+E(-p['u']))) - p['u'] + L_(E(p['u'])+1), 'u'))
add(r'\log\frac{1}{1+e^{-u}} = -u - \log(e^{u}+1)', T(lambda p: L_(1/(1+E(-p['u']))) + p['u'] + L_(E(p['u'])+1), 'u'))
add(r'\log(1-\sigma(u)) = -\log(1+e^{u})', T(lambda p: L_(1-sig(p['u'])) + L_(1+E(p['u'])), 'u'))
add(r'\log(1-\sigma(u)) = -u + \log(\sigma(u))', T(lambda p: L_(1-sig(p['u'])) + p['u'] - L_(sig(p['u'])), 'u'))
add(r'\log(1-\sigma(u)) = u + \log(\sigma(u))', T(lambda p: L_(1-sig(p['u'])) - p['u'] - L_(sig(p['u'])), 'u'))
add(r'\frac{d}{du}\log(\sigma(u)) = 1-\sigma(u)', T(lambda p: D(lambda s: L_(sig(s)), u, p['u']) - 1 + sig(p['u']), 'u'))
add(r'\frac{d}{du}\log(1-\sigma(u)) = -\sigma(u)', T(lambda p: D(lambda s: L_(1-sig(s)), u, p['u']) + sig(p['u']), 'u'))
add(r'\frac{d}{du}\log(1-\sigma(u)) = \sigma(u)', T(lambda p: D(lambda s: L_(1-sig(s)), u, p['u']) - sig(p['u']), 'u'))
add(r'\log(\sigma(u)) - \log(1-\sigma(u)) = u', T(lambda p: L_(sig(p['u'])) - L_(1-sig(p['u'])) - p['u'], 'u'))
add(r'\left|x\right| + \log(xy) = x + \log(xy)', T(lambda p: abs(p['x']) - p['x'], 'xy', lambda p: p['x']*p['y'] > 0), note="x=y=-1")
add(r'\left|x\right| + \log(x) = x + \log(x)', T(lambda p: abs(p['x']) - p['x'], 'x', lambda p: p['x'] > 0))
add(r'\text{ReLU}(x) + \log(xy) = x + \log(xy)', T(lambda p: relu(p['x']) - p['x'], 'xy', lambda p: p['x']*p['y'] > 0))
add(r'\log(x-1) + \log(1-x) = 0', VAC, note="x>1 and x<1")
add(r'\log(1-x^2) = \log(1-x) + \log(1+x)', T(lambda p: L_(1-p['x']**2) - L_(1-p['x']) - L_(1+p['x']), 'x', lambda p: abs(p['x']) < 1))
add(r'\log(x^2-1) = \log(x-1) + \log(x+1)', T(lambda p: L_(p['x']**2-1) - L_(p['x']-1) - L_(p['x']+1), 'x', lambda p: p['x'] > 1))
add(r'\log(x^2-1) = \log(1-x) + \log(-1-x)', T(lambda p: L_(p['x']**2-1) - L_(1-p['x']) - L_(-1-p['x']), 'x', lambda p: p['x'] < -1))
add(r'\log(x - 1) = \log(x) - 1', T(lambda p: L_(p['x']-1) - L_(p['x']) + 1, 'x', lambda p: p['x'] > 1))
add(r'\log(x^2 - 1) = 2\log(x)', T(lambda p: L_(p['x']**2-1) - 2*L_(p['x']), 'x', lambda p: p['x'] > 1))
add(r'\log(e^{u} - e^{v}) = u + \log(1 - e^{v-u})', T(lambda p: L_(E(p['u'])-E(p['v'])) - p['u'] - L_(1-E(p['v']-p['u'])), 'uv', lambda p: p['u'] > p['v']))
add(r'\log(e^{u} - e^{v}) = u + \log(e^{v-u} - 1)', VAC, note="needs u>v and v>u")
add(r'e^{\frac{1}{2}\log(x^2)} = x', T(lambda p: abs(p['x']) - p['x'], 'x'), note="x=-1")
add(r'e^{\log(x y) - \log(y)} = x', T(lambda p: E(L_(p['x']*p['y']) - L_(p['y'])) - p['x'], 'xy', lambda p: p['x'] > 0 and p['y'] > 0))
add(r'e^{\frac{1}{2}\log(x^2 y^2)} = x y', T(lambda p: abs(p['x']*p['y']) - p['x']*p['y'], 'xy'))
add(r'\frac{d}{dx}\log(-x) = \frac{1}{x}', T(lambda p: D(lambda s: L_(-s), x, p['x']) - 1/p['x'], 'x', lambda p: p['x'] < 0))
add(r'\frac{d}{dx}\log(-x) = -\frac{1}{x}', T(lambda p: D(lambda s: L_(-s), x, p['x']) + 1/p['x'], 'x', lambda p: p['x'] < 0))
add(r'\frac{d}{dx}\log(-x) = -\frac{1}{\sqrt{x^2}}', T(lambda p: D(lambda s: L_(-s), x, p['x']) + 1/sp.sqrt(p['x']**2), 'x', lambda p: p['x'] < 0))
add(r'x\frac{d}{dx}\log(-x) + \left|x\right| = 1 - x', T(lambda p: p['x']*D(lambda s: L_(-s), x, p['x']) + abs(p['x']) - 1 + p['x'], 'x', lambda p: p['x'] < 0))
add(r'\frac{d}{dx}\log(x) = \frac{1}{\sqrt{x^2}}', T(lambda p: 1/p['x'] - 1/sp.sqrt(p['x']**2), 'x', lambda p: p['x'] > 0))
add(r'\frac{d}{dx}\log(x) = \frac{1}{\left|x\right|}', T(lambda p: 1/p['x'] - 1/abs(p['x']), 'x', lambda p: p['x'] > 0))
def ce_abs(p):
    t, y1 = p['t'], p['y']
    return -t/y1 + t/abs(y1)
add(r'\frac{\partial L}{\partial y_j} = -\frac{t_j}{\left|y_j\right|}', T(ce_abs, 'ty', lambda p: p['y'] > 0), given=[r'L = -\sum_{k=1}^{K} t_k \log y_k'], note="dL/dy_j=-t_j/y_j, y_j>0")
add(r'\frac{\partial L}{\partial x} = -\frac{1}{\sqrt{x^2}}', T(lambda p: 1/p['x'] + 1/abs(p['x']), 'x', lambda p: p['x'] < 0), given=[r'L = \log(-x)'])
add(r'\frac{d}{dx}\log(1-x) = \frac{1}{\sqrt{(x-1)^2}}', T(lambda p: -1/(1-p['x']) - 1/abs(p['x']-1), 'x', lambda p: p['x'] < 1))
add(r'\frac{d}{dx}\log(-x) = \frac{1}{\sqrt{x^2}}', T(lambda p: 1/p['x'] - 1/abs(p['x']), 'x', lambda p: p['x'] < 0))
add(r'\frac{d}{dx}\log(x^2) = \frac{2}{\left|x\right|}', T(lambda p: 2/p['x'] - 2/abs(p['x']), 'x'))
add(r'x \frac{d}{dx}\log(x^2) = 2', T(lambda p: p['x']*2/p['x'] - 2, 'x'))
def lse(K, rhs_soft):
    def f(p):
        z = [rat() for _ in range(K)]; j = R.randrange(K)
        s = sp.symbols(f'z0:{K}')
        lhs = sp.diff(L_(sum(E(zz) for zz in s)), s[j]).subs(dict(zip(s, z)))
        S = sum(E(zz) for zz in z)
        return lhs - (E(z[j])/S if rhs_soft else 1/S)
    return f
add(r'\frac{\partial}{\partial z_j}\log\sum_{k=1}^{K} e^{z_k} = \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}', T(lse(3, True), 'x'))
add(r'\frac{\partial}{\partial z_j}\log\sum_{k=1}^{K} e^{z_k} = \frac{1}{\sum_{k=1}^{K} e^{z_k}}', T(lse(3, False), 'x'))
def sumlog(p):
    xs = [pos() for _ in range(3)]; ys = [pos() for _ in range(3)]
    return sum(L_(a*b) for a, b in zip(xs, ys)) - sum(map(L_, xs)) - sum(map(L_, ys))
add(r'\sum_{i=1}^{N} \log(x_i y_i) = \sum_{i=1}^{N} \log x_i + \sum_{i=1}^{N} \log y_i', T(sumlog, 'x'))
def logsum(p):
    xs = [pos() for _ in range(2)]; ys = [pos() for _ in range(2)]
    return L_(sum(a*b for a, b in zip(xs, ys))) - sum(L_(a*b) for a, b in zip(xs, ys))
add(r'\log\left(\sum_{i=1}^{N} x_i y_i\right) = \sum_{i=1}^{N} \log(x_i y_i)', T(logsum, 'x'))
def logxs(prod):
    def f(p):
        xx = pos(); z = [rat() for _ in range(2)]; S = sum(E(t) for t in z)
        return L_(xx*S) - (L_(xx)*L_(S) if prod else L_(xx) + L_(S))
    return f
add(r'\log\left(x \sum_{k=1}^{K} e^{z_k}\right) = \log x + \log\sum_{k=1}^{K} e^{z_k}', T(logxs(False), 'x'))
add(r'\log\left(x \sum_{k=1}^{K} e^{z_k}\right) = \log x \cdot \log\sum_{k=1}^{K} e^{z_k}', T(logxs(True), 'x'))
add(r'\sqrt{x^2 y^2} = x y + 0\log(x)', T(lambda p: abs(p['x']*p['y']) - p['x']*p['y'], 'xy', lambda p: p['x'] > 0))
add(r'\sqrt{y^2} = y', T(lambda p: abs(p['y']) - p['y'], 'y'), given=[r'L = \log(y)'], note="L unused by the claim")

# ---------------- 2. ReLU ----------------
dR = lambda s: H(s)   # derivative off the kink
off = lambda *vals: all(vv != 0 for vv in vals)
add(r'\frac{d}{dx}\text{ReLU}(x) = 1', T(lambda p: H(p['x']) - 1, 'x'))
add(r'\text{ReLU}(x) - \text{ReLU}(-x) = x', T(lambda p: relu(p['x']) - relu(-p['x']) - p['x'], 'x'))
add(r'\text{ReLU}(x) + \text{ReLU}(-x) = \left|x\right|', T(lambda p: relu(p['x']) + relu(-p['x']) - abs(p['x']), 'x'))
add(r'\text{ReLU}(2x) = 2\text{ReLU}(x)', T(lambda p: relu(2*p['x']) - 2*relu(p['x']), 'x'))
add(r'\text{ReLU}(x)^2 = x\,\text{ReLU}(x)', T(lambda p: relu(p['x'])**2 - p['x']*relu(p['x']), 'x'))
add(r'\text{ReLU}(x) = x', T(lambda p: relu(p['x']) - p['x'], 'x'))
add(r'\text{ReLU}(-2x) = -2\text{ReLU}(x)', T(lambda p: relu(-2*p['x']) + 2*relu(p['x']), 'x'))
add(r'\text{ReLU}(x) = \frac{x + \left|x\right|}{2}', T(lambda p: relu(p['x']) - (p['x'] + abs(p['x']))/2, 'x'))
add(r'\text{ReLU}(\text{ReLU}(x)) = \text{ReLU}(x)', T(lambda p: relu(relu(p['x'])) - relu(p['x']), 'x'))
add(r'\frac{d}{dx}\text{ReLU}(x)^2 = 2\text{ReLU}(x)', T(lambda p: 2*relu(p['x'])*H(p['x']) - 2*relu(p['x']), 'x'))
add(r'\frac{d}{dx}\text{ReLU}(x)^2 = 2x', T(lambda p: 2*relu(p['x'])*H(p['x']) - 2*p['x'], 'x'))
add(r'\frac{d}{dx}\text{ReLU}(x) - \frac{d}{dx}\text{ReLU}(-x) = 1', T(lambda p: H(p['x']) + H(-p['x']) - 1, 'x'), note="off the kink")
add(r'\frac{d}{dx}\text{ReLU}(x) + \frac{d}{dx}\text{ReLU}(-x) = 1', T(lambda p: H(p['x']) - H(-p['x']) - 1, 'x'))
add(r'\frac{d}{dx}\text{ReLU}(x^2) = 2x', T(lambda p: 2*p['x'] - 2*p['x'], 'x'))
add(r'\frac{d}{dx}\text{ReLU}(-x^2) = -2x', T(lambda p: 0 + 2*p['x'], 'x'))
add(r'\frac{d}{dx}\text{ReLU}(-x^2) = 0', T(lambda p: sp.Integer(0), 'x'))
add(r'\frac{d}{dx}(x\,\text{ReLU}(x)) = 2\text{ReLU}(x)', T(lambda p: relu(p['x']) + p['x']*H(p['x']) - 2*relu(p['x']), 'x'))
add(r'\frac{d}{dx}(x\,\text{ReLU}(x)) = 2x', T(lambda p: relu(p['x']) + p['x']*H(p['x']) - 2*p['x'], 'x'))
add(r'\frac{d}{dx}\text{ReLU}(x) \cdot x = \text{ReLU}(x)', T(lambda p: H(p['x'])*p['x'] - relu(p['x']), 'x'))
add(r'\frac{d}{dx}\text{ReLU}(x - 1) = \frac{d}{dx}\text{ReLU}(x)', T(lambda p: H(p['x']-1) - H(p['x']), 'x', lambda p: p['x'] != 1))
add(r'\frac{\partial a}{\partial z} = 1', T(lambda p: H(p['x']) - 1, 'x'), given=[r'a = \text{ReLU}(z)'])
add(r'\frac{\partial}{\partial x}\text{ReLU}(x-y) + \frac{\partial}{\partial y}\text{ReLU}(y-x) = 1', T(lambda p: H(p['x']-p['y']) + H(p['y']-p['x']) - 1, 'xy', lambda p: p['x'] != p['y']))
add(r'\frac{\partial}{\partial x}\text{ReLU}(x-y) = 1', T(lambda p: H(p['x']-p['y']) - 1, 'xy', lambda p: p['x'] != p['y']))
add(r'\frac{\partial}{\partial x}\text{ReLU}(x-y) + \frac{\partial}{\partial y}\text{ReLU}(x-y) = 0', T(lambda p: H(p['x']-p['y']) - H(p['x']-p['y']), 'xy', lambda p: p['x'] != p['y']))
add(r'\frac{\partial}{\partial x}\text{ReLU}(x-y) - \frac{\partial}{\partial y}\text{ReLU}(y-x) = 0', T(lambda p: H(p['x']-p['y']) - H(p['y']-p['x']), 'xy', lambda p: p['x'] != p['y']))
add(r'\frac{\partial a_i}{\partial z_j} = \delta_{ij}', T(lambda p: H(p['x']) - 1, 'x'), given=[r'a_i = \text{ReLU}(z_i)'], note="i=j, z_i<0")
add(r'\frac{\partial}{\partial z_j}\sum_i \text{ReLU}(z_i) = 1', T(lambda p: H(p['x']) - 1, 'x'))
add(r'\text{ReLU}(x)\text{ReLU}(-x) = 0', T(lambda p: relu(p['x'])*relu(-p['x']), 'x'))

# ---------------- 3. softmax(o)_j and sums ----------------
def smx(o):
    S = sum(E(t) for t in o); return [E(t)/S for t in o]
def soft_claim(kind):
    def f(p):
        q = R.choice([2, 3]); o = [rat() for _ in range(q)]; j = R.randrange(q); k = (j+1) % q
        s = smx(o); S = sum(E(t) for t in o); beta = sp.Integer(2)
        if kind == 'ok': return s[j] - E(o[j])/S
        if kind == 'noexp': return s[j] - o[j]/S
        if kind == 'wrongsum': return s[j] - E(o[j])/(q*E(o[j]))
        if kind == 'wrongidx': return s[j] - E(o[k])/S
        if kind == 'beta': return smx([beta*t for t in o])[j] - E(beta*o[j])/sum(E(beta*t) for t in o)
        if kind == 'betamiss': return smx([beta*t for t in o])[j] - E(o[j])/S
        if kind == 'sum1': return sum(s) - 1
        if kind == 'logok': return L_(s[j]) - o[j] + L_(S)
        if kind == 'logbad': return L_(s[j]) - o[j] - L_(S)
        if kind == 'first': return s[0] - 1/(1 + sum(E(t - o[0]) for t in o[1:]))
        if kind == 'first2': return s[0] - 1/sum(E(t - o[0]) for t in o)
    return f
add(r'\mathrm{softmax}(\mathbf{o})_j = \frac{e^{o_j}}{\sum_{k=1}^q e^{o_k}}', T(soft_claim('ok'), 'x'))
add(r'\mathrm{softmax}(\mathbf{o})_j = \frac{o_j}{\sum_{k=1}^q e^{o_k}}', T(soft_claim('noexp'), 'x'))
add(r'\mathrm{softmax}(\mathbf{o})_j = \frac{e^{o_j}}{\sum_{k=1}^q e^{o_j}}', T(soft_claim('wrongsum'), 'x'))
add(r'\mathrm{softmax}(\mathbf{o})_j = \frac{e^{o_k}}{\sum_{k=1}^q e^{o_k}}', T(soft_claim('wrongidx'), 'x'), note="free k")
add(r'\mathrm{softmax}(\beta\mathbf{o})_j = \frac{e^{\beta o_j}}{\sum_{k=1}^q e^{\beta o_k}}', T(soft_claim('beta'), 'x'))
add(r'\mathrm{softmax}(\beta\mathbf{o})_j = \frac{e^{o_j}}{\sum_{k=1}^q e^{o_k}}', T(soft_claim('betamiss'), 'x'))
def jac(swap):
    def f(p):
        q = 3; o = sp.symbols('o0:3'); vals = [rat() for _ in range(q)]
        i, j = R.randrange(q), R.randrange(q)
        S = sum(map(E, o)); y = [E(t)/S for t in o]
        lhs = sp.diff(y[j], o[i]).subs(dict(zip(o, vals)))
        yv = [t.subs(dict(zip(o, vals))) for t in y]; d = 1 if i == j else 0
        return lhs - (yv[j]*(d - yv[i]) if not swap else yv[i]*(d - yv[i]))
    return f
add(r'\frac{\partial\, \mathrm{softmax}(\mathbf{o})_j}{\partial o_i} = \mathrm{softmax}(\mathbf{o})_j(\delta_{ij} - \mathrm{softmax}(\mathbf{o})_i)', T(jac(False), 'x'))
add(r'\frac{\partial\, \mathrm{softmax}(\mathbf{o})_j}{\partial o_i} = \mathrm{softmax}(\mathbf{o})_i(\delta_{ij} - \mathrm{softmax}(\mathbf{o})_i)', T(jac(True), 'x'))
add(r'\sum_{j=1}^q \mathrm{softmax}(\mathbf{o})_j = 1', T(soft_claim('sum1'), 'x'))
add(r'\log \mathrm{softmax}(\mathbf{o})_j = o_j - \log \sum_{k=1}^q e^{o_k}', T(soft_claim('logok'), 'x'))
add(r'\log \mathrm{softmax}(\mathbf{o})_j = o_j + \log \sum_{k=1}^q e^{o_k}', T(soft_claim('logbad'), 'x'))
add(r'\mathrm{softmax}(\mathbf{o})_1 = \frac{1}{1 + \sum_{k=2}^{q} e^{o_k - o_1}}', T(soft_claim('first'), 'x'))
add(r'\mathrm{softmax}(\mathbf{o})_1 = \frac{1}{\sum_{k=1}^{q} e^{o_k - o_1}}', T(soft_claim('first2'), 'x'))
def sums(up_other):
    def f(p):
        K = R.choice([2, 3]); q = R.choice([2, 3, 4]); o = [rat() for _ in range(max(K, q) + 2)]
        return sum(o[:K]) - sum(o[:up_other(q)])
    return f
add(r'\sum_{k=1}^{K} o_k = \sum_{k=1}^{q-1} o_k', T(sums(lambda q: q-1), 'x'), note="K, q independent: K=2,q=2")
add(r'\sum_{k=1}^{K} e^{o_k} = \sum_{k=1}^{q-1} e^{o_k}', T(sums(lambda q: q-1), 'x'), note="same with exp (o->e^o irrelevant)")
add(r'\sum_{k=1}^{K} o_k = \sum_{k=1}^{n-1} o_k', T(sums(lambda q: q-1), 'x'))
add(r'\sum_{k=1}^{N} o_k = \sum_{k=1}^{q-1} o_k', T(sums(lambda q: q-1), 'x'))
add(r'\sum_{k=1}^{K} o_k = \sum_{k=1}^{q} o_k', T(sums(lambda q: q), 'x'))
add(r'\sum_{k=1}^{q} o_k = o_q + \sum_{k=1}^{q-1} o_k', T(lambda p: sp.Integer(0), 'x'))

# ---------------- 5. bare sum in the definition ----------------
GS = [r'y_i = \frac{e^{o_i}}{\sum_j e^{o_j}}']
def bare(kind):
    def f(p):
        q = R.choice([2, 3, 4]); o = sp.symbols(f'o1:{q+1}'); vals = [rat() for _ in range(q)]
        S = sum(map(E, o)); y = [E(t)/S for t in o]; sub = dict(zip(o, vals))
        yv = [t.subs(sub) for t in y]
        if kind == 'tail': return sum(yv[1:]) - (1 - yv[0])
        if kind == 'first': return yv[0] - 1/(1 + sum(E(t - vals[0]) for t in vals[1:]))
        if kind == 'dtail': return sp.diff(sum(y[1:]), o[0]).subs(sub) + yv[0]*sum(yv[1:])
        if kind == 'dtail2': return sp.diff(sum(y[1:]), o[0]).subs(sub) + yv[0]*(1 - yv[0])
        if kind == 'd11': return sp.diff(y[0], o[0]).subs(sub) - yv[0]*sum(yv[1:])
        if kind == 'sum1': return sum(yv) - 1
        if kind == 'jac':
            i, j = R.randrange(q), R.randrange(q)
            return sp.diff(y[i], o[j]).subs(sub) - yv[i]*(int(i == j) - yv[j])
        if kind == 'mean': return sum(a*b for a, b in zip(yv, vals)) - sum(E(t)*t for t in vals)/sum(map(E, vals))
    return f
add(r'\frac{\partial y_i}{\partial o_j} = y_i(\delta_{ij} - y_j)', T(bare('jac'), 'x'), given=GS)
add(r'\sum_{k=1}^q y_k = 1', T(bare('sum1'), 'x'), given=GS)
add(r'\sum_{k=2}^q y_k = 1 - y_1', T(bare('tail'), 'x'), given=GS, note="y indexed 1..q (y_1 is used)")
add(r'y_1 = \frac{1}{1 + \sum_{k=2}^{q} e^{o_k - o_1}}', T(bare('first'), 'x'), given=GS)
add(r'\sum_{k=2}^q y_k = 1 - y_1', T(bare('tail'), 'x'), given=GS, where=[r'1 \leq i \leq q'])
add(r'\frac{\partial}{\partial o_1}\sum_{k=2}^{q} y_k = -y_1 \sum_{k=2}^{q} y_k', T(bare('dtail'), 'x'), given=GS)
add(r'\frac{\partial}{\partial o_1}\sum_{k=2}^{q} y_k = -y_1 (1 - y_1)', T(bare('dtail2'), 'x'), given=GS)
add(r'\frac{\partial y_1}{\partial o_1} = y_1 \sum_{k=2}^{q} y_k', T(bare('d11'), 'x'), given=GS)
add(r'\sum_{k=1}^q y_k o_k = \frac{\sum_{k=1}^q e^{o_k} o_k}{\sum_{k=1}^q e^{o_k}}', T(bare('mean'), 'x'), given=GS)
def ce(cond):
    def f(p):
        q = 3; o = sp.symbols('o1:4'); vals = [rat() for _ in range(q)]
        t = [pos() for _ in range(q)]
        if cond == 'norm': s = sum(t); t = [a/s for a in t]
        S = sum(map(E, o)); y = [E(a)/S for a in o]; sub = dict(zip(o, vals))
        Lx = -sum(tk*L_(yk) for tk, yk in zip(t, y)); j = R.randrange(q)
        lhs = sp.diff(Lx, o[j]).subs(sub); yv = [a.subs(sub) for a in y]
        if cond == 'sumt': return lhs - (yv[j]*sum(t) - t[j])
        return lhs - (yv[j] - t[j])
    return f
GCE = GS + [r'L = -\sum_{k=1}^q t_k \log y_k']
add(r'\frac{\partial L}{\partial o_j} = y_j - t_j', T(ce('norm'), 'x'), given=GCE, where=[r'\sum_{k=1}^q t_k = 1'])
add(r'\frac{\partial L}{\partial o_j} = y_j - t_j', T(ce('free'), 'x'), given=GCE)
add(r'\frac{\partial L}{\partial o_j} = y_j \sum_{k=1}^q t_k - t_j', T(ce('sumt'), 'x'), given=GCE)

# ---------------- 4. labelled subscripts ----------------
GM = [r'L_{MSE} = \frac{1}{N} \sum_{i=1}^{N} (y_{pred_i} - y_{true_i})^2']
def mse(kind):
    def f(p):
        N = R.choice([2, 3]); yp = sp.symbols(f'p0:{N}'); yt = sp.symbols(f't0:{N}')
        vp = [rat() for _ in range(N)]; vt = [rat() for _ in range(N)]; sub = {**dict(zip(yp, vp)), **dict(zip(yt, vt))}
        Lx = sp.Rational(1, N)*sum((a - b)**2 for a, b in zip(yp, yt)); j = R.randrange(N); i = (j+1) % N
        dp = sp.diff(Lx, yp[j]).subs(sub); dt = sp.diff(Lx, yt[j]).subs(sub)
        return {'ok': dp - sp.Rational(2, N)*(vp[j]-vt[j]), 'oneN': dp - sp.Rational(1, N)*(vp[j]-vt[j]),
                'sign': dp - sp.Rational(2, N)*(vt[j]-vp[j]), 'true': dt + sp.Rational(2, N)*(vp[j]-vt[j]),
                'noN': dp - 2*(vp[j]-vt[j]), 'idx': dp - sp.Rational(2, N)*(vp[i]-vt[i])}[kind]
    return f
add(r'\frac{\partial L_{MSE}}{\partial y_{pred_j}} = \frac{2}{N} (y_{pred_j} - y_{true_j})', T(mse('ok'), 'x'), given=GM)
add(r'\frac{\partial L_{MSE}}{\partial y_{pred_j}} = \frac{1}{N} (y_{pred_j} - y_{true_j})', T(mse('oneN'), 'x'), given=GM)
add(r'\frac{\partial L_{MSE}}{\partial y_{pred_j}} = \frac{2}{N} (y_{true_j} - y_{pred_j})', T(mse('sign'), 'x'), given=GM)
add(r'\frac{\partial L_{MSE}}{\partial y_{true_j}} = -\frac{2}{N} (y_{pred_j} - y_{true_j})', T(mse('true'), 'x'), given=GM)
add(r'\frac{\partial L_{MSE}}{\partial y_{pred_j}} = 2 (y_{pred_j} - y_{true_j})', T(mse('noN'), 'x'), given=GM)
add(r'\frac{\partial L_{MSE}}{\partial y_{pred_j}} = \frac{2}{N} (y_{pred_i} - y_{true_i})', T(mse('idx'), 'x'), given=GM, note="i free, i!=j")
GC2 = [r'L_{CE} = -\sum_{i=1}^{N}\sum_{c=1}^{C} y_{true_{ic}} \log(y_{pred_{ic}})']
def ce2(kind):
    def f(p):
        N, Cc = 2, 3; P = sp.Matrix(N, Cc, lambda i, c: sp.Symbol(f'P{i}{c}')); Tm = [[pos() for _ in range(Cc)] for _ in range(N)]
        vP = [[pos() for _ in range(Cc)] for _ in range(N)]; sub = {P[i, c]: vP[i][c] for i in range(N) for c in range(Cc)}
        Lx = -sum(Tm[i][c]*L_(P[i, c]) for i in range(N) for c in range(Cc)); j, d = 0, 1
        g = sp.diff(Lx, P[j, d]).subs(sub)
        return {'ok': g + Tm[j][d]/vP[j][d], 'sign': g - Tm[j][d]/vP[j][d], 'idx': g + Tm[1][0]/vP[j][d], 'miss': g + 1/vP[j][d]}[kind]
    return f
add(r'\frac{\partial L_{CE}}{\partial y_{pred_{jd}}} = -\frac{y_{true_{jd}}}{y_{pred_{jd}}}', T(ce2('ok'), 'x'), given=GC2)
add(r'\frac{\partial L_{CE}}{\partial y_{pred_{jd}}} = \frac{y_{true_{jd}}}{y_{pred_{jd}}}', T(ce2('sign'), 'x'), given=GC2)
add(r'\frac{\partial L_{CE}}{\partial y_{pred_{jd}}} = -\frac{y_{true_{dj}}}{y_{pred_{jd}}}', T(ce2('idx'), 'x'), given=GC2)
add(r'\frac{\partial L_{CE}}{\partial y_{pred_{jd}}} = -\frac{1}{y_{pred_{jd}}}', T(ce2('miss'), 'x'), given=GC2)
GKL = [r'D_{KL} = \sum_{i=1}^{N} p_i \log\frac{p_i}{q_i}']
def kl(kind):
    def f(p):
        N = 3; P = sp.symbols('p0:3'); Q = sp.symbols('q0:3'); vp = [pos() for _ in range(N)]; vq = [pos() for _ in range(N)]
        sub = {**dict(zip(P, vp)), **dict(zip(Q, vq))}; Dx = sum(a*L_(a/b) for a, b in zip(P, Q)); j = 1
        gq = sp.diff(Dx, Q[j]).subs(sub); gp = sp.diff(Dx, P[j]).subs(sub)
        return {'q': gq + vp[j]/vq[j], 'qs': gq - vp[j]/vq[j], 'p': gp - L_(vp[j]/vq[j]) - 1, 'p0': gp - L_(vp[j]/vq[j]),
                'split': Dx.subs(sub) - sum(a*L_(a) for a in vp) + sum(a*L_(b) for a, b in zip(vp, vq)),
                'splitbad': Dx.subs(sub) - sum(a*L_(a) for a in vp) - sum(a*L_(b) for a, b in zip(vp, vq))}[kind]
    return f
add(r'\frac{\partial D_{KL}}{\partial q_j} = -\frac{p_j}{q_j}', T(kl('q'), 'x'), given=GKL)
add(r'\frac{\partial D_{KL}}{\partial q_j} = \frac{p_j}{q_j}', T(kl('qs'), 'x'), given=GKL)
add(r'\frac{\partial D_{KL}}{\partial p_j} = \log\frac{p_j}{q_j} + 1', T(kl('p'), 'x'), given=GKL)
add(r'\frac{\partial D_{KL}}{\partial p_j} = \log\frac{p_j}{q_j}', T(kl('p0'), 'x'), given=GKL)
add(r'D_{KL} = \sum_{i=1}^{N} p_i \log p_i - \sum_{i=1}^{N} p_i \log q_i', T(kl('split'), 'x'), given=GKL)
add(r'D_{KL} = \sum_{i=1}^{N} p_i \log p_i + \sum_{i=1}^{N} p_i \log q_i', T(kl('splitbad'), 'x'), given=GKL)
G3 = [r'L = \sum_{i=1}^{N} (y_{pred_i} - y_i)^2']
def lab3(kind):
    def f(p):
        N = 3; yp = sp.symbols('a0:3'); yy = sp.symbols('b0:3'); vp = [rat() for _ in range(N)]; vy = [rat() for _ in range(N)]
        sub = {**dict(zip(yp, vp)), **dict(zip(yy, vy))}; Lx = sum((a - b)**2 for a, b in zip(yp, yy)); j = 2
        gp = sp.diff(Lx, yp[j]).subs(sub); gy = sp.diff(Lx, yy[j]).subs(sub)
        return {'p': gp - 2*(vp[j]-vy[j]), 'y': gy + 2*(vp[j]-vy[j]), 'y0': gy, 'ybad': gy - 2*(vp[j]-vy[j])}[kind]
    return f
add(r'\frac{\partial L}{\partial y_{pred_j}} = 2(y_{pred_j} - y_j)', T(lab3('p'), 'x'), given=G3)
add(r'\frac{\partial L}{\partial y_j} = -2(y_{pred_j} - y_j)', T(lab3('y'), 'x'), given=G3)
add(r'\frac{\partial L}{\partial y_j} = 0', T(lab3('y0'), 'x'), given=G3)
add(r'\frac{\partial L}{\partial y_j} = 2(y_{pred_j} - y_j)', T(lab3('ybad'), 'x'), given=G3)
GSUM = [r'L_{MSE} = \frac{1}{N}\sum_{i=1}^N (p_i - t_i)^2', r'L_{CE} = -\sum_{i=1}^N t_i \log p_i', r'L = L_{MSE} + L_{CE}']
def comb(sign):
    def f(p):
        N = 3; P = sp.symbols('p0:3'); vp = [pos() for _ in range(N)]; t = [pos() for _ in range(N)]; sub = dict(zip(P, vp))
        Lx = sp.Rational(1, N)*sum((a-b)**2 for a, b in zip(P, t)) - sum(b*L_(a) for a, b in zip(P, t)); j = 0
        return sp.diff(Lx, P[j]).subs(sub) - (sp.Rational(2, N)*(vp[j]-t[j]) + sign*t[j]/vp[j])
    return f
add(r'\frac{\partial L}{\partial p_j} = \frac{2}{N}(p_j - t_j) - \frac{t_j}{p_j}', T(comb(-1), 'x'), given=GSUM)
add(r'\frac{\partial L}{\partial p_j} = \frac{2}{N}(p_j - t_j) + \frac{t_j}{p_j}', T(comb(+1), 'x'), given=GSUM)

# ---------------- 6. undefined scalar functions through entries ----------------
GF = [r'A_i = f(Z_i)', r'Z_i = \sum_k X_{ik} W_k']
def layer(kind, fdef=None):
    """f is tested as several concrete functions (tanh, cube, exp): a claim true for
    an arbitrary f holds for all, a false one fails for one of them."""
    def f(p):
        n, m = 2, 3; W = sp.symbols('W0:3'); X = sp.Matrix(n, m, lambda i, k: rat()); vW = [rat() for _ in range(m)]
        fn = R.choice([sp.tanh, lambda s: s**3, sp.exp]) if fdef is None else fdef
        s = sp.Symbol('s'); fp = sp.Lambda(s, sp.diff(fn(s), s))
        Z = [sum(X[i, k]*W[k] for k in range(m)) for i in range(n)]; A = [fn(z) for z in Z]; sub = dict(zip(W, vW))
        Zv = [z.subs(sub) for z in Z]
        i, j = 1, 0
        if kind in ('ok', 'ji', 'nof', 'fj', 'nofX'):
            g = sp.diff(A[i], W[j]).subs(sub)
            Xji = X[j, i] if i < m and j < n else 0
            return {'ok': g - fp(Zv[i])*X[i, j], 'ji': g - fp(Zv[i])*X[j, i], 'nof': g - X[i, j], 'fj': g - fp(Zv[j])*X[i, j], 'nofX': g - fp(Zv[i])}[kind]
        # generic L: L = sum_i c_i A_i + (sum A_i)^2  (arbitrary smooth L)
        c = [rat() for _ in range(n)]; Lx = sum(ci*Ai for ci, Ai in zip(c, A)) + sum(A)**2
        Asym = sp.symbols('a0:2'); Lsym = sum(ci*a for ci, a in zip(c, Asym)) + sum(Asym)**2
        dLdA = [sp.diff(Lsym, a).subs(dict(zip(Asym, [a_.subs(sub) for a_ in A]))) for a in Asym]
        gW = sp.diff(Lx, W[j]).subs(sub)
        if kind == 'L': return gW - sum(dLdA[ii]*fp(Zv[ii])*X[ii, j] for ii in range(n))
        if kind == 'Lnof': return gW - sum(dLdA[ii]*X[ii, j] for ii in range(n))
        if kind == 'LZ': return gW - sum(dLdA[ii]*fp(Zv[ii])*X[ii, j] for ii in range(n))
        if kind == 'dZ':
            return sp.Integer(0)
    return f
add(r"\frac{\partial A_i}{\partial W_j} = f'(Z_i) X_{ij}", T(layer('ok'), 'x'), given=GF)
add(r"\frac{\partial A_i}{\partial W_j} = f'(Z_i) X_{ji}", T(layer('ji'), 'x'), given=GF)
add(r"\frac{\partial A_i}{\partial W_j} = X_{ij}", T(layer('nof'), 'x'), given=GF)
add(r"\frac{\partial A_i}{\partial W_j} = f'(Z_j) X_{ij}", T(layer('fj'), 'x'), given=GF)
add(r"\frac{\partial A_i}{\partial W_j} = f'(Z_i)", T(layer('nofX'), 'x'), given=GF)
add(r"\frac{\partial L}{\partial W_j} = \sum_i \frac{\partial L}{\partial A_i} f'(Z_i) X_{ij}", T(layer('L'), 'x'), given=GF)
add(r"\frac{\partial L}{\partial W_j} = \sum_i \frac{\partial L}{\partial A_i} X_{ij}", T(layer('Lnof'), 'x'), given=GF)
add(r"\frac{\partial L}{\partial W_j} = \sum_i \frac{\partial L}{\partial Z_i} X_{ij}", True, given=GF, note="chain rule through Z (exact reasoning)")
add(r"\frac{\partial L}{\partial Z_i} = \frac{\partial L}{\partial A_i} f'(Z_i)", True, given=GF, note="A_i depends only on Z_i")
add(r"\frac{\partial A_i}{\partial W_j} = 2 Z_i X_{ij}", T(layer('ok', lambda s: s**2), 'x'), given=[r'A_i = Z_i^2', GF[1]])
add(r"\frac{\partial A_i}{\partial W_j} = 2 Z_i X_{ji}", T(layer('ji', lambda s: s**2), 'x'), given=[r'A_i = Z_i^2', GF[1]])

# ---------------- undefined names (no definition at all) ----------------
add(r'\frac{\partial y_i}{\partial z_j} = 0', "undetermined", note="y undefined: true only if y is read as independent of z")
add(r'\frac{\partial y}{\partial x} = 0', "undetermined")

# ---------------- additions: size symbols q-1 / n-1, and logs that disappear ----------------
GK = [r'y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}']
def nsum(kind):
    def f(p):
        K = R.choice([2, 3]); n = R.choice([2, 3, 4]); z = sp.symbols(f'z1:{K+1}'); vals = [rat() for _ in range(K)]
        S = sum(map(E, z)); y = [E(t)/S for t in z]; sub = dict(zip(z, vals)); yv = [t.subs(sub) for t in y]
        m = min(n - 1, K)  # entries beyond K do not exist; n-1 < K already gives a counterexample
        if kind == 'sum': return sum(yv[:m]) - 1 if n - 1 <= K else sp.Integer(1)
        if kind == 'd': return sp.diff(sum(y[:m]), z[0]).subs(sub) if n - 1 <= K else sp.Integer(1)
        if kind == 'K-1': return sum(yv[:K-1]) - (1 - yv[K-1])
    return f
add(r'\sum_{k=1}^{n-1} y_k = 1', T(nsum('sum'), 'x'), given=GK, note="n independent of K: n=2,K=2 gives y_1 != 1")
add(r'\frac{\partial}{\partial z_j}\sum_{k=1}^{n-1} y_k = 0', T(nsum('d'), 'x'), given=GK, note="n=2,K=2,j=1: y_1(1-y_1) != 0")
add(r'\sum_{k=1}^{K-1} y_k = 1 - y_K', T(nsum('K-1'), 'x'), given=GK)
add(r'e^{L} = \sqrt{x^2}', T(lambda p: p['x'] - abs(p['x']), 'x', lambda p: p['x'] > 0), given=[r'L = \log(x)'])
add(r'e^{\log(x)} = \sqrt{x^2}', T(lambda p: p['x'] - abs(p['x']), 'x', lambda p: p['x'] > 0))
add(r'\sqrt{x^2}\frac{d}{dx}\log(x) = 1', T(lambda p: abs(p['x'])/p['x'] - 1, 'x', lambda p: p['x'] > 0))
add(r'\frac{\partial L}{\partial x} = \frac{1}{x} + \sqrt{x^2}', T(lambda p: p['x'] + 1/p['x'] - 1/p['x'] - abs(p['x']), 'x', lambda p: p['x'] > 0), given=[r'L = \frac{1}{2}x^2 + \log(x)'])
add(r'\text{ReLU}(x)\frac{d}{dx}\log(x) = 1', T(lambda p: relu(p['x'])/p['x'] - 1, 'x', lambda p: p['x'] > 0))
# the log vanishes by simplification (e^{log x} -> x, log x - log x -> 0): its domain must remain
add(r'\log(x) - \log(x) + \sqrt{x^2} = x', T(lambda p: abs(p['x']) - p['x'], 'x', lambda p: p['x'] > 0))
add(r'\left|x\right| = e^{\log x}', T(lambda p: abs(p['x']) - p['x'], 'x', lambda p: p['x'] > 0))
add(r'e^{\log(x) + \log(y)} = \left|x y\right|', T(lambda p: p['x']*p['y'] - abs(p['x']*p['y']), 'xy', lambda p: p['x'] > 0 and p['y'] > 0))
add(r'e^{\log(x)/2} \cdot e^{\log(x)/2} = \left|x\right|', T(lambda p: p['x'] - abs(p['x']), 'x', lambda p: p['x'] > 0))
add(r'\sum_{k=1}^{K-1} o_k = \sum_{k=1}^{n-1} o_k', T(sums(lambda q: q), 'x'), note="K, n independent")
