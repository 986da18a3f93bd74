"""Bare displayed expressions that continue a derivation ("we can plug them in and reduce:
…", "split up the denominator: …") are claimed values of the quantity the derivation derives
(``\\frac{\\partial y_j}{\\partial x_i}``): read so, with that reading stated as a doubt on the
verdict.  The reading decides the verdict only where the quantity is unambiguous (the derivative
the text set out to find, the derivative equation that concludes the steps, and the chain the
step continues all name the same one, and in the same case); otherwise it is only said
(``tentative``).  A piece's derivative written ``\\frac{d}f(x)`` in such a derivation is read
as the derivative of f by the derivation's variable, the reading again a doubt."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from ..extract import extract_formulas
from ..read import top_level_equals
from ..read.prose import _SECTION, _case_at, _case_headings, _sentence
from ..verify.verdict import ReadingResult
from .written_derivatives import abbreviations, derivative_factors, fractions

__all__ = ["continued_derivations", "mentions", "with_layout_doubt"]

# what a writer says before the next step of a computation: a rule of differentiation
# applied (what follows is a derivative) ...
_RULE = re.compile(r"\b(appl\w*|using|use|by|from) (the |a )?(quotient|product|chain) rule\b", re.I)
# ... pieces put in ...
_SUBSTITUTE = re.compile(r"\b(plug\w*|fill\w* in|substitut\w*|put\w* (it|them|these|those|"
                         r"everything|the pieces) (in|together)|combin\w*|"
                         r"using (the |our |these |those )?(same )?(formula )?"
                         r"(definitions?|names))\b", re.I)
# ... or the expression before carried on
_CONTINUE = re.compile(r"\b(reduc\w*|split\w*|expand\w*|simplif\w*|simply out|cancel\w*|"
                       r"rearrang\w*|like terms|we (get|obtain|arrive at|have)|"
                       r"this (gives|becomes|yields)|therefore|hence|thus)\b", re.I)
# ... unless it names another quantity: "the derivative of the denominator is:"
_OTHER = re.compile(r"\b(derivative|gradient|partial)s?\s+(of|by|with)\b|\bnumerator|"
                    r"\bvalue|\bentr(y|ies)\b|diagonal|\bwith respect to\b|\bsum\b|"
                    r"\bterm\b|\$|\btop\b|\bbottom\b|"
                    r"\bdenominators?\s+(is|are|becomes?|gives|equals|reads)\b|"
                    # ... or another quantity of a model: "first simplify the loss:"
                    r"\b(loss|cost|error|objective|likelihood|entropy|activations?|outputs?|"
                    r"inputs?|weights?|bias(es)?|labels?|targets?|probabilit\w*|predictions?|"
                    r"softmax|sigmoid|logits?|network|layers?|model|matri(x|ces)|vectors?)\b",
                    re.I)
_DERIVATIVE = re.compile(r"\s*(\\left\s*)?(\\frac\s*\{\s*(\\partial|\\mathrm\s*\{d\}|d\b|∂)|"
                         r"\\partial|∂|\\nabla)")
# ∂A/∂v written as a fraction: (A, v)
_FRACTION = re.compile(r"\s*\\frac\s*\{\s*(?:\\partial|∂|\\mathrm\s*\{d\}|d)\s*((?:[^{}=]|\{[^{}]*\})+?)\s*\}"
                       r"\s*\{\s*(?:\\partial|∂|\\mathrm\s*\{d\}|d)\s*"
                       r"([A-Za-z](?:\s*_\s*(?:\{[^{}]*\}|\w))?)\s*\}\s*$")
# a piece's derivative with its variable left out: \frac{d}f(x) = ...
_D_OF = re.compile(r"\s*\\frac\s*\{\s*(?:d|\\partial|∂|\\mathrm\s*\{d\})\s*\}\s*\{?\s*([A-Za-z])\s*\}?"
                   r"\s*\(\s*([A-Za-z](?:\s*,\s*[A-Za-z])*)\s*\)\s*=(?!=)(.+)$", re.S)
_RELATION = re.compile(r"\\(leq?|geq?|neq|ne|approx|in|notin|subset|subseteq|to|sim|propto|"
                       r"mapsto|coloneqq|equiv)\b|[<>∈∉≤≥≠≈→⊂⊆≡:]")
# what a text says when it sets out to find a quantity
_SETS_OUT = re.compile(r"\b(find\w*|comput\w*|calculat\w*|deriv(e|es|ing)|work\w* out|"
                       r"differentiat\w*|evaluat\w*|want|need)\b", re.I)
# prose naming the formula right after it a derivative: "this partial derivative: $…$"
_NAMES_DERIVATIVE = re.compile(r"\b(partial|deriva\w*|gradient)\s*[:,]?\s*(\$|\\\(|\\\[)?\s*$",
                               re.I)
# symbols written for a differential by convention (δ, Δ, D): never read as a slip
_DIFFERENTIALS = {"d", "D", "\\partial", "∂", "\\delta", "δ", "\\Delta", "Δ", "\\nabla", "∇",
                  "\\mathrm", "\\operatorname", "\\mathrm{d}"}
_REACH = 12   # formulas searched for the one that concludes the derivation


def _key(latex: str) -> str:
    """A quantity's LaTeX compared as written (spaces, braces, ∂ for \\partial aside)."""
    return re.sub(r"\s+|\\left|\\right|[{}]", "", latex.replace("∂", "\\partial"))


def with_layout_doubt(v, doubt: str):
    """*v* with the layout's reading said as a doubt on every reading (the verdict stands: the
    reading is the one the derivation's layout gives, see :func:`continued_derivations`)."""
    readings = tuple(replace(r, doubts=r.doubts + (doubt,)) for r in v.readings) or \
        (ReadingResult(v.read_as, (doubt,), v.status),)
    return replace(v, readings=readings)


class _Layout:
    """Where each formula of a text stands: its display, its case, its section."""

    def __init__(self, text: str, specs: list):
        self.text = text
        self.found = extract_formulas(text)
        self.displays = [f for f in self.found if f.kind == "display"]
        self.cases = _case_headings(text)
        self.heads = [m.start() for m in _SECTION.finditer(text)]
        starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.offsets = []
        for spec in specs:
            f = next((f for f in self.found if f.line == spec.line and
                      spec.latex.strip() and spec.latex.strip() in f.latex), None)
            self.offsets.append(f.offset if f is not None else
                                starts[min(max(spec.line - 1, 0), len(starts) - 1)])
        self.formula = [next((f for f in self.found if f.line == spec.line and
                              spec.latex.strip() and spec.latex.strip() in f.latex), None)
                        for spec in specs]

    def region(self, n: int):
        """The case and the section of formula *n*: a derivation does not cross either."""
        at = self.offsets[n]
        return _case_at(self.cases, at), sum(h <= at for h in self.heads)


def _bare(spec) -> bool:
    return spec.kind == "claim" and not spec.lhs and not spec.read and \
        not top_level_equals(spec.latex) and not _RELATION.search(spec.latex) and \
        bool(spec.latex.strip())


def _head(spec) -> str | None:
    """The left side of a derivative equation (∂y/∂x = ...), else None."""
    latex = spec.read or spec.latex
    eqs = top_level_equals(latex)
    if spec.kind != "claim":
        return None
    if not eqs:   # ∂S(z)/∂z := (the matrix of its entries): a derivative the text lays out
        at = _top_level_colon_equals(latex)
        head = latex[:at].strip(" &") if at is not None else ""
        fr = fractions(head) if head else None
        return head if fr is not None and len(fr) == 1 else None
    head = latex[:eqs[0]].strip(" &")
    if _DERIVATIVE.match(head) and not re.search(r"[:]", head) and (
            _FRACTION.match(head) or len(fractions(head) or ()) == 1):   # ∂{A^{O}}/∂{Z^{O}}
        return head
    return None


def _top_level_colon_equals(latex: str) -> int | None:
    """Where the only ``:=`` (or ``\\coloneqq``) outside braces starts, else None."""
    depth, found = 0, []
    for m in re.finditer(r"[{}]|:=|\\coloneqq\b", latex):
        tok = m.group(0)
        if tok in "{}":
            depth += 1 if tok == "{" else -1
        elif depth == 0:
            found.append(m.start())
    return found[0] if len(found) == 1 else None


def _names_piece(spec) -> bool:
    """An equation that names a piece (y_i = ..., f(x) = ...): a derivation goes on past it."""
    if spec.kind == "definition":
        return True
    eqs = top_level_equals(spec.latex)
    return spec.kind == "claim" and bool(eqs) and not _DERIVATIVE.match(spec.latex) and bool(
        re.fullmatch(r"\s*\\?[A-Za-z]+\s*(_\s*\{?\s*\w+\s*\}?)?\s*(\(\s*[\w,\s]*\))?\s*",
                     spec.latex[:eqs[0]]))


def _conclusion(out: list, n: int, lay: _Layout, pieces_ok: bool = False, strict=True):
    """(left side, line) of the derivative equation that concludes the steps from formula *n*
    on: the first after it in its case and section, past bare steps and named pieces only
    (with *pieces_ok*, past other pieces' derivatives \\frac{d}g(x) too); None if another
    derivative, a condition or a change of case comes first."""
    here = lay.region(n)
    for m in range(n + 1, min(len(out), n + 1 + _REACH)):
        spec = out[m]
        if lay.region(m) != here:
            return None
        if spec.kind == "condition":
            return None
        head = _head(spec)
        if head is not None:
            return (head, spec.line, m) if set(spec.where) == set(out[n].where) else None
        if _bare(spec) and lay.formula[m] is not None and lay.formula[m].kind == "inline":
            continue   # a name the prose mentions
        if strict and _bare(spec) and not (lay.formula[m] is not None and
                                _cue(lay.text, lay.formula[m], lay.displays)):
            return None   # a display of something else ("the derivative of g is: ...")
        if _bare(spec) or _names_piece(spec) or (pieces_ok and _D_OF.match(spec.latex)):
            continue
        if top_level_equals(spec.latex):
            return None   # another equation: the steps may be its
    return None


def _named_derivative(latex: str, before: str, given) -> tuple[str, str | None] | None:
    """A quantity the prose names a derivative: (its ∂-form, the slip's note or None)."""
    if _FRACTION.match(latex):
        return latex.strip(), None
    slip = _slip(latex, given)
    if slip is not None and _NAMES_DERIVATIVE.search(before):
        return slip
    return None


def _slip(latex: str, given) -> tuple[str, str] | None:
    """``\\frac{βy_j}{βx_i}`` with β a symbol of the text's own definitions (not one written for a
    differential by convention, δ, Δ, D): (∂y_j/∂x_i, what is written)."""
    m = re.fullmatch(r"\s*\\frac\s*\{\s*(\\[A-Za-z]+|[^\x00-\x7f]|[A-Za-z])\s*([A-Za-z](?:_\{?\w+\}?)?)\s*\}"
                     r"\s*\{\s*(\\[A-Za-z]+|[^\x00-\x7f]|[A-Za-z])\s*([A-Za-z](?:_\{?\w+\}?)?)\s*\}\s*", latex)
    if not m or m.group(1) != m.group(3) or m.group(1) in _DIFFERENTIALS:
        return None
    sym = m.group(1)
    greek = {"\\" + unicodedata.name(c).split()[-1].lower(): c
             for c in map(chr, range(0x3b1, 0x3ca)) if c != "ς"}
    if sym in greek:
        forms = {sym, greek[sym]}
    elif sym in greek.values():
        forms = {sym, next(k for k, c in greek.items() if c == sym)}
    else:
        return None   # a Greek letter only (a Latin d, D or \\mathrm{d}: differentials)
    uses = re.compile("|".join(re.escape(f) + (r"(?![A-Za-z])" if f.startswith("\\") else "")
                               for f in forms))
    if not any(uses.search(g) for g in given):
        return None   # the symbol is none of the text's quantities: δ-like notation
    a, b = m.group(2), m.group(4)
    return (f"\\frac{{\\partial {a}}}{{\\partial {b}}}",
            f"{sym} is a symbol of the text's own definitions, so as written this is "
            f"({sym} {a})/({sym} {b}), not the partial derivative the prose names")


def _targets(text: str, lay: _Layout, out: list, n: int):
    """The derivatives the last sentence setting out to find one names, before formula *n*
    (in its section): their ∂-forms, or None if the text sets out to find none."""
    here = lay.offsets[n]
    section = lay.region(n)[1]
    found = None
    for m, spec in enumerate(out[:n]):
        f = lay.formula[m]
        if f is None or f.kind == "display" or lay.region(m)[1] != section:
            continue
        start, _ = _sentence(text, f.offset)
        before = text[start:f.offset]
        if not _SETS_OUT.search(before):
            continue
        named = _named_derivative(spec.latex, before, spec.given)
        if named is None:
            continue
        if found is None or found[0] != start:
            found = (start, [])
        found[1].append(named[0])
    return None if found is None or found[0] >= here else found[1]


def _quantity(text: str, out: list, n: int, lay: _Layout, prev: str | None, pieces_ok=False):
    """The quantity formula *n* is a step of, when every sign of it agrees: (quantity, line of
    the conclusion or None, how it is known); else None.  *prev*: the quantity of the chain
    the step carries on (the formula before), where the text continues that chain."""
    concl = _conclusion(out, n, lay, pieces_ok)
    targets = _targets(text, lay, out, n)
    keys = set()
    if concl is not None:
        keys.add(_canon(_key(concl[0]), out[n].given))
    if prev is not None:
        keys.add(_canon(_key(prev), out[n].given))
    if len(keys) > 1:
        return None
    if concl is None:
        return None   # no derivative equation the steps lead to: what they are is not said
    if targets is not None and not keys <= {_canon(_key(t), out[n].given) for t in targets}:
        return None   # the text set out to find something else
    if not _names(out[n].latex) & (_names(out[concl[2]].read or out[concl[2]].latex)):
        return None   # "expand the square: (a + b)^2": nothing of the derivation's
    return concl[0], f"that line {concl[1]} concludes", out[concl[2]].latex


def continued_derivations(text: str, specs: list) -> list:
    """*specs* (in the order of the text) with each bare display that continues a
    derivation read as ``Q = expression``, Q the quantity the derivation derives, and each
    ``\\frac{d}f(x) = ...`` of it read as f's derivative by Q's variable."""
    out = list(specs)
    lay = _Layout(text, out)
    steps: dict[int, str | None] = {}   # bare steps → their quantity (None: not known)
    for n, spec in enumerate(out):
        d = _D_OF.match(spec.latex) if spec.kind == "claim" and not spec.read else None
        if d is not None:
            out[n] = _piece_derivative(text, out, n, lay, d)
            continue
        if not _bare(spec):
            continue
        found = lay.formula[n]
        if found is None or found.kind != "display":
            continue
        chain = _chain_rule_product(text, found, spec.latex)
        if chain is not None:   # "applying the chain rule: ∂E/∂A ∂A/∂Z": a value of ∂E/∂Z
            said = (f"read as the chain rule for {chain}: a product of derivatives whose "
                    "links telescope, displayed after the text's cue \"chain rule\"")
            # (it holds by the chain rule for numbers; wrong only in a layout of vectors, where
            # the product's order is the reading in doubt: then it is said, never decided)
            out[n] = replace(spec, lhs=chain, reading=said, layout=said, convention=said)
            steps[n] = chain
            continue
        cue = _cue(text, found, lay.displays)
        if cue is None:
            continue
        kind, before = cue
        prev = None
        m = _spec_at(out, lay, before) if before is not None else None
        if kind not in ("substitute", "rule"):
            # it carries on the formula before: a step (its quantity), or a derivative
            # equation after a cue (its left side); after anything else what it carries on
            # is not a derivative the text names (y = ... \\[ ... \\])
            if m is not None and m in steps:
                prev = steps[m]
            elif m is not None and kind == "continue":
                prev = _head(out[m])
        q = _quantity(text, out, n, lay, prev) if prev is not None or kind in (
            "substitute", "rule") else None
        if q is not None and kind != "rule" and m is not None and m not in steps and \
                _of_function(out[m], q[0]):
            q = None   # "L = ... ; plugging in: ..." may be L's value, not ∂L/∂w's
        steps[n] = q[0] if q else None
        if q is None:
            concl = _conclusion(out, n, lay, strict=False)   # said, never decided
            if concl is None:
                continue
            said = (f"it is read as a step of the derivation of {concl[0]} that line "
                    f"{concl[1]} concludes (a bare expression after the text's cue for the "
                    "next step)")
            out[n] = replace(spec, lhs=concl[0], reading=said, tentative=said)
            continue
        said = (f"read as a step of the derivation of {q[0]} {q[1]} (a bare expression after "
                "the text's cue for the next step, in the same case)")
        free = _undefined_functions(spec, q[2])
        short = abbreviations(free, spec.latex, out[m].latex if m is not None else "")
        if free and len(short) == len(free):
            # S(z_0)(1 - S(z_0)) continuing (∂Softmax(z_0)/∂z_0 ...): S is Softmax, shortened
            read = spec.latex
            for f, full in short.items():
                read = re.sub(r"(?<![A-Za-z\\])" + f + r"(?=\s*\()", full, read)
            said += "; " + "; ".join(
                f"{f}(…) read as {full}(…), which the formula it continues writes with the "
                "same arguments (the text's abbreviation)" for f, full in short.items())
            out[n] = replace(spec, lhs=q[0], read=read, reading=said, layout=said)
            continue
        if free:
            # h(x)^2 where the text defined g(x): the name may be a slip for another; the
            # reading is said, never decided through it
            said = (f"it is {said}, with {', '.join(f'{f}(…)' for f in free)} not defined by "
                    "the text")
            out[n] = replace(spec, lhs=q[0], reading=said, tentative=said)
            continue
        out[n] = replace(spec, lhs=q[0], reading=said, layout=said)
    return out


def _canon(key: str, given) -> str:
    """A quantity's key with a name the text defines as a vector function of a vector
    (``A = softmax(Z)``) written for that function (∂Softmax(Z)/∂Z is ∂A/∂Z): one quantity."""
    from .formula_kinds import vector_function_of_name

    def spelled(k: str) -> str:   # \mathrm{softmax}, Softmax, SoftMax: one function
        k = re.sub(r"\\(?:mathrm|operatorname|text|textrm)", "", k)
        return re.sub(r"(?i)softmax(?=\()", "softmax", k)
    key = spelled(key)
    for g in given:
        if vector_function_of_name(g):
            name, rhs = g.split("=", 1)
            key = key.replace(spelled(_key(rhs)), _key(name))
    return key


def _names(latex: str) -> set[str]:
    """The names a formula writes (x, y, \\beta; not its indices, e^, exp, \\sum or d)."""
    latex = re.sub(r"_\s*(\{[^{}]*\}|\\?\w)", " ", latex)
    found = set(re.findall(r"\\[A-Za-z]+|(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", latex))
    return {n for n in found if n not in ("e", "d") and (not n.startswith("\\") or n[1:] in
                                                         _GREEK)}


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa",
          "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
          "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"}


def _undefined_functions(spec, conclusion: str) -> list[str]:
    """The one-letter names *spec* applies (h(x)) that are nowhere else in the derivation: no
    definition writes them, nor the equation concluding it (x(1 - x) is a product of x)."""
    applied = dict.fromkeys(re.findall(r"(?<![A-Za-z\\])([A-Za-z])\s*\(", spec.latex))
    known = set().union(*(_names(g) for g in spec.given), _names(conclusion))
    return [f for f in applied if f not in known]


def _of_function(spec, q: str) -> bool:
    """*spec* is an equation for the function *q* differentiates (L = ... for ∂L/∂w)."""
    eqs = top_level_equals(spec.read or spec.latex)
    a = _FRACTION.match(q)
    if not eqs or a is None:
        return False
    head = (spec.read or spec.latex)[:eqs[0]]
    base = re.sub(r"\(.*", "", _key(a.group(1)))
    return _key(head) in (_key(a.group(1)), base) or \
        re.sub(r"\(.*", "", _key(head)) == base


def _piece_derivative(text, out, n, lay, d):
    r"""``\frac{d}f(x) = ...`` for a function f the text defines, in a derivation of one
    quantity ∂A/∂v with v an entry of x: read as ``∂f(x)/∂v = ...``, the reading a doubt."""
    spec = out[n]
    name, args, rhs = d.group(1), d.group(2), d.group(3)
    defines = re.compile(r"\s*" + name + r"\s*\(\s*" + re.escape(args) + r"\s*\)\s*=(?!=)")
    if not any(s.kind == "definition" and defines.match(s.latex) and
               lay.region(m)[1] == lay.region(n)[1] for m, s in enumerate(out[:n])):
        return spec   # f is no piece the text defines here
    if any(s.kind == "definition" and re.match(r"\s*d\s*=", s.latex) for s in out):
        return spec   # the text defines d: the fraction may mean d/f
    q = _quantity(text, out, n, lay, None, pieces_ok=True)
    if q is None:
        return spec
    var = _FRACTION.match(q[0]).group(2)
    if re.sub(r"\s", "", var).split("_")[0] not in [a.strip() for a in args.split(",")]:
        return spec   # Q's variable is not (an entry of) f's argument
    said = (f"\\frac{{d}}{name}({args}) read as the derivative of {name}({args}) by {var}, the "
            f"variable of {q[0]} {q[1]} (as written it is d over {name}, times ({args}): d is "
            "not defined and the fraction has no variable below)")
    return replace(spec, read=f"\\frac{{\\partial}}{{\\partial {var}}} {name}({args}) ={rhs}",
                   reading=said, layout=said)


_ENDS = re.compile(r"(?:\b(?:which|this|that)\s+(?:is|gives|equals|becomes)|"
                   r"\bshould\s+(?:be|read))\s*[:,]?\s*$", re.I)
_CHAIN_RULE = re.compile(r"\bchain[-\s]+rule\b", re.I)


def _chain_rule_product(text: str, found, latex: str) -> str | None:
    """A display right after prose naming the chain rule that is a product of derivatives
    whose links telescope (∂E/∂A · ∂A/∂Z: each variable is the next one's function): the
    quantity it is the chain rule for, ∂E/∂Z, as the text writes its ends; else None."""
    start, _ = _sentence(text, found.offset)
    if not _CHAIN_RULE.search(text[max(start, found.offset - 300):found.offset]):
        return None
    factors = derivative_factors(latex)
    if factors is None:
        return None

    def name(x: str) -> str:   # E(A, T) is E: its arguments are not its name
        return re.sub(r"\(.*", "", _key(x))
    if any(name(b) != name(c) for (_, b), (c, _) in zip(factors, factors[1:])):
        return None
    (top, _), (_, bottom) = factors[0], factors[-1]
    if name(top) == name(bottom):
        return None
    return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"


def _spec_at(out: list, lay: _Layout, display) -> int | None:
    """The last formula of *display* (its index in *out*)."""
    found = [m for m, f in enumerate(lay.formula) if f is display]
    return found[-1] if found else None


def _cue(text: str, found, displays):
    """How the display *found* goes on from what is before it: ("follows", display before) when
    nothing but space is between, ("rule"|"substitute"|"continue", display before) when the
    prose right before it cues the next step; None otherwise."""
    start = found.offset
    before = [f for f in displays if f.offset < start]
    end = 0
    prev = before[-1] if before else None
    if prev is not None:
        end = text.find(prev.latex, prev.offset)
        end = prev.offset if end < 0 else end + len(prev.latex)
        gap = re.sub(r"\\\]|\$\$|\\end\{\w+\*?\}|\\begin\{\w+\*?\}|\\\[", "", text[end:start])
        if not gap.strip():
            return "follows", prev
    prose = re.sub(r"(\\\[|\$\$|\\begin\{\w+\*?\}|\s)+$", "", text[max(end, start - 300):start])
    # (the closing delimiter of the display before is no prose: "$$ Which is: $$")
    prose = re.sub(r"^(\\\]|\$\$|\\end\{\w+\*?\}|\s)+", "", prose) if prev is not None and \
        end > start - 300 else prose
    sentence = re.split(r"(?<=[.!?])\s+|\n\s*\n", prose.strip())[-1] if prose.strip() else ""
    if _OTHER.search(sentence):
        return None
    if _ENDS.search(sentence):   # "Which is:", "as it should be:" — the same quantity again
        return "continue", prev
    if _RULE.search(sentence):
        return "rule", prev
    if _SUBSTITUTE.search(sentence):
        return "substitute", prev
    if _CONTINUE.search(sentence):
        return "continue", prev
    return None


def mentions(text: str, specs: list) -> list:
    """Inline formulas with no relation (``$x$``, ``$\\frac{\\partial L}{\\partial W}$``
    in "here is $\\frac{\\partial L}{\\partial W}$"): quantities the prose names, listed
    as such (nothing to check), not as undecided claims."""
    found = {(f.line, f.latex.strip()): f for f in extract_formulas(text) if f.kind != "display"}
    inline = set(found)
    out = []
    for s in specs:
        f = found.get((s.line, s.latex.strip()))
        slip = _slip(s.latex, s.given) if f is not None and s.kind == "claim" and \
            not s.lhs and not s.read else None
        before = text[_sentence(text, f.offset)[0]:f.offset] if slip else ""
        if slip and _NAMES_DERIVATIVE.search(before):
            # "let's find this partial derivative: \frac{βy_j}{βx_i}" with β the text's own
            # parameter: the prose claims it is ∂y_j/∂x_i, which it is not as written
            said = (f"the prose names it the partial derivative {slip[0]}: read as the claim "
                    f"that it is one; {slip[1]} (a notation slip: write {slip[0]})")
            out.append(replace(s, lhs=slip[0], reading=said, layout=said))
            continue
        entries = _ENTRIES.fullmatch(s.latex)
        if s.kind == "claim" and not s.lhs and not s.read and entries and \
                entries.group(1) == entries.group(2) == entries.group(3):
            # y = \{y_1, \dots, y_K\}: the vector's entries named, nothing to check
            out.append(replace(s, kind="mention", reading=(
                f"names the entries of the vector {entries.group(1)}: nothing to check")))
        elif s.kind == "claim" and not s.lhs and not s.read and (s.line, s.latex.strip()) \
                in inline and not top_level_equals(s.latex) and \
                not _RELATION.search(s.latex) and "\\\\" not in s.latex:
            out.append(replace(s, kind="mention",
                               reading="a quantity the prose names: nothing to check"))
        else:
            out.append(s)
    return out


_ENTRIES = re.compile(r"\s*(\\?[A-Za-z]+)\s*=\s*(?:\\left\s*)?(?:\\\{|\(|\[)\s*(\\?[A-Za-z]+)\s*_\s*\{?\s*1\s*\}?\s*,"
                      r"\s*(?:\\[lc]?dots|\.\.\.|…)\s*,\s*(\\?[A-Za-z]+)\s*_\s*\{?\s*\w+\s*\}?\s*"
                      r"(?:\\right\s*)?(?:\\\}|\)|\])\s*")
