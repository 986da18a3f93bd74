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

Which names vary is a reading (:func:`differential_readings`): a condition ``dW = 0`` (the
prose's "holding W fixed") fixes W for the formula; a formula that writes the differentials
of only some of the varying names it rests on may hold the others fixed; ``dW = dZ X^T``
with Z resting on W is also NumPy's gradient notation (``dW = ∂L/∂W``).  Each plausible
reading is decided and the verdicts combined (unknown, naming each, where they disagree).

A name that first appears in the middle of a chain (``= (\mathrm{Diag}(p) - pp^T) dz = (P -
pp^T) dz``, P defined nowhere) stands for what it replaces in the side before it when the two
sides differ by that substitution only (:func:`chain_substitutions`); otherwise the chain is
not decided.
"""
from __future__ import annotations

import sympy
from sympy import Symbol, Tuple
from sympy.core.symbol import Str

from ..notation import Definition, NotationError, Partial
from .objects import Grad, MatrixOp, mat
from .shapes import ONE, ShapeMismatch, _tex

__all__ = ["Frobenius", "DiffOf", "Direction", "Varied", "differential",
           "resolve_differentials", "differential_readings", "held_fixed",
           "chain_substitutions", "DifferentialError"]


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


def _leaves(ctx):
    """name → the names it rests on that the definitions do not define (itself if undefined)."""
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
    return leaves


def resolve_differentials(parts, ctx, doubts: list, only=None):
    """*parts* with every :class:`DiffOf` resolved (see the module docstring), the
    reading's doubts appended to *doubts*; a :class:`DifferentialError` when the names that
    vary are not clear.  *only*: the names that vary for this formula (what the prose or
    the formula itself says), instead of every undefined name whose differential the text
    writes."""
    found = [d for p in parts if isinstance(p, sympy.Basic) for d in p.atoms(DiffOf)]
    if not found:
        return list(parts)
    defined = {d.name for d in ctx.definitions}
    leaves = _leaves(ctx)
    rep = {}
    for d in found:
        written = set(d.written) if only is None else set(d.written) & set(only)
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
            if d.name in d.written and d.name not in written:
                raise DifferentialError(f"d{d.name}: the formula writes the differential of "
                                        f"{d.name}, which the text holds fixed for it: which "
                                        "names vary is not clear")
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
        unwritten = [n for n in fixed if n not in d.written]
        held = [n for n in fixed if n in d.written]
        why = ([f"the text writes no d{', d'.join(unwritten)}"] * bool(unwritten) +
               [f"held for this formula: {', '.join(held)}"] * bool(held))
        note = (f"differentials along d{', d'.join(moving)}, with {', '.join(fixed)} held "
                f"fixed ({'; '.join(why)})") if fixed and moving else None
        if note and note not in doubts:
            doubts.append(note)
        rep[d] = Varied(mat(d.name), Tuple(*(mat(w) for w in moving)))
    return [p.xreplace(rep) if isinstance(p, sympy.Basic) else p for p in parts]


def held_fixed(conditions) -> set[str]:
    """The names a condition ``dW = 0`` holds fixed (the prose's "holding W fixed", put so)."""
    out = set()
    for c in conditions:
        if isinstance(c, sympy.Eq):
            for a, b in ((c.lhs, c.rhs), (c.rhs, c.lhs)):
                if isinstance(a, DiffOf) and a.name and b == 0:
                    out.add(a.name)
    return out


def _below(ctx, name: str) -> set[str]:
    """Every name *name* rests on through the definitions (defined or not), not itself."""
    graph = ctx.graph()
    seen, todo = set(), [name]
    while todo:
        for m in graph.get(todo.pop(), ()):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen - {name}


def _loss_name(ctx, names) -> str:
    """The loss of the gradient reading: the text's L when it defines one, else a name the
    formula and its definitions do not use."""
    defined = {d.name for d in ctx.definitions}
    used = set(names) | defined | {m for v in ctx.graph().values() for m in v}
    for n in ("L", "J", "E", "C"):
        if n in defined and n not in names or n not in used:
            return n
    return "\\mathcal{L}"


def differential_readings(parts, ctx, fixed=()):
    """The plausible readings of a formula that writes differentials, each
    ``(doubt or None, parts, ctx, notes)`` (*notes*: what the reading holds fixed, said with
    the verdict); a :class:`DifferentialError` when no reading is sound.

    - *fixed* (names the prose holds fixed for this formula, :func:`held_fixed`): the names
      that vary are the text's others; a formula that writes the differential of a fixed
      name is not read;
    - the names that vary are those whose differential the text writes (``dW`` anywhere);
      when the formula itself writes the differentials of only some of those its
      differentials rest on (``dz = W\\,dx`` after ``z = Wx`` in a text that also writes
      ``dW``), it may hold the others fixed: both readings;
    - ``dW = dZ X^T`` after ``Z = WX + b`` (the differential of W from that of Z, which rests
      on W) is NumPy's gradient notation too, ``dW = ∂L/∂W``: that reading as well."""
    found = [d for p in parts if isinstance(p, sympy.Basic) for d in p.atoms(DiffOf)]
    if not found:
        return [(None, list(parts), ctx, [])]
    defined = {d.name for d in ctx.definitions}
    written = set().union(*(set(d.written) for d in found))
    varying = {w for w in written if w not in defined}
    own = {d.name for d in found if d.name and d.name not in defined}
    fixed = set(fixed) & varying
    if own & fixed:
        raise DifferentialError(
            f"d{', d'.join(sorted(own & fixed))}: the formula writes the differential of "
            f"{', '.join(sorted(own & fixed))}, which the prose holds fixed for it: which names "
            "vary is not clear")
    leaves = _leaves(ctx)
    rests = set()
    for d in found:
        names = [d.name] if d.name else [s.name for s in _whole_names(d.args[0])]
        for n in names:
            rests |= leaves(n)
    sets = [varying - fixed]
    if own and own & rests != sets[0] & rests:
        sets.append(own)
    out = []
    for k, only in enumerate(sets):
        notes: list = []
        try:
            resolved = resolve_differentials(parts, ctx, notes,
                                             only=only if fixed or k else None)
        except DifferentialError as err:
            resolved = err
        doubt = None
        if len(sets) > 1:
            moving = sorted(only & rests)
            doubt = (f"every name whose differential the text writes varies "
                     f"(d{', d'.join(moving)})" if k == 0 else
                     f"only the names whose differential this formula writes vary "
                     f"(d{', d'.join(moving)}), the others held fixed")
        out.append((doubt, resolved, ctx, notes))
    head = parts[0] if parts else None
    downstream = isinstance(head, DiffOf) and head.name and any(
        d.name and d.name != head.name and head.name in _below(ctx, d.name)
        for p in parts[1:] if isinstance(p, sympy.Basic) for d in p.atoms(DiffOf))
    if downstream and all(d.name for d in found):
        names = sorted({d.name for d in found})
        loss = _loss_name(ctx, names)
        rep = {d: mat("d" + d.name) for d in found}
        grads = tuple(Definition(mat("d" + n), Grad(mat(loss), mat(n))) for n in names
                      if "d" + n not in defined)
        gctx = ctx.with_(definitions=ctx.definitions + grads)
        said = ", ".join(f"d{n} = ∂{loss}/∂{n}" for n in names)
        out = [(f"{', '.join('d' + n for n in names)} read as differentials" +
                (f"; {doubt}" if doubt else ""), r, c, notes) for doubt, r, c, notes in out]
        out.append((f"read as gradients of a loss {loss} ({said}, the NumPy convention), "
                    "not differentials",
                    [p.xreplace(rep) if isinstance(p, sympy.Basic) else p for p in parts],
                    gctx, []))
    return out


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
