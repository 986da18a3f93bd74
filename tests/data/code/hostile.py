"""Hostile functions for check-code's sandbox (test data): each must be killed or refused."""
import os

import numpy as np

PROBE = "/tmp/symderiv-hostile-probe.txt"


def hangs(y):
    while True:
        pass


def allocates_10gb(y):
    big = np.ones(10 * 2 ** 30 // 8)
    return big[: len(y)]


def forks(y):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return np.diag(y) - np.outer(y, y)


def shells_out(y):
    os.system(f"touch {PROBE}")
    return np.diag(y) - np.outer(y, y)


def writes_files(y):
    with open(PROBE, "w") as fh:
        fh.write("escaped")
    return np.diag(y) - np.outer(y, y)


def writes_beside(y):
    with open("../symderiv-hostile-beside.txt", "w") as fh:
        fh.write("escaped")
    return np.diag(y) - np.outer(y, y)


def writes_its_folder(y):
    with open("scratch.txt", "w") as fh:
        fh.write("allowed: the temporary folder")
    return np.diag(y) - np.outer(y, y)
