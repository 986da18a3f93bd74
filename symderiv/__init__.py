"""symderiv: derive gradient formulas symbolically, for every size K, and check hand-written ones.

The public API is small: models (``softmax``), derivations (``derive``, ``prove``), the
checker (``check`` → :class:`Verdict`) and the report writer (``report``).
"""
__version__ = "0.1.0"

__all__ = ["__version__", "Verdict", "check", "derive", "prove", "softmax", "report",
           "SymderivError", "check_code"]


def __getattr__(name):  # lazy: importing symderiv stays cheap (SymPy loads on first use)
    if name == "Verdict":
        from .verify import Verdict
        return Verdict
    if name == "check":
        from .api import check
        return check
    if name in ("derive",):
        from .derivations import derive
        return derive
    if name == "prove":
        from .derivations import prove
        return prove
    if name == "softmax":
        from .models import softmax
        return softmax
    if name == "report":
        from .report.build import run_reports
        return run_reports
    if name == "check_code":
        from .codecheck import check_code
        return check_code
    if name == "SymderivError":
        from .notation import SymderivError
        return SymderivError
    raise AttributeError(f"module 'symderiv' has no attribute {name!r}")
