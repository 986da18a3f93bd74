"""Refutations that hold whatever an undecided factor is (issue 13).

``g · J = b`` where J is known exactly and g is not (its reading is in doubt): if every row and
every column of J sums to 0 (a softmax Jacobian does: its rows are y_i(δ_ij − y_j), Σ_j = 0,
and it is symmetric), then for any row or column g that fits, the entries of g·J (or J·g) sum
to ``g · (J 1) = 0`` (or ``(1ᵀ J) · g = 0``).  A right side b whose entries sum to an exact
nonzero number is therefore wrong for every reading of g: a refutation that needs no reading
of g, re-checked here in exact arithmetic."""
from __future__ import annotations

import sympy

__all__ = ["annihilated_sum"]


def _exact_zero(x) -> bool:
    x = sympy.nsimplify(x) if isinstance(x, sympy.Float) else x
    return sympy.simplify(x) == 0


def annihilated_sum(jacobian, other) -> sympy.Expr | None:
    """The exact nonzero sum of *other*'s entries when *jacobian* is a square matrix of
    numbers whose rows and columns all sum to 0 and *other* is a row or column of numbers
    as long as it; else None (nothing shown)."""
    if not isinstance(jacobian, sympy.MatrixBase) or not isinstance(other, sympy.MatrixBase):
        return None
    n = jacobian.rows
    if jacobian.cols != n or n < 2 or 1 not in other.shape or len(other) != n:
        return None
    if jacobian.free_symbols or other.free_symbols or \
            not all(x.is_number for x in list(jacobian) + list(other)):
        return None
    if not all(_exact_zero(sum(jacobian.row(r))) for r in range(n)) or \
            not all(_exact_zero(sum(jacobian.col(c))) for c in range(n)):
        return None
    total = sympy.nsimplify(sympy.simplify(sum(other)))
    if total.free_symbols or not total.is_number or total.is_zero is not False:
        return None
    return total


WHATEVER = "whatever the undecided factor"   # the method of such a refutation


def whatever_note(factor_tex: str) -> str:
    """The opening of the note of a refutation that holds whatever *factor_tex* is."""
    return f"whatever {factor_tex} is"


def rests_on(link, factors_tex: dict) -> list:
    """Of *factors_tex* (LaTeX → expression), the ones a refuted link rests on: all of them,
    except the factor its refutation holds whatever it is."""
    note = link.counterexample.note if link.counterexample is not None else ""
    if WHATEVER not in (link.method or ""):
        return list(factors_tex.values())
    return [e for tex, e in factors_tex.items() if not note.startswith(whatever_note(tex))]
