"""``symderiv audit PATH...``: audit a corpus, one task per document.

The parent finds the documents, reads their bytes (an unreadable file is listed here), skips
those whose reports are current (``--resume``), sends the others to a pool of local workers
(``--jobs``) or to a Dask cluster (``--scheduler``), writes each report as it arrives
(``--out``), and prints the results in the order of the documents' names, so that the output
does not depend on how many workers ran nor in which order they finished.  Without
``--resume`` the local workers start (and load the engine) while the parent reads; with it,
only once some document needs them (a second run over current reports starts none).  The
parent does little per document (a read, a hash, three small files, one line): the workers
get their next document before the parent handles the last result (see :mod:`.pool`).
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .discover import Document, find_documents
from .task import (affinity_key, audit_task, document_key, make_task, worker_setup,
                   worker_should_retire)

__all__ = ["CorpusOptions", "audit_corpus", "exit_status"]

EXIT_BAD_INPUT = 3
STATUSES = ("adopted", "proved", "verified", "refuted", "unknown")


@dataclass(frozen=True)
class CorpusOptions:
    given: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    timeout: float = 10.0            # per formula, as for one document
    doc_timeout: float = 1800.0      # per document
    jobs: int = 1
    fmt: str = "text"                # text | md | json | jsonl
    out: Path | None = None
    resume: bool = False
    scheduler: str | None = None
    progress: bool | None = None     # None: a bar on a terminal, plain lines otherwise

    def key_options(self) -> dict:
        """The options a document's records depend on (part of its resume key)."""
        return {"given": list(self.given), "where": list(self.where), "timeout": self.timeout,
                "schema": 1}


def exit_status(outcomes) -> int:
    """1 if anything is refuted, else 2 if anything is unknown or a document failed, else 0."""
    statuses = {r.get("verdict") for o in outcomes for r in o["records"]}
    if "refuted" in statuses:
        return 1
    if "unknown" in statuses or any(o["error"] for o in outcomes):
        return 2
    return 0


class _Progress:
    def __init__(self, total: int, bar: bool | None):
        self.total, self.done = total, 0
        self.bar = None
        if bar is None:
            bar = sys.stderr.isatty()
        if bar:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True,
                            desc="symderiv audit")

    def step(self, name: str, what: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(Path(name).name[-30:], refresh=False)
            self.bar.update(1)
        else:
            print(f"[{self.done}/{self.total}] {name}: {what}", file=sys.stderr, flush=True)

    def write(self, text: str) -> None:
        """Print *text* on stdout without breaking the bar (when both are on a terminal)."""
        if self.bar is not None and sys.stdout.isatty():
            self.bar.write(text, file=sys.stdout, end="")
        else:
            sys.stdout.write(text)
            sys.stdout.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _summary(records) -> str:
    counts = {s: sum(r.get("verdict") == s for r in records) for s in STATUSES}
    said = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    return f"{len(records)} formulas" + (f" ({said})" if said else "")


class _Printer:
    """Prints each document's outcome once every document before it (by name) is out."""

    def __init__(self, names: list[str], fmt: str, write):
        self.names, self.fmt, self.next, self.held = names, fmt, 0, {}
        self.first, self.write = True, write

    def add(self, name: str, outcome: dict) -> None:
        self.held[name] = outcome
        while self.next < len(self.names) and self.names[self.next] in self.held:
            self._print(self.names[self.next], self.held.pop(self.names[self.next]))
            self.next += 1

    def _print(self, name: str, o: dict) -> None:
        line = {"document": name, "records": o["records"], "error": o["error"]}
        if self.fmt == "jsonl":
            self.write(json.dumps(line, ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            self.write(("[" if self.first else ",") + "\n" + json.dumps(line, indent=2,
                                                                       ensure_ascii=False))
        elif self.fmt == "md":
            self.write(("" if self.first else "\n") + o["md"])
        else:
            self.write(f"{name}: " + (f"not audited: {o['error']}" if o["error"] else
                                      _summary(o["records"])) + "\n")
        self.first = False

    def close(self) -> None:
        if self.fmt == "json":
            self.write("[]\n" if self.first else "\n]\n")


def _md_failure(name: str, reason: str) -> str:
    from .task import _md_error
    return _md_error(name, reason)


def audit_corpus(paths, opts: CorpusOptions) -> int:
    """Audit every document of *paths*; print per *opts.fmt*; return the exit status."""
    t0 = time.monotonic()
    docs, failures = find_documents(paths, opts.out)
    store = None
    if opts.out is not None:
        from .store import Store
        store = Store(opts.out)
    names = sorted([d.name for d in docs] + [f.name for f in failures])
    outcomes: dict[str, dict] = {}
    for f in failures:
        outcomes[f.name] = {"records": [], "error": f.reason, "md": _md_failure(f.name, f.reason)}
    pool = None
    if docs and not opts.resume and not opts.scheduler:
        pool = _local_pool(opts)     # every document goes: its workers start meanwhile
        pool.start(len(docs))
    progress = _Progress(len(names), opts.progress)
    printer = _Printer(names, opts.fmt, progress.write)
    audited = skipped = 0
    todo: list[Document] = []
    try:
        for d in docs:
            try:
                data = Path(d.name).read_bytes()
            except OSError as err:
                reason = f"not read: {err.strerror or type(err).__name__}"
                outcomes[d.name] = {"records": [], "error": reason,
                                    "md": _md_failure(d.name, reason)}
                continue
            stored = (store.current(d.rel, document_key(d.name, data, opts.key_options()))
                      if (store is not None and opts.resume) else None)
            if stored is not None:
                outcomes[d.name] = {**stored, "skipped": True}
                skipped += 1
                continue
            todo.append(d)
    except BaseException:   # Ctrl-C while the documents are read: the workers stop too
        if pool is not None:
            pool.close()
        raise
    keys: dict[str, str] = {}

    def tasks():   # read again when a worker takes it: the key is that of the bytes sent
        for d in todo:
            try:
                data = Path(d.name).read_bytes()
            except OSError as err:
                yield make_task(d.name, b"", opts.key_options(),
                                error=f"not read: {err.strerror or type(err).__name__}")
                continue
            keys[d.name] = document_key(d.name, data, opts.key_options())
            yield make_task(d.name, data, opts.key_options())
    for name in sorted(outcomes):
        o = outcomes[name]
        progress.step(name, "current, not audited again" if o.get("skipped") else
                      f"not audited: {o['error']}")
        printer.add(name, o)
    interrupted = False
    try:
        for index, ok, value in _execute(tasks(), len(todo), opts, pool):
            d = todo[index]
            key = keys.pop(d.name, "")
            if ok:
                o = value
            else:
                o = {"document": d.name, "records": [], "error": str(value),
                     "md": _md_failure(d.name, str(value)), "cacheable": False}
            if store is not None:
                try:
                    store.save(d.rel, key, o)
                except OSError as err:
                    o = {**o, "error": f"report not written: {err}"}
            audited += o["error"] is None
            outcomes[d.name] = o
            progress.step(d.name, f"not audited: {o['error']}" if o["error"]
                          else _summary(o["records"]))
            printer.add(d.name, o)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if pool is not None:
            pool.close()     # a no-op once run() has ended
        progress.close()
    if not interrupted:
        printer.close()
    failed = sorted((n, o["error"]) for n, o in outcomes.items() if o["error"])
    records = [r for o in outcomes.values() for r in o["records"]]
    print(f"symderiv audit: {len(names)} documents: {audited} audited, {skipped} current "
          f"(not audited again), {len(failed)} not audited; {_summary(records)}; "
          f"{time.monotonic() - t0:.1f} s", file=sys.stderr)
    for name, reason in failed:
        print(f"  not audited: {name}: {reason}", file=sys.stderr)
    if interrupted:
        done = len(outcomes)
        print(f"symderiv audit: interrupted after {done} of {len(names)} documents"
              + ("; run again with --resume to continue" if store is not None else ""),
              file=sys.stderr)
        return 130
    if not names:
        print("symderiv audit: no documents found (files, folders with *.md, *.markdown, "
              "*.tex, *.txt, or globs)", file=sys.stderr)
        return EXIT_BAD_INPUT
    if len(failed) == len(names):
        return EXIT_BAD_INPUT     # bad input only: nothing could be audited
    return exit_status(outcomes.values())


def _local_pool(opts: CorpusOptions):
    from .pool import LocalPool
    return LocalPool(audit_task, opts.jobs, opts.doc_timeout, setup=worker_setup,
                     retire=worker_should_retire, affinity=affinity_key)


def _execute(tasks, count: int, opts: CorpusOptions, pool=None):
    if not count:
        return iter(())
    if opts.scheduler:
        from .dask_backend import run_on_dask
        return run_on_dask(opts.scheduler, tasks, opts.doc_timeout)
    return (pool or _local_pool(opts)).run(tasks, count)
