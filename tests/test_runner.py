"""Time budgets: a killable worker, usable from threads; failures carry their reason."""
import threading
import time

import pytest

from symderiv.api import check
from symderiv.runner import TimeBudgetExceeded, WorkerError, run_bounded


def test_result_comes_back():
    assert run_bounded(pow, (3, 4), timeout=60) == 81


def test_timeout_kills_the_worker():
    t0 = time.perf_counter()
    with pytest.raises(TimeBudgetExceeded, match="time budget"):
        run_bounded(time.sleep, (30,), timeout=0.5)
    assert time.perf_counter() - t0 < 10


def test_worker_errors_are_reported():
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        run_bounded(divmod, (1, 0), timeout=60)


def test_check_from_a_thread_respects_budget():
    out = {}

    def work():
        out["v"] = check(r"\frac{\partial y_i}{\partial z_j} = 0",
                         given=[r"y_i = \frac{e^{z_i}}{\sum_k e^{z_k}}"], timeout=0.001)
    th = threading.Thread(target=work)
    th.start()
    th.join(60)
    assert out["v"].status == "unknown" and "time budget" in out["v"].reason


def test_bad_timeouts_are_rejected():
    for bad in (0, -1, float("nan"), float("inf"), 1e12):
        with pytest.raises(ValueError, match="timeout"):
            run_bounded(pow, (2, 2), timeout=bad)


def test_script_without_main_guard(tmp_path):
    """The README's API example run as a plain script: workers must not re-run the script."""
    import subprocess
    import sys
    script = tmp_path / "plain.py"
    script.write_text(
        "import symderiv\n"
        "v = symderiv.check(r'\\frac{\\partial y_i}{\\partial z_j} = y_i (\\delta_{ij} - y_j)',\n"
        "                   given=[r'y_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}'])\n"
        "print('STATUS', v.status)\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("STATUS") == 1 and "STATUS proved" in proc.stdout
    assert "Traceback" not in proc.stderr
