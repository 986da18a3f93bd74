"""SymPy helpers for the round-8 truth labels (seed 8): the shared ../harness.py, never symderiv."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import (R, SIZES, V, M, softmax, sig, delta, over, equal, approx, side_equal,  # noqa: E402,F401
                     classes, truth, amb)

harness.seed(8)
