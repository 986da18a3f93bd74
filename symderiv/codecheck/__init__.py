"""Judge NumPy code against the derived Jacobians and gradients (``symderiv check-code``).

* :func:`check_code` runs a user's own function in a limited child process
  (:mod:`.sandbox`) on inputs the engine chooses (:mod:`.inputs`), compares with the exact
  derived quantity (:mod:`.targets`), names the slip (:mod:`.diagnose`), reads the function
  symbolically to name the line (:mod:`.reading`, :mod:`.symbolic`) and shows a
  finite-difference cross-check (:mod:`.finite`).
* :func:`judge_document_code` finds functions in a document and judges them by the symbolic
  reading only: code from a document is never executed (:mod:`.documents`).
"""
from .check import CodeCheckError, CodeResult, check_code
from .documents import find_code_functions, judge_document_code
from .targets import TARGETS, target_names

__all__ = ["check_code", "CodeResult", "CodeCheckError", "find_code_functions",
           "judge_document_code", "TARGETS", "target_names"]
