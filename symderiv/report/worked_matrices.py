r"""Worked examples written in vectors and matrices, checked with their vectors written out
(what the text says about an example, its sizes and its values, is read in
:mod:`.worked_text`)."""
from __future__ import annotations

import re

__all__ = ["worked_rows", "settle"]

_MATRIX = re.compile(r"\\begin\{([pbBvV]?matrix)\}(.*?)\\end\{\1\}", re.S)


# ---------------------------------------------------------------------------------------
# A worked example checked with its vectors written out (issue 12: "worked examples in
# vectors at concrete sizes keep working, exactly").  Each name stated as a row of numbers is
# a row of unknowns; each name defined by a formula (A = Softmax(Z), E = -Σ T_i ln A_i) is
# that formula of them; ∂F/∂X keeps X as unknowns while F is written out, so ∂E/∂A is taken
# with A free and ∂E/∂Z through A = Softmax(Z).  A gradient of a number has X's shape; a
# Jacobian of vectors is checked as ∂F_i/∂X_j (row i = output i) and as its transpose, and
# decided only where both agree.  Products of arrays are taken in the order their shapes fit
# (SymPy sorts commutative factors); two orders that fit and differ leave it undecided.
# Values are exact; a difference is a refutation only when it is a nonzero number.

class _Unread(Exception):
    pass


def to_tex(e) -> str:
    from ..printer import to_latex
    return to_latex(e)


def _entry_function():
    import sympy
    return sympy.Function("worked\\_entry")


_ENTRY = _entry_function()   # entry k of a vector function's value: _ENTRY(Softmax(Z), k)


def _name(e):
    import sympy
    if isinstance(e, sympy.Symbol):
        return e.name
    if isinstance(e, sympy.IndexedBase):
        return str(e.label)
    return None


class _Example:
    def __init__(self, ctx, transpose: bool, parts=()):
        import sympy
        self.ctx, self.transpose = ctx, transpose
        self.lo = int(ctx.lower)
        self.doubts: set = set()
        self.data, self.defs, self.unknowns, self.values = {}, {}, {}, {}
        for d in ctx.definitions:
            name = _name(d.target)
            if name is None:
                continue    # y_i = ...: entry definitions are not read here
            rhs = d.rhs
            if isinstance(rhs, sympy.MatrixBase) and not rhs.free_symbols and 1 in rhs.shape:
                self.data[name] = rhs
            else:
                self.defs[name] = rhs
        self.functions = {name: (params, body) for name, params, body in ctx.functions}
        exprs = [d.rhs for d in ctx.definitions] + list(parts)
        starts = {int(lim[1]) for x in exprs if isinstance(x, sympy.Basic)
                  for sm in x.atoms(sympy.Sum) for lim in sm.limits
                  if lim[1].is_Integer and isinstance(lim[2], sympy.Symbol)}
        self.numbered = len(starts) == 1   # the text numbers entries where its sums start
        if self.numbered:
            self.lo = starts.pop()
        else:   # entries written with numbers: 0 numbers from 0, the length from 1
            fixed = {int(k) for x in exprs if isinstance(x, sympy.Basic)
                     for a in x.atoms(sympy.Indexed) for k in a.indices if k.is_Integer}
            n = int(ctx.size)
            if 0 in fixed and n not in fixed:
                self.lo, self.numbered = 0, True
            elif n in fixed and 0 not in fixed:
                self.lo, self.numbered = 1, True
        self.in_sum = 0
        for name, m in self.data.items():
            xs = sympy.Matrix(m.rows, m.cols, lambda r, c: sympy.Dummy(f"{name}{r}{c}"))
            self.unknowns[name] = xs
            self.values.update(dict(zip(xs, m)))

    def own(self, name: str, keep):
        """The unknowns standing for *name* (a defined vector kept free for ∂·/∂name)."""
        import sympy
        if name not in self.unknowns:
            shape = self.eval(self.defs[name], keep - {name})
            if not isinstance(shape, sympy.MatrixBase):
                self.unknowns[name] = sympy.Matrix([[sympy.Dummy(name)]])
            else:
                self.unknowns[name] = sympy.Matrix(
                    shape.rows, shape.cols, lambda r, c: sympy.Dummy(f"{name}{r}{c}"))
        m = self.unknowns[name]
        return m[0, 0] if m.shape == (1, 1) and name not in self.data else m

    def eval(self, e, keep=frozenset()):   # safe: a method of ours, not the builtin eval
        import sympy
        from sympy.core.function import AppliedUndef
        from ..notation import Partial
        from ..vocabulary import VECTOR_FUNCTIONS
        from ..functions import _of_values
        name = _name(e)
        if name is not None:
            if name in keep or name in self.data:
                return self.own(name, keep)
            if name in self.defs:
                return self.eval(self.defs[name], keep)
            if e.is_number:
                return e
            raise _Unread(f"{name} has no value or definition here")
        if isinstance(e, sympy.MatrixBase):
            return e.applyfunc(lambda x: self.scalar(self.eval(x, keep)))
        if isinstance(e, sympy.Indexed):
            v = self.eval(e.base, keep)
            k = e.indices[0] if len(e.indices) == 1 else None
            if not isinstance(v, sympy.MatrixBase) or k is None or not k.is_Integer or \
                    1 not in v.shape:
                raise _Unread(f"the entry {e} is not read")
            if not self.in_sum and not self.numbered:
                self.doubts.add(f"the entries numbered from {self.lo}")
            pos = int(k) - self.lo
            if not 0 <= pos < len(v):
                raise _Unread(f"the entry {e} lies outside the example's {len(v)} entries")
            return list(v)[pos]
        if isinstance(e, sympy.Sum):
            (k, a, b), rest = e.limits[0], e.limits[1:]
            if a.is_Integer and isinstance(b, sympy.Symbol) and a == self.lo:
                # Σ_{i=0}^{n} at the example: n its last index (a reading, said)
                b = a + int(self.ctx.size) - 1
                self.doubts.add(f"the sum's upper end {e.limits[0][2]} read as the example's "
                                f"last index {b}")
            if not (a.is_Integer and b.is_Integer):
                raise _Unread(f"a sum to {b} is not read at the example's size")
            body = sympy.Sum(e.function, *rest) if rest else e.function
            body = self._entries_of_whole(body, k)
            self.in_sum += 1
            try:
                terms = [self.eval(body.xreplace({k: sympy.Integer(t)}), keep)
                         for t in range(int(a), int(b) + 1)]
            finally:
                self.in_sum -= 1
            return self._add(terms)
        if isinstance(e, Partial):
            x = _name(e.x)
            if x is None or x not in self.data and x not in self.defs:
                raise _Unread(f"∂/∂{e.x} is not read")
            inner = keep | {x}
            f = self.eval(e.f, inner)
            xs = self.own(x, inner)
            xs = xs if isinstance(xs, sympy.MatrixBase) else sympy.Matrix([[xs]])
            if isinstance(f, sympy.MatrixBase):
                if 1 not in f.shape or 1 not in xs.shape:
                    raise _Unread("a derivative of a matrix")
                fl, xl = list(f), list(xs)
                out = sympy.Matrix(len(fl), len(xl), lambda r, c: sympy.diff(fl[r], xl[c]))
                out = out.T if self.transpose else out
            else:
                out = xs.applyfunc(lambda v: sympy.diff(f, v))
            back = self.eval(e.x, keep)   # X written out again, for the outer names
            back = back if isinstance(back, sympy.MatrixBase) else sympy.Matrix([[back]])
            sub = dict(zip(list(xs), list(back)))
            return out.applyfunc(lambda v: v.xreplace(sub))
        if isinstance(e, sympy.Add):
            return self._add([self.eval(a, keep) for a in e.args])
        if isinstance(e, (sympy.Mul, sympy.MatMul)):
            args = [self.eval(a, keep) for a in e.args]
            arrays = [a for a in args if isinstance(a, sympy.MatrixBase)]
            scalar = sympy.Mul(*[a for a in args if not isinstance(a, sympy.MatrixBase)])
            if not arrays:
                return scalar
            if isinstance(e, sympy.MatMul):
                out = arrays[0]
                for a in arrays[1:]:
                    if out.cols != a.rows:
                        raise _Unread("the shapes of a product do not fit")
                    out = out * a
                return scalar * out
            if len(arrays) > 2:
                raise _Unread("a product of three arrays whose order is not known")
            if len(arrays) == 1:
                return scalar * arrays[0]
            a, b = arrays
            fits = [p * q for p, q in ((a, b), (b, a)) if p.cols == q.rows]
            if not fits:
                raise _Unread("the shapes of a product do not fit")
            if len(fits) == 2 and sympy.simplify(fits[0] - fits[1]) != sympy.zeros(*fits[0].shape):
                raise _Unread("two orders of a product fit and differ")
            return scalar * fits[0]
        if isinstance(e, sympy.Pow):
            b, x = self.eval(e.base, keep), self.eval(e.exp, keep)
            if isinstance(b, sympy.MatrixBase) or isinstance(x, sympy.MatrixBase):
                raise _Unread("a power of an array")
            return b ** x
        if isinstance(e, AppliedUndef) and e.func == _ENTRY:
            v, k = self.eval(e.args[0], keep), e.args[1]
            if not isinstance(v, sympy.MatrixBase) or 1 not in v.shape or not k.is_Integer or \
                    not 0 <= int(k) - self.lo < len(v):
                raise _Unread(f"the entry {k} of {e.args[0]} is not read")
            return list(v)[int(k) - self.lo]
        if isinstance(e, AppliedUndef):
            fname = str(e.func)
            base = fname.rstrip("'")
            primes = len(fname) - len(base)
            if base in VECTOR_FUNCTIONS and base not in self.functions and primes <= 1 and \
                    len(e.args) == 1 and self.ctx.definition(base) is None:
                v = self.eval(e.args[0], keep)
                if isinstance(v, sympy.MatrixBase) and 1 in v.shape:
                    m = _of_values(base, v, primes)
                    return m.T if primes and self.transpose else m
                raise _Unread(f"{fname} of a non-vector")
            if fname in self.functions:
                params, body = self.functions[fname]
                if tuple(e.args) != tuple(params):
                    raise _Unread(f"{fname} applied to other arguments than its own")
                return self.eval(body, keep)
            raise _Unread(f"the function {fname} is not known here")
        if isinstance(e, sympy.Function):
            args = [self.eval(a, keep) for a in e.args]
            if any(isinstance(a, sympy.MatrixBase) for a in args):
                raise _Unread(f"{e.func} of an array")
            return e.func(*args)
        if e.free_symbols:
            raise _Unread(f"{e} is not read")
        return e

    def _entries_of_whole(self, body, k):
        r"""Σ_i -T_i ln(A): a stated vector written whole beside entries indexed by the sum's
        i, inside a function, is its entry i (``ln A_i``) — a reading, said."""
        import sympy
        if not any(k in a.indices for a in body.atoms(sympy.Indexed)):
            return body
        from sympy.core.function import AppliedUndef
        from ..vocabulary import VECTOR_FUNCTIONS
        whole = {s for f in body.atoms(sympy.Function) for s in f.args
                 if str(f.func) not in VECTOR_FUNCTIONS and f.func != _ENTRY and
                 _name(s) is not None and (_name(s) in self.data or _name(s) in self.defs)}
        applied = {s for f in body.atoms(sympy.Function) for s in f.args
                   if isinstance(s, AppliedUndef) and str(s.func) in VECTOR_FUNCTIONS and
                   len(s.args) == 1 and _name(s.args[0]) is not None}
        if not whole and not applied:
            return body
        rep = {s: sympy.IndexedBase(_name(s))[k] for s in whole}
        rep.update({s: _ENTRY(s, k) for s in applied})   # ln(Softmax(Z)): its entry k
        self.doubts.add(", ".join(f"{to_tex(s)} inside the sum over {k} read as its entry {k}"
                                  for s in sorted(whole | applied, key=str)))
        return body.replace(lambda x: isinstance(x, sympy.Function),
                            lambda x: x.func(*[rep.get(a, a) for a in x.args]))

    @staticmethod
    def scalar(v):
        import sympy
        if isinstance(v, sympy.MatrixBase):
            raise _Unread("an array inside an array")
        return v

    @staticmethod
    def _add(terms):
        import sympy
        arrays = [t for t in terms if isinstance(t, sympy.MatrixBase)]
        if not arrays:
            return sympy.Add(*terms)
        if len(arrays) != len(terms) or len({a.shape for a in arrays}) != 1:
            raise _Unread("a sum of arrays of different shapes (or with a number)")
        out = arrays[0]
        for a in arrays[1:]:
            out = out + a
        return out

    def value(self, e):
        import sympy
        v = self.eval(e)
        if isinstance(v, sympy.MatrixBase):
            return v.applyfunc(lambda x: sympy.simplify(x.xreplace(self.values)))
        return sympy.simplify(v.xreplace(self.values))


def _compare(a, b):
    """True / False when the two values are equal / differ by a nonzero number; else None."""
    import sympy
    am, bm = isinstance(a, sympy.MatrixBase), isinstance(b, sympy.MatrixBase)
    if am != bm or am and a.shape != b.shape:
        return None
    diffs = list(a - b) if am else [a - b]
    out = True
    for d in diffs:
        d = sympy.simplify(d)
        if d == 0:
            continue
        if d.free_symbols or not d.is_number or d.is_zero is not False:
            return None
        out = False
    return out


def worked_rows(parts, ctx, claim: str):
    """The verdict of a chain at a worked example's stated vectors, or None (not read)."""
    import sympy
    from ..printer import to_latex
    from ..verify import Verdict
    from ..verify.verdict import Counterexample
    if not ctx.size.is_Integer or len(parts) < 2:
        return None
    found = []
    for transpose in (False, True):
        ex = _Example(ctx, transpose, parts)
        if not ex.data:
            return None
        vals = []
        for p in parts:
            try:
                vals.append(ex.value(p))
            except (_Unread, TypeError, ValueError, AttributeError, KeyError,
                    sympy.ShapeError, NotImplementedError):
                vals.append(None)
        for k, p in enumerate(parts):   # -T_i/A_i between two rows: the row of its entries
            if vals[k] is None:
                vals[k] = _free_index_row(ex, p, parts, vals, k)
        found.append((ex, vals))
    method = "entrywise: exact arithmetic at the stated vectors (worked example)"
    stated = tuple((name, to_latex(m)) for name, m in found[0][0].data.items())
    links, sure = [], set()   # sure: links refuted whatever the readings in doubt
    for k in range(len(parts) - 1):
        said = set()
        for ex, vals in found:
            a, b = vals[k], vals[k + 1]
            said.add(None if a is None or b is None else _compare(a, b))
        text = f"{to_latex(parts[k])} = {to_latex(parts[k + 1])}"
        a, b = found[0][1][k], found[0][1][k + 1]
        if said == {True}:
            links.append(Verdict("proved", method, claim=text, read_as=text))
        elif said <= {False, None} and (sure_link := _annihilated(found, parts, k, stated,
                                                                 text)) is not None:
            links.append(sure_link)   # wrong whatever the readings in doubt
            sure.add(k)
        elif said == {False}:
            cx = Counterexample(K=int(ctx.size), indices=(), values=stated, lhs=to_latex(a),
                                rhs=to_latex(b), note="the worked example's stated values")
            links.append(Verdict("refuted", method, counterexample=cx, claim=text,
                                 read_as=text, reason="the two sides differ at the stated "
                                                      "values"))
        else:
            links.append(None)
    if all(v is None for v in links):
        return None
    doubts = sorted(set().union(*(ex.doubts for ex, _ in found)))
    if doubts and sure:   # a link wrong whatever the doubtful readings: the others undecided
        links = [v if k in sure or v is None or v.status != "refuted" else None
                 for k, v in enumerate(links)]
        return _chain(links, method, claim)
    out = _chain(links, method, claim)
    if doubts and out.status == "refuted":   # wrong only under a reading: a doubt
        from ..verify import undecided
        return undecided(out, "refuted if " + "; ".join(doubts) + "; confirm that reading "
                              "to have it decided")
    if doubts and out.status == "proved":
        from dataclasses import replace
        return replace(out, reason=(out.reason + "; " if out.reason else "") + "holds with " +
                       "; ".join(doubts))
    return out


def _annihilated(found, parts, k, stated, text):
    """Link *k*, ``G * ∂A/∂Z = b``: refuted whatever G is when ∂A/∂Z is known exactly at the
    example (no reading in doubt, in both layouts) with rows and columns summing to 0 and b's
    entries do not sum to 0 (:func:`~symderiv.verify.invariants.annihilated_sum`); else None."""
    import sympy
    from ..verify import Verdict
    from ..verify.invariants import WHATEVER, annihilated_sum, whatever_note
    from ..verify.verdict import Counterexample
    for a, b in ((parts[k], parts[k + 1]), (parts[k + 1], parts[k])):
        if not isinstance(a, (sympy.Mul, sympy.MatMul)) or len(a.args) != 2:
            continue
        for j, g in ((a.args[0], a.args[1]), (a.args[1], a.args[0])):
            sums = set()
            for ex, _ in found:
                try:
                    fresh = _Example(ex.ctx, ex.transpose, parts)
                    jv, bv = fresh.value(j), fresh.value(b)
                except Exception:   # noqa: BLE001 — a factor not read shows nothing
                    sums.add(None)
                    continue
                sums.add(None if fresh.doubts else annihilated_sum(jv, bv))
            if len(sums) != 1 or None in sums:
                continue
            total = sums.pop()
            note = (f"{whatever_note(to_tex(g))} (a row or a column that fits), its product with "
                    f"{to_tex(j)} = {to_tex(jv)} has entries summing to 0 (every row and column "
                    f"of {to_tex(j)} sums to 0), while the entries of {to_tex(b)} sum to "
                    f"{to_tex(total)}")
            fixed = _with_factor(b, jv, fresh)
            if fixed is not None:
                note += f"; with {to_tex(j)} in its place, {fixed}"
            cx = Counterexample(K=len(bv), indices=(), values=stated,
                                lhs=f"{to_tex(a)} (entries summing to 0)",
                                rhs=f"{to_tex(bv)} (entries summing to {to_tex(total)})",
                                note=note, correct=fixed or "")
            return Verdict("refuted", "entrywise: exact arithmetic at the stated vectors, "
                           + WHATEVER, counterexample=cx, claim=text,
                           read_as=text, reason="the two sides differ at the stated values: "
                           + note)
    return None


def _with_factor(b, jv, ex) -> str | None:
    """``G M`` written with numbers, M of *jv*'s shape but not *jv*: the product with *jv* in
    M's place (``(0 -2) J = (1/2, -1/2)``), the value the text's product should have had."""
    import sympy
    if not isinstance(b, (sympy.Mul, sympy.MatMul)):
        return None
    args = list(b.args)
    at = [n for n, x in enumerate(args) if isinstance(x, sympy.MatrixBase)
          and x.shape == jv.shape and not x.free_symbols]
    if len(at) != 1 or any(not isinstance(x, sympy.MatrixBase) or x.free_symbols
                           for x in args):
        return None
    if sympy.simplify(sympy.Matrix(args[at[0]]) - jv) == sympy.zeros(*jv.shape):
        return None
    args[at[0]] = sympy.ImmutableMatrix(jv)
    out = sympy.ImmutableMatrix(args[0])
    for x in args[1:]:
        if out.cols != x.rows:
            return None
        out = out * sympy.ImmutableMatrix(x)
    shown = " ".join(to_tex(x) for x in args)
    return f"{shown} = {to_tex(out.applyfunc(sympy.nsimplify))}"


def _free_index_row(ex, p, parts, vals, k):
    r"""A side written with an index left free (``-\frac{T_i}{A_i}``) between sides that are
    rows of the example's length, the index being one a sum of the chain (or of a definition)
    runs over: the row of its entries at the example's indices — a reading, said; else None.
    Entry by entry this is the claim for every i, so the reading is the only one that fits."""
    import sympy
    if not isinstance(p, sympy.Basic):
        return None
    free = {a for x in p.atoms(sympy.Indexed) for a in x.indices
            if isinstance(a, sympy.Symbol) and a in p.free_symbols}
    if len(free) != 1 or p.atoms(sympy.MatrixBase):
        return None
    i = free.pop()
    bound = {lim[0] for x in list(parts) + [d.rhs for d in ex.ctx.definitions]
             if isinstance(x, sympy.Basic) for sm in x.atoms(sympy.Sum) for lim in sm.limits}
    if i not in bound:
        return None
    near = [v for v in (vals[k - 1] if k else None, vals[k + 1] if k + 1 < len(vals) else None)
            if v is not None]
    size = int(ex.ctx.size)
    shapes = {v.shape for v in near if isinstance(v, sympy.MatrixBase)}
    if not near or len(shapes) != 1 or len(near) != len(shapes) and any(
            not isinstance(v, sympy.MatrixBase) for v in near):
        return None
    shape = shapes.pop()
    if 1 not in shape or shape[0] * shape[1] != size:
        return None
    try:
        row = [ex.value(p.xreplace({i: sympy.Integer(t)})) for t in range(ex.lo, ex.lo + size)]
    except (_Unread, TypeError, ValueError, AttributeError, KeyError, sympy.ShapeError,
            NotImplementedError):
        return None
    if any(isinstance(x, sympy.MatrixBase) for x in row):
        return None
    ex.doubts.add(f"{to_tex(p)} with the index {i} left free read as the "
                  f"{'row' if shape[0] == 1 else 'column'} of its entries")
    return sympy.Matrix(shape[0], shape[1], row)


def _chain(links, method, claim):
    from ..verify import Verdict
    if len(links) == 1:
        return links[0]
    broken = [n for n, v in enumerate(links) if v is not None and v.status == "refuted"]
    if broken:
        status, reason = "refuted", f"link {broken[0] + 1} of {len(links)} breaks"
    elif all(v is not None for v in links):
        status, reason = "proved", None
    else:
        status = "unknown"
        reason = "link " + ", ".join(str(n + 1) for n, v in enumerate(links) if v is None) + \
            " undecided at the stated vectors"
    done = tuple(v if v is not None else Verdict("unknown", method, claim=claim,
                                                 reason="not read at the stated vectors")
                 for v in links)
    return Verdict(status, f"chain of {len(links)} links, each judged", links=done,
                   claim=claim, reason=reason)


def settle(v, parts, ctx, claim: str):
    """*v* (the engine's verdict at the example) beside the vectors written out: the decided
    one where the other is undecided; where both decide and disagree, undecided (one of the
    two readings is wrong, and which is not known here)."""
    from ..verify import undecided
    try:
        w = worked_rows(parts, ctx, claim)
    except Exception:   # noqa: BLE001 — a reading that fails is no verdict
        return v
    if w is None:
        return v
    decided = ("proved", "verified", "refuted")
    if v.status in decided and w.status in decided:
        if (v.status == "refuted") != (w.status == "refuted"):
            return undecided(v, f"at the stated vectors written out it is {w.status}, read "
                                f"otherwise {v.status}: the readings disagree, not decided")
        return v
    if v.status not in decided and w.status in decided:
        return w
    if v.status not in decided and (w.reason or "").startswith("refuted if"):
        return w   # wrong under a reading it names: said, rather than the engine's failure
    if v.status not in decided and w.links and v.links and len(w.links) == len(v.links):
        return w if sum(x.status in decided for x in w.links) > \
            sum(x.status in decided for x in v.links) else v
    return v
