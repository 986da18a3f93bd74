"""Steps bounded by a timer in a corpus worker's own process (runner.use_alarm_bounds).

Each case runs in a fresh interpreter: the timer route changes process-wide state (a signal
handler, a watchdog thread) that the test process must not keep."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX interval timers")


def _run(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout)


def test_a_long_step_is_cut_in_the_process_itself_and_the_process_asks_to_retire():
    p = _run("""
        import os, time
        from symderiv.runner import run_bounded, use_alarm_bounds, should_retire, TimeBudgetExceeded
        use_alarm_bounds()
        def spin():
            while True:
                pass
        print(run_bounded(os.getpid, timeout=5) == os.getpid(), should_retire())
        t = time.monotonic()
        try:
            run_bounded(spin, timeout=0.4)
        except TimeBudgetExceeded as err:
            print("cut", round(time.monotonic() - t, 1) < 2, err)
        print(should_retire())
        print(run_bounded(sum, ([1, 2, 3],), timeout=5))   # the next step still runs
    """)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split("\n")[:4] == [
        "True False", "cut True time budget of 0.4 s exceeded", "True", "6"]


def test_an_error_of_a_step_comes_back_as_a_worker_process_reports_it():
    """Callers catch WorkerError and SymderivError (a formula is then 'could not check'),
    never a bare library exception that would lose the whole document."""
    p = _run("""
        from symderiv.runner import run_bounded, use_alarm_bounds, WorkerError
        from symderiv.errors import SymderivError
        use_alarm_bounds()
        try:
            run_bounded(int, ("x",), timeout=5)
        except WorkerError as err:
            print("worker error:", str(err).splitlines()[0])
        class Mine(SymderivError):
            pass
        def mine():
            raise Mine("kept")
        try:
            run_bounded(mine, timeout=5)
        except Mine as err:
            print("kept its type:", err)
    """)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [
        "worker error: ValueError: invalid literal for int() with base 10: 'x'",
        "kept its type: kept"]


def test_an_inner_step_keeps_the_outer_deadline_when_it_comes_first():
    p = _run("""
        from symderiv.runner import run_bounded, use_alarm_bounds, TimeBudgetExceeded
        use_alarm_bounds()
        def spin():
            while True:
                pass
        def outer():
            try:
                run_bounded(spin, timeout=30)      # the outer 0.5 s comes first
            except TimeBudgetExceeded:
                return "inner reported it"
        try:
            print(run_bounded(outer, timeout=0.5))
        except TimeBudgetExceeded as err:
            print("outer:", err)
        def outer2():
            try:
                run_bounded(spin, timeout=0.3)     # the inner one comes first
            except TimeBudgetExceeded as err:
                return f"inner: {err}"
        print(run_bounded(outer2, timeout=30))
    """)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["outer: time budget of 0.5 s exceeded",
                                     "inner: time budget of 0.3 s exceeded"]


def test_a_step_in_c_code_that_ignores_the_timer_gets_its_worker_stopped_by_the_pool():
    """C code that holds the interpreter runs no signal handler and no thread: the pool
    watches the deadline the step published, stops the worker, reports the document."""
    from symderiv.corpus.pool import OVERRUN_GRACE, LocalPool
    from symderiv.corpus.task import worker_should_retire, worker_setup
    pool = LocalPool(_stuck_task, 1, 120, setup=worker_setup, retire=worker_should_retire)
    t = time.monotonic()
    got = sorted(pool.run([True, False], 2))
    assert time.monotonic() - t < 0.3 + OVERRUN_GRACE + 30
    (_, ok0, why), (_, ok1, value) = got
    assert not ok0 and "past its time budget without stopping" in why
    assert ok1 and value == "quick"


def _stuck_task(stuck: bool):
    from symderiv.runner import run_bounded
    if stuck:   # one C loop: never checks for signals, never lets another thread run
        return run_bounded(sum, (range(10 ** 12),), timeout=0.3)
    return run_bounded(str, ("quick",), timeout=5)


def test_steps_off_the_main_thread_still_go_to_a_killable_worker():
    p = _run("""
        import os, threading
        from symderiv.runner import run_bounded, use_alarm_bounds
        use_alarm_bounds()
        out = []
        th = threading.Thread(target=lambda: out.append(run_bounded(os.getpid, timeout=30)))
        th.start(); th.join()
        print(out[0] != os.getpid())
    """, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "True"


def test_a_corpus_worker_whose_formula_ran_out_of_time_is_replaced_and_the_rest_go_on(tmp_path):
    """A formula cut by its timer makes its worker retire after the document; the documents
    after it are audited by a fresh worker, with the same records as one at a time."""
    from symderiv.corpus.pool import LocalPool
    from symderiv.corpus.task import worker_should_retire, worker_setup
    pool = LocalPool(_sleepy_task, 1, 60, setup=worker_setup, retire=worker_should_retire)
    got = sorted(pool.run([0.05, 2.0, 0.05, 0.05], 4))
    assert [ok for _, ok, _ in got] == [True] * 4
    results = [v for _, _, v in got]
    assert results[1][0] == "cut" and {r[0] for i, r in enumerate(results) if i != 1} == {"done"}
    assert results[0][1] == results[1][1] != results[2][1] == results[3][1]   # a new worker


def _sleepy_task(seconds: float):
    """A task whose single step spins for *seconds* under a 0.5 s bound (module level: the
    pool's spawned workers import it by name)."""
    import os
    from symderiv.runner import TimeBudgetExceeded, run_bounded
    try:
        run_bounded(_spin, (seconds,), timeout=0.5)
        return ("done", os.getpid())
    except TimeBudgetExceeded:
        return ("cut", os.getpid())


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
