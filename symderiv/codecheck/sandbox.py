"""Run a user's own function in a separate, limited process (never code from a document).

The child (``_child.py``) runs in a fresh temporary folder with a memory limit
(``RLIMIT_AS``), a CPU limit, a file-size limit, no core dumps and, when the kernel enforces it
(not root, or root that can drop to ``nobody``), no new processes (``RLIMIT_NPROC = 0``).
An audit hook refuses writes outside the folder, process creation, ctypes and sockets.  Each
call has a wall-clock budget: a call that hangs is killed (its whole process group) and the
remaining calls run in a new child.  Results come back as JSON (never pickle).
"""
from __future__ import annotations

import json
import os
import pwd
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["Limits", "CallOutcome", "SandboxRun", "run_calls", "encode_value", "decode_value"]

_CHILD = Path(__file__).with_name("_child.py")
_MAX_OUTPUT = 32 * 2 ** 20
_MAX_RESTARTS = 3


@dataclass(frozen=True)
class Limits:
    timeout: float = 5.0        # wall seconds per call (and for importing the file)
    memory_mb: int = 1024       # address space of the child
    total: float = 60.0         # wall seconds for the whole run


@dataclass
class CallOutcome:
    n: int
    status: str                 # ok | error | timeout | killed | not-run
    value: object = None        # numpy array (float64 or object of Fractions) or a type note
    error: str | None = None
    where: dict | None = None   # {"line", "text"} in the user's file


@dataclass
class SandboxRun:
    import_error: str | None = None
    import_where: dict | None = None
    outcomes: list = field(default_factory=list)
    files_written: list = field(default_factory=list)
    isolation: str = ""


def _entry(v):
    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator}"
    if isinstance(v, (int, np.integer)):
        return int(v)
    return repr(float(v))


def encode_value(a) -> dict:
    """An input (array of floats or Fractions, or a scalar) as JSON for the child."""
    if np.ndim(a) == 0:
        return {"scalar": _entry(a if not isinstance(a, np.ndarray) else a.item())}
    arr = np.asarray(a, dtype=object)
    return {"shape": list(arr.shape), "array": [_entry(v) for v in arr.ravel()]}


def decode_value(obj):
    """A child's JSON result → a numpy array (float64, or object holding Fractions)."""
    if not isinstance(obj, dict) or "array" not in obj:
        return obj
    flat = []
    for e in obj["array"]:
        if isinstance(e, dict):
            return {"type": f"array of {e.get('other', 'objects')}", "shape": obj["shape"]}
        if isinstance(e, str) and "/" in e:
            p, q = e.split("/", 1)
            flat.append(Fraction(int(p), int(q)))
        else:
            flat.append(float(e) if isinstance(e, str) else e)
    exact = any(isinstance(v, Fraction) for v in flat) or \
        (obj.get("dtype") == "object" and all(isinstance(v, int) for v in flat))
    arr = np.array(flat, dtype=object if exact else float)
    return arr.reshape(obj["shape"]) if flat else np.zeros(obj["shape"])


def _unprivileged():
    try:
        pw = pwd.getpwnam("nobody")
        return pw.pw_uid, pw.pw_gid
    except KeyError:
        return 65534, 65534


def _can_drop() -> bool:
    """Root can drop to nobody only if nobody can still read the user's folder afterwards;
    numpy is imported before the drop, so only the temporary folder matters."""
    return os.getuid() == 0


def run_calls(path: str | Path, function: str, calls: list, limits: Limits = Limits()) \
        -> SandboxRun:
    """Import *path* in a limited child and call *function* on each argument list of *calls*."""
    path = Path(path).resolve()
    run = SandboxRun()
    tmp = tempfile.mkdtemp(prefix="symderiv-check-code-")
    try:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        drop = _can_drop()
        uid, gid = _unprivileged()
        if drop:
            try:
                os.chown(tmp, uid, gid)
                os.chown(copy, uid, gid)
            except OSError:
                drop = False
        encoded = [[encode_value(a) for a in call] for call in calls]
        pending = list(range(len(calls)))
        deadline = time.monotonic() + limits.total
        restarts = 0
        outcomes: dict[int, CallOutcome] = {}
        while pending and restarts <= _MAX_RESTARTS and time.monotonic() < deadline:
            job = {"file": str(copy), "function": function,
                   "calls": [encoded[n] for n in pending], "memory_mb": limits.memory_mb,
                   "cpu_seconds": int(limits.timeout * len(pending)) + 2,
                   "extra_path": [], "uid": uid if drop else None, "gid": gid}
            done, stop = _one_child(job, pending, tmp, limits, deadline, run)
            outcomes.update(done)
            if run.import_error:
                break
            pending = [n for n in pending if n not in outcomes]
            restarts += 1
            if stop:
                break
        for n in range(len(calls)):
            outcomes.setdefault(n, CallOutcome(n, "not-run", error="not run: the run was "
                                               "stopped after earlier calls hung"))
        run.outcomes = [outcomes[n] for n in range(len(calls))]
        run.files_written = sorted(str(p.relative_to(tmp)) for p in Path(tmp).rglob("*")
                                   if p != copy and "__pycache__" not in p.parts
                                   and p.is_file())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return run


def _child_env(tmp: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TMPDIR": tmp, "LANG": "C.UTF-8"}
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    return env


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _one_child(job, pending, tmp, limits, deadline, run):
    """One child over the pending calls; returns (outcomes by call, stop)."""
    proc = subprocess.Popen([sys.executable, "-I", str(_CHILD)], cwd=tmp, env=_child_env(tmp),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    out: dict[int, CallOutcome] = {}
    current = None      # index into pending of the running call, None while importing
    try:
        proc.stdin.write(json.dumps(job).encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf, total = b"", 0
    call_deadline = time.monotonic() + limits.timeout + 3   # import: numpy, the user's file
    try:
        while True:
            now = time.monotonic()
            left = min(call_deadline, deadline) - now
            if left <= 0:
                _kill(proc)
                if current is None:
                    run.import_error = (f"importing the file did not finish within "
                                        f"{limits.timeout + 3:g} s (killed)")
                    return out, True
                n = pending[current]
                out[n] = CallOutcome(n, "timeout", error=f"did not return within "
                                     f"{limits.timeout:g} s: killed")
                return out, now >= deadline
            if not sel.select(timeout=left):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            total += len(chunk)
            if total > _MAX_OUTPUT:
                _kill(proc)
                run.import_error = "the child wrote more output than allowed (killed)"
                return out, True
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                kind = ev.get("event")
                if kind == "confined" and not run.isolation:
                    run.isolation = (f"{ev.get('how')}, memory {limits.memory_mb} MB, "
                                     f"{limits.timeout:g} s per call, a temporary folder")
                elif kind == "import-error":
                    run.import_error = ev.get("error")
                    run.import_where = ev.get("where")
                elif kind == "start":
                    current = ev["n"]
                    call_deadline = time.monotonic() + limits.timeout
                elif kind in ("result", "error") and current is not None:
                    n = pending[ev["n"]]
                    out[n] = (CallOutcome(n, "ok", decode_value(ev["value"]))
                              if kind == "result" else
                              CallOutcome(n, "error", error=ev.get("error"),
                                          where=ev.get("where")))
                    current = None
                    call_deadline = time.monotonic() + limits.timeout
        proc.wait(timeout=5)
    finally:
        sel.close()
        if proc.poll() is None:
            _kill(proc)
    if current is not None and pending[current] not in out:   # died during a call
        n = pending[current]
        rc = proc.returncode
        why = (f"killed by signal {signal.Signals(-rc).name}" if rc and rc < 0 else
               f"the process exited with status {rc}")
        if rc in (-signal.SIGXCPU, -signal.SIGKILL):
            why += " (CPU limit)"
        out[n] = CallOutcome(n, "killed", error=why)
    elif current is None and not out and not run.import_error and proc.returncode:
        run.import_error = f"the child process failed (status {proc.returncode})"
    return out, False
