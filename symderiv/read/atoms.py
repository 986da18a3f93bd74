r"""Names with their scripts, function applications, letter runs and numbers.

``A^{O}_i`` → ``IndexedBase('A^{O}')[i]`` (a layer's label), ``z^{[l]}_j``, ``W^{(l)}``,
``y_{true}`` → ``Symbol('y_{true}')``, ``\delta_{ij}`` / ``1_{i=j}`` → ``KroneckerDelta``,
``W^T_{ij}`` → ``W[j, i]``, ``f(x)`` → an application or a product (see
:mod:`symderiv.read.typing`), ``e^{x}`` → ``exp(x)``.
"""
from __future__ import annotations

import re

import sympy
from sympy import Expr, Function, IndexedBase, Integer, KroneckerDelta, Rational, Symbol

from symderiv.notation import beta, index, size

from symderiv.linalg.objects import ONES, Tr, mat

from .normalize import _GREEK as GREEK
from .typing import label_key
from .values import is_matrix, mul, power

MATRIX_GREEK = {"delta", "Delta", "theta", "Theta", "Sigma", "Lambda", "Phi", "Psi", "Omega"}
_BOLD = ("\\mathbf", "\\boldsymbol", "\\bm", "\\pmb")
TRANSPOSE_MARK = Symbol("\\top")   # f(x)^T in vector notation: the transpose, not a power
TRANSPOSE = {"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\mathsfT",
             "\\mathrmT", "\\textsf{T}"}


class EntrywiseShift(sympy.Function):
    """``z + c`` for a vector z and a number c, inside a vector function's argument: c added
    to every entry of z (expanded with the function, see symderiv.functions)."""
    nargs = 2

    def _latex(self, printer):
        return printer._print(sympy.Add(*self.args))


def to_tex(e) -> str:
    from symderiv.printer import to_latex
    return to_latex(e)


class NameRules:
    """Mixin of :class:`~symderiv.read.transform.Reader`: the ``atom_call`` rule and names."""

    # -- symbols -----------------------------------------------------------------------------
    def index_sym(self, name: str):
        if name == self.nt.size:
            return self.nt.size_symbol
        if isinstance(self.nt.upper, str) and name == self.nt.upper:
            return size(name)
        return index(name)

    def scalar(self, name: str):
        if name == self.nt.size or (isinstance(self.nt.upper, str) and name == self.nt.upper):
            return self.index_sym(name)
        if name == "beta":
            return beta
        if name in self.index_names:
            return index(name)
        return Symbol(name)

    # -- the rule ----------------------------------------------------------------------------
    def rule_atom_call(self, t, post=None):
        lx = t.children[0].value
        call = t.children[1] if len(t.children) > 1 else None
        if lx.run and not self.run_is_name(lx, call is not None):
            first = [mat(c) if self.table.matrix_mode and self.whole_matrix(c, c, False)
                     else self.scalar(c) for c in lx.run[:-1]]
            last = self.named(lx, lx.run[-1], call, post)
            return self.wrap(lambda: mul(first + [last]), lx.start)
        return self.named(lx, lx.run or lx.name, call, post)

    def run_is_name(self, lx, has_call: bool) -> bool:
        """``softmax``, ``NLL``, ``dA``: one name; ``xy``: a product (see typing.py)."""
        run = lx.run
        spaced = " ".join(run)
        if len(run) >= 5 or (has_call and len(run) >= 3) or run in self.nt.names:
            return True
        if run[0] == "d" and run[1:] in self.nt.differentials:
            return True           # dz in a text that writes differentials: the differential
        if run[0] == "d" and len(run) == 2:
            return self.choices.choose(("run", run), (
                f"{run} read as one name (a gradient), not d·{run[1]}",
                f"{run} read as the product d·{run[1]}")) == 0
        if self.table.matrix_mode and run.isupper() and not has_call and all(
                c in self.table.matrices for c in run):
            return False          # XW with X and W matrices of the text: their product
        if run.isupper() or has_call:
            dots = "·".join(run)
            return self.choices.choose(("run", run), (
                f"{run} read as one name, not the product {dots}",
                f"{run} read as the product {dots}")) == 0
        if len(run) >= 3:
            self.warn(f"read {run!r} as the product {spaced}; declare it in the notation if "
                      "it is one name")
        return False

    def named(self, lx, name: str, call, post=None):
        label = pw = sample = None
        prime = lx.prime
        transpose = False
        for a1, b1, q in lx.sups:
            key = label_key(self.src(a1, b1))
            m = re.fullmatch(r"\(\s*([A-Za-z])\s*\)", key)
            if m and m.group(1) in self.table.bound_letters and sample is None and (
                    not self.table.matrix_mode or name in self.table.families or
                    name.islower()):
                # x^{(i)} under \sum_i: the i-th sample, an index (not a label of its own);
                # in vector notation the i-th of several vectors after θ^T, else a number
                # (y^{(i)}); W^{(l)} of vector notation stays a labelled matrix
                sample = self.index_sym(m.group(1))
                continue
            sub_after = lx.sub is not None and lx.sub[0] > q
            lt = re.fullmatch(r"(\[.*\]|\(.*\))\s*(T|\\top|\\intercal)", key)
            if lt and lt.group(1).startswith("[") and label is None and pw is None and \
                    not transpose and name != "e":
                # A^{[l-1]T}: the transpose of the layer-labelled A^{[l-1]}, as (A^{[l-1]})^T
                # (x^{(i)T} under \sum_i is a sample's transpose: not read so)
                label = lt.group(1)
                transpose = self.transpose(lx, name, q)
                if not transpose:
                    raise self.err(f"{name}^{{{key}}}: a label and a power T", q,
                                   f"write ({name}^{{{label}}})^T")
                continue
            if lt:
                raise self.err(f"a transpose of the layer-labelled {name}^{{{key}}} is not read",
                               q, "write the claim per entry, e.g. A^{[l]}_{ji} for the transpose")
            if key in ("'", "\\prime", "''", "\\prime\\prime"):
                prime += 2 if key in ("''", "\\prime\\prime") else 1
            elif label is None and pw is None and name != "e" and (
                    self.is_label(a1, b1, key) or (sub_after and self.layer_letter(a1, b1))):
                label = key          # A^{O}_i, z^{[L]}_j: a layer's name, not a power
            elif pw is None and not transpose:
                if name != "e" and key in TRANSPOSE:
                    transpose = self.transpose(lx, name, q)
                    if transpose:
                        continue
                pw = (a1, b1, q)
            else:
                raise self.err("two superscripts on one name", q, "use braces, e.g. (x^{2})^{3}")
        base = name if label is None else f"{name}^{{{label}}}"
        if prime:
            base += "'" * int(prime)
        obj = None
        suffix = ""
        if lx.sub is not None:
            a1, b1 = self.strip(*lx.sub)
            inner = self.toks[a1:b1]
            if b1 - a1 == 1 and self.toks[a1].kind in ("word", "text"):
                suffix = "_{" + self.src(a1, b1) + "}"
            elif call is not None and name in self.functions and not transpose and \
                    b1 - a1 == 1 and self.toks[a1].kind == "greek":
                # h_\theta(x), f_\phi(x): a parameter's letter, part of the function's name
                # (a Latin subscript, p_i(z), stays an index)
                suffix = "_{" + self.src(a1, b1) + "}"
            elif self.table.is_label_run(inner):
                suffix = "_{" + self.src(a1, b1) + "}"            # y_{true}
            elif (len(inner) > 4 and self.is_char(a1 + self._run_len(a1, b1), "_", b1)
                  and self.table.is_label_run(inner[:self._run_len(a1, b1)])):
                # y_{pred_i}, y_{true_{ic}}: the entries of the vector y_{pred}
                run = self._run_len(a1, b1)
                r = self.nx(a1 + run + 1, b1)
                x, y = (r + 1, self.match[r]) if self.is_char(r, "{", b1) and r in self.match \
                    else (r, r + 1)
                if self.nx(y + (1 if x != r else 0), b1) != b1 or x >= y:
                    raise self.err(f"an index inside a labelled subscript ({self.src(a1, b1)})",
                                   a1, "write the entry as y^{pred}_i, or declare the notation")
                suffix = "_{" + self.src(a1, a1 + run) + "}"
                obj = IndexedBase(base + suffix)[tuple(self.sub_items(x, y))]
            elif self.table.matrix_mode and not getattr(self, "in_matrix_entry", False) and \
                    self._layer_subscript(a1, b1, transpose):
                suffix = "_{" + self.src(a1, b1) + "}"            # W_2^T, \delta_3: layers
                if not transpose:
                    self.choices.note(f"{name}_{self.src(a1, b1)} read as the whole vector or "
                                      f"matrix of layer {self.src(a1, b1)}, not an entry")
            else:
                items = self.sub_items(a1, b1)
                if transpose:
                    if len(items) != 2:
                        raise self.err("a transpose with one index", lx.start,
                                       "write the entry of the transpose as W^T_{ij} = W_{ji}")
                    items = items[::-1]
                if name == "delta" and label is None and not prime and len(items) != 1:
                    if len(items) != 2:
                        raise self.err(f"\\delta with {len(items)} indices", lx.start,
                                       "a Kronecker delta has two indices: \\delta_{ij}")
                    obj = KroneckerDelta(*items)
                elif (self.table.matrix_mode and name in self.table.families and label is None
                      and not prime and not transpose and base == name and len(items) == 1
                      and sample is None):
                    from ..linalg.objects import Member   # w^T x_i: the i-th vector x_i
                    obj = Member(Symbol(name), items[0])
                else:
                    obj = IndexedBase(base + suffix)[tuple(([sample] if sample is not None
                                                            else []) + list(items))]
                    sample = None
        elif transpose and not self.table.matrix_mode:
            raise self.err("a transpose in vector notation is not read", lx.start,
                           "write the formula per entry with indices, e.g. "
                           "\\frac{\\partial L}{\\partial W_{ij}} = "
                           "\\frac{\\partial L}{\\partial y_i} x_j")
        base += suffix
        product_arg = None
        entry = None
        if call is not None and call.children[-1].type == "CALLSUB":
            entry = self.sub_items(*self.strip(*call.children[-1].value.extra))
        if obj is None and call is not None:
            args = self.args(call.children[1])
            if entry is not None:
                args = self._shifted(lx, call, base, args)   # softmax(z + c)_i
                obj = Function(base)(*args, *entry)       # softmax(z)_i: softmax(z, i)
                self.choices.note(f"{base}(...)_{{...}} read as the entry of {base}'s value, "
                                  f"written {base}(arguments, index)")
                call = None
            elif base == "d" and self.nt.differentials and len(args) == 1 and \
                    self.table.matrix_mode and not args[0].is_commutative:
                from symderiv.linalg.differentials import differential   # d(W^T x)
                obj = differential(args[0], self.nt.differentials)
                call = None
            elif self.applied(lx, name, base, call, args, prime):
                if pw is not None and (self.table.is_function(name, base, lx.kind, prime)
                                       or base in self.functions) and \
                        self.expr(pw[0], pw[1], "exponent") == -1:
                    # \sigma^{-1}(p): the inverse function (the logit) or 1/\sigma(p)?
                    raise self.err(f"{base}^{{-1}} applied to an argument is ambiguous", pw[2],
                                   f"write 1/{base}(x) for the reciprocal")
                obj = Function(base)(*args)
                call = None
            else:
                product_arg = args[0]
                if len(args) > 1:                               # pragma: no cover
                    product_arg = sympy.ImmutableMatrix([args])
        elif call is not None:
            args = self.args(call.children[1])
            if len(args) > 1 or entry is not None or base in self.functions or name in self.functions:
                raise self.err(f"an argument list after the indexed name {base}", lx.start,
                               "write the function without an index, e.g. p(z)_i")
            product_arg = args[0]
            if not (self.table.is_value(name, base)
                    or name in {str(s) for a in args for s in _names(a)}):
                written = " ".join(self.src(lx.start, call.children[-1].value.end).split())
                self.choices.note(f"{written} read as a product, not as {base} applied to "
                                  "its argument")
        if sample is not None:
            if obj is not None or call is not None:
                raise self.err(f"the sample index ({sample}) of {base} beside another index or "
                               "an argument list is not read", lx.start,
                               f"write the entry with its indices, e.g. {name}_{{{sample}j}}")
            obj = _sample_of(base, sample, self.table.matrix_mode and name in self.table.families)
        if obj is None and self.table.matrix_mode and self.whole_matrix(
                name, base, prime, self.toks[lx.start].src.startswith(_BOLD)):
            obj = mat(base)
            if base[:1] == "d" and base[1:] in self.nt.differentials:
                from symderiv.linalg.differentials import differential   # dz: d of z
                obj = differential(base[1:], self.nt.differentials)
        if obj is None and name == "e" and pw is None and "e" in self.nt.matrices and \
                self.table.matrix_mode and label is None and not suffix and not prime:
            obj = mat("e")        # e = exp(z): the text's vector e, not Euler's number
        if obj is None:
            if name == "e" and label is None and not suffix and not prime:
                obj = sympy.E
            elif prime and base not in self.functions:
                raise self.err(f"{base} (with a prime) is not applied to anything", lx.start,
                               f"write {base}(x)")
            elif base in self.vectors:
                obj = IndexedBase(base)
            elif (base == name and name in self.table.indexed
                  and self.toks[lx.start].src.startswith(_BOLD)):
                self.choices.note(f"\\mathbf{{{name}}} read as a name {name}, though {name}_... "
                                  "are also written: it may be the vector of those entries")
                obj = self.scalar(name)
            elif base != name or not name.isalpha():     # labelled, primed, accented...
                obj = Symbol(base)
            else:
                obj = self.scalar(name)
        if transpose and obj is not None and not obj.is_commutative and lx.sub is None \
                or transpose and suffix and obj is not None and not obj.is_commutative:
            obj = Tr(obj)
        if pw is not None:
            e = self.expr(pw[0], pw[1], "exponent")
            obj = self.wrap(lambda: power(obj, e), pw[2])
        if post is not None:
            def raised(x):
                return Tr(x) if post[0] is TRANSPOSE_MARK else power(x, post[0])
            if product_arg is not None:
                product_arg = self.wrap(lambda: raised(product_arg), post[1])
            else:
                obj = self.wrap(lambda: raised(obj), post[1])
        if product_arg is not None:
            obj = self.wrap(lambda: mul([obj, product_arg]), lx.start)
        return obj

    def _layer_subscript(self, a, b, transpose: bool) -> bool:
        r"""In vector notation, ``W_2``, ``\delta_3`` (a number) and ``w_a^T`` (one letter,
        transposed) name a layer's or a class's whole vector, not an entry."""
        a, b = self.strip(a, b)
        if b - a == 1 and self.toks[a].kind == "num" and "." not in self.toks[a].text:
            return True
        # w_d^T under \sum_d is the d-th of several vectors, not one name: not read so
        return transpose and b - a == 1 and self.toks[a].kind == "letter" and \
            self.toks[a].text not in self.table.bound_letters

    def whole_matrix(self, name: str, base: str, prime: bool, bold: bool = False) -> bool:
        r"""In vector notation, is this name a whole vector or matrix (not a scalar)?  A bold
        Greek letter is (``\boldsymbol\gamma``)."""
        if name == "e" or name in self.index_names or name == self.nt.size or \
                base in self.functions or name in self.functions:
            return False
        if base != name:             # labelled, primed, accented: W_{2}, A^{O}, dS'
            return True
        accent = re.fullmatch(r"\\[a-z]+\{\\?([A-Za-z]+)\}", name)   # \hat{x}: as x is
        if accent:
            name = accent.group(1)
        if name in GREEK:
            return bold or name in MATRIX_GREEK
        return name.isalpha()

    def _run_len(self, a, b) -> int:
        n = 0
        while a + n < b and self.toks[a + n].kind == "letter" and (
                n == 0 or self.toks[a + n].pos == self.toks[a + n - 1].end):
            n += 1
        return n

    def _shifted(self, lx, call, base, args) -> list:
        r"""``\mathrm{softmax}(\mathbf z + c)_i``: a vector function of a vector plus a number,
        the number added to every entry (``EntrywiseShift(z, c)``), with the doubt said.  Only
        for a function of the catalogue or of the text, one vector (written bold or with an
        index) and the rest no vector."""
        from symderiv.vocabulary import VECTOR_FUNCTIONS
        if len(args) != 1 or not isinstance(args[0], sympy.Add) or \
                not (base in VECTOR_FUNCTIONS or base in self.functions):
            return args
        end = call.children[-1].value.end
        bold = {t.text for t in self.toks[lx.start:end] if t.src.startswith(_BOLD)}
        known = set(self.vectors) | set(self.table.indexed) | bold
        terms = sympy.Add.make_args(args[0])
        vecs = [t for t in terms if isinstance(t, Symbol) and str(t) in known]
        if len(vecs) != 1:
            return args
        rest = sympy.Add(*[t for t in terms if t is not vecs[0]])
        if any(str(s) in known for s in rest.free_symbols) or rest.atoms(sympy.Indexed):
            return args
        self.choices.note(f"{to_tex(rest)} read as a number added to every entry of "
                          f"{vecs[0]}")
        return [EntrywiseShift(vecs[0], rest)]

    def applied(self, lx, name, base, call, args, prime, indexed=False) -> bool:
        """Is ``name(args)`` an application? Declared functions, primes, argument lists and
        function words are; a name used as a value elsewhere is not; otherwise both readings
        are kept (the application preferred)."""
        tb = self.table
        if not indexed and tb.is_function(name, base, lx.kind, prime):
            return True
        if indexed and (base in self.functions or name in self.functions):
            return True
        if tb.matrix_mode and (base in tb.matrices or any(
                label_key(self.src(a1, b1)) in TRANSPOSE for a1, b1, _ in lx.sups)):
            return False          # W^T (…), x (…) with x a vector of the text: a product
        if len(args) > 1 or len(call.children[1].children) > 1:   # an argument list
            return True
        if any(is_matrix(a) for a in args):
            return False
        if tb.is_value(name, base) or name in {str(s) for a in args for s in _names(a)}:
            return False
        written = " ".join(self.src(lx.start, call.children[-1].value.end).split())
        shown = f"{written})" if not written.endswith((")", "]", "}")) else written
        return self.choices.choose(("call", base), (
            f"{shown} read as {base} applied to its argument, not a product",
            f"{shown} read as the product of {base} and its argument")) == 0

    def transpose(self, lx, name: str, at: int) -> bool:
        """``W^T``: a transpose; with a doubt when T is also a name of the formula."""
        if self.table.t_is_name and lx.sub is not None:
            return self.choices.choose(("transpose", "T"), (
                f"{name}^T read as a transpose, though T is also a name here",
                f"{name}^T read as the power {name} to the T")) == 0
        return True

    def layer_letter(self, a, b) -> bool:
        """A superscript before a subscript that names a layer: one capital letter
        (``A^{O}_i``) or a bracketed group (``z^{[l]}_j``)."""
        a, b = self.strip(a, b)
        if b - a == 1 and self.toks[a].kind == "letter" and self.toks[a].text.isupper() \
                and self.toks[a].text != "T":
            return True
        return b - a >= 3 and self.is_char(a, "[") and self.is_char(b - 1, "]")

    def is_label(self, a, b, key) -> bool:
        if key in self.labels:
            return True
        a, b = self.strip(a, b)
        if b - a == 1 and self.toks[a].kind in ("word", "text", "letter") and self.toks[
                a].src.startswith(("\\text", "\\mbox")):
            return True
        if b - a >= 3 and self.is_char(a, "[") and self.is_char(b - 1, "]"):
            return True      # A^{[i]}, W^{[l-1]}: a layer in brackets, never a power
        return b - a >= 3 and self.is_char(a, "(") and self.match.get(a) == b - 1

    # -- subscripts --------------------------------------------------------------------------
    def sub_items(self, a, b) -> list:
        if a >= b:
            raise self.err("an empty subscript", max(a - 1, 0), "write the index, e.g. y_{i}")
        pieces = self.split_at(a, b, lambda r: self.is_char(r, ","))
        if len(pieces) > 1:
            return [self.index_value(self.expr(x, y, "index"), x) for x, y in pieces]
        kinds = {self.toks[r].kind for r in range(a, b)}
        if kinds <= {"letter", "num", "greek", "ws"}:
            items = []
            for r in range(a, b):
                t = self.toks[r]
                if t.kind in ("letter", "greek"):
                    items.append(self.index_sym(t.text))
                elif t.kind == "num":
                    if "." in t.text:
                        raise self.err(f"a decimal index {t.text}", r, "indices are integers")
                    items.append(Integer(t.text))
            return items
        return [self.index_value(self.expr(a, b, "index"), a)]

    def index_value(self, value, at):
        if is_matrix(value) or not isinstance(value, Expr) or (
                value.is_number and not value.is_Integer):
            raise self.err(f"the index {value} is not an integer", at,
                           "indices are letters or integers, e.g. y_{i+1}")
        if isinstance(value, Symbol) and not value.is_integer:
            return self.index_sym(value.name)
        return value

    # -- numbers -----------------------------------------------------------------------------
    def number(self, lx):
        text = lx.name
        if text == "1" and self.toks[lx.start].src.startswith(_BOLD) and \
                self.table.matrix_mode and lx.sub is None:
            return ONES
        value = Rational(text) if "." in text else Integer(text)
        if lx.sub is not None:
            a1, b1 = lx.sub
            sides = self.split_at(a1, b1, lambda s: self.is_char(s, "="))
            if value == 1 and len(sides) == 2:
                return KroneckerDelta(self.expr(*sides[0], "index"),
                                      self.expr(*sides[1], "index"))
            raise self.err(f"a subscript on the number {text}", lx.start + 1,
                           "write the indicator as 1_{i=j}, or remove the subscript")
        return value


def _names(expr):
    out = set()
    for s in sympy.preorder_traversal(expr):
        if isinstance(s, Symbol):
            out.add(s.name)
        elif isinstance(s, IndexedBase):
            out.add(str(s.label))
    return out


def _sample_of(base: str, sample, whole: bool):
    """``x^{(i)}`` under ``\\sum_i``: the entry x_i (scalars), or in vector notation the i-th
    of several vectors of one shape (its entry k is ``x[i, k]``)."""
    if whole:
        from ..linalg.objects import Member
        return Member(Symbol(base), sample)
    return IndexedBase(base)[sample]
