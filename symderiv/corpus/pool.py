"""A pool of long-lived worker processes with a hard time bound per task.

``concurrent.futures`` cannot stop one task, and ``multiprocessing.Pool`` workers are daemons
(a daemon may not start the killable per-formula workers of :mod:`symderiv.runner`).  Here
each worker is a *spawned* process that loads the engine once and then runs tasks one at a
time.  Each worker holds the next task while it runs one (:data:`DEPTH` in flight), so that
it never waits for the parent between two tasks (the parent writes reports meanwhile); a task
still waiting in a worker when another worker has run out of work is taken back and given to
that one.  A task's bound counts from when its worker starts it; a task past its bound gets
its worker stopped (SIGTERM, then SIGKILL) and replaced, and a worker that dies (a crash,
``kill -9``) fails only the task it was running (the task it held is run by another).
Workers ignore Ctrl-C (the parent stops them) and exit when the parent dies.

Messages, parent to worker: ``("task", index, task)``, ``("cancel", index)``, ``None`` (stop);
worker to parent: ``("ready",)``, ``("start", index, t)`` (*t*: ``time.monotonic()``, one
clock for every process of the machine), ``("ok"|"err", index, value)``,
``("cancelled", index)``, ``("retire",)`` (after a result, when the worker's *retire* check
says so: it exits, and a new worker takes the task it held).

With an *affinity* (a key of each task, or None), a free worker takes, among the next
:data:`LOOKAHEAD` tasks, the first whose key it took before, else the first whose key no worker
took yet, else the first.  A worker's caches hold what it derived for the documents it saw;
documents with the same key (a corpus audit: the same opening formula) mostly need the same
derivations, so each is derived by one worker instead of by all of them.  A free worker
always gets a task when one is left: the order is a preference, never a wait.
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

__all__ = ["LocalPool", "PoolError", "DEPTH"]

DEPTH = 2            # tasks in flight per worker: the one it runs and the next
OVERRUN_GRACE = 3.0  # seconds a step may run past the deadline it published (see step_clock)
MAX_ATTEMPTS = 3     # a task whose worker died before starting it is sent again, this often
LOOKAHEAD = 16       # tasks looked at when a worker's task is chosen by affinity


class PoolError(OSError):
    """The workers could not be started (the message says why)."""


# -- the worker side -------------------------------------------------------------------
def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:    # the parent died (kill -9): do not work for nobody
            os._exit(1)


def _on_term(signum, frame):
    raise SystemExit(143)   # unwinds run_bounded, which kills the formula's worker


class _Inbox:
    """The tasks a worker holds, in order; ``None`` at the end means stop."""

    def __init__(self):
        self.items: deque = deque()
        self.cond = threading.Condition()

    def put(self, item) -> None:
        with self.cond:
            self.items.append(item)
            self.cond.notify()

    def take(self):
        with self.cond:
            while not self.items:
                self.cond.wait()
            return self.items.popleft()

    def remove(self, index: int) -> bool:
        with self.cond:
            for item in self.items:
                if item is not None and item[0] == index:
                    self.items.remove(item)
                    return True
            return False

    def stop_now(self) -> None:
        with self.cond:
            self.items.clear()
            self.items.append(None)
            self.cond.notify()


def _receive(conn, inbox: _Inbox, send) -> None:
    """The worker's reader: takes every message as it comes (a parent sending the next task
    never waits for the current one to end), answers cancels at once."""
    while True:
        try:
            msg = conn.recv()
        except BaseException:   # the parent closed its end (or sent what cannot be read)
            inbox.stop_now()
            return
        if msg is None:
            inbox.put(None)     # after the tasks held
            return
        if msg[0] == "cancel":
            if inbox.remove(msg[1]):
                send(("cancelled", msg[1]))
        else:
            inbox.put((msg[1], msg[2]))


_STEP_DEADLINE = None   # in a worker: the shared value its parent watches


def step_clock() -> Callable[[float], None] | None:
    """In a pool's worker: a function that tells the parent the deadline of the step now
    running (0.0: none), so that a step stuck in C code past it by :data:`OVERRUN_GRACE`
    gets the worker stopped and its task reported, as a task past the pool's own bound is."""
    if _STEP_DEADLINE is None:
        return None

    def publish(deadline: float) -> None:
        _STEP_DEADLINE.value = deadline
    return publish


def _worker(conn, fn: Callable, setup: Callable | None, parent: int,
            retire: Callable | None = None, deadline=None) -> None:
    global _STEP_DEADLINE
    _STEP_DEADLINE = deadline
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if setup is not None:
        setup()
    lock = threading.Lock()

    def send(msg) -> None:
        with lock:
            conn.send(msg)
    inbox = _Inbox()
    threading.Thread(target=_receive, args=(conn, inbox, send), daemon=True).start()
    send(("ready",))
    while True:
        item = inbox.take()
        if item is None:
            return
        index, task = item
        try:
            send(("start", index, time.monotonic()))
        except OSError:    # the parent is gone
            return
        try:
            result = ("ok", index, fn(task))
        except Exception as err:   # fn reports its own failures; this is a last resort
            result = ("err", index, f"{type(err).__name__}: {err}".splitlines()[0])
        try:
            send(result)
            if retire is not None and retire():
                send(("retire",))
                return
        except OSError:
            return
        del item, task, result


# -- the parent side -------------------------------------------------------------------
class _Queue:
    """An iterator of ``(index, task)`` with a front for what is put back; true while anything
    is left.  With *key*, :meth:`pop_for` chooses by affinity among the next few."""

    def __init__(self, it, key: Callable | None = None):
        self.it, self.back = iter(it), deque()
        self.key, self.keys, self.owner = key, {}, {}

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

    def _key(self, item):
        if item[0] not in self.keys:
            try:
                self.keys[item[0]] = self.key(item[1])
            except Exception:   # a key is only a preference
                self.keys[item[0]] = None
        return self.keys[item[0]]

    def pop_for(self, worker: int):
        """The next item for *worker* (see the module's docstring)."""
        if self.key is None:
            return self.pop()
        while len(self.back) < LOOKAHEAD:
            try:
                self.back.append(next(self.it))
            except StopIteration:
                break
        pick, new = 0, None
        for n, item in enumerate(self.back):
            k = self._key(item)
            owner = self.owner.get(k) if k is not None else None
            if owner == worker:
                pick, new = n, None
                break
            if new is None and owner is None:
                new = n
        pick = pick if new is None else new
        item = self.back[pick]
        del self.back[pick]
        k = self.keys.pop(item[0], None)
        if k is not None:
            self.owner.setdefault(k, worker)
        return item


class _Slot:
    def __init__(self, proc, conn, step=None):
        self.proc, self.conn, self.step = proc, conn, step
        self.ready = False
        self.sent: deque = deque()     # (index, task) sent and not finished, in order
        self.started = False           # whether sent[0] runs
        self.deadline = 0.0
        self.cancelling: set[int] = set()
        self.retiring = False          # it said it exits after its last result


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

    def __init__(self, fn: Callable, jobs: int, timeout: float, setup: Callable | None = None,
                 depth: int = DEPTH, retire: Callable | None = None,
                 affinity: Callable | None = None):
        self.fn, self.jobs, self.timeout, self.setup = fn, jobs, timeout, setup
        self.retire, self.affinity = retire, affinity
        self.depth = max(1, depth)
        self.ctx = mp.get_context("spawn")
        self.slots: list[_Slot] = []
        self.failed_starts = 0
        self.attempts: dict[int, int] = {}

    def _start(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        step = self.ctx.Value("d", 0.0, lock=False)   # written by the worker alone
        proc = self.ctx.Process(target=_worker, args=(child, self.fn, self.setup, os.getpid(),
                                                        self.retire, step),
                                name="symderiv-corpus-worker")
        proc.start()
        child.close()
        return _Slot(proc, parent, step)

    def _overrun(self, s: _Slot) -> float | None:
        """When *s*'s worker is to be stopped for a step stuck past its deadline."""
        step = s.step.value if (s.started and s.step is not None) else 0.0
        return step + OVERRUN_GRACE if step > 0 else None

    def _stop(self, slot: _Slot, grace: float = 3.0) -> None:
        if slot.proc.is_alive():
            slot.proc.terminate()
            slot.proc.join(grace)
        if slot.proc.is_alive():
            slot.proc.kill()
        slot.proc.join(5)
        slot.conn.close()

    def _replace(self, slot: _Slot, todo: _Queue) -> None:
        """A new worker instead of *slot*'s; the tasks it held and had not started go back
        to the front of *todo*, in their order."""
        for item in reversed([it for i, it in enumerate(slot.sent) if i or not slot.started]):
            todo.push(item)
        self._stop(slot)
        self.slots[self.slots.index(slot)] = self._start()

    def start(self, count: int) -> None:
        """Start the workers for *count* tasks now (they load the engine while the caller
        prepares the tasks); ``run`` would start them otherwise."""
        if not self.slots:
            self.slots = [self._start() for _ in range(min(self.jobs, max(1, count)))]

    def run(self, tasks: Iterable, count: int) -> Iterator[tuple[int, bool, object]]:
        """Run the *count* tasks of *tasks*, which is read only as workers take them (a
        large corpus is never held in memory at once)."""
        todo = _Queue(enumerate(tasks), self.affinity if self.jobs > 1 else None)
        self.start(count)
        try:
            yield from self._loop(todo)
        finally:
            self.close()

    def _fill(self, todo: _Queue) -> None:
        """Hand out tasks, one at a time to the worker holding the fewest (a task taken
        back goes to the idle worker, not to the one it came from)."""
        while todo:
            free = [s for s in self.slots if s.ready and len(s.sent) < self.depth]
            if not free:
                return
            s = min(free, key=lambda s: len(s.sent))
            index, task = todo.pop_for(self.slots.index(s))
            try:
                s.conn.send(("task", index, task))
            except OSError:      # it died: seen by its sentinel, the task goes elsewhere
                todo.push((index, task))
                s.ready = False
                s.proc.kill()
                continue
            s.sent.append((index, task))

    def _rebalance(self, todo: _Queue) -> None:
        """Nothing left to hand out and a worker idle: take back a task another one holds
        without having started it."""
        if todo or not any(s.ready and not s.sent for s in self.slots):
            return
        for s in self.slots:
            waiting = [i for n, (i, _) in enumerate(s.sent) if n or not s.started]
            waiting = [i for i in waiting if i not in s.cancelling]
            if waiting:
                try:
                    s.conn.send(("cancel", waiting[-1]))
                except OSError:
                    continue
                s.cancelling.add(waiting[-1])
                return

    def _read(self, s: _Slot, todo: _Queue, done: list) -> bool:
        """Every message *s*'s worker has sent; False once its end is closed."""
        while True:
            try:
                if not s.conn.poll(0):
                    return True
                msg = s.conn.recv()
            except (EOFError, OSError):
                return False
            kind = msg[0]
            if kind == "ready":
                s.ready, self.failed_starts = True, 0
            elif kind == "retire":
                s.retiring, s.ready = True, False   # nothing more is sent to it
            elif kind == "start":
                s.started, s.deadline = True, min(msg[2], time.monotonic()) + self.timeout
                s.cancelling.discard(msg[1])
            elif kind == "cancelled":
                s.cancelling.discard(msg[1])
                for item in list(s.sent):
                    if item[0] == msg[1]:
                        s.sent.remove(item)
                        todo.push(item)
            else:
                index = s.sent.popleft()[0]
                s.started = False
                s.cancelling.discard(index)
                done.append((index, kind == "ok", msg[2]))

    def _loop(self, todo: _Queue) -> Iterator[tuple[int, bool, object]]:
        while todo or any(s.sent for s in self.slots):
            self._fill(todo)
            self._rebalance(todo)
            busy = [s.deadline for s in self.slots if s.started]
            busy += [t for t in map(self._overrun, self.slots) if t is not None]
            if any(s.started for s in self.slots) and any(s.step is not None
                                                           for s in self.slots):
                busy.append(time.monotonic() + 0.5)   # look at the steps' deadlines again
            left = max(0.0, min(busy) - time.monotonic()) if busy else None
            waitables = {s.conn: s for s in self.slots}
            waitables.update({s.proc.sentinel: s for s in self.slots})
            done: list = []
            for s in {waitables[obj] for obj in wait(list(waitables), timeout=left)}:
                if s not in self.slots:
                    continue    # replaced already in this round
                if not self._read(s, todo, done) or not s.proc.is_alive():
                    self._read(s, todo, done)          # what it sent before it ended
                    s.proc.join(1)
                    done.extend(self._died(s, todo))
            self._fill(todo)    # the workers go on while the caller handles the results
            yield from done
            now = time.monotonic()
            for s in list(self.slots):
                if s.started and now >= s.deadline:
                    index = s.sent[0][0]
                    self._replace(s, todo)
                    yield index, False, (f"time budget of {self.timeout:g} s for the document "
                                         "exceeded (its worker was stopped)")
                elif s.started and (self._overrun(s) or now + 1) <= now:
                    index = s.sent[0][0]
                    self._replace(s, todo)
                    yield index, False, (f"a formula's check ran {OVERRUN_GRACE:g} s past its "
                                         "time budget without stopping (its worker was stopped)")

    def _died(self, s: _Slot, todo: _Queue) -> list[tuple[int, bool, object]]:
        if s.retiring and not s.started:   # it exited as it said: not a failure
            self._replace(s, todo)
            return []
        why = _death(s.proc)
        if not s.ready and not s.sent:
            self.failed_starts += 1
            if self.failed_starts > 2 * self.jobs:
                raise PoolError(f"could not start a worker process: {why}")
        out = []
        if s.started:
            out.append((s.sent[0][0], False, why))
        elif s.sent:             # died before it started the task it was given
            index = s.sent[0][0]
            self.attempts[index] = self.attempts.get(index, 0) + 1
            if self.attempts[index] >= MAX_ATTEMPTS:
                s.sent.popleft()
                out.append((index, False, why))
        self._replace(s, todo)
        return out

    def close(self) -> None:
        for s in self.slots:
            try:
                if s.proc.is_alive() and not s.sent:
                    s.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        for s in self.slots:
            if not s.sent:
                s.proc.join(max(0.0, deadline - time.monotonic()))
            self._stop(s)
        self.slots = []
