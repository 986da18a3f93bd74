"""Per-document reports under ``--out`` and what ``--resume`` needs to skip a document.

For a document whose reports go to ``REL`` (its path under the folder it was found in):

- ``OUT/REL.audit.json``: its records, as ``symderiv audit FILE --format json`` prints them;
- ``OUT/REL.audit.md``: its audit as Markdown (or the reason it was not read);
- ``OUT/REL.audit.key``: the key of the run that wrote them (a hash of the document's name and
  bytes, the engine and the options), the outcome, and the SHA-256 of each report, written
  last.

Every file is written to a temporary file in the same folder and renamed into place, and the
key only after the reports: an interrupt (Ctrl-C, ``kill -9``) leaves the old reports or the
new ones, never a truncated file.  A document is current only if its key matches *and* each
report still has the hash the key records, so a report lost or cut short by a crash of the
machine (the files are not synced one by one: three ``fsync`` calls per document cost more
than auditing it), or edited since, is audited again instead of being trusted.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

__all__ = ["Store"]


def _write(path: Path, data: bytes | str) -> None:
    """*data* (text: as UTF-8) into *path* by way of a new file beside it (made with O_EXCL:
    never through a link), renamed into place."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o644)
    except FileExistsError:   # left by a run killed while writing (its pid was ours)
        tmp.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)   # whatever the umask
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Store:
    """The reports of one output folder."""

    def __init__(self, out: Path):
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise OSError(f"--out {out}: not a folder")
        self.out.mkdir(parents=True, exist_ok=True)
        self.real = os.path.realpath(self.out)
        self.inside: set[Path] = set()   # folders made or checked already: once each

    def _folder(self, p: Path, make: bool) -> None:
        """A link inside OUT never leads out: *p*'s folder must resolve to a folder in OUT
        (files are written by rename and removed by unlink, which never follow a link)."""
        folder = p.parent
        if folder in self.inside:
            return
        if make:
            folder.mkdir(parents=True, exist_ok=True)
        real = os.path.realpath(folder)
        if real != self.real and not real.startswith(self.real + os.sep):
            raise OSError(f"{p}: would be written outside {self.out}")
        if make or os.path.isdir(folder):
            self.inside.add(folder)

    def _path(self, rel: str, ext: str, make: bool = False) -> Path:
        p = self.out / f"{rel}.audit.{ext}"
        self._folder(p, make)
        if not make and os.path.islink(p):   # read: a report is never read through a link
            raise OSError(f"{p}: a symbolic link")
        return p

    def current(self, rel: str, key: str) -> dict | None:
        """The stored outcome ``{"records", "error", "md"}`` if the reports were made with
        *key* and are whole; None if not (no key, another key, a report missing, not
        readable, or not the one the key was written for)."""
        try:
            stored = json.loads(self._path(rel, "key").read_text(encoding="utf-8"))
            if stored.get("key") != key:
                return None
            md = self._path(rel, "md").read_bytes()
            if stored.get("md") != _digest(md):
                return None
            if stored.get("error") is not None:
                return {"records": [], "error": stored["error"], "md": md.decode("utf-8")}
            data = self._path(rel, "json").read_bytes()
            if stored.get("json") != _digest(data):
                return None
            records = json.loads(data.decode("utf-8"))
        except (OSError, ValueError, AttributeError):
            return None
        return {"records": records, "error": None, "md": md.decode("utf-8")} \
            if isinstance(records, list) else None

    def save(self, rel: str, key: str, result: dict) -> None:
        """Write the reports of one audited document, then its key (if the outcome depends
        only on the key's inputs; else the key is removed, so that it is audited again)."""
        keyfile = self._path(rel, "key", make=True)
        keyfile.unlink(missing_ok=True)
        hashes = {}
        if result["error"] is None:
            data = (json.dumps(result["records"], indent=2, ensure_ascii=False)
                    + "\n").encode("utf-8")
            _write(self._path(rel, "json", make=True), data)
            hashes["json"] = _digest(data)
        else:
            self._path(rel, "json", make=True).unlink(missing_ok=True)   # no stale records
        md = result["md"].encode("utf-8")
        _write(self._path(rel, "md", make=True), md)
        hashes["md"] = _digest(md)
        if result.get("cacheable", False):
            _write(keyfile, (json.dumps({"document": result["document"], "key": key,
                                         "error": result["error"], **hashes},
                                        ensure_ascii=False) + "\n").encode("utf-8"))
