r"""The reader's public data: :class:`LatexError`, :class:`Notation`, :class:`Formula`,
:class:`Reading`, :class:`Declaration`, :class:`IndexRange`, and its size limits."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sympy import Expr, Integer, Symbol

from symderiv.notation import NotationError, SymderivError, index, size

MAX_CHARS = 20_000
MAX_DEPTH = 30
MAX_FACTORS = 150        # factors in one term
MAX_TERMS = 3_000        # terms in one sum
MAX_BIGOPS = 12          # \sum/\prod in a row
MAX_SECONDS = 5.0        # time budget for one formula
MAX_READS = 4_000        # sub-expressions read for one formula
MAX_NUMBER = 200         # digits in one number literal
MAX_DIGITS = 4_000       # digits of an exact number (Python prints at most 4300)
MAX_ALTERNATIVES = 4     # other readings kept for one formula


# ---------------------------------------------------------------------------------------------
# errors and public data
# ---------------------------------------------------------------------------------------------
class LatexError(ValueError, SymderivError):
    r"""The LaTeX text cannot be read; ``position`` (0-based, or None) says where, ``hint`` what to do.

    >>> from symderiv.read import read_expr
    >>> try:
    ...     read_expr(r'\frac{d}f(x)')
    ... except LatexError as e:
    ...     print(e.position, e.hint)
    0 write the variable in the denominator, e.g. \frac{d}{dx} f(x)
    """

    def __init__(self, reason: str, latex: str | None = None, position: int | None = None,
                 hint: str | None = None):
        self.reason = reason
        self.latex = latex
        self.position = position
        self.hint = hint
        super().__init__(reason)

    def __str__(self) -> str:
        text = " ".join(self.reason.split())
        if self.latex is not None:
            given = " ".join(self.latex.split())
            if len(given) > 70:
                given = given[:67] + "..."
            text = f"cannot read {given!r}: {text}"
        if self.position is not None:
            text += f" (at position {self.position}"
            if self.latex is not None and 0 <= self.position < len(self.latex):
                near = " ".join(self.latex[self.position:self.position + 20].split())
                text += f", near {near!r}"
            text += ")"
        if self.hint:
            text += f"; {' '.join(self.hint.split())}"
        return text


def _tuple_of_str(value, what: str) -> tuple:
    if isinstance(value, str):
        value = (value,)
    try:
        value = tuple(value)
    except TypeError:
        raise NotationError(f"{what} must be a tuple of names, got {value!r}") from None
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise NotationError(f"{what} must hold non-empty names, got {value!r}")
    return value


@dataclass(frozen=True)
class Notation:
    """How a text writes its mathematics.

    size
        the name of the size symbol (``K``): a positive integer.
    lower, upper
        the default index range of ``\\sum_k``; ``upper=None`` means ``K`` when ``lower=1``
        and ``K + lower - 1`` otherwise; a name here (``'n'``) is read as a size symbol.
    indices
        letters read as index symbols even where they appear bare (subscript letters and
        summation variables always are).
    labels
        superscripts that are part of a name (``O`` in ``A^{O}_{i}``); ``^{(l)}`` and
        ``^{\\text{..}}`` always are.
    vectors
        names that stand for a whole vector when written without subscript (``'A^{O}'``, ``'T'``).
    functions
        names read as functions when followed by ``(``: ``E(A^{O}, T)``, ``Softmax(Z^{O})``.
    confirmed
        catalogue names whose reading the document confirms (``Sig`` in a text about neural
        networks that speaks of the sigmoid): no doubt is left on them.
    differentials, inner_colon
        a text that writes differentials (``dz = dW^T x``): ``dY`` is the differential of Y
        for the names listed; ``A:B`` is the Frobenius inner product Σ_ij A_ij B_ij.
    matrices
        names that stand for a whole vector or matrix in vector notation (``X``, ``W`` of
        ``dW = X^T dZ``): a formula that uses one, or writes a transpose, ``\\odot`` or
        ``\\mathrm{diag}``, is read with non-commuting whole names (:mod:`symderiv.linalg`).
    """

    size: str = "K"
    lower: int = 1
    upper: int | str | None = None
    indices: tuple[str, ...] = ("i", "j", "k", "l", "m")
    labels: tuple[str, ...] = ()
    vectors: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    matrices: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    confirmed: tuple[str, ...] = ()   # catalogue names whose reading the text confirms (Sig)
    # a text that writes differentials (dz = dW^T x): the names Y whose dY it writes
    differentials: tuple[str, ...] = ()
    inner_colon: bool = False         # A:B is the Frobenius inner product (the text says so)

    def __post_init__(self):
        if not isinstance(self.size, str) or not re.fullmatch(r"[A-Za-z]+", self.size):
            raise NotationError(f"size must be a name such as 'K', got {self.size!r}")
        if isinstance(self.lower, bool) or not isinstance(self.lower, int):
            raise NotationError(f"lower must be an integer, got {self.lower!r}")
        if self.upper is not None and (isinstance(self.upper, bool) or not (
                isinstance(self.upper, int)
                or (isinstance(self.upper, str) and re.fullmatch(r"[A-Za-z]+", self.upper)))):
            raise NotationError(f"upper must be None, an integer or a name, got {self.upper!r}")
        for name in ("indices", "labels", "vectors", "functions", "matrices", "names"):
            object.__setattr__(self, name, _tuple_of_str(getattr(self, name), name))

    @property
    def size_symbol(self) -> Symbol:
        return size(self.size)

    def default_range(self) -> tuple[Expr, Expr]:
        """``(lower, upper)`` of a sum written without limits."""
        if self.upper is None:
            hi = self.size_symbol + (self.lower - 1)
        elif isinstance(self.upper, int):
            hi = Integer(self.upper)
        else:
            hi = self.size_symbol if self.upper == self.size else size(self.upper)
        return Integer(self.lower), hi


@dataclass(frozen=True)
class Declaration:
    """``W \\in R^{m \\times n}``: names, the number set (``'R'``, ``'N'``, ``'Z'``, ``'C'``) and a shape."""

    names: tuple[str, ...]
    space: str
    shape: tuple = ()


@dataclass(frozen=True)
class IndexRange:
    """``1 \\leq i \\leq K``: an index and its bounds (None where not stated)."""

    name: str
    lower: Expr | None = None
    upper: Expr | None = None

    @property
    def symbol(self) -> Symbol:
        return index(self.name)


@dataclass(frozen=True)
class Reading:
    """One plausible way to read a formula: its parts, relations and case conditions, and the
    doubts (short sentences a reader can confirm: "dA read as one name, not d·A") that set it
    apart from the other plausible readings.  The verifier decides every reading: a verdict
    holds only when all readings agree (see :func:`symderiv.verify.combine_readings`)."""

    parts: tuple = ()
    relations: tuple[str, ...] = ()
    conditions: tuple = ()
    doubts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Formula:
    """What one LaTeX formula says.

    ``parts`` are the expressions joined by ``relations`` (``'='`` or ``':='``): ``a = b = c`` has
    three parts and two relations. ``conditions`` are case conditions (``Eq(i, j)``,
    ``Ne(i, j)``), ``declarations`` are :class:`Declaration` and :class:`IndexRange` objects,
    ``warnings`` say where the reading relied on a repair or an unusual convention.
    ``doubts`` are those of this (the preferred) reading and ``alternatives`` the other
    plausible readings; ``readings`` lists them all, the preferred one first.
    """

    latex: str
    parts: tuple = ()
    relations: tuple[str, ...] = ()
    conditions: tuple = ()
    declarations: tuple = ()
    warnings: tuple[str, ...] = ()
    doubts: tuple[str, ...] = ()
    alternatives: tuple[Reading, ...] = ()
    # what the formula takes the logarithm of, as written (before e^{log x} = x): positive
    # wherever the formula means anything, so a counterexample must keep them positive
    positive: tuple = ()

    @property
    def readings(self) -> tuple[Reading, ...]:
        return (Reading(self.parts, self.relations, self.conditions, self.doubts),
                ) + self.alternatives

    @property
    def links(self) -> tuple:
        """``((a, '=', b), (b, '=', c), ...)``: the claims of a chain."""
        return tuple((self.parts[n], rel, self.parts[n + 1])
                     for n, rel in enumerate(self.relations))


# ---------------------------------------------------------------------------------------------
