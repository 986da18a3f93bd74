"""The data model every report renderer shares, and the claim-file reader.

A claim file (TOML, one per post) holds formulas and notation only, never verdicts::

    post = "000_6e1cb4f8268cf0b9.txt"     # under the posts folder
    slug = "000-softmax-output-layer"
    title = "..."
    [notation]                           # symderiv.read.Notation fields
    labels = ["O"]
    [context]
    given = ['y_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}']    # for every formula
    sets = {linear = ['y_a = ...']}      # named sets of definitions a formula can 'use'
    use = ["softmax"]                    # the sets a formula uses unless it names its own
    size = 2                             # optional: a worked example's concrete K
    where = []
    notes = ["how the post's notation was read, and why"]
    [[formula]]
    line = 12                            # 1-based line of the post
    latex = '...'                        # verbatim, exactly as in the post
    lhs = '...'                          # optional: the left side a bare right side continues
    given = []  where = []               # optional extra notation for this formula
    assume = []                          # conditions the formula relies on, unstated in the post
    read = '...'                         # optional: the LaTeX actually checked (index form of
                                         #   vector notation, ...) — needs a 'reading' saying why
    reading = "..."                      # the reading chosen where ambiguous, and why
    size = 2                             # optional: a worked example's concrete K (also [context])
    kind = "claim"                       # claim | definition | code | example
    use = "linear"                       # optional: a named set of definitions
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..read import Notation
from ..notation import NotationError
from ..verify import Verdict

__all__ = ["ClaimFile", "FormulaSpec", "FormulaResult", "PostReport", "load_claim_file",
           "misquotes"]

KINDS = ("claim", "definition", "code", "example", "condition", "assumption", "value", "mention",
         "redefinition")


@dataclass(frozen=True)
class FormulaSpec:
    id: str
    line: int
    latex: str
    kind: str = "claim"
    lhs: str | None = None
    given: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    assume: tuple[str, ...] = ()
    reading: str | None = None
    read: str | None = None
    size: int | None = None
    use: str | tuple[str, ...] | None = None
    # names the text defines but whose definition could not be read: (name, line)
    opaque: tuple[tuple[str, int], ...] = ()
    # other plausible sets of definitions (a name the text corrects later): (given, doubt)
    alternatives: tuple[tuple[tuple[str, ...], str], ...] = ()
    # conditions the text states anywhere (before or after): (latex or None for a prose cue
    # such as "one-hot", which states Σ = 1 of a label vector, line, what the text says)
    elsewhere: tuple[tuple[str | None, int, str, str], ...] = ()   # ... and "here" or not
    defines: str | None = None   # the name a definition defines (then it is adopted)
    later: tuple[str, ...] = ()  # definitions the text states after a claim (of new names)
    unused: bool = False         # a definition read but not used (a vector's, beside its entries)
    convention: str | None = None  # a reading the text's own naming implies (dW for ∂L/∂W)
    # definitions read from a chain's steps (∂E/∂w = ∂(expr)/∂w): (name, doubt); a link that
    # rests on one is never refuted through it
    inferred: tuple[tuple[str, str], ...] = ()
    # a reading only the text's layout suggests (a bare display read as a step of the
    # derivation that follows): what it gives is shown, never taken as the verdict
    tentative: str | None = None
    # a reading the derivation's layout gives unambiguously (a bare step read as the value of
    # the one quantity its section derives; \frac{d}f(x) as f's derivative by the section's
    # variable): decided, and shown as a doubt on every reading
    layout: str | None = None
    # the notation of the formula's part, where the text's own words change it (K declared a
    # matrix is not the size; the names its prose declares matrices): None = the document's
    notation: Notation | None = None
    # the display as written (rows, alignment, environment), when it holds this formula alone
    source: str | None = None


@dataclass(frozen=True)
class ClaimFile:
    path: Path
    post: str
    slug: str
    title: str
    notation: Notation
    given: tuple[str, ...]
    where: tuple[str, ...]
    notes: tuple[str, ...]
    formulas: tuple[FormulaSpec, ...]
    size: int | None = None
    sets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    use: str | tuple[str, ...] | None = None   # the sets a formula uses unless it says

    def given_for(self, spec: "FormulaSpec") -> tuple[str, ...]:
        """The definitions a formula is read with: the shared ones, its set's, its own."""
        sets = dict(self.sets)
        use = spec.use if spec.use is not None else self.use
        names = (use,) if isinstance(use, str) else tuple(use or ())
        out = self.given
        for name in names:
            if name not in sets:
                raise NotationError(f"{self.path.name}: formula {spec.id} uses an unknown set "
                                    f"{name!r} (known: {', '.join(sets) or 'none'})")
            out += sets[name]
        return out + spec.given


@dataclass(frozen=True)
class FormulaResult:
    spec: FormulaSpec
    verdict: Verdict
    correct_form: str | None = None
    broken_step: str | None = None

    def to_json(self, post: str) -> dict:
        out = self.verdict.to_json()
        out.update({
            "id": self.spec.id, "kind": self.spec.kind,
            "latex": self.spec.source or self.spec.latex,
            "location": {"file": post, "line": self.spec.line},
            "reading": self.spec.reading, "correct_form": self.correct_form,
            "broken_step": self.broken_step,
        })
        return out


@dataclass(frozen=True)
class PostReport:
    claims: ClaimFile
    results: tuple[FormulaResult, ...]
    notes: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in ("adopted", "proved", "verified", "refuted", "unknown")}
        for r in self.results:
            out[r.verdict.status] += 1
        return out

    def slips(self) -> list[FormulaResult]:
        return [r for r in self.results if r.verdict.status == "refuted"]

    def relied_conditions(self) -> list[tuple[FormulaResult, str]]:
        """Conditions a formula needs but the post does not state (found by the engine)."""
        out = []
        for r in self.results:
            reason = r.verdict.reason or ""
            if "holds only under" in reason or "relies on" in reason:
                out.append((r, reason))
            for link in r.verdict.links:
                if link.reason and "holds only under" in link.reason:
                    out.append((r, link.reason))
        return out


def _strs(v, what, path) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
        raise NotationError(f"{path.name}: {what} must be a list of strings")
    return tuple(v)


def load_claim_file(path: Path) -> ClaimFile:
    """Read and validate a claim file (errors name the file and the entry)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise NotationError(f"{Path(path).name}: not a valid claim file: {err}") from None
    path = Path(path)
    for key in ("post", "slug", "title"):
        if not isinstance(data.get(key), str):
            raise NotationError(f"{path.name}: '{key}' (a string) is required")
    if {"verdict", "status", "verdicts"} & (set(data) | set(data.get("context", {}))):
        raise NotationError(f"{path.name}: claim files hold formulas, never verdicts")
    nota = data.get("notation", {})
    try:
        notation = Notation(**{k: tuple(v) if isinstance(v, list) else v
                               for k, v in nota.items()})
    except TypeError as err:
        raise NotationError(f"{path.name}: [notation]: {err}") from None
    ctx = data.get("context", {})
    formulas = []
    seen = set()
    for n, f in enumerate(data.get("formula", []), 1):
        if "verdict" in f or "status" in f:
            raise NotationError(f"{path.name}: formula {n}: claim files hold no verdicts")
        for key in ("line", "latex"):
            if key not in f:
                raise NotationError(f"{path.name}: formula {n} has no '{key}'")
        kind = f.get("kind", "claim")
        if kind not in KINDS:
            raise NotationError(f"{path.name}: formula {n}: kind must be one of {KINDS}")
        fid = str(f.get("id", f"L{f['line']}-{n}"))
        if fid in seen:
            raise NotationError(f"{path.name}: formula id {fid!r} used twice")
        seen.add(fid)
        formulas.append(FormulaSpec(
            id=fid, line=int(f["line"]), latex=f["latex"], kind=kind, lhs=f.get("lhs"),
            given=_strs(f.get("given"), "given", path), where=_strs(f.get("where"), "where", path),
            assume=_strs(f.get("assume"), "assume", path), reading=f.get("reading"),
            read=f.get("read"), size=f.get("size"), use=_use(f.get("use"), path)))
        if formulas[-1].read and not formulas[-1].reading:
            raise NotationError(f"{path.name}: formula {fid}: a 'read' override needs a "
                                "'reading' that says why")
    return ClaimFile(path=path, post=data["post"], slug=data["slug"], title=data["title"],
                     notation=notation, given=_strs(ctx.get("given"), "given", path),
                     where=_strs(ctx.get("where"), "where", path),
                     notes=_strs(ctx.get("notes"), "notes", path), formulas=tuple(formulas),
                     size=ctx.get("size"),
                     sets=tuple((k, _strs(v, f"sets.{k}", path))
                                for k, v in sorted(ctx.get("sets", {}).items())),
                     use=_use(ctx.get("use"), path))


def _use(v, path):
    if v is None or isinstance(v, str):
        return v
    return _strs(v, "use", path)


def misquotes(cf: ClaimFile, post_text: str) -> list[str]:
    """The formulas of *cf* not found verbatim at their line of the post (one message each).

    A formula may run over several lines of the post: it must start on its line.

    >>> cf = ClaimFile(Path("c.toml"), "p.txt", "p", "P", Notation(), (), (), (),
    ...                (FormulaSpec("a", 2, "x = 1"), FormulaSpec("b", 1, "y = 2")))
    >>> misquotes(cf, "text\\nso $x = 1$.\\n")
    ["formula b (line 1): 'y = 2' is not on that line of p.txt"]
    """
    lines = post_text.splitlines()
    out = []
    for f in cf.formulas:
        first = f.latex.split("\n", 1)[0]
        here = lines[f.line - 1] if 0 < f.line <= len(lines) else ""
        if first not in here or f.latex not in "\n".join(lines[f.line - 1:]):
            out.append(f"formula {f.id} (line {f.line}): {f.latex[:60]!r} is not on that "
                       f"line of {cf.post}")
    return out
