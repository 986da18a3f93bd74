"""The per-document task of a corpus audit, the same in a local worker and on a Dask worker.

A task carries the document's bytes, not its path, so that a worker needs no access to the
files (a cluster without a shared disk) and audits exactly the bytes whose hash keys its
report.  The bytes are written under the document's own file name in a private temporary
folder (one per worker thread, made once: making and removing a folder per document cost more
than auditing a short note) and audited there with
:func:`symderiv.report.audit.audit_document`; the records are those
``symderiv audit FILE --format json`` prints, with the document's name as ``file``.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import shutil
import tempfile
import threading
import zlib
from multiprocessing import util as _mp_util
from pathlib import Path

__all__ = ["make_task", "audit_task", "affinity_key", "engine_fingerprint", "document_key",
           "ORIGIN"]

# what `symderiv audit FILE --format md` says of where the definitions come from
ORIGIN = ("definitions from --given and from the document itself; case conditions from its "
          "sentences.")
_ENGINE: str | None = None
_SCRATCH = threading.local()


def engine_fingerprint() -> str:
    """symderiv's version and a hash of its engine's source (every module but this package's):
    a report made by other code is never taken as current."""
    global _ENGINE
    if _ENGINE is None:
        from .. import __version__
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(__version__.encode())
        for p in sorted(root.rglob("*")):
            if p.suffix in (".py", ".lark") and "corpus" not in p.relative_to(root).parts[:1]:
                h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
        _ENGINE = f"{__version__}+{h.hexdigest()[:16]}"
    return _ENGINE


def document_key(name: str, data: bytes, options: dict) -> str:
    """What a report depends on: the document's name and bytes, the engine, the options."""
    h = hashlib.sha256()
    for part in (name.encode(), data, engine_fingerprint().encode(),
                 json.dumps(options, sort_keys=True).encode()):
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def make_task(name: str, data: bytes, options: dict, error: str | None = None) -> dict:
    """A document to audit (or, with *error*, one that could not be read to be sent)."""
    return {"document": name, "data": data, "options": options, "error": error}


# a document's opening formula: its first display, else its first inline formula
_DISPLAY = re.compile(rb"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\begin\{(?:equation|align|eqnarray|gather|multline)"
                      rb"\*?\}(.+?)\\end\{", re.S)
_INLINE = re.compile(rb"(?<![\\$])\$([^$\n]+?)\$")


def affinity_key(task: dict) -> int | None:
    """Which worker a document suits (see :mod:`.pool`): documents that open with the same
    formula, most often the definitions they share (the same softmax, the same loss), need
    the same derivations, which a worker remembers.  None for a document with no formula."""
    head = task.get("data") or b""
    head = head[:65536]
    m = _DISPLAY.search(head) or _INLINE.search(head)
    if m is None:
        return None
    return zlib.crc32(b" ".join(next(g for g in m.groups() if g is not None).split()))


def _md_error(name: str, error: str) -> str:
    from ..report.markdown import _code
    return f"# Audit of {_code(Path(name).name)}\n\nnot read: {' '.join(error.split())}\n"


def _scratch() -> Path:
    """This thread's private folder (mode 0700) for the document it audits; removed when the
    process exits (a worker stopped at its time bound too)."""
    folder = getattr(_SCRATCH, "folder", None)
    if folder is None or not os.path.isdir(folder):
        folder = tempfile.mkdtemp(prefix="symderiv-doc-")
        _SCRATCH.folder = folder
        _mp_util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=0)
    return Path(folder)


def audit_task(task: dict) -> dict:
    """Audit one document: ``{"document", "records", "error", "md", "cacheable"}``.

    *error* is one line or None; *cacheable* says whether the outcome depends on the bytes
    only (a decode error does; a crash or a time budget may not)."""
    from ..extract import DocumentError
    from ..read import Notation
    from ..report.audit import audit_document, audit_markdown
    name, opts = task["document"], task["options"]
    out = {"document": name, "records": [], "error": None, "md": "", "cacheable": True}
    if task.get("error"):
        out.update(error=task["error"], md=_md_error(name, task["error"]), cacheable=False)
        return out
    try:
        path = _scratch() / (Path(name).name or "document")
        path.write_bytes(task["data"])
        try:
            results = audit_document(path, tuple(opts["given"]), tuple(opts["where"]),
                                     Notation(), timeout=opts["timeout"],
                                     threads=opts.get("threads", 1))   # --jobs: the cores
        finally:
            path.unlink(missing_ok=True)
        out["records"] = [r.to_json(name) for r in results]
        out["md"] = audit_markdown(Path(name).name, results, ORIGIN)
        if not results:   # say what the document holds instead
            from ..extract import decode_document, describe_empty
            what = describe_empty(decode_document(task["data"], Path(name).name))
            out["md"] += f"\nThe document is {what}: no formulas found.\n"
        return out
    except DocumentError as err:
        out["error"] = str(err).splitlines()[0]
    except (ValueError, OSError) as err:   # a time budget, a worker that died, ...
        out["error"] = str(err).splitlines()[0] if str(err) else type(err).__name__
        out["cacheable"] = False
    except Exception as err:  # a bug of ours: this document is listed, the others go on
        out["error"] = f"internal error ({type(err).__name__}: {err})".splitlines()[0]
        out["cacheable"] = False
    out["md"] = _md_error(name, out["error"])
    return out


def worker_setup() -> None:
    """Load the engine once per worker (not once per document).  The worker is killable (its
    pool stops it past the document's bound), so each formula's bound is a timer in this
    process, not a second process with a second copy of the engine and its caches."""
    from ..runner import AUDIT_PRELOAD, prestart, use_alarm_bounds
    from .pool import step_clock
    clock = step_clock()
    if clock is not None:    # a local pool's worker: the pool watches each step's deadline
        use_alarm_bounds(publish=clock)
    else:                    # elsewhere the formulas' steps keep their killable worker
        prestart(AUDIT_PRELOAD)
    for module in ("symderiv.api", "symderiv.report.audit", *AUDIT_PRELOAD):
        importlib.import_module(module)   # SymPy and the reader, once


def worker_should_retire() -> bool:
    """After a document: whether this worker should exit and be replaced (a formula's check
    was interrupted by its timer, or the worker holds too much memory)."""
    from ..runner import should_retire
    return should_retire()
