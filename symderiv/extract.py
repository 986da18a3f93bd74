r"""Find the formulas of a raw document (Markdown, LaTeX, plain text, or a mix of them).

Recognised: ``$...$`` and ``\(...\)`` (inline), ``$$...$$``, ``\[...\]`` and math environments
such as ``\begin{equation}...\end{equation}`` (display). Escaped dollars, fenced code blocks,
indented code blocks and inline code spans are skipped. Each formula is returned verbatim: the
exact characters between its delimiters, with the 1-based line where it starts.

A stranger's document is bounded: extraction takes time linear in its length (up to a log
factor), a formula longer than :data:`MAX_FORMULA_CHARS` is not read, nor are the formulas
after the first :data:`MAX_FORMULAS`, and a ``$$``, ``\[`` or ``\begin{...}`` that nothing
closes is no formula; each of these is listed by :func:`skipped_formulas` with its reason
(which starts with "too large" or "unclosed"), never dropped silently.

>>> [f.latex for f in extract_formulas(r'Let $x$ be \(y\), and $$z = 1$$ costs \$5.')]
['x', 'y', 'z = 1']
>>> [(s.latex, s.reason) for s in skipped_formulas('so $$y = 2 and nothing closes it')]
[('y = 2 and nothing closes it', 'unclosed $$: nothing closes it, so it is not read')]
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .notation import SymderivError

__all__ = ["DocumentError", "Found", "Skipped", "extract_formulas", "skipped_formulas",
           "read_document", "decode_document", "describe_empty", "MAX_DOCUMENT_BYTES",
           "MAX_FORMULA_CHARS", "MAX_FORMULAS"]

MAX_DOCUMENT_BYTES = 10 * 2 ** 20   # a document's size
MAX_FORMULA_CHARS = 20_000          # a formula's (the longest of the bundled posts: ~1,000)
MAX_FORMULAS = 2_000                # formulas read in one document (the most in the
                                    # bundled posts and corpus: 146)
SHOWN = 200                         # characters of a formula not read shown in its record

MATH_ENVS = ("equation", "equation*", "align", "align*", "eqnarray", "eqnarray*", "gather",
             "gather*", "multline", "multline*", "displaymath", "math", "flalign", "flalign*",
             "alignat", "alignat*")
_BEGIN_RE = re.compile(r"\\begin\s*\{(" + "|".join(re.escape(e) for e in MATH_ENVS) + r")\}")
_FENCE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_START_RE = re.compile(r"^(def|class)\s+\w+.*:\s*$")
_TICKS_RE = re.compile(r"`+")


@dataclass(frozen=True)
class Found:
    """A formula found in a document: its verbatim LaTeX, its 1-based line, ``'inline'`` or
    ``'display'``, and (not compared) the character offset of the LaTeX in the document."""

    latex: str
    line: int
    kind: str
    offset: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Skipped:
    """Math in a document that is not read: its first characters (verbatim, at most
    :data:`SHOWN`), its line, its kind, its offset and why ("too large: ...", "unclosed ...")."""

    latex: str
    line: int
    kind: str
    offset: int
    reason: str


def _code_mask(text: str) -> bytearray:
    """1 for every character inside a code block or an inline code span."""
    mask = bytearray(len(text))
    lines = text.split("\n")
    pos = 0
    fence = None
    in_code = False          # an indented (Markdown) or Python-looking block
    prev_blank = True
    for line in lines:
        start, pos = pos, pos + len(line) + 1
        m = _FENCE_RE.match(line)
        if fence is not None:
            mask[start:start + len(line)] = b"\x01" * len(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            mask[start:start + len(line)] = b"\x01" * len(line)
            continue
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        if in_code:
            if blank or indented or line.lstrip().startswith("return "):
                mask[start:start + len(line)] = b"\x01" * len(line)
                prev_blank = blank
                continue
            in_code = False
        if (indented and prev_blank and not blank) or _CODE_START_RE.match(line):
            in_code = True
            mask[start:start + len(line)] = b"\x01" * len(line)
        prev_blank = blank
    _mask_code_spans(text, mask)
    return mask


def _mask_code_spans(text: str, mask: bytearray) -> None:
    """Inline code spans: a run of n backticks (or the tail of a longer run) up to the next
    run of exactly n, with at least one character between them; a span across a paragraph
    break or over a code block is none (the run is then text).  In O(n log n): the regex
    ``(`+)(?!`)(.+?)(?<!`)\\1(?!`)`` it replaces was quadratic on a line of backticks."""
    runs = [(m.start(), m.end()) for m in _TICKS_RE.finditer(text)]
    if len(runs) < 2:
        return
    by_len: dict[int, list[int]] = {}
    for s, e in runs:
        by_len.setdefault(e - s, []).append(s)
    breaks = [m.start() for m in re.finditer(r"\n\n", text)]
    k, pos = 0, 0
    while k < len(runs):
        rs, re_ = runs[k]
        if re_ <= pos:
            k += 1
            continue
        match = None
        for t in range(max(rs, pos), re_):
            n = re_ - t
            starts = by_len.get(n, ())
            j = bisect.bisect_left(starts, re_ + 1)
            if j < len(starts):
                match = (t, starts[j] + n)
                break
        if match is None:
            pos = re_
            k += 1
            continue
        s, e = match
        b = bisect.bisect_left(breaks, s)
        across = b < len(breaks) and breaks[b] + 2 <= e
        if not across and 1 not in mask[s:e]:   # (spans never overlap: linear in all)
            mask[s:e] = b"\x01" * (e - s)
        pos = e
    return


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


class _Closers:
    """The next closing token (``$$``, ``\\]``, ``\\)``, ``\\end{env}``) at or after a
    position, not escaped and not in code; each answer is remembered, so that scanning a
    document with many openers and no closer stays linear."""

    def __init__(self, text: str, mask: bytearray):
        self.text, self.mask = text, mask
        self.memo: dict[str, tuple[int, int]] = {}   # token → (from, answer)

    def _search(self, token: str, p: int) -> int:
        text, mask = self.text, self.mask
        if token.startswith("\\end"):
            pattern = re.compile(r"\\end\s*\{" + re.escape(token[5:-1]) + r"\}")
            m = pattern.search(text, p)
            return m.start() if m else -1
        while True:
            q = text.find(token, p)
            if q < 0 or (not _escaped(text, q) and not mask[q]):
                return q
            p = q + 1

    def find(self, token: str, p: int) -> int:
        if token in self.memo:
            start, q = self.memo[token]
            if start <= p and (q < 0 or p <= q):
                return q
        q = self._search(token, p)
        self.memo[token] = (p, q)
        return q

    def end_of(self, token: str, p: int) -> tuple[int, int]:
        """(start, end) of the closing ``\\end{...}`` *token* at or after *p*, or (-1, -1)."""
        q = self.find(token, p)
        if q < 0:
            return -1, -1
        m = re.compile(r"\\end\s*\{" + re.escape(token[5:-1]) + r"\}").match(self.text, q)
        return q, m.end()


@dataclass(frozen=True)
class _Extraction:
    formulas: tuple[Found, ...]
    skipped: tuple[Skipped, ...]


def _preview(text: str, start: int) -> str:
    """The first characters of unread math: up to its paragraph's end, at most SHOWN."""
    end = text.find("\n\n", start, start + SHOWN)
    return text[start:start + SHOWN if end < 0 else end]


def _scan(text: str) -> _Extraction:
    return _scan_with(text, MAX_FORMULAS, MAX_FORMULA_CHARS)


@lru_cache(maxsize=8)
def _scan_with(text: str, max_formulas: int, max_chars: int) -> _Extraction:
    mask = _code_mask(text)
    newlines = [m.start() for m in re.finditer("\n", text)]
    found: list[Found] = []
    skipped: list[Skipped] = []
    excess: list[int] = []   # where the formulas past MAX_FORMULAS start (the scan stops)
    opened: dict[str, list] = {}   # opener → [its first Skipped, how many more]
    closers = _Closers(text, mask)
    n = len(text)

    def line_of(p: int) -> int:
        return bisect.bisect_left(newlines, p) + 1

    def add(start, end, kind, at):
        if end - start > max_chars:
            skipped.append(Skipped(text[start:start + SHOWN], line_of(at), kind, start,
                                   f"too large: {end - start:,} characters, more than the "
                                   f"{max_chars:,} a formula may have (its first "
                                   f"{SHOWN} shown); not read"))
        elif len(found) >= max_formulas:
            excess.append(at)
        else:
            found.append(Found(text[start:end], line_of(at), kind, start))

    def unclosed(opener: str, start: int, kind: str, at: int):
        if opener in opened:   # nothing closes the ones after it either: counted
            opened[opener][1] += 1
            return
        opened[opener] = [Skipped(_preview(text, start), line_of(at), kind, start,
                                  f"unclosed {opener}: nothing closes it, so it is not "
                                  "read"), 0]

    special = re.compile(r"[$\\]")
    p = 0
    while p < n and not excess:
        c = text[p]
        if c not in "$\\":
            m = special.search(text, p)
            if m is None:
                break
            p, c = m.start(), m.group()
        if mask[p]:
            p += 1
            continue
        if c == "\\":
            if p + 1 < n and text[p + 1] == "\\":
                p += 2
                continue
            if text.startswith("\\[", p) or text.startswith("\\(", p):
                close = "\\]" if text[p + 1] == "[" else "\\)"
                q = closers.find(close, p + 2)
                if q >= 0:
                    add(p + 2, q, "display" if close == "\\]" else "inline", p)
                    p = q + 2
                    continue
                if close == "\\]":   # (an unclosed "\(" is an escaped parenthesis in Markdown)
                    unclosed("\\[", p + 2, "display", p)
            m = _BEGIN_RE.match(text, p)
            if m:
                start, end = closers.end_of(f"\\end{{{m.group(1)}}}", m.end())
                if start >= 0:
                    add(m.end(), start, "display", p)
                    p = end
                    continue
                unclosed(f"\\begin{{{m.group(1)}}}", m.end(), "display", p)
            p += 1
            continue
        # a dollar
        if _escaped(text, p):
            p += 1
            continue
        if text.startswith("$$", p):
            q = closers.find("$$", p + 2)
            if q >= 0:
                add(p + 2, q, "display", p)
                p = q + 2
                continue
            unclosed("$$", p + 2, "display", p)
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
    for opener, (first, more) in opened.items():
        if more:
            first = Skipped(first.latex, first.line, first.kind, first.offset,
                            f"{first.reason} (nor are the {more:,} more {opener} after it)")
        skipped.append(first)
    if excess:
        at = excess[0]
        skipped.append(Skipped(_preview(text, at), line_of(at), "display", at,
                               f"too large a document: more than {max_formulas:,} formulas; "
                               f"the math from line {line_of(at)} to its end (line "
                               f"{len(newlines) + 1}) is not read"))
    skipped.sort(key=lambda s: s.offset)
    return _Extraction(tuple(found), tuple(skipped))


def _text(text) -> str:
    return bytes(text).decode("utf-8") if isinstance(text, (bytes, bytearray)) else text


def extract_formulas(text: str) -> list[Found]:
    r"""The formulas of *text*, in document order (at most :data:`MAX_FORMULAS`, each at most
    :data:`MAX_FORMULA_CHARS` long; the others are in :func:`skipped_formulas`).

    >>> extract_formulas('a\n\\[\\begin{eqnarray} y = W x + b \\end{eqnarray}\\]')
    [Found(latex='\\begin{eqnarray} y = W x + b \\end{eqnarray}', line=2, kind='display', offset=4)]
    """
    return list(_scan(_text(text)).formulas)


def skipped_formulas(text: str) -> list[Skipped]:
    """The math of *text* that is not read, in document order: formulas too large, those after
    the first :data:`MAX_FORMULAS` (one entry for all of them), unclosed ``$$``, ``\\[`` and
    math environments."""
    return list(_scan(_text(text)).skipped)


def describe_empty(text: str) -> str:
    """What a document without formulas holds, for its report: ``"empty"``, ``"prose only"``,
    ``"code only"`` or ``"prose and code only"``.

    >>> describe_empty(" \\n"), describe_empty("Hello."), describe_empty("```\\nx = 1\\n```")
    ('empty', 'prose only', 'code only')
    """
    text = _text(text)
    if not text.strip():
        return "empty"
    mask, pos, prose, code = _code_mask(text), 0, False, False
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        seg = mask[start:start + len(line)]
        if 0 not in seg:
            code = True
        elif 1 not in seg:
            prose = True
        else:   # a line with an inline code span
            code = True
            prose = prose or any(not seg[k] and not ch.isspace() for k, ch in enumerate(line))
    return "prose and code only" if prose and code else "code only" if code else "prose only"


class DocumentError(SymderivError):
    """A document that is not UTF-8 text (binary, UTF-16, invalid bytes, too large) or cannot
    be read: one line, naming the byte offset where there is one."""


def decode_document(data: bytes, name: str = "document") -> str:
    """The text of a document's bytes, strictly: UTF-8 (a UTF-8 BOM is dropped), no NUL bytes,
    at most 10 MB.  Anything else raises :class:`DocumentError` naming the byte offset, never a
    silently replaced character.

    >>> decode_document(b"ab\\xff", "x.md")
    Traceback (most recent call last):
    ...
    symderiv.extract.DocumentError: x.md: not UTF-8 text (byte 0xff at offset 2)
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"{name}: more than the {MAX_DOCUMENT_BYTES // 2 ** 20} MB a "
                            "document may have")
    for bom, what in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):
            raise DocumentError(f"{name}: {what} text (a byte-order mark at offset 0); save "
                                "it as UTF-8")
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    nul = data.find(b"\x00", skip)
    if nul >= 0:   # (a PNG's first byte is no UTF-8 either: "binary" says more)
        raise DocumentError(f"{name}: a NUL byte at offset {nul}: a binary file, not a text")
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as err:
        at = err.start + skip
        raise DocumentError(f"{name}: not UTF-8 text (byte 0x{data[at]:02x} at offset "
                            f"{at})") from None


def read_document(path) -> str:
    """The text of the document at *path* (see :func:`decode_document`), opened read-only;
    a pipe, a device or a folder is never read, and at most 10 MB + 1 bytes are."""
    import os
    import stat
    from pathlib import Path
    name = Path(path).name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise DocumentError(f"{name}: not read ({err.strerror or type(err).__name__})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DocumentError(f"{name}: not a regular file (a folder, pipe, socket or "
                                "device is never read)")
        chunks, size = [], 0
        while size <= MAX_DOCUMENT_BYTES:
            chunk = os.read(fd, min(2 ** 20, MAX_DOCUMENT_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise DocumentError(f"{name}: not read ({err.strerror or type(err).__name__})") from None
    finally:
        os.close(fd)
    return decode_document(b"".join(chunks), name)
