r"""The differential notation of matrix calculus (Magnus–Neudecker) and the Frobenius product.

``A:B`` is :class:`Frobenius`: ``Σ_ij A_ij B_ij`` (``Σ_i a_i b_i`` for vectors), a number.

In a text that writes differentials (``dz = dW^T x``, ``de = e \odot dz``), the reader makes
``dY`` a :class:`DiffOf` of the whole name Y, with the names whose differential the text
writes.  Before a formula is put in index form, :func:`resolve_differentials` decides what
each one is, from the definitions:

- Y is not defined and its differential is written: Y *varies*; ``dY`` is a free direction,
  the matrix ``dY`` of Y's shape (:class:`Direction`);
- Y is defined: ``dY`` is the directional derivative of Y along the directions of the varying
  names it depends on (:class:`Varied`), entry by entry
  ``dY_ab = Σ_V Σ_kl ∂Y_ab/∂V_kl dV_kl`` – the existing calculus differentiates, the Σ·δ
  collapse removes the sums.  A name Y depends on whose differential the text never writes
  is held fixed, and the reading says so.

A name that first appears in the middle of a chain (``= (\mathrm{Diag}(p) - pp^T) dz = (P -
pp^T) dz``, P defined nowhere) stands for what it replaces in the side before it when the two
sides differ by that substitution only (:func:`chain_substitutions`); otherwise the chain is
not decided.
"""
from __future__ import annotations

import sympy
from sympy import Symbol, Tuple
from sympy.core.symbol import Str

from ..notation import NotationError, Partial
from .objects import MatrixOp, mat
from .shapes import ONE, ShapeMismatch, _tex

__all__ = ["Frobenius", "DiffOf", "Direction", "Varied", "differential",
           "resolve_differentials", "chain_substitutions", "DifferentialError"]


class DifferentialError(NotationError):
    """A differential (or a chain) that cannot be read soundly; the message says why."""


def _scalar(sh, e) -> bool:
    s = sh.of_expr(e)
    return s is None or sh.is_one(s[0]) and sh.is_one(s[1])


class Frobenius(MatrixOp):
    r"""``A:B`` = Σ_ij A_ij B_ij, a number (a non-commuting factor only to keep its place)."""
    nargs = 2

    def _tex(self, printer):
        return ":".join(r"\left(%s\right)" % printer._print(a) if a.is_Add or a.is_Mul else
                        printer._print(a) for a in self.args)

    def _linalg_shape(self, sh):
        a, b = (sh.of_expr(x) for x in self.args)
        if a is None or b is None:
            raise ShapeMismatch(f"':' with a number on one side ({self}): a ratio, not the "
                                "Frobenius product of two vectors or matrices")
        sh.unify(a[0], b[0], lambda: f"the inner product {self}")
        sh.unify(a[1], b[1], lambda: f"the inner product {self}")
        return None

    def _linalg_entry(self, form, i, j):
        a, b = self.args
        r, c = form.shape(a)
        p, q = form.fresh(r), form.fresh(c)
        body = form.entry(a, p, q) * form.entry(b, p, q)
        limits = [(x, ONE, n) for x, n in ((p, r), (q, c)) if x != ONE]
        return sympy.Sum(body, *limits) if limits else body


class DiffOf(MatrixOp):
    """``dY`` (or ``d(X)`` of an expression) as read: Y and the names whose differential the
    text writes."""
    nargs = 2

    @property
    def name(self) -> str:
        return self.args[0].name if isinstance(self.args[0], Symbol) else ""

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.args[1])

    def _tex(self, printer):
        return "d" + printer._print(self.args[0])

    def _linalg_shape(self, sh):
        raise ShapeMismatch(f"d{self.name}: a differential not resolved")


def differential(name, written) -> DiffOf:
    """``dY`` (*name* a string) or ``d(X)`` (*name* an expression) in a text whose written
    differentials are *written*."""
    return DiffOf(mat(name) if isinstance(name, str) else name,
                  Tuple(*(Str(w) for w in written)))


class Direction(MatrixOp):
    """``dW`` of a varying name W: a free matrix of W's shape (the direction)."""
    nargs = 1

    @property
    def name(self) -> str:
        return "d" + self.args[0].name

    def _tex(self, printer):
        return "d" + printer._print(self.args[0])

    def _linalg_shape(self, sh):
        s = sh.of_expr(self.args[0])
        if s is None:
            return None
        own = sh.name_shape(self.name)
        sh.unify(own[0], s[0], lambda: f"the direction {self.name}")
        sh.unify(own[1], s[1], lambda: f"the direction {self.name}")
        return own

    def _linalg_entry(self, form, i, j):
        return form.name_entry(self.name, i, j)


class Varied(MatrixOp):
    """``dY`` of a defined name Y: its directional derivative along the varying names."""
    nargs = 2

    def _tex(self, printer):
        return "d" + printer._print(self.args[0])

    def _linalg_shape(self, sh):
        for v in self.args[1]:
            Direction(v)._linalg_shape(sh)
        return sh.of_expr(self.args[0])

    def _linalg_entry(self, form, i, j):
        y = form.entry(self.args[0], i, j)
        total = sympy.Integer(0)
        for v in self.args[1]:
            r, c = form.shape(v)
            k, l = form.fresh(r), form.fresh(c)
            term = Partial(y, form.entry(v, k, l)) * form.name_entry("d" + v.name, k, l)
            limits = [(x, ONE, n) for x, n in ((k, r), (l, c)) if x != ONE]
            total += sympy.Sum(term, *limits) if limits else term
        return total


def _has_differentials(parts) -> bool:
    return any(isinstance(p, sympy.Basic) and p.atoms(DiffOf) for p in parts)


def resolve_differentials(parts, ctx, doubts: list):
    """*parts* with every :class:`DiffOf` resolved (see the module docstring), the
    reading's doubts appended to *doubts*; a :class:`DifferentialError` when the names that
    vary are not clear."""
    found = [d for p in parts if isinstance(p, sympy.Basic) for d in p.atoms(DiffOf)]
    if not found:
        return list(parts)
    defined = {d.name for d in ctx.definitions}
    graph = ctx.graph()

    def leaves(name: str) -> set[str]:
        seen, todo, out = {name}, [name], set()
        while todo:
            n = todo.pop()
            below = graph.get(n, ())
            if n not in defined:
                out.add(n)
            for m in below:
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        return out
    rep = {}
    for d in found:
        written = set(d.written)
        varying = sorted(w for w in written if w not in defined)
        if not d.name:        # d(X) of an expression: along the varying names X rests on
            names = {s.name for s in _whole_names(d.args[0])}
            below = set().union(*(leaves(n) for n in names)) if names else set()
            if not varying:
                raise DifferentialError(f"d({_tex(d.args[0])}): the text writes no "
                                        "differential of a name it does not define")
            rep[d] = Varied(d.args[0], Tuple(*(mat(w) for w in varying if w in below)))
            continue
        if d.name not in defined:
            if d.name not in written:      # pragma: no cover - the reader writes it so
                raise DifferentialError(f"d{d.name}: {d.name} is not a name of the text")
            rep[d] = Direction(mat(d.name))
            continue
        if not varying:
            raise DifferentialError(
                f"d{d.name}: the text writes no differential of a name it does not define, "
                "so which names vary is not stated")
        below = leaves(d.name) - {d.name}
        moving = [w for w in varying if w in below]
        fixed = sorted(n for n in below - set(moving) if _is_whole(n, parts, ctx))
        note = (f"differentials along d{', d'.join(moving)}, with {', '.join(fixed)} held "
                f"fixed (the text writes no d{', d'.join(fixed)})") if fixed and moving else \
            None
        if note and note not in doubts:
            doubts.append(note)
        rep[d] = Varied(mat(d.name), Tuple(*(mat(w) for w in moving)))
    return [p.xreplace(rep) if isinstance(p, sympy.Basic) else p for p in parts]


def _is_whole(name, parts, ctx) -> bool:
    """Is *name* a vector or matrix the definitions use (not the ones, an index, a size)?"""
    return not name.startswith("\\mathbf{1}") and any(
        Symbol(name, commutative=False) in d.rhs.atoms(Symbol) for d in ctx.definitions
        if isinstance(d.rhs, sympy.Basic))


def _whole_names(e) -> set:
    return {s for s in e.atoms(Symbol) if not s.is_commutative} if isinstance(
        e, sympy.Basic) else set()


def chain_substitutions(parts, ctx, doubts: list):
    """A chain whose side introduces a whole name defined nowhere and absent from every side
    before it: the name stands for the subexpression it replaces in the side before (the two
    sides equal but for it), and every later side is read with it so.  A :class:`
    DifferentialError` when such a name replaces nothing recognisable."""
    if len(parts) < 3:
        return list(parts)
    known = set()
    for d in ctx.definitions:
        known |= _whole_names(d.rhs) | {Symbol(d.name, commutative=False)}
    parts = list(parts)
    for n in range(1, len(parts)):
        before = set().union(*(_whole_names(p) for p in parts[:n]))
        new = _whole_names(parts[n]) - before - known
        new = {s for s in new if not s.name.startswith(("d", "\\mathbf{1}"))}
        if not new:
            continue
        sub = _match(parts[n - 1], parts[n], new)
        if sub is None or set(sub) != new:
            raise DifferentialError(
                f"{', '.join(sorted(s.name for s in new))} first appears in the middle of the "
                "chain, defined nowhere: what it stands for is not read")
        for s, e in sub.items():
            doubts.append(f"{s.name} read as {_tex(e)}: introduced in the chain by "
                          "substitution, defined nowhere else")
        parts[n:] = [p.xreplace(sub) for p in parts[n:]]
    return parts


def _match(old, new, names):
    """{name: subexpression of *old*} with *new* = *old* under it, or None."""
    out: dict = {}

    def walk(a, b) -> bool:
        if b in names:
            if b in out:
                return out[b] == a
            out[b] = a
            return True
        if a == b:
            return True
        if isinstance(a, sympy.Add) and isinstance(b, sympy.Add):
            rest_a = [x for x in a.args if x not in b.args]
            rest_b = [y for y in b.args if y not in a.args]
            return len(rest_a) == len(rest_b) == 1 and walk(rest_a[0], rest_b[0])
        if type(a) is not type(b) or len(a.args) != len(b.args) or not a.args:
            return False
        return all(walk(x, y) for x, y in zip(a.args, b.args))
    return out if walk(old, new) else None
