"""Auditing raw documents: every formula found is listed, and checked when it can be read."""
from __future__ import annotations

import functools
import re
from dataclasses import replace
from pathlib import Path

import sympy

from ..extract import extract_formulas
from ..notation import Partial, SymderivError
from ..read import Notation, split_display, top_level_equals
from ..read.prose import (_SECTION, _case_at, _case_headings, _corrects, _denied,
                           _introduces_definition, _introduces_example, _section_end,
                           _sentence, _sum_to_one_cues, _THROUGHOUT)
from .markdown import ICON, _code, _md_text
from .model import ClaimFile, FormulaResult, FormulaSpec, PostReport

__all__ = ["audit_document", "audit_posts", "find_code_blocks"]

_DEF = re.compile(r"^\s*def\s+\w+\s*\(.*\)\s*:", re.M)


def find_code_blocks(text: str) -> list[tuple[int, str]]:
    """(line, first line) of each Python function in the text (listed, never run)."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(0).strip())
            for m in _DEF.finditer(text)]


_CONDITION = re.compile(r"^\s*\(?\s*([A-Za-z])\s*(==?|\\neq?\b|!=|≠)\s*([A-Za-z]|\d+)\s*\)?\s*$")


@functools.lru_cache(maxsize=4096)
def _read(latex: str, notation: Notation):
    """read_formula, once per formula and notation (the context rules ask several times)."""
    from ..read import read_formula
    return read_formula(latex, notation)


def _nearest_conditions(conds: dict, offsets: list, n: int) -> tuple[str, ...]:
    """The case conditions of formula n's sentence: per pair of letters, the nearest one
    before it (else the nearest after it), so "for $i = j$ ... for $i \\neq j$ ..." splits."""
    here = offsets[n]
    best: dict = {}
    for m, (c, (a, b)) in sorted(conds.items()):
        if not a <= here < b:
            continue
        key = frozenset(re.findall(r"\b[A-Za-z0-9]+\b", c.replace("\\neq", "")))
        rank = (0, here - offsets[m], m) if m < n else (1, offsets[m] - here, m)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, c)
    return tuple(c for _, c in sorted(best.values()))


def _condition_of(latex: str) -> str | None:
    """A formula that is only a case condition between index letters (``i \\neq j``)."""
    m = _CONDITION.match(latex)
    if not m or m.group(1) == m.group(3):
        return None
    if m.group(3).isdigit() and m.group(2) in ("=", "=="):
        return None   # "T = 2", "m = 2": a stated value (see _value_of), not a case
    op = "=" if m.group(2) in ("=", "==") else r"\neq"
    return f"{m.group(1)} {op} {m.group(3)}"


def _defined_name(latex: str, notation: Notation) -> str | None:
    """The name a formula defines (``y_i = ...``, ``L = ...``), or None."""
    from ..notation import base_name
    from ..api import with_function_names
    try:
        f = _read(latex, with_function_names([latex], notation))
    except SymderivError:
        return None
    if len(f.parts) != 2 or f.conditions:
        return None
    target = f.parts[0]
    if isinstance(target, sympy.core.function.AppliedUndef):
        params = {str(a) if isinstance(a, sympy.Symbol) else base_name(a)
                  if isinstance(a, sympy.Indexed) else a for a in target.args}
        name = str(target.func)
        rhs = f.parts[1]
        used = {str(x) for x in rhs.free_symbols} | {base_name(a) for a in rhs.atoms(
            sympy.Indexed)} | {str(a.func) for a in rhs.atoms(sympy.core.function.AppliedUndef)}
        if "'" in name or not params or not params <= used:
            return None   # σ'(x) = ... states a derivative, it defines nothing
        return name
    if isinstance(target, sympy.Indexed) and all(i.is_Integer for i in target.indices):
        from ..api import entry_symbol
        if not all(isinstance(p, sympy.Basic) and p.is_number for p in f.parts[1:]):
            return str(entry_symbol(target))   # O_1 = ReLU(...): one entry, defined alone
        return None   # x_1 = 6: a value, see _value_of
    if isinstance(target, sympy.Indexed) and all(isinstance(i, sympy.Symbol)
                                                 for i in target.indices):
        name = base_name(target)
    elif isinstance(target, sympy.Symbol):
        name = target.name
    else:
        return None
    used = {base_name(a) for a in f.parts[1].atoms(sympy.Indexed)} | {
        str(x) for x in f.parts[1].free_symbols}
    if name in used or not (f.parts[1].free_symbols - set(getattr(target, "indices", ()))):
        return None   # a recurrence or a value (x = 2), not a definition
    return name


def _defines_entries(latex: str, notation: Notation) -> bool:
    """The definition's left side is an entry with index letters (``\\hat y_i = …``)."""
    try:
        target = _read(latex, notation).parts[0]
    except (SymderivError, IndexError):
        return False
    return isinstance(target, sympy.Indexed) and all(isinstance(i, sympy.Symbol)
                                                     for i in target.indices)


def _definition_text(latex: str, notation: Notation) -> str:
    """A chain ``L = A = B`` whose first link defines a name (``L = A``): that first link,
    the definition the rest of the chain is checked under; else the formula itself."""
    eqs = top_level_equals(latex)
    if len(eqs) < 2 or _defined_name(latex, notation) is not None:
        return latex
    first = latex[:eqs[1]].strip()
    return first if _defined_name(first, notation) is not None else latex


def _is_assumption(latex: str, notation: Notation, defined: set) -> bool:
    """``\\sum_k t_k = 1``: an equation about data the document does not define (no
    derivative, no defined name, not a definition) states an assumption, not a claim."""
    from ..notation import base_name
    try:
        f = _read(latex, notation)
    except SymderivError:
        return False
    if len(f.parts) != 2 or f.conditions or any(p.has(Partial) for p in f.parts):
        return False
    lhs, rhs = f.parts
    if isinstance(lhs, (sympy.Symbol, sympy.Indexed)) or not lhs.has(sympy.Sum):
        return False
    data = {base_name(a) for p in f.parts for a in p.atoms(sympy.Indexed)}
    names = data | {str(s) for p in f.parts for s in p.free_symbols
                    if not isinstance(s, sympy.Indexed)}
    return bool(data) and not (names & defined) and not rhs.has(sympy.Indexed)


def _unread_definition(latex: str, notation: Notation) -> str | None:
    """The name a formula defines when the formula looks like a definition (a lone name, or
    a function of plain arguments, on the left of its first '=') but cannot be read."""
    from ..notation import base_name
    try:
        parts = _read(latex, notation).parts
        head = parts[0] if len(parts) >= 2 else None
        if isinstance(head, sympy.Pow) and isinstance(head.base, (sympy.Symbol, sympy.Indexed)):
            return base_name(head.base)   # σ^2 = ...: a power defined, not read as a name
        return None
    except SymderivError:
        pass
    eqs = top_level_equals(latex)
    if not eqs:
        return None
    head = latex[:eqs[0]].strip().rstrip(":&").strip()
    try:
        target = _read(head, notation).parts
    except SymderivError:
        return None
    if len(target) != 1:
        return None
    target = target[0]
    if isinstance(target, sympy.core.function.AppliedUndef):
        name = str(target.func)
    elif isinstance(target, (sympy.Symbol, sympy.Indexed)) and not target.is_number:
        name = base_name(target)
    else:
        return None
    if re.search(r"(?<![A-Za-z\\])" + re.escape(name) + r"\s*_", latex[eqs[0] + 1:]):
        return None   # y = \{y_1, \dots, y_K\}: a listing of its entries, not a definition
    return name


def _value_of(latex: str, notation: Notation) -> tuple[str, int | None] | None:
    """``z = (0, 2\\ln 3)``, ``T = 2``: a stated value of a plain name (its length, or None
    for a number) — a worked example's data, used for the rest of its paragraph."""
    try:
        f = _read(latex, notation)
    except SymderivError:
        return None
    if len(f.parts) != 2 or f.conditions:
        return None
    target, value = f.parts
    if isinstance(target, sympy.Indexed) and all(i.is_Integer for i in target.indices) and \
            isinstance(value, sympy.Basic) and value.is_number:
        return str(target), None   # "let x_1 = 6": the value of one entry of the data
    if not isinstance(target, sympy.Symbol):
        return None
    if isinstance(value, sympy.MatrixBase):
        if 1 in value.shape and all(x.is_number for x in value):
            return f.parts[0].name, max(value.shape)
        return None
    if isinstance(value, sympy.Basic) and value.is_number:
        return f.parts[0].name, None
    return None


def _states_condition(latex: str, notation: Notation) -> bool:
    """The formula carries its own case condition (``i \\neq j: ...``, ``\\quad (i = j)``)."""
    try:
        return bool(_read(latex, notation).conditions)
    except SymderivError:
        return False


_DOTS = ("\\dots", "\\ldots", "\\cdots")


def _top_level_commas(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for n, c in enumerate(text):
        if c in "{(":
            depth += 1
        elif c in "})":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(text[start:n])
            start = n + 1
    return out + [text[start:]]


def _enumerated(latex: str, notation: Notation) -> str | None:
    """``y_1 = E(1), \\dots, y_K = E(K)`` → ``y_{i} = E(i)`` (checked against the first item)."""
    from ..printer import to_latex
    if not any(d in latex for d in _DOTS):
        return None
    items = [t.strip() for t in _top_level_commas(latex) if t.strip() not in _DOTS + ("",)]
    if len(items) < 2 or any("=" not in t for t in items):
        return None
    try:
        first, last = _read(items[0], notation), _read(items[-1], notation)
        i = _read("y_i = 0", notation).parts[0].indices[0]
    except SymderivError:
        return None
    if len(first.parts) != 2 or len(last.parts) != 2:
        return None
    (t1, e1), (tk, ek) = first.parts, last.parts
    if not (isinstance(t1, sympy.Indexed) and isinstance(tk, sympy.Indexed)
            and t1.base == tk.base and len(tk.indices) == 1 and tk.indices[0].is_Symbol
            and t1.indices[0].is_Integer):
        return None
    k = tk.indices[0]

    def at(e, old, new):
        return e.replace(lambda a: isinstance(a, sympy.Indexed) and old in a.indices,
                         lambda a: a.base[tuple(new if x == old else x for x in a.indices)])
    general = at(ek, k, i)
    if sympy.simplify(at(general, i, t1.indices[0]) - e1) != 0:
        return None
    return f"{to_latex(tk.base[i])} = {to_latex(general)}"


def _pieces(text: str, notation: Notation) -> tuple[list[FormulaSpec], list[int]]:
    """Every equation of the document (displays split), with its offset; ``&= ...`` lines
    continue the chain of the line before; enumerated definitions are read as one."""
    specs, offsets = [], []
    for n, found in enumerate(extract_formulas(text), 1):
        # inline math with line breaks ($A = B \\ C = D$) holds several equations too
        several = found.kind == "display" or "\\\\" in found.latex
        pieces = split_display(found.latex, keep_tabs=True) if several else [found.latex]
        previous = None
        for m, piece in enumerate(pieces, 1):
            if not piece.strip():
                continue
            spec = FormulaSpec(id=f"f{n}" + (f".{m}" if len(pieces) > 1 else ""),
                               line=found.line, latex=piece)
            eqs = top_level_equals(piece)
            if piece.lstrip(" &").startswith(("=", "\\approx")) and m > 1 and specs \
                    and specs[-1].read is None \
                    and specs[-1].lhs is None and top_level_equals(specs[-1].latex):
                # "&= ..." continues the chain of the row before: one chain, each link
                # judged, and each side's claim is "first side = this side"
                specs[-1] = replace(specs[-1], latex=specs[-1].latex.rstrip() + " " + piece.strip())
                if eqs:
                    previous = piece[eqs[-1] + 1:].strip() or previous
                continue
            if piece.lstrip(" &").startswith("=") and previous is not None:
                # "&= ..." continues the chain: its left side is the line before's last side
                spec = replace(spec, lhs=previous, read=piece.lstrip(" &")[1:].strip(),
                               reading="continues the chain of the line before, whose last "
                                       "side is its left side")
            if eqs:
                previous = piece[eqs[-1] + 1:].strip() or previous
            general = _enumerated(piece, notation) if len(eqs) > 1 else None
            if general is not None:
                spec = replace(spec, read=general, reading=f"the enumerated definitions read "
                                                           f"as one: {general}")
            specs.append(spec)
            offsets.append(found.offset)
    return specs, offsets


def _prose_conditions(text: str, specs: list, offsets: list) -> dict:
    """Formula index → (case condition, its sentence span): "for $i \\neq j$", "when $T = 1$"."""
    conds = {}
    for n, spec in enumerate(specs):
        if offsets[n] < 0:
            continue
        c = _condition_of(spec.latex)
        if c is None and re.fullmatch(r"\s*[A-Za-z]\s*=\s*\d+\s*", spec.latex) and \
                not _introduces_example(text, offsets[n]):
            c = " ".join(spec.latex.split())   # "only right when $T = 1$": a case, not data
        if c is not None:
            conds[n] = (c, _sentence(text, offsets[n]))
    return conds


def _specs(text: str, cf: ClaimFile | None = None) -> list[FormulaSpec]:
    """Every formula of the document, read in its context: the case conditions of its
    sentence or section, the assumptions and definitions stated before it, and the values
    of the worked example it sits in."""
    notation = cf.notation if cf else Notation()
    specs, offsets = _pieces(text, notation)
    conds = _prose_conditions(text, specs, offsets)
    cases = _case_headings(text)
    out = []
    stated = (cf.given + tuple(g for _, gs in cf.sets for g in gs)) if cf else ()
    defined = {_name_of_given(g, notation) for g in stated}
    doc_given: tuple[str, ...] = ()
    by_doc: dict[str, tuple[str, bool]] = {}
    assumed: list[tuple[str, int]] = []   # (assumption, where its section ends)
    values: list[tuple[int, int, str, str, int | None]] = []   # (from, to, name, latex, length)
    known_at: dict[int, frozenset] = {}   # claim index in `out` → names defined before it
    opaque: dict[str, tuple[int, int]] = {}  # name whose definition was not read → (line, from)
    spans: list[tuple[str, int, int, int]] = []  # (name, line, from, to) in `out`
    placed: dict[str, int] = {}    # where each name of the document was defined
    for n, spec in enumerate(specs):
        if n in conds:
            out.append(replace(spec, kind="condition"))
            continue
        where = _nearest_conditions(conds, offsets, n) + tuple(
            a for a, end in assumed if offsets[n] < end)
        case = _case_at(cases, offsets[n])
        if case and not _states_condition(spec.latex, notation) and not any(
                set(re.findall(r"[A-Za-z]", c.replace("\\neq", ""))) ==
                set(re.findall(r"[A-Za-z]", case.replace("\\neq", ""))) for c in where):
            where = (case,) + where
        here = offsets[n]
        active = [v for v in values if v[0] <= here < v[1]]
        value = _value_of(spec.latex, notation) if here >= 0 else None
        # data vectors are values even for a defined name ("if the layer outputs y = (0, ln 3)");
        # a number for a defined name is a claim ("the loss is L = 0.29")
        if value is not None and (value[1] is not None or value[0].split("[")[0] not in defined):
            values = [v for v in values if v[2] != value[0]]   # a new value replaces the old
            values.append((here, _section_end(text, here), value[0], spec.latex, value[1]))
            out.append(replace(spec, kind="value", reading=(
                f"a stated value of {value[0]}: the formulas after it in its section are "
                "checked at it")))
            continue
        text_read = _definition_text(spec.read or spec.latex, notation)
        name = _defined_name(text_read, notation)
        undefined = name is None
        unread = _unread_definition(text_read, notation) if undefined else None
        if unread is not None:
            # a definition that could not be read: its name is opaque from here on, so
            # that nothing depending on it is decided with the name left free (nor with an
            # earlier definition it replaces: "dZ = dA \odot f'(Z)" after "dZ = ∂L/∂z")
            if unread in defined:
                old = by_doc.pop(unread, (None,))[0]
                doc_given = tuple(g for g in doc_given if g != old)
                defined.discard(unread)
            opaque.setdefault(unread, (spec.line, len(out)))
            out.append(replace(spec, kind="definition", given=doc_given, where=where,
                               reading=f"defines {unread}, but the definition could not be "
                                       "read: formulas that depend on it are not decided"))
            continue
        new_name = not undefined and name not in defined
        if active and new_name:   # a definition inside a worked example: at its values
            where = where + tuple(v[3] for v in active if v[4] is None)
        elif active:   # inside a worked example: its values, its size
            names = {v[2] for v in active}
            given = tuple(g for g in doc_given if _name_of_given(g, notation) not in names)
            vectors = tuple(v[3] for v in active if v[4] is not None)
            scalars = tuple(v[3] for v in active if v[4] is None)
            lengths = {v[4] for v in active if v[4] is not None}
            out.append(replace(spec, given=given + vectors, where=where + scalars,
                               size=lengths.pop() if len(lengths) == 1 else None,
                               reading="checked at the values stated before it in its "
                                       "section"))
            continue
        if _is_assumption(spec.latex, notation, defined):
            assumed.append((spec.latex, _section_end(text, offsets[n])))
            out.append(replace(spec, kind="assumption"))
            continue
        if name is not None and name not in defined and here >= 0 and _denied(text, here):
            # "... = ... is false": a claim the text rejects, not a definition; its name has
            # no definition of its own here, so it is never refuted with that name left free
            # (the cue may also belong to another clause of the sentence)
            out.append(replace(spec, given=doc_given, where=where, opaque=((name, spec.line),),
                               reading="the text says this does not hold: read as a claim"))
            continue
        indexed = name is not None and _defines_entries(text_read, notation)
        redefinition = False
        if name is not None and name in by_doc and name in placed and _corrects(text, here):
            # "your O_2 is mistaken and should be corrected as below": the text's own
            # correction holds from here on, and what came before it depends on which of the
            # two definitions is right: both are readings of the formulas in between
            old, line0 = by_doc.pop(name)[0], placed.pop(name)
            doc_given = tuple(g for g in doc_given if g != old) + (text_read,)
            by_doc[name] = (text_read, indexed)
            doubt = f"{name} as the text corrects it at line {spec.line}"
            for m, earlier in enumerate(out):
                if old in earlier.given:
                    alt = tuple(text_read if g == old else g for g in earlier.given)
                    out[m] = replace(earlier, alternatives=earlier.alternatives + ((alt, doubt),))
            out.append(replace(spec, kind="definition", given=doc_given, where=where, defines=name,
                               reading=f"corrects the definition of {name} at line {line0}; "
                                       "holds for the formulas after it"))
            continue
        if name is not None and name in by_doc and (
                (indexed and not by_doc[name][1]) or _introduces_definition(text, here)):
            # the document defines the name again ("y = Wx + b, y_i = Σ_j W_ij x_j + b_i";
            # "and for cross-entropy, L(y, t) = ..."): checked against the definition before
            # it, then its new definition holds from here on.  Without such a cue a
            # restatement ("expanding, we find L = ...") is a claim about the old definition.
            redefinition = not (indexed and not by_doc[name][1])
            old = by_doc.pop(name)[0]
            doc_given = tuple(g for g in doc_given if g != old)
            defined.discard(name)
            before = doc_given + (old,)
        if name is not None and name not in defined and not indexed and name.isalnum() and \
                re.search(r"(?<![A-Za-z\\])" + re.escape(name) + r"\}?\s*_", text):
            # y = Wx + b beside y_i elsewhere: a vector's definition, its entries used alone
            opaque.setdefault(name, (spec.line, len(out) + 1))
            out.append(replace(spec, kind="definition", given=doc_given, where=where,
                               defines=name, unused=True))
            continue
        if name is not None and name not in defined:
            defined.add(name)
            if name in opaque:
                line0, start = opaque.pop(name)
                spans.append((name, line0, start, len(out)))
            placed[name] = spec.line
            by_doc[name] = (text_read, indexed)
            doc_given += (text_read,)
            if redefinition:
                out.append(replace(spec, kind="redefinition", given=before, where=where,
                                   defines=name,
                                   reading=f"defines {name} anew for the formulas after it"))
                continue
            out.append(replace(spec, kind="definition", given=doc_given, where=where, defines=name,
                               reading=(spec.reading + "; " if spec.reading else "") +
                               f"defines {name} for the formulas after it"))
            continue
        known_at[len(out)] = frozenset(defined)
        out.append(replace(spec, given=doc_given, where=where))
    # definitions stated after a claim: a reader may read the claim with them too
    defs = [(m, s.defines, s.given[-1]) for m, s in enumerate(out)
            if s.kind == "definition" and s.defines and s.given]
    for m, known in known_at.items():
        later = tuple(dict.fromkeys(text for k, name, text in defs
                                    if k > m and name not in known))
        if later and out[m].kind == "claim":
            out[m] = replace(out[m], later=later)
    # conditions stated anywhere in a claim's section, before or after it
    heads = [text.count("\n", 0, m.start()) + 2 for m in _SECTION.finditer(text)]

    def section(line: int) -> int:
        return sum(h <= line for h in heads)
    # ("throughout we assume ...": the whole text); from other sections they only make a
    # claim that needs them undecided
    elsewhere = [(s.latex, s.line, "as a formula") for s in out if s.kind == "assumption"]
    elsewhere += _sum_to_one_cues(text)
    lines = text.split("\n")

    def scope(e, line: int) -> str:
        if section(e[1]) == section(line) or _THROUGHOUT.search(
                " ".join(lines[max(e[1] - 2, 0):e[1]])):   # its line and the one before
            return "here"
        return "other section"
    if elsewhere:
        out = [replace(s, elsewhere=tuple(e + (scope(e, s.line),) for e in elsewhere))
               if s.kind == "claim" else s for s in out]
    spans += [(n, line, start, len(out)) for n, (line, start) in opaque.items()]
    for n, line, start, end in spans:
        for m in range(start, end):
            out[m] = replace(out[m], opaque=out[m].opaque + ((n, line),))
    for line, head in find_code_blocks(text):
        out.append(FormulaSpec(id=f"code-L{line}", line=line, latex=head, kind="code"))
    return sorted(out, key=lambda s: s.line)


def _name_of_given(text: str, notation: Notation) -> str | None:
    head = text.split("=", 1)[0] if "=" in text else ""
    return _defined_name(text, notation) or head.strip().split("_")[0].strip() or None


def _claim_file_for(path: Path, given, where, notation) -> ClaimFile:
    return ClaimFile(path=path, post=path.name, slug=path.stem, title=path.name,
                     notation=notation, given=tuple(given), where=tuple(where), notes=(),
                     formulas=())


def audit_document(path: Path, given=(), where=(), notation: Notation = Notation(),
                   timeout: float = 10.0, claim_file: ClaimFile | None = None,
                   known: dict | None = None) -> list[FormulaResult]:
    from .build import _bounded
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    if claim_file is None:   # names the document defines as functions (f(x) = ...) anywhere
        from ..api import with_function_names
        pieces = [p for f in extract_formulas(text)
                  for p in (split_display(f.latex) if f.kind == "display" else [f.latex])]
        notation = with_function_names(pieces, notation)
    cf = claim_file or _claim_file_for(Path(path), given, where, notation)
    known = known or {}
    out = []
    for spec in _specs(text, cf):
        key = " ".join(spec.latex.split())
        if key in known:
            out.append(replace(known[key], spec=replace(known[key].spec, line=spec.line)))
            continue
        out.append(_bounded(spec, cf, timeout))
    return out


def audit_posts(posts: Path, reports: list[PostReport], outdir: Path,
                timeout: float = 10.0) -> dict[Path, str]:
    """Audit every post in *posts*; a post with a claim file reuses its notation and results."""
    by_post = {rep.claims.post: rep for rep in reports}
    files: dict[Path, str] = {}
    for path in sorted(p for p in Path(posts).iterdir() if p.is_file()
                       and p.suffix in (".txt", ".md", ".tex") and p.name != "README.md"):
        rep = by_post.get(path.name)
        known = {" ".join(r.spec.latex.split()): r for r in rep.results} if rep else {}
        results = audit_document(path, timeout=timeout,
                                 claim_file=rep.claims if rep else None, known=known)
        files[outdir / f"{path.stem}.md"] = audit_markdown(
            path.name, results, f"notation from `reports/claims/{rep.claims.path.name}`."
            if rep else "no claim file: read with the default notation and the definitions "
                        "the post states.")
    return files


def audit_markdown(name: str, results: list[FormulaResult], origin: str) -> str:
    """The audit of one document as a Markdown table (one row per formula found)."""
    counts = {s: sum(r.verdict.status == s for r in results)
              for s in ("adopted", "proved", "verified", "refuted", "unknown")}
    lines = [f"# Audit of `{name}`", "",
             f"{len(results)} formulas found ({', '.join(f'{v} {k}' for k, v in counts.items())}); "
             + origin, "",
             "| line | formula | verdict | note |", "|---|---|---|---|"]
    for r in results:
        note = r.verdict.reason or r.verdict.method
        if r.verdict.counterexample is not None:
            note = f"{note}; counterexample: {r.verdict.counterexample}"
        lines.append(f"| {r.spec.line} | {_code(r.spec.latex[:80])} | "
                     f"{ICON[r.verdict.status]} | {_md_text(note[:200])} |")
    return "\n".join(lines) + "\n"

