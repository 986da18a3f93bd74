"""The per-document tasks of a corpus audit on a Dask cluster (``--scheduler ADDRESS``).

Each task carries the document's bytes (workers need no shared disk) and is the same
:func:`symderiv.corpus.task.audit_task` the local pool runs.  Every worker must have symderiv
installed (``pip install 'symderiv[dask]'``).  Within a task each formula still runs in its own
killable process under ``--timeout``; the bound per document (``--doc-timeout``) stops the wait
for the document, which is then listed as failed.  At most a few tasks per worker thread are in
flight, so a large corpus is not loaded into the cluster's memory at once.
"""
from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor, TimeoutError as _Timeout
from typing import Iterable, Iterator

from .task import audit_task

__all__ = ["run_on_dask", "dask_task"]


def dask_task(task: dict, timeout: float) -> dict:
    """One document on a Dask worker, bounded by *timeout* seconds."""
    proc = mp.current_process()
    if proc.daemon:
        # A nanny starts its worker as a daemon process, and a daemon may not start
        # processes; the per-formula workers must be killable processes.  They are stopped
        # by symderiv itself (killed at their budget, and as daemons of this process when
        # it exits), which is what the daemon flag guards.
        proc.daemon = False
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(audit_task, task).result(timeout=timeout)
    except _Timeout:
        return {"document": task["document"], "records": [], "md": "", "cacheable": False,
                "error": f"time budget of {timeout:g} s for the document exceeded"}
    finally:
        pool.shutdown(wait=False)


def run_on_dask(address: str, tasks: Iterable[dict], timeout: float,
                connect_timeout: float = 30.0) -> Iterator[tuple[int, bool, object]]:
    """Yield ``(index, ok, result or reason)`` as the cluster finishes the tasks."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ValueError("--scheduler needs Dask: pip install 'symderiv[dask]'") from None
    try:
        client = Client(address, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise ValueError(f"--scheduler {address}: no Dask scheduler answered "
                         f"({str(err).splitlines()[0] if str(err) else type(err).__name__})"
                         ) from None
    try:
        threads = sum(client.nthreads().values()) or 1
        window = max(4, 2 * threads)
        index_of, pending = {}, enumerate(tasks)
        running = as_completed(loop=client.loop)
        for index, task in _take(pending, window):
            fut = client.submit(dask_task, task, timeout, pure=False)
            index_of[fut.key] = index
            running.add(fut)
        for fut in running:
            index = index_of.pop(fut.key)
            if fut.status == "finished":
                yield index, True, fut.result()
            else:
                try:
                    err = fut.exception()
                except BaseException as why:   # cancelled: the cluster dropped it
                    err = why
                yield index, False, (f"the Dask task failed ({type(err).__name__}: {err})"
                                     .splitlines()[0])
            fut.release()
            for nxt, task in _take(pending, 1):
                new = client.submit(dask_task, task, timeout, pure=False)
                index_of[new.key] = nxt
                running.add(new)
    finally:
        client.close()


def _take(it, n):
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out
