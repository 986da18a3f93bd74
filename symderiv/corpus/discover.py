"""Which documents a corpus audit reads: files, folders (recursively) and globs.

Symbolic links are resolved and every document is read once, under its own name if it was
found by it, else under the first link to it (names sorted); a folder is entered once,
whatever links lead to it, so a link loop ends.  The output folder is never entered.  Inside
folders, names that start with a dot and the reports of a corpus audit (``*.audit.md``) are
skipped.  What cannot be read (a broken link, a folder without permission, a pipe or a
device) is listed with its reason instead of stopping the others.  No SymPy here.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SUFFIXES", "Document", "Failure", "find_documents"]

SUFFIXES = (".md", ".markdown", ".tex", ".txt")   # what a folder walk takes
_MAGIC = set("*?[")
_REPORTS = (".audit.md", ".audit.json", ".audit.key")


@dataclass(frozen=True)
class Document:
    """One document to audit: *name* as shown (the path found, not resolved), *real* its
    resolved path, *rel* where its reports go under ``--out`` (never absolute, no ``..``)."""
    name: str
    real: str
    rel: str


@dataclass(frozen=True)
class Failure:
    """A path that could not be audited, and why (one line)."""
    name: str
    reason: str


def printable(name: str) -> str:
    """*name* as UTF-8 text: bytes that are not UTF-8 shown as ``\\xff``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _reason(err: OSError) -> str:
    return err.strerror or type(err).__name__


def _inside(path: str, folder: str | None) -> bool:
    return folder is not None and (path == folder or path.startswith(folder + os.sep))


class _Finder:
    def __init__(self, out: Path | None):
        self.out = os.path.realpath(out) if out is not None else None
        self.found: list[tuple[str, str, str]] = []   # (name, real, rel)
        self.failures: list[Failure] = []
        self.folders: set[str] = set()

    def add_file(self, name: str, rel: str) -> None:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:   # bytes that are not UTF-8 (os gives lone surrogates)
            self.failures.append(Failure(printable(name), "a file name that is not UTF-8 "
                                                          "text: rename it"))
            return
        real = os.path.realpath(name)
        if _inside(real, self.out):
            return   # a report of ours, never an input
        self.found.append((name, real, rel))

    def path(self, arg: str) -> None:
        p = Path(arg)
        if os.path.islink(arg) and not os.path.exists(arg):
            self.failures.append(Failure(str(p), "a broken symbolic link"))
        elif os.path.isdir(arg):
            self.walk(str(p), "")
        elif os.path.isfile(arg):
            self.add_file(str(p), p.name)
        elif os.path.exists(arg):
            self.failures.append(Failure(str(p), "not a regular file (a pipe, socket or "
                                                 "device is never read)"))
        elif _MAGIC & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                self.failures.append(Failure(arg, "no file matches this pattern"))
            for m in matches:
                if os.path.isdir(m):
                    self.walk(str(Path(m)), Path(m).name)
                elif os.path.isfile(m):
                    self.add_file(str(Path(m)), Path(m).name)
        else:
            self.failures.append(Failure(printable(str(p)), "no such file or folder"))

    def walk(self, folder: str, rel: str) -> None:
        real = os.path.realpath(folder)
        if real in self.folders or _inside(real, self.out):
            return   # entered already (a link loop, or two links to one folder); or ours
        self.folders.add(real)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            self.failures.append(Failure(folder, f"folder not read: {_reason(err)}"))
            return
        for e in entries:
            if e.name.startswith(".") or e.name.endswith(_REPORTS):
                continue   # hidden, or a report of an earlier corpus audit
            name, sub = os.path.join(folder, e.name), f"{rel}/{e.name}" if rel else e.name
            try:
                is_dir, is_file = e.is_dir(), e.is_file()
            except OSError as err:
                self.failures.append(Failure(name, _reason(err)))
                continue
            if is_dir:
                self.walk(name, sub)
            elif not e.name.lower().endswith(SUFFIXES):
                continue
            elif is_file:
                self.add_file(name, sub)
            elif e.is_symlink() and not os.path.exists(name):
                self.failures.append(Failure(name, "a broken symbolic link"))
            else:
                self.failures.append(Failure(name, "not a regular file (a pipe, socket or "
                                                   "device is never read)"))


def find_documents(paths, out: Path | None = None) -> tuple[list[Document], list[Failure]]:
    """The documents named by *paths* (files, folders, globs), sorted by name, each real
    file once; and the paths that could not be used, with their reasons."""
    finder = _Finder(out)
    for arg in paths:
        finder.path(str(arg))
    docs, seen, rels = [], set(), set()
    # a file found under its own name and through links is kept under its own name
    for name, real, rel in sorted(finder.found, key=lambda f: (
            f[1] != os.path.abspath(f[0]), f[0])):
        if real in seen:
            continue
        seen.add(real)
        base, n = rel, 1
        while rel in rels:          # two roots with the same file name: a.md, a~2.md
            n += 1
            stem, dot, ext = base.rpartition(".")
            rel = f"{stem}~{n}.{ext}" if dot else f"{base}~{n}"
        rels.add(rel)
        docs.append(Document(name, real, rel))
    names = {d.name for d in docs}
    failures = sorted({f for f in finder.failures if f.name not in names},
                      key=lambda f: f.name)
    return sorted(docs, key=lambda d: d.name), failures
