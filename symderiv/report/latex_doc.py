"""Safe LaTeX text: escaping quoted text and wrapping a standalone document.

Quoted text (rule names, reasons, a post's title) is escaped so TeX reads it as text, never as
commands (``\\input{/etc/passwd}`` stays visible text); Unicode math is transliterated so
pdflatex needs no extra fonts.

>>> escape_text(r"\\input{x} costs 5% & ∂L/∂y")
'\\\\textbackslash{}input\\\\{x\\\\} costs 5\\\\% \\\\& $\\\\partial$L/$\\\\partial$y'
"""
from __future__ import annotations

import re

__all__ = ["escape_text", "document"]

_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}",
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
        elif ord(ch) < 128 or (0xC0 <= ord(ch) <= 0x17F and ch not in "×÷"):
            out.append(ch)     # ASCII, and Latin letters the T1 encoding has (é, ß, ł, ...)
        else:
            out.append(_other(ch))
    return "".join(out)


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{longtable}
\usepackage{xcolor}
\usepackage[hidelinks]{hyperref}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\allowdisplaybreaks
"""


def document(title: str, body: str) -> str:
    return (PREAMBLE + "\\title{%s}\n\\date{}\n\\begin{document}\n\\maketitle\n%s\n"
            "\\end{document}\n") % (escape_text(title), body)
