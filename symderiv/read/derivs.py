r"""Fractions and derivatives, functions, and the big operators.

``\frac{\partial A}{\partial B}`` and ``\frac{dA}{dB}`` → ``Partial(A, B)``;
``\frac{\delta E}{\delta o_j}`` too, with the doubt "δ read as ∂" (and the ratio as the other
reading when δ is not a Kronecker delta here); ``\frac{d}{dx} f`` and ``\partial_{x} f`` apply
to the rest of the term, or to a delimited argument only (``\frac{d}{dx} f(x) g(x)``);
``\frac{\partial^2 L}{\partial z_j \partial z_m}`` nests partials.
"""
from __future__ import annotations

import sympy
from lark import Token, Tree
from sympy import Indexed, IndexedBase, KroneckerDelta, Rational, Symbol

from symderiv.linalg.objects import Grad
from symderiv.notation import Partial, size

from .values import div, is_matrix, mul, power

_VARIABLE = (Symbol, Indexed, IndexedBase)


def _partial(f, var):
    """∂f/∂var; with a whole vector or matrix on either side, a :class:`Grad`."""
    if not var.is_commutative or isinstance(f, sympy.Basic) and not f.is_commutative:
        return Grad(f, var)
    return Partial(f, var)


_HINT_VAR = "the variable must be a name or an indexed name, e.g. z_j"


class DerivRules:
    """Mixin of :class:`~symderiv.read.transform.Reader`."""

    # -- \frac -------------------------------------------------------------------------------
    def frac(self, lx):
        if lx.kind == "digits":
            q = lx.extra[0]
            t = self.toks[q].text
            if t[1] == "0":
                raise self.err("division by zero", q, "check the denominator")
            return Rational(int(t[0]), int(t[1]))
        p = lx.start
        n1, n2, d1, d2, braced_den = lx.extra
        num_partial = self.is_cmd(n1, {"partial"}, n2)
        den_partial = self.is_cmd(d1, {"partial"}, d2)
        num_d = self.is_d(n1, n2) and not self.is_char(self.nx(n1 + 1, n2), "_^'", n2)
        den_d = (self.is_d(d1, d2) and d2 - d1 >= 2
                 and not self.is_char(self.nx(d1 + 1, d2), "_^'", d2))
        num_delta = self._is_delta(n1, n2) and n2 - n1 >= 2
        den_delta = self._is_delta(d1, d2) and d2 - d1 >= 2
        if self.is_d(n1, n2) and self.is_char(self.nx(n1 + 1, n2), "^", n2) and self.is_d(d1, d2):
            raise self.err("higher derivatives are not supported", p,
                           "write the derivative of a derivative")
        if (num_partial or (num_d and n2 - n1 == 1)) and not braced_den:
            raise self.err(f"\\frac{{{self.src(n1, n2)}}}{self.src(d1, d2)} reads as "
                           f"{self.src(n1, n2)} divided by {self.src(d1, d2)}", p,
                           "write the variable in the denominator, e.g. \\frac{d}{dx} f(x)")
        if num_partial != den_partial:
            raise self.err("a \\partial on only one side of a fraction", p,
                           "write \\frac{\\partial f}{\\partial x}")
        if num_partial and self.is_char(self.nx(n1 + 1, n2), "^", n2):
            return self.higher_partial(p, n1, n2, d1, d2)
        if num_partial or (num_d and den_d):
            for side in (n1 + 1, d1 + 1):
                if self.is_char(self.nx(side, d2), "^", d2):
                    raise self.err("higher derivatives are not supported", p,
                                   "write the derivative of a derivative")
            var = self.variable(d1 + 1, d2)
            f = self.expr(n1 + 1, n2, "expression to differentiate")
            if num_d:
                self.choices.note(f"\\frac{{{self.src(n1, n2)}}}{{{self.src(d1, d2)}}} read as "
                                  "the partial derivative (d read as ∂)")
            return _partial(f, var)
        if num_delta and den_delta:
            return self.delta_fraction(p, n1, n2, d1, d2)
        num = self.expr(n1, n2, "numerator")
        den = self.expr(d1, d2, "denominator")
        return self.wrap(lambda: div(num, den), p)

    def _is_delta(self, r, b) -> bool:
        return r < b and self.toks[r].kind == "greek" and self.toks[r].text == "delta" and not \
            self.is_char(self.nx(r + 1, b), "_^", b)

    def delta_fraction(self, p, n1, n2, d1, d2):
        """``\\frac{\\delta E}{\\delta o_j}``: a derivative, δ read as ∂ (with its doubt)."""
        written = f"\\frac{{{self.src(n1, n2)}}}{{{self.src(d1, d2)}}}"
        kronecker = any(self.toks[r].kind == "greek" and self.toks[r].text == "delta"
                        and self.is_char(self.nx(r + 1, len(self.toks)), "_")
                        for r in range(len(self.toks)))
        if kronecker:
            self.choices.note(f"{written} read as a derivative (δ read as ∂)")
            option = 0
        else:
            option = self.choices.choose(("delta",), (
                f"{written} read as a derivative (δ read as ∂)",
                f"{written} read as a ratio, δ a variable"))
        if option == 1:
            num = self.expr(n1, n2, "numerator")
            den = self.expr(d1, d2, "denominator")
            return self.wrap(lambda: div(num, den), p)
        var = self.variable(d1 + 1, d2)
        return _partial(self.expr(n1 + 1, n2, "expression to differentiate"), var)

    def variable(self, a, b):
        var = self.expr(a, b, "variable of differentiation")
        if not isinstance(var, _VARIABLE):
            raise self.err(f"cannot differentiate with respect to {var}", a, _HINT_VAR)
        return var

    def higher_partial(self, p, n1, n2, d1, d2):
        """``\\frac{\\partial^2 f}{\\partial x \\partial y}``: nested partials."""
        hint = "write e.g. \\frac{\\partial^2 L}{\\partial z_j \\partial z_k}"
        c = self.nx(n1 + 1, n2)
        o1, o2, r = self.arg(c + 1, n2, "order")
        order = self.expr(o1, o2, "order")
        if not (order.is_Integer and 2 <= order <= 4):
            raise self.err("the order of a derivative must be 2, 3 or 4", c, hint)
        if self.nx(r, n2) >= n2:
            raise self.err("an operator \\partial^n without its function", p, hint)
        f = self.expr(r, n2, "expression to differentiate")
        marks = [x for x in self.top_level(d1, d2) if self.is_cmd(x, {"partial"}, d2)]
        if not marks or marks[0] != d1:
            raise self.err("the denominator must be \\partial x \\partial y ...", d1, hint)
        variables = []
        for m, start in enumerate(marks):
            end = marks[m + 1] if m + 1 < len(marks) else d2
            s1, s2 = self.strip(start + 1, end)
            times = 1
            hat = [x for x in self.top_level(s1, s2) if self.is_char(x, "^", s2)]
            if hat:
                e1, e2, _ = self.arg(hat[-1] + 1, s2, "power")
                pw = self.expr(e1, e2, "power")
                if not pw.is_Integer or pw < 1:
                    raise self.err("a power of a variable of differentiation must be a "
                                   "positive integer", hat[-1], hint)
                times, s2 = int(pw), self.strip(s1, hat[-1])[1]
            var = self.expr(s1, s2, "variable of differentiation")
            if not isinstance(var, _VARIABLE):
                raise self.err(f"cannot differentiate with respect to {var}", s1, hint)
            variables += [var] * times
        if len(variables) != int(order):
            raise self.err(f"a derivative of order {order} with {len(variables)} variables", p,
                           hint)
        for var in reversed(variables):
            f = _partial(f, var)
        return f

    # -- operators ---------------------------------------------------------------------------
    def rule_dop(self, t):
        """``\\frac{d}{dx} <rest of the term>``; a delimited argument only when written so."""
        lx = t.children[0].value
        a1, b1 = lx.extra
        var = self.variable(a1, b1)
        prod = t.children[1]
        first = self._delimited_first(prod)
        if first is None:
            return _partial(self.visit(prod), var)
        factor, rest = first
        value = _partial(self.visit(factor), var)
        if rest:
            others = [v for v in (self.visit(c) for c in rest) if v is not None]
            value = self.wrap(lambda: mul([value] + others), lx.start)
        return self.rule_product(prod, first=value)

    @staticmethod
    def _delimited_first(prod):
        """The first factor of *prod* when it is a group or ``name(...)``, and the rest of its
        juxtaposition; None when the operator takes the whole term."""
        unit = prod.children[0]
        if isinstance(unit.children[0], Token):
            return None
        juxt = unit.children[0]
        head = juxt.children[0]
        if not (isinstance(head, Tree) and head.data == "factor"):
            return None
        prim = head.children[0]
        if isinstance(prim, Tree) and (prim.data == "group" or (
                prim.data == "atom_call" and len(prim.children) > 1)):
            return head, juxt.children[1:]
        return None

    def rule_pslash(self, t):
        """``\\partial A / \\partial B``."""
        _, f, op, _, var = t.children
        if op.value.kind != "/":
            raise self.err("a \\partial outside a derivative", self.at(t),
                           "write \\frac{\\partial A}{\\partial B} or \\partial A / \\partial B")
        v = self.visit(var)
        if not isinstance(v, _VARIABLE):
            raise self.err(f"cannot differentiate with respect to {v}", op.value.start, _HINT_VAR)
        return _partial(self.visit(f), v)

    # -- functions ---------------------------------------------------------------------------
    def rule_func_app(self, t):
        lx = t.children[0].value
        name = lx.name
        base, pw, root = lx.extra
        arg_node = t.children[1]
        if isinstance(arg_node, Tree) and arg_node.data == "call":
            args = self.args(arg_node.children[1])
        else:
            args = [self.visit(arg_node)]
        if len(args) > 1 and name not in ("max", "min"):
            raise self.err(f"{name} of {len(args)} arguments", lx.start,
                           f"write \\{name}(x) with one argument")
        if any(is_matrix(a) for a in args):
            raise self.err(f"{name} of a matrix is not supported", lx.start,
                           "apply the function entry by entry")
        arg = args[0]
        if name == "exp":
            obj = sympy.exp(arg)
        elif name in ("ln", "log"):
            self.positive.append(arg)
            b = self.expr(*base, "base of the logarithm") if base else None
            obj = sympy.log(arg, b) if b is not None and b != sympy.E else sympy.log(arg)
        elif name == "sqrt":
            self.positive.append(arg)   # (√x)² = x only where x ≥ 0: kept away from 0 too
            obj = sympy.sqrt(arg) if root is None else sympy.root(
                arg, self.expr(*root, "root"))
        elif name in ("max", "min"):
            if any(isinstance(a, sympy.Basic) and not a.is_commutative for a in args):
                raise self.err(f"\\{name} of a whole vector or matrix is not read", lx.start,
                               f"write \\{name}_j of its entries")
            if len(args) > 1 and any(isinstance(a, sympy.Symbol) and str(a) in self.table.indexed
                                     for a in args):
                # \max(0, x) beside x_j: entrywise (a ReLU) or of the largest entry?
                raise self.err(f"\\{name} of the vector {next(a for a in args if isinstance(a, sympy.Symbol) and str(a) in self.table.indexed)} and a number "
                               "is ambiguous (entry by entry, or its largest entry)", lx.start,
                               f"write \\{name}(0, x_j) for an entry")
            if len(args) == 1 and isinstance(args[0], sympy.Symbol):
                # \max(x) of a vector x: its largest entry, a function of every entry — a
                # name of its own, used only where it cancels (the shift of a stable softmax)
                obj = sympy.Symbol(f"\\{name}({args[0]})")
            else:
                obj = (sympy.Max if name == "max" else sympy.Min)(*args)
        else:
            obj = getattr(sympy, name)(arg)
        if pw is not None:
            e = self.expr(pw[0], pw[1], "exponent")
            if e == -1 and name in ("sin", "cos", "tan", "sinh", "cosh", "tanh"):
                raise self.err(f"\\{name}^{{-1}} is ambiguous", pw[2],
                               f"write \\arc{name} or 1/\\{name}")
            obj = self.wrap(lambda: power(obj, e), pw[2])
        return obj

    # -- \sum and \prod ----------------------------------------------------------------------
    def big_operator(self, lx, body):
        op, p = lx.name, lx.start
        if self.toks[p].text == "Sigma":
            self.choices.note("\\Sigma read as the summation sign \\sum")
        sub, sup = lx.extra
        if op in ("argmax", "argmin"):
            return self._arg_extremum(op, p, sub, sup, body)
        if is_matrix(body):
            raise self.err("a sum of matrices is not supported", p, "sum the entries")
        lo, hi = self.nt.default_range()
        info: dict | None = {"op": op, "at": p, "kind": "bare"}
        var = None
        exclude = None
        if sup is not None and sup[0] < sup[1]:
            hi = self.expr(*sup, "upper limit")
        members = self.split_at(sub[0], sub[1], lambda r: self.is_cmd(r, {"in"})) \
            if sub is not None and sub[0] < sub[1] else []
        if len(members) == 2 and (sup is None or sup[0] >= sup[1]):
            # \sum_{n \in N}: N counts the items (examples, classes), read as n = 1, ..., N
            (v1, v2), (s1, s2) = (self.strip(*m) for m in members)
            if v2 - v1 == 1 and s2 - s1 == 1 and self.toks[v1].kind == "letter" and \
                    self.toks[s1].kind == "letter" and self.toks[s1].text.isupper():
                var, top = self.toks[v1].text, self.toks[s1].text
                self.choices.note(f"{var} \\in {top} read as {var} = 1, …, {top} "
                                  f"({top} the number of items)")
                return (sympy.Sum if op == "sum" else sympy.Product)(
                    body, (self.index_sym(var), 1, size(top)))
            word = self.toks[s1].text if s2 - s1 == 1 else ""
            if v2 - v1 == 1 and self.toks[v1].kind == "letter" and \
                    self.toks[s1].kind in ("word", "text") and word.isalpha() and len(word) > 1:
                # \sum_{n \in \text{batch}}: over the items of a named set, their number unknown
                var, top = self.toks[v1].text, f"N_{{{word}}}"
                said = (f"{var} \\in {word} read as {var} = 1, …, {top} "
                        f"({top} the number of items in {word})")
                at = self.index_sym(var)
                bare = body.xreplace({a: sympy.Dummy() for a in body.atoms(Indexed)}) \
                    if isinstance(body, sympy.Basic) else body
                if isinstance(bare, sympy.Basic) and at in bare.free_symbols:
                    self.choices.note(said)   # the index as a number: its labels matter
                else:
                    self.warn(said)    # only entries x_n: any numbering of the items will do
                return (sympy.Sum if op == "sum" else sympy.Product)(body, (at, 1, size(top)))
        listed = self.split_at(sub[0], sub[1], lambda r: self.is_char(r, ",")) \
            if sub is not None and sub[0] < sub[1] else []
        if len(listed) > 1:
            return self._multiple_sum(op, p, listed, sup, body, lo, hi)
        if sub is not None and sub[0] < sub[1]:
            pieces = self.split_at(sub[0], sub[1], lambda r: self.is_char(r, "=")
                                   or self.is_cmd(r, {"neq", "ne"}))
            v1, v2 = self.strip(*pieces[0])
            negated = len(pieces) == 2 and (
                not self.is_char(pieces[0][1], "=") or self.is_cmd(v2 - 1, {"not"}))
            if negated and self.is_cmd(v2 - 1, {"not"}):
                v1, v2 = self.strip(v1, v2 - 1)
            if v2 - v1 != 1 or self.toks[v1].kind not in ("letter", "greek"):
                raise self.err(f"cannot read the summation index {self.src(*sub)!r}", sub[0],
                               "write \\sum_{k=1}^{K} or \\sum_k")
            if len(pieces) > 2:
                raise self.err("two '=' in the range of a sum", sub[0], "write \\sum_{k=1}^{K}")
            var = self.index_sym(self.toks[v1].text)
            info = None
            if negated:
                exclude = self.expr(*self.strip(*pieces[1]), "excluded index")
            elif len(pieces) == 2:
                lo = self.expr(*self.strip(*pieces[1]), "lower limit")
                if (isinstance(lo, Symbol) and lo.is_integer and lo != var
                        and (sup is None or sup[0] >= sup[1])):
                    info = {"op": op, "at": p, "kind": "i=k", "var": var, "alt": lo,
                            "written": self.src(p, lx.end)}
        if info is None:
            marker = var
        else:
            marker = sympy.Dummy("sumvar")
            self.markers.append((marker, info))
        if exclude is not None:
            body = (1 - KroneckerDelta(var, exclude)) * body
        cls = sympy.Sum if op == "sum" else sympy.Product
        if cls is sympy.Product and exclude is not None:
            raise self.err("a product with an excluded index", p, "write the product out")
        return cls(body, (marker, lo, hi))

    def _arg_extremum(self, op, p, sub, sup, body):
        r"""``\operatorname*{argmax}_j x_j``: the index j where the body is largest (one index
        letter under the operator, over the document's default range)."""
        from symderiv.extrema import ArgMax, ArgMin
        v1, v2 = self.strip(*sub) if sub is not None else (p, p)
        if v2 - v1 != 1 or self.toks[v1].kind not in ("letter", "greek") or \
                (sup is not None and sup[0] < sup[1]) or is_matrix(body):
            raise self.err(f"cannot read the index of {op}", p, f"write {op}_j x_j")
        lo, hi = self.nt.default_range()
        return (ArgMax if op == "argmax" else ArgMin)(
            body, (self.index_sym(self.toks[v1].text), lo, hi))

    def _multiple_sum(self, op, p, listed, sup, body, lo, hi):
        r"""``\sum_{i,j}``, ``\sum_{i, j=1}^{n}``: one sum per index listed, every index over
        the same range (the lower limit written after the last one holds for all)."""
        names = []
        for n, piece in enumerate(listed):
            parts = self.split_at(*piece, lambda r: self.is_char(r, "="))
            v1, v2 = self.strip(*parts[0])
            if v2 - v1 != 1 or self.toks[v1].kind not in ("letter", "greek") or \
                    len(parts) > 2 or (len(parts) == 2 and n != len(listed) - 1):
                raise self.err(f"cannot read the summation indices {self.src(listed[0][0], listed[-1][1])!r}",
                               listed[0][0], "write \\sum_{i=1}^{n} \\sum_{j=1}^{n}")
            names.append(self.toks[v1].text)
            if len(parts) == 2:
                lo = self.expr(*self.strip(*parts[1]), "lower limit")
        if len(set(names)) != len(names):
            raise self.err("an index listed twice under one sum", listed[0][0],
                           "write each index once")
        if sup is not None and sup[0] < sup[1]:
            hi = self.expr(*sup, "upper limit")
        cls = sympy.Sum if op == "sum" else sympy.Product
        out = body
        for name in reversed(names):
            out = cls(out, (self.index_sym(name), lo, hi))
        return out

