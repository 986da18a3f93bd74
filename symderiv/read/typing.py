r"""The symbol table of one formula, and the choice points where a construct has two readings.

:class:`SymbolTable` knows, from the :class:`~symderiv.read.model.Notation` and a scan of the
tokens, which names are functions, indices, labels, vectors and sizes, and which names are
used as values elsewhere in the formula. It decides the juxtapositions the grammar leaves open
(``f(x)``: an application or a product; ``NLL``: a name or a product of letters). Where the
text alone cannot decide, :class:`Choices` records a choice point: the preferred reading is
taken and its doubt noted, and the formula is read again with the other option for each point
(:func:`symderiv.read.formula.read_formula` keeps those as alternative readings).
"""
from __future__ import annotations

import re

from .normalize import Tok

BOLD = ("\\mathbf", "\\boldsymbol", "\\bm", "\\pmb")

# names that are functions wherever they are followed by an argument
ALWAYS_FUNCTIONS = {"sigma", "softmax", "sigmoid", "relu", "ReLU", "Relu", "tanh", "Softmax",
                    "SoftMax", "Sig", "sig", "Identity", "identity", "phi", "ELU", "GELU", "LSE",
                    "logsumexp", "argmax", "argmin", "diag", "Diag", "tr", "trace"}
_LABEL_STRIP = re.compile(r"\s+")


def label_key(s: str) -> str:
    s = _LABEL_STRIP.sub("", s)
    while s.startswith("{") and s.endswith("}"):
        s = s[1:-1]
    return s


def canon_name(s: str) -> str:
    """``'A^O'`` → ``'A^{O}'``, ``'\\beta'`` → ``'beta'``: the base names the reader builds."""
    s = s.strip()
    m = re.fullmatch(r"(\\?[A-Za-z]+'?)\s*(?:\^\s*(\{.*\}|\S))?", s)
    if not m:
        return s
    name = m.group(1).lstrip("\\")
    if m.group(2):
        name += "^{" + label_key(m.group(2)) + "}"
    return name


class Choices:
    """The choice points met while reading, and the options forced for this reading.

    A key names a construct, not a place: every ``dA`` of a formula, every δ-fraction, every
    ``f(...)`` of one name is read the same way, so the readings stay coherent."""

    def __init__(self, forced: dict | None = None):
        self.forced = dict(forced or {})
        self.points: list = []            # keys, in the order met
        self.doubts: list[str] = []

    def choose(self, key, doubts: tuple[str, ...]) -> int:
        """Option 0 (preferred) unless forced; *doubts* holds the doubt of each option."""
        n = self.forced.get(key, 0)
        if key not in self.points:
            self.points.append(key)
        self.note(doubts[n])
        return n

    def note(self, doubt: str):
        if doubt and doubt not in self.doubts:
            self.doubts.append(doubt)


class SymbolTable:
    """What the names of one formula are (see the module docstring)."""

    def __init__(self, notation, toks: list[Tok], match: dict):
        self.nt = notation
        self.functions = {canon_name(f) for f in notation.functions}
        self.vectors = {canon_name(v) for v in notation.vectors}
        self.labels = {label_key(lab) for lab in notation.labels}
        self.index_names = set(notation.indices) | self._scan_indices(toks, match)
        self.values, self.called, self.indexed = self._scan_uses(toks, match)
        self.matrices = {canon_name(m) for m in notation.matrices}
        self.t_is_name = self._t_alone(toks)
        self.bound_letters = self._bound(toks)
        self.matrix_mode = self._scan_matrix(toks, match)
        self.families = self._families(toks, match) if self.matrix_mode else set()

    @staticmethod
    def _bound(toks) -> set[str]:
        """Letters a sum or product binds (``\\sum_{d}``, ``\\Sigma_d``, ``\\sum_{k=1}``)."""
        out = set()
        for p, t in enumerate(toks):
            if t.kind == "cmd" and t.text in ("sum", "prod") or t.kind == "greek" and \
                    t.text == "Sigma":
                q = p + 1
                while q < len(toks) and toks[q].kind in ("ws", "char") and toks[q].text in \
                        (" ", "_", "{"):
                    q += 1
                if q < len(toks) and toks[q].kind in ("letter", "greek"):
                    out.add(toks[q].text)
        return out

    @staticmethod
    def _families(toks, match) -> set[str]:
        r"""Lowercase names written with a letter index right after a transposed vector
        (``w^T x_i``, ``\theta^{\top} x_n``): the i-th of several vectors (samples)."""
        out, n = set(), len(toks)
        for p, t in enumerate(toks):
            if not (t.kind == "char" and t.text == "^") or _upper_limit(toks, p, match):
                continue
            q = p + 1
            while q < n and toks[q].kind == "ws":
                q += 1
            if q >= n:
                continue
            inner, end = [toks[q]], q + 1
            if toks[q].kind == "char" and toks[q].text == "{" and q in match:
                inner = [x for x in toks[q + 1:match[q]] if x.kind != "ws"]
                end = match[q] + 1
            if not (len(inner) == 1 and (inner[0].kind == "letter" and inner[0].text == "T" or
                                         inner[0].kind == "cmd" and
                                         inner[0].text in ("top", "intercal"))):
                continue
            r = end
            while r < n and toks[r].kind == "ws":
                r += 1
            s = r + 1
            while s < n and toks[s].kind == "ws":
                s += 1
            if r < n and s < n and toks[r].kind == "letter" and toks[r].text.islower() and \
                    toks[s].kind == "char" and toks[s].text == "_":
                u = s + 1
                while u < n and toks[u].kind in ("ws",) or u < n and toks[u].text == "{":
                    u += 1
                if u < n and toks[u].kind == "letter":
                    out.add(toks[r].text)
            if r < n and s < n and toks[r].kind == "letter" and toks[r].text.islower() and \
                    _sample_label(toks, s, match):
                out.add(toks[r].text)     # \theta^T x^{(i)}: the i-th sample
        return out

    @staticmethod
    def _t_alone(toks) -> bool:
        """Is the letter T written anywhere but as a superscript (``T = 1``, ``T_i``)?"""
        for p, t in enumerate(toks):
            if t.kind != "letter" or t.text != "T":
                continue
            q = p - 1
            while q >= 0 and toks[q].kind == "ws":
                q -= 1
            if q >= 0 and toks[q].kind == "char" and toks[q].text == "{":
                q -= 1
            if not (q >= 0 and toks[q].kind == "char" and toks[q].text == "^"):
                return True
        return False

    def _scan_matrix(self, toks, match) -> bool:
        r"""Vector notation: a transpose of a whole name or group (``X^T``, ``(QK^T)^T``), ``\odot``,
        ``\circ``, ``\mathrm{diag}``, or a name the document uses as a whole matrix."""
        n = len(toks)
        for p, t in enumerate(toks):
            if t.kind == "cmd" and t.text in ("odot", "circ", "nabla", "|", "Vert", "lVert"):
                return True                # ⊙, ∇, a norm \|v\|: vector notation
            if t.kind == "num" and t.text == "1" and t.src.startswith(BOLD):
                return True                # \mathbf{1}: the vector of ones
            if t.kind in ("word", "text") and t.text in ("diag", "Diag", "tr", "trace"):
                return True
            if self.nt.inner_colon and t.kind == "char" and t.text == ":" and \
                    not (p + 1 < n and toks[p + 1].text == "=") and not _case_label(toks, p):
                return True                # A:B, the Frobenius inner product of the text
            if self.nt.differentials and t.kind == "letter" and t.text == "d" and \
                    p + 1 < n and toks[p + 1].kind in ("letter", "greek") and \
                    toks[p + 1].pos == t.end and toks[p + 1].text in self.nt.differentials:
                return True                # dz in a text that writes differentials
            if self._bold_capital(toks, p) and self._bold_capital(toks, self._next(toks, p)):
                return True                # \mathbf{X} \mathbf{W}: a product of matrices
            if t.kind == "cmd" and t.text == "partial" and self._bold_alone(toks,
                                                                            self._next(toks, p)):
                return True                # ∂/∂\mathbf{z}: by a whole (bold) vector
            if t.kind == "char" and t.text == "^" and not _upper_limit(toks, p, match):
                q = p + 1
                while q < n and toks[q].kind == "ws":
                    q += 1
                if q >= n:
                    continue
                inner = [toks[q]]
                end = q + 1
                if toks[q].kind == "char" and toks[q].text == "{" and q in match:
                    inner = [x for x in toks[q + 1:match[q]] if x.kind != "ws"]
                    end = match[q] + 1
                if len(inner) > 3 and inner[0].kind == "char" and inner[0].text == "[" and \
                        inner[-2].kind == "char" and inner[-2].text == "]":
                    inner = inner[-1:]     # A^{[l-1]T}: a layer's transpose
                if len(inner) == 1 and (inner[0].kind == "letter" and inner[0].text == "T" or
                                        inner[0].kind == "cmd" and
                                        inner[0].text in ("top", "intercal")):
                    r = end
                    while r < n and toks[r].kind == "ws":
                        r += 1
                    if not (r < n and toks[r].kind == "char" and toks[r].text == "_"):
                        return True        # W^T_{ij} is an entry, not vector notation
        if self.matrices:
            names = self.values | self.called | self.indexed
            return any(m.split("_")[0].split("^")[0] in names for m in self.matrices)
        return False

    @staticmethod
    def _next(toks, p) -> int:
        q = p + 1
        while q < len(toks) and toks[q].kind == "ws":
            q += 1
        return q

    def _bold_alone(self, toks, p) -> bool:
        """A bold letter written alone (``\\mathbf{z}``, not ``\\mathbf{z}_i``)."""
        if p >= len(toks) or toks[p].kind not in ("letter", "greek") or \
                not toks[p].src.startswith(BOLD):
            return False
        q = self._next(toks, p)
        return not (q < len(toks) and toks[q].kind == "char" and toks[q].text in "_^")

    def _bold_capital(self, toks, p) -> bool:
        """A bold capital written alone (``\\mathbf{W}``, not ``\\mathbf{W}_{ij}``)."""
        if p >= len(toks):
            return False
        t = toks[p]
        q = self._next(toks, p)
        return (t.kind == "letter" and t.text.isupper() and t.src.startswith(BOLD)
                and not (q < len(toks) and toks[q].kind == "char" and toks[q].text == "_"))

    def capital_product(self, toks) -> bool:
        """Two whole single-letter names side by side, one a capital (``A I``, ``W x``, ``XW``,
        not ``dA`` nor ``NLL``): matrices perhaps."""
        n = len(toks)

        def letter(q):
            return 0 <= q < n and toks[q].kind == "letter"

        def glued(q, r):
            return letter(q) and letter(r) and toks[q].end == toks[r].pos

        def alone(q):             # not part of a longer run, no script, no argument
            if not letter(q) or toks[q].text in self.functions:
                return False
            if q > 0 and toks[q - 1].kind == "char" and toks[q - 1].text in "_^":
                return False
            return not (q + 1 < n and toks[q + 1].kind == "char" and toks[q + 1].text in "_^'(")
        for q in range(n - 1):
            if not letter(q) or glued(q - 1, q):
                continue
            if glued(q, q + 1):
                pair = (q, q + 1)
                if glued(q + 1, q + 2) or toks[q].text == "d":
                    continue
            else:
                r = q + 1
                while r < n and toks[r].kind == "ws":
                    r += 1
                if r == q + 1 or glued(r, r + 1):
                    continue
                pair = (q, r)
            if all(alone(x) or x == pair[0] and glued(*pair) for x in pair) and \
                    any(toks[x].text.isupper() for x in pair):
                return True
        return False

    def _scan_indices(self, toks, match) -> set[str]:
        """Letters used as subscripts (or summation variables) anywhere in the formula; a
        braced run of three or more letters that are not all index letters is a label
        (``y_{true}``), not indices."""
        found = set()
        for p, t in enumerate(toks):
            if t.kind == "char" and t.text == "_" and p + 1 < len(toks) and not (
                    p > 0 and toks[p - 1].kind == "cmd" and toks[p - 1].text == "nabla"):
                q = p + 1
                while q < len(toks) and toks[q].kind == "ws":
                    q += 1
                if q >= len(toks):
                    continue
                if toks[q].kind in ("letter", "greek"):
                    found.add(toks[q].text)
                elif toks[q].kind == "char" and toks[q].text == "{" and q in match:
                    inner = [toks[r] for r in range(q + 1, match[q])]
                    for run in self._runs(inner):
                        if not self.is_label_run(run):
                            found |= {x.text for x in run if x.kind in ("letter", "greek")}
        found.discard(self.nt.size)
        if isinstance(self.nt.upper, str):
            found.discard(self.nt.upper)
        return found

    @staticmethod
    def _runs(inner: list[Tok]) -> list[list[Tok]]:
        """Adjacent letters grouped (``pred_i`` → ``pred``, ``_``, ``i``)."""
        runs: list[list[Tok]] = []
        for x in inner:
            if runs and x.kind == "letter" and runs[-1][-1].kind == "letter" and \
                    runs[-1][-1].end == x.pos:
                runs[-1].append(x)
            else:
                runs.append([x])
        return runs

    def is_label_run(self, inner: list[Tok]) -> bool:
        """``true`` in ``y_{true}``: three or more adjacent letters, not all index letters;
        or two capitals (``L_{CE}``, ``D_{KL}``: an abbreviation, never two indices)."""
        if len(inner) < 2 or any(x.kind != "letter" for x in inner):
            return False
        if any(inner[n + 1].pos != inner[n].end for n in range(len(inner) - 1)):
            return False
        if len(inner) == 2:
            return all(x.text.isupper() for x in inner)
        return not all(x.text in self.nt.indices for x in inner)

    @staticmethod
    def _scan_uses(toks, match) -> tuple[set, set, set]:
        """Names written without a following ``(`` (values), with one (called), and with a
        subscript (indexed)."""
        values, called, indexed = set(), set(), set()
        n = len(toks)
        p = 0
        while p < n:
            t = toks[p]
            if t.kind not in ("letter", "greek", "word"):
                p += 1
                continue
            r = p
            while t.kind == "letter" and r + 1 < n and toks[r + 1].kind == "letter" and \
                    toks[r + 1].pos == toks[r].end:
                r += 1
            name = "".join(x.text for x in toks[p:r + 1])
            q = r + 1
            while q < n:                    # skip scripts and primes
                if toks[q].kind == "ws":
                    q += 1
                elif toks[q].kind == "char" and toks[q].text in "_^":
                    if toks[q].text == "_":
                        indexed.add(name)
                    q += 1
                    while q < n and toks[q].kind == "ws":
                        q += 1
                    q = match[q] + 1 if q in match and match[q] > q else q + 1
                elif toks[q].kind == "char" and toks[q].text == "'":
                    q += 1
                else:
                    break
            is_call = q < n and toks[q].kind == "char" and toks[q].text in "(["
            (called if is_call else values).add(name)
            if len(name) > 1 and not is_call:
                values.update(name)
            p = r + 1
        return values, called, indexed

    # -- decisions ---------------------------------------------------------------------------
    def is_value(self, name: str, base: str) -> bool:
        return (name == "e" or name in self.index_names or name == self.nt.size
                or name == "beta" or base in self.vectors or name in self.values
                or base in self.values)

    def is_function(self, name: str, base: str, kind: str, prime: bool) -> bool:
        return (prime or base in self.functions or name in self.functions
                or name in ALWAYS_FUNCTIONS or (kind == "word" and len(name) > 1
                                                and not name.startswith("\\")))


_RELATION_CMDS = {"neq", "ne", "leq", "geq", "le", "ge", "lt", "gt", "leqslant", "geqslant"}


def _case_label(toks, p: int) -> bool:
    """Is the colon at *p* outside every bracket, after a relation outside every bracket
    (``i = j: …``, ``i \neq j: …``): a case label, not an inner product?"""
    depth, relation = 0, False
    for t in toks[:p]:
        if t.kind == "char" and t.text in "({[":
            depth += 1
        elif t.kind == "char" and t.text in ")}]":
            depth -= 1
        elif depth == 0 and (t.kind == "char" and t.text in "=<>" or
                             t.kind == "cmd" and t.text in _RELATION_CMDS):
            relation = True
    return depth == 0 and relation


def _upper_limit(toks, p: int, match: dict) -> bool:
    r"""Is the ``^`` at *p* the upper limit of a sum or product (``\sum_{t=1}^{T}``,
    ``\sum^{T}``), not a transpose or a power?"""
    def back(q):
        q -= 1
        while q >= 0 and toks[q].kind == "ws":
            q -= 1
        return q

    def big(q):
        return q >= 0 and (toks[q].kind == "cmd" and toks[q].text in ("sum", "prod") or
                           toks[q].kind == "greek" and toks[q].text == "Sigma")
    q = back(p)
    if big(q):
        return True
    if q >= 0 and toks[q].kind == "char" and toks[q].text == "}":
        opener = next((o for o, c in match.items() if c == q), None)
        if opener is None:
            return False
        q = back(opener)
    else:
        q = back(q)   # a one-token subscript: \sum_t^T
    return q >= 0 and toks[q].kind == "char" and toks[q].text == "_" and big(back(q))


def _sample_label(toks, s: int, match) -> bool:
    """Do the tokens from *s* write ``^{(i)}`` (a sample's label: one letter in parentheses)?"""
    if not (toks[s].kind == "char" and toks[s].text == "^"):
        return False
    q = s + 1
    while q < len(toks) and toks[q].kind == "ws":
        q += 1
    if q >= len(toks) or not (toks[q].kind == "char" and toks[q].text == "{") or q not in match:
        return False
    inner = [x for x in toks[q + 1:match[q]] if x.kind != "ws"]
    return len(inner) == 3 and inner[0].text == "(" and inner[1].kind == "letter" and \
        inner[2].text == ")"
