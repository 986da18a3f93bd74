"""Reports on the bundled posts: claim files quote verbatim, committed reports are current and
deterministic, the JSON keeps its contract, the PDF compiles (hostile text included), writing
is atomic, and the audit lists every formula of a raw post."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symderiv.notation import SymderivError
from symderiv.report import build as build_mod
from symderiv.report.build import default_paths, run_reports, write_atomically
from symderiv.report.model import load_claim_file, misquotes

CLAIMS, REPORTS, POSTS = default_paths()
CLAIM_FILES = sorted(CLAIMS.glob("*.toml"))
VERDICT_KEYS = {"claim", "read_as", "verdict", "method", "conditions", "counterexample",
                "reason", "links"}
REPORT_KEYS = VERDICT_KEYS | {"id", "kind", "latex", "location", "reading", "correct_form",
                              "broken_step"}
needs_posts = pytest.mark.skipif(not POSTS.is_dir(), reason=f"{POSTS} not present")


def test_three_claim_files():
    assert len(CLAIM_FILES) == 3
    assert [load_claim_file(p).slug for p in CLAIM_FILES] == [p.stem for p in CLAIM_FILES]


@needs_posts
@pytest.mark.parametrize("path", CLAIM_FILES, ids=lambda p: p.stem)
def test_claim_file_quotes_its_post_verbatim(path):
    cf = load_claim_file(path)
    text = (POSTS / cf.post).read_text(encoding="utf-8")
    assert misquotes(cf, text) == []
    assert len(cf.formulas) >= 10
    for f in cf.formulas:   # and the check itself is not vacuous
        assert f.latex in text.splitlines()[f.line - 1]


def test_misquote_is_an_error(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "p.txt").write_text("intro\n$y = 2 x$\n")
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "p.toml").write_text(
        'post = "p.txt"\nslug = "p"\ntitle = "P"\n'
        "[[formula]]\nline = 1\nlatex = 'y = 2 x'\n")
    with pytest.raises(SymderivError, match="misquotes p.txt.*line 1"):
        run_reports(claims=claims, out=tmp_path / "out", posts=posts, quiet=True)
    assert not (tmp_path / "out").exists()   # nothing written


def test_claim_files_hold_no_verdicts(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('post = "p"\nslug = "p"\ntitle = "t"\n'
                   "[[formula]]\nline = 1\nlatex = 'x = 1'\nverdict = 'proved'\n")
    with pytest.raises(SymderivError, match="never verdicts|no verdicts"):
        load_claim_file(bad)
    for path in CLAIM_FILES:
        assert not re.search(r"^\s*(verdict|status)\s*=", path.read_text(), re.M)


# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The reports regenerated from the claim files, as `symderiv report` writes them."""
    out = tmp_path_factory.mktemp("reports")
    run_reports(out=out, quiet=True)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(
    [f"{p.stem}.{ext}" for p in CLAIM_FILES for ext in ("md", "tex", "json", "html")]
    + ["index.md", "index.html"]))
def test_committed_reports_are_current(regenerated, name):
    """Regenerating gives the committed files byte for byte (current and deterministic)."""
    fresh = (regenerated / name).read_text(encoding="utf-8")
    committed = (REPORTS / name).read_text(encoding="utf-8")
    assert fresh == committed, f"reports/{name} is stale: run `symderiv report`"


@pytest.mark.parametrize("path", CLAIM_FILES, ids=lambda p: p.stem)
def test_json_contract(path):
    """The report reads the raw post: every formula the claim file quotes is in it (as the
    raw reader cut it, or with its hand reading where that was needed), at its line."""
    cf = load_claim_file(path)
    entries = json.loads((REPORTS / f"{cf.slug}.json").read_text(encoding="utf-8"))
    found = {(e["location"]["line"], "".join(e["latex"].split())) for e in entries}
    for f in cf.formulas:
        if f.kind == "code":
            assert any(e["kind"] == "code" and e["location"]["line"] == f.line
                       for e in entries), f.id
            continue
        # the JSON gives a display holding one formula as written (environment included)
        key = "".join(f.latex.split())
        assert (f.line, key) in found or any(line == f.line and key in text
                                             for line, text in found), f.id
    for e in entries:
        assert REPORT_KEYS <= set(e), REPORT_KEYS - set(e)
        assert e["location"]["file"] == cf.post
        assert e["verdict"] in ("proved", "verified", "refuted", "unknown", "adopted")
        if e["verdict"] == "refuted":
            assert e["counterexample"] is not None or any(
                link["verdict"] == "refuted" for link in e["links"]) or e["reason"]
        if e["verdict"] == "unknown":
            assert e["reason"], f"{e['id']}: unknown without a reason"
        for link in e["links"]:
            assert VERDICT_KEYS <= set(link)


@pytest.mark.parametrize("path", CLAIM_FILES, ids=lambda p: p.stem)
def test_every_post_has_slips_and_proofs(path):
    """Each bundled post has errors: the report finds some, and proves most of its claims."""
    cf = load_claim_file(path)
    entries = json.loads((REPORTS / f"{cf.slug}.json").read_text())
    verdicts = [e["verdict"] for e in entries]
    assert verdicts.count("refuted") >= 1
    claims = [e["verdict"] for e in entries if e["kind"] == "claim"]
    assert claims.count("proved") >= len(claims) // 2


@pytest.mark.parametrize("path", CLAIM_FILES, ids=lambda p: p.stem)
def test_report_counts_its_hand_annotations(path):
    """Read from the raw post; a hand reading is used only where the raw one gives another
    verdict, and then it is marked, and counted at the top of the report."""
    cf = load_claim_file(path)
    md = (REPORTS / f"{cf.slug}.md").read_text(encoding="utf-8")
    entries = json.loads((REPORTS / f"{cf.slug}.json").read_text())
    marked = [e for e in entries if (e["reading"] or "").startswith("annotated by hand")]
    head = md.split("## Summary", 1)[0]
    assert "Read from the raw post" in head
    if marked:
        assert f"{len(marked)} of {len(entries)} formulas needed a hand annotation" in head
    else:
        assert "no formula needed a hand annotation" in head


@pytest.mark.parametrize("path", CLAIM_FILES, ids=lambda p: p.stem)
def test_markdown_is_well_formed(path):
    md = (REPORTS / f"{load_claim_file(path).slug}.md").read_text(encoding="utf-8")
    assert md.startswith("# ")
    assert md.count("```") % 2 == 0
    outside_code = re.sub(r"```.*?```|`[^`\n]*`", "", md, flags=re.S)
    for n, line in enumerate(outside_code.splitlines(), 1):
        dollars = len(re.findall(r"(?<!\\)\$", line))
        assert dollars % 2 == 0, f"unbalanced $ on line {n}: {line[:100]}"
    for word in ("proved", "refuted"):
        assert word in md


def test_index_links_every_report():
    index = (REPORTS / "index.md").read_text(encoding="utf-8")
    for path in CLAIM_FILES:
        slug = load_claim_file(path).slug
        for ext in ("md", "tex", "json"):
            assert f"{slug}.{ext}" in index


# ---------------------------------------------------------------------------------------
def test_write_is_atomic(tmp_path, monkeypatch):
    """A failure while writing leaves the old files untouched and no temporary file behind."""
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("old a")
    b.write_text("old b")
    real_fdopen = os.fdopen
    calls = []

    def failing_fdopen(fd, *args, **kw):
        calls.append(fd)
        if len(calls) == 2:
            os.close(fd)
            raise OSError("disk full (injected)")
        return real_fdopen(fd, *args, **kw)

    monkeypatch.setattr(build_mod.os, "fdopen", failing_fdopen)
    with pytest.raises(OSError, match="injected"):
        write_atomically({a: "new a", b: "new b"})
    assert a.read_text() == "old a" and b.read_text() == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]
    monkeypatch.undo()
    write_atomically({a: "new a", b: "new b"})
    assert a.read_text() == "new a" and b.read_text() == "new b"


HOSTILE = r"Evil \input{/etc/passwd} \write18{touch pwned} 100% & $x$ #1 _a ^b ~c β∑é ∂L/∂y 中 Α ω ö"


def _hostile_claims(root: Path) -> Path:
    claims = root / "claims"
    claims.mkdir()
    (claims / "evil.toml").write_text(
        'post = "evil.txt"\nslug = "evil"\n'
        f"title = '''{HOSTILE}'''\n"
        "[notation]\nsize = \"K\"\nlower = 1\n"
        f"[context]\nnotes = ['''{HOSTILE}''']\n"
        "given = ['y_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}']\n"
        "[[formula]]\nline = 1\nlatex = '''\\input{/etc/passwd} \\write18{touch pwned} = 1'''\n"
        "[[formula]]\nline = 2\nlatex = '\\frac{\\partial y_i}{\\partial z_j} = y_i'\n"
        f"reading = '''{HOSTILE}'''\n"
        "[[formula]]\nline = 3\nlatex = '\\frac{\\partial y_i}{\\partial z_j} = "
        "y_i (\\delta_{ij} - y_j)'\n", encoding="utf-8")
    return claims


def test_hostile_text_is_escaped(tmp_path):
    out = tmp_path / "out"
    run_reports(claims=_hostile_claims(tmp_path), out=out, quiet=True)
    tex = (out / "evil.tex").read_text(encoding="utf-8")
    assert r"\input{" not in tex and r"\write18" not in tex
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex
    entries = json.loads((out / "evil.json").read_text(encoding="utf-8"))
    assert [e["verdict"] for e in entries][1:] == ["refuted", "proved"]
    assert entries[0]["verdict"] == "unknown" and entries[0]["reason"]


def _require_tex():
    if shutil.which("latexmk") is None:
        if os.environ.get("SYMDERIV_REQUIRE_TEX") == "1":
            pytest.fail("latexmk is required here (SYMDERIV_REQUIRE_TEX=1) but not installed")
        pytest.skip("latexmk not installed (Debian: latexmk texlive-latex-extra)")


@pytest.mark.slow
def test_pdf_compiles_for_every_report_and_hostile_text(tmp_path):
    _require_tex()
    for path in CLAIM_FILES:
        slug = load_claim_file(path).slug
        shutil.copy(REPORTS / f"{slug}.tex", tmp_path / f"{slug}.tex")
        pdf = build_mod.compile_pdf(tmp_path / f"{slug}.tex")
        assert pdf.stat().st_size > 10_000
        assert pdf.read_bytes().startswith(b"%PDF")
    out = tmp_path / "evil"
    run_reports(claims=_hostile_claims(tmp_path), out=out,
                pdf=True, quiet=True)
    assert (out / "evil.pdf").read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.rglob("pwned"))
    # no .log, .aux, .fls, .fdb_latexmk: latexmk ran in a private folder
    assert sorted(p.name for p in out.glob("evil.*")) == [
        "evil.html", "evil.json", "evil.md", "evil.pdf", "evil.tex"]
    assert "root:x:0" not in (out / "evil.tex").read_text()


def test_pdf_failure_is_a_clean_error(tmp_path, capsys):
    _require_tex()
    bad = tmp_path / "bad.tex"
    bad.write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n")
    with pytest.raises(SymderivError, match="latexmk failed on bad.tex"):
        build_mod.compile_pdf(bad)


# ---------------------------------------------------------------------------------------
@needs_posts
@pytest.mark.slow
def test_posts_audit_lists_every_formula_and_code(tmp_path):
    from symderiv.extract import extract_formulas
    out = tmp_path / "out"
    run_reports(out=out, posts=POSTS, quiet=True)
    audits = sorted((out / "audit").glob("*.md"))
    posts = sorted(p for p in POSTS.iterdir() if p.suffix in (".txt", ".md", ".tex")
                   and p.name != "README.md")
    assert [a.stem for a in audits] == [p.stem for p in posts]
    for post, audit in zip(posts, audits):
        text = audit.read_text(encoding="utf-8")
        rows = [r for r in text.splitlines() if re.match(r"\| \d+ \|", r)]
        assert len(rows) >= len(extract_formulas(post.read_text(encoding="utf-8")))
        if "def " in post.read_text(encoding="utf-8"):
            assert "def " in text   # code is listed (never run)


def test_audit_command_on_a_document(tmp_path, capsys):
    from symderiv.cli import main
    doc = tmp_path / "note.md"
    doc.write_text("Softmax:\n$$y_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}$$\n"
                   "Its derivative is $\\frac{\\partial y_i}{\\partial z_j} = y_i(\\delta_{ij} - y_j)$,\n"
                   "and not $\\frac{\\partial y_i}{\\partial z_j} = y_i y_j$.\n"
                   "def softmax(z):\n    return z\n", encoding="utf-8")
    code = main(["audit", str(doc), "--given",
                 "y_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}", "--format", "json"])
    entries = json.loads(capsys.readouterr().out)
    by_line = {(e["location"]["line"], e["kind"]): e["verdict"] for e in entries}
    assert by_line[(3, "claim")] == "proved"
    assert by_line[(4, "claim")] == "refuted"
    assert by_line[(5, "code")] == "unknown"
    assert code == 1   # the worst verdict is a refutation


def test_report_cli_errors_are_clean(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "symderiv", "report", "--claims",
                           str(tmp_path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "no claim files" in proc.stderr and "Traceback" not in proc.stderr


def test_audit_reads_definitions_and_prose_conditions(tmp_path, capsys):
    """A document's own definitions serve the formulas after them; "for $i \\neq j$" applies."""
    from symderiv.cli import main
    doc = tmp_path / "notes.md"
    doc.write_text(
        "Let $$y_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}$$ be the softmax.\n\n"
        "For $i = j$, $\\frac{\\partial y_i}{\\partial z_j} = y_i(1 - y_i)$. "
        "For $i \\neq j$, $\\frac{\\partial y_i}{\\partial z_j} = -y_i y_j$.\n"
        "Wrong: $\\frac{\\partial y_i}{\\partial z_j} = y_i y_j$ when $i \\neq j$.\n"
        "$$\\frac{\\partial y_i}{\\partial z_j} = -y_i y_j \\quad (i \\neq j)$$\n"
        "With $L = -\\sum_{k=1}^{K} t_k \\log y_k$, $\\frac{\\partial L}{\\partial z_j} = y_j - t_j$.\n",
        encoding="utf-8")
    code = main(["audit", str(doc), "--format", "json"])
    entries = json.loads(capsys.readouterr().out)
    got = [(e["kind"], e["verdict"]) for e in entries]
    assert got == [("definition", "adopted"),
                   ("condition", "unknown"), ("claim", "proved"),
                   ("condition", "unknown"), ("claim", "proved"),
                   ("claim", "refuted"), ("condition", "unknown"),
                   ("claim", "proved"),
                   ("definition", "adopted"), ("claim", "refuted")], got
    assert "t" in entries[-1]["reason"] and "= 1" in entries[-1]["reason"]
    assert code == 1
    main(["audit", str(doc), "--format", "md"])
    md = capsys.readouterr().out
    assert md.startswith("# Audit of `notes.md`") and md.count("\n| ") == len(entries) + 1


def test_given_definition_wins_over_the_documents(tmp_path, capsys):
    """With --given, a document's restatement of the definition is checked, not adopted."""
    from symderiv.cli import main
    doc = tmp_path / "d.md"
    doc.write_text("Softmax: $y_i = \\frac{e^{2 z_i}}{\\sum_{k=1}^{K} e^{2 z_k}}$.\n")
    main(["audit", str(doc), "--given", "y_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}",
          "--format", "json"])
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["kind"] == "claim" and entry["verdict"] == "refuted"


def test_audit_adopts_function_definitions(tmp_path, capsys):
    from symderiv.cli import main
    doc = tmp_path / "sig.md"
    doc.write_text("The sigmoid is $\\sigma(x) = \\frac{1}{1 + e^{-x}}$. Its derivative is "
                   "$\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))$, not $\\sigma'(x) = \\sigma(x)^2$.\n")
    main(["audit", str(doc), "--format", "json"])
    got = [(e["kind"], e["verdict"]) for e in json.loads(capsys.readouterr().out)]
    assert got == [("definition", "adopted"), ("claim", "proved"), ("claim", "refuted")]


def _audit_json(tmp_path, capsys, text, *args):
    from symderiv.cli import main
    doc = tmp_path / "doc.md"
    doc.write_text(text, encoding="utf-8")
    main(["audit", str(doc), "--format", "json", *args])
    return json.loads(capsys.readouterr().out)


def test_audit_chains_joined_equations_and_assumptions(tmp_path, capsys):
    entries = _audit_json(tmp_path, capsys, r"""
Let $y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} t_k \log y_k$.
\begin{align}
\frac{\partial L}{\partial z_j} &= -\sum_{k=1}^{K} t_k (\delta_{kj} - y_j) \\
&= -t_j + y_j \sum_{k=1}^{K} t_k \\
&= y_j + t_j
\end{align}
The labels are one-hot, so $\sum_k t_k = 1$ and $\frac{\partial L}{\partial z_j} = y_j - t_j$.
$$E = \frac{1}{2}\sum_{n=1}^{K} (y_n - t_n)^2, \qquad \frac{\partial E}{\partial y_n} = y_n - t_n$$
""")
    got = [(e["kind"], e["verdict"]) for e in entries]
    assert got == [("definition", "adopted"), ("definition", "adopted"),
                   ("claim", "refuted"),
                   ("assumption", "unknown"), ("claim", "proved"),
                   ("definition", "adopted"), ("claim", "proved")], got
    # the align rows are one chain, judged link by link: the third row is the slip
    assert [link["verdict"] for link in entries[2]["links"]] == ["proved", "proved", "refuted"]
    assert "link 3" in entries[2]["reason"]


def test_audit_linear_layer_index_form_wins(tmp_path, capsys):
    entries = _audit_json(tmp_path, capsys, r"""
$$y = W x + b, \qquad y_i = \sum_{j=1}^{n} W_{ij} x_j + b_i$$
Then $\frac{\partial L}{\partial W_{ij}} = \frac{\partial L}{\partial y_i} x_j$, not
$\frac{\partial L}{\partial W_{ij}} = \frac{\partial L}{\partial y_j} x_i$.
""")
    assert [e["verdict"] for e in entries][2:] == ["proved", "refuted"]


def test_case_conditions_with_any_index_letters(tmp_path, capsys):
    entries = _audit_json(tmp_path, capsys, r"""
Let $p_c = \frac{e^{z_c/T}}{\sum_{d=1}^{C} e^{z_d/T}}$.
For $a \neq b$, $\frac{\partial p_a}{\partial z_b} = -\frac{1}{T} p_a p_b$; for $a = b$,
$\frac{\partial p_a}{\partial z_b} = \frac{1}{T} p_a (1 - p_a)$. Wrong: $\frac{\partial p_a}{\partial z_b} = \frac{1}{T} p_a p_b$ for $a \neq b$.
""")
    claims = [e for e in entries if e["kind"] == "claim"]
    assert [e["verdict"] for e in claims] == ["proved", "proved", "refuted"], claims
    cx = claims[-1]["counterexample"]
    assert cx["indices"]["a"] != cx["indices"]["b"]


def test_audit_worked_example_values(tmp_path, capsys):
    """Values stated in prose ("take $T = 2$ and $z = (0, 2\\ln 3)$") serve their section."""
    entries = _audit_json(tmp_path, capsys, r"""
Let $p_c = \frac{e^{z_c/T}}{\sum_{d=1}^{C} e^{z_d/T}}$.

## Example

Take $C = 2$, $T = 2$ and $z = (0, 2\ln 3)$. Then $e^{z_2/T} = 3$, so

$$p_1 = \frac{1}{1 + 3} = \frac{1}{4}, \qquad p_2 = \frac{3}{4}$$

and $\frac{1}{T} p_1 (1 - p_1) = \frac{3}{32}$, but not $p_1 p_2 = \frac{3}{8}$.

## General again

$\frac{\partial p_a}{\partial z_a} = \frac{1}{T} p_a (1 - p_a)$.
""")
    got = [(e["kind"], e["verdict"]) for e in entries]
    assert got == [("definition", "adopted"), ("value", "unknown"), ("value", "unknown"),
                   ("value", "unknown"), ("claim", "proved"), ("claim", "proved"),
                   ("claim", "proved"), ("claim", "proved"), ("claim", "refuted"),
                   ("claim", "proved")], got
    assert entries[-1]["conditions"] == []   # the example's values end with its section


def test_audit_enumerated_definitions_and_redefinitions(tmp_path, capsys):
    entries = _audit_json(tmp_path, capsys, r"""
The softmax is $y_1 = \frac{e^{z_1}}{\sum_k e^{z_k}}, \dots, y_K = \frac{e^{z_K}}{\sum_k e^{z_k}}$.

For cases that $i \neq j$, we have

$$\frac{\partial y_i}{\partial z_j} = -y_i y_j$$

With the squared error $L = \frac{1}{2} \sum_{k=1}^{K} (y_k - t_k)^2$, $\frac{\partial L}{\partial y_j} = y_j - t_j$.
And for cross-entropy, $L = -\sum_{k=1}^{K} t_k \log y_k$ and $\frac{\partial L}{\partial y_j} = -\frac{t_j}{y_j}$.
""")
    got = [(e["kind"], e["verdict"]) for e in entries]
    assert got == [("definition", "adopted"), ("condition", "unknown"), ("claim", "proved"),
                   ("definition", "adopted"), ("claim", "proved"),
                   ("redefinition", "adopted"), ("claim", "proved")], got
    assert "enumerated" in entries[0]["reading"]


def test_audit_restatement_without_a_defining_cue_is_a_claim(tmp_path, capsys):
    """"Expanding, we find $L = ...$" is checked against L's definition, never adopted."""
    entries = _audit_json(tmp_path, capsys, r"""
Let $y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} t_k \log y_k$.
Expanding, we find $L = \sum_{k=1}^{K} t_k z_k$. Hence $\frac{\partial L}{\partial z_j} = t_j$.
A wrong version is $L = -\sum_{k=1}^{K} t_k z_k + K \log \sum_{k=1}^{K} e^{z_k}$.
""")
    got = [(e["kind"], e["verdict"]) for e in entries]
    assert got == [("definition", "adopted"), ("definition", "adopted"), ("claim", "refuted"),
                   ("claim", "refuted"), ("claim", "refuted")], got


def test_audit_value_without_example_cue_is_a_case(tmp_path, capsys):
    """"only right when $T = 1$" is a case of its sentence, not data for the section."""
    entries = _audit_json(tmp_path, capsys, r"""
Let $p_c = \frac{e^{z_c/T}}{\sum_{d=1}^{C} e^{z_d/T}}$.
Then $\frac{\partial p_a}{\partial z_b} = p_a (\delta_{ab} - p_b)$ is only right when $T = 1$.
But $\frac{\partial p_a}{\partial z_b} = T p_a (\delta_{ab} - p_b)$ is wrong.
""")
    got = [(e["kind"], e["verdict"]) for e in entries]
    assert got == [("definition", "adopted"), ("claim", "proved"), ("condition", "unknown"),
                   ("claim", "refuted")], got


def test_assumptions_hold_for_their_section(tmp_path, capsys):
    entries = _audit_json(tmp_path, capsys, r"""
Let $y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}$ and $L = -\sum_{k=1}^{K} t_k \log y_k$.
The labels are one-hot, so $\sum_k t_k = 1$ and $\frac{\partial L}{\partial z_j} = y_j - t_j$.

## Soft labels

Here $\frac{\partial L}{\partial z_j} = y_j - t_j$ no longer holds.
""")
    claims = [e for e in entries if e["kind"] == "claim"]
    # in another section the stated condition may or may not apply: never refuted for it
    assert [c["verdict"] for c in claims] == ["proved", "unknown"], entries
    assert "another section" in claims[1]["reason"]
