r"""Environments: matrices (``pmatrix``, ``bmatrix``, ellipsis matrices read as one entry
formula) and ``cases`` (→ ``Piecewise``)."""
from __future__ import annotations

from collections import Counter

import sympy
from sympy import ImmutableMatrix, Indexed, Integer

from symderiv.notation import index

from .clauses import condition, real_condition
from .scan import ELLIPSIS_CMDS
from .values import is_matrix

MATRIX_ENVS = {"pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix", "vmatrix"}
ALIGN_ENVS = {"eqnarray", "eqnarray*", "align", "align*", "aligned", "gather", "gather*",
              "gathered", "equation", "equation*", "multline", "multline*", "split",
              "displaymath", "math", "flalign", "flalign*", "alignat", "alignat*"}


class _Ellipsis:
    """A matrix cell holding ``\\dots`` (or left empty)."""


_ELLIPSIS = _Ellipsis()


class EnvRules:
    """Mixin of :class:`~symderiv.read.transform.Reader`."""

    def environment(self, p):
        t = self.toks[p]
        q = self.match[p]
        b = q + 1
        if t.text in ("cases", "dcases"):
            return self.cases(p, q)
        if t.text not in MATRIX_ENVS:
            if t.text in ALIGN_ENVS:
                raise self.err(f"an {t.text} environment inside a formula", p,
                               "split the display into equations first (split_display)")
            raise self.err(f"the environment {t.text} is not supported", p,
                           "use pmatrix, bmatrix or matrix")
        rows = self.split_at(p + 1, q, lambda r: self.is_cmd(r, {"\\"}))
        cells = [self.split_at(x, y, lambda r: self.is_char(r, "&")) for x, y in rows]
        if len(cells) > 1 and all(self.strip(x, y)[0] >= self.strip(x, y)[1]
                                  for x, y in cells[-1]):
            cells.pop()         # a trailing \\
        grid = []
        for row in cells:
            line = []
            for x, y in row:
                x, y = self.strip(x, y)
                if x >= y or all(self.is_cmd(r, ELLIPSIS_CMDS) or self.toks[r].kind == "ws"
                                 for r in range(x, y)):
                    line.append(_ELLIPSIS)
                else:
                    self.in_matrix_entry = True     # y_1 in a matrix written out: an entry
                    try:
                        value = self.expr(x, y, "matrix entry")
                    finally:
                        self.in_matrix_entry = False
                    if is_matrix(value):
                        raise self.err("a matrix inside a matrix", x, "write one flat matrix")
                    line.append(value)
            grid.append(line)
        if any(cell is _ELLIPSIS for row in grid for cell in row):
            return self.ellipsis_matrix(grid, p)
        widths = {len(row) for row in grid}
        if len(widths) != 1:
            raise self.err("the rows of the matrix have different lengths", p,
                           "give every row the same number of entries")
        return ImmutableMatrix(grid)

    def cases(self, p, q):
        r"""``\begin{cases} a & i = j \\ b & \text{otherwise} \end{cases}`` → Piecewise."""
        rows = [x for x in self.split_at(p + 1, q, lambda r: self.is_cmd(r, {"\\"}))
                if self.strip(*x)[0] < self.strip(*x)[1]]
        branches = []
        for n, (x, y) in enumerate(rows):
            cells = self.split_at(x, y, lambda r: self.is_char(r, "&"))
            if len(cells) != 2:
                raise self.err("each case needs a value, '&' and a condition", x,
                               "write \\begin{cases} a & i = j \\\\ b & i \\neq j \\end{cases}")
            v1, v2 = self._unpunctuated(*cells[0])   # "\frac{1}{2} r^2, & |r| \leq 1,"
            value = self.expr(v1, v2, "case value")
            c1, c2 = self._unpunctuated(*cells[1])
            words = {self.toks[r].text.strip().strip(".,;:").strip().lower()
                     for r in range(c1, c2) if self.toks[r].kind in ("word", "text")}
            kinds = {self.toks[r].kind for r in range(c1, c2)}
            if c1 < c2 and kinds <= {"word", "text", "ws"} and words & {
                    "otherwise", "else", "sonst", "o.w."}:
                cond = sympy.true
            else:
                cond = condition(self, c1, c2, allow_eq=True)
                if cond is None:
                    cond = real_condition(self, c1, c2)   # \text{if } x > 0
                if cond is None:
                    raise self.err(f"cannot read the condition {self.src(c1, c2)!r}", c1,
                                   "write a condition such as i = j, i \\neq j or \\text{otherwise}")
            branches.append((value, cond))
        if not branches:
            raise self.err("an empty cases environment", p, "write the cases")
        try:
            return sympy.Piecewise(*branches)
        except (TypeError, ValueError) as e:
            raise self.err(f"cannot build the cases: {e}", p, "check the conditions") from None

    def _unpunctuated(self, a, b):
        """A cell of cases without the punctuation ending it (``r^2,`` ``x > 0.``)."""
        a, b = self.strip(a, b)
        while b > a + 1 and self.is_char(b - 1, ",;."):
            b = self.strip(a, b - 1)[1]
        return a, b

    def ellipsis_matrix(self, grid, at):
        """A matrix written with ``\\dots``: read as one entry formula (a FunctionMatrix).

        Each written row and column must stand for one index value (the value shared by the
        subscripts of all its entries, e.g. rows 0, 1, ..., n); the rows before the ellipsis
        must count up from the first, and one row may follow it (the last). Every written entry
        must then follow one pattern (one for the diagonal, one off it); an entry that does not
        is reported, never silently replaced.
        """
        try:
            return _pattern_matrix(grid)
        except _PatternError as e:
            err = self.err(f"ellipsis matrix: {e}", at,
                           "check the entries named, or write the matrix without \\dots")
            err.misprints = e.odd   # the entries off the pattern, for a reader to split off
            raise err from None

    # -- the finished formula ----------------------------------------------------------------

class _PatternError(Exception):
    """*odd*: the written entries off the pattern of the others, each as (row, column) in the
    grid, (row index, column index) it stands for, and the pattern's entry there."""

    def __init__(self, message: str, odd: tuple = ()):
        super().__init__(message)
        self.odd = odd


def _replace_indices(expr, mapping: dict):
    """Replace index values inside ``Indexed`` entries only (not constants elsewhere)."""
    if not mapping:
        return expr
    return expr.replace(lambda e: isinstance(e, Indexed),
                        lambda e: e.base[tuple(mapping.get(i, i) for i in e.indices)])


def _index_values(expr) -> set:
    return {i for a in expr.atoms(Indexed) for i in a.indices}


def _sequence(values: list, ell: int | None, what: str):
    """``[0, 1, n]`` with the ellipsis before position 2 → (start 0, count n + 1)."""
    before = values if ell is None else values[:ell]
    after = [] if ell is None else values[ell:]
    if not before or not all(v.is_Integer for v in before):
        raise _PatternError(f"the {what}s before the ellipsis must stand for integer indices "
                            f"(found {', '.join(map(str, values))})")
    start = before[0]
    if any(v != start + k for k, v in enumerate(before)):
        raise _PatternError(f"the {what}s before the ellipsis must count up by one "
                            f"(found {', '.join(map(str, before))})")
    if ell is None:
        return start, len(before)
    if len(after) != 1:
        raise _PatternError(f"exactly one {what} must follow the ellipsis")
    last = after[0]
    gap = last - before[-1]
    if gap.is_number and gap < 2:
        raise _PatternError(f"the {what} after the ellipsis ({last}) must come later than "
                            f"{before[-1] + 1}")
    return start, last - start + 1


def _fresh_pair(used: set):
    names = {str(s) for s in used}
    for a, b in (("i", "j"), ("r", "c"), ("p", "q"), ("u", "v")):
        if a not in names and b not in names:
            return index(a), index(b)
    return sympy.Dummy("r", integer=True), sympy.Dummy("c", integer=True)  # pragma: no cover


def _pattern_matrix(grid):
    widths = {len(row) for row in grid}
    if len(widths) != 1:
        raise _PatternError("the rows have different lengths")
    nrows, ncols = len(grid), widths.pop()
    ell = lambda x: x is _ELLIPSIS  # noqa: E731
    erows = [r for r in range(nrows) if all(ell(x) for x in grid[r])]
    ecols = [c for c in range(ncols) if all(ell(grid[r][c]) for r in range(nrows))]
    for r in range(nrows):
        for c in range(ncols):
            if ell(grid[r][c]) and r not in erows and c not in ecols:
                raise _PatternError(f"entry ({r + 1}, {c + 1}) is elided but neither its row nor "
                                    "its column is")
    if len(erows) > 1 or len(ecols) > 1:
        raise _PatternError("more than one row or column of dots")
    rows = [r for r in range(nrows) if r not in erows]
    cols = [c for c in range(ncols) if c not in ecols]
    if not rows or not cols:
        raise _PatternError("no entry is written")

    def values_of(cells, what, k):
        common = None
        for x in cells:
            v = _index_values(x)
            common = v if common is None else common & v
        if not common or len(common) != 1:
            raise _PatternError(f"cannot tell which index {what} {k + 1} stands for (its "
                                f"entries share the index values {sorted(map(str, common or ()))})")
        return next(iter(common))

    row_val = {r: values_of([grid[r][c] for c in cols], "row", r) for r in rows} \
        if erows or len(rows) > 1 else {r: None for r in rows}
    col_val = {c: values_of([grid[r][c] for r in rows], "column", c) for c in cols} \
        if ecols or len(cols) > 1 else {c: None for c in cols}
    rpos = (erows[0] if erows else None)
    cpos = (ecols[0] if ecols else None)
    if row_val[rows[0]] is not None:
        rstart, rcount = _sequence([row_val[r] for r in rows],
                                   None if rpos is None else sum(r < rpos for r in rows), "row")
    else:
        rstart, rcount = Integer(0), Integer(len(rows))
    if col_val[cols[0]] is not None:
        cstart, ccount = _sequence([col_val[c] for c in cols],
                                   None if cpos is None else sum(c < cpos for c in cols), "column")
    else:
        cstart, ccount = Integer(0), Integer(len(cols))
    used = set()
    for r in rows:
        for c in cols:
            used |= grid[r][c].free_symbols
    rv, cv = _fresh_pair(used)
    kinds: dict[str, list] = {"diagonal": [], "off-diagonal": []}
    for r in rows:
        for c in cols:
            vr, vc = row_val[r], col_val[c]
            mapping = {}
            if vr is not None:
                mapping[vr] = rv
            if vc is not None and vc != vr:
                mapping[vc] = cv
            kind = "diagonal" if vr is not None and vr == vc else "off-diagonal"
            kinds[kind].append(((r, c), _replace_indices(grid[r][c], mapping)))
    pattern, problems, misprints = {}, [], []
    for kind, cells in kinds.items():
        if not cells:
            continue
        best = Counter(t for _, t in cells).most_common(1)[0][0]
        odd = [pos for pos, t in cells if t != best]
        for r, c in odd:
            at = {rv: row_val[r]} if row_val[r] is not None else {}
            if col_val[c] is not None and col_val[c] != row_val[r]:
                at[cv] = col_val[c]
            misprints.append(((r, c), (row_val[r], col_val[c]), best.xreplace(at),
                              sum(t == best for _, t in cells)))
        if odd:
            where = ", ".join(f"({r + 1}, {c + 1}) {_tex(grid[r][c])}" for r, c in odd[:4])
            problems.append(f"{len(odd)} {kind} entr{'y does' if len(odd) == 1 else 'ies do'} "
                            f"not follow the pattern {_tex(best)} of the others: {where}")
        pattern[kind] = best
    if problems:
        raise _PatternError("; ".join(problems), tuple(misprints))
    off, diag = pattern.get("off-diagonal"), pattern.get("diagonal")
    if off is None:
        raise _PatternError("only diagonal entries are written: the others are unknown")
    if diag is None or _replace_indices(off, {cv: rv}) == diag:
        entry = off
    else:
        entry = sympy.Piecewise((diag, sympy.Eq(rv, cv)), (off, True))
    entry = entry.xreplace({rv: rv + rstart, cv: cv + cstart}) if (rstart or cstart) else entry
    return sympy.FunctionMatrix(rcount, ccount, sympy.Lambda((rv, cv), entry))



def _tex(expr) -> str:
    from symderiv.printer import to_latex
    return to_latex(expr)
