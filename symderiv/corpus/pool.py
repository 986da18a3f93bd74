"""A pool of long-lived worker processes with a hard time bound per task.

``concurrent.futures`` cannot stop one task, and ``multiprocessing.Pool`` workers are daemons
(a daemon may not start the killable per-formula workers of :mod:`symderiv.runner`).  Here
each worker is a *spawned* process that loads the engine once and then takes one task at a
time; a task past its bound gets its worker stopped (SIGTERM, then SIGKILL) and replaced, and
a worker that dies (a crash, ``kill -9``) fails only its own task.  Workers ignore Ctrl-C (the
parent stops them) and exit when the parent dies.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Callable, Iterable, Iterator

__all__ = ["LocalPool", "PoolError"]


class PoolError(OSError):
    """The workers could not be started (the message says why)."""


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:    # the parent died (kill -9): do not work for nobody
            os._exit(1)


def _on_term(signum, frame):
    raise SystemExit(143)   # unwinds run_bounded, which kills the formula's worker


def _worker(conn, fn: Callable, setup: Callable | None, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if setup is not None:
        setup()
    conn.send(("ready",))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, task = msg
        try:
            result = ("ok", index, fn(task))
        except Exception as err:   # fn reports its own failures; this is a last resort
            result = ("err", index, f"{type(err).__name__}: {err}".splitlines()[0])
        conn.send(result)


class _Queue:
    """An iterator with a front for what is put back; true while anything is left."""

    def __init__(self, it):
        self.it, self.back = iter(it), deque()

    def __bool__(self) -> bool:
        if not self.back:
            try:
                self.back.append(next(self.it))
            except StopIteration:
                return False
        return True

    def pop(self):
        return self.back.popleft() if self.back else next(self.it)

    def push(self, item) -> None:
        self.back.appendleft(item)


class _Slot:
    def __init__(self, proc, conn):
        self.proc, self.conn = proc, conn
        self.ready = False
        self.index: int | None = None
        self.deadline = 0.0


def _death(proc) -> str:
    code = proc.exitcode
    if code is not None and code < 0:
        try:
            return f"the worker process died (signal {signal.Signals(-code).name})"
        except ValueError:
            return f"the worker process died (signal {-code})"
    return f"the worker process died (exit code {code})"


class LocalPool:
    """``jobs`` workers running ``fn(task)``; ``run`` yields ``(index, ok, value)`` as tasks
    finish, where *value* is ``fn``'s result, or the reason (one line) when not ok."""

    def __init__(self, fn: Callable, jobs: int, timeout: float, setup: Callable | None = None):
        self.fn, self.jobs, self.timeout, self.setup = fn, jobs, timeout, setup
        self.ctx = mp.get_context("spawn")
        self.slots: list[_Slot] = []
        self.failed_starts = 0

    def _start(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, self.fn, self.setup, os.getpid()),
                                name="symderiv-corpus-worker")
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def _stop(self, slot: _Slot, grace: float = 3.0) -> None:
        if slot.proc.is_alive():
            slot.proc.terminate()
            slot.proc.join(grace)
        if slot.proc.is_alive():
            slot.proc.kill()
        slot.proc.join(5)
        slot.conn.close()

    def _replace(self, slot: _Slot) -> None:
        self._stop(slot)
        self.slots[self.slots.index(slot)] = self._start()

    def run(self, tasks: Iterable, count: int) -> Iterator[tuple[int, bool, object]]:
        """Run the *count* tasks of *tasks*, which is read only as workers become free (a
        large corpus is never held in memory at once)."""
        todo = _Queue(enumerate(tasks))
        self.slots = [self._start() for _ in range(min(self.jobs, max(1, count)))]
        try:
            yield from self._loop(todo)
        finally:
            self.close()

    def _loop(self, todo: "_Queue") -> Iterator[tuple[int, bool, object]]:
        while todo or any(s.index is not None for s in self.slots):
            for s in self.slots:
                if s.ready and s.index is None and todo:
                    index, task = todo.pop()
                    try:
                        s.conn.send((index, task))
                    except OSError:          # died between two tasks: retried on a new one
                        todo.push((index, task))
                        self._replace(s)
                        continue
                    s.index, s.deadline = index, time.monotonic() + self.timeout
            busy = [s.deadline for s in self.slots if s.index is not None]
            left = max(0.0, min(busy) - time.monotonic()) if busy else None
            waitables = {s.conn: s for s in self.slots}
            waitables.update({s.proc.sentinel: s for s in self.slots})
            for obj in wait(list(waitables), timeout=left):
                s = waitables[obj]
                if s not in self.slots:
                    continue    # replaced already in this round
                msg = None
                if obj is s.conn:
                    try:
                        msg = s.conn.recv()
                    except (EOFError, OSError):
                        msg = None
                if msg is None:
                    s.proc.join(1)
                    yield from self._died(s, todo)
                elif msg[0] == "ready":
                    s.ready, self.failed_starts = True, 0
                else:
                    s.index = None
                    yield msg[1], msg[0] == "ok", msg[2]
            now = time.monotonic()
            for s in list(self.slots):
                if s.index is not None and now >= s.deadline:
                    index = s.index
                    self._replace(s)
                    yield index, False, (f"time budget of {self.timeout:g} s for the document "
                                         "exceeded (its worker was stopped)")

    def _died(self, s: _Slot, todo: _Queue) -> Iterator[tuple[int, bool, object]]:
        index, why = s.index, _death(s.proc)
        if not s.ready:
            self.failed_starts += 1
            if self.failed_starts > 2 * self.jobs:
                raise PoolError(f"could not start a worker process: {why}")
        self._replace(s)
        if index is not None:
            yield index, False, why

    def close(self) -> None:
        for s in self.slots:
            try:
                if s.proc.is_alive() and s.index is None:
                    s.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        for s in self.slots:
            if s.index is None:
                s.proc.join(max(0.0, deadline - time.monotonic()))
            self._stop(s)
        self.slots = []
