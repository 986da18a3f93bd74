"""Auditing raw documents: every formula found is listed, and checked when it can be read."""
from __future__ import annotations

import bisect
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from ..extract import DocumentError, extract_formulas, read_document
from ..read import Notation, split_display, top_level_equals
from ..read.differentials import differential_notation
from .pieces import ROUNDED, _parts, _pieces, _prose_conditions
from ..read.prose import (_SECTION, _case_at, _case_headings, _corrects, _denied,
                          _introduces_definition, _section_end, _sum_to_one_cues, _THROUGHOUT,
                          confirmed_vocabulary)
from .chain_inference import implied_definitions
from .guards import (_named_in_prose, guard_rounded_values, guard_unread_definitions,
                     guard_wrong_values, held_fixed)
from .worked_text import (computed_value, general_size,   # worked examples in vectors
                          with_values_after)
from .gradient_names import gradient_specs   # dZ, dQ_{proj}: the prose's gradient names
from .derivation_steps import continued_derivations, mentions
from .misprints import split_misprints   # entries off a dots matrix's pattern
from .named_losses import named_loss, prose_before
from .prose_specs import _add_prose_definitions, jacobian_reading
from .formula_kinds import (_nearest_conditions, _defined_name, _defines_entries,
                            _definition_text, _is_assumption, _unread_definition, _value_of,
                            assignment_of, vector_function_of_name,
                            _states_condition, probability_alias)
from .domains import guard_one_hot_rows, guard_stated_domains
from .markdown import ICON, _code, _code_span, _md_text
from .summary import shorten
from .model import ClaimFile, FormulaResult, FormulaSpec, PostReport
from .declared_shapes import declarations_for   # x, b ∈ R^n: the claims of its section

__all__ = ["audit_document", "audit_posts", "audited_posts", "origin"]

def _specs(text: str, cf: ClaimFile | None = None) -> list[FormulaSpec]:
    """Every formula of the document, read in its context: the case conditions of its
    sentence or section, the assumptions and definitions stated before it, and the values
    of the worked example it sits in."""
    notation = cf.notation if cf else Notation()
    specs, offsets = _pieces(text, notation)
    _add_prose_definitions(text, specs, offsets, notation)
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
    declared: tuple[str, ...] = ()   # the declarations so far (x ∈ R^n)
    declared_at: tuple[tuple[str, int], ...] = ()   # ... with their sections
    # the names any formula of the text defines, before or after (a chain's steps never
    # define one of them)
    stated_anywhere = {nm for s0 in specs
                       if (nm := _defined_name(_definition_text(s0.latex, notation), notation))}
    inferred: dict[str, tuple[str, str]] = {}   # definitions a chain states → (name, doubt)
    placed: dict[str, int] = {}    # where each name of the document was defined
    placed_at: dict[str, int] = {}   # ... its offset
    starts = [m.start() for m in _SECTION.finditer(text)]

    def section_of(offset: int) -> int:
        return sum(h <= offset for h in starts)

    def section_start(offset: int, after: bool = False) -> int:
        if offset < 0:
            return len(text) if after else 0
        if after:
            return next((h for h in starts if h > offset), len(text))
        return max((h for h in starts if h <= offset), default=0)
    formulas = [(f.offset, f.latex) for f in extract_formulas(text)]

    def math_between(start: int, end: int) -> str:   # the formulas only, never the prose
        return "\n".join(latex for offset, latex in formulas if start <= offset < end)
    grads: dict[str, int] = {}   # the loss of dZ = ∂L/∂Z definitions → the line
    parts = _parts(text)
    part = 0
    prior: dict[str, tuple[str, int]] = {}   # definitions of the earlier parts: (text, line)
    for n, spec in enumerate(specs):
        now = sum(h <= spec.line for h in parts)
        if now != part:
            # a collection of texts (notebooks, chapters under their own "# " titles): the
            # definitions of one part are not those of the next (L of the loss notebook is
            # not the loss a layer notebook writes ∂L/∂Z for)
            part = now
            spans += [(name, line0, start, len(out)) for name, (line0, start) in opaque.items()]
            earlier = {name: line0 for name, (line0, _) in opaque.items()}
            earlier.update(placed)
            prior.update({nm: (by_doc[nm][0], placed[nm]) for nm in by_doc if nm in placed})
            opaque.clear()
            doc_given, by_doc, grads = (), {}, {}
            defined = {_name_of_given(g, notation) for g in stated}
            placed.clear()
            placed_at.clear()
            # a name an earlier part defined is opaque here, never free: the text may still
            # mean it (nothing that depends on it is decided until this part defines it)
            for name, line0 in earlier.items():
                if name not in defined:
                    opaque[name] = (line0, len(out))
        if n in conds:
            out.append(replace(spec, kind="condition"))
            continue
        where = _nearest_conditions(conds, offsets, n, spec.read or spec.latex, text) + tuple(
            a for a, end in assumed if offsets[n] < end) + held_fixed(text, offsets[n], notation)
        case = _case_at(cases, offsets[n])
        if case and not _states_condition(spec.latex, notation) and not any(
                set(re.findall(r"[A-Za-z]", c.replace("\\neq", ""))) ==
                set(re.findall(r"[A-Za-z]", case.replace("\\neq", ""))) for c in where):
            where = (case,) + where
        here = offsets[n]
        if here >= 0 and spec.kind == "claim":
            # ∂E/∂w = ∂(½(t − y)²)/∂w with E undefined; ln(A) = ln(Softmax(Z)) with A undefined
            for name0, text0, doubt0 in implied_definitions(
                    spec.read or spec.latex, defined | set(opaque) | stated_anywhere,
                    lambda nm: _defined_name(f"{nm} = 0", notation) or nm):
                if _defined_name(text0, notation) != name0 or _named_in_prose(text, name0):
                    continue   # the text says what the name is, elsewhere: that wins
                defined.add(name0)
                by_doc[name0], placed[name0], placed_at[name0] = (text0, False), spec.line, here
                doc_given += (text0,)
                inferred[text0] = (name0, f"{doubt0} (line {spec.line})")
        active = [v for v in values if v[0] <= here < v[1]]
        value = _value_of(spec.latex, notation) if here >= 0 and \
            not spec.id.endswith(ROUNDED) else None   # a chain's rounded value is a claim
        # data vectors are values even for a defined name ("if the layer outputs y = (0, ln 3)");
        # a number for a defined name is a claim ("the loss is L = 0.29")
        if value is not None and value[1] is not None and value[0] in by_doc and computed_value(
                by_doc[value[0]][0], {v[2] for v in active}):
            value = None   # A = (0.5, 0.5) after A = softmax(Z), Z = (1.75, 1.75): a claim
        if value is not None and (value[1] is not None or value[0].split("[")[0] not in defined):
            values = [v for v in values if v[2] != value[0]]   # a new value replaces the old
            values.append((here, _section_end(text, here), value[0], spec.latex, value[1]))
            out.append(replace(spec, kind="value", reading=(
                f"a stated value of {value[0]}: the formulas after it in its section are "
                "checked at it")))
            continue
        alias = probability_alias(spec.latex) if spec.read is None else None
        if alias is not None and _defined_name(alias[0], notation) is not None:
            spec = replace(spec, read=alias[0], reading=alias[1])
        text_read = _definition_text(spec.read or spec.latex, notation)
        name = _defined_name(text_read, notation)
        if name is not None and name[:1] == "d" and name[1:] in notation.differentials and \
                name[1:] in defined:
            # dz = dW^T x after z = W^T x, in a text that writes differentials: a claim
            known_at[len(out)] = frozenset(defined)
            out.append(replace(spec, given=doc_given, where=where, reading=(
                f"{name} read as the differential of {name[1:]}: a claim, checked")))
            continue
        undefined = name is None
        update = assignment_of(text_read, notation) if undefined else None
        if update is not None:
            out.append(replace(spec, kind="mention", reading=(
                f"an update of {update} (the name on both sides: an assignment, not an "
                "equation): not checked")))
            continue
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
        elif active and not general_size(spec.read or spec.latex):
            # inside a worked example: its values, its size (a matrix with dots: general)
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
        if name is not None and name not in by_doc and name in prior and _corrects(text, here):
            # a correction in a later part ("# Answer") of a definition of an earlier one
            by_doc[name], placed[name] = (prior[name][0], False), prior.pop(name)[1]
            doc_given += (by_doc[name][0],)
            opaque.pop(name, None)
            defined.add(name)
        if name is not None and name not in defined and here >= 0 and _denied(text, here):
            # "... = ... is false": a claim the text rejects, not a definition; its name has
            # no definition of its own here, so it is never refuted with that name left free
            # (the cue may also belong to another clause of the sentence)
            out.append(replace(spec, given=doc_given, where=where, opaque=((name, spec.line),),
                               reading="the text says this does not hold: read as a claim"))
            opaque.setdefault(name, (spec.line, len(out)))   # nor in the formulas after it
            continue
        indexed = name is not None and _defines_entries(text_read, notation)
        redefinition = False
        if name is not None and name in by_doc and name in placed_at and here >= 0 and \
                section_of(placed_at[name]) != section_of(here) and not _corrects(text, here):
            # a notebook's sections reuse names (dZ of the softmax, dZ of the dense layer):
            # a definition in a later section is a new one there, not a claim about the old
            old = by_doc.pop(name)[0]
            doc_given = tuple(g for g in doc_given if g != old)
            defined.discard(name)
            placed.pop(name, None)
        if name is not None and name in by_doc and name in placed and _corrects(text, here):
            # "your O_2 is mistaken and should be corrected as below": the text's own
            # correction holds from here on, and what came before it depends on which of the
            # two definitions is right: both are readings of the formulas in between
            old, line0 = by_doc.pop(name)[0], placed.pop(name)
            doc_given = tuple(g for g in doc_given if g != old) + (text_read,)
            by_doc[name] = (text_read, indexed)
            doubt = f"{name} as the text corrects it at line {spec.line}"
            for m, earlier in enumerate(out):
                if old not in earlier.given:
                    continue
                alt = tuple(text_read if g == old else g for g in earlier.given)
                if earlier.kind == "definition" and earlier.defines == name and \
                        earlier.line == line0:
                    # the definition the text says is mistaken: checked against the correction
                    out[m] = replace(earlier, kind="claim", defines=None, given=alt,
                                     reading=f"the text says this {name} is mistaken and "
                                             f"corrects it at line {spec.line}: checked "
                                             "against the correction")
                    continue
                # what follows from it depends on which of the two is right: both are readings
                out[m] = replace(earlier, alternatives=earlier.alternatives + ((alt, doubt),))
            out.append(replace(spec, kind="definition", given=doc_given, where=where, defines=name,
                               reading=f"corrects the definition of {name} at line {line0}; "
                                       "holds for the formulas after it"))
            continue
        if name is not None and name in by_doc and (
                (indexed and not by_doc[name][1]) or _introduces_definition(text, here) or
                spec.id.startswith("p")):   # "where b_i is ..." again: b_i anew from here
            # the document defines the name again ("y = Wx + b, y_i = Σ_j W_ij x_j + b_i";
            # "and for cross-entropy, L(y, t) = ..."): checked against the definition before
            # it, then its new definition holds from here on.  Without such a cue a
            # restatement ("expanding, we find L = ...") is a claim about the old definition.
            redefinition = not (indexed and not by_doc[name][1])
            old = by_doc.pop(name)[0]
            doc_given = tuple(g for g in doc_given if g != old)
            defined.discard(name)
            before = doc_given + (old,)
        jac = jacobian_reading(name, text_read, by_doc, text, here) \
            if name is not None and name not in defined else None
        if jac is not None:
            # "the Jacobian matrix J with elements J_ij" beside a_i = softmax(z_i): ∂a_i/∂z_j
            known_at[len(out)] = frozenset(defined)
            out.append(replace(spec, read=jac[0], given=doc_given, where=where,
                               convention=jac[1], reading=jac[1]))
            continue
        grad = _gradient_convention(name, text_read, grads, defined, text) \
            if name is not None and name not in defined else None
        if grad is not None:
            # dW = X^T dZ after dZ = ∂L/∂Z: the text's names for gradients, so a claim
            conv, line0 = grad
            known_at[len(out)] = frozenset(defined)
            said = (f"{name} read as {conv.split('=', 1)[1].strip()}, the text's convention "
                    f"for gradient names (line {line0})")
            out.append(replace(spec, given=doc_given + (conv,), where=where, convention=said,
                               reading=said))
            continue
        middles = _named_too(spec.read or spec.latex, text_read, notation, defined) \
            if name is not None and name not in defined else []

        def entries_written(nm: str) -> bool:
            """y_i (or a_{2,i} for a_2) written in the section: entries used on their own —
            up to where the text defines y_j anew (``P(z = j) = y_j = ...`` is another y)."""
            math = math_between(section_start(here), section_start(here, after=True))
            again = re.search(r"(?<![A-Za-z\\])" + re.escape(nm) + r"\}?\s*_\s*\{?\s*\w+\s*\}?"
                              r"\s*(=|\\coloneqq|:=)(?!=)", math)
            if again:
                math = math[:again.start()]
            if re.search(r"(?<![A-Za-z\\])" + re.escape(nm) + r"\}?\s*_", math):
                return True
            m = re.fullmatch(r"([A-Za-z])_\{?(\w+)\}?", nm)
            return bool(m and re.search(r"(?<![A-Za-z\\])" + m.group(1) + r"_\{\s*" +
                                        m.group(2) + r"\s*,", math))
        g = _GRAD_DEF.match(text_read)
        if g and name == "d" + g.group(1) and g.group(1).lower() == g.group(3).lower() and \
                name not in defined and (entries_written(name) or entries_written(g.group(3))):
            # dA = ∂L/∂a beside dA_j, a_j: the text's name for a gradient, read entry by entry
            text_read = (f"{name}_{{i}} = \\frac{{\\partial {g.group(2)}}}"
                         f"{{\\partial {g.group(3)}_{{i}}}}")
            indexed = True
        if name is not None and name not in defined and not indexed and \
                (name.isalnum() or re.fullmatch(r"[A-Za-z]_\{?\w+\}?", name)) and \
                not re.match(r"\s*" + re.escape(name) + r"\s*(\\left)?\s*\(", text_read) and \
                not vector_function_of_name(text_read) and entries_written(name):
            # y = Wx + b beside y_i elsewhere: a vector's definition, its entries used alone;
            # the names a chain defines with it (a = \hat{y} = ...) are opaque as well
            opaque.setdefault(name, (spec.line, len(out) + 1))
            for also, _ in middles:
                opaque.setdefault(also, (spec.line, len(out) + 1))
            out.append(replace(spec, kind="definition", given=doc_given, where=where,
                               defines=name, unused=True))
            continue
        if name is not None and name not in defined:
            defined.add(name)
            if name in opaque:
                line0, start = opaque.pop(name)
                spans.append((name, line0, start, len(out)))
            placed[name] = spec.line
            placed_at[name] = here
            m = _GRAD_DEF.match(text_read)
            if m and m.group(1).lower() == m.group(3).lower():
                grads[m.group(2)] = spec.line
            by_doc[name] = (text_read, indexed)
            doc_given += (text_read,)
            for also, text_also in middles:
                # a_2 = \hat{y} = softmax(z_2): the middle name is defined by the chain too,
                # unless its entries are written on their own (then it is opaque: ŷ_i is not
                # read from a whole-vector definition)
                if entries_written(also):
                    opaque.setdefault(also, (spec.line, len(out) + 1))
                    continue
                defined.add(also)
                placed[also] = spec.line
                placed_at[also] = here
                by_doc[also] = (text_also, False)
                doc_given += (text_also,)
            loss = named_loss(prose_before(text, here), text_read, notation) \
                if here >= 0 else None
            if loss is not None:   # "and for cross-entropy cost L = Σ t log y": a sign slip
                base = tuple(g for g in doc_given if _name_of_given(g, notation) != name)
                out.append(replace(spec, kind="definition", given=base + (loss[0],),
                                   where=where, reading=loss[1]))
                continue
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
        if _DECLARES.search(spec.latex) and not top_level_equals(spec.latex):
            # "W ∈ R^{m×n}", then "x, b ∈ R^n": each declaration is judged with the ones
            # before it (together they must fit y = Wx + b); other formulas do not take
            # them (a later section's x_j is not this x ∈ R^n)
            out.append(replace(spec, given=doc_given + declared, where=where))
            declared += (spec.latex,)
            declared_at += ((spec.latex, section_of(here)),)
            continue
        # ... but a claim of their section that writes their names whole does
        shapes = declarations_for(spec.latex, declared_at, section_of(here), notation,
                                  doc_given) \
            if spec.kind == "claim" and declared_at else ()
        out.append(replace(spec, given=doc_given + shapes, where=where))
    # definitions stated after a claim: a reader may read the claim with them too
    defs = [(m, s.defines, s.given[-1]) for m, s in enumerate(out)
            if s.kind == "definition" and s.defines and s.given]

    def part_at(m: int) -> int:
        return bisect.bisect_right(parts, out[m].line)
    for m, known in known_at.items():
        later = tuple(dict.fromkeys(text for k, name, text in defs
                                    if k > m and name not in known
                                    and part_at(k) == part_at(m)))
        if later and out[m].kind == "claim":
            out[m] = replace(out[m], later=later)
    # conditions stated anywhere in a claim's section, before or after it
    heads = [text.count("\n", 0, m.start()) + 2 for m in _SECTION.finditer(text)]

    def section(line: int) -> int:
        return bisect.bisect_right(heads, line)
    # ("throughout we assume ...": the whole text); from other sections they only make a
    # claim that needs them undecided
    elsewhere = [(s.latex, s.line, "as a formula") for s in out if s.kind == "assumption"]
    elsewhere += _sum_to_one_cues(text)
    lines = text.split("\n")

    throughout = {e[1]: bool(_THROUGHOUT.search(" ".join(lines[max(e[1] - 2, 0):e[1]])))
                  for e in elsewhere}   # its line and the one before

    def scope(e, line: int) -> str:
        return "here" if section(e[1]) == section(line) or throughout[e[1]] else \
            "other section"
    if elsewhere:
        out = [replace(s, elsewhere=tuple(e + (scope(e, s.line),) for e in elsewhere))
               if s.kind in ("claim", "definition") else s for s in out]
    if inferred:   # what rests on a definition read from a chain's steps: never refuted
        out = [replace(s, inferred=tuple(inferred[g] for g in s.given if g in inferred))
               if s.kind == "claim" and any(g in inferred for g in s.given) else s for s in out]
    spans += [(n, line, start, len(out)) for n, (line, start) in opaque.items()]
    for n, line, start, end in spans:
        for m in range(start, end):
            out[m] = replace(out[m], opaque=out[m].opaque + ((n, line),))
    out = with_values_after(text, sorted(out, key=lambda s: s.line))   # "With: T = (0, 1)"
    out = split_misprints(continued_derivations(text, out), notation)   # a dots matrix's slips
    return mentions(text, out)


_DECLARES = re.compile(r"\\in\b|∈")
_GRAD_DEF = re.compile(r"\s*d\s*([A-Za-z]\w*)\s*=\s*\\frac\s*\{\s*\\partial\s*\{?\s*"
                       r"(\\?[A-Za-z]+)\s*\}?\s*\}\s*\{\s*\\partial\s*\{?\s*([A-Za-z]\w*)\s*\}?\s*\}\s*$")
_GRAD_NAME = re.compile(r"\s*d([A-Z])\s*=")


def _named_too(latex: str, first: str, notation: Notation, defined: set) -> list:
    """``a_2 = \\hat{y} = softmax(z_2)`` defining a_2: the bare names between the first side
    and the last that nothing defines are defined by the chain too, as its last side:
    [(name, "name = last side")]."""
    eqs = top_level_equals(latex)
    if len(eqs) < 2 or first.strip() == latex.strip():
        return []
    sides = [latex[a + 1:b].strip(" &") for a, b in zip(eqs, eqs[1:] + [len(latex)])]
    last = sides[-1].rstrip(" .,;")
    out = []
    for side in sides[:-1]:
        text = f"{side} = {last}"
        name = _defined_name(text, notation)
        if name is None or name in defined or re.sub(r"[\\{}\s]", "", side) != \
                re.sub(r"[\\{}\s]", "", name):
            break   # only a run of bare names, right after the first side
        out.append((name, text))
    return out


def _gradient_convention(name, latex, grads, defined, text):
    """``dW = …`` where the text names gradients ``dZ = ∂L/∂Z``: (``dW = ∂L/∂W``, line)."""
    m = _GRAD_NAME.match(latex)
    if not grads or not m or name != "d" + m.group(1):
        return None
    var = m.group(1)
    # the variable itself is written somewhere (alone, or in a product such as XW)
    if not re.search(r"(?<![a-z\\])" + var + r"(?![a-z])", text.replace(latex, "")):
        return None
    loss, line = max(grads.items(), key=lambda kv: kv[1])
    return f"d{var} = \\frac{{\\partial {loss}}}{{\\partial {var}}}", line


def _name_of_given(text: str, notation: Notation) -> str | None:
    head = text.split("=", 1)[0] if "=" in text else ""
    return _defined_name(text, notation) or head.strip().split("_")[0].strip() or None


def _claim_file_for(path: Path, given, where, notation) -> ClaimFile:
    return ClaimFile(path=path, post=path.name, slug=path.stem, title=path.name,
                     notation=notation, given=tuple(given), where=tuple(where), notes=(),
                     formulas=())


def audit_document(path: Path, given=(), where=(), notation: Notation = Notation(),
                   timeout: float = 10.0, claim_file: ClaimFile | None = None,
                   known: dict | None = None, threads: int = 2,
                   doc_timeout: float | None = None) -> list[FormulaResult]:
    """Every formula of the document at *path*, read and checked (*threads* at a time, each
    with its own warm worker; a corpus audit runs one per document: its --jobs share out the
    cores); past *doc_timeout* seconds the formulas left are listed unchecked."""
    from .build import _bounded
    text = read_document(path)
    if claim_file is None:   # names the document defines as functions (f(x) = ...) anywhere
        from ..api import with_function_names
        from ..read.names import with_label_names
        pieces = [p for f in extract_formulas(text)
                  for p in (split_display(f.latex) if f.kind == "display" else [f.latex])]
        notation = with_label_names(pieces, with_function_names(pieces, notation))
        notation = replace(notation, confirmed=confirmed_vocabulary(text))
        notation = differential_notation(text, pieces, notation)   # dz = dW^T x, A:B
    cf = claim_file or _claim_file_for(Path(path), given, where, notation)
    known = known or {}
    deadline = None if doc_timeout is None else time.monotonic() + doc_timeout

    def one(spec):
        key = " ".join(spec.latex.split())
        if key in known:
            return replace(known[key], spec=replace(known[key].spec, line=spec.line))
        from ..verify import Verdict
        if spec.kind == "mention":   # nothing to check: no worker
            return FormulaResult(spec, Verdict("unknown", "mention", claim=spec.latex,
                                               reason=spec.reading))
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return FormulaResult(spec, Verdict("unknown", "none", claim=spec.latex, reason=(
                f"not checked: the document's time budget of {doc_timeout:g} s ran out")))
        return _bounded(spec, cf, timeout if left is None else min(timeout, max(left, 0.5)))
    # two formulas at a time, each thread with its own warm worker; the order is kept; one
    # at a time in this thread (a corpus worker's main thread may bound steps by a timer)
    specs = gradient_specs(text, _specs(text, cf), cf.notation)
    if threads <= 1:
        out = [one(s) for s in specs]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            out = list(pool.map(one, specs))
    from .code_records import code_results   # Python functions in the text, read, never run
    from .skipped import skipped_results     # math not read (too large, unclosed), listed
    # nothing refuted through an unread definition, nothing held through a wrong value
    out = guard_wrong_values(guard_rounded_values(guard_unread_definitions(out)))
    out = guard_stated_domains(out, text)   # no refutation outside a domain the text states
    out = guard_one_hot_rows(out, text)     # nor at targets the text says are one-hot
    return sorted(out + code_results(text, timeout) + skipped_results(text),
                  key=lambda r: r.spec.line)


def audited_posts(posts: Path, reports: list[PostReport], timeout: float = 10.0) -> list:
    """Every post in *posts* audited once: (path, its claim file's report or None, the
    results, or the DocumentError that kept it unread); a post with a claim file reuses its
    notation and results."""
    by_post = {rep.claims.post: rep for rep in reports}
    out = []
    for path in sorted(p for p in Path(posts).iterdir() if p.is_file()
                       and p.suffix in (".txt", ".md", ".tex") and p.name != "README.md"):
        try:
            path.name.encode("utf-8")
        except UnicodeEncodeError:   # a name that is not UTF-8: listed, nothing written
            import sys
            print(f"note: {ascii(path.name)[1:-1]} not audited: a file name that is not "
                  "UTF-8 text", file=sys.stderr)
            continue
        rep = by_post.get(path.name)
        known = {" ".join(r.spec.latex.split()): r for r in rep.results} if rep else {}
        try:
            results = audit_document(path, timeout=timeout,
                                     claim_file=rep.claims if rep else None, known=known)
        except DocumentError as err:   # one unreadable post never stops the others
            results = err
        out.append((path, rep, results))
    return out


def origin(rep: PostReport | None) -> str:
    """Where an audit's notation comes from, said in its report."""
    return (f"notation from `reports/claims/{rep.claims.path.name}`." if rep else
            "no claim file: read with the default notation and the definitions the post states.")


def audit_posts(audited: list, outdir: Path) -> dict[Path, str]:
    """The Markdown page of each audited post (see ``audited_posts``)."""
    files: dict[Path, str] = {}
    for path, rep, results in audited:
        if isinstance(results, DocumentError):
            files[outdir / f"{path.stem}.md"] = (f"# Audit of {_code_span(path.name)}\n\n"
                                                 f"not read: {_md_text(results)}\n")
            continue
        files[outdir / f"{path.stem}.md"] = audit_markdown(path.name, results, origin(rep))
    return files


def audit_markdown(name: str, results: list[FormulaResult], origin: str) -> str:
    """The audit of one document as a Markdown table (one row per formula found)."""
    counts = {s: sum(r.verdict.status == s for r in results)
              for s in ("adopted", "proved", "verified", "refuted", "unknown")}
    lines = [f"# Audit of {_code_span(name)}", "",
             f"{len(results)} formulas found ({', '.join(f'{v} {k}' for k, v in counts.items())}); "
             + origin, "",
             "| line | formula | verdict | note |", "|---|---|---|---|"]
    for r in results:
        note = r.verdict.reason or r.verdict.method
        if r.verdict.counterexample is not None:
            note = f"{note}; counterexample: {r.verdict.counterexample}"
        lines.append(f"| {r.spec.line} | {_code(shorten(r.spec.latex, 80))} | "
                     f"{ICON[r.verdict.status]} | {_md_text(shorten(note, 200))} |")
    return "\n".join(lines) + "\n"

