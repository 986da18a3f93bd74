"""Hard time bounds: run a step in a killable worker process.

``signal.alarm`` works only in the main thread and C-level work ignores it, so every
check that may be long runs in a child process forked from a clean *forkserver* (SymPy is
imported there once); on timeout the child is killed.  Works from threads and pytest-xdist
workers alike.

>>> run_bounded(pow, (2, 10), timeout=30)
1024
"""
from __future__ import annotations

import math
import multiprocessing as mp
import multiprocessing.spawn as mp_spawn
import os
import threading
import traceback
from typing import Any, Callable

from .notation import SymderivError

__all__ = ["TimeBudgetExceeded", "WorkerError", "run_bounded", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 86400.0
_CTX = None


class TimeBudgetExceeded(TimeoutError, SymderivError):
    """The step did not finish within its time budget (the worker was killed)."""


class WorkerError(RuntimeError, SymderivError):
    """The worker process died or raised an unexpected error (message carries the cause)."""


_LOCAL = threading.local()
_MAIN_KEYS = ("init_main_from_path", "init_main_from_name", "main_path")


def _preparation_data(name):
    """multiprocessing's preparation data, without the user's ``__main__`` for our workers.

    A worker only runs symderiv functions, so it never needs the user's script; re-running
    an unguarded script (no ``if __name__ == "__main__"``) in the worker would start a
    second worker while bootstrapping and fail.
    """
    data = _ORIGINAL_PREPARATION(name)
    if getattr(_LOCAL, "starting", False):
        for key in _MAIN_KEYS:
            data.pop(key, None)
    return data


_ORIGINAL_PREPARATION = mp_spawn.get_preparation_data
mp_spawn.get_preparation_data = _preparation_data


def _context():
    global _CTX
    if _CTX is None:
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        _CTX = mp.get_context(method)
        if method == "forkserver":
            # what the workers run, imported once in the server (an audit's formula: build)
            _CTX.set_forkserver_preload(["symderiv.verify", "symderiv.api",
                                         "symderiv.report.build"])
    return _CTX


def _child(conn, fn, args, kwargs):
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except BaseException as err:  # report every failure to the parent, with its type
        try:
            conn.send(("err", err, traceback.format_exc(limit=6)))
        except Exception:  # the exception itself may not pickle
            conn.send(("err", WorkerError(f"{type(err).__name__}: {err}"), ""))
    finally:
        conn.close()


def run_bounded(fn: Callable, args: tuple = (), kwargs: dict | None = None, *,
                timeout: float | None = DEFAULT_TIMEOUT) -> Any:
    """``fn(*args, **kwargs)`` in a worker process, killed after *timeout* seconds.

    Exceptions raised by *fn* are re-raised here (SymderivError subclasses keep their type).
    ``timeout=None`` or ``SYMDERIV_INPROCESS=1`` runs in this process (debugging).
    """
    if timeout is None or os.environ.get("SYMDERIV_INPROCESS") == "1":
        return fn(*args, **(kwargs or {}))
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout)
            and 0 < timeout <= MAX_TIMEOUT):
        raise ValueError(f"timeout must be a number of seconds in (0, {MAX_TIMEOUT:g}], "
                         f"not {timeout!r}")
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs or {}), daemon=True)
    _LOCAL.starting = True
    try:
        proc.start()
    finally:
        _LOCAL.starting = False
    child.close()
    try:
        if not parent.poll(timeout):
            raise TimeBudgetExceeded(f"time budget of {timeout:g} s exceeded")
        try:
            msg = parent.recv()
        except EOFError:
            raise WorkerError(f"the worker process died (exit code {proc.exitcode})") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if msg[0] == "ok":
        return msg[1]
    err = msg[1]
    if isinstance(err, SymderivError):
        raise err
    raise WorkerError(f"{type(err).__name__}: {err}\n{msg[2]}".rstrip())
