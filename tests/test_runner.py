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
