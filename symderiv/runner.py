"""Hard time bounds: run a step in a killable worker process, kept warm between steps.

``signal.alarm`` works only in the main thread and C-level work ignores it, so every
check that may be long runs in a child process forked from a clean *forkserver* (SymPy is
imported there once).  The child is kept warm: after a step it waits for the next one, with
its imports and caches, so a step costs a round trip instead of a process start.  A step
past its budget gets its worker killed (the bound stays hard); the next step forks a fresh
one.  A worker whose memory grows past :data:`WORKER_MEMORY` is retired after its step.
Works from threads (each thread's step takes its own worker) and pytest-xdist workers alike.

A process that is itself a killable worker (a corpus audit's document worker, stopped by its
pool past the document's bound) may call :func:`use_alarm_bounds`: its main thread's steps
then run in the process itself under an interval timer, which saves the round trips and a
second copy of the engine and its caches.  SymPy's pure-Python work is interrupted by the
timer; C-level work that ignores it is still bounded by the pool, which kills the worker.
After a step has been interrupted the process says it should be retired
(:func:`should_retire`): its caches or a lock may have been left half-updated.

>>> run_bounded(pow, (2, 10), timeout=30)
1024
"""
from __future__ import annotations

import math
import multiprocessing as mp
import multiprocessing.spawn as mp_spawn
import os
import select
import signal
import threading
import time
import traceback
from typing import Any, Callable

from .errors import SymderivError

__all__ = ["TimeBudgetExceeded", "WorkerError", "run_bounded", "prestart", "named",
           "DEFAULT_TIMEOUT", "use_alarm_bounds", "should_retire"]

DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 86400.0
MAX_IDLE = 2                     # warm workers kept per process (build_report runs two at once)
WORKER_MEMORY = 250 * 2 ** 20    # resident bytes past which a worker is retired after its step
_CTX = None
# what an audit's steps import besides the engine: the report builder, the units SymPy's
# simplify loads on its first call, the reader of the code in documents
AUDIT_PRELOAD = ("symderiv.report.build", "sympy.physics.units", "symderiv.codecheck.documents")


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


def _context(preload: tuple[str, ...] = ()):
    global _CTX
    if _CTX is None:
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        _CTX = mp.get_context(method)
        if method == "forkserver":
            # what every step needs, imported once in the server; the rest (an audit's
            # report builder) once per warm worker, on its first step, unless the first
            # prestart() names it
            _CTX.set_forkserver_preload(["symderiv.api", *preload])
    return _CTX


class named:
    """A step given by its module's and function's names (``named("symderiv.api", "f")``):
    the caller need not import the module (the command line's process then never loads
    SymPy; the worker has it already)."""

    def __init__(self, module: str, function: str):
        self.module, self.function = module, function

    def __call__(self, *args, **kwargs):
        import importlib
        return getattr(importlib.import_module(self.module), self.function)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"named({self.module!r}, {self.function!r})"


# -- the worker side -------------------------------------------------------------------
def _resident() -> int:
    """This process's resident memory in bytes (0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _watch_owner(conn) -> None:
    """Exit when the owner's end of the connection closes (it died, e.g. ``kill -9``), even
    in the middle of a step: nobody waits for its result."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLHUP | select.POLLERR)   # never on data
    while True:
        if poller.poll():
            os._exit(1)


def _serve(conn) -> None:
    """Run steps sent over *conn* until it closes: one request, one reply."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C: the owner stops its workers
    threading.Thread(target=_watch_owner, args=(conn,), daemon=True).start()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args, kwargs = msg
        try:
            reply = ("ok", fn(*args, **kwargs))
        except BaseException as err:  # report every failure to the owner, with its type
            reply = ("err", err, traceback.format_exc(limit=6))
        retire = _resident() > WORKER_MEMORY
        try:
            conn.send(reply + (retire,))
        except Exception:  # the result or the exception itself may not pickle
            err = reply[1] if reply[0] == "err" else None
            what = f"{type(err).__name__}: {err}" if err is not None else \
                "the result could not be sent back"
            conn.send(("err", WorkerError(what), "", retire))
        del msg, fn, args, kwargs, reply
        if retire:
            return


# -- the owner side --------------------------------------------------------------------
class _Worker:
    """One warm worker process and the owner's end of its connection."""

    def __init__(self):
        ctx = _context()
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child,), daemon=True,
                                name="symderiv-step-worker")
        _LOCAL.starting = True
        try:
            self.proc.start()
        finally:
            _LOCAL.starting = False
            child.close()
        self.owner = os.getpid()

    def stop(self) -> None:
        try:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(5)
        finally:
            self.conn.close()

    def exit_code(self):
        self.proc.join(1)
        return self.proc.exitcode


_IDLE: list[_Worker] = []
_LOCK = threading.Condition()
_STARTING = [0]    # workers being started by prestart()


def _forget_after_fork() -> None:   # a forked child must never use its parent's workers
    global _LOCK
    _LOCK = threading.Condition()
    _IDLE.clear()
    _STARTING[0] = 0


os.register_at_fork(after_in_child=_forget_after_fork)


def _acquire() -> _Worker:
    with _LOCK:
        while True:
            while _IDLE:
                w = _IDLE.pop()
                if w.owner == os.getpid() and w.proc.is_alive():
                    return w
                w.stop()
            if not _STARTING[0]:
                break
            _LOCK.wait(60)   # a worker prestart() is starting: take it when it is ready
    return _Worker()


def _release(w: _Worker | None) -> None:
    with _LOCK:
        if w is not None and len(_IDLE) < MAX_IDLE and w.owner == os.getpid():
            _IDLE.append(w)
            _LOCK.notify()
            return
        _LOCK.notify()
    if w is not None:
        w.stop()


def prestart(preload: tuple[str, ...] = ()) -> None:
    """Start a warm worker in the background (the server imports the engine, and the modules
    *preload* names if it is not running yet, meanwhile), so that the first step finds it
    ready; a no-op when one is waiting already."""
    if os.environ.get("SYMDERIV_INPROCESS") == "1":
        return
    _context(tuple(preload))
    with _LOCK:
        if _IDLE or _STARTING[0]:
            return
        _STARTING[0] += 1

    def start():
        w = None
        try:
            w = _Worker()
        except Exception:   # the first step starts its own and reports what fails
            pass
        finally:
            with _LOCK:
                _STARTING[0] -= 1
            _release(w)
    threading.Thread(target=start, daemon=True, name="symderiv-prestart").start()


def shutdown() -> None:
    """Stop the idle warm workers of this process (they also stop when it exits)."""
    with _LOCK:
        idle = list(_IDLE)
        _IDLE.clear()
    for w in idle:
        w.stop()


def _send(fn, args, kwargs) -> _Worker:
    """The step sent to a warm worker (a fresh one if the idle one died meanwhile)."""
    for attempt in range(3):
        w = _acquire()
        try:
            w.conn.send((fn, args, kwargs))
            return w
        except (BrokenPipeError, ConnectionResetError, EOFError):
            w.stop()
            if attempt == 2:
                raise WorkerError("the worker process died before its step") from None
        except BaseException:   # the step could not be pickled: nothing was sent
            w.stop()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


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
    if _ALARM["on"] and threading.current_thread() is threading.main_thread():
        return _run_alarmed(fn, args, kwargs or {}, timeout)
    start = time.monotonic()   # the budget counts from the call: a worker's start is in it
    w = _send(fn, args, kwargs or {})
    keep = False
    try:
        if not w.conn.poll(max(0.0, timeout - (time.monotonic() - start))):
            raise TimeBudgetExceeded(f"time budget of {timeout:g} s exceeded")
        try:
            msg = w.conn.recv()
        except (EOFError, OSError):
            raise WorkerError(f"the worker process died (exit code {w.exit_code()})") from None
        keep = not msg[-1]
    finally:
        if keep:
            _release(w)
        else:   # past its budget, dead, interrupted (Ctrl-C, SIGTERM) or retired
            w.stop()
    if msg[0] == "ok":
        return msg[1]
    err = msg[1]
    if isinstance(err, SymderivError):
        raise err
    raise WorkerError(f"{type(err).__name__}: {err}\n{msg[2]}".rstrip())


# -- steps bounded by an interval timer, in a worker process's main thread ---------------
_ALARM = {"on": False, "deadline": None, "interrupted": False}


def use_alarm_bounds(on: bool = True, publish: Callable | None = None) -> None:
    """Run this process's main-thread steps in the process itself, under a timer (see the
    module's docstring); only for a process whose owner stops it when a step overruns.
    *publish* is called with each step's deadline (``time.monotonic()``, one clock for the
    machine) and with 0.0 when none runs: C code that holds the interpreter ignores the
    timer (no thread of this process can run then), so the owner watches the deadline."""
    _ALARM["on"] = bool(on) and hasattr(signal, "setitimer")
    _ALARM["publish"] = publish


def _publish(deadline: float | None) -> None:
    if _ALARM.get("publish") is not None:
        _ALARM["publish"](deadline or 0.0)


def should_retire() -> bool:
    """Whether a step was interrupted by its timer in this process (then it should exit
    once its result is sent) or it holds more memory than a worker may."""
    return _ALARM["interrupted"] or _resident() > WORKER_MEMORY


class _Alarm(BaseException):
    """The timer of the step whose deadline is *deadline* went off (BaseException: code
    that catches Exception to try another route must not swallow it)."""

    def __init__(self, deadline: float):
        super().__init__(deadline)
        self.deadline = deadline


def _on_alarm(signum, frame):
    deadline = _ALARM["deadline"]
    if deadline is not None:
        raise _Alarm(deadline)


def _run_alarmed(fn, args, kwargs, timeout: float):
    """``fn`` here, under a timer; a step inside another keeps the earlier deadline if it
    comes first, and the outer timer is set again when the inner step ends."""
    outer = _ALARM["deadline"]
    deadline = time.monotonic() + timeout
    if outer is not None:
        deadline = min(deadline, outer)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _ALARM["deadline"] = deadline
    _publish(deadline)
    try:
        signal.setitimer(signal.ITIMER_REAL, max(1e-3, deadline - time.monotonic()))
        try:
            return fn(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Alarm as err:
        _ALARM["interrupted"] = True
        if outer is not None and err.deadline == outer:
            raise     # the enclosing step's time is up (it came first): it reports it
        raise TimeBudgetExceeded(f"time budget of {timeout:g} s exceeded") from None
    except SymderivError:
        raise
    except Exception as err:   # as a worker process reports it: a WorkerError with its cause
        raise WorkerError(f"{type(err).__name__}: {err}\n{traceback.format_exc(limit=6)}"
                          .rstrip()) from None
    finally:
        _ALARM["deadline"] = outer
        _publish(outer)
        signal.signal(signal.SIGALRM, previous)
        if outer is not None:
            signal.setitimer(signal.ITIMER_REAL, max(1e-3, outer - time.monotonic()))
