"""Per-document reports under ``--out`` and what ``--resume`` needs to skip a document.

For a document whose reports go to ``REL`` (its path under the folder it was found in):

- ``OUT/REL.audit.json``: its records, as ``symderiv audit FILE --format json`` prints them;
- ``OUT/REL.audit.md``: its audit as Markdown (or the reason it was not read);
- ``OUT/REL.audit.key``: the key of the run that wrote them (a hash of the document's name and
  bytes, the engine and the options), with the outcome, written last.

Every file is written to a temporary file in the same folder and renamed into place, and the
key only after the reports: an interrupt (Ctrl-C, ``kill -9``) leaves the old reports or the
new ones, never a truncated file, and a document without a matching key is audited again.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

__all__ = ["Store"]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """The reports of one output folder."""

    def __init__(self, out: Path):
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise OSError(f"--out {out}: not a folder")
        self.out.mkdir(parents=True, exist_ok=True)
        self.real = os.path.realpath(self.out)

    def _path(self, rel: str, ext: str) -> Path:
        p = self.out / f"{rel}.audit.{ext}"
        real = os.path.realpath(p)
        if not real.startswith(self.real + os.sep):   # a link inside OUT never leads out
            raise OSError(f"{p}: would be written outside {self.out}")
        return p

    def current(self, rel: str, key: str) -> dict | None:
        """The stored outcome ``{"records", "error", "md"}`` if the reports were made with
        *key*; None if not (no key, another key, a report missing or not readable)."""
        try:
            stored = json.loads(self._path(rel, "key").read_text(encoding="utf-8"))
            if stored.get("key") != key:
                return None
            md = self._path(rel, "md").read_text(encoding="utf-8")
            if stored.get("error") is not None:
                return {"records": [], "error": stored["error"], "md": md}
            records = json.loads(self._path(rel, "json").read_text(encoding="utf-8"))
        except (OSError, ValueError, AttributeError):
            return None
        return {"records": records, "error": None, "md": md} if isinstance(records, list) \
            else None

    def save(self, rel: str, key: str, result: dict) -> None:
        """Write the reports of one audited document, then its key (if the outcome depends
        only on the key's inputs; else the key is removed, so that it is audited again)."""
        keyfile = self._path(rel, "key")
        keyfile.unlink(missing_ok=True)
        if result["error"] is None:
            _write(self._path(rel, "json"), json.dumps(result["records"], indent=2,
                                                      ensure_ascii=False) + "\n")
        else:
            self._path(rel, "json").unlink(missing_ok=True)   # no records: no stale ones
        _write(self._path(rel, "md"), result["md"])
        if result.get("cacheable", False):
            _write(keyfile, json.dumps({"document": result["document"], "key": key,
                                        "error": result["error"]}, ensure_ascii=False) + "\n")
