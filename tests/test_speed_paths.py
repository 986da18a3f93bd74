"""The speed paths keep their behaviour: warm workers (reused, replaced when killed or
retired, never shared between threads), the caches (same answers as without them), the
evaluator compiled once per size (same values as a fresh one), a command-line check without
SymPy in its own process.  No timings here: benchmarks/ measures them."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from symderiv import runner
from symderiv.runner import TimeBudgetExceeded, WorkerError, named, run_bounded


def _retire_next():
    """(runs in the worker) make this worker retire after its step, as if it were too big."""
    runner.WORKER_MEMORY = 0
    return os.getpid()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie is not alive
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


# ---------------------------------------------------------------------------------------
# warm workers
def test_a_worker_serves_the_next_step():
    first = run_bounded(os.getpid, timeout=60)
    assert first != os.getpid()
    assert run_bounded(os.getpid, timeout=60) == first


def test_an_error_keeps_the_worker_and_is_reported():
    pid = run_bounded(os.getpid, timeout=60)
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        run_bounded(divmod, (1, 0), timeout=60)
    assert run_bounded(os.getpid, timeout=60) == pid


def test_a_step_past_its_budget_kills_its_worker():
    pid = run_bounded(os.getpid, timeout=60)
    with pytest.raises(TimeBudgetExceeded):
        run_bounded(time.sleep, (30,), timeout=0.5)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
    fresh = run_bounded(os.getpid, timeout=60)
    assert fresh != pid and run_bounded(pow, (2, 5), timeout=60) == 32


def test_a_worker_past_its_memory_bound_is_retired():
    pid = run_bounded(_retire_next, timeout=60)
    assert run_bounded(os.getpid, timeout=60) != pid


def test_threads_never_share_a_worker():
    pids, barrier = [], threading.Barrier(2)

    def step():
        barrier.wait()
        pids.append(run_bounded(_pid_after_a_while, timeout=60))
    threads = [threading.Thread(target=step) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(pids) == 2 and pids[0] != pids[1]


def _pid_after_a_while():
    time.sleep(0.5)
    return os.getpid()


def test_named_steps_import_their_module_in_the_worker():
    assert run_bounded(named("math", "factorial"), (5,), timeout=60) == 120
    assert "named('math', 'factorial')" == repr(named("math", "factorial"))


def test_prestart_gives_the_first_step_its_worker():
    runner.shutdown()
    runner.prestart()
    runner.prestart()   # one is starting already: nothing more
    first = run_bounded(os.getpid, timeout=60)
    assert run_bounded(os.getpid, timeout=60) == first


def test_a_worker_exits_when_its_owner_is_killed(tmp_path):
    """kill -9 of the process that sent a step: its worker stops too, mid-step.  A wrapper
    adopts the orphans (a child subreaper) and reaps them: no zombie is left behind."""
    owner = tmp_path / "owner.py"
    owner.write_text(textwrap.dedent("""
        import os, signal, threading, time
        from symderiv.runner import run_bounded
        pid = run_bounded(os.getpid, timeout=60)
        print(pid, flush=True)
        threading.Thread(target=run_bounded, args=(time.sleep, (120,)),
                         kwargs={"timeout": 300}, daemon=True).start()
        time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGKILL)
    """))
    wrapper = tmp_path / "adopt.py"
    wrapper.write_text(textwrap.dedent("""
        import ctypes, os, subprocess, sys, time
        if ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) != 0:   # PR_SET_CHILD_SUBREAPER
            print("NO-SUBREAPER"); sys.exit(0)
        p = subprocess.run([sys.executable, sys.argv[1]], capture_output=True, text=True)
        worker = int(p.stdout.split()[0])
        print("OWNER", p.returncode, "WORKER", worker, flush=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == worker:
                print("WORKER-EXITED", round(time.monotonic() - deadline + 30, 1))
            if pid == 0:
                time.sleep(0.1)
    """))
    proc = subprocess.run([sys.executable, str(wrapper), str(owner)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    if "NO-SUBREAPER" in proc.stdout:
        pytest.skip("prctl(PR_SET_CHILD_SUBREAPER) is not available here")
    assert f"OWNER {-signal.SIGKILL}" in proc.stdout, proc.stdout + proc.stderr
    assert "WORKER-EXITED" in proc.stdout, proc.stdout + proc.stderr


# ---------------------------------------------------------------------------------------
# caches: the same answers as without them
def test_read_formula_is_remembered_per_text_and_notation():
    from symderiv.read import LatexError, Notation, read_formula
    from symderiv.read.formula import _read_formula
    text = r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"
    assert read_formula(text) is read_formula(text)
    assert read_formula(text) == _read_formula(text)
    other = Notation(size="N")
    assert read_formula(text, other) == _read_formula(text, other) != read_formula(text)
    errors = []
    for _ in range(2):
        with pytest.raises(LatexError) as info:
            read_formula(r"\frac{\partial y}{\partial z} = ")
        errors.append(info.value)
    assert errors[0] is not errors[1] and str(errors[0]) == str(errors[1])
    assert errors[1].__traceback__ is not None and errors[1].position == errors[0].position


def test_contexts_and_normal_forms_are_remembered():
    from sympy import IndexedBase, KroneckerDelta
    from symderiv import calculus
    from symderiv.context import _build_context, build_context
    from symderiv.notation import Partial, index
    y, z = IndexedBase("y"), IndexedBase("z")
    i, j = index("i"), index("j")
    given = (r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}",)
    parts = (Partial(y[i], z[j]),)
    ctx = build_context(given, (), claim_exprs=parts)
    assert build_context(list(given), [], claim_exprs=list(parts)) is ctx
    from symderiv.read import Notation
    assert ctx == _build_context(given, (), Notation(), parts, None)
    e = Partial(y[i], z[j]) - y[i] * (KroneckerDelta(i, j) - y[j])
    assert calculus.normal_form(e, ctx) == 0 == calculus.normal_form.__wrapped__(e, ctx)
    assert calculus.to_leaves(e, ctx) == calculus.to_leaves.__wrapped__(e, ctx)
    with pytest.raises(calculus.CalculusError, match="whole vector"):
        calculus.to_leaves(Partial(y[i], z), ctx)
    with pytest.raises(calculus.CalculusError, match="whole vector"):   # remembered, anew
        calculus.to_leaves(Partial(y[i], z), ctx)


def test_an_evaluator_reset_draws_what_a_fresh_one_draws():
    from sympy import IndexedBase, Sum, exp
    from symderiv.exact import Evaluator
    from symderiv.notation import K, index
    z, t = IndexedBase("z"), IndexedBase("t")
    k, j = index("k"), index("j")
    e = exp(z[j]) / Sum(exp(z[k]), (k, 1, K)) - t[j] * Sum(t[k] ** 2, (k, 1, K))
    for mode, kw in (("free", {}), ("real", {"pattern": ((1, 2, 3), (2, -1, 0)),
                                             "symbols": {"beta": 2}})):
        ev = Evaluator(4, mode, sizes={"K": 4})
        for seed in (3, 7, 3):
            got = ev.reset(seed, **kw).value(e, {j: 2})
            fresh = Evaluator(4, mode, sizes={"K": 4}, seed=seed, **kw)
            assert got == fresh.value(e, {j: 2})
            assert ev.leaves == fresh.leaves and ev.accessed == fresh.accessed


# ---------------------------------------------------------------------------------------
# the command line's edge
def test_check_on_the_command_line_loads_no_sympy_in_its_process():
    code = textwrap.dedent(r"""
        import sys
        from symderiv.cli import main
        rc = main(["check", r"\frac{\partial y_i}{\partial z_j} = y_i (\delta_{ij} - y_j)",
                   "--given", r"y_i = \frac{e^{z_i}}{\sum_k e^{z_k}}", "--format", "json"])
        print("RC", rc, "SYMPY", "sympy" in sys.modules)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert '"verdict": "proved"' in proc.stdout
    assert "RC 0 SYMPY False" in proc.stdout
