"""Safe LaTeX text: escaping quoted text and wrapping a standalone document.

Quoted text (rule names, reasons, a post's title) is escaped so TeX reads it as text, never as
commands (``\\input{/etc/passwd}`` stays visible text); Unicode math is transliterated so
pdflatex needs no extra fonts.

>>> escape_text(r"\\input{x} costs 5% & ∂L/∂y")
'\\\\textbackslash{}input\\\\{x\\\\} costs 5\\\\% \\\\& $\\\\partial$L/$\\\\partial$y'
"""
from __future__ import annotations

import re

__all__ = ["escape_text", "document", "verbatim", "safe_math", "inline", "display"]

_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
}
_UNICODE = {
    "∂": r"$\partial$", "β": r"$\beta$", "Σ": r"$\Sigma$", "δ": r"$\delta$", "−": "-",
    "½": r"$\frac12$", "…": r"\dots{}", "ℝ": r"$\mathbb{R}$", "×": r"$\times$", "≤": r"$\leq$",
    "≥": r"$\geq$", "ᵀ": r"$^{T}$", "–": "--", "—": "---", "≠": r"$\neq$", "·": r"$\cdot$",
    "²": r"$^{2}$", "→": r"$\to$", "←": r"$\leftarrow$", "’": "'", "‘": "`", "“": "``",
    "”": "''", "∈": r"$\in$", "Σ_": r"$\Sigma$\_", "ε": r"$\epsilon$", "≈": r"$\approx$",
    "✓": "ok", "✗": "x", "∑": r"$\sum$", "λ": r"$\lambda$", "ℓ": r"$\ell$",
    "√": r"$\surd$", "∇": r"$\nabla$", "⊙": r"$\odot$", "∘": r"$\circ$",
}


def _other(ch: str) -> str:
    """A character pdflatex has no glyph for: a Greek letter as math, else its code point."""
    import unicodedata
    m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER ([A-Z]+)", unicodedata.name(ch, ""))
    if m:
        name = {"lamda": "lambda"}.get(m.group(2).lower(), m.group(2).lower())
        if m.group(1) == "SMALL" and name in _GREEK:
            return f"$\\{name}$"
        if m.group(1) == "CAPITAL" and name in _GREEK_CAPITAL:
            return f"$\\{name.capitalize()}$"
    return f"[U+{ord(ch):04X}]"


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
          "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
          "omega"}
_GREEK_CAPITAL = {"gamma", "delta", "theta", "lambda", "xi", "pi", "sigma", "upsilon", "phi",
                  "psi", "omega"}


def escape_text(s: str) -> str:
    """Text → LaTeX that typesets it literally (ASCII output)."""
    out = []
    for ch in str(s):
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif (ord(ch) < 32 and ch not in "\t\n\r") or ord(ch) == 127:
            out.append(_other(ch))   # a control character: TeX stops at it ("invalid")
        elif ord(ch) < 128 or (0xC0 <= ord(ch) <= 0x17F and ch not in "×÷"):
            out.append(ch)     # ASCII, and Latin letters the T1 encoding has (é, ß, ł, ...)
        else:
            out.append(_other(ch))
    return "".join(out)


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{longtable}
\usepackage{xcolor}
\usepackage{adjustbox}
\usepackage[hidelinks]{hyperref}
\input glyphtounicode.tex
\pdfgentounicode=1
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\allowdisplaybreaks
\sloppy
\setlength{\emergencystretch}{3em}
\raggedright
"""


def document(title: str, body: str) -> str:
    return (PREAMBLE + "\\title{%s}\n\\date{}\n\\begin{document}\n\\maketitle\n%s\n"
            "\\end{document}\n") % (escape_text(title), body)


# characters of escaped verbatim text after which a line may break (TeX never breaks a long
# formula written without spaces otherwise, and it runs off the page)
_BREAK_AFTER = re.compile(r"(\\[{}_&#%$]|\\text(?:backslash|asciicircum)\{\}|[=+\-,()*/|;:<>\]])")


def verbatim(s: str, size: str = r"\small") -> str:
    """Text from a document as typewriter text that wraps at the page's edge (inert)."""
    text = escape_text(" ".join(str(s).split()))
    text = text.replace("'", r"\textquotesingle{}").replace("`", r"\textasciigrave{}")
    body = _BREAK_AFTER.sub(lambda m: m.group(1) + r"\allowbreak{}", text)
    return r"{\ttfamily%s{}%s}" % (size, body)


# the control words symderiv's printer writes; a formula with any other (\input, \write18,
# \catcode, \def, \csname ...) or with ^^, %, # is never typeset as math: it is shown verbatim
_MATH_WORDS = set("""
frac dfrac tfrac partial sum prod left right cdot cdots ldots dots vdots ddots times log ln exp
delta Delta alpha beta gamma Gamma epsilon varepsilon zeta eta theta Theta vartheta iota kappa
lambda Lambda mu nu xi Xi pi Pi rho sigma Sigma tau upsilon phi Phi varphi chi psi Psi omega
Omega nabla infty in notin leq geq neq le ge ne lt gt approx equiv to mapsto sqrt hat tilde bar
vec dot ddot mathrm mathbf mathit mathcal mathbb operatorname text begin end pmatrix bmatrix
matrix cases quad qquad odot circ otimes oplus top intercal prime min max sin cos tan tanh sinh
cosh arg det tr sgn mid vert lvert rvert langle rangle lfloor rfloor lceil rceil big Big bigg
Bigg colon pm mp neg land lor forall exists emptyset subset subseteq cup cap setminus star ast
bullet limits nolimits displaystyle textstyle boldsymbol overline underline sim propto ell
""".split())
_ENVIRONMENTS = {"pmatrix", "bmatrix", "matrix", "cases", "smallmatrix"}


def safe_math(latex: str) -> bool:
    """Whether *latex* may be typeset as math: only known control words, braces balanced,
    environments from the matrix list, no ^^ / % / # / $ / line-level commands.

    >>> safe_math(r"\\frac{\\partial y_i}{\\partial z_j} = y_i(\\delta_{ij} - y_j)")
    True
    >>> any(safe_math(s) for s in (r"\\input{/etc/passwd}", r"x^^5c", r"\\catcode`\\^=7",
    ...                            r"\\def\\a{\\a}\\a", r"\\csname x\\endcsname", "x % y", "{x"))
    False
    """
    s = str(latex)
    if "^^" in s or re.search(r"(?<!\\)[%#$]", s) or "\\\\\\" in s or \
            re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", s):
        return False
    if re.search(r"(?<!\\)&", s) and "\\begin" not in s:
        return False   # an alignment tab outside a matrix stops pdflatex
    depth = 0
    for ch in re.sub(r"\\[{}]", "", s):
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    if depth:
        return False
    for word in re.findall(r"\\([A-Za-z]+)", s):
        if word not in _MATH_WORDS:
            return False
    for env in re.findall(r"\\(?:begin|end)\s*\{([^}]*)\}", s):
        if env not in _ENVIRONMENTS:
            return False
    return not re.search(r"\\(?:begin|end)(?!\s*\{)", s)


def inline(latex: str) -> str:
    """*latex* as inline math when it is safe, else as wrapping verbatim text."""
    latex = " ".join(str(latex).split())
    return f"${latex}$" if latex and safe_math(latex) else verbatim(latex)


def display(latex: str) -> str:
    """*latex* as a displayed formula scaled down to the line width when wider (never
    overfull), or as wrapping verbatim text when it is not safe to typeset."""
    latex = " ".join(str(latex).split())
    if not latex or not safe_math(latex):
        return r"\par\smallskip{}" + verbatim(latex) + r"\par"
    return ("\\par\\smallskip{}\\noindent\\adjustbox{max width=\\linewidth,center}"
            "{$\\displaystyle %s$}\\par\\smallskip{}" % latex)
