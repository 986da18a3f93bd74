r"""Find the formulas of a raw document (Markdown, LaTeX, plain text, or a mix of them).

Recognised: ``$...$`` and ``\(...\)`` (inline), ``$$...$$``, ``\[...\]`` and math environments
such as ``\begin{equation}...\end{equation}`` (display). Escaped dollars, fenced code blocks,
indented code blocks and inline code spans are skipped. Each formula is returned verbatim: the
exact characters between its delimiters, with the 1-based line where it starts.

>>> [f.latex for f in extract_formulas(r'Let $x$ be \(y\), and $$z = 1$$ costs \$5.')]
['x', 'y', 'z = 1']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .notation import SymderivError

__all__ = ["DocumentError", "Found", "extract_formulas", "read_document"]

MATH_ENVS = ("equation", "equation*", "align", "align*", "eqnarray", "eqnarray*", "gather",
             "gather*", "multline", "multline*", "displaymath", "math", "flalign", "flalign*",
             "alignat", "alignat*")
_BEGIN_RE = re.compile(r"\\begin\s*\{(" + "|".join(re.escape(e) for e in MATH_ENVS) + r")\}")
_FENCE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_START_RE = re.compile(r"^(def|class)\s+\w+.*:\s*$")


@dataclass(frozen=True)
class Found:
    """A formula found in a document: its verbatim LaTeX, its 1-based line, ``'inline'`` or
    ``'display'``, and (not compared) the character offset of the LaTeX in the document."""

    latex: str
    line: int
    kind: str
    offset: int = field(default=-1, compare=False)


def _code_mask(text: str) -> list[bool]:
    """True for every character inside a code block or an inline code span."""
    mask = [False] * len(text)
    lines = text.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1

    def cover(n):
        for k in range(starts[n], starts[n] + len(lines[n])):
            mask[k] = True

    fence = None
    in_code = False          # an indented (Markdown) or Python-looking block
    prev_blank = True
    for n, line in enumerate(lines):
        m = _FENCE_RE.match(line)
        if fence is not None:
            cover(n)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            cover(n)
            continue
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        if in_code:
            if blank or indented or line.lstrip().startswith("return "):
                cover(n)
                prev_blank = blank
                continue
            in_code = False
        if (indented and prev_blank and not blank) or _CODE_START_RE.match(line):
            in_code = True
            cover(n)
        prev_blank = blank
    for m in re.finditer(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", text, re.S):
        if "\n\n" not in m.group(0) and not any(mask[m.start():m.end()]):
            for k in range(m.start(), m.end()):
                mask[k] = True
    return mask


def _escaped(text: str, p: int) -> bool:
    """Is the character at *p* escaped by an odd number of backslashes?"""
    n = 0
    while p - n - 1 >= 0 and text[p - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _can_open(text: str, p: int) -> bool:
    nxt = text[p + 1] if p + 1 < len(text) else ""
    return bool(nxt) and not nxt.isspace() and nxt != "$"


def _can_close(text: str, p: int) -> bool:
    prev = text[p - 1] if p > 0 else ""
    nxt = text[p + 1] if p + 1 < len(text) else ""
    return bool(prev) and not prev.isspace() and prev not in "([{" and not nxt.isdigit()


def _blank_line_follows(text: str, q: int) -> bool:
    """Is the line after the newline at *q* blank (a paragraph break)?"""
    nl = text.find("\n", q + 1)
    return not text[q + 1:(len(text) if nl < 0 else nl)].strip()


def extract_formulas(text: str) -> list[Found]:
    r"""The formulas of *text*, in document order.

    >>> extract_formulas('a\n\\[\\begin{eqnarray} y = W x + b \\end{eqnarray}\\]')
    [Found(latex='\\begin{eqnarray} y = W x + b \\end{eqnarray}', line=2, kind='display', offset=4)]
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8")
    mask = _code_mask(text)
    found: list[Found] = []
    n = len(text)

    def line_of(p: int) -> int:
        return text.count("\n", 0, p) + 1

    def add(start, end, kind, at):
        found.append(Found(text[start:end], line_of(at), kind, start))

    def find(token: str, p: int) -> int:
        while True:
            q = text.find(token, p)
            if q < 0 or (not _escaped(text, q) and not mask[q]):
                return q
            p = q + 1

    p = 0
    while p < n:
        c = text[p]
        if mask[p] or c not in "$\\":
            p += 1
            continue
        if c == "\\":
            if p + 1 < n and text[p + 1] == "\\":
                p += 2
                continue
            if text.startswith("\\[", p) or text.startswith("\\(", p):
                close = "\\]" if text[p + 1] == "[" else "\\)"
                q = find(close, p + 2)
                if q >= 0:
                    add(p + 2, q, "display" if close == "\\]" else "inline", p)
                    p = q + 2
                    continue
            m = _BEGIN_RE.match(text, p)
            if m:
                end = re.compile(r"\\end\s*\{" + re.escape(m.group(1)) + r"\}").search(text, m.end())
                if end:
                    add(m.end(), end.start(), "display", p)
                    p = end.end()
                    continue
            p += 1
            continue
        # a dollar
        if _escaped(text, p):
            p += 1
            continue
        if text.startswith("$$", p):
            q = find("$$", p + 2)
            if q >= 0:
                add(p + 2, q, "display", p)
                p = q + 2
                continue
            p += 2
            continue
        if not _can_open(text, p):
            p += 1
            continue
        q = p + 1
        restart = None
        close = None
        while q < n:
            if mask[q]:
                break
            if text[q] == "\n" and _blank_line_follows(text, q):
                break
            if text[q] == "$" and not _escaped(text, q):
                if _can_close(text, q):
                    close = q
                    break
                if text.startswith("$$", q):
                    break
                if _can_open(text, q):
                    restart = q
                    break
            q += 1
        if close is not None:
            add(p + 1, close, "inline", p)
            p = close + 1
        elif restart is not None:
            p = restart
        else:
            p += 1
    return found


class DocumentError(SymderivError):
    """A document that is not UTF-8 text (binary, UTF-16, invalid bytes): named with the byte."""


MAX_DOCUMENT_BYTES = 10 * 2 ** 20


def read_document(path) -> str:
    """The text of a document, strictly: UTF-8 (a UTF-8 BOM is dropped), no NUL bytes, at most
    10 MB.  Anything else raises :class:`DocumentError` naming the byte offset, never a
    silently replaced character."""
    from pathlib import Path
    data = Path(path).read_bytes()
    name = Path(path).name
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"{name}: {len(data)} bytes, more than the "
                            f"{MAX_DOCUMENT_BYTES // 2 ** 20} MB a document may have")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DocumentError(f"{name}: UTF-16 text (a byte-order mark at offset 0); save it as "
                            "UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DocumentError(f"{name}: a NUL byte at offset {nul}: a binary file, not a text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(f"{name}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset "
                            f"{err.start})") from None
