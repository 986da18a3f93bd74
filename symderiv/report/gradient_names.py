r"""The gradient names of code-oriented notes (``dX`` for ∂L/∂X), read from what their prose says.

Notes written beside code name gradients ``dZ``, ``dW``, ``dQ_{proj}`` and state, in words, what
each one is: "Where $dA = \frac{\partial L}{\partial A}$ ... Thus, $dZ = \frac{\partial L}{\partial
Z}$", "gradients with respect to inputs ($dX$), weights ($dW$), and bias ($dB$)", "the gradients
with respect to $Q$, $K$, and $V$ (denoted $dQ_{proj}$, $dK_{proj}$, $dV_{proj}$)", "Gradient
w.r.t. softmax output ($\text{softmax}(S)$)".  A display ``dZ = dA \odot f'(Z)`` of such a text is
then a claim about ∂L/∂Z (the chain rule through A = f(Z)), not the definition of a new name.

Per part of the text (its ``# `` titles), from anywhere in the part, before or after a formula:

- the **gradient names**: ``dY = \frac{\partial L}{\partial Y}`` written anywhere; a respective
  list ("with respect to $Q$, $K$ and $V$ (denoted $dQ_p$, $dK_p$, $dV_p$)"); a list of words
  with names ("inputs ($dX$), weights ($dW$), bias ($dB$)") matched to the prose's "$b$ is the bias
  vector"; and, in a text that names gradients so, ``dY`` of a name Y of the part's definitions,
  ``d(QK^T)`` or ``d\text{softmax}(S)`` of an expression one of them defines.
- the **aliases** its prose states: "Let $S$ represent `scaled_scores`", "the attention output
  $A$" beside a definition of ``\text{output}``.
- the **whole names**: the capitals of its definitions and the names it calls matrices ("$Q$,
  $K$, $V$ are ... matrices"); a size letter so declared (K) is a matrix there, not the size.
- how a **bias** is added (``Z = XW + b`` with X the input: b added to every row, ``\mathbf 1
  b^T``) and what a sum "over the batch" is (the sum of the rows, ``dZ^T \mathbf 1``).

Every such reading is a guess, so it is a doubt of the claim (``convention``): a claim checked
through it may be proved ("holds with dZ read as ∂L/∂Z (line 209)") but never refuted (the
verdict is then unknown, naming the reading).  L is a generic loss of the part's last output.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..read import Notation
from .model import FormulaSpec

__all__ = ["gradient_specs", "latex_key"]

_FENCE = re.compile(r"^\s*(```|~~~)")
_WRAP = re.compile(r"\\(?:text|mathrm|operatorname|textrm|texttt|mathit)\s*\{([^{}]*)\}")
_EXPLICIT = re.compile(r"^\s*(d\s*[A-Z][^=]*?)\s*=\s*\\frac\s*\{\s*\\partial\s*([A-Za-z])\s*\}"
                       r"\s*\{\s*\\partial\s*([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\s*$")
# the prose calls a d-name a gradient ("the gradient ... $dZ$", "$dA$ is the gradient")
_CUE = re.compile(r"\bgradients?\b[^.$]{0,80}\$\s*d\s*[A-Z]|"
                  r"\$\s*d\s*[A-Z][^$]*\$[^.$]{0,60}\bgradients?\b", re.I)
_MATH = re.compile(r"\$([^$]+)\$")
_WRT = r"(?:w\.\s*r\.\s*t\.?|with respect to)"
_RESPECTIVE = re.compile(r"gradients?\s+" + _WRT + r"\s+((?:\$[^$]+\$[\s,]*(?:and\s+)?){2,})"
                         r"\((?:denoted|written|called)\s+(?:as\s+|by\s+)?"
                         r"((?:\$[^$]+\$[\s,]*(?:and\s+)?){2,})\)", re.I)
_WORD_ITEM = re.compile(r"([A-Za-z]+)\s*\(\s*\$\s*(d[^$]+?)\s*\$\s*\)")
_IS_THE = re.compile(r"\$\s*([A-Za-z])\s*\$\s+is\s+(?:the|an?)\s+([^.\n;,$]*)")
_LET = re.compile(r"\b(?:[Ll]et|[Ww]here)\s+\$\s*([A-Za-z])\s*\$\s+(?:represents?|denotes?|be|"
                  r"stands? for|is)\s+(?:`([^`]+)`|\$([^$]+)\$)")
_LET_DEF = re.compile(r"\b[Ll]et\s+\$([^$]*)\$\s*\.?\s*$")
_MATRICES = re.compile(r"((?:\$\s*[A-Za-z]\s*\$[\s,]*(?:and\s+)?)+)\s+(?:are|is)\s+[^.\n]{0,200}?"
                       r"\bmatri(?:x|ces)\b")
_BATCH = re.compile(r"\\sum\s*_\s*\{\s*\\text\s*\{\s*(?:the\s+)?(batch|samples?|examples?|"
                    r"rows?|minibatch|mini-batch)\s*\}\s*\}")


def latex_key(latex: str) -> str:
    r"""A name as a key, however it is dressed: ``dQ_{\text{proj}}`` and ``dQ_{proj}`` →
    ``dQ_proj``; ``\text{scaled\_scores}`` → ``scaled_scores``."""
    s = latex.replace("\\left", "").replace("\\right", "").replace("\\_", "_")
    for _ in range(3):
        s = _WRAP.sub(r"\1", s)
    return re.sub(r"[\s{}]", "", s)


@dataclass(frozen=True)
class Gradient:
    var: str      # the LaTeX of the variable in the check (after the part's renaming)
    said: str     # the reading, as a doubt: "dZ read as ∂L/∂Z (line 209: the text says so)"


@dataclass
class _Part:
    text: str
    first: int                       # the part's first line
    loss: str = "L"
    defs: list = field(default_factory=list)        # (name key, latex, line)
    rename: dict = field(default_factory=dict)      # name key → LaTeX used in the check
    notes: dict = field(default_factory=dict)       # name key → why it is renamed
    grads: dict = field(default_factory=dict)       # d-name key → Gradient
    whole: set = field(default_factory=set)
    lines: list = field(default_factory=list)       # the part's lines
    cue_line: int = 0                               # where the text names a gradient dY
    rows_samples: bool | None = None                # X W: the samples are rows
    bias: dict = field(default_factory=dict)        # definition key → (new rhs, doubt)
    displayed: dict = field(default_factory=dict)   # d-name key → line of a display defining it
    d_lines: dict = field(default_factory=dict)     # d-name key → lines of formulas defining it

    def displayed_elsewhere(self, spec) -> set:
        """The d-names another formula of the part defines too."""
        return {k for k, lines in self.d_lines.items() if set(lines) - {spec.line}}


def _parts(text: str) -> list[tuple[int, int]]:
    """(first line, end line) of each part under a ``# `` title (the whole text if one)."""
    lines, fenced, heads = text.split("\n"), False, []
    for n, line in enumerate(lines, 1):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and re.match(r"# \S", line):
            heads.append(n)
    if len(heads) < 2:
        return [(1, len(lines) + 1)]
    bounds = [1] + heads[1:] + [len(lines) + 1]
    return list(zip(bounds, bounds[1:]))


def _sides(latex: str) -> list[str]:
    """The sides of an equation, split at the ``=`` outside braces and brackets."""
    out, depth, start = [], 0, 0
    for n, c in enumerate(latex):
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c == "=" and depth == 0 and latex[n - 1:n] not in ("<", ">", "!", ":", "\\"):
            out.append(latex[start:n])
            start = n + 1
    out.append(latex[start:])
    return [s.strip(" &") for s in out]


def _group_end(s: str, p: int) -> int:
    """The index after the bracket group opening at *p* (``(``, ``{`` or ``[``), or -1."""
    depth = 0
    for n in range(p, len(s)):
        if s[n] in "({[":
            depth += 1
        elif s[n] in ")}]":
            depth -= 1
            if depth == 0:
                return n + 1
    return -1


def d_terms(latex: str) -> list[tuple[int, int, str]]:
    r"""The d-names of a formula: (start, end, what follows the d) — ``dZ``, ``dQ_{\text{proj}}``,
    ``dS'``, ``d(QK^T)``, ``d\text{softmax}(S)``; never ``d_k``, ``dx`` or ``\odot``."""
    out = []
    for m in re.finditer(r"(?<![A-Za-z\\])d(?=\s*(?:[A-Z]|\\text|\\mathrm|\\operatorname|\())",
                         latex):
        p = m.end()
        while p < len(latex) and latex[p] == " ":
            p += 1
        if latex[p] == "(":
            end = _group_end(latex, p)
            if end < 0:
                continue
            out.append((m.start(), end, latex[p:end]))
            continue
        if latex[p] == "\\":
            w = re.match(r"\\(?:text|mathrm|operatorname)\s*\{[^{}]*\}", latex[p:])
            if not w:
                continue
            q = p + w.end()
            if q < len(latex) and latex[q] == "(":
                end = _group_end(latex, q)
                if end > 0:
                    out.append((m.start(), end, latex[p:end]))
            continue
        q = p + 1
        if q < len(latex) and latex[q].isalpha():
            continue                     # dAB..., a word, not a d-name
        sub = re.match(r"\s*_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[A-Za-z0-9])", latex[q:])
        if sub:
            q += sub.end()
        while q < len(latex) and latex[q] == "'":
            q += 1
        out.append((m.start(), q, latex[p:q]))
    return out


def _definitions(specs) -> list[tuple[str, str, int]]:
    """(name key, latex, line) of the part's definitions (not of its d-names)."""
    out = []
    for s in specs:
        if s.kind not in ("definition", "redefinition") or not s.defines:
            continue
        text = s.read or s.latex
        sides = _sides(text)
        if len(sides) != 2 or d_terms(sides[0]) or latex_key(sides[0]) != latex_key(s.defines):
            continue
        out.append((latex_key(s.defines), text, s.line))
    return out


def _letters(math: str) -> set[str]:
    """The capitals written as names (not ``^T``, not inside a command's name)."""
    math = re.sub(r"\^\s*\{?\s*T\s*\}?", " ", math)
    return set(re.findall(r"(?<![A-Za-z\\])([A-Z])(?![A-Za-z])", math))


def _build(text: str, first: int, end: int, specs: list, notation: Notation) -> _Part | None:
    lines = text.split("\n")
    body = "\n".join(lines[first - 1:end - 1])
    part = _Part(text=body, first=first, lines=body.split("\n"))
    explicit = [(s, _EXPLICIT.match(s.latex)) for s in specs]
    explicit = [(s, m) for s, m in explicit if m]
    if not explicit and not _CUE.search(body):
        return None
    if explicit:
        part.loss = explicit[-1][1].group(2)
    cue = _CUE.search(body)
    lines_at = [s.line for s, _ in explicit] + \
        ([first + body.count("\n", 0, cue.start())] if cue else [])
    part.cue_line = min(lines_at)
    part.defs = _definitions(specs)
    for s in specs:
        sides = _sides(s.read or s.latex)
        heads = d_terms(sides[0]) if len(sides) == 2 else []
        if heads and heads[0][:2] == (0, len(sides[0])):
            k = latex_key(sides[0])
            part.d_lines.setdefault(k, []).append(s.line)
            if s.kind in ("definition", "redefinition") and not _EXPLICIT.match(s.latex):
                part.displayed.setdefault(k, s.line)
    defined = {k for k, _, _ in part.defs}
    math = "\n".join(s.latex for s in specs)
    # aliases: "Let $S$ represent `scaled_scores`", "the attention output $A$"
    alias: dict[str, tuple[str, str]] = {}
    for m in _LET.finditer(body):
        target = latex_key(m.group(2) or m.group(3))
        if target in defined and m.group(1) not in defined:
            line = part.first + body.count("\n", 0, m.start())
            alias[target] = (m.group(1), f"{m.group(1)} read as {target} (line {line}: the text "
                                         "says so)")
    # one pass over the prose for all the defined names ("the attention output $A$")
    named = {k: [w for w in k.split("_") if w] for k in defined if k not in alias and len(k) > 1}
    named = {k: w for k, w in named.items() if w and all(x.isalpha() for x in w)}
    if named:
        pattern = "|".join(f"(?P<n{n}>{'[ _]'.join(map(re.escape, w))})"
                           for n, w in enumerate(named.values()))
        keys = list(named)
        for m in re.finditer(r"\b(?:" + pattern + r")\s+\$\s*(?P<letter>[A-Za-z])\s*\$", body):
            k = keys[next(n for n in range(len(keys)) if m.group(f"n{n}"))]
            letter = m.group("letter")
            if k in alias or letter in defined:
                continue
            line = part.first + body.count("\n", 0, m.start())
            alias[k] = (letter, f"{letter} read as {k} (line {line}: the prose calls {letter} "
                                f"the {' '.join(named[k])})")
    for k, (letter, why) in alias.items():
        part.rename[k], part.notes[k] = letter, why
    for k, _, _ in part.defs:
        if k not in part.rename and not re.fullmatch(r"[A-Za-z]+", k) and \
                re.fullmatch(r"[A-Za-z][A-Za-z_]*[A-Za-z]", k):
            part.rename[k] = "\\mathrm{" + k.replace("_", "") + "}"
            part.notes[k] = f"{k} written {k.replace('_', '')} in the check"
    # whole names: capitals of the definitions, the names the prose calls matrices
    for _, latex, _ in part.defs:
        part.whole |= _letters(_rename(latex, part))
    for m in _MATRICES.finditer(body):
        part.whole |= set(re.findall(r"\$\s*([A-Za-z])\s*\$", m.group(1)))
    part.whole |= {re.sub(r"\\mathrm\{(\w+)\}", r"\1", v) for v in part.rename.values()}
    part.whole = {w for w in part.whole if w not in (part.loss,)}
    # the samples are the rows of the input: Z = XW (+ b) with "$X$ is the input ..."
    inputs = {m.group(1) for m in _IS_THE.finditer(body) if re.match(r"inputs?\b", m.group(2))}
    for k, latex, line in part.defs:
        sides = _sides(latex)
        b = re.fullmatch(r"\s*([A-Z])\s*([A-Z])\s*\+\s*([a-z])\s*", sides[1])
        if not b:
            continue
        if b.group(1) in inputs:
            part.rows_samples = True
            rhs = f"{b.group(1)} {b.group(2)} + \\mathbf{{1}} {b.group(3)}^T"
            where = "row"
        elif b.group(2) in inputs:
            part.rows_samples = False
            rhs = f"{b.group(1)} {b.group(2)} + {b.group(3)} \\mathbf{{1}}^T"
            where = "column"
        else:
            continue
        part.bias[k] = (rhs, f"{b.group(3)} added to every {where} of "
                             f"{b.group(1)}{b.group(2)} (line {line}: the bias, broadcast over "
                             "the samples)")
    _gradients(part, specs, explicit, defined, math)
    return part


def _rename(latex: str, part: _Part) -> str:
    """*latex* with the part's names written as the check reads them."""
    def one(m):
        k = latex_key(m.group(0))
        return part.rename.get(k, m.group(0))
    return _WRAP.sub(one, latex)


def _gradients(part: _Part, specs, explicit, defined, math) -> None:
    """The part's gradient names (see the module docstring), strongest first."""
    loss = part.loss

    def add(name: str, var: str, said: str):
        k = latex_key(name)
        if k not in part.grads:
            part.grads[k] = Gradient(_rename(var, part), said)
    for s, m in explicit:
        add(m.group(1), m.group(3).strip(),
            f"{latex_key(m.group(1))} read as ∂{loss}/∂{latex_key(m.group(3))} (line {s.line}: "
            "the text writes so)")
    body, first = part.text, part.first
    for m in _RESPECTIVE.finditer(body):
        vars_ = _MATH.findall(m.group(1))
        names = _MATH.findall(m.group(2))
        line = first + body.count("\n", 0, m.start())
        if len(vars_) == len(names):
            for v, nm in zip(vars_, names):
                add(nm, v.strip(), f"{latex_key(nm)} read as ∂{loss}/∂{latex_key(v)} (line "
                                   f"{line}: the gradients with respect to "
                                   f"{', '.join(latex_key(x) for x in vars_)}, respectively)")
    described = {m.group(1): m.group(2) for m in _IS_THE.finditer(body)}
    for found in re.finditer(r"[^.!?]*(?:[.!?]|$)", body):   # each sentence, in one pass
        sentence = found.group(0)
        word = re.search(r"\bgradients?\b", sentence, re.I)
        if not word:
            continue
        line = first + body.count("\n", 0, found.start() + word.start())
        for m in _WORD_ITEM.finditer(sentence):
            word, name = m.group(1).lower(), m.group(2)
            stem = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
            suffix = latex_key(name)[1:]
            hits = [v for v, what in described.items() if v.lower() == suffix.lower() and
                    re.search(r"\b" + re.escape(stem), what, re.I)]
            if len(hits) == 1:
                add(name, hits[0], f"{latex_key(name)} read as ∂{loss}/∂{hits[0]} (line {line}: "
                                   f"the gradient for the {word}; {hits[0]} is the "
                                   f"{described[hits[0]].strip()})")
    # dY of a name of the part's definitions; d(expr) of an expression one of them defines
    nodes = {k for k, _, _ in part.defs} | {x for _, latex, _ in part.defs
                                             for x in _letters(latex)}
    rhs = {re.sub(r"\s", "", _rename(_sides(latex)[1], part)): (k, line)
           for k, latex, line in part.defs}
    lets = {latex_key(_sides(s.latex)[0]) for s in specs if _let_definition(s, part)}
    for s in specs:
        for a, b, what in d_terms(s.latex):
            name = s.latex[a:b]
            k = latex_key(name)
            if k in part.grads or k in lets:
                continue
            if "(" in what:
                inner = what[1:-1] if what.startswith("(") else what
                found = rhs.get(re.sub(r"\s", "", _rename(inner, part)))
                if found is not None:
                    node, line = found
                    var = part.rename.get(node, node if node.isalpha() and len(node) == 1
                                          else "\\text{" + node + "}")
                    part.grads[k] = Gradient(var, f"{k} read as ∂{loss}/∂{node} ("
                                                  f"{latex_key(inner)} is {node}, line {line})")
                continue
            y = latex_key(what)
            if y in nodes or y in part.rename or y in part.rename.values():
                part.grads[k] = Gradient(_rename(what, part),
                                         f"{k} read as ∂{loss}/∂{y} (the text's d-names are "
                                         f"gradients, line {part.cue_line})")


def _let_definition(spec: FormulaSpec, part: _Part) -> bool:
    """"Let $dS' = d\\text{softmax}(S)$": the prose names a new quantity."""
    lines = part.lines
    n = spec.line - part.first
    if not 0 <= n < len(lines):
        return False
    line = lines[n]
    return any(_LET_DEF.search(line[:m.end()]) and m.group(1).strip() == spec.latex.strip()
               for m in re.finditer(r"\$([^$]*)\$", line))


def _substitute(latex: str, part: _Part) -> tuple[str, list[str]] | None:
    """*latex* with its d-names written as ∂-fractions (None if one is not a gradient)."""
    out, at, said = [], 0, []
    for a, b, _ in d_terms(latex):
        g = part.grads.get(latex_key(latex[a:b]))
        if g is None:
            return None
        frac = f"\\frac{{\\partial {part.loss}}}{{\\partial {g.var}}}"
        if latex[b:].lstrip().startswith("^"):
            frac = f"\\left({frac}\\right)"
        out += [latex[at:a], " " + frac + " "]
        at = b
        if g.said not in said:
            said.append(g.said)
    out.append(latex[at:])
    return "".join(out), said


def _batch_sum(side: str, part: _Part) -> tuple[str, str] | None:
    r"""``\sum_{\text{batch}} M`` → the sum of the rows of M (samples are rows), or None."""
    m = _BATCH.search(side)
    if not m or part.rows_samples is None:
        return None
    rest = side[m.end():].strip()
    if not rest:
        return None
    new = side[:m.start()] + (f"\\left({rest}\\right)^T \\mathbf{{1}}" if part.rows_samples
                              else f"\\left({rest}\\right) \\mathbf{{1}}")
    return new, (f"the sum over the {m.group(1)} read as the sum of the "
                 f"{'rows' if part.rows_samples else 'columns'} (the samples)")


def _given(part: _Part) -> tuple[tuple[str, ...], list[str]]:
    out, said = [], []
    for k, latex, _ in part.defs:
        if k in part.bias:
            latex = f"{_sides(latex)[0]} = {part.bias[k][0]}"
            said.append(part.bias[k][1])
        out.append(_rename(latex, part))
    said += [part.notes[k] for k, _, _ in part.defs if k in part.notes]
    return tuple(out), said


def _notation(part: _Part, notation: Notation) -> Notation:
    whole = set(part.whole) | set(notation.matrices)
    size = notation.size
    if size in whole:   # K declared a matrix (the keys of attention) is not the size here
        used = set(re.findall(r"[A-Za-z]", part.text))
        size = next((c for c in "JNMTRUGH" if c not in used), "Ksize")
    return replace(notation, size=size, matrices=tuple(sorted(whole)))


def _entrywise_derivative(spec: FormulaSpec, part: _Part, notation: Notation):
    r"""``f'(Z) = \frac{\partial A}{\partial Z}`` beside ``A = f(Z)`` of a matrix Z: read entry by
    entry (f applies to each entry), a doubt."""
    m = re.fullmatch(r"\s*([A-Za-z])\s*'\s*\(\s*([A-Z])\s*\)\s*=\s*\\frac\s*\{\s*\\partial\s*"
                     r"([A-Z])\s*\}\s*\{\s*\\partial\s*([A-Z])\s*\}\s*", spec.latex)
    if not m or m.group(2) != m.group(4):
        return None
    f, z, a = m.group(1), m.group(2), m.group(3)
    if not any(re.fullmatch(rf"\s*{a}\s*=\s*{f}\s*\(\s*{z}\s*\)\s*", latex)
               for _, latex, _ in part.defs):
        return None
    said = (f"∂{a}/∂{z} read entry by entry, ∂{a}_ij/∂{z}_ij ({a} = {f}({z}) applies {f} to "
            f"each entry of {z})")
    return replace(spec, kind="claim", defines=None,
                   read=f"{f}'({z}_{{ij}}) = \\frac{{\\partial {a}_{{ij}}}}{{\\partial {z}_{{ij}}}}",
                   given=(f"{a}_{{ij}} = {f}({z}_{{ij}})",), convention=said, reading=said,
                   later=(), alternatives=(), opaque=(), unused=False)


def _rewrite(spec: FormulaSpec, part: _Part, notation: Notation) -> FormulaSpec:
    if spec.kind not in ("claim", "definition", "redefinition") or spec.lhs is not None:
        return spec
    sides = _sides(spec.read or spec.latex)
    if len(sides) != 2:
        return spec
    if spec.kind == "claim" and not d_terms(sides[0]):
        return _entrywise_derivative(spec, part, notation) or spec
    heads = d_terms(sides[0])
    if not heads or heads[0][0] != 0 or heads[0][1] != len(sides[0]):
        return spec
    if _EXPLICIT.match(spec.latex):
        name = latex_key(sides[0])
        if spec.kind == "claim" and name in part.displayed:
            # "Thus, dZ = ∂L/∂Z" after the display dZ = dA ⊙ f'(Z): the display's dZ, which the
            # text also names; refuted only through that reading
            said = f"{name} as its display defines it (line {part.displayed[name]})"
            return replace(spec, convention=spec.convention or said)
        return spec
    if _let_definition(spec, part) and latex_key(sides[0]) not in part.displayed_elsewhere(spec):
        # "Let $dS' = d\text{softmax}(S)$": the text names a quantity, a definition
        return replace(spec, kind="definition", defines=latex_key(sides[0]),
                       reading=f"the prose introduces {latex_key(sides[0])} with \"Let\": "
                               "a definition")
    app = re.fullmatch(r"\s*\\text\s*\{\s*([A-Za-z]+(?:\.[A-Za-z_]+)+)\s*\}\s*\(([^()]*)\)\s*",
                       sides[1])
    if app and latex_key(sides[0]) in part.grads:
        # dS = \text{softmax.backprop}(dS'): names the backward map (code's method), not dS
        name = app.group(1)
        return replace(spec, kind="definition", defines=name,
                       read=f"{sides[0]} = \\operatorname{{{name.replace('.', '')}}}"
                            f"({app.group(2)})",
                       reading=f"names the backward map {name} (a function the text does not "
                               f"write out): {latex_key(sides[0])} stays the gradient")
    if not d_terms(sides[1]) and part.loss not in {k for k, _, _ in part.defs}:
        # dZ = A - Y: a closed form holds only for the loss the text has in mind, which it
        # does not define here; only a rule in terms of upstream gradients holds for any loss
        return spec
    left = _substitute(sides[0], part)
    right = _substitute(sides[1], part)
    if left is None or right is None:
        return spec
    rhs, said = right[0], left[1] + [x for x in right[1] if x not in left[1]]
    batch = _batch_sum(rhs, part)
    if batch is not None:
        rhs, doubt = batch
        said.append(doubt)
    elif "\\sum" in rhs and re.search(r"\\sum\s*_\s*\{\s*\\text", rhs):
        return spec
    given, notes = _given(part)
    said += [n for n in notes if n not in said]
    said.append(f"{part.loss} a loss of the part's last output")
    conv = "; ".join(said)
    resolved = {part.loss} | set(part.rename.values()) | {latex_key(s) for s in part.rename} | \
        {latex_key(sides[0])} | {latex_key(spec.latex[a:b]) for a, b, _ in d_terms(spec.latex)}
    opaque = tuple((n, line) for n, line in spec.opaque
                   if n not in resolved and n not in {v for v in part.rename.values()}
                   and not _aliased(n, part))
    return replace(spec, kind="claim", defines=None,
                   read=f"{left[0].strip()} = {_rename(rhs, part).strip()}",
                   given=given, convention=conv, reading=conv, later=(), alternatives=(),
                   opaque=opaque, unused=False, notation=_notation(part, notation))


def _aliased(name: str, part: _Part) -> bool:
    """A name the part's prose explains (an alias letter, a renamed name)."""
    return name in part.rename.values() or latex_key(name) in part.rename


def gradient_specs(text: str, specs: list, notation: Notation) -> list:
    """*specs* (the formulas of a document, in order) with the gradient names of each part read
    from its prose: a display about a gradient name becomes a claim, checked as ∂L/∂Y with
    the reading as its doubt (see the module docstring); every other formula is unchanged."""
    if notation.differentials:
        return specs            # dz = dW^T x: differentials, not gradient names
    out = list(specs)
    for first, end in _parts(text):
        idx = [n for n, s in enumerate(out) if first <= s.line < end and not s.id.startswith("p")
               and s.kind != "mention"]
        if not idx:
            continue
        part = _build(text, first, end, [out[n] for n in idx], notation)
        if part is None or not part.grads:
            continue
        for n in idx:
            out[n] = _rewrite(out[n], part, notation)
    return out
