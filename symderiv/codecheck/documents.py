"""Python functions in a document: found, their indentation repaired, judged by reading only.

Code from a document is never executed (nor compiled): :func:`judge_document_code` reads it
with :mod:`symderiv.codecheck.reading`.  What a function is judged against is inferred from
its name, the names of the functions it defines, its docstring and the text around it; when
none of them says, the record is ``unknown`` with that reason.

>>> post = "The Jacobian:\\n\\ndef softmax_grad(s):\\nreturn np.diag(s) - np.outer(s, s)\\n"
>>> [(n, line) for n, _, line in find_code_functions(post)]
[('softmax_grad', 3)]
>>> judge_document_code(post)[0]["verdict"]
'pass'
"""
from __future__ import annotations

import ast
import multiprocessing as mp
import re
import textwrap

from .reading import read_function
from .targets import TARGETS

__all__ = ["find_code_functions", "judge_document_code", "infer_target", "repair_indentation"]

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_DEF = re.compile(r"^\s*def\s+([A-Za-z_]\w*)\s*\(")
_CODE_START = re.compile(r"^\s*(return\b|for\b|if\b|elif\b|else\b|while\b|import\b|from\b|"
                         r"def\b|with\b|try\b|except\b|[A-Za-z_][\w\[\]\., ]*\s*[-+*/@]?=[^=]|"
                         r"[A-Za-z_][\w.]*\(.*\)\s*$|#|@|\)|\]|pass\b|break\b|continue\b)")
_MAX_BLOCK = 400


def _looks_like_code(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if "$" in s or s.endswith((".", "?", "!")) and not s.endswith(("...", ")")):
        return False
    if _CODE_START.match(line):
        return True
    return False


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """(first line, lines) of each code region: fenced blocks, and unfenced runs that start
    at a ``def`` line and continue over lines that look like code."""
    lines = text.split("\n")
    out, n = [], 0
    while n < len(lines):
        m = _FENCE.match(lines[n])
        if m:
            end = next((k for k in range(n + 1, len(lines))
                        if lines[k].strip().startswith(m.group(1)[:3])), len(lines))
            out.append((n + 2, lines[n + 1:end]))
            n = end + 1
            continue
        if _DEF.match(lines[n]):
            start, k = n, n + 1
            while k < len(lines) and k - start < _MAX_BLOCK:
                line = lines[k]
                if not line.strip():
                    nxt = next((lines[j] for j in range(k + 1, min(k + 3, len(lines)))
                                if lines[j].strip()), "")
                    if not (nxt.startswith((" ", "\t")) and _looks_like_code(nxt)):
                        break
                elif not (line.startswith((" ", "\t")) and not _prose(line)
                          or _looks_like_code(line)):
                    break
                k += 1
            out.append((start + 1, lines[start:k]))
            n = k
            continue
        n += 1
    return out


def _prose(line: str) -> bool:
    words = re.findall(r"[A-Za-z]{3,}", line)
    return len(words) >= 6 and not re.search(r"[=()\[\]]", line)


def _parses(src: str) -> bool:
    """Parses, with no ``return`` outside a function (ast.parse alone lets that pass)."""
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError):
        return False
    return not any(isinstance(n, (ast.Return, ast.Yield)) for n in tree.body)


def repair_indentation(lines: list[str]) -> tuple[str | None, str]:
    """Source that parses (one line per input line), and what was repaired; None if none."""
    lines = [ln.replace("\t", "    ").rstrip() for ln in lines]
    lines = [re.sub(r"^(>>> |\.\.\. )", "", ln) for ln in lines]
    src = "\n".join(lines) + "\n"
    if _parses(src):
        return src, ""
    ded = textwrap.dedent(src)
    if _parses(ded):
        return ded, "common indentation removed"
    # statements pasted at column 0 after a def: they belong to the enclosing function
    fixed, depth_stack = [], []
    for ln in ded.split("\n"):
        stripped = ln.lstrip()
        indent = len(ln) - len(stripped)
        if _DEF.match(ln) and indent == 0:
            depth_stack = [0]
            fixed.append(ln)
            continue
        if stripped and indent == 0 and depth_stack and not stripped.startswith(
                ("def ", "class ", "@", "import ", "from ")):
            body = _body_indent(fixed)
            fixed.append(" " * body + stripped)
            continue
        fixed.append(ln)
    out = "\n".join(fixed)
    if _parses(out):
        return out, "statements at column 0 moved into the function they follow"
    rebuilt = _rebuild(ded.split("\n"))
    if rebuilt is not None and _parses(rebuilt):
        return rebuilt, "indentation rebuilt from the block structure"
    return None, "the indentation could not be repaired"


def _body_indent(fixed: list[str]) -> int:
    """The indentation of the top-level function's body (its first indented line)."""
    for ln in reversed(fixed):
        if _DEF.match(ln) and not ln.startswith(" "):
            break
    for ln in fixed:
        if ln.strip() and ln.startswith(" "):
            return len(ln) - len(ln.lstrip())
    return 4


def _rebuild(lines: list[str]) -> str | None:
    """Indentation from ':' alone (every line flush left): a block ends at return/else."""
    out, depth = [], 0
    for ln in lines:
        s = ln.strip()
        if not s:
            out.append("")
            continue
        if re.match(r"(else|elif|except|finally)\b", s):
            depth = max(depth - 1, 0)
        out.append("    " * depth + s)
        if s.endswith(":"):
            depth += 1
        elif re.match(r"(return|break|continue|raise)\b", s):
            depth = max(depth - 1, 0)
    return "\n".join(out) + "\n"


def find_code_functions(text: str) -> list[tuple[str, str, int]]:
    """(name, source, line) for each top-level Python function in *text*.

    *source* is the whole (repaired) code block the function sits in, so helpers and imports
    beside it are read too; *line* is the document line of its ``def``.
    """
    out = []
    for first, lines in _blocks(text):
        if not any(_DEF.match(ln) for ln in lines):
            continue
        src, _ = repair_indentation(lines)
        if src is None:
            for k, ln in enumerate(lines):
                m = _DEF.match(ln)
                if m and not ln.startswith(" "):
                    out.append((m.group(1), "\n".join(lines), first + k))
            continue
        tree = ast.parse(src)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                out.append((node.name, src, first + node.lineno - 1))
    return out


_RULES = (
    (("log", "softmax"), "log-softmax-jacobian"),
    (("softmax", "beta"), "softmax-jacobian-beta"),
    (("softmax",), "softmax-jacobian"),
    (("sigmoid",), "sigmoid-grad"),
    (("cross", "entropy"), "ce-grad"), (("ce",), "ce-grad"), (("xent",), "ce-grad"),
    (("mse",), "mse-grad"),
)
_DERIV = {"grad", "gradient", "grads", "prime", "deriv", "derivative", "derivatives", "jac",
          "jacobian", "backward", "backprop", "diff", "partial", "delta", "derivated"}


_FUNCTIONS = {"softmax", "sigmoid", "mse", "ce", "xent", "logsoftmax"}


def _words(name: str) -> set[str]:
    return {w for w in re.split(r"[_\W\d]+", name.lower()) if w}


def infer_target(node: ast.FunctionDef, around: str) -> tuple[str | None, str]:
    """(target name, how it was inferred) or (None, why not).

    Sources in order: the function's name, the names of the functions it defines, its
    docstring, the text around it.  A source names a target when it says a derivative
    (grad, prime, jacobian, ∂, …) and what of (softmax, sigmoid, cross-entropy, MSE).
    """
    names = [node.name] + [n.name for n in ast.walk(node)
                           if isinstance(n, ast.FunctionDef) and n is not node]
    params = {a.arg.lower() for a in node.args.args}
    sources = [(f"the name {n}", _words(n)) for n in names]
    sources += [("the docstring", _words(ast.get_docstring(node) or "")),
                ("the text around it", _words(around))]
    said_jacobian = False
    for source, words in sources:
        prefixed = {w[1:] for w in words if w.startswith("d") and w[1:] in _FUNCTIONS}
        words = words | prefixed | ({"grad"} if prefixed else set())
        if not words & _DERIV:
            continue
        said_jacobian |= bool(words & {"jacobian", "jac"})
        for need, tgt in _RULES:
            if all(w in words or (w == "beta" and w in params) for w in need):
                if tgt == "softmax-jacobian" and "beta" in params:
                    tgt = "softmax-jacobian-beta"
                return tgt, f"inferred from {source}"
        if said_jacobian and source == "the text around it":
            break
    return None, ("what it computes is not said: its name, docstring and the text around "
                  "it name no derived quantity (softmax Jacobian, sigmoid, cross-entropy, MSE "
                  "gradient)")


def _applied_to_logits(text: str, name: str, block_lines: set[int]) -> list[str]:
    notes = []
    for n, ln in enumerate(text.split("\n"), 1):
        if n in block_lines or not re.search(rf"\b{re.escape(name)}\b", ln):
            continue
        if re.search(r"\b(z\w*|logits?)\b\s*(argument|input)|with\s+\$?\s*z\w*|to the logits",
                     ln, re.I):
            notes.append(f"line {n}: the text applies {name} to the logits z; it expects "
                         "probabilities y = softmax(z)")
    return notes


def _read_named(src: str, name: str, target_name: str, offset: int, takes: str = "auto"):
    return read_function(src, name, TARGETS[target_name], line_offset=offset, takes=takes)


def _read_bounded(src, name, target_name, offset, timeout, takes="auto"):
    """The reading in a killable worker (not from inside a daemonic worker: there, in this
    process, bounded by the reading's own step limit)."""
    if timeout is None or mp.current_process().daemon:
        return _read_named(src, name, target_name, offset, takes)
    from ..runner import TimeBudgetExceeded, run_bounded
    try:
        return run_bounded(_read_named, (src, name, target_name, offset, takes),
                           timeout=timeout)
    except TimeBudgetExceeded:
        from .reading import Reading
        return Reading("unknown", [f"unknown, because reading {name} took longer than "
                                   f"{timeout:g} s"])


def judge_document_code(text: str, file: str | None = None,
                        timeout: float | None = None) -> list[dict]:
    """One record (kind "code") per function found; judged by the symbolic reading only.

    *timeout*: seconds per function, the reading then runs in a killable worker (``None``:
    in this process, bounded by the reading's step limit).
    """
    records = []
    doc_lines = text.split("\n")
    for name, src, line in find_code_functions(text):
        rec = {"id": f"code-L{line}", "kind": "code", "function": name,
               "location": {"file": file, "line": line}, "verdict": "unknown",
               "status": "unknown", "diagnosis": [], "against": None, "reason": None,
               "reading": None, "correct_form": None, "broken_step": None, "notes": []}
        try:
            tree = ast.parse(src)
        except SyntaxError:
            tree = None
        node = next((n for n in (tree.body if tree else []) if isinstance(n, ast.FunctionDef)
                     and n.name == name), None)
        if node is None:
            verbatim = "\n".join(doc_lines[line - 1:line + 20])
            rec.update(latex=verbatim, code=verbatim, reason="the indentation of the code "
                       "could not be repaired: not read")
            rec["diagnosis"] = [f"unknown, because {rec['reason']}"]
            records.append(rec)
            continue
        offset = line - node.lineno
        end = getattr(node, "end_lineno", node.lineno)
        verbatim = "\n".join(doc_lines[line - 1:end + offset])
        rec.update(latex=verbatim, code=verbatim)
        around = "\n".join(doc_lines[max(0, line - 15):line - 1] + doc_lines[end + offset:
                                                                            end + offset + 5])
        tgt, how = infer_target(node, around)
        if tgt is None:
            rec["reason"] = how
            rec["diagnosis"] = [f"unknown, because {how}"]
            records.append(rec)
            continue
        reading = _read_bounded(src, name, tgt, offset, timeout)
        rec.update(against=tgt, verdict=reading.verdict, status=reading.verdict,
                   diagnosis=list(reading.diagnosis), correct_form=TARGETS[tgt].formula,
                   reading=(f"read symbolically (never run) at K = "
                            f"{', '.join(map(str, reading.sizes))}"
                            + (", batched rows" if reading.batched else "")
                            + (f", its argument as {reading.convention}"
                               if reading.convention else "") + f"; target {how}"),
                   lines=reading.lines, differences=reading.differences)
        if reading.verdict != "pass":
            rec["broken_step"] = reading.diagnosis[0] if reading.diagnosis else None
            rec["reason"] = rec["broken_step"]
        block = set(range(line, end + offset + 1))
        rec["notes"] = _applied_to_logits(text, name, block)
        records.append(rec)
    return records
