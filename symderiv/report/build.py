"""``symderiv report`` and ``symderiv audit``: check every formula, write every format.

Each formula is checked in its own bounded worker (two at a time), so one slow formula ends
as ``unknown`` (time budget) instead of stopping the report.  All files of a run are
rendered first and then moved into place (``os.replace``), so an error or an interrupt never
leaves a half-written report.
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sympy
from dataclasses import replace

from ..api import check_readings, guard_given, notation_for
from ..context import _applied_to_symbols, build_context, with_generics
from ..notation import NotationError, Partial, SymderivError, base_name
from ..printer import to_latex
from ..read import LatexError, Notation, read_expr, read_formula
from ..runner import TimeBudgetExceeded, WorkerError, run_bounded
from ..verify import HOLDS, Verdict, adopt, combine_readings, undecided
from .correct_forms import correct_form
from .domains import with_value_cases
from .html import render_html, render_index_html, render_results_page
from .markdown import render_index, render_markdown
from .model import (ClaimFile, FormulaResult, FormulaSpec, PostReport, load_claim_file,
                    misquotes)
from .tex import render_tex
from .derivation_steps import with_layout_doubt

__all__ = ["run_reports", "check_formula", "build_report", "audit_file", "write_atomically",
           "PROJECT", "default_paths"]

PROJECT = Path(__file__).resolve().parents[2]


def default_paths() -> tuple[Path, Path, Path]:
    """(claims folder, output folder, posts folder) of the bundled reports."""
    return (PROJECT / "reports" / "claims", PROJECT / "reports",
            PROJECT.parent / "shared" / "posts")


def check_formula(spec: FormulaSpec, cf: ClaimFile) -> FormulaResult:
    """Read and decide one formula of a claim file (runs inside a bounded worker)."""
    if spec.kind == "code":
        return FormulaResult(spec, Verdict(
            "unknown", "none", claim=spec.latex,
            reason="code is not checked: symderiv has no code-check capability yet"))
    if spec.kind == "value":
        return FormulaResult(spec, Verdict(
            "unknown", "none", claim=spec.latex, read_as=spec.latex,
            reason="a value stated by the text (a worked example's data): the formulas after "
                   "it in its section are checked at it"))
    if spec.kind == "assumption":
        return FormulaResult(spec, Verdict(
            "unknown", "none", claim=spec.latex, read_as=spec.latex,
            reason="an assumption about the data, stated by the text: used for the formulas "
                   "after it"))
    if spec.kind == "condition":
        return FormulaResult(spec, Verdict(
            "unknown", "none", claim=spec.latex, read_as=spec.latex,
            reason="a case condition, not a claim: applied to the formulas of its sentence"))
    try:
        nota = notation_for(spec.read or spec.latex, cf.given_for(spec),
                            spec.notation or cf.notation)
        f = read_formula(spec.read or spec.latex, nota)
        lhs = read_expr(spec.lhs, nota) if spec.lhs else None
        parts = ((lhs,) if lhs is not None else ()) + tuple(f.parts)
        size = spec.size if spec.size is not None else cf.size

        built: dict = {}

        def context(parts):   # one context per reading's parts (the first is built once)
            key = tuple(parts)
            if key not in built:
                built[key] = build_context(cf.given_for(spec), cf.where + spec.where +
                                           spec.assume, nota, claim_exprs=parts, size=size)
            return built[key]
        ctx = context(parts)
        if len(parts) < 2 and f.declarations:
            return FormulaResult(spec, _declaration_verdict(f, cf, spec, ctx))
        v = check_readings(f, spec.latex, context, lhs=lhs)
        if spec.size is not None:   # a worked example's vectors, written out (worked_rows)
            from .worked_matrices import settle
            v = settle(v, list(parts), ctx, spec.latex)
        if spec.alternatives:
            results = [(v, ())]
            for given, doubt in spec.alternatives:
                alt = check_readings(f, spec.latex, lambda ps, g=given: build_context(
                    g, cf.where + spec.where + spec.assume, nota, claim_exprs=ps, size=size),
                    lhs=lhs)
                results.append((alt, (doubt,)))
            v = combine_readings(results, claim=spec.latex)
        if v.status == "refuted" and spec.later:
            # refuted as read before the definitions that follow it: read with them too
            given = cf.given_for(spec) + spec.later
            try:
                alt = check_readings(f, spec.latex, lambda ps: build_context(
                    given, cf.where + spec.where + spec.assume, nota, claim_exprs=ps,
                    size=size), lhs=lhs)
            except (LatexError, NotationError) as err:
                alt = Verdict("unknown", "none", claim=spec.latex, reason=f"unparsed: {err}")
            if alt.status == "refuted" and alt.missing and spec.elsewhere:
                alt = _under_stated_condition(alt, spec, f, lhs, nota, cf, size, spec.later)
            v = combine_readings([(v, ()), (alt, ("read with the definitions the text states "
                                                  "after it",))], claim=spec.latex)
        if v.status in ("refuted", "unknown") and v.missing and spec.elsewhere:
            # refuted (perhaps only under a doubtful reading) where a condition the text
            # states would make it hold: checked again under it, every reading
            v = _under_stated_condition(v, spec, f, lhs, nota, cf, size)
        blocked = _opaque_used(f, lhs, with_generics(ctx, parts), spec.opaque, parts)
        if blocked:
            # an identity that holds for every value of an opaque name holds for its value
            # too; a refutation may not (its value may never be the counterexample's), nor a
            # derivative by something the unread definition may depend on
            verdicts = v.links if len(blocked) > 1 and v.links else (v,)
            flags = [any(strict for _, _, strict in b) or (bool(b) and w.status not in HOLDS)
                     for b, w in zip(blocked, verdicts)]
            if any(flags):
                names = sorted({(n, line) for b, flag in zip(blocked, flags) if flag
                                for n, line, _ in b})
                v = undecided(v, "depends on " + ", ".join(
                    f"{n} (its definition at line {line} could not be read)"
                    for n, line in names) + ": not decided",
                    flags if len(blocked) > 1 and v.links else None)
        v = guard_given(v, cf.given_for(spec), nota)
        if spec.layout:   # the layout's reading, said on every reading (derivation_steps)
            v = with_layout_doubt(v, spec.layout)
        if spec.tentative and v.status in ("proved", "verified", "refuted"):
            word = "holds" if v.status != "refuted" else "is wrong"
            v = undecided(v, f"{word} if {spec.tentative}; confirm that reading to have it "
                             "decided")
        if spec.inferred and v.status == "refuted":
            used = _inferred_used(v, parts, ctx, spec.inferred)
            if used:   # refuted through a definition read from a chain's steps: a doubt
                v = undecided(v, "refuted if " + "; ".join(used) + "; confirm that reading "
                                 "to have it decided")
        elif spec.inferred and v.status in ("proved", "verified"):
            used = _inferred_used(replace(v, links=()), parts, ctx, spec.inferred)
            if used:   # holds as read: the reading is said beside the verdict
                v = replace(v, reason=(v.reason + "; " if v.reason else "") + "holds with " +
                            "; ".join(used))
        if spec.convention and v.status == "refuted":
            v = undecided(v, f"refuted if {spec.convention}; confirm that reading to have it "
                             "decided")
        elif spec.convention and v.status in HOLDS and spec.kind == "claim":
            v = replace(v, reason=(v.reason + "; " if v.reason else "") +
                        f"holds with {spec.convention}")
    except (LatexError, NotationError) as err:
        return FormulaResult(spec, Verdict("unknown", "none", claim=spec.latex,
                                           reason=f"unparsed: {err}"))
    if spec.kind == "redefinition" and v.status != "proved":
        v = adopt(v, spec.defines or "the name")
        v = replace(v, reason=(v.reason or "") + "; it differs from the text's earlier "
                    "definition of the same name, so it is a new definition (not checked)")
    if spec.assume and v.ok:
        v = replace(v, reason=(v.reason + "; " if v.reason else "") + "relies on " +
                    ", ".join(spec.assume) + ", which the text does not state")
    if spec.kind == "definition" and spec.defines and spec.unused:
        v = adopt(Verdict("unknown", "definition", claim=spec.latex, read_as=v.read_as),
                  spec.defines, f"defines the vector {spec.defines}, whose entries the text uses "
                  "on their own: read, not used (the formulas after it treat the entries as "
                  "variables; those that need its definition are not decided)")
    elif spec.kind == "definition" and spec.defines and not spec.alternatives:
        v = adopt(v, spec.defines)
    v = with_value_cases(v, spec)
    correct = broken = None
    parts = [_applied_to_symbols(p, ctx, parts) for p in parts]
    if v.status == "refuted":
        cctx = ctx.assume(*f.conditions) if f.conditions else ctx
        if v.links:
            bad = [n for n, link in enumerate(v.links) if link.status == "refuted"]
            n = bad[0]
            broken = (f"link {n + 1}: {to_latex(parts[n])} = {to_latex(parts[n + 1])}")
            known = v.links[n].counterexample   # a value the check computed itself
            correct = (known.correct if known is not None and known.correct else None) or \
                correct_form(parts[n], cctx) or correct_form(parts[0], cctx)
        else:
            correct = correct_form(parts[0], cctx)
    return FormulaResult(spec, v, correct_form=correct, broken_step=broken)


def _under_stated_condition(v: Verdict, spec: FormulaSpec, f, lhs, nota, cf, size,
                            later: tuple[str, ...] = ()) -> Verdict:
    """A refuted claim that holds under a condition the text states elsewhere (before or
    after it: "$\\sum_k t_k = 1$", "y is one-hot"): checked again under it, and reported as
    holding under that condition, with its line."""
    for latex, line, said, scope in sorted(spec.elsewhere, key=lambda e: e[3] != "here"):
        cond = latex or v.missing
        where = cf.where + spec.where + spec.assume + (cond,)
        again = check_readings(f, spec.latex, lambda ps: build_context(
            cf.given_for(spec) + later, where, nota, claim_exprs=ps, size=size), lhs=lhs)
        if again.ok and scope != "here":
            return undecided(v, f"holds under {cond}, which the text states at line {line} "
                                f"({said}) in another section: whether it applies here is not "
                                "decided", [link.status in ("refuted", "unknown")
                                            for link in v.links] if v.links else None)
        if again.ok:
            note = f"{cond}, which the text states at line {line} ({said})"
            return replace(again, conditions=tuple(dict.fromkeys(again.conditions + (note,))),
                           reason=(again.reason + "; " if again.reason else "")
                           + f"holds under {note}")
    return v


def _inferred_used(v: Verdict, parts, ctx, inferred) -> list[str]:
    """The doubts of the step-read definitions (*inferred*: (name, doubt)) that the refuted
    links of *v* rest on (through the definitions)."""
    def key(n: str) -> str:
        return re.sub(r"[\\{}\s]", "", n)
    bad = [n for n, link in enumerate(v.links) if link.status == "refuted"] if v.links else \
        [None]
    found: set[str] = set()
    for n in bad:
        exprs = list(parts) if n is None else list(parts[n:n + 2])
        if n is not None:   # a refutation that holds whatever one factor is: not through it
            from ..verify.invariants import rests_on
            exprs = rests_on(v.links[n], {to_latex(x): x for p in exprs for x in (
                p.args if isinstance(p, (sympy.Mul, sympy.MatMul)) else (p,))})
        todo = [x for p in exprs for x in _names_in(p)]
        while todo:
            name = todo.pop()
            if name in found:
                continue
            found.add(name)
            d = ctx.definition(name)
            if d is not None:
                todo += [x for x in _names_in(d.rhs) if x not in found]
    keys = {key(x) for x in found} | {key(x).split("^")[0] for x in found}
    return [doubt for name, doubt in inferred if key(name) in keys]


def _names_in(e) -> set[str]:
    if not isinstance(e, sympy.Basic):
        return set()
    out = {base_name(a) for a in e.atoms(sympy.Indexed)}
    # a_{2,i}: an entry of the layer vector a_2 as well
    out |= {f"{base_name(a)}_{a.indices[0]}" for a in e.atoms(sympy.Indexed)
            if len(a.indices) > 1 and a.indices[0].is_Integer}
    out |= {str(s) for s in e.free_symbols if isinstance(s, sympy.Symbol)}
    out |= {str(a.func) for a in e.atoms(sympy.core.function.AppliedUndef)}
    return out


def _opaque_used(f, lhs, ctx, opaque, parts) -> list[list[tuple[str, int, bool]]]:
    """Per link of the formula (one entry for a formula without links), the opaque names
    (defined by the text, definition unread) that it rests on; [] when none.

    A link rests on an opaque name X when it uses X's value (directly or through the
    definitions) without differentiating by X — then only a refutation is unsafe, since an
    identity for every X holds for X's value —, or it differentiates something built from X by
    another variable (X's unread definition may depend on it: *strict*, nothing is safe).
    ∂ŷ_i/∂z_i = ŷ_i − ŷ_i² does not rest on z: z is the variable, whatever it is defined from."""
    if not opaque:
        return []

    def names(exprs) -> set[str]:
        found: set[str] = set()
        for p in exprs:
            found |= _names_in(p)
        todo = list(found)
        while todo:
            name = todo.pop()
            d = ctx.definition(name)
            more = (_names_in(d.rhs) if d is not None else set()) | set(ctx.depends_on(name))
            for n in more - found:
                found.add(n)
                todo.append(n)
        return found

    def rests_on(exprs) -> list[tuple[str, int]]:
        partials = [p for e in exprs if isinstance(e, sympy.Basic) for p in e.atoms(Partial)]
        used = names(exprs)
        out = []
        for n, line in opaque:
            if n not in used:
                continue
            strict = any(base_name(p.x) != n and n in names([p.f]) for p in partials)
            variable = any(base_name(p.x) == n for p in partials)   # the claim is about n
            if strict or not variable:
                out.append((n, line, strict))
        return out
    alternatives = [((lhs,) if lhs is not None else ()) + tuple(r.parts) for r in f.readings]
    if len(parts) > 2:
        out = [rests_on([p for alt in alternatives for p in alt[k:k + 2]])
               for k in range(len(parts) - 1)]
    else:
        out = [rests_on([p for alt in alternatives for p in alt])]
    return out if any(out) else []


def _declaration_verdict(f, cf: ClaimFile, spec: FormulaSpec, rctx) -> Verdict:
    """Declarations: index ranges agree with the reading; shapes fit the definitions."""
    from ..api import _shape_refuted
    from ..context import build_context
    from ..read import IndexRange
    from ..vectors import ShapeError, shape_of
    ranges = [d for d in f.declarations if isinstance(d, IndexRange)]
    if ranges:
        bad = []
        for r in ranges:
            lo, hi = rctx.range_of(r.symbol)
            if (r.lower is not None and sympy.simplify(r.lower - lo) != 0) or \
                    (r.upper is not None and sympy.simplify(r.upper - hi) != 0):
                bad.append(f"{r.name} ranges over {to_latex(r.lower)}..{to_latex(r.upper)}, "
                           f"the reading over {to_latex(lo)}..{to_latex(hi)}")
        names = ", ".join(r.name for r in ranges)
        if bad:
            return Verdict("unknown", "index ranges", claim=spec.latex, read_as=names,
                           reason="; ".join(bad))
        return Verdict("proved", "index ranges", claim=spec.latex,
                       read_as=", ".join(rf"{to_latex(r.lower)} \leq {r.name} \leq "
                                         rf"{to_latex(r.upper)}" for r in ranges),
                       reason="the stated index ranges are the ranges every formula is read with")
    ctx = build_context(cf.given_for(spec) + (spec.latex,), (), cf.notation)
    shapes = dict(ctx.shapes)
    for d in ctx.definitions:
        try:
            lhs_shape = shape_of(d.target, shapes)
            rhs_shape = shape_of(d.rhs, shapes)
        except ShapeError as err:
            return _shape_refuted(ctx, spec.latex, "", f"{to_latex(d.target)} = "
                                  f"{to_latex(d.rhs)}: {err}")
        if lhs_shape and rhs_shape and lhs_shape != rhs_shape:
            return _shape_refuted(ctx, spec.latex, "", "sides of the definition differ")
    declared = [n for dcl in f.declarations for n in getattr(dcl, "names", ())]
    used = [d for d in ctx.definitions
            if {str(s) for s in getattr(d.rhs, "free_symbols", set())} & set(declared)]
    if not used:
        return Verdict("unknown", "shape algebra from the declarations", claim=spec.latex,
                       read_as=", ".join(declared),
                       reason="no definition uses the declared names: nothing to check the "
                              "declaration against")
    return Verdict("proved", "shape algebra from the declarations", claim=spec.latex,
                   read_as=", ".join(declared),
                   reason="the declared shapes fit every definition that uses them")


def _bounded(spec: FormulaSpec, cf: ClaimFile, timeout: float) -> FormulaResult:
    try:
        return run_bounded(check_formula, (spec, cf), timeout=timeout)
    except TimeBudgetExceeded as err:
        return FormulaResult(spec, Verdict("unknown", "time budget", claim=spec.latex,
                                           reason=f"time budget: {err}"))
    except (WorkerError, SymderivError) as err:
        return FormulaResult(spec, Verdict("unknown", "none", claim=spec.latex,
                                           reason=f"could not check: {str(err).splitlines()[0]}"))


def build_report(cf: ClaimFile, timeout: float = 10.0, jobs: int = 2,
                 text: str | None = None) -> PostReport:
    """The report of a claim file; with the post's *text*, its code is read too."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda s: _bounded(s, cf, timeout), cf.formulas))
    if text is not None and any(s.kind == "code" for s in cf.formulas):
        from .code_records import code_results   # read, never run
        read = {r.spec.line: r for r in code_results(text, timeout)}
        results = [replace(r, spec=replace(r.spec, reading=read[r.spec.line].spec.reading),
                           verdict=read[r.spec.line].verdict,
                           correct_form=read[r.spec.line].correct_form,
                           broken_step=read[r.spec.line].broken_step)
                   if r.spec.kind == "code" and r.spec.line in read else r for r in results]
    return PostReport(cf, tuple(results))


# ---------------------------------------------------------------------------------------
def render_json(rep: PostReport) -> str:
    return json.dumps([r.to_json(rep.claims.post) for r in rep.results], indent=2,
                      ensure_ascii=False, sort_keys=False) + "\n"


def write_atomically(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling first, then move them all into place.

    Files get ordinary permissions (0644: ``mkstemp`` makes them 0600)."""
    staged = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def _audit_pages(audited: list, outdir: Path, rendered: dict) -> list[tuple[str, Path, list]]:
    """The HTML page of each raw post's audit, beside its Markdown page: (post name, page,
    results) per post that could be read."""
    from .audit import origin
    out = []
    for path, rep, results in audited:
        if not isinstance(results, list):
            continue   # audit_posts wrote the Markdown page that says why
        page = outdir / f"{path.stem}.html"
        rendered[page] = render_results_page(f"Audit of {path.name}",
                                             origin(rep).replace("`", "").rstrip("."), results,
                                             index_link="../index.html")
        out.append((path.name, page, results))
    return out


def overfull_boxes(log: str) -> list[str]:
    """The 'Overfull \\hbox'/'\\vbox' warnings of a TeX log."""
    return [ln for ln in log.splitlines()
            if ln.startswith(("Overfull \\hbox", "Overfull \\vbox"))]


def compile_pdf_logged(tex: Path, timeout: float = 120.0) -> tuple[Path, str, list[str]]:
    """latexmk -pdf in a private temporary folder (shell escape off, reading and writing
    restricted: openin_any=p, openout_any=p, a time limit that kills TeX too); the PDF is
    moved beside *tex* atomically and the auxiliary files are removed.  Returns (PDF, the TeX
    log, the files TeX read as latexmk's recorder lists them)."""
    import shutil
    import subprocess
    if shutil.which("latexmk") is None:
        raise SymderivError("latexmk is not installed (Debian: apt-get install latexmk "
                            "texlive-latex-recommended texlive-latex-extra lmodern)")
    tex = Path(tex)
    env = dict(os.environ, openin_any="p", openout_any="p", shell_escape="f")
    with tempfile.TemporaryDirectory(prefix="symderiv-tex-") as work:
        shutil.copyfile(tex, Path(work) / tex.name)
        proc = subprocess.Popen(
            ["latexmk", "-pdf", "-recorder", "-interaction=nonstopmode", "-halt-on-error",
             "-pdflatex=pdflatex -no-shell-escape %O %S", tex.name],
            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            errors="replace", stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            stdout, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            import signal
            os.killpg(proc.pid, signal.SIGKILL)   # latexmk and the pdflatex it started
            proc.communicate()
            raise SymderivError(f"latexmk on {tex.name} took over {timeout:g} s; "
                                "stopped") from None
        log_path = Path(work) / tex.with_suffix(".log").name
        log = log_path.read_text(errors="replace") if log_path.is_file() else ""
        fls = Path(work) / tex.with_suffix(".fls").name
        inputs = sorted({ln[6:] for ln in fls.read_text(errors="replace").splitlines()
                         if ln.startswith("INPUT ")}) if fls.is_file() else []
        pdf = Path(work) / tex.with_suffix(".pdf").name
        if proc.returncode != 0 or not pdf.is_file():
            errors = [ln for ln in (stdout + "\n" + log).splitlines()
                      if ln.startswith("! ")]
            first = errors[0] if errors else (stdout.strip().splitlines()
                                              or ["no output"])[-1]
            kept = tex.with_suffix(".log")   # kept for the reader, beside the .tex
            if log:
                write_atomically({kept: log})
            raise SymderivError(f"latexmk failed on {tex.name}: {first} (see {kept.name})")
        fd, tmp = tempfile.mkstemp(prefix=f".{pdf.name}.", dir=tex.parent)
        os.close(fd)
        try:
            shutil.copyfile(pdf, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, tex.with_suffix(".pdf"))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return tex.with_suffix(".pdf"), log, inputs


def compile_pdf(tex: Path, timeout: float = 120.0) -> Path:
    """latexmk -pdf with shell escape off and reading restricted (see compile_pdf_logged)."""
    return compile_pdf_logged(tex, timeout)[0]


def run_reports(claims: Path | None = None, out: Path | None = None, posts: Path | None = None,
                pdf: bool = False, timeout: float = 10.0, quiet: bool = False) -> int:
    """Regenerate the reports of every claim file; returns the exit status."""
    d_claims, d_out, d_posts = default_paths()
    claims, out = claims or d_claims, out or d_out
    files = sorted(Path(claims).glob("*.toml"))
    if not files:
        raise SymderivError(f"no claim files (*.toml) in {claims}")
    if posts is not None and not Path(posts).is_dir():
        raise SymderivError(f"--posts {posts}: not a folder")
    claim_files = [load_claim_file(p) for p in files]
    post_dir = Path(posts) if posts is not None else d_posts
    for cf in claim_files:   # a claim file must quote its post verbatim, at the right line
        post = post_dir / cf.post
        if post.is_file():
            bad = misquotes(cf, post.read_text(encoding="utf-8"))
            if bad:
                raise SymderivError(f"{cf.path.name} misquotes {cf.post}: " + "; ".join(bad[:3])
                                    + (f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""))
        elif not quiet:
            print(f"note: {cf.post} not found in {post_dir}: quotes of {cf.path.name} not "
                  "checked", file=sys.stderr)
    from .annotate import raw_report   # the raw post read, its claim file as annotations
    reports = [raw_report(cf, post_dir / cf.post, timeout=timeout)
               if (post_dir / cf.post).is_file() else build_report(cf, timeout=timeout)
               for cf in claim_files]
    rendered: dict[Path, str] = {}
    for rep in reports:
        slug = rep.claims.slug
        rendered[out / f"{slug}.md"] = render_markdown(rep)
        rendered[out / f"{slug}.tex"] = render_tex(rep)
        rendered[out / f"{slug}.json"] = render_json(rep)
        rendered[out / f"{slug}.html"] = render_html(rep)
    audits = []
    if posts is not None:
        from .audit import audit_posts, audited_posts
        audited = audited_posts(Path(posts), reports, timeout=timeout)   # once for both pages
        rendered.update(audit_posts(audited, out / "audit"))
        audits = _audit_pages(audited, out / "audit", rendered)
    rendered[out / "index.md"] = render_index(reports)
    rendered[out / "index.html"] = render_index_html(
        reports, [(name, f"audit/{page.name}", results) for name, page, results in audits])
    write_atomically(rendered)
    if pdf:
        for rep in reports:
            compile_pdf(out / f"{rep.claims.slug}.tex")
    if not quiet:
        from .summary import tally
        for rep in reports:
            print(f"{rep.claims.slug}: {tally(rep.results).sentence()}")
        print(f"wrote {len(rendered)} files under {out}")
    return 0


def audit_file(path: Path, given=(), where=(), fmt: str = "text", timeout: float = 10.0,
               notation: Notation | None = None, doc_timeout: float | None = None) -> int:
    """Extract every formula of one document and check it with the notation given (the
    formulas left when *doc_timeout* runs out are listed unchecked)."""
    from .audit import audit_document
    results = audit_document(Path(path), tuple(given), tuple(where), notation or Notation(),
                             timeout=timeout, doc_timeout=doc_timeout)
    empty = ""
    if not results:   # empty, prose only: a report that says so, and one line on stderr
        from ..extract import describe_empty, read_document
        empty = f"{describe_empty(read_document(path))}, no formulas found"
        print(f"{Path(path).name}: {empty}", file=sys.stderr)
    if fmt == "json":
        print(json.dumps([r.to_json(str(path)) for r in results], indent=2,
                         ensure_ascii=False))
    elif fmt == "html":
        print(render_results_page(f"Audit of {Path(path).name}", "definitions from --given "
                                  "and from the document itself", results), end="")
    elif fmt == "md":
        from .audit import audit_markdown
        print(audit_markdown(Path(path).name, results, "definitions from --given and from "
                             "the document itself; case conditions from its sentences."), end="")
    else:
        if not results:
            print(f"{Path(path).name}: {empty} (0 formulas)")
        for r in results:
            v = r.verdict
            line = f"line {r.spec.line}: {v.status:8s} {r.spec.latex[:70]}"
            if r.spec.where:
                line += f"  [where {', '.join(r.spec.where)}]"
            if v.reason and v.status in ("unknown", "refuted"):
                line += f"  ({v.reason.splitlines()[0][:100]})"
            if v.counterexample is not None:
                line += f"\n    counterexample: {v.counterexample}"
            print(line)
    statuses = {r.verdict.status for r in results}
    # a slip matters most; then formulas that could not be decided; else all hold
    return 1 if "refuted" in statuses else 2 if "unknown" in statuses else 0
