r"""The transformer: one small method per grammar rule, producing the SymPy objects the
calculus and the verifier expect (``IndexedBase('z')[i]`` with :func:`~symderiv.notation.index`
symbols, :class:`~symderiv.notation.Partial`, ``Sum(..., (k, lo, hi))`` with the notation's
default range, ``KroneckerDelta``, ``AppliedUndef`` for functions, exact rationals).

Names and scripts are in :mod:`symderiv.read.atoms`, derivatives in
:mod:`symderiv.read.derivs`, environments in :mod:`symderiv.read.matrices`.
"""
from __future__ import annotations

import time

import sympy
from lark import Token, Tree
from sympy import ImmutableMatrix, Indexed, Symbol

from symderiv.linalg.objects import Hadamard, Tr

from .atoms import TRANSPOSE, TRANSPOSE_MARK, NameRules
from .derivs import DerivRules
from .matrices import EnvRules
from .model import MAX_FACTORS, MAX_READS, MAX_SECONDS, LatexError
from .parser import GrammarParser, default_parser
from .scan import PreLexer, TokenView, words_for
from .typing import Choices, SymbolTable, label_key
from .values import add, div, is_matrix, mul, neg, power


class Reader(NameRules, DerivRules, EnvRules, TokenView):
    """Reads the token slices of one formula under one set of choices."""

    def __init__(self, text, toks, match, dropped, notation, choices: Choices | None = None,
                 parser: GrammarParser | None = None):
        self.text, self.toks, self.match, self.dropped = text, toks, match, dropped
        self.nt = notation
        self.choices = choices or Choices()
        self.parser = parser or default_parser()
        self.warnings: list[str] = []
        self.positive: list = []    # the arguments of the logarithms read
        self.markers: list = []
        self.reads = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.table = SymbolTable(notation, toks, match)
        if not self.table.matrix_mode and self.table.capital_product(toks) and \
                self.choices.choose(("matrices",), (
                    "the capitals read as numbers, not matrices",
                    "read in vector notation: the capitals are matrices")) == 1:
            self.table.matrix_mode = True
        self.functions, self.vectors = self.table.functions, self.table.vectors
        self.labels, self.index_names = self.table.labels, self.table.index_names
        self.lexer = PreLexer(self, words_for(notation, self.functions, self.vectors),
                              self.functions)

    # -- entry -------------------------------------------------------------------------------
    def expr(self, a, b, what="expression"):
        """Read tokens [a, b) into one SymPy object."""
        self.reads += 1
        if time.monotonic() > self.deadline:
            raise self.err(f"reading took more than {MAX_SECONDS:g} s", a,
                           "split the formula into smaller ones")
        if self.reads > MAX_READS:
            raise self.err("the formula is too complex to read", a,
                           "split it into smaller formulas")
        a, b = self.strip(a, b)
        terminals = self.lexer.lex(a, b) if a < b else []
        if not terminals:
            raise self.err(f"empty {what}", min(a, len(self.toks) - 1),
                           "write something between the delimiters")
        tree = self.parser.parse(terminals, self, a)
        return self.visit(tree.children[0])

    def visit(self, node):
        if isinstance(node, Token):
            raise LatexError(f"internal: unexpected terminal {node.type}")   # pragma: no cover
        return getattr(self, "rule_" + node.data)(node)

    def at(self, node) -> int:
        """The first token index of a tree or terminal."""
        while isinstance(node, Tree):
            node = node.children[0]
        return node.value.start

    def wrap(self, fn, at):
        try:
            return fn()
        except LatexError as e:
            if e.latex is None:
                raise self.err(e.reason, at, e.hint) from None
            raise

    # -- sums and products -------------------------------------------------------------------
    def rule_expr(self, t):
        ch = t.children
        terms = [self.visit(ch[0])]
        for sign, prod in zip(ch[1::2], ch[2::2]):
            v = self.visit(prod)
            terms.append(neg(v) if sign.value.kind == "-" else v)
        if len(terms) == 1:
            return terms[0]
        return self.wrap(lambda: add(terms), self.at(t))

    def rule_product(self, t, first=None):
        ch = t.children
        acc = self.visit(ch[0]) if first is None else first
        for op, unit in zip(ch[1::2], ch[2::2]):
            if op.value.kind == "/" and len(ch) == 3:
                inner = self._bare_application(ch[0], acc)
                if inner is not None and self.choices.choose(("bare-slash", self.at(ch[0])), (
                        "the slash read as dividing the function's value",
                        "the slash read as dividing the function's argument")):
                    v = self.visit(unit)
                    acc = inner[0](self.wrap(lambda: div(inner[1], v), op.value.start))
                    continue
            split = self._slash_split(unit) if op.value.kind == "/" else None
            if split is not None:   # 1/2x^2: (1/2)·x^2 or 1/(2x^2)
                first, rest = split
                acc = self.wrap(lambda: mul([div(acc, first), rest]), op.value.start)
                continue
            v = self.visit(unit)
            if op.value.kind == "/":
                acc = self.wrap(lambda: div(acc, v), op.value.start)
            elif op.value.kind == "odot":
                if acc.is_commutative or v.is_commutative:
                    raise self.err("an entrywise product (\\odot) with a scalar",
                                   op.value.start, "write \\odot between two vectors or "
                                   "matrices, or the product with \\cdot")
                acc = Hadamard(acc, v)
            else:
                acc = self.wrap(lambda: mul([acc, v]), op.value.start)
        return acc

    def _bare_application(self, prim, obj):
        """``\\log \\sigma(x)`` (a named function, its argument written without brackets):
        (the function, its argument) — a power or a slash after it may belong to the
        argument; None for anything else."""
        node = prim
        while isinstance(node, Tree) and node.data in ("unit", "juxt", "factor") and \
                len(node.children) == 1 and isinstance(node.children[0], Tree):
            node = node.children[0]
        if not (isinstance(node, Tree) and node.data == "func_app" and len(node.children) == 2):
            return None
        arg = node.children[1]
        if isinstance(arg, Tree) and arg.data == "call":
            return None   # \log(x)^2: the brackets say what the function takes
        if not (isinstance(obj, sympy.Function) and len(obj.args) == 1) or \
                obj.func in (sympy.Max, sympy.Min):
            return None
        return obj.func, obj.args[0]

    def _slash_split(self, unit):
        """``a / 2x^2`` written inline: over the number alone, then times the rest
        ((1/2)·x^2, how a cheat sheet means it), or over the whole juxtaposition
        (1/(2x^2)); a choice point, so both readings are checked.  None for any other
        divisor (a/b, a/(bc), a/b_i)."""
        juxt = unit
        while isinstance(juxt, Tree) and juxt.data in ("unit", "juxt") and \
                len(juxt.children) == 1 and isinstance(juxt.children[0], Tree):
            juxt = juxt.children[0]
        if not (isinstance(juxt, Tree) and juxt.data == "juxt" and len(juxt.children) >= 2):
            return None
        head = juxt.children[0]
        if not (isinstance(head, Tree) and head.data == "factor" and len(head.children) == 1
                and isinstance(head.children[0], Tree) and head.children[0].data == "number"):
            return None
        toks = list(juxt.scan_values(lambda v: isinstance(v, Token)))
        src = self.src(toks[0].value.start, toks[-1].value.end) if toks else "the divisor"
        n = self.choices.choose(("slash", src), (
            f"/ {src} read as over the whole product {src}",
            f"/ {src} read as over the number alone, times the rest"))
        if n == 0:
            return None
        rest = [v for v in (self.visit(c) for c in juxt.children[1:]) if v is not None]
        return self.visit(head), (rest[0] if len(rest) == 1 else mul(rest))

    def rule_frob(self, t):
        r"""``A:B`` = Σ_ij A_ij B_ij (the Frobenius inner product), left to right."""
        from symderiv.linalg.differentials import Frobenius
        ch = [c for c in t.children if not isinstance(c, Token)]
        acc = self.visit(ch[0])
        for c in ch[1:]:
            acc = Frobenius(acc, self.visit(c))
        return acc

    def rule_unit(self, t):
        if isinstance(t.children[0], Token):
            v = self.visit(t.children[1])
            return neg(v) if t.children[0].value.kind == "-" else v
        return self.visit(t.children[0])

    def rule_juxt(self, t):
        if len(t.children) > MAX_FACTORS:
            raise self.err(f"more than {MAX_FACTORS} factors in one term", self.at(t),
                           "split the formula into smaller ones")
        values = [v for v in (self.visit(c) for c in t.children) if v is not None]
        if not values:
            raise self.err("an empty group", self.at(t), "put an expression in the braces")
        if len(values) == 1:
            return values[0]
        return self.wrap(lambda: mul(values), self.at(t))

    def rule_factor(self, t):
        ch = t.children
        rest = ch[1:]
        prim = ch[0]
        if (rest and rest[0].type == "POW" and isinstance(prim, Tree)
                and prim.data == "atom_call" and len(prim.children) > 1):
            # f(x)^2: the application squared, or f times x squared
            a1, b1 = rest[0].value.extra
            e = TRANSPOSE_MARK if self.table.matrix_mode and \
                label_key(self.src(a1, b1)) in TRANSPOSE else self.expr(a1, b1, "exponent")
            obj = self.rule_atom_call(prim, post=(e, rest[0].value.start))  # x (y - t)^T
            rest = rest[1:]
        else:
            obj = self.visit(prim)
        for extra in rest:
            if extra.type == "POW":
                if obj is None:
                    raise self.err("a superscript with nothing before it", extra.value.start,
                                   "put the base before ^, e.g. x^{2}")
                a1, b1 = extra.value.extra
                if not obj.is_commutative and label_key(self.src(a1, b1)) in TRANSPOSE:
                    obj = Tr(obj)                           # (QK^T)^T
                    continue
                e = self.expr(a1, b1, "exponent")
                inner = self._bare_application(prim, obj) if extra is rest[0] else None
                if inner is not None and self.choices.choose(("bare-power", self.at(prim)), (
                        "the power read as applying to the function's value",
                        "the power read as applying to the function's argument")):
                    obj = inner[0](self.wrap(lambda: power(inner[1], e), extra.value.start))
                    continue
                obj = self.wrap(lambda: power(obj, e), extra.value.start)
            else:
                if obj is None:
                    raise self.err("a factorial with nothing before it", extra.value.start,
                                   "write e.g. n!")
                big = obj.is_Integer and obj > 1000
                obj = sympy.factorial(obj, evaluate=False) if big else sympy.factorial(obj)
        return obj

    def rule_bigop(self, t):
        lx = t.children[0].value
        body = self.visit(t.children[1])
        return self.big_operator(lx, body)

    # -- groups and simple terminals ------------------------------------------------------------
    def args(self, t) -> list:
        values = [self.visit(c) if isinstance(c, Tree) else c for c in t.children
                  if isinstance(c, Tree) or c.type == "DOTS"]
        if not any(isinstance(v, Token) for v in values):
            return values
        return self.vector_run(values)

    def vector_run(self, values: list) -> list:
        """``y_1, \\dots, y_K`` in an argument list → the whole vector ``y`` (IndexedBase)."""
        out = []
        for n, v in enumerate(values):
            if not isinstance(v, Token):
                out.append(v)
                continue
            before = out.pop() if out else None
            after = values[n + 1] if n + 1 < len(values) else None
            if not (isinstance(before, Indexed) and isinstance(after, Indexed)
                    and before.base == after.base and len(before.indices) == 1
                    and len(after.indices) == 1):
                raise self.err("an ellipsis between arguments that are not entries of one "
                               "vector", v.value.start, "write L(y_1, \\dots, y_K)")
            out.append(before.base)
            values[n + 1] = None
        return [v for v in out if v is not None]

    def rule_group(self, t):
        opener = t.children[0]
        inner = [c for c in t.children if isinstance(c, Tree)]
        if not inner:
            return None                                  # {} is nothing
        entries = self.args(inner[0])
        if len(entries) > 1:
            if opener.type == "LBRACE":
                raise self.err("a comma inside braces", opener.value.start,
                               "write a vector as (a, b)")
            if any(is_matrix(e) for e in entries):
                raise self.err("a vector of matrices", opener.value.start, "write one matrix")
            return ImmutableMatrix([entries])
        return entries[0]

    def rule_args(self, t):                              # pragma: no cover - read via args()
        return self.args(t)

    def rule_absval(self, t):
        return sympy.Abs(self.visit(t.children[1]))

    def rule_norm(self, t):
        r"""``\|v\|``: the Euclidean (Frobenius) norm of a whole vector, |x| of a number."""
        v = self.visit(t.children[1])
        return sympy.Abs(v) if v.is_commutative else sympy.Function("norm")(v)

    def rule_opaque(self, t):
        return Symbol(t.children[0].value.name)

    def rule_infty(self, t):
        return sympy.oo

    def rule_env(self, t):
        return self.environment(t.children[0].value.start)

    def rule_number(self, t):
        return self.number(t.children[0].value)

    def rule_frac(self, t):
        return self.frac(t.children[0].value)

    def rule_start(self, t):                             # pragma: no cover
        return self.visit(t.children[0])
