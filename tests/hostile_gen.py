"""Hostile documents for issue 17: one list per class of threat, each document a (class, file
name, bytes) triple.  Every class of the issue's table that a document can carry is here:
nothing, prose or code only; bytes that are not UTF-8 text; sizes and nesting; TeX that would
read files or run commands; HTML and Markdown that would run scripts or forge links; Python that
would run.  The payloads that would show they ran (a file ``pwned``, a ``data-pwned`` attribute,
the title ``PWNED``) are what the tests look for.

``hypothesis`` strategies for arbitrary documents (mixtures of prose, ``$``, ``$$``,
environments, code and random bytes) are at the end.
"""
from __future__ import annotations

import random

from hypothesis import strategies as st

SOFTMAX = r"y_i = \frac{e^{z_i}}{\sum_k e^{z_k}}"
JACOBIAN = r"\frac{\partial y_i}{\partial z_j} = y_i (\delta_{ij} - y_j)"
SLIP = r"\frac{\partial y_i}{\partial z_j} = y_i y_j"

# what a script that ran would leave in the page (looked for in the browser's DOM)
MARK_JS = "document.body.setAttribute('data-pwned','1')"
HTML_PAYLOADS = [
    f"<script>{MARK_JS}</script>",
    f"<img src=x onerror=\"{MARK_JS}\">",
    f"<svg onload=\"{MARK_JS}\"></svg>",
    "<script>document.title='PWNED'</script>",
    f"[click](javascript:{MARK_JS})",
    f"[x](  javascript:alert(1)  'title') ![img](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">a</a> <iframe src=\"javascript:alert(1)\"></iframe>",
    "</details></summary></table></td></code></pre></math><b>bold?</b>",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#x3c;script&#x3e; &amp;lt; &#60;",
    "<!-- comment --> <![CDATA[ x ]]> <style>body{display:none}</style>",
    "[ref]: javascript:alert(1)\n\n[ref] <https://x.test/?q=<script>> [a]( <javascript:alert(1)> )",
    "| a | b |\n|---|---|\n| <script>x</script> | `code` |",
    "<math><mi>x</mi><maction actiontype=\"statusline\">y</maction></math>",
]
TEX_PAYLOADS = [
    r"\input{/etc/passwd}", r"\include{/etc/passwd}", r"\InputIfFileExists{/etc/passwd}{}{}",
    r"\immediate\write18{touch pwned}", r"\write18{touch pwned}", r"\ShellEscape{touch pwned}",
    r"\openin5=/etc/passwd \read5 to \x \x", r"^^5cinput^^7b/etc/passwd^^7d",
    r"\catcode`\^=7 \catcode`\@=0 @input{/etc/passwd}", r"\def\a{\a}\a", r"\def\b{\b\b}\b",
    r"\csname input\endcsname{/etc/passwd}", r"\expandafter\input\string{/etc/passwd}",
    r"\end{document}", r"\makeatletter\@@input /etc/passwd", r"\usepackage{shellesc}",
    r"\verb|\input{/etc/passwd}|", r"\special{system: touch pwned}", r"\directlua{os.exit(1)}",
    r"\lowercase{\INPUT{/etc/passwd}}", r"\jobname \pdfshellescape \endinput", "%\n#1 ~ & _",
]
PYTHON_PAYLOADS = [
    "import os\nos.system('touch pwned')\n",
    "__import__('os').system('touch pwned')\n",
    "def grad(z):\n    import subprocess\n    subprocess.run(['touch', 'pwned'])\n    return z\n",
    "def loop(z):\n    while True:\n        pass\n",
    "def big(z):\n    return [0] * 10 ** 10\n",
    "def softmax_grad(s):\n    eval(\"__import__('os').system('touch pwned')\")\n    return s\n",
    "open('pwned', 'w').write('x')\n",
]


def _md_doc(*paragraphs: str) -> bytes:
    return "\n\n".join(paragraphs).encode("utf-8")


def documents() -> list[tuple[str, str, bytes]]:
    """Every hostile document of the default run: (class, file name, bytes)."""
    rnd = random.Random(17)
    docs: list[tuple[str, str, bytes]] = []

    def add(cls, name, data):
        docs.append((cls, name, data if isinstance(data, bytes) else data.encode("utf-8")))

    # -- nothing to read: empty, prose only, code only
    add("empty", "empty.md", b"")
    add("empty", "blank.md", b" \n\t\n\n")
    add("empty", "prose.md", "Just words about gradients, no formulas at all.\n" * 20)
    add("empty", "code.md", "```python\nimport numpy as np\nx = np.zeros(3)\n```\n")
    add("empty", "indented.md", "Text.\n\n    x = 1\n    y = $2\n")
    # -- not UTF-8 text (each a decode error naming the byte offset)
    add("bytes", "random.bin.md", bytes(rnd.randrange(256) for _ in range(4096)))
    add("bytes", "png.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    add("bytes", "latin1.md", "Die Ableitung von $y$ ist gr\xfc\xdfer.".encode("latin-1"))
    add("bytes", "nul.md", b"$x = 1$ and a NUL \x00 here")
    add("bytes", "surrogate.md", b"$x$ a lone surrogate \xed\xa0\x80 here")
    add("bytes", "utf16.md", "\ufeff$x = 1$ in UTF-16".encode("utf-16-le"))
    add("bytes", "utf16be.md", "\ufeff$x$".encode("utf-16-be"))
    add("bytes", "utf16-nobom.md", "$x$ y".encode("utf-16-le"))
    add("bytes", "utf32.md", "\ufeff$x$".encode("utf-32-le"))
    add("bytes", "overlong.md", b"$x$ \xc0\xaf overlong slash")
    add("bytes", "truncated.md", b"$x$ ends mid-character \xe2\x82")
    # -- sizes, counts, nesting, unclosed delimiters
    add("size", "big-formula.md", "A long one: $$" + "x + " * 60_000 + "1$$ and $y = 2$.")
    add("size", "many-formulas.md", "".join(f"Values $x_{{{i}}}$ and $y_{{{i}}}$ here.\n"
                                            for i in range(5_000)))
    add("size", "nested-dollars.md", "$" * 100 + "x" + "$" * 100 + "\n\n$y$")
    add("size", "nested-brackets.md", r"\[" * 100 + "x" + r"\]" * 100)
    add("size", "nested-braces.md", "$" + "{" * 5000 + "x" + "}" * 5000 + " = 1$")
    add("size", "nested-frac.md", "$$" + r"\frac{1}{" * 300 + "x" + "}" * 300 + " = 1$$")
    add("size", "unclosed-display.md", f"Before $x = 1$.\n\n$$ {JACOBIAN}\n\nand then prose.")
    add("size", "unclosed-all.md", r"\[ a = b" + "\n\n" + r"\begin{align} c &= d" +
        "\n\n$$ e = f\n\n$g = h$")
    add("size", "slow-formula.md", "This one takes longer than any budget: $(x_1+x_2+x_3+x_4+"
        "x_5+x_6+x_7+x_8)^{90} = (x_8+x_7+x_6+x_5+x_4+x_3+x_2+x_1)^{90} + 1$, then $x = 1$.")
    add("size", "backticks.md", "`" * 20_000 + " $x$ " + "``a`" * 5_000)
    add("size", "long-prose.md", ("Some prose about the loss. " * 40 + "\n\n") * 1_500
        + f"${JACOBIAN}$\n")
    # -- TeX that would read files or run commands (in formulas and in prose)
    add("tex", "tex-formulas.md", "\n\n".join(f"Formula ${p} = 1$ and $${p}$$"
                                              for p in TEX_PAYLOADS))
    add("tex", "tex-prose.tex", "\\documentclass{article}\n" + "\n".join(TEX_PAYLOADS) +
        f"\n\\begin{{equation}}{SOFTMAX}\\end{{equation}}\n"
        f"\\begin{{equation}}{SLIP}\\input{{/etc/passwd}}\\end{{equation}}\n")
    add("tex", "control-chars.md", "Bell \x07 escape \x1b del \x7f: $x\x07 = y\x1b$ and "
        f"$${SLIP}\x01$$ and $\\text{{\x0c\x0b}} = 1$.")
    # -- HTML and Markdown that would run scripts or forge links
    add("html", "html-formulas.md", "\n\n".join(
        [f"Formula $\\text{{{p}}} = 1$ and $${p} = x$$" for p in HTML_PAYLOADS]
        + [f"Slip ${SLIP}$ where ${SOFTMAX}$, {HTML_PAYLOADS[0]}"]))
    add("html", "<img src=x onerror=alert(1)>`|[a](javascript:alert(1)) &lt;.md",
        f"A name that is markup: ${SOFTMAX}$ and $x_1$.")
    add("html", "html-prose.md", _md_doc(*HTML_PAYLOADS, f"Let ${SOFTMAX}$.", f"${SLIP}$"))
    # -- Python that would run (read symbolically, never run)
    add("python", "python.md", "\n\n".join(f"```python\n{p}```" for p in PYTHON_PAYLOADS)
        + f"\n\nWith ${SOFTMAX}$, ${JACOBIAN}$.\n")
    add("python", "python-pasted.md", "Here is my code:\n\n" + "".join(PYTHON_PAYLOADS))
    # -- everything at once
    add("mixed", "mixed.md", _md_doc(
        "# Notes <script>x</script>", f"Let ${SOFTMAX}$ \\input{{/etc/passwd}}.",
        f"Then $${JACOBIAN}$$ and $${SLIP}$$", "```python\nimport os; os.system('x')\n```",
        r"\begin{align} a &= \write18{touch pwned} \\ b &= ^^5c \end{align}",
        "| col | <img src=x onerror=alert(1)> |", "$$ never closed"))
    return docs


def big_documents() -> list[tuple[str, str, bytes]]:
    """The slow run's larger ones: a 10 MB document, 10,000 formulas, a 1 MB formula."""
    para = "The gradient of the loss with respect to the logits is what we need here. " * 12
    body = (para + "\n\n") * (10 * 2 ** 20 // (len(para) + 2) - 40)
    ten_mb = (body + "".join(f"Claim ${JACOBIAN}$ and $x_{{{i}}}$.\n" for i in range(20)))
    return [
        ("size", "ten-mb.md", ten_mb.encode("utf-8")[:10 * 2 ** 20]),
        ("size", "eleven-mb.md", b"x" * (11 * 2 ** 20)),
        ("size", "ten-thousand.md", "".join(
            f"We have $\\frac{{\\partial y_{{{i}}}}}{{\\partial z}} = {i}$ and $x_{{{i}}}$.\n"
            for i in range(5_000)).encode("utf-8")),
        ("size", "one-mb-formula.md", ("$$" + "x + " * 262_144 + "1$$").encode("utf-8")),
        ("size", "dollars.md", b"$" * (10 * 2 ** 20 - 1)),
        ("size", "brackets.md", b"\\[" * (5 * 2 ** 20 - 1)),
    ]


# -- arbitrary documents --------------------------------------------------------------
_ATOMS = ["$", "$$", "\\[", "\\]", "\\(", "\\)", "\\begin{align}", "\\end{align}",
          "\\begin{equation}", "\\end{equation}", "&=", "\\\\", "{", "}", "_", "^", "\n",
          "\n\n", "```", "```python\n", "    ", "`", " ", "x", "y_i", "z_j", "=", "+", "-",
          "\\frac{\\partial y_i}{\\partial z_j}", "\\sum_k e^{z_k}", "\\delta_{ij}",
          "\\input{/etc/passwd}", "<script>", "</details>", "javascript:", "&amp;", "|",
          "def f(z):\n    return z\n", "for $i \\neq j$", "where", "# Title\n", "é", "∂",
          "\\text{", "%", "#"]
ATOMS = st.sampled_from(_ATOMS)
PROSE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF),
                max_size=12)
FORMULAS = st.sampled_from([SOFTMAX, JACOBIAN, SLIP, "L = -\\sum_k t_k \\log y_k",
                            "\\frac{\\partial L}{\\partial z_k} = y_k - t_k", "x = 1"])


@st.composite
def documents_text(draw) -> str:
    """A document: prose, delimiters, formulas, environments, code and fragments mixed."""
    parts = draw(st.lists(st.one_of(ATOMS, PROSE, FORMULAS.map(lambda f: f"${f}$"),
                                    FORMULAS.map(lambda f: f"\n$${f}$$\n")), max_size=40))
    return "".join(parts)


@st.composite
def documents_bytes(draw) -> bytes:
    """A document's bytes: mostly text, sometimes with random bytes spliced in."""
    text = draw(documents_text()).encode("utf-8")
    if draw(st.booleans()):
        junk = draw(st.binary(max_size=16))
        at = draw(st.integers(0, len(text)))
        text = text[:at] + junk + text[at:]
    return text
