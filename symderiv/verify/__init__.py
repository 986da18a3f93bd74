"""verify: every verdict is made here (the only stage that says proved, verified, refuted,
adopted or unknown).

- :mod:`.verdict`: the Verdict, its evidence, and how the verdicts of several readings combine;
- :mod:`.exact_check`: exact evaluation at random points of GF(p), per size;
- :mod:`.search`: readable counterexamples, re-checked by an independent route;
- :mod:`.decide`: the layered decision procedure (symbolic proof, exact check, refutation);
- :mod:`.piecewise`: claims with cases, |.|, max, min, sign, decided region by region;
- :mod:`.numbers`: substituted values and ``\\approx`` values.
"""
from .verdict import (EXIT_CODES, HOLDS, STATUSES, Counterexample, ReadingResult, Verdict, adopt,
                      combine_readings, summarize_chain, undecided,
                      shape_refuted, combine_layouts)
from .exact_check import DEFAULT_SIZES, exact_check, prepare
from .search import explicit_search, find_counterexample
from .decide import decide
from .numbers import adopt_substitution, decide_approx, guard_unread_dependence, guard_rounding, guard_substitution

__all__ = ["Verdict", "Counterexample", "ReadingResult", "decide", "combine_readings",
           "shape_refuted", "combine_layouts",
           "summarize_chain", "undecided", "adopt", "decide_approx", "guard_substitution", "guard_rounding", "adopt_substitution", "guard_unread_dependence",
           "exact_check", "prepare", "find_counterexample", "explicit_search",
           "STATUSES", "DEFAULT_SIZES", "EXIT_CODES", "HOLDS"]
