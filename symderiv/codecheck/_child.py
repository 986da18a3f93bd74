"""The sandboxed side of check-code: import the user's file, call the function, print JSON lines.

Run only by :mod:`symderiv.codecheck.sandbox` as ``python -I _child.py`` inside a temporary
folder, under resource limits set before ``exec``.  It imports numpy and the standard
library only (never symderiv) and installs an audit hook before the user's file is imported:
writing, deleting or renaming files outside the temporary folder, starting processes,
loading C libraries through ctypes and opening sockets raise ``PermissionError``.
Results go to a private copy of stdout as JSON lines; the user's own prints go nowhere.
"""
import json
import os
import sys
import traceback
from fractions import Fraction

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_BLOCKED_EVENTS = (
    "os.system", "os.fork", "os.forkpty", "os.exec", "os.spawn", "os.posix_spawn",
    "os.kill", "os.killpg", "subprocess.Popen", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym",
    "ctypes.cdata", "socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo",
    "os.chdir", "os.chroot", "os.setuid", "resource.setrlimit", "sys.addaudithook",
    "webbrowser.open", "urllib.Request", "shutil.rmtree",
)
_PATH_EVENTS = ("os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.symlink", "os.link",
                "os.chmod", "os.chown", "os.truncate", "os.utime", "os.replace", "os.mkfifo",
                "os.mknod", "shutil.copyfile", "shutil.move", "os.listxattr", "os.setxattr")
_BLOCKED_IMPORTS = ("_posixsubprocess", "subprocess", "multiprocessing", "_multiprocessing",
                    "ctypes", "_ctypes", "socket", "_socket", "pty", "signal")


def _inside(path, root):
    try:
        full = os.path.realpath(os.fsdecode(path) if not isinstance(path, int) else "")
    except (TypeError, ValueError):
        return False
    return full == root or full.startswith(root + os.sep)


def _install_hook(root):
    def hook(event, args):
        if event in _BLOCKED_EVENTS:
            raise PermissionError(f"not allowed under check-code: {event}")
        if event == "import" and args and args[0] in _BLOCKED_IMPORTS:
            raise PermissionError(f"not allowed under check-code: import {args[0]}")
        if event == "open" and args:
            path, mode, flags = (list(args) + [None, None])[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                (isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writing and not isinstance(path, int) and not _inside(path, root):
                raise PermissionError(f"not allowed under check-code: writing {path!r} "
                                      "outside the temporary folder")
        if event in _PATH_EVENTS:
            for p in args[:2]:
                if isinstance(p, (str, bytes, os.PathLike)) and not _inside(p, root):
                    raise PermissionError(f"not allowed under check-code: {event} {p!r}")
    sys.addaudithook(hook)


def _confine(job):
    """Resource limits; as root, drop to an unprivileged user first (numpy is imported)."""
    import resource
    mem = int(job["memory_mb"]) * 2 ** 20
    lim = [(resource.RLIMIT_AS, mem), (resource.RLIMIT_CPU, int(job["cpu_seconds"])),
           (resource.RLIMIT_FSIZE, 16 * 2 ** 20), (resource.RLIMIT_CORE, 0),
           (resource.RLIMIT_NOFILE, 64)]
    for what, value in lim:
        resource.setrlimit(what, (value, value))
    how = []
    if os.getuid() == 0 and job.get("uid") is not None:
        try:
            os.setgroups([])
            os.setgid(int(job["gid"]))
            os.setuid(int(job["uid"]))
            how.append("unprivileged user nobody")
        except OSError:   # a container without CAP_SETUID: the audit hook still holds
            how.append("root (could not drop to nobody)")
    if os.getuid() != 0:   # no new process or thread (the kernel ignores this for root)
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
        how.append("no new processes (RLIMIT_NPROC 0)")
    return ", ".join(how + ["audit hook"])


def _decode(obj, np):
    if isinstance(obj, dict) and "array" in obj:
        flat = [_decode_entry(e) for e in obj["array"]]
        exact = any(isinstance(v, Fraction) for v in flat)
        arr = np.array(flat, dtype=object if exact else float)
        return arr.reshape(obj["shape"])
    if isinstance(obj, dict) and "scalar" in obj:
        return _decode_entry(obj["scalar"])
    return obj


def _decode_entry(e):
    if isinstance(e, str) and "/" in e:
        p, q = e.split("/")
        return Fraction(int(p), int(q))
    return float(e) if isinstance(e, str) else e


def _entry(v):
    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator}"
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v if abs(v) < 2 ** 53 else repr(float(v))
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError):
        return {"other": type(v).__name__}
    return f if f == f and abs(f) != float("inf") else repr(f)


def _encode(value, np):
    if isinstance(value, (list, tuple)) or hasattr(value, "__array__") or \
            isinstance(value, (int, float, Fraction)) or np.isscalar(value):
        try:
            arr = np.asarray(value, dtype=object if _has_fraction(value) else None)
        except Exception as err:   # ragged lists: report the type
            return {"type": type(value).__name__, "why": str(err)[:200]}
        if arr.dtype.kind == "c":
            return {"type": "complex array", "shape": list(arr.shape)}
        if arr.size > 200_000:
            return {"type": "array too large", "shape": list(arr.shape)}
        return {"shape": list(arr.shape), "dtype": str(arr.dtype),
                "array": [_entry(v) for v in arr.ravel().tolist()]}
    return {"type": type(value).__name__}


def _has_fraction(value):
    if isinstance(value, Fraction):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_fraction(v) for v in value)
    return getattr(value, "dtype", None) is not None and value.dtype == object


def _where(tb, path):
    frames = [f for f in traceback.extract_tb(tb) if os.path.realpath(f.filename) == path]
    if not frames:
        return None
    return {"line": frames[-1].lineno, "text": (frames[-1].line or "").strip()}


def main():
    sys.dont_write_bytecode = True
    job = json.loads(sys.stdin.read())
    out = os.fdopen(os.dup(1), "w", buffering=1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    sys.stdout = sys.stderr = open(os.devnull, "w")
    root = os.path.realpath(os.getcwd())
    import numpy as np
    import numpy.fft  # noqa: F401  (submodules loaded before the drop to an unprivileged user)
    import numpy.linalg  # noqa: F401
    import numpy.random  # noqa: F401
    import importlib.util
    how = _confine(job)
    path = os.path.realpath(job["file"])
    sys.path[:0] = [root] + job.get("extra_path", [])
    _install_hook(root)

    def send(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    send({"event": "confined", "how": how})
    send({"event": "import"})
    try:
        spec = importlib.util.spec_from_file_location("user_code", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        fn = getattr(module, job["function"])
    except BaseException as err:   # the user's file: every failure is reported
        send({"event": "import-error", "error": f"{type(err).__name__}: {err}"[:500],
              "where": _where(err.__traceback__, path)})
        return
    send({"event": "imported"})
    for n, call in enumerate(job["calls"]):
        send({"event": "start", "n": n})
        try:
            args = [_decode(a, np) for a in call]
            with np.errstate(all="ignore"):
                value = fn(*args)
            send({"event": "result", "n": n, "value": _encode(value, np)})
        except BaseException as err:   # noqa: BLE001 - reported with the input
            if isinstance(err, KeyboardInterrupt):
                raise
            send({"event": "error", "n": n, "error": f"{type(err).__name__}: {err}"[:500],
                  "where": _where(err.__traceback__, path)})


if __name__ == "__main__":
    main()
