"""Numbers in claims: substitutions of values the text does not give, and ``\\approx`` values."""
from __future__ import annotations


import sympy
from sympy import Indexed, Symbol

from .. import calculus
from ..calculus import CalculusError
from ..notation import Context, Partial, SymderivError, base_name
from ..printer import to_latex
from .verdict import Counterexample, Verdict



def _names(e) -> set[str]:
    if not isinstance(e, sympy.Basic):
        return set()
    out = {base_name(a) for a in e.atoms(Indexed)}
    out |= {str(s) for s in e.free_symbols if isinstance(s, Symbol) and not s.is_integer}
    return out | {str(a.func) for a in e.atoms(sympy.core.function.AppliedUndef)}


def _pin(c):
    """``x = 2``, ``x_1 = 6``: (name or entry, number), else None."""
    if not isinstance(c, sympy.Eq):
        return None
    for s, n in ((c.lhs, c.rhs), (c.rhs, c.lhs)):
        if isinstance(s, (Symbol, Indexed)) and n.is_number:
            return s, n
    return None


def _unstated_data(e, ctx: Context, values: bool = True) -> list[str]:
    """The names *e* rests on, through the definitions, that have no definition, no generic
    dependence and no stated value (a condition): data whose values the text does not give.
    With *values* False a stated value does not count (p_1 ≈ 0.09 says what p is at one
    point, not what it depends on)."""
    seen, todo, leaves = set(), list(_names(e)), set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        d = ctx.definition(n)
        if d is not None:
            todo.extend(_names(d.rhs))
        elif not ctx.depends_on(n):
            leaves.add(n)
    for c in ctx.conditions if values else ():   # a stated value (x_1 = 6) gives its value
        if _pin(c) is not None:
            leaves -= _names(c)
    funcs = {name for name, _, _ in ctx.functions}
    return sorted(leaves - funcs - {"beta"})


def _reachable(e, ctx: Context, seen: set | None = None) -> set[str]:
    """The names *e* uses, and those their definitions use (base names of entries)."""
    seen = set() if seen is None else seen
    todo = [e]
    while todo:
        x = todo.pop()
        if not isinstance(x, sympy.Basic):
            continue
        for n in {base_name(q) for q in x.atoms(Indexed, Symbol)} - seen:
            seen.add(n)
            d = ctx.definition(n)
            if d is not None:
                todo.append(d.rhs)
    return seen


def _derivatives(e):
    """(f, x) of each derivative node of *e*: ∂f/∂x (Partial, Grad, Derivative)."""
    if not isinstance(e, sympy.Basic):
        return
    for node in sympy.preorder_traversal(e):
        if isinstance(node, sympy.Derivative):
            for x in node.variables:
                yield node.expr, x
        elif type(node).__name__ in ("Partial", "Grad") and len(node.args) >= 2:
            yield node.args[0], node.args[1]


def guard_probability(v: Verdict, a, b, ctx: Context) -> Verdict:
    """A probability ``P(y | x; w)`` the text does not define is an opaque quantity in (0, 1]
    that depends on every name written inside it: a derivative of it with respect to one of
    them is not determined (never 0), and no counterexample gives it a value (its relations
    to the other probabilities of the text — P(y|x) + P(¬y|x) = 1 — are not known)."""
    from ..read.probability import inner_names, is_probability_name
    if v.status == "unknown":
        return v
    for e in (a, b):
        for f, x in _derivatives(e):
            var = base_name(x)
            for n in sorted(_reachable(f, ctx)):
                if is_probability_name(n) and ctx.definition(n) is None and \
                        var in inner_names(n):
                    return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as,
                                   reason=f"{n} is an opaque probability that depends on "
                                          f"{var} in a way the text does not define: its "
                                          f"derivative with respect to {var} is not decided")
    cx = v.counterexample
    if v.status == "refuted" and cx is not None:
        named = [k for k, _ in tuple(cx.values) + tuple(cx.indices)
                 if is_probability_name(str(k)) or
                 str(k).startswith(("P_{\\text{", "P^{(", "p_{\\text{", "p^{("))]
        if named:
            return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as,
                           reason=f"{named[0]} is an opaque probability: not refuted (a "
                                  "counterexample would have to give it a value, and its "
                                  "relations to the text's other probabilities are not known)")
    return v


def guard_substitution(v: Verdict, a, b, ctx: Context) -> Verdict:
    """``b_1 + Σ x_i w_i = 0.2 + 6·0.3 − 0.2·2``, ``f(b_1 + w x) = f(1.6)``: one side uses data
    the text never gives values for (a figure, a table) and the other side none besides
    those two share: the author substitutes values, not claims an identity in them.  Such a
    link is never refuted (the values are unknown), only decided when it holds."""
    v = guard_probability(v, a, b, ctx)   # opaque probabilities: never given a value
    if v.status != "refuted":
        return v
    def number(e) -> bool:   # 0.622, or O_3 where the text defines O_3 = Sig(1.1358)
        if not isinstance(e, sympy.Basic):
            return False
        if e.is_number:
            return True
        try:
            return calculus.to_leaves(e, ctx).is_number
        except (CalculusError, SymderivError, TypeError, ValueError, AttributeError):
            return False
    for side, other in ((a, b), (b, a)):
        # "log L = Σ t_k log y_k" with L defined nowhere: the formula defines L implicitly
        x = side.args[0] if isinstance(side, sympy.Function) and len(side.args) == 1 else None
        if isinstance(x, (Symbol, Indexed)) and ctx.definition(base_name(x)) is None and \
                _unstated_data(x, ctx) == [base_name(x)] and isinstance(other, sympy.Basic) \
                and not any(base_name(y) == base_name(x) for y in other.free_symbols |
                            other.atoms(Indexed)):
            return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as,
                           reason=f"defines {side.args[0]} implicitly (nothing in the text "
                                  "defines it): not decided")
    if all(isinstance(e, (Symbol, Indexed)) and _unstated_data(e, ctx) for e in (a, b)):
        # "p(C = 1 | x) = O_3" with neither defined: one quantity named by another
        return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as,
                       reason=f"equates {a} and {b}, which nothing in the text defines: "
                              "read as naming one by the other, not decided")
    for name, num in ((a, b), (b, a)):
        # "ŷ = 0.622", "∂L/∂b = -0.378", "p(C = 1 | x) = O_3": the value of one name (or of a
        # derivative of a generic quantity) that nothing defines — a value stated, not an
        # identity
        if number(num) and (
                (isinstance(name, (Symbol, Indexed)) and _unstated_data(name, ctx)) or
                (isinstance(name, Partial) and ctx.depends_on(base_name(name.f)))):
            return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as,
                           reason=f"states a value of {name}, which nothing in the text "
                                  "defines: not decided")
    if any(isinstance(e, sympy.Basic) and e.has(Partial) for e in (a, b)):
        return v
    da, db = set(_unstated_data(a, ctx)), set(_unstated_data(b, ctx))
    entries = {base_name(x) for e in (a, b) if isinstance(e, sympy.Basic)
               for x in e.atoms(Indexed)}
    entries |= {base_name(x) for d in ctx.definitions if isinstance(d.rhs, sympy.Basic)
                for x in d.rhs.atoms(Indexed)}
    for small, big in ((da, db), (db, da)):
        extra = sorted(big - small)
        # data entries (b_1, w_i), not variables (x): "x^2 = 4" is a claim for all x
        if small <= big and extra and set(extra) & entries:
            return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as,
                           reason=f"one side uses {', '.join(extra)}, whose values the text "
                                  "does not state, and the other side does not: read as a "
                                  "substitution of values not given (e.g. from a figure), "
                                  "not decided")
    return v


def _decimals(x) -> int | None:
    """The digits after the point of a decimal the text wrote (0.5987 → 4, 1.44 → 2)."""
    if not (isinstance(x, sympy.Rational)):
        return None
    for d in range(0, 13):
        if (x * 10 ** d).is_Integer:
            return d
    return None


def decide_approx(lhs, rhs, ctx: Context, digits: int = 40) -> Verdict:
    """``a \\approx 0.5987``: a closed number against a decimal written to d places.  It holds
    when the exact value agrees with it to the digits shown (|a − b| < 10^-d, which admits both
    rounding and truncation), evaluated to *digits* significant digits — a numerical check,
    so ``verified``, never ``proved``; it fails when they differ by more than that."""
    method = f"numerical value to {digits} digits against the decimal's digits"
    try:
        sides = [calculus.to_leaves(sympy.sympify(e), ctx)  # safe: SymPy objects
                 for e in (lhs, rhs)]
    except (CalculusError, SymderivError, TypeError) as err:
        return Verdict("unknown", method, reason=f"unsupported: {err}")
    if not all(isinstance(e, sympy.Basic) and e.is_number for e in sides):
        return Verdict("unknown", method,
                       reason="\\approx between expressions that are not closed numbers: "
                              "only numerical values are compared")
    # the places of the decimal written (0.0900), not of an integer beside it (0 ≈ -0.0900)
    places = [d for d in (_decimals(e) for e in sides if not e.is_Integer) if d is not None] \
        or [d for d in (_decimals(e) for e in sides) if d is not None]
    if not places:
        return Verdict("unknown", method, reason="neither side is a decimal written out")
    d = min(places)
    try:
        values = [sympy.N(e, digits) for e in sides]
        gap = abs(sympy.N(sides[0] - sides[1], digits))
    except (TypeError, ValueError, ArithmeticError) as err:
        return Verdict("unknown", method, reason=f"cannot evaluate: {err}")
    if not all(v.is_real and v.is_finite for v in values + [gap]):
        return Verdict("unknown", method, reason="a side is not a finite real number")
    tol = sympy.Rational(1, 10 ** d)
    shown = [sympy.N(e, d + 6) for e in sides]
    if gap < tol * sympy.Rational(99, 100):
        return Verdict("verified", method,
                       reason=f"{shown[0]} and {shown[1]} agree to the {d} decimal(s) shown")
    if gap > tol * sympy.Rational(101, 100) and \
            abs(sympy.N(sides[0] - sides[1], 2 * digits)) > tol:   # re-checked at twice the digits
        return Verdict("refuted", method,
                       counterexample=Counterexample(0, (), (), str(shown[0]), str(shown[1]),
                                                     note=f"they differ by {sympy.N(gap, 3)}, "
                                                          f"more than 10^-{d}"),
                       reason=f"the values differ at the {d} decimal(s) shown")
    return Verdict("unknown", method, reason="the values differ by about one unit of the last "
                                             "digit shown: rounding cannot be told")


def _rounded_literals(e) -> list[int]:
    """Significant digits of the decimals written with two or more places (0.622 → 3)."""
    out = []
    if not isinstance(e, sympy.Basic):
        return out
    for r in e.atoms(sympy.Rational):
        d = _decimals(r)
        if r.is_Integer or d is None or d < 2:
            continue
        digits = str(abs(r.p * 10 ** d // r.q)).lstrip("0")
        out.append(max(len(digits), 1))
    return out


def guard_rounding(v: Verdict, a, b, ctx: Context) -> Verdict:
    """``L = -\\log(0.622)`` where ŷ ≈ 0.6225: a link between closed numbers that uses a
    rounded decimal the text wrote (two places or more) and misses only by what that rounding
    allows is not refuted: the author plugs in the rounded value."""
    if v.status != "refuted":
        return v
    digits = _rounded_literals(a) + _rounded_literals(b)
    if not digits:
        return v
    try:
        pins = dict(p for p in map(_pin, ctx.conditions) if p is not None)
        sides = [calculus.to_leaves(sympy.sympify(e), ctx).xreplace(pins)  # safe: SymPy objects
                 for e in (a, b)]
        if not all(isinstance(e, sympy.Basic) and e.is_number for e in sides):
            return v
        x, y = (sympy.N(e, 30) for e in sides)
    except (CalculusError, SymderivError, TypeError, ValueError):
        return v
    if not (x.is_real and y.is_real):
        return v
    # products of rounded values carry more digits than were written: at most 4 count
    tol = sympy.Float(10) ** (1 - min(min(digits), 4)) * max(abs(x), abs(y), sympy.Float(1) / 10)
    if abs(x - y) <= tol:
        return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as,
                       reason=f"the sides ({sympy.N(x, 6)} and {sympy.N(y, 6)}) agree to the "
                              f"precision of the rounded value(s) the text uses "
                              f"({min(digits)} significant digits): read as rounded, not decided")
    return v


def adopt_substitution(v: Verdict, a, b, ctx: Context, written: tuple | None) -> Verdict:
    """``ReLU(b_1 + Σ x_i w_i) = ReLU(0.2 + 6·0.3 − 0.2·2)`` with ``x_1 = 6, x_2 = 2`` stated
    and b, w given nowhere (a figure): the link substitutes values, so it holds by what it
    gives them, like a definition.  Only when one side is a number, the other rests on data
    the text never gives values for, no derivative is involved, and every value the text
    states for the names it uses (6 and 2) is written in the numeric side (*written*: the
    numbers each side writes) — a value substituted wrongly is never adopted."""
    if v.status in ("proved", "verified") or written is None:
        return v
    for side, num, lits in ((a, b, written[1]), (b, a, written[0])):
        if not (isinstance(num, sympy.Basic) and num.is_number and lits) or \
                not isinstance(side, sympy.Basic) or side.is_number or any(_derivatives(side)):
            continue
        data = _unstated_data(side, ctx)
        if not data:
            continue
        used = _reachable(side, ctx)
        pins = [p for p in map(_pin, ctx.conditions) if p is not None
                and base_name(p[0]) in used]
        shown = {abs(x) for x in lits}
        if not pins or any(abs(n) not in shown for _, n in pins):
            continue
        return Verdict("proved", "definition: the values it substitutes", claim=v.claim,
                       read_as=v.read_as,
                       reason=f"substitutes values of {', '.join(data)}, which the text does "
                              "not state (e.g. a figure or a table), beside the values it "
                              "states (" + ", ".join(f"{to_latex(s)} = {n}" for s, n in pins) +
                              "): read as those values, not checked")
    return v


def guard_unread_dependence(v: Verdict, a, b, ctx: Context) -> Verdict:
    """``∂L/∂z_3`` with ``L = -log p_3`` and p defined nowhere (only its values are shown): L
    reaches z through no definition the text states, yet rests on p, which it never defines —
    the text differentiates by z because p depends on it.  Such a derivative is not 0: the
    dependence was not read, so nothing that uses it is decided."""
    if v.status not in ("proved", "verified", "refuted"):
        return v
    for e in (a, b):
        for f, x in _derivatives(e):
            name = base_name(x) if isinstance(x, (Symbol, Indexed)) else None
            if name is None or name in _reachable(f, ctx):
                continue
            from ..read.probability import is_probability_name   # (as guard_probability)
            # an opaque probability depends on what is written inside it, and only on that
            # ... and a parameter (μ, σ of a density) is no vector of data: only the entries
            # of a vector the text never defines (p_3 of a softmax shown by its values)
            reach = _reachable(f, ctx)
            entries = {base_name(q) for q in f.atoms(Indexed)} | {
                base_name(q) for d in ctx.definitions if base_name(d.target) in reach
                and isinstance(d.rhs, sympy.Basic) for q in d.rhs.atoms(Indexed)}
            free = [n for n in _unstated_data(f, ctx, values=False)
                    if n != name and n in entries and not is_probability_name(n)]
            if free:
                return Verdict("unknown", v.method, claim=v.claim, read_as=v.read_as,
                               reason=f"{to_latex(f)} reaches {to_latex(x)} through no "
                                      f"definition the text states, yet rests on "
                                      f"{', '.join(free)}, which it does not define: a "
                                      "dependence not read, not decided")
    return v
