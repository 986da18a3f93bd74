"""The reports people read: the HTML report (MathML, no script, a CSP, everything escaped) in a
real headless browser, Markdown that stays inert, the one-line summaries, the index tables,
ordinary file permissions, and a PDF without overfull boxes in which TeX reads nothing."""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from symderiv.cli import main
from symderiv.report import build as build_mod
from symderiv.report.build import default_paths, run_reports, write_atomically
from symderiv.report.html import CSP
from symderiv.report.latex_doc import safe_math
from symderiv.report.mathml import to_mathml
from symderiv.read import Notation
from symderiv.report.html import render_index_html, render_results_page
from symderiv.report.markdown import render_index, render_results_markdown
from symderiv.report.model import ClaimFile, FormulaResult, FormulaSpec, PostReport, load_claim_file
from symderiv.report.summary import shorten, unrepr
from symderiv.report.tex import render_results_tex
from symderiv.verify import Verdict
from symderiv.verify.verdict import Counterexample, ReadingResult

CLAIMS, REPORTS, POSTS = default_paths()
CLAIM_FILES = sorted(CLAIMS.glob("*.toml"))

EVIL = (r"<script>alert(1)</script> </details> [x](javascript:alert(1)) &amp; &lt;b&gt; "
        r"<img src=x onerror=alert(1)> \input{/etc/passwd} \write18{touch pwned} ^^5c "
        r"\catcode`\^=7 100% & $x$ #1 _a ~c")
# formulas a stranger's document could hold (every class of issue 17's HTML/TeX rows)
EVIL_FORMULAS = [
    r"\text{<script>alert(1)</script>} = 1",
    r"\href{javascript:alert(1)}{x} = x",
    r"</details><img src=x onerror=alert(1)> = 1",
    r"x &amp; y &lt; z = [x](javascript:alert(1))",
    r"\input{/etc/passwd} \write18{touch pwned} = 1",
    r"\catcode`\^=7 ^^5c \def\a{\a}\a \csname x\endcsname = 1",
    r"\frac{\partial y_i}{\partial z_j} = y_i",                        # a slip
    r"\frac{\partial y_i}{\partial z_j} = y_i (\delta_{ij} - y_j)",    # holds
]


def _toml_str(s: str) -> str:
    return "'''" + s + "'''"


@pytest.fixture(scope="module")
def evil(tmp_path_factory) -> Path:
    """Reports of a claim file whose title, notes, readings and formulas are hostile."""
    root = tmp_path_factory.mktemp("evil")
    claims = root / "claims"
    claims.mkdir()
    body = ['post = "evil.txt"', 'slug = "evil"', f"title = {_toml_str(EVIL)}",
            '[notation]', 'size = "K"', 'lower = 1',
            '[context]', f"notes = [{_toml_str(EVIL)}]",
            "given = ['y_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}']"]
    for n, latex in enumerate(EVIL_FORMULAS, 1):
        body += ["[[formula]]", f"line = {n}", f"latex = {_toml_str(latex)}",
                 f"reading = {_toml_str(EVIL)}"]
    (claims / "evil.toml").write_text("\n".join(body) + "\n", encoding="utf-8")
    out = root / "out"
    run_reports(claims=claims, out=out, quiet=True, timeout=20)
    return out


def _result(line, latex, status, kind="claim", correct=None, reason=None, doubts=(), **kw):
    cx = Counterexample(2, (("i", 1), ("j", 2)), (("z", "(0, 0)"),), "\\frac{1}{4}",
                        "\\frac{1}{2}") if status == "refuted" else None
    readings = (ReadingResult("a = b", tuple(doubts), status),) if doubts else ()
    v = Verdict(status, kw.pop("method", "exact"), counterexample=cx, reason=reason,
                claim=latex, read_as=kw.pop("read_as", "y_{i} = x"), readings=readings)
    return FormulaResult(FormulaSpec(f"f{line}", line, latex, kind=kind, **kw), v,
                         correct_form=correct)


# one of each kind of record (built directly: the renderers are tested apart from the engine)
SYNTHETIC = [
    _result(3, r"\frac{\partial y_i}{\partial z_j} = y_i", "refuted",
            correct=r"\frac{\partial y_{i}}{\partial z_{j}} = y_{i} \left(\delta_{i j} - "
                    r"y_{j}\right)", reason="the two sides differ at the counterexample"),
    _result(4, r"y_i = \frac{e^{z_i}}{\sum_k e^{z_k}}", "adopted", kind="definition",
            defines="y"),
    _result(5, r"L = \sum_k t_k \log y_k", "refuted", kind="definition",
            reason="the two sides differ at the counterexample"),
    _result(6, r"\frac{\partial L}{\partial z_i} = y_i - t_i", "proved", method="symbolic"),
    _result(7, r"\frac{\delta E}{\delta o} = o - t", "unknown", reason="readings disagree",
            doubts=("δ read as ∂",)),
    _result(8, r"\weird{x} = 1", "unknown", reason="unparsed: cannot read '\\\\weird{x}'"),
    _result(9, r"i \neq j", "unknown", kind="condition", reason="a case condition"),
]


@pytest.fixture(scope="module")
def synthetic() -> dict:
    cf = ClaimFile(Path("syn.toml"), "syn.txt", "syn", "Synthetic", Notation(), (), (), (),
                   tuple(r.spec for r in SYNTHETIC))
    rep = PostReport(cf, tuple(SYNTHETIC))
    return {"html": render_results_page("Synthetic", "src", SYNTHETIC),
            "md": render_results_markdown("Synthetic", "src", SYNTHETIC),
            "tex": render_results_tex("Synthetic", "src", SYNTHETIC),
            "index.md": render_index([rep]), "index.html": render_index_html([rep])}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.starts, self.ends, self.attrs, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.starts.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]

    def handle_endtag(self, tag):
        self.ends.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


# --------------------------------------------------------------------------- HTML, offline
def test_html_escapes_everything_and_forbids_scripts(evil):
    html = (evil / "evil.html").read_text(encoding="utf-8")
    tags = _parse(html)
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert "script-src" not in CSP and "default-src 'none'" in CSP   # scripts fall to 'none'
    assert "script" not in tags.starts and "img" not in tags.starts
    assert not [a for a in tags.attrs if a[1].startswith("on")]
    assert not [a for a in tags.attrs if "javascript:" in a[2].lower()]
    hrefs = [v for _, k, v in tags.attrs if k == "href"]
    assert hrefs and all(h.startswith("#") or h.endswith(".html") for h in hrefs)
    for tag in ("details", "summary", "article", "table"):   # no element closed by a document
        assert tags.starts.count(tag) == tags.ends.count(tag), tag
    text = "".join(tags.text)
    assert "<script>alert(1)</script>" in text and "</details>" in text   # shown, as text
    assert r"\input{/etc/passwd}" in text


def test_html_shows_the_formula_beside_its_correct_form(synthetic):
    html = synthetic["html"]
    slips = [n for n, r in enumerate(SYNTHETIC, 1) if r.verdict.status == "refuted"]
    for n in slips:
        article = html.split(f'id="f-{n}"', 1)[1].split("</article>", 1)[0]
        assert '<div class="side post">' in article
        if SYNTHETIC[n - 1].correct_form:
            assert '<div class="side correct">' in article and article.count("<math") >= 2
        assert f'href="#f-{n}"' in html.split('id="formulas"', 1)[0]   # linked from the summary
    assert html.count("<article") == len(SYNTHETIC)
    assert html.count('<p class="todo">') == len(SYNTHETIC)


@pytest.mark.parametrize("latex", [
    r"\text{<script>alert(1)</script>}", r"\href{javascript:alert(1)}{x}",
    r"\style{background:url(http://x)}{y}", r"a &lt; b </details>", r"\frac{", "{" * 5000,
    r"\operatorname{<b>}", r"\color{red}{x}", r"\mathrm{\&amp;}"])
def test_mathml_never_carries_markup_from_the_formula(latex):
    out = to_mathml(latex)
    tags = _parse(out)
    assert set(tags.starts) <= {"math", "mrow", "mi", "mo", "mn", "mtext", "mfrac", "msub",
                                "msup", "msubsup", "mstyle", "code", "mover", "munder"}
    assert not [a for a in tags.attrs if a[1] not in ("xmlns", "display", "class",
                                                      "mathvariant", "stretchy", "fence",
                                                      "form")]
    assert "javascript" not in out.split(">", 1)[0]


def test_mathml_for_ordinary_formulas():
    out = to_mathml(r"\frac{\partial y_i}{\partial z_j} = y_i(\delta_{ij} - y_j)", True)
    assert out.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    assert "<mfrac>" in out and "δ" in out


# --------------------------------------------------------------------------- Markdown
def _outside_code(md: str) -> str:
    """The Markdown outside code spans (an escaped backtick opens none)."""
    return re.sub(r"(?<![\\`])(`+)(?!`)(?s:.*?)(?<!`)\1(?!`)", "", md)


def test_markdown_from_documents_is_inert(evil):
    md = (evil / "evil.md").read_text(encoding="utf-8")
    live = _outside_code(md)
    for bad in ("<script", "</details>", "<img", "<b>"):
        assert bad not in live, bad
    assert not re.search(r"(?<!\\)\]\(javascript:", live)   # no link is formed
    # entities written in the document stay visible as written (&amp;lt; renders as &lt;)
    assert "&amp;lt;b&amp;gt;" in live
    for line in live.splitlines():   # math spans stay balanced
        assert len(re.findall(r"(?<!\\)\$", line)) % 2 == 0, line


def test_index_tabulates_every_post(synthetic):
    refuted = sum(r.verdict.status == "refuted" for r in SYNTHETIC)
    md = synthetic["index.md"]
    row = next(line for line in md.splitlines() if "(syn.md)" in line)
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
    assert int(cells[1]) == len(SYNTHETIC)
    assert (cells[2], cells[5], cells[7], cells[8]) == ("3", "1", "1 / 1", "1")
    assert cells[-1].count("](syn.md#formula-") == refuted
    html = synthetic["index.html"]
    assert html.count('href="syn.html#f-') == refuted and 'href="syn.html"' in html
    for ext in ("md", "tex", "json"):
        assert f"syn.{ext}" in md and f'href="syn.{ext}"' in html

def test_committed_index_links_html_and_slips():
    md = (REPORTS / "index.md").read_text(encoding="utf-8")
    html = (REPORTS / "index.html").read_text(encoding="utf-8")
    for path in CLAIM_FILES:
        slug = load_claim_file(path).slug
        entries = json.loads((REPORTS / f"{slug}.json").read_text(encoding="utf-8"))
        assert (REPORTS / f"{slug}.html").is_file()
        assert f"({slug}.html)" in md and f'href="{slug}.html"' in html
        from symderiv.report.misprints import odd_entries   # a pattern with misprints: a slip
        slips = sum(e["verdict"] == "refuted" or bool(odd_entries(e.get("reading")))
                    for e in entries)
        assert html.count(f'href="{slug}.html#f-') == slips


def test_definitions_are_adopted_never_proved():
    for path in CLAIM_FILES:
        slug = load_claim_file(path).slug
        entries = json.loads((REPORTS / f"{slug}.json").read_text(encoding="utf-8"))
        md = (REPORTS / f"{slug}.md").read_text(encoding="utf-8")
        html = (REPORTS / f"{slug}.html").read_text(encoding="utf-8")
        for n, e in enumerate(entries, 1):
            if e["kind"] != "definition":
                continue
            head = md.split(f"### Formula {n}, line", 1)[1].split("\n\n", 2)[1]
            assert "proved" not in head and "verified" not in head, head
            badge = html.split(f'id="f-{n}"', 1)[1].split("</h3>", 1)[0]
            assert re.search(r">(adopted|refused|unknown|not read)</span>", badge), badge


# --------------------------------------------------------------------------- summaries
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("abcdefghij\\", min_size=1, max_size=12), min_size=1, max_size=40),
       st.integers(10, 120))
def test_hints_are_never_cut_mid_word(words, n):
    s = " ".join(words)
    out = shorten(s, n)
    assert len(out) <= n
    if out != s:
        kept = out[:-1]
        assert out.endswith("…") and s.startswith(kept)
        if " " in s[:n - 1]:
            assert s[len(kept)] in " ,;:"   # the cut is at a word's end


def test_backslashes_are_never_doubled(evil):
    assert unrepr(r"cannot read '\\frac{a}{' near '\\^=7'") == r"cannot read '\frac{a}{' near '\^=7'"
    html = (evil / "evil.html").read_text(encoding="utf-8")
    md = (evil / "evil.md").read_text(encoding="utf-8")
    assert "\\\\catcode" not in html and "\\\\input" not in html
    todo = [ln for ln in md.splitlines() if ln.startswith("| [")]
    assert todo and not [ln for ln in todo if "\\\\catcode" in ln or "\\\\frac" in ln]


def test_every_formula_has_a_one_line_action(synthetic):
    todos = re.findall(r'<p class="todo">(.*?)</p>', synthetic["html"])
    assert len(todos) == len(SYNTHETIC)
    starts = ["Wrong: replace it with <math", "Adopted as the definition of y",
              "Refused as a definition", "Holds; nothing to change",
              "Confirm the reading (δ read as ∂)", "Not read: rewrite it",
              "Nothing to check: a case condition"]
    for todo, start in zip(todos, starts):
        assert todo.startswith(start), todo
    assert "\\\\weird" not in todos[5] and "\\weird" in todos[5]   # one backslash
    tex = synthetic["tex"]   # the PDF's summary quotes each slip's formula
    summary = tex.split(r"\section*{Formulas}", 1)[0]
    assert summary.count(r"\item \hyperref[f-1]{line 3}: {\ttfamily") == 1

def test_summary_counts_claims_definitions_and_unread_apart(synthetic):
    md = synthetic["md"]
    line = md.split("## Summary", 1)[1].strip().splitlines()[0]
    assert line == ("7 formulas: 3 claims (1 proved, 1 refuted, 1 unknown); 2 definitions "
                    "(1 adopted, 1 refused); 1 not read; 1 conditions, assumptions, values and "
                    "mentions."), line
    for heading in ("Formula 2, line 4", "Formula 3, line 5"):   # definitions: never proved
        words = md.split(heading, 1)[1].split("\n\n", 2)[1]
        assert "adopted" in words or "refused" in words

# --------------------------------------------------------------------------- files
def test_report_files_have_ordinary_permissions(evil, tmp_path):
    for path in evil.rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & 0o777 == 0o644, path
    write_atomically({tmp_path / "a.md": "x"})
    assert (tmp_path / "a.md").stat().st_mode & 0o777 == 0o644


def test_audit_prints_html(tmp_path, capsys):
    doc = tmp_path / "post.md"
    doc.write_text("We have $\\text{<script>x</script>} = 1$ and $y = 2 x$, so "
                   "$\\frac{d y}{d x} = 3$.\n", encoding="utf-8")
    status = main(["audit", str(doc), "--format", "html"])
    out = capsys.readouterr().out
    assert status in (1, 2)
    assert out.startswith("<!DOCTYPE html>") and CSP in out and "<math" in out
    assert "<script" not in out


# --------------------------------------------------------------------------- browser
def _chromium() -> str | None:
    found = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                  if shutil.which(n)), None)
    if found is None:
        if os.environ.get("SYMDERIV_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required here (SYMDERIV_REQUIRE_BROWSER=1) but not found")
        pytest.skip("chromium not installed (Debian: apt-get install chromium): "
                    "the HTML report is not tested in a browser")
    return found


def _browser(exe: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    return subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, errors="replace", timeout=120,
        stdin=subprocess.DEVNULL)


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """A small PNG decoder (8-bit RGB or RGBA, not interlaced): (width, height, rows)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, head = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = head
    assert depth == 8 and colour in (2, 6) and interlace == 0, head
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f in (1, 3, 4):
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) >> 1
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows


def test_html_report_renders_in_a_real_browser(tmp_path):
    exe = _chromium()
    slug = load_claim_file(CLAIM_FILES[1]).slug
    page = REPORTS / f"{slug}.html"
    entries = json.loads((REPORTS / f"{slug}.json").read_text(encoding="utf-8"))
    shot = tmp_path / "report.png"
    proc = _browser(exe, tmp_path, f"--screenshot={shot}", "--window-size=1000,1400",
                    page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 20_000, proc.stderr[-500:]
    w, h, rows = png_pixels(shot)
    bpp = len(rows[0]) // w
    colours, ink = set(), 0
    for row in rows[::4]:
        for k in range(0, len(row), bpp * 2):
            px = row[k:k + 3]
            colours.add(px)
            ink += px != b"\xff\xff\xff"
    sampled = (h // 4 + 1) * (w // 2)
    assert (w, h) == (1000, 1400)
    assert len(colours) > 40, f"blank-looking screenshot: {len(colours)} colours"
    assert ink > sampled * 0.02, f"blank-looking screenshot: {ink}/{sampled} pixels inked"
    dom = _browser(exe, tmp_path, "--dump-dom", page.as_uri()).stdout
    assert dom.count("<math") >= len(entries)   # every formula as MathML, in the DOM
    assert "<script" not in dom


def test_csp_stops_a_script_in_a_real_browser(tmp_path, evil):
    """A script that got into the page (it cannot: everything is escaped) would not run: the
    page's Content-Security-Policy forbids it.  Checked with a script planted on purpose."""
    exe = _chromium()
    html = (evil / "evil.html").read_text(encoding="utf-8")
    planted = html.replace("</body>", "<script>document.body.setAttribute('data-ran', 'yes')"
                                      "</script><img src=x onerror=\"document.body."
                                      "setAttribute('data-img', 'yes')\"></body>")
    page = tmp_path / "planted.html"
    page.write_text(planted, encoding="utf-8")
    dom = _browser(exe, tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<body" in dom and "<math" in dom
    assert 'data-ran="yes"' not in dom and 'data-img="yes"' not in dom   # neither ran
    control = tmp_path / "control.html"   # the same script without the CSP does run
    control.write_text(planted.replace(f'<meta http-equiv="Content-Security-Policy" '
                                       f'content="{CSP}">', ""), encoding="utf-8")
    assert 'data-ran="yes"' in _browser(exe, tmp_path, "--dump-dom", control.as_uri()).stdout
    dom = _browser(exe, tmp_path, "--dump-dom", (evil / "evil.html").as_uri()).stdout
    assert "<script" not in dom and "<img" not in dom and "alert(1)" in dom


# --------------------------------------------------------------------------- PDF
def _require_tex():
    if shutil.which("latexmk") is None:
        if os.environ.get("SYMDERIV_REQUIRE_TEX") == "1":
            pytest.fail("latexmk is required here (SYMDERIV_REQUIRE_TEX=1) but not installed")
        pytest.skip("latexmk not installed (Debian: latexmk texlive-latex-extra lmodern)")


@pytest.mark.slow
def test_pdf_has_no_overfull_boxes_and_reads_nothing(evil, tmp_path):
    _require_tex()
    sources = [REPORTS / f"{load_claim_file(p).slug}.tex" for p in CLAIM_FILES]
    sources.append(evil / "evil.tex")
    folder = tmp_path / "pdf"
    folder.mkdir()
    for src in sources:
        tex = folder / src.name
        shutil.copy(src, tex)
        pdf, log, inputs = build_mod.compile_pdf_logged(tex)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert build_mod.overfull_boxes(log) == [], f"{src.name}: overfull boxes"
        assert "root:x:0" not in log
        # TeX read its own installation and the report, nothing else (no /etc/passwd)
        outside = [p for p in inputs if p.startswith("/") and not p.startswith(
            ("/usr/share/", "/usr/local/share/", "/var/lib/texmf", "/etc/texmf"))
            and not p.startswith(os.path.join(tempfile.gettempdir(), "symderiv-tex-"))]
        assert outside == [] and not [p for p in inputs if "passwd" in p], outside
    # latexmk's auxiliary files stay in its private folder
    assert sorted(p.suffix for p in folder.iterdir()) == sorted([".pdf", ".tex"] * len(sources))
    assert not list(tmp_path.rglob("pwned")) and not list(Path.cwd().glob("pwned"))
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in folder.glob("*.pdf"))
    tex = (evil / "evil.tex").read_text(encoding="utf-8")
    assert r"\input{" not in tex and r"\write18" not in tex and "^^5c" not in tex
    assert r"\catcode`" not in tex
    if shutil.which("pdftotext") and shutil.which("pdffonts"):
        for src in sources:
            pdf = folder / (src.stem + ".pdf")
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
            assert "Type 3" not in fonts, "bitmap fonts: '=' blurs into '−' on screen"
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                  text=True).stdout
            assert "K − 2" not in text
        text = subprocess.run(["pdftotext", str(folder / "evil.pdf"), "-"],
                              capture_output=True, text=True).stdout
        assert "input{/etc/passwd}" in text.replace("\n", "") and "root:x:0" not in text


# --------------------------------------------------------------------------- property
_PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
              "h4", "p", "a", "section", "div", "span", "table", "thead", "tbody", "tr", "th",
              "td", "article", "details", "summary", "pre", "code", "dl", "dt", "dd", "ul",
              "li", "ol"}
_MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "ms", "msub", "msup",
                "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable",
                "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "mfenced", "merror"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("<>&\"'`/=\\{}[]()$_^%#~ ") +
                                ["script", "details", "img", "onerror", "javascript:", "&amp;",
                                 "&#x3c;", "\\text", "\\href", "\\frac", "x"]), max_size=30))
def test_any_document_text_stays_text_in_html(pieces):
    text = "".join(pieces)
    r = _result(1, text, "unknown", reason=f"unparsed: cannot read {text!r}", reading=text)
    page = render_results_page(text, text, [r], notes=(text,))
    tags = _parse(page)
    assert set(tags.starts) <= _PAGE_TAGS | _MATHML_TAGS, set(tags.starts) - _PAGE_TAGS
    assert not [a for a in tags.attrs if a[1].startswith("on") or "javascript:" in a[2]]
    assert tags.starts.count("details") == tags.ends.count("details") == 1
    assert tags.starts.count("script") == 0
